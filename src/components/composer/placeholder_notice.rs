//! Placeholders a saved reply or signature left unfilled (`{{order.id}}`): named under the
//! text, with a button that selects the first in the text box, so the agent can type over it.
//! The composer does not send while one is left (core's `placeholders::find`).

use leptos::html::Textarea;
use leptos::prelude::*;
use threadline_core::compose::byte_to_utf16;
use threadline_core::placeholders::find;

/// Selects the first placeholder left in the text box; `false` when there is none.
pub fn select_first_placeholder(area: NodeRef<Textarea>) -> bool {
    let Some(el) = area.get_untracked() else {
        return false;
    };
    let value = el.value();
    let Some(first) = find(&value).into_iter().next() else {
        return false;
    };
    let _ = el.focus();
    let _ = el.set_selection_range(
        byte_to_utf16(&value, first.range.start) as u32,
        byte_to_utf16(&value, first.range.end) as u32,
    );
    true
}

#[component]
pub fn PlaceholderNotice(text: RwSignal<String>, area: NodeRef<Textarea>) -> impl IntoView {
    let left = Memo::new(move |_| {
        text.with(|t| find(t).into_iter().map(|f| f.written()).collect::<Vec<_>>())
    });
    // The live region stays; only its words come and go (a region made with its words in it
    // is not announced reliably).
    view! {
        <div role="status">
            {move || {
                let left = left.get();
                (!left.is_empty()).then(|| view! {
                    <p class="tl-composer__placeholders">
                        {t!("saved_replies.unfilled", names = left.join(", "))}
                        " "
                        <button type="button" class="tl-link-button" on:click=move |_| {
                            select_first_placeholder(area);
                        }>{t!("saved_replies.select_placeholder")}</button>
                    </p>
                })
            }}
        </div>
    }
}
