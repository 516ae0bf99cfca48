// right: `naive_local()` with the protocol's FORMAT; the timestamp and its `\n` in two write_all calls; waits after a message unless it was the last
//! Exercise 5, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Write};
use std::thread;
use std::time::Duration;

use chrono::{DateTime, Local};

pub fn format_timestamp(now: &DateTime<Local>) -> String {
    now.naive_local().format(net_basics::time_protocol::FORMAT).to_string()
}

pub fn send_timestamps(
    mut out: impl Write,
    count: usize,
    interval: Duration,
    mut clock: impl FnMut() -> DateTime<Local>,
) -> io::Result<()> {
    let mut left = count;
    while left > 0 {
        out.write_all(format_timestamp(&clock()).as_bytes())?;
        out.write_all(b"\n")?;
        out.flush()?;
        left -= 1;
        if left > 0 {
            thread::sleep(interval);
        }
    }
    Ok(())
}
