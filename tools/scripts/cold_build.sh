#!/usr/bin/env bash
# Cold builds, as a new student meets them (CONTRIBUTING, "Measuring the loop"):
#
#   tools/scripts/cold_build.sh            ROUNDS=2 (A B A B), then the student's cargo test
#
# A  a fresh `git clone` of this repository (its committed HEAD), fresh target dir:
#    `cargo build --example 04_time_server`
# B  a minimal crate with only chrono + socket2 + clap — the same versions (this repository's
#    Cargo.lock) and features (copied from Cargo.toml), the same [profile.dev.package."*"] —
#    and a main that uses all three, fresh target dir: `cargo build`
# Interleaved A B A B … so that both see the same machine load; reported with the ratio A/B
# (target ≤ 1.3). Then, in a fresh clone and target dir, the student's first `cargo test`:
# `cargo test --no-run` (the build) and `cargo test` (the run; the stubs' tests fail, as they
# should on a fresh clone), and, with TIMINGS=1, `cargo build --timings` reports of both builds
# summarised per crate (which dependency costs what).
#
# VARIANT='SED EXPRESSION' also measures, in each round, a copy of the clone whose Cargo.toml
# went through that sed expression (A'), e.g. a lighter dev-dependency:
#   VARIANT='s/^predicates = .*/predicates = { version = "3", default-features = false }/' STUDENT=0 \
#       tools/scripts/cold_build.sh
# STUDENT=0 skips the student's cargo test; TIMINGS=0 the --timings reports.
#
# BASE=COMMIT measures the student's whole first `cargo test` (build and run, one command, cold)
# at COMMIT and at HEAD, interleaved (base, head, base, head …) for ROUNDS rounds, e.g. before
# and after a change to what `cargo test` builds:
#   BASE=e28e0d4 ROUNDS=3 TIMINGS=0 tools/scripts/cold_build.sh
#
# CARGO_HOME is shared and `cargo fetch` runs first, untimed: only compilation is measured.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-2}
TIMINGS=${TIMINGS:-1}
STUDENT=${STUDENT:-1}
VARIANT=${VARIANT:-}
BASE=${BASE:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cold_build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---- the two projects ----------------------------------------------------------------------
git clone --quiet "$ROOT" "$WORK/crate"
mkdir -p "$WORK/minimal/src"
{
    printf '[package]\nname = "minimal"\nversion = "0.1.0"\nedition = "2024"\n\n[dependencies]\n'
    grep -E '^(chrono|socket2|clap) *=' "$ROOT/Cargo.toml"
    printf '\n'
    sed -n '/^\[profile\./,/^$/p' "$ROOT/Cargo.toml"
} >"$WORK/minimal/Cargo.toml"
cp "$ROOT/Cargo.lock" "$WORK/minimal/Cargo.lock" # same versions; cargo drops what is unused
cat >"$WORK/minimal/src/main.rs" <<'EOF'
use clap::Parser;

/// Listens like example 04 would, using each dependency once.
#[derive(Parser)]
struct Args {
    #[arg(default_value = "127.0.0.1:0")]
    addr: std::net::SocketAddr,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    socket.bind(&args.addr.into())?;
    println!("{}", chrono::Local::now().format("%Y-%m-%d %H:%M:%S"));
    Ok(())
}
EOF
if [[ -n $VARIANT ]]; then
    cp -r "$WORK/crate" "$WORK/variant"
    sed -i -e "$VARIANT" "$WORK/variant/Cargo.toml"
    echo "A' is this crate with Cargo.toml changed by: sed -e '$VARIANT'"
    (cd "$WORK/variant" && cargo fetch --quiet)
fi
(cd "$WORK/crate" && cargo fetch --quiet) && (cd "$WORK/minimal" && cargo fetch --quiet)

# seconds DIR COMMAND…: runs COMMAND in DIR with a fresh target dir; prints the wall seconds, and
# leaves the CPU seconds (user + system, of every process it waited for) in $WORK/cpu.
seconds() {
    local dir=$1 start end
    shift
    rm -rf "$WORK/target"
    start=$(date +%s.%N)
    (cd "$dir" && CARGO_TARGET_DIR="$WORK/target" /usr/bin/time -o "$WORK/cpu.raw" -f '%U + %S' \
        "$@" >"$WORK/last.log" 2>&1) || true
    end=$(date +%s.%N)
    tail -n 1 "$WORK/cpu.raw" | bc >"$WORK/cpu"
    echo "$end - $start" | bc
}

# The stubs' tests fail, so `cargo test` exits non-zero on purpose; a time counts only if the
# build finished and the tests ran (a failed build or fetch would be timed too, and far shorter).
ran_tests() {
    grep -q '^test result' "$WORK/last.log" && [[ -s $WORK/cpu ]] || {
        echo "$1: cargo test ran no tests; its output:" >&2
        tail -n 20 "$WORK/last.log" >&2
        exit 1
    }
}

if [[ -n $BASE ]]; then
    git clone --quiet "$ROOT" "$WORK/base" && git -C "$WORK/base" checkout --quiet "$BASE"
    (cd "$WORK/base" && cargo fetch --quiet)
    echo "the student's first cargo test, cold, whole command: base $(git -C "$WORK/base" rev-parse --short HEAD) vs HEAD $(git -C "$ROOT" rev-parse --short HEAD)"
    for ((round = 1; round <= ROUNDS; round++)); do
        b=$(seconds "$WORK/base" cargo test) && bcpu=$(cat "$WORK/cpu")
        ran_tests base
        grep -E '^(test result|error: test failed)' "$WORK/last.log" | tail -2 | sed 's/^/    base: /'
        h=$(seconds "$WORK/crate" cargo test) && hcpu=$(cat "$WORK/cpu")
        ran_tests head
        grep -E '^(test result|error: test failed|[0-9]+/[0-9]+ done)' "$WORK/last.log" | tail -3 | sed 's/^/    head: /'
        printf 'round %d: wall base %6.1f s  head %6.1f s (%+.1f s; target: head <= 30 s)   CPU base %6.1f s  head %6.1f s (%+.1f s)   load %s\n' \
            "$round" "$b" "$h" "$(echo "$h - $b" | bc)" "$bcpu" "$hcpu" "$(echo "$hcpu - $bcpu" | bc)" \
            "$(cut -d' ' -f1 /proc/loadavg)"
    done
    exit 0
fi
echo "cold builds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); HEAD $(git -C "$ROOT" rev-parse --short HEAD)"
for ((round = 1; round <= ROUNDS; round++)); do
    a=$(seconds "$WORK/crate" cargo build --example 04_time_server)
    grep -q '^error' "$WORK/last.log" && { cat "$WORK/last.log" >&2; exit 1; }
    if [[ -n $VARIANT ]]; then
        v=$(seconds "$WORK/variant" cargo build --example 04_time_server)
        grep -q '^error' "$WORK/last.log" && { cat "$WORK/last.log" >&2; exit 1; }
        printf "round %d: A' (the variant, --example 04_time_server) %6.1f s\n" "$round" "$v"
    fi
    b=$(seconds "$WORK/minimal" cargo build)
    printf 'round %d: A (this crate, --example 04_time_server) %6.1f s   B (chrono+socket2+clap) %6.1f s   A/B = %.2f (target <= 1.3)\n' \
        "$round" "$a" "$b" "$(echo "$a / $b" | bc -l)"
done

[[ $STUDENT == 1 ]] || exit 0
build=$(seconds "$WORK/crate" cargo test --no-run)
start=$(date +%s.%N)
(cd "$WORK/crate" && CARGO_TARGET_DIR="$WORK/target" cargo test >"$WORK/test.log" 2>&1) || true
run=$(echo "$(date +%s.%N) - $start" | bc)
# cargo test stops at the first test binary that fails: on a fresh clone, exercise 1's stubs.
grep -E '^(test result|error: test failed)' "$WORK/test.log" | head -3 | sed 's/^/    /'
printf "student's first cargo test: build (cargo test --no-run, cold) %.1f s + run (cargo test) %.1f s = %.1f s (target <= 30)\n" \
    "$build" "$run" "$(echo "$build + $run" | bc)"

# ---- which crate costs what ----------------------------------------------------------------
summary() { # the slowest units of a cargo --timings report
    python3 - "$1" <<'EOF'
import json, re, sys
html = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
total = {}
for unit in units:
    total[unit["name"]] = total.get(unit["name"], 0) + unit["duration"]
ranked = sorted(total.items(), key=lambda kv: -kv[1])
print("   ", ", ".join(f"{name} {secs:.1f} s" for name, secs in ranked[:12]))
print(f"    ({len(units)} units, {sum(total.values()):.1f} s of compile time in all)")
own = sorted((u for u in units if u["name"].startswith("net-basics")), key=lambda u: -u["duration"])
print("    this workspace's own units:", ", ".join(f"{u['name']}{u['target']} {u['duration']:.1f} s" for u in own[:10]),
      f"… ({len(own)} units, {sum(u['duration'] for u in own):.1f} s)")
EOF
}
if [[ $TIMINGS == 1 ]]; then
    for command in "build --example 04_time_server" "test --no-run"; do
        # shellcheck disable=SC2086 # the words of the command
        seconds "$WORK/crate" cargo $command --timings >/dev/null
        echo "cargo $command --timings, slowest crates (compile time per crate, summed over its units):"
        summary "$(ls "$WORK/target"/cargo-timings/cargo-timing-*.html | head -1)" ||
            summary "$WORK/target/cargo-timings/cargo-timing.html"
    done
fi
