//! The time service in a classroom (issue 18) — book chapters 1, 4 and 5: the built
//! `04_time_server` and `05_time_client` as a class meets them.
//!
//! Students type `localhost`; a teacher serves the class on `0.0.0.0`; the server shows whose
//! clock is off; a full server, a server that never reads, a NUL byte and `--count 0` each get a
//! sentence a beginner can act on. Every server here listens on a loopback address with port 0
//! (the wildcard tests bind `0.0.0.0`/`[::]` for a moment: nothing is sent beyond loopback);
//! every wait gives up after `common::PATIENCE`; every process is killed when its test ends.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use chrono::{Local, TimeDelta, Timelike};
use common::{PATIENCE, Running, example_command};
use net_basics::time_protocol::FORMAT;

/// Starts the server with `args`; returns it and the address of its `listening on` line.
fn server(args: &[&str]) -> (Running, SocketAddr) {
    let mut command = example_command("04_time_server");
    command.args(args);
    let server = Running::spawn(command);
    let addr = server.listening_address();
    (server, addr)
}

/// Runs the client to its end (at most PATIENCE) with `args`; returns its exit code, stdout
/// and stderr.
fn run_client(args: &[&str]) -> (Option<i32>, String, String) {
    let mut client = Running::spawn({
        let mut command = example_command("05_time_client");
        command.args(args);
        command
    });
    let status = client.exit_status("the client");
    let stderr = client.stderr_text();
    let stdout: Vec<String> = client.lines.try_iter().collect();
    (status.code(), stdout.join("\n"), stderr)
}

/// A raw connection that sends each write at once and never waits for ever.
fn connect(addr: SocketAddr) -> (TcpStream, String) {
    let stream = TcpStream::connect(addr).expect("connect to the server under test");
    stream.set_nodelay(true).expect("set TCP_NODELAY");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("a read timeout");
    let me = stream
        .local_addr()
        .expect("a connected socket has an address");
    (stream, format!("[{me}]"))
}

// ─── 1. Names: `localhost` ───────────────────────────────────────────────────────────────────

#[test]
fn server_and_client_take_localhost_and_say_what_it_stands_for() {
    let (server, addr) = server(&["localhost:0"]);
    assert!(
        addr.ip().is_loopback(),
        "localhost stands for a loopback address (RFC 6761, 6.3), got `listening on {addr}`"
    );
    let note = server.next_line("the server's second line: what localhost stood for");
    assert!(
        note.starts_with("localhost is a name: the OS looked it up")
            && note.contains(&format!("this server listens on {addr}")),
        "after `listening on`, the server says what the name stood for and which address it \
         bound (chapter 1): {note:?}"
    );

    let port = addr.port().to_string();
    let (code, stdout, stderr) = run_client(&[&format!("localhost:{port}"), "--count", "1"]);
    assert_eq!(code, Some(0), "stdout: {stdout}\nstderr: {stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("localhost is a name: the OS looked it up")
            && lines[0].contains(&addr.ip().to_string()),
        "the client says what localhost stood for, first: {stdout}"
    );
    // The addresses are tried in turn; the one that worked is the server's.
    let connected = lines
        .iter()
        .find(|line| line.starts_with("connected to "))
        .unwrap_or_else(|| panic!("no `connected to` line: {stdout}"));
    assert!(
        connected.starts_with(&format!("connected to {addr} from ")),
        "{stdout}"
    );
    server.lines_until("the client's timestamp", |line| {
        line.contains("] client time: ")
    });
}

// ─── 2. The wildcard address: which addresses can the class use? ───────────────────────────

/// Starts the server on a wildcard address and checks that it names every non-loopback
/// address of this machine of that family (as if-addrs lists them, like example 01), then
/// loopback. Nothing to check if this machine cannot listen there (IPv6 turned off).
fn wildcard_lists_this_machines_addresses(wildcard: &str, ipv4: bool) {
    let mut command = example_command("04_time_server");
    command.arg(wildcard);
    let mut server = Running::spawn(command);
    let Ok(first) = server.lines.recv_timeout(PATIENCE) else {
        // Only a machine without IPv6 may refuse, and then it says why, in one sentence.
        let _ = server.child.kill(); // if it is still running, silent: then stderr ends too
        let stderr = server.stderr_text();
        assert!(
            !ipv4 && stderr.starts_with("cannot listen on [::]:0"),
            "04_time_server {wildcard} printed nothing: {stderr:?}"
        );
        return;
    };
    let addr: SocketAddr = first
        .strip_prefix("listening on ")
        .and_then(|addr| addr.parse().ok())
        .unwrap_or_else(|| panic!("expected `listening on ADDR`, got {first:?}"));
    let port = addr.port();
    let header = server.next_line("what the wildcard means");
    let zero = if ipv4 { "0.0.0.0" } else { "[::]" };
    assert!(
        header.starts_with(&format!("{zero} is the wildcard address"))
            && header.contains("chapter 1"),
        "the server says what the wildcard means: {header:?}"
    );
    let machine = if_addrs::get_if_addrs().expect("this machine's interfaces can be listed");
    let wanted: Vec<String> = machine
        .iter()
        .filter(|interface| interface.ip().is_ipv4() == ipv4 && !interface.is_loopback())
        .map(|interface| format!("{}", SocketAddr::new(interface.ip(), port)))
        .collect();
    let loopback = if ipv4 { "127.0.0.1" } else { "[::1]" };
    let has_loopback = machine
        .iter()
        .any(|interface| interface.ip().is_ipv4() == ipv4 && interface.is_loopback());
    if wanted.is_empty() && !has_loopback {
        // Tried in a network namespace with IPv6 turned off (`unshare -rn`, sysctl).
        assert!(
            header.contains("not even loopback: no client can connect"),
            "a machine with no {zero} address at all is told so: {header:?}"
        );
        return;
    }
    if wanted.is_empty() {
        // Tried in a network namespace with loopback only (`unshare -rn`).
        assert!(
            header.contains("but loopback")
                && header.contains(&format!(
                    "only programs on this machine can connect, at {loopback}:{port}"
                )),
            "a machine with no {zero} address but loopback is told so: {header:?}"
        );
        return;
    }
    assert!(
        header.contains(&format!("clients connect to one of these, not to {zero}")),
        "the server says that clients do not connect to {zero} itself: {header:?}"
    );
    let listed: Vec<String> = (0..=wanted.len())
        .map(|_| server.next_line("one address clients can use"))
        .collect();
    for (line, address) in listed.iter().zip(&wanted) {
        assert!(
            line.trim_start().starts_with(&format!("{address}  (")),
            "expected {address} (every non-loopback address, in if-addrs' order): {listed:#?}"
        );
    }
    assert!(
        listed[wanted.len()].contains(&format!("{loopback}:{port}  (")),
        "then loopback, for this machine only: {listed:#?}"
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "listening on 0.0.0.0 makes Windows Firewall ask for permission"
)]
fn on_0_0_0_0_the_server_names_every_ipv4_address_of_this_machine() {
    wildcard_lists_this_machines_addresses("0.0.0.0:0", true);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "listening on [::] makes Windows Firewall ask for permission"
)]
fn on_ipv6_wildcard_the_server_names_every_ipv6_address_of_this_machine() {
    wildcard_lists_this_machines_addresses("[::]:0", false);
}

// ─── 3. Whose clock is off ───────────────────────────────────────────────────────────────────

#[test]
fn each_timestamp_is_compared_with_the_servers_clock() {
    let (server, addr) = server(&["127.0.0.1:0"]);
    let (mut stream, peer) = connect(addr);
    // Whole seconds on the wire: send early in a second, so that the server reads it within
    // the same second of its clock (a message takes microseconds here).
    let now = Local::now();
    if now.nanosecond() > 500_000_000 {
        thread::sleep(Duration::from_nanos(
            1_000_000_000 - u64::from(now.nanosecond()),
        ));
    }
    let now = Local::now();
    let ahead = (now + TimeDelta::seconds(5)).format(FORMAT).to_string();
    let behind = (now - TimeDelta::seconds(5)).format(FORMAT).to_string();
    let same = now.format(FORMAT).to_string();
    // Our client's style (`\n`), then the lesson's Python client's: bare, back to back.
    let sent = format!("{ahead}\n{behind}{same}");
    stream
        .write_all(sent.as_bytes())
        .expect("send three timestamps");
    let wanted = [
        format!("{peer} client time: {ahead} (5 s ahead of this server)"),
        format!("{peer} client time: {behind} (5 s behind this server)"),
        format!("{peer} client time: {same} (same second as this server)"),
    ];
    let lines = server.lines_until("the third timestamp", |line| {
        line.starts_with(&format!("{peer} client time: {same}"))
    });
    let times: Vec<String> = lines
        .into_iter()
        .filter(|line| line.contains("client time:"))
        .collect();
    assert_eq!(
        times, wanted,
        "each timestamp keeps the lesson's line and gets a note: the client's clock against the \
         server's, in whole seconds (chapter 4)"
    );
}

// ─── 4. A full server says so, and the client shows it ───────────────────────────────────────

/// A server with `--max-clients 1` whose one place is taken by a raw connection.
fn full_server() -> (Running, SocketAddr, TcpStream) {
    let (server, addr) = server(&["127.0.0.1:0", "--max-clients", "1"]);
    let (mut first, peer) = connect(addr);
    first.write_all(b"2026-12-06 10:00:00\n").expect("send");
    server.lines_until("the first client is served", |line| {
        line.starts_with(&peer) && line.contains("client time:")
    });
    (server, addr, first)
}

#[test]
fn a_full_server_is_reported_as_busy_with_its_own_sentence() {
    let (_server, addr, _first) = full_server();
    let (code, _, stderr) = run_client(&[&addr.to_string(), "--count", "3", "--interval", "0.2"]);
    assert_eq!(code, Some(1), "a refused client fails: {stderr:?}");
    let want = format!(
        "the server at {addr} is busy; it said: \"server busy: already serving the most clients \
         allowed (--max-clients 1); try again later\""
    );
    assert_eq!(
        stderr.trim_end(),
        want,
        "one line: busy, with the server's own sentence — not `went away (Broken pipe)` \
         (chapter 5)"
    );
}

#[test]
fn a_refused_client_gets_the_sentence_and_an_orderly_close_not_a_reset() {
    // A reset would let Windows throw the sentence away before the client reads it (see
    // src/connection.rs, `refuse`). The client here sends first, as clients do: the server must
    // read that (and throw it away) before it closes, or the close would be a reset.
    let (server, addr, _first) = full_server();
    let (mut extra, peer) = connect(addr);
    extra.write_all(b"2026-12-06 10:00:01\n").expect("send");
    server.lines_until("the refusal", |line| {
        line.starts_with(&peer) && line.contains("refused")
    });
    let mut told = String::new();
    extra
        .read_to_string(&mut told)
        .expect("the sentence, then an orderly end of stream (FIN) — not a reset");
    assert!(told.starts_with("server busy: "), "{told:?}");
    // Written once more before it noticed: still read and thrown away, still no reset.
    extra
        .write_all(b"2026-12-06 10:00:02\n")
        .expect("the server still reads");
    thread::sleep(Duration::from_millis(50)); // time for a reset to come back, if one were sent
    let after = extra.read(&mut [0u8; 16]);
    assert!(matches!(after, Ok(0)), "still the end of stream: {after:?}");
}

// ─── 5. A server that accepts and never reads ────────────────────────────────────────────────

#[test]
fn a_client_whose_bytes_never_leave_this_machine_fails_and_says_how_many() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let (done, finished) = mpsc::channel::<()>();
    let lazy = thread::spawn(move || {
        listener.set_nonblocking(true).expect("non-blocking accept");
        let give_up = std::time::Instant::now() + PATIENCE;
        let accepted = loop {
            match listener.accept() {
                Ok((stream, _)) => break Some(stream),
                Err(_) if std::time::Instant::now() < give_up => {
                    thread::sleep(Duration::from_millis(5));
                }
                Err(_) => break None,
            }
        };
        let _ = finished.recv_timeout(PATIENCE); // hold it open, never read, never close
        drop(accepted);
    });
    // Does this OS tell how much is still queued? (Windows does not.)
    let probe_listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let probe =
        TcpStream::connect(probe_listener.local_addr().expect("an address")).expect("connect");
    let told = net_basics::connection::unsent_bytes(&probe).is_some();

    let child = example_command("05_time_client")
        .args([&addr.to_string(), "--count", "100000", "--interval", "0"])
        .args(["--write-timeout", "3"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the client starts");
    let (status, stderr) = common::exit_and_stderr(child, "the client of a lazy server");
    let code = status.code();
    drop(done);
    lazy.join().expect("the lazy server ends");
    if told {
        assert_eq!(
            code,
            Some(1),
            "every write succeeded, but most bytes never left this machine: that is no success \
             (chapter 5); stderr: {stderr:?}"
        );
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
        assert!(
            stderr.starts_with(&format!(
                "the server at {addr} does not read what we send: "
            )) && stderr.contains("bytes we sent")
                && stderr.contains("never left this machine")
                && stderr.contains("chapter 5"),
            "the sentence says how much was never delivered: {stderr:?}"
        );
    } else {
        // No queue to ask: the write timeout catches a server that never reads once the
        // buffers are full, or the client notes that it cannot tell.
        assert!(
            (code == Some(1) && stderr.contains("stopped reading"))
                || (code == Some(0) && stderr.contains("cannot tell")),
            "{code:?}: {stderr:?}"
        );
    }
}

// ─── 6. A NUL, and `--count 0` ───────────────────────────────────────────────────────────────

#[test]
fn a_nul_byte_is_shown_so_that_it_cannot_read_as_octal() {
    // `\0` followed by digits reads like the octal escape `\0123`; `\u{0}` cannot.
    let (server, addr) = server(&["127.0.0.1:0"]);
    let (mut stream, peer) = connect(addr);
    stream
        .write_all(b"\x00123\n")
        .expect("send a NUL and digits");
    let lines = server.lines_until("the bad line", |line| {
        line.starts_with(&peer) && line.contains("not a timestamp")
    });
    assert_eq!(
        lines.last().map(String::as_str),
        Some(&*format!("{peer} not a timestamp: \"\\u{{0}}123\"")),
        "{lines:#?}"
    );

    // The client shows what a server said the same way.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let nasty = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("the client connects");
        let _ = stream.read(&mut [0u8; 32]); // its timestamp
        let _ = stream.write_all(b"\x00123 go away\n");
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let _ = stream.set_read_timeout(Some(PATIENCE));
        let _ = stream.read(&mut [0u8; 32]); // until the client closes: an orderly close
    });
    let (code, _, stderr) = run_client(&[&addr.to_string(), "--count", "1"]);
    nasty.join().expect("the test server ends");
    assert_eq!(code, Some(1), "{stderr:?}");
    assert!(
        stderr.contains(r#"it said: "\u{0}123 go away""#),
        "NUL as \\u{{0}}: {stderr:?}"
    );
}

#[test]
fn count_0_gets_a_sentence_a_beginner_understands() {
    for (count, wanted) in [
        (
            "0",
            "--count 0 would send nothing: give how many timestamps to send",
        ),
        ("-1", "\"-1\" is not a number of timestamps"),
        ("three", "\"three\" is not a number of timestamps"),
    ] {
        let (code, stdout, stderr) = run_client(&["127.0.0.1:9", "--count", count]);
        assert_eq!((code, stdout.as_str()), (Some(2), ""), "{count}: {stderr}");
        assert!(
            stderr.contains(wanted) && !stderr.contains("18446744073709551615"),
            "--count {count}: expected {wanted:?}, not std's range: {stderr}"
        );
    }
}
