//! The newest message the agent has seen on each ticket, kept in the browser (one bounded
//! book of marks; core's `seen` has the rules), for "New since your last visit".

use threadline_core::seen::{lookup, remember, Book, SeenMark};

use super::{read_json, write_json};

const KEY: &str = "threadline.seen";

/// The mark of `ticket`, if the agent has looked at it in this browser.
pub fn load(ticket: &str) -> Option<SeenMark> {
    let book: Book = read_json(KEY).unwrap_or_default();
    lookup(&book, ticket).cloned()
}

/// Notes `mark` as seen on `ticket`. Storage may be full or blocked: then the next visit
/// just has no divider.
pub fn save(ticket: &str, mark: SeenMark) {
    let mut book: Book = read_json(KEY).unwrap_or_default();
    if remember(&mut book, ticket, mark) {
        let _ = write_json(KEY, &book);
    }
}
