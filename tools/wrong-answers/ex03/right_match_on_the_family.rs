// right: a match on the address for the domain and options, and an accept that tries again on Interrupted
//! Exercise 3, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use socket2::{Domain, Protocol, Socket, Type};

pub fn open_listener(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?,
        SocketAddr::V6(_) => {
            let socket = Socket::new(Domain::IPV6, Type::STREAM, Some(Protocol::TCP))?;
            socket.set_only_v6(true)?;
            socket
        }
    };
    if cfg!(unix) {
        socket.set_reuse_address(true)?;
    }
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    let listener: TcpListener = socket.into();
    Ok(listener)
}

pub fn accept_one(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    loop {
        match listener.accept() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}
