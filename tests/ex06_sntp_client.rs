//! Exercise 6: an SNTP client — book chapter 6.
//!
//! The bytes first (timestamps, the request, the reply's checks), then the arithmetic (offset and
//! delay), then the network: `ask` against a fake server that loses, delays, cuts short and
//! refuses — and against chronyd, a real NTP server started on loopback, where it is installed.
//!
//! Each call of the exercise runs on its own thread with a time limit: a read that waits for
//! ever fails in seconds, with the rule it broke.

use std::net::{SocketAddr, UdpSocket};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
// The file under test: your `exercises/ex06_sntp_client.rs`, or with `--features solutions` the
// reference `solutions/ex06_sntp_client.rs`. Only this one exercise is compiled here.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/ex06_sntp_client.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/ex06_sntp_client.rs")]
mod ex06_sntp_client;
use ex06_sntp_client::{
    AskError, Exchange, Rejected, Reply, ask, from_ntp, parse_reply, request, to_ntp,
};

// The tests' own NTP peers: a fake server and chronyd (tests/common/ntp.rs).
#[path = "common/ntp.rs"]
mod ntp;
use ntp::{FakeServer, close, ntp_bytes, utc};

const TIMESTAMPS: &str = "see book chapter 6, 'NTP timestamps'";
const PACKET: &str = "see book chapter 6, 'NTP's packet'";
const OURS: &str = "see book chapter 6, 'Is this reply ours?'";
const FORMULA: &str = "see book chapter 6, 'Four timestamps: offset and delay'";
const LOSS: &str = "see book chapter 6, 'Lost datagrams: a timeout and a retry'";

// How long the tests wait for the exercise (tests/common/patience.rs: well within the progress
// view's hang limit, so that a wrong answer is shown failing with its message).
#[path = "common/patience.rs"]
mod patience;

/// One of the exercise's functions, as the messages about a panic or a hang in it speak of it.
struct Part {
    /// What to do instead of panicking (the panic itself is shown above the test's message).
    panics: &'static str,
    /// Why it might not return.
    hangs: &'static str,
    /// The section that teaches it.
    see: &'static str,
}

/// The functions that only compute: they wait for nothing.
const COMPUTES: &str = "it only computes and waits for nothing: a loop that never ends?";

const TO_NTP: Part = Part {
    panics: "`to_ntp` must give 8 bytes for every time: compute the fraction in u64, \
             `(nanos << 32) / 1_000_000_000`, which cannot overflow, and keep the low 32 bits of \
             the seconds (`as u32`: the wrap-around in 2036 is meant)",
    hangs: COMPUTES,
    see: TIMESTAMPS,
};
const FROM_NTP: Part = Part {
    panics: "`from_ntp` must give a time for every 8 bytes. `DateTime::from_timestamp(seconds, \
             nanos)` returns None when `nanos` is 10⁹ or more, and an `unwrap` of it panics: \
             nanoseconds = fraction × 10⁹ / 2³², computed in u64 and cut (`>> 32`), are always \
             below 10⁹ (rounding up can reach 10⁹; the fraction itself goes up to 4.29 × 10⁹)",
    hangs: COMPUTES,
    see: TIMESTAMPS,
};
const REQUEST: Part = Part {
    panics: "`request` builds 48 bytes from any time: 48 zero bytes, byte 0, and \
             `to_ntp(transmit)` copied into bytes 40..48",
    hangs: COMPUTES,
    see: PACKET,
};
const PARSE_REPLY: Part = Part {
    panics: "Bytes from the network are whatever someone sent: check a datagram's length before \
             you index into it, and return a `Rejected` instead of panicking",
    hangs: COMPUTES,
    see: OURS,
};
const FORMULAS: Part = Part {
    panics: "`offset` and `delay` are `TimeDelta` arithmetic on the four times (`t2 - t1` and so \
             on), which does not panic for times a few hours apart",
    hangs: COMPUTES,
    see: FORMULA,
};
const ASK: Part = Part {
    panics: "`ask` must not panic on what the network does — a lost datagram, one that is not \
             the answer, a refusal: return an `AskError` instead",
    hangs: "A `recv` on a UDP socket waits for ever when no datagram comes — and UDP never says \
            that one was lost. Set a read timeout (`set_read_timeout`) before each `recv`, and \
            give up after `tries` requests",
    see: LOSS,
};

/// Runs `job` on its own thread for at most `limit`: its value, or `None` when it did not return
/// in time. A panic in it becomes a message that says what was being done and what to do instead
/// (`part.panics`); the panic itself is shown above it, once.
fn try_in_time<T: Send + 'static>(
    what: &str,
    limit: Duration,
    part: &Part,
    job: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let limit = patience::check(limit);
    let (done, finished) = mpsc::channel();
    thread::Builder::new()
        .name("exercise 6".to_owned())
        .spawn(move || {
            let _ = done.send(panic::catch_unwind(AssertUnwindSafe(job)));
        })
        .expect("[test] start a thread for the exercise");
    match finished.recv_timeout(limit) {
        Ok(Ok(returned)) => Some(returned),
        Ok(Err(payload)) => {
            let said = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            // Its panic was shown above (where in your file, and its message): not again here.
            if said.starts_with("not yet implemented") {
                panic!(
                    "for {what}: this part of exercise 6 is not written yet (its `todo!()`, above)"
                );
            }
            panic!(
                "for {what}: your code panicked (above). {} — {}",
                part.panics, part.see
            )
        }
        Err(_) => None,
    }
}

/// [`try_in_time`], and a message about why `job` might not return, when it does not in time.
fn run_in_time<T: Send + 'static>(
    what: &str,
    limit: Duration,
    part: &Part,
    job: impl FnOnce() -> T + Send + 'static,
) -> T {
    try_in_time(what, limit, part, job).unwrap_or_else(|| {
        panic!(
            "for {what}: no return within {limit:?}: {} — {}",
            part.hangs, part.see
        )
    })
}

/// 8 bytes as `83 aa 7e 80 | 00 00 00 00` (seconds | fraction).
fn hex(bytes: &[u8]) -> String {
    let pairs: Vec<String> = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    match pairs.len() {
        8 => format!("{} | {}", pairs[..4].join(" "), pairs[4..].join(" ")),
        _ => pairs.join(" "),
    }
}

/// What a wrong NTP timestamp for `time` most likely got wrong.
fn diagnose_timestamp(got: [u8; 8], time: DateTime<Utc>) -> &'static str {
    let right = ntp_bytes(time);
    let seconds = |bytes: [u8; 8]| u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let fraction = |bytes: [u8; 8]| u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
    let mut reversed = right;
    reversed[..4].reverse();
    reversed[4..].reverse();
    if got == reversed || got[..4] == reversed[..4] {
        "the bytes are in little-endian order: NTP, like IP, TCP and UDP themselves, sends the most \
         significant byte first (big-endian, \"network byte order\"): `u32::to_be_bytes`"
    } else if seconds(got) == time.timestamp() as u32 {
        "the seconds count from 1970, Unix's epoch; NTP counts from 1900-01-01: add \
         2,208,988,800 s"
    } else if i64::from(seconds(right)) - i64::from(seconds(got)) == 17 * 86_400 {
        "the seconds miss 17 days: from 1900 to 1970 there are 17 leap days, 2,208,988,800 s in all"
    } else if got[..4] == right[..4] && fraction(got) == time.timestamp_subsec_nanos() {
        "the fraction holds the nanoseconds; NTP's fraction is binary, in units of 2⁻³² s: \
         half a second is 0x8000_0000, so fraction = nanoseconds × 2³² / 10⁹"
    } else if got[..4] == right[..4] {
        "the seconds are right, the fraction is not: it counts units of 2⁻³² s, so fraction = \
         nanoseconds × 2³² / 10⁹ (in u64, or the multiplication overflows)"
    } else {
        "the seconds are wrong: whole seconds since 1900-01-01 00:00:00 UTC, mod 2³², as a \
         big-endian u32"
    }
}

#[test]
fn to_ntp_writes_seconds_since_1900_and_a_binary_fraction_big_endian() {
    let cases = [
        // The Unix epoch: 2,208,988,800 s after 1900, 0x83AA7E80.
        ("1970-01-01T00:00:00Z", [0x83, 0xaa, 0x7e, 0x80, 0, 0, 0, 0]),
        // Half a second is half of 2³²: 0x8000_0000; a quarter is 0x4000_0000.
        (
            "1970-01-01T00:00:01.5Z",
            [0x83, 0xaa, 0x7e, 0x81, 0x80, 0, 0, 0],
        ),
        (
            "2026-11-25T01:50:00.25Z",
            [0xee, 0xb0, 0xbd, 0x48, 0x40, 0, 0, 0],
        ),
        // The last second before the seconds field wraps, and the first after it.
        (
            "2036-02-07T06:28:15.75Z",
            [0xff, 0xff, 0xff, 0xff, 0xc0, 0, 0, 0],
        ),
        ("2036-02-07T06:28:16Z", [0, 0, 0, 0, 0, 0, 0, 0]),
    ];
    for (text, expected) in cases {
        let time = utc(text);
        let what = format!("to_ntp({text})");
        let got = run_in_time(&what, patience::OUTPUT, &TO_NTP, move || to_ntp(time));
        assert_eq!(
            hex(&got),
            hex(&expected),
            "for {what}: expected {} (seconds | fraction), got {}: {} — {TIMESTAMPS}",
            hex(&expected),
            hex(&got),
            diagnose_timestamp(got, time)
        );
    }
}

#[test]
fn to_ntp_keeps_the_nanoseconds_as_a_binary_fraction() {
    // Times with nanoseconds, as a real clock gives them. 2⁻³² s is 0.23 ns, so a nanosecond is
    // 4.29 units: rounding either way is right, within one unit.
    for text in [
        "2026-11-25T01:50:00.000000001Z",
        "2026-11-25T01:50:00.123456789Z",
        "2026-12-06T09:00:00.999999999Z",
        "2031-07-01T12:34:56.1Z",
    ] {
        let time = utc(text);
        let what = format!("to_ntp({text})");
        let got = run_in_time(&what, patience::OUTPUT, &TO_NTP, move || to_ntp(time));
        let right = ntp_bytes(time);
        let units = |bytes: [u8; 8]| i64::from(u32::from_be_bytes(bytes[4..].try_into().unwrap()));
        assert!(
            got[..4] == right[..4] && (units(got) - units(right)).abs() <= 1,
            "for {what}: expected {} (± 1 in the last byte), got {}: {} — {TIMESTAMPS}",
            hex(&right),
            hex(&got),
            diagnose_timestamp(got, time)
        );
    }
}

/// What a wrong `from_ntp(bytes)` (`got` instead of `expected`) most likely got wrong.
fn diagnose_time(bytes: [u8; 8], got: DateTime<Utc>, expected: DateTime<Utc>) -> &'static str {
    let seconds = i64::from(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]));
    let off = got.timestamp() - expected.timestamp();
    if got.timestamp() == seconds || off == 2_208_988_800 {
        "the seconds were not moved from NTP's epoch (1900) to Unix's (1970): subtract \
         2,208,988,800 s"
    } else if off == 17 * 86_400 {
        "17 days off: from 1900 to 1970 there are 17 leap days, 2,208,988,800 s in all"
    } else if off == -(1 << 32) {
        "after 2036-02-07 the seconds field has wrapped around: seconds without their top bit \
         set count from 2036-02-07 06:28:16 UTC, 2³² s later (RFC 4330 section 3)"
    } else if off == 0 {
        "the seconds are right, the fraction is not: it counts units of 2⁻³² s, so \
         nanoseconds = fraction × 10⁹ / 2³², computed in u64 (the product does not fit a u32) — \
         not the fraction's digits"
    } else {
        "read the first 4 bytes as a big-endian u32 (`u32::from_be_bytes`): NTP sends the most \
         significant byte first"
    }
}

#[test]
fn from_ntp_reads_seconds_since_1900_and_a_binary_fraction() {
    let cases = [
        ([0x83, 0xaa, 0x7e, 0x80, 0, 0, 0, 0], "1970-01-01T00:00:00Z"),
        (
            [0x83, 0xaa, 0x7e, 0x81, 0x80, 0, 0, 0],
            "1970-01-01T00:00:01.5Z",
        ),
        (
            [0xee, 0xb0, 0xbd, 0x48, 0x40, 0, 0, 0],
            "2026-11-25T01:50:00.25Z",
        ),
        // 0x1999_999A / 2³² = 0.100000000093…
        (
            [0xee, 0xb0, 0xbd, 0x48, 0x19, 0x99, 0x99, 0x9a],
            "2026-11-25T01:50:00.1Z",
        ),
        // The top bit of the seconds is set from 1968 to 2036; without it, the time is after the
        // wrap-around on 2036-02-07 06:28:16 UTC (RFC 4330 section 3).
        (
            [0xff, 0xff, 0xff, 0xff, 0xc0, 0, 0, 0],
            "2036-02-07T06:28:15.75Z",
        ),
        ([0, 0, 0, 0, 0, 0, 0, 0], "2036-02-07T06:28:16Z"),
        ([0x09, 0x37, 0x82, 0x00, 0, 0, 0, 0], "2041-01-01T00:00:00Z"),
    ];
    for (bytes, text) in cases {
        let expected = utc(text);
        let what = format!("from_ntp({})", hex(&bytes));
        let got = run_in_time(&what, patience::OUTPUT, &FROM_NTP, move || from_ntp(bytes));
        let hint = diagnose_time(bytes, got, expected);
        assert!(
            close(got, expected),
            "for {what}: expected {expected}, got {got}: {hint} — {TIMESTAMPS}"
        );
    }
}

#[test]
fn from_ntp_gives_back_what_was_written_to_the_nanosecond() {
    for text in [
        "2026-11-25T01:50:00.000000001Z",
        "2026-11-25T01:50:00.123456789Z",
        "2026-12-06T09:00:00.999999999Z",
        "2035-12-31T23:59:59.5Z",
        "2040-02-29T12:00:00.000001Z",
    ] {
        let time = utc(text);
        let bytes = ntp_bytes(time);
        let what = format!("from_ntp({}), the NTP timestamp of {text}", hex(&bytes));
        let got = run_in_time(&what, patience::OUTPUT, &FROM_NTP, move || from_ntp(bytes));
        assert!(
            close(got, time),
            "for {what}: expected {time} (± 1 ns), got {got}: {} — {TIMESTAMPS}",
            diagnose_time(bytes, got, time)
        );
    }
}

#[test]
fn the_request_is_48_bytes_client_mode_version_4_with_our_transmit_time() {
    let time = utc("2026-11-25T01:50:00.123456789Z");
    let what = format!("request({time})");
    let got = run_in_time(&what, patience::OUTPUT, &REQUEST, move || request(time));
    let first = got[0];
    assert_eq!(
        first,
        0x23,
        "for {what}: expected byte 0 to be 0x23 = 0b00_100_011 — LI 0 in its top 2 bits, \
         version 4 in the next 3, mode 3 (client) in the low 3: (4 << 3) | 3 — got {first:#04x} \
         (LI {}, version {}, mode {}) — {PACKET}",
        first >> 6,
        (first >> 3) & 0b111,
        first & 0b111
    );
    if let Some(at) = (1..40).find(|&at| got[at] != 0) {
        panic!(
            "for {what}: expected bytes 1..40 to be 0 (a client sends only its mode, version and \
             transmit timestamp, RFC 4330 section 5); byte {at} is {:#04x} — {PACKET}",
            got[at]
        );
    }
    let transmit: [u8; 8] = got[40..48].try_into().unwrap();
    assert!(
        transmit != [0; 8],
        "for {what}: expected the transmit timestamp (bytes 40..48) to hold the time; it is 0. \
         The server copies it into its reply's originate timestamp: it is how we tell the answer \
         to this request from any other. (chrony answers a request with transmit 0, with an \
         originate of 0 — so a client that forgets it still gets replies, and cannot tell whose \
         they are.) — {PACKET}"
    );
    let right = ntp_bytes(time);
    let units = |bytes: [u8; 8]| i64::from(u32::from_be_bytes(bytes[4..].try_into().unwrap()));
    assert!(
        transmit[..4] == right[..4] && (units(transmit) - units(right)).abs() <= 1,
        "for {what}: expected bytes 40..48, the transmit timestamp, to be to_ntp(transmit) = \
         {}, got {}: {} — {PACKET}",
        hex(&right),
        hex(&transmit),
        diagnose_timestamp(transmit, time)
    );
}

/// A request for the reply tests, built here (not by the exercise).
fn our_request() -> [u8; 48] {
    let mut packet = [0; 48];
    packet[0] = 0x23;
    packet[40..].copy_from_slice(&ntp_bytes(utc("2026-11-25T01:50:00.123456789Z")));
    packet
}

fn parse(what: &str, datagram: Vec<u8>) -> Result<Reply, Rejected> {
    let request = our_request();
    run_in_time(what, patience::OUTPUT, &PARSE_REPLY, move || {
        parse_reply(&datagram, &request)
    })
}

#[test]
fn parse_reply_reads_the_stratum_and_the_servers_two_timestamps() {
    let t2 = utc("2026-11-25T01:50:03.5Z");
    let t3 = utc("2026-11-25T01:50:03.500250Z");
    let answer = ntp::reply(&our_request(), 2, t2, t3);
    let mut with_mac = answer.clone(); // a key id and a digest after the 48 bytes (RFC 5905 §7.3)
    with_mac.extend_from_slice(&[0x5a; 20]);
    let mut leap_and_v3 = answer.clone(); // LI 1 (a leap second tonight), version 3: still a server
    leap_and_v3[0] = 0b01_011_100;
    for (what, datagram) in [
        ("a server's 48-byte reply", answer),
        ("a 68-byte reply (48 bytes and a MAC)", with_mac),
        (
            "a reply with LI 1 and version 3 (byte 0 = 0x5c)",
            leap_and_v3,
        ),
    ] {
        let expected = Reply {
            stratum: 2,
            receive: t2,
            transmit: t3,
        };
        match parse(what, datagram) {
            Ok(reply) => {
                assert!(
                    reply.stratum == 2 && close(reply.receive, t2) && close(reply.transmit, t3),
                    "for {what}: expected {expected:?}, got {reply:?}: the stratum is byte 1, t2 \
                     (receive) bytes 32..40, t3 (transmit) bytes 40..48 — {PACKET}"
                );
            }
            Err(rejected) => panic!(
                "for {what}: expected {expected:?}, got Err({rejected:?}). Only the low 3 bits of \
                 byte 0 are the mode (`byte & 0b111`); a reply may be longer than 48 bytes — \
                 {OURS}"
            ),
        }
    }
}

#[test]
fn parse_reply_rejects_a_datagram_shorter_than_48_bytes() {
    let whole = ntp::reply(
        &our_request(),
        2,
        utc("2026-11-25T01:50:03Z"),
        utc("2026-11-25T01:50:03Z"),
    );
    for length in [0, 1, 20, 47] {
        let what = format!("a {length}-byte datagram");
        let got = parse(&what, whole[..length].to_vec());
        assert_eq!(
            got,
            Err(Rejected::TooShort(length)),
            "for {what}: expected Err(TooShort({length})): an NTP packet has at least 48 bytes, \
             and a datagram arrives whole or not at all — so a shorter one is not NTP — {OURS}"
        );
    }
}

#[test]
fn parse_reply_rejects_an_answer_to_another_request() {
    let request = our_request();
    let t = utc("2026-11-25T01:50:03Z");
    let mut other = ntp::reply(&request, 2, t, t);
    other[31] ^= 1; // one bit of the originate timestamp differs
    let mut zero = ntp::reply(&request, 2, t, t);
    zero[24..32].fill(0); // what a server sends to a request whose transmit timestamp was 0
    let mut echoed = request.to_vec(); // our own request, sent back by an echo server
    echoed[0] = 0x24;
    echoed[1] = 2;
    let mut not_our_kiss = ntp::kiss_of_death(&request, b"DENY");
    not_our_kiss[24..32].fill(0xee);
    for (what, datagram) in [
        (
            "a reply whose originate differs from our transmit in one bit",
            other,
        ),
        ("a reply whose originate is 0", zero),
        ("our own request, mode set to 4, sent back", echoed),
        (
            "a kiss-o'-death whose originate is not our transmit",
            not_our_kiss,
        ),
    ] {
        let got = parse(what, datagram);
        assert_eq!(
            got,
            Err(Rejected::NotOurs),
            "for {what}: expected Err(NotOurs). The reply's originate timestamp (bytes 24..32) \
             must be our request's transmit timestamp (bytes 40..48), byte for byte: anything \
             else answers another request — a late one, someone else's, or a forgery (and a \
             kiss-o'-death counts only when it answers ours) — {OURS}"
        );
    }
}

#[test]
fn parse_reply_rejects_what_a_server_did_not_send() {
    let request = our_request();
    let t = utc("2026-11-25T01:50:03Z");
    for mode in [3, 5, 2, 0] {
        let mut datagram = ntp::reply(&request, 2, t, t);
        datagram[0] = (datagram[0] & !0b111) | mode;
        let what = format!("a reply with mode {mode} (byte 0 = {:#04x})", datagram[0]);
        let got = parse(&what, datagram);
        assert_eq!(
            got,
            Err(Rejected::NotAServer(mode)),
            "for {what}: expected Err(NotAServer({mode})): a server's answer to a client has \
             mode 4, in the low 3 bits of byte 0 — {OURS}"
        );
    }
}

#[test]
fn parse_reply_reports_a_kiss_of_death_with_its_code() {
    let request = our_request();
    for (code, expected) in [(b"RATE", "RATE"), (b"DENY", "DENY"), (b"AB\0\0", "AB")] {
        let what = format!("a kiss-o'-death with code {expected:?}");
        let got = parse(&what, ntp::kiss_of_death(&request, code));
        assert_eq!(
            got,
            Err(Rejected::KissOfDeath(expected.to_owned())),
            "for {what}: expected Err(KissOfDeath({expected:?})): stratum 0 is a \
             kiss-o'-death, and its code is the reference identifier (bytes 12..16), ASCII, \
             without the zero bytes that pad it (RFC 4330 section 8) — {OURS}"
        );
    }
}

/// The four timestamps of an exchange: our clock is `behind` the server's; the request takes
/// `out`, the server `serves`, the reply `back`.
fn exchange(behind: TimeDelta, out: TimeDelta, serves: TimeDelta, back: TimeDelta) -> Exchange {
    let t1 = utc("2026-11-25T01:50:00.000000100Z");
    let t2 = t1 + behind + out;
    let t3 = t2 + serves;
    let t4 = t3 - behind + back;
    Exchange {
        t1,
        t2,
        t3,
        t4,
        stratum: 2,
        requests: 1,
    }
}

#[test]
fn offset_and_delay_follow_ntps_formulas() {
    let ms = TimeDelta::milliseconds;
    let cases = [
        // (what, exchange, expected offset, expected delay)
        (
            "our clock 2 s behind, 10 ms each way, the server takes 1 ms",
            exchange(TimeDelta::seconds(2), ms(10), ms(1), ms(10)),
            TimeDelta::seconds(2),
            ms(20),
        ),
        (
            "our clock 0.5 s ahead, 3 ms each way, the server takes 0.2 ms",
            exchange(ms(-500), ms(3), TimeDelta::microseconds(200), ms(3)),
            ms(-500),
            ms(6),
        ),
        (
            "the same clocks, 30 ms out and 10 ms back: half the difference, 10 ms, is the error",
            exchange(TimeDelta::zero(), ms(30), ms(1), ms(10)),
            ms(10),
            ms(40),
        ),
        (
            "our clock 1 h behind, 250 µs each way",
            exchange(
                TimeDelta::hours(1),
                TimeDelta::microseconds(250),
                TimeDelta::nanoseconds(7),
                TimeDelta::microseconds(250),
            ),
            TimeDelta::hours(1),
            TimeDelta::microseconds(500),
        ),
    ];
    for (what, exchange, offset, delay) in cases {
        let got = run_in_time(what, patience::OUTPUT, &FORMULAS, move || {
            (exchange.offset(), exchange.delay())
        });
        let near = |a: TimeDelta, b: TimeDelta| (a - b).abs() <= TimeDelta::nanoseconds(1);
        assert!(
            near(got.0, offset),
            "for {what}: expected offset() = {offset}, got {}: offset = ((t2 − t1) + (t3 − t4)) \
             / 2, positive when the server's clock is ahead of ours — {FORMULA}",
            got.0
        );
        assert!(
            near(got.1, delay),
            "for {what}: expected delay() = {delay}, got {}: delay = (t4 − t1) − (t3 − t2), our \
             whole wait less the server's own time — {FORMULA}",
            got.1
        );
    }
}

/// A fake clock: reading n (from 0) is 2030-01-01 00:00:00 + n ms, far from the real time, so a
/// reading of `Utc::now()` instead shows.
#[derive(Clone, Default)]
struct FakeClock(Arc<AtomicUsize>);

impl FakeClock {
    const START: &str = "2030-01-01T00:00:00Z";
    fn read(&self) -> DateTime<Utc> {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        utc(Self::START) + TimeDelta::milliseconds(n as i64)
    }
    fn readings(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
    fn is_reading(&self, time: DateTime<Utc>) -> bool {
        let n = (time - utc(Self::START)).num_nanoseconds().unwrap_or(-1);
        n >= 0 && n % 1_000_000 == 0 && (n / 1_000_000) < self.readings() as i64
    }
}

/// The server's clock in these tests: one hour ahead of the fake clock's start.
fn server_time(n: usize) -> DateTime<Utc> {
    utc("2030-01-01T01:00:00Z") + TimeDelta::milliseconds(n as i64)
}

/// A right answer to `request`, as the fake server's `n`th reply.
fn answer(request: &[u8], n: usize) -> Vec<u8> {
    ntp::reply(request, 3, server_time(2 * n), server_time(2 * n + 1))
}

/// How much longer than `tries` × `timeout` a test waits for `ask` to return.
const SLACK: Duration = Duration::from_millis(500);

/// Calls `ask` on a socket connected to `server`, with the fake clock; returns what it returned,
/// the clock, and how long it took.
fn ask_fake(
    what: &str,
    server: &FakeServer,
    timeout: Duration,
    tries: u32,
) -> (Result<Exchange, AskError>, FakeClock, Duration) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("[test] bind a loopback UDP socket");
    socket
        .connect(server.addr)
        .expect("[test] connect to the fake server");
    let clock = FakeClock::default();
    let reading = clock.clone();
    let limit = timeout * tries + SLACK;
    let started = Instant::now();
    let result = run_in_time(what, limit, &ASK, move || {
        ask(&socket, timeout, tries, move || reading.read())
    });
    (result, clock, started.elapsed())
}

/// The transmit timestamp of a request the fake server received.
fn transmit_of(request: &[u8]) -> Option<[u8; 8]> {
    request.get(40..48).and_then(|bytes| bytes.try_into().ok())
}

/// Checks that `result` is the exchange whose request was `requests[index]` and whose answer the
/// fake server sent as its `reply`th.
fn assert_answered(
    what: &str,
    result: Result<Exchange, AskError>,
    clock: &FakeClock,
    requests: &[Vec<u8>],
    index: usize,
    reply: usize,
) {
    let exchange = match result {
        Ok(exchange) => exchange,
        Err(err) => panic!(
            "for {what}: expected the time from request {}'s answer, got Err({err:?}) — {LOSS}",
            index + 1
        ),
    };
    assert!(
        clock.is_reading(exchange.t1) && clock.is_reading(exchange.t4) && exchange.t1 < exchange.t4,
        "for {what}: expected t1 and t4 to be readings of the given clock, t1 before t4 (t1 \
         when the request leaves, t4 when the reply arrives); got t1 = {}, t4 = {} — {LOSS}",
        exchange.t1,
        exchange.t4
    );
    assert_eq!(
        transmit_of(&requests[index]).map(|bytes| hex(&bytes)),
        Some(hex(&ntp_bytes(exchange.t1))),
        "for {what}: expected t1 to be the time in the transmit timestamp of the request that was \
         answered (request {}): the answer's t2 and t3 belong to that request — {LOSS}",
        index + 1
    );
    assert!(
        close(exchange.t2, server_time(2 * reply))
            && close(exchange.t3, server_time(2 * reply + 1)),
        "for {what}: expected t2 = {} and t3 = {} from the answer to request {}, got t2 = {}, t3 \
         = {} — {LOSS}",
        server_time(2 * reply),
        server_time(2 * reply + 1),
        index + 1,
        exchange.t2,
        exchange.t3
    );
    assert_eq!(
        (exchange.stratum, exchange.requests),
        (3, index as u32 + 1),
        "for {what}: expected the server's stratum 3 and {} request(s) sent (stratum, requests) \
         — {LOSS}",
        index + 1
    );
}

#[test]
fn ask_sends_one_request_and_reads_the_answer() {
    let what = "a server that answers at once";
    let server = FakeServer::start(|n, request| vec![answer(request, n)]);
    let (result, clock, _) = ask_fake(what, &server, Duration::from_millis(500), 3);
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        1,
        "for {what}: expected one request, answered at once; the server got {} — {LOSS}",
        requests.len()
    );
    assert!(
        requests[0].len() == 48 && requests[0][0] == 0x23,
        "for {what}: expected the 48 bytes of `request(t1)`, got {} bytes: {} — {PACKET}",
        requests[0].len(),
        hex(&requests[0])
    );
    assert_answered(what, result, &clock, &requests, 0, 1);
}

#[test]
fn ask_sends_a_new_request_when_the_first_gets_no_answer() {
    let what = "a server that loses the first request and answers the second";
    let server = FakeServer::start(|n, request| match n {
        1 => Vec::new(), // lost: UDP does not say so
        _ => vec![answer(request, n)],
    });
    let timeout = Duration::from_millis(200);
    let (result, clock, took) = ask_fake(what, &server, timeout, 3);
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        2,
        "for {what}: expected a second request after {timeout:?} without an answer, and no \
         third; the server got {} — {LOSS}",
        requests.len()
    );
    assert_ne!(
        transmit_of(&requests[0]),
        transmit_of(&requests[1]),
        "for {what}: expected the second request to carry a new t1 (read the clock again): its \
         answer's times belong to it — {LOSS}"
    );
    assert!(
        took >= timeout,
        "for {what}: expected the first request to be given {timeout:?}; it all took {took:?} — \
         {LOSS}"
    );
    assert_answered(what, result, &clock, &requests, 1, 2);
}

#[test]
fn ask_skips_a_late_answer_to_its_earlier_request() {
    let what = "a server whose answer to request 1 comes after request 2 was sent";
    let mut first = None;
    let server = FakeServer::start(move |n, request| match n {
        1 => {
            first = Some(answer(request, 1)); // held back: it arrives late
            Vec::new()
        }
        _ => first
            .take()
            .into_iter()
            .chain([answer(request, n)])
            .collect(),
    });
    let (result, clock, _) = ask_fake(what, &server, Duration::from_millis(200), 3);
    let requests = server.requests();
    assert_answered(what, result, &clock, &requests, 1, 2);
}

#[test]
fn ask_waits_past_datagrams_that_are_not_the_answer() {
    let what = "a server that sends a cut-short reply, an answer to another request and a mode 3 \
                packet before the answer";
    let junk = |request: &[u8], n: usize| {
        let right = answer(request, n);
        let mut other = right.clone();
        other[24..32].copy_from_slice(&ntp_bytes(utc("2001-01-01T00:00:00Z")));
        let mut client = right.clone();
        client[0] = 0x23;
        vec![right[..20].to_vec(), other, client]
    };
    let server = FakeServer::start(move |n, request| {
        let mut datagrams = junk(request, n);
        datagrams.push(answer(request, n));
        datagrams
    });
    let (result, clock, _) = ask_fake(what, &server, Duration::from_millis(500), 2);
    let requests = server.requests();
    assert_answered(what, result, &clock, &requests, 0, 1);

    let what = "a server that sends only datagrams that are not the answer";
    let server = FakeServer::start(move |n, request| junk(request, n));
    let timeout = Duration::from_millis(150);
    let (result, _, _) = ask_fake(what, &server, timeout, 2);
    match result {
        Err(AskError::NoAnswer) => {}
        Ok(exchange) => panic!(
            "for {what}: expected Err(NoAnswer), got Ok({exchange:?}): a datagram is the answer \
             only when `parse_reply` accepts it — {OURS}"
        ),
        Err(err) => panic!(
            "for {what}: expected Err(NoAnswer) after {timeout:?} × 2, got Err({err:?}): skip a \
             datagram that `parse_reply` rejects (unless it is a kiss-o'-death) and wait on — \
             {OURS}"
        ),
    }
}

/// A server that never answers, but from the first request on sends the client a datagram that is
/// not the answer (an answer to another request) every `every`, until it is dropped (10 s at
/// most).
struct Chatty {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Chatty {
    fn start(every: Duration) -> Chatty {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("[test] bind a free loopback UDP port");
        let addr = socket
            .local_addr()
            .expect("[test] a bound socket has an address");
        socket
            .set_read_timeout(Some(Duration::from_millis(5)))
            .expect("[test] set a read timeout, so the fake can send and stop");
        let not_the_answer = answer(&our_request(), 0);
        let (requests, stop) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (counted, stopped) = (Arc::clone(&requests), Arc::clone(&stop));
        let thread = thread::spawn(move || {
            let (started, mut buffer) = (Instant::now(), [0; 2048]);
            let (mut peer, mut next) = (None, Instant::now());
            while !stopped.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(10) {
                if let Ok((_, from)) = socket.recv_from(&mut buffer) {
                    if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                        next = Instant::now() + every;
                    }
                    peer = Some(from);
                }
                if let Some(peer) = peer
                    && Instant::now() >= next
                {
                    let _ = socket.send_to(&not_the_answer, peer);
                    next += every;
                }
            }
        });
        Chatty {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Chatty {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join(); // within 5 ms: the read timeout
        }
    }
}

#[test]
fn ask_gives_up_on_time_while_datagrams_that_are_not_the_answer_keep_coming() {
    let (timeout, tries) = (Duration::from_millis(200), 2);
    let every = timeout / 2;
    let what = format!(
        "a server that never answers but sends a datagram that is not the answer every \
         {every:?} (timeout = {timeout:?}, tries = {tries})"
    );
    let server = Chatty::start(every);
    let socket = UdpSocket::bind("127.0.0.1:0").expect("[test] bind a loopback UDP socket");
    socket
        .connect(server.addr)
        .expect("[test] connect to the fake server");
    let clock = FakeClock::default();
    let limit = timeout * tries + SLACK;
    let result = try_in_time(&what, limit, &ASK, move || {
        ask(&socket, timeout, tries, move || clock.read())
    });
    let Some(result) = result else {
        panic!(
            "for {what}: `ask` did not return within {limit:?}, although it may wait at most \
             `timeout` after each of its {tries} requests leaves. A read timeout of the whole \
             `timeout`, set again before each `recv`, starts over with every datagram that is not \
             the answer: here one comes every {every:?}, so it never runs out, and the request \
             waits for ever. Give each request one deadline, `Instant::now() + timeout` when it \
             leaves, and before each `recv` set the read timeout to what is left of it \
             (`deadline.saturating_duration_since(Instant::now())`; nothing left: that request \
             got no answer, send the next) — {LOSS}"
        )
    };
    match result {
        Err(AskError::NoAnswer) => {}
        Ok(exchange) => panic!(
            "for {what}: expected Err(NoAnswer), got Ok({exchange:?}): a datagram is the answer \
             only when `parse_reply` accepts it — {OURS}"
        ),
        Err(err) => panic!(
            "for {what}: expected Err(NoAnswer) after {tries} × {timeout:?}, got Err({err:?}): \
             skip a datagram that `parse_reply` rejects and wait on, until the request's deadline \
             — {LOSS}"
        ),
    }
    let sent = server.requests.load(Ordering::SeqCst);
    assert_eq!(
        sent, tries as usize,
        "for {what}: expected exactly {tries} requests, one after each {timeout:?} without an \
         answer, got {sent}: a datagram that is not the answer does not end the wait for one — \
         {LOSS}"
    );
}

#[test]
fn ask_gives_up_after_tries_requests_without_an_answer() {
    for tries in [1, 3] {
        let what = format!("a server that never answers, tries = {tries}");
        let server = FakeServer::silent();
        let timeout = Duration::from_millis(200);
        let (result, _, took) = ask_fake(&what, &server, timeout, tries);
        assert!(
            matches!(result, Err(AskError::NoAnswer)),
            "for {what}: expected Err(NoAnswer), got {result:?}. A read that times out fails \
             with `WouldBlock` on Unix and `TimedOut` on Windows: that is no answer, not an \
             error to return — {LOSS}"
        );
        let sent = server.requests().len();
        assert_eq!(
            sent, tries as usize,
            "for {what}: expected exactly {tries} request(s), got {sent} — {LOSS}"
        );
        assert!(
            took >= timeout * tries && took < timeout * (tries + 3),
            "for {what}: expected to give up after {tries} × {timeout:?}, it took {took:?}: \
             wait `timeout` for each request, not more — {LOSS}"
        );
    }
}

#[test]
fn ask_stops_at_a_kiss_of_death() {
    let what = "a server that answers with a kiss-o'-death RATE";
    let server = FakeServer::start(|_, request| vec![ntp::kiss_of_death(request, b"RATE")]);
    let (result, _, _) = ask_fake(what, &server, Duration::from_millis(200), 3);
    match result {
        Err(AskError::KissOfDeath(code)) if code == "RATE" => {}
        other => panic!(
            "for {what}: expected Err(KissOfDeath(\"RATE\")), got {other:?}: the server refuses \
             to serve us — {OURS}"
        ),
    }
    let sent = server.requests().len();
    assert_eq!(
        sent, 1,
        "for {what}: expected one request, and no other after the kiss-o'-death; got {sent}: \
         the server asked us to stop (RFC 4330 section 8) — {OURS}"
    );
}

#[test]
fn ask_returns_the_error_when_nothing_listens() {
    // A port that was free a moment ago: the kernel answers our datagram with "port unreachable",
    // and a connected UDP socket's next receive fails with it.
    let port = UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .expect("[test] a free port")
        .port();
    let socket = UdpSocket::bind("127.0.0.1:0").expect("[test] bind a loopback UDP socket");
    socket
        .connect(("127.0.0.1", port))
        .expect("[test] connect the socket");
    let what = format!("a closed port, 127.0.0.1:{port}");
    let started = Instant::now();
    let timeout = Duration::from_millis(500);
    let result = run_in_time(&what, timeout * 3 + SLACK, &ASK, move || {
        ask(&socket, timeout, 3, Utc::now)
    });
    let kind = match &result {
        Err(AskError::Io(err)) => Some(err.kind()),
        _ => None,
    };
    assert!(
        matches!(
            kind,
            Some(std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset)
        ) && started.elapsed() < timeout,
        "for {what}: expected Err(Io(…)) of kind ConnectionRefused (ConnectionReset on Windows) \
         at once, got {result:?} after {:?}: the receive reports the \"port unreachable\" that \
         came back; return it, do not wait it out — {LOSS}",
        started.elapsed()
    );
}

#[test]
fn ask_a_real_ntp_server_chrony() {
    // chronyd serves this machine's own clock: both ends read the same clock, so the offset is
    // about 0, at most half the delay.
    let chrony = ntp::chrony_for(env!("CARGO_CRATE_NAME"), "ask_a_real_ntp_server_chrony");
    // Where chronyd cannot run, a fake that serves this machine's clock as chrony does.
    let fake = chrony.is_none().then(|| {
        FakeServer::start(|_, request| {
            let now = Utc::now();
            vec![ntp::reply(request, 10, now, now)]
        })
    });
    let (addr, server) = match (&chrony, &fake) {
        (Some(chrony), _) => (chrony.addr, "chronyd"),
        (_, Some(fake)) => (fake.addr, "a fake chronyd"),
        _ => unreachable!("one of the two was started"),
    };
    let what = format!("{server} on {addr}, asked with the real clock");
    let socket = UdpSocket::bind("127.0.0.1:0").expect("[test] bind a loopback UDP socket");
    socket.connect(addr).expect("[test] connect the socket");
    let timeout = Duration::from_millis(500);
    let result = run_in_time(&what, timeout * 3 + SLACK, &ASK, move || {
        ask(&socket, timeout, 3, Utc::now)
    });
    let exchange = match result {
        Ok(exchange) => exchange,
        Err(err) => panic!("for {what}: expected the server's time, got Err({err:?}) — {LOSS}"),
    };
    assert_eq!(
        exchange.stratum, 10,
        "for {what}: expected stratum 10 (its configuration says `local stratum 10`), got {} — \
         {PACKET}",
        exchange.stratum
    );
    let (offset, delay) = (exchange.offset(), exchange.delay());
    assert!(
        delay >= TimeDelta::zero()
            && offset.abs() <= delay / 2 + TimeDelta::milliseconds(1)
            && (exchange.t3 - exchange.t4).abs() < TimeDelta::seconds(5),
        "for {what}: the same clock at both ends, so expected a delay ≥ 0 and an offset of about \
         0 (at most half the delay); got offset {offset}, delay {delay}, from {exchange:?} — \
         {FORMULA}"
    );
}
