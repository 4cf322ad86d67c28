//! "Always show images from this sender", remembered in the browser's localStorage.

const KEY: &str = "threadline.images.always-show";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn senders() -> Vec<String> {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
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
    if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(&all)) {
        let _ = storage.set_item(KEY, &json);
    }
}
