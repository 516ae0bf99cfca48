//! What the time server prints about one client — book chapter 4.
//!
//! Exercise 4's `handle_client` writes one line per message (`client time: 2026-12-06
//! 10:00:03`) to any writer. The server hands it a [`ClientLog`], which turns those lines into
//! what the teacher reads:
//!
//! ```text
//! [192.168.1.23:50412] client time: 2026-12-06 10:00:03 (3 s ahead of this server)
//! ```
//!
//! — each line with the client's address in front, and each timestamp compared with the
//! server's own clock when the server read it ([`clock_note`]): the class sees whose clock is
//! off, the problem that NTP solves. The lines stay exactly what `handle_client` wrote; the note
//! comes after them, so a student's own `handle_client` (`--features mine`) gets the notes too.
//!
//! When the client is gone, [`farewell`] words the server's last line about it; a client past
//! `--max-clients` gets [`refused`]'s. Example 04 (a thread per client) and example 07 (a task
//! per client, chapter 7) print these same lines: they are written once, here.
//!
//! [`clock_note`]: crate::time_protocol::clock_note

use std::io::{self, ErrorKind, Write};
use std::time::Duration;

use chrono::{NaiveDateTime, Timelike};

use crate::time_protocol::{ClockNote, TIMESTAMP_LEN, Timestamp};

/// One client's output: every line gets `prefix` in front, and every `client time: …` line a
/// [`clock_note`] after it, comparing it with `clock()` — read once per batch (the lines between
/// two flushes: those of one read from the client), when `handle_client` ends the batch's first
/// `client time: …` line: after the read that brought those bytes returned, not when they
/// reached the machine (bytes that waited in the socket's buffer meet a later clock).
/// `flush` writes the batch to `out` in one `write_all` and flushes `out`: one
/// client's lines never mix with another's, and it costs one system call per read, not per line.
///
/// ```
/// use std::io::Write;
/// use chrono::NaiveDateTime;
/// use net_basics::server_log::ClientLog;
///
/// let now = NaiveDateTime::parse_from_str("2026-12-06 10:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
/// let mut log = ClientLog::new("[127.0.0.1:50412] ", Vec::new(), || now); // a fake clock
/// writeln!(log, "client time: 2026-12-06 10:00:03").unwrap(); // into memory: cannot fail
/// log.flush().unwrap();
/// let printed = String::from_utf8(log.into_inner()).unwrap();
/// assert_eq!(printed, "[127.0.0.1:50412] client time: 2026-12-06 10:00:03 (3 s ahead of this server)\n");
/// ```
///
/// A client that floods sends the same second thousands of times per read, so the cost per line
/// matters (the Performance appendix measures it): the note is worked out once per client second
/// and server second, and a line equal to the last one noted is copied whole.
///
/// [`clock_note`]: crate::time_protocol::clock_note
pub struct ClientLog<W, C> {
    prefix: String,
    out: W,
    clock: C,
    /// The lines since the last flush, prefixed and noted, ready to print.
    batch: Vec<u8>,
    /// Where the text of the line being written starts in `batch` (after its prefix), while
    /// its `\n` has not come yet.
    open_line: Option<usize>,
    /// The clock, read at the first timestamp of this batch, and its whole second.
    now: Option<(NaiveDateTime, NaiveDateTime)>,
    /// The last timestamp noted: the same text in the same second of the server's clock gets
    /// the same note.
    last: Option<Noted>,
}

/// A timestamp line as printed, kept for the next line with the same text.
struct Noted {
    /// The timestamp's text, and the server's whole second it was compared with.
    text: [u8; TIMESTAMP_LEN],
    second: NaiveDateTime,
    /// The whole line: prefix, `client time: `, the text, ` `, the note, `\n`.
    line: Vec<u8>,
    /// Where ` (the note)\n` starts in `line`.
    note_at: usize,
}

/// What a `handle_client` line about a timestamp starts with (`Message`'s `Display`).
const CLIENT_TIME: &[u8] = b"client time: ";
/// `client time: 2026-12-06 10:00:03`, without its `\n`.
const TIME_LINE: usize = CLIENT_TIME.len() + TIMESTAMP_LEN;

impl<W: Write, C: FnMut() -> NaiveDateTime> ClientLog<W, C> {
    /// A log that writes to `out`, each line after `prefix`, with notes against `clock`.
    pub fn new(prefix: impl Into<String>, out: W, clock: C) -> Self {
        ClientLog {
            prefix: prefix.into(),
            out,
            clock,
            batch: Vec::new(),
            open_line: None,
            now: None,
            last: None,
        }
    }

    /// The prefix of every line, e.g. `[127.0.0.1:50412] `.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The writer the lines went to.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// The writer the lines go to, to take what a flush wrote (example 07 hands it to its
    /// printing thread: `net_basics::async_stdout`).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// If `bytes` starts with the line last noted (`client time: …\n`, the same text, in the
    /// same second of this batch's clock), adds that line as printed and returns what follows it.
    fn same_as_last<'a>(&mut self, bytes: &'a [u8]) -> Option<&'a [u8]> {
        let (line, rest) = bytes.split_at_checked(TIME_LINE + 1)?;
        let (_, second) = self.now?;
        let last = self.last.as_ref()?;
        let same = line[TIME_LINE] == b'\n'
            && last.second == second
            && line[CLIENT_TIME.len()..TIME_LINE] == last.text
            && line.starts_with(CLIENT_TIME);
        if !same {
            return None;
        }
        self.batch.extend_from_slice(&last.line);
        Some(rest)
    }

    /// Ends the open line: its note, if it is about a timestamp, then `\n`.
    fn end_line(&mut self) {
        let Some(start) = self.open_line.take() else {
            return;
        };
        let line = &self.batch[start..];
        let text = line
            .strip_prefix(CLIENT_TIME)
            .map(|text| text.strip_suffix(b"\r").unwrap_or(text));
        if let Some(text) = text.and_then(|text| <[u8; TIMESTAMP_LEN]>::try_from(text).ok()) {
            let (now, second) = *self.now.get_or_insert_with(|| {
                let now = (self.clock)();
                (now, now.with_nanosecond(0).unwrap_or(now))
            });
            if !matches!(&self.last, Some(last) if last.text == text && last.second == second) {
                self.note(text, now, second);
            }
            if let Some(last) = &self.last {
                self.batch.extend_from_slice(&last.line[last.note_at..]);
                return;
            }
        }
        self.batch.push(b'\n');
    }

    /// Works out the note for `text` at `now`, and keeps its line as [`Noted`] (reusing the last
    /// one's memory); none if `text` is not a real date and time.
    fn note(&mut self, text: [u8; TIMESTAMP_LEN], now: NaiveDateTime, second: NaiveDateTime) {
        let mut line = self.last.take().map(|last| last.line).unwrap_or_default();
        // Display of a Message wrote it, so it parses; a line made otherwise may not.
        let Some(time) = Timestamp::parse(&text) else {
            return;
        };
        line.clear();
        line.extend_from_slice(self.prefix.as_bytes());
        line.extend_from_slice(CLIENT_TIME);
        line.extend_from_slice(&text);
        let note_at = line.len();
        let note = ClockNote::new(time.date_time(), now);
        let _ = writeln!(line, " {note}"); // into memory: cannot fail
        self.last = Some(Noted {
            text,
            second,
            line,
            note_at,
        });
    }
}

impl<W: Write, C: FnMut() -> NaiveDateTime> Write for ClientLog<W, C> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.open_line.is_none() {
                if let Some(after) = self.same_as_last(rest) {
                    rest = after; // a flood: the same line again, copied whole
                    continue;
                }
                self.batch.extend_from_slice(self.prefix.as_bytes());
                self.open_line = Some(self.batch.len());
            }
            match rest.iter().position(|&byte| byte == b'\n') {
                Some(end) => {
                    self.batch.extend_from_slice(&rest[..end]);
                    self.end_line();
                    rest = &rest[end + 1..];
                }
                None => {
                    self.batch.extend_from_slice(rest);
                    rest = &[];
                }
            }
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // A line without its `\n` (a writer that flushed in the middle of one) is printed as a
        // line too: it must not run into another client's output.
        self.end_line();
        self.now = None; // the next batch is the next read: read the clock again
        if self.batch.is_empty() {
            return Ok(());
        }
        let written = self
            .out
            .write_all(&self.batch)
            .and_then(|()| self.out.flush());
        self.batch.clear();
        written
    }
}

/// How a client's connection ended, in words: the server's last line about it, and what the
/// client is told first, if anything (a client that left is told nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Farewell {
    /// The server's last line about this client, without its `[PEER] ` and `\n`.
    pub line: String,
    /// A line to send the client before its connection is closed (ending in `\n`).
    pub tell_client: Option<String>,
}

/// The farewell for what `handle_client` returned (exercise 4's, or exercise 7's): how many
/// timestamps, when the client closed; the idle timeout (`WouldBlock` or `TimedOut`: how a read
/// timeout shows on Unix and on Windows, and what exercise 7 returns), `idle` being
/// `--idle-timeout`; a line too long (`InvalidData`); or another error, such as a reset.
///
/// ```
/// use std::io;
/// use std::time::Duration;
/// use net_basics::server_log::farewell;
///
/// let idle = Duration::from_millis(300);
/// assert_eq!(farewell(&Ok(1), idle).line, "disconnected after 1 timestamp");
/// let silent = farewell(&Err(io::ErrorKind::TimedOut.into()), idle);
/// assert_eq!(silent.line, "closed: silent for 0.3 s (--idle-timeout)");
/// assert_eq!(silent.tell_client.as_deref(), Some("closing: silent for 0.3 s (--idle-timeout)\n"));
/// ```
pub fn farewell(result: &io::Result<usize>, idle: Duration) -> Farewell {
    let closing = |reason: String| Farewell {
        tell_client: Some(format!("closing: {reason}\n")), // the client may not listen
        line: format!("closed: {reason}"),
    };
    let left = |line: String| Farewell {
        line,
        tell_client: None,
    };
    match result {
        Ok(1) => left("disconnected after 1 timestamp".to_owned()),
        Ok(n) => left(format!("disconnected after {n} timestamps")),
        Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => closing(
            format!("silent for {} s (--idle-timeout)", idle.as_secs_f64()), // 0.3 s
        ),
        Err(err) if err.kind() == ErrorKind::InvalidData => closing(err.to_string()), // too long
        Err(err) => left(format!("disconnected: {err}")), // e.g. reset: its machine cut it off
    }
}

/// A client turned away because `--max-clients` are connected: the server's line about it
/// (without its `[PEER] ` and `\n`), and the line the client is told before the close
/// ([`crate::connection::turn_away`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `refused: already serving the most clients allowed (--max-clients MAX)`.
    pub line: String,
    /// `server busy: …; try again later\n`, which our client shows as the reason.
    pub tell_client: String,
}

/// What the server prints, and tells the client, when it turns a client away.
///
/// ```
/// let refusal = net_basics::server_log::refused(2);
/// assert_eq!(refusal.line, "refused: already serving the most clients allowed (--max-clients 2)");
/// assert!(refusal.tell_client.starts_with("server busy: already serving the most clients"));
/// ```
pub fn refused(max_clients: u32) -> Refusal {
    let why = format!("already serving the most clients allowed (--max-clients {max_clients})");
    Refusal {
        line: format!("refused: {why}"),
        tell_client: format!("server busy: {why}; try again later\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_reset_is_reported_and_the_client_is_told_nothing() {
        let reset = farewell(&Err(ErrorKind::ConnectionReset.into()), Duration::ZERO);
        assert!(reset.line.starts_with("disconnected: "), "{reset:?}");
        assert_eq!(reset.tell_client, None);
    }

    #[test]
    fn a_line_too_long_is_told_to_the_client() {
        let too_long = io::Error::from(crate::time_protocol::LineTooLong);
        let said = farewell(&Err(too_long), Duration::ZERO);
        assert!(said.line.starts_with("closed: line too long"), "{said:?}");
        assert!(
            said.tell_client
                .is_some_and(|line| line.starts_with("closing: line too long"))
        );
    }

    #[test]
    fn counts_read_as_english() {
        for (count, line) in [
            (0, "disconnected after 0 timestamps"),
            (1, "disconnected after 1 timestamp"),
            (2, "disconnected after 2 timestamps"),
        ] {
            assert_eq!(farewell(&Ok(count), Duration::ZERO).line, line);
        }
    }

    #[test]
    fn a_silent_client_is_told_the_timeout_as_given_and_a_windows_timeout_counts_too() {
        // A read timeout is WouldBlock on Unix and TimedOut on Windows (std's `set_read_timeout`).
        for kind in [ErrorKind::WouldBlock, ErrorKind::TimedOut] {
            let said = farewell(&Err(kind.into()), Duration::from_secs(60));
            assert_eq!(said.line, "closed: silent for 60 s (--idle-timeout)");
            assert_eq!(
                said.tell_client.as_deref(),
                Some("closing: silent for 60 s (--idle-timeout)\n")
            );
        }
    }

    #[test]
    fn a_refused_client_is_told_the_same_reason_the_server_prints() {
        let refusal = refused(1024);
        let why = refusal
            .line
            .strip_prefix("refused: ")
            .expect("the line's start");
        assert_eq!(
            refusal.tell_client,
            format!("server busy: {why}; try again later\n")
        );
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").expect("a test time")
    }

    #[test]
    fn lines_written_in_pieces_get_their_prefix_and_note_once() {
        let now = at("2026-12-06 10:00:00.75");
        let mut log = ClientLog::new("[p] ", Vec::new(), || now);
        // `writeln!(out, "{message}")` writes a line in pieces: "client time: ", the time, "\n".
        for piece in [
            "client time: ",
            "2026-12-06 10:00:05",
            "\n",
            "not a timestamp: \"x\"\n",
        ] {
            log.write_all(piece.as_bytes()).expect("into memory");
        }
        log.write_all(b"client time: 2026-12-06 0")
            .expect("into memory");
        log.write_all(b"9:59:58\n").expect("into memory");
        log.flush().expect("into memory");
        let printed = String::from_utf8(log.into_inner()).expect("UTF-8");
        assert_eq!(
            printed,
            "[p] client time: 2026-12-06 10:00:05 (5 s ahead of this server)\n\
             [p] not a timestamp: \"x\"\n\
             [p] client time: 2026-12-06 09:59:58 (2 s behind this server)\n"
        );
    }

    #[test]
    fn the_clock_is_read_once_per_flush_when_the_arrival_time_is() {
        let reads = Cell::new(0);
        let times = [at("2026-12-06 10:00:00.2"), at("2026-12-06 10:00:01.9")];
        let mut log = ClientLog::new("", Vec::new(), || {
            reads.set(reads.get() + 1);
            times[reads.get() - 1]
        });
        writeln!(log, "connected").expect("into memory");
        log.flush().expect("into memory");
        assert_eq!(reads.get(), 0, "no timestamp: no need to read the clock");
        let same = "client time: 2026-12-06 10:00:00\n".repeat(3);
        log.write_all(same.as_bytes()).expect("into memory");
        log.flush().expect("into memory");
        log.write_all(same.as_bytes()).expect("into memory");
        log.flush().expect("into memory");
        assert_eq!(reads.get(), 2, "one reading per flush");
        let printed = String::from_utf8(log.into_inner()).expect("UTF-8");
        let notes: Vec<&str> = printed
            .lines()
            .map(|line| &line[line.len().min(32)..])
            .collect();
        assert_eq!(
            notes,
            [
                "",
                " (same second as this server)",
                " (same second as this server)",
                " (same second as this server)",
                " (1 s behind this server)",
                " (1 s behind this server)",
                " (1 s behind this server)",
            ],
            "{printed}"
        );
    }

    #[test]
    fn other_lines_and_bad_timestamps_are_left_as_they_are() {
        let now = at("2026-12-06 10:00:00");
        let mut log = ClientLog::new("", Vec::new(), || now);
        let lines = "client time: 2026-13-01 00:00:00\nclient time: soon\nclient time: 2026-12-06 10:00:00 and more\n";
        log.write_all(lines.as_bytes()).expect("into memory");
        log.flush().expect("into memory");
        assert_eq!(String::from_utf8(log.into_inner()).expect("UTF-8"), lines);
    }

    #[test]
    fn a_line_cut_by_a_flush_is_printed_as_a_line() {
        let now = at("2026-12-06 10:00:00");
        let mut log = ClientLog::new("[p] ", Vec::new(), || now);
        log.write_all(b"half").expect("into memory");
        log.flush().expect("into memory");
        log.write_all(b" line\n").expect("into memory");
        log.flush().expect("into memory");
        assert_eq!(
            String::from_utf8(log.into_inner()).expect("UTF-8"),
            "[p] half\n[p]  line\n"
        );
    }

    /// The `ClientLog` before it copied repeated lines whole (commit f071dfb), kept as the model
    /// that the faster one must match byte for byte.
    struct Before<C> {
        prefix: String,
        out: Vec<u8>,
        clock: C,
        batch: Vec<u8>,
        open_line: Option<usize>,
        now: Option<(NaiveDateTime, NaiveDateTime)>,
        last: Option<([u8; TIMESTAMP_LEN], NaiveDateTime, String)>,
    }

    impl<C: FnMut() -> NaiveDateTime> Before<C> {
        fn end_line(&mut self) {
            let Some(start) = self.open_line.take() else {
                return;
            };
            let line = &self.batch[start..];
            let text = line
                .strip_prefix(CLIENT_TIME)
                .map(|text| text.strip_suffix(b"\r").unwrap_or(text));
            if let Some(text) = text.and_then(|text| <[u8; TIMESTAMP_LEN]>::try_from(text).ok()) {
                let (now, second) = *self.now.get_or_insert_with(|| {
                    let now = (self.clock)();
                    (now, now.with_nanosecond(0).unwrap_or(now))
                });
                let cached =
                    matches!(&self.last, Some((last, at, _)) if *last == text && *at == second);
                if !cached {
                    let note = Timestamp::parse(&text)
                        .map(|time| crate::time_protocol::clock_note(time.date_time(), now));
                    self.last = note.map(|note| (text, second, note));
                }
                if let Some((_, _, note)) = &self.last {
                    self.batch.push(b' ');
                    self.batch.extend_from_slice(note.as_bytes());
                }
            }
            self.batch.push(b'\n');
        }

        fn write(&mut self, bytes: &[u8]) {
            for piece in bytes.split_inclusive(|&byte| byte == b'\n') {
                if self.open_line.is_none() {
                    self.batch.extend_from_slice(self.prefix.as_bytes());
                    self.open_line = Some(self.batch.len());
                }
                match piece.strip_suffix(b"\n") {
                    Some(rest) => {
                        self.batch.extend_from_slice(rest);
                        self.end_line();
                    }
                    None => self.batch.extend_from_slice(piece),
                }
            }
        }

        fn flush(&mut self) {
            self.end_line();
            self.now = None;
            self.out.extend_from_slice(&self.batch);
            self.batch.clear();
        }
    }

    #[test]
    fn prints_byte_for_byte_what_it_printed_before_it_copied_repeated_lines() {
        // Lines as handle_client writes them, and some it never writes but a student's might.
        let lines: [&[u8]; 12] = [
            b"client time: 2026-12-06 10:00:00\n",
            b"client time: 2026-12-06 10:00:00\n",
            b"client time: 2026-12-06 10:00:01\n",
            b"client time: 2026-12-06 09:59:58\n",
            b"client time: 2026-12-05 21:00:02\n",
            b"client time: 2026-12-06 10:00:00\r\n",
            b"client time: 2026-13-01 00:00:00\n",
            b"client time: soon\n",
            b"not a timestamp: \"2026-12-06 10:00:00\"\n",
            b"connected\n",
            b"\n",
            b"client time: 2026-12-06 10:00:0", // cut short: the next line or a flush ends it
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64; // xorshift: the same cases on every run
        let mut next = |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below as u64) as usize
        };
        for case in 0..400 {
            // A clock with nanoseconds that moves on by 0 to 1.5 s at each reading.
            let mut ticks = vec![at("2026-12-06 09:59:59.999999999")];
            for _ in 0..64 {
                let last = *ticks.last().expect("one at least");
                ticks.push(last + chrono::Duration::milliseconds(next(1500) as i64));
            }
            let (read_now, read_before) = (Cell::new(0), Cell::new(0));
            let clock = |reads: &Cell<usize>| {
                reads.set(reads.get() + 1);
                ticks[reads.get() - 1]
            };
            let mut now = ClientLog::new("[p] ", Vec::new(), || clock(&read_now));
            let mut before = Before {
                prefix: "[p] ".to_owned(),
                out: Vec::new(),
                clock: || clock(&read_before),
                batch: Vec::new(),
                open_line: None,
                now: None,
                last: None,
            };
            for _batch in 0..next(6) + 1 {
                let mut bytes = Vec::new();
                for _ in 0..next(8) {
                    bytes.extend_from_slice(lines[next(lines.len())]);
                }
                // One write of it all (the reference handle_client), or pieces (writeln!).
                let whole = next(2) == 0;
                let mut rest = &bytes[..];
                while !rest.is_empty() {
                    let size = if whole {
                        rest.len()
                    } else {
                        1 + next(rest.len()).min(next(70))
                    };
                    let (piece, after) = rest.split_at(size);
                    now.write_all(piece).expect("into memory");
                    before.write(piece);
                    rest = after;
                }
                now.flush().expect("into memory");
                before.flush();
            }
            assert_eq!(
                read_now.get(),
                read_before.get(),
                "case {case}: clock readings"
            );
            let (now, before) = (now.into_inner(), before.out);
            assert_eq!(
                String::from_utf8_lossy(&now),
                String::from_utf8_lossy(&before),
                "case {case}"
            );
            assert_eq!(now, before, "case {case}");
        }
    }

    /// A writer that takes at most 3 bytes per call: `flush` must still print everything.
    struct Stingy(Vec<u8>);
    impl Write for Stingy {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let taken = bytes.len().min(3);
            self.0.extend_from_slice(&bytes[..taken]);
            Ok(taken)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_writer_that_takes_part_of_the_batch_still_gets_all_of_it() {
        let now = at("2026-12-06 10:00:00");
        let mut log = ClientLog::new("[p] ", Stingy(Vec::new()), || now);
        log.write_all(b"client time: 2026-12-06 10:00:00\n")
            .expect("into memory");
        log.flush().expect("into memory");
        assert_eq!(
            String::from_utf8(log.into_inner().0).expect("UTF-8"),
            "[p] client time: 2026-12-06 10:00:00 (same second as this server)\n"
        );
    }
}
