// wrong: a fixed idle time of 1 s "to be safe" instead of the `idle` it is given. expect: "the parameter, not a time of your own"

//! Exercise 7 (reference): the time server's per-client task, in async Rust — book chapter 7.

use std::io;
use std::time::Duration;

use net_basics::time_protocol::TimestampDecoder;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

// ANCHOR: handle_client
/// Serves one client as an async task: reads `reader` (the client's connection) until the client
/// closes it, and writes one line to `out` for every message it sent. Returns how many timestamps
/// it sent. It is exercise 4's `handle_client`, with the same rules, and two more:
///
/// * **Read until a read returns 0 bytes**, push every byte into a `TimestampDecoder` (from
///   `net_basics::time_protocol`), write one line per message it gives back (`{message}`), and
///   **flush `out` after the lines of each read.**
/// * **Nothing received is lost:** when the stream ends, or a read fails or times out, first
///   write what the decoder still holds (its `finish`), then return.
/// * **Errors are returned unchanged**, except `Interrupted` ("read again"); a line that is too
///   long is an error of kind `InvalidData` (the `?` on `next_message` does that).
/// * **The idle timeout:** when a read brings nothing for `idle` (the client is silent, or its
///   machine is gone), return an error of kind `TimedOut`. Silence counts, not connection time:
///   each read gets its own `idle`. (Example 07 passes `Duration::MAX` for `--idle-timeout 0`.)
/// * **Never block the thread.** Hundreds of clients' tasks share one thread: wait only at an
///   `.await` (`reader.read(…).await`, `tokio::time::timeout`), never in `std::thread::sleep` or
///   a blocking `std::io` call, which would stop every other client on that thread too.
pub async fn handle_client(
    mut reader: impl AsyncRead + Unpin,
    out: &mut (impl AsyncWrite + Unpin),
    idle: Duration,
) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut buffer = vec![0; 4096]; // one per client: 10,000 clients × 4 KiB = 40 MiB at most
    let mut timestamps = 0;
    let ended = loop {
        // Waits here — and lets the thread serve other clients — until bytes come or `idle` ends.
        let received = match tokio::time::timeout(std::time::Duration::from_secs(1), reader.read(&mut buffer)).await {
            Err(_elapsed) => break Err(io::Error::from(io::ErrorKind::TimedOut)),
            Ok(Ok(0)) => break Ok(timestamps), // 0 bytes: end of stream, NOT "nothing yet"
            Ok(Ok(received)) => received,
            Ok(Err(err)) if err.kind() == io::ErrorKind::Interrupted => continue,
            Ok(Err(err)) => break Err(err),
        };
        decoder.push(&buffer[..received]);
        // The lines of this read, gathered first and written at once: one write per read.
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
    // A message cut short by the end of the stream (or by a reset, or the timeout) is reported.
    if let Some(rest) = decoder.finish() {
        out.write_all(format!("{rest}\n").as_bytes()).await?;
        out.flush().await?;
    }
    ended
}
// ANCHOR_END: handle_client
