//! One message of the thread: author, role, time, body, CC and attachments. Internal notes
//! are tinted, labelled and announced as such.

use leptos::prelude::*;
use threadline_core::html::message_body;
use threadline_core::model::{Message, Role};

use crate::components::common::{RelativeTime, SafeHtmlView};

/// Renders a message.
#[component]
pub fn MessageItem(
    /// The message to show.
    message: Message,
) -> impl IntoView {
    let body = message_body(&message);
    let author = message.author.clone().unwrap_or_default();
    let name = match message.role {
        Role::System => "System".to_owned(),
        _ => author.display_name().to_owned(),
    };
    let kind = match (message.role, message.is_internal) {
        (Role::System, _) => "System event",
        (_, true) => "Internal note",
        (_, false) => "Message",
    };
    let class = match (message.role, message.is_internal) {
        (Role::System, _) => "tl-msg tl-msg--system",
        (_, true) => "tl-msg tl-msg--note",
        (Role::Associate, false) => "tl-msg tl-msg--agent",
        (_, false) => "tl-msg tl-msg--customer",
    };
    let label = format!("{kind} from {name}");
    let is_note = message.is_internal && message.role != Role::System;
    let cc = (!message.cc.is_empty()).then(|| format!("Cc: {}", message.cc.join(", ")));
    let attachments = message.attachments.clone();
    view! {
        <li class=class data-message-id=message.id.clone()>
            <article aria-label=label>
                <header class="tl-msg__header">
                    <span class="tl-avatar" aria-hidden="true">{author.initials()}</span>
                    <span class="tl-msg__author">{name}</span>
                    <span class="tl-msg__role">{message.role.label()}</span>
                    {(!author.email.is_empty() && message.role != Role::System)
                        .then(|| view! { <span class="tl-msg__email">{author.email.clone()}</span> })}
                    {is_note.then(|| view! {
                        <span class="tl-badge tl-badge--note"><span aria-hidden="true">"🔒 "</span>"Internal note"</span>
                    })}
                    <RelativeTime timestamp=message.created_at.clone()/>
                </header>
                {cc.map(|cc| view! { <p class="tl-msg__cc">{cc}</p> })}
                <SafeHtmlView html=body class="tl-msg__body"/>
                {(!attachments.is_empty()).then(|| view! {
                    <ul class="tl-attachments" aria-label="Attachments">
                        {attachments.into_iter().map(|a| {
                            let size = a.size.map(format_size).unwrap_or_default();
                            view! { <li class="tl-attachment">{a.name}" "<span class="tl-attachment__size">{size}</span></li> }
                        }).collect_view()}
                    </ul>
                })}
            </article>
        </li>
    }
}

/// `1234` → "1.2 KB".
fn format_size(bytes: u64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}
