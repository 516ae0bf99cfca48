#!/usr/bin/env python3
"""Runs examples 01, 02, 04 and 05 into what book chapters 1 and 2 show, and writes it to
../output/example_01*.txt, example_02*.txt and example_04*.txt.

    cargo build --example 01_ip_lookup --example 02_port_ranges \\
        --example 04_time_server --example 05_time_client
    python3 listings/examples/capture_ch1_ch2.py [--examples target/debug/examples]   # as root

What these programs print depends on the machine: its interfaces and their addresses, its hosts
file, its ephemeral port range. The files in the book were written on a Linux machine whose eth0
has 192.0.2.2/24, fd00::2/64 and fe80::fc:ff:fe00:1/64 (documentation and private addresses).
Some runs need another machine than this one, and get it from a namespace of their own (root;
util-linux `unshare`, `setpriv`):
  - a machine with no network (and no other program listening on 80 or 8000): a new network
    namespace, with only loopback (brought up);
  - a hosts file that lists `::1 localhost` too: a mount namespace with such a file bind-mounted
    over /etc/hosts (only for that program: the machine's own file is untouched);
  - a user who is not root: `setpriv --reuid=65534` (nobody).
Servers listen on port 0; the port they got is written as 8000, the port the book shows. Where a
file leaves lines out it says so with a line `…`, as the book's transcripts do. Every wait is
bounded; every process started here is stopped here.
"""
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'output')
HOSTS_BOTH = '127.0.0.1\tlocalhost\n::1\tlocalhost\n'


def write(name, lines):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines).rstrip('\n') + '\n')
    print(f'wrote output/{name}')


def run(args, expect_code=0):
    """Runs a program to its end (at most 20 s): its stdout and stderr lines."""
    done = subprocess.run(args, capture_output=True, text=True, timeout=20)
    if done.returncode != expect_code:
        sys.exit(f'{args}: exit {done.returncode}, expected {expect_code}\n{done.stderr}')
    return done.stdout.splitlines(), done.stderr.splitlines()


class Server:
    """A server started here; its stdout read on a thread, line by line."""

    def __init__(self, args):
        self.p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(l.rstrip('\n')) for l in self.p.stdout],
                         daemon=True).start()
        try:
            first = self.lines.get(timeout=10)
        except queue.Empty:
            first = None
        if first is None or not first.startswith('listening on '):
            self.stop()
            sys.exit(f'{args}: expected "listening on …", got {first!r}')
        self.said = [first]
        self.port = first.rsplit(':', 1)[1]

    def more(self, quiet=0.5):
        """The lines it prints until it is quiet for `quiet` seconds (at most 10 s in all)."""
        give_up = time.monotonic() + 10
        while time.monotonic() < give_up:
            try:
                self.said.append(self.lines.get(timeout=quiet))
            except queue.Empty:
                break
        return self.said

    def stop(self):
        self.p.kill()
        self.p.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


def offline(args):
    """`args` run on a machine with no network: a network namespace with only loopback, up."""
    return ['unshare', '--net', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh'] + args


def with_hosts(path, args):
    """`args` run with the hosts file `path` in place of /etc/hosts (a mount namespace)."""
    return ['unshare', '--mount', 'sh', '-c', f'mount --bind {path} /etc/hosts && exec "$@"',
            'sh'] + args


def as_nobody(args):
    return ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] + args


def chapter_1(examples):
    lookup = os.path.join(examples, '01_ip_lookup')
    out, _ = run([lookup])
    write('example_01.txt', out)
    out, _ = run([lookup, '127.0.0.1'])
    write('example_01-loopback.txt', ['…', out[-1]])
    out, _ = run(offline([lookup]))
    write('example_01-offline.txt', out)

    server = os.path.join(examples, '04_time_server')
    client = os.path.join(examples, '05_time_client')
    with Server([server, 'localhost:0']) as s:
        write('example_04-localhost.txt', [l.replace(s.port, '8000') for l in s.more()])
    for address, name in (('0.0.0.0:0', 'example_04-wildcard.txt'),
                          ('[::]:0', 'example_04-wildcard-v6.txt')):
        with Server([server, address]) as s:
            write(name, [l.replace(s.port, '8000') for l in s.more()])

    # A hosts file that lists ::1 localhost too: the server binds the first address only, and
    # a client tries each address in turn.
    with tempfile.NamedTemporaryFile('w', suffix='-hosts', delete=False) as hosts:
        hosts.write(HOSTS_BOTH)
    os.chmod(hosts.name, 0o644)
    try:
        with Server(with_hosts(hosts.name, [server, 'localhost:0'])) as s:
            said = [l.replace(s.port, '8000') for l in s.more()]
        with Server([server, '127.0.0.1:0']) as s:
            s.more()
            out, _ = run(with_hosts(hosts.name, [client, f'localhost:{s.port}', '--count', '1']))
        client_port = out[-2].rsplit(':', 1)[1]  # "connected to 127.0.0.1:P from 127.0.0.1:C"
        out = [l.replace(client_port, '50001').replace(s.port, '8000') for l in out]
    finally:
        os.unlink(hosts.name)
    write('example_04-localhost-both.txt',
          ['$ cargo run --example 04_time_server -- localhost:8000'] + said +
          ['', '$ cargo run --example 05_time_client -- localhost:8000 --count 1   '
               '# with the server on 127.0.0.1:8000'] + out)


def chapter_2(examples):
    ports = os.path.join(examples, '02_port_ranges')
    out, _ = run([ports, '80', '8000', '65535'])
    write('example_02.txt', out)
    # Offline: on a machine of its own, no other program holds 80 or 8000.
    out, _ = run(offline(as_nobody([ports, '--check-free', '80'])))
    write('example_02-privileged.txt', ['…', out[-1]])
    out, _ = run(offline([ports, '--check-free', '8000', '0']))
    write('example_02-check-free.txt', ['…'] + out[-2:])
    for arg, name in (('70000', 'too-large'), ('-1', 'negative'), ('http', 'word'),
                      (' ', 'empty')):
        out, err = run([ports, arg], expect_code=2)
        write(f'example_02-error-{name}.txt', out + err)


if __name__ == '__main__':
    examples = sys.argv[sys.argv.index('--examples') + 1] if '--examples' in sys.argv \
        else os.path.join(HERE, '..', '..', 'target', 'debug', 'examples')
    chapter_1(examples)
    chapter_2(examples)
