//! What follows a send on the agent's own page ([`AfterSend`]): the choice, remembered in the
//! browser, and what carries it out, provided by the ticket page to its composer. An embedded
//! conversation or the customer's view has no list to go to, and so no choice.

use leptos::prelude::*;
use threadline_core::after_send::AfterSend;

use super::{read_json, write_json};

const KEY: &str = "threadline.after-send";

/// The agent's choice and what to do once a message is on its way.
#[derive(Clone, Copy)]
pub struct AfterSendHook {
    pub choice: RwSignal<AfterSend>,
    go: StoredValue<Box<dyn Fn(AfterSend)>, LocalStorage>,
}

impl AfterSendHook {
    /// A hook that carries out the choice with `go`; the choice starts as remembered.
    pub fn new(go: impl Fn(AfterSend) + 'static) -> Self {
        let choice = RwSignal::new(read_json::<AfterSend>(KEY).unwrap_or_default());
        Self {
            choice,
            go: StoredValue::new_local(Box::new(go)),
        }
    }

    /// Remembers a new choice (for this page only when storage is blocked).
    pub fn choose(&self, choice: AfterSend) {
        self.choice.set(choice);
        let _ = write_json(KEY, &choice);
    }

    /// A message is on its way: do what the agent chose.
    pub fn sent(&self) {
        let choice = self.choice.get_untracked();
        self.go.with_value(|go| go(choice));
    }
}
