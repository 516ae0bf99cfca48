//! Exercise 7: `handle_client` as an async task — book chapter 7.
//!
//! Exercise 4's rules (the end of the stream, one line per message however the bytes arrive,
//! flushing, nothing lost, errors) and chapter 7's: the idle timeout, `.await` wherever the task
//! waits, no blocking call inside a task, and a task that may move between threads (`Send`).
//!
//! The fakes are as unkind as a real socket and a real terminal: reads of one byte, reads that
//! say "nothing yet" (`Pending`) in between, a client that goes silent for ever, a terminal that
//! takes a few bytes per write and is not always ready. Every run is bounded by `PATIENCE`.
//!
//! `cargo test --features async --test ex07_async_time_server` (the feature builds tokio).

use std::cell::Cell;
use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use net_basics::time_protocol::TimestampDecoder;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

// The file under test: your `exercises/ex07_async_time_server.rs`, or with `--features solutions`
// the reference `solutions/ex07_async_time_server.rs`. Only this one file is compiled here.
#[cfg_attr(
    not(feature = "solutions"),
    path = "../exercises/ex07_async_time_server.rs"
)]
#[cfg_attr(feature = "solutions", path = "../solutions/ex07_async_time_server.rs")]
mod ex07_async_time_server;
use ex07_async_time_server::handle_client;

const T1: &str = "2026-11-25 09:50:00";
const T2: &str = "2026-11-25 09:50:01";
const T3: &str = "2026-11-25 09:50:02";

// How long the tests wait for `handle_client` (tests/common/patience.rs: well within the
// progress view's hang limit, so a wrong answer's message is seen).
#[path = "common/patience.rs"]
mod patience;

/// How long one run of `handle_client` may take before the test gives up on it.
const PATIENCE: Duration = patience::LONGEST;
/// How long `handle_client`'s polls may hold the thread in one test, all runs together. A task
/// that only waits at `.await`s holds it for microseconds per read; one that sleeps or blocks
/// holds it for as long as it sleeps, and is stopped here, before the test runs out of time.
const HOLDING: Duration = patience::OUTPUT;
/// An idle timeout no test reaches, for the tests about something else.
const NEVER: Duration = Duration::from_secs(3600);
/// How often the fake connection lets itself be read after it said "end of stream" (0 bytes).
const READS_AFTER_THE_END: usize = 100;

// ---------------------------------------------------------------------------------------------
// The fake connection and the fake terminal
// ---------------------------------------------------------------------------------------------

/// What the fake connection does next.
enum Step {
    /// These bytes have arrived (a read takes at most `Connection::chunk` of them).
    Bytes(Vec<u8>),
    /// One read finds nothing yet: `Pending`, and the task is woken again at once.
    NothingYet,
    /// Nothing arrives for this long (the task sleeps on a timer meanwhile).
    Wait(Duration),
    /// Nothing ever arrives again: a client that went silent, or whose machine is gone.
    Silent,
    /// The next read fails.
    Fail(io::Error),
}

/// What the fake connection and the fake terminal saw, shared by both.
#[derive(Default)]
struct Seen {
    written: Vec<u8>,
    flushed: usize,
    /// How many `poll_write` calls took bytes, and how many flushes finished.
    writes: usize,
    flushes: usize,
    /// For each read that found lines written but not flushed: what was not flushed.
    unflushed_at_read: Vec<String>,
    /// For each quiet spell of the client (`Step::Wait`): what was flushed when it began.
    flushed_when_quiet: Vec<String>,
}

fn lock<T>(shared: &Mutex<T>) -> MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// A client's connection, as tokio's `TcpStream` behaves: a read returns what has arrived, or
/// `Pending` (the task is woken when more comes), or 0 bytes for the end of the stream.
struct Connection {
    steps: VecDeque<Step>,
    chunk: usize,
    timer: Option<Pin<Box<Sleep>>>,
    seen: Arc<Mutex<Seen>>,
    reads_after_the_end: usize,
}

impl Connection {
    fn new(steps: Vec<Step>, chunk: usize, seen: &Arc<Mutex<Seen>>) -> Connection {
        Connection {
            steps: steps.into(),
            chunk,
            timer: None,
            seen: Arc::clone(seen),
            reads_after_the_end: 0,
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        stop_if_blocking();
        {
            let mut seen = lock(&self.seen);
            if seen.flushed < seen.written.len() {
                let unflushed = String::from_utf8_lossy(&seen.written[seen.flushed..]).into_owned();
                seen.unflushed_at_read.push(unflushed);
            }
        }
        let chunk = self.chunk;
        loop {
            match self.steps.front_mut() {
                None => {
                    self.reads_after_the_end += 1;
                    assert!(
                        self.reads_after_the_end <= READS_AFTER_THE_END,
                        "[test] handle_client read {READS_AFTER_THE_END} more times after a read \
                         had returned 0 bytes: 0 bytes is the end of the stream (the client \
                         closed the connection), not \"nothing yet\" — an async read that has \
                         nothing yet does not return at all, it waits at its `.await` — see \
                         book chapter 7 (and chapter 4, 'Reading until the end')"
                    );
                    return Poll::Ready(Ok(())); // 0 bytes: the end of the stream
                }
                Some(Step::Bytes(bytes)) if bytes.is_empty() => {
                    self.steps.pop_front();
                }
                Some(Step::Bytes(bytes)) => {
                    let n = bytes.len().min(chunk).min(buf.remaining());
                    buf.put_slice(&bytes[..n]);
                    bytes.drain(..n);
                    return Poll::Ready(Ok(()));
                }
                Some(Step::NothingYet) => {
                    self.steps.pop_front();
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Some(Step::Wait(how_long)) => {
                    let how_long = *how_long;
                    if self.timer.is_none() {
                        let mut seen = lock(&self.seen);
                        let flushed = String::from_utf8_lossy(&seen.written[..seen.flushed]);
                        let flushed = flushed.into_owned();
                        seen.flushed_when_quiet.push(flushed);
                    }
                    let timer = self
                        .timer
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep(how_long)));
                    if timer.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    self.timer = None;
                    self.steps.pop_front();
                }
                Some(Step::Silent) => return Poll::Pending, // and never wakes the task
                Some(Step::Fail(_)) => {
                    let Some(Step::Fail(error)) = self.steps.pop_front() else {
                        unreachable!("the front step is a Fail")
                    };
                    return Poll::Ready(Err(error));
                }
            }
        }
    }
}

/// The server's terminal, as unkind as a real one: a write takes at most `take` bytes, and every
/// other call is not ready yet (`Pending`, woken at once). It remembers what was flushed.
struct Terminal {
    take: usize,
    ready: bool,
    seen: Arc<Mutex<Seen>>,
}

impl Terminal {
    /// Ready or not, every other time: true when this call may go ahead.
    fn now_ready(&mut self, cx: &mut Context<'_>) -> bool {
        self.ready = !self.ready;
        if !self.ready {
            cx.waker().wake_by_ref();
        }
        self.ready
    }
}

impl AsyncWrite for Terminal {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        stop_if_blocking();
        if !self.now_ready(cx) {
            return Poll::Pending;
        }
        let n = bytes.len().min(self.take);
        let mut seen = lock(&self.seen);
        seen.written.extend_from_slice(&bytes[..n]);
        seen.writes += 1;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        stop_if_blocking();
        if !self.now_ready(cx) {
            return Poll::Pending;
        }
        let mut seen = lock(&self.seen);
        seen.flushed = seen.written.len();
        seen.flushes += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

// ---------------------------------------------------------------------------------------------
// Running handle_client as a task
// ---------------------------------------------------------------------------------------------

/// A runtime like example 07's: every task on this one thread, with timers.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

/// How long the polls of one task kept the thread: in all, and the longest one.
#[derive(Default, Clone, Copy)]
struct Busy {
    total: Duration,
    longest: Duration,
    polls: usize,
}

/// A future that measures, in real time, how long each `poll` of the future inside takes: the
/// time the task held the thread, during which no other task on it could run.
struct Timed<F> {
    inner: Pin<Box<F>>,
    busy: Arc<Mutex<Busy>>,
}

impl<F: Future> Future for Timed<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let started = Instant::now();
        POLL_STARTED.set(Some(started));
        let polled = self.inner.as_mut().poll(cx);
        POLL_STARTED.set(None);
        let took = started.elapsed();
        HELD.set(HELD.get() + took);
        let mut busy = lock(&self.busy);
        busy.total += took;
        busy.longest = busy.longest.max(took);
        busy.polls += 1;
        polled
    }
}

thread_local! {
    /// How long the polls of `handle_client` held this test's thread so far (the runtime is a
    /// current-thread one: its tasks run on the test's thread).
    static HELD: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    /// When the poll running now began.
    static POLL_STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Called by the fakes each time the task touches them: stops a task that has held the thread
/// for longer than HOLDING in this test (a blocking call inside it), with the rule it broke.
fn stop_if_blocking() {
    let now = POLL_STARTED
        .get()
        .map_or(Duration::ZERO, |started| started.elapsed());
    let held = HELD.get() + now;
    if held > HOLDING {
        HELD.set(Duration::ZERO); // one message is enough
        panic!(
            "handle_client's task held the thread for {held:.1?} in this test ({now:.1?} in the \
             poll running now) without reaching an `.await` that waits — a task that waits with \
             `.await` holds it for microseconds per read. On an async runtime all tasks take \
             turns on the same thread(s) and switch only at an `.await`: `std::thread::sleep` or \
             a blocking `std::io` call inside a task stops EVERY client on its thread. Wait with \
             `.await` instead (`tokio::time::sleep(…).await`, `tokio::time::timeout`) — see book \
             chapter 7, 'No blocking inside a task'"
        );
    }
}

/// One client's task: `handle_client` on a fake connection and terminal, spawned on the runtime
/// it is called in. Returns what `handle_client` returned, and how long its polls held the thread.
fn spawn_client(
    connection: Connection,
    terminal: Terminal,
    idle: Duration,
) -> (tokio::task::JoinHandle<io::Result<usize>>, Arc<Mutex<Busy>>) {
    let busy = Arc::new(Mutex::new(Busy::default()));
    let task = async move {
        let mut terminal = terminal;
        handle_client(connection, &mut terminal, idle).await
    };
    // IF RUSTC STOPS HERE with "future cannot be sent between threads safely": `tokio::spawn`
    // (like example 07's accept loop) needs a task that may move to another thread at any
    // `.await` — its future must be `Send`. Something in your `handle_client` is not `Send` and
    // is still alive at an `.await`: rustc's note "has type `…` which is not `Send`" names it,
    // and "await occurs here, with `…` maybe used later" shows where. The usual one is a
    // `std::sync::MutexGuard` (from `.lock()`) kept across an `.await`: lock, change, and let the
    // guard go (end its block, or `drop(guard)`) BEFORE the next `.await`. Rc, RefCell borrows
    // and `std::io::stdout().lock()` are not `Send` either — see book chapter 7, 'Send: a task
    // may move between threads'.
    let handle = tokio::spawn(Timed {
        inner: Box::pin(task),
        busy: Arc::clone(&busy),
    });
    (handle, busy)
}

/// What one run of `handle_client` did.
struct Served {
    result: io::Result<usize>,
    lines: Vec<String>,
    written: String,
    writes: usize,
    flushes: usize,
    unflushed_at_read: Vec<String>,
    flushed_when_quiet: Vec<String>,
    unflushed_at_the_end: String,
    took: Duration,
}

/// Runs `handle_client` over `steps` (reads of at most `chunk` bytes; a terminal that takes at
/// most `take` bytes per write) with `idle`, as a task, within PATIENCE. `what` names the case.
fn serve(what: &str, steps: Vec<Step>, chunk: usize, take: usize, idle: Duration) -> Served {
    let silent = steps.iter().any(|step| matches!(step, Step::Silent));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let connection = Connection::new(steps, chunk, &seen);
    let terminal = Terminal {
        take,
        ready: true,
        seen: Arc::clone(&seen),
    };
    let started = Instant::now();
    let (joined, busy) = runtime().block_on(async {
        let (handle, busy) = spawn_client(connection, terminal, idle);
        let joined = tokio::time::timeout(PATIENCE, handle).await;
        let busy = *lock(&busy);
        (joined, busy)
    });
    let took = started.elapsed();
    let result = match joined {
        Err(_elapsed) if busy.total > PATIENCE / 2 => panic!(
            "for {what}: handle_client did not return within {PATIENCE:?}, and for {:.1?} of that \
             time its task held the thread without reaching an `.await` that waits: \
             `std::thread::sleep` or a blocking `std::io` call inside a task stops every other \
             client on its thread — wait with `.await` instead (`tokio::time::sleep(…).await`) \
             — see book chapter 7, 'No blocking inside a task'",
            busy.total
        ),
        Ok(Ok(result)) => result,
        Ok(Err(join_error)) if join_error.is_panic() => {
            std::panic::resume_unwind(join_error.into_panic()) // its own message (a todo!()?)
        }
        Ok(Err(join_error)) => panic!("for {what}: the task did not finish: {join_error}"),
        Err(_elapsed) if silent => panic!(
            "for {what}: handle_client did not return within {PATIENCE:?}, although the idle \
             timeout was {idle:?}: a client that sends nothing must be closed after `idle` of \
             silence — wrap each read in `tokio::time::timeout(idle, …)` — see book chapter 7, \
             'The idle timeout'"
        ),
        Err(_elapsed) => panic!(
            "for {what}: handle_client did not return within {PATIENCE:?}. After the client's \
             last byte a read returns 0 bytes — the end of the stream: stop reading and return \
             the count. (And a read that finds nothing yet is not the end: it waits at its \
             `.await`.) — see book chapter 7 (and chapter 4, 'Reading until the end')"
        ),
    };
    let seen = lock(&seen);
    let written = String::from_utf8_lossy(&seen.written).into_owned();
    Served {
        result,
        lines: written.lines().map(str::to_owned).collect(),
        unflushed_at_the_end: String::from_utf8_lossy(&seen.written[seen.flushed..]).into_owned(),
        written,
        writes: seen.writes,
        flushes: seen.flushes,
        unflushed_at_read: seen.unflushed_at_read.clone(),
        flushed_when_quiet: seen.flushed_when_quiet.clone(),
        took,
    }
}

/// The lines exercise 4's rules give for `stream`: what the library's decoder makes of it whole,
/// one line per message, and the rest (`finish`) at the end.
fn lines_for(stream: &[u8]) -> Vec<String> {
    let mut decoder = TimestampDecoder::new();
    decoder.push(stream);
    let mut lines = Vec::new();
    while let Ok(Some(message)) = decoder.next_message() {
        lines.push(message.to_string());
    }
    lines.extend(decoder.finish().map(|rest| rest.to_string()));
    lines
}

fn timestamps(lines: &[String]) -> usize {
    lines
        .iter()
        .filter(|line| line.starts_with("client time: "))
        .count()
}

/// The same bytes, arriving as a real socket may hand them out.
fn deliveries(stream: &[u8]) -> Vec<(String, Vec<Step>, usize)> {
    let whole = || vec![Step::Bytes(stream.to_vec())];
    let mut ways = vec![
        ("in one read".to_owned(), whole(), usize::MAX),
        ("one byte per read".to_owned(), whole(), 1),
        ("in reads of 7 bytes".to_owned(), whole(), 7),
    ];
    let one_by_one_waiting = stream
        .iter()
        .flat_map(|&byte| [Step::Bytes(vec![byte]), Step::NothingYet])
        .collect();
    ways.push((
        "one byte per read, with \"nothing yet\" (Pending) before each next byte".to_owned(),
        one_by_one_waiting,
        usize::MAX,
    ));
    if stream.len() <= 80 {
        for at in 1..stream.len() {
            let (head, tail) = stream.split_at(at);
            let steps = vec![
                Step::Bytes(head.to_vec()),
                Step::Wait(Duration::from_millis(1)),
                Step::Bytes(tail.to_vec()),
            ];
            ways.push((
                format!("in two reads, split after byte {at}"),
                steps,
                usize::MAX,
            ));
        }
    }
    ways
}

/// A hint for a run that wrote nothing at all although there were lines to write.
fn nothing_written_hint(served: &Served) -> &'static str {
    if served.writes == 0 {
        "\nNothing at all was written to `out`. Did you forget `.await` after \
         `out.write_all(…)`? An async call only makes a future; it does nothing until it is \
         awaited (rustc warns: \"unused implementer of `Future` that must be used\") — see \
         book chapter 7, '.await: where a task waits'."
    } else {
        ""
    }
}

// ---------------------------------------------------------------------------------------------
// Exercise 4's rules, as a task
// ---------------------------------------------------------------------------------------------

#[test]
fn the_same_lines_and_count_however_the_bytes_arrive() {
    let streams: Vec<(&str, Vec<u8>)> = vec![
        ("nothing: a client that closes at once", Vec::new()),
        (
            "three timestamps ended by \\n",
            format!("{T1}\n{T2}\n{T3}\n").into(),
        ),
        (
            "the lesson's Python client: bare timestamps, no \\n",
            format!("{T1}{T2}{T3}").into(),
        ),
        (
            "the lesson's client with junk between (str(datetime.now()), a word)",
            format!("{T1}2026-11-25 09:50:00.123456{T2}hello{T3}").into(),
        ),
        (
            "a word, a character split across reads, a timestamp cut short",
            format!("hello\ncafé\n{T1}\n2026-11-25 09:5").into(),
        ),
    ];
    for (what, stream) in streams {
        let expected = lines_for(&stream);
        for (how, steps, chunk) in deliveries(&stream) {
            let case = format!("{what}, delivered {how}");
            let served = serve(&case, steps, chunk, usize::MAX, NEVER);
            assert_eq!(
                served.lines,
                expected,
                "for {case}: expected these lines (right), got the left ones. TCP is a byte \
                 stream: read until a read returns 0 bytes, push what each read returned into \
                 one TimestampDecoder, write one line per message it gives back, and at the end \
                 what `finish` holds — see book chapter 7 (and chapter 4, 'Framing'){}",
                if expected.is_empty() {
                    ""
                } else {
                    nothing_written_hint(&served)
                }
            );
            assert_eq!(
                served.result.as_ref().map_err(ToString::to_string),
                Ok(&timestamps(&expected)),
                "for {case}: at the end of the stream, expected Ok(the number of timestamps) — \
                 see book chapter 7 (and chapter 4, 'Reading until the end')"
            );
        }
    }
}

#[test]
fn every_byte_reaches_the_terminal_even_when_it_takes_a_few_at_a_time() {
    let stream = format!("{T1}\n{T2}\nhello\n");
    let expected = lines_for(stream.as_bytes());
    for take in [1, 5] {
        let case = format!("a terminal that takes at most {take} bytes per write");
        let served = serve(
            &case,
            vec![Step::Bytes(stream.clone().into())],
            usize::MAX,
            take,
            NEVER,
        );
        assert_eq!(
            served.lines,
            expected,
            "for {case}: expected these lines (right), got the left ones. A write may take only \
             part of what it is given and says how much: `out.write(…).await` drops the rest, \
             `out.write_all(…).await` writes until all is taken — see book chapter 7 (and \
             chapter 5's partial writes){}",
            nothing_written_hint(&served)
        );
    }
}

#[test]
fn the_lines_of_each_read_are_flushed_before_the_next_read() {
    // A client that sends one timestamp, then waits: the line must be out (flushed) while the
    // task waits for the next bytes, not only when the client leaves.
    let steps = vec![
        Step::Bytes(format!("{T1}\n").into()),
        Step::Wait(Duration::from_millis(20)),
        Step::Bytes(format!("{T2}\n").into()),
    ];
    let served = serve(
        "two timestamps, 20 ms apart",
        steps,
        usize::MAX,
        usize::MAX,
        NEVER,
    );
    let awaited_flush = if served.flushes == 0 && served.writes > 0 {
        " Nothing was ever flushed: if you wrote `out.flush()`, it needs `.await` — an async call \
         does nothing until it is awaited (rustc warns: \"unused implementer of `Future` that \
         must be used\")."
    } else {
        ""
    };
    assert!(
        served.unflushed_at_read.is_empty() && served.unflushed_at_the_end.is_empty(),
        "the lines of a read were still unflushed when the next read began ({:?}; at the end: \
         {:?}): call `out.flush().await` after writing the lines of each read, so the server \
         shows them now, not when a buffer fills.{awaited_flush} — see book chapter 7 (and \
         chapter 4, 'Flushing'){}",
        served.unflushed_at_read,
        served.unflushed_at_the_end,
        nothing_written_hint(&served)
    );
    let quiet = served
        .flushed_when_quiet
        .first()
        .cloned()
        .unwrap_or_default();
    assert!(
        quiet.contains(&format!("client time: {T1}")),
        "while the client was quiet after its first timestamp, the server had shown {quiet:?}: \
         the line of each read must be written and flushed before the task waits for more \
         bytes — not when the client leaves (no `read_to_end` first) — see book chapter 7 (and \
         chapter 4, 'Flushing'){}",
        nothing_written_hint(&served)
    );
    assert_eq!(
        served.lines,
        [format!("client time: {T1}"), format!("client time: {T2}")],
        "two timestamps, 20 ms apart, are two lines — see book chapter 7 (and chapter 4, \
         'Framing')"
    );
}

#[test]
fn a_read_error_is_returned_unchanged_after_what_was_received() {
    let reset = || io::Error::new(io::ErrorKind::ConnectionReset, "reset by the client");
    let steps = vec![
        Step::Bytes(format!("{T1}\n2026-11").into()),
        Step::Fail(reset()),
    ];
    let served = serve(
        "a reset after one timestamp and a half",
        steps,
        usize::MAX,
        usize::MAX,
        NEVER,
    );
    let err = served.result.as_ref().err();
    assert!(
        err.is_some_and(|err| err.kind() == io::ErrorKind::ConnectionReset
            && err.to_string() == "reset by the client"),
        "a read error is returned unchanged (same kind, same message): the caller decides what it \
         means; got {:?} — see book chapter 7 (and chapter 4, 'Errors')",
        served.result
    );
    assert_eq!(
        served.lines,
        [
            format!("client time: {T1}"),
            "not a timestamp: \"2026-11\"".to_owned()
        ],
        "nothing received is lost: before returning the error, write what `decoder.finish()` \
         holds (here the half timestamp), and flush — see book chapter 7 (and chapter 4, \
         'Errors')"
    );
    assert!(
        served.unflushed_at_the_end.is_empty(),
        "{:?} was written to `out` but never flushed: after the last write, before returning \
         (the error too), call `out.flush().await` — see book chapter 7 (and chapter 4, \
         'Flushing')",
        served.unflushed_at_the_end
    );
}

#[test]
fn interrupted_means_read_again() {
    let steps = vec![
        Step::Bytes(format!("{T1}\n").into()),
        Step::Fail(io::ErrorKind::Interrupted.into()),
        Step::Bytes(format!("{T2}\n").into()),
    ];
    let served = serve(
        "an Interrupted read between two timestamps",
        steps,
        usize::MAX,
        usize::MAX,
        NEVER,
    );
    assert_eq!(
        served.result.as_ref().map_err(ToString::to_string),
        Ok(&2),
        "`Interrupted` is not a failure (a signal arrived during the call): read again — see book \
         chapter 7 (and chapter 4, 'Errors')"
    );
}

#[test]
fn a_line_too_long_ends_the_connection_with_invalid_data() {
    let steps = vec![Step::Bytes(vec![b'x'; 3000])];
    let served = serve(
        "3000 bytes without a newline",
        steps,
        512,
        usize::MAX,
        NEVER,
    );
    assert_eq!(
        served.result.as_ref().map_err(io::Error::kind).err(),
        Some(io::ErrorKind::InvalidData),
        "more than 1 KiB with neither a newline nor a timestamp: `decoder.next_message()?` \
         returns the decoder's LineTooLong as an error of kind InvalidData — return it; got {:?} \
         — see book chapter 7 (and chapter 4, 'Errors')",
        served.result
    );
}

// ---------------------------------------------------------------------------------------------
// Chapter 7's rules
// ---------------------------------------------------------------------------------------------

#[test]
fn a_silent_client_is_closed_after_the_idle_timeout_and_nothing_is_lost() {
    let idle = Duration::from_millis(200);
    let steps = vec![
        Step::Bytes(format!("{T1}\n2026-11-25").into()),
        Step::Silent,
    ];
    let served = serve(
        "a client that sends 1.5 timestamps, then nothing for ever",
        steps,
        usize::MAX,
        usize::MAX,
        idle,
    );
    assert_eq!(
        served.result.as_ref().map_err(io::Error::kind).err(),
        Some(io::ErrorKind::TimedOut),
        "a client that sends nothing for `idle` (here 0.2 s) must end with an error of kind \
         TimedOut, which example 07 turns into \"closed: silent for … s\": wrap each read in \
         `tokio::time::timeout(idle, …)` — a silent or vanished client would otherwise hold its \
         place for ever; got {:?} — see book chapter 7, 'The idle timeout'",
        served.result
    );
    assert!(
        served.took >= Duration::from_millis(150)
            && served.took < idle + Duration::from_millis(500),
        "closed after {:.1?}, with an idle timeout of {idle:?}: a silent client gets exactly \
         `idle` — the parameter, not a time of your own — before it is closed (here 0.2 s, \
         give or take a busy machine) — see book chapter 7, 'The idle timeout'",
        served.took
    );
    assert_eq!(
        served.lines,
        [
            format!("client time: {T1}"),
            "not a timestamp: \"2026-11-25\"".to_owned()
        ],
        "nothing received is lost: when the idle timeout ends the connection, first write what \
         `decoder.finish()` holds (here the half timestamp), and flush — see book chapter 7, \
         'The idle timeout'"
    );
    assert!(
        served.unflushed_at_the_end.is_empty(),
        "{:?} was written to `out` but never flushed: after the last write, before returning \
         (the error too), call `out.flush().await` — see book chapter 7 (and chapter 4, \
         'Flushing')",
        served.unflushed_at_the_end
    );
}

#[test]
fn the_idle_timeout_counts_silence_not_connection_time() {
    let idle = Duration::from_millis(200);
    // 6 timestamps, 80 ms apart: connected for 0.4 s and more, but never silent for 0.2 s.
    let mut steps = Vec::new();
    for _ in 0..6 {
        steps.push(Step::Wait(Duration::from_millis(80)));
        steps.push(Step::Bytes(format!("{T1}\n").into()));
    }
    let served = serve(
        "a client that talks every 80 ms",
        steps,
        usize::MAX,
        usize::MAX,
        idle,
    );
    assert_eq!(
        served.result.as_ref().map_err(ToString::to_string),
        Ok(&6),
        "a client that sends a timestamp every 80 ms must not be closed by an idle timeout of \
         0.2 s: the timeout counts silence — give EACH read its own `idle` (a timeout around \
         the whole loop, or one deadline set once, counts the connection's age) — see book \
         chapter 7, 'The idle timeout'"
    );
}

#[test]
fn a_client_does_not_stall_another_client_on_the_same_thread() {
    // Two clients' tasks on one thread, as in example 07. A sends a timestamp a byte at a time,
    // 5 ms apart; B sends three at once after 20 ms. A correct task holds the thread for
    // microseconds per poll, so B is served as soon as its bytes are there.
    let slow = format!("{T1}\n");
    // A blocking call is caught in every attempt; a busy machine only now and then.
    let mut attempts = Vec::new();
    for _ in 0..3 {
        let attempt = two_clients(&slow);
        let blocked = attempt.a.total > Duration::from_millis(100)
            || attempt.a.longest > Duration::from_millis(50);
        attempts.push(attempt);
        if !blocked {
            break;
        }
    }
    let last = attempts.last().expect("at least one attempt");
    let blocked_every_time = attempts.len() == 3
        && attempts.iter().all(|attempt| {
            attempt.a.total > Duration::from_millis(100)
                || attempt.a.longest > Duration::from_millis(50)
        });
    assert!(
        !blocked_every_time,
        "client A's task held the thread for {:.1?} in all ({:.1?} in its longest poll, {} polls) \
         while it got {} bytes one at a time — and client B, whose 3 timestamps were there \
         after 20 ms, was served only after {:.1?}. On an async runtime all tasks take turns on \
         the same thread(s), and they switch only at an `.await`: `std::thread::sleep` or a \
         blocking `std::io` call (a std TcpStream, stdin, a blocking lock) inside a task stops \
         EVERY client on its thread. Wait with `.await` instead (`tokio::time::sleep(…).await`, \
         `tokio::time::timeout`, tokio's async I/O) — see book chapter 7, 'No blocking inside a \
         task'",
        last.a.total,
        last.a.longest,
        last.a.polls,
        slow.len(),
        last.b_done,
    );
    assert!(
        last.b_done < Duration::from_millis(500),
        "client B's 3 timestamps were there after 20 ms, but its task ended only after {:.1?}: \
         while client A waits for its next byte, the thread must serve B — wait for bytes with \
         `.await`, never by blocking — see book chapter 7, 'No blocking inside a task'",
        last.b_done
    );
    assert_eq!(
        last.b_lines, 3,
        "client B sent 3 timestamps and then closed: expected 3 lines, one per timestamp — see \
         book chapter 7 (and chapter 4, 'Framing')"
    );
    assert_eq!(
        last.a_result.as_ref().map_err(ToString::to_string),
        Ok(&1),
        "client A sent one timestamp a byte at a time, then closed: expected Ok(1) — see book \
         chapter 7 (and chapter 4, 'Reading until the end')"
    );
}

/// What happened when two clients' tasks shared one thread.
struct TwoClients {
    /// How long client A's task held the thread.
    a: Busy,
    /// When client B's task ended, from the start (its bytes were there after 20 ms).
    b_done: Duration,
    /// How many lines client B's task wrote.
    b_lines: usize,
    /// What client A's `handle_client` returned.
    a_result: io::Result<usize>,
}

fn two_clients(slow: &str) -> TwoClients {
    let seen_a = Arc::new(Mutex::new(Seen::default()));
    let seen_b = Arc::new(Mutex::new(Seen::default()));
    let a_steps = slow
        .bytes()
        .flat_map(|byte| {
            [
                Step::Bytes(vec![byte]),
                Step::Wait(Duration::from_millis(5)),
            ]
        })
        .collect();
    let b_steps = vec![
        Step::Wait(Duration::from_millis(20)),
        Step::Bytes(format!("{T1}\n{T2}\n{T3}\n").into()),
    ];
    let terminal = |seen: &Arc<Mutex<Seen>>| Terminal {
        take: usize::MAX,
        ready: true,
        seen: Arc::clone(seen),
    };
    let started = Instant::now();
    let (a, b_done, a_result) = runtime().block_on(async {
        let (a, busy_a) = spawn_client(
            Connection::new(a_steps, usize::MAX, &seen_a),
            terminal(&seen_a),
            NEVER,
        );
        let (b, _busy_b) = spawn_client(
            Connection::new(b_steps, usize::MAX, &seen_b),
            terminal(&seen_b),
            NEVER,
        );
        let b_finished = async {
            if let Err(join_error) = b.await {
                if join_error.is_panic() {
                    std::panic::resume_unwind(join_error.into_panic());
                }
            }
            started.elapsed()
        };
        let b_done = tokio::time::timeout(PATIENCE, b_finished)
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "client B's 3 timestamps were there after 20 ms, and its task had not ended \
                     {PATIENCE:?} later — see book chapter 7, 'No blocking inside a task'"
                )
            });
        let a_result = match tokio::time::timeout(PATIENCE, a).await {
            Ok(Ok(result)) => result,
            Ok(Err(join_error)) if join_error.is_panic() => {
                std::panic::resume_unwind(join_error.into_panic())
            }
            Ok(Err(join_error)) => panic!("client A's task did not finish: {join_error}"),
            Err(_elapsed) => panic!(
                "client A sent one timestamp a byte at a time, then closed, and handle_client \
                 had not returned {PATIENCE:?} later: a read of 0 bytes is the end of the \
                 stream — see book chapter 7 (and chapter 4, 'Reading until the end')"
            ),
        };
        let busy = *lock(&busy_a);
        (busy, b_done, a_result)
    });
    let b_lines = String::from_utf8_lossy(&lock(&seen_b).written)
        .lines()
        .count();
    TwoClients {
        a,
        b_done,
        b_lines,
        a_result,
    }
}

#[test]
fn the_task_may_move_between_threads() {
    // This test's work is done by the compiler: `spawn_client` hands `handle_client`'s future to
    // `tokio::spawn`, which accepts only a `Send` future (see the comment there). If this file
    // compiles, your task may move between threads. The run only makes sure it also works.
    let served = serve(
        "one timestamp",
        vec![Step::Bytes(format!("{T1}\n").into())],
        usize::MAX,
        usize::MAX,
        NEVER,
    );
    assert_eq!(served.lines, [format!("client time: {T1}")]);
    assert!(served.written.ends_with('\n'));
}
