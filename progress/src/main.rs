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
use run::{Cargo, Outcome};
use view::Lang;

const HELP: &str = "\
Your progress through the net-basics exercises, and what to do next.

Runs each exercise's tests on your exercises/ (`cargo test --test exNN_…`), one exercise at a
time, and shows which pass; for the first that does not: the first failing test and its
message (or rustc's first error), a hint, and the book chapter to read.

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

fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        watch: false,
        lang: None,
        time_limit: Duration::from_secs(15),
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "-w" | "--watch" => parsed.watch = true,
            "--lang" => parsed.lang = Some(value()?),
            "--time-limit" => {
                let text = value()?;
                parsed.time_limit = text
                    .parse::<f64>()
                    .ok()
                    .filter(|seconds| *seconds > 0.0 && *seconds < 1e6)
                    .map(Duration::from_secs_f64)
                    .ok_or(format!(
                        "--time-limit {text:?}: expected a number of seconds, such as 15"
                    ))?;
            }
            _ => {
                return Err(format!(
                    "unknown option {arg:?} (`cargo run -- --help` lists them)"
                ));
            }
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            let _ = io::stdout().write_all(HELP.as_bytes());
            return ExitCode::SUCCESS;
        }
        Err(error) => return fail(&error, 2),
    };
    let lang = match Lang::choose(args.lang.as_deref(), |name| std::env::var(name).ok()) {
        Ok(lang) => lang,
        Err(error) => return fail(&error, 2),
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let Some(project) = cwd
        .ancestors()
        .chain(manifest.ancestors())
        .find(|dir| dir.join("Cargo.toml").is_file() && dir.join("exercises/info.toml").is_file())
    else {
        return fail(
            "no exercises/info.toml here or above: run `cargo run` inside the net-basics folder",
            1,
        );
    };
    let cargo = Cargo {
        program: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
        project: project.to_path_buf(),
        time_limit: args.time_limit,
    };
    if let Err(error) = Command::new(&cargo.program).arg("--version").output() {
        return fail(
            &format!(
                "cannot run `{}` ({error}), which checks the exercises: is Rust installed and \
                 cargo on your PATH?",
                Path::new(&cargo.program).display()
            ),
            1,
        );
    }
    let result = if args.watch {
        watch(&cargo, lang)
    } else {
        once(&cargo, lang)
    };
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
    let mut out = io::stdout().lock();
    let columns = view::columns(lang, exercises);
    let mut status = Status {
        enabled: io::stderr().is_terminal(),
    };
    let print = |out: &mut io::StdoutLock, text: &str| {
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(Stop::Output)
    };
    print(&mut out, &format!("{}\n", view::heading(lang)))?;
    let mut graded = Vec::new();
    for exercise in exercises {
        status.show(&match lang {
            Lang::En => format!(
                "checking exercise {}/{} ({})… (the first check also builds the tests)",
                exercise.number,
                exercises.len(),
                exercise.topic.en
            ),
            Lang::Zh => format!(
                "正在检查练习 {}/{}（{}）……（第一次检查还要编译测试）",
                exercise.number,
                exercises.len(),
                exercise.topic.zh
            ),
        });
        let outcome = cargo.check(&exercise.stem, cancel);
        status.clear();
        let Some(outcome) = outcome else {
            return Ok(false);
        };
        print(&mut out, &view::line(lang, exercise, &outcome, columns))?;
        graded.push((exercise, outcome));
    }
    let done = graded
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Passed { .. }))
        .count();
    let text = format!(
        "\n{}\n{}",
        view::count(lang, done, graded.len()),
        view::next(lang, &graded)
    );
    print(&mut out, &text)?;
    Ok(true)
}

/// The `--watch` loop: check, then wait for a change in exercises/; a change during a check
/// cancels it (its processes are killed) and starts a new one.
fn watch(cargo: &Cargo, lang: Lang) -> Result<(), Stop> {
    let folder = cargo.project.join("exercises");
    let poll = Duration::from_millis(300);
    loop {
        let seen = settled(&folder, poll);
        clear_screen();
        let started = Instant::now();
        let mut last_look = Instant::now();
        let mut cancel = || {
            if last_look.elapsed() < poll {
                return false;
            }
            last_look = Instant::now();
            snapshot(&folder) != seen
        };
        let finished = match info::load(&folder.join("info.toml")) {
            Ok(exercises) => check_all(cargo, lang, &exercises, &mut cancel)?,
            Err(error) => {
                println!("net-basics: {error}");
                true
            }
        };
        let mut out = io::stdout().lock();
        let footer = if finished {
            let seconds = started.elapsed().as_secs_f32();
            match lang {
                Lang::En => format!(
                    "\n[checked in {seconds:.1} s] Watching exercises/: save a file to check again \
                     (a check in progress starts over); Ctrl-C quits.\n"
                ),
                Lang::Zh => format!(
                    "\n[用时 {seconds:.1} 秒] 正在监视 exercises/：保存文件就会重新检查\
                     （正在进行的检查会重新开始）；按 Ctrl-C 退出。\n"
                ),
            }
        } else {
            lang.pick(
                "\nA file changed: checking again…\n",
                "\n有文件改动了：重新检查……\n",
            )
            .to_string()
        };
        out.write_all(footer.as_bytes())
            .and_then(|()| out.flush())
            .map_err(Stop::Output)?;
        drop(out);
        while finished && snapshot(&folder) == seen {
            std::thread::sleep(poll);
        }
    }
}

/// Each file of `folder` with its size and modification time.
fn snapshot(folder: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            Some((entry.path(), meta.len(), meta.modified().ok()))
        })
        .collect();
    files.sort();
    files
}

/// The folder's snapshot once it stopped changing for `quiet` (an editor's save can be several
/// writes).
fn settled(folder: &Path, quiet: Duration) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut seen = snapshot(folder);
    loop {
        std::thread::sleep(quiet);
        let now = snapshot(folder);
        if now == seen {
            return now;
        }
        seen = now;
    }
}

fn clear_screen() {
    if io::stdout().is_terminal() {
        // Erase the screen and move the cursor home: plain ANSI, no terminal mode to restore.
        print!("\x1b[2J\x1b[H");
    }
}

/// One line on stderr saying what is being checked, rewritten in place, at a terminal only.
struct Status {
    enabled: bool,
}

impl Status {
    fn show(&mut self, text: &str) {
        if self.enabled {
            eprint!("\r\x1b[K{text}");
        }
    }

    fn clear(&mut self) {
        if self.enabled {
            eprint!("\r\x1b[K");
        }
    }
}
