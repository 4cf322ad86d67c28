//! An independent check that sanitized HTML is script-free: the output is parsed again with
//! html5ever, as a browser would parse it, and its tree walked. Shared by the sanitizer corpus
//! test and the fuzz targets (`fuzz/`), which include this file by path.

use html5ever::tendril::TendrilSink;
use html5ever::{local_name, ns, parse_fragment, ParseOpts, QualName};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

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
pub fn findings(output: &str) -> Vec<String> {
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
pub fn canonical(html: &str) -> String {
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
