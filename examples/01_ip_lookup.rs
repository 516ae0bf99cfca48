//! Example 01: what is an IP address, and how do I see mine? — book chapter 1.
//!
//! ```text
//! cargo run --example 01_ip_lookup                   # targets 192.0.2.1 and 2001:db8::1
//! cargo run --example 01_ip_lookup -- 203.0.113.7    # a target of your choice
//! cargo run --example 01_ip_lookup --features mine   # the same, with YOUR exercise 1
//! ```
//!
//! An IP address names one network interface of one device: a network card, Wi-Fi, or the
//! loopback interface `lo` through which the machine talks to itself. A machine has several,
//! IPv4 (`192.168.1.10`) and IPv6 (`fe80::1`), and each is of a kind — loopback, private,
//! link-local, public … — that says how far it reaches. The lesson looks them up with `ipconfig`
//! or `ifconfig`; this program asks the OS the same question and names the kind of each address
//! with exercise 1's `classify_ip`.
//!
//! Then it asks which of those addresses the OS would send from to reach a target. The OS
//! chooses by its routing table, and it chooses when a socket connects; exercise 1's
//! `local_ip_for` connects a UDP socket, which sends nothing, and reads the choice back.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use clap::Parser;
use net_basics::explain;
// The lesson's pieces: the reference `solutions/ex01_ip_lookup.rs`, or with `--features mine`
// your own `exercises/ex01_ip_lookup.rs` — then this program runs your code.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex01_ip_lookup.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex01_ip_lookup.rs")]
#[allow(dead_code)] // an untouched stub constructs no `IpKind`
mod ex01_ip_lookup;
use ex01_ip_lookup::{IpKind, classify_ip, local_ip_for};

/// List this machine's IP addresses and the kind of each, like `ip addr` or `ipconfig`.
///
/// Then show which of them the OS would send from to reach a target. Nothing is sent.
#[derive(Parser)]
#[command(name = "01_ip_lookup", bin_name = "01_ip_lookup")]
struct Args {
    /// The IP address to reach, such as 203.0.113.7 or 2001:db8::7 [default: 192.0.2.1 and
    /// 2001:db8::1, addresses reserved for documentation]
    #[arg(value_parser = parse_target)]
    target: Option<SocketAddr>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // ① Ask the OS for its network interfaces and their addresses.
    let Ok(mut interfaces) = if_addrs::get_if_addrs() else {
        eprintln!("error: could not list this machine's network interfaces");
        return ExitCode::FAILURE;
    };
    interfaces.sort_by_key(|interface| interface.index); // grouped by interface, like `ip addr`
    // Printing fails only when stdout is gone (`| head` exited) or full: say so once, exit 1.
    let mut out = io::stdout().lock();
    report(&mut out, &interfaces, args.target).unwrap_or_else(|err| {
        eprintln!("{}", explain::cannot_print(&err));
        ExitCode::FAILURE
    })
}

// ANCHOR: list
/// ② Names the kind of every address, then ③ asks the OS which one it would send from.
fn report(
    out: &mut impl Write,
    interfaces: &[if_addrs::Interface],
    target: Option<SocketAddr>,
) -> io::Result<ExitCode> {
    writeln!(out, "IP addresses of this machine (like `ipconfig`):\n")?;
    writeln!(out, "  interface  family  {:<28} kind", "address")?;
    let mut kinds_seen = Vec::new(); // for the legend below, in order of appearance
    for interface in interfaces {
        // `/24` after an address is its prefix length: how many leading bits name the network.
        let (family, prefix_len) = match &interface.addr {
            if_addrs::IfAddr::V4(v4) => ("IPv4", v4.prefixlen),
            if_addrs::IfAddr::V6(v6) => ("IPv6", v6.prefixlen),
        };
        let (name, kind) = (&interface.name, classify_ip(interface.ip()));
        if !kinds_seen.contains(&kind) {
            kinds_seen.push(kind);
        }
        let address = format!("{}/{prefix_len}", interface.ip());
        writeln!(out, "  {name:<10} {family:<7} {address:<28} {kind}")?;
    }
    writeln!(out, "\nWhat these kinds mean:")?;
    for kind in kinds_seen {
        writeln!(out, "  {kind:<14} {}", meaning(kind))?;
    }
    // ANCHOR_END: list

    // ANCHOR: local_ip_for
    writeln!(out, "\nWhich one would it send from? (nothing is sent)\n")?;
    // Without a target: documentation addresses, "some machine out there" that is nobody's.
    let defaults = ["192.0.2.1", "2001:db8::1"].map(|ip| parse_target(ip).expect("a literal"));
    let asked = target.is_some();
    for target in target.map_or(defaults.to_vec(), |target| vec![target]) {
        let ip = target.ip();
        let (kind, answer) = (classify_ip(ip), local_ip_for(target));
        match answer {
            Ok(local) => writeln!(
                out,
                "  to reach {ip} ({kind}), this machine would send from {local} ({})",
                classify_ip(local)
            )?,
            // Offline, or no IPv6 here: no route. For the target you asked about, an error.
            Err(err) if asked => {
                eprintln!("error: to reach {ip}: {}", no_route(&err));
                return Ok(ExitCode::FAILURE);
            }
            Err(err) => writeln!(out, "  to reach {ip}: {}", no_route(&err))?,
        }
    }
    // ANCHOR_END: local_ip_for
    Ok(ExitCode::SUCCESS)
}

/// One sentence for a target the OS has no route to, instead of a raw error code.
fn no_route(err: &io::Error) -> String {
    let why = match err.kind() {
        io::ErrorKind::InvalidInput => "a link-local address needs a scope: which interface?",
        _ => "no network connection of this machine leads there (offline? no IPv6?)",
    };
    format!("no route — {why} ({err})")
}

/// Reads a target such as `192.0.2.1`, `2001:db8::1` or, with a port, `[2001:db8::1]:53`.
/// Without a port it takes 9, the "discard" port: UDP needs one to connect, and nothing is sent.
fn parse_target(text: &str) -> Result<SocketAddr, String> {
    let with_port = text.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 9));
    with_port.or_else(|_| text.parse()).map_err(|_| {
        format!("{text:?} is not an IP address — give one such as 192.0.2.1 or 2001:db8::1 (this example takes addresses, not names; examples 04 and 05 look names up)")
    })
}

/// What each kind means, in one line (chapter 1 says more).
fn meaning(kind: IpKind) -> &'static str {
    match kind {
        IpKind::Loopback => "this machine talking to itself; never leaves it",
        IpKind::Unspecified => "no address yet, or (for a server) every address of this machine",
        IpKind::Private => {
            "home/office network; not routed on the internet (IPv4: a router does NAT)"
        }
        IpKind::Shared => "your provider's own private network (carrier-grade NAT), or a VPN",
        IpKind::LinkLocal => "valid on this one network link only; made up by the machine itself",
        IpKind::Multicast => "one address for a group of receivers",
        IpKind::Broadcast => "every machine on this network at once",
        IpKind::Documentation => "reserved for examples in books, and for test networks",
        IpKind::Public => "reachable on the internet",
    }
}
