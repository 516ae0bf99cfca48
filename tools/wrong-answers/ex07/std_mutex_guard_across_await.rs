// wrong (rustc): a std::sync::Mutex guard (the time of the last byte, for the idle check) kept across the read's .await: the future is not Send, so tokio::spawn refuses it. expect: "future cannot be sent between threads safely"
//! Exercise 7: the time server's per-client task, in async Rust — book chapter 7.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    // When the client last sent something: shared, so that a watchdog could look at it too.
    let last_seen = Arc::new(Mutex::new(Instant::now()));
    let ended = loop {
        let mut last = last_seen.lock().unwrap();
        let read = tokio::time::timeout(idle, reader.read(&mut buffer)).await;
        *last = Instant::now();
        let received = match read {
            Err(_) => break Err(io::Error::from(io::ErrorKind::TimedOut)),
            Ok(Ok(0)) => break Ok(timestamps),
            Ok(Ok(received)) => received,
            Ok(Err(err)) if err.kind() == io::ErrorKind::Interrupted => continue,
            Ok(Err(err)) => break Err(err),
        };
        drop(last);
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
    };
    if let Some(rest) = decoder.finish() {
        out.write_all(format!("{rest}\n").as_bytes()).await?;
        out.flush().await?;
    }
    ended
}
