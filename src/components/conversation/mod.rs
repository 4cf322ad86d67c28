//! The conversation: the ticket header and its thread of messages.

mod attachments;
mod body;
mod event_group;
mod find_bar;
mod image_viewer;
mod message;
mod navigate;
mod original;
mod presence;
mod print_view;
mod reveal;
mod thread;
mod ticket_header;

pub use attachments::AttachmentList;
pub use body::{BodyCache, MessageBody};
pub use event_group::{EventGroup, OpenRuns};
pub use find_bar::FindBar;
pub use image_viewer::{open_clicked_image, Gallery, ImageViewer};
pub use message::MessageItem;
pub use navigate::{embedded_linked_message, linked_message, ThreadNav};
pub use original::MessageMenu;
pub use presence::PresenceList;
pub use print_view::PrintConversation;
pub use reveal::{
    first_on_screen, focus_message, newest_on_screen, next_frame, reveal, reveal_message,
    settle_at_bottom,
};
pub use thread::{neighbour_article, Thread};
pub use ticket_header::{TicketDetails, TicketHeader};
