// Give the zh-CN edition's headings the English edition's anchors.
//
//   node book/po/align-anchors.mjs [book/book]
//
// mdBook makes a heading's anchor from its text, so a translated heading gets a Chinese anchor and
// every link to a section (`04-socket.md#the-backlog`, kept as written in the translation) would
// open the top of the page instead. gettext keeps the page's structure, so the n-th heading of a
// zh-CN page is the n-th heading of the English page: this gives it the English anchor. Run after
// both editions are built and before the search index is built. Exits 1 when a page's headings do
// not line up (the translation changed the structure: fix the .po entry).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const site = path.resolve(process.argv[2] || 'book/book');
const zhDir = path.join(site, 'zh-CN');
const HEADING = /<h([1-6]) id="([^"]*)"><a class="header" href="#([^"]*)">/g;

function ids(html) {
    return [...html.matchAll(HEADING)].map(m => m[2]);
}

let changed = 0;
let problems = 0;
for (const name of (await readdir(zhDir)).sort()) {
    if (!name.endsWith('.html') || name === 'print.html' || name === 'toc.html') {
        continue;
    }
    let en;
    try {
        en = await readFile(path.join(site, name), 'utf8');
    } catch {
        console.error(`align-anchors: ${name} has no English page`);
        problems++;
        continue;
    }
    const file = path.join(zhDir, name);
    const zh = await readFile(file, 'utf8');
    const enIds = ids(en);
    const zhIds = ids(zh);
    if (enIds.length !== zhIds.length) {
        console.error(`align-anchors: ${name}: ${enIds.length} headings in English, ${zhIds.length} in zh-CN`);
        problems++;
        continue;
    }
    let i = 0;
    const out = zh.replace(HEADING, (all, level) => {
        const id = enIds[i++];
        return `<h${level} id="${id}"><a class="header" href="#${id}">`;
    });
    if (out !== zh) {
        await writeFile(file, out);
        changed++;
    }
}
console.log(`align-anchors: ${changed} zh-CN pages now use the English section anchors`);
if (problems) {
    process.exitCode = 1;
}
