//! The typed API client: a dialect (sans-IO) plus the transport. Pages and stores call this,
//! never the network directly.

pub mod transport;

use std::sync::Arc;

use threadline_core::dialect::{newest_pages, sort_thread, Dialect};
use threadline_core::model::{Attachment, Capabilities, Message, NewMessage, Page, Ticket};
use threadline_core::ApiError;

/// Most pages of a thread we follow before stopping (a loop guard, not a product limit).
const MAX_PAGES: usize = 200;

/// A run of consecutive messages, oldest first, and the page before it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadChunk {
    pub messages: Vec<Message>,
    /// The page holding the messages just before these (`None`: these are the oldest).
    pub older_page: Option<u64>,
}

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

    /// The newest messages of a thread (older ones come from [`Client::older`]). Asks for one
    /// message first to learn the count, then for the last page(s).
    pub async fn latest(&self, id: &str) -> Result<ThreadChunk, ApiError> {
        let probe = transport::execute(&self.dialect.message_page_request(id, 1, 1)?).await?;
        let probe = self.dialect.parse_message_page(&probe)?;
        let Some(total) = probe.total else {
            // No count (an unpaginated list, or cursor links): read it all.
            return Ok(ThreadChunk {
                messages: self.thread(id).await?,
                older_page: None,
            });
        };
        let size = self.dialect.page_size();
        let pages = newest_pages(total, size);
        let mut messages = Vec::new();
        // Oldest page first: the sort below is stable, and messages stamped in the same second
        // must keep the server's order across pages.
        for page in pages.iter().rev() {
            messages.extend(self.page(id, *page, size).await?);
        }
        sort_thread(&mut messages);
        let oldest = pages.iter().copied().min().unwrap_or(1);
        Ok(ThreadChunk {
            messages,
            older_page: (oldest > 1).then(|| oldest - 1),
        })
    }

    /// One older page of a thread.
    pub async fn older(&self, id: &str, page: u64) -> Result<ThreadChunk, ApiError> {
        let mut messages = self.page(id, page, self.dialect.page_size()).await?;
        sort_thread(&mut messages);
        Ok(ThreadChunk {
            messages,
            older_page: (page > 1).then(|| page - 1),
        })
    }

    async fn page(&self, id: &str, page: u64, size: u32) -> Result<Vec<Message>, ApiError> {
        let response =
            transport::execute(&self.dialect.message_page_request(id, page, size)?).await?;
        Ok(self.dialect.parse_message_page(&response)?.items)
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
}
