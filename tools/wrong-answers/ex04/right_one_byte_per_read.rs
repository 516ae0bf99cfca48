// right: reads one byte at a time, writes and flushes each message as it comes
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut byte = [0u8; 1];
    let mut count = 0;
    loop {
        match reader.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => decoder.push(&byte),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                if let Some(rest) = decoder.finish() {
                    writeln!(out, "{rest}")?;
                    out.flush()?;
                }
                return Err(e);
            }
        }
        while let Some(message) = decoder.next_message()? {
            count += usize::from(message.is_timestamp());
            writeln!(out, "{message}")?;
            out.flush()?;
        }
    }
    if let Some(rest) = decoder.finish() {
        writeln!(out, "{rest}")?;
        out.flush()?;
    }
    Ok(count)
}
