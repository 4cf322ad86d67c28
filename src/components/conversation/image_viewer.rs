//! The image viewer: a modal dialog over the ticket's images — image attachments of every
//! loaded message, in thread order, and an inline image clicked in a body — with previous /
//! next (buttons, arrow keys), zoom, download and Esc; the modal keeps the focus inside, and
//! it goes back to what opened the viewer. Remote inline images are only ever what the body
//! shows already, so the "show images" choice still holds.

use leptos::html::Dialog;
use leptos::prelude::*;
use threadline_core::model::{Attachment, Message};
use wasm_bindgen::JsCast;

use crate::api::{transport, Client};
use crate::components::common::{save_url, unique_id, ErrorNotice, Glyph, Icon};
use crate::state::tasks::Tasks;
use threadline_core::ApiError;

/// Zoom steps, as multiples of the stage's width; the first fits the image to the stage.
const ZOOMS: &[f64] = &[1.0, 1.5, 2.0, 3.0, 4.0];
const FIT: usize = 0;

/// One image of the gallery.
#[derive(Clone, PartialEq)]
enum Picture {
    /// An attachment, downloaded (with its credentials) when shown.
    Attachment(Attachment),
    /// An image of a body as the body shows it (its `src` and `alt`).
    Inline { src: String, alt: String },
}

impl Picture {
    fn name(&self) -> String {
        match self {
            Picture::Attachment(a) => a.name.clone(),
            Picture::Inline { alt, .. } if !alt.trim().is_empty() => alt.clone(),
            Picture::Inline { .. } => t!("viewer.inline_image").into_owned(),
        }
    }
}

/// What the viewer shows: the gallery, where in it, and what to give the focus back to.
#[derive(Clone)]
struct Showing {
    pictures: Vec<Picture>,
    index: usize,
    opener: Option<web_sys::HtmlElement>,
}

/// The ticket view's viewer, by context.
#[derive(Clone, Copy)]
pub struct Gallery {
    messages: Signal<Vec<Message>>,
    showing: RwSignal<Option<Showing>, LocalStorage>,
}

impl Gallery {
    /// A viewer for the images of `messages`, provided to the views below.
    pub fn provide(messages: Signal<Vec<Message>>) -> Self {
        let gallery = Self {
            messages,
            showing: RwSignal::new_local(None),
        };
        provide_context(gallery);
        gallery
    }

    fn attachments(&self) -> Vec<Picture> {
        self.messages.with_untracked(|all| {
            all.iter()
                .flat_map(|m| m.attachments.iter())
                .filter(|a| a.is_previewable_image())
                .cloned()
                .map(Picture::Attachment)
                .collect()
        })
    }

    /// Opens the viewer on attachment `id`.
    pub fn open_attachment(&self, id: &str, opener: Option<web_sys::HtmlElement>) {
        let pictures = self.attachments();
        let index = pictures
            .iter()
            .position(|p| matches!(p, Picture::Attachment(a) if a.id == id))
            .unwrap_or(0);
        self.showing.set(Some(Showing {
            pictures,
            index,
            opener,
        }));
    }

    /// Opens the viewer on an image of a body, before the ticket's attachments.
    pub fn open_inline(&self, src: String, alt: String, opener: Option<web_sys::HtmlElement>) {
        let mut pictures = vec![Picture::Inline { src, alt }];
        pictures.extend(self.attachments());
        self.showing.set(Some(Showing {
            pictures,
            index: 0,
            opener,
        }));
    }
}

/// An image clicked in a body opens the viewer (a click on a link around it follows the link).
pub fn open_clicked_image(ev: &leptos::ev::MouseEvent) {
    let Some(image) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlImageElement>().ok())
    else {
        return;
    };
    let linked = image.closest("a").ok().flatten().is_some();
    let src = image.current_src();
    // Blocked images have no source; a 1-pixel tracker is not a picture.
    if linked || src.is_empty() || image.natural_width() <= 1 {
        return;
    }
    if let Some(gallery) = use_context::<Gallery>() {
        ev.prevent_default();
        let opener = image
            .closest("article")
            .ok()
            .flatten()
            .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
        gallery.open_inline(src, image.alt(), opener);
    }
}

/// The viewer's dialog (one per ticket view).
#[component]
pub fn ImageViewer() -> impl IntoView {
    let gallery = expect_context::<Gallery>();
    let client = expect_context::<Client>();
    let tasks = Tasks::new();
    let dialog = NodeRef::<Dialog>::new();
    let heading = unique_id("viewer-title");
    let showing = gallery.showing;
    let zoom = RwSignal::new(FIT);
    // The picture on screen: its URL (an attachment's object URL, freed when it goes).
    let url = RwSignal::new(None::<Result<String, ApiError>>);
    let owned_url = StoredValue::new(None::<String>);
    let free = move || {
        if let Some(u) = owned_url.try_update_value(Option::take).flatten() {
            transport::revoke_object_url(&u);
        }
    };
    on_cleanup(free);
    let current = Memo::new(move |_| {
        showing.with(|s| s.as_ref().and_then(|s| s.pictures.get(s.index).cloned()))
    });
    Effect::new(move |_| {
        free();
        zoom.set(FIT);
        match current.get() {
            None => url.set(None),
            Some(Picture::Inline { src, .. }) => url.set(Some(Ok(src))),
            Some(Picture::Attachment(a)) => {
                url.set(None);
                let client = client.clone();
                tasks.spawn(async move {
                    let result = client.attachment_url(&a).await;
                    // Still the picture asked for? Else free what came.
                    let wanted =
                        current.with_untracked(|c| c == &Some(Picture::Attachment(a.clone())));
                    match result {
                        Ok(u) if !wanted => transport::revoke_object_url(&u),
                        Ok(u) => {
                            free();
                            owned_url.set_value(Some(u.clone()));
                            url.set(Some(Ok(u)));
                        }
                        Err(e) => url.set(Some(Err(e))),
                    }
                });
            }
        }
    });
    Effect::new(move |_| {
        let open = showing.with(Option::is_some);
        if let Some(d) = dialog.get() {
            if open && !d.open() {
                let _ = d.show_modal();
            }
        }
    });
    let count = move || showing.with(|s| s.as_ref().map_or(0, |s| s.pictures.len()));
    let step = move |forward: bool| {
        showing.update(|s| {
            if let Some(s) = s {
                let n = s.pictures.len().max(1);
                s.index = if forward {
                    (s.index + 1) % n
                } else {
                    (s.index + n - 1) % n
                };
            }
        });
    };
    let zoom_by = move |by: isize| {
        zoom.update(|z| *z = z.saturating_add_signed(by).min(ZOOMS.len() - 1));
    };
    let rtl = move || {
        dialog
            .get_untracked()
            .and_then(|d| d.closest("[dir]").ok().flatten())
            .is_some_and(|e| e.get_attribute("dir").as_deref() == Some("rtl"))
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        // Keys in the viewer are the viewer's: not the thread's or the page's shortcuts.
        ev.stop_propagation();
        let next_key = if rtl() { "ArrowLeft" } else { "ArrowRight" };
        let previous_key = if rtl() { "ArrowRight" } else { "ArrowLeft" };
        let key = ev.key();
        if key == "Tab" {
            keep_focus_inside(&ev, dialog);
            return;
        }
        // On the zoomed image, arrow keys scroll it.
        let on_stage = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| e.matches(".tl-viewer__stage").unwrap_or(false));
        if on_stage && zoom.get_untracked() != FIT && key.starts_with("Arrow") {
            return;
        }
        let handled = match key.as_str() {
            k if k == next_key => {
                step(true);
                true
            }
            k if k == previous_key => {
                step(false);
                true
            }
            "+" | "=" => {
                zoom_by(1);
                true
            }
            "-" => {
                zoom_by(-1);
                true
            }
            "0" => {
                zoom.set(FIT);
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    };
    // Only what the browser holds (an attachment, a `cid:` image) is saved: a remote image's
    // address would navigate away instead. The URL stays the viewer's (or the body's) to free.
    let downloadable = move || matches!(url.get(), Some(Ok(u)) if u.starts_with("blob:"));
    let download = move |_| {
        if let (Some(Some(Ok(u))), Some(picture)) =
            (url.try_get_untracked(), current.get_untracked())
        {
            if u.starts_with("blob:") {
                save_url(&u, &picture.name());
            }
        }
    };
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    let labelled_by = heading.clone();
    view! {
        <dialog
            node_ref=dialog
            class="tl-viewer"
            aria-labelledby=labelled_by
            on:keydown=on_keydown
            on:close=move |_| {
                let opener = showing.with_untracked(|s| s.as_ref().and_then(|s| s.opener.clone()));
                showing.set(None);
                if let Some(o) = opener.filter(|o| o.is_connected()) {
                    let _ = o.focus();
                }
            }
        >
            <div class="tl-viewer__bar">
                <h2 id=heading class="tl-viewer__title">{move || current.get().map(|p| p.name())}</h2>
                <span class="tl-viewer__count">
                    {move || showing.with(|s| s.as_ref().map(|s| t!(
                        "viewer.position",
                        current = (s.index + 1).to_string(),
                        total = s.pictures.len().to_string()
                    ).into_owned()))}
                </span>
                <button type="button" class="tl-icon-button" aria-label=t!("viewer.zoom_out")
                    aria-keyshortcuts="-" disabled=move || zoom.get() == 0 on:click=move |_| zoom_by(-1)>
                    <Icon glyph=Glyph::ZoomOut/>
                </button>
                <span class="tl-viewer__zoom">{move || if zoom.get() == FIT {
                    t!("viewer.fit").into_owned()
                } else {
                    format!("{:.0} %", ZOOMS[zoom.get()] * 100.0)
                }}</span>
                <button type="button" class="tl-icon-button" aria-label=t!("viewer.zoom_in")
                    aria-keyshortcuts="+" disabled=move || zoom.get() + 1 == ZOOMS.len() on:click=move |_| zoom_by(1)>
                    <Icon glyph=Glyph::ZoomIn/>
                </button>
                <button type="button" class="tl-icon-button" aria-label=t!("viewer.download")
                    disabled=move || !downloadable() on:click=download>
                    <Icon glyph=Glyph::Download/>
                </button>
                <button type="button" class="tl-icon-button" aria-label=t!("viewer.close") on:click=move |_| close()>
                    <Icon glyph=Glyph::Close/>
                </button>
            </div>
            // Focusable, so a zoomed image can be scrolled by keyboard.
            <div class="tl-viewer__stage" tabindex="0" role="group" aria-label=t!("viewer.stage")>
                {move || match url.get() {
                    Some(Ok(src)) => view! {
                        <img
                            class="tl-viewer__image"
                            src=src
                            alt=move || current.get().map(|p| p.name()).unwrap_or_default()
                            // Zoomed, the image is laid out larger (not scaled), so the
                            // stage scrolls to every part of it.
                            style:width=move || (zoom.get() != FIT).then(|| format!("{}%", ZOOMS[zoom.get()] * 100.0))
                            style:max-width=move || (zoom.get() != FIT).then_some("none")
                            style:max-height=move || (zoom.get() != FIT).then_some("none")
                        />
                    }.into_any(),
                    Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                    None => view! { <p class="tl-loading" role="status">{t!("viewer.loading")}</p> }.into_any(),
                }}
            </div>
            {move || (count() > 1).then(|| view! {
                <div class="tl-viewer__nav">
                    <button type="button" class="tl-button" aria-keyshortcuts=move || if rtl() { "ArrowRight" } else { "ArrowLeft" } on:click=move |_| step(false)>
                        {t!("viewer.previous")}
                    </button>
                    <button type="button" class="tl-button" aria-keyshortcuts=move || if rtl() { "ArrowLeft" } else { "ArrowRight" } on:click=move |_| step(true)>
                        {t!("viewer.next")}
                    </button>
                </div>
            })}
        </dialog>
    }
}

/// Tab past the viewer's last control goes back to its first (Shift+Tab: the other way): the
/// modal keeps the focus to itself rather than handing it to the browser's own controls.
fn keep_focus_inside(ev: &leptos::ev::KeyboardEvent, dialog: NodeRef<Dialog>) {
    let Some(d) = dialog.get_untracked() else {
        return;
    };
    let Ok(all) = d.query_selector_all("button:not([disabled]), [tabindex=\"0\"]") else {
        return;
    };
    let controls: Vec<web_sys::HtmlElement> = (0..all.length())
        .filter_map(|i| all.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        return;
    };
    let active = document().active_element();
    let at = |e: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
    };
    let outside = active.as_ref().is_none_or(|a| !d.contains(Some(a)));
    let wrap_to = if ev.shift_key() && (at(first) || outside) {
        Some(last)
    } else if !ev.shift_key() && (at(last) || outside) {
        Some(first)
    } else {
        None
    };
    if let Some(target) = wrap_to {
        ev.prevent_default();
        let _ = target.focus();
    }
}
