// right: cuts the fraction with chrono's `trunc_subsecs(0)` and spells the format out, `"%Y-%m-%d %H:%M:%S"`
//! Exercise 5, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Write};
use std::thread;
use std::time::Duration;

use chrono::{DateTime, Local, SubsecRound};

/// The text of one message: `now` as `YYYY-MM-DD HH:MM:SS`, e.g. `2026-11-25 09:50:00`: always
/// 19 characters, zero-padded, a 24-hour clock, whole seconds (the fraction is cut off, not
/// rounded), no newline. The time is the local time `now` holds, as a clock on the wall shows it
/// — not converted to UTC.
pub fn format_timestamp(now: &DateTime<Local>) -> String {
    now.trunc_subsecs(0).format("%Y-%m-%d %H:%M:%S").to_string()
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
    for sent in 0..count {
        if sent > 0 {
            thread::sleep(interval);
        }
        let message = format!("{}\n", format_timestamp(&clock()));
        // One write per message: the `\n` travels with its timestamp.
        out.write_all(message.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}
