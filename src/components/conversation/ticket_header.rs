//! The ticket's header: subject, number, requester, status, assignee, inbox, tags and CC.
//! Absent fields are simply not shown.

use leptos::prelude::*;
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
        .map(|p| format!("{} <{}>", p.display_name(), p.email));
    view! {
        <header class="tl-ticket">
            <h1 class="tl-ticket__subject">
                {ticket.subject.clone()}
                {ticket.number.clone().map(|n| view! { <span class="tl-ticket__number">" #"{n}</span> })}
            </h1>
            <dl class="tl-ticket__facts">
                {requester.map(|r| view! { <dt>"Requester"</dt><dd>{r}</dd> })}
                {ticket.status.map(|s| view! { <dt>"Status"</dt><dd class="tl-status">{s.label()}</dd> })}
                <dt>"Assignee"</dt>
                <dd>{ticket.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "Unassigned".to_owned())}</dd>
                {ticket.inbox.clone().map(|i| view! { <dt>"Inbox"</dt><dd>{i}</dd> })}
                {(!ticket.tags.is_empty()).then(|| view! { <dt>"Tags"</dt><dd>{ticket.tags.join(", ")}</dd> })}
                {ticket.fields.clone().into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                {(!ticket.cc.is_empty()).then(|| view! { <dt>"CC"</dt><dd>{ticket.cc.join(", ")}</dd> })}
            </dl>
        </header>
    }
}
