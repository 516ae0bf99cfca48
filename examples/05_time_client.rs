//! Example 05: the time client of the lesson — book chapter 5.
//!
//! ```text
//! cargo run --example 05_time_client                                  # 127.0.0.1:8000, every second, forever
//! cargo run --example 05_time_client -- 127.0.0.1:8000 --count 3 --interval 0.5
//! ```
//!
//! It connects to the time server (`cargo run --example 04_time_server`, started first) and
//! sends its local time as `YYYY-MM-DD HH:MM:SS` followed by `\n`, once per interval, printing
//! each message it sends. Ctrl-C stops it; the server then says that this client left.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use chrono::Local;
use clap::Parser;
use net_basics::explain;
// The lesson's pieces: the reference `solutions/ex05_time_client.rs`, or with `--features mine` your
// own `exercises/ex05_time_client.rs` — then this program runs your code.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex05_time_client.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex05_time_client.rs")]
#[allow(dead_code)] // the program uses some of the exercise's functions, not all
mod ex05_time_client;
use ex05_time_client::format_timestamp;

/// The time client of the lesson: sends its local time to the time server every second.
#[derive(Parser)]
#[command(after_help = "Start the server first: cargo run --example 04_time_server")]
struct Args {
    /// The server's address: its IP address and port
    #[arg(default_value = "127.0.0.1:8000", value_parser = explain::socket_address)]
    addr: SocketAddr,

    /// Send this many timestamps, then exit (default: until stopped with Ctrl-C)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    count: Option<u64>,

    /// Seconds between two timestamps; fractions are fine (0.05)
    #[arg(long, default_value = "1", value_parser = parse_interval, allow_negative_numbers = true)]
    interval: Duration,
}

/// How long to wait for the server to answer a connection request before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: run
/// Connects, then sends a timestamp per interval; an `Err` is one line for the user.
fn run(args: &Args) -> Result<(), String> {
    let addr = args.addr;
    // ① create and ② connect in one call: the OS picks our own address and a free port.
    let mut stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)
        .map_err(|err| explain::connect_error(addr, &err))?;
    // Each message is one small write; send it at once instead of waiting to fill a packet.
    // (If this fails, messages only leave a little later: nothing to report.)
    let _ = stream.set_nodelay(true);
    let me = stream
        .local_addr()
        .map_or_else(|_| "?".to_owned(), |me| me.to_string());
    say(&format!(
        "connected to {addr} from {me} (the server shows this address)"
    ))?;

    let mut sent: u64 = 0;
    loop {
        // The server never talks unless it is about to close the connection: check first, so
        // a server that went away is noticed before we write into the void.
        check_server(&stream).map_err(|err| explain::connection_lost(addr, &err))?;
        // ③ send: one message, with the `\n` that tells the server where it ends.
        let timestamp = format_timestamp(&Local::now());
        stream
            .write_all(format!("{timestamp}\n").as_bytes())
            .map_err(|err| explain::connection_lost(addr, &err))?;
        say(&format!("sent {timestamp}"))?;
        sent += 1;
        if args.count == Some(sent) {
            return Ok(()); // ④ close: dropping `stream` ends the connection; the server sees it
        }
        thread::sleep(args.interval);
    }
}
// ANCHOR_END: run

// ANCHOR: check
/// Whether the connection is still open, without waiting: `Ok` if the server is still there.
///
/// Why: when the server goes away, a write to its old connection still succeeds once (the
/// bytes are handed to the OS, and only the server's side answers "no such connection"), so a
/// client that only writes notices a second later. Reading tells at once: 0 bytes means
/// end of stream, and whatever the server said before closing (e.g. "server busy…") is the
/// reason. If the server closed while our last timestamp was still unread, its side answers
/// with a reset instead of an end of stream: what it said before is still the reason.
fn check_server(mut stream: &TcpStream) -> io::Result<()> {
    let mut said = Vec::new();
    let mut buffer = [0; 1024];
    stream.set_nonblocking(true)?;
    // Bounded: a server that keeps talking (not ours) must not keep us in this loop.
    let mut outcome = Ok(());
    for _ in 0..64 {
        match stream.read(&mut buffer) {
            // Nothing more to read: the usual case, the server is listening quietly.
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => {
                let kind = err.kind();
                outcome = Err(server_said(&said).map_or(err, |why| io::Error::new(kind, why)));
                break;
            }
            Ok(0) => {
                let why = server_said(&said)
                    .unwrap_or_else(|| "the server closed the connection".to_owned());
                outcome = Err(io::Error::new(io::ErrorKind::UnexpectedEof, why));
                break;
            }
            Ok(received) if said.len() < 4096 => said.extend_from_slice(&buffer[..received]),
            Ok(_) => {} // a server that talks this much is not ours: ignore the rest
        }
    }
    stream.set_nonblocking(false)?;
    outcome
}

/// `the server said: …` if the server sent any text before it closed.
fn server_said(said: &[u8]) -> Option<String> {
    let said = String::from_utf8_lossy(said);
    let said = said.trim();
    (!said.is_empty()).then(|| format!("the server said: {said}"))
}
// ANCHOR_END: check

/// Prints one line to stdout. If stdout is gone (say, `| head -3` has read enough), stop.
fn say(line: &str) -> Result<(), String> {
    writeln!(io::stdout(), "{line}").map_err(|err| format!("cannot print to stdout: {err}"))
}

/// Seconds as a decimal number: `1`, `0.5`, `0.05`; from 0 up to one day.
fn parse_interval(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("expected a number of seconds such as 1 or 0.05, got {text:?}"))?;
    if !(0.0..=86_400.0).contains(&seconds) {
        return Err(format!(
            "expected between 0 and 86400 seconds (one day), got {text}"
        ));
    }
    // In range and not NaN (NaN is in no range), so this cannot fail.
    Ok(Duration::from_secs_f64(seconds))
}
