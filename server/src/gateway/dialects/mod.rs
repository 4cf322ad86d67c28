//! What the gateway knows of each upstream dialect, one file each: the routes the app uses
//! (a table for [`super::routes`]), the credential the vendor documents and how it is sent,
//! the refusals in the shape the app's dialect parses, and the app's `config.json` fields.

mod airclou;
mod inboxops;
mod initdesk;
mod requestor;

use axum::http::{HeaderName, HeaderValue};
use serde_json::Value;

use super::routes::Spec;
use super::GatewayOptions;
use crate::refusal::Shape;

/// One upstream dialect as the gateway serves it.
pub struct Dialect {
    /// The name in `--upstream-dialect` and in the mount, `/gateway/<name>`.
    pub name: &'static str,
    pub table: &'static [Spec],
    /// The headers that carry the organisation's credential upstream.
    pub credential: fn(&GatewayOptions) -> Vec<(HeaderName, String)>,
    /// The gateway's own refusals, in the shape the app's dialect parses.
    pub shape: Shape,
    /// The app's `config.json` fields besides `dialect` and `api_base`: never a credential.
    pub config: fn(&GatewayOptions) -> Value,
    /// A post field that can speak for someone else, and the values agents may give it (none:
    /// agents may not send it at all): only the customer's own view posts in the customer's
    /// name. See [`speaks_for_another`].
    pub agent_only: Option<(&'static str, &'static [&'static str])>,
    /// How the gateway serves customers' links for this dialect (`/portal-api/<link>`).
    pub customer: Option<&'static crate::portal::upstream::CustomerView>,
    /// Checks the options this dialect needs (and refuses those it would ignore).
    pub check: fn(&GatewayOptions) -> Result<(), String>,
}

/// For dialects that take no options beyond the credential.
pub fn no_extra_options(o: &GatewayOptions) -> Result<(), String> {
    if o.workspace_id.is_some() || o.auth_header.is_some() || !o.outbound_mailboxes.is_empty() {
        return Err(
            "--upstream-workspace-id, --upstream-auth-header and --outbound-mailboxes belong \
             to Airclou and Requestor; this dialect would ignore them"
                .into(),
        );
    }
    Ok(())
}

/// Every dialect the gateway can stand in front of.
pub const ALL: [&Dialect; 4] = [
    &initdesk::DIALECT,
    &airclou::DIALECT,
    &inboxops::DIALECT,
    &requestor::DIALECT,
];

/// The dialect named `name`.
pub fn named(name: &str) -> Result<&'static Dialect, String> {
    ALL.iter().copied().find(|d| d.name == name).ok_or_else(|| {
        format!("--upstream-dialect {name:?}: initdesk, airclou, inboxops or requestor")
    })
}

/// The credential headers, each checked as a header value (a token with a line break in it
/// is refused at start, not sent).
pub fn credential_headers(
    dialect: &Dialect,
    options: &GatewayOptions,
) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
    (dialect.check)(options)?;
    (dialect.credential)(options)
        .into_iter()
        .map(|(name, value)| {
            let mut value = HeaderValue::from_str(&value)
                .map_err(|_| format!("the upstream credential for {name} is not a header value"))?;
            // Kept out of any debug output of the request.
            value.set_sensitive(true);
            Ok((name, value))
        })
        .collect()
}

/// Whether an agent's post sets the dialect's [`Dialect::agent_only`] field to a value agents
/// may not give it. The field's name is matched in any letter case, as ASP.NET and other
/// upstreams read JSON names.
pub fn speaks_for_another(dialect: &Dialect, fields: &serde_json::Map<String, Value>) -> bool {
    let Some((field, allowed)) = dialect.agent_only else {
        return false;
    };
    fields
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case(field))
        .any(|(_, value)| !allowed.iter().any(|a| value == *a))
}
