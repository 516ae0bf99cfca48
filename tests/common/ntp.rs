//! Step 6's test peers: a real NTP server that no one here wrote (chronyd, started on loopback)
//! and a fake one that misbehaves on purpose (drops requests, answers late, cuts replies short,
//! kisses of death). Used by `tests/ex06_sntp_client.rs` and `tests/example_06_sntp_client.rs`
//! through `#[path]`; neither uses every part.
//!
//! The NTP encoding here is written apart from the exercise, so that the tests do not grade the
//! student's code with the student's code.
#![allow(dead_code)]

use std::fs::{self, File};
use std::io::{self, ErrorKind, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

/// Seconds from 1900-01-01 (NTP's epoch) to 1970-01-01 (Unix's).
pub const NTP_TO_UNIX: i64 = 2_208_988_800;

/// `time` as an NTP timestamp: big-endian seconds since 1900 (mod 2³²) and 2⁻³² s units.
pub fn ntp_bytes(time: DateTime<Utc>) -> [u8; 8] {
    let seconds = (time.timestamp() + NTP_TO_UNIX).rem_euclid(1 << 32) as u32;
    let fraction = (u64::from(time.timestamp_subsec_nanos()) << 32) / 1_000_000_000;
    let mut bytes = [0; 8];
    bytes[..4].copy_from_slice(&seconds.to_be_bytes());
    bytes[4..].copy_from_slice(&(fraction as u32).to_be_bytes());
    bytes
}

/// A time given as UTC text, `2026-11-25T01:50:00.5Z`, for the tests' tables.
pub fn utc(text: &str) -> DateTime<Utc> {
    text.parse()
        .unwrap_or_else(|_| panic!("[test] {text:?} is a valid RFC 3339 time"))
}

/// Whether two times are within a nanosecond (NTP's 2⁻³² s units and nanoseconds do not map
/// one to one, so a correct conversion may round either way).
pub fn close(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    (a - b).abs() <= TimeDelta::nanoseconds(1)
}

/// A server's reply to `request`, as RFC 5905 builds it: LI 0, VN 4, mode 4, `stratum`, the
/// reference identifier `LOCL`, originate = the request's transmit timestamp, and the server's
/// receive and transmit times.
pub fn reply(
    request: &[u8],
    stratum: u8,
    receive: DateTime<Utc>,
    transmit: DateTime<Utc>,
) -> Vec<u8> {
    let mut packet = vec![0; 48];
    packet[0] = 0x24; // LI 0, VN 4, mode 4 (server)
    packet[1] = stratum;
    packet[2] = request.get(2).copied().unwrap_or(0); // poll, copied
    packet[3] = 0xe9; // precision 2^-23 s
    packet[12..16].copy_from_slice(b"LOCL");
    packet[16..24].copy_from_slice(&ntp_bytes(receive - TimeDelta::seconds(60)));
    if let Some(transmit_of_request) = request.get(40..48) {
        packet[24..32].copy_from_slice(transmit_of_request);
    }
    packet[32..40].copy_from_slice(&ntp_bytes(receive));
    packet[40..48].copy_from_slice(&ntp_bytes(transmit));
    packet
}

/// A kiss-o'-death answering `request` (RFC 5905 §7.4): LI 3, stratum 0, the code as reference
/// identifier, the originate timestamp copied so that it answers this request.
pub fn kiss_of_death(request: &[u8], code: &[u8; 4]) -> Vec<u8> {
    let mut packet = reply(
        request,
        0,
        utc("2026-11-25T01:50:00Z"),
        utc("2026-11-25T01:50:00Z"),
    );
    packet[0] = 0xe4; // LI 3 (alarm), VN 4, mode 4
    packet[12..16].copy_from_slice(code);
    packet
}

/// A UDP server on 127.0.0.1 (a free port) that answers each request with what `answer`
/// returns for it — `answer(n, request)`, `n` counting from 1 — in order: nothing (a lost
/// datagram), one reply, or several. It records every request, and stops when dropped.
pub struct FakeServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    pub fn start(
        mut answer: impl FnMut(usize, &[u8]) -> Vec<Vec<u8>> + Send + 'static,
    ) -> FakeServer {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("[test] bind a free loopback UDP port");
        let addr = socket
            .local_addr()
            .expect("[test] a bound socket has an address");
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .expect("[test] set a read timeout, so the fake can be stopped");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped) = (Arc::clone(&requests), Arc::clone(&stop));
        let thread = thread::spawn(move || {
            let mut buffer = [0; 2048];
            let started = Instant::now();
            // Bounded: a fake outlives no test by more than a minute, whatever happens.
            while !stopped.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(60) {
                let Ok((received, peer)) = socket.recv_from(&mut buffer) else {
                    continue; // a timeout: look at the stop flag again
                };
                let request = buffer[..received].to_vec();
                let number = {
                    let mut seen = seen.lock().unwrap_or_else(|poison| poison.into_inner());
                    seen.push(request.clone());
                    seen.len()
                };
                for datagram in answer(number, &request) {
                    let _ = socket.send_to(&datagram, peer);
                }
            }
        });
        FakeServer {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// A server that reads every request and never answers.
    pub fn silent() -> FakeServer {
        FakeServer::start(|_, _| Vec::new())
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Vec<u8>> {
        self.requests
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join(); // within 20 ms: the read timeout
        }
    }
}

/// chronyd, the NTP server of many Linux systems, running on 127.0.0.1 and a free port with a
/// configuration of its own: it serves its machine's clock (`local stratum 10`), never touches
/// it (`-x`), and opens no command socket. Killed, by its PID, when dropped — also when a test
/// fails.
pub struct Chrony {
    child: Child,
    pub addr: SocketAddr,
    dir: PathBuf,
}

/// What `chronyd` writes into its configuration file.
fn chrony_conf(port: u16, dir: &Path) -> String {
    format!(
        "port {port}\nbindaddress 127.0.0.1\nallow 127.0.0.1\nlocal stratum 10\ncmdport 0\n\
         bindcmdaddress /\ndriftfile {dir}/drift\npidfile {dir}/pid\n",
        dir = dir.display()
    )
}

/// Where chronyd is: on the PATH, or in the sbin folders that a normal user's PATH may lack
/// (MacPorts installs it into /opt/local/sbin, Homebrew into /opt/homebrew/sbin on Apple
/// silicon and /usr/local/sbin on Intel Macs).
fn find_chronyd() -> Option<PathBuf> {
    let name = format!("chronyd{}", std::env::consts::EXE_SUFFIX);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let sbin = [
        "/usr/sbin",
        "/usr/local/sbin",
        "/sbin",
        "/opt/local/sbin",
        "/opt/homebrew/sbin",
    ]
    .map(PathBuf::from);
    std::env::split_paths(&path)
        .chain(sbin)
        .map(|dir| dir.join(&name))
        .find(|candidate| candidate.is_file())
}

/// Whether this process runs as root (on Unix: a file it creates belongs to user 0).
fn is_root(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(dir).is_ok_and(|meta| meta.uid() == 0)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

/// A UDP port on 127.0.0.1 that was free a moment ago: bound to port 0, read, released.
fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .expect("[test] bind a free loopback UDP port")
        .port()
}

impl Chrony {
    /// Starts chronyd and waits (at most 5 s) until it answers a request. A port taken between
    /// our look and chronyd's bind is tried again with another, three times. `Err` is one
    /// sentence: why chronyd could not serve.
    pub fn start() -> Result<Chrony, String> {
        let chronyd = find_chronyd().ok_or_else(|| {
            "chronyd was not found (on the PATH, /usr/sbin, /usr/local/sbin, /sbin, \
             /opt/local/sbin or /opt/homebrew/sbin)"
                .to_owned()
        })?;
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let mut why = String::new();
        for _ in 0..3 {
            let number = STARTED.fetch_add(1, Ordering::SeqCst);
            let dir = std::env::temp_dir()
                .join(format!("net-basics-chrony-{}-{number}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).map_err(|err| format!("{}: {err}", dir.display()))?;
            let port = free_udp_port();
            let conf = dir.join("chrony.conf");
            fs::write(&conf, chrony_conf(port, &dir)).map_err(|err| err.to_string())?;
            let log = File::create(dir.join("log")).map_err(|err| err.to_string())?;
            let log_too = log.try_clone().map_err(|err| err.to_string())?;
            // -x: never touch the clock; -d: stay in the foreground, log to stderr; as root,
            // `-u root` keeps it from switching to the `_chrony` user (who could not write into
            // our folder); as anyone else, -U lets it start without root.
            let user: &[&str] = if is_root(&dir) {
                &["-u", "root"]
            } else {
                &["-U"]
            };
            let child = Command::new(&chronyd)
                .args(["-x", "-d"])
                .args(user)
                .arg("-f")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(log_too)
                .spawn()
                .map_err(|err| format!("{} could not be started: {err}", chronyd.display()))?;
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let mut chrony = Chrony { child, addr, dir };
            match chrony.wait_until_it_answers() {
                Ok(()) => return Ok(chrony),
                Err(said) => why = said, // dropped here: killed, its folder removed
            }
        }
        Err(why)
    }

    /// Sends requests until one is answered. For about 0.1 s after it starts, chronyd's port is
    /// not open yet, and a request gets "port unreachable" (ConnectionRefused; on Windows
    /// ConnectionReset).
    fn wait_until_it_answers(&mut self) -> Result<(), String> {
        let socket = UdpSocket::bind("127.0.0.1:0").map_err(|err| err.to_string())?;
        socket.connect(self.addr).map_err(|err| err.to_string())?;
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .map_err(|err| err.to_string())?;
        let started = Instant::now();
        let mut buffer = [0; 1024];
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = fs::read_to_string(self.dir.join("log")).unwrap_or_default();
                return Err(format!(
                    "chronyd exited ({status}) before it answered; it said: {}",
                    log.trim()
                ));
            }
            let mut request = [0; 48];
            request[0] = 0x23;
            request[40..].copy_from_slice(&ntp_bytes(Utc::now()));
            let _ = socket.send(&request);
            match socket.recv(&mut buffer) {
                Ok(received) if received >= 48 && buffer[24..32] == request[40..48] => {
                    return Ok(());
                }
                Ok(_) => {}
                Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => thread::sleep(Duration::from_millis(10)), // not listening yet
            }
        }
        let log = fs::read_to_string(self.dir.join("log")).unwrap_or_default();
        Err(format!(
            "chronyd did not answer within 5 s on {}; it said: {}",
            self.addr,
            log.trim()
        ))
    }
}

impl Drop for Chrony {
    fn drop(&mut self) {
        let _ = self.child.kill(); // by its PID: this child, no other chronyd
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// chronyd for `test` (of the test target `target`), or `None` where it cannot run: then one
/// sentence says so, and how to run the test against it — unless `NET_BASICS_REQUIRE_CHRONY=1`
/// (as CI sets it), then the test fails.
pub fn chrony_for(target: &str, test: &str) -> Option<Chrony> {
    match Chrony::start() {
        Ok(chrony) => Some(chrony),
        Err(why) if std::env::var("NET_BASICS_REQUIRE_CHRONY").as_deref() == Ok("1") => {
            panic!("[test] {test}: NET_BASICS_REQUIRE_CHRONY=1, but {why}")
        }
        Err(why) => {
            // Straight to stderr, not `eprintln!`: the test harness hides what a passing test
            // prints with the macros, and this sentence must be seen.
            let _ = writeln!(
                io::stderr(),
                "note: {test} used a fake NTP server, not a real one: {why}; {}",
                getting_chrony(std::env::consts::OS, target)
            );
            None
        }
    }
}

/// How to test against chrony on `os` (a value of `std::env::consts::OS`) after `target` ran
/// without it. chrony runs on Linux, the BSDs and macOS, not on Windows (its README, "What will
/// chrony run on?"); on macOS Homebrew (formula `chrony`) and MacPorts (port `chrony`) package it.
pub fn getting_chrony(os: &str, target: &str) -> String {
    let again = format!("and run `cargo test --test {target}` again");
    match os {
        "windows" => "chrony has no Windows version, so the fake stood in for it here; the \
                      exercise is graded all the same (CI runs these tests against chrony on \
                      Linux)"
            .to_owned(),
        "macos" => format!(
            "to test against chrony too, install it (Homebrew: brew install chrony; MacPorts: \
             sudo port install chrony) {again}"
        ),
        _ => format!(
            "to test against chrony too, install it (Debian, Ubuntu: sudo apt-get install \
             chrony; Fedora: sudo dnf install chrony) {again}"
        ),
    }
}
