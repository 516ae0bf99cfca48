#!/usr/bin/env bash
# Mutation testing of the reference solutions: do the exercise tests catch a wrong answer?
#
#   tools/scripts/mutants.sh [EXTRA cargo-mutants ARGS…]   (once: cargo install --locked cargo-mutants)
#
# cargo-mutants mutates only files it reaches by `mod` from a library or binary target. The
# exercise tests include `solutions/exNN_*.rs` by `#[path]`, which it does not follow, so
# src/lib.rs names each solution in a `#[cfg(any())] #[path = "../solutions/…"] mod …;` that is
# never compiled: cargo-mutants finds the files there (as `src/../solutions/exNN_*.rs`),
# mutates them on disk in its scratch copy, and the exercise tests, which include those same
# files, judge each mutant. The command:
#
#   cargo mutants -j 1 --timeout 60 --features solutions --file 'src/../solutions/ex*.rs' \
#       -- --test 'ex[0-9][0-9]_*'
#
# `-- --test 'ex[0-9][0-9]_*'` goes to cargo test: only the exercise tests judge (not 'ex*',
# which also matches examples, example_03_listener and exercise_contract). Target: ≥ 90 % of
# the viable mutants caught (caught ÷ (caught + missed + timeout)). The report goes to OUT
# (default target/mutants/mutants.out): missed.txt lists the survivors.
set -euo pipefail

cd "$(dirname "$0")/../.."
OUT=${OUT:-target/mutants}
for file in solutions/ex[0-9][0-9]_*.rs; do
    grep -q "path = \"../$file\"" src/lib.rs || {
        echo "mutants: src/lib.rs does not name $file in a #[cfg(any())] #[path] mod, so" \
            "cargo-mutants would not mutate it; add it there (see the comment in src/lib.rs)" >&2
        exit 1
    }
done
mkdir -p "$OUT"
status=0
cargo mutants -j 1 --timeout 60 --features solutions --file 'src/../solutions/ex*.rs' \
    --output "$OUT" "$@" -- --test 'ex[0-9][0-9]_*' || status=$?
echo "mutants: report in $OUT/mutants.out (missed.txt: the survivors)"
for kind in caught missed timeout unviable; do
    printf '  %-9s %3d\n' "$kind" "$(grep -c . "$OUT/mutants.out/$kind.txt" 2>/dev/null || true)"
done
exit "$status"
