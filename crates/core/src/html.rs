//! The one sanitizer. Untrusted HTML (email bodies, composed replies) becomes [`SafeHtml`]
//! only here, through an explicit email-safe ammonia policy; the app's single `inner_html`
//! accepts nothing else.
//!
//! The policy keeps what makes email readable (tables, images, lists, quotes, safe inline
//! styles) and drops everything script-capable, forms, `<base>`/`<meta>`/`<link>`, relative
//! URLs (they would hit our own origin), url-bearing CSS and positioning that could escape the
//! message's box. See shared/SECURITY-NOTES.md for why each rule is here.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ammonia::{Builder, UrlRelative};

/// HTML that has passed the sanitizer. It can only be made by this module.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// The sanitized markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Plain text as HTML: escaped, line breaks kept as `<br>`.
    pub fn from_plain_text(text: &str) -> SafeHtml {
        let mut out = String::with_capacity(text.len() + 16);
        for (i, line) in text.replace("\r\n", "\n").split('\n').enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            out.push_str(&escape_text(line));
        }
        SafeHtml(out)
    }
}

/// Sanitizes untrusted HTML with the email policy.
pub fn sanitize(html: &str) -> SafeHtml {
    SafeHtml(policy().clean(html).to_string())
}

/// Escapes text for use inside an element.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const TAGS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements removed together with their content (their text is not message text).
const REMOVE_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "title",
    "head",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "xmp",
    "noembed",
    "noframes",
    "plaintext",
    "select",
    "textarea",
    "button",
    "frameset",
    "canvas",
    "audio",
    "video",
];

/// Attributes allowed on every allowed element. No `id`, `name` or `class`: they could clobber
/// the app's DOM ids or pick up the app's own CSS.
const GENERIC_ATTRIBUTES: &[&str] = &[
    "style", "title", "dir", "lang", "align", "valign", "width", "height", "bgcolor",
];

const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    ("img", &["src", "alt"]),
    ("td", &["colspan", "rowspan", "nowrap"]),
    ("th", &["colspan", "rowspan", "nowrap", "scope"]),
    (
        "table",
        &["border", "cellpadding", "cellspacing", "summary"],
    ),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("font", &["color", "face", "size"]),
    ("ol", &["start", "type", "reversed"]),
    ("ul", &["type"]),
    ("li", &["value", "type"]),
    ("bdo", &["dir"]),
    ("del", &["datetime"]),
    ("ins", &["datetime"]),
];

/// Inline CSS properties kept. Nothing that takes `url()` (background, background-image,
/// list-style, border-image, content, cursor, filter, mask) and nothing that positions an
/// element outside its box (position, z-index, inset, transform).
const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "font-variant",
    "text-align",
    "text-decoration",
    "text-decoration-color",
    "text-decoration-line",
    "text-transform",
    "text-indent",
    "line-height",
    "letter-spacing",
    "word-spacing",
    "white-space",
    "word-break",
    "overflow-wrap",
    "word-wrap",
    "vertical-align",
    "direction",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-top-color",
    "border-right-color",
    "border-bottom-color",
    "border-left-color",
    "border-top-style",
    "border-right-style",
    "border-bottom-style",
    "border-left-style",
    "border-top-width",
    "border-right-width",
    "border-bottom-width",
    "border-left-width",
    "border-radius",
    "border-collapse",
    "border-spacing",
    "width",
    "min-width",
    "max-width",
    "height",
    "min-height",
    "max-height",
    "table-layout",
    "caption-side",
    "empty-cells",
    "list-style-type",
    "list-style-position",
    "display",
    "float",
    "clear",
    "opacity",
];

fn policy() -> &'static Builder<'static> {
    static POLICY: OnceLock<Builder<'static>> = OnceLock::new();
    POLICY.get_or_init(|| {
        let tag_attributes: HashMap<&str, HashSet<&str>> = TAG_ATTRIBUTES
            .iter()
            .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
            .collect();
        let mut b = Builder::empty();
        b.tags(TAGS.iter().copied().collect())
            .clean_content_tags(REMOVE_WITH_CONTENT.iter().copied().collect())
            .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
            .tag_attributes(tag_attributes)
            .url_schemes(["http", "https", "mailto", "cid"].into_iter().collect())
            .url_relative(UrlRelative::Deny)
            .link_rel(Some("noopener noreferrer"))
            .set_tag_attribute_value("a", "target", "_blank")
            .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
            .strip_comments(true);
        b
    })
}

/// The body of a message, ready to display: its HTML sanitized, else its text escaped.
pub fn message_body(message: &crate::model::Message) -> SafeHtml {
    match (&message.html, &message.text) {
        (Some(html), _) => sanitize(html),
        (None, Some(text)) => SafeHtml::from_plain_text(text),
        (None, None) => SafeHtml::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_handlers_are_removed() {
        let out = sanitize(
            r#"<p onclick="x()">hi<script>alert(1)</script></p><img src=x onerror=alert(1)>"#,
        );
        assert_eq!(out.as_str(), "<p>hi</p><img>");
    }

    #[test]
    fn email_layout_survives() {
        let html = r#"<table width="600" cellpadding="4" style="border-collapse: collapse"><tr><td style="color: #333; background-color: #eee; text-align: center">Cell</td></tr></table>"#;
        let out = sanitize(html);
        assert!(
            out.as_str().contains(
                r#"<table width="600" cellpadding="4" style="border-collapse:collapse">"#
            ),
            "{out:?}"
        );
        assert!(out.as_str().contains("color:#333"), "{out:?}");
        assert!(out.as_str().contains("text-align:center"), "{out:?}");
    }

    #[test]
    fn links_open_safely_in_a_new_tab() {
        let out = sanitize(r#"<a href="https://example.com/x">x</a>"#);
        assert!(
            out.as_str().contains(r#"rel="noopener noreferrer""#),
            "{out:?}"
        );
        assert!(out.as_str().contains(r#"target="_blank""#), "{out:?}");
    }

    #[test]
    fn dangerous_and_relative_urls_are_dropped() {
        for html in [
            r#"<a href="javascript:alert(1)">x</a>"#,
            r#"<a href="vbscript:msgbox(1)">x</a>"#,
            r#"<a href="/api/tickets/1/close">x</a>"#,
            r#"<img src="/api/tickets/123/close">"#,
            r#"<img src="data:text/html;base64,PHNjcmlwdD4=">"#,
        ] {
            let out = sanitize(html);
            assert!(
                !out.as_str().contains("href=") && !out.as_str().contains("src="),
                "{html} -> {out:?}"
            );
        }
    }

    #[test]
    fn cid_images_and_mailto_links_are_kept() {
        let out = sanitize(r#"<img src="cid:logo@x"><a href="mailto:a@b.c">m</a>"#);
        assert!(out.as_str().contains(r#"src="cid:logo@x""#), "{out:?}");
        assert!(out.as_str().contains(r#"href="mailto:a@b.c""#), "{out:?}");
    }

    #[test]
    fn css_cannot_escape_the_message_or_load_urls() {
        let out = sanitize(
            r#"<div style="position: fixed; top: 0; z-index: 9999; background-image: url(https://t.example/p.gif); color: red">x</div>"#,
        );
        assert_eq!(out.as_str(), r#"<div style="color:red">x</div>"#);
    }

    #[test]
    fn style_blocks_forms_and_document_tags_are_removed() {
        let out = sanitize(
            r#"<style>body{display:none}</style><base href="https://evil.example/"><meta http-equiv="refresh" content="0"><link rel=stylesheet href=x><form action=x><input name=p type=password></form>ok"#,
        );
        assert_eq!(out.as_str(), "ok");
    }

    #[test]
    fn cite_and_ids_are_dropped() {
        let out = sanitize(
            r#"<blockquote cite="javascript:x" id="app" class="tl-app" name="n">q</blockquote>"#,
        );
        assert_eq!(out.as_str(), "<blockquote>q</blockquote>");
    }

    #[test]
    fn sanitizing_is_idempotent_on_a_typical_email() {
        let html = r#"<div dir="ltr">Hi<br><div class="gmail_quote"><blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid">old</blockquote></div><img src="https://t.example/p.gif" width="1" height="1"></div>"#;
        let once = sanitize(html);
        assert_eq!(sanitize(once.as_str()), once);
    }

    #[test]
    fn deep_nesting_neither_crashes_nor_hangs() {
        let html = format!("{}x{}", "<div>".repeat(5000), "</div>".repeat(5000));
        let out = sanitize(&html);
        assert!(out.as_str().contains('x'));
    }

    #[test]
    fn plain_text_is_escaped_with_line_breaks() {
        let out = SafeHtml::from_plain_text("a < b\r\n<script>x</script>\nend");
        assert_eq!(
            out.as_str(),
            "a &lt; b<br>&lt;script&gt;x&lt;/script&gt;<br>end"
        );
    }
}
