#!/usr/bin/env bash
# Is the Chinese translation complete for the English text as it is now?
#
#   bash book/po/check.sh
#
# Extracts the messages of the current English book into a temporary .pot (mdbook-xgettext),
# merges book/po/zh-CN.po with it in a temporary copy (msgmerge), and fails when any message is
# untranslated or fuzzy — that is, when an English sentence was added or changed without its
# translation. Also fails when book/po/zh-CN.po is not the merged file (run the update below and
# commit it), and when msgfmt -c finds a broken entry (bad format, header). Changes nothing in the repository.
#
# To update the translation after the English changed (book/po/README.md):
#   MDBOOK_OUTPUT='{"xgettext": {"pot-file": "messages.pot", "granularity": 0}}' mdbook build book -d book/po
#   msgmerge --update --backup=none --no-wrap book/po/zh-CN.po book/po/messages.pot
#   then translate every untranslated and fuzzy entry, and run this script again.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in mdbook mdbook-xgettext msgmerge msgfmt msgattrib; do
    if ! command -v "$tool" >/dev/null; then
        echo "po check: $tool is not installed (cargo install --locked mdbook mdbook-i18n-helpers; apt-get install gettext)" >&2
        exit 2
    fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

MDBOOK_OUTPUT='{"xgettext": {"pot-file": "messages.pot", "granularity": 0}}' \
    mdbook build book -d "$tmp/pot" >"$tmp/xgettext.log" 2>&1 || {
    cat "$tmp/xgettext.log" >&2
    echo "po check: extracting the English text failed (mdbook-xgettext)" >&2
    exit 1
}

msgmerge --quiet --no-wrap --no-fuzzy-matching -o "$tmp/zh-CN.po" book/po/zh-CN.po "$tmp/pot/messages.pot"
msgfmt -c -o /dev/null book/po/zh-CN.po

# Counts from msgattrib, not from parsing msgfmt's sentence: the number of entries (minus the header).
count() { { msgattrib "$@" "$tmp/zh-CN.po" 2>/dev/null || true; } | awk '/^msgid / { n++ } END { print (n > 0) ? n - 1 : 0 }'; }
untranslated=$(count --untranslated --no-obsolete)
fuzzy=$(count --only-fuzzy --no-obsolete)
total=$(count --no-obsolete)
# Messages of the current English text that zh-CN.po has no translation for (missing, untranslated
# or fuzzy); msgcmp lists each as "this message is used but not defined".
missing=$(msgcmp book/po/zh-CN.po "$tmp/pot/messages.pot" 2>&1 | grep -c 'used but not defined' || true)

echo "po check: zh-CN.po against the current English text: $total messages, $untranslated untranslated, $fuzzy fuzzy, $missing not translated in the committed file"
status=0
if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
    echo "po check: FAILED: the English book has messages with no (or an outdated) Chinese translation:" >&2
    msgattrib --no-obsolete --untranslated "$tmp/zh-CN.po" | grep -A3 '^#: ' | head -40 >&2 || true
    msgattrib --no-obsolete --only-fuzzy "$tmp/zh-CN.po" | grep -A3 '^#: ' | head -40 >&2 || true
    status=1
fi
if [ "$missing" -gt 0 ]; then
    echo "po check: FAILED: $missing messages of the English text are missing from book/po/zh-CN.po or not translated there" >&2
    status=1
fi
if [ "$status" -ne 0 ]; then
    echo "po check: how to update the translation: see book/po/README.md" >&2
fi
exit "$status"
