// wrong: binds 127.0.0.1:0, so it can only send from loopback (caught wherever the machine has an address besides loopback). expect: "a socket bound to one address can only send from that one"
//! Exercise 1, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

// ANCHOR: ip_kind
/// The kinds of IP address this lesson tells apart. The ranges are written in CIDR notation:
/// `10.0.0.0/8` means "every address whose first 8 bits are those of 10.0.0.0", that is
/// 10.0.0.0–10.255.255.255.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpKind {
    /// This machine talking to itself; never leaves it. `127.0.0.0/8` (usually 127.0.0.1), `::1`.
    Loopback,
    /// "No address yet" or, for a server, "every address of this machine". `0.0.0.0`, `::`.
    Unspecified,
    /// For home and office networks; many networks reuse them, so the internet does not route
    /// them (a router translates them, NAT). `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`,
    /// and IPv6 unique-local `fc00::/7`.
    Private,
    /// Shared by an internet provider's customers behind its own NAT ("carrier-grade NAT";
    /// also used by some VPNs such as Tailscale). `100.64.0.0/10`.
    Shared,
    /// Valid only on one network link, made up by the machine itself when nothing assigned it
    /// an address. `169.254.0.0/16`, `fe80::/10`.
    LinkLocal,
    /// One address for a group of receivers. `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// Every machine on this network at once ("limited broadcast"). `255.255.255.255`.
    Broadcast,
    /// Reserved for examples in books and documentation, like this one. `192.0.2.0/24`,
    /// `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`.
    Documentation,
    /// Any other address: in practice, one that is reachable on the internet. (A few rare reserved
    /// blocks, such as `240.0.0.0/4` or most of the IPv6 space outside `2000::/3`, land here
    /// too: this lesson leaves them out.)
    Public,
}
// ANCHOR_END: ip_kind

/// The kind's name as the examples print it: `loopback`, `private`, `link-local`, …
impl fmt::Display for IpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            IpKind::Loopback => "loopback",
            IpKind::Unspecified => "unspecified",
            IpKind::Private => "private",
            IpKind::Shared => "shared (carrier-grade NAT)",
            IpKind::LinkLocal => "link-local",
            IpKind::Multicast => "multicast",
            IpKind::Broadcast => "broadcast",
            IpKind::Documentation => "documentation",
            IpKind::Public => "public",
        };
        // `pad` (not `write_str`) so that `{:<14}` lines kinds up in a table.
        f.pad(name)
    }
}

/// Says which [`IpKind`] `ip` is. An IPv4-mapped IPv6 address such as `::ffff:127.0.0.1` is
/// the IPv4 address it carries (a dual-stack server sees IPv4 clients that way), so it is
/// classified as that IPv4 address.
pub fn classify_ip(ip: IpAddr) -> IpKind {
    // `to_canonical` turns `::ffff:a.b.c.d` into `a.b.c.d` and leaves every other address alone.
    match ip.to_canonical() {
        IpAddr::V4(v4) => classify_ipv4(v4),
        IpAddr::V6(v6) => classify_ipv6(v6),
    }
}

/// IPv4: the four numbers (octets) of the address say it all, so match on them.
fn classify_ipv4(ip: Ipv4Addr) -> IpKind {
    match ip.octets() {
        [0, 0, 0, 0] => IpKind::Unspecified,
        [127, ..] => IpKind::Loopback,
        [10, ..] | [172, 16..=31, ..] | [192, 168, ..] => IpKind::Private,
        [100, 64..=127, ..] => IpKind::Shared,
        [169, 254, ..] => IpKind::LinkLocal,
        [224..=239, ..] => IpKind::Multicast,
        [255, 255, 255, 255] => IpKind::Broadcast,
        [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => IpKind::Documentation,
        _ => IpKind::Public,
    }
}

/// IPv6: eight 16-bit groups (segments); the first one or two say the kind.
fn classify_ipv6(ip: Ipv6Addr) -> IpKind {
    match ip.segments() {
        [0, 0, 0, 0, 0, 0, 0, 0] => IpKind::Unspecified,
        [0, 0, 0, 0, 0, 0, 0, 1] => IpKind::Loopback,
        [0xfc00..=0xfdff, ..] => IpKind::Private, // fc00::/7, "unique local"
        [0xfe80..=0xfebf, ..] => IpKind::LinkLocal, // fe80::/10
        [0xff00..=0xffff, ..] => IpKind::Multicast, // ff00::/8
        [0x2001, 0x0db8, ..] => IpKind::Documentation, // 2001:db8::/32
        _ => IpKind::Public,
    }
}

/// Which of this machine's addresses the OS would send from to reach `target`.
///
/// A UDP socket is "connected" to `target`: for UDP, `connect` sends nothing, it only makes the
/// OS choose a route, and with it the local address. `local_addr()` then reveals that choice.
/// Fails when there is no route (an offline machine, or no IPv6).
pub fn local_ip_for(target: SocketAddr) -> io::Result<IpAddr> {
    // Bind to "any address, any port" of the target's family: the OS fills both in on connect.
    let any: IpAddr = match target {
        SocketAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        SocketAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    };
    let _ = any;
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.connect(target)?;
    Ok(socket.local_addr()?.ip())
}
