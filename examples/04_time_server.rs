//! Example 04: the lesson's time server — book chapter 4.
//!
//! ```text
//! cargo run --example 04_time_server [-- 127.0.0.1:0]   # on 127.0.0.1:8000 [or any free port]
//! cargo run --example 04_time_server --features mine    # the same server, running YOUR code
//! ```
//!
//! A server's steps, as chapter 3 numbers them: ①–④ open a listener (exercise 3), ⑤ accept a
//! client, ⑥ read what it sends and print every timestamp (exercise 4), ⑦ close. Unlike the
//! lesson's server, it ends a client's loop when a read returns 0 bytes — the end of the stream:
//! the client left — and gives each client its own thread, so it takes the next client while the
//! first one talks.
//! After each timestamp it notes how the client's clock compares with its own:
//!
//! ```text
//! listening on 127.0.0.1:8000
//! [127.0.0.1:50412] connected
//! [127.0.0.1:50412] client time: 2026-11-25 09:50:00 (same second as this server)
//! [127.0.0.1:50412] disconnected after 1 timestamp
//! ```
//!
//! For a class: `-- 0.0.0.0:8000` listens on every address and names those students can use.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::process;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::thread;
use std::time::Duration;

use chrono::Local;
use clap::Parser;
use net_basics::address::{self, Address};
use net_basics::server_log::{self, ClientLog};
use net_basics::{connection, explain};

// The lesson's pieces: the reference answers, or with `--features mine` your own exercises.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex03_socket2_listener.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex03_socket2_listener.rs")]
mod ex03_socket2_listener;
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex04_time_server.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex04_time_server.rs")]
mod ex04_time_server;
use ex03_socket2_listener::{accept_one, open_listener};
use ex04_time_server::handle_client;

/// How many clients are connected now (SeqCst: the plain, strict choice for a counter).
static CONNECTED: AtomicUsize = AtomicUsize::new(0);

/// The lesson's time server: prints every timestamp its clients send, beside its own clock.
#[derive(Parser)]
#[command(bin_name = "04_time_server")] // not `04_time_server.exe` on Windows
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

fn main() {
    let args = Args::parse();
    // ①–④ create, SO_REUSEADDR (Unix), bind, listen(127 as in the lesson) — exercise 3. A name may
    // stand for several addresses: the first that works is used, as std's `bind` does.
    let opened = address::listen(&args.addr, |addr| open_listener(addr, 127));
    let (listener, said) = opened.unwrap_or_else(|why| {
        eprintln!("{why}"); // e.g. the port is taken: by whom, and what to do
        process::exit(1)
    });
    // Say where we really listen (port 0: the OS chose), at once, so a client can connect; for
    // a name, what it stood for; for a wildcard, which addresses of this machine clients can use.
    print(said.as_bytes());
    let (max, idle) = (args.max_clients, args.idle_timeout);
    loop {
        // ⑤ accept: a new socket for this client; the listener goes on listening.
        let accepted = accept_one(&listener).inspect_err(|err| eprintln!("accept failed: {err}"));
        let Ok((stream, peer)) = accepted else {
            thread::sleep(Duration::from_millis(100)); // retrying at once would burn a core
            continue;
        };
        if CONNECTED.fetch_add(1, SeqCst) >= max as usize {
            // Too many: say why in one line, and close so that the client can read it.
            CONNECTED.fetch_sub(1, SeqCst);
            let refusal = server_log::refused(max);
            print(format!("[{peer}] {}\n", refusal.line).as_bytes());
            connection::turn_away(stream, refusal.tell_client);
            continue;
        }
        if let Err(err) = thread::Builder::new().spawn(move || {
            // A panic is a bug (or exercise 4's `todo!()`): stop the server, after its message.
            let last = panic::catch_unwind(AssertUnwindSafe(|| serve(&stream, peer, idle)))
                .unwrap_or_else(|_| process::exit(101));
            CONNECTED.fetch_sub(1, SeqCst); // the place is free before anyone reads "disconnected"
            print(last.as_bytes()); // ⑦ close: the connection is dropped as the thread ends
        }) {
            CONNECTED.fetch_sub(1, SeqCst);
            eprintln!("[{peer}] refused: cannot start a thread: {err}");
        }
    }
}

/// ⑥ One client, on its own thread: exercise 4's `handle_client` reads until the end of the
/// stream and prints each message. Returns the last line to print: why the client is gone.
fn serve(stream: &TcpStream, peer: SocketAddr, idle: Duration) -> String {
    // Each line gets `[PEER] ` in front, each timestamp a note against our clock (src/server_log.rs).
    let mut out = ClientLog::new(format!("[{peer}] "), io::stdout(), || {
        Local::now().naive_local()
    });
    if let Err(err) = writeln!(out, "connected").and_then(|()| out.flush()) {
        eprintln!("{}", explain::cannot_print(&err)); // stdout is gone (`| head -1`) or full
        process::exit(1);
    }
    // TCP does not always tell when a peer is gone (a cable pulled, a machine off): a read
    // timeout turns a silence into an error, WouldBlock or TimedOut, that handle_client returns.
    let _ = stream.set_read_timeout((!idle.is_zero()).then_some(idle)); // 0: no timeout
    let result = handle_client(stream, &mut out);
    // Why the client is gone, in words (src/server_log.rs): it left, it was silent past
    // --idle-timeout, its line was too long (then it is told so), or its machine cut it off.
    let farewell = server_log::farewell(&result, idle);
    if let Some(words) = &farewell.tell_client {
        let _ = (&*stream).write_all(words.as_bytes()); // tell the client (it may not listen)
    }
    let _ = out.flush(); // a line handle_client left unflushed comes before the last one
    format!("{}{}\n", out.prefix(), farewell.line)
}

/// Writes whole lines to stdout at once; if stdout is gone (`| head -1`) or full, stops (exit 1).
fn print(lines: &[u8]) {
    let mut stdout = io::stdout().lock(); // one client at a time: lines never mix
    if let Err(err) = stdout.write_all(lines).and_then(|()| stdout.flush()) {
        eprintln!("{}", explain::cannot_print(&err));
        process::exit(1);
    }
}
