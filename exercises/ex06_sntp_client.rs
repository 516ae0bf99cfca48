//! Exercise 6: ask a real time server for the time over UDP, as an SNTP client —
//! book chapter 6, "Exercise 6: the SNTP client".
//!
//! NTP (RFC 5905) and its simple form SNTP (RFC 4330) send one 48-byte datagram each way. Our
//! request carries our clock's time when it leaves (t1); the server's reply carries its clock's
//! time when the request arrived (t2) and when the reply left (t3); we note when the reply
//! arrives (t4). From these four, [`Exchange::offset`] and [`Exchange::delay`].
//!
//! Check your work with `cargo test --test ex06_sntp_client`; then ask a real server with your
//! code: `cargo run --example 06_sntp_client --features mine`.

// A stub names its parameters but does not use them yet (and `clock` is `mut` already, for the
// code you will write), and `ask` does not build its errors yet; delete this line when you are
// done. Keep the signatures: the tests and example 06 call them as they are (adding or removing
// `mut` on a parameter is fine).
#![allow(unused_variables, unused_mut, dead_code)]

use std::io;
use std::net::UdpSocket;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// `time` as the 8 bytes of an NTP timestamp (RFC 5905 §6): the whole seconds since
/// 1900-01-01 00:00:00 UTC in the first 4 bytes, the fraction of a second in the last 4, each
/// a `u32` in big-endian order ("network byte order": the most significant byte first).
///
/// The fraction is binary: it counts units of 2⁻³² s, so half a second is `0x8000_0000`, not
/// 500,000,000 (the nanoseconds). The Unix epoch, 1970-01-01, is 2,208,988,800 s after NTP's.
/// The seconds field wraps around to 0 on 2036-02-07 06:28:16 UTC; later times count from there.
pub fn to_ntp(time: DateTime<Utc>) -> [u8; 8] {
    // TODO: write the seconds since 1900 and the binary fraction of a second, each as 4 big-endian bytes.
    todo!("exercise 6: implement to_ntp — book chapter 6, 'NTP timestamps'")
}

/// The time that the NTP timestamp `bytes` stands for: [`to_ntp`] read back, to within a
/// nanosecond. Seconds with their top bit set are 1968–2036, counted from 1900; seconds without
/// it are 2036–2104, counted from the wrap-around on 2036-02-07 06:28:16 UTC (RFC 4330 §3).
pub fn from_ntp(bytes: [u8; 8]) -> DateTime<Utc> {
    // TODO: read the two big-endian u32s back into a time (mind the wrap-around in 2036).
    todo!("exercise 6: implement from_ntp — book chapter 6, 'NTP timestamps'")
}

/// The 48 bytes of a client's request (RFC 4330 §5). Byte 0 holds three fields, from its top
/// bit down: LI = 0 (2 bits, "no leap second warning"), VN = 4 (3 bits, the version) and
/// Mode = 3 (3 bits, "client"). Bytes 40..48, the transmit timestamp, hold [`to_ntp`] of
/// `transmit`, the time the request leaves. Every other byte is 0.
///
/// The server copies our transmit timestamp, byte for byte, into its reply's originate
/// timestamp: that is how we know that a reply answers this request.
pub fn request(transmit: DateTime<Utc>) -> [u8; 48] {
    // TODO: 48 zero bytes, then byte 0 and the transmit timestamp.
    todo!("exercise 6: implement request — book chapter 6, 'NTP's packet'")
}

/// What a server's reply says, once [`parse_reply`] has checked that it answers our request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The server's stratum (byte 1): 1 for a server with its own reference clock (GPS, an atomic
    /// clock), 2 for one that follows a stratum 1 server, and so on.
    pub stratum: u8,
    /// t2: when our request arrived, by the server's clock (bytes 32..40, "receive timestamp").
    pub receive: DateTime<Utc>,
    /// t3: when the reply left, by the server's clock (bytes 40..48, "transmit timestamp").
    pub transmit: DateTime<Utc>,
}

/// Why a datagram is not the answer to our request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejected {
    /// It has this many bytes, fewer than 48: not a whole NTP packet.
    TooShort(usize),
    /// Its originate timestamp (bytes 24..32) is not our request's transmit timestamp: it
    /// answers another request (an earlier one of ours that came late, or someone else's), or it
    /// is forged.
    NotOurs,
    /// Its mode (the low 3 bits of byte 0) is this, not 4 ("server").
    NotAServer(u8),
    /// Stratum 0: a "kiss-o'-death" (RFC 4330 §8), the server's refusal to serve us. Its
    /// reference identifier (bytes 12..16) holds a code of four ASCII letters, such as `RATE` (we
    /// ask too often) or `DENY`, padded with zero bytes if shorter; here without the padding.
    KissOfDeath(String),
}

/// Checks that `datagram` is the server's answer to `request` (the 48 bytes we sent), and
/// reads it. The checks, in this order, the first that fails giving the error:
/// 1. at least 48 bytes (a longer reply carries extensions that we ignore);
/// 2. its originate timestamp is our request's transmit timestamp, byte for byte;
/// 3. its mode is 4, "server";
/// 4. its stratum is not 0: stratum 0 is a kiss-o'-death, and it counts only once checks 1–3
///    have shown that it answers our request.
pub fn parse_reply(datagram: &[u8], request: &[u8; 48]) -> Result<Reply, Rejected> {
    // TODO: the four checks, in order, then read the stratum and the two server timestamps.
    todo!("exercise 6: implement parse_reply — book chapter 6, 'Is this reply ours?'")
}

// ANCHOR: exchange
/// One request and the answer to it: the four timestamps of NTP's on-wire protocol
/// (RFC 5905 §8), the server's stratum, and how many requests it took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// t1: when our request left, by our clock (the request's transmit timestamp).
    pub t1: DateTime<Utc>,
    /// t2: when the request arrived, by the server's clock.
    pub t2: DateTime<Utc>,
    /// t3: when the reply left, by the server's clock.
    pub t3: DateTime<Utc>,
    /// t4: when the reply arrived, by our clock.
    pub t4: DateTime<Utc>,
    /// The server's stratum (see [`Reply`]).
    pub stratum: u8,
    /// How many requests were sent: 1 when the first was answered, 2 when the first got no
    /// answer in time and the second did, and so on.
    pub requests: u32,
}

impl Exchange {
    /// How far our clock is behind the server's: `((t2 − t1) + (t3 − t4)) / 2`, positive when
    /// the server's clock is ahead. When the request and the reply take equally long on the
    /// network, that time cancels out; otherwise the true offset is within ± half the
    /// round trip (`delay`) of this (RFC 5905, section 10).
    pub fn offset(&self) -> TimeDelta {
        // TODO: NTP's offset formula.
        todo!("exercise 6: implement offset — book chapter 6, 'Four timestamps: offset and delay'")
    }

    /// The round trip's time on the network: `(t4 − t1) − (t3 − t2)`, the whole wait by our
    /// clock less the time the server took by its own.
    pub fn delay(&self) -> TimeDelta {
        // TODO: NTP's delay formula.
        todo!("exercise 6: implement delay — book chapter 6, 'Four timestamps: offset and delay'")
    }
}
// ANCHOR_END: exchange

/// Why [`ask`] got no time from the server.
#[derive(Debug)]
pub enum AskError {
    /// None of the requests got an answer within the timeout.
    NoAnswer,
    /// The server answered with a kiss-o'-death, with this code: it asks us to stop asking.
    KissOfDeath(String),
    /// Sending or receiving failed (not a timeout): this error.
    Io(io::Error),
}

/// Asks the NTP server that `socket` is connected to for the time.
///
/// Sends a [`request`] whose transmit time is a fresh `clock()` reading (t1), then waits at most
/// `timeout` for the answer, reading `clock()` again when a datagram arrives (t4). A datagram
/// that [`parse_reply`] rejects is not the answer: skip it and wait on, but never past `timeout`
/// after that request left. No answer in time? UDP may have lost the request or the reply: send
/// a new request (with a new t1) — at most `tries` requests in all, then `Err(NoAnswer)`.
///
/// A kiss-o'-death ends at once with `Err(KissOfDeath(code))`: the server asked us to stop. A
/// failed send or receive is `Err(Io(error))` — but a read that times out fails with
/// `WouldBlock` on Unix and `TimedOut` on Windows (std's `UdpSocket::set_read_timeout`), and
/// `Interrupted` only means "read again".
///
/// `clock` is a parameter so that tests can pass a fake one; a real client passes `Utc::now`.
pub fn ask(
    socket: &UdpSocket,
    timeout: Duration,
    tries: u32,
    mut clock: impl FnMut() -> DateTime<Utc>,
) -> Result<Exchange, AskError> {
    // TODO: up to `tries` times: send a request, then receive until the answer comes or `timeout` has passed.
    todo!("exercise 6: implement ask — book chapter 6, 'Lost datagrams: a timeout and a retry'")
}
