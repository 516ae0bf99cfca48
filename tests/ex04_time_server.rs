//! Exercise 4: `handle_client`, the server's loop — book chapter 4.
//!
//! One test per rule of `handle_client`'s docs, from the simplest to the hardest: the end of the
//! stream, one line per message, pieces of any size, the lesson's own client (no delimiter), junk
//! between timestamps, flushing, nothing lost at the end, errors. TCP delivers a byte stream, so
//! most tests feed the same bytes in many different pieces and expect the same lines every time.
//!
//! The fakes are as unkind as the real thing: the connection hands out one piece per `read` (or
//! less, if the buffer is smaller) and fails a read after the end of the stream; the terminal
//! takes only part of what one `write` offers, as a real terminal or socket may. Every time a read
//! begins that would wait for the client's next bytes, the lines of the bytes already received
//! must be on the screen (written and flushed): the server shows each timestamp as it arrives.
//!
//! A `handle_client` that panics (an `unwrap`, a `todo!()`) or never returns fails with the rule
//! it broke, not a bare panic or a hang. When the lines are wrong, the test compares them with
//! what a few common mistakes write, and names the mistake when one matches.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use net_basics::time_protocol::{Timestamp, TimestampDecoder};

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

// How long the tests wait for `handle_client` (tests/common/patience.rs: well within the
// progress view's hang limit, so that a wrong answer is shown failing with its message).
#[path = "common/patience.rs"]
mod patience;

/// How long `handle_client` may take on a few bytes, and how long a line it must show may take
/// to appear, before the test gives up on it.
const PATIENCE: Duration = patience::OUTPUT;

/// Starts every panic message that the fakes raise themselves (so it is not re-explained).
const OURS: &str = "[test]";

/// At most this many bytes per `write`, in turn (`usize::MAX`: all of them). The fake terminal
/// takes 1 to n bytes, never 0 (`Ok(0)` from `write` means "cannot write any more").
const WRITE_SIZES: [usize; 5] = [usize::MAX, 3, 1, 16, 7];

// ---------------------------------------------------------------------------------------------
// The fake connection and the fake terminal
// ---------------------------------------------------------------------------------------------

/// What one `read` of the fake connection returns.
enum Step {
    Bytes(Vec<u8>),
    Fail(io::Error),
}

/// A read that began when every piece before it had been handed out whole: on a real socket it
/// would wait for the client's next bytes, so what was received so far must be shown by then.
#[derive(Clone, Debug)]
struct WaitingRead {
    /// Which read it was (1 for the first).
    number: usize,
    /// How many pieces of bytes had been handed out before it.
    pieces_before: usize,
    /// How many bytes had been written to `out` by then, and how many of them flushed.
    written: usize,
    flushed: usize,
}

/// Bytes offered to one `write` that the terminal did not take, and that were never offered again.
#[derive(Clone, Debug)]
struct Lost {
    offered: usize,
    taken: usize,
    rest: Vec<u8>,
}

/// What the fake connection and the fake terminal saw, shared by both.
#[derive(Default)]
struct Seen {
    /// Everything written to `out`, and how much of it was flushed.
    written: Vec<u8>,
    flushed: usize,
    /// How many `write` calls; what the last one offered and the terminal did not take.
    writes: usize,
    owed: Option<Lost>,
    lost: Option<Lost>,
    /// How many reads `handle_client` made, and how many of them into a buffer of 0 bytes.
    reads: usize,
    empty_buffer_reads: usize,
    waiting_reads: Vec<WaitingRead>,
    /// Whether a read returned 0 bytes at the end of the stream; whether a read failed (not
    /// counting Interrupted).
    ended: bool,
    failed: bool,
}

impl Seen {
    fn unflushed(&self) -> String {
        String::from_utf8_lossy(&self.written[self.flushed..]).into_owned()
    }
    /// Bytes the terminal did not take must be offered again next (all of them or a first part,
    /// as `write_all` does); anything else — another write, a flush, returning — loses them.
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

/// Stops `handle_client` with the fakes' own message: unwound without the panic hook, so it is
/// not printed here, and [`run_in_time`] says it once, with what was being done.
fn ours(message: String) -> ! {
    panic::resume_unwind(Box::new(message))
}

fn lock(seen: &Mutex<Seen>) -> std::sync::MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// A client's connection: hands out one step per `read` (as a socket hands out what has arrived;
/// less if the buffer is smaller), then ends the stream (0 bytes). A socket returns 0 again if
/// read once more (std's `BufRead::read_until` does that after a last line without `\n`), but a
/// loop that keeps reading after the end would spin for ever: the second read after the end, or
/// any read after a failed one, fails the test with the rule.
struct Connection {
    steps: VecDeque<Step>,
    seen: Arc<Mutex<Seen>>,
    /// Pieces of bytes handed out whole so far; whether the current piece is partly handed out.
    pieces_done: usize,
    in_a_piece: bool,
    /// How many reads returned 0 bytes at the end of the stream.
    ends: usize,
    failed: Option<io::ErrorKind>,
}

impl Read for Connection {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ends == 2 {
            ours(format!(
                "{OURS} handle_client called read again after a read had returned 0 bytes: 0 bytes \
                 is the end of the stream (the client closed the connection), not \"nothing yet\" \
                 — stop reading, write what the decoder still holds, and return the count — see \
                 book chapter 4, 'Reading until the end'"
            ));
        }
        if let Some(kind) = self.failed {
            ours(format!(
                "{OURS} handle_client called read again after a read had failed with {kind:?}: \
                 only Interrupted means \"read again\"; any other error is returned, unchanged, \
                 after writing what the decoder still holds — see book chapter 4, 'Errors'"
            ));
        }
        {
            let mut seen = lock(&self.seen);
            seen.reads += 1;
            if buf.is_empty() {
                seen.empty_buffer_reads += 1;
                return Ok(0); // as a socket does: a read into 0 bytes returns 0
            }
            if !self.in_a_piece {
                let waiting = WaitingRead {
                    number: seen.reads,
                    pieces_before: self.pieces_done,
                    written: seen.written.len(),
                    flushed: seen.flushed,
                };
                seen.waiting_reads.push(waiting);
            }
        }
        match self.steps.pop_front() {
            Some(Step::Bytes(mut bytes)) => {
                let n = bytes.len().min(buf.len());
                buf[..n].copy_from_slice(&bytes[..n]);
                self.in_a_piece = n < bytes.len();
                if self.in_a_piece {
                    self.steps.push_front(Step::Bytes(bytes.split_off(n)));
                } else {
                    self.pieces_done += 1;
                }
                Ok(n)
            }
            Some(Step::Fail(error)) => {
                if error.kind() != io::ErrorKind::Interrupted {
                    self.failed = Some(error.kind());
                    lock(&self.seen).failed = true;
                }
                Err(error)
            }
            None => {
                self.ends += 1;
                lock(&self.seen).ended = true;
                Ok(0)
            }
        }
    }
}

/// The server's terminal: takes 1 to n bytes per `write` (see [`WRITE_SIZES`]), remembers what
/// was written and what was flushed, and notices bytes it did not take that are never offered
/// again.
struct Terminal {
    seen: Arc<Mutex<Seen>>,
}

impl Write for Terminal {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut seen = lock(&self.seen);
        seen.settle_owed(Some(buf));
        if buf.is_empty() {
            return Ok(0);
        }
        let most = WRITE_SIZES[seen.writes % WRITE_SIZES.len()];
        seen.writes += 1;
        let taken = buf.len().min(most);
        seen.written.extend_from_slice(&buf[..taken]);
        if taken < buf.len() {
            seen.owed = Some(Lost {
                offered: buf.len(),
                taken,
                rest: buf[taken..].to_vec(),
            });
        }
        Ok(taken)
    }
    fn flush(&mut self) -> io::Result<()> {
        let mut seen = lock(&self.seen);
        seen.settle_owed(None);
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
    says: "A read of 0 bytes is the end of the stream: stop reading, write what the decoder \
           still holds, and return how many timestamps came",
    section: "Reading until the end",
};
const FRAMING: Rule = Rule {
    says: "Push the bytes of every read into a TimestampDecoder and write one line per message it \
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
    says: "The lesson's own Python client sends bare timestamps with no `\\n`; the decoder finds \
           them 19 bytes at a time — do not wait for a newline (no `lines()`, no `read_line`)",
    section: "Framing",
};
const FLUSH: Rule = Rule {
    says: "Call `out.flush()` after writing the lines of each read (and after the last lines): \
           otherwise they can wait in a buffer while the client is quiet, and the server shows \
           nothing",
    section: "Flushing",
};
const NOTHING_LOST: Rule = Rule {
    says: "Nothing received is lost: when the stream ends, or a read fails, first write what the \
           decoder still holds (`decoder.finish()`: a message cut short), then return",
    section: "Errors",
};
const ERRORS: Rule = Rule {
    says: "A read error is returned unchanged, same kind and message, after writing what the \
           decoder still holds (a reset, or the server's idle timeout: WouldBlock or TimedOut); \
           only `Interrupted` means \"read again\"",
    section: "Errors",
};
const TOO_LONG: Rule = Rule {
    says: "More than 1 KiB with neither a newline nor a timestamp ends the connection: \
           `next_message` returns an error, which handle_client returns as an io::Error of kind \
           InvalidData — after writing the lines decoded before it",
    section: "Errors",
};

/// What `handle_client` did with one connection.
struct Served {
    result: io::Result<usize>,
    /// Everything written, and the same cut into lines.
    text: String,
    lines: Vec<String>,
    reads: usize,
    waiting_reads: Vec<WaitingRead>,
    unflushed_at_the_end: String,
}

/// Runs `handle_client` on a connection that returns `steps`, on another thread so that one that
/// never returns fails with a hint instead of hanging the run, and one that panics fails with
/// the rule this case checks. `what` names the case in failure messages. Checks the rules every
/// case shares: no byte lost by a short write, no read into an empty buffer, every line ended by
/// `\n`.
fn serve(what: &str, steps: Vec<Step>, rule: Rule) -> Served {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let connection = Connection {
        // An empty piece would read as the end of the stream: leave those out.
        steps: steps
            .into_iter()
            .filter(|step| !matches!(step, Step::Bytes(bytes) if bytes.is_empty()))
            .collect(),
        seen: Arc::clone(&seen),
        pieces_done: 0,
        in_a_piece: false,
        ends: 0,
        failed: None,
    };
    let mut terminal = Terminal {
        seen: Arc::clone(&seen),
    };
    let result = run_in_time(what, rule, move || handle_client(connection, &mut terminal));
    let mut seen = lock(&seen);
    seen.settle_owed(None);
    if let Some(lost) = &seen.lost {
        panic!(
            "for {what}: one `write` to `out` was offered {} bytes and took only {} (a terminal or a \
             socket may take fewer, as this test's does, and says how many it took), and the \
             other bytes, {:?}, were never written: they are lost. Write with `write_all` (or \
             `writeln!`), which calls `write` again until every byte is taken, not with `write` \
             — see book chapter 4, 'Exercise 4: the server's loop'",
            lost.offered,
            lost.taken,
            String::from_utf8_lossy(&lost.rest)
        );
    }
    if seen.empty_buffer_reads > 0 {
        panic!(
            "for {what}: handle_client read into a buffer of 0 bytes, and a read into 0 bytes \
             returns 0 — which then looks like the end of the stream. `Vec::with_capacity(n)` \
             makes an EMPTY Vec (length 0, room for n); a buffer to read into needs a length: \
             `vec![0; 4096]` or `[0u8; 4096]` — see book chapter 4, 'Reading until the end'"
        );
    }
    if let Ok(n) = &result
        && !seen.ended
        && !seen.failed
    {
        panic!(
            "for {what}: handle_client returned Ok({n}) before the end of the stream: the client \
             was still sending, and the next read would have brought more. Read until a read \
             returns 0 bytes — one `read` (like the lesson's one `recv(1024)`) is not the whole \
             stream — see book chapter 4, 'Reading until the end'"
        );
    }
    let text = String::from_utf8_lossy(&seen.written);
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "for {what}: expected every line written to end with \\n, got {text:?} — write each \
         message with `writeln!` — see book chapter 4, 'Framing'"
    );
    Served {
        result,
        lines: text.lines().map(str::to_owned).collect(),
        text: text.into_owned(),
        reads: seen.reads,
        waiting_reads: seen.waiting_reads.clone(),
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
            if let Some(ours) = said.strip_prefix(OURS) {
                panic!("for {what}:{ours}");
            }
            // Its panic was shown above (where in your file, and its message): not again here.
            if said.starts_with("not yet implemented") {
                panic!("for {what}: handle_client is not written yet (its `todo!()`, above)");
            }
            panic!(
                "for {what}: handle_client panicked (above).\n\
                 The rule here: {}.\n\
                 A server must not panic on what a client sends or on a failed read: return \
                 errors with `?` instead of `unwrap`/`expect`.",
                rule.see()
            )
        }
        Err(_) => panic!(
            "for {what}: handle_client did not return within {PATIENCE:?}, although every read \
             returned at once and the last one returned 0 bytes (the end of the stream). Does \
             the loop call `read` each time round? Does it stop when a read returns 0? An inner \
             loop must end too: `while let Some(message) = decoder.next_message()?` ends when \
             the decoder returns None — see book chapter 4, 'Reading until the end'"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// What the lines should be, and what common mistakes make of them
// ---------------------------------------------------------------------------------------------

/// What the decoder gives for `pieces` pushed one by one: its messages as lines, and whether it
/// stopped at a line too long. Used to know what must be on the screen after each piece, and to
/// replay common mistakes; the expected lines of each test are written out by hand.
fn decode(pieces: &[Vec<u8>], finish: bool) -> (Vec<String>, bool) {
    let mut decoder = TimestampDecoder::new();
    let mut lines = Vec::new();
    for piece in pieces {
        decoder.push(piece);
        loop {
            match decoder.next_message() {
                Ok(Some(message)) => lines.push(message.to_string()),
                Ok(None) => break,
                Err(_) => return (lines, true),
            }
        }
    }
    if finish && let Some(rest) = decoder.finish() {
        lines.push(rest.to_string());
    }
    (lines, false)
}

/// The lines a `handle_client` with a well-known mistake writes for `pieces` (one per read), with
/// the sentence that names the mistake. Compared with what was written, it turns "wrong lines"
/// into "you did this".
fn mistakes(pieces: &[Vec<u8>]) -> Vec<(Vec<String>, &'static str)> {
    let mut replays = Vec::new();
    replays.push((
        decode(pieces, false).0,
        "these are all the lines except what the decoder still held at the end: after the last \
         read (0 bytes, or an error), write what `decoder.finish()` returns — a message cut short \
         is reported, not dropped — see book chapter 4, 'Errors'",
    ));
    for finish in [true, false] {
        // A new decoder for every read: a message split over two reads is never put together.
        let mut lines = Vec::new();
        let mut last = TimestampDecoder::new();
        for piece in pieces {
            last = TimestampDecoder::new();
            last.push(piece);
            while let Ok(Some(message)) = last.next_message() {
                lines.push(message.to_string());
            }
        }
        if finish && let Some(rest) = last.finish() {
            lines.push(rest.to_string());
        }
        replays.push((
            lines,
            "these are the lines of a handle_client that makes a new decoder for every read: a \
             message that arrives in two reads is then never put together. Create ONE decoder \
             before the loop and push every read's bytes into it — see book chapter 4, 'Framing'",
        ));
        // One message per read (`if let` instead of `while let`).
        let mut lines = Vec::new();
        let mut decoder = TimestampDecoder::new();
        for piece in pieces {
            decoder.push(piece);
            if let Ok(Some(message)) = decoder.next_message() {
                lines.push(message.to_string());
            }
        }
        if finish && let Some(rest) = decoder.finish() {
            lines.push(rest.to_string());
        }
        replays.push((
            lines,
            "these are the lines of a handle_client that takes ONE message from the decoder per \
             read (`if let`): a read can bring several messages. Take messages until the decoder \
             returns None (`while let Some(message) = decoder.next_message()?`) — see book \
             chapter 4, 'Framing'",
        ));
    }
    replays
}

/// Why `got` is not `expected`, in the words of the mistake when it can be recognised.
fn explain_lines(pieces: &[Vec<u8>], got: &[String], expected: &[String], rule: Rule) -> String {
    if got
        .iter()
        .any(|line| line.starts_with("Timestamp(") || line.starts_with("NotATimestamp("))
    {
        return "these lines are written with `{:?}` (Debug), which shows how the Message is \
                built: write each message as it displays itself, `writeln!(out, \"{message}\")` \
                — see book chapter 4, 'Framing'"
            .to_owned();
    }
    if let Some(not_a_time) = got.iter().find(|line| {
        line.strip_prefix("client time: ")
            .is_some_and(|rest| Timestamp::parse(rest.as_bytes()).is_none())
    }) {
        return format!(
            "{not_a_time:?} calls something a client time that is not a timestamp: let the \
             decoder decide — push the bytes into a TimestampDecoder and write each message it \
             gives back as it displays itself (`client time: …` or `not a timestamp: \"…\"`) — \
             see book chapter 4, 'Framing'"
        );
    }
    // The decoder shows a NUL byte as `\u{0}` (net_basics::time_protocol::escape).
    if got.iter().any(|line| line.contains("\\u{0}")) {
        return "a line holds NUL bytes (\\u{0}) that the client never sent: push only the bytes the read \
                returned, `decoder.push(&buffer[..n])`, not the whole buffer — see book chapter \
                4, 'Reading until the end'"
            .to_owned();
    }
    if let Some(bare) = got.iter().find(|line| {
        expected
            .iter()
            .any(|want| want.ends_with(line.as_str()) && want != *line)
    }) {
        return format!(
            "{bare:?} is a message without the words the decoder's Display adds: write each \
             message as it displays itself, `writeln!(out, \"{{message}}\")` (`client time: …` \
             or `not a timestamp: \"…\"`) — see book chapter 4, 'Framing'"
        );
    }
    for (lines, mistake) in mistakes(pieces) {
        if lines != expected && lines == got {
            return mistake.to_owned();
        }
    }
    if got.is_empty() {
        return format!(
            "nothing at all was written to `out`. Write the lines to `out`, the writer \
             handle_client is given (`writeln!(out, \"{{message}}\")`), not with println!, which \
             goes to the program's own stdout. {}",
            rule.see()
        );
    }
    rule.see()
}

/// Why `handle_client` returned `got` instead of `Ok(expected)` at the end of the stream.
fn explain_count(got: &io::Result<usize>, expected: usize, lines: &[String]) -> String {
    match got {
        Ok(n) if *n == lines.len() && lines.len() != expected => format!(
            "{n} is the number of all lines written; count only the messages that are \
             timestamps (`message.is_timestamp()`): `not a timestamp` lines do not count — see \
             book chapter 4, 'Reading until the end'"
        ),
        Ok(n) if n.abs_diff(expected) == 1 => format!(
            "{n} is off by one: count each timestamp once, when the decoder gives it back — not \
             the reads, not the end of the stream — see book chapter 4, 'Reading until the end'"
        ),
        Ok(_) => "return how many timestamps the client sent (the messages for which \
                  `message.is_timestamp()` is true) — see book chapter 4, 'Reading until the end'"
            .to_owned(),
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => format!(
            "{err} (UnexpectedEof): the end of the stream is not an error here — a read of 0 \
             bytes means the client closed its side, so return Ok(count). (`read_exact` fails \
             at the end of the stream; use `read`.) See book chapter 4, 'Reading until the end'"
        ),
        Err(err) => format!(
            "handle_client returned the error {err} ({:?}) although the stream simply ended: a \
             read of 0 bytes is the end — return Ok(count) — see book chapter 4, 'Reading until \
             the end'",
            err.kind()
        ),
    }
}

/// Checks that at every read that would wait for the client (a [`WaitingRead`]), the lines of
/// the pieces received before it were already written and flushed. `pieces` are the byte steps
/// in order.
fn check_shown_as_they_arrive(what: &str, served: &Served, pieces: &[Vec<u8>]) {
    // What must be on the screen after each piece: the decoder's lines so far (no `finish`).
    let mut decoder = TimestampDecoder::new();
    let mut must_show = vec![String::new()];
    for piece in pieces {
        let mut shown = must_show.last().cloned().unwrap_or_default();
        decoder.push(piece);
        while let Ok(Some(message)) = decoder.next_message() {
            shown.push_str(&format!("{message}\n"));
        }
        must_show.push(shown);
    }
    let written = served.text.as_bytes();
    for waiting in &served.waiting_reads {
        let shown = &must_show[waiting.pieces_before];
        let flushed = written.get(..waiting.flushed).unwrap_or(written);
        if flushed == shown.as_bytes() {
            continue;
        }
        let number = waiting.number;
        let flushed = String::from_utf8_lossy(flushed);
        if waiting.written > waiting.flushed {
            let unflushed = written
                .get(waiting.flushed..waiting.written)
                .unwrap_or_default();
            panic!(
                "for {what}: read number {number} began — on a socket it waits for the client's \
                 next bytes, maybe for minutes — while {:?} was written to `out` but not flushed: \
                 {}",
                String::from_utf8_lossy(unflushed),
                FLUSH.see()
            );
        }
        panic!(
            "for {what}: when read number {number} began (on a socket it waits for the client's \
             next bytes), the server had shown {flushed:?}, but the bytes received so far already \
             hold {shown:?}. Push each read's bytes into the decoder at once, and write and flush \
             what it gives back before reading again: do not wait for a newline (the lesson's \
             client sends none) nor for the end of the stream (no `read_to_end`) — see book \
             chapter 4, 'Flushing'"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Deliveries: the same bytes in many pieces
// ---------------------------------------------------------------------------------------------

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

fn bytes(pieces: &[Vec<u8>]) -> Vec<Step> {
    pieces.iter().cloned().map(Step::Bytes).collect()
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

/// Serves `pieces` (one per read, then the end); expects `expected` lines, their count, and each
/// line shown as soon as its bytes have arrived.
fn expect(what: &str, pieces: Vec<Vec<u8>>, expected: &[String], rule: Rule) {
    let served = serve(what, bytes(&pieces), rule);
    if served.lines != expected {
        let why = explain_lines(&pieces, &served.lines, expected, rule);
        assert_eq!(
            served.lines, expected,
            "for {what}: expected these lines (right), got the left ones: {why}"
        );
    }
    let want = count(expected);
    if !matches!(served.result, Ok(n) if n == want) {
        let why = explain_count(&served.result, want, &served.lines);
        panic!(
            "for {what}: expected Ok({want}) (the number of timestamps) at the end of the stream, \
             got {:?}: {why}",
            served.result
        );
    }
    check_shown_as_they_arrive(what, &served, &pieces);
    assert!(
        served.unflushed_at_the_end.is_empty(),
        "for {what}: handle_client returned with {:?} written but not flushed. {}",
        served.unflushed_at_the_end,
        FLUSH.see()
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
        (
            "a word and two timestamps, then the end",
            format!("hello\n{T1}\n{T2}\n"),
            vec![junk("hello"), time(T1), time(T2)],
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
    // `client.send(time_str.encode())` once a second: 19 bytes, no `\n`. Each timestamp must be
    // shown as soon as its 19 bytes are in, without any newline ever coming.
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
            says: "After bytes that are not a timestamp the decoder resynchronises at the next \
                   timestamp and reports the junk in between; keep taking messages from it \
                   until it returns None, and never throw its bytes away",
            section: "Framing",
        };
        expect_every_way(what, stream.as_bytes(), &expected, rule);
    }
}

#[test]
fn flushes_the_lines_of_each_read_before_reading_again() {
    // With newlines, and without (the lesson's client): in both, each timestamp must be on the
    // screen before the next read, which on a socket waits for the client.
    let cases = [
        (
            "two timestamps ended by \\n in two reads, then a word",
            vec![format!("{T1}\n"), format!("{T2}\n"), "hello".to_owned()],
            vec![time(T1), time(T2), junk("hello")],
        ),
        (
            "two bare timestamps in two reads, then a word (no newline at all)",
            vec![T1.to_owned(), T2.to_owned(), "hello".to_owned()],
            vec![time(T1), time(T2), junk("hello")],
        ),
    ];
    for (what, pieces, expected) in cases {
        let pieces: Vec<Vec<u8>> = pieces.into_iter().map(String::into_bytes).collect();
        expect(what, pieces.clone(), &expected, FLUSH);
        let served = serve(what, bytes(&pieces), FLUSH);
        assert!(
            served.reads >= 4,
            "for {what}: expected at least 4 reads (3 pieces and the end), saw {}. {}",
            served.reads,
            END.see()
        );
    }
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
    let expected = [time(T1), junk("2026-11-")];
    let why = if served.lines == [time(T1)] {
        "the part cut short by the reset is missing: a `?` on the read returns at once; write \
         what `decoder.finish()` returns first, then return the error"
            .to_owned()
    } else {
        NOTHING_LOST.see()
    };
    assert_eq!(
        served.lines, expected,
        "for {what}: expected the timestamp and the part cut short by the reset (right) to be \
         written before handle_client returns the error: {why} — see book chapter 4, 'Errors'"
    );
    assert!(
        served.unflushed_at_the_end.is_empty(),
        "for {what}: handle_client returned the error with {:?} written but not flushed: flush \
         what you wrote before returning the error — see book chapter 4, 'Errors'",
        served.unflushed_at_the_end,
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
        let why = match &got {
            Ok(_) => "handle_client returned Ok, as if the client had said goodbye: the error \
                      was swallowed. Return it (`?`, or `return Err(err)` after writing what \
                      the decoder still holds), so the caller can say what happened"
                .to_owned(),
            Err((kind, _)) if *kind == expected.0 => {
                "same kind, another message: return the read's own error, not a new one".to_owned()
            }
            Err(_) => {
                "another error: return the read's own error, unchanged, not a new one".to_owned()
            }
        };
        assert_eq!(
            got,
            Err(expected),
            "for {what}: expected the read's error itself, same kind and message: {why}. {}",
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
    if let Err(err) = &served.result
        && err.kind() == io::ErrorKind::Interrupted
    {
        panic!(
            "for {what}: expected Ok(2), got {err:?}: an Interrupted read received nothing and \
             lost nothing — a signal arrived during the wait — so read again instead of \
             returning. {}",
            ERRORS.see()
        );
    }
    assert_eq!(
        served.lines,
        [time(T1), time(T2)],
        "for {what}: expected both timestamps, the second one in two pieces with an Interrupted \
         read between them. {}",
        BYTE_STREAM.see()
    );
    if !matches!(served.result, Ok(2)) {
        let why = explain_count(&served.result, 2, &served.lines);
        panic!("for {what}: expected Ok(2), got {:?}: {why}", served.result);
    }
}

#[test]
fn a_line_too_long_is_returned_as_invalid_data_after_the_lines_before_it() {
    // The timestamp and the long line come in ONE read as well as in many: the timestamp's line
    // must be written before the error is returned, however the bytes arrive.
    let stream = format!("{T1}\n{}", "x".repeat(2000));
    for (how, pieces) in deliveries(stream.as_bytes()) {
        let what = format!(
            "a timestamp, then 2000 bytes with neither a newline nor a timestamp, delivered {how}"
        );
        let served = serve(&what, bytes(&pieces), TOO_LONG);
        match &served.result {
            Err(err) if err.kind() == io::ErrorKind::InvalidData => {}
            Ok(n) => panic!(
                "for {what}: expected an error of kind InvalidData, got Ok({n}): the decoder's \
                 LineTooLong was ignored. A client must not make the server buffer without \
                 bound: return it (`?` on next_message turns it into InvalidData). {}",
                TOO_LONG.see()
            ),
            Err(err) => panic!(
                "for {what}: expected an error of kind InvalidData, got {err} ({:?}). {}",
                err.kind(),
                TOO_LONG.see()
            ),
        }
        let why = if served.lines.is_empty() {
            "the timestamp's line was decoded and then lost: `?` on next_message returns at \
             once, so lines gathered but not yet written never reach `out`. Write each line as \
             the decoder gives it, or write what you gathered before returning the error"
        } else {
            "expected exactly the timestamp's line"
        };
        assert_eq!(
            served.lines,
            [time(T1)],
            "for {what}: {why}. {}",
            TOO_LONG.see()
        );
        assert!(
            served.unflushed_at_the_end.is_empty(),
            "for {what}: handle_client returned the error with {:?} written but not flushed: a \
             `?` returned before the flush. Flush what you wrote before returning the error — \
             see book chapter 4, 'Errors'",
            served.unflushed_at_the_end,
        );
    }
}

/// `out` for the real connection: shared with the test, so it can watch what the server shows.
#[derive(Clone)]
struct Screen(Arc<Mutex<Seen>>);

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Terminal {
            seen: Arc::clone(&self.0),
        }
        .write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Terminal {
            seen: Arc::clone(&self.0),
        }
        .flush()
    }
}

impl Screen {
    /// What has been written and flushed so far.
    fn shown(&self) -> String {
        let seen = lock(&self.0);
        String::from_utf8_lossy(&seen.written[..seen.flushed]).into_owned()
    }
    /// What has been written and not flushed yet.
    fn unflushed(&self) -> String {
        lock(&self.0).unflushed()
    }
    /// Waits (at most [`PATIENCE`], and no longer than `running` says the server runs) until
    /// `line` is shown.
    fn wait_for(&self, line: &str, running: impl Fn() -> bool) -> bool {
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if self.shown().lines().any(|shown| shown == line) {
                return true;
            }
            if !running() {
                return false;
            }
            thread::sleep(Duration::from_millis(2));
        }
        false
    }
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
        .set_read_timeout(Some(patience::LONGEST))
        .expect("set a read timeout, so a mistake fails instead of hanging");
    client.set_nodelay(true).expect("send each write at once");
    let what = "the lesson's client over a real loopback connection";
    let screen = Screen(Arc::new(Mutex::new(Seen::default())));
    let mut out = screen.clone();
    let (done, finished) = mpsc::channel();
    let server = thread::spawn(move || {
        let _ = done.send(panic::catch_unwind(AssertUnwindSafe(|| {
            handle_client(server_side, &mut out)
        })));
    });
    // A bare timestamp, no newline, and the client stays connected: the server must show it now.
    client
        .write_all(T1.as_bytes())
        .expect("the test client can send");
    let shown_at_once = screen.wait_for(&time(T1), || !server.is_finished());
    // What the screen showed, and what was written but not flushed, when the wait ended.
    let (shown_then, unflushed_then) = (screen.shown(), screen.unflushed());
    // The rest, the second timestamp in two parts, then the client leaves.
    let _ = client.write_all(b"2026-11-25 ");
    thread::sleep(Duration::from_millis(20));
    let _ = client.write_all(b"09:50:01hello\n");
    let _ = client.shutdown(Shutdown::Write);
    let result = match finished.recv_timeout(PATIENCE) {
        Ok(Ok(result)) => result,
        Ok(Err(payload)) => {
            let said = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            if said.starts_with("not yet implemented") {
                panic!("for {what}: handle_client is not written yet (its `todo!()`, above)");
            }
            panic!(
                "for {what}: handle_client panicked (above). {} A server must not panic on what a \
                 client sends: return errors with `?`.",
                FRAMING.see()
            )
        }
        Err(_) => panic!(
            "for {what}: handle_client did not return within {PATIENCE:?} after the client closed \
             the connection. {}",
            END.see()
        ),
    };
    drop(client);
    if !shown_at_once {
        let line = time(T1);
        let why = if unflushed_then.lines().any(|written| written == line) {
            format!("It was written to `out` but not flushed. {}", FLUSH.see())
        } else {
            format!(
                "Nothing of it reached `out`: push each read's bytes into the decoder at once, \
                 then write and flush what it gives back (a `BufWriter` of your own needs its \
                 flush too). {}",
                NO_DELIMITER.see()
            )
        };
        panic!(
            "for {what}: the client sent a bare timestamp (19 bytes, no newline) and stayed \
             connected; within {PATIENCE:?} the server showed {shown_then:?}, not {line:?}. {why}"
        );
    }
    assert_eq!(
        screen.shown(),
        format!("client time: {T1}\nclient time: {T2}\nnot a timestamp: \"hello\"\n"),
        "for {what}: expected one line per message, the second one sent in two parts. {}",
        BYTE_STREAM.see()
    );
    assert!(
        matches!(result, Ok(2)),
        "for {what}: expected Ok(2) when the client closes the connection, got {result:?}. {}",
        END.see()
    );
}
