//! The agent's toolbox, owned by the root (or an embedded conversation) and shared by every
//! composer: the organisation's saved replies and the agent's name as Threadline's server knows
//! it, and their signature. Read once, when a composer first needs them; a deployment without a Threadline server
//! has the fixed list of its `config.json` instead (not editable in the app). Saving and
//! deleting go through here so every composer sees the change.

use leptos::prelude::*;
use threadline_core::model::User;
use threadline_core::own_api::Signature;
use threadline_core::saved_replies::{SavedReply, SavedReplyInput};
use threadline_core::ApiError;

use super::tasks::Tasks;
use super::{read_json, write_json};
use crate::api::Client;
use crate::config::AppConfig;

/// Where the saved replies stand.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    NotYet,
    Loading,
    Ready,
    Failed(String),
}

impl Loaded {
    /// Whether the read is over, well or not.
    pub fn is_settled(&self) -> bool {
        matches!(self, Loaded::Ready | Loaded::Failed(_))
    }
}

/// The store; provided by context.
#[derive(Clone, Copy)]
pub struct Toolbox {
    pub replies: RwSignal<Vec<SavedReply>>,
    pub loaded: RwSignal<Loaded>,
    /// The agent's name as the server knows it (their credential or session), if it says.
    pub agent_name: RwSignal<Option<String>>,
    /// The backend's agents (for @mentions), where it lists them.
    pub agents: RwSignal<Option<Vec<User>>>,
    /// The agent's signatures as written (placeholders unfilled): every reply's, and one per
    /// From mailbox where the helpdesk has several.
    pub signatures: RwSignal<Signature>,
    /// A signature was saved here: a slow first read must not put the old one back.
    signature_saved: StoredValue<bool>,
    /// Whether saved replies can be created, changed and deleted here.
    pub editable: bool,
    client: StoredValue<Client, LocalStorage>,
    tasks: Tasks,
}

impl Toolbox {
    /// Makes the store in the current owner and provides it.
    pub fn provide(client: &Client, config: &AppConfig) {
        let editable = client.has_own_api();
        let replies = if editable {
            Vec::new()
        } else {
            let mut fixed = config.saved_replies.clone();
            fixed.sort_by_key(|r| r.content.title.to_lowercase());
            fixed
        };
        // Without a Threadline server, the signature is kept in this browser.
        let signatures = if editable {
            Signature::default()
        } else {
            read_json::<Signature>(&local_key(client)).unwrap_or_default()
        };
        provide_context(Self {
            replies: RwSignal::new(replies),
            loaded: RwSignal::new(Loaded::NotYet),
            agent_name: RwSignal::new(None),
            agents: RwSignal::new(None),
            signatures: RwSignal::new(signatures),
            signature_saved: StoredValue::new(false),
            editable,
            client: StoredValue::new_local(client.clone()),
            tasks: Tasks::new(),
        });
    }

    /// Reads the agents, the saved replies and the agent's name and signature unless they are read or being read; a
    /// failed read is tried again on the next call.
    pub fn ensure_loaded(self) {
        let start = self
            .loaded
            .try_with_untracked(|l| matches!(l, Loaded::NotYet | Loaded::Failed(_)))
            .unwrap_or(false);
        if !start {
            return;
        }
        self.loaded.set(Loaded::Loading);
        let Some(client) = self.client.try_get_value() else {
            return;
        };
        self.tasks.spawn(async move {
            if let Ok(Some(agents)) = client.users().await {
                self.agents.try_set(Some(agents));
            }
            if !self.editable {
                self.loaded.try_set(Loaded::Ready);
                return;
            }
            let replies = client.saved_replies().await;
            if let Ok(signature) = client.signature().await {
                self.agent_name.try_set(signature.agent_name.clone());
                if self.signature_saved.try_get_value() == Some(false) {
                    self.signatures.try_set(signature);
                }
            }
            match replies {
                Ok(loaded) => {
                    // One saved meanwhile (a slow first read) stays.
                    self.replies.try_update(|current| {
                        let mut all = loaded;
                        for kept in current.drain(..) {
                            if !all.iter().any(|r| r.id == kept.id) {
                                all.push(kept);
                            }
                        }
                        all.sort_by_key(|r| r.content.title.to_lowercase());
                        *current = all;
                    });
                    self.loaded.try_set(Loaded::Ready);
                }
                Err(e) => {
                    self.loaded.try_set(Loaded::Failed(e.user_message()));
                }
            }
        });
    }

    /// The client, while the store's owner lives.
    fn client(self) -> Result<Client, ApiError> {
        self.client
            .try_get_value()
            .ok_or_else(|| ApiError::InvalidRequest("the conversation has closed".into()))
    }

    /// Creates (`id` `None`) or replaces a saved reply; the list follows on success.
    pub async fn save(
        self,
        id: Option<String>,
        input: SavedReplyInput,
    ) -> Result<SavedReply, ApiError> {
        let client = self.client()?;
        let saved = client.save_reply(id.as_deref(), &input).await?;
        self.replies.try_update(|all| {
            all.retain(|r| r.id != saved.id);
            all.push(saved.clone());
            all.sort_by_key(|r| r.content.title.to_lowercase());
        });
        Ok(saved)
    }

    /// Replaces the agent's signature for `mailbox` (`None`: every reply's; empty removes it):
    /// on the server where there is one, else in this browser.
    pub async fn save_signature(
        self,
        text: String,
        mailbox: Option<String>,
    ) -> Result<(), ApiError> {
        let client = self.client()?;
        let stored = if self.editable {
            client.put_signature(&text, mailbox.as_deref()).await?
        } else {
            let mine = self
                .signatures
                .try_get_untracked()
                .unwrap_or_default()
                .with(mailbox.as_deref(), &text);
            if !write_json(&local_key(&client), &mine) {
                return Err(ApiError::InvalidRequest(
                    t!("signature.not_stored").into_owned(),
                ));
            }
            mine
        };
        self.signature_saved.try_set_value(true);
        self.signatures.try_set(stored);
        Ok(())
    }

    /// Deletes a saved reply; the list follows on success.
    pub async fn delete(self, id: String) -> Result<(), ApiError> {
        let client = self.client()?;
        client.delete_saved_reply(&id).await?;
        self.replies.try_update(|all| all.retain(|r| r.id != id));
        Ok(())
    }
}

/// Where this browser keeps the signature for one backend and credential.
fn local_key(client: &Client) -> String {
    format!("threadline.signature.v1.{}", client.fingerprint())
}
