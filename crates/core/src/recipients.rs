//! CC recipients as the composer shows them (chips): parsing what the agent typed or pasted,
//! merging without duplicates, the snapshot the server would use, what changed, and the
//! omit-or-send rule for `external_recipient_emails`.

use std::collections::BTreeMap;

use rust_i18n::t;
use serde::{Deserialize, Serialize};

use crate::email::{validate_email, EmailProblem};
use crate::i18n::{isolate, plural_key};
use crate::model::{Message, Role, Ticket};

/// One recipient chip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: Option<String>,
    /// The address, or the raw text when it is not one.
    pub address: String,
    pub problem: Option<RecipientProblem>,
}

/// Why a chip cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecipientProblem {
    Invalid(InvalidAddress),
    /// The helpdesk refused the address when the message was sent (its words).
    Refused(String),
}

/// [`EmailProblem`], storable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvalidAddress {
    Empty,
    TooLong,
    MissingAt,
    BadLocalPart,
    BadDomain,
    /// Brackets or quotes that do not close.
    Malformed,
}

impl From<EmailProblem> for InvalidAddress {
    fn from(p: EmailProblem) -> Self {
        match p {
            EmailProblem::Empty => InvalidAddress::Empty,
            EmailProblem::TooLong => InvalidAddress::TooLong,
            EmailProblem::MissingAt => InvalidAddress::MissingAt,
            EmailProblem::BadLocalPart => InvalidAddress::BadLocalPart,
            EmailProblem::BadDomain => InvalidAddress::BadDomain,
        }
    }
}

impl RecipientProblem {
    /// In words for the agent (in the current locale).
    pub fn reason(&self) -> String {
        let p = match self {
            RecipientProblem::Invalid(p) => p,
            RecipientProblem::Refused(why) => {
                return t!("recipients.refused", reason = isolate(why)).into_owned()
            }
        };
        match p {
            InvalidAddress::Empty => EmailProblem::Empty.reason(),
            InvalidAddress::TooLong => EmailProblem::TooLong.reason(),
            InvalidAddress::MissingAt => EmailProblem::MissingAt.reason(),
            InvalidAddress::BadLocalPart => EmailProblem::BadLocalPart.reason(),
            InvalidAddress::BadDomain => EmailProblem::BadDomain.reason(),
            InvalidAddress::Malformed => t!("recipients.malformed").into_owned(),
        }
    }
}

impl Recipient {
    /// A recipient from an address, checked.
    pub fn new(name: Option<String>, address: &str) -> Self {
        let address = address.trim().to_owned();
        let problem = validate_email(&address)
            .err()
            .map(|p| RecipientProblem::Invalid(p.into()));
        Self {
            name: name.filter(|n| !n.trim().is_empty()),
            address,
            problem,
        }
    }

    fn malformed(raw: &str) -> Self {
        Self {
            name: None,
            address: raw.trim().to_owned(),
            problem: Some(RecipientProblem::Invalid(InvalidAddress::Malformed)),
        }
    }

    /// The address lower-cased: two chips with the same key are one recipient.
    pub fn key(&self) -> String {
        self.address.to_lowercase()
    }

    pub fn is_valid(&self) -> bool {
        self.problem.is_none()
    }

    /// "Ann Lee <ann@x.com>", or the address alone. A name that would split or break the
    /// list ("Lee, Ann") is quoted, so that the label parses back to this recipient.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) if n.contains([',', ';', '"', '<', '>', '\n', '\r']) => {
                let n: String = n
                    .chars()
                    .map(|c| match c {
                        '"' => '\'',
                        '\n' | '\r' => ' ',
                        c => c,
                    })
                    .collect();
                format!("\"{}\" <{}>", n.trim(), self.address)
            }
            Some(n) => format!("{n} <{}>", self.address),
            None => self.address.clone(),
        }
    }
}

/// Parses typed or pasted text into recipients. Items are separated by commas, semicolons,
/// line breaks, or spaces between bare addresses; each is `addr`, `Name <addr>`,
/// `"Last, First" <addr>`, `<addr>`, `'addr'` or `mailto:addr`. Junk becomes an invalid
/// recipient carrying the text; empty items are skipped.
pub fn parse_recipients(input: &str) -> Vec<Recipient> {
    split_items(input)
        .iter()
        .flat_map(|item| parse_item(item))
        .collect()
}

/// Splits on separators outside quotes and angle brackets.
fn split_items(input: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let (mut in_quote, mut in_angle) = (false, false);
    for c in input.chars() {
        match c {
            '"' if !in_angle => in_quote = !in_quote,
            '<' if !in_quote => in_angle = true,
            '>' if !in_quote => in_angle = false,
            ',' | ';' | '\n' | '\r' if !in_quote && !in_angle => {
                items.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current);
    items.retain(|i| !i.trim().is_empty());
    items
}

fn parse_item(item: &str) -> Vec<Recipient> {
    let item = item.trim();
    if let Some(open) = item.rfind('<') {
        let Some(close) = item[open..].find('>').map(|i| open + i) else {
            return vec![Recipient::malformed(item)];
        };
        let name = unquote(item[..open].trim());
        if name.matches('"').count() % 2 == 1 {
            return vec![Recipient::malformed(item)];
        }
        let address = strip_mailto(item[open + 1..close].trim());
        return vec![Recipient::new(Some(name.to_owned()), address)];
    }
    if item.contains('>') || item.matches('"').count() % 2 == 1 {
        return vec![Recipient::malformed(item)];
    }
    // Bare addresses separated by spaces ("a@x.com b@y.org"); anything else with spaces is
    // junk, kept whole so the agent sees what was refused.
    let words: Vec<&str> = item.split_whitespace().collect();
    if words.len() > 1 && !words.iter().all(|w| w.contains('@')) {
        return vec![Recipient::new(None, item)];
    }
    words
        .into_iter()
        .map(|w| Recipient::new(None, strip_mailto(unquote(w))))
        .collect()
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.trim();
        }
    }
    s
}

fn strip_mailto(s: &str) -> &str {
    match s.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("mailto:") => &s[7..],
        _ => s,
    }
}

/// Adds recipients to a chip list, merging case-insensitively on the address: the first
/// spelling stays, and a name fills in where there was none.
pub fn merge(existing: &[Recipient], added: Vec<Recipient>) -> Vec<Recipient> {
    let mut out = existing.to_vec();
    for r in added {
        match out.iter_mut().find(|e| e.key() == r.key()) {
            Some(e) => {
                if e.name.is_none() {
                    e.name = r.name;
                }
            }
            None => out.push(r),
        }
    }
    out
}

/// What the agent changed relative to the server's snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CcChange {
    pub adding: Vec<String>,
    pub removing: Vec<String>,
}

impl CcChange {
    pub fn is_empty(&self) -> bool {
        self.adding.is_empty() && self.removing.is_empty()
    }

    /// "Adding: a@x.com; removing: c@z.io" (in the current locale), or `None` when nothing
    /// changed.
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.adding.is_empty() {
            parts.push(t!("recipients.adding", list = address_list(&self.adding)).into_owned());
        }
        if !self.removing.is_empty() {
            let list = address_list(&self.removing);
            parts.push(if parts.is_empty() {
                t!("recipients.removing", list = list).into_owned()
            } else {
                t!("recipients.removing_after_adding", list = list).into_owned()
            });
        }
        (!parts.is_empty()).then(|| parts.join(&t!("recipients.change_separator")))
    }
}

/// Addresses (or entries) as a list in a sentence, each isolated for right-to-left text.
fn address_list(list: &[String]) -> String {
    list.iter()
        .map(|a| isolate(a))
        .collect::<Vec<_>>()
        .join(&t!("recipients.list_separator"))
}

/// The lower-cased address in a list entry (`ann@x.com` or `Ann <ann@x.com>`).
fn entry_key(entry: &str) -> String {
    parse_recipients(entry)
        .first()
        .map_or_else(|| entry.trim().to_lowercase(), Recipient::key)
}

/// The addresses alone of a list whose entries may carry names, for backends that take bare
/// addresses.
pub fn addresses(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|entry| {
            parse_recipients(entry)
                .first()
                .map_or_else(|| entry.trim().to_owned(), |r| r.address.clone())
        })
        .collect()
}

/// The difference between the snapshot and the chips, case-insensitively by address.
pub fn cc_change(snapshot: &[String], chips: &[Recipient]) -> CcChange {
    let keys: Vec<String> = chips.iter().map(Recipient::key).collect();
    let snap: Vec<String> = snapshot.iter().map(|s| entry_key(s)).collect();
    CcChange {
        adding: chips
            .iter()
            .filter(|c| !snap.contains(&c.key()))
            .map(|c| c.address.clone())
            .collect(),
        removing: snapshot
            .iter()
            .filter(|s| !keys.contains(&entry_key(s)))
            .cloned()
            .collect(),
    }
}

/// The omit-or-send rule: `None` (the field is omitted and the server copies its snapshot)
/// for a note, or when the chips are the snapshot (order and case aside); else the list, with
/// names where the chips have them (`Ann <ann@x.com>`; see [`addresses`]).
pub fn cc_to_send(snapshot: &[String], chips: &[Recipient], is_note: bool) -> Option<Vec<String>> {
    if is_note || cc_change(snapshot, chips).is_empty() {
        return None;
    }
    Some(chips.iter().map(Recipient::label).collect())
}

/// Marks the chips the helpdesk refused in a 400. `sent` is the CC list as it was sent, and an
/// error keyed `{field}[i]` is about `sent[i]`. Returns the errors not tied to a chip.
pub fn mark_refused(
    chips: &mut [Recipient],
    sent: &[String],
    field: &str,
    errors: BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, Vec<String>> {
    let mut rest = BTreeMap::new();
    for (key, messages) in errors {
        let chip = item_index(&key, field)
            .and_then(|i| sent.get(i))
            .and_then(|entry| {
                let wanted = entry_key(entry);
                chips.iter_mut().find(|c| c.key() == wanted)
            });
        match chip {
            Some(chip) => chip.problem = Some(RecipientProblem::Refused(messages.join(" "))),
            None => {
                rest.insert(key, messages);
            }
        }
    }
    rest
}

/// `i` in `field[i]`.
fn item_index(key: &str, field: &str) -> Option<usize> {
    key.strip_prefix(field)?
        .strip_prefix('[')?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// Why sending is blocked, if a chip is invalid (in the current locale).
pub fn blocking_problem(chips: &[Recipient]) -> Option<String> {
    let bad: Vec<&Recipient> = chips.iter().filter(|c| !c.is_valid()).collect();
    match bad.as_slice() {
        [] => None,
        [one] => Some(
            t!(
                "recipients.fix_one",
                address = isolate(&one.address),
                reason = one.problem.as_ref().map(|p| p.reason()).unwrap_or_default()
            )
            .into_owned(),
        ),
        many => {
            let n = many.len() as u64;
            let list = many
                .iter()
                .map(|c| t!("recipients.quoted", address = isolate(&c.address)).into_owned())
                .collect::<Vec<_>>()
                .join(&t!("recipients.list_separator"));
            let key = plural_key("recipients.fix_many", n);
            Some(t!(&key, count = n, list = list).into_owned())
        }
    }
}

/// The list the server would use when the field is omitted: the last customer-visible
/// message's CC, else the ticket's creation-time list.
pub fn cc_snapshot(ticket: &Ticket, thread: &[Message]) -> Vec<String> {
    thread
        .iter()
        .rev()
        .find(|m| !m.is_internal && m.role != Role::System)
        .map_or_else(|| ticket.cc.clone(), |m| m.cc.clone())
}

/// People to offer for `query` (name or address contains it, case-insensitively), leaving
/// out chips already there, `exclude` (the requester) and repeats.
pub fn suggestions(
    query: &str,
    people: &[(Option<String>, String)],
    chips: &[Recipient],
    exclude: &[String],
    limit: usize,
) -> Vec<(Option<String>, String)> {
    let q = query.trim().to_lowercase();
    let mut out: Vec<(Option<String>, String)> = Vec::new();
    for (name, address) in people {
        let key = address.to_lowercase();
        let matches =
            key.contains(&q) || name.as_ref().is_some_and(|n| n.to_lowercase().contains(&q));
        let taken = chips.iter().any(|c| c.key() == key)
            || exclude.iter().any(|e| e.to_lowercase() == key)
            || out.iter().any(|(_, a)| a.to_lowercase() == key);
        if matches && !taken && validate_email(address).is_ok() {
            out.push((name.clone(), address.clone()));
            if out.len() >= limit {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, [(name, address, valid)])
    type Row = (
        &'static str,
        &'static [(Option<&'static str>, &'static str, bool)],
    );

    #[test]
    fn a_label_parses_back_to_its_recipient_even_with_a_comma_or_quote_in_the_name() {
        for name in [
            "Lee, Ann",
            "Ann \"The Boss\" Lee",
            "Ops; Night <shift>",
            "Ann\nLee",
        ] {
            let r = Recipient::new(Some(name.into()), "ann@x.example");
            let again = parse_recipients(&r.label());
            assert_eq!(again.len(), 1, "{:?} → {again:?}", r.label());
            assert_eq!(again[0].key(), "ann@x.example");
            assert!(again[0].is_valid(), "{:?}", r.label());
        }
        let r = Recipient::new(Some("Lee, Ann".into()), "ann@x.example");
        assert_eq!(r.label(), "\"Lee, Ann\" <ann@x.example>");
    }

    #[test]
    fn parsing_table() {
        let rows: &[Row] = &[
            ("ann@x.com", &[(None, "ann@x.com", true)]),
            ("ANN@X.COM", &[(None, "ANN@X.COM", true)]),
            ("  ann@x.com  ", &[(None, "ann@x.com", true)]),
            (
                "Ann Lee <ann@x.com>",
                &[(Some("Ann Lee"), "ann@x.com", true)],
            ),
            (
                "\"Lee, Ann\" <ann@x.com>",
                &[(Some("Lee, Ann"), "ann@x.com", true)],
            ),
            (
                "\"Ann; Bob\" <ab@x.com>",
                &[(Some("Ann; Bob"), "ab@x.com", true)],
            ),
            ("<ann@x.com>", &[(None, "ann@x.com", true)]),
            ("'ann@x.com'", &[(None, "ann@x.com", true)]),
            ("mailto:ann@x.com", &[(None, "ann@x.com", true)]),
            ("MAILTO:ann@x.com", &[(None, "ann@x.com", true)]),
            (
                "Ann <mailto:ann@x.com>",
                &[(Some("Ann"), "ann@x.com", true)],
            ),
            ("ann@x.com,", &[(None, "ann@x.com", true)]),
            ("ann@x.com;;", &[(None, "ann@x.com", true)]),
            (
                "a@x.com\nb@y.org\r\nc@z.io",
                &[
                    (None, "a@x.com", true),
                    (None, "b@y.org", true),
                    (None, "c@z.io", true),
                ],
            ),
            (
                "a@x.com b@y.org\tc@z.io",
                &[
                    (None, "a@x.com", true),
                    (None, "b@y.org", true),
                    (None, "c@z.io", true),
                ],
            ),
            ("jörg@bücher.de", &[(None, "jörg@bücher.de", false)]),
            ("joerg@bücher.de", &[(None, "joerg@bücher.de", true)]),
            (
                "info@xn--bcher-kva.de",
                &[(None, "info@xn--bcher-kva.de", true)],
            ),
            ("info@例子.广告", &[(None, "info@例子.广告", true)]),
            ("foo", &[(None, "foo", false)]),
            ("@x.com", &[(None, "@x.com", false)]),
            ("a@", &[(None, "a@", false)]),
            ("a@b", &[(None, "a@b", false)]),
            ("a..b@x.com", &[(None, "a..b@x.com", false)]),
            ("<>", &[(None, "", false)]),
            (
                "\"unterminated <a@x.com>",
                &[(None, "\"unterminated <a@x.com>", false)],
            ),
            ("Ann <ann@x.com", &[(None, "Ann <ann@x.com", false)]),
            ("not an address", &[(None, "not an address", false)]),
            ("   ", &[]),
            (",;\n", &[]),
        ];
        for (input, want) in rows {
            let got = parse_recipients(input);
            let got: Vec<(Option<&str>, &str, bool)> = got
                .iter()
                .map(|r| (r.name.as_deref(), r.address.as_str(), r.is_valid()))
                .collect();
            assert_eq!(&got, want, "input {input:?}");
        }
    }

    #[test]
    fn the_paste_example_gives_three_chips() {
        let chips = parse_recipients("Ann <ann@x.com>, bob@y.org; c@z.io");
        let labels: Vec<String> = chips.iter().map(Recipient::label).collect();
        assert_eq!(labels, ["Ann <ann@x.com>", "bob@y.org", "c@z.io"]);
        assert!(chips.iter().all(Recipient::is_valid));
    }

    #[test]
    fn refused_addresses_become_red_chips_by_their_index_in_what_was_sent() {
        let mut chips = parse_recipients("Ann <ann@x.com>, BOB@y.org");
        // Sent in another order than shown, as the server saw it.
        let sent = vec!["bob@y.org".to_owned(), "ann@x.com".to_owned()];
        let errors = BTreeMap::from([
            (
                "cc[0]".to_owned(),
                vec!["Mailbox does not exist.".to_owned()],
            ),
            ("cc[7]".to_owned(), vec!["Gone.".to_owned()]),
            ("content".to_owned(), vec!["Too long.".to_owned()]),
        ]);
        let rest = mark_refused(&mut chips, &sent, "cc", errors);
        assert!(chips[0].is_valid());
        assert_eq!(
            chips[1]
                .problem
                .as_ref()
                .map(RecipientProblem::reason)
                .as_deref(),
            Some("The helpdesk refused it: Mailbox does not exist.")
        );
        assert!(blocking_problem(&chips).unwrap().contains("BOB@y.org"));
        // What is not about a chip stays for the field or the general message.
        assert_eq!(rest.keys().collect::<Vec<_>>(), ["cc[7]", "content"]);
        // A refused chip survives storing the draft.
        let json = serde_json::to_string(&chips).unwrap();
        assert_eq!(
            serde_json::from_str::<Vec<Recipient>>(&json).unwrap(),
            chips
        );
    }

    #[test]
    fn invalid_chips_say_why_and_block_sending() {
        let chips = parse_recipients("ok@x.com, a@b");
        assert_eq!(
            chips[1]
                .problem
                .as_ref()
                .map(RecipientProblem::reason)
                .as_deref(),
            Some("The domain after @ is not valid.")
        );
        let problem = blocking_problem(&chips).unwrap();
        assert!(problem.contains("a@b"), "{problem}");
        assert!(blocking_problem(&chips[..1]).is_none());
        let two = parse_recipients("x, y");
        assert!(blocking_problem(&two)
            .unwrap()
            .starts_with("Fix or remove 2"));
    }

    #[test]
    fn merging_is_case_insensitive_and_keeps_order() {
        let first = parse_recipients("Ann@X.com, b@y.org");
        let merged = merge(
            &first,
            parse_recipients("Ann Lee <ann@x.com>, c@z.io, B@Y.ORG"),
        );
        let labels: Vec<String> = merged.iter().map(Recipient::label).collect();
        assert_eq!(labels, ["Ann Lee <Ann@X.com>", "b@y.org", "c@z.io"]);
    }

    #[test]
    fn long_pastes_stay_fast_enough() {
        let input: Vec<String> = (0..1000).map(|i| format!("user{i}@example.com")).collect();
        let chips = merge(&[], parse_recipients(&input.join(", ")));
        assert_eq!(chips.len(), 1000);
    }

    #[test]
    fn changes_and_the_omit_or_send_rule() {
        let snapshot = vec!["a@x.com".to_owned(), "b@y.org".to_owned()];
        let same = parse_recipients("B@Y.org, A@x.com");
        assert!(cc_change(&snapshot, &same).is_empty());
        assert_eq!(cc_to_send(&snapshot, &same, false), None);

        let changed = parse_recipients("a@x.com, c@z.io");
        let change = cc_change(&snapshot, &changed);
        assert_eq!(
            change.summary().as_deref(),
            Some("Adding: c@z.io; removing: b@y.org")
        );
        assert_eq!(
            cc_to_send(&snapshot, &changed, false),
            Some(vec!["a@x.com".to_owned(), "c@z.io".to_owned()])
        );
        assert_eq!(
            cc_to_send(&snapshot, &[], false),
            Some(vec![]),
            "removing everyone is a change"
        );
        assert_eq!(
            cc_to_send(&snapshot, &changed, true),
            None,
            "a note never carries CC"
        );
        assert_eq!(
            cc_change(&snapshot, &[]).summary().as_deref(),
            Some("Removing: a@x.com, b@y.org")
        );
    }

    #[test]
    fn names_travel_with_the_list_and_compare_by_address() {
        // A snapshot from a backend with named CCs is the same list as the same chips.
        let snapshot = vec!["Ann Lee <ann@x.com>".to_owned(), "bob@y.org".to_owned()];
        let chips = parse_recipients("ANN@x.com, Bob <bob@y.org>");
        assert!(cc_change(&snapshot, &chips).is_empty());
        let added = parse_recipients("Ann Lee <ann@x.com>, Cy <cy@z.io>");
        let sent = cc_to_send(&snapshot, &added, false).unwrap();
        assert_eq!(sent, ["Ann Lee <ann@x.com>", "Cy <cy@z.io>"]);
        assert_eq!(addresses(&sent), ["ann@x.com", "cy@z.io"]);
        // A refusal of the second entry marks Cy's chip.
        let mut chips = added;
        let mut errors = BTreeMap::new();
        errors.insert("cc[1]".to_owned(), vec!["Unknown mailbox.".to_owned()]);
        let rest = mark_refused(&mut chips, &sent, "cc", errors);
        assert!(rest.is_empty());
        assert!(chips[0].is_valid() && !chips[1].is_valid());
    }

    fn message(id: &str, internal: bool, role: Role, cc: &[&str]) -> Message {
        Message {
            id: id.into(),
            role,
            author: None,
            author_user_id: None,
            text: None,
            html: None,
            is_internal: internal,
            cc: cc.iter().map(|s| (*s).to_owned()).collect(),
            attachments: vec![],
            created_at: String::new(),
            problems: vec![],
        }
    }

    fn ticket(cc: &[&str]) -> Ticket {
        Ticket {
            id: "1".into(),
            number: None,
            subject: String::new(),
            requester: None,
            status: None,
            assignee: None,
            inbox: None,
            tags: vec![],
            cc: cc.iter().map(|s| (*s).to_owned()).collect(),
            is_spam: false,
            created_at: None,
            updated_at: None,
            fields: Vec::new(),
        }
    }

    #[test]
    fn the_snapshot_is_the_last_visible_messages_list_else_the_tickets() {
        let t = ticket(&["t@x.com"]);
        assert_eq!(cc_snapshot(&t, &[]), ["t@x.com"]);
        let thread = vec![
            message("1", false, Role::Customer, &["a@x.com"]),
            message("2", true, Role::Associate, &[]),
            message("3", false, Role::System, &[]),
        ];
        assert_eq!(
            cc_snapshot(&t, &thread),
            ["a@x.com"],
            "notes and events are skipped"
        );
        let notes_only = vec![message("2", true, Role::Associate, &[])];
        assert_eq!(cc_snapshot(&t, &notes_only), ["t@x.com"]);
    }

    #[test]
    fn suggestions_match_names_and_addresses_once() {
        let people = vec![
            (Some("Ann Lee".to_owned()), "ann@x.com".to_owned()),
            (None, "ANN@x.com".to_owned()),
            (Some("Bob".to_owned()), "bob@y.org".to_owned()),
            (Some("Req".to_owned()), "req@x.com".to_owned()),
            (None, "broken".to_owned()),
        ];
        let got = suggestions("lee", &people, &[], &[], 5);
        assert_eq!(got, [(Some("Ann Lee".to_owned()), "ann@x.com".to_owned())]);
        let got = suggestions("x.com", &people, &[], &["req@x.com".into()], 5);
        assert_eq!(got.len(), 1, "{got:?}");
        let chips = parse_recipients("bob@y.org");
        assert!(suggestions("bob", &people, &chips, &[], 5).is_empty());
        assert_eq!(suggestions("o", &people, &[], &[], 1).len(), 1);
    }
}
