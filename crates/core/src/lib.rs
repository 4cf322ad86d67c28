//! threadline-core: everything in Threadline that can be decided without a browser or a network.
//!
//! - [`model`]: tickets, messages, people, attachments and next actions, independent of any API.
//! - [`http`]: plain descriptions of HTTP requests and responses, so dialects stay sans-IO.
//! - [`compose`]: the composer's Markdown rendering, toolbar edits and send label.
//! - [`dialect`]: one module per helpdesk API, building requests and parsing responses.
//! - [`draft`]: drafts, their save rule across tabs, and the stale-reply guard.
//! - [`outbox`]: messages on their way, sent exactly once.
//! - [`recipients`]: CC chips: parsing, merging, the snapshot and the omit-or-send rule.
//! - [`shortcuts`]: keyboard shortcuts, and when keys are left alone.
//! - [`email`]: address validation shared by the composer and the server.
//! - [`error`]: the typed API error every dialect produces.
//! - [`fold`]: where quoted history starts, folded only when it repeats the thread.
//! - [`i18n`]: locales, plural rules and bidi isolation (the words are in `locales/`).
//! - [`html`]: the one sanitizer, producing [`html::SafeHtml`].
//! - [`time`]: timestamp parsing for ordering.
//! - [`saved_replies`], [`placeholders`]: the composer's saved replies and how they are filled.
//! - [`mentions`]: @mentions of agents in notes.
//! - [`nudge`]: whether a public reply follows a colleague's internal note.
//! - [`own_api`]: Threadline's own API (saved replies, signatures), sans-IO.
//! - [`live`]: the ticket's event stream and presence, shared by the server and the app.
//! - [`sse`]: reading a Server-Sent Events stream.
//!
//! This crate must never depend on leptos, web-sys, js-sys, gloo or wasm-bindgen.

pub mod after_send;
mod colour;
pub mod compose;
pub mod dialect;
pub mod draft;
pub mod email;
pub mod error;
pub mod events;
pub mod find;
pub mod fold;
pub mod html;
pub mod http;
pub mod i18n;
mod linkify;
pub mod live;
pub mod mentions;
pub mod model;
pub mod nudge;
pub mod original;
pub mod outbox;
pub mod outgoing;
pub mod own_api;
pub mod placeholders;
pub mod recipients;
pub mod saved_replies;
pub mod seen;
pub mod shortcuts;
pub mod sse;
pub mod time;
pub mod virtual_list;

pub use error::ApiError;

// This crate's message catalogue (locales/core.yml); the locale is set through [`i18n`].
rust_i18n::i18n!("locales", fallback = "en");

#[cfg(test)]
mod catalogue_tests;
