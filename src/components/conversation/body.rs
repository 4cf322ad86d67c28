//! A message's body: sanitized email HTML (remote images blocked until the agent allows them,
//! `cid:` images shown from the message's attachments) or plain text with its line breaks.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos::task::spawn_local;
use threadline_core::html::{
    sanitize_email, EmailOptions, InlineImage, RemoteImages, SafeHtml, SanitizedEmail,
};
use threadline_core::model::Message;

use crate::api::{transport, Client};
use crate::components::common::SafeHtmlView;
use crate::state::image_prefs;

/// Renders a message body with its "Show images" bar.
#[component]
pub fn MessageBody(
    /// The message.
    message: Message,
) -> impl IntoView {
    let sender = message
        .author
        .as_ref()
        .map(|a| a.email.clone())
        .unwrap_or_default();
    let show_images = RwSignal::new(image_prefs::always_shows(&sender));
    let inline_images = RwSignal::new(Vec::<InlineImage>::new());
    load_inline_images(&message, inline_images);
    let Message { html, text, .. } = message;
    let rendered = Memo::new(move |_| match &html {
        Some(html) => sanitize_email(
            html,
            &EmailOptions {
                remote_images: if show_images.get() {
                    RemoteImages::Show
                } else {
                    RemoteImages::Block
                },
                inline_images: inline_images.get(),
            },
        ),
        None => SanitizedEmail {
            html: SafeHtml::from_plain_text(text.as_deref().unwrap_or_default()),
            blocked_images: 0,
        },
    });
    let show_always = {
        let sender = sender.clone();
        move |_| {
            image_prefs::remember(&sender);
            show_images.set(true);
        }
    };
    view! {
        {move || {
            let blocked = rendered.with(|r| r.blocked_images);
            (blocked > 0).then(|| {
                let show_always = show_always.clone();
                let noun = if blocked == 1 { "image" } else { "images" };
                view! {
                    <div class="tl-images-bar" role="note">
                        <span>{format!("{blocked} remote {noun} blocked to protect your privacy.")}</span>
                        <button type="button" class="tl-link-button" on:click=move |_| show_images.set(true)>
                            "Show images"
                        </button>
                        {(!sender.is_empty()).then(|| view! {
                            <button type="button" class="tl-link-button" on:click=show_always>
                                {format!("Always show images from {sender}")}
                            </button>
                        })}
                    </div>
                }
            })
        }}
        {move || view! { <SafeHtmlView html=rendered.with(|r| r.html.clone()) class="tl-msg__body"/> }}
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
