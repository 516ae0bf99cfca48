//! Plain `cargo test`'s grading of every exercise: the root package's `tests/exercises.rs`
//! (`harness = false`) calls [`main`]. The exercises' own test targets have `test = false`, so
//! that one which does not compile cannot stop `cargo test` from building anything: here each
//! exercise is built and run on its own (`cargo test --test exNN_… --no-run` on the same target
//! dir — cargo holds no lock while tests run — then its test program, with a time limit), and
//! every one is reported: passing, failing with its first message, or not compiling with rustc's
//! first error. It fails while any does not pass.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::info::{self, Exercise};
use crate::os;
use crate::run::{self, Cargo, Outcome};
use crate::view::{self, Lang};

/// What libtest's command line asks of this harness (`cargo test -- ARGS` passes ARGS to every
/// test program): the exercises are its tests, named by their stems.
#[derive(Debug, Default, PartialEq, Eq)]
struct Args {
    filters: Vec<String>,
    skip: Vec<String>,
    exact: bool,
    list: bool,
    terse: bool,
    /// `--ignored`: only the ignored tests, and no exercise is ignored.
    ignored_only: bool,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Args {
    let mut parsed = Args::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next()).unwrap_or_default();
        match name {
            "--list" => parsed.list = true,
            "--exact" => parsed.exact = true,
            "--ignored" => parsed.ignored_only = true,
            "--skip" => parsed.skip.push(value()),
            "--format" => parsed.terse = value() == "terse",
            // Options of libtest's that take a value, and mean nothing here.
            "--test-threads" | "--color" | "--logfile" | "-Z" | "--shuffle-seed" => {
                value();
            }
            _ if name.starts_with('-') => {}
            _ => parsed.filters.push(arg),
        }
    }
    parsed
}

impl Args {
    /// Whether the exercise `stem` is one of the tests asked for.
    fn wants(&self, stem: &str) -> bool {
        let matches = |pattern: &String| {
            if self.exact { stem == pattern } else { stem.contains(pattern.as_str()) }
        };
        (self.filters.is_empty() || self.filters.iter().any(matches))
            && !self.skip.iter().any(matches)
    }
}

/// Grades the exercises of the crate at `project`, with the cargo features the outer `cargo test`
/// has on (`features_on`: the same features build the same library, already built; an exercise
/// that needs others is left ungraded, with one line saying how to grade it). Exit status 0 when
/// every graded exercise passes, or when cargo cannot be driven from here (said in one sentence).
pub fn main(project: &Path, features_on: &[&str]) -> ExitCode {
    let args = parse_args(std::env::args().skip(1));
    let lang = Lang::choose(None, |name| std::env::var(name).ok(), os::locale).unwrap_or(Lang::En);
    let exercises = match info::load(&project.join("exercises/info.toml")) {
        Ok(exercises) => exercises,
        Err(error) => {
            eprintln!("exercises: {error}");
            return ExitCode::FAILURE;
        }
    };
    let chosen: Vec<&Exercise> = exercises.iter().filter(|e| args.wants(&e.stem)).collect();
    let mut out = io::stdout().lock();
    if args.list {
        for exercise in &chosen {
            let _ = writeln!(out, "{}: test", exercise.stem);
        }
        if !args.terse {
            let _ = writeln!(out, "\n{} tests, 0 benchmarks", chosen.len());
        }
        return ExitCode::SUCCESS;
    }
    if args.ignored_only || chosen.is_empty() {
        let _ =
            writeln!(out, "\nno exercise to grade (none is ignored, or none matches the filter)");
        return ExitCode::SUCCESS;
    }
    let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    if let Err(why) = run::cargo_here(&program) {
        let _ = writeln!(
            out,
            "\nexercises: skipped, not failed: grading them needs cargo, and here {why}; \
             `cargo test --test exNN_…` runs one exercise's tests."
        );
        return ExitCode::SUCCESS;
    }
    let features = features_on.iter().map(|f| f.to_string()).collect();
    let cargo =
        Cargo { program, project: project.to_path_buf(), time_limit: run::TIME_LIMIT, features };
    let report = grade(lang, &cargo, &chosen, &mut out);
    let passing =
        report.iter().all(|(_, o)| matches!(o, Outcome::Passed { .. } | Outcome::NeedsFeatures(_)));
    if passing { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Grades `exercises`, writing each one's line as soon as it is known, then the details of each
/// that does not pass, and the count.
fn grade<'a>(
    lang: Lang,
    cargo: &Cargo,
    exercises: &[&'a Exercise],
    out: &mut dyn Write,
) -> Vec<(&'a Exercise, Outcome)> {
    let solutions = cargo.features.iter().any(|f| f == "solutions");
    // The file the tests include (their `#[cfg_attr(feature = "solutions", path = …)]` lines):
    // the reference answer with `--features solutions`, else the student's.
    let tested = |exercise: &Exercise| {
        if solutions { format!("solutions/{}.rs", exercise.stem) } else { exercise.file() }
    };
    let heading = if solutions {
        lang.say(
            "\ngrading each exercise on its own, with the reference answers (--features solutions):\n",
            "\n逐个单独检查每个练习，用的是参考答案（--features solutions）：\n",
            &[],
        )
    } else {
        lang.say(
            "\ngrading each exercise on its own (your exercises/):\n",
            "\n逐个单独检查每个练习（你的 exercises/）：\n",
            &[],
        )
    };
    let _ = out.write_all(heading.as_bytes());
    let _ = out.flush();
    let needs = |exercise: &Exercise| -> Vec<String> {
        let on = |feature: &String| cargo.features.contains(feature);
        exercise.features.iter().filter(|f| !on(f)).cloned().collect()
    };
    let graded_here: Vec<&str> =
        exercises.iter().filter(|e| needs(e).is_empty()).map(|e| e.stem.as_str()).collect();
    if graded_here.len() > 1 {
        // Side by side first (two compile at once on two cores); then each is graded alone.
        cargo.build_all(&graded_here, &mut || false);
    }
    let owned: Vec<Exercise> = exercises.iter().map(|e| (*e).clone()).collect();
    let columns = view::columns(lang, &owned);
    let mut report = Vec::new();
    for exercise in exercises {
        let missing = needs(exercise);
        let outcome = if missing.is_empty() {
            cargo.check(&exercise.stem, &[], &mut || false).expect("never cancelled")
        } else {
            Outcome::NeedsFeatures(missing)
        };
        let line = view::line_of(lang, exercise, &tested(exercise), &outcome, columns);
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
        report.push((*exercise, outcome));
    }
    let mut text = String::new();
    for (exercise, outcome) in &report {
        let details = view::details(lang, exercise, outcome, 12);
        if !details.is_empty() {
            let head = [
                &exercise.number as &dyn std::fmt::Display,
                &exercise.topic.pick(lang),
                &tested(exercise),
            ];
            text += &lang.say("\nExercise {0}, {1} — {2}\n", "\n练习 {0}，{1} —— {2}\n", &head);
            text += &details;
        }
    }
    text += &view::count(lang, &report);
    text += &view::ungraded(lang, &report, "cargo test --features");
    if let Some((exercise, _)) = view::next(&report) {
        text += &lang.say(
            "`cargo run` shows what to do next, with hints; `cargo test --test {0}` runs one exercise's tests.\n",
            "`cargo run` 会告诉你下一步做什么，并给出提示；`cargo test --test {0}` 只运行一个练习的测试。\n",
            &[&exercise.stem],
        );
    }
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Args {
        parse_args(line.split_whitespace().map(str::to_string))
    }

    #[test]
    fn libtests_command_line_picks_exercises_by_stem() {
        assert_eq!(args(""), Args::default());
        let plain = args("--test-threads 2 --color=never -q --nocapture --format pretty");
        assert_eq!(plain, Args::default(), "options that mean nothing here are taken, not graded");
        assert!(plain.wants("ex02_port_ranges"), "no filter: every exercise");
        let some = args("port ex01 --skip ex01_ip");
        assert!(some.wants("ex02_port_ranges") && !some.wants("ex01_ip_lookup"));
        assert!(!some.wants("ex03_socket2_listener"), "a filter that does not match");
        let exact = args("--exact ex02_port");
        assert!(
            !exact.wants("ex02_port_ranges")
                && args("--exact ex02_port_ranges").wants("ex02_port_ranges")
        );
        assert!(args("--ignored").ignored_only && args("--list --format terse").terse);
        assert!(!args("--include-ignored").ignored_only, "--include-ignored runs everything");
    }

    /// The whole report, from a fake cargo: one exercise does not compile, one passes, one fails
    /// with a warning, one needs a feature that is off.
    #[cfg(unix)]
    #[test]
    fn every_exercise_is_reported_and_the_first_message_of_each_that_does_not_pass() {
        use std::os::unix::fs::PermissionsExt;
        let _scripts = crate::scripts_lock();
        let folder =
            std::env::temp_dir().join(format!("net-basics-harness-{}", std::process::id()));
        std::fs::create_dir_all(folder.join("tests")).unwrap();
        let cargo_script = "#!/bin/sh\necho \"$@\" >> cargo.log\ncase $3 in\n\
             ex01_a) printf 'error: expected `;`\\n --> tests/../solutions/ex01_a.rs:3:9\\n\\n\
             error: could not compile `x`\\n' >&2; exit 101;;\n\
             ex03_c) printf 'warning: unused variable: `x`\\n --> tests/../solutions/ex03_c.rs:2:9\\n\\n' >&2\n\
             echo '  Executable tests/ex03_c.rs (ex03_c)' >&2;;\n\
             *) echo \"  Executable tests/$3.rs ($3)\" >&2;;\nesac\n";
        let scripts = [
            ("cargo", cargo_script.to_string()),
            ("ex02_b", "#!/bin/sh\necho 'test result: ok. 4 passed; 0 failed;'\n".into()),
            (
                "ex03_c",
                "#!/bin/sh\nprintf -- '---- t stdout ----\\nthread panicked at tests/../solutions/ex03_c.rs:5:5:\\n\
                 not yet implemented\\n\\nfailures:\\n\\ntest result: FAILED. 0 passed; 2 failed;\\n'; exit 101\n"
                    .into(),
            ),
        ];
        for (name, script) in scripts {
            let path = folder.join(name);
            std::fs::write(&path, script).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let entry = |n: usize, stem: &str, extra: &str| {
            format!(
                "[[exercises]]\nstem = \"{stem}\"\nchapter = {n}\nchapter_file = \"book/src/0{n}-x.md\"\n\
                 topic = \"t{n}\"\ntopic_zh = \"t{n}\"\ntitle = \"T\"\ntitle_zh = \"T\"\nhint1 = \"h\"\n\
                 hint1_zh = \"h\"\n{extra}"
            )
        };
        let info = [
            entry(1, "ex01_a", ""),
            entry(2, "ex02_b", ""),
            entry(3, "ex03_c", ""),
            entry(4, "ex04_d", "features = \"async\"\n"),
        ]
        .concat();
        let exercises = info::parse(&info).unwrap();
        let chosen: Vec<&Exercise> = exercises.iter().collect();
        let cargo = Cargo {
            program: folder.join("cargo").into(),
            project: folder.clone(),
            time_limit: run::TIME_LIMIT,
            features: vec!["solutions".into()],
        };
        let mut out = Vec::new();
        let report = grade(Lang::En, &cargo, &chosen, &mut out);
        let out = String::from_utf8(out).unwrap();
        let log = std::fs::read_to_string(folder.join("cargo.log")).unwrap();
        let _ = std::fs::remove_dir_all(&folder);
        let expected = "
grading each exercise on its own, with the reference answers (--features solutions):
  ✘ 1 t1  solutions/ex01_a.rs  (does not compile)
  ✔ 2 t2  solutions/ex02_b.rs  (4 tests pass)
  ✘ 3 t3  solutions/ex03_c.rs  (0/2 tests pass)
  – 4 t4  solutions/ex04_d.rs  (not graded: needs --features async)

Exercise 1, t1 — solutions/ex01_a.rs
  It does not compile; rustc's first error, at solutions/ex01_a.rs:3:9:
    error: expected `;`
     --> solutions/ex01_a.rs:3:9

Exercise 3, t3 — solutions/ex03_c.rs
  2 of 2 tests fail; the first: t
    thread panicked at solutions/ex03_c.rs:5:5:
    not yet implemented
  rustc's warnings about your code (one may be the cause; `cargo test --test ex03_c` shows them in full):
    solutions/ex03_c.rs:2:9: warning: unused variable: `x`

1/3 done
Exercise 4 (t4) is graded with `cargo test --features async`.
`cargo run` shows what to do next, with hints; `cargo test --test ex01_a` runs one exercise's tests.
";
        assert_eq!(out, expected);
        assert_eq!(report.len(), 4);
        let builds: Vec<&str> = log.lines().collect();
        assert_eq!(
            builds[0],
            "build --keep-going --color never --features solutions --test ex01_a --test ex02_b --test ex03_c",
            "the exercises that are graded are built side by side first, with the outer features"
        );
        assert!(!log.contains("ex04_d"), "an exercise whose features are off is not built: {log}");
    }
}
