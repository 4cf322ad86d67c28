//! Reusable view pieces: `common` (safe HTML, errors, time), `conversation` (thread and
//! messages) and `composer` (the reply box).

pub mod common;
pub mod composer;
pub mod conversation;
