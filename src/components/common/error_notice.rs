//! An error in the agent's words, announced to screen readers.

use leptos::prelude::*;
use threadline_core::ApiError;

/// Shows an [`ApiError`]'s user message as an alert.
#[component]
pub fn ErrorNotice(
    /// The error to explain.
    error: ApiError,
) -> impl IntoView {
    view! {
        <div class="tl-error" role="alert">
            {error.user_message()}
        </div>
    }
}
