// Listing 7-1: Listing 4-5 on tokio: a task per client, and every task on one thread.
use std::io;
use std::net::SocketAddr;

use net_basics::time_protocol::TimestampDecoder;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};

#[tokio::main(flavor = "current_thread")] // a runtime with ONE thread, which runs `main`
async fn main() -> io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or("127.0.0.1:8000".to_string());
    let listener = TcpListener::bind(addr).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        // While no client comes, `main` waits here, and the thread runs the clients' tasks.
        let (client, peer) = listener.accept().await?;
        // A task, not a thread: `spawn` returns at once, and the loop accepts the next client.
        tokio::spawn(async move {
            let why = match serve(client, peer).await {
                Ok(()) => "end of stream".to_string(),
                Err(err) => err.to_string(),
            };
            println!("[{peer}] left: {why}");
        });
    }
}

/// Listing 4-5's `serve`, with `async` in front and `.await` where it waits.
async fn serve(mut client: TcpStream, peer: SocketAddr) -> io::Result<()> {
    println!("[{peer}] connected");
    let mut decoder = TimestampDecoder::new();
    let mut buffer = [0; 1024];
    loop {
        // Nothing has arrived? The task stops here, and the thread goes on with other tasks.
        let received = client.read(&mut buffer).await?;
        if received == 0 {
            break;
        }
        decoder.push(&buffer[..received]);
        while let Some(message) = decoder.next_message()? {
            println!("[{peer}] {message}");
        }
    }
    if let Some(rest) = decoder.finish() {
        println!("[{peer}] {rest}");
    }
    Ok(())
}
