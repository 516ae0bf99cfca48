//! Exercise 5: `format_timestamp` and `send_timestamps`, the client — book chapter 5,
//! "Exercise 5: the client".
//!
//! The clock is a parameter, so these tests pass a fake one and know exactly what must be sent.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use chrono::{DateTime, Local, TimeZone};
// The file under test: your `exercises/ex05_time_client.rs`, or with `--features solutions` the
// reference `solutions/ex05_time_client.rs`. Only this one file is compiled here, so a mistake in another
// exercise never stops these tests.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/ex05_time_client.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/ex05_time_client.rs")]
mod ex05_time_client;
use ex05_time_client::{format_timestamp, send_timestamps};

/// A local date and time. November 2026, mid-morning: no daylight-saving change anywhere.
fn local(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Local> {
    Local
        .with_ymd_and_hms(year, month, day, hour, minute, second)
        .earliest()
        .expect("the test dates exist in every time zone")
}

/// A fake clock that says 09:50:00, 09:50:01, … and counts how often it was read.
struct FakeClock {
    readings: u32,
}

impl FakeClock {
    fn read(&mut self) -> DateTime<Local> {
        let now = local(2026, 11, 25, 9, 50, self.readings);
        self.readings += 1;
        now
    }
}

/// A writer that remembers when each `\n` was written (to check the waiting between messages).
#[derive(Default)]
struct Recorder {
    bytes: Vec<u8>,
    newlines_at: Vec<Instant>,
}

impl Write for Recorder {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        let now = Instant::now();
        self.newlines_at
            .extend(buf.iter().filter(|&&byte| byte == b'\n').map(|_| now));
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn formats_the_lesson_format_exactly() {
    let cases = [
        (local(2026, 11, 25, 9, 50, 0), "2026-11-25 09:50:00"),
        (local(2026, 1, 2, 3, 4, 5), "2026-01-02 03:04:05"),
        (local(1999, 12, 31, 23, 59, 59), "1999-12-31 23:59:59"),
    ];
    for (now, expected) in cases {
        let text = format_timestamp(&now);
        assert_eq!(
            text, expected,
            "expected {expected:?} for {now}: the format is %Y-%m-%d %H:%M:%S, zero-padded, \
             seconds included, no newline — see book chapter 5"
        );
    }
}

#[test]
fn sends_exactly_count_messages_from_the_given_clock() {
    for count in [0, 1, 3, 10] {
        let mut clock = FakeClock { readings: 0 };
        let mut out = Vec::new();
        let result = send_timestamps(&mut out, count, Duration::ZERO, || clock.read());
        assert!(
            result.is_ok(),
            "expected Ok writing to a Vec, got {result:?}"
        );
        let expected: String = (0..count)
            .map(|second| format!("2026-11-25 09:50:{second:02}\n"))
            .collect();
        assert_eq!(
            String::from_utf8_lossy(&out),
            expected,
            "for count {count}: expected {count} messages, each read from the given clock \
             (not Local::now) and ended by \\n so the server knows where it ends — see chapter 5"
        );
    }
}

#[test]
fn waits_between_messages_but_not_after_the_last() {
    // Three messages 50 ms apart: two waits, each after a message has left.
    let interval = Duration::from_millis(50);
    let mut clock = FakeClock { readings: 0 };
    let mut out = Recorder::default();
    let result = send_timestamps(&mut out, 3, interval, || clock.read());
    assert!(
        result.is_ok(),
        "expected Ok writing to memory, got {result:?}"
    );
    assert_eq!(
        out.newlines_at.len(),
        3,
        "expected 3 messages, each ending in \\n (chapter 5)"
    );
    for pair in out.newlines_at.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= interval,
            "expected each message to leave {interval:?} after the one before it, got {gap:?}: \
             write (and flush) a message before waiting for the next — see book chapter 5"
        );
    }
}

#[test]
fn does_not_wait_before_the_first_or_after_the_last_message() {
    // One message and a long interval: the call should return without waiting it out.
    let interval = Duration::from_millis(600);
    let mut clock = FakeClock { readings: 0 };
    let started = Instant::now();
    let result = send_timestamps(Vec::new(), 1, interval, || clock.read());
    let took = started.elapsed();
    assert!(
        result.is_ok(),
        "expected Ok writing to a Vec, got {result:?}"
    );
    assert!(
        took < Duration::from_millis(400),
        "expected one message to take no waiting, but the call took {took:?} with an interval \
         of {interval:?}: wait only *between* two messages, not before the first or after the \
         last (chapter 5)"
    );
    assert_eq!(
        clock.readings, 1,
        "expected the clock to be read once for one message"
    );
}

#[test]
fn a_failed_write_is_returned() {
    /// A connection whose server went away: every write fails.
    struct Gone;
    impl Write for Gone {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut clock = FakeClock { readings: 0 };
    let result = send_timestamps(Gone, 3, Duration::ZERO, || clock.read());
    assert_eq!(
        result.as_ref().map_err(io::Error::kind),
        Err(io::ErrorKind::BrokenPipe),
        "expected the write error to be returned, got {result:?}: the client must tell its \
         user that the server went away (chapter 5)"
    );
}

#[test]
fn sends_over_a_real_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free loopback port");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    // connect() completes once the kernel has queued the connection; accept() can come later.
    let client = TcpStream::connect(addr).expect("connect to our own listener");
    let mut clock = FakeClock { readings: 0 };
    let result = send_timestamps(&client, 3, Duration::from_millis(5), || clock.read());
    assert!(
        result.is_ok(),
        "expected Ok sending to a listening socket, got {result:?}"
    );
    drop(client); // closing our end lets the server read to the end
    let (mut server_side, _) = listener.accept().expect("accept the queued connection");
    server_side
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a read timeout, so a mistake fails instead of hanging");
    let mut received = String::new();
    server_side
        .read_to_string(&mut received)
        .expect("read what the client sent");
    assert_eq!(
        received, "2026-11-25 09:50:00\n2026-11-25 09:50:01\n2026-11-25 09:50:02\n",
        "expected the server to receive three newline-terminated timestamps (chapter 5)"
    );
}
