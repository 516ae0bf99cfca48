// Listing 5-2: a `\n` after each timestamp, a count, and an error said in one sentence.
use std::io::{self, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use chrono::Local;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or("127.0.0.1:8000".to_string());
    let count: u32 = args
        .next()
        .map_or(5, |n| n.parse().expect("a number of timestamps"));
    let pause: f64 = args
        .next()
        .map_or(1.0, |s| s.parse().expect("a number of seconds"));
    match send(&addr, count, Duration::from_secs_f64(pause)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

fn send(addr: &str, count: u32, pause: Duration) -> Result<(), String> {
    let mut server = TcpStream::connect(addr).map_err(|err| match err.kind() {
        io::ErrorKind::ConnectionRefused => format!(
            "could not connect to {addr}: no server is listening there — start the server first"
        ),
        _ => format!("could not connect to {addr}: {err}"),
    })?;
    println!("connected to {addr}");
    for sent in 0..count {
        if sent > 0 {
            thread::sleep(pause); // between two messages: not before the first, not after the last
        }
        let time = Local::now().format("%Y-%m-%d %H:%M:%S");
        // The `\n` is the framing: it tells the server where this message ends.
        let message = format!("{time}\n");
        server
            .write_all(message.as_bytes())
            .map_err(|err| format!("the server at {addr} went away ({err})"))?;
        print!("sent {message}");
    }
    Ok(())
}
