//! The gateway's own record of customers' replies by idempotency key, so a reply whose answer
//! was lost and is sent again goes upstream once, whether or not the vendor honours
//! `Idempotency-Key`. A key is claimed before the post, settled with the stored message after
//! it, and released when the post fails (so the customer can try again).

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::Refusal;
use crate::AppState;

/// Longer than any upstream request may take (its client gives up after 120 s): a claim this
/// old was left by a gateway that stopped mid-post, and is taken over.
const IN_FLIGHT_SECS: i64 = 150;
/// How long a settled key answers with its message.
const KEPT_SECS: i64 = 30 * 86_400;

pub enum Claim {
    /// This request posts the reply.
    Mine,
    /// Another request with the same key is posting it now.
    Busy,
    /// Already stored: the message as the customer saw it.
    Done(Value),
}

pub fn claim(state: &AppState, key: &str) -> Result<Claim, Refusal> {
    let now = crate::clock::now_secs();
    let conn = state.db()?;
    conn.execute(
        "DELETE FROM portal_replies WHERE claimed_at < ?1",
        [now - KEPT_SECS],
    )?;
    let claimed = conn.execute(
        "INSERT INTO portal_replies (key, message, claimed_at) VALUES (?1, NULL, ?2)
         ON CONFLICT (key) DO UPDATE SET claimed_at = ?2
          WHERE message IS NULL AND claimed_at < ?3",
        params![key, now, now - IN_FLIGHT_SECS],
    )?;
    if claimed == 1 {
        return Ok(Claim::Mine);
    }
    let stored: Option<Option<String>> = conn
        .query_row(
            "SELECT message FROM portal_replies WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?;
    Ok(
        match stored.flatten().and_then(|m| serde_json::from_str(&m).ok()) {
            Some(message) => Claim::Done(message),
            None => Claim::Busy,
        },
    )
}

pub fn settle(state: &AppState, key: &str, message: &Value) -> Result<(), Refusal> {
    state.db()?.execute(
        "UPDATE portal_replies SET message = ?2 WHERE key = ?1",
        params![key, message.to_string()],
    )?;
    Ok(())
}

pub fn release(state: &AppState, key: &str) -> Result<(), Refusal> {
    state.db()?.execute(
        "DELETE FROM portal_replies WHERE key = ?1 AND message IS NULL",
        [key],
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
