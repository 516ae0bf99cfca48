#!/usr/bin/env python3
"""Runs the lesson's own programs (server.py, client.py: the lesson's reference answers, copied
unchanged) into the failures chapter 4 shows, and writes what they printed to ../output/lesson-*.txt.

    cargo build --examples && cargo build -p net-basics-listings
    python3 listings/lesson/capture.py --examples target/debug/examples \
        --example target/debug/examples/04_time_server --listing-4-3 target/debug/listing_04_03

Each scenario runs copies of the programs in a temporary directory, on a free loopback port of
four digits (the copies differ from the originals in that port only; paths and ports in the output
are then written as /tmp/lesson and 8000). PYTHONUNBUFFERED=1 makes a pipe show each print at once,
as a terminal does. Every wait is bounded; every process started here is killed here.
"""
import os, shutil, signal, socket, subprocess, sys, tempfile, threading, time, queue

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

    def __init__(self, args, cwd):
        self.p = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
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

    def start(self, *args):
        run = Run(list(args), self.dir)
        self.runs.append(run)
        return run

    def python(self, name, code=None):
        if code is not None:
            open(os.path.join(self.dir, name), 'w').write(code.replace('PORT', str(self.port)))
        return self.start(sys.executable, name)

    def clean(self, text):
        return text.replace(self.dir, '/tmp/lesson').replace(str(self.port), '8000')

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
    """Failure 3, measured: after the client left, the server's CPU time (stdout to a file,
    as fast as a terminal that keeps up; a pipe read by this script would slow it down)."""
    s = Scene()
    log = open(os.path.join(s.dir, 'out.txt'), 'w')
    server = subprocess.Popen([sys.executable, 'server.py'], cwd=s.dir, env=ENV, stdout=log)
    time.sleep(0.5)
    client = s.python('client.py')
    time.sleep(1.5)
    client.kill(signal.SIGINT)
    time.sleep(0.5)
    before, t0 = cpu_seconds(server.pid), time.monotonic()
    time.sleep(2)
    cpu = (cpu_seconds(server.pid) - before) / (time.monotonic() - t0)
    server.kill()
    server.wait(timeout=10)
    size = os.path.getsize(os.path.join(s.dir, 'out.txt'))
    write('lesson-spin-cpu.txt', [f'{cpu:.0%} of one core; {size / 1e6:.0f} MB of output in 4.5 s'])
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
    write('lesson-second-client.txt', [s.clean(f"$ ss -tn '( sport = :{s.port} )'")] +
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
          [s.clean(f"$ ss -tan '( sport = :{s.port} )'")] + [s.clean(l) for l in ss.stdout.rstrip().splitlines()])
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
    write(name, [s.clean(l) for l in shown])
    s.end()


def ours(examples):
    """Our server and client, as chapter 4 opens: the client sends 3 timestamps and exits.
    (The client with no server, and the other cases chapter 5 shows: capture_ours.py.)"""
    s = Scene()
    server = s.start(os.path.join(os.path.abspath(examples), '04_time_server'), f'127.0.0.1:{s.port}')
    first = server.line()
    client = s.start(os.path.join(os.path.abspath(examples), '05_time_client'),
                     f'127.0.0.1:{s.port}', '--count', '3')
    client.p.wait(timeout=20)
    time.sleep(0.3)
    shown = [first] + [server.line(timeout=1) for _ in range(server.lines.qsize())]
    said = [client.line(timeout=1) for _ in range(client.lines.qsize())]
    peer = said[0].split(' from ')[1].split(' ')[0].rsplit(':', 1)[1]
    write('ours-server.txt', [s.clean(l).replace(peer, '50001') for l in shown])
    write('ours-client.txt', [s.clean(l).replace(peer, '50001') for l in said])
    s.end()


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

if __name__ == '__main__':
    works_glues_and_spins()
    spin_cpu()
    split_in_two()
    second_client()
    bad_bytes()
    time_wait()
    tracebacks()
    if '--examples' in sys.argv:
        ours(sys.argv[sys.argv.index('--examples') + 1])
    example = sys.argv[sys.argv.index('--example') + 1] if '--example' in sys.argv else None
    if example:
        python_client_on('lesson-client-on-example-04.txt', example)
    listing = sys.argv[sys.argv.index('--listing-4-3') + 1] if '--listing-4-3' in sys.argv else None
    if listing:
        python_client_on('lesson-client-on-listing-04-03.txt', listing)
