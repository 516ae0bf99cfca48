//! The core path a class reads in its 90 minutes: at most 5,000 words (issue 19, CONVENTIONS.md).
//!
//! Counted as the team's rule says: whitespace-separated tokens of the Markdown source of
//! `book/src/0[1-5]-*.md`, outside fenced code blocks, `<details>…</details>` blocks (depth,
//! speaker notes, hints, solutions), HTML comments and `{{#…}}` lines. Run
//! `cargo test -p net-basics-tools --test book_budget -- --nocapture` to see the count per page.

use std::fs;
use std::path::Path;

const BUDGET: usize = 5_000;

/// The words of one page that the core path counts.
fn core_words(markdown: &str) -> usize {
    let (mut words, mut details, mut fence, mut comment) = (0, 0usize, None, false);
    for line in markdown.lines() {
        let trimmed = line.trim();
        if comment {
            comment = !line.contains("-->");
        } else if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if trimmed.starts_with("<!--") {
            comment = !trimmed.contains("-->");
        } else if details > 0 || line.contains("<details") {
            details += line.matches("<details").count();
            details = details.saturating_sub(line.matches("</details>").count());
        } else if !trimmed.starts_with("{{#") {
            words += line.split_whitespace().count();
        }
    }
    words
}

#[test]
fn the_core_path_of_chapters_1_to_5_fits_a_class() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src");
    let mut pages: Vec<(String, usize)> = fs::read_dir(&src)
        .expect("book/src is readable")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            let b = name.as_bytes();
            name.ends_with(".md")
                && b.len() > 3
                && b[0] == b'0'
                && (b'1'..=b'5').contains(&b[1])
                && b[2] == b'-'
        })
        .map(|name| {
            let text = fs::read_to_string(src.join(&name)).expect("a page is readable");
            (name, core_words(&text))
        })
        .collect();
    pages.sort();
    let total: usize = pages.iter().map(|(_, words)| words).sum();
    let table: String = pages
        .iter()
        .map(|(name, words)| format!("  {words:>5}  {name}\n"))
        .collect();
    println!("core path, words per page:\n{table}  {total:>5}  total (budget {BUDGET})");
    assert!(
        total <= BUDGET,
        "the core path of chapters 1–5 is {total} words, over the class budget of {BUDGET} \
         (prose outside code, <details> and comments). Move depth into a collapsed \
         <details class=\"deeper\"> block or an appendix, or cut repetition:\n{table}"
    );
}

#[test]
fn the_count_skips_code_details_comments_and_includes() {
    let page = "# Title here\n\n```rust\nlet not = counted;\n```\n\n<details class=\"deeper\">\n\
                <summary>Deeper: x</summary>\n\nhidden words\n<details>\nnested\n</details>\nstill hidden\n\
                </details>\n\n<!-- a\ncomment -->\n{{#include ../x.rs}}\none two three\n";
    assert_eq!(
        core_words(page),
        6,
        "'#', 'Title', 'here' and 'one two three'"
    );
}
