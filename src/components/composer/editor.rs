//! The Markdown editor: a toolbar (bold, italic, link, lists, code, quote), the text area and
//! a preview rendered by core (pulldown-cmark, then the one sanitizer).

use leptos::html::Textarea;
use leptos::prelude::*;
use threadline_core::compose::{
    apply_format, byte_to_utf16, render_markdown, utf16_to_byte, Format,
};
use threadline_core::outgoing::with_signature;

use crate::components::common::{Glyph, Icon, SafeHtmlView};

/// The editor for `text`. `on_key` sees every keydown first (for Ctrl+Enter and the mode
/// shortcut); it returns `true` when it handled the key.
#[component]
pub fn MarkdownEditor(
    text: RwSignal<String>,
    /// The text area's accessible name.
    #[prop(into)]
    label: Signal<String>,
    #[prop(into)] placeholder: Signal<String>,
    #[prop(into)] on_key: Callback<leptos::ev::KeyboardEvent, bool>,
    /// The text area, for focusing from outside.
    area: NodeRef<Textarea>,
    /// Called when files are pasted (images from the clipboard).
    #[prop(into)]
    on_paste_files: Callback<Vec<web_sys::File>>,
    /// Text the message will carry below what is typed (the signature), shown in the preview.
    #[prop(optional, into)]
    appendix: Option<Signal<Option<String>>>,
    /// The suggestion the text box points at (the @mention listbox's active option).
    #[prop(optional, into)]
    active_descendant: Option<Signal<Option<String>>>,
    /// The id of the suggestions list it controls.
    #[prop(optional, into)]
    controls: Option<String>,
) -> impl IntoView {
    let preview = RwSignal::new(false);
    let format = move |f: Format| {
        let Some(el) = area.get_untracked() else {
            return;
        };
        let current = text.get_untracked();
        let start = utf16_to_byte(
            &current,
            el.selection_start().ok().flatten().unwrap_or(0) as usize,
        );
        let end = utf16_to_byte(
            &current,
            el.selection_end().ok().flatten().unwrap_or(0) as usize,
        );
        let edit = apply_format(&current, start, end, f);
        let (s, e) = (
            byte_to_utf16(&edit.text, edit.start) as u32,
            byte_to_utf16(&edit.text, edit.end) as u32,
        );
        el.set_value(&edit.text);
        text.set(edit.text);
        let _ = el.focus();
        let _ = el.set_selection_range(s, e);
    };
    let rendered = Memo::new(move |_| {
        preview.get().then(|| {
            let below = appendix.and_then(|a| a.get());
            render_markdown(&with_signature(&text.get(), below.as_deref()))
        })
    });
    view! {
        <div class="tl-editor">
            <div class="tl-editor__toolbar" role="toolbar" aria-label=t!("editor.formatting")>
                {Format::ALL.into_iter().map(|f| {
                    let title = match f.shortcut() {
                        Some(k) => format!(
                            "{} ({}+{})",
                            f.label(),
                            t!("shortcuts.key.ctrl"),
                            k.to_ascii_uppercase()
                        ),
                        None => f.label().to_owned(),
                    };
                    view! {
                        <button
                            type="button"
                            class=format!("tl-editor__tool tl-editor__tool--{}", f.slug())
                            title=title
                            disabled=move || preview.get()
                            on:click=move |_| format(f)
                        >
                            // Named by its words, not an aria-label: the glyph ("1.") is not
                            // part of the name, so the name must not claim to be the label.
                            {tool_glyph(f)}
                            <span class="tl-visually-hidden">{f.label()}</span>
                        </button>
                    }
                }).collect_view()}
                <button
                    type="button"
                    class="tl-editor__preview-toggle tl-link-button"
                    aria-pressed=move || preview.get().to_string()
                    on:click=move |_| preview.update(|p| *p = !*p)
                >
                    {t!("editor.preview")}
                </button>
            </div>
            <textarea
                node_ref=area
                class="tl-composer__text"
                rows="6"
                aria-label=move || label.get()
                aria-activedescendant=move || active_descendant.and_then(|a| a.get())
                aria-controls=controls
                placeholder=move || placeholder.get()
                hidden=move || preview.get()
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if on_key.run(ev.clone()) {
                        return;
                    }
                    if ev.ctrl_key() || ev.meta_key() {
                        let key = ev.key().to_lowercase();
                        if let Some(f) = Format::ALL.into_iter().find(|f| f.shortcut().is_some_and(|k| key == k.to_string())) {
                            ev.prevent_default();
                            format(f);
                        }
                    }
                }
                on:paste=move |ev: leptos::ev::ClipboardEvent| {
                    let files = super::uploads::files_of(ev.clipboard_data().and_then(|d| d.files()));
                    if !files.is_empty() {
                        ev.prevent_default();
                        on_paste_files.run(files);
                    }
                }
            ></textarea>
            {move || rendered.get().map(|html| view! {
                <div class="tl-editor__preview" role="region" aria-label=t!("editor.preview")>
                    <SafeHtmlView html=html/>
                </div>
            })}
        </div>
    }
}

/// A tool's face: a letter where the letter is the convention (bold, italic), else an icon.
fn tool_glyph(f: Format) -> AnyView {
    let icon = |glyph| view! { <Icon glyph=glyph/> }.into_any();
    match f {
        Format::Bold => view! { <span aria-hidden="true">"B"</span> }.into_any(),
        Format::Italic => view! { <span aria-hidden="true">"I"</span> }.into_any(),
        Format::Code => icon(Glyph::Code),
        Format::Link => icon(Glyph::Link),
        Format::BulletList => icon(Glyph::BulletList),
        Format::NumberedList => icon(Glyph::NumberedList),
        Format::Quote => icon(Glyph::Quote),
    }
}
