//! The example programs, run as a student runs them: as processes, checking what they print
//! and how they exit. `cargo test` builds the examples first. One section per example.

mod common;

use std::fs::File;
use std::net::TcpListener;
use std::process::{Command, Stdio};

use assert_cmd::prelude::*;
use common::run_to_end;
use predicates::prelude::*;

/// Some line of the output has these words, in this order, next to each other (spaces between
/// words do not matter). `*` at the end of a word matches any rest: `127.0.0.1/*`.
fn line_with(words: &[&str]) -> impl Predicate<str> {
    let words: Vec<String> = words.iter().map(|word| word.to_string()).collect();
    let shown = words.join(" ");
    predicate::function(move |output: &str| {
        output.lines().any(|line| {
            let got: Vec<&str> = line.split_whitespace().collect();
            got.windows(words.len()).any(|window| {
                window
                    .iter()
                    .zip(&words)
                    .all(|(got, want)| match want.strip_suffix('*') {
                        Some(prefix) => got.starts_with(prefix),
                        None => got == want,
                    })
            })
        })
    })
    // The name shows in a failure report; a test runs briefly, so leaking it costs nothing.
    .fn_name(Box::leak(
        format!("a line with the words `{shown}`").into_boxed_str(),
    ))
}

/// Runs example `name` with `stdout` and checks that it stops with one sentence, exit code 1.
fn stops_with_one_sentence_when_stdout_fails(name: &str, args: &[&str], stdout: Stdio, what: &str) {
    let child = Command::new(common::example(name))
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    let (status, stderr) = common::exit_and_stderr(child, &format!("{name} with {what} as stdout"));
    assert_eq!(
        (status.code(), stderr.lines().count()),
        (Some(1), 1),
        "expected {name} with {what} as stdout to stop with exit code 1 and one line on \
         stderr (not a panic, code 101), got {status} and {stderr:?}"
    );
    assert!(
        stderr.starts_with("stopping: cannot print any more"),
        "expected {name} with {what} as stdout to say why it stops, got {stderr:?}"
    );
}

/// Both ways stdout can fail: a reader that went away (every OS), and a full disk (Linux's
/// /dev/full).
fn stops_when_stdout_is_gone_or_full(name: &str, args: &[&str]) {
    let what = "a pipe nobody reads (`| head` after head exited)";
    stops_with_one_sentence_when_stdout_fails(name, args, common::stdout_nobody_reads(), what);
    if let Ok(full) = File::options().write(true).open("/dev/full") {
        stops_with_one_sentence_when_stdout_fails(name, args, Stdio::from(full), "/dev/full");
    }
}

// ─── 01_ip_lookup ───────────────────────────────────────────────────────────────────────────

fn ip_lookup() -> Command {
    Command::new(common::example("01_ip_lookup"))
}

#[test]
fn ip_lookup_lists_the_loopback_address_as_loopback() {
    run_to_end(&mut ip_lookup(), "01_ip_lookup")
        .assert()
        .success()
        .stdout(line_with(&["IPv4", "127.0.0.1/*", "loopback"]));
}

#[test]
fn ip_lookup_explains_the_kinds_it_shows() {
    run_to_end(&mut ip_lookup(), "01_ip_lookup")
        .assert()
        .success()
        .stdout(predicate::str::contains("What these kinds mean:"))
        .stdout(line_with(&[
            "loopback", "this", "machine", "talking", "to", "itself;",
        ]));
}

#[test]
fn ip_lookup_reaches_127_0_0_1_from_127_0_0_1() {
    run_to_end(ip_lookup().arg("127.0.0.1"), "01_ip_lookup")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "to reach 127.0.0.1 (loopback), this machine would send from 127.0.0.1 (loopback)",
        ));
}

#[test]
#[cfg(target_os = "linux")]
fn ip_lookup_reaches_127_0_0_2_from_127_0_0_1() {
    // No interface has 127.0.0.2; Linux sends to it from 127.0.0.1 (`ip route get 127.0.0.2`).
    run_to_end(ip_lookup().arg("127.0.0.2"), "01_ip_lookup")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "to reach 127.0.0.2 (loopback), this machine would send from 127.0.0.1 (loopback)",
        ));
}

#[test]
fn ip_lookup_stops_with_one_sentence_when_stdout_is_gone() {
    stops_when_stdout_is_gone_or_full("01_ip_lookup", &[]);
}

#[test]
fn ip_lookup_rejects_a_name_with_one_sentence_and_exit_code_2() {
    // clap prints the sentence on the first line, then a blank line and "For more information,
    // try '--help'."
    run_to_end(ip_lookup().arg("example.com"), "01_ip_lookup")
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::function(|err: &str| {
            let first = err.lines().next().unwrap_or_default();
            first.starts_with(
                "error: invalid value 'example.com' for '[TARGET]': \"example.com\" is not an IP address — ",
            ) && first.ends_with("(this example takes addresses, not names; examples 04 and 05 look names up)")
        }))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn ip_lookup_help_explains_the_target() {
    run_to_end(ip_lookup().arg("--help"), "01_ip_lookup")
        .assert()
        .success()
        .stdout(predicate::str::contains("Usage: 01_ip_lookup [TARGET]"))
        .stdout(predicate::str::contains("192.0.2.1"));
}

// ─── 02_port_ranges ─────────────────────────────────────────────────────────────────────────

fn port_ranges() -> Command {
    Command::new(common::example("02_port_ranges"))
}

#[test]
fn port_ranges_classifies_80_8000_and_65535() {
    run_to_end(
        port_ranges().args(["80", "8000", "65535"]),
        "02_port_ranges",
    )
    .assert()
    .success()
    .stdout(line_with(&["80", "well-known", "system", "http"]))
    .stdout(line_with(&["8000", "dynamic", "user"]))
    .stdout(line_with(&["65535", "dynamic", "dynamic"]));
}

#[test]
fn port_ranges_rejects_bad_ports_with_one_line_naming_the_range_and_exit_code_2() {
    let cases = [
        ("70000", "\"70000\" is too large"),
        ("-1", "\"-1\" is negative"),
        ("http", "\"http\" is not a port number"),
        ("", "no port given"),
        ("1e3", "\"1e3\" is not a port number"),
        ("80.0", "\"80.0\" is not a port number"),
    ];
    for (input, what) in cases {
        run_to_end(port_ranges().arg(input), "02_port_ranges")
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::starts_with(format!("error: {what}")))
            .stderr(predicate::str::contains("0 to 65535"))
            .stderr(predicate::function(|err: &str| err.lines().count() == 1));
    }
}

#[test]
fn port_ranges_rejects_a_bad_port_among_good_ones_before_printing() {
    run_to_end(port_ranges().args(["80", "-1", "8000"]), "02_port_ranges")
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("\"-1\" is negative"));
}

#[test]
fn port_ranges_without_ports_prints_the_lessons_answer_and_ianas_ranges() {
    let assert = run_to_end(&mut port_ranges(), "02_port_ranges")
        .assert()
        .success()
        .stdout(predicate::str::contains("The lesson's answer, two ranges:"))
        .stdout(line_with(&["0–1023", "well-known"]))
        .stdout(line_with(&["1024–65535", "dynamic"]))
        .stdout(predicate::str::contains("IANA's three ranges (RFC 6335)"))
        .stdout(line_with(&["0–1023", "system"]))
        .stdout(line_with(&["1024–49151", "user"]))
        .stdout(line_with(&["49152–65535", "dynamic"]))
        .stdout(line_with(&["443", "well-known"]))
        .stdout(predicate::str::contains("https"))
        // 1024–49151 are registered ports, not "free": the lesson's advice is not a fact.
        .stdout(predicate::str::contains("free for your own programs").not());
    if cfg!(target_os = "linux") {
        assert.stdout(line_with(&[
            "Ephemeral",
            "ports",
            "(for",
            "clients)",
            "here:",
        ]));
    }
}

#[test]
fn port_ranges_stops_with_one_sentence_when_stdout_is_gone() {
    stops_when_stdout_is_gone_or_full("02_port_ranges", &[]);
    stops_when_stdout_is_gone_or_full("02_port_ranges", &["80", "8000"]);
}

#[test]
fn port_ranges_check_free_sees_a_port_in_use() {
    // Hold a port for the duration of the test: the example must find it taken.
    let holder = TcpListener::bind("127.0.0.1:0").expect("can listen on loopback");
    let port = holder
        .local_addr()
        .expect("a bound listener has an address")
        .port();
    run_to_end(
        port_ranges().args(["--check-free", &port.to_string()]),
        "02_port_ranges",
    )
    .assert()
    .success()
    .stdout(predicate::str::contains(format!(
        "127.0.0.1:{port} is already in use"
    )));
}

#[test]
fn port_ranges_check_free_sees_a_free_port() {
    // The other half of the check: a program that always said "in use" would pass the test
    // above. A port the OS just handed out and we released is free (nobody else takes a
    // random ephemeral port in these few milliseconds).
    let port = {
        let probe = TcpListener::bind("127.0.0.1:0").expect("can listen on loopback");
        probe
            .local_addr()
            .expect("a bound listener has an address")
            .port()
    };
    run_to_end(
        port_ranges().args(["--check-free", &port.to_string()]),
        "02_port_ranges",
    )
    .assert()
    .success()
    .stdout(line_with(&[
        &format!("127.0.0.1:{port}"),
        "is",
        "free:",
        "a",
        "TCP",
        "server",
        "could",
        "listen",
        "there",
        "now",
    ]))
    .stdout(predicate::str::contains("in use").not());
}

#[test]
fn port_ranges_check_free_explains_port_0() {
    run_to_end(port_ranges().args(["--check-free", "0"]), "02_port_ranges")
        .assert()
        .success()
        .stdout(line_with(&["port", "0", "is", "not", "a", "real", "port:"]))
        .stdout(line_with(&["gave", "127.0.0.1:*"]));
}

#[test]
fn port_ranges_help_works() {
    run_to_end(port_ranges().arg("--help"), "02_port_ranges")
        .assert()
        .success()
        .stdout(predicate::str::contains("Usage: 02_port_ranges"))
        .stdout(predicate::str::contains("--check-free"));
}
