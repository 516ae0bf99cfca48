//! Running one command: in its own process group, output (stdout and stderr, in order) to a
//! file, every wait bounded, stopped by its process group's id.

use regex::Regex;
use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long a command may take. cargo builds in the copy before it runs, so a cargo command
/// gets `BUILD` until cargo says `Running`, then `RUN`; any other command gets `OTHER`.
pub const BUILD: Duration = Duration::from_secs(900);
pub const RUN: Duration = Duration::from_secs(120);
pub const OTHER: Duration = Duration::from_secs(300);
/// An interactive command (`nc`) counts as running once it has lived this long.
pub const SETTLE: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(50);

/// A started command.
pub struct Running {
    pub child: Child,
    pub output: PathBuf,
    pub started: Instant,
}

pub enum Outcome {
    Exited(ExitStatus),
    /// Printed its ready line (the match's first group, if any).
    Ready(Option<String>),
    /// Still running after `SETTLE` (interactive commands).
    Settled,
    TimedOut(Duration),
}

impl Running {
    /// Starts `bash -c text` in `dir`, in the network namespace `netns` (a path such as
    /// /proc/PID/ns/net), in a process group of its own (its id is the child's pid), with no
    /// stdin.
    pub fn start(
        text: &str,
        dir: &Path,
        env: &[(&str, String)],
        netns: &Path,
        output: PathBuf,
    ) -> std::io::Result<Running> {
        let file = File::create(&output)?;
        // nsenter and bash both exec what follows: the child's pid is the command's.
        let mut command = Command::new("nsenter");
        command
            .arg(format!("--net={}", netns.display()))
            .args(["--", "bash", "-c", text]);
        // cargo's variables of the check's own run (CARGO_TARGET_DIR, CARGO_MANIFEST_DIR, …)
        // are not the student's: the copy builds in its own `target/`.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_") && key != "CARGO_HOME" {
                command.env_remove(key.as_ref());
            }
        }
        command
            .current_dir(dir)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANGUAGE")
            .envs(env.iter().map(|(k, v)| (*k, v)))
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .process_group(0);
        let child = command.spawn()?;
        Ok(Running {
            child,
            output,
            started: Instant::now(),
        })
    }

    pub fn text(&self) -> String {
        fs::read(&self.output)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Waits until the command exits, prints `ready`, has settled (when `settle`), or runs out
    /// of time (`BUILD` then `RUN` for cargo, else `OTHER`, or `limit` when given).
    pub fn wait(
        &mut self,
        ready: Option<&Regex>,
        settle: bool,
        cargo: bool,
        limit: Option<Duration>,
    ) -> Outcome {
        let mut running_since: Option<Instant> = None;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Outcome::Exited(status);
            }
            let text = self.text();
            if let Some(ready) = ready {
                if let Some(found) = ready.captures(&text) {
                    return Outcome::Ready(found.get(1).map(|m| m.as_str().to_owned()));
                }
            }
            if settle && self.started.elapsed() >= SETTLE {
                return Outcome::Settled;
            }
            if running_since.is_none() && cargo && text.contains("     Running ") {
                running_since = Some(Instant::now());
            }
            let (since, bound) = match (limit, cargo, running_since) {
                (Some(limit), _, _) => (self.started, limit),
                (None, true, Some(at)) => (at, RUN),
                (None, true, None) => (self.started, BUILD),
                (None, false, _) => (self.started, OTHER),
            };
            if since.elapsed() >= bound {
                return Outcome::TimedOut(self.started.elapsed());
            }
            thread::sleep(POLL);
        }
    }

    /// Is anything of its process group still alive (a background job it left)?
    pub fn group_alive(&self) -> bool {
        // SAFETY: kill(2) with signal 0 only checks; the id is our child's own group.
        unsafe { libc::kill(-(self.child.id() as i32), 0) == 0 }
    }

    /// Stops the whole process group: SIGTERM, then SIGKILL after 3 s; reaps the child.
    pub fn stop(&mut self) {
        let group = -(self.child.id() as i32);
        // SAFETY: signals to the process group this check created for the command.
        unsafe { libc::kill(group, libc::SIGTERM) };
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until && self.group_alive() {
            let _ = self.child.try_wait();
            thread::sleep(POLL);
        }
        if self.group_alive() {
            // SAFETY: as above.
            unsafe { libc::kill(group, libc::SIGKILL) };
        }
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) || self.group_alive() {
            self.stop();
        }
    }
}

/// A network namespace with only loopback (up), for every command: nothing a command does can
/// reach beyond this machine, and its ports are its own. Kept by one `sleep` process, stopped
/// by its pid when dropped.
pub struct Sandbox {
    keeper: Child,
}

impl Sandbox {
    pub fn new() -> Result<Sandbox, String> {
        let keeper = Command::new("unshare")
            .args([
                "--net",
                "--",
                "bash",
                "-c",
                "ip link set lo up && exec sleep 86400",
            ])
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start unshare ({e})"))?;
        let sandbox = Sandbox { keeper };
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let up = Command::new("nsenter")
                .arg(format!("--net={}", sandbox.netns().display()))
                .args(["--", "ip", "-o", "link", "show", "lo", "up"])
                .output()
                .is_ok_and(|o| o.status.success() && !o.stdout.is_empty());
            if up {
                return Ok(sandbox);
            }
            if Instant::now() >= until {
                return Err(
                    "a network namespace with loopback up did not come up within 10 s \
                            (`unshare --net` and `nsenter` need root, as in CI)"
                        .into(),
                );
            }
            thread::sleep(POLL);
        }
    }

    pub fn netns(&self) -> PathBuf {
        PathBuf::from(format!("/proc/{}/ns/net", self.keeper.id()))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.keeper.kill();
        let _ = self.keeper.wait();
    }
}
