//! Routed pages: the ticket list, the agent's ticket view, the customer's view through a
//! link, and the framed view for portals that use an iframe.

mod framed_page;
mod portal_page;
mod ticket_list;
mod ticket_page;

pub use framed_page::FramedPage;
pub use portal_page::PortalPage;
pub use ticket_list::TicketListPage;
pub use ticket_page::{ConversationView, TicketPage};
