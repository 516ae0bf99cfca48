#!/usr/bin/env bash
# Do the exercise tests catch wrong answers, and accept right ones written differently?
#
#   tools/scripts/wrong_answers.sh [exNN | tools/wrong-answers/exNN/NAME.rs]…   (default: all)
#
# Each file in tools/wrong-answers/exNN/ is a whole exercise file as a student might write it.
# Its first line says what it is:
#
#   // wrong: <the mistake>. expect: "<a fragment the test output must contain>"
#   // wrong (rustc): <the mistake>. expect: "<a fragment of rustc's error>"
#   // right: <how it differs from solutions/exNN_*.rs>
#
# (A "wrong (rustc)" answer is one the tests catch by not compiling: exercise 7's test hands the
# student's future to tokio::spawn, which needs it to be Send, so a std Mutex guard held across an
# .await is rustc's error. Every other answer must compile.) An exercise whose tests need cargo
# features (`features = "…"` in exercises/info.toml: "async" for step 7) is built with them.
#
# Each one is copied over exercises/exNN_*.rs in a scratch copy of the crate
# ($CARGO_TARGET_DIR/wrong-answers/crate, default target/wrong-answers/crate, built in its own
# target dir next to it), its tests
# are built (`cargo test --test exNN_… --no-run`, at most BUILD_TIMEOUT s) and run (at most
# TEST_TIMEOUT s). A wrong answer must compile, make the tests fail without hanging, and the
# output must contain its fragment (the message that names the mistake). A right answer must
# pass. To see what a student sees, copy one file over exercises/ and run the test yourself:
#
#   cp tools/wrong-answers/ex04/forgets_flush.rs exercises/ex04_time_server.rs
#   cargo test --test ex04_time_server          # then: git checkout exercises/
#
# VERBOSE=1 also prints the message of the first failing test (what `cargo run` would show).
#
# The progress view (`cargo run`) stops an exercise's tests as hanging when none of them finishes
# for its TIME_LIMIT (progress/src/run.rs), and then shows no test's message. So every answer's
# tests, wrong or right, must never stay silent (no test finishing) for more than 3/4 of that
# limit: tests/common/patience.rs keeps each test's waits within half of it.
# Exit status 0 when every answer is judged as expected, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=${WRONG_ANSWERS_DIR:-${CARGO_TARGET_DIR:-$root/target}/wrong-answers}
crate=$work/crate
export CARGO_TARGET_DIR=$work/target
export CARGO_TERM_COLOR=never
BUILD_TIMEOUT=${BUILD_TIMEOUT:-600}
TEST_TIMEOUT=${TEST_TIMEOUT:-60}

files=()
if (($# == 0)); then
    set -- tools/wrong-answers/ex[0-9][0-9]
fi
for arg in "$@"; do
    if [[ -d $arg ]]; then
        files+=("$arg"/*.rs)
    elif [[ -d tools/wrong-answers/$arg ]]; then
        files+=(tools/wrong-answers/"$arg"/*.rs)
    elif [[ -f $arg ]]; then
        files+=("$arg")
    else
        echo "wrong_answers: no such exercise or file: $arg" >&2
        exit 2
    fi
done

# A scratch copy of the crate as a student has it; only exercises/ changes from one answer to the
# next, so cargo rebuilds only the one test target.
rm -rf "$crate" && mkdir -p "$crate"
tar -C "$root" --exclude=./target --exclude=./.git --exclude=./book/book --exclude=node_modules \
    -cf - . | tar -C "$crate" -xf -

# The output of the first test, in the test file's order, that failed in libtest's log $2.
first_failure() {
    local name
    for name in $(awk '/^#\[test\]/ { t = 1; next } t && /^(pub )?fn / { sub(/^(pub )?fn /, ""); sub(/\(.*/, ""); print; t = 0 }' "$1"); do
        if grep -q "^---- $name stdout ----$" "$2"; then
            awk -v head="---- $name stdout ----" '$0 == head { on = 1; next } on && (/^---- .* stdout ----$/ || /^failures:$/) { exit } on' "$2"
            return
        fi
    done
    grep -m 1 -A 3 'panicked at' "$2" || tail -n 5 "$2"
}

# The view's hang limit, in seconds, and the longest silence allowed here: 3/4 of it, in ms.
hang_limit=$(sed -nE 's/^pub const TIME_LIMIT: Duration = Duration::from_secs\(([0-9]+)\);.*/\1/p' progress/src/run.rs)
[[ -n $hang_limit ]] || { echo "wrong_answers: no TIME_LIMIT in progress/src/run.rs" >&2; exit 2; }
longest_silence=$((hang_limit * 750))

# The longest time, in ms, between two tests finishing (or the start and the first), from a log
# whose lines are "SECONDS<TAB>line" (libtest prints `test NAME ... ok` as each test ends).
longest_gap() {
    awk -F '\t' '$2 ~ /^running [0-9]+ tests?$/ { last = $1; next }
        $2 ~ /^test .* \.\.\. (ok|FAILED|ignored)/ && last != "" {
            gap = ($1 - last) * 1000; if (gap > most) most = gap; last = $1 }
        END { printf "%d\n", most }' "$1"
}

started=$(date +%s)
log=$(mktemp)
stamps=$(mktemp)
trap 'rm -f "$log" "$stamps"' EXIT
wrong=0 caught=0 right=0 accepted=0 problems=() most_silent=0 most_silent_name=
for file in "${files[@]}"; do
    exercise=$(basename "$(dirname "$file")")
    name="$exercise/$(basename "$file" .rs)"
    tests=(tests/"$exercise"_*.rs)
    stem=$(basename "${tests[0]}" .rs)
    [[ -f tests/$stem.rs ]] || { problems+=("$name: no tests/${exercise}_*.rs"); continue; }
    first=$(head -n 1 "$file")
    case $first in
    "// wrong (rustc): "*)
        kind=rustc
        fragment=$(sed -nE '1s/.* expect: "(.*)"[[:space:]]*$/\1/p' "$file")
        [[ -n $fragment ]] || { problems+=("$name: its first line has no expect: \"…\""); continue; }
        wrong=$((wrong + 1))
        ;;
    "// wrong: "*)
        kind=wrong
        fragment=$(sed -nE '1s/.* expect: "(.*)"[[:space:]]*$/\1/p' "$file")
        [[ -n $fragment ]] || { problems+=("$name: its first line has no expect: \"…\""); continue; }
        wrong=$((wrong + 1))
        ;;
    "// right: "*)
        kind=right
        right=$((right + 1))
        ;;
    *)
        problems+=("$name: the first line must start with '// wrong: ' or '// right: '")
        continue
        ;;
    esac
    cp "$file" "$crate/exercises/$stem.rs"
    features=$(awk -v stem="stem = \"$stem\"" '$0 == "[[exercises]]" { on = 0 } $0 == stem { on = 1 }
        on && /^features = / { gsub(/^features = "|"$/, ""); print }' exercises/info.toml)
    built=0
    (cd "$crate" && timeout "$BUILD_TIMEOUT" cargo test --test "$stem" ${features:+--features "$features"} --no-run) >"$log" 2>&1 && built=1
    if [[ $kind == rustc ]]; then
        if ((built)); then
            problems+=("$name: it compiled, but it is a mistake rustc must refuse ($(head -n 1 "$file"))")
            echo "  ✘ $name: COMPILED (rustc should refuse it)"
        elif grep -qF -- "$fragment" "$log"; then
            caught=$((caught + 1))
            echo "  ✔ $name: refused by rustc, which says \"$fragment\""
        else
            problems+=("$name: refused by rustc, but without \"$fragment\":
$(grep -m 1 -A 6 -E '^error' "$log" || tail -n 8 "$log")")
            echo "  ✘ $name: refused by rustc, but without \"$fragment\""
        fi
        continue
    fi
    if ((!built)); then
        problems+=("$name: does not compile (a corpus answer must compile):
$(grep -m 1 -A 6 -E '^error' "$log" || tail -n 8 "$log")")
        echo "  ✘ $name: does not compile"
        continue
    fi
    # cargo names the test program it built: "Executable tests/exNN_….rs (target/…/exNN_…-HASH)".
    exe=$(sed -nE 's/.*Executable .*\((.*)\)$/\1/p' "$log" | tail -n 1)
    [[ -n $exe ]] || { problems+=("$name: cargo did not name the test program it built"); continue; }
    t0=$(date +%s%N)
    # Each line into $log as it is, and into $stamps with the time it came.
    (cd "$crate" && timeout "$TEST_TIMEOUT" "$exe" 2>&1) |
        while IFS= read -r line || [[ -n $line ]]; do
            printf '%s\n' "$line" >&3
            printf '%s\t%s\n' "$EPOCHREALTIME" "$line"
        done 3>"$log" >"$stamps" && status=0 || status=${PIPESTATUS[0]}
    elapsed=$((($(date +%s%N) - t0) / 1000000))
    silence=$(longest_gap "$stamps")
    ((silence <= most_silent)) || { most_silent=$silence; most_silent_name=$name; }
    if ((status != 124 && silence > longest_silence)); then
        problems+=("$name: no test finished for ${silence} ms, and the progress view calls ${hang_limit} s of that a hang (showing no message): keep each test's waits within tests/common/patience.rs")
        echo "  ✘ $name: silent for ${silence} ms"
        continue
    fi
    if [[ $kind == right ]]; then
        if ((status == 0)); then
            accepted=$((accepted + 1))
            echo "  ✔ $name: accepted (${elapsed} ms)"
        else
            problems+=("$name: a right answer was rejected (exit $status):
$(grep -m 3 -A 4 -E "panicked at|^test result" "$log" || tail -n 5 "$log")")
            echo "  ✘ $name: REJECTED"
        fi
    elif ((status == 124)); then
        problems+=("$name: the tests hung (stopped after $TEST_TIMEOUT s): every wait must be bounded")
        echo "  ✘ $name: HUNG"
    elif ((status == 0)); then
        problems+=("$name: the tests PASSED a wrong answer ($(head -n 1 "$file"))")
        echo "  ✘ $name: PASSED (a wrong answer)"
    else
        # The progress view (`cargo run`) shows the first failing test in the file's order: that
        # one must name the mistake.
        first=$(first_failure "tests/$stem.rs" "$log")
        if grep -qF -- "$fragment" <<<"$first"; then
            caught=$((caught + 1))
            echo "  ✔ $name: caught, says \"$fragment\" (${elapsed} ms)"
            if [[ ${VERBOSE:-0} == 1 ]]; then
                # Every panic of the section: the student's own (shown once), then the test's.
                awk '/panicked at/ { on = 1; next } /^(stack backtrace:|note: )/ { on = 0 } on' <<<"$first" |
                    fold -s -w 110 | sed 's/^/        /'
            fi
        else
            problems+=("$name: caught, but the first failing test does not say \"$fragment\":
$(head -c 1500 <<<"$first")")
            echo "  ✘ $name: caught, but without \"$fragment\""
        fi
    fi
done

echo
echo "wrong answers: $caught of $wrong caught with the message that names the mistake"
echo "right answers: $accepted of $right accepted"
echo "the longest that no test finished: ${most_silent} ms ($most_silent_name; the progress view calls ${hang_limit} s a hang)"
echo "in $(($(date +%s) - started)) s"
if ((${#problems[@]})); then
    echo
    printf '%s\n\n' "${problems[@]}"
    exit 1
fi
