//! Exercise 4: `handle_client`, the server's loop — book chapter 4.
//!
//! One test per rule of `handle_client`'s docs, from the simplest to the hardest: the end of the
//! stream, one line per message, pieces of any size, the lesson's own client (no delimiter), junk
//! between timestamps, flushing, nothing lost at the end, errors. TCP delivers a byte stream, so
//! most tests feed the same bytes in many different pieces and expect the same lines every time.
//!
//! A `handle_client` that panics (an `unwrap`, a `todo!()`) or never returns fails with the rule
//! it broke, not a bare panic or a hang.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

// The file under test: your `exercises/ex04_time_server.rs`, or with `--features solutions` the
// reference `solutions/ex04_time_server.rs`. Only this one file is compiled here, so a mistake in
// another exercise never stops these tests.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/ex04_time_server.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/ex04_time_server.rs")]
mod ex04_time_server;
use ex04_time_server::handle_client;

const T1: &str = "2026-11-25 09:50:00";
const T2: &str = "2026-11-25 09:50:01";
const T3: &str = "2026-11-25 09:50:02";

/// How long `handle_client` may take on a few bytes before the test gives up on it.
const PATIENCE: Duration = Duration::from_secs(3);

/// How often the fake connection lets itself be read after it said "end of stream" (0 bytes).
const READS_AFTER_THE_END: usize = 100;

/// Starts every panic message that the fake connection raises itself (so it is not re-explained).
const OURS: &str = "[test]";

// ---------------------------------------------------------------------------------------------
// The fake connection and the fake terminal
// ---------------------------------------------------------------------------------------------

/// What one `read` of the fake connection returns.
enum Step {
    Bytes(Vec<u8>),
    Fail(io::Error),
}

/// What the fake connection and the fake terminal saw, shared by both.
#[derive(Default)]
struct Seen {
    /// Everything written to `out`, and how much of it was flushed.
    written: Vec<u8>,
    flushed: usize,
    /// How many reads `handle_client` made.
    reads: usize,
    /// For every read that began while lines were written but not flushed: the read's number and
    /// the unflushed text.
    unflushed_at_read: Vec<(usize, String)>,
    /// For every read, what had been written and flushed when it began.
    flushed_at_read: Vec<String>,
}

impl Seen {
    fn unflushed(&self) -> String {
        String::from_utf8_lossy(&self.written[self.flushed..]).into_owned()
    }
}

/// A client's connection: hands out one step per `read` (as a socket hands out what has
/// arrived), then ends the stream (0 bytes).
struct Connection {
    steps: VecDeque<Step>,
    seen: Arc<Mutex<Seen>>,
    reads_after_the_end: usize,
}

impl Read for Connection {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        {
            let mut seen = self
                .seen
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            seen.reads += 1;
            let flushed = String::from_utf8_lossy(&seen.written[..seen.flushed]).into_owned();
            seen.flushed_at_read.push(flushed);
            if seen.flushed < seen.written.len() {
                let read = seen.reads;
                let unflushed = seen.unflushed();
                seen.unflushed_at_read.push((read, unflushed));
            }
        }
        match self.steps.pop_front() {
            Some(Step::Bytes(mut bytes)) => {
                let n = bytes.len().min(buf.len());
                buf[..n].copy_from_slice(&bytes[..n]);
                if n < bytes.len() {
                    self.steps.push_front(Step::Bytes(bytes.split_off(n)));
                }
                Ok(n)
            }
            Some(Step::Fail(error)) => Err(error),
            None => {
                self.reads_after_the_end += 1;
                if self.reads_after_the_end > READS_AFTER_THE_END {
                    panic!(
                        "{OURS} handle_client read {READS_AFTER_THE_END} more times after a read \
                         had returned 0 bytes: 0 bytes is the end of the stream (the client \
                         closed the connection), not \"nothing yet\" — stop reading and return \
                         the count — see book chapter 4, 'Reading until the end'"
                    );
                }
                Ok(0)
            }
        }
    }
}

/// The server's terminal: remembers what was written and what was flushed.
struct Terminal {
    seen: Arc<Mutex<Seen>>,
}

impl Write for Terminal {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        seen.written.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        seen.flushed = seen.written.len();
        Ok(())
    }
}

/// The rule a case checks, for the failure messages: what it says, and the book's section.
#[derive(Clone, Copy)]
struct Rule {
    says: &'static str,
    section: &'static str,
}

impl Rule {
    fn see(&self) -> String {
        format!("{} — see book chapter 4, '{}'", self.says, self.section)
    }
}

const END: Rule = Rule {
    says: "a read of 0 bytes is the end of the stream: stop reading, write what the decoder \
           still holds, and return how many timestamps came",
    section: "Reading until the end",
};
const FRAMING: Rule = Rule {
    says: "push the bytes of every read into a TimestampDecoder and write one line per message it \
           gives back, as the message displays itself (`{message}`) — it decides what is a \
           timestamp and trims, escapes and shortens the rest",
    section: "Framing",
};
const BYTE_STREAM: Rule = Rule {
    says: "TCP is a byte stream: a read returns whatever has arrived — part of a message, or \
           several — so the lines must not depend on how the bytes arrive; keep the bytes in the \
           decoder between reads",
    section: "Framing",
};
const NO_DELIMITER: Rule = Rule {
    says: "the lesson's own Python client sends bare timestamps with no `\\n`; the decoder finds \
           them 19 bytes at a time — do not wait for a newline (no `lines()`, no `read_line`)",
    section: "Framing",
};
const FLUSH: Rule = Rule {
    says: "call `out.flush()` after writing the lines of each read (and after the last lines): \
           otherwise they can wait in a buffer while the client is quiet, and the server shows \
           nothing",
    section: "Flushing",
};
const NOTHING_LOST: Rule = Rule {
    says: "nothing received is lost: when the stream ends, or a read fails, first write \
           `decoder.finish()` (a message cut short), then return",
    section: "Reading until the end",
};
const ERRORS: Rule = Rule {
    says: "a read error is returned unchanged, same kind and message, after writing what the \
           decoder still holds (a reset, or the server's idle timeout: WouldBlock or TimedOut); \
           only `Interrupted` means \"read again\"; a line that is too long is returned as \
           InvalidData (`?` on next_message)",
    section: "Errors",
};

/// What `handle_client` did with one connection.
struct Served {
    result: io::Result<usize>,
    lines: Vec<String>,
    reads: usize,
    unflushed_at_read: Vec<(usize, String)>,
    flushed_at_read: Vec<String>,
    unflushed_at_the_end: String,
}

/// Runs `handle_client` on a connection that returns `steps`, on another thread so that one that
/// never returns fails with a hint instead of hanging the run, and one that panics fails with
/// the rule this case checks. `what` names the case in failure messages.
fn serve(what: &str, steps: Vec<Step>, rule: Rule) -> Served {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let connection = Connection {
        // An empty piece would read as the end of the stream: leave those out.
        steps: steps
            .into_iter()
            .filter(|step| !matches!(step, Step::Bytes(bytes) if bytes.is_empty()))
            .collect(),
        seen: Arc::clone(&seen),
        reads_after_the_end: 0,
    };
    let mut terminal = Terminal {
        seen: Arc::clone(&seen),
    };
    let result = run_in_time(what, rule, move || handle_client(connection, &mut terminal));
    let seen = seen.lock().unwrap_or_else(|poison| poison.into_inner());
    let text = String::from_utf8_lossy(&seen.written);
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "for {what}: expected every line written to end with \\n, got {text:?} — write each \
         message with `writeln!` — see book chapter 4, 'Framing'"
    );
    Served {
        result,
        lines: text.lines().map(str::to_owned).collect(),
        reads: seen.reads,
        unflushed_at_read: seen.unflushed_at_read.clone(),
        flushed_at_read: seen.flushed_at_read.clone(),
        unflushed_at_the_end: seen.unflushed(),
    }
}

/// Runs `job` (a call of `handle_client`) on its own thread with [`PATIENCE`]; a panic in it is
/// turned into a message that names the rule, a hang into the end-of-stream hint.
fn run_in_time<T: Send + 'static>(
    what: &str,
    rule: Rule,
    job: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, finished) = mpsc::channel();
    thread::Builder::new()
        .name("handle_client".to_owned())
        .spawn(move || {
            let _ = done.send(panic::catch_unwind(AssertUnwindSafe(job)));
        })
        .expect("start a thread for handle_client");
    match finished.recv_timeout(PATIENCE) {
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
                panic!("for {what}: handle_client is not written yet ({said})");
            }
            panic!(
                "for {what}: handle_client panicked: {said}\n\
                 The rule here: {}.\n\
                 A server must not panic on what a client sends or on a failed read: return \
                 errors with `?` instead of `unwrap`/`expect`.",
                rule.see()
            )
        }
        Err(_) => panic!(
            "for {what}: handle_client did not return within {PATIENCE:?}. After the client's \
             last byte, `read` returns 0 — that is the end of the stream: stop reading and \
             return the count; reading on (or looping without reading) spins forever — see book \
             chapter 4, 'Reading until the end'"
        ),
    }
}

/// The ways the same bytes may arrive: whole, byte by byte, in pieces of a few sizes, and (for
/// short streams) split in two at every position.
fn deliveries(stream: &[u8]) -> Vec<(String, Vec<Vec<u8>>)> {
    let mut ways = vec![("in one read".to_owned(), vec![stream.to_vec()])];
    for size in [1, 2, 3, 7, 19, 20, 64] {
        let pieces = stream.chunks(size).map(<[u8]>::to_vec).collect();
        ways.push((format!("in reads of {size} bytes"), pieces));
    }
    if stream.len() <= 200 {
        for at in 1..stream.len() {
            let (head, tail) = stream.split_at(at);
            ways.push((
                format!("in two reads, split after byte {at}"),
                vec![head.to_vec(), tail.to_vec()],
            ));
        }
    }
    ways
}

fn bytes(pieces: Vec<Vec<u8>>) -> Vec<Step> {
    pieces.into_iter().map(Step::Bytes).collect()
}

fn time(timestamp: &str) -> String {
    format!("client time: {timestamp}")
}

/// `not a timestamp: "…"` with `shown` between the quotes.
fn junk(shown: &str) -> String {
    format!("not a timestamp: \"{shown}\"")
}

/// How many timestamps `lines` show: what `handle_client` must return.
fn count(lines: &[String]) -> usize {
    lines
        .iter()
        .filter(|line| line.starts_with("client time: "))
        .count()
}

/// Serves `stream` delivered as `pieces`; expects `expected` lines and their count.
fn expect(what: &str, pieces: Vec<Vec<u8>>, expected: &[String], rule: Rule) {
    let served = serve(what, bytes(pieces), rule);
    let returned = served.result.map_err(|error| error.to_string());
    assert_eq!(
        returned,
        Ok(count(expected)),
        "for {what}: expected Ok({}) (the number of timestamps) at the end of the stream. {}",
        count(expected),
        rule.see()
    );
    assert_eq!(
        served.lines,
        expected,
        "for {what}: expected these lines (right), got the left ones. {}",
        rule.see()
    );
}

/// Serves `stream` delivered in every way of [`deliveries`], expecting the same lines each time.
fn expect_every_way(what: &str, stream: &[u8], expected: &[String], rule: Rule) {
    for (how, pieces) in deliveries(stream) {
        expect(&format!("{what}, delivered {how}"), pieces, expected, rule);
    }
}

// ---------------------------------------------------------------------------------------------
// The rules, simplest first
// ---------------------------------------------------------------------------------------------

#[test]
fn returns_the_count_when_a_read_returns_0_bytes() {
    let cases: &[(&str, String, Vec<String>)] = &[
        ("a client that closes at once", String::new(), vec![]),
        (
            "one timestamp, then the end",
            format!("{T1}\n"),
            vec![time(T1)],
        ),
        (
            "three timestamps, then the end",
            format!("{T1}\n{T2}\n{T3}\n"),
            vec![time(T1), time(T2), time(T3)],
        ),
    ];
    for (what, stream, expected) in cases {
        expect(what, vec![stream.clone().into_bytes()], expected, END);
    }
}

#[test]
fn writes_one_line_per_message_as_the_decoder_gives_it() {
    let long = "x".repeat(100);
    let cases: Vec<(&str, Vec<u8>, Vec<String>)> = vec![
        (
            "timestamps ended by \\n",
            format!("{T1}\n{T2}\n").into(),
            vec![time(T1), time(T2)],
        ),
        (
            "timestamps ended by \\r\\n (telnet, Windows)",
            format!("{T1}\r\n{T2}\r\n").into(),
            vec![time(T1), time(T2)],
        ),
        (
            "a word, then a timestamp",
            format!("hello\n{T1}\n").into(),
            vec![junk("hello"), time(T1)],
        ),
        (
            "blank lines and spaces around a timestamp",
            format!("\n\r\n   \n  {T1}  \n").into(),
            vec![time(T1)],
        ),
        (
            "spaces, a tab and a form feed around a word (the decoder trims them)",
            b" \thello\x0c \n".to_vec(),
            vec![junk("hello")],
        ),
        (
            "a time without seconds",
            b"2026-11-25 09:50\n".to_vec(),
            vec![junk("2026-11-25 09:50")],
        ),
        (
            "dates a lenient parser accepts: no zero padding, two spaces, second 60, a T",
            b"2026-1-5 9:5:0\n2026-11-25  09:50:00\n2026-11-25 09:50:60\n2026-11-25T09:50:00\n"
                .to_vec(),
            vec![
                junk("2026-1-5 9:5:0"),
                junk("2026-11-25  09:50:00"),
                junk("2026-11-25 09:50:60"),
                junk("2026-11-25T09:50:00"),
            ],
        ),
        (
            "impossible dates in the right shape (month 13, 30 February, hour 24)",
            b"2026-13-01 00:00:00\n2026-02-30 00:00:00\n2026-11-25 24:00:00\n".to_vec(),
            vec![
                junk("2026-13-01 00:00:00"),
                junk("2026-02-30 00:00:00"),
                junk("2026-11-25 24:00:00"),
            ],
        ),
        (
            "a + before a timestamp (junk, then the timestamp: nothing valid is lost)",
            format!("+{T1}\n").into(),
            vec![junk("+"), time(T1)],
        ),
        (
            "a control character (the escape of `ESC[2J`, which clears a terminal)",
            b"\x1b[2J\n".to_vec(),
            vec![junk("\\u{1b}[2J")],
        ),
        (
            "bytes that are not UTF-8",
            [b"caf\xc3\xa9 \xff\xfe\n".as_slice(), T1.as_bytes()].concat(),
            vec![junk("café \\xff\\xfe"), time(T1)],
        ),
        (
            "a long line (shortened to 40 characters)",
            format!("{long}\n").into(),
            vec![junk(&format!("{}… (100 bytes)", "x".repeat(40)))],
        ),
    ];
    for (what, stream, expected) in cases {
        expect(what, vec![stream], &expected, FRAMING);
    }
}

#[test]
fn the_lines_do_not_depend_on_how_the_bytes_arrive() {
    let cases: Vec<(&str, Vec<u8>, Vec<String>)> = vec![
        (
            "three timestamps ended by \\n",
            format!("{T1}\n{T2}\n{T3}\n").into(),
            vec![time(T1), time(T2), time(T3)],
        ),
        (
            "\\r\\n endings, a word and a blank line",
            format!("{T1}\r\nhello\r\n\r\n{T2}\r\n").into(),
            vec![time(T1), junk("hello"), time(T2)],
        ),
        (
            "a two-byte character (é), which some reads split in half",
            format!("café\n{T1}\n").into(),
            vec![junk("café"), time(T1)],
        ),
    ];
    for (what, stream, expected) in cases {
        expect_every_way(what, &stream, &expected, BYTE_STREAM);
    }
}

#[test]
fn the_lessons_own_client_sends_no_delimiter() {
    // `client.send(time_str.encode())` once a second: 19 bytes, no `\n`.
    let stream = format!("{T1}{T2}{T3}");
    expect_every_way(
        "three bare timestamps back to back, as the lesson's Python client sends them",
        stream.as_bytes(),
        &[time(T1), time(T2), time(T3)],
        NO_DELIMITER,
    );
    let sixty = T2.repeat(60);
    expect_every_way(
        "sixty bare timestamps (more than 1 KiB without a newline)",
        sixty.as_bytes(),
        &vec![time(T2); 60],
        NO_DELIMITER,
    );
}

#[test]
fn junk_between_bare_timestamps_loses_no_timestamp() {
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        (
            "a student's `str(datetime.now())`, which sends microseconds too",
            format!("{T1}.123456{T2}.654321{T3}"),
            vec![
                time(T1),
                junk(".123456"),
                time(T2),
                junk(".654321"),
                time(T3),
            ],
        ),
        (
            "a word between bare timestamps",
            format!("{T1}hello{T2}"),
            vec![time(T1), junk("hello"), time(T2)],
        ),
        (
            "a word, then sixty bare timestamps",
            format!("hello{}", T2.repeat(60)),
            [vec![junk("hello")], vec![time(T2); 60]].concat(),
        ),
    ];
    for (what, stream, expected) in cases {
        let rule = Rule {
            says: "after bytes that are not a timestamp the decoder resynchronises at the next \
                   timestamp and reports the junk in between; keep taking messages from it \
                   until it returns None, and never throw its bytes away",
            section: "Framing",
        };
        expect_every_way(what, stream.as_bytes(), &expected, rule);
    }
}

#[test]
fn flushes_the_lines_of_each_read_before_reading_again() {
    let what = "two timestamps in two reads";
    let served = serve(
        what,
        bytes(vec![
            format!("{T1}\n").into(),
            format!("{T2}\n").into(),
            b"hello".to_vec(),
        ]),
        FLUSH,
    );
    assert!(
        served.result.is_ok(),
        "for {what}: expected Ok(2), got {:?}. {}",
        served.result,
        END.see()
    );
    if let Some((read, unflushed)) = served.unflushed_at_read.first() {
        panic!(
            "for {what}: read number {read} began while {unflushed:?} was written to `out` but \
             not flushed. A socket read can wait for minutes: {}",
            FLUSH.see()
        );
    }
    assert_eq!(
        served.flushed_at_read.get(1).map(String::as_str),
        Some(format!("{}\n", time(T1)).as_str()),
        "for {what}: expected the line of the first read to be written and flushed when the \
         second read begins: the server shows each timestamp as it arrives, not when the client \
         leaves (so no `read_to_end` first). {}",
        FLUSH.see()
    );
    assert!(
        served.unflushed_at_the_end.is_empty(),
        "for {what}: handle_client returned with {:?} written but not flushed. {}",
        served.unflushed_at_the_end,
        FLUSH.see()
    );
    assert!(
        served.reads >= 4,
        "for {what}: expected at least 4 reads (3 pieces and the end), saw {}. {}",
        served.reads,
        END.see()
    );
}

#[test]
fn what_is_left_is_written_at_the_end_and_before_a_read_error() {
    let cut_short = format!("{T1}\n2026-11-");
    expect_every_way(
        "a stream that ends in the middle of a timestamp",
        cut_short.as_bytes(),
        &[time(T1), junk("2026-11-")],
        NOTHING_LOST,
    );
    expect_every_way(
        "a stream that ends with a word and no \\n",
        format!("{T1}\nbye").as_bytes(),
        &[time(T1), junk("bye")],
        NOTHING_LOST,
    );
    let what = "a connection reset in the middle of a timestamp";
    let served = serve(
        what,
        vec![
            Step::Bytes(cut_short.into_bytes()),
            Step::Fail(io::ErrorKind::ConnectionReset.into()),
        ],
        NOTHING_LOST,
    );
    assert_eq!(
        served.lines,
        [time(T1), junk("2026-11-")],
        "for {what}: expected the timestamp and the part cut short by the reset to be written \
         before handle_client returns the error. {}",
        NOTHING_LOST.see()
    );
    assert!(
        served.unflushed_at_the_end.is_empty(),
        "for {what}: the lines written before returning the error were not flushed. {}",
        FLUSH.see()
    );
}

#[test]
fn read_errors_are_returned_unchanged() {
    let cases = [
        (
            "a reset connection",
            io::Error::from(io::ErrorKind::ConnectionReset),
        ),
        (
            "an aborted connection",
            io::ErrorKind::ConnectionAborted.into(),
        ),
        (
            "the server's idle timeout on Unix (a read timeout gives WouldBlock)",
            io::ErrorKind::WouldBlock.into(),
        ),
        (
            "the server's idle timeout on Windows (TimedOut)",
            io::ErrorKind::TimedOut.into(),
        ),
        (
            "an error with its own message",
            io::Error::other("the network cable was cut"),
        ),
    ];
    for (what, error) in cases {
        let expected = (error.kind(), error.to_string());
        let served = serve(
            what,
            vec![Step::Bytes(format!("{T1}\n").into()), Step::Fail(error)],
            ERRORS,
        );
        let got = served
            .result
            .as_ref()
            .map_err(|error| (error.kind(), error.to_string()));
        assert_eq!(
            got,
            Err(expected),
            "for {what}: expected the read's error itself, same kind and message. {}",
            ERRORS.see()
        );
        assert_eq!(
            served.lines,
            [time(T1)],
            "for {what}: expected the timestamp that came before the error to be written. {}",
            NOTHING_LOST.see()
        );
    }
}

#[test]
fn an_interrupted_read_is_tried_again() {
    let what = "reads interrupted by a signal between the pieces";
    let served = serve(
        what,
        vec![
            Step::Fail(io::ErrorKind::Interrupted.into()),
            Step::Bytes(format!("{T1}\n2026-11-25 ").into()),
            Step::Fail(io::ErrorKind::Interrupted.into()),
            Step::Bytes(b"09:50:01\n".to_vec()),
        ],
        ERRORS,
    );
    assert_eq!(
        served.result.as_ref().map_err(io::Error::kind),
        Ok(&2),
        "for {what}: expected Ok(2): an Interrupted read received nothing and lost nothing — \
         read again. {}",
        ERRORS.see()
    );
    assert_eq!(
        served.lines,
        [time(T1), time(T2)],
        "for {what}: expected both timestamps. {}",
        ERRORS.see()
    );
}

#[test]
fn a_line_too_long_is_returned_as_invalid_data() {
    let what = "a timestamp, then 2000 bytes with neither a newline nor a timestamp";
    let mut steps = vec![Step::Bytes(format!("{T1}\n").into())];
    steps.extend((0..20).map(|_| Step::Bytes(vec![b'x'; 100])));
    let served = serve(what, steps, ERRORS);
    assert_eq!(
        served.result.as_ref().map_err(io::Error::kind),
        Err(io::ErrorKind::InvalidData),
        "for {what}: expected an error of kind InvalidData (the decoder's LineTooLong, returned \
         with `?`): a client must not make the server buffer without bound. {}",
        ERRORS.see()
    );
    assert_eq!(
        served.lines,
        [time(T1)],
        "for {what}: expected the timestamp before the long line to be written. {}",
        NOTHING_LOST.see()
    );
}

#[test]
fn serves_the_lessons_client_over_a_real_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free loopback port");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    // connect() completes as soon as the kernel queues the connection (the backlog), before
    // accept(): so no thread is needed to get both ends.
    let mut client = TcpStream::connect(addr).expect("connect to our own listener");
    let (server_side, _) = listener.accept().expect("accept the queued connection");
    server_side
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a read timeout, so a mistake fails instead of hanging");
    client.set_nodelay(true).expect("send each write at once");
    let sender = thread::spawn(move || -> io::Result<()> {
        // Bare timestamps, as the lesson's client sends them, the second one in two parts.
        client.write_all(format!("{T1}2026-11-25 ").as_bytes())?;
        thread::sleep(Duration::from_millis(30)); // the rest arrives in a later read
        client.write_all(b"09:50:01hello\n")?;
        Ok(()) // dropping `client` closes the connection: the server reads 0 bytes
    });
    let what = "the lesson's client over a real loopback connection";
    let mut out = Vec::new();
    let result = run_in_time(what, FRAMING, move || {
        let result = handle_client(server_side, &mut out);
        (result, out)
    });
    sender
        .join()
        .expect("the sending thread does not panic")
        .expect("the test client can write to the server");
    let (count, out) = result;
    assert_eq!(
        String::from_utf8_lossy(&out),
        format!("client time: {T1}\nclient time: {T2}\nnot a timestamp: \"hello\"\n"),
        "for {what}: expected one line per message, the second one sent in two parts. {}",
        BYTE_STREAM.see()
    );
    assert_eq!(
        count.as_ref().map_err(io::Error::kind),
        Ok(&2),
        "for {what}: expected Ok(2) when the client closes the connection. {}",
        END.see()
    );
}
