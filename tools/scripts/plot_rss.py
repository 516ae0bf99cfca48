#!/usr/bin/env python3
"""Plots peak RSS against connected clients, threads against tasks, from the results.tsv that
tools/scripts/threads_vs_tasks.sh writes: `plot_rss.py results.tsv rss.svg [zh-CN]` (needs
matplotlib). With zh-CN its words are Chinese, for the book's Chinese edition (07-rss.zh-CN.svg,
which book/po/zh-CN.po names in place of 07-rss.svg)."""

import csv
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: small, searchable, any font
matplotlib.rcParams["svg.hashsalt"] = "net-basics"  # the same data gives the same file


# The plot's words in the book's Chinese edition (its terms: book/po/zh-CN.po, chapter 7).
ZH_CN = {
    "a thread per client, active": "每个客户端一个线程，活跃",
    "a thread per client, idle": "每个客户端一个线程，空闲",
    "a task per client, active": "每个客户端一个任务，活跃",
    "a task per client, idle": "每个客户端一个任务，空闲",
    "cannot start a thread\n(os error 11)": "无法启动线程\n(os error 11)",
    "too many open files\n(os error 24)": "打开的文件太多\n(os error 24)",
    "stops at {x:,} clients:\n{words}": "在 {x:,} 个客户端处停下：\n{words}",
    "clients connected at once": "同时连接的客户端数",
    "peak resident memory (VmHWM), MiB": "常驻内存峰值（VmHWM），MiB",
    "The time server: a thread per client against a task per client":
        "时间服务端：每个客户端一个线程 vs. 每个客户端一个任务",
}


def main(tsv: str, svg: str, lang: str = "en") -> None:
    def t(words: str) -> str:
        return ZH_CN[words] if lang == "zh-CN" else words

    if lang == "zh-CN":  # measured with a CJK font (Debian's fonts-noto-cjk), and named in the SVG
        matplotlib.rcParams["font.family"] = ["Noto Sans CJK SC", "sans-serif"]


    rows = list(csv.DictReader(open(tsv, encoding="utf-8"), delimiter="\t"))
    fig, ax = plt.subplots(figsize=(7, 4.2))
    styles = {
        ("threads", "active"): ("#c0392b", "-", "o", t("a thread per client, active")),
        ("threads", "idle"): ("#c0392b", "--", "s", t("a thread per client, idle")),
        ("tasks", "active"): ("#2471a3", "-", "o", t("a task per client, active")),
        ("tasks", "idle"): ("#2471a3", "--", "s", t("a task per client, idle")),
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
        "Resource temporarily unavailable": t("cannot start a thread\n(os error 11)"),
        "Too many open files": t("too many open files\n(os error 24)"),
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
                t("stops at {x:,} clients:\n{words}").format(x=x, words=words),
                xy=(x, y), xytext=(x, text_y), ha="right", va="center",
                color=color, fontsize=8, arrowprops={"arrowstyle": "->", "color": color},
            )
    ax.set_xlabel(t("clients connected at once"))
    ax.set_ylabel(t("peak resident memory (VmHWM), MiB"))
    ax.set_title(t("The time server: a thread per client against a task per client"))
    ax.grid(True, alpha=0.3)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(svg, metadata={"Date": None})


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[3:] not in ([], ["zh-CN"]):
        sys.exit(__doc__)
    main(*sys.argv[1:])
