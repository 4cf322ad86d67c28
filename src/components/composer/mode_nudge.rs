//! The nudge before a public reply that follows a colleague's internal note ("Sam's last entry
//! is an internal note"), with "Switch to note", which moves the text (CC aside) to a note.

use leptos::prelude::*;

#[component]
pub fn ModeNudge(
    /// The colleague whose note is the newest entry, while the agent writes a reply.
    #[prop(into)]
    colleague: Signal<Option<String>>,
    #[prop(into)] on_switch: Callback<()>,
) -> impl IntoView {
    // The live region stays; only its words come and go.
    view! {
        <div role="status">
            {move || colleague.get().map(|name| view! {
                <p class="tl-composer__nudge">
                    {t!("composer.nudge_note_last", name = threadline_core::i18n::isolate(&name))}
                    " "
                    <button type="button" class="tl-link-button" on:click=move |_| on_switch.run(())>
                        {t!("composer.switch_to_note")}
                    </button>
                </p>
            })}
        </div>
    }
}
