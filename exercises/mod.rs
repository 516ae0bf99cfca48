//! Your work: one file per lesson step. Fill in each `todo!()` until `cargo test` passes.

// A stub names its parameters for you but does not use them yet; without this line the
// compiler would warn about every one of them before you even start.
#![allow(unused_variables)]

pub mod ex01_ip_lookup;
pub mod ex02_port_ranges;
pub mod ex03_socket2_listener;
pub mod ex04_time_server;
pub mod ex05_time_client;
