//! Fuzz target: the time-protocol decoder must never panic, whatever bytes a peer sends and
//! however TCP cuts them into reads; it must decode the same messages for any cut, never buffer
//! without bound, and never lose a timestamp that follows junk (it resynchronises).
//!
//! Run from `tools/fuzz/` (`cargo install cargo-fuzz`; on stable Rust `RUSTC_BOOTSTRAP=1` lets
//! cargo-fuzz pass its sanitizer flags; bounded by -runs):
//!     RUSTC_BOOTSTRAP=1 cargo fuzz run decoder -- -runs=10000000 -max_len=4096
#![no_main]

use libfuzzer_sys::fuzz_target;
use net_basics::time_protocol::{MAX_LINE, Message, TIMESTAMP_LEN, TimestampDecoder};

/// Decodes `stream` in reads of `cut` bytes; returns the messages, whether the line limit was
/// hit, and what `finish()` reported. Checks the buffering bound after every read.
fn decode(stream: &[u8], cut: usize) -> (Vec<Message>, bool, Option<Message>) {
    let mut decoder = TimestampDecoder::new();
    let mut messages = Vec::new();
    for read in stream.chunks(cut.max(1)) {
        decoder.push(read);
        assert!(decoder.buffered() <= MAX_LINE + TIMESTAMP_LEN + read.len());
        loop {
            match decoder.next_message() {
                Ok(Some(message)) => messages.push(message),
                Ok(None) => break,
                Err(_) => return (messages, true, None),
            }
        }
        assert!(decoder.buffered() <= MAX_LINE + TIMESTAMP_LEN);
    }
    let leftover = decoder.finish();
    (messages, false, leftover)
}

const T: &[u8; TIMESTAMP_LEN] = b"2026-11-25 09:50:00";

fuzz_target!(|data: &[u8]| {
    // The first byte chooses the read size, the rest is the stream.
    let Some((&cut, stream)) = data.split_first() else {
        return;
    };
    let whole = decode(stream, stream.len());
    assert_eq!(decode(stream, usize::from(cut % 64) + 1), whole);
    assert_eq!(decode(stream, 1), whole);
    // Junk (short, so never a line too long), then a newline-free timestamp: it is decoded.
    // A `\n` first ends the junk, so that no timestamp can begin inside it and overlap ours.
    if stream.len() <= MAX_LINE / 2 {
        let with_timestamp = [stream, b"\n", T.as_slice()].concat();
        let (messages, too_long, _) = decode(&with_timestamp, usize::from(cut % 64) + 1);
        assert!(!too_long);
        assert!(
            matches!(messages.last(), Some(Message::Timestamp(t)) if t.as_str().as_bytes() == T)
        );
    }
});
