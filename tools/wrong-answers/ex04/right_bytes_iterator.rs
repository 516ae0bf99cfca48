// right: `reader.bytes()` (one byte per read; it retries Interrupted itself)
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

pub fn handle_client(reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut count = 0;
    for byte in reader.bytes() {
        let byte = match byte {
            Ok(byte) => byte,
            Err(e) => {
                if let Some(rest) = decoder.finish() {
                    writeln!(out, "{rest}")?;
                    out.flush()?;
                }
                return Err(e);
            }
        };
        decoder.push(&[byte]);
        let mut wrote = false;
        while let Some(message) = decoder.next_message()? {
            if message.is_timestamp() {
                count += 1;
            }
            writeln!(out, "{message}")?;
            wrote = true;
        }
        if wrote {
            out.flush()?;
        }
    }
    if let Some(rest) = decoder.finish() {
        writeln!(out, "{rest}")?;
        out.flush()?;
    }
    Ok(count)
}
