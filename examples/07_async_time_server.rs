//! Example 07: the time server of step 4, in async Rust — book chapter 7.
//!
//! ```text
//! cargo run --example 07_async_time_server --features async [-- 127.0.0.1:0]
//! cargo run --example 07_async_time_server --features async,mine   # with YOUR exercises 3 and 7
//! ```
//!
//! Example 04 gives each client a thread; this server gives each a *task*, a state machine that
//! tokio polls when the client's socket has something (epoll on Linux): ONE thread runs them all
//! (one more prints). The rest is example 04's, and so are the lines it prints: the decoder, the
//! names and the wildcard's list, the clock notes, the options, the one-sentence errors.

use std::{net::SocketAddr, panic, process, sync::Arc, time::Duration};

use chrono::Local;
use clap::Parser;
use net_basics::address::{self, Address};
use net_basics::async_stdout::{ToPrinter, print};
use net_basics::server_log::{self, ClientLog};
use net_basics::{connection, explain};
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
    let (listener, said) = listen(&args.addr); // exercise 3's listener, handed to tokio
    print(said.as_bytes()).await; // `listening on …`, and what example 04 says after it
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
            turn_away_client(stream, peer, max).await; // too many: say why, and close
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
    // Example 04's writer: `[PEER] ` before each line, a clock note after each timestamp; its
    // lines go to a printing thread, so that no task waits while stdout is slow.
    let clock = || Local::now().naive_local();
    let mut out = ClientLog::new(format!("[{peer}] "), ToPrinter::default(), clock);
    let _ = out.write_all(b"connected\n").await; // into memory; printed by `flush`
    let _ = out.flush().await;
    let result = handle_client(&mut stream, &mut out, idle).await;
    let farewell = server_log::farewell(&result, shown); // the words of example 04
    if let Some(words) = &farewell.tell_client {
        let _ = stream.write_all(words.as_bytes()).await; // tell the client (it may not listen)
    }
    let _ = out.flush().await; // a line handle_client left unflushed comes before the last one
    format!("{}{}\n", out.prefix(), farewell.line)
}

/// A client past `--max-clients`: told why, and closed as example 04 closes it — our end of
/// stream after the line, then what the client sends read and dropped until it closes, so that
/// the close is not a reset (src/connection.rs) — on a short-lived thread of its own.
async fn turn_away_client(stream: TcpStream, peer: SocketAddr, max: u32) {
    let refusal = server_log::refused(max);
    print(format!("[{peer}] {}\n", refusal.line).as_bytes()).await;
    match stream.into_std() {
        Ok(stream) => connection::turn_away(stream, refusal.tell_client),
        Err(err) => eprintln!("[{peer}] closed without a reason: {err}"),
    }
}

/// The lesson's time server, on tokio: prints every timestamp its clients send, beside its clock.
#[derive(Parser)]
#[command(bin_name = "07_async_time_server")] // not `07_async_time_server.exe` on Windows
#[command(after_help = "Then, in a second terminal: cargo run --example 05_time_client")]
struct Args {
    /// Where to listen: an IP address of this machine (0.0.0.0: all of them) or a name such as
    /// localhost, and a port (port 0: any free port)
    #[arg(default_value = "127.0.0.1:8000", value_parser = explain::socket_address)]
    addr: Address,
    /// How many clients may be connected at once; past it, a new client is told so and closed
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_clients: u32,
    /// Close a client that sends nothing for this many seconds (fractions: 0.3; 0: never)
    #[arg(long, default_value = "60", value_parser = explain::seconds, allow_hyphen_values = true)]
    idle_timeout: Duration,
}

/// ①–④ exercise 3's `open_listener` (create, SO_REUSEADDR, bind, listen(127)) on the first
/// address that works, as example 04 does, then handed to tokio, which wants it non-blocking:
/// its tasks must never wait inside a system call. Returns it, and the lines to say.
fn listen(typed: &Address) -> (TcpListener, String) {
    let opened = address::listen(typed, |addr| open_listener(addr, 127));
    let (listener, said) = opened.unwrap_or_else(|why| stop(&why)); // e.g. the port is taken
    let tokio_listener = listener
        .set_nonblocking(true)
        .and_then(|()| TcpListener::from_std(listener));
    let why = |err| format!("cannot hand the listener to tokio: {err}");
    (tokio_listener.unwrap_or_else(|err| stop(&why(err))), said)
}

/// Says why the server cannot start, and stops it.
fn stop(why: &str) -> ! {
    eprintln!("{why}");
    process::exit(1)
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
