//! State that outlives a view: for now the agent's image preferences, kept in the browser.

pub mod image_prefs;
