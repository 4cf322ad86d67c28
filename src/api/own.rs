//! Calls to Threadline's own API ([`threadline_core::own_api`]): saved replies, the
//! agent's signature and seen marks, where a Threadline server (the reference server or the
//! gateway) keeps them; a ticket's event stream and the agent's heartbeat on it. Sent with the dialect's credential and, embedded, the portal's session.

use threadline_core::own_api::{self, OwnApi, Signature};
use threadline_core::saved_replies::{SavedReply, SavedReplyInput};
use threadline_core::seen::SeenMark;
use threadline_core::ApiError;

use super::Client;

impl Client {
    /// The same client, reaching Threadline's own API at `own`.
    pub fn with_own_api(self, own: OwnApi) -> Self {
        Self {
            own: Some(own),
            ..self
        }
    }

    /// Whether a Threadline server keeps saved replies and signatures.
    pub fn has_own_api(&self) -> bool {
        self.own.is_some()
    }

    fn own(&self) -> Result<&OwnApi, ApiError> {
        self.own
            .as_ref()
            .ok_or_else(|| ApiError::InvalidRequest("no Threadline server is configured".into()))
    }

    pub async fn saved_replies(&self) -> Result<Vec<SavedReply>, ApiError> {
        let response = self.execute(self.own()?.list_saved_replies()).await?;
        own_api::parse_saved_replies(&response)
    }

    /// Creates a saved reply (`id` `None`) or replaces one.
    pub async fn save_reply(
        &self,
        id: Option<&str>,
        input: &SavedReplyInput,
    ) -> Result<SavedReply, ApiError> {
        let own = self.own()?;
        let request = match id {
            Some(id) => own.update_saved_reply(id, input)?,
            None => own.create_saved_reply(input)?,
        };
        own_api::parse_saved_reply(&self.execute(request).await?)
    }

    pub async fn delete_saved_reply(&self, id: &str) -> Result<(), ApiError> {
        let response = self.execute(self.own()?.delete_saved_reply(id)?).await?;
        own_api::check(&response)
    }

    pub async fn signature(&self) -> Result<Signature, ApiError> {
        let response = self.execute(self.own()?.get_signature()).await?;
        own_api::parse_signature(&response)
    }

    /// The newest message the agent has seen on `ticket`, as the server keeps it.
    pub async fn seen(&self, ticket: &str) -> Result<Option<SeenMark>, ApiError> {
        let response = self.execute(self.own()?.get_seen(ticket)?).await?;
        own_api::parse_seen(&response)
    }

    /// Moves the agent's mark on `ticket` forward on the server.
    pub async fn put_seen(&self, ticket: &str, mark: &SeenMark) -> Result<(), ApiError> {
        let response = self.execute(self.own()?.put_seen(ticket, mark)?).await?;
        own_api::check(&response)
    }

    /// Reads `ticket`'s event stream (resuming after `last_event_id`) into `on_frame` until it
    /// ends or `abort` is signalled.
    pub async fn events(
        &self,
        ticket: &str,
        last_event_id: Option<&str>,
        abort: &web_sys::AbortSignal,
        on_frame: impl FnMut(threadline_core::live::Frame),
    ) -> Result<super::stream::Ended, ApiError> {
        let request = self
            .session
            .authorize(self.own()?.events(ticket, last_event_id));
        let ended = super::stream::read(&request, abort, on_frame).await?;
        if let super::stream::Ended::Refused(response) = &ended {
            self.session.observe(&request, response);
        }
        Ok(ended)
    }

    /// The agent's last heartbeat on `ticket` ("leaving"), sent even as the page closes.
    pub fn beat_leaving(&self, ticket: &str, beat: &threadline_core::live::Beat) {
        if let Some(request) = self
            .own
            .as_ref()
            .and_then(|own| own.beat(ticket, beat).ok())
        {
            super::transport::send_and_forget(&self.session.authorize(request));
        }
    }

    /// The agent's heartbeat on `ticket`.
    pub async fn beat(
        &self,
        ticket: &str,
        beat: &threadline_core::live::Beat,
    ) -> Result<(), ApiError> {
        let response = self.execute(self.own()?.beat(ticket, beat)?).await?;
        own_api::check(&response)
    }

    /// Replaces the signature for `mailbox` (`None`: every reply's).
    pub async fn put_signature(
        &self,
        text: &str,
        mailbox: Option<&str>,
    ) -> Result<Signature, ApiError> {
        let response = self
            .execute(self.own()?.put_signature(text, mailbox)?)
            .await?;
        own_api::parse_signature(&response)
    }
}
