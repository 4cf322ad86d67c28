//! Messages on their way: shown under the thread at once ("Sending in 5 s… Undo",
//! "Sending…", failed with Retry / Edit), and driven by a ticker that follows core's outbox
//! state machine. Every change is written to the outbox in localStorage before the request.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use rust_i18n::t;
use threadline_core::draft::Draft;
use threadline_core::model::{Message, Visibility};
use threadline_core::outbox::{OutState, Outgoing, Step};

use crate::api::Client;
use crate::state::{drafts, now_ms, outbox, tab_id};

/// A server's field errors, by field.
pub type FieldMessages = BTreeMap<String, Vec<String>>;

/// The shared outbox of one ticket page.
#[derive(Clone, Copy)]
pub struct OutboxState {
    pub items: RwSignal<Vec<Outgoing>>,
    /// A draft to put back into the composer (Undo, Edit), with the server's field errors.
    pub restore: RwSignal<Option<(Draft, FieldMessages)>>,
    /// Ticks every 250 ms, for countdowns.
    pub now: RwSignal<f64>,
    /// Whether the browser says it is online.
    pub online: RwSignal<bool>,
}

impl OutboxState {
    pub fn load(ticket_id: &str) -> Self {
        Self {
            items: RwSignal::new(outbox::for_ticket(ticket_id)),
            restore: RwSignal::new(None),
            now: RwSignal::new(now_ms()),
            online: RwSignal::new(window().navigator().on_line()),
        }
    }

    /// Adds a message, saving it first.
    pub fn queue(&self, item: Outgoing) -> bool {
        let stored = outbox::put(&item);
        self.items.update(|items| items.push(item));
        stored
    }

    fn replace(&self, item: &Outgoing) {
        let _ = outbox::put(item);
        self.items.try_update(|items| {
            if let Some(slot) = items.iter_mut().find(|o| o.local_id == item.local_id) {
                *slot = item.clone();
            }
        });
    }

    fn forget(&self, local_id: &str) {
        outbox::remove(local_id);
        self.items
            .try_update(|items| items.retain(|o| o.local_id != local_id));
    }

    /// Takes a message back into the composer (Undo while held, or Edit after a failure).
    pub fn take_back(&self, local_id: &str) {
        let Some(item) = outbox::get(local_id) else {
            return;
        };
        if matches!(item.state, OutState::Sending | OutState::Sent { .. }) {
            return;
        }
        self.forget(local_id);
        self.restore.set(Some(item.into_edit()));
    }

    /// Ids of messages this page sent (for the stale-reply guard).
    pub fn sent_ids(&self) -> Vec<String> {
        self.items.with(|items| {
            items
                .iter()
                .filter_map(|o| match &o.state {
                    OutState::Sent { message_id } => Some(message_id.clone()),
                    _ => None,
                })
                .collect()
        })
    }
}

/// Runs the outbox of `ticket_id` while the page is open: every 250 ms, each message that is
/// due and claimed by this tab takes its next step.
pub fn drive(
    client: Client,
    ticket_id: String,
    state: OutboxState,
    thread: RwSignal<Vec<Message>>,
    on_sent: Callback<()>,
) {
    let ticket_id_for_events = ticket_id.clone();
    let busy = StoredValue::new(Vec::<String>::new());
    // Back online: what waits on the connection goes now, not at the end of its back-off.
    let online = window_event_listener(leptos::ev::online, move |_| {
        state.online.set(true);
        for mut item in outbox::for_ticket(&ticket_id_for_events) {
            item.nudge(now_ms());
            let _ = outbox::put(&item);
        }
    });
    let offline = window_event_listener(leptos::ev::offline, move |_| state.online.set(false));
    on_cleanup(move || {
        online.remove();
        offline.remove();
    });
    let handle = set_interval_with_handle(
        move || {
            let now = now_ms();
            state.now.set(now);
            // Another tab may have moved entries on.
            let stored = outbox::for_ticket(&ticket_id);
            if stored != state.items.get_untracked() {
                state.items.set(stored.clone());
            }
            for mut item in stored {
                if busy.with_value(|b| b.contains(&item.local_id)) {
                    continue;
                }
                let step = item.next_step(now);
                if step == Step::Wait || !item.claim(tab_id(), now) {
                    continue;
                }
                busy.update_value(|b| b.push(item.local_id.clone()));
                let client = client.clone();
                spawn_local(async move {
                    let id = item.local_id.clone();
                    take_step(&client, &mut item, step, state, thread).await;
                    if item.is_sent() {
                        drafts::clear_sent(&item.ticket_id, &item.draft);
                        on_sent.run(());
                    }
                    busy.try_update_value(|b| b.retain(|x| *x != id));
                });
            }
        },
        std::time::Duration::from_millis(250),
    );
    if let Ok(handle) = handle {
        on_cleanup(move || handle.clear());
    }
}

async fn take_step(
    client: &Client,
    item: &mut Outgoing,
    step: Step,
    state: OutboxState,
    thread: RwSignal<Vec<Message>>,
) {
    match step {
        Step::Wait => {}
        Step::Post => {
            item.begin(now_ms());
            // Saved before the request: a crash from here on is checked, never re-posted blind.
            state.replace(item);
            let result = client.send(&item.ticket_id, &item.message).await;
            item.record(result.as_ref(), now_ms());
            if let Ok(message) = result {
                add_to_thread(thread, message);
            }
            state.replace(item);
            // A lost connection is checked at once.
            if matches!(item.state, OutState::Unknown { .. }) {
                check(client, item, thread).await;
                state.replace(item);
            }
        }
        Step::Check => {
            check(client, item, thread).await;
            state.replace(item);
        }
    }
}

/// Re-reads the newest messages and looks for this one before anything is posted again.
async fn check(client: &Client, item: &mut Outgoing, thread: RwSignal<Vec<Message>>) {
    match client.latest(&item.ticket_id).await {
        Ok(chunk) => {
            item.reconcile(Ok(&chunk.messages), now_ms());
            if let OutState::Sent { message_id } = &item.state {
                if let Some(m) = chunk.messages.iter().find(|m| &m.id == message_id) {
                    add_to_thread(thread, m.clone());
                }
            }
        }
        Err(e) => item.reconcile(Err(e.user_message()), now_ms()),
    }
}

fn add_to_thread(thread: RwSignal<Vec<Message>>, mut message: Message) {
    // Some APIs answer a post with its id only: until the thread is read again, it was
    // written now.
    if message.created_at.is_empty() {
        message.created_at = js_sys::Date::new_0()
            .to_iso_string()
            .as_string()
            .unwrap_or_default();
    }
    thread.try_update(|t| {
        if !t.iter().any(|m| m.id == message.id) {
            t.push(message);
        }
    });
}

/// The messages on their way, under the thread.
#[component]
pub fn OutgoingList(state: OutboxState) -> impl IntoView {
    let pending = move || {
        state.items.with(|items| {
            items
                .iter()
                .filter(|o| !o.is_sent())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    // Sent messages are in the thread now; forget them, and say so (their own status line
    // leaves the page with them, before a screen reader could read it).
    let announcement = RwSignal::new(String::new());
    Effect::new(move |_| {
        let sent: Vec<(String, Visibility)> = state.items.with(|items| {
            items
                .iter()
                .filter(|o| o.is_sent())
                .map(|o| (o.local_id.clone(), o.message.visibility))
                .collect()
        });
        if let Some((_, visibility)) = sent.last() {
            let words = match visibility {
                Visibility::Note => t!("outgoing.note_added").into_owned(),
                Visibility::Reply => t!("outgoing.reply_sent").into_owned(),
            };
            // Emptied first and filled a moment later: a screen reader skips a live region
            // whose text did not change, and the second send says what the first did.
            announcement.set(String::new());
            set_timeout(
                move || {
                    announcement.try_set(words);
                },
                std::time::Duration::from_millis(100),
            );
        }
        for (id, _) in sent {
            state.forget(&id);
        }
    });
    view! {
        <p class="tl-visually-hidden" role="status" aria-live="polite">{move || announcement.get()}</p>
        <ol class="tl-outgoing" aria-label=t!("outgoing.list")>
            <For each=pending key=|o| (o.local_id.clone(), format!("{:?}", o.state)) let:item>
                <OutgoingItem item=item state=state/>
            </For>
        </ol>
    }
}

#[component]
fn OutgoingItem(item: Outgoing, state: OutboxState) -> impl IntoView {
    let id = item.local_id.clone();
    let is_note = item.message.visibility == Visibility::Note;
    let (kind, label) = if is_note {
        (t!("outgoing.note"), t!("outgoing.note_being_sent"))
    } else {
        (t!("outgoing.reply"), t!("outgoing.reply_being_sent"))
    };
    let text = item.message.text.clone();
    let status = {
        let item = item.clone();
        move || match &item.state {
            OutState::Holding { send_at_ms } => {
                let left = ((send_at_ms - state.now.get()) / 1000.0).ceil().max(0.0);
                t!("outgoing.sending_in", seconds = left).into_owned()
            }
            OutState::Sending if item.is_slow(state.now.get()) => t!("outgoing.slow").into_owned(),
            OutState::Sending => t!("outgoing.sending").into_owned(),
            OutState::Unknown { .. } if !state.online.get() => t!("outgoing.offline").into_owned(),
            OutState::Waiting {
                retry_at_ms,
                reason,
            } => {
                let left = ((retry_at_ms - state.now.get()) / 1000.0).ceil().max(0.0);
                t!("outgoing.retrying_in", reason = reason, seconds = left).into_owned()
            }
            OutState::Unknown { reason, .. } => {
                t!("outgoing.checking", reason = reason).into_owned()
            }
            OutState::Failed(f) => t!("outgoing.not_sent", reason = f.reason).into_owned(),
            OutState::Sent { .. } => t!("outgoing.sent").into_owned(),
        }
    };
    let can_undo = item.can_undo();
    let failed = matches!(item.state, OutState::Failed(_));
    let role = if failed { "alert" } else { "status" };
    let class = match (is_note, failed) {
        (_, true) => "tl-outgoing__item tl-outgoing__item--failed",
        (true, false) => "tl-outgoing__item tl-outgoing__item--note",
        (false, false) => "tl-outgoing__item",
    };
    let (undo_id, retry_id, edit_id) = (id.clone(), id.clone(), id);
    view! {
        <li class=class>
            <article aria-label=label>
                <p class="tl-outgoing__kind">{kind}</p>
                <p class="tl-outgoing__text">{text}</p>
                <p class="tl-outgoing__status" role=role>{status}</p>
                <div class="tl-outgoing__actions">
                    {can_undo.then(|| view! {
                        <button type="button" class="tl-button" on:click=move |_| state.take_back(&undo_id)>{t!("outgoing.undo")}</button>
                    })}
                    {failed.then(|| view! {
                        <button type="button" class="tl-button tl-button--primary" on:click=move |_| {
                            if let Some(mut item) = outbox::get(&retry_id) {
                                item.retry(now_ms());
                                state.replace(&item);
                            }
                        }>{t!("outgoing.retry")}</button>
                        <button type="button" class="tl-button" on:click=move |_| state.take_back(&edit_id)>{t!("outgoing.edit")}</button>
                    })}
                </div>
            </article>
        </li>
    }
}
