//! @mentions in an internal note: `@` at the start of a word offers the agents (the backend's
//! users, else the agents seen on the ticket) in a listbox under the text; arrows move, Enter
//! or Tab picks, Esc closes. The choice becomes `@Full Name ` in the text and is remembered
//! in the draft, so the note's HTML marks it (core's `mentions::render_note`).

use leptos::html::Textarea;
use leptos::prelude::*;
use threadline_core::compose::utf16_to_byte;
use threadline_core::mentions::{query_at, suggest, Mention};
use threadline_core::model::User;

use super::toolbox::insert_at_cursor;
use crate::components::common::unique_id;

/// Suggestions shown at once.
const SHOWN: usize = 6;

/// The mention being typed in one composer (Copy, like a signal).
#[derive(Clone, Copy)]
pub struct MentionTools {
    /// The `@` (byte offset in the text) and what follows it, while suggestions are open.
    typing: RwSignal<Option<(usize, String)>>,
    active: RwSignal<usize>,
    /// The agents to suggest.
    agents: Signal<Vec<User>>,
    /// The draft's chosen mentions.
    pub chosen: RwSignal<Vec<Mention>>,
    /// The composer's text (the fallback insertion fires no input event).
    text: RwSignal<String>,
    list_id: StoredValue<String>,
}

impl MentionTools {
    pub fn new(agents: Signal<Vec<User>>, text: RwSignal<String>) -> Self {
        Self {
            typing: RwSignal::new(None),
            active: RwSignal::new(0),
            agents,
            chosen: RwSignal::new(Vec::new()),
            text,
            list_id: StoredValue::new(unique_id("mentions")),
        }
    }

    fn offers(&self) -> Vec<User> {
        let Some((_, query)) = self.typing.get() else {
            return Vec::new();
        };
        self.agents
            .with(|all| suggest(all, &query, SHOWN).into_iter().cloned().collect())
    }

    /// The option the text box points at (its `aria-activedescendant`).
    pub fn active_option(&self) -> Option<String> {
        (!self.offers().is_empty())
            .then(|| format!("{}-{}", self.list_id.get_value(), self.active.get()))
    }

    pub fn list_id(&self) -> String {
        self.list_id.get_value()
    }

    /// Every input of the text box (notes only): opens, narrows or closes the suggestions.
    pub fn on_input(&self, area: &web_sys::HtmlTextAreaElement, is_note: bool) {
        let typing = is_note.then(|| typed_at_caret(area)).flatten();
        if typing != self.typing.get_untracked() {
            self.active.set(0);
            self.typing.set(typing);
        }
    }

    /// Closes the suggestions (the focus left the text box).
    pub fn close(&self) {
        self.typing.set(None);
    }

    /// Keys while suggestions are open; `true` when handled.
    pub fn on_key(&self, ev: &web_sys::KeyboardEvent, area: NodeRef<Textarea>) -> bool {
        let count = untrack(|| self.offers().len());
        if count == 0 || ev.is_composing() {
            return false;
        }
        // The caret may have moved away from the mention (a click, End): no longer typing it.
        let here = area.get_untracked().and_then(|el| typed_at_caret(&el));
        if here.as_ref().map(|h| h.0) != self.typing.get_untracked().map(|t| t.0) {
            self.typing.set(None);
            return false;
        }
        match ev.key().as_str() {
            "ArrowDown" => self.active.update(|a| *a = (*a + 1) % count),
            "ArrowUp" => self.active.update(|a| *a = (*a + count - 1) % count),
            "Enter" | "Tab" => {
                let agent = untrack(|| self.offers())
                    .into_iter()
                    .nth(self.active.get_untracked());
                if let Some(agent) = agent {
                    self.pick(&agent, area);
                }
            }
            "Escape" => self.typing.set(None),
            _ => return false,
        }
        ev.prevent_default();
        true
    }

    /// Puts `@Full Name ` in place of what was typed after `@`, and remembers the mention.
    fn pick(&self, agent: &User, area: NodeRef<Textarea>) {
        let (Some(el), Some((at, _))) = (area.get_untracked(), self.typing.get_untracked()) else {
            return;
        };
        let value = el.value();
        let start = threadline_core::compose::byte_to_utf16(&value, at) as u32;
        let end = el.selection_start().ok().flatten().unwrap_or(start);
        let _ = el.focus();
        let _ = el.set_selection_range(start, end);
        insert_at_cursor(&el, &format!("@{} ", agent.name.trim()));
        self.text.set(el.value());
        let mention = Mention {
            id: agent.id.clone(),
            name: agent.name.trim().to_owned(),
        };
        self.chosen.update(|c| {
            if !c.contains(&mention) {
                c.push(mention);
            }
        });
        self.typing.set(None);
    }
}

/// The mention being typed at the text box's caret, if any.
fn typed_at_caret(area: &web_sys::HtmlTextAreaElement) -> Option<(usize, String)> {
    let value = area.value();
    let cursor = utf16_to_byte(
        &value,
        area.selection_start().ok().flatten().unwrap_or(0) as usize,
    );
    query_at(&value, cursor)
}

/// The suggestions under the text box.
#[component]
pub fn MentionSuggestions(tools: MentionTools, area: NodeRef<Textarea>) -> impl IntoView {
    let list_id = tools.list_id();
    let prefix = list_id.clone();
    view! {
        <ul
            id=list_id
            class="tl-suggestions tl-mentions"
            role="listbox"
            aria-label=t!("mentions.suggestions")
            hidden=move || tools.offers().is_empty()
        >
            {move || tools.offers().into_iter().enumerate().map(|(i, agent)| {
                let chosen = agent.clone();
                view! {
                    <li
                        id=format!("{prefix}-{i}")
                        role="option"
                        class="tl-suggestion"
                        aria-selected=move || (tools.active.get() == i).to_string()
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| tools.pick(&chosen, area)
                    >
                        {agent.name.clone()}
                        <span class="tl-saved__snippet">{format!(" {}", agent.email)}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Before a public reply that @mentions agents: it goes to the customer; send it anyway, or
/// make it a note.
#[component]
pub fn MentionAsk(
    /// The agents the reply mentions (empty: nothing to ask).
    names: RwSignal<Vec<String>>,
    #[prop(into)] on_send_anyway: Callback<()>,
    #[prop(into)] on_switch: Callback<()>,
) -> impl IntoView {
    move || {
        let list = names.get();
        (!list.is_empty()).then(|| {
            let who = threadline_core::i18n::isolate(&list.join(", "));
            view! {
                // The words are the alert; the buttons beside them are no part of it.
                <div class="tl-composer__nudge">
                    <p role="alert">{t!("mentions.ask", names = who)}</p>
                    <button type="button" class="tl-button" on:click=move |_| on_send_anyway.run(())>
                        {t!("mentions.send_anyway")}
                    </button>
                    " "
                    <button type="button" class="tl-button" on:click=move |_| on_switch.run(())>
                        {t!("composer.switch_to_note")}
                    </button>
                </div>
            }
        })
    }
}
