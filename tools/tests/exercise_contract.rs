//! The contract between an exercise stub, its reference solution and its tests, checked on the
//! files as text (no feature needed, nothing is compiled twice):
//!
//! - every `exercises/exNN_*.rs` has a `solutions/exNN_*.rs` and a `tests/exNN_*.rs`, and its
//!   stem is one the progress tool (`cargo run`) knows;
//! - the stub keeps every public item of its solution — `pub fn` signatures, `pub struct`,
//!   `pub enum`, `pub trait`, `pub type`, `pub const`, `impl` blocks — with the same `///` docs
//!   and attributes, and adds none; its `//!` module doc contains the solution's (without
//!   "(reference)"). Whitespace, plain `//` comments (a stub's `// TODO:` lines, anchors) and
//!   `mut` on a parameter's name do not count;
//! - every `todo!(` in a stub reads `"exercise N: implement NAME — book chapter M, '…'"`, with
//!   N the file's number, NAME the function it is in and M that exercise's chapter;
//! - no `todo!(` or `unimplemented!(` in the code of a solution;
//! - an exercise's tests use `net_basics` only through `net_basics::answers::<its stem>`.
//!
//! The stub rules hold for a stub as shipped (every `pub fn` still a `todo!()`). Once a student
//! has solved a function, the file is theirs: renaming a parameter or adding a helper must not
//! turn `cargo test` red outside the exercise's own tests, so it is skipped with a note. A file
//! that is still a placeholder (`… placeholder: filled in by the lesson's issue.`) is skipped too.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use net_basics::progress::EXERCISES;

const PLACEHOLDER: &str = "placeholder: filled in by the lesson's issue";

// --- reading Rust as text --------------------------------------------------------------------

/// `text` with the insides of comments, strings and character literals replaced by spaces
/// (newlines kept), so that braces, parentheses and keywords in the result are code. Byte
/// offsets and line numbers are those of `text`.
fn code_only(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to.min(bytes.len())] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |n| i + n);
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let (mut depth, mut j) = (1, i + 2);
            while j < bytes.len() && depth > 0 {
                if bytes[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if bytes[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if let Some(hashes) = raw_string_start(rest) {
            // r"…", r#"…"#, br"…": no escapes, ends at a quote followed by the same hashes.
            let open = i
                + rest
                    .iter()
                    .position(|&b| b == b'"')
                    .expect("a raw string has a quote")
                + 1;
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let end = (open..bytes.len())
                .find(|&j| bytes[j..].starts_with(&close))
                .map_or(bytes.len(), |j| j + close.len());
            blank(&mut out, open, end - close.len());
            i = end;
        } else if bytes[i] == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i + 1, j);
            i = j + 1;
        } else if bytes[i] == b'\'' {
            // A char literal ('x', '\n', '\u{1F600}', '{') or a lifetime ('a, 'static).
            let end = if bytes.get(i + 1) == Some(&b'\\') {
                (i + 2..bytes.len()).find(|&j| bytes[j] == b'\'')
            } else {
                let width = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                (bytes.get(i + 1 + width) == Some(&b'\'')).then_some(i + 1 + width)
            };
            match end {
                Some(end) => {
                    blank(&mut out, i + 1, end);
                    i = end + 1;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8(out).expect("only ASCII spaces replaced whole characters")
}

/// `Some(number of #)` when `rest` starts a raw string (`r"`, `r#"`, `br"`, …) that is not the
/// end of an identifier.
fn raw_string_start(rest: &[u8]) -> Option<usize> {
    let after_b = rest.strip_prefix(b"b").unwrap_or(rest);
    let after_r = after_b.strip_prefix(b"r")?;
    let hashes = after_r.iter().take_while(|&&b| b == b'#').count();
    (after_r.get(hashes) == Some(&b'"')).then_some(hashes)
}

/// Whitespace reduced to what separates two words, trailing commas dropped, and `mut` before a
/// parameter's name dropped (it is not part of a signature).
fn normalise(text: &str) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let word = |c: char| c.is_alphanumeric() || c == '_';
        if pending_space && out.chars().last().is_some_and(word) && word(c) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    for (from, to) in [
        (",)", ")"),
        (",}", "}"),
        (",>", ">"),
        ("(mut ", "("),
        (",mut ", ","),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// A public item of a file, as the contract compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    /// Its `///` lines and attributes, normalised.
    docs: Vec<String>,
    /// Its signature (a function up to its body) or its whole definition (a type), without
    /// plain `//` comments, normalised.
    text: String,
    /// Its lines, trimmed, to show where a difference is.
    shown: Vec<String>,
    /// Line number, for messages.
    line: usize,
}

const ITEM_STARTS: [&str; 11] = [
    "pub fn ",
    "pub const fn ",
    "pub unsafe fn ",
    "pub async fn ",
    "pub struct ",
    "pub enum ",
    "pub trait ",
    "pub type ",
    "pub const ",
    "pub static ",
    "impl",
];

/// The public items of a Rust file, keyed by `<enclosing impl or trait> :: <kind and name>`.
fn public_items(text: &str) -> BTreeMap<String, Item> {
    let code = code_only(text);
    let lines: Vec<&str> = text.lines().collect();
    let code_lines: Vec<&str> = code.lines().collect();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(code.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    let mut items = BTreeMap::new();
    let mut depth = 0usize;
    // The header of the `impl`/`trait` block we are in, the depth inside it, and whether its
    // `{` has been seen (a header may span lines).
    let mut context: Option<(String, usize, bool)> = None;
    for (index, code_line) in code_lines.iter().enumerate() {
        let trimmed = code_line.trim_start();
        let starts_item = ITEM_STARTS.iter().find(|start| {
            trimmed.starts_with(**start)
                && (**start != "impl" || (depth == 0 && (trimmed[4..].starts_with([' ', '<']))))
        });
        if let Some(start) = starts_item {
            let from = line_starts[index] + (code_line.len() - trimmed.len());
            let is_fn = start.ends_with("fn ");
            let is_block = matches!(*start, "pub struct " | "pub enum " | "pub trait ");
            let end = item_end(&code, from, is_fn || *start == "impl", is_block);
            let original = &text[from..end];
            let without_comments: String = original
                .lines()
                .filter(|line| {
                    let line = line.trim_start();
                    !line.starts_with("//") || line.starts_with("///") || line.starts_with("//!")
                })
                .collect::<Vec<_>>()
                .join("\n");
            let header = normalise(&code[from..end]);
            let name = if *start == "impl" {
                header.clone()
            } else {
                let after = &trimmed[start.len()..];
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                format!("{}{name}", start.trim_start_matches("pub "))
            };
            let key = match &context {
                Some((header, _, true)) if *start != "impl" => format!("{header} :: {name}"),
                _ => name,
            };
            items.insert(
                key,
                Item {
                    docs: docs_above(&lines, index),
                    text: normalise(&without_comments),
                    shown: without_comments
                        .lines()
                        .map(str::trim)
                        .filter(|line| !line.is_empty())
                        .map(str::to_string)
                        .collect(),
                    line: index + 1,
                },
            );
            if *start == "impl" || *start == "pub trait " {
                context = Some((header, depth + 1, false));
            }
        }
        for byte in code_line.bytes() {
            match byte {
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if let Some((_, inside, entered)) = &mut context {
            if depth >= *inside {
                *entered = true;
            } else if *entered {
                context = None;
            }
        }
    }
    items
}

/// Where an item that starts at `from` ends: a function or `impl` at its body's `{` (or `;`), a
/// struct, enum or trait after its closing `}` (or at `;`), anything else at `=` or `;`.
fn item_end(code: &str, from: usize, up_to_body: bool, block: bool) -> usize {
    let bytes = code.as_bytes();
    let mut depth = 0usize;
    for (offset, &byte) in bytes[from..].iter().enumerate() {
        let at = from + offset;
        match byte {
            b'{' if up_to_body => return at,
            b'{' => depth += 1,
            b'}' if block => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return at + 1;
                }
            }
            b';' if depth == 0 => return at,
            b'=' if depth == 0 && !block && !up_to_body && bytes.get(at + 1) != Some(&b'>') => {
                return at;
            }
            _ => {}
        }
    }
    bytes.len()
}

/// The `///` lines and `#[…]` attributes right above line `index`, normalised, top down.
fn docs_above(lines: &[&str], index: usize) -> Vec<String> {
    let mut docs: Vec<String> = lines[..index]
        .iter()
        .rev()
        .map(|line| line.trim())
        .take_while(|line| line.starts_with("///") || line.starts_with("#["))
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    docs.reverse();
    docs
}

/// The `//!` text of a file, whitespace collapsed, with "(reference)" dropped.
fn module_doc(text: &str) -> String {
    let doc: Vec<&str> = text
        .lines()
        .map(str::trim_start)
        .filter_map(|line| line.strip_prefix("//!"))
        .collect();
    doc.join(" ")
        .replace(" (reference)", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each `todo!(` in the code: its line, the function it is in, and its message (if a literal).
fn todos(text: &str) -> Vec<(usize, String, Option<String>)> {
    let code = code_only(text);
    code.match_indices("todo!(")
        .filter(|(at, _)| !code[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        .map(|(at, call)| {
            let line = code[..at].matches('\n').count() + 1;
            let function = code[..at]
                .rmatch_indices("fn ")
                .map(|(fn_at, _)| fn_at)
                .find(|&fn_at| !code[..fn_at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
                .map(|fn_at| {
                    code[fn_at + 3..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect()
                })
                .unwrap_or_default();
            let after = text[at + call.len()..].trim_start();
            let message = after.strip_prefix('"').and_then(|rest| {
                let mut end = None;
                let mut escaped = false;
                for (i, c) in rest.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            end = Some(i);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                end.map(|end| rest[..end].to_string())
            });
            (line, function, message)
        })
        .collect()
}

// --- the checks ------------------------------------------------------------------------------

/// The problems of one stub against its solution, each naming the file and the item.
fn stub_problems(stub_path: &str, stub: &str, solution_path: &str, solution: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let stub_items = public_items(stub);
    let solution_items = public_items(solution);
    for (key, wanted) in &solution_items {
        match stub_items.get(key) {
            None => problems.push(format!(
                "{stub_path}: `{key}` is missing (the solution has it at {solution_path}:{}); a stub \
                 keeps the solution's whole public API",
                wanted.line
            )),
            Some(found) => {
                if found.text != wanted.text {
                    problems.push(format!(
                        "{stub_path}:{}: `{key}` differs from {solution_path}:{}{}",
                        found.line,
                        wanted.line,
                        first_difference(&found.shown, &wanted.shown)
                    ));
                }
                if found.docs != wanted.docs {
                    problems.push(format!(
                        "{stub_path}:{}: the doc comment or attributes of `{key}` differ from \
                         {solution_path}:{}{}",
                        found.line,
                        wanted.line,
                        first_difference(&found.docs, &wanted.docs)
                    ));
                }
            }
        }
    }
    for (key, extra) in &stub_items {
        if !solution_items.contains_key(key) {
            problems.push(format!(
                "{stub_path}:{}: `{key}` is not in {solution_path}; stub and solution have the same \
                 public API",
                extra.line
            ));
        }
    }
    let (stub_doc, solution_doc) = (module_doc(stub), module_doc(solution));
    if !stub_doc.contains(&solution_doc) {
        problems.push(format!(
            "{stub_path}: its `//!` module doc should contain the solution's (without \
             \"(reference)\")\n    stub:     {stub_doc}\n    solution: {solution_doc}"
        ));
    }
    problems
}

/// The first line where the stub's and the solution's versions differ, both shown.
fn first_difference(stub: &[String], solution: &[String]) -> String {
    let index = (0..stub.len().max(solution.len()))
        .find(|&i| stub.get(i) != solution.get(i))
        .unwrap_or(0);
    let line = |lines: &[String]| {
        lines
            .get(index)
            .cloned()
            .unwrap_or_else(|| "(nothing)".into())
    };
    format!(
        "; first difference:\n    stub:     {}\n    solution: {}",
        line(stub),
        line(solution)
    )
}

/// The problems of the `todo!()` messages of the stub of exercise `number` (chapter `chapter`).
fn todo_problems(stub_path: &str, stub: &str, number: u8, chapter: u8) -> Vec<String> {
    let mut problems = Vec::new();
    for (line, function, message) in todos(stub) {
        let Some(message) = message else {
            problems.push(format!(
                "{stub_path}:{line}: the todo!() in `{function}` needs a message: \
                 \"exercise {number}: implement {function} — book chapter {chapter}, 'Section'\""
            ));
            continue;
        };
        let start = format!("exercise {number}: implement {function} — book chapter {chapter}, '");
        if !message.starts_with(&start)
            || !message.ends_with('\'')
            || message.len() <= start.len() + 1
        {
            problems.push(format!(
                "{stub_path}:{line}: the todo!() in `{function}` says {message:?}; expected \
                 \"{start}<section title>'\" (the exercise, the function, and where the book explains it)"
            ));
        }
    }
    problems
}

/// `todo!(` or `unimplemented!(` in a solution's code.
fn solution_problems(solution_path: &str, solution: &str) -> Vec<String> {
    let code = code_only(solution);
    code.lines()
        .enumerate()
        .filter(|(_, line)| line.contains("todo!(") || line.contains("unimplemented!("))
        .map(|(index, _)| {
            format!(
                "{solution_path}:{}: a reference solution is finished: no todo!() or \
                 unimplemented!()",
                index + 1
            )
        })
        .collect()
}

/// Uses of `net_basics` in an exercise's tests other than `net_basics::answers::<stem>`.
fn test_import_problems(test_path: &str, tests: &str, stem: &str) -> Vec<String> {
    let code = code_only(tests);
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let allowed = format!("answers::{stem}");
    let mut problems = Vec::new();
    for (at, name) in code.match_indices("net_basics") {
        let rest = &code[at + name.len()..];
        if code[..at].ends_with(word) || rest.starts_with(word) {
            continue;
        }
        // The path that follows, whitespace removed, up to the end of the statement.
        let squeezed: String = rest
            .split(';')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let Some(path) = squeezed.strip_prefix("::") else {
            continue;
        };
        let uses: Vec<&str> = match path.strip_prefix('{') {
            Some(group) => group
                .split('}')
                .next()
                .unwrap_or("")
                .split(',')
                .filter(|part| !part.is_empty())
                .collect(),
            None => vec![path],
        };
        for used in uses {
            if !used.starts_with(&allowed) {
                let shown: String = used.chars().take(60).collect();
                problems.push(format!(
                    "{test_path}: uses `net_basics::{shown}…`; exercise tests use only \
                     `net_basics::{allowed}` (so one set of tests grades the student's exercises \
                     and, with --features solutions, the reference)"
                ));
            }
        }
    }
    problems
}

// --- the tests -------------------------------------------------------------------------------

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// The stems of `exercises/exNN_*.rs`, sorted.
fn stems() -> Vec<String> {
    let mut stems: Vec<String> = fs::read_dir(root().join("exercises"))
        .expect("exercises/ exists")
        .map(|entry| {
            entry
                .expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| {
            name.starts_with("ex")
                && name.ends_with(".rs")
                && name[2..4].chars().all(|c| c.is_ascii_digit())
        })
        .map(|name| name.trim_end_matches(".rs").to_string())
        .collect();
    stems.sort();
    stems
}

/// True while every `pub fn` of a stub still has its `todo!()`: the stub as shipped.
fn is_pristine(stub: &str) -> bool {
    let with_todo: Vec<String> = todos(stub)
        .into_iter()
        .map(|(_, function, _)| function)
        .collect();
    stub.lines()
        .filter_map(|line| line.trim_start().strip_prefix("pub fn "))
        .filter_map(|rest| rest.split(['(', '<']).next())
        .all(|name| with_todo.iter().any(|function| function == name))
}

#[test]
fn every_stub_has_a_solution_and_tests_and_keeps_the_solutions_api() {
    let mut problems = Vec::new();
    let stems = stems();
    assert!(!stems.is_empty(), "exercises/ holds no exNN_*.rs file");
    for stem in &stems {
        let stub_path = format!("exercises/{stem}.rs");
        let solution_path = format!("solutions/{stem}.rs");
        let test_path = format!("tests/{stem}.rs");
        let Some(exercise) = EXERCISES.iter().find(|exercise| exercise.stem == stem) else {
            problems.push(format!(
                "{stub_path}: the progress tool does not know this exercise: add it to \
                 EXERCISES in src/progress.rs"
            ));
            continue;
        };
        let stub = read(&root().join(&stub_path));
        let Ok(solution) = fs::read_to_string(root().join(&solution_path)) else {
            problems.push(format!("{stub_path} has no {solution_path}"));
            continue;
        };
        if stub.contains(PLACEHOLDER) || solution.contains(PLACEHOLDER) {
            eprintln!("note: {stem} is still a placeholder; its contract is not checked yet");
            continue;
        }
        if is_pristine(&stub) {
            problems.extend(stub_problems(&stub_path, &stub, &solution_path, &solution));
            problems.extend(todo_problems(
                &stub_path,
                &stub,
                exercise.number,
                exercise.chapter,
            ));
        } else {
            // A student is at work here (or CI copied the solution in): renaming a parameter,
            // adding a helper or a note must not turn `cargo test` red outside the exercise's
            // own tests. The contract is the maintainer's, checked on the stubs as shipped.
            eprintln!(
                "note: {stub_path} is being solved: its contract is checked on the pristine stub"
            );
        }
        problems.extend(solution_problems(&solution_path, &solution));
        match fs::read_to_string(root().join(&test_path)) {
            Ok(tests) => problems.extend(test_import_problems(&test_path, &tests, stem)),
            Err(_) => problems.push(format!("{stub_path} has no {test_path}")),
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn every_solution_has_a_stub() {
    let stems = stems();
    for entry in fs::read_dir(root().join("solutions")).expect("solutions/ exists") {
        let name = entry
            .expect("a directory entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.starts_with("ex") && name.ends_with(".rs") {
            let stem = name.trim_end_matches(".rs");
            assert!(
                stems.iter().any(|known| known == stem),
                "solutions/{name} has no exercises/{name}: a student could not do that exercise"
            );
        }
    }
}

// --- the checker itself, on small made-up files ----------------------------------------------

const SOLUTION: &str = r#"//! Exercise 9 (reference): ports — book chapter 2.

use std::io::Write;

/// A range of ports.
#[derive(Debug, PartialEq)]
pub enum Range {
    /// 0–1023: "well-known", { not a brace }.
    WellKnown,
    /// 1024–65535.
    Dynamic,
}

/// Classifies `port`.
pub fn classify(port: u16) -> Range {
    if port < 1024 { Range::WellKnown } else { Range::Dynamic }
}

/// Writes a line.
pub fn write_line(mut out: impl Write, text: &str) -> std::io::Result<()> {
    writeln!(out, "{text}")
}

/// A private helper: not part of the API.
fn helper() -> char {
    '{'
}

impl Range {
    /// The first port of the range.
    pub fn first(&self) -> u16 {
        match self { Range::WellKnown => 0, Range::Dynamic => 1024 }
    }
}
"#;

const STUB: &str = r#"//! Exercise 9: ports — book chapter 2. Check with `cargo test`.

use std::io::Write;

/// A range of ports.
#[derive(Debug, PartialEq)]
pub enum Range {
    /// 0–1023: "well-known", { not a brace }.
    WellKnown,
    /// 1024–65535.
    Dynamic,
}

/// Classifies `port`.
pub fn classify(port: u16) -> Range {
    // TODO: compare with the boundaries.
    todo!("exercise 9: implement classify — book chapter 2, 'Port ranges'")
}

/// Writes a line.
pub fn write_line(
    out: impl Write,
    text: &str,
) -> std::io::Result<()> {
    todo!(
        "exercise 9: implement write_line — book chapter 2, 'Port ranges'"
    )
}

impl Range {
    /// The first port of the range.
    pub fn first(&self) -> u16 {
        todo!("exercise 9: implement first — book chapter 2, 'Port ranges'")
    }
}
"#;

#[test]
fn a_faithful_stub_passes() {
    assert_eq!(
        stub_problems("stub.rs", STUB, "solution.rs", SOLUTION),
        Vec::<String>::new()
    );
    assert_eq!(todo_problems("stub.rs", STUB, 9, 2), Vec::<String>::new());
    assert_eq!(
        solution_problems("solution.rs", SOLUTION),
        Vec::<String>::new()
    );
    assert_eq!(todos(STUB).len(), 3);
}

#[test]
fn a_changed_signature_a_lost_doc_and_a_missing_item_are_named() {
    let stub = STUB
        .replace(
            "pub fn classify(port: u16) -> Range",
            "pub fn classify(port: u32) -> Range",
        )
        .replace("    /// 1024–65535.\n", "")
        .replace("    /// The first port of the range.\n", "")
        .replace(
            "impl Range {",
            "impl Range {\n    pub fn last(&self) -> u16 { 0 }",
        );
    let problems = stub_problems("exercises/ex09.rs", &stub, "solutions/ex09.rs", SOLUTION);
    let all = problems.join("\n");
    assert!(
        all.contains("exercises/ex09.rs:14: `fn classify` differs from solutions/ex09.rs:15"),
        "{all}"
    );
    assert!(
        all.contains("`enum Range` differs"),
        "a variant's doc is part of the enum: {all}"
    );
    assert!(
        all.contains("the doc comment or attributes of `impl Range :: fn first` differ"),
        "{all}"
    );
    assert!(
        all.contains("`impl Range :: fn last` is not in solutions/ex09.rs"),
        "{all}"
    );
    assert_eq!(problems.len(), 4, "{all}");
}

#[test]
fn a_dropped_derive_is_named() {
    let stub = STUB.replace("#[derive(Debug, PartialEq)]\n", "");
    let problems = stub_problems("stub.rs", &stub, "solution.rs", SOLUTION);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("the doc comment or attributes of `enum Range`"),
        "{problems:?}"
    );
}

#[test]
fn todo_messages_must_name_the_exercise_the_function_and_the_chapter() {
    let stub = STUB
        .replace(
            "exercise 9: implement classify",
            "exercise 3: implement classify",
        )
        .replace(
            "book chapter 2, 'Port ranges'\"\n    )",
            "see the book\"\n    )",
        )
        .replace(
            "todo!(\"exercise 9: implement first — book chapter 2, 'Port ranges'\")",
            "todo!()",
        );
    let problems = todo_problems("exercises/ex09.rs", &stub, 9, 2);
    let all = problems.join("\n");
    assert_eq!(problems.len(), 3, "{all}");
    assert!(
        all.contains("exercises/ex09.rs:17: the todo!() in `classify` says"),
        "{all}"
    );
    assert!(all.contains("the todo!() in `write_line` says"), "{all}");
    assert!(
        all.contains("exercises/ex09.rs:33: the todo!() in `first` needs a message"),
        "{all}"
    );
}

#[test]
fn a_todo_in_a_solutions_code_is_found_but_not_in_its_comments() {
    let solution = format!(
        "{SOLUTION}\n// Unlike the stub's todo!(), this is done.\nfn later() {{ todo!() }}\n"
    );
    assert_eq!(
        solution_problems("solutions/ex09.rs", &solution),
        ["solutions/ex09.rs:37: a reference solution is finished: no todo!() or unimplemented!()"]
    );
}

#[test]
fn tests_may_import_only_their_own_answers_module() {
    let good = "use net_basics::answers::ex02_port_ranges::{classify_port, PortRange};\n";
    assert_eq!(
        test_import_problems("t.rs", good, "ex02_port_ranges"),
        Vec::<String>::new()
    );
    let grouped = "use net_basics::{\n    answers::ex02_port_ranges::classify_port,\n    solutions::ex02_port_ranges,\n};\n";
    let problems = test_import_problems("tests/ex02_port_ranges.rs", grouped, "ex02_port_ranges");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(
            "tests/ex02_port_ranges.rs: uses `net_basics::solutions::ex02_port_ranges"
        )
    );
    let inline = "let x = net_basics::exercises::ex02_port_ranges::classify_port(1); // net_basics::solutions";
    assert_eq!(
        test_import_problems("t.rs", inline, "ex02_port_ranges").len(),
        1,
        "comments do not count"
    );
}

#[test]
fn strings_chars_lifetimes_and_comments_are_blanked_but_keep_their_place() {
    let text = "fn f<'a>(s: &'a str) -> char { let _ = \"}\"; let _ = r#\"{\"#; /* } */ '}' } // {";
    let code = code_only(text);
    assert_eq!(code.len(), text.len());
    assert_eq!(code.matches('{').count(), 1, "{code}");
    assert_eq!(code.matches('}').count(), 1, "{code}");
    assert!(
        code.contains("fn f<'a>(s: &'a str)"),
        "lifetimes are code: {code}"
    );
}
