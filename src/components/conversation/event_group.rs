//! A run of system events folded into one row ("4 events: status changed, assigned"), which
//! opens in place to list each event with its time. Which runs are open is the thread's
//! (it outlives the row, which the windowing drops when it scrolls away).

use std::collections::HashSet;

use leptos::prelude::*;
use threadline_core::events::summary;
use threadline_core::model::Message;

use crate::components::common::{Glyph, Icon, RelativeTime};

/// The runs that are open, by the id of their first event.
pub type OpenRuns = RwSignal<HashSet<String>>;

/// Renders a folded run of events.
#[component]
pub fn EventGroup(
    /// The events, oldest first (at least `threadline_core::events::FOLD_AT`).
    events: Vec<Message>,
    open: OpenRuns,
    /// Its place in the whole thread, from 1.
    #[prop(into)]
    position: Signal<usize>,
    /// How many rows the thread has.
    #[prop(into)]
    set_size: Signal<i64>,
) -> impl IntoView {
    // Open or not is kept by the run's first event (the run may grow); the row is named by
    // all of them, as the thread keys it.
    let key = events.first().map(|m| m.id.clone()).unwrap_or_default();
    let row = super::thread::run_key(&events);
    // Every event's id, so a message looked for by id (the newest, a new one) is found here.
    let ids = events
        .iter()
        .map(|m| m.id.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let words = summary(&events);
    let label = words.clone();
    let newest = events
        .last()
        .map(|m| m.created_at.clone())
        .unwrap_or_default();
    let expanded = {
        let key = key.clone();
        Memo::new(move |_| open.with(|o| o.contains(&key)))
    };
    let toggle = {
        let key = key.clone();
        move |_| {
            open.update(|o| {
                if !o.remove(&key) {
                    o.insert(key.clone());
                }
            });
        }
    };
    let list = events
        .into_iter()
        .map(|event| {
            view! {
                <li class="tl-events__item">
                    <span>{event.text.clone().unwrap_or_default()}</span>
                    <RelativeTime timestamp=event.created_at/>
                </li>
            }
        })
        .collect_view();
    view! {
        <article
            class="tl-msg tl-msg--system tl-events"
            data-message-id=row
            data-event-ids=ids
            aria-label=label
            aria-posinset=move || position.get()
            aria-setsize=move || set_size.get()
            tabindex="0"
        >
            <button
                type="button"
                class="tl-events__toggle"
                aria-expanded=move || expanded.get().to_string()
                on:click=toggle
            >
                <span class="tl-events__chevron"><Icon glyph=Glyph::ChevronDown/></span>
                <span class="tl-events__summary">{words}</span>
                <RelativeTime timestamp=newest/>
            </button>
            <ul class="tl-events__list" hidden=move || !expanded.get()>
                {list}
            </ul>
        </article>
    }
}
