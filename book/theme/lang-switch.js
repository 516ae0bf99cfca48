// Language switch: English ⇄ 中文, to the same page (and the same section) of the other edition.
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

    // Keep the section: a reader who scrolled to a heading switches to the same heading.
    link.addEventListener('click', function () {
        link.href = new URL(link.href.split('#')[0] + window.location.hash).href;
    });

    const buttons = document.querySelector('#mdbook-menu-bar .right-buttons')
        || document.querySelector('.right-buttons');
    if (buttons) {
        buttons.insertBefore(link, buttons.firstChild);
    }
})();
