//! The time service end to end — book chapters 4 and 5: the built `04_time_server` and `05_time_client`
//! run as processes, talking over loopback; raw sockets play the misbehaving clients.
//!
//! Every server listens on `127.0.0.1:0` and the test reads the port from its first line.
//! Every process is killed and waited for when its `Running` (or assert_cmd's command) ends,
//! also when an assertion fails.

mod common;

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use common::{PATIENCE, Running, example, example_command};
use predicates::prelude::*;

const T1: &str = "2026-11-25 09:50:00";
const T2: &str = "2026-11-25 09:50:01";
const T3: &str = "2026-11-25 09:50:02";

/// A server line about one timestamp: `[127.0.0.1:PORT] client time: YYYY-MM-DD HH:MM:SS`.
const CLIENT_TIME: &str = "[127.0.0.1:PORT] client time: YYYY-MM-DD HH:MM:SS";

/// Whether `line` has the shape of [`CLIENT_TIME`], the timestamp checked by the library's parser.
fn is_client_time_line(line: &str) -> bool {
    let Some((peer, time)) = line.split_once("] client time: ") else {
        return false;
    };
    let time = time.split_once(" (").map_or(time, |(time, _note)| time); // the clock note
    let port = peer
        .strip_prefix("[127.0.0.1:")
        .and_then(|port| port.parse::<u16>().ok());
    port.is_some() && net_basics::time_protocol::Timestamp::parse(time.as_bytes()).is_some()
}

/// Starts the server on a free port with `extra` arguments; returns it and its address.
fn start_server(extra: &[&str]) -> (Running, SocketAddr) {
    let mut command = example_command("04_time_server");
    command.arg("127.0.0.1:0").args(extra);
    let server = Running::spawn(command);
    let addr = server.listening_address();
    (server, addr)
}

/// The time client as assert_cmd runs it: to completion, killed if it takes longer than PATIENCE.
fn client(addr: SocketAddr, extra: &[&str]) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(example("05_time_client"));
    command.arg(addr.to_string()).args(extra).timeout(PATIENCE);
    command
}

/// A raw connection to the server that sends each write at once and never waits forever.
fn connect(addr: SocketAddr) -> (TcpStream, String) {
    let stream = TcpStream::connect(addr).expect("connect to the server under test");
    stream.set_nodelay(true).expect("set TCP_NODELAY");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("set a read timeout");
    let me = stream
        .local_addr()
        .expect("a connected socket has an address");
    (stream, format!("[{me}]"))
}

/// Reads server lines until `peer` prints a line containing `wanted`; returns `peer`'s lines.
fn lines_of(server: &Running, peer: &str, wanted: &str) -> Vec<String> {
    let seen = server.lines_until(&format!("{peer} … {wanted}"), |line| {
        line.starts_with(peer) && line.contains(wanted)
    });
    seen.into_iter()
        .filter(|line| line.starts_with(&format!("{peer} ")))
        .map(without_clock_note)
        .collect()
}

/// A server line without the note after a client time (`(3 s ahead of this server)`, which
/// depends on today's date; tests/classroom.rs checks it).
fn without_clock_note(line: String) -> String {
    match line.split_once(" client time: ") {
        Some((peer, time)) if time.len() > 19 => format!("{peer} client time: {}", &time[..19]),
        _ => line,
    }
}

#[test]
fn a_client_sends_three_timestamps_and_the_server_prints_each() {
    let (server, addr) = start_server(&[]);
    let assert = client(addr, &["--count", "3", "--interval", "0.05"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let sent: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("sent "))
        .collect();
    assert_eq!(
        sent.len(),
        3,
        "the client should print the 3 timestamps it sent: {stdout}"
    );

    let seen = server.lines_until("the client's disconnect", |line| {
        line.contains("disconnected after")
    });
    let times: Vec<&String> = seen
        .iter()
        .filter(|line| line.contains("client time:"))
        .collect();
    assert_eq!(
        times.len(),
        3,
        "expected exactly 3 `client time:` lines, got {seen:#?}"
    );
    for (line, sent) in times.iter().zip(&sent) {
        assert!(
            is_client_time_line(line),
            "a client time line should look like {CLIENT_TIME}: {line:?}"
        );
        assert!(
            line.contains(sent),
            "the server should print what was sent ({sent}): {line:?}"
        );
    }
    let last = seen.last().expect("lines_until returns the matching line");
    assert!(
        last.ends_with("disconnected after 3 timestamps"),
        "expected `disconnected after 3 timestamps`, got {last:?}"
    );
}

#[test]
fn two_clients_at_once_are_both_served() {
    let (server, addr) = start_server(&[]);
    let start_client = || {
        let mut command = example_command("05_time_client");
        command.args([&addr.to_string(), "--count", "5", "--interval", "0.05"]);
        Running::spawn(command)
    };
    let mut first = start_client();
    let mut second = start_client();
    let mut seen = Vec::new();
    for _ in 0..2 {
        seen.extend(server.lines_until("two clients' disconnects", |line| {
            line.contains("disconnected after")
        }));
    }
    let peers: std::collections::BTreeSet<&str> = seen
        .iter()
        .filter_map(|line| line.split(' ').next())
        .collect();
    assert_eq!(
        peers.len(),
        2,
        "expected lines from two clients, got {seen:#?}"
    );
    for peer in peers {
        let times = seen
            .iter()
            .filter(|line| line.starts_with(peer) && line.contains(" client time: "))
            .count();
        assert_eq!(times, 5, "expected 5 timestamps from {peer}, got {seen:#?}");
        let bye = format!("{peer} disconnected after 5 timestamps");
        assert!(seen.contains(&bye), "expected {bye:?} in {seen:#?}");
    }
    for (client, which) in [(&mut first, "first"), (&mut second, "second")] {
        let status = client.exit_status(&format!("the {which} client"));
        assert!(
            status.success(),
            "the {which} client (--count 5) should exit 0 after its 5 timestamps, got {status}; \
             the server printed {seen:#?}"
        );
    }
}

#[test]
fn bare_timestamps_in_one_write_are_three_lines() {
    // The lesson's original client sends 19-byte timestamps with no delimiter; three that
    // arrive in one read are still three messages.
    let (server, addr) = start_server(&[]);
    let (mut stream, peer) = connect(addr);
    stream
        .write_all(format!("{T1}{T2}{T3}").as_bytes())
        .expect("send three timestamps in one write");
    stream
        .shutdown(Shutdown::Write)
        .expect("close our sending side");
    let lines = lines_of(&server, &peer, "disconnected");
    assert_eq!(
        lines,
        [
            format!("{peer} connected"),
            format!("{peer} client time: {T1}"),
            format!("{peer} client time: {T2}"),
            format!("{peer} client time: {T3}"),
            format!("{peer} disconnected after 3 timestamps"),
        ],
        "three timestamps glued together in one write should print as three lines"
    );
}

#[test]
fn the_lessons_bare_timestamps_with_junk_between_lose_nothing() {
    // The lesson's client style, with a student's `str(datetime.now())` in the middle: its
    // microseconds are junk, and without a delimiter the next timestamps must still print.
    let (server, addr) = start_server(&[]);
    let (mut stream, peer) = connect(addr);
    for chunk in [T1, "2026-11-25 09:50:00.123456", T2, "hello", T3] {
        stream.write_all(chunk.as_bytes()).expect("send a chunk");
        thread::sleep(Duration::from_millis(20)); // one chunk per second, in the lesson
    }
    stream
        .shutdown(Shutdown::Write)
        .expect("close our sending side");
    let lines = lines_of(&server, &peer, "disconnected");
    assert_eq!(
        lines,
        [
            format!("{peer} connected"),
            format!("{peer} client time: {T1}"),
            format!("{peer} client time: 2026-11-25 09:50:00"),
            format!("{peer} not a timestamp: \".123456\""),
            format!("{peer} client time: {T2}"),
            format!("{peer} not a timestamp: \"hello\""),
            format!("{peer} client time: {T3}"),
            format!("{peer} disconnected after 4 timestamps"),
        ],
        "without a delimiter the server resynchronises at the next timestamp: nothing valid is \
         lost, the junk between is reported — see book chapter 4, 'Framing'"
    );
}

#[test]
fn one_timestamp_in_two_writes_is_one_line() {
    let (server, addr) = start_server(&[]);
    let (mut stream, peer) = connect(addr);
    stream
        .write_all(b"2026-11-25 09:")
        .expect("send the first half");
    stream.flush().expect("flush");
    thread::sleep(Duration::from_millis(50)); // the halves arrive in two reads
    stream.write_all(b"50:00\n").expect("send the second half");
    let lines = lines_of(&server, &peer, "client time:");
    assert_eq!(
        lines.len(),
        2,
        "expected `connected` then one line, got {lines:#?}"
    );
    assert_eq!(
        lines[1],
        format!("{peer} client time: {T1}"),
        "expected one line with the whole timestamp, got {lines:#?}"
    );
    stream
        .shutdown(Shutdown::Write)
        .expect("close our sending side");
    let bye = lines_of(&server, &peer, "disconnected");
    assert_eq!(
        bye,
        [format!("{peer} disconnected after 1 timestamp")],
        "after our end of stream, one line counting the one timestamp (singular) — chapter 4"
    );
}

#[test]
fn invalid_utf8_is_reported_and_the_connection_goes_on() {
    let (server, addr) = start_server(&[]);
    let (mut stream, peer) = connect(addr);
    // "café" with its two-byte é split across two writes, then a byte that is never UTF-8.
    stream.write_all(b"caf\xc3").expect("send the first part");
    thread::sleep(Duration::from_millis(30)); // the halves of é arrive in two reads
    stream
        .write_all(b"\xa9 \xff\n")
        .expect("send the rest, and a byte that is never UTF-8");
    stream
        .write_all(format!("{T1}\n").as_bytes())
        .expect("send a timestamp");
    let lines = lines_of(&server, &peer, "client time:");
    assert_eq!(
        lines[1],
        format!("{peer} not a timestamp: \"café \\xff\""),
        "expected the bad line escaped, the split é whole: {lines:#?}"
    );
    assert_eq!(
        lines[2],
        format!("{peer} client time: {T1}"),
        "the same connection's next timestamp should still print: {lines:#?}"
    );
}

#[test]
fn a_line_too_long_closes_that_connection_only() {
    let (server, addr) = start_server(&[]);
    let (mut patient, patient_peer) = connect(addr);
    patient
        .write_all(format!("{T1}\n").as_bytes())
        .expect("send");
    lines_of(&server, &patient_peer, "client time:");

    let (mut flood, flood_peer) = connect(addr);
    // The server closes this connection after 1 KiB, so the write fails part way: fine.
    let _ = flood.write_all(&vec![b'x'; 1024 * 1024]);
    let closed = lines_of(&server, &flood_peer, "closed:");
    let last = closed.last().expect("lines_of returns the matching line");
    assert!(
        last.contains("line too long"),
        "expected the server to say why it closed the connection: {last:?}"
    );
    // The flooding client is told too, unless the close overtook the message (a reset).
    let mut told = Vec::new();
    match flood.read_to_end(&mut told) {
        Ok(_) => assert!(
            String::from_utf8_lossy(&told).contains("line too long"),
            "expected the client to be told why: {:?}",
            String::from_utf8_lossy(&told)
        ),
        // A reset: Linux and macOS say ConnectionReset; Windows may say ConnectionAborted
        // (WSAECONNABORTED, 10053) when its own stack gave up on the connection first.
        Err(err) => assert!(
            matches!(
                err.kind(),
                io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
            ),
            "reading after the server closed a too-long line should give its message, an end \
             of stream or a reset, got: {err}"
        ),
    }

    patient
        .write_all(format!("{T2}\n").as_bytes())
        .expect("send");
    let lines = lines_of(&server, &patient_peer, "client time:");
    assert!(
        lines[0].contains(T2),
        "the other client should still be served: {lines:#?}"
    );
}

#[test]
fn past_max_clients_a_new_client_is_told_and_closed() {
    let (server, addr) = start_server(&["--max-clients", "1"]);
    let (mut first, first_peer) = connect(addr);
    first.write_all(format!("{T1}\n").as_bytes()).expect("send");
    lines_of(&server, &first_peer, "client time:");

    let (mut extra, extra_peer) = connect(addr);
    let mut told = String::new();
    extra
        .read_to_string(&mut told)
        .expect("the extra client is told, then the connection is closed");
    assert!(
        told.starts_with("server busy:") && told.contains("--max-clients"),
        "expected one line saying why, got {told:?}"
    );
    let refused = lines_of(&server, &extra_peer, "refused");
    assert!(
        refused[0].contains("--max-clients"),
        "the server's line about a refused client should name --max-clients, the option to \
         raise: {refused:#?}"
    );

    first.write_all(format!("{T2}\n").as_bytes()).expect("send");
    let lines = lines_of(&server, &first_peer, "client time:");
    assert!(
        lines[0].contains(T2),
        "the first client should still be served: {lines:#?}"
    );

    // When the first client leaves, its place is free for the next one.
    first
        .shutdown(Shutdown::Write)
        .expect("close our sending side");
    lines_of(&server, &first_peer, "disconnected after 2 timestamps");
    let (mut next, next_peer) = connect(addr);
    next.write_all(format!("{T3}\n").as_bytes()).expect("send");
    let lines = lines_of(&server, &next_peer, "client time:");
    assert!(
        lines[1].contains(T3),
        "a freed place should be usable: {lines:#?}"
    );
}

#[test]
fn a_client_without_a_server_says_how_to_start_one() {
    // A port that was free a moment ago: nobody listens there now.
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        listener
            .local_addr()
            .expect("a bound listener has an address")
    };
    // Exactly the sentence of src/explain.rs, on one line, and it names the command to run.
    let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
    let expected = format!("{}\n", net_basics::explain::connect_error(addr, &refused));
    assert!(
        expected.starts_with(&format!("could not connect to {addr}: connection refused"))
            && expected.contains("start it with `cargo run --example 04_time_server"),
        "the explanation should name the address and the command to run: {expected}"
    );
    client(addr, &["--count", "1"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(expected);
}

#[test]
fn a_client_closed_with_its_timestamp_unread_still_shows_what_the_server_said() {
    // A server that refuses a client *after* its first timestamp arrived: it says why and
    // closes with that timestamp unread, so its side answers with a reset, not a plain end of
    // stream. The client must still show the reason (as it does for an orderly close).
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let refuser = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept the client");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("set a read timeout");
        let mut first = [0u8; 1];
        let _ = stream.peek(&mut first); // wait for the timestamp, and leave it unread
        let _ = stream.write_all(b"server busy: a test that refuses everyone\n");
    }); // the stream is dropped with unread data: the OS sends a reset

    let assert = client(addr, &["--count", "20", "--interval", "0.1"])
        .assert()
        .code(1);
    refuser.join().expect("the refusing server thread ends");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    let reason = "it said: \"server busy: a test that refuses everyone\"";
    if cfg!(windows) {
        // Windows throws away received bytes that the program has not read yet when a reset
        // arrives (RFC 9293, 3.10.7.4: on a reset "all segment queues should be flushed";
        // Linux and macOS let the program read them first). There the reason may be lost, and
        // the client can only say that the server went away. A server whose last words must
        // arrive reads what the client sent before it closes (example 04 does).
        assert!(
            stderr.contains(reason) || stderr.contains(&format!("the server at {addr} went away")),
            "the client should show the server's reason, or say that it went away: {stderr:?}"
        );
    } else {
        assert!(
            stderr.contains(reason),
            "bytes that arrived before the reset are read first: {stderr:?}"
        );
    }
}

#[test]
fn a_client_whose_server_is_killed_says_so_in_one_line() {
    let (mut server, addr) = start_server(&[]);
    let mut command = example_command("05_time_client");
    command.args([&addr.to_string(), "--interval", "0.05"]);
    let mut client = Running::spawn(command);
    server.lines_until("a timestamp from the client", |line| {
        line.contains("client time:")
    });
    server.kill();

    let status = client.exit_status("the client after its server was killed");
    let stderr = client.stderr_text();
    assert_eq!(
        status.code(),
        Some(1),
        "expected exit code 1; stderr: {stderr}"
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "expected one line, got {stderr:?}"
    );
    assert!(
        stderr.contains(&format!("the server at {addr} went away")),
        "the client should say which server went away (src/explain.rs, connection_lost), \
         got {stderr:?}"
    );
    assert!(!stderr.contains("panicked"), "no panic: {stderr:?}");
}

#[test]
fn a_client_that_is_stopped_is_reported_and_the_server_goes_on() {
    let (server, addr) = start_server(&[]);
    let mut command = example_command("05_time_client");
    command.args([&addr.to_string(), "--interval", "0.05"]);
    let mut client = Running::spawn(command);
    server.lines_until("a timestamp from the client", |line| {
        line.contains("client time:")
    });
    // Like Ctrl-C: the process ends, and the OS closes its connection.
    client.kill();
    server.lines_until("the client's disconnect", |line| {
        line.contains("disconnected after")
    });
    let (mut stream, peer) = connect(addr);
    stream
        .write_all(format!("{T1}\n").as_bytes())
        .expect("send");
    lines_of(&server, &peer, "client time:");
}

#[test]
fn a_killed_server_restarts_at_once_on_the_same_port() {
    let (mut server, addr) = start_server(&[]);
    let (mut stream, peer) = connect(addr);
    stream
        .write_all(format!("{T1}\n").as_bytes())
        .expect("send");
    lines_of(&server, &peer, "client time:");
    server.kill();
    // The old connection still holds the port; SO_REUSEADDR lets the new server bind anyway.
    let mut command = example_command("04_time_server");
    command.arg(addr.to_string());
    let restarted = Running::spawn(command);
    assert_eq!(
        restarted.listening_address(),
        addr,
        "the restarted server should bind {addr}"
    );
    drop(stream);
}

#[test]
fn a_port_in_use_is_explained_in_one_line() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let addr = taken.local_addr().expect("a bound listener has an address");
    assert_cmd::Command::new(example("04_time_server"))
        .arg(addr.to_string())
        .timeout(PATIENCE)
        .assert()
        .failure()
        .stdout("")
        .stderr(
            predicate::str::contains(format!("{addr} is already in use"))
                .and(predicate::str::contains("panicked").not())
                .and(predicate::function(|text: &str| text.lines().count() == 1)),
        );
}
