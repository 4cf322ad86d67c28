//! The agent's view of one ticket: header, thread (newest messages first, older pages on
//! demand), messages on their way, and the composer.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use rust_i18n::t;
use threadline_core::model::{Message, Ticket};
use threadline_core::ApiError;

use super::shortcuts::{self, ShortcutHelp};
use crate::api::{start_now, Client};
use crate::components::common::{ErrorNotice, ScrollArea};
use crate::components::composer::{add_to_thread, Composer, OutboxState, OutgoingList};
use crate::components::conversation::{Thread, TicketHeader};
use crate::config::{AppConfig, Mode};
use crate::embed::Embedded;
use crate::state::delivery::{Delivery, Serves};
use crate::state::tasks::Tasks;

/// Start loading older messages when the page is scrolled this close to its top.
const LOAD_OLDER_WITHIN_PX: f64 = 400.0;
/// A first load taking longer than this is said to be slow (ms).
const SLOW_MS: u64 = 5_000;

/// The routed page; everything below is rebuilt when the ticket id changes, so no state of
/// one ticket can leak into another.
#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let ticket_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <TicketView ticket_id=ticket_id.get()/> }
}

/// Where the thread's first load stands.
#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Ready,
    Failed(ApiError),
}

/// The customer's view through a signed link: the link names the ticket (and keys its drafts).
#[component]
pub fn PortalPage() -> impl IntoView {
    let params = use_params_map();
    let link = Memo::new(move |_| params.read().get("link").unwrap_or_default());
    move || view! { <TicketView ticket_id=link.get()/> }
}

/// The iframe mode: `/embed/{ticket}?parent-origin=https://portal.example&mode=readonly`.
/// The framing page hears what happens by `postMessage` (to that origin only).
#[component]
pub fn FramedPage() -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let ticket_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let origin = query
        .read_untracked()
        .get("parent-origin")
        .unwrap_or_default();
    if let Some(embedded) = crate::embed::Embedded::for_parent(&origin) {
        provide_context(embedded);
    }
    // Only a narrower view than the configuration's: a frame can be made read-only.
    if query.read_untracked().get("mode").as_deref() == Some("readonly") {
        if let Some(mut config) = use_context::<AppConfig>() {
            config.mode = Mode::Readonly;
            provide_context(config);
        }
    }
    move || view! { <TicketView ticket_id=ticket_id.get()/> }
}

/// One ticket's conversation: the page's body, and what an embedded element shows.
#[component]
pub fn ConversationView(ticket_id: String) -> impl IntoView {
    view! { <TicketView ticket_id=ticket_id/> }
}

#[component]
fn TicketView(ticket_id: String) -> impl IntoView {
    let client = expect_context::<Client>();
    // Every request, timer and poll of this view stops when it goes: nothing after an
    // `.await` or in a timer touches its signals once they are disposed.
    let tasks = Tasks::new();
    let mode = use_context::<AppConfig>()
        .map(|c| c.mode)
        .unwrap_or_default();
    let customer = mode == Mode::Customer;
    let area = ScrollArea::current();
    // Embedded in another page (or framed by one) there is no way back to the list.
    let show_nav = !customer && use_context::<Embedded>().is_none();
    // The header's ticket, kept on screen while it is read again after a send (a resource
    // refetch emptied it for a moment, which shrank the page and threw the agent to the top).
    let ticket = RwSignal::new(None::<Result<Ticket, ApiError>>);
    // The host page hears of sends, status changes and errors (when embedded).
    let embedded = use_context::<Embedded>();
    let notify = move |name: &str, detail: serde_json::Value| {
        if let Some(e) = embedded {
            e.emit(name, detail);
        }
    };
    // A first load that fails is tried again on its own (backing off), at once when the
    // browser is back online, or when the agent asks: the page recovers without a reload.
    let attempt = RwSignal::new(0u32);
    let slow = RwSignal::new(false);
    let retry_later = {
        move |error: &ApiError| {
            if error.is_retryable() {
                retry_after_backoff(&tasks, attempt);
            }
        }
    };
    let load_ticket = {
        let (client, id, tasks) = (client.clone(), ticket_id.clone(), tasks);
        move || {
            let reading = {
                let (client, id) = (client.clone(), id.clone());
                start_now(async move { client.ticket(&id).await })
            };
            let id = id.clone();
            tasks.spawn(async move {
                let result = reading.await;
                let before = ticket
                    .with_untracked(|t| t.as_ref().and_then(|t| t.as_ref().ok()).map(|t| t.status));
                match &result {
                    Ok(now) if before.is_some_and(|b| b != now.status) => notify(
                        "status-changed",
                        serde_json::json!({
                            "ticketId": id,
                            "status": now.status.map(|s| s.label()),
                            // The label is in the reader's language; this never changes.
                            "statusCode": now.status.map(|s| s.as_wire()),
                        }),
                    ),
                    Err(e) => {
                        notify(
                            "error",
                            serde_json::json!({ "ticketId": id, "message": e.user_message() }),
                        );
                        retry_later(e);
                    }
                    _ => {}
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
    let messages = RwSignal::new(Vec::<Message>::new());
    let older_page = RwSignal::new(None::<u64>);
    let status = RwSignal::new(Load::Loading);
    let loading_older = RwSignal::new(false);
    let older_error = RwSignal::new(None::<ApiError>);
    // Scrolling near the top loads older messages only once the thread has settled where it
    // opens: content arriving above it (the header) moves the page on its own before that.
    let settled = RwSignal::new(false);

    let in_flight = StoredValue::new(false);
    let load_thread = {
        let (client, id, tasks) = (client.clone(), ticket_id.clone(), tasks);
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
            let id = id.clone();
            tasks.spawn(async move {
                let result = opening.await;
                in_flight.set_value(false);
                slow.set(false);
                match result {
                    Ok(chunk) => {
                        let newest = chunk.messages.last().map(|m| m.id.clone());
                        messages.set(chunk.messages);
                        older_page.set(chunk.older_page);
                        status.set(Load::Ready);
                        // A thread taller than the window opens on its newest message, next
                        // to the composer, once the messages are in the DOM.
                        if let Some(newest) = newest {
                            settle_at_bottom(area, &newest).await;
                        }
                        settled.set(true);
                    }
                    Err(e) => {
                        notify(
                            "error",
                            serde_json::json!({ "ticketId": id, "message": e.user_message() }),
                        );
                        retry_later(&e);
                        status.set(Load::Failed(e));
                    }
                }
            });
        }
    };
    // The first read starts now, its request sent before the page below is built
    // (`start_now`); tries after a failure follow `attempt`.
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

    let load_older = Callback::new({
        let (client, id, tasks) = (client.clone(), ticket_id.clone(), tasks);
        move |()| {
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
                    Err(e) => {
                        older_error.set(Some(e));
                    }
                }
                loading_older.set(false);
            });
        }
    });
    // New messages found by polling that the agent has not scrolled to yet.
    let unseen = RwSignal::new(Vec::<String>::new());
    let poll_seconds = use_context::<AppConfig>().map_or(0, |c| c.poll_seconds);
    if poll_seconds > 0 {
        poll_for_new_messages(
            &tasks,
            client.clone(),
            ticket_id.clone(),
            poll_seconds,
            messages,
            unseen,
            status,
        );
    }
    // Messages on their way: saved in the browser and sent exactly once by the app's outbox
    // driver (which goes on when this view goes), shown under the thread while on their way.
    let delivery = use_context::<Delivery>()
        .unwrap_or_else(|| Delivery::start(client.clone(), Serves::Ticket(ticket_id.clone())));
    let outbox = OutboxState::for_ticket(delivery, &ticket_id);
    outbox.on_delivered({
        let id = ticket_id.clone();
        move |d| {
            add_to_thread(messages, &d.message);
            notify("sent", serde_json::json!({ "ticketId": id }));
            // A message can change the ticket (next action, assignee, fields): show it as
            // it is now.
            load_ticket();
        }
    });
    let ticket_now = Signal::derive(move || ticket.get().and_then(Result::ok));
    Effect::new(move |_| {
        area.track();
        let y = area.scroll_top();
        if y < LOAD_OLDER_WITHIN_PX
            && settled.get_untracked()
            && status.get_untracked() == Load::Ready
            && older_error.get_untracked().is_none()
        {
            load_older.run(());
        }
        let bottom = area.content_height() - 100.0;
        if y + area.viewport_height() >= bottom && !unseen.with_untracked(Vec::is_empty) {
            unseen.set(Vec::new());
        }
    });

    let root = NodeRef::<leptos::html::Main>::new();
    let help = NodeRef::<leptos::html::Dialog>::new();
    shortcuts::listen_on_page(root, help, area);
    view! {
        <main
            class="tl-page"
            node_ref=root
            on:keydown=move |ev| {
                if !area.is_page() {
                    shortcuts::on_key(&ev, root, help, area);
                }
            }
        >
            <nav class="tl-nav" aria-label=t!("ticket_page.nav")>
                {show_nav.then(|| view! { <A href="/">{t!("ticket_page.all_tickets")}</A> })}
                <button
                    type="button"
                    class="tl-link-button tl-nav__help"
                    aria-keyshortcuts="Shift+?"
                    on:click=move |_| {
                        if let Some(d) = help.get_untracked() {
                            let _ = d.show_modal();
                        }
                    }
                >{t!("shortcuts.title")}</button>
            </nav>
            <ShortcutHelp dialog=help/>
            {move || match ticket.get() {
                None => view! { <p class="tl-loading" role="status">{t!("ticket_page.loading_ticket")}</p> }.into_any(),
                Some(Ok(t)) => view! { <TicketHeader ticket=t/> }.into_any(),
                Some(Err(e)) => view! { <LoadFailed error=e attempt=attempt slow=slow/> }.into_any(),
            }}
            // The marker takes the button's place at the same height, so that nothing below moves
            // when the last older page arrives.
            {move || match (status.get(), older_page.get()) {
                (Load::Ready, Some(_)) => view! {
                <button
                    type="button"
                    class="tl-button tl-older"
                    disabled=move || loading_older.get()
                    on:click=move |_| load_older.run(())
                >
                    {move || if loading_older.get() { t!("ticket_page.loading_older") } else { t!("ticket_page.load_older") }}
                </button>
                }.into_any(),
                (Load::Ready, None) => view! {
                    <p class="tl-older tl-older--start">{t!("ticket_page.beginning")}</p>
                }.into_any(),
                _ => ().into_any(),
            }}
            {move || older_error.get().map(|e| view! { <ErrorNotice error=e/> })}
            {move || match status.get() {
                Load::Loading => view! {
                    <p class="tl-loading" role="status">
                        {move || if slow.get() {
                            t!("ticket_page.still_loading")
                        } else {
                            t!("ticket_page.loading_conversation")
                        }}
                    </p>
                }.into_any(),
                Load::Failed(e) => view! { <LoadFailed error=e attempt=attempt slow=slow/> }.into_any(),
                Load::Ready => view! { <Thread messages=messages complete=Signal::derive(move || older_page.get().is_none())/> }.into_any(),
            }}
            <div class="tl-new-messages" role="status" aria-live="polite">
                {move || {
                    let count = unseen.with(Vec::len);
                    (count > 0).then(|| view! {
                        <button type="button" class="tl-button tl-button--primary tl-new-messages__pill" on:click=move |_| {
                            let first = unseen.with_untracked(|u| u.first().cloned());
                            unseen.set(Vec::new());
                            if let Some(first) = first {
                                tasks.spawn(async move { reveal(area, &first).await });
                            }
                        }>
                            {crate::i18n::plural("ticket_page.new_messages", count)}
                        </button>
                    })
                }}
            </div>
            <OutgoingList state=outbox/>
            // A read-only view has no composer at all.
            {(mode != Mode::Readonly).then(|| view! {
                <Composer ticket_id=ticket_id ticket=ticket_now thread=messages outbox=outbox/>
            })}
        </main>
    }
}

/// Counts `attempt` up after a back-off (2 s, 4 s … 30 s), unless something else has tried
/// meanwhile.
fn retry_after_backoff(tasks: &Tasks, attempt: RwSignal<u32>) {
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

/// A load that failed: what happened, that it is tried again (when it can help), and a
/// button to try now.
#[component]
fn LoadFailed(error: ApiError, attempt: RwSignal<u32>, slow: RwSignal<bool>) -> impl IntoView {
    let retryable = error.is_retryable();
    view! {
        <div class="tl-load-failed">
            <ErrorNotice error=error/>
            {retryable.then(|| view! {
                <p class="tl-load-failed__retry" role="status">
                    {move || if slow.get() {
                        t!("ticket_page.still_trying")
                    } else {
                        t!("ticket_page.trying_again")
                    }}
                </p>
            })}
            <button type="button" class="tl-button" on:click=move |_| attempt.update(|a| *a += 1)>
                {t!("ticket_page.try_again")}
            </button>
        </div>
    }
}

/// Looks for new messages every `seconds` (four times slower while the tab is hidden) and
/// appends them, announcing them through `unseen` rather than scrolling.
fn poll_for_new_messages(
    tasks: &Tasks,
    client: Client,
    ticket_id: String,
    seconds: u32,
    messages: RwSignal<Vec<Message>>,
    unseen: RwSignal<Vec<String>>,
    status: RwSignal<Load>,
) {
    let ticks = StoredValue::new(0u32);
    let in_flight = StoredValue::new(false);
    let spawner = *tasks;
    tasks.every(
        std::time::Duration::from_secs(u64::from(seconds)),
        move || {
            let tick = ticks.get_value().wrapping_add(1);
            ticks.set_value(tick);
            let hidden = document().hidden();
            if (hidden && !tick.is_multiple_of(4))
                || in_flight.get_value()
                || status.get_untracked() != Load::Ready
            {
                return;
            }
            in_flight.set_value(true);
            let (client, id) = (client.clone(), ticket_id.clone());
            spawner.spawn(async move {
                // A failed poll is retried at the next tick; the thread on screen stays as is.
                if let Ok(chunk) = client.latest(&id).await {
                    let mut fresh = Vec::new();
                    messages.update(|current| {
                        for m in chunk.messages {
                            if !current.iter().any(|c| c.id == m.id) {
                                fresh.push(m.id.clone());
                                current.push(m);
                            }
                        }
                    });
                    if !fresh.is_empty() {
                        unseen.update(|u| u.extend(fresh));
                    }
                }
                in_flight.set_value(false);
            });
        },
    );
}

/// `older` (oldest first) before `current`, without duplicates.
fn prepend(mut older: Vec<Message>, current: &[Message]) -> Vec<Message> {
    older.retain(|o| !current.iter().any(|c| c.id == o.id));
    older.extend_from_slice(current);
    older
}

/// Scrolls message `id` into view (rendering it first if the thread is windowed).
pub fn reveal_message(id: String) {
    let area = ScrollArea::current();
    leptos::task::spawn_local(async move { reveal(area, &id).await });
}

/// The article of message `id`, if it is in the DOM.
fn message_element(area: ScrollArea, id: &str) -> Option<web_sys::Element> {
    area.find_all(".tl-thread > article[data-message-id]")
        .into_iter()
        .find(|e| e.get_attribute("data-message-id").is_some_and(|v| v == id))
}

/// Scrolls to the bottom until the newest message is rendered and the page stops growing:
/// the thread is windowed, so heights are estimates until messages are measured.
async fn settle_at_bottom(area: ScrollArea, newest: &str) {
    let mut last_height = -1.0;
    for _ in 0..60 {
        area.scroll_to_bottom();
        next_frame().await;
        let height = area.content_height();
        if message_element(area, newest).is_some() && (height - last_height).abs() < 1.0 {
            return;
        }
        last_height = height;
    }
}

/// Brings a new message (at the end of the thread, possibly not rendered yet) into view.
async fn reveal(area: ScrollArea, id: &str) {
    for _ in 0..60 {
        if let Some(el) = message_element(area, id) {
            el.scroll_into_view();
            return;
        }
        area.scroll_to_bottom();
        next_frame().await;
    }
}

/// Resolves at the next animation frame.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
