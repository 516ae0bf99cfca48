//! TCP is a byte stream: it keeps the bytes and their order, not the boundaries of your writes.
//! Book chapter 3 shows these two tests. They use only std and loopback, and are not an exercise:
//! they pass with and without `--features solutions`.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// No step of these tests should take long; this bounds every wait so a failure cannot hang.
const PATIENCE: Duration = Duration::from_secs(5);

/// A listener on a free loopback port, and a server-side connection from `client` (run on a thread).
fn connect<T: Send + 'static>(
    client: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> (TcpStream, thread::JoinHandle<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let server_addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let writer = thread::spawn(move || {
        let stream = TcpStream::connect(server_addr).expect("the listener is ready");
        client(stream)
    });
    let (server_side, _) = listener.accept().expect("the client connects");
    server_side
        .set_read_timeout(Some(PATIENCE))
        .expect("a timeout can be set");
    (server_side, writer)
}

// ANCHOR: glued
#[test]
fn three_writes_can_arrive_in_one_read() {
    let (mut reader, writer) = connect(|mut stream| {
        // Three separate messages, three separate writes…
        for message in [&b"one;"[..], b"two;", b"three;"] {
            stream.write_all(message).expect("the write succeeds");
        }
        stream
            .shutdown(Shutdown::Write)
            .expect("the writer says it is done");
    });
    // Wait until the writer has sent everything, so all its bytes are waiting for us.
    writer.join().expect("the writer thread finished");

    // …and one read gets all of them. Nothing marks where one message ended.
    let mut buffer = [0; 1024];
    let n = reader.read(&mut buffer).expect("the read succeeds");
    assert_eq!(
        &buffer[..n],
        b"one;two;three;",
        "one read should return the bytes of all three writes, glued: TCP keeps bytes, not message boundaries"
    );
}
// ANCHOR_END: glued

// ANCHOR: split
#[test]
fn one_message_can_arrive_in_two_reads() {
    let (first_half_read, wait_for_reader) = mpsc::channel();
    let (mut reader, writer) = connect(move |mut stream| {
        // Send each write at once instead of waiting to collect more bytes (Nagle's algorithm).
        stream.set_nodelay(true).expect("TCP_NODELAY can be set");
        stream.write_all(b"Hello, ").expect("the write succeeds");
        // A slow sender: the rest of the message comes only after the reader has read the start.
        wait_for_reader
            .recv_timeout(PATIENCE)
            .expect("the reader read the first part");
        stream.write_all(b"world!\n").expect("the write succeeds");
    });

    let mut buffer = [0; 1024];
    let n = reader.read(&mut buffer).expect("the first read succeeds");
    assert_eq!(
        &buffer[..n],
        b"Hello, ",
        "the first read should return only what had arrived: half of the message"
    );
    first_half_read.send(()).expect("the writer is waiting");

    let n = reader.read(&mut buffer).expect("the second read succeeds");
    assert_eq!(
        &buffer[..n],
        b"world!\n",
        "the second read should return the rest: one message, two reads"
    );
    writer.join().expect("the writer thread finished");
}
// ANCHOR_END: split
