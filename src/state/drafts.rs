//! Drafts in localStorage, per ticket and mode. Saving goes through core's
//! [`decide_save`]: a draft another tab changed since this tab read it is never overwritten
//! without the agent choosing.

use threadline_core::draft::{decide_save, storage_key, Draft, SaveDecision, StoredDraft};
use threadline_core::model::Visibility;

use super::{now_ms, read_json, remove, tab_id, write_json};

/// The stored draft for a ticket and mode.
pub fn load(ticket_id: &str, visibility: Visibility) -> Option<StoredDraft> {
    read_json(&storage_key(ticket_id, visibility))
}

/// The text a panic rescued for this draft (see [`crate::panic`]), taken once.
pub fn take_rescue(ticket_id: &str, visibility: Visibility) -> Option<String> {
    let key = crate::panic::rescue_key(&storage_key(ticket_id, visibility));
    let storage = super::storage()?;
    let text = storage.get_item(&key).ok().flatten()?;
    let _ = storage.remove_item(&key);
    Some(text).filter(|t| !t.trim().is_empty())
}

/// What came of a save.
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    /// Stored at this revision.
    Revision(u64),
    /// Another tab's newer draft is there; nothing was written.
    Conflict(Box<StoredDraft>),
    /// The browser refused (storage full or blocked): the draft lives only in this page.
    NotStored,
}

/// Saves `draft` over the revision `base` this tab last read or wrote. An empty draft removes
/// the stored one (when it is this tab's to remove).
pub fn save(ticket_id: &str, visibility: Visibility, base: u64, draft: Draft) -> Saved {
    let key = storage_key(ticket_id, visibility);
    let stored: Option<StoredDraft> = read_json(&key);
    match decide_save(stored, base, tab_id(), draft, now_ms()) {
        SaveDecision::Conflict(theirs) => Saved::Conflict(Box::new(theirs)),
        SaveDecision::Unchanged(revision) => Saved::Revision(revision),
        SaveDecision::Write(mine) if mine.draft.is_empty() => {
            remove(&key);
            Saved::Revision(mine.revision)
        }
        SaveDecision::Write(mine) => {
            if write_json(&key, &mine) {
                Saved::Revision(mine.revision)
            } else {
                Saved::NotStored
            }
        }
    }
}

/// Removes the stored draft once its message is confirmed sent, unless the agent has written
/// a different one since.
pub fn clear_sent(ticket_id: &str, sent: &Draft) {
    let key = storage_key(ticket_id, sent.visibility);
    let stored: Option<StoredDraft> = read_json(&key);
    if stored.is_some_and(|s| s.draft.same_message(sent)) {
        remove(&key);
    }
}
