//! Example 02: what are ports, and which port numbers may I use? — book chapter 2.
//!
//! ```text
//! cargo run --example 02_port_ranges                       # the ranges, services, ephemeral ports
//! cargo run --example 02_port_ranges -- 80 8000 65535      # classify these ports
//! cargo run --example 02_port_ranges -- --check-free 8000  # could a server listen there?
//! cargo run --example 02_port_ranges --features mine       # the same, with YOUR exercise 2
//! ```
//!
//! An IP address finds a machine; a port number (16 bits: 0–65535) finds one program on it.
//! The lesson splits the ports in two, well-known and dynamic; the official registry, IANA, in
//! three (`RANGES` below). Exercise 2's `parse_port`, `classify_port`, `iana_range` do the work.

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::process::ExitCode;

use clap::Parser;
use net_basics::explain;
// The lesson's pieces: the reference `solutions/ex02_port_ranges.rs`, or with `--features mine`
// your own `exercises/ex02_port_ranges.rs` — then this program runs your code.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex02_port_ranges.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex02_port_ranges.rs")]
#[allow(dead_code)] // an untouched stub constructs none of the ranges
mod ex02_port_ranges;
use ex02_port_ranges::{classify_port, iana_range, parse_port};

/// Classify port numbers: the lesson's two ranges and IANA's three.
#[derive(Parser)]
#[command(name = "02_port_ranges", bin_name = "02_port_ranges")]
struct Args {
    /// Port numbers from 0 to 65535, such as 80 8000 65535
    // Strings, not numbers: `parse_port` explains better than clap. `-1` must reach it too.
    #[arg(allow_negative_numbers = true)]
    ports: Vec<String>,

    /// Also say whether each port is free for a TCP server on 127.0.0.1 [default port: 8000]
    #[arg(long)]
    check_free: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // ANCHOR: parse
    // ① Read every port before printing anything: one bad port, one clear line, exit code 2.
    let ports: Result<Vec<u16>, _> = args.ports.iter().map(|text| parse_port(text)).collect();
    let ports = match ports {
        Ok(ports) => ports,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    // ANCHOR_END: parse
    // Printing fails only when stdout is gone (`| head` exited) or full: say so once, exit 1.
    let mut out = io::stdout().lock();
    report(&mut out, &ports, args.check_free).unwrap_or_else(|err| {
        eprintln!("{}", explain::cannot_print(&err));
        ExitCode::FAILURE
    })
}

/// The lesson's answer first, then the facts it simplifies.
const RANGES: &str = "\
A port is a number from 0 to 65535 (16 bits).

The lesson's answer, two ranges:
  0–1023       well-known   reserved by the system: not recommended
  1024–65535   dynamic      recommended (for your own programs)
IANA's three ranges (RFC 6335), the official registry:
  0–1023       system       assigned to standard services
  1024–49151   user         registered, like PostgreSQL's 5432: pick one nobody uses
  49152–65535  dynamic      never assigned: for short-lived use (ephemeral ports)
";

fn report(out: &mut impl Write, ports: &[u16], check_free: bool) -> io::Result<ExitCode> {
    write!(out, "{RANGES}")?;
    let ephemeral = ephemeral_range();
    if let Some((first, last)) = ephemeral {
        writeln!(out, "Ephemeral ports (for clients) here: {first}–{last}")?;
    }
    // ② Classify: your ports, or some well-known services.
    let services = SERVICES.map(|(port, _)| port);
    print_table(out, if ports.is_empty() { &services } else { ports })?;
    // A server on a port in the ephemeral range may find it taken by some client.
    for &port in ports {
        if let Some((first, last)) = ephemeral.filter(|(a, b)| (*a..=*b).contains(&port)) {
            let note = "this machine's ephemeral range: the OS may give it to a client";
            writeln!(out, "note: {port} is in {first}–{last}, {note}")?;
        }
    }
    // ③ Is it free? Default: the time server's port.
    if check_free {
        writeln!(out)?;
        for &port in if ports.is_empty() { &[8000] } else { ports } {
            writeln!(out, "{}", check_free_port(port))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ANCHOR: classify
/// ② One row per port: the lesson's range, IANA's range, and the service it is known for.
fn print_table(out: &mut impl Write, ports: &[u16]) -> io::Result<()> {
    writeln!(out, "\n  port   lesson's range   IANA range   known as")?;
    for &port in ports {
        let (lesson, iana) = (classify_port(port), iana_range(port));
        let known = SERVICES.iter().find(|(known, _)| *known == port);
        let service = known.map_or("-", |(_, name)| name);
        writeln!(out, "  {port:<6} {lesson:<16} {iana:<12} {service}")?;
    }
    Ok(())
}
// ANCHOR_END: classify

/// A few services a student meets, and the port each is known for.
const SERVICES: [(u16, &str); 7] = [
    (22, "ssh (remote login)"),
    (53, "dns (names to addresses)"),
    (80, "http (the web)"),
    (443, "https (the web, encrypted)"),
    (5432, "postgresql (database)"),
    (8000, "the time server of this lesson"),
    (8080, "http, a common alternative to 80"),
];

// ANCHOR: ephemeral
/// The range the OS picks a client's port from when the client does not choose one
/// ("ephemeral" ports). Linux keeps it as two numbers in a file ("32768\t60999\n").
fn ephemeral_range() -> Option<(u16, u16)> {
    let text = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
    let mut numbers = text.split_whitespace().map(|n| n.parse().ok());
    Some((numbers.next()??, numbers.next()??))
}
// ANCHOR_END: ephemeral

// ANCHOR: check_free
/// ③ Is `port` free for a TCP server on 127.0.0.1? The only reliable test is to try: bind a
/// listener there (and close it again at once, when it is dropped).
fn check_free_port(port: u16) -> String {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    match TcpListener::bind(addr).and_then(|listener| listener.local_addr()) {
        Ok(given) if port == 0 => format!(
            "port 0 is not a real port: binding it asks the OS for any free port, and it gave {given}"
        ),
        Ok(_) => format!("{addr} is free: a TCP server could listen there now"),
        Err(err) => explain::bind_error(addr, &err),
    }
}
// ANCHOR_END: check_free
