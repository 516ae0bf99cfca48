// right: tokio's BufReader with fill_buf/consume; a std::sync::Mutex (a shared count) locked only between two .awaits, never across one
//! Exercise 7: the time server's per-client task, in async Rust — book chapter 7.

use std::io;
use std::sync::Mutex;
use std::time::Duration;

use net_basics::time_protocol::TimestampDecoder;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

/// Every timestamp every client sent (shared by all the tasks).
static ALL_TIMESTAMPS: Mutex<u64> = Mutex::new(0);

pub async fn handle_client(
    reader: impl AsyncRead + Unpin,
    out: &mut (impl AsyncWrite + Unpin),
    idle: Duration,
) -> io::Result<usize> {
    let mut reader = BufReader::new(reader);
    let mut decoder = TimestampDecoder::new();
    let mut mine = 0;
    let outcome = loop {
        let filled = tokio::time::timeout(idle, reader.fill_buf()).await;
        let chunk = match filled {
            Err(_) => break Err(io::ErrorKind::TimedOut.into()),
            Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
            Ok(Err(e)) => break Err(e),
            Ok(Ok([])) => break Ok(mine),
            Ok(Ok(chunk)) => chunk,
        };
        decoder.push(chunk);
        let taken = chunk.len();
        reader.consume(taken);
        let mut text = Vec::new();
        while let Some(message) = decoder.next_message()? {
            if message.is_timestamp() {
                mine += 1;
                *ALL_TIMESTAMPS.lock().unwrap() += 1; // the guard ends with this statement
            }
            text.extend_from_slice(format!("{message}\n").as_bytes());
        }
        out.write_all(&text).await?;
        out.flush().await?;
    };
    if let Some(rest) = decoder.finish() {
        out.write_all(format!("{rest}\n").as_bytes()).await?;
        out.flush().await?;
    }
    outcome
}
