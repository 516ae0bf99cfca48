// Search that works in Chinese and in English: mdBook's search box, in mdBook's place, over Pagefind.
//
// mdBook's built-in index (elasticlunr) splits text at spaces, so it holds no Chinese words at all
// (rust-lang/mdBook#1081). Pagefind splits Chinese into words. book/check/search/build-index.mjs
// indexes both built editions into book/book/pagefind/ (one index per <html lang>); this script
// puts the same button, box and result list that mdBook shows (same ids and classes, so the theme's
// CSS and the `s` and `/` keys work as before) and asks Pagefind. Loaded by `additional-js` in
// book.toml (helper F); book.toml turns mdBook's own search off.
(function () {
    'use strict';
    const ZH = 'zh-CN';
    const isZh = document.documentElement.lang === ZH;
    const T = isZh
        ? {
            toggle: '搜索（/）',
            placeholder: '搜索本书……',
            none: q => `没有找到“${q}”。`,
            some: (n, q) => `“${q}”的搜索结果：${n} 条`,
            failed: '搜索索引没有加载（本地打开的 file:// 页面不能搜索：请用 `mdbook serve` 或任何网页服务器）。',
        }
        : {
            toggle: 'Search (`/`)',
            placeholder: 'Search this book ...',
            none: q => `No search results for '${q}'.`,
            some: (n, q) => `${n} search result${n === 1 ? '' : 's'} for '${q}':`,
            failed: 'The search index did not load (a page opened as file:// cannot search: use `mdbook serve` or any web server).',
        };
    const MAX_RESULTS = 12;

    // The edition's root (book/ or book/zh-CN/) and the site's root (book/), from `path_to_root`.
    const editionRoot = new URL((typeof path_to_root === 'string' && path_to_root) || './', window.location.href);
    const siteRoot = isZh ? new URL('../', editionRoot) : editionRoot;

    const ICON_SEARCH = '<span class=fa-svg><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
        + '<path d="M416 208c0 45.9-14.9 88.3-40 122.7L502.6 457.4c12.5 12.5 12.5 32.8 0 45.3s-32.8 12.5-45.3 0'
        + 'L330.7 376c-34.4 25.2-76.8 40-122.7 40C93.1 416 0 322.9 0 208S93.1 0 208 0S416 93.1 416 208zM208 352'
        + 'c79.5 0 144-64.5 144-144s-64.5-144-144-144S64 128.5 64 208s64.5 144 144 144z"/></svg></span>';

    // The markup mdBook's index.hbs has when search is enabled.
    const leftButtons = document.querySelector('#mdbook-menu-bar .left-buttons');
    const menuBar = document.getElementById('mdbook-menu-bar');
    if (!leftButtons || !menuBar || document.getElementById('mdbook-search-toggle')) {
        return;
    }
    const toggle = document.createElement('button');
    toggle.id = 'mdbook-search-toggle';
    toggle.className = 'icon-button';
    toggle.type = 'button';
    toggle.title = T.toggle;
    toggle.setAttribute('aria-label', T.toggle);
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-keyshortcuts', '/ s');
    toggle.setAttribute('aria-controls', 'mdbook-searchbar');
    toggle.innerHTML = ICON_SEARCH;
    leftButtons.appendChild(toggle);

    const wrap = document.createElement('div');
    wrap.id = 'mdbook-search-wrapper';
    wrap.className = 'hidden';
    wrap.innerHTML = '<form id="mdbook-searchbar-outer" class="searchbar-outer" role="search">'
        + '<div class="search-wrapper"><input type="search" id="mdbook-searchbar" name="searchbar" '
        + 'autocomplete="off" aria-controls="mdbook-searchresults-outer" '
        + 'aria-describedby="mdbook-searchresults-header"></div></form>'
        + '<div id="mdbook-searchresults-outer" class="searchresults-outer hidden">'
        + '<div id="mdbook-searchresults-header" class="searchresults-header" aria-live="polite"></div>'
        + '<ul id="mdbook-searchresults"></ul></div>';
    menuBar.insertAdjacentElement('afterend', wrap);

    const bar = document.getElementById('mdbook-searchbar');
    const outer = document.getElementById('mdbook-searchbar-outer');
    const resultsOuter = document.getElementById('mdbook-searchresults-outer');
    const header = document.getElementById('mdbook-searchresults-header');
    const list = document.getElementById('mdbook-searchresults');
    bar.placeholder = T.placeholder;

    // book.js asks this before it turns ← and → into "previous/next chapter".
    window.search = window.search || {};
    window.search.hasFocus = () => document.activeElement === bar;

    // Chinese: the index has one entry per Chinese character (book/check/search/build-index.mjs
    // says why), so a Chinese word is searched as the exact sequence of its characters, and the
    // spaces the index put between them are taken out of what is shown.
    const HAN_PAIR = /(\p{Script=Han})(?=\p{Script=Han})/gu;
    function pagefindQuery(query) {
        return query.replace(HAN_PAIR, '$1 ');
    }
    // A query that is one run of Chinese (and nothing else) must match its characters in this
    // order, next to each other: Pagefind finds the pages with all of them, and the page's text
    // says whether they stand together. (Pagefind's own exact search, "…", returns only one
    // section per page, so it cannot point at the right section.)
    function isChineseWord(query) {
        return /^[\p{Script=Han}]+$/u.test(query);
    }
    function plain(html) {
        return unspace(html.replace(/<[^>]*>/g, ''));
    }
    function unspace(html) {
        return html
            .replace(/(\p{Script=Han})(<\/mark>)?\s+(<mark>)?(?=\p{Script=Han})/gu, '$1$2$3')
            .replace(/<\/mark><mark>/g, '');
    }

    let pagefind = null;
    function loadPagefind() {
        if (!pagefind) {
            pagefind = import(new URL('pagefind/pagefind.js', siteRoot).href).then(async pf => {
                // Result URLs are relative to the site's root, wherever the book is served.
                await pf.options({ baseUrl: siteRoot.pathname });
                await pf.init();
                return pf;
            });
        }
        return pagefind;
    }

    function show(yes) {
        wrap.classList.toggle('hidden', !yes);
        toggle.setAttribute('aria-expanded', String(yes));
        if (yes) {
            loadPagefind().catch(() => {});
            window.scrollTo(0, 0);
            bar.focus();
            bar.select();
        }
    }

    function escapeText(s) {
        const d = document.createElement('div');
        d.textContent = s;
        return d.innerHTML;
    }

    // One result per page. A page named after the query (端口, Ports for "port") is the answer
    // itself: the link opens it at its top. Otherwise the link opens the page's best section for
    // the query: one whose heading holds it (SO_REUSEADDR opens "TIME_WAIT and SO_REUSEADDR"),
    // else the top of a page whose title holds it, else Pagefind's sub-result with the most hits.
    function titleOf(page) {
        return unspace(page.meta && page.meta.title ? page.meta.title : page.url);
    }
    function holds(text, query) {
        return text.toLowerCase().includes(query.toLowerCase());
    }
    function namedAfter(page, query) {
        const t = titleOf(page).toLowerCase();
        const q = query.toLowerCase();
        return t === q || t === q + 's';
    }
    function entry(page, query) {
        const title = titleOf(page);
        let best = null;
        if (!namedAfter(page, query)) {
            const subs = (page.sub_results || []).filter(s => s.url && s.url.includes('#'));
            // (the first sub-result is the page's own title: a section below it is more precise)
            best = [...subs.slice(1), ...subs.slice(0, 1)]
                .find(s => s.title && holds(unspace(s.title), query)) || null;
            if (!best && !holds(title, query)) {
                const word = isChineseWord(query);
                for (const s of subs) {
                    const hits = (s.locations || []).length;
                    if (word && !plain(s.excerpt || '').includes(query)) {
                        continue; // its characters, but not side by side
                    }
                    if (hits > 0 && (!best || hits > (best.locations || []).length)) {
                        best = s;
                    }
                }
            }
        }
        const url = best ? best.url : page.url;
        const section = best && best.title ? unspace(best.title) : '';
        const crumb = section && section !== title
            ? escapeText(title) + ' » ' + escapeText(section)
            : escapeText(title);
        const excerpt = best ? best.excerpt : page.excerpt;
        return { url, crumb, excerpt };
    }

    // Pages whose title holds the query come first, then pages with a section named after it,
    // then the others. Within each group: for a Chinese word, how often it occurs (Pagefind's
    // score counts its characters one by one); otherwise Pagefind's order.
    function rank(pages, query, exact) {
        const needle = query.replace(HAN_PAIR, '$1 ');
        const count = p => (exact ? (p.content || '').split(needle).length - 1 : 0);
        const named = p => (holds(titleOf(p), query) ? 2
            : (p.sub_results || []).some(s => s.title && holds(unspace(s.title), query)) ? 1 : 0);
        return pages
            .map((p, i) => ({ p, i, t: named(p), n: count(p) }))
            .sort((a, b) => b.t - a.t || b.n - a.n || a.i - b.i)
            .map(x => x.p);
    }

    let latest = 0;
    async function run(query) {
        const mine = ++latest;
        if (query === '') {
            resultsOuter.classList.add('hidden');
            list.replaceChildren();
            return;
        }
        outer.classList.add('searching');
        let pages;
        try {
            const pf = await loadPagefind();
            const exact = isChineseWord(query);
            const found = await pf.debouncedSearch(pagefindQuery(query), {}, 150);
            if (found === null || mine !== latest) {
                return; // a newer query replaced this one
            }
            // The book has a few dozen pages: load every result's data to rank them.
            pages = await Promise.all(found.results.slice(0, 100).map(r => r.data()));
            if (exact) {
                const needle = pagefindQuery(query);
                pages = pages.filter(p => (p.content || '').includes(needle));
            }
            pages = rank(pages, query, exact).slice(0, MAX_RESULTS);
        } catch (e) {
            if (mine === latest) {
                header.textContent = T.failed;
                list.replaceChildren();
                resultsOuter.classList.remove('hidden');
                outer.classList.remove('searching');
            }
            return;
        }
        if (mine !== latest) {
            return;
        }
        header.textContent = pages.length ? T.some(pages.length, query) : T.none(query);
        list.replaceChildren(...pages.map(p => {
            const e = entry(p, query);
            const li = document.createElement('li');
            const a = document.createElement('a');
            a.href = e.url;
            a.innerHTML = unspace(e.crumb);
            const teaser = document.createElement('span');
            teaser.className = 'teaser';
            teaser.innerHTML = unspace(e.excerpt); // Pagefind's excerpt: escaped text, <mark> around hits
            li.append(a, teaser);
            return li;
        }));
        resultsOuter.classList.remove('hidden');
        outer.classList.remove('searching');
        const url = new URL(window.location.href);
        url.searchParams.set('search', query);
        history.replaceState(history.state, '', url.href);
    }

    bar.addEventListener('input', () => run(bar.value.trim()));
    outer.addEventListener('submit', e => e.preventDefault());
    toggle.addEventListener('click', () => show(wrap.classList.contains('hidden')));

    function focused() {
        return list.querySelector('li.focus');
    }
    document.addEventListener('keydown', e => {
        if (e.altKey || e.ctrlKey || e.metaKey) {
            return;
        }
        const inBar = document.activeElement === bar;
        const typing = !inBar && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
        if (typing) {
            return;
        }
        if (e.key === 'Escape' && !wrap.classList.contains('hidden')) {
            e.preventDefault();
            show(false);
            const url = new URL(window.location.href);
            url.searchParams.delete('search');
            history.replaceState(history.state, '', url.href);
        } else if (!inBar && (e.key === 's' || e.key === '/') && !e.shiftKey) {
            e.preventDefault();
            show(true);
        } else if (inBar && (e.key === 'Enter' || e.key === 'ArrowDown')) {
            const first = list.querySelector('li');
            if (first) {
                e.preventDefault();
                if (e.key === 'Enter') {
                    window.location.assign(first.querySelector('a').href);
                } else {
                    bar.blur();
                    first.classList.add('focus');
                }
            }
        } else if (!inBar && focused() && /^(ArrowDown|ArrowUp|Enter)$/.test(e.key)) {
            e.preventDefault();
            const f = focused();
            if (e.key === 'Enter') {
                window.location.assign(f.querySelector('a').href);
                return;
            }
            const next = e.key === 'ArrowDown' ? f.nextElementSibling : f.previousElementSibling;
            f.classList.remove('focus');
            if (next) {
                next.classList.add('focus');
                next.scrollIntoView({ block: 'nearest' });
            } else {
                bar.focus();
            }
        }
    });

    // A link with ?search=… opens the box with that search (as mdBook's own search does).
    const asked = new URL(window.location.href).searchParams.get('search');
    if (asked) {
        show(true);
        bar.value = asked;
        run(asked.trim());
    }
})();
