// Listing 4-4: the lesson crate's decoder finds the messages, whatever the reads brought.
use std::io::Read;
use std::net::TcpListener;

use net_basics::time_protocol::TimestampDecoder;

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or("127.0.0.1:8000".to_string());
    let listener = TcpListener::bind(addr)?;
    println!("waiting for a client on {}...", listener.local_addr()?);
    let (mut client, peer) = listener.accept()?;
    println!("connection from {peer}");

    let mut decoder = TimestampDecoder::new();
    let mut buffer = [0; 1024];
    loop {
        let received = client.read(&mut buffer)?;
        if received == 0 {
            break;
        }
        // Bytes in: any piece of the stream, a part of a message or several.
        decoder.push(&buffer[..received]);
        // Messages out: each complete one, as soon as it is complete.
        while let Some(message) = decoder.next_message()? {
            println!("{message}");
        }
    }
    // The stream ended: a message cut short is still shown, not lost.
    if let Some(rest) = decoder.finish() {
        println!("{rest}");
    }
    println!("{peer} left: end of stream");
    Ok(())
}
