//! Threadline's own API (`/threadline-api` on the reference server and the gateway), sans-IO
//! like the dialects: what the helpdesks cannot store for us (saved replies, signatures). It
//! is reached with the dialect's credential (demo mode) or the gateway's admission, and its
//! errors are shaped as Initdesk's (`{"detail": …}`, `{"field": ["…"]}`).

use serde::Deserialize;

use crate::dialect::{json_body, path_segment, Api};
use crate::error::ApiError;
use crate::http::{Body, HttpRequest, HttpResponse, Method};
use crate::saved_replies::{SavedReply, SavedReplyInput};

/// The routes under the API's root.
pub const SAVED_REPLIES: &str = "saved-replies";
pub const SIGNATURE: &str = "signature";
pub const SEEN: &str = "seen";
pub const EVENTS: &str = "events";
pub const PRESENCE: &str = "presence";

#[derive(Deserialize)]
struct SeenAnswer {
    mark: Option<crate::seen::SeenMark>,
}

/// Requests to Threadline's own API at one root.
#[derive(Debug, Clone)]
pub struct OwnApi {
    api: Api,
}

#[derive(Deserialize)]
struct List {
    saved_replies: Vec<SavedReply>,
}

#[derive(serde::Serialize)]
struct SignatureInput<'a> {
    signature: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    mailbox: Option<&'a str>,
}

/// The agent's signatures (empty when none is set): one for every reply, and one per From
/// mailbox where the helpdesk sends from several; and their name, where the server knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct Signature {
    pub signature: String,
    #[serde(default)]
    pub by_mailbox: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub agent_name: Option<String>,
}

impl Signature {
    /// The signature for a reply from `mailbox` (its own, else every reply's).
    pub fn for_mailbox(&self, mailbox: Option<&str>) -> &str {
        mailbox
            .and_then(|m| self.by_mailbox.get(&m.trim().to_lowercase()))
            .unwrap_or(&self.signature)
    }

    /// The one written for `mailbox` (`None`: every reply's), for editing.
    pub fn written_for(&self, mailbox: Option<&str>) -> String {
        match mailbox {
            Some(m) => self
                .by_mailbox
                .get(&m.trim().to_lowercase())
                .cloned()
                .unwrap_or_default(),
            None => self.signature.clone(),
        }
    }

    /// The same with the one for `mailbox` replaced (empty removes it).
    pub fn with(mut self, mailbox: Option<&str>, text: &str) -> Self {
        let text = text.trim_end().to_owned();
        match mailbox.map(|m| m.trim().to_lowercase()) {
            Some(m) if text.trim().is_empty() => {
                self.by_mailbox.remove(&m);
            }
            Some(m) => {
                self.by_mailbox.insert(m, text);
            }
            None => self.signature = text,
        }
        self
    }
}

impl OwnApi {
    /// The API at `base` (absolute, or relative to `page_url`), sending `credential`.
    pub fn new(
        base: &str,
        page_url: &str,
        credential: Option<(String, String)>,
    ) -> Result<Self, ApiError> {
        Ok(Self {
            api: Api::new(base, page_url, credential)?,
        })
    }

    pub fn list_saved_replies(&self) -> HttpRequest {
        self.api.get(self.api.url(SAVED_REPLIES))
    }

    pub fn create_saved_reply(&self, input: &SavedReplyInput) -> Result<HttpRequest, ApiError> {
        self.api.post_json(self.api.url(SAVED_REPLIES), input, None)
    }

    pub fn update_saved_reply(
        &self,
        id: &str,
        input: &SavedReplyInput,
    ) -> Result<HttpRequest, ApiError> {
        let url = self
            .api
            .url(&format!("{SAVED_REPLIES}/{}", path_segment(id)?));
        let mut request = self.api.post_json(url, input, None)?;
        request.method = Method::Put;
        Ok(request)
    }

    pub fn delete_saved_reply(&self, id: &str) -> Result<HttpRequest, ApiError> {
        let url = self
            .api
            .url(&format!("{SAVED_REPLIES}/{}", path_segment(id)?));
        Ok(self.api.request(Method::Delete, url, Body::Empty))
    }

    pub fn get_signature(&self) -> HttpRequest {
        self.api.get(self.api.url(SIGNATURE))
    }

    /// The newest message the agent has seen on `ticket`.
    pub fn get_seen(&self, ticket: &str) -> Result<HttpRequest, ApiError> {
        let url = self.api.url(&format!("{SEEN}/{}", path_segment(ticket)?));
        Ok(self.api.get(url))
    }

    /// Moves the agent's mark on `ticket` forward (the server keeps the newer of the two).
    pub fn put_seen(
        &self,
        ticket: &str,
        mark: &crate::seen::SeenMark,
    ) -> Result<HttpRequest, ApiError> {
        let url = self.api.url(&format!("{SEEN}/{}", path_segment(ticket)?));
        let mut request = self.api.post_json(url, mark, None)?;
        request.method = Method::Put;
        Ok(request)
    }

    /// The ticket's event stream (Server-Sent Events), resuming after `last_event_id`.
    pub fn events(&self, ticket: &str, last_event_id: Option<&str>) -> HttpRequest {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("ticket", ticket)
            .finish();
        let mut request = self.api.get(format!("{}?{query}", self.api.url(EVENTS)));
        request
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("accept"));
        request
            .headers
            .push(("Accept".into(), "text/event-stream".into()));
        if let Some(id) = last_event_id {
            request.headers.push(("Last-Event-ID".into(), id.into()));
        }
        request
    }

    /// The agent's heartbeat on `ticket`.
    pub fn beat(&self, ticket: &str, beat: &crate::live::Beat) -> Result<HttpRequest, ApiError> {
        let url = self
            .api
            .url(&format!("{PRESENCE}/{}", path_segment(ticket)?));
        self.api.post_json(url, beat, None)
    }

    /// Replaces the signature for `mailbox` (`None`: every reply's).
    pub fn put_signature(
        &self,
        text: &str,
        mailbox: Option<&str>,
    ) -> Result<HttpRequest, ApiError> {
        let body = SignatureInput {
            signature: text,
            mailbox,
        };
        let mut request = self.api.post_json(self.api.url(SIGNATURE), &body, None)?;
        request.method = Method::Put;
        Ok(request)
    }
}

/// The agent's mark on a ticket, if any.
pub fn parse_seen(response: &HttpResponse) -> Result<Option<crate::seen::SeenMark>, ApiError> {
    check(response)?;
    Ok(json_body::<SeenAnswer>(response)?.mark)
}

/// The organisation's saved replies.
pub fn parse_saved_replies(response: &HttpResponse) -> Result<Vec<SavedReply>, ApiError> {
    check(response)?;
    Ok(json_body::<List>(response)?.saved_replies)
}

/// One saved reply, as created or updated.
pub fn parse_saved_reply(response: &HttpResponse) -> Result<SavedReply, ApiError> {
    check(response)?;
    json_body(response)
}

/// The agent's signature and name.
pub fn parse_signature(response: &HttpResponse) -> Result<Signature, ApiError> {
    check(response)?;
    json_body(response)
}

/// A success, or the error the API answered.
pub fn check(response: &HttpResponse) -> Result<(), ApiError> {
    crate::dialect::initdesk::check_status(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> OwnApi {
        OwnApi::new(
            "/threadline-api",
            "https://desk.example/config.json",
            Some(("X-Initdesk-Token".into(), "t".into())),
        )
        .unwrap()
    }

    #[test]
    fn requests_carry_the_credential_and_safe_paths() {
        let list = api().list_saved_replies();
        assert_eq!(
            list.url,
            "https://desk.example/threadline-api/saved-replies"
        );
        assert_eq!(list.header("x-initdesk-token"), Some("t"));
        let input = SavedReplyInput {
            title: "T".into(),
            body: "B".into(),
            ..SavedReplyInput::default()
        };
        let put = api().update_saved_reply("7", &input).unwrap();
        assert_eq!(put.method, Method::Put);
        assert_eq!(
            put.url,
            "https://desk.example/threadline-api/saved-replies/7"
        );
        assert!(api().delete_saved_reply("../x").is_err());
        let mark = crate::seen::SeenMark {
            id: "40".into(),
            at: "2024-05-01T10:00:00Z".into(),
        };
        let seen = api().put_seen("7", &mark).unwrap();
        assert_eq!(
            (seen.method, seen.url.as_str()),
            (Method::Put, "https://desk.example/threadline-api/seen/7")
        );
        assert_eq!(
            seen.body,
            Body::Json(r#"{"id":"40","at":"2024-05-01T10:00:00Z"}"#.into())
        );
        assert!(api().get_seen("../x").is_err());
        assert_eq!(
            api().put_signature("Priya", None).unwrap().body,
            Body::Json(r#"{"signature":"Priya"}"#.into())
        );
    }

    #[test]
    fn a_mailbox_has_its_own_signature_else_every_replys() {
        let all = Signature {
            signature: "Alex".into(),
            ..Signature::default()
        }
        .with(Some(" Billing@Acme.example"), "Billing team\n");
        assert_eq!(
            all.for_mailbox(Some("billing@acme.example")),
            "Billing team"
        );
        assert_eq!(all.for_mailbox(Some("support@acme.example")), "Alex");
        assert_eq!(all.for_mailbox(None), "Alex");
        assert_eq!(
            all.written_for(Some("billing@acme.example")),
            "Billing team"
        );
        // Configured mailboxes keep their case; stored keys are lower case.
        assert_eq!(
            all.written_for(Some("Billing@ACME.example")),
            "Billing team"
        );
        let cleared = all.with(Some("billing@acme.example"), " ");
        assert!(cleared.by_mailbox.is_empty());
        assert_eq!(
            api()
                .put_signature("B", Some("b@acme.example"))
                .unwrap()
                .body,
            Body::Json(r#"{"signature":"B","mailbox":"b@acme.example"}"#.into())
        );
    }

    #[test]
    fn answers_and_refusals_are_read() {
        let ok = HttpResponse::new(
            200,
            r#"{"saved_replies":[{"id":"1","title":"T","body":"B","next_action":"report_spam","cc":["a@b.co"]}]}"#,
        );
        let all = parse_saved_replies(&ok).unwrap();
        assert_eq!(all[0].content.cc, ["a@b.co"]);
        let refused = HttpResponse::new(400, r#"{"title":["Give it a title."]}"#);
        match parse_saved_reply(&refused) {
            Err(ApiError::Validation(errors)) => {
                assert_eq!(errors.fields["title"], ["Give it a title."])
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_signature(&HttpResponse::new(401, r#"{"detail":"no"}"#)),
            Err(ApiError::Unauthorized(_))
        ));
    }
}
