//! Every command shown in README.md, README.zh-CN.md, CONTRIBUTING.md and both editions of
//! the book, run as shown — or, where it cannot run here, proven accepted — in a copy of the
//! crate. CI runs it (`.ci/run`, step "every command shown runs"):
//!
//! ```text
//! cargo run -p net-basics-tools --bin shown_commands              # run them all
//! cargo run -p net-basics-tools --bin shown_commands -- --list    # what it finds, and how it would run each
//! cargo run -p net-basics-tools --bin shown_commands -- --only 02-ports   # the files whose path has this
//! ```
//!
//! **Which commands.** Fenced code blocks, by language (CONTRIBUTING.md, "Commands the book
//! shows"): `sh` — every line is a command; `console` — `$ command`, then what it prints;
//! `powershell` — Windows commands. Any other language holds none (`text`, `rust`, …); a block
//! with no language or an unknown one fails the check, and so does a `$ ` prompt in a `text`
//! block. The Chinese edition is the book after mdBook's gettext preprocessor
//! (`MDBOOK_BOOK__LANGUAGE=zh-CN`, rendered as Markdown): its commands are compared with the
//! English edition's, block by block; a command that differs (a translated string in it, say)
//! is run too. Commands inside an `{{#include}}`d output file under `listings/output/` are
//! counted as captured by the run that wrote the file (`cargo test -p net-basics-listings`,
//! `listings/lesson/capture.py`).
//!
//! **Where.** A copy of the crate at `$CARGO_TARGET_DIR/shown-commands/crate` (no `.git`, no
//! built book), with `solutions/` copied into `exercises/`: a student who has done the
//! exercises, so `--features mine` runs and plain `cargo test` passes. Its `target/` is a link to
//! `$CARGO_TARGET_DIR/shown-commands/target` (kept between runs), and cargo's variables of the
//! check's own run are removed (no `CARGO_TARGET_DIR`). The commands of one file run in order, in one
//! `bash -c` each, in the copy's root, with no stdin, `LANG=C.UTF-8`, `BROWSER=true` (so
//! `--open` opens nothing) and `PYTHONUNBUFFERED=1`.
//!
//! **Rewritten to stay on loopback and off fixed ports** (tools/src/bin/shown_commands/rules.rs):
//! a server (`cargo run --example …server` or `…listener`, `mdbook serve`, `python3 -m
//! http.server`) listens on port 0 — its address's port becomes 0, `127.0.0.1:0` is added when
//! it has none (the examples' default is 127.0.0.1:8000), `mdbook serve` gets `-p 0`. The port it
//! was shown on (8000, or the one its shown output names, e.g. 34305) then means its real port in
//! the commands after it: a client's `127.0.0.1:8000` (or no address), `nc 127.0.0.1 34305`, `ss
//! … :34305`, `lsof -iTCP:8000`, Python's `('127.0.0.1', 8000)`. With no server for it, a port
//! stays as shown: in the check's network namespace (below) nothing else listens there, so a
//! client says "connection refused" word for word as the book does. The output is compared
//! with the real ports written back as shown. A server keeps running while the
//! commands after it on the page use its port; the first that does not stops it (by its
//! process group), as does the end of the page.
//!
//! **Loopback only, by construction.** Every command runs in one network namespace that has
//! only loopback (`unshare --net`, entered with `nsenter`; it needs root, as CI has), with
//! `CARGO_NET_OFFLINE=true` (`cargo fetch --locked` runs first, outside). Nothing a command does
//! can leave the machine, whatever it names. A command that names an address beyond loopback or
//! a host name (`192.168.1.50:8000`, `pool.ntp.org`) so runs with no route there: it passes when
//! cargo and the program accept its arguments (no `Usage:` error).
//!
//! **When it passes.** It exits 0; or it runs until stopped (a server, `--watch`, a client
//! without `--count`, `mdbook serve`) and prints its ready line (`listening on`, `Watching
//! exercises/`, `sent `, `Serving on:`), then is stopped; or it is `nc` and still runs after
//! 2 s; or it fails as the book shows: its shown output's last line is among what it printed.
//! Everything else fails, with the file:line, the command as run and the end of its output.
//! Commands that cannot run here are listed in `tools/shown-commands.toml` with the reason, and
//! either a command run in their place or (for a cargo command) the no-network run above; a
//! `powershell` line that is not a cargo command is Windows-only and listed as not run.
//!
//! Run by one of the commands it runs (CONTRIBUTING shows this very command), it only lists
//! (`SHOWN_COMMANDS_NESTED`): it never runs the commands again.
//!
//! **Output.** Output typed by hand under a command (not an `{{#include}}` of a captured run)
//! is listed as such in the report, with the shown lines its run did not print (a report, not
//! a failure: the last line of a failing command's output is what is checked), so it can be
//! replaced by an include.

#[cfg(unix)]
mod blocks;
#[cfg(unix)]
mod rules;
#[cfg(unix)]
mod run;

#[cfg(not(unix))]
fn main() {
    eprintln!("shown_commands runs on Linux (CI): it needs bash, process groups and unshare");
    std::process::exit(1);
}

#[cfg(unix)]
fn main() {
    std::process::exit(check::main());
}

#[cfg(unix)]
mod check {
    use crate::blocks::{self, Shown};
    use crate::rules::{self, Ports, Program};
    use crate::run::{Outcome, Running, Sandbox};
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::{Duration, Instant};

    /// The files whose commands are checked, besides the book.
    const FILES: &[&str] = &["README.md", "README.zh-CN.md", "CONTRIBUTING.md"];
    const MANIFEST: &str = "tools/shown-commands.toml";

    /// A command to check, with where it is shown.
    #[derive(Debug, Clone)]
    struct Item {
        /// `README.md`, `book/src/02-ports.md`, or `book/src/02-ports.md (zh-CN)`.
        file: String,
        shown: Shown,
    }

    impl Item {
        fn at(&self) -> String {
            format!("{}:{}", self.file, self.shown.line)
        }
    }

    /// A file's name and the commands it shows, in order.
    type FileItems = (String, Vec<Item>);

    /// A command's verdict.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Verdict {
        /// Ran here as shown (rewritten for ports), and did what the book says.
        Ran(String),
        /// Could not run as shown; its arguments (or the command run instead) proven.
        Proven(String),
        /// Not run here at all, for the reason given.
        NotRun(String),
        Failed(String),
    }

    /// An entry of tools/shown-commands.toml.
    struct Exception {
        command: String,
        /// Only where shown in this file (a path such as `book/src/05-the-client.md`).
        file: Option<String>,
        why: String,
        instead: Option<String>,
        with: Option<String>,
        /// `[[server-first]]`: runs as shown, with `with` started first.
        server_first: bool,
        used: bool,
    }

    fn exceptions(root: &Path) -> Result<Vec<Exception>, String> {
        let text = fs::read_to_string(root.join(MANIFEST))
            .map_err(|e| format!("cannot read {MANIFEST}: {e}"))?;
        let table: toml::Table = text.parse().map_err(|e| format!("{MANIFEST}: {e}"))?;
        let mut found = Vec::new();
        for kind in ["not-here", "server-first"] {
            for entry in table
                .get(kind)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                let get = |key: &str| entry.get(key).and_then(|v| v.as_str()).map(str::to_owned);
                let (Some(command), Some(why)) = (get("command"), get("why")) else {
                    return Err(format!(
                        "{MANIFEST}: every [[{kind}]] needs `command` and `why`"
                    ));
                };
                let server_first = kind == "server-first";
                if server_first && get("server").is_none() {
                    return Err(format!(
                        "{MANIFEST}: [[server-first]] `{command}` needs `server`"
                    ));
                }
                found.push(Exception {
                    command,
                    file: get("file"),
                    why,
                    instead: get("instead").filter(|_| !server_first),
                    with: if server_first {
                        get("server")
                    } else {
                        get("with")
                    },
                    server_first,
                    used: false,
                });
            }
        }
        Ok(found)
    }

    /// The commands of one Markdown file, and the problems that make it unreadable.
    fn file_items(name: &str, text: &str, problems: &mut Vec<String>) -> Vec<(usize, Vec<Item>)> {
        let (found, indented) = blocks::blocks(text);
        for line in indented {
            problems.push(format!(
                "{name}:{line}: an indented code block has no language: fence it and write \
                 `sh`, `console` or `text`"
            ));
        }
        let mut per_block = Vec::new();
        for (index, block) in found.iter().enumerate() {
            match blocks::commands(block) {
                Ok((_, shown)) => per_block.push((
                    index,
                    shown
                        .into_iter()
                        .map(|shown| Item {
                            file: name.to_owned(),
                            shown,
                        })
                        .collect(),
                )),
                Err(why) => problems.push(format!("{name}:{}: {why}", block.line)),
            }
        }
        per_block
    }

    /// The book rendered as Markdown after every preprocessor, in `language`: page → text.
    fn rendered(
        root: &Path,
        work: &Path,
        language: &str,
    ) -> Result<BTreeMap<String, String>, String> {
        let out = work.join(format!("markdown-{language}"));
        let _ = fs::remove_dir_all(&out);
        let run = Command::new("mdbook")
            .arg("build")
            .arg(root.join("book"))
            .arg("-d")
            .arg(&out)
            .env("MDBOOK_BOOK__LANGUAGE", language)
            .env("MDBOOK_OUTPUT", r#"{"markdown": {}}"#)
            .output()
            .map_err(|e| format!("cannot run mdbook ({e}): cargo install --locked mdbook@0.5.4"))?;
        let log = String::from_utf8_lossy(&run.stderr);
        if !run.status.success() || log.contains("was not found") {
            return Err(format!(
                "the {language} edition as Markdown (mdbook build with MDBOOK_OUTPUT markdown) \
                 failed or missed a preprocessor (cargo install --locked \
                 mdbook-i18n-helpers@0.4.0; python3):\n{log}"
            ));
        }
        let mut pages = BTreeMap::new();
        collect(&out, &out, &mut pages);
        Ok(pages)
    }

    fn collect(base: &Path, dir: &Path, pages: &mut BTreeMap<String, String>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect(base, &path, pages);
            } else if path.extension().is_some_and(|e| e == "md") {
                let name = path.strip_prefix(base).unwrap().display().to_string();
                pages.insert(name, fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }

    /// The commands of the Chinese edition that differ from the English edition's, as items of
    /// `book/src/PAGE.md (zh-CN)` at the English line; and the number of commands it shows.
    fn chinese(
        root: &Path,
        work: &Path,
        english: &BTreeMap<String, Vec<(usize, Vec<Item>)>>,
        problems: &mut Vec<String>,
    ) -> (Vec<FileItems>, BTreeMap<String, usize>) {
        let (en, zh) = match (rendered(root, work, "en"), rendered(root, work, "zh-CN")) {
            (Ok(en), Ok(zh)) => (en, zh),
            (Err(e), _) | (_, Err(e)) => {
                problems.push(e);
                return (Vec::new(), BTreeMap::new());
            }
        };
        let mut differing = Vec::new();
        let mut counts = BTreeMap::new();
        for (page, zh_text) in &zh {
            let name = format!("book/src/{page} (zh-CN)");
            let source = format!("book/src/{page}");
            let mut scratch = Vec::new();
            let zh_blocks = file_items(&name, zh_text, &mut scratch);
            let en_blocks = file_items(
                &source,
                en.get(page).map_or("", String::as_str),
                &mut scratch,
            );
            problems.extend(
                scratch
                    .into_iter()
                    .map(|p| format!("{p} (after the gettext preprocessor)")),
            );
            let source_blocks = english.get(&source);
            if zh_blocks.len() != en_blocks.len() {
                problems.push(format!(
                    "{name}: {} code blocks, the English edition has {}: a translation added or \
                     lost a code block",
                    zh_blocks.len(),
                    en_blocks.len()
                ));
                continue;
            }
            let mut items = Vec::new();
            let commands = |items: &[Item]| -> Vec<Item> {
                items
                    .iter()
                    .filter(|i| !i.shown.command.is_empty())
                    .cloned()
                    .collect()
            };
            for (index, zh_items) in &zh_blocks {
                let zh_commands = commands(zh_items);
                *counts.entry(name.clone()).or_insert(0) += zh_commands.len();
                let en_commands: Vec<String> = en_blocks
                    .iter()
                    .find(|(i, _)| i == index)
                    .map(|(_, items)| {
                        commands(items)
                            .into_iter()
                            .map(|i| i.shown.command)
                            .collect()
                    })
                    .unwrap_or_default();
                // The same block of the English source, for the line numbers.
                let source_commands: Vec<Item> = source_blocks
                    .and_then(|b| b.iter().find(|(i, _)| i == index))
                    .map(|(_, items)| commands(items))
                    .unwrap_or_default();
                for (at, item) in zh_commands.into_iter().enumerate() {
                    if en_commands.contains(&item.shown.command) {
                        continue;
                    }
                    let mut item = item;
                    item.shown.line = source_commands.get(at).map_or(0, |i| i.shown.line);
                    items.push(item);
                }
            }
            if !items.is_empty() {
                differing.push((name, items));
            }
        }
        (differing, counts)
    }

    /// The ports of one page while its commands run.
    struct Page {
        /// Running servers: (shown port, real port, the running command).
        servers: Vec<(u16, u16, Running)>,
        /// Commands still running in the background (`nc`, `… &`), stopped with the servers.
        background: Vec<Running>,
    }

    impl Ports for Page {
        fn server(&self, shown: u16) -> Option<u16> {
            self.servers
                .iter()
                .find(|(s, _, _)| *s == shown)
                .map(|(_, real, _)| *real)
        }
    }

    impl Page {
        fn stop_all(&mut self) {
            for (_, _, mut server) in self.servers.drain(..) {
                server.stop();
            }
            for mut job in self.background.drain(..) {
                job.stop();
            }
        }
    }

    /// The last line the book shows under a command (skipping `…` and blank lines); an
    /// `{{#include}}` is read from the copy.
    fn last_shown_line(item: &Item, copy: &Path) -> Option<String> {
        let mut lines: Vec<String> = Vec::new();
        for (_, line) in &item.shown.output {
            if let Some(path) = include_path(line) {
                let page_dir = Path::new(item.file.split(' ').next().unwrap_or(""))
                    .parent()
                    .unwrap_or(Path::new(""));
                let file = copy.join(page_dir).join(path);
                lines.extend(
                    fs::read_to_string(file)
                        .unwrap_or_default()
                        .lines()
                        .map(str::to_owned),
                );
            } else {
                lines.push(line.clone());
            }
        }
        lines
            .into_iter()
            .rev()
            .map(|l| l.trim().to_owned())
            .find(|l| !l.is_empty() && l != "…" && l != "...")
    }

    /// The file of an `{{#include FILE[:…]}}` line.
    fn include_path(line: &str) -> Option<&str> {
        let inner = line
            .trim()
            .strip_prefix("{{#include ")?
            .strip_suffix("}}")?;
        Some(inner.split(':').next().unwrap_or(inner).trim())
    }

    /// The end of an output, for a failure message.
    fn tail(text: &str, lines: usize) -> String {
        let all: Vec<&str> = text.lines().collect();
        let start = all.len().saturating_sub(lines);
        all[start..]
            .iter()
            .map(|l| format!("      | {l}\n"))
            .collect()
    }

    struct Context<'a> {
        copy: &'a Path,
        /// The network namespace every command runs in (loopback only).
        netns: PathBuf,
        env: Vec<(&'static str, String)>,
        logs: PathBuf,
        counter: usize,
        /// Output typed by hand that this run did not print: (where, missing, shown, first missing).
        differs: Vec<(String, usize, usize, String)>,
    }

    /// Compares output typed by hand under `item` with what its run printed (ports written as
    /// shown): which shown lines the run never printed. Reported, not failed: such output is to
    /// become an `{{#include}}` of a captured run, and until then it tells where it went stale.
    fn compare_typed(cx: &mut Context, item: &Item, printed: &str) {
        let printed: Vec<&str> = printed.lines().map(str::trim).collect();
        let shown: Vec<&str> = item
            .shown
            .output
            .iter()
            .map(|(_, l)| l.trim())
            .filter(|l| !l.is_empty() && *l != "…" && include_path(l).is_none())
            .collect();
        let missing: Vec<&&str> = shown.iter().filter(|l| !printed.contains(l)).collect();
        let at = item
            .shown
            .output
            .first()
            .map_or(item.shown.line, |(l, _)| *l);
        if cx
            .differs
            .iter()
            .any(|(where_, ..)| *where_ == format!("{}:{at}", item.file))
        {
            return; // compared already (a `with` server and its `instead` share the item)
        }
        if let Some(first) = missing.first() {
            cx.differs.push((
                format!("{}:{at}", item.file),
                missing.len(),
                shown.len(),
                first.chars().take(90).collect(),
            ));
        }
    }

    /// Runs `text` for `item` and judges it.
    #[allow(clippy::too_many_arguments)]
    fn run_one(
        cx: &mut Context,
        page: &mut Page,
        item: &Item,
        text: &str,
        program: &Program,
        offline: bool,
        ports: &[(u16, u16)],
        server_shown: Option<u16>,
    ) -> Verdict {
        cx.counter += 1;
        let log = cx.logs.join(format!("{:03}.txt", cx.counter));
        let mut running = match Running::start(text, cx.copy, &cx.env, &cx.netns, log) {
            Ok(r) => r,
            Err(e) => return Verdict::Failed(format!("could not start `{text}`: {e}")),
        };
        let cargo = text.contains("cargo ");
        let ready = program.ready();
        let settle = *program == Program::Netcat;
        let outcome = running.wait(ready.as_ref(), settle, cargo, None);
        let output = rules::as_shown(&running.text(), ports);
        let took = running.started.elapsed();
        compare_typed(cx, item, &output);
        let how = if offline { " (no network)" } else { "" };
        match outcome {
            Outcome::Ready(port) => {
                if let Some(shown) = server_shown.filter(|_| !offline) {
                    let real = port.and_then(|p| p.parse().ok()).unwrap_or(0);
                    page.servers.push((shown, real, running));
                    Verdict::Ran(format!(
                        "up and serving{how} ({:.1} s), kept running for the commands after it",
                        took.as_secs_f32()
                    ))
                } else {
                    running.stop();
                    let verdict = format!(
                        "printed its ready line{how} ({:.1} s), stopped",
                        took.as_secs_f32()
                    );
                    if offline {
                        Verdict::Proven(verdict)
                    } else {
                        Verdict::Ran(verdict)
                    }
                }
            }
            Outcome::Settled => {
                page.background.push(running);
                Verdict::Ran(
                    "still running after 2 s (interactive), left running with the page's server"
                        .into(),
                )
            }
            Outcome::TimedOut(after) => {
                running.stop();
                Verdict::Failed(format!(
                    "still running after {:.0} s, and printed no line that says it is ready{}; \
                     the end of its output:\n{}",
                    after.as_secs_f32(),
                    ready.map(|r| format!(" (`{r}`)")).unwrap_or_default(),
                    tail(&output, 8)
                ))
            }
            Outcome::Exited(status) => {
                if running.group_alive() {
                    page.background.push(running); // `… &`: its jobs run on
                }
                let code = status.code();
                if rules::usage_error(&output, code) {
                    return Verdict::Failed(format!(
                        "its arguments were refused (exit {}):\n{}",
                        code.map_or("by a signal".into(), |c| c.to_string()),
                        tail(&output, 8)
                    ));
                }
                if offline {
                    let started = !cargo || output.contains("     Running `");
                    return if started {
                        Verdict::Proven(format!(
                            "ran with no network (exit {}): cargo and the program accepted its arguments",
                            code.map_or("-".into(), |c| c.to_string())
                        ))
                    } else {
                        Verdict::Failed(format!(
                            "with no network, it never started the program:\n{}",
                            tail(&output, 8)
                        ))
                    };
                }
                if status.success() {
                    return Verdict::Ran(format!("exit 0 ({:.1} s)", took.as_secs_f32()));
                }
                if let Some(last) = last_shown_line(item, cx.copy) {
                    if output.lines().any(|l| l.trim() == last) {
                        return Verdict::Ran(format!(
                            "failed as the book shows (exit {}, `{}`)",
                            code.map_or("-".into(), |c| c.to_string()),
                            last.chars().take(60).collect::<String>()
                        ));
                    }
                }
                Verdict::Failed(format!(
                    "exit {} ({:.1} s){}; the end of its output:\n{}",
                    code.map_or("by a signal".into(), |c| c.to_string()),
                    took.as_secs_f32(),
                    last_shown_line(item, cx.copy)
                        .map(|l| format!(", and it did not print the book's last line `{l}`"))
                        .unwrap_or_default(),
                    tail(&output, 12)
                ))
            }
        }
    }

    /// Decides how to run one shown command, runs it, and judges it.
    fn check(
        cx: &mut Context,
        page: &mut Page,
        item: &Item,
        exceptions: &mut [Exception],
    ) -> (Verdict, String) {
        let shown = &item.shown.command;
        let exception = exceptions.iter_mut().find(|e| {
            e.command == *shown
                && e.file
                    .as_ref()
                    .is_none_or(|f| item.file.starts_with(f.as_str()))
        });
        let is_cargo = shown.starts_with("cargo ") || shown.contains(" cargo ");
        let mut exception = exception;
        if let Some(e) = exception.as_mut().filter(|e| e.server_first) {
            // A server the page starts in its prose: start it, then run the command as usual.
            e.used = true;
            let with = e.with.clone().unwrap_or_default();
            page.stop_all();
            let program = rules::classify(&with);
            let rewritten = rules::rewrite(&with, &program, page);
            if let Verdict::Failed(f) = run_one(
                cx,
                page,
                item,
                &rewritten.text,
                &program,
                false,
                &[],
                rewritten.server_shown_port,
            ) {
                return (
                    Verdict::Failed(format!("{MANIFEST}: its server `{with}` failed: {f}")),
                    with,
                );
            }
            exception = None;
        }
        if let Some(e) = exception {
            e.used = true;
            let why = e.why.clone();
            let with = e.with.clone();
            if let Some(instead) = e.instead.clone() {
                // A server it needs first, then the command run in its place.
                let mut server_note = String::new();
                if let Some(with) = with {
                    page.stop_all();
                    let program = rules::classify(&with);
                    let rewritten = rules::rewrite(&with, &program, page);
                    let verdict = run_one(
                        cx,
                        page,
                        item,
                        &rewritten.text,
                        &program,
                        false,
                        &[],
                        rewritten.server_shown_port,
                    );
                    if let Verdict::Failed(f) = verdict {
                        return (
                            Verdict::Failed(format!("{MANIFEST}: its server `{with}` failed: {f}")),
                            with,
                        );
                    }
                    server_note = format!(" (with `{}` running)", rewritten.text);
                }
                let pid = page
                    .servers
                    .last()
                    .map(|(_, _, r)| r.child.id().to_string())
                    .unwrap_or_default();
                let text = instead.replace("{server_pid}", &pid);
                let verdict = run_one(
                    cx,
                    page,
                    item,
                    &text,
                    &rules::classify(&text),
                    false,
                    &[],
                    None,
                );
                page.stop_all();
                return match verdict {
                    Verdict::Ran(how) | Verdict::Proven(how) => (
                        Verdict::Proven(format!("{why}; instead `{text}`{server_note}: {how}")),
                        text,
                    ),
                    Verdict::Failed(f) => (
                        Verdict::Failed(format!(
                            "{MANIFEST}: `{text}`, run instead ({why}), failed: {f}"
                        )),
                        text,
                    ),
                    other => (other, text),
                };
            }
            if !is_cargo {
                return (Verdict::NotRun(why), String::new());
            }
            // A cargo command: run with no network, which proves cargo and the program accept it.
            page.stop_all();
            let program = rules::classify(shown);
            let verdict = run_one(cx, page, item, shown, &program, true, &[], None);
            return match verdict {
                Verdict::Proven(how) => (Verdict::Proven(format!("{why}; {how}")), shown.clone()),
                other => (other, shown.clone()),
            };
        }
        if item.shown.windows && !is_cargo {
            return (
                Verdict::NotRun("a Windows command (powershell block)".into()),
                String::new(),
            );
        }
        let program = rules::classify(shown);
        if rules::beyond_loopback(shown).is_some() {
            page.stop_all();
            let verdict = run_one(cx, page, item, shown, &program, true, &[], None);
            return (verdict, format!("unshare --net -- bash -c {shown:?}"));
        }
        let rewritten = rules::rewrite(shown, &program, page);
        if !rewritten.uses_server {
            page.stop_all();
        }
        // Rewriting after stopping: ports of stopped servers now mean "nothing listens".
        let rewritten = if rewritten.uses_server {
            rewritten
        } else {
            rules::rewrite(shown, &program, page)
        };
        // A server's shown port: its output may name the port it got (`listening on …:34305`).
        let server_shown = rewritten.server_shown_port.map(|port| {
            if port != 0 {
                return port;
            }
            item.shown
                .output
                .iter()
                .find_map(|(_, l)| {
                    program
                        .ready()
                        .and_then(|r| r.captures(l))
                        .and_then(|c| c.get(1)?.as_str().parse().ok())
                })
                .unwrap_or(0)
        });
        let verdict = run_one(
            cx,
            page,
            item,
            &rewritten.text,
            &program,
            false,
            &rewritten.ports,
            server_shown,
        );
        (verdict, rewritten.text)
    }

    /// Copies the crate to `copy` as a finished student has it: no .git, target or built book,
    /// solutions/ in exercises/; node_modules linked from the original; `target/` a link to
    /// `target` (kept from run to run: the copy's path does not change, so cargo's builds stay
    /// fresh, and scripts that use `target/release/…` find what cargo built).
    fn make_copy(root: &Path, copy: &Path, target: &Path) -> Result<(), String> {
        let _ = fs::remove_dir_all(copy);
        fs::create_dir_all(copy).map_err(|e| e.to_string())?;
        let script = format!(
            "tar -C {root:?} --exclude=./target --exclude=./.git --exclude=./book/book \
             --exclude=node_modules -cf - . | tar -C {copy:?} -xf - && \
             for f in {root:?}/solutions/ex[0-9][0-9]_*.rs; do cp -p \"$f\" {copy:?}/exercises/; done && \
             for d in book/check/search book/check/layout; do \
               if [ -d {root:?}/$d/node_modules ]; then ln -s {root:?}/$d/node_modules {copy:?}/$d/node_modules; fi; done && \
             mkdir -p {target:?} && ln -s {target:?} {copy:?}/target"
        );
        let status = Command::new("bash")
            .args(["-c", &script])
            .status()
            .map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("copying the crate failed: {status}"))
        }
    }

    pub fn main() -> i32 {
        let args: Vec<String> = std::env::args().skip(1).collect();
        // Run by itself (CONTRIBUTING shows this very command): list, never run again.
        let nested = std::env::var_os("SHOWN_COMMANDS_NESTED").is_some();
        let list = nested || args.iter().any(|a| a == "--list");
        let only = args
            .iter()
            .position(|a| a == "--only")
            .and_then(|i| args.get(i + 1))
            .cloned();
        if args.iter().any(|a| a == "--help" || a == "-h") {
            println!(
                "usage: shown_commands [--list] [--only TEXT]   (see tools/src/bin/shown_commands/main.rs)"
            );
            return 0;
        }
        let started = Instant::now();
        // tools/ of the crate being checked: cargo run sets CARGO_MANIFEST_DIR when it starts us.
        let tools = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
        let root = tools
            .parent()
            .expect("tools/ is inside the crate")
            .to_path_buf();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        let target = if target.is_absolute() {
            target
        } else {
            root.join(target)
        };
        let work = target.join("shown-commands");
        let copy = work.join("crate");
        let logs = work.join("logs");
        let _ = fs::remove_dir_all(&logs);
        fs::create_dir_all(&logs).expect("the work folder can be created");

        let mut problems = Vec::new();
        let mut exceptions = match exceptions(&root) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("shown_commands: {e}");
                return 1;
            }
        };
        // Every file, in order: the READMEs and CONTRIBUTING, then the book's pages by name.
        let mut english: BTreeMap<String, Vec<(usize, Vec<Item>)>> = BTreeMap::new();
        let mut names: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
        let mut pages: Vec<String> = fs::read_dir(root.join("book/src"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .map(|p| format!("book/src/{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
        pages.sort();
        names.extend(pages);
        for name in &names {
            let text = fs::read_to_string(root.join(name)).unwrap_or_default();
            english.insert(name.clone(), file_items(name, &text, &mut problems));
        }
        let (chinese, chinese_counts) = chinese(&root, &work, &english, &mut problems);

        // (file, items) in the order they run.
        let mut files: Vec<(String, Vec<Item>)> = names
            .iter()
            .map(|n| {
                (
                    n.clone(),
                    english[n]
                        .iter()
                        .flat_map(|(_, items)| items.clone())
                        .collect(),
                )
            })
            .collect();
        files.extend(chinese);
        if let Some(only) = &only {
            files.retain(|(name, _)| name.contains(only.as_str()));
        }

        // Output shown by hand, and commands inside included captures.
        let mut typed = Vec::new();
        let mut captured = 0;
        for (name, items) in &files {
            if name.ends_with("(zh-CN)") {
                continue;
            }
            for item in items {
                let hand = item.shown.output.iter().find(|(_, l)| {
                    let l = l.trim();
                    !l.is_empty() && l != "…" && include_path(l).is_none()
                });
                if let Some((line, _)) = hand {
                    typed.push(format!(
                        "{name}:{line}{}",
                        if item.shown.command.is_empty() {
                            " (output of a command shown elsewhere)"
                        } else {
                            ""
                        }
                    ));
                }
                for (_, line) in &item.shown.output {
                    if let Some(path) = include_path(line) {
                        let file = root.join(Path::new(name).parent().unwrap()).join(path);
                        captured += fs::read_to_string(file)
                            .unwrap_or_default()
                            .lines()
                            .filter(|l| l.starts_with("$ "))
                            .count();
                    }
                }
            }
        }

        if list {
            for (name, items) in &files {
                for item in items.iter().filter(|i| !i.shown.command.is_empty()) {
                    let c = &item.shown.command;
                    let how = if let Some(e) = exceptions.iter().find(|e| {
                        e.command == *c
                            && e.file.as_ref().is_none_or(|f| name.starts_with(f.as_str()))
                    }) {
                        format!(
                            "not here: {}{}",
                            e.why,
                            e.instead
                                .as_ref()
                                .map(|i| format!("; instead: {i}"))
                                .unwrap_or_default()
                        )
                    } else if item.shown.windows && !c.starts_with("cargo ") {
                        "Windows only".into()
                    } else if let Some(dest) = rules::beyond_loopback(c) {
                        format!("no network (names {dest})")
                    } else {
                        format!("{:?}", rules::classify(c))
                    };
                    println!("{name}:{}: {c}\n      → {how}", item.shown.line);
                }
            }
            for p in &problems {
                println!("PROBLEM {p}");
            }
            return i32::from(!problems.is_empty());
        }

        if let Err(e) = make_copy(&root, &copy, &work.join("target")) {
            eprintln!("shown_commands: {e}");
            return 1;
        }
        // Everything the copy's Cargo.lock names, downloaded now: the commands run with no
        // network but loopback (and CARGO_NET_OFFLINE, so that cargo says so at once).
        let fetch = Command::new("cargo")
            .args(["fetch", "--locked"])
            .current_dir(&copy)
            .env_remove("CARGO_TARGET_DIR")
            .status();
        if !fetch.is_ok_and(|s| s.success()) {
            eprintln!("shown_commands: `cargo fetch --locked` failed in the copy");
            return 1;
        }
        let search = root.join("book/check/search");
        if !search.join("node_modules").exists() {
            println!(
                "shown_commands: installing the book's search tools (npm ci in book/check/search), as build-editions.sh would"
            );
            let npm = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&search)
                .status();
            if !npm.is_ok_and(|s| s.success()) {
                eprintln!("shown_commands: npm ci in book/check/search failed");
                return 1;
            }
            let _ = std::os::unix::fs::symlink(
                search.join("node_modules"),
                copy.join("book/check/search/node_modules"),
            );
        }
        let sandbox = match Sandbox::new() {
            Ok(s) => s,
            Err(e) => {
                eprintln!("shown_commands: {e}");
                return 1;
            }
        };
        let mut cx = Context {
            netns: sandbox.netns(),
            copy: &copy,
            env: vec![
                ("CARGO_TERM_COLOR", "never".into()),
                ("LANG", "C.UTF-8".into()),
                ("BROWSER", "true".into()),
                ("PYTHONUNBUFFERED", "1".into()),
                ("CARGO_NET_OFFLINE", "true".into()),
                ("SHOWN_COMMANDS_NESTED", "1".into()),
            ],
            logs,
            counter: 0,
            differs: Vec::new(),
        };
        let mut tally: BTreeMap<String, [usize; 4]> = BTreeMap::new();
        let mut failures = Vec::new();
        let mut not_run = Vec::new();
        let mut done: BTreeMap<String, (Verdict, String)> = BTreeMap::new();
        for (name, items) in &files {
            let mut page = Page {
                servers: Vec::new(),
                background: Vec::new(),
            };
            for item in items.iter().filter(|i| !i.shown.command.is_empty()) {
                let begun = Instant::now();
                // The same command, run unchanged before with success (`cargo test` in both
                // READMEs and the introduction; a measurement in CONTRIBUTING and the appendix):
                // not run again.
                let (verdict, ran) = match done.get(&item.shown.command) {
                    Some((verdict, at)) => {
                        let again = |how: &String| format!("{how} — as at {at}, not run again");
                        let verdict = match verdict {
                            Verdict::Ran(how) => Verdict::Ran(again(how)),
                            Verdict::Proven(how) => Verdict::Proven(again(how)),
                            other => other.clone(),
                        };
                        (verdict, String::new())
                    }
                    None => {
                        let (verdict, ran) = check(&mut cx, &mut page, item, &mut exceptions);
                        let unchanged = ran == item.shown.command
                            || exceptions.iter().any(|e| {
                                e.command == item.shown.command
                                    && e.instead.as_deref() == Some(ran.as_str())
                            });
                        if unchanged
                            && rules::classify(&item.shown.command) == Program::Other
                            && matches!(verdict, Verdict::Ran(_) | Verdict::Proven(_))
                        {
                            done.insert(item.shown.command.clone(), (verdict.clone(), item.at()));
                        }
                        (verdict, ran)
                    }
                };
                let counts = tally.entry(name.clone()).or_default();
                let ran_note = if ran.is_empty() || ran == item.shown.command {
                    String::new()
                } else {
                    format!("\n      ran: {ran}")
                };
                match &verdict {
                    Verdict::Ran(how) => {
                        counts[0] += 1;
                        println!(
                            "  ✔ {}: {}  — {how}{ran_note}",
                            item.at(),
                            item.shown.command
                        );
                    }
                    Verdict::Proven(how) => {
                        counts[1] += 1;
                        println!(
                            "  ✔ {}: {}  — proven: {how}{ran_note}",
                            item.at(),
                            item.shown.command
                        );
                    }
                    Verdict::NotRun(why) => {
                        counts[2] += 1;
                        not_run.push(format!("{}: {}  — {why}", item.at(), item.shown.command));
                        println!(
                            "  - {}: {}  — not run here: {why}",
                            item.at(),
                            item.shown.command
                        );
                    }
                    Verdict::Failed(why) => {
                        counts[3] += 1;
                        let text =
                            format!("{}: {}{ran_note}\n    {why}", item.at(), item.shown.command);
                        println!("  ✘ {text}");
                        failures.push(text);
                    }
                }
                let _ = begun;
            }
            page.stop_all();
        }
        for e in exceptions.iter().filter(|e| !e.used && only.is_none()) {
            problems.push(format!(
                "{MANIFEST}: `{}` is shown nowhere any more: delete its entry",
                e.command
            ));
        }

        let mut report = String::new();
        let _ = writeln!(
            report,
            "\nshown commands, per file (ran here / proven / not run / failed):"
        );
        for (name, [ran, proven, skipped, failed]) in &tally {
            let _ = writeln!(
                report,
                "  {name:48} {:3} found: {ran} ran, {proven} proven, {skipped} not run, {failed} failed",
                ran + proven + skipped + failed
            );
        }
        let same: usize = chinese_counts.values().sum();
        let _ = writeln!(
            report,
            "  the zh-CN edition shows {same} commands; those the same as in English ran there, the others are listed as (zh-CN) above"
        );
        let _ = writeln!(
            report,
            "  {captured} commands inside included captures (listings/output/) ran in the capture that wrote them"
        );
        let _ = writeln!(
            report,
            "\noutput typed by hand, not an {{{{#include}}}} of a captured run ({}):",
            typed.len()
        );
        for t in &typed {
            let _ = writeln!(report, "  {t}");
        }
        if !cx.differs.is_empty() {
            let _ = writeln!(
                report,
                "\nof these, shown lines the run did not print (ports as shown; a server's output only up to its ready line) ({}):",
                cx.differs.len()
            );
            for (at, missing, shown, first) in &cx.differs {
                let _ = writeln!(report, "  {at}: {missing} of {shown} lines, first: {first}");
            }
        }
        if !not_run.is_empty() {
            let _ = writeln!(report, "\nnot run here ({}):", not_run.len());
            for n in &not_run {
                let _ = writeln!(report, "  {n}");
            }
        }
        for p in &problems {
            let _ = writeln!(report, "\n  ✘ {p}");
        }
        if !failures.is_empty() {
            let _ = writeln!(report, "\nfailed ({}):", failures.len());
            for f in &failures {
                let _ = writeln!(report, "  ✘ {f}");
            }
        }
        let totals = tally.values().fold([0; 4], |mut a, c| {
            for i in 0..4 {
                a[i] += c[i];
            }
            a
        });
        let _ = writeln!(
            report,
            "\nshown_commands: {} ran, {} proven, {} not run, in {:.0} s (logs: {})",
            totals[0],
            totals[1],
            totals[2],
            started.elapsed().as_secs_f32(),
            cx.logs.display()
        );
        let failed = totals[3] + problems.len();
        let _ = writeln!(
            report,
            "shown_commands: {} passed, {failed} failed",
            totals[0] + totals[1] + totals[2]
        );
        print!("{report}");
        let _ = Duration::ZERO;
        i32::from(failed > 0)
    }
}
