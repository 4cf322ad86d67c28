//! The thread store: one per open ticket, owned by the app's root (or an embedded
//! conversation's) and shared by every view of that ticket. It reads the header and the
//! thread (the first read starts at once), tries a failed read again with back-off and when
//! the browser is back online, loads older pages, polls for new messages and reads the header
//! again after a send. When the last view of the ticket goes, its requests and timers stop and
//! its signals are disposed: nothing of it can outlive its use or touch a disposed signal.
//!
//! ```ignore
//! let thread = use_thread(&ticket_id); // in a view: the store, opened for as long as it lives
//! view! { <Thread messages=thread.messages .../> }
//! ```

use std::collections::HashMap;

use leptos::prelude::*;
use threadline_core::model::{Message, Ticket};
use threadline_core::ApiError;

use super::live::{LiveFeed, Reread};
use super::tasks::Tasks;
use crate::api::{start_now, Client};
use crate::config::{AppConfig, Mode};

/// A first load taking longer than this is said to be slow (ms).
const SLOW_MS: u64 = 5_000;

/// Where the thread's first load stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    Loading,
    Ready,
    Failed(ApiError),
}

/// One ticket's conversation as the store holds it, and what a view may ask of it.
#[derive(Debug, Clone, Copy)]
pub struct UseThreadReturn {
    /// The header's ticket; kept while it is read again after a send (a failed re-read keeps
    /// the header that was there).
    pub ticket: ReadSignal<Option<Result<Ticket, ApiError>>>,
    /// The messages read so far, oldest first.
    pub messages: RwSignal<Vec<Message>>,
    /// The first read.
    pub status: ReadSignal<Load>,
    /// The next older page, if any.
    pub older_page: ReadSignal<Option<u64>>,
    pub loading_older: ReadSignal<bool>,
    pub older_error: ReadSignal<Option<ApiError>>,
    /// Ids of messages found by polling that no view has shown the agent yet.
    pub unseen: RwSignal<Vec<String>>,
    /// A first read taking longer than 5 s.
    pub slow: ReadSignal<bool>,
    /// While every older page is being read (find, a link to an old message): pages read so
    /// far and how many there were to read.
    pub loading_all: ReadSignal<Option<(u64, u64)>>,
    /// The ticket's live events and presence, where the server offers them.
    pub live: Option<LiveFeed>,
    attempt: RwSignal<u32>,
    actions: StoredValue<Actions, LocalStorage>,
}

/// The store's operations, kept with it (they hold the client and the ticket id).
struct Actions {
    load_older: Box<dyn Fn()>,
    load_all_older: Box<dyn Fn(Option<String>)>,
    reload_ticket: Box<dyn Fn()>,
    check_new: Box<dyn Fn()>,
}

impl UseThreadReturn {
    /// Tries a failed read again now.
    pub fn retry(&self) {
        self.attempt.update(|a| *a += 1);
    }

    /// Loads the next older page (once at a time).
    pub fn load_older(&self) {
        self.actions.with_value(|a| (a.load_older)());
    }

    /// Reads every older page, one after the other, or until message `until` is read.
    pub fn load_all_older(&self, until: Option<String>) {
        self.actions.with_value(|a| (a.load_all_older)(until));
    }

    /// Reads the header again (a sent message may have changed the ticket).
    pub fn reload_ticket(&self) {
        self.actions.with_value(|a| (a.reload_ticket)());
    }

    /// Looks for new messages now, not at the next poll (a send that changed the ticket's
    /// status has an event in the thread to show); what it finds is the agent's own doing, so
    /// it is not announced as new.
    pub fn check_new(&self) {
        self.actions.with_value(|a| (a.check_new)());
    }
}

/// The open tickets' stores, provided at the root by [`Threads::provide`].
#[derive(Clone, Copy)]
pub struct Threads {
    root: StoredValue<Owner, LocalStorage>,
    open: StoredValue<HashMap<String, Open>, LocalStorage>,
}

struct Open {
    thread: UseThreadReturn,
    owner: Owner,
    views: usize,
}

impl Threads {
    /// Provides the registry in the current owner (the app's root, or an embedded
    /// conversation): the stores it opens belong to that owner, not to the views.
    pub fn provide() {
        let Some(root) = Owner::current() else {
            return;
        };
        provide_context(Self {
            root: StoredValue::new_local(root),
            open: StoredValue::new_local(HashMap::new()),
        });
    }

    /// Reads every open ticket again now: a failed first read is tried again, a loaded one
    /// looks for new messages (after a new sign-in, say).
    pub fn refresh(&self) {
        let open = self
            .open
            .try_with_value(|open| open.values().map(|o| o.thread).collect::<Vec<_>>())
            .unwrap_or_default();
        for thread in open {
            if matches!(thread.status.get_untracked(), Load::Failed(_)) {
                thread.retry();
            } else {
                thread.check_new();
            }
        }
    }

    fn open(&self, ticket_id: &str, start: impl FnOnce() -> UseThreadReturn) -> UseThreadReturn {
        let shared = self.open.try_update_value(|open| {
            open.get_mut(ticket_id).map(|o| {
                o.views += 1;
                o.thread
            })
        });
        if let Some(Some(thread)) = shared {
            return thread;
        }
        let owner = self.root.with_value(Owner::child);
        let thread = owner.with(start);
        self.open.update_value(|open| {
            open.insert(
                ticket_id.to_owned(),
                Open {
                    thread,
                    owner,
                    views: 1,
                },
            );
        });
        thread
    }

    fn close(&self, ticket_id: &str) {
        let closed = self.open.try_update_value(|open| {
            let last = open.get_mut(ticket_id).is_some_and(|o| {
                o.views = o.views.saturating_sub(1);
                o.views == 0
            });
            if last {
                open.remove(ticket_id)
            } else {
                None
            }
        });
        if let Some(Some(closed)) = closed {
            closed.owner.cleanup();
        }
    }
}

/// The store of `ticket_id`, opened for as long as the calling view lives. Without a
/// registry (a component mounted on its own) the store belongs to the caller.
pub fn use_thread(ticket_id: &str) -> UseThreadReturn {
    let client = expect_context::<Client>();
    let config = use_context::<AppConfig>();
    let settings = Settings {
        poll_seconds: config.as_ref().map_or(0, |c| c.poll_seconds),
        // Agents only: a customer's view has no Threadline server to ask, and sees no one.
        live: config
            .as_ref()
            .is_some_and(|c| c.live && c.mode != Mode::Customer)
            && client.has_own_api(),
        beats: config.as_ref().is_some_and(|c| c.mode == Mode::Agent),
    };
    let id = ticket_id.to_owned();
    let start = move || start_store(client, id, settings);
    match use_context::<Threads>() {
        Some(threads) => {
            let thread = threads.open(ticket_id, start);
            let id = ticket_id.to_owned();
            on_cleanup(move || threads.close(&id));
            thread
        }
        None => start(),
    }
}

/// How a store looks for what is new.
#[derive(Debug, Clone, Copy)]
struct Settings {
    /// Seconds between polls (0: none).
    poll_seconds: u32,
    /// Listen to the ticket's events (and poll only while the stream is not open).
    live: bool,
    /// Send this agent's presence.
    beats: bool,
}

/// Starts a store in the current owner.
fn start_store(client: Client, ticket_id: String, settings: Settings) -> UseThreadReturn {
    let tasks = Tasks::new();
    let ticket = RwSignal::new(None::<Result<Ticket, ApiError>>);
    let messages = RwSignal::new(Vec::<Message>::new());
    let status = RwSignal::new(Load::Loading);
    let older_page = RwSignal::new(None::<u64>);
    let loading_older = RwSignal::new(false);
    let older_error = RwSignal::new(None::<ApiError>);
    let unseen = RwSignal::new(Vec::<String>::new());
    let slow = RwSignal::new(false);
    let loading_all = RwSignal::new(None::<(u64, u64)>);
    let attempt = RwSignal::new(0u32);

    let load_ticket = {
        let (client, id) = (client.clone(), ticket_id.clone());
        move || {
            let reading = {
                let (client, id) = (client.clone(), id.clone());
                start_now(async move { client.ticket(&id).await })
            };
            tasks.spawn(async move {
                let result = reading.await;
                if let Err(e) = &result {
                    if e.is_retryable() {
                        retry_after_backoff(tasks, attempt);
                    }
                }
                // A failed re-read (after a send) keeps the header that was there.
                let shown = ticket.with_untracked(|t| matches!(t, Some(Ok(_))));
                if result.is_ok() || !shown {
                    ticket.set(Some(result));
                }
            });
        }
    };
    load_ticket();

    let in_flight = StoredValue::new(false);
    let load_thread = {
        let (client, id) = (client.clone(), ticket_id.clone());
        let load_ticket = load_ticket.clone();
        move |n: u32| {
            if n > 0 && ticket.with_untracked(|t| matches!(t, Some(Err(_)))) {
                load_ticket();
            }
            if status.get_untracked() == Load::Ready || in_flight.get_value() {
                return;
            }
            in_flight.set_value(true);
            slow.set(false);
            tasks.after(std::time::Duration::from_millis(SLOW_MS), move || {
                if attempt.get_untracked() == n && in_flight.get_value() {
                    slow.set(true);
                }
            });
            let opening = {
                let (client, id) = (client.clone(), id.clone());
                start_now(async move { client.open(&id).await })
            };
            tasks.spawn(async move {
                let result = opening.await;
                in_flight.set_value(false);
                slow.set(false);
                match result {
                    Ok(chunk) => {
                        messages.set(chunk.messages);
                        older_page.set(chunk.older_page);
                        status.set(Load::Ready);
                    }
                    Err(e) => {
                        if e.is_retryable() {
                            retry_after_backoff(tasks, attempt);
                        }
                        status.set(Load::Failed(e));
                    }
                }
            });
        }
    };
    // The first read starts now, its request sent before any view is built (`start_now`);
    // tries after a failure follow `attempt`.
    load_thread(0);
    Effect::new(move |_| {
        let n = attempt.get();
        if n > 0 {
            load_thread(n);
        }
    });
    let back_online = window_event_listener(leptos::ev::online, move |_| {
        if matches!(status.get_untracked(), Load::Failed(_))
            || ticket.with_untracked(|t| matches!(t, Some(Err(_))))
        {
            attempt.update(|a| *a += 1);
        }
    });
    on_cleanup(move || back_online.remove());

    let load_older = {
        let (client, id) = (client.clone(), ticket_id.clone());
        move || {
            let Some(page) = older_page.get_untracked() else {
                return;
            };
            if loading_older.get_untracked() {
                return;
            }
            loading_older.set(true);
            older_error.set(None);
            let (client, id) = (client.clone(), id.clone());
            tasks.spawn(async move {
                match client.older(&id, page).await {
                    Ok(chunk) => {
                        // The thread keeps what the agent was reading in place.
                        messages.update(|current| *current = prepend(chunk.messages, current));
                        older_page.set(chunk.older_page);
                    }
                    Err(e) => older_error.set(Some(e)),
                }
                loading_older.set(false);
            });
        }
    };
    let load_all_older = {
        let (client, id) = (client.clone(), ticket_id.clone());
        move |until: Option<String>| {
            let Some(first) = older_page.get_untracked() else {
                return;
            };
            if loading_older.get_untracked() {
                return;
            }
            loading_older.set(true);
            older_error.set(None);
            loading_all.set(Some((0, first)));
            let (client, id) = (client.clone(), id.clone());
            tasks.spawn(async move {
                // The pages are put in the thread together at the end: one arrival above what
                // the agent reads, which the thread keeps in place (page after page, quicker
                // than frames, would move it).
                let mut older = Vec::<Message>::new();
                let mut next = Some(first);
                let found = |id: &str, older: &[Message]| {
                    older.iter().any(|m| m.id == id)
                        || messages.with_untracked(|m| m.iter().any(|m| m.id == id))
                };
                while let Some(page) = next {
                    if until.as_deref().is_some_and(|id| found(id, &older)) {
                        break;
                    }
                    match client.older(&id, page).await {
                        Ok(chunk) => {
                            older = prepend(chunk.messages, &older);
                            next = chunk.older_page;
                            loading_all.set(Some(((first + 1).saturating_sub(page), first)));
                        }
                        Err(e) => {
                            older_error.set(Some(e));
                            break;
                        }
                    }
                }
                messages.update(|current| *current = prepend(older, current));
                older_page.set(next);
                loading_all.set(None);
                loading_older.set(false);
            });
        }
    };
    let check_new = new_messages_check(
        tasks,
        client.clone(),
        ticket_id.clone(),
        messages,
        unseen,
        status,
    );
    let live = settings.live.then(|| {
        let (check_new, load_ticket) = (check_new.clone(), load_ticket.clone());
        super::live::start(
            tasks,
            client,
            ticket_id,
            settings.beats,
            move |what| match what {
                Reread::Messages => check_new(true, true),
                Reread::Ticket => load_ticket(),
            },
        )
    });
    if settings.poll_seconds > 0 {
        // While the stream is open it says what is new: no polling then.
        let streaming = move || live.is_some_and(|l| l.connected.get_untracked());
        let check = check_new.clone();
        poll_every(tasks, settings.poll_seconds, move |due, announce| {
            check(due && !streaming(), announce)
        });
    }
    UseThreadReturn {
        ticket: ticket.read_only(),
        messages,
        status: status.read_only(),
        older_page: older_page.read_only(),
        loading_older: loading_older.read_only(),
        older_error: older_error.read_only(),
        unseen,
        slow: slow.read_only(),
        loading_all: loading_all.read_only(),
        live,
        attempt,
        actions: StoredValue::new_local(Actions {
            load_older: Box::new(load_older),
            load_all_older: Box::new(load_all_older),
            reload_ticket: Box::new(load_ticket),
            check_new: Box::new(move || check_new(true, false)),
        }),
    }
}

/// Counts `attempt` up after a back-off (2 s, 4 s … 30 s), unless something else has tried
/// meanwhile.
fn retry_after_backoff(tasks: Tasks, attempt: RwSignal<u32>) {
    let n = attempt.get_untracked();
    let wait = (2_000u64 << n.min(4)).min(30_000);
    tasks.after(std::time::Duration::from_millis(wait), move || {
        attempt.update(|a| {
            if *a == n {
                *a += 1;
            }
        });
    });
}

/// Runs `check` every `seconds` (its argument says whether the tab is shown, or every fourth
/// tick while it is hidden: four times slower).
fn poll_every(tasks: Tasks, seconds: u32, check: impl Fn(bool, bool) + Clone + 'static) {
    let ticks = StoredValue::new(0u32);
    tasks.every(
        std::time::Duration::from_secs(u64::from(seconds)),
        move || {
            let tick = ticks.get_value().wrapping_add(1);
            ticks.set_value(tick);
            check(!document().hidden() || tick.is_multiple_of(4), true);
        },
    );
}

/// One look for new messages (when `due`): they are appended, and when `announce`d, listed
/// in `unseen` (the pill) rather than scrolled to. Asked while a look is on its way, one more
/// follows it (an event may announce a message stored after that look's answer was made).
fn new_messages_check(
    tasks: Tasks,
    client: Client,
    ticket_id: String,
    messages: RwSignal<Vec<Message>>,
    unseen: RwSignal<Vec<String>>,
    status: RwSignal<Load>,
) -> impl Fn(bool, bool) + Clone + 'static {
    let in_flight = StoredValue::new(false);
    // Asked again meanwhile: whether to announce what that look finds.
    let again = StoredValue::new(None::<bool>);
    // Asked before the thread was read (an event during the first read): once it is.
    let before_ready = StoredValue::new(None::<bool>);
    let check = move |due: bool, announce: bool| {
        if !due {
            return;
        }
        if status.get_untracked() != Load::Ready {
            before_ready.set_value(Some(before_ready.get_value().unwrap_or(false) || announce));
            return;
        }
        if in_flight.get_value() {
            again.set_value(Some(again.get_value().unwrap_or(false) || announce));
            return;
        }
        in_flight.set_value(true);
        let (client, id) = (client.clone(), ticket_id.clone());
        tasks.spawn(async move {
            let mut announce = announce;
            let mut failed = 0u32;
            loop {
                // A failed look is tried again soon (with the stream open nothing polls).
                if !look_once(&client, &id, messages, unseen, announce).await && failed < 3 {
                    failed += 1;
                    super::tasks::sleep(2_000 * u64::from(failed)).await;
                    continue;
                }
                failed = 0;
                match again.get_value() {
                    Some(next) => {
                        again.set_value(None);
                        announce = next;
                    }
                    None => break,
                }
            }
            in_flight.set_value(false);
        });
    };
    let waiting = check.clone();
    Effect::new(move |_| {
        if status.get() == Load::Ready {
            if let Some(announce) = before_ready.get_value() {
                before_ready.set_value(None);
                waiting(true, announce);
            }
        }
    });
    check
}

/// Reads the newest messages once and appends those not shown yet; `false` when the read
/// failed (the thread on screen stays as it is).
async fn look_once(
    client: &Client,
    id: &str,
    messages: RwSignal<Vec<Message>>,
    unseen: RwSignal<Vec<String>>,
    announce: bool,
) -> bool {
    let Ok(chunk) = client.latest(id).await else {
        return false;
    };
    {
        let mut fresh = Vec::new();
        messages.update(|current| {
            for m in chunk.messages {
                if !current.iter().any(|c| c.id == m.id) {
                    fresh.push(m.id.clone());
                    current.push(m);
                }
            }
        });
        if announce && !fresh.is_empty() {
            unseen.update(|u| u.extend(fresh));
        }
    }
    true
}

/// `older` (oldest first) before `current`, without duplicates.
fn prepend(mut older: Vec<Message>, current: &[Message]) -> Vec<Message> {
    older.retain(|o| !current.iter().any(|c| c.id == o.id));
    older.extend_from_slice(current);
    older
}
