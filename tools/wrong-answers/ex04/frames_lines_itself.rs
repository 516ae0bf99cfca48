// wrong: cuts lines at \n itself and prints each as a time: lenient, no decoder. expect: "calls something a client time that is not a timestamp"
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let _ = TimestampDecoder::new;
    let mut pending = Vec::new();
    let mut buffer = [0u8; 1024];
    let mut count = 0;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        pending.extend_from_slice(&buffer[..n]);
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let text = String::from_utf8_lossy(&line).trim().to_string();
            if !text.is_empty() {
                count += 1;
                writeln!(out, "client time: {text}")?;
            }
        }
        out.flush()?;
    }
    Ok(count)
}
