//! One message of the thread: author, role, time, body, CC and attachments. Internal notes
//! are tinted, labelled and announced as such.

use leptos::prelude::*;
use threadline_core::fold::QuoteSplit;
use threadline_core::i18n::isolate;
use threadline_core::model::{Message, Role};

use super::{AttachmentList, MessageBody, MessageMenu, ThreadNav};
use crate::components::common::{Glyph, Icon, RelativeTime};
use crate::state::identity::ReplyingAs;
use crate::state::image_prefs;
use crate::state::toolbox::Toolbox;
use threadline_core::mentions::mentions;

/// Renders a message.
#[component]
pub fn MessageItem(
    /// The message to show.
    message: Message,
    /// Where its quoted history starts, if it should fold.
    #[prop(optional_no_strip)]
    quote: Option<QuoteSplit>,
    /// Its place in the whole thread, from 1.
    #[prop(into)]
    position: Signal<usize>,
    /// How many messages the thread has.
    #[prop(into)]
    set_size: Signal<i64>,
) -> impl IntoView {
    let author = message.author.clone().unwrap_or_default();
    let name = match message.role {
        Role::System => t!("message.system").into_owned(),
        _ => author.display_name().to_owned(),
    };
    let kind = match (message.role, message.is_internal) {
        (Role::System, _) => "tl-msg tl-msg--system",
        (_, true) => "tl-msg tl-msg--note",
        (Role::Associate, false) => "tl-msg tl-msg--agent",
        (_, false) => "tl-msg tl-msg--customer",
    };
    // A link's target is highlighted for a moment; the first unread message has the divider.
    let nav = use_context::<ThreadNav>();
    let is = move |which: fn(&ThreadNav) -> RwSignal<Option<String>>, id: &str| {
        nav.is_some_and(|n| which(&n).with(|h| h.as_deref() == Some(id)))
    };
    let class = {
        let id = message.id.clone();
        move || {
            if is(|n| n.highlighted, &id) {
                format!("{kind} tl-msg--target")
            } else {
                kind.to_owned()
            }
        }
    };
    let first_unread = {
        let id = message.id.clone();
        move || is(|n| n.first_unread, &id)
    };
    let label = match (message.role, message.is_internal) {
        (Role::System, _) => t!("message.system_event_from", name = isolate(&name)),
        (_, true) => t!("message.note_from", name = isolate(&name)),
        (_, false) => t!("message.message_from", name = isolate(&name)),
    };
    let is_note = message.is_internal && message.role != Role::System;
    // The author's own address is in the header already (a CC'd person writing in).
    let copied: Vec<&str> = message
        .cc
        .iter()
        .map(String::as_str)
        .filter(|a| !a.eq_ignore_ascii_case(&author.email))
        .collect();
    let cc =
        (!copied.is_empty()).then(|| t!("message.cc", addresses = isolate(&copied.join(", "))));
    let attachments = message.attachments.clone();
    let show_images = RwSignal::new(image_prefs::always_shows(&author.email));
    // A colleague's note that @mentions the agent reading it.
    let toolbox = use_context::<Toolbox>();
    let replying_as = use_context::<ReplyingAs>();
    let body = message
        .text
        .clone()
        .or_else(|| message.html.clone())
        .unwrap_or_default();
    let author_name = name.clone();
    let mentions_me = move || {
        let me = toolbox
            .and_then(|t| t.agent_name.get())
            .or_else(|| replying_as.and_then(|r| r.0.get()))?;
        (is_note && !me.eq_ignore_ascii_case(author_name.trim()) && mentions(&body, &me))
            .then_some(())
    };
    view! {
        <article
            class=class
            data-message-id=message.id.clone()
            aria-label=label
            aria-posinset=move || position.get()
            aria-setsize=move || set_size.get()
            tabindex="0"
        >
                {move || first_unread().then(|| view! {
                    <p class="tl-unread-divider">{t!("unread.divider")}</p>
                })}
                <header class="tl-msg__header">
                    <span class="tl-avatar" aria-hidden="true">{author.initials()}</span>
                    <span class="tl-msg__author">{name}</span>
                    <span class="tl-msg__role">{message.role.label()}</span>
                    {(!author.email.is_empty() && message.role != Role::System)
                        .then(|| view! { <span class="tl-msg__email">{author.email.clone()}</span> })}
                    {is_note.then(|| view! {
                        <span class="tl-badge tl-badge--note">
                            <Icon glyph=Glyph::Lock/>
                            {format!(" {}", t!("message.internal_note"))}
                        </span>
                    })}
                    {move || mentions_me().map(|()| view! {
                        <span class="tl-badge tl-badge--mention">{t!("message.mentions_you")}</span>
                    })}
                    <RelativeTime timestamp=message.created_at.clone()/>
                    <MessageMenu message_id=message.id.clone() html=message.html.clone() show_images=show_images.into()/>
                </header>
                {cc.map(|cc| view! { <p class="tl-msg__cc">{cc}</p> })}
                {message.problems.iter().map(|p| view! {
                    <p class="tl-msg__problem" role="note">{p.describe()}</p>
                }).collect_view()}
                <MessageBody message=message.clone() quote=quote show_images=show_images/>
                {(!attachments.is_empty()).then(|| view! { <AttachmentList attachments=attachments/> })}
        </article>
    }
}
