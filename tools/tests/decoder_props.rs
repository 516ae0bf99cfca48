//! Property tests of the time-protocol decoder (`net_basics::time_protocol::TimestampDecoder`).
//!
//! TCP hands the server a byte stream cut into reads at places nobody chooses (book chapter 3).
//! The unit tests next to the decoder try a few hand-picked cuts; these tests let proptest pick
//! thousands of streams and cuts at random, and shrink any failure to a small example. They check
//! the promises the server relies on:
//!
//! 1. however a stream is cut into reads, the decoder yields the same messages;
//! 2. timestamps sent with `\n`, `\r\n` or no delimiter at all come out exactly as sent;
//! 3. arbitrary bytes never panic, and the decoder never holds more than [`MAX_LINE`] bytes plus
//!    the read it was just given (a peer cannot make the server buffer without bound);
//! 4. at end of stream, `finish()` reports a message cut short, and nothing when there is none.
//!
//! Case counts are kept moderate so the file runs in well under two seconds in a debug build.

use chrono::DateTime;
use net_basics::time_protocol::{
    FORMAT, MAX_LINE, Message, TIMESTAMP_LEN, TimestampDecoder, escape_and_shorten,
};
use proptest::prelude::*;

/// How a decoding run ended: the server stops at a too-long line, else it calls `finish()`.
#[derive(Debug, PartialEq)]
enum Ending {
    TooLong,
    Finished(Option<Message>),
}

/// Feeds `stream` to a fresh decoder in reads of the sizes in `cuts` (cycled), as the server does:
/// after each read, take messages until the decoder needs more bytes or refuses the line.
/// Also checks, after every read, that the decoder holds at most `MAX_LINE` + that read's size.
fn decode(stream: &[u8], cuts: &[usize]) -> (Vec<Message>, Ending) {
    let mut decoder = TimestampDecoder::new();
    let mut messages = Vec::new();
    let mut rest = stream;
    let mut sizes = cuts.iter().copied().cycle();
    while !rest.is_empty() {
        let size = sizes.next().unwrap_or(rest.len()).clamp(1, rest.len());
        let (read, after) = rest.split_at(size);
        rest = after;
        decoder.push(read);
        assert!(
            decoder.buffered() <= MAX_LINE + read.len(),
            "the decoder holds {} bytes after a read of {}: it must never hold more than \
             MAX_LINE ({MAX_LINE}) plus one read, or a peer could make the server buffer without bound",
            decoder.buffered(),
            read.len()
        );
        loop {
            match decoder.next_message() {
                Ok(Some(message)) => messages.push(message),
                Ok(None) => break,
                Err(_) => return (messages, Ending::TooLong),
            }
        }
        assert!(
            decoder.buffered() <= MAX_LINE,
            "with every complete message taken, at most one unfinished line ({MAX_LINE} bytes) may wait"
        );
    }
    let leftover = decoder.finish();
    assert_eq!(decoder.buffered(), 0, "finish() must empty the decoder");
    (messages, Ending::Finished(leftover))
}

/// A valid timestamp text, from any second between 1970 and 2100.
fn timestamp() -> impl Strategy<Value = String> {
    (0i64..4_102_444_800).prop_map(|seconds| {
        // Every second in that range is a valid date and time, so this cannot fail.
        let time = DateTime::from_timestamp(seconds, 0).expect("in chrono's range");
        time.naive_utc().format(FORMAT).to_string()
    })
}

/// How a sender ends a message: our client's `\n`, Windows' `\r\n`, or the original's nothing.
fn delimiter() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n"), Just("")]
}

/// Pieces of a realistic-to-hostile stream: timestamps, delimiters, whitespace, timestamps cut
/// short, random bytes (invalid UTF-8, control bytes) and now and then a line near the limit.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        10 => timestamp().prop_map(String::into_bytes),
        8 => delimiter().prop_map(|d| d.as_bytes().to_vec()),
        2 => Just(b"  \t".to_vec()),
        4 => (timestamp(), 1..TIMESTAMP_LEN).prop_map(|(t, keep)| t.as_bytes()[..keep].to_vec()),
        5 => proptest::collection::vec(any::<u8>(), 0..30),
        1 => (MAX_LINE - 3..MAX_LINE + 3).prop_map(|len| vec![b'x'; len]),
    ]
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(piece(), 0..24).prop_map(|pieces| pieces.concat())
}

/// Read sizes: small ones (splitting timestamps and `\r\n`) and big ones (coalescing messages).
fn cuts() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(prop_oneof![1usize..4, 1usize..64, 64usize..2048], 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Promise 1: where the reads split the stream does not change what the server prints.
    #[test]
    fn any_split_of_a_stream_yields_the_same_messages(stream in stream(), cuts in cuts()) {
        let whole = decode(&stream, &[stream.len().max(1)]);
        let cut = decode(&stream, &cuts);
        prop_assert_eq!(
            &cut, &whole,
            "reads of sizes {:?} gave other messages than one read of the whole stream: TCP may \
             split or coalesce writes anywhere, so framing must not depend on it (chapter 3)",
            cuts
        );
        let byte_by_byte = decode(&stream, &[1]);
        prop_assert_eq!(
            &byte_by_byte, &whole,
            "reads of one byte each gave other messages than one read of the whole stream"
        );
    }

    /// Promise 2: timestamps with `\n`, `\r\n` or no delimiter come out exactly as sent, in order.
    #[test]
    fn timestamps_with_any_delimiters_come_out_exactly_as_sent(
        sent in proptest::collection::vec((timestamp(), delimiter()), 0..40),
        cuts in cuts(),
    ) {
        let stream: Vec<u8> = sent
            .iter()
            .flat_map(|(time, delimiter)| [time.as_bytes(), delimiter.as_bytes()].concat())
            .collect();
        let (messages, ending) = decode(&stream, &cuts);
        let received: Vec<String> = messages
            .iter()
            .map(|message| match message {
                Message::Timestamp(time) => time.to_string(),
                other => format!("unexpected {other:?}"),
            })
            .collect();
        let expected: Vec<&str> = sent.iter().map(|(time, _)| time.as_str()).collect();
        prop_assert_eq!(
            received, expected,
            "every timestamp sent (with `\\n`, `\\r\\n` or nothing after it) must be decoded once, \
             in order, whatever the reads of sizes {:?}", cuts
        );
        prop_assert_eq!(ending, Ending::Finished(None), "nothing is left over after whole messages");
    }

    /// Promise 3: any bytes at all — the decoder reports, refuses or waits, but never panics
    /// (the bound on what it holds is checked inside `decode` after every read).
    #[test]
    fn arbitrary_bytes_never_panic_and_stay_bounded(
        stream in proptest::collection::vec(any::<u8>(), 0..3000),
        cuts in cuts(),
    ) {
        let (messages, _ending) = decode(&stream, &cuts);
        for message in messages {
            if let Message::NotATimestamp(shown) = message {
                prop_assert!(
                    !shown.chars().any(char::is_control),
                    "a reported bad line must be escaped, so no control byte reaches the terminal: {:?}",
                    shown
                );
            }
        }
    }

    /// Promise 4: a message cut short by the end of the stream is reported by `finish()`.
    #[test]
    fn finish_reports_what_was_left_over(
        sent in proptest::collection::vec(timestamp(), 0..5),
        cut_short in timestamp(),
        keep in 1..TIMESTAMP_LEN,
        cuts in cuts(),
    ) {
        let whole_messages = sent.join("\n") + "\n";
        let leftover = &cut_short.as_bytes()[..keep];
        let stream = [whole_messages.as_bytes(), leftover].concat();
        let (messages, ending) = decode(&stream, &cuts);
        prop_assert_eq!(messages.len(), sent.len(), "the whole timestamps come out first");
        let expected = Message::NotATimestamp(escape_and_shorten(leftover.trim_ascii()));
        prop_assert_eq!(
            ending, Ending::Finished(Some(expected)),
            "the {} bytes after the last whole message must be reported at end of stream, so \
             nothing received goes unreported", keep
        );
    }
}
