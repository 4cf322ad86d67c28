//! @mentions of agents in internal notes: where the agent is typing one (for suggestions),
//! which agents match, which a text mentions, and the note's HTML with each chosen mention as
//! a `<span data-mention="id">` (which the sanitizer keeps) rather than plain text.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::compose::{markdown_events, render_events};
use crate::html::SafeHtml;
use crate::model::User;
use crate::saved_replies::fold;

/// The longest query after `@` that still looks for an agent (a full name with a space).
const MAX_QUERY_CHARS: usize = 40;

/// An agent mentioned in a draft: chosen from the suggestions, so their id is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub id: String,
    pub name: String,
}

/// The mention being typed at `cursor` (a byte offset): where its `@` is and what follows it,
/// when the `@` starts a word and nothing but name characters lie between it and the cursor.
pub fn query_at(text: &str, cursor: usize) -> Option<(usize, String)> {
    let before = text.get(..cursor)?;
    let at = before.rfind('@')?;
    let typed = &before[at + 1..];
    let starts_word = before[..at]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || "([{\"'".contains(c));
    let plausible = typed.chars().count() <= MAX_QUERY_CHARS
        && !typed.starts_with(' ')
        && !typed.contains("  ")
        && typed
            .chars()
            .all(|c| c.is_alphanumeric() || " .-'".contains(c));
    (starts_word && plausible).then(|| (at, typed.to_owned()))
}

/// The agents whose name (or a word of it) starts with `query`, ignoring case and accents,
/// best first (whole-name prefix, then by name); at most `limit`.
pub fn suggest<'a>(agents: &'a [User], query: &str, limit: usize) -> Vec<&'a User> {
    let q = fold(query.trim());
    let mut hits: Vec<(bool, String, &User)> = agents
        .iter()
        .filter(|a| !a.name.trim().is_empty())
        .filter_map(|a| {
            let name = fold(&a.name);
            let whole = name.starts_with(&q);
            (whole || name.split_whitespace().any(|w| w.starts_with(&q)))
                .then_some((!whole, name, a))
        })
        .collect();
    hits.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    hits.into_iter().take(limit).map(|(_, _, a)| a).collect()
}

/// Whether `text` mentions `name` as `@Name` (the whole name, then no more name characters).
pub fn mentions(text: &str, name: &str) -> bool {
    !positions(&fold(text), name).is_empty()
}

/// Where (in the folded text) `@name` stands as a whole mention.
fn positions(folded: &str, name: &str) -> Vec<usize> {
    let name = name.trim();
    if name.is_empty() {
        return Vec::new();
    }
    let needle = format!("@{}", fold(name));
    folded
        .match_indices(&needle)
        .map(|(i, _)| i)
        .filter(|&i| {
            let starts_word = folded[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let ends_word = folded[i + needle.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            starts_word && ends_word
        })
        .collect()
}

/// The agents `text` mentions, each once, in the list's order; where one name begins another
/// (`@Sam Rivera`), the longer one is meant.
pub fn mentioned<'a>(text: &str, agents: &'a [User]) -> Vec<&'a User> {
    let folded = fold(text);
    let found: Vec<(&User, Vec<usize>)> = agents
        .iter()
        .map(|a| (a, positions(&folded, &a.name)))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let mut out: Vec<&User> = Vec::new();
    for (agent, at) in &found {
        let longer_there = |p: &usize| {
            found
                .iter()
                .any(|(b, bp)| b.name.trim().len() > agent.name.trim().len() && bp.contains(p))
        };
        if at.iter().any(|p| !longer_there(p)) && !out.iter().any(|o| o.id == agent.id) {
            out.push(agent);
        }
    }
    out
}

/// A note's Markdown rendered as [`crate::compose::render_markdown`] does, each `@Name` of
/// `chosen` (outside code) wrapped in `<span data-mention="id">`.
pub fn render_note(text: &str, chosen: &[Mention]) -> SafeHtml {
    let mut in_code = false;
    let mut events = Vec::new();
    for event in markdown_events(text) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                events.push(event);
            }
            Event::Text(t) if !in_code => wrap_mentions(&t, chosen, &mut events),
            other => events.push(other),
        }
    }
    render_events(text, events.into_iter())
}

/// Pushes `text` as text events, with each chosen `@Name` in a mention element.
fn wrap_mentions<'a>(text: &str, chosen: &[Mention], out: &mut Vec<Event<'a>>) {
    let mut rest = text;
    'scan: while !rest.is_empty() {
        for (i, _) in rest.match_indices('@') {
            for mention in chosen {
                let tag = format!("@{}", mention.name);
                let whole = rest[i..]
                    .strip_prefix(&tag)
                    .is_some_and(|after| after.chars().next().is_none_or(|c| !c.is_alphanumeric()));
                if whole {
                    if i > 0 {
                        out.push(Event::Text(CowStr::from(rest[..i].to_owned())));
                    }
                    out.push(Event::InlineHtml(CowStr::from(format!(
                        "<span data-mention=\"{}\">",
                        escape_attribute(&mention.id)
                    ))));
                    out.push(Event::Text(CowStr::from(tag.clone())));
                    out.push(Event::InlineHtml(CowStr::from("</span>")));
                    rest = &rest[i + tag.len()..];
                    continue 'scan;
                }
            }
        }
        out.push(Event::Text(CowStr::from(rest.to_owned())));
        break;
    }
}

fn escape_attribute(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str, name: &str) -> User {
        User {
            id: id.into(),
            name: name.into(),
            email: format!("{id}@acme.example"),
        }
    }

    #[test]
    fn a_query_is_an_at_that_starts_a_word_up_to_the_cursor() {
        let text = "Ask @Pri";
        assert_eq!(query_at(text, text.len()), Some((4, "Pri".into())));
        assert_eq!(query_at("@", 1), Some((0, String::new())));
        assert_eq!(query_at("(@Sam R", 7), Some((1, "Sam R".into())));
        // An email address, a closed name, a new line or a long run is no mention being typed.
        assert_eq!(query_at("mail sam@acme", 13), None);
        assert_eq!(query_at("@Sam, thanks", 12), None);
        assert_eq!(query_at("@Sam\nnext", 9), None);
        assert_eq!(query_at("@ Sam", 5), None);
        let long = format!("@{}", "a".repeat(41));
        assert_eq!(query_at(&long, long.len()), None);
        // A cursor inside a character is no position.
        assert_eq!(query_at("@é", 2), None);
    }

    #[test]
    fn suggestions_match_any_word_of_the_name_ignoring_accents() {
        let agents = [
            agent("1", "Priya Shah"),
            agent("2", "Sam Rivera"),
            agent("3", "Zoë Sánchez"),
            agent("4", ""),
        ];
        let names = |q: &str| {
            suggest(&agents, q, 5)
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("pri"), ["Priya Shah"]);
        assert_eq!(names("s"), ["Sam Rivera", "Priya Shah", "Zoë Sánchez"]);
        assert_eq!(names("sanch"), ["Zoë Sánchez"]);
        assert_eq!(names("zoe s"), ["Zoë Sánchez"]);
        assert_eq!(names(""), ["Priya Shah", "Sam Rivera", "Zoë Sánchez"]);
    }

    #[test]
    fn a_mention_is_the_whole_name_after_an_at() {
        let agents = [
            agent("1", "Priya Shah"),
            agent("2", "Sam Rivera"),
            agent("3", "Sam"),
        ];
        let ids = |t: &str| {
            mentioned(t, &agents)
                .iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("Thanks @Priya Shah, and @sam rivera."), ["1", "2"]);
        assert_eq!(ids("@Sam: see above"), ["3"]);
        assert!(ids("priya@Priya Shahs.example or Priya Shah").is_empty());
        assert!(mentions("cc @Zoë", "Zoe"));
    }

    #[test]
    fn a_note_marks_its_chosen_mentions_outside_code() {
        let chosen = [Mention {
            id: "3".into(),
            name: "Priya Shah".into(),
        }];
        let html = render_note(
            "Over to @Priya Shah.\n\n`@Priya Shah` in code\n\n```\n@Priya Shah\n```",
            &chosen,
        );
        let html = html.as_str();
        assert_eq!(
            html.matches("<span data-mention=\"3\">@Priya Shah</span>")
                .count(),
            1,
            "{html}"
        );
        assert!(html.contains("<code>@Priya Shah</code>"), "{html}");
        // Other @s around it, with letters of any width after them, are text.
        let sam = [Mention {
            id: "2".into(),
            name: "Sam".into(),
        }];
        let html = render_note("cc @Zoë and @👋 then @Sam, not @Samuel", &sam);
        assert_eq!(
            html.as_str().matches("data-mention").count(),
            1,
            "{}",
            html.as_str()
        );
        // A hostile id stays an attribute value.
        let hostile = [Mention {
            id: "\"><script>alert(1)</script>".into(),
            name: "Eve".into(),
        }];
        let html = render_note("@Eve hi", &hostile);
        let html = html.as_str();
        assert_eq!(html.matches("<span").count(), 1, "{html}");
        assert!(
            html.contains("data-mention=\"&quot;&gt;&lt;script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
    }
}
