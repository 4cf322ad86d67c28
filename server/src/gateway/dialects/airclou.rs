//! Airclou Helpdesk behind the gateway: the v1 ticket endpoints, the Messages API and files;
//! `Authorization: Bearer <session>` and `X-Workspace-Id` (docs/api/airclou.md).

use axum::http::{header, HeaderName, Method};
use serde_json::json;

use super::Dialect;
use crate::gateway::routes::Part::{Id, Word};
use crate::gateway::routes::{BodyKind, Param, Spec};
use crate::gateway::GatewayOptions;

/// Exactly the parameters and values the app sends (`crates/core/src/dialect/airclou.rs`).
const TABLE: &[Spec] = &[
    Spec::new(Method::GET, &[Word("v1"), Word("tickets")]).query(&[
        ("page", Param::Number),
        ("page_size", Param::Number),
        ("sort_by", Param::OneOf(&["updated_at"])),
        ("sort_order", Param::OneOf(&["desc"])),
    ]),
    Spec::new(Method::GET, &[Word("v1"), Word("tickets"), Id]),
    Spec::new(Method::GET, &[Word("messages")])
        .query(&[
            ("ticket_id", Param::Id),
            ("page", Param::Number),
            ("limit", Param::Number),
            ("sort_order", Param::OneOf(&["asc"])),
        ])
        // Without a ticket the list would be every message of the workspace.
        .requires(&["ticket_id"]),
    Spec::new(Method::POST, &[Word("messages")]).body(BodyKind::Json),
    Spec::new(Method::POST, &[Word("attachments")]).body(BodyKind::Multipart),
    Spec::new(Method::GET, &[Word("attachments"), Id]).download(),
];

fn credential(o: &GatewayOptions) -> Vec<(HeaderName, String)> {
    let mut headers = vec![(
        header::AUTHORIZATION,
        format!("Bearer {}", o.upstream_token),
    )];
    if let Some(workspace) = &o.workspace_id {
        headers.push((HeaderName::from_static("x-workspace-id"), workspace.clone()));
    }
    headers
}

/// The ticket endpoints need the workspace; Requestor's options would be ignored.
fn check(o: &GatewayOptions) -> Result<(), String> {
    if o.workspace_id.as_deref().is_none_or(str::is_empty) {
        return Err("Airclou needs --upstream-workspace-id ws_… (its ticket endpoints do)".into());
    }
    if o.auth_header.is_some() || !o.outbound_mailboxes.is_empty() {
        return Err("--upstream-auth-header and --outbound-mailboxes belong to Requestor".into());
    }
    Ok(())
}

pub const DIALECT: Dialect = Dialect {
    name: "airclou",
    table: TABLE,
    credential,
    shape: crate::airclou::framework_error,
    // The gateway sends the workspace; the app needs neither it nor the session.
    config: |_| json!({}),
    // A `request` is the customer's message.
    agent_only: Some(("type", &["response", "note"])),
    customer: Some(&crate::portal::upstream::AIRCLOU),
    check,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::routes::{route, Refused};

    #[test]
    fn the_app_s_routes_and_nothing_else() {
        let get = |path: &str, query: Option<&str>| route(TABLE, &Method::GET, path, query, "1");
        assert!(get(
            "messages",
            Some("ticket_id=7&page=1&limit=50&sort_order=asc")
        )
        .is_ok());
        assert!(get(
            "v1/tickets",
            Some("page_size=50&sort_by=updated_at&sort_order=desc")
        )
        .is_ok());
        assert!(get("attachments/att_0f8fad5b", None).unwrap().download);
        assert_eq!(get("messages", Some("ticket_id=../x")), Err(Refused::Query));
        assert_eq!(get("v1/workspaces", None), Err(Refused::NotFound));
        assert_eq!(
            get("messages", Some("page=1&limit=50")),
            Err(Refused::Query)
        );
        assert_eq!(get("v1/tickets/%2e%2e", None), Err(Refused::NotFound));
        assert_eq!(
            route(TABLE, &Method::DELETE, "messages", None, "1"),
            Err(Refused::Method)
        );
    }
}
