//! InboxOps behind the gateway: tickets, one ticket, its messages and a note;
//! `Authorization: Bearer ixk_…` (docs/api/inboxops.md).

use axum::http::{header, Method};
use serde_json::json;

use super::Dialect;
use crate::gateway::routes::Part::{Id, Word};
use crate::gateway::routes::{BodyKind, Param, Spec};

const TABLE: &[Spec] = &[
    Spec::new(Method::GET, &[Word("tickets")]).query(&[
        ("page", Param::Number),
        ("per_page", Param::Number),
        ("sort", Param::OneOf(&["updated_at"])),
        ("order", Param::OneOf(&["desc"])),
    ]),
    Spec::new(Method::GET, &[Word("tickets"), Id])
        .query(&[("include", Param::ListOf(&["contact", "tags", "inbox"]))]),
    Spec::new(Method::GET, &[Word("tickets"), Id, Word("messages")])
        .query(&[("page", Param::Number), ("per_page", Param::Number)]),
    Spec::new(Method::POST, &[Word("tickets"), Id, Word("messages")]).body(BodyKind::Json),
];

pub const DIALECT: Dialect = Dialect {
    name: "inboxops",
    table: TABLE,
    credential: |o| {
        vec![(
            header::AUTHORIZATION,
            format!("Bearer {}", o.upstream_token),
        )]
    },
    shape: crate::inboxops::framework_error,
    config: |_| json!({}),
    agent_only: None,
    customer: Some(&crate::portal::upstream::INBOXOPS),
    check: super::no_extra_options,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::routes::{route, Refused};

    #[test]
    fn the_app_s_routes_and_nothing_else() {
        let get = |path: &str, query: Option<&str>| route(TABLE, &Method::GET, path, query, "1");
        assert!(get("tickets/7", Some("include=contact,tags,inbox")).is_ok());
        assert!(get("tickets/7/messages", Some("page=2&per_page=50")).is_ok());
        assert!(route(TABLE, &Method::POST, "tickets/7/messages", None, "1").is_ok());
        assert_eq!(get("tickets/7/messages/", None), Err(Refused::NotFound));
        assert_eq!(get("api-keys", None), Err(Refused::NotFound));
        assert_eq!(
            get("tickets/7", Some("include=secrets")),
            Err(Refused::Query)
        );
    }
}
