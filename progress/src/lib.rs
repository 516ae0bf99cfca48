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
