//! Exercise 3 (reference): a listening socket, step by step with socket2 — book chapter 3.
//!
//! `std::net::TcpListener::bind` does chapter 3's steps ①–④ (create, options, bind, listen) in
//! one call. Here each step is its own call, as the lesson's Python program makes them
//! (`socket.socket`, `bind`, `listen`; it sets no option), so you can see what the one-liner does
//! for you and which step fails when something goes wrong.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use socket2::{Domain, Protocol, Socket, Type};

// ANCHOR: open_listener
/// Opens a TCP listener on `addr` and returns it ready to accept clients: chapter 3's steps ①–④
/// (create, options, bind, listen), one socket2 call each.
///
/// The rules:
/// * **The socket's family is the address's.** An IPv4 address needs an IPv4 socket, an IPv6
///   address an IPv6 one: a socket of one family cannot bind an address of the other.
/// * **A restart binds at once (Unix).** When a server stops, the connections it closed first
///   stay in TIME_WAIT for a while (60 s on Linux) and still hold its port. A listener opened
///   again on that port must not fail because of them — on Unix; Windows does not ask for it.
/// * **A live port is refused, on every OS.** While another listener listens on the port, the
///   bind fails with `AddrInUse` — on Windows too.
/// * **IPv6 means IPv6 only.** An IPv6 listener never takes IPv4 clients, on every OS (Linux and
///   macOS would otherwise make it dual-stack, and a second listener on `0.0.0.0` would fail).
/// * **The backlog is the caller's.** The queue of connections that completed the handshake but
///   were not accepted yet is `backlog` long (the OS may shorten it; Linux holds `backlog + 1`).
/// * **It blocks.** `accept` on the listener waits for the next client.
/// * **Errors are the OS's, at once.** A step that fails — the IP is not this machine's
///   (`AddrNotAvailable`), the port is taken (`AddrInUse`) or below 1024 without privileges
///   (`PermissionDenied`) — returns its error unchanged and at once, so the caller can explain it.
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
/// Waits for one client (step ⑤) and returns a *new* socket connected to it, with the client's
/// address. It takes the oldest connection of the backlog queue, and waits while there is none.
/// The listener is unchanged and keeps listening: a server calls this again for the next client.
pub fn accept_one(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    listener.accept()
}
// ANCHOR_END: accept_one
