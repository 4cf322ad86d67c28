//! Matching a request against a dialect's route table (the tables are in [`super::dialects`]):
//! the routes the app uses, each path segment matched against what it may be (the configured
//! organisation, a number, an id, a UUID or a fixed word) in the path *as sent*, before any
//! decoding, and each query parameter against its kind. The upstream URL is then built from
//! these validated parts alone, so no encoding (`%2e`, `%252e`, a tab or CR inside a dot
//! segment, a backslash, a `;` parameter) can reach a path the table does not name.

use axum::http::Method;

/// What a forwarded request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Json,
    Multipart,
}

/// One segment of a route's path.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    /// Exactly this word (`""` is the empty segment after a trailing `/`).
    Word(&'static str),
    /// The organisation the gateway serves.
    Org,
    /// 1 to 18 digits.
    Number,
    /// 1 to 128 letters, digits, `-` and `_` (a ticket reference, a file token: as long as
    /// the app's own check of a path segment allows).
    Id,
    /// A canonical hyphenated UUID.
    Uuid,
}

/// What a query parameter may hold.
#[derive(Debug, Clone, Copy)]
pub enum Param {
    Number,
    /// As [`Part::Id`].
    Id,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// Base64 (a DRF cursor), sent percent-encoded.
    Cursor,
    /// A comma-separated list of these words.
    ListOf(&'static [&'static str]),
}

/// One route of a table.
#[derive(Debug, Clone)]
pub struct Spec {
    pub method: Method,
    pub path: &'static [Part],
    pub query: &'static [(&'static str, Param)],
    /// Query parameters the request must have (the app always sends them).
    pub required: &'static [&'static str],
    pub body: BodyKind,
    /// A file: served as an attachment whatever the upstream says.
    pub download: bool,
}

impl Spec {
    pub const fn new(method: Method, path: &'static [Part]) -> Self {
        Self {
            method,
            path,
            query: &[],
            required: &[],
            body: BodyKind::None,
            download: false,
        }
    }

    pub const fn query(mut self, query: &'static [(&'static str, Param)]) -> Self {
        self.query = query;
        self
    }

    pub const fn requires(mut self, required: &'static [&'static str]) -> Self {
        self.required = required;
        self
    }

    pub const fn body(mut self, body: BodyKind) -> Self {
        self.body = body;
        self
    }

    pub const fn download(mut self) -> Self {
        self.download = true;
        self
    }
}

/// A request the table admits: the upstream path's segments (already safe) and its query,
/// as validated (decoded) pairs to be encoded again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub segments: Vec<String>,
    pub query: Vec<(&'static str, String)>,
    pub body: BodyKind,
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

/// Matches `path` (below the gateway's mount, as sent) and `query` against `table`, for
/// organisation `org`.
pub fn route(
    table: &[Spec],
    method: &Method,
    path: &str,
    query: Option<&str>,
    org: &str,
) -> Result<Route, Refused> {
    let sent: Vec<&str> = path.split('/').collect();
    let mut shape_matched = false;
    for spec in table {
        if !matches(spec.path, &sent, org) {
            continue;
        }
        shape_matched = true;
        if spec.method != method {
            continue;
        }
        let query = query_pairs(query, spec.query)?;
        if !spec
            .required
            .iter()
            .all(|name| query.iter().any(|(k, _)| k == name))
        {
            return Err(Refused::Query);
        }
        return Ok(Route {
            segments: sent.iter().map(|s| (*s).to_owned()).collect(),
            query,
            body: spec.body,
            download: spec.download,
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
            Part::Word(w) => s == w,
            Part::Org => is_number(s) && *s == org,
            Part::Number => is_number(s),
            Part::Id => is_id(s),
            Part::Uuid => is_uuid(s),
        })
}

fn is_number(s: &str) -> bool {
    (1..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_id(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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

fn value(kind: Param, sent: &str) -> Option<String> {
    match kind {
        Param::Number => is_number(sent).then(|| sent.to_owned()),
        Param::Id => is_id(sent).then(|| sent.to_owned()),
        Param::OneOf(words) => words.contains(&sent).then(|| sent.to_owned()),
        Param::ListOf(words) => sent
            .split(',')
            .all(|w| words.contains(&w))
            .then(|| sent.to_owned()),
        Param::Cursor => cursor(sent),
    }
}

/// The query as validated pairs: only the route's parameters, each once.
fn query_pairs(
    query: Option<&str>,
    params: &[(&'static str, Param)],
) -> Result<Vec<(&'static str, String)>, Refused> {
    let mut pairs: Vec<(&'static str, String)> = Vec::new();
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, sent) = pair.split_once('=').ok_or(Refused::Query)?;
        let (name, kind) = params
            .iter()
            .find(|(name, _)| *name == key)
            .ok_or(Refused::Query)?;
        match value(*kind, sent) {
            Some(v) if !pairs.iter().any(|(k, _)| k == name) => pairs.push((name, v)),
            _ => return Err(Refused::Query),
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Part::{Id, Number, Org, Uuid, Word};

    const TABLE: &[Spec] = &[
        Spec::new(
            Method::GET,
            &[Word("org"), Org, Word("t"), Number, Word("")],
        )
        .query(&[("page", Param::Number), ("cursor", Param::Cursor)]),
        Spec::new(
            Method::POST,
            &[Word("org"), Org, Word("t"), Number, Word("")],
        )
        .body(BodyKind::Json),
        Spec::new(Method::GET, &[Word("ref"), Id]).query(&[
            ("plain", Param::OneOf(&["true", "false"])),
            ("types", Param::ListOf(&["a", "b"])),
        ]),
        Spec::new(Method::GET, &[Word("f"), Uuid, Word("download")]).download(),
    ];

    fn get(path: &str, query: Option<&str>) -> Result<Route, Refused> {
        route(TABLE, &Method::GET, path, query, "1")
    }

    #[test]
    fn routes_of_the_table_are_taken_as_sent() {
        let r = get("org/1/t/42/", Some("page=2&cursor=cD0y%3D")).unwrap();
        assert_eq!(r.segments, ["org", "1", "t", "42", ""]);
        assert_eq!(
            r.query,
            [("page", "2".to_owned()), ("cursor", "cD0y=".to_owned())]
        );
        assert_eq!(
            route(TABLE, &Method::POST, "org/1/t/42/", None, "1")
                .unwrap()
                .body,
            BodyKind::Json
        );
        assert!(get("ref/INC-000047", Some("plain=true&types=a,b")).is_ok());
        assert!(
            get("f/0f8fad5b-d9cb-469f-a165-70867728950e/download", None)
                .unwrap()
                .download
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for path in [
            "org/2/t/42/",
            "org/1/t/42",
            "org/1/t/4a/",
            "org/1/t/%34%32/",
            "org/1/t/%2e%2e/",
            "org/1/../t/42/",
            "org/1/t/42;x=1/",
            "ref/INC.47",
            "ref/a%2fb",
            "ref/..",
            "f/not-a-uuid/download",
            "",
        ] {
            assert_eq!(get(path, None), Err(Refused::NotFound), "{path}");
        }
        assert_eq!(
            route(TABLE, &Method::DELETE, "org/1/t/42/", None, "1"),
            Err(Refused::Method)
        );
        for query in [
            "page=1&page=2",
            "token=x",
            "page=1%0d",
            "page=",
            "page",
            "cursor=%zz",
            "cursor=a%26b",
            "cursor=a%2f%2e%2e",
        ] {
            assert_eq!(
                get("org/1/t/42/", Some(query)),
                Err(Refused::Query),
                "{query}"
            );
        }
        for query in ["plain=maybe", "types=a,c", "types="] {
            assert_eq!(get("ref/X1", Some(query)), Err(Refused::Query), "{query}");
        }
    }
}
