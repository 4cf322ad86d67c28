//! Any bytes as an email body: sanitizing never panics, its output holds nothing
//! script-capable (by an independent html5ever parse), and a second pass changes nothing.
#![no_main]

#[path = "../../crates/core/tests/support/script_free.rs"]
mod script_free;

use libfuzzer_sys::fuzz_target;
use threadline_core::html::{sanitize, sanitize_email, EmailOptions, RemoteImages};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let once = sanitize(&input);
    let found = script_free::findings(once.as_str());
    assert!(
        found.is_empty(),
        "script-capable output {found:?}: {}",
        once.as_str()
    );
    let twice = sanitize(once.as_str());
    assert_eq!(
        script_free::canonical(once.as_str()),
        script_free::canonical(twice.as_str()),
        "a second pass changed the output"
    );
    let shown = sanitize_email(
        &input,
        &EmailOptions {
            remote_images: RemoteImages::Show,
            ..EmailOptions::default()
        },
    );
    let found = script_free::findings(shown.html.as_str());
    assert!(
        found.is_empty(),
        "script-capable email output {found:?}: {}",
        shown.html.as_str()
    );
});
