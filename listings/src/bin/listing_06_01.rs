//! Listing 6-1: ask an NTP server for the time — one datagram out, one datagram back.
//! `listing_06_01 SERVER:PORT`, such as 127.0.0.1:11123 (book chapter 6).

use std::net::UdpSocket;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

fn main() -> std::io::Result<()> {
    let server = std::env::args()
        .nth(1)
        .unwrap_or("pool.ntp.org:123".to_owned());
    let socket = UdpSocket::bind("0.0.0.0:0")?; // any address, a port the OS picks
    socket.connect(&server)?; // sends nothing: only sets where datagrams go, and come from
    socket.set_read_timeout(Some(Duration::from_secs(2)))?; // UDP never says "lost"

    let mut request = [0u8; 48];
    request[0] = 0x23; // LI 0, version 4, mode 3 (client); every other byte 0
    socket.send(&request)?;

    let mut reply = [0u8; 1024];
    let received = socket.recv(&mut reply)?;
    // The reply's transmit timestamp, bytes 40..48: when it left, by the server's clock.
    // `unwrap`: a slice of 4 bytes always converts to `[u8; 4]`.
    let seconds = u32::from_be_bytes(reply[40..44].try_into().unwrap()); // since 1900
    let fraction = u32::from_be_bytes(reply[44..48].try_into().unwrap()); // in 2⁻³² s
    let unix = i64::from(seconds) - 2_208_988_800; // seconds since 1970
    let nanos = (u64::from(fraction) * 1_000_000_000) >> 32;
    let time =
        DateTime::UNIX_EPOCH + TimeDelta::seconds(unix) + TimeDelta::nanoseconds(nanos as i64);
    println!("{received} bytes from {server}; the server's clock: {time}");
    println!(
        "this machine's clock:                        {}",
        Utc::now()
    );
    Ok(())
}
