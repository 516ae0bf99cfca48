//! `exercises/info.toml`: the one list of exercises, with their chapters and hints in English and
//! Chinese. The file's header documents its keys and the TOML subset read here.

use std::path::Path;

/// One text in both languages of the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

/// One exercise, as `info.toml` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// 1, 2, …: its position in the file, the step's one number.
    pub number: usize,
    /// `ex02_port_ranges`: the stem of `exercises/`, `solutions/` and `tests/` files.
    pub stem: String,
    /// The book chapter that teaches it (equal to `number`).
    pub chapter: usize,
    /// `book/src/02-ports.md`.
    pub chapter_file: String,
    pub topic: Text,
    pub title: Text,
    /// Hints 1, 2, …, revealed one at a time (`cargo run -- hint N`): the first points the way,
    /// later ones are more concrete.
    pub hints: Vec<Text>,
    /// For each hint, the function(s) it is about (`hint2_about = "local_ip_for"`, or
    /// `"classify_port, iana_range"`), where the exercise has several; as long as `hints`.
    pub hints_about: Vec<Option<String>>,
    /// What its tests cannot check on every OS, shown under its line once it passes (`note`).
    pub note: Option<Text>,
    /// The cargo features its tests need (`features = "async"`), none for most: such an exercise
    /// is graded only when they are on, so that no other step builds what they bring.
    pub features: Vec<String>,
}

impl Exercise {
    /// The file the student edits.
    pub fn file(&self) -> String {
        format!("exercises/{}.rs", self.stem)
    }

    /// The book page that holds the exercise (`book/src/03-sockets.md`): `chapter_file` when it
    /// names the exercise's file, else the first page of chapter N (`book/src/0N-….md`, in name
    /// order) that does, so that "Read:" lands where the exercise is, not on the chapter's
    /// overview; `chapter_file` when no page names it.
    pub fn page(&self, root: &Path) -> String {
        let file = self.file();
        let holds = |page: &str| {
            std::fs::read_to_string(root.join(page)).is_ok_and(|text| text.contains(&file))
        };
        if holds(&self.chapter_file) {
            return self.chapter_file.clone();
        }
        let prefix = format!("{:02}-", self.chapter);
        let entries = std::fs::read_dir(root.join("book/src")).into_iter().flatten().flatten();
        let mut pages: Vec<String> = entries
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(&prefix) && name.ends_with(".md"))
            .map(|name| format!("book/src/{name}"))
            .collect();
        pages.sort();
        pages.into_iter().find(|page| holds(page)).unwrap_or_else(|| self.chapter_file.clone())
    }
}

/// A page in the built book: `book/src/02-ports.md` is `book/book/02-ports.html`, or with `zh`
/// the Chinese edition's `book/book/zh-CN/02-ports.html`.
pub fn html(page: &str, zh: bool) -> String {
    let name = page.rsplit('/').next().unwrap_or("");
    let name = name.strip_suffix(".md").unwrap_or(name);
    format!("book/book/{}{name}.html", if zh { "zh-CN/" } else { "" })
}

/// The keys every table has, besides the hints.
const KEYS: &str = "stem chapter chapter_file topic topic_zh title title_zh";
/// The optional keys (`note` with its `note_zh`).
const OPTIONAL: &str = "features note note_zh";

/// `hint3` → `Some((3, false))`, `hint3_zh` → `Some((3, true))`; `None` for any other key
/// (`hint3_about` too).
fn hint_key(key: &str) -> Option<(usize, bool)> {
    let rest = key.strip_prefix("hint")?;
    let (digits, zh) = rest.strip_suffix("_zh").map_or((rest, false), |digits| (digits, true));
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    digits.parse().ok().map(|number| (number, zh))
}

/// Reads and checks `info.toml`.
pub fn load(path: &Path) -> Result<Vec<Exercise>, String> {
    let text = std::fs::read_to_string(path);
    let text = text.map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    parse(&text).map_err(|error| format!("{}: {error}", path.display()))
}

/// Parses the text of `info.toml`; an error names the line.
pub fn parse(text: &str) -> Result<Vec<Exercise>, String> {
    let mut tables: Vec<(usize, Vec<(&str, String)>)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let at = |why: String| format!("line {}: {why}", index + 1);
        let line = line.trim();
        if line == "[[exercises]]" {
            tables.push((index + 1, Vec::new()));
            continue;
        } else if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(at("expected `[[exercises]]` or `key = value`".into()));
        };
        let key = key.trim();
        let Some((_, table)) = tables.last_mut() else {
            return Err(at("a key before the first `[[exercises]]`".into()));
        };
        let known = KEYS.split(' ').chain(OPTIONAL.split(' ')).any(|known| known == key);
        let about = key.strip_suffix("_about").and_then(hint_key).is_some_and(|(_, zh)| !zh);
        if !known && !about && hint_key(key).is_none() {
            return Err(at(format!(
                "unknown key `{key}` (known: {KEYS} {OPTIONAL}, and hint1, hint1_zh, \
                 hint1_about, hint2, …)"
            )));
        } else if table.iter().any(|(seen, _)| *seen == key) {
            return Err(at(format!("`{key}` given twice in one exercise")));
        }
        table.push((key, value_of(value.trim()).map_err(at)?));
    }
    if tables.is_empty() {
        return Err("no `[[exercises]]` table".to_string());
    }
    let exercises = tables.iter().enumerate();
    exercises.map(|(index, (line, table))| exercise(index + 1, *line, table)).collect()
}

/// Exercise `number`, from the table that starts on `line`.
fn exercise(number: usize, line: usize, table: &[(&str, String)]) -> Result<Exercise, String> {
    let find = |key: &str| table.iter().find(|(seen, _)| *seen == key).map(|(_, v)| v.clone());
    let get = |key: &str| find(key).ok_or(format!("line {line}: exercise {number} has no `{key}`"));
    let text = |key: &str| Ok::<_, String>(Text { en: get(key)?, zh: get(&format!("{key}_zh"))? });
    // Hints 1 to the highest given, each in both languages: a gap is a mistake.
    let count = table.iter().filter_map(|(key, _)| hint_key(key)).map(|(n, _)| n).max();
    let hints = (1..=count.unwrap_or(1)).map(|n| {
        let gap = "hints are numbered from 1 without gaps, each with its _zh";
        text(&format!("hint{n}")).map_err(|error| format!("{error} ({gap})"))
    });
    let hints: Vec<Text> = hints.collect::<Result<_, _>>()?;
    if let Some((key, _)) = table.iter().find(|(key, _)| {
        key.strip_suffix("_about").and_then(hint_key).is_some_and(|(n, _)| n > hints.len())
    }) {
        return Err(format!("line {line}: exercise {number} has `{key}` but no such hint"));
    }
    let hints_about = (1..=hints.len()).map(|n| find(&format!("hint{n}_about"))).collect();
    let note = match (find("note"), find("note_zh")) {
        (None, None) => None,
        (Some(_), _) | (_, Some(_)) => Some(text("note")?),
    };
    let exercise = Exercise {
        number,
        stem: get("stem")?,
        chapter: get("chapter")?.parse().unwrap_or(0),
        chapter_file: get("chapter_file")?,
        topic: text("topic")?,
        title: text("title")?,
        hints,
        hints_about,
        note,
        features: find("features")
            .unwrap_or_default()
            .split([' ', ','])
            .filter(|feature| !feature.is_empty())
            .map(str::to_string)
            .collect(),
    };
    // One number per step: exercise N is exNN_… and chapter N, in book/src/0N-….
    let (prefix, page) = (format!("ex{number:02}_"), format!("book/src/{number:02}-"));
    if !exercise.stem.starts_with(&prefix)
        || exercise.chapter != number
        || !exercise.chapter_file.starts_with(&page)
    {
        return Err(format!(
            "line {line}: exercise {number} must have a stem starting with `{prefix}`, \
             chapter = {number} and a chapter_file starting with `{page}`"
        ));
    }
    Ok(exercise)
}

/// A value: a whole number (kept as its digits) or a "string" (escapes: only `\"` and `\\`),
/// optionally followed by a `# comment`.
fn value_of(text: &str) -> Result<String, String> {
    let (value, rest) = if let Some(string) = text.strip_prefix('"') {
        let (mut value, mut chars) = (String::new(), string.char_indices());
        loop {
            match chars.next() {
                None => return Err("a \"string\" without its closing \"".into()),
                Some((at, '"')) => break (value, &string[at + 1..]),
                Some((_, '\\')) => match chars.next() {
                    Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                    _ => return Err("the only escapes read here are \\\" and \\\\".into()),
                },
                Some((_, c)) => value.push(c),
            }
        }
    } else {
        let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
        if end == 0 {
            return Err(format!("expected a whole number or a \"string\", found {text:?}"));
        }
        (text[..end].to_string(), &text[end..])
    };
    match rest.trim_start() {
        "" => Ok(value),
        rest if rest.starts_with('#') => Ok(value),
        rest => Err(format!("unexpected {rest:?} after the value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(number: usize) -> String {
        format!(
            "[[exercises]]\nstem = \"ex{number:02}_x\"\nchapter = {number}\n\
             chapter_file = \"book/src/{number:02}-x.md\"\ntopic = \"t\"\ntopic_zh = \"端口\"\n\
             title = \"T\"\ntitle_zh = \"套接字\" # a comment\nhint1 = \"say \\\"\\\\é\\\"\"\n\
             hint1_zh = \"h\"\n"
        )
    }

    #[test]
    fn reads_every_table_in_order_with_both_kinds_of_string() {
        let exercises = parse(&format!("# header\n\n{}\n{}", entry(1), entry(2))).unwrap();
        assert_eq!(exercises.len(), 2, "two [[exercises]] tables, two exercises");
        let second = &exercises[1];
        assert_eq!((second.number, second.chapter), (2, 2));
        assert_eq!(second.stem, "ex02_x");
        assert_eq!(second.chapter_file, "book/src/02-x.md", "a 'literal string'");
        assert_eq!(second.title.zh, "套接字", "a comment after a value is not part of it");
        assert_eq!(second.hints.len(), 1);
        assert_eq!(second.hints[0].en, "say \"\\é\"", "the escapes \\\" and \\\\");
        assert_eq!(second.features, Vec::<String>::new(), "no features: graded with none");
        assert_eq!(html("book/src/02-x.md", false), "book/book/02-x.html");
        assert_eq!(html("book/src/02-x.md", true), "book/book/zh-CN/02-x.html");
        assert_eq!(second.file(), "exercises/ex02_x.rs");
    }

    #[test]
    fn hints_are_numbered_from_one_in_both_languages_and_features_are_a_list() {
        let text = format!(
            "{}hint3 = \"third\"\nhint3_zh = \"三\"\nhint2 = \"second\"\nhint2_zh = \"二\"\n\
             features = \"async, other\"\n",
            entry(1)
        );
        let exercise = &parse(&text).unwrap()[0];
        let hints: Vec<(&str, &str)> =
            exercise.hints.iter().map(|hint| (hint.en.as_str(), hint.zh.as_str())).collect();
        assert_eq!(
            hints,
            [("say \"\\é\"", "h"), ("second", "二"), ("third", "三")],
            "in number order"
        );
        assert_eq!(exercise.features, ["async", "other"]);
        assert_eq!(exercise.hints_about, [None, None, None], "no function named");
        assert_eq!(exercise.note, None);
        let about = format!(
            "{}hint2 = \"b\"\nhint2_zh = \"乙\"\nhint2_about = \"parse_port\"\n\
             note = \"Windows\"\nnote_zh = \"视窗\"\n",
            entry(1)
        );
        let exercise = &parse(&about).unwrap()[0];
        assert_eq!(exercise.hints_about, [None, Some("parse_port".to_string())]);
        let note = Text { en: "Windows".into(), zh: "视窗".into() };
        assert_eq!(exercise.note, Some(note), "a note, in both languages");
    }

    #[test]
    fn mistakes_are_reported_with_their_line() {
        let good = entry(1);
        let gap = "hint3 = \"x\"\nhint3_zh = \"x\"\n";
        let cases = [
            (good.replace("topic = ", "topics = "), "line 5: unknown key `topics`"),
            (good.replace("hint1_zh = \"h\"\n", ""), "line 1: exercise 1 has no `hint1_zh`"),
            (good.replace("hint1", "hint"), "line 9: unknown key `hint`"),
            (good.replace("hint1", "hint01"), "line 9: unknown key `hint01`"),
            (format!("{good}{gap}"), "exercise 1 has no `hint2` (hints are numbered from 1"),
            (format!("{good}hint1 = \"again\"\n"), "line 11: `hint1` given twice"),
            (good.replace("\"T\"", "\"T"), "line 7: a \"string\" without"),
            (good.replace("\"T\"", "T"), "line 7: expected a whole number or a \"string\""),
            (good.replace("\"t\"", "\"t\" x"), "line 5: unexpected \"x\" after"),
            (good.replace("\\\\é", "\\q"), "line 9: the only escapes read here"),
            (format!("stem = \"x\"\n{good}"), "line 1: a key before the first"),
            ("[exercises]\n".to_string(), "line 1: expected `[[exercises]]`"),
            (good.replace("chapter = 1", "chapter = 2"), "line 1: exercise 1 must have"),
            (good.replace("ex01_x", "ex1_x"), "must have a stem starting with `ex01_`"),
            (String::new(), "no `[[exercises]]` table"),
            (format!("{good}hint2_about = \"f\"\n"), "has `hint2_about` but no such hint"),
            (format!("{good}hint1_zh_about = \"f\"\n"), "unknown key `hint1_zh_about`"),
            (format!("{good}note = \"n\"\n"), "exercise 1 has no `note_zh`"),
        ];
        for (text, expected) in cases {
            let error =
                parse(&text).expect_err(&format!("should be refused ({expected}):\n{text}"));
            assert!(error.contains(expected), "expected {expected:?} in {error:?}");
        }
        let crlf = format!("{}\n{}", entry(1), entry(2)).replace('\n', "\r\n");
        assert_eq!(parse(&crlf).unwrap()[1].title.zh, "套接字", "CRLF line ends read the same");
    }

    /// The crate's own file: every step has its exercise, solution, test and chapter files, and
    /// "Read:" lands on the page that holds the exercise.
    #[test]
    fn the_crates_info_toml_names_files_that_exist() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let exercises = load(&root.join("exercises/info.toml")).unwrap();
        let stubs = std::fs::read_dir(root.join("exercises"))
            .unwrap()
            .filter(|entry| {
                let name = entry.as_ref().unwrap().file_name();
                let name = name.to_string_lossy();
                name.starts_with("ex") && name.ends_with(".rs")
            })
            .count();
        assert_eq!(exercises.len(), stubs, "one info.toml entry per exercises/ex*.rs");
        // A Windows checkout may have CRLF line ends (Git's core.autocrlf).
        let read = |path: &Path| std::fs::read_to_string(path).map(|t| t.replace("\r\n", "\n"));
        let po = read(&root.join("book/po/zh-CN.po")).unwrap_or_default();
        // Plain `cargo test` grades the exercises through tests/exercises.rs; an exercise's own
        // test target left in it would stop every other test from building when it does not
        // compile. Cargo.toml's tables, each from its `[` on.
        let manifest = read(&root.join("Cargo.toml")).unwrap();
        let tables: Vec<&str> = manifest.split("\n[").collect();
        let test_table = |name: &str, key: &str| {
            tables.iter().any(|table| {
                table.starts_with("[test]]\n")
                    && table.contains(&format!("\nname = \"{name}\"\n"))
                    && table.contains(&format!("\n{key}\n"))
            })
        };
        assert!(test_table("exercises", "harness = false"), "Cargo.toml: the grading test");
        for exercise in &exercises {
            assert!(
                test_table(&exercise.stem, "test = false"),
                "Cargo.toml should have a [[test]] table with name = {:?} and test = false, so \
                 that plain `cargo test` grades exercise {} through tests/exercises.rs",
                exercise.stem,
                exercise.number
            );
            for folder in ["exercises", "solutions", "tests"] {
                let file = root.join(folder).join(format!("{}.rs", exercise.stem));
                assert!(file.is_file(), "exercise {}: no {}", exercise.number, file.display());
            }
            let stub = read(&root.join(exercise.file())).unwrap_or_default();
            for about in exercise.hints_about.iter().flatten().flat_map(|list| list.split(',')) {
                let about = about.trim();
                assert!(
                    stub.contains(&format!("fn {about}(")),
                    "exercise {}: a hint is about `{about}`, which {} does not define",
                    exercise.number,
                    exercise.file()
                );
            }
            let chapter = read(&root.join(&exercise.chapter_file))
                .unwrap_or_else(|error| panic!("{}: {error}", exercise.chapter_file));
            assert_eq!(
                chapter.lines().next().unwrap_or(""),
                format!("# {}", exercise.title.en),
                "the title of exercise {} is its chapter's first heading",
                exercise.number
            );
            let (en, zh) = (&exercise.title.en, &exercise.title.zh);
            assert!(
                po.contains(&format!("msgid \"{en}\"\nmsgstr \"{zh}\"\n")),
                "the Chinese title of exercise {} is the zh-CN edition's: {en:?} → {zh:?} in \
                 book/po/zh-CN.po",
                exercise.number
            );
            let page = exercise.page(&root);
            let text = read(&root.join(&page)).unwrap_or_default();
            assert!(
                text.contains(&exercise.file()),
                "exercise {}: \"Read:\" should land on the page that holds {}, but no page \
                 book/src/{:02}-*.md names it (chapter_file is {})",
                exercise.number,
                exercise.file(),
                exercise.chapter,
                exercise.chapter_file
            );
        }
    }
}
