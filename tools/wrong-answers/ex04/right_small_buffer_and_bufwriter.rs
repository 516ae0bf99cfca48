// right: a 7-byte buffer, `out` wrapped in a BufWriter flushed after each read, the error handled by a match on the loop's result
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

use std::io::BufWriter;

pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut out = BufWriter::new(out);
    let mut decoder = TimestampDecoder::new();
    let mut buffer = [0u8; 7];
    let mut count = 0;
    let outcome: io::Result<()> = loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(e),
        };
        decoder.push(&buffer[..n]);
        loop {
            match decoder.next_message() {
                Ok(Some(message)) => {
                    count += message.is_timestamp() as usize;
                    writeln!(out, "{message}")?;
                }
                Ok(None) => break,
                Err(too_long) => {
                    out.flush()?;
                    return Err(too_long.into());
                }
            }
        }
        out.flush()?;
    };
    if let Some(rest) = decoder.finish() {
        writeln!(out, "{rest}")?;
    }
    out.flush()?;
    outcome.map(|()| count)
}
