//! The agent's choice of what follows a send (stay, the next ticket, the list), beside Send.

use leptos::prelude::*;
use threadline_core::after_send::AfterSend;

use crate::state::after_send::AfterSendHook;

#[component]
pub fn AfterSendField(hook: AfterSendHook) -> impl IntoView {
    view! {
        <label class="tl-composer__option tl-composer__after-send">
            {t!("composer.after_send")}
            <select on:change=move |ev| {
                if let Some(choice) = AfterSend::from_wire(&event_target_value(&ev)) {
                    hook.choose(choice);
                }
            }>
                {AfterSend::ALL.into_iter().map(|a| view! {
                    <option value=a.as_wire() prop:selected=move || hook.choice.get() == a>{a.label()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}
