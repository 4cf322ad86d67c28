//! The agent's view of one ticket: header, thread (newest messages first, older pages on
//! demand) and reply box.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use threadline_core::model::Message;
use threadline_core::ApiError;

use crate::api::Client;
use crate::components::common::ErrorNotice;
use crate::components::composer::ReplyBox;
use crate::components::conversation::{Thread, TicketHeader};

/// Start loading older messages when the page is scrolled this close to its top.
const LOAD_OLDER_WITHIN_PX: f64 = 400.0;

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

#[component]
fn TicketView(ticket_id: String) -> impl IntoView {
    let client = expect_context::<Client>();
    let ticket = LocalResource::new({
        let (client, id) = (client.clone(), ticket_id.clone());
        move || {
            let (client, id) = (client.clone(), id.clone());
            async move { client.ticket(&id).await }
        }
    });
    let messages = RwSignal::new(Vec::<Message>::new());
    let older_page = RwSignal::new(None::<u64>);
    let status = RwSignal::new(Load::Loading);
    let loading_older = RwSignal::new(false);
    let older_error = RwSignal::new(None::<ApiError>);

    {
        let (client, id) = (client.clone(), ticket_id.clone());
        spawn_local(async move {
            match client.latest(&id).await {
                Ok(chunk) => {
                    let has_older = chunk.older_page.is_some();
                    let newest = chunk.messages.last().map(|m| m.id.clone());
                    messages.try_set(chunk.messages);
                    older_page.try_set(chunk.older_page);
                    status.try_set(Load::Ready);
                    // A long thread opens on its newest message, not on page 1's oldest,
                    // once the messages are in the DOM.
                    if let (true, Some(newest)) = (has_older, newest) {
                        if rendered(&newest).await {
                            scroll_to_bottom();
                        }
                    }
                }
                Err(e) => {
                    status.try_set(Load::Failed(e));
                }
            }
        });
    }

    let load_older = Callback::new({
        let (client, id) = (client.clone(), ticket_id.clone());
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
            let height_before = document_height();
            spawn_local(async move {
                match client.older(&id, page).await {
                    Ok(chunk) => {
                        let first_older = chunk.messages.first().map(|m| m.id.clone());
                        messages.try_update(|current| *current = prepend(chunk.messages, current));
                        older_page.try_set(chunk.older_page);
                        // Keep what the agent was reading where it was, once the older
                        // messages are in the DOM.
                        if let Some(first_older) = first_older {
                            if rendered(&first_older).await {
                                scroll_by(document_height() - height_before);
                            }
                        }
                    }
                    Err(e) => {
                        older_error.try_set(Some(e));
                    }
                }
                loading_older.try_set(false);
            });
        }
    });
    let scrolling = window_event_listener(leptos::ev::scroll, move |_| {
        let near_top = window().scroll_y().is_ok_and(|y| y < LOAD_OLDER_WITHIN_PX);
        if near_top
            && status.get_untracked() == Load::Ready
            && older_error.get_untracked().is_none()
        {
            load_older.run(());
        }
    });
    on_cleanup(move || scrolling.remove());

    view! {
        <main class="tl-page">
            <nav class="tl-nav"><A href="/">"← All tickets"</A></nav>
            <Suspense fallback=|| view! { <p class="tl-loading" role="status">"Loading ticket…"</p> }>
                {move || ticket.get().map(|result| match result {
                    Ok(t) => view! { <TicketHeader ticket=t/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                })}
            </Suspense>
            {move || older_page.get().map(|_| view! {
                <button
                    type="button"
                    class="tl-button tl-older"
                    disabled=move || loading_older.get()
                    on:click=move |_| load_older.run(())
                >
                    {move || if loading_older.get() { "Loading older messages…" } else { "Load older messages" }}
                </button>
            })}
            {move || older_error.get().map(|e| view! { <ErrorNotice error=e/> })}
            {move || match status.get() {
                Load::Loading => view! { <p class="tl-loading" role="status">"Loading conversation…"</p> }.into_any(),
                Load::Failed(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Load::Ready => view! { <Thread messages=messages/> }.into_any(),
            }}
            <ReplyBox ticket_id=ticket_id on_sent=move |m: Message| messages.update(|v| append(v, m))/>
        </main>
    }
}

/// `older` (oldest first) before `current`, without duplicates.
fn prepend(mut older: Vec<Message>, current: &[Message]) -> Vec<Message> {
    older.retain(|o| !current.iter().any(|c| c.id == o.id));
    older.extend_from_slice(current);
    older
}

/// Adds a message sent from this page, unless the thread already has it.
fn append(thread: &mut Vec<Message>, message: Message) {
    if !thread.iter().any(|m| m.id == message.id) {
        thread.push(message);
    }
}

/// Waits (at most about a second of frames) until the message `id` is in the DOM, so that
/// scrolling measures the page as the agent will see it.
async fn rendered(id: &str) -> bool {
    for _ in 0..60 {
        let present = document()
            .query_selector_all(".tl-thread > li[data-message-id]")
            .ok()
            .is_some_and(|items| {
                (0..items.length()).any(|i| {
                    items
                        .item(i)
                        .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
                        .and_then(|e| e.get_attribute("data-message-id"))
                        .is_some_and(|v| v == id)
                })
            });
        if present {
            return true;
        }
        next_frame().await;
    }
    false
}

/// Resolves at the next animation frame.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn document_height() -> f64 {
    document()
        .document_element()
        .map_or(0.0, |e| f64::from(e.scroll_height()))
}

fn scroll_by(dy: f64) {
    if dy != 0.0 {
        window().scroll_by_with_x_and_y(0.0, dy);
    }
}

fn scroll_to_bottom() {
    window().scroll_to_with_x_and_y(0.0, document_height());
}
