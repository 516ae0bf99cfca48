// right: the address as one number, compared under a mask (CIDR as arithmetic); the IPv6 address family chosen with is_ipv4()
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
    /// Whether `address` is in `network`/`bits`.
    fn within4(address: u32, network: [u8; 4], bits: u32) -> bool {
        let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
        address & mask == u32::from_be_bytes(network) & mask
    }
    fn within6(address: u128, network: u128, bits: u32) -> bool {
        let mask = u128::MAX << (128 - bits);
        address & mask == network & mask
    }
    let ip = ip.to_canonical();
    match ip {
        IpAddr::V4(v4) => {
            let n = u32::from(v4);
            let kinds: [([u8; 4], u32, IpKind); 12] = [
                ([0, 0, 0, 0], 32, IpKind::Unspecified),
                ([127, 0, 0, 0], 8, IpKind::Loopback),
                ([10, 0, 0, 0], 8, IpKind::Private),
                ([172, 16, 0, 0], 12, IpKind::Private),
                ([192, 168, 0, 0], 16, IpKind::Private),
                ([100, 64, 0, 0], 10, IpKind::Shared),
                ([169, 254, 0, 0], 16, IpKind::LinkLocal),
                ([224, 0, 0, 0], 4, IpKind::Multicast),
                ([255, 255, 255, 255], 32, IpKind::Broadcast),
                ([192, 0, 2, 0], 24, IpKind::Documentation),
                ([198, 51, 100, 0], 24, IpKind::Documentation),
                ([203, 0, 113, 0], 24, IpKind::Documentation),
            ];
            kinds
                .iter()
                .find(|(network, bits, _)| within4(n, *network, *bits))
                .map_or(IpKind::Public, |(_, _, kind)| *kind)
        }
        IpAddr::V6(v6) => {
            let n = u128::from(v6);
            let kinds: [(u128, u32, IpKind); 6] = [
                (0, 128, IpKind::Unspecified),
                (1, 128, IpKind::Loopback),
                (0xfc00 << 112, 7, IpKind::Private),
                (0xfe80 << 112, 10, IpKind::LinkLocal),
                (0xff00 << 112, 8, IpKind::Multicast),
                (0x2001_0db8 << 96, 32, IpKind::Documentation),
            ];
            kinds
                .iter()
                .find(|(network, bits, _)| within6(n, *network, *bits))
                .map_or(IpKind::Public, |(_, _, kind)| *kind)
        }
    }
}

/// Which of this machine's addresses the OS would send from to reach `target`.
pub fn local_ip_for(target: SocketAddr) -> io::Result<IpAddr> {
    let any = if target.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let socket = UdpSocket::bind(any)?;
    socket.connect(target)?;
    socket.local_addr().map(|address| address.ip())
}
