//! The conversation: the ticket header and its thread of messages.

mod attachments;
mod body;
mod event_group;
mod message;
mod original;
mod reveal;
mod thread;
mod ticket_header;

pub use attachments::AttachmentList;
pub use body::{BodyCache, MessageBody};
pub use event_group::{EventGroup, OpenRuns};
pub use message::MessageItem;
pub use original::MessageMenu;
pub use reveal::{reveal, reveal_message, settle_at_bottom};
pub use thread::{neighbour_article, Thread};
pub use ticket_header::{TicketDetails, TicketHeader};
