//! Requestor behind the gateway: GetTicket and NewMessage; the key in the header the
//! deployment names (`--upstream-auth-header`, by default `X-Requestor-Key`: the vendor's
//! documentation names none; docs/api/requestor.md).

use axum::http::{HeaderName, Method};
use serde_json::json;

use super::Dialect;
use crate::gateway::routes::Part::{Id, Word};
use crate::gateway::routes::{BodyKind, Param, Spec};
use crate::gateway::GatewayOptions;

const TABLE: &[Spec] = &[
    Spec::new(Method::GET, &[Word("Tickets"), Word("GetTicket"), Id])
        .query(&[("plainTextOnly", Param::OneOf(&["false"]))]),
    Spec::new(Method::POST, &[Word("Tickets"), Word("NewMessage")]).body(BodyKind::Json),
];

/// The header when the deployment names none.
pub const DEFAULT_AUTH_HEADER: &str = "x-requestor-key";

/// Headers the gateway sets or forwards itself: the key may not go in one of them.
const TAKEN: [&str; 8] = [
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "accept",
    "if-none-match",
    "idempotency-key",
    "connection",
];

/// The key's header: a valid name that is not one of [`TAKEN`].
fn header_name(o: &GatewayOptions) -> Result<HeaderName, String> {
    let name = match o.auth_header.as_deref() {
        None => return Ok(HeaderName::from_static(DEFAULT_AUTH_HEADER)),
        Some(given) => HeaderName::from_bytes(given.as_bytes())
            .map_err(|_| format!("--upstream-auth-header {given:?} is not a header name"))?,
    };
    if TAKEN.contains(&name.as_str()) {
        return Err(format!(
            "--upstream-auth-header {name}: the gateway sets that header itself"
        ));
    }
    Ok(name)
}

fn check(o: &GatewayOptions) -> Result<(), String> {
    if o.workspace_id.is_some() {
        return Err("--upstream-workspace-id belongs to Airclou".into());
    }
    header_name(o).map(|_| ())
}

fn credential(o: &GatewayOptions) -> Vec<(HeaderName, String)> {
    let name = header_name(o).unwrap_or(HeaderName::from_static(DEFAULT_AUTH_HEADER));
    vec![(name, o.upstream_token.clone())]
}

pub const DIALECT: Dialect = Dialect {
    name: "requestor",
    table: TABLE,
    credential,
    shape: crate::requestor::framework_error,
    // The mailboxes an emailed reply may go from are the deployment's to name.
    config: |o| json!({ "outbound_mailboxes": o.outbound_mailboxes }),
    // Our field for the submitter's own message (the customer's view): never an agent's.
    agent_only: Some(("AsSubmitter", &[])),
    customer: Some(&crate::portal::upstream::REQUESTOR),
    check,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::routes::{route, Refused};

    #[test]
    fn the_app_s_routes_and_nothing_else() {
        let get = |path: &str, query: Option<&str>| route(TABLE, &Method::GET, path, query, "1");
        assert!(get("Tickets/GetTicket/INC-000047", Some("plainTextOnly=false")).is_ok());
        assert!(route(TABLE, &Method::POST, "Tickets/NewMessage", None, "1").is_ok());
        assert_eq!(
            get("Tickets/GetTicket/..%2f..", None),
            Err(Refused::NotFound)
        );
        assert_eq!(get("Users/List", None), Err(Refused::NotFound));
        assert_eq!(
            route(TABLE, &Method::GET, "Tickets/NewMessage", None, "1"),
            Err(Refused::Method)
        );
    }
}
