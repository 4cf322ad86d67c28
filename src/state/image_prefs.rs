//! "Always show images from this sender", remembered in the browser's localStorage.

use super::{read_json, write_json};

const KEY: &str = "threadline.images.always-show";

fn senders() -> Vec<String> {
    read_json(KEY).unwrap_or_default()
}

/// Whether the agent chose to always load remote images from `sender`.
pub fn always_shows(sender: &str) -> bool {
    !sender.is_empty() && senders().iter().any(|s| s.eq_ignore_ascii_case(sender))
}

/// Remembers that remote images from `sender` always load. Storage may be full or blocked
/// (private mode); then the choice lasts for this page only, which is still correct.
pub fn remember(sender: &str) {
    let mut all = senders();
    if sender.is_empty() || all.iter().any(|s| s.eq_ignore_ascii_case(sender)) {
        return;
    }
    all.push(sender.to_lowercase());
    let _ = write_json(KEY, &all);
}
