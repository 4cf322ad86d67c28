//! The conversation: the ticket header and its thread of messages.

mod attachments;
mod body;
mod message;
mod thread;
mod ticket_header;

pub use attachments::AttachmentList;
pub use body::{BodyCache, MessageBody};
pub use message::MessageItem;
pub use thread::{neighbour_article, Thread};
pub use ticket_header::TicketHeader;
