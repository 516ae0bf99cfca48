//! Faults: the time server (`examples/04_time_server.rs`) under bad clients and failure.
//!
//! Each test starts the real server on `127.0.0.1:0`, reads the port from its first line, and
//! plays a client that misbehaves the way real networks do: it stays silent, it resets the
//! connection in the middle of a message, it splits a UTF-8 character across two writes, it
//! comes with too many friends — or the server itself dies. The server must report what
//! happened in one line and keep serving everyone else (book chapter 5).
//!
//! Fast and bounded: every wait gives up after `common::PATIENCE`, no sleep is longer than a
//! fraction of a second, and every process is killed and waited for, even when a test fails.

mod common;

use std::cell::Cell;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use chrono::Local;
use common::{PATIENCE, Running};
use net_basics::time_protocol::FORMAT;
use socket2::SockRef;

/// The server as a running process: its stdout lines (in `running`) and its stderr lines.
struct Server {
    running: Running,
    stderr: Receiver<String>,
    addr: SocketAddr,
}

impl Server {
    /// Starts `04_time_server 127.0.0.1:0` with `extra` arguments; waits for `listening on`.
    fn start(extra: &[&str]) -> Server {
        Server::start_at("127.0.0.1:0", extra)
    }

    fn start_at(addr: &str, extra: &[&str]) -> Server {
        let mut command = common::example_command("04_time_server");
        command.arg(addr).args(extra);
        let mut running = Running::spawn(command);
        let stderr = read_lines(running.child.stderr.take().expect("Running pipes stderr"));
        let addr = running.listening_address();
        Server {
            running,
            stderr,
            addr,
        }
    }

    /// Reads stdout until a line satisfies `wanted` (fails after PATIENCE); returns all lines read.
    fn until(&self, what: &str, wanted: impl Fn(&str) -> bool) -> Vec<String> {
        self.running.lines_until(what, wanted)
    }

    /// Waits for a line (stdout or stderr) containing any of `needles`, ignoring case.
    fn reports_any(&self, needles: &[&str], what: &str) -> String {
        let give_up = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        let wanted = |line: &str| {
            let line = line.to_lowercase();
            needles
                .iter()
                .any(|needle| line.contains(&needle.to_lowercase()))
        };
        while Instant::now() < give_up {
            for lines in [&self.running.lines, &self.stderr] {
                match lines.recv_timeout(Duration::from_millis(20)) {
                    Ok(line) if wanted(&line) => return line,
                    Ok(line) => seen.push(line),
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
                }
            }
        }
        panic!(
            "waited {PATIENCE:?} for {what} (a line mentioning any of {needles:?}); the server printed: {seen:#?}"
        )
    }

    /// True while the server process runs.
    fn alive(&mut self) -> bool {
        matches!(self.running.child.try_wait(), Ok(None))
    }
}

fn read_lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = std::io::BufReader::new(pipe);
        let mut line = String::new();
        while matches!(std::io::BufRead::read_line(&mut reader, &mut line), Ok(n) if n > 0) {
            if sender.send(line.trim_end().to_string()).is_err() {
                break;
            }
            line.clear();
        }
    });
    receiver
}

/// Connects a client and turns Nagle off, so each `write` leaves as its own segment.
fn client(addr: SocketAddr) -> (TcpStream, String) {
    let stream = TcpStream::connect(addr).expect("the server accepts connections on loopback");
    stream.set_nodelay(true).expect("TCP_NODELAY can be set");
    let peer = stream
        .local_addr()
        .expect("a connected socket has a local address");
    (stream, format!("[{peer}]"))
}

/// The current local time as the protocol sends it, with its `\n`.
fn timestamp_line() -> String {
    format!("{}\n", Local::now().format(FORMAT))
}

fn send(stream: &mut TcpStream, bytes: &[u8]) {
    stream
        .write_all(bytes)
        .expect("the server reads what a client sends");
}

/// Sends `count` timestamps from `stream` and waits until the server printed all of them.
fn served(server: &Server, stream: &mut TcpStream, peer: &str, count: usize, why: &str) {
    for _ in 0..count {
        send(stream, timestamp_line().as_bytes());
    }
    let printed = Cell::new(0);
    server.until(&format!("{count} timestamps from {peer} ({why})"), |line| {
        if line.starts_with(&format!("{peer} client time: ")) {
            printed.set(printed.get() + 1);
        }
        printed.get() == count
    });
}

#[test]
fn a_silent_client_does_not_hold_up_the_others() {
    let server = Server::start(&[]);
    let (silent, silent_peer) = client(server.addr);
    server.until("the silent client to be connected", |line| {
        line == format!("{silent_peer} connected")
    });

    // A thread per client: the silent one blocks only its own thread in `read`.
    let (mut talker, talker_peer) = client(server.addr);
    served(
        &server,
        &mut talker,
        &talker_peer,
        3,
        "a client that connects and sends nothing must not stop the server from serving others",
    );

    drop(silent);
    server.until("the silent client to be reported gone", |line| {
        line == format!("{silent_peer} disconnected after 0 timestamps")
    });
}

#[test]
fn a_reset_in_the_middle_of_a_message_is_reported_and_the_server_goes_on() {
    let server = Server::start(&[]);
    let (mut rude, rude_peer) = client(server.addr);
    server.until("the client to be connected", |line| {
        line == format!("{rude_peer} connected")
    });
    let line = timestamp_line();
    let half = &line[..10]; // half a timestamp: the date
    send(&mut rude, half.as_bytes());
    thread::sleep(Duration::from_millis(50)); // let the half arrive before the reset

    // SO_LINGER 0: closing now sends a reset (RST) instead of the orderly FIN.
    SockRef::from(&rude)
        .set_linger(Some(Duration::ZERO))
        .expect("SO_LINGER can be set");
    drop(rude);
    let lines = server.until(
        "the server to report the client that reset the connection",
        |line| line.starts_with(&format!("{rude_peer} disconnected after 0 timestamps")),
    );
    let rude_lines: Vec<&String> = lines
        .iter()
        .filter(|line| line.starts_with(&rude_peer))
        .collect();
    assert_eq!(
        rude_lines.len(),
        2,
        "expected the half message, then one line saying the client left: {lines:#?}"
    );
    assert_eq!(
        rude_lines[0],
        &format!("{rude_peer} not a timestamp: \"{half}\""),
        "bytes received before a reset are reported like a message cut short by a close \
         (chapter 5): nothing received goes unreported"
    );

    let (mut next, next_peer) = client(server.addr);
    served(
        &server,
        &mut next,
        &next_peer,
        2,
        "after a client reset its connection, the server must go on serving others",
    );
}

#[test]
fn a_utf8_character_split_across_two_writes_is_shown_whole() {
    let server = Server::start(&[]);
    let (mut stream, peer) = client(server.addr);
    // "é" is two bytes, C3 A9; TCP may deliver them in two reads, so decoding must wait for both.
    send(&mut stream, b"caf\xc3");
    thread::sleep(Duration::from_millis(50));
    send(&mut stream, b"\xa9\n");
    let lines = server.until("the bad line to be reported", |line| {
        line.starts_with(&format!("{peer} not a timestamp: "))
    });
    let report = lines
        .last()
        .expect("lines_until returns the matching line last");
    assert_eq!(
        report,
        &format!("{peer} not a timestamp: \"café\""),
        "a character split across two reads must be shown whole, not as two broken bytes: \
         decode lines, not reads (chapter 5)"
    );
    served(
        &server,
        &mut stream,
        &peer,
        1,
        "the connection goes on after a bad line",
    );
}

#[test]
fn connections_beyond_max_clients_are_refused_and_the_first_still_served() {
    let mut server = Server::start(&["--max-clients", "2"]);
    let (mut first, first_peer) = client(server.addr);
    let (mut second, second_peer) = client(server.addr);
    served(&server, &mut first, &first_peer, 1, "within --max-clients");
    served(
        &server,
        &mut second,
        &second_peer,
        1,
        "within --max-clients",
    );

    // A burst of 10 more: each must be closed by the server, not left hanging.
    let extras: Vec<TcpStream> = (0..10)
        .map(|_| TcpStream::connect(server.addr).expect("the kernel accepts the connection"))
        .collect();
    let mut told = 0;
    for mut extra in extras {
        let (closed, said) = read_until_closed(&mut extra);
        assert!(
            closed,
            "a connection beyond --max-clients 2 must be closed by the server within \
             {PATIENCE:?}, so the client knows at once (it said: {said:?})"
        );
        told += usize::from(!said.trim().is_empty());
    }
    if told == 0 {
        // The message may go to the server's own output instead of to the refused client.
        server.reports_any(
            &["max", "refus", "busy", "too many", "full", "limit"],
            "a message about the refused connections, since none reached the refused clients",
        );
    }

    served(&server, &mut first, &first_peer, 1, "after the burst");
    served(&server, &mut second, &second_peer, 1, "after the burst");
    assert!(
        server.alive(),
        "a burst of connections must not take the server down"
    );
}

/// Reads until the server closes the connection (EOF or reset) or PATIENCE runs out.
/// Returns whether it was closed and what the server sent first.
fn read_until_closed(stream: &mut TcpStream) -> (bool, String) {
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("a read timeout can be set");
    let give_up = Instant::now() + PATIENCE;
    let mut said = Vec::new();
    let mut buffer = [0u8; 512];
    while Instant::now() < give_up {
        match stream.read(&mut buffer) {
            Ok(0) => return (true, String::from_utf8_lossy(&said).into_owned()),
            Ok(n) => said.extend_from_slice(&buffer[..n]),
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return (true, String::from_utf8_lossy(&said).into_owned()), // reset
        }
    }
    (false, String::from_utf8_lossy(&said).into_owned())
}

#[test]
fn when_the_server_is_killed_a_sending_client_exits_1_with_one_line() {
    let mut server = Server::start(&[]);
    let mut command: Command = common::example_command("05_time_client");
    command.args([
        &server.addr.to_string(),
        "--interval",
        "0.05",
        "--count",
        "1000",
    ]);
    let mut client = Running::spawn(command);
    let printed = Cell::new(0);
    server.until("the client's first timestamps", |line| {
        printed.set(printed.get() + usize::from(line.contains("] client time: ")));
        printed.get() == 2
    });

    server.running.kill();

    let status = client.exit_status("a client whose server went away");
    let errors = client.stderr_text();
    assert_eq!(
        status.code(),
        Some(1),
        "a client whose server went away must exit with code 1; its stderr: {errors:?}"
    );
    assert_eq!(
        errors.trim_end().lines().count(),
        1,
        "a client whose server went away says so in exactly one line (no panic, no backtrace): {errors:?}"
    );
    assert!(
        !errors.contains("panicked"),
        "no panic when the server goes away: {errors:?}"
    );
}

#[test]
fn a_server_killed_with_clients_connected_can_restart_at_once_on_the_same_port() {
    let mut server = Server::start(&[]);
    let addr = server.addr;
    let mut clients: Vec<(TcpStream, String)> = (0..3).map(|_| client(addr)).collect();
    for (stream, peer) in &mut clients {
        served(&server, stream, peer, 1, "before the kill");
    }
    server.running.kill();

    // The old connections now linger on the server's side (TIME_WAIT, or CLOSE_WAIT here).
    // Without SO_REUSEADDR, binding the port again would fail for up to a minute.
    let restarted = Server::start_at(&addr.to_string(), &[]);
    assert_eq!(
        restarted.addr, addr,
        "restarted on the same address it was given, right after the kill: the server must set \
         SO_REUSEADDR (chapter 4)"
    );
    let (mut fresh, fresh_peer) = client(addr);
    served(
        &restarted,
        &mut fresh,
        &fresh_peer,
        1,
        "the restarted server serves new clients",
    );
    drop(clients);
}
