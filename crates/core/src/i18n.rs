//! Languages: which locales Threadline speaks, how one is chosen from what the configuration
//! and the browser ask for, writing direction, plural categories (CLDR rules for the
//! locales we ship) and bidi isolation of interpolated values.
//!
//! The words themselves are in message catalogues (`locales/*.yml`, rust-i18n's version-2
//! format: every locale of a key side by side), one for this crate and one for the app; the
//! current locale is one process-wide setting both read.

/// A locale Threadline ships: its code, its name in itself, and whether it is written right
/// to left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    pub code: &'static str,
    pub name: &'static str,
    pub rtl: bool,
}

/// Every shipped locale; the first is the fallback for keys and for unknown languages.
pub const LOCALES: &[Locale] = &[
    Locale {
        code: "en",
        name: "English",
        rtl: false,
    },
    Locale {
        code: "de",
        name: "Deutsch",
        rtl: false,
    },
    Locale {
        code: "ar",
        name: "العربية",
        rtl: true,
    },
];

/// The shipped locale for the first of `wanted` (BCP 47 tags, best first: the configuration's
/// choice, then the browser's languages) that we speak, by primary language; else English.
pub fn negotiate<'w>(wanted: impl IntoIterator<Item = &'w str>) -> Locale {
    wanted
        .into_iter()
        .find_map(|tag| {
            let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
            LOCALES.iter().find(|l| l.code == primary).copied()
        })
        .unwrap_or(LOCALES[0])
}

/// Makes `locale` the one every message is written in.
pub fn set_locale(locale: Locale) {
    rust_i18n::set_locale(locale.code);
}

/// The locale messages are written in now.
pub fn current() -> Locale {
    let code = rust_i18n::locale();
    LOCALES
        .iter()
        .find(|l| l.code == &*code)
        .copied()
        .unwrap_or(LOCALES[0])
}

/// The CLDR plural category of `n` in `locale` (cardinal), as used for the sub-keys of
/// plural messages: `zero`, `one`, `two`, `few`, `many`, `other`.
pub fn plural_category(locale: Locale, n: u64) -> &'static str {
    match locale.code {
        "ar" => match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        _ if n == 1 => "one",
        _ => "other",
    }
}

/// The key of the plural form of message `key` for `n` in the current locale.
pub fn plural_key(key: &str, n: u64) -> String {
    format!("{key}.{}", plural_category(current(), n))
}

/// `value` set apart for the bidirectional algorithm when the page is right to left, so a
/// Latin name or address inside Arabic text keeps its own order (and punctuation its place).
pub fn isolate(value: &str) -> String {
    if current().rtl {
        format!("\u{2068}{value}\u{2069}")
    } else {
        value.to_owned()
    }
}

/// Every key a catalogue has for `locale` (for [`missing_translations`]).
pub fn keys_of(backend: &dyn rust_i18n::Backend, locale: &str) -> Vec<String> {
    backend
        .messages_for_locale(locale)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, _)| k.into_owned())
        .collect()
}

/// Catalogue checks shared by this crate's and the app's tests: every key of the fallback
/// locale exists in every other locale, in every plural form that locale needs.
pub fn missing_translations(messages: impl Fn(&str) -> Vec<String>) -> Vec<String> {
    const FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];
    let english = messages(LOCALES[0].code);
    let mut bases: Vec<&str> = Vec::new();
    let mut plain: Vec<&str> = Vec::new();
    for key in &english {
        match key.rsplit_once('.') {
            Some((base, form)) if FORMS.contains(&form) => {
                if !bases.contains(&base) {
                    bases.push(base);
                }
            }
            _ => plain.push(key),
        }
    }
    let mut missing = Vec::new();
    for locale in &LOCALES[1..] {
        let have = messages(locale.code);
        let needed_forms: Vec<&str> = FORMS
            .into_iter()
            .filter(|f| (0..=111).any(|n| plural_category(*locale, n) == *f))
            .collect();
        for key in &plain {
            if !have.iter().any(|h| h == key) {
                missing.push(format!("{}: {key}", locale.code));
            }
        }
        for base in &bases {
            for form in &needed_forms {
                let key = format!("{base}.{form}");
                if !have.contains(&key) {
                    missing.push(format!("{}: {key}", locale.code));
                }
            }
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_language_we_speak_wins() {
        assert_eq!(negotiate(["de-AT", "en"]).code, "de");
        assert_eq!(negotiate(["fr-FR", "ar_EG", "de"]).code, "ar");
        assert_eq!(negotiate(["DE"]).code, "de");
        assert_eq!(negotiate(["fr", "it"]).code, "en");
        assert_eq!(negotiate([""]).code, "en");
        assert!(negotiate(["ar"]).rtl);
    }

    #[test]
    fn plural_categories_follow_cldr() {
        let (en, ar) = (LOCALES[0], LOCALES[2]);
        assert_eq!(plural_category(en, 0), "other");
        assert_eq!(plural_category(en, 1), "one");
        assert_eq!(plural_category(en, 2), "other");
        let arabic: Vec<_> = [0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111]
            .into_iter()
            .map(|n| plural_category(ar, n))
            .collect();
        assert_eq!(
            arabic,
            ["zero", "one", "two", "few", "few", "many", "many", "other", "other", "few", "many"]
        );
    }

    #[test]
    fn every_core_message_is_translated() {
        let messages = |locale: &str| keys_of(crate::_rust_i18n_backend(), locale);
        assert!(!messages("en").is_empty());
        assert_eq!(missing_translations(messages), Vec::<String>::new());
    }

    #[test]
    fn a_missing_form_is_reported() {
        let messages = |locale: &str| -> Vec<String> {
            match locale {
                "en" => vec!["a".into(), "n.one".into(), "n.other".into()],
                "de" => vec!["a".into(), "n.one".into(), "n.other".into()],
                _ => vec!["n.one".into(), "n.other".into()],
            }
        };
        let missing = missing_translations(messages);
        assert!(missing.contains(&"ar: a".to_owned()), "{missing:?}");
        assert!(missing.contains(&"ar: n.few".to_owned()), "{missing:?}");
        assert!(!missing.iter().any(|m| m.starts_with("de")), "{missing:?}");
    }
}
