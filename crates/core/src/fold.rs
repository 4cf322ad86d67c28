//! Quoted-history folding: where a message's quoted history starts, so the app can fold it
//! behind a toggle. Folding must never hide anything new, so a quote is folded only when every
//! line of it already appears in an earlier message of the thread.
//!
//! The split point is a byte offset into the raw body; the app sanitizes both halves
//! separately (each becomes well-formed on its own), so folding never bypasses the sanitizer.

use crate::model::Message;

/// Where quoted history begins in a message body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteSplit {
    /// Byte offset into the body (the HTML body if it has one, else the text).
    pub at: usize,
    /// Whether the offset is into the HTML body.
    pub in_html: bool,
}

/// Raw-HTML markers of quoted history, by mail client. The earliest one found wins.
const HTML_MARKERS: &[&str] = &[
    "<div class=\"gmail_quote",                          // Gmail
    "<div id=\"divrplyfwdmsg\"",                         // Outlook on the web
    "<div id=\"appendonsend\"",                          // Outlook on the web (new)
    "<div style=\"border:none;border-top:solid #e1e1e1", // Outlook desktop
    "<div class=\"moz-cite-prefix\"",                    // Thunderbird
    "<blockquote type=\"cite\"",                         // Apple Mail, Thunderbird
    "<div class=\"yahoo_quoted\"",                       // Yahoo
    "-----original message-----",
];

/// Where `message`'s quoted history starts, if it has one that repeats only what `earlier`
/// messages of the thread already say.
pub fn quote_split(message: &Message, earlier: &[Message]) -> Option<QuoteSplit> {
    let (body, in_html) = match (&message.html, &message.text) {
        (Some(html), _) => (html.as_str(), true),
        (None, Some(text)) => (text.as_str(), false),
        (None, None) => return None,
    };
    let at = if in_html {
        html_quote_start(body)
    } else {
        text_quote_start(body)
    }?;
    let quoted = if in_html {
        html_to_text(&body[at..])
    } else {
        body[at..].to_owned()
    };
    let seen = earlier
        .iter()
        .map(message_text)
        .collect::<Vec<_>>()
        .join("\n");
    let has_new_text = at == 0 || !already_said(&quoted, &normalize(&seen));
    (!has_new_text).then_some(QuoteSplit { at, in_html })
}

fn html_quote_start(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let marker = HTML_MARKERS.iter().filter_map(|m| lower.find(m)).min()?;
    // Outlook puts a rule just before its header block: fold it too.
    let hr = lower[..marker]
        .rfind("<hr")
        .filter(|hr| html_to_text(&html[*hr..marker]).trim().is_empty());
    Some(hr.unwrap_or(marker))
}

/// The trailing quote of a plain-text email: an "On … wrote:" line followed by `>` lines, or
/// `>` lines running to the end (quotes between new paragraphs are inline replies: not folded).
fn text_quote_start(text: &str) -> Option<usize> {
    let mut offset = 0;
    let mut start: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let quoted = trimmed.starts_with('>');
        let attribution = is_attribution(trimmed);
        match (start, quoted || attribution || trimmed.is_empty()) {
            (None, true) if quoted || attribution => start = Some(offset),
            (Some(_), false) => start = None,
            _ => {}
        }
        offset += line.len();
    }
    let start = start?;
    text[start..]
        .lines()
        .any(|l| l.trim_start().starts_with('>'))
        .then_some(start)
}

/// "On Tue, May 7, 2024, Sam Rivera <sam@x> wrote:" and its common translations.
fn is_attribution(line: &str) -> bool {
    let lower = line.to_lowercase();
    let ends = [
        "wrote:",
        "a écrit :",
        "a écrit:",
        "schrieb:",
        "escribió:",
        "scritto:",
        "schreef:",
    ];
    let starts = ["on ", "le ", "am ", "el ", "il ", "op "];
    ends.iter().any(|e| lower.ends_with(e)) && starts.iter().any(|s| lower.starts_with(s))
}

/// Whether every line of `quoted` (without `>` marks, headers and attributions) occurs in
/// `seen` (normalized). Line wrapping differs between clients, so lines are compared as word
/// sequences.
fn already_said(quoted: &str, seen: &str) -> bool {
    let header = |l: &str| {
        let lower = l.to_lowercase();
        is_attribution(l)
            || [
                "from:",
                "sent:",
                "to:",
                "cc:",
                "subject:",
                "date:",
                "-----original message-----",
            ]
            .iter()
            .any(|h| lower.starts_with(h))
    };
    let lines: Vec<String> = quoted
        .lines()
        .map(|l| l.trim_start_matches(|c: char| c == '>' || c.is_whitespace()))
        .filter(|l| !header(l))
        .map(normalize)
        .filter(|l| !l.is_empty())
        .collect();
    !lines.is_empty() && lines.iter().all(|l| seen.contains(l.as_str()))
}

/// Lowercase words separated by single spaces, without punctuation at word edges.
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a message says, as plain text.
fn message_text(m: &Message) -> String {
    match (&m.text, &m.html) {
        (Some(text), _) => text.clone(),
        (None, Some(html)) => html_to_text(html),
        (None, None) => String::new(),
    }
}

/// A rough text rendering of HTML: tags dropped, block ends as line breaks, the common
/// entities decoded. Used only for comparing words, never for display.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default();
        if matches!(
            name,
            "br" | "p" | "div" | "li" | "tr" | "blockquote" | "hr" | "h1" | "h2" | "h3" | "table"
        ) {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&ndash;", "–")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    fn msg(text: Option<&str>, html: Option<&str>) -> Message {
        Message {
            id: "1".into(),
            role: Role::Customer,
            author: None,
            author_user_id: None,
            text: text.map(str::to_owned),
            html: html.map(str::to_owned),
            is_internal: false,
            cc: vec![],
            attachments: vec![],
            created_at: String::new(),
            problems: vec![],
        }
    }

    fn agent_said(text: &str) -> Vec<Message> {
        vec![msg(Some(text), None)]
    }

    const REPLY: &str = "Hi Maria,\n\nyou are right: the second charge was our mistake. I have refunded USD 49.00; it will show on your statement in 5-10 business days.\n\nSam";

    #[test]
    fn gmail_history_of_this_thread_folds() {
        let html = r#"<div dir="ltr">Thanks!</div><br><div class="gmail_quote"><div class="gmail_attr">On Tue, Sam Rivera &lt;sam@acme.example&gt; wrote:<br></div><blockquote class="gmail_quote">Hi Maria,<br><br>you are right: the second charge was our mistake. I have refunded USD 49.00; it will show on your statement in 5-10 business days.<br><br>Sam</blockquote></div>"#;
        let split = quote_split(&msg(None, Some(html)), &agent_said(REPLY)).unwrap();
        assert!(split.in_html);
        assert!(html[split.at..].starts_with("<div class=\"gmail_quote\""));
        assert_eq!(&html[..split.at], r#"<div dir="ltr">Thanks!</div><br>"#);
    }

    #[test]
    fn a_quote_of_something_not_in_the_thread_is_never_folded() {
        let html = r#"Thanks<div class="gmail_quote">On Mon, Billing wrote:<blockquote>Your invoice #4411 is ready.</blockquote></div>"#;
        assert_eq!(
            quote_split(&msg(None, Some(html)), &agent_said(REPLY)),
            None
        );
    }

    #[test]
    fn new_text_slipped_into_a_quote_keeps_it_open() {
        let html = r#"Thanks<div class="gmail_quote">On Tue, Sam wrote:<blockquote>you are right: the second charge was our mistake.<br>PS: also cancel my other account</blockquote></div>"#;
        assert_eq!(
            quote_split(&msg(None, Some(html)), &agent_said(REPLY)),
            None
        );
    }

    #[test]
    fn outlook_history_folds_from_its_rule() {
        let html = r#"<p class="MsoNormal">Ok</p><div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> Sam Rivera<br><b>Sent:</b> Tuesday<br><b>Subject:</b> Re: Invoice</div><div>you are right: the second charge was our mistake.</div>"#;
        let split = quote_split(&msg(None, Some(html)), &agent_said(REPLY)).unwrap();
        assert!(
            html[split.at..].starts_with("<div id=\"appendonsend\""),
            "{}",
            &html[split.at..]
        );
    }

    #[test]
    fn apple_mail_and_thunderbird_blockquotes_fold() {
        for html in [
            r#"Fine.<br><div><br><blockquote type="cite"><div>On 7 May 2024, at 10:00, Sam wrote:</div>you are right: the second charge was our mistake.</blockquote></div>"#,
            r#"<p>Fine.</p><div class="moz-cite-prefix">On 07/05/2024 10:00, Sam Rivera wrote:<br></div><blockquote type="cite">you are right: the second charge was our mistake.</blockquote>"#,
        ] {
            let split = quote_split(&msg(None, Some(html)), &agent_said(REPLY));
            assert!(split.is_some_and(|s| s.at > 0), "{html}");
        }
    }

    #[test]
    fn trailing_plain_text_quotes_fold_even_when_rewrapped() {
        let text = "Great, thank you!\n\nOn Thu, Sam Rivera <sam@acme.example> wrote:\n> you are right: the second charge was our\n> mistake. I have refunded USD 49.00;\n";
        let split = quote_split(&msg(Some(text), None), &agent_said(REPLY)).unwrap();
        assert!(!split.in_html);
        assert!(text[split.at..].starts_with("On Thu"));
        assert_eq!(&text[..split.at], "Great, thank you!\n\n");
    }

    #[test]
    fn inline_replies_between_quotes_are_not_folded() {
        let text = "> you are right: the second charge was our mistake.\nThanks, but which card?\n";
        assert_eq!(
            quote_split(&msg(Some(text), None), &agent_said(REPLY)),
            None
        );
    }

    #[test]
    fn a_message_that_is_only_a_quote_is_not_hidden() {
        let text = "> you are right: the second charge was our mistake.\n";
        assert_eq!(
            quote_split(&msg(Some(text), None), &agent_said(REPLY)),
            None
        );
    }

    #[test]
    fn the_first_message_has_nothing_to_fold_against() {
        let text = "Hello\n\nOn Mon, Billing wrote:\n> Your invoice is ready.\n";
        assert_eq!(quote_split(&msg(Some(text), None), &[]), None);
    }
}
