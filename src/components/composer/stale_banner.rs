//! The stale-reply guard's questions at Send: messages were written since the agent began
//! (send anyway, or review them first), or a colleague is replying too (send anyway, or keep
//! the draft).

use leptos::prelude::*;
use threadline_core::i18n::isolate;
use threadline_core::model::Message;

/// Shown while `stale` lists what arrived since the draft began.
#[component]
pub fn StaleBanner(
    stale: RwSignal<Vec<Message>>,
    on_send_anyway: Callback<()>,
    /// With the first new message's id, to show it.
    on_review: Callback<Option<String>>,
) -> impl IntoView {
    move || {
        let since = stale.get();
        (!since.is_empty()).then(|| {
            let first = since.first().map(|m| m.id.clone());
            view! {
                <div class="tl-composer__stale" role="alert">
                    <p>{crate::i18n::plural("composer.stale", since.len())}</p>
                    <ul>
                        {since.iter().map(|m| {
                            let who = m.author.as_ref().map_or_else(|| t!("composer.someone").into_owned(), |a| isolate(a.display_name()));
                            let excerpt: String = m.text.clone().unwrap_or_default().chars().take(140).collect();
                            view! { <li><strong>{who}</strong>": "{excerpt}</li> }
                        }).collect_view()}
                    </ul>
                    <button type="button" class="tl-button tl-button--primary" on:click=move |_| on_send_anyway.run(())>{t!("composer.send_anyway")}</button>
                    <button type="button" class="tl-button" on:click=move |_| on_review.run(first.clone())>{t!("composer.review_first")}</button>
                </div>
            }
        })
    }
}

/// "Priya Shah is replying" (or "… and others are replying"); empty when nobody is.
pub fn replying_now(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => t!("presence.is_replying", name = isolate(one)).into_owned(),
        [first, ..] => t!("presence.others_replying", name = isolate(first)).into_owned(),
    }
}

/// Shown while `rivals` lists the colleagues who were replying when Send was pressed.
#[component]
pub fn ReplyingBanner(
    rivals: RwSignal<Vec<String>>,
    on_send_anyway: Callback<()>,
    on_keep: Callback<()>,
) -> impl IntoView {
    move || {
        let names = rivals.get();
        (!names.is_empty()).then(|| {
            view! {
                <div class="tl-composer__stale" role="alert">
                    <p>{t!("presence.also_replying", who = replying_now(&names)).into_owned()}</p>
                    <button type="button" class="tl-button tl-button--primary" on:click=move |_| on_send_anyway.run(())>{t!("composer.send_anyway")}</button>
                    <button type="button" class="tl-button" on:click=move |_| on_keep.run(())>{t!("presence.keep_draft")}</button>
                </div>
            }
        })
    }
}
