//! The only place in the app that puts HTML into the DOM. It accepts nothing but the
//! sanitizer's [`SafeHtml`].

use leptos::prelude::*;
use threadline_core::html::SafeHtml;

/// Renders sanitized HTML inside a `div`.
#[component]
pub fn SafeHtmlView(
    /// The sanitized markup.
    html: SafeHtml,
    /// CSS class of the wrapping `div`.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! { <div class=class inner_html=html.as_str().to_owned()></div> }
}
