#!/usr/bin/env bash
# Mutation testing of the reference solutions: do the exercise tests catch a wrong answer?
#
#   tools/scripts/mutants.sh [EXTRA cargo-mutants ARGS…]      (needs `cargo install --locked cargo-mutants`)
#
# cargo-mutants only mutates files it reaches from a library or binary target by `mod`, and the
# solutions are no longer library modules: each `tests/exNN_*.rs` includes its `solutions/exNN_*.rs`
# by `#[path]` (with --features solutions). So this script exports the committed tree (git
# archive HEAD; WORKTREE=1: the working tree as it is) to a scratch folder and appends to its
# src/lib.rs, for mutation testing only,
#
#   extern crate self as net_basics;                  // the solutions say net_basics::…
#   #[path = "../solutions/ex01_ip_lookup.rs"] pub mod mutants_ex01_ip_lookup;   // … one per file
#
# Now cargo-mutants finds the solution files (as `src/../solutions/exNN_*.rs`) and mutates them on
# disk, and the exercise tests, which include the same files, test each mutant:
#
#   cargo mutants -j 1 --timeout 60 --features solutions --file 'src/../solutions/ex*.rs' \
#       -- --test 'ex[0-9][0-9]_*'
#
# Target: ≥ 90 % of the viable mutants caught. The report stays in OUT (default
# target/mutants/mutants.out): missed.txt lists the survivors.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/target/mutants}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mutants.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [[ ${WORKTREE:-0} == 1 ]]; then
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
        tar --null -T - -c) | tar -x -C "$WORK"
else
    git -C "$ROOT" archive HEAD | tar -x -C "$WORK"
fi
{
    printf '\n// Mutation testing only (tools/scripts/mutants.sh): the solutions as modules of the\n'
    printf '// library, so that cargo-mutants finds them; the exercise tests include the same files.\n'
    printf 'extern crate self as net_basics;\n'
    for file in "$WORK"/solutions/ex[0-9][0-9]_*.rs; do
        stem=$(basename "$file" .rs)
        printf '#[path = "../solutions/%s.rs"]\n#[allow(dead_code, unused_imports)]\npub mod mutants_%s;\n' \
            "$stem" "$stem"
    done
} >>"$WORK/src/lib.rs"

mkdir -p "$OUT"
cd "$WORK"
status=0
cargo mutants -j 1 --timeout 60 --features solutions --file 'src/../solutions/ex*.rs' \
    --output "$OUT" "$@" -- --test 'ex[0-9][0-9]_*' || status=$?
echo "mutants: report in $OUT/mutants.out (missed.txt: survivors; caught.txt, timeout.txt, unviable.txt)"
for kind in caught missed timeout unviable; do
    printf '%-9s %3d\n' "$kind" "$(grep -c . "$OUT/mutants.out/$kind.txt" 2>/dev/null || true)"
done
exit "$status"
