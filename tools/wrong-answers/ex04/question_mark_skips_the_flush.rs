// wrong: a helper whose `?` on next_message returns before its flush: a line too long leaves the lines before it unflushed. expect: "a `?` returned before the flush"
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

use std::io::{BufRead, BufReader};

fn write_messages(decoder: &mut TimestampDecoder, out: &mut impl Write) -> io::Result<usize> {
    let mut timestamps = 0;
    while let Some(message) = decoder.next_message()? {
        if message.is_timestamp() {
            timestamps += 1;
        }
        writeln!(out, "{message}")?;
    }
    out.flush()?;
    Ok(timestamps)
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
