//! The only place in the app that puts HTML into the DOM. It accepts nothing but the
//! sanitizer's [`SafeHtml`], and — for "View original" only — core's [`SandboxedDocument`],
//! which goes into a frame where nothing can run or load.

use leptos::html::Div;
use leptos::prelude::*;
use threadline_core::html::SafeHtml;
use threadline_core::original::SandboxedDocument;
use wasm_bindgen::JsCast;

/// Renders sanitized HTML inside a `div`, shows each link's real target on hover, and marks
/// images their sender left undescribed as decorative.
#[component]
pub fn SafeHtmlView(
    /// The sanitized markup.
    html: SafeHtml,
    /// CSS class of the wrapping `div`.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    // Email links often say one thing and go elsewhere: the title tells the truth.
    Effect::new(move |_| {
        let Some(div) = node.get() else { return };
        let Ok(links) = div.query_selector_all("a[href]") else {
            return;
        };
        for i in 0..links.length() {
            if let Some(link) = links
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlAnchorElement>().ok())
            {
                let _ = link.set_attribute("title", &link.href());
            }
        }
        // An image with no `alt` at all would be read out as its address (or a blocked
        // image's nothing): the sender said nothing about it, so neither does the reader.
        let Ok(images) = div.query_selector_all("img:not([alt])") else {
            return;
        };
        for i in 0..images.length() {
            if let Some(image) = images
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = image.set_attribute("alt", "");
            }
        }
    });
    // A message keeps its own writing direction whatever the page's (an English email in an
    // Arabic interface reads left to right).
    view! { <div node_ref=node class=class dir="auto" inner_html=html.as_str().to_owned()></div> }
}

/// An email as received, in an `<iframe sandbox="">`: no scripts, no same origin, no forms,
/// no popups or top navigation; the document's own policy (core's) lets nothing load but
/// what the agent allowed.
#[component]
pub fn SandboxedFrame(
    document: SandboxedDocument,
    /// The frame's accessible name.
    title: String,
) -> impl IntoView {
    view! {
        <iframe
            class="tl-original__frame"
            sandbox=""
            referrerpolicy="no-referrer"
            title=title
            srcdoc=document.as_str().to_owned()
        ></iframe>
    }
}
