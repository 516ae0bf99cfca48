//! What the progress view says, in English or in Chinese (zh-CN). What the tests, `todo!()` and
//! rustc print stays as it is, in English; the Chinese view adds the Chinese hint.

use std::fmt::Display;

use crate::info::{Exercise, Text};
use crate::run::Outcome;

/// The language of the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// `--lang` wins; else the locale: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set
    /// and not empty (POSIX's order), Chinese when it starts with `zh`.
    pub fn choose(
        flag: Option<&str>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Lang, String> {
        match flag {
            Some("en" | "en-US" | "en-GB" | "C") => Ok(Lang::En),
            Some("zh" | "zh-CN" | "zh_CN" | "zh-Hans") => Ok(Lang::Zh),
            Some(other) => Err(format!("--lang {other:?}: expected `en` or `zh-CN`")),
            None => {
                let mut locale = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().filter_map(var);
                let zh =
                    locale.find(|value| !value.is_empty()).is_some_and(|l| l.starts_with("zh"));
                Ok(if zh { Lang::Zh } else { Lang::En })
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
    let pad = |text: &str, width: usize| " ".repeat(width.saturating_sub(display_width(text)));
    let (number, topic, file) =
        (exercise.number.to_string(), exercise.topic.pick(lang), exercise.file());
    let mark = if matches!(outcome, Outcome::Passed { .. }) { "✔" } else { "✘" };
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
        Outcome::TimedOut(limit) => {
            lang.say("(did not finish in {0} s)", "（{0} 秒内没有结束）", &[&limit.as_secs_f64()])
        }
        Outcome::CouldNotRun(_) => lang.say("(could not run)", "（无法运行）", &[]),
    };
    let (pad_number, pad_topic, pad_file) =
        (pad(&number, columns.0), pad(topic, columns.1), pad(&file, columns.2));
    format!("  {mark} {pad_number}{number} {topic}{pad_topic}  {file}{pad_file}  {detail}\n")
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

/// After the list: the count, then the first exercise that does not pass, in detail — or the
/// congratulations.
pub fn summary(lang: Lang, graded: &[(&Exercise, Outcome)]) -> String {
    let done = graded.iter().filter(|(_, outcome)| matches!(outcome, Outcome::Passed { .. }));
    let mut out =
        lang.say("\n{0}/{1} done\n\n", "\n已完成 {0}/{1}\n\n", &[&done.count(), &graded.len()]);
    let Some((exercise, outcome)) =
        graded.iter().find(|(_, o)| !matches!(o, Outcome::Passed { .. }))
    else {
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
    let (number, stem) = (&exercise.number, &exercise.stem);
    let next = [number as &dyn Display, &exercise.topic.pick(lang), &exercise.file()];
    out += &lang.say("Next: exercise {0}, {1} — {2}\n", "下一步：练习 {0}，{1} —— {2}\n", &next);
    let (intro, details) = match outcome {
        Outcome::Passed { .. } => (String::new(), ""),
        Outcome::Failed { passed, failed, first: Some(name), output } => (
            lang.say("{0} of {1} tests fail; the first: {2}", "{1} 个测试中有 {0} 个失败；第一个：{2}", &[failed, &(passed + failed), name]),
            output.as_str(),
        ),
        Outcome::Failed { output, .. } => {
            (lang.say("The tests stopped without a result:", "测试没有给出结果就停止了：", &[]), output.as_str())
        }
        Outcome::DoesNotCompile { location, error } => (
            lang.say("It does not compile; rustc's first error, at {0}:", "无法编译；rustc 的第一个错误，位于 {0}：", &[&location.as_deref().unwrap_or("?")]),
            error.as_str(),
        ),
        Outcome::TimedOut(limit) => (
            lang.say(
                "Exercise {0}'s tests did not finish in {1} s — a loop that never ends, or a read that \
                 waits for ever?\n  They were stopped. `cargo test --test {2}` names a test that runs over 60 s.",
                "练习 {0} 的测试在 {1} 秒内没有结束 —— 是不是有永不结束的循环，或者一直在等待的读取？\n  \
                 测试已被停止。`cargo test --test {2}` 会指出运行超过 60 秒的测试。",
                &[number, &limit.as_secs_f64(), stem],
            ),
            "",
        ),
        Outcome::CouldNotRun(why) => (lang.say("The tests could not run:", "测试无法运行：", &[]), why.as_str()),
    };
    out += &format!("  {intro}\n");
    // At most 16 lines of what the test or rustc printed.
    let lines: Vec<&str> = details.lines().collect();
    for line in lines.iter().take(16) {
        out += &format!("    {line}\n");
    }
    if lines.len() > 16 {
        out += &format!("    … ({} more lines)\n", lines.len() - 16);
    }
    let hint = wrap(exercise.hint.pick(lang), 88).join("\n        ");
    let chapter =
        [&exercise.chapter as &dyn Display, &exercise.title.pick(lang), &exercise.chapter_file];
    let html = exercise.chapter_html(lang == Lang::Zh);
    out += &lang.say("\n  Hint: {0}\n", "\n  提示：{0}\n", &[&hint]);
    out += &lang.say(
        "  Read: book chapter {0}, \"{1}\" — {2}\n        (built: {3})\n  Check it alone: cargo test --test {4}\n",
        "  阅读：第 {0} 章《{1}》—— {3}\n        （源文件 {2}）\n  单独检查：cargo test --test {4}\n",
        &[chapter[0], chapter[1], chapter[2], &html, stem],
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
    fn place(word: &mut String, lines: &mut Vec<String>, width: usize) {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && display_width(line) + display_width(word) > width {
            lines.push(word.trim_start().to_string());
        } else {
            line.push_str(if line.is_empty() { word.trim_start() } else { word });
        }
        word.clear();
    }
    let (mut lines, mut word) = (vec![String::new()], String::new());
    for c in text.chars() {
        if c == ' ' || display_width(c.encode_utf8(&mut [0; 4])) == 2 {
            place(&mut word, &mut lines, width);
        }
        word.push(c);
    }
    place(&mut word, &mut lines, width);
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
            hint: text("Parse into an `i64` first.", "先解析成 `i64`。"),
        }
    }

    #[test]
    fn the_flag_wins_then_lc_all_then_lc_messages_then_lang() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
        };
        let zh_everywhere = env(&[("LC_ALL", "zh_CN.UTF-8"), ("LANG", "zh_CN.UTF-8")]);
        let cases = [
            (Lang::choose(None, env(&[])), Lang::En, "no locale: English"),
            (Lang::choose(None, env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh, "LANG zh_CN"),
            (Lang::choose(None, env(&[("LANG", "zh_TW.UTF-8")])), Lang::Zh, "any zh"),
            (Lang::choose(None, env(&[("LANG", "C.UTF-8")])), Lang::En, "C"),
            (
                Lang::choose(None, env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")])),
                Lang::En,
                "LC_ALL wins over LANG",
            ),
            (
                Lang::choose(None, env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")])),
                Lang::Zh,
                "an empty LC_ALL is not set",
            ),
            (
                Lang::choose(None, env(&[("LC_MESSAGES", "zh_CN"), ("LANG", "en_US")])),
                Lang::Zh,
                "LC_MESSAGES wins over LANG",
            ),
            (Lang::choose(Some("en"), zh_everywhere), Lang::En, "--lang en wins"),
            (Lang::choose(Some("zh-CN"), env(&[("LC_ALL", "C")])), Lang::Zh, "--lang zh-CN"),
        ];
        for (chosen, expected, why) in cases {
            assert_eq!(chosen, Ok(expected), "{why}");
        }
        assert!(Lang::choose(Some("fr"), env(&[])).is_err(), "an unknown --lang is refused");
    }

    #[test]
    fn lines_are_aligned_in_both_languages_and_say_why_an_exercise_is_not_done() {
        let (one, two) = (exercise(1), exercise(2));
        let long = Text { en: "TCP and sockets".into(), zh: "TCP 与套接字".into() };
        let three = Exercise { topic: long, ..exercise(3) };
        let all = [one.clone(), two.clone(), three.clone()];
        let (en, zh) = (columns(Lang::En, &all), columns(Lang::Zh, &all));
        assert_eq!((en, zh), ((1, 15, 23), (1, 12, 23)), "a Chinese character takes two columns");
        let timed_out = Outcome::TimedOut(Duration::from_secs(15));
        let broken = Outcome::DoesNotCompile { location: None, error: String::new() };
        assert_eq!(
            line(Lang::En, &one, &Outcome::Passed { tests: 9 }, en),
            "  ✔ 1 ports            exercises/ex01_ports.rs  (9 tests pass)\n"
        );
        assert_eq!(
            line(Lang::En, &two, &timed_out, en),
            "  ✘ 2 ports            exercises/ex02_ports.rs  (did not finish in 15 s)\n"
        );
        assert_eq!(
            line(Lang::Zh, &two, &broken, zh),
            "  ✘ 2 端口          exercises/ex02_ports.rs  （无法编译）\n"
        );
        assert_eq!(
            line(Lang::Zh, &three, &broken, zh),
            "  ✘ 3 TCP 与套接字  exercises/ex03_ports.rs  （无法编译）\n"
        );
    }

    #[test]
    fn next_shows_the_first_exercise_not_done_with_its_hint_and_chapter() {
        let (one, two) = (exercise(1), exercise(2));
        let failed = Outcome::Failed {
            passed: 1,
            failed: 2,
            first: Some("parse_rejects_words".into()),
            output: "thread 'parse_rejects_words' panicked at tests/ex02_ports.rs:9:5:\n\
                     \"http\" is not a port — see book chapter 2"
                .into(),
        };
        let graded = [(&one, Outcome::Passed { tests: 3 }), (&two, failed)];
        let en = summary(Lang::En, &graded);
        for wanted in [
            "\n1/2 done\n\nNext: exercise 2, ports — exercises/ex02_ports.rs\n",
            "  2 of 3 tests fail; the first: parse_rejects_words\n",
            "    \"http\" is not a port — see book chapter 2\n",
            "  Hint: Parse into an `i64` first.\n",
            "  Read: book chapter 2, \"Ports\" — book/src/02-ports.md\n",
            "(built: book/book/02-ports.html)",
            "  Check it alone: cargo test --test ex02_ports\n",
        ] {
            assert!(en.contains(wanted), "expected {wanted:?} in:\n{en}");
        }
        let zh = summary(Lang::Zh, &graded);
        for wanted in [
            "\n已完成 1/2\n\n下一步：练习 2，端口 —— exercises/ex02_ports.rs\n",
            "    \"http\" is not a port — see book chapter 2\n",
            "  提示：先解析成 `i64`。\n",
            "  阅读：第 2 章《端口》—— book/book/zh-CN/02-ports.html\n",
            "（源文件 book/src/02-ports.md）",
        ] {
            assert!(zh.contains(wanted), "expected {wanted:?} in:\n{zh}");
        }
        let done = [(&one, Outcome::Passed { tests: 3 })];
        assert!(summary(Lang::En, &done).starts_with("\n1/1 done\n\nEvery exercise passes."));
        assert!(summary(Lang::Zh, &done).contains("所有练习都通过了"));
    }

    #[test]
    fn hints_wrap_at_spaces_or_between_chinese_characters() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("端口端口端口", 8), ["端口端口", "端口"]);
        assert_eq!(wrap("用 `u16` 解析", 8), ["用 `u16`", "解析"]);
        let long = "word ".repeat(40);
        assert!(wrap(&long, 20).iter().all(|line| display_width(line) <= 20));
    }
}
