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
import { readdir, readFile, stat } from 'node:fs/promises';
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

function fail(what, errors) {
    console.error(`search index: ${what} failed: ${errors.join('; ')}`);
    process.exitCode = 1;
}

const { index, errors } = await createIndex({
    rootSelector: 'main',
    // mdBook's "previous/next chapter" arrows and the heading anchors' hidden text are not content.
    excludeSelectors: ['.nav-chapters', '.mobile-nav-chapters'],
});
if (!index) {
    fail('createIndex', errors);
} else {
    const list = await pages(site, '/');
    const langs = {};
    for (const p of list) {
        const content = await readFile(p.file, 'utf8');
        const r = await index.addHTMLFile({ url: p.url, content });
        if (r.errors.length) {
            fail(`indexing ${p.url}`, r.errors);
        } else {
            const lang = /<html[^>]*\blang="([^"]+)"/.exec(content)?.[1] || '?';
            langs[lang] = (langs[lang] || 0) + 1;
        }
    }
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
