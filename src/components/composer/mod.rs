//! The composer: reply or internal note with recipients, next action, next assignee and
//! attachments; drafts; and the outbox that sends each message exactly once.

mod after_send;
mod assignee;
mod cc_field;
mod chunk;
#[allow(clippy::module_inception)] // the component is the module's point
mod composer;
mod conflict_banner;
mod editor;
mod email_options;
mod mentions;
mod mode_nudge;
mod mode_switch;
mod next_action;
mod outgoing;
mod placeholder_notice;
mod saved_replies;
mod saved_reply_dialog;
mod signature;
mod stale_banner;
mod ticket_fields;
mod toolbox;
mod uploads;

pub use chunk::{preload_composer_when, LazyComposer};
pub use composer::Composer;
pub use outgoing::{add_to_thread, OutboxState, OutgoingList, SentToast};
