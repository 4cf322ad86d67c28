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
use serde_json::json;
use wasm_bindgen::prelude::*;

use crate::api::Session;
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

/// An email's HTML as "View original" shows it: unchanged, behind its own policy (remote
/// images only with `show_images`), for an `<iframe sandbox="">` — for hosts, and for the
/// e2e test that opens the public attack corpus this way. Nothing here touches the DOM.
#[wasm_bindgen(js_name = originalDocument)]
pub fn original_document(html: &str, show_images: bool) -> String {
    let images = if show_images {
        threadline_core::html::RemoteImages::Show
    } else {
        threadline_core::html::RemoteImages::Block
    };
    threadline_core::original::original_document(html, images)
        .as_str()
        .to_owned()
}

/// What the element's attributes say, as the conversation follows them after mounting.
#[derive(Clone)]
struct Attributes {
    ticket: ArcRwSignal<String>,
    mode: ArcRwSignal<Option<Mode>>,
    /// The element's language (its own `lang`, else its page's).
    lang: ArcRwSignal<Option<String>>,
    session: Session,
    /// The message to open on: `message-id`, else the page's `#ticket/<this ticket>/message/<id>`.
    message: ArcRwSignal<Option<String>>,
}

/// In an embedded conversation: the message its element asks to open on.
#[derive(Clone, Copy)]
pub struct LinkedMessage(pub Signal<Option<String>>);

fn mode_named(name: Option<String>) -> Option<Mode> {
    name.and_then(|m| serde_json::from_value::<Mode>(json!(m)).ok())
}

/// The language the element sits in: its own `lang`, else the nearest ancestor's.
fn lang_of(host: &web_sys::HtmlElement) -> Option<String> {
    host.closest("[lang]")
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("lang"))
        .filter(|l| !l.is_empty())
}

/// A mounted conversation; unmounting (or dropping) removes it and its listeners.
#[wasm_bindgen]
pub struct EmbedHandle {
    mounted: Option<Box<dyn Any>>,
    host: web_sys::HtmlElement,
    attributes: Attributes,
}

#[wasm_bindgen]
impl EmbedHandle {
    /// Removes the conversation from its element.
    pub fn unmount(&mut self) {
        self.mounted.take();
    }

    /// An attribute of the element changed: `ticket-id` shows another ticket (the old one's
    /// draft stays saved, its queued messages still go), `mode` and `lang` draw the
    /// conversation again, `session-token` renews the session and goes on where it stopped.
    /// (`theme` is the stylesheet's.)
    pub fn attribute_changed(&self, name: &str, value: Option<String>) {
        let a = &self.attributes;
        match name {
            "ticket-id" => {
                let id = value.unwrap_or_default();
                if a.ticket.get_untracked() != id {
                    a.ticket.set(id);
                }
            }
            "mode" => {
                let mode = mode_named(value);
                if a.mode.get_untracked() != mode {
                    a.mode.set(mode);
                }
            }
            "lang" => {
                let lang = lang_of(&self.host);
                if a.lang.get_untracked() != lang {
                    a.lang.set(lang);
                }
            }
            "session-token" => a.session.renew(value),
            "message-id" => a.message.set(value.filter(|v| !v.is_empty())),
            _ => {}
        }
    }
}

/// Mounts one conversation into `mount` (a box in the shadow root of `host`, the
/// `<threadline-conversation>` element): ticket `ticket_id`, in `mode` (`agent`, `customer`
/// or `readonly`; the configuration's own when absent), configured by `config_url`, signed in
/// with `session_token` when the page gives one.
#[wasm_bindgen]
pub fn mount_conversation(
    host: web_sys::HtmlElement,
    mount: web_sys::HtmlElement,
    ticket_id: String,
    mode: Option<String>,
    config_url: String,
    session_token: Option<String>,
) -> EmbedHandle {
    let attributes = Attributes {
        ticket: ArcRwSignal::new(ticket_id.clone()),
        mode: ArcRwSignal::new(mode_named(mode)),
        lang: ArcRwSignal::new(lang_of(&host)),
        session: Session::new(session_token),
        message: ArcRwSignal::new(host.get_attribute("message-id").or_else(|| {
            window().location().hash().ok().and_then(|h| {
                crate::components::conversation::embedded_linked_message(&h, &ticket_id)
            })
        })),
    };
    let owner_host = host.clone();
    let given = attributes.clone();
    let handle = leptos::mount::mount_to(mount, move || {
        view! {
            <EmbeddedConversation
                host=owner_host.clone()
                attributes=given.clone()
                config_url=config_url.clone()
            />
        }
    });
    EmbedHandle {
        mounted: Some(Box::new(handle)),
        host,
        attributes,
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
    attributes: Attributes,
    config_url: String,
) -> impl IntoView {
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
    // The element's language until the configuration is read (for "Loading…"), then the
    // configuration's where the element says none.
    let configured = RwSignal::new(None::<String>);
    let lang = attributes.lang.clone();
    let locale =
        Memo::new(move |_| crate::i18n::choose(configured.get().as_deref(), lang.get().as_deref()));
    provide_context(crate::i18n::Scoped(locale.get_untracked()));
    let Attributes {
        ticket,
        mode,
        session,
        message,
        ..
    } = attributes;
    provide_context(LinkedMessage(Signal::derive(move || message.get())));
    view! {
        <div
            class="tl-embed"
            node_ref=node
            on:scroll=move |_| area.bump()
            lang=move || locale.get().code
            dir=move || if locale.get().rtl { "rtl" } else { "ltr" }
        >
            <Suspense fallback=|| view! { <p class="tl-loading" role="status">{t!("embed.loading")}</p> }>
                {move || loaded.get().map(|result| match result {
                    Ok((config, client)) => {
                        configured.set(config.locale.clone());
                        // Words made outside any conversation (core's explanations of errors)
                        // speak the latest one's language.
                        threadline_core::i18n::set_locale(locale.get_untracked());
                        let client = if config.gateway {
                            client.with_session(session.clone())
                        } else {
                            client
                        };
                        let serves = Serves::ticket(&ticket.get_untracked());
                        // This conversation's own driver: its configuration and client.
                        let delivery = Delivery::start(client.clone(), serves.clone());
                        ReplyingAs::provide(&client, delivery);
                        Threads::provide();
                        crate::state::toolbox::Toolbox::provide(&client, &config);
                        follow_session(&session, embedded, ticket.clone(), delivery);
                        report_left_tickets(embedded, ticket.clone(), delivery);
                        provide_context(client);
                        let (ticket, mode) = (ticket.clone(), mode.clone());
                        (move || {
                            // Drawn again when the element's ticket, mode or language changes;
                            // drafts and queued messages live in the stores, not here.
                            let id = ticket.get();
                            serves.add(&id);
                            let mut config = config.clone();
                            if let Some(mode) = mode.get() {
                                config.mode = narrower(config.mode, mode);
                            }
                            provide_context(config);
                            provide_context(crate::i18n::Scoped(locale.get()));
                            view! { <ConversationView ticket_id=id/> }
                        })
                        .into_any()
                    }
                    Err(message) => {
                        embedded.emit(
                            "error",
                            json!({ "ticketId": ticket.get_untracked(), "message": message }),
                        );
                        view! { <p class="tl-error" role="alert">{message}</p> }.into_any()
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Tells the page of messages delivered on a ticket the element has moved away from (the shown
/// ticket's view reports its own, with what they changed).
fn report_left_tickets(embedded: Embedded, ticket: ArcRwSignal<String>, delivery: Delivery) {
    let seen = StoredValue::new(
        delivery
            .delivered
            .with_untracked(|log| log.last().map_or(0, |d| d.seq)),
    );
    Effect::new(move |_| {
        let shown = ticket.get_untracked();
        let last = seen.get_value();
        delivery.delivered.with(|log| {
            for d in log.iter().filter(|d| d.seq > last && d.ticket_id != shown) {
                embedded.emit("sent", json!({ "ticketId": d.ticket_id }));
            }
            if let Some(newest) = log.last() {
                seen.set_value(newest.seq);
            }
        });
    });
}

/// Tells the page when its session was refused (`threadline:session-expired`, once per
/// session), and goes on when the page sets a new one: what stopped is sent, what failed to
/// load is read again.
fn follow_session(
    session: &Session,
    embedded: Embedded,
    ticket: ArcRwSignal<String>,
    delivery: Delivery,
) {
    let refused = session.clone();
    Effect::new(move |_| {
        if refused.is_refused() {
            embedded.emit(
                "session-expired",
                json!({ "ticketId": ticket.get_untracked() }),
            );
        }
    });
    let renewed = session.clone();
    let threads = use_context::<Threads>();
    Effect::new(move |first: Option<()>| {
        let _ = renewed.token();
        if first.is_some() {
            delivery.resume();
            if let Some(threads) = threads {
                threads.refresh();
            }
        }
    });
}
