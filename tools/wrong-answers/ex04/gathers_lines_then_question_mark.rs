// wrong: gathers a read's lines and `?`s next_message: a line too long loses the lines before it (the old reference's bug). expect: "decoded and then lost"
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut timestamps = 0;
    let ended = loop {
        let received = match reader.read(&mut buffer) {
            Ok(0) => break Ok(timestamps),
            Ok(received) => received,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => break Err(err),
        };
        decoder.push(&buffer[..received]);
        let mut lines = Vec::new();
        while let Some(message) = decoder.next_message()? {
            if message.is_timestamp() {
                timestamps += 1;
            }
            writeln!(lines, "{message}")?;
        }
        out.write_all(&lines)?;
        out.flush()?;
    };
    if let Some(rest) = decoder.finish() {
        writeln!(out, "{rest}")?;
        out.flush()?;
    }
    ended
}
