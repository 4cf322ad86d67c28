//! The mode-safety nudge: before a public reply, whether the newest entry of the thread is a
//! colleague's internal note (the reply may be meant as a note too, as FreeScout warns).

use crate::model::{Message, Role};

/// The colleague whose internal note is the newest entry (system events aside), by name;
/// `None` when the newest entry is anything else, or is the agent's own (by `me`, their name
/// where known, or `own`, the ids of messages this browser sent).
pub fn colleague_note_last(thread: &[Message], me: Option<&str>, own: &[String]) -> Option<String> {
    let last = thread.iter().rev().find(|m| m.role != Role::System)?;
    if !last.is_internal || own.contains(&last.id) {
        return None;
    }
    let author = last.author.as_ref()?.display_name().trim().to_owned();
    let mine = me.is_some_and(|me| me.trim().eq_ignore_ascii_case(&author));
    (!author.is_empty() && !mine).then_some(author)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Person;

    fn message(id: &str, role: Role, author: &str, internal: bool) -> Message {
        Message {
            id: id.into(),
            role,
            author: (!author.is_empty()).then(|| Person {
                name: author.into(),
                email: format!("{id}@acme.example"),
            }),
            author_user_id: None,
            text: Some("x".into()),
            html: None,
            is_internal: internal,
            cc: Vec::new(),
            attachments: Vec::new(),
            created_at: "2026-01-01T00:00:00Z".into(),
            problems: Vec::new(),
        }
    }

    #[test]
    fn a_colleagues_note_last_is_named_system_events_aside() {
        let thread = vec![
            message("1", Role::Customer, "Maria", false),
            message("2", Role::Associate, "Sam Rivera", true),
            message("3", Role::System, "", false),
        ];
        assert_eq!(
            colleague_note_last(&thread, Some("Alex Morgan"), &[]),
            Some("Sam Rivera".into())
        );
        assert_eq!(
            colleague_note_last(&thread, None, &[]),
            Some("Sam Rivera".into())
        );
    }

    #[test]
    fn ones_own_note_a_public_reply_or_a_customer_message_last_is_no_nudge() {
        let note = message("2", Role::Associate, "Sam Rivera", true);
        assert_eq!(
            colleague_note_last(std::slice::from_ref(&note), Some("sam rivera"), &[]),
            None
        );
        assert_eq!(colleague_note_last(&[note], None, &["2".into()]), None);
        let reply = message("3", Role::Associate, "Sam Rivera", false);
        assert_eq!(colleague_note_last(&[reply], None, &[]), None);
        let customer = message("4", Role::Customer, "Maria", false);
        assert_eq!(colleague_note_last(&[customer], None, &[]), None);
        assert_eq!(colleague_note_last(&[], None, &[]), None);
    }
}
