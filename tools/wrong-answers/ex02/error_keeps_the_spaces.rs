// wrong: the errors hold the text with its spaces. expect: "build the error from the trimmed text"
//! Exercise 2, as a student might write it (tools/wrong-answers; see tools/scripts/wrong_answers.sh).

use std::fmt;
use std::num::IntErrorKind;

// ANCHOR: port_class
/// The lesson's answer: the 65,536 ports (0–65535) in two ranges. IANA, which keeps the official
/// port registry, splits the same ports into three ([`IanaRange`], RFC 6335).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortClass {
    /// 0–1023, "well-known": reserved for standard services (ssh 22, http 80, https 443, …).
    /// Avoid them for your own programs; on Linux, binding one needs administrator rights.
    WellKnown,
    /// 1024–65535, "dynamic" in the lesson's words: where it puts your own programs (its time
    /// server uses 8000). For IANA these are two ranges: registered user ports (1024–49151) and
    /// dynamic ports (49152–65535), which the OS also hands out to clients.
    Dynamic,
}
// ANCHOR_END: port_class

/// `well-known` or `dynamic`, as the examples print it.
impl fmt::Display for PortClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` (not `write_str`) so that `{:<10}` lines names up in a table.
        f.pad(match self {
            PortClass::WellKnown => "well-known",
            PortClass::Dynamic => "dynamic",
        })
    }
}

// ANCHOR: iana_range
/// IANA's finer split of the same ports into three ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IanaRange {
    /// 0–1023, "system" (well-known) ports: assigned to standard services.
    System,
    /// 1024–49151, "user" (registered) ports: programs may register one with IANA, like
    /// PostgreSQL's 5432; nothing stops you from using an unregistered one.
    User,
    /// 49152–65535, "dynamic" (private, ephemeral) ports: never assigned; for short-lived use.
    Dynamic,
}
// ANCHOR_END: iana_range

/// `system`, `user` or `dynamic`, as the examples print it.
impl fmt::Display for IanaRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            IanaRange::System => "system",
            IanaRange::User => "user",
            IanaRange::Dynamic => "dynamic",
        })
    }
}

// ANCHOR: port_error
/// Why a text is not a port number. Each message names the valid range, so the user can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortError {
    /// Nothing given (or only spaces).
    Empty,
    /// Not a whole number in decimal digits, such as `http`, `80.5`, `80.0`, `1e3` or `0x50`.
    /// Holds the text, without surrounding spaces.
    NotANumber(String),
    /// A number below 0, such as `-1`. Holds the text, without surrounding spaces.
    Negative(String),
    /// A number above 65535, such as `70000`. Holds the text, without surrounding spaces.
    TooLarge(String),
}

impl fmt::Display for PortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortError::Empty => write!(f, "no port given: a port is a number from 0 to 65535"),
            PortError::NotANumber(text) => write!(
                f,
                "{text:?} is not a port number: a port is a whole number from 0 to 65535"
            ),
            PortError::Negative(text) => write!(
                f,
                "{text:?} is negative: a port is a number from 0 to 65535"
            ),
            PortError::TooLarge(text) => write!(
                f,
                "{text:?} is too large: a port is a number from 0 to 65535 (it must fit in 16 bits)"
            ),
        }
    }
}

impl std::error::Error for PortError {}
// ANCHOR_END: port_error

/// The lesson's range of `port`: [`PortClass::WellKnown`] for 0–1023, [`PortClass::Dynamic`] for
/// 1024–65535.
pub fn classify_port(port: u16) -> PortClass {
    match port {
        0..=1023 => PortClass::WellKnown,
        1024..=u16::MAX => PortClass::Dynamic,
    }
}

/// IANA's range of `port`: [`IanaRange::System`] for 0–1023, [`IanaRange::User`] for
/// 1024–49151, [`IanaRange::Dynamic`] for 49152–65535.
pub fn iana_range(port: u16) -> IanaRange {
    // A `u16` cannot be above 65535, so these three ranges cover every port: the compiler
    // checks that no number is left out.
    match port {
        0..=1023 => IanaRange::System,
        1024..=49151 => IanaRange::User,
        49152..=u16::MAX => IanaRange::Dynamic,
    }
}

/// Reads a port number from text such as `"8000"` (spaces around it are fine).
pub fn parse_port(text: &str) -> Result<u16, PortError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(PortError::Empty);
    }
    match trimmed.parse::<i64>() {
        Ok(number) if number < 0 => Err(PortError::Negative(text.to_string())),
        Ok(number) => u16::try_from(number).map_err(|_| PortError::TooLarge(text.to_string())),
        Err(err) => match err.kind() {
            IntErrorKind::PosOverflow => Err(PortError::TooLarge(text.to_string())),
            IntErrorKind::NegOverflow => Err(PortError::Negative(text.to_string())),
            _ => Err(PortError::NotANumber(text.to_string())),
        },
    }
}
