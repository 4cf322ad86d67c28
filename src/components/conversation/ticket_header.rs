//! The ticket's header: subject, number, requester, status, assignee, inbox, tags and CC.
//! Absent fields are simply not shown.

use leptos::prelude::*;
use rust_i18n::t;
use threadline_core::i18n::isolate;
use threadline_core::model::Ticket;

/// Renders a ticket's header.
#[component]
pub fn TicketHeader(
    /// The ticket.
    ticket: Ticket,
) -> impl IntoView {
    let requester = ticket
        .requester
        .as_ref()
        .map(|p| isolate(&format!("{} <{}>", p.display_name(), p.email)));
    view! {
        <header class="tl-ticket">
            <h1 class="tl-ticket__subject">
                {ticket.subject.clone()}
                {ticket.number.clone().map(|n| view! { <span class="tl-ticket__number">" #"{n}</span> })}
            </h1>
            <dl class="tl-ticket__facts">
                {requester.map(|r| view! { <dt>{t!("ticket_header.requester")}</dt><dd>{r}</dd> })}
                {ticket.status.map(|s| view! { <dt>{t!("ticket_header.status")}</dt><dd class="tl-status">{s.label()}</dd> })}
                <dt>{t!("ticket_header.assignee")}</dt>
                <dd>{ticket.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| t!("ticket_header.unassigned").into_owned())}</dd>
                {ticket.inbox.clone().map(|i| view! { <dt>{t!("ticket_header.inbox")}</dt><dd>{i}</dd> })}
                {(!ticket.tags.is_empty()).then(|| view! { <dt>{t!("ticket_header.tags")}</dt><dd>{ticket.tags.join(", ")}</dd> })}
                {ticket.fields.clone().into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                {(!ticket.cc.is_empty()).then(|| view! { <dt>{t!("ticket_header.cc")}</dt><dd>{ticket.cc.join(", ")}</dd> })}
            </dl>
        </header>
    }
}
