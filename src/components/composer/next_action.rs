//! What sending also does to the ticket (close, reopen, spam…), as the backend offers it.

use leptos::prelude::*;
use rust_i18n::t;
use threadline_core::model::NextAction;

#[component]
pub fn NextActionField(
    next_action: RwSignal<NextAction>,
    actions: StoredValue<Vec<NextAction>>,
) -> impl IntoView {
    view! {
        <label class="tl-composer__option">
            {t!("composer.next_action")}
            <select on:change=move |ev| {
                let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                next_action.set(actions.with_value(|all| all.get(i).copied()).unwrap_or(NextAction::None));
            }>
                {actions.get_value().into_iter().enumerate().map(|(i, a)| view! {
                    <option value=i.to_string() prop:selected=move || next_action.get() == a>{a.label()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}
