//! Plain `cargo test` grades every exercise, each on its own, whatever state the others are in:
//! one that does not compile is reported with rustc's first error, and the others are graded all
//! the same. (The exercises' own test targets, `tests/exNN_*.rs`, have `test = false` in
//! Cargo.toml: `cargo test --test exNN_…` runs one of them.) The grading is the progress view's
//! (`progress/src/harness.rs`); with `--features solutions` it grades the reference answers.

fn main() -> std::process::ExitCode {
    // The features this `cargo test` has on: the exercises' tests are built with the same ones
    // (so the library is not built twice), and an exercise that needs a feature that is off is
    // not graded (one line says how). `async` is step 7's (tokio), declared with that step.
    #[allow(unexpected_cfgs)]
    let features = [
        ("solutions", cfg!(feature = "solutions")),
        ("mine", cfg!(feature = "mine")),
        ("async", cfg!(feature = "async")),
    ];
    let on: Vec<&str> = features
        .iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect();
    net_basics_progress::harness::main(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &on)
}
