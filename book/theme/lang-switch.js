// Language switch: English ⇄ 中文, to the same page and section of the other edition.
//
// The English edition is built to book/book/, the Chinese one (gettext, book/po/zh-CN.po) to
// book/book/zh-CN/, with the same file names. mdBook gives every page `path_to_root` (the edition's
// root, relative to this page) and <html lang="…">, so the other edition's page is found without
// knowing where the book is served. Loaded by `additional-js` in book.toml (helper F).
(function () {
    'use strict';
    const ZH = 'zh-CN';
    const lang = document.documentElement.lang;
    const root = new URL((typeof path_to_root === 'string' && path_to_root) || './', window.location.href);
    let page = window.location.pathname.startsWith(root.pathname)
        ? window.location.pathname.slice(root.pathname.length)
        : '';
    if (page === '' || page.endsWith('/')) {
        page += 'index.html';
    }
    const isZh = lang === ZH;
    const target = isZh
        ? new URL('../' + page, root) // book/zh-CN/x.html -> book/x.html
        : new URL(ZH + '/' + page, root); // book/x.html -> book/zh-CN/x.html

    const link = document.createElement('a');
    link.id = 'net-basics-lang-switch';
    link.className = 'net-basics-lang-switch';
    link.href = target.href;
    link.hreflang = isZh ? 'en' : ZH;
    link.lang = isZh ? 'en' : ZH;
    link.textContent = isZh ? 'English' : '中文';
    link.title = isZh ? 'Read this page in English' : '用中文阅读本页';
    link.setAttribute('aria-label', link.title);
    // Looks like the menu bar's icon buttons (their colours come from the theme's variables).
    Object.assign(link.style, {
        display: 'inline-block',
        padding: '0 8px',
        lineHeight: 'var(--menu-bar-height, 50px)',
        fontSize: '1.5rem',
        fontWeight: '600',
        color: 'var(--icons)',
        textDecoration: 'none',
        whiteSpace: 'nowrap',
    });

    // Keep the section too: both editions have the same anchors (book/po/align-anchors.mjs gives the
    // translated headings the English ones), so the link carries the heading the reader is at.
    function currentSection() {
        if (window.location.hash) {
            return window.location.hash;
        }
        // The last heading above the top of the window; none (the page's top) while the reader
        // is still at the page's first heading.
        let at = '';
        document.querySelectorAll('#mdbook-content main :is(h1, h2, h3, h4)[id]').forEach((h, i) => {
            if (i > 0 && h.getBoundingClientRect().top <= 80) {
                at = '#' + h.id;
            }
        });
        return at;
    }
    link.addEventListener('click', function () {
        const to = new URL(target.href);
        to.hash = currentSection();
        link.href = to.href;
    });

    // Chinese breaks between any two characters, so on a phone a table's narrowest column can
    // shrink to one character a line (知/名/端/口). Give table cells a width of a few characters,
    // and keep a short bold term in a table on one line.
    if (isZh) {
        const style = document.createElement('style');
        style.textContent = 'html[lang="zh-CN"] .content :is(td, th) { min-width: 3em; }'
            + ' html[lang="zh-CN"] .content td strong { word-break: keep-all; }';
        document.head.appendChild(style);
    }

    // mdBook's own buttons have English titles (the theme is not translated): name them in Chinese.
    if (isZh) {
        const names = [
            ['#mdbook-sidebar-toggle', '目录'],
            ['#mdbook-theme-toggle', '配色'],
            ['a[href$="print.html"]', '打印全书'],
            ['.nav-chapters.previous, .mobile-nav-chapters.previous', '上一章'],
            ['.nav-chapters.next, .mobile-nav-chapters.next', '下一章'],
        ];
        for (const [selector, name] of names) {
            document.querySelectorAll(selector).forEach(el => {
                el.title = name;
                el.setAttribute('aria-label', name);
            });
        }
    }

    // The label of a collapsed block is a paragraph inside <summary> (book/po/summary_paragraphs.py
    // makes it one, so that it is translated): keep it on the line of the ▶ marker.
    const summaryStyle = document.createElement('style');
    summaryStyle.textContent = '.content summary > p { display: inline; margin: 0; }';
    document.head.appendChild(summaryStyle);

    const buttons = document.querySelector('#mdbook-menu-bar .right-buttons')
        || document.querySelector('.right-buttons');
    if (buttons) {
        buttons.insertBefore(link, buttons.firstChild);
    }
})();
