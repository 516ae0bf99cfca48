//! What the OS knows about a connection, and a close that keeps the last words — chapters 4–5.
//!
//! A successful `write` only means that the OS took the bytes into its send queue. Two things
//! the examples need go further than std's `TcpStream` offers:
//!
//! * [`unsent_bytes`]: how much of what we wrote is still queued on this machine — the client
//!   uses it to tell a server that never reads from one that read everything.
//! * [`refuse`]: a server that turns a client away says why and closes so that the client can
//!   still read the reason (a plain close can destroy it: see there).
//!
//! And [`peer_has_spoken`] lets a client that only writes notice that its server said
//! something, or closed, before it writes again.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Tells a client why it is turned away (`line`, ending in `\n`), and closes the connection so
/// that the client can read it: the close must be an orderly end of stream (FIN), not a reset
/// (RST). Waits at most `wait` (and reads at most 64 KiB) for the client to close.
///
/// Why not just write and drop? A connection closed while bytes the client sent are still
/// unread answers with a reset (RFC 1122, section 4.2.2.13: "If such a host issues a CLOSE call
/// while received data is still pending in TCP, … its TCP SHOULD send a RST to show that data
/// was lost"), and a client usually sends before it reads. On Windows a reset makes the
/// client's next `recv` fail with WSAECONNRESET, and the line it had received but not yet read
/// is lost with it (Microsoft Learn, "closesocket function": an abortive close resets the
/// connection, "any recv call on the remote side of the circuit will fail with
/// WSAECONNRESET"). So, as Microsoft's "shutdown function" page advises for a graceful close:
/// send, `shutdown` the sending side, read until the peer closes (0 bytes), then close.
/// What we read is thrown away: it was not for us. A non-blocking socket (one from an async
/// runtime, as in example 07) is made blocking first: the waits are reads with a timeout.
pub fn refuse(mut stream: &TcpStream, line: &str, wait: Duration) {
    let give_up = Instant::now() + wait;
    let _ = stream.set_nonblocking(false); // if it fails, the reads below end at once
    let _ = stream.set_write_timeout(Some(wait)); // fails only for a zero wait: then no timeout
    let _ = stream.write_all(line.as_bytes()); // into an empty send queue: at once
    let _ = stream.shutdown(Shutdown::Write); // our end of stream follows the line
    let (mut buffer, mut drained) = ([0u8; 4096], 0);
    while drained < 64 * 1024 {
        let left = give_up.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut buffer) {
            Ok(0) => break, // the client closed too: nothing is left unread
            Ok(n) => drained += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break, // a timeout, or the client reset: stop waiting
        }
    }
}

/// How many clients [`turn_away`] is refusing right now, each on a thread of its own.
static REFUSING: AtomicUsize = AtomicUsize::new(0);

/// [`refuse`] on a thread of its own, so that the server goes on accepting while the refused
/// client reads the line and closes: waits at most 2 s for it. With 64 refusals under way
/// already (a crowd at the door), it does not wait at all: that client may lose the line.
pub fn turn_away(stream: TcpStream, line: String) {
    let wait = if REFUSING.fetch_add(1, Ordering::SeqCst) < 64 {
        Duration::from_secs(2)
    } else {
        Duration::ZERO
    };
    let refusing = std::thread::Builder::new().spawn(move || {
        refuse(&stream, &line, wait);
        REFUSING.fetch_sub(1, Ordering::SeqCst);
    });
    if refusing.is_err() {
        REFUSING.fetch_sub(1, Ordering::SeqCst); // no thread: the stream was dropped, closed
    }
}

/// Reads what the peer says until it closes (`Ok`), fails (a reset: it closed with our bytes
/// unread), or `wait` passes (`TimedOut`); returns the first 4 KiB of it (empty if nothing).
/// A client calls this after its last message, or after a failed write, to learn why.
pub fn last_words(mut stream: &TcpStream, wait: Duration) -> (Vec<u8>, io::Result<()>) {
    let (mut said, mut buffer, give_up) = (Vec::new(), [0; 1024], Instant::now() + wait);
    let _ = stream.set_read_timeout(Some(wait)); // fails only for a zero timeout
    let ended = loop {
        if Instant::now() > give_up {
            break Err(io::Error::from(io::ErrorKind::TimedOut)); // a peer that talks on and on
        }
        match stream.read(&mut buffer) {
            // End of stream: the peer closed. If our bytes then reached its closed socket, it
            // answered with a reset: our socket keeps that error for us.
            Ok(0) => break stream.take_error().and_then(|err| err.map_or(Ok(()), Err)),
            Ok(n) => said.extend(buffer[..n].iter().take(4096 - said.len())), // keep 4 KiB
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => break Err(err),
        }
    };
    (said, ended)
}

/// Whether the peer has sent something or closed its side — without waiting, and without
/// taking the bytes (they stay to be read). A client that only writes calls this before each
/// message, so that a server's "busy" line and close are read before the next write runs into
/// them (after a close, that write would bring a reset, which may destroy the line).
pub fn peer_has_spoken(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let peeked = stream.peek(&mut [0u8; 1]); // Ok(0): the end of the stream; Ok(1): a byte
    let _ = stream.set_nonblocking(false); // back to blocking writes, with their timeout
    match peeked {
        Ok(_) => true,
        Err(err) => !matches!(
            err.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
        ),
    }
}

/// How many bytes written to `stream` are still in this machine's send queue: not yet sent, or
/// sent but not yet acknowledged by the peer's TCP (which acknowledges what reached its receive
/// buffer, not what the peer program read). `None` where the OS does not tell:
///
/// * Linux, Android: the `SIOCOUTQ` ioctl (also named `TIOCOUTQ`; tcp(7), "Ioctls": "the amount
///   of unsent data in the socket send queue"; the kernel counts `write_seq - snd_una`, sent
///   and not acknowledged too). After `shutdown(Write)` it counts our FIN as 1 until the peer
///   acknowledges it.
/// * macOS, iOS: the socket option `SO_NWRITE` (XNU's `sys/socket.h`: "number of bytes
///   currently in send socket buffer"; `bsd/kern/uipc_socket.c`, `sogetoptlock`, returns
///   `so->so_snd.sb_cc`). TCP keeps what it sent in that buffer until the peer acknowledges it,
///   so this too counts sent and unacknowledged bytes; our FIN is not a byte of it.
/// * Windows and others: `None`. Winsock has no documented call for the bytes in a socket's
///   send queue (`SIO_TCP_INFO` reports bytes in flight, not bytes still waiting to be sent).
pub fn unsent_bytes(stream: &TcpStream) -> Option<u64> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::fd::AsRawFd;
        let mut queued: libc::c_int = 0;
        // SAFETY: the descriptor is the open socket that `stream` owns (borrowed for this
        // call), and TIOCOUTQ writes one `int` to the pointer it is given, a live local here.
        let result = unsafe { libc::ioctl(stream.as_raw_fd(), libc::TIOCOUTQ, &mut queued) };
        (result == 0).then(|| u64::try_from(queued).unwrap_or(0))
    }
    #[cfg(target_vendor = "apple")]
    {
        use std::os::fd::AsRawFd;
        let mut queued: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: the descriptor is the open socket that `stream` owns; getsockopt writes at
        // most `len` bytes (one `int`) to `queued`, and `len` back to `len`, both live locals.
        let result = unsafe {
            libc::getsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_NWRITE,
                (&mut queued as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        (result == 0).then(|| u64::try_from(queued).unwrap_or(0))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
    {
        let _ = stream;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        let client = TcpStream::connect(addr).expect("connect on loopback");
        let (server, _) = listener.accept().expect("accept on loopback");
        (client, server)
    }

    /// `refuse(server, "server busy: full\n", 5 s)` on a thread of its own.
    fn refuse_on_a_thread(server: TcpStream) -> std::thread::JoinHandle<()> {
        std::thread::spawn(move || refuse(&server, "server busy: full\n", Duration::from_secs(5)))
    }

    /// What the refused `client` reads until the end of the stream (at most 10 s).
    fn told(client: &mut TcpStream) -> String {
        let mut told = String::new();
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a read timeout");
        client
            .read_to_string(&mut told)
            .expect("an orderly end of stream (FIN), not a reset, after the line");
        told
    }

    #[test]
    fn a_refused_client_reads_the_line_then_an_orderly_end_of_stream() {
        let (mut client, server) = pair();
        client
            .write_all(b"2026-12-06 10:00:00\n")
            .expect("send before the refusal");
        // Wait until our timestamp has reached the server: the case that would end in a reset.
        while server.peek(&mut [0u8; 1]).expect("peek") == 0 {}
        let refusing = refuse_on_a_thread(server);
        assert_eq!(told(&mut client), "server busy: full\n");
        // A client that writes once more before it notices: the refusing side still reads (and
        // throws away), so that write brings no reset either.
        client
            .write_all(b"2026-12-06 10:00:01\n")
            .expect("the server's side is still open");
        std::thread::sleep(Duration::from_millis(50)); // time for a reset to come back, if any
        let after = client.read(&mut [0u8; 16]);
        assert!(
            matches!(after, Ok(0)),
            "still an orderly end of stream, not a reset: {after:?}"
        );
        drop(client); // the refusing side reads our end of stream and stops waiting
        refusing.join().expect("refuse returns");
    }

    #[test]
    fn a_non_blocking_socket_is_refused_as_politely() {
        // As example 07 hands it over from tokio: still non-blocking. Without waiting for the
        // client's end of stream, the close would come with our timestamp unread: a reset.
        let (mut client, server) = pair();
        server
            .set_nonblocking(true)
            .expect("non-blocking, as tokio's sockets are");
        client.write_all(b"2026-12-06 10:00:00\n").expect("send");
        let refusing = refuse_on_a_thread(server);
        std::thread::sleep(Duration::from_millis(50)); // the refusal reads, and waits for us
        assert_eq!(told(&mut client), "server busy: full\n");
        assert!(!refusing.is_finished(), "it waits for our end of stream");
        drop(client);
        refusing.join().expect("refuse returns");
    }

    #[test]
    fn refusing_a_client_that_never_closes_waits_no_longer_than_told() {
        let (_client, server) = pair();
        let started = Instant::now();
        refuse(&server, "server busy\n", Duration::from_millis(200));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_peer_that_said_something_or_closed_has_spoken() {
        let (client, mut server) = pair();
        assert!(!peer_has_spoken(&client), "nothing yet");
        server.write_all(b"hello").expect("send");
        let give_up = Instant::now() + Duration::from_secs(10);
        while !peer_has_spoken(&client) {
            assert!(Instant::now() < give_up, "the byte never arrived");
            std::thread::sleep(Duration::from_millis(1));
        }
        let mut hello = [0u8; 5];
        (&client)
            .read_exact(&mut hello)
            .expect("the bytes were left to read");
        assert!(!peer_has_spoken(&client), "read: nothing new");
        drop(server);
        while !peer_has_spoken(&client) {
            assert!(Instant::now() < give_up, "the end of stream never arrived");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn bytes_a_peer_never_reads_stay_queued_and_bytes_it_reads_do_not() {
        let (mut client, mut server) = pair();
        let Some(empty) = unsent_bytes(&client) else {
            return; // an OS that does not tell (Windows): nothing to check
        };
        assert_eq!(empty, 0, "nothing written yet");
        // Read by the peer: nothing stays queued (after its TCP acknowledged it).
        client.write_all(&[b'x'; 1000]).expect("send");
        server.read_exact(&mut [0u8; 1000]).expect("receive");
        let give_up = Instant::now() + Duration::from_secs(10);
        while unsent_bytes(&client) != Some(0) {
            assert!(Instant::now() < give_up, "{:?}", unsent_bytes(&client));
            std::thread::sleep(Duration::from_millis(1));
        }
        // Never read: once the peer's receive buffer is full, the rest stays in our queue.
        client.set_nonblocking(true).expect("non-blocking");
        let mut sent = 0u64;
        while sent < 64 << 20 {
            match client.write(&[b'y'; 65536]) {
                Ok(n) => sent += n as u64,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                Err(err) => panic!("write: {err}"),
            }
        }
        let queued = unsent_bytes(&client).expect("told a moment ago");
        assert!(
            queued > 0 && queued <= sent,
            "{queued} of {sent} bytes queued"
        );
    }
}
