// wrong: `reader.read(&mut buffer)?` returns a reset before writing what `finish()` holds (and gives up on Interrupted). expect: "a `?` on the read returns at once"
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut buffer = [0u8; 1024];
    let mut count = 0;
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        decoder.push(&buffer[..n]);
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
        out.flush()?;
    }
    Ok(count)
}
