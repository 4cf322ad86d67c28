//! Routed pages: the ticket list and the agent's ticket view.

mod shortcuts;
mod ticket_list;
mod ticket_page;

pub use ticket_list::TicketListPage;
pub use ticket_page::{reveal_message, ConversationView, FramedPage, PortalPage, TicketPage};
