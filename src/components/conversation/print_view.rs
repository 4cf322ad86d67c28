//! "Print conversation": every message of the ticket (earlier pages read first), not only the
//! thread's window, with quotes unfolded, notes marked and exact times, in a print-only view
//! the print stylesheet shows in place of the page. Remote images stay blocked on paper.

use leptos::prelude::*;
use threadline_core::html::message_body;
use threadline_core::model::{Message, Role, Ticket};
use threadline_core::time::parse_rfc3339_millis;

use crate::components::common::SafeHtmlView;
use crate::i18n::exact_time;
use crate::state::tasks::Tasks;
use crate::state::thread::UseThreadReturn;

/// The "Print conversation" button and, while printing, the view for paper.
#[component]
pub fn PrintConversation(thread: UseThreadReturn, ticket: Signal<Option<Ticket>>) -> impl IntoView {
    let tasks = Tasks::new();
    // Asked for: printed once every older page is there.
    let asked = RwSignal::new(false);
    let printing = RwSignal::new(false);
    let after = window_event_listener(leptos::ev::afterprint, move |_| {
        printing.try_set(false);
    });
    on_cleanup(move || after.remove());
    // Whether this print has read the older pages already: a page that failed then is said by
    // the page's error notice, and the print waits for the agent to ask again.
    let read_older = StoredValue::new(false);
    Effect::new(move |_| {
        if !asked.get() || thread.loading_older.get() {
            return;
        }
        if thread.older_page.get().is_some() {
            if !read_older.get_value() {
                read_older.set_value(true);
                thread.load_all_older(None);
            } else {
                asked.set(false);
                read_older.set_value(false);
            }
            return;
        }
        asked.set(false);
        read_older.set_value(false);
        printing.set(true);
        // Once the view for paper is in the page.
        tasks.frame(move || {
            let _ = window().print();
        });
    });
    view! {
        <button
            type="button"
            class="tl-link-button tl-nav__print"
            disabled=move || asked.get()
            on:click=move |_| asked.set(true)
        >
            {move || if asked.get() { t!("print.preparing") } else { t!("print.open") }}
        </button>
        {move || printing.get().then(|| view! {
            <PrintView messages=thread.messages.get_untracked() ticket=ticket.get_untracked()/>
        })}
    }
}

/// The conversation on paper.
#[component]
fn PrintView(messages: Vec<Message>, ticket: Option<Ticket>) -> impl IntoView {
    view! {
        <div class="tl-print">
            {ticket.map(|t| view! {
                <h1>{t.subject.clone()} " " <span class="tl-print__number">{format!("#{}", t.number.clone().unwrap_or_else(|| t.id.clone()))}</span></h1>
                <p class="tl-print__meta">
                    {t.status.map(|s| s.label())}
                    {t.requester.map(|r| format!(" · {} <{}>", r.display_name(), r.email))}
                </p>
            })}
            {messages.into_iter().map(|m| view! { <PrintedMessage message=m/> }).collect_view()}
        </div>
    }
}

#[component]
fn PrintedMessage(message: Message) -> impl IntoView {
    let author = message.author.clone().unwrap_or_default();
    let name = match message.role {
        Role::System => t!("message.system").into_owned(),
        _ => author.display_name().to_owned(),
    };
    let note = message.is_internal && message.role != Role::System;
    let when = parse_rfc3339_millis(&message.created_at).map(exact_time);
    let body = message_body(&message);
    let class = if note {
        "tl-print__msg tl-print__msg--note"
    } else {
        "tl-print__msg"
    };
    view! {
        <article class=class>
            <header class="tl-print__header">
                <strong>{name}</strong>
                {(!author.email.is_empty() && message.role != Role::System).then(|| format!(" <{}>", author.email))}
                {note.then(|| view! { <span class="tl-print__note">{t!("message.internal_note")}</span> })}
                <span class="tl-print__time">{when}</span>
            </header>
            {(!message.cc.is_empty()).then(|| view! {
                <p class="tl-print__cc">{t!("message.cc", addresses = message.cc.join(", "))}</p>
            })}
            <SafeHtmlView html=body class="tl-msg__body"/>
            {(!message.attachments.is_empty()).then(|| view! {
                <p class="tl-print__files">
                    {t!("print.attachments", names = message.attachments.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "))}
                </p>
            })}
        </article>
    }
}
