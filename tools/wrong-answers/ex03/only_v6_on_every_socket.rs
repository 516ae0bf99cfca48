// wrong: sets IPV6_V6ONLY on IPv4 sockets too, where the option does not exist. expect: "IPV6_V6ONLY exists only for IPv6 sockets"
//! Exercise 3, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use socket2::{Domain, Protocol, Socket, Type};

pub fn open_listener(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.set_only_v6(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}

pub fn accept_one(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    listener.accept()
}
