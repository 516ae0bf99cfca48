// wrong: writes the bare timestamp or text, not the message as it displays itself. expect: "without the words the decoder's Display adds"
//! Exercise 4, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::io::{self, Read, Write};

use net_basics::time_protocol::TimestampDecoder;

use net_basics::time_protocol::Message;

pub fn handle_client(mut reader: impl Read, out: &mut impl Write) -> io::Result<usize> {
    let mut decoder = TimestampDecoder::new();
    let mut buffer = [0u8; 1024];
    let mut count = 0;
    let result = loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break Ok(count),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(e),
        };
        decoder.push(&buffer[..n]);
        while let Some(message) = decoder.next_message()? {
            match message {
                Message::Timestamp(time) => {
                    count += 1;
                    writeln!(out, "{time}")?;
                }
                Message::NotATimestamp(text) => writeln!(out, "{text}")?,
            }
        }
        out.flush()?;
    };
    if let Some(rest) = decoder.finish() {
        writeln!(out, "{rest}")?;
        out.flush()?;
    }
    result
}
