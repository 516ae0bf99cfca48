//! The contract between an exercise stub, its reference solution, its tests and
//! `exercises/info.toml`, read with `syn` (the parser behind Rust's procedural macros):
//!
//! - `exercises/info.toml` lists exactly the `exercises/exNN_*.rs` files; each has a
//!   `solutions/exNN_*.rs` and a `tests/exNN_*.rs` that includes the exercise by `#[path]`, or
//!   the solution with `--features solutions`; step N is chapter N (one number per step);
//! - the stub keeps every public item of its solution — `pub` signatures and types, `impl` blocks
//!   and their methods' signatures — with the same `///` docs and attributes, and adds none; its
//!   `//!` module doc contains the solution's (without "(reference)"). Bodies, `use` lines,
//!   private helpers, plain `//` comments and `mut` on a parameter's name do not count;
//! - every `todo!()` in a stub reads `"exercise N: implement NAME — book chapter N…"`, NAME the
//!   function it is in; a solution has no `todo!()` or `unimplemented!()`.
//!
//! The stub rules hold for a stub as shipped (every `pub fn` still a `todo!()`). Once a student
//! has solved a function the file is theirs, and it is skipped with a note.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::visit::Visit;

/// An item's comparable text: its tokens (docs are `#[doc = "…"]` attributes, so they count;
/// `//` comments are not tokens, so they do not).
fn tokens(item: &impl ToTokens) -> String {
    item.to_token_stream().to_string()
}

/// A signature without `mut` on its parameters' names (`mut reader: R` is a body's business).
fn signature(sig: &syn::Signature) -> String {
    let mut sig = sig.clone();
    for input in &mut sig.inputs {
        if let syn::FnArg::Typed(typed) = input
            && let syn::Pat::Ident(ident) = typed.pat.as_mut()
        {
            ident.mutability = None;
        }
    }
    tokens(&sig)
}

fn attributes(attrs: &[syn::Attribute]) -> String {
    attrs.iter().map(tokens).collect::<Vec<_>>().join(" ")
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// The public API of a file: `kind name` → its attributes (docs) and its shape, bodies left out.
fn public_api(file: &syn::File) -> BTreeMap<String, String> {
    let mut api = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                let shape = format!("{} {}", attributes(&f.attrs), signature(&f.sig));
                api.insert(format!("fn {}", f.sig.ident), shape);
            }
            syn::Item::Impl(block) => {
                let name = match &block.trait_ {
                    Some((_, path, _)) => {
                        format!("impl {} for {}", tokens(path), tokens(&block.self_ty))
                    }
                    None => format!("impl {}", tokens(&block.self_ty)),
                };
                api.insert(name.clone(), attributes(&block.attrs));
                for inner in &block.items {
                    let (key, shape) = match inner {
                        syn::ImplItem::Fn(f) if block.trait_.is_some() || is_pub(&f.vis) => (
                            f.sig.ident.to_string(),
                            format!("{} {}", attributes(&f.attrs), signature(&f.sig)),
                        ),
                        syn::ImplItem::Const(c) => (c.ident.to_string(), tokens(c)),
                        syn::ImplItem::Type(t) => (t.ident.to_string(), tokens(t)),
                        _ => continue,
                    };
                    api.insert(format!("{name} :: {key}"), shape);
                }
            }
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                drop(api.insert(format!("struct {}", s.ident), tokens(s)))
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                drop(api.insert(format!("enum {}", e.ident), tokens(e)))
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                drop(api.insert(format!("trait {}", t.ident), tokens(t)))
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                drop(api.insert(format!("type {}", t.ident), tokens(t)))
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                drop(api.insert(format!("const {}", c.ident), tokens(c)))
            }
            syn::Item::Static(s) if is_pub(&s.vis) => {
                drop(api.insert(format!("static {}", s.ident), tokens(s)))
            }
            _ => {}
        }
    }
    api
}

/// The `//!` text of a file, whitespace collapsed, with "(reference)" dropped.
fn module_doc(file: &syn::File) -> String {
    let lines: Vec<String> = file
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    lines
        .join(" ")
        .replace(" (reference)", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every `todo!`/`unimplemented!` call: the function it is in, the macro, its message if a literal.
#[derive(Default)]
struct Todos {
    function: String,
    found: Vec<(String, String, Option<String>)>,
}

impl<'ast> Visit<'ast> for Todos {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function = f.sig.ident.to_string();
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function = f.sig.ident.to_string();
        syn::visit::visit_impl_item_fn(self, f);
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(name) = mac.path.get_ident().map(ToString::to_string)
            && (name == "todo" || name == "unimplemented")
        {
            let message = mac
                .parse_body::<syn::LitStr>()
                .ok()
                .map(|text| text.value());
            self.found.push((self.function.clone(), name, message));
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn todos(file: &syn::File) -> Vec<(String, String, Option<String>)> {
    let mut todos = Todos::default();
    todos.visit_file(file);
    todos.found
}

/// The problems of one stub (exercise `number`) against its solution, each naming file and item.
fn stub_problems(
    stub_path: &str,
    stub: &syn::File,
    solution_path: &str,
    solution: &syn::File,
    number: u32,
) -> Vec<String> {
    let mut problems = Vec::new();
    let (stub_api, solution_api) = (public_api(stub), public_api(solution));
    for (key, wanted) in &solution_api {
        match stub_api.get(key) {
            None => problems.push(format!(
                "{stub_path}: `{key}` is missing (it is in {solution_path}); a stub keeps the \
                 solution's whole public API"
            )),
            Some(found) if found != wanted => problems.push(format!(
                "{stub_path}: `{key}` (its signature, type, doc comment or attributes) differs from \
                 {solution_path}:\n    stub:     {found}\n    solution: {wanted}"
            )),
            Some(_) => {}
        }
    }
    for key in stub_api
        .keys()
        .filter(|key| !solution_api.contains_key(*key))
    {
        problems.push(format!(
            "{stub_path}: `{key}` is not in {solution_path}; stub and solution have the same public API"
        ));
    }
    let (stub_doc, solution_doc) = (module_doc(stub), module_doc(solution));
    if !stub_doc.contains(&solution_doc) {
        problems.push(format!(
            "{stub_path}: its `//!` module doc should contain the solution's (without \
             \"(reference)\")\n    stub:     {stub_doc}\n    solution: {solution_doc}"
        ));
    }
    for (function, _, message) in todos(stub) {
        let start = format!("exercise {number}: implement {function} — book chapter {number}");
        if !message
            .as_deref()
            .is_some_and(|text| text.starts_with(&start))
        {
            problems.push(format!(
                "{stub_path}: the todo!() in `{function}` says {message:?}; expected \"{start}\" \
                 (optionally followed by \", '<section title>'\"): whose code stopped, and where the \
                 book explains it"
            ));
        }
    }
    problems
}

/// True while every `pub fn` of a stub still has its `todo!()`: the stub as shipped.
fn is_pristine(stub: &syn::File) -> bool {
    let with_todo: Vec<String> = todos(stub)
        .into_iter()
        .map(|(function, ..)| function)
        .collect();
    public_api(stub)
        .keys()
        .filter_map(|key| key.strip_prefix("fn "))
        .all(|name| with_todo.iter().any(|function| function == name))
}

/// The problems of a test file that does not grade `exercises/STEM.rs` (or, with
/// `--features solutions`, `solutions/STEM.rs`) as the module `STEM`.
fn test_problems(test_path: &str, tests: &syn::File, stem: &str) -> Vec<String> {
    let wanted = [
        format!("# [cfg_attr (not (feature = \"solutions\") , path = \"../exercises/{stem}.rs\")]"),
        format!("# [cfg_attr (feature = \"solutions\" , path = \"../solutions/{stem}.rs\")]"),
    ];
    let found = tests.items.iter().any(|item| match item {
        syn::Item::Mod(module) if module.ident == stem && module.content.is_none() => {
            let attrs: Vec<String> = module.attrs.iter().map(tokens).collect();
            wanted.iter().all(|attr| attrs.contains(attr))
        }
        _ => false,
    });
    if found {
        return Vec::new();
    }
    vec![format!(
        "{test_path}: expected the exercise included as a module, so that one set of tests grades \
         the student's file and, with --features solutions, the reference:\n    \
         #[cfg_attr(not(feature = \"solutions\"), path = \"../exercises/{stem}.rs\")]\n    \
         #[cfg_attr(feature = \"solutions\", path = \"../solutions/{stem}.rs\")]\n    mod {stem};"
    )]
}

// --- the files of the crate ------------------------------------------------------------------

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tools/ is inside the repository")
        .to_path_buf()
}

fn parse(path: &str) -> Result<syn::File, String> {
    let text = fs::read_to_string(root().join(path))
        .map_err(|err| format!("{path}: cannot read it: {err}"))?;
    syn::parse_file(&text).map_err(|err| {
        let at = err.span().start();
        format!(
            "{path}:{}:{}: not valid Rust: {err}",
            at.line,
            at.column + 1
        )
    })
}

/// The stems of `exNN_*.rs` files in `folder`, sorted.
fn stems(folder: &str) -> Vec<String> {
    let mut stems: Vec<String> = fs::read_dir(root().join(folder))
        .unwrap_or_else(|err| panic!("{folder}/ cannot be read: {err}"))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| {
            name.starts_with("ex")
                && name
                    .get(2..4)
                    .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter_map(|name| name.strip_suffix(".rs").map(str::to_owned))
        .collect();
    stems.sort();
    stems
}

/// `stem → chapter` from exercises/info.toml: every table in an array of tables that has a
/// string `stem` (or `name`) and an integer `chapter`.
fn chapters_in_info() -> Result<BTreeMap<String, i64>, String> {
    let text = fs::read_to_string(root().join("exercises/info.toml")).map_err(|err| {
        format!("exercises/info.toml: cannot read it ({err}); it lists the exercises")
    })?;
    let table: toml::Table = text
        .parse()
        .map_err(|err| format!("exercises/info.toml: not valid TOML: {err}"))?;
    let mut chapters = BTreeMap::new();
    for entry in table
        .values()
        .filter_map(toml::Value::as_array)
        .flatten()
        .filter_map(toml::Value::as_table)
    {
        let stem = entry
            .get("stem")
            .or_else(|| entry.get("name"))
            .and_then(toml::Value::as_str);
        if let (Some(stem), Some(chapter)) =
            (stem, entry.get("chapter").and_then(toml::Value::as_integer))
        {
            chapters.insert(stem.trim_end_matches(".rs").to_owned(), chapter);
        }
    }
    Ok(chapters)
}

#[test]
fn every_exercise_has_a_solution_tests_and_its_chapter_and_keeps_the_solutions_api() {
    let mut problems = Vec::new();
    let exercises = stems("exercises");
    assert!(!exercises.is_empty(), "exercises/ holds no exNN_*.rs file");
    let chapters = chapters_in_info().unwrap_or_else(|problem| {
        problems.push(problem);
        BTreeMap::new()
    });
    for stem in stems("solutions")
        .iter()
        .filter(|stem| !exercises.contains(stem))
    {
        problems.push(format!(
            "solutions/{stem}.rs has no exercises/{stem}.rs: a student could not do it"
        ));
    }
    for stem in chapters.keys().filter(|stem| !exercises.contains(stem)) {
        problems.push(format!(
            "exercises/info.toml lists {stem}, but exercises/{stem}.rs does not exist"
        ));
    }
    for stem in &exercises {
        let number: u32 = stem[2..4].parse().expect("stems start with exNN");
        match chapters.get(stem) {
            Some(&chapter) if chapter == i64::from(number) => {}
            Some(chapter) => problems.push(format!(
                "exercises/info.toml: {stem} is in chapter {chapter}, but step {number} is chapter {number} \
                 (one number per step: example 0N, exercise N, chapter N)"
            )),
            None if chapters.is_empty() => {}
            None => problems.push(format!("exercises/info.toml does not list {stem} (stem and chapter)")),
        }
        let (stub_path, solution_path, test_path) = (
            format!("exercises/{stem}.rs"),
            format!("solutions/{stem}.rs"),
            format!("tests/{stem}.rs"),
        );
        let files = (parse(&stub_path), parse(&solution_path), parse(&test_path));
        let (stub, solution, tests) = match files {
            (Ok(stub), Ok(solution), Ok(tests)) => (stub, solution, tests),
            (stub, solution, tests) => {
                problems.extend(
                    [stub.err(), solution.err(), tests.err()]
                        .into_iter()
                        .flatten(),
                );
                continue;
            }
        };
        if is_pristine(&stub) {
            problems.extend(stub_problems(
                &stub_path,
                &stub,
                &solution_path,
                &solution,
                number,
            ));
        } else {
            eprintln!(
                "note: {stub_path} is being solved: its contract is checked on the stub as shipped"
            );
        }
        for (function, name, _) in todos(&solution) {
            problems.push(format!(
                "{solution_path}: `{function}` calls {name}!(); a reference solution is finished"
            ));
        }
        problems.extend(test_problems(&test_path, &tests, stem));
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

// --- the checker itself, on small made-up files ----------------------------------------------

const SOLUTION: &str = r#"//! Exercise 9 (reference): ports — book chapter 9.
use std::io::Write;
/// A range of ports.
#[derive(Debug, PartialEq)]
pub enum Range { Low, High }
/// Classifies `port`.
pub fn classify(port: u16) -> Range { if port < 1024 { Range::Low } else { Range::High } }
/// Writes a line.
pub fn show(mut out: impl Write, port: u16) -> std::io::Result<()> { writeln!(out, "{port}") }
fn helper() -> char { '{' }
"#;

const STUB: &str = r#"//! Exercise 9: ports — book chapter 9. Check with `cargo test`.
/// A range of ports.
#[derive(Debug, PartialEq)]
pub enum Range { Low, High }
/// Classifies `port`.
pub fn classify(port: u16) -> Range {
    // TODO: a match on ranges
    todo!("exercise 9: implement classify — book chapter 9, 'Ranges'")
}
/// Writes a line.
pub fn show(out: impl Write, port: u16) -> std::io::Result<()> { todo!("exercise 9: implement show — book chapter 9") }
"#;

fn check(stub: &str, solution: &str) -> Vec<String> {
    let parse = |text: &str| syn::parse_file(text).expect("the made-up file is valid Rust");
    stub_problems("stub.rs", &parse(stub), "solution.rs", &parse(solution), 9)
}

#[test]
fn a_faithful_stub_passes() {
    assert_eq!(check(STUB, SOLUTION), Vec::<String>::new());
    assert!(is_pristine(&syn::parse_file(STUB).expect("valid")));
}

#[test]
fn a_changed_signature_a_lost_doc_a_dropped_derive_and_a_missing_item_are_named() {
    for (from, to, named) in [
        (
            "pub fn classify(port: u16)",
            "pub fn classify(port: u32)",
            "`fn classify`",
        ),
        ("/// Writes a line.\n", "", "`fn show`"),
        (
            "#[derive(Debug, PartialEq)]",
            "#[derive(Debug)]",
            "`enum Range`",
        ),
        (
            "/// A range of ports.\n#[derive(Debug, PartialEq)]\npub enum Range { Low, High }",
            "",
            "`enum Range` is missing",
        ),
    ] {
        let problems = check(&STUB.replacen(from, to, 1), SOLUTION);
        assert!(
            problems.len() == 1 && problems[0].contains(named),
            "{from:?} → {to:?} should be one problem naming {named}, got {problems:#?}"
        );
    }
}

#[test]
fn todo_messages_must_name_the_exercise_the_function_and_the_chapter() {
    for wrong in [
        "\"not yet\"",
        "\"exercise 8: implement classify — book chapter 9\"",
        "\"exercise 9: implement classify — book chapter 4\"",
        "",
    ] {
        let stub = STUB.replace(
            "\"exercise 9: implement classify — book chapter 9, 'Ranges'\"",
            wrong,
        );
        let problems = check(&stub, SOLUTION);
        assert!(
            problems.len() == 1 && problems[0].contains("`classify`"),
            "todo!({wrong}) should be one problem naming `classify`, got {problems:#?}"
        );
    }
}

#[test]
fn a_test_file_must_include_its_exercise_and_solution_by_path() {
    let good = "#[cfg_attr(not(feature = \"solutions\"), path = \"../exercises/ex09_ports.rs\")]\n\
                #[cfg_attr(feature = \"solutions\", path = \"../solutions/ex09_ports.rs\")]\nmod ex09_ports;";
    let parse = |text: &str| syn::parse_file(text).expect("valid Rust");
    assert!(test_problems("t.rs", &parse(good), "ex09_ports").is_empty());
    let bad = good.replace("../solutions/ex09_ports.rs", "../solutions/ex08_ports.rs");
    assert_eq!(test_problems("t.rs", &parse(&bad), "ex09_ports").len(), 1);
}
