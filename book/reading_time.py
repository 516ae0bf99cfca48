#!/usr/bin/env python3
"""The reading time of each lesson page, computed from its text: an mdBook preprocessor and a report.

As a preprocessor (book/book.toml, html renderer only) it puts one line under the first heading of
every lesson page (`book/src/NN-….md`: chapters 1–5 and the later ones):

    Reading time: about 6 minutes            (English edition)
    阅读时间：约 6 分钟                        (zh-CN edition)

and replaces `{{reading-time PAGE.md}}` (that page's minutes) and `{{reading-time core}}` (the
whole core path, chapters 1–5) wherever a page writes them, e.g. in the teacher's guide.

From the command line it prints what it counts, page by page, and the core path's total:

    python3 book/reading_time.py --report                 # every lesson page, and the core path
    python3 book/reading_time.py --report --budget 5000   # ... exit 1 if the core path has more words

What counts (the team's rule for the core path, issue 19). A page's *core text* is its
English Markdown source (book/src/) outside `<details>…</details>` blocks (depth, speaker notes,
solutions: a reader opens them or not), HTML comments and `{{#…}}` lines:
  - words: whitespace-separated tokens of that text outside fenced code blocks;
  - code lines: the non-blank lines of the fenced code blocks in it, with each `{{#include …}}`
    in a block replaced by what it includes (anchors and line ranges as mdBook reads them), since
    that is what the reader sees — a console transcript counts as code too.
The core path's word budget (5,000, issue 19) counts the words of `book/src/0[1-5]-*.md`.

The rates: 200 words a minute and 10 lines of code a minute.
  - 200 words: adults read English non-fiction silently at 238 words a minute on average, most
    between 175 and 300, and slower in a second language (Brysbaert 2019, "How many words do we
    read per minute?", Journal of Memory and Language 109, 104047). A first lesson in a technical
    subject, read by students, sits below that average. Read aloud together, a class reads at
    about 183 words a minute (the same review): about a tenth slower than this page says.
  - 10 lines of code: issue 19's assumption when it measured the lesson path, kept so that the
    numbers compare; it is not a measured rate. Code is read slower than prose: each line names
    things the reader looks up.
Both editions show the time computed from the English source: texts translated to carry the same
content take about the same time to read in each language (IReST: 17 languages, mean 1.42 ± 0.13
texts a minute read aloud, the least variable of the units measured; Trauzettel-Klosinski and
Dietz 2012, Invest. Ophthalmol. Vis. Sci. 53(9):5452–5461). Counting Chinese characters would
mix a second rate into one number for no better estimate.

Why after gettext (book.toml: `after = ["links", "gettext"]`): the label is chosen by the book's
language (`book.language`, which build-editions.sh sets to zh-CN for the Chinese edition) and
inserted as raw HTML after the translation, so no label with a number ever becomes a message in
messages.pot (a label inserted before gettext would be a new msgid for every minute count). For
the same reason it runs for the html renderer only, never for xgettext.
"""
import json
import math
import os
import re
import sys

WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 10
CORE = re.compile(r"^0[1-5]-.*\.md$")  # the core path: chapters 1–5
LESSON = re.compile(r"^[0-9][0-9]-.*\.md$")  # every lesson page, later chapters too
PLACEHOLDER = re.compile(r"\{\{reading-time ([^}\s]+)\}\}")

LABELS = {
    "en": {
        "label": "Reading time: about {minutes} {unit}",
        "unit": lambda n: "minute" if n == 1 else "minutes",
        "short": "{minutes} min",
        "title": "{words} words at {wpm} a minute and {code} lines of code at {lpm} a minute; "
        "collapsed blocks are not counted",
    },
    "zh-CN": {
        "label": "阅读时间：约 {minutes} {unit}",
        "unit": lambda n: "分钟",
        "short": "{minutes} 分钟",
        "title": "按英文原文计算：{words} 个词（每分钟 {wpm} 词）和 {code} 行代码（每分钟 {lpm} 行）；"
        "折叠的部分不计",
    },
}


def labels_for(language):
    """The labels of the book's language: zh-CN for any zh…, English otherwise."""
    return LABELS["zh-CN"] if (language or "").lower().startswith("zh") else LABELS["en"]


# --- what mdBook's {{#include}} would show ---------------------------------------------------------
INCLUDE = re.compile(r"\{\{#(include|rustdoc_include|playground)\s+([^}]+?)\s*\}\}")
ANCHOR_LINE = re.compile(r"\bANCHOR(_END)?:\s*[\w-]+")


def included_lines(path, selector):
    """The lines `{{#include path:selector}}` puts on the page (mdBook's rules for anchors and
    for line ranges N, N:M, N:, :M; lines that mark an anchor are never shown)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return []  # mdBook reports a missing file itself (and tools/tests/book.rs fails on it)
    if selector:
        parts = selector.split(":")
        if all(p == "" or p.isdigit() for p in parts):
            start = int(parts[0]) - 1 if parts[0] else 0
            end = int(parts[1]) if len(parts) > 1 and parts[1] else len(lines)
            lines = lines[max(start, 0):end] if len(parts) > 1 else lines[start:start + 1]
        else:
            name = re.escape(selector)
            begin = re.compile(r"\bANCHOR:\s*" + name + r"\b")
            end = re.compile(r"\bANCHOR_END:\s*" + name + r"\b")
            inside, picked = False, []
            for line in lines:
                if end.search(line):
                    inside = False
                elif begin.search(line):
                    inside = True
                elif inside:
                    picked.append(line)
            lines = picked
    return [line for line in lines if not ANCHOR_LINE.search(line)]


def expand(line, page_dir):
    """A line of a code block as the reader sees it: its includes replaced by their lines."""
    match = INCLUDE.search(line)
    if not match or line[: match.start()].endswith("\\"):
        return [line]
    target = match.group(2).strip()
    path, _, selector = target.partition(":")
    return included_lines(os.path.join(page_dir, path), selector)


# --- the counting rule ---------------------------------------------------------------------------
def count(markdown, page_dir):
    """(words, code lines) of a page's core text: see the module's documentation."""
    words = code = 0
    details = 0  # depth of <details> blocks
    fence = None  # the marker (``` or ~~~) of the open code block
    comment = False
    for line in markdown.splitlines():
        trimmed = line.strip()
        if comment:
            comment = "-->" not in line
        elif fence is not None:
            if trimmed.startswith(fence):
                fence = None
            elif details == 0:
                code += sum(1 for shown in expand(line, page_dir) if shown.strip())
        elif trimmed.startswith("```") or trimmed.startswith("~~~"):
            fence = trimmed[:3]
        elif trimmed.startswith("<!--"):
            comment = "-->" not in trimmed
        elif details > 0 or "<details" in line:
            details += line.count("<details")
            details = max(details - line.count("</details>"), 0)
        elif not trimmed.startswith("{{#"):
            words += len(line.split())
    return words, code


def minutes(words, code):
    return max(1, math.ceil(words / WORDS_PER_MINUTE + code / CODE_LINES_PER_MINUTE))


def measure(src):
    """{page: (words, code lines, minutes)} for every lesson page of `src`."""
    pages = {}
    for name in sorted(os.listdir(src)):
        if LESSON.match(name):
            with open(os.path.join(src, name), encoding="utf-8") as f:
                words, code = count(f.read(), src)
            pages[name] = (words, code, minutes(words, code))
    return pages


def core_total(pages):
    words = sum(w for name, (w, _, _) in pages.items() if CORE.match(name))
    code = sum(c for name, (_, c, _) in pages.items() if CORE.match(name))
    return words, code, minutes(words, code)


# --- the preprocessor ----------------------------------------------------------------------------
def label_html(page, labels):
    words, code, n = page
    title = labels["title"].format(words=f"{words:,}", wpm=WORDS_PER_MINUTE, code=code,
                                   lpm=CODE_LINES_PER_MINUTE)
    text = labels["label"].format(minutes=n, unit=labels["unit"](n))
    # Raw HTML: nothing gettext would see; data-pagefind-ignore keeps it out of search results.
    return (f'<p class="net-basics-reading-time" data-pagefind-ignore '
            f'title="{title}">{text}</p>')


def insert_label(content, html):
    """`html` on its own paragraph after the page's first `# ` heading (or at its top)."""
    lines = content.split("\n")
    fence = None
    for i, line in enumerate(lines):
        trimmed = line.strip()
        if fence is not None:
            fence = None if trimmed.startswith(fence) else fence
        elif trimmed.startswith("```") or trimmed.startswith("~~~"):
            fence = trimmed[:3]
        elif line.startswith("# "):
            return "\n".join(lines[: i + 1] + ["", html, ""] + lines[i + 1:])
    return html + "\n\n" + content


def fill_placeholders(content, pages, labels):
    def replace(match):
        what = match.group(1)
        if what == "core":
            n = core_total(pages)[2]
        elif what in pages:
            n = pages[what][2]
        else:
            sys.stderr.write(f"[WARN] reading-time: no lesson page {what!r} for {match.group(0)}\n")
            return match.group(0)
        return labels["short"].format(minutes=n)

    return PLACEHOLDER.sub(replace, content)


def walk(items, pages, labels):
    for item in items:
        chapter = item.get("Chapter") if isinstance(item, dict) else None
        if not chapter:
            continue
        source = os.path.basename(chapter.get("source_path") or chapter.get("path") or "")
        content = fill_placeholders(chapter["content"], pages, labels)
        if source in pages:
            content = insert_label(content, label_html(pages[source], labels))
        chapter["content"] = content
        walk(chapter.get("sub_items", []), pages, labels)


def preprocess():
    context, book = json.load(sys.stdin)
    config = context.get("config", {})
    src = os.path.join(context["root"], config.get("book", {}).get("src", "src"))
    labels = labels_for(config.get("book", {}).get("language"))
    # mdBook 0.5 calls the list "items"; 0.4 called it "sections".
    walk(book.get("items", book.get("sections", [])), measure(src), labels)
    json.dump(book, sys.stdout)


# --- the report ----------------------------------------------------------------------------------
def report(src, budget):
    pages = measure(src)
    print(f"reading time per lesson page ({WORDS_PER_MINUTE} words and "
          f"{CODE_LINES_PER_MINUTE} code lines a minute; collapsed blocks not counted):")
    print(f"  {'words':>6} {'code':>5} {'min':>4}  page")
    for name, (words, code, n) in pages.items():
        print(f"  {words:>6} {code:>5} {n:>4}  {name}{'' if CORE.match(name) else '  (not core)'}")
    words, code, n = core_total(pages)
    print(f"  {words:>6} {code:>5} {n:>4}  core path: {src}/0[1-5]-*.md")
    if budget is not None:
        if words > budget:
            print(f"the core path has {words} words, over the class budget of {budget}: move depth "
                  f"into a collapsed <details class=\"deeper\"> block or an appendix")
            return 1
        print(f"the core path has {words} words, within the class budget of {budget}")
    return 0


def main(argv):
    if len(argv) > 1 and argv[1] == "supports":
        # The html renderer only: for xgettext the label would become a message per number.
        sys.exit(0 if len(argv) > 2 and argv[2] == "html" else 1)
    if "--report" in argv:
        here = os.path.dirname(os.path.abspath(__file__))
        src = argv[argv.index("--src") + 1] if "--src" in argv else os.path.join(here, "src")
        budget = int(argv[argv.index("--budget") + 1]) if "--budget" in argv else None
        sys.exit(report(src, budget))
    if len(argv) > 1:
        sys.exit(f"usage: {argv[0]} --report [--budget WORDS] [--src DIR]  (or as an mdBook preprocessor)")
    preprocess()


if __name__ == "__main__":
    main(sys.argv)
