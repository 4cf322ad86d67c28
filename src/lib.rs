//! Threadline, the app: a Leptos (CSR) view of one helpdesk ticket's conversation with a reply
//! box, driven by threadline-core's dialects.
//!
//! - [`config`]: the runtime `config.json`, read at start.
//! - [`api`]: the transport (the only code that touches the network) and the typed client.
//! - [`components`]: conversation, composer and common pieces.
//! - [`pages`]: the ticket list and the ticket page, routed by leptos_router.
//! - [`state`]: state that outlives a view (image preferences).
//! - [`app`]: the root component.
//! - [`panic`]: a panic keeps the drafts and says so.
//! - [`i18n`]: the locale, and dates, times and sizes in it (words in `locales/app.yml`).
//! - [`embed`]: `<threadline-conversation>` elements in other products' pages.

/// `rust_i18n::t!` in the locale of the conversation being drawn ([`i18n::here`]): an
/// embedded conversation speaks its element's language, whatever the others on the page speak.
macro_rules! t {
    ($key:expr $(,)?) => {
        rust_i18n::t!($key, locale = crate::i18n::here().code)
    };
    ($key:expr, $($rest:tt)+) => {
        rust_i18n::t!($key, locale = crate::i18n::here().code, $($rest)+)
    };
}
pub(crate) use t;

pub mod api;
pub mod app;
pub mod components;
pub mod config;
pub mod embed;
pub mod i18n;
pub mod pages;
pub mod panic;
pub mod state;

// The app's message catalogue (locales/app.yml); core has its own, and one locale for both.
rust_i18n::i18n!("locales", fallback = "en");
