//! Socket errors, explained in one sentence a beginner can act on.
//!
//! The operating system reports a failed `bind` or `connect` with a terse code
//! ("Address already in use (os error 98)"). That is the truth, but not yet help. The examples
//! pass such errors through these functions so that the message says what failed, for which
//! address, and what to do next — and which chapter of the book explains why.

use std::io;
use std::net::SocketAddr;

/// Reads `IP:PORT` from the command line, e.g. `127.0.0.1:8000` or `[::1]:8000`, with an
/// error a beginner can act on instead of std's bare "invalid socket address syntax". The
/// examples take addresses, not names, so that you always know which IP (and family) you mean.
///
/// ```
/// let addr = net_basics::explain::socket_address("127.0.0.1:8000").unwrap(); // valid: cannot fail
/// assert_eq!(addr.port(), 8000);
/// let error = net_basics::explain::socket_address("localhost:8000").unwrap_err();
/// assert!(error.contains("not looked up"));
/// ```
pub fn socket_address(text: &str) -> Result<SocketAddr, String> {
    text.parse().map_err(|_| {
        format!(
            "expected an IP address and a port, such as 127.0.0.1:8000 or [::1]:8000, got \
             {text:?} (names like localhost are not looked up here; see book chapter 1)"
        )
    })
}

/// Explains why a server could not start listening on `addr` (socket, bind or listen failed).
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
        io::ErrorKind::AddrInUse => format!(
            "cannot listen on {addr}: {addr} is already in use — another program (perhaps an \
             earlier server you did not stop) holds port {port}; find it with `ss -ltnp 'sport = :{port}'` \
             and stop it, or pick another port such as {ip}:0 (see book chapter 4)",
            ip = bracketed_ip(addr)
        ),
        io::ErrorKind::PermissionDenied => format!(
            "cannot listen on {addr}: permission denied — ports below 1024 are well-known ports \
             reserved for system services; use a dynamic port such as 8000 (see book chapter 2)"
        ),
        io::ErrorKind::AddrNotAvailable => format!(
            "cannot listen on {addr}: {ip} is not an address of this machine — a server can only \
             bind to its own addresses; list them with `cargo run --example 01_ip_lookup`, or use \
             127.0.0.1 (see book chapter 1)",
            ip = addr.ip()
        ),
        // `[::ffff:127.0.0.1]:8000` on an IPv6-only socket (chapter 4): Linux says EINVAL.
        io::ErrorKind::InvalidInput if ipv4_mapped(addr).is_some() => format!(
            "cannot listen on {addr}: {ip} is an IPv4 address written as IPv6, and an IPv6-only \
             socket cannot bind it — use {v4}:{port} instead (see book chapter 4)",
            ip = addr.ip(),
            v4 = ipv4_mapped(addr).map_or_else(String::new, |v4| v4.to_string()),
        ),
        _ => format!("cannot listen on {addr}: {err}"),
    }
}

/// The IPv4 address inside an IPv4-mapped IPv6 address such as `::ffff:127.0.0.1`.
fn ipv4_mapped(addr: SocketAddr) -> Option<std::net::Ipv4Addr> {
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
pub fn connect_error(addr: SocketAddr, err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => {
            // The lesson's address needs no argument; any other is passed to the server.
            let server = if addr == SocketAddr::from(([127, 0, 0, 1], 8000)) {
                "cargo run --example 04_time_server".to_owned()
            } else {
                format!("cargo run --example 04_time_server -- {addr}")
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

/// Explains an error on a connection that was working: the peer went away or reset it.
pub fn connection_lost(addr: SocketAddr, err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::BrokenPipe
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::UnexpectedEof => {
            format!("the server at {addr} went away (connection closed: {err})")
        }
        _ => format!("connection to {addr} failed: {err}"),
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
        let cases = [
            (io::ErrorKind::AddrInUse, "already in use", "chapter 4"),
            (io::ErrorKind::PermissionDenied, "well-known", "chapter 2"),
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
        let text = bind_error(
            addr("[::1]:8000"),
            &io::Error::from(io::ErrorKind::AddrInUse),
        );
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
    fn a_reset_means_the_server_went_away() {
        let text = connection_lost(
            addr("127.0.0.1:8000"),
            &io::Error::from(io::ErrorKind::ConnectionReset),
        );
        assert!(text.contains("went away"), "{text}");
    }
}
