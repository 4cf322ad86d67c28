//! The outbox driver: one per app (at its root), or one per embedded conversation. It
//! delivers the queued messages of every ticket it serves, whatever page is shown, following
//! core's outbox state machine (undo countdown, exactly-once checks, back-off). Views of a
//! ticket read its messages from here and hear of delivered ones through
//! [`Delivery::delivered`]; leaving a ticket never strands a reply.

use leptos::prelude::*;
use threadline_core::draft::Draft;
use threadline_core::model::{Message, NextAction, Visibility};
use threadline_core::outbox::{FailureKind, OutState, Outgoing, Step};

use super::tasks::Tasks;
use super::{drafts, now_ms, outbox, tab_id};
use crate::api::Client;

/// How often queued messages are looked at (and countdowns tick).
const TICK_MS: u64 = 250;
/// Delivered messages remembered for views that open later (a ring, newest last).
const DELIVERED_KEPT: usize = 50;

thread_local! {
    /// Entries a driver of this page is working on. Shared by every driver in the page (two
    /// embedded conversations of one ticket share their tab's claim): one step at a time.
    static BUSY: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn busy(local_id: &str) -> bool {
    BUSY.with_borrow(|b| b.iter().any(|x| x == local_id))
}

/// An entry being worked on, released when dropped: when its step ends, or when the driver
/// goes in the middle of it (its future is dropped unfinished).
struct Busy(String);

impl Busy {
    fn take(local_id: &str) -> Self {
        BUSY.with_borrow_mut(|b| b.push(local_id.to_owned()));
        Self(local_id.to_owned())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        BUSY.with_borrow_mut(|b| b.retain(|x| *x != self.0));
    }
}

/// Which tickets a driver delivers for.
#[derive(Debug, Clone)]
pub enum Serves {
    /// Every ticket (the app on its own page: one configuration, one client).
    All,
    /// Some tickets: an embedded conversation's (its own configuration and client), every one
    /// it has shown, so a message queued on a ticket it has moved away from still goes.
    Tickets(ArcRwSignal<Vec<String>>),
}

impl Serves {
    /// Starting with one ticket.
    pub fn ticket(id: &str) -> Self {
        Self::Tickets(ArcRwSignal::new(vec![id.to_owned()]))
    }

    /// Serves `id` too (from now on).
    pub fn add(&self, id: &str) {
        if let Serves::Tickets(ids) = self {
            if !ids.with_untracked(|ids| ids.iter().any(|x| x == id)) {
                ids.update(|ids| ids.push(id.to_owned()));
            }
        }
    }

    fn includes(&self, ticket_id: &str) -> bool {
        match self {
            Serves::All => true,
            Serves::Tickets(ids) => ids.with_untracked(|ids| ids.iter().any(|x| x == ticket_id)),
        }
    }
}

/// A message the helpdesk has stored, as the driver delivered (or found) it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivered {
    /// Counts up with every delivery: a view handles those after the last it saw.
    pub seq: u64,
    pub ticket_id: String,
    pub visibility: Visibility,
    /// What the message did to the ticket.
    pub next_action: NextAction,
    pub message: Message,
}

/// The driver's state, provided by context.
#[derive(Debug, Clone, Copy)]
pub struct Delivery {
    /// Every queued message it serves, not yet delivered, oldest first.
    pub items: RwSignal<Vec<Outgoing>>,
    /// The latest deliveries, newest last.
    pub delivered: RwSignal<Vec<Delivered>>,
    /// Ticks every 250 ms, for countdowns.
    pub now: RwSignal<f64>,
    /// Whether the browser says it is online.
    pub online: RwSignal<bool>,
}

impl Delivery {
    /// Starts the driver in the current owner (the app's root, or an embedded
    /// conversation's), with `client`, and provides it by context.
    pub fn start(client: Client, serves: Serves) -> Self {
        // A delivered entry left by an older version (or a tab closed at the wrong moment)
        // has nothing more to do.
        for done in outbox::all().into_iter().filter(Outgoing::is_sent) {
            outbox::remove(&done.local_id);
        }
        let delivery = Self {
            items: RwSignal::new(stored(&serves)),
            delivered: RwSignal::new(Vec::new()),
            now: RwSignal::new(now_ms()),
            online: RwSignal::new(window().navigator().on_line()),
        };
        provide_context(delivery);
        run(delivery, client, serves);
        delivery
    }

    /// Adds a message, saving it first; `false` when the browser refused to store it (then
    /// it is not queued at all: the composer keeps it and says so).
    pub fn queue(&self, item: Outgoing) -> bool {
        let stored = outbox::put(&item);
        if stored {
            self.items.update(|items| items.push(item));
        }
        stored
    }

    /// Puts the retried message back on its way.
    pub fn retry(&self, local_id: &str) {
        if let Some(mut item) = outbox::get(local_id) {
            item.retry(now_ms());
            let _ = self.replace(&item);
        }
    }

    /// After a new sign-in (an embedding page's new session): what stopped on the old one is
    /// sent now, and what waits to be checked is checked now.
    pub fn resume(&self) {
        let now = now_ms();
        for id in self
            .items
            .with_untracked(|items| items.iter().map(|o| o.local_id.clone()).collect::<Vec<_>>())
        {
            let Some(mut item) = outbox::get(&id) else {
                continue;
            };
            match &item.state {
                OutState::Failed(f) if f.kind == FailureKind::SessionExpired => item.retry(now),
                _ => item.nudge(now),
            }
            let _ = self.replace(&item);
        }
    }

    /// Takes a message back (Undo while held, Edit after a failure): what to put back in
    /// the composer, or `None` when it is already on its way or delivered.
    pub fn take_back(&self, local_id: &str) -> Option<(Draft, super::FieldMessages)> {
        let item = outbox::get(local_id)?;
        if matches!(item.state, OutState::Sending | OutState::Sent { .. }) {
            return None;
        }
        self.forget(local_id);
        Some(item.into_edit())
    }

    /// Saves an entry's newer state, unless it was delivered or taken back meanwhile
    /// (`false` then).
    fn replace(&self, item: &Outgoing) -> bool {
        if !outbox::put_if_present(item) {
            self.items
                .update(|items| items.retain(|o| o.local_id != item.local_id));
            return false;
        }
        self.items.update(|items| {
            if let Some(slot) = items.iter_mut().find(|o| o.local_id == item.local_id) {
                *slot = item.clone();
            }
        });
        true
    }

    fn forget(&self, local_id: &str) {
        outbox::remove(local_id);
        self.items
            .update(|items| items.retain(|o| o.local_id != local_id));
    }

    /// Records a stored message for the views, and forgets its outbox entry.
    fn deliver(&self, item: &Outgoing, message: Message) {
        drafts::clear_sent(&item.ticket_id, &item.draft);
        self.forget(&item.local_id);
        self.delivered.update(|log| {
            let seq = log.last().map_or(1, |d| d.seq + 1);
            log.push(Delivered {
                seq,
                ticket_id: item.ticket_id.clone(),
                visibility: item.message.visibility,
                next_action: item.message.next_action,
                message,
            });
            if log.len() > DELIVERED_KEPT {
                log.remove(0);
            }
        });
    }
}

/// What the outbox in localStorage holds for the tickets served, not yet delivered.
fn stored(serves: &Serves) -> Vec<Outgoing> {
    outbox::all()
        .into_iter()
        .filter(|o| serves.includes(&o.ticket_id) && !o.is_sent())
        .collect()
}

/// Every 250 ms, each message that is due and claimed by this tab takes its next step.
fn run(delivery: Delivery, client: Client, serves: Serves) {
    let tasks = Tasks::new();
    // Back online: what waits on the connection goes now, not at the end of its back-off.
    let nudging = serves.clone();
    let online = window_event_listener(leptos::ev::online, move |_| {
        delivery.online.set(true);
        for mut item in stored(&nudging) {
            item.nudge(now_ms());
            let _ = outbox::put_if_present(&item);
        }
    });
    let offline = window_event_listener(leptos::ev::offline, move |_| delivery.online.set(false));
    on_cleanup(move || {
        online.remove();
        offline.remove();
    });
    tasks.every(std::time::Duration::from_millis(TICK_MS), move || {
        let now = now_ms();
        delivery.now.set(now);
        // Another tab may have moved entries on.
        let stored = stored(&serves);
        if stored != delivery.items.get_untracked() {
            delivery.items.set(stored.clone());
        }
        for mut item in stored {
            if busy(&item.local_id) {
                continue;
            }
            let step = item.next_step(now);
            if step == Step::Wait || !item.claim(tab_id(), now) {
                continue;
            }
            let claim = Busy::take(&item.local_id);
            let client = client.clone();
            tasks.spawn(async move {
                take_step(&client, &mut item, step, delivery).await;
                drop(claim);
            });
        }
    });
}

async fn take_step(client: &Client, item: &mut Outgoing, step: Step, delivery: Delivery) {
    match step {
        Step::Wait => {}
        Step::Post => {
            item.begin(now_ms());
            // Saved before the request: a crash from here on is checked, never re-posted blind.
            // Taken back at the last moment (Undo): nothing goes.
            if !delivery.replace(item) {
                return;
            }
            let session = client.session_token();
            let result = client.send(&item.ticket_id, &item.message).await;
            item.record(result.as_ref(), now_ms());
            // Refused for a session the page has renewed while the request was out: the new
            // one is there already, so this goes again rather than wait for the agent.
            let expired =
                matches!(&item.state, OutState::Failed(f) if f.kind == FailureKind::SessionExpired);
            if expired && session.is_some() && client.session_token() != session {
                item.retry(now_ms());
            }
            match result {
                Ok(message) => delivery.deliver(item, stamped(message)),
                Err(_) => {
                    delivery.replace(item);
                }
            }
            // A lost connection is checked at once.
            if matches!(item.state, OutState::Unknown { .. }) {
                check(client, item, delivery).await;
            }
        }
        Step::Check => check(client, item, delivery).await,
    }
}

/// Re-reads the newest messages and looks for this one before anything is posted again.
async fn check(client: &Client, item: &mut Outgoing, delivery: Delivery) {
    let found = match client.latest(&item.ticket_id).await {
        Ok(chunk) => {
            item.reconcile(Ok(&chunk.messages), now_ms());
            match &item.state {
                OutState::Sent { message_id } => {
                    chunk.messages.into_iter().find(|m| &m.id == message_id)
                }
                _ => None,
            }
        }
        Err(e) => {
            item.reconcile(Err(e.user_message()), now_ms());
            None
        }
    };
    match found {
        Some(message) => delivery.deliver(item, message),
        None if item.is_sent() => {
            // Stored, but not on the page read: the thread shows it at its next read.
            drafts::clear_sent(&item.ticket_id, &item.draft);
            delivery.forget(&item.local_id);
        }
        None => {
            delivery.replace(item);
        }
    }
}

/// Some APIs answer a post with its id only: until the thread is read again, it was
/// written now.
fn stamped(mut message: Message) -> Message {
    if message.created_at.is_empty() {
        message.created_at = js_sys::Date::new_0()
            .to_iso_string()
            .as_string()
            .unwrap_or_default();
    }
    message
}
