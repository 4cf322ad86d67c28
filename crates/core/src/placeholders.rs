//! Placeholders in saved replies and signatures: `{{customer.first_name}}` and the like, filled
//! from the ticket and the agent. One that cannot be filled (unknown, or its value missing)
//! stays as written, so the agent sees it, and [`find`] keeps the message from going out
//! until it is edited. Text in Markdown code (inline or fenced) is left alone: a saved reply
//! that explains the syntax keeps it.

use std::ops::Range;

/// What placeholders are filled from; `None` where the value is not known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub ticket_number: Option<String>,
    pub ticket_subject: Option<String>,
    pub agent_name: Option<String>,
}

/// Every placeholder this module fills, as written between the braces.
pub const NAMES: [&str; 7] = [
    "customer.name",
    "customer.first_name",
    "customer.email",
    "ticket.number",
    "ticket.subject",
    "agent.name",
    "agent.first_name",
];

impl Context {
    /// The value of the placeholder `name`, if it has one.
    pub fn value(&self, name: &str) -> Option<String> {
        let first = |full: &Option<String>| {
            full.as_deref()
                .and_then(|n| n.split_whitespace().next())
                .map(str::to_owned)
        };
        let value = match name {
            "customer.name" => self.customer_name.clone(),
            "customer.first_name" => first(&self.customer_name),
            "customer.email" => self.customer_email.clone(),
            "ticket.number" => self.ticket_number.clone(),
            "ticket.subject" => self.ticket_subject.clone(),
            "agent.name" => self.agent_name.clone(),
            "agent.first_name" => first(&self.agent_name),
            _ => None,
        }?;
        let value = value.trim().to_owned();
        (!value.is_empty()).then_some(value)
    }
}

/// A placeholder found in a text: where (bytes, braces included) and its name (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub name: String,
}

impl Found {
    /// The placeholder as the agent writes it: `{{name}}`.
    pub fn written(&self) -> String {
        format!("{{{{{}}}}}", self.name)
    }
}

/// The placeholders of `text` outside Markdown code, in order: after [`fill`], the ones left,
/// which keep a message from going out.
pub fn find(text: &str) -> Vec<Found> {
    let code = code_ranges(text);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(mut open) = text[from..].find("{{").map(|i| i + from) {
        // `{{{name}}}`: the innermost pair is the placeholder.
        while text[open + 2..].starts_with('{') {
            open += 1;
        }
        let Some(close) = text[open + 2..].find("}}").map(|i| i + open + 2) else {
            break;
        };
        let inner = &text[open + 2..close];
        // `{{` inside the name starts over there (`{{ {{name}}`).
        if let Some(again) = inner.rfind("{{") {
            from = open + 2 + again;
            continue;
        }
        let end = close + 2;
        let in_code = code.iter().any(|c| c.start <= open && open < c.end);
        let name = inner.trim();
        if !in_code && is_name(name) {
            found.push(Found {
                range: open..end,
                name: name.to_owned(),
            });
        }
        from = end;
    }
    found
}

/// `text` with every placeholder that has a value filled in; the others stay as written.
pub fn fill(text: &str, context: &Context) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for placeholder in find(text) {
        if let Some(value) = context.value(&placeholder.name) {
            out.push_str(&text[last..placeholder.range.start]);
            out.push_str(&value);
            last = placeholder.range.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// A name as placeholders are written: letters, digits, `_` and `.`, not empty, short.
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

/// Byte ranges of Markdown code in `text`: fenced blocks (``` or ~~~), and inline spans
/// between equal runs of backticks on the lines outside them (a span across lines, which
/// CommonMark allows, is not seen: its placeholders are filled and reported).
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut fence: Option<(char, usize, usize)> = None; // (char, length, start)
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |m| trimmed.chars().take_while(|c| *c == m).count());
        match (fence, marker) {
            // A closing fence has nothing after its run (```rust inside a block is text).
            (Some((c, len, start)), Some(m))
                if m == c && run >= len && trimmed[run * m.len_utf8()..].trim().is_empty() =>
            {
                ranges.push(start..offset + line.len());
                fence = None;
            }
            (Some(_), _) => {}
            (None, Some(m)) if run >= 3 => fence = Some((m, run, offset)),
            (None, _) => ranges.extend(
                inline_code(line)
                    .into_iter()
                    .map(|r| r.start + offset..r.end + offset),
            ),
        }
        offset += line.len();
    }
    if let Some((_, _, start)) = fence {
        ranges.push(start..text.len());
    }
    ranges
}

/// Inline code spans of one line: a run of backticks up to the next run of the same length.
fn inline_code(line: &str) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let run_at = |i: usize| bytes[i..].iter().take_while(|b| **b == b'`').count();
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let open = run_at(i);
        let mut j = i + open;
        let mut closed = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let run = run_at(j);
                if run == open {
                    closed = Some(j + run);
                    break;
                }
                j += run;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                ranges.push(i..end);
                i = end;
            }
            None => i += open,
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context {
            customer_name: Some("María José García".into()),
            customer_email: Some("maria@example.com".into()),
            ticket_number: Some("1003".into()),
            ticket_subject: Some("Cannot log in".into()),
            agent_name: Some("Priya Shah".into()),
        }
    }

    #[test]
    fn fills_names_numbers_and_first_names_of_several_words() {
        let text = "Hi {{customer.first_name}}, about #{{ticket.number}} ({{ ticket.subject }}).\n\
                    {{agent.first_name}} · {{agent.name}} · {{customer.name}} <{{customer.email}}>";
        assert_eq!(
            fill(text, &context()),
            "Hi María, about #1003 (Cannot log in).\n\
             Priya · Priya Shah · María José García <maria@example.com>"
        );
    }

    #[test]
    fn a_missing_value_or_unknown_name_stays_and_is_reported() {
        let context = Context {
            customer_name: Some("   ".into()),
            ..context()
        };
        let filled = fill(
            "Hi {{customer.first_name}}, {{order.id}} #{{ticket.number}}",
            &context,
        );
        assert_eq!(filled, "Hi {{customer.first_name}}, {{order.id}} #1003");
        let names: Vec<_> = find(&filled).into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["customer.first_name", "order.id"]);
        let first = &find(&filled)[0];
        assert_eq!(&filled[first.range.clone()], "{{customer.first_name}}");
    }

    #[test]
    fn unicode_around_and_in_values_keeps_byte_ranges_right() {
        let context = Context {
            customer_name: Some("Zoë Ærø-Łukasz".into()),
            ..Context::default()
        };
        let text = "مرحبا {{customer.first_name}} 👋 {{agent.name}}";
        let filled = fill(text, &context);
        assert_eq!(filled, "مرحبا Zoë 👋 {{agent.name}}");
        let left = find(&filled);
        assert_eq!(&filled[left[0].range.clone()], "{{agent.name}}");
    }

    #[test]
    fn placeholders_in_markdown_code_are_left_alone() {
        let text = "Write `{{customer.name}}` to greet, or\n\
                    ```\n{{customer.name}}\n```\n\
                    ~~~~\n{{agent.name}}\n~~~~\n\
                    but {{customer.first_name}} here; ``a ` {{ticket.number}}`` too.";
        let filled = fill(text, &context());
        assert_eq!(
            filled,
            "Write `{{customer.name}}` to greet, or\n\
             ```\n{{customer.name}}\n```\n\
             ~~~~\n{{agent.name}}\n~~~~\n\
             but María here; ``a ` {{ticket.number}}`` too."
        );
        assert!(find(&filled).is_empty());
        // A fence with an info string inside a block does not close it.
        assert!(find("```\n```rust\n{{x}}\n```").is_empty());
        // An unclosed fence runs to the end, as Markdown reads it.
        assert!(find("```\n{{x}}").is_empty());
        // An unclosed backtick is no code.
        assert_eq!(find("a ` {{x}}").len(), 1);
    }

    #[test]
    fn braces_that_are_not_placeholders_are_text() {
        for text in [
            "{{}}",
            "{{ }}",
            "{{a b}}",
            "{{<script>}}",
            "{{",
            "}}",
            "{x}",
            "{{{{",
        ] {
            assert!(find(text).is_empty(), "{text}");
            assert_eq!(fill(text, &context()), text);
        }
        assert_eq!(fill("{{ {{agent.name}}", &context()), "{{ Priya Shah");
        assert_eq!(fill("{{{agent.name}}}", &context()), "{Priya Shah}");
    }
}
