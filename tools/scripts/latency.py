#!/usr/bin/env python3
"""How long a line takes to appear on the time server's stdout, under light traffic.

    tools/scripts/latency.py [SERVER_BINARY] [--samples N] [--gap SECONDS]

Starts the server (default target/release/examples/04_time_server) on 127.0.0.1:0 with its
stdout to a pipe, connects one client, and N times (default 200): sends one timestamp, then
waits for the server's `client time:` line for it. It reports the median, 99th percentile and
maximum delay. The target (book appendix "Performance"): every line within 10 ms — the server
must not hold lines back in a buffer when its input is drained.

Loopback only; every wait is bounded (2 s per line); it stops only the server it started.
"""
import argparse
import os
import selectors
import socket
import statistics
import subprocess
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("server", nargs="?", default="target/release/examples/04_time_server")
parser.add_argument("--samples", type=int, default=200)
parser.add_argument("--gap", type=float, default=0.02, help="seconds between two messages")
args = parser.parse_args()
if not os.path.exists(args.server):
    sys.exit(f"{args.server} is not built: run `cargo build --release --example 04_time_server` first")

server = subprocess.Popen([args.server, "127.0.0.1:0"], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
try:
    selector = selectors.DefaultSelector()
    selector.register(server.stdout, selectors.EVENT_READ)
    pending = b""

    def next_line(timeout=2.0):
        """The next stdout line of the server, or exit if none comes in time."""
        global pending
        deadline = time.monotonic() + timeout
        while b"\n" not in pending:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                sys.exit(f"no line from the server within {timeout} s: a line was held back")
            chunk = os.read(server.stdout.fileno(), 65536)
            if not chunk:
                sys.exit("the server closed its stdout")
            pending += chunk
        line, pending = pending.split(b"\n", 1)
        return line.decode(errors="replace")

    first = next_line()
    host, port = first.removeprefix("listening on ").rsplit(":", 1)
    client = socket.create_connection((host, int(port)), timeout=2)
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    next_line()  # `[PEER] connected`

    delays = []
    for _ in range(args.samples):
        message = time.strftime("%Y-%m-%d %H:%M:%S\n").encode()
        sent = time.perf_counter()
        client.sendall(message)
        while "client time:" not in next_line():
            pass
        delays.append((time.perf_counter() - sent) * 1000)
        time.sleep(args.gap)
    client.close()

    delays.sort()
    p99 = delays[max(0, int(len(delays) * 0.99) - 1)]
    print(f"samples: {len(delays)}, gap {args.gap * 1000:.0f} ms")
    print(f"send → printed line: median {statistics.median(delays):.3f} ms, "
          f"p99 {p99:.3f} ms, max {delays[-1]:.3f} ms (target: every line within 10 ms)")
    sys.exit(0 if delays[-1] < 10 else 1)
finally:
    server.kill()
    server.wait()
