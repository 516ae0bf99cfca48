//! The time protocol of chapter 4 (the time server) and chapter 5 (the client), and its decoder.
//!
//! # Why a decoder at all
//!
//! TCP delivers a **byte stream**, not messages (chapter 3). Three timestamps the client wrote one
//! by one may arrive in one `read`; one timestamp may arrive in two. So the receiver needs a rule
//! that says where a message ends — *framing*. Ours:
//!
//! * A message is a local timestamp `YYYY-MM-DD HH:MM:SS` ([`FORMAT`], always [`TIMESTAMP_LEN`]
//!   = 19 bytes). Our client ends each one with `\n` (*delimiter framing*); `\r\n` works too.
//! * The lesson's original Python client sends bare 19-byte timestamps back to back, with no
//!   delimiter (*fixed-length framing*, by accident). We accept that too: 19 bytes that parse
//!   as a timestamp are a message, whatever follows them.
//! * Anything else is reported as [`Message::NotATimestamp`] (trimmed of ASCII whitespace,
//!   escaped and shortened, so a terminal never sees raw control bytes). It ends at the next
//!   `\n` — or where the next timestamp begins: without a delimiter, the decoder
//!   *resynchronises* at the next timestamp, so junk in the middle of a bare stream (a student's
//!   `str(datetime.now())` sends `2026-11-25 09:50:00.123456`) costs nothing valid after it.
//! * More than [`MAX_LINE`] bytes with neither a `\n` nor a timestamp is an error
//!   ([`LineTooLong`]): a peer must not make us buffer without bound.
//!
//! Leading whitespace (the `\n` that ended the last message, blank lines) is skipped.
//!
//! Without a delimiter a stream can be ambiguous: `2026-11-25 09:50:` (junk) followed by
//! `2026-11-25 09:50:00` reads as `2026-11-25 09:50:20` first — the decoder takes the first
//! timestamp it can read. A delimiter removes the doubt; that is why our client sends one.
//!
//! # Why sans-IO
//!
//! [`TimestampDecoder`] never touches a socket: bytes go in with [`push`](TimestampDecoder::push),
//! messages come out of [`next_message`](TimestampDecoder::next_message). The server feeds it
//! whatever each `read` returned; tests feed it the same bytes whole, coalesced or one byte at a
//! time, and check that the messages are the same. For that, the decoder never reports junk that
//! could still be the start of a timestamp whose rest has not arrived yet: it waits for the rest.
//!
//! ```
//! use net_basics::time_protocol::{Message, TimestampDecoder};
//!
//! let mut decoder = TimestampDecoder::new();
//! decoder.push(b"2026-11-25 09:50:00\n2026-11-25 09:5"); // one and a half messages
//! let first = decoder.next_message().unwrap(); // Ok: no line is over the limit here
//! assert_eq!(first.unwrap().to_string(), "client time: 2026-11-25 09:50:00");
//! assert_eq!(decoder.next_message().unwrap(), None); // the half waits for more bytes
//! decoder.push(b"0:01.123456"); // the rest, then junk with no delimiter
//! assert!(matches!(decoder.next_message(), Ok(Some(Message::Timestamp(_)))));
//! assert_eq!(decoder.next_message().unwrap(), None); // "3456" could still begin a year: wait
//! decoder.push(b"2026-11-25 09:50:02"); // the next bare timestamp ends the junk
//! let junk = decoder.next_message().unwrap().unwrap();
//! assert_eq!(junk.to_string(), "not a timestamp: \".123456\"");
//! assert!(decoder.next_message().unwrap().unwrap().is_timestamp());
//! ```

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// The timestamp format of the lesson, for chrono's `format` and `parse_from_str`.
pub const FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Every timestamp in [`FORMAT`] is exactly this many bytes: `2026-11-25 09:50:00`.
pub const TIMESTAMP_LEN: usize = 19;

/// The longest line (in bytes, without its `\n`) that the decoder buffers before giving up.
pub const MAX_LINE: usize = 1024;

/// How many characters of a bad line [`Message::NotATimestamp`] shows before it shortens it.
pub const SHOWN_CHARS: usize = 40;

/// One timestamp as received: its 19 bytes of text, already checked to be a real date and time.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: [u8; TIMESTAMP_LEN],
    time: NaiveDateTime,
}

impl Timestamp {
    /// Parses exactly `YYYY-MM-DD HH:MM:SS` (digits where the format has digits, a real
    /// calendar date and clock time); `None` otherwise.
    pub fn parse(bytes: &[u8]) -> Option<Timestamp> {
        let text: [u8; TIMESTAMP_LEN] = bytes.try_into().ok()?;
        // The same check as `fits_the_shape`, on an array: the compiler unrolls it (2× faster).
        let shaped = text.iter().zip(SHAPE).all(|(&byte, &want)| match want {
            b'd' => byte.is_ascii_digit(),
            _ => byte == want,
        });
        if !shaped {
            return None;
        }
        let number = |range: std::ops::Range<usize>| {
            text[range]
                .iter()
                .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'))
        };
        let year = i32::try_from(number(0..4)).ok()?;
        let date = NaiveDate::from_ymd_opt(year, number(5..7), number(8..10))?;
        let time = NaiveTime::from_hms_opt(number(11..13), number(14..16), number(17..19))?;
        Some(Timestamp {
            text,
            time: date.and_time(time),
        })
    }

    /// The timestamp as the client wrote it, e.g. `2026-11-25 09:50:00`.
    pub fn as_str(&self) -> &str {
        // `parse` accepted only ASCII digits, '-', ' ' and ':', so this cannot fail.
        std::str::from_utf8(&self.text).expect("a parsed timestamp is ASCII")
    }

    /// The date and time it names (local time of the client; the protocol carries no zone).
    pub fn date_time(&self) -> NaiveDateTime {
        self.time
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.as_str())
    }
}

/// One message taken off the byte stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A well-formed timestamp.
    Timestamp(Timestamp),
    /// Bytes that are not a timestamp — a line, or the junk before the next timestamp: trimmed
    /// of ASCII whitespace (space, tab, `\r`, `\n`, form feed; `"  hello\t"` shows as `hello`),
    /// escaped (printable, no control bytes, `\xNN` for bytes that are not UTF-8) and shortened
    /// to [`SHOWN_CHARS`] characters.
    NotATimestamp(String),
}

impl Message {
    /// Whether this message is a timestamp (and not something else the client sent).
    pub fn is_timestamp(&self) -> bool {
        matches!(self, Message::Timestamp(_))
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Timestamp(timestamp) => {
                f.write_str("client time: ")?;
                f.write_str(timestamp.as_str())
            }
            Message::NotATimestamp(shown) => write!(f, "not a timestamp: \"{shown}\""),
        }
    }
}

/// A peer sent more than [`MAX_LINE`] bytes with neither a `\n` nor a timestamp among them. The
/// connection should be closed:
/// the decoder refuses to buffer more (and stays in this state).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineTooLong;

impl fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line too long: more than {MAX_LINE} bytes with neither a newline nor a timestamp; a \
             timestamp is {TIMESTAMP_LEN} bytes"
        )
    }
}

impl std::error::Error for LineTooLong {}

/// So that `decoder.next_message()?` works in a function that returns `io::Result`: a line that
/// is too long becomes an error of kind [`InvalidData`](std::io::ErrorKind::InvalidData).
impl From<LineTooLong> for std::io::Error {
    fn from(too_long: LineTooLong) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, too_long)
    }
}

/// Turns a byte stream, pushed in pieces of any size, into [`Message`]s. See the module docs.
#[derive(Debug, Default)]
pub struct TimestampDecoder {
    /// Bytes received but not yet decoded start at `buffer[start]`.
    buffer: Vec<u8>,
    start: usize,
    /// How many bytes from `start` on are known to be neither a `\n` nor the start of a
    /// timestamp, so that bytes arriving one at a time are not scanned again and again.
    scanned: usize,
    too_long: bool,
}

/// Whether a timestamp starts at the beginning of some bytes.
enum Start {
    Yes,
    /// Too few bytes to tell, and those there are fit the format: wait for more.
    Maybe,
    No,
}

fn timestamp_start(bytes: &[u8]) -> Start {
    match bytes.get(..TIMESTAMP_LEN) {
        Some(candidate) if Timestamp::parse(candidate).is_some() => Start::Yes,
        Some(_) => Start::No,
        None if fits_the_shape(bytes) => Start::Maybe,
        None => Start::No,
    }
}

/// `dddd-dd-dd dd:dd:dd`: digits where the format has digits, the separators where it has them.
const SHAPE: &[u8; TIMESTAMP_LEN] = b"dddd-dd-dd dd:dd:dd";

fn fits_the_shape(bytes: &[u8]) -> bool {
    bytes.iter().zip(SHAPE).all(|(&byte, &want)| match want {
        b'd' => byte.is_ascii_digit(),
        _ => byte == want,
    })
}

impl TimestampDecoder {
    /// A decoder with nothing buffered.
    pub fn new() -> TimestampDecoder {
        TimestampDecoder::default()
    }

    /// Appends bytes just read from the stream. Call [`next_message`](Self::next_message) until
    /// it returns `Ok(None)` afterwards.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.too_long {
            return; // the connection is to be closed: buffer nothing more
        }
        if self.start > 0 && self.start == self.buffer.len() {
            // Everything was decoded: reuse the allocation from its beginning.
            self.buffer.clear();
            self.start = 0;
        } else if self.start > 4096 && self.start * 2 > self.buffer.len() {
            // Drop decoded bytes now and then, so the buffer does not grow forever.
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// How many bytes are buffered and not yet decoded.
    pub fn buffered(&self) -> usize {
        self.buffer.len() - self.start
    }

    /// Marks `len` more bytes as decoded.
    fn consume(&mut self, len: usize) {
        self.start += len;
        self.scanned = 0;
    }

    // ANCHOR: next_message
    /// The next complete message, `Ok(None)` when more bytes are needed, or [`LineTooLong`].
    pub fn next_message(&mut self) -> Result<Option<Message>, LineTooLong> {
        if self.too_long {
            return Err(LineTooLong);
        }
        // Leading whitespace (including the `\n` or `\r\n` that ended the last message) is
        // not part of any message.
        let pending = &self.buffer[self.start..];
        let skip = pending
            .iter()
            .position(|byte| !byte.is_ascii_whitespace())
            .unwrap_or(pending.len());
        if skip > 0 {
            self.consume(skip);
        }
        let pending = &self.buffer[self.start..];

        // Fixed length: 19 bytes that parse are a message, whatever follows them.
        if let Some(timestamp) = pending.get(..TIMESTAMP_LEN).and_then(Timestamp::parse) {
            self.consume(TIMESTAMP_LEN);
            return Ok(Some(Message::Timestamp(timestamp)));
        }
        self.not_a_timestamp()
    }

    /// The bytes at `start` do not begin with a timestamp: find where they end — at a `\n`, or
    /// where a timestamp begins — and report them; or wait for more bytes; or give up.
    #[inline(never)] // keeps `next_message`, the path of every timestamp, small
    fn not_a_timestamp(&mut self) -> Result<Option<Message>, LineTooLong> {
        let pending = &self.buffer[self.start..];
        let mut at = self.scanned;
        loop {
            if at > MAX_LINE {
                // More than MAX_LINE bytes that are neither a timestamp nor end in `\n`.
                self.too_long = true;
                return Err(LineTooLong);
            }
            let Some(&byte) = pending.get(at) else {
                self.scanned = at;
                return Ok(None); // the message goes on in bytes not yet received
            };
            if byte == b'\n' {
                // Delimiter: a line that is not a timestamp (a timestamp would have begun it).
                let message = not_a_timestamp(&pending[..at]);
                self.consume(at + 1);
                return Ok(Some(message));
            }
            match timestamp_start(&pending[at..]) {
                // Resynchronise: the junk before the timestamp is a message of its own (`at` is
                // not 0 here: a timestamp at 0 was taken by `next_message`).
                Start::Yes => {
                    let message = not_a_timestamp(&pending[..at]);
                    self.consume(at);
                    return Ok(Some(message));
                }
                // Could be a timestamp whose rest has not arrived: decide when it has.
                Start::Maybe => {
                    self.scanned = at;
                    return Ok(None);
                }
                Start::No => at += 1,
            }
        }
    }
    // ANCHOR_END: next_message

    /// Call at end-of-stream, once [`next_message`](Self::next_message) has returned `Ok(None)`:
    /// whatever is left over (a message cut short) as a [`Message::NotATimestamp`], so nothing
    /// received goes unreported. Empties the decoder.
    pub fn finish(&mut self) -> Option<Message> {
        let rest = &self.buffer[self.start..];
        let message =
            (!rest.trim_ascii().is_empty() && !self.too_long).then(|| not_a_timestamp(rest));
        self.buffer.clear();
        self.start = 0;
        self.scanned = 0;
        message
    }
}

/// Bytes that are not a timestamp, as the server shows them: trimmed of ASCII whitespace
/// (space, tab, `\r`, `\n`, form feed), then escaped and shortened.
fn not_a_timestamp(bytes: &[u8]) -> Message {
    Message::NotATimestamp(escape_and_shorten(bytes.trim_ascii()))
}

/// Makes received bytes safe and short to print: valid UTF-8 is kept (control characters and
/// quotes escaped as by [`escape`]), invalid bytes become `\xNN`, a trailing `\r` is
/// dropped, and after [`SHOWN_CHARS`] characters the rest is replaced by `… (N bytes)`.
pub fn escape_and_shorten(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut shown = String::new();
    let mut chars = 0;
    'chunks: for chunk in line.utf8_chunks() {
        for c in chunk.valid().chars() {
            if chars == SHOWN_CHARS {
                break 'chunks;
            }
            push_escaped(&mut shown, c);
            chars += 1;
        }
        for byte in chunk.invalid() {
            if chars == SHOWN_CHARS {
                break 'chunks;
            }
            shown.push_str(&format!("\\x{byte:02x}"));
            chars += 1;
        }
    }
    if chars == SHOWN_CHARS && more_chars_than(line, SHOWN_CHARS) {
        shown.push_str(&format!("… ({} bytes)", line.len()));
    }
    shown
}

/// Text made safe to print on one line, as Rust's `{:?}` shows it (`\n`, `\r`, `\"`,
/// `\u{1b}` for the escape byte that starts terminal control sequences) — except NUL, shown as
/// `\u{0}`, not `\0`: followed by digits, `\0` reads like an octal escape (`\0123`).
///
/// ```
/// use net_basics::time_protocol::escape;
/// assert_eq!(escape("a\0123\r\n"), r"a\u{0}123\r\n");
/// ```
pub fn escape(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut shown, c);
    }
    shown
}

fn push_escaped(shown: &mut String, c: char) {
    if c == '\0' {
        shown.push_str("\\u{0}");
    } else {
        shown.extend(c.escape_debug());
    }
}

/// How a client's timestamp compares with this server's clock when it arrived: the note the
/// server prints after `client time: …`, such as `(3 s ahead of this server)`.
///
/// It is honest about what it can tell. A timestamp has whole seconds, so the note compares
/// whole seconds: the client's second with the server's second (`server_now` without its
/// fraction) — `(same second as this server)`, `(1 s behind this server)`. The network's delay
/// is in it too: a message sent at 09:59:59.999 may arrive at 10:00:00.001, and a clock that is
/// right then looks 1 s behind. Hours off suggest a time zone: a timestamp carries none.
///
/// ```
/// use chrono::NaiveDateTime;
/// use net_basics::time_protocol::{FORMAT, clock_note};
/// let at = |text| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap();
/// let server = at("2026-12-06 10:00:00.999"); // the server's clock, with its fraction
/// assert_eq!(clock_note(at("2026-12-06 10:00:03"), server), "(3 s ahead of this server)");
/// assert_eq!(clock_note(at("2026-12-06 10:00:00"), server), "(same second as this server)");
/// assert_eq!(clock_note(at("2026-12-06 09:59:59"), server), "(1 s behind this server)");
/// ```
pub fn clock_note(client: NaiveDateTime, server_now: NaiveDateTime) -> String {
    ClockNote::new(client, server_now).to_string()
}

/// The note of [`clock_note`] as a value: it displays the same text, so that a server can
/// write it straight into its output (`write!(out, "{note}")`) without a `String` per line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockNote {
    /// The client's whole second minus the server's whole second.
    gap: i64,
}

impl ClockNote {
    /// Compares `client` with `server_now` without its fraction of a second.
    pub fn new(client: NaiveDateTime, server_now: NaiveDateTime) -> ClockNote {
        let server_second = server_now.with_nanosecond(0).unwrap_or(server_now);
        let gap = client.signed_duration_since(server_second).num_seconds();
        ClockNote { gap }
    }
}

impl fmt::Display for ClockNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = if self.gap > 0 { "ahead of" } else { "behind" };
        let seconds = self.gap.unsigned_abs();
        if seconds == 0 {
            return f.write_str("(same second as this server)");
        }
        // Time zones are whole hours, or 30 or 45 minutes off, and at most 26 hours apart (UTC-12
        // to UTC+14): a gap within a minute of a multiple of 15 minutes in that range may be one
        // (or a clock wrong by that much: hence the question mark).
        let near_zone = (seconds + 60) % (15 * 60) <= 120;
        let zone = if (14 * 60..=26 * 3600 + 60).contains(&seconds) && near_zone {
            " — another time zone? a timestamp carries none"
        } else {
            ""
        };
        write!(f, "({} {side} this server{zone})", Span(seconds))
    }
}

/// `3 s`, `2 min 5 s`, `13 h`, `1 h 30 min`, `20425 days`.
struct Span(u64);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DAY: u64 = 24 * 3600;
        let seconds = self.0;
        if seconds >= 2 * DAY {
            return write!(f, "{} days", seconds / DAY);
        }
        let parts = [
            (seconds / 3600, "h"),
            (seconds / 60 % 60, "min"),
            (seconds % 60, "s"),
        ];
        let mut gap = "";
        for (count, unit) in parts.into_iter().filter(|(count, _)| *count > 0) {
            write!(f, "{gap}{count} {unit}")?;
            gap = " ";
        }
        Ok(())
    }
}

/// Whether `line` holds more than `limit` characters (counting each invalid byte as one).
fn more_chars_than(line: &[u8], limit: usize) -> bool {
    let count: usize = line
        .utf8_chunks()
        .map(|chunk| chunk.valid().chars().count() + chunk.invalid().len())
        .sum();
    count > limit
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `stream` delivered in pieces of `piece` bytes; returns what the server would print.
    fn decode(stream: &[u8], piece: usize) -> Vec<String> {
        let mut decoder = TimestampDecoder::new();
        let mut out = Vec::new();
        for chunk in stream.chunks(piece.max(1)) {
            decoder.push(chunk);
            loop {
                match decoder.next_message() {
                    Ok(Some(Message::Timestamp(time))) => out.push(time.to_string()),
                    Ok(Some(message)) => out.push(message.to_string()),
                    Ok(None) => break,
                    Err(too_long) => {
                        out.push(too_long.to_string());
                        return out;
                    }
                }
            }
        }
        out.extend(decoder.finish().map(|message| message.to_string()));
        out
    }

    /// Same messages whether the stream arrives whole, coalesced, or byte by byte.
    fn decode_every_way(stream: &[u8]) -> Vec<String> {
        let whole = decode(stream, stream.len());
        for piece in [1, 2, 3, 7, 19, 20, 64] {
            assert_eq!(decode(stream, piece), whole, "pieces of {piece} bytes");
        }
        whole
    }

    const T1: &str = "2026-11-25 09:50:00";
    const T2: &str = "2026-11-25 09:50:01";

    #[test]
    fn newline_framed_timestamps() {
        let stream = format!("{T1}\n{T2}\n");
        assert_eq!(decode_every_way(stream.as_bytes()), [T1, T2]);
    }

    #[test]
    fn crlf_and_bare_back_to_back_timestamps() {
        assert_eq!(
            decode_every_way(format!("{T1}\r\n{T2}\r\n").as_bytes()),
            [T1, T2]
        );
        assert_eq!(
            decode_every_way(format!("{T1}{T2}{T1}").as_bytes()),
            [T1, T2, T1]
        );
    }

    #[test]
    fn a_bad_line_is_reported_and_decoding_goes_on() {
        let stream = [
            format!("hello\n{T1}\n\u{1b}[2J").as_bytes(),
            b"\xff\n",
            format!("{T2}\n").as_bytes(),
        ]
        .concat();
        assert_eq!(
            decode_every_way(&stream),
            [
                "not a timestamp: \"hello\"",
                T1,
                "not a timestamp: \"\\u{1b}[2J\\xff\"",
                T2
            ]
        );
    }

    #[test]
    fn invalid_utf8_and_split_characters_never_panic() {
        let mut stream = b"caf\xc3\xa9 \xff\xfe\n".to_vec();
        stream.extend_from_slice(T1.as_bytes());
        assert_eq!(
            decode_every_way(&stream),
            ["not a timestamp: \"café \\xff\\xfe\"", T1]
        );
    }

    #[test]
    fn impossible_dates_are_not_timestamps() {
        for bad in [
            "2026-13-01 00:00:00",
            "2026-02-30 00:00:00",
            "2026-11-25 24:00:00",
        ] {
            let shown = decode_every_way(format!("{bad}\n").as_bytes());
            assert_eq!(shown, [format!("not a timestamp: \"{bad}\"")], "{bad}");
        }
    }

    #[test]
    fn a_message_cut_short_at_the_end_is_reported() {
        assert_eq!(
            decode_every_way(format!("{T1}\n2026-11-").as_bytes()),
            [T1, "not a timestamp: \"2026-11-\""]
        );
    }

    #[test]
    fn long_bad_lines_are_shortened() {
        let line = "x".repeat(100);
        let shown = decode_every_way(format!("{line}\n").as_bytes());
        assert_eq!(
            shown,
            [format!(
                "not a timestamp: \"{}… (100 bytes)\"",
                "x".repeat(40)
            )]
        );
    }

    #[test]
    fn a_line_over_the_limit_is_refused_at_the_same_point_however_it_arrives() {
        let mut stream = vec![b'x'; MAX_LINE + 1];
        stream.push(b'\n');
        assert_eq!(decode_every_way(&stream), [LineTooLong.to_string()]);
        // Exactly MAX_LINE bytes and a newline is still a (bad) line, not an error.
        let ok = [vec![b'y'; MAX_LINE], b"\n".to_vec()].concat();
        assert_eq!(decode_every_way(&ok).len(), 1);
        assert!(decode_every_way(&ok)[0].starts_with("not a timestamp"));
    }

    #[test]
    fn the_buffer_does_not_grow_with_the_stream() {
        let mut decoder = TimestampDecoder::new();
        let line = format!("{T1}\n");
        for _ in 0..10_000 {
            decoder.push(line.as_bytes());
            while let Ok(Some(_)) = decoder.next_message() {}
        }
        assert_eq!(decoder.buffered(), 0);
        assert!(decoder.buffer.capacity() < 64 * 1024);
    }

    /// Issue 12, fault 2: the lesson's client sends bare timestamps; one chunk of junk must not
    /// swallow the ones after it (the old decoder ran to a `\n` that never came, lost 53
    /// timestamps and then closed the connection as "line too long").
    #[test]
    fn bare_timestamps_after_junk_are_all_decoded() {
        let mut stream = format!("{T1}hello").into_bytes();
        for _ in 0..60 {
            stream.extend_from_slice(T2.as_bytes());
        }
        let mut expected = vec![T1.to_owned(), "not a timestamp: \"hello\"".to_owned()];
        expected.extend(std::iter::repeat_n(T2.to_owned(), 60));
        assert_eq!(decode_every_way(&stream), expected);
    }

    #[test]
    fn the_lesson_students_microseconds_are_junk_between_two_timestamps() {
        // Python's `str(datetime.now())`, sent with no delimiter, as the lesson's client does.
        let stream = format!("{T1}.123456{T2}.654321");
        assert_eq!(
            decode_every_way(stream.as_bytes()),
            [
                T1,
                "not a timestamp: \".123456\"",
                T2,
                "not a timestamp: \".654321\""
            ]
        );
    }

    #[test]
    fn junk_ends_at_a_newline_or_at_the_next_timestamp_whichever_comes_first() {
        let stream = format!("bad line\nhello {T1}tail\n{T2}");
        assert_eq!(
            decode_every_way(stream.as_bytes()),
            [
                "not a timestamp: \"bad line\"",
                "not a timestamp: \"hello\"",
                T1,
                "not a timestamp: \"tail\"",
                T2
            ]
        );
    }

    #[test]
    fn junk_that_may_begin_a_timestamp_waits_for_the_rest() {
        let mut decoder = TimestampDecoder::new();
        decoder.push(b"oops 2026-11-2");
        assert_eq!(
            decoder.next_message(),
            Ok(None),
            "2026-11-2 may become a timestamp"
        );
        decoder.push(b"5 09:50:00");
        assert_eq!(
            decoder.next_message().map(|m| m.map(|m| m.to_string())),
            Ok(Some("not a timestamp: \"oops\"".to_owned()))
        );
        assert!(decoder.next_message().unwrap().unwrap().is_timestamp());
    }

    #[test]
    fn junk_up_to_the_limit_then_a_timestamp_is_not_too_long() {
        let stream = [vec![b'z'; MAX_LINE], T1.as_bytes().to_vec()].concat();
        let shown = decode_every_way(&stream);
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert_eq!(shown[1], T1);
        let stream = [vec![b'z'; MAX_LINE + 1], T1.as_bytes().to_vec()].concat();
        assert_eq!(decode_every_way(&stream), [LineTooLong.to_string()]);
    }

    #[test]
    fn without_a_delimiter_the_first_timestamp_that_can_be_read_wins() {
        // Documented ambiguity: junk `…09:50:` + `2026-…` reads as second 20 first.
        let stream = format!("2026-11-25 09:50:{T1}");
        assert_eq!(
            decode_every_way(stream.as_bytes()),
            [
                "2026-11-25 09:50:20",
                "not a timestamp: \"26-11-25 09:50:00\""
            ]
        );
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").expect("a test time")
    }

    #[test]
    fn the_clock_note_compares_whole_seconds() {
        let cases = [
            // (client, server's clock with nanoseconds, note)
            (
                "2026-12-06 10:00:03",
                "2026-12-06 10:00:00.000000001",
                "(3 s ahead of this server)",
            ),
            (
                "2026-12-06 10:00:03",
                "2026-12-06 10:00:00.999999999",
                "(3 s ahead of this server)",
            ),
            (
                "2026-12-06 10:00:00",
                "2026-12-06 10:00:00.999999999",
                "(same second as this server)",
            ),
            (
                "2026-12-06 10:00:00",
                "2026-12-06 10:00:00",
                "(same second as this server)",
            ),
            (
                "2026-12-06 09:59:59",
                "2026-12-06 10:00:00.000001",
                "(1 s behind this server)",
            ),
            (
                "2026-12-06 10:00:01",
                "2026-12-06 10:00:00.5",
                "(1 s ahead of this server)",
            ),
            (
                "2026-12-06 10:02:05",
                "2026-12-06 10:00:00.5",
                "(2 min 5 s ahead of this server)",
            ),
            // Across midnight, and across a year.
            (
                "2027-01-01 00:00:01",
                "2026-12-31 23:59:59.3",
                "(2 s ahead of this server)",
            ),
            // New York (UTC-5) against Shanghai (UTC+8): 13 hours, and 2 s of clock error.
            (
                "2026-12-05 21:00:02",
                "2026-12-06 10:00:00.1",
                "(12 h 59 min 58 s behind this server — another time zone? a timestamp carries none)",
            ),
            (
                "2026-12-06 15:30:00",
                "2026-12-06 10:00:00.1",
                "(5 h 30 min ahead of this server — another time zone? a timestamp carries none)",
            ),
            (
                "2026-12-06 10:40:00",
                "2026-12-06 10:00:00",
                "(40 min ahead of this server)",
            ),
            (
                "1970-01-01 00:00:00",
                "2026-12-06 10:00:00",
                "(20793 days behind this server)",
            ),
        ];
        for (client, server, note) in cases {
            assert_eq!(
                clock_note(at(client), at(server)),
                note,
                "{client} at {server}"
            );
        }
    }

    #[test]
    fn nul_is_escaped_so_that_it_cannot_read_as_octal() {
        assert_eq!(escape_and_shorten(b"\x00123"), "\\u{0}123");
        assert_eq!(escape("\u{1b}[2J\"q\"\t"), "\\u{1b}[2J\\\"q\\\"\\t");
        let shown = decode_every_way(b"\x00123\n");
        assert_eq!(shown, ["not a timestamp: \"\\u{0}123\""]);
    }
}
