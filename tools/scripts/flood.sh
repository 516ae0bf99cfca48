#!/usr/bin/env bash
# The flood comparison of the Performance appendix, three servers in one run:
#
#   tools/scripts/flood.sh                      2 rounds of 3 s floods (ROUNDS, FLOOD_SECONDS)
#
#   lesson  the lesson's own Python server (listings/lesson/server.py, run as a copy whose port
#           8000 is replaced by a free one, nothing else): one recv(1024), one print of the raw
#           chunk, per read
#   ours    examples/04_time_server, release build (built first unless NO_BUILD=1)
#   right   the same job done right in Python (done_right_server.py): line framing, one print
#           per timestamp
#
# In each round the SAME Python sender (flood_sender.py) floods each server in turn for the same
# FLOOD_SECONDS, the order reversed every other round; each server's stdout goes to a file in
# OUT_DIR (default: a fresh folder in /dev/shm, a tmpfs, removed at the end; else target/flood). After the sender closes, each server finishes what it has
# received (ours: its "disconnected" line; lesson: it starts printing empty messages, because
# its loop never checks for the end of the stream; right: it exits), then it is stopped.
#
# Counted: timestamps printed — every `YYYY-MM-DD HH:MM:SS` in the output, so a recv(1024) chunk
# of glued timestamps counts as many as it holds, and a timestamp cut in two by a chunk boundary
# counts as none (the lesson's server really prints it cut). Not lines, not print calls.
# Reported per round: timestamps sent and printed per server, and the two ratios
# ours/lesson (target ≥ 1.2) and ours/right (target ≥ 5); also each server's CPU time and
# timestamps per CPU second, which other load on the machine disturbs less than wall time.
#
# Loopback only; every wait is bounded; it stops only the processes it started (by PID).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-2}
FLOOD_SECONDS=${FLOOD_SECONDS:-3}
# The output files live in memory (tmpfs) by default: on disk, the gigabyte that one server
# writes is written back while the next server runs, and the kernel throttles that one's writes.
if [[ -z ${OUT_DIR:-} && -d /dev/shm && -w /dev/shm ]]; then
    OUT_DIR=$(mktemp -d /dev/shm/net-basics-flood.XXXXXX)
fi
OUT_DIR=${OUT_DIR:-target/flood}
KEEP_OUTPUT=${KEEP_OUTPUT:-0} # 1: keep the servers' output files (hundreds of MB each)
SCRIPTS=tools/scripts
OURS=${OURS:-target/release/examples/04_time_server}
TIMESTAMP='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}'

PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap 'cleanup; [[ $OUT_DIR != /dev/shm/* || $KEEP_OUTPUT == 1 ]] || rm -rf "$OUT_DIR"' EXIT
trap 'exit 130' INT TERM

# stop PID SIGNAL: send SIGNAL, then KILL after 5 s; always waited for.
stop() {
    local pid=$1 i
    kill "-$2" "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local kept=() p # forget it: cleanup must never signal that number again
    for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    PIDS=("${kept[@]+"${kept[@]}"}")
}

# until SECONDS WHAT COMMAND…: runs COMMAND every 20 ms until it succeeds; fails after SECONDS.
until_true() {
    local seconds=$1 what=$2 i
    shift 2
    for ((i = 0; i < seconds * 50; i++)); do
        "$@" && return 0
        sleep 0.02
    done
    echo "flood: gave up after ${seconds} s waiting for $what" >&2
    return 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
listening() { [[ -n $(ss -Hltn "sport = :$1") ]]; }
tail_has() { tail -c 400 "$1" 2>/dev/null | grep -q "$2"; }
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; } # utime + stime, all threads
# right_done PID: true once PID has exited; meanwhile keeps its last CPU reading in CPU.
right_done() {
    local ticks
    ticks=$(cpu_ticks "$1") || true
    [[ -n $ticks ]] && CPU=$ticks
    ! kill -0 "$1" 2>/dev/null
}
lesson_drained() { [[ $(tail -c 200 "$1" 2>/dev/null | grep -c '^客户端时间为： $') -ge 2 ]]; }

# flood NAME: starts server NAME, floods it, lets it finish, stops it; sets SENT, PRINTED and
# CPU (the server's CPU time in clock ticks, read when it has printed everything).
flood() {
    local name=$1 out="$OUT_DIR/$1.out" err="$OUT_DIR/$1.err" port pid
    case $name in
    lesson)
        port=$(free_port)
        # The lesson's own program, unchanged but for its port: 8000 becomes a free one.
        sed "s/, 8000)/, $port)/" listings/lesson/server.py >"$OUT_DIR/lesson_server.py"
        python3 "$OUT_DIR/lesson_server.py" >"$out" 2>"$err" &
        pid=$!
        ;;
    right)
        port=$(free_port)
        python3 "$SCRIPTS/done_right_server.py" "$port" >"$out" 2>"$err" &
        pid=$!
        ;;
    ours)
        "$OURS" 127.0.0.1:0 >"$out" 2>"$err" &
        pid=$!
        PIDS+=("$pid")
        until_true 10 "04_time_server's first line" tail_has "$out" "^listening on "
        port=$(head -1 "$out" | sed 's/.*://')
        ;;
    esac
    [[ $name == ours ]] || PIDS+=("$pid")
    until_true 10 "$name to listen on port $port" listening "$port"
    SENT=$(python3 "$SCRIPTS/flood_sender.py" "$port" "$FLOOD_SECONDS")
    case $name in
    lesson) # its `while True: recv` never ends: once it prints empty messages, all was read
        until_true 30 "the lesson's server to print what it received" lesson_drained "$out"
        CPU=$(cpu_ticks "$pid")
        stop "$pid" INT # KeyboardInterrupt: Python flushes its stdout buffer on the way out
        ;;
    ours)
        until_true 30 "04_time_server to print what it received" tail_has "$out" "disconnected"
        CPU=$(cpu_ticks "$pid")
        stop "$pid" TERM
        ;;
    right)
        CPU=0
        until_true 30 "the done-right server to reach the end of the stream" right_done "$pid"
        stop "$pid" TERM
        ;;
    esac
    PRINTED=$(LC_ALL=C grep -oE "$TIMESTAMP" "$out" | wc -l)
    [[ $KEEP_OUTPUT == 1 ]] || rm -f "$out"
}

[[ ${NO_BUILD:-0} == 1 ]] || cargo build --release --quiet --example 04_time_server
mkdir -p "$OUT_DIR"
echo "flood: ${FLOOD_SECONDS} s per server, one Python sender, output to files in $OUT_DIR;" \
    "counting printed timestamps (YYYY-MM-DD HH:MM:SS), not lines"
printf '%-6s %-6s %12s %12s %14s %10s %16s\n' round server sent printed printed/s cpu_s printed/cpu_s
for ((round = 1; round <= ROUNDS; round++)); do
    order=(lesson ours right)
    ((round % 2 == 1)) || order=(right ours lesson)
    declare -A printed=() per_cpu=()
    for name in "${order[@]}"; do
        flood "$name"
        printed[$name]=$PRINTED
        cpu=$(echo "$CPU / $TICKS" | bc -l)
        per_cpu[$name]=$(echo "$PRINTED / $cpu" | bc -l)
        printf '%-6s %-6s %12d %12d %14.0f %10.2f %16.0f\n' "$round" "$name" "$SENT" "$PRINTED" \
            "$(echo "$PRINTED / $FLOOD_SECONDS" | bc -l)" "$cpu" "${per_cpu[$name]}"
    done
    printf '%-6s ours/lesson = %.2f (target >= 1.2)   ours/right = %.2f (target >= 5)\n' "$round" \
        "$(echo "${printed[ours]} / ${printed[lesson]}" | bc -l)" \
        "$(echo "${printed[ours]} / ${printed[right]}" | bc -l)"
    printf '%-6s per CPU second: ours/lesson = %.2f   ours/right = %.2f\n' "$round" \
        "$(echo "${per_cpu[ours]} / ${per_cpu[lesson]}" | bc -l)" \
        "$(echo "${per_cpu[ours]} / ${per_cpu[right]}" | bc -l)"
    unset printed per_cpu
done
