//! # net-basics — a first lesson in network programming, in Rust
//!
//! This crate brings a classic first network lesson to Rust: what an **IP address** is, what
//! **ports** are, what **TCP** is, what a **socket** is — and, as the exercise, a **time service**:
//! a client sends its local time (`%Y-%m-%d %H:%M:%S`) to a server every second, and the server
//! prints each time it receives.
//!
//! There are three ways in, and they go together:
//!
//! | you want to…            | type                                                                 |
//! |-------------------------|----------------------------------------------------------------------|
//! | **run** the lesson      | `cargo run --example 04_time_server`, then in a 2nd terminal `cargo run --example 05_time_client` |
//! | **do** the exercises    | edit `exercises/exNN_*.rs` until `cargo test` is green; `cargo run` shows your progress |
//! | **read** the book       | `mdbook serve book` and open <http://localhost:3000>                 |
//!
//! ## How the exercises are graded, and how your code runs
//!
//! Your work lives in `exercises/`, the reference answers in `solutions/`. Neither is part of
//! this library: each test file `tests/exNN_*.rs` includes the one exercise file it grades (or,
//! with the feature `solutions`, the reference), so a typo in one exercise breaks only its own
//! tests. The examples include the exercises' pieces the same way: `cargo run --example
//! 04_time_server --features mine` is the real server running your exercises 3 and 4.
//!
//! ## Shared building blocks
//!
//! The examples are complete programs. Where a piece is used by several of them, or would make
//! one too long to read in five minutes, it lives here: [`time_protocol`] (the sans-IO decoder
//! of the time service, and how a timestamp compares with the server's clock), [`explain`]
//! (command-line arguments read, and errors turned into one sentence a beginner can act on),
//! [`address`] (names looked up, wildcard addresses and this machine's interfaces),
//! [`server_log`] (what the time servers print about each client: the clock notes, why it left
//! or was refused) and [`connection`] (a refusal that keeps its words, the bytes still queued to
//! send). With the feature `async` (step 7), `async_stdout` prints the same lines from async
//! tasks without blocking their thread.

pub mod address;
#[cfg(feature = "async")]
pub mod async_stdout;
pub mod connection;
pub mod explain;
pub mod server_log;
pub mod time_protocol;

/// The book's pages as doctests: `cargo test` compiles every Rust snippet in `book/src/`.
#[cfg(doctest)]
mod book_doctests;

// For cargo-mutants only (CONTRIBUTING.md, "Mutation testing"): it finds the files to mutate by
// following `mod` items, and the solutions are not modules of this library. `cfg(any())` is never
// true, so these are never compiled; the exercise tests include the same files by `#[path]`.
#[cfg(any())]
#[path = "../solutions/ex01_ip_lookup.rs"]
mod ex01_ip_lookup;
#[cfg(any())]
#[path = "../solutions/ex02_port_ranges.rs"]
mod ex02_port_ranges;
#[cfg(any())]
#[path = "../solutions/ex03_socket2_listener.rs"]
mod ex03_socket2_listener;
#[cfg(any())]
#[path = "../solutions/ex04_time_server.rs"]
mod ex04_time_server;
#[cfg(any())]
#[path = "../solutions/ex05_time_client.rs"]
mod ex05_time_client;
#[cfg(any())]
#[path = "../solutions/ex06_sntp_client.rs"]
mod ex06_sntp_client;
#[cfg(any())]
#[path = "../solutions/ex07_async_time_server.rs"]
mod ex07_async_time_server;
