//! Exercise 5: `format_timestamp` and `send_timestamps`, the client — book chapter 5.
//!
//! The clock is a parameter, so these tests pass a fake one and know exactly what must be sent.
//! The fake clock is as unkind as a real one: its readings have nanoseconds, as real readings do,
//! so an answer that prints them (or rounds them) fails; and they are local times that differ
//! from UTC, so an answer that prints UTC fails. They are this machine's local times where its
//! zone is not UTC; on a machine whose zone is UTC (a CI runner) the tests set their own zone to
//! Beijing's (UTC+8, the lesson's zone; on Windows, where chrono does not read `TZ`, the times
//! only carry Beijing's offset). The fake connection takes only part of what one `write` offers, as a socket whose send
//! buffer is nearly full does.
//!
//! `send_timestamps` runs on its own thread with a time limit: a fixed sleep or a loop that never
//! ends fails in well under a second, with the rule it broke. Waits are measured with small
//! intervals, from below and from above.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, TimeZone};
// The file under test: your `exercises/ex05_time_client.rs`, or with `--features solutions` the
// reference `solutions/ex05_time_client.rs`. Only this one file is compiled here, so a mistake in
// another exercise never stops these tests.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/ex05_time_client.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/ex05_time_client.rs")]
mod ex05_time_client;
use ex05_time_client::{format_timestamp, send_timestamps};

/// Starts every panic message that the test's own fakes raise (so it is not re-explained).
const OURS: &str = "[test]";

/// Stops `send_timestamps` with the fakes' own message: unwound without the panic hook, so it is
/// not printed here, and [`run_in_time`] says it once, with what was being done.
fn ours(message: String) -> ! {
    panic::resume_unwind(Box::new(message))
}

// How long the tests wait for the exercise (tests/common/patience.rs: well within the progress
// view's hang limit, so that a wrong answer is shown failing with its message).
#[path = "common/patience.rs"]
mod patience;

/// Where the messages point.
const SEE: &str = "see book chapter 5, 'Exercise 5: the client'";

/// How often the fake clock may be read before the test decides the loop never ends.
const CLOCK_LIMIT: usize = 60;

/// How many bytes the fake connection takes before the test decides the loop never ends.
const BYTES_LIMIT: usize = 100_000;

/// The nanoseconds of the fake clock's readings, in turn: a real clock's reading is never a whole
/// second, and the last digits must be cut, not rounded.
const NANOS: [u32; 4] = [987_654_321, 1, 500_000_000, 999_999_999];

/// At most this many bytes per `write`, in turn (`usize::MAX`: all of them). The fake connection
/// takes 1 to n bytes, never 0 (`Ok(0)` from `write` means "cannot write any more").
const WRITE_SIZES: [usize; 5] = [usize::MAX, 5, 1, 13, 2];

/// The local time whose wall clock shows `wall`: what must be sent. In this machine's zone when
/// that is not UTC there (a real `DateTime<Local>`), so that its UTC time still differs and
/// `naive_utc()` or `Utc` shows the wrong hour. Where the zone is UTC, [`beijing_if_utc`] makes
/// this test program's zone Beijing's, UTC+8 (on Unix); else (Windows, whose zone chrono does not
/// read from `TZ`) the time carries Beijing's offset without being in the machine's zone.
fn local(wall: NaiveDateTime) -> DateTime<Local> {
    beijing_if_utc();
    match Local.from_local_datetime(&wall).single() {
        Some(time) if time.offset().local_minus_utc() != 0 => time,
        _ => {
            let offset = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
            DateTime::<Local>::from_naive_utc_and_offset(wall - offset, offset)
        }
    }
}

/// Where this machine's zone is UTC (a CI runner), sets `TZ=CST-8` (Beijing, no summer time; a
/// POSIX zone that needs no tz database) for this test program, once, before the fake clock's first
/// reading: then its times are real `DateTime<Local>`s at +08:00, and chrono's arithmetic on them
/// (`trunc_subsecs`, `with_nanosecond`, `+ Duration`), which recomputes the offset in the
/// program's zone, keeps their wall time, as it does on a student's machine. On Windows chrono
/// reads the zone from the OS, not from `TZ`: nothing is set.
fn beijing_if_utc() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if cfg!(unix) {
            // Asked on a thread of its own: chrono keeps each thread's zone for a second, and
            // this one must see the new zone at once.
            let utc = thread::spawn(|| {
                let wall = self::wall((2026, 11, 25), (9, 50, 0), 0);
                Local
                    .from_local_datetime(&wall)
                    .single()
                    .is_none_or(|time| time.offset().local_minus_utc() == 0)
            })
            .join()
            .unwrap_or(false);
            if utc {
                // SAFETY: std's own readers of the environment (chrono reads `TZ` with
                // `std::env::var`) take the lock `set_var` takes; these tests call no C code that
                // reads the environment (no name lookup, no `localtime`).
                unsafe { std::env::set_var("TZ", "CST-8") };
            }
        }
    });
}

/// Whether [`local`] gives times with an offset that is not this machine's (its zone is UTC, and
/// this is Windows, see [`beijing_if_utc`]).
fn borrowed_offset() -> bool {
    beijing_if_utc();
    let wall = self::wall((2026, 11, 25), (9, 50, 0), 0);
    Local
        .from_local_datetime(&wall)
        .single()
        .is_none_or(|time| time.offset().local_minus_utc() == 0)
}

fn wall(ymd: (i32, u32, u32), hms: (u32, u32, u32), nano: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(ymd.0, ymd.1, ymd.2)
        .and_then(|date| date.and_hms_nano_opt(hms.0, hms.1, hms.2, nano))
        .expect("a valid test date")
}

/// A fake clock that says 09:50:00.987654321, 09:50:01.000000001, … (local time, see [`local`];
/// the seconds counting up, never a whole second) and counts how often it was read. A loop that reads it
/// more than [`CLOCK_LIMIT`] times is stopped with a hint.
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
            ours(format!(
                "{OURS} send_timestamps asked the clock {reading} times for count = {}: does the \
                 loop stop after `count` messages? — {SEE}",
                self.count
            ));
        }
        let second = u32::try_from(reading - 1).expect("at most CLOCK_LIMIT readings");
        let nano = NANOS[(reading - 1) % NANOS.len()];
        local(wall((2026, 11, 25), (9, 50, second), nano))
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

/// Why `got` is not `expected`, the text of `now`: the mistake, when it can be recognised.
fn explain_format(got: &str, expected: &str, now: &DateTime<Local>) -> String {
    let utc = now.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string();
    let rounded = (now.naive_local() + chrono::Duration::milliseconds(500))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let real_now = NaiveDateTime::parse_from_str(got, "%Y-%m-%d %H:%M:%S")
        .is_ok_and(|time| (time - Local::now().naive_local()).num_seconds().abs() < 60);
    let zone = if borrowed_offset() {
        " (This machine's zone is UTC, so the test's times carry Beijing's offset, +08:00; \
         arithmetic on a DateTime<Local>, such as `trunc_subsecs` or `+ Duration`, recomputes \
         the offset in this machine's zone. Format `now` as it is: %S already leaves out the \
         fraction.)"
    } else {
        ""
    };
    let mistake = if real_now {
        format!(
            "{got:?} is the time right now, not the time format_timestamp was given: format its \
             parameter `now`, not Local::now() (the real client reads its clock in \
             send_timestamps, through `clock`)"
        )
    } else if got == utc {
        format!(
            "{got:?} is the time in UTC, not the local time on the wall ({expected}): format \
             the local time `now` holds — no `naive_utc()`, no `Utc`, no `with_timezone(&Utc)`\
             {zone}"
        )
    } else if got.ends_with('\n') {
        "format_timestamp returns the 19 characters only; the `\\n` is added by send_timestamps"
            .to_owned()
    } else if got.starts_with(expected) && got[expected.len()..].starts_with('.') {
        format!(
            "{got:?} shows the fraction of a second: a clock's reading has nanoseconds, and \
             `to_string()` or `{{}}` of a time prints them. Format with the protocol's format, \
             %Y-%m-%d %H:%M:%S, whole seconds"
        )
    } else if got.starts_with(expected) {
        format!(
            "{got:?} has more after the seconds (a zone?): the message is exactly 19 characters, \
             %Y-%m-%d %H:%M:%S"
        )
    } else if got.len() > 10 && got.as_bytes()[10] == b'T' {
        format!(
            "{got:?} is RFC 3339 / ISO 8601, with a `T`: the lesson's format has a space between \
             the date and the time, %Y-%m-%d %H:%M:%S"
        )
    } else if got == rounded && got != expected {
        format!(
            "{got:?} is rounded to the nearest second: the seconds are cut (%S), as a clock on \
             the wall shows them — {now} is still in second {}",
            &expected[17..]
        )
    } else if got.len() != 19 {
        format!(
            "{got:?} is {} characters, not 19: every field is zero-padded (%m, %d, %H, %M, %S; \
             not %-m or %e), with `-` in the date and `:` in the time",
            got.chars().count()
        )
    } else {
        "the format is %Y-%m-%d %H:%M:%S: year-month-day, then the hour of a 24-hour clock \
         (%H, not %I), minutes (%M, not %m, which is the month) and seconds"
            .to_owned()
    };
    format!("{mistake} — {SEE}")
}

/// What happened on the fake connection, in order.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Event {
    /// A message's `\n` was written, at this time.
    Newline(Instant),
    /// Bytes were written after the last flush.
    Wrote,
    Flush(Instant),
}

/// Bytes offered to one `write` that the connection did not take.
#[derive(Clone, Debug)]
struct Owed {
    offered: usize,
    taken: usize,
    rest: Vec<u8>,
}

#[derive(Default)]
struct Record {
    bytes: Vec<u8>,
    events: Vec<Event>,
    writes: usize,
    /// What the last `write` did not take, and the first such bytes never offered again.
    owed: Option<Owed>,
    lost: Option<Owed>,
}

impl Record {
    /// Bytes not taken must be offered again next (all, or a first part of them, as `write_all`
    /// does); another write, a flush or returning loses them.
    fn settle_owed(&mut self, offered_now: Option<&[u8]>) {
        let Some(owed) = self.owed.take() else {
            return;
        };
        let rest = owed.rest.as_slice();
        let again = offered_now
            .is_some_and(|now| !now.is_empty() && (now.starts_with(rest) || rest.starts_with(now)));
        if !again && self.lost.is_none() {
            self.lost = Some(owed);
        }
    }
}

/// A fake connection: takes 1 to n bytes per `write` (see [`WRITE_SIZES`]), remembers every
/// byte, when each `\n` was written and when it was flushed.
#[derive(Clone, Default)]
struct Connection {
    record: Arc<Mutex<Record>>,
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
    fn events(&self) -> Vec<Event> {
        self.lock().events.clone()
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
    /// Fails the test when bytes that one `write` did not take were never written.
    fn check_nothing_lost(&self, what: &str) {
        let mut record = self.lock();
        record.settle_owed(None);
        if let Some(lost) = &record.lost {
            panic!(
                "for {what}: one `write` was offered {} bytes and took only {} (a socket whose \
                 send buffer is nearly full takes fewer, as this test's connection does, and \
                 says how many it took), and the other bytes, {:?}, were never sent: they are \
                 lost. Send with `write_all`, which calls `write` again until every byte is \
                 taken, not with `write` (Python's `send` has the same trap; `sendall` is its \
                 `write_all`) — {SEE}",
                lost.offered,
                lost.taken,
                String::from_utf8_lossy(&lost.rest)
            );
        }
    }
}

impl Write for Connection {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut record = self.lock();
        record.settle_owed(Some(buf));
        if record.bytes.len() > BYTES_LIMIT {
            ours(format!(
                "{OURS} send_timestamps wrote more than {BYTES_LIMIT} bytes for count = {}: does \
                 the loop stop after `count` messages? — {SEE}",
                self.count
            ));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let most = WRITE_SIZES[record.writes % WRITE_SIZES.len()];
        record.writes += 1;
        let taken = buf.len().min(most);
        record.bytes.extend_from_slice(&buf[..taken]);
        let now = Instant::now();
        for &byte in &buf[..taken] {
            record.events.push(match byte {
                b'\n' => Event::Newline(now),
                _ => Event::Wrote,
            });
        }
        if taken < buf.len() {
            record.owed = Some(Owed {
                offered: buf.len(),
                taken,
                rest: buf[taken..].to_vec(),
            });
        }
        Ok(taken)
    }
    fn flush(&mut self) -> io::Result<()> {
        let mut record = self.lock();
        record.settle_owed(None);
        record.events.push(Event::Flush(Instant::now()));
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
    let limit = patience::check(limit);
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
            if let Some(ours) = said.strip_prefix(OURS) {
                panic!("for {what}:{ours}");
            }
            // Its panic was shown above (where in your file, and its message): not again here.
            if said.starts_with("not yet implemented") {
                panic!(
                    "for {what}: this part of exercise 5 is not written yet (its `todo!()`, above)"
                );
            }
            panic!(
                "for {what}: the client panicked (above).\nA client must not panic when writing \
                 fails: return the error with `?` — {SEE}"
            )
        }
        Err(_) => panic!(
            "for {what}: send_timestamps did not return within {limit:?}. Wait `interval` \
             between two messages (`thread::sleep(interval)`), not a fixed second, and stop \
             after `count` messages — {SEE}"
        ),
    }
}

/// Calls `send_timestamps(connection, count, interval, fake clock)` with a time limit of a
/// correct answer's time plus half a second; fails if it returns an error or a short write
/// lost bytes. Returns the clock, to count its readings.
fn send(what: &str, connection: &Connection, count: usize, interval: Duration) -> FakeClock {
    let clock = FakeClock::new(count);
    let (out, reading) = (connection.clone(), clock.clone());
    let waits = u32::try_from(count.saturating_sub(1)).expect("a small count");
    let limit = interval * waits + Duration::from_millis(500);
    let result = run_in_time(what, limit, move || {
        send_timestamps(out, count, interval, move || reading.read())
    });
    connection.check_nothing_lost(what);
    assert!(
        result.is_ok(),
        "for {what}: expected Ok writing to a connection that takes every byte (a few at a time), \
         got {result:?} — {SEE}"
    );
    clock
}

/// Why `sent` is not `expected` (both whole texts), `readings` the clock's readings.
fn explain_messages(sent: &str, expected: &str, count: usize, readings: usize) -> String {
    let lines: Vec<&str> = sent.lines().collect();
    if !sent.is_empty() && readings == 0 {
        return format!(
            "the given clock was never read: the times must come from the `clock` parameter \
             (call `clock()`), not from Local::now — the tests pass a fake clock — {SEE}"
        );
    }
    if !sent.is_empty() && !sent.contains('\n') {
        return format!(
            "no message ends with `\\n`: TCP is a byte stream, so the server finds where a \
             message ends by its `\\n` — send each timestamp followed by `\\n` — {SEE}"
        );
    }
    if sent.contains("\r\n") {
        return format!("each message ends with `\\n` alone, not `\\r\\n` — {SEE}");
    }
    if lines.len() != count {
        let times = if lines.len().abs_diff(count) == 1 {
            " (off by one)"
        } else {
            ""
        };
        return format!(
            "{} messages were sent for count = {count}{times}: send exactly `count`, e.g. `for _ \
             in 0..count` — {SEE}",
            lines.len()
        );
    }
    if readings != count {
        return format!(
            "the clock was read {readings} times for {count} messages: read it once per message, \
             and send the time of that reading — {SEE}"
        );
    }
    for (line, want) in lines.iter().zip(expected.lines()) {
        if line != &want {
            let second: u32 = want[17..].parse().expect("the expected seconds are digits");
            let index = usize::try_from(second).expect("a small number");
            let now = local(wall(
                (2026, 11, 25),
                (9, 50, second),
                NANOS[index % NANOS.len()],
            ));
            return format!(
                "message {} is {line:?}, expected {want:?}: {}",
                index + 1,
                explain_format(line, want, &now)
            );
        }
    }
    SEE.to_owned()
}

#[test]
fn formats_local_time_in_the_lesson_format() {
    let cases = [
        (
            wall((2026, 11, 25), (9, 50, 0), 987_654_321),
            "2026-11-25 09:50:00",
        ),
        (wall((2026, 1, 2), (3, 4, 5), 1), "2026-01-02 03:04:05"),
        (wall((2026, 1, 2), (15, 4, 5), 0), "2026-01-02 15:04:05"),
        (
            wall((1999, 12, 31), (23, 59, 59), 999_999_999),
            "1999-12-31 23:59:59",
        ),
    ];
    for (wall, expected) in cases {
        let now = local(wall);
        let what = format!("format_timestamp of {now}");
        let text = run_in_time(&what, patience::OUTPUT, move || format_timestamp(&now));
        if text != expected {
            let why = explain_format(&text, expected, &now);
            panic!("for {what}: expected {expected:?}, got {text:?}: {why}");
        }
    }
}

#[test]
fn sends_exactly_count_messages_from_the_given_clock() {
    for count in [0, 1, 3, 10] {
        let what = format!("count = {count}");
        let connection = Connection::new(count);
        let clock = send(&what, &connection, count, Duration::ZERO);
        let sent = connection.text();
        let expected = expected_messages(count);
        if sent != expected || clock.readings() != count {
            let why = explain_messages(&sent, &expected, count, clock.readings());
            panic!(
                "for {what}: expected {expected:?} — {count} messages, each a fresh reading of the \
                 given clock in local time, cut to whole seconds and ended by \\n — got {sent:?} \
                 with {} clock readings: {why}",
                clock.readings()
            );
        }
    }
}

#[test]
fn sends_every_byte_even_when_a_write_takes_only_a_few() {
    // Every connection in these tests takes only a few bytes per `write` now and then; this one
    // sends 12 messages, so every way of cutting a message is met.
    let what = "12 messages on a connection that takes 1 to 13 bytes per write";
    let connection = Connection::new(12);
    let clock = send(what, &connection, 12, Duration::ZERO);
    let sent = connection.text();
    let expected = expected_messages(12);
    if sent != expected {
        let why = explain_messages(&sent, &expected, 12, clock.readings());
        panic!("for {what}: expected {expected:?}, got {sent:?}: {why}");
    }
}

#[test]
fn flushes_each_message_before_going_on() {
    let what = "3 messages";
    let connection = Connection::new(3);
    send(what, &connection, 3, Duration::from_millis(5));
    let mut waiting = false; // a message's `\n` was written and not flushed yet
    let mut messages = 0;
    for event in connection.events() {
        match event {
            Event::Newline(_) if waiting => panic!(
                "for {what}: message {} was written while message {messages} had not been \
                 flushed. Call `out.flush()` after each message: a buffered writer keeps it \
                 until its buffer fills, and the server sees nothing — {SEE}",
                messages + 1
            ),
            Event::Newline(_) => {
                waiting = true;
                messages += 1;
            }
            Event::Flush(_) => waiting = false,
            Event::Wrote => {}
        }
    }
    assert!(
        !waiting,
        "for {what}: send_timestamps returned without flushing its last message. Call \
         `out.flush()` after each message — {SEE}"
    );
}

/// When each message was written (its `\n`) and when it left (the first flush after it).
fn sent_and_left(events: &[Event]) -> Vec<(Instant, Option<Instant>)> {
    let mut messages: Vec<(Instant, Option<Instant>)> = Vec::new();
    for event in events {
        match *event {
            Event::Newline(at) => messages.push((at, None)),
            Event::Flush(at) => {
                for message in messages.iter_mut().filter(|m| m.1.is_none()) {
                    message.1 = Some(at);
                }
            }
            Event::Wrote => {}
        }
    }
    messages
}

#[test]
fn waits_interval_between_messages_and_no_more() {
    // Four messages 50 ms apart: three waits, each after a message has left. Each gap must be at
    // least 0.9 × `interval` and, for the shortest of the three, less than 1.5 × interval + 10 ms:
    // a wait of twice the interval, or two waits, are too long.
    let interval = Duration::from_millis(50);
    let what = format!("count = 4, interval = {interval:?}");
    let connection = Connection::new(4);
    send(&what, &connection, 4, interval);
    let messages = sent_and_left(&connection.events());
    assert_eq!(
        messages.len(),
        4,
        "for {what}: expected 4 messages, each ending in \\n, got {:?} — {SEE}",
        connection.text()
    );
    for (number, (written, left)) in messages.iter().enumerate() {
        let Some(left) = left else {
            panic!(
                "for {what}: message {} was never flushed: call `out.flush()` after each message \
                 — {SEE}",
                number + 1
            );
        };
        assert!(
            *left - *written < interval / 2,
            "for {what}: message {} was flushed {:?} after it was written: flush it at once, \
             then wait — a message that waits in a buffer during the interval reaches the server \
             an interval late — {SEE}",
            number + 1,
            *left - *written
        );
    }
    let left: Vec<Instant> = messages.iter().filter_map(|m| m.1).collect();
    let gaps: Vec<Duration> = left.windows(2).map(|pair| pair[1] - pair[0]).collect();
    // A sleep never wakes early; 10 % less is allowed for an answer that sends on a schedule
    // (start + k × interval), whose gaps vary by the time a write takes.
    for (number, gap) in gaps.iter().enumerate() {
        assert!(
            *gap >= interval * 9 / 10,
            "for {what}: message {} left {gap:?} after message {}: wait `interval` between two \
             messages (`thread::sleep(interval)`) — not a part of it, not `interval.as_secs()` \
             seconds (0 for less than a second) — {SEE}",
            number + 2,
            number + 1
        );
    }
    // The middle gap, not every gap: one may be long on a busy machine, most may not.
    let mut sorted = gaps.clone();
    sorted.sort();
    let middle = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
    assert!(
        middle < interval * 3 / 2 + Duration::from_millis(10),
        "for {what}: the messages left {gaps:?} apart, most of them at least {:?}: that is more \
         than the interval. Wait once, `interval`, between two messages — not twice, not \
         `interval` plus a second — {SEE}",
        interval * 3 / 2
    );
}

#[test]
fn does_not_wait_before_the_first_or_after_the_last_message() {
    let interval = Duration::from_millis(300);
    let what = format!("count = 1, interval = {interval:?}");
    let connection = Connection::new(1);
    let started = Instant::now();
    let clock = send(&what, &connection, 1, interval);
    let returned = started.elapsed();
    let Some(first) = sent_and_left(&connection.events())
        .first()
        .map(|(written, left)| left.unwrap_or(*written) - started)
    else {
        panic!(
            "for {what}: expected one message ended by \\n, got {:?} — {SEE}",
            connection.text()
        );
    };
    assert!(
        first < interval / 2,
        "for {what}: expected the message to leave at once, it left after {first:?}: do not \
         wait before the first message — wait only *between* two messages — {SEE}"
    );
    assert!(
        returned < interval / 2,
        "for {what}: expected send_timestamps to return at once after its only message, it took \
         {returned:?}: do not wait after the last message — wait only *between* two messages — \
         {SEE}"
    );
    assert_eq!(
        clock.readings(),
        1,
        "for {what}: expected the given clock (not Local::now) to be read once for one message \
         — {SEE}"
    );
}

/// A connection whose server went away: the first `ok_writes` writes succeed, then every write
/// fails with BrokenPipe (or, with `flush_fails`, every flush does). Counts what is tried after
/// the first failure, and stops a client that keeps trying.
struct Gone {
    ok_writes: usize,
    flush_fails: bool,
    writes: usize,
    after_failure: usize,
    /// How many times `flush` was called (shared with the test, which keeps a clone).
    flushes: Arc<AtomicUsize>,
}

impl Gone {
    fn failed(&mut self) -> io::Error {
        self.after_failure += 1;
        if self.after_failure > 20 {
            ours(format!(
                "{OURS} send_timestamps kept writing after a write had failed with BrokenPipe: a \
                 failed write means the server went away — return the error with `?` — {SEE}"
            ));
        }
        io::Error::from(io::ErrorKind::BrokenPipe)
    }
}

impl Write for Gone {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes += 1;
        if self.flush_fails || self.writes <= self.ok_writes {
            return Ok(buf.len());
        }
        Err(self.failed())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.flushes.fetch_add(1, Ordering::SeqCst);
        if self.flush_fails {
            return Err(self.failed());
        }
        Ok(())
    }
}

#[test]
fn a_failed_write_is_returned() {
    let cases = [
        (
            "a connection whose every write fails (BrokenPipe)",
            0,
            false,
        ),
        ("a connection that fails after the first message", 1, false),
        ("a connection whose flush fails (BrokenPipe)", 0, true),
    ];
    for (what, ok_writes, flush_fails) in cases {
        let clock = FakeClock::new(3);
        let flushes = Arc::new(AtomicUsize::new(0));
        let gone = Gone {
            ok_writes,
            flush_fails,
            writes: 0,
            after_failure: 0,
            flushes: Arc::clone(&flushes),
        };
        let result = run_in_time(what, patience::OUTPUT, move || {
            send_timestamps(gone, 3, Duration::ZERO, move || clock.read())
        });
        let why = match &result {
            // Only a flush fails here: one that was never called cannot report it.
            Ok(()) if flush_fails && flushes.load(Ordering::SeqCst) == 0 => {
                "send_timestamps returned Ok, so its user is told all went well: `flush` was \
                 never called, so its error could not be seen. Call `out.flush()?` after each \
                 message: it sends the message at once, and a failed flush is a server gone away"
            }
            Ok(()) => {
                "send_timestamps returned Ok, so its user is told all went well: the error was \
                 ignored (`let _ =`, `.ok()`, or a `write` or `flush` whose Result is dropped)"
            }
            Err(_) => "the error must be the one the write or flush returned, unchanged",
        };
        assert_eq!(
            result.as_ref().map_err(io::Error::kind),
            Err(io::ErrorKind::BrokenPipe),
            "for {what}: expected the BrokenPipe error to be returned with `?`, got {result:?}: \
             {why}. The client must tell its user that the server went away — {SEE}"
        );
    }
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
        "for {what}: expected Ok sending to a listening socket, got {result:?} — {SEE}"
    );
    let (mut server_side, _) = listener.accept().expect("accept the queued connection");
    server_side
        .set_read_timeout(Some(patience::OUTPUT))
        .expect("set a read timeout, so a mistake fails instead of hanging");
    let mut received = String::new();
    server_side
        .read_to_string(&mut received)
        .expect("read what the client sent");
    assert_eq!(
        received,
        expected_messages(3),
        "for {what}: expected the server to receive three timestamps, each ended by \\n — {SEE}"
    );
}
