//! The outbox in localStorage: every outgoing message is written here before any request,
//! so a reload, a crash or a closed tab never loses one. Tabs share the list; each entry is
//! read, changed and written back on its own, so tabs do not undo each other's changes.

use threadline_core::outbox::Outgoing;

use super::{read_json, write_json};

const KEY: &str = "threadline.outbox.v1";

/// Every entry, of every ticket.
pub fn all() -> Vec<Outgoing> {
    read_json(KEY).unwrap_or_default()
}

/// The outgoing messages of a ticket, oldest first.
pub fn for_ticket(ticket_id: &str) -> Vec<Outgoing> {
    let mut items: Vec<Outgoing> = all()
        .into_iter()
        .filter(|o| o.ticket_id == ticket_id)
        .collect();
    items.sort_by(|a, b| a.queued_at_ms.total_cmp(&b.queued_at_ms));
    items
}

/// One entry as stored now (another tab may have moved it on).
pub fn get(local_id: &str) -> Option<Outgoing> {
    all().into_iter().find(|o| o.local_id == local_id)
}

/// Stores an entry (added or replaced). `false` when the browser refused to store it.
pub fn put(item: &Outgoing) -> bool {
    let mut items = all();
    match items.iter_mut().find(|o| o.local_id == item.local_id) {
        Some(slot) => *slot = item.clone(),
        None => items.push(item.clone()),
    }
    write_json(KEY, &items)
}

/// Stores a newer state of an entry that is still there; an entry delivered or taken back
/// meanwhile (by another driver, tab or the agent) stays gone. `false` when it was gone (a
/// browser that refuses the write does not make it gone: the state in memory goes on).
pub fn put_if_present(item: &Outgoing) -> bool {
    let mut items = all();
    match items.iter_mut().find(|o| o.local_id == item.local_id) {
        Some(slot) => {
            *slot = item.clone();
            let _ = write_json(KEY, &items);
            true
        }
        None => false,
    }
}

/// Forgets an entry.
pub fn remove(local_id: &str) {
    let mut items = all();
    items.retain(|o| o.local_id != local_id);
    let _ = write_json(KEY, &items);
}
