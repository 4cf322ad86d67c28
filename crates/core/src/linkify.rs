//! Turns URLs and email addresses in plain text into links, escaping everything else. Its
//! output goes into [`crate::html::SafeHtml`] directly, so it only ever emits `http(s):` and
//! `mailto:` links with escaped attribute values.

use crate::email::is_valid_email;
use crate::html::escape_text;

/// Appends `line`, escaped, with its URLs and email addresses as links.
pub(crate) fn push_linked(out: &mut String, line: &str) {
    let mut rest = line;
    while let Some((start, end, href)) = next_link(rest) {
        out.push_str(&escape_text(&rest[..start]));
        let text = &rest[start..end];
        out.push_str(&format!(
            r#"<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>"#,
            escape_text(&href),
            escape_text(text)
        ));
        rest = &rest[end..];
    }
    out.push_str(&escape_text(rest));
}

/// The next link in `text`: byte range and href.
fn next_link(text: &str) -> Option<(usize, usize, String)> {
    let mut offset = 0;
    for word in
        text.split_inclusive(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
    {
        let start = offset;
        offset += word.len();
        let trimmed =
            word.trim_end_matches(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"');
        let lead = trimmed.len() - trimmed.trim_start_matches(['(', '[', '\'']).len();
        let candidate = trim_trailing(&trimmed[lead..]);
        if candidate.is_empty() {
            continue;
        }
        let lower = candidate.to_ascii_lowercase();
        let href = if (lower.starts_with("https://") || lower.starts_with("http://"))
            && candidate.len() > 8
        {
            candidate.to_owned()
        } else if lower.starts_with("www.") && candidate.len() > 4 && candidate[4..].contains('.') {
            format!("https://{candidate}")
        } else if candidate.contains('@') && is_valid_email(candidate) {
            format!("mailto:{candidate}")
        } else {
            continue;
        };
        return Some((start + lead, start + lead + candidate.len(), href));
    }
    None
}

/// Drops sentence punctuation after a URL, and a closing bracket that has no opening one.
fn trim_trailing(s: &str) -> &str {
    let mut s = s;
    loop {
        let before = s;
        s = s.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
        for (open, close) in [('(', ')'), ('[', ']')] {
            if s.ends_with(close) && s.matches(open).count() < s.matches(close).count() {
                s = &s[..s.len() - 1];
            }
        }
        if s == before {
            return s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::push_linked;

    fn linked(s: &str) -> String {
        let mut out = String::new();
        push_linked(&mut out, s);
        out
    }

    #[test]
    fn urls_become_links_without_trailing_punctuation() {
        assert_eq!(
            linked("See https://acme.example/a?b=1&c=2. Thanks"),
            r#"See <a href="https://acme.example/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">https://acme.example/a?b=1&amp;c=2</a>. Thanks"#
        );
        assert!(
            linked("(www.acme.example/docs)").contains(r#"href="https://www.acme.example/docs""#)
        );
        assert!(linked("https://en.wikipedia.org/wiki/Foo_(bar)")
            .contains(r#"href="https://en.wikipedia.org/wiki/Foo_(bar)""#));
    }

    #[test]
    fn addresses_become_mailto_links() {
        assert!(linked("mail ann@x.com please").contains(r#"<a href="mailto:ann@x.com""#));
        assert_eq!(linked("a@b is not one"), "a@b is not one");
    }

    #[test]
    fn nothing_else_is_linked_and_markup_is_escaped() {
        assert_eq!(
            linked("javascript:alert(1) <b>x</b>"),
            "javascript:alert(1) &lt;b&gt;x&lt;/b&gt;"
        );
        let out = linked(r#"https://x.example/"onmouseover="alert(1)"#);
        assert!(!out.contains(r#""onmouseover"#), "{out}");
    }
}
