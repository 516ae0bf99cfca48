//! Helpers shared by the tests that run the example programs as processes.
//!
//! `cargo test` builds every example before it runs the tests, into `target/<profile>/examples/`.
//! Each test file that needs these does `mod common;` and uses what it needs.
#![allow(dead_code)] // each test file uses a different part of this module

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for a line it expects, or for a program to end, before it gives up and
/// fails (never a hang). Only a failing test waits this long; a passing one waits milliseconds.
/// It includes starting the program, which can take seconds on Windows, where a virus scanner
/// looks at a freshly built `.exe` before it runs (the progress view allows a test program 20 s
/// to print its first line for the same reason, `progress/src/run.rs`).
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The path of a built example, e.g. `example("04_time_server")`: `04_time_server.exe` on
/// Windows (`EXE_SUFFIX`), `04_time_server` elsewhere.
///
/// In `tests/async_server.rs`, which runs step 4's server tests (faults.rs, time_service.rs,
/// classroom.rs) as its modules, the time server is step 7's: there `04_time_server` means
/// `07_async_time_server`.
pub fn example(name: &str) -> PathBuf {
    let name = match name {
        "04_time_server" if module_path!().starts_with("async_server::") => "07_async_time_server",
        _ => name,
    };
    // The test binary is target/<profile>/deps/<test>-<hash>; examples are in target/<profile>/examples.
    let exe = std::env::current_exe().expect("the test binary knows its own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binaries live in target/<profile>/deps");
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let path = profile_dir.join("examples").join(file);
    assert!(
        path.exists(),
        "example {name} is not built at {}: run `cargo test` (it builds the examples) or \
         `cargo build --examples` first; `cargo test --test NAME` alone does not build them",
        path.display()
    );
    path
}

/// A `Command` for an example, ready for assert_cmd's `assert()` or for `spawn`.
pub fn example_command(name: &str) -> Command {
    Command::new(example(name))
}

/// A running child process that is killed and waited for when dropped — also when the test fails.
pub struct Running {
    pub child: Child,
    /// The child's stdout, one line per message, read on a background thread.
    pub lines: Receiver<String>,
}

impl Running {
    /// Starts `command` with stdout piped and read line by line in the background.
    pub fn spawn(mut command: Command) -> Running {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("the example binary starts");
        let stdout = child.stdout.take().expect("stdout was piped");
        Running {
            child,
            lines: read_lines(stdout),
        }
    }

    /// The next stdout line, or a failed test naming `what` was awaited after [`PATIENCE`].
    pub fn next_line(&self, what: &str) -> String {
        self.lines.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!("waited {PATIENCE:?} for {what}, but the process printed nothing more")
        })
    }

    /// Reads lines until one satisfies `wanted`; returns every line read, the match last.
    pub fn lines_until(&self, what: &str, wanted: impl Fn(&str) -> bool) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            let line = self.lines.recv_timeout(PATIENCE).unwrap_or_else(|_| {
                panic!("waited {PATIENCE:?} for {what}; the process printed only: {seen:#?}")
            });
            let done = wanted(&line);
            seen.push(line);
            if done {
                return seen;
            }
        }
    }

    /// For a server whose first line is `listening on ADDR`: reads it and returns ADDR.
    pub fn listening_address(&self) -> SocketAddr {
        let line = self.next_line("the server's first line, `listening on ADDR`");
        let addr = line.strip_prefix("listening on ").unwrap_or_else(|| {
            panic!("the first line should be `listening on ADDR`, got {line:?}")
        });
        addr.trim()
            .parse()
            .unwrap_or_else(|_| panic!("`listening on` should name a socket address, got {addr:?}"))
    }
}

impl Running {
    /// Kills the process now and waits until it is gone (a test that plays "the server crashed").
    pub fn kill(&mut self) {
        self.child.kill().expect("the process can be killed");
        self.child
            .wait()
            .expect("the killed process can be waited for");
    }

    /// Waits, at most [`PATIENCE`], for the process to exit by itself; fails the test naming
    /// `what` if it is still running then (a program that must stop by itself, never a hang).
    pub fn exit_status(&mut self, what: &str) -> ExitStatus {
        exit_within(&mut self.child, what)
    }

    /// Everything the process wrote to stderr; call it after the process has exited.
    pub fn stderr_text(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            stderr
                .read_to_string(&mut text)
                .expect("the process's stderr is readable");
        }
        text
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill(); // it may have exited already: that is fine
        let _ = self.child.wait();
    }
}

fn read_lines(stdout: ChildStdout) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// A stdout with nobody reading it: the write end of a pipe whose read end is closed, as `| head`
/// leaves it once head has exited. Every write to it fails: EPIPE on Unix, ERROR_NO_DATA on
/// Windows, both `BrokenPipe` (std, `library/std/src/sys/io/error/windows.rs`). The reader that
/// went away is an example run with `--help`, which exits without reading its stdin: a program
/// every OS has here (`true` is Unix only).
pub fn stdout_nobody_reads() -> Stdio {
    let mut reader = example_command("02_port_ranges")
        .arg("--help")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("02_port_ranges --help starts");
    let mut write_end = reader.stdin.take().expect("stdin was piped");
    exit_within(&mut reader, "02_port_ranges --help");
    // Wait until a write says so: under Wine a process is reported as exited a moment before its
    // handles are closed (measured: 3 runs in 6 of example_03_listener.rs gave the example a pipe
    // that still took bytes). Windows closes them first ("Terminating a Process", Microsoft
    // Learn), Unix at exit. What this writes (a few newlines at most) nobody reads.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match write_end.write(b"\n") {
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => break,
            Err(err) => {
                panic!("[test] a write to a pipe nobody reads failed with {err}, not BrokenPipe")
            }
            Ok(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            Ok(_) => {
                panic!("[test] the pipe's reader exited 5 s ago, and the pipe still takes bytes")
            }
        }
    }
    Stdio::from(write_end)
}

/// Starts `command` with stdout piped, reads its first stdout line, then closes the read end
/// of the pipe — like `| head -1` exiting. Returns the child (stderr piped) and that line.
pub fn spawn_then_close_stdout(mut command: Command) -> (Child, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("the example binary starts");
    let stdout = child.stdout.take().expect("stdout was piped");
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut first = String::new();
        let mut reader = BufReader::new(stdout);
        let _ = reader.read_line(&mut first);
        // Close the pipe's read end BEFORE the test goes on: the next print must fail (EPIPE).
        drop(reader);
        let _ = sender.send(first);
    });
    let first = receiver.recv_timeout(PATIENCE).unwrap_or_else(|_| {
        let _ = child.kill();
        let _ = child.wait();
        panic!("waited {PATIENCE:?} for the first line of output")
    });
    (child, first.trim_end().to_owned())
}

/// Waits at most [`PATIENCE`] for `child` to exit by itself and returns its status; kills it
/// and fails the test naming `what` if it is still running then. (A killed program is never
/// taken for one that ended: on Windows `kill` makes its exit code 1, a plausible answer.)
pub fn exit_within(child: &mut Child, what: &str) -> ExitStatus {
    let give_up = Instant::now() + PATIENCE;
    loop {
        if let Some(status) = child.try_wait().expect("the process can be polled") {
            return status;
        }
        if Instant::now() >= give_up {
            let _ = child.kill();
            let _ = child.wait(); // killed: it ends now
            panic!("{what}: still running after {PATIENCE:?}; it must stop by itself");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Waits at most [`PATIENCE`] for `child` to exit by itself and returns its status and stderr;
/// kills it and fails the test naming `what` if it is still running then.
pub fn exit_and_stderr(mut child: Child, what: &str) -> (ExitStatus, String) {
    let status = exit_within(&mut child, what);
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    (status, stderr)
}

/// Runs `command` to its end, like `Command::output`, but waits at most [`PATIENCE`]: a program
/// still running then is killed and the test fails naming `what` (never a hang). stdin is
/// empty. The result takes assert_cmd's checks: `run_to_end(&mut command, "…").assert().success()`.
pub fn run_to_end(command: &mut Command, what: &str) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("{what} cannot be started: {err}"));
    // Both pipes are read while the program runs, so a full pipe never blocks it.
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().expect("stdout was piped")));
    let stderr = read_all(Box::new(child.stderr.take().expect("stderr was piped")));
    let status = exit_within(&mut child, what);
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}
