//! Exercise 4: the server's side of the time service — book chapter 4.
//!
//! Check your work with `cargo test --test ex04_time_server`; then run the real server with your
//! code: `cargo run --example 04_time_server --features mine`.

// A stub names its parameters but does not use them yet (and `reader` is `mut` already, for the
// reads you will write); delete this line when you are done. Keep the signature: the tests and
// example 04 call it as it is (adding or removing `mut` on a parameter is fine).
#![allow(unused_variables, unused_mut)]

use std::io::{self, Read, Write};

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
    // TODO: serve the client by the rules above.
    todo!("exercise 4: implement handle_client — book chapter 4, 'Exercise 4: the server's loop'")
}
