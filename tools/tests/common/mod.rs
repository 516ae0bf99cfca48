//! A child process for the tools' tests: killed and waited for when dropped, also when a test
//! fails, and never waited for longer than [`PATIENCE`].
#![allow(dead_code)] // each test file uses a different part of this module

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for a process before it gives up and fails (never a hang).
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A running child process that is killed and waited for when dropped.
pub struct Running {
    pub child: Child,
}

impl Running {
    /// Starts `command` with stdout and stderr piped, stdin empty.
    pub fn spawn(mut command: Command) -> Running {
        let child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("the tool's binary starts");
        Running { child }
    }

    /// Waits, at most [`PATIENCE`], for the process to exit by itself; fails the test naming
    /// `what` if it is still running then (a program that must stop by itself, never a hang).
    pub fn exit_status(&mut self, what: &str) -> ExitStatus {
        let give_up = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("the process can be polled") {
                return status;
            }
            assert!(
                Instant::now() < give_up,
                "{what}: still running after {PATIENCE:?}; it must stop by itself"
            );
            thread::sleep(Duration::from_millis(10));
        }
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
