//! Checks of this crate's message catalogue (`locales/core.yml`) against the code that uses it.
//! The locale is always passed explicitly: the current one is process-wide, and other tests
//! run at the same time in English.

use std::collections::BTreeSet;
use std::path::Path;

use rust_i18n::t;

use crate::i18n::{plural_category, LOCALES};

const FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// Placeholders a translation may use beyond (or instead of) the English text's.
const OTHER_PLACEHOLDERS: &[(&str, &str)] = &[
    ("airclou.cannot_do", "action"),
    ("airclou.cannot_do", "action_lowercase"),
    ("airclou.bad_field_value", "key"),
    ("airclou.bad_field_value", "label"),
];

fn messages(locale: &str) -> Vec<(String, String)> {
    crate::_rust_i18n_backend()
        .messages_for_locale(locale)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A key without its plural form (`recipients.fix_many.few` → `recipients.fix_many`).
fn base(key: &str) -> &str {
    match key.rsplit_once('.') {
        Some((base, form)) if FORMS.contains(&form) => base,
        _ => key,
    }
}

fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split("%{")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The dotted string literals under `dir` whose first part is one of `groups`: the keys the
/// code names, given to `t!` or to `plural_key`.
fn keys_named_in(dir: &Path, groups: &BTreeSet<&str>, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            keys_named_in(&path, groups, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for literal in source.split('"').skip(1) {
                let is_key = literal.contains('.')
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c));
                let group = literal.split('.').next().unwrap_or_default();
                if is_key && groups.contains(group) {
                    out.insert(literal.to_owned());
                }
            }
        }
    }
}

#[test]
fn the_code_and_the_catalogue_name_the_same_keys() {
    let english = messages("en");
    let keys: BTreeSet<String> = english.iter().map(|(k, _)| base(k).to_owned()).collect();
    let groups: BTreeSet<&str> = keys.iter().filter_map(|k| k.split('.').next()).collect();
    let mut named = BTreeSet::new();
    keys_named_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &groups,
        &mut named,
    );
    let unknown: Vec<&String> = named.difference(&keys).collect();
    assert!(
        unknown.is_empty(),
        "named in the code, not in English: {unknown:?}"
    );
    let unused: Vec<&String> = keys.difference(&named).collect();
    assert!(
        unused.is_empty(),
        "in the catalogue, never named: {unused:?}"
    );
}

#[test]
fn translations_use_the_english_placeholders() {
    let english = messages("en");
    let english_of = |key: &str| {
        let other = format!("{}.other", base(key));
        english
            .iter()
            .find(|(k, _)| k == key || *k == other)
            .map(|(_, v)| v.clone())
    };
    for locale in &LOCALES[1..] {
        for (key, text) in messages(locale.code) {
            let Some(en) = english_of(&key) else {
                panic!("{}: {key} has no English", locale.code)
            };
            let extra = |name: &str| OTHER_PLACEHOLDERS.contains(&(base(&key), name));
            let (theirs, ours) = (placeholders(&text), placeholders(&en));
            // A plural form may say its number in words ("one day"), so `count` may go.
            let lost: Vec<_> = ours
                .difference(&theirs)
                .filter(|p| **p != "count" && !extra(p))
                .collect();
            let added: Vec<_> = theirs.difference(&ours).filter(|p| !extra(p)).collect();
            assert!(
                lost.is_empty() && added.is_empty(),
                "{}: {key} lost {lost:?}, added {added:?}",
                locale.code
            );
        }
    }
}

#[test]
fn messages_read_in_german_and_arabic_and_arabic_counts_in_six_forms() {
    assert_eq!(t!("email.empty", locale = "de"), "Die Adresse ist leer.");
    assert_eq!(t!("email.empty", locale = "ar"), "العنوان فارغ.");
    assert_eq!(
        t!("outbox.gateway", locale = "de", status = 502),
        "Der Helpdesk ist kurzzeitig nicht erreichbar (HTTP 502)."
    );
    // Arabic has a form for each of 0, 1, 2, 3–10, 11–99 and 100+.
    let arabic = LOCALES[2];
    let fix = |n: u64| {
        let key = format!("recipients.fix_many.{}", plural_category(arabic, n));
        t!(&key, locale = "ar", count = n, list = "x@y").into_owned()
    };
    let forms = [0, 1, 2, 3, 11, 100].map(fix);
    let mut distinct = forms.to_vec();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 6, "{forms:?}");
    assert!(forms.iter().all(|f| f.contains("x@y")), "{forms:?}");
    let german = LOCALES[1];
    let fix_de = |n: u64| {
        let key = format!("recipients.fix_many.{}", plural_category(german, n));
        t!(&key, locale = "de", count = n, list = "x@y").into_owned()
    };
    assert_eq!(
        [1, 2].map(fix_de),
        [
            "Korrigieren oder entfernen Sie 1 ungültigen CC-Empfänger: x@y.",
            "Korrigieren oder entfernen Sie 2 ungültige CC-Empfänger: x@y."
        ]
    );
}
