//! Exercise 5: the client's side of the time service — book chapter 5,
//! "Exercise 5: the client".
//!
//! Check your work with `cargo test --test ex05_time_client`.

// A stub names its parameters but does not use them yet (and `out` and `clock` are `mut` already,
// for the code you will write); delete this line when you are done. Keep the signatures: the
// tests and example 05 call them as they are (adding or removing `mut` on a parameter is fine).
#![allow(unused_variables, unused_mut)]

use std::io::{self, Write};
use std::time::Duration;

use chrono::{DateTime, Local};

/// The text of one message: `now` as `YYYY-MM-DD HH:MM:SS`, e.g. `2026-11-25 09:50:00`: always
/// 19 characters, zero-padded, a 24-hour clock, whole seconds (the fraction is cut off, not
/// rounded), no newline. The time is the local time `now` holds, as a clock on the wall shows it
/// — not converted to UTC.
pub fn format_timestamp(now: &DateTime<Local>) -> String {
    // TODO: the text of `now`, by the rules above.
    todo!("exercise 5: implement format_timestamp — book chapter 5, 'Exercise 5: the client'")
}

/// Sends exactly `count` messages to `out`, each the [`format_timestamp`] of one fresh reading
/// of `clock`, followed by `\n` (the delimiter that tells the server where a message ends), and
/// waits `interval` *between* two messages — not before the first, not after the last.
/// Every byte of a message is sent, even when `out` takes only part of what one write offers,
/// and each message leaves at once, before the wait: none waits in a buffer. A failed write or
/// flush is returned at once: it means the server went away.
///
/// `clock` is a parameter so that tests can pass a fake one; a real client passes `Local::now`.
/// (`examples/05_time_client.rs` calls this function, through a writer that also prints each
/// message it sends.)
pub fn send_timestamps(
    mut out: impl Write,
    count: usize,
    interval: Duration,
    mut clock: impl FnMut() -> DateTime<Local>,
) -> io::Result<()> {
    // TODO: send `count` messages by the rules above.
    todo!("exercise 5: implement send_timestamps — book chapter 5, 'Exercise 5: the client'")
}
