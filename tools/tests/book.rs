//! The book, checked with the real mdBook (0.5) and on what it builds.
//!
//! What mdBook 0.5.4 does on its own (tried on a scratch book): a missing `{{#include}}` file
//! is logged as `ERROR` but the build **exits 0**; an `{{#include file:anchor}}` whose anchor does
//! not exist is **silently** empty, exit 0; a page listed in SUMMARY.md that does not exist is
//! silently created (unless `build.create-missing = false`: then exit 101); links are not checked.
//! So these tests run `mdbook build` and fail on any ERROR or WARN line and on a missing page,
//! and check what mdBook lets through: anchors, links (on the built HTML, with mdBook's own
//! heading ids), and that every example, exercise and solution is shown (solutions collapsed).
//!
//! Needs `mdbook` 0.5 on the PATH (`cargo install mdbook --version ^0.5 --locked`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tools/ is inside the repository")
        .to_path_buf()
}

/// Every file under `dir` (recursively) whose name ends with `suffix`.
fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path, suffix));
        } else if path.to_string_lossy().ends_with(suffix) {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => drop(out.pop()),
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// An `{{#include PATH[:SELECTOR]}}` (or `rustdoc_include`, `playground`) of a page.
struct Include {
    page: String,
    line: usize,
    file: PathBuf,
    selector: Option<String>,
    in_details: bool,
}

/// Every include of every page of book/src, as mdBook finds them (anywhere on the page, code
/// blocks included; `\{{#…}}` is escaped), with whether it sits inside `<details>`.
fn includes() -> Vec<Include> {
    let src = root().join("book/src");
    let mut found = Vec::new();
    for page in files(&src, ".md") {
        let text = fs::read_to_string(&page).expect("a page of the book is readable");
        let name = page
            .strip_prefix(&src)
            .unwrap_or(&page)
            .display()
            .to_string();
        let mut details = 0usize;
        for (index, line) in text.lines().enumerate() {
            details += line.matches("<details").count();
            for (at, _) in line.match_indices("{{#") {
                let rest = &line[at + 3..];
                let Some((kind, rest)) = rest.split_once(' ') else {
                    continue;
                };
                let Some((target, _)) = rest.split_once("}}") else {
                    continue;
                };
                if !["include", "rustdoc_include", "playground"].contains(&kind)
                    || line[..at].ends_with('\\')
                {
                    continue;
                }
                let (file, selector) = match target.trim().split_once(':') {
                    Some((file, selector)) => (file, Some(selector.to_owned())),
                    None => (target.trim(), None),
                };
                found.push(Include {
                    page: name.clone(),
                    line: index + 1,
                    file: normalize(&page.parent().expect("a page is in a folder").join(file)),
                    selector,
                    in_details: details > 0,
                });
            }
            details = details.saturating_sub(line.matches("</details>").count());
        }
    }
    found
}

/// Runs `mdbook build` once per test run, into a scratch folder; returns (its output folder,
/// its stderr) or fails the test if it could not run or failed.
fn built_book() -> &'static (PathBuf, String) {
    static BUILT: OnceLock<(PathBuf, String)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book");
        let _ = fs::remove_dir_all(&out);
        let output = Command::new("mdbook")
            .arg("build")
            .arg(root().join("book"))
            .arg("--dest-dir")
            .arg(&out)
            .env("MDBOOK_BUILD__CREATE_MISSING", "false") // a missing page is an error
            .output()
            .unwrap_or_else(|err| panic!("cannot run mdbook ({err}): install it with `cargo install mdbook --version ^0.5 --locked`"));
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "`mdbook build book` failed ({}):\n{stderr}", output.status);
        (out, stderr)
    })
}

#[test]
fn mdbook_builds_the_book_without_errors_or_warnings() {
    let (_, stderr) = built_book();
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("ERROR") || line.contains("WARN"))
        .collect();
    assert!(
        problems.is_empty(),
        "`mdbook build book` exits 0 even when an include's file is missing; it logged:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_anchor_an_include_names_exists() {
    let mut problems = Vec::new();
    for include in includes() {
        let Some(anchor) = include.selector.as_deref() else {
            continue;
        };
        if anchor.is_empty()
            || anchor
                .split(':')
                .all(|part| part.chars().all(|c| c.is_ascii_digit()))
        {
            continue; // a line range such as 3:10, or :10
        }
        let Ok(text) = fs::read_to_string(&include.file) else {
            continue;
        }; // mdbook_builds… says so
        let marks = |mark: &str| {
            text.lines().any(|line| {
                line.split_once(mark).is_some_and(|(_, rest)| {
                    rest.trim_start()
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        == Some(anchor)
                })
            })
        };
        if !(marks("ANCHOR:") && marks("ANCHOR_END:")) {
            problems.push(format!(
                "book/src/{}:{}: `{anchor}` is not an anchor of {} (mdBook shows nothing, silently) — \
                 the file needs `// ANCHOR: {anchor}` and `// ANCHOR_END: {anchor}` lines",
                include.page,
                include.line,
                include.file.strip_prefix(root()).unwrap_or(&include.file).display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_example_exercise_and_solution_is_shown_and_every_solution_collapsed() {
    let includes = includes();
    let mut problems = Vec::new();
    for (folder, collapsed) in [
        ("examples", false),
        ("exercises", false),
        ("solutions", true),
    ] {
        for file in files(&root().join(folder), ".rs") {
            let path = normalize(&file);
            let name = format!(
                "{folder}/{}",
                path.file_name().expect("a file name").to_string_lossy()
            );
            let shown: Vec<&Include> = includes
                .iter()
                .filter(|include| include.file == path)
                .collect();
            if shown.is_empty() {
                problems.push(format!(
                    "{name} is not shown anywhere in book/src — include it (or an anchored part) in its \
                     chapter: {{{{#include ../../{name}:ANCHOR}}}} in a ```rust,ignore block"
                ));
            } else if collapsed && !shown.iter().any(|include| include.in_details) {
                problems.push(format!(
                    "{name} is shown only open; a reference answer goes under <details><summary>Solution\
                     </summary> … </details>, so that a student tries first"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The values of every `attribute="…"` in an HTML text.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let start = format!(" {attribute}=\"");
    html.match_indices(&start)
        .filter_map(|(at, _)| html[at + start.len()..].split('"').next())
        .collect()
}

#[test]
fn every_link_between_pages_lands_on_a_page_and_heading_that_exist() {
    let (out, _) = built_book();
    let pages: BTreeMap<PathBuf, BTreeSet<String>> = files(out, ".html")
        .into_iter()
        .map(|page| {
            let html = fs::read_to_string(&page).expect("mdbook wrote a readable page");
            let ids = attribute_values(&html, "id")
                .into_iter()
                .map(str::to_owned)
                .collect();
            (page, ids)
        })
        .collect();
    let mut problems = BTreeSet::new();
    for page in pages.keys().filter(|page| !page.ends_with("print.html")) {
        let html = fs::read_to_string(page).expect("readable");
        // Only the page's own content: the sidebar and theme links are mdBook's.
        let content = html
            .split("<main>")
            .nth(1)
            .and_then(|main| main.split("</main>").next())
            .unwrap_or("");
        for link in attribute_values(content, "href") {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = link.split_once('#').unwrap_or((link, ""));
            let target = if file.is_empty() {
                page.clone()
            } else {
                normalize(&page.parent().expect("in a folder").join(file))
            };
            let shown = page.strip_prefix(out).unwrap_or(page).display();
            match pages.get(&target) {
                None if !target.exists() => {
                    problems.insert(format!(
                        "{shown}: the link `{link}` leads to no page or file of the built book"
                    ));
                }
                Some(ids) if !fragment.is_empty() && !ids.contains(fragment) => {
                    problems.insert(format!(
                        "{shown}: the link `{link}` names the heading `#{fragment}`, which that page does not have"
                    ));
                }
                _ => {}
            }
        }
    }
    assert!(
        problems.is_empty(),
        "links that do not land:\n{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// The book quotes the examples' error messages word for word — in its text, or in the captured
/// runs it includes (`listings/output/`) — so that a reader can search it for what their terminal
/// says; if `src/explain.rs` changes a message, update the quote (or capture the runs again).
#[test]
fn the_book_quotes_the_real_error_messages() {
    use net_basics::explain::{bind_error, connect_error};
    use std::io::{Error, ErrorKind};

    let pages: Vec<String> = files(&root().join("book/src"), ".md")
        .iter()
        .map(|page| fs::read_to_string(page).expect("readable"))
        .collect();
    // `{{#include ../../listings/output/NAME.txt:…}}`: the whole captured file counts as shown.
    let captures = pages.iter().flat_map(|page| {
        page.match_indices("{{#include ../../listings/output/")
            .filter_map(|(at, found)| {
                let rest = &page[at + found.len()..];
                let name = rest.split([':', '}']).next()?;
                fs::read_to_string(root().join("listings/output").join(name)).ok()
            })
            .collect::<Vec<_>>()
    });
    let book: String = pages.iter().cloned().chain(captures).collect();
    let addr = |text: &str| text.parse().expect("a valid socket address literal");
    let quoted = [
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
        connect_error(addr("192.168.1.50:8000"), &Error::from(ErrorKind::TimedOut)),
    ];
    let missing: Vec<&String> = quoted
        .iter()
        .filter(|message| !book.contains(message.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "book/src does not quote these messages of src/explain.rs word for word (the examples print \
         exactly this; update the quotes):\n{}",
        missing
            .iter()
            .map(|m| format!("    {m}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// --- the class path: reading time, the word budget, speaker notes (issue 19) ----------------------

/// Runs `python3 book/reading_time.py ARGS` (the preprocessor that puts the reading time on every
/// lesson page, in its report mode); returns (success, stdout and stderr).
fn reading_time(args: &[&str]) -> (bool, String) {
    let output = Command::new("python3")
        .arg(root().join("book/reading_time.py"))
        .args(args)
        .output()
        .unwrap_or_else(|err| {
            panic!("cannot run python3 ({err}): the book's preprocessors need it")
        });
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// The core path a class reads in its 90 minutes — chapters 1–5, prose outside code blocks,
/// `<details>` blocks, HTML comments and `{{#…}}` lines — is at most 5,000 words (issue 19).
#[test]
fn the_core_path_fits_a_class_of_90_minutes() {
    let (fits, report) = reading_time(&["--report", "--budget", "5000"]);
    println!("{report}");
    assert!(
        fits,
        "the core path of book/src/0[1-5]-*.md is over its budget of 5,000 words. Move what a class \
         does not need into a collapsed <details class=\"deeper\"> block or an appendix:\n{report}"
    );
}

/// The label on each page is the report's number: one computation for the book and the budget.
#[test]
fn every_lesson_page_shows_the_reading_time_its_text_gives() {
    let (_, report) = reading_time(&["--report"]);
    let (out, _) = built_book();
    let mut problems = Vec::new();
    let mut pages = 0;
    for line in report.lines() {
        // "  1055    47   10  01-ip-address.md"
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_, _, minutes, page, ..] = fields[..] else {
            continue;
        };
        if !page.ends_with(".md") || minutes.parse::<u32>().is_err() {
            continue;
        }
        let html_page = out.join(page.replace(".md", ".html"));
        let Ok(html) = fs::read_to_string(&html_page) else {
            continue; // not in SUMMARY.md, so not built
        };
        pages += 1;
        let unit = if minutes == "1" { "minute" } else { "minutes" };
        let expected = format!("Reading time: about {minutes} {unit}</p>");
        if !html.contains("<p class=\"net-basics-reading-time\"") || !html.contains(&expected) {
            problems.push(format!(
                "{}: expected the label `{expected}` (book/reading_time.py computes {minutes} min)",
                html_page.strip_prefix(out).unwrap_or(&html_page).display()
            ));
        }
    }
    assert!(
        pages >= 5,
        "expected a report of at least 5 lesson pages, got:\n{report}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The counting rule, on a page made for it: what is collapsed, commented or an include line does
/// not count as words; code is counted as the reader sees it, includes and anchors resolved.
#[test]
fn the_reading_time_counts_the_core_text_only() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reading-time");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a scratch folder");
    fs::write(
        dir.join("listing.rs"),
        "fn hidden() {}\n// ANCHOR: shown\nfn a() {}\n\nfn b() {}\n// ANCHOR_END: shown\n",
    )
    .expect("writable");
    let page = "# One two\n\nthree four five\n\n```rust\n{{#include listing.rs:shown}}\nlet x = 1;\n```\n\n\
                <details class=\"deeper\">\n<summary>Deeper: six</summary>\n\nseven eight\n\n```text\nnine\n```\n\n\
                </details>\n\n<!-- ten\neleven -->\n{{#include listing.rs}}\n\n~~~console\n$ twelve\n~~~\n";
    fs::write(dir.join("01-sample.md"), page).expect("writable");
    let (_, report) = reading_time(&["--report", "--src", dir.to_str().expect("a UTF-8 path")]);
    // 6 words ('#', 'One', 'two', 'three', 'four', 'five': not the collapsed block, the comment
    // or the include line) and 4 code lines: `fn a` and `fn b` (the anchor's lines, without its
    // blank and marker lines), `let x`, and `$ twelve` (not `nine`: it is collapsed).
    let line = report
        .lines()
        .find(|line| line.ends_with("01-sample.md"))
        .unwrap_or_else(|| panic!("no line for the sample page in:\n{report}"));
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        fields[..3],
        ["6", "4", "1"],
        "expected 6 words ('#', 'One', 'two', 'three', 'four', 'five'), 4 code lines and 1 minute; \
         the report said:\n{report}"
    );
}

/// Every page of the class path has speaker notes for whoever teaches it (issue 19), in the
/// markup that book/theme/speaker-notes.js hides from students.
#[test]
fn every_page_of_the_class_path_has_speaker_notes() {
    let src = root().join("book/src");
    let missing: Vec<String> = files(&src, ".md")
        .into_iter()
        .filter_map(|page| {
            let name = page.file_name()?.to_string_lossy().into_owned();
            let core = name.len() > 3
                && name.starts_with('0')
                && (b'1'..=b'5').contains(&name.as_bytes()[1]);
            let text = fs::read_to_string(&page).ok()?;
            (core && !text.contains("<details class=\"speaker-notes\">")).then_some(name)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "these pages of the class path have no speaker notes; add a block (what to draw, what to \
         demo, what students ask, the misconception to expect):\n\n<details class=\"speaker-notes\">\n\
         <summary>Speaker notes</summary>\n\n…\n\n</details>\n\nmissing in: {}",
        missing.join(", ")
    );
}

/// The teacher's guide names the tests that catch each common mistake; a renamed or removed test
/// must not leave the guide pointing at nothing.
#[test]
fn the_teachers_guide_names_tests_that_exist() {
    let guide = fs::read_to_string(root().join("book/src/teacher-guide.md"))
        .expect("book/src/teacher-guide.md is readable");
    let tests: String = files(&root().join("tests"), ".rs")
        .iter()
        .filter(|file| {
            file.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("ex"))
        })
        .map(|file| fs::read_to_string(file).expect("readable"))
        .collect();
    // Every `code span` that looks like a test's name: lower case, digits and at least three `_`.
    let named: BTreeSet<&str> = guide
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| {
            span.matches('_').count() >= 3
                && span
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .collect();
    assert!(
        named.len() >= 10,
        "expected the guide to name the tests of its mistake tables, found {named:?}"
    );
    // A name may be the start of a longer one (`…_invalid_data` names
    // `…_invalid_data_after_the_lines_before_it`): a teacher who searches for it finds the test.
    let missing: Vec<&&str> = named
        .iter()
        .filter(|name| {
            !tests.contains(&format!("fn {name}()")) && !tests.contains(&format!("fn {name}_"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "book/src/teacher-guide.md names tests that tests/ex*.rs does not have (renamed?): {missing:?}"
    );
}
