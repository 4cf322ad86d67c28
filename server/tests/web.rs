//! The app's files as the server serves them: every page carries a strict
//! Content-Security-Policy that admits Trunk's inline loader by its hash and nothing else inline.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use base64::Engine;
use sha2::Digest;

#[tokio::test]
async fn pages_carry_a_policy_that_admits_only_the_built_loader() {
    let dist = tempfile::tempdir().unwrap();
    let loader = "import init from '/app.js';await init();";
    std::fs::write(
        dist.path().join("index.html"),
        format!("<!DOCTYPE html><html><head><script type=\"module\">{loader}</script></head><body></body></html>"),
    )
    .unwrap();
    let dist_path = dist.path().to_owned();
    let s = common::start_with(move |o| o.dist = Some(dist_path)).await;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader));
    for path in ["/", "/tickets/2", "/config.json"] {
        let resp = s
            .client
            .get(format!("{}{path}", s.root))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{path}");
        let policy = resp
            .headers()
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path} has no policy"))
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            policy.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';"
            )),
            "{path}: {policy}"
        );
        assert!(
            !policy.contains("script-src 'self' 'unsafe-inline'"),
            "{policy}"
        );
        assert!(policy.contains("connect-src 'self'") && policy.contains("object-src 'none'"));
    }
}

/// The build writes a brotli and a gzip twin beside each file; the server sends the one the
/// browser accepts, says so, and tells caches that the answer depends on it. Hashed names are
/// kept for a year; the page and the embed loader are asked for again every time.
#[tokio::test]
async fn files_go_compressed_as_accepted_and_cached_by_their_names() {
    let dist = tempfile::tempdir().unwrap();
    let d = dist.path();
    std::fs::write(d.join("index.html"), "<!DOCTYPE html><title>t</title>").unwrap();
    std::fs::create_dir_all(d.join("public")).unwrap();
    let app = "threadline-0123456789abcdef.js";
    for (name, body) in [
        (app.to_owned(), "plain js"),
        (format!("{app}.br"), "brotli bytes"),
        (format!("{app}.gz"), "gzip bytes"),
        ("public/embed.js".to_owned(), "loader"),
        ("public/embed.js.br".to_owned(), "loader, brotli"),
    ] {
        std::fs::write(d.join(name), body).unwrap();
    }
    let dist_path = d.to_owned();
    let s = common::start_with(move |o| o.dist = Some(dist_path)).await;
    let get = |path: &str, accept: &'static str| {
        let request = s.client.get(format!("{}{path}", s.root));
        let request = if accept.is_empty() {
            request
        } else {
            request.header("accept-encoding", accept)
        };
        request.send()
    };
    let year = "public, max-age=31536000, immutable";
    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("", None, "plain js"),
    ] {
        let resp = get(&format!("/{app}"), accept).await.unwrap();
        assert_eq!(resp.status(), 200, "{accept}");
        let h = resp.headers().clone();
        assert_eq!(
            h.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(h["cache-control"], year, "{accept}");
        let vary: Vec<_> = h
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert!(
            vary.iter().any(|v| v.contains("Accept-Encoding")),
            "{vary:?}"
        );
        assert_eq!(resp.text().await.unwrap(), body, "{accept}");
    }
    let loader = get("/public/embed.js", "br").await.unwrap();
    assert_eq!(loader.headers()["content-encoding"], "br");
    assert_eq!(loader.headers()["cache-control"], "no-cache");
    for page in ["/", "/tickets/2", "/threadline-fedcba9876543210.js"] {
        let resp = get(page, "br").await.unwrap();
        assert_eq!(resp.headers()["cache-control"], "no-cache", "{page}");
    }
}
