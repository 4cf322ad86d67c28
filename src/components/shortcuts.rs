//! Keyboard shortcuts of one conversation (which key means what is core's
//! `threadline_core::shortcuts`), and the `?` help overlay that lists them.

use std::borrow::Cow;

use leptos::html::{Dialog, Div};
use leptos::prelude::*;
use threadline_core::shortcuts::{applies, shortcut_for, KeyPress, Shortcut, Topic, DOCUMENTED};
use wasm_bindgen::JsCast;

use crate::components::common::ScrollArea;
use crate::components::conversation::{first_on_screen, neighbour_article};
use crate::config::{AppConfig, Mode};

/// Listens for shortcuts on the whole window while the conversation is the page; an embedded
/// one (an embedding page may hold several) hears only keys pressed inside it, through
/// [`on_key`] on its root element.
pub fn listen_on_page(
    root: NodeRef<Div>,
    help: NodeRef<Dialog>,
    area: ScrollArea,
    find: RwSignal<u32>,
) {
    if area.is_page() {
        let listener = window_event_listener(leptos::ev::keydown, move |ev| {
            on_key(&ev, root, help, area, find)
        });
        on_cleanup(move || listener.remove());
    }
}

/// Acts on a key press meant for the conversation in `root`.
pub fn on_key(
    ev: &web_sys::KeyboardEvent,
    root: NodeRef<Div>,
    help: NodeRef<Dialog>,
    area: ScrollArea,
    find: RwSignal<u32>,
) {
    if ev.default_prevented() {
        return;
    }
    let target = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let press = KeyPress {
        key: &ev.key(),
        code: &ev.code(),
        ctrl: ev.ctrl_key(),
        alt: ev.alt_key(),
        meta: ev.meta_key(),
        typing: target.as_ref().is_some_and(is_typing_target),
        composing: ev.is_composing(),
    };
    let (Some(shortcut), Some(main)) = (shortcut_for(press), root.get_untracked()) else {
        return;
    };
    // The help dialog is modal: behind it, only `?` (which it ignores) would reach here.
    if help.get_untracked().is_some_and(|d| d.open()) {
        return;
    }
    let done = match shortcut {
        Shortcut::NextMessage => step_message(&main, target.as_ref(), area, true),
        Shortcut::PreviousMessage => step_message(&main, target.as_ref(), area, false),
        Shortcut::Reply => to_composer(&main, "reply"),
        Shortcut::Note => to_composer(&main, "note"),
        Shortcut::ShowImages => show_images(&main, target.as_ref(), area),
        Shortcut::Help => help.get_untracked().is_some_and(|d| d.show_modal().is_ok()),
        Shortcut::Find => find.try_update(|n| *n += 1).is_some(),
    };
    if done {
        ev.prevent_default();
    }
}

/// Whether keys pressed in `el` are text (or a choice) being entered.
fn is_typing_target(el: &web_sys::Element) -> bool {
    match el.tag_name().to_ascii_lowercase().as_str() {
        "textarea" | "select" => true,
        "input" => {
            let kind = el.get_attribute("type").unwrap_or_default();
            !matches!(
                kind.as_str(),
                "checkbox" | "radio" | "button" | "submit" | "reset" | "file"
            )
        }
        _ => el
            .dyn_ref::<web_sys::HtmlElement>()
            .is_some_and(|h| h.is_content_editable()),
    }
}

/// Moves focus to the next (previous) message from the one holding the focus, else to the
/// first message on screen.
fn step_message(
    main: &web_sys::HtmlElement,
    target: Option<&web_sys::Element>,
    area: ScrollArea,
    forward: bool,
) -> bool {
    let next = match focused_article(main, target) {
        Some(article) => neighbour_article(&article, forward),
        None => first_on_screen(area).and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()),
    };
    next.is_some_and(|n| n.focus().is_ok())
}

/// The message holding the focus, if it is in this conversation.
fn focused_article(
    main: &web_sys::HtmlElement,
    target: Option<&web_sys::Element>,
) -> Option<web_sys::Element> {
    target
        .and_then(|t| t.closest("article[data-message-id]").ok().flatten())
        .filter(|a| main.contains(Some(a)))
}

/// Switches the composer to `mode` ("reply" or "note") where it offers that mode, and puts the
/// focus in its text. A composer without the switch (a customer's) only replies.
fn to_composer(main: &web_sys::HtmlElement, mode: &str) -> bool {
    let has_switch = main
        .query_selector("input[name=tl-mode]")
        .ok()
        .flatten()
        .is_some();
    let radio = main
        .query_selector(&format!("input[name=tl-mode][value={mode}]"))
        .ok()
        .flatten()
        .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok());
    match radio {
        Some(radio) if !radio.checked() => radio.click(),
        Some(_) => {}
        None if has_switch || mode != "reply" => return false,
        None => {}
    }
    main.query_selector(".tl-composer__text")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|t| t.focus().is_ok())
}

/// Presses "Show images" of the focused message, else of the first message on screen: never
/// of one the agent is not looking at (remote images may be trackers).
fn show_images(
    main: &web_sys::HtmlElement,
    target: Option<&web_sys::Element>,
    area: ScrollArea,
) -> bool {
    const BUTTON: &str = ".tl-images-bar .tl-link-button";
    let article = focused_article(main, target).or_else(|| first_on_screen(area));
    let button = article.and_then(|a| a.query_selector(BUTTON).ok().flatten());
    match button.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
        Some(b) => {
            b.click();
            true
        }
        None => false,
    }
}

/// What a documented shortcut does, in words.
fn describe(topic: Topic) -> Cow<'static, str> {
    match topic {
        Topic::NextMessage => t!("shortcuts.topic.next_message"),
        Topic::PreviousMessage => t!("shortcuts.topic.previous_message"),
        Topic::NextMessageInFeed => t!("shortcuts.topic.next_message_in_feed"),
        Topic::PreviousMessageInFeed => t!("shortcuts.topic.previous_message_in_feed"),
        Topic::Reply => t!("shortcuts.topic.reply"),
        Topic::Note => t!("shortcuts.topic.note"),
        Topic::Send => t!("shortcuts.topic.send"),
        Topic::SwitchMode => t!("shortcuts.topic.switch_mode"),
        Topic::SavedReplies => t!("shortcuts.topic.saved_replies"),
        Topic::ShowImages => t!("shortcuts.topic.show_images"),
        Topic::Find => t!("shortcuts.topic.find"),
        Topic::Help => t!("shortcuts.topic.help"),
        Topic::Close => t!("shortcuts.topic.close"),
    }
}

/// How a key is shown, in the locale's key names: `Control+Alt+N` as Ctrl + Alt + N (Strg +
/// Alt + N in German). Letters, `Alt` and `?` read the same everywhere.
fn key_caps(keys: &'static str) -> impl IntoView {
    keys.split('+')
        .map(|k| match k {
            "Control" => t!("shortcuts.key.ctrl"),
            "Shift" => t!("shortcuts.key.shift"),
            "Enter" => t!("shortcuts.key.enter"),
            "PageDown" => t!("shortcuts.key.page_down"),
            "PageUp" => t!("shortcuts.key.page_up"),
            "Escape" => t!("shortcuts.key.esc"),
            other => Cow::Borrowed(other),
        })
        .enumerate()
        .map(|(i, k)| view! { {(i > 0).then_some(" + ")}<kbd>{k}</kbd> })
        .collect_view()
}

/// The help overlay: a modal dialog listing every shortcut; focus goes back to where it was
/// when it closes (the browser's dialog does that).
#[component]
pub fn ShortcutHelp(dialog: NodeRef<Dialog>) -> impl IntoView {
    // Only the shortcuts this view has: none of the composer's when it is read-only, no notes
    // for a customer.
    let mode = use_context::<AppConfig>()
        .map(|c| c.mode)
        .unwrap_or_default();
    let (can_write, can_note) = match mode {
        Mode::Agent => (true, true),
        Mode::Customer => (true, false),
        Mode::Readonly => (false, false),
    };
    let close = move |_| {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    view! {
        <dialog node_ref=dialog class="tl-help" aria-label=t!("shortcuts.title")>
            <h2>{t!("shortcuts.title")}</h2>
            <p class="tl-help__intro">{t!("shortcuts.intro")}</p>
            <table class="tl-help__keys">
                <thead>
                    <tr><th scope="col">{t!("shortcuts.column_keys")}</th><th scope="col">{t!("shortcuts.column_action")}</th></tr>
                </thead>
                <tbody>
                    {DOCUMENTED.iter().filter(|(_, topic)| applies(*topic, can_write, can_note)).map(|(keys, topic)| view! {
                        <tr><td>{key_caps(keys)}</td><td>{describe(*topic)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <button type="button" class="tl-button" on:click=close>{t!("shortcuts.close")}</button>
        </dialog>
    }
}
