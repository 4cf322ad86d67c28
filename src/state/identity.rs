//! Whom the agent writes as ([`ReplyingAs`]). Where the backend's credential belongs to one
//! agent (an Initdesk token, an Airclou session), every message posted with it is theirs:
//! the author of a message this browser delivered says who that is. Remembered in the
//! browser for the next visit, per backend and credential; unknown (and not shown) until the
//! first delivery with them.

use leptos::prelude::*;
use threadline_core::model::Role;

use super::delivery::Delivery;
use super::{read_json, write_json};
use crate::api::Client;

const KEY: &str = "threadline.replying-as";

/// The name messages go out under, when known; provided by context.
#[derive(Clone, Copy)]
pub struct ReplyingAs(pub ReadSignal<Option<String>>);

impl ReplyingAs {
    /// Starts following `delivery` in the current owner and provides the name.
    pub fn provide(client: &Client, delivery: Delivery) {
        let known = client.capabilities().author_is_credential;
        let key = format!("{KEY}.{}", client.fingerprint());
        let name = RwSignal::new(known.then(|| read_json::<String>(&key)).flatten());
        if known {
            Effect::new(move |_| {
                let latest = delivery.delivered.with(|all| {
                    all.last()
                        .filter(|d| d.message.role == Role::Associate)
                        .and_then(|d| d.message.author.as_ref())
                        .map(|p| p.display_name().trim().to_owned())
                        .filter(|n| !n.is_empty())
                });
                if let Some(latest) = latest {
                    if name.with_untracked(|n| n.as_deref() != Some(latest.as_str())) {
                        let _ = write_json(&key, &latest);
                        name.set(Some(latest));
                    }
                }
            });
        }
        provide_context(Self(name.read_only()));
    }
}
