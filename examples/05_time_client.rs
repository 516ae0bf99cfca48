//! Example 05: the lesson's time client — book chapter 5.
//!
//! ```text
//! cargo run --example 05_time_client                     # to 127.0.0.1:8000, every second, for ever
//! cargo run --example 05_time_client -- localhost:8000 --count 3 --interval 0.5
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
//! or closed without reading becomes an error, not a silent success — and so does one that
//! never closes while our bytes still wait in this machine's send queue.

use std::io::{self, ErrorKind::UnexpectedEof, Write};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use chrono::Local;
use clap::Parser;
use net_basics::{address::Address, connection, explain, time_protocol::escape};

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
    /// The server's address: its IP address or name (localhost), and its port
    #[arg(default_value = "127.0.0.1:8000", value_parser = explain::socket_address)]
    addr: Address,
    /// Send this many timestamps, then exit (default: until stopped with Ctrl-C)
    #[arg(long, value_parser = explain::timestamp_count, allow_hyphen_values = true)]
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
    let printed = |err: io::Error| explain::cannot_print(&err);
    // A name stands for one or more addresses: say which; they are tried in turn, as std does.
    if let Some(note) = args.addr.lookup_note("") {
        say(note).map_err(printed)?;
    }
    // ① create and ② connect in one call; the OS picks our own address and port.
    let connected = (args.addr).try_each(|addr| TcpStream::connect_timeout(&addr, CONNECT));
    let connected = connected.map_err(|(addr, err)| explain::connect_error(addr, &err))?;
    for (tried, err) in &connected.failed {
        say(format!(
            "could not connect to {tried} ({err}); tried the next address"
        ))
        .map_err(printed)?;
    }
    let (stream, addr) = (connected.value, connected.addr);
    let _ = stream.set_nodelay(true); // send each small message at once (if not: a bit later)
    let timeout = Some(args.write_timeout).filter(|timeout| !timeout.is_zero()); // 0: never
    let _ = stream.set_write_timeout(timeout); // fails only for a zero timeout: `None` here
    let me = stream.local_addr().map_err(|err| err.to_string())?; // connected: it has one
    say(format!("connected to {addr} from {me}")).map_err(printed)?;

    // ③ send: exercise 5's loop, writing through `Shown`, which also prints each message.
    let mut shown = Shown(&stream, Vec::new(), None, 0);
    let count = args.count.map_or(usize::MAX, |count| count as usize);
    let sent = send_timestamps(&mut shown, count, args.interval, Local::now);
    shown.2.map_or(Ok(()), Err)?; // printing failed: that is why we stopped
    // A write failed, or the server spoke first: what it said tells why (busy?), else the error.
    if let Err(err) = sent {
        let (said, ended) = connection::last_words(&stream, SHORT);
        return Err(explain::sending_failed(addr, &err, &said, &ended));
    }

    // ④ close our sending side, then wait for the server's end of stream: it has read it all.
    let _ = stream.shutdown(Shutdown::Write); // fails only if the connection is gone: see below
    let (said, ended) = connection::last_words(&stream, GOODBYE);
    // Not closed in time: still reading, or not reading at all? Our send queue tells.
    let unsent = || connection::unsent_bytes(&stream);
    if let Some(note) = explain::goodbye(addr, &said, ended, unsent, shown.3, GOODBYE)? {
        eprintln!("note: {note}"); // a success, with a remark
    }
    Ok(())
}

/// The connection as `send_timestamps` sees it: bytes go to the server, and each `flush` (one
/// per message) prints the message that just left as `sent …`. If printing fails (stdout is
/// closed), the sentence for it is kept in `.2`, and the client stops with it. `.3` counts the
/// bytes sent. Before a message, it checks that the server has not spoken (or closed): a
/// refusal is read before the next write runs into it (src/connection.rs).
struct Shown<'a>(&'a TcpStream, Vec<u8>, Option<String>, u64);

impl Write for Shown<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.1.is_empty() && connection::peer_has_spoken(self.0) {
            return Err(io::Error::new(UnexpectedEof, "the server spoke first"));
        }
        let written = self.0.write(bytes)?;
        self.1.extend_from_slice(&bytes[..written]);
        self.3 += written as u64;
        Ok(written)
    }
    fn flush(&mut self) -> io::Result<()> {
        let message = String::from_utf8_lossy(&self.1).into_owned();
        self.1.clear();
        // An error stops send_timestamps; `run` then shows the sentence kept in `.2`.
        say(format!("sent {}", escape(message.trim_end())))
            .inspect_err(|err| self.2 = Some(explain::cannot_print(err)))
    }
}

/// Prints one line to stdout at once.
fn say(line: String) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{line}").and_then(|()| stdout.flush())
}
