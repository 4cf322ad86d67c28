//! Find in a conversation: the matching rule. Case- and accent-insensitive ("resume" finds
//! "Résumé", "STRASSE" finds "Straße"), any run of white space matching any other, hits not
//! overlapping. A message's text may come in segments (the DOM's text nodes): hits can span
//! them and are given in UTF-16 offsets, as a DOM `Range` wants them.

use crate::html::{message_body, SafeHtml};
use crate::model::Message;

/// Elements whose edges separate words: their text is not run into their neighbours'. The
/// app's walk over the rendered body follows the same list, so both read the same text.
const BREAKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Whether an element (lower-case tag name) separates words.
pub fn is_break(tag: &str) -> bool {
    BREAKS.contains(&tag)
}

/// A message's text as find reads it: the body as the thread shows it (sanitized), its text
/// nodes in order, with a space for each element that separates words.
pub fn message_segments(message: &Message) -> Vec<String> {
    html_segments(&message_body(message))
}

/// The text of sanitized HTML as find reads it (see [`message_segments`]). Sanitized HTML
/// is the serializer's output (no comments, scripts or styles; text escaped), so reading its
/// tags and entities in order is reading its text nodes.
pub fn html_segments(html: &SafeHtml) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html.as_str();
    while !rest.is_empty() {
        let text_end = rest.find('<').unwrap_or(rest.len());
        if text_end > 0 {
            out.push(unescape(&rest[..text_end]));
        }
        rest = &rest[text_end..];
        if rest.is_empty() {
            break;
        }
        let tag_end = tag_length(rest);
        let name: String = rest[1..tag_end]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if is_break(&name) {
            out.push(" ".to_owned());
        }
        rest = &rest[tag_end..];
    }
    out
}

/// The length of the tag `html` starts with, up to its `>` outside quoted values.
fn tag_length(html: &str) -> usize {
    let mut quote = None;
    for (i, c) in html.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// Text with the serializer's character references decoded.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Base letters of U+00C0..=U+024F, one per code point; `.` where the letter is its own.
const LATIN_1_AND_EXTENDED: &str = "aaaaaa.ceeeeiiii.nooooo..uuuuy..aaaaaa.ceeeeiiii.nooooo..uuuuy.yaaaaaaccccccccdd..eeeeeeeeeegggggggghh..iiiiiiiii...jjkk.llllll....nnnnnn...oooooo..rrrrrrsssssssstttt..uuuuuuuuuuuuwwyyyzzzzzz.................................oo.............uu............................aaiioouuuuuuuuuu.aaaa....ggkkoooo..j...gg..nnaa....aaaaeeeeiiiioooorrrruuuusstt..hh......aaeeooooooooyy............................";
/// Base letters of U+1E00..=U+1EFF (Latin Extended Additional: Vietnamese and others).
const LATIN_ADDITIONAL: &str = "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwy......aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy......";

/// What `c` matches as: lower case, without accents (nothing for a combining mark); white
/// space is one space.
fn fold(c: char, out: &mut Vec<char>) {
    if c.is_whitespace() {
        out.push(' ');
        return;
    }
    let code = u32::from(c);
    // Combining diacritical marks (text already decomposed).
    if (0x0300..=0x036F).contains(&code) {
        return;
    }
    let table = match code {
        0x00C0..=0x024F => Some((LATIN_1_AND_EXTENDED, 0x00C0)),
        0x1E00..=0x1EFF => Some((LATIN_ADDITIONAL, 0x1E00)),
        _ => None,
    };
    if let Some(base) = table
        .and_then(|(t, start)| t.as_bytes().get((code - start) as usize))
        .filter(|b| **b != b'.')
    {
        out.push(char::from(*base));
        return;
    }
    let special = match c {
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'đ' | 'Đ' => "d",
        'ł' | 'Ł' => "l",
        'ı' => "i",
        _ => "",
    };
    if special.is_empty() {
        out.extend(c.to_lowercase());
    } else {
        out.extend(special.chars());
    }
}

/// A place in segmented text: (segment, UTF-16 offset).
type Place = (usize, usize);

/// A phrase to find, folded once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    folded: Vec<char>,
}

/// Where a hit is: from (segment, UTF-16 offset) to (segment, UTF-16 offset), end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: Place,
    pub end: Place,
}

impl Query {
    /// The phrase, or `None` when there is nothing to find (blank).
    pub fn new(phrase: &str) -> Option<Self> {
        let mut folded = Vec::new();
        for c in phrase.trim().chars() {
            fold(c, &mut folded);
        }
        collapse_spaces(&mut folded);
        (!folded.is_empty()).then_some(Self { folded })
    }

    /// The hits in `segments` read as one text, in order.
    pub fn find(&self, segments: &[&str]) -> Vec<Hit> {
        let (chars, places) = folded_text(segments);
        let needle = &self.folded;
        let mut hits = Vec::new();
        let mut i = 0;
        while i + needle.len() <= chars.len() {
            if chars[i..i + needle.len()] == needle[..] {
                let (start, _) = places[i];
                let (_, end) = places[i + needle.len() - 1];
                hits.push(Hit { start, end });
                i += needle.len();
            } else {
                i += 1;
            }
        }
        hits
    }
}

/// The segments folded, and for each folded character the source character's start and end,
/// as (segment, UTF-16 offset). White space runs (across segments too) become one space.
fn folded_text(segments: &[&str]) -> (Vec<char>, Vec<(Place, Place)>) {
    let mut chars = Vec::new();
    let mut places: Vec<(Place, Place)> = Vec::new();
    let mut buffer = Vec::new();
    for (s, segment) in segments.iter().enumerate() {
        let mut offset = 0;
        for c in segment.chars() {
            let width = c.len_utf16();
            buffer.clear();
            fold(c, &mut buffer);
            // A combining mark belongs to the letter before it: a hit ending there takes it.
            if buffer.is_empty() {
                if let Some(last) = places.last_mut().filter(|l| l.1 .0 == s) {
                    last.1 = (s, offset + width);
                }
            }
            for &f in &buffer {
                if f == ' ' && chars.last() == Some(&' ') {
                    // The run's one space now ends here.
                    if let Some(last) = places.last_mut() {
                        last.1 = (s, offset + width);
                    }
                    continue;
                }
                chars.push(f);
                places.push(((s, offset), (s, offset + width)));
            }
            offset += width;
        }
    }
    (chars, places)
}

fn collapse_spaces(chars: &mut Vec<char>) {
    chars.dedup_by(|a, b| *a == ' ' && *b == ' ');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(phrase: &str, text: &str) -> usize {
        Query::new(phrase).map_or(0, |q| q.find(&[text]).len())
    }

    #[test]
    fn case_and_accents_do_not_matter() {
        assert_eq!(count("resume", "Résumé attached; RESUME later"), 2);
        assert_eq!(count("Résumé", "resume"), 1);
        assert_eq!(count("strasse", "Hauptstraße 5"), 1);
        assert_eq!(count("pho", "Phở bò"), 1);
        assert_eq!(count("cafe", "cafe\u{301}"), 1, "decomposed accents");
        let hit = Query::new("cafe").unwrap().find(&["cafe\u{301} au lait"]);
        assert_eq!(
            hit[0].end,
            (0, 5),
            "the hit takes the accent of its last letter"
        );
        assert_eq!(count("zurich", "Zürich"), 1);
        assert_eq!(count("lodz", "Łódź"), 1);
    }

    #[test]
    fn white_space_runs_match_one_another() {
        assert_eq!(count("export   log", "the export\n\tlog"), 1);
        assert_eq!(count(" refund ", "a refund"), 1, "the phrase is trimmed");
    }

    #[test]
    fn blank_finds_nothing_and_hits_do_not_overlap() {
        assert!(Query::new("  \n").is_none());
        assert_eq!(count("aa", "aaaa"), 2);
        assert_eq!(count("aa", "aaa"), 1);
        assert_eq!(count("x", ""), 0);
    }

    #[test]
    fn other_scripts_match_by_case() {
        assert_eq!(count("привет", "Привет, ПРИВЕТ"), 2);
        assert_eq!(count("مرحبا", "قال مرحبا"), 1);
        assert_eq!(count("σοφία", "ΣΟΦΊΑ"), 1);
        assert_eq!(
            count("σοφια", "σοφία"),
            0,
            "accents are folded in Latin letters only"
        );
    }

    #[test]
    fn hits_span_segments_in_utf16_offsets() {
        let q = Query::new("export log").unwrap();
        let hits = q.find(&["the ", "export", " log 😀 export log"]);
        assert_eq!(
            hits,
            vec![
                Hit {
                    start: (1, 0),
                    end: (2, 4)
                },
                Hit {
                    start: (2, 8),
                    end: (2, 18)
                },
            ]
        );
        // "😀" is two UTF-16 units: the second hit starts after it.
        let q = Query::new("é").unwrap();
        assert_eq!(
            q.find(&["😀É"]),
            vec![Hit {
                start: (0, 2),
                end: (0, 3)
            }]
        );
    }

    #[test]
    fn a_message_reads_as_its_shown_text() {
        let mut m = crate::model::Message {
            id: "1".into(),
            role: crate::model::Role::Customer,
            author: None,
            author_user_id: None,
            text: None,
            html: Some("<p>Hello <b>Ren</b>ée &amp; <a title='a>b' href='https://x.test/'>Tom&#39;s</a></p><p>see<script>alert('x')</script></p><div>you</div>".into()),
            is_internal: false,
            cc: Vec::new(),
            attachments: Vec::new(),
            created_at: String::new(),
            problems: Vec::new(),
        };
        let text = message_segments(&m).concat();
        let q = |p: &str| Query::new(p).map_or(0, |q| q.find(&[text.as_str()]).len());
        assert_eq!(
            q("hello renee"),
            1,
            "inline elements run together: {text:?}"
        );
        assert_eq!(q("see you"), 1, "block edges separate words");
        assert_eq!(q("seeyou"), 0);
        assert_eq!(q("alert"), 0, "what the sanitizer removed is not there");
        assert_eq!(
            q("renee & tom's"),
            1,
            "entities decoded, a quoted > is no tag's end: {text:?}"
        );
        m.html = None;
        m.text = Some("line one\nline two https://example.com/x".into());
        let text = message_segments(&m).concat();
        assert_eq!(count("one line", &text), 1);
        assert_eq!(count("example.com/x", &text), 1);
    }

    #[test]
    fn a_space_run_across_segments_ends_where_the_run_ends() {
        let q = Query::new("a b").unwrap();
        assert_eq!(
            q.find(&["a ", " ", "b"]),
            vec![Hit {
                start: (0, 0),
                end: (2, 1)
            }]
        );
    }
}
