//! The conversation: the ticket header and its thread of messages.

mod message;
mod thread;
mod ticket_header;

pub use message::MessageItem;
pub use thread::Thread;
pub use ticket_header::TicketHeader;
