//! Demo mode's events: the writer connection's hooks note every message stored and every
//! ticket changed, on any surface (Initdesk, Airclou, InboxOps, Requestor, the customer's
//! portal), and once the transaction commits, the tickets they belong to get an event. A
//! rolled-back transaction announces nothing.
//!
//! The commit hook runs just before the commit is durable, so the feed reads each message's
//! ticket on a connection of its own, waiting until the row is there: an event never reaches
//! an app before what it announces can be read.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::hooks::Action;
use rusqlite::{Connection, OptionalExtension};
use tokio::sync::mpsc;

use super::{Change, Live};

/// What one transaction wrote that the streams care about.
#[derive(Debug, Default)]
struct Written {
    messages: Vec<i64>,
    tickets: Vec<i64>,
}

/// The topic of a demo ticket (one per ticket, whichever surface names it).
pub fn topic(ticket: i64) -> String {
    format!("t:{ticket}")
}

/// Hooks `conn` (the writer) so that what it commits reaches `live`.
pub fn attach(conn: &Connection, db: &Path, live: Live) {
    let pending = Arc::new(Mutex::new(Written::default()));
    let (tx, rx) = mpsc::unbounded_channel::<Written>();
    let noted = Arc::clone(&pending);
    conn.update_hook(Some(
        move |action: Action, _db: &str, table: &str, row: i64| {
            let Ok(mut w) = noted.lock() else { return };
            match (action, table) {
                (Action::SQLITE_INSERT, "messages") => w.messages.push(row),
                (Action::SQLITE_UPDATE, "tickets") => w.tickets.push(row),
                _ => {}
            }
        },
    ));
    let committed = Arc::clone(&pending);
    conn.commit_hook(Some(move || {
        if let Ok(mut w) = committed.lock() {
            let written = std::mem::take(&mut *w);
            if !written.messages.is_empty() || !written.tickets.is_empty() {
                let _ = tx.send(written);
            }
        }
        false
    }));
    let dropped = pending;
    conn.rollback_hook(Some(move || {
        if let Ok(mut w) = dropped.lock() {
            *w = Written::default();
        }
    }));
    tokio::spawn(announce(rx, db.to_owned(), live));
}

async fn announce(mut rx: mpsc::UnboundedReceiver<Written>, db: PathBuf, live: Live) {
    let reader = match crate::db::open_reader(&db) {
        Ok(conn) => Arc::new(Mutex::new(conn)),
        Err(e) => {
            eprintln!("threadline-server: live events are off: {e}");
            return;
        }
    };
    while let Some(first) = rx.recv().await {
        // Writes close together (a message and its ticket's new time) go out together.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let mut written = first;
        while let Ok(more) = rx.try_recv() {
            written.messages.extend(more.messages);
            written.tickets.extend(more.tickets);
        }
        let reader = Arc::clone(&reader);
        let messages = std::mem::take(&mut written.messages);
        let found = tokio::task::spawn_blocking(move || tickets_of(&reader, &messages))
            .await
            .unwrap_or_default();
        let mut changed: Vec<(i64, Change)> = found
            .into_iter()
            .map(|t| (t, Change::Message))
            .chain(written.tickets.into_iter().map(|t| (t, Change::Ticket)))
            .collect();
        changed.sort_unstable_by_key(|&(t, c)| (t, c == Change::Ticket));
        changed.dedup();
        for (ticket, change) in changed {
            live.changed(&topic(ticket), change);
        }
    }
}

/// The tickets of `messages`, each read once its row can be seen (at most a second's wait).
fn tickets_of(reader: &Mutex<Connection>, messages: &[i64]) -> Vec<i64> {
    let Ok(conn) = reader.lock() else {
        return Vec::new();
    };
    let mut tickets = Vec::new();
    for &message in messages {
        for _ in 0..50 {
            let ticket: Option<i64> = conn
                .query_row(
                    "SELECT ticket_id FROM messages WHERE id = ?1",
                    [message],
                    |r| r.get(0),
                )
                .optional()
                .ok()
                .flatten();
            if let Some(ticket) = ticket {
                tickets.push(ticket);
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    tickets
}
