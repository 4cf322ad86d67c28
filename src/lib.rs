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
//! - [`embed`]: `<threadline-conversation>` elements in other products' pages.

pub mod api;
pub mod app;
pub mod components;
pub mod config;
pub mod embed;
pub mod pages;
pub mod panic;
pub mod state;
