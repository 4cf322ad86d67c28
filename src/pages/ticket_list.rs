//! The ticket list: the organisation's tickets, most recently updated first; where the
//! helpdesk's API has no list, a field to open a ticket by its number or reference.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use threadline_core::model::Ticket;

use crate::api::Client;
use crate::components::common::{ErrorNotice, RelativeTime, Skeleton};

/// The list of tickets.
#[component]
pub fn TicketListPage() -> impl IntoView {
    let client = expect_context::<Client>();
    if !client.capabilities().has_ticket_list {
        return view! {
            <main class="tl-page">
                <h1>{t!("ticket_list.open_title")}</h1>
                <OpenByNumber/>
            </main>
        }
        .into_any();
    }
    let tickets = LocalResource::new(move || {
        let client = client.clone();
        async move { client.tickets().await }
    });
    view! {
        <main class="tl-page">
            <h1>{t!("ticket_list.title")}</h1>
            <Suspense fallback=|| view! { <Skeleton status=t!("ticket_list.loading").into_owned() rows=6/> }>
                {move || tickets.get().map(|result| match result {
                    Ok(page) if page.items.is_empty() => view! { <p class="tl-empty">{t!("ticket_list.empty")}</p> }.into_any(),
                    Ok(page) => view! {
                        <ul class="tl-tickets" aria-label=t!("ticket_list.title")>
                            {page.items.into_iter().map(|t| view! { <TicketRow ticket=t/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => {
                        let retryable = e.is_retryable();
                        view! {
                            <ErrorNotice error=e/>
                            {retryable.then(|| view! {
                                <button type="button" class="tl-button" on:click=move |_| tickets.refetch()>
                                    {t!("ticket_page.try_again")}
                                </button>
                            })}
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

/// Opens a ticket by what the agent types (an id such as `47`, or a reference).
#[component]
fn OpenByNumber() -> impl IntoView {
    let value = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let navigate = use_navigate();
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = value.get_untracked().trim().to_owned();
        let valid = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        invalid.set(!valid);
        if valid {
            navigate(&format!("/tickets/{id}"), Default::default());
        }
    };
    view! {
        <form class="tl-open-ticket" on:submit=open aria-label=t!("ticket_list.open_title")>
            <p>{t!("ticket_list.no_list")}</p>
            <label>
                {t!("ticket_list.number_label")}
                <input
                    type="text"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=move || invalid.get().to_string()
                />
            </label>
            <button type="submit" class="tl-button">{t!("ticket_list.open")}</button>
            {move || invalid.get().then(|| view! { <p class="tl-field-error" role="alert">{t!("ticket_list.invalid_number")}</p> })}
        </form>
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
