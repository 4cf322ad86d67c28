//! Reusable view pieces: `common` (safe HTML, errors, time), `conversation` (thread and
//! messages), `composer` (the reply box) and `shortcuts` (a conversation's keys).

pub mod common;
pub mod composer;
pub mod conversation;
pub mod shortcuts;
