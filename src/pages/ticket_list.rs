//! The ticket list: the organisation's tickets, most recently updated first.

use leptos::prelude::*;
use leptos_router::components::A;
use threadline_core::model::Ticket;

use crate::api::Client;
use crate::components::common::{ErrorNotice, RelativeTime};

/// The list of tickets.
#[component]
pub fn TicketListPage() -> impl IntoView {
    let client = expect_context::<Client>();
    let tickets = LocalResource::new(move || {
        let client = client.clone();
        async move { client.tickets().await }
    });
    view! {
        <main class="tl-page">
            <h1>"Tickets"</h1>
            <Suspense fallback=|| view! { <p class="tl-loading" role="status">"Loading tickets…"</p> }>
                {move || tickets.get().map(|result| match result {
                    Ok(page) if page.items.is_empty() => view! { <p>"No tickets yet."</p> }.into_any(),
                    Ok(page) => view! {
                        <ul class="tl-tickets" aria-label="Tickets">
                            {page.items.into_iter().map(|t| view! { <TicketRow ticket=t/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn TicketRow(ticket: Ticket) -> impl IntoView {
    let href = format!("/tickets/{}", ticket.id);
    let requester = ticket
        .requester
        .as_ref()
        .map(|p| p.display_name().to_owned())
        .unwrap_or_default();
    view! {
        <li class="tl-tickets__row">
            <A href=href attr:class="tl-tickets__link">{ticket.subject.clone()}</A>
            <span class="tl-tickets__meta">
                {ticket.number.clone().map(|n| format!("#{n} · "))}
                {requester}
                {ticket.status.map(|s| view! { " · "<span class="tl-status">{s.label()}</span> })}
                {ticket.updated_at.clone().map(|t| view! { " · "<RelativeTime timestamp=t/> })}
            </span>
        </li>
    }
}
