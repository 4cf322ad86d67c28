//! The composer's saved replies: the "Saved replies" button, `/` at the start of a line, the
//! picker and the dialog, and what choosing one does: its text, placeholders filled, goes in
//! at the cursor as typing would (so Ctrl/Cmd+Z takes it out again), and its next action and
//! CC are applied and said in a status line; undoing the text undoes those too.

use leptos::html::Textarea;
use leptos::prelude::*;
use threadline_core::model::{NextAction, Ticket};
use threadline_core::placeholders::{fill, Context};
use threadline_core::recipients::{merge, parse_recipients, Recipient};
use threadline_core::saved_replies::{SavedReply, SavedReplyInput};
use wasm_bindgen::JsCast;

use super::saved_replies::SavedReplyPicker;
use super::saved_reply_dialog::{Opening, SavedRepliesDialog};
use super::signature::SignatureSettings;
use crate::components::common::{Glyph, Icon};
use crate::state::identity::ReplyingAs;
use crate::state::toolbox::Toolbox;

/// What a saved reply changed besides the text, to put back if its text is undone.
#[derive(Clone)]
struct Applied {
    text_before: String,
    next_action: NextAction,
    cc: Option<Vec<Recipient>>,
}

/// The saved-reply state of one composer (Copy, like a signal).
#[derive(Clone, Copy)]
pub struct SavedReplyTools {
    open: RwSignal<bool>,
    /// Where `/` was typed (UTF-16 offset in the text box), to be replaced by the choice.
    slash_at: StoredValue<Option<u32>>,
    applied: StoredValue<Option<Applied>>,
    /// What the last choice did, for the status line.
    said: RwSignal<Option<String>>,
    next_action: RwSignal<NextAction>,
    cc: RwSignal<Option<Vec<Recipient>>>,
}

impl SavedReplyTools {
    pub fn new(next_action: RwSignal<NextAction>, cc: RwSignal<Option<Vec<Recipient>>>) -> Self {
        Self {
            open: RwSignal::new(false),
            slash_at: StoredValue::new(None),
            applied: StoredValue::new(None),
            said: RwSignal::new(None),
            next_action,
            cc,
        }
    }

    /// Every input event of the text box: `/` typed at the start of a line opens the picker;
    /// undoing a saved reply's text puts back what it changed.
    pub fn on_input(&self, ev: &web_sys::Event) {
        let Some(ev) = ev.dyn_ref::<web_sys::InputEvent>() else {
            return;
        };
        let Some(area) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        else {
            return;
        };
        let value = area.value();
        if ev.input_type() == "historyUndo" {
            let undone = self
                .applied
                .with_value(|a| a.as_ref().is_some_and(|a| a.text_before == value));
            if undone {
                if let Some(applied) = self.applied.try_update_value(Option::take).flatten() {
                    self.next_action.set(applied.next_action);
                    self.cc.set(applied.cc);
                    self.said.set(None);
                }
            }
            return;
        }
        if ev.data().as_deref() != Some("/") {
            return;
        }
        let cursor = area.selection_start().ok().flatten().unwrap_or(0);
        let units: Vec<u16> = value.encode_utf16().collect();
        let at_line_start = cursor >= 1
            && units.get(cursor as usize - 1) == Some(&u16::from(b'/'))
            && (cursor == 1 || units.get(cursor as usize - 2) == Some(&u16::from(b'\n')));
        if at_line_start {
            self.slash_at.set_value(Some(cursor - 1));
            self.open.set(true);
        }
    }
}

#[component]
pub fn SavedReplyControls(
    tools: SavedReplyTools,
    text: RwSignal<String>,
    area: NodeRef<Textarea>,
    /// What placeholders are filled from.
    #[prop(into)]
    context: Signal<Context>,
    /// The CC chips as shown (a saved reply's addresses are added to these).
    #[prop(into)]
    chips: Signal<Vec<Recipient>>,
    actions: StoredValue<Vec<NextAction>>,
) -> impl IntoView {
    let toolbox = expect_context::<Toolbox>();
    // Read now: the picker opens at once, and the agent's name is known for the nudge.
    toolbox.ensure_loaded();
    let opening = RwSignal::new(None::<Opening>);
    let pick = move |reply: SavedReply| {
        let Some(el) = area.get_untracked() else {
            return;
        };
        let before = el.value();
        let _ = el.focus();
        if let Some(slash) = tools.slash_at.try_update_value(Option::take).flatten() {
            let still_there = before.encode_utf16().nth(slash as usize) == Some(u16::from(b'/'));
            if still_there {
                let _ = el.set_selection_range(slash, slash + 1);
            }
        }
        insert_at_cursor(&el, &fill(&reply.content.body, &context.get_untracked()));
        text.set(el.value());
        let applied = Applied {
            text_before: before,
            next_action: tools.next_action.get_untracked(),
            cc: tools.cc.get_untracked(),
        };
        let mut said = vec![t!(
            "saved_replies.inserted",
            title = reply.content.title.clone()
        )
        .into_owned()];
        let action = reply.content.action();
        if action != NextAction::None && actions.with_value(|a| a.contains(&action)) {
            tools.next_action.set(action);
            said.push(t!("saved_replies.set_action", action = action.label(None)).into_owned());
        }
        if !reply.content.cc.is_empty() {
            let added = parse_recipients(&reply.content.cc.join(", "));
            tools.cc.set(Some(merge(&chips.get_untracked(), added)));
            said.push(
                t!(
                    "saved_replies.added_cc",
                    addresses = reply.content.cc.join(", ")
                )
                .into_owned(),
            );
        }
        tools.applied.set_value(Some(applied));
        tools.said.set(Some(said.join(" ")));
    };
    let give_back_focus = move || {
        tools.slash_at.set_value(None);
        if let Some(el) = area.get_untracked() {
            let _ = el.focus();
        }
    };
    let save_current = move || {
        let body = text.get_untracked();
        opening.set(Some(Opening::New(SavedReplyInput {
            title: String::new(),
            body,
            next_action: Some(tools.next_action.get_untracked())
                .filter(|a| *a != NextAction::None)
                .map(|a| a.as_wire().to_owned()),
            cc: Vec::new(),
        })));
    };
    view! {
        <div class="tl-composer__tools">
            <button
                type="button"
                class="tl-button tl-composer__saved"
                aria-expanded=move || tools.open.get().to_string()
                title=format!("{} (/)", t!("saved_replies.title"))
                on:click=move |_| {
                    tools.slash_at.set_value(None);
                    tools.open.update(|o| *o = !*o);
                }
            >
                <Icon glyph=Glyph::Bookmark/>
                {t!("saved_replies.title")}
            </button>
            // Beside the saved replies, in the same row.
            <SignatureSettings on_saved=move |s: String| tools.said.set(Some(s))/>
            <SavedReplyPicker
                open=tools.open
                on_pick=pick
                on_dismiss=move |()| give_back_focus()
                on_save_current=move |()| save_current()
                on_manage=move |()| opening.set(Some(Opening::Manage))
            />
            <div class="tl-composer__applied" role="status">{move || tools.said.get()}</div>
            <SavedRepliesDialog opening=opening actions=actions on_saved=move |s: String| tools.said.set(Some(s))/>
        </div>
    }
}

/// What placeholders are filled from: the ticket's requester, number and subject, and the
/// agent's name (as the server knows it, else as their last delivered message said).
pub fn placeholder_context(
    ticket: Option<&Ticket>,
    toolbox: Option<Toolbox>,
    replying_as: Option<ReplyingAs>,
) -> Context {
    let requester = ticket.and_then(|t| t.requester.as_ref());
    Context {
        customer_name: requester.map(|r| r.name.clone()),
        customer_email: requester.map(|r| r.email.clone()),
        ticket_number: ticket.map(|t| t.number.clone().unwrap_or(t.id.clone())),
        ticket_subject: ticket.map(|t| t.subject.clone()),
        agent_name: toolbox
            .and_then(|t| t.agent_name.get())
            .or_else(|| replying_as.and_then(|r| r.0.get())),
    }
}

/// Inserts `insertion` over the text box's selection as typing would, so the browser's undo
/// takes it out again; where the browser refuses, sets the value directly.
pub(super) fn insert_at_cursor(el: &web_sys::HtmlTextAreaElement, insertion: &str) {
    // Typing goes to whatever has the focus: a hidden text box (the preview) has none.
    let focused = el.matches(":focus").unwrap_or(false);
    let typed = focused
        && web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|d| {
                d.exec_command_with_show_ui_and_value("insertText", false, insertion)
                    .ok()
            })
            .unwrap_or(false);
    if !typed {
        let _ = el.set_range_text_with_start_and_end_and_mode(
            insertion,
            el.selection_start().ok().flatten().unwrap_or(0),
            el.selection_end().ok().flatten().unwrap_or(0),
            "end",
        );
    }
}
