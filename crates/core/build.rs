//! Rebuilds when a message catalogue changes (rust-i18n embeds them at compile time but does
//! not tell Cargo it read them).
fn main() {
    println!("cargo::rerun-if-changed=locales");
}
