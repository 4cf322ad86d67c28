//! What stands in for content while it loads: grey lines where it will be (so nothing jumps
//! and the page is never blank), hidden from screen readers, which hear one status instead.

use leptos::prelude::*;

/// `rows` placeholder rows, announced as `status`.
#[component]
pub fn Skeleton(status: String, rows: usize) -> impl IntoView {
    view! {
        <div class="tl-skeleton">
            <p class="tl-visually-hidden" role="status">{status}</p>
            <ul class="tl-skeleton__rows" aria-hidden="true">
                {(0..rows).map(|i| view! {
                    <li class="tl-skeleton__row">
                        <span class="tl-skeleton__line"></span>
                        // Rows of differing lengths read as text to come, not as a grid.
                        <span class=if i % 2 == 0 { "tl-skeleton__line tl-skeleton__line--short" } else { "tl-skeleton__line tl-skeleton__line--mid" }></span>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}
