//! Exercise 3 (reference): a listening socket, step by step with socket2 — book chapter 3.
//!
//! `std::net::TcpListener::bind` does steps ①–④ in one call. Here each step is its own call,
//! as in the lesson's Python program (`socket.socket`, `setsockopt`, `bind`, `listen`), so you
//! can see what the one-liner does for you and which step fails when something goes wrong.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use socket2::{Domain, Protocol, Socket, Type};

// ANCHOR: open_listener
/// Opens a TCP listener on `addr` with the lesson's steps ①–④ and returns it ready to accept.
///
/// ① **Create** a socket whose domain is taken from `addr`: an IPv4 address needs an IPv4
///   (`AF_INET`) socket and an IPv6 address an IPv6 (`AF_INET6`) one — a socket of one family
///   cannot bind an address of the other. The type is a stream, the protocol TCP.
///
/// ② **Options**, before bind, because bind is where they take effect:
///   - `SO_REUSEADDR` on (Unix). The side that closes a connection first keeps it in
///     TIME_WAIT for a while (60 s on Linux) to catch late packets. A server usually closes
///     first, so after a restart its port is still held by those old connections and a plain
///     bind fails with "address in use". With `SO_REUSEADDR` on, bind may reuse a port that
///     only connections in TIME_WAIT hold — never one a live listener holds. On Linux both the
///     old and the new listener must have it, so a server sets it every time it starts.
///   - For an IPv6 address, `IPV6_V6ONLY` on: the socket serves IPv6 only, on every OS.
///     (Linux would otherwise let `[::]:8000` take IPv4 clients too, and then a second
///     listener on `0.0.0.0:8000` fails; Windows and FreeBSD default to IPv6 only, macOS does not.)
///
/// ③ **Bind** gives the socket its local address. The IP must be one of this machine's
///   (else `AddrNotAvailable`), the port must be free (else `AddrInUse`), and ports below 1024
///   need privileges (else `PermissionDenied`). Port 0 asks the OS for any free port.
///
/// ④ **Listen** makes the socket passive: from now on the OS completes the three-way handshake
///   with clients by itself. `backlog` bounds the queue of connections that completed the
///   handshake but that the program has not accepted yet (Linux holds up to `backlog + 1`);
///   while it is full, new clients wait. The OS may lower it (Linux caps it at
///   `net.core.somaxconn`: 4096 by default since Linux 5.4, 128 before).
///
/// The errors are those of the step that failed, unchanged, so the caller can explain them.
pub fn open_listener(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    // ① create: the address decides the family
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;

    // ② options: survive TIME_WAIT on restart; one family per socket.
    // Unix only: on Windows SO_REUSEADDR would let a second socket take over a port that a
    // live listener holds (std's own `TcpListener::bind` makes the same choice).
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }

    // ③ bind: claim the address and port
    socket.bind(&addr.into())?;

    // ④ listen: let clients in, up to `backlog` of them waiting to be accepted
    socket.listen(backlog)?;

    // The socket2 `Socket` becomes a std `TcpListener`: same OS socket, std's friendly API.
    Ok(socket.into())
}
// ANCHOR_END: open_listener

// ANCHOR: accept_one
/// Waits for one client (step ⑤) and returns the new connected socket and the client's address.
///
/// `accept` takes the oldest connection from the backlog queue — blocking until there is one, so
/// the listener must stay blocking — and returns a *new* socket for talking to that client. The listening socket is unchanged
/// and keeps listening, so a server calls `accept` again for the next client.
pub fn accept_one(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    listener.accept()
}
// ANCHOR_END: accept_one
