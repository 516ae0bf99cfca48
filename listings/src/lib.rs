//! The book's numbered listings live in `src/bin/listing_NN_MM.rs`: each one is a complete program
//! that chapter N shows as "Listing N-M". `tests/listings.rs` runs every one of them on
//! 127.0.0.1 with a free port and writes what it printed into `output/`, where the book includes
//! it (`UPDATE_LISTINGS=1` rewrites those files; without it the test fails when they differ).
