//! `cargo run`: your progress through the exercises (placeholder until the progress tool lands).
fn main() {
    println!("net-basics: run `cargo test` to check your exercises.");
}
