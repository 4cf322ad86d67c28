//! Who is calling Threadline's own API. Demo mode: the credential of any helpdesk surface of
//! this server (an Initdesk token, an Airclou session, an InboxOps or Requestor key), which
//! names an organisation and a user. Gateway mode: the gateway's own admission (its proxy's
//! header, the agent key or a signed session), for the gateway's one organisation.

use std::time::Instant;

use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use rusqlite::OptionalExtension;

use super::OwnApi;
use crate::error::HttpError;

/// The caller: the organisation saved replies are scoped to, and the agent signatures are
/// filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Caller {
    pub org: String,
    pub agent: String,
    /// The agent's name, where the credential or session says it.
    pub name: Option<String>,
    /// Whether the credential may change what the organisation shares (saved replies): a
    /// read-only key may only read them.
    pub can_write: bool,
}

impl Caller {
    /// Refuses a change by a read-only credential.
    pub fn may_write(&self) -> Result<(), HttpError> {
        if self.can_write {
            Ok(())
        } else {
            Err(HttpError::forbidden())
        }
    }
}

/// The credential headers of the demo surfaces and how each is looked up: organisation,
/// user, name and whether it may write. An Airclou viewer is no agent; an InboxOps key writes
/// only with its `read_write` scope, as on its surface.
const DEMO_CREDENTIALS: [(&str, &str); 3] = [
    (
        "x-initdesk-token",
        "SELECT t.org_id, t.user_id, u.name, 1 FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token = ?1 AND t.is_active",
    ),
    (
        "x-requestor-key",
        "SELECT k.org_id, k.user_id, u.name, 1 FROM requestor_keys k
         JOIN users u ON u.id = k.user_id WHERE k.key = ?1",
    ),
    (
        "authorization",
        "SELECT s.org_id, s.user_id, u.name, 1 FROM airclou_sessions s
         JOIN users u ON u.id = s.user_id WHERE s.token = ?1 AND s.role = 'agent'
         UNION ALL
         SELECT k.org_id, k.user_id, u.name, k.scope = 'read_write' FROM api_keys k
         JOIN users u ON u.id = k.user_id WHERE k.key = ?1",
    ),
];

/// Why a request gets no answer but a refusal: the gateway's session refusal (which says
/// when a session expired), or any other error of this API.
#[derive(Debug)]
pub(super) enum Refused {
    Session(crate::gateway::session::Refusal),
    Http(HttpError),
}

impl From<HttpError> for Refused {
    fn from(e: HttpError) -> Self {
        Refused::Http(e)
    }
}

impl From<rusqlite::Error> for Refused {
    fn from(e: rusqlite::Error) -> Self {
        Refused::Http(e.into())
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Session(why) => {
                crate::gateway::unauthorized(crate::refusal::detail_shape, why)
            }
            Refused::Http(e) => e.into_response(),
        }
    }
}

impl OwnApi {
    /// Admits the request on its headers alone, or refuses it with a 401.
    pub(super) fn admit(&self, headers: &HeaderMap) -> Result<Caller, Refused> {
        match &self.gateway {
            Some(gateway) => crate::gateway::admitted(gateway, headers, crate::clock::now_secs())
                .map(|admitted| Caller {
                    org: format!("gateway:{}", gateway.organization_id),
                    agent: admitted.agent,
                    name: admitted.name,
                    can_write: true,
                })
                .map_err(Refused::Session),
            None => Ok(self.demo_caller(headers)?),
        }
    }

    fn demo_caller(&self, headers: &HeaderMap) -> Result<Caller, HttpError> {
        let sent = |name: &str| {
            let value = headers.get(name)?.to_str().ok()?.trim();
            let value = if name == header::AUTHORIZATION.as_str() {
                value.strip_prefix("Bearer ")?.trim()
            } else {
                value
            };
            Some(value.to_owned())
        };
        let offered: Vec<(String, &str)> = DEMO_CREDENTIALS
            .iter()
            .filter_map(|(name, query)| sent(name).map(|v| (v, *query)))
            .collect();
        if offered.is_empty() {
            return Err(HttpError::unauthorized(
                "Authentication credentials were not provided.",
            ));
        }
        for (value, query) in offered {
            // Junk is refused before it is counted (as on the surfaces).
            if !crate::ratelimit::well_formed(&value) {
                continue;
            }
            self.app.rate_limit(&value, Instant::now())?;
            let found: Option<(i64, i64, String, bool)> = self
                .app
                .db()?
                .query_row(query, [&value], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            if let Some((org, user, name, can_write)) = found {
                return Ok(Caller {
                    org: format!("org:{org}"),
                    agent: format!("user:{user}"),
                    name: Some(name),
                    can_write,
                });
            }
        }
        Err(HttpError::unauthorized("Invalid token."))
    }
}
