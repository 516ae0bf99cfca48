// right: `%F %T` (the same format), a BufWriter flushed after each message, writeln!
//! Exercise 5, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Write};
use std::thread;
use std::time::Duration;

use chrono::{DateTime, Local};
use std::io::BufWriter;

pub fn format_timestamp(now: &DateTime<Local>) -> String {
    now.format("%F %T").to_string()
}

pub fn send_timestamps(
    out: impl Write,
    count: usize,
    interval: Duration,
    mut clock: impl FnMut() -> DateTime<Local>,
) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    for sent in 0..count {
        if sent != 0 {
            thread::sleep(interval);
        }
        writeln!(out, "{}", format_timestamp(&clock()))?;
        out.flush()?;
    }
    Ok(())
}
