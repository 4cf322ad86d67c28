//! The agent's view of one ticket: header, thread and reply box.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use threadline_core::model::Message;

use crate::api::Client;
use crate::components::common::ErrorNotice;
use crate::components::composer::ReplyBox;
use crate::components::conversation::{Thread, TicketHeader};

/// The routed page; everything below is rebuilt when the ticket id changes, so no state of
/// one ticket can leak into another.
#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let ticket_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <TicketView ticket_id=ticket_id.get()/> }
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
    let thread = LocalResource::new({
        let (client, id) = (client.clone(), ticket_id.clone());
        move || {
            let (client, id) = (client.clone(), id.clone());
            async move { client.thread(&id).await }
        }
    });
    // Messages sent from this page since the thread loaded.
    let sent = RwSignal::new(Vec::<Message>::new());
    view! {
        <main class="tl-page">
            <nav class="tl-nav"><A href="/">"← All tickets"</A></nav>
            <Suspense fallback=|| view! { <p class="tl-loading" role="status">"Loading ticket…"</p> }>
                {move || ticket.get().map(|result| match result {
                    Ok(t) => view! { <TicketHeader ticket=t/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                })}
            </Suspense>
            <Suspense fallback=|| view! { <p class="tl-loading" role="status">"Loading conversation…"</p> }>
                {move || thread.get().map(|result| match result {
                    Ok(loaded) => {
                        let messages = Signal::derive(move || with_sent(&loaded, &sent.get()));
                        view! { <Thread messages=messages/> }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                })}
            </Suspense>
            <ReplyBox ticket_id=ticket_id on_sent=move |m: Message| sent.update(|v| v.push(m))/>
        </main>
    }
}

/// The loaded thread plus messages sent since, without duplicates.
fn with_sent(loaded: &[Message], sent: &[Message]) -> Vec<Message> {
    let mut all = loaded.to_vec();
    all.extend(
        sent.iter()
            .filter(|s| !loaded.iter().any(|l| l.id == s.id))
            .cloned(),
    );
    all
}
