//! What follows a send, as the agent chose it: stay on the ticket, open the next one of the
//! list, or go back to the list.

use rust_i18n::t;
use serde::{Deserialize, Serialize};

/// The agent's choice (remembered in the browser).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterSend {
    #[default]
    Stay,
    NextTicket,
    List,
}

impl AfterSend {
    pub const ALL: [AfterSend; 3] = [AfterSend::Stay, AfterSend::NextTicket, AfterSend::List];

    pub fn as_wire(self) -> &'static str {
        match self {
            AfterSend::Stay => "stay",
            AfterSend::NextTicket => "next_ticket",
            AfterSend::List => "list",
        }
    }

    pub fn from_wire(s: &str) -> Option<AfterSend> {
        AfterSend::ALL.into_iter().find(|a| a.as_wire() == s)
    }

    /// In the current locale.
    pub fn label(self) -> String {
        match self {
            AfterSend::Stay => t!("after_send.stay"),
            AfterSend::NextTicket => t!("after_send.next_ticket"),
            AfterSend::List => t!("after_send.list"),
        }
        .into_owned()
    }
}

/// The ticket after `current` in `list` (the list's order); `None` when `current` is the last,
/// or not in the list (then the list itself is the place to go).
pub fn next_ticket<'a>(list: &'a [String], current: &str) -> Option<&'a str> {
    let at = list.iter().position(|id| id == current)?;
    list.get(at + 1).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_ticket_is_the_one_after_in_the_list() {
        let list: Vec<String> = ["7", "3", "9"].map(String::from).to_vec();
        assert_eq!(next_ticket(&list, "7"), Some("3"));
        assert_eq!(next_ticket(&list, "3"), Some("9"));
        assert_eq!(next_ticket(&list, "9"), None, "the last: back to the list");
        assert_eq!(
            next_ticket(&list, "42"),
            None,
            "not listed: back to the list"
        );
    }

    #[test]
    fn choices_read_back_from_their_wire_names() {
        for choice in AfterSend::ALL {
            assert_eq!(AfterSend::from_wire(choice.as_wire()), Some(choice));
        }
        assert_eq!(AfterSend::from_wire("elsewhere"), None);
        assert_eq!(AfterSend::default(), AfterSend::Stay);
    }
}
