//! `cargo xtask dist`: builds the web assets into dist/ (placeholder).
fn main() {}
