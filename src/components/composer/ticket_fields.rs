//! Ticket properties the backend lets a message change (priority, type…), each left as it
//! is unless the agent picks a value.

use std::collections::BTreeMap;

use leptos::prelude::*;
use threadline_core::model::TicketField;

#[component]
pub fn TicketFieldsChoice(
    fields: StoredValue<Vec<TicketField>>,
    values: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    fields
        .get_value()
        .into_iter()
        .map(|f| {
            let key = f.key;
            let chosen = move || values.with(|all| all.get(key).cloned());
            view! {
                <label class="tl-composer__option">
                    {f.label}
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        values.update(|all| {
                            if v.is_empty() {
                                all.remove(key);
                            } else {
                                all.insert(key.to_owned(), v);
                            }
                        });
                    }>
                        <option value="" prop:selected=move || chosen().is_none()>{t!("composer.keep_current")}</option>
                        {f.options.into_iter().map(|(value, label)| view! {
                            <option value=value prop:selected=move || chosen().as_deref() == Some(value)>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
            }
        })
        .collect_view()
}
