//! The Initdesk routes the gateway forwards: exactly those the app uses, each path segment
//! matched against what it may be (the configured organisation, a number, a UUID or a fixed
//! word) in the path *as sent*, before any decoding. The upstream URL is then built from these
//! validated parts alone, so no encoding (`%2e`, `%252e`, a tab or CR inside a dot segment, a
//! backslash, a `;` parameter) can reach a path the table does not name.

use axum::http::Method;

/// What a forwarded request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Json,
    Multipart,
}

/// A request the table admits: the upstream path's segments (already safe: digits, UUIDs and
/// fixed words) and its query, re-encoded from validated pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub segments: Vec<String>,
    pub query: Vec<(&'static str, String)>,
    pub body: BodyKind,
    /// A file: served as an attachment whatever the upstream says.
    pub download: bool,
}

/// Why a request is not forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No route has this shape (or the organisation is not ours): 404.
    NotFound,
    /// The path is a route, the method is not one the app uses there: 405.
    Method,
    /// A query parameter the route does not take, or a malformed value: 400.
    Query,
}

#[derive(Debug, Clone, Copy)]
enum Part {
    Word(&'static str),
    Org,
    Number,
    Uuid,
}

use Part::{Number, Org, Uuid, Word};

/// Page-number paging (and a cursor, in case the upstream pages that way).
const PAGED: &[&str] = &["page", "page_size", "cursor"];

/// (method, path pattern, query parameters taken, body). Every pattern ends with `/`, as every
/// Initdesk path does (the empty last word).
const TABLE: &[(Method, &[Part], &[&str], BodyKind)] = &[
    (
        Method::GET,
        &[Word("organizations"), Org, Word("")],
        &[],
        BodyKind::None,
    ),
    (
        Method::GET,
        &[Word("organizations"), Org, Word("tickets"), Word("")],
        PAGED,
        BodyKind::None,
    ),
    (
        Method::GET,
        &[
            Word("organizations"),
            Org,
            Word("tickets"),
            Number,
            Word(""),
        ],
        &[],
        BodyKind::None,
    ),
    (
        Method::GET,
        &[
            Word("organizations"),
            Org,
            Word("tickets"),
            Number,
            Word("messages"),
            Word(""),
        ],
        PAGED,
        BodyKind::None,
    ),
    (
        Method::POST,
        &[
            Word("organizations"),
            Org,
            Word("tickets"),
            Number,
            Word("messages"),
            Word(""),
        ],
        &[],
        BodyKind::Json,
    ),
    (
        Method::POST,
        &[Word("organizations"), Org, Word("attachments"), Word("")],
        &[],
        BodyKind::Multipart,
    ),
    (
        Method::GET,
        &[
            Word("organizations"),
            Org,
            Word("attachments"),
            Uuid,
            Word("download"),
            Word(""),
        ],
        &[],
        BodyKind::None,
    ),
    (
        Method::GET,
        &[Word("organizations"), Org, Word("users"), Word("")],
        &[],
        BodyKind::None,
    ),
];

/// Matches `path` (below the gateway's mount, as sent: not decoded) and `query` against the
/// table for organisation `org`.
pub fn route(
    method: &Method,
    path: &str,
    query: Option<&str>,
    org: &str,
) -> Result<Route, Refused> {
    let sent: Vec<&str> = path.split('/').collect();
    let mut shape_matched = false;
    for (allowed, pattern, params, body) in TABLE {
        if !matches(pattern, &sent, org) {
            continue;
        }
        shape_matched = true;
        if allowed != method {
            continue;
        }
        let is_download = pattern.iter().any(|p| matches!(p, Word("download")));
        return Ok(Route {
            segments: sent.iter().map(|s| (*s).to_owned()).collect(),
            query: query_pairs(query, params)?,
            body: *body,
            download: is_download,
        });
    }
    Err(if shape_matched {
        Refused::Method
    } else {
        Refused::NotFound
    })
}

fn matches(pattern: &[Part], sent: &[&str], org: &str) -> bool {
    pattern.len() == sent.len()
        && pattern.iter().zip(sent).all(|(part, s)| match part {
            Word(w) => s == w,
            Org => is_number(s) && *s == org,
            Number => is_number(s),
            Uuid => is_uuid(s),
        })
}

fn is_number(s: &str) -> bool {
    (1..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// The canonical hyphenated form, lower or upper case hex.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A DRF cursor as sent (`cD0yMDI0%3D`): decoded, and kept only if it is base64 of a sane
/// length; the query's encoder escapes it again on the way upstream.
fn cursor(sent: &str) -> Option<String> {
    let bytes = sent.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                decoded.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    let base64 = |b: &u8| b.is_ascii_alphanumeric() || b"+/=_-".contains(b);
    ((1..=512).contains(&decoded.len()) && decoded.iter().all(base64))
        .then(|| String::from_utf8(decoded).ok())
        .flatten()
}

/// The query as validated pairs: only the route's parameters, each once; page numbers as
/// digits, a cursor as decoded base64.
fn query_pairs(
    query: Option<&str>,
    params: &[&str],
) -> Result<Vec<(&'static str, String)>, Refused> {
    let mut pairs: Vec<(&'static str, String)> = Vec::new();
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').ok_or(Refused::Query)?;
        let name = PAGED
            .iter()
            .copied()
            .find(|p| *p == key && params.contains(p))
            .ok_or(Refused::Query)?;
        let value = match name {
            "cursor" => cursor(value),
            _ => is_number(value).then(|| value.to_owned()),
        };
        match value {
            Some(v) if !pairs.iter().any(|(k, _)| *k == name) => pairs.push((name, v)),
            _ => return Err(Refused::Query),
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str, query: Option<&str>) -> Result<Route, Refused> {
        route(&Method::GET, path, query, "1")
    }

    #[test]
    fn the_app_s_routes_are_forwarded_as_sent() {
        let r = get(
            "organizations/1/tickets/42/messages/",
            Some("page=2&page_size=50"),
        )
        .unwrap();
        assert_eq!(
            r.segments,
            ["organizations", "1", "tickets", "42", "messages", ""]
        );
        assert_eq!(
            r.query,
            [("page", "2".to_owned()), ("page_size", "50".to_owned())]
        );
        assert_eq!(r.body, BodyKind::None);
        let post = route(
            &Method::POST,
            "organizations/1/tickets/42/messages/",
            None,
            "1",
        )
        .unwrap();
        assert_eq!(post.body, BodyKind::Json);
        let up = route(&Method::POST, "organizations/1/attachments/", None, "1").unwrap();
        assert_eq!(up.body, BodyKind::Multipart);
        let file = get(
            "organizations/1/attachments/0f8fad5b-d9cb-469f-a165-70867728950e/download/",
            None,
        )
        .unwrap();
        assert!(file.download);
        assert!(get("organizations/1/users/", None).is_ok());
        assert!(get("organizations/1/", None).is_ok());
    }

    #[test]
    fn anything_else_is_refused() {
        for path in [
            "organizations/2/tickets/",
            "organizations/1/tickets",
            "organizations/1/tickets/4a/",
            "organizations/1/tickets/%34%32/",
            "organizations/1/tickets/42/messages/extra/",
            "organizations/1/../config.json",
            "organizations/1/tickets/%2e%2e/",
            "organizations/1/attachments/not-a-uuid/download/",
            "organizations/1/tickets/42;x=1/",
            "organizations/1/tickets/42\\..\\/",
            "",
            "config.json",
        ] {
            assert_eq!(get(path, None), Err(Refused::NotFound), "{path}");
        }
        assert_eq!(
            route(&Method::DELETE, "organizations/1/tickets/42/", None, "1"),
            Err(Refused::Method)
        );
        assert_eq!(
            route(&Method::TRACE, "organizations/1/users/", None, "1"),
            Err(Refused::Method)
        );
        for query in [
            "page=1&page=2",
            "token=x",
            "page=1%0d",
            "page=",
            "page",
            "page_size=-1",
        ] {
            assert_eq!(
                get("organizations/1/tickets/", Some(query)),
                Err(Refused::Query),
                "{query}"
            );
        }
        assert_eq!(
            get("organizations/1/users/", Some("page=2")),
            Err(Refused::Query)
        );
        for cursor in ["%zz", "%2", "a%26b", "a%0d", "a/../b%2f%2e"] {
            assert_eq!(
                get(
                    "organizations/1/tickets/",
                    Some(&format!("cursor={cursor}"))
                ),
                Err(Refused::Query),
                "{cursor}"
            );
        }
        let ok = get("organizations/1/tickets/", Some("cursor=cD0y%3D")).unwrap();
        assert_eq!(ok.query, [("cursor", "cD0y=".to_owned())]);
    }
}
