//! Plain descriptions of HTTP exchanges. Dialects build [`HttpRequest`]s and parse
//! [`HttpResponse`]s; only the app's transport (or a test) performs them.

/// HTTP method of a request description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method's name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// What a request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Empty,
    /// A JSON document, already serialised.
    Json(String),
    /// A multipart/form-data upload of one file. The transport supplies the bytes (a browser
    /// `File`, say) under `field`; the dialect only decides the field name.
    File {
        field: String,
    },
}

/// A request to perform: method, absolute URL, headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl HttpRequest {
    /// A short fingerprint of where this request goes and with which credential (its URL and
    /// headers, FNV-1a): what the browser keeps about one backend and token is filed under
    /// it, so another deployment or a rotated token starts afresh. Not a secret's hash for
    /// anyone to check: only a key.
    pub fn fingerprint(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let parts = std::iter::once(self.url.as_str()).chain(
            self.headers
                .iter()
                .flat_map(|(k, v)| [k.as_str(), v.as_str()]),
        );
        for part in parts {
            for byte in part.bytes().chain(std::iter::once(0)) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }

    /// The first header with this name (case-insensitive), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// A response as received: status, headers and the body as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    /// A response with a status and a body and no headers (handy in tests).
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header (builder style).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The first header with this name (case-insensitive), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str, token: &str) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            url: url.to_owned(),
            headers: vec![("X-Initdesk-Token".to_owned(), token.to_owned())],
            body: Body::Empty,
        }
    }

    #[test]
    fn a_fingerprint_tells_backends_and_credentials_apart() {
        let a = request("https://a.example/api/", "t1").fingerprint();
        assert_eq!(a, request("https://a.example/api/", "t1").fingerprint());
        assert_eq!(a.len(), 16);
        assert_ne!(a, request("https://b.example/api/", "t1").fingerprint());
        assert_ne!(a, request("https://a.example/api/", "t2").fingerprint());
        // Parts are separated: moving a byte between URL and header changes it.
        assert_ne!(
            request("https://a.example/api/x", "1").fingerprint(),
            request("https://a.example/api/", "x1").fingerprint()
        );
    }
}
