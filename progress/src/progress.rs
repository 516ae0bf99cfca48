//! What `cargo run` shows you: which exercises pass, and what to do next.
//!
//! This is the tool behind the crate's binary (`src/bin/net-basics.rs`), not part of the lesson.
//! For each exercise, in lesson order, it runs that exercise's tests the way you would —
//! `cargo test --test exNN_… --no-fail-fast -q`, without the `solutions` feature, so it grades
//! **your** `exercises/` — and reads cargo's and the test harness's (libtest's) human output:
//! `test result: …` for the counts, the `---- name stdout ----` sections for what failed and
//! why, and rustc's `error[…]` blocks when a file does not compile.
//!
//! The logic is split so that it can be tested without running cargo: [`interpret`] turns one
//! run's output into an [`Outcome`], [`check_all`] turns the outcomes into a [`Report`], and
//! [`render_report`] / [`render_current`] turn a report into text.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// One exercise of the lesson, with what the tool says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exercise {
    /// 1–5, the lesson order.
    pub number: u8,
    /// The stem shared by `exercises/`, `solutions/` and `tests/`, e.g. `ex02_port_ranges`.
    pub stem: &'static str,
    /// What the exercise is about, in a few words.
    pub topic: &'static str,
    /// The book chapter that explains it (the number in its `todo!()` messages).
    pub chapter: u8,
    /// The chapter's file under `book/src/`.
    pub chapter_file: &'static str,
    /// The chapter's title (the first heading of that file).
    pub chapter_title: &'static str,
    /// One sentence that points the way without giving the answer.
    pub hint: &'static str,
}

impl Exercise {
    /// The file the student edits, e.g. `exercises/ex02_port_ranges.rs`.
    pub fn file(&self) -> String {
        format!("exercises/{}.rs", self.stem)
    }

    /// The command that checks this exercise alone.
    pub fn test_command(&self) -> String {
        format!("cargo test --test {}", self.stem)
    }
}

/// The exercises in lesson order. `tests/exercise_contract.rs` checks that every stub's
/// `todo!()` names the chapter given here, and that the chapter titles match the book.
pub const EXERCISES: [Exercise; 5] = [
    Exercise {
        number: 1,
        stem: "ex01_ip_lookup",
        topic: "IP addresses",
        chapter: 1,
        chapter_file: "book/src/01-ip-address.md",
        chapter_title: "IP addresses",
        hint: "Let std do the bit work: `Ipv4Addr::octets()` and `Ipv6Addr::segments()` give the \
               numbers to match ranges on (narrow ranges before wide ones), and a UDP socket \
               \"connected\" to the target tells you its local address without sending a packet.",
    },
    Exercise {
        number: 2,
        stem: "ex02_port_ranges",
        topic: "ports",
        chapter: 2,
        chapter_file: "book/src/02-ports.md",
        chapter_title: "Ports",
        hint: "A `match` on range patterns such as `0..=1023` reads like the table in the chapter; \
               for parsing, look at what `str::parse::<u16>` already rejects and which of its \
               errors maps to which of your error variants.",
    },
    Exercise {
        number: 3,
        stem: "ex03_socket2_listener",
        topic: "sockets",
        chapter: 4,
        chapter_file: "book/src/04-socket.md",
        chapter_title: "Sockets",
        hint: "Follow the numbered steps in the doc comment, one `socket2::Socket` call each \
               (create, options, bind, listen), then turn the socket into a std `TcpListener`.",
    },
    Exercise {
        number: 4,
        stem: "ex04_time_server",
        topic: "time server",
        chapter: 5,
        chapter_file: "book/src/05-time-service.md",
        chapter_title: "The time service",
        hint: "TCP delivers bytes, not messages: keep what you have read until a `\\n` completes \
               a line, stop when a read returns 0 bytes, and let `time_protocol` decide what a \
               line is.",
    },
    Exercise {
        number: 5,
        stem: "ex05_time_client",
        topic: "time client",
        chapter: 5,
        chapter_file: "book/src/05-time-service.md",
        chapter_title: "The time service",
        hint: "Format with the protocol's `FORMAT` string, end each message with `\\n`, flush \
               after every write, and wait only *between* two messages.",
    },
];

/// One failed test: its name, and the first panic message printed in its output section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFailure {
    /// The test function's name, e.g. `classify_port_at_every_boundary`.
    pub name: String,
    /// The panic message (an assertion's text, or `not yet implemented: exercise 2: …`), or the
    /// section's text when the test failed without a panic (a test that returned `Err`).
    pub message: String,
    /// Where it panicked, e.g. `exercises/ex02_port_ranges.rs:15:5`.
    pub location: Option<String>,
}

/// What one test program reported: the counts of `test result:` and the failures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestRun {
    pub passed: usize,
    pub failed: usize,
    pub ignored: usize,
    /// In libtest's order: by name, as it lists them under the final `failures:`.
    pub failures: Vec<TestFailure>,
}

/// One `error…` block of rustc's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The first line, e.g. ``error[E0308]: mismatched types``.
    pub header: String,
    /// The `-->` location, e.g. `exercises/ex02_port_ranges.rs:14:52`.
    pub location: Option<String>,
    /// The whole block as rustc printed it, header first.
    pub lines: Vec<String>,
}

/// Which part of the package failed to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildTarget {
    /// The library, which holds `exercises/`: nothing can be tested until it compiles.
    Library,
    /// One test file, e.g. `ex02_port_ranges` (it no longer fits the exercise's API).
    Test(String),
    /// Anything else cargo named.
    Other(String),
}

/// The result of running one exercise's tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every test passed (and there was at least one).
    Passed(TestRun),
    /// Some tests failed.
    Failed(TestRun),
    /// The code did not compile.
    DoesNotCompile {
        target: BuildTarget,
        errors: Vec<CompileError>,
    },
    /// There is no test file for this exercise, or it holds no tests.
    NoTests(String),
    /// The test program stopped without a result (it aborted, exited, or was killed).
    Crashed(String),
    /// cargo itself could not be run or gave up before building.
    CouldNotRun(String),
}

/// Where one exercise stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Done(TestRun),
    ToDo(Outcome),
    /// Not run, because the library does not compile.
    NotChecked,
}

/// Every exercise's status, in lesson order, and the build failure that stopped the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub statuses: Vec<(Exercise, Status)>,
    /// Set when the library (so every exercise) does not compile.
    pub broken_build: Option<Vec<CompileError>>,
}

impl Report {
    /// How many exercises pass.
    pub fn done(&self) -> usize {
        self.statuses
            .iter()
            .filter(|(_, status)| matches!(status, Status::Done(_)))
            .count()
    }

    /// The index of the exercise to work on: the first that is not done, or, when the library
    /// does not compile, the exercise whose file holds the first error.
    pub fn current(&self) -> Option<usize> {
        if let Some(errors) = &self.broken_build {
            let location = errors.first().and_then(|error| error.location.as_deref());
            return location.and_then(|location| {
                self.statuses
                    .iter()
                    .position(|(exercise, _)| location.starts_with(&exercise.file()))
            });
        }
        self.statuses
            .iter()
            .position(|(_, status)| !matches!(status, Status::Done(_)))
    }

    /// True when every exercise passes.
    pub fn all_done(&self) -> bool {
        self.done() == self.statuses.len()
    }
}

// ---------------------------------------------------------------------------------------------
// Reading cargo's and libtest's output
// ---------------------------------------------------------------------------------------------

/// Turns one `cargo test --test … -q` run into an [`Outcome`]: `stdout` is the test program's
/// report (libtest, quiet or pretty format), `stderr` is cargo's and rustc's messages.
pub fn interpret(stdout: &str, stderr: &str) -> Outcome {
    if let Some(run) = parse_test_run(stdout) {
        return if run.failed > 0 {
            Outcome::Failed(run)
        } else if run.passed == 0 {
            Outcome::NoTests("its test file holds no test that runs".to_string())
        } else {
            Outcome::Passed(run)
        };
    }
    let errors = parse_compile_errors(stderr);
    if let Some(target) = failed_build_target(stderr) {
        return Outcome::DoesNotCompile { target, errors };
    }
    if stderr.contains("no test target named") {
        return Outcome::NoTests("its test file is missing".to_string());
    }
    if let Some(line) = stderr.lines().find(|line| {
        line.trim_start()
            .starts_with("process didn't exit successfully")
    }) {
        return Outcome::Crashed(crash_reason(line));
    }
    if let Some(error) = errors.first() {
        return Outcome::CouldNotRun(error.lines.join("\n"));
    }
    let last = stderr.lines().rev().find(|line| !line.trim().is_empty());
    Outcome::CouldNotRun(last.unwrap_or("cargo printed nothing").trim().to_string())
}

/// True when cargo gave up because `--offline` forbade a download it needed (a fresh clone whose
/// test dependencies were never fetched): then the check is worth one more try online.
pub fn needs_download(stderr: &str) -> bool {
    stderr.contains("--offline")
}

/// `process didn't exit successfully: `…` (signal: 6, SIGABRT: process abort signal)` →
/// `signal: 6, SIGABRT: process abort signal`.
fn crash_reason(line: &str) -> String {
    match (line.rfind('('), line.rfind(')')) {
        (Some(open), Some(close)) if open < close => line[open + 1..close].to_string(),
        _ => line.trim().to_string(),
    }
}

/// The counts, failures and messages of a libtest report, or `None` when there is no
/// `test result:` line (the tests did not build, or did not finish).
pub fn parse_test_run(stdout: &str) -> Option<TestRun> {
    let summary = stdout
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("test result: "))?;
    let mut run = TestRun::default();
    for part in summary.split(';') {
        let mut words = part.split_whitespace().rev();
        let (Some(label), Some(count)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(count) = count.parse::<usize>() else {
            continue;
        };
        match label {
            "passed" => run.passed = count,
            "failed" => run.failed = count,
            "ignored" => run.ignored = count,
            _ => {}
        }
    }
    let sections = failure_sections(stdout);
    let mut names = failure_list(stdout);
    if names.is_empty() {
        names = failed_test_lines(stdout);
    }
    if names.is_empty() {
        names = sections.iter().map(|(name, _)| name.clone()).collect();
    }
    run.failures = names
        .into_iter()
        .map(|name| {
            let section = sections
                .iter()
                .find(|(section_name, _)| *section_name == name)
                .map(|(_, lines)| lines.as_slice())
                .unwrap_or_default();
            let (message, location) = panic_message(section);
            TestFailure {
                name,
                message,
                location,
            }
        })
        .collect();
    Some(run)
}

/// The `---- name stdout ----` sections, each with its lines.
fn failure_sections(stdout: &str) -> Vec<(String, Vec<&str>)> {
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    let mut inside = false;
    for line in stdout.lines() {
        if let Some(name) = section_header(line) {
            sections.push((name.to_string(), Vec::new()));
            inside = true;
        } else if line == "failures:" || line.starts_with("test result: ") {
            inside = false;
        } else if inside {
            if let Some((_, lines)) = sections.last_mut() {
                lines.push(line);
            }
        }
    }
    sections
}

/// `---- name stdout ----` → `name`.
fn section_header(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("---- ")?;
    rest.strip_suffix(" stdout ----")
        .or_else(|| rest.strip_suffix(" stderr ----"))
}

/// The names under the last `failures:` heading (libtest lists them sorted, one per line,
/// indented by four spaces).
fn failure_list(stdout: &str) -> Vec<String> {
    let lines: Vec<&str> = stdout.lines().collect();
    let Some(start) = lines.iter().rposition(|line| *line == "failures:") else {
        return Vec::new();
    };
    lines[start + 1..]
        .iter()
        .take_while(|line| line.starts_with("    "))
        .map(|line| line.trim().to_string())
        .collect()
}

/// The names from `test name ... FAILED` (pretty format) or `name --- FAILED` (quiet format).
fn failed_test_lines(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|line| {
            line.strip_prefix("test ")
                .and_then(|rest| rest.strip_suffix(" ... FAILED"))
                .or_else(|| line.strip_suffix(" --- FAILED"))
        })
        .map(str::to_string)
        .collect()
}

/// The first panic of a failure section: its message (all its lines) and its location.
fn panic_message(section: &[&str]) -> (String, Option<String>) {
    let Some(start) = section
        .iter()
        .position(|line| panic_location(line).is_some())
    else {
        let text = section
            .iter()
            .map(|line| line.trim_end())
            .collect::<Vec<_>>()
            .join("\n");
        return (text.trim().to_string(), None);
    };
    let location = panic_location(section[start]).map(tidy_path);
    let message: Vec<&str> = section[start + 1..]
        .iter()
        .copied()
        .take_while(|line| {
            !(line.starts_with("note: run with `RUST_BACKTRACE")
                || line.starts_with("note: Some details are omitted")
                || line.starts_with("stack backtrace:")
                || panic_location(line).is_some())
        })
        .collect();
    (message.join("\n").trim_end().to_string(), location)
}

/// `thread 'name' (123) panicked at tests/x.rs:3:5:` → `tests/x.rs:3:5`.
fn panic_location(line: &str) -> Option<&str> {
    if !line.starts_with("thread '") {
        return None;
    }
    let (_, at) = line.split_once(" panicked at ")?;
    Some(at.strip_suffix(':').unwrap_or(at))
}

/// `src/../exercises/ex02.rs:15:5` → `exercises/ex02.rs:15:5` (the library includes
/// `exercises/` by a `#[path = "../exercises/mod.rs"]`, so rustc names it from `src/`), with `/`
/// for Windows' `\\` too.
fn tidy_path(location: &str) -> String {
    let location = location.replace('\\', "/");
    location
        .strip_prefix("src/../")
        .unwrap_or(&location)
        .to_string()
}

/// rustc's `error…` blocks in `stderr` (warnings and cargo's own summary lines are skipped).
pub fn parse_compile_errors(stderr: &str) -> Vec<CompileError> {
    let mut errors: Vec<CompileError> = Vec::new();
    let mut current: Option<CompileError> = None;
    for line in stderr.lines() {
        if line.trim().is_empty() {
            errors.extend(current.take());
        } else if let Some(error) = current.as_mut() {
            let arrow = line.trim_start().strip_prefix("--> ");
            match arrow {
                Some(location) => {
                    let location = tidy_path(location.trim());
                    let indent = &line[..line.len() - line.trim_start().len()];
                    error.lines.push(format!("{indent}--> {location}"));
                    error.location.get_or_insert(location);
                }
                None => error.lines.push(line.to_string()),
            }
        } else if is_error_header(line) {
            current = Some(CompileError {
                header: line.to_string(),
                location: None,
                lines: vec![line.to_string()],
            });
        }
    }
    errors.extend(current);
    errors
}

/// `error[E0308]: …` or `error: …`, but not cargo's closing lines about the same failure.
fn is_error_header(line: &str) -> bool {
    const CARGO_SUMMARIES: [&str; 4] = [
        "error: could not compile",
        "error: aborting due to",
        "error: test failed",
        "error: 1 target failed",
    ];
    (line.starts_with("error[") || line.starts_with("error: "))
        && !CARGO_SUMMARIES
            .iter()
            .any(|prefix| line.starts_with(prefix))
        && !(line.starts_with("error: ") && line.ends_with(" targets failed:"))
}

/// `error: could not compile `net-basics` (lib) due to …` → [`BuildTarget::Library`].
fn failed_build_target(stderr: &str) -> Option<BuildTarget> {
    let line = stderr
        .lines()
        .find(|line| line.starts_with("error: could not compile"))?;
    let what = line
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(what, _)| what)
        .unwrap_or("");
    Some(if what == "lib" {
        BuildTarget::Library
    } else if let Some(name) = what.strip_prefix("test ") {
        BuildTarget::Test(name.trim_matches('"').to_string())
    } else {
        BuildTarget::Other(what.to_string())
    })
}

// ---------------------------------------------------------------------------------------------
// Running the checks
// ---------------------------------------------------------------------------------------------

/// Runs every exercise's tests in lesson order through `run` and collects a [`Report`].
/// When the library does not compile, the other exercises are not run: the result would be the
/// same error again.
pub fn check_all(mut run: impl FnMut(&Exercise) -> Outcome) -> Report {
    let mut statuses = Vec::new();
    let mut broken_build = None;
    for exercise in EXERCISES {
        if broken_build.is_some() {
            statuses.push((exercise, Status::NotChecked));
            continue;
        }
        let status = match run(&exercise) {
            Outcome::Passed(tests) => Status::Done(tests),
            Outcome::DoesNotCompile {
                target: BuildTarget::Library,
                errors,
            } => {
                broken_build = Some(errors);
                Status::NotChecked
            }
            other => Status::ToDo(other),
        };
        statuses.push((exercise, status));
    }
    Report {
        statuses,
        broken_build,
    }
}

/// Runs `cargo test` for one exercise in the project at `project`.
#[derive(Debug, Clone)]
pub struct CargoTest {
    /// The cargo to run: `$CARGO` (set by `cargo run`, so the same toolchain) or `cargo`.
    pub cargo: OsString,
    /// The package root (holds `Cargo.toml` and `exercises/`).
    pub project: PathBuf,
    /// Pass `--offline`; cleared after one run found that a dependency must be downloaded.
    pub offline: bool,
    /// After this long without a result, `on_slow` is called once (say, to tell the student
    /// that a test may be stuck in an endless loop). The run itself is not cut short: Ctrl-C is.
    pub slow_after: Duration,
}

impl CargoTest {
    /// The cargo named by `$CARGO`, or `cargo`, run in `project`, offline.
    pub fn new(project: PathBuf) -> CargoTest {
        CargoTest {
            cargo: std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")),
            project,
            offline: true,
            slow_after: Duration::from_secs(30),
        }
    }

    /// `cargo test --test exNN_… --no-fail-fast -q --color never [--offline]`, in the project.
    /// No `--features solutions`: this grades the student's `exercises/`. The target dir is
    /// cargo's usual one (`CARGO_TARGET_DIR` and `.cargo/config.toml` are honoured as they are
    /// inherited), so nothing is built twice.
    pub fn command(&self, exercise: &Exercise) -> Command {
        let mut command = Command::new(&self.cargo);
        command
            .args(["test", "--test", exercise.stem, "--no-fail-fast", "-q"])
            .args(["--color", "never"])
            .current_dir(&self.project)
            // One panic message per failure, without a backtrace to scroll past.
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null());
        if self.offline {
            command.arg("--offline");
        }
        command
    }

    /// Runs the exercise's tests and interprets the output. `on_slow` is called once if the
    /// run takes longer than [`CargoTest::slow_after`].
    pub fn run(&mut self, exercise: &Exercise, on_slow: &mut dyn FnMut()) -> Outcome {
        let output = match run_noticing_slowness(self.command(exercise), self.slow_after, on_slow) {
            Ok(output) => output,
            Err(error) => {
                return Outcome::CouldNotRun(format!(
                    "could not start `{}`: {error}",
                    Path::new(&self.cargo).display()
                ));
            }
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if self.offline && parse_test_run(&stdout).is_none() && needs_download(&stderr) {
            // A fresh clone: `cargo run` fetched what the binary needs, not the test-only
            // dependencies. Fetch them once; every later run is offline again.
            self.offline = false;
            let outcome = self.run(exercise, on_slow);
            self.offline = true;
            return outcome;
        }
        let mut outcome = interpret(&stdout, &stderr);
        if let Outcome::Failed(run) = &mut outcome {
            // libtest reports failures alphabetically; the test file lists them from the
            // simplest rule to the hardest, so show the first failure in the file's order.
            let tests = self
                .project
                .join("tests")
                .join(format!("{}.rs", exercise.stem));
            if let Ok(source) = std::fs::read_to_string(tests) {
                order_as_in_source(&mut run.failures, &source);
            }
        }
        outcome
    }
}

/// Sorts `failures` by where each test function is defined in `source` (a test file); tests
/// not found there (say, in a module) keep their order, after the others.
pub fn order_as_in_source(failures: &mut [TestFailure], source: &str) {
    failures.sort_by_key(|failure| {
        let name = failure.name.rsplit("::").next().unwrap_or(&failure.name);
        source.find(&format!("fn {name}(")).unwrap_or(usize::MAX)
    });
}

/// Runs `command` to completion, capturing its output, and calls `on_slow` once if that takes
/// longer than `slow_after`.
fn run_noticing_slowness(
    mut command: Command,
    slow_after: Duration,
    on_slow: &mut dyn FnMut(),
) -> std::io::Result<Output> {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = command.spawn()?;
    let (done, result) = mpsc::channel();
    thread::scope(|scope| {
        scope.spawn(move || {
            // The receiver only goes away after the result arrived.
            let _ = done.send(child.wait_with_output());
        });
        match result.recv_timeout(slow_after) {
            Ok(output) => output,
            Err(_) => {
                on_slow();
                result
                    .recv()
                    .unwrap_or_else(|_| Err(std::io::Error::other("the test run vanished")))
            }
        }
    })
}

/// The package root: `$CARGO_MANIFEST_DIR` (set by `cargo run`) if it holds `exercises/`,
/// else the nearest directory at or above `cwd` that holds `Cargo.toml` and `exercises/`.
pub fn find_project(manifest_dir: Option<PathBuf>, cwd: &Path) -> Option<PathBuf> {
    let is_project =
        |dir: &Path| dir.join("Cargo.toml").is_file() && dir.join("exercises").is_dir();
    if let Some(dir) = manifest_dir.filter(|dir| is_project(dir)) {
        return Some(dir);
    }
    cwd.ancestors()
        .find(|dir| is_project(dir))
        .map(Path::to_path_buf)
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/// How many lines of a failure message or compile error to show before pointing at the full
/// output.
const MAX_LINES: usize = 14;

/// The whole picture, as plain `cargo run` prints it: every exercise, the count, and what to do
/// next.
pub fn render_report(report: &Report) -> String {
    let mut out = String::new();
    out.push_str("net-basics: your progress through the exercises\n\n");
    let width = report
        .statuses
        .iter()
        .map(|(exercise, _)| exercise.topic.chars().count())
        .max()
        .unwrap_or(0);
    for (exercise, status) in &report.statuses {
        let (mark, state) = match status {
            Status::Done(_) => ("✔", "done "),
            Status::ToDo(_) => ("✘", "to do"),
            Status::NotChecked => ("?", "not checked"),
        };
        let _ = writeln!(
            out,
            "  {mark} {number} {topic:<width$}  {state}  {file}{detail}",
            number = exercise.number,
            topic = exercise.topic,
            file = exercise.file(),
            detail = short_detail(status),
        );
    }
    let _ = writeln!(out, "\n{}", count(report));
    out.push_str(&render_next(report));
    out
}

/// The `--watch` screen: one line of marks and the count, then only the current exercise.
pub fn render_current(report: &Report) -> String {
    let marks: Vec<&str> = report
        .statuses
        .iter()
        .map(|(_, status)| match status {
            Status::Done(_) => "✔",
            Status::ToDo(_) => "✘",
            Status::NotChecked => "?",
        })
        .collect();
    format!(
        "net-basics  {}  {}\n{}",
        marks.join(" "),
        count(report),
        render_next(report)
    )
}

/// `2/5 done`, or why there is no count.
fn count(report: &Report) -> String {
    if report.broken_build.is_some() {
        "not checked: the crate does not compile".to_string()
    } else {
        format!("{}/{} done", report.done(), report.statuses.len())
    }
}

/// `(2/3 tests pass)`, `(does not compile)`, … after an exercise's line.
fn short_detail(status: &Status) -> String {
    match status {
        Status::Done(run) if run.passed == 1 => "  (its test passes)".to_string(),
        Status::Done(run) => format!("  ({} tests pass)", run.passed),
        Status::ToDo(Outcome::Failed(run)) => {
            format!("  ({}/{} tests pass)", run.passed, run.passed + run.failed)
        }
        Status::ToDo(Outcome::DoesNotCompile { .. }) => "  (does not compile)".to_string(),
        Status::ToDo(Outcome::NoTests(_)) => "  (no tests yet)".to_string(),
        Status::ToDo(Outcome::Crashed(_)) => "  (the tests stopped abruptly)".to_string(),
        Status::ToDo(Outcome::CouldNotRun(_)) => "  (could not run the tests)".to_string(),
        Status::ToDo(Outcome::Passed(_)) | Status::NotChecked => String::new(),
    }
}

/// What to do next: the current exercise in detail, or the congratulations.
fn render_next(report: &Report) -> String {
    let mut out = String::new();
    if let Some(errors) = &report.broken_build {
        out.push_str(
            "\nNo exercise could be checked: the crate does not compile. Fix this first:\n",
        );
        push_compile_errors(&mut out, errors);
        if let Some((exercise, _)) = report.current().map(|index| &report.statuses[index]) {
            push_reading(&mut out, exercise);
        }
        return out;
    }
    let Some(index) = report.current() else {
        out.push_str(
            "\nEvery exercise passes. Well done! Compare yours with the reference answers in \
             solutions/,\nand try the questions in book/src/check-yourself.md.\n",
        );
        return out;
    };
    let (exercise, status) = &report.statuses[index];
    let _ = writeln!(
        out,
        "\nNext: exercise {}, {} — {}",
        exercise.number,
        exercise.topic,
        exercise.file()
    );
    if let Status::ToDo(outcome) = status {
        push_outcome(&mut out, exercise, outcome);
    }
    push_wrapped(&mut out, "  Hint: ", exercise.hint);
    push_reading(&mut out, exercise);
    let _ = writeln!(out, "  Check it alone: {}", exercise.test_command());
    out
}

fn push_reading(out: &mut String, exercise: &Exercise) {
    let _ = writeln!(
        out,
        "  Read: book chapter {}, \"{}\" ({})",
        exercise.chapter, exercise.chapter_title, exercise.chapter_file
    );
}

fn push_outcome(out: &mut String, exercise: &Exercise, outcome: &Outcome) {
    match outcome {
        Outcome::Failed(run) => {
            let total = run.passed + run.failed;
            let Some(first) = run.failures.first() else {
                let _ = writeln!(out, "  {} of {total} tests fail.", run.failed);
                return;
            };
            let _ = match (run.failed, total) {
                (1, 1) => writeln!(out, "  Its test fails: {}", first.name),
                (1, _) => writeln!(out, "  1 of {total} tests fails: {}", first.name),
                (failed, _) => writeln!(
                    out,
                    "  {failed} of {total} tests fail. The first: {}",
                    first.name
                ),
            };
            push_indented(out, &first.message, "    ");
            if let Some(location) = &first.location {
                let _ = writeln!(out, "    (at {location})");
            }
        }
        Outcome::DoesNotCompile { target, errors } => {
            match target {
                BuildTarget::Test(name) => {
                    let _ = writeln!(
                        out,
                        "  tests/{name}.rs does not compile against your exercise: did a \
                         signature change?\n  Keep every `pub fn` and type exactly as the stub \
                         declares it."
                    );
                }
                _ => out.push_str("  It does not compile:\n"),
            }
            push_compile_errors(out, errors);
        }
        Outcome::NoTests(why) => {
            let _ = writeln!(
                out,
                "  There is nothing to check yet: {why} (tests/{}.rs).",
                exercise.stem
            );
        }
        Outcome::Crashed(reason) => {
            let _ = writeln!(
                out,
                "  The tests stopped abruptly ({reason}): does your code call \
                 `std::process::exit` or `abort`,\n  or overflow the stack with endless \
                 recursion? Run `{}` to see more.",
                exercise.test_command()
            );
        }
        Outcome::CouldNotRun(why) => {
            let _ = writeln!(out, "  The tests could not run: {why}");
        }
        Outcome::Passed(_) => {}
    }
}

/// The first error in full (shortened), then the headers and places of a few more.
fn push_compile_errors(out: &mut String, errors: &[CompileError]) {
    let Some((first, rest)) = errors.split_first() else {
        out.push_str("    (cargo printed no error: run `cargo build` to see what happened)\n");
        return;
    };
    push_indented(out, &first.lines.join("\n"), "    ");
    for error in rest.iter().take(3) {
        let _ = writeln!(
            out,
            "    {}{}",
            error.header,
            error
                .location
                .as_deref()
                .map(|location| format!(" (at {location})"))
                .unwrap_or_default()
        );
    }
    if rest.len() > 3 {
        let _ = writeln!(out, "    … and {} more errors", rest.len() - 3);
    }
    if !rest.is_empty() {
        out.push_str("    (`cargo build` shows every error in full)\n");
    }
}

/// How wide a wrapped paragraph may be (a terminal's usual 100 columns, minus a margin).
const WIDTH: usize = 96;

/// `label` then `text`, word-wrapped at [`WIDTH`], later lines indented like the first.
fn push_wrapped(out: &mut String, label: &str, text: &str) {
    let indent = " ".repeat(label.chars().count());
    let mut line = label.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "{line}");
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    let _ = writeln!(out, "{line}");
}

/// `text`, each line indented, cut after [`MAX_LINES`] lines.
fn push_indented(out: &mut String, text: &str, indent: &str) {
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(MAX_LINES) {
        let _ = writeln!(out, "{indent}{line}");
    }
    if lines.len() > MAX_LINES {
        let _ = writeln!(
            out,
            "{indent}… ({} more lines: run the check alone to see them)",
            lines.len() - MAX_LINES
        );
    }
}

#[cfg(test)]
mod tests;
