//! Example 06, the SNTP client, run as a process: against chronyd (where it is installed), and
//! against fake servers that stay silent, lose a request or refuse. Every run is bounded.
//!
//! The runs that book chapter 6 shows are written to `listings/output/example_06_*.txt` with
//! `UPDATE_LISTINGS=1`; otherwise each is compared with its file, numbers aside (times, delays
//! and ports differ from run to run).

mod common;
#[path = "common/ntp.rs"]
mod ntp;

use std::io::Read;
use std::path::PathBuf;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use chrono::Utc;
use ntp::{FakeServer, kiss_of_death};

/// The longest any run here may take before the test kills it and fails.
const LIMIT: Duration = Duration::from_secs(15);

/// What one run of the example printed.
struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
    took: Duration,
}

/// Runs `06_sntp_client ARGS` to its end (killed after `LIMIT`).
fn run_example(args: &[&str]) -> Run {
    let mut child = common::example_command("06_sntp_client")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("[test] the example starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .expect("[test] the example can be waited for")
        {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "06_sntp_client {args:?} did not end within {LIMIT:?}: every wait must be bounded"
            );
        }
        thread::sleep(Duration::from_millis(5));
    };
    let took = started.elapsed();
    let (mut stdout, mut stderr) = (String::new(), String::new());
    let _ = child
        .stdout
        .take()
        .map(|mut out| out.read_to_string(&mut stdout));
    let _ = child
        .stderr
        .take()
        .map(|mut err| err.read_to_string(&mut stderr));
    Run {
        stdout,
        stderr,
        code: status.code(),
        took,
    }
}

/// The value in seconds on the line starting with `label` (`round trip:  0.000031 s …`).
fn seconds_on(stdout: &str, label: &str) -> f64 {
    let line = stdout
        .lines()
        .find(|line| line.starts_with(label))
        .unwrap_or_else(|| panic!("expected a line starting with {label:?}, got:\n{stdout}"));
    line[label.len()..]
        .split_whitespace()
        .next()
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("expected seconds after {label:?}: {line:?}"))
}

/// The transcript of a run as a terminal shows it, with the server's port shown as `port`;
/// written with `UPDATE_LISTINGS=1`, otherwise compared with the file, numbers and their signs aside.
fn transcript(name: &str, args: &[&str], run: &Run, port: u16) {
    let shown_args: Vec<String> = args
        .iter()
        .map(|arg| arg.replace(&format!(":{port}"), ":11123"))
        .collect();
    let text = format!(
        "$ cargo run -q --example 06_sntp_client -- {}\n{}{}",
        shown_args.join(" "),
        run.stdout,
        run.stderr
    )
    .replace(&format!("127.0.0.1:{port}"), "127.0.0.1:11123");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("listings/output/{name}"));
    if std::env::var_os("UPDATE_LISTINGS").is_some() {
        std::fs::write(&path, &text).expect("[test] write the transcript");
        return;
    }
    let digits = |text: &str| text.replace(|c: char| c.is_ascii_digit() || "+-".contains(c), "0");
    let shown = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        digits(&shown),
        digits(&text),
        "{} (shown in the book) differs from this run beyond its numbers; rerun with \
         UPDATE_LISTINGS=1 if the change is intended",
        path.display()
    );
}

#[test]
fn asks_chronyd_and_shows_an_offset_of_about_zero() {
    let chrony = ntp::chrony_for(env!("CARGO_CRATE_NAME"), "asks_chronyd_and_shows_…");
    let fake = chrony.is_none().then(|| {
        FakeServer::start(|_, request| {
            let now = Utc::now();
            vec![ntp::reply(request, 10, now, now)]
        })
    });
    let addr = chrony
        .as_ref()
        .map_or_else(|| fake.as_ref().unwrap().addr, |c| c.addr);
    let server = addr.to_string();
    let args = [server.as_str()];
    let run = run_example(&args);
    assert_eq!(
        run.code,
        Some(0),
        "expected success; stderr: {}",
        run.stderr
    );
    assert!(
        run.stdout.contains("(stratum 10)"),
        "expected the server's stratum 10: {}",
        run.stdout
    );
    let offset = seconds_on(&run.stdout, "offset:");
    let delay = seconds_on(&run.stdout, "round trip:");
    // The same clock at both ends: the offset is about 0, at most half the delay.
    assert!(
        (0.0..1.0).contains(&delay) && offset.abs() <= delay / 2.0 + 0.001 && offset.abs() < 0.1,
        "expected an offset of about 0 (the same clock) and a delay under 1 s: {}",
        run.stdout
    );
    if chrony.is_some() {
        transcript("example_06_chrony.txt", &args, &run, addr.port());
    }
}

#[test]
fn a_lost_request_is_sent_again() {
    let server = FakeServer::start(|n, request| match n {
        1 => Vec::new(), // the first request is lost
        _ => {
            let now = Utc::now();
            vec![ntp::reply(request, 2, now, now)]
        }
    });
    let addr = server.addr.to_string();
    let args = [addr.as_str(), "--timeout", "0.5"];
    let run = run_example(&args);
    assert_eq!(
        run.code,
        Some(0),
        "expected success; stderr: {}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("request 2 was answered; 1 before it got no answer within 0.5 s"),
        "expected the lost request to be told: {}",
        run.stdout
    );
    assert_eq!(server.requests().len(), 2, "two requests, the first lost");
    transcript("example_06_lost.txt", &args, &run, server.addr.port());
}

#[test]
fn a_silent_server_ends_the_client_within_its_stated_time() {
    let server = FakeServer::silent();
    let addr = server.addr.to_string();
    let args = [addr.as_str(), "--timeout", "0.3", "--tries", "2"];
    let run = run_example(&args);
    assert_eq!(
        run.code,
        Some(1),
        "expected exit code 1; stdout: {}",
        run.stdout
    );
    assert!(
        run.took >= Duration::from_millis(600) && run.took < Duration::from_millis(600 + 2000),
        "expected to give up after 2 × 0.3 s, it took {:?}",
        run.took
    );
    assert!(
        run.stderr.starts_with("no answer from") && run.stderr.trim_end().lines().count() == 1,
        "expected one sentence: {:?}",
        run.stderr
    );
    assert_eq!(server.requests().len(), 2, "two requests");
    transcript("example_06_silent.txt", &args, &run, server.addr.port());
}

#[test]
fn a_kiss_of_death_and_a_closed_port_end_with_one_sentence() {
    let server = FakeServer::start(|_, request| vec![kiss_of_death(request, b"RATE")]);
    let addr = server.addr.to_string();
    let args = [addr.as_str()];
    let run = run_example(&args);
    assert_eq!(run.code, Some(1), "expected exit code 1");
    assert!(
        run.stderr.contains("kiss-o'-death with code \"RATE\"") && run.stderr.lines().count() == 1,
        "expected one sentence naming the code: {:?}",
        run.stderr
    );
    assert_eq!(
        server.requests().len(),
        1,
        "no request after a kiss-o'-death"
    );
    transcript("example_06_kiss.txt", &args, &run, server.addr.port());

    let port = server.addr.port();
    drop(server); // nothing listens there any more
    let args = [addr.as_str()];
    let run = run_example(&args);
    assert!(
        run.code == Some(1) && run.stderr.starts_with("nothing listens on UDP port"),
        "expected one sentence about the closed port: {:?}",
        run.stderr
    );
    // At once: before the 3 × 1 s (the default --tries and --timeout) that a client which took
    // "port unreachable" for silence would wait. The time includes starting the program, which
    // can take a second where a virus scanner looks at a new .exe first (Windows) or under Wine.
    assert!(
        run.took < Duration::from_secs(3),
        "expected the closed port to end the client at once, before the 3 × 1 s it waits for a \
         silent server; it took {:?}",
        run.took
    );
    transcript("example_06_closed.txt", &args, &run, port);
}

#[test]
fn bad_arguments_are_refused_before_anything_is_sent() {
    for args in [
        &["--timeout", "0"][..],
        &["--tries", "0"],
        &["--timeout", "soon"],
    ] {
        let run = run_example(args);
        assert_eq!(
            run.code,
            Some(2),
            "06_sntp_client {args:?}: clap's exit code 2"
        );
        assert!(
            run.stderr.contains("invalid value"),
            "06_sntp_client {args:?}: {:?}",
            run.stderr
        );
    }
}

#[test]
fn a_closed_or_full_stdout_ends_the_client_with_one_sentence() {
    // A server that serves this machine's clock, so that there is something to print.
    let server = FakeServer::start(|_, request| {
        let now = Utc::now();
        vec![ntp::reply(request, 2, now, now)]
    });
    let full = std::fs::File::options().write(true).open("/dev/full");
    let outs = [
        Some(("a pipe nobody reads", common::stdout_nobody_reads())),
        full.ok().map(|full| ("/dev/full", Stdio::from(full))),
    ];
    for (what, stdout) in outs.into_iter().flatten() {
        let child = common::example_command("06_sntp_client")
            .arg(server.addr.to_string())
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .expect("[test] the example starts");
        let (status, stderr) = common::exit_and_stderr(child, what);
        assert!(
            status.code() == Some(1) && stderr.lines().count() == 1 && !stderr.contains("panicked"),
            "with {what} as stdout: expected exit code 1 and one sentence, got {status} and \
             {stderr:?}"
        );
    }
}

/// Without chronyd a step 6 test runs against the fake and says so; what it tells the student to
/// do is true on each OS (the texts of all three are checked here, on any OS).
#[test]
fn without_chrony_each_os_is_told_what_it_can_do() {
    let linux = ntp::getting_chrony("linux", "ex06_sntp_client");
    assert!(
        linux.contains("sudo apt-get install chrony")
            && linux.ends_with("run `cargo test --test ex06_sntp_client` again"),
        "{linux}"
    );
    let macos = ntp::getting_chrony("macos", "ex06_sntp_client");
    assert!(
        macos.contains("sudo port install chrony") && !macos.contains("apt-get"),
        "{macos}"
    );
    let windows = ntp::getting_chrony("windows", "ex06_sntp_client");
    assert!(
        windows.contains("no Windows version")
            && windows.contains("graded all the same")
            && !windows.contains("install"),
        "nothing to install on Windows: {windows}"
    );
}
