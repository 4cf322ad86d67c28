//! What sending also does to the ticket (close, reopen, spam…): of what the backend offers,
//! only what makes sense for the ticket's status now, in plain words.

use leptos::prelude::*;
use threadline_core::model::{NextAction, TicketStatus};

#[component]
pub fn NextActionField(
    next_action: RwSignal<NextAction>,
    /// What the backend can do.
    actions: StoredValue<Vec<NextAction>>,
    /// The ticket's status (`None` until it is known).
    #[prop(into)]
    status: Signal<Option<TicketStatus>>,
) -> impl IntoView {
    let fitting =
        Memo::new(move |_| actions.with_value(|all| NextAction::fitting(all, status.get())));
    // A choice the ticket does not allow (it was closed meanwhile) goes back to none, once
    // the status is known (a restored draft's choice waits for it).
    Effect::new(move |_| {
        let chosen = next_action.get();
        if chosen != NextAction::None
            && status.get().is_some()
            && !fitting.with(|f| f.contains(&chosen))
        {
            next_action.set(NextAction::None);
        }
    });
    view! {
        <label class="tl-composer__option">
            {t!("composer.next_action")}
            <select on:change=move |ev| {
                let chosen = NextAction::from_wire(&event_target_value(&ev)).unwrap_or_default();
                next_action.set(chosen);
            }>
                {move || fitting.get().into_iter().map(|a| view! {
                    <option value=a.as_wire() prop:selected=move || next_action.get() == a>
                        {move || a.label(status.get())}
                    </option>
                }).collect_view()}
            </select>
        </label>
    }
}
