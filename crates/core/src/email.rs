//! Email address validation shared by the composer's CC chips and the reference server, so
//! both sides agree on what a valid recipient is.

use rust_i18n::t;

/// Why an address is not acceptable, in words for the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailProblem {
    Empty,
    TooLong,
    MissingAt,
    BadLocalPart,
    BadDomain,
}

impl EmailProblem {
    /// A short reason shown on an invalid chip, in the current locale.
    pub fn reason(self) -> String {
        match self {
            EmailProblem::Empty => t!("email.empty"),
            EmailProblem::TooLong => t!("email.too_long"),
            EmailProblem::MissingAt => t!("email.missing_at"),
            EmailProblem::BadLocalPart => t!("email.bad_local_part"),
            EmailProblem::BadDomain => t!("email.bad_domain"),
        }
        .into_owned()
    }
}

/// Checks an address (`name@example.com`; no display name, no comments) the way mail
/// servers accept it in practice: a dot-atom local part and a dotted host name.
pub fn validate_email(address: &str) -> Result<(), EmailProblem> {
    if address.is_empty() {
        return Err(EmailProblem::Empty);
    }
    if address.len() > 254 {
        return Err(EmailProblem::TooLong);
    }
    let (local, domain) = match address.rsplit_once('@') {
        Some((l, d)) if !l.contains('@') => (l, d),
        _ => return Err(EmailProblem::MissingAt),
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    if !local_ok {
        return Err(EmailProblem::BadLocalPart);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(char::is_alphabetic) && tld.len() >= 2);
    if !domain_ok {
        return Err(EmailProblem::BadDomain);
    }
    Ok(())
}

/// Whether `address` is valid (see [`validate_email`]).
pub fn is_valid_email(address: &str) -> bool {
    validate_email(address).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_valid() {
        for ok in [
            "ann@x.com",
            "bob.smith+tag@mail.example.org",
            "o'neil@ex-ample.co.uk",
            "z@bücher.de",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
    }

    #[test]
    fn broken_addresses_say_why() {
        assert_eq!(validate_email(""), Err(EmailProblem::Empty));
        assert_eq!(validate_email("ann.x.com"), Err(EmailProblem::MissingAt));
        assert_eq!(validate_email("a@b@c.com"), Err(EmailProblem::MissingAt));
        assert_eq!(
            validate_email(".ann@x.com"),
            Err(EmailProblem::BadLocalPart)
        );
        assert_eq!(
            validate_email("an n@x.com"),
            Err(EmailProblem::BadLocalPart)
        );
        assert_eq!(
            validate_email("ann@localhost"),
            Err(EmailProblem::BadDomain)
        );
        assert_eq!(validate_email("ann@-x.com"), Err(EmailProblem::BadDomain));
        assert_eq!(validate_email("ann@x.c0m"), Err(EmailProblem::BadDomain));
        assert_eq!(
            validate_email(&format!("{}@x.com", "a".repeat(65))),
            Err(EmailProblem::BadLocalPart)
        );
    }
}
