//! Exercise 7: the time server's per-client task, in async Rust — book chapter 7.
//!
//! Check your work with `cargo test --features async --test ex07_async_time_server`; then run the
//! real server with your code: `cargo run --example 07_async_time_server --features async,mine`.

// A stub names its parameters but does not use them yet; delete this line when you are done.
#![allow(unused_variables)]

use std::io;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};

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
    reader: impl AsyncRead + Unpin,
    out: &mut (impl AsyncWrite + Unpin),
    idle: Duration,
) -> io::Result<usize> {
    // TODO: exercise 4's loop, with `.await` wherever it waits; give each read at most `idle`
    // (`tokio::time` has what you need); push, write the lines, flush; `finish` before returning.
    todo!("exercise 7: implement handle_client — book chapter 7")
}
