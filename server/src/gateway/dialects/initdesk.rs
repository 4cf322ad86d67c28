//! Initdesk behind the gateway: the organisation's routes the app uses, `X-Initdesk-Token`.

use axum::http::{HeaderName, Method};
use serde_json::json;

use super::Dialect;
use crate::gateway::routes::Part::{Number, Org, Uuid, Word};
use crate::gateway::routes::{BodyKind, Param, Spec};

/// Page-number paging (and a cursor, in case the upstream pages that way).
const PAGED: &[(&str, Param)] = &[
    ("page", Param::Number),
    ("page_size", Param::Number),
    ("cursor", Param::Cursor),
];

const TABLE: &[Spec] = &[
    Spec::new(
        Method::GET,
        &[Word("organizations"), Org, Word("tickets"), Word("")],
    )
    .query(PAGED),
    Spec::new(
        Method::GET,
        &[
            Word("organizations"),
            Org,
            Word("tickets"),
            Number,
            Word(""),
        ],
    ),
    Spec::new(
        Method::GET,
        &[
            Word("organizations"),
            Org,
            Word("tickets"),
            Number,
            Word("messages"),
            Word(""),
        ],
    )
    .query(PAGED),
    Spec::new(
        Method::POST,
        &[
            Word("organizations"),
            Org,
            Word("tickets"),
            Number,
            Word("messages"),
            Word(""),
        ],
    )
    .body(BodyKind::Json),
    Spec::new(
        Method::POST,
        &[Word("organizations"), Org, Word("attachments"), Word("")],
    )
    .body(BodyKind::Multipart),
    Spec::new(
        Method::GET,
        &[
            Word("organizations"),
            Org,
            Word("attachments"),
            Uuid,
            Word("download"),
            Word(""),
        ],
    )
    .download(),
    Spec::new(
        Method::GET,
        &[Word("organizations"), Org, Word("users"), Word("")],
    ),
];

pub const DIALECT: Dialect = Dialect {
    name: "initdesk",
    table: TABLE,
    credential: |o| {
        vec![(
            HeaderName::from_static("x-initdesk-token"),
            o.upstream_token.clone(),
        )]
    },
    shape: crate::refusal::detail_shape,
    config: |o| json!({ "organization_id": o.organization_id }),
    agent_only: Some(("role", &["associate"])),
    customer: Some(&crate::portal::upstream::INITDESK),
    check: super::no_extra_options,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::routes::{route, Refused};

    fn get(path: &str, query: Option<&str>) -> Result<crate::gateway::routes::Route, Refused> {
        route(TABLE, &Method::GET, path, query, "1")
    }

    #[test]
    fn the_app_s_routes_and_nothing_else() {
        assert!(get(
            "organizations/1/tickets/42/messages/",
            Some("page=2&page_size=50")
        )
        .is_ok());
        assert!(get("organizations/1/users/", None).is_ok());
        assert!(
            get(
                "organizations/1/attachments/0f8fad5b-d9cb-469f-a165-70867728950e/download/",
                None
            )
            .unwrap()
            .download
        );
        assert_eq!(
            route(
                TABLE,
                &Method::POST,
                "organizations/1/attachments/",
                None,
                "1"
            )
            .unwrap()
            .body,
            BodyKind::Multipart
        );
        for path in [
            "organizations/2/tickets/",
            "organizations/1/tickets/%2e%2e/",
            "organizations/1/../config.json",
            "config.json",
        ] {
            assert_eq!(get(path, None), Err(Refused::NotFound), "{path}");
        }
        assert_eq!(
            get("organizations/1/users/", Some("page=2")),
            Err(Refused::Query)
        );
        assert_eq!(
            route(TABLE, &Method::TRACE, "organizations/1/users/", None, "1"),
            Err(Refused::Method)
        );
    }
}
