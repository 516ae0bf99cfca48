// Build the Pagefind search index over both built editions of the book.
//
//   node book/check/search/build-index.mjs [book/book]
//
// Run after `mdbook build book` (English, book/book/) and the zh-CN build (book/book/zh-CN/).
// Writes book/book/pagefind/: Pagefind keeps one index per <html lang> ("en", "zh-cn") and splits
// Chinese text into words, which mdBook's own index cannot. book/theme/pagefind-search.js queries
// it from the book's search box. Only the chapters are indexed: not print.html (every chapter
// again), index.html (a copy of the introduction), 404.html or toc.html.
import { createIndex, close } from 'pagefind';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const site = path.resolve(process.argv[2] || 'book/book');
const SKIP = new Set(['print.html', 'index.html', '404.html', 'toc.html']);

async function pages(dir, prefix) {
    const out = [];
    for (const name of (await readdir(dir)).sort()) {
        const full = path.join(dir, name);
        if ((await stat(full)).isDirectory()) {
            if (name === 'zh-CN') {
                out.push(...await pages(full, prefix + name + '/'));
            }
        } else if (name.endsWith('.html') && !SKIP.has(name)) {
            out.push({ file: full, url: prefix + name });
        }
    }
    return out;
}

// Chinese has no spaces between words, and a word splitter's idea of a word differs from one
// program to the next: the indexer here keeps 端口 whole, Chromium's Intl.Segmenter (which
// Pagefind uses on the query) gives 端/口, and 套接字 comes out differently again. So the index
// gets one entry per Chinese character (a space between every two, in the copy given to
// Pagefind, not in the book), and book/theme/pagefind-search.js searches a Chinese query as the
// exact sequence of its characters: every Chinese word is found wherever it is written, with no
// dictionary. The script takes the spaces out again when it shows titles and excerpts.
function spaceHan(html) {
    return html.replace(/(\p{Script=Han})(?=\p{Script=Han})/gu, '$1 ');
}

function fail(what, errors) {
    console.error(`search index: ${what} failed: ${errors.join('; ')}`);
    process.exitCode = 1;
}

const { index, errors } = await createIndex({
    rootSelector: 'main',
    // mdBook's "previous/next chapter" arrows and the heading anchors' hidden text are not content.
    // Speaker notes are hidden from students (theme/speaker-notes.js): a result whose words are in
    // them would open a page where the student cannot see those words. A teacher reads the notes
    // page by page, beside the lesson; the teacher's guide is indexed. The reading time under each
    // title (book/reading_time.py) also has data-pagefind-ignore.
    excludeSelectors: ['.nav-chapters', '.mobile-nav-chapters', 'details.speaker-notes'],
});
if (!index) {
    fail('createIndex', errors);
} else {
    const list = await pages(site, '/');
    const langs = {};
    for (const p of list) {
        // A page is the best answer for the words of its own title: its h1 (the chapter's title)
        // weighs more than a word in the text (Pagefind's default heading weight is not enough
        // against a long page that repeats the word, such as "Check yourself" for 端口).
        const content = spaceHan((await readFile(p.file, 'utf8'))
            .replace(/<h1 id=/g, '<h1 data-pagefind-weight="10" id='));
        const r = await index.addHTMLFile({ url: p.url, content });
        if (r.errors.length) {
            fail(`indexing ${p.url}`, r.errors);
        } else {
            const lang = /<html[^>]*\blang="([^"]+)"/.exec(content)?.[1] || '?';
            langs[lang] = (langs[lang] || 0) + 1;
        }
    }
    // Pagefind adds files and never deletes old ones: start from an empty folder.
    await rm(path.join(site, 'pagefind'), { recursive: true, force: true });
    const w = await index.writeFiles({ outputPath: path.join(site, 'pagefind') });
    if (w.errors.length) {
        fail('writing the index', w.errors);
    }
    const summary = Object.entries(langs).map(([l, n]) => `${n} ${l}`).join(', ');
    console.log(`search index: ${list.length} pages (${summary}) -> ${path.join(site, 'pagefind')}`);
    if (!langs['zh-CN']) {
        fail('the zh-CN edition', ['no zh-CN page found: build it first (see book/po/README.md)']);
    }
}
await close();
