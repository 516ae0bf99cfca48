// Browser check of the book's layout: every page of every edition, at 390 px (a phone) and
// 1280 px (a laptop), in headless Chromium.
//
//   (cd book/check/layout && npm ci)          # once: playwright-core, pinned in package.json
//   mdbook build book                         # (and the zh-CN edition into book/book/zh-CN)
//   node book/check/layout/check.mjs [--site book/book] [--screenshots DIR]
//
// Serves the built site on 127.0.0.1 (a free port), drives /usr/bin/chromium (or $CHROMIUM; a fresh
// temporary profile each run, as playwright's launch makes one) and
// fails (exit 1) when a page, at either width:
//   - scrolls sideways: the document is wider than the window;
//   - has a table, code block or diagram wider than its box that cannot be scrolled (its own
//     overflow-x, or an ancestor's, is not auto/scroll), or that sticks out of the window;
//   - wraps a code or console block (a wrapped console line splits a command from its argument:
//     code must scroll, not wrap);
//   - has an image that did not load, or a literal mdBook include (`{{#include …`) left in it;
//   - (English, lesson pages) is longer than 6.5 screens of 800 px at 1280 px; appendices 10.5;
//   - (lesson pages, NN-….html) has no reading time under its title, in the page's language;
//   - shows a speaker note (<details class="speaker-notes">) before the switch is pressed, has
//     notes but no switch in the menu bar (or a switch without notes), or whose switch — pressed
//     by keyboard (Enter) at 1280 px and by a tap at 390 px — does not show and open every note,
//     say aria-pressed="true", keep them shown after a reload (localStorage), and hide them again;
//   - opens a "Deeper: …" box (<details class="deeper">) by itself, or keeps one closed when a
//     link points inside it.
// Every edition, at each width, must have at least one page with speaker notes: the switch is
// proved on the built book, not on a fixture.
// Editions: the English one at the root, and each sub-directory with an index.html and a
// print.html (e.g. zh-CN/). Search: mdBook's own search box, when the site has mdBook's index;
// when mdBook's search is off (the book uses Pagefind), search is book/check/search/check.mjs's
// job — SEARCHES below lists what the English edition must find, for whichever box is in use.
import { chromium } from 'playwright-core';
import { serve } from '../serve.mjs';
import { readFile, readdir, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

const args = process.argv.slice(2);
const arg = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
// The built book: book/book, found from this file's place (any working directory will do).
const here = path.dirname(new URL(import.meta.url).pathname);
const site = path.resolve(arg('--site', path.join(here, '..', '..', 'book')));
const shots = arg('--screenshots', null);
const WIDTHS = [390, 1280];
const HEIGHT = 800; // one "screen"
const MAX_SCREENS = { lesson: 6.5, other: 10.5 }; // at 1280 px, English edition
// What mdBook's search box must find (English): query → a test on the first result's URL.
const SEARCHES = [
    ['port', url => /\/02-[^/]*\.html/.test(url), 'the ports chapter (02-…)'],
    ['SO_REUSEADDR', url => /\/03-[^/]*\.html#[^/]*so_reuseaddr/i.test(url), 'the SO_REUSEADDR section of chapter 3'],
];

const failures = [];
let checks = 0;
function ok(cond, what) {
    checks++;
    if (!cond) {
        failures.push(what);
        console.log(`  FAIL ${what}`);
    }
    return cond;
}

// --- the built site, on a free loopback port (../serve.mjs) ----------------------------------
const { base, server } = await serve(site);

const SKIP = new Set(['print.html', 'toc.html', '404.html']);
async function pages(dir) {
    return (await readdir(dir)).filter(n => n.endsWith('.html') && !SKIP.has(n)).sort();
}
async function editions() {
    const found = [{ name: 'en', dir: '' }];
    for (const entry of await readdir(site, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        try {
            await stat(path.join(site, entry.name, 'index.html'));
            await stat(path.join(site, entry.name, 'print.html'));
            found.push({ name: entry.name, dir: entry.name + '/' });
        } catch { /* not an edition */ }
    }
    return found;
}

// --- what one page looks like, measured in the page ---------------------------------------------
function measure() {
    const vw = document.documentElement.clientWidth;
    // The page scrolls sideways when the document is wider than the window, or when mdBook's
    // scrolling content area (.content, overflow-y: auto) or <main> is wider than itself.
    let docWidth = document.documentElement.scrollWidth;
    for (const sel of ['.content', 'main']) {
        const e = document.querySelector(sel);
        if (e && e.scrollWidth > e.clientWidth + 1) docWidth = Math.max(docWidth, vw + e.scrollWidth - e.clientWidth);
    }
    const out = { vw, docWidth, hidden: [], wrapped: [], images: [] };
    // A box that scrolls inside the text column (a code block, mdBook's table wrapper) makes wide
    // content reachable; mdBook's .content scrolling as a whole is the page scrolling sideways.
    const main = document.querySelector('main');
    const scrollable = el => {
        for (let e = el; e && e !== main; e = e.parentElement) {
            const o = getComputedStyle(e).overflowX;
            if ((o === 'auto' || o === 'scroll') && e.getBoundingClientRect().right <= vw + 1) return true;
        }
        return false;
    };
    const name = el => {
        const text = (el.innerText || '').trim().split('\n')[0].slice(0, 50);
        return `<${el.tagName.toLowerCase()}> "${text}"`;
    };
    for (const el of document.querySelectorAll('main table, main pre')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0) continue; // collapsed (<details>): checked when opened below
        const tooWide = el.scrollWidth > el.clientWidth + 1 || r.right > vw + 1;
        if (tooWide && !scrollable(el)) out.hidden.push(name(el));
        if (el.tagName === 'PRE') {
            const code = el.querySelector('code') || el;
            const ws = getComputedStyle(code).whiteSpace;
            if (ws !== 'pre') out.wrapped.push(`${name(el)} (white-space: ${ws})`);
        }
    }
    for (const img of document.querySelectorAll('img')) {
        if (!img.complete || img.naturalWidth === 0) out.images.push(img.getAttribute('src'));
    }
    const text = document.querySelector('main')?.innerText || '';
    out.include = (text.match(/\{\{#(include|rustdoc_include|playground|title)\s[^\n]{0,60}/) || [null])[0];
    out.height = document.documentElement.scrollHeight;
    // The prose column: the widest paragraph, in characters of its own font (average glyph ≈ 0.5 em).
    let prose = 0;
    for (const p of document.querySelectorAll('main p')) {
        const fs = parseFloat(getComputedStyle(p).fontSize);
        prose = Math.max(prose, p.getBoundingClientRect().width / (fs * 0.5));
    }
    out.proseChars = Math.round(prose);
    return out;
}

// --- speaker notes, "deeper" boxes and the reading time, measured in the page -----------------------
// What a reader sees of the teacher's notes (theme/speaker-notes.js, custom.css).
function notesState() {
    const main = document.querySelector('main');
    const flat = t => (t || '').replace(/\s+/g, ' ').trim();
    const seen = flat(main ? main.innerText : '');
    const notes = [...document.querySelectorAll('main details.speaker-notes')];
    const button = document.getElementById('net-basics-notes-toggle');
    // A note's text is visible when the page's rendered text (innerText skips what is hidden)
    // holds the start of its first paragraph.
    const body = d => flat([...d.children].filter(c => c.tagName !== 'SUMMARY').map(c => c.textContent).join(' ')).slice(0, 40);
    const rt = document.querySelector('main h1 + p.net-basics-reading-time');
    return {
        count: notes.length,
        shown: notes.filter(d => d.getBoundingClientRect().height > 0).length,
        open: notes.filter(d => d.open).length,
        readable: notes.filter(d => body(d) && seen.includes(body(d))).length,
        button: button && {
            pressed: button.getAttribute('aria-pressed'),
            name: button.getAttribute('aria-label'),
            visible: button.getBoundingClientRect().width > 0,
            inBar: !!button.closest('#mdbook-menu-bar'),
            isButton: button.tagName === 'BUTTON' && button.tabIndex >= 0,
        },
        deeperOpen: [...document.querySelectorAll('main details.deeper')].filter(d => d.open).length,
        // An element with an id inside a closed box (not a note): a link there must open the box.
        hiddenTarget: ([...document.querySelectorAll('main details:not(.speaker-notes):not([open]) [id]')][0] || {}).id || null,
        readingTime: rt ? rt.textContent.trim() : null,
    };
}
const NOTES_NAME = { en: 'Speaker notes', 'zh-CN': '讲师备注' };
const READING_TIME = { en: /^Reading time: about \d+ minutes?$/, 'zh-CN': /^阅读时间：约 \d+ 分钟$/ };

// The switch on one page: hidden by default, shown and opened after a press, hidden again.
// Leaves the notes shown (so that the layout is measured with them), and returns how to hide them.
async function checkNotes(page, where, edition, width, first) {
    let s = await page.evaluate(notesState);
    ok(s.shown === 0 && s.readable === 0,
        `${where}: ${s.shown} speaker note(s) visible before the switch was pressed: students must not see them`);
    ok(s.deeperOpen === 0, `${where}: ${s.deeperOpen} "Deeper" box(es) open by themselves: they start closed`);
    if (s.count === 0) {
        ok(!s.button, `${where}: a speaker-notes switch on a page without speaker notes`);
        return null;
    }
    if (!ok(s.button && s.button.visible && s.button.inBar && s.button.isButton,
        `${where}: ${s.count} speaker note(s) but no visible <button> switch in the menu bar`)) {
        return null;
    }
    const name = NOTES_NAME[edition.name] || NOTES_NAME.en;
    ok(s.button.name === name, `${where}: the switch is named "${s.button.name}", expected "${name}" (the page's language)`);
    ok(s.button.pressed === 'false', `${where}: the switch says aria-pressed="${s.button.pressed}" before it was pressed`);
    const press = async () => {
        if (width === 1280) {
            await page.focus('#net-basics-notes-toggle'); // a keyboard user: Tab lands here, Enter presses
            await page.keyboard.press('Enter');
        } else {
            await page.tap('#net-basics-notes-toggle').catch(() => page.click('#net-basics-notes-toggle'));
        }
    };
    await press();
    s = await page.evaluate(notesState);
    ok(s.button.pressed === 'true' && s.shown === s.count && s.open === s.count && s.readable === s.count,
        `${where}: after pressing the switch (${width === 1280 ? 'Enter' : 'a tap'}), expected all ${s.count} note(s) shown, ` +
        `open and readable with aria-pressed="true"; got ${s.shown} shown, ${s.open} open, ${s.readable} readable, aria-pressed="${s.button.pressed}"`);
    if (first) {
        await page.reload({ waitUntil: 'load' });
        s = await page.evaluate(notesState);
        ok(s.shown === s.count && s.button && s.button.pressed === 'true',
            `${where}: after a reload the notes should stay shown (the switch is remembered); got ${s.shown} of ${s.count} shown, ` +
            `aria-pressed="${s.button && s.button.pressed}"`);
    }
    return async () => {
        await press();
        const after = await page.evaluate(notesState);
        ok(after.shown === 0 && after.readable === 0 && after.button.pressed === 'false',
            `${where}: pressing the switch again should hide every note; got ${after.shown} shown, aria-pressed="${after.button.pressed}"`);
    };
}

// --- mdBook's own search box (only when the site has mdBook's index) ----------------------------
async function mdbookSearch(page, edition) {
    for (const [query, expect, what] of SEARCHES) {
        await page.goto(base + edition.dir + 'index.html');
        await page.keyboard.press('s');
        await page.fill('#searchbar', query);
        const first = page.locator('#searchresults a').first();
        await first.waitFor({ timeout: 5000 }).catch(() => {});
        const href = (await first.count()) ? await first.getAttribute('href') : '(no result)';
        ok(expect(new URL(href, page.url()).href), `search "${query}": first result ${href}, expected ${what}`);
    }
}

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
let status = 0;
try {
    if (shots) await mkdir(shots, { recursive: true });
    const lengths = [];
    for (const edition of await editions()) {
        const list = await pages(path.join(site, edition.dir));
        console.log(`${edition.name}: ${list.length} pages at ${WIDTHS.join(' and ')} px`);
        for (const width of WIDTHS) {
            // A fresh context: no speaker-notes choice remembered, as a student first opens the book.
            const context = await browser.newContext({ viewport: { width, height: HEIGHT }, hasTouch: width === 390 });
            const page = await context.newPage();
            let notesPages = 0;
            let linkedIntoBox = false;
            for (const file of list) {
                const where = `${edition.dir}${file} at ${width} px`;
                const response = await page.goto(base + edition.dir + file, { waitUntil: 'load' });
                ok(response && response.ok(), `${where}: HTTP ${response && response.status()}`);
                const before = await page.evaluate(notesState);
                if (/^[0-9][0-9]-/.test(file)) {
                    const expected = READING_TIME[edition.name] || READING_TIME.en;
                    ok(before.readingTime !== null && expected.test(before.readingTime),
                        `${where}: expected the reading time under the title (book/reading_time.py), matching ${expected}; got ${JSON.stringify(before.readingTime)}`);
                }
                if (before.hiddenTarget && !linkedIntoBox) {
                    // A link to something inside a closed box opens the box.
                    linkedIntoBox = true;
                    await page.goto(`${base}${edition.dir}${file}#${encodeURIComponent(before.hiddenTarget)}`, { waitUntil: 'load' });
                    const open = await page.evaluate(id => {
                        const d = document.getElementById(id)?.closest('details');
                        return !d || d.open;
                    }, before.hiddenTarget);
                    ok(open, `${where}: a link to #${before.hiddenTarget} should open the collapsed block around it`);
                    await page.goto(base + edition.dir + file, { waitUntil: 'load' });
                }
                const hideNotes = await checkNotes(page, where, edition, width, notesPages === 0);
                if (hideNotes) notesPages++;
                // Open every <details>, so that collapsed answers and listings are checked too
                // (and, with the switch on, the speaker notes).
                await page.evaluate(() => document.querySelectorAll('details').forEach(d => { d.open = true; }));
                await page.evaluate(() => document.fonts.ready);
                const m = await page.evaluate(measure);
                ok(m.docWidth <= m.vw, `${where}: scrolls sideways (document ${m.docWidth} px wide, window ${m.vw} px)`);
                for (const el of m.hidden) ok(false, `${where}: ${el} is wider than its box and cannot be scrolled`);
                for (const el of m.wrapped) ok(false, `${where}: ${el} wraps its lines (code must scroll, not wrap)`);
                for (const src of m.images) ok(false, `${where}: image ${src} did not load`);
                ok(!m.include, `${where}: a literal mdBook include is left in the page: ${m.include}`);
                if (hideNotes) await hideNotes();
                if (width === 1280) {
                    // Screens of the page with its collapsed parts closed, as a reader first sees it.
                    await page.evaluate(() => document.querySelectorAll('details').forEach(d => { d.open = false; }));
                    const screens = (await page.evaluate(() => document.documentElement.scrollHeight)) / HEIGHT;
                    const kind = /^0[1-9]-/.test(file) ? 'lesson' : 'other';
                    lengths.push(`${edition.dir}${file}: ${screens.toFixed(1)} screens, prose ≤ ${m.proseChars} characters a line`);
                    if (edition.name === 'en' && file !== 'index.html') {
                        ok(screens <= MAX_SCREENS[kind],
                            `${where}: ${screens.toFixed(1)} screens long (at most ${MAX_SCREENS[kind]} for ${kind === 'lesson' ? 'a lesson page' : 'an appendix'})`);
                    }
                }
                if (shots) {
                    const name = `${edition.name}-${file.replace('.html', '')}-${width}.png`;
                    await page.screenshot({ path: path.join(shots, name), fullPage: true });
                }
            }
            ok(notesPages > 0, `${edition.name} at ${width} px: no page has speaker notes, so nothing proved the switch`);
            console.log(`  ${edition.name} at ${width} px: speaker-notes switch proved on ${notesPages} page(s)`);
            await context.close();
        }
    }
    console.log('page lengths at 1280 px (collapsed parts closed):\n  ' + lengths.join('\n  '));
    // Search: mdBook's own index when the site has one; otherwise the Pagefind check does it.
    let hasMdbookIndex = true;
    try { await stat(path.join(site, 'searchindex.js')); } catch { hasMdbookIndex = false; }
    if (hasMdbookIndex) {
        const page = await (await browser.newContext({ viewport: { width: 1280, height: HEIGHT } })).newPage();
        await mdbookSearch(page, { dir: '' });
    } else {
        console.log('search: mdBook\'s index is off (Pagefind): book/check/search/check.mjs checks ' +
            SEARCHES.map(s => `"${s[0]}"`).join(' and '));
    }
} catch (err) {
    console.error(err);
    status = 2;
} finally {
    await browser.close();
    server.close();
}
console.log(`${checks} checks, ${failures.length} failed`);
process.exit(status || (failures.length ? 1 : 0));
