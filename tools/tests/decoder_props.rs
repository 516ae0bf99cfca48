//! Property tests of the time-protocol decoder (`net_basics::time_protocol::TimestampDecoder`).
//!
//! TCP hands the server a byte stream cut into reads at places nobody chooses (book chapter 3).
//! The unit tests next to the decoder try a few hand-picked cuts; these tests let proptest pick
//! thousands of streams and cuts at random, and shrink any failure to a small example. They check
//! the promises the server of chapter 4 relies on:
//!
//! 1. however a stream is cut into reads, the decoder yields the same messages;
//! 2. timestamps sent with `\n`, `\r\n` or no delimiter at all come out exactly as sent;
//! 3. no valid timestamp is ever lost, whatever junk surrounds it and however the bytes are
//!    split: the decoder resynchronises at the next timestamp, and the junk in between is
//!    reported, never dropped;
//! 4. arbitrary bytes never panic, and the decoder never holds more than [`MAX_LINE`] bytes plus
//!    one timestamp plus the read it was just given (a peer cannot make it buffer without bound);
//! 5. at end of stream, `finish()` reports a message cut short, and nothing when there is none.
//!
//! Run: `cargo test -p net-basics-tools --test decoder_props`. Case counts are kept moderate so
//! the file runs in a few seconds in a debug build.

use chrono::DateTime;
use net_basics::time_protocol::{
    FORMAT, MAX_LINE, Message, TIMESTAMP_LEN, Timestamp, TimestampDecoder, escape_and_shorten,
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
/// Also checks, after every read, that the decoder holds at most `MAX_LINE` + a timestamp + that
/// read's size (it may wait for the rest of a timestamp that begins just before the limit).
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
            decoder.buffered() <= MAX_LINE + TIMESTAMP_LEN + read.len(),
            "the decoder holds {} bytes after a read of {}: it must never hold more than \
             MAX_LINE ({MAX_LINE}) plus a timestamp plus one read, or a peer could make the \
             server buffer without bound",
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
            decoder.buffered() <= MAX_LINE + TIMESTAMP_LEN,
            "with every complete message taken, at most one unfinished line ({MAX_LINE} bytes) \
             and the beginning of a timestamp may wait"
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

/// Junk a client may send between timestamps: random bytes, words, Python's microseconds,
/// delimiters and blanks, digits, timestamps cut short, and impossible dates in the right shape.
fn junk_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..20),
        2 => Just(b".123456".to_vec()),
        2 => Just(b"hello".to_vec()),
        2 => delimiter().prop_map(|d| d.as_bytes().to_vec()),
        1 => Just(b" \t\x0c".to_vec()),
        2 => "[0-9]{1,25}".prop_map(String::into_bytes),
        3 => (timestamp(), 1..TIMESTAMP_LEN).prop_map(|(t, keep)| t.as_bytes()[..keep].to_vec()),
        1 => Just(b"2026-13-01 00:00:00".to_vec()),
        1 => Just(b"2026-02-30 24:00:00".to_vec()),
    ]
}

/// A stretch of junk: a few pieces, far below MAX_LINE.
fn junk() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(junk_piece(), 0..6).prop_map(|pieces| pieces.concat())
}

/// Whether `bytes` hold a valid timestamp anywhere.
fn holds_a_timestamp(bytes: &[u8]) -> bool {
    bytes
        .windows(TIMESTAMP_LEN)
        .any(|window| Timestamp::parse(window).is_some())
}

/// Whether `junk` followed by `next` can be read another way: a timestamp that begins in the junk
/// and ends inside `next` (e.g. `…09:50:` + `2026-…` reads as second 20). Without a delimiter such a
/// stream is ambiguous, and the decoder takes the first timestamp it can read (module docs). The
/// property below is about junk that is not ambiguous.
fn ambiguous(junk: &[u8], next: &str) -> bool {
    let tail = &junk[junk.len().saturating_sub(TIMESTAMP_LEN - 1)..];
    holds_a_timestamp(&[tail, next.as_bytes()].concat()[..tail.len() + TIMESTAMP_LEN - 1])
}

/// Timestamps sent with junk before each of them and after the last, none of it ambiguous and
/// none of it a timestamp itself.
fn junk_and_timestamps() -> impl Strategy<Value = (Vec<(Vec<u8>, String)>, Vec<u8>)> {
    let region = (junk(), timestamp()).prop_filter("junk that is not ambiguous", |(junk, next)| {
        !holds_a_timestamp(junk) && !ambiguous(junk, next)
    });
    (
        proptest::collection::vec(region, 0..30),
        junk().prop_filter("junk that is not a timestamp", |junk| {
            !holds_a_timestamp(junk)
        }),
    )
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

    /// Promise 3: no valid timestamp is ever lost, whatever junk surrounds it and however the
    /// bytes are split; the junk between two timestamps is reported (once or more), and whitespace
    /// alone is not.
    #[test]
    fn no_valid_timestamp_is_ever_lost_whatever_junk_surrounds_it_and_however_the_bytes_are_split(
        (sent, trailing) in junk_and_timestamps(),
        cuts in cuts(),
    ) {
        let stream: Vec<u8> = sent
            .iter()
            .flat_map(|(junk, time)| [junk.as_slice(), time.as_bytes()].concat())
            .chain(trailing.iter().copied())
            .collect();
        for cuts in [cuts.clone(), vec![1], vec![stream.len().max(1)]] {
            let (mut messages, ending) = decode(&stream, &cuts);
            prop_assert!(
                matches!(ending, Ending::Finished(_)),
                "junk of a few bytes between timestamps must never be a line too long (reads {:?})",
                cuts
            );
            if let Ending::Finished(Some(leftover)) = ending {
                messages.push(leftover);
            }
            // Between two timestamps: the junk's reports. Walk the messages region by region.
            let mut messages = messages.into_iter().peekable();
            let regions = sent
                .iter()
                .map(|(junk, time)| (junk.as_slice(), Some(time.as_str())))
                .chain([(trailing.as_slice(), None)]);
            for (junk, time) in regions {
                let mut reports = 0;
                while let Some(Message::NotATimestamp(_)) = messages.peek() {
                    messages.next();
                    reports += 1;
                }
                prop_assert_eq!(
                    reports > 0,
                    !junk.trim_ascii().is_empty(),
                    "junk {:?} must be reported as not a timestamp (and whitespace alone not), reads {:?}",
                    String::from_utf8_lossy(junk),
                    &cuts
                );
                match time {
                    Some(time) => {
                        let got = messages.next().map(|message| message.to_string());
                        prop_assert_eq!(
                            got,
                            Some(format!("client time: {time}")),
                            "after junk {:?} the decoder must resynchronise at the next timestamp, \
                             reads {:?}: nothing valid may be lost (chapter 4, framing)",
                            String::from_utf8_lossy(junk),
                            &cuts
                        );
                    }
                    None => prop_assert_eq!(messages.next(), None, "nothing after the trailing junk"),
                }
            }
        }
    }

    /// Promise 4: any bytes at all — the decoder reports, refuses or waits, but never panics
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

    /// Promise 5: a message cut short by the end of the stream is reported by `finish()`.
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
