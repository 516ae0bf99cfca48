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
    pub hint: Text,
}

impl Exercise {
    /// The file the student edits.
    pub fn file(&self) -> String {
        format!("exercises/{}.rs", self.stem)
    }

    /// The chapter in the built book: `book/book/02-ports.html`, or with `zh` the Chinese
    /// edition's `book/book/zh-CN/02-ports.html`.
    pub fn chapter_html(&self, zh: bool) -> String {
        let page = self.chapter_file.rsplit('/').next().unwrap_or("");
        let page = page.strip_suffix(".md").unwrap_or(page);
        format!("book/book/{}{page}.html", if zh { "zh-CN/" } else { "" })
    }
}

const KEYS: &str = "stem chapter chapter_file topic topic_zh title title_zh hint hint_zh";

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
        if !KEYS.split(' ').any(|known| known == key) {
            return Err(at(format!("unknown key `{key}` (known: {KEYS})")));
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
    let get = |key: &str| match table.iter().find(|(seen, _)| *seen == key) {
        Some((_, value)) => Ok(value.clone()),
        None => Err(format!("line {line}: exercise {number} has no `{key}`")),
    };
    let text = |key: &str| Ok::<_, String>(Text { en: get(key)?, zh: get(&format!("{key}_zh"))? });
    let exercise = Exercise {
        number,
        stem: get("stem")?,
        chapter: get("chapter")?.parse().unwrap_or(0),
        chapter_file: get("chapter_file")?,
        topic: text("topic")?,
        title: text("title")?,
        hint: text("hint")?,
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
             title = \"T\"\ntitle_zh = \"套接字\" # a comment\nhint = \"say \\\"\\\\é\\\"\"\n\
             hint_zh = \"h\"\n"
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
        assert_eq!(second.hint.en, "say \"\\é\"", "the escapes \\\" and \\\\");
        assert_eq!(second.chapter_html(false), "book/book/02-x.html");
        assert_eq!(second.chapter_html(true), "book/book/zh-CN/02-x.html");
        assert_eq!(second.file(), "exercises/ex02_x.rs");
    }

    #[test]
    fn mistakes_are_reported_with_their_line() {
        let good = entry(1);
        let cases = [
            (good.replace("topic = ", "topics = "), "line 5: unknown key `topics`"),
            (good.replace("hint_zh = \"h\"\n", ""), "line 1: exercise 1 has no `hint_zh`"),
            (format!("{good}hint = \"again\"\n"), "line 11: `hint` given twice"),
            (good.replace("\"T\"", "\"T"), "line 7: a \"string\" without"),
            (good.replace("\"T\"", "T"), "line 7: expected a whole number or a \"string\""),
            (good.replace("\"t\"", "\"t\" x"), "line 5: unexpected \"x\" after"),
            (good.replace("\\\\é", "\\q"), "line 9: the only escapes read here"),
            (format!("stem = \"x\"\n{good}"), "line 1: a key before the first"),
            ("[exercises]\n".to_string(), "line 1: expected `[[exercises]]`"),
            (good.replace("chapter = 1", "chapter = 2"), "line 1: exercise 1 must have"),
            (good.replace("ex01_x", "ex1_x"), "must have a stem starting with `ex01_`"),
            (String::new(), "no `[[exercises]]` table"),
        ];
        for (text, expected) in cases {
            let error =
                parse(&text).expect_err(&format!("should be refused ({expected}):\n{text}"));
            assert!(error.contains(expected), "expected {expected:?} in {error:?}");
        }
    }

    /// The crate's own file: every step has its exercise, solution, test and chapter files.
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
        for exercise in &exercises {
            for folder in ["exercises", "solutions", "tests"] {
                let file = root.join(folder).join(format!("{}.rs", exercise.stem));
                assert!(file.is_file(), "exercise {}: no {}", exercise.number, file.display());
            }
            let chapter = std::fs::read_to_string(root.join(&exercise.chapter_file))
                .unwrap_or_else(|error| panic!("{}: {error}", exercise.chapter_file));
            assert_eq!(
                chapter.lines().next().unwrap_or(""),
                format!("# {}", exercise.title.en),
                "the title of exercise {} is its chapter's first heading",
                exercise.number
            );
            let po = std::fs::read_to_string(root.join("book/po/zh-CN.po")).unwrap_or_default();
            let (en, zh) = (&exercise.title.en, &exercise.title.zh);
            assert!(
                po.contains(&format!("msgid \"{en}\"\nmsgstr \"{zh}\"\n")),
                "the Chinese title of exercise {} is the zh-CN edition's: {en:?} → {zh:?} in \
                 book/po/zh-CN.po",
                exercise.number
            );
        }
    }
}
