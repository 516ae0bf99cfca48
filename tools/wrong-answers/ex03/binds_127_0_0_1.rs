// wrong: binds 127.0.0.1 with the given port, whatever the address. expect: "bound to the address it is given"
//! Exercise 3, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use socket2::{Domain, Protocol, Socket, Type};

pub fn open_listener(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.bind(&SocketAddr::from(([127, 0, 0, 1], addr.port())).into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}

pub fn accept_one(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    listener.accept()
}
