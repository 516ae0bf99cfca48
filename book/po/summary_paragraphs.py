#!/usr/bin/env python3
"""mdBook preprocessor: make the labels of collapsed blocks translatable.

The book folds answers and solutions away as

    <details>
    <summary>Answer</summary>

and a line of raw HTML is not text that gettext sees: mdbook-xgettext extracts nothing from it,
so "Answer" and "Solution" would stay English in the zh-CN edition. This rewrites each such
line as a Markdown paragraph inside <summary>:

    <summary>

    Answer

    </summary>

which mdbook-xgettext extracts and mdbook-gettext translates like any paragraph. It runs before
the gettext preprocessor, for every renderer (html and xgettext alike), so the English book, the
.pot and the Chinese book all see the same text. (book/theme/lang-switch.js keeps the paragraph
on the summary's line.) Wired in book/book.toml; see book/po/README.md.
"""
import json
import re
import sys

SUMMARY = re.compile(r"^([ \t]*)<summary>(.+?)</summary>[ \t]*$", re.MULTILINE)


def rewrite(text):
    return SUMMARY.sub(lambda m: f"{m.group(1)}<summary>\n\n{m.group(2).strip()}\n\n</summary>", text)


def walk(items):
    for item in items:
        chapter = item.get("Chapter") if isinstance(item, dict) else None
        if chapter:
            chapter["content"] = rewrite(chapter["content"])
            walk(chapter.get("sub_items", []))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "supports":
        sys.exit(0)  # every renderer
    context, book = json.load(sys.stdin)
    # mdBook 0.5 calls the list "items"; 0.4 called it "sections".
    walk(book.get("items", book.get("sections", [])))
    json.dump(book, sys.stdout)


if __name__ == "__main__":
    main()
