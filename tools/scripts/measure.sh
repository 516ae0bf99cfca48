#!/usr/bin/env bash
# The documented measurement of the time server (book appendix "Performance").
#
#   tools/scripts/measure.sh SERVER MODE     one run, e.g. `tools/scripts/measure.sh ours c10k`
#   tools/scripts/measure.sh all             every mode against every server, with ratios
#
# SERVER  ours      target/release/examples/04_time_server (the lesson's server)
#         sink      reference_servers sink: reads and counts newlines only (the ceiling)
#         original  reference_servers original: one read(1024) + one print per read
# MODE    c10k      $CLIENTS (10,000) clients, each sends $MESSAGES (10) timestamps, one a second
#         idle      $IDLE_CLIENTS (1,000) clients connect and send nothing for $IDLE_SECONDS (5) s:
#                   the server's CPU over that window, and its memory per client
#         flood     one client sends timestamps as fast as it can for $FLOOD_SECONDS (5) s
#
# For each run it starts the server on 127.0.0.1:0 with stdout to a file, reads the port from
# its first line (`listening on ADDR`), runs the load tool (tools/src/bin/load_test.rs) against it, waits until the
# server has printed everything, stops it, and checks that every message sent was printed
# exactly once — in total and per client. It prints one table row per run: printed messages/s,
# peak RSS (VmHWM), CPU seconds (utime+stime from /proc/PID/stat).
#
# Loopback only. Every wait is bounded; it stops only the processes it started.
set -euo pipefail

cd "$(dirname "$0")/../.."
CLIENTS=${CLIENTS:-10000}
MESSAGES=${MESSAGES:-10}
IDLE_CLIENTS=${IDLE_CLIENTS:-1000}
IDLE_SECONDS=${IDLE_SECONDS:-5}
FLOOD_SECONDS=${FLOOD_SECONDS:-5}
OUT_DIR=${OUT_DIR:-target/measure}
KEEP_OUTPUT=${KEEP_OUTPUT:-0} # 1: keep the servers' output files (the flood ones are ~1 GB)
EXAMPLES=target/release/examples
LOAD=target/release/load_test
REFERENCE=target/release/reference_servers
TICKS=$(getconf CLK_TCK)

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

# ---- processes we started, stopped by PID on any exit -------------------------------------
PIDS=()
FAILED=0
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop PID: TERM, then KILL after 5 s; always waited for.
stop() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget "$pid"
}

# forget PID: it has been waited for; cleanup must not touch that number again.
forget() {
    local kept=() pid
    for pid in "${PIDS[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
    PIDS=("${kept[@]+"${kept[@]}"}")
}

# ---- /proc readings ------------------------------------------------------------------------
cpu_ticks() { # utime + stime of the whole process (all its threads, live and ended)
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    stat=${stat##*) } # the command name may hold spaces: skip past it
    awk '{ print $12 + $13 }' <<<"$stat"
}
status_kib() { # a field of /proc/PID/status in KiB, e.g. VmHWM or VmRSS
    awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}
now() { date +%s.%N; }

# ---- setup ---------------------------------------------------------------------------------
setup() {
    mkdir -p "$OUT_DIR"
    if [[ ${NO_BUILD:-0} != 1 ]]; then
        echo "building 04_time_server and the load tools in release mode…"
        cargo build --release --quiet --example 04_time_server
        cargo build --release --quiet -p net-basics-tools --bins
    fi
    # Each connection is a file descriptor, in the load tool and in the server alike.
    local before hard need
    before=$(ulimit -n)
    hard=$(ulimit -Hn)
    need=$((CLIENTS + 1024))
    if ulimit -n 65536 2>/dev/null; then
        :
    elif [[ $hard == unlimited ]] || ulimit -n "$hard" 2>/dev/null; then
        :
    fi
    echo "open-file limit (ulimit -n): $(ulimit -n) (was $before; hard limit $hard)"
    if (($(ulimit -n) < need)); then
        echo "  the OS does not allow $need open files here, which $CLIENTS clients need: raise the"
        echo "  hard limit (as root: ulimit -Hn 65536, or /etc/security/limits.conf) or set CLIENTS lower;"
        echo "  the load tool will report the connections it could not open"
    fi
    echo "kernel: somaxconn $(cat /proc/sys/net/core/somaxconn)," \
        "threads-max $(cat /proc/sys/kernel/threads-max)," \
        "local ports $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)," \
        "cpus $(nproc), memory $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
    printf 'server\tmode\tclients\tsent\tprinted\tonce\tprinted/s\tpeak_RSS_MiB\tCPU_s\tnote\n' >"$OUT_DIR/results.tsv"
}

# ---- one run -------------------------------------------------------------------------------
# run SERVER MODE: appends a row to $OUT_DIR/results.tsv
run() {
    local server=$1 mode=$2
    local clients=1 base="$OUT_DIR/$server-$mode"
    case $mode in
    c10k) clients=$CLIENTS ;;
    idle) clients=$IDLE_CLIENTS ;;
    flood) clients=1 ;;
    *) usage ;;
    esac
    local cmd=()
    case $server in
    ours) cmd=("$EXAMPLES/04_time_server" 127.0.0.1:0 --max-clients "$((clients + 16))") ;;
    sink | original)
        cmd=("$REFERENCE" "$server" 127.0.0.1:0
            --connections "$clients" --seconds 600 --stay) ;;
    *) usage ;;
    esac
    [[ -x ${cmd[0]} ]] || { echo "${cmd[0]} is not built: is the example in this branch?" >&2; exit 1; }
    echo
    echo "=== $server, $mode: ${cmd[*]}"

    # 1. The server, stdout to a file; its first line names the port it got.
    rm -f "$base".*
    "${cmd[@]}" >"$base.out" 2>"$base.err" &
    local server_pid=$!
    PIDS+=("$server_pid")
    local addr="" i
    for ((i = 0; i < 200; i++)); do
        addr=$(head -n 1 "$base.out" 2>/dev/null | sed -n 's/^listening on //p') || true
        [[ -n $addr ]] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    if [[ -z $addr ]]; then
        echo "the server printed no \`listening on ADDR\` line within 10 s; its stderr:" >&2
        cat "$base.err" >&2
        exit 1
    fi
    local rss_before cpu_before
    rss_before=$(status_kib "$server_pid" VmRSS)
    cpu_before=$(cpu_ticks "$server_pid")

    # 2. The load. load_test stops by itself (--timeout); its report goes to $base.load.
    local load=("$LOAD" "$addr" --peers "$base.peers" --timeout 300)
    case $mode in
    c10k) load+=(--clients "$clients" --messages "$MESSAGES" --interval 1) ;;
    idle) load+=(--clients "$clients" --messages 0 --hold "$((IDLE_SECONDS + 2))") ;;
    flood) load+=(--flood "$FLOOD_SECONDS") ;;
    esac
    local started note="" idle_cpu="" per_client=""
    started=$(now)
    "${load[@]}" >"$base.load" 2>"$base.load.err" &
    local load_pid=$!
    PIDS+=("$load_pid")
    if [[ $mode != flood ]]; then
        # Many clients: the clock starts once all are connected (connecting is paced, and is
        # not what printed messages/s measures).
        for ((i = 0; i < 1200; i++)); do
            grep -q '^all clients connecting done' "$base.load" 2>/dev/null && break
            kill -0 "$load_pid" 2>/dev/null || break
            sleep 0.05
        done
        started=$(now)
    fi
    if [[ $mode == idle ]]; then
        # Idle: watch the server for IDLE_SECONDS while every client is connected and silent.
        sleep 0.5 # let the server finish accepting the last connections
        local cpu0 cpu1 rss_idle
        cpu0=$(cpu_ticks "$server_pid")
        sleep "$IDLE_SECONDS"
        cpu1=$(cpu_ticks "$server_pid")
        rss_idle=$(status_kib "$server_pid" VmRSS)
        idle_cpu=$(awk -v t="$((cpu1 - cpu0))" -v hz="$TICKS" -v s="$IDLE_SECONDS" \
            'BEGIN { printf "%.2f s CPU in %d s idle (%.1f%%)", t / hz, s, 100 * t / hz / s }')
        per_client=$(awk -v a="$rss_before" -v b="$rss_idle" -v n="$clients" \
            'BEGIN { printf "%.1f KiB/client", (b - a) / n }')
        note="$idle_cpu; $per_client"
    fi
    local load_status=0
    wait "$load_pid" || load_status=$?
    forget "$load_pid"
    cat "$base.load"
    [[ -s $base.load.err ]] && sed 's/^/  load: /' "$base.load.err"
    ((load_status == 0)) || echo "  (the load tool exited with $load_status: see above)"

    # 3. Wait until the server has printed everything: the reference servers print a summary
    # when all connections are closed; ours goes on, so wait until its output stops growing.
    local finished size last_size=-1 last_change
    last_change=$(now)
    for ((i = 0; i < 3000; i++)); do # ≤ 150 s
        if [[ $server != ours ]]; then
            grep -q ': received ' "$base.err" 2>/dev/null && break
            kill -0 "$server_pid" 2>/dev/null || break
        else
            size=$(stat -c %s "$base.out")
            if [[ $size != "$last_size" ]]; then
                last_size=$size
                last_change=$(now)
            elif awk -v a="$last_change" -v b="$(now)" 'BEGIN { exit !(b - a > 1.0) }'; then
                break # no new output for a second
            fi
        fi
        sleep 0.02
    done
    if [[ $server == ours ]]; then finished=$last_change; else finished=$(now); fi
    local hwm cpu
    hwm=$(status_kib "$server_pid" VmHWM)
    cpu=$(($(cpu_ticks "$server_pid") - cpu_before))
    stop "$server_pid"

    # 4. Count and check: every message sent was printed exactly once, for every client.
    local sent printed once="-"
    sent=$(awk '{ s += $2 } END { print s + 0 }' "$base.peers" 2>/dev/null || echo 0)
    case $server in
    ours)
        printed=$(grep -c '\] client time: ' "$base.out" || true)
        local wrong
        wrong=$(awk '
            NR == FNR { want[$1] = $2; next }
            /\] client time: / { got[substr($0, 2, index($0, "] client time: ") - 2)]++ }
            END {
                for (p in want) if (got[p] + 0 != want[p]) {
                    if (++bad <= 5) printf "  peer %s: sent %d, printed %d\n", p, want[p], got[p] > "/dev/stderr"
                }
                for (p in got) if (!(p in want)) {
                    if (++bad <= 5) printf "  peer %s: printed %d, but the load tool has no such client\n", p, got[p] > "/dev/stderr"
                }
                print bad + 0
            }' "$base.peers" "$base.out")
        if [[ $printed == "$sent" && $wrong == 0 ]]; then once=yes; else once=NO; fi
        local gone
        gone=$(grep -c 'disconnected after' "$base.out" || true)
        [[ $gone == "$clients" ]] || note="${note:+$note; }$gone of $clients disconnect lines"
        ;;
    sink)
        printed=$(sed -n 's/^sink: received \([0-9]*\) newlines.*/\1/p' "$base.err")
        if [[ $printed == "$sent" ]]; then once=yes; else once=NO; fi
        note="${note:+$note; }counted newlines, printed nothing"
        ;;
    original)
        printed=$(sed -n 's/^original: received \([0-9]*\) print calls (\([0-9]*\) bytes.*/\1/p' "$base.err")
        local bytes
        bytes=$(sed -n 's/^original: received [0-9]* print calls (\([0-9]*\) bytes.*/\1/p' "$base.err")
        note="${note:+$note; }print calls, each a chunk of glued timestamps ($((bytes / 20)) timestamps by bytes)"
        ;;
    esac
    printed=${printed:-0}
    local rate
    rate=$(awk -v n="$printed" -v a="$started" -v b="$finished" 'BEGIN { printf "%.0f", n / (b - a) }')
    local row
    row=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.2f\t%s' "$server" "$mode" "$clients" "$sent" \
        "$printed" "$once" "$rate" "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')" \
        "$(awk -v t="$cpu" -v hz="$TICKS" 'BEGIN { print t / hz }')" "$note")
    echo "$row" >>"$OUT_DIR/results.tsv"
    echo "result: $row"
    if [[ $once == NO ]]; then
        echo "  ✘ NOT every message was printed exactly once: sent $sent, printed $printed (files in $base.*)"
        FAILED=1
    elif [[ $KEEP_OUTPUT != 1 ]]; then
        rm -f "$base.out"
    fi
}

table() {
    echo
    column -t -s $'\t' "$OUT_DIR/results.tsv"
    # Ratios of our printed messages/s to each reference, mode by mode.
    awk -F '\t' '
        NR > 1 { rate[$1 "/" $2] = $7; modes[$2] = 1 }
        END {
            for (m in modes) if (("ours/" m) in rate) for (r in rate) {
                split(r, part, "/")
                if (part[2] == m && part[1] != "ours" && rate[r] > 0)
                    printf "%s: ours / %s = %.2f\n", m, part[1], rate["ours/" m] / rate[r]
            }
        }' "$OUT_DIR/results.tsv"
    echo "(rows in $OUT_DIR/results.tsv; a failed run keeps the server's output there)"
}

case ${1:-} in
all)
    setup
    servers=(sink original ours)
    if [[ ! -x $EXAMPLES/04_time_server ]]; then
        echo "note: $EXAMPLES/04_time_server is not built (not in this branch?): measuring the references only"
        servers=(sink original)
    fi
    for mode in flood c10k idle; do
        for server in "${servers[@]}"; do
            run "$server" "$mode"
        done
    done
    table
    ;;
ours | sink | original)
    [[ $# == 2 ]] || usage
    setup
    run "$1" "$2"
    table
    ;;
*) usage ;;
esac
if ((FAILED)); then
    echo "✘ some server did not print every message exactly once (see above)"
    exit 1
fi
