// wrong: `if let` takes one message per read. expect: "ONE message from the decoder per read"
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut buffer = [0u8; 1024];
    let mut count = 0;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        decoder.push(&buffer[..n]);
        if let Some(message) = decoder.next_message()? {
            if message.is_timestamp() {
                count += 1;
            }
            writeln!(out, "{message}")?;
        }
        out.flush()?;
    }
    if let Some(rest) = decoder.finish() {
        writeln!(out, "{rest}")?;
        out.flush()?;
    }
    Ok(count)
}
