// Listing 4-5: accept in a loop, one thread per client.
use std::io::{self, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

use net_basics::time_protocol::TimestampDecoder;

fn main() -> io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or("127.0.0.1:8000".to_string());
    let listener = TcpListener::bind(addr)?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        // The listener goes on listening; each accept is a new socket for one client.
        let (client, peer) = listener.accept()?;
        // A client that waits a second between timestamps holds up only its own thread.
        thread::spawn(move || {
            let why = match serve(client, peer) {
                Ok(()) => "end of stream".to_string(),
                Err(err) => err.to_string(),
            };
            println!("[{peer}] left: {why}");
        });
    }
}

/// Listing 4-4's loop, for one client; each line says whose it is.
fn serve(mut client: TcpStream, peer: SocketAddr) -> io::Result<()> {
    println!("[{peer}] connected");
    let mut decoder = TimestampDecoder::new();
    let mut buffer = [0; 1024];
    loop {
        let received = client.read(&mut buffer)?;
        if received == 0 {
            break;
        }
        decoder.push(&buffer[..received]);
        while let Some(message) = decoder.next_message()? {
            // println! locks stdout for the whole line: lines of two clients never mix.
            println!("[{peer}] {message}");
        }
    }
    if let Some(rest) = decoder.finish() {
        println!("[{peer}] {rest}");
    }
    Ok(())
}
