//! The ticket's header, which stays at the top of the conversation while it scrolls: subject
//! and number, a status badge, requester and assignee on one line; and the ticket's details
//! (requester's address, inbox, tags, other fields, CC, created and updated), which sit in a
//! sidebar on wide screens ([`TicketDetails`]) and behind "Details" in the header on narrow
//! ones (CSS container queries choose). Absent fields are simply not shown.

use leptos::prelude::*;
use threadline_core::i18n::isolate;
use threadline_core::model::{Ticket, TicketStatus};

use crate::components::common::{unique_id, Glyph, Icon, RelativeTime};

/// Renders a ticket's header.
#[component]
pub fn TicketHeader(
    /// The ticket.
    ticket: Ticket,
    /// Whether the details are open (kept by the page: the header is built anew when the
    /// ticket is read again after a send).
    open: RwSignal<bool>,
    /// Who is copied now (the latest public message's CC, as the next reply would be).
    cc: Signal<Vec<String>>,
) -> impl IntoView {
    let details_id = unique_id("details");
    let requester = ticket
        .requester
        .as_ref()
        .map(|p| p.display_name().to_owned());
    let assignee = ticket
        .assignee
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_else(|| t!("ticket_header.unassigned").into_owned());
    let status = ticket.effective_status();
    view! {
        <header class="tl-ticket" part="header">
            <h1 class="tl-ticket__subject" title=ticket.subject.clone()>
                {ticket.subject.clone()}
                {ticket.number.clone().map(|n| view! { <span class="tl-ticket__number">" #"{n}</span> })}
            </h1>
            <p class="tl-ticket__line">
                {status.map(|s| view! { <StatusBadge status=s/> })}
                {requester.map(|r| view! {
                    <span class="tl-ticket__who">
                        <span class="tl-visually-hidden">{t!("ticket_header.requester")}": "</span>
                        {isolate(&r)}
                    </span>
                })}
                <span class="tl-ticket__who">
                    <span class="tl-ticket__label">{t!("ticket_header.assignee")}": "</span>
                    {assignee}
                </span>
                <super::PresenceList/>
                <button
                    type="button"
                    class="tl-link-button tl-ticket__toggle"
                    aria-expanded=move || open.get().to_string()
                    aria-controls=details_id.clone()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {t!("ticket_header.details")}
                    <Icon glyph=Glyph::ChevronDown/>
                </button>
            </p>
            <div id=details_id class="tl-ticket__details" hidden=move || !open.get()>
                <TicketFacts ticket=ticket.clone() cc=cc/>
            </div>
        </header>
    }
}

/// The status as a badge coloured by what it means (open, waiting, closed, spam).
#[component]
fn StatusBadge(status: TicketStatus) -> impl IntoView {
    let kind = match status {
        TicketStatus::WaitingAssociate => "open",
        TicketStatus::WaitingCustomer => "waiting",
        TicketStatus::Spam => "spam",
        _ => "closed",
    };
    view! {
        <span class=format!("tl-badge tl-badge--status tl-badge--{kind}")>
            <span class="tl-visually-hidden">{t!("ticket_header.status")}": "</span>
            {status.label()}
        </span>
    }
}

/// The ticket's details beside the conversation (shown on wide screens only).
#[component]
pub fn TicketDetails(ticket: Ticket, cc: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <aside class="tl-sidebar" aria-label=t!("ticket_header.details")>
            <TicketFacts ticket=ticket cc=cc/>
        </aside>
    }
}

/// Every detail the backend gave, as a description list.
#[component]
fn TicketFacts(ticket: Ticket, cc: Signal<Vec<String>>) -> impl IntoView {
    let requester = ticket
        .requester
        .as_ref()
        .map(|p| isolate(&format!("{} <{}>", p.display_name(), p.email)));
    view! {
        <dl class="tl-ticket__facts">
            {requester.map(|r| view! { <dt>{t!("ticket_header.requester")}</dt><dd>{r}</dd> })}
            {ticket.effective_status().map(|s| view! { <dt>{t!("ticket_header.status")}</dt><dd class="tl-status">{s.label()}</dd> })}
            <dt>{t!("ticket_header.assignee")}</dt>
            <dd>{ticket.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| t!("ticket_header.unassigned").into_owned())}</dd>
            {ticket.inbox.clone().map(|i| view! { <dt>{t!("ticket_header.inbox")}</dt><dd>{i}</dd> })}
            {(!ticket.tags.is_empty()).then(|| view! { <dt>{t!("ticket_header.tags")}</dt><dd>{ticket.tags.join(", ")}</dd> })}
            {ticket.fields.clone().into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
            {move || cc.with(|cc| (!cc.is_empty()).then(|| view! { <dt>{t!("ticket_header.cc")}</dt><dd>{cc.join(", ")}</dd> }))}
            {ticket.created_at.clone().map(|c| view! { <dt>{t!("ticket_header.created")}</dt><dd><RelativeTime timestamp=c/></dd> })}
            {ticket.updated_at.clone().map(|u| view! { <dt>{t!("ticket_header.updated")}</dt><dd><RelativeTime timestamp=u/></dd> })}
        </dl>
    }
}
