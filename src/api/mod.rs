//! The typed API client: a dialect (sans-IO) plus the transport. Pages and stores call this,
//! never the network directly.

pub mod transport;

use std::sync::Arc;

use threadline_core::dialect::{sort_thread, Dialect};
use threadline_core::model::{Attachment, Capabilities, Message, NewMessage, Page, Ticket, User};
use threadline_core::ApiError;

/// Most pages of a thread we follow before stopping (a loop guard, not a product limit).
const MAX_PAGES: usize = 200;

/// The client for the configured helpdesk. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    dialect: Arc<dyn Dialect>,
}

impl Client {
    /// A client speaking `dialect`.
    pub fn new(dialect: Arc<dyn Dialect>) -> Self {
        Self { dialect }
    }

    /// What the backend allows.
    pub fn capabilities(&self) -> Capabilities {
        self.dialect.capabilities()
    }

    /// The first page of tickets.
    pub async fn tickets(&self) -> Result<Page<Ticket>, ApiError> {
        let response = transport::execute(&self.dialect.list_tickets_request()).await?;
        self.dialect.parse_ticket_page(&response)
    }

    /// One ticket.
    pub async fn ticket(&self, id: &str) -> Result<Ticket, ApiError> {
        let response = transport::execute(&self.dialect.get_ticket_request(id)?).await?;
        self.dialect.parse_ticket(&response)
    }

    /// The whole thread, following `next` links, oldest first.
    pub async fn thread(&self, id: &str) -> Result<Vec<Message>, ApiError> {
        let mut request = self.dialect.list_messages_request(id)?;
        let mut messages = Vec::new();
        for _ in 0..MAX_PAGES {
            let response = transport::execute(&request).await?;
            let page = self.dialect.parse_message_page(&response)?;
            messages.extend(page.items);
            match page.next {
                Some(next) => request = self.dialect.next_page_request(&next)?,
                None => break,
            }
        }
        sort_thread(&mut messages);
        Ok(messages)
    }

    /// Posts a reply or note and returns the stored message.
    pub async fn send(&self, ticket_id: &str, message: &NewMessage) -> Result<Message, ApiError> {
        let response =
            transport::execute(&self.dialect.create_message_request(ticket_id, message)?).await?;
        self.dialect.parse_created_message(&response)
    }

    /// Downloads an attachment (with the credentials it needs) into an object URL.
    pub async fn attachment_url(&self, attachment: &Attachment) -> Result<String, ApiError> {
        let request = self.dialect.download_request(attachment).ok_or_else(|| {
            ApiError::InvalidRequest(format!("{} has no download link", attachment.name))
        })?;
        transport::fetch_object_url(&request)
            .await?
            .map_err(|response| self.dialect.parse_error(&response))
    }

    /// Agents for the assignee picker; `None` when the backend has no such list.
    pub async fn users(&self) -> Result<Option<Vec<User>>, ApiError> {
        let response = transport::execute(&self.dialect.list_users_request()).await?;
        self.dialect.parse_users(&response)
    }
}
