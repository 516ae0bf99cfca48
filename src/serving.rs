//! What the time servers say about their clients — the same words from example 04 (a thread per
//! client, chapter 4) and example 07 (a task per client, chapter 7), written once, here.
//!
//! ```
//! use std::io;
//! use std::time::Duration;
//! use net_basics::serving::{busy, farewell};
//!
//! let idle = Duration::from_millis(300);
//! assert_eq!(farewell(&Ok(1), idle).line, "disconnected after 1 timestamp");
//! let silent = farewell(&Err(io::ErrorKind::TimedOut.into()), idle);
//! assert_eq!(silent.line, "closed: silent for 0.3 s (--idle-timeout)");
//! assert_eq!(silent.tell_client.as_deref(), Some("closing: silent for 0.3 s (--idle-timeout)\n"));
//! assert!(busy(2).starts_with("server busy: already serving the most clients allowed (--max-clients 2)"));
//! ```

use std::io::{self, ErrorKind};
use std::time::Duration;

/// Why a client was refused: `already serving the most clients allowed (--max-clients MAX)`.
pub fn refused_because(max_clients: u32) -> String {
    format!("already serving the most clients allowed (--max-clients {max_clients})")
}

/// The one line a refused client is told, before the server closes its connection.
pub fn busy(max_clients: u32) -> String {
    format!(
        "server busy: {}; try again later\n",
        refused_because(max_clients)
    )
}

/// How a client's connection ended, in words: the server's last line about it, and what the
/// client is told first (if anything: a client that left is told nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Farewell {
    /// The server's last line about this client, without `[PEER] ` and `\n`.
    pub line: String,
    /// A line to send to the client before closing (ending in `\n`), when the server closes it.
    pub tell_client: Option<String>,
}

/// The farewell for what `handle_client` returned (exercise 4's, or exercise 7's): the count of
/// timestamps when the client closed; the idle timeout (`WouldBlock` or `TimedOut`: how a read
/// timeout shows on Unix and on Windows, and what exercise 7 returns); a line too long
/// (`InvalidData`); or another error, such as a reset.
pub fn farewell(result: &io::Result<usize>, idle: Duration) -> Farewell {
    let closing = |reason: String| Farewell {
        tell_client: Some(format!("closing: {reason}\n")),
        line: format!("closed: {reason}"),
    };
    match result {
        Ok(1) => Farewell {
            line: "disconnected after 1 timestamp".to_owned(),
            tell_client: None,
        },
        Ok(n) => Farewell {
            line: format!("disconnected after {n} timestamps"),
            tell_client: None,
        },
        Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => closing(
            format!("silent for {} s (--idle-timeout)", idle.as_secs_f64()),
        ),
        Err(err) if err.kind() == ErrorKind::InvalidData => closing(err.to_string()),
        Err(err) => Farewell {
            line: format!("disconnected: {err}"), // e.g. reset: the client's machine cut it off
            tell_client: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            farewell(&Ok(0), Duration::ZERO).line,
            "disconnected after 0 timestamps"
        );
        assert_eq!(
            farewell(&Ok(2), Duration::ZERO).line,
            "disconnected after 2 timestamps"
        );
    }
}
