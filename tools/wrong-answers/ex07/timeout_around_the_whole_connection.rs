// wrong: one tokio::time::timeout around the whole connection: it counts the connection's age, not silence. expect: "the timeout counts silence"
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
    let mut buffer = vec![0; 4096];
    let mut timestamps = 0;
    let reading = async {
        loop {
            let received = match reader.read(&mut buffer).await {
                Ok(0) => return Ok(()),
                Ok(received) => received,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            decoder.push(&buffer[..received]);
            let mut lines = String::new();
            while let Some(message) = decoder.next_message()? {
                if message.is_timestamp() {
                    timestamps += 1;
                }
                lines += &format!("{message}\n");
            }
            out.write_all(lines.as_bytes()).await?;
            out.flush().await?;
        }
    };
    let ended = match tokio::time::timeout(idle, reading).await {
        Ok(ended) => ended,
        Err(_) => Err(io::Error::from(io::ErrorKind::TimedOut)),
    };
    if let Some(rest) = decoder.finish() {
        out.write_all(format!("{rest}\n").as_bytes()).await?;
        out.flush().await?;
    }
    ended.map(|()| timestamps)
}
