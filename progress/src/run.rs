//! Grading one exercise: `cargo test --test exNN_…` on its own, first built (`--no-run`, as long
//! as compiling takes), then run with a time limit. Judged by cargo's exit status; from the output
//! only what the view shows is taken: rustc's first error, the warnings about the exercise's own
//! file, the first failing test's section, and which tests never finished.

use std::ffi::{OsStr, OsString};
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
    /// libtest's output, or none and the end of the output when the test program crashed; and
    /// rustc's warnings about the exercise's file.
    Failed { passed: usize, failed: usize, first: Option<String>, output: String, warnings: String },
    /// rustc's first error block, and its `file:line:column`.
    DoesNotCompile { location: Option<String>, error: String },
    /// No test finished for `limit`: the tests were stopped. `unfinished`: the tests still
    /// running then, in the test file's order; `failure`: the first test (in the file's order)
    /// that had failed by then, with its section of libtest's output (run again on its own:
    /// libtest prints a failure's message only at the end); `warnings` as for `Failed`.
    TimedOut {
        limit: Duration,
        unfinished: Vec<String>,
        failure: Option<(String, String)>,
        warnings: String,
    },
    /// cargo could not be run, or failed without a compile error (its last lines).
    CouldNotRun(String),
    /// Not graded: its tests need these cargo features, which are off.
    NeedsFeatures(Vec<String>),
}

/// How long a test program may take to print its first line (`running N tests`): starting a
/// freshly built program can take seconds where a virus scanner looks at it first (Windows).
const START_LIMIT: Duration = Duration::from_secs(20);

/// How long the tests may go without one of them finishing, by default: a hang is reported
/// within 5 s of its start (issue 17), and the exercises' tests that pass finish in a second or
/// less. It is at least twice the longest that any exercise test waits for the student's code
/// (`tests/common/patience.rs` asserts it when the tests compile): a test that gives up on a
/// wrong answer must be seen failing with its message, not stopped here as a hang.
pub const TIME_LIMIT: Duration = Duration::from_secs(4);

/// `Ok` when `program` (cargo) runs, and builds for the OS this program runs on; else why not,
/// in one sentence. A cross build whose tests run under an emulator (the Windows build under
/// Wine) cannot drive cargo: the cargo there builds for another OS.
pub fn cargo_here(program: &OsStr) -> Result<(), String> {
    let name = Path::new(program).display();
    let mut version = Command::new(program);
    version.arg("-vV").stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = version.spawn().map_err(|error| format!("cannot run `{name}` ({error})"))?;
    let stdout = read_chunks(child.stdout.take());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
            waited => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(match waited {
                    Err(error) => format!("`{name} -vV` was lost ({error})"),
                    _ => format!("`{name} -vV` did not answer within 20 s"),
                });
            }
        }
    };
    if !status.success() {
        return Err(format!("`{name} -vV` failed ({status})"));
    }
    let output: Vec<u8> = stdout.iter().flatten().collect();
    let output = String::from_utf8_lossy(&output);
    let host = output.lines().find_map(|line| line.strip_prefix("host: ")).unwrap_or("");
    let os = if std::env::consts::OS == "macos" { "darwin" } else { std::env::consts::OS };
    if host.contains(os) {
        Ok(())
    } else {
        Err(format!(
            "`{name}` builds for {host}, and this program runs on {} (a cross build, run by an \
             emulator such as Wine)",
            std::env::consts::OS
        ))
    }
}

/// Runs cargo in the project.
pub struct Cargo {
    /// `$CARGO` (the cargo that started `cargo run` or `cargo test`) or `cargo`.
    pub program: OsString,
    pub project: PathBuf,
    /// How long the tests may go without one of them finishing before they are stopped.
    pub time_limit: Duration,
    /// Cargo features for every build (`--features solutions` when the outer `cargo test` has
    /// it: the same features build the same library, which is then already built).
    pub features: Vec<String>,
}

/// How a command ended.
enum Ran {
    /// It exited: its status, stdout, stderr.
    Exited(ExitStatus, String, String),
    /// It stayed silent on stdout longer than its limit and was killed: what it had printed.
    Stalled(String),
    /// It could not start, or was lost: why.
    Lost(String),
}

impl Cargo {
    /// `--features a,b` for `extra` and the features of every build, or nothing.
    fn feature_args(&self, extra: &[String]) -> Vec<String> {
        let mut features = self.features.clone();
        features.extend(extra.iter().filter(|f| !self.features.contains(f)).cloned());
        if features.is_empty() { Vec::new() } else { vec!["--features".into(), features.join(",")] }
    }

    /// Builds the tests of several exercises in one cargo, which compiles them side by side
    /// (`--keep-going`: one that does not compile stops none of the others). The result does not
    /// matter: `check` then finds each one built, or reports its error.
    pub fn build_all(&self, stems: &[&str], cancel: &mut dyn FnMut() -> bool) {
        let mut build = Command::new(&self.program);
        build.args(["build", "--keep-going", "--color", "never"]).args(self.feature_args(&[]));
        for stem in stems {
            build.args(["--test", stem]);
        }
        let _ = self.run(build, None, cancel);
    }

    /// Grades one exercise, with the cargo features it needs (`extra`). `cancel` is asked every
    /// few milliseconds; when it says yes, the run is killed and `None` returned.
    pub fn check(
        &self,
        stem: &str,
        extra: &[String],
        cancel: &mut dyn FnMut() -> bool,
    ) -> Option<Outcome> {
        let mut build = Command::new(&self.program);
        build.args(["test", "--test", stem, "--no-run", "--color", "never"]);
        build.args(self.feature_args(extra));
        let (built, stderr) = match self.run(build, None, cancel)? {
            Ran::Exited(status, _, stderr) => (status, stderr),
            Ran::Stalled(_) => unreachable!("no limit, no stall"),
            Ran::Lost(why) => return Some(Outcome::CouldNotRun(why)),
        };
        if !built.success() {
            return Some(match first_error(&stderr) {
                Some((error, location)) if stderr.contains("error: could not compile") => {
                    Outcome::DoesNotCompile { location, error }
                }
                _ => Outcome::CouldNotRun(last_lines(&stderr, 6)),
            });
        }
        let warnings = exercise_warnings(&stderr);
        // The test program itself, as cargo named it: no second cargo, which could wait on a
        // build lock inside the time limit.
        let Some(executable) = test_program(&stderr) else {
            return Some(Outcome::CouldNotRun(format!(
                "cargo did not name the test program:\n{stderr}"
            )));
        };
        let executable = self.project.join(executable);
        let mut tests = Command::new(&executable);
        tests.args(["--color", "never"]);
        let source = std::fs::read_to_string(self.project.join(format!("tests/{stem}.rs")));
        let source = source.unwrap_or_default();
        let (status, stdout, stderr) = match self.run(tests, Some(self.time_limit), cancel)? {
            Ran::Exited(status, stdout, stderr) => (status, stdout, stderr),
            Ran::Lost(why) => return Some(Outcome::CouldNotRun(why)),
            Ran::Stalled(printed) => {
                // What the tests printed says which ones finished; the others are in the list
                // of all of them.
                let mut list = Command::new(&executable);
                list.args(["--list", "--format", "terse"]);
                let listed = match self.run(list, Some(Duration::from_secs(5)), &mut || false)? {
                    Ran::Exited(_, stdout, _) => stdout,
                    _ => String::new(),
                };
                let finished = finished_tests(&printed);
                let mut unfinished: Vec<String> = listed
                    .lines()
                    .filter_map(|line| line.strip_suffix(": test"))
                    .filter(|name| !finished.contains(name))
                    .map(str::to_string)
                    .collect();
                unfinished.sort_by_key(|name| defined_at(&source, name));
                // libtest prints a failure's message only when every test has ended: run the
                // first test that failed again, on its own, for it.
                let mut failed = failed_tests(&printed);
                failed.sort_by_key(|name| defined_at(&source, name));
                let failure = match failed.first() {
                    Some(name) => {
                        let mut again = Command::new(&executable);
                        again.args(["--exact", name, "--color", "never"]);
                        match self.run(again, Some(self.time_limit), cancel)? {
                            Ran::Exited(_, stdout, _) => first_failure(&stdout, &source),
                            _ => None,
                        }
                    }
                    None => None,
                };
                let limit = self.time_limit;
                return Some(Outcome::TimedOut { limit, unfinished, failure, warnings });
            }
        };
        let (passed, failed) = counts(&stdout);
        if status.success() {
            return Some(Outcome::Passed { tests: passed });
        }
        let (first, output) = match first_failure(&stdout, &source) {
            Some((name, section)) => (Some(name), section),
            None => (
                None,
                format!(
                    "{}\n(the test program {status})",
                    last_lines(&format!("{stdout}\n{stderr}"), 8)
                ),
            ),
        };
        Some(Outcome::Failed { passed, failed, first, output, warnings })
    }

    /// Runs `command` in the project with its output captured, in a process group of its own, so
    /// that a time limit or a cancel ends it with all it started (the test program's threads and
    /// children). `limit`: how long it may stay silent on stdout (after its first line; before
    /// it, [`START_LIMIT`]). `None`: cancelled.
    ///
    /// Windows has no process groups to kill: `kill` ends the one process (TerminateProcess).
    /// That is enough for what runs here. A killed cargo takes its rustc and linker with it: cargo
    /// puts itself and its children in a job object that kills them all when its handle closes,
    /// as it does when cargo dies (cargo, `src/cargo/util/job.rs`). A test program dies with its
    /// threads, and the exercises' tests start no programs. A test that started one would leave
    /// it running on Windows.
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
                return Some(Ran::Lost(format!("cannot run `{program}`: {error}")));
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
        let (stdout, stderr) = (read_chunks(child.stdout.take()), read_chunks(child.stderr.take()));
        let mut printed = Vec::new();
        let mut last_output: Option<Instant> = None;
        let started = Instant::now();
        enum End {
            Exited(ExitStatus),
            Stalled,
            Lost(String),
        }
        let ended = loop {
            while let Ok(chunk) = stdout.try_recv() {
                printed.push(chunk);
                last_output = Some(Instant::now());
            }
            let silent = match last_output {
                Some(at) => limit.map(|limit| (at.elapsed(), limit)),
                None => limit.map(|limit| (started.elapsed(), limit.max(START_LIMIT))),
            };
            match child.try_wait() {
                Ok(Some(status)) => break Some(End::Exited(status)),
                Err(error) => break Some(End::Lost(format!("lost the test run: {error}"))),
                Ok(None) if cancel() => break None,
                Ok(None) if silent.is_some_and(|(silent, limit)| silent > limit) => {
                    break Some(End::Stalled);
                }
                Ok(None) => thread::sleep(Duration::from_millis(10)),
            }
        };
        #[cfg(unix)]
        if let Some(mut watchman) = watchman {
            drop(watchman.stdin.take());
            let _ = watchman.wait();
        }
        let _ = child.kill();
        let _ = child.wait();
        // The rest of the output: the pipes close when the program and all it started are gone.
        let collect = |output: mpsc::Receiver<Vec<u8>>, mut bytes: Vec<Vec<u8>>| {
            let deadline = Instant::now() + Duration::from_secs(2);
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                match output.recv_timeout(left) {
                    Ok(chunk) => bytes.push(chunk),
                    Err(_) => break,
                }
            }
            String::from_utf8_lossy(&bytes.concat()).into_owned()
        };
        let stdout = collect(stdout, printed);
        Some(match ended? {
            End::Exited(status) => Ran::Exited(status, stdout, collect(stderr, Vec::new())),
            End::Stalled => Ran::Stalled(stdout),
            End::Lost(why) => Ran::Lost(why),
        })
    }
}

/// The test program cargo built, from its line `Executable tests/ex01….rs (PATH)`. PATH is
/// relative to the project, or absolute when the target dir is elsewhere, and may hold
/// parentheses of its own (`C:\Users\li\Downloads\net-basics (1)\target\…`: Windows names a
/// second download so): it starts after the first ` (` and ends before the last `)`.
fn test_program(stderr: &str) -> Option<&str> {
    stderr.lines().find_map(|line| {
        let named = line.trim_start().strip_prefix("Executable ")?;
        named.split_once(" (")?.1.strip_suffix(')')
    })
}

/// What `pipe` gives, chunk by chunk as it comes, until it closes.
fn read_chunks(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel();
    if let Some(mut pipe) = pipe {
        thread::spawn(move || {
            let mut buffer = [0; 8192];
            while let Ok(read @ 1..) = pipe.read(&mut buffer) {
                if sender.send(buffer[..read].to_vec()).is_err() {
                    break;
                }
            }
        });
    }
    receiver
}

/// A path as the student knows it: `exercises/…`, not the `tests/../exercises/…` through which
/// the test file includes it (`tests\../exercises/…` or `tests\..\exercises\…` on Windows).
pub fn student_paths(text: &str) -> String {
    ["tests/../", "tests\\../", "tests\\..\\", "tests/..\\"]
        .iter()
        .fold(text.to_string(), |text, prefix| text.replace(prefix, ""))
}

/// rustc's first error block (warnings skipped) and its ` --> ` location, with the path as
/// the student knows it.
fn first_error(stderr: &str) -> Option<(String, Option<String>)> {
    let mut lines = stderr.lines().skip_while(|line| {
        !line.starts_with("error") || line.starts_with("error: could not compile")
    });
    let header = lines.next()?;
    let block: Vec<&str> =
        std::iter::once(header).chain(lines.take_while(|line| !line.trim().is_empty())).collect();
    let error = student_paths(&block.join("\n"));
    Some((error.clone(), location(&error)))
}

/// The `file:line:column` of a rustc message: its first ` --> ` line.
fn location(block: &str) -> Option<String> {
    block.lines().find_map(|line| line.trim_start().strip_prefix("--> ")).map(str::to_string)
}

/// rustc's warnings about the exercise's own file (`exercises/…`, or `solutions/…` with
/// `--features solutions`), one line each as rustc's short format has them (`file:line:column:
/// warning: …`); cargo replays them when the tests are already built. Warnings about other files
/// (the tests, the library) are left out.
fn exercise_warnings(stderr: &str) -> String {
    let mut warnings = Vec::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        if !line.starts_with("warning") {
            continue;
        }
        let mut block = vec![line];
        while let Some(next) = lines.next_if(|next| !next.trim().is_empty()) {
            block.push(next);
        }
        let block = student_paths(&block.join("\n"));
        match location(&block) {
            Some(at) if at.starts_with("exercises") || at.starts_with("solutions") => {
                warnings.push(format!("{at}: {line}"));
            }
            _ => {}
        }
    }
    warnings.join("\n")
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

/// The tests libtest reported as finished: `test NAME ... ok` (or `FAILED`, `ignored`).
fn finished_tests(stdout: &str) -> Vec<&str> {
    let finished =
        stdout.lines().filter_map(|line| line.strip_prefix("test ")?.split_once(" ... "));
    finished.filter(|(_, result)| !result.is_empty()).map(|(name, _)| name).collect()
}

/// The tests libtest reported as failed: `test NAME ... FAILED`.
fn failed_tests(stdout: &str) -> Vec<&str> {
    let finished =
        stdout.lines().filter_map(|line| line.strip_prefix("test ")?.split_once(" ... "));
    finished.filter(|(_, result)| *result == "FAILED").map(|(name, _)| name).collect()
}

/// Where test `name` is defined in the test file (the files go from the simplest rule to the
/// hardest; libtest sorts by name).
fn defined_at(source: &str, name: &str) -> usize {
    let function = name.rsplit("::").next().unwrap_or(name);
    source.find(&format!("fn {function}(")).unwrap_or(usize::MAX)
}

/// The failing test defined first in the test file, and its `---- name stdout ----` section.
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
    sections.sort_by_key(|(name, _)| defined_at(source, name));
    let (name, body) = sections.into_iter().next()?;
    Some((name, student_paths(body.join("\n").trim_matches('\n'))))
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
        // rustc on Windows joins the test file's folder with `\`, the #[path] with `/`.
        let windows = "error: expected `;`\n  --> tests\\../exercises/ex01_ip_lookup.rs:3:9\n";
        let (_, location) = first_error(windows).unwrap();
        assert_eq!(location.as_deref(), Some("exercises/ex01_ip_lookup.rs:3:9"));
        assert_eq!(
            student_paths(r"at tests\..\exercises\ex01.rs:3:9"),
            r"at exercises\ex01.rs:3:9"
        );
    }

    #[test]
    fn the_test_program_is_found_also_in_a_folder_with_parentheses() {
        let unix = "   Compiling x\n  Executable tests/ex01_ip_lookup.rs \
                    (target/debug/deps/ex01_ip_lookup-3f2a)\n";
        assert_eq!(test_program(unix), Some("target/debug/deps/ex01_ip_lookup-3f2a"));
        let windows = "  Executable tests\\ex01_ip_lookup.rs (C:\\Users\\li\\net-basics (1)\\\
                       target\\debug\\deps\\ex01_ip_lookup-3f2a.exe)";
        assert_eq!(
            test_program(windows),
            Some(r"C:\Users\li\net-basics (1)\target\debug\deps\ex01_ip_lookup-3f2a.exe")
        );
        assert_eq!(test_program("error: could not compile `x`"), None);
    }

    #[test]
    fn the_warnings_shown_are_the_ones_about_the_exercise() {
        let stderr = "   Compiling net-basics v0.1.0\n\
                      warning: unused import: `std::fmt`\n --> src/lib.rs:1:5\n  |\n\n\
                      warning: unused return value of `core::str::<impl str>::strip_prefix` that \
                      must be used\n  --> tests/../exercises/ex04_time_server.rs:40:9\n   |\n\
                      40 |         line.strip_prefix(\"x\");\n   |         ^^^^^^^^^^^^^^^^^^^^^^\n\n\
                      warning: unused variable: `x`\n --> tests/ex04_time_server.rs:9:9\n\n\
                      warning: function `helper` is never used\n \
                      --> tests\\../solutions/ex04_time_server.rs:7:4\n\n\
                      warning: `net-basics` (test \"ex04_time_server\") generated 3 warnings\n\
                      \x20   Finished `test` profile\n";
        let warnings = exercise_warnings(stderr);
        assert_eq!(
            warnings,
            "exercises/ex04_time_server.rs:40:9: warning: unused return value of \
             `core::str::<impl str>::strip_prefix` that must be used\n\
             solutions/ex04_time_server.rs:7:4: warning: function `helper` is never used",
            "one line each, only the exercise's (its solution's with --features solutions)"
        );
        assert_eq!(exercise_warnings("    Finished `test` profile\n"), "");
    }

    #[test]
    fn the_first_failure_follows_the_test_files_order() {
        let stdout = "\nrunning 3 tests\ntest c ... ok\ntest b_later ... FAILED\n\
                      test a_first ... FAILED\n\nfailures:\n\n---- b_later stdout ----\n\n\
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
        assert_eq!(finished_tests(stdout), ["c", "b_later", "a_first"]);
        assert_eq!(counts("test result: ok. 12 passed; 0 failed; 0 ignored"), (12, 0));
        assert_eq!(first_failure("test result: ok. 1 passed;", source), None);
        // One test thread: the name comes when the test starts, the result when it ends.
        assert_eq!(finished_tests("running 2 tests\ntest c ... ok\ntest a_first ... "), ["c"]);
    }

    /// A cargo that builds for another OS (the Windows build's tests, run by Wine, find the
    /// Linux cargo) cannot grade here; one that does not start cannot either.
    #[cfg(target_os = "linux")]
    #[test]
    fn cargo_is_driven_only_where_it_builds_for_this_os() {
        use std::os::unix::fs::PermissionsExt;
        let _scripts = crate::scripts_lock();
        let folder = std::env::temp_dir().join(format!("net-basics-hosts-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let fake = |name: &str, host: &str| {
            let path = folder.join(name);
            std::fs::write(&path, format!("#!/bin/sh\nprintf 'cargo 1.95.0\\nhost: {host}\\n'\n"))
                .unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            path
        };
        let linux = fake("linux-cargo", "x86_64-unknown-linux-gnu");
        let windows = fake("windows-cargo", "x86_64-pc-windows-msvc");
        assert_eq!(cargo_here(linux.as_os_str()), Ok(()));
        let other = cargo_here(windows.as_os_str()).unwrap_err();
        assert!(
            other.contains("builds for x86_64-pc-windows-msvc, and this program runs on linux")
        );
        let missing = cargo_here(folder.join("none").as_os_str()).unwrap_err();
        assert!(missing.starts_with("cannot run `") && missing.contains("none"), "{missing}");
        let _ = std::fs::remove_dir_all(&folder);
    }

    /// `check` against a fake cargo and fake test programs, shell scripts that play each outcome.
    #[cfg(unix)]
    #[test]
    fn each_outcome_from_a_fake_cargo_and_a_hang_is_killed_with_what_it_started() {
        use std::os::unix::fs::PermissionsExt;
        let _scripts = crate::scripts_lock();
        let folder =
            std::env::temp_dir().join(format!("net-basics-fake-cargo-{}", std::process::id()));
        std::fs::create_dir_all(folder.join("tests")).unwrap();
        let scripts = [
            (
                "cargo",
                "echo \"$@\" >> cargo.log\n\
                 case $3 in\n\
                 broken) printf 'error: expected `;`\\n --> tests/../exercises/b.rs:3:9\\n\\n\
                 error: could not compile `x`\\n' >&2; exit 101;;\n\
                 offline) echo 'error: failed to download `socket2`' >&2; exit 101;;\n\
                 fails) printf 'warning: unused `Result`\\n --> tests/../exercises/fails.rs:2:5\\n\\n' >&2\n\
                 echo '  Executable tests/fails.rs (fails)' >&2;;\n\
                 *) echo \"  Executable tests/$3.rs ($3)\" >&2;;\nesac",
            ),
            ("passes", "echo 'test result: ok. 3 passed; 0 failed;'"),
            (
                "fails",
                "printf -- '---- t stdout ----\\nboom\\n\\nfailures:\\n\\n\
                 test result: FAILED. 1 passed; 1 failed;\\n'; exit 101",
            ),
            ("crashes", "echo 'running 2 tests'; kill -ABRT $$"),
            (
                "hangs",
                "case $1 in --list) printf 'a_first: test\\na_fails: test\\nb_hangs: test\\n\
                 c_hangs: test\\nd_fails: test\\n'; exit;;\n\
                 --exact) printf -- 'running 1 test\\ntest %s ... FAILED\\n\\nfailures:\\n\\n\
                 ---- %s stdout ----\\n%s failed first\\n\\nfailures:\\n    %s\\n\\n\
                 test result: FAILED. 0 passed; 1 failed;\\n' $2 $2 $2 $2; exit 101;; esac\n\
                 echo 'running 5 tests'; echo 'test a_first ... ok'; echo 'test d_fails ... FAILED'\n\
                 echo 'test a_fails ... FAILED'\n\
                 sleep 30 & echo $! > hangs.pid; sleep 30",
            ),
        ];
        for (name, script) in scripts {
            let path = folder.join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let hangs_rs = "fn c_hangs() {}\nfn b_hangs() {}\nfn d_fails() {}\nfn a_fails() {}\n";
        std::fs::write(folder.join("tests/hangs.rs"), hangs_rs).unwrap();
        let limit = Duration::from_millis(500);
        let cargo = Cargo {
            program: folder.join("cargo").into(),
            project: folder.clone(),
            time_limit: limit,
            features: vec!["solutions".into()],
        };
        let check = |stem: &str| cargo.check(stem, &[], &mut || false).expect("not cancelled");
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
            warnings: "exercises/fails.rs:2:5: warning: unused `Result`".into(),
        };
        assert_eq!(check("fails"), failed);
        let Outcome::Failed { first: None, output, .. } = check("crashes") else {
            panic!("a crash is a failure")
        };
        assert!(output.contains("running 2 tests") && output.contains("SIGABRT"), "{output}");
        let started = Instant::now();
        let unfinished = vec!["c_hangs".to_string(), "b_hangs".to_string()];
        // The failure shown is the first in the file's order of those that ended, run again.
        let failure = Some(("d_fails".to_string(), "d_fails failed first".to_string()));
        let timed_out = Outcome::TimedOut { limit, unfinished, failure, warnings: String::new() };
        assert_eq!(check("hangs"), timed_out, "the tests that never finished, in file order");
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
            cargo.check("hangs", &[], &mut || started.elapsed() > Duration::from_millis(200));
        assert_eq!(cancelled, None, "a cancel ends the run");
        // The features: the outer run's for every build, and an exercise's own.
        let _ = cargo.check("passes", &["async".into(), "solutions".into()], &mut || false);
        cargo.build_all(&["a", "b"], &mut || false);
        let log = std::fs::read_to_string(folder.join("cargo.log")).unwrap();
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines[0], "test --test passes --no-run --color never --features solutions");
        assert!(
            lines.contains(&"test --test passes --no-run --color never --features solutions,async")
        );
        assert!(
            lines.contains(
                &"build --keep-going --color never --features solutions --test a --test b"
            )
        );
        let _ = std::fs::remove_dir_all(&folder);
    }
}
