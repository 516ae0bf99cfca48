#!/usr/bin/env bash
# Captures what exercise 7's tests and rustc say to two async mistakes, for book chapter 7:
#
#   tools/scripts/ex07_mistakes.sh
#
#   listings/output/ex07-blocking.txt            tools/wrong-answers/ex07/blocking_sleep_per_read.rs:
#                                                 the failing test's message (two clients, one thread)
#   listings/output/ex07-mutex-across-await.txt  tools/wrong-answers/ex07/std_mutex_guard_across_await.rs:
#                                                 rustc's error (the future is not Send)
#
# Each answer is copied over exercises/ex07_async_time_server.rs in a scratch copy of the crate
# (target/ex07-mistakes/crate; your exercises/ are never touched), built with the crate's own
# target dir (only net-basics is rebuilt) and run with `--features async`. Paths that differ from
# machine to machine are shortened. The timings in the first file differ from run to run.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
crate=$root/target/ex07-mistakes/crate
# A target dir of its own: cargo hashes a package by its path in the workspace, so the copy's
# builds (wrong answers) in the main one would later pass for fresh builds of exercises/ there.
export CARGO_TARGET_DIR=$root/target/ex07-mistakes/target
export CARGO_TERM_COLOR=never RUST_BACKTRACE=0
rm -rf "$crate" && mkdir -p "$crate"
tar -C "$root" --exclude=./target --exclude=./.git --exclude=./book/book --exclude=node_modules \
    -cf - . | tar -C "$crate" -xf -
stem=ex07_async_time_server
log=$(mktemp)
trap 'rm -f "$log"' EXIT
clean() { sed -E -e "s#$crate/##g" -e 's#/[^ ]*/registry/src/[^/]*/#~/.cargo/registry/src/…/#g' \
    -e 's/^thread .([a-z_]+). \([0-9]+\) panicked/thread '"'"'\1'"'"' panicked/'; }

cp tools/wrong-answers/ex07/blocking_sleep_per_read.rs "$crate/exercises/$stem.rs"
(cd "$crate" && timeout 600 cargo test -q --features async --test "$stem" \
    a_client_does_not_stall) >"$log" 2>&1 || true
awk '/panicked at/ { on = 1 } on && (/^$/ || /^note: run with/) { exit } on' "$log" | clean \
    >listings/output/ex07-blocking.txt

cp tools/wrong-answers/ex07/std_mutex_guard_across_await.rs "$crate/exercises/$stem.rs"
(cd "$crate" && timeout 600 cargo test -q --features async --test "$stem" --no-run) >"$log" 2>&1 || true
awk '/^error: future cannot be sent/ { on = 1 } on && /^error: could not compile/ { exit } on' "$log" |
    clean >listings/output/ex07-mutex-across-await.txt

for file in ex07-blocking ex07-mutex-across-await; do
    [[ -s listings/output/$file.txt ]] || { echo "✘ nothing captured for $file" >&2; exit 1; }
    echo "wrote listings/output/$file.txt"
done
