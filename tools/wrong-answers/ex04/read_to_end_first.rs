// wrong: reads the whole stream first, then decodes (nothing shown while the client is connected). expect: "nor for the end of the stream"
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut all = Vec::new();
    reader.read_to_end(&mut all)?;
    let mut decoder = TimestampDecoder::new();
    decoder.push(&all);
    let mut count = 0;
    while let Some(message) = decoder.next_message()? {
        if message.is_timestamp() {
            count += 1;
        }
        writeln!(out, "{message}")?;
    }
    if let Some(rest) = decoder.finish() {
        writeln!(out, "{rest}")?;
    }
    out.flush()?;
    Ok(count)
}
