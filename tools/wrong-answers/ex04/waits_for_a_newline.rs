// wrong: `BufRead::read_until(b'\n')`: waits for a newline the lesson's client never sends. expect: "do not wait for a newline"
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;
use std::io::{BufRead, BufReader};

pub fn handle_client(reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut reader = BufReader::new(reader);
    let mut decoder = TimestampDecoder::new();
    let mut count = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                if let Some(rest) = decoder.finish() {
                    writeln!(out, "{rest}")?;
                    out.flush()?;
                }
                return Err(e);
            }
        };
        decoder.push(&line[..n]);
        while let Some(message) = decoder.next_message()? {
            if message.is_timestamp() {
                count += 1;
            }
            writeln!(out, "{message}")?;
        }
        out.flush()?;
    }
    if let Some(rest) = decoder.finish() {
        writeln!(out, "{rest}")?;
    }
    out.flush()?;
    Ok(count)
}
