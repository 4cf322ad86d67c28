//! The thread: every message, oldest first, as a list.

use leptos::prelude::*;
use threadline_core::model::Message;

use super::MessageItem;

/// Renders messages in order.
#[component]
pub fn Thread(
    /// The messages, oldest first.
    #[prop(into)]
    messages: Signal<Vec<Message>>,
) -> impl IntoView {
    view! {
        <ol class="tl-thread" aria-label="Conversation">
            <For each=move || messages.get() key=|m| m.id.clone() let:message>
                <MessageItem message=message/>
            </For>
        </ol>
    }
}
