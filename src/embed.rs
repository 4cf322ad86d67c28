//! Embedding in another product's page: `public/embed.js` defines the
//! `<threadline-conversation ticket-id mode config-url theme>` element and mounts one
//! conversation into each with [`mount_conversation`]. Each has its own configuration, client
//! and scroll box, so several live on one page; each tells its host what happened through
//! `threadline:sent`, `threadline:status-changed` and `threadline:error` DOM events. The iframe
//! mode (`/embed/{ticket}?parent-origin=…`) reports the same to the framing page by
//! `postMessage`, for portals that want the conversation isolated in its own document.

use std::any::Any;

use leptos::html::Div;
use leptos::prelude::*;
use rust_i18n::t;
use serde_json::json;
use wasm_bindgen::prelude::*;

use crate::components::common::ScrollArea;
use crate::config::{self, Mode};
use crate::pages::ConversationView;
use crate::state::delivery::{Delivery, Serves};
use crate::state::identity::ReplyingAs;
use crate::state::thread::Threads;

/// Whom an embedded conversation tells what happened.
enum Listener {
    /// The `<threadline-conversation>` element (DOM events that bubble to the page).
    Host(web_sys::HtmlElement),
    /// The page framing this one (`postMessage` to exactly that origin).
    Parent { origin: String },
}

/// Present in an embedded conversation: whom it reports to.
#[derive(Clone, Copy)]
pub struct Embedded {
    listener: StoredValue<Listener, LocalStorage>,
}

impl Embedded {
    fn new(listener: Listener) -> Self {
        Self {
            listener: StoredValue::new_local(listener),
        }
    }

    /// For a conversation framed by a page of `origin` (an `http(s)://host[:port]` origin
    /// exactly; anything else reports to nobody rather than to everybody).
    pub fn for_parent(origin: &str) -> Option<Self> {
        let parsed = web_sys::Url::new(origin).ok()?;
        let exact =
            parsed.origin() == origin && matches!(parsed.protocol().as_str(), "http:" | "https:");
        exact.then(|| {
            Self::new(Listener::Parent {
                origin: origin.to_owned(),
            })
        })
    }

    /// Reports `threadline:{name}` with `detail`: a bubbling DOM event on the host element, or
    /// a message `{type, detail}` to the framing page.
    pub fn emit(&self, name: &str, detail: serde_json::Value) {
        let kind = format!("threadline:{name}");
        self.listener.with_value(|listener| match listener {
            Listener::Host(host) => {
                let init = web_sys::CustomEventInit::new();
                init.set_bubbles(true);
                init.set_composed(true);
                init.set_detail(&js_value(&detail));
                if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(&kind, &init) {
                    let _ = host.dispatch_event(&event);
                }
            }
            Listener::Parent { origin } => {
                let message = js_value(&json!({ "type": kind, "detail": detail }));
                if let Ok(Some(parent)) = window().parent() {
                    let _ = parent.post_message(&message, origin);
                }
            }
        });
    }
}

fn js_value(value: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// Email HTML cleaned by Threadline's sanitizer as the thread shows it (remote images
/// blocked): for hosts that show message bodies elsewhere, and for `cargo xtask bench`, which
/// times it against DOMPurify in the same browser. Nothing here touches the DOM.
#[wasm_bindgen(js_name = sanitizeEmailHtml)]
pub fn sanitize_email_html(html: &str) -> String {
    threadline_core::html::sanitize(html).as_str().to_owned()
}

/// A mounted conversation; unmounting (or dropping) removes it and its listeners.
#[wasm_bindgen]
pub struct EmbedHandle {
    mounted: Option<Box<dyn Any>>,
}

#[wasm_bindgen]
impl EmbedHandle {
    /// Removes the conversation from its element.
    pub fn unmount(&mut self) {
        self.mounted.take();
    }
}

/// Mounts one conversation into `host`: ticket `ticket_id`, in `mode` (`agent`, `customer`
/// or `readonly`; the configuration's own when absent), configured by `config_url`.
#[wasm_bindgen]
pub fn mount_conversation(
    host: web_sys::HtmlElement,
    ticket_id: String,
    mode: Option<String>,
    config_url: String,
) -> EmbedHandle {
    let mode = mode.and_then(|m| serde_json::from_value::<Mode>(json!(m)).ok());
    let owner_host = host.clone();
    let handle = leptos::mount::mount_to(host, move || {
        view! {
            <EmbeddedConversation
                host=owner_host.clone()
                ticket_id=ticket_id.clone()
                mode=mode
                config_url=config_url.clone()
            />
        }
    });
    EmbedHandle {
        mounted: Some(Box::new(handle)),
    }
}

/// Whether the page asked for embedded conversations only (set by `embed.js` before the app
/// starts), so nothing is mounted on its `<body>`.
pub fn embedding_only() -> bool {
    js_sys::Reflect::get(&window(), &JsValue::from_str("__threadlineEmbedded"))
        .ok()
        .is_some_and(|v| v.is_truthy())
}

/// An attribute may narrow what the configuration allows (agent → customer → read-only), never
/// widen it: a customer's configuration stays a customer's whatever the page says.
fn narrower(configured: Mode, asked: Mode) -> Mode {
    let rank = |m: Mode| match m {
        Mode::Agent => 0,
        Mode::Customer => 1,
        Mode::Readonly => 2,
    };
    if rank(asked) > rank(configured) {
        asked
    } else {
        configured
    }
}

#[component]
fn EmbeddedConversation(
    host: web_sys::HtmlElement,
    ticket_id: String,
    mode: Option<Mode>,
    config_url: String,
) -> impl IntoView {
    // The embedding page says which language the conversation sits in (its own `lang`, or
    // its page's).
    let host_lang = host
        .closest("[lang]")
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("lang"));
    crate::i18n::start(None, host_lang.as_deref());
    let embedded = Embedded::new(Listener::Host(host));
    provide_context(embedded);
    let node = NodeRef::<Div>::new();
    let area = ScrollArea::element(node);
    provide_context(area);
    let url = config_url.clone();
    let loaded = LocalResource::new(move || {
        let url = url.clone();
        async move { config::load_from(&url).await }
    });
    view! {
        <div
            class="tl-embed"
            node_ref=node
            on:scroll=move |_| area.bump()
            lang=move || {
                loaded.track();
                crate::i18n::lang()
            }
            dir=move || {
                loaded.track();
                crate::i18n::dir()
            }
        >
            <Suspense fallback=|| view! { <p class="tl-loading" role="status">{t!("embed.loading")}</p> }>
                {move || loaded.get().map(|result| match result {
                    Ok((mut config, client)) => {
                        crate::i18n::start(config.locale.as_deref(), host_lang.as_deref());
                        if let Some(mode) = mode {
                            config.mode = narrower(config.mode, mode);
                        }
                        // This conversation's own driver: its configuration and client.
                        let delivery = Delivery::start(client.clone(), Serves::Ticket(ticket_id.clone()));
                        ReplyingAs::provide(&client, delivery);
                        Threads::provide();
                        provide_context(client);
                        provide_context(config);
                        view! { <ConversationView ticket_id=ticket_id.clone()/> }.into_any()
                    }
                    Err(message) => {
                        embedded.emit("error", json!({ "ticketId": ticket_id, "message": message }));
                        view! { <p class="tl-error" role="alert">{message}</p> }.into_any()
                    }
                })}
            </Suspense>
        </div>
    }
}
