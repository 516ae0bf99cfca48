//! `cargo run` in net-basics: which exercises pass, and what to do next; `cargo run -- hint N`:
//! the next hint of exercise N. The work is done by the library (`src/lib.rs`).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use net_basics_progress::hints::Seen;
use net_basics_progress::info::{self, Exercise};
use net_basics_progress::os;
use net_basics_progress::run::{self, Cargo, Outcome};
use net_basics_progress::view::{self, Lang};

const HELP: &str = "\
Your progress through the net-basics exercises, and what to do next.

Runs each exercise's tests on your exercises/ (`cargo test --test exNN_…`), one exercise at a
time, and shows which pass; for the first that does not: the first failing test and its
message (or rustc's first error), rustc's warnings about your code, the hints you have seen,
and the book page to read. An exercise that does not compile, or whose tests hang, is shown as
such; the others are graded all the same.

Usage: cargo run [-- OPTIONS]
       cargo run -- hint N     the next hint for exercise N (one more each time)

Options:
  -w, --watch              check again whenever a file in exercises/ changes: the exercise you
                           saved first, at once; a check in progress starts over. Ctrl-C quits.
      --lang en|zh-CN      the language of the view (default: from LC_ALL, LC_MESSAGES or LANG,
                           Chinese when it starts with `zh`; on Windows, from the system's)
      --time-limit SECONDS how long the tests may run without one of them finishing before they
                           are stopped as hanging (default 4; building them is not counted)
      --features LIST      also grade the exercises that need these cargo features, such as
                           `async` (building what they bring)
  -h, --help               this text

Exit status: 0 when the progress or the hint was shown, whatever it says; 1 when the check could
not run (no cargo, no exercises/info.toml); 2 for an option or exercise number it does not know.
";

struct Args {
    watch: bool,
    lang: Option<String>,
    time_limit: Duration,
    features: Vec<String>,
    /// `hint N`: the exercise number.
    hint: Option<usize>,
}

/// The options, or `None` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        watch: false,
        lang: None,
        time_limit: run::TIME_LIMIT,
        features: Vec::new(),
        hint: None,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value =
            || inline.clone().or_else(|| args.next()).ok_or(format!("{name} needs a value"));
        match name {
            "-h" | "--help" => return Ok(None),
            "-w" | "--watch" => parsed.watch = true,
            "--lang" => parsed.lang = Some(value()?),
            "--features" => {
                let list = value()?;
                parsed
                    .features
                    .extend(list.split([',', ' ']).filter(|f| !f.is_empty()).map(String::from));
            }
            "--time-limit" => {
                let text = value()?;
                let seconds = text.parse::<f64>().ok().filter(|s| *s > 0.0 && *s < 1e6);
                parsed.time_limit = Duration::from_secs_f64(seconds.ok_or(format!(
                    "--time-limit {text:?}: expected a number of seconds, such as 3"
                ))?);
            }
            "hint" if parsed.hint.is_none() => {
                let number =
                    args.next().ok_or("hint needs an exercise number: `cargo run -- hint 2`")?;
                let parsed_number = number.parse().ok().filter(|n| *n > 0);
                parsed.hint = Some(parsed_number.ok_or(format!(
                    "hint {number:?}: expected an exercise number, as in `cargo run -- hint 2`"
                ))?);
            }
            _ => {
                return Err(format!("unknown option {arg:?} (`cargo run -- --help` lists them)"));
            }
        }
    }
    if parsed.hint.is_some() && parsed.watch {
        return Err(
            "hint and --watch do not go together: `cargo run -- hint 2` shows one hint".into()
        );
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let (args, lang) = match parse_args(std::env::args().skip(1)) {
        Ok(None) => {
            let _ = io::stdout().write_all(HELP.as_bytes());
            return ExitCode::SUCCESS;
        }
        Ok(Some(args)) => {
            match Lang::choose(args.lang.as_deref(), |name| std::env::var(name).ok(), os::locale) {
                Ok(lang) => (args, lang),
                Err(error) => return fail(&error, 2),
            }
        }
        Err(error) => return fail(&error, 2),
    };
    // The crate's root: here or above (`cargo run` keeps the folder it was started in), or
    // above this package (`CARGO_MANIFEST_DIR` is progress/).
    let cwd = std::env::current_dir().unwrap_or_default();
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let is_root =
        |dir: &&Path| dir.join("Cargo.toml").is_file() && dir.join("exercises/info.toml").is_file();
    let Some(project) = cwd.ancestors().chain(manifest.ancestors()).find(is_root) else {
        return fail(
            "no exercises/info.toml here or above: run `cargo run` inside the net-basics folder",
            1,
        );
    };
    let seen = Seen::new(project, std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from));
    if let Some(number) = args.hint {
        return hint(project, &seen, lang, number);
    }
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    if let Err(why) = run::cargo_here(&program) {
        return fail(
            &format!(
                "{why}, which checks the exercises: is Rust installed and cargo on your PATH?"
            ),
            1,
        );
    }
    let cargo = Cargo {
        program,
        project: project.to_path_buf(),
        time_limit: args.time_limit,
        features: Vec::new(),
    };
    let view = View { cargo: &cargo, lang, seen: &seen, features: &args.features };
    let result = if args.watch { view.watch() } else { view.once() };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`cargo run | head -2`): it has seen what it wanted.
        Err(Stop::Output(error)) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Stop::Output(error)) => fail(&format!("cannot print the progress: {error}"), 1),
        Err(Stop::Info(error)) => fail(&error, 1),
    }
}

fn fail(sentence: &str, code: u8) -> ExitCode {
    let _ = writeln!(io::stderr(), "net-basics: {sentence}");
    ExitCode::from(code)
}

/// `cargo run -- hint N`: one more hint of exercise N than was shown before, with those before.
fn hint(project: &Path, seen: &Seen, lang: Lang, number: usize) -> ExitCode {
    let exercises = match info::load(&project.join("exercises/info.toml")) {
        Ok(exercises) => exercises,
        Err(error) => return fail(&error, 1),
    };
    let Some(exercise) = exercises.iter().find(|e| e.number == number) else {
        let sentence = format!("hint {number}: there are exercises 1 to {}", exercises.len());
        return fail(&sentence, 2);
    };
    let shown = (seen.count(&exercise.stem) + 1).min(exercise.hints.len());
    seen.remember(&exercise.stem, shown);
    let page = view::hint_page(lang, exercise, shown, &exercise.page(project));
    match print(&page) {
        Err(Stop::Output(error)) if error.kind() != io::ErrorKind::BrokenPipe => {
            fail(&format!("cannot print the hint: {error}"), 1)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// Why a check stopped before its end.
enum Stop {
    Output(io::Error),
    Info(String),
}

fn print(text: &str) -> Result<(), Stop> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(Stop::Output)
}

/// One line on stderr saying what is going on, rewritten in place, where the terminal can.
fn status(text: &str) {
    if os::escape_codes(true) {
        eprint!("\r\x1b[K{text}");
    }
}

/// A file of exercises/: its size and modification time, which change when it is saved.
type Stamp = (u64, Option<SystemTime>);

/// Each file of `folder` with its stamp.
fn snapshot(folder: &Path) -> Vec<(PathBuf, Stamp)> {
    let entries = std::fs::read_dir(folder).into_iter().flatten().flatten();
    let mut files: Vec<_> = entries
        .filter_map(|entry| {
            entry.metadata().ok().map(|meta| (entry.path(), (meta.len(), meta.modified().ok())))
        })
        .collect();
    files.sort();
    files
}

struct View<'a> {
    cargo: &'a Cargo,
    lang: Lang,
    seen: &'a Seen,
    /// `--features`: the exercises that need only these are graded too.
    features: &'a [String],
}

/// The last grade of each exercise, with the stamp its file had when it was graded.
type Grades = HashMap<String, (Option<Stamp>, Outcome)>;

impl View<'_> {
    fn once(&self) -> Result<(), Stop> {
        let exercises =
            info::load(&self.cargo.project.join("exercises/info.toml")).map_err(Stop::Info)?;
        self.check(&exercises, &[], &mut Grades::new(), &mut || false).map(|_| ())
    }

    /// Grades the exercises whose file changed since its grade in `grades` (all of them the
    /// first time), printing each line as soon as it is known — the others keep their grade, so
    /// a saved exercise gets its verdict at once — then the count and what to do next.
    /// `Ok(false)`: `cancel` said stop.
    fn check(
        &self,
        exercises: &[Exercise],
        files: &[(PathBuf, Stamp)],
        grades: &mut Grades,
        cancel: &mut dyn FnMut() -> bool,
    ) -> Result<bool, Stop> {
        let stamp = |exercise: &Exercise| {
            let file = self.cargo.project.join(exercise.file());
            files.iter().find(|(path, _)| *path == file).map(|(_, stamp)| *stamp)
        };
        let stale: Vec<&Exercise> = exercises
            .iter()
            .filter(|e| grades.get(&e.stem).is_none_or(|(seen, _)| *seen != stamp(e)))
            .collect();
        let missing = |exercise: &Exercise| -> Vec<String> {
            exercise.features.iter().filter(|f| !self.features.contains(f)).cloned().collect()
        };
        // Side by side, the ones that need no features (those build with their own, each alone).
        let to_build: Vec<&str> =
            stale.iter().filter(|e| e.features.is_empty()).map(|e| e.stem.as_str()).collect();
        if to_build.len() > 1 {
            // The first check: the tests of all exercises, built side by side.
            status(&view::checking(self.lang, stale[0], exercises.len()));
            self.cargo.build_all(&to_build, cancel);
            status("");
        }
        let columns = view::columns(self.lang, exercises);
        print(&view::heading(self.lang))?;
        let mut graded = Vec::new();
        for exercise in exercises {
            let outcome = match grades.get(&exercise.stem) {
                Some((_, outcome)) if !stale.iter().any(|e| e.stem == exercise.stem) => {
                    outcome.clone()
                }
                _ if !missing(exercise).is_empty() => Outcome::NeedsFeatures(missing(exercise)),
                _ => {
                    let before = stamp(exercise);
                    status(&view::checking(self.lang, exercise, exercises.len()));
                    let outcome = self.cargo.check(&exercise.stem, &exercise.features, cancel);
                    status("");
                    let Some(outcome) = outcome else {
                        return Ok(false);
                    };
                    grades.insert(exercise.stem.clone(), (before, outcome.clone()));
                    outcome
                }
            };
            print(&view::line(self.lang, exercise, &outcome, columns))?;
            graded.push((exercise, outcome));
        }
        // The hints seen so far of the exercise that is next, at least the first.
        let (shown, page) = match view::next(&graded) {
            Some((exercise, _)) => {
                let shown = self.seen.count(&exercise.stem).max(1);
                self.seen.remember(&exercise.stem, shown);
                (shown, exercise.page(&self.cargo.project))
            }
            None => (1, String::new()),
        };
        print(&view::summary(self.lang, &graded, shown, &page))?;
        Ok(true)
    }

    /// The `--watch` loop: check, then wait for a change in exercises/ and check what changed;
    /// a change during a check cancels it (its processes are killed) and starts a new one.
    /// Polling the files' sizes and times every 25 ms is cheap (a few `stat`s), reacts within
    /// a few hundredths of a second, and needs no file-watching library.
    fn watch(&self) -> Result<(), Stop> {
        let folder = self.cargo.project.join("exercises");
        let (poll, settle) = (Duration::from_millis(25), Duration::from_millis(10));
        let mut grades = Grades::new();
        let mut info_stamp = None;
        let mut first = true;
        loop {
            // An editor's save can be several writes, microseconds apart: start once the files
            // stay the same for a moment. A write after that cancels the check and starts over.
            let mut seen = snapshot(&folder);
            loop {
                std::thread::sleep(settle);
                let now = snapshot(&folder);
                if now == seen {
                    break;
                }
                seen = now;
            }
            if os::escape_codes(false) {
                // Erase the screen and move the cursor home: plain ANSI, no terminal mode to restore.
                print("\x1b[2J\x1b[H")?;
            } else if !first {
                print(&format!("\n{}\n\n", "─".repeat(40)))?;
            }
            first = false;
            // A changed info.toml changes everything: grade every exercise again.
            let info = folder.join("info.toml");
            let stamp = seen.iter().find(|(path, _)| *path == info).map(|(_, stamp)| *stamp);
            if stamp != info_stamp {
                grades.clear();
                info_stamp = stamp;
            }
            let (started, mut last_look) = (Instant::now(), Instant::now());
            let mut cancel = || {
                last_look.elapsed() >= poll && {
                    last_look = Instant::now();
                    snapshot(&folder) != seen
                }
            };
            let finished = match info::load(&info) {
                Ok(exercises) => self.check(&exercises, &seen, &mut grades, &mut cancel)?,
                Err(error) => print(&format!("net-basics: {error}\n")).map(|()| true)?,
            };
            print(&view::watching(self.lang, finished.then(|| started.elapsed().as_secs_f32())))?;
            while finished && snapshot(&folder) == seen {
                std::thread::sleep(poll);
            }
        }
    }
}
