//! The typed API client: a dialect (sans-IO) plus the transport. Pages and stores call this,
//! never the network directly.

mod eager;
mod own;
mod session;
pub mod stream;
pub mod transport;
pub mod upload;

pub use eager::start_now;
pub use session::Session;
use std::sync::Arc;
use threadline_core::i18n::isolate;

use threadline_core::dialect::{newest_pages, sort_thread, Dialect};
use threadline_core::http::{HttpRequest, HttpResponse};
use threadline_core::model::{
    Attachment, Capabilities, Message, NewMessage, NextAction, Page, Ticket, TicketField,
    UploadFile, User,
};
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

/// Why an upload produced no attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    Api(ApiError),
    Cancelled,
}

/// The client for the configured helpdesk. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    dialect: Arc<dyn Dialect>,
    session: Session,
    /// Threadline's own API (saved replies, signatures), where a Threadline server runs.
    own: Option<threadline_core::own_api::OwnApi>,
}

impl Client {
    /// A client speaking `dialect`.
    pub fn new(dialect: Arc<dyn Dialect>) -> Self {
        Self {
            dialect,
            session: Session::default(),
            own: None,
        }
    }

    /// The same client, sending `session` as its bearer (an embedded conversation's).
    pub fn with_session(self, session: Session) -> Self {
        Self { session, ..self }
    }

    /// The embedding page's session as it stands (see [`Session::current`]).
    pub fn session_token(&self) -> Option<String> {
        self.session.current()
    }

    /// Sends `request` with the session, and notes a refused one.
    async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, ApiError> {
        let request = self.session.authorize(request);
        let response = transport::execute(&request).await?;
        self.session.observe(&request, &response);
        Ok(response)
    }

    /// Which backend and credential this client speaks to, as a key for what the browser
    /// keeps about them (see [`threadline_core::http::HttpRequest::fingerprint`]).
    pub fn fingerprint(&self) -> String {
        self.dialect
            .list_messages_request("0")
            .map(|r| r.fingerprint())
            .unwrap_or_default()
    }

    /// What the backend allows.
    pub fn capabilities(&self) -> Capabilities {
        self.dialect.capabilities()
    }

    /// The next actions the backend can take, "(none)" first.
    pub fn next_actions(&self) -> Vec<NextAction> {
        self.dialect.next_actions()
    }

    /// Ticket properties a message can change beside the next action.
    pub fn ticket_fields(&self) -> Vec<TicketField> {
        self.dialect.ticket_fields()
    }

    /// The mailboxes an emailed reply may go out from, where the backend needs one.
    pub fn outbound_mailboxes(&self) -> Vec<String> {
        self.dialect.outbound_mailboxes()
    }

    /// The first page of tickets.
    pub async fn tickets(&self) -> Result<Page<Ticket>, ApiError> {
        let request = self
            .dialect
            .list_tickets_request()
            .ok_or_else(|| ApiError::InvalidRequest(t!("api.no_ticket_list").into_owned()))?;
        let response = self.execute(request).await?;
        self.dialect.parse_ticket_page(&response)
    }

    /// One ticket.
    pub async fn ticket(&self, id: &str) -> Result<Ticket, ApiError> {
        let response = self.execute(self.dialect.get_ticket_request(id)?).await?;
        self.dialect.parse_ticket(&response)
    }

    /// The newest messages of a thread (older ones come from [`Client::older`]). Asks for one
    /// message first to learn the count, then for the last page(s): cheap for polling.
    pub async fn latest(&self, id: &str) -> Result<ThreadChunk, ApiError> {
        self.newest(id, 1).await
    }

    /// The newest messages when a thread is opened: the first request asks for a whole page,
    /// so a thread of one page (most tickets) takes one round trip, not two.
    pub async fn open(&self, id: &str) -> Result<ThreadChunk, ApiError> {
        self.newest(id, self.dialect.page_size()).await
    }

    async fn newest(&self, id: &str, probe_size: u32) -> Result<ThreadChunk, ApiError> {
        let probe = self
            .execute(self.dialect.message_page_request(id, 1, probe_size)?)
            .await?;
        let probe = self.dialect.parse_message_page(&probe)?;
        let Some(total) = probe.total else {
            // No count: without a next link the answer was the whole (unpaged) thread;
            // with one (cursor links), read it all.
            let messages = match probe.next {
                None => {
                    let mut all = probe.items;
                    sort_thread(&mut all);
                    all
                }
                Some(_) => self.thread(id).await?,
            };
            return Ok(ThreadChunk {
                messages,
                older_page: None,
            });
        };
        let size = self.dialect.page_size();
        let pages = newest_pages(total, size);
        let mut messages = Vec::new();
        let mut probe_items = (probe_size == size).then_some(probe.items);
        // Oldest page first: the sort below is stable, and messages stamped in the same second
        // must keep the server's order across pages.
        for page in pages.iter().rev() {
            match (page, probe_items.take()) {
                // The probe was this page already.
                (1, Some(items)) => messages.extend(items),
                (_, kept) => {
                    probe_items = kept;
                    messages.extend(self.page(id, *page, size).await?);
                }
            }
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
        let response = self
            .execute(self.dialect.message_page_request(id, page, size)?)
            .await?;
        Ok(self.dialect.parse_message_page(&response)?.items)
    }

    /// The whole thread, following `next` links, oldest first.
    pub async fn thread(&self, id: &str) -> Result<Vec<Message>, ApiError> {
        let mut request = self.dialect.list_messages_request(id)?;
        let mut messages = Vec::new();
        for _ in 0..MAX_PAGES {
            let response = self.execute(request.clone()).await?;
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
        let response = self
            .execute(self.dialect.create_message_request(ticket_id, message)?)
            .await?;
        self.dialect.parse_created_message(&response, message)
    }

    /// The people a ticket can be assigned to; `None` when the backend has no such list.
    pub async fn users(&self) -> Result<Option<Vec<User>>, ApiError> {
        let Some(request) = self.dialect.list_users_request() else {
            return Ok(None);
        };
        let response = self.execute(request).await?;
        self.dialect.parse_users(&response)
    }

    /// Starts uploading `file`; `on_end` gets the stored attachment or why not.
    pub fn upload(
        &self,
        file: &web_sys::File,
        on_progress: impl Fn(f64, f64) + 'static,
        on_end: impl FnOnce(Result<Attachment, UploadError>) + 'static,
    ) -> Result<upload::Upload, ApiError> {
        let description = UploadFile {
            name: file.name(),
            size: file.size() as u64,
            content_type: file.type_(),
        };
        let request = self
            .session
            .authorize(self.dialect.upload_attachment_request(&description)?);
        let dialect = Arc::clone(&self.dialect);
        let session = self.session.clone();
        let sent = request.clone();
        upload::start(&request, file, on_progress, move |end| {
            on_end(match end {
                upload::UploadEnd::Answered(response) => {
                    session.observe(&sent, &response);
                    dialect
                        .parse_uploaded_attachment(&response)
                        .map_err(UploadError::Api)
                }
                upload::UploadEnd::Failed(e) => Err(UploadError::Api(e)),
                upload::UploadEnd::Cancelled => Err(UploadError::Cancelled),
            })
        })
    }

    /// Downloads an attachment (with the credentials it needs) into an object URL.
    pub async fn attachment_url(&self, attachment: &Attachment) -> Result<String, ApiError> {
        let request = self.dialect.download_request(attachment).ok_or_else(|| {
            ApiError::InvalidRequest(
                t!("api.no_download_link", name = isolate(&attachment.name)).into_owned(),
            )
        })?;
        let request = self.session.authorize(request);
        transport::fetch_object_url(&request)
            .await?
            .map_err(|response| {
                self.session.observe(&request, &response);
                self.dialect.parse_error(&response)
            })
    }
}
