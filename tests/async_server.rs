//! Step 7's async server (`examples/07_async_time_server.rs`, book chapter 7) must behave exactly
//! like step 4's: the same lines for the same clients, the same answers to the same faults. So
//! this runs step 4's own server tests against it — `faults.rs`, `time_service.rs` and
//! `classroom.rs` (names, the wildcard's list, the clock notes, a polite refusal), unchanged, as
//! modules — with `04_time_server` meaning `07_async_time_server` (see `common::example`). Their
//! tests of the client alone (example 05 against a fake server) run here too, unchanged: they
//! show that step 4's client needs nothing new for step 7.
//!
//! `cargo test --features async --test async_server` (the feature builds tokio; see Cargo.toml).

// Each of the files declares `mod common;`, as it does when it is a test crate of its own: a copy
// of the helpers each, on purpose.
#![allow(clippy::duplicate_mod)]

#[path = "classroom.rs"]
mod classroom;
#[path = "faults.rs"]
mod faults;
#[path = "time_service.rs"]
mod time_service;
