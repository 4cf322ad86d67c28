//! The sanitizer against the public attack corpus (tests/fixtures/xss-public.jsonl: DOMPurify's
//! fixtures, OWASP's cheat sheet, html5sec, the mXSS cheat sheet, ammonia's own tests). Each
//! output is parsed again with html5ever, independently of the sanitizer, and walked: nothing
//! script-capable may survive. Fidelity fixtures check that real email keeps its meaning.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[path = "support/script_free.rs"]
mod script_free;

use script_free::{canonical, findings};
use threadline_core::html::{sanitize, sanitize_email, EmailOptions, RemoteImages};

struct Vector {
    id: String,
    html: String,
}

/// The corpus, inside the repository (see the README beside it).
const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/xss-public.jsonl"
);

/// Reads a corpus file; a missing or unreadable one is an error that says what the file is and
/// how to get it back, and a line that is not a vector names its line number.
fn load_corpus(path: &str) -> Result<Vec<Vector>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "the public attack corpus is missing ({path}: {e}). It is part of the repository \
             (crates/core/tests/fixtures/xss-public.jsonl, described in the README beside it); \
             restore it with `git checkout -- crates/core/tests/fixtures/xss-public.jsonl`"
        )
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            let v: serde_json::Value = serde_json::from_str(l)
                .map_err(|e| format!("{path}:{}: not a JSON vector: {e}", n + 1))?;
            match (v["id"].as_str(), v["html"].as_str()) {
                (Some(id), Some(html)) => Ok(Vector {
                    id: id.to_owned(),
                    html: html.to_owned(),
                }),
                _ => Err(format!(
                    "{path}:{}: a vector needs \"id\" and \"html\"",
                    n + 1
                )),
            }
        })
        .collect()
}

fn corpus() -> Vec<Vector> {
    load_corpus(CORPUS).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_renamed_corpus_fails_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("threadline-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let kept = dir.join("xss-public.jsonl");
    std::fs::copy(CORPUS, &kept).unwrap();
    let renamed = dir.join("xss-public.jsonl.old");
    std::fs::rename(&kept, &renamed).unwrap();
    let error = load_corpus(kept.to_str().unwrap()).err().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        error.starts_with("the public attack corpus is missing"),
        "{error}"
    );
    assert!(
        error.contains("git checkout -- crates/core/tests/fixtures/xss-public.jsonl"),
        "{error}"
    );
}

#[test]
fn the_public_corpus_is_all_there() {
    let vectors = corpus();
    assert!(vectors.len() >= 500, "only {} vectors", vectors.len());
}

#[test]
fn nothing_script_capable_survives_any_public_attack_vector() {
    let mut failures = Vec::new();
    for v in corpus() {
        for (mode, output) in [
            ("blocked", sanitize(&v.html).as_str().to_owned()),
            (
                "shown",
                sanitize_email(
                    &v.html,
                    &EmailOptions {
                        remote_images: RemoteImages::Show,
                        ..EmailOptions::default()
                    },
                )
                .html
                .as_str()
                .to_owned(),
            ),
        ] {
            let found = findings(&output);
            if !found.is_empty() {
                failures.push(format!("{} ({mode}): {found:?}\n  output: {output}", v.id));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} findings:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn sanitizing_twice_changes_nothing_for_any_vector() {
    let mut failures = Vec::new();
    for v in corpus() {
        let once = sanitize(&v.html);
        let twice = sanitize(once.as_str());
        if canonical(once.as_str()) != canonical(twice.as_str()) {
            failures.push(format!(
                "{}:\n  once:  {}\n  twice: {}",
                v.id,
                once.as_str(),
                twice.as_str()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} vectors mutate on a second pass (an mXSS sign):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_checker_itself_catches_what_it_must() {
    // The independent check must fail on raw attacks, or the corpus test proves nothing.
    for raw in [
        "<img src=x onerror=alert(1)>",
        "<a href=\"java\tscript:alert(1)\">x</a>",
        "<svg><script>alert(1)</script></svg>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<img src=\"/api/close\">",
        "<form><input name=p></form>",
        "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
        "<p id=config>x</p>",
    ] {
        assert!(!findings(raw).is_empty(), "the checker missed {raw}");
    }
}

/// Real email shapes whose meaning must survive: (name, html, fragments that must remain).
const FIDELITY: &[(&str, &str, &[&str])] = &[
    (
        "newsletter table with colours and alignment",
        r##"<table width="600" cellpadding="8" cellspacing="0" style="border-collapse:collapse;border:1px solid #ddd"><tr><td align="center" bgcolor="#0b7a5a" style="color:#ffffff;font-family:Arial,sans-serif;font-size:18px;padding:12px">Order A-2209</td></tr><tr><td style="text-align:right;border-top:2px solid #0b7a5a"><strong>USD 588.00</strong></td></tr></table>"##,
        // Its dark band goes and its white text is darkened to stay legible on the paper.
        &["<table", "width=\"600\"", "border-collapse:collapse", "<td align=\"center\" style=\"color:#686868;", "font-size:18px", "text-align:right", "border-top:2px solid #0b7a5a", "<strong>USD 588.00</strong>"],
    ),
    (
        "Gmail reply with quoted history",
        r#"<div dir="ltr">Thanks!<br></div><br><div class="gmail_quote"><div dir="ltr">On Mon, Apr 29, 2024 at 9:12 AM Acme &lt;<a href="mailto:billing@acme.example">billing@acme.example</a>&gt; wrote:<br></div><blockquote style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Your invoice is ready.</blockquote></div>"#,
        &["<div dir=\"ltr\">Thanks!", "<blockquote", "border-left:1px solid rgb(204, 204, 204)", "padding-left:1ex", "Your invoice is ready.", "href=\"mailto:billing@acme.example\""],
    ),
    (
        "Outlook paragraphs, fonts and lists",
        r##"<p class="MsoNormal" style="margin:0cm;font-family:Calibri,sans-serif;font-size:11pt">Steps:</p><ol start="3"><li>Open <em>Settings</em></li><li><span style="color:#c00000;font-weight:bold">Reset</span></li></ol><ul><li>one</li></ul><font face="Calibri" color="#000000" size="2">From: Acme</font><hr>"##,
        &["font-family:Calibri", "sans-serif", "font-size:11pt", "<ol start=\"3\">", "<em>Settings</em>", "color:#c00000", "font-weight:bold", "<ul><li>one</li></ul>", "<font face=\"Calibri\" color=\"#000000\" size=\"2\">", "<hr>"],
    ),
    (
        "signature with a link and an image",
        r#"<p>--<br>Sam Rivera · <a href="https://acme.example/support">acme.example/support</a></p><img src="https://acme.example/logo.png" alt="Acme" width="80">"#,
        &["Sam Rivera", "<a href=\"https://acme.example/support\" target=\"_blank\" rel=\"noopener noreferrer\">", "alt=\"Acme\"", "width=\"80\""],
    ),
];

#[test]
fn real_email_keeps_its_meaning() {
    for (name, html, must_keep) in FIDELITY {
        let out = sanitize_email(
            html,
            &EmailOptions {
                remote_images: RemoteImages::Show,
                ..EmailOptions::default()
            },
        );
        for fragment in *must_keep {
            assert!(
                out.html.as_str().contains(fragment),
                "{name}: lost {fragment:?} in\n{}",
                out.html.as_str()
            );
        }
        assert!(findings(out.html.as_str()).is_empty(), "{name}");
    }
}
