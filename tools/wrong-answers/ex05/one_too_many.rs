// wrong: `0..=count` sends one message too many. expect: "(off by one)"
//! Exercise 5, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Write};
use std::thread;
use std::time::Duration;

use chrono::{DateTime, Local};

pub fn format_timestamp(now: &DateTime<Local>) -> String {
    now.format("%Y-%m-%d %H:%M:%S").to_string()
}

pub fn send_timestamps(
    mut out: impl Write,
    count: usize,
    interval: Duration,
    mut clock: impl FnMut() -> DateTime<Local>,
) -> io::Result<()> {
    for i in 0..=count {
        if i > 0 {
            thread::sleep(interval);
        }
        let message = format!("{}\n", format_timestamp(&clock()));
        out.write_all(message.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}
