//! Example 03: a TCP server, one step at a time — book chapter 4.
//!
//! ```text
//! cargo run --example 03_socket2_listener                  # listens on 127.0.0.1:8000
//! cargo run --example 03_socket2_listener -- 127.0.0.1:0   # any free port
//! ```
//!
//! It does the lesson's steps ① create ② options ③ bind ④ listen ⑤ accept ⑥ talk ⑦ close with
//! socket2, which offers each system call on its own, and prints each step as it happens. It
//! accepts one client, prints what that client sends until it closes the connection, and ends.
//! Connect from a second terminal with `nc 127.0.0.1 PORT` and type a line.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use clap::Parser;
use net_basics::explain;
use socket2::{Domain, Protocol, Socket, Type};

/// A TCP server built step by step with socket2: it accepts one client and prints what it sends.
#[derive(Parser)]
#[command(after_help = "Then, in a second terminal: nc 127.0.0.1 PORT (and type a line)")]
struct Args {
    /// Where to listen: an IP address of this machine and a port (port 0: any free port)
    #[arg(default_value = "127.0.0.1:8000", value_parser = explain::socket_address)]
    addr: SocketAddr,

    /// How many connected clients the OS may queue until the server accepts them
    // Not negative: Linux would quietly use its maximum instead, and print a misleading number.
    #[arg(long, default_value_t = 127, value_parser = clap::value_parser!(i32).range(0..))]
    backlog: i32,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args.addr, args.backlog) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(addr: SocketAddr, backlog: i32) -> Result<(), String> {
    // Steps ①–④ can fail because of the address (in use, not ours, privileged port): say which.
    let startup = |err: io::Error| explain::bind_error(addr, &err);

    // ANCHOR: create
    // ① Create. A socket is the OS's endpoint for one side of network I/O. The domain (IPv4 or
    // IPv6) must match the address we will bind, so it is taken from that address.
    let domain = Domain::for_address(addr);
    let socket = Socket::new(domain, Type::STREAM, Some(Protocol::TCP)).map_err(startup)?;
    let family = if addr.is_ipv4() { "IPv4" } else { "IPv6" };
    say(format!(
        "① create  a TCP socket ({family}, stream) — not yet bound to any address"
    ));
    // ANCHOR_END: create

    // ANCHOR: options
    // ② Options, before bind. SO_REUSEADDR: when the server stops, its connections linger in
    // TIME_WAIT for a minute and hold the port; this lets a restarted server bind it anyway.
    // (Unix only: on Windows the option would let another program take over a live port.)
    if cfg!(unix) {
        socket.set_reuse_address(true).map_err(startup)?;
        say(
            "② option  SO_REUSEADDR on — a restart can bind the port while old connections are in TIME_WAIT",
        );
    }
    // IPV6_V6ONLY: an IPv6 socket serves IPv6 only, the same on every OS.
    if addr.is_ipv6() {
        socket.set_only_v6(true).map_err(startup)?;
        say("② option  IPV6_V6ONLY on — this socket serves IPv6 clients only");
    }
    // ANCHOR_END: options

    // ANCHOR: bind
    // ③ Bind: claim an IP address of this machine and a port. Port 0 asks the OS for a free one,
    // so we ask the socket which address it really got.
    socket.bind(&addr.into()).map_err(startup)?;
    let bound = socket
        .local_addr()
        .ok()
        .and_then(|local| local.as_socket())
        .unwrap_or(addr);
    say(format!("③ bind    {addr} → bound to {bound}"));
    // ANCHOR_END: bind

    // ANCHOR: listen
    // ④ Listen: from now on the OS answers clients' handshakes by itself and queues up to
    // `backlog` finished connections until we accept them.
    socket.listen(backlog).map_err(startup)?;
    let listener: TcpListener = socket.into(); // same OS socket, std's API for the rest
    say(format!(
        "④ listen  listening on {bound} (backlog {backlog})"
    ));
    // ANCHOR_END: listen

    // ANCHOR: accept
    // ⑤ Accept: wait for a client, then get a NEW socket for it. The listening socket stays
    // as it is and could accept the next client; this example serves just one.
    say(format!(
        "⑤ accept  waiting for a client… (try: nc {} {})",
        bound.ip(),
        bound.port()
    ));
    let (mut connection, peer) = listener
        .accept()
        .map_err(|err| format!("⑤ accept failed on {bound}: {err}"))?;
    say(format!(
        "⑤ accept  connection from {peer} — a new socket just for this client"
    ));
    // ANCHOR_END: accept

    // ANCHOR: talk
    // ⑥ Talk: read whatever bytes have arrived. TCP is a byte stream, so one read may hold part
    // of a line or several lines (chapter 3). A read of 0 bytes means the client closed its side.
    let mut buffer = [0u8; 1024];
    loop {
        let n = match connection.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue, // a signal: retry
            Err(err) => return Err(format!("⑥ talk: the connection with {peer} failed: {err}")),
        };
        // Bytes are not text: decode leniently and escape, so any input prints safely on one line.
        let text = String::from_utf8_lossy(&buffer[..n]);
        say(format!(
            "⑥ talk    received {n} bytes: \"{}\"",
            text.escape_debug()
        ));
    }
    say(format!(
        "⑥ talk    {peer} closed the connection (read returned 0: end of stream)"
    ));
    // ANCHOR_END: talk

    // ANCHOR: close
    // ⑦ Close: dropping a socket closes it. Rust would do it at the end of the function anyway;
    // here it is explicit so that you can see it.
    drop(connection);
    drop(listener);
    say("⑦ close   closed the client's socket and the listening socket");
    // ANCHOR_END: close
    Ok(())
}

/// Prints one step and flushes at once, so whoever reads our output (you, a pipe, a test) sees
/// each step as it happens. A closed output is no reason to stop serving, so errors are ignored.
fn say(line: impl AsRef<str>) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{}", line.as_ref());
    let _ = out.flush();
}
