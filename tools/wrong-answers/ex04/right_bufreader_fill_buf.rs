// right: a BufReader, `fill_buf` and `consume`, and a helper that writes what the decoder gives back
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

use std::io::{BufRead, BufReader};

/// Writes and flushes every message the decoder can give; a line too long is returned after the
/// flush, so nothing before it stays in a buffer.
fn write_messages(decoder: &mut TimestampDecoder, out: &mut impl Write) -> io::Result<usize> {
    let mut timestamps = 0;
    let decoded = loop {
        match decoder.next_message() {
            Ok(Some(message)) => {
                timestamps += usize::from(message.is_timestamp());
                writeln!(out, "{message}")?;
            }
            Ok(None) => break Ok(timestamps),
            Err(too_long) => break Err(too_long.into()),
        }
    };
    out.flush()?;
    decoded
}

fn write_rest(decoder: &mut TimestampDecoder, out: &mut impl Write) -> io::Result<()> {
    if let Some(rest) = decoder.finish() {
        writeln!(out, "{rest}")?;
        out.flush()?;
    }
    Ok(())
}

pub fn handle_client(reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut reader = BufReader::new(reader);
    let mut decoder = TimestampDecoder::new();
    let mut count = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                write_rest(&mut decoder, out)?;
                return Err(e);
            }
        };
        if available.is_empty() {
            break;
        }
        decoder.push(available);
        let used = available.len();
        reader.consume(used);
        count += write_messages(&mut decoder, out)?;
    }
    write_rest(&mut decoder, out)?;
    Ok(count)
}
