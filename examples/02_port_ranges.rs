//! Lesson 2 — what are ports, and which port numbers may I use?
//!
//! An IP address finds a machine; a port number finds one program on it. This classifies the
//! ports you give it (the lesson's two ranges and IANA's three), shows some well-known services
//! and where this machine picks ports for outgoing connections, and can check whether a port
//! is free.
//!
//! ```text
//! cargo run --example 02_port_ranges                       # the ranges, services, ephemeral ports
//! cargo run --example 02_port_ranges -- 80 8000 65535      # classify these ports
//! cargo run --example 02_port_ranges -- --check-free 8000  # could a server listen there?
//! ```
//!
//! Book chapter 2 walks through this file.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::process::ExitCode;

use clap::Parser;
use net_basics::explain;
// The lesson's pieces: the reference `solutions/ex02_port_ranges.rs`, or with `--features mine` your
// own `exercises/ex02_port_ranges.rs` — then this program runs your code.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex02_port_ranges.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex02_port_ranges.rs")]
#[allow(dead_code)] // the program uses some of the exercise's functions, not all
mod ex02_port_ranges;
use ex02_port_ranges::{classify_port, iana_range, parse_port};

/// Classify port numbers: well-known or dynamic, and IANA's system, user or dynamic range.
///
/// With no ports, print the ranges, some well-known services and this machine's ephemeral
/// range (where the OS picks ports for outgoing connections).
#[derive(Parser)]
#[command(name = "02_port_ranges")]
struct Args {
    /// Port numbers from 0 to 65535, such as 80 8000 65535
    // Strings, not numbers: `parse_port` gives a clearer message than clap would. And `-1` must
    // reach it as a value, not be taken for an unknown option `-1`.
    #[arg(allow_negative_numbers = true)]
    ports: Vec<String>,

    /// Also say whether each port is free for a TCP server on 127.0.0.1 [default port: 8000]
    #[arg(long)]
    check_free: bool,
}

/// The port of this lesson's time server; `--check-free` looks at it when no port is given.
const TIME_SERVER_PORT: u16 = 8000;

/// Where Linux keeps the range it picks ephemeral (client) ports from.
const EPHEMERAL_RANGE_FILE: &str = "/proc/sys/net/ipv4/ip_local_port_range";

fn main() -> ExitCode {
    let args = Args::parse();

    // ANCHOR: parse
    // ① Read every port before printing anything: one bad port, one clear line, exit code 2.
    let mut ports = Vec::new();
    for text in &args.ports {
        match parse_port(text) {
            Ok(port) => ports.push(port),
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        }
    }
    // ANCHOR_END: parse

    let ephemeral = ephemeral_range();
    if ports.is_empty() {
        print_overview(&ephemeral);
    } else {
        // ② Classify each port.
        print_table(&ports);
        print_ephemeral_notes(&ports, &ephemeral);
    }

    // ③ Optionally: is it free?
    if args.check_free {
        println!();
        let to_check = if ports.is_empty() {
            vec![TIME_SERVER_PORT]
        } else {
            ports
        };
        for port in to_check {
            println!("{}", check_free(port));
        }
    }
    ExitCode::SUCCESS
}

/// With no ports given: the ranges, the services table, and the ephemeral range.
fn print_overview(ephemeral: &Result<(u16, u16), String>) {
    println!("A port is a number from 0 to 65535 (65,536 ports: a port number has 16 bits).");
    println!();
    println!("The lesson's two ranges:");
    println!("  0–1023       well-known   reserved for standard services: avoid them");
    println!("  1024–65535   dynamic      free for your own programs: use these");
    println!();
    println!("IANA's three ranges (the official port registry):");
    println!("  0–1023       system       assigned to standard services");
    println!("  1024–49151   user         programs may register one here, like PostgreSQL's 5432");
    println!("  49152–65535  dynamic      never assigned: for short-lived use");
    println!();
    println!("Some services and their ports:");
    let service_ports: Vec<u16> = SERVICES.iter().map(|&(port, _)| port).collect();
    print_table(&service_ports);
    println!();
    match ephemeral {
        Ok((first, last)) => println!(
            "Ephemeral ports: a client that does not choose its own port gets one from \
             {first}–{last}\non this machine (read from {EPHEMERAL_RANGE_FILE})."
        ),
        Err(why) => println!("Ephemeral ports: {why}"),
    }
    println!();
    println!("Classify your own: cargo run --example 02_port_ranges -- 80 8000 65535");
}

// ANCHOR: classify
/// ② One row per port: the lesson's range, IANA's range, and the service it is known for.
fn print_table(ports: &[u16]) {
    println!(
        "  {:<6} {:<21} {:<22} known as",
        "port", "lesson's range", "IANA range"
    );
    for &port in ports {
        let lesson = classify_port(port);
        let iana = iana_range(port);
        let lesson = format!("{lesson} ({})", lesson_bounds(port));
        let iana = format!("{iana} ({})", iana_bounds(port));
        let service = service(port).unwrap_or("-");
        println!("  {port:<6} {lesson:<21} {iana:<22} {service}");
    }
}
// ANCHOR_END: classify

/// The bounds of the lesson's range that holds `port`, for the table.
fn lesson_bounds(port: u16) -> &'static str {
    if port <= 1023 {
        "0–1023"
    } else {
        "1024–65535"
    }
}

/// The bounds of IANA's range that holds `port`, for the table.
fn iana_bounds(port: u16) -> &'static str {
    match port {
        0..=1023 => "0–1023",
        1024..=49151 => "1024–49151",
        49152..=u16::MAX => "49152–65535",
    }
}

/// A few services a student meets, and the port each is known for.
const SERVICES: [(u16, &str); 10] = [
    (22, "ssh (remote login)"),
    (25, "smtp (sending mail)"),
    (53, "dns (names to addresses)"),
    (80, "http (the web)"),
    (123, "ntp (network time)"),
    (443, "https (the web, encrypted)"),
    (3306, "mysql (database)"),
    (5432, "postgresql (database)"),
    (8000, "the time server of this lesson"),
    (8080, "http, a common alternative to 80"),
];

/// What `port` is known for, if it is one of [`SERVICES`] (or port 0).
fn service(port: u16) -> Option<&'static str> {
    if port == 0 {
        return Some("no service: binding to port 0 asks the OS for any free port");
    }
    SERVICES
        .iter()
        .find(|&&(known, _)| known == port)
        .map(|&(_, name)| name)
}

// ANCHOR: ephemeral
/// The range the OS picks a client's port from when the client does not choose one
/// ("ephemeral" ports). Linux publishes it as two numbers in a file; other systems differ.
fn ephemeral_range() -> Result<(u16, u16), String> {
    if !cfg!(target_os = "linux") {
        return Err("this example reads the ephemeral range only on Linux; on macOS try \
                    `sysctl net.inet.ip.portrange`, on Windows `netsh int ipv4 show dynamicport tcp`"
            .to_string());
    }
    let text = fs::read_to_string(EPHEMERAL_RANGE_FILE)
        .map_err(|err| format!("could not read {EPHEMERAL_RANGE_FILE} ({err})"))?;
    // The file holds two numbers, such as "32768\t60999\n".
    let numbers: Vec<u16> = text
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers[..] {
        [first, last] => Ok((first, last)),
        _ => Err(format!(
            "could not understand {EPHEMERAL_RANGE_FILE}: {text:?}"
        )),
    }
}
// ANCHOR_END: ephemeral

/// A server on a port inside the ephemeral range may find it taken by some client: say so.
fn print_ephemeral_notes(ports: &[u16], ephemeral: &Result<(u16, u16), String>) {
    let Ok((first, last)) = *ephemeral else {
        return;
    };
    for &port in ports {
        if (first..=last).contains(&port) {
            println!(
                "note: {port} is in this machine's ephemeral range ({first}–{last}): the OS may \
                 hand it\n      to a client's connection, so a server there could find it taken"
            );
        }
    }
}

// ANCHOR: check_free
/// ③ Is `port` free for a TCP server on 127.0.0.1? The only reliable test is to try: bind a
/// listener there (and close it again at once, when it is dropped).
fn check_free(port: u16) -> String {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    match TcpListener::bind(addr) {
        Ok(listener) if port == 0 => match listener.local_addr() {
            Ok(given) => format!(
                "port 0 is not a real port: binding to it asks the OS for any free port, and it \
                 gave {given}"
            ),
            Err(err) => format!("port 0 asks the OS for any free port ({err})"),
        },
        Ok(_) => format!("{addr} is free: a TCP server could listen there now"),
        Err(err) => explain::bind_error(addr, &err),
    }
}
// ANCHOR_END: check_free
