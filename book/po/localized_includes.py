#!/usr/bin/env python3
"""mdBook preprocessor: a translated edition includes the translated copy of a file, where one exists.

The book's ASCII diagrams live in files, included into text blocks:

    ```text
    {{#include diagrams/handshake.txt}}
    ```

gettext cannot translate them: mdbook-xgettext extracts a text block only when it holds a `"` or
a `//` (and then the whole block as one message), and a diagram's columns must be laid out again
for Chinese anyway. So a translated edition reads a translated copy instead: when the book's
language (`book.language`; book/po/build-editions.sh sets zh-CN) is not `en`, every

    {{#include DIR/NAME…}}   becomes   {{#include DIR/<language>/NAME…}}

when DIR/<language>/NAME exists (e.g. book/src/diagrams/zh-CN/handshake.txt); an anchor or line
range after the name (`:anchor`, `:2:5`) is kept. It runs before mdBook's `links` preprocessor,
which then includes the file. The English edition, the .pot (extracted in English) and any
include without a translated copy are left exactly as they are.

Columns: a Han character or a full-width punctuation mark (，：（）) takes two columns of a
diagram; a character that fonts draw one or two columns wide (“ ” … — ①) is reported by a WARN
line. The zh-CN edition's text blocks use a font in which this holds (book/theme/custom.css).

Out of date: DIR/<language>/SOURCES.sha256 records, in `sha256sum` format, the English file that
each translated copy was made from. When the English file has changed since, the build prints a
WARN line (which build-editions.sh and CI treat as a failure) until the copy is updated and its line
in SOURCES.sha256 is renewed:

    (cd book/src/diagrams && sha256sum handshake.txt lifecycle.txt tcp-connection.txt time-flow.txt > zh-CN/SOURCES.sha256)

Wired in book/book.toml; see book/po/README.md.
"""
import hashlib
import json
import os
import re
import sys
import unicodedata

# {{#include path}} / {{#include path:anchor}} / {{#include path:2:5}}, not escaped as \{{#include …}}.
INCLUDE = re.compile(r"(?<!\\)\{\{#include\s+([^}\s:]+)([^}\s]*)\s*\}\}")
SUMS = "SOURCES.sha256"


WARNED = set()


def warn(message):
    if message not in WARNED:  # a diagram included on several pages: say it once
        WARNED.add(message)
        sys.stderr.write(f"[WARN] localized-includes: {message}\n")


def recorded_sums(folder, cache):
    """{NAME: sha256} from folder/SOURCES.sha256 (empty when there is none)."""
    if folder not in cache:
        sums = {}
        try:
            with open(os.path.join(folder, SUMS), encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        digest, name = line.split(None, 1)
                        sums[name.strip().lstrip("*")] = digest
        except FileNotFoundError:
            pass
        cache[folder] = sums
    return cache[folder]


def ambiguous_width(path):
    """The characters of a file that East Asian fonts draw one or two columns wide (Unicode's
    East_Asian_Width "A", such as “ ” … — ①): a diagram's columns cannot rely on them."""
    with open(path, encoding="utf-8") as f:
        return sorted({ch for ch in f.read() if unicodedata.east_asian_width(ch) == "A"})


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def localize(content, chapter_dir, language, cache):
    def replace(match):
        path, rest = match.group(1), match.group(2)
        folder, name = os.path.split(path)
        translated = os.path.join(folder, language, name)
        if not os.path.isfile(os.path.join(chapter_dir, translated)):
            return match.group(0)
        english = os.path.join(chapter_dir, path)
        recorded = recorded_sums(os.path.join(chapter_dir, folder, language), cache).get(name)
        if recorded is None:
            warn(f"{translated} has no line in {os.path.join(folder, language, SUMS)}: record the "
                 f"English file it was translated from (sha256sum {name})")
        elif os.path.isfile(english) and sha256(english) != recorded:
            warn(f"{path} changed since {translated} was translated from it: update the translation, "
                 f"then its line in {os.path.join(folder, language, SUMS)}")
        ambiguous = ambiguous_width(os.path.join(chapter_dir, translated))
        if ambiguous:
            warn(f"{translated} has {' '.join(ambiguous)}: one column wide in some fonts, two in "
                 f"others, so the columns after it move; use ASCII (\", ..., -) or a full-width form")
        return "{{#include " + translated + rest + "}}"

    return INCLUDE.sub(replace, content)


def walk(items, src, language, cache):
    for item in items:
        chapter = item.get("Chapter") if isinstance(item, dict) else None
        if not chapter:
            continue
        source = chapter.get("source_path") or chapter.get("path")
        if source:  # a draft chapter has no file, and nothing to include
            chapter_dir = os.path.join(src, os.path.dirname(source))
            chapter["content"] = localize(chapter["content"], chapter_dir, language, cache)
        walk(chapter.get("sub_items", []), src, language, cache)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "supports":
        sys.exit(0)  # every renderer
    context, book = json.load(sys.stdin)
    config = context.get("config", {}).get("book", {})
    language = config.get("language") or "en"
    if language != "en":
        src = os.path.join(context["root"], config.get("src", "src"))
        # mdBook 0.5 calls the list "items"; 0.4 called it "sections".
        walk(book.get("items", book.get("sections", [])), src, language, {})
    json.dump(book, sys.stdout)


if __name__ == "__main__":
    main()
