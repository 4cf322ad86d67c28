//! The upstream helpdesk as the gateway calls it: every request it makes is a route of its
//! dialect's table ([`super::dialects`]), on the configured root, with the organisation's
//! credential in the headers that dialect documents.

use axum::http::{HeaderName, HeaderValue};

use super::dialects::{self, Dialect};
use super::routes::{self, Refused, Route};
use super::GatewayOptions;

/// The upstream helpdesk's dialect, client, root, credential and organisation.
#[derive(Clone)]
pub struct Upstream {
    dialect: &'static Dialect,
    /// The upstream API root, parsed once: URLs are this plus validated segments.
    base: reqwest::Url,
    client: reqwest::Client,
    credential: Vec<(HeaderName, HeaderValue)>,
    organization_id: String,
}

impl Upstream {
    pub fn new(options: &GatewayOptions) -> Result<Self, String> {
        if !(1..=18).contains(&options.organization_id.len())
            || !options.organization_id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(format!(
                "--organization-id {:?}: the organisation's numeric id",
                options.organization_id
            ));
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .map_err(|e| format!("cannot build the upstream client: {e}"))?;
        let dialect = dialects::named(options.upstream_dialect.as_deref().unwrap_or("initdesk"))?;
        Ok(Self {
            dialect,
            base: upstream_base(&options.upstream)?,
            client,
            credential: dialects::credential_headers(dialect, options)?,
            organization_id: options.organization_id.clone(),
        })
    }

    /// What the gateway knows of the upstream's dialect.
    pub fn dialect(&self) -> &'static Dialect {
        self.dialect
    }

    /// The organisation the gateway serves.
    pub fn organization_id(&self) -> &str {
        &self.organization_id
    }

    /// A request for `path` (below the API root) and `query`, if the table admits them.
    pub(crate) fn request(
        &self,
        method: &axum::http::Method,
        path: &str,
        query: Option<&str>,
    ) -> Result<(reqwest::RequestBuilder, Route), Refused> {
        let route = routes::route(
            self.dialect.table,
            method,
            path,
            query,
            &self.organization_id,
        )?;
        let url = upstream_url(&self.base, &route).ok_or(Refused::NotFound)?;
        let builder = self.credential.iter().fold(
            self.client.request(method.clone(), url),
            |b, (name, value)| b.header(name, value),
        );
        Ok((builder, route))
    }
}

impl Upstream {
    /// The configured root, for pointing the upstream's links at the gateway.
    pub(crate) fn base(&self) -> &reqwest::Url {
        &self.base
    }
}

/// The upstream API root as a URL the gateway can extend: http(s), no query or fragment.
pub(super) fn upstream_base(upstream: &str) -> Result<reqwest::Url, String> {
    let url = reqwest::Url::parse(upstream)
        .map_err(|e| format!("--upstream {upstream:?} is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https")
        || url.cannot_be_a_base()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(format!(
            "--upstream {upstream:?}: give the API root as http(s)://host/path, without query"
        ));
    }
    Ok(url)
}

/// The upstream URL of an admitted route: the configured root, the route's validated
/// segments, and its validated query re-encoded.
/// `None` only for a root that cannot take a path, which [`upstream_base`] refuses at start.
fn upstream_url(base: &reqwest::Url, route: &Route) -> Option<reqwest::Url> {
    let mut url = base.clone();
    url.path_segments_mut()
        .ok()?
        .pop_if_empty()
        .extend(&route.segments);
    if !route.query.is_empty() {
        url.query_pairs_mut()
            .extend_pairs(route.query.iter().map(|(k, v)| (*k, v.as_str())));
    }
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_must_be_an_http_url_without_query() {
        assert!(upstream_base("https://api.initdesk.example/api/v1").is_ok());
        for bad in [
            "ftp://x.example/api",
            "mailto:a@b.example",
            "https://x.example/api?token=1",
            "https://x.example/api#x",
            "not a url",
        ] {
            assert!(upstream_base(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_are_the_root_and_the_route_s_parts() {
        let base = upstream_base("https://api.example/v1/").unwrap();
        let route = routes::route(
            &[routes::Spec::new(
                axum::http::Method::GET,
                &[
                    routes::Part::Word("organizations"),
                    routes::Part::Org,
                    routes::Part::Word("tickets"),
                    routes::Part::Word(""),
                ],
            )
            .query(&[
                ("page", routes::Param::Number),
                ("cursor", routes::Param::Cursor),
            ])],
            &axum::http::Method::GET,
            "organizations/1/tickets/",
            Some("page=2&cursor=cD0x%3D"),
            "1",
        )
        .unwrap();
        assert_eq!(
            upstream_url(&base, &route).unwrap().as_str(),
            "https://api.example/v1/organizations/1/tickets/?page=2&cursor=cD0x%3D"
        );
    }
}
