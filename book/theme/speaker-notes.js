// Speaker notes: hidden from students, shown to a teacher by one switch in the page header.
//
// A page writes its notes as
//
//     <details class="speaker-notes">
//     <summary>Speaker notes</summary>
//     …
//     </details>
//
// book/theme/custom.css hides every such block unless <html> has the class `net-basics-notes-shown`.
// This script puts a toggle button in mdBook's menu bar (on pages that have notes, and on
// print.html), remembers the choice in localStorage (so it holds on every page and in every tab
// of the book, both editions), and opens the notes when it shows them. It is a real <button>
// with aria-pressed: Tab reaches it, Enter and Space press it, and a screen reader says whether it
// is on. Its name is in the page's language. Idea and storage taken from Comprehensive Rust's
// theme/speaker-notes.js (google/comprehensive-rust), which keeps its notes in a collapsed block
// with a pop-out window; here the notes are not shown at all until the switch is on.
//
// Also here, for every collapsed block (<details>, such as "Deeper: …" boxes and answers): a link
// to a heading or an element inside a closed block opens that block, so that a link (or a search
// result) never lands on something hidden. The HTML standard now asks browsers to do this
// themselves when they scroll to a fragment ("ancestor details revealing"), and Chromium 156 does
// (tried here: book/check/layout/check.mjs passes without this code); this is for a browser that
// does not yet. Speaker notes stay hidden while the switch is off.
// Loaded by `additional-js` in book/book.toml.
(function () {
    'use strict';
    const KEY = 'net-basics.speaker-notes';
    const SHOWN = 'net-basics-notes-shown';
    const isZh = document.documentElement.lang === 'zh-CN';
    const NAME = isZh ? '讲师备注' : 'Speaker notes';
    const TITLE = isZh
        ? '讲师备注：显示或隐藏（为讲课的老师准备；学生默认看不到）'
        : 'Speaker notes: show or hide (for whoever teaches this page; hidden by default)';

    // localStorage can be missing or refuse (a page opened as file:// in some browsers, private
    // windows): then the switch still works, for this page only.
    let remembered = false;
    function load() {
        try {
            return window.localStorage.getItem(KEY) === 'shown';
        } catch {
            return remembered;
        }
    }
    function save(on) {
        remembered = on;
        try {
            if (on) {
                window.localStorage.setItem(KEY, 'shown');
            } else {
                window.localStorage.removeItem(KEY);
            }
        } catch { /* see load() */ }
    }

    const notes = () => document.querySelectorAll('details.speaker-notes');
    const isPrint = /\/print\.html$/.test(window.location.pathname);
    let button = null;

    function apply(on) {
        document.documentElement.classList.toggle(SHOWN, on);
        if (on) {
            notes().forEach(d => { d.open = true; });
        }
        if (button) {
            button.setAttribute('aria-pressed', String(on));
        }
    }

    if (notes().length > 0 || isPrint) {
        button = document.createElement('button');
        button.id = 'net-basics-notes-toggle';
        button.type = 'button';
        button.className = 'icon-button';
        button.title = TITLE;
        button.setAttribute('aria-label', NAME);
        // A board on a stand (drawn here; mdBook's icons are Font Awesome, which has no such icon
        // in mdBook's copy).
        button.innerHTML = '<span class="fa-svg"><svg xmlns="http://www.w3.org/2000/svg" '
            + 'viewBox="0 0 512 512" aria-hidden="true"><path fill-rule="evenodd" d="M48 32h416a32 32 0 0 1 32 32'
            + 'v256a32 32 0 0 1-32 32H48a32 32 0 0 1-32-32V64a32 32 0 0 1 32-32zm16 48v224h384V80z"/>'
            + '<path d="M112 128h288v32H112zm0 64h192v32H112z"/>'
            + '<path d="M240 352h32v64h-32zM160 480l80-64h32l80 64h-40l-56-44-56 44z"/></svg></span>';
        button.addEventListener('click', () => {
            const on = !document.documentElement.classList.contains(SHOWN);
            save(on);
            apply(on);
        });
        const buttons = document.querySelector('#mdbook-menu-bar .right-buttons')
            || document.querySelector('.right-buttons');
        if (buttons) {
            buttons.insertBefore(button, buttons.firstChild);
        }
    }
    apply(load());

    // Another tab of the book turned the notes on or off: follow it.
    window.addEventListener('storage', e => {
        if (e.key === KEY || e.key === null) {
            apply(load());
        }
    });

    // A link into a closed block opens it (and every closed block around it).
    function reveal() {
        const id = decodeURIComponent(window.location.hash.slice(1));
        const target = id && document.getElementById(id);
        if (!target) {
            return;
        }
        let opened = false;
        for (let d = target.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
            if (d.classList.contains('speaker-notes') && !document.documentElement.classList.contains(SHOWN)) {
                return;
            }
            if (!d.open) {
                d.open = true;
                opened = true;
            }
        }
        if (opened) {
            target.scrollIntoView();
        }
    }
    window.addEventListener('hashchange', reveal);
    reveal();
})();
