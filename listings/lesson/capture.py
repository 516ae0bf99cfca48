#!/usr/bin/env python3
"""Runs the lesson's own programs (server.py, client.py: the lesson's reference answers, copied
unchanged) into the failures chapter 4 shows, and writes what they printed to ../output/lesson-*.txt;
with --examples, also runs examples 04 and 05 as chapters 4 and 5 show them (../output/ours-*.txt,
../output/example-04-*.txt).

    cargo build --features async --examples && cargo build -p net-basics-listings
    python3 listings/lesson/capture.py --examples target/debug/examples \
        --example target/debug/examples/04_time_server --listing-4-3 target/debug/listing_04_03
    python3 listings/lesson/capture.py --examples target/debug/examples --only clocks,busy

--only NAME,NAME runs only those scenarios (the names are listed below, in SCENARIOS); without it,
every scenario whose program was given runs. Each file it writes is overwritten.

Step 7's server on the same clients, alone (`cargo build --features async --examples` first):

    python3 listings/lesson/capture.py --only step-7 --examples target/debug/examples

Each scenario runs copies of the programs in a temporary directory, on a free loopback port of
four digits (the copies differ from the originals in that port only; paths and ports in the output
are then written as /tmp/lesson and 8000, and the clients' ports, in order, as 50001, 50002, ...).
PYTHONUNBUFFERED=1 makes a pipe show each print at once, as a terminal does. Every wait is bounded;
every process started here is killed here. The scenario `names` needs root: it runs the server in
a network namespace of its own (unshare), with one made-up interface, eth0, at 192.0.2.2 (an
address for documentation, RFC 5737), so that no real address of this machine is written down.
"""
import os, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time, queue

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'output')
ENV = dict(os.environ, PYTHONUNBUFFERED='1')


def free_port():
    for port in range(8100, 9999):
        s = socket.socket()
        try:
            s.bind(('127.0.0.1', port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise SystemExit('no free port')


class Run:
    """A program started here; its stdout and stderr read on threads."""

    def __init__(self, args, cwd, env=None):
        self.p = subprocess.Popen(args, cwd=cwd, env=dict(ENV, **(env or {})),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines, self.err = queue.Queue(), []
        self.drop = False
        threading.Thread(target=self._out, daemon=True).start()
        threading.Thread(target=lambda: self.err.extend(self.p.stderr), daemon=True).start()

    def _out(self):
        for line in self.p.stdout:
            if not self.drop:
                self.lines.put(line.rstrip('\n'))

    def line(self, timeout=10):
        return self.lines.get(timeout=timeout)

    def kill(self, sig=signal.SIGKILL):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        self.p.wait(timeout=10)


class Scene:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='lesson-')
        self.port = free_port()
        for name in ('server.py', 'client.py'):
            text = open(os.path.join(HERE, name), encoding='utf-8').read()
            open(os.path.join(self.dir, name), 'w', encoding='utf-8').write(
                text.replace('8000', str(self.port)))
        self.runs = []

    def start(self, *args, env=None):
        run = Run(list(args), self.dir, env)
        self.runs.append(run)
        return run

    def python(self, name, code=None, env=None):
        if code is not None:
            open(os.path.join(self.dir, name), 'w').write(code.replace('PORT', str(self.port)))
        return self.start(sys.executable, name, env=env)

    def clean(self, text):
        return text.replace(self.dir, '/tmp/lesson').replace(str(self.port), '8000')

    def clean_peers(self, lines):
        """clean(), and each client's port (127.0.0.1:NNNNN), in order of appearance, as 50001, ..."""
        peers = {}
        def peer(match):
            return '127.0.0.1:' + peers.setdefault(match.group(1), str(50001 + len(peers)))
        return [re.sub(r'127\.0\.0\.1:(\d{5})', peer, self.clean(l)) for l in lines]

    def end(self):
        for run in self.runs:
            run.kill()
        shutil.rmtree(self.dir)


def write(name, lines):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines).rstrip('\n') + '\n')
    print(f'wrote output/{name}')


def cpu_seconds(pid):
    fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def until_listening(server):
    assert server.line() == '等待接收来自于客户端连接请求...'


def works_glues_and_spins():
    """Failures 1 and 3: the lesson's client, the server paused 3 s, then the client stopped."""
    s = Scene()
    server = s.python('server.py')
    until_listening(server)
    client = s.python('client.py')
    shown = ['$ python3 server.py', '等待接收来自于客户端连接请求...', server.line()]
    shown += [server.line(), server.line()]
    server.p.send_signal(signal.SIGSTOP)
    time.sleep(3.2)
    server.p.send_signal(signal.SIGCONT)
    shown += [server.line(), server.line()]
    write('lesson-glued.txt', [s.clean(l) for l in shown])
    client.kill(signal.SIGINT)  # Ctrl-C
    spin = [server.line() for _ in range(4)]
    write('lesson-spin.txt', [s.clean(l) for l in spin])
    write('lesson-client.txt', ['$ python3 client.py'] + [client.line() for _ in range(1)])
    s.end()


def spin_cpu():
    """Failure 3, measured: after the client left, the server's CPU time over 2 s, and its output
    from the client's leaving to the server's end (stdout to a file, as fast as a terminal that
    keeps up; a pipe read by this script would slow it down). The load average says how much of
    the machine the server could get."""
    s = Scene()
    log = open(os.path.join(s.dir, 'out.txt'), 'w')
    server = subprocess.Popen([sys.executable, 'server.py'], cwd=s.dir, env=ENV, stdout=log)
    time.sleep(0.5)
    client = s.python('client.py')
    time.sleep(1.5)
    client.kill(signal.SIGINT)
    left, before_size = time.monotonic(), os.path.getsize(os.path.join(s.dir, 'out.txt'))
    time.sleep(0.5)
    before, t0 = cpu_seconds(server.pid), time.monotonic()
    time.sleep(2)
    cpu = (cpu_seconds(server.pid) - before) / (time.monotonic() - t0)
    server.kill()
    server.wait(timeout=10)
    spun = time.monotonic() - left
    size = os.path.getsize(os.path.join(s.dir, 'out.txt')) - before_size
    load, cores = os.getloadavg()[0], os.cpu_count()
    write('lesson-spin-cpu.txt', [f'{cpu:.0%} of one core over 2 s; {size / 1e6:.0f} MB of output in the '
                                  f'{spun:.1f} s after the client left (load average {load:.0f} on '
                                  f'{cores} cores)'])
    s.end()


def split_in_two():
    """Failure 2: one timestamp sent in two pieces, 0.1 s apart."""
    s = Scene()
    server = s.python('server.py')
    until_listening(server)
    s.python('split.py', SPLIT)
    shown = [server.line(), server.line(), server.line()]
    write('lesson-split.txt', ['$ python3 server.py', '等待接收来自于客户端连接请求...'] +
          [s.clean(l) for l in shown])
    s.end()


def second_client():
    """Failure 4: a second client connects, sends, and is never read."""
    s = Scene()
    server = s.python('server.py')
    until_listening(server)
    s.python('client.py')
    server.line()
    s.python('client.py')
    time.sleep(3.5)
    ss = subprocess.run(['ss', '-tn', f'( sport = :{s.port} )'], capture_output=True, text=True)
    shown = [server.line() for _ in range(server.lines.qsize())]
    write('lesson-second-client.txt', [s.clean(f"$ ss -tn '( sport = :{s.port} )'   # Linux")] +
          [s.clean(l.rstrip()) for l in ss.stdout.rstrip().splitlines()])
    s.end()


def bad_bytes():
    """Failure 5: a byte that is not UTF-8; then valid UTF-8 cut between two reads."""
    out = []
    for name, code in (('ff.py', FF), ('cafe.py', CAFE)):
        s = Scene()
        server = s.python('server.py')
        until_listening(server)
        s.python(name, code)
        server.line()
        server.p.wait(timeout=10)
        time.sleep(0.2)
        out += [f'$ python3 server.py   # and then: python3 {name}'] + [s.clean(l.rstrip('\n')) for l in server.err] + ['']
        s.end()
    write('lesson-bad-bytes.txt', out)


def time_wait():
    """Failure 6: the server killed with a client connected, the client stopped, a restart."""
    s = Scene()
    server = s.python('server.py')
    until_listening(server)
    client = s.python('client.py')
    server.line()
    server.line()
    server.kill()
    client.kill(signal.SIGINT)
    again = s.python('server.py')
    again.p.wait(timeout=10)
    time.sleep(0.2)
    ss = subprocess.run(['ss', '-tan', f'( sport = :{s.port} )'], capture_output=True, text=True)
    write('lesson-time-wait.txt', ['$ python3 server.py'] + [s.clean(l.rstrip('\n')) for l in again.err] +
          [s.clean(f"$ ss -tan '( sport = :{s.port} )'   # Linux")] + [s.clean(l) for l in ss.stdout.rstrip().splitlines()])
    s.end()


def tracebacks():
    """Failure 7: the client with no server; the server stopped while the client runs."""
    s = Scene()
    client = s.python('client.py')
    client.p.wait(timeout=10)
    time.sleep(0.2)
    first = ['$ python3 client.py'] + [s.clean(l.rstrip('\n')) for l in client.err]
    server = s.python('server.py')
    until_listening(server)
    client = s.python('client.py')
    server.line()
    server.line()
    server.kill()
    client.p.wait(timeout=10)
    time.sleep(0.2)
    second = ['$ python3 client.py   # the server is stopped while it runs', client.line()] + \
        [s.clean(l.rstrip('\n')) for l in client.err]
    write('lesson-tracebacks.txt', first + [''] + second)
    s.end()


def python_client_on(name, program):
    """The lesson's client pointed at one of our servers for 3 s, then stopped with Ctrl-C."""
    s = Scene()
    server = s.start(os.path.abspath(program), f'127.0.0.1:{s.port}')
    first = server.line()
    client = s.python('client.py')
    time.sleep(3.3)
    client.kill(signal.SIGINT)
    time.sleep(0.5)
    shown = [first] + [server.line(timeout=1) for _ in range(server.lines.qsize())]
    write(name, s.clean_peers(shown))
    s.end()


def ours(examples, server_name='04_time_server', names=('ours-server.txt', 'ours-client.txt')):
    """Our server and client, as chapter 4 opens: the client sends 3 timestamps and exits.
    (The client with no server, and the other cases chapter 5 shows: capture_ours.py.)"""
    s = Scene()
    server = s.start(os.path.join(os.path.abspath(examples), server_name), f'127.0.0.1:{s.port}')
    first = server.line()
    client = s.start(os.path.join(os.path.abspath(examples), '05_time_client'),
                     f'127.0.0.1:{s.port}', '--count', '3')
    client.p.wait(timeout=20)
    time.sleep(0.3)
    shown = [first] + [server.line(timeout=1) for _ in range(server.lines.qsize())]
    said = [client.line(timeout=1) for _ in range(client.lines.qsize())]
    peer = said[0].split(' from ')[1].split(' ')[0].rsplit(':', 1)[1]
    write(names[0], [s.clean(l).replace(peer, '50001') for l in shown])
    write(names[1], [s.clean(l).replace(peer, '50001') for l in said])
    s.end()


def example(examples, name):
    return os.path.join(os.path.abspath(examples), name)


def clocks(examples):
    """Example 04 beside each client's clock (chapter 4): a server in Shanghai; our client in the
    same zone, a client whose clock is 3 s fast, the lesson's client.py in New York, then a NUL."""
    s = Scene()
    shanghai, new_york = {'TZ': 'Asia/Shanghai'}, {'TZ': 'America/New_York'}
    server = s.start(example(examples, '04_time_server'), f'127.0.0.1:{s.port}', env=shanghai)
    first = server.line()
    ours = s.start(example(examples, '05_time_client'), f'127.0.0.1:{s.port}', '--count', '2',
                   env=shanghai)
    ours.p.wait(timeout=20)
    s.python('fast.py', FAST, env=shanghai).p.wait(timeout=20)
    lesson = s.python('client.py', env=new_york)
    time.sleep(1.5)
    lesson.kill(signal.SIGINT)  # Ctrl-C, after two timestamps
    s.python('nul.py', NUL).p.wait(timeout=20)
    time.sleep(0.5)
    shown = [first] + [server.line(timeout=1) for _ in range(server.lines.qsize())]
    write('example-04-clocks.txt', s.clean_peers(shown))
    s.end()


def busy(examples):
    """Example 04 with --max-clients 1: one client connected (silent), a second one refused."""
    s = Scene()
    server = s.start(example(examples, '04_time_server'), f'127.0.0.1:{s.port}', '--max-clients', '1')
    first = [server.line()]
    s.python('silent.py', SILENT)
    first.append(server.line())  # [...] connected
    second = s.start(example(examples, '05_time_client'), f'127.0.0.1:{s.port}')
    second.p.wait(timeout=20)
    time.sleep(0.3)
    shown = first + [server.line(timeout=1) for _ in range(server.lines.qsize())]
    said = [second.line(timeout=1) for _ in range(second.lines.qsize())] + \
        [l.rstrip('\n') for l in second.err]
    cleaned = s.clean_peers(shown + said)
    write('example-04-busy.txt', ['$ cargo run -q --example 04_time_server -- --max-clients 1'] +
          cleaned[:len(shown)])
    write('example-04-busy-client.txt', ['$ cargo run -q --example 05_time_client   # a second client'] +
          cleaned[len(shown):] + [f'(exit status {second.p.returncode})'])
    s.end()


def names(examples):
    """Example 04 on a name and on the wildcard address, in a network namespace of its own with
    loopback and one made-up interface (eth0, 192.0.2.2/24): needs root."""
    if os.geteuid() != 0 or not shutil.which('unshare'):
        print('skipped names: it needs root and unshare (a network namespace of its own)')
        return
    server = example(examples, '04_time_server')
    script = ('ip link set lo up && ip link add eth0 type veth peer name peer0 && '
              'ip addr add 192.0.2.2/24 dev eth0 && ip link set eth0 up && ip link set peer0 up && '
              f'echo "$ cargo run -q --example 04_time_server -- localhost:8000" && '
              f'timeout -s INT 1 {server} localhost:8000; echo && '
              f'echo "$ cargo run -q --example 04_time_server -- 0.0.0.0:8000" && '
              f'timeout -s INT 1 {server} 0.0.0.0:8000; true')
    ran = subprocess.run(['unshare', '--net', 'sh', '-c', script], capture_output=True, text=True,
                         timeout=20)
    if ran.stderr.strip():
        raise SystemExit(f'names: {ran.stderr.strip()}')
    write('example-04-names.txt', ran.stdout.splitlines())


SPLIT = """import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', PORT))
s.send(b'2026-11-25 09:')   # the first part of one timestamp ...
time.sleep(0.1)
s.send(b'50:00')            # ... and the rest, a moment later
time.sleep(1)
"""
FF = """import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', PORT))
s.send(b'\\xff')
time.sleep(1)
"""
CAFE = """import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', PORT))
s.send('caf'.encode() + 'é'.encode()[:1])   # 'é' is two bytes in UTF-8: the first ...
time.sleep(0.1)
s.send('é'.encode()[1:])                     # ... and the second, a moment later
time.sleep(1)
"""
FAST = """import socket, time
from datetime import datetime, timedelta
# The lesson's client on a laptop whose clock is 3 s fast (two timestamps, each ended by a newline).
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect(('127.0.0.1', PORT))
time.sleep(1.2 - time.time() % 1)   # start just after a second begins: no boundary crossed in transit
for _ in range(2):
    now_time = datetime.now() + timedelta(seconds=3)
    client.send((now_time.strftime("%Y-%m-%d %H:%M:%S") + "\\n").encode())
    time.sleep(1)
client.close()
"""
NUL = """import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', PORT))
s.send(b'\\x00123\\n')   # a NUL, then the digits 123
time.sleep(0.2)
s.close()
"""
SILENT = """import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', PORT))
time.sleep(10)
"""

# name: (what it runs, the option that gives its program, or None for the lesson's programs alone)
SCENARIOS = {
    'glued-and-spin': (works_glues_and_spins, None),
    'spin-cpu': (spin_cpu, None),
    'split': (split_in_two, None),
    'second-client': (second_client, None),
    'bad-bytes': (bad_bytes, None),
    'time-wait': (time_wait, None),
    'tracebacks': (tracebacks, None),
    'ours': (lambda: ours(arg('--examples')), '--examples'),
    'clocks': (lambda: clocks(arg('--examples')), '--examples'),
    'busy': (lambda: busy(arg('--examples')), '--examples'),
    'names': (lambda: names(arg('--examples')), '--examples'),
    'on-example-04': (lambda: python_client_on('lesson-client-on-example-04.txt', arg('--example')),
                      '--example'),
    'on-listing-4-3': (lambda: python_client_on('lesson-client-on-listing-04-03.txt',
                                                arg('--listing-4-3')), '--listing-4-3'),
    # Needs 07_async_time_server built too: cargo build --features async --examples.
    'step-7': (lambda: step_7(arg('--examples')), '--examples'),
}


def arg(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


def step_7(examples):
    """Step 7's async server (chapter 7) with the same two clients as example 04."""
    ours(examples, '07_async_time_server', ('step7-server.txt', 'step7-client.txt'))
    python_client_on('lesson-client-on-example-07.txt',
                     os.path.join(examples, '07_async_time_server'))


if __name__ == '__main__':
    if '-h' in sys.argv or '--help' in sys.argv:
        print(__doc__.strip())
        print('\nscenarios: ' + ', '.join(SCENARIOS))
        raise SystemExit(0)
    only = arg('--only').split(',') if arg('--only') else list(SCENARIOS)
    unknown = [name for name in only if name not in SCENARIOS]
    if unknown:
        raise SystemExit(f'unknown scenario {unknown[0]!r}; the scenarios: {", ".join(SCENARIOS)}')
    for name in only:
        run, needs = SCENARIOS[name]
        if needs is None or arg(needs):
            run()
        elif arg('--only'):
            raise SystemExit(f'{name} needs {needs} (see --help)')

