//! What a shown command is (a server, a client, a command that runs until stopped …) and how it
//! is rewritten to run here: servers on port 0, clients to the server's real port, nothing
//! beyond loopback.

use regex::Regex;
use std::sync::LazyLock;

/// `HOST:PORT` with a literal host (IPv4, `[IPv6]`) or `localhost`.
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\[[0-9A-Fa-f:.]*\]|\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\blocalhost):(\d{1,5})\b")
        .unwrap()
});
/// An IPv4 literal anywhere (a destination, even without a port).
static IPV4: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}\b").unwrap());
/// A host name on the internet (`pool.ntp.org`, `example.com`).
static HOST_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[a-z0-9-]+(\.[a-z0-9-]+)*\.(org|com|net|io|cn|dev|edu|gov|info)\b").unwrap()
});
/// A port in a filter of `ss` (`sport = :8000`) or `lsof` (`-iTCP:8000`).
static FILTER_PORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"([\s(='"]|TCP|UDP):(\d{2,5})\b"#).unwrap());
/// `nc HOST PORT`.
static NETCAT_PORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\bnc(?:\s+-\S+)*\s+(?:127\.\d+\.\d+\.\d+|localhost|::1)\s+)(\d{1,5})\b").unwrap()
});
/// A Python address tuple: `('127.0.0.1', 8000)`.
static PYTHON_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\(\s*'(?:127\.0\.0\.1|localhost)'\s*,\s*)(\d{1,5})(\s*\))").unwrap()
});

/// The kinds of program the check treats apart; everything else runs and must exit 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// `cargo run --example NN_…server` or `…listener`: listens on the address after `--`,
    /// 127.0.0.1:8000 when none; says `listening on ADDR`; runs until stopped.
    ExampleServer,
    /// `cargo run --example NN_…time_client`: connects to the address after `--` (127.0.0.1:8000
    /// when none); without `--count` it sends for ever, so it runs until it has `sent` one.
    ExampleClient {
        for_ever: bool,
    },
    /// `cargo run -- --watch`: the progress view, until it says it is watching.
    Watch,
    /// `mdbook serve`: until `Serving on:`; gets `-p 0`.
    MdbookServe,
    /// `python3 -m http.server [PORT]`: until `Serving HTTP on`; its port becomes 0.
    HttpServer,
    /// `nc HOST PORT`: interactive, runs until stopped (kept open while the page's server runs).
    Netcat,
    Other,
}

impl Program {
    /// The line that says a command that runs until stopped is up; the first group, if any,
    /// is the port it listens on.
    pub fn ready(&self) -> Option<Regex> {
        let pattern = match self {
            Program::ExampleServer => r"listening on \S*:(\d+)",
            Program::ExampleClient { for_ever: true } => r"(?m)^sent ",
            Program::Watch => r"Watching exercises/|正在监视 exercises/",
            Program::MdbookServe => r"Serving on: ",
            Program::HttpServer => r"Serving HTTP on \S+ port (\d+)",
            _ => return None,
        };
        Some(Regex::new(pattern).unwrap())
    }
}

/// Shell words of `command` (None when it does not split: unbalanced quotes).
fn words(command: &str) -> Vec<String> {
    shlex::split(command).unwrap_or_default()
}

/// The example a `cargo run` names, and the words after `--` (the program's own arguments).
pub fn cargo_run(command: &str) -> Option<(Option<String>, Vec<String>)> {
    let words = words(command);
    let start = words.iter().position(|w| w == "cargo")?;
    if words.get(start + 1).map(String::as_str) != Some("run") {
        return None;
    }
    let rest = &words[start + 2..];
    let split = rest.iter().position(|w| w == "--").unwrap_or(rest.len());
    let cargo_args = &rest[..split];
    let example = cargo_args.iter().enumerate().find_map(|(i, w)| {
        w.strip_prefix("--example=").map(str::to_owned).or_else(|| {
            (w == "--example")
                .then(|| cargo_args.get(i + 1).cloned())
                .flatten()
        })
    });
    let program_args = rest.get(split + 1..).unwrap_or_default().to_vec();
    Some((example, program_args))
}

pub fn classify(command: &str) -> Program {
    if let Some((example, args)) = cargo_run(command) {
        return match example {
            Some(name) if name.ends_with("server") || name.ends_with("listener") => {
                Program::ExampleServer
            }
            // The TCP time clients (05, and any later `…time_client`): default 127.0.0.1:8000.
            // Other clients (an SNTP client, say) run as shown.
            Some(name) if name.ends_with("time_client") => Program::ExampleClient {
                for_ever: !args
                    .iter()
                    .any(|a| a == "--count" || a.starts_with("--count=")),
            },
            None if args.iter().any(|a| a == "--watch" || a == "-w") => Program::Watch,
            _ => Program::Other,
        };
    }
    let words = words(command);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["mdbook", "serve", ..] => Program::MdbookServe,
        [python, "-m", "http.server", ..] if python.starts_with("python") => Program::HttpServer,
        ["nc" | "ncat", rest @ ..] if !rest.iter().any(|w| w.starts_with("-l")) => Program::Netcat,
        _ => Program::Other,
    }
}

fn loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

fn unspecified(host: &str) -> bool {
    matches!(host, "0.0.0.0" | "[::]")
}

/// A destination beyond this machine in `command` (an address that is not loopback or
/// "any", or a host name), which the check must never reach: such a command runs in a network
/// namespace with no network.
pub fn beyond_loopback(command: &str) -> Option<String> {
    for found in ADDRESS.captures_iter(command) {
        let host = &found[1];
        if !loopback(host) && !unspecified(host) {
            return Some(found[0].to_owned());
        }
    }
    for found in IPV4.captures_iter(command) {
        if &found[1] != "127" && &found[0] != "0.0.0.0" {
            return Some(found[0].to_owned());
        }
    }
    HOST_NAME.find(command).map(|m| m.as_str().to_owned())
}

/// Ports of the page: a shown port → the port it really is in this run.
pub trait Ports {
    /// The real port of a running server shown on `shown`, if one runs.
    fn server(&self, shown: u16) -> Option<u16>;
}

/// A command made ready to run here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    pub text: String,
    /// The port a server was shown on (its address, or 8000 when it had none).
    pub server_shown_port: Option<u16>,
    /// A port of a running server was used: the command belongs with that server.
    pub uses_server: bool,
    /// (real, shown) pairs, to print the output as the book would show it.
    pub ports: Vec<(u16, u16)>,
}

/// The default address of the examples' servers and clients.
pub const DEFAULT_PORT: u16 = 8000;

/// Rewrites `command` (already known to stay on loopback): a server's own address gets port
/// 0; every other loopback address, `ss`/`lsof` filter port, `nc` port and Python address tuple
/// gets the real port of the running server shown there (and stays as shown when none runs); a
/// time client without an address gets one when a server runs. `mdbook serve` gets `-p 0`,
/// `http.server` port 0.
pub fn rewrite(command: &str, program: &Program, ports: &dyn Ports) -> Rewritten {
    let mut out = Rewritten {
        text: command.to_owned(),
        server_shown_port: None,
        uses_server: false,
        ports: Vec::new(),
    };
    let map = |shown: u16, out: &mut Rewritten| -> u16 {
        if shown == 0 {
            return 0;
        }
        // With no server for it, the port stays as shown: in the check's network namespace
        // nothing else listens there (and a message that names the port stays the book's).
        let real = match ports.server(shown) {
            Some(real) => {
                out.uses_server = true;
                real
            }
            None => shown,
        };
        out.ports.push((real, shown));
        real
    };
    match program {
        Program::ExampleServer => {
            let (_, args) = cargo_run(command).unwrap_or_default();
            match args
                .iter()
                .find_map(|a| ADDRESS.captures(a).map(|c| (a.clone(), c)))
            {
                Some((word, found)) => {
                    let shown: u16 = found[2].parse().unwrap_or(0);
                    out.server_shown_port = Some(shown);
                    let bound = format!("{}:0", &found[1]);
                    out.text = command.replacen(&word, &bound, 1);
                }
                None => {
                    out.server_shown_port = Some(DEFAULT_PORT);
                    out.text = add_program_arg(command, "127.0.0.1:0");
                }
            }
            return out;
        }
        Program::MdbookServe => {
            out.server_shown_port = Some(3000);
            out.text = format!("{command} -p 0");
            return out;
        }
        Program::HttpServer => {
            // The first bare number after http.server is its port (8000 when none).
            let at = command.find("http.server").unwrap_or(0);
            let (head, tail) = command.split_at(at);
            let port = Regex::new(r"(\s)(\d{1,5})(\s|$)").unwrap();
            let shown = port
                .captures(tail)
                .and_then(|c| c[2].parse().ok())
                .unwrap_or(DEFAULT_PORT);
            out.server_shown_port = Some(shown);
            out.text = if port.is_match(tail) {
                format!("{head}{}", port.replacen(tail, 1, "${1}0${3}"))
            } else {
                format!("{command} 0")
            };
            return out;
        }
        _ => {}
    }
    let mut text = ADDRESS
        .replace_all(command, |c: &regex::Captures| {
            let host = &c[1];
            let shown: u16 = c[2].parse().unwrap_or(0);
            if loopback(host) {
                format!("{host}:{}", map(shown, &mut out))
            } else {
                c[0].to_owned()
            }
        })
        .into_owned();
    let first = words(&text).first().cloned().unwrap_or_default();
    if first == "ss" || first == "lsof" {
        text = FILTER_PORT
            .replace_all(&text, |c: &regex::Captures| {
                format!("{}:{}", &c[1], map(c[2].parse().unwrap_or(0), &mut out))
            })
            .into_owned();
    }
    text = NETCAT_PORT
        .replace_all(&text, |c: &regex::Captures| {
            format!("{}{}", &c[1], map(c[2].parse().unwrap_or(0), &mut out))
        })
        .into_owned();
    text = PYTHON_ADDRESS
        .replace_all(&text, |c: &regex::Captures| {
            format!(
                "{}{}{}",
                &c[1],
                map(c[2].parse().unwrap_or(0), &mut out),
                &c[3]
            )
        })
        .into_owned();
    if let Program::ExampleClient { .. } = program {
        let (_, args) = cargo_run(command).unwrap_or_default();
        if !args.iter().any(|a| ADDRESS.is_match(a)) {
            if let Some(real) = ports.server(DEFAULT_PORT) {
                map(DEFAULT_PORT, &mut out);
                text = add_program_arg(&text, &format!("127.0.0.1:{real}"));
            }
        }
    }
    out.text = text;
    out
}

/// `cargo run … -- ARGS` with `arg` first after `--` (or ` -- arg` added).
fn add_program_arg(command: &str, arg: &str) -> String {
    match command.find(" -- ") {
        Some(at) => format!("{} -- {arg} {}", &command[..at], &command[at + 4..]),
        None if command.ends_with(" --") => format!("{command} {arg}"),
        None => format!("{command} -- {arg}"),
    }
}

/// `text` with each real port written as the port it was shown as.
pub fn as_shown(text: &str, ports: &[(u16, u16)]) -> String {
    let mut text = text.to_owned();
    for (real, shown) in ports {
        if real != shown {
            let real = Regex::new(&format!(r"\b{real}\b")).unwrap();
            text = real.replace_all(&text, shown.to_string()).into_owned();
        }
    }
    text
}

/// Did a program (or cargo) refuse its arguments? clap and cargo both end a usage error with
/// a `Usage:` line and exit 1 or 2.
pub fn usage_error(output: &str, code: Option<i32>) -> bool {
    matches!(code, Some(1 | 2))
        && (output.contains("\nUsage: ") || output.contains("For more information, try '--help'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Page(Option<(u16, u16)>);
    impl Ports for Page {
        fn server(&self, shown: u16) -> Option<u16> {
            self.0.filter(|(s, _)| *s == shown).map(|(_, real)| real)
        }
    }

    fn run(command: &str, page: Page) -> Rewritten {
        rewrite(command, &classify(command), &page)
    }

    #[test]
    fn servers_listen_on_port_zero() {
        let r = run("cargo run --example 04_time_server", Page(None));
        assert_eq!(r.text, "cargo run --example 04_time_server -- 127.0.0.1:0");
        assert_eq!(r.server_shown_port, Some(8000));
        let r = run(
            "cargo run --example 03_socket2_listener -- 127.0.0.1:0 --backlog 2",
            Page(None),
        );
        assert_eq!(
            r.text,
            "cargo run --example 03_socket2_listener -- 127.0.0.1:0 --backlog 2"
        );
        let r = run(
            "cargo run --example 04_time_server -- 0.0.0.0:8000",
            Page(None),
        );
        assert_eq!(r.text, "cargo run --example 04_time_server -- 0.0.0.0:0");
        let r = run(
            "cargo run --example 03_socket2_listener --features mine -- --backlog 2",
            Page(None),
        );
        assert_eq!(
            r.text,
            "cargo run --example 03_socket2_listener --features mine -- 127.0.0.1:0 --backlog 2"
        );
    }

    #[test]
    fn clients_go_to_the_real_port_or_stay_as_shown() {
        let r = run(
            "cargo run --example 05_time_client",
            Page(Some((8000, 41000))),
        );
        assert_eq!(
            r.text,
            "cargo run --example 05_time_client -- 127.0.0.1:41000"
        );
        assert!(r.uses_server);
        let r = run(
            "cargo run --example 05_time_client -- '[::1]:8000'",
            Page(None),
        );
        assert_eq!(r.text, "cargo run --example 05_time_client -- '[::1]:8000'");
        assert!(!r.uses_server);
        let r = run(
            "cargo run --example 05_time_client -- --count 3",
            Page(Some((8000, 41000))),
        );
        assert_eq!(
            r.text,
            "cargo run --example 05_time_client -- 127.0.0.1:41000 --count 3"
        );
        let r = run("nc 127.0.0.1 34305", Page(Some((34305, 41000))));
        assert_eq!(r.text, "nc 127.0.0.1 41000");
        let r = run(
            "ss -tan '( sport = :34305 or dport = :34305 )'",
            Page(Some((34305, 41000))),
        );
        assert_eq!(r.text, "ss -tan '( sport = :41000 or dport = :41000 )'");
        let r = run("lsof -nP -iTCP:8000 -sTCP:LISTEN", Page(None));
        assert_eq!(r.text, "lsof -nP -iTCP:8000 -sTCP:LISTEN");
        let r = run(r#"python3 -c "s.bind(('127.0.0.1', 8000))""#, Page(None));
        assert_eq!(r.text, r#"python3 -c "s.bind(('127.0.0.1', 8000))""#);
    }

    #[test]
    fn numbers_that_are_not_addresses_stay() {
        let r = run(
            "cargo run --example 02_port_ranges -- 80 8000 65535",
            Page(Some((8000, 41000))),
        );
        assert_eq!(
            r.text,
            "cargo run --example 02_port_ranges -- 80 8000 65535"
        );
        assert!(!r.uses_server);
    }

    #[test]
    fn other_servers_get_port_zero() {
        let r = run(
            "python3 -m http.server --directory book/book 3000 --bind 127.0.0.1",
            Page(None),
        );
        assert_eq!(
            r.text,
            "python3 -m http.server --directory book/book 0 --bind 127.0.0.1"
        );
        assert_eq!(
            run("mdbook serve book --open", Page(None)).text,
            "mdbook serve book --open -p 0"
        );
    }

    #[test]
    fn destinations_beyond_loopback_are_found() {
        for command in [
            "cargo run --example 05_time_client -- 192.168.1.50:8000",
            "cargo run --example 06_sntp_client -- pool.ntp.org",
            "ping 10.1.2.3",
        ] {
            assert!(beyond_loopback(command).is_some(), "{command}");
        }
        for command in [
            "cargo run --example 04_time_server -- 0.0.0.0:8000",
            "nc 127.0.0.1 8000",
            "cargo run --example 05_time_client -- '[::1]:8000'",
            "bash book/po/build-editions.sh",
            "msgmerge --update book/po/zh-CN.po book/po/messages.pot",
        ] {
            assert_eq!(beyond_loopback(command), None, "{command}");
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(classify("cargo run -- --watch"), Program::Watch);
        assert_eq!(
            classify("cargo run -- --watch --lang zh-CN"),
            Program::Watch
        );
        assert_eq!(classify("cargo run"), Program::Other);
        assert_eq!(
            classify("cargo run --example 05_time_client -- --count 3"),
            Program::ExampleClient { for_ever: false }
        );
        assert_eq!(classify("nc 127.0.0.1 1"), Program::Netcat);
        assert_eq!(
            classify("cargo run --example 06_sntp_client"),
            Program::Other
        );
        assert_eq!(
            classify("cargo run --example 07_async_time_server --features async"),
            Program::ExampleServer
        );
    }

    #[test]
    fn usage_errors_are_told_from_runtime_errors() {
        let clap = "error: unexpected argument '--features' found\n\n  tip: to pass '--features' as a value, use '-- --features'\n\nUsage: 02_port_ranges [OPTIONS] [PORTS]...\n\nFor more information, try '--help'.\n";
        assert!(usage_error(clap, Some(2)));
        assert!(!usage_error(
            "error: \"70000\" is too large: a port is a number from 0 to 65535\n",
            Some(2)
        ));
    }
}
