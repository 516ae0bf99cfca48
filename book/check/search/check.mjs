// Browser check of the two editions: search (Pagefind, in the book's own search box), the
// English ⇄ 中文 switch, and every zh-CN page at 390 and 1280 px.
//
//   node book/check/search/check.mjs [--site book/book] [--screenshots DIR]
//
// Needs the built site: both editions, align-anchors and the search index (book/po/README.md).
// Serves it on 127.0.0.1 (a free port), drives headless Chromium (/usr/bin/chromium, or
// $CHROMIUM) with playwright-core, and fails (exit 1) when:
//   - a search, typed into the search box, does not land where it should when its first result
//     is followed: `端口` (zh-CN) and `port` (en) on the ports chapter, `套接字` (zh-CN) on a
//     section about sockets, `SO_REUSEADDR` (both) on the SO_REUSEADDR section;
//   - the language switch of any page does not open the same page of the other edition, or loses
//     the section (tried both ways on every page, and from a section);
//   - the words of a speaker note (hidden from students, book/theme/speaker-notes.js) are found by
//     search, in either edition: the index leaves the notes out (build-index.mjs);
//   - a zh-CN page scrolls sideways at 390 or 1280 px;
//   - a character of a zh-CN page has no glyph in the font it is drawn with. Method: for every
//     distinct (font-family, character) pair in the page's text, draw the character on a canvas in
//     that font and compare the pixels and width with U+0378 and U+50000 (unassigned code points,
//     which every font draws as its "no glyph" box, .notdef): a character drawn exactly like
//     .notdef has no glyph. CDP's CSS.getPlatformFontsForNode also reports which fonts drew the
//     Chinese text. (Tried once: a U+E000 put into a page is reported; a 2000 px wide block is
//     reported as a sideways-scrolling content column.)
import { chromium } from 'playwright-core';
import { serve } from '../serve.mjs';
import { mkdtemp, readFile, readdir, rm, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
function arg(name, dflt) {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : dflt;
}
const site = path.resolve(arg('--site', 'book/book'));
const shots = arg('--screenshots', null);
const ZH = 'zh-CN';
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

async function htmlPages(dir) {
    const skip = new Set(['print.html', 'toc.html', '404.html']);
    return (await readdir(dir)).filter(n => n.endsWith('.html') && !skip.has(n)).sort();
}
try {
    await stat(path.join(site, ZH, 'index.html'));
    await stat(path.join(site, 'pagefind', 'pagefind.js'));
} catch {
    console.error(`search check: ${site} has no zh-CN edition or no search index: build them first (book/po/README.md)`);
    process.exit(2);
}
const enPages = await htmlPages(site);
const zhPages = await htmlPages(path.join(site, ZH));

const profile = await mkdtemp(path.join(tmpdir(), 'net-basics-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
});
const page = context.pages()[0] || await context.newPage();
const pageErrors = [];
page.on('pageerror', e => pageErrors.push(`${page.url()}: ${e.message}`));

// The page's own heading for where we landed: the heading with the URL's anchor, else the h1.
async function landing() {
    return page.evaluate(() => {
        const id = decodeURIComponent(location.hash.slice(1));
        const h = (id && document.getElementById(id)) || document.querySelector('#mdbook-content main h1');
        const h1 = document.querySelector('#mdbook-content main h1');
        return {
            file: location.pathname.split('/').pop(),
            lang: document.documentElement.lang,
            heading: h ? h.textContent.trim() : '',
            h1: h1 ? h1.textContent.trim() : '',
        };
    });
}

async function search(edition, query, expect, what) {
    const start = edition === ZH ? `${base}${ZH}/index.html` : `${base}index.html`;
    await page.goto(start);
    await page.keyboard.press('/');
    await page.locator('#mdbook-searchbar').pressSequentially(query, { delay: 20 });
    const first = page.locator('#mdbook-searchresults li a').first();
    try {
        await first.waitFor({ timeout: 5000 });
    } catch {
        ok(false, `search ${edition} "${query}": no result in the search box`);
        return;
    }
    const header = await page.locator('#mdbook-searchresults-header').textContent();
    await Promise.all([page.waitForLoadState('load'), first.click()]);
    await page.waitForURL(u => !u.href.startsWith(start));
    const got = await landing();
    const pass = ok(got.lang === edition && expect(got),
        `search ${edition} "${query}" should land on ${what}; landed on ${got.file} (${got.lang}) "${got.heading}"`);
    if (pass) {
        console.log(`  ok   search ${edition} "${query}" (${header.trim()}) -> ${got.file} "${got.heading}"`);
    }
}

console.log(`search check: ${enPages.length} English and ${zhPages.length} zh-CN pages at ${base}`);
console.log('searches, typed into the search box, first result followed:');
const isPorts = g => /^02-/.test(g.file);
await search(ZH, '端口', g => isPorts(g) && g.h1.includes('端口'), 'the ports chapter (02-…, "端口")');
await search(ZH, '套接字', g => g.heading.includes('套接字'), 'a section about sockets (a heading with "套接字")');
await search(ZH, 'SO_REUSEADDR', g => g.heading.includes('SO_REUSEADDR'), 'the SO_REUSEADDR section');
await search('en', 'port', g => isPorts(g) && /port/i.test(g.h1), 'the ports chapter (02-…, "Ports")');
await search('en', 'SO_REUSEADDR', g => g.heading.includes('SO_REUSEADDR'), 'the SO_REUSEADDR section');

console.log('speaker notes are left out of the search index:');
for (const [dir, pages] of [['', enPages], [`${ZH}/`, zhPages]]) {
    const edition = dir ? ZH : 'en';
    // The first words of the first note in the edition, as the page shows them.
    let phrase = null;
    let from = null;
    for (const name of pages) {
        const html = await readFile(path.join(site, dir, name), 'utf8');
        const m = /<details class="speaker-notes">[\s\S]*?<\/summary>\s*<(p|li)>([\s\S]*?)<\/\1>/.exec(html);
        if (m) {
            const text = m[2].replace(/<[^>]*>/g, '').replace(/&[a-z#0-9]+;/g, ' ').replace(/\s+/g, ' ').trim();
            phrase = text.split(' ').slice(0, 6).join(' ').slice(0, 40).trim();
            from = name;
            break;
        }
    }
    if (!ok(phrase, `${edition}: no page has a speaker note, so nothing proved that search leaves them out`)) {
        continue;
    }
    await page.goto(`${base}${dir}index.html`);
    const found = await page.evaluate(async ([query, root]) => {
        const pf = await import(root + 'pagefind/pagefind.js');
        await pf.options({ baseUrl: '/' });
        await pf.init();
        // The index spaces Chinese characters apart (build-index.mjs): search and compare likewise.
        const spaced = query.replace(/(\p{Script=Han})(?=\p{Script=Han})/gu, '$1 ');
        const squash = t => t.replace(/\s+/g, '');
        const r = await pf.search(spaced);
        const data = await Promise.all(r.results.slice(0, 50).map(x => x.data()));
        return data.filter(d => squash(d.content).includes(squash(query))).map(d => d.url);
    }, [phrase, base]);
    if (ok(found.length === 0, `search ${edition} "${phrase}" (a speaker note of ${from}) finds it in ${found.join(', ')}: notes must not be indexed`)) {
        console.log(`  ok   search ${edition} "${phrase}" (from a note of ${from}): not found`);
    }
}

console.log('language switch, both ways, on every page:');
let switched = 0;
for (const name of enPages) {
    await page.goto(`${base}${name}`);
    const sw = page.locator('#net-basics-lang-switch');
    if (!ok(await sw.count() === 1 && await sw.isVisible(), `${name}: no visible language switch`)) {
        continue;
    }
    await Promise.all([page.waitForURL(u => u.pathname === `/${ZH}/${name}`), sw.click()]);
    const zh = await landing();
    ok(zh.lang === ZH && zh.file === name, `${name}: 中文 should open ${ZH}/${name}, opened ${page.url()}`);
    await Promise.all([page.waitForURL(u => u.pathname === `/${name}`), page.locator('#net-basics-lang-switch').click()]);
    const en = await landing();
    ok(en.lang === 'en' && en.file === name, `${ZH}/${name}: English should open ${name}, opened ${page.url()}`);
    switched++;
}
ok(zhPages.every(n => enPages.includes(n)), `zh-CN pages with no English page: ${zhPages.filter(n => !enPages.includes(n))}`);
// From a section: the other edition opens at the same section (same anchor, the heading exists).
for (const [from, to] of [['', `${ZH}/`], [`${ZH}/`, '']]) {
    await page.goto(`${base}${from}${enPages.find(n => /^02-/.test(n)) || enPages[0]}`);
    const id = await page.evaluate(() => {
        const hs = document.querySelectorAll('#mdbook-content main h2[id]');
        return hs.length ? hs[hs.length - 1].id : '';
    });
    if (!ok(id !== '', `${from || 'en/'}: the ports chapter has no h2 section to switch from`)) {
        continue;
    }
    await page.goto(`${page.url().split('#')[0]}#${id}`);
    await page.locator('#net-basics-lang-switch').click();
    await page.waitForURL(u => u.href.includes(`/${to}`) && u.hash === `#${id}`, { timeout: 5000 }).catch(() => {});
    const there = await page.evaluate(i => !!document.getElementById(i), id);
    ok(new URL(page.url()).hash === `#${id}` && there,
        `language switch from ${from || 'en/'}…#${id} should keep the section, opened ${page.url()}`);
}
console.log(`  ${switched} pages switched both ways${failures.length ? '' : ', sections kept'}`);

console.log('zh-CN pages at 390 and 1280 px: sideways scroll and missing glyphs:');
const cdp = await context.newCDPSession(page);
await cdp.send('DOM.enable');
await cdp.send('CSS.enable');
const cjkFonts = new Set();
for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    for (const name of zhPages) {
        await page.goto(`${base}${ZH}/${name}`);
        await page.evaluate(() => document.fonts.ready);
        // Open every collapsed answer: its content must fit too.
        await page.evaluate(() => document.querySelectorAll('details').forEach(d => { d.open = true; }));
        // The window, and mdBook's content column (overflow-x: auto, so a too-wide paragraph or
        // table makes the whole column scroll sideways while the window does not). Code blocks
        // and table wrappers scroll on their own and do not count.
        const over = await page.evaluate(() => {
            const content = document.getElementById('mdbook-content');
            return {
                scroll: document.documentElement.scrollWidth,
                body: document.body.scrollWidth,
                client: document.documentElement.clientWidth,
                content: content ? content.scrollWidth - content.clientWidth : 0,
            };
        });
        ok(over.scroll <= over.client && over.body <= over.client,
            `${ZH}/${name} at ${width} px scrolls sideways: page ${Math.max(over.scroll, over.body)} px wide in ${over.client} px`);
        ok(over.content <= 1,
            `${ZH}/${name} at ${width} px: the content column scrolls sideways by ${over.content} px`);
        if (width === 1280) {
            const missing = await page.evaluate(() => {
                const pairs = new Map();
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                    const el = n.parentElement;
                    if (!el || !el.getClientRects().length) {
                        continue;
                    }
                    const cs = getComputedStyle(el);
                    if (cs.visibility === 'hidden' || cs.display === 'none') {
                        continue;
                    }
                    const font = `${cs.fontStyle} ${cs.fontWeight} 32px ${cs.fontFamily}`;
                    for (const ch of n.textContent) {
                        if (ch.codePointAt(0) > 0x7e && !/\s/.test(ch)) {
                            pairs.set(font + '\u0000' + ch, [font, ch]);
                        }
                    }
                }
                const canvas = document.createElement('canvas');
                canvas.width = 48;
                canvas.height = 48;
                const ctx = canvas.getContext('2d', { willReadFrequently: true });
                const draw = (font, ch) => {
                    ctx.clearRect(0, 0, 48, 48);
                    ctx.font = font;
                    ctx.textBaseline = 'top';
                    ctx.fillText(ch, 4, 4);
                    return ctx.getImageData(0, 0, 48, 48).data.join(',') + '|' + ctx.measureText(ch).width;
                };
                // The "no glyph" box (.notdef) of each font, drawn from two unassigned code points
                // that no font has: U+0378 and U+50000. If they differ, the font has no single
                // .notdef drawing and the pair cannot be judged: say so.
                const tofu = new Map();
                const bad = [];
                for (const [font, ch] of pairs.values()) {
                    if (!tofu.has(font)) {
                        const a = draw(font, '\u0378');
                        tofu.set(font, a === draw(font, String.fromCodePoint(0x50000)) ? a : null);
                        if (tofu.get(font) === null) {
                            bad.push(`(cannot judge: ${font} draws two unassigned code points differently)`);
                        }
                    }
                    if (tofu.get(font) !== null && draw(font, ch) === tofu.get(font)) {
                        bad.push(`${ch} (U+${ch.codePointAt(0).toString(16).toUpperCase()}) in ${font}`);
                    }
                }
                return { bad, checked: pairs.size };
            });
            ok(missing.bad.length === 0, `${ZH}/${name}: no glyph for ${missing.bad.slice(0, 8).join('; ')}`);
            // Which fonts draw the Chinese text (for the report).
            const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
            const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#mdbook-content main p' })
                .catch(() => ({ nodeId: 0 }));
            if (nodeId) {
                const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
                fonts.forEach(f => cjkFonts.add(f.familyName));
            }
        }
        if (shots) {
            await mkdir(shots, { recursive: true });
            await page.screenshot({ path: path.join(shots, `zh-CN-${name.replace(/\.html$/, '')}-${width}.png`), fullPage: true });
        }
    }
}
console.log(`  ${zhPages.length} pages x 2 widths; fonts drawing the first paragraphs: ${[...cjkFonts].join(', ')}`);
ok(pageErrors.length === 0, `JavaScript errors: ${pageErrors.slice(0, 5).join(' | ')}`);

await context.close();
server.close();
await rm(profile, { recursive: true, force: true });
if (failures.length) {
    console.log(`search: ${checks - failures.length} passed, ${failures.length} failed`);
    process.exit(1);
}
console.log(`search: ${checks} passed, 0 failed`);
