//! The book can be trusted: every page exists, every listing it includes exists, every file a
//! student works with is shown in it, every link lands, and every Rust snippet is compiled.
//!
//! These tests read `book/src` as text, the way mdBook's preprocessor does, so they need no
//! mdBook. They do not depend on the `solutions` feature. Each failure names the page and line
//! and says what to change.
//!
//! What mdBook does, and these tests mirror:
//! - `{{#include PATH}}`, `{{#include PATH:ANCHOR}}` and `{{#include PATH:START:END}}` (also
//!   `rustdoc_include` and `playground`) are replaced by the file's text, *anywhere* in a page,
//!   code blocks included; the path is relative to the page. `\{{#include …}}` is left alone.
//! - An anchor is the lines between `ANCHOR: name` and `ANCHOR_END: name`, in any comment style.
//! - A heading's id is its text, lower-cased, with spaces turned into `-` and everything but
//!   letters, digits, `_` and `-` dropped; a repeated id gets `-1`, `-2`, …

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn every_page_in_summary_exists() {
    let mut problems = Vec::new();
    for (line, target) in summary_links() {
        let path = book_src().join(&target);
        if !path.is_file() {
            problems.push(format!(
                "book/src/SUMMARY.md:{line}: the contents list `{target}`, but book/src/{target} does not \
                 exist — create the page, or fix the link (mdBook would create an empty page silently)"
            ));
        }
    }
    assert_no_problems("pages listed in SUMMARY.md", problems);
}

#[test]
fn every_page_is_in_summary() {
    let listed: HashSet<PathBuf> = summary_links()
        .into_iter()
        .map(|(_, target)| normalize(&book_src().join(target)))
        .collect();
    let problems = pages()
        .into_iter()
        .filter(|page| page.rel != "SUMMARY.md" && !listed.contains(&normalize(&page.path)))
        .map(|page| {
            format!(
                "book/src/{}: this page is not listed in book/src/SUMMARY.md, so mdBook does not \
                 build it and no reader can reach it — add a line `- [Title]({})` to SUMMARY.md, or \
                 delete the page",
                page.rel, page.rel
            )
        })
        .collect();
    assert_no_problems("pages missing from SUMMARY.md", problems);
}

#[test]
fn every_include_path_and_anchor_resolves() {
    let mut problems = Vec::new();
    for page in pages() {
        for include in includes(&page.text) {
            let at = format!(
                "book/src/{}:{}: `{}`",
                page.rel, include.line, include.directive
            );
            let path = page_dir(&page).join(&include.path);
            let Ok(text) = fs::read_to_string(&path) else {
                problems.push(format!(
                    "{at}: there is no file {} (the path is relative to the page, book/src/{}) — \
                     fix the path",
                    shown(&path),
                    page.rel
                ));
                continue;
            };
            match &include.selector {
                Selector::Whole => {}
                Selector::Anchor(name) => {
                    if let Err(why) = check_anchor(&text, name) {
                        problems.push(format!(
                            "{at}: {why} in {} — mark the region in that file with \
                             `// ANCHOR: {name}` and `// ANCHOR_END: {name}`",
                            shown(&path)
                        ));
                    }
                }
                Selector::Lines { start } => {
                    let lines = text.lines().count();
                    if *start > lines {
                        problems.push(format!(
                            "{at}: starts at line {start}, but {} has only {lines} lines — prefer an \
                             anchor (`// ANCHOR: name`), which moves with the code",
                            shown(&path)
                        ));
                    }
                }
            }
        }
    }
    assert_no_problems("{{#include}}s that do not resolve", problems);
}

#[test]
fn every_example_is_shown_in_the_book() {
    assert_every_file_included("examples", |name| name.ends_with(".rs"), false);
}

#[test]
fn every_exercise_is_shown_in_the_book() {
    assert_every_file_included("exercises", is_lesson_file, false);
}

#[test]
fn every_solution_is_shown_collapsed_in_the_book() {
    assert_every_file_included("solutions", is_lesson_file, true);
}

#[test]
fn internal_links_resolve() {
    let mut problems = Vec::new();
    for page in pages().into_iter().filter(|page| page.rel != "SUMMARY.md") {
        for link in links(&page.text) {
            if let Err(why) = check_link(&page, &link.target) {
                problems.push(format!(
                    "book/src/{}:{}: the link `{}` {why}",
                    page.rel, link.line, link.target
                ));
            }
        }
    }
    assert_no_problems("links that do not land", problems);
}

#[test]
fn every_code_block_names_its_language() {
    let mut problems = Vec::new();
    for page in pages() {
        for fence in fences(&page.text) {
            if fence.info.is_empty() {
                problems.push(format!(
                    "book/src/{}:{}: a code block without a language — rustdoc compiles such a block \
                     as Rust (src/book_doctests.rs), and the reader gets no highlighting; write \
                     ```text, ```console, ```sh, ```python or ```rust",
                    page.rel, fence.line
                ));
            }
        }
    }
    assert_no_problems("code blocks without a language", problems);
}

#[test]
fn rust_blocks_that_include_files_are_ignored_by_rustdoc() {
    let mut problems = Vec::new();
    for page in pages() {
        for fence in fences(&page.text) {
            let attributes: Vec<&str> = fence
                .info
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|word| !word.is_empty())
                .collect();
            if attributes.first() != Some(&"rust") || attributes.contains(&"ignore") {
                continue;
            }
            if let Some(include) = includes(&fence.body).first() {
                problems.push(format!(
                    "book/src/{}:{}: this ```{} block contains `{}` — rustdoc compiles the page's \
                     Rust blocks and would see only the include line, not the file; write \
                     ```rust,ignore (cargo compiles the included file itself)",
                    page.rel, fence.line, fence.info, include.directive
                ));
            }
        }
    }
    assert_no_problems(
        "Rust blocks with includes that rustdoc would compile",
        problems,
    );
}

#[test]
fn every_page_is_compiled_by_book_doctests() {
    let module = root().join("src/book_doctests.rs");
    let text = fs::read_to_string(&module).expect("src/book_doctests.rs exists");
    let compiled: HashSet<String> = text
        .split("include_str!(\"../book/src/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect();
    let problems = summary_links()
        .into_iter()
        .filter(|(_, target)| !compiled.contains(target.trim_start_matches("./")))
        .map(|(line, target)| {
            let module_name: String = target
                .trim_end_matches(".md")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            format!(
                "book/src/SUMMARY.md:{line}: the page `{target}` is not compiled by \
                 src/book_doctests.rs, so its Rust snippets are never checked — add there:\n\
                 \x20   #[doc = include_str!(\"../book/src/{target}\")]\n\
                 \x20   pub mod page_{module_name} {{}}"
            )
        })
        .collect();
    assert_no_problems("pages whose Rust snippets are not compiled", problems);
}

/// The Troubleshooting appendix quotes the examples' error messages word for word, so a reader
/// can search the page for what their terminal says. If `src/explain.rs` changes a message,
/// update the quote in book/src/appendix-troubleshooting.md.
#[test]
fn troubleshooting_quotes_the_real_error_messages() {
    use net_basics::explain::{bind_error, connect_error, connection_lost};
    use std::io::{Error, ErrorKind};

    let page = "appendix-troubleshooting.md";
    let text = fs::read_to_string(book_src().join(page)).expect("the Troubleshooting page exists");
    let addr = |text: &str| text.parse().expect("a valid socket address literal");
    let quoted = [
        bind_error(addr("127.0.0.1:8000"), &Error::from(ErrorKind::AddrInUse)),
        bind_error(
            addr("127.0.0.1:80"),
            &Error::from(ErrorKind::PermissionDenied),
        ),
        bind_error(
            addr("192.0.2.1:8000"),
            &Error::from(ErrorKind::AddrNotAvailable),
        ),
        connect_error(
            addr("127.0.0.1:8000"),
            &Error::from(ErrorKind::ConnectionRefused),
        ),
        connect_error(
            addr("[::1]:8000"),
            &Error::from(ErrorKind::ConnectionRefused),
        ),
        connect_error(addr("192.168.1.50:8000"), &Error::from(ErrorKind::TimedOut)),
        connect_error(
            addr("10.1.2.3:8000"),
            &Error::from(ErrorKind::NetworkUnreachable),
        ),
        // The end of this one is the operating system's own text; the page quotes Linux's.
        connection_lost(
            addr("127.0.0.1:8000"),
            &Error::from(ErrorKind::ConnectionReset),
        )
        .split(" (connection closed: ")
        .next()
        .expect("split always yields a first part")
        .to_owned(),
    ];
    let problems = quoted
        .iter()
        .filter(|message| !text.contains(message.as_str()))
        .map(|message| {
            format!(
                "book/src/{page} does not quote this message of src/explain.rs word for word:\n    \
                 {message}\n  — update the quote on the page (the examples print exactly this)"
            )
        })
        .collect();
    assert_no_problems("error messages quoted differently from the code", problems);
}

// ---------------------------------------------------------------------------------------------
// Files and pages
// ---------------------------------------------------------------------------------------------

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn book_src() -> PathBuf {
    root().join("book/src")
}

/// A Markdown page under book/src.
struct Page {
    /// Its path relative to book/src, with `/`, e.g. `02-ports.md`.
    rel: String,
    path: PathBuf,
    text: String,
}

fn page_dir(page: &Page) -> PathBuf {
    page.path
        .parent()
        .expect("a page is a file inside book/src")
        .to_path_buf()
}

/// Every `.md` file under book/src, sorted.
fn pages() -> Vec<Page> {
    let mut found = Vec::new();
    collect_files(&book_src(), &mut found);
    found.sort();
    found
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| Page {
            rel: relative_to(&path, &book_src()),
            text: fs::read_to_string(&path).unwrap_or_else(|err| panic!("read {path:?}: {err}")),
            path,
        })
        .collect()
}

fn collect_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, found);
        } else {
            found.push(path);
        }
    }
}

/// The links of SUMMARY.md, as (line number, target relative to book/src). Draft chapters,
/// `[Title]()`, have no file and are skipped.
fn summary_links() -> Vec<(usize, String)> {
    let text =
        fs::read_to_string(book_src().join("SUMMARY.md")).expect("book/src/SUMMARY.md exists");
    links(&text)
        .into_iter()
        .filter(|link| !link.target.is_empty())
        .map(|link| (link.line, link.target))
        .collect()
}

/// `path` relative to `base`, with `/` separators.
fn relative_to(path: &Path, base: &Path) -> String {
    let path = normalize(path);
    let rel = path.strip_prefix(normalize(base)).unwrap_or(&path);
    rel.components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A path as the reader of a failure message knows it: relative to the crate's root.
fn shown(path: &Path) -> String {
    relative_to(path, &root())
}

/// Resolves `.` and `..` without touching the file system (the file may not exist).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The lesson's files in exercises/ and solutions/: `exNN_*.rs` (not `mod.rs`).
fn is_lesson_file(name: &str) -> bool {
    name.starts_with("ex") && name.ends_with(".rs")
}

/// Fails unless every matching file in `folder` is `{{#include}}`d by some page — inside a
/// collapsed `<details>` block at least once, when `collapsed`.
#[track_caller]
fn assert_every_file_included(folder: &str, wanted: fn(&str) -> bool, collapsed: bool) {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join(folder))
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default();
    files.retain(|path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(wanted)
    });
    files.sort();

    let mut anywhere = HashSet::new();
    let mut in_details = HashSet::new();
    for page in pages() {
        let depth = details_depth_by_line(&page.text);
        for include in includes(&page.text) {
            let path = normalize(&page_dir(&page).join(&include.path));
            if depth.get(include.line - 1).is_some_and(|&d| d > 0) {
                in_details.insert(path.clone());
            }
            anywhere.insert(path);
        }
    }

    let mut problems = Vec::new();
    for file in files {
        let name = shown(&file);
        let path = normalize(&file);
        if !anywhere.contains(&path) {
            problems.push(format!(
                "{name} is not shown anywhere in the book — include it (or an anchored part of it) \
                 in its chapter: ```rust,ignore then {{{{#include ../../{name}:ANCHOR}}}} then ```"
            ));
        } else if collapsed && !in_details.contains(&path) {
            problems.push(format!(
                "{name} is shown in the book, but never collapsed — a reference answer belongs under \
                 the exercise in <details><summary>Solution</summary> … </details>, so that a \
                 student tries first"
            ));
        }
    }
    let what = if collapsed {
        format!("files of {folder}/ not shown collapsed in the book")
    } else {
        format!("files of {folder}/ not shown in the book")
    };
    assert_no_problems(&what, problems);
}

#[track_caller]
fn assert_no_problems(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} {what}:\n\n{}\n",
        problems.len(),
        problems.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Markdown, as far as these checks need it
// ---------------------------------------------------------------------------------------------

/// A fenced code block.
struct Fence {
    /// Line number (from 1) of the opening fence.
    line: usize,
    /// What follows the opening fence: `rust,ignore`, `text`, or nothing.
    info: String,
    body: String,
}

/// The fenced code blocks of a page (``` or ~~~, of any length, at any indentation).
fn fences(text: &str) -> Vec<Fence> {
    let mut found = Vec::new();
    let mut open: Option<(char, usize, Fence)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some((marker, length, info)) = fence_opening(trimmed) {
                    let fence = Fence {
                        line: index + 1,
                        info: info.to_owned(),
                        body: String::new(),
                    };
                    open = Some((marker, length, fence));
                }
            }
            Some((marker, length, fence)) => {
                let run = trimmed.chars().take_while(|c| c == marker).count();
                if run >= *length && trimmed[run..].trim().is_empty() {
                    let (_, _, fence) = open.take().expect("a fence is open here");
                    found.push(fence);
                } else {
                    fence.body.push_str(line);
                    fence.body.push('\n');
                }
            }
        }
    }
    // An unclosed fence runs to the end of the page, as in CommonMark.
    found.extend(open.map(|(_, _, fence)| fence));
    found
}

/// `(marker, length, info)` if `line` (already trimmed at the start) opens a code fence.
fn fence_opening(line: &str) -> Option<(char, usize, &str)> {
    let marker = line.chars().next().filter(|&c| c == '`' || c == '~')?;
    let length = line.chars().take_while(|&c| c == marker).count();
    let info = line[length..].trim();
    // A backtick fence's info string cannot contain a backtick (that is inline code instead).
    (length >= 3 && !(marker == '`' && info.contains('`'))).then_some((marker, length, info))
}

/// For each line of the page: whether it is inside a fenced code block.
fn fenced_lines(text: &str) -> Vec<bool> {
    let mut inside = vec![false; text.lines().count()];
    for fence in fences(text) {
        let body_lines = fence.body.lines().count();
        // The opening fence, the body and the closing fence.
        for flag in inside.iter_mut().skip(fence.line - 1).take(body_lines + 2) {
            *flag = true;
        }
    }
    inside
}

/// For each line of the page: how many `<details>` blocks are open there.
fn details_depth_by_line(text: &str) -> Vec<usize> {
    let fenced = fenced_lines(text);
    let mut depth = 0usize;
    let mut by_line = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if !fenced[index] {
            depth += line.matches("<details").count();
            depth = depth.saturating_sub(line.matches("</details>").count());
        }
        by_line.push(depth);
    }
    by_line
}

/// An mdBook include: `{{#include PATH}}`, `{{#include PATH:ANCHOR}}`, `{{#include PATH:N:M}}`.
struct Include {
    /// Line number (from 1).
    line: usize,
    /// The whole directive, as written.
    directive: String,
    path: PathBuf,
    selector: Selector,
}

enum Selector {
    Whole,
    Anchor(String),
    Lines { start: usize },
}

/// The includes of a text, found the way mdBook finds them (anywhere, even inside inline code).
fn includes(text: &str) -> Vec<Include> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut rest = line;
        let mut offset = 0;
        while let Some(start) = rest.find("{{") {
            let escaped = line[..offset + start].ends_with('\\');
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                break;
            };
            let written = &after[..end];
            offset += start + 2 + end + 2;
            rest = &line[offset..];
            if escaped || written.contains('}') {
                continue;
            }
            let inner = written.trim_start();
            let Some(inner) = inner.strip_prefix('#') else {
                continue;
            };
            let name_len = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let (name, args) = inner.split_at(name_len);
            if !args.starts_with(char::is_whitespace) {
                continue; // `{{#include}}` with nothing after it is plain text to mdBook
            }
            let Some(spec) = args.split_whitespace().next() else {
                continue;
            };
            let (path, selector) = match name {
                "include" | "rustdoc_include" => match spec.split_once(':') {
                    None => (spec, Selector::Whole),
                    Some((path, selector)) => (path, parse_selector(selector)),
                },
                "playground" => (spec, Selector::Whole),
                _ => continue,
            };
            found.push(Include {
                line: index + 1,
                directive: format!("{{{{{written}}}}}"),
                path: PathBuf::from(path),
                selector,
            });
        }
    }
    found
}

/// What follows the path's first `:`: an anchor name, or line numbers (`10`, `10:20`, `:20`).
fn parse_selector(selector: &str) -> Selector {
    let first = selector.split(':').next().unwrap_or("");
    if first.is_empty() {
        Selector::Whole // `:END` or nothing: from the first line
    } else if let Ok(start) = first.parse::<usize>() {
        Selector::Lines { start }
    } else {
        Selector::Anchor(first.to_owned())
    }
}

/// Ok if `text` has `ANCHOR: name` and, after it, `ANCHOR_END: name`.
fn check_anchor(text: &str, name: &str) -> Result<(), String> {
    let start = text
        .lines()
        .position(|line| names_anchor(line, "ANCHOR:", name))
        .ok_or_else(|| format!("there is no `ANCHOR: {name}`"))?;
    if text
        .lines()
        .skip(start + 1)
        .any(|line| names_anchor(line, "ANCHOR_END:", name))
    {
        Ok(())
    } else {
        Err(format!(
            "`ANCHOR: {name}` (line {}) has no `ANCHOR_END: {name}` after it, so the listing would \
             run to the end of the file",
            start + 1
        ))
    }
}

/// Whether `line` holds `marker` (`ANCHOR:` or `ANCHOR_END:`) followed by exactly `name`.
fn names_anchor(line: &str, marker: &str, name: &str) -> bool {
    line.match_indices(marker).any(|(at, _)| {
        let rest = line[at + marker.len()..].trim_start();
        let word_len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        &rest[..word_len] == name
    })
}

/// A Markdown link (or image) outside code.
struct Link {
    line: usize,
    target: String,
}

/// The links of a page: `[text](target)`, `![alt](target)` and `[label]: target` definitions,
/// outside fenced code blocks and inline code.
fn links(text: &str) -> Vec<Link> {
    let fenced = fenced_lines(text);
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if fenced[index] {
            continue;
        }
        let line = without_inline_code(line);
        let mut rest = line.as_str();
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let mut depth = 0usize;
            let end = after
                .char_indices()
                .find(|&(_, c)| match c {
                    '(' => {
                        depth += 1;
                        false
                    }
                    ')' if depth == 0 => true,
                    ')' => {
                        depth -= 1;
                        false
                    }
                    _ => false,
                })
                .map_or(after.len(), |(at, _)| at);
            found.push(Link {
                line: index + 1,
                target: link_destination(&after[..end]),
            });
            rest = &after[end..];
        }
        // A reference definition: `[label]: target`.
        let trimmed = line.trim_start();
        if let Some(definition) = trimmed.strip_prefix('[') {
            if let Some((_, target)) = definition.split_once("]:") {
                found.push(Link {
                    line: index + 1,
                    target: link_destination(target),
                });
            }
        }
    }
    found
}

/// The destination of a link, without `<…>` and without a title (`"…"` after a space).
fn link_destination(raw: &str) -> String {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix('<') {
        return inner.split('>').next().unwrap_or("").to_owned();
    }
    raw.split_whitespace().next().unwrap_or("").to_owned()
}

/// `line` with the contents of inline code spans blanked out.
fn without_inline_code(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let ticks = rest[start..].chars().take_while(|&c| c == '`').count();
        let after = &rest[start + ticks..];
        let closing = "`".repeat(ticks);
        match after.find(&closing) {
            Some(end) => {
                out.push_str(&" ".repeat(ticks * 2 + end));
                rest = &after[end + ticks..];
            }
            None => {
                out.push_str(&rest[start..start + ticks]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Ok if `target`, linked from `page`, lands on a page of the book (and on a heading there).
fn check_link(page: &Page, target: &str) -> Result<(), String> {
    if target.is_empty() {
        return Err("is empty — link to a page such as `02-ports.md`".to_owned());
    }
    if target.contains("://") || target.starts_with("mailto:") || target.starts_with("//") {
        return Ok(()); // outside the book: not checked here
    }
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (target, None),
    };
    let (linked_text, linked_rel) = if path.is_empty() {
        (page.text.clone(), page.rel.clone())
    } else {
        let resolved = normalize(&page_dir(page).join(path));
        if !resolved.starts_with(normalize(&book_src())) {
            return Err(format!(
                "points outside book/src, to {}: the built book does not contain that file — \
                 include the code in a listing instead, or link to a page",
                shown(&resolved)
            ));
        }
        // mdBook turns links to `x.md` into links to `x.html`; accept either spelling.
        let source = if resolved.extension().is_some_and(|ext| ext == "html") {
            resolved.with_extension("md")
        } else {
            resolved.clone()
        };
        if !source.is_file() {
            return Err(format!(
                "points to {}, which does not exist — fix the file name (pages are listed in \
                 book/src/SUMMARY.md)",
                shown(&source)
            ));
        }
        if source.extension().is_none_or(|ext| ext != "md") {
            return Ok(()); // a picture or another file of the book: it exists, that is enough
        }
        let text = fs::read_to_string(&source).map_err(|err| format!("cannot be read: {err}"))?;
        (text, relative_to(&source, &book_src()))
    };
    let Some(fragment) = fragment.filter(|fragment| !fragment.is_empty()) else {
        return Ok(());
    };
    let ids = heading_ids(&linked_text);
    if ids.contains(fragment) {
        return Ok(());
    }
    let known: BTreeSet<&String> = ids.iter().collect();
    Err(format!(
        "points to `#{fragment}`, but book/src/{linked_rel} has no heading with that id — the ids \
         there are: {}",
        known
            .iter()
            .map(|id| format!("#{id}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The ids mdBook gives the headings of a page (and ids written in its HTML).
fn heading_ids(text: &str) -> HashSet<String> {
    let fenced = fenced_lines(text);
    let mut ids = HashSet::new();
    for (index, line) in text.lines().enumerate() {
        if fenced[index] {
            continue;
        }
        // Ids written by hand in HTML: <a id="…"></a>, <span id="…">.
        for (at, _) in line.match_indices("id=\"") {
            if let Some(id) = line[at + 4..].split('"').next() {
                ids.insert(id.to_owned());
            }
        }
        let Some(content) = atx_heading(line) else {
            continue;
        };
        // A heading attribute, `## Title {#custom-id}`, sets the id itself.
        if let Some((_, attributes)) = content.rsplit_once('{') {
            if let Some(id) = attributes
                .trim_end()
                .strip_suffix('}')
                .and_then(|attributes| attributes.split_whitespace().find(|a| a.starts_with('#')))
            {
                ids.insert(id[1..].to_owned());
                continue;
            }
        }
        let id = id_from_content(&heading_text(content));
        let mut unique = id.clone();
        let mut counter = 1;
        while !ids.insert(unique.clone()) {
            unique = format!("{id}-{counter}");
            counter += 1;
        }
    }
    ids
}

/// The content of an ATX heading (`## Title ##` gives `Title`), or `None`.
fn atx_heading(line: &str) -> Option<&str> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let line = &line[indent..];
    let level = line.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let rest = rest.trim();
    // An optional closing sequence of `#`s, after a space.
    let without_closing = rest.trim_end_matches('#');
    if without_closing.is_empty() || without_closing.ends_with([' ', '\t']) {
        Some(without_closing.trim_end())
    } else {
        Some(rest)
    }
}

/// The text of a heading as the reader sees it: code spans kept (without backticks), links
/// reduced to their text, HTML tags and emphasis markers dropped, common entities decoded.
fn heading_text(content: &str) -> String {
    let mut out = String::new();
    let mut rest = content;
    while let Some(start) = rest.find('`') {
        out.push_str(&plain_inline(&rest[..start]));
        let ticks = rest[start..].chars().take_while(|&c| c == '`').count();
        let after = &rest[start + ticks..];
        match after.find(&"`".repeat(ticks)) {
            Some(end) => {
                let code = &after[..end];
                // CommonMark strips one space on each side when both are there.
                let code = if code.len() >= 2 && code.starts_with(' ') && code.ends_with(' ') {
                    &code[1..code.len() - 1]
                } else {
                    code
                };
                out.push_str(code);
                rest = &after[end + ticks..];
            }
            None => {
                out.push_str(&rest[start..start + ticks]);
                rest = after;
            }
        }
    }
    out.push_str(&plain_inline(rest));
    out
}

/// Markdown text outside code spans, reduced to what the reader sees.
fn plain_inline(text: &str) -> String {
    // Links and images: keep the text in brackets, drop `(target)`.
    let mut kept = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("](") {
        kept.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        rest = after.find(')').map_or("", |end| &after[end + 1..]);
    }
    kept.push_str(rest);
    // HTML tags.
    let mut visible = String::new();
    let mut in_tag = false;
    for c in kept.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => visible.push(c),
            _ => {}
        }
    }
    let visible = visible
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .replace("![", "")
        .replace(['[', ']', '*'], "");
    // `_` marks emphasis at the edge of a word (`_word_`), but is part of `snake_case`.
    let chars: Vec<char> = visible.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|&(at, &c)| {
            c != '_' || {
                let before = at.checked_sub(1).and_then(|i| chars.get(i));
                let after = chars.get(at + 1);
                let wordy = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
                wordy(before) && wordy(after)
            }
        })
        .map(|(_, &c)| c)
        .collect()
}

/// mdBook's `id_from_content` (mdbook-html 0.5): lower-case; keep letters, digits, `_` and `-`;
/// whitespace becomes `-`; everything else is dropped.
fn id_from_content(content: &str) -> String {
    content
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The checks check: small cases with known answers
// ---------------------------------------------------------------------------------------------

#[test]
fn heading_ids_match_mdbook() {
    // Each id was read from the HTML that mdBook 0.5 built for this book.
    let page = "# Troubleshooting\n\
                ## Permission denied (ports below 1024)\n\
                ## Listening on 127.0.0.1 or 0.0.0.0\n\
                ## IPv6 `::1`, `127.0.0.1` and `localhost`\n\
                ### Partial writes: `send` vs `sendall`, `write` vs `write_all`\n\
                ### End of stream: `recv` returns `b''`, `read` returns `Ok(0)`\n\
                ## The lesson's four questions\n\
                ## Glossary · 术语表\n\
                ## Check yourself\n\
                ## Check yourself\n\
                ## Custom {#my-id}\n\
                ```text\n# not a heading\n```\n";
    let ids = heading_ids(page);
    for id in [
        "troubleshooting",
        "permission-denied-ports-below-1024",
        "listening-on-127001-or-0000",
        "ipv6-1-127001-and-localhost",
        "partial-writes-send-vs-sendall-write-vs-write_all",
        "end-of-stream-recv-returns-b-read-returns-ok0",
        "the-lessons-four-questions",
        "glossary--术语表",
        "check-yourself",
        "check-yourself-1",
        "my-id",
    ] {
        assert!(ids.contains(id), "expected the id {id:?} among {ids:?}");
    }
    assert!(
        !ids.contains("not-a-heading"),
        "a line in a code block is not a heading: {ids:?}"
    );
}

#[test]
fn includes_are_found_as_mdbook_finds_them() {
    let page = "```rust,ignore\n\
                {{#include ../../examples/04_time_server.rs:accept}}\n\
                ```\n\
                Write `{{#include}}` to include a file; \\{{#include escaped.rs}} stays text.\n\
                {{#include diagrams/handshake.txt}} and {{ #rustdoc_include a.rs:3:9 }}\n";
    let found = includes(page);
    let summary: Vec<(usize, String, String)> = found
        .iter()
        .map(|include| {
            let selector = match &include.selector {
                Selector::Whole => "whole".to_owned(),
                Selector::Anchor(name) => format!("anchor {name}"),
                Selector::Lines { start } => format!("from line {start}"),
            };
            (include.line, include.path.display().to_string(), selector)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                2,
                "../../examples/04_time_server.rs".to_owned(),
                "anchor accept".to_owned()
            ),
            (5, "diagrams/handshake.txt".to_owned(), "whole".to_owned()),
            (5, "a.rs".to_owned(), "from line 3".to_owned()),
        ]
    );
    assert_eq!(
        found[0].directive,
        "{{#include ../../examples/04_time_server.rs:accept}}"
    );
}

#[test]
fn anchors_match_whole_names_in_any_comment_style() {
    let file = "// ANCHOR: accept_one\nfn a() {}\n// ANCHOR_END: accept_one\n\
                # ANCHOR: py\n# ANCHOR_END: py\n<!-- ANCHOR: html -->\n";
    assert!(check_anchor(file, "accept_one").is_ok());
    assert!(check_anchor(file, "py").is_ok());
    assert!(
        check_anchor(file, "accept").is_err(),
        "`accept` is not `accept_one`"
    );
    assert!(check_anchor(file, "html").is_err(), "no ANCHOR_END: html");
}

#[test]
fn links_outside_code_are_found() {
    let page = "See [ports](02-ports.md#ephemeral-ports) and ![a picture](diagrams/x.svg).\n\
                Not `[code](nope.md)`, nor:\n\
                ```text\n[in a block](nope.md)\n```\n\
                [label]: appendix-glossary.md \"Glossary\"\n";
    let targets: Vec<(usize, String)> = links(page)
        .into_iter()
        .map(|link| (link.line, link.target))
        .collect();
    assert_eq!(
        targets,
        [
            (1, "02-ports.md#ephemeral-ports".to_owned()),
            (1, "diagrams/x.svg".to_owned()),
            (6, "appendix-glossary.md".to_owned()),
        ]
    );
}
