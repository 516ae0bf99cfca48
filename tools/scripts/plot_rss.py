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
    # Where each server stopped, and what it said (the stopped_by column of the script).
    reasons = {
        "Resource temporarily unavailable": "cannot start a thread\n(os error 11)",
        "Too many open files": "too many open files\n(os error 24)",
    }
    for server, color in (("threads", "#c0392b"), ("tasks", "#2471a3")):
        stopped = [
            row for row in rows
            if row["server"] == server and any(r in row["stopped_by"] for r in reasons)
        ]
        if stopped:
            last = max(stopped, key=lambda row: int(row["served"]))
            words = next(w for r, w in reasons.items() if r in last["stopped_by"])
            x, y = int(last["served"]), float(last["peak_MiB"])
            text_y = y * 0.5 if server == "threads" else y * 0.35  # clear of both lines
            ax.annotate(
                f"stops at {x:,} clients:\n{words}",
                xy=(x, y), xytext=(x, text_y), ha="right", va="center",
                color=color, fontsize=8, arrowprops={"arrowstyle": "->", "color": color},
            )
    ax.set_xlabel("clients connected at once")
    ax.set_ylabel("peak resident memory (VmHWM), MiB")
    ax.set_title("The time server: a thread per client against a task per client")
    ax.grid(True, alpha=0.3)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(svg, metadata={"Date": None})


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
