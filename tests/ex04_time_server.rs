//! Exercise 4: `handle_client`, the server's loop — book chapter 5, "Exercise 4: the server's loop".
//!
//! TCP delivers a byte stream: the same bytes may arrive in one `read` or one byte per `read`.
//! These tests feed `handle_client` the same bytes in many different pieces and expect the same
//! lines every time.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// The file under test: your `exercises/ex04_time_server.rs`, or with `--features solutions` the
// reference `solutions/ex04_time_server.rs`. Only this one file is compiled here, so a mistake in another
// exercise never stops these tests.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/ex04_time_server.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/ex04_time_server.rs")]
mod ex04_time_server;
use ex04_time_server::handle_client;

/// A reader that hands out the given pieces one per `read` (as a socket hands out what has
/// arrived), then ends the stream — or fails with `then_fail`, like a reset connection.
struct Pieces {
    pieces: VecDeque<Vec<u8>>,
    then_fail: Option<io::ErrorKind>,
}

impl Pieces {
    fn new(pieces: Vec<Vec<u8>>) -> Pieces {
        Pieces {
            // An empty piece would read as end-of-stream: leave those out.
            pieces: pieces
                .into_iter()
                .filter(|piece| !piece.is_empty())
                .collect(),
            then_fail: None,
        }
    }
}

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(mut piece) = self.pieces.pop_front() else {
            return match self.then_fail.take() {
                Some(kind) => Err(io::Error::from(kind)),
                None => Ok(0), // end of stream
            };
        };
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        if n < piece.len() {
            self.pieces.push_front(piece.split_off(n));
        }
        Ok(n)
    }
}

/// How long `handle_client` may take on a few bytes before the test gives up on it.
const PATIENCE: Duration = Duration::from_secs(5);

/// Runs `handle_client` on another thread, so that one that never returns fails the test with a
/// hint instead of hanging it. Returns what it returned and what it wrote.
fn handle_client_in_time(reader: impl Read + Send + 'static) -> (io::Result<usize>, Vec<u8>) {
    let (done, finished) = mpsc::channel();
    let worker = thread::spawn(move || {
        let mut out = Vec::new();
        let result = handle_client(reader, &mut out);
        let _ = done.send((result, out));
    });
    match finished.recv_timeout(PATIENCE) {
        Ok(returned) => returned,
        // The thread ended without sending: handle_client panicked (say, its `todo!()`), and
        // that panic is what the test should report.
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => panic::resume_unwind(panic),
            Ok(()) => unreachable!("the thread sends before it ends"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "handle_client did not return within {PATIENCE:?}: after the client's last byte, \
             `read` returns 0 — that is the end of the stream, stop reading and return the count; \
             reading on spins forever (book chapter 5, failure 3)"
        ),
    }
}

/// Runs `handle_client` on `pieces`; returns the count and the lines it wrote.
fn serve(pieces: Vec<Vec<u8>>) -> (usize, Vec<String>) {
    let (count, out) = handle_client_in_time(Pieces::new(pieces));
    let count = count.expect("handle_client should return Ok at the end of the stream");
    let text = String::from_utf8(out).expect("handle_client should write UTF-8 text");
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "every line written should end with \\n, got {text:?} — see book chapter 5"
    );
    (count, text.lines().map(str::to_owned).collect())
}

/// The ways the same bytes may arrive: whole, byte by byte, in pieces of a few sizes, and split
/// in two at every position.
fn deliveries(stream: &[u8]) -> Vec<(String, Vec<Vec<u8>>)> {
    let mut ways = vec![("in one read".to_owned(), vec![stream.to_vec()])];
    for size in [1, 2, 3, 7, 19, 20] {
        let pieces = stream.chunks(size).map(<[u8]>::to_vec).collect();
        ways.push((format!("in pieces of {size} bytes"), pieces));
    }
    for at in 1..stream.len() {
        let (head, tail) = stream.split_at(at);
        ways.push((
            format!("split after byte {at}"),
            vec![head.to_vec(), tail.to_vec()],
        ));
    }
    ways
}

const T1: &str = "2026-11-25 09:50:00";
const T2: &str = "2026-11-25 09:50:01";
const T3: &str = "2026-11-25 09:50:02";

/// Serves `stream` delivered in every way of [`deliveries`] and expects the same lines and count
/// each time. `what` names the case in the failure message.
fn expect_lines(what: &str, stream: &[u8], expected_lines: &[String], expected_count: usize) {
    for (how, pieces) in deliveries(stream) {
        let (count, lines) = serve(pieces);
        assert_eq!(
            lines, expected_lines,
            "for {what}, delivered {how}: expected these lines — TCP is a byte stream, so \
             the lines must not depend on how the bytes arrive (see book chapter 5)"
        );
        assert_eq!(
            count, expected_count,
            "for {what}, delivered {how}: expected {expected_count} timestamps counted — \
             only lines that are timestamps count (see book chapter 5)"
        );
    }
}

fn time_line(timestamp: &str) -> String {
    format!("client time: {timestamp}")
}

fn not_a_timestamp(shown: &str) -> String {
    format!("not a timestamp: {shown}")
}

#[test]
fn one_line_per_timestamp_ending_in_newline() {
    expect_lines(
        "three timestamps, each ending in \\n",
        format!("{T1}\n{T2}\n{T3}\n").as_bytes(),
        &[time_line(T1), time_line(T2), time_line(T3)],
        3,
    );
}

#[test]
fn crlf_endings_are_newlines_too() {
    expect_lines(
        "\\r\\n endings (as telnet and Windows send them)",
        format!("{T1}\r\n{T2}\r\n").as_bytes(),
        &[time_line(T1), time_line(T2)],
        2,
    );
}

#[test]
fn a_line_that_is_not_a_timestamp_is_reported_and_not_counted() {
    expect_lines(
        "a line that is not a timestamp, then one that is",
        format!("hello\n{T1}\n").as_bytes(),
        &[not_a_timestamp("\"hello\""), time_line(T1)],
        1,
    );
    expect_lines(
        "a time without seconds (%H:%M) and an impossible month",
        b"2026-11-25 09:50\n2026-13-01 00:00:00\n",
        &[
            not_a_timestamp("\"2026-11-25 09:50\""),
            not_a_timestamp("\"2026-13-01 00:00:00\""),
        ],
        0,
    );
}

#[test]
fn bytes_that_are_not_text_are_shown_safely_and_never_stop_the_server() {
    expect_lines(
        "bytes that are not UTF-8, then a timestamp",
        &[b"\xff\xfe oops\n".as_slice(), T1.as_bytes(), b"\n"].concat(),
        &[not_a_timestamp("\"\u{fffd}\u{fffd} oops\""), time_line(T1)],
        1,
    );
    expect_lines(
        "a two-byte character (é), which some deliveries split in half",
        format!("café\n{T1}\n").as_bytes(),
        &[not_a_timestamp("\"café\""), time_line(T1)],
        1,
    );
    expect_lines(
        "a control character (escape) in a line",
        b"\x1b[2J\n",
        &[not_a_timestamp("\"\\u{1b}[2J\"")],
        0,
    );
}

#[test]
fn blank_lines_and_spaces_around_a_timestamp_are_skipped() {
    expect_lines(
        "blank lines and spaces around a timestamp",
        format!("\n\r\n   \n  {T1}  \n").as_bytes(),
        &[time_line(T1)],
        1,
    );
}

#[test]
fn the_end_of_the_stream_ends_the_last_line() {
    expect_lines(
        "a stream that ends in the middle of a message",
        format!("{T1}\n2026-11-").as_bytes(),
        &[time_line(T1), not_a_timestamp("\"2026-11-\"")],
        1,
    );
    expect_lines(
        "a last timestamp without \\n (the end of the stream ends the line)",
        format!("{T1}\n{T2}").as_bytes(),
        &[time_line(T1), time_line(T2)],
        2,
    );
    expect_lines("an empty stream", b"", &[], 0);
}

#[test]
fn a_reset_connection_is_an_error_not_an_end() {
    let mut reader = Pieces::new(vec![format!("{T1}\n").into_bytes()]);
    reader.then_fail = Some(io::ErrorKind::ConnectionReset);
    let (result, out) = handle_client_in_time(reader);
    let kind = result.as_ref().map_err(io::Error::kind);
    assert_eq!(
        kind,
        Err(io::ErrorKind::ConnectionReset),
        "expected the read error ConnectionReset to be returned, got {result:?} — a reset \
         connection did not end normally, and the server should say so (see book chapter 5)"
    );
    assert_eq!(
        String::from_utf8_lossy(&out),
        format!("client time: {T1}\n"),
        "expected the timestamp received before the reset to be written already (chapter 5)"
    );
}

#[test]
fn serves_a_real_connection_over_loopback() {
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
        client.write_all(format!("{T1}\n2026-11-25 ").as_bytes())?;
        thread::sleep(Duration::from_millis(30)); // the second half arrives in a later read
        client.write_all(b"09:50:01\nhello\n")?;
        Ok(()) // dropping `client` closes the connection: the server reads 0 bytes
    });
    let (count, out) = handle_client_in_time(server_side);
    sender
        .join()
        .expect("the sending thread does not panic")
        .expect("the test client can write to the server");
    let count = count.expect("handle_client returns Ok when the client closes the connection");
    assert_eq!(
        String::from_utf8_lossy(&out),
        format!("client time: {T1}\nclient time: {T2}\nnot a timestamp: \"hello\"\n"),
        "expected one line per message, the second one sent in two parts — see book chapter 5"
    );
    assert_eq!(
        count, 2,
        "expected 2 timestamps counted over a real socket (chapter 5)"
    );
}
