// Listing 5-1: the lesson's client, line for line: its local time, once a second, for ever.
use std::io::Write;
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use chrono::Local;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    // The lesson connects to 127.0.0.1:8000 and waits 1 s; the book's tests pass others.
    let addr = args.next().unwrap_or("127.0.0.1:8000".to_string());
    let pause: f64 = args
        .next()
        .map_or(1.0, |s| s.parse().expect("a number of seconds"));

    // ① a socket and ② connect — client.connect(('127.0.0.1', 8000))
    let mut client = TcpStream::connect(addr)?;
    println!("connected to the server");

    loop {
        // ③ the local time as text — datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        let time = Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
        // client.send(time_str.encode()) — the bytes only: no end-of-message mark
        client.write_all(time.as_bytes())?;
        thread::sleep(Duration::from_secs_f64(pause)); // time.sleep(1)
    }
}
