//! The signed agent session an embedding page hands its conversation (`session-token`): the
//! client sends it as the bearer on every request, and notes when the gateway refused it, so
//! the element can ask its page for a new one. Setting a new one is all the page does; the
//! conversation then goes on where it stopped.

use leptos::prelude::*;
use threadline_core::http::{HttpRequest, HttpResponse};

/// Shared by the client and the element that owns it; cheap to clone.
#[derive(Clone, Default)]
pub struct Session {
    token: ArcRwSignal<Option<String>>,
    /// The token a server answered 401 to (it expired, or was never valid).
    refused: ArcRwSignal<Option<String>>,
}

impl Session {
    /// A session starting with `token` (none: requests go without a bearer).
    pub fn new(token: Option<String>) -> Self {
        Self {
            token: ArcRwSignal::new(normalized(token)),
            refused: ArcRwSignal::new(None),
        }
    }

    /// The page set another token (or removed it).
    pub fn renew(&self, token: Option<String>) {
        let token = normalized(token);
        if token != self.token.get_untracked() {
            self.token.set(token);
        }
    }

    /// The current token (tracked: a view or effect hears of a new one).
    pub fn token(&self) -> Option<String> {
        self.token.get()
    }

    /// The current token, untracked (to tell whether it changed across a request).
    pub fn current(&self) -> Option<String> {
        self.token.get_untracked()
    }

    /// Whether the current token has been refused (tracked).
    pub fn is_refused(&self) -> bool {
        let token = self.token.get();
        token.is_some() && self.refused.get() == token
    }

    /// `request` with the session as its bearer, in place of any credential of its own.
    pub fn authorize(&self, mut request: HttpRequest) -> HttpRequest {
        if let Some(token) = self.token.get_untracked() {
            request
                .headers
                .retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
            request
                .headers
                .push(("Authorization".into(), format!("Bearer {token}")));
        }
        request
    }

    /// Notes the answer to a request sent with `sent` (the request as authorized).
    pub fn observe(&self, sent: &HttpRequest, response: &HttpResponse) {
        if response.status == 401 {
            self.refuse(sent);
        }
    }

    /// Notes that the server refused the session `sent` carried (unless the page has
    /// renewed it meanwhile).
    fn refuse(&self, sent: &HttpRequest) {
        let carried = sent
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, value)| value.strip_prefix("Bearer "));
        let current = self.token.get_untracked();
        // Once per token: every later refusal of the same one is the same news.
        if carried.is_some()
            && carried == current.as_deref()
            && self.refused.with_untracked(|r| r != &current)
        {
            self.refused.set(current);
        }
    }
}

fn normalized(token: Option<String>) -> Option<String> {
    token.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}
