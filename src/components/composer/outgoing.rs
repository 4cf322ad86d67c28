//! Messages on their way, as one ticket's view shows them: under the thread at once
//! ("Sending in 5 s… Undo", "Sending…", failed with Retry / Edit). The app's outbox driver
//! ([`Delivery`]) does the sending, whatever page is shown; this view reads its queue for one
//! ticket and hears of what it delivered.

use leptos::prelude::*;
use threadline_core::compose::sent_summary;
use threadline_core::draft::Draft;
use threadline_core::model::{Message, Visibility};
use threadline_core::outbox::{OutState, Outgoing};

use crate::components::common::{Glyph, Icon};
use crate::components::conversation::reveal_message;
use crate::state::delivery::{Delivered, Delivery};
use crate::state::tasks::Tasks;

pub use crate::state::FieldMessages;

/// One ticket's view of the outbox.
#[derive(Clone, Copy)]
pub struct OutboxState {
    delivery: Delivery,
    ticket_id: StoredValue<String>,
    /// The ticket's messages on their way, oldest first.
    pub items: Memo<Vec<Outgoing>>,
    /// A draft to put back into the composer (Undo, Edit), with the server's field errors.
    pub restore: RwSignal<Option<(Draft, FieldMessages)>>,
    /// Ids of the messages delivered while this view was open (for the stale-reply guard).
    sent: RwSignal<Vec<String>>,
    /// Ticks every 250 ms, for countdowns.
    pub now: RwSignal<f64>,
    /// Whether the browser says it is online.
    pub online: RwSignal<bool>,
}

impl OutboxState {
    /// The view of `ticket_id`'s messages in `delivery`, the outbox driver.
    pub fn for_ticket(delivery: Delivery, ticket_id: &str) -> Self {
        let id = ticket_id.to_owned();
        let items = Memo::new(move |_| {
            delivery.items.with(|items| {
                let mut mine: Vec<Outgoing> = items
                    .iter()
                    .filter(|o| o.ticket_id == id)
                    .cloned()
                    .collect();
                mine.sort_by(|a, b| a.queued_at_ms.total_cmp(&b.queued_at_ms));
                mine
            })
        });
        Self {
            delivery,
            ticket_id: StoredValue::new(ticket_id.to_owned()),
            items,
            restore: RwSignal::new(None),
            // What the driver delivered for this ticket before this view opened is the
            // agent's own too (the stale-reply guard must not call it someone else's).
            sent: RwSignal::new(delivery.delivered.with_untracked(|log| {
                log.iter()
                    .filter(|d| d.ticket_id == ticket_id)
                    .map(|d| d.message.id.clone())
                    .collect()
            })),
            now: delivery.now,
            online: delivery.online,
        }
    }

    /// Adds a message, saving it first.
    pub fn queue(&self, item: Outgoing) -> bool {
        self.delivery.queue(item)
    }

    /// Takes a message back into the composer (Undo while held, or Edit after a failure).
    pub fn take_back(&self, local_id: &str) {
        if let Some(back) = self.delivery.take_back(local_id) {
            self.restore.set(Some(back));
        }
    }

    /// Puts a failed message back on its way.
    pub fn retry(&self, local_id: &str) {
        self.delivery.retry(local_id);
    }

    /// Ids of messages this view sent (for the stale-reply guard).
    pub fn sent_ids(&self) -> Vec<String> {
        self.sent.get_untracked()
    }

    /// Calls `on_delivered` with each message of this ticket the driver delivers from now on
    /// (in this view's owner).
    pub fn on_delivered(&self, on_delivered: impl Fn(&Delivered) + 'static) {
        let delivered = self.delivery.delivered;
        let ticket_id = self.ticket_id;
        let sent = self.sent;
        let mut seen = delivered.with_untracked(|log| log.last().map_or(0, |d| d.seq));
        Effect::new(move |_| {
            let fresh: Vec<Delivered> = delivered.with(|log| {
                ticket_id.with_value(|id| {
                    log.iter()
                        .filter(|d| d.seq > seen && &d.ticket_id == id)
                        .cloned()
                        .collect()
                })
            });
            seen = delivered.with_untracked(|log| log.last().map_or(seen, |d| d.seq));
            for d in &fresh {
                sent.update(|s| s.push(d.message.id.clone()));
                on_delivered(d);
            }
        });
    }
}

/// Adds a delivered message to the thread on screen, once.
pub fn add_to_thread(thread: RwSignal<Vec<Message>>, message: &Message) {
    thread.update(|t| {
        if !t.iter().any(|m| m.id == message.id) {
            t.push(message.clone());
        }
    });
}

/// How long the toast after a send stays.
const TOAST_FOR: std::time::Duration = std::time::Duration::from_secs(8);

/// The messages on their way, under the thread.
#[component]
pub fn OutgoingList(state: OutboxState) -> impl IntoView {
    let pending = move || state.items.get();
    view! {
        <ol class="tl-outgoing" aria-label=t!("outgoing.list")>
            <For each=pending key=|o| o.local_id.clone() let:item>
                <OutgoingItem local_id=item.local_id state=state/>
            </For>
        </ol>
    }
}

/// The toast after a send, shown (and announced) for a while after each delivery: what went,
/// what it did to the ticket, and a way to see it in the thread (delivered messages are in
/// the thread now, and their own status line leaves the page with them, before a screen
/// reader could read it). It sits above the composer, wherever the thread is scrolled.
#[component]
pub fn SentToast(state: OutboxState) -> impl IntoView {
    let toast = RwSignal::new(None::<(String, String)>);
    let words = RwSignal::new(String::new());
    let shown = StoredValue::new(0_u64);
    let node = NodeRef::<leptos::html::Div>::new();
    let tasks = Tasks::new();
    state.on_delivered(move |d| {
        let summary = sent_summary(d.visibility, d.next_action);
        let id = d.message.id.clone();
        // Emptied first and filled a moment later: a screen reader skips a live region
        // whose text did not change, and the second send says what the first did.
        words.set(String::new());
        let seq = d.seq;
        shown.set_value(seq);
        tasks.after(std::time::Duration::from_millis(100), move || {
            // Unless a later delivery has come meanwhile.
            if shown.get_value() == seq {
                words.set(summary.clone());
                toast.set(Some((summary, id)));
            }
        });
        close_later(tasks, node, toast, shown, seq);
    });
    let close = move |_| {
        toast.set(None);
        words.set(String::new());
    };
    view! {
        // The live region is always there (an element that appears with its text is often
        // not read); it holds the words only, not the buttons' names.
        <p class="tl-visually-hidden" role="status" aria-live="polite">{move || words.get()}</p>
        <div class="tl-toast-region" node_ref=node>
            {move || toast.get().map(|(summary, id)| view! {
                <div class="tl-toast">
                    <span class="tl-toast__text" aria-hidden="true">{summary}</span>
                    <button type="button" class="tl-link-button" on:click=move |_| {
                        reveal_message(tasks, id.clone());
                    }>{t!("outgoing.view")}</button>
                    <button type="button" class="tl-toast__close" aria-label=t!("outgoing.dismiss") on:click=close>
                        <Icon glyph=Glyph::Close/>
                    </button>
                </div>
            })}
        </div>
    }
}

/// Closes the toast of delivery `seq` after [`TOAST_FOR`], unless a later one replaced it;
/// while the pointer or the focus is on it, it waits (so View and Dismiss stay reachable).
fn close_later(
    tasks: Tasks,
    node: NodeRef<leptos::html::Div>,
    toast: RwSignal<Option<(String, String)>>,
    shown: StoredValue<u64>,
    seq: u64,
) {
    tasks.after(TOAST_FOR, move || {
        if shown.get_value() != seq {
            return;
        }
        let in_use = node
            .get_untracked()
            .is_some_and(|el| el.matches(":hover, :focus-within").unwrap_or(false));
        if in_use {
            close_later(tasks, node, toast, shown, seq);
        } else {
            toast.set(None);
        }
    });
}

/// One message on its way. The row stays as it is while its state changes (each part that
/// changes reads it on its own), so focus on its buttons is kept and it is not announced anew.
#[component]
fn OutgoingItem(local_id: String, state: OutboxState) -> impl IntoView {
    let item = {
        let id = local_id.clone();
        Memo::new(move |_| {
            state
                .items
                .with(|items| items.iter().find(|o| o.local_id == id).cloned())
        })
    };
    let Some(first) = item.get_untracked() else {
        return ().into_any();
    };
    let is_note = first.message.visibility == Visibility::Note;
    let (kind, label) = if is_note {
        (t!("outgoing.note"), t!("outgoing.note_being_sent"))
    } else {
        (t!("outgoing.reply"), t!("outgoing.reply_being_sent"))
    };
    let text = first.message.text.clone();
    let status = move || item.with(|i| i.as_ref().map(|i| status_words(i, state)));
    let can_undo = Memo::new(move |_| item.with(|i| i.as_ref().is_some_and(Outgoing::can_undo)));
    let failed = Memo::new(move |_| {
        item.with(|i| matches!(i.as_ref().map(|i| &i.state), Some(OutState::Failed(_))))
    });
    // Retry only where sending the same again can succeed (not after a 403, say).
    let retry_helps = Memo::new(move |_| {
        item.with(|i| match i.as_ref().map(|i| &i.state) {
            Some(OutState::Failed(f)) => f.kind.retry_can_help(),
            _ => false,
        })
    });
    let class = move || match (is_note, failed.get()) {
        (_, true) => "tl-outgoing__item tl-outgoing__item--failed",
        (true, false) => "tl-outgoing__item tl-outgoing__item--note",
        (false, false) => "tl-outgoing__item",
    };
    let (undo_id, retry_id, edit_id) = (local_id.clone(), local_id.clone(), local_id);
    view! {
        <li class=class>
            <article aria-label=label>
                <p class="tl-outgoing__kind">{kind}</p>
                <p class="tl-outgoing__text">{text}</p>
                // A failure is an alert; progress is a polite status.
                {move || if failed.get() {
                    view! { <p class="tl-outgoing__status" role="alert">{status}</p> }.into_any()
                } else {
                    view! { <p class="tl-outgoing__status" role="status">{status}</p> }.into_any()
                }}
                <div class="tl-outgoing__actions">
                    {move || can_undo.get().then(|| {
                        let undo_id = undo_id.clone();
                        view! {
                            <button type="button" class="tl-button" on:click=move |_| state.take_back(&undo_id)>{t!("outgoing.undo")}</button>
                        }
                    })}
                    {move || failed.get().then(|| {
                        let (retry_id, edit_id) = (retry_id.clone(), edit_id.clone());
                        view! {
                            {retry_helps.get().then(|| view! {
                                <button type="button" class="tl-button tl-button--primary" on:click=move |_| state.retry(&retry_id)>{t!("outgoing.retry")}</button>
                            })}
                            <button type="button" class="tl-button" on:click=move |_| state.take_back(&edit_id)>{t!("outgoing.edit")}</button>
                        }
                    })}
                </div>
            </article>
        </li>
    }
    .into_any()
}

/// What a message on its way is doing, in words.
fn status_words(item: &Outgoing, state: OutboxState) -> String {
    // The tick re-runs this; the time is read now, as the tick can be up to 250 ms old (which
    // made a fresh 5 s window read "6 s").
    state.now.track();
    let now = js_sys::Date::now();
    match &item.state {
        OutState::Holding { send_at_ms } => {
            let left = ((send_at_ms - now) / 1000.0).ceil().max(0.0);
            t!("outgoing.sending_in", seconds = left).into_owned()
        }
        OutState::Sending if item.is_slow(now) => t!("outgoing.slow").into_owned(),
        OutState::Sending => t!("outgoing.sending").into_owned(),
        OutState::Unknown { .. } if !state.online.get() => t!("outgoing.offline").into_owned(),
        OutState::Waiting {
            retry_at_ms,
            reason,
        } => {
            let left = ((retry_at_ms - now) / 1000.0).ceil().max(0.0);
            t!("outgoing.retrying_in", reason = reason, seconds = left).into_owned()
        }
        OutState::Unknown { reason, .. } => t!("outgoing.checking", reason = reason).into_owned(),
        OutState::Failed(f) => t!("outgoing.not_sent", reason = f.reason).into_owned(),
        OutState::Sent { .. } => t!("outgoing.sent").into_owned(),
    }
}
