// right: sleeps until the next tick (start + k × interval), so time spent writing does not add up
//! Exercise 5, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Write};
use std::thread;
use std::time::Duration;

use chrono::{DateTime, Local};
use std::time::Instant;

pub fn format_timestamp(now: &DateTime<Local>) -> String {
    now.format("%Y-%m-%d %H:%M:%S").to_string()
}

pub fn send_timestamps(
    mut out: impl Write,
    count: usize,
    interval: Duration,
    mut clock: impl FnMut() -> DateTime<Local>,
) -> io::Result<()> {
    let start = Instant::now();
    for k in 0..count {
        let tick = start + interval * u32::try_from(k).unwrap_or(u32::MAX);
        let now = Instant::now();
        if tick > now {
            thread::sleep(tick - now);
        }
        let line = format!("{}\n", format_timestamp(&clock()));
        out.write_all(line.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}
