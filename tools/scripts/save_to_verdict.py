#!/usr/bin/env python3
"""The student's loop, measured (CONTRIBUTING, "The student's loop"): how long after a save
`cargo run -- --watch` shows the saved exercise's verdict, and how long a hang takes to be reported.

    python3 tools/scripts/save_to_verdict.py              # 20 saves, 3 hangs
    SAVES=40 HANGS=5 python3 tools/scripts/save_to_verdict.py

In a copy of this working tree (target/save-to-verdict/crate, with its own target dir beside it,
kept between runs so that they are warm, as a student's is after the first `cargo run`), with
exercise 2 solved, it starts `cargo run -- --watch` and waits for its first screen. Then, SAVES
times, after an idle pause of 0.3-0.8 s, it saves exercises/ex02_port_ranges.rs with one line
changed, alternately wrong (`0..=1024 => PortClass::WellKnown`, an off-by-one) and right, and
measures from the end of the write to the moment the line `✘ 2 …` or `✔ 2 …` arrives on the
view's stdout (it checks the mark is the expected one). Then, HANGS times, it saves a version
whose classify_port loops for ever and measures until `✘ 2 … (stopped: …)` arrives, then saves the
right version again. It prints every time, the median, the p95 (nearest rank) and the maximum,
and the load average before and after: this machine is shared, so say what the load was.

Finally it times each exercise's test program against the reference solutions (the tests that
pass), five runs each, and prints the median.
"""
import math
import os
import queue
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(ROOT, "target", "save-to-verdict")
CRATE = os.path.join(WORK, "crate")
TARGET = os.path.join(WORK, "target")
SAVES = int(os.environ.get("SAVES", "20"))
HANGS = int(os.environ.get("HANGS", "3"))
EXERCISE = "exercises/ex02_port_ranges.rs"
RIGHT = "        0..=1023 => PortClass::WellKnown,"
WRONG = "        0..=1024 => PortClass::WellKnown,"


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def copy_tree():
    """The working tree (without target/, .git, the built book) into CRATE, file times kept."""
    shutil.rmtree(CRATE, ignore_errors=True)
    os.makedirs(CRATE)
    pack = subprocess.Popen(
        ["tar", "-C", ROOT, "--exclude=./target", "--exclude=./.git", "--exclude=./book/book",
         "--exclude=node_modules", "-cf", "-", "."],
        stdout=subprocess.PIPE,
    )
    subprocess.run(["tar", "-C", CRATE, "-xf", "-"], stdin=pack.stdout, check=True)
    if pack.wait() != 0:
        sys.exit("save_to_verdict: could not copy the working tree")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main():
    os.makedirs(WORK, exist_ok=True)
    copy_tree()
    solution = open(os.path.join(CRATE, "solutions/ex02_port_ranges.rs")).read()
    if RIGHT not in solution:
        sys.exit(f"save_to_verdict: solutions/ex02_port_ranges.rs has no line {RIGHT.strip()!r}")
    right, wrong = solution, solution.replace(RIGHT, WRONG)
    signature = "pub fn classify_port(port: u16) -> PortClass {"
    hang = solution.replace(signature, signature + "\n    loop {\n        std::hint::spin_loop();\n    }")
    exercise = os.path.join(CRATE, EXERCISE)
    write(exercise, right)
    env = dict(os.environ, CARGO_TARGET_DIR=TARGET, LANG="C.UTF-8", CARGO_TERM_COLOR="never")
    for name in ("LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    print(f"load before: {load()}; {SAVES} saves, {HANGS} hangs; crate copy in {CRATE}")
    view = subprocess.Popen(
        ["cargo", "run", "-q", "--", "--watch"],
        cwd=CRATE, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, start_new_session=True,
    )
    lines = queue.Queue()

    def read():
        for line in view.stdout:
            lines.put((time.monotonic(), line.rstrip("\n")))
        lines.put((time.monotonic(), None))

    threading.Thread(target=read, daemon=True).start()

    def wait_for(pattern, after, within):
        deadline = time.monotonic() + within
        while True:
            try:
                at, line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                sys.exit(f"save_to_verdict: no line matching {pattern!r} within {within} s")
            if line is None:
                sys.exit("save_to_verdict: the view stopped")
            if at >= after and re.search(pattern, line):
                return at, line

    try:
        started = time.monotonic()
        wait_for(r"^\[checked in", 0, 900)
        print(f"first screen (builds included) after {time.monotonic() - started:.1f} s")
        verdicts = []
        for save in range(SAVES):
            time.sleep(random.uniform(0.3, 0.8))
            good = save % 2 == 1
            write(exercise, right if good else wrong)
            saved = time.monotonic()
            at, line = wait_for(r"^  [✔✘] 2 ", saved, 60)
            if line.strip()[0] != ("✔" if good else "✘"):
                sys.exit(f"save_to_verdict: save {save + 1}: expected {'✔' if good else '✘'}: {line}")
            verdicts.append(at - saved)
            wait_for(r"^\[checked in", saved, 60)
        hangs = []
        for _ in range(HANGS):
            time.sleep(random.uniform(0.3, 0.8))
            write(exercise, hang)
            saved = time.monotonic()
            at, _ = wait_for(r"^  ✘ 2 .*\(stopped: ", saved, 120)
            hangs.append(at - saved)
            wait_for(r"^\[checked in", saved, 60)
            write(exercise, right)
            wait_for(r"^\[checked in", time.monotonic(), 60)
    finally:
        os.killpg(view.pid, signal.SIGTERM)
        view.wait(timeout=10)
    ms = lambda values: " ".join(f"{v * 1000:.0f}" for v in values)
    print(f"save -> verdict, ms, in order: {ms(verdicts)}")
    print(
        f"save -> verdict over {len(verdicts)} saves: median {statistics.median(verdicts) * 1000:.0f} ms, "
        f"p95 {percentile(verdicts, 95) * 1000:.0f} ms, max {max(verdicts) * 1000:.0f} ms (target: p95 <= 1000 ms)"
    )
    if hangs:
        print(f"save -> hang reported, ms: {ms(hangs)} (target <= 5000 ms)")

    # The exercises' tests that pass, against the reference solutions: how long each program runs.
    print("each exercise's test program against the solutions, median of 5 runs:")
    for stem in sorted(f[:-3] for f in os.listdir(os.path.join(CRATE, "tests")) if re.match(r"ex\d\d_.*\.rs$", f)):
        build = subprocess.run(
            ["cargo", "test", "--features", "solutions", "--test", stem, "--no-run"],
            cwd=CRATE, env=env, capture_output=True, text=True,
        )
        found = re.search(r"Executable .*\((.*)\)", build.stderr)
        if not found:
            sys.exit(f"save_to_verdict: {stem} did not build:\n{build.stderr}")
        runs = []
        for _ in range(5):
            start = time.monotonic()
            subprocess.run([os.path.join(CRATE, found.group(1)), "-q"], cwd=CRATE, env=env,
                           capture_output=True, timeout=60, check=True)
            runs.append(time.monotonic() - start)
        print(f"  {stem:24} {statistics.median(runs) * 1000:6.0f} ms")
    print(f"load after: {load()}")


if __name__ == "__main__":
    main()
