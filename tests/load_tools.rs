//! The load tool (`06_load_test`) and the reference servers (`07_reference_servers`) on odd
//! options: they stop by themselves and never panic.
//!
//! Each runs as a process against a listener of this test on 127.0.0.1:0, and is killed and
//! waited for even when an assertion fails (`common::Running`).

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::process::ExitStatus;
use std::thread;
use std::time::{Duration, Instant};

use common::{PATIENCE, Running};

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

/// Waits (bounded by PATIENCE) for the process to exit; fails the test if it does not.
fn exits_within_patience(running: &mut Running, what: &str) -> ExitStatus {
    let give_up = Instant::now() + PATIENCE;
    loop {
        if let Some(status) = running.child.try_wait().expect("try_wait works") {
            return status;
        }
        assert!(
            Instant::now() < give_up,
            "{what}: still running after {PATIENCE:?}; the tool must stop by itself"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

fn stderr_of(running: &mut Running) -> String {
    let mut text = String::new();
    if let Some(mut stderr) = running.child.stderr.take() {
        let _ = stderr.read_to_string(&mut text);
    }
    text
}

#[test]
fn the_load_tool_stops_at_its_timeout_even_with_a_huge_message_count() {
    let listener = sink();
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let mut command = common::example_command("06_load_test");
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
    let status = exits_within_patience(&mut running, "--messages u64::MAX --timeout 0.3");
    let stderr = stderr_of(&mut running);
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
        let mut command = common::example_command("06_load_test");
        command.arg(addr.to_string()).args(option);
        let mut running = Running::spawn(command);
        let status = exits_within_patience(&mut running, &format!("{option:?}"));
        let stderr = stderr_of(&mut running);
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
        let mut command = common::example_command("06_load_test");
        command.arg(target);
        let mut running = Running::spawn(command);
        let status = exits_within_patience(&mut running, target);
        let stderr = stderr_of(&mut running);
        assert!(
            status.code() == Some(2) && stderr.contains("not a loopback address"),
            "{target} is not loopback: refused with exit code 2 before any connect, got \
             {status}: {stderr}"
        );
    }
}
