//! Who else is on the ticket, in its header: an avatar per agent with what they do
//! ("viewing", "replying…", "idle"), from the ticket's live feed. Nothing without one (no
//! Threadline server, or the customer's view).

use leptos::prelude::*;
use threadline_core::i18n::isolate;
use threadline_core::live::Present;

use crate::state::live::LiveFeed;

/// The other agents on the ticket, if the live feed knows any.
#[component]
pub fn PresenceList() -> impl IntoView {
    let feed = use_context::<LiveFeed>();
    move || {
        let others = feed.map(|f| f.others.get()).unwrap_or_default();
        (!others.is_empty()).then(|| {
            view! {
                <ul class="tl-presence" aria-label=t!("presence.label").into_owned()>
                    {others.into_iter().map(|p| view! { <Someone present=p/> }).collect_view()}
                </ul>
            }
        })
    }
}

#[component]
fn Someone(present: Present) -> impl IntoView {
    let doing = if present.idle {
        t!("presence.idle")
    } else if present.activity.is_replying() {
        t!("presence.replying")
    } else {
        t!("presence.viewing")
    };
    let class = if present.idle {
        "tl-presence__who tl-presence__who--idle"
    } else if present.activity.is_replying() {
        "tl-presence__who tl-presence__who--replying"
    } else {
        "tl-presence__who"
    };
    let doing = doing.into_owned();
    let title = format!("{} · {doing}", present.name);
    view! {
        <li class=class title=title>
            <span class="tl-avatar tl-avatar--small" aria-hidden="true">{present.initials()}</span>
            <span class="tl-presence__name">{isolate(&present.name)}</span>
            " "
            <span class="tl-presence__doing">{doing}</span>
        </li>
    }
}
