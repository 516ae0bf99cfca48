//! `cargo run` (the `net-basics` binary) as a student meets it.
//!
//! - The fast tests run the built binary on its command line and on a tiny made-up course (a
//!   package with no dependencies, built once into `target/tmp/` and kept there, so a re-run
//!   only checks freshness).
//! - `pristine_then_solved_course` runs it on a copy of this very crate: the untouched stubs must
//!   give 0/5 and point at exercise 1; with `solutions/` copied into `exercises/`, 5/5. It builds
//!   the copy's tests twice (a few seconds with warm dependencies), so it is `#[ignore]`d here;
//!   run it from the repository root with `cargo test --test progress -- --ignored`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test, as cargo built it for this test run.
fn net_basics() -> Command {
    Command::new(env!("CARGO_BIN_EXE_net-basics"))
}

/// Runs the tool on the package at `project`, with its own target dir, and returns its output.
fn run_on(project: &Path, target_dir: &Path) -> Output {
    net_basics()
        .current_dir(project)
        .env("CARGO_MANIFEST_DIR", project)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .expect("the net-basics binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes `contents` to `path` unless it is there already: an unchanged file keeps its mtime,
/// so cargo does not rebuild the made-up course on every run.
fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    fs::create_dir_all(path.parent().expect("a file has a folder")).expect("create the folder");
    fs::write(path, contents).expect("write the file");
}

/// A made-up course: exercise 1 is solved, exercise 2 is a `todo!()` stub with a wrong second
/// function, exercise 3 has a test program that aborts, and exercises 4 and 5 have no tests yet.
fn tiny_course() -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("progress-tiny-course");
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"tiny-course\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [lib]\npath = \"exercises/lib.rs\"\n",
        ),
        (
            "exercises/lib.rs",
            "#![allow(unused_variables)]\n\
             pub fn answer() -> u32 {\n    42\n}\n\
             pub fn classify_port(port: u16) -> &'static str {\n    \
             todo!(\"exercise 2: implement classify_port — book chapter 2, 'Port ranges'\")\n}\n\
             pub fn first_dynamic() -> u16 {\n    1023\n}\n",
        ),
        (
            "tests/ex01_ip_lookup.rs",
            "#[test]\nfn the_answer() {\n    assert_eq!(tiny_course::answer(), 42);\n}\n",
        ),
        (
            "tests/ex02_port_ranges.rs",
            "#[test]\nfn classify_port_8000() {\n    \
             assert_eq!(tiny_course::classify_port(8000), \"dynamic\");\n}\n\
             #[test]\nfn first_dynamic_port() {\n    assert_eq!(tiny_course::first_dynamic(), 1024, \
             \"expected 1024: see book chapter 2\");\n}\n",
        ),
        (
            "tests/ex03_socket2_listener.rs",
            "#[test]\nfn aborts() {\n    std::process::abort();\n}\n",
        ),
    ];
    for (name, contents) in files {
        write_if_changed(&root.join(name), contents);
    }
    root
}

#[test]
fn help_documents_both_modes_and_the_exit_status() {
    let output = net_basics()
        .arg("--help")
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "--help exits 0");
    let help = text(&output.stdout);
    for wanted in ["--watch", "cargo run -- --watch", "Exit status", "Ctrl-C"] {
        assert!(
            help.contains(wanted),
            "--help should mention {wanted:?}:\n{help}"
        );
    }
}

#[test]
fn outside_a_course_it_says_where_to_run_it() {
    // Outside this crate (target/tmp would find it by walking up).
    let nowhere = std::env::temp_dir().join(format!("net-basics-nowhere-{}", std::process::id()));
    fs::create_dir_all(&nowhere).expect("create an empty folder");
    let output = net_basics()
        .current_dir(&nowhere)
        .env_remove("CARGO_MANIFEST_DIR")
        .output();
    let _ = fs::remove_dir(&nowhere);
    let output = output.expect("the binary runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "no project is a failure to check"
    );
    assert!(
        text(&output.stderr).contains("no exercises/ folder here or above"),
        "stderr: {}",
        text(&output.stderr)
    );
}

#[test]
fn without_cargo_it_says_so_once_and_fails() {
    // Run outside `cargo run` with no cargo on the PATH: the report must not claim "0/5 done"
    // (five "could not run" lines look like lost work), and --help promises exit status 1.
    let course = tiny_course();
    let output = net_basics()
        .current_dir(&course)
        .env("CARGO_MANIFEST_DIR", &course)
        .env("CARGO", course.join("no-such-cargo"))
        .output()
        .expect("the net-basics binary runs");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(
        output.status.code(),
        Some(1),
        "no cargo means the check could not run: exit 1, as --help says\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.is_empty(),
        "no progress report without cargo (it would read 0/5 done), got:\n{stdout}"
    );
    assert!(
        stderr.contains("no-such-cargo")
            && stderr.contains("cargo on your PATH")
            && stderr.lines().count() == 1,
        "one line naming the cargo it tried and what to check, got:\n{stderr}"
    );
}

#[test]
fn a_tiny_course_is_graded_end_to_end() {
    let course = tiny_course();
    let output = run_on(&course, &course.join("target"));
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "a report exits 0\nstdout:\n{stdout}\nstderr:\n{}",
        text(&output.stderr)
    );
    for wanted in [
        "  ✔ 1 IP addresses  done   exercises/ex01_ip_lookup.rs  (its test passes)\n",
        "  ✘ 2 ports         to do  exercises/ex02_port_ranges.rs  (0/2 tests pass)\n",
        "  ✘ 3 sockets       to do  exercises/ex03_socket2_listener.rs  (the tests stopped abruptly)\n",
        "  ✘ 4 time server   to do  exercises/ex04_time_server.rs  (no tests yet)\n",
        "\n1/5 done\n",
        "\nNext: exercise 2, ports — exercises/ex02_port_ranges.rs\n",
        "  2 of 2 tests fail. The first: classify_port_8000\n",
        "    not yet implemented: exercise 2: implement classify_port — book chapter 2, 'Port ranges'\n",
        "    (at exercises/lib.rs:6:5)\n",
        "  Read: book chapter 2, \"Ports\" (book/src/02-ports.md)\n",
    ] {
        assert!(stdout.contains(wanted), "expected {wanted:?} in:\n{stdout}");
    }
}

/// What `copy_crate` leaves out: build output, git's data, mutation-testing results, the
/// built book.
fn skipped(relative: &Path) -> bool {
    let name = relative
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    let name = name.as_deref().unwrap_or("");
    name == "target"
        || name == ".git"
        || name.starts_with("mutants.out")
        || relative == Path::new("book/book")
}

/// Makes `to` a copy of the crate at `from` (see [`skipped`]): writes only the files that
/// changed and deletes the ones that are gone, so that the copy's build stays warm from one
/// run to the next and never sees a stale file.
fn copy_crate(from: &Path, to: &Path) {
    sync_dir(from, to, Path::new(""));
}

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

#[test]
#[ignore = "builds a copy of the crate's tests twice; run it with: cargo test --test progress -- --ignored"]
fn pristine_then_solved_course() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = Path::new(env!("CARGO_TARGET_TMPDIR")).join("progress-course-copy");
    // The copy shares this build's target dir (target/tmp/..): the dependencies are built
    // already, and cargo keeps the copy's own artifacts apart (another package path).
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target dir>/tmp")
        .to_path_buf();
    copy_crate(root, &copy);

    let pristine = run_on(&copy, &target_dir);
    let stdout = text(&pristine.stdout);
    let report = format!("stdout:\n{stdout}\nstderr:\n{}", text(&pristine.stderr));
    assert!(pristine.status.success(), "{report}");
    assert!(
        stdout.contains("\n0/5 done\n"),
        "the untouched stubs pass nothing\n{report}"
    );
    assert!(
        stdout.contains("\nNext: exercise 1, IP addresses — exercises/ex01_ip_lookup.rs\n"),
        "a fresh clone points at exercise 1\n{report}"
    );
    assert!(
        stdout.contains("not yet implemented: exercise 1:"),
        "the first failure is exercise 1's todo!() message\n{report}"
    );
    assert!(stdout.contains("book chapter 1"), "{report}");

    for entry in fs::read_dir(root.join("solutions")).expect("read solutions/") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        if name.starts_with("ex") && name.ends_with(".rs") {
            fs::copy(&path, copy.join("exercises").join(&name)).expect("copy a solution");
        }
    }
    let solved = run_on(&copy, &target_dir);
    let stdout = text(&solved.stdout);
    // Put the stubs back so that the next run starts pristine (and only rebuilds those files).
    copy_crate(root, &copy);
    assert!(
        solved.status.success(),
        "a report exits 0\nstdout:\n{stdout}\nstderr:\n{}",
        text(&solved.stderr)
    );
    assert!(
        stdout.contains("\n5/5 done\n") && stdout.contains("Every exercise passes."),
        "with the solutions in exercises/, every exercise passes\nstdout:\n{stdout}\nstderr:\n{}",
        text(&solved.stderr)
    );
}
