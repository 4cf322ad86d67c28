//! State that outlives a view: what is kept in the browser's localStorage (the agent's image
//! preferences, drafts and the outbox), the stores that work on it while views come and go
//! (the outbox driver), and [`tasks::Tasks`], which ties async work to its owner.

pub mod after_send;
pub mod delivery;
pub mod drafts;
pub mod identity;
pub mod image_prefs;
pub mod live;
pub mod outbox;
pub mod seen;
pub mod tasks;
pub mod thread;
pub mod toolbox;

/// A server's field errors, by field.
pub type FieldMessages = std::collections::BTreeMap<String, Vec<String>>;

use std::sync::OnceLock;

/// localStorage, when the browser allows it (private modes may not).
pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads a JSON value; anything missing or unreadable is `None`.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let json = storage()?.get_item(key).ok().flatten()?;
    serde_json::from_str(&json).ok()
}

/// Writes a JSON value; `false` when storage is full or blocked.
pub(crate) fn write_json<T: serde::Serialize>(key: &str, value: &T) -> bool {
    match (storage(), serde_json::to_string(value)) {
        (Some(s), Ok(json)) => s.set_item(key, &json).is_ok(),
        _ => false,
    }
}

pub(crate) fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// This tab's id, made once per page load: drafts and the outbox tell tabs apart by it.
pub fn tab_id() -> &'static str {
    static TAB: OnceLock<String> = OnceLock::new();
    TAB.get_or_init(|| random_id("tab"))
}

/// A random id for local use (not security-relevant).
pub fn random_id(prefix: &str) -> String {
    let a = (js_sys::Math::random() * 1e12) as u64;
    let b = (js_sys::Math::random() * 1e12) as u64;
    format!("{prefix}-{a:x}{b:x}")
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
