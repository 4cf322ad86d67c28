//! The sanitizer against the public attack corpus (shared/fixtures/xss-public.jsonl: DOMPurify's
//! fixtures, OWASP's cheat sheet, html5sec, the mXSS cheat sheet, ammonia's own tests). Each
//! output is parsed again with html5ever, independently of the sanitizer, and walked: nothing
//! script-capable may survive. Fidelity fixtures check that real email keeps its meaning.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use html5ever::tendril::TendrilSink;
use html5ever::{local_name, ns, parse_fragment, ParseOpts, QualName};
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use threadline_core::html::{sanitize, sanitize_email, EmailOptions, RemoteImages};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/xss-public.jsonl"
);

/// Elements that can run script, load active content, submit data or escape the message.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "option",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
    "portal",
    "audio",
    "video",
    "source",
    "track",
    "canvas",
    "dialog",
    "title",
    "animate",
    "set",
    "image",
    "use",
    "foreignobject",
    "isindex",
    "keygen",
    "marquee",
    "bgsound",
];

/// Attributes that must never appear (DOM clobbering, URL carriers we do not check).
const FORBIDDEN_ATTRIBUTES: &[&str] = &[
    "id",
    "name",
    "class",
    "form",
    "formaction",
    "action",
    "srcset",
    "background",
    "poster",
    "xlink:href",
    "ping",
    "cite",
    "data",
    "codebase",
    "dynsrc",
    "lowsrc",
    "srcdoc",
    "is",
    "autofocus",
    "contenteditable",
];

struct Vector {
    id: String,
    html: String,
}

fn corpus() -> Vec<Vector> {
    let text = std::fs::read_to_string(CORPUS)
        .unwrap_or_else(|e| panic!("{CORPUS}: {e} (shared/ must sit beside the project)"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            Vector {
                id: v["id"].as_str().unwrap().to_owned(),
                html: v["html"].as_str().unwrap().to_owned(),
            }
        })
        .collect()
}

fn parse(html: &str) -> RcDom {
    let context = QualName::new(None, ns!(html), local_name!("div"));
    parse_fragment(
        RcDom::default(),
        ParseOpts::default(),
        context,
        vec![],
        false,
    )
    .one(html)
}

/// Every problem in a sanitized output, found by walking its parse tree.
fn findings(output: &str) -> Vec<String> {
    let dom = parse(output);
    let mut found = Vec::new();
    // Iterative: the corpus nests 60,000 elements deep.
    let mut stack: Vec<Handle> = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        check_node(&node, &mut found);
        stack.extend(node.children.borrow().iter().cloned());
    }
    found
}

fn check_node(node: &Handle, found: &mut Vec<String>) {
    if let NodeData::Element {
        name,
        attrs,
        template_contents,
        ..
    } = &node.data
    {
        let tag: &str = &name.local;
        // The fragment parser wraps the result in an <html> element of its own.
        if tag != "html" {
            if name.ns != ns!(html) {
                found.push(format!("<{tag}> in a foreign namespace"));
            }
            if FORBIDDEN_ELEMENTS.contains(&tag.to_ascii_lowercase().as_str()) {
                found.push(format!("<{tag}>"));
            }
        }
        for attr in attrs.borrow().iter() {
            let attr_name = attr.name.local.to_string().to_ascii_lowercase();
            let value = attr.value.to_string();
            if attr_name.starts_with("on") || FORBIDDEN_ATTRIBUTES.contains(&attr_name.as_str()) {
                found.push(format!("<{tag} {attr_name}>"));
            }
            if attr_name == "href" || attr_name == "src" {
                if let Some(problem) = url_problem(tag, &attr_name, &value) {
                    found.push(format!("<{tag} {attr_name}={value:?}>: {problem}"));
                }
            }
            if attr_name == "style" {
                if let Some(bad) = style_problem(&value) {
                    found.push(format!("<{tag} style={value:?}>: {bad}"));
                }
            }
        }
        if template_contents.borrow().is_some() {
            found.push(format!("<{tag}> with template contents"));
        }
    }
}

/// What is wrong with an inline style: anything that loads, runs or positions, anywhere in it;
/// and CSS escapes outside strings (they could spell any of that) except in `font-family`.
fn style_problem(style: &str) -> Option<&'static str> {
    let squeezed: String = style
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for bad in [
        "url(",
        "expression",
        "javascript",
        "position:",
        "behavior",
        "binding",
        "@import",
        "image-set",
    ] {
        if squeezed.contains(bad) {
            return Some(bad);
        }
    }
    // Outside "…" and '…' strings, a backslash is only acceptable in a font-family declaration.
    let mut outside = String::new();
    let mut in_string = None;
    let mut escaped = false;
    for c in style.chars() {
        match in_string {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => in_string = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => in_string = Some(c),
            None => outside.push(c),
        }
    }
    let escapes_outside_font_family = outside.split(';').any(|d| {
        d.contains('\\')
            && !d
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("font-family")
    });
    escapes_outside_font_family.then_some("a CSS escape")
}

/// What is wrong with a URL attribute, if anything. Browsers ignore leading/trailing spaces
/// and tabs or newlines inside the scheme, so those are removed before looking.
fn url_problem(tag: &str, attr: &str, value: &str) -> Option<&'static str> {
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|c| !c.is_ascii_control() && *c != ' ')
        .collect();
    let lower = cleaned.to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s).filter(|s| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    match scheme {
        None => Some("a relative URL would hit our own origin"),
        Some("http" | "https" | "mailto") => None,
        Some("data") if tag == "img" && attr == "src" => {
            let raster = [
                "data:image/png",
                "data:image/gif",
                "data:image/jpeg",
                "data:image/jpg",
                "data:image/webp",
                "data:image/bmp",
            ];
            (!raster.iter().any(|p| lower.starts_with(p))).then_some("a non-raster data: image")
        }
        Some(_) => Some("a scheme that is not allowed"),
    }
}

/// The parse tree as text with each element's attributes sorted: attribute order is not meaning.
fn canonical(html: &str) -> String {
    enum Step {
        Open(Handle),
        Close(String),
    }
    let dom = parse(html);
    let mut out = String::new();
    let mut steps = vec![Step::Open(dom.document.clone())];
    while let Some(step) = steps.pop() {
        let node = match step {
            Step::Close(tag) => {
                out.push_str(&format!("</{tag}>"));
                continue;
            }
            Step::Open(node) => node,
        };
        match &node.data {
            NodeData::Element { name, attrs, .. } => {
                let mut pairs: Vec<String> = attrs
                    .borrow()
                    .iter()
                    .map(|a| format!("{}={:?}", a.name.local, a.value.to_string()))
                    .collect();
                pairs.sort();
                out.push_str(&format!("<{} {}>", name.local, pairs.join(" ")));
                steps.push(Step::Close(name.local.to_string()));
            }
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            _ => {}
        }
        steps.extend(node.children.borrow().iter().rev().cloned().map(Step::Open));
    }
    out
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
        &["<table", "width=\"600\"", "border-collapse:collapse", "bgcolor=\"#0b7a5a\"", "color:#ffffff", "font-size:18px", "text-align:right", "border-top:2px solid #0b7a5a", "<strong>USD 588.00</strong>"],
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
