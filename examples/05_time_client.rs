//! Example 05: the lesson's time client — book chapter 5.
//!
//! ```text
//! cargo run --example 05_time_client                     # to 127.0.0.1:8000, every second, for ever
//! cargo run --example 05_time_client -- 127.0.0.1:8000 --count 3 --interval 0.5
//! cargo run --example 05_time_client --features mine     # the same client, running YOUR code
//! ```
//!
//! The lesson's steps: ① create a socket and ② connect to the server (start it first:
//! `cargo run --example 04_time_server`), ③ send the local time once per interval — exercise 5's
//! `send_timestamps`, with a `\n` after each timestamp so the server knows where it ends — and
//! ④ close. Each message is shown as it leaves: `sent 2026-11-25 09:50:00`.
//!
//! A successful `write` only means that the OS took the bytes, not that the server read them.
//! So after the last message the client closes its sending side (the server reads 0 bytes, the
//! end of the stream) and waits a moment for the server to close too: a server that refused us
//! or closed without reading becomes an error, not a silent success.

use std::io::ErrorKind::{Interrupted, TimedOut, WouldBlock};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::Local;
use clap::Parser;
use net_basics::explain;

// The lesson's piece: the reference answer, or with `--features mine` your own exercise 5.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex05_time_client.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex05_time_client.rs")]
#[allow(dead_code)] // a stub may not call its `format_timestamp` yet
mod ex05_time_client;
use ex05_time_client::send_timestamps;

/// The lesson's time client: sends its local time to the time server every second.
#[derive(Parser)]
#[command(bin_name = "05_time_client")] // not `05_time_client.exe` on Windows
#[command(after_help = "Start the server first: cargo run --example 04_time_server")]
struct Args {
    /// The server's address: its IP address and port
    #[arg(default_value = "127.0.0.1:8000", value_parser = explain::socket_address)]
    addr: SocketAddr,
    /// Send this many timestamps, then exit (default: until stopped with Ctrl-C)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    count: Option<u64>,
    /// Seconds between two timestamps; fractions are fine (0.05)
    #[arg(long, default_value = "1", value_parser = explain::seconds, allow_negative_numbers = true)]
    interval: Duration,
    /// Give up when a write waits this many seconds because the server does not read (0: never)
    #[arg(long, default_value = "10", value_parser = explain::seconds)]
    write_timeout: Duration,
}

/// How long we wait for the server to accept us, to close at the end, and (after a failed
/// write) to show what it said before it closed.
const CONNECT: Duration = Duration::from_secs(5);
const GOODBYE: Duration = Duration::from_secs(2);
const SHORT: Duration = Duration::from_millis(100);

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// ①–④; an `Err` is the one sentence to show the user.
fn run(args: Args) -> Result<(), String> {
    let addr = args.addr;
    // ① create and ② connect in one call; the OS picks our own address and port.
    let stream = TcpStream::connect_timeout(&addr, CONNECT)
        .map_err(|err| explain::connect_error(addr, &err))?;
    let _ = stream.set_nodelay(true); // send each small message at once (if not: a bit later)
    let timeout = Some(args.write_timeout).filter(|timeout| !timeout.is_zero()); // 0: never
    let _ = stream.set_write_timeout(timeout); // fails only for a zero timeout: `None` here
    let me = stream.local_addr().map_err(|err| err.to_string())?; // connected: it has one
    say(format!("connected to {addr} from {me}")).map_err(|err| explain::cannot_print(&err))?;

    // ③ send: exercise 5's loop, writing through `Shown`, which also prints each message.
    let mut shown = Shown(&stream, Vec::new(), None);
    let count = args.count.map_or(usize::MAX, |count| count as usize);
    let sent = send_timestamps(&mut shown, count, args.interval, Local::now);
    shown.2.map_or(Ok(()), Err)?; // printing failed: that is why we stopped
    // A write failed: the server went away (what it said first may tell why) or stopped reading.
    sent.map_err(|err| explain::connection_lost(addr, &err) + &last_words(&stream, SHORT).0)?;

    // ④ close our sending side, then wait for the server's end of stream: it has read it all.
    let _ = stream.shutdown(Shutdown::Write); // fails only if the connection is gone: see below
    match last_words(&stream, GOODBYE) {
        (said, Ok(())) if said.is_empty() => Ok(()),
        (said, Ok(())) => Err(format!("the server at {addr} closed the connection{said}")),
        (said, Err(err)) if matches!(err.kind(), WouldBlock | TimedOut) => {
            eprintln!("note: the server at {addr} did not close within {GOODBYE:?}{said}");
            Ok(()) // it may still be reading; nothing went wrong that we know of
        }
        (said, Err(err)) => Err(explain::connection_lost(addr, &err) + &said),
    }
}

/// Reads what the server says until it closes (`Ok`), fails (a reset: it closed with our
/// bytes unread), or `wait` passes; returns it as `; it said: "…"`, escaped, or empty.
fn last_words(mut stream: &TcpStream, wait: Duration) -> (String, io::Result<()>) {
    let (mut said, mut buffer, give_up) = (Vec::new(), [0; 1024], Instant::now() + wait);
    let _ = stream.set_read_timeout(Some(wait)); // fails only for a zero timeout
    let ended = loop {
        if Instant::now() > give_up {
            break Err(io::Error::from(TimedOut)); // a server that talks on and on is not ours
        }
        match stream.read(&mut buffer) {
            // End of stream: the server closed. If our bytes then reached its closed socket,
            // it answered with a reset: our socket keeps that error for us.
            Ok(0) => break stream.take_error().and_then(|err| err.map_or(Ok(()), Err)),
            Ok(n) => said.extend(buffer[..n].iter().take(4096 - said.len())), // keep 4 KiB
            Err(err) if err.kind() == Interrupted => {}
            Err(err) => break Err(err),
        }
    };
    (explain::server_said(&said), ended)
}

/// The connection as `send_timestamps` sees it: bytes go to the server, and each `flush` (one
/// per message) prints the message that just left as `sent …`. If printing fails (stdout is
/// closed), the sentence for it is kept in `.2`, and the client stops with it.
struct Shown<'a>(&'a TcpStream, Vec<u8>, Option<String>);

impl Write for Shown<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.0.write(bytes)?;
        self.1.extend_from_slice(&bytes[..written]);
        Ok(written)
    }
    fn flush(&mut self) -> io::Result<()> {
        let message = String::from_utf8_lossy(&self.1).into_owned();
        self.1.clear();
        // An error stops send_timestamps; `run` then shows the sentence kept in `.2`.
        say(format!("sent {}", message.trim_end().escape_debug()))
            .inspect_err(|err| self.2 = Some(explain::cannot_print(err)))
    }
}

/// Prints one line to stdout at once.
fn say(line: String) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{line}").and_then(|()| stdout.flush())
}
