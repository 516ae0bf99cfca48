//! Grading one exercise: `cargo test --test exNN_…` on its own, first built (`--no-run`, as long
//! as compiling takes), then run with a time limit. Judged by cargo's exit status; from the output
//! only what the view shows is taken: rustc's first error, and the first failing test's section.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Where one exercise stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `cargo test` exited 0.
    Passed { tests: usize },
    /// Some tests failed: the first failing test (in the test file's order) and its section of
    /// libtest's output, or none and the end of the output when the test program crashed.
    Failed { passed: usize, failed: usize, first: Option<String>, output: String },
    /// rustc's first error block, and its `file:line:column`.
    DoesNotCompile { location: Option<String>, error: String },
    /// The tests ran longer than the limit and were killed.
    TimedOut(Duration),
    /// cargo could not be run, or failed without a compile error (its last lines).
    CouldNotRun(String),
}

/// Runs cargo in the project.
pub struct Cargo {
    /// `$CARGO` (the cargo that started `cargo run`) or `cargo`.
    pub program: OsString,
    pub project: PathBuf,
    pub time_limit: Duration,
}

/// A finished command: its status, stdout, stderr. `Err`: it could not start, or ran over its
/// limit.
type Ran = Result<(ExitStatus, String, String), Outcome>;

impl Cargo {
    /// Grades one exercise. `cancel` is asked every few milliseconds; when it says yes, the run
    /// is killed and `None` returned.
    pub fn check(&self, stem: &str, cancel: &mut dyn FnMut() -> bool) -> Option<Outcome> {
        let mut build = Command::new(&self.program);
        build.args(["test", "--test", stem, "--no-run", "--color", "never"]);
        let (built, _, stderr) = match self.run(build, None, cancel)? {
            Ok(ran) => ran,
            Err(outcome) => return Some(outcome),
        };
        if !built.success() {
            return Some(match first_error(&stderr) {
                Some((error, location)) if stderr.contains("error: could not compile") => {
                    Outcome::DoesNotCompile { location, error }
                }
                _ => Outcome::CouldNotRun(last_lines(&stderr, 6)),
            });
        }
        // The test program itself, as cargo named it (`Executable tests/ex01….rs (target/…)`):
        // no second cargo, which could wait on a build lock inside the time limit.
        let executable = stderr.lines().find_map(|line| {
            let named = line.trim_start().strip_prefix("Executable ")?;
            named.rsplit_once('(')?.1.strip_suffix(')')
        });
        let Some(executable) = executable else {
            return Some(Outcome::CouldNotRun(format!(
                "cargo did not name the test program:\n{stderr}"
            )));
        };
        let mut tests = Command::new(self.project.join(executable));
        tests.args(["-q", "--color", "never"]);
        let (status, stdout, stderr) = match self.run(tests, Some(self.time_limit), cancel)? {
            Ok(ran) => ran,
            Err(outcome) => return Some(outcome),
        };
        let (passed, failed) = counts(&stdout);
        if status.success() {
            return Some(Outcome::Passed { tests: passed });
        }
        let source = std::fs::read_to_string(self.project.join(format!("tests/{stem}.rs")));
        let (first, output) = match first_failure(&stdout, &source.unwrap_or_default()) {
            Some((name, section)) => (Some(name), section),
            None => (
                None,
                format!(
                    "{}\n(the test program {status})",
                    last_lines(&format!("{stdout}\n{stderr}"), 8)
                ),
            ),
        };
        Some(Outcome::Failed { passed, failed, first, output })
    }

    /// Runs `command` in the project with its output captured, in a process group of its own, so
    /// that a time limit or a cancel ends it with all it started (the test program's threads and
    /// children). `None`: cancelled.
    fn run(
        &self,
        mut command: Command,
        limit: Option<Duration>,
        cancel: &mut dyn FnMut() -> bool,
    ) -> Option<Ran> {
        command.current_dir(&self.project).env("RUST_BACKTRACE", "0");
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(error) => {
                let program = Path::new(command.get_program()).display();
                return Some(Err(Outcome::CouldNotRun(format!("cannot run `{program}`: {error}"))));
            }
        };
        // A process group of its own no longer gets the terminal's Ctrl-C. This watchman, in
        // that group, kills the group when its input closes: when the run ends, is cut short,
        // or when this tool itself dies (Ctrl-C, a closed terminal).
        #[cfg(unix)]
        let watchman = std::os::unix::process::CommandExt::process_group(
            Command::new("sh")
                .args(["-c", "read x; kill -KILL 0"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null()),
            child.id() as i32,
        )
        .spawn()
        .ok();
        let (stdout, stderr) = (read_all(child.stdout.take()), read_all(child.stderr.take()));
        let started = Instant::now();
        let ended = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(Ok(status)),
                Err(error) => {
                    break Some(Err(Outcome::CouldNotRun(format!("lost the test run: {error}"))));
                }
                Ok(None) if cancel() => break None,
                Ok(None) if limit.is_some_and(|limit| started.elapsed() > limit) => {
                    break Some(Err(Outcome::TimedOut(limit.unwrap_or_default())));
                }
                Ok(None) => thread::sleep(Duration::from_millis(20)),
            }
        };
        #[cfg(unix)]
        if let Some(mut watchman) = watchman {
            drop(watchman.stdin.take());
            let _ = watchman.wait();
        }
        let _ = child.kill();
        let _ = child.wait();
        let collect = |output: mpsc::Receiver<String>| {
            output.recv_timeout(Duration::from_secs(2)).unwrap_or_default()
        };
        Some(ended?.map(|status| (status, collect(stdout), collect(stderr))))
    }
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

/// rustc's first error block (warnings skipped) and its ` --> ` location, with the path as
/// the student knows it (`exercises/…`, not `tests/../exercises/…`).
fn first_error(stderr: &str) -> Option<(String, Option<String>)> {
    let mut lines = stderr.lines().skip_while(|line| {
        !line.starts_with("error") || line.starts_with("error: could not compile")
    });
    let header = lines.next()?;
    let block: Vec<&str> =
        std::iter::once(header).chain(lines.take_while(|line| !line.trim().is_empty())).collect();
    let error = block.join("\n").replace("tests/../", "");
    let location =
        error.lines().find_map(|line| line.trim_start().strip_prefix("--> ")).map(str::to_string);
    Some((error, location))
}

/// libtest's counts: `test result: FAILED. 2 passed; 3 failed; …`.
fn counts(stdout: &str) -> (usize, usize) {
    let Some(line) = stdout.lines().rfind(|line| line.starts_with("test result:")) else {
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
        if let Some(name) = line.strip_prefix("---- ").and_then(|l| l.strip_suffix(" stdout ----"))
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
        source.find(&format!("fn {function}(")).unwrap_or(usize::MAX)
    };
    sections.sort_by_key(|(name, _)| defined_at(name));
    let (name, body) = sections.into_iter().next()?;
    Some((name, body.join("\n").trim_matches('\n').replace("tests/../", "")))
}

fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).collect();
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
        assert_eq!(location.as_deref(), Some("exercises/ex01_ip_lookup.rs:90:9"));
        assert!(error.starts_with("error: expected one of"), "{error}");
        assert!(error.ends_with("expected one of `!` or `::`"), "one block only: {error}");
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
        assert_eq!(name, "b_later", "defined first in the file, though not first by name");
        assert_eq!(section, "thread 'b_later' panicked at tests/ex.rs:9:5:\nlater");
        assert_eq!(counts(stdout), (1, 2));
        assert_eq!(counts("test result: ok. 12 passed; 0 failed; 0 ignored"), (12, 0));
        assert_eq!(first_failure("test result: ok. 1 passed;", source), None);
    }

    /// `check` against a fake cargo and fake test programs, shell scripts that play each outcome.
    #[cfg(unix)]
    #[test]
    fn each_outcome_from_a_fake_cargo_and_a_hang_is_killed_with_what_it_started() {
        use std::os::unix::fs::PermissionsExt;
        let folder =
            std::env::temp_dir().join(format!("net-basics-fake-cargo-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let scripts = [
            (
                "cargo",
                "case $3 in\n\
                 broken) printf 'error: expected `;`\\n --> tests/../exercises/b.rs:3:9\\n\\n\
                 error: could not compile `x`\\n' >&2; exit 101;;\n\
                 offline) echo 'error: failed to download `socket2`' >&2; exit 101;;\n\
                 *) echo \"  Executable tests/$3.rs ($3)\" >&2;;\nesac",
            ),
            ("passes", "echo 'test result: ok. 3 passed; 0 failed;'"),
            (
                "fails",
                "printf -- '---- t stdout ----\\nboom\\n\\nfailures:\\n\\n\
                 test result: FAILED. 1 passed; 1 failed;\\n'; exit 101",
            ),
            ("crashes", "echo 'running 2 tests'; kill -ABRT $$"),
            ("hangs", "sleep 30 & echo $! > hangs.pid; sleep 30"),
        ];
        for (name, script) in scripts {
            let path = folder.join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let limit = Duration::from_millis(500);
        let cargo = Cargo {
            program: folder.join("cargo").into(),
            project: folder.clone(),
            time_limit: limit,
        };
        let check = |stem: &str| cargo.check(stem, &mut || false).expect("not cancelled");
        assert_eq!(check("passes"), Outcome::Passed { tests: 3 });
        let error = "error: expected `;`\n --> exercises/b.rs:3:9".to_string();
        let location = Some("exercises/b.rs:3:9".to_string());
        assert_eq!(check("broken"), Outcome::DoesNotCompile { location, error });
        let offline = Outcome::CouldNotRun("error: failed to download `socket2`".into());
        assert_eq!(check("offline"), offline, "a cargo error is not a compile error");
        let failed = Outcome::Failed {
            passed: 1,
            failed: 1,
            first: Some("t".into()),
            output: "boom".into(),
        };
        assert_eq!(check("fails"), failed);
        let Outcome::Failed { first: None, output, .. } = check("crashes") else {
            panic!("a crash is a failure")
        };
        assert!(output.contains("running 2 tests") && output.contains("SIGABRT"), "{output}");
        let started = Instant::now();
        assert_eq!(check("hangs"), Outcome::TimedOut(limit));
        assert!(started.elapsed() < Duration::from_secs(5), "killed at the limit, not waited for");
        let background = std::fs::read_to_string(folder.join("hangs.pid")).unwrap();
        // Gone, or a zombie that its new parent has not reaped yet (Linux: /proc/PID/stat);
        // a killed process may take a moment to get there.
        let state = || {
            let stat = std::fs::read_to_string(format!("/proc/{}/stat", background.trim()));
            stat.map(|stat| stat.rsplit(") ").next().unwrap_or("").chars().next())
        };
        let killed = || matches!(state(), Err(_) | Ok(Some('Z')));
        let deadline = Instant::now() + Duration::from_secs(2);
        while !killed() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        assert!(killed(), "what the run started in the background is killed too: {:?}", state());
        let started = Instant::now();
        let cancelled =
            cargo.check("hangs", &mut || started.elapsed() > Duration::from_millis(200));
        assert_eq!(cancelled, None, "a cancel ends the run");
        let _ = std::fs::remove_dir_all(&folder);
    }
}
