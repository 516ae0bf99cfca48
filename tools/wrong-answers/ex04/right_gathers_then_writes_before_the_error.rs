// right: gathers each read's lines in a String and writes them with one write_all before returning any error
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut buffer = vec![0; 4096];
    let mut count = 0;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                if let Some(rest) = decoder.finish() {
                    out.write_all(format!("{rest}\n").as_bytes())?;
                    out.flush()?;
                }
                return Err(e);
            }
        };
        decoder.push(&buffer[..n]);
        let mut lines = String::new();
        let mut failed = None;
        loop {
            match decoder.next_message() {
                Ok(Some(message)) => {
                    if message.is_timestamp() {
                        count += 1;
                    }
                    lines.push_str(&message.to_string());
                    lines.push('\n');
                }
                Ok(None) => break,
                Err(e) => {
                    failed = Some(io::Error::from(e));
                    break;
                }
            }
        }
        out.write_all(lines.as_bytes())?;
        out.flush()?;
        if let Some(e) = failed {
            return Err(e);
        }
    }
    if let Some(rest) = decoder.finish() {
        out.write_all(format!("{rest}\n").as_bytes())?;
        out.flush()?;
    }
    Ok(count)
}
