//! A message's actions menu ("Message actions") and, for emails, "View original" — the HTML
//! as received, in a modal dialog holding a sandboxed frame — and "Download original" (the
//! same document as an `.html` file). Remote images load in the original only if the agent
//! chose to show them for this message.

use leptos::html::{Dialog, Div};
use leptos::prelude::*;
use threadline_core::html::RemoteImages;
use threadline_core::original::{
    download_document, download_name, original_document, SandboxedDocument,
};

use super::ThreadNav;
use crate::components::common::{save_text, unique_id, Glyph, Icon, SandboxedFrame};

/// The "Message actions" button and its menu.
#[component]
pub fn MessageMenu(
    message_id: String,
    /// The HTML as received; the email actions are offered only when there is some.
    html: Option<String>,
    /// Whether the agent chose to show this message's remote images.
    show_images: Signal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let viewing = RwSignal::new(None::<SandboxedDocument>);
    let menu_id = unique_id("message-menu");
    let menu = NodeRef::<Div>::new();
    let html = StoredValue::new(html.filter(|h| !h.trim().is_empty()));
    let name = StoredValue::new(download_name(&message_id));
    let document =
        move |images| html.with_value(|h| h.as_deref().map(|h| original_document(h, images)));
    let view_original = move |_| {
        open.set(false);
        let images = if show_images.get_untracked() {
            RemoteImages::Show
        } else {
            RemoteImages::Block
        };
        viewing.set(document(images));
    };
    // The file shows the original in a sandboxed frame, images blocked, wherever it is opened.
    let download = move || {
        html.with_value(|h| {
            if let Some(h) = h {
                save_text(&download_document(h), &name.get_value());
            }
        });
    };
    // Esc closes the menu and gives the focus back to its button.
    let button = NodeRef::<leptos::html::Button>::new();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.prevent_default();
            ev.stop_propagation();
            open.set(false);
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    };
    // Opened, the menu's first item takes the focus.
    Effect::new(move |_| {
        if open.get() {
            if let Some(first) = menu
                .get_untracked()
                .and_then(|m| m.query_selector("button").ok().flatten())
            {
                use wasm_bindgen::JsCast;
                if let Ok(first) = first.dyn_into::<web_sys::HtmlElement>() {
                    let _ = first.focus();
                }
            }
        }
    });
    // Focus going elsewhere (Tab past the menu, a click outside) closes it. Not when it goes
    // to what holds the menu (the message, focusable): Safari does not focus a clicked button,
    // so a click on an item moves the focus there first.
    let wrapper = NodeRef::<Div>::new();
    let on_focusout = move |ev: leptos::ev::FocusEvent| {
        let next = ev
            .related_target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Node>(t).ok());
        let stays = wrapper
            .get_untracked()
            .is_some_and(|w| next.is_some_and(|n| w.contains(Some(&n)) || n.contains(Some(&w))));
        if !stays {
            open.set(false);
        }
    };
    let has_html = html.with_value(Option::is_some);
    // Copy link: for agents (a customer's own link carries their access, not to be passed on).
    let linkable = use_context::<ThreadNav>().filter(ThreadNav::offers_links);
    let copied = RwSignal::new(None::<Result<(), String>>);
    let copy_link = {
        let id = message_id.clone();
        move |_| {
            open.set(false);
            if let Some(nav) = linkable {
                nav.copy_link(&id, copied);
            }
        }
    };
    (has_html || linkable.is_some()).then(|| {
        view! {
            <div class="tl-msg-menu" node_ref=wrapper on:keydown=on_keydown on:focusout=on_focusout>
                <button
                    node_ref=button
                    type="button"
                    class="tl-icon-button"
                    aria-label=t!("original.actions")
                    aria-expanded=move || open.get().to_string()
                    aria-controls=menu_id.clone()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    <Icon glyph=Glyph::More/>
                </button>
                <div node_ref=menu id=menu_id class="tl-msg-menu__items" hidden=move || !open.get()>
                    {has_html.then(|| view! {
                        <button type="button" class="tl-msg-menu__item" on:click=view_original>
                            <Icon glyph=Glyph::File/>
                            {t!("original.view")}
                        </button>
                        <button type="button" class="tl-msg-menu__item" on:click=move |_| {
                            open.set(false);
                            download();
                        }>
                            <Icon glyph=Glyph::Download/>
                            {t!("original.download")}
                        </button>
                    })}
                    {linkable.is_some().then(|| view! {
                        <button type="button" class="tl-msg-menu__item" on:click=copy_link.clone()>
                            <Icon glyph=Glyph::Link/>
                            {t!("original.copy_link")}
                        </button>
                    })}
                </div>
                <span class="tl-msg-menu__status" role="status">
                    {move || copied.get().map(|result| match result {
                        Ok(()) => t!("original.link_copied").into_owned(),
                        Err(link) => t!("original.link_not_copied", link = link).into_owned(),
                    })}
                </span>
                <OriginalDialog viewing=viewing download=download return_focus=button/>
            </div>
        }
    })
}

/// The modal dialog with the original in its frame; open while `viewing` holds a document.
#[component]
fn OriginalDialog(
    viewing: RwSignal<Option<SandboxedDocument>>,
    download: impl Fn() + Copy + Send + Sync + 'static,
    /// Where the focus goes back on closing (the menu item that opened it is hidden by then).
    return_focus: NodeRef<leptos::html::Button>,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let heading = unique_id("original-title");
    let labelled_by = heading.clone();
    Effect::new(move |_| {
        let wanted = viewing.with(Option::is_some);
        if let Some(d) = dialog.get() {
            if wanted && !d.open() {
                let _ = d.show_modal();
            }
        }
    });
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    view! {
        // Closing (Esc, Close) drops the frame: nothing of the email stays in the page.
        <dialog
            node_ref=dialog
            class="tl-help tl-original"
            aria-labelledby=labelled_by
            // Keys in the dialog are the dialog's: not the thread's or the page's shortcuts.
            on:keydown=move |ev: leptos::ev::KeyboardEvent| ev.stop_propagation()
            on:close=move |_| {
                viewing.set(None);
                if let Some(b) = return_focus.get_untracked() {
                    let _ = b.focus();
                }
            }
        >
            <h2 id=heading>{t!("original.title")}</h2>
            <p class="tl-original__note">{t!("original.note")}</p>
            {move || viewing.get().map(|document| view! {
                <SandboxedFrame document=document title=t!("original.frame").into_owned()/>
            })}
            <div class="tl-original__actions">
                <button type="button" class="tl-button" on:click=move |_| download()>
                    <Icon glyph=Glyph::Download/>
                    {t!("original.download")}
                </button>
                <button type="button" class="tl-button tl-button--primary" on:click=move |_| close()>
                    {t!("original.close")}
                </button>
            </div>
        </dialog>
    }
}
