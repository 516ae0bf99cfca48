//! Example 03: a TCP server, one step at a time — book chapter 3.
//!
//! ```text
//! cargo run --example 03_socket2_listener                   # listens on 127.0.0.1:8000
//! cargo run --example 03_socket2_listener -- 127.0.0.1:0    # any free port
//! cargo run --example 03_socket2_listener --features mine   # the same, with YOUR exercise 3
//! ```
//!
//! TCP is connection-oriented: before any data flows, the client's `connect` and the server's
//! kernel complete a handshake; then bytes arrive complete and in order. A socket is the OS's
//! handle on one end. A server's steps, as this book numbers them: ① create ② options ③ bind
//! ④ listen ⑤ accept ⑥ talk ⑦ close (the lesson's own ①–⑤, ⑦ have no options step: chapter 3).
//! Exercise 3's `open_listener` does ①–④ with socket2 (one system call per step),
//! `accept_one` does ⑤. This program calls them, asks the kernel what it really did (options,
//! port, backlog) and prints what one client sends until it closes. Try `nc 127.0.0.1 PORT`.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use clap::Parser;
use net_basics::{address::Address, explain, time_protocol::escape};
use socket2::SockRef;
// The lesson's pieces: the reference `solutions/ex03_socket2_listener.rs`, or with
// `--features mine` your own `exercises/ex03_socket2_listener.rs` — then this runs your code.
#[cfg_attr(not(feature = "mine"), path = "../solutions/ex03_socket2_listener.rs")]
#[cfg_attr(feature = "mine", path = "../exercises/ex03_socket2_listener.rs")]
mod ex03_socket2_listener;
use ex03_socket2_listener::{accept_one, open_listener};

/// A TCP server built step by step with socket2: it accepts one client and prints what it sends.
#[derive(Parser)]
#[command(bin_name = "03_socket2_listener")] // not `03_socket2_listener.exe` on Windows
#[command(after_help = "Then, in a second terminal: nc 127.0.0.1 PORT (Windows: as step ⑤ says)")]
struct Args {
    /// Where to listen: an IP address of this machine (or a name: localhost) and a port (0: any)
    #[arg(default_value = "127.0.0.1:8000", value_parser = explain::socket_address)]
    addr: Address,

    /// How many connected clients the OS may queue until the server accepts them
    // Not negative: Linux would quietly use its maximum instead, and print a misleading number.
    #[arg(long, default_value_t = 127, value_parser = clap::value_parser!(i32).range(0..))]
    backlog: i32,
}

/// `say!("…{x}…")`: prints one step (a `format!` string) and flushes it at once, so whoever
/// reads our output (you, a pipe, a test) sees each step as it happens.
macro_rules! say {
    ($($step:tt)*) => { print_step(format!($($step)*)) };
}

fn main() -> ExitCode {
    let args = Args::parse();
    run(args.addr, args.backlog).unwrap_or_else(|message| {
        eprintln!("{message}");
        ExitCode::FAILURE
    })
}

fn run(address: Address, backlog: i32) -> Result<ExitCode, String> {
    if let Some(note) = address.lookup_note("bind takes one address: here, the first") {
        say!("{note}")?; // a name, looked up (chapter 1)
    }
    let addr = address.first();
    // ANCHOR: open_listener
    // ①–④ in one call to exercise 3. A failure is about the address: in use, not this
    // machine's, a privileged port — `explain` says which, and what to do.
    say!("①–④ open_listener({addr}, backlog {backlog}): create, options, bind, listen")?;
    let listener = open_listener(addr, backlog)
        .map_err(|err| format!("error: {}", explain::bind_error(addr, &err)))?;
    // ANCHOR_END: open_listener

    // ANCHOR: kernel
    // What did the kernel make of it? Ask the socket itself (socket2's `SockRef` borrows it).
    let socket = SockRef::from(&listener);
    let bound = listener.local_addr().unwrap_or(addr);
    let family = if bound.is_ipv4() { "IPv4" } else { "IPv6" };
    say!("① create  a TCP socket: {family}, stream")?;
    let reuse = on_off(socket.reuse_address());
    let means = explain::reuse_address_means(std::env::consts::OS); // Windows: not this
    say!("② option  SO_REUSEADDR {reuse} — {means}")?;
    if bound.is_ipv6() {
        let v6only = on_off(socket.only_v6());
        say!("② option  IPV6_V6ONLY {v6only} — this socket serves IPv6 clients only")?;
    }
    // Port 0 asks the OS for a free port: the bound address says which one it gave.
    say!("③ bind    {addr} → bound to {bound}")?;
    let queue = kernel_backlog(backlog);
    say!("④ listen  listening on {bound} ({queue})")?;
    // ANCHOR_END: kernel

    // ANCHOR: accept
    // ⑤ Accept: wait for a client, then get a NEW socket for it. The listening socket stays
    // as it is and could accept the next client; this example serves just one.
    let client = explain::client_to_try(std::env::consts::OS, bound); // Windows has no nc
    say!("⑤ accept  waiting for a client… (try: {client})")?;
    let (mut connection, peer) =
        accept_one(&listener).map_err(|err| format!("error: ⑤ accept failed on {bound}: {err}"))?;
    say!("⑤ accept  connection from {peer} — a new socket just for this client")?;
    // ANCHOR_END: accept

    // ANCHOR: talk
    // ⑥ Talk: read whatever bytes have arrived. TCP is a byte stream, so one read may hold part
    // of a line or several lines. A read of 0 bytes means the client closed its side.
    let mut buffer = [0u8; 1024];
    loop {
        let n = match connection.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue, // a signal: retry
            Err(err) => return Err(format!("error: ⑥ the connection with {peer} failed: {err}")),
        };
        // Bytes are not text: decode leniently and escape, so any input prints safely on one line.
        let text = escape(&String::from_utf8_lossy(&buffer[..n])); // NUL as \u{0}, not \0
        say!("⑥ talk    received {n} bytes: \"{text}\"")?;
    }
    say!("⑥ talk    {peer} closed the connection (read returned 0: end of stream)")?;
    // ANCHOR_END: talk

    // ANCHOR: close
    // ⑦ Close: dropping a socket closes it (at the end of the function anyway; here you see it).
    drop(connection);
    drop(listener);
    say!("⑦ close   closed the client's socket and the listening socket")?;
    Ok(ExitCode::SUCCESS)
    // ANCHOR_END: close
}

/// The backlog, and the one the kernel really uses if Linux capped it at `net.core.somaxconn`
/// (`ss -ltn` shows the real one as the Send-Q of a listening socket).
fn kernel_backlog(asked: i32) -> String {
    let file = "/proc/sys/net/core/somaxconn";
    let text = std::fs::read_to_string(file).unwrap_or_default(); // Linux only: else empty
    match text.trim().parse::<i32>() {
        Ok(max) if asked > max => {
            format!("backlog {asked} asked — the kernel uses {max}: Linux caps it at {file}")
        }
        _ => format!("backlog {asked}"),
    }
}

fn on_off(option: io::Result<bool>) -> &'static str {
    if option.unwrap_or(false) { "on" } else { "off" }
}

/// If stdout is gone (`| head` exited) or full, the server stops: nobody would see it.
fn print_step(line: String) -> Result<(), String> {
    let mut out = io::stdout().lock();
    let printed = writeln!(out, "{line}").and_then(|()| out.flush());
    printed.map_err(|err| explain::cannot_print(&err))
}
