//! Saved replies: a title, a Markdown body with placeholders, and optionally a next action and
//! CC addresses to add (a light macro). The rules both ends share: what a valid one is (the
//! server refuses the rest with these words), and how the composer's picker finds one.

use rust_i18n::t;
use serde::{Deserialize, Serialize};

use crate::email::is_valid_email;
use crate::model::NextAction;

/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 120;
/// The largest body, in bytes of UTF-8.
pub const MAX_BODY_BYTES: usize = 50 * 1024;
/// The most CC addresses one saved reply adds.
pub const MAX_CC: usize = 20;

/// A stored saved reply, as Threadline's own API sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReply {
    pub id: String,
    #[serde(flatten)]
    pub content: SavedReplyInput,
}

/// What the agent writes: the body of a create or an update.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReplyInput {
    pub title: String,
    pub body: String,
    /// A next action's wire value (`close_and_mark_resolved`); absent or `""` is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_action: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
}

/// A field the server refused and why, in the current locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

impl SavedReplyInput {
    /// The next action it applies ([`NextAction::None`] for none or an unknown value, which
    /// [`SavedReplyInput::validate`] refuses).
    pub fn action(&self) -> NextAction {
        self.next_action
            .as_deref()
            .and_then(NextAction::from_wire)
            .unwrap_or_default()
    }

    /// The same, trimmed and checked: the first problem of each field, else the clean value.
    pub fn validate(mut self) -> Result<SavedReplyInput, Vec<Problem>> {
        let mut problems = Vec::new();
        self.title = self.title.trim().to_owned();
        let mut refuse = |field, message: std::borrow::Cow<'_, str>| {
            problems.push(Problem {
                field,
                message: message.into_owned(),
            })
        };
        if self.title.is_empty() {
            refuse("title", t!("saved_replies.title_empty"));
        } else if self.title.chars().count() > MAX_TITLE_CHARS {
            refuse(
                "title",
                t!("saved_replies.title_too_long", max = MAX_TITLE_CHARS),
            );
        }
        if self.body.trim().is_empty() {
            refuse("body", t!("saved_replies.body_empty"));
        } else if self.body.len() > MAX_BODY_BYTES {
            refuse(
                "body",
                t!("saved_replies.body_too_long", max = MAX_BODY_BYTES / 1024),
            );
        }
        match self.next_action.as_deref().map(str::trim) {
            None | Some("") => self.next_action = None,
            Some(wire) if NextAction::from_wire(wire).is_some() => {
                self.next_action = Some(wire.to_owned())
            }
            Some(wire) => refuse(
                "next_action",
                t!("saved_replies.unknown_next_action", value = wire),
            ),
        }
        self.cc = self.cc.iter().map(|a| a.trim().to_owned()).collect();
        self.cc.retain(|a| !a.is_empty());
        if self.cc.len() > MAX_CC {
            refuse("cc", t!("saved_replies.too_many_cc", max = MAX_CC));
        } else if let Some(bad) = self.cc.iter().find(|a| !is_valid_email(a)) {
            refuse("cc", t!("saved_replies.bad_cc", address = bad));
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }
}

/// The saved replies that match `query` (every word, in the title or the body, ignoring case
/// and accents), best first: title matches before body-only ones, then by title.
pub fn search<'a>(replies: &'a [SavedReply], query: &str) -> Vec<&'a SavedReply> {
    let words: Vec<String> = query.split_whitespace().map(fold).collect();
    let mut hits: Vec<(bool, String, &SavedReply)> = replies
        .iter()
        .filter_map(|r| {
            let title = fold(&r.content.title);
            let body = fold(&r.content.body);
            words
                .iter()
                .all(|w| title.contains(w.as_str()) || body.contains(w.as_str()))
                .then(|| {
                    let in_title = words.iter().all(|w| title.contains(w.as_str()));
                    (!in_title, title, r)
                })
        })
        .collect();
    hits.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    hits.into_iter().map(|(_, _, r)| r).collect()
}

/// Lower case without the common Latin accents, for matching what an agent types.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'ď' | 'đ' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ř' => 'r',
            'ś' | 'š' | 'ş' => 's',
            'ť' | 'ţ' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str, body: &str) -> SavedReplyInput {
        SavedReplyInput {
            title: title.into(),
            body: body.into(),
            ..SavedReplyInput::default()
        }
    }

    fn fields(result: Result<SavedReplyInput, Vec<Problem>>) -> Vec<&'static str> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn a_valid_one_comes_back_trimmed() {
        let clean = SavedReplyInput {
            next_action: Some("close_and_mark_resolved".into()),
            cc: vec![" a@example.com ".into(), "".into()],
            ..input("  Refund done ", "Hi {{customer.first_name}}")
        }
        .validate()
        .unwrap();
        assert_eq!(clean.title, "Refund done");
        assert_eq!(clean.cc, ["a@example.com"]);
        assert_eq!(clean.action(), NextAction::CloseAndMarkResolved);
        let none = SavedReplyInput {
            next_action: Some("".into()),
            ..input("t", "b")
        };
        assert_eq!(none.validate().unwrap().next_action, None);
    }

    #[test]
    fn each_problem_is_named_by_its_field() {
        assert_eq!(fields(input(" ", "b").validate()), ["title"]);
        assert_eq!(
            fields(input(&"x".repeat(MAX_TITLE_CHARS + 1), "b").validate()),
            ["title"]
        );
        // Characters, not bytes.
        assert!(input(&"é".repeat(MAX_TITLE_CHARS), "b").validate().is_ok());
        assert_eq!(fields(input("t", "\n ").validate()), ["body"]);
        assert_eq!(
            fields(input("t", &"x".repeat(MAX_BODY_BYTES + 1)).validate()),
            ["body"]
        );
        assert!(input("t", &"x".repeat(MAX_BODY_BYTES)).validate().is_ok());
        let action = SavedReplyInput {
            next_action: Some("delete_everything".into()),
            ..input("t", "b")
        };
        assert_eq!(fields(action.validate()), ["next_action"]);
        let cc = SavedReplyInput {
            cc: vec!["not an address".into()],
            ..input("", "")
        };
        assert_eq!(fields(cc.validate()), ["title", "body", "cc"]);
    }

    #[test]
    fn search_matches_every_word_in_title_or_body_titles_first() {
        let reply = |id: &str, title: &str, body: &str| SavedReply {
            id: id.into(),
            content: input(title, body),
        };
        let all = [
            reply("1", "Password reset", "Use the link to reset it."),
            reply(
                "2",
                "Refund issued",
                "Your refund for the password plan is on its way.",
            ),
            reply("3", "Café opening hours", "We open at nine."),
        ];
        let ids = |q: &str| {
            search(&all, q)
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("password"), ["1", "2"]);
        assert_eq!(ids("REFUND way"), ["2"]);
        assert_eq!(ids("cafe"), ["3"]);
        assert_eq!(ids("  "), ["3", "1", "2"]);
        assert!(ids("nothing").is_empty());
    }
}
