//! A message's body: sanitized email HTML (remote images blocked until the agent allows them,
//! `cid:` images shown from the message's attachments) or plain text with its line breaks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos::task::spawn_local;
use threadline_core::fold::QuoteSplit;
use threadline_core::html::{
    sanitize_email, shown_part, EmailOptions, InlineImage, RemoteImages, SafeHtml, SanitizedEmail,
};
use threadline_core::i18n::isolate;
use threadline_core::model::Message;

use crate::api::{transport, Client};
use crate::components::common::{ResizeWatch, SafeHtmlView};
use crate::state::image_prefs;

/// Renders a message body with its "Show images" bar.
#[component]
pub fn MessageBody(
    /// The message.
    message: Message,
    /// Where its quoted history starts, if it should fold.
    #[prop(optional_no_strip)]
    quote: Option<QuoteSplit>,
    /// Whether its remote images are shown (the message's "View original" follows it).
    show_images: RwSignal<bool>,
) -> impl IntoView {
    let sender = message
        .author
        .as_ref()
        .map(|a| a.email.clone())
        .unwrap_or_default();
    let inline_images = RwSignal::new(Vec::<InlineImage>::new());
    load_inline_images(&message, inline_images);
    let Message { id, html, text, .. } = message;
    let id_for_find = id.clone();
    // Each half is sanitized on its own, so folding never hands raw markup to the DOM.
    let (main, quoted) = split_body(html, text, quote);
    let cache = use_context::<BodyCache>();
    let render = move |part: &Part, is_quote: bool| {
        let options = EmailOptions {
            remote_images: if show_images.get() {
                RemoteImages::Show
            } else {
                RemoteImages::Block
            },
            inline_images: inline_images.get(),
        };
        // Blob URLs of inline images die with this component, so only bodies without them
        // are cached.
        let key = (
            id.clone(),
            is_quote,
            options.remote_images == RemoteImages::Show,
        );
        let cacheable = options.inline_images.is_empty();
        if let Some(hit) = cache.filter(|_| cacheable).and_then(|c| c.get(&key)) {
            return hit;
        }
        let result = match part {
            Part::Html(html) => sanitize_email(html, &options),
            Part::Text(text) => SanitizedEmail {
                html: SafeHtml::from_plain_text(text),
                blocked_images: 0,
                styled: false,
            },
        };
        if let Some(c) = cache.filter(|_| cacheable) {
            c.insert(key, result.clone());
        }
        result
    };
    let render_quote = render.clone();
    let rendered = Memo::new(move |_| render(&main, false));
    let rendered_quote = Memo::new(move |_| quoted.as_ref().map(|q| render_quote(q, true)));
    let quote_open = RwSignal::new(false);
    // Long messages start clipped; "Show more" appears only when the text really overflows.
    let clip = NodeRef::<leptos::html::Div>::new();
    let expanded = RwSignal::new(false);
    let overflows = RwSignal::new(false);
    let measure = move || {
        if let Some(el) = clip.get_untracked() {
            overflows.set(el.scroll_height() > el.client_height() + 4);
        }
    };
    // Measured when the body changes, and again whenever the box or its content is laid out
    // anew: a body measured before layout (or before its images load) would keep a wrong answer.
    let watch = StoredValue::new_local(None::<ResizeWatch>);
    Effect::new(move |_| {
        rendered.track();
        measure();
        if let Some(el) = clip.get() {
            let el: web_sys::Element = el.into();
            let content = el.first_element_child();
            let mut watched = vec![&el];
            watched.extend(content.as_ref());
            watch.set_value(ResizeWatch::new(&watched, measure));
        }
    });
    on_cleanup(move || {
        watch.try_update_value(Option::take);
    });
    // Find going to a hit in this message opens what hides it.
    if let Some(nav) = use_context::<super::ThreadNav>() {
        let me = id_for_find;
        Effect::new(move |_| {
            if nav.opened.with(|o| o.as_deref() == Some(me.as_str())) {
                quote_open.set(true);
                measure();
                if overflows.get_untracked() {
                    expanded.set(true);
                }
            }
        });
    }
    let blocked_total = move || {
        rendered.with(|r| r.blocked_images)
            + rendered_quote.with(|q| q.as_ref().map_or(0, |q| q.blocked_images))
    };
    let show_always = {
        let sender = sender.clone();
        move |_| {
            image_prefs::remember(&sender);
            show_images.set(true);
        }
    };
    view! {
        {move || {
            let blocked = blocked_total();
            (blocked > 0).then(|| {
                let show_always = show_always.clone();
                view! {
                    <div class="tl-images-bar" role="note">
                        <span>{crate::i18n::plural("body.images_blocked", blocked)}</span>
                        <button type="button" class="tl-link-button" on:click=move |_| show_images.set(true)>
                            {t!("body.show_images")}
                        </button>
                        {(!sender.is_empty()).then(|| view! {
                            <button type="button" class="tl-link-button" on:click=show_always>
                                {t!("body.always_show", sender = isolate(&sender))}
                            </button>
                        })}
                    </div>
                }
            })
        }}
        <div
            node_ref=clip
            on:click=|ev| super::open_clicked_image(&ev)
            class=move || if expanded.get() { "tl-msg__clip" } else { "tl-msg__clip tl-msg__clip--collapsed" }
        >
            {move || {
                // An email with its author's colours is shown on light paper, whatever the
                // theme: the sanitizer made those colours legible on light, not on dark.
                let (html, class) = rendered.with(|r| {
                    (r.html.clone(), if r.styled { "tl-msg__body tl-msg__body--styled" } else { "tl-msg__body" })
                });
                view! { <SafeHtmlView html=html class=class/> }
            }}
        </div>
        {move || (overflows.get() || expanded.get()).then(|| view! {
            <button
                type="button"
                class="tl-link-button"
                aria-expanded=move || expanded.get().to_string()
                on:click=move |_| expanded.update(|e| *e = !*e)
            >
                {move || if expanded.get() { t!("body.show_less") } else { t!("body.show_more") }}
            </button>
        })}
        {move || rendered_quote.with(|q| q.as_ref().map(|q| (q.html.clone(), q.styled))).map(|(html, styled)| view! {
            <button
                type="button"
                class="tl-quote-toggle"
                aria-expanded=move || quote_open.get().to_string()
                on:click=move |_| quote_open.update(|open| *open = !*open)
            >
                {move || if quote_open.get() { t!("body.hide_quote") } else { t!("body.show_quote") }}
            </button>
            <Show when=move || quote_open.get()>
                <div on:click=|ev| super::open_clicked_image(&ev)>
                <SafeHtmlView
                    html=html.clone()
                    class=if styled { "tl-msg__body tl-msg__quote tl-msg__body--styled" } else { "tl-msg__body tl-msg__quote" }
                />
                </div>
            </Show>
        })}
    }
}

/// Bodies already sanitized in this thread, keyed by (message id, quoted part, images shown),
/// so that a message scrolling back into the window is not sanitized again. Provided by the
/// thread, so it lives as long as one ticket's view.
#[derive(Clone, Copy)]
pub struct BodyCache(StoredValue<HashMap<(String, bool, bool), SanitizedEmail>>);

impl BodyCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self(StoredValue::new(HashMap::new()))
    }

    fn get(&self, key: &(String, bool, bool)) -> Option<SanitizedEmail> {
        self.0.try_with_value(|m| m.get(key).cloned()).flatten()
    }

    fn insert(&self, key: (String, bool, bool), value: SanitizedEmail) {
        self.0.try_update_value(|m| m.insert(key, value));
    }
}

impl Default for BodyCache {
    fn default() -> Self {
        Self::new()
    }
}

/// A part of a body, before sanitizing.
#[derive(Clone)]
enum Part {
    Html(String),
    Text(String),
}

/// The body and, when it folds, its quoted history.
fn split_body(
    html: Option<String>,
    text: Option<String>,
    quote: Option<QuoteSplit>,
) -> (Part, Option<Part>) {
    let (body, wrap): (String, fn(String) -> Part) = match html {
        Some(html) => (shown_part(&html).to_owned(), Part::Html),
        None => (shown_part(&text.unwrap_or_default()).to_owned(), Part::Text),
    };
    match quote.filter(|q| {
        q.in_html == matches!(wrap(String::new()), Part::Html(_)) && body.is_char_boundary(q.at)
    }) {
        Some(q) => {
            let (main, quoted) = body.split_at(q.at);
            (wrap(main.to_owned()), Some(wrap(quoted.to_owned())))
        }
        None => (wrap(body), None),
    }
}

/// Downloads the image attachments a `cid:` reference may point to, as object URLs, and frees
/// them when the message leaves the page.
fn load_inline_images(message: &Message, into: RwSignal<Vec<InlineImage>>) {
    let refers_to_cid = message
        .html
        .as_deref()
        .is_some_and(|h| h.to_ascii_lowercase().contains("cid:"));
    if !refers_to_cid {
        return;
    }
    let Some(client) = use_context::<Client>() else {
        return;
    };
    let images: Vec<_> = message
        .attachments
        .iter()
        .filter(|a| a.is_previewable_image())
        .cloned()
        .collect();
    let urls = Arc::new(Mutex::new(Vec::<String>::new()));
    let to_revoke = Arc::clone(&urls);
    on_cleanup(move || {
        if let Ok(urls) = to_revoke.lock() {
            urls.iter().for_each(|u| transport::revoke_object_url(u));
        }
    });
    spawn_local(async move {
        for attachment in images {
            // A missing inline image just stays blank; the attachment list offers the file.
            if let Ok(url) = client.attachment_url(&attachment).await {
                if let Ok(mut all) = urls.lock() {
                    all.push(url.clone());
                }
                let image = InlineImage {
                    name: attachment.name.clone(),
                    id: attachment.id.clone(),
                    url,
                };
                into.try_update(|v| v.push(image));
            }
        }
    });
}
