//! The upstream's links in its JSON answers (`next`, `previous`, `download_url`), absolute or
//! relative to its host, made to point at the gateway. Only those fields are touched, so a
//! message whose text happens to start with the upstream's path stays as written.

use serde_json::Value;

/// Fields that hold the upstream's links.
const LINK_FIELDS: [&str; 4] = ["next", "previous", "download_url", "url"];

/// `body` with its links moved under `public_prefix`; a body that is not JSON is returned as
/// it came.
pub fn rewrite_links(body: &[u8], base: &reqwest::Url, public_prefix: &str) -> Vec<u8> {
    let Ok(mut doc) = serde_json::from_slice::<Value>(body) else {
        return body.to_vec();
    };
    let absolute = format!("{}/", base.as_str().trim_end_matches('/'));
    let path = format!("{}/", base.path().trim_end_matches('/'));
    let public = format!("{public_prefix}/");
    let rewrite = |link: &str| -> Option<String> {
        link.strip_prefix(&absolute)
            .or_else(|| link.strip_prefix(&path).filter(|_| path != "/"))
            .map(|rest| format!("{public}{rest}"))
    };
    walk(&mut doc, &rewrite);
    serde_json::to_vec(&doc).unwrap_or_else(|_| body.to_vec())
}

fn walk(value: &mut Value, rewrite: &impl Fn(&str) -> Option<String>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                match field {
                    Value::String(link) if LINK_FIELDS.contains(&key.as_str()) => {
                        if let Some(moved) = rewrite(link) {
                            *link = moved;
                        }
                    }
                    other => walk(other, rewrite),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, rewrite)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_link_fields_under_the_upstream_root_move() {
        let base = reqwest::Url::parse("https://api.initdesk.example/v1").unwrap();
        let body = br#"{"next": "https://api.initdesk.example/v1/organizations/1/tickets/?page=2",
            "previous": null,
            "results": [{"content": "/v1/x stays", "attachments": [
                {"download_url": "/v1/organizations/1/attachments/a/download/"},
                {"download_url": "https://elsewhere.example/v1/file"}]}]}"#;
        let out: Value =
            serde_json::from_slice(&rewrite_links(body, &base, "/gateway/initdesk")).unwrap();
        assert_eq!(
            out["next"],
            "/gateway/initdesk/organizations/1/tickets/?page=2"
        );
        assert_eq!(out["results"][0]["content"], "/v1/x stays");
        assert_eq!(
            out["results"][0]["attachments"][0]["download_url"],
            "/gateway/initdesk/organizations/1/attachments/a/download/"
        );
        assert_eq!(
            out["results"][0]["attachments"][1]["download_url"],
            "https://elsewhere.example/v1/file"
        );
        assert_eq!(rewrite_links(b"not json", &base, "/g"), b"not json");
    }
}
