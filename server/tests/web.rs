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
