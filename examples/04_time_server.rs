//! Example 04: the time server of the lesson — book chapter 5.
//!
//! ```text
//! cargo run --example 04_time_server                  # listens on 127.0.0.1:8000
//! cargo run --example 04_time_server -- 127.0.0.1:0   # any free port
//! ```
//!
//! Clients (`cargo run --example 05_time_client`) send their local time, one timestamp per
//! second; the server prints each one with the client's address. Every client gets its own
//! thread, so many can be connected at once, and a client that waits costs nothing.
//!
//! What it prints on stdout, one line per event:
//!
//! ```text
//! listening on 127.0.0.1:8000
//! [127.0.0.1:50412] connected
//! [127.0.0.1:50412] client time: 2026-11-25 09:50:00 (offset +0 s)
//! [127.0.0.1:50412] not a timestamp: "hello"
//! [127.0.0.1:50412] disconnected after 1 timestamp
//! ```
//!
//! The offset is the client's time minus the server's, in whole seconds: two programs on one
//! machine share a clock, so it is +0 s; a client elsewhere shows how far its clock is off.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use chrono::Local;
use clap::Parser;
use net_basics::explain;
// The lesson's pieces: the reference `solutions/ex03_socket2_listener.rs`, or with `--features mine` your
// own `exercises/ex03_socket2_listener.rs` — then this program runs your code.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex03_socket2_listener.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex03_socket2_listener.rs")]
#[allow(dead_code)] // the program uses some of the exercise's functions, not all
mod ex03_socket2_listener;
use ex03_socket2_listener::open_listener;
use net_basics::time_protocol::{LineTooLong, Message, TimestampDecoder};

/// The time server of the lesson: prints every timestamp its clients send.
#[derive(Parser)]
#[command(after_help = "Then, in a second terminal: cargo run --example 05_time_client")]
struct Args {
    /// Where to listen: an IP address of this machine and a port (port 0: any free port)
    #[arg(default_value = "127.0.0.1:8000", value_parser = explain::socket_address)]
    addr: SocketAddr,

    /// How many clients may be connected at once; past it, a new client is told so and closed
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_clients: u32,
}

/// How many connections the OS may queue before we accept them (the lesson's `listen(127)`).
const BACKLOG: i32 = 127;

/// The stack of each client's thread. Threads are cheap but not free: the default stack is
/// 2 MiB of address space each. Serving one client needs far less, and a small stack lets
/// ten thousand clients fit comfortably.
const CLIENT_STACK: usize = 128 * 1024;

/// Each client's first read buffer. It doubles (up to [`MAX_READ`]) whenever a read fills it:
/// a client sending a line a second never needs more, a client sending flat out gets big reads.
const FIRST_READ: usize = 4 * 1024;
const MAX_READ: usize = 64 * 1024;

/// After a failed `accept` (say, out of file descriptors) wait this long before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

fn main() -> ExitCode {
    let args = Args::parse();

    // ANCHOR: listen
    // ①–④ create, options, bind, listen: the steps of chapter 4, with SO_REUSEADDR so that a
    // restarted server can bind at once while the old connections linger on the port.
    let listener = match open_listener(args.addr, BACKLOG) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("{}", explain::bind_error(args.addr, &err));
            return ExitCode::FAILURE;
        }
    };
    // With port 0 the OS picked the port: print the address we really got, at once, so a
    // person (or a test) knows where to connect.
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(err) => {
            eprintln!("{}", explain::bind_error(args.addr, &err));
            return ExitCode::FAILURE;
        }
    };
    print_lines(&format!("listening on {addr}\n"));
    // ANCHOR_END: listen

    accept_forever(&listener, args.max_clients as usize)
}

// ANCHOR: accept
/// ⑤ Accept clients, one thread each, until the server is stopped (Ctrl-C).
fn accept_forever(listener: &TcpListener, max_clients: usize) -> ! {
    let connected = Arc::new(AtomicUsize::new(0));
    let mut failing = false;
    loop {
        let (stream, peer) = match listener.accept() {
            Ok(accepted) => {
                if failing {
                    eprintln!("accept works again");
                    failing = false;
                }
                accepted
            }
            // A client that gave up before we accepted it, or a signal: just go on.
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::ConnectionAborted | io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            // Out of file descriptors or memory: the client waits in the backlog. Say so once,
            // and wait a little instead of retrying in a loop that burns a whole core.
            Err(err) => {
                if !failing {
                    eprintln!("accept failed: {err}; retrying every {ACCEPT_BACKOFF:?}");
                    failing = true;
                }
                thread::sleep(ACCEPT_BACKOFF);
                continue;
            }
        };
        // A bound on threads: one client, or a flood of them, cannot take the server down.
        let Some(slot) = ClientSlot::take(&connected, max_clients) else {
            refuse(stream, peer, max_clients);
            continue;
        };
        let spawned = thread::Builder::new()
            .name(format!("client {peer}"))
            .stack_size(CLIENT_STACK)
            .spawn(move || serve(stream, peer, slot));
        if let Err(err) = spawned {
            // The closure, with the connection and the slot, is dropped: the client is closed.
            print_lines(&format!("[{peer}] refused: cannot start a thread: {err}\n"));
        }
    }
}
// ANCHOR_END: accept

// ANCHOR: slot
/// One of the `--max-clients` places. Dropping it gives the place back — also when the
/// client's thread ends early with an error or a panic.
struct ClientSlot(Arc<AtomicUsize>);

impl ClientSlot {
    /// Takes a place if fewer than `max` are taken.
    fn take(connected: &Arc<AtomicUsize>, max: usize) -> Option<ClientSlot> {
        connected
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| ClientSlot(Arc::clone(connected)))
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Too many clients: tell this one why in one line, close it, and keep serving the others.
fn refuse(mut stream: TcpStream, peer: SocketAddr, max_clients: usize) {
    let plural = if max_clients == 1 { "" } else { "s" };
    let why =
        format!("already serving {max_clients} client{plural}, the most allowed (--max-clients)");
    // A short line into a fresh connection's empty send buffer: this does not block.
    let _ = writeln!(stream, "server busy: {why}; try again later");
    print_lines(&format!("[{peer}] refused: {why}\n"));
} // `stream` is dropped here: ⑦ close
// ANCHOR_END: slot

/// How a client's connection ended.
enum Ending {
    /// A read returned 0 bytes: the client closed its end (end of stream).
    Left,
    /// A read failed, e.g. "connection reset by peer" when the client's machine cut it off.
    Failed(io::Error),
    /// The client sent more than the decoder buffers without a `\n`.
    TooLong(LineTooLong),
}

// ANCHOR: serve
/// ⑥ Serve one client: read whatever has arrived, decode it, print it, and again — until the
/// client leaves. A blocking `read` waits without using the CPU, and it blocks only this thread.
fn serve(mut stream: TcpStream, peer: SocketAddr, slot: ClientSlot) {
    let prefix = format!("[{peer}] ");
    print_lines(&format!("{prefix}connected\n"));
    let mut decoder = TimestampDecoder::new();
    let mut buffer = vec![0; FIRST_READ];
    let mut lines = String::new();
    let mut timestamps = 0;
    let ending = loop {
        let received = match stream.read(&mut buffer) {
            Ok(0) => break Ending::Left, // end of stream, NOT "nothing yet": read would wait
            Ok(received) => received,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => break Ending::Failed(err),
        };
        decoder.push(&buffer[..received]);
        if received == buffer.len() && buffer.len() < MAX_READ {
            buffer.resize(buffer.len() * 2, 0); // a busy client: read more at a time
        }
        // All complete messages of this read become one batch of lines, printed at once.
        lines.clear();
        let decoded = describe_messages(&mut decoder, &prefix, &mut timestamps, &mut lines);
        if let Err(too_long) = decoded {
            print_lines(&lines); // what came before the long line
            break Ending::TooLong(too_long);
        }
        print_lines(&lines);
    };
    // ANCHOR_END: serve

    // ANCHOR: ending
    let plural = if timestamps == 1 { "" } else { "s" };
    // A message cut short by the end of the stream, or by a reset, is still reported.
    // (After a line that was too long, `finish` has nothing: that line was refused, not cut.)
    let rest = decoder
        .finish()
        .map_or_else(String::new, |rest| format!("{prefix}{rest}\n"));
    let last_words = match ending {
        Ending::Left => {
            rest + &format!("{prefix}disconnected after {timestamps} timestamp{plural}\n")
        }
        Ending::Failed(err) => {
            rest + &format!("{prefix}disconnected after {timestamps} timestamp{plural}: {err}\n")
        }
        Ending::TooLong(too_long) => {
            // Tell the client why (it may not be listening; that is fine), then close.
            let _ = writeln!(stream, "{too_long}; closing the connection");
            format!("{prefix}closed: {too_long} (after {timestamps} timestamp{plural})\n")
        }
    };
    drop(slot); // the place is free again before anyone reads that this client left
    print_lines(&last_words);
} // `stream` is dropped here: ⑦ close
// ANCHOR_END: ending

// ANCHOR: describe
/// Appends one line per complete message in `decoder` to `lines`. Stops at the first message
/// that is not complete yet (`Ok`), or at a line that is too long (`Err`).
fn describe_messages(
    decoder: &mut TimestampDecoder,
    prefix: &str,
    timestamps: &mut u64,
    lines: &mut String,
) -> Result<(), LineTooLong> {
    use std::fmt::Write; // `write!` into a String
    let mut server_now = None; // read the clock once per batch, and only if needed
    while let Some(message) = decoder.next_message()? {
        match message {
            Message::Timestamp(client_time) => {
                *timestamps += 1;
                let now = *server_now.get_or_insert_with(|| Local::now().naive_local());
                let offset = (client_time.date_time() - now).num_seconds();
                // Writing into a String cannot fail.
                let _ = writeln!(
                    lines,
                    "{prefix}client time: {client_time} (offset {offset:+} s)"
                );
            }
            not_a_timestamp => {
                let _ = writeln!(lines, "{prefix}{not_a_timestamp}");
            }
        }
    }
    Ok(())
}
// ANCHOR_END: describe

// ANCHOR: print
/// Writes whole lines to stdout in one go; the server stops if stdout is gone.
///
/// Every client's thread prints. `stdout().lock()` holds Rust's stdout lock for one `write_all`
/// of whole lines, so lines of different clients never mix mid-line. Stdout is line-buffered:
/// a write that ends in `\n` goes straight out, so under light traffic each line appears the
/// moment it is decoded, and a busy client's batch (hundreds of lines from one `read`) goes out
/// in one system call — which keeps the server fast when its output goes to a file. A bigger
/// buffer of our own (a shared `BufWriter`) would save little more, and would hold lines back
/// until it is full or something flushes it.
fn print_lines(lines: &str) {
    if lines.is_empty() {
        return;
    }
    let mut stdout = io::stdout().lock();
    if let Err(err) = stdout
        .write_all(lines.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // The terminal or the pipe we print to is gone: there is nobody left to serve.
        eprintln!("cannot print to stdout any more ({err}); stopping the server");
        std::process::exit(1);
    }
}
// ANCHOR_END: print
