//! Any text typed in the composer: Markdown → HTML → sanitizer never panics, holds nothing
//! script-capable, and is stable under a second sanitizing pass.
#![no_main]

#[path = "../../crates/core/tests/support/script_free.rs"]
mod script_free;

use libfuzzer_sys::fuzz_target;
use threadline_core::compose::render_markdown;
use threadline_core::html::sanitize;

fuzz_target!(|text: &str| {
    let html = render_markdown(text);
    let found = script_free::findings(html.as_str());
    assert!(
        found.is_empty(),
        "script-capable output {found:?}: {}",
        html.as_str()
    );
    let again = sanitize(html.as_str());
    assert_eq!(
        script_free::canonical(html.as_str()),
        script_free::canonical(again.as_str()),
        "a second pass changed the output"
    );
});
