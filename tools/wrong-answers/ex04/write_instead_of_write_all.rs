// wrong: `out.write(&lines)` keeps only what one write takes. expect: "Write with `write_all`"
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut buffer = vec![0; 4096];
    let mut count = 0;
    let result = loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break Ok(count),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(e),
        };
        decoder.push(&buffer[..n]);
        let mut lines = String::new();
        while let Some(message) = decoder.next_message()? {
            if message.is_timestamp() {
                count += 1;
            }
            lines += &format!("{message}\n");
        }
        out.write(lines.as_bytes())?;
        out.flush()?;
    };
    if let Some(rest) = decoder.finish() {
        out.write(format!("{rest}\n").as_bytes())?;
        out.flush()?;
    }
    result
}
