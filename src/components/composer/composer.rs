//! The composer: Reply or Internal note (a control and Ctrl/Cmd+Alt+N), the Markdown editor,
//! To/CC chips, next action, next assignee and attachments. Everything typed is saved as a
//! draft per ticket and mode; sending hands the message to the outbox, which saves it before
//! any request and sends it exactly once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use leptos::html::Textarea;
use leptos::prelude::*;
use threadline_core::compose::send_label;
use threadline_core::draft::{
    left_after_send, storage_key, take_back_into, written_since, Draft, StoredDraft,
};
use threadline_core::mentions::mentioned;
use threadline_core::model::{field, AssigneeChange, Message, NextAction, Ticket, Visibility};
use threadline_core::nudge::colleague_note_last;
use threadline_core::outbox::Outgoing;
use threadline_core::outgoing::{message_from_draft, people_seen, seen_users};
use threadline_core::placeholders::{self, fill};
use threadline_core::recipients::{
    blocking_problem, cc_change, cc_snapshot, parse_recipients, Recipient,
};
use wasm_bindgen::JsCast;

use super::after_send::AfterSendField;
use super::assignee::AssigneeField;
use super::cc_field::CcField;
use super::conflict_banner::ConflictBanner;
use super::editor::MarkdownEditor;
use super::email_options::EmailOptions;
use super::mentions::{MentionAsk, MentionSuggestions, MentionTools};
use super::mode_nudge::ModeNudge;
use super::mode_switch::ModeSwitch;
use super::next_action::NextActionField;
use super::outgoing::{FieldMessages, OutboxState};
use super::placeholder_notice::{select_first_placeholder, PlaceholderNotice};
use super::signature::SignatureLine;
use super::stale_banner::{replying_now, ReplyingBanner, StaleBanner};
use super::ticket_fields::TicketFieldsChoice;
use super::toolbox::{placeholder_context, SavedReplyControls, SavedReplyTools};
use super::uploads::{files_of, UploadList, Uploads};
use crate::api::Client;
use crate::components::common::{Glyph, Icon};
use crate::config::{AppConfig, Mode};
use crate::state::after_send::AfterSendHook;
use crate::state::identity::ReplyingAs;
use crate::state::live::LiveFeed;
use crate::state::tasks::Tasks;
use crate::state::toolbox::{Loaded, Toolbox};
use crate::state::{drafts, now_ms, random_id};

const AUTOSAVE_MS: u64 = 400;

/// The composer of one ticket.
#[component]
pub fn Composer(
    ticket_id: String,
    /// The ticket (for the requester, its CC list and assignee), once loaded.
    #[prop(into)]
    ticket: Signal<Option<Ticket>>,
    /// The loaded thread (for the CC snapshot, suggestions and the stale-reply guard).
    thread: RwSignal<Vec<Message>>,
    outbox: OutboxState,
) -> impl IntoView {
    let client = expect_context::<Client>();
    let config = use_context::<AppConfig>();
    // The stale-reply check and the autosave stop when the composer goes.
    let tasks = Tasks::new();
    let caps = client.capabilities();
    // The customer's own view: a reply box, without the agent's choices or words.
    let customer = config.as_ref().is_some_and(|c| c.mode == Mode::Customer);
    let undo_ms = f64::from(config.as_ref().map_or(5, |c| c.undo_seconds)) * 1000.0;
    let max_bytes = u64::from(config.as_ref().map_or(25, |c| c.max_upload_mb)) * 1_000_000;

    let first_mode = if caps.can_reply {
        Visibility::Reply
    } else {
        Visibility::Note
    };
    let visibility = RwSignal::new(first_mode);
    let text = RwSignal::new(String::new());
    let cc = RwSignal::new(None::<Vec<Recipient>>);
    let next_action = RwSignal::new(NextAction::None);
    let assignee = RwSignal::new(AssigneeChange::Keep);
    let seen_up_to = RwSignal::new(None::<String>);
    let send_email = RwSignal::new(None::<bool>);
    let from_mailbox = RwSignal::new(None::<String>);
    let bcc = RwSignal::new(Vec::<Recipient>::new());
    let mailboxes = StoredValue::new(client.outbound_mailboxes());
    let actions = StoredValue::new(client.next_actions());
    let status =
        Signal::derive(move || ticket.with(|t| t.as_ref().and_then(Ticket::effective_status)));
    let ticket_field_list = StoredValue::new(client.ticket_fields());
    let ticket_fields = RwSignal::new(BTreeMap::<String, String>::new());
    let uploads = Uploads::new(max_bytes);
    let fields = RwSignal::new(FieldMessages::new());
    let notice = RwSignal::new(None::<String>);
    let conflict = RwSignal::new(None::<StoredDraft>);
    let stale = RwSignal::new(Vec::<Message>::new());
    // The others who were replying when Send was pressed (the guard asks first).
    let rivals = RwSignal::new(Vec::<String>::new());
    // Presence: the others replying now, and this agent's own typing and draft for them.
    let live = use_context::<LiveFeed>().filter(|_| !customer);
    let replying = Memo::new(move |_| live.map(|l| l.replying()).unwrap_or_default());
    if let Some(live) = live {
        Effect::new(move |_| live.drafting(!text.with(|t| t.trim().is_empty())));
    }
    let send_when_uploaded = RwSignal::new(false);
    let checking = RwSignal::new(false);
    // Whether the agent has turned to the composer since it last sent (see `expanded`).
    let engaged = RwSignal::new(false);
    let after_send = use_context::<AfterSendHook>();
    let area = NodeRef::<Textarea>::new();
    let tools = SavedReplyTools::new(next_action, cc);
    let toolbox = use_context::<Toolbox>();
    let replying_as = use_context::<ReplyingAs>();
    let context =
        Memo::new(move |_| ticket.with(|t| placeholder_context(t.as_ref(), toolbox, replying_as)));
    // Agents to @mention: the backend's list, else those seen on the ticket.
    let agents = Signal::derive(move || {
        toolbox
            .and_then(|t| t.agents.get())
            .unwrap_or_else(|| ticket.with(|t| thread.with(|m| seen_users(t.as_ref(), m))))
    });
    let mention_tools = MentionTools::new(agents, text);
    // The agents a public reply mentions, while the composer asks before sending it.
    let mention_ask = RwSignal::new(Vec::<String>::new());
    let mentions_confirmed = StoredValue::new(None::<String>);
    // The agent's signature as it will go below a reply, and whether this one carries it.
    let with_signature = RwSignal::new(true);
    let signature = Memo::new(move |_| {
        // An emailed reply from a chosen mailbox carries that mailbox's own, if it has one.
        let emailed = visibility.get() == Visibility::Reply
            && (!caps.has_email_switch || send_email.get().unwrap_or(true));
        let mailbox = emailed
            .then(|| {
                from_mailbox
                    .get()
                    .or_else(|| mailboxes.with_value(|m| m.first().cloned()))
            })
            .flatten();
        toolbox
            .filter(|_| !customer)
            .map(|t| {
                t.signatures
                    .with(|s| fill(s.for_mailbox(mailbox.as_deref()), &context.get()))
            })
            .unwrap_or_default()
    });
    // The stored draft revision this tab last read or wrote.
    let base = StoredValue::new(0u64);
    // Just queued: the emptied composer must not remove the stored draft before the send is
    // confirmed.
    let just_sent = StoredValue::new(false);

    let is_note = move || visibility.get() == Visibility::Note;
    // A reply that goes out as email (always, where the backend has no switch).
    let emailing =
        move || !is_note() && (!caps.has_email_switch || send_email.get().unwrap_or(true));
    let snapshot = Memo::new(move |_| {
        ticket.with(|t| {
            t.as_ref()
                .map(|t| thread.with(|m| cc_snapshot(t, m)))
                .unwrap_or_default()
        })
    });
    let snapshot_chips = Memo::new(move |_| parse_recipients(&snapshot.get().join(", ")));
    let chips = Signal::derive(move || cc.get().unwrap_or_else(|| snapshot_chips.get()));
    let change_summary = Memo::new(move |_| {
        if is_note() || cc.with(Option::is_none) {
            return None;
        }
        snapshot.with(|s| chips.with(|c| cc_change(s, c).summary()))
    });

    let current_draft = move || Draft {
        text: text.get(),
        visibility: visibility.get(),
        cc: cc.get(),
        next_action: next_action.get(),
        assignee: assignee.get(),
        attachments: uploads.attachments(),
        seen_up_to: seen_up_to.get(),
        send_email: send_email.get(),
        from_mailbox: from_mailbox.get(),
        bcc: bcc.get(),
        ticket_fields: ticket_fields.get(),
        signature: signature_below(visibility, with_signature, signature),
        signature_removed: !with_signature.get(),
        mentions: mention_tools.chosen.get(),
    };
    let draft_untracked = move || untrack(current_draft);
    let apply = move |d: Draft| {
        // Signed unless the agent took it off this message.
        with_signature.set(!d.signature_removed);
        visibility.set(d.visibility);
        text.set(d.text);
        cc.set(d.cc);
        next_action.set(d.next_action);
        assignee.set(d.assignee);
        uploads.restore(d.attachments);
        seen_up_to.set(d.seen_up_to);
        send_email.set(d.send_email);
        from_mailbox.set(d.from_mailbox);
        bcc.set(d.bcc);
        ticket_fields.set(d.ticket_fields);
        mention_tools.chosen.set(d.mentions);
    };
    let load_mode = {
        let ticket_id = ticket_id.clone();
        move |mode: Visibility| {
            let stored = drafts::load(&ticket_id, mode);
            base.set_value(stored.as_ref().map_or(0, |s| s.revision));
            // A draft already in the outbox is shown there, not here as well.
            let queued = |d: &Draft| {
                outbox.items.with_untracked(|items| {
                    items
                        .iter()
                        .any(|o| !o.is_sent() && o.draft.same_message(d))
                })
            };
            let mut draft = match stored {
                Some(s) if !queued(&s.draft) => s.draft,
                _ => Draft::new(mode),
            };
            // Text a panic saved from the box is at least as new as the last autosave.
            if let Some(text) = drafts::take_rescue(&ticket_id, mode) {
                draft.text = text;
            }
            apply(draft);
            fields.set(FieldMessages::new());
            conflict.set(None);
        }
    };
    load_mode(first_mode);

    let save_now = {
        let ticket_id = ticket_id.clone();
        move |draft: Draft| {
            if draft.is_empty() && just_sent.get_value() {
                return;
            }
            match drafts::save(&ticket_id, draft.visibility, base.get_value(), draft) {
                drafts::Saved::Revision(r) => base.set_value(r),
                drafts::Saved::Conflict(theirs) => conflict.set(Some(*theirs)),
                drafts::Saved::NotStored => {
                    notice.set(Some(t!("composer.drafts_not_saved").into_owned()))
                }
            }
        }
    };
    // Saved as the agent types, debounced.
    let generation = StoredValue::new(0u32);
    let pending = StoredValue::new(None::<Draft>);
    Effect::new({
        let save_now = save_now.clone();
        move |ran: Option<()>| {
            let draft = current_draft();
            if ran.is_none() {
                return;
            }
            if !draft.is_empty() {
                just_sent.set_value(false);
                // Only a real change: setting None again would re-run this effect forever
                // on a ticket with no messages yet.
                if draft.seen_up_to.is_none() {
                    if let Some(last) = thread.with_untracked(|t| t.last().map(|m| m.id.clone())) {
                        seen_up_to.set(Some(last));
                    }
                }
            }
            let g = generation.get_value().wrapping_add(1);
            generation.set_value(g);
            pending.set_value(Some(draft));
            let save_now = save_now.clone();
            tasks.after(std::time::Duration::from_millis(AUTOSAVE_MS), move || {
                if generation.get_value() == g {
                    if let Some(draft) = pending.try_update_value(Option::take).flatten() {
                        save_now(draft);
                    }
                }
            });
        }
    });
    // Leaving the ticket inside the autosave delay keeps what was typed last.
    on_cleanup({
        let save_now = save_now.clone();
        move || {
            if let Some(draft) = pending.try_update_value(Option::take).flatten() {
                save_now(draft);
            }
        }
    });
    // Another tab changed this draft.
    let storage_listener = {
        let ticket_id = ticket_id.clone();
        window_event_listener(leptos::ev::storage, move |ev| {
            let mode = visibility.get_untracked();
            if ev.key() != Some(threadline_core::draft::storage_key(&ticket_id, mode)) {
                return;
            }
            if let Some(theirs) = drafts::load(&ticket_id, mode) {
                if theirs.revision <= base.get_value() {
                    return;
                }
                let mine = draft_untracked();
                if theirs.draft.same_message(&mine) {
                    // The same message: agreed, so the next save here is no conflict.
                    base.set_value(theirs.revision);
                } else {
                    conflict.set(Some(theirs));
                }
            }
        })
    };
    on_cleanup(move || storage_listener.remove());

    // The message the draft is now, ready for the outbox.
    let outgoing = {
        let ticket_id = ticket_id.clone();
        move || {
            let draft = draft_untracked();
            let message = mailboxes.with_value(|m| {
                snapshot.with_untracked(|s| message_from_draft(&draft, caps, s, m))
            });
            thread.with_untracked(|t| {
                Outgoing::new(
                    random_id("out"),
                    ticket_id.clone(),
                    draft,
                    message,
                    t,
                    now_ms(),
                    undo_ms,
                )
            })
        }
    };
    // Send was pressed and the check for newer messages is still out when the agent leaves:
    // the message, made when Send was pressed, goes as pressed (the outbox outlives this
    // view), not silently nowhere. Kept off the reactive graph: at cleanup, signals of this
    // view (and the thread store) may already be gone.
    let pressed = Arc::new(Mutex::new(None::<Outgoing>));
    on_cleanup({
        let pressed = Arc::clone(&pressed);
        move || {
            if let Some(item) = pressed.lock().ok().and_then(|mut p| p.take()) {
                let _ = outbox.queue(item);
            }
        }
    });
    // Queues `item`; the composer then holds `keep`: a fresh draft, or what was added while
    // the message waited for its check (`None`: the agent is on the other mode's draft).
    let queue_item = move |item: Outgoing, keep: Option<Draft>| {
        if !outbox.queue(item) {
            notice.set(Some(t!("composer.not_queued").into_owned()));
            return;
        }
        just_sent.set_value(true);
        fields.set(FieldMessages::new());
        stale.set(Vec::new());
        let Some(keep) = keep else {
            return;
        };
        let more = !keep.is_empty();
        apply(keep);
        // Back to the (now empty) text: the Send button is busy or gone, and the focus
        // must not fall to the page's start. Folded up again: the message has gone.
        if let Some(el) = area.get_untracked() {
            let _ = el.focus();
        }
        engaged.set(more);
    };
    let queue = {
        let outgoing = outgoing.clone();
        move || {
            let mode = visibility.get_untracked();
            queue_item(outgoing(), Some(Draft::new(mode)))
        }
    };
    let submit = {
        let client = client.clone();
        let ticket_id = ticket_id.clone();
        let queue = queue.clone();
        let outgoing = outgoing.clone();
        move |force: bool| {
            // One check at a time: Ctrl+Enter while it runs would take a second message.
            if checking.get_untracked() {
                return;
            }
            notice.set(None);
            if text.get_untracked().trim().is_empty() && uploads.attachments().is_empty() {
                notice.set(Some(t!("composer.empty").into_owned()));
                return;
            }
            // A placeholder left unfilled would reach the customer as `{{…}}`.
            if !customer && select_first_placeholder(area) {
                notice.set(Some(t!("saved_replies.fill_before_sending").into_owned()));
                return;
            }
            // A reply that names agents goes to the customer: ask once for this text.
            let written = text.get_untracked();
            if !customer
                && !is_note()
                && mentions_confirmed.with_value(|c| c.as_deref() != Some(written.as_str()))
            {
                let named: Vec<String> = agents.with_untracked(|a| {
                    mentioned(&written, a)
                        .into_iter()
                        .map(|u| u.name.clone())
                        .collect()
                });
                if !named.is_empty() {
                    mention_ask.set(named);
                    return;
                }
            }
            let signed = draft_untracked().signature.unwrap_or_default();
            if let Some(left) = placeholders::find(&signed).first() {
                notice.set(Some(
                    t!("signature.unfilled", name = left.written()).into_owned(),
                ));
                return;
            }
            let problem = chips
                .with_untracked(|c| blocking_problem(c))
                .or_else(|| bcc.with_untracked(|c| blocking_problem(c)));
            if let Some(problem) = problem {
                notice.set(Some(problem));
                return;
            }
            if uploads.any_failed() {
                notice.set(Some(t!("composer.upload_failed").into_owned()));
                return;
            }
            if uploads.in_progress() > 0 {
                send_when_uploaded.set(true);
                return;
            }
            if force {
                seen_up_to.set(thread.with_untracked(|t| t.last().map(|m| m.id.clone())));
                queue();
                return;
            }
            // Someone may have written since the draft began: read the newest messages first.
            checking.set(true);
            if let Ok(mut p) = pressed.lock() {
                *p = Some(outgoing());
            }
            let (client, id) = (client.clone(), ticket_id.clone());
            let pressed = Arc::clone(&pressed);
            tasks.spawn(async move {
                let answer = client.latest(&id).await;
                // The check is over: from here on this view decides.
                let sent = pressed.lock().ok().and_then(|mut p| p.take());
                if let Ok(chunk) = answer {
                    thread.update(|t| {
                        for m in chunk.messages {
                            if !t.iter().any(|x| x.id == m.id) {
                                t.push(m);
                            }
                        }
                    });
                }
                checking.set(false);
                let own = outbox.sent_ids();
                let since: Vec<Message> = thread.with_untracked(|t| {
                    written_since(t, seen_up_to.get_untracked().as_deref(), &own)
                        .into_iter()
                        .cloned()
                        .collect()
                });
                let others = replying.get_untracked();
                match (since.is_empty(), sent) {
                    // A colleague is answering too: ask before sending over them.
                    (true, Some(_)) if !others.is_empty() => rivals.set(others),
                    // The message as it was when Send was pressed; what was typed during the
                    // check stays in the composer as the next one.
                    (true, Some(item)) => {
                        let keep = left_after_send(&item.draft, &draft_untracked());
                        queue_item(item, keep);
                    }
                    // Taken already (the view was leaving): queued by the cleanup.
                    (true, None) => {}
                    (false, _) => stale.set(since),
                }
            });
        }
    };
    // "Send" pressed while files were uploading: send once they are done.
    Effect::new({
        let submit = submit.clone();
        move |_| {
            if send_when_uploaded.get() && uploads.in_progress() == 0 {
                send_when_uploaded.set(false);
                submit(false);
            }
        }
    });

    let switch_mode = {
        let load_mode = load_mode.clone();
        let save_now = save_now.clone();
        move |mode: Visibility| {
            if visibility.get_untracked() == mode
                || (mode == Visibility::Note && !caps.can_note)
                || (mode == Visibility::Reply && !caps.can_reply)
            {
                return;
            }
            save_now(draft_untracked());
            load_mode(mode);
        }
    };
    // Undo and Edit put a message back here, in its mode, beside anything written since.
    Effect::new({
        let switch_mode = switch_mode.clone();
        move |_| {
            let Some((back, errors)) = outbox.restore.get() else {
                return;
            };
            outbox.restore.set(None);
            switch_mode(back.visibility);
            let (draft, combined) = take_back_into(draft_untracked(), back);
            apply(draft);
            fields.set(errors);
            if combined {
                notice.set(Some(t!("composer.taken_back").into_owned()));
            }
            if let Some(el) = area.get_untracked() {
                let _ = el.focus();
            }
        }
    });
    let on_key = {
        let submit = submit.clone();
        let switch_mode = switch_mode.clone();
        Callback::new(move |ev: leptos::ev::KeyboardEvent| {
            if is_note() && mention_tools.on_key(&ev, area) {
                return true;
            }
            let mod_key = ev.ctrl_key() || ev.meta_key();
            if mod_key && ev.key() == "Enter" {
                ev.prevent_default();
                submit(false);
                return true;
            }
            if mod_key && ev.alt_key() && ev.code() == "KeyN" {
                ev.prevent_default();
                let other = if is_note() {
                    Visibility::Reply
                } else {
                    Visibility::Note
                };
                switch_mode(other);
                return true;
            }
            // Esc leaves the text box for the conversation (the draft stays as typed).
            if ev.key() == "Escape" && !mod_key && !ev.is_composing() {
                ev.prevent_default();
                focus_newest_message(&ev);
                return true;
            }
            false
        })
    };

    // Suggestions for CC and BCC: everyone the ticket has seen.
    let people =
        Signal::derive(move || ticket.with(|t| thread.with(|m| people_seen(t.as_ref(), m))));
    let requester_name = Signal::derive(move || {
        ticket.with(|t| {
            t.as_ref()
                .and_then(|t| t.requester.as_ref())
                .map(|r| {
                    r.display_name()
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                })
                .filter(|n| !n.is_empty())
        })
    });
    let requester = Signal::derive(move || {
        ticket.with(|t| {
            t.as_ref()
                .and_then(|t| t.requester.as_ref().map(|r| r.email.clone()))
        })
    });
    let cc_error = Signal::derive(move || {
        fields.with(|f| {
            let list: Vec<String> = f
                .iter()
                .filter(|(k, _)| is_cc(k))
                .flat_map(|(_, v)| v.clone())
                .collect();
            (!list.is_empty())
                .then(|| t!("composer.cc_refused", reasons = list.join(" ")).into_owned())
        })
    });
    let other_errors = Signal::derive(move || {
        fields.with(|f| {
            f.iter()
                .filter(|(k, _)| !is_cc(k))
                .map(|(k, v)| format!("{}: {}", field_label(k), v.join(" ")))
                .collect::<Vec<_>>()
        })
    });

    let button_label = move || {
        if checking.get() {
            return t!("composer.checking").into_owned();
        }
        let waiting = uploads.in_progress();
        if send_when_uploaded.get() && waiting > 0 {
            return crate::i18n::plural("composer.sending_after_uploads", waiting);
        }
        send_label(visibility.get(), next_action.get(), status.get())
    };
    let drop_files = {
        let client = client.clone();
        move |files: Vec<web_sys::File>| uploads.add(&client, files)
    };
    let paste_files = Callback::new(drop_files.clone());
    let pick_files = {
        let drop_files = drop_files.clone();
        move |ev: leptos::ev::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            drop_files(files_of(input.files()));
            input.set_value("");
        }
    };
    let dragging = RwSignal::new(false);
    // Collapsed to one line (the mode and the text box) until the agent turns to it or
    // something is written or chosen: the conversation gets the room. It does not fold up
    // again when the focus leaves (that would move what is under the pointer), only once a
    // message has gone.
    let expanded = Memo::new(move |_| {
        engaged.get()
            || !text.with(|t| t.trim().is_empty())
            || uploads.items.with(|i| !i.is_empty())
            || !uploads.refused.with(Vec::is_empty)
            || cc.with(Option::is_some)
            || bcc.with(|b| !b.is_empty())
            || next_action.get() != NextAction::None
            || assignee.with(|a| *a != AssigneeChange::Keep)
            || notice.with(Option::is_some)
            || conflict.with(Option::is_some)
            || stale.with(|s| !s.is_empty())
            || rivals.with(|r| !r.is_empty())
    });
    // A reply after a colleague's internal note: say so, once the agent is writing.
    let colleague = Memo::new(move |_| {
        if customer || is_note() || !caps.can_note || !expanded.get() {
            return None;
        }
        // Not before the server has said who the agent is (their own note is no nudge).
        if toolbox.is_some_and(|t| t.editable && !t.loaded.with(Loaded::is_settled)) {
            return None;
        }
        let me = toolbox
            .and_then(|t| t.agent_name.get())
            .or_else(|| replying_as.and_then(|r| r.0.get()));
        let own = outbox.sent_ids();
        thread.with(|t| colleague_note_last(t, me.as_deref(), &own))
    });
    let move_to_note = {
        let switch_mode = switch_mode.clone();
        move || {
            let moving = text.get_untracked();
            // The reply's draft is left empty: the words go to the note, the CC stays behind.
            text.set(String::new());
            switch_mode(Visibility::Note);
            text.update(|t| {
                if t.trim().is_empty() {
                    *t = moving;
                } else {
                    t.push_str("\n\n");
                    t.push_str(&moving);
                }
            });
            if let Some(el) = area.get_untracked() {
                let _ = el.focus();
            }
        }
    };
    // The question is about the text as it was: a change makes it moot.
    Effect::new(move |ran: Option<()>| {
        text.track();
        if ran.is_some() {
            mention_ask.set(Vec::new());
        }
    });
    let submit_mentioned = submit.clone();
    let move_to_note_again = move_to_note.clone();
    let submit_click = submit.clone();
    let submit_force = submit.clone();
    let keep_mine = save_now.clone();

    view! {
        <form
            part="composer"
            class=move || {
                let mut c = String::from("tl-composer");
                if is_note() { c.push_str(" tl-composer--note"); }
                if dragging.get() { c.push_str(" tl-composer--dragging"); }
                if !expanded.get() { c.push_str(" tl-composer--collapsed"); }
                c
            }
            on:focusin=move |ev: leptos::ev::FocusEvent| engage_unless_mode(&ev, engaged)
            on:input=move |_| if let Some(live) = live { live.typed() }
            // A click into the text box that kept the focus after a send opens it as well.
            on:click=move |ev: leptos::ev::MouseEvent| engage_unless_mode(&ev, engaged)
            aria-label=if customer { t!("composer.form_customer") } else { t!("composer.form_agent") }
            on:submit=move |ev| {
                ev.prevent_default();
                submit_click(false);
            }
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                drop_files(files_of(ev.data_transfer().and_then(|d| d.files())));
            }
        >
            // Said before the agent starts: someone else is answering already.
            <p class="tl-composer__presence" role="status">
                {move || replying_now(&replying.get())}
            </p>
            {(!customer).then(|| view! {
                <ModeSwitch is_note=Signal::derive(is_note) caps=caps on_switch=Callback::new(switch_mode)/>
            })}
            <ConflictBanner
                conflict=conflict
                on_use_theirs=Callback::new(move |theirs: StoredDraft| {
                    base.set_value(theirs.revision);
                    apply(theirs.draft);
                    conflict.set(None);
                })
                on_keep_mine=Callback::new(move |revision: u64| {
                    base.set_value(revision);
                    conflict.set(None);
                    keep_mine(draft_untracked());
                })
            />
            {move || (!is_note() && caps.has_email_switch).then(|| view! {
                <EmailOptions send_email=send_email from_mailbox=from_mailbox mailboxes=mailboxes emailing=Signal::derive(emailing)/>
            })}
            {move || (emailing() && caps.has_cc).then(|| view! {
                <CcField
                    to=requester
                    chips=chips
                    on_change=Callback::new(move |next: Vec<Recipient>| {
                        fields.update(|f| f.retain(|k, _| !is_cc(k)));
                        cc.set(Some(next));
                    })
                    people=people
                    server_error=cc_error
                />
            })}
            {move || (emailing() && caps.has_bcc).then(|| view! {
                <CcField
                    kind="Bcc"
                    chips=Signal::derive(move || bcc.get())
                    on_change=Callback::new(move |next: Vec<Recipient>| bcc.set(next))
                    people=people
                />
            })}
            <div class="tl-rescue" on:input=move |ev| {
                tools.on_input(&ev);
                if let Some(el) = area.get_untracked() {
                    mention_tools.on_input(&el, is_note());
                }
            } on:focusout=move |_| mention_tools.close() data-draft-key={
                let ticket_id = ticket_id.clone();
                move || storage_key(&ticket_id, visibility.get())
            }>
            <MarkdownEditor
                text=text
                label=Signal::derive(move || if is_note() { t!("composer.note_text") } else { t!("composer.reply_text") }.into_owned())
                placeholder=Signal::derive(move || if is_note() {
                    t!("composer.note_placeholder").into_owned()
                } else if customer {
                    t!("composer.customer_placeholder").into_owned()
                } else {
                    // "Reply to Maria…", where the requester is known.
                    match requester_name.get() {
                        Some(name) => t!("composer.reply_to", name = name).into_owned(),
                        None => t!("composer.reply_placeholder").into_owned(),
                    }
                })
                on_key=on_key
                area=area
                on_paste_files=paste_files
                appendix=Signal::derive(move || signature_below(visibility, with_signature, signature))
                active_descendant=Signal::derive(move || mention_tools.active_option())
                controls=mention_tools.list_id()
            />
            <MentionSuggestions tools=mention_tools area=area/>
            </div>
            {move || (!is_note()).then(|| view! { <SignatureLine signature=signature included=with_signature/> })}
            {(!customer).then(|| view! {
                <PlaceholderNotice text=text area=area/>
                <ModeNudge colleague=colleague on_switch=Callback::new(move |()| move_to_note())/>
                <MentionAsk
                    names=mention_ask
                    on_send_anyway=Callback::new(move |()| {
                        mentions_confirmed.set_value(Some(text.get_untracked()));
                        mention_ask.set(Vec::new());
                        submit_mentioned(false);
                    })
                    on_switch=Callback::new(move |()| {
                        mention_ask.set(Vec::new());
                        move_to_note_again();
                    })
                />
                // Only where a toolbox is provided (every app root and embedded conversation is).
                {toolbox.map(|_| view! {
                    <SavedReplyControls tools=tools text=text area=area context=context chips=chips actions=actions/>
                })}
            })}
            {caps.has_attachments.then(|| view! {
                <div class="tl-composer__files">
                    <label class="tl-button tl-composer__attach">
                        <Icon glyph=Glyph::Paperclip/>
                        {t!("composer.attach_files")}
                        <input type="file" multiple class="tl-visually-hidden" on:change=pick_files/>
                    </label>
                    <span class="tl-composer__hint">{t!("composer.drop_hint")}</span>
                    <UploadList uploads=uploads/>
                </div>
            })}
            <div class="tl-composer__options">
                {caps.has_next_action.then(|| view! { <NextActionField next_action=next_action actions=actions status=status/> })}
                <TicketFieldsChoice fields=ticket_field_list values=ticket_fields/>
                {caps.has_assignee.then(|| view! { <AssigneeField assignee=assignee ticket=ticket thread=thread/> })}
            </div>
            {move || change_summary.get().map(|s| view! { <p class="tl-composer__cc-change" role="status">{s}</p> })}
            {move || {
                let errors = other_errors.get();
                (!errors.is_empty()).then(|| view! {
                    <ul class="tl-field-error" role="alert">{errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                })
            }}
            {move || notice.get().map(|n| view! { <p class="tl-composer__notice" role="alert">{n}</p> })}
            <ReplyingBanner
                rivals=rivals
                on_send_anyway=Callback::new({
                    let submit_force = submit_force.clone();
                    move |()| {
                        rivals.set(Vec::new());
                        submit_force(true);
                    }
                })
                on_keep=Callback::new(move |()| rivals.set(Vec::new()))
            />
            <StaleBanner
                stale=stale
                on_send_anyway=Callback::new(move |()| submit_force(true))
                on_review=Callback::new(move |first: Option<String>| {
                    stale.set(Vec::new());
                    seen_up_to.set(thread.with_untracked(|t| t.last().map(|m| m.id.clone())));
                    if let Some(id) = first {
                        crate::components::conversation::reveal_message(tasks, id);
                    }
                })
            />
            <div class="tl-composer__actions">
                {after_send.map(|hook| view! { <AfterSendField hook=hook/> })}
                <button type="submit" part="send" class="tl-button tl-button--primary" disabled=move || checking.get()>
                    {button_label}
                </button>
            </div>
        </form>
    }
}

/// Whether a field error is about CC (the list, or one address in it).
fn is_cc(key: &str) -> bool {
    key == field::CC
        || key
            .strip_prefix(field::CC)
            .is_some_and(|r| r.starts_with('['))
}

/// A field error's field, in the composer's words.
fn field_label(key: &str) -> String {
    let name = key.split('[').next().unwrap_or(key);
    match name {
        field::TEXT => t!("composer.message").into_owned(),
        field::ATTACHMENTS => t!("composer.attachments").into_owned(),
        field::NEXT_ACTION => t!("composer.next_action").into_owned(),
        field::ASSIGNEE => t!("composer.next_assignee").into_owned(),
        other => other.replace('_', " "),
    }
}

/// Moves the focus from the composer to the newest message of its page's conversation.
fn focus_newest_message(ev: &leptos::ev::KeyboardEvent) {
    let newest = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(".tl-page--ticket").ok().flatten())
        .and_then(|main| main.query_selector_all("[role=feed] article").ok())
        .and_then(|all| all.item(all.length().checked_sub(1)?))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = newest {
        let _ = el.focus();
    }
}

/// The agent turned to the composer (focus or click in it): it opens. Choosing reply or note
/// (the radio or its label) is not writing yet (and must not move the switch from under the pointer).
fn engage_unless_mode(ev: &web_sys::Event, engaged: RwSignal<bool>) {
    let in_mode_switch = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.closest(".tl-composer__mode"), Ok(Some(_))));
    if !in_mode_switch {
        engaged.set(true);
    }
}

/// The signature a message carries below its text: a reply's, unless taken off.
fn signature_below(
    visibility: RwSignal<Visibility>,
    with_signature: RwSignal<bool>,
    signature: Memo<String>,
) -> Option<String> {
    (visibility.get() == Visibility::Reply && with_signature.get())
        .then(|| signature.get())
        .filter(|s| !s.trim().is_empty())
}
