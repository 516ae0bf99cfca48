//! Example 03 (`03_socket2_listener`) run as a process, as a student runs it — book chapter 3.

mod common;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Output;

use assert_cmd::prelude::*;
use common::{PATIENCE, Running};
use predicates::prelude::*;

const EXAMPLE: &str = "03_socket2_listener";

/// Runs the example with `args` to its end, within a time limit: a wrong example must fail,
/// not hang. The result takes assert_cmd's checks (`.assert()`).
fn run_example(args: &[&str]) -> Output {
    common::run_to_end(common::example_command(EXAMPLE).args(args), EXAMPLE)
}

/// The address in a step-④ line: `④ listen  listening on ADDR (backlog N)`.
fn listening_address(line: &str) -> SocketAddr {
    let rest = line
        .split("listening on ")
        .nth(1)
        .unwrap_or_else(|| panic!("step ④ should say `listening on ADDR`, got {line:?}"));
    let addr = rest.split_whitespace().next().unwrap_or_default();
    addr.parse()
        .unwrap_or_else(|_| panic!("`listening on` should name a socket address, got {addr:?}"))
}

#[test]
fn the_example_shows_every_step_and_what_the_client_sends() {
    let mut command = common::example_command(EXAMPLE);
    command.args(["127.0.0.1:0", "--backlog", "1"]);
    let mut server = Running::spawn(command);

    // ①–④: the steps up to listening, with the real port the OS picked for port 0.
    let startup = server.lines_until("step ④ listen", |line| line.starts_with("④"));
    // SO_REUSEADDR: on for a quick restart on Unix; off on Windows, where it would let a second
    // socket take the live port — and the line says which (src/explain.rs).
    let reuse = if cfg!(windows) {
        "② option  SO_REUSEADDR off — on Windows it would let a second socket take this live port"
    } else {
        "② option  SO_REUSEADDR on — a restart can bind the port during TIME_WAIT"
    };
    for step in ["① create", reuse, "③ bind", "④ listen"] {
        assert!(
            startup.iter().any(|line| line.starts_with(step)),
            "expected a line starting with {step:?} before listening; the example printed {startup:#?}"
        );
    }
    let listening = startup
        .last()
        .expect("lines_until returns the matching line");
    assert!(
        listening.contains("(backlog 1)"),
        "expected step ④ to show the backlog given with --backlog 1 (and nothing about a cap), got {listening:?}"
    );
    let addr = listening_address(listening);
    assert_ne!(
        addr.port(),
        0,
        "expected the real port after binding port 0, got {listening:?}"
    );

    // ⑤: it names a client to try, one this OS has (Windows has no nc: example 05).
    let waiting = server.next_line("step ⑤, waiting for a client");
    let client_to_try = if cfg!(windows) {
        format!("cargo run --example 05_time_client -- {addr})")
    } else {
        format!("nc {} {})", addr.ip(), addr.port())
    };
    assert!(
        waiting.starts_with("⑤ accept  waiting for a client… (try: ")
            && waiting.ends_with(&client_to_try),
        "expected step ⑤ to suggest `{client_to_try}`, got {waiting:?}"
    );

    // ⑤: a client connects; the example names it by the client's own address.
    let mut client = TcpStream::connect_timeout(&addr, PATIENCE)
        .unwrap_or_else(|e| panic!("could not connect to the example at {addr}: {e}"));
    let client_addr = client
        .local_addr()
        .expect("a connected socket has an address");
    let accepted = server.lines_until("step ⑤ accept with the client's address", |line| {
        line.starts_with("⑤ accept  connection from")
    });
    let accepted = accepted
        .last()
        .expect("lines_until returns the matching line");
    assert!(
        accepted.contains(&client_addr.to_string()),
        "expected the accepted connection to name the client {client_addr}, got {accepted:?}"
    );

    // ⑥: what the client sends appears, escaped on one line.
    client
        .write_all(b"hello from the test\n")
        .expect("the example reads what we send");
    server.lines_until("the client's line, printed by step ⑥", |line| {
        line.starts_with("⑥ talk") && line.contains(r#""hello from the test\n""#)
    });

    // ⑦: the client closes; the example sees end of stream, closes, and exits successfully.
    drop(client);
    server.lines_until("step ⑥ noticing the close", |line| {
        line.contains("closed the connection (read returned 0")
    });
    server.lines_until("step ⑦ close", |line| line.starts_with("⑦ close"));
    let status = server.exit_status("the example, after its one client closed");
    assert!(
        status.success(),
        "expected exit code 0 after a normal session, got {status}"
    );
}

#[test]
fn an_address_in_use_is_explained_and_fails() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let addr = taken.local_addr().expect("a bound listener has an address");
    run_example(&[&addr.to_string()]).assert().failure().stderr(
        predicate::str::contains(format!("{addr} is already in use"))
            .and(predicate::str::contains("chapter 3"))
            .and(predicate::str::contains("panicked").not()),
    );
    drop(taken); // held until here: the port was in use the whole time
}

#[test]
fn an_address_of_another_machine_is_explained_and_fails() {
    // A documentation address (TEST-NET-3): never on this machine. Bind fails; nothing is sent.
    run_example(&["203.0.113.7:8000"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("not an address of this machine")
                .and(predicate::str::contains("panicked").not()),
        );
}

#[test]
fn an_address_that_is_not_ip_and_port_gets_a_clear_usage_error() {
    // A name is fine (it is looked up); a name without a port is not.
    run_example(&["localhost"]).assert().code(2).stderr(
        predicate::str::contains("there is no port; add one, as in localhost:8000")
            .and(predicate::str::contains("panicked").not()),
    );
}

#[test]
fn a_negative_backlog_is_a_usage_error() {
    // Linux would take -5 as "the maximum" and the example would print "(backlog -5)".
    run_example(&["127.0.0.1:0", "--backlog=-5"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--backlog"));
}

#[test]
#[cfg(target_os = "linux")]
fn a_backlog_above_somaxconn_says_what_the_kernel_really_uses() {
    // Linux silently caps listen's backlog at net.core.somaxconn (4096 by default).
    let somaxconn: u64 = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .expect("Linux has /proc/sys/net/core/somaxconn")
        .trim()
        .parse()
        .expect("somaxconn is a number");
    let asked = 100_000;
    if somaxconn >= asked {
        println!("skipped: somaxconn is {somaxconn} here, no cap below {asked}");
        return;
    }
    let mut command = common::example_command(EXAMPLE);
    command.args(["127.0.0.1:0", "--backlog", &asked.to_string()]);
    let server = Running::spawn(command);
    let startup = server.lines_until("step ④ listen", |line| line.starts_with("④"));
    let listening = startup
        .last()
        .expect("lines_until returns the matching line");
    assert!(
        listening.contains(&format!(
            "backlog {asked} asked — the kernel uses {somaxconn}"
        )) && listening.contains("/proc/sys/net/core/somaxconn"),
        "expected step ④ to say that the kernel uses {somaxconn} (net.core.somaxconn) for \
         --backlog {asked}, got {listening:?}"
    );
}

#[test]
fn a_closed_stdout_stops_the_example_with_one_sentence() {
    // Nobody reads the example's stdout, as after `| head` exited: its first step already fails
    // to print.
    let write_end = common::stdout_nobody_reads();
    let child = common::example_command(EXAMPLE)
        .arg("127.0.0.1:0")
        .stdin(std::process::Stdio::null())
        .stdout(write_end)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the example starts");
    let (status, stderr) =
        common::exit_and_stderr(child, "the example with nobody reading its stdout");
    assert!(
        status.code() == Some(1)
            && stderr.starts_with("stopping: cannot print any more")
            && stderr.lines().count() == 1,
        "expected the example to stop with exit code 1 and one sentence on stderr when nobody \
         reads its stdout (not a panic, not serving on unseen), got {status} and {stderr:?}"
    );
}

/// The run book chapter 3 shows under "Run it": the example on its default address, a client that
/// sends `hello, server` and `héllo again` (`é` is two bytes in UTF-8), each with its `\n`, then
/// closes. `UPDATE_LISTINGS=1` writes it to `listings/output/example_03_run.txt`; otherwise the run
/// must print what that file shows (ports aside: the server's is shown as 8000, the client's as
/// 50001). Unix only: on Windows the example sets no SO_REUSEADDR, and step ② says so.
#[test]
#[cfg(unix)]
fn the_run_the_book_shows_is_what_the_example_prints() {
    let mut command = common::example_command(EXAMPLE);
    command.arg("127.0.0.1:0");
    let server = Running::spawn(command);
    let mut shown = server.lines_until("step ⑤ waiting for a client", |line| {
        line.starts_with("⑤ accept  waiting")
    });
    let listening = shown
        .iter()
        .find(|line| line.starts_with("④"))
        .expect("step ④ comes before step ⑤");
    let addr = listening_address(listening);
    let mut client = TcpStream::connect_timeout(&addr, PATIENCE)
        .unwrap_or_else(|e| panic!("could not connect to the example at {addr}: {e}"));
    let client_port = client.local_addr().expect("a connected socket").port();
    shown.extend(server.lines_until("step ⑤ accepting the client", |line| {
        line.starts_with("⑤ accept  connection from")
    }));
    // One line at a time, each printed before the next is sent: one read each.
    for line in ["hello, server\n", "héllo again\n"] {
        client
            .write_all(line.as_bytes())
            .expect("the example reads");
        shown.extend(server.lines_until("step ⑥ printing what it read", |l| {
            l.starts_with("⑥ talk    received")
        }));
    }
    drop(client);
    shown.extend(server.lines_until("step ⑦ close", |l| l.starts_with("⑦ close")));

    // Ports as the book shows them: the address asked for (port 0) and the server's real port as
    // 8000, the client's as 50001.
    let text = shown.join("\n") + "\n";
    let text = with_port_shown(&text, "127.0.0.1:", 0, "8000");
    let text = with_port_shown(&text, "127.0.0.1:", addr.port(), "8000");
    let text = with_port_shown(&text, "nc 127.0.0.1 ", addr.port(), "8000");
    let text = with_port_shown(&text, "127.0.0.1:", client_port, "50001");
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("listings/output/example_03_run.txt");
    if std::env::var_os("UPDATE_LISTINGS").is_some() {
        std::fs::write(&path, &text).expect("[test] write the run the book shows");
        return;
    }
    let book = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        book,
        text,
        "{} (book chapter 3, 'Run it') differs from what the example printed now; if the change \
         is intended, rerun with UPDATE_LISTINGS=1 and read the page again",
        path.display()
    );
}

/// `text` with every `PREFIX{port}` (not followed by another digit) written as `PREFIX{shown}`.
#[cfg(unix)]
fn with_port_shown(text: &str, prefix: &str, port: u16, shown: &str) -> String {
    let needle = format!("{prefix}{port}");
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        let after = &rest[at + needle.len()..];
        out.push_str(&rest[..at]);
        if after.starts_with(|c: char| c.is_ascii_digit()) {
            out.push_str(&needle); // a longer number that merely starts with these digits
        } else {
            out.push_str(prefix);
            out.push_str(shown);
        }
        rest = after;
    }
    out + rest
}
