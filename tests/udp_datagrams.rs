//! UDP sends datagrams: each send is one message, and each receive returns one message, whole.
//! Book chapter 6 shows these two tests, the same experiment as chapter 3's
//! `tests/tcp_byte_stream.rs`. They use only std and loopback, and are not an exercise: they pass
//! with and without `--features solutions`.

use std::net::UdpSocket;
use std::time::Duration;

/// No step of these tests should take long; this bounds every wait so a failure cannot hang.
const PATIENCE: Duration = Duration::from_secs(5);

/// Two UDP sockets on free loopback ports: the sender is "connected" to the receiver.
fn pair() -> (UdpSocket, UdpSocket) {
    let receiver = UdpSocket::bind("127.0.0.1:0").expect("a free loopback port");
    receiver
        .set_read_timeout(Some(PATIENCE))
        .expect("a timeout can be set");
    let sender = UdpSocket::bind("127.0.0.1:0").expect("a free loopback port");
    let to = receiver
        .local_addr()
        .expect("a bound socket has an address");
    sender
        .connect(to)
        .expect("a UDP connect only records the address");
    (sender, receiver)
}

// ANCHOR: kept
#[test]
fn three_sends_arrive_as_three_datagrams() {
    let (sender, receiver) = pair();
    // Three separate messages, three separate sends — all sent before anyone receives…
    for message in [&b"one;"[..], b"two;", b"three;"] {
        sender.send(message).expect("the send succeeds");
    }

    // …and each receive returns exactly one of them, whole, however big the buffer.
    let mut buffer = [0; 1024];
    for expected in [&b"one;"[..], b"two;", b"three;"] {
        let n = receiver.recv(&mut buffer).expect("a datagram arrives");
        assert_eq!(
            &buffer[..n],
            expected,
            "each receive should return one datagram: UDP keeps the boundaries of the sends"
        );
    }
}
// ANCHOR_END: kept

// ANCHOR: cut
#[test]
fn a_datagram_bigger_than_the_buffer_is_not_kept_for_the_next_receive() {
    let (sender, receiver) = pair();
    sender.send(b"Hello, world!\n").expect("the send succeeds");
    sender.send(b"next\n").expect("the send succeeds");

    let mut small = [0; 7];
    let first = receiver.recv(&mut small);
    // Unix returns what fitted and throws the rest away (`man 7 udp`); Windows fills the buffer
    // too, but reports an error (WSAEMSGSIZE, Microsoft Learn's `recv`). Either way, the rest of
    // the datagram is not kept.
    if cfg!(unix) {
        assert_eq!(first.ok(), Some(7), "the buffer is filled");
        assert_eq!(&small, b"Hello, ", "with the start of the datagram");
    }

    // The rest of "Hello, world!\n" is gone: the next receive gets the next datagram.
    let mut buffer = [0; 1024];
    let n = receiver
        .recv(&mut buffer)
        .expect("the next datagram arrives");
    assert_eq!(
        &buffer[..n],
        b"next\n",
        "a datagram is received whole or cut short, never continued"
    );
}
// ANCHOR_END: cut
