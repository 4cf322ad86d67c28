//! The app-wide word on messages on their way to other tickets than the one on screen:
//! "Sending 1 message…", or "1 message could not be sent" with a link to each ticket that
//! holds one. It reads the outbox driver, so it is right on every page and after a reload.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use threadline_core::outbox::OutState;

use crate::config::{AppConfig, Mode};
use crate::state::delivery::Delivery;

#[component]
pub fn SendingIndicator() -> impl IntoView {
    let Some(delivery) = use_context::<Delivery>() else {
        return ().into_any();
    };
    let customer = use_context::<AppConfig>().is_some_and(|c| c.mode == Mode::Customer);
    let path = use_location().pathname;
    // What the page on screen already shows is not repeated here; a framed conversation
    // (`/embed/…`) is one ticket inside another product, with nowhere else to go.
    let elsewhere = Memo::new(move |_| {
        let path = path.get();
        if path.starts_with("/embed/") {
            return Vec::new();
        }
        delivery.items.with(|items| {
            items
                .iter()
                .filter(|o| {
                    let id = String::from(js_sys::encode_uri_component(&o.ticket_id));
                    path != format!("/tickets/{id}") && path != format!("/portal/{id}")
                })
                .map(|o| (o.ticket_id.clone(), matches!(o.state, OutState::Failed(_))))
                .collect::<Vec<_>>()
        })
    });
    let sending = move || elsewhere.with(|e| e.iter().filter(|(_, failed)| !failed).count());
    let failed_tickets = move || {
        elsewhere.with(|e| {
            let mut tickets: Vec<String> = e
                .iter()
                .filter(|(_, f)| *f)
                .map(|(t, _)| t.clone())
                .collect();
            tickets.sort();
            tickets.dedup();
            tickets
        })
    };
    let failed = move || elsewhere.with(|e| e.iter().filter(|(_, f)| *f).count());
    let href = move |ticket: &str| {
        if customer {
            format!("/portal/{ticket}")
        } else {
            format!("/tickets/{ticket}")
        }
    };
    view! {
        <div class="tl-sending" role="status" aria-label=t!("indicator.label")>
            {move || (sending() > 0).then(|| view! {
                <p class="tl-sending__line">{crate::i18n::plural("indicator.sending", sending())}</p>
            })}
            {move || (failed() > 0).then(|| view! {
                <p class="tl-sending__line tl-sending__line--failed">
                    {crate::i18n::plural("indicator.failed", failed())}
                    {failed_tickets().into_iter().map(|ticket| view! {
                        " "
                        <A href=href(&ticket)>{t!("indicator.open_ticket", ticket = ticket)}</A>
                    }).collect_view()}
                </p>
            })}
        </div>
    }
    .into_any()
}
