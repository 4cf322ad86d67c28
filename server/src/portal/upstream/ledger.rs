//! The gateway's own record of customers' replies by idempotency key, so that a reply sent
//! again (its answer lost) is not posted twice, whether or not the vendor honours
//! `Idempotency-Key`. Each attempt claims the key with a token of its own; only the holder
//! settles it (with the reply as the customer saw it), notes the upstream's id of what it
//! posted, or lets it go. What one instance records, only that instance knows: instances
//! behind a load balancer each keep their own (see the README).

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::Refusal;
use crate::AppState;

/// Longer than one attempt can take (two upstream requests of at most 120 s each): a claim
/// this old belongs to an attempt that ended without a word (the gateway stopped), and is
/// taken over.
const IN_FLIGHT_SECS: i64 = 300;
/// How long a settled key answers with its message.
const KEPT_SECS: i64 = 30 * 86_400;
/// The claim of a key nobody is posting now (an attempt that posted, got the upstream's id,
/// and could not check it): the next attempt checks that id instead of posting again.
const OPEN: &str = "";

/// What an attempt holds.
pub struct Claim {
    token: String,
    /// What an earlier attempt posted, still to be checked.
    pub posted: Option<String>,
    /// An earlier attempt held the key and ended without a word: it may have posted.
    pub retaken: bool,
}

pub enum Outcome {
    /// This attempt goes on.
    Mine(Claim),
    /// Another attempt with the same key is on its way.
    Busy,
    /// Already stored: the reply as the customer saw it.
    Done(Value),
}

pub fn claim(state: &AppState, key: &str) -> Result<Outcome, Refusal> {
    let now = crate::clock::now_secs();
    let token = uuid::Uuid::new_v4().simple().to_string();
    let conn = state.db()?;
    conn.execute(
        "DELETE FROM portal_replies WHERE claimed_at < ?1",
        [now - KEPT_SECS],
    )?;
    let existed = conn
        .query_row("SELECT 1 FROM portal_replies WHERE key = ?1", [key], |_| {
            Ok(())
        })
        .optional()?
        .is_some();
    let claimed = conn.execute(
        "INSERT INTO portal_replies (key, claim, claimed_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET claim = ?2, claimed_at = ?3
          WHERE message IS NULL AND (claim = ?4 OR claimed_at < ?5)",
        params![key, token, now, OPEN, now - IN_FLIGHT_SECS],
    )?;
    let row: Option<(Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT upstream_id, message FROM portal_replies WHERE key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((posted, _)) if claimed == 1 => Outcome::Mine(Claim {
            retaken: existed && posted.is_none(),
            token,
            posted,
        }),
        Some((_, Some(message))) => serde_json::from_str(&message)
            .map(Outcome::Done)
            .unwrap_or(Outcome::Busy),
        _ => Outcome::Busy,
    })
}

/// The upstream answered with the id of what this attempt posted.
pub fn note_posted(state: &AppState, key: &str, claim: &Claim, id: &str) -> Result<(), Refusal> {
    state.db()?.execute(
        "UPDATE portal_replies SET upstream_id = ?3 WHERE key = ?1 AND claim = ?2",
        params![key, claim.token, id],
    )?;
    Ok(())
}

pub fn settle(state: &AppState, key: &str, claim: &Claim, message: &Value) -> Result<(), Refusal> {
    state.db()?.execute(
        "UPDATE portal_replies SET message = ?3, claim = ?4 WHERE key = ?1 AND claim = ?2",
        params![key, claim.token, message.to_string(), OPEN],
    )?;
    Ok(())
}

/// Nothing was stored (or what was, is noted): the next attempt may go at once.
pub fn release(state: &AppState, key: &str, claim: &Claim) -> Result<(), Refusal> {
    let conn = state.db()?;
    conn.execute(
        "DELETE FROM portal_replies WHERE key = ?1 AND claim = ?2 AND upstream_id IS NULL",
        params![key, claim.token],
    )?;
    conn.execute(
        "UPDATE portal_replies SET claim = ?3 WHERE key = ?1 AND claim = ?2",
        params![key, claim.token, OPEN],
    )?;
    Ok(())
}

/// The outcome is unknown: the claim stands until it runs out, unless the upstream's id of
/// what was posted is noted (then the next attempt may go at once, and checks that id).
pub fn pause(state: &AppState, key: &str, claim: &Claim) -> Result<(), Refusal> {
    state.db()?.execute(
        "UPDATE portal_replies SET claim = ?3
          WHERE key = ?1 AND claim = ?2 AND upstream_id IS NOT NULL",
        params![key, claim.token, OPEN],
    )?;
    Ok(())
}

/// The answer while the same reply is on its way: try again shortly.
pub fn busy() -> Refusal {
    Refusal {
        retry_after: Some(5),
        ..Refusal::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "Your reply is still being sent. Please wait a moment.",
        )
    }
}
