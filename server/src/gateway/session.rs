//! Signed agent sessions, for a portal that embeds the conversation on its own origin: the
//! portal's backend knows its logged-in agent and signs a short-lived session for them with a
//! secret it shares with the gateway (`--embed-secret-file`, or `THREADLINE_EMBED_SECRET`).
//! The element sends it as `Authorization: Bearer <session>`; the gateway checks it before
//! anything goes upstream.
//!
//! The token is `<claims>.<tag>`: `claims` is the JSON
//! `{"org":"1","email":"…","name":"…","exp":<seconds since the epoch>}` in unpadded base64url,
//! `tag` the HMAC-SHA256 of that text under the secret, also unpadded base64url. Any language
//! mints one with its standard library (the README shows Node and Python). Also the
//! `embed-session` command that prints one for testing.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// The longest a session may claim to live: a portal signs them for minutes; one that claims
/// more is refused rather than trusted for a day.
pub const MAX_TTL_SECS: i64 = 12 * 3_600;
/// The longest token read (a name and an email fit many times over).
const MAX_LEN: usize = 2_048;

/// Whom a valid session vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub email: String,
    pub name: String,
}

/// Why a session was not accepted. Only "expired" is told apart: the page can then ask its
/// portal for a new one; anything else is simply not a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Invalid,
    Expired,
}

#[derive(Deserialize)]
struct Claims {
    org: serde_json::Value,
    email: String,
    #[serde(default)]
    name: String,
    exp: i64,
}

fn mac(key: &[u8], claims: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(claims.as_bytes());
    Some(mac)
}

/// A session for `agent` of organisation `org`, valid until `exp`.
pub fn issue(key: &[u8], org: &str, agent: &Agent, exp: i64) -> Result<String, String> {
    if agent.email.trim().is_empty() {
        return Err("a session names its agent's email".into());
    }
    let claims = serde_json::json!({
        "org": org, "email": agent.email, "name": agent.name, "exp": exp,
    });
    let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
    let tag = mac(key, &claims).ok_or("the embed secret is empty")?;
    Ok(format!(
        "{claims}.{}",
        URL_SAFE_NO_PAD.encode(tag.finalize().into_bytes())
    ))
}

/// Checks the tag (in constant time) first, then the organisation and the expiry.
pub fn verify(key: &[u8], token: &str, org: &str, now: i64) -> Result<Agent, Refusal> {
    if token.len() > MAX_LEN {
        return Err(Refusal::Invalid);
    }
    let (claims, tag) = token.split_once('.').ok_or(Refusal::Invalid)?;
    let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| Refusal::Invalid)?;
    mac(key, claims)
        .ok_or(Refusal::Invalid)?
        .verify_slice(&tag)
        .map_err(|_| Refusal::Invalid)?;
    let json = URL_SAFE_NO_PAD
        .decode(claims)
        .map_err(|_| Refusal::Invalid)?;
    let claims: Claims = serde_json::from_slice(&json).map_err(|_| Refusal::Invalid)?;
    // Portals write the organisation as a number or a string; both name the same one.
    let claimed = match &claims.org {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(Refusal::Invalid),
    };
    // A session valid for longer than the cap from now is refused, whatever it says.
    if claimed != org
        || claims.email.trim().is_empty()
        || claims.exp.saturating_sub(now) > MAX_TTL_SECS
    {
        return Err(Refusal::Invalid);
    }
    if now >= claims.exp {
        return Err(Refusal::Expired);
    }
    Ok(Agent {
        email: claims.email,
        name: claims.name,
    })
}

/// `threadline-server embed-session --agent EMAIL [--name NAME] [--ttl 15m]
/// [--organization-id ID] [--embed-secret-file PATH]`: prints a session, as a portal's
/// backend would sign it, for trying the embedded element by hand.
pub fn command(args: &[String]) -> Result<String, String> {
    const USAGE: &str = "usage: threadline-server embed-session --agent EMAIL [--name NAME] \
[--ttl 15m] [--organization-id ID] [--embed-secret-file PATH] (or THREADLINE_EMBED_SECRET)";
    let mut agent = Agent {
        email: String::new(),
        name: String::new(),
    };
    let mut ttl = 15 * 60;
    let mut org = "1".to_owned();
    let mut secret_file = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().cloned().ok_or_else(|| USAGE.to_owned());
        match arg.as_str() {
            "--agent" => agent.email = value()?,
            "--name" => agent.name = value()?,
            "--ttl" => ttl = crate::portal::link::parse_ttl(&value()?)?,
            "--organization-id" => org = value()?,
            "--embed-secret-file" => secret_file = Some(std::path::PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if agent.email.is_empty() {
        return Err(USAGE.into());
    }
    if ttl > MAX_TTL_SECS {
        return Err(format!(
            "--ttl: a session lives at most 12 hours (the gateway refuses longer ones)\n{USAGE}"
        ));
    }
    let key = configured_secret(secret_file.as_deref())?.ok_or_else(|| {
        format!("the embed secret is needed: --embed-secret-file PATH or THREADLINE_EMBED_SECRET\n{USAGE}")
    })?;
    issue(&key, &org, &agent, crate::clock::now_secs() + ttl)
}

/// The secret from `--embed-secret-file PATH`, else `THREADLINE_EMBED_SECRET`.
pub fn configured_secret(file: Option<&std::path::Path>) -> Result<Option<Vec<u8>>, String> {
    crate::secret::configured(file, "THREADLINE_EMBED_SECRET", "the embed secret")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn agent() -> Agent {
        Agent {
            email: "priya@acme.example".into(),
            name: "Priya Shah".into(),
        }
    }

    #[test]
    fn a_session_verifies_only_for_its_key_organisation_and_time() {
        let token = issue(KEY, "1", &agent(), 2_000).unwrap();
        assert_eq!(verify(KEY, &token, "1", 1_000), Ok(agent()));
        assert_eq!(verify(KEY, &token, "1", 2_000), Err(Refusal::Expired));
        assert_eq!(verify(KEY, &token, "2", 1_000), Err(Refusal::Invalid));
        let other = b"another key that is just as long as it";
        assert_eq!(verify(other, &token, "1", 1_000), Err(Refusal::Invalid));
        // Claims changed after signing (a longer life, another agent) no longer verify.
        let (claims, tag) = token.split_once('.').unwrap();
        let json = String::from_utf8(URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        let forged = URL_SAFE_NO_PAD.encode(json.replace("2000", "9000"));
        assert_eq!(
            verify(KEY, &format!("{forged}.{tag}"), "1", 1_000),
            Err(Refusal::Invalid)
        );
        for junk in ["", ".", "a.b", "x.", &"a".repeat(3_000)] {
            assert_eq!(
                verify(KEY, junk, "1", 1_000),
                Err(Refusal::Invalid),
                "{junk}"
            );
        }
    }

    #[test]
    fn a_session_that_claims_a_long_life_is_refused() {
        let token = issue(KEY, "1", &agent(), 1_000 + MAX_TTL_SECS + 1).unwrap();
        assert_eq!(verify(KEY, &token, "1", 1_000), Err(Refusal::Invalid));
    }

    /// Minted by the README's Python lines (org "1") and Node's (org 1) with the secret `KEY`,
    /// expiring 2100-01-01: the bytes those languages make are the bytes checked here.
    #[test]
    fn sessions_minted_as_the_readme_shows_verify() {
        let python = "eyJvcmciOiAiMSIsICJlbWFpbCI6ICJwcml5YUBhY21lLmV4YW1wbGUiLCAibmFtZSI6ICJQcml5YSBTaGFoIiwgImV4cCI6IDQxMDI0NDQ4MDB9.gxqV6Tum0_4R8XpIqFVANWTE37ucVcTaC6TcfcmmbZA";
        let node = "eyJvcmciOjEsImVtYWlsIjoicHJpeWFAYWNtZS5leGFtcGxlIiwibmFtZSI6IlByaXlhIFNoYWgiLCJleHAiOjQxMDI0NDQ4MDB9.ZbkrtDOGm_RDKotWmoO5w6v6H5nM3nXF45Dt358_Tcg";
        let just_before = 4_102_444_800 - 60;
        assert_eq!(verify(KEY, python, "1", just_before), Ok(agent()));
        assert_eq!(verify(KEY, node, "1", just_before), Ok(agent()));
        assert_eq!(verify(KEY, node, "1", 4_102_444_800), Err(Refusal::Expired));
    }
}
