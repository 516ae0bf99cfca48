//! Exercise 4 (reference): the server's side of the time service — book chapter 5,
//! "Exercise 4: the server's loop".

use std::io::{self, BufRead, BufReader, Read, Write};

use net_basics::time_protocol::Timestamp;

/// Serves one client: reads `reader` (the client's connection) to its end, one message per line,
/// and writes one line to `out` for each message. Returns how many timestamps it received.
///
/// The rules:
/// * A line ends at `\n`; the end of the stream also ends the last line. Spaces and the `\r` of
///   a `\r\n` ending around a message are not part of it; a line with nothing else is skipped.
/// * A timestamp — what [`Timestamp::parse`](net_basics::time_protocol::Timestamp::parse) accepts,
///   e.g. `2026-11-25 09:50:00` — gives the line `client time: 2026-11-25 09:50:00` and counts.
/// * Any other line gives `not a timestamp: "…"`: the line as `format!("{:?}", text)` shows it,
///   where `text` is `String::from_utf8_lossy` of its bytes (bytes that are not UTF-8 become `�`,
///   control characters are escaped). It does not count. So `hello` gives `not a timestamp: "hello"`.
/// * How the bytes arrive — all at once, or one byte per `read` — changes nothing.
/// * A read error (say, the connection was reset) is returned as the error; lines already
///   written stay written.
pub fn handle_client(reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    // A `read` returns whatever has arrived: part of a line, or several lines. `BufReader`
    // keeps the bytes between reads, and `read_until` collects them up to the next `\n`.
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    let mut timestamps = 0;
    loop {
        line.clear();
        // Bytes, not `String`: a client may send anything, and invalid UTF-8 must not stop us.
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(timestamps); // a read of 0 bytes: the client closed the connection
        }
        let message = line.trim_ascii();
        if message.is_empty() {
            continue;
        }
        match Timestamp::parse(message) {
            Some(timestamp) => {
                timestamps += 1;
                writeln!(out, "client time: {timestamp}")?;
            }
            None => writeln!(
                out,
                "not a timestamp: {:?}",
                String::from_utf8_lossy(message)
            )?,
        }
    }
}
