// Listing 4-3: framing by lines — a message ends at `\n`.
use std::io::{BufRead, BufReader};
use std::net::TcpListener;

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or("127.0.0.1:8000".to_string());
    let listener = TcpListener::bind(addr)?;
    println!("waiting for a client on {}...", listener.local_addr()?);
    let (client, peer) = listener.accept()?;
    println!("connection from {peer}");

    // A BufReader keeps what one read brought past the `\n` for the next line.
    let mut reader = BufReader::new(client);
    let mut line = Vec::new();
    loop {
        line.clear();
        // Reads as often as it must, until a `\n` — or the end of the stream (0).
        if reader.read_until(b'\n', &mut line)? == 0 {
            println!("{peer} left: end of stream");
            return Ok(());
        }
        let text = String::from_utf8_lossy(line.trim_ascii());
        println!("client time: {text}");
    }
}
