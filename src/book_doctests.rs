//! The book's pages, compiled as doctests.
//!
//! Each page of `book/src/` becomes the documentation of one empty module below, so rustdoc
//! finds the Rust code blocks in it and `cargo test` compiles them against this crate (and runs
//! them, unless they are marked `no_run`). A snippet in the book therefore cannot go stale.
//!
//! Listings that come from real files are `{{#include}}`s inside `rust,ignore` blocks: rustdoc
//! skips those (it would only see the include line), and cargo compiles the included file itself.
//!
//! Only rustdoc sees this module (`#[cfg(doctest)]` in `lib.rs`). `tests/book.rs` checks that
//! every page listed in `book/src/SUMMARY.md` has its module here: a new page needs one more.
//!
//! Keep the `#[doc = include_str!(…)]` the only documentation of each module (no `///` line
//! above it): then a failing snippet is reported at its page and line, for example
//! `src/../book/src/02-ports.md:57`, instead of at a line of this file.

#[doc = include_str!("../book/src/introduction.md")]
pub mod introduction {}

#[doc = include_str!("../book/src/01-ip-address.md")]
pub mod ch01_ip_address {}

#[doc = include_str!("../book/src/02-ports.md")]
pub mod ch02_ports {}

#[doc = include_str!("../book/src/03-tcp-and-sockets.md")]
pub mod ch03_tcp_and_sockets {}

#[doc = include_str!("../book/src/03-tcp.md")]
pub mod ch03_tcp {}

#[doc = include_str!("../book/src/03-sockets.md")]
pub mod ch03_sockets {}

#[doc = include_str!("../book/src/03-backlog-and-time-wait.md")]
pub mod ch03_backlog_and_time_wait {}

#[doc = include_str!("../book/src/04-time-server.md")]
pub mod ch04_time_server {}

#[doc = include_str!("../book/src/04-lessons-programs.md")]
pub mod ch04_lessons_programs {}

#[doc = include_str!("../book/src/04-one-client.md")]
pub mod ch04_one_client {}

#[doc = include_str!("../book/src/04-framing.md")]
pub mod ch04_framing {}

#[doc = include_str!("../book/src/04-many-clients.md")]
pub mod ch04_many_clients {}

#[doc = include_str!("../book/src/04-the-server.md")]
pub mod ch04_the_server {}

#[doc = include_str!("../book/src/05-time-client.md")]
pub mod ch05_time_client {}

#[doc = include_str!("../book/src/05-the-client.md")]
pub mod ch05_the_client {}

#[doc = include_str!("../book/src/check-yourself.md")]
pub mod check_yourself {}

#[doc = include_str!("../book/src/06-udp-and-ntp.md")]
pub mod ch06_udp_and_ntp {}

#[doc = include_str!("../book/src/06-the-client.md")]
pub mod ch06_the_client {}

#[doc = include_str!("../book/src/appendix-python-to-rust.md")]
pub mod appendix_python_to_rust {}

#[doc = include_str!("../book/src/appendix-troubleshooting.md")]
pub mod appendix_troubleshooting {}

#[doc = include_str!("../book/src/appendix-glossary.md")]
pub mod appendix_glossary {}

#[doc = include_str!("../book/src/appendix-performance.md")]
pub mod appendix_performance {}
