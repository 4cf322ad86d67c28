//! Going to one message of the windowed thread (a link's target, the first unread message, a
//! find hit), and what the thread shows about it: the message highlighted for a moment, the
//! "New since your last visit" divider, and the message find wants unfolded. One per ticket
//! view, provided by the page; the thread registers how to scroll to a message it holds.

use std::rc::Rc;

use leptos::prelude::*;

use super::reveal::{message_element, next_frame};
use crate::components::common::ScrollArea;

/// Scrolls the thread to where a message is; `false` when the thread does not hold it.
type Place = Rc<dyn Fn(&str) -> bool>;

/// One ticket view's navigation in its thread.
#[derive(Clone, Copy)]
pub struct ThreadNav {
    place: StoredValue<Option<Place>, LocalStorage>,
    /// The ticket, for links to its messages; `None` where links are not offered.
    linked_ticket: StoredValue<Option<String>>,
    /// The message shown highlighted for a moment (a link's target).
    pub highlighted: RwSignal<Option<String>>,
    /// The first message new since the agent's last visit: the divider goes above it.
    pub first_unread: RwSignal<Option<String>>,
    /// The message whose folded quote and clipped body find opens.
    pub opened: RwSignal<Option<String>>,
}

impl ThreadNav {
    /// A new one, provided to the views below.
    pub fn provide(linked_ticket: Option<String>) -> Self {
        let nav = Self {
            place: StoredValue::new_local(None),
            linked_ticket: StoredValue::new(linked_ticket),
            highlighted: RwSignal::new(None),
            first_unread: RwSignal::new(None),
            opened: RwSignal::new(None),
        };
        provide_context(nav);
        nav
    }

    /// The thread's way to scroll to a message (the thread alone knows the rows' heights).
    pub(super) fn register(&self, place: impl Fn(&str) -> bool + 'static) {
        self.place.set_value(Some(Rc::new(place)));
    }

    /// Brings message `id` into view — its top under the page's sticky bars — rendering it
    /// first (the thread is windowed) and waiting until it is measured; the message's element,
    /// or `None` when the thread does not hold it or `still_wanted` says another one was
    /// asked for meanwhile.
    pub async fn bring_into_view(
        &self,
        area: ScrollArea,
        id: &str,
        still_wanted: &dyn Fn() -> bool,
    ) -> Option<web_sys::Element> {
        for _ in 0..60 {
            if message_element(area, id).is_some() {
                // Two frames: rendered, then measured (the thread's heights settle).
                next_frame().await;
                next_frame().await;
                if !still_wanted() {
                    return None;
                }
                let element = message_element(area, id)?;
                element.scroll_into_view_with_bool(true);
                return Some(element);
            }
            let place = self.place.try_with_value(Clone::clone).flatten()?;
            if !place(id) {
                return None;
            }
            next_frame().await;
            if !still_wanted() {
                return None;
            }
        }
        None
    }

    /// The thread is gone: nothing to scroll.
    pub(super) fn unregister(&self) {
        self.place.try_set_value(None);
    }

    /// Whether messages have "Copy link".
    pub fn offers_links(&self) -> bool {
        self.linked_ticket.with_value(Option::is_some)
    }

    /// Copies the link to message `id` and says how it went in `result` (the link itself when
    /// the browser refused, to copy by hand). Embedded, the host page hears of it too
    /// (`threadline:message-link`), to make a link of its own.
    pub fn copy_link(&self, id: &str, result: RwSignal<Option<Result<(), String>>>) {
        let Some(ticket) = self.linked_ticket.get_value() else {
            return;
        };
        let embedded = use_context::<crate::embed::Embedded>();
        let link = message_link(&ticket, id, embedded.is_some());
        if let Some(embedded) = embedded {
            embedded.emit(
                "message-link",
                serde_json::json!({ "ticketId": ticket, "messageId": id, "link": link }),
            );
        }
        result.set(None);
        // No clipboard outside a secure context (plain http): the link is shown to copy.
        let navigator = window().navigator();
        let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
            .is_ok_and(|c| !c.is_undefined() && !c.is_null());
        if !has_clipboard {
            result.set(Some(Err(link)));
            return;
        }
        let writing = wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(&link));
        leptos::task::spawn_local(async move {
            let outcome = writing.await.map(|_| ()).map_err(|_| link);
            let copied = outcome.is_ok();
            result.try_set(Some(outcome));
            // "Link copied" has been said; a link to copy by hand stays until the next try.
            if copied {
                set_timeout(
                    move || {
                        result.try_update(|r| {
                            if matches!(r, Some(Ok(()))) {
                                *r = None;
                            }
                        });
                    },
                    std::time::Duration::from_secs(4),
                );
            }
        });
    }

    /// Highlights message `id` for a moment.
    pub fn flash(&self, id: &str, tasks: crate::state::tasks::Tasks) {
        let highlighted = self.highlighted;
        highlighted.set(Some(id.to_owned()));
        let id = id.to_owned();
        tasks.after(std::time::Duration::from_millis(2_500), move || {
            if highlighted.try_get_untracked().flatten().as_deref() == Some(id.as_str()) {
                highlighted.try_set(None);
            }
        });
    }
}

/// The link to message `id` of `ticket`: `#message-<id>` after the ticket's page; embedded,
/// `#ticket/<ticket>/message/<id>` after the embedding page's address (of the elements on that
/// page, the one showing that ticket opens the message).
fn message_link(ticket: &str, id: &str, embedded: bool) -> String {
    let location = window().location();
    let origin = location.origin().unwrap_or_default();
    if embedded {
        let path = location.pathname().unwrap_or_default();
        let search = location.search().unwrap_or_default();
        format!(
            "{origin}{path}{search}{EMBEDDED_PREFIX}{}/message/{}",
            encode(ticket),
            encode(id)
        )
    } else {
        format!(
            "{origin}/tickets/{}{HASH_PREFIX}{}",
            encode(ticket),
            encode(id)
        )
    }
}

fn encode(part: &str) -> String {
    js_sys::encode_uri_component(part).into()
}

/// What starts a link's fragment naming a message.
pub const HASH_PREFIX: &str = "#message-";

/// What starts an embedding page's fragment naming a ticket's message.
const EMBEDDED_PREFIX: &str = "#ticket/";

/// The message a fragment (`#message-<id>`) names.
pub fn linked_message(hash: &str) -> Option<String> {
    decode(hash.strip_prefix(HASH_PREFIX)?)
}

/// The message of `ticket` an embedding page's fragment (`#ticket/<ticket>/message/<id>`)
/// names.
pub fn embedded_linked_message(hash: &str, ticket: &str) -> Option<String> {
    let (t, m) = hash
        .strip_prefix(EMBEDDED_PREFIX)?
        .split_once("/message/")?;
    (decode(t)? == ticket).then(|| decode(m)).flatten()
}

fn decode(part: &str) -> Option<String> {
    js_sys::decode_uri_component(part)
        .ok()
        .map(String::from)
        .filter(|s| !s.is_empty())
}
