//! The outbox: a message on its way, saved before any request so it survives a reload, and
//! the state machine that sends it exactly once. When an attempt's outcome is unknown (the
//! connection dropped after the request left), the thread is re-read and the message looked
//! for before anything is posted again.

use std::collections::BTreeMap;

use rust_i18n::t;
use serde::{Deserialize, Serialize};

use crate::draft::Draft;
use crate::error::ApiError;
use crate::i18n::{isolate, LOCALES};
use crate::model::{field, Message, NewMessage, Visibility};
use crate::recipients::mark_refused;

/// How many of the newest message ids are remembered when a message is queued: a match after
/// an unknown outcome must be none of them.
const KNOWN_IDS: usize = 50;
/// Longest automatic back-off between attempts.
const MAX_BACKOFF_MS: f64 = 60_000.0;
/// How long a tab's claim on a message lasts without renewal.
pub const LEASE_MS: f64 = 10_000.0;
/// Attempts made without the agent after a lost connection or a gateway error; then the
/// agent decides.
const AUTO_ATTEMPTS: u32 = 5;
/// A request taking longer than this is shown as slow.
const SLOW_MS: f64 = 5_000.0;

/// One outgoing message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    /// Made by the client; never sent.
    pub local_id: String,
    pub ticket_id: String,
    /// What the agent wrote and chose, to restore on Undo or Edit.
    pub draft: Draft,
    /// What goes on the wire.
    pub message: NewMessage,
    /// The newest messages' ids when it was queued (oldest first).
    pub known_ids: Vec<String>,
    pub queued_at_ms: f64,
    pub attempts: u32,
    /// When the request under way began.
    #[serde(default)]
    pub sending_since_ms: Option<f64>,
    /// Set after an attempt whose outcome is unknown: look for the message before posting.
    pub check_first: bool,
    /// Failed checks in a row (for their back-off).
    #[serde(default)]
    pub checks: u32,
    pub state: OutState,
    /// The tab sending it, and until when (so two tabs never send it both).
    pub lease: Option<(String, f64)>,
}

/// Where an outgoing message is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OutState {
    /// In the undo window: goes at `send_at_ms` unless undone.
    Holding { send_at_ms: f64 },
    /// A request (or a check) is under way.
    Sending,
    /// Refused for now (rate limit): tried again automatically at `retry_at_ms`.
    Waiting { retry_at_ms: f64, reason: String },
    /// The connection failed mid-request: the thread must be re-read (at `check_at_ms`)
    /// before anything else.
    Unknown { reason: String, check_at_ms: f64 },
    /// Stopped; the agent decides (Retry or Edit).
    Failed(Failure),
    /// Stored by the server.
    Sent { message_id: String },
}

/// Why sending stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub kind: FailureKind,
    /// In words for the agent.
    pub reason: String,
    /// Field errors from a 400, by field (`external_recipient_emails`, `content`, …).
    pub fields: BTreeMap<String, Vec<String>>,
}

/// The kinds of failure the composer explains differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailureKind {
    SessionExpired,
    Forbidden,
    Invalid,
    NotFound,
    TooLarge,
    Server,
    Connection,
}

impl FailureKind {
    /// Whether sending the same message again can succeed: after a sign-in, or once the
    /// server or the connection is back; never after a refusal (not allowed, not valid, no
    /// such ticket, too large), where only a change (Edit) can help.
    pub fn retry_can_help(self) -> bool {
        matches!(
            self,
            FailureKind::SessionExpired | FailureKind::Server | FailureKind::Connection
        )
    }
}

/// What the driver must do next with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing now (held, waiting, failed, sent, or another tab has it).
    Wait,
    /// Re-read the thread and [`Outgoing::reconcile`].
    Check,
    /// Post it.
    Post,
}

impl Outgoing {
    /// Queues a message: it goes after `undo_ms` (0: at once).
    pub fn new(
        local_id: String,
        ticket_id: String,
        draft: Draft,
        mut message: NewMessage,
        thread: &[Message],
        now_ms: f64,
        undo_ms: f64,
    ) -> Self {
        message.idempotency_key = Some(local_id.clone());
        let skip = thread.len().saturating_sub(KNOWN_IDS);
        Self {
            local_id,
            ticket_id,
            draft,
            message,
            known_ids: thread.iter().skip(skip).map(|m| m.id.clone()).collect(),
            queued_at_ms: now_ms,
            attempts: 0,
            sending_since_ms: None,
            check_first: false,
            checks: 0,
            state: OutState::Holding {
                send_at_ms: now_ms + undo_ms.max(0.0),
            },
            lease: None,
        }
    }

    /// Whether `tab` may drive this message now; claims it if so. A claim lapses after
    /// [`LEASE_MS`] unless renewed, so a closed tab's messages are picked up by another.
    pub fn claim(&mut self, tab: &str, now_ms: f64) -> bool {
        match &self.lease {
            Some((owner, until)) if owner != tab && *until > now_ms => false,
            _ => {
                self.lease = Some((tab.to_owned(), now_ms + LEASE_MS));
                true
            }
        }
    }

    /// What to do at `now_ms`. A message found mid-request (the page was closed during a
    /// request) is checked first: the request may have landed.
    pub fn next_step(&self, now_ms: f64) -> Step {
        let due = match &self.state {
            OutState::Holding { send_at_ms } => *send_at_ms <= now_ms,
            OutState::Waiting { retry_at_ms, .. } => *retry_at_ms <= now_ms,
            OutState::Unknown { check_at_ms, .. } if *check_at_ms > now_ms => return Step::Wait,
            OutState::Unknown { .. } | OutState::Sending => return Step::Check,
            OutState::Failed(_) | OutState::Sent { .. } => false,
        };
        match (due, self.check_first) {
            (false, _) => Step::Wait,
            (true, true) => Step::Check,
            (true, false) => Step::Post,
        }
    }

    /// Marks a request as started.
    pub fn begin(&mut self, now_ms: f64) {
        self.attempts += 1;
        self.sending_since_ms = Some(now_ms);
        self.state = OutState::Sending;
    }

    /// Whether a request has been under way long enough to tell the agent it is slow.
    pub fn is_slow(&self, now_ms: f64) -> bool {
        self.state == OutState::Sending
            && self
                .sending_since_ms
                .is_some_and(|since| now_ms - since >= SLOW_MS)
    }

    /// The network is back: whatever waits on the connection is due now.
    pub fn nudge(&mut self, now_ms: f64) {
        match &mut self.state {
            OutState::Unknown { check_at_ms, .. } => *check_at_ms = check_at_ms.min(now_ms),
            OutState::Waiting {
                retry_at_ms,
                reason,
            } if is_lost_not_stored(reason) => *retry_at_ms = retry_at_ms.min(now_ms),
            _ => {}
        }
    }

    /// Records the outcome of a post.
    pub fn record(&mut self, result: Result<&Message, &ApiError>, now_ms: f64) {
        self.state = match result {
            Ok(message) => OutState::Sent {
                message_id: message.id.clone(),
            },
            Err(error) => self.after_error(error, now_ms),
        };
    }

    fn after_error(&mut self, error: &ApiError, now_ms: f64) -> OutState {
        let fail = |kind, reason: String| {
            OutState::Failed(Failure {
                kind,
                reason,
                fields: BTreeMap::new(),
            })
        };
        match error {
            ApiError::RateLimited { retry_after } => OutState::Waiting {
                retry_at_ms: now_ms
                    + retry_after.map_or_else(|| backoff_ms(self.attempts), |s| s as f64 * 1000.0),
                reason: t!("outbox.busy").into_owned(),
            },
            // The request may have been stored before the connection or the response broke.
            ApiError::Transport(_) | ApiError::InvalidResponse(_) => {
                self.check_first = true;
                OutState::Unknown {
                    reason: t!("outbox.lost_before_answer").into_owned(),
                    check_at_ms: now_ms,
                }
            }
            // A gateway error can come after the backend stored the message: always checked.
            // The gateway ones are passing trouble, tried again a few times on their own.
            ApiError::Server { status, .. }
                if matches!(status, 502..=504) && self.attempts < AUTO_ATTEMPTS =>
            {
                self.check_first = true;
                OutState::Waiting {
                    retry_at_ms: now_ms + backoff_ms(self.attempts),
                    reason: t!("outbox.gateway", status = status).into_owned(),
                }
            }
            ApiError::Server { status, .. } => {
                self.check_first = true;
                fail(
                    FailureKind::Server,
                    t!("outbox.server", status = status).into_owned(),
                )
            }
            ApiError::Unauthorized(_) => fail(
                FailureKind::SessionExpired,
                t!("outbox.session_expired").into_owned(),
            ),
            // The helpdesk's reason matters here (a read-only key, a closed ticket): keep it.
            ApiError::Forbidden(why) => fail(FailureKind::Forbidden, forbidden_reason(why)),
            ApiError::NotFound(_) => {
                fail(FailureKind::NotFound, t!("outbox.not_found").into_owned())
            }
            ApiError::PayloadTooLarge(_) => {
                fail(FailureKind::TooLarge, t!("outbox.too_large").into_owned())
            }
            ApiError::Validation(errors) => OutState::Failed(Failure {
                kind: FailureKind::Invalid,
                reason: error.user_message(),
                fields: errors.fields.clone(),
            }),
            ApiError::InvalidRequest(_) => fail(FailureKind::Invalid, error.user_message()),
        }
    }

    /// Looks for this message in a freshly read thread: a message none of the known ones, of
    /// the same kind, with the same text.
    pub fn find_in<'a>(&self, thread: &'a [Message]) -> Option<&'a Message> {
        let want = normalize(&self.message.text);
        let internal = self.message.visibility == Visibility::Note;
        thread.iter().find(|m| {
            !self.known_ids.contains(&m.id)
                && m.is_internal == internal
                && m.text.as_deref().map(normalize) == Some(want.clone())
        })
    }

    /// Settles a check: found means sent; not found means it may be posted (again).
    /// `thread`: `Err` with the reason when the thread could not be read; the check is then
    /// tried again after a back-off.
    pub fn reconcile(&mut self, thread: Result<&[Message], String>, now_ms: f64) {
        let thread = match thread {
            Ok(thread) => thread,
            Err(reason) => {
                self.checks += 1;
                self.state = OutState::Unknown {
                    reason: t!("outbox.check_failed", reason = reason).into_owned(),
                    check_at_ms: now_ms + backoff_ms(self.checks),
                };
                return;
            }
        };
        self.checks = 0;
        match self.find_in(thread) {
            Some(found) => {
                self.state = OutState::Sent {
                    message_id: found.id.clone(),
                }
            }
            None => {
                self.check_first = false;
                self.state = match std::mem::replace(&mut self.state, OutState::Sending) {
                    // Found not stored after a lost connection: it is safe to post again (the
                    // idempotency key guards a request still on its way), a few times on its
                    // own, then when the agent asks.
                    OutState::Unknown { .. } | OutState::Sending
                        if self.attempts < AUTO_ATTEMPTS =>
                    {
                        OutState::Waiting {
                            retry_at_ms: now_ms + backoff_ms(self.attempts),
                            reason: lost_not_stored(),
                        }
                    }
                    OutState::Unknown { .. } | OutState::Sending => OutState::Failed(Failure {
                        kind: FailureKind::Connection,
                        reason: t!("outbox.not_stored").into_owned(),
                        fields: BTreeMap::new(),
                    }),
                    // Checked before a due post: post now.
                    _ => OutState::Holding { send_at_ms: 0.0 },
                };
            }
        }
    }

    /// The agent pressed Retry.
    pub fn retry(&mut self, now_ms: f64) {
        self.state = OutState::Holding { send_at_ms: now_ms };
    }

    /// The draft to put back in the composer (Undo, or Edit after a failure), with a 400's
    /// refused CC addresses marked on their chips, and the field errors left to show elsewhere.
    pub fn into_edit(self) -> (Draft, BTreeMap<String, Vec<String>>) {
        let mut draft = self.draft;
        let OutState::Failed(failure) = self.state else {
            return (draft, BTreeMap::new());
        };
        let rest = match (draft.cc.as_mut(), self.message.cc.as_deref()) {
            (Some(chips), Some(sent)) => mark_refused(chips, sent, field::CC, failure.fields),
            _ => failure.fields,
        };
        (draft, rest)
    }

    /// Whether the agent may still undo it (nothing has been sent).
    pub fn can_undo(&self) -> bool {
        matches!(self.state, OutState::Holding { .. }) && self.attempts == 0
    }

    /// Whether it is finished.
    pub fn is_sent(&self) -> bool {
        matches!(self.state, OutState::Sent { .. })
    }
}

/// Exponential back-off for a 429 without Retry-After: 2 s, 4 s, 8 s … up to a minute.
pub fn backoff_ms(attempts: u32) -> f64 {
    (1000.0 * 2f64.powi(attempts.clamp(1, 16) as i32)).min(MAX_BACKOFF_MS)
}

/// Why a message waits after a connection was lost (see [`Outgoing::nudge`]).
fn lost_not_stored() -> String {
    t!("outbox.lost_not_stored").into_owned()
}

/// Whether `reason` is [`lost_not_stored`] in any locale: a message may have been queued
/// before the locale changed (it is stored with its words).
fn is_lost_not_stored(reason: &str) -> bool {
    LOCALES
        .iter()
        .any(|l| t!("outbox.lost_not_stored", locale = l.code) == reason)
}

/// Why the helpdesk refused an answer: its own reason (a read-only key, a closed ticket)
/// when it gives one.
fn forbidden_reason(why: &str) -> String {
    match why.trim().trim_end_matches('.') {
        "" => t!("outbox.forbidden").into_owned(),
        why => t!("outbox.forbidden_because", reason = isolate(why)).into_owned(),
    }
}

/// Text compared ignoring line-ending and edge whitespace differences a server may introduce.
fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_is_offered_only_where_sending_the_same_again_can_succeed() {
        assert!(FailureKind::SessionExpired.retry_can_help());
        assert!(FailureKind::Server.retry_can_help());
        assert!(FailureKind::Connection.retry_can_help());
        for refusal in [
            FailureKind::Forbidden,
            FailureKind::Invalid,
            FailureKind::NotFound,
            FailureKind::TooLarge,
        ] {
            assert!(!refusal.retry_can_help(), "{refusal:?}");
        }
    }
    use crate::error::FieldErrors;

    fn message(id: &str, text: &str, internal: bool) -> Message {
        Message {
            id: id.into(),
            role: crate::model::Role::Associate,
            author: None,
            author_user_id: None,
            text: Some(text.into()),
            html: None,
            is_internal: internal,
            cc: vec![],
            attachments: vec![],
            created_at: "2026-01-01T00:00:00Z".into(),
            problems: vec![],
        }
    }

    fn outgoing(text: &str, thread: &[Message], undo_ms: f64) -> Outgoing {
        let new = NewMessage {
            text: text.into(),
            ..NewMessage::default()
        };
        Outgoing::new(
            "local-1".into(),
            "7".into(),
            Draft::default(),
            new,
            thread,
            1_000.0,
            undo_ms,
        )
    }

    #[test]
    fn it_is_held_for_the_undo_window_then_posted() {
        let mut o = outgoing("Hello", &[], 5_000.0);
        assert!(o.can_undo());
        assert_eq!(o.next_step(5_999.0), Step::Wait);
        assert_eq!(o.next_step(6_000.0), Step::Post);
        o.begin(0.0);
        assert!(!o.can_undo());
        o.record(Ok(&message("m9", "Hello", false)), 6_100.0);
        assert!(o.is_sent());
        assert_eq!(o.next_step(7_000.0), Step::Wait);
    }

    #[test]
    fn no_undo_window_posts_at_once() {
        assert_eq!(outgoing("Hi", &[], 0.0).next_step(1_000.0), Step::Post);
    }

    #[test]
    fn rate_limits_wait_for_retry_after_or_back_off() {
        let mut o = outgoing("Hi", &[], 0.0);
        o.begin(0.0);
        o.record(
            Err(&ApiError::RateLimited {
                retry_after: Some(7),
            }),
            2_000.0,
        );
        assert!(matches!(o.state, OutState::Waiting { retry_at_ms, .. } if retry_at_ms == 9_000.0));
        assert_eq!(o.next_step(8_999.0), Step::Wait);
        assert_eq!(o.next_step(9_000.0), Step::Post, "a 429 stored nothing");
        o.begin(0.0);
        o.record(Err(&ApiError::RateLimited { retry_after: None }), 10_000.0);
        assert!(
            matches!(o.state, OutState::Waiting { retry_at_ms, .. } if retry_at_ms == 14_000.0)
        );
        assert_eq!(backoff_ms(1), 2_000.0);
        assert_eq!(backoff_ms(3), 8_000.0);
        assert_eq!(backoff_ms(30), MAX_BACKOFF_MS);
    }

    #[test]
    fn an_unknown_outcome_is_checked_before_anything_is_posted_again() {
        let before = vec![message("1", "Hello", false)];
        let mut o = outgoing("Hello", &before, 0.0);
        o.begin(0.0);
        o.record(Err(&ApiError::Transport("reset".into())), 2_000.0);
        assert_eq!(o.next_step(2_000.0), Step::Check);
        // The earlier identical message is known, so it is not taken for this one.
        let mut thread = before.clone();
        thread.push(message("2", "Hello\r\n", false));
        o.reconcile(Ok(&thread), 2_000.0);
        assert_eq!(
            o.state,
            OutState::Sent {
                message_id: "2".into()
            }
        );
    }

    #[test]
    fn a_message_not_stored_is_posted_again_a_few_times_then_the_agent_decides() {
        let mut o = outgoing("Hello", &[], 0.0);
        let mut now = 1_000.0;
        for attempt in 1..AUTO_ATTEMPTS {
            assert_eq!(o.next_step(now), Step::Post, "attempt {attempt}");
            o.begin(now);
            o.record(Err(&ApiError::Transport("reset".into())), now);
            assert_eq!(
                o.next_step(now),
                Step::Check,
                "checked before anything else"
            );
            o.reconcile(Ok(&[message("3", "Hello", true)]), now); // a note is not a reply
            assert!(
                matches!(&o.state, OutState::Waiting { .. }),
                "{:?}",
                o.state
            );
            assert_eq!(
                o.next_step(now + backoff_ms(attempt) - 1.0),
                Step::Wait,
                "backs off"
            );
            now += backoff_ms(attempt);
        }
        o.begin(now);
        o.record(Err(&ApiError::Transport("reset".into())), now);
        o.reconcile(Ok(&[]), now);
        assert!(matches!(&o.state, OutState::Failed(f) if f.kind == FailureKind::Connection));
        assert_eq!(o.next_step(now + 60_000.0), Step::Wait, "the agent decides");
        o.retry(now);
        assert_eq!(o.next_step(now), Step::Post);
    }

    #[test]
    fn the_network_coming_back_makes_a_lost_message_due_at_once() {
        let mut o = outgoing("Hello", &[], 0.0);
        o.begin(0.0);
        o.record(Err(&ApiError::Transport("offline".into())), 0.0);
        o.reconcile(Err("offline".into()), 0.0);
        assert_eq!(o.next_step(1_000.0), Step::Wait);
        o.nudge(1_000.0);
        assert_eq!(o.next_step(1_000.0), Step::Check);
        o.reconcile(Ok(&[]), 1_000.0);
        assert_eq!(o.next_step(1_500.0), Step::Wait);
        o.nudge(1_500.0);
        assert_eq!(o.next_step(1_500.0), Step::Post);
        // A rate limit's wait is the server's to set.
        o.begin(1_500.0);
        o.record(
            Err(&ApiError::RateLimited {
                retry_after: Some(30),
            }),
            1_500.0,
        );
        o.nudge(2_000.0);
        assert_eq!(o.next_step(2_000.0), Step::Wait);
    }

    #[test]
    fn a_request_under_way_for_five_seconds_is_slow() {
        let mut o = outgoing("Hello", &[], 0.0);
        o.begin(1_000.0);
        assert!(!o.is_slow(5_999.0));
        assert!(o.is_slow(6_000.0));
        o.record(Err(&ApiError::Transport("reset".into())), 7_000.0);
        assert!(!o.is_slow(20_000.0));
    }

    #[test]
    fn a_gateway_error_is_checked_then_tried_again_on_its_own() {
        let mut o = outgoing("Hello", &[], 0.0);
        o.begin(0.0);
        o.record(
            Err(&ApiError::Server {
                status: 502,
                detail: "<html>Bad Gateway</html>".into(),
            }),
            1_000.0,
        );
        assert!(
            matches!(&o.state, OutState::Waiting { reason, .. } if reason.contains("HTTP 502"))
        );
        assert_eq!(o.next_step(2_999.0), Step::Wait);
        assert_eq!(o.next_step(3_000.0), Step::Check);
        o.reconcile(Ok(&[message("9", "Hello", false)]), 3_000.0);
        assert!(o.is_sent(), "the gateway had passed it on after all");
    }

    #[test]
    fn a_failed_check_stays_unknown() {
        let mut o = outgoing("Hello", &[], 0.0);
        o.begin(0.0);
        o.record(Err(&ApiError::Transport("reset".into())), 2_000.0);
        o.reconcile(Err("offline".into()), 2_000.0);
        assert!(matches!(o.state, OutState::Unknown { .. }));
        assert_eq!(o.next_step(3_999.0), Step::Wait, "checks back off");
        assert_eq!(o.next_step(4_000.0), Step::Check);
        o.reconcile(Err("offline".into()), 4_000.0);
        assert_eq!(o.next_step(7_999.0), Step::Wait);
        assert_eq!(o.next_step(8_000.0), Step::Check);
    }

    #[test]
    fn a_server_error_is_checked_before_a_retry_posts() {
        let mut o = outgoing("Hello", &[], 0.0);
        o.begin(0.0);
        o.record(
            Err(&ApiError::Server {
                status: 500,
                detail: String::new(),
            }),
            2_000.0,
        );
        assert!(matches!(&o.state, OutState::Failed(f) if f.kind == FailureKind::Server));
        o.retry(3_000.0);
        assert_eq!(o.next_step(3_000.0), Step::Check);
        o.reconcile(Ok(&[]), 3_000.0);
        assert_eq!(o.next_step(3_000.0), Step::Post);
    }

    #[test]
    fn a_message_left_mid_request_is_checked_on_reload() {
        let mut o = outgoing("Hello", &[], 0.0);
        o.begin(0.0);
        assert_eq!(o.next_step(1.0), Step::Check);
        o.reconcile(Ok(&[message("5", "Hello", false)]), 1.0);
        assert!(o.is_sent());
    }

    #[test]
    fn failures_are_explained() {
        let cases = [
            (
                ApiError::Unauthorized("x".into()),
                FailureKind::SessionExpired,
                "session expired",
            ),
            (
                ApiError::Forbidden("x".into()),
                FailureKind::Forbidden,
                "not allowed",
            ),
            (
                ApiError::Forbidden("This ticket is closed.".into()),
                FailureKind::Forbidden,
                "answer this ticket: This ticket is closed. Your message is kept.",
            ),
            (
                ApiError::Forbidden(String::new()),
                FailureKind::Forbidden,
                "may belong to another team",
            ),
            (
                ApiError::NotFound("x".into()),
                FailureKind::NotFound,
                "no longer exists",
            ),
        ];
        for (error, kind, words) in cases {
            let mut o = outgoing("Hi", &[], 0.0);
            o.begin(0.0);
            o.record(Err(&error), 1.0);
            let OutState::Failed(f) = &o.state else {
                panic!("{error:?} must fail")
            };
            assert_eq!(f.kind, kind);
            assert!(f.reason.contains(words), "{}", f.reason);
            assert!(!o.check_first, "{error:?} stored nothing");
        }
        let mut errors = FieldErrors::default();
        errors
            .fields
            .insert("cc".into(), vec!["Enter a valid email.".into()]);
        let mut o = outgoing("Hi", &[], 0.0);
        o.begin(0.0);
        o.record(Err(&ApiError::Validation(errors)), 1.0);
        let OutState::Failed(f) = &o.state else {
            panic!("a 400 must fail")
        };
        assert_eq!(f.fields["cc"], ["Enter a valid email."]);
    }

    #[test]
    fn edit_after_a_400_marks_the_refused_chip_and_keeps_the_rest() {
        let chips = crate::recipients::parse_recipients("ann@x.com, bob@y.org");
        let draft = Draft {
            text: "Hi".into(),
            cc: Some(chips),
            ..Draft::default()
        };
        let message = NewMessage {
            text: "Hi".into(),
            cc: Some(vec!["ann@x.com".into(), "bob@y.org".into()]),
            ..NewMessage::default()
        };
        let mut o = Outgoing::new("l".into(), "7".into(), draft, message, &[], 0.0, 0.0);
        let mut errors = FieldErrors::default();
        errors
            .fields
            .insert("cc[1]".into(), vec!["No such mailbox.".into()]);
        errors
            .fields
            .insert("text".into(), vec!["Too long.".into()]);
        o.begin(0.0);
        o.record(Err(&ApiError::Validation(errors)), 1.0);
        let (draft, rest) = o.into_edit();
        let cc = draft.cc.unwrap();
        assert!(cc[0].is_valid());
        assert!(!cc[1].is_valid(), "bob's chip is red");
        assert!(crate::recipients::blocking_problem(&cc)
            .unwrap()
            .contains("No such mailbox."));
        assert_eq!(rest.keys().collect::<Vec<_>>(), ["text"]);
        assert_eq!(draft.text, "Hi");
    }

    #[test]
    fn two_tabs_never_drive_one_message() {
        let mut o = outgoing("Hi", &[], 0.0);
        assert!(o.claim("a", 0.0));
        assert!(!o.claim("b", 1.0));
        assert!(o.claim("a", 5_000.0), "renewed by its owner");
        assert!(!o.claim("b", 14_000.0));
        assert!(o.claim("b", 15_001.0), "a lapsed claim is taken over");
    }

    #[test]
    fn it_survives_storage() {
        let o = outgoing("Hi", &[message("1", "x", false)], 5_000.0);
        let json = serde_json::to_string(&o).unwrap();
        let back: Outgoing = serde_json::from_str(&json).unwrap();
        assert_eq!(back, o);
    }
}
