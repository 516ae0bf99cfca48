//! Finding the commands: fenced code blocks as CommonMark (pulldown-cmark) finds them, and the
//! commands in them by the block's language (the convention of CONTRIBUTING.md, "Commands the
//! book shows").

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// Code block languages that hold no command. A block in any other language, or with none, is
/// a problem: the check must know what every block is.
const NOT_COMMANDS: &[&str] = &[
    "text",
    "rust",
    "python",
    "toml",
    "json",
    "yaml",
    "html",
    "css",
    "js",
    "javascript",
    "diff",
    "markdown",
    "c",
    "po",
    "csv",
    "svg",
    "xml",
];

/// One fenced code block of a Markdown file.
#[derive(Debug, Clone)]
pub struct Block {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The info string as written (`console`, `rust,ignore`, …).
    pub info: String,
    /// Its lines, each with its 1-based line in the file.
    pub lines: Vec<(usize, String)>,
}

impl Block {
    /// The language: the info string's first word (mdBook splits attributes at commas).
    pub fn lang(&self) -> &str {
        self.info.split([',', ' ', '\t', '{']).next().unwrap_or("")
    }
}

/// Every fenced code block of `text`, in order, and the lines of indented code blocks (which
/// have no language, so they are reported).
pub fn blocks(text: &str) -> (Vec<Block>, Vec<usize>) {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut indented = Vec::new();
    let mut current: Option<(Block, String)> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let block = Block {
                    line: line_of(range.start),
                    info: info.trim().to_owned(),
                    lines: Vec::new(),
                };
                current = Some((block, String::new()));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                indented.push(line_of(range.start));
            }
            Event::Text(body) => {
                if let Some((_, content)) = current.as_mut() {
                    content.push_str(&body);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((mut block, content)) = current.take() {
                    // Content lines follow the fence one per source line (pulldown-cmark only
                    // strips the indentation of the list or quote the block sits in).
                    block.lines = content
                        .lines()
                        .enumerate()
                        .map(|(i, line)| (block.line + 1 + i, line.to_owned()))
                        .collect();
                    found.push(block);
                }
            }
            _ => {}
        }
    }
    (found, indented)
}

/// How a block holds its commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `sh`: every line is a command (`#` comments, `\` continues a line).
    Sh,
    /// `console`: a line `$ command`, then what it prints.
    Console,
    /// `powershell`: Windows; like `sh`, or like `console` with the prompt `PS> `.
    PowerShell,
}

/// A command shown in a block.
#[derive(Debug, Clone)]
pub struct Shown {
    /// 1-based line of the command in its file.
    pub line: usize,
    /// The command as shown, continuation lines joined, its `# comment` dropped.
    pub command: String,
    /// For `console` (and prompted `powershell`): the lines shown after it, up to the next
    /// command, each with its line.
    pub output: Vec<(usize, String)>,
    /// Shown in a `powershell` block: a Windows command.
    pub windows: bool,
}

/// What a block holds: its commands, or the reason the check cannot read it.
pub fn commands(block: &Block) -> Result<(Option<Kind>, Vec<Shown>), String> {
    let lang = block.lang();
    let kind = match lang {
        "sh" => Kind::Sh,
        "console" => Kind::Console,
        "powershell" => Kind::PowerShell,
        "" => {
            return Err(
                "a code block without a language: write `sh` or `console` for commands, \
                 `text` for anything else"
                    .into(),
            );
        }
        "bash" | "shell" | "zsh" | "ps1" | "pwsh" | "cmd" | "bat" => {
            return Err(format!(
                "a `{lang}` block: commands go in `sh` (commands only), `console` (`$ ` before \
                 each command, its output below it) or `powershell` (Windows) blocks"
            ));
        }
        other if NOT_COMMANDS.contains(&other) => {
            // A prompt in a block that holds no commands is a command shown by mistake.
            if let Some((line, _)) = block.lines.iter().find(|(_, l)| l.starts_with("$ ")) {
                return Err(format!(
                    "line {line} starts with `$ ` in a `{other}` block: a command goes in a \
                     `console` block, so that the check runs it"
                ));
            }
            return Ok((None, Vec::new()));
        }
        other => {
            return Err(format!(
                "unknown code block language `{other}`: use sh, console or powershell for \
                 commands, or one of {} (tools/src/bin/shown_commands/blocks.rs)",
                NOT_COMMANDS.join(", ")
            ));
        }
    };
    let prompt = match kind {
        Kind::Sh => None,
        Kind::Console => Some("$ "),
        Kind::PowerShell => block
            .lines
            .iter()
            .any(|(_, l)| l.starts_with("PS> "))
            .then_some("PS> "),
    };
    let windows = kind == Kind::PowerShell;
    let mut shown: Vec<Shown> = Vec::new();
    let mut lines = block.lines.iter();
    while let Some((line, text)) = lines.next() {
        let command_text = match prompt {
            Some(prompt) => match text.strip_prefix(prompt) {
                Some(rest) => rest,
                None => {
                    if let Some(last) = shown.last_mut() {
                        last.output.push((*line, text.clone()));
                    } else if !text.trim().is_empty() {
                        // Output before any command: output of a command shown elsewhere.
                        shown_output_only(&mut shown, *line, text);
                    }
                    continue;
                }
            },
            None => text.as_str(),
        };
        if prompt.is_none()
            && (command_text.trim().is_empty() || command_text.trim_start().starts_with('#'))
        {
            continue;
        }
        if kind == Kind::Sh && command_text.starts_with("$ ") {
            return Err(format!(
                "line {line}: a `$ ` prompt in an `sh` block: an `sh` block holds only commands; \
                 use `console` to show a command with its output"
            ));
        }
        let mut joined = command_text.to_owned();
        while joined.trim_end().ends_with('\\') {
            let trimmed = joined.trim_end();
            joined = trimmed[..trimmed.len() - 1].trim_end().to_owned();
            match lines.next() {
                Some((_, next)) => {
                    joined.push(' ');
                    joined.push_str(next.trim_start());
                }
                None => break,
            }
        }
        shown.push(Shown {
            line: *line,
            command: strip_comment(&joined).trim().to_owned(),
            output: Vec::new(),
            windows,
        });
    }
    // Output shown with no command before it in its block is kept as a command-less entry.
    Ok((Some(kind), shown))
}

/// Records output lines that stand before any command of their block (an entry with an empty
/// command: the caller reports it as output, never runs it).
fn shown_output_only(shown: &mut Vec<Shown>, line: usize, text: &str) {
    shown.push(Shown {
        line,
        command: String::new(),
        output: vec![(line, text.to_owned())],
        windows: false,
    });
}

/// `text` without its shell comment: a `#` that starts a word outside quotes, to the end.
pub fn strip_comment(text: &str) -> &str {
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut previous = ' ';
    for (at, ch) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' && !single {
            escaped = true;
        } else if ch == '\'' && !double {
            single = !single;
        } else if ch == '"' && !single {
            double = !double;
        } else if ch == '#' && !single && !double && previous.is_whitespace() {
            return &text[..at];
        }
        previous = ch;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(markdown: &str) -> (Option<Kind>, Vec<Shown>) {
        let (found, _) = blocks(markdown);
        commands(&found[0]).expect("a readable block")
    }

    #[test]
    fn sh_lines_are_commands_without_their_comments() {
        let (kind, shown) =
            one("x\n\n```sh\n# a comment\ncargo run   # the run\n\ncargo \\\n  test\n```\n");
        assert_eq!(kind, Some(Kind::Sh));
        let got: Vec<_> = shown.iter().map(|s| (s.line, s.command.as_str())).collect();
        assert_eq!(got, [(5, "cargo run"), (7, "cargo test")]);
    }

    #[test]
    fn console_commands_carry_their_output() {
        let (_, shown) = one("```console\n$ a -- 1\nerror: x\n…\n$ b\n```\n");
        assert_eq!(shown[0].command, "a -- 1");
        assert_eq!(
            shown[0].output,
            [(3, "error: x".to_owned()), (4, "…".to_owned())]
        );
        assert_eq!((shown[1].line, shown[1].command.as_str()), (5, "b"));
    }

    #[test]
    fn a_hash_inside_quotes_is_not_a_comment() {
        assert_eq!(
            strip_comment("echo '#x' \"#y\" a#b # c"),
            "echo '#x' \"#y\" a#b "
        );
    }

    #[test]
    fn blocks_without_a_known_language_are_refused() {
        let (found, _) = blocks("```\nls\n```\n\n```bash\nls\n```\n\n```text\n$ ls\n```\n");
        for block in &found {
            assert!(commands(block).is_err(), "{block:?} should be refused");
        }
    }

    #[test]
    fn powershell_lines_are_windows_commands() {
        let (kind, shown) =
            one("```powershell\nipconfig   # Windows\ncargo run --example 01_ip_lookup\n```\n");
        assert_eq!(kind, Some(Kind::PowerShell));
        let got: Vec<_> = shown
            .iter()
            .map(|s| (s.command.as_str(), s.windows))
            .collect();
        assert_eq!(
            got,
            [
                ("ipconfig", true),
                ("cargo run --example 01_ip_lookup", true)
            ]
        );
        let (_, shown) = one(
            "```powershell\nPS> Get-NetTCPConnection -LocalPort 8000\nLocalAddress 127.0.0.1\n```\n",
        );
        assert_eq!(shown[0].command, "Get-NetTCPConnection -LocalPort 8000");
        assert_eq!(shown[0].output.len(), 1);
    }

    #[test]
    fn blocks_in_lists_keep_their_lines() {
        let (found, _) = blocks("1. run\n\n   ```sh\n   cargo test\n   ```\n");
        let (_, shown) = commands(&found[0]).unwrap();
        assert_eq!(
            (shown[0].line, shown[0].command.as_str()),
            (4, "cargo test")
        );
    }
}
