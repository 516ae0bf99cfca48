//! Step 7's async server (`examples/07_async_time_server.rs`, book chapter 7) must behave exactly
//! like step 4's: the same lines for the same clients, the same answers to the same faults. So
//! this runs step 4's own server tests against it — `faults.rs` and `time_service.rs`, unchanged,
//! as modules — with `04_time_server` meaning `07_async_time_server` (see `common::example`).
//!
//! `cargo test --features async --test async_server` (the feature builds tokio; see Cargo.toml).

// Each of the two files declares `mod common;`, as it does when it is a test crate of its own: two
// copies of the helpers here, on purpose.
#![allow(clippy::duplicate_mod)]

#[path = "faults.rs"]
mod faults;
#[path = "time_service.rs"]
mod time_service;
