//! The customer's link: `v1.<org>.<ticket>.<expires>.<HMAC-SHA256>`, signed with a secret
//! given to the server (a file or environment variable, so several gateway instances accept
//! each other's links) or else made once and kept in its database. It names exactly one ticket
//! and cannot be altered or extended. Also the `link` command that prints one, and the tags
//! that let a gateway hand out a file of a customer-visible message and nothing else.

use base64::Engine;
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension};
use sha2::Sha256;

use super::{Grant, Refusal};

const VERSION: &str = "v1";
/// The longest a link may live.
pub(super) const MAX_TTL: i64 = 366 * 86_400;

type Signer = Hmac<Sha256>;

/// The secret made on first use and kept in the database (so links survive restarts and
/// `threadline-server link` signs what the running server accepts).
pub fn stored_secret(conn: &Connection) -> rusqlite::Result<Vec<u8>> {
    let read = || {
        conn.query_row(
            "SELECT value FROM settings WHERE key = 'portal_link_secret'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()
    };
    // Written once; every later link check only reads it.
    if let Some(value) = read()? {
        return Ok(value.into_bytes());
    }
    let fresh = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    conn.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES ('portal_link_secret', ?1)",
        [fresh],
    )?;
    // Another writer may have won the race: what is stored is the secret.
    Ok(read()?.unwrap_or_default().into_bytes())
}

/// The HMAC of `payload`; HMAC takes a key of any length, so this fails only on an empty key.
fn signature(key: &[u8], payload: &str) -> Option<Signer> {
    let mut mac = Signer::new_from_slice(key).ok()?;
    mac.update(payload.as_bytes());
    Some(mac)
}

fn encoded_tag(key: &[u8], payload: &str) -> Option<String> {
    let tag = signature(key, payload)?.finalize().into_bytes();
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag))
}

fn tag_matches(key: &[u8], payload: &str, tag: &str) -> bool {
    let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(tag) else {
        return false;
    };
    signature(key, payload).is_some_and(|mac| mac.verify_slice(&tag).is_ok())
}

/// Whether `id` can be a link's ticket: a helpdesk's id or reference as it appears in a URL
/// (Initdesk's `42`, Airclou's `tkt_42`, Requestor's `INC-000047`), with no `.` (the link's
/// separator).
pub fn ticket_id_ok(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A link for ticket `ticket` of organisation `org`, valid until `expires` (seconds since
/// the epoch).
pub fn issue_with(
    key: &[u8],
    org: i64,
    ticket: impl std::fmt::Display,
    expires: i64,
) -> Result<String, String> {
    let ticket = ticket.to_string();
    if !ticket_id_ok(&ticket) {
        return Err(format!(
            "{ticket:?} is not a ticket id (letters, digits, '_' and '-', at most 64)"
        ));
    }
    let payload = format!("{VERSION}.{org}.{ticket}.{expires}");
    let tag = encoded_tag(key, &payload).ok_or("the link secret is empty")?;
    Ok(format!("{payload}.{tag}"))
}

/// Whether `link` has the shape links have (so junk is refused before it is counted or
/// checked).
pub(super) fn well_formed(link: &str) -> bool {
    (1..=200).contains(&link.len())
        && link
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// Checks a link's signature (in constant time), then its expiry. A link that does not
/// verify says nothing about why beyond "not valid".
pub fn verify_with(key: &[u8], link: &str, now: i64) -> Result<Grant, Refusal> {
    let (payload, tag) = link.rsplit_once('.').ok_or_else(Refusal::invalid)?;
    if !tag_matches(key, payload, tag) {
        return Err(Refusal::invalid());
    }
    let parts: Vec<&str> = payload.split('.').collect();
    let [VERSION, org, ticket, expires] = parts.as_slice() else {
        return Err(Refusal::invalid());
    };
    let number = |s: &str| s.parse::<i64>().map_err(|_| Refusal::invalid());
    let (org, expires) = (number(org)?, number(expires)?);
    if !ticket_id_ok(ticket) {
        return Err(Refusal::invalid());
    }
    if now >= expires {
        return Err(Refusal::expired());
    }
    Ok(Grant {
        org,
        ticket: (*ticket).to_owned(),
    })
}

/// The tag that makes `/portal-api/{link}/attachments/{id}.{tag}`: given out only for files
/// of messages the customer may see, and checked on download.
pub fn file_tag(key: &[u8], ticket: &str, file: &str) -> Option<String> {
    encoded_tag(key, &format!("file.{ticket}.{file}"))
}

pub fn file_tag_matches(key: &[u8], ticket: &str, file: &str, tag: &str) -> bool {
    tag_matches(key, &format!("file.{ticket}.{file}"), tag)
}

/// The `Idempotency-Key` a customer's key becomes upstream: keyed with the secret, so no
/// agent can pick a key that answers a customer with the agent's own message.
pub fn upstream_key(key: &[u8], ticket: &str, customer_key: &str) -> Option<String> {
    encoded_tag(key, &format!("idem.{ticket}.{customer_key}")).map(|t| format!("portal-{t}"))
}

/// A secret from `--link-secret-file PATH`, else `THREADLINE_LINK_SECRET`.
pub fn configured_secret(file: Option<&std::path::Path>) -> Result<Option<Vec<u8>>, String> {
    crate::secret::configured(file, "THREADLINE_LINK_SECRET", "the link secret")
}

/// `threadline-server link TICKET [--ttl 7d] [--db PATH] [--base-url URL]
/// [--organization-id ID] [--link-secret-file PATH]`: prints the customer's link to one
/// ticket, valid for the TTL (`30m`, `12h`, `7d`, or seconds; default 7 days). A ticket of the
/// reference server's own store is found there; a gateway's tickets live upstream, so
/// `--organization-id` names the organisation.
pub fn link_command(args: &[String]) -> Result<String, String> {
    const USAGE: &str = "usage: threadline-server link TICKET [--ttl 7d] [--db PATH] \
[--base-url URL] [--organization-id ID] [--link-secret-file PATH]";
    let mut ticket = None;
    let mut ttl = 7 * 86_400;
    let mut db = std::path::PathBuf::from("threadline.sqlite3");
    let mut base = "http://127.0.0.1:8080".to_owned();
    let mut org = None;
    let mut secret_file = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().cloned().ok_or_else(|| USAGE.to_owned());
        match arg.as_str() {
            "--ttl" => ttl = parse_ttl(&value()?)?,
            "--db" => db = value()?.into(),
            "--base-url" => base = value()?,
            "--organization-id" => {
                org = Some(
                    value()?
                        .parse::<i64>()
                        .map_err(|_| format!("--organization-id: a number\n{USAGE}"))?,
                )
            }
            "--link-secret-file" => secret_file = Some(std::path::PathBuf::from(value()?)),
            t if ticket.is_none() && !t.starts_with('-') => ticket = Some(t.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let ticket = ticket.ok_or(USAGE)?;
    if !ticket_id_ok(&ticket) {
        return Err(format!("{ticket:?} is not a ticket id\n{USAGE}"));
    }
    let conn = crate::db::open_store(&db)
        .map_err(|e| format!("cannot open database {}: {e}", db.display()))?;
    // The reference server's own tickets are numbered; a gateway's may be any id.
    let local: Option<i64> = match ticket.parse::<i64>() {
        Ok(number) => conn
            .query_row("SELECT org_id FROM tickets WHERE id = ?1", [number], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| e.to_string())?,
        Err(_) => None,
    };
    let org = org.or(local).ok_or_else(|| {
        format!(
            "there is no ticket {ticket} in {}; for a gateway's ticket give --organization-id",
            db.display()
        )
    })?;
    let key = match configured_secret(secret_file.as_deref())? {
        Some(key) => key,
        None => stored_secret(&conn).map_err(|e| format!("cannot read the link secret: {e}"))?,
    };
    let link = issue_with(&key, org, ticket, crate::clock::now_secs() + ttl)?;
    Ok(format!("{}/portal/{link}", base.trim_end_matches('/')))
}

/// `30m`, `12h`, `7d` or plain seconds, from 1 second to [`MAX_TTL`].
pub(crate) fn parse_ttl(text: &str) -> Result<i64, String> {
    let (number, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 's'),
    };
    let n: i64 = number
        .parse()
        .map_err(|_| format!("--ttl {text:?}: use 30m, 12h, 7d or seconds"))?;
    let unit = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return Err(format!("--ttl {text:?}: use 30m, 12h, 7d or seconds")),
    };
    match n.checked_mul(unit) {
        Some(secs) if (1..=MAX_TTL).contains(&secs) => Ok(secs),
        _ => Err(format!(
            "--ttl {text:?}: from 1 second to 366 days (a link is a password: give it an end)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_read_as_people_write_them() {
        assert_eq!(parse_ttl("7d"), Ok(604_800));
        assert_eq!(parse_ttl("12h"), Ok(43_200));
        assert_eq!(parse_ttl("30m"), Ok(1_800));
        assert_eq!(parse_ttl("90"), Ok(90));
        assert!(parse_ttl("soon").is_err() && parse_ttl("3w").is_err());
        for absurd in [
            "9223372036854775807",
            "106751991167301d",
            "0",
            "-5m",
            "367d",
        ] {
            assert!(parse_ttl(absurd).is_err(), "{absurd}");
        }
        assert_eq!(parse_ttl("366d"), Ok(MAX_TTL));
    }

    #[test]
    fn links_and_file_tags_verify_only_under_their_key() {
        let key = b"0123456789abcdef0123456789abcdef";
        let link = issue_with(key, 1, 7, 2_000).unwrap();
        assert!(well_formed(&link));
        assert_eq!(
            verify_with(key, &link, 1_000).unwrap(),
            Grant {
                org: 1,
                ticket: "7".into()
            }
        );
        let airclou = issue_with(key, 1, "tkt_7", 2_000).unwrap();
        assert_eq!(verify_with(key, &airclou, 1_000).unwrap().ticket, "tkt_7");
        for bad in ["", "7.8", "../7", "a b", &"x".repeat(65)] {
            assert!(issue_with(key, 1, bad, 2_000).is_err(), "{bad:?}");
        }
        assert!(verify_with(b"another key, just as long as that", &link, 1_000).is_err());
        assert!(verify_with(key, &link.replace(".7.", ".8."), 1_000).is_err());
        assert!(verify_with(key, &link, 2_000).is_err());
        let tag = file_tag(key, "7", "f1").unwrap();
        assert!(file_tag_matches(key, "7", "f1", &tag));
        assert!(!file_tag_matches(key, "8", "f1", &tag));
        assert!(!file_tag_matches(key, "7", "f2", &tag));
        assert_ne!(upstream_key(key, "7", "k"), upstream_key(key, "8", "k"));
    }
}
