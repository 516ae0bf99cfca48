//! Exercise 3: `open_listener` and `accept_one` with real sockets — book chapter 3.
//!
//! Run with `cargo test --test ex03_socket2_listener`. Every test uses loopback addresses
//! (`127.0.0.1`, `[::1]`) and port 0, so it never clashes with a server you have running and
//! no packet leaves your machine.
//!
//! Every call of `open_listener` and `accept_one` runs on a thread of its own with a time limit:
//! an answer that retries a failed bind in a loop, or waits for a client that is already there,
//! fails with a sentence instead of hanging the run.
//!
//! `SO_REUSEADDR` means different things on Unix and on Windows, and the tests follow each OS's
//! documented behaviour. On Unix it lets a restarted server bind a port that only old connections
//! in TIME_WAIT hold, never one a live listener holds. On Windows it lets a second socket bind a
//! port that a live listener holds ("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE", Microsoft
//! Learn), so std's own `TcpListener::bind` sets it on every OS but Windows
//! (library/std/src/sys/net/connection/socket/mod.rs), and so does the reference answer.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// The file under test: your `exercises/ex03_socket2_listener.rs`, or with `--features solutions` the
// reference `solutions/ex03_socket2_listener.rs`. Only this one file is compiled here, so a mistake in another
// exercise never stops these tests.
#[cfg_attr(
    not(feature = "solutions"),
    path = "../exercises/ex03_socket2_listener.rs"
)]
#[cfg_attr(feature = "solutions", path = "../solutions/ex03_socket2_listener.rs")]
mod ex03_socket2_listener;
use ex03_socket2_listener::{accept_one, open_listener};

// How long the tests wait for the exercise (tests/common/patience.rs: well within the progress
// view's hang limit, so that a wrong answer is shown failing with its message).
#[path = "common/patience.rs"]
mod patience;

/// How long one test may take in all, its connections and calls together, before it gives up (a
/// wrong answer must fail, not hang).
const PATIENCE: Duration = patience::LONGEST;

/// How long one connection, read or write may wait: on loopback each takes microseconds.
const STEP_PATIENCE: Duration = patience::OUTPUT;

/// How long `open_listener` may take: its four calls take microseconds.
const OPEN_PATIENCE: Duration = patience::OUTPUT;

/// How long a connection that should be queued may take to complete on loopback (microseconds
/// in practice), and how long one that should not be queued is watched before the test moves on.
const QUEUE_WAIT: Duration = Duration::from_millis(250);

/// The loopback addresses to test on, with port 0 (any free port). IPv6 is skipped, with a
/// note, on a machine where it is switched off.
fn loopback_addresses() -> Vec<SocketAddr> {
    let mut addresses = vec![addr("127.0.0.1:0")];
    if TcpListener::bind("[::1]:0").is_ok() {
        addresses.push(addr("[::1]:0"));
    } else {
        eprintln!("note: IPv6 is off on this machine; testing 127.0.0.1 only");
    }
    addresses
}

fn addr(text: &str) -> SocketAddr {
    text.parse()
        .expect("the test's addresses are valid literals")
}

/// Runs `test` on its own thread and fails if it takes longer than [`PATIENCE`] (for example
/// because `accept_one` waits for a client that is already there). A panic inside is re-raised.
fn within_patience(what: &str, test: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    // Named as the test is, so that a panic in it says which test it was.
    let name = thread::current().name().unwrap_or("test").to_owned();
    let worker = thread::Builder::new()
        .name(name)
        .spawn(move || {
            test();
            let _ = done.send(());
        })
        .expect("start a thread for the test");
    match finished.recv_timeout(PATIENCE) {
        Ok(()) => {}
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            // The test panicked before it finished: show its message.
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "{what}: still not done after {PATIENCE:?}, although every client here connects at \
             once. `accept` waits until a client comes: accept_one calls it once, for one client \
             (a second call waits for a second client, who never comes) — see book chapter 3, \
             '⑤ Accept'"
        ),
    }
}

/// A client connected to `listener`, with timeouts so that a wrong answer cannot hang the test.
fn connect_client(listener: &TcpListener) -> TcpStream {
    let server = listener
        .local_addr()
        .expect("a bound listener has a local address");
    let client = TcpStream::connect_timeout(&server, STEP_PATIENCE)
        .unwrap_or_else(|e| panic!("a client could not connect to {server}: {e} — the listener should accept connections after step ④ listen — see book chapter 3, '④ Listen'"));
    client
        .set_read_timeout(Some(STEP_PATIENCE))
        .expect("a timeout can be set");
    client
        .set_write_timeout(Some(STEP_PATIENCE))
        .expect("a timeout can be set");
    client
}

/// `open_listener(requested, backlog)` on a thread of its own, for at most [`OPEN_PATIENCE`]: an
/// answer that never returns (a bind retried in a loop) fails with a sentence instead of a hang.
fn open_in_time(requested: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    let (done, finished) = mpsc::channel();
    thread::Builder::new()
        .name("open_listener".to_owned())
        .spawn(move || {
            let _ = done.send(std::panic::catch_unwind(|| {
                open_listener(requested, backlog)
            }));
        })
        .expect("start a thread for open_listener");
    match finished.recv_timeout(OPEN_PATIENCE) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => {
            let said = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            // Its panic was shown above (where in your file, and its message): not again here.
            if said.starts_with("not yet implemented") {
                panic!("open_listener is not written yet (its `todo!()`, above)");
            }
            panic!(
                "open_listener({requested}, {backlog}) panicked (above). A step that fails \
                 (a port in use, an address that is not this machine's) is not a bug in the \
                 program: return the error with `?`, so the caller can explain it — see book \
                 chapter 3, 'Exercise: open a listener'"
            )
        }
        Err(_) => panic!(
            "open_listener({requested}, {backlog}) did not return within {OPEN_PATIENCE:?}: its \
             four steps take microseconds. When a step fails — a port in use, an address that is \
             not this machine's — return its error at once with `?`; do not try again in a \
             loop: the caller explains the error, and a port held by a live listener does not \
             come free by waiting — see book chapter 3, '③ Bind'"
        ),
    }
}

/// `open_listener(requested, backlog)`, which must succeed: a failure names the likely mistake.
fn open(requested: SocketAddr, backlog: i32) -> TcpListener {
    open_in_time(requested, backlog).unwrap_or_else(|e| {
        let hint = if requested.is_ipv6() {
            "an IPv6 address needs an IPv6 socket (take the domain from the address with \
             Domain::for_address(addr)), bound to the address it is given — see book chapter 3, \
             '① Create'"
        } else if e.kind() == io::ErrorKind::AddrNotAvailable {
            "bind the address open_listener is given, with the socket of its family — see book \
             chapter 3, '③ Bind'"
        } else {
            "a loopback address with port 0 is always free, so a step before bind failed: the \
             socket's family must be the address's (Domain::for_address), and IPV6_V6ONLY \
             exists only for IPv6 sockets — set it only when the address is IPv6 — see book \
             chapter 3, '② Options'"
        };
        panic!("expected open_listener({requested}, backlog {backlog}) to succeed, got: {e} ({:?}): {hint}", e.kind())
    })
}

/// Checks that `result` failed with `expected`; the OS's error must come back unchanged.
fn expect_error(result: io::Result<TcpListener>, expected: io::ErrorKind, rule: &str) {
    match result {
        Ok(listener) => panic!(
            "expected {expected:?}, but a listener was opened on {:?}: {rule}",
            listener.local_addr().ok()
        ),
        Err(e) if e.kind() == expected => {}
        Err(e) if e.raw_os_error().is_none() => panic!(
            "expected the OS's {expected:?}, got {e:?} (kind {:?}): return the OS error \
             unchanged (`?`), so the caller can explain it — see book chapter 3, 'Exercise: open a \
             listener'",
            e.kind()
        ),
        Err(e) => panic!("expected {expected:?}, got {e} ({:?}): {rule}", e.kind()),
    }
}

#[test]
fn the_listener_is_on_the_requested_ip_and_accept_returns_the_clients_address() {
    within_patience("connect and accept", || {
        for requested in loopback_addresses() {
            for backlog in [1, 127] {
                let listener = open(requested, backlog);
                let local = listener
                    .local_addr()
                    .expect("a bound listener has a local address");
                assert_eq!(
                    local.ip(),
                    requested.ip(),
                    "expected the listener for {requested} to be bound to that IP: step ③ bind must use the address it is given — see book chapter 3, '③ Bind'"
                );
                assert_ne!(
                    local.port(),
                    0,
                    "expected a real port for {requested}: after bind to port 0 the OS has picked a free port — see book chapter 3, '③ Bind'"
                );

                // The client connects before anyone calls accept: after listen, the OS completes
                // the handshake on its own and queues the connection (the backlog).
                let client = connect_client(&listener);
                let (server_side, peer) = accept_one(&listener).unwrap_or_else(|e| {
                    panic!("expected accept_one to return the waiting client on {local} (backlog {backlog}): got {e} — see book chapter 3, '⑤ Accept'")
                });
                let client_addr = client
                    .local_addr()
                    .expect("a connected client has a local address");
                assert_eq!(
                    peer, client_addr,
                    "expected accept_one on {local} to return the client's own address {client_addr}: accept reports who connected — see book chapter 3, '⑤ Accept'"
                );
                assert_eq!(
                    server_side
                        .peer_addr()
                        .expect("an accepted socket has a peer"),
                    client_addr,
                    "expected the socket from accept_one to be connected to the client {client_addr}: accept returns a new socket for that client — see book chapter 3, '⑤ Accept'"
                );
                assert_eq!(
                    server_side
                        .local_addr()
                        .expect("an accepted socket has a local address"),
                    local,
                    "expected the accepted socket to share the listener's address {local}: a connection is known by both ends' addresses — see book chapter 3, '⑤ Accept'"
                );
            }
        }
    });
}

#[test]
fn data_flows_both_ways_on_an_accepted_connection() {
    within_patience("a round trip", || {
        for requested in loopback_addresses() {
            let listener = open(requested, 127);
            let mut client = connect_client(&listener);
            let (mut server_side, _) = accept_one(&listener)
                .unwrap_or_else(|e| panic!("expected accept_one to return the waiting client on {requested}: got {e} — see book chapter 3, '⑤ Accept'"));
            server_side
                .set_read_timeout(Some(STEP_PATIENCE))
                .expect("a timeout can be set");

            client.write_all(b"ping\n").expect("the client can send");
            let mut received = [0; 5];
            server_side.read_exact(&mut received).unwrap_or_else(|e| {
                panic!("expected the accepted socket on {requested} to receive the client's \"ping\\n\": got {e} — see book chapter 3, '⑥ Talk'")
            });
            assert_eq!(
                &received, b"ping\n",
                "expected the server to read exactly what the client sent on {requested} — see book chapter 3, '⑥ Talk'"
            );

            server_side
                .write_all(b"pong\n")
                .expect("the server can send");
            client.read_exact(&mut received).unwrap_or_else(|e| {
                panic!("expected the client on {requested} to receive the server's \"pong\\n\": got {e} — a TCP connection carries bytes both ways — see book chapter 3, '⑥ Talk'")
            });
            assert_eq!(
                &received, b"pong\n",
                "expected the client to read exactly what the server sent on {requested} — see book chapter 3, '⑥ Talk'"
            );
        }
    });
}

#[test]
fn a_second_listener_on_a_live_port_fails_with_addr_in_use() {
    // Why a second bind could succeed differs by OS (see the top of this file).
    let why = if cfg!(windows) {
        "on Windows, SO_REUSEADDR lets a second socket take over a port that a live listener \
         holds: set SO_REUSEADDR on Unix only (`#[cfg(unix)]`), as std's TcpListener::bind does"
    } else {
        "on Unix, SO_REUSEADDR lets bind reuse a port that only old connections in TIME_WAIT \
         hold, never one a live listener holds — so a second bind succeeds only with another \
         option: do not set SO_REUSEPORT"
    };
    for requested in loopback_addresses() {
        let first = open(requested, 127);
        let taken = first
            .local_addr()
            .expect("a bound listener has a local address");
        expect_error(
            open_in_time(taken, 127),
            io::ErrorKind::AddrInUse,
            &format!(
                "a second listener on {taken} must fail while the first still listens — one \
                 port, one live listener: {why} — see book chapter 3, 'TIME_WAIT and \
                 SO_REUSEADDR'"
            ),
        );
    }
}

#[test]
fn a_restarted_listener_binds_its_port_at_once_despite_time_wait() {
    within_patience("a restart on the same port", || {
        for requested in loopback_addresses() {
            let listener = open(requested, 127);
            let port_addr = listener
                .local_addr()
                .expect("a bound listener has a local address");

            // One connection that the SERVER closes first: the side that closes first keeps the
            // connection in TIME_WAIT (60 s on Linux), and that old connection holds the port.
            let mut client = connect_client(&listener);
            let (server_side, _) = accept_one(&listener)
                .unwrap_or_else(|e| panic!("expected accept_one to return the waiting client on {port_addr}: got {e} — see book chapter 3, '⑤ Accept'"));
            server_side
                .shutdown(Shutdown::Both)
                .expect("the server can close its side");
            drop(server_side);
            let mut rest = Vec::new();
            client
                .read_to_end(&mut rest)
                .expect("the client sees the server's close as end of stream");
            drop(client); // the client's FIN moves the server's side into TIME_WAIT
            drop(listener); // the server "stops"

            // Control (Linux, where we measured it): a socket WITHOUT SO_REUSEADDR cannot bind the
            // port now — the TIME_WAIT connection still holds it. This proves the next assertion
            // tests SO_REUSEADDR and not luck.
            if cfg!(target_os = "linux") {
                let plain = socket2::Socket::new(
                    socket2::Domain::for_address(port_addr),
                    socket2::Type::STREAM,
                    None,
                )
                .expect("a socket can be created");
                let without_reuse = plain.bind(&port_addr.into());
                assert!(
                    matches!(&without_reuse, Err(e) if e.kind() == io::ErrorKind::AddrInUse),
                    "control: expected a bind without SO_REUSEADDR on {port_addr} to fail while TIME_WAIT holds the port, got {without_reuse:?}"
                );
            }

            // The restart: on Unix, with SO_REUSEADDR (set by open_listener every time) the port
            // is ours again. Windows is not asked for it: there SO_REUSEADDR would also let a
            // second program take a live port, so the answer does not set it (see the top).
            let restarted = open_in_time(port_addr, 127);
            if cfg!(unix) {
                assert!(
                    restarted.is_ok(),
                    "expected a restarted server to listen on {port_addr} at once, although its old connection is in TIME_WAIT: on Unix step ② must set SO_REUSEADDR, before bind — see book chapter 3, 'TIME_WAIT and SO_REUSEADDR'; got: {:?}",
                    restarted.err()
                );
            } else if let Err(e) = restarted {
                println!(
                    "note: on this OS the restart on {port_addr} failed ({e}); not required here"
                );
            }
        }
    });
}

#[test]
fn an_address_of_another_machine_fails_with_addr_not_available() {
    // Documentation addresses (TEST-NET-3 and 2001:db8::/32): surely not on this machine. Only bind
    // is tried, and bind sends nothing: no packet leaves the machine.
    let mut foreign = vec![addr("203.0.113.7:0")];
    if loopback_addresses().len() == 2 {
        foreign.push(addr("[2001:db8::7]:0"));
    }
    for requested in foreign {
        expect_error(
            open_in_time(requested, 127),
            io::ErrorKind::AddrNotAvailable,
            &format!(
                "{} is not an address of this machine, and a server can only bind its own addresses (chapter 1 lists them) — see book chapter 3, '③ Bind'",
                requested.ip()
            ),
        );
    }
}

#[test]
fn an_ipv6_listener_is_ipv6_only() {
    if loopback_addresses().len() < 2 {
        return; // IPv6 is off here: nothing to check (the note above says so)
    }
    // [::ffff:127.0.0.1] is an IPv4 address written as IPv6. Only a dual-stack socket, one that
    // also serves IPv4, can bind it; an IPv6-only socket refuses it.
    let mapped = addr("[::ffff:127.0.0.1]:0");
    let result = open_in_time(mapped, 127);
    // The OS's own refusal (Linux: EINVAL), not an error the answer made up.
    assert!(
        result
            .as_ref()
            .err()
            .is_some_and(|err| err.raw_os_error().is_some()),
        "expected open_listener({mapped}, 127) to fail: for an IPv6 address step ② sets IPV6_V6ONLY, so the socket cannot take IPv4 (here an IPv4-mapped address); without it Linux and macOS make a dual-stack socket (std's TcpListener::bind leaves the OS's default) — see book chapter 3, '② Options'; and a refusal is the OS's error, returned unchanged; got {:?}",
        result.map(|listener| listener.local_addr())
    );
}

#[test]
fn accept_one_waits_for_a_client_that_comes_later() {
    within_patience("accept waiting for a client", || {
        let listener = open(addr("127.0.0.1:0"), 127);
        let server = listener
            .local_addr()
            .expect("a bound listener has a local address");
        // This client arrives a little later, as clients do: accept must wait for it.
        let client = thread::spawn(move || {
            thread::sleep(Duration::from_millis(100));
            TcpStream::connect_timeout(&server, STEP_PATIENCE)
        });
        let accepted = accept_one(&listener);
        let client = client
            .join()
            .expect("the client thread does not panic")
            .unwrap_or_else(|e| panic!("the late client could not connect to {server}: {e}"));
        match accepted {
            Ok((_, peer)) => assert_eq!(
                Some(peer),
                client.local_addr().ok(),
                "expected accept_one to return the client that connected — see book chapter 3, '⑤ Accept'"
            ),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => panic!(
                "expected accept_one to wait for a client that connects 0.1 s later, got {e} \
                 (WouldBlock): the listener is non-blocking, so accept returns at once instead \
                 of waiting — do not call set_nonblocking(true); see book chapter 3, '⑤ Accept'"
            ),
            Err(e) => panic!(
                "expected accept_one to wait for the client that connects 0.1 s later and return \
                 it, got {e} — see book chapter 3, '⑤ Accept'"
            ),
        }
    });
}

/// `listen(backlog)` sizes the queue of connections the OS completes before `accept` takes them.
/// Linux queues at most `backlog + 1`; once the queue is full it drops a new client's SYN, so that
/// client's connect does not complete (it would retry after 1 s). Nobody accepts here, so the
/// queue fills up: count how many clients get in. Each connect is non-blocking with a bounded wait.
#[test]
fn listen_uses_the_backlog_it_is_given() {
    if !cfg!(target_os = "linux") {
        println!("skipped: the size of the accept queue is measured on Linux only");
        return;
    }
    // The two backlogs are tried side by side: each waits QUEUE_WAIT for a client that must not
    // get in.
    let fill = |backlog: i32| {
        move || {
            let listener = open(addr("127.0.0.1:0"), backlog);
            let server = listener
                .local_addr()
                .expect("a bound listener has a local address");
            let room = backlog as usize + 1;
            let mut queued = Vec::new();
            for n in 1..=room {
                match TcpStream::connect_timeout(&server, QUEUE_WAIT) {
                    Ok(client) => queued.push(client),
                    Err(e) => panic!(
                        "expected client {n} to be queued: after listen({backlog}) Linux keeps up \
                         to backlog + 1 = {room} connections waiting for accept, but client {n} \
                         got {e} — does step ④ call listen with the `backlog` it is given? See \
                         book chapter 3, '④ Listen'"
                    ),
                }
            }
            let extra = TcpStream::connect_timeout(&server, QUEUE_WAIT);
            assert!(
                extra.is_err(),
                "expected client {} to wait: after listen({backlog}) Linux queues at most backlog \
                 + 1 = {room} connections, and nobody accepted any, yet it connected — the queue \
                 is longer than asked: step ④ must call listen with the `backlog` it is given, \
                 not a fixed number — see book chapter 3, '④ Listen'",
                room + 1
            );
            drop(queued);
        }
    };
    let small = thread::spawn(move || within_patience("filling the accept queue", fill(1)));
    within_patience("filling the accept queue", fill(3));
    if let Err(panic) = small.join() {
        std::panic::resume_unwind(panic);
    }
}
