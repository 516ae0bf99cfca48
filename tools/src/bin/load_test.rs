//! A load test for any time server: ours, the lesson's original, or another.
//!
//! ```text
//! cargo run -p net-basics-tools --release --bin load_test -- 127.0.0.1:8000 --clients 100 --messages 5 --interval 1
//! cargo run -p net-basics-tools --release --bin load_test -- 127.0.0.1:8000 --clients 1000 --messages 0 --hold 5
//! cargo run -p net-basics-tools --release --bin load_test -- 127.0.0.1:8000 --flood 5
//! ```
//!
//! It opens `--clients` connections at once, and each sends `--messages` timestamps
//! (`YYYY-MM-DD HH:MM:SS\n`, the time protocol of chapter 4) one every `--interval` seconds. Or,
//! with `--flood SECONDS`, one connection sends timestamps as fast as it can. Then it reports
//! what it did, so that `tools/scripts/measure.sh` can check the server printed every message once.
//!
//! It is bounded: it stops by itself when the work is done, and after `--timeout` seconds at the
//! latest; every connect and write has a timeout. It only talks to loopback addresses
//! (127.0.0.0/8, ::1): a load test must never hit a machine you do not own.
//!
//! Why a few threads and not a thread per client: a load tool must cost much less than the
//! server it measures, or the measurement shows the tool. 10,000 client threads here would double
//! the threads the 2-core machine schedules and blur the server's CPU figures. A client sends 20
//! bytes a second, which a thread writes in microseconds, so `--threads` threads (32 by default)
//! each take turns over their share of the sockets; with 32, one slow connect or a write blocked
//! by a server that stopped reading holds up only 1/32 of the clients.

use std::fs::File;
use std::io::{self, BufWriter, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use chrono::Local;
use clap::Parser;
use net_basics::explain;
use net_basics::time_protocol::{FORMAT, TIMESTAMP_LEN};

/// Open many concurrent connections to a time server and send timestamps (loopback only).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The server's address, e.g. 127.0.0.1:8000 (loopback addresses only)
    #[arg(value_parser = explain::ip_socket_address)]
    addr: SocketAddr,
    /// How many connections to open and keep open at the same time
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_CLIENTS))]
    clients: u32,
    /// How many timestamps each client sends (0: connect and stay idle, see --hold)
    #[arg(long, default_value_t = 10)]
    messages: u64,
    /// Seconds between two timestamps of the same client (clients are spread over the interval)
    #[arg(long, default_value_t = 1.0, value_parser = seconds)]
    interval: f64,
    /// Seconds to keep every connection open after its last timestamp
    #[arg(long, default_value_t = 0.0, value_parser = seconds)]
    hold: f64,
    /// Stop after this many seconds in any case, whatever is left to do
    #[arg(long, default_value_t = 60.0, value_parser = seconds)]
    timeout: f64,
    /// Instead: one connection sends timestamps as fast as it can for this many seconds
    #[arg(long, value_parser = seconds)]
    flood: Option<f64>,
    /// How many threads drive the client sockets
    #[arg(long, default_value_t = 32)]
    threads: usize,
    /// New connections per second at most, so the server's listen backlog never overflows for long
    #[arg(long, default_value_t = 2000.0, value_parser = seconds)]
    connect_rate: f64,
    /// How often to retry a connect that was refused, reset or timed out (with growing pauses)
    #[arg(long, default_value_t = 5)]
    connect_retries: u32,
    /// Write one line `LOCAL_ADDRESS MESSAGES_SENT` per connection to this file (for the check
    /// that the server printed every message of every client)
    #[arg(long)]
    peers: Option<PathBuf>,
    /// After connecting, wait until this file exists before sending (or holding): several load
    /// processes then start together, once the server has accepted them all (bounded by --timeout)
    #[arg(long)]
    wait_for: Option<PathBuf>,
    /// Connect from this local IP address (e.g. 127.0.0.2): each source address has its own
    /// ~28,000 ephemeral ports towards one server address and port — a connection is named by its
    /// 4-tuple (source IP, source port, destination IP, destination port)
    #[arg(long)]
    source: Option<std::net::IpAddr>,
    /// Allow a server address that is not loopback (only for tools/scripts/two_hosts.sh, whose
    /// addresses live in network namespaces it made itself)
    #[arg(long)]
    allow_non_loopback: bool,
}

/// A number of seconds (or a rate): finite, not negative, and at most [`MAX_SECONDS`].
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=MAX_SECONDS).contains(&value) => Ok(value),
        _ => Err(format!(
            "expected a number from 0 to {MAX_SECONDS} such as 0.5, got {text:?}"
        )),
    }
}

/// The most seconds (or connections per second) an option takes: about 31 years, far more than
/// any run, and small enough that "now + this many seconds" is always a time the OS can represent.
const MAX_SECONDS: f64 = 1e9;
/// The most `--clients`: each one is a socket (a file descriptor) of this process.
const MAX_CLIENTS: i64 = 1_000_000;

/// How long one connect attempt may take: long enough for two SYN retransmissions (after 1 s
/// and 3 s), which is what a client sees while the server's accept queue is full.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(4);
/// How long one write may block (a server that stopped reading fills the socket buffers).
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);
/// One flood write: about 64 KiB of whole lines, so one system call carries thousands of messages.
const FLOOD_LINES_PER_WRITE: usize = 3276;
/// A message on the wire: the timestamp and its `\n`.
const LINE_LEN: usize = TIMESTAMP_LEN + 1;

/// What all client threads count together; read once at the end for the report.
#[derive(Default)]
struct Totals {
    connected: AtomicU64,
    connect_errors: AtomicU64,
    connect_retries: AtomicU64,
    sent: AtomicU64,
    send_errors: AtomicU64,
    closed_by_server: AtomicU64,
    first_error: Mutex<Option<String>>,
    server_said: Mutex<Option<String>>,
}

impl Totals {
    fn note_error(&self, text: String) {
        let mut first = self.first_error.lock().unwrap_or_else(|e| e.into_inner());
        first.get_or_insert(text);
    }
}

fn main() -> ExitCode {
    let args = Args::parse();

    // Step 1: refuse anything but loopback. Load is only for machines you own.
    if !args.addr.ip().to_canonical().is_loopback() && !args.allow_non_loopback {
        eprintln!(
            "refusing to load {}: it is not a loopback address (127.0.0.0/8 or ::1); a load test \
             only ever targets this machine — start the server on 127.0.0.1",
            args.addr
        );
        return ExitCode::from(2);
    }
    // `seconds` accepted at most MAX_SECONDS, so this sum cannot overflow.
    let deadline = Instant::now() + Duration::from_secs_f64(args.timeout);

    // Step 2: the first connection, alone: if no server is there, say so at once instead of
    // retrying for every client.
    if let Some(source) = args.source
        && !source.to_canonical().is_loopback()
        && !args.allow_non_loopback
    {
        eprintln!("refusing --source {source}: not a loopback address (127.0.0.0/8 or ::1)");
        return ExitCode::from(2);
    }
    let first = match connect(args.addr, args.source, args.connect_retries, deadline) {
        Ok((stream, _retries)) => stream,
        Err(err) => {
            eprintln!("{}", explain::connect_error(args.addr, &err));
            return ExitCode::FAILURE;
        }
    };

    match args.flood {
        Some(flood_seconds) => flood(&args, first, flood_seconds, deadline),
        None => many_clients(&args, first, deadline),
    }
}

/// Connects, retrying refused, reset or timed-out attempts with pauses of 50 ms, 100 ms, 200 ms…
/// Returns the stream and how many retries it took. Gives up at `deadline`.
fn connect(
    addr: SocketAddr,
    source: Option<std::net::IpAddr>,
    retries: u32,
    deadline: Instant,
) -> io::Result<(TcpStream, u32)> {
    let mut attempt = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(ErrorKind::TimedOut, "--timeout reached"));
        }
        match connect_once(addr, source, CONNECT_TIMEOUT.min(left)) {
            Ok(stream) => return Ok((stream, attempt)),
            Err(err) if attempt < retries && worth_retrying(&err) => {
                let pause = Duration::from_millis(50 << attempt.min(6));
                thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

/// One connect attempt, from `source` (port chosen by the OS) if given.
fn connect_once(
    addr: SocketAddr,
    source: Option<std::net::IpAddr>,
    timeout: Duration,
) -> io::Result<TcpStream> {
    let Some(source) = source else {
        return TcpStream::connect_timeout(&addr, timeout);
    };
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        None,
    )?;
    socket.bind(&SocketAddr::new(source, 0).into())?;
    socket.connect_timeout(&addr.into(), timeout)?;
    Ok(socket.into())
}

/// Errors a busy server causes for a moment (full backlog, reset half-open connection).
fn worth_retrying(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        ErrorKind::ConnectionRefused
            | ErrorKind::ConnectionReset
            | ErrorKind::TimedOut
            | ErrorKind::Interrupted
            | ErrorKind::WouldBlock
    )
}

/// Errors that no retry cures: out of file descriptors or of local ports. Stop connecting.
fn fatal_hint(err: &io::Error) -> Option<&'static str> {
    match err.raw_os_error() {
        Some(24) => Some(
            "too many open files: raise the limit first, e.g. `ulimit -n 20000` (tools/scripts/measure.sh does)",
        ),
        Some(99) => {
            Some("no free local port for another connection: wait a minute for TIME_WAIT to clear")
        }
        _ => None,
    }
}

/// One client: its connection (until it fails) and how many timestamps it sent.
struct Client {
    stream: Option<TcpStream>,
    local: Option<SocketAddr>,
    sent: u64,
}

/// The C10K mode: `--clients` connections, all open at once, each sending `--messages`.
fn many_clients(args: &Args, first: TcpStream, deadline: Instant) -> ExitCode {
    let clients = args.clients as usize; // at most MAX_CLIENTS (clap checked it)
    let threads = args.threads.clamp(1, clients);
    let totals = Totals::default();
    let give_up = AtomicBool::new(false);
    let threads_done_connecting = AtomicUsize::new(0);
    let started = Instant::now();
    let first = Mutex::new(Some(first));

    // Step 3: each thread owns every `threads`-th client: clients t, t + threads, t + 2·threads…
    let per_thread: Vec<Vec<Client>> = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (totals, give_up, done_connecting, first) =
                    (&totals, &give_up, &threads_done_connecting, &first);
                scope.spawn(move || {
                    let mine: Vec<usize> = (t..clients).step_by(threads).collect();
                    let mut own = Vec::with_capacity(mine.len());

                    // Step 4: connect, paced: client i starts at i / connect_rate seconds, so
                    // a burst never outruns the server's accept loop and its backlog.
                    for &i in &mine {
                        let slot = at(started, i as f64 / args.connect_rate.max(1.0), deadline);
                        sleep_until(slot, deadline);
                        let taken = if i == 0 { lock(first).take() } else { None };
                        let result = match taken {
                            Some(stream) => Ok((stream, 0)),
                            None if give_up.load(Ordering::Relaxed) => {
                                Err(io::Error::other("gave up connecting"))
                            }
                            None => connect(args.addr, args.source, args.connect_retries, deadline),
                        };
                        own.push(match result {
                            Ok((stream, retries)) => {
                                totals.connected.fetch_add(1, Ordering::Relaxed);
                                totals
                                    .connect_retries
                                    .fetch_add(u64::from(retries), Ordering::Relaxed);
                                let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
                                let local = stream.local_addr().ok();
                                Client {
                                    stream: Some(stream),
                                    local,
                                    sent: 0,
                                }
                            }
                            Err(err) => {
                                totals.connect_errors.fetch_add(1, Ordering::Relaxed);
                                if let Some(hint) = fatal_hint(&err) {
                                    give_up.store(true, Ordering::Relaxed);
                                    totals.note_error(hint.to_string());
                                }
                                totals.note_error(explain::connect_error(args.addr, &err));
                                Client {
                                    stream: None,
                                    local: None,
                                    sent: 0,
                                }
                            }
                        });
                    }

                    // Step 5: wait until every client is connected, so all are open at once.
                    // (Polled, not a Barrier: a wait that cannot time out could hang the tool.)
                    let last_to_finish =
                        done_connecting.fetch_add(1, Ordering::AcqRel) + 1 == threads;
                    while done_connecting.load(Ordering::Acquire) < threads
                        && Instant::now() < deadline
                    {
                        thread::sleep(Duration::from_millis(1));
                    }
                    if last_to_finish {
                        println!(
                            "all clients connecting done: {} of {clients} connected in {:.1} s",
                            totals.connected.load(Ordering::Relaxed),
                            started.elapsed().as_secs_f64()
                        );
                    }
                    if let Some(go) = &args.wait_for {
                        while !go.exists() && Instant::now() < deadline {
                            thread::sleep(Duration::from_millis(10));
                        }
                    }
                    let sending = Instant::now();

                    // Step 6: rounds of messages; client i sends at offset i/clients of each
                    // interval, so the server gets an even stream, not a spike every second.
                    // At the deadline, stop every round, not just this one: with a huge
                    // --messages, skipping round after round would keep a core busy for ages.
                    'rounds: for round in 0..args.messages {
                        for (client, &i) in own.iter_mut().zip(&mine) {
                            let offset = args.interval * (round as f64 + i as f64 / clients as f64);
                            if !sleep_until(at(sending, offset, deadline), deadline) {
                                break 'rounds;
                            }
                            send_timestamp(client, totals, args.addr);
                        }
                    }

                    // Step 7: stay connected for --hold, then see whether the server closed any
                    // connection on its side (for example, refused it over --max-clients).
                    let last = args.interval * args.messages.saturating_sub(1) as f64;
                    sleep_until(at(sending, last + args.hold, deadline), deadline);
                    for client in &mut own {
                        check_closed_by_server(client, totals);
                    }
                    own
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or_default())
            .collect()
    });

    // Step 8: the connections close here (dropped with `per_thread`), after the report is ready.
    let elapsed = started.elapsed();
    let peers_written = write_peers(args, per_thread.iter().flatten());
    drop(per_thread);
    let planned = (clients as u64).saturating_mul(args.messages);
    report(&totals, elapsed, planned, Instant::now() >= deadline);
    let clean = totals.connect_errors.load(Ordering::Relaxed) == 0
        && totals.send_errors.load(Ordering::Relaxed) == 0
        && totals.sent.load(Ordering::Relaxed) == planned;
    if clean && peers_written {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Sends the current local time as one line; on error, counts it and stops this client.
fn send_timestamp(client: &mut Client, totals: &Totals, addr: SocketAddr) {
    let Some(stream) = client.stream.as_mut() else {
        return;
    };
    let line = format!("{}\n", Local::now().format(FORMAT));
    match stream.write_all(line.as_bytes()) {
        Ok(()) => {
            client.sent += 1;
            totals.sent.fetch_add(1, Ordering::Relaxed);
        }
        Err(err) => {
            totals.send_errors.fetch_add(1, Ordering::Relaxed);
            totals.note_error(explain::connection_lost(addr, &err));
            client.stream = None;
        }
    }
}

/// A server that closed our connection has sent EOF (and maybe a message first): read without
/// waiting. Counted, and the first message is shown in the report.
fn check_closed_by_server(client: &mut Client, totals: &Totals) {
    let Some(stream) = client.stream.as_mut() else {
        return;
    };
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let mut said = Vec::new();
    let mut buffer = [0u8; 512];
    // Bounded: at most 8 reads of whatever is already waiting.
    for _ in 0..8 {
        match stream.read(&mut buffer) {
            Ok(0) => {
                totals.closed_by_server.fetch_add(1, Ordering::Relaxed);
                if !said.is_empty() {
                    let text = String::from_utf8_lossy(&said).trim().to_string();
                    lock(&totals.server_said).get_or_insert(text);
                }
                return;
            }
            Ok(n) => said.extend_from_slice(&buffer[..n]),
            Err(err) if err.kind() == ErrorKind::WouldBlock => return,
            Err(_) => {
                // A reset: the server went away or closed while data was unread.
                totals.closed_by_server.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
    }
}

// ANCHOR: flood
/// The `--flood` mode: one connection, big writes of pre-formatted timestamps, for `seconds`.
fn flood(args: &Args, mut stream: TcpStream, seconds: f64, deadline: Instant) -> ExitCode {
    let started = Instant::now();
    let end = at(started, seconds, deadline).min(deadline);
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));

    // Step 3: format once per second, not once per message: the point is to measure the
    // server, so the sender must be far faster than any server.
    let mut second_shown = String::new();
    let mut batch: Vec<u8> = Vec::with_capacity(FLOOD_LINES_PER_WRITE * LINE_LEN);
    let mut written_of_batch = 0;
    let mut bytes: u64 = 0;
    let mut error = None;
    while Instant::now() < end {
        if written_of_batch == batch.len() {
            let now = Local::now().format(FORMAT).to_string();
            if now != second_shown {
                batch.clear();
                for _ in 0..FLOOD_LINES_PER_WRITE {
                    batch.extend_from_slice(now.as_bytes());
                    batch.push(b'\n');
                }
                second_shown = now;
            }
            written_of_batch = 0;
        }
        // Step 4: one write moves as many bytes as the socket takes; keep the rest for the next.
        match stream.write(&batch[written_of_batch..]) {
            Ok(n) => {
                written_of_batch += n;
                bytes += n as u64;
            }
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) => {
                error = Some(explain::connection_lost(args.addr, &err));
                break;
            }
        }
    }

    // Step 5: never leave half a line: the server would rightly report it as "not a timestamp".
    let cut = (bytes % LINE_LEN as u64) as usize;
    if cut != 0 && error.is_none() {
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        match stream.write_all(&batch[written_of_batch..written_of_batch + LINE_LEN - cut]) {
            Ok(()) => bytes += (LINE_LEN - cut) as u64,
            Err(err) => error = Some(explain::connection_lost(args.addr, &err)),
        }
    }
    let elapsed = started.elapsed();
    let totals = Totals {
        connected: AtomicU64::new(1),
        sent: AtomicU64::new(bytes / LINE_LEN as u64),
        send_errors: AtomicU64::new(u64::from(error.is_some())),
        first_error: Mutex::new(error),
        ..Totals::default()
    };
    let local = stream.local_addr().ok();
    let client = Client {
        stream: None,
        local,
        sent: bytes / LINE_LEN as u64,
    };
    let peers_written = write_peers(args, [&client]);
    let _ = stream.shutdown(Shutdown::Write);
    drop(stream);
    report(&totals, elapsed, totals.sent.load(Ordering::Relaxed), false);
    if totals.send_errors.load(Ordering::Relaxed) == 0 && peers_written {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
// ANCHOR_END: flood

/// The report: one `name: value` line each, easy to read and to `grep` in a script.
fn report(totals: &Totals, elapsed: Duration, planned: u64, timed_out: bool) {
    let sent = totals.sent.load(Ordering::Relaxed);
    let seconds = elapsed.as_secs_f64();
    println!(
        "clients connected: {}",
        totals.connected.load(Ordering::Relaxed)
    );
    println!(
        "connect errors: {} (retries: {})",
        totals.connect_errors.load(Ordering::Relaxed),
        totals.connect_retries.load(Ordering::Relaxed)
    );
    println!("messages sent: {sent} of {planned}");
    println!(
        "send errors: {}",
        totals.send_errors.load(Ordering::Relaxed)
    );
    println!(
        "closed by server: {}",
        totals.closed_by_server.load(Ordering::Relaxed)
    );
    println!("elapsed: {seconds:.3} s");
    println!("messages/s: {:.0}", sent as f64 / seconds.max(1e-9));
    if timed_out {
        println!("stopped by --timeout before all the work was done");
    }
    if let Some(text) = lock(&totals.server_said).as_ref() {
        println!("the server said: {text}");
    }
    if let Some(text) = lock(&totals.first_error).as_ref() {
        eprintln!("first error: {text}");
    }
}

/// Writes `LOCAL_ADDRESS SENT` per connected client to `--peers`, if asked. False on failure.
fn write_peers<'a>(args: &Args, clients: impl IntoIterator<Item = &'a Client>) -> bool {
    let Some(path) = &args.peers else {
        return true;
    };
    let result = File::create(path).and_then(|file| {
        let mut out = BufWriter::new(file);
        for client in clients {
            if let Some(local) = client.local {
                writeln!(out, "{local} {}", client.sent)?;
            }
        }
        out.flush()
    });
    match result {
        Ok(()) => true,
        Err(err) => {
            eprintln!("could not write --peers {}: {err}", path.display());
            false
        }
    }
}

/// `start` plus `seconds`, or just past `deadline` if that comes first — also when the sum is
/// too large to represent (say, `--interval` times a huge `--messages`).
fn at(start: Instant, seconds: f64, deadline: Instant) -> Instant {
    let past_deadline = deadline + Duration::from_millis(1);
    Duration::try_from_secs_f64(seconds)
        .ok()
        .and_then(|offset| start.checked_add(offset))
        .map_or(past_deadline, |when| when.min(past_deadline))
}

/// Sleeps until `when`, but not past `deadline`. True if `when` was reached before the deadline.
fn sleep_until(when: Instant, deadline: Instant) -> bool {
    let target = when.min(deadline);
    let now = Instant::now();
    if target > now {
        thread::sleep(target - now);
    }
    when <= deadline
}

/// Locks a mutex even if a thread panicked while holding it (the counts are still usable).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
