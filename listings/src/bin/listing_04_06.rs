// ANCHOR: all_but_serve
// Listing 4-6: a bound on clients, and a timeout for a client that goes silent.
use std::io::ErrorKind::{TimedOut, WouldBlock};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::thread;
use std::time::Duration;

use net_basics::time_protocol::TimestampDecoder;

static CONNECTED: AtomicUsize = AtomicUsize::new(0);

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or("127.0.0.1:8000".to_string());
    let max: usize = args
        .next()
        .map_or(100, |n| n.parse().expect("a number of clients"));
    let idle: f64 = args
        .next()
        .map_or(60.0, |s| s.parse().expect("a number of seconds"));
    let listener = TcpListener::bind(addr)?;
    println!(
        "listening on {} (at most {max} clients)",
        listener.local_addr()?
    );
    loop {
        let (mut client, peer) = listener.accept()?;
        // A thread per client costs memory: past the bound, say why and close.
        if CONNECTED.fetch_add(1, SeqCst) >= max {
            CONNECTED.fetch_sub(1, SeqCst);
            let _ = writeln!(
                client,
                "server busy: {max} clients already; try again later"
            );
            println!("[{peer}] refused: {max} clients already");
            continue;
        }
        // TCP does not tell us when a client's machine dies: no FIN, no RST arrives, and
        // `read` would wait for ever. A read timeout turns a long silence into an error.
        client.set_read_timeout(Some(Duration::from_secs_f64(idle)))?;
        thread::spawn(move || {
            let why = match serve(client, peer) {
                Ok(()) => "end of stream".to_string(),
                // A timed-out read: typically WouldBlock on Unix, TimedOut on Windows.
                Err(err) if matches!(err.kind(), WouldBlock | TimedOut) => {
                    format!("silent for {idle} s")
                }
                Err(err) => err.to_string(),
            };
            CONNECTED.fetch_sub(1, SeqCst); // the place is free again
            println!("[{peer}] left: {why}");
        });
    }
}

// ANCHOR_END: all_but_serve
/// Listing 4-5's `serve`, unchanged.
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
            println!("[{peer}] {message}");
        }
    }
    if let Some(rest) = decoder.finish() {
        println!("[{peer}] {rest}");
    }
    Ok(())
}
