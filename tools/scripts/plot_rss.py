#!/usr/bin/env python3
"""Plots peak RSS against connected clients, threads against tasks, from the results.tsv that
tools/scripts/threads_vs_tasks.sh writes: `plot_rss.py results.tsv rss.svg` (needs matplotlib)."""

import csv
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: small, searchable, any font
matplotlib.rcParams["svg.hashsalt"] = "net-basics"  # the same data gives the same file


def main(tsv: str, svg: str) -> None:
    rows = list(csv.DictReader(open(tsv, encoding="utf-8"), delimiter="\t"))
    fig, ax = plt.subplots(figsize=(7, 4.2))
    styles = {
        ("threads", "active"): ("#c0392b", "-", "o", "a thread per client, active"),
        ("threads", "idle"): ("#c0392b", "--", "s", "a thread per client, idle"),
        ("tasks", "active"): ("#2471a3", "-", "o", "a task per client, active"),
        ("tasks", "idle"): ("#2471a3", "--", "s", "a task per client, idle"),
    }
    for (server, mode), (color, line, marker, label) in styles.items():
        points = sorted(
            (int(row["served"]), float(row["peak_MiB"]))
            for row in rows
            if row["server"] == server and row["mode"] == mode
        )
        if points:
            xs, ys = zip(*points)
            ax.plot(xs, ys, color=color, linestyle=line, marker=marker, label=label)
    ax.set_xlabel("clients connected at once")
    ax.set_ylabel("peak resident memory (VmHWM), MiB")
    ax.set_title("The time server: a thread per client against a task per client")
    ax.grid(True, alpha=0.3)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend()
    fig.tight_layout()
    fig.savefig(svg, metadata={"Date": None})


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
