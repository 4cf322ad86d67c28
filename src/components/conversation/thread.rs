//! The thread: every message, oldest first, as a list.

use leptos::prelude::*;
use threadline_core::fold::{quote_split, QuoteSplit};
use threadline_core::model::Message;

use super::MessageItem;

/// Renders messages in order.
#[component]
pub fn Thread(
    /// The messages, oldest first.
    #[prop(into)]
    messages: Signal<Vec<Message>>,
) -> impl IntoView {
    let items = Memo::new(move |_| messages.with(|all| with_quote_splits(all)));
    view! {
        <ol class="tl-thread" aria-label="Conversation">
            <For each=move || items.get() key=|(m, _)| m.id.clone() let:item>
                <MessageItem message=item.0 quote=item.1/>
            </For>
        </ol>
    }
}

/// How many earlier messages a quote is compared with: quotes repeat recent messages, and
/// the bound keeps long threads linear.
const QUOTE_LOOKBACK: usize = 50;

fn with_quote_splits(all: &[Message]) -> Vec<(Message, Option<QuoteSplit>)> {
    all.iter()
        .enumerate()
        .map(|(i, m)| {
            (
                m.clone(),
                quote_split(m, &all[i.saturating_sub(QUOTE_LOOKBACK)..i]),
            )
        })
        .collect()
}
