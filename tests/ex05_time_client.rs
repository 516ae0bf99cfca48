//! Exercise 5: `format_timestamp` and `send_timestamps`, the client — book chapter 5.
//!
//! The clock is a parameter, so these tests pass a fake one and know exactly what must be sent.
//! The fake clock's times are Beijing local times (UTC+8, the lesson's zone), so an answer that
//! prints UTC instead of local time fails here even on a machine whose zone is UTC.
//!
//! `send_timestamps` runs on its own thread with a time limit: a fixed sleep or a loop that never
//! ends fails in well under a second, with the rule it broke.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Local, NaiveDate};
// The file under test: your `exercises/ex05_time_client.rs`, or with `--features solutions` the
// reference `solutions/ex05_time_client.rs`. Only this one file is compiled here, so a mistake in
// another exercise never stops these tests.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/ex05_time_client.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/ex05_time_client.rs")]
mod ex05_time_client;
use ex05_time_client::{format_timestamp, send_timestamps};

/// Starts every panic message that the test's own fakes raise (so it is not re-explained).
const OURS: &str = "[test]";

/// How often the fake clock may be read before the test decides the loop never ends.
const CLOCK_LIMIT: usize = 60;

/// How many bytes the fake connection takes before the test decides the loop never ends.
const BYTES_LIMIT: usize = 100_000;

/// A local time in Beijing (UTC+8). Its wall-clock time is what must be sent; its UTC time is
/// 8 hours earlier, so `naive_utc()` or `Utc` shows the wrong hour.
fn beijing(
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> DateTime<Local> {
    let wall = NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|date| date.and_hms_opt(hour, minute, second))
        .expect("a valid test date");
    let offset = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    DateTime::<Local>::from_naive_utc_and_offset(wall - offset, offset)
}

/// A fake clock that says 09:50:00, 09:50:01, … (Beijing time) and counts how often it was read.
/// A loop that reads it more than [`CLOCK_LIMIT`] times is stopped with a hint.
#[derive(Clone)]
struct FakeClock {
    readings: Arc<AtomicUsize>,
    count: usize,
}

impl FakeClock {
    fn new(count: usize) -> FakeClock {
        FakeClock {
            readings: Arc::new(AtomicUsize::new(0)),
            count,
        }
    }
    fn read(&self) -> DateTime<Local> {
        let reading = self.readings.fetch_add(1, Ordering::SeqCst) + 1;
        if reading > CLOCK_LIMIT {
            panic!(
                "{OURS} send_timestamps asked the clock {reading} times for count = {}: does the \
                 loop stop after `count` messages? — see book chapter 5, 'Exercise 5: the client'",
                self.count
            );
        }
        let second = u32::try_from(reading - 1).expect("at most CLOCK_LIMIT readings");
        beijing(2026, 11, 25, 9, 50, second)
    }
    fn readings(&self) -> usize {
        self.readings.load(Ordering::SeqCst)
    }
}

/// The `n` messages the fake clock's first readings must give, each ended by `\n`.
fn expected_messages(n: usize) -> String {
    (0..n)
        .map(|second| format!("2026-11-25 09:50:{second:02}\n"))
        .collect()
}

/// What happened on the fake connection, in order.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Event {
    /// A message's `\n` was written, at this time.
    Newline(Instant),
    /// Bytes were written after the last flush.
    Wrote,
    Flush,
}

#[derive(Default)]
struct Record {
    bytes: Vec<u8>,
    events: Vec<Event>,
}

/// A fake connection: remembers every byte, when each `\n` was written and when it was flushed.
/// With `most_per_write`, it takes at most that many bytes per `write` call — as a socket whose
/// send buffer is nearly full does.
#[derive(Clone, Default)]
struct Connection {
    record: Arc<Mutex<Record>>,
    most_per_write: Option<usize>,
    count: usize,
}

impl Connection {
    fn new(count: usize) -> Connection {
        Connection {
            count,
            ..Connection::default()
        }
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.lock().bytes).into_owned()
    }
    fn newlines(&self) -> Vec<Instant> {
        let record = self.lock();
        let times = record.events.iter().filter_map(|event| match event {
            Event::Newline(at) => Some(*at),
            _ => None,
        });
        times.collect()
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

impl Write for Connection {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let taken = buf.len().min(self.most_per_write.unwrap_or(usize::MAX));
        let mut record = self.lock();
        if record.bytes.len() > BYTES_LIMIT {
            panic!(
                "{OURS} send_timestamps wrote more than {BYTES_LIMIT} bytes for count = {}: does \
                 the loop stop after `count` messages? — see book chapter 5, 'Exercise 5: the \
                 client'",
                self.count
            );
        }
        record.bytes.extend_from_slice(&buf[..taken]);
        let now = Instant::now();
        for &byte in &buf[..taken] {
            record.events.push(match byte {
                b'\n' => Event::Newline(now),
                _ => Event::Wrote,
            });
        }
        Ok(taken)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.lock().events.push(Event::Flush);
        Ok(())
    }
}

/// Runs `job` on its own thread for at most `limit`: a panic in it is turned into a message that
/// names the rule, running too long into the hint about waiting and stopping.
fn run_in_time<T: Send + 'static>(
    what: &str,
    limit: Duration,
    job: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, finished) = mpsc::channel();
    thread::Builder::new()
        .name("exercise 5".to_owned())
        .spawn(move || {
            let _ = done.send(panic::catch_unwind(AssertUnwindSafe(job)));
        })
        .expect("start a thread for the exercise");
    match finished.recv_timeout(limit) {
        Ok(Ok(returned)) => returned,
        Ok(Err(payload)) => {
            let said = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            if said.starts_with(OURS) {
                panic!("for {what}: {said}");
            }
            if said.starts_with("not yet implemented") {
                panic!("for {what}: this part of exercise 5 is not written yet ({said})");
            }
            panic!(
                "for {what}: the client panicked: {said}\nA client must not panic when writing \
                 fails: return the error with `?` — see book chapter 5, 'Exercise 5: the client'"
            )
        }
        Err(_) => panic!(
            "for {what}: send_timestamps did not return within {limit:?}. Wait `interval` \
             between two messages (`thread::sleep(interval)`), not a fixed second, and stop \
             after `count` messages — see book chapter 5, 'Exercise 5: the client'"
        ),
    }
}

/// Calls `send_timestamps(connection, count, interval, fake clock)` with a time limit of a
/// correct answer's time plus half a second.
fn send(
    what: &str,
    connection: &Connection,
    count: usize,
    interval: Duration,
) -> (io::Result<()>, FakeClock) {
    let clock = FakeClock::new(count);
    let (out, reading) = (connection.clone(), clock.clone());
    let waits = u32::try_from(count.saturating_sub(1)).expect("a small count");
    let limit = interval * waits + Duration::from_millis(500);
    let result = run_in_time(what, limit, move || {
        send_timestamps(out, count, interval, move || reading.read())
    });
    (result, clock)
}

#[test]
fn formats_local_time_in_the_lesson_format() {
    let cases = [
        (beijing(2026, 11, 25, 9, 50, 0), "2026-11-25 09:50:00"),
        (beijing(2026, 1, 2, 3, 4, 5), "2026-01-02 03:04:05"),
        (beijing(1999, 12, 31, 23, 59, 59), "1999-12-31 23:59:59"),
    ];
    for (now, expected) in cases {
        let what = format!("format_timestamp of {now}");
        let text = run_in_time(&what, Duration::from_secs(2), move || {
            format_timestamp(&now)
        });
        assert_eq!(
            text, expected,
            "for {what}: expected {expected:?} — the format is %Y-%m-%d %H:%M:%S \
             (net_basics::time_protocol::FORMAT), zero-padded, seconds included, no newline, in \
             the local time `now` holds (here Beijing, UTC+8), not converted to UTC: no \
             `naive_utc()`, no `Utc` — see book chapter 5, 'Exercise 5: the client'"
        );
    }
}

#[test]
fn sends_exactly_count_messages_from_the_given_clock() {
    for count in [0, 1, 3, 10] {
        let what = format!("count = {count}");
        let connection = Connection::new(count);
        let (result, clock) = send(&what, &connection, count, Duration::ZERO);
        assert!(
            result.is_ok(),
            "for {what}: expected Ok writing to memory, got {result:?}"
        );
        assert_eq!(
            connection.text(),
            expected_messages(count),
            "for {what}: expected exactly {count} messages (right), each a fresh reading of the \
             given clock (not Local::now), in local time, ended by \\n so the server knows where \
             it ends — see book chapter 5, 'Exercise 5: the client'"
        );
        assert_eq!(
            clock.readings(),
            count,
            "for {what}: expected the given clock to be read once per message — see book \
             chapter 5, 'Exercise 5: the client'"
        );
    }
}

#[test]
fn sends_every_byte_even_when_a_write_takes_only_a_few() {
    // The same call on a connection that takes every byte at once, and on one that takes at
    // most 5 per `write`: the bytes sent must be the same.
    let whole = Connection::new(3);
    let (result, _) = send("3 messages", &whole, 3, Duration::ZERO);
    assert!(
        result.is_ok(),
        "for 3 messages: expected Ok, got {result:?}"
    );
    let what = "a connection that takes at most 5 bytes per write";
    let connection = Connection {
        most_per_write: Some(5),
        ..Connection::new(3)
    };
    let (result, _) = send(what, &connection, 3, Duration::ZERO);
    assert!(result.is_ok(), "for {what}: expected Ok, got {result:?}");
    assert_eq!(
        connection.text(),
        whole.text(),
        "for {what}: expected the same bytes as on a connection that takes them all at once \
         (right). `write` returns how many bytes it took, which may be fewer than you gave it \
         (Python's `send` too); `write_all` loops until all are written — see book chapter 5, \
         'Exercise 5: the client'"
    );
}

#[test]
fn flushes_each_message_before_going_on() {
    let what = "3 messages";
    let connection = Connection::new(3);
    let (result, _) = send(what, &connection, 3, Duration::from_millis(5));
    assert!(result.is_ok(), "for {what}: expected Ok, got {result:?}");
    let events = connection.lock().events.clone();
    let mut waiting = false; // a message's `\n` was written and not flushed yet
    let mut messages = 0;
    for event in events {
        match event {
            Event::Newline(_) if waiting => panic!(
                "for {what}: message {} was written while message {messages} had not been \
                 flushed. Call `out.flush()` after each message: a buffered writer keeps it \
                 until its buffer fills, and the server sees nothing — see book chapter 5, \
                 'Exercise 5: the client'",
                messages + 1
            ),
            Event::Newline(_) => {
                waiting = true;
                messages += 1;
            }
            Event::Flush => waiting = false,
            Event::Wrote => {}
        }
    }
    assert!(
        !waiting,
        "for {what}: send_timestamps returned without flushing its last message. Call \
         `out.flush()` after each message — see book chapter 5, 'Exercise 5: the client'"
    );
}

#[test]
fn waits_interval_between_messages() {
    // Three messages 40 ms apart: two waits, each after a message has left.
    let interval = Duration::from_millis(40);
    let what = format!("count = 3, interval = {interval:?}");
    let connection = Connection::new(3);
    let (result, _) = send(&what, &connection, 3, interval);
    assert!(result.is_ok(), "for {what}: expected Ok, got {result:?}");
    let newlines = connection.newlines();
    assert_eq!(
        newlines.len(),
        3,
        "for {what}: expected 3 messages, each ending in \\n — see book chapter 5"
    );
    for pair in newlines.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= interval,
            "for {what}: expected each message to leave {interval:?} after the one before it, \
             got {gap:?}: write a message, then wait `interval` before the next — see book \
             chapter 5, 'Exercise 5: the client'"
        );
    }
}

#[test]
fn does_not_wait_before_the_first_or_after_the_last_message() {
    let interval = Duration::from_millis(300);
    let what = format!("count = 1, interval = {interval:?}");
    let connection = Connection::new(1);
    let started = Instant::now();
    let (result, clock) = send(&what, &connection, 1, interval);
    let returned = started.elapsed();
    assert!(result.is_ok(), "for {what}: expected Ok, got {result:?}");
    let Some(first) = connection.newlines().first().map(|at| *at - started) else {
        panic!(
            "for {what}: expected one message ended by \\n, got {:?} — see book chapter 5, \
             'Exercise 5: the client'",
            connection.text()
        );
    };
    assert!(
        first < interval / 2,
        "for {what}: expected the message to leave at once, it left after {first:?}: do not \
         wait before the first message — see book chapter 5, 'Exercise 5: the client'"
    );
    assert!(
        returned < interval / 2,
        "for {what}: expected send_timestamps to return at once after its only message, it took \
         {returned:?}: wait only *between* two messages, not after the last — see book chapter 5, \
         'Exercise 5: the client'"
    );
    assert_eq!(
        clock.readings(),
        1,
        "for {what}: expected the given clock (not Local::now) to be read once for one message \
         — see book chapter 5, 'Exercise 5: the client'"
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
    let what = "a connection whose every write fails (BrokenPipe)";
    let clock = FakeClock::new(3);
    let result = run_in_time(what, Duration::from_secs(2), move || {
        send_timestamps(Gone, 3, Duration::ZERO, move || clock.read())
    });
    assert_eq!(
        result.as_ref().map_err(io::Error::kind),
        Err(io::ErrorKind::BrokenPipe),
        "for {what}: expected the write error to be returned with `?`, got {result:?}: the \
         client must tell its user that the server went away — see book chapter 5, 'Exercise 5: \
         the client'"
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
    let what = "3 messages over a real loopback connection";
    let clock = FakeClock::new(3);
    let result = run_in_time(what, Duration::from_millis(600), move || {
        let result = send_timestamps(&client, 3, Duration::from_millis(5), move || clock.read());
        drop(client); // closing our end lets the server read to the end
        result
    });
    assert!(
        result.is_ok(),
        "for {what}: expected Ok sending to a listening socket, got {result:?}"
    );
    let (mut server_side, _) = listener.accept().expect("accept the queued connection");
    server_side
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a read timeout, so a mistake fails instead of hanging");
    let mut received = String::new();
    server_side
        .read_to_string(&mut received)
        .expect("read what the client sent");
    assert_eq!(
        received,
        expected_messages(3),
        "for {what}: expected the server to receive three timestamps, each ended by \\n — see \
         book chapter 5, 'Exercise 5: the client'"
    );
}
