//! Whether a public reply goes out as email, and from which mailbox, where the backend lets
//! the agent choose.

use leptos::prelude::*;

#[component]
pub fn EmailOptions(
    send_email: RwSignal<Option<bool>>,
    from_mailbox: RwSignal<Option<String>>,
    mailboxes: StoredValue<Vec<String>>,
    /// Whether the reply is emailed now.
    #[prop(into)]
    emailing: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="tl-composer__email">
            <label class="tl-composer__option">
                <input
                    type="checkbox"
                    prop:checked=move || send_email.get().unwrap_or(true)
                    on:change=move |ev| send_email.set(Some(event_target_checked(&ev)))
                />
                {t!("composer.send_as_email")}
            </label>
            {move || (emailing.get() && mailboxes.with_value(|m| !m.is_empty())).then(|| view! {
                <label class="tl-composer__option">
                    {t!("composer.from")}
                    <select on:change=move |ev| from_mailbox.set(Some(event_target_value(&ev)))>
                        {mailboxes.get_value().into_iter().enumerate().map(|(i, m)| {
                            let (value, label) = (m.clone(), m.clone());
                            view! {
                                <option value=m prop:selected=move || from_mailbox.get().map_or(i == 0, |f| f == value)>{label}</option>
                            }
                        }).collect_view()}
                    </select>
                </label>
            })}
            {move || (!emailing.get()).then(|| view! {
                <span class="tl-composer__hint">{t!("composer.no_email")}</span>
            })}
        </div>
    }
}
