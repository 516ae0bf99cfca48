//! Socket errors, explained in one sentence a beginner can act on — and the examples'
//! command-line arguments, read with errors of the same kind.
//!
//! The operating system reports a failed `bind` or `connect` with a terse code
//! ("Address already in use (os error 98)"). That is the truth, but not yet help. The examples
//! pass such errors through these functions so that the message says what failed, for which
//! address, and what to do next — and which chapter of the book explains why (1 IP addresses,
//! 2 ports, 3 TCP and sockets, 4 the time server, 5 the time client).

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use crate::address::Address;
use crate::time_protocol::escape;

/// Reads an address from the command line: an IP address and a port (`127.0.0.1:8000`,
/// `[::1]:8000`) or a name and a port (`localhost:8000`). A name is looked up here, and the
/// [`Address`] keeps every address it stands for, in the order to try them (chapter 1). A bad
/// address gets an error a beginner can act on instead of std's bare "invalid socket address
/// syntax": it says what is wrong (no port, a port past 65535, IPv6 without brackets, a name
/// that cannot be looked up).
///
/// ```
/// let address = net_basics::explain::socket_address("127.0.0.1:8000").unwrap(); // valid
/// assert_eq!(address.first().port(), 8000);
/// let localhost = net_basics::explain::socket_address("localhost:8000").unwrap(); // looked up
/// assert!(localhost.addrs().iter().all(|addr| addr.ip().is_loopback()));
/// let error = net_basics::explain::socket_address("127.0.0.1:70000").unwrap_err();
/// assert!(error.contains("ports go from 0 to 65535"));
/// ```
pub fn socket_address(text: &str) -> Result<Address, String> {
    let why = match ip_and_port(text) {
        Ok(addr) => return Ok(Address::from(addr)),
        Err(Some(why)) => why,
        Err(None) => match host_and_port(text) {
            Some((host, port)) if is_name(host) => match port.parse::<u16>() {
                Ok(port) => return look_up(host, port),
                Err(_) => bad_port(port),
            },
            Some((host, _)) => bad_host(host),
            None if is_name(text) => {
                format!("there is no port; add one, as in {text}:8000 (see book chapter 2)")
            }
            None if text.is_empty() => "there is nothing in it (see book chapters 1 and 2)".into(),
            None => format!(
                "{}; and there is no port (see book chapter 2)",
                bad_host(text)
            ),
        },
    };
    Err(format!(
        "expected an IP address or a name, and a port, such as 127.0.0.1:8000, [::1]:8000 or \
         localhost:8000, got {text:?}: {why}"
    ))
}

/// Reads `IP:PORT` as [`socket_address`] does, but refuses names: for the maintainers' load
/// tools, which check that an address is loopback before they flood it.
///
/// ```
/// let error = net_basics::explain::ip_socket_address("localhost:8000").unwrap_err();
/// assert!(error.contains("not looked up"));
/// ```
pub fn ip_socket_address(text: &str) -> Result<SocketAddr, String> {
    ip_and_port(text).map_err(|why| {
        let why = why.unwrap_or_else(|| {
            "names like localhost are not looked up by this program (see book chapter 1)".into()
        });
        format!(
            "expected an IP address and a port, such as 127.0.0.1:8000 or [::1]:8000, got \
             {text:?}: {why}"
        )
    })
}

/// `IP:PORT` as a socket address; `Err(Some(why))` if it looks like an IP address and a port
/// but something is wrong; `Err(None)` if the host is not an IP address (it may be a name).
fn ip_and_port(text: &str) -> Result<SocketAddr, Option<String>> {
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    let is_ip = |host: &str| {
        let v6 = host
            .strip_prefix('[')
            .and_then(|host| host.strip_suffix(']'));
        host.parse::<Ipv4Addr>().is_ok() || v6.is_some_and(|v6| v6.parse::<Ipv6Addr>().is_ok())
    };
    let no_port = |ip: &dyn std::fmt::Display| {
        format!("there is no port; add one, as in {ip}:8000 (see book chapter 2)")
    };
    Err(match (text.parse::<IpAddr>(), host_and_port(text)) {
        // `127.0.0.1`, `::1` — and `::1:8000`, an IPv6 address that swallowed the port.
        (Ok(ip), _) => Some(no_port(&bracketed_ip(SocketAddr::new(ip, 0)))),
        (Err(_), Some((host, port))) if is_ip(host) => Some(bad_port(port)),
        (Err(_), None) if is_ip(text) => Some(no_port(&text)), // `[::1]`
        _ => None,
    })
}

/// `HOST:PORT` split at the colon before the port: the last one, or for `[IPv6]:PORT` the one
/// after the `]`. `None` if there is no port.
fn host_and_port(text: &str) -> Option<(&str, &str)> {
    match text.strip_prefix('[').and_then(|rest| rest.split_once(']')) {
        Some((_, after)) => {
            let port = after.strip_prefix(':')?;
            Some((&text[..text.len() - after.len()], port))
        }
        None => text.rsplit_once(':'),
    }
}

/// Why `port` (the text after the last `:`) is not a port.
fn bad_port(port: &str) -> String {
    if is_number(port) {
        format!("ports go from 0 to 65535, and {port} is past the end (see book chapter 2)")
    } else {
        format!("the port {port:?} is not a whole number from 0 to 65535 (see book chapter 2)")
    }
}

/// Whether `host` can be a name such as `localhost` or `time.example.com` (letters, digits,
/// dots, hyphens, underscores) — and not a broken IPv4 address such as `127.1` or `256.0.0.1`,
/// which a lookup would quietly read in an old shorthand (`127.1` is 127.0.0.1).
fn is_name(host: &str) -> bool {
    let allowed = |byte: u8| byte.is_ascii_alphanumeric() || b"-._".contains(&byte);
    !host.is_empty()
        && host.len() <= 253
        && host.bytes().all(allowed)
        && !host
            .bytes()
            .all(|byte| byte.is_ascii_digit() || byte == b'.')
}

/// Why `host` is neither an IP address nor a name.
fn bad_host(host: &str) -> String {
    if host.is_empty() {
        "there is no IP address or name before the port (see book chapter 1)".to_owned()
    } else if host
        .bytes()
        .all(|byte| byte.is_ascii_digit() || byte == b'.')
    {
        format!(
            "{host:?} is not an IPv4 address: that is four numbers from 0 to 255 with dots \
             between, such as 127.0.0.1 (see book chapter 1)"
        )
    } else if host.starts_with('[')
        || (host.contains(':')
            && host
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b":.".contains(&b)))
    {
        format!(
            "{host:?} is not an IPv6 address in square brackets, such as [::1] (see book \
             chapter 1)"
        )
    } else {
        format!(
            "{host:?} is neither an IP address nor a name (a name such as localhost has only \
             letters, digits, dots and hyphens; see book chapter 1)"
        )
    }
}

/// Looks `name` up (the OS's hosts file, then DNS): every address it stands for, in order.
fn look_up(name: &str, port: u16) -> Result<Address, String> {
    let found = (name, port).to_socket_addrs();
    looked_up(name, port, found.map(Iterator::collect))
}

/// The address a lookup `found`, or why there is none.
fn looked_up(name: &str, port: u16, found: io::Result<Vec<SocketAddr>>) -> Result<Address, String> {
    match found {
        Ok(addrs) if !addrs.is_empty() => Ok(Address::looked_up(name, port, addrs)),
        Ok(_) => Err(format!(
            "the name {name:?} stands for no address; give an IP address such as \
             127.0.0.1:{port} (see book chapter 1)"
        )),
        Err(err) => Err(format!(
            "could not look up the name {name:?} ({err}): check its spelling, or give an IP \
             address such as 127.0.0.1:{port} (see book chapter 1)"
        )),
    }
}

/// Whether `text` is a whole number written in digits (of any size).
fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Reads a number of seconds from the command line: `60`, `1`, `0.3`; from 0 to one day.
/// What 0 means is the option's to say (`--idle-timeout 0`: never).
///
/// ```
/// use std::time::Duration;
/// let third = net_basics::explain::seconds("0.3").unwrap(); // valid: cannot fail
/// assert_eq!(third, Duration::from_millis(300));
/// assert!(net_basics::explain::seconds("-1").is_err());
/// ```
pub fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        // The range also keeps out NaN and infinity, so `from_secs_f64` cannot panic.
        Ok(seconds) if (0.0..=86_400.0).contains(&seconds) => Ok(Duration::from_secs_f64(seconds)),
        _ => Err(format!(
            "expected a number of seconds from 0 to 86400 (one day), such as 1 or 0.3, got {text:?}"
        )),
    }
}

/// Reads `--count`: how many timestamps to send, a whole number from 1 on. Zero gets its own
/// sentence (std's would be "0 is not in 1..18446744073709551615").
///
/// ```
/// assert_eq!(net_basics::explain::timestamp_count("3"), Ok(3));
/// let error = net_basics::explain::timestamp_count("0").unwrap_err();
/// assert!(error.starts_with("--count 0 would send nothing"));
/// ```
pub fn timestamp_count(text: &str) -> Result<u64, String> {
    let how = "give how many timestamps to send, a whole number from 1 on, such as 3 (without \
               --count, the client sends until you stop it with Ctrl-C)";
    match text.parse::<u64>() {
        Ok(0) => Err(format!("--count 0 would send nothing: {how}")),
        Ok(count) => Ok(count),
        Err(_) if is_number(text) => Err(format!(
            "{text} is more than this program can count (at most {}): {how}",
            u64::MAX
        )),
        Err(_) => Err(format!("{text:?} is not a number of timestamps: {how}")),
    }
}

/// Explains why a server could not start listening on `addr` (socket, bind or listen failed).
///
/// For "already in use" it looks at who holds the port (on Linux, in `/proc/net/tcp`, without
/// touching any socket): a program listening there, or only connections still closing
/// (TIME_WAIT) after a server ended — then `ss -ltnp` shows nothing, and the answer is to wait.
/// The command it suggests for finding that program is this OS's: `ss` on Linux, `lsof` on
/// macOS, `netstat` on Windows. "Permission denied" means something else on Windows than on
/// Unix, and the sentence says what it means here.
///
/// ```
/// use std::io;
/// use std::net::SocketAddr;
/// let addr: SocketAddr = "127.0.0.1:8000".parse().unwrap(); // a literal: cannot fail
/// let err = io::Error::from(io::ErrorKind::AddrInUse);
/// let text = net_basics::explain::bind_error(addr, &err);
/// assert!(text.contains("127.0.0.1:8000 is already in use"));
/// ```
pub fn bind_error(addr: SocketAddr, err: &io::Error) -> String {
    let port = addr.port();
    match err.kind() {
        io::ErrorKind::AddrInUse => address_in_use(addr, port_holders(port)),
        io::ErrorKind::PermissionDenied => permission_denied(std::env::consts::OS, addr, err),
        io::ErrorKind::AddrNotAvailable => format!(
            "cannot listen on {addr}: {ip} is not an address of this machine — a server can only \
             bind to its own addresses; list them with `cargo run --example 01_ip_lookup`, or use \
             127.0.0.1 (see book chapter 1)",
            ip = addr.ip()
        ),
        // `[::ffff:127.0.0.1]:8000` on an IPv6-only socket (chapter 3): Linux says EINVAL.
        io::ErrorKind::InvalidInput if ipv4_mapped(addr).is_some() => format!(
            "cannot listen on {addr}: {ip} is an IPv4 address written as IPv6, and an IPv6-only \
             socket cannot bind it — use {v4}:{port} instead (see book chapter 3)",
            ip = addr.ip(),
            v4 = ipv4_mapped(addr).map_or_else(String::new, |v4| v4.to_string()),
        ),
        _ => format!("cannot listen on {addr}: {err}"),
    }
}

/// Who holds a port, as far as this machine tells: how many sockets listen on it, and how many
/// connections (in any other state, e.g. TIME_WAIT) use it as their local port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortHolders {
    /// Sockets in the LISTEN state on the port: a server runs there.
    pub listening: usize,
    /// Connections on the port in any other state (ESTABLISHED, TIME_WAIT, FIN_WAIT2 …).
    pub connections: usize,
}

/// Reads `/proc/net/tcp` and `/proc/net/tcp6` (Linux); `None` where they do not exist.
fn port_holders(port: u16) -> Option<PortHolders> {
    let mut holders = PortHolders {
        listening: 0,
        connections: 0,
    };
    let mut found_a_table = false;
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        found_a_table = true;
        // Each line after the header: `sl local_address rem_address st …`, the local address as
        // `HEXIP:HEXPORT`, the state as hex (0A = LISTEN).
        for fields in text
            .lines()
            .skip(1)
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
        {
            let (Some(local), Some(state)) = (fields.get(1), fields.get(3)) else {
                continue;
            };
            let local_port = local
                .rsplit_once(':')
                .map(|(_, hex)| u16::from_str_radix(hex, 16));
            if local_port == Some(Ok(port)) {
                if *state == "0A" {
                    holders.listening += 1;
                } else {
                    holders.connections += 1;
                }
            }
        }
    }
    found_a_table.then_some(holders)
}

/// Why `os` (a value of `std::env::consts::OS`) refused `addr` to this program.
///
/// - Linux and the BSDs: ports below 1024 are privileged (only root binds them). macOS checks
///   this only for a specific address such as 127.0.0.1: any program may bind
///   0.0.0.0 with a low port (xnu, `bsd/netinet/in_pcb.c`, `in_pcbbind`: the privilege check
///   runs when `sin_addr.s_addr != 0`).
/// - Windows has no privileged ports. Its "permission denied" on bind (WSAEACCES, 10013) means
///   the port lies in a range the system excluded for itself (with Hyper-V or WSL on, winnat
///   reserves ranges that can cover 8000), or that another program holds the port for
///   its exclusive use (Microsoft Learn, "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE": the
///   ACCESS cells of its tables).
fn permission_denied(os: &str, addr: SocketAddr, err: &io::Error) -> String {
    let port = addr.port();
    let other = format!("{}:0", bracketed_ip(addr));
    if os == "windows" {
        format!(
            "cannot listen on {addr}: permission denied — Windows keeps port {port} from this \
             program: either it lies in a range the system reserved (Hyper-V and WSL reserve \
             ranges; list them with `netsh interface ipv4 show excludedportrange protocol=tcp`), or another program holds it for its exclusive use (find it with \
             `{find}`); pick another port, such as {other} (see book chapter 2)",
            find = find_listener(os, port),
        )
    } else if port >= 1024 {
        // Not the privileged-port rule: a security policy (SELinux, a sandbox) said no.
        format!(
            "cannot listen on {addr}: {err} — this system does not let this program use it (a \
             security policy such as SELinux or a sandbox decides this, not the port's number): \
             try another port, such as {other} (see book chapter 2)"
        )
    } else if os == "macos" {
        format!(
            "cannot listen on {addr}: permission denied — ports below 1024 are well-known ports \
             reserved for system services (macOS lets every program use them only on 0.0.0.0); \
             use a port of 1024 or above, such as 8000 (see book chapter 2)"
        )
    } else {
        format!(
            "cannot listen on {addr}: permission denied — ports below 1024 are well-known ports \
             reserved for system services; use a port of 1024 or above, such as 8000 (see book \
             chapter 2)"
        )
    }
}

/// What `SO_REUSEADDR` means for a listener on `os` (a value of `std::env::consts::OS`), in a
/// few words after "SO_REUSEADDR on" or "off" (chapter 3, example 03).
///
/// - Unix: a restarted server can bind its port while connections of the old one are still in
///   TIME_WAIT (socket(7); xnu's `in_pcbbind`), never while another socket listens there.
/// - Windows: it lets a second socket bind a port that a live socket holds, so std's
///   `TcpListener::bind` and exercise 3 leave it off there (Microsoft Learn, "Using SO_REUSEADDR
///   and SO_EXCLUSIVEADDRUSE"); a restart binds over TIME_WAIT without it.
///
/// ```
/// let means = net_basics::explain::reuse_address_means("windows");
/// assert!(means.contains("second socket"));
/// ```
pub fn reuse_address_means(os: &str) -> &'static str {
    if os == "windows" {
        "on Windows it would let a second socket take this live port (a restart needs no option)"
    } else {
        "a restart can bind the port during TIME_WAIT"
    }
}

/// A client to try a TCP server at `addr` with, from a second terminal on `os` (a value of
/// `std::env::consts::OS`): `nc` on Unix; on Windows, which comes without `nc`, the lesson's own
/// client, which sends one timestamp a second. A server on a wildcard (`0.0.0.0`, `[::]`) is
/// reached on loopback here: a client cannot connect to the wildcard (see [`connect_error`]).
///
/// ```
/// let addr = "127.0.0.1:8000".parse().unwrap(); // a literal: cannot fail
/// assert_eq!(net_basics::explain::client_to_try("linux", addr), "nc 127.0.0.1 8000");
/// ```
pub fn client_to_try(os: &str, addr: SocketAddr) -> String {
    let addr = SocketAddr::new(reachable_here(addr.ip()), addr.port());
    if os == "windows" {
        format!("cargo run --example 05_time_client -- {addr}")
    } else {
        format!("nc {} {}", addr.ip(), addr.port())
    }
}

/// The address a client on this machine uses for a server on `ip`: loopback of the same family
/// for a wildcard, which names no address to connect to; `ip` itself otherwise.
fn reachable_here(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    }
}

/// The command that shows which program listens on `port` on `os` (a value of
/// `std::env::consts::OS`): `ss` on Linux, `lsof` on macOS and the BSDs, `netstat` on Windows
/// (in cmd and PowerShell alike; the last column of the `LISTENING` line is the program's PID).
fn find_listener(os: &str, port: u16) -> String {
    match os {
        "windows" => format!("netstat -ano | findstr :{port}"),
        "linux" | "android" => format!("ss -ltnp 'sport = :{port}'"),
        _ => format!("lsof -nP -iTCP:{port} -sTCP:LISTEN"),
    }
}

/// The sentence for "address already in use", given who holds the port (`None`: unknown).
pub fn address_in_use(addr: SocketAddr, holders: Option<PortHolders>) -> String {
    address_in_use_on(std::env::consts::OS, addr, holders)
}

/// [`address_in_use`] for `os`, so that the tests can read every OS's sentence on any OS.
fn address_in_use_on(os: &str, addr: SocketAddr, holders: Option<PortHolders>) -> String {
    let port = addr.port();
    let other = format!("{}:0", bracketed_ip(addr));
    match holders {
        Some(PortHolders {
            listening: 0,
            connections,
        }) => format!(
            "cannot listen on {addr}: {addr} is already in use, but no program listens on port \
             {port}: it is held by {connections} connection{s} of a server that ended, still \
             closing (TIME_WAIT lasts up to 60 s; `ss -tan 'sport = :{port}'` shows them), and \
             that server did not set SO_REUSEADDR — wait a minute, or pick another port such as \
             {other} (see book chapter 3)",
            s = if connections == 1 { "" } else { "s" },
        ),
        _ => format!(
            "cannot listen on {addr}: {addr} is already in use — another program (perhaps an \
             earlier server you did not stop) listens on port {port}; find it with `{find}` and \
             stop it, or pick another port such as {other} (see book chapter 3)",
            find = find_listener(os, port),
        ),
    }
}

/// The IPv4 address inside an IPv4-mapped IPv6 address such as `::ffff:127.0.0.1`.
fn ipv4_mapped(addr: SocketAddr) -> Option<Ipv4Addr> {
    match addr {
        SocketAddr::V4(_) => None,
        SocketAddr::V6(v6) => v6.ip().to_ipv4_mapped(),
    }
}

/// Explains why a client could not connect to the server at `addr`.
///
/// ```
/// use std::io;
/// use std::net::SocketAddr;
/// let addr: SocketAddr = "127.0.0.1:8000".parse().unwrap(); // a literal: cannot fail
/// let err = io::Error::from(io::ErrorKind::ConnectionRefused);
/// let text = net_basics::explain::connect_error(addr, &err);
/// assert!(text.starts_with("could not connect to 127.0.0.1:8000: connection refused"));
/// ```
///
/// The wildcard address (`0.0.0.0`, `[::]`), which a server prints when it listens on all of
/// its addresses, is not a destination: "MUST NOT be sent, except as a source address" (RFC 1122,
/// 3.2.1.3, for `{0, 0}`); "must not be used as the destination address of IPv6 packets" (RFC
/// 4291, 2.5.2). A client that tried it is told which address to use instead — not to start a
/// server there — whatever the OS answered (Linux and macOS take it for this machine, and refuse
/// when no server listens on its port here; Windows refuses the address): the answer says
/// nothing about the teacher's server.
///
/// ```
/// # use std::io;
/// # let err = io::Error::from(io::ErrorKind::ConnectionRefused);
/// let text = net_basics::explain::connect_error("0.0.0.0:8000".parse().unwrap(), &err);
/// assert!(text.contains("0.0.0.0 is not an address to connect to: use one the server lists"));
/// ```
pub fn connect_error(addr: SocketAddr, err: &io::Error) -> String {
    let ip = ipv4_mapped(addr).map_or(addr.ip(), IpAddr::V4);
    if ip.is_unspecified() {
        let here = bracketed_ip(SocketAddr::new(reachable_here(ip), 0));
        return format!(
            "could not connect to {addr}: {} is not an address to connect to: use one the \
             server lists (or {here} on the same machine; see book chapter 1)",
            bracketed_ip(addr)
        );
    }
    match err.kind() {
        io::ErrorKind::ConnectionRefused => {
            // The address the server should listen on. The server refuses an IPv4 address
            // written as IPv6 (its IPv6 socket is IPv6-only), so suggest the IPv4 form.
            let listen =
                ipv4_mapped(addr).map_or(addr, |v4| SocketAddr::new(v4.into(), addr.port()));
            // The lesson's address needs no argument; any other is passed to the server.
            let server = if listen == SocketAddr::from(([127, 0, 0, 1], 8000)) {
                "cargo run --example 04_time_server".to_owned()
            } else {
                format!("cargo run --example 04_time_server -- {listen}")
            };
            format!(
                "could not connect to {addr}: connection refused — no server is listening there; \
                 start it with `{server}`"
            )
        }
        io::ErrorKind::TimedOut => format!(
            "could not connect to {addr}: timed out — nothing answered; check the address, and \
             that no firewall drops the connection (see the Troubleshooting appendix)"
        ),
        io::ErrorKind::AddrNotAvailable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::HostUnreachable => format!(
            "could not connect to {addr}: no route to that address from this machine \
             (see book chapter 1)"
        ),
        _ => format!("could not connect to {addr}: {err}"),
    }
}

/// Explains an error on a connection that was working: the peer went away or reset it, or a
/// write waited its whole timeout because the peer stopped reading.
pub fn connection_lost(addr: SocketAddr, err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::BrokenPipe
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted => {
            format!("the server at {addr} went away (connection closed: {err})")
        }
        io::ErrorKind::UnexpectedEof => format!(
            "the server at {addr} went away: it closed the connection before we were done (see \
             book chapter 5)"
        ),
        // A write with a timeout that could not hand a single byte to the OS in time: the
        // buffers on both sides are full because the server does not read (chapter 5).
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => format!(
            "the server at {addr} stopped reading: a write waited its whole timeout and the \
             server took nothing (see book chapter 5)"
        ),
        _ => format!("connection to {addr} failed: {err}"),
    }
}

/// `; it said: "…"` with what a server sent before it closed, escaped (no terminal control
/// bytes, no `\r`, one line) and cut after 200 characters; empty if it sent nothing.
///
/// ```
/// let said = net_basics::explain::server_said(b"busy\x1b[2J\r\n");
/// assert_eq!(said, r#"; it said: "busy\u{1b}[2J""#);
/// ```
pub fn server_said(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes.trim_ascii());
    if text.is_empty() {
        return String::new();
    }
    let cut = text
        .char_indices()
        .nth(200)
        .map_or(text.len(), |(at, _)| at);
    let more = if cut < text.len() { "…" } else { "" };
    format!("; it said: \"{}{more}\"", escape(&text[..cut]))
}

/// Explains why the client stopped: the server closed the connection, after saying `said`
/// (its own words come first: a server that refuses a client says why). A server that
/// starts with `server busy` is busy: it has as many clients as it takes (`--max-clients`).
///
/// ```
/// use std::net::SocketAddr;
/// let addr: SocketAddr = "127.0.0.1:8000".parse().unwrap(); // a literal: cannot fail
/// let text = net_basics::explain::server_closed(addr, b"server busy: try again later\n");
/// assert_eq!(text, r#"the server at 127.0.0.1:8000 is busy; it said: "server busy: try again later""#);
/// ```
pub fn server_closed(addr: SocketAddr, said: &[u8]) -> String {
    let words = server_said(said);
    if said.trim_ascii_start().starts_with(b"server busy") {
        format!("the server at {addr} is busy{words}")
    } else if words.is_empty() {
        connection_lost(addr, &io::ErrorKind::UnexpectedEof.into())
    } else {
        format!("the server at {addr} closed the connection{words}")
    }
}

/// Explains why the client fails although every write succeeded: after its last message, the
/// server did not close within `waited`, and `unsent` of the `sent` bytes still wait in this
/// machine's send queue — the server does not read them (chapter 5). A successful write only
/// means that the OS took the bytes.
///
/// ```
/// use std::net::SocketAddr;
/// use std::time::Duration;
/// let addr: SocketAddr = "127.0.0.1:8000".parse().unwrap(); // a literal: cannot fail
/// let text = net_basics::explain::never_delivered(addr, 1_500_000, 2_000_000, Duration::from_secs(2));
/// assert!(text.contains("1500000 of the 2000000 bytes we sent (75 %) never left this machine"));
/// ```
pub fn never_delivered(addr: SocketAddr, unsent: u64, sent: u64, waited: Duration) -> String {
    let share = (unsent as f64 / sent.max(1) as f64 * 100.0).round();
    let message = crate::time_protocol::TIMESTAMP_LEN as u64 + 1; // a timestamp and its \n
    format!(
        "the server at {addr} does not read what we send: {unsent} of the {sent} bytes we sent \
         ({share} %) never left this machine — about {} timestamps still wait in our send queue, \
         and the server did not close within {} s (see book chapter 5)",
        unsent.div_ceil(message),
        waited.as_secs_f64()
    )
}

/// Explains why the client stopped sending: `err` from a write (or `UnexpectedEof` when the
/// server spoke or closed first), what the server said meanwhile (`said`, raw) and how the short
/// wait for its last words `ended` ([`crate::connection::last_words`]). The server's own words
/// come first ([`server_closed`]); without them, the error ([`connection_lost`]). A server that
/// speaks and stays open is not a time server (in the time protocol only the client speaks):
/// perhaps the address is wrong.
///
/// ```
/// use std::io;
/// use std::net::SocketAddr;
/// let addr: SocketAddr = "127.0.0.1:25".parse().unwrap(); // a literal: cannot fail
/// let spoke = io::Error::from(io::ErrorKind::UnexpectedEof);
/// let still_open = Err(io::Error::from(io::ErrorKind::TimedOut));
/// let text = net_basics::explain::sending_failed(addr, &spoke, b"220 mail ready\r\n", &still_open);
/// assert!(text.contains("is that a time server?"));
/// ```
pub fn sending_failed(
    addr: SocketAddr,
    err: &io::Error,
    said: &[u8],
    ended: &io::Result<()>,
) -> String {
    let still_open = matches!(ended, Err(err) if matches!(err.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut));
    if said.trim_ascii().is_empty() {
        connection_lost(addr, err)
    } else if still_open && !said.trim_ascii_start().starts_with(b"server busy") {
        format!(
            "the server at {addr} spoke, and a time server does not: only its clients do — is \
             that a time server? Check the address and port (see book chapter 5){}",
            server_said(said)
        )
    } else {
        server_closed(addr, said)
    }
}

/// What the client concludes after its last message, having closed its sending side and waited
/// `waited` for the server's end of stream: `said` is what the server sent meanwhile, `ended`
/// how the wait ended ([`crate::connection::last_words`]); `unsent` asks how many of the `sent`
/// bytes are still queued ([`crate::connection::unsent_bytes`]). `Ok(None)`: all is well.
/// `Ok(Some(note))`: success, with a remark. `Err(sentence)`: the client failed.
///
/// A server that did not close in time may still be reading (the lesson's own server never
/// closes): that is a success with a note — unless bytes still wait in our send queue, which
/// means the server does not read ([`never_delivered`]). Linux counts our end of stream (FIN)
/// as one byte of that queue until the server acknowledges it: that byte is not counted.
pub fn goodbye(
    addr: SocketAddr,
    said: &[u8],
    ended: io::Result<()>,
    unsent: impl FnOnce() -> Option<u64>,
    sent: u64,
    waited: Duration,
) -> Result<Option<String>, String> {
    let words = server_said(said);
    match ended {
        Ok(()) if words.is_empty() => Ok(None),
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            let open = format!(
                "the server at {addr} did not close within {} s",
                waited.as_secs_f64()
            );
            // Linux counts our end of stream (FIN) as 1 until the server acknowledges it.
            let fin = u64::from(cfg!(any(target_os = "linux", target_os = "android")));
            match unsent().map(|unsent| unsent.saturating_sub(fin)) {
                Some(unsent) if unsent > 0 => Err(never_delivered(addr, unsent, sent, waited)),
                // Acknowledged by the server machine's TCP: in its receive buffer, maybe not
                // read by the server (connection::unsent_bytes). Say only that.
                Some(_) => Ok(Some(format!(
                    "{open}, but all we sent reached the server's machine{words}"
                ))),
                None => Ok(Some(format!(
                    "{open} (this system cannot tell whether all we sent reached the server's \
                     machine){words}"
                ))),
            }
        }
        Err(err) if words.is_empty() => Err(connection_lost(addr, &err)),
        _ => Err(server_closed(addr, said)), // it spoke, then closed (or reset)
    }
}

/// Explains why a program stops when printing failed: the terminal, pipe or file that stdout
/// goes to is gone (`| head` exited: a broken pipe) or full (`> /dev/full`). There is nobody left
/// to tell, so the programs stop with this one line on stderr and exit 1 — not with a panic.
///
/// ```
/// let err = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
/// assert!(net_basics::explain::cannot_print(&err).starts_with("stopping: cannot print"));
/// ```
pub fn cannot_print(err: &io::Error) -> String {
    format!(
        "stopping: cannot print any more ({err}) — whatever read this program's output \
         (a terminal, a pipe such as `| head`, a file) is gone or full"
    )
}

/// `127.0.0.1` for IPv4, `[::1]` for IPv6: how an IP is written in front of `:port`.
fn bracketed_ip(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) => v4.ip().to_string(),
        SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().expect("test addresses are valid literals")
    }

    #[test]
    fn every_startup_error_names_the_address_and_a_next_step() {
        let denied = if cfg!(windows) {
            "excludedportrange"
        } else {
            "well-known"
        };
        let cases = [
            (io::ErrorKind::AddrInUse, "already in use", "chapter 3"),
            (io::ErrorKind::PermissionDenied, denied, "chapter 2"),
            (
                io::ErrorKind::AddrNotAvailable,
                "not an address of this machine",
                "chapter 1",
            ),
        ];
        for (kind, what, chapter) in cases {
            let text = bind_error(addr("127.0.0.1:80"), &io::Error::from(kind));
            assert!(
                text.contains("127.0.0.1:80"),
                "{kind:?}: names the address: {text}"
            );
            assert!(text.contains(what), "{kind:?}: says {what:?}: {text}");
            assert!(
                text.contains(chapter),
                "{kind:?}: points at {chapter}: {text}"
            );
        }
    }

    #[test]
    fn a_port_held_by_a_listener_says_how_to_find_it() {
        let held = PortHolders {
            listening: 1,
            connections: 3,
        };
        let commands = [
            ("linux", "`ss -ltnp 'sport = :8000'`"),
            ("macos", "`lsof -nP -iTCP:8000 -sTCP:LISTEN`"),
            ("windows", "`netstat -ano | findstr :8000`"),
        ];
        for (os, command) in commands {
            for holders in [Some(held), None] {
                let text = address_in_use_on(os, addr("127.0.0.1:8000"), holders);
                assert!(text.contains(command), "{os}: {text}");
                assert!(!text.contains("TIME_WAIT"), "{os}: {text}");
            }
        }
        let here = address_in_use(addr("127.0.0.1:8000"), None);
        assert!(
            here.contains(&find_listener(std::env::consts::OS, 8000)),
            "this OS's command: {here}"
        );
    }

    #[test]
    fn example_03s_words_for_so_reuseaddr_and_its_client_fit_each_os() {
        for os in ["linux", "macos", "freebsd"] {
            assert!(reuse_address_means(os).contains("TIME_WAIT"), "{os}");
            assert_eq!(client_to_try(os, addr("[::1]:9000")), "nc ::1 9000", "{os}");
            // A wildcard is where the server listens, not an address to connect to.
            assert_eq!(
                client_to_try(os, addr("0.0.0.0:9000")),
                "nc 127.0.0.1 9000",
                "{os}"
            );
            assert_eq!(client_to_try(os, addr("[::]:9000")), "nc ::1 9000", "{os}");
        }
        let windows = reuse_address_means("windows");
        assert!(
            windows.contains("second socket") && !windows.starts_with("a restart can"),
            "on Windows SO_REUSEADDR is not the TIME_WAIT option: {windows}"
        );
        // Windows has no nc: the lesson's client, with the address as the server prints it.
        assert_eq!(
            client_to_try("windows", addr("[::1]:9000")),
            "cargo run --example 05_time_client -- [::1]:9000"
        );
        assert_eq!(
            client_to_try("windows", addr("0.0.0.0:9000")),
            "cargo run --example 05_time_client -- 127.0.0.1:9000"
        );
    }

    #[test]
    fn permission_denied_says_what_it_means_on_each_os() {
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        let low = addr("127.0.0.1:80");
        for os in ["linux", "macos"] {
            let text = permission_denied(os, low, &denied);
            assert!(text.contains("below 1024"), "{os}: {text}");
            assert!(text.contains("such as 8000"), "{os}: {text}");
        }
        assert!(permission_denied("macos", low, &denied).contains("only on 0.0.0.0"));
        // Windows has no privileged ports: 10013 is a reserved range or another program's
        // exclusive use, also for 8000.
        for port in ["80", "8000"] {
            let text = permission_denied("windows", addr(&format!("127.0.0.1:{port}")), &denied);
            assert!(!text.contains("1024"), "windows, {port}: {text}");
            for needed in [
                "netsh interface ipv4 show excludedportrange protocol=tcp",
                "exclusive use",
                &format!("netstat -ano | findstr :{port}"),
                "127.0.0.1:0",
            ] {
                assert!(
                    text.contains(needed),
                    "windows, {port}: {needed:?} in {text}"
                );
            }
        }
        // Above 1024 on Unix it is not the privileged-port rule: no advice about 1024.
        let text = permission_denied("linux", addr("127.0.0.1:8000"), &denied);
        assert!(!text.contains("1024"), "{text}");
        assert!(text.contains("such as 127.0.0.1:0"), "a next step: {text}");
    }

    #[test]
    fn a_port_held_only_by_closing_connections_is_explained_as_time_wait() {
        let holders = PortHolders {
            listening: 0,
            connections: 1,
        };
        let text = address_in_use(addr("127.0.0.1:8000"), Some(holders));
        for needed in [
            "no program listens on port 8000",
            "TIME_WAIT",
            "held by 1 connection of a server that ended",
            "wait a minute",
            "127.0.0.1:0",
            "chapter 3",
        ] {
            assert!(text.contains(needed), "expected {needed:?} in: {text}");
        }
        assert!(
            !text.contains("ss -ltnp"),
            "ss -ltnp would print nothing here: {text}"
        );
    }

    #[test]
    fn the_port_table_sees_a_listener_of_this_process() {
        if port_holders(1).is_none() {
            return; // not Linux: no /proc/net/tcp, and the sentence says "listens" by default
        }
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener
            .local_addr()
            .expect("a bound listener has an address")
            .port();
        let holders = port_holders(port).expect("/proc/net/tcp was readable a moment ago");
        assert_eq!(
            holders.listening, 1,
            "our own listener on port {port}: {holders:?}"
        );
    }

    #[test]
    fn an_ipv4_mapped_address_is_explained_with_its_ipv4_form() {
        let text = bind_error(
            addr("[::ffff:127.0.0.1]:8000"),
            &io::Error::from(io::ErrorKind::InvalidInput),
        );
        assert!(text.contains("use 127.0.0.1:8000 instead"), "{text}");
        // Any other invalid input keeps the OS's own words.
        let text = bind_error(
            addr("[::1]:8000"),
            &io::Error::from(io::ErrorKind::InvalidInput),
        );
        assert!(!text.contains("IPv4"), "{text}");
    }

    #[test]
    fn ipv6_suggestion_is_bracketed() {
        let text = address_in_use(addr("[::1]:8000"), None);
        assert!(text.contains("[::1]:0"), "{text}");
    }

    #[test]
    fn refused_connection_tells_how_to_start_the_server() {
        let text = connect_error(
            addr("127.0.0.1:8000"),
            &io::Error::from(io::ErrorKind::ConnectionRefused),
        );
        assert!(
            text.contains("cargo run --example 04_time_server"),
            "{text}"
        );
    }

    #[test]
    fn the_hint_starts_the_server_on_the_address_the_client_tried() {
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        let text = connect_error(addr("[::1]:9000"), &refused);
        assert!(
            text.ends_with("`cargo run --example 04_time_server -- [::1]:9000`"),
            "{text}"
        );
    }

    #[test]
    fn the_hint_never_suggests_an_address_the_server_refuses() {
        // The server's IPv6 socket is IPv6-only: it cannot bind [::ffff:127.0.0.1]:P.
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        let text = connect_error(addr("[::ffff:127.0.0.1]:9000"), &refused);
        assert!(
            text.ends_with("`cargo run --example 04_time_server -- 127.0.0.1:9000`"),
            "{text}"
        );
    }

    #[test]
    fn the_wildcard_address_is_no_destination_whatever_the_os_answered() {
        // A student copies `listening on 0.0.0.0:8000` into the client. Linux refuses (no server
        // on this machine's port) or even connects; Windows: WSAEADDRNOTAVAIL.
        for kind in [
            io::ErrorKind::ConnectionRefused,
            io::ErrorKind::AddrNotAvailable,
            io::ErrorKind::TimedOut,
        ] {
            for (target, shown, here) in [
                ("0.0.0.0:8000", "0.0.0.0", "127.0.0.1"),
                ("[::]:8000", "[::]", "[::1]"),
                ("[::ffff:0.0.0.0]:8000", "[::ffff:0.0.0.0]", "127.0.0.1"),
            ] {
                let text = connect_error(addr(target), &io::Error::from(kind));
                assert!(
                    text == format!(
                        "could not connect to {target}: {shown} is not an address to connect \
                         to: use one the server lists (or {here} on the same machine; see book \
                         chapter 1)"
                    ),
                    "{kind:?}, {target}: not `start a server there`, but which address to use \
                     (RFC 1122, 3.2.1.3): {text}"
                );
            }
        }
    }

    #[test]
    fn a_reset_means_the_server_went_away() {
        let text = connection_lost(
            addr("127.0.0.1:8000"),
            &io::Error::from(io::ErrorKind::ConnectionReset),
        );
        assert!(text.contains("went away"), "{text}");
    }

    #[test]
    fn a_write_timeout_means_the_server_stopped_reading() {
        for kind in [io::ErrorKind::WouldBlock, io::ErrorKind::TimedOut] {
            let text = connection_lost(addr("127.0.0.1:8000"), &io::Error::from(kind));
            assert!(text.contains("stopped reading"), "{kind:?}: {text}");
        }
    }

    #[test]
    fn what_a_server_said_is_escaped_on_one_line() {
        assert_eq!(server_said(b" \r\n"), "");
        let said = server_said(b"a\rb\nc\x1b[2J\xff");
        assert_eq!(said, "; it said: \"a\\rb\\nc\\u{1b}[2J\u{fffd}\"");
        let long = server_said(&[b'x'; 500]);
        assert!(long.ends_with("x…\""), "cut after 200 characters: {long}");
        assert_eq!(long.matches('x').count(), 200, "{long}");
    }

    #[test]
    fn a_bad_address_says_what_is_wrong_with_it() {
        let cases = [
            (
                "127.0.0.1:70000",
                "ports go from 0 to 65535, and 70000 is past the end",
            ),
            ("[::1]:65536", "ports go from 0 to 65535"),
            (
                "127.0.0.1:99999999999999999999999",
                "ports go from 0 to 65535",
            ),
            ("127.0.0.1:http", "the port \"http\" is not a whole number"),
            ("127.0.0.1:-1", "is not a whole number"),
            ("localhost:70000", "70000 is past the end"),
            ("localhost:http", "the port \"http\" is not a whole number"),
            (
                "127.0.0.1",
                "there is no port; add one, as in 127.0.0.1:8000",
            ),
            (
                "localhost",
                "there is no port; add one, as in localhost:8000",
            ),
            ("::1:8000", "as in [::1:8000]:8000"),
            (
                "127.1:8000",
                "\"127.1\" is not an IPv4 address: that is four numbers",
            ),
            ("256.0.0.1:8000", "is not an IPv4 address"),
            ("[::g]:8000", "is not an IPv6 address in square brackets"),
            (
                "http://localhost:8000",
                "is neither an IP address nor a name",
            ),
            (":8000", "there is no IP address or name before the port"),
            ("", "there is nothing in it"),
            (
                "[::g]",
                "is not an IPv6 address in square brackets, such as [::1] (see book chapter 1); and there is no port",
            ),
            ("[::1]", "there is no port; add one, as in [::1]:8000"),
            (
                "[::g]:8000",
                "\"[::g]\" is not an IPv6 address in square brackets",
            ),
            ("[::1]8000", "is not an IPv6 address in square brackets"),
        ];
        for (text, why) in cases {
            let error = socket_address(text).expect_err(text);
            assert!(
                error.starts_with(
                    "expected an IP address or a name, and a port, such as \
                                   127.0.0.1:8000, [::1]:8000 or localhost:8000"
                ),
                "{text}: {error}"
            );
            assert!(error.contains(why), "{text}: expected {why:?} in: {error}");
        }
        let any = socket_address("0.0.0.0:65535").expect("an IP address and a port");
        assert_eq!(
            (any.addrs(), any.name()),
            (&[addr("0.0.0.0:65535")][..], None)
        );
    }

    #[test]
    fn a_name_is_looked_up() {
        // `localhost` stands for loopback on every system (RFC 6761, section 6.3).
        let local = socket_address("localhost:8000").expect("localhost can be looked up");
        assert_eq!(local.name(), Some("localhost"));
        assert!(
            local
                .addrs()
                .iter()
                .all(|addr| addr.ip().is_loopback() && addr.port() == 8000),
            "{local:?}"
        );
        // A name that cannot be found (a test does not ask DNS: that would leave loopback).
        let missing = io::Error::other("Name or service not known");
        let error = looked_up("tiem-server", 8000, Err(missing)).expect_err("nothing to find");
        assert_eq!(
            error,
            "could not look up the name \"tiem-server\" (Name or service not known): check its \
             spelling, or give an IP address such as 127.0.0.1:8000 (see book chapter 1)"
        );
        let nothing = looked_up("empty", 8000, Ok(vec![])).expect_err("no address");
        assert!(nothing.contains("stands for no address"), "{nothing}");
    }

    #[test]
    fn the_tools_take_ip_addresses_only() {
        assert_eq!(ip_socket_address("[::1]:8000"), Ok(addr("[::1]:8000")));
        for (text, why) in [
            ("localhost:8000", "names like localhost are not looked up"),
            ("127.0.0.1:70000", "70000 is past the end"),
        ] {
            let error = ip_socket_address(text).expect_err(text);
            assert!(error.contains(why), "{text}: {error}");
        }
    }

    #[test]
    fn count_0_and_other_bad_counts_get_a_sentence() {
        assert_eq!(timestamp_count("1"), Ok(1));
        assert_eq!(timestamp_count("100000"), Ok(100_000));
        for (text, why) in [
            ("0", "--count 0 would send nothing"),
            ("00", "--count 0 would send nothing"),
            ("-1", "\"-1\" is not a number of timestamps"),
            ("1.5", "\"1.5\" is not a number of timestamps"),
            ("", "\"\" is not a number of timestamps"),
            (
                "99999999999999999999",
                "is more than this program can count",
            ),
        ] {
            let error = timestamp_count(text).expect_err(text);
            assert!(
                error.contains(why) && error.contains("a whole number from 1 on"),
                "{text}: {error}"
            );
        }
    }

    #[test]
    fn a_server_that_closes_is_quoted_first_and_a_busy_one_is_called_busy() {
        let at = addr("127.0.0.1:8000");
        assert_eq!(
            server_closed(at, b"server busy: full; try again later\r\n"),
            "the server at 127.0.0.1:8000 is busy; it said: \"server busy: full; try again later\""
        );
        assert_eq!(
            server_closed(at, b"closing: silent for 60 s\n"),
            "the server at 127.0.0.1:8000 closed the connection; it said: \"closing: silent for 60 s\""
        );
        assert!(server_closed(at, b"").contains("went away"));
        let pipe = io::Error::from(io::ErrorKind::BrokenPipe);
        let closed = Ok(());
        let busy = sending_failed(at, &pipe, b"server busy: full\n", &closed);
        assert!(
            busy.starts_with("the server at 127.0.0.1:8000 is busy") && !busy.contains("pipe"),
            "its words, not the OS's: {busy}"
        );
        assert!(sending_failed(at, &pipe, b" \n", &closed).contains("went away"));
        let open = Err(io::Error::from(io::ErrorKind::TimedOut));
        let chatty = sending_failed(at, &pipe, b"220 mail.example ESMTP\r\n", &open);
        assert_eq!(
            chatty,
            "the server at 127.0.0.1:8000 spoke, and a time server does not: only its clients \
             do — is that a time server? Check the address and port (see book chapter 5); it \
             said: \"220 mail.example ESMTP\""
        );
    }

    #[test]
    fn after_the_last_message_a_full_send_queue_is_a_failure() {
        let (at, wait) = (addr("127.0.0.1:8000"), Duration::from_secs(2));
        let timed_out = || Err(io::Error::from(io::ErrorKind::TimedOut));
        // Closed after reading everything: success, nothing to say.
        assert_eq!(goodbye(at, b"", Ok(()), || Some(0), 200, wait), Ok(None));
        // Not closed, nothing queued (the lesson's own server never closes): success, a note.
        let note = goodbye(at, b"", timed_out(), || Some(0), 200, wait);
        assert_eq!(
            note,
            Ok(Some(
                "the server at 127.0.0.1:8000 did not close within 2 s, but all we sent reached \
                 the server's machine"
                    .to_owned()
            ))
        );
        // Not closed, and bytes still queued: the server does not read. (Linux also counts
        // our end of stream, FIN, as a byte.)
        let fin = u64::from(cfg!(any(target_os = "linux", target_os = "android")));
        let failed = goodbye(
            at,
            b"",
            timed_out(),
            || Some(1_500_000 + fin),
            2_000_000,
            wait,
        )
        .expect_err("bytes that never left this machine");
        assert_eq!(
            failed,
            "the server at 127.0.0.1:8000 does not read what we send: 1500000 of the 2000000 \
             bytes we sent (75 %) never left this machine — about 75000 timestamps still wait \
             in our send queue, and the server did not close within 2 s (see book chapter 5)"
        );
        let fin_only = goodbye(at, b"", timed_out(), || Some(fin), 200, wait);
        assert!(matches!(fin_only, Ok(Some(_))), "{fin_only:?}");
        // An OS that cannot tell (Windows): success, and a note that says so.
        let unknown = goodbye(at, b"", timed_out(), || None, 200, wait);
        assert!(
            matches!(&unknown, Ok(Some(note)) if note.contains("cannot tell")),
            "{unknown:?}"
        );
        // Closed after saying something, or reset after it: an error that quotes it first.
        let said = goodbye(at, b"closing: bye\n", Ok(()), || Some(0), 200, wait);
        assert_eq!(
            said,
            Err(
                "the server at 127.0.0.1:8000 closed the connection; it said: \"closing: bye\""
                    .into()
            )
        );
        let reset = Err(io::Error::from(io::ErrorKind::ConnectionReset));
        let quoted = goodbye(at, b"server busy: x\n", reset, || Some(0), 200, wait);
        assert!(
            matches!(&quoted, Err(text) if text.contains("is busy")),
            "{quoted:?}"
        );
    }

    #[test]
    fn seconds_take_fractions_and_refuse_the_rest() {
        assert_eq!(seconds("0.3"), Ok(Duration::from_millis(300)));
        assert_eq!(seconds("60"), Ok(Duration::from_secs(60)));
        assert_eq!(seconds("0"), Ok(Duration::ZERO));
        for bad in ["-1", "NaN", "inf", "1e9", "", "1s"] {
            let error = seconds(bad).expect_err(bad);
            assert!(
                error.contains("number of seconds from 0 to 86400"),
                "{bad}: {error}"
            );
        }
    }
}
