//! The progress view of net-basics (`cargo run`), and the grading that plain `cargo test` does
//! with it (`tests/exercises.rs` calls [`harness::main`]).
//!
//! The exercises come from `exercises/info.toml` ([`info`]). Each is graded on its own by
//! `cargo test --test exNN_…` ([`run`]: built first, then run with a time limit), so a broken
//! exercise breaks only itself; [`view`] says what that means, in English or Chinese; [`hints`]
//! remembers which hints were shown; [`os`] asks Windows what `LANG` says elsewhere.

pub mod harness;
pub mod hints;
pub mod info;
pub mod os;
pub mod run;
pub mod view;

/// Taken by each test that writes shell scripts and runs them, for its whole run: a script still
/// open for writing in a child that another test forked meanwhile cannot be run ("Text file
/// busy", ETXTBSY, `man 2 execve`), and only these tests start programs.
#[cfg(all(test, unix))]
fn scripts_lock() -> std::sync::MutexGuard<'static, ()> {
    static SCRIPTS: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SCRIPTS.lock().unwrap_or_else(|poison| poison.into_inner())
}
