//! The draft was changed in another tab: the agent chooses which version to keep.

use leptos::prelude::*;
use threadline_core::draft::StoredDraft;

/// Shown while `conflict` holds the other tab's draft. `on_use_theirs` takes it; `on_keep_mine`
/// keeps this tab's text, knowing the other's revision.
#[component]
pub fn ConflictBanner(
    conflict: RwSignal<Option<StoredDraft>>,
    on_use_theirs: Callback<StoredDraft>,
    on_keep_mine: Callback<u64>,
) -> impl IntoView {
    move || {
        conflict.get().map(|theirs| {
            let revision = theirs.revision;
            view! {
                <div class="tl-composer__conflict" role="alert">
                    <p>{t!("composer.conflict")}</p>
                    <button type="button" class="tl-button" on:click=move |_| {
                        on_use_theirs.run(theirs.clone());
                    }>{t!("composer.use_theirs")}</button>
                    <button type="button" class="tl-button" on:click=move |_| {
                        on_keep_mine.run(revision);
                    }>{t!("composer.keep_mine")}</button>
                </div>
            }
        })
    }
}
