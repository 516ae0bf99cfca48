//! Runs every listing of the book on 127.0.0.1 (a free port), drives it as the book describes,
//! checks what it prints, and compares that with `output/*.txt` — the files the book includes.
//! `UPDATE_LISTINGS=1 cargo test -p net-basics-listings` writes them instead.
//!
//! What varies from run to run is normalised: the server's port becomes 8000, each client's
//! port (in order of appearance) 50001, 50002 …, and each local time a client sent (in order)
//! 2026-11-25 09:50:00, 09:50:01 … Every wait is bounded (`WAIT`); every child is killed.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);
const T0: &str = "2026-11-25 09:50:00";
const T1: &str = "2026-11-25 09:50:01";
const T2: &str = "2026-11-25 09:50:02";

/// A listing running as a child process, its stdout read line by line on a thread.
struct Running {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(bin: &str, args: &[&str]) -> Running {
        let mut child = Command::new(bin)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the listing starts");
        let stdout = child.stdout.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The next line, within `WAIT`, or a failure that says what was expected.
    fn line(&mut self, expecting: &str) -> String {
        let line = self.lines.recv_timeout(WAIT).unwrap_or_else(|_| {
            panic!(
                "no line {expecting:?} within {WAIT:?}; printed so far: {:#?}",
                self.seen
            )
        });
        assert!(
            line.contains(expecting),
            "expected a line with {expecting:?}, got {line:?}"
        );
        self.seen.push(line.clone());
        line
    }

    /// The server's port, from its first line (`… 127.0.0.1:PORT…`).
    fn port(&mut self) -> String {
        let line = self.line("127.0.0.1:");
        let at = line.find("127.0.0.1:").unwrap() + "127.0.0.1:".len();
        line[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    }

    /// Nothing printed for `quiet` (the listing is waiting, as the book says).
    fn nothing_for(&mut self, quiet: Duration) {
        if let Ok(line) = self.lines.recv_timeout(quiet) {
            panic!("expected no output yet, got {line:?}");
        }
    }

    fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.seen
    }

    /// Waits (bounded) for the listing to exit by itself; returns its lines and exit code.
    fn exits(mut self) -> (Vec<String>, Option<i32>, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                start.elapsed() < WAIT,
                "the listing did not exit within {WAIT:?}"
            );
            thread::sleep(Duration::from_millis(10));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(500)) {
            self.seen.push(line);
        }
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (self.seen, status.code(), stderr)
    }
}

fn connect(port: &str) -> TcpStream {
    TcpStream::connect(format!("127.0.0.1:{port}")).expect("the listing accepts connections")
}

fn send(stream: &mut TcpStream, bytes: &str) {
    stream.write_all(bytes.as_bytes()).unwrap();
}

/// Replaces what varies from run to run (see the module comment) and writes or checks the file.
fn output(name: &str, server_port: Option<&str>, lines: &[String]) {
    let mut text = lines.join("\n") + "\n";
    if let Some(port) = server_port {
        text = text.replace(&format!("127.0.0.1:{port}"), "127.0.0.1:8000");
    }
    // Client ports, in order of appearance.
    let mut ports: HashMap<String, String> = HashMap::new();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("127.0.0.1:") {
        let after = &rest[at + 10..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        out.push_str(&rest[..at + 10]);
        if digits == "8000" || digits.is_empty() {
            out.push_str(&digits);
        } else {
            let next = format!("{}", 50001 + ports.len());
            out.push_str(ports.entry(digits.clone()).or_insert(next));
        }
        rest = &after[digits.len()..];
    }
    out.push_str(rest);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("output")
        .join(name);
    if std::env::var_os("UPDATE_LISTINGS").is_some() {
        std::fs::write(&path, &out).unwrap();
    } else {
        let shown = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            shown,
            out,
            "{} (shown in the book) differs from what the listing printed now; \
             rerun with UPDATE_LISTINGS=1 if the change is intended",
            path.display()
        );
    }
}

/// Local times the client listings sent: each distinct one, in order of appearance, becomes
/// T0 + k s (the listings send one a second, so k counts seconds).
fn normalise_times(text: &str) -> String {
    let mut seen: HashMap<&str, String> = HashMap::new();
    let mut out = String::new();
    let mut i = 0;
    while i < text.len() {
        let candidate = text.get(i..i + 19);
        let is_time = candidate.is_some_and(|c| {
            c.bytes().enumerate().all(|(j, b)| match j {
                4 | 7 => b == b'-',
                10 => b == b' ',
                13 | 16 => b == b':',
                _ => b.is_ascii_digit(),
            })
        });
        if let (true, Some(time)) = (is_time, candidate) {
            let next = format!("2026-11-25 09:50:{:02}", seen.len());
            out.push_str(seen.entry(time).or_insert(next));
            i += 19;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[test]
fn listing_04_01_the_lessons_server_prints_empty_lines_for_ever() {
    let mut server = Running::start(env!("CARGO_BIN_EXE_listing_04_01"), &["127.0.0.1:0"]);
    let port = server.port();
    let mut client = connect(&port);
    server.line("connection from");
    send(&mut client, T0);
    server.line(T0);
    send(&mut client, T1);
    server.line(T1);
    drop(client); // the client leaves: every read now returns 0 bytes, at once
    for _ in 0..4 {
        assert_eq!(server.line("client time:"), "client time: ");
    }
    output("listing_04_01.txt", Some(&port), &server.stop());
}

#[test]
fn listing_04_02_stops_at_the_end_of_the_stream_but_glues_messages() {
    let mut server = Running::start(env!("CARGO_BIN_EXE_listing_04_02"), &["127.0.0.1:0"]);
    let port = server.port();
    let mut client = connect(&port);
    server.line("connection from");
    send(&mut client, T0);
    server.line(T0);
    // Three timestamps that arrive together (a busy server, a slow network): one read.
    send(&mut client, &format!("{T0}{T1}{T2}"));
    server.line(&format!("{T0}{T1}{T2}"));
    drop(client);
    server.line("left: end of stream");
    let (lines, code, _) = server.exits();
    assert_eq!(code, Some(0));
    output("listing_04_02.txt", Some(&port), &lines);
}

#[test]
fn listing_04_03_lines_work_and_the_lessons_client_gets_nothing_until_it_leaves() {
    let mut server = Running::start(env!("CARGO_BIN_EXE_listing_04_03"), &["127.0.0.1:0"]);
    let port = server.port();
    let mut client = connect(&port);
    server.line("connection from");
    send(&mut client, &format!("{T0}\n{T1}\n"));
    server.line(T0);
    server.line(T1);
    drop(client);
    server.line("left: end of stream");
    output("listing_04_03-lines.txt", Some(&port), &server.exits().0);

    // What the lesson's Python client sends: timestamps with no `\n`.
    let mut server = Running::start(env!("CARGO_BIN_EXE_listing_04_03"), &["127.0.0.1:0"]);
    let port = server.port();
    let mut client = connect(&port);
    server.line("connection from");
    for time in [T0, T1, T2] {
        send(&mut client, time);
        server.nothing_for(Duration::from_millis(200));
    }
    drop(client);
    server.line(&format!("client time: {T0}{T1}{T2}"));
    output(
        "listing_04_03-no-delimiter.txt",
        Some(&port),
        &server.exits().0,
    );
}

#[test]
fn listing_04_04_the_decoder_finds_every_message() {
    let mut server = Running::start(env!("CARGO_BIN_EXE_listing_04_04"), &["127.0.0.1:0"]);
    let port = server.port();
    let mut client = connect(&port);
    server.line("connection from");
    send(&mut client, &format!("{T0}\n{T1}\n{T2}\n")); // three in one read
    for time in [T0, T1, T2] {
        server.line(time);
    }
    send(&mut client, "2026-11-25 09:"); // one in two reads
    server.nothing_for(Duration::from_millis(200));
    send(&mut client, "51:00\n");
    server.line("client time: 2026-11-25 09:51:00");
    send(&mut client, "2026-11-25 09:51:01"); // the lesson's client: no `\n`
    server.line("client time: 2026-11-25 09:51:01");
    send(&mut client, "hello\n");
    server.line("not a timestamp: \"hello\"");
    send(&mut client, "2026-11-25 09:5"); // cut short by the end of the stream
    server.nothing_for(Duration::from_millis(200));
    drop(client);
    server.line("not a timestamp");
    server.line("left: end of stream");
    output("listing_04_04.txt", Some(&port), &server.exits().0);
}

#[test]
fn listing_04_05_serves_two_clients_at_once() {
    let mut server = Running::start(env!("CARGO_BIN_EXE_listing_04_05"), &["127.0.0.1:0"]);
    let port = server.port();
    let mut first = connect(&port);
    server.line("connected");
    send(&mut first, &format!("{T0}\n"));
    server.line(T0);
    let mut second = connect(&port);
    server.line("connected");
    send(&mut second, &format!("{T0}\n"));
    server.line(T0);
    send(&mut first, &format!("{T1}\n"));
    server.line(T1);
    send(&mut second, &format!("{T1}\n"));
    server.line(T1);
    drop(first);
    server.line("left: end of stream");
    drop(second);
    server.line("left: end of stream");
    output("listing_04_05.txt", Some(&port), &server.stop());
}

#[test]
fn listing_07_01_serves_two_clients_at_once_on_one_thread() {
    let mut server = Running::start(env!("CARGO_BIN_EXE_listing_07_01"), &["127.0.0.1:0"]);
    let port = server.port();
    let mut first = connect(&port);
    server.line("connected");
    send(&mut first, &format!("{T0}\n"));
    server.line(T0);
    let mut second = connect(&port);
    server.line("connected");
    send(&mut second, &format!("{T0}\n"));
    server.line(T0);
    send(&mut first, &format!("{T1}\n"));
    server.line(T1);
    send(&mut second, &format!("{T1}\n"));
    server.line(T1);
    drop(first);
    server.line("left: end of stream");
    drop(second);
    server.line("left: end of stream");
    output("listing_07_01.txt", Some(&port), &server.stop());
}

#[test]
fn listing_04_06_refuses_past_the_bound_and_closes_a_silent_client() {
    let args = ["127.0.0.1:0", "2", "1"]; // at most 2 clients; 1 s of silence closes one
    let mut server = Running::start(env!("CARGO_BIN_EXE_listing_04_06"), &args);
    let port = server.port();
    let mut first = connect(&port);
    server.line("connected");
    send(&mut first, &format!("{T0}\n"));
    server.line(T0);
    let mut second = connect(&port);
    server.line("connected");
    let mut third = connect(&port);
    server.line("refused: 2 clients already");
    let mut told = String::new();
    third.set_read_timeout(Some(WAIT)).unwrap();
    third.read_to_string(&mut told).unwrap();
    assert_eq!(told, "server busy: 2 clients already; try again later\n");
    send(&mut second, &format!("{T0}\n"));
    server.line(T0);
    first.shutdown(Shutdown::Write).unwrap();
    server.line("left: end of stream");
    server.line("left: silent for 1 s"); // the second client, once it has said nothing for 1 s
    let mut lines = server.stop();
    lines.push(String::new());
    lines.push(format!("(the third client read: {told:?})"));
    output("listing_04_06.txt", Some(&port), &lines);
    drop(second);
}

/// Accepts the listing client's connection and reads `want` bytes (both bounded by `WAIT`: a
/// client that never connects fails the test instead of hanging it).
fn receive(listener: &TcpListener, want: usize) -> String {
    listener.set_nonblocking(true).unwrap();
    let give_up = Instant::now() + WAIT;
    let mut stream = loop {
        match listener.accept() {
            Ok((stream, _)) => break stream,
            Err(err)
                if err.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < give_up =>
            {
                thread::sleep(Duration::from_millis(10));
            }
            Err(err) => panic!("the listing client did not connect within {WAIT:?}: {err}"),
        }
    };
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut received = vec![0; want];
    stream.read_exact(&mut received).unwrap();
    String::from_utf8(received).unwrap()
}

#[test]
fn listing_05_01_sends_timestamps_with_no_end_mark() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let mut client = Running::start(env!("CARGO_BIN_EXE_listing_05_01"), &[&addr, "1"]);
    let received = receive(&listener, 3 * 19);
    client.line("connected to the server");
    let lines = client.stop();
    let mut shown = lines.clone();
    shown.push(String::new());
    shown.push(format!(
        "the server received, in 3 × 19 bytes: {received:?}"
    ));
    output(
        "listing_05_01.txt",
        None,
        &[normalise_times(&shown.join("\n"))],
    );
}

#[test]
fn listing_05_02_ends_each_timestamp_and_explains_a_refused_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let client = Running::start(env!("CARGO_BIN_EXE_listing_05_02"), &[&addr, "3", "1"]);
    let received = receive(&listener, 3 * 20);
    let (lines, code, _) = client.exits();
    assert_eq!(code, Some(0));
    let mut shown = lines.clone();
    shown.push(String::new());
    shown.push(format!("the server received: {received:?}"));
    let shown = normalise_times(&shown.join("\n")).replace(&addr, "127.0.0.1:8000");
    output("listing_05_02.txt", None, &[shown]);

    // No server: a port that was free a moment ago.
    let free = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let client = Running::start(env!("CARGO_BIN_EXE_listing_05_02"), &[&free, "3", "0.1"]);
    let (_, code, stderr) = client.exits();
    assert_eq!(code, Some(1), "a refused connection exits with 1");
    output(
        "listing_05_02-refused.txt",
        None,
        &[stderr.trim_end().replace(&free, "127.0.0.1:8000")],
    );
}

// Step 6's peers (chronyd on loopback, a fake server), shared with the crate's own tests.
#[path = "../../tests/common/ntp.rs"]
mod ntp;

/// Like `output`, for runs whose numbers (times, ports) differ from run to run: compared with
/// the file with every digit and sign masked, written whole with `UPDATE_LISTINGS=1`.
fn output_numbers_aside(name: &str, text: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("output")
        .join(name);
    if std::env::var_os("UPDATE_LISTINGS").is_some() {
        std::fs::write(&path, text).unwrap();
        return;
    }
    let mask = |text: &str| text.replace(|c: char| c.is_ascii_digit() || "+-".contains(c), "0");
    let shown = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        mask(&shown),
        mask(text),
        "{} (shown in the book) differs from what the listing printed now, numbers aside; \
         rerun with UPDATE_LISTINGS=1 if the change is intended",
        path.display()
    );
}

#[test]
fn listing_06_01_asks_chronyd_for_the_time_and_fails_with_a_raw_error_when_nothing_listens() {
    if let Some(chrony) = ntp::chrony_for("listings", "listing_06_01") {
        let addr = chrony.addr.to_string();
        let listing = Running::start(env!("CARGO_BIN_EXE_listing_06_01"), &[&addr]);
        let (lines, code, stderr) = listing.exits();
        assert_eq!(
            code,
            Some(0),
            "the listing got its answer; stderr: {stderr}"
        );
        assert!(lines[0].starts_with("48 bytes from"), "{lines:?}");
        let text = format!("$ listing_06_01 {addr}\n{}\n", lines.join("\n"));
        output_numbers_aside("listing_06_01.txt", &text.replace(&addr, "127.0.0.1:11123"));
    }
    // Nothing listens: the kernel answers "port unreachable", and `?` in `main` prints the error.
    let free = UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .unwrap()
        .to_string();
    let listing = Running::start(env!("CARGO_BIN_EXE_listing_06_01"), &[&free]);
    let (_, code, stderr) = listing.exits();
    assert_eq!(code, Some(1), "an error returned from main exits with 1");
    assert!(stderr.contains("ConnectionRefused"), "{stderr}");
    let text = format!(
        "$ listing_06_01 {free}   # nothing listens there\n{}",
        stderr
    );
    output_numbers_aside(
        "listing_06_01-refused.txt",
        &text.replace(&free, "127.0.0.1:11123"),
    );
}
