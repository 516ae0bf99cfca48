//! Lesson 1 — what is an IP address, and how do I see mine?
//!
//! Like `ip addr` (Linux), `ifconfig` (macOS) or `ipconfig` (Windows), this lists the machine's
//! network interfaces with their IP addresses, and names the kind of each (loopback, private,
//! link-local, public, …). Then it asks the OS which of those addresses it would send from to
//! reach a target — without sending anything.
//!
//! ```text
//! cargo run --example 01_ip_lookup                   # targets 192.0.2.1 and 2001:db8::1
//! cargo run --example 01_ip_lookup -- 203.0.113.7    # a target of your choice
//! ```
//!
//! Book chapter 1 walks through this file.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::process::ExitCode;

use clap::Parser;
// The lesson's pieces: the reference `solutions/ex01_ip_lookup.rs`, or with `--features mine` your
// own `exercises/ex01_ip_lookup.rs` — then this program runs your code.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex01_ip_lookup.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex01_ip_lookup.rs")]
#[allow(dead_code)] // the program uses some of the exercise's functions, not all
mod ex01_ip_lookup;
use ex01_ip_lookup::{IpKind, classify_ip};

/// List this machine's IP addresses and the kind of each, like `ip addr` or `ipconfig`.
///
/// Then show which of them the OS would send from to reach a target. Nothing is sent: the
/// OS is only asked which route it would take.
#[derive(Parser)]
#[command(name = "01_ip_lookup")]
struct Args {
    /// The IP address to reach, such as 203.0.113.7 or 2001:db8::7 [default: 192.0.2.1 and
    /// 2001:db8::1, addresses reserved for documentation]
    target: Option<String>,
}

/// The documentation addresses used when no target is given: they stand for "some machine
/// out there" and belong to nobody, so asking for a route to them is harmless.
const DEFAULT_TARGETS: [IpAddr; 2] = [
    IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
    IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
];

fn main() -> ExitCode {
    let args = Args::parse();

    // Read the target first, so that a typo is reported before any output.
    let target = match args.target.as_deref().map(parse_target) {
        None => None,
        Some(Ok(target)) => Some(target),
        Some(Err(message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };

    // ① ② This machine's addresses, and the kind of each.
    if let Err(err) = list_addresses() {
        eprintln!("error: could not list this machine's network interfaces: {err}");
        return ExitCode::FAILURE;
    }

    // ③ Which of them would the OS send from?
    println!();
    println!("Which of these addresses would this machine send from? (nothing is sent)");
    println!();
    match target {
        Some(target) => match local_ip_for(target) {
            Ok(local) => print_route(target, local),
            Err(err) => {
                // You asked about this one address and it has no answer: that is an error.
                eprintln!("error: {}", no_route(target, &err));
                return ExitCode::FAILURE;
            }
        },
        None => {
            for ip in DEFAULT_TARGETS {
                let target = SocketAddr::new(ip, DISCARD_PORT);
                // Without IPv6 (or offline) there is simply no route: say so, and go on.
                match local_ip_for(target) {
                    Ok(local) => print_route(target, local),
                    Err(err) => println!("  {}", no_route(target, &err)),
                }
            }
        }
    }
    ExitCode::SUCCESS
}

// ANCHOR: list
/// ① Ask the OS for its network interfaces and their addresses, ② name the kind of each.
///
/// One interface (a network card, Wi-Fi, the loopback `lo`) can have several addresses: usually
/// an IPv4 one and one or more IPv6 ones. `/24` after an address is its prefix length: how many
/// leading bits name the network; the rest name this machine inside it.
fn list_addresses() -> io::Result<()> {
    let mut interfaces = if_addrs::get_if_addrs()?;
    // The OS lists IPv4 addresses first; group them by interface instead, like `ip addr`.
    interfaces.sort_by_key(|interface| interface.index);
    println!("This machine's IP addresses (what `ip addr`, `ifconfig` or `ipconfig` show):");
    println!();
    println!(
        "  {:<10} {:<7} {:<28} kind",
        "interface", "family", "address"
    );
    let mut kinds_seen = Vec::new(); // for the legend below, in order of appearance
    for interface in &interfaces {
        let (family, prefix_len) = match &interface.addr {
            if_addrs::IfAddr::V4(v4) => ("IPv4", v4.prefixlen),
            if_addrs::IfAddr::V6(v6) => ("IPv6", v6.prefixlen),
        };
        let ip = interface.ip();
        let kind = classify_ip(ip);
        if !kinds_seen.contains(&kind) {
            kinds_seen.push(kind);
        }
        let address = format!("{ip}/{prefix_len}");
        println!("  {:<10} {family:<7} {address:<28} {kind}", interface.name);
    }
    if interfaces.is_empty() {
        println!("  (none: this machine has no network interface with an address)");
    }

    if kinds_seen.is_empty() {
        return Ok(());
    }
    println!();
    println!("What these kinds mean:");
    for kind in kinds_seen {
        println!("  {kind:<14} {}", meaning(kind));
    }
    Ok(())
}
// ANCHOR_END: list

// ANCHOR: local_ip_for
/// UDP needs a port to "connect" to; any will do, since nothing is sent. 9 is the "discard" port.
const DISCARD_PORT: u16 = 9;

/// ③ Which local address would the OS send from to reach `target`?
///
/// The OS picks the local address when it picks a route, and it picks a route when a socket
/// connects. For UDP, `connect` only records the destination — no packet leaves the machine —
/// so a "connected" UDP socket reveals the choice through `local_addr()` for free.
fn local_ip_for(target: SocketAddr) -> io::Result<IpAddr> {
    let any_address: IpAddr = match target {
        SocketAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        SocketAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    };
    // Port 0: let the OS choose a free local port; we only want the address.
    let socket = UdpSocket::bind((any_address, 0))?;
    socket.connect(target)?;
    Ok(socket.local_addr()?.ip())
}
// ANCHOR_END: local_ip_for

fn print_route(target: SocketAddr, local: IpAddr) {
    let target_ip = target.ip();
    println!(
        "  to reach {target_ip} ({}), this machine would send from {local} ({})",
        classify_ip(target_ip),
        classify_ip(local)
    );
}

/// One sentence for a target the OS has no route to, instead of a raw error code.
fn no_route(target: SocketAddr, err: &io::Error) -> String {
    let ip = target.ip();
    let question = if ip.is_ipv4() {
        "is it offline?"
    } else {
        "is it offline, or is there no IPv6 on this network?"
    };
    match err.kind() {
        io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::HostUnreachable
        | io::ErrorKind::AddrNotAvailable => format!(
            "to reach {ip}: no route — none of this machine's network connections leads \
             there ({question})"
        ),
        io::ErrorKind::InvalidInput if classify_ip(ip) == IpKind::LinkLocal => format!(
            "to reach {ip}: a link-local address is only valid on one link, and this \
             machine cannot tell which of its interfaces you mean"
        ),
        _ => format!("to reach {ip}: the OS could not choose an address ({err})"),
    }
}

/// Reads a target such as `192.0.2.1`, `2001:db8::1` or, with a port, `[2001:db8::1]:53`.
fn parse_target(text: &str) -> Result<SocketAddr, String> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, DISCARD_PORT));
    }
    text.parse::<SocketAddr>().map_err(|_| {
        format!(
            "{text:?} is not an IP address — give one such as 192.0.2.1 or 2001:db8::1 \
             (this example does not look up names)"
        )
    })
}

/// What each kind means, in one line (the book's chapter 1 says more).
fn meaning(kind: IpKind) -> &'static str {
    match kind {
        IpKind::Loopback => "this machine talking to itself; never leaves it",
        IpKind::Unspecified => "no address yet, or (for a server) every address of this machine",
        IpKind::Private => {
            "home/office network; not routed on the internet (IPv4: a router translates, NAT)"
        }
        IpKind::Shared => "your provider's own private network (carrier-grade NAT), or a VPN",
        IpKind::LinkLocal => "valid on this one network link only; made up by the machine itself",
        IpKind::Multicast => "one address for a group of receivers",
        IpKind::Broadcast => "every machine on this network at once",
        IpKind::Documentation => "reserved for examples in books, and for test networks",
        IpKind::Public => "reachable on the internet",
    }
}
