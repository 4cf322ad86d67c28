//! What is new since the agent last looked at a ticket: the mark of the newest message seen,
//! where the first unread message is by it, and the book of marks the browser keeps (bounded).

use serde::{Deserialize, Serialize};

use crate::model::Message;
use crate::time::parse_rfc3339_millis;

/// How many tickets' marks are kept; the oldest looked-at go first.
pub const BOOK_SIZE: usize = 500;

/// The newest message the agent has seen on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenMark {
    pub id: String,
    /// Its time as received (RFC 3339), for when the message itself is not loaded.
    pub at: String,
}

impl SeenMark {
    /// The mark for `message`.
    pub fn of(message: &Message) -> Self {
        Self {
            id: message.id.clone(),
            at: message.created_at.clone(),
        }
    }
}

/// The index of the first message after `mark`, if any: a ticket never looked at has nothing
/// "new" (everything is). The marked message itself, when loaded, decides; else its time does
/// (the message may be on an older page, or gone).
pub fn first_unread(messages: &[Message], mark: Option<&SeenMark>) -> Option<usize> {
    let mark = mark?;
    if let Some(i) = messages.iter().position(|m| m.id == mark.id) {
        return (i + 1 < messages.len()).then_some(i + 1);
    }
    let seen_at = parse_rfc3339_millis(&mark.at)?;
    messages
        .iter()
        .position(|m| parse_rfc3339_millis(&m.created_at).is_some_and(|t| t > seen_at))
}

/// Marks, most recently written last.
pub type Book = Vec<(String, SeenMark)>;

/// Writes `ticket`'s mark into `book`, keeping at most [`BOOK_SIZE`] tickets; `false` when it
/// was there already (nothing to store).
pub fn remember(book: &mut Book, ticket: &str, mark: SeenMark) -> bool {
    if book.last().is_some_and(|(t, m)| t == ticket && *m == mark) {
        return false;
    }
    book.retain(|(t, _)| t != ticket);
    book.push((ticket.to_owned(), mark));
    let excess = book.len().saturating_sub(BOOK_SIZE);
    book.drain(..excess);
    true
}

/// `ticket`'s mark in `book`.
pub fn lookup<'a>(book: &'a Book, ticket: &str) -> Option<&'a SeenMark> {
    book.iter().find(|(t, _)| t == ticket).map(|(_, m)| m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str, at: &str) -> Message {
        Message {
            id: id.into(),
            role: crate::model::Role::Customer,
            author: None,
            author_user_id: None,
            text: None,
            html: None,
            is_internal: false,
            cc: Vec::new(),
            attachments: Vec::new(),
            created_at: at.into(),
            problems: Vec::new(),
        }
    }

    fn thread() -> Vec<Message> {
        vec![
            message("a", "2024-05-01T10:00:00Z"),
            message("b", "2024-05-01T11:00:00Z"),
            message("c", "2024-05-01T12:00:00Z"),
        ]
    }

    #[test]
    fn the_first_unread_follows_the_marked_message() {
        let mark = SeenMark::of(&thread()[0]);
        assert_eq!(first_unread(&thread(), Some(&mark)), Some(1));
        let newest = SeenMark::of(&thread()[2]);
        assert_eq!(first_unread(&thread(), Some(&newest)), None);
        assert_eq!(first_unread(&thread(), None), None, "never looked at");
    }

    #[test]
    fn a_mark_not_loaded_goes_by_its_time() {
        let older = SeenMark {
            id: "z".into(),
            at: "2024-05-01T09:00:00Z".into(),
        };
        assert_eq!(first_unread(&thread(), Some(&older)), Some(0));
        let between = SeenMark {
            id: "gone".into(),
            at: "2024-05-01T11:30:00Z".into(),
        };
        assert_eq!(first_unread(&thread(), Some(&between)), Some(2));
        let unreadable = SeenMark {
            id: "gone".into(),
            at: "yesterday".into(),
        };
        assert_eq!(first_unread(&thread(), Some(&unreadable)), None);
    }

    #[test]
    fn the_book_keeps_the_latest_marks_only() {
        let mut book = Book::new();
        for i in 0..BOOK_SIZE + 10 {
            assert!(remember(
                &mut book,
                &i.to_string(),
                SeenMark::of(&thread()[0])
            ));
        }
        assert_eq!(book.len(), BOOK_SIZE);
        assert!(lookup(&book, "0").is_none());
        assert!(lookup(&book, &(BOOK_SIZE + 9).to_string()).is_some());
        let mark = SeenMark::of(&thread()[2]);
        assert!(remember(&mut book, "20", mark.clone()));
        assert!(
            !remember(&mut book, "20", mark.clone()),
            "unchanged: nothing to write"
        );
        assert_eq!(lookup(&book, "20"), Some(&mark));
        assert_eq!(book.len(), BOOK_SIZE);
    }
}
