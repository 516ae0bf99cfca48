//! Grading one exercise: `cargo test --test exNN_…` on its own, first built (`--no-run`, as long
//! as compiling takes), then run with a time limit. Judged by cargo's exit status; from the output
//! only what the view shows is taken: rustc's first error, and the first failing test's section.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Where one exercise stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// cargo test exited 0.
    Passed { tests: usize },
    /// Some tests failed. `first`: the first failing test (in the test file's order) and its
    /// section of libtest's output, or the end of cargo's output when the run crashed.
    Failed {
        passed: usize,
        failed: usize,
        first: Option<String>,
        output: String,
    },
    /// rustc's first error block, and its `file:line:column`.
    DoesNotCompile {
        location: Option<String>,
        error: String,
    },
    /// The tests ran longer than the limit and were killed.
    TimedOut(Duration),
    /// cargo could not be run, or failed without a compile error (its last lines).
    CouldNotRun(String),
}

/// How a command ended.
enum Ended {
    Exited {
        success: bool,
        stdout: String,
        stderr: String,
    },
    TimedOut,
    Cancelled,
}

/// Runs cargo in the project.
pub struct Cargo {
    /// `$CARGO` (the cargo that started `cargo run`) or `cargo`.
    pub program: OsString,
    pub project: PathBuf,
    pub time_limit: Duration,
}

impl Cargo {
    fn command(&self, stem: &str, extra: &[&str]) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(["test", "--test", stem, "-q", "--color", "never"])
            .args(extra)
            .current_dir(&self.project)
            .env("RUST_BACKTRACE", "0");
        command
    }

    /// Grades one exercise. `cancel` is asked every few milliseconds; when it says yes, the run
    /// is killed and `None` returned.
    pub fn check(&self, stem: &str, cancel: &mut dyn FnMut() -> bool) -> Option<Outcome> {
        let build = run(self.command(stem, &["--no-run"]), None, cancel);
        match build {
            Err(error) => return Some(Outcome::CouldNotRun(error)),
            Ok(Ended::Cancelled) => return None,
            Ok(Ended::Exited {
                success: false,
                stderr,
                ..
            }) => {
                return Some(match first_error(&stderr) {
                    Some((error, location)) => Outcome::DoesNotCompile { location, error },
                    None => Outcome::CouldNotRun(last_lines(&stderr, 6)),
                });
            }
            Ok(_) => {}
        }
        let limit = Some(self.time_limit);
        Some(match run(self.command(stem, &[]), limit, cancel) {
            Err(error) => Outcome::CouldNotRun(error),
            Ok(Ended::Cancelled) => return None,
            Ok(Ended::TimedOut) => Outcome::TimedOut(self.time_limit),
            Ok(Ended::Exited {
                success: true,
                stdout,
                ..
            }) => Outcome::Passed {
                tests: counts(&stdout).0,
            },
            Ok(Ended::Exited {
                success: false,
                stdout,
                stderr,
            }) => {
                let source = std::fs::read_to_string(self.project.join(format!("tests/{stem}.rs")));
                let (passed, failed) = counts(&stdout);
                match first_failure(&stdout, &source.unwrap_or_default()) {
                    Some((name, output)) => Outcome::Failed {
                        passed,
                        failed,
                        first: Some(name),
                        output,
                    },
                    None => Outcome::Failed {
                        passed,
                        failed,
                        first: None,
                        output: last_lines(&format!("{stdout}\n{stderr}"), 8),
                    },
                }
            }
        })
    }
}

/// Runs `command` with its output captured, in a process group of its own so that a time limit
/// or a cancel kills it with everything it started (cargo, the test program, its threads).
fn run(
    mut command: Command,
    limit: Option<Duration>,
    cancel: &mut dyn FnMut() -> bool,
) -> Result<Ended, String> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|error| {
        format!(
            "cannot run `{}`: {error}",
            Path::new(command.get_program()).display()
        )
    })?;
    let guard = Guard::new(&child);
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    let started = Instant::now();
    let ended = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status.success()),
            Ok(None) => {}
            Err(error) => return Err(format!("lost the test run: {error}")),
        }
        if cancel() {
            break None;
        }
        if limit.is_some_and(|limit| started.elapsed() > limit) {
            guard.kill(&mut child);
            return Ok(Ended::TimedOut);
        }
        thread::sleep(Duration::from_millis(20));
    };
    guard.kill(&mut child);
    let Some(success) = ended else {
        return Ok(Ended::Cancelled);
    };
    let wait = |output: mpsc::Receiver<String>| output.recv_timeout(Duration::from_secs(2));
    Ok(Ended::Exited {
        success,
        stdout: wait(stdout).unwrap_or_default(),
        stderr: wait(stderr).unwrap_or_default(),
    })
}

fn read_all(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    if let Some(mut pipe) = pipe {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            let _ = sender.send(String::from_utf8_lossy(&bytes).into_owned());
        });
    }
    receiver
}

/// Ends a run's process group — when the run ends, is cut short, or when this tool itself dies
/// (Ctrl-C, a closed terminal): a process group of its own no longer gets the terminal's Ctrl-C,
/// so a watchman in that group, `sh -c 'read x; kill -KILL 0'`, waits on a pipe from this tool
/// and kills its group when the pipe closes. Ends leftovers too (a server a test started).
struct Guard {
    #[cfg(unix)]
    watchman: Option<Child>,
}

impl Guard {
    fn new(_child: &Child) -> Guard {
        Guard {
            #[cfg(unix)]
            watchman: {
                use std::os::unix::process::CommandExt;
                Command::new("sh")
                    .args(["-c", "read x; kill -KILL 0"])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .process_group(_child.id() as i32)
                    .spawn()
                    .ok()
            },
        }
    }

    fn kill(self, child: &mut Child) {
        #[cfg(unix)]
        {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stderr(Stdio::null())
                .status();
            if let Some(mut watchman) = self.watchman {
                drop(watchman.stdin.take());
                let _ = watchman.wait();
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// rustc's first error block (warnings skipped) and its ` --> ` location, with the path as
/// the student knows it (`exercises/…`, not `tests/../exercises/…`).
fn first_error(stderr: &str) -> Option<(String, Option<String>)> {
    let mut lines = stderr.lines().skip_while(|line| {
        !line.starts_with("error") || line.starts_with("error: could not compile")
    });
    let header = lines.next()?;
    let block: Vec<&str> = std::iter::once(header)
        .chain(lines.take_while(|line| !line.trim().is_empty()))
        .collect();
    let error = block.join("\n").replace("tests/../", "");
    let location = error
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("--> "))
        .map(str::to_string);
    Some((error, location))
}

/// libtest's counts: `test result: FAILED. 2 passed; 3 failed; …`.
fn counts(stdout: &str) -> (usize, usize) {
    let Some(line) = stdout
        .lines()
        .rfind(|line| line.starts_with("test result:"))
    else {
        return (0, 0);
    };
    let count = |word: &str| {
        line.split(';')
            .find_map(|part| part.trim().strip_suffix(word))
            .and_then(|number| number.rsplit(' ').find(|word| !word.is_empty()))
            .and_then(|number| number.parse().ok())
            .unwrap_or(0)
    };
    (count(" passed"), count(" failed"))
}

/// The failing test defined first in the test file (the files go from the simplest rule to the
/// hardest; libtest sorts by name), and its `---- name stdout ----` section.
fn first_failure(stdout: &str, source: &str) -> Option<(String, String)> {
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            sections.push((name.to_string(), Vec::new()));
        } else if line == "failures:" || line.starts_with("test result:") {
            if !sections.is_empty() {
                break;
            }
        } else if let Some((_, body)) = sections.last_mut() {
            if !line.starts_with("note: run with `RUST_BACKTRACE=1`") {
                body.push(line);
            }
        }
    }
    let defined_at = |name: &str| {
        let function = name.rsplit("::").next().unwrap_or(name);
        source
            .find(&format!("fn {function}("))
            .unwrap_or(usize::MAX)
    };
    sections.sort_by_key(|(name, _)| defined_at(name));
    let (name, body) = sections.into_iter().next()?;
    Some((
        name,
        body.join("\n").trim_matches('\n').replace("tests/../", ""),
    ))
}

fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_error_is_rustcs_block_with_the_students_path() {
        let stderr = "warning: unused import: `std::fmt`\n --> src/x.rs:1:5\n\n\
                      error: expected one of `!` or `::`, found `is`\n \
                      --> tests/../exercises/ex01_ip_lookup.rs:90:9\n   |\n\
                      90 | fn this is not rust\n   |         ^^ expected one of `!` or `::`\n\n\
                      error[E0425]: cannot find value `x`\n --> tests/ex01_ip_lookup.rs:3:1\n\n\
                      error: could not compile `net-basics` (test \"ex01_ip_lookup\")\n";
        let (error, location) = first_error(stderr).unwrap();
        assert_eq!(
            location.as_deref(),
            Some("exercises/ex01_ip_lookup.rs:90:9")
        );
        assert!(error.starts_with("error: expected one of"), "{error}");
        assert!(
            error.ends_with("expected one of `!` or `::`"),
            "one block only: {error}"
        );
        assert_eq!(first_error("error: could not compile `x`\n"), None);
    }

    #[test]
    fn the_first_failure_follows_the_test_files_order() {
        let stdout = "\nrunning 3 tests\n.FF\nfailures:\n\n---- b_later stdout ----\n\n\
                      thread 'b_later' panicked at tests/ex.rs:9:5:\nlater\n\
                      note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\
                      ---- a_first stdout ----\n\nthread 'a_first' panicked at x.rs:2:5:\n\
                      not yet implemented: exercise 2: … — book chapter 2\n\n\
                      failures:\n    a_first\n    b_later\n\n\
                      test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out\n";
        let source = "fn c() {}\n#[test]\nfn b_later() {}\n#[test]\nfn a_first() {}\n";
        let (name, section) = first_failure(stdout, source).unwrap();
        assert_eq!(
            name, "b_later",
            "defined first in the file, though not first by name"
        );
        assert_eq!(
            section,
            "thread 'b_later' panicked at tests/ex.rs:9:5:\nlater"
        );
        assert_eq!(counts(stdout), (1, 2));
        assert_eq!(
            counts("test result: ok. 12 passed; 0 failed; 0 ignored"),
            (12, 0)
        );
        assert_eq!(first_failure("test result: ok. 1 passed;", source), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_run_over_its_limit_is_killed_with_what_it_started() {
        let started = Instant::now();
        let mut command = Command::new("sh");
        command.args(["-c", "sleep 30 & sleep 30"]);
        let ended = run(command, Some(Duration::from_millis(300)), &mut || false).unwrap();
        assert!(matches!(ended, Ended::TimedOut), "over its limit");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "killed, not waited for"
        );
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 3"]);
        let Ended::Exited {
            success,
            stdout,
            stderr,
        } = run(command, None, &mut || false).unwrap()
        else {
            panic!("a command that exits is reported as exited");
        };
        assert_eq!(
            (success, stdout.as_str(), stderr.as_str()),
            (false, "out\n", "err\n")
        );
        let mut command = Command::new("sleep");
        command.arg("30");
        let ended = run(command, None, &mut || {
            started.elapsed() > Duration::from_secs(1)
        });
        assert!(
            matches!(ended, Ok(Ended::Cancelled)),
            "a cancel ends the run"
        );
    }
}
