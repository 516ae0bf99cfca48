//! Exercise 4: the server's side of the time service — book chapter 5,
//! "Exercise 4: the server's loop".
//!
//! Check your work with `cargo test --test ex04_time_server`.

// A stub names its parameters but does not use them yet; delete this line when you are done.
#![allow(unused_variables)]

use std::io::{self, Read, Write};

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
    // TODO: read line by line until a read returns 0 bytes; write one line per message
    // (net_basics::time_protocol::Timestamp::parse tells a timestamp from anything else).
    todo!("exercise 4: implement handle_client — book chapter 5, 'Exercise 4: the server's loop'")
}
