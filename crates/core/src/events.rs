//! Runs of system events in a thread. Three or more events in a row (assignments, status
//! changes …) fold into one row that says how many there are and of which kinds ("4 events:
//! status changed, assigned"), so they do not push the conversation off the screen.

use std::borrow::Cow;
use std::ops::Range;

use rust_i18n::t;

use crate::model::{Message, Role};

/// How many consecutive events fold into one row.
pub const FOLD_AT: usize = 3;

/// One row of the thread: a message (by its index), or a run of events folded together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Message(usize),
    Events(Range<usize>),
}

/// The thread's rows: every run of at least [`FOLD_AT`] system events becomes one
/// [`Row::Events`]; everything else stays a row of its own, in order.
pub fn rows(messages: &[Message]) -> Vec<Row> {
    let mut rows = Vec::with_capacity(messages.len());
    let mut i = 0;
    while i < messages.len() {
        let run = messages[i..]
            .iter()
            .take_while(|m| m.role == Role::System)
            .count();
        if run >= FOLD_AT {
            rows.push(Row::Events(i..i + run));
            i += run;
        } else {
            rows.push(Row::Message(i));
            i += 1;
        }
    }
    rows
}

/// What an event did, read from the words the helpdesks write (they write English).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Assigned,
    Priority,
    Tags,
    Merged,
    Status,
    Other,
}

impl EventKind {
    /// The kind of the event with text `text`, by its words ("stage" is not a tag).
    pub fn of(text: &str) -> EventKind {
        let text = text.to_lowercase();
        let words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let any = |test: &dyn Fn(&str) -> bool| words.iter().any(|w| test(w));
        if any(&|w| w.starts_with("assign") || w.starts_with("unassign")) {
            EventKind::Assigned
        } else if any(&|w| w == "priority") {
            EventKind::Priority
        } else if any(&|w| matches!(w, "tag" | "tags" | "tagged" | "untagged")) {
            EventKind::Tags
        } else if any(&|w| matches!(w, "merge" | "merged" | "merging")) {
            EventKind::Merged
        } else if any(&|w| matches!(w, "status" | "closed" | "reopened" | "resolved" | "solved")) {
            EventKind::Status
        } else {
            EventKind::Other
        }
    }

    /// Its name in a summary, in the current locale.
    pub fn label(self) -> Cow<'static, str> {
        match self {
            EventKind::Assigned => t!("events.kind.assigned"),
            EventKind::Priority => t!("events.kind.priority"),
            EventKind::Tags => t!("events.kind.tags"),
            EventKind::Merged => t!("events.kind.merged"),
            EventKind::Status => t!("events.kind.status"),
            EventKind::Other => t!("events.kind.misc"),
        }
    }
}

/// The kinds among `events`, each once, in the order they first happened.
pub fn kinds(events: &[Message]) -> Vec<EventKind> {
    let mut kinds = Vec::new();
    for event in events {
        let kind = EventKind::of(event.text.as_deref().unwrap_or_default());
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}

/// The folded row's words: "4 events: status changed, assigned".
pub fn summary(events: &[Message]) -> String {
    let kinds: Vec<Cow<'static, str>> = kinds(events).into_iter().map(EventKind::label).collect();
    let count = events.len() as u64;
    let key = crate::i18n::plural_key("events.summary", count);
    t!(key.as_str(), count = count, kinds = kinds.join(", ")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Message;

    fn message(id: usize, role: Role, text: &str) -> Message {
        Message {
            id: id.to_string(),
            role,
            author: None,
            author_user_id: None,
            text: Some(text.to_owned()),
            html: None,
            is_internal: role == Role::System,
            cc: Vec::new(),
            attachments: Vec::new(),
            created_at: "2024-04-01T10:00:00Z".to_owned(),
            problems: Vec::new(),
        }
    }

    fn thread(roles: &str) -> Vec<Message> {
        roles
            .chars()
            .enumerate()
            .map(|(i, c)| {
                let role = if c == 'e' {
                    Role::System
                } else {
                    Role::Customer
                };
                message(i, role, "Sam Rivera changed the status to Open")
            })
            .collect()
    }

    #[test]
    fn three_or_more_events_in_a_row_fold_and_fewer_do_not() {
        assert_eq!(rows(&[]), vec![]);
        assert_eq!(
            rows(&thread("meem")),
            vec![
                Row::Message(0),
                Row::Message(1),
                Row::Message(2),
                Row::Message(3)
            ]
        );
        assert_eq!(
            rows(&thread("meeem")),
            vec![Row::Message(0), Row::Events(1..4), Row::Message(4)]
        );
        // At either end, and two runs apart.
        assert_eq!(
            rows(&thread("eeeemeee")),
            vec![Row::Events(0..4), Row::Message(4), Row::Events(5..8)]
        );
        assert_eq!(rows(&thread("eee")), vec![Row::Events(0..3)]);
    }

    #[test]
    fn every_message_is_in_exactly_one_row_in_order() {
        let messages = thread("eemeeeemmeeemeeeeeeem");
        let mut seen = Vec::new();
        for row in rows(&messages) {
            match row {
                Row::Message(i) => seen.push(i),
                Row::Events(range) => {
                    assert!(range.len() >= FOLD_AT);
                    seen.extend(range);
                }
            }
        }
        assert_eq!(seen, (0..messages.len()).collect::<Vec<_>>());
    }

    #[test]
    fn kinds_are_read_from_the_vendors_words() {
        for (text, kind) in [
            (
                "Sam Rivera assigned the ticket to themselves",
                EventKind::Assigned,
            ),
            ("Ticket unassigned by Alex Morgan", EventKind::Assigned),
            (
                "Jordan Lee changed the status to Closed: resolved",
                EventKind::Status,
            ),
            ("Ticket reopened by the customer", EventKind::Status),
            ("Priority changed from Normal to High", EventKind::Priority),
            ("Tags added: billing", EventKind::Tags),
            (
                "Ticket #1009 was merged into this ticket",
                EventKind::Merged,
            ),
            ("SLA timer paused", EventKind::Other),
            // Whole words only.
            ("Moved to the next stage", EventKind::Other),
            ("Details disclosed to the customer", EventKind::Other),
            ("Emerged from the queue", EventKind::Other),
        ] {
            assert_eq!(EventKind::of(text), kind, "{text}");
        }
    }

    #[test]
    fn the_summary_counts_and_names_each_kind_once_in_order() {
        let events = vec![
            message(1, Role::System, "Priya Shah changed the status to Open"),
            message(
                2,
                Role::System,
                "Sam Rivera assigned the ticket to Priya Shah",
            ),
            message(
                3,
                Role::System,
                "Priya Shah changed the status to Waiting on customer",
            ),
            message(4, Role::System, "SLA timer paused"),
        ];
        assert_eq!(
            summary(&events),
            "4 events: status changed, assigned, other changes"
        );
    }
}
