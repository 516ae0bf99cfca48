//! Two reference servers to measure our time server against (see the Performance appendix).
//!
//! ```text
//! cargo run -p net-basics-tools --release --bin reference_servers -- sink 127.0.0.1:0
//! cargo run -p net-basics-tools --release --bin reference_servers -- original 127.0.0.1:0 > printed.txt
//! ```
//!
//! * `sink` only reads and counts newlines: no decoding, no printing. Nothing that receives
//!   timestamps over TCP can be faster, so it is the **ceiling** for our server.
//! * `original` is the lesson's original server design, in Rust: one `read` of up to 1024 bytes,
//!   then one print of whatever arrived (decoded, no framing), per read. Its figure is what the
//!   lesson's design costs — counted in print calls, each a chunk of glued timestamps, not a message.
//!
//! Both print `listening on ADDR` first (so scripts can bind port 0 and read the port), serve
//! every connection on its own thread (the lesson's model; small 64 KiB stacks so 10,000 fit),
//! and stop by themselves: after `--connections` connections have come and all have closed,
//! or after `--seconds` (with `--stay`, they print and wait to be stopped). They print what they
//! counted on stderr, e.g.
//! `sink: received 10000000 newlines (200000000 bytes) from 1 connections in 2.345 s: 4264392 newlines/s`.
//!
//! One file for both: they share everything but the loop body, and side by side the difference
//! between the ceiling and the original design is the lesson.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use net_basics::explain;
use socket2::{Domain, Socket, Type};

/// Reference servers for throughput: a newline-counting sink and the lesson's original design.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(subcommand)]
    mode: Mode,
    /// Stop after this many connections have come and all of them have closed
    #[arg(long, global = true, default_value_t = 1)]
    connections: u64,
    /// Stop after this many seconds in any case (at most 1e9, about 31 years)
    #[arg(long, global = true, default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(..=1_000_000_000))]
    seconds: u64,
    /// After the summary, keep running until stopped (or --seconds), so that a script can still
    /// read this process's peak memory and CPU time in /proc
    #[arg(long, global = true)]
    stay: bool,
}

#[derive(Subcommand, Clone, Copy)]
enum Mode {
    /// Read and count newlines only: the ceiling for receiving timestamps
    Sink {
        /// Address to listen on, e.g. 127.0.0.1:0 (port 0: the system picks a free port)
        #[arg(value_parser = explain::ip_socket_address)]
        addr: SocketAddr,
    },
    /// The lesson's original server: one read of ≤ 1024 bytes, one print per read, no framing
    Original {
        /// Address to listen on, e.g. 127.0.0.1:0 (port 0: the system picks a free port)
        #[arg(value_parser = explain::ip_socket_address)]
        addr: SocketAddr,
    },
}

/// A connection thread's stack: enough for a read buffer and a `println!`, small enough that
/// 10,000 threads reserve 640 MiB of address space (and touch far less) instead of 80 GiB.
const STACK_SIZE: usize = 64 * 1024;
/// Connections waiting for `accept`: large, so a burst of clients is not what we measure.
const BACKLOG: i32 = 1024;

/// What the connection threads count together.
#[derive(Default)]
struct Counts {
    connections: AtomicU64,
    bytes: AtomicU64,
    /// Newlines (sink) or print calls (original).
    units: AtomicU64,
    /// First and last moment any byte arrived: the rate is measured between them.
    active: Mutex<Option<(Instant, Instant)>>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (Mode::Sink { addr } | Mode::Original { addr }) = args.mode;

    // Step 1: listen. socket2 (chapter 3) for an explicit backlog; SO_REUSEADDR so a restart
    // right after a run binds again.
    let listener = match listen(addr) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("{}", explain::bind_error(addr, &err));
            return ExitCode::FAILURE;
        }
    };
    let local = listener.local_addr().unwrap_or(addr);
    if let Err(err) =
        writeln!(io::stdout(), "listening on {local}").and_then(|()| io::stdout().flush())
    {
        eprintln!("cannot print to stdout ({err}); stopping");
        return ExitCode::FAILURE;
    }

    // Step 2: accept on a thread of its own; each connection gets a thread. A connection thread
    // reports on `closed` when it ends, so the main thread can tell when all are gone.
    let counts = Arc::new(Counts::default());
    let (closed, closures) = mpsc::channel::<()>();
    let mode = args.mode;
    let accepting = Arc::clone(&counts);
    thread::spawn(move || accept_loop(listener, mode, accepting, closed));

    // Step 3: wait (bounded by --seconds) until enough connections came and went.
    // clap allowed at most 1e9 seconds, so this sum cannot overflow.
    let give_up = Instant::now() + Duration::from_secs(args.seconds);
    let mut closed_count = 0;
    while closed_count < args.connections
        || closed_count < counts.connections.load(Ordering::Acquire)
    {
        let left = give_up.saturating_duration_since(Instant::now());
        match closures.recv_timeout(left) {
            Ok(()) => closed_count += 1,
            Err(_) => break, // --seconds reached (or the accept thread ended)
        }
    }

    // Step 4: the summary, on stderr so stdout stays the server's own output.
    let bytes = counts.bytes.load(Ordering::Acquire);
    let units = counts.units.load(Ordering::Acquire);
    let window = lock(&counts.active).map_or(0.0, |(first, last)| (last - first).as_secs_f64());
    let (name, what) = match mode {
        Mode::Sink { .. } => ("sink", "newlines"),
        Mode::Original { .. } => ("original", "print calls"),
    };
    let _ = io::stdout().flush();
    eprintln!(
        "{name}: received {units} {what} ({bytes} bytes) from {} connections in {window:.3} s: {:.0} {what}/s",
        counts.connections.load(Ordering::Acquire),
        units as f64 / window.max(1e-9),
    );
    if args.stay {
        thread::sleep(give_up.saturating_duration_since(Instant::now()));
    }
    ExitCode::SUCCESS
}

fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}

fn accept_loop(listener: TcpListener, mode: Mode, counts: Arc<Counts>, closed: mpsc::Sender<()>) {
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(err) => {
                // Out of file descriptors, for example: say so, pause, go on.
                eprintln!("accept failed: {err}");
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        counts.connections.fetch_add(1, Ordering::AcqRel);
        let (counts, closed_here) = (Arc::clone(&counts), closed.clone());
        let spawned = thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn(move || {
                match mode {
                    Mode::Sink { .. } => sink(stream, &counts),
                    Mode::Original { .. } => original(stream, &counts),
                }
                let _ = closed_here.send(());
            });
        if let Err(err) = spawned {
            // The closure, and the stream in it, was dropped: that connection is closed.
            eprintln!("could not start a thread for a connection: {err}");
            let _ = closed.send(());
        }
    }
}

// ANCHOR: sink
/// The ceiling: read big chunks, count newlines, nothing else.
fn sink(mut stream: TcpStream, counts: &Counts) {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut span = None;
    let (mut bytes, mut newlines) = (0u64, 0u64);
    while let Ok(n) = stream.read(&mut buffer) {
        if n == 0 {
            break;
        }
        note_arrival(&mut span);
        bytes += n as u64;
        newlines += buffer[..n].iter().filter(|&&byte| byte == b'\n').count() as u64;
    }
    counts.bytes.fetch_add(bytes, Ordering::AcqRel);
    counts.units.fetch_add(newlines, Ordering::AcqRel);
    merge_span(counts, span);
}
// ANCHOR_END: sink

// ANCHOR: original
/// The lesson's original design: `data = conn.recv(1024)`, `print(data.decode())`, in a loop.
fn original(mut stream: TcpStream, counts: &Counts) {
    let mut buffer = [0u8; 1024];
    let mut span = None;
    let (mut bytes, mut prints) = (0u64, 0u64);
    while let Ok(n) = stream.read(&mut buffer) {
        if n == 0 {
            break;
        }
        note_arrival(&mut span);
        // Whatever this read returned: half a timestamp, or ten glued together. No framing.
        // (`writeln!`, not `println!`, which panics when stdout is a closed pipe.)
        let text = String::from_utf8_lossy(&buffer[..n]);
        if writeln!(io::stdout(), "{text}").is_err() {
            break; // nobody reads our output any more: stop counting this connection
        }
        bytes += n as u64;
        prints += 1;
    }
    counts.bytes.fetch_add(bytes, Ordering::AcqRel);
    counts.units.fetch_add(prints, Ordering::AcqRel);
    merge_span(counts, span);
}
// ANCHOR_END: original

/// Remembers when this connection's first and latest bytes arrived.
fn note_arrival(span: &mut Option<(Instant, Instant)>) {
    let now = Instant::now();
    let first = span.map_or(now, |(first, _)| first);
    *span = Some((first, now));
}

fn merge_span(counts: &Counts, span: Option<(Instant, Instant)>) {
    let Some((first, last)) = span else { return };
    let mut active = lock(&counts.active);
    *active = Some(match *active {
        Some((a, b)) => (a.min(first), b.max(last)),
        None => (first, last),
    });
}

/// Locks a mutex even if a thread panicked while holding it (the counts are still usable).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
