//! Exercise 2: `classify_port`, `iana_range` and `parse_port` — book chapter 2.
//!
//! Run just these with `cargo test --test ex02_port_ranges`. The tables walk every edge of every
//! range (0, 1023, 1024, 49151, 49152, 65535) and every way a port can be typed wrong.

// The file under test: your `exercises/ex02_port_ranges.rs`, or with `--features solutions` the
// reference `solutions/ex02_port_ranges.rs`. Only this one file is compiled here, so a mistake in another
// exercise never stops these tests.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/ex02_port_ranges.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/ex02_port_ranges.rs")]
mod ex02_port_ranges;
use ex02_port_ranges::{IanaRange, PortClass, PortError, classify_port, iana_range, parse_port};

#[test]
#[rustfmt::skip]
fn classify_port_splits_at_1024() {
    let cases = [
        (0, PortClass::WellKnown, "0 is the first port; 0–1023 are well-known"),
        (22, PortClass::WellKnown, "22 is ssh; 0–1023 are well-known"),
        (80, PortClass::WellKnown, "80 is http; 0–1023 are well-known"),
        (443, PortClass::WellKnown, "443 is https; 0–1023 are well-known"),
        (1023, PortClass::WellKnown, "1023 is the last well-known port (0–1023)"),
        (1024, PortClass::Dynamic, "1024 is the first of the lesson's dynamic ports (1024–65535)"),
        (8000, PortClass::Dynamic, "8000 (the time server's port) is in 1024–65535, the lesson's dynamic range"),
        (49151, PortClass::Dynamic, "49151 is in 1024–65535, the lesson's dynamic range (IANA: user)"),
        (49152, PortClass::Dynamic, "49152 is in 1024–65535, the lesson's dynamic range"),
        (65535, PortClass::Dynamic, "65535 is the last port; 1024–65535 are the lesson's dynamic range"),
    ];
    for (port, expected, why) in cases {
        let got = classify_port(port);
        assert_eq!(
            got, expected,
            "expected {expected:?} for {port}, got {got:?}: {why} — see book chapter 2, 'Well-known and dynamic ports'"
        );
    }
}

#[test]
#[rustfmt::skip]
fn iana_range_has_three_ranges() {
    let cases = [
        (0, IanaRange::System, "0 is the first system port (0–1023)"),
        (1023, IanaRange::System, "1023 is the last system port (0–1023)"),
        (1024, IanaRange::User, "1024 is the first user (registered) port (1024–49151)"),
        (5432, IanaRange::User, "5432 (PostgreSQL) is a registered user port (1024–49151)"),
        (8000, IanaRange::User, "8000 is in 1024–49151, the user range"),
        (49151, IanaRange::User, "49151 is the last user port (1024–49151)"),
        (49152, IanaRange::Dynamic, "49152 is the first dynamic port (49152–65535)"),
        (60999, IanaRange::Dynamic, "60999 is in 49152–65535, the dynamic range"),
        (65535, IanaRange::Dynamic, "65535 is the last dynamic port (49152–65535)"),
    ];
    for (port, expected, why) in cases {
        let got = iana_range(port);
        assert_eq!(
            got, expected,
            "expected {expected:?} for {port}, got {got:?}: {why} — see book chapter 2, 'IANA's three ranges'"
        );
    }
}

/// The example prints both ranges by name (`{lesson}`, `{iana}`). The names are given in the
/// exercise file (`impl Display`); this checks they reach the screen intact.
#[test]
fn ranges_print_the_names_the_example_shows() {
    let lesson = [(80, "well-known"), (8000, "dynamic")];
    for (port, expected) in lesson {
        let class = classify_port(port);
        let shown = class.to_string();
        assert_eq!(
            shown, expected,
            "expected classify_port({port}) = {class:?} to print as {expected:?}, got {shown:?}: \
             the example prints it with `{{lesson}}`, using `impl Display for PortClass` in your \
             exercise file — keep it as given; see book chapter 2, 'Well-known and dynamic ports'"
        );
    }
    let iana = [(22, "system"), (5432, "user"), (60000, "dynamic")];
    for (port, expected) in iana {
        let range = iana_range(port);
        let shown = range.to_string();
        assert_eq!(
            shown, expected,
            "expected iana_range({port}) = {range:?} to print as {expected:?}, got {shown:?}: \
             the example prints it with `{{iana}}`, using `impl Display for IanaRange` in your \
             exercise file — keep it as given; see book chapter 2, 'IANA's three ranges'"
        );
    }
}

/// Checks `parse_port` on every input of `cases`, with a message that teaches.
fn check_parse(cases: &[(&str, Result<u16, PortError>, &str)]) {
    for (text, expected, why) in cases {
        let got = parse_port(text);
        if &got != expected {
            let mistake = explain_parse(text, &got, expected);
            panic!(
                "expected {expected:?} for {text:?}, got {got:?}: {why}{mistake} — see book \
                 chapter 2, 'Reading a port from the user'"
            );
        }
    }
}

/// The mistake behind a wrong answer of `parse_port`, when the answer shows it.
fn explain_parse(
    text: &str,
    got: &Result<u16, PortError>,
    expected: &Result<u16, PortError>,
) -> String {
    use PortError::{Empty, Negative, NotANumber, TooLarge};
    let trimmed = text.trim();
    let mistake = match (expected, got) {
        (Err(Negative(_) | TooLarge(_)), Err(NotANumber(_))) if trimmed.len() > 18 => {
            "a number too long for the integer type is still a number: tell it from a word by \
             the error's kind (`err.kind()`: IntErrorKind::PosOverflow or NegOverflow)"
        }
        (Err(Negative(_)), Err(NotANumber(_))) => {
            "a parser for an unsigned type (u16, u32) fails the same way on a minus sign as on \
             a letter: read the text as a signed integer wide enough for any port and its \
             neighbours (i64) first, then check its range"
        }
        (Err(TooLarge(_)), Err(NotANumber(_))) | (Err(Negative(_)), Err(TooLarge(_))) => {
            "a number too long for the integer type is still a number: tell it from a word by \
             the error's kind (`err.kind()`: IntErrorKind::PosOverflow or NegOverflow)"
        }
        (Ok(_), Err(NotANumber(shown))) if shown.as_str() != trimmed => {
            "the spaces around the number are part of the text you parsed: trim it first"
        }
        (Ok(_), Err(NotANumber(_))) if trimmed.starts_with('+') => {
            "an integer may carry a sign: `str::parse` for an integer type reads \"+80\" as 80 — \
             do not refuse every character that is not a digit"
        }
        (Ok(0), Err(Negative(_))) => {
            "decide by the number's value, not by its sign: -0 is 0, and 0 is a port"
        }
        (Err(Empty), Err(NotANumber(_))) => {
            "a text that is empty once its spaces are trimmed holds no port: PortError::Empty \
             (trim first, then check for nothing)"
        }
        (Err(NotANumber(want)), Err(NotANumber(shown))) if want != shown => {
            "your error holds the text as it was given, spaces and all: build the error from \
             the trimmed text"
        }
        (Err(NotANumber(_)), Ok(_)) if trimmed.contains(' ') => {
            "it dropped the space inside and read the two numbers as one: trim only the ends \
             (`trim()`), never remove spaces from the middle"
        }
        (Err(NotANumber(_)), Ok(_))
            if trimmed.contains(['.', 'e', 'E'])
                || trimmed.len() > 1 && trimmed.chars().all(char::is_alphabetic) =>
        {
            "a float's parser reads fractions, exponents and words such as inf or NaN: parse \
             into an integer type"
        }
        _ => return String::new(),
    };
    format!(". Your answer's mistake: {mistake}")
}

#[test]
#[rustfmt::skip]
fn parse_port_reads_every_valid_port() {
    check_parse(&[
        ("0", Ok(0), "0 is the smallest port"),
        ("80", Ok(80), "80 is a port"),
        ("1023", Ok(1023), "1023 is a port"),
        ("1024", Ok(1024), "1024 is a port"),
        ("8000", Ok(8000), "8000 is a port"),
        ("49151", Ok(49151), "49151 is a port"),
        ("49152", Ok(49152), "49152 is a port"),
        ("65535", Ok(65535), "65535 is the largest port"),
        (" 8000 ", Ok(8000), "spaces around the number do not matter"),
        ("8000\n", Ok(8000), "a line read from the keyboard ends in a newline; it does not matter"),
    ]);
}

#[test]
#[rustfmt::skip]
fn parse_port_says_when_nothing_was_given() {
    check_parse(&[
        ("", Err(PortError::Empty), "an empty text holds no port"),
        ("   ", Err(PortError::Empty), "only spaces is as good as nothing"),
    ]);
}

#[test]
#[rustfmt::skip]
fn parse_port_says_when_the_text_is_not_a_number() {
    let not_a_number = |text: &str| Err(PortError::NotANumber(text.to_string()));
    check_parse(&[
        ("http", not_a_number("http"), "a service name is not its port number"),
        ("80.5", not_a_number("80.5"), "a port is a whole number"),
        ("0x50", not_a_number("0x50"), "ports are written in decimal"),
        ("8 0", not_a_number("8 0"), "a space inside makes it two numbers, not one"),
        ("-", not_a_number("-"), "a minus sign alone is no number"),
        (" http ", not_a_number("http"), "the error holds the text without its surrounding spaces"),
    ]);
}

/// A port is read as an integer, never as a float: a float parser would take `80.0` and `1e3`.
#[test]
#[rustfmt::skip]
fn parse_port_reads_whole_numbers_only_never_a_float() {
    let not_a_number = |text: &str| Err(PortError::NotANumber(text.to_string()));
    let why = "a port is written as a whole number in decimal digits; parse into an integer \
               type (i64), not a float, whose parser also takes fractions, exponents and words";
    check_parse(&[
        ("80.0", not_a_number("80.0"), why),
        ("1e3", not_a_number("1e3"), why),
        ("8e1", not_a_number("8e1"), why),
        ("1000.", not_a_number("1000."), why),
        (".5", not_a_number(".5"), why),
        ("inf", not_a_number("inf"), why),
        ("NaN", not_a_number("NaN"), why),
        ("1_000", not_a_number("1_000"), "Rust source may write 1_000, but a port typed by a user may not"),
    ]);
}

#[test]
#[rustfmt::skip]
fn parse_port_says_when_the_number_is_negative() {
    let negative = |text: &str| Err(PortError::Negative(text.to_string()));
    check_parse(&[
        ("-1", negative("-1"), "ports start at 0"),
        ("-8000", negative("-8000"), "ports start at 0"),
        ("-99999999999999999999999", negative("-99999999999999999999999"), "a negative number is negative, however long"),
    ]);
}

/// A sign is read as for any integer (`str::parse::<i64>`): `+80` is 80, `-0` is 0.
#[test]
#[rustfmt::skip]
fn parse_port_reads_a_sign_as_any_integer_does() {
    let why = "the number is read as an integer (i64), and an integer may carry a sign: only \
               its value must be 0 to 65535";
    check_parse(&[
        ("+80", Ok(80), why),
        ("+0", Ok(0), why),
        ("-0", Ok(0), "minus zero is zero, not a negative number"),
        ("+65535", Ok(65535), why),
        ("+70000", Err(PortError::TooLarge("+70000".to_string())), "a sign does not change the range: 65535 is the largest port"),
        ("+", Err(PortError::NotANumber("+".to_string())), "a plus sign alone is no number"),
        ("+-1", Err(PortError::NotANumber("+-1".to_string())), "one sign at most"),
        ("--1", Err(PortError::NotANumber("--1".to_string())), "one sign at most"),
    ]);
}

#[test]
#[rustfmt::skip]
fn parse_port_says_when_the_number_is_too_large() {
    let too_large = |text: &str| Err(PortError::TooLarge(text.to_string()));
    check_parse(&[
        ("65536", too_large("65536"), "65535 is the largest port: ports are 16-bit numbers"),
        ("70000", too_large("70000"), "65535 is the largest port: ports are 16-bit numbers"),
        ("99999999999999999999999", too_large("99999999999999999999999"), "a number is a number, however long: this one is too large"),
    ]);
}

#[test]
fn every_parse_error_names_the_valid_range() {
    for text in ["", "http", "-1", "70000"] {
        let message = match parse_port(text) {
            Err(err) => err.to_string(),
            Ok(port) => panic!(
                "expected an error for {text:?}, got Ok({port}): it is not a port from 0 to 65535 \
                 — see book chapter 2, 'Reading a port from the user'"
            ),
        };
        assert!(
            message.contains("0 to 65535"),
            "expected the message for {text:?} to name the valid range \"0 to 65535\", got {message:?}: \
             a user can only fix what the message explains — see book chapter 2, 'Reading a port \
             from the user'"
        );
    }
}
