// wrong: std's TcpListener::bind, the one-liner, instead of the steps. expect: "std's TcpListener::bind leaves the OS's default"
//! Exercise 3, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use socket2::{Domain, Protocol, Socket, Type};

pub fn open_listener(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    let _ = (Domain::IPV4, Type::STREAM, Protocol::TCP, Socket::new);
    let _ = backlog;
    TcpListener::bind(addr)
}

pub fn accept_one(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    listener.accept()
}
