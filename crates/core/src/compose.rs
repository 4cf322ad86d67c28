//! The composer's text rules: Markdown rendered to safe HTML for `content_html`, the toolbar's
//! edits on the text and selection, and what the send button says.

use pulldown_cmark::{html, Event, Options, Parser};
use rust_i18n::t;

use crate::html::{sanitize, SafeHtml};
use crate::i18n::isolate;
use crate::model::{NextAction, TicketStatus, Visibility};

/// Renders the agent's Markdown to HTML, through the same sanitizer as incoming mail. A line
/// break typed in the editor stays a line break, as people expect in email.
pub fn render_markdown(text: &str) -> SafeHtml {
    render_events(text, markdown_events(text))
}

/// The composer's Markdown as events, a typed line break kept as a line break.
pub(crate) fn markdown_events(text: &str) -> impl Iterator<Item = Event<'_>> {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    Parser::new_ext(text, options).map(|event| match event {
        Event::SoftBreak => Event::HardBreak,
        other => other,
    })
}

/// Events of `text` as HTML, through the sanitizer.
pub(crate) fn render_events<'a>(text: &str, events: impl Iterator<Item = Event<'a>>) -> SafeHtml {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    sanitize(&out)
}

/// What the send button says: the kind of message and what happens to the ticket (in the
/// current locale).
pub fn send_label(
    visibility: Visibility,
    action: NextAction,
    status: Option<TicketStatus>,
) -> String {
    let Some(action) = action_phrase(action, status) else {
        return match visibility {
            Visibility::Reply => t!("compose.send_reply"),
            Visibility::Note => t!("compose.add_note"),
        }
        .into_owned();
    };
    let verb = match visibility {
        Visibility::Reply => t!("compose.verb.send"),
        Visibility::Note => t!("compose.verb.add_note"),
    };
    t!("compose.send_and", verb = verb, action = action).into_owned()
}

/// What a delivered message did, for the toast after a send: "Reply sent · Ticket closed as
/// resolved" (in the current locale).
pub fn sent_summary(visibility: Visibility, action: NextAction) -> String {
    let sent = match visibility {
        Visibility::Reply => t!("compose.done.reply"),
        Visibility::Note => t!("compose.done.note"),
    };
    let effect = match action {
        NextAction::None => return sent.into_owned(),
        NextAction::CloseAndMarkResolved => t!("compose.done.close_resolved"),
        NextAction::CloseAndMarkInvalid => t!("compose.done.close_invalid"),
        NextAction::CloseAndMarkCustomerInactivity => t!("compose.done.close_inactive"),
        NextAction::CloseAndMarkOther => t!("compose.done.close_other"),
        NextAction::ReopenWaitingCustomer => t!("compose.done.wait_customer"),
        NextAction::ReopenWaitingAssociate => t!("compose.done.wait_agent"),
        NextAction::ReportSpam => t!("compose.done.report_spam"),
        NextAction::RemoveFromSpam => t!("compose.done.remove_spam"),
    };
    format!("{sent} · {effect}")
}

/// The next action as the end of a sentence ("Send and …"), for a ticket in `status`.
fn action_phrase(action: NextAction, status: Option<TicketStatus>) -> Option<String> {
    let open = status.is_some_and(TicketStatus::is_open);
    let phrase = match action {
        NextAction::None => return None,
        NextAction::ReopenWaitingCustomer if open => t!("compose.then.wait_customer"),
        NextAction::ReopenWaitingAssociate if open => t!("compose.then.wait_agent"),
        NextAction::CloseAndMarkResolved => t!("compose.then.close_resolved"),
        NextAction::CloseAndMarkInvalid => t!("compose.then.close_invalid"),
        NextAction::CloseAndMarkCustomerInactivity => t!("compose.then.close_inactive"),
        NextAction::CloseAndMarkOther => t!("compose.then.close_other"),
        NextAction::ReopenWaitingCustomer => t!("compose.then.reopen_customer"),
        NextAction::ReopenWaitingAssociate => t!("compose.then.reopen_agent"),
        NextAction::ReportSpam => t!("compose.then.report_spam"),
        NextAction::RemoveFromSpam => t!("compose.then.remove_spam"),
    };
    Some(phrase.into_owned())
}

/// Refuses a file before any upload: empty, or over `max_bytes`. The words are for the agent.
pub fn check_file(name: &str, size: u64, max_bytes: u64) -> Result<(), String> {
    if size == 0 {
        return Err(t!("compose.file_empty", name = isolate(name)).into_owned());
    }
    if size > max_bytes {
        return Err(t!(
            "compose.file_too_large",
            name = isolate(name),
            size = crate::model::format_size(size),
            limit = crate::model::format_size(max_bytes)
        )
        .into_owned());
    }
    Ok(())
}

/// A toolbar button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Bold,
    Italic,
    Code,
    Link,
    BulletList,
    NumberedList,
    Quote,
}

impl Format {
    /// All buttons, in toolbar order.
    pub const ALL: [Format; 7] = [
        Format::Bold,
        Format::Italic,
        Format::Link,
        Format::BulletList,
        Format::NumberedList,
        Format::Code,
        Format::Quote,
    ];

    /// The button's accessible name, in the current locale.
    pub fn label(self) -> String {
        match self {
            Format::Bold => t!("compose.format.bold"),
            Format::Italic => t!("compose.format.italic"),
            Format::Code => t!("compose.format.code"),
            Format::Link => t!("compose.format.link"),
            Format::BulletList => t!("compose.format.bulleted_list"),
            Format::NumberedList => t!("compose.format.numbered_list"),
            Format::Quote => t!("compose.format.quote"),
        }
        .into_owned()
    }

    /// A name that stays the same in every locale (for a CSS class or a test id): the English
    /// label in lower case, with hyphens for spaces ("bulleted-list").
    pub fn slug(self) -> &'static str {
        match self {
            Format::Bold => "bold",
            Format::Italic => "italic",
            Format::Code => "code",
            Format::Link => "link",
            Format::BulletList => "bulleted-list",
            Format::NumberedList => "numbered-list",
            Format::Quote => "quote",
        }
    }

    /// Its keyboard shortcut with Ctrl/Cmd, if any.
    pub fn shortcut(self) -> Option<char> {
        match self {
            Format::Bold => Some('b'),
            Format::Italic => Some('i'),
            Format::Link => Some('k'),
            _ => None,
        }
    }
}

/// Text after a toolbar edit, and the selection to set (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Applies `format` to the selection `start..end` (byte offsets; clamped to char boundaries).
/// Applying a format the selection already has removes it.
pub fn apply_format(text: &str, start: usize, end: usize, format: Format) -> Edit {
    let (start, end) = clamp_selection(text, start, end);
    match format {
        Format::Bold => wrap(text, start, end, "**"),
        Format::Italic => wrap(text, start, end, "_"),
        Format::Code if text[start..end].contains('\n') => fence(text, start, end),
        Format::Code => wrap(text, start, end, "`"),
        Format::Link => link(text, start, end),
        Format::BulletList => prefix_lines(text, start, end, |_| "- ".to_owned()),
        Format::NumberedList => prefix_lines(text, start, end, |i| format!("{}. ", i + 1)),
        Format::Quote => prefix_lines(text, start, end, |_| "> ".to_owned()),
    }
}

fn clamp_selection(text: &str, start: usize, end: usize) -> (usize, usize) {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (a, b) = (floor(start), floor(end));
    (a.min(b), a.max(b))
}

fn splice(text: &str, start: usize, end: usize, middle: &str) -> String {
    let mut out = String::with_capacity(text.len() + middle.len());
    out.push_str(&text[..start]);
    out.push_str(middle);
    out.push_str(&text[end..]);
    out
}

/// Wraps the selection in `marker`, or unwraps it when the markers are already around it.
fn wrap(text: &str, start: usize, end: usize, marker: &str) -> Edit {
    let m = marker.len();
    let wrapped = text[..start].ends_with(marker) && text[end..].starts_with(marker);
    if wrapped {
        let mut out = String::with_capacity(text.len());
        out.push_str(&text[..start - m]);
        out.push_str(&text[start..end]);
        out.push_str(&text[end + m..]);
        return Edit {
            text: out,
            start: start - m,
            end: end - m,
        };
    }
    let middle = format!("{marker}{}{marker}", &text[start..end]);
    Edit {
        text: splice(text, start, end, &middle),
        start: start + m,
        end: end + m,
    }
}

fn fence(text: &str, start: usize, end: usize) -> Edit {
    let before = if start == 0 || text[..start].ends_with('\n') {
        ""
    } else {
        "\n"
    };
    let body = text[start..end].trim_end_matches('\n');
    let middle = format!("{before}```\n{body}\n```\n");
    let body_start = start + before.len() + 4;
    Edit {
        text: splice(text, start, end, &middle),
        start: body_start,
        end: body_start + body.len(),
    }
}

/// `[selection](https://)` with the URL part selected, ready to be typed over; a selected URL
/// becomes the link's target with its text to type.
fn link(text: &str, start: usize, end: usize) -> Edit {
    let selected = &text[start..end];
    let placeholder = t!("compose.link_text");
    if selected.starts_with("http://") || selected.starts_with("https://") {
        let middle = format!("[{placeholder}]({selected})");
        return Edit {
            text: splice(text, start, end, &middle),
            start: start + 1,
            end: start + 1 + placeholder.len(),
        };
    }
    let label = if selected.is_empty() {
        &*placeholder
    } else {
        selected
    };
    let middle = format!("[{label}](https://)");
    let url_start = start + label.len() + 3;
    Edit {
        text: splice(text, start, end, &middle),
        start: url_start,
        end: url_start + "https://".len(),
    }
}

/// Prefixes every line the selection touches; removes the prefixes when every non-empty line
/// already has one.
fn prefix_lines(text: &str, start: usize, end: usize, prefix: impl Fn(usize) -> String) -> Edit {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let block = &text[line_start..line_end];
    let lines: Vec<&str> = block.split('\n').collect();
    let all_prefixed = lines
        .iter()
        .filter(|l| !l.is_empty())
        .enumerate()
        .all(|(i, l)| l.starts_with(&prefix(i)))
        && lines.iter().any(|l| !l.is_empty());
    let mut n = 0;
    let new_lines: Vec<String> = lines
        .iter()
        .map(|l| {
            if all_prefixed {
                let p = prefix(n);
                if !l.is_empty() {
                    n += 1;
                }
                l.strip_prefix(p.as_str()).unwrap_or(l).to_owned()
            } else if l.is_empty() && lines.len() > 1 {
                String::new()
            } else {
                let p = prefix(n);
                n += 1;
                format!("{p}{l}")
            }
        })
        .collect();
    let new_block = new_lines.join("\n");
    Edit {
        text: splice(text, line_start, line_end, &new_block),
        start: line_start,
        end: line_start + new_block.len(),
    }
}

/// A byte offset for a position counted in UTF-16 code units (as a browser's text area
/// reports its selection).
pub fn utf16_to_byte(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The UTF-16 position of a byte offset.
pub fn byte_to_utf16(text: &str, byte: usize) -> usize {
    text.char_indices()
        .take_while(|(i, _)| *i < byte)
        .map(|(_, c)| c.len_utf16())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str, start: usize, end: usize, f: Format) -> (String, String) {
        let e = apply_format(text, start, end, f);
        let selected = e.text[e.start..e.end].to_owned();
        (e.text, selected)
    }

    #[test]
    fn markdown_renders_formatting_and_keeps_line_breaks() {
        let html = render_markdown("**Hi** _there_\nsecond line\n\n- one\n- two\n\n> quoted");
        let s = html.as_str();
        assert!(s.contains("<strong>Hi</strong>"), "{s}");
        assert!(s.contains("<em>there</em>"), "{s}");
        assert!(s.contains("<br>"), "{s}");
        assert!(s.contains("<ul>") && s.contains("<li>one</li>"), "{s}");
        assert!(s.contains("<blockquote>"), "{s}");
    }

    #[test]
    fn markdown_goes_through_the_sanitizer() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\nA [link](javascript:alert(1)) and <img src=x onerror=alert(1)>",
        );
        let s = html.as_str().to_ascii_lowercase();
        assert!(s.contains("<a"), "the link stays, without its target: {s}");
        assert!(!s.contains("<script"), "{s}");
        assert!(!s.contains("javascript:"), "{s}");
        assert!(!s.contains("onerror"), "{s}");
    }

    #[test]
    fn markdown_links_open_safely() {
        let s = render_markdown("[docs](https://example.com/a)")
            .as_str()
            .to_owned();
        assert!(s.contains("href=\"https://example.com/a\""), "{s}");
        assert!(s.contains("noopener"), "{s}");
    }

    #[test]
    fn send_label_says_what_will_happen() {
        let open = Some(TicketStatus::WaitingAssociate);
        let closed = Some(TicketStatus::ClosedResolved);
        assert_eq!(
            send_label(Visibility::Reply, NextAction::None, open),
            "Send reply"
        );
        assert_eq!(
            send_label(Visibility::Note, NextAction::None, open),
            "Add note"
        );
        assert_eq!(
            send_label(Visibility::Reply, NextAction::CloseAndMarkResolved, open),
            "Send and close as resolved"
        );
        assert_eq!(
            send_label(Visibility::Note, NextAction::ReportSpam, open),
            "Add note and mark as spam"
        );
        assert_eq!(
            send_label(Visibility::Reply, NextAction::ReopenWaitingCustomer, closed),
            "Send and reopen, waiting on the customer"
        );
        assert_eq!(
            send_label(Visibility::Reply, NextAction::ReopenWaitingCustomer, open),
            "Send and wait on the customer"
        );
        for action in NextAction::ALL {
            assert!(!send_label(Visibility::Reply, action, None).is_empty());
        }
    }

    #[test]
    fn the_toast_says_what_was_sent_and_what_it_did() {
        assert_eq!(
            sent_summary(Visibility::Reply, NextAction::None),
            "Reply sent"
        );
        assert_eq!(
            sent_summary(Visibility::Reply, NextAction::CloseAndMarkResolved),
            "Reply sent · Ticket closed as resolved"
        );
        assert_eq!(
            sent_summary(Visibility::Note, NextAction::ReopenWaitingCustomer),
            "Note added · Now waiting on the customer"
        );
    }

    #[test]
    fn files_are_refused_before_upload_when_empty_or_too_large() {
        let max = 25_000_000;
        assert!(check_file("a.pdf", 1, max).is_ok());
        assert!(check_file("a.pdf", max, max).is_ok());
        let too_big = check_file("big.mov", max + 1, max).unwrap_err();
        assert!(
            too_big.contains("big.mov") && too_big.contains("limit"),
            "{too_big}"
        );
        assert!(check_file("e.txt", 0, max).unwrap_err().contains("empty"));
    }

    #[test]
    fn inline_formats_wrap_and_toggle() {
        assert_eq!(
            fmt("say hello now", 4, 9, Format::Bold),
            ("say **hello** now".into(), "hello".into())
        );
        let e = apply_format("say **hello** now", 6, 11, Format::Bold);
        assert_eq!(e.text, "say hello now");
        assert_eq!(&e.text[e.start..e.end], "hello");
        assert_eq!(
            fmt("a b", 2, 3, Format::Italic),
            ("a _b_".into(), "b".into())
        );
        assert_eq!(fmt("x", 1, 1, Format::Code), ("x``".into(), String::new()));
        let e = apply_format("", 0, 0, Format::Bold);
        assert_eq!((e.text.as_str(), e.start), ("****", 2));
    }

    #[test]
    fn code_over_lines_becomes_a_fence() {
        let (text, sel) = fmt("see\nlet a = 1;\nlet b = 2;", 4, 25, Format::Code);
        assert_eq!(text, "see\n```\nlet a = 1;\nlet b = 2;\n```\n");
        assert_eq!(sel, "let a = 1;\nlet b = 2;");
    }

    #[test]
    fn link_selects_the_part_to_type() {
        assert_eq!(
            fmt("read the docs", 9, 13, Format::Link),
            ("read the [docs](https://)".into(), "https://".into())
        );
        assert_eq!(
            fmt("https://x.io", 0, 12, Format::Link),
            ("[link text](https://x.io)".into(), "link text".into())
        );
    }

    #[test]
    fn line_formats_prefix_every_line_and_toggle() {
        let (text, _) = fmt("one\ntwo\nthree", 2, 6, Format::BulletList);
        assert_eq!(text, "- one\n- two\nthree");
        let (text, _) = fmt("- one\n- two\nthree", 0, 10, Format::BulletList);
        assert_eq!(text, "one\ntwo\nthree");
        let (text, _) = fmt("a\n\nb", 0, 4, Format::NumberedList);
        assert_eq!(text, "1. a\n\n2. b");
        let (text, _) = fmt("1. a\n\n2. b", 0, 10, Format::NumberedList);
        assert_eq!(text, "a\n\nb");
        let (text, _) = fmt("", 0, 0, Format::Quote);
        assert_eq!(text, "> ");
    }

    #[test]
    fn selections_off_char_boundaries_are_clamped() {
        let text = "héllo";
        let e = apply_format(text, 2, 99, Format::Bold);
        assert_eq!(e.text, "h**éllo**");
    }

    #[test]
    fn utf16_offsets_convert_both_ways() {
        let text = "a😀é b";
        // a(1) 😀(2) é(1) space(1) b(1)
        assert_eq!(utf16_to_byte(text, 0), 0);
        assert_eq!(utf16_to_byte(text, 1), 1);
        assert_eq!(utf16_to_byte(text, 3), 5);
        assert_eq!(utf16_to_byte(text, 4), 7);
        assert_eq!(utf16_to_byte(text, 99), text.len());
        for (byte, units) in [(0, 0), (1, 1), (5, 3), (7, 4), (9, 6)] {
            assert_eq!(byte_to_utf16(text, byte), units);
        }
    }
}
