//! The composer: reply or internal note with recipients, next action, next assignee and
//! attachments; drafts; and the outbox that sends each message exactly once.

mod cc_field;
#[allow(clippy::module_inception)] // the component is the module's point
mod composer;
mod editor;
mod outgoing;
mod uploads;

pub use composer::Composer;
pub use outgoing::{add_to_thread, OutboxState, OutgoingList};
