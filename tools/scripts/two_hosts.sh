#!/usr/bin/env bash
# Two hosts on one machine: an IP address identifies a device (book chapter 1).
#
#   sudo tools/scripts/two_hosts.sh
#
# Creates two network namespaces — two "devices", each with its own interfaces, addresses and
# ports — joined by a virtual cable (a veth pair):
#
#   nb-srv-PID  10.200.0.1/24  ──veth──  10.200.0.2/24  nb-cli-PID
#   04_time_server 10.200.0.1:8000       05_time_client 10.200.0.1:8000 --count 3 --interval 0.1
#                                        load_test      (5 clients × 2 timestamps)
#
# and checks that the server printed the client's address, 10.200.0.2, and its timestamps.
# Traffic stays inside those namespaces. It cleans up after itself (namespaces, their veth, the
# processes it started) on any exit. Exit 0: passed; 1: failed; 77: skipped (the reason is
# printed), e.g. when not root or when `ip netns` is not available.
#
# EXAMPLES=DIR picks the built examples (default target/debug/examples) and LOAD the built load
# tool (default target/debug/load_test); both are built first unless NO_BUILD=1.
set -euo pipefail

cd "$(dirname "$0")/../.."
SERVER_IP=10.200.0.1
CLIENT_IP=10.200.0.2
PORT=8000
NS_SERVER=nb-srv-$$
NS_CLIENT=nb-cli-$$
VETH_SERVER=nb-s$$ # interface names: at most 15 characters
VETH_CLIENT=nb-c$$
EXAMPLES=${EXAMPLES:-target/debug/examples}
LOAD=${LOAD:-target/debug/load_test}

skip() {
    echo "two_hosts: skipped: $*"
    exit 77
}

[[ $(id -u) == 0 ]] || skip "creating network namespaces needs root (try: sudo $0)"
command -v ip >/dev/null || skip "the \`ip\` command is missing (Debian: apt-get install iproute2)"

PIDS=()
WORK=$(mktemp -d)
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    # Deleting a namespace deletes the veth end inside it, and so the pair.
    ip netns del "$NS_CLIENT" 2>/dev/null || true
    ip netns del "$NS_SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! ip netns add "$NS_SERVER" 2>"$WORK/netns.err"; then
    skip "\`ip netns add\` is not allowed here: $(cat "$WORK/netns.err")"
fi
ip netns add "$NS_CLIENT"

if [[ ${NO_BUILD:-0} != 1 ]]; then
    cargo build --quiet --example 04_time_server --example 05_time_client
    cargo build --quiet -p net-basics-tools --bin load_test
fi
for program in "$EXAMPLES/04_time_server" "$EXAMPLES/05_time_client" "$LOAD"; do
    [[ -x $program ]] || { echo "two_hosts: $program is not built" >&2; exit 1; }
done

# 1. The cable and the addresses: each device gets its own address on 10.200.0.0/24.
ip link add "$VETH_SERVER" type veth peer name "$VETH_CLIENT"
ip link set "$VETH_SERVER" netns "$NS_SERVER"
ip link set "$VETH_CLIENT" netns "$NS_CLIENT"
ip -n "$NS_SERVER" addr add "$SERVER_IP/24" dev "$VETH_SERVER"
ip -n "$NS_CLIENT" addr add "$CLIENT_IP/24" dev "$VETH_CLIENT"
for ns in "$NS_SERVER" "$NS_CLIENT"; do
    ip -n "$ns" link set lo up
done
ip -n "$NS_SERVER" link set "$VETH_SERVER" up
ip -n "$NS_CLIENT" link set "$VETH_CLIENT" up
echo "two_hosts: $NS_SERVER has $SERVER_IP, $NS_CLIENT has $CLIENT_IP, joined by a veth pair"

# 2. The server, on the server device's own address (not loopback: that is the point).
ip netns exec "$NS_SERVER" "$EXAMPLES/04_time_server" "$SERVER_IP:$PORT" >"$WORK/server.out" 2>"$WORK/server.err" &
PIDS+=("$!")
for ((i = 0; i < 200; i++)); do
    grep -q '^listening on ' "$WORK/server.out" 2>/dev/null && break
    sleep 0.05
done
grep -q "^listening on $SERVER_IP:$PORT\$" "$WORK/server.out" || {
    echo "two_hosts: the server did not start listening on $SERVER_IP:$PORT within 10 s:" >&2
    cat "$WORK/server.out" "$WORK/server.err" >&2
    exit 1
}

# 3. The client, on the other device: it reaches the server through the cable.
if ! timeout 20 ip netns exec "$NS_CLIENT" "$EXAMPLES/05_time_client" "$SERVER_IP:$PORT" \
    --count 3 --interval 0.1 >"$WORK/client.out" 2>"$WORK/client.err"; then
    echo "two_hosts: the client failed:" >&2
    cat "$WORK/client.out" "$WORK/client.err" >&2
    exit 1
fi

# 4. A few more clients from the same device, with the load tool (loopback-only otherwise).
if ! timeout 20 ip netns exec "$NS_CLIENT" "$LOAD" "$SERVER_IP:$PORT" \
    --allow-non-loopback --clients 5 --messages 2 --interval 0.1 --timeout 10 \
    >"$WORK/load.out" 2>"$WORK/load.err"; then
    echo "two_hosts: the load tool failed:" >&2
    cat "$WORK/load.out" "$WORK/load.err" >&2
    exit 1
fi

# 5. The server saw the client's address — another device's — and every timestamp.
expected=$((3 + 5 * 2))
for ((i = 0; i < 200; i++)); do
    gone=$(grep -c "^\[$CLIENT_IP:[0-9]*\] disconnected after" "$WORK/server.out" || true)
    ((gone >= 6)) && break
    sleep 0.05
done
printed=$(grep -c "^\[$CLIENT_IP:[0-9]*\] client time: " "$WORK/server.out" || true)
connected=$(grep -c "^\[$CLIENT_IP:[0-9]*\] connected" "$WORK/server.out" || true)
sed 's/^/  server: /' "$WORK/server.out" | head -n 8
if ((connected == 6 && printed == expected)); then
    echo "two_hosts: ok — the server at $SERVER_IP printed client address $CLIENT_IP" \
        "for 6 connections and all $expected timestamps"
else
    echo "two_hosts: FAILED — expected 6 connections from $CLIENT_IP and $expected timestamps," \
        "got $connected connections and $printed timestamps:" >&2
    cat "$WORK/server.out" "$WORK/server.err" >&2
    exit 1
fi
