//! Example 07: the time server of step 4, in async Rust — book chapter 7.
//!
//! ```text
//! cargo run --example 07_async_time_server --features async [-- 127.0.0.1:0]
//! cargo run --example 07_async_time_server --features async,mine   # with YOUR exercises 3 and 7
//! ```
//!
//! Example 04 gives each client a thread; this server gives each a *task*, a state machine that
//! tokio polls when the client's socket has something (epoll on Linux): ONE thread runs them all
//! (one more prints). The rest is example 04's: decoder, lines, options, one-sentence errors.

use std::{net::SocketAddr, panic, process, sync::Arc, time::Duration};

use clap::Parser;
use net_basics::async_stdout::{Prefixed, print};
use net_basics::{explain, serving};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

// The pieces: the reference answers, or with `--features mine` your own exercises.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex03_socket2_listener.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex03_socket2_listener.rs")]
#[allow(dead_code)] // its `accept_one` is step 4's blocking accept: tokio accepts here
mod ex03_socket2_listener;
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex07_async_time_server.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex07_async_time_server.rs")]
mod ex07_async_time_server;
use ex03_socket2_listener::open_listener;
use ex07_async_time_server::handle_client;

#[tokio::main(flavor = "current_thread")] // one thread runs every client's task
async fn main() {
    let args = Args::parse();
    stop_on_panic();
    let listener = listen(args.addr); // exercise 3's listener, handed to tokio
    let addr = listener.local_addr().unwrap_or(args.addr); // a bound socket knows its address
    print(format!("listening on {addr}\n").as_bytes()).await;
    let (max, shown) = (args.max_clients, args.idle_timeout);
    let idle = Some(shown)
        .filter(|idle| !idle.is_zero())
        .unwrap_or(Duration::MAX); // 0: never
    // A place per client: a task that starts takes one, and gives it back when it ends.
    let places = Arc::new(Semaphore::new(max as usize));
    loop {
        // ⑤ accept. While it waits at `.await`, the thread runs the clients' tasks.
        let accepted = listener.accept().await;
        let Ok((stream, peer)) = accepted.inspect_err(|e| eprintln!("accept failed: {e}")) else {
            tokio::time::sleep(Duration::from_millis(100)).await; // retrying at once would spin
            continue;
        };
        let Ok(place) = Arc::clone(&places).try_acquire_owned() else {
            tokio::spawn(refuse(stream, peer, max)); // too many: say why, and close
            continue;
        };
        // ⑥ A task for this client: `spawn` returns at once, and the loop accepts the next.
        tokio::spawn(async move {
            let last = serve(stream, peer, idle, shown).await;
            drop(place); // the place is free before anyone reads "disconnected"
            print(last.as_bytes()).await; // ⑦ close: the connection was dropped in `serve`
        });
    }
}

/// ⑥ One client, as a task: exercise 7's `handle_client` reads until the end of the stream, or
/// until the client is silent for `idle`, and prints each message. Returns the last line.
async fn serve(mut stream: TcpStream, peer: SocketAddr, idle: Duration, shown: Duration) -> String {
    let mut out = Prefixed::new(format!("[{peer}] "));
    let _ = out.write_all(b"connected\n").await; // into memory; printed by `flush`
    let _ = out.flush().await;
    let result = handle_client(&mut stream, &mut out, idle).await;
    let farewell = serving::farewell(&result, shown); // the words of example 04
    if let Some(words) = farewell.tell_client {
        let _ = stream.write_all(words.as_bytes()).await; // tell the client (it may not listen)
    }
    format!("[{peer}] {}\n", farewell.line)
}

/// A client past `--max-clients`: told why in one line, and closed.
async fn refuse(mut stream: TcpStream, peer: SocketAddr, max: u32) {
    let busy = serving::busy(max);
    let told = stream.write_all(busy.as_bytes());
    let _ = tokio::time::timeout(Duration::from_secs(1), told).await; // it may never read
    drop(stream);
    let why = serving::refused_because(max);
    print(format!("[{peer}] refused: {why}\n").as_bytes()).await;
}

/// The lesson's time server, on tokio: prints every timestamp its clients send.
#[derive(Parser)]
#[command(after_help = "Then, in a second terminal: cargo run --example 05_time_client")]
struct Args {
    /// Where to listen: an IP address of this machine and a port (port 0: any free port)
    #[arg(default_value = "127.0.0.1:8000", value_parser = explain::socket_address)]
    addr: SocketAddr,
    /// How many clients may be connected at once; past it, a new client is told so and closed
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_clients: u32,
    /// Close a client that sends nothing for this many seconds (fractions: 0.3; 0: never)
    #[arg(long, default_value = "60", value_parser = explain::seconds, allow_hyphen_values = true)]
    idle_timeout: Duration,
}

/// ①–④ exercise 3's `open_listener` (create, SO_REUSEADDR, bind, listen(127)), then handed to
/// tokio, which wants it non-blocking: its tasks must never wait inside a system call.
fn listen(addr: SocketAddr) -> TcpListener {
    let listener = open_listener(addr, 127).unwrap_or_else(|err| {
        eprintln!("{}", explain::bind_error(addr, &err));
        process::exit(1)
    });
    let tokio_listener = listener
        .set_nonblocking(true)
        .and_then(|()| TcpListener::from_std(listener));
    tokio_listener.unwrap_or_else(|err| {
        eprintln!("cannot listen on {addr}: {err}");
        process::exit(1)
    })
}

/// A panic is a bug (or a `todo!()` of exercise 7): stop the server after its message, as
/// example 04 does. (tokio would otherwise catch it, end that one task, and go on.)
fn stop_on_panic() {
    let report = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        report(info);
        process::exit(101)
    }));
}
