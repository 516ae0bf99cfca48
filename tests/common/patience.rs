//! How long the exercise tests wait for the student's code, and the rule that ties it to the
//! progress view (`cargo run`, `--watch`, plain `cargo test`). Every exercise test that waits on
//! the student's code includes this file (`#[path = "common/patience.rs"]`; exercises 1 and 2
//! only compute, and call it directly), so the rule is checked each time they compile.
//!
//! The view stops an exercise's tests as hanging when none of them finishes for
//! `net_basics_progress::run::TIME_LIMIT`. A test that waits for a wrong answer and then fails
//! with a message that explains it must end well within that limit, or the view says "hang" and
//! the explanation is lost. So: a wait for something to appear (a flushed line, a connection, a
//! datagram, a call that returns in microseconds) is at most [`OUTPUT`]; the waits of one test
//! on a wrong answer add up to at most [`LONGEST`]; and the view's limit is at least twice
//! [`LONGEST`], for a loaded machine.

#![allow(dead_code)] // each test file uses what it needs

use std::time::Duration;

/// The longest a test waits for something that a right answer does at once: a line written and
/// flushed, a call that returns, a connection, a datagram.
pub const OUTPUT: Duration = Duration::from_secs(1);

/// The longest one test may wait on a wrong answer in all, its waits together (a right answer
/// that must wait, such as a client's intervals or a request's timeouts, within it too).
pub const LONGEST: Duration = Duration::from_secs(2);

const _: () = assert!(OUTPUT.as_millis() <= LONGEST.as_millis());
const _: () = assert!(
    2 * LONGEST.as_millis() <= net_basics_progress::run::TIME_LIMIT.as_millis(),
    "the progress view's hang limit (progress/src/run.rs, TIME_LIMIT) must be at least twice \
     the longest that a test waits (LONGEST), or a wrong answer's message is reported as a hang"
);

/// Panics (the test's own mistake, for a maintainer) when a test would wait longer than
/// [`LONGEST`] for the student's code.
pub fn check(limit: Duration) -> Duration {
    assert!(
        limit <= LONGEST,
        "[test] a wait of {limit:?} on the student's code is longer than tests/common/patience.rs \
         allows ({LONGEST:?}): the progress view would report a hang instead of this test's message"
    );
    limit
}
