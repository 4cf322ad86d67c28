//! The saved-reply picker: a searchable combobox (WAI-ARIA combobox with a listbox) opened by
//! the composer's "Saved replies" button or by `/` at the start of a line. Arrows move, Enter
//! picks, Esc closes; typing filters by title and body (core's `search`). Below the list, where
//! the server keeps them, "Save as saved reply" and "Manage".

use leptos::html::Input;
use leptos::prelude::*;
use threadline_core::saved_replies::{search, SavedReply};

use crate::components::common::unique_id;
use crate::state::toolbox::{Loaded, Toolbox};

/// The most matches listed at once (type more to narrow).
const SHOWN: usize = 50;

#[component]
pub fn SavedReplyPicker(
    open: RwSignal<bool>,
    #[prop(into)] on_pick: Callback<SavedReply>,
    /// Closed without a choice (Esc): the composer takes the focus back.
    #[prop(into)]
    on_dismiss: Callback<()>,
    /// "Save as saved reply" (from the composer's text).
    #[prop(into)]
    on_save_current: Callback<()>,
    #[prop(into)] on_manage: Callback<()>,
) -> impl IntoView {
    let toolbox = expect_context::<Toolbox>();
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let input = NodeRef::<Input>::new();
    let list_id = unique_id("saved-replies");
    let option_prefix = format!("{}-", unique_id("saved-reply"));
    let active_prefix = option_prefix.clone();
    let matches = Memo::new(move |_| {
        toolbox.replies.with(|all| {
            query.with(|q| {
                search(all, q)
                    .into_iter()
                    .take(SHOWN)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    // Opened: read the list if needed, start from an empty search, focus it.
    Effect::new(move |_| {
        if open.get() {
            toolbox.ensure_loaded();
            query.set(String::new());
            active.set(0);
            if let Some(el) = input.get() {
                el.set_value("");
                let _ = el.focus();
            }
        }
    });
    let pick = move |reply: SavedReply| {
        open.set(false);
        on_pick.run(reply);
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let count = matches.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                if count > 0 {
                    active.update(|a| *a = (*a + 1) % count);
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                if count > 0 {
                    active.update(|a| *a = (*a + count - 1) % count);
                }
            }
            "Enter" => {
                ev.prevent_default();
                if let Some(reply) = matches.with(|m| m.get(active.get_untracked()).cloned()) {
                    pick(reply);
                }
            }
            "Escape" => {
                ev.prevent_default();
                ev.stop_propagation();
                open.set(false);
                on_dismiss.run(());
            }
            _ => {}
        }
    };
    let status = move || match toolbox.loaded.get() {
        Loaded::NotYet | Loaded::Loading => Some(t!("saved_replies.loading").into_owned()),
        Loaded::Failed(why) => Some(t!("saved_replies.not_loaded", reason = why).into_owned()),
        Loaded::Ready if toolbox.replies.with(Vec::is_empty) => Some(
            if toolbox.editable {
                t!("saved_replies.none_yet")
            } else {
                t!("saved_replies.none_configured")
            }
            .into_owned(),
        ),
        Loaded::Ready if matches.with(Vec::is_empty) => {
            Some(t!("saved_replies.no_match").into_owned())
        }
        Loaded::Ready => None,
    };
    view! {
        <div class="tl-saved" role="group" aria-label=t!("saved_replies.title") hidden=move || !open.get()>
            <input
                node_ref=input
                type="text"
                class="tl-saved__search"
                role="combobox"
                autocomplete="off"
                aria-autocomplete="list"
                aria-label=t!("saved_replies.search")
                placeholder=t!("saved_replies.search_placeholder")
                aria-controls=list_id.clone()
                aria-expanded=move || open.get().to_string()
                aria-activedescendant=move || {
                    (!matches.with(Vec::is_empty)).then(|| format!("{active_prefix}{}", active.get()))
                }
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    active.set(0);
                }
                on:keydown=on_key
            />
            <ul id=list_id class="tl-saved__list" role="listbox" aria-label=t!("saved_replies.title")>
                {move || matches.get().into_iter().enumerate().map(|(i, reply)| {
                    let id = format!("{option_prefix}{i}");
                    let snippet: String = reply.content.body.chars().take(90).collect();
                    let action = reply.content.action();
                    let chosen = reply.clone();
                    view! {
                        <li
                            id=id
                            role="option"
                            class="tl-saved__option"
                            aria-selected=move || (active.get() == i).to_string()
                            // Keep the focus in the search while the pointer picks.
                            on:mousedown=|ev| ev.prevent_default()
                            on:click=move |_| pick(chosen.clone())
                        >
                            <span class="tl-saved__title">{reply.content.title.clone()}</span>
                            <span class="tl-saved__snippet">{snippet}</span>
                            {(action != threadline_core::model::NextAction::None).then(|| view! {
                                <span class="tl-saved__action">{action.label(None)}</span>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="tl-saved__status" role="status">{status}</p>
            {move || matches!(toolbox.loaded.get(), Loaded::Failed(_)).then(|| view! {
                <button type="button" class="tl-link-button" on:click=move |_| toolbox.ensure_loaded()>
                    {t!("saved_replies.retry")}
                </button>
            })}
            {toolbox.editable.then(|| view! {
                <div class="tl-saved__footer">
                    <button type="button" class="tl-link-button" on:click=move |_| {
                        open.set(false);
                        on_save_current.run(());
                    }>{t!("saved_replies.save_current")}</button>
                    <button type="button" class="tl-link-button" on:click=move |_| {
                        open.set(false);
                        on_manage.run(());
                    }>{t!("saved_replies.manage")}</button>
                </div>
            })}
        </div>
    }
}
