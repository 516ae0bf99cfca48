//! What the progress view says, in English or in Chinese (zh-CN). What the tests, `todo!()` and
//! rustc print stays as it is, in English; the Chinese view adds the Chinese hints.

use std::fmt::Display;

use crate::info::{self, Exercise, Text};
use crate::run::Outcome;

/// The language of the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// `--lang` wins; else the locale: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set
    /// and not empty (POSIX's order); else, where none is set (Windows sets none), the user's
    /// locale from the OS (`os_locale`, e.g. `zh-CN`). Chinese when it starts with `zh`.
    pub fn choose(
        flag: Option<&str>,
        var: impl Fn(&str) -> Option<String>,
        os_locale: impl FnOnce() -> Option<String>,
    ) -> Result<Lang, String> {
        match flag {
            Some("en" | "en-US" | "en-GB" | "C") => Ok(Lang::En),
            Some("zh" | "zh-CN" | "zh_CN" | "zh-Hans") => Ok(Lang::Zh),
            Some(other) => Err(format!("--lang {other:?}: expected `en` or `zh-CN`")),
            None => {
                let mut set = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().filter_map(var);
                let locale = set.find(|value| !value.is_empty()).or_else(os_locale);
                Ok(if locale.is_some_and(|l| l.starts_with("zh")) { Lang::Zh } else { Lang::En })
            }
        }
    }

    /// The English or the Chinese text, with `{0}`, `{1}` … replaced by `values`.
    pub fn say(self, en: &str, zh: &str, values: &[&dyn Display]) -> String {
        let mut text = if self == Lang::Zh { zh } else { en }.to_string();
        for (index, value) in values.iter().enumerate() {
            text = text.replace(&format!("{{{index}}}"), &value.to_string());
        }
        text
    }
}

impl Text {
    pub fn pick(&self, lang: Lang) -> &str {
        if lang == Lang::Zh { &self.zh } else { &self.en }
    }
}

pub fn heading(lang: Lang) -> String {
    lang.say(
        "net-basics: your progress through the exercises\n\n",
        "net-basics：你的练习进度\n\n",
        &[],
    )
}

/// What stderr says while an exercise is checked (at a terminal).
pub fn checking(lang: Lang, exercise: &Exercise, total: usize) -> String {
    lang.say(
        "checking exercise {0}/{1} ({2})… (the first check also builds the tests)",
        "正在检查练习 {0}/{1}（{2}）……（第一次检查还要编译测试）",
        &[&exercise.number, &total, &exercise.topic.pick(lang)],
    )
}

/// The widths of the list's columns (number, topic, file), so that it reads as a table.
pub type Columns = (usize, usize, usize);

pub fn columns(lang: Lang, exercises: &[Exercise]) -> Columns {
    let widest = |width: &dyn Fn(&Exercise) -> usize| exercises.iter().map(width).max();
    let topic = widest(&|e| display_width(e.topic.pick(lang))).unwrap_or(0);
    let file = widest(&|e| e.file().len()).unwrap_or(0);
    (exercises.len().to_string().len(), topic, file)
}

/// One exercise's line in the list: `  ✔ 2 ports  exercises/ex02_port_ranges.rs  (9 tests pass)`.
pub fn line(lang: Lang, exercise: &Exercise, outcome: &Outcome, columns: Columns) -> String {
    line_of(lang, exercise, &exercise.file(), outcome, columns)
}

/// [`line`], naming `file` as the one graded (`solutions/…` when the tests include the reference
/// answers; as long as `exercises/…`, so the columns stay).
pub fn line_of(
    lang: Lang,
    exercise: &Exercise,
    file: &str,
    outcome: &Outcome,
    columns: Columns,
) -> String {
    let pad = |text: &str, width: usize| " ".repeat(width.saturating_sub(display_width(text)));
    let (number, topic) = (exercise.number.to_string(), exercise.topic.pick(lang));
    let mark = match outcome {
        Outcome::Passed { .. } => "✔",
        Outcome::NeedsFeatures(_) => "–",
        _ => "✘",
    };
    let detail = match outcome {
        Outcome::Passed { tests } => {
            lang.say("({0} tests pass)", "（{0} 个测试全部通过）", &[tests])
        }
        Outcome::Failed { passed, failed, .. } => lang.say(
            "({0}/{1} tests pass)",
            "（通过 {0}/{1} 个测试）",
            &[passed, &(passed + failed)],
        ),
        Outcome::DoesNotCompile { .. } => lang.say("(does not compile)", "（无法编译）", &[]),
        Outcome::TimedOut { limit, .. } => lang.say(
            "(stopped: no test finished for {0} s)",
            "（已停止：{0} 秒内没有一个测试结束）",
            &[&limit.as_secs_f64()],
        ),
        Outcome::CouldNotRun(_) => lang.say("(could not run)", "（无法运行）", &[]),
        Outcome::NeedsFeatures(features) => lang.say(
            "(not graded: needs --features {0})",
            "（未检查：需要 --features {0}）",
            &[&features.join(",")],
        ),
    };
    let (pad_number, pad_topic, pad_file) =
        (pad(&number, columns.0), pad(topic, columns.1), pad(file, columns.2));
    let mut out =
        format!("  {mark} {pad_number}{number} {topic}{pad_topic}  {file}{pad_file}  {detail}\n");
    // Once it passes: what its tests cannot check here (another OS's rule), under its line.
    if let (Outcome::Passed { .. }, Some(note)) = (outcome, &exercise.note) {
        let indent = " ".repeat(5 + columns.0);
        for text in wrap(note.pick(lang), 98 - indent.len()) {
            out += &format!("{indent}{text}\n");
        }
    }
    out
}

/// Columns on a terminal: Chinese characters and full-width punctuation take two.
fn display_width(text: &str) -> usize {
    let wide = |c: char| {
        matches!(c, '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FF60}'
            | '\u{FFE0}'..='\u{FFE6}')
    };
    text.chars().map(|c| if wide(c) { 2 } else { 1 }).sum()
}

/// The first exercise that is graded and does not pass: where the student is.
pub fn next<'a>(graded: &'a [(&'a Exercise, Outcome)]) -> Option<&'a (&'a Exercise, Outcome)> {
    graded.iter().find(|(_, o)| !matches!(o, Outcome::Passed { .. } | Outcome::NeedsFeatures(_)))
}

/// `done/graded done`: how many of the graded exercises pass.
pub fn count(lang: Lang, graded: &[(&Exercise, Outcome)]) -> String {
    let graded: Vec<&Outcome> =
        graded.iter().map(|(_, o)| o).filter(|o| !matches!(o, Outcome::NeedsFeatures(_))).collect();
    let done = graded.iter().filter(|o| matches!(o, Outcome::Passed { .. })).count();
    lang.say("\n{0}/{1} done\n", "\n已完成 {0}/{1}\n", &[&done, &graded.len()])
}

/// One line per exercise left ungraded for want of features: the command that grades it
/// (`how`: `cargo run -- --features` or `cargo test --features`).
pub fn ungraded(lang: Lang, graded: &[(&Exercise, Outcome)], how: &str) -> String {
    let mut out = String::new();
    for (exercise, outcome) in graded {
        if let Outcome::NeedsFeatures(features) = outcome {
            let command = format!("{how} {}", features.join(","));
            out += &lang.say(
                "Exercise {0} ({1}) is graded with `{2}`.\n",
                "练习 {0}（{1}）要用 `{2}` 检查。\n",
                &[&exercise.number, &exercise.topic.pick(lang), &command],
            );
        }
    }
    out
}

/// After the list: the count, then the first exercise that does not pass, in detail (with the
/// hints shown so far, `shown` ≥ 1, and `page`, the book page that holds it) — or the
/// congratulations.
pub fn summary(lang: Lang, graded: &[(&Exercise, Outcome)], shown: usize, page: &str) -> String {
    let mut out = count(lang, graded) + "\n";
    out += &ungraded(lang, graded, "cargo run -- --features");
    let Some((exercise, outcome)) = next(graded) else {
        out += &lang.say(
            "Every exercise passes. Well done! Compare yours with the reference answers in solutions/,\n\
             run the real programs with your code (`cargo run --example 04_time_server --features mine`),\n\
             and try the questions in book/src/check-yourself.md.\n",
            "所有练习都通过了，干得好！可以把你的答案和 solutions/ 里的参考答案比较一下，\n\
             用你自己的代码运行真正的程序（`cargo run --example 04_time_server --features mine`），\n\
             再试试 book/src/check-yourself.md 里的问题。\n",
            &[],
        );
        return out;
    };
    let next = [&exercise.number as &dyn Display, &exercise.topic.pick(lang), &exercise.file()];
    out += &lang.say("Next: exercise {0}, {1} — {2}\n", "下一步：练习 {0}，{1} —— {2}\n", &next);
    out += &details(lang, exercise, outcome, 16);
    out += "\n";
    out += &hints(lang, exercise, shown);
    let chapter = [&exercise.chapter as &dyn Display, &exercise.title.pick(lang), &page];
    let html = info::html(page, lang == Lang::Zh);
    out += &lang.say(
        "  Read: book chapter {0}, \"{1}\" — {2}\n        (built: {3})\n  Check it alone: cargo test --test {4}\n",
        "  阅读：第 {0} 章《{1}》—— {3}\n        （源文件 {2}）\n  单独检查：cargo test --test {4}\n",
        &[chapter[0], chapter[1], chapter[2], &html, &exercise.stem],
    );
    out
}

/// Why an exercise does not pass: a sentence, then at most `max` lines of what the test or rustc
/// printed, then rustc's warnings about the exercise's file when it fails or hangs (an ignored
/// result, say, can be the very cause of a hang).
pub fn details(lang: Lang, exercise: &Exercise, outcome: &Outcome, max: usize) -> String {
    let (number, stem) = (&exercise.number, &exercise.stem);
    let (intro, details, warnings) = match outcome {
        Outcome::Passed { .. } | Outcome::NeedsFeatures(_) => return String::new(),
        Outcome::Failed { passed, failed, first: Some(name), output, warnings } => (
            lang.say(
                "{0} of {1} tests fail; the first: {2}",
                "{1} 个测试中有 {0} 个失败；第一个：{2}",
                &[failed, &(passed + failed), name],
            ),
            output.as_str(),
            warnings.as_str(),
        ),
        Outcome::Failed { output, warnings, .. } => (
            lang.say("The tests stopped without a result:", "测试没有给出结果就停止了：", &[]),
            output.as_str(),
            warnings.as_str(),
        ),
        Outcome::DoesNotCompile { location, error } => (
            lang.say(
                "It does not compile; rustc's first error, at {0}:",
                "无法编译；rustc 的第一个错误，位于 {0}：",
                &[&location.as_deref().unwrap_or("?")],
            ),
            error.as_str(),
            "",
        ),
        Outcome::TimedOut { limit, unfinished, failure, warnings } => {
            let names: Vec<String> =
                unfinished.iter().take(3).map(|name| format!("`{name}`")).collect();
            let more = unfinished.len().saturating_sub(3);
            let names =
                names.join(", ") + &if more > 0 { format!(" (+{more})") } else { String::new() };
            let mut intro = lang.say(
                "Exercise {0}'s tests were stopped: no test finished for {1} s — a loop that never ends, or a\n  \
                 read that waits for ever?",
                "练习 {0} 的测试已被停止：{1} 秒内没有一个测试结束 —— 是不是有永不结束的循环，或者一直在等待的读取？",
                &[number, &limit.as_secs_f64()],
            );
            if !unfinished.is_empty() {
                intro +=
                    &lang.say("\n  Still running: {0}.", "\n  仍在运行的测试：{0}。", &[&names]);
            }
            intro += &lang.say(
                "\n  `cargo test --test {0}` runs them without a limit.",
                "\n  `cargo test --test {0}` 会不限时地运行它们。",
                &[stem],
            );
            // A test that failed before the stop says more than the hang: its message.
            let (name, output) = match failure {
                Some((name, output)) => (name.as_str(), output.as_str()),
                None => ("", ""),
            };
            if !name.is_empty() {
                intro += &lang.say(
                    "\n  Before the stop, a test failed; the first: {0}",
                    "\n  停止之前已有测试失败；第一个：{0}",
                    &[&name],
                );
            }
            (intro, output, warnings.as_str())
        }
        Outcome::CouldNotRun(why) => {
            (lang.say("The tests could not run:", "测试无法运行：", &[]), why.as_str(), "")
        }
    };
    let mut out = format!("  {intro}\n");
    out += &indented(details, max);
    if !warnings.is_empty() {
        out += &lang.say(
            "  rustc's warnings about your code (one may be the cause; `cargo test --test {0}` \
             shows them in full):\n",
            "  rustc 对你的代码给出的警告（问题可能就在这里；`cargo test --test {0}` 会显示完整内容）：\n",
            &[stem],
        );
        out += &indented(warnings, 8);
    }
    out
}

/// At most `max` lines of `text`, indented, and how many more there are.
fn indented(text: &str, max: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for line in lines.iter().take(max) {
        out += &format!("    {line}\n");
    }
    if lines.len() > max {
        out += &format!("    … ({} more lines)\n", lines.len() - max);
    }
    out
}

/// The hints shown so far (at least the first), each wrapped, and the command for the next.
pub fn hints(lang: Lang, exercise: &Exercise, shown: usize) -> String {
    let total = exercise.hints.len();
    let shown = shown.clamp(1, total.max(1));
    let mut out = String::new();
    // The functions a hint is about, where the exercise has several: "`a`, `b`".
    let about = |index: usize| {
        let about = exercise.hints_about.get(index)?.as_deref()?;
        Some(
            about
                .split(',')
                .map(|name| format!("`{}`", name.trim()))
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    for (index, hint) in exercise.hints.iter().enumerate().take(shown) {
        let label = match about(index) {
            Some(function) => lang.say(
                "Hint {0} of {1} ({2}): ",
                "提示 {0}/{1}（{2}）：",
                &[&(index + 1), &total, &function],
            ),
            None => lang.say("Hint {0} of {1}: ", "提示 {0}/{1}：", &[&(index + 1), &total]),
        };
        // Wrapped under its own text; under a long label (the functions'), 4 columns in.
        let first = 2 + display_width(&label);
        let indent = " ".repeat(if first > 20 { 4 } else { first });
        let lines = wrap_from(hint.pick(lang), 98 - first, 98 - indent.len());
        out += &format!("  {label}{}\n", lines.join(&format!("\n{indent}")));
    }
    if shown < total {
        // "hint 1" is the exercise's number, not the hint's: say both apart.
        let which = match about(shown) {
            Some(function) => lang.say(", about {0}", "，关于 {0}", &[&function]),
            None => String::new(),
        };
        out += &lang.say(
            "  Next hint ({0} of {1}{2}) for exercise {3}: `cargo run -- hint {3}`\n",
            "  练习 {3} 的下一条提示（{0}/{1}{2}）：`cargo run -- hint {3}`\n",
            &[&(shown + 1), &total, &which, &exercise.number],
        );
    }
    out
}

/// `cargo run -- hint N`: the exercise, its hints up to `shown` (≥ 1), and what comes next.
pub fn hint_page(lang: Lang, exercise: &Exercise, shown: usize, page: &str) -> String {
    let head = [&exercise.number as &dyn Display, &exercise.topic.pick(lang), &exercise.file()];
    let mut out = lang.say("Exercise {0}, {1} — {2}\n\n", "练习 {0}，{1} —— {2}\n\n", &head);
    out += &hints(lang, exercise, shown);
    if shown >= exercise.hints.len() {
        out += &lang.say("  That was the last hint.\n", "  这是最后一条提示。\n", &[]);
    }
    let html = info::html(page, lang == Lang::Zh);
    out += &lang.say(
        "  Read: book chapter {0} — {1}\n",
        "  阅读：第 {0} 章 —— {1}\n",
        &[&exercise.chapter, &html],
    );
    out
}

/// The last line of a `--watch` screen.
pub fn watching(lang: Lang, finished_in: Option<f32>) -> String {
    match finished_in {
        Some(seconds) => lang.say(
            "\n[checked in {0} s] Watching exercises/: save a file to check again (a check in progress \
             starts over); Ctrl-C quits.\n",
            "\n[用时 {0} 秒] 正在监视 exercises/：保存文件就会重新检查（正在进行的检查会重新开始）；按 Ctrl-C 退出。\n",
            &[&format!("{seconds:.1}")],
        ),
        None => lang.say("\nA file changed: checking again…\n", "\n有文件改动了：重新检查……\n", &[]),
    }
}

/// `text` in lines of at most `width` columns, broken at spaces, or between two Chinese
/// characters (Chinese has no spaces between words).
fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_from(text, width, width)
}

/// [`wrap`], with a first line of `first` columns and the others of `width`.
fn wrap_from(text: &str, first: usize, width: usize) -> Vec<String> {
    let place = |word: &mut String, lines: &mut Vec<String>| {
        let width = if lines.len() == 1 { first } else { width };
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && display_width(line) + display_width(word) > width {
            lines.push(word.trim_start().to_string());
        } else {
            line.push_str(if line.is_empty() { word.trim_start() } else { word });
        }
        word.clear();
    };
    let (mut lines, mut word) = (vec![String::new()], String::new());
    for c in text.chars() {
        // A line may break before a Chinese character, but not before its closing punctuation.
        let wide = display_width(c.encode_utf8(&mut [0; 4])) == 2;
        if c == ' ' || wide && !"。，、；：）」』！？".contains(c) {
            place(&mut word, &mut lines);
        }
        word.push(c);
    }
    place(&mut word, &mut lines);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn exercise(number: usize) -> Exercise {
        let text = |en: &str, zh: &str| Text { en: en.into(), zh: zh.into() };
        Exercise {
            number,
            stem: format!("ex{number:02}_ports"),
            chapter: number,
            chapter_file: format!("book/src/{number:02}-ports.md"),
            topic: text("ports", "端口"),
            title: text("Ports", "端口"),
            hints: vec![
                text("Parse into an `i64` first.", "先解析成 `i64`。"),
                text("Then `match` on ranges.", "然后对范围做 `match`。"),
            ],
            hints_about: vec![None, None],
            note: None,
            features: Vec::new(),
        }
    }

    #[test]
    fn the_flag_wins_then_lc_all_then_lc_messages_then_lang_then_the_os() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
        };
        let no_os = || None;
        let zh_everywhere = env(&[("LC_ALL", "zh_CN.UTF-8"), ("LANG", "zh_CN.UTF-8")]);
        let cases = [
            (Lang::choose(None, env(&[]), no_os), Lang::En, "no locale: English"),
            (Lang::choose(None, env(&[("LANG", "zh_CN.UTF-8")]), no_os), Lang::Zh, "LANG zh_CN"),
            (Lang::choose(None, env(&[("LANG", "zh_TW.UTF-8")]), no_os), Lang::Zh, "any zh"),
            (Lang::choose(None, env(&[("LANG", "C.UTF-8")]), no_os), Lang::En, "C"),
            (
                Lang::choose(None, env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN")]), no_os),
                Lang::En,
                "LC_ALL wins over LANG",
            ),
            (
                Lang::choose(None, env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")]), no_os),
                Lang::Zh,
                "an empty LC_ALL is not set",
            ),
            (
                Lang::choose(None, env(&[("LC_MESSAGES", "zh_CN"), ("LANG", "en_US")]), no_os),
                Lang::Zh,
                "LC_MESSAGES wins over LANG",
            ),
            (Lang::choose(Some("en"), zh_everywhere, no_os), Lang::En, "--lang en wins"),
            (Lang::choose(Some("zh-CN"), env(&[("LC_ALL", "C")]), no_os), Lang::Zh, "--lang zh-CN"),
            // Windows sets none of the variables: the user's locale, as the OS names it.
            (Lang::choose(None, env(&[]), || Some("zh-CN".into())), Lang::Zh, "the OS: zh-CN"),
            (Lang::choose(None, env(&[]), || Some("en-GB".into())), Lang::En, "the OS: en-GB"),
            (
                Lang::choose(None, env(&[("LANG", "en_US.UTF-8")]), || Some("zh-CN".into())),
                Lang::En,
                "a LANG that is set (Git Bash, WSL) wins over the OS",
            ),
        ];
        for (chosen, expected, why) in cases {
            assert_eq!(chosen, Ok(expected), "{why}");
        }
        assert!(Lang::choose(Some("fr"), env(&[]), no_os).is_err(), "an unknown --lang is refused");
    }

    #[test]
    fn lines_are_aligned_in_both_languages_and_say_why_an_exercise_is_not_done() {
        let (one, two) = (exercise(1), exercise(2));
        let long = Text { en: "TCP and sockets".into(), zh: "TCP 与套接字".into() };
        let three = Exercise { topic: long, ..exercise(3) };
        let all = [one.clone(), two.clone(), three.clone()];
        let (en, zh) = (columns(Lang::En, &all), columns(Lang::Zh, &all));
        assert_eq!((en, zh), ((1, 15, 23), (1, 12, 23)), "a Chinese character takes two columns");
        let timed_out = Outcome::TimedOut {
            limit: Duration::from_secs(3),
            unfinished: Vec::new(),
            failure: None,
            warnings: String::new(),
        };
        let broken = Outcome::DoesNotCompile { location: None, error: String::new() };
        assert_eq!(
            line(Lang::En, &one, &Outcome::Passed { tests: 9 }, en),
            "  ✔ 1 ports            exercises/ex01_ports.rs  (9 tests pass)\n"
        );
        assert_eq!(
            line(Lang::En, &two, &timed_out, en),
            "  ✘ 2 ports            exercises/ex02_ports.rs  (stopped: no test finished for 3 s)\n"
        );
        assert_eq!(
            line(Lang::Zh, &two, &broken, zh),
            "  ✘ 2 端口          exercises/ex02_ports.rs  （无法编译）\n"
        );
        assert_eq!(
            line(Lang::Zh, &three, &broken, zh),
            "  ✘ 3 TCP 与套接字  exercises/ex03_ports.rs  （无法编译）\n"
        );
        let needs = Outcome::NeedsFeatures(vec!["async".into()]);
        assert_eq!(
            line(Lang::En, &three, &needs, en),
            "  – 3 TCP and sockets  exercises/ex03_ports.rs  (not graded: needs --features async)\n"
        );
    }

    #[test]
    fn next_shows_the_first_exercise_not_done_with_its_hints_and_page() {
        let (one, two) = (exercise(1), exercise(2));
        let failed = Outcome::Failed {
            passed: 1,
            failed: 2,
            first: Some("parse_rejects_words".into()),
            output: "thread 'parse_rejects_words' panicked at tests/ex02_ports.rs:9:5:\n\
                     \"http\" is not a port — see book chapter 2"
                .into(),
            warnings: String::new(),
        };
        let graded = [(&one, Outcome::Passed { tests: 3 }), (&two, failed)];
        let en = summary(Lang::En, &graded, 1, "book/src/02-the-page.md");
        for wanted in [
            "\n1/2 done\n\nNext: exercise 2, ports — exercises/ex02_ports.rs\n",
            "  2 of 3 tests fail; the first: parse_rejects_words\n",
            "    \"http\" is not a port — see book chapter 2\n",
            "\n  Hint 1 of 2: Parse into an `i64` first.\n  \
             Next hint (2 of 2) for exercise 2: `cargo run -- hint 2`\n",
            "  Read: book chapter 2, \"Ports\" — book/src/02-the-page.md\n",
            "(built: book/book/02-the-page.html)",
            "  Check it alone: cargo test --test ex02_ports\n",
        ] {
            assert!(en.contains(wanted), "expected {wanted:?} in:\n{en}");
        }
        assert!(!en.contains("Hint 2"), "only the hints revealed so far:\n{en}");
        let zh = summary(Lang::Zh, &graded, 2, "book/src/02-the-page.md");
        for wanted in [
            "\n已完成 1/2\n\n下一步：练习 2，端口 —— exercises/ex02_ports.rs\n",
            "    \"http\" is not a port — see book chapter 2\n",
            "  提示 1/2：先解析成 `i64`。\n  提示 2/2：然后对范围做 `match`。\n",
            "  阅读：第 2 章《端口》—— book/book/zh-CN/02-the-page.html\n",
            "（源文件 book/src/02-the-page.md）",
        ] {
            assert!(zh.contains(wanted), "expected {wanted:?} in:\n{zh}");
        }
        assert!(!zh.contains("下一条提示"), "every hint shown, no next one:\n{zh}");
        let done = [(&one, Outcome::Passed { tests: 3 })];
        assert!(
            summary(Lang::En, &done, 1, "").starts_with("\n1/1 done\n\nEvery exercise passes.")
        );
        assert!(summary(Lang::Zh, &done, 1, "").contains("所有练习都通过了"));
        // An exercise that needs a feature is not counted, and the summary says how to grade it.
        let seven = Exercise { features: vec!["async".into()], ..exercise(7) };
        let with_seven = [
            (&one, Outcome::Passed { tests: 3 }),
            (&seven, Outcome::NeedsFeatures(vec!["async".into()])),
        ];
        let en = summary(Lang::En, &with_seven, 1, "");
        assert!(en.starts_with("\n1/1 done\n\nExercise 7 (ports) is graded with `cargo run -- --features async`.\nEvery exercise passes."), "{en}");
    }

    #[test]
    fn a_hang_names_the_tests_still_running_and_shows_rustcs_warnings() {
        let two = exercise(2);
        let hang = Outcome::TimedOut {
            limit: Duration::from_secs(3),
            unfinished: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            failure: None,
            warnings: "exercises/ex02_ports.rs:9:5: warning: unused return value of `strip_prefix`"
                .into(),
        };
        let en = details(Lang::En, &two, &hang, 16);
        for wanted in [
            "no test finished for 3 s — a loop that never ends",
            "\n  Still running: `a`, `b`, `c` (+1).\n  `cargo test --test ex02_ports` runs them",
            "  rustc's warnings about your code (one may be the cause; `cargo test --test ex02_ports` \
             shows them in full):\n    exercises/ex02_ports.rs:9:5: warning: unused return value of `strip_prefix`\n",
        ] {
            assert!(en.contains(wanted), "expected {wanted:?} in:\n{en}");
        }
        let zh = details(Lang::Zh, &two, &hang, 16);
        assert!(
            zh.contains("仍在运行的测试：`a`, `b`, `c` (+1)。")
                && zh.contains("rustc 对你的代码给出的警告"),
            "{zh}"
        );
        assert!(!en.contains("Before the stop"), "no failure, no heading:\n{en}");
        let Outcome::TimedOut { limit, unfinished, .. } = hang else { unreachable!() };
        let quiet = Outcome::TimedOut { limit, unfinished, failure: None, warnings: String::new() };
        assert!(
            !details(Lang::En, &two, &quiet, 16).contains("warnings"),
            "no warnings, no heading"
        );
        // A test that failed before the stop: its message is shown, after the hang.
        let failure = Some((
            "flushes_each_line".to_string(),
            "thread 'flushes_each_line' panicked at tests/ex02_ports.rs:9:5:\n\
             \"2026-11-25 09:50:00\" was written but not flushed"
                .to_string(),
        ));
        let both = Outcome::TimedOut {
            limit: Duration::from_secs(4),
            unfinished: vec!["a".into()],
            failure,
            warnings: String::new(),
        };
        let en = details(Lang::En, &two, &both, 16);
        assert!(
            en.contains(
                "runs them without a limit.\n  Before the stop, a test failed; the first: \
                 flushes_each_line\n    thread 'flushes_each_line' panicked at \
                 tests/ex02_ports.rs:9:5:\n    \"2026-11-25 09:50:00\" was written but not flushed\n"
            ),
            "{en}"
        );
        assert!(
            details(Lang::Zh, &two, &both, 16)
                .contains("停止之前已有测试失败；第一个：flushes_each_line")
        );
    }

    #[test]
    fn the_hint_page_reveals_one_more_each_time_in_both_languages() {
        let two = exercise(2);
        let first = hint_page(Lang::En, &two, 1, "book/src/02-ports.md");
        assert_eq!(
            first,
            "Exercise 2, ports — exercises/ex02_ports.rs\n\n  Hint 1 of 2: Parse into an `i64` first.\n  \
             Next hint (2 of 2) for exercise 2: `cargo run -- hint 2`\n  \
             Read: book chapter 2 — book/book/02-ports.html\n"
        );
        let last = hint_page(Lang::Zh, &two, 2, "book/src/02-ports.md");
        assert_eq!(
            last,
            "练习 2，端口 —— exercises/ex02_ports.rs\n\n  提示 1/2：先解析成 `i64`。\n  提示 2/2：然后对范围做 `match`。\n  \
             这是最后一条提示。\n  阅读：第 2 章 —— book/book/zh-CN/02-ports.html\n"
        );
        assert_eq!(
            hint_page(Lang::Zh, &two, 9, "book/src/02-ports.md"),
            last,
            "no more than there are"
        );
        // A long hint wraps under its own text.
        let long = Text { en: "word ".repeat(40).trim_end().into(), zh: "端口".repeat(60) };
        let wordy = Exercise { hints: vec![long], ..exercise(1) };
        for lang in [Lang::En, Lang::Zh] {
            let text = hints(lang, &wordy, 1);
            assert!(
                text.lines().count() > 1 && text.lines().all(|l| display_width(l) <= 98),
                "{text}"
            );
            let indent = text.lines().nth(1).unwrap().len()
                - text.lines().nth(1).unwrap().trim_start().len();
            assert_eq!(
                indent,
                2 + display_width(&lang.say("Hint {0} of {1}: ", "提示 {0}/{1}：", &[&1, &1]))
            );
        }
    }

    #[test]
    fn hints_name_their_function_and_a_passed_exercise_shows_its_note() {
        let about = Exercise {
            hints_about: vec![None, Some("iana_range, parse_port".into())],
            note: Some(Text { en: "On Windows, X.".into(), zh: "在 Windows 上，X。".into() }),
            ..exercise(2)
        };
        let en = hints(Lang::En, &about, 1);
        assert_eq!(
            en,
            "  Hint 1 of 2: Parse into an `i64` first.\n  \
             Next hint (2 of 2, about `iana_range`, `parse_port`) for exercise 2: `cargo run -- hint 2`\n"
        );
        assert!(
            hints(Lang::En, &about, 2)
                .contains("\n  Hint 2 of 2 (`iana_range`, `parse_port`): Then")
        );
        let zh = hints(Lang::Zh, &about, 1);
        assert!(zh.contains(
            "  练习 2 的下一条提示（2/2，关于 `iana_range`, `parse_port`）：`cargo run -- hint 2`\n"
        ));
        assert!(
            hints(Lang::Zh, &about, 2).contains("  提示 2/2（`iana_range`, `parse_port`）：然后")
        );
        let columns = columns(Lang::En, std::slice::from_ref(&about));
        let passed = line(Lang::En, &about, &Outcome::Passed { tests: 3 }, columns);
        assert!(passed.ends_with("(3 tests pass)\n      On Windows, X.\n"), "{passed:?}");
        let broken = Outcome::DoesNotCompile { location: None, error: String::new() };
        assert!(
            !line(Lang::En, &about, &broken, columns).contains("Windows"),
            "only once it passes"
        );
        let zh = line(Lang::Zh, &about, &Outcome::Passed { tests: 3 }, columns);
        assert!(zh.ends_with("\n      在 Windows 上，X。\n"), "{zh:?}");
    }

    #[test]
    fn hints_wrap_at_spaces_or_between_chinese_characters() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("端口端口端口", 8), ["端口端口", "端口"]);
        assert_eq!(wrap("用 `u16` 解析", 8), ["用 `u16`", "解析"]);
        assert_eq!(wrap("端口端口。端口", 8), ["端口端", "口。端口"], "no line starts with 。");
        let long = "word ".repeat(40);
        assert!(wrap(&long, 20).iter().all(|line| display_width(line) <= 20));
    }
}
