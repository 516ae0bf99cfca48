//! Fuzz target: the time-protocol decoder must never panic, whatever bytes a peer sends and
//! however TCP cuts them into reads, and must decode the same messages for any cut.
//!
//! Run (from the crate root; needs `cargo install cargo-fuzz`, and on stable Rust
//! `RUSTC_BOOTSTRAP=1` for the sanitizer flags):
//!     RUSTC_BOOTSTRAP=1 cargo fuzz run decoder -- -max_total_time=60
#![no_main]

use libfuzzer_sys::fuzz_target;
use net_basics::time_protocol::{MAX_LINE, Message, TimestampDecoder};

/// Decodes `stream` in reads of `cut` bytes; returns the messages, whether the line limit was
/// hit, and what `finish()` reported. Checks the buffering bound after every read.
fn decode(stream: &[u8], cut: usize) -> (Vec<Message>, bool, Option<Message>) {
    let mut decoder = TimestampDecoder::new();
    let mut messages = Vec::new();
    for read in stream.chunks(cut.max(1)) {
        decoder.push(read);
        assert!(decoder.buffered() <= MAX_LINE + read.len());
        loop {
            match decoder.next_message() {
                Ok(Some(message)) => messages.push(message),
                Ok(None) => break,
                Err(_) => return (messages, true, None),
            }
        }
    }
    let leftover = decoder.finish();
    (messages, false, leftover)
}

fuzz_target!(|data: &[u8]| {
    // The first byte chooses the read size, the rest is the stream.
    let Some((&cut, stream)) = data.split_first() else {
        return;
    };
    let whole = decode(stream, stream.len());
    assert_eq!(decode(stream, usize::from(cut % 64) + 1), whole);
});
