#!/usr/bin/env bash
# Step 7's measurement (book chapter 7): step 4's server (a thread per client) against step 7's
# (a task per client, one thread), side by side in one run, at growing numbers of clients that
# are all connected at once.
#
#   tools/scripts/threads_vs_tasks.sh            COUNTS="1000 5000" MODES=idle … to change a run
#   BOOK=1 tools/scripts/threads_vs_tasks.sh     also writes the book's table and plot
#   TABLE_ONLY=1 BOOK=1 tools/scripts/threads_vs_tasks.sh   only the table and plot, again
#   PLOT=0 …                                     no plot (matplotlib is pip-installed otherwise); not with BOOK=1
#
# COUNTS  clients per run (default 1000 2000 5000 10000 15000 19900 20100: the last is past this
#         machine's limit of open files per process, to show where each server stops)
# MODES   idle: every client connects and sends nothing for IDLE_SECONDS (5)
#         active: every client sends one timestamp a second for ACTIVE_SECONDS (10)
# For each count and mode it runs the threads server, then the tasks server (release builds,
# `--idle-timeout 0`, stdout to a file), connects the clients with tools/src/bin/load_test.rs —
# at most 9,000 per load process, each process from its own source address 127.0.X.Y (a
# connection is its 4-tuple; each source address has its own ~28,000 ephemeral ports, and the
# TIME_WAIT of one run must not starve the next); once the server has accepted them all (or
# after 60 s), every load process starts its timestamps, or its idle hold, at the same moment
# (load_test --wait-for). It reads /proc/PID of the server:
#   accept_s     from the first connect until the server printed its last `connected` line
#   peak_MiB     VmHWM, the peak resident memory; per_conn_KiB: (VmHWM − RSS before) ÷ clients
#   threads      the server's threads with every client connected; maps: its memory mappings
#   ctx_switches the context switches of all its threads (voluntary + involuntary) while every
#                client is connected: IDLE_SECONDS idle, or ACTIVE_SECONDS − 0.5 s sending
#   overflows    connections the kernel dropped because the listen backlog was full (TcpExt
#                ListenOverflows of /proc/net/netstat, for the whole machine, during the run)
#   cpu_s        utime + stime of the server over the whole run
#   once         active: every timestamp each client sent was printed exactly once
#   stopped_by   the server's most frequent complaints on stderr, if any (what it says when it
#                stops), and whether it died
# Writes $OUT_DIR/results.tsv, results.md (the table) and rss.svg (matplotlib; pip-installed
# into $OUT_DIR/venv when python3 lacks it). With BOOK=1 also listings/output/threads-vs-tasks.md
# (and .tsv) and book/src/07-rss.svg (and 07-rss.zh-CN.svg, the Chinese edition's).
#
# Loopback only; every wait is bounded; it stops only the processes it started.
set -euo pipefail

cd "$(dirname "$0")/../.."
if [[ ${BOOK:-0} == 1 && ${PLOT:-1} == 0 ]]; then
    echo "BOOK=1 writes the book's plot too: run it without PLOT=0" >&2
    exit 2
fi
COUNTS=${COUNTS:-"1000 2000 5000 10000 15000 19900 20100"}
MODES=${MODES:-"idle active"}
IDLE_SECONDS=${IDLE_SECONDS:-5}
ACTIVE_SECONDS=${ACTIVE_SECONDS:-10}
CONNECT_RATE=${CONNECT_RATE:-10000} # new connections per second, all load processes together
PER_LOAD=${PER_LOAD:-9000}           # clients per load process (each is a process's open files)
OUT_DIR=${OUT_DIR:-target/threads-vs-tasks}
EXAMPLES=target/release/examples
LOAD=target/release/load_test
TICKS=$(getconf CLK_TCK)

PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM
forget() {
    local kept=() pid
    for pid in "${PIDS[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
    PIDS=("${kept[@]+"${kept[@]}"}")
}
stop() { # TERM, KILL after 5 s; always waited for
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
cpu_ticks() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    stat=${stat##*) }
    awk '{ print $12 + $13 }' <<<"$stat"
}
status_field() { # a field of /proc/PID/status (0 once the process is gone)
    local value
    value=$(awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status" 2>/dev/null) || true
    echo "${value:-0}"
}
now() { date +%s.%N; }
listen_overflows() { # TcpExt: ListenOverflows, from /proc/net/netstat (a header line, then values)
    awk '$1 == "TcpExt:" { if (!n) { for (i = 2; i <= NF; i++) col[$i] = i; n = 1 } else print $col["ListenOverflows"] }' /proc/net/netstat
}
ctx_switches() { # every thread of PID: voluntary + involuntary context switches
    { cat /proc/"$1"/task/*/status 2>/dev/null || true; } |
        awk '/^(non)?voluntary_ctxt_switches:/ { s += $2 } END { print s + 0 }'
}
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
count_lines() { grep -c -- "$1" "$2" 2>/dev/null || true; }

# ---- setup ---------------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
if [[ ${NO_BUILD:-0} != 1 && ${TABLE_ONLY:-0} != 1 ]]; then
    echo "building both servers and the load tool in release mode…"
    cargo build --release --quiet --example 04_time_server
    cargo build --release --quiet --features async --example 07_async_time_server
    cargo build --release --quiet -p net-basics-tools --bin load_test
fi
ulimit -n "$(ulimit -Hn)" # each connection is an open file, in the server and in the load tool
echo "open files per process (ulimit -n): $(ulimit -n); threads-max $(cat /proc/sys/kernel/threads-max);" \
    "pid_max $(cat /proc/sys/kernel/pid_max); vm.max_map_count $(cat /proc/sys/vm/max_map_count);" \
    "local ports $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range); cpus $(nproc);" \
    "memory $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); load $(cut -d' ' -f1-3 /proc/loadavg)"
SOURCE=0 # source addresses used so far: 127.0.1.1, 127.0.1.2, …

# ---- one run: SERVER MODE CLIENTS ---------------------------------------------------------
run() {
    local server=$1 mode=$2 clients=$3 exe
    case $server in
    threads) exe=$EXAMPLES/04_time_server ;;
    tasks) exe=$EXAMPLES/07_async_time_server ;;
    esac
    local base="$OUT_DIR/$server-$mode-$clients"
    rm -f "$base".*
    echo
    echo "=== $server, $mode, $clients clients"
    "$exe" 127.0.0.1:0 --max-clients 100000 --idle-timeout 0 >"$base.out" 2>"$base.err" &
    local pid=$! addr="" i
    PIDS+=("$pid")
    for ((i = 0; i < 200; i++)); do
        addr=$(head -n 1 "$base.out" 2>/dev/null | sed -n 's/^listening on //p') || true
        [[ -n $addr ]] && break
        sleep 0.05
    done
    [[ -n $addr ]] || { echo "no \`listening on\` line from $exe: $(cat "$base.err")" >&2; exit 1; }
    local rss0 cpu0 overflows0
    overflows0=$(listen_overflows)
    rss0=$(status_field "$pid" VmRSS)
    cpu0=$(cpu_ticks "$pid")

    # The load: at most PER_LOAD clients per process, each process from its own source address.
    local parts=$(((clients + PER_LOAD - 1) / PER_LOAD)) k loads=() load_pids=()
    local hold=$((IDLE_SECONDS + 3)) messages=0
    [[ $mode == active ]] && { hold=2; messages=$ACTIVE_SECONDS; }
    local started
    started=$(now)
    for ((k = 0; k < parts; k++)); do
        local share=$(((clients + k) / parts)) source
        SOURCE=$((SOURCE + 1))
        source=127.0.$((1 + SOURCE / 250)).$((1 + SOURCE % 250))
        "$LOAD" "$addr" --source "$source" --clients "$share" --messages "$messages" --interval 1 \
            --hold "$hold" --connect-rate "$((CONNECT_RATE / parts))" --connect-retries 2 \
            --timeout $((hold + messages + 150)) --peers "$base.peers.$k" --wait-for "$base.go" \
            >"$base.load.$k" 2>&1 &
        load_pids+=($!)
        PIDS+=($!)
    done

    # Time to accept them all: until the server printed its last `connected` line (≤ 60 s).
    local served=0 accept_s="-" threads peak_seen=0 cpu_seen=0 hwm_now
    for ((i = 0; i < 1200; i++)); do
        hwm_now=$(status_field "$pid" VmHWM) # kept: a server may die before the end
        ((hwm_now > 0)) && { peak_seen=$hwm_now; cpu_seen=$(($(cpu_ticks "$pid") - cpu0)); }
        served=$(count_lines '] connected$' "$base.out")
        ((served >= clients)) && { accept_s=$(since "$started"); break; }
        sleep 0.05
    done
    sleep 1 # the last ones settle (and a server that stopped accepting shows it)
    served=$(count_lines '] connected$' "$base.out")
    threads=$(status_field "$pid" Threads)
    hwm_now=$(status_field "$pid" VmHWM)
    ((hwm_now > 0)) && { peak_seen=$hwm_now; cpu_seen=$(($(cpu_ticks "$pid") - cpu0)); }
    touch "$base.go" # every load process starts its timestamps (or its idle hold) now
    local maps switches window=$IDLE_SECONDS
    maps=$( (wc -l <"/proc/$pid/maps") 2>/dev/null || echo 0)
    [[ $mode == active ]] && window=$(awk -v s="$ACTIVE_SECONDS" 'BEGIN { print s - 0.5 }')
    switches=$(ctx_switches "$pid")
    sleep "$window" # every client connected: idle, or sending
    switches=$(($(ctx_switches "$pid") - switches))
    local status=0
    for k in "${!load_pids[@]}"; do
        wait "${load_pids[$k]}" || status=$?
        forget "${load_pids[$k]}"
    done
    # Wait until the server has printed everything: its output stops growing for a second.
    local size last=-1 changed
    changed=$(now)
    for ((i = 0; i < 3000; i++)); do
        size=$(stat -c %s "$base.out")
        if [[ $size != "$last" ]]; then
            last=$size
            changed=$(now)
        elif awk -v a="$changed" -v b="$(now)" 'BEGIN { exit !(b - a > 1.0) }'; then
            break
        fi
        sleep 0.05
    done
    local hwm cpu overflows died=""
    overflows=$(($(listen_overflows) - overflows0))
    hwm=$(status_field "$pid" VmHWM)
    cpu=$(($(cpu_ticks "$pid") - cpu0))
    if ! kill -0 "$pid" 2>/dev/null; then
        died="; then it died"
        hwm=$peak_seen cpu=$cpu_seen # its last readings, taken while the clients connected
        [[ $threads == 0 ]] && threads="-"
    fi
    stop "$pid"

    # Exactly once: per client, the timestamps the load tool sent against the lines printed.
    cat "$base".peers.* >"$base.peers" 2>/dev/null || true
    local sent printed once="-" wrong
    sent=$(awk '{ s += $2 } END { print s + 0 }' "$base.peers")
    printed=$(count_lines '\] client time: ' "$base.out")
    if [[ $mode == active ]]; then
        wrong=$(awk '
            NR == FNR { want[$1] = $2; next }
            /\] client time: / { got[substr($0, 2, index($0, "] client time: ") - 2)]++ }
            END {
                for (p in want) if (got[p] + 0 != want[p]) bad++
                for (p in got) if (!(p in want)) bad++
                print bad + 0
            }' "$base.peers" "$base.out")
        if [[ $sent != 0 && $printed == "$sent" && $wrong == 0 ]]; then once=yes; else once=NO; fi
    fi
    # What the server said: its most frequent complaint (without the client's address), how
    # often, and the first line of a panic if it died of one.
    local stopped_by="-"
    if [[ -s $base.err ]]; then
        stopped_by=$(grep -v '^\s*[0-9]*:\|^ *at \|^stack backtrace\|^note: \|^thread .* panicked at\|^$' \
            "$base.err" | sed -E 's/^\[[^]]*\] //' | sort | uniq -c | sort -rn |
            head -n 2 | awk '{ n = $1; $1 = ""; printf "%s%s (×%d)", (NR > 1 ? "; " : ""), substr($0, 2), n }' ||
            true)
    fi
    stopped_by="$stopped_by$died"
    local errors
    errors=$(awk '/^connect errors:/ { s += $3 } END { print s + 0 }' "$base".load.*)
    ((errors == 0)) || stopped_by="$stopped_by; load: $errors connects failed"
    local row
    row=$(printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%s\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$server" "$mode" \
        "$clients" "$served" "$accept_s" "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')" \
        "$(awk -v a="$rss0" -v b="$hwm" -v n="$served" 'BEGIN { print n ? (b - a) / n : 0 }')" \
        "$threads" "$(awk -v t="$cpu" -v hz="$TICKS" 'BEGIN { print t / hz }')" \
        "$sent" "$printed" "$once" "$stopped_by" "$maps" "$switches" "$overflows")
    echo "$row" >>"$OUT_DIR/results.tsv"
    echo "$row"
    ((status == 0)) || echo "  (a load process exited with $status: see $base.load.*)"
    rm -f "$base.out" "$base".peers* "$base.go"
}

if [[ ${TABLE_ONLY:-0} != 1 ]]; then # TABLE_ONLY=1: the table and plot of the last results.tsv
    printf 'server\tmode\tclients\tserved\taccept_s\tpeak_MiB\tper_conn_KiB\tthreads\tcpu_s\tsent\tprinted\tonce\tstopped_by\tmaps\tctx_switches\toverflows\n' \
        >"$OUT_DIR/results.tsv"
    for clients in $COUNTS; do
        for mode in $MODES; do
            for server in threads tasks; do
                run "$server" "$mode" "$clients"
            done
        done
    done
fi

# ---- the table and the plot ----------------------------------------------------------------
awk -F '\t' '
    NR > 1 { key = $3 " " $2; row[$1, key] = $0; if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
    function cell(server, key, field,   parts) { split(row[server, key], parts, "\t"); return parts[field] }
    function switches(server, key) { return cell(server, key, 13) ~ /then it died/ ? "died" : cell(server, key, 15) }
    function pair(server_a_field, key) { return cell("threads", key, server_a_field) " / " cell("tasks", key, server_a_field) }
    END {
        print "**Memory** (peak resident memory, VmHWM; threads / tasks):"
        print ""
        print "| clients | mode | served | peak MiB | ÷ | KiB per client |"
        print "|---:|---|---|---|---:|---|"
        for (i = 1; i <= n; i++) {
            k = order[i]
            t = cell("threads", k, 6); a = cell("tasks", k, 6)
            printf "| %s | %s | %s | %s | %.1f | %s |\n", cell("threads", k, 3), cell("threads", k, 2), \
                pair(4, k), pair(6, k), (a > 0 ? t / a : 0), pair(7, k)
        }
        print ""
        print "**Time** (threads / tasks; context switches while every client was connected):"
        print ""
        print "| clients | mode | CPU s | context switches | all accepted after, s | backlog overflows |"
        print "|---:|---|---|---|---|---|"
        for (i = 1; i <= n; i++) {
            k = order[i]
            printf "| %s | %s | %s | %s / %s | %s | %s |\n", cell("threads", k, 3), cell("threads", k, 2), \
                pair(9, k), switches("threads", k), switches("tasks", k), pair(5, k), pair(16, k)
        }
    }' "$OUT_DIR/results.tsv" >"$OUT_DIR/results.md"
{
    echo
    echo "What a server said when it stopped accepting (its most frequent lines on stderr, and how often):"
    echo
    awk -F '\t' 'NR > 1 && $13 != "-" { printf "- %s, %s, %s clients: %s\n", $1, $2, $3, $13 }' "$OUT_DIR/results.tsv"
} >>"$OUT_DIR/results.md"

python=python3
if [[ ${PLOT:-1} == 0 ]]; then # PLOT=0: no plot (and no matplotlib to install), e.g. offline
    echo "PLOT=0: no plot"
elif ! python3 -c 'import matplotlib' 2>/dev/null; then
    if [[ ! -x $OUT_DIR/venv/bin/python ]]; then
        echo "installing matplotlib into $OUT_DIR/venv (pip)…"
        python3 -m venv "$OUT_DIR/venv"
        "$OUT_DIR/venv/bin/pip" install --quiet matplotlib
    fi
    python=$OUT_DIR/venv/bin/python
fi
if [[ ${PLOT:-1} != 0 ]]; then
    "$python" tools/scripts/plot_rss.py "$OUT_DIR/results.tsv" "$OUT_DIR/rss.svg"
    "$python" tools/scripts/plot_rss.py "$OUT_DIR/results.tsv" "$OUT_DIR/rss.zh-CN.svg" zh-CN
fi

echo
column -t -s $'\t' "$OUT_DIR/results.tsv"
echo
cat "$OUT_DIR/results.md"
if [[ ${BOOK:-0} == 1 ]]; then
    cp "$OUT_DIR/results.md" listings/output/threads-vs-tasks.md
    cp "$OUT_DIR/results.tsv" listings/output/threads-vs-tasks.tsv
    cp "$OUT_DIR/rss.svg" book/src/07-rss.svg
    cp "$OUT_DIR/rss.zh-CN.svg" book/src/07-rss.zh-CN.svg
    echo "wrote listings/output/threads-vs-tasks.md (and .tsv) and book/src/07-rss.svg (and .zh-CN.svg)"
fi
# A server that died lost what it had not printed; one that lived must have printed everything.
if awk -F '\t' '$12 == "NO" && $13 !~ /then it died/ { bad = 1 } END { exit !bad }' "$OUT_DIR/results.tsv"; then
    echo "✘ a server that stayed up did not print every timestamp exactly once (see results.tsv)"
    exit 1
fi
