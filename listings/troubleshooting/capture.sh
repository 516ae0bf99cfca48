#!/usr/bin/env bash
# Runs examples 04 and 05 into the failures the Troubleshooting appendix shows, and writes what
# they printed to ../output/troubleshooting-*.txt:
#
#   cargo build --examples && sudo listings/troubleshooting/capture.sh
#
# Where: a network namespace and a mount namespace of its own (`unshare --net --mount`, so
# root), set up like a student's laptop on a classroom network:
#   lo     127.0.0.1 and ::1: port 8000 is free, nothing else listens;
#   eth0   192.168.1.23/24, one end of a virtual cable (veth) whose other end is a second network
#          namespace, "another machine" at 192.168.1.50 whose answers never come back (a
#          blackhole route for 192.168.1.23 there: as when its firewall drops our packets);
#          nothing else is on 192.168.1.0/24, and there is no default route, so 10.1.2.3 has no
#          route at all;
#   /etc/hosts  Debian's default lines for localhost (`127.0.0.1 localhost`, `::1 localhost
#          ip6-localhost ip6-loopback`), bind-mounted over the machine's for this run only.
# So the ports, addresses and sentences in the files are the real ones, with no rewriting.
#
# Each file shows a command as a student types it (`cargo run -q --example …`: with -q cargo
# adds nothing to the program's output); the capture runs the built example directly, with the
# same arguments. `setpriv` runs the port-80 case as user nobody, as a student is not root.
# Every wait is bounded; every process it starts is stopped by its PID.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$ROOT/listings/output
BIN=${BIN:-$ROOT/target/debug/examples}

MODE=${1:-}
if [[ $MODE != --inside && $MODE != --time-wait ]]; then
    [[ -x $BIN/04_time_server && -x $BIN/05_time_client ]] ||
        { echo "capture: build the examples first: cargo build --examples" >&2; exit 1; }
    exec unshare --net --mount "$0" --inside
fi

set -m # job control: background programs get Ctrl-C's SIGINT (a script's would ignore it)
ip link set lo up
WORK=$(mktemp -d)
HOSTS=$(mktemp)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [[ $MODE == --time-wait ]] || umount /etc/hosts 2>/dev/null || true
    rm -rf "$WORK" "$HOSTS"
}
trap cleanup EXIT

write() { # write NAME: stdin to ../output/NAME, without trailing spaces (ss pads its columns)
    sed 's/ *$//' >"$OUT/$1"
    echo "wrote listings/output/$1"
}

# start NAME PROGRAM ARGS…: in the background, stdout and stderr to $WORK/NAME; sets PID.
start() {
    local name=$1 program=$2
    shift 2
    "$BIN/$program" "$@" >"$WORK/$name" 2>&1 &
    PID=$!
    PIDS+=("$PID")
}

# until_printed NAME TEXT: waits (at most 10 s) until $WORK/NAME holds TEXT.
until_printed() {
    local i
    for ((i = 0; i < 500; i++)); do
        grep -qF -- "$2" "$WORK/$1" 2>/dev/null && return 0
        sleep 0.02
    done
    echo "capture: gave up waiting for \"$2\" in $1:" >&2
    cat "$WORK/$1" >&2
    exit 1
}

# stop PID [SIGNAL]: signals it (default INT, as Ctrl-C does) and waits for it (at most 5 s).
stop() {
    local i
    kill "-${2:-INT}" "$1" 2>/dev/null || true
    for ((i = 0; i < 250; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.02; done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# shown COMMENT PROGRAM ARGS…: the `$ cargo run …` line, then what the program printed
# (stdout and stderr, in order), run in the foreground with a 20 s limit.
shown() {
    local comment=$1 program=$2 line
    shift 2
    line="\$ cargo run -q --example $program"
    (($# == 0)) || line+=" -- $*"
    [[ -z $comment ]] || line+="   # $comment"
    echo "$line"
    timeout 20 "$BIN/$program" "$@" 2>&1 || true
}

if [[ $MODE == --time-wait ]]; then
    # --- Only TIME_WAIT: the lesson's own Python server (no SO_REUSEADDR) stopped with a client
    # connected leaves its side of that connection in TIME_WAIT on port 8000; then our server starts.
    # Run in a fresh network namespace (`--time-wait`): the lesson's server cannot bind a port that
    # any socket still holds, even in TIME_WAIT, as earlier scenarios leave 8000.
    cp "$ROOT/listings/lesson/server.py" "$ROOT/listings/lesson/client.py" "$WORK/"
    (cd "$WORK" && PYTHONUNBUFFERED=1 exec python3 server.py >"$WORK/lesson" 2>&1) &
    lesson=$!
    PIDS+=("$lesson")
    until_printed lesson "等待接收来自于客户端连接请求"
    (cd "$WORK" && PYTHONUNBUFFERED=1 exec python3 client.py >"$WORK/lesson_client" 2>&1) &
    lesson_client=$!
    PIDS+=("$lesson_client")
    until_printed lesson "客户端时间为"
    stop "$lesson" INT
    stop "$lesson_client" INT
    shown "after the lesson's server was stopped with a client connected" 04_time_server |
        write troubleshooting-time-wait.txt
    exit 0
fi

unshare --net sleep 600 & # the other machine's namespace, held by this sleep
OTHER=$!
PIDS+=("$OTHER")
for ((i = 0; i < 250; i++)); do # until unshare has made that namespace
    [[ $(readlink "/proc/$OTHER/ns/net") != "$(readlink /proc/self/ns/net)" ]] && break
    sleep 0.02
done
ip link add eth0 type veth peer name other
ip link set other netns "$OTHER"
ip addr add 192.168.1.23/24 dev eth0
ip link set eth0 up
nsenter -t "$OTHER" -n sh -c 'ip link set lo up && ip link set other name eth0 &&
    ip addr add 192.168.1.50/24 dev eth0 && ip link set eth0 up &&
    ip route add blackhole 192.168.1.23/32'

printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$HOSTS"
mount --bind "$HOSTS" /etc/hosts

# --- Address already in use: a second server on the first one's port, and who holds it.
start first 04_time_server
until_printed first "listening on"
{
    shown "" 04_time_server
    echo "\$ ss -ltnp 'sport = :8000'"
    ss -ltnp 'sport = :8000'
} | write troubleshooting-in-use.txt
stop "$PID"

# --- Permission denied: port 80, as a user who is not root.
{
    echo "\$ cargo run -q --example 04_time_server -- 127.0.0.1:80"
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$BIN/04_time_server" 127.0.0.1:80 2>&1 || true
} | write troubleshooting-permission.txt

# --- Address not available: an address that is not this machine's.
shown "" 04_time_server 192.0.2.1:8000 | write troubleshooting-not-available.txt

# --- Connection refused: no server.
shown "no server running" 05_time_client | write troubleshooting-refused.txt

# --- The server went away: stopped with Ctrl-C while the client sends.
start server 04_time_server
server=$PID
until_printed server "listening on"
start client 05_time_client
until_printed client "sent "
sleep 1.2
stop "$server" INT
for ((i = 0; i < 250; i++)); do kill -0 "$PID" 2>/dev/null || break; sleep 0.02; done
stop "$PID" KILL # it has stopped by itself by now: this only waits for it
{
    echo "\$ cargo run -q --example 05_time_client   # then the server is stopped with Ctrl-C"
    cat "$WORK/client"
} | write troubleshooting-went-away.txt

# --- A busy server: --max-clients 1, one client sending, a second one.
start busy 04_time_server --max-clients 1
server=$PID
until_printed busy "listening on"
start first_client 05_time_client
until_printed first_client "sent "
shown "a second client, while the first one sends" 05_time_client --count 3 |
    write troubleshooting-busy.txt
stop "$PID"
stop "$server"

# --- No answer: 192.168.1.50 is there, but its answers never come back.
shown "" 05_time_client 192.168.1.50:8000 | write troubleshooting-timed-out.txt

# --- Nobody at that address on this network (no ARP answer), and no route at all.
{
    shown "" 05_time_client 192.168.1.99:8000
    shown "" 05_time_client 10.1.2.3:8000
} | write troubleshooting-no-route.txt

# --- Listening on 127.0.0.1: what ss shows; then the same server on 0.0.0.0.
start local 04_time_server
until_printed local "listening on"
{
    echo "\$ ss -ltn 'sport = :8000'"
    ss -ltn 'sport = :8000'
} | write troubleshooting-ss-loopback.txt
stop "$PID"
start wildcard 04_time_server 0.0.0.0:8000
until_printed wildcard "(lo: from this machine only)"
{
    echo "\$ cargo run -q --example 04_time_server -- 0.0.0.0:8000"
    cat "$WORK/wildcard"
} | write troubleshooting-wildcard.txt
stop "$PID"

# --- A student connects to 0.0.0.0 (on the student's own machine, where no server runs).
shown "the address the teacher's server printed first" 05_time_client 0.0.0.0:8000 |
    write troubleshooting-to-wildcard.txt

# --- IPv6 and IPv4: a server on 127.0.0.1, a client to [::1], then to localhost.
start v4 04_time_server
until_printed v4 "listening on"
{
    echo "\$ cargo run -q --example 05_time_client -- '[::1]:8000'"
    timeout 20 "$BIN/05_time_client" '[::1]:8000' 2>&1 || true
    shown "" 05_time_client localhost:8000 --count 1
} | write troubleshooting-ipv6.txt
stop "$PID"
start named 04_time_server localhost:8000
until_printed named "this server listens on"
{
    echo "\$ cargo run -q --example 04_time_server -- localhost:8000"
    cat "$WORK/named"
} | write troubleshooting-localhost-server.txt
stop "$PID"

# --- Last, in a namespace of its own (port 8000 is then held there for a minute):
unshare --net "$0" --time-wait
