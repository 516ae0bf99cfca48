//! Exercise 4 (reference): the server's side of the time service — book chapter 4.

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

// ANCHOR: handle_client
/// Serves one client: reads `reader` (the client's connection) until the client closes it,
/// and writes one line to `out` for every message it sent. Returns how many timestamps it sent.
///
/// The rules:
/// * **Until the end of the stream.** The client has closed its side when a read returns 0 bytes.
///   Until then a read returns whatever has arrived: part of a message, or several.
/// * **The lines are the decoder's.** One line for each message that a `TimestampDecoder` (from
///   `net_basics::time_protocol`) finds in the bytes, as the message displays itself
///   (`client time: 2026-11-25 09:50:00` or `not a timestamp: "hello"`). It finds timestamps
///   ended by `\n` (our client) and bare timestamps back to back (the lesson's Python client).
/// * **Shown as they arrive.** Before each read — which may wait a long time for the client —
///   every message in the bytes received so far has been written, and `out` flushed.
/// * **Nothing received is lost.** Before returning, at the end of the stream or with an error,
///   a message cut short is written too, and `out` is flushed.
/// * **Errors are returned unchanged** — a reset connection, a read timeout (the server's idle
///   timeout shows up as `WouldBlock` or `TimedOut`) — except `Interrupted`, which only means
///   "try the read again". More than 1 KiB with neither a newline nor a timestamp ends the
///   connection with an error of kind `InvalidData`, after the lines that came before it.
pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut buffer = vec![0; 64 * 1024]; // the lesson reads 1024; bigger reads cost less per byte
    let mut timestamps = 0;
    let ended = loop {
        let received = match reader.read(&mut buffer) {
            Ok(0) => break Ok(timestamps), // 0 bytes: end of stream, NOT "nothing yet"
            Ok(received) => received,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => break Err(err),
        };
        decoder.push(&buffer[..received]);
        // The lines of this read, gathered first and written at once: one write per read.
        let mut lines = Vec::new();
        let decoded = loop {
            match decoder.next_message() {
                Ok(Some(message)) => {
                    if message.is_timestamp() {
                        timestamps += 1;
                    }
                    writeln!(lines, "{message}")?; // into memory: cannot fail
                }
                Ok(None) => break Ok(()),
                Err(too_long) => break Err(too_long),
            }
        };
        // Written even when a line too long ends the connection: the lines before it are kept.
        out.write_all(&lines)?;
        out.flush()?;
        if let Err(too_long) = decoded {
            break Err(too_long.into()); // an io::Error of kind InvalidData
        }
    };
    // A message cut short by the end of the stream (or by a reset) is still reported.
    if let Some(rest) = decoder.finish() {
        writeln!(out, "{rest}")?;
        out.flush()?;
    }
    ended
}
// ANCHOR_END: handle_client
