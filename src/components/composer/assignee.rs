//! Who the ticket goes to next: keep, unassign, or an agent from the backend's users list
//! (or, where it has none, the people seen on the ticket).

use leptos::prelude::*;
use threadline_core::model::{AssigneeChange, Message, Ticket, User};
use threadline_core::outgoing::seen_users;

use crate::api::Client;
use crate::state::toolbox::Toolbox;

#[component]
pub fn AssigneeField(
    assignee: RwSignal<AssigneeChange>,
    #[prop(into)] ticket: Signal<Option<Ticket>>,
    thread: RwSignal<Vec<Message>>,
) -> impl IntoView {
    // The root's toolbox reads the users list once for every composer (and @mentions); a
    // composer mounted without one reads it itself. A plain signal filled when the list
    // comes, not a resource: a resource read here would hold the whole app in its loading
    // state (the root's Suspense) while a slow users lookup runs. Until then, the people
    // seen on the ticket.
    let listed = match use_context::<Toolbox>() {
        Some(toolbox) => {
            toolbox.ensure_loaded();
            toolbox.agents
        }
        None => {
            let listed = RwSignal::new(None::<Vec<User>>);
            let client = expect_context::<Client>();
            leptos::task::spawn_local(async move {
                if let Ok(Some(users)) = client.users().await {
                    // The composer may be gone by now.
                    let _ = listed.try_set(Some(users));
                }
            });
            listed
        }
    };
    let assignable = Memo::new(move |_| {
        listed
            .get()
            .unwrap_or_else(|| seen_users(ticket.get().as_ref(), &thread.get()))
    });
    view! {
        <label class="tl-composer__option">
            {t!("composer.next_assignee")}
            <select on:change=move |ev| {
                let v = event_target_value(&ev);
                assignee.set(match v.as_str() {
                    "keep" => AssigneeChange::Keep,
                    "none" => AssigneeChange::Unassign,
                    id => AssigneeChange::Set(id.trim_start_matches("user:").to_owned()),
                });
            }>
                <option value="keep" prop:selected=move || assignee.get() == AssigneeChange::Keep>{t!("composer.keep_current")}</option>
                <option value="none" prop:selected=move || assignee.get() == AssigneeChange::Unassign>{t!("composer.unassigned")}</option>
                {move || assignable.get().into_iter().map(|u| {
                    let id = u.id.clone();
                    let label = if u.name.is_empty() { u.email.clone() } else { u.name.clone() };
                    view! {
                        <option value=format!("user:{}", u.id) prop:selected=move || assignee.get() == AssigneeChange::Set(id.clone())>{label}</option>
                    }
                }).collect_view()}
            </select>
        </label>
    }
}
