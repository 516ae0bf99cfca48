// Listing 4-2: a read of 0 bytes is the end of the stream — the client left.
use std::io::Read;
use std::net::TcpListener;

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or("127.0.0.1:8000".to_string());
    // Create, bind and listen in one call (chapter 3; on Unix with SO_REUSEADDR).
    let listener = TcpListener::bind(addr)?;
    println!("waiting for a client on {}...", listener.local_addr()?);
    let (mut client, peer) = listener.accept()?;
    println!("connection from {peer}");

    let mut buffer = [0; 1024];
    loop {
        let received = client.read(&mut buffer)?;
        if received == 0 {
            // Not "nothing yet" (then `read` waits): the client closed its side.
            println!("{peer} left: end of stream");
            return Ok(());
        }
        // Any bytes, any size: show them as text, with � for what is not UTF-8.
        println!(
            "client time: {}",
            String::from_utf8_lossy(&buffer[..received])
        );
    }
}
