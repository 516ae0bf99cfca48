// right: its own loop over `write` until every byte is taken (what write_all does), the clock read into a variable first
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
    for i in 0..count {
        if i > 0 {
            thread::sleep(interval);
        }
        let now = clock();
        let message = format!("{}\n", format_timestamp(&now));
        let mut rest = message.as_bytes();
        while !rest.is_empty() {
            match out.write(rest) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        out.flush()?;
    }
    Ok(())
}
