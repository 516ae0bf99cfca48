//! Example 06: ask a real time server what time it is, over UDP — book chapter 6.
//!
//! ```text
//! cargo run --example 06_sntp_client                      # pool.ntp.org: this leaves your machine
//! cargo run --example 06_sntp_client -- 127.0.0.1:11123   # a server on this machine (chapter 6)
//! cargo run --example 06_sntp_client --features mine      # the same, with YOUR exercise 6
//! ```
//!
//! NTP (RFC 5905; its simple form SNTP, RFC 4330) runs over UDP: one 48-byte datagram each way.
//! Our request carries our clock's time as it leaves (t1); the reply carries the server's clock's
//! time when the request arrived (t2) and when the reply left (t3); we note our clock's time when
//! the reply arrives (t4). Exercise 6's `ask` does the talking, its `Exchange` the arithmetic:
//!
//!   delay  = (t4 − t1) − (t3 − t2)         the round trip, less the server's own time
//!   offset = ((t2 − t1) + (t3 − t4)) / 2   how far our clock is behind the server's
//!
//! Why the network's delay cancels out: say our clock is θ behind, and each direction takes d.
//! Then t2 − t1 = θ + d and t3 − t4 = θ − d: their sum is 2θ, and d is gone. Only a difference
//! between the two directions stays in the offset, halved, as its error.
//!
//! UDP loses datagrams without a word: each request gets `--timeout` seconds, and after `--tries`
//! requests the client gives up, never later than TRIES × TIMEOUT (3 s).

use std::io::ErrorKind::{ConnectionRefused, ConnectionReset};
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::Parser;
use net_basics::explain;

// The lesson's piece: the reference answer, or with `--features mine` your own exercise 6.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex06_sntp_client.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex06_sntp_client.rs")]
#[allow(dead_code)] // `ask` uses the other pieces; this file does not
mod ex06_sntp_client;
use ex06_sntp_client::{AskError, ask};

/// Asks an NTP server for the time over UDP (SNTP), and says how far this machine's clock is off.
#[derive(Parser)]
#[command(name = "06_sntp_client", bin_name = "06_sntp_client")]
struct Args {
    /// The server: a name or IP address, and a port if not 123 (pool.ntp.org, 127.0.0.1:11123)
    #[arg(default_value = "pool.ntp.org")]
    server: String,
    /// Seconds to wait for the answer to each request; fractions are fine (0.5)
    #[arg(long, default_value = "1", value_parser = timeout)]
    timeout: Duration,
    /// Requests to send before giving up: no answer within TRIES × TIMEOUT ends the program
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    tries: u32,
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Asks the server, or says in one sentence why it could not.
fn run(args: &Args) -> Result<(), String> {
    let addr = resolve(&args.server)?;
    // "Connecting" a UDP socket sends nothing: it picks the route, and from then on the kernel
    // passes us only datagrams from that address and port.
    let any = ["[::]:0", "0.0.0.0:0"][usize::from(addr.is_ipv4())]; // any address, any port
    let socket = UdpSocket::bind(any)
        .and_then(|socket| socket.connect(addr).map(|()| socket))
        .map_err(|err| format!("cannot reach {addr}: {err} (see book chapter 6)"))?;
    let (tries, each) = (args.tries, args.timeout.as_secs_f64());
    say(&format!("asking {addr}: at most {tries} × {each} s"))?;
    let exchange = ask(&socket, args.timeout, tries, Utc::now).map_err(|err| match err {
        AskError::NoAnswer => format!(
            "no answer from {addr} to {tries} requests, {each} s each: UDP does not say whether \
             a datagram arrived, so no server, a firewall and lost datagrams all look the same \
             (see book chapter 6)"
        ),
        AskError::KissOfDeath(code) => format!(
            "{addr} refused to serve us, a kiss-o'-death with code {code:?} (RATE: too often; \
             DENY, RSTR: not allowed): do not ask it again soon (see book chapter 6)"
        ),
        // "Port unreachable" came back: Unix reports it as refused, Windows as reset.
        AskError::Io(err) if matches!(err.kind(), ConnectionRefused | ConnectionReset) => {
            format!("nothing listens on UDP port {addr}: \"port unreachable\" (see book chapter 6)")
        }
        AskError::Io(err) => format!("could not ask {addr}: {err} (see book chapter 6)"),
    })?;
    let time = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M:%S%.6f UTC");
    let lost = match exchange.requests {
        1 => String::new(),
        n => format!(
            "request {n} was answered; {} before it got no answer within {each} s (UDP lost a \
             datagram, and said nothing)\n",
            n - 1
        ),
    };
    say(&format!(
        "{lost}the server's clock: {} (stratum {}), as its reply left\nthis machine's:     {}, \
         as the reply arrived\nround trip:         {:.6} s on the network\noffset:             \
         {:+.6} s: how far this machine's clock is behind the server's\n                    \
         (± half the round trip; exact only if both ways took equally long)",
        time(exchange.t3),
        exchange.stratum,
        time(exchange.t4),
        exchange.delay().as_seconds_f64(),
        (exchange.offset().as_seconds_f64() * 1e6).round() / 1e6 + 0.0, // never "-0.000000"
    ))
}

/// The server's address, with NTP's port 123 when none is given. A name is looked up, and what
/// it resolved to is said; like most clients, we ask the first address (RFC 4330, section 10).
fn resolve(server: &str) -> Result<SocketAddr, String> {
    let host = server.trim_start_matches('[').trim_end_matches(']'); // [::1] is ::1
    let found = match host.parse::<IpAddr>() {
        Ok(ip) => return Ok(SocketAddr::new(ip, 123)), // an address, no port
        Err(_) if server.contains(':') => server.to_socket_addrs(), // name:port, address:port
        Err(_) => (server, 123).to_socket_addrs(),     // a name
    };
    let found: Vec<SocketAddr> = found
        .map_err(|err| format!("cannot look up {server:?}: {err} (see book chapter 6)"))?
        .collect();
    let ips: Vec<String> = found.iter().map(|addr| addr.ip().to_string()).collect();
    if server.parse::<SocketAddr>().is_err() {
        say(&format!("{server} is {}", ips.join(", ")))?;
    }
    let none = format!("{server:?} has no address (see book chapter 1)");
    found.first().copied().ok_or(none)
}

/// `--timeout`: seconds, from a millisecond (a read timeout of 0 is refused) to a minute.
fn timeout(text: &str) -> Result<Duration, String> {
    let wait = explain::seconds(text).unwrap_or_default();
    let fits = (Duration::from_millis(1)..=Duration::from_secs(60)).contains(&wait);
    let why = format!("expected seconds from 0.001 to 60, such as 0.5, got {text:?}");
    fits.then_some(wait).ok_or(why)
}

/// Prints lines to stdout at once; a closed stdout becomes the sentence that says so.
fn say(lines: &str) -> Result<(), String> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{lines}")
        .and_then(|()| stdout.flush())
        .map_err(|err| explain::cannot_print(&err))
}
