//! Exercise 4: the server's side of the time service — book chapter 4.
//!
//! Check your work with `cargo test --test ex04_time_server`; then run the real server with your
//! code: `cargo run --example 04_time_server --features mine`.

// A stub names its parameters but does not use them yet; delete this line when you are done.
#![allow(unused_variables)]

use std::io::{self, Read, Write};

/// Serves one client: reads `reader` (the client's connection) until the client closes it,
/// and writes one line to `out` for every message it sent. Returns how many timestamps it sent.
///
/// The rules:
/// * **Read until a read returns 0 bytes** — the end of the stream: the client closed its side.
///   A read returns whatever has arrived: part of a message, or several.
/// * **Framing is the decoder's job.** Push every byte you read into a
///   `TimestampDecoder` (from `net_basics::time_protocol`), then write one line per
///   message it gives back, as the message displays itself (`client time: 2026-11-25 09:50:00`
///   or `not a timestamp: "hello"`). It finds timestamps ended by `\n` (our client) and bare
///   timestamps back to back (the lesson's Python client).
/// * **Flush `out` after the lines of each read**, so they are shown now, not when a buffer fills.
/// * **Nothing received is lost:** when the stream ends, or a read fails, first write what the
///   decoder still holds (its `finish`), then return.
/// * **Errors are returned unchanged** — a reset connection, a read timeout (the server's idle
///   timeout shows up as `WouldBlock` or `TimedOut`) — except `Interrupted`, which only means
///   "try the read again". A line that is too long is returned as an error of kind
///   `InvalidData` (the `?` on `next_message` does that).
pub fn handle_client(reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    // TODO: read into a buffer until a read returns 0 bytes; push what each read returned into a
    // decoder, write a line per message it gives back, flush; at the end, do not forget `finish`.
    todo!("exercise 4: implement handle_client — book chapter 4")
}
