//! Exercise 1: `classify_ip` and `local_ip_for` — book chapter 1.
//!
//! Run just these with `cargo test --test ex01_ip_lookup`. Each test checks one kind of address
//! at the edges of its range, for IPv4 and IPv6, so a failure names the address you got wrong.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::time::Duration;

// The file under test: your `exercises/ex01_ip_lookup.rs`, or with `--features solutions` the
// reference `solutions/ex01_ip_lookup.rs`. Only this one file is compiled here, so a mistake in another
// exercise never stops these tests.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/ex01_ip_lookup.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/ex01_ip_lookup.rs")]
mod ex01_ip_lookup;
use ex01_ip_lookup::{IpKind, classify_ip, local_ip_for};

/// One row of a table: the address, the kind it must be, and why (a range, in words).
type Case = (&'static str, IpKind, &'static str);

/// Classifies every address of `cases` and checks the kind, with a message that teaches.
fn check(cases: &[Case]) {
    for &(text, expected, why) in cases {
        let ip: IpAddr = text
            .parse()
            .expect("the test tables hold valid IP addresses");
        let got = classify_ip(ip);
        if got != expected {
            let mistake = ipv6_as_ipv4(ip, got).unwrap_or_default();
            panic!(
                "expected {expected:?} for {ip}, got {got:?}: {why}{mistake} — see book chapter \
                 1, 'Kinds of addresses'"
            );
        }
    }
}

/// For an IPv6 address classified as an IPv4 one would be, or a mapped one classified as IPv6:
/// the sentence that names that mistake.
fn ipv6_as_ipv4(ip: IpAddr, got: IpKind) -> Option<String> {
    let IpAddr::V6(v6) = ip else {
        return None;
    };
    if let Some(carried) = v6.to_ipv4_mapped() {
        let as_ipv4 = classify_ip(IpAddr::V4(carried));
        return (got != as_ipv4).then(|| {
            format!(
                ". It was classified as an IPv6 address; turn a mapped address back into the \
                 IPv4 address it carries ({carried}) before you match on it"
            )
        });
    }
    let v4 = v6.to_ipv4()?;
    (classify_ip(IpAddr::V4(v4)) == got).then(|| {
        format!(
            ". {ip} was classified as {v4} is: `to_ipv4()` also turns IPv4-compatible addresses \
             such as ::1 and ::2 into IPv4 (0.0.0.1, 0.0.0.2); only ::ffff:a.b.c.d is an IPv4 \
             address in IPv6 clothes, and `to_canonical()` converts only that one"
        )
    })
}

#[test]
#[rustfmt::skip]
fn loopback_addresses() {
    check(&[
        ("127.0.0.1", IpKind::Loopback, "127.0.0.1 is this machine itself"),
        ("127.0.0.0", IpKind::Loopback, "all of 127.0.0.0/8 is loopback, from 127.0.0.0"),
        ("127.255.255.255", IpKind::Loopback, "all of 127.0.0.0/8 is loopback, up to 127.255.255.255"),
        ("126.255.255.255", IpKind::Public, "127.0.0.0/8 starts at 127.0.0.0; the address below is public"),
        ("128.0.0.0", IpKind::Public, "127.0.0.0/8 ends at 127.255.255.255; the address above is public"),
        ("::1", IpKind::Loopback, "::1 is the one IPv6 loopback address"),
    ]);
}

#[test]
#[rustfmt::skip]
fn unspecified_addresses() {
    check(&[
        ("0.0.0.0", IpKind::Unspecified, "0.0.0.0 means 'no address' / 'every address of this machine'"),
        ("::", IpKind::Unspecified, ":: (all zeros) is IPv6's unspecified address"),
    ]);
}

#[test]
#[rustfmt::skip]
fn private_addresses() {
    check(&[
        ("9.255.255.255", IpKind::Public, "10.0.0.0/8 starts at 10.0.0.0; the address below is public"),
        ("10.0.0.0", IpKind::Private, "10.0.0.0/8 (10.0.0.0–10.255.255.255) is private"),
        ("10.255.255.255", IpKind::Private, "10.0.0.0/8 (10.0.0.0–10.255.255.255) is private"),
        ("11.0.0.0", IpKind::Public, "10.0.0.0/8 ends at 10.255.255.255; the address above is public"),
        ("172.15.255.255", IpKind::Public, "172.16.0.0/12 starts at 172.16.0.0; 172.15.x.x is public"),
        ("172.16.0.0", IpKind::Private, "172.16.0.0/12 (172.16.0.0–172.31.255.255) is private"),
        ("172.31.255.255", IpKind::Private, "172.16.0.0/12 (172.16.0.0–172.31.255.255) is private"),
        ("172.32.0.0", IpKind::Public, "172.16.0.0/12 ends at 172.31.255.255; 172.32.x.x is public"),
        ("192.167.255.255", IpKind::Public, "192.168.0.0/16 starts at 192.168.0.0; the address below is public"),
        ("192.168.0.0", IpKind::Private, "192.168.0.0/16 (192.168.0.0–192.168.255.255) is private"),
        ("192.168.1.10", IpKind::Private, "192.168.0.0/16 is private: a typical home network address"),
        ("192.168.255.255", IpKind::Private, "192.168.0.0/16 (192.168.0.0–192.168.255.255) is private"),
        ("192.169.0.0", IpKind::Public, "192.168.0.0/16 ends at 192.168.255.255; 192.169.x.x is public"),
        ("fc00::", IpKind::Private, "fc00::/7 (fc00:: to fdff:ffff:…) is IPv6's private range, 'unique local'"),
        ("fd00::2", IpKind::Private, "fc00::/7 is unique local; fd00::/8 is the part networks use"),
        ("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpKind::Private, "fc00::/7 ends at fdff:ffff:…:ffff"),
    ]);
}

#[test]
#[rustfmt::skip]
fn shared_addresses() {
    check(&[
        ("100.63.255.255", IpKind::Public, "100.64.0.0/10 starts at 100.64.0.0; the address below is public"),
        ("100.64.0.0", IpKind::Shared, "100.64.0.0/10 (100.64.0.0–100.127.255.255) is shared, for carrier-grade NAT"),
        ("100.127.255.255", IpKind::Shared, "100.64.0.0/10 (100.64.0.0–100.127.255.255) is shared, for carrier-grade NAT"),
        ("100.128.0.0", IpKind::Public, "100.64.0.0/10 ends at 100.127.255.255; the address above is public"),
    ]);
}

#[test]
#[rustfmt::skip]
fn link_local_addresses() {
    check(&[
        ("169.253.255.255", IpKind::Public, "169.254.0.0/16 starts at 169.254.0.0; the address below is public"),
        ("169.254.0.0", IpKind::LinkLocal, "169.254.0.0/16 (169.254.0.0–169.254.255.255) is link-local"),
        ("169.254.255.255", IpKind::LinkLocal, "169.254.0.0/16 (169.254.0.0–169.254.255.255) is link-local"),
        ("169.255.0.0", IpKind::Public, "169.254.0.0/16 ends at 169.254.255.255; the address above is public"),
        ("fe80::", IpKind::LinkLocal, "fe80::/10 (fe80:: to febf:ffff:…) is link-local"),
        ("fe80::fc:ff:fe00:1", IpKind::LinkLocal, "fe80::/10 is link-local: every IPv6 interface has one"),
        ("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpKind::LinkLocal, "fe80::/10 ends at febf:ffff:…:ffff"),
    ]);
}

#[test]
#[rustfmt::skip]
fn multicast_addresses() {
    check(&[
        ("223.255.255.255", IpKind::Public, "224.0.0.0/4 starts at 224.0.0.0; the address below is public"),
        ("224.0.0.0", IpKind::Multicast, "224.0.0.0/4 (224.0.0.0–239.255.255.255) is multicast"),
        ("239.255.255.255", IpKind::Multicast, "224.0.0.0/4 (224.0.0.0–239.255.255.255) is multicast"),
        ("ff00::", IpKind::Multicast, "ff00::/8 (every address starting with ff) is multicast"),
        ("ff02::1", IpKind::Multicast, "ff00::/8 is multicast; ff02::1 means 'every machine on this link'"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpKind::Multicast, "ff00::/8 ends at the very last IPv6 address"),
    ]);
}

#[test]
fn broadcast_address() {
    check(&[(
        "255.255.255.255",
        IpKind::Broadcast,
        "255.255.255.255 means 'every machine on this network'",
    )]);
}

#[test]
#[rustfmt::skip]
fn documentation_addresses() {
    check(&[
        ("192.0.1.255", IpKind::Public, "192.0.2.0/24 starts at 192.0.2.0; the address below is public"),
        ("192.0.2.0", IpKind::Documentation, "192.0.2.0/24 (TEST-NET-1) is for documentation"),
        ("192.0.2.255", IpKind::Documentation, "192.0.2.0/24 (TEST-NET-1) is for documentation"),
        ("192.0.3.0", IpKind::Public, "192.0.2.0/24 ends at 192.0.2.255; the address above is public"),
        ("198.51.99.255", IpKind::Public, "198.51.100.0/24 starts at 198.51.100.0; the address below is public"),
        ("198.51.100.0", IpKind::Documentation, "198.51.100.0/24 (TEST-NET-2) is for documentation"),
        ("198.51.100.255", IpKind::Documentation, "198.51.100.0/24 (TEST-NET-2) is for documentation"),
        ("198.51.101.0", IpKind::Public, "198.51.100.0/24 ends at 198.51.100.255; the address above is public"),
        ("203.0.112.255", IpKind::Public, "203.0.113.0/24 starts at 203.0.113.0; the address below is public"),
        ("203.0.113.0", IpKind::Documentation, "203.0.113.0/24 (TEST-NET-3) is for documentation"),
        ("203.0.113.255", IpKind::Documentation, "203.0.113.0/24 (TEST-NET-3) is for documentation"),
        ("203.0.114.0", IpKind::Public, "203.0.113.0/24 ends at 203.0.113.255; the address above is public"),
        ("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", IpKind::Public, "2001:db8::/32 starts at 2001:db8::; the address below is public"),
        ("2001:db8::", IpKind::Documentation, "2001:db8::/32 is IPv6's documentation range"),
        ("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", IpKind::Documentation, "2001:db8::/32 ends at 2001:db8:ffff:…:ffff"),
        ("2001:db9::", IpKind::Public, "2001:db8::/32 ends at 2001:db8:ffff:…; the address above is public"),
    ]);
}

#[test]
#[rustfmt::skip]
fn public_addresses() {
    check(&[
        ("8.8.8.8", IpKind::Public, "8.8.8.8 (a public DNS server) is in no special range"),
        ("1.1.1.1", IpKind::Public, "1.1.1.1 (a public DNS server) is in no special range"),
        ("2001:4860:4860::8888", IpKind::Public, "2001:4860:4860::8888 (a public DNS server) is in no special range"),
        ("2606:4700:4700::1111", IpKind::Public, "2606:4700:4700::1111 (a public DNS server) is in no special range"),
    ]);
}

/// Just outside some ranges lie rare reserved blocks this lesson does not name (it calls them
/// public); there, the test only checks that the address is NOT in the neighbouring range.
#[test]
#[rustfmt::skip]
fn neighbours_just_outside_a_range_are_not_in_it() {
    let cases: [(&str, IpKind, &str); 8] = [
        ("0.0.0.1", IpKind::Unspecified, "only 0.0.0.0 itself is the unspecified address"),
        ("240.0.0.0", IpKind::Multicast, "224.0.0.0/4 ends at 239.255.255.255"),
        ("255.255.255.254", IpKind::Broadcast, "only 255.255.255.255 is the broadcast address"),
        ("::2", IpKind::Loopback, "only ::1 is IPv6 loopback"),
        ("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpKind::Private, "fc00::/7 starts at fc00::"),
        ("fe00::", IpKind::Private, "fc00::/7 ends at fdff:ffff:…:ffff"),
        ("fec0::", IpKind::LinkLocal, "fe80::/10 ends at febf:ffff:…:ffff"),
        ("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IpKind::Multicast, "ff00::/8 starts at ff00::"),
    ];
    for (text, not_expected, why) in cases {
        let ip: IpAddr = text
            .parse()
            .expect("the test table holds valid IP addresses");
        let got = classify_ip(ip);
        if got == not_expected {
            let mistake = ipv6_as_ipv4(ip, got).unwrap_or_default();
            panic!(
                "expected {ip} NOT to be {not_expected:?}: {why}{mistake} — see book chapter 1, \
                 'Kinds of addresses'"
            );
        }
    }
}

#[test]
#[rustfmt::skip]
fn ipv4_mapped_ipv6_addresses_are_classified_as_their_ipv4_address() {
    let why = "::ffff:a.b.c.d is the IPv4 address a.b.c.d written as IPv6 (a dual-stack server \
               sees IPv4 clients like that), so it is the same kind";
    check(&[
        ("::ffff:127.0.0.1", IpKind::Loopback, why),
        ("::ffff:0.0.0.0", IpKind::Unspecified, why),
        ("::ffff:10.0.0.1", IpKind::Private, why),
        ("::ffff:192.168.1.10", IpKind::Private, why),
        ("::ffff:169.254.1.1", IpKind::LinkLocal, why),
        ("::ffff:224.0.0.1", IpKind::Multicast, why),
        ("::ffff:192.0.2.1", IpKind::Documentation, why),
        ("::ffff:8.8.8.8", IpKind::Public, why),
    ]);
}

/// The examples print each kind by name, in a column: `{kind:<14}`. The names are given in the
/// exercise file (`impl Display for IpKind`); this checks they reach the screen intact.
#[test]
fn every_kind_prints_the_name_the_examples_show() {
    let cases = [
        ("127.0.0.1", IpKind::Loopback, "loopback"),
        ("0.0.0.0", IpKind::Unspecified, "unspecified"),
        ("192.168.1.10", IpKind::Private, "private"),
        ("100.64.0.1", IpKind::Shared, "shared (carrier-grade NAT)"),
        ("fe80::1", IpKind::LinkLocal, "link-local"),
        ("224.0.0.1", IpKind::Multicast, "multicast"),
        ("255.255.255.255", IpKind::Broadcast, "broadcast"),
        ("192.0.2.1", IpKind::Documentation, "documentation"),
        ("8.8.8.8", IpKind::Public, "public"),
    ];
    for (text, kind_expected, expected) in cases {
        let ip: IpAddr = text
            .parse()
            .expect("the test table holds valid IP addresses");
        let kind = classify_ip(ip);
        // The name printed is the kind's: a wrong kind is classify_ip's mistake, not Display's.
        assert_eq!(
            kind,
            kind_expected,
            "expected classify_ip({ip}) to be {kind_expected:?}, got {kind:?}, so the examples \
             would print {:?} instead of {expected:?}: the kind is wrong, not its name (the test \
             of {kind_expected:?} addresses above says which range) — see book chapter 1, 'Kinds \
             of addresses'",
            kind.to_string()
        );
        let shown = kind.to_string();
        assert_eq!(
            shown, expected,
            "expected {ip} ({kind:?}) to print as {expected:?}, got {shown:?}: the examples print \
             each kind with `{{kind}}`, using the names of `impl Display for IpKind` in your \
             exercise file — keep them as given; see book chapter 1, 'Kinds of addresses'"
        );
    }
    let kind = classify_ip("10.0.0.1".parse().expect("a valid literal"));
    let column = format!("{kind:<14}|");
    assert_eq!(
        column, "private       |",
        "expected {kind:?} padded to 14 characters by `{{kind:<14}}`, got {column:?}: the Display \
         impl uses `f.pad` so that the examples' tables line up — see book chapter 1, 'Kinds of \
         addresses'"
    );
}

/// The mistake behind a wrong answer of `local_ip_for`, when it can be told from the answer.
fn explain_local_ip(got: &std::io::Result<IpAddr>, target: SocketAddr) -> String {
    match got {
        Ok(ip) if ip.is_unspecified() => format!(
            "{ip} is what a socket bound to \"any address\" says before it is connected: ask \
             local_addr() after connect, once the OS has chosen the route — "
        ),
        Ok(ip) if *ip == target.ip() && !ip.is_loopback() => {
            format!("{ip} is the target's own address, not one of this machine's — ")
        }
        Ok(ip) if ip.is_loopback() && !target.ip().is_loopback() => format!(
            "{ip} only reaches this machine itself: a socket bound to one address can only send \
             from that one — bind the unspecified address (0.0.0.0:0 or [::]:0) and let the OS \
             choose — "
        ),
        Err(err) if err.kind() == std::io::ErrorKind::ConnectionRefused => format!(
            "{err}: a TCP connect needs a server listening at the target, and sends packets; a \
             UDP socket's connect sends nothing, it only picks the route — "
        ),
        Err(err) if target.is_ipv6() => format!(
            "{err}: the socket must be IPv6 like the target (an IPv4 socket cannot reach an IPv6 \
             address): bind [::]:0 for an IPv6 target, 0.0.0.0:0 for an IPv4 one — "
        ),
        Err(err) => format!(
            "{err}: to let the OS choose the route's address, bind a socket of the target's \
             family to the unspecified address with port 0 (0.0.0.0:0 or [::]:0) — a socket \
             bound to one address can only send from that one — "
        ),
        Ok(_) => String::new(),
    }
}

#[test]
fn local_ip_for_127_0_0_1_is_127_0_0_1() {
    // Aim at a real UDP socket on loopback, so even an answer that sends a packet would not fail
    // for lack of a receiver.
    let receiver = UdpSocket::bind("127.0.0.1:0").expect("every machine has 127.0.0.1");
    let target = receiver
        .local_addr()
        .expect("a bound socket has an address");
    let got = local_ip_for(target);
    let expected: IpAddr = "127.0.0.1".parse().expect("a valid literal");
    assert!(
        matches!(got, Ok(ip) if ip == expected),
        "expected Ok(127.0.0.1) for target {target}, got {got:?}: {}to reach this machine itself \
         the OS sends from its loopback address — see book chapter 1, 'Which address would I \
         send from?'",
        explain_local_ip(&got, target)
    );
}

/// The OS's own answer, asked the way the chapter shows (a connected UDP socket), as the test's
/// reference; `None` where this machine has no route to `target` (offline, or no IPv6).
fn route_source(target: SocketAddr) -> Option<IpAddr> {
    let any: SocketAddr = if target.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    }
    .parse()
    .expect("a valid literal");
    let socket = UdpSocket::bind(any).ok()?;
    socket.connect(target).ok()?;
    Some(socket.local_addr().ok()?.ip())
}

#[test]
fn local_ip_for_answers_with_an_address_of_this_machine_not_the_target() {
    // No interface has 127.0.0.2 or 127.1.2.3, yet all of 127.0.0.0/8 is loopback: Linux reaches
    // them from 127.0.0.1 (`ip route get 127.0.0.2` says "src 127.0.0.1"). The documentation
    // addresses stand for other machines; the route to them (if any) says which address we use.
    let targets = [
        "127.0.0.2:9",
        "127.1.2.3:9",
        "192.0.2.1:9",
        "[2001:db8::1]:9",
    ];
    let mine: Vec<IpAddr> = if_addrs::get_if_addrs()
        .expect("this machine's interfaces can be listed")
        .iter()
        .map(|interface| interface.ip())
        .collect();
    let mut checked = 0;
    for text in targets {
        let target: SocketAddr = text.parse().expect("the test table holds valid addresses");
        // Only targets where the right answer differs from the target's own address tell a
        // right answer from a wrong one; others are skipped (with a note).
        let Some(expected) = route_source(target).filter(|ip| *ip != target.ip()) else {
            println!(
                "skipped {target}: no route from this machine, or the route is the target itself"
            );
            continue;
        };
        assert!(
            mine.contains(&expected),
            "control: the OS's answer {expected} should be one of this machine's addresses {mine:?}"
        );
        let got = local_ip_for(target);
        let why = match &got {
            Ok(ip) if *ip == target.ip() => {
                format!("{ip} is the target's own address, not one of this machine's ({mine:?})")
            }
            _ => format!(
                "{}this machine's addresses are {mine:?}",
                explain_local_ip(&got, target)
            ),
        };
        assert!(
            matches!(got, Ok(ip) if ip == expected),
            "expected Ok({expected}) for target {target}, got {got:?}: {why}. The answer is the \
             address of THIS machine that the OS would send from, and the OS says which without \
             sending anything — see book chapter 1, 'Which address would I send from?'"
        );
        checked += 1;
    }
    assert!(
        checked > 0,
        "control: expected at least one target with a route (127.0.0.2 is loopback and always has one)"
    );
}

#[test]
fn local_ip_for_one_of_my_own_addresses_is_that_address() {
    // To reach one of its own addresses, a machine sends from that address (Linux: `ip route get
    // ADDR` says "local ADDR … src ADDR"). Needs no route off the machine, only an interface
    // with an address other than loopback; link-local addresses need a scope, so they are left
    // out.
    let mine: Vec<IpAddr> = if_addrs::get_if_addrs()
        .expect("this machine's interfaces can be listed")
        .iter()
        .map(|interface| interface.ip())
        .filter(|ip| !ip.is_loopback() && !is_link_local(*ip))
        .collect();
    let mut checked = 0;
    for ip in mine {
        let target = SocketAddr::new(ip, 9);
        if route_source(target) != Some(ip) {
            println!("skipped {target}: the OS does not send to it from itself here");
            continue;
        }
        let got = local_ip_for(target);
        assert!(
            matches!(got, Ok(answer) if answer == ip),
            "expected Ok({ip}) for target {target}, one of this machine's own addresses, got \
             {got:?}: {}to reach its own address the OS sends from that address — see book \
             chapter 1, 'Which address would I send from?'",
            explain_local_ip(&got, target)
        );
        checked += 1;
    }
    if checked == 0 {
        println!("skipped: this machine has no address but loopback and link-local ones");
    }
}

/// Whether `ip` is link-local (169.254.0.0/16, fe80::/10), told by std, not by the student's code.
fn is_link_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => v6.is_unicast_link_local(),
    }
}

#[test]
fn local_ip_for_sends_no_packet() {
    let receiver = UdpSocket::bind("127.0.0.1:0").expect("every machine has 127.0.0.1");
    let target = receiver
        .local_addr()
        .expect("a bound socket has an address");
    let answer = local_ip_for(target);
    assert!(
        answer.is_ok(),
        "expected local_ip_for({target}) to succeed, got {answer:?} — see book chapter 1, \
         'Which address would I send from?'"
    );
    // A short, bounded wait: anything sent on loopback would have arrived by then.
    receiver
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("a positive timeout is valid");
    let mut buffer = [0u8; 64];
    let received = receiver.recv_from(&mut buffer);
    assert!(
        received.is_err(),
        "expected no packet at {target}, but one arrived ({received:?}): connecting a UDP socket \
         only picks a route; it must not send — see book chapter 1, 'Which address would I send from?'"
    );
}

#[test]
fn local_ip_for_ipv6_loopback_is_ipv6_loopback() {
    let target: SocketAddr = "[::1]:9".parse().expect("a valid literal");
    let got = local_ip_for(target);
    if got.is_err() && UdpSocket::bind("[::1]:0").is_err() {
        // Decided without your code: this machine cannot use ::1 at all.
        println!("skipped: this machine has no IPv6 loopback address ::1 (IPv6 is turned off)");
        return;
    }
    let expected: IpAddr = "::1".parse().expect("a valid literal");
    assert!(
        matches!(got, Ok(ip) if ip == expected),
        "expected Ok(::1) for target {target}, got {got:?}: to reach ::1 the OS sends from ::1; \
         the socket must be IPv6 like the target (an IPv4 socket cannot reach an IPv6 address) \
         — see book chapter 1, 'Which address would I send from?'"
    );
}
