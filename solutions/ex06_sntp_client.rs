//! Exercise 6 (reference): ask a real time server for the time over UDP, as an SNTP client —
//! book chapter 6, "Exercise 6: the SNTP client".
//!
//! NTP (RFC 5905) and its simple form SNTP (RFC 4330) send one 48-byte datagram each way. Our
//! request carries our clock's time when it leaves (t1); the server's reply carries its clock's
//! time when the request arrived (t2) and when the reply left (t3); we note when the reply
//! arrives (t4). From these four, [`Exchange::offset`] and [`Exchange::delay`].

use std::io::{self, ErrorKind};
use std::net::UdpSocket;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

/// Seconds from NTP's epoch, 1900-01-01 00:00:00 UTC, to Unix's, 1970-01-01: 70 years, 17 of
/// them leap years, so (70 × 365 + 17) × 86,400 s.
const NTP_TO_UNIX: i64 = 2_208_988_800;

// ANCHOR: timestamps
/// `time` as the 8 bytes of an NTP timestamp (RFC 5905 §6): the whole seconds since
/// 1900-01-01 00:00:00 UTC in the first 4 bytes, the fraction of a second in the last 4, each
/// a `u32` in big-endian order ("network byte order": the most significant byte first).
///
/// The fraction is binary: it counts units of 2⁻³² s, so half a second is `0x8000_0000`, not
/// 500,000,000 (the nanoseconds). The Unix epoch, 1970-01-01, is 2,208,988,800 s after NTP's.
/// The seconds field wraps around to 0 on 2036-02-07 06:28:16 UTC; later times count from there.
pub fn to_ntp(time: DateTime<Utc>) -> [u8; 8] {
    // `as u32` keeps the low 32 bits: exactly NTP's wrap-around in 2036.
    let seconds = (time.timestamp() + NTP_TO_UNIX) as u32;
    let nanos = u64::from(time.timestamp_subsec_nanos().min(999_999_999)); // not a leap second
    let fraction = ((nanos << 32) / 1_000_000_000) as u32; // nanos / 10⁹ = fraction / 2³²
    let mut bytes = [0; 8];
    bytes[..4].copy_from_slice(&seconds.to_be_bytes());
    bytes[4..].copy_from_slice(&fraction.to_be_bytes());
    bytes
}

/// The time that the NTP timestamp `bytes` stands for: [`to_ntp`] read back, to within a
/// nanosecond. Seconds with their top bit set are 1968–2036, counted from 1900; seconds without
/// it are 2036–2104, counted from the wrap-around on 2036-02-07 06:28:16 UTC (RFC 4330 §3).
pub fn from_ntp(bytes: [u8; 8]) -> DateTime<Utc> {
    let [s0, s1, s2, s3, f0, f1, f2, f3] = bytes;
    let seconds = i64::from(u32::from_be_bytes([s0, s1, s2, s3]));
    let fraction = u64::from(u32::from_be_bytes([f0, f1, f2, f3]));
    let era = if seconds < 1 << 31 { 1 << 32 } else { 0 }; // after 2036: one wrap-around more
    let nanos = (fraction * 1_000_000_000) >> 32; // below 10⁹, as the fraction is below 2³²
    DateTime::UNIX_EPOCH
        + TimeDelta::seconds(seconds + era - NTP_TO_UNIX)
        + TimeDelta::nanoseconds(nanos as i64)
}
// ANCHOR_END: timestamps

// ANCHOR: packet
/// The 48 bytes of a client's request (RFC 4330 §5). Byte 0 holds three fields, from its top
/// bit down: LI = 0 (2 bits, "no leap second warning"), VN = 4 (3 bits, the version) and
/// Mode = 3 (3 bits, "client"). Bytes 40..48, the transmit timestamp, hold [`to_ntp`] of
/// `transmit`, the time the request leaves. Every other byte is 0.
///
/// The server copies our transmit timestamp, byte for byte, into its reply's originate
/// timestamp: that is how we know that a reply answers this request.
pub fn request(transmit: DateTime<Utc>) -> [u8; 48] {
    let mut packet = [0; 48];
    packet[0] = (4 << 3) | 3; // LI 0 (top 2 bits), VN 4 (next 3 bits), Mode 3 (low 3 bits): 0x23
    packet[40..48].copy_from_slice(&to_ntp(transmit));
    packet
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
    let Some(packet) = datagram.first_chunk::<48>() else {
        return Err(Rejected::TooShort(datagram.len()));
    };
    if packet[24..32] != request[40..48] {
        return Err(Rejected::NotOurs);
    }
    let mode = packet[0] & 0b111;
    if mode != 4 {
        return Err(Rejected::NotAServer(mode));
    }
    // `expect`: a slice of 8 bytes always converts to `[u8; 8]`.
    let timestamp = |at: usize| from_ntp(packet[at..at + 8].try_into().expect("8 bytes"));
    match packet[1] {
        0 => {
            let code = String::from_utf8_lossy(&packet[12..16]);
            Err(Rejected::KissOfDeath(
                code.trim_end_matches('\0').to_owned(),
            ))
        }
        stratum => Ok(Reply {
            stratum,
            receive: timestamp(32),
            transmit: timestamp(40),
        }),
    }
}
// ANCHOR_END: packet

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
        ((self.t2 - self.t1) + (self.t3 - self.t4)) / 2
    }

    /// The round trip's time on the network: `(t4 − t1) − (t3 − t2)`, the whole wait by our
    /// clock less the time the server took by its own.
    pub fn delay(&self) -> TimeDelta {
        (self.t4 - self.t1) - (self.t3 - self.t2)
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

// ANCHOR: ask
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
    // Bigger than any reply: a datagram longer than the buffer is cut short (on Windows: an error).
    let mut buffer = [0; 1024];
    for requests in 1..=tries {
        let t1 = clock();
        let request = request(t1);
        socket.send(&request).map_err(AskError::Io)?;
        let give_up = Instant::now() + timeout;
        loop {
            let left = give_up.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break; // no answer to this request: send another
            }
            socket.set_read_timeout(Some(left)).map_err(AskError::Io)?;
            let received = match socket.recv(&mut buffer) {
                Ok(received) => received,
                Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    break;
                }
                Err(err) if err.kind() == ErrorKind::Interrupted => continue,
                Err(err) => return Err(AskError::Io(err)),
            };
            let t4 = clock();
            match parse_reply(&buffer[..received], &request) {
                Ok(reply) => {
                    return Ok(Exchange {
                        t1,
                        t2: reply.receive,
                        t3: reply.transmit,
                        t4,
                        stratum: reply.stratum,
                        requests,
                    });
                }
                Err(Rejected::KissOfDeath(code)) => return Err(AskError::KissOfDeath(code)),
                Err(_) => continue, // not the answer to this request: wait on
            }
        }
    }
    Err(AskError::NoAnswer)
}
// ANCHOR_END: ask
