//! The live feed of one open ticket, owned by its thread store: the ticket's event stream from
//! Threadline's server (new messages and header changes are read as soon as they are stored,
//! instead of at the next poll), who else is on the ticket, and this agent's heartbeat.
//!
//! The stream is reconnected after a pause that grows to 30 s, resuming with the last event
//! id (the server sends what was missed, or says to read again). While it is not open the
//! thread store polls as before, so a server without events, a proxy that cuts long requests
//! or a refused stream only make the app slower, never alarm the agent.
//!
//! The heartbeat says what the agent does ([`Activity`]): on every change, every 20 s while
//! the tab is shown, and "leaving" when the ticket closes. Customers send none and see none.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use threadline_core::live::{Activity, Beat, LiveEvent, Present, BEAT_EVERY_MS, TYPING_WINDOW_MS};

use super::tasks::Tasks;
use crate::api::stream::Ended;
use crate::api::Client;

/// The longest pause before the stream is tried again.
const MAX_PAUSE_MS: u64 = 30_000;

/// What the feed asks of its thread store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reread {
    /// New messages: read the newest.
    Messages,
    /// The header changed: read the ticket.
    Ticket,
}

/// One ticket's live feed. Copy, like a signal.
#[derive(Debug, Clone, Copy)]
pub struct LiveFeed {
    /// The stream is open (the thread store does not poll meanwhile).
    pub connected: ReadSignal<bool>,
    /// The other agents on the ticket, never this one.
    pub others: ReadSignal<Vec<Present>>,
    /// This agent's activity, as the heartbeat reports it (with `None`, no heartbeat).
    activity: Option<RwSignal<Activity>>,
    last_input: StoredValue<Option<f64>>,
    has_draft: StoredValue<bool>,
    tasks: Tasks,
}

impl LiveFeed {
    /// The composer had input now.
    pub fn typed(&self) {
        self.last_input.set_value(Some(super::now_ms()));
        self.refresh();
        // Typing ends by itself when the input stops.
        let feed = *self;
        self.tasks.after(
            Duration::from_millis(TYPING_WINDOW_MS as u64 + 100),
            move || feed.refresh(),
        );
    }

    /// Whether the composer holds a draft. An empty composer (a message just sent, or all
    /// of it deleted) is no one replying, however recent the last key.
    pub fn drafting(&self, has_draft: bool) {
        self.has_draft.set_value(has_draft);
        if !has_draft {
            self.last_input.set_value(None);
        }
        self.refresh();
    }

    fn refresh(&self) {
        let Some(activity) = self.activity else {
            return;
        };
        let since = self.last_input.get_value().map(|at| super::now_ms() - at);
        let now = Activity::of(since, self.has_draft.get_value());
        if activity.get_untracked() != now {
            activity.set(now);
        }
    }

    /// The others answering the ticket now (not idle), by name.
    pub fn replying(&self) -> Vec<String> {
        self.others.with(|o| {
            o.iter()
                .filter(|p| p.activity.is_replying() && !p.idle)
                .map(|p| p.name.clone())
                .collect()
        })
    }
}

/// Starts the feed of `ticket` in the current owner; `reread` is called for what changed.
/// `beats`: this agent reports presence (agents do, customers do not).
pub fn start(
    tasks: Tasks,
    client: Client,
    ticket: String,
    beats: bool,
    reread: impl Fn(Reread) + Clone + 'static,
) -> LiveFeed {
    let connected = RwSignal::new(false);
    let others = RwSignal::new(Vec::<Present>::new());
    let feed = LiveFeed {
        connected: connected.read_only(),
        others: others.read_only(),
        activity: beats.then(|| RwSignal::new(Activity::Viewing)),
        last_input: StoredValue::new(None),
        has_draft: StoredValue::new(false),
        tasks,
    };
    connect(
        tasks,
        client.clone(),
        ticket.clone(),
        connected,
        others,
        reread,
    );
    if let Some(activity) = feed.activity {
        heartbeat(tasks, client, ticket, activity);
    }
    feed
}

/// Keeps the stream open for as long as the owner lives.
fn connect(
    tasks: Tasks,
    client: Client,
    ticket: String,
    connected: RwSignal<bool>,
    others: RwSignal<Vec<Present>>,
    reread: impl Fn(Reread) + Clone + 'static,
) {
    // Aborted when the owner goes, so the request does not outlive it; and while the tab is
    // hidden, so that tabs in the background do not hold the browser's few connections to
    // the server (six per host over HTTP/1.1): they poll, slowly, meanwhile.
    let current = SendWrapper::new(Rc::new(RefCell::new(None::<web_sys::AbortController>)));
    let abort = {
        let current = current.clone();
        move || {
            if let Some(controller) = current.borrow_mut().take() {
                controller.abort();
            }
        }
    };
    let hidden = window_event_listener(leptos::ev::visibilitychange, {
        let abort = abort.clone();
        move |_| {
            if document().hidden() {
                abort();
            }
        }
    });
    on_cleanup(move || {
        hidden.remove();
        abort();
    });
    tasks.spawn(async move {
        let mut last_id: Option<String> = None;
        let mut me: Option<String> = None;
        let mut failures = 0u32;
        let mut opened_before = false;
        loop {
            while document().hidden() {
                super::tasks::sleep(1_000).await;
            }
            let began = super::now_ms();
            let Ok(controller) = web_sys::AbortController::new() else {
                return;
            };
            let signal = controller.signal();
            *current.borrow_mut() = Some(controller);
            let mut opened = false;
            let resumed_from = last_id.clone();
            let ended = client
                .events(&ticket, resumed_from.as_deref(), &signal, |frame| {
                    if frame.id.is_some() {
                        last_id.clone_from(&frame.id);
                    }
                    let Some(event) = frame.event() else { return };
                    if !opened {
                        opened = true;
                        connected.try_set(true);
                        // What was stored between the last read and the stream's opening has
                        // no event on it: read once now (back after a break with nothing to
                        // resume from, the header too).
                        reread(Reread::Messages);
                        if opened_before && resumed_from.is_none() {
                            reread(Reread::Ticket);
                        }
                    }
                    match event {
                        LiveEvent::Hello { you } => me = Some(you),
                        LiveEvent::Message { .. } => reread(Reread::Messages),
                        LiveEvent::Ticket { .. } => reread(Reread::Ticket),
                        LiveEvent::Reset => {
                            reread(Reread::Messages);
                            reread(Reread::Ticket);
                        }
                        LiveEvent::Presence { present, .. } => {
                            let shown: Vec<Present> = present
                                .into_iter()
                                .filter(|p| Some(&p.agent) != me.as_ref())
                                .collect();
                            others.try_set(shown);
                        }
                    }
                })
                .await;
            current.borrow_mut().take();
            connected.try_set(false);
            others.try_set(Vec::new());
            opened_before |= opened;
            let wait = match ended {
                // A server without the stream, or a ticket it does not know: poll only.
                Ok(Ended::Refused(r)) if matches!(r.status, 404 | 405) => return,
                Ok(Ended::Refused(r)) => retry_after_ms(&r).unwrap_or_else(|| pause(failures)),
                // A stream cut soon after it opened (a proxy's short timeout): not at once again.
                _ if opened && super::now_ms() - began < 5_000.0 => 1_000,
                _ if opened => 0,
                _ => pause(failures),
            };
            failures = if opened { 0 } else { failures + 1 };
            if wait > 0 {
                super::tasks::sleep(wait).await;
            }
        }
    });
}

/// The pause after `failures` failed tries in a row: 1 s doubling to 30 s.
fn pause(failures: u32) -> u64 {
    (1_000u64 << failures.min(5)).min(MAX_PAUSE_MS)
}

fn retry_after_ms(response: &threadline_core::http::HttpResponse) -> Option<u64> {
    let seconds: u64 = response.header("retry-after")?.trim().parse().ok()?;
    Some((seconds * 1_000).min(MAX_PAUSE_MS))
}

/// Beats on every change of `activity`, every [`BEAT_EVERY_MS`] while the tab is shown, when
/// it is shown again, and once more, leaving, when the owner goes.
fn heartbeat(tasks: Tasks, client: Client, ticket: String, activity: RwSignal<Activity>) {
    let tab = super::tab_id().to_owned();
    let send = {
        let (client, ticket, tab) = (client.clone(), ticket.clone(), tab.clone());
        move |activity: Activity, leaving: bool| {
            let beat = Beat {
                tab: tab.clone(),
                activity,
                leaving,
            };
            if leaving {
                // Sent as the ticket closes, or the page: nothing waits for the answer.
                client.beat_leaving(&ticket, &beat);
                return;
            }
            let (client, ticket) = (client.clone(), ticket.clone());
            tasks.spawn(async move {
                let _ = client.beat(&ticket, &beat).await;
            });
        }
    };
    Effect::new({
        let send = send.clone();
        move |_| send(activity.get(), false)
    });
    tasks.every(Duration::from_millis(BEAT_EVERY_MS), {
        let send = send.clone();
        move || {
            if !document().hidden() {
                send(activity.get_untracked(), false);
            }
        }
    });
    let shown = window_event_listener(leptos::ev::visibilitychange, {
        let send = send.clone();
        move |_| {
            if !document().hidden() {
                if let Some(now) = activity.try_get_untracked() {
                    send(now, false);
                }
            }
        }
    });
    // The tab closes or goes to another page: gone now, not after 90 s of silence.
    let hidden_for_good = window_event_listener(leptos::ev::pagehide, {
        let send = send.clone();
        move |_| {
            if let Some(now) = activity.try_get_untracked() {
                send(now, true);
            }
        }
    });
    // The leaving beat says the activity as it last was (the signal is gone by then).
    let last = SendWrapper::new(Rc::new(std::cell::Cell::new(Activity::Viewing)));
    let noting = last.clone();
    Effect::new(move |_| noting.set(activity.get()));
    let send = SendWrapper::new(send);
    on_cleanup(move || {
        shown.remove();
        hidden_for_good.remove();
        send(last.get(), true);
    });
}
