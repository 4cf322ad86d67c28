//! Reply or internal note: the composer's two modes, as the backend allows them.

use leptos::prelude::*;
use threadline_core::model::{Capabilities, Visibility};

use crate::components::common::{Glyph, Icon};
use crate::state::identity::ReplyingAs;

#[component]
pub fn ModeSwitch(
    #[prop(into)] is_note: Signal<bool>,
    caps: Capabilities,
    on_switch: Callback<Visibility>,
) -> impl IntoView {
    // Who the message goes out as, where the backend says (the credential's owner).
    let replying_as = use_context::<ReplyingAs>();
    let writing_as = move || {
        let name = replying_as.and_then(|r| r.0.get())?;
        Some(if is_note.get() {
            t!("composer.noting_as", name = name)
        } else {
            t!("composer.replying_as", name = name)
        })
    };
    view! {
        <fieldset class="tl-composer__mode">
            <legend class="tl-visually-hidden">{t!("composer.message_type")}</legend>
            {caps.can_reply.then(|| view! { <ModeRadio mode=Visibility::Reply is_note=is_note on_switch=on_switch/> })}
            {caps.can_note.then(|| view! { <ModeRadio mode=Visibility::Note is_note=is_note on_switch=on_switch/> })}
            <span class="tl-composer__hint">{move || if is_note.get() { t!("composer.note_hint") } else { t!("composer.reply_hint") }}</span>
            {move || writing_as().map(|words| view! { <span class="tl-composer__hint tl-composer__as">{words}</span> })}
            {(!caps.can_reply).then(|| view! {
                <p class="tl-composer__hint tl-composer__no-reply">
                    {t!("composer.notes_only")}
                </p>
            })}
        </fieldset>
    }
}

/// One mode's radio button (Ctrl+Alt+N switches between them).
#[component]
fn ModeRadio(
    mode: Visibility,
    is_note: Signal<bool>,
    on_switch: Callback<Visibility>,
) -> impl IntoView {
    let note = mode == Visibility::Note;
    view! {
        <label>
            <input
                type="radio"
                name="tl-mode"
                value=if note { "note" } else { "reply" }
                aria-keyshortcuts="Control+Alt+N"
                prop:checked=move || is_note.get() == note
                on:change=move |_| on_switch.run(mode)
            />
            <Icon glyph=if note { Glyph::Lock } else { Glyph::Reply }/>
            {if note { t!("composer.internal_note") } else { t!("composer.reply") }}
        </label>
    }
}
