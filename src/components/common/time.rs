//! A timestamp shown relative to now ("5 min ago"), with the exact local time on hover.

use leptos::prelude::*;
use threadline_core::time::{parse_rfc3339_millis, relative};

/// A `<time>` element for an RFC 3339 timestamp.
#[component]
pub fn RelativeTime(
    /// The timestamp as the API gave it.
    timestamp: String,
) -> impl IntoView {
    let millis = parse_rfc3339_millis(&timestamp);
    let (text, exact) = match millis {
        Some(ms) => {
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
            (
                relative(ms, js_sys::Date::now() as i64),
                String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)),
            )
        }
        None => (
            "unknown time".to_owned(),
            format!("Unknown time ({timestamp:?})"),
        ),
    };
    view! {
        // Focusable, so keyboard users get the exact time too (shown by CSS on focus).
        <time class="tl-time" datetime=timestamp title=exact.clone() aria-label=exact.clone() data-exact=exact tabindex="0">
            {text}
        </time>
    }
}
