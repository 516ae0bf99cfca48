//! The reference answers, one file per lesson step. Try the exercise first.

// A reference answer is finished: no `todo!()` may stay in one.
#![deny(clippy::todo)]

pub mod ex01_ip_lookup;
pub mod ex02_port_ranges;
pub mod ex03_socket2_listener;
pub mod ex04_time_server;
pub mod ex05_time_client;
