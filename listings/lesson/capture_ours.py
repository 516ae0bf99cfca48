#!/usr/bin/env python3
"""What our programs print in the cases the book shows beside chapter 5, the introduction and the
teacher's guide, written to ../output/ours-client-*.txt, grading-*.txt and classroom-*.txt.

    cargo build --example 04_time_server --example 05_time_client
    python3 listings/lesson/capture_ours.py [client] [grading] [classroom]   # default: all three

client     example 05 against the servers a student meets: none, a busy one, one stopped with
           Ctrl-C, the lesson's (which never closes, and never reads a second client), one that
           speaks first (`nc -l`), `--count 0`, and `localhost` when it stands for ::1 and
           127.0.0.1 (a hosts file as Debian writes it, bind-mounted over /etc/hosts).
grading    plain `cargo test` on the stubs and with exercise 2 done, `cargo test --test
           ex02_port_ranges` on the stub and on a wrong answer (tools/wrong-answers), and
           `cargo run -- hint 2` — in a copy of the crate (target/capture-grading/).
classroom  the teacher's demo: the server on 0.0.0.0:8000 in a test network (a bridge with
           192.168.1.23, two students' machines on veth links, .31 and .57), a name sent with the
           guide's Python line, and two students' clients, one on Shanghai time, one on Berlin's.

`client` and `classroom` run each case in a network namespace of its own (`unshare --net
--mount`: root, as CI has): nothing else listens there, so the programs run on their default
address, 127.0.0.1:8000, exactly as shown, and no port is rewritten; only the client's own port
differs from run to run. `grading` runs with RUST_BACKTRACE=0, a student's default. Every wait is
bounded; every process started here is killed here.
"""
import os, shutil, signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
OUT = os.path.join(HERE, '..', 'output')
EXAMPLES = os.path.join(ROOT, 'target', 'debug', 'examples')
sys.path.insert(0, HERE)
from capture import Run, write  # noqa: E402  (the lesson's capture script: same helpers)

CARGO = 'cargo run -q --example'
ENV = dict(os.environ, PYTHONUNBUFFERED='1', RUST_BACKTRACE='0', LANG='C.UTF-8')


def example(name):
    return os.path.join(EXAMPLES, name)


def start(args, env=None, merged=True, cwd=ROOT):
    """A program started here; with `merged`, stderr goes where stdout goes, as in a terminal."""
    run = Run.__new__(Run)
    run.p = subprocess.Popen(args, cwd=cwd, env=env or ENV, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT if merged else subprocess.PIPE, text=True)
    import queue, threading
    run.lines, run.err, run.drop = queue.Queue(), [], False
    threading.Thread(target=run._out, daemon=True).start()
    if not merged:
        threading.Thread(target=lambda: run.err.extend(run.p.stderr), daemon=True).start()
    return run


def until(run, text, timeout=10):
    """Lines of `run` up to and with the first that contains `text` (bounded)."""
    seen, give_up = [], time.monotonic() + timeout
    while True:
        line = run.line(timeout=max(0.1, give_up - time.monotonic()))
        seen.append(line)
        if text in line:
            return seen


def finish(run, timeout=20):
    """Waits (bounded) for `run` to exit; returns every line it printed and its exit code."""
    run.p.wait(timeout=timeout)
    time.sleep(0.2)
    lines = []
    while not run.lines.empty():
        lines.append(run.lines.get())
    return lines, run.p.returncode


def lesson_copy():
    """The lesson's programs, unchanged (port 8000: this namespace is ours alone)."""
    folder = tempfile.mkdtemp(prefix='lesson-')
    for name in ('server.py', 'client.py'):
        shutil.copy(os.path.join(HERE, name), folder)
    return folder


# ─── client: example 05 against the servers a student meets ───────────────────────────────────

def refused():
    client = start([example('05_time_client')])
    lines, code = finish(client)
    write('ours-client-refused.txt',
          [f'$ {CARGO} 05_time_client   # no server running'] + lines + ['$ echo $?', str(code)])


def busy():
    server = start([example('04_time_server'), '--max-clients', '1'])
    until(server, 'listening on')
    first = start([example('05_time_client')])
    until(first, 'sent ')
    third = start([example('05_time_client'), '--count', '3'])
    lines, code = finish(third)
    for run in (first, server):
        run.kill()
    write('ours-client-busy.txt',
          [f'$ {CARGO} 04_time_server -- --max-clients 1   # terminal 1: one client at most',
           f'$ {CARGO} 05_time_client                      # terminal 2: that client',
           f'$ {CARGO} 05_time_client -- --count 3         # terminal 3'] + lines +
          ['$ echo $?', str(code)])


def went_away():
    server = start([example('04_time_server')])
    until(server, 'listening on')
    client = start([example('05_time_client')])
    shown = until(client, 'sent ') + until(client, 'sent ')
    server.kill(signal.SIGINT)  # Ctrl-C in the server's terminal
    lines, code = finish(client)
    write('ours-client-went-away.txt',
          [f'$ {CARGO} 05_time_client   # terminal 2; then Ctrl-C stops the server in terminal 1']
          + shown + lines + ['$ echo $?', str(code)])


def lesson_server():
    folder = lesson_copy()
    server = start([sys.executable, 'server.py'], cwd=folder)
    until(server, '等待')
    client = start([example('05_time_client'), '--count', '3'])
    lines, code = finish(client, timeout=20)
    server.kill()
    shutil.rmtree(folder)
    write('ours-client-lesson-server.txt',
          ['$ python3 server.py                                    # terminal 1: the lesson\'s server',
           f'$ {CARGO} 05_time_client -- --count 3   # terminal 2'] + lines +
          ['$ echo $?', str(code)])


def never_reads():
    folder = lesson_copy()
    server = start([sys.executable, 'server.py'], cwd=folder)
    until(server, '等待')
    first = start([sys.executable, 'client.py'], cwd=folder)
    until(server, '接收到来自于')  # the lesson's server took its one client
    client = start([example('05_time_client'), '--count', '100000', '--interval', '0'])
    lines, code = finish(client, timeout=60)
    for run in (first, server):
        run.kill()
    shutil.rmtree(folder)
    sent = [line for line in lines if line.startswith('sent ')]
    assert len(sent) == 100000, f'{len(sent)} sent lines'
    rest = [line for line in lines if not line.startswith('sent ')]
    write('ours-client-never-reads.txt',
          ['$ python3 server.py                               # terminal 1: the lesson\'s server',
           '$ python3 client.py                               # terminal 2: the one client it serves',
           f'$ {CARGO} 05_time_client -- --count 100000 --interval 0   # terminal 3',
           rest[0], sent[0], '…', sent[-1]] + rest[1:] + ['$ echo $?', str(code)])


def speaks():
    # `nc -l` as a server: it sends what it reads on its stdin, and keeps the connection open.
    nc = subprocess.Popen(['nc', '-l', '127.0.0.1', '8000'], stdin=subprocess.PIPE,
                          stdout=subprocess.DEVNULL, text=True)
    time.sleep(0.5)
    nc.stdin.write('hello, who are you?\n')
    nc.stdin.flush()
    client = start([example('05_time_client'), '--count', '3'])
    lines, code = finish(client)
    nc.kill()
    nc.wait(timeout=10)
    write('ours-client-speaks.txt',
          ["$ nc -l 127.0.0.1 8000                                 # terminal 1; then typed into it: hello, who are you?",
           f'$ {CARGO} 05_time_client -- --count 3   # terminal 2'] + lines +
          ['$ echo $?', str(code)])


def count_0():
    client = start([example('05_time_client'), '--count', '0'])
    lines, code = finish(client)
    write('ours-client-count-0.txt',
          [f'$ {CARGO} 05_time_client -- --count 0'] + lines + ['$ echo $?', str(code)])


HOSTS = '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n'


def names_in_order():
    hosts = tempfile.NamedTemporaryFile('w', suffix='-hosts', delete=False)
    hosts.write(HOSTS)
    hosts.close()
    subprocess.run(['mount', '--bind', hosts.name, '/etc/hosts'], check=True)
    server = start([example('04_time_server')])
    until(server, 'listening on')
    client = start([example('05_time_client'), 'localhost:8000', '--count', '2'])
    lines, code = finish(client)
    server.kill()
    subprocess.run(['umount', '/etc/hosts'], check=True)
    os.unlink(hosts.name)
    write('ours-client-localhost.txt',
          ['$ cat /etc/hosts   # as Debian writes it (the first line for IPv4, the second for IPv6)']
          + HOSTS.rstrip('\n').split('\n') +
          [f'$ {CARGO} 04_time_server                              # terminal 1',
           f'$ {CARGO} 05_time_client -- localhost:8000 --count 2   # terminal 2'] + lines)


CLIENT_CASES = [refused, busy, went_away, lesson_server, never_reads, speaks, count_0, names_in_order]


# ─── classroom: the teacher's demo in a test network ──────────────────────────────────────────

def sh(*args):
    subprocess.run(list(args), check=True)


def classroom():
    sh('ip', 'link', 'add', 'br0', 'type', 'bridge')
    sh('ip', 'addr', 'add', '192.168.1.23/24', 'dev', 'br0')
    sh('ip', 'link', 'set', 'br0', 'up')
    students = {}
    for host in (31, 57):  # each student's machine: a namespace of its own, on a veth link
        holder = subprocess.Popen(['unshare', '--net', 'sleep', '60'])
        time.sleep(0.3)
        sh('ip', 'link', 'add', f'vs{host}', 'type', 'veth', 'peer', 'name', 'eth0', 'netns',
           str(holder.pid))
        sh('ip', 'link', 'set', f'vs{host}', 'master', 'br0', 'up')
        inside = ['nsenter', '-t', str(holder.pid), '-n']
        sh(*inside, 'ip', 'addr', 'add', f'192.168.1.{host}/24', 'dev', 'eth0')
        sh(*inside, 'ip', 'link', 'set', 'eth0', 'up')
        sh(*inside, 'ip', 'link', 'set', 'lo', 'up')
        students[host] = (holder, inside)
    shanghai = dict(ENV, TZ='Asia/Shanghai')
    berlin = dict(ENV, TZ='Europe/Berlin')
    server = start([example('04_time_server'), '0.0.0.0:8000'], env=shanghai)
    shown = until(server, '(lo: ')
    alice = ("import socket; s = socket.create_connection(('192.168.1.23', 8000)); "
             "s.sendall('Alice\\n'.encode())")
    subprocess.run(students[31][1] + [sys.executable, '-c', alice], check=True, timeout=10)
    shown += until(server, 'disconnected')
    for host, env in ((31, shanghai), (57, berlin)):
        client = start(students[host][1] + [example('05_time_client'), '192.168.1.23:8000',
                                            '--count', '2'], env=env)
        finish(client)
        shown += until(server, 'disconnected')
    server.kill()
    for holder, _ in students.values():
        holder.kill()
        holder.wait(timeout=10)
    write('classroom-server.txt',
          [f'$ {CARGO} 04_time_server -- 0.0.0.0:8000'] + shown)


# ─── grading: plain cargo test, one exercise, a hint ──────────────────────────────────────────

def grading():
    # One fixed path for the copy: a test built in an earlier copy elsewhere would look fresh to
    # cargo (same files, same times) and still read its files from that copy's path.
    work = os.path.join(ROOT, 'target', 'capture-grading')
    copy = os.path.join(work, 'crate')
    shutil.rmtree(copy, ignore_errors=True)
    os.makedirs(copy)
    tar = subprocess.Popen(['tar', '-C', ROOT, '--exclude=./target', '--exclude=./.git',
                            '--exclude=./book/book', '--exclude=node_modules', '-cf', '-', '.'],
                           stdout=subprocess.PIPE)
    subprocess.run(['tar', '-C', copy, '-xf', '-'], stdin=tar.stdout, check=True)
    tar.wait(timeout=60)
    # tar keeps the files' old times; a test built from another version of exercises/ in an
    # earlier run would then look fresh to cargo. New times: cargo rebuilds what it must.
    for folder in ('exercises', 'solutions', 'src', 'tests'):
        for name in os.listdir(os.path.join(copy, folder)):
            os.utime(os.path.join(copy, folder, name))
    # The copy's target/ is a link to one kept under ours (so cargo prints `target/debug/…` as
    # it does for a student, and builds only once).
    kept = os.path.join(work, 'target')
    os.makedirs(kept, exist_ok=True)
    os.symlink(kept, os.path.join(copy, 'target'))
    env = {key: value for key, value in ENV.items() if key != 'CARGO_TARGET_DIR'}
    env['CARGO_TERM_COLOR'] = 'never'

    def cargo(*args):
        """cargo's stdout and stderr in one pipe, in the order a terminal shows them."""
        done = subprocess.run(['cargo', *args], cwd=copy, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=900)
        return done.stdout.splitlines(), done.returncode

    def graded(lines, target='tests/exercises.rs'):
        """What the test target printed: from cargo's `Running tests/….rs` line on (the build's
        lines before it name the copy's folder)."""
        at = [i for i, line in enumerate(lines) if f'Running {target}' in line]
        if not at:
            sys.exit('no `Running ' + target + '` line; cargo printed:\n' + '\n'.join(lines[-40:]))
        shown = lines[at[0]:]
        if 'Caused by:' in shown:  # cargo's last words name the copy's folder: left out
            shown = shown[:shown.index('Caused by:')] + ['…']
        return shown

    def one_failure(lines, test):
        """libtest's output cut to the test's own report: `running N tests`, the report of
        `test` (its `---- … stdout ----` block), and the result line; `…` for what is left out."""
        start = next(i for i, line in enumerate(lines) if line.startswith('running '))
        if f'---- {test} stdout ----' not in lines:
            sys.exit(f'no report of {test}; cargo printed:\n' + '\n'.join(lines[-40:]))
        block = lines.index(f'---- {test} stdout ----')
        end = next(i for i in range(block + 1, len(lines))
                   if lines[i].startswith('---- ') or lines[i] == 'failures:')
        while not lines[end - 1].strip():
            end -= 1
        result = next(line for line in lines if line.startswith('test result:'))
        return [lines[start], '…', *lines[block:end], '…', result]

    lines, code = cargo('test')
    write('grading-stubs.txt', ['$ cargo test', '…'] + graded(lines) + ['$ echo $?', str(code)])
    lines, _ = cargo('test', '--test', 'ex02_port_ranges')
    write('grading-ex02-stub.txt', ['$ cargo test --test ex02_port_ranges'] +
          one_failure(lines, 'classify_port_splits_at_1024'))
    # The hints seen are kept under the target dir: start from none, as a student does.
    seen = os.path.join(kept, 'net-basics-progress', 'hints-ex02_port_ranges.txt')
    if os.path.exists(seen):
        os.unlink(seen)
    first, _ = cargo('run', '-q', '--', 'hint', '2')
    second, _ = cargo('run', '-q', '--', 'hint', '2')
    write('grading-hint-2.txt', ['$ cargo run -- hint 2'] + first + ['$ cargo run -- hint 2'] + second)
    stub = os.path.join(copy, 'exercises', 'ex02_port_ranges.rs')
    shutil.copy(os.path.join(ROOT, 'tools', 'wrong-answers', 'ex02', 'well_known_up_to_1024.rs'), stub)
    lines, _ = cargo('test', '--test', 'ex02_port_ranges')
    write('grading-ex02-wrong.txt',
          ['$ cargo test --test ex02_port_ranges   # with `0..=1024` as the well-known range',
           ] + one_failure(lines, 'classify_port_splits_at_1024'))
    shutil.copy(os.path.join(ROOT, 'solutions', 'ex02_port_ranges.rs'), stub)
    lines, code = cargo('test')
    write('grading-ex02-done.txt',
          ['$ cargo test   # exercise 2 done', '…'] + graded(lines) + ['$ echo $?', str(code)])
    shutil.rmtree(copy)


def in_namespace(name):
    """Runs case `name` of this script in a network namespace of its own, with loopback up."""
    subprocess.run(['unshare', '--net', '--mount', sys.executable, os.path.abspath(__file__),
                    '--inside', name], check=True, timeout=300)


if __name__ == '__main__':
    if '--inside' in sys.argv:
        name = sys.argv[sys.argv.index('--inside') + 1]
        sh('ip', 'link', 'set', 'lo', 'up')
        {case.__name__: case for case in CLIENT_CASES + [classroom]}[name]()
        sys.exit(0)
    wanted = [arg for arg in sys.argv[1:]] or ['client', 'grading', 'classroom']
    if 'client' in wanted:
        for case in CLIENT_CASES:
            in_namespace(case.__name__)
    if 'classroom' in wanted:
        in_namespace('classroom')
    if 'grading' in wanted:
        grading()
