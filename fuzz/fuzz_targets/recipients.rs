//! Any typed or pasted CC text: parsing never panics; a valid recipient's label parses back to
//! itself; merging never keeps two chips for one address.
#![no_main]

use libfuzzer_sys::fuzz_target;
use threadline_core::recipients::{merge, parse_recipients};

fuzz_target!(|text: &str| {
    let parsed = parse_recipients(text);
    for r in parsed.iter().filter(|r| r.is_valid()) {
        let again = parse_recipients(&r.label());
        assert_eq!(again.len(), 1, "{:?} re-parsed as {again:?}", r.label());
        assert_eq!(again[0].key(), r.key(), "{:?}", r.label());
        assert!(again[0].is_valid(), "{:?} became invalid", r.label());
    }
    let merged = merge(&[], parsed);
    let mut keys: Vec<String> = merged.iter().map(|r| r.key()).collect();
    let all = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), all, "merge kept duplicates: {merged:?}");
});
