//! A message's attachments: name, size and type, a thumbnail for images (loaded when it comes
//! near the viewport), and a download that sends the credentials the file needs.

use leptos::html::Li;
use leptos::prelude::*;
use leptos::task::spawn_local;
use threadline_core::i18n::isolate;
use threadline_core::model::Attachment;
use threadline_core::ApiError;

use crate::api::{transport, Client};
use crate::components::common::{save_as, when_near_viewport, ErrorNotice, Glyph, Icon};
use crate::i18n::format_size;

/// The attachments of one message.
#[component]
pub fn AttachmentList(
    /// The attachments.
    attachments: Vec<Attachment>,
) -> impl IntoView {
    view! {
        <ul class="tl-attachments" aria-label=t!("attachments.list")>
            {attachments.into_iter().map(|a| view! { <AttachmentItem attachment=a/> }).collect_view()}
        </ul>
    }
}

#[component]
fn AttachmentItem(attachment: Attachment) -> impl IntoView {
    let client = expect_context::<Client>();
    let node = NodeRef::<Li>::new();
    let thumbnail = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    if attachment.is_previewable_image() {
        let (client, attachment) = (client.clone(), attachment.clone());
        when_near_viewport(node, move || {
            let (client, attachment) = (client.clone(), attachment.clone());
            spawn_local(async move {
                if let Ok(url) = client.attachment_url(&attachment).await {
                    // The item may be gone by now; then free the URL at once.
                    if thumbnail.try_set(Some(url.clone())).is_some() {
                        transport::revoke_object_url(&url);
                    }
                }
            });
        });
        on_cleanup(move || {
            if let Some(Some(url)) = thumbnail.try_get_untracked() {
                transport::revoke_object_url(&url);
            }
        });
    }
    let details = [
        attachment.size.map(format_size),
        Some(attachment.type_label()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let download = {
        let attachment = attachment.clone();
        move |_| {
            let (client, attachment) = (client.clone(), attachment.clone());
            error.set(None);
            spawn_local(async move {
                match client.attachment_url(&attachment).await {
                    Ok(url) => save_as(&url, &attachment.name),
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
            });
        }
    };
    let name = isolate(&attachment.name);
    let gallery = use_context::<super::Gallery>();
    let id = attachment.id.clone();
    let name_for_viewer = attachment.name.clone();
    let previewable = attachment.is_previewable_image();
    let kind = if attachment.is_previewable_image() {
        Glyph::Image
    } else {
        Glyph::File
    };
    let thumbnail_or_icon = move || match thumbnail.get() {
        Some(src) => view! {
            <img class="tl-attachment__thumb" src=src alt="" width="64" height="64"/>
        }
        .into_any(),
        None => view! { <Icon glyph=kind/> }.into_any(),
    };
    view! {
        <li class="tl-attachment" node_ref=node>
            // An image opens in the viewer (its thumbnail, once loaded, in the button).
            {match gallery.filter(|_| previewable) {
                Some(gallery) => {
                    let id = id.clone();
                    view! {
                        <button
                            type="button"
                            class="tl-attachment__open"
                            aria-label=t!("viewer.open", name = isolate(&name_for_viewer))
                            on:click=move |ev| {
                                let opener = ev
                                    .current_target()
                                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok());
                                gallery.open_attachment(&id, opener);
                            }
                        >
                            {thumbnail_or_icon}
                        </button>
                    }.into_any()
                }
                None => thumbnail_or_icon.into_any(),
            }}
            <span class="tl-attachment__name">{attachment.name.clone()}</span>
            <span class="tl-attachment__size">{details}</span>
            <button type="button" class="tl-link-button" aria-label=t!("attachments.download_file", name = name) on:click=download>
                <Icon glyph=Glyph::Download/>
                {t!("attachments.download")}
            </button>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        </li>
    }
}
