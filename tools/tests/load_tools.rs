//! The load tool (`load_test`) and the reference servers (`reference_servers`) on odd options:
//! they stop by themselves and never panic, explain bad addresses as the examples do, and say
//! what they are in `--help`.
//!
//! Each runs as a process against a listener of this test on 127.0.0.1:0, and is killed and
//! waited for even when an assertion fails (`common::Running`).

// The same process helpers as the lesson's own example tests.
#[path = "../../tests/common/mod.rs"]
mod common;

use std::io::Read;
use std::net::TcpListener;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use common::{PATIENCE, Running};

/// The load tool, built by cargo for this test (`cargo test -p net-basics-tools` builds the bins).
fn load_test() -> Command {
    Command::new(env!("CARGO_BIN_EXE_load_test"))
}

/// The reference servers, built by cargo for this test.
fn reference_servers() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reference_servers"))
}

/// A listener that accepts every connection and reads it to the end (a minimal sink).
fn sink() -> TcpListener {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free loopback port");
    let accepting = listener.try_clone().expect("clone the listener");
    thread::spawn(move || {
        for stream in accepting.incoming().flatten() {
            thread::spawn(move || {
                let mut stream = stream;
                let _ = std::io::copy(&mut stream, &mut std::io::sink());
            });
        }
    });
    listener
}

#[test]
fn the_load_tool_stops_at_its_timeout_even_with_a_huge_message_count() {
    let listener = sink();
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let mut command = load_test();
    command.args([
        &addr.to_string(),
        "--clients",
        "2",
        "--messages",
        &u64::MAX.to_string(),
        "--interval",
        "0.001",
        "--timeout",
        "0.3",
    ]);
    let mut running = Running::spawn(command);
    let status = running.exit_status("--messages u64::MAX --timeout 0.3");
    let stderr = running.stderr_text();
    assert!(
        !stderr.contains("panicked"),
        "a huge --messages must not overflow a count or a time: {stderr}"
    );
    assert!(
        !status.success(),
        "stopped by --timeout with work left: exit code 1 ({status})"
    );
}

#[test]
fn the_load_tool_refuses_absurd_numbers_with_a_usage_error_not_a_panic() {
    let listener = sink();
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    for option in [
        ["--timeout", "1e30"],
        ["--interval", "1e300"],
        ["--clients", "0"],
        ["--clients", "99999999999"],
    ] {
        let mut command = load_test();
        command.arg(addr.to_string()).args(option);
        let mut running = Running::spawn(command);
        let status = running.exit_status(&format!("{option:?}"));
        let stderr = running.stderr_text();
        assert_eq!(
            status.code(),
            Some(2),
            "{option:?} is out of range: a usage error (exit code 2), got {status}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{option:?}: {stderr}");
    }
}

#[test]
fn the_load_tool_refuses_addresses_that_are_not_loopback_before_connecting() {
    // Documentation addresses (nobody's), also written IPv4-mapped, and "any address".
    for target in ["192.0.2.1:9", "[::ffff:192.0.2.1]:9", "0.0.0.0:9", "[::]:9"] {
        let mut command = load_test();
        command.arg(target);
        let mut running = Running::spawn(command);
        let status = running.exit_status(target);
        let stderr = running.stderr_text();
        assert!(
            status.code() == Some(2) && stderr.contains("not a loopback address"),
            "{target} is not loopback: refused with exit code 2 before any connect, got \
             {status}: {stderr}"
        );
    }
}

/// A child process killed and waited for on drop, for a test that needs its raw stdout pipe.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_original_reference_server_does_not_panic_when_its_stdout_is_closed() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;

    // Like `07_reference_servers original 127.0.0.1:0 | head -1`: read one line, close the pipe.
    let mut command = reference_servers();
    command
        .args([
            "original",
            "127.0.0.1:0",
            "--connections",
            "1",
            "--seconds",
            "10",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut server = KillOnDrop(command.spawn().expect("the example binary starts"));
    let stdout = server.0.stdout.take().expect("stdout was piped");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("read the first line"); // the reader, and our end of the pipe, are dropped here
    let addr = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("expected `listening on ADDR`, got {first:?}"));

    let mut client = std::net::TcpStream::connect(addr).expect("connect to the reference server");
    // A write may fail once the server stopped reading: that is fine, it only has to not panic.
    let _ = client.write_all(b"2026-11-25 09:50:00\n");
    drop(client);

    let give_up = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = server.0.try_wait().expect("try_wait works") {
            break status;
        }
        assert!(
            Instant::now() < give_up,
            "the server should stop after its one connection closed (--connections 1)"
        );
        thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = server.0.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    assert!(
        !stderr.contains("panicked"),
        "a closed stdout (`| head -1`) must stop the printing, not panic ({status}): {stderr}"
    );
}

#[test]
fn the_reference_servers_refuse_a_huge_seconds_with_a_usage_error_not_a_panic() {
    let mut command = reference_servers();
    command.args(["sink", "127.0.0.1:0", "--seconds", &u64::MAX.to_string()]);
    let mut running = Running::spawn(command);
    let status = running.exit_status("--seconds u64::MAX");
    let stderr = running.stderr_text();
    assert_eq!(
        status.code(),
        Some(2),
        "--seconds u64::MAX overflows any clock: a usage error (exit code 2), got {status}: {stderr}"
    );
}

#[test]
fn help_says_what_each_tool_is_not_what_the_crate_is() {
    for (mut command, own_words) in [
        (
            load_test(),
            "Open many concurrent connections to a time server",
        ),
        (reference_servers(), "Reference servers for throughput"),
    ] {
        let output = common::run_to_end(command.arg("--help"), "the tool's --help");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && help.starts_with(own_words),
            "--help starts with the tool's own description ({own_words:?}, its doc comment), \
             not the package's; got {}:\n{help}",
            output.status
        );
    }
}

#[test]
fn a_bad_address_gets_the_same_sentence_as_in_the_examples() {
    // A name (the tools take IP addresses only) and a port past 65535: explained as the
    // examples explain addresses.
    for address in ["localhost:8000", "127.0.0.1:70000"] {
        let wanted = net_basics::explain::ip_socket_address(address)
            .expect_err("neither is an IP address and a port");
        for (mut command, tool) in [
            (load_test(), "load_test"),
            (reference_servers(), "reference_servers sink"),
        ] {
            if tool.ends_with("sink") {
                command.arg("sink");
            }
            command.arg(address);
            let mut running = Running::spawn(command);
            let status = running.exit_status(tool);
            let stderr = running.stderr_text();
            assert!(
                status.code() == Some(2) && stderr.contains(&wanted),
                "{tool} {address}: a usage error (exit code 2) with the examples' sentence from \
                 net_basics::explain::ip_socket_address ({wanted:?}); got {status}: {stderr}"
            );
        }
    }
}
