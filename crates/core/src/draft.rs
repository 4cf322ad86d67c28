//! Drafts: everything the agent has put into the composer for one ticket and mode, the rule
//! that decides whether a save may overwrite what another tab stored, and the stale-reply
//! guard (who wrote on the ticket since the draft began).

use serde::{Deserialize, Serialize};

use crate::model::{AssigneeChange, Attachment, Message, NextAction, Role, Visibility};
use crate::recipients::{merge, Recipient};

/// What the agent has written and chosen, not sent yet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Draft {
    pub text: String,
    pub visibility: Visibility,
    /// `None` while the agent has not touched the CC chips (the server's rule applies).
    pub cc: Option<Vec<Recipient>>,
    pub next_action: NextAction,
    pub assignee: AssigneeChange,
    /// Uploaded files, ready to send with the message.
    pub attachments: Vec<Attachment>,
    /// The newest message in the thread when the agent began (or last reviewed the thread).
    pub seen_up_to: Option<String>,
    /// "Send as email", where the backend has the switch (`None`: its default).
    #[serde(default)]
    pub send_email: Option<bool>,
    /// The mailbox an emailed reply goes out from, where the backend needs one.
    #[serde(default)]
    pub from_mailbox: Option<String>,
    /// Blind copies, where the backend has them.
    #[serde(default)]
    pub bcc: Vec<Recipient>,
    /// Ticket properties to change, where the backend has them (key → value).
    #[serde(default)]
    pub ticket_fields: std::collections::BTreeMap<String, String>,
    /// The agent's signature (placeholders filled) to add below a reply; `None` when there is
    /// none or the agent removed it from this message. Notes never carry it.
    #[serde(default)]
    pub signature: Option<String>,
    /// The agent took the signature off this message (kept with the draft, so a reopened
    /// draft stays as the agent left it).
    #[serde(default)]
    pub signature_removed: bool,
    /// Agents chosen from the @mention suggestions (a note marks them in its HTML).
    #[serde(default)]
    pub mentions: Vec<crate::mentions::Mention>,
}

impl Draft {
    /// An empty draft for a mode.
    pub fn new(visibility: Visibility) -> Self {
        Self {
            visibility,
            ..Self::default()
        }
    }

    /// Whether two drafts are the same message (where each began aside).
    pub fn same_message(&self, other: &Draft) -> bool {
        Draft {
            seen_up_to: None,
            ..self.clone()
        } == Draft {
            seen_up_to: None,
            ..other.clone()
        }
    }

    /// Whether there is nothing worth keeping (a signature alone is not writing).
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
            && self.cc.is_none()
            && self.attachments.is_empty()
            && self.next_action == NextAction::None
            && self.assignee == AssigneeChange::Keep
            && self.bcc.is_empty()
            && self.ticket_fields.is_empty()
    }
}

/// What was typed into the composer after `sent` was taken from it to go out (while the
/// newest messages were checked): the rest when the text still begins with what was sent,
/// nothing when it is unchanged, and all of it when it was edited within (nothing is dropped).
pub fn typed_after(sent: &str, now: &str) -> String {
    if now.trim() == sent.trim() {
        return String::new();
    }
    match now.strip_prefix(sent.trim_end()) {
        Some(rest) => rest.trim_start().to_owned(),
        None => now.to_owned(),
    }
}

/// What stays in the composer once `sent` (taken from it when Send was pressed) has gone,
/// given the draft `now`: the words typed since, and whatever was attached or chosen since
/// that the sent message does not carry. `None` when the agent switched to the other mode
/// meanwhile: that draft was never sent and stays as it is.
pub fn left_after_send(sent: &Draft, now: &Draft) -> Option<Draft> {
    if now.visibility != sent.visibility {
        return None;
    }
    Some(Draft {
        text: typed_after(&sent.text, &now.text),
        visibility: now.visibility,
        cc: now.cc.clone().filter(|cc| Some(cc) != sent.cc.as_ref()),
        next_action: if now.next_action != sent.next_action {
            now.next_action
        } else {
            NextAction::None
        },
        assignee: if now.assignee != sent.assignee {
            now.assignee.clone()
        } else {
            AssigneeChange::Keep
        },
        attachments: now
            .attachments
            .iter()
            .filter(|a| !sent.attachments.iter().any(|s| s.id == a.id))
            .cloned()
            .collect(),
        seen_up_to: None,
        send_email: now.send_email.filter(|_| now.send_email != sent.send_email),
        from_mailbox: now
            .from_mailbox
            .clone()
            .filter(|_| now.from_mailbox != sent.from_mailbox),
        bcc: now
            .bcc
            .iter()
            .filter(|b| !sent.bcc.contains(b))
            .cloned()
            .collect(),
        ticket_fields: now
            .ticket_fields
            .iter()
            .filter(|(k, v)| sent.ticket_fields.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        // A new message: signed again (taking it off was for the one sent).
        signature: None,
        signature_removed: false,
        mentions: now
            .mentions
            .iter()
            .filter(|m| !sent.mentions.contains(m))
            .cloned()
            .collect(),
    })
}

/// Puts a message taken back from the outbox (Undo, Edit) into the composer, which may hold a
/// newer draft of the same mode by now. Nothing is lost: the taken-back text goes first, then
/// what the agent was writing; CC chips, attachments and choices are combined, the taken-back
/// message's winning where both chose. Returns the draft and whether anything was combined.
pub fn take_back_into(current: Draft, back: Draft) -> (Draft, bool) {
    if current.is_empty() || current.same_message(&back) {
        return (back, false);
    }
    let text = match (back.text.trim_end(), current.text.trim()) {
        ("", now) => now.to_owned(),
        (then, "") => then.to_owned(),
        (then, now) => format!("{then}\n\n{now}"),
    };
    let cc = match (back.cc, current.cc) {
        (Some(then), Some(now)) => Some(merge(&then, now)),
        (then, now) => then.or(now),
    };
    let mut attachments = back.attachments;
    for a in current.attachments {
        if !attachments.iter().any(|b| b.id == a.id) {
            attachments.push(a);
        }
    }
    let draft = Draft {
        text,
        visibility: back.visibility,
        cc,
        next_action: if back.next_action == NextAction::None {
            current.next_action
        } else {
            back.next_action
        },
        assignee: if back.assignee == AssigneeChange::Keep {
            current.assignee
        } else {
            back.assignee
        },
        attachments,
        // The earlier start: the stale-reply guard then covers both.
        seen_up_to: back.seen_up_to.or(current.seen_up_to),
        send_email: back.send_email.or(current.send_email),
        from_mailbox: back.from_mailbox.or(current.from_mailbox),
        bcc: merge(&back.bcc, current.bcc),
        ticket_fields: {
            let mut fields = current.ticket_fields;
            fields.extend(back.ticket_fields);
            fields
        },
        signature: back.signature.or(current.signature),
        signature_removed: back.signature_removed,
        mentions: {
            let mut mentions = back.mentions;
            for m in current.mentions {
                if !mentions.contains(&m) {
                    mentions.push(m);
                }
            }
            mentions
        },
    };
    (draft, true)
}

/// A draft as stored in the browser, with what tells tabs apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredDraft {
    pub draft: Draft,
    /// Goes up by one with every save, from any tab.
    pub revision: u64,
    /// The tab that saved it.
    pub tab: String,
    pub saved_at_ms: f64,
}

/// Where a ticket's draft for one mode is kept.
pub fn storage_key(ticket_id: &str, visibility: Visibility) -> String {
    let mode = match visibility {
        Visibility::Reply => "reply",
        Visibility::Note => "note",
    };
    format!("threadline.draft.v1.{ticket_id}.{mode}")
}

/// What a tab may do with its draft.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveDecision {
    /// Store this (the revision after the stored one).
    Write(StoredDraft),
    /// Another tab saved since this tab last read or wrote: ask the agent, never overwrite.
    Conflict(StoredDraft),
    /// Exactly this draft is stored already (at this revision): nothing to write. Writing it
    /// again would give it a new revision that another tab, holding the same text, would take
    /// for someone else's change.
    Unchanged(u64),
}

/// Decides whether `draft` may be saved over `stored`. `base` is the revision this tab last
/// read or wrote (0 when it found none).
pub fn decide_save(
    stored: Option<StoredDraft>,
    base: u64,
    tab: &str,
    draft: Draft,
    now_ms: f64,
) -> SaveDecision {
    let current = stored.as_ref().map_or(0, |s| s.revision);
    match stored {
        Some(theirs) if theirs.draft == draft => SaveDecision::Unchanged(theirs.revision),
        Some(theirs) if theirs.revision > base && theirs.tab != tab && theirs.draft != draft => {
            SaveDecision::Conflict(theirs)
        }
        _ => SaveDecision::Write(StoredDraft {
            draft,
            revision: current.max(base) + 1,
            tab: tab.to_owned(),
            saved_at_ms: now_ms,
        }),
    }
}

/// Messages people wrote after `seen_up_to` (the thread is oldest first), leaving out system
/// events and the messages in `own` (this agent's own sends).
pub fn written_since<'a>(
    thread: &'a [Message],
    seen_up_to: Option<&str>,
    own: &[String],
) -> Vec<&'a Message> {
    let after = match seen_up_to {
        Some(id) => match thread.iter().position(|m| m.id == id) {
            Some(i) => i + 1,
            // The message seen is no longer in the loaded thread: nothing to compare with.
            None => thread.len(),
        },
        None => 0,
    };
    thread
        .get(after..)
        .unwrap_or_default()
        .iter()
        .filter(|m| m.role != Role::System && !own.contains(&m.id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_added_during_the_check_stays_and_the_rest_goes() {
        let attachment = |id: &str| Attachment {
            id: id.into(),
            name: format!("{id}.txt"),
            size: None,
            content_type: None,
            download_url: None,
        };
        let sent = Draft {
            text: "Fixed.".into(),
            attachments: vec![attachment("a")],
            next_action: NextAction::CloseAndMarkResolved,
            ..Draft::default()
        };
        let now = Draft {
            text: "Fixed. And one more".into(),
            attachments: vec![attachment("a"), attachment("b")],
            next_action: NextAction::CloseAndMarkResolved,
            ..Draft::default()
        };
        let left = left_after_send(&sent, &now).unwrap();
        assert_eq!(left.text, "And one more");
        assert_eq!(left.attachments, vec![attachment("b")]);
        assert_eq!(left.next_action, NextAction::None);
        // Nothing added: an empty composer.
        assert!(left_after_send(&sent, &sent).unwrap().is_empty());
        // The other mode's draft was never sent.
        let note = Draft {
            visibility: Visibility::Note,
            ..now
        };
        assert_eq!(left_after_send(&sent, &note), None);
    }

    #[test]
    fn words_typed_after_send_was_pressed_are_kept_apart() {
        assert_eq!(typed_after("Hello", "Hello"), "");
        assert_eq!(typed_after("Hello\n", "Hello  "), "");
        assert_eq!(typed_after("Hello", "Hello and more"), "and more");
        assert_eq!(typed_after("Hello\n\n", "Hello\n\nNext one"), "Next one");
        // Edited within, or emptied and rewritten: all of it stays.
        assert_eq!(typed_after("Hello", "Help me"), "Help me");
        assert_eq!(typed_after("Hello", ""), "");
    }

    fn msg(id: &str, role: Role) -> Message {
        Message {
            id: id.into(),
            role,
            author: None,
            author_user_id: None,
            text: Some(format!("text {id}")),
            html: None,
            is_internal: false,
            cc: vec![],
            attachments: vec![],
            created_at: "2026-01-01T00:00:00Z".into(),
            problems: vec![],
        }
    }

    fn attachment(id: &str) -> Attachment {
        Attachment {
            id: id.into(),
            name: format!("{id}.txt"),
            size: Some(1),
            content_type: None,
            download_url: None,
        }
    }

    fn text(t: &str) -> Draft {
        Draft {
            text: t.into(),
            ..Draft::default()
        }
    }

    fn stored(t: &str, revision: u64, tab: &str) -> StoredDraft {
        StoredDraft {
            draft: text(t),
            revision,
            tab: tab.into(),
            saved_at_ms: 0.0,
        }
    }

    #[test]
    fn empty_drafts_are_not_worth_keeping() {
        assert!(Draft::new(Visibility::Note).is_empty());
        assert!(text("  \n").is_empty());
        assert!(!text("hi").is_empty());
        let with_action = Draft {
            next_action: NextAction::CloseAndMarkResolved,
            ..Draft::default()
        };
        assert!(!with_action.is_empty());
        let cc_cleared = Draft {
            cc: Some(vec![]),
            ..Draft::default()
        };
        assert!(!cc_cleared.is_empty());
    }

    #[test]
    fn keys_are_per_ticket_and_mode() {
        assert_eq!(
            storage_key("42", Visibility::Reply),
            "threadline.draft.v1.42.reply"
        );
        assert_ne!(
            storage_key("42", Visibility::Reply),
            storage_key("42", Visibility::Note)
        );
    }

    #[test]
    fn taking_a_message_back_never_loses_what_the_agent_wrote_since() {
        let back = Draft {
            text: "Sent too soon\n".into(),
            cc: Some(crate::recipients::parse_recipients("ann@x.com")),
            next_action: NextAction::CloseAndMarkResolved,
            attachments: vec![attachment("a1")],
            seen_up_to: Some("7".into()),
            ..Draft::default()
        };
        // Into an empty composer, or one still holding this message: exactly what was taken back.
        assert_eq!(
            take_back_into(Draft::default(), back.clone()),
            (back.clone(), false)
        );
        let same = Draft {
            seen_up_to: None,
            ..back.clone()
        };
        assert_eq!(take_back_into(same, back.clone()), (back.clone(), false));
        let now = Draft {
            text: "Started the next one".into(),
            cc: Some(crate::recipients::parse_recipients("ANN@x.com, bob@y.org")),
            assignee: AssigneeChange::Unassign,
            attachments: vec![attachment("a1"), attachment("a2")],
            seen_up_to: Some("9".into()),
            ..Draft::default()
        };
        let (merged, combined) = take_back_into(now, back);
        assert!(combined);
        assert_eq!(merged.text, "Sent too soon\n\nStarted the next one");
        let cc: Vec<String> = merged.cc.unwrap().iter().map(|r| r.key()).collect();
        assert_eq!(cc, ["ann@x.com", "bob@y.org"]);
        assert_eq!(merged.next_action, NextAction::CloseAndMarkResolved);
        assert_eq!(merged.assignee, AssigneeChange::Unassign);
        let ids: Vec<&str> = merged.attachments.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a1", "a2"]);
        assert_eq!(merged.seen_up_to.as_deref(), Some("7"));
    }

    #[test]
    fn a_tab_saves_over_its_own_draft() {
        let first = decide_save(None, 0, "a", text("h"), 1.0);
        let SaveDecision::Write(first) = first else {
            panic!("first save must write")
        };
        assert_eq!(first.revision, 1);
        let second = decide_save(Some(first), 1, "a", text("hi"), 2.0);
        assert!(
            matches!(second, SaveDecision::Write(s) if s.revision == 2 && s.draft.text == "hi")
        );
    }

    #[test]
    fn another_tabs_newer_draft_is_never_overwritten_silently() {
        // Tab a read revision 3; tab b has saved revision 4 since.
        let decision = decide_save(Some(stored("from b", 4, "b")), 3, "a", text("from a"), 5.0);
        assert_eq!(decision, SaveDecision::Conflict(stored("from b", 4, "b")));
        // Once tab a has read revision 4 (the agent chose), it may save.
        let decision = decide_save(Some(stored("from b", 4, "b")), 4, "a", text("from a"), 5.0);
        assert!(matches!(decision, SaveDecision::Write(s) if s.revision == 5 && s.tab == "a"));
        // Identical content is not a conflict, and is not written again.
        let decision = decide_save(Some(stored("same", 9, "b")), 3, "a", text("same"), 5.0);
        assert_eq!(decision, SaveDecision::Unchanged(9));
    }

    #[test]
    fn stale_reply_guard_lists_what_others_wrote_since() {
        let thread = vec![
            msg("1", Role::Customer),
            msg("2", Role::Associate),
            msg("3", Role::System),
            msg("4", Role::Customer),
            msg("5", Role::Associate),
        ];
        let ids = |v: Vec<&Message>| v.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(written_since(&thread, Some("2"), &[])), ["4", "5"]);
        assert_eq!(ids(written_since(&thread, Some("2"), &["5".into()])), ["4"]);
        assert!(written_since(&thread, Some("5"), &[]).is_empty());
        assert_eq!(written_since(&thread, None, &[]).len(), 4);
        assert!(written_since(&thread, Some("gone"), &[]).is_empty());
    }
}
