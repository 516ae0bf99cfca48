//! `cargo run` (the `net-basics` binary) as a student meets it.
//!
//! The fast tests run the binary on its command line. `a_scratch_copy_as_a_student_changes_it`
//! runs it on a copy of this very crate under `target/tmp/` (with a target dir of its own, kept
//! between runs so that later runs are warm): pristine, one exercise broken and the next one
//! solved, everything solved, a loop that never ends. It builds the copy's tests several times,
//! so it is `#[ignore]`d; CI runs it with `cargo test -p net-basics-progress -- --ignored`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn net_basics() -> Command {
    Command::new(env!("CARGO_BIN_EXE_net-basics"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_documents_the_modes_the_languages_and_the_exit_status() {
    let output = net_basics().arg("--help").output().expect("the binary runs");
    let help = text(&output.stdout);
    assert!(output.status.success(), "--help exits 0");
    for wanted in ["--watch", "--lang en|zh-CN", "LANG", "--time-limit", "Exit status", "Ctrl-C"] {
        assert!(help.contains(wanted), "--help should mention {wanted:?}:\n{help}");
    }
}

#[test]
fn a_bad_option_is_one_sentence_and_exit_2() {
    for (args, wanted) in [
        (&["--lang", "fr"][..], "--lang \"fr\": expected `en` or `zh-CN`"),
        (&["--frobnicate"][..], "unknown option \"--frobnicate\""),
        (&["--time-limit", "soon"][..], "--time-limit \"soon\": expected a number of seconds"),
    ] {
        let output = net_basics().args(args).output().expect("the binary runs");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?} is a usage error: {stderr}");
        assert!(
            stderr.contains(wanted) && stderr.lines().count() == 1,
            "{args:?}: expected one line with {wanted:?}, got:\n{stderr}"
        );
        assert!(output.stdout.is_empty(), "{args:?}: no report");
    }
}

#[test]
fn outside_the_crate_it_says_where_to_run_it() {
    // Outside this crate (target/tmp would find it by walking up).
    let nowhere = std::env::temp_dir().join(format!("net-basics-nowhere-{}", std::process::id()));
    fs::create_dir_all(&nowhere).expect("create an empty folder");
    let output = net_basics().current_dir(&nowhere).env_remove("CARGO_MANIFEST_DIR").output();
    let _ = fs::remove_dir(&nowhere);
    let output = output.expect("the binary runs");
    assert_eq!(output.status.code(), Some(1), "no exercises/ is a check that could not run");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no exercises/info.toml here or above"), "stderr: {stderr}");
}

#[test]
fn without_cargo_it_says_so_once_and_fails() {
    // No report at all: N "could not run" lines and "0/N done" would look like lost work.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = net_basics()
        .current_dir(&root)
        .env("CARGO", root.join("no-such-cargo"))
        .output()
        .expect("the binary runs");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.is_empty(), "no progress report without cargo, got:\n{stdout}");
    assert!(
        stderr.contains("no-such-cargo")
            && stderr.contains("cargo on your PATH")
            && stderr.lines().count() == 1,
        "one line naming the cargo it tried and what to check, got:\n{stderr}"
    );
}

/// The number of exercises: the `[[exercises]]` tables of `exercises/info.toml`.
fn exercise_count(root: &Path) -> usize {
    let info = fs::read_to_string(root.join("exercises/info.toml")).expect("read info.toml");
    info.lines().filter(|line| line.trim() == "[[exercises]]").count()
}

/// A scratch copy of the crate and its own target dir.
struct Copy {
    root: PathBuf,
    copy: PathBuf,
    target: PathBuf,
}

impl Copy {
    fn new() -> Copy {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let copy = Copy {
            root: Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap(),
            copy: tmp.join("progress-course-copy"),
            // Not the shared target dir: two copies of one workspace get the same artifact
            // names, so a shared one would mix this copy's builds with the real crate's.
            target: tmp.join("progress-course-target"),
        };
        copy.reset();
        copy
    }

    /// Makes the copy equal to the crate again, writing only what differs (so builds stay warm).
    fn reset(&self) {
        sync_dir(&self.root, &self.copy, Path::new(""));
    }

    fn write(&self, relative: &str, contents: &str) {
        fs::write(self.copy.join(relative), contents).expect("write a file of the copy");
    }

    fn solution(&self, stem: &str) -> String {
        fs::read_to_string(self.root.join(format!("solutions/{stem}.rs"))).expect("a solution")
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> (String, Output) {
        let mut command = net_basics();
        command
            .args(args)
            .current_dir(&self.copy)
            .env("CARGO_MANIFEST_DIR", self.copy.join("progress"))
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8");
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().expect("the net-basics binary runs");
        let report =
            format!("stdout:\n{}\nstderr:\n{}", text(&output.stdout), text(&output.stderr));
        assert!(output.status.success(), "a report exits 0\n{report}");
        (text(&output.stdout), output)
    }
}

fn assert_has(stdout: &str, wanted: &str, why: &str) {
    assert!(stdout.contains(wanted), "{why}: expected {wanted:?} in:\n{stdout}");
}

#[test]
#[ignore = "builds a copy of the crate's tests several times: cargo test -p net-basics-progress -- --ignored"]
fn a_scratch_copy_as_a_student_changes_it() {
    let copy = Copy::new();
    let n = exercise_count(&copy.root);

    let (stdout, _) = copy.run(&[], &[]);
    assert_has(&stdout, &format!("\n0/{n} done\n"), "the untouched stubs pass nothing");
    assert_has(
        &stdout,
        "\nNext: exercise 1, IP addresses — exercises/ex01_ip_lookup.rs\n",
        "a fresh clone points at exercise 1",
    );
    assert_has(
        &stdout,
        "not yet implemented: exercise 1:",
        "the first failure is exercise 1's todo!()",
    );

    // A syntax error in exercise 1, exercise 2 solved: 1 does not compile, 2 is graded anyway.
    let stub = fs::read_to_string(copy.root.join("exercises/ex01_ip_lookup.rs")).unwrap();
    let broken_line = stub.lines().count() + 1;
    copy.write("exercises/ex01_ip_lookup.rs", &format!("{stub}fn this is not rust\n"));
    copy.write("exercises/ex02_port_ranges.rs", &copy.solution("ex02_port_ranges"));
    let (stdout, _) = copy.run(&[], &[]);
    assert_line(&stdout, "✘ 1 IP addresses", "exercises/ex01_ip_lookup.rs", "(does not compile)");
    assert_has(
        &stdout,
        &format!("rustc's first error, at exercises/ex01_ip_lookup.rs:{broken_line}:"),
        "the first error's file and line, as the student knows the file",
    );
    assert_line(&stdout, "✔ 2 ports", "exercises/ex02_port_ranges.rs", "tests pass)");
    assert_has(&stdout, &format!("\n1/{n} done\n"), "exercise 2 counts");

    // The same state, in Chinese: the locale decides; test and rustc messages stay English.
    let (stdout, _) = copy.run(&[], &[("LANG", "zh_CN.UTF-8")]);
    assert_has(&stdout, "（无法编译）", "the status word in Chinese");
    assert_has(&stdout, &format!("已完成 1/{n}"), "the count in Chinese");
    assert_has(&stdout, "book/book/zh-CN/01-", "the zh-CN edition's chapter");
    assert_has(&stdout, "提示：", "the Chinese hint");
    let (stdout, _) = copy.run(&["--lang", "en"], &[("LC_ALL", "zh_CN.UTF-8")]);
    assert_has(&stdout, "(does not compile)", "--lang en wins over the locale");

    // Every solution copied over: everything passes.
    for stem in stems(&copy.root) {
        copy.write(&format!("exercises/{stem}.rs"), &copy.solution(&stem));
    }
    let (stdout, _) = copy.run(&[], &[]);
    assert_has(&stdout, &format!("\n{n}/{n} done\n"), "with the solutions, every exercise passes");
    assert_has(&stdout, "Every exercise passes.", "the congratulations");

    // A loop that never ends in exercise 2: stopped at the limit, reported in seconds.
    let looping = copy.solution("ex02_port_ranges").replace(
        "pub fn classify_port(port: u16) -> PortClass {",
        "pub fn classify_port(port: u16) -> PortClass {\n    loop {\n        std::hint::spin_loop();\n    }",
    );
    copy.write("exercises/ex02_port_ranges.rs", &looping);
    let started = Instant::now();
    let (stdout, _) = copy.run(&["--time-limit", "3"], &[]);
    let took = started.elapsed();
    copy.reset();
    assert_line(&stdout, "✘ 2 ports", "exercises/ex02_port_ranges.rs", "(did not finish in 3 s)");
    assert_has(
        &stdout,
        "Exercise 2's tests did not finish in 3 s — a loop that never ends",
        "the next step says what to look for",
    );
    assert_has(&stdout, &format!("\n{}/{n} done\n", n - 1), "the others are graded");
    assert!(took < Duration::from_secs(90), "a hang costs seconds, not minutes: took {took:?}");
    assert_no_process_left_in(&copy.target);
}

/// The list has a line for the exercise: mark, number and topic, its file, its state.
fn assert_line(stdout: &str, start: &str, file: &str, state: &str) {
    let line = stdout.lines().find(|line| line.trim_start().starts_with(start));
    let words = line.map(|line| line.split("  ").filter(|word| !word.is_empty()).map(str::trim));
    let words: Vec<&str> = words.map(Iterator::collect).unwrap_or_default();
    let fits = words.len() == 3 && words[..2] == [start, file] && words[2].contains(state);
    assert!(fits, "expected a line {start:?}, {file:?}, {state:?} in:\n{stdout}");
}

/// The exercise stems of the crate, from info.toml.
fn stems(root: &Path) -> Vec<String> {
    let info = fs::read_to_string(root.join("exercises/info.toml")).unwrap();
    info.lines()
        .filter_map(|line| line.strip_prefix("stem = \""))
        .map(|rest| rest.trim_end_matches('"').to_string())
        .collect()
}

/// No test program of the copy still runs (Linux: `/proc/*/exe`).
fn assert_no_process_left_in(target: &Path) {
    let Ok(processes) = fs::read_dir("/proc") else {
        return;
    };
    for process in processes.flatten() {
        if let Ok(exe) = fs::read_link(process.path().join("exe")) {
            assert!(
                !exe.starts_with(target),
                "still running after the time limit: {}",
                exe.display()
            );
        }
    }
}

/// What the copy leaves out: build output, git's data, mutation-testing results, the built
/// book, node modules.
fn skipped(relative: &Path) -> bool {
    let name = relative.file_name().map(|name| name.to_string_lossy().into_owned());
    let name = name.as_deref().unwrap_or("");
    matches!(name, "target" | ".git" | "node_modules")
        || name.starts_with("mutants.out")
        || relative == Path::new("book/book")
}

/// Makes `to/relative` equal to `from/relative`: writes only the files that changed and deletes
/// the ones that are gone.
fn sync_dir(from: &Path, to: &Path, relative: &Path) {
    let (source, copy) = (from.join(relative), to.join(relative));
    fs::create_dir_all(&copy).expect("create a folder of the copy");
    let mut kept = Vec::new();
    for entry in fs::read_dir(&source).expect("read the crate") {
        let entry = entry.expect("a directory entry");
        let path = relative.join(entry.file_name());
        if skipped(&path) {
            continue;
        }
        kept.push(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            sync_dir(from, to, &path);
        } else {
            let contents = fs::read(from.join(&path)).expect("read a file");
            if fs::read(to.join(&path)).is_ok_and(|old| old == contents) {
                continue;
            }
            fs::write(to.join(&path), contents).expect("write a file");
        }
    }
    for entry in fs::read_dir(&copy).expect("read the copy") {
        let entry = entry.expect("a directory entry");
        if kept.contains(&entry.file_name()) || skipped(&relative.join(entry.file_name())) {
            continue;
        }
        let gone = entry.path();
        if entry.file_type().expect("a file type").is_dir() {
            fs::remove_dir_all(&gone).expect("remove a folder that is gone");
        } else {
            fs::remove_file(&gone).expect("remove a file that is gone");
        }
    }
}
