//! Rebuilds when the message catalogue changes (rust-i18n embeds it at compile time but does
//! not tell Cargo it read it).
fn main() {
    println!("cargo::rerun-if-changed=locales");
}
