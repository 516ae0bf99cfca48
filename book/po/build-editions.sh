#!/usr/bin/env bash
# Build both editions of the book and their search index, in the one order that works:
#
#   bash book/po/build-editions.sh [OUT]        # OUT defaults to book/book
#
#   1. the English edition            -> OUT/            (mdbook build; this empties OUT first)
#   2. the Chinese edition (zh-CN)    -> OUT/zh-CN/      (gettext, with book/po/zh-CN.po)
#   3. zh-CN headings get the English section anchors   (book/po/align-anchors.mjs)
#   4. the Pagefind index of both     -> OUT/pagefind/   (book/check/search/build-index.mjs)
#
# Needs mdbook 0.5 and mdbook-i18n-helpers 0.4 (cargo install --locked mdbook@0.5.4
# mdbook-i18n-helpers@0.4.0), python3 (book/po/summary_paragraphs.py, book/reading_time.py), Node.js 18+, and the
# search tools once: (cd book/check/search && npm ci). Fails on any mdBook ERROR or WARN line.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath -m "${1:-book/book}")

if [ ! -d book/check/search/node_modules/pagefind ]; then
    echo "build-editions: installing the search tools (npm ci in book/check/search)"
    (cd book/check/search && npm ci --no-audit --no-fund --loglevel=error)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
build() {
    if ! "$@" >"$log" 2>&1 || grep -E '(ERROR|WARN)' "$log" >/dev/null; then
        cat "$log" >&2
        echo "build-editions: '$*' failed or warned" >&2
        exit 1
    fi
}
build mdbook build book -d "$out"
# The book's title is configuration, not text that gettext extracts: set it here.
build env MDBOOK_BOOK__LANGUAGE=zh-CN MDBOOK_BOOK__TITLE="net-basics：用 Rust 写你的第一个网络程序" \
    mdbook build book -d "$out/zh-CN"
node book/po/align-anchors.mjs "$out"
node book/check/search/build-index.mjs "$out"
echo "build-editions: English in $out, Chinese in $out/zh-CN, search index in $out/pagefind"
