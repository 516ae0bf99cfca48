//! `cargo run`: your progress through the exercises, and what to do next.
//!
//! The checking and the text live in `net_basics::progress`; this file is the command line,
//! the `--watch` loop and the terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use clap::Parser;
mod progress;
use notify::{EventKind, RecursiveMode, Watcher};
use progress::{CargoTest, Exercise, Report};

/// Your progress through the net-basics exercises, and what to do next.
///
/// Runs each exercise's tests (`cargo test --test exNN_…`, offline, on your `exercises/`),
/// in lesson order, and shows which pass. For the first one that does not, it shows the
/// first failing test and its message, a hint, and the book chapter to read.
#[derive(Debug, Parser)]
#[command(
    name = "net-basics",
    bin_name = "cargo run --",
    after_help = "\
Modes:
  cargo run                 check every exercise once and print the list
  cargo run -- --watch      check again whenever you save a file in exercises/

Exit status: 0 when the progress was shown, whatever it says (so that `cargo run` does not
add an error line to a report that only says what is left to do); 1 when the check itself
could not run (no cargo, no exercises/ folder, no file watcher)."
)]
struct Args {
    /// Keep watching exercises/ and re-check whenever a file there changes; show only the
    /// exercise you are on. Ctrl-C stops it (and any test run in progress).
    #[arg(short, long)]
    watch: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let Some(project) = progress::find_project(
        std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from),
        &std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    ) else {
        eprintln!(
            "net-basics: no exercises/ folder here or above: run `cargo run` inside the \
             net-basics folder"
        );
        return ExitCode::FAILURE;
    };
    let mut cargo = CargoTest::new(project.clone());
    // Without a cargo to run, every exercise would read "could not run the tests" and the count
    // "0/5 done": a report that looks like lost work. Say the one thing that is wrong instead.
    if let Err(error) = Command::new(&cargo.cargo).arg("--version").output() {
        eprintln!(
            "net-basics: cannot run `{}` ({error}), which checks the exercises: is Rust installed \
             and cargo on your PATH? Start this with `cargo run` inside the net-basics folder.",
            Path::new(&cargo.cargo).display()
        );
        return ExitCode::FAILURE;
    }
    if !args.watch {
        let report = check(&mut cargo);
        print!("{}", progress::render_report(&report));
        return ExitCode::SUCCESS;
    }
    match watch(&project, &mut cargo) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "net-basics: cannot watch {}: {error}",
                project.join("exercises").display()
            );
            ExitCode::FAILURE
        }
    }
}

/// Checks every exercise, telling a person at a terminal which one is being checked (the first
/// build of the tests takes a while).
fn check(cargo: &mut CargoTest) -> Report {
    let mut status = StatusLine::new();
    let slow = cargo.slow_after.as_secs();
    let report = progress::check_all(|exercise: &Exercise| {
        status.show(&format!(
            "checking exercise {}/{} ({})…",
            exercise.number,
            progress::EXERCISES.len(),
            exercise.topic
        ));
        let stem = exercise.stem;
        let status = &mut status;
        cargo.run(exercise, &mut || {
            // Said also when stderr is not a terminal (an IDE's run pane): a silent tool that
            // never ends is the worst way to meet an endless loop.
            status.say(&format!(
                "the tests of {stem} are still running after {slow} s. The first check also \
                 builds them, which can take minutes; if not that, an endless loop or a call that \
                 waits forever? Ctrl-C stops them; `cargo test --test {stem}` names the test \
                 that hangs."
            ));
        })
    });
    status.clear();
    report
}

/// The `--watch` loop: check, show the current exercise, sleep until a file under `exercises/`
/// changes, repeat. Blocking on the watcher's channel keeps it idle between saves.
///
/// Ctrl-C: the default SIGINT, on purpose. It reaches every process of the terminal's
/// foreground group — this one, and the `cargo test` it runs with that test's programs — so
/// nothing is left running, and this tool never changes the terminal's mode, so nothing needs
/// restoring.
fn watch(project: &Path, cargo: &mut CargoTest) -> notify::Result<()> {
    let exercises = project.join("exercises");
    let (events, changes) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(events)?;
    watcher.watch(&exercises, RecursiveMode::Recursive)?;
    loop {
        let report = check(cargo);
        clear_screen();
        print!("{}", progress::render_current(&report));
        println!(
            "\n[{}] watching exercises/ — save a file to check again; Ctrl-C quits.",
            chrono::Local::now().format("%H:%M:%S")
        );
        let _ = std::io::stdout().flush();
        wait_for_change(&changes)?;
    }
}

/// Blocks until a `.rs` file under `exercises/` is created, written, renamed or removed, then
/// waits until the events stop for a moment (an editor's save is several events).
fn wait_for_change(changes: &Receiver<notify::Result<notify::Event>>) -> notify::Result<()> {
    const QUIET: Duration = Duration::from_millis(300);
    loop {
        let event = changes
            .recv()
            .map_err(|_| notify::Error::generic("the file watcher stopped"))??;
        if is_an_edit(&event) {
            break;
        }
    }
    // Debounce: swallow the rest of the burst, whatever it is.
    while changes.recv_timeout(QUIET).is_ok() {}
    Ok(())
}

/// A change of content or of the set of files. Reads (`Access`) and metadata changes are not:
/// compiling the exercises reads them, and that must not trigger another check.
fn is_an_edit(event: &notify::Event) -> bool {
    let content_changed = match event.kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(kind) => !matches!(kind, notify::event::ModifyKind::Metadata(_)),
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    };
    content_changed
        && event
            .paths
            .iter()
            .any(|path| path.extension().is_some_and(|ext| ext == "rs"))
}

fn clear_screen() {
    if std::io::stdout().is_terminal() {
        // Erase the screen and move the cursor home: plain ANSI, no terminal mode to restore.
        print!("\x1b[2J\x1b[H");
    }
}

/// One line on stderr that says what is going on, rewritten in place, at a terminal only.
struct StatusLine {
    enabled: bool,
    shown: bool,
}

impl StatusLine {
    fn new() -> StatusLine {
        StatusLine {
            enabled: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn show(&mut self, text: &str) {
        if self.enabled {
            eprint!("\r\x1b[K{text}");
            self.shown = true;
        }
    }

    /// A line that stays on screen, at a terminal or not.
    fn say(&mut self, text: &str) {
        self.clear();
        eprintln!("{text}");
    }

    fn clear(&mut self) {
        if self.enabled && self.shown {
            eprint!("\r\x1b[K");
            self.shown = false;
        }
    }
}
