//! `cargo run` (the `net-basics` binary) and plain `cargo test` as a student meets them.
//!
//! The fast tests run the binary on its command line, and `hint N` on a small crate of their own.
//! `a_scratch_copy_as_a_student_changes_it` runs it, and plain `cargo test`'s grading, on a copy
//! of this very crate under `target/tmp/` (with a target dir of its own, kept between runs so
//! that later runs are warm): pristine, one exercise broken and the next one solved, everything
//! solved, a loop that never ends, a save under `--watch`. It builds the copy's tests several
//! times, so it is `#[ignore]`d; CI runs it with `cargo test -p net-basics-progress -- --ignored`.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

// How long the exercise tests wait for the student's code: well within the hang limit.
#[path = "../../tests/common/patience.rs"]
mod patience;

/// The exercise tests give up on a wrong answer, with their message, well before the view stops
/// them as hanging (tests/common/patience.rs asserts it when it compiles, here too); and a real
/// hang is still reported within 5 s (issue 17).
#[test]
fn the_exercise_tests_give_up_well_within_the_hang_limit() {
    use net_basics_progress::run::TIME_LIMIT;
    assert!(patience::OUTPUT <= patience::LONGEST && patience::LONGEST * 2 <= TIME_LIMIT);
    assert!(TIME_LIMIT <= Duration::from_millis(4500), "a hang reported within 5 s");
    assert_eq!(patience::check(patience::LONGEST), patience::LONGEST);
}

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
    let limit = net_basics_progress::run::TIME_LIMIT.as_secs();
    let default = format!("(default {limit};");
    for wanted in [
        default.as_str(),
        "--watch",
        "--lang en|zh-CN",
        "LANG",
        "Windows",
        "--time-limit",
        "--features",
        "cargo run -- hint N",
        "Exit status",
        "Ctrl-C",
    ] {
        assert!(help.contains(wanted), "--help should mention {wanted:?}:\n{help}");
    }
}

#[test]
fn a_bad_option_is_one_sentence_and_exit_2() {
    for (args, wanted) in [
        (&["--lang", "fr"][..], "--lang \"fr\": expected `en` or `zh-CN`"),
        (&["--frobnicate"][..], "unknown option \"--frobnicate\""),
        (&["--time-limit", "soon"][..], "--time-limit \"soon\": expected a number of seconds"),
        (&["hint"][..], "hint needs an exercise number: `cargo run -- hint 2`"),
        (&["hint", "two"][..], "hint \"two\": expected an exercise number"),
        (&["hint", "2", "--watch"][..], "hint and --watch do not go together"),
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

/// A crate of its own with two exercises of three and one hints, for `hint N`.
fn hint_crate() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("progress-hint-crate");
    let _ = fs::remove_dir_all(&crate_dir);
    fs::create_dir_all(crate_dir.join("exercises")).expect("create a crate");
    fs::create_dir_all(crate_dir.join("book/src")).expect("create its book");
    fs::write(crate_dir.join("Cargo.toml"), "").expect("write Cargo.toml");
    let entry = |n: usize, hints: &str| {
        format!(
            "[[exercises]]\nstem = \"ex0{n}_x\"\nchapter = {n}\nchapter_file = \"book/src/0{n}-x.md\"\n\
             topic = \"topic {n}\"\ntopic_zh = \"话题 {n}\"\ntitle = \"X\"\ntitle_zh = \"X\"\n{hints}"
        )
    };
    let three = "hint1 = \"Look at the table.\"\nhint1_zh = \"看看那张表。\"\n\
                 hint2 = \"Use a match.\"\nhint2_zh = \"用 match。\"\n\
                 hint3 = \"`0..=1023` is a pattern.\"\nhint3_zh = \"`0..=1023` 是一个模式。\"\n";
    let one = "hint1 = \"Only one.\"\nhint1_zh = \"只有一条。\"\n";
    let info = format!("{}\n{}", entry(1, one), entry(2, three));
    fs::write(crate_dir.join("exercises/info.toml"), info).expect("write info.toml");
    // Exercise 2 is on the chapter's second page: "Read:" goes there.
    fs::write(crate_dir.join("book/src/02-x.md"), "# X\n").expect("write a page");
    fs::write(crate_dir.join("book/src/02-y.md"), "# Y\nexercises/ex02_x.rs\n").expect("a page");
    crate_dir
}

#[test]
fn hint_n_reveals_one_more_hint_each_time_in_both_languages() {
    let crate_dir = hint_crate();
    let hint = |args: &[&str], lang: &str| {
        let output = net_basics()
            .args(args)
            .current_dir(&crate_dir)
            .env("CARGO_TARGET_DIR", "own-target")
            .env("CARGO", "no-cargo-is-needed-for-hints")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .output()
            .expect("the binary runs");
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        assert!(output.status.success(), "{args:?} exits 0; stderr:\n{stderr}");
        stdout
    };
    let first = hint(&["hint", "2"], "C.UTF-8");
    assert!(first.starts_with("Exercise 2, topic 2 — exercises/ex02_x.rs\n\n"), "{first}");
    assert!(
        first.contains(
            "  Hint 1 of 3: Look at the table.\n  \
             Next hint (2 of 3) for exercise 2: `cargo run -- hint 2`\n"
        ),
        "{first}"
    );
    assert!(!first.contains("Hint 2"), "one hint at a time:\n{first}");
    assert!(
        first.contains("Read: book chapter 2 — book/book/02-y.html"),
        "the exercise's page:\n{first}"
    );
    let second = hint(&["hint", "2"], "zh_CN.UTF-8");
    assert!(
        second.contains(
            "  提示 1/3：看看那张表。\n  提示 2/3：用 match。\n  \
             练习 2 的下一条提示（3/3）：`cargo run -- hint 2`\n"
        ),
        "{second}"
    );
    let third = hint(&["hint", "2", "--lang", "en"], "zh_CN.UTF-8");
    assert!(
        third.contains("  Hint 3 of 3: `0..=1023` is a pattern.\n  That was the last hint.\n"),
        "{third}"
    );
    assert_eq!(hint(&["hint", "2", "--lang", "en"], "C"), third, "after the last, the same");
    let other = hint(&["hint", "1"], "C");
    assert!(
        other.contains("  Hint 1 of 1: Only one.\n  That was the last hint.\n"),
        "per exercise:\n{other}"
    );
    let kept =
        fs::read_to_string(crate_dir.join("own-target/net-basics-progress/hints-ex02_x.txt"));
    assert_eq!(kept.expect("kept under CARGO_TARGET_DIR"), "3\n");
    let output = net_basics().args(["hint", "3"]).current_dir(&crate_dir).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "no exercise 3");
    assert!(text(&output.stderr).contains("hint 3: there are exercises 1 to 2"));
    let _ = fs::remove_dir_all(&crate_dir);
}

/// Why cargo cannot be driven from here (a cross build run by Wine), or `None`.
fn cannot_drive_cargo() -> Option<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    net_basics_progress::run::cargo_here(&cargo).err()
}

/// The number of exercises graded without extra cargo features (`cargo run`, plain `cargo test`):
/// those of `exercises/info.toml` with no `features` (step 7 needs `--features async`).
fn exercise_count(root: &Path) -> usize {
    let exercises = net_basics_progress::info::load(&root.join("exercises/info.toml"));
    let exercises = exercises.expect("exercises/info.toml is read");
    exercises.iter().filter(|exercise| exercise.features.is_empty()).count()
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

    /// What every command run in the copy gets: its folder, its target dir, English.
    fn environment(&self, command: &mut Command) {
        command
            .current_dir(&self.copy)
            .env("CARGO_MANIFEST_DIR", self.copy.join("progress"))
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8");
    }

    /// Runs cargo (the one running these tests) in the copy.
    fn cargo(&self, args: &[&str]) -> Output {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
        self.environment(&mut command);
        command.args(args).env("CARGO_TERM_COLOR", "never").output().expect("cargo runs")
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> (String, Output) {
        let mut command = net_basics();
        self.environment(&mut command);
        command.args(args);
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
    if let Some(why) = cannot_drive_cargo() {
        println!("skipped, not failed: this test drives cargo, and here {why}");
        return;
    }
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

    // The same state under plain `cargo test`'s grading (tests/exercises.rs): every exercise
    // reported, exercise 1 with its first error, and a failure. (CI runs plain `cargo test` in a
    // fresh copy too; this builds only the grading's own test.)
    let output = copy.cargo(&["test", "--test", "exercises"]);
    let stdout = text(&output.stdout);
    assert!(!output.status.success(), "plain cargo test fails while an exercise does not pass");
    assert_line(&stdout, "✘ 1 IP addresses", "exercises/ex01_ip_lookup.rs", "(does not compile)");
    assert_line(&stdout, "✔ 2 ports", "exercises/ex02_port_ranges.rs", "tests pass)");
    assert_line(&stdout, "✘ 3 TCP and sockets", "exercises/ex03_socket2_listener.rs", "/");
    assert_has(
        &stdout,
        &format!("rustc's first error, at exercises/ex01_ip_lookup.rs:{broken_line}:"),
        "cargo test: exercise 1's first error",
    );
    assert_has(
        &stdout,
        "not yet implemented: exercise 3:",
        "cargo test: exercise 3's first message",
    );
    assert_has(&stdout, &format!("\n1/{n} done\n"), "cargo test: the count");

    // The same state, in Chinese: the locale decides; test and rustc messages stay English.
    let (stdout, _) = copy.run(&[], &[("LANG", "zh_CN.UTF-8")]);
    assert_has(&stdout, "（无法编译）", "the status word in Chinese");
    assert_has(&stdout, &format!("已完成 1/{n}"), "the count in Chinese");
    assert_has(&stdout, "book/book/zh-CN/01-", "the zh-CN edition's chapter");
    assert_has(&stdout, "提示 1/", "the Chinese hint");
    let (stdout, _) = copy.run(&["--lang", "en"], &[("LC_ALL", "zh_CN.UTF-8")]);
    assert_has(&stdout, "(does not compile)", "--lang en wins over the locale");

    // Every solution copied over: everything passes.
    for stem in stems(&copy.root) {
        copy.write(&format!("exercises/{stem}.rs"), &copy.solution(&stem));
    }
    let (stdout, _) = copy.run(&[], &[]);
    assert_has(&stdout, &format!("\n{n}/{n} done\n"), "with the solutions, every exercise passes");
    assert_has(&stdout, "Every exercise passes.", "the congratulations");

    // A forgotten flush in exercise 4 (issue 17's student): its tests fail, each with its own
    // message, within the tests' patience — not stopped as a hang, which would hide why.
    let forgets_flush =
        fs::read_to_string(copy.root.join("tools/wrong-answers/ex04/forgets_flush.rs"));
    copy.write("exercises/ex04_time_server.rs", &forgets_flush.expect("the corpus has it"));
    let started = Instant::now();
    let (stdout, _) = copy.run(&[], &[]);
    assert_line(&stdout, "✘ 4 the time server", "exercises/ex04_time_server.rs", "tests pass)");
    assert_has(&stdout, "written to `out` but not flushed", "the message that names the mistake");
    assert!(!stdout.contains("stopped"), "a failing test is no hang:\n{stdout}");
    println!("a forgotten flush, graded in {:?}", started.elapsed());
    copy.write("exercises/ex04_time_server.rs", &copy.solution("ex04_time_server"));

    // A loop that never ends in exercise 2, after a result it ignores (rustc warns): stopped
    // when no test finished for the limit, with the tests still running and the warning.
    // And parse_port refuses "0": its tests fail before the stop, and the first failure is shown.
    let looping = copy.solution("ex02_port_ranges").replace(
        "pub fn classify_port(port: u16) -> PortClass {",
        "pub fn classify_port(port: u16) -> PortClass {\n    \"80\".strip_prefix('8');\n    \
         loop {\n        std::hint::spin_loop();\n    }",
    );
    let looping = looping.replace(
        "pub fn parse_port(text: &str) -> Result<u16, PortError> {",
        "pub fn parse_port(text: &str) -> Result<u16, PortError> {\n    if text == \"0\" {\n        \
         return Err(PortError::Empty);\n    }",
    );
    copy.write("exercises/ex02_port_ranges.rs", &looping);
    let (stdout, _) = copy.run(&["--time-limit", "2"], &[]);
    assert_line(&stdout, "✘ 2 ports", "exercises/ex02_port_ranges.rs", "no test finished for 2 s)");
    assert_has(
        &stdout,
        "Exercise 2's tests were stopped: no test finished for 2 s — a loop that never ends",
        "the next step says what to look for",
    );
    assert_has(&stdout, "Still running: `classify_port_splits_at_1024`", "which test hangs");
    assert_has(&stdout, "rustc's warnings about your code", "the warnings are shown for a hang");
    assert_has(&stdout, "strip_prefix", "the warning that was the cause");
    assert_has(
        &stdout,
        "Before the stop, a test failed; the first: parse_port_reads_every_valid_port\n    \
         thread 'parse_port_reads_every_valid_port'",
        "the first failure among the tests that finished, with its message",
    );
    assert_has(&stdout, "expected Ok(0) for \"0\", got Err(Empty)", "that failure's message");
    assert_has(&stdout, &format!("\n{}/{n} done\n", n - 1), "the others are graded");
    assert_no_process_left_in(&copy.target);

    // --watch: a save is graded at once, the others keep their grades.
    copy.reset();
    let mut watch = net_basics();
    copy.environment(&mut watch);
    let mut watch = watch.arg("--watch").stdout(Stdio::piped()).spawn().expect("--watch starts");
    let (lines, screen) = (BufReader::new(watch.stdout.take().unwrap()).lines(), mpsc::channel());
    std::thread::spawn(move || lines.map_while(Result::ok).try_for_each(|l| screen.0.send(l)));
    let wait_for = |wanted: &dyn Fn(&str) -> bool, within: Duration| {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match screen.1.recv_timeout(left) {
                Ok(line) if wanted(&line) => return Ok(seen),
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        Err(seen.join("\n"))
    };
    let first = wait_for(&|line| line.starts_with("[checked in"), Duration::from_secs(300))
        .map_err(|seen| format!("--watch never finished its first check within 300 s:\n{seen}"));
    let second = first.and_then(|_| {
        copy.write("exercises/ex02_port_ranges.rs", &copy.solution("ex02_port_ranges"));
        wait_for(&|line| line.starts_with("[checked in"), Duration::from_secs(60))
            .map_err(|seen| format!("--watch did not check again within 60 s of the save:\n{seen}"))
    });
    let _ = watch.kill();
    let _ = watch.wait();
    copy.reset();
    let screen = second.unwrap_or_else(|why| panic!("{why}"));
    let screen = screen.join("\n");
    assert_line(&screen, "✔ 2 ports", "exercises/ex02_port_ranges.rs", "tests pass)");
    assert_line(&screen, "✘ 1 IP addresses", "exercises/ex01_ip_lookup.rs", "/");
    assert_has(&screen, &format!("\n1/{n} done\n"), "--watch: the count after the save");
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
