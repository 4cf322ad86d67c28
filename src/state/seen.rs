//! The newest message the agent has seen on each ticket, for "New since your last visit":
//! kept in the browser (one bounded book of marks) and, where a Threadline server runs, on it
//! too, so the mark follows the agent to another browser. Core's `seen` has the rules.

use std::time::Duration;

use leptos::prelude::*;
use threadline_core::seen::{lookup, remember, Book, SeenMark};
use threadline_core::time::parse_rfc3339_millis;

use super::tasks::Tasks;
use super::{read_json, write_json};
use crate::api::Client;

const KEY: &str = "threadline.seen";
/// How long opening a ticket waits for the server's mark before going by the browser's.
const SERVER_WAIT: Duration = Duration::from_millis(1_500);

/// One ticket's marks, where they are kept.
#[derive(Clone, Copy)]
pub struct SeenMarks {
    /// The mark when the view opened: the newer of the browser's and the server's.
    pub at_open: RwSignal<Option<SeenMark>>,
    /// Whether `at_open` is settled (the server answered, failed or took too long).
    pub ready: RwSignal<bool>,
    server: Option<StoredValue<Client, LocalStorage>>,
    tasks: Tasks,
}

impl SeenMarks {
    /// Reads `ticket`'s mark: the browser's now, the server's (`client`'s own API, when
    /// `on_server`) as soon as it answers.
    pub fn open(client: &Client, ticket: &str, on_server: bool) -> Self {
        let tasks = Tasks::new();
        let at_open = RwSignal::new(load(ticket));
        let server =
            (on_server && client.has_own_api()).then(|| StoredValue::new_local(client.clone()));
        let ready = RwSignal::new(server.is_none());
        if let Some(client) = server {
            let (client, ticket) = (client.get_value(), ticket.to_owned());
            tasks.spawn(async move {
                if let Ok(Some(theirs)) = client.seen(&ticket).await {
                    at_open.update(|mine| {
                        if later(&theirs, mine.as_ref()) {
                            *mine = Some(theirs);
                        }
                    });
                }
                ready.set(true);
            });
            tasks.after(SERVER_WAIT, move || ready.set(true));
        }
        Self {
            at_open,
            ready,
            server,
            tasks,
        }
    }

    /// Notes `mark` as seen on `ticket`, in the browser and on the server. A refused write
    /// is not retried: the next mark carries it.
    pub fn save(&self, ticket: &str, mark: SeenMark) {
        let mut book: Book = read_json(KEY).unwrap_or_default();
        if remember(&mut book, ticket, mark.clone()) {
            let _ = write_json(KEY, &book);
        }
        if let Some(client) = self.server.and_then(|c| c.try_get_value()) {
            let ticket = ticket.to_owned();
            self.tasks.spawn(async move {
                let _ = client.put_seen(&ticket, &mark).await;
            });
        }
    }
}

/// The browser's mark of `ticket`, if the agent has looked at it in this browser.
fn load(ticket: &str) -> Option<SeenMark> {
    let book: Book = read_json(KEY).unwrap_or_default();
    lookup(&book, ticket).cloned()
}

/// Whether `theirs` marks a later message than `mine`.
fn later(theirs: &SeenMark, mine: Option<&SeenMark>) -> bool {
    let Some(mine) = mine else {
        return true;
    };
    match (
        parse_rfc3339_millis(&theirs.at),
        parse_rfc3339_millis(&mine.at),
    ) {
        (Some(t), Some(m)) => t > m,
        (Some(_), None) => true,
        _ => false,
    }
}
