// wrong: read_to_end first (within the idle timeout), then decode it all: nothing is shown while the client talks. expect: "while the client was quiet after its first timestamp"
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
    let mut all = Vec::new();
    let ended = match tokio::time::timeout(idle, reader.read_to_end(&mut all)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(err)) => Err(err),
        Err(_) => Err(io::Error::from(io::ErrorKind::TimedOut)),
    };
    let mut decoder = TimestampDecoder::new();
    decoder.push(&all);
    let mut timestamps = 0;
    let mut lines = String::new();
    while let Some(message) = decoder.next_message()? {
        if message.is_timestamp() {
            timestamps += 1;
        }
        lines += &format!("{message}\n");
    }
    if let Some(rest) = decoder.finish() {
        lines += &format!("{rest}\n");
    }
    out.write_all(lines.as_bytes()).await?;
    out.flush().await?;
    ended.map(|()| timestamps)
}
