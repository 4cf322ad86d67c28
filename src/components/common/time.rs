//! A timestamp shown relative to now ("5 minutes ago"), with the exact date and time on hover
//! and focus, both in the user's locale and time zone.

use leptos::prelude::*;
use threadline_core::time::parse_rfc3339_millis;

use crate::i18n::{exact_time, relative_time};

/// A `<time>` element for an RFC 3339 timestamp.
#[component]
pub fn RelativeTime(
    /// The timestamp as the API gave it.
    timestamp: String,
) -> impl IntoView {
    let millis = parse_rfc3339_millis(&timestamp);
    let text = match millis {
        Some(ms) => relative_time(ms, js_sys::Date::now() as i64),
        None => t!("time.unknown").into_owned(),
    };
    // The exact time comes just after the first paint: a page's first date format loads the
    // locale's data (about 20 ms here), which the first view need not wait for.
    let exact = RwSignal::new(None::<String>);
    let unknown = format!("{timestamp:?}");
    request_animation_frame(move || {
        // A task after the frame's callbacks, so after its paint.
        set_timeout(
            move || {
                exact.try_set(Some(match millis {
                    Some(ms) => exact_time(ms),
                    None => t!("time.unknown_exact", value = unknown).into_owned(),
                }));
            },
            std::time::Duration::ZERO,
        );
    });
    view! {
        // Focusable, so keyboard users get the exact time too (shown by CSS on focus).
        <time
            class="tl-time"
            datetime=timestamp
            title=move || exact.get()
            aria-label=move || exact.get()
            data-exact=move || exact.get()
            tabindex="0"
        >
            {text}
        </time>
    }
}
