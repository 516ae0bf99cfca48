//! Names and addresses, put to work — book chapter 1.
//!
//! The examples take an address such as `127.0.0.1:8000`, `[::1]:8000` or `localhost:8000`
//! ([`crate::explain::socket_address`] reads it). A name stands for one or more IP addresses: the
//! OS looks it up (in its hosts file, then in DNS), and a program tries each address in turn, as
//! std's `TcpStream::connect` and `TcpListener::bind` do. An [`Address`] keeps what was typed
//! and what it stands for, so that the programs can say what a name resolved to.
//!
//! A server on a *wildcard* address (`0.0.0.0`, `[::]`) takes connections to every address of
//! its machine; [`wildcard_note`] names those addresses, so that clients know which to use.

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};

use crate::explain;

/// An address from the command line: what was typed, and the socket addresses it stands for —
/// one for an IP address, one or more for a name, in the order to try them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// The host as typed: `127.0.0.1`, `[::1]` or `localhost`; `None` for an IP address.
    name: Option<String>,
    port: u16,
    addrs: Vec<SocketAddr>,
}

impl Address {
    /// A name and the addresses it was looked up to (at least one), in the order to try them.
    pub fn looked_up(name: &str, port: u16, addrs: Vec<SocketAddr>) -> Address {
        assert!(
            !addrs.is_empty(),
            "a name that was looked up stands for an address"
        );
        Address {
            name: Some(name.to_owned()),
            port,
            addrs,
        }
    }

    /// The socket addresses, in the order to try them (never empty).
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// The first socket address: the one tried first.
    pub fn first(&self) -> SocketAddr {
        self.addrs[0]
    }

    /// The name that was typed, if it was a name (not an IP address).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Calls `attempt` with each address in turn until one works, as std's `connect` and `bind`
    /// do. Returns what it gave, the address that worked and the failures before it; or, if every
    /// address failed, the last failure (`Err`), the one std's functions return.
    pub fn try_each<T>(
        &self,
        mut attempt: impl FnMut(SocketAddr) -> io::Result<T>,
    ) -> Result<Tried<T>, (SocketAddr, io::Error)> {
        let mut failed = Vec::new();
        for &addr in &self.addrs {
            match attempt(addr) {
                Ok(value) => {
                    return Ok(Tried {
                        value,
                        addr,
                        failed,
                    });
                }
                Err(err) => failed.push((addr, err)),
            }
        }
        Err(failed
            .pop()
            .expect("an Address has at least one socket address"))
    }

    /// For a name, one line that says what it stands for — a small lesson of chapter 1 — and
    /// then `then` (what the program does with it; may be empty); `None` for an IP address.
    ///
    /// ```
    /// use net_basics::address::Address;
    /// let local = "127.0.0.1:8000".parse().unwrap(); // a literal: cannot fail
    /// let address = Address::looked_up("localhost", 8000, vec![local]);
    /// let note = address.lookup_note("").unwrap(); // a name: there is a note
    /// assert!(note.starts_with("localhost is a name: the OS looked it up"));
    /// assert!(note.contains("it stands for 127.0.0.1"));
    /// ```
    pub fn lookup_note(&self, then: &str) -> Option<String> {
        let name = self.name.as_deref()?;
        let ips = self.ips();
        let stands_for = match ips.as_slice() {
            [one] => one.clone(),
            [first @ .., last] => format!("{} and {last}, tried in this order", first.join(", ")),
            [] => unreachable!("an Address has at least one socket address"),
        };
        let then = if then.is_empty() {
            String::new()
        } else {
            format!("; {then}")
        };
        Some(format!(
            "{name} is a name: the OS looked it up (in its hosts file, then DNS), and it stands \
             for {stands_for}{then} (see book chapter 1)"
        ))
    }

    /// The IP addresses, each once, in order (a lookup may list one once per socket type).
    fn ips(&self) -> Vec<String> {
        let mut ips: Vec<String> = Vec::new();
        for addr in &self.addrs {
            let ip = addr.ip().to_string();
            if !ips.contains(&ip) {
                ips.push(ip);
            }
        }
        ips
    }
}

/// The outcome of [`Address::try_each`] when an address worked.
#[derive(Debug)]
pub struct Tried<T> {
    /// What the attempt gave (a connection, a listener).
    pub value: T,
    /// The address that worked.
    pub addr: SocketAddr,
    /// The addresses tried before it, and why each failed.
    pub failed: Vec<(SocketAddr, io::Error)>,
}

impl From<SocketAddr> for Address {
    fn from(addr: SocketAddr) -> Address {
        Address {
            name: None,
            port: addr.port(),
            addrs: vec![addr],
        }
    }
}

/// As typed: `localhost:8000`, `127.0.0.1:8000`, `[::1]:8000`.
impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name}:{}", self.port),
            None => write!(f, "{}", self.first()),
        }
    }
}

/// One address of one of this machine's network interfaces (what `ip addr` or `ipconfig` shows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterfaceAddress {
    /// The interface's name: `eth0`, `wlan0`, `lo`, `Ethernet`.
    pub interface: String,
    /// One of its addresses.
    pub ip: IpAddr,
}

/// This machine's interface addresses, as the OS lists them (with the `if-addrs` crate, as
/// example 01 does).
pub fn this_machines_addresses() -> io::Result<Vec<InterfaceAddress>> {
    let interfaces = if_addrs::get_if_addrs()?;
    Ok(interfaces
        .into_iter()
        .map(|interface| InterfaceAddress {
            ip: interface.ip(),
            interface: interface.name,
        })
        .collect())
}

/// For a server bound to a wildcard address (`0.0.0.0` or `[::]`), the lines that say what
/// the wildcard means and which addresses of this machine clients can use, with the port:
/// first those other machines can reach, then loopback (this machine only). `None` for any
/// other address. `interfaces` is this machine's list ([`this_machines_addresses`]), or why it
/// could not be read.
///
/// ```
/// use net_basics::address::{InterfaceAddress, wildcard_note};
/// let bound = "0.0.0.0:8000".parse().unwrap(); // a literal: cannot fail
/// let eth0 = InterfaceAddress { interface: "eth0".into(), ip: "192.168.1.20".parse().unwrap() };
/// let lines = wildcard_note(bound, &Ok(vec![eth0])).unwrap(); // a wildcard: there is a note
/// assert!(lines[0].starts_with("0.0.0.0 is the wildcard address"));
/// assert_eq!(lines[1], "  192.168.1.20:8000  (eth0)");
/// ```
pub fn wildcard_note(
    bound: SocketAddr,
    interfaces: &io::Result<Vec<InterfaceAddress>>,
) -> Option<Vec<String>> {
    if !bound.ip().is_unspecified() {
        return None;
    }
    let port = bound.port();
    let (family, only) = match bound {
        SocketAddr::V4(_) => ("IPv4", String::new()),
        // IPV6_V6ONLY (chapter 3): unlike a plain std listener on Linux, no IPv4 clients.
        SocketAddr::V6(_) => (
            "IPv6",
            format!(" (IPv6 only: IPv4 clients need a server on 0.0.0.0:{port} too)"),
        ),
    };
    let ip = bracketed(bound.ip());
    let what = format!(
        "{ip} is the wildcard address: this server takes connections to every {family} address \
         of this machine{only}"
    );
    let interfaces = match interfaces {
        Ok(interfaces) => interfaces,
        Err(err) => {
            return Some(vec![format!(
                "{what}; clients connect to one of them, not to {ip} (this server could not list \
                 them: {err}; `cargo run --example 01_ip_lookup` does; see book chapter 1)"
            )]);
        }
    };
    let ours: Vec<&InterfaceAddress> = interfaces
        .iter()
        .filter(|address| address.ip.is_ipv4() == bound.is_ipv4())
        .collect();
    let (reachable, local): (Vec<_>, Vec<_>) = ours
        .into_iter()
        .partition(|address| !address.ip.is_loopback());
    let loopback = local
        .first()
        .map(|address| (bracketed(address.ip), &address.interface));
    if reachable.is_empty() {
        let only = match &loopback {
            Some((loopback, _)) => format!(
                "This machine has no {family} address but loopback now (is it on a network?): \
                 only programs on this machine can connect, at {loopback}:{port}"
            ),
            None => format!(
                "This machine has no {family} address at all now, not even loopback: no client \
                 can connect over {family}"
            ),
        };
        return Some(vec![format!("{what}. {only} (see book chapter 1)")]);
    }
    let mut lines = vec![format!(
        "{what}; clients connect to one of these, not to {ip} (see book chapter 1):"
    )];
    for address in reachable {
        let (ip, name) = (bracketed(address.ip), &address.interface);
        // A link-local IPv6 address means nothing without a link: a client names its own
        // interface as a zone, `[fe80::1%2]:8000` (RFC 4007 §11; std parses a numeric zone).
        let reach = match address.ip {
            IpAddr::V4(v4) if v4.is_link_local() => ", link-local: from that link only".into(),
            IpAddr::V6(v6) if v6.is_unicast_link_local() => format!(
                ", link-local: from that link only, as [{v6}%N]:{port}, N the number of the \
                 client's own interface"
            ),
            _ => String::new(),
        };
        lines.push(format!("  {ip}:{port}  ({name}{reach})"));
    }
    if let Some((ip, name)) = loopback {
        lines.push(format!("  {ip}:{port}  ({name}: from this machine only)"));
    }
    Some(lines)
}

/// ①–④ for a time server: `open` (exercise 3's `open_listener`) on each address of `typed` in
/// turn until one works, as std's `bind` does. Returns the listener and what the server says
/// first, one line each: `listening on ADDR` — where it really listens, with the port the OS
/// chose for port 0, so that a client can connect — then [`listening_notes`]. If no address
/// works: the sentence that says why the last one failed ([`explain::bind_error`]).
///
/// ```
/// use std::net::TcpListener;
/// use net_basics::address::{Address, listen};
/// let typed = Address::from("127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap()); // a literal
/// let (listener, said) = listen(&typed, TcpListener::bind).expect("a free port on loopback");
/// assert_eq!(said, format!("listening on {}\n", listener.local_addr().unwrap()));
/// ```
pub fn listen(
    typed: &Address,
    open: impl FnMut(SocketAddr) -> io::Result<TcpListener>,
) -> Result<(TcpListener, String), String> {
    let opened = (typed.try_each(open)).map_err(|(addr, err)| explain::bind_error(addr, &err))?;
    let bound = opened.value.local_addr().unwrap_or(opened.addr); // a bound socket knows it
    let said = format!("listening on {bound}\n") + &listening_notes(typed, bound, &opened.failed);
    Ok((opened.value, said))
}

/// What a server says after `listening on BOUND`, one line each (each ending in `\n`; empty
/// if there is nothing to say): the addresses of `typed` it could not listen on first
/// (`failed`), what a name stood for ([`Address::lookup_note`]), and on a wildcard address the
/// addresses of this machine that clients can use ([`wildcard_note`]).
pub fn listening_notes(
    typed: &Address,
    bound: SocketAddr,
    failed: &[(SocketAddr, io::Error)],
) -> String {
    let mut lines: Vec<String> = failed
        .iter()
        .map(|(addr, err)| format!("(could not listen on {addr}: {err}; tried the next address)"))
        .collect();
    let then = match typed.ips().len() {
        1 => format!("this server listens on {bound}"),
        _ => format!("this server listens on the first it could bind, {bound}, only"),
    };
    lines.extend(typed.lookup_note(&then));
    if bound.ip().is_unspecified() {
        lines.extend(
            wildcard_note(bound, &this_machines_addresses())
                .into_iter()
                .flatten(),
        );
    }
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// `127.0.0.1` for IPv4, `[::1]` for IPv6: how an IP is written in front of `:port`.
fn bracketed(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nic(interface: &str, ip: &str) -> InterfaceAddress {
        InterfaceAddress {
            interface: interface.to_owned(),
            ip: ip.parse().expect("test addresses are valid literals"),
        }
    }

    fn addr(text: &str) -> SocketAddr {
        text.parse().expect("test addresses are valid literals")
    }

    #[test]
    fn only_a_wildcard_gets_a_note() {
        let machine = Ok(vec![nic("eth0", "192.168.1.20")]);
        for bound in ["127.0.0.1:8000", "192.168.1.20:8000", "[::1]:8000"] {
            assert_eq!(wildcard_note(addr(bound), &machine), None, "{bound}");
        }
    }

    #[test]
    fn the_ipv4_wildcard_lists_every_other_ipv4_address_then_loopback() {
        let machine = Ok(vec![
            nic("lo", "127.0.0.1"),
            nic("lo", "::1"),
            nic("eth0", "192.168.1.20"),
            nic("eth0", "fe80::1"),
            nic("wlan0", "10.0.0.7"),
            nic("eth1", "169.254.3.4"),
        ]);
        let lines = wildcard_note(addr("0.0.0.0:8000"), &machine).expect("a wildcard");
        assert!(
            lines[0].contains("every IPv4 address of this machine")
                && lines[0].contains("clients connect to one of these, not to 0.0.0.0")
                && lines[0].contains("chapter 1"),
            "{lines:#?}"
        );
        assert_eq!(
            lines[1..],
            [
                "  192.168.1.20:8000  (eth0)",
                "  10.0.0.7:8000  (wlan0)",
                "  169.254.3.4:8000  (eth1, link-local: from that link only)",
                "  127.0.0.1:8000  (lo: from this machine only)",
            ]
        );
    }

    #[test]
    fn the_ipv6_wildcard_lists_ipv6_addresses_in_brackets() {
        let machine = Ok(vec![
            nic("lo", "::1"),
            nic("eth0", "192.168.1.20"),
            nic("eth0", "2001:db8::20"),
            nic("eth0", "fe80::1"),
        ]);
        let lines = wildcard_note(addr("[::]:9000"), &machine).expect("a wildcard");
        assert!(
            lines[0].starts_with("[::] is the wildcard address"),
            "{lines:#?}"
        );
        assert!(
            lines[0].contains("0.0.0.0:9000"),
            "names the other family: {lines:#?}"
        );
        assert_eq!(
            lines[1..],
            [
                "  [2001:db8::20]:9000  (eth0)",
                "  [fe80::1]:9000  (eth0, link-local: from that link only, as [fe80::1%N]:9000, N the \
                 number of the client's own interface)",
                "  [::1]:9000  (lo: from this machine only)",
            ]
        );
    }

    #[test]
    fn a_machine_with_only_loopback_is_told_that_only_it_can_connect() {
        let machine = Ok(vec![nic("lo", "127.0.0.1"), nic("lo", "::1")]);
        let lines = wildcard_note(addr("0.0.0.0:8000"), &machine).expect("a wildcard");
        assert_eq!(lines.len(), 1, "{lines:#?}");
        assert!(
            lines[0].contains("no IPv4 address but loopback")
                && lines[0]
                    .contains("only programs on this machine can connect, at 127.0.0.1:8000"),
            "{lines:#?}"
        );
    }

    #[test]
    fn a_machine_without_any_address_of_the_family_is_told_that_nobody_can_connect() {
        // IPv6 turned off: `[::]` still binds, but there is not even `::1`.
        let machine = Ok(vec![nic("lo", "127.0.0.1")]);
        let lines = wildcard_note(addr("[::]:8000"), &machine).expect("a wildcard");
        assert!(
            lines.len() == 1
                && lines[0].contains("no IPv6 address at all now, not even loopback")
                && !lines[0].contains("::1"),
            "{lines:#?}"
        );
    }

    #[test]
    fn interfaces_that_cannot_be_listed_are_said_so() {
        let failed = Err(io::Error::other("no permission"));
        let lines = wildcard_note(addr("0.0.0.0:8000"), &failed).expect("a wildcard");
        assert!(
            lines[0].contains("could not list them: no permission")
                && lines[0].contains("01_ip_lookup"),
            "{lines:#?}"
        );
    }

    #[test]
    fn this_machines_non_loopback_addresses_are_all_named() {
        // The machine's own list, from if-addrs as in the server: every non-loopback address of
        // the family appears, with the port; loopback comes last.
        let machine = this_machines_addresses();
        let listed = machine
            .as_ref()
            .expect("this machine's interfaces can be listed")
            .clone();
        for (bound, v4) in [("0.0.0.0:8000", true), ("[::]:8000", false)] {
            let lines = wildcard_note(addr(bound), &machine).expect("a wildcard");
            let wanted: Vec<_> = listed
                .iter()
                .filter(|address| address.ip.is_ipv4() == v4 && !address.ip.is_loopback())
                .collect();
            if wanted.is_empty() {
                assert!(lines[0].contains("but loopback"), "{lines:#?}");
                continue;
            }
            for address in wanted {
                let shown = format!("  {}:8000  ({}", bracketed(address.ip), address.interface);
                assert!(
                    lines.iter().any(|line| line.starts_with(&shown)),
                    "{bound}: expected {shown:?} in {lines:#?}"
                );
            }
        }
    }

    #[test]
    fn a_name_says_what_it_stands_for() {
        let one = Address::looked_up("localhost", 0, vec![addr("127.0.0.1:0")]);
        let note = one.lookup_note("then this").expect("a name");
        assert_eq!(
            note,
            "localhost is a name: the OS looked it up (in its hosts file, then DNS), and it \
             stands for 127.0.0.1; then this (see book chapter 1)"
        );
        let two = Address::looked_up(
            "localhost",
            8000,
            vec![
                addr("[::1]:8000"),
                addr("127.0.0.1:8000"),
                addr("127.0.0.1:8000"),
            ],
        );
        let note = two.lookup_note("").expect("a name");
        assert!(
            note.contains("it stands for ::1 and 127.0.0.1, tried in this order (see"),
            "each IP once, in order: {note}"
        );
        assert_eq!(two.to_string(), "localhost:8000");
        let ip = Address::from(addr("[::1]:8000"));
        assert_eq!(ip.lookup_note(""), None, "an IP address needs no note");
        assert_eq!(ip.to_string(), "[::1]:8000");
    }

    #[test]
    fn listen_says_where_it_listens_what_failed_first_and_why_nothing_worked() {
        let name = Address::looked_up("here", 0, vec![addr("[::1]:0"), addr("127.0.0.1:0")]);
        let refused = || io::Error::from(io::ErrorKind::AddrNotAvailable);
        let (listener, said) = listen(&name, |at| {
            if at.is_ipv6() {
                Err(refused())
            } else {
                TcpListener::bind(at)
            }
        })
        .expect("the second address works");
        let bound = listener
            .local_addr()
            .expect("a bound listener has an address");
        assert_ne!(bound.port(), 0, "the port the OS chose, not 0");
        let lines: Vec<&str> = said.lines().collect();
        assert_eq!(lines[0], format!("listening on {bound}"));
        assert!(
            lines[1].starts_with("(could not listen on [::1]:0: ")
                && lines[1].ends_with("; tried the next address)"),
            "{said}"
        );
        assert!(
            lines[2].starts_with("here is a name: the OS looked it up")
                && lines[2].contains(&format!("first it could bind, {bound}, only")),
            "{said}"
        );
        assert_eq!(lines.len(), 3, "{said}");
        let why = listen(&name, |_| Err(refused())).expect_err("no address works");
        assert_eq!(why, explain::bind_error(addr("127.0.0.1:0"), &refused()));
    }

    #[test]
    fn try_each_goes_on_after_a_failure_and_reports_the_last_one() {
        let two = Address::looked_up("h", 1, vec![addr("[::1]:1"), addr("127.0.0.1:1")]);
        let tried = two
            .try_each(|at| {
                if at.is_ipv6() {
                    Err(io::ErrorKind::ConnectionRefused.into())
                } else {
                    Ok(7)
                }
            })
            .expect("the second works");
        assert_eq!((tried.value, tried.addr), (7, addr("127.0.0.1:1")));
        assert_eq!(tried.failed.len(), 1);
        let (at, err) = two
            .try_each(|at| Err::<(), _>(io::Error::other(at.to_string())))
            .expect_err("every one fails");
        assert_eq!(
            (at, err.to_string()),
            (addr("127.0.0.1:1"), "127.0.0.1:1".to_owned())
        );
    }
}
