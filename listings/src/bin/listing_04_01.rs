// Listing 4-1: the lesson's server, line for line. One client, 1024-byte reads, no end.
use std::io::Read;
use std::net::{SocketAddr, TcpListener};

use socket2::{Domain, Socket, Type};

fn main() -> std::io::Result<()> {
    // The lesson listens on 127.0.0.1:8000; the book's tests pass another address.
    let addr = std::env::args()
        .nth(1)
        .unwrap_or("127.0.0.1:8000".to_string());
    let addr: SocketAddr = addr.parse().expect("an address such as 127.0.0.1:8000");

    // ① a listening socket: IPv4, TCP — socket.socket(AF_INET, SOCK_STREAM)
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    // ② bind the address and port — server_socket.bind(('127.0.0.1', 8000))
    socket.bind(&addr.into())?;
    // ③ listen, with a backlog of 127 — server_socket.listen(127)
    socket.listen(127)?;
    let listener: TcpListener = socket.into();

    // ④ wait for one client — server_socket.accept()
    println!("waiting for a client on {}...", listener.local_addr()?);
    let (mut client, peer) = listener.accept()?;
    println!("connection from {peer}");

    // ⑤ receive and print, for ever — recv(1024), print(..., recv_msg.decode())
    let mut buffer = [0; 1024];
    loop {
        let received = client.read(&mut buffer)?;
        // `decode()` fails on bytes that are not UTF-8; so does this (it panics).
        let text = std::str::from_utf8(&buffer[..received]).unwrap();
        println!("client time: {text}");
    }
    // ⑦ close: never reached, as in the lesson.
}
