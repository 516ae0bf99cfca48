//! The output parser against real captured output (`samples/`, from `cargo test --test … -q`
//! with rustc 1.95 on an exercise with a `todo!()`, a wrong answer and a panicking thread), and
//! the rendering of reports built by hand.

use super::*;

const TODO_STDOUT: &str = include_str!("samples/todo.stdout.txt");
const TODO_STDERR: &str = include_str!("samples/todo.stderr.txt");
const TODO_PRETTY_STDOUT: &str = include_str!("samples/todo_pretty.stdout.txt");
const PASS_STDOUT: &str = include_str!("samples/pass.stdout.txt");
const LIB_ERROR_STDERR: &str = include_str!("samples/liberr.stderr.txt");
const TEST_ERROR_STDERR: &str = include_str!("samples/testerr.stderr.txt");
const CRASH_STDOUT: &str = include_str!("samples/crash.stdout.txt");
const CRASH_STDERR: &str = include_str!("samples/crash.stderr.txt");
const NO_TARGET_STDERR: &str = include_str!("samples/notarget.stderr.txt");

const TODO_MESSAGE: &str =
    "not yet implemented: exercise 2: implement classify_port — book chapter 2, 'Port ranges'";

fn failed(outcome: Outcome) -> TestRun {
    match outcome {
        Outcome::Failed(run) => run,
        other => panic!("expected Outcome::Failed, got {other:?}"),
    }
}

#[test]
fn a_passing_run_counts_its_tests() {
    let outcome = interpret(PASS_STDOUT, "");
    assert_eq!(
        outcome,
        Outcome::Passed(TestRun {
            passed: 3,
            ..TestRun::default()
        })
    );
}

#[test]
fn a_todo_panic_gives_the_todo_message_and_where_it_is() {
    let run = failed(interpret(TODO_STDOUT, TODO_STDERR));
    assert_eq!((run.passed, run.failed), (0, 3));
    let first = &run.failures[0];
    assert_eq!(first.name, "classify_port_at_every_boundary");
    assert_eq!(first.message, TODO_MESSAGE);
    assert_eq!(
        first.location.as_deref(),
        Some("exercises/ex02_port_ranges.rs:15:5"),
        "the library includes exercises/ from src/, so rustc says src/../exercises/: show the student's path"
    );
}

#[test]
fn an_assertion_keeps_every_line_of_its_message_and_no_backtrace_note() {
    let run = failed(interpret(TODO_STDOUT, TODO_STDERR));
    let assertion = &run.failures[2];
    assert_eq!(assertion.name, "first_dynamic_port_is_1024");
    assert_eq!(
        assertion.message,
        "assertion `left == right` failed: expected 1024 as the first dynamic port:\n\
         ports 0–1023 are well-known\n\
         \n\
         so the dynamic range starts one above — see book chapter 2\n  \
         left: 1023\n \
         right: 1024"
    );
    assert_eq!(
        assertion.location.as_deref(),
        Some("tests/ex02_port_ranges.rs:12:5")
    );
}

#[test]
fn a_panic_in_a_spawned_thread_is_reported_rather_than_the_join_error_after_it() {
    let run = failed(interpret(TODO_STDOUT, TODO_STDERR));
    let threaded = &run.failures[1];
    assert_eq!(threaded.name, "classify_port_in_a_thread");
    assert_eq!(
        threaded.message, TODO_MESSAGE,
        "the first panic is the cause"
    );
}

#[test]
fn the_pretty_format_reads_the_same_as_the_quiet_one() {
    let quiet = failed(interpret(TODO_STDOUT, TODO_STDERR));
    let pretty = failed(interpret(TODO_PRETTY_STDOUT, TODO_STDERR));
    assert_eq!(
        pretty.failures.iter().map(|f| &f.name).collect::<Vec<_>>(),
        quiet.failures.iter().map(|f| &f.name).collect::<Vec<_>>(),
        "both are ordered by the sorted `failures:` list, not by completion"
    );
    assert_eq!(pretty.failures[0].message, quiet.failures[0].message);
}

#[test]
fn failing_names_come_from_the_result_lines_when_the_failures_list_is_missing() {
    let stdout = "running 2 tests\ntest b ... FAILED\nc --- FAILED\n\n\
                  test result: FAILED. 0 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out";
    let run = failed(interpret(stdout, ""));
    let names: Vec<&str> = run.failures.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["b", "c"]);
    assert_eq!(run.failures[0].message, "", "no section, no message");
}

#[test]
fn a_test_that_returns_err_shows_its_section_text() {
    let stdout = "running 1 test\n\nfailures:\n\n---- reads_a_line stdout ----\n\
                  Error: Kind(ConnectionRefused)\n\n\nfailures:\n    reads_a_line\n\n\
                  test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out";
    let run = failed(interpret(stdout, ""));
    assert_eq!(run.failures[0].message, "Error: Kind(ConnectionRefused)");
    assert_eq!(run.failures[0].location, None);
}

#[test]
fn a_backtrace_ends_the_message_when_rust_backtrace_was_on() {
    let section = [
        "thread 't' (7) panicked at tests/a.rs:1:1:",
        "expected 3",
        "stack backtrace:",
        "   0: __rustc::rust_begin_unwind",
    ];
    assert_eq!(
        panic_message(&section),
        ("expected 3".to_string(), Some("tests/a.rs:1:1".to_string()))
    );
}

#[test]
fn a_compile_error_in_an_exercise_names_the_library_and_the_students_file() {
    let outcome = interpret("", LIB_ERROR_STDERR);
    let Outcome::DoesNotCompile { target, errors } = outcome else {
        panic!("expected DoesNotCompile, got {outcome:?}");
    };
    assert_eq!(target, BuildTarget::Library);
    assert_eq!(
        errors.len(),
        1,
        "the closing `could not compile` is not an error of its own"
    );
    assert_eq!(errors[0].header, "error[E0308]: mismatched types");
    assert_eq!(
        errors[0].location.as_deref(),
        Some("exercises/ex02_port_ranges.rs:14:52")
    );
    assert!(
        errors[0]
            .lines
            .iter()
            .any(|line| line.contains("expected `PortRange`, found `&str`")),
        "the snippet with rustc's explanation is kept: {:?}",
        errors[0].lines
    );
}

#[test]
fn windows_paths_read_like_the_others() {
    assert_eq!(
        tidy_path("src\\..\\exercises\\ex02_port_ranges.rs:15:5"),
        "exercises/ex02_port_ranges.rs:15:5"
    );
}

#[test]
fn a_compile_error_in_a_test_file_names_that_test() {
    let outcome = interpret("", TEST_ERROR_STDERR);
    let Outcome::DoesNotCompile { target, errors } = outcome else {
        panic!("expected DoesNotCompile, got {outcome:?}");
    };
    assert_eq!(target, BuildTarget::Test("ex02_port_ranges".to_string()));
    assert_eq!(
        errors[0].header,
        "error[E0061]: this function takes 1 argument but 0 arguments were supplied"
    );
    assert_eq!(
        errors[0].location.as_deref(),
        Some("tests/ex02_port_ranges.rs:13:9"),
        "the first `-->` is the error's place; the `note:` after it points elsewhere"
    );
}

#[test]
fn warnings_are_not_errors() {
    let stderr = "warning: unused variable: `port`\n --> src/lib.rs:1:22\n  |\n\n\
                  error: could not compile `net-basics` (lib) due to 1 previous error\n";
    assert_eq!(parse_compile_errors(stderr), Vec::new());
}

#[test]
fn a_test_program_that_aborts_is_a_crash_with_its_signal() {
    assert_eq!(
        interpret(CRASH_STDOUT, CRASH_STDERR),
        Outcome::Crashed("signal: 6, SIGABRT: process abort signal".to_string())
    );
}

#[test]
fn a_missing_test_file_means_no_tests_yet() {
    assert_eq!(
        interpret("", NO_TARGET_STDERR),
        Outcome::NoTests("its test file is missing".to_string())
    );
}

#[test]
fn a_test_file_without_tests_is_not_done() {
    let stdout = "running 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured";
    assert!(matches!(interpret(stdout, ""), Outcome::NoTests(_)));
}

#[test]
fn an_offline_failure_asks_for_one_online_try() {
    let stderr = "error: no matching package named `clap` found\nlocation searched: crates.io index\n\
                  As a reminder, you're using offline mode (--offline) which can sometimes cause \
                  surprising resolution failures";
    assert!(needs_download(stderr));
    assert!(!needs_download(TODO_STDERR));
    assert_eq!(
        interpret("", stderr),
        Outcome::CouldNotRun(
            "error: no matching package named `clap` found\nlocation searched: crates.io index\n\
             As a reminder, you're using offline mode (--offline) which can sometimes cause \
             surprising resolution failures"
                .to_string()
        )
    );
}

// --- the runner ------------------------------------------------------------------------------

#[test]
fn the_command_grades_the_exercises_offline_and_quietly() {
    let runner = CargoTest {
        cargo: OsString::from("/opt/cargo"),
        project: PathBuf::from("/home/student/net-basics"),
        offline: true,
        slow_after: Duration::from_secs(30),
    };
    let command = runner.command(&EXERCISES[1]);
    assert_eq!(command.get_program(), "/opt/cargo");
    let args: Vec<_> = command
        .get_args()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        args,
        [
            "test",
            "--test",
            "ex02_port_ranges",
            "--no-fail-fast",
            "-q",
            "--color",
            "never",
            "--offline"
        ]
    );
    assert!(
        !args.iter().any(|arg| arg.contains("solutions")),
        "the tool grades the student's exercises, never the reference"
    );
    assert_eq!(
        command.get_current_dir(),
        Some(Path::new("/home/student/net-basics"))
    );
}

#[test]
fn a_missing_cargo_is_a_clear_sentence() {
    let mut runner = CargoTest::new(PathBuf::from("."));
    runner.cargo = OsString::from("/nonexistent/cargo");
    let outcome = runner.run(&EXERCISES[0], &mut || {});
    let Outcome::CouldNotRun(why) = outcome else {
        panic!("expected CouldNotRun, got {outcome:?}");
    };
    assert!(
        why.starts_with("could not start `/nonexistent/cargo`"),
        "{why}"
    );
}

#[test]
#[cfg(unix)] // `sh` and `sleep`
fn a_slow_run_is_noticed_once_and_still_finishes() {
    let mut command = Command::new("sh");
    command.args(["-c", "sleep 0.1; echo done"]);
    let mut noticed = 0;
    let output =
        run_noticing_slowness(command, Duration::from_millis(20), &mut || noticed += 1).unwrap();
    assert_eq!(noticed, 1);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "done\n");
}

#[test]
fn the_project_is_found_from_the_manifest_dir_or_above_the_current_dir() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        find_project(Some(here.to_path_buf()), Path::new("/")),
        Some(here.to_path_buf())
    );
    assert_eq!(
        find_project(None, &here.join("exercises")),
        Some(here.to_path_buf())
    );
    assert_eq!(
        find_project(Some(here.join("src")), &here.join("book/src")),
        Some(here.to_path_buf()),
        "a manifest dir without exercises/ is not the project"
    );
}

// --- the checks and the report ---------------------------------------------------------------

fn passed(count: usize) -> Outcome {
    Outcome::Passed(TestRun {
        passed: count,
        ..TestRun::default()
    })
}

fn todo_failure() -> Outcome {
    interpret(TODO_STDOUT, TODO_STDERR)
}

#[test]
fn exercises_are_checked_in_lesson_order_and_the_first_unfinished_is_current() {
    let mut order = Vec::new();
    let report = check_all(|exercise| {
        order.push(exercise.number);
        if exercise.number == 1 {
            passed(4)
        } else {
            todo_failure()
        }
    });
    assert_eq!(order, [1, 2, 3, 4, 5]);
    assert_eq!(report.done(), 1);
    assert_eq!(report.current(), Some(1));
    assert!(!report.all_done());
}

#[test]
fn a_library_that_does_not_compile_stops_the_check_and_points_at_the_broken_file() {
    let mut runs = 0;
    let report = check_all(|_| {
        runs += 1;
        interpret("", LIB_ERROR_STDERR)
    });
    assert_eq!(runs, 1, "the same error would repeat for every exercise");
    assert!(
        report
            .statuses
            .iter()
            .all(|(_, status)| *status == Status::NotChecked)
    );
    assert_eq!(
        report.current(),
        Some(1),
        "the error is in exercises/ex02_port_ranges.rs"
    );
}

#[test]
fn the_report_lists_every_exercise_and_details_the_current_one() {
    let report = check_all(|exercise| match exercise.number {
        1 => passed(12),
        2 => todo_failure(),
        _ => interpret("", NO_TARGET_STDERR),
    });
    let text = render_report(&report);
    let expected_start = "\
net-basics: your progress through the exercises

  ✔ 1 IP addresses  done   exercises/ex01_ip_lookup.rs  (12 tests pass)
  ✘ 2 ports         to do  exercises/ex02_port_ranges.rs  (0/3 tests pass)
  ✘ 3 sockets       to do  exercises/ex03_socket2_listener.rs  (no tests yet)
  ✘ 4 time server   to do  exercises/ex04_time_server.rs  (no tests yet)
  ✘ 5 time client   to do  exercises/ex05_time_client.rs  (no tests yet)

1/5 done

Next: exercise 2, ports — exercises/ex02_port_ranges.rs
  3 of 3 tests fail. The first: classify_port_at_every_boundary
    not yet implemented: exercise 2: implement classify_port — book chapter 2, 'Port ranges'
    (at exercises/ex02_port_ranges.rs:15:5)
  Hint: ";
    assert!(
        text.starts_with(expected_start),
        "got:\n{text}\nexpected it to start with:\n{expected_start}"
    );
    assert!(
        text.ends_with(
            "  Read: book chapter 2, \"Ports\" (book/src/02-ports.md)\n  \
             Check it alone: cargo test --test ex02_port_ranges\n"
        ),
        "{text}"
    );
}

#[test]
fn the_watch_screen_shows_only_the_current_exercise() {
    let report = check_all(|exercise| {
        if exercise.number <= 2 {
            passed(3)
        } else {
            todo_failure()
        }
    });
    let text = render_current(&report);
    assert!(
        text.starts_with("net-basics  ✔ ✔ ✘ ✘ ✘  2/5 done\n\nNext: exercise 3, sockets"),
        "{text}"
    );
    assert!(!text.contains("ex01_ip_lookup"), "{text}");
    assert!(!text.contains("ex04_time_server"), "{text}");
}

#[test]
fn all_done_is_congratulated_without_a_next_exercise() {
    let report = check_all(|_| passed(2));
    assert!(report.all_done());
    let text = render_report(&report);
    assert!(text.contains("\n5/5 done\n"), "{text}");
    assert!(text.contains("Every exercise passes."), "{text}");
    assert!(!text.contains("Next:"), "{text}");
}

#[test]
fn a_broken_build_shows_the_error_with_its_place_and_the_chapter() {
    let report = check_all(|_| interpret("", LIB_ERROR_STDERR));
    let text = render_report(&report);
    assert!(text.contains("  ? 1 IP addresses  not checked"), "{text}");
    assert!(
        text.contains("\nnot checked: the crate does not compile\n"),
        "not 0/5: nothing was graded\n{text}"
    );
    assert!(
        text.contains(
            "the crate does not compile. Fix this first:\n    error[E0308]: mismatched types\n      \
             --> exercises/ex02_port_ranges.rs:14:52\n"
        ),
        "{text}"
    );
    assert!(text.contains("Read: book chapter 2, \"Ports\""), "{text}");
}

#[test]
fn a_test_file_that_no_longer_compiles_asks_about_the_signature() {
    let report = check_all(|exercise| match exercise.number {
        1 => passed(3),
        2 => interpret("", TEST_ERROR_STDERR),
        _ => todo_failure(),
    });
    let text = render_current(&report);
    assert!(
        text.contains("tests/ex02_port_ranges.rs does not compile against your exercise"),
        "{text}"
    );
    assert!(
        text.contains("--> tests/ex02_port_ranges.rs:13:9"),
        "{text}"
    );
}

#[test]
fn a_hint_is_wrapped_under_its_label() {
    let mut out = String::new();
    let text = "word ".repeat(40);
    push_wrapped(&mut out, "  Hint: ", &text);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() > 1, "{out}");
    assert!(
        lines.iter().all(|line| line.chars().count() <= WIDTH),
        "{out}"
    );
    assert!(lines[0].starts_with("  Hint: word"), "{out}");
    assert!(lines[1].starts_with("        word"), "{out}");
    assert_eq!(out.split_whitespace().filter(|w| *w == "word").count(), 40);
}

#[test]
fn a_long_message_is_cut_with_a_pointer_to_the_full_output() {
    let mut out = String::new();
    let text = (1..=20)
        .map(|n| format!("line {n}"))
        .collect::<Vec<_>>()
        .join("\n");
    push_indented(&mut out, &text, "  ");
    assert_eq!(out.lines().count(), MAX_LINES + 1);
    assert!(
        out.ends_with("  … (6 more lines: run the check alone to see them)\n"),
        "{out}"
    );
}

#[test]
fn every_hint_is_one_sentence_and_every_chapter_file_has_its_title() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for exercise in EXERCISES {
        assert_eq!(
            exercise.hint.matches(". ").count(),
            0,
            "the hint of exercise {} is one sentence",
            exercise.number
        );
        let chapter = std::fs::read_to_string(root.join(exercise.chapter_file))
            .unwrap_or_else(|error| panic!("{}: {error}", exercise.chapter_file));
        assert_eq!(
            chapter.lines().next(),
            Some(format!("# {}", exercise.chapter_title).as_str()),
            "{} should start with the title the tool shows",
            exercise.chapter_file
        );
        assert!(
            exercise
                .chapter_file
                .starts_with(&format!("book/src/0{}-", exercise.chapter)),
            "exercise {}: chapter {} is {}",
            exercise.number,
            exercise.chapter,
            exercise.chapter_file
        );
    }
}

#[test]
fn the_first_failure_shown_is_the_first_test_in_the_file_not_the_first_alphabetically() {
    let source =
        "#[test]\nfn one_line_per_timestamp() {}\n\n#[test]\nfn a_bad_line_is_reported() {}\n";
    let failure = |name: &str| TestFailure {
        name: name.to_owned(),
        message: String::new(),
        location: None,
    };
    let mut failures = vec![
        failure("a_bad_line_is_reported"),
        failure("not_in_the_file"),
        failure("one_line_per_timestamp"),
    ];
    order_as_in_source(&mut failures, source);
    let names: Vec<&str> = failures.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "one_line_per_timestamp",
            "a_bad_line_is_reported",
            "not_in_the_file"
        ]
    );
}
