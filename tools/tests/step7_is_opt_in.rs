//! Step 7 (tokio) must cost steps 1–6 nothing: a student's first `cargo run --example
//! 04_time_server` and a cold `cargo test` build no tokio. Checked with `cargo tree` on the
//! crate's dependency graph (normal and dev dependencies, as `cargo test` builds them): tokio
//! (and mio, under it) appears only with `--features async` — which `solutions` turns on for the
//! maintainers — and never without it.

use std::path::Path;
use std::process::Command;

/// The names of the packages `cargo tree` lists for the net-basics package with these features.
fn dependencies(features: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tools/ is inside the repository");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["tree", "--offline", "-p", "net-basics", "-e", "normal,dev"])
        .args(["--prefix", "none", "--format", "{p}"]);
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    let output = command.output().expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn plain_cargo_test_and_the_first_examples_build_no_tokio() {
    let plain = dependencies(&[]);
    assert!(
        plain.iter().any(|name| name == "socket2") && plain.iter().any(|name| name == "chrono"),
        "[test] cargo tree should list the crate's own dependencies: {plain:?}"
    );
    for heavy in ["tokio", "mio"] {
        assert!(
            !plain.iter().any(|name| name == heavy),
            "without --features async, the crate depends on {heavy}: a student's first cargo run \
             and cargo test would build it for steps 1-6 (keep it optional, behind `async`, in \
             Cargo.toml): {plain:?}"
        );
    }
}

#[test]
fn step_7_builds_tokio_with_its_feature() {
    for features in [&["async"][..], &["solutions"]] {
        let with = dependencies(features);
        assert!(
            with.iter().any(|name| name == "tokio"),
            "with --features {}, step 7's tokio should be built: {with:?}",
            features.join(",")
        );
    }
}
