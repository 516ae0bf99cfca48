//! `cargo run` in net-basics: which exercises pass, and what to do next.
//!
//! The exercises come from `exercises/info.toml` ([`info`]). Each is graded on its own by
//! `cargo test --test exNN_…` ([`run`]: built first, then run with a time limit), so a broken
//! exercise breaks only itself; [`view`] says what that means, in English or Chinese.

mod info;
mod run;
mod view;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant, SystemTime};

use info::Exercise;
use run::Cargo;
use view::Lang;

const HELP: &str = "\
Your progress through the net-basics exercises, and what to do next.

Runs each exercise's tests on your exercises/ (`cargo test --test exNN_…`), one exercise at a
time, and shows which pass; for the first that does not: the first failing test and its
message (or rustc's first error), a hint, and the book chapter to read. An exercise that does
not compile, or whose tests do not finish within the time limit, is shown as such; the others
are graded all the same.

Usage: cargo run [-- OPTIONS]

Options:
  -w, --watch              check again whenever a file in exercises/ changes; a check in
                           progress starts over. Ctrl-C quits.
      --lang en|zh-CN      the language of the view (default: from LC_ALL, LC_MESSAGES or LANG;
                           Chinese when it starts with `zh`)
      --time-limit SECONDS how long one exercise's tests may run before they are stopped
                           (default 15; building them is not counted)
  -h, --help               this text

Exit status: 0 when the progress was shown, whatever it says; 1 when the check could not run
(no cargo, no exercises/info.toml); 2 for an option it does not know.
";

struct Args {
    watch: bool,
    lang: Option<String>,
    time_limit: Duration,
}

/// The options, or `None` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args { watch: false, lang: None, time_limit: Duration::from_secs(15) };
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
            "--time-limit" => {
                let text = value()?;
                let seconds = text.parse::<f64>().ok().filter(|s| *s > 0.0 && *s < 1e6);
                parsed.time_limit = Duration::from_secs_f64(seconds.ok_or(format!(
                    "--time-limit {text:?}: expected a number of seconds, such as 15"
                ))?);
            }
            _ => {
                return Err(format!("unknown option {arg:?} (`cargo run -- --help` lists them)"));
            }
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let (args, lang) = match parse_args(std::env::args().skip(1)) {
        Ok(None) => {
            let _ = io::stdout().write_all(HELP.as_bytes());
            return ExitCode::SUCCESS;
        }
        Ok(Some(args)) => match Lang::choose(args.lang.as_deref(), |name| std::env::var(name).ok())
        {
            Ok(lang) => (args, lang),
            Err(error) => return fail(&error, 2),
        },
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
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    if let Err(error) = Command::new(&program).arg("--version").output() {
        let cargo = Path::new(&program).display();
        let sentence = format!(
            "cannot run `{cargo}` ({error}), which checks the exercises: is Rust installed and cargo on your PATH?"
        );
        return fail(&sentence, 1);
    }
    let cargo = Cargo { program, project: project.to_path_buf(), time_limit: args.time_limit };
    let result = if args.watch { watch(&cargo, lang) } else { once(&cargo, lang) };
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

/// Why a check stopped before its end.
enum Stop {
    Output(io::Error),
    Info(String),
}

fn print(text: &str) -> Result<(), Stop> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(Stop::Output)
}

fn once(cargo: &Cargo, lang: Lang) -> Result<(), Stop> {
    let exercises = info::load(&cargo.project.join("exercises/info.toml")).map_err(Stop::Info)?;
    check_all(cargo, lang, &exercises, &mut || false).map(|_| ())
}

/// Grades every exercise, printing each one's line as soon as it is known, then the count and
/// what to do next. `Ok(false)`: `cancel` said stop.
fn check_all(
    cargo: &Cargo,
    lang: Lang,
    exercises: &[Exercise],
    cancel: &mut dyn FnMut() -> bool,
) -> Result<bool, Stop> {
    let columns = view::columns(lang, exercises);
    print(&view::heading(lang))?;
    let mut graded = Vec::new();
    for exercise in exercises {
        status(&view::checking(lang, exercise, exercises.len()));
        let outcome = cargo.check(&exercise.stem, cancel);
        status("");
        let Some(outcome) = outcome else {
            return Ok(false);
        };
        print(&view::line(lang, exercise, &outcome, columns))?;
        graded.push((exercise, outcome));
    }
    print(&view::summary(lang, &graded))?;
    Ok(true)
}

/// One line on stderr saying what is going on, rewritten in place, at a terminal only.
fn status(text: &str) {
    if io::stderr().is_terminal() {
        eprint!("\r\x1b[K{text}");
    }
}

/// The `--watch` loop: check, then wait for a change in exercises/; a change during a check
/// cancels it (its processes are killed) and starts a new one. Polling the files' sizes and
/// times every 300 ms is cheap and needs no file-watching library.
fn watch(cargo: &Cargo, lang: Lang) -> Result<(), Stop> {
    let folder = cargo.project.join("exercises");
    let poll = Duration::from_millis(300);
    loop {
        // An editor's save can be several writes: start once the files stay the same for a poll.
        let mut seen = snapshot(&folder);
        loop {
            std::thread::sleep(poll);
            let now = snapshot(&folder);
            if now == seen {
                break;
            }
            seen = now;
        }
        if io::stdout().is_terminal() {
            // Erase the screen and move the cursor home: plain ANSI, no terminal mode to restore.
            print("\x1b[2J\x1b[H")?;
        }
        let (started, mut last_look) = (Instant::now(), Instant::now());
        let mut cancel = || {
            last_look.elapsed() >= poll && {
                last_look = Instant::now();
                snapshot(&folder) != seen
            }
        };
        let finished = match info::load(&folder.join("info.toml")) {
            Ok(exercises) => check_all(cargo, lang, &exercises, &mut cancel)?,
            Err(error) => print(&format!("net-basics: {error}\n")).map(|()| true)?,
        };
        print(&view::watching(lang, finished.then(|| started.elapsed().as_secs_f32())))?;
        while finished && snapshot(&folder) == seen {
            std::thread::sleep(poll);
        }
    }
}

/// Each file of `folder` with its size and modification time.
fn snapshot(folder: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let entries = std::fs::read_dir(folder).into_iter().flatten().flatten();
    let mut files: Vec<_> = entries
        .filter_map(|entry| {
            entry.metadata().ok().map(|meta| (entry.path(), meta.len(), meta.modified().ok()))
        })
        .collect();
    files.sort();
    files
}
