// right: tokio::select! between the read and a fresh tokio::time::sleep(idle) each turn; a byte-by-byte decoder feed; write! per message
//! Exercise 7: the time server's per-client task, in async Rust — book chapter 7.

use std::io;
use std::time::Duration;

use net_basics::time_protocol::TimestampDecoder;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub async fn handle_client(
    mut reader: impl AsyncRead + Unpin,
    out: &mut (impl AsyncWrite + Unpin),
    idle: Duration,
) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut buffer = [0u8; 512];
    let mut count = 0;
    let result: io::Result<usize> = loop {
        let n = tokio::select! {
            read = reader.read(&mut buffer) => match read {
                Ok(0) => break Ok(count),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => break Err(e),
            },
            () = tokio::time::sleep(idle) => {
                break Err(io::Error::new(io::ErrorKind::TimedOut, "idle"));
            }
        };
        for byte in &buffer[..n] {
            decoder.push(std::slice::from_ref(byte));
        }
        loop {
            match decoder.next_message() {
                Ok(Some(message)) => {
                    count += usize::from(message.is_timestamp());
                    out.write_all(format!("{message}\n").as_bytes()).await?;
                }
                Ok(None) => break,
                Err(too_long) => {
                    out.flush().await?;
                    return Err(too_long.into());
                }
            }
        }
        out.flush().await?;
    };
    if let Some(rest) = decoder.finish() {
        out.write_all(format!("{rest}\n").as_bytes()).await?;
    }
    out.flush().await?;
    result
}
