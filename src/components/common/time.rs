//! A timestamp shown relative to now ("5 minutes ago"), with the exact date and time on hover
//! and focus, both in the user's locale and time zone.

use leptos::prelude::*;
use rust_i18n::t;
use threadline_core::time::parse_rfc3339_millis;

use crate::i18n::{exact_time, relative_time};

/// A `<time>` element for an RFC 3339 timestamp.
#[component]
pub fn RelativeTime(
    /// The timestamp as the API gave it.
    timestamp: String,
) -> impl IntoView {
    let (text, exact) = match parse_rfc3339_millis(&timestamp) {
        Some(ms) => (
            relative_time(ms, js_sys::Date::now() as i64),
            exact_time(ms),
        ),
        None => (
            t!("time.unknown").into_owned(),
            t!("time.unknown_exact", value = format!("{timestamp:?}")).into_owned(),
        ),
    };
    view! {
        // Focusable, so keyboard users get the exact time too (shown by CSS on focus).
        <time class="tl-time" datetime=timestamp title=exact.clone() aria-label=exact.clone() data-exact=exact tabindex="0">
            {text}
        </time>
    }
}
