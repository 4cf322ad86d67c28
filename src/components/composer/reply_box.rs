//! A minimal reply box: Reply or Internal note, a text area, and a send button. The text stays
//! until the server has stored the message; a failure is shown and nothing typed is lost.

use leptos::prelude::*;
use threadline_core::model::{Message, NewMessage, Visibility};
use threadline_core::ApiError;

use crate::api::Client;
use crate::components::common::ErrorNotice;

/// The reply box for one ticket.
#[component]
pub fn ReplyBox(
    /// The ticket to answer.
    ticket_id: String,
    /// Called with the stored message after a successful send.
    #[prop(into)]
    on_sent: Callback<Message>,
) -> impl IntoView {
    let client = expect_context::<Client>();
    let can_note = client.capabilities().can_note;
    let text = RwSignal::new(String::new());
    let visibility = RwSignal::new(Visibility::Reply);
    let error = RwSignal::new(None::<ApiError>);
    let send = Action::new_local(move |message: &NewMessage| {
        let (client, ticket_id, message) = (client.clone(), ticket_id.clone(), message.clone());
        async move { client.send(&ticket_id, &message).await }
    });
    let pending = send.pending();
    Effect::new(move |_| match send.value().get() {
        Some(Ok(message)) => {
            text.set(String::new());
            error.set(None);
            on_sent.run(message);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move || {
        let body = text.get_untracked();
        if body.trim().is_empty() || pending.get_untracked() {
            return;
        }
        error.set(None);
        send.dispatch(NewMessage {
            visibility: visibility.get_untracked(),
            text: body,
            ..NewMessage::default()
        });
    };
    let is_note = move || visibility.get() == Visibility::Note;
    view! {
        <form
            class=move || if is_note() { "tl-composer tl-composer--note" } else { "tl-composer" }
            aria-label="Answer this ticket"
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <fieldset class="tl-composer__mode">
                <legend class="tl-visually-hidden">"Message type"</legend>
                <label>
                    <input
                        type="radio"
                        name="tl-mode"
                        prop:checked=move || !is_note()
                        on:change=move |_| visibility.set(Visibility::Reply)
                    />
                    "Reply"
                </label>
                {can_note.then(|| view! {
                    <label>
                        <input
                            type="radio"
                            name="tl-mode"
                            prop:checked=is_note
                            on:change=move |_| visibility.set(Visibility::Note)
                        />
                        "Internal note"
                    </label>
                })}
            </fieldset>
            <label class="tl-visually-hidden" for="tl-composer-text">
                {move || if is_note() { "Internal note text" } else { "Reply text" }}
            </label>
            <textarea
                id="tl-composer-text"
                class="tl-composer__text"
                rows="5"
                placeholder=move || if is_note() { "Write an internal note (only agents see it)…" } else { "Write a reply to the customer…" }
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                        ev.prevent_default();
                        submit();
                    }
                }
            ></textarea>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            <div class="tl-composer__actions">
                <button type="submit" class="tl-button tl-button--primary" disabled=move || pending.get()>
                    {move || match (pending.get(), is_note()) {
                        (true, _) => "Sending…",
                        (false, true) => "Add note",
                        (false, false) => "Send reply",
                    }}
                </button>
            </div>
        </form>
    }
}
