//! What goes out for a draft: the [`NewMessage`] the composer's draft becomes, for the
//! capabilities of the backend it goes to (which CC, BCC, From and send-email values are
//! sent, and when), and the people an assignee can be chosen from when a backend has no
//! users endpoint.

use crate::compose::render_markdown;
use crate::draft::Draft;
use crate::mentions::render_note;
use crate::model::{Capabilities, Message, NewMessage, Ticket, User, Visibility};
use crate::recipients::cc_to_send;

/// Whether a draft's reply is emailed: always where the backend has no switch.
pub fn is_emailed(draft: &Draft, caps: Capabilities) -> bool {
    draft.visibility == Visibility::Reply
        && (!caps.has_email_switch || draft.send_email.unwrap_or(true))
}

/// The message a draft becomes. `snapshot` is the ticket's current CC list (what the server
/// keeps when the field is left out); `mailboxes` the backend's outbound mailboxes, the first
/// being the default From.
pub fn message_from_draft(
    draft: &Draft,
    caps: Capabilities,
    snapshot: &[String],
    mailboxes: &[String],
) -> NewMessage {
    let note = draft.visibility == Visibility::Note;
    let email = is_emailed(draft, caps);
    let body = with_signature(&draft.text, draft.signature.as_deref().filter(|_| !note));
    NewMessage {
        visibility: draft.visibility,
        html: (!body.trim().is_empty()).then(|| {
            if note && !draft.mentions.is_empty() {
                render_note(&body, &draft.mentions).as_str().to_owned()
            } else {
                render_markdown(&body).as_str().to_owned()
            }
        }),
        text: body,
        // A reply posted without email has no recipients to change.
        cc: draft
            .cc
            .as_ref()
            .filter(|_| caps.has_cc && (email || !caps.has_email_switch))
            .and_then(|chips| cc_to_send(snapshot, chips, note)),
        attachments: if caps.has_attachments {
            draft.attachments.clone()
        } else {
            Vec::new()
        },
        next_action: draft.next_action,
        assignee: draft.assignee.clone(),
        // Set by the outbox.
        idempotency_key: None,
        send_email: (caps.has_email_switch && !note).then_some(email),
        from_mailbox: email
            .then(|| {
                draft
                    .from_mailbox
                    .clone()
                    .or_else(|| mailboxes.first().cloned())
            })
            .flatten(),
        bcc: if email && caps.has_bcc {
            draft.bcc.iter().map(|r| r.address.clone()).collect()
        } else {
            Vec::new()
        },
        ticket_fields: draft.ticket_fields.clone(),
    }
}

/// The message's text with the signature below it, a blank line between (a reply that is
/// only attachments gets none: there is no text to sign).
pub fn with_signature(text: &str, signature: Option<&str>) -> String {
    match signature.map(str::trim).filter(|s| !s.is_empty()) {
        Some(signature) if !text.trim().is_empty() => {
            format!("{}\n\n{signature}", text.trim_end())
        }
        _ => text.to_owned(),
    }
}

/// Agents seen on the ticket (its assignee, then authors with a user id, each once), for
/// the assignee picker where the backend has no users endpoint.
pub fn seen_users(ticket: Option<&Ticket>, thread: &[Message]) -> Vec<User> {
    let mut users: Vec<User> = ticket
        .and_then(|t| t.assignee.clone())
        .into_iter()
        .collect();
    for m in thread {
        if let (Some(id), Some(a)) = (&m.author_user_id, &m.author) {
            if !users.iter().any(|u| &u.id == id) {
                users.push(User {
                    id: id.clone(),
                    name: a.name.clone(),
                    email: a.email.clone(),
                });
            }
        }
    }
    users
}

/// Everyone the ticket has seen, as (name, address) suggestions for CC and BCC: its
/// requester and CC list, then each message's author and CC list, in that order (the CC field
/// merges repeats).
pub fn people_seen(ticket: Option<&Ticket>, thread: &[Message]) -> Vec<(Option<String>, String)> {
    let named = |name: &str| Some(name.to_owned()).filter(|n| !n.is_empty());
    let mut people: Vec<(Option<String>, String)> = Vec::new();
    if let Some(t) = ticket {
        if let Some(r) = &t.requester {
            people.push((named(&r.name), r.email.clone()));
        }
        people.extend(t.cc.iter().map(|a| (None, a.clone())));
    }
    for m in thread {
        if let Some(a) = &m.author {
            people.push((named(&a.name), a.email.clone()));
        }
        people.extend(m.cc.iter().map(|a| (None, a.clone())));
    }
    people.retain(|(_, address)| !address.is_empty());
    people
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Person, Role};

    fn person(name: &str, email: &str) -> Person {
        Person {
            name: name.into(),
            email: email.into(),
        }
    }

    fn message(id: &str, author: Person, user: Option<&str>, cc: &[&str]) -> Message {
        Message {
            id: id.into(),
            role: Role::Associate,
            author: Some(author),
            author_user_id: user.map(str::to_owned),
            text: Some("Hello".into()),
            html: None,
            is_internal: false,
            cc: cc.iter().map(|c| (*c).to_owned()).collect(),
            attachments: Vec::new(),
            created_at: "2026-12-01T10:00:00Z".into(),
            problems: Vec::new(),
        }
    }

    #[test]
    fn a_signature_goes_below_a_reply_and_never_on_a_note() {
        let caps = Capabilities {
            can_reply: true,
            can_note: true,
            has_next_action: true,
            has_assignee: true,
            has_cc: true,
            has_attachments: true,
            has_ticket_list: true,
            has_email_switch: false,
            has_bcc: false,
            author_is_credential: true,
        };
        let draft = |visibility, text: &str, signature: Option<&str>| Draft {
            text: text.into(),
            visibility,
            signature: signature.map(str::to_owned),
            ..Draft::default()
        };
        let reply = message_from_draft(
            &draft(
                Visibility::Reply,
                "Fixed now.\n\n",
                Some("Priya\nAcme Support\n"),
            ),
            caps,
            &[],
            &[],
        );
        assert_eq!(reply.text, "Fixed now.\n\nPriya\nAcme Support");
        assert!(reply.html.unwrap_or_default().contains("Acme Support"));
        let note = message_from_draft(
            &draft(Visibility::Note, "FYI", Some("Priya")),
            caps,
            &[],
            &[],
        );
        assert_eq!(note.text, "FYI");
        // Removed from this reply, empty, or a reply of attachments only: nothing added.
        for (text, signature) in [("Hi", None), ("Hi", Some("  ")), ("", Some("Priya"))] {
            let m = message_from_draft(&draft(Visibility::Reply, text, signature), caps, &[], &[]);
            assert_eq!(m.text, text);
        }
        // A signature alone is no draft to keep.
        assert!(draft(Visibility::Reply, " ", Some("Priya")).is_empty());
    }

    #[test]
    fn agents_seen_are_the_assignee_then_authors_with_a_user_id_each_once() {
        let thread = [
            message("1", person("Maria", "maria@c.example"), None, &[]),
            message("2", person("Priya", "priya@acme.example"), Some("7"), &[]),
            message("3", person("Priya", "priya@acme.example"), Some("7"), &[]),
            message("4", person("", "sam@acme.example"), Some("9"), &[]),
        ];
        let users = seen_users(None, &thread);
        let ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, ["7", "9"]);
        assert_eq!(users[0].name, "Priya");
    }

    #[test]
    fn people_seen_keep_names_where_known_and_drop_empty_addresses() {
        let thread = [
            message(
                "1",
                person("Maria Lopez", "maria@c.example"),
                None,
                &["finance@c.example"],
            ),
            message("2", person("", ""), None, &[]),
        ];
        assert_eq!(
            people_seen(None, &thread),
            [
                (Some("Maria Lopez".to_owned()), "maria@c.example".to_owned()),
                (None, "finance@c.example".to_owned()),
            ]
        );
    }
}
