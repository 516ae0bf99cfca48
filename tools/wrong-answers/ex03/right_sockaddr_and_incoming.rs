// right: no protocol (None), SockAddr::from, `#[cfg(not(windows))]`, `if let SocketAddr::V6`, TcpListener::from, accept through incoming()
//! Exercise 3, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use socket2::{Domain, Protocol, Socket, Type};
use socket2::SockAddr;

pub fn open_listener(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    #[cfg(not(windows))]
    socket.set_reuse_address(true)?;
    if let SocketAddr::V6(_) = addr {
        socket.set_only_v6(true)?;
    }
    socket.bind(&SockAddr::from(addr))?;
    socket.listen(backlog)?;
    Ok(TcpListener::from(socket))
}

pub fn accept_one(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    let stream = listener
        .incoming()
        .next()
        .expect("incoming() never ends")?;
    let peer = stream.peer_addr()?;
    Ok((stream, peer))
}
