#!/usr/bin/env python3
"""Runs example 03 (the socket2 listener) into the moments book chapter 3 shows beside it, and
writes what `ss`, `ls` and Python printed to ../output/example_03_*.txt. Linux only (`ss`,
/proc, `nc`); run it on a Linux machine with iproute2 and netcat:

    cargo build --example 03_socket2_listener
    python3 listings/example03/capture.py --example target/debug/examples/03_socket2_listener

These are moments, not a program's whole output: the sockets a kernel holds at one instant. The
page shows each command (the book's command check runs it again, on port 0) and includes what it
printed here. The example's own transcript ("Run it") is written by a test instead
(`UPDATE_LISTINGS=1 cargo test --test example_03_listener`), which also checks it on every run.

The example listens on a free loopback port of four digits, shown as 8000 (the width of `ss`'s
columns stays the same); each client port (five digits on Linux), in order of appearance, is shown
as 50001, 50002 … Every wait is bounded; every process started here is stopped here, by its id.
"""
import os, re, signal, socket, subprocess, sys, time

sys.dont_write_bytecode = True  # no __pycache__ left in listings/lesson by the import below
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lesson'))
from capture import Run, free_port, write  # noqa: E402  (the lesson's capture: same helpers)


class Shown:
    """Writes the port P as 8000 and client ports as 50001, 50002 … (in order of appearance)."""

    def __init__(self, port):
        self.port, self.clients = port, {}

    def __call__(self, text):
        text = re.sub(rf'(?<![0-9]){self.port}(?![0-9])', '8000', text)

        def client(match):
            return self.clients.setdefault(match[1], str(50001 + len(self.clients)))
        return re.sub(r'(?<=127\.0\.0\.1:)([0-9]{5})(?![0-9])', client, text)


def ss(*args):
    out = subprocess.run(['ss', *args], capture_output=True, text=True, timeout=10, check=True)
    return [line.rstrip() for line in out.stdout.rstrip('\n').splitlines()]


def until(server, prefix):
    lines = []
    while True:
        line = server.line()
        lines.append(line)
        if line.startswith(prefix):
            return lines


def start(example, port, *args):
    server = Run([example, f'127.0.0.1:{port}', *args], cwd=os.getcwd())
    return server, until(server, '⑤ accept  waiting')


def run_it(example):
    """"Run it": the connection seen by `ss`, and the example's two sockets seen in /proc."""
    port = free_port()
    shown = Shown(port)
    server, _ = start(example, port)
    fds = f'/proc/{server.p.pid}/fd'
    waiting = sorted(n for n in os.listdir(fds) if os.readlink(f'{fds}/{n}').startswith('socket:'))
    client = socket.create_connection(('127.0.0.1', port), timeout=10)
    until(server, '⑤ accept  connection from')
    for line in ('hello, server\n', 'héllo again\n'):
        client.sendall(line.encode())
        until(server, '⑥ talk    received')
    table = ss('-tan', f'( sport = :{port} or dport = :{port} )')
    listing = subprocess.run(f'ls -l {fds} | grep socket', shell=True, capture_output=True,
                             text=True, timeout=10).stdout.rstrip('\n').splitlines()
    client.close()
    until(server, '⑦ close')
    server.p.wait(timeout=10)
    assert waiting == ['3'], f'while waiting, expected one socket (fd 3), got {waiting}'
    assert [l.split()[-3] for l in listing] == ['3', '4'], listing
    write('example_03_ss.txt', [shown(l) for l in table])
    write('example_03_fds.txt', listing)


def backlog(example):
    """--backlog 2 and six clients: one accepted, three queued (backlog + 1), two in SYN-SENT."""
    port = free_port()
    shown = Shown(port)
    server, lines = start(example, port, '--backlog', '2')
    # The page's command as shown; its own process group, so that all of it can be stopped.
    clients = subprocess.Popen(
        ['bash', '-c', f'for i in 1 2 3 4 5 6; do sleep 5 | nc 127.0.0.1 {port} & done'],
        stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        lines += until(server, '⑤ accept  connection from')
        time.sleep(0.5)  # the last SYNs: answered (queued) or ignored (queue full)
        listen = ss('-ltn', f'sport = :{port}')
        syn_sent = ss('-tn', 'state', 'syn-sent', f'dport = :{port}')
        established = ss('-tn', 'state', 'established', f'dport = :{port}')
    finally:
        server.kill()
        clients.wait(timeout=10)  # bash ends at once; its sleeps and nc run on in its group
        try:
            os.killpg(clients.pid, signal.SIGTERM)  # the group this script made: sleeps and nc
        except ProcessLookupError:
            pass  # all of them ended already
    queued = int(listen[1].split()[1])
    assert (queued, len(syn_sent) - 1, len(established) - 1) == (3, 2, 4), (listen, syn_sent, established)
    write('example_03_backlog-server.txt', [shown(l) for l in lines])
    write('example_03_backlog-listen.txt', [shown(l) for l in listen])
    write('example_03_backlog-syn-sent.txt', [shown(l) for l in syn_sent])
    write('example_03_backlog-established.txt', [shown(l) for l in established])


def time_wait(example):
    """The example stopped (Ctrl-C) with a client connected; the client then closes too. The
    port is held by a connection in TIME_WAIT: Python's plain bind fails, the example's binds."""
    port = free_port()
    shown = Shown(port)
    server, _ = start(example, port)
    client = socket.create_connection(('127.0.0.1', port), timeout=10)
    until(server, '⑤ accept  connection from')
    server.kill(signal.SIGINT)  # Ctrl-C: the OS closes the example's sockets, a FIN each
    assert client.recv(100) == b'', 'the client sees the end of the stream'
    client.close()
    time.sleep(0.2)
    table = ss('-tan', f'( sport = :{port} or dport = :{port} )')
    plain = subprocess.run(
        [sys.executable, '-c', 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_STREAM); '
         f"s.bind(('127.0.0.1', {port}))"], capture_output=True, text=True, timeout=10)
    again, restart = start(example, port)
    again.kill()
    assert [l.split()[0] for l in table[1:]] == ['TIME-WAIT'], table
    assert plain.returncode == 1 and 'Address already in use' in plain.stderr, plain.stderr
    assert any(l.startswith(f'④ listen  listening on 127.0.0.1:{port}') for l in restart), restart
    write('example_03_time-wait-ss.txt', [shown(l) for l in table])
    write('example_03_time-wait-python.txt', plain.stderr.rstrip('\n').splitlines())
    write('example_03_restart.txt', [shown(l) for l in restart])


if __name__ == '__main__':
    if not sys.platform.startswith('linux'):
        sys.exit('capture.py shows Linux moments (ss, /proc, nc): run it on Linux')
    example = sys.argv[sys.argv.index('--example') + 1] if '--example' in sys.argv else sys.exit(__doc__)
    run_it(example)
    backlog(example)
    time_wait(example)
