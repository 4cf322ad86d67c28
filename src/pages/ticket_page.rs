//! The agent's view of one ticket, laid out: header, thread (newest messages first, older
//! pages on demand), messages on their way, and the composer. What it shows comes from the
//! ticket's thread store and the outbox driver (`crate::state`), which outlive it.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use threadline_core::after_send::{next_ticket, AfterSend};
use threadline_core::model::{NextAction, Ticket, TicketStatus};
use threadline_core::recipients::cc_snapshot;
use threadline_core::ApiError;

use crate::api::Client;
use crate::components::common::{ErrorNotice, ScrollArea, Skeleton};
use crate::components::common::{Glyph, Icon};
use crate::components::composer::{
    add_to_thread, preload_composer_when, LazyComposer, OutboxState, OutgoingList, SentToast,
};
use crate::components::conversation::{
    focus_message, linked_message, newest_on_screen, reveal, settle_at_bottom, FindBar, Gallery,
    ImageViewer, PrintConversation, Thread, ThreadNav, TicketDetails, TicketHeader,
};
use crate::components::shortcuts::{self, ShortcutHelp};
use crate::config::{AppConfig, Mode};
use crate::embed::Embedded;
use crate::state::after_send::AfterSendHook;
use crate::state::delivery::{Delivery, Serves};
use crate::state::seen::SeenMarks;
use crate::state::tasks::Tasks;
use crate::state::thread::{use_thread, Load, UseThreadReturn};
use threadline_core::seen::{first_unread, SeenMark};

/// Start loading older messages when the page is scrolled this close to its top.
const LOAD_OLDER_WITHIN_PX: f64 = 400.0;

/// The routed page; everything below is rebuilt when the ticket id changes, so no state of
/// one ticket can leak into another.
#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let ticket_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <TicketView ticket_id=ticket_id.get()/> }
}

/// One ticket's conversation: the page's body, and what an embedded element shows.
#[component]
pub fn ConversationView(ticket_id: String) -> impl IntoView {
    view! { <TicketView ticket_id=ticket_id/> }
}

#[component]
pub(super) fn TicketView(ticket_id: String) -> impl IntoView {
    let client = expect_context::<Client>();
    // What this view starts itself (scrolling into place) stops when it goes.
    let tasks = Tasks::new();
    let mode = use_context::<AppConfig>()
        .map(|c| c.mode)
        .unwrap_or_default();
    let customer = mode == Mode::Customer;
    let writable = {
        let caps = client.capabilities();
        caps.can_reply || caps.can_note
    };
    let area = ScrollArea::current();
    // Embedded in another page (or framed by one) there is no way back to the list.
    let show_nav = !customer && use_context::<Embedded>().is_none();
    // On the agent's own page, a send can lead on to the next ticket or the list.
    let after_send = (show_nav && client.capabilities().has_ticket_list)
        .then(|| after_send_hook(client.clone(), ticket_id.clone(), tasks));
    if let Some(hook) = after_send {
        provide_context(hook);
    }
    let thread = use_thread(&ticket_id);
    let UseThreadReturn {
        ticket,
        messages,
        status,
        older_page,
        loading_older,
        older_error,
        unseen,
        slow,
        ..
    } = thread;
    tell_the_embedding_page(&ticket_id, thread);
    // Who else is here, for the header and the composer.
    if let Some(live) = thread.live {
        provide_context(live);
    }
    // The composer's code comes after the first view (a chunk in the release build).
    let first_view_drawn = Signal::derive(move || status.get() != Load::Loading);
    if mode != Mode::Readonly && writable {
        preload_composer_when(first_view_drawn);
    }
    // Links to messages are the agent's (a customer's own link carries their access).
    let nav = ThreadNav::provide((!customer).then(|| ticket_id.clone()));
    Gallery::provide(messages.into());
    let linked = linked_target();
    // What the agent had seen when this view opened: the divider goes above what came since.
    let marks = SeenMarks::open(&client, &ticket_id, !customer);
    // Scrolling near the top loads older messages only once the thread has settled where it
    // opens: content arriving above it (the header) moves the page on its own before that.
    let settled = RwSignal::new(false);
    let link_missing = RwSignal::new(false);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || status.get() != Load::Ready || !marks.ready.get() {
            return done.unwrap_or(false);
        }
        let seen_before = marks.at_open.get_untracked();
        let (newest, unread) = messages.with_untracked(|m| {
            let unread = first_unread(m, seen_before.as_ref()).and_then(|i| m.get(i));
            (m.last().map(|m| m.id.clone()), unread.map(|m| m.id.clone()))
        });
        nav.first_unread.set(unread.clone());
        let link = linked.get_untracked();
        tasks.spawn(async move {
            match (link, unread, newest) {
                // A link to a message opens on it; else the first unread message opens
                // below its divider; else a thread taller than the window opens on its
                // newest message, next to the composer, once the messages are in the DOM.
                (Some(link), _, _) => {
                    link_missing.set(!go_to_linked(thread, nav, area, tasks, &link).await);
                }
                (None, Some(first), _) => {
                    nav.bring_into_view(area, &first, &|| true).await;
                }
                (None, None, Some(newest)) => settle_at_bottom(area, &newest).await,
                (None, None, None) => {}
            }
            settled.set(true);
        });
        true
    });
    // A link followed while the ticket is open (another message of it).
    Effect::new(move |before: Option<Option<String>>| {
        let link = linked.get();
        if let (Some(before), Some(now)) = (before, link.clone()) {
            if before.as_ref() != Some(&now) && settled.get_untracked() {
                tasks.spawn(async move {
                    link_missing.set(!go_to_linked(thread, nav, area, tasks, &now).await);
                });
            }
        }
        link
    });
    // The newest message the agent has seen: the newest that has been on screen (in a tab in
    // view), once the thread has opened where it opens.
    {
        let ticket_id = ticket_id.clone();
        // The mark as it stands (taken from the opening one once the view has opened).
        let stored = StoredValue::new(None::<Option<SeenMark>>);
        let last_checked = StoredValue::new(String::new());
        Effect::new(move |_| {
            area.track();
            messages.track();
            if !settled.get() || document().hidden() {
                return;
            }
            // Every scroll lands here: the thread is searched only when another message is
            // the newest on screen.
            let Some(id) = newest_on_screen(area).filter(|id| last_checked.with_value(|l| l != id))
            else {
                return;
            };
            last_checked.set_value(id.clone());
            let newer = messages.with_untracked(|m| {
                let i = m.iter().position(|x| x.id == id)?;
                let kept = stored
                    .get_value()
                    .unwrap_or_else(|| marks.at_open.get_untracked());
                let unread = first_unread(m, kept.as_ref());
                let advances = kept.is_none() || unread.is_some_and(|u| i >= u);
                advances.then(|| SeenMark::of(&m[i]))
            });
            if let Some(mark) = newer {
                marks.save(&ticket_id, mark.clone());
                stored.set_value(Some(Some(mark)));
            }
        });
    }
    let find_asked = RwSignal::new(0u32);
    let far_from_end = RwSignal::new(false);
    // Messages on their way: saved in the browser and sent exactly once by the app's outbox
    // driver (which goes on when this view goes), shown under the thread while on their way.
    let delivery = use_context::<Delivery>()
        .unwrap_or_else(|| Delivery::start(client.clone(), Serves::ticket(&ticket_id)));
    let outbox = OutboxState::for_ticket(delivery, &ticket_id);
    let embedded = use_context::<Embedded>();
    outbox.on_delivered({
        let id = ticket_id.clone();
        move |d| {
            add_to_thread(messages, &d.message);
            if let Some(e) = embedded {
                e.emit("sent", serde_json::json!({ "ticketId": id }));
            }
            // A message can change the ticket (next action, assignee, fields): show it as
            // it is now, and the status change's event in the thread.
            thread.reload_ticket();
            if d.next_action != NextAction::None {
                thread.check_new();
            }
            // Only once it is stored (not while it can be undone, nor when it failed): on to
            // what the agent chose.
            if let Some(hook) = after_send {
                hook.sent();
            }
        }
    });
    let ticket_now = Signal::derive(move || ticket.get().and_then(Result::ok));
    // Who is copied now: the rule the composer and the helpdesk use (the latest public
    // message's CC), so a send that changed it shows at once.
    let cc_now: Signal<Vec<String>> = Memo::new(move |_| {
        ticket_now
            .with(|t| t.as_ref().map(|t| messages.with(|m| cc_snapshot(t, m))))
            .unwrap_or_default()
    })
    .into();
    let details_open = RwSignal::new(false);
    let ticket_failed = Memo::new(move |_| ticket.with(|t| matches!(t, Some(Err(_)))));
    // A ticket that does not exist or is not the agent's to see: no composer to write into.
    let unanswerable =
        Memo::new(move |_| ticket.with(|t| matches!(t, Some(Err(e)) if !e.is_retryable())));
    Effect::new(move |_| {
        area.track();
        let y = area.scroll_top();
        if y < LOAD_OLDER_WITHIN_PX
            && settled.get_untracked()
            && status.get_untracked() == Load::Ready
            && older_error.get_untracked().is_none()
        {
            thread.load_older();
        }
        far_from_end.set(
            area.content_height() - (y + area.viewport_height()) > 2.0 * area.viewport_height(),
        );
        let bottom = area.content_height() - 100.0;
        if y + area.viewport_height() >= bottom && !unseen.with_untracked(Vec::is_empty) {
            unseen.set(Vec::new());
        }
    });

    let root = NodeRef::<leptos::html::Div>::new();
    let help = NodeRef::<leptos::html::Dialog>::new();
    shortcuts::listen_on_page(root, help, area, find_asked);
    // The page's main landmark when the conversation is the page; embedded, it is a part of
    // someone else's page, which has its own.
    let landmark = area.is_page();
    let page = view! {
        <div
            class="tl-page tl-page--ticket"
            node_ref=root
            on:keydown=move |ev| {
                if !area.is_page() {
                    shortcuts::on_key(&ev, root, help, area, find_asked);
                }
            }
        >
            <nav class="tl-nav" aria-label=t!("ticket_page.nav")>
                {show_nav.then(|| view! { <A href="/">{t!("ticket_page.all_tickets")}</A> })}
                <button
                    type="button"
                    class="tl-link-button tl-nav__help"
                    aria-keyshortcuts="Shift+?"
                    on:click=move |_| {
                        if let Some(d) = help.get_untracked() {
                            let _ = d.show_modal();
                        }
                    }
                >{t!("shortcuts.title")}</button>
                <button
                    type="button"
                    class="tl-link-button tl-nav__find"
                    aria-keyshortcuts="Control+F"
                    on:click=move |_| find_asked.update(|n| *n += 1)
                >
                    <Icon glyph=Glyph::Search/>
                    {format!(" {}", t!("find.open"))}
                </button>
                // On paper, the conversation is the page: embedded, its host prints.
                {area.is_page().then(|| view! { <PrintConversation thread=thread ticket=ticket_now/> })}
            </nav>
            <ShortcutHelp dialog=help/>
            <div class="tl-ticket-layout">
            <div class="tl-conversation">
            {move || match ticket.get() {
                None => view! { <Skeleton status=t!("ticket_page.loading_ticket").into_owned() rows=1/> }.into_any(),
                Some(Ok(t)) => view! { <TicketHeader ticket=t open=details_open cc=cc_now/> }.into_any(),
                Some(Err(e)) => view! { <LoadFailed error=e thread=thread back_to_list=show_nav/> }.into_any(),
            }}
            // The marker takes the button's place at the same height, so that nothing below moves
            // when the last older page arrives.
            {move || match (status.get(), older_page.get()) {
                (Load::Ready, Some(_)) => view! {
                <button
                    type="button"
                    class="tl-button tl-older"
                    disabled=move || loading_older.get()
                    on:click=move |_| thread.load_older()
                >
                    {move || if loading_older.get() { t!("ticket_page.loading_older") } else { t!("ticket_page.load_older") }}
                </button>
                }.into_any(),
                (Load::Ready, None) => view! {
                    <p class="tl-older tl-older--start">{t!("ticket_page.beginning")}</p>
                }.into_any(),
                _ => ().into_any(),
            }}
            {move || older_error.get().map(|e| view! { <ErrorNotice error=e/> })}
            <FindBar thread=thread asked=find_asked.read_only()/>
            <ImageViewer/>
            {move || link_missing.get().then(|| view! {
                <p class="tl-link-missing" role="status">{t!("permalink.not_found")}</p>
            })}
            {move || (linked.with(Option::is_some) && !settled.get() && status.get() == Load::Ready).then(|| view! {
                <p class="tl-loading" role="status">{t!("permalink.finding")}</p>
            })}
            {move || match status.get() {
                Load::Loading => view! {
                    <p class="tl-loading" role="status">
                        {move || if slow.get() {
                            t!("ticket_page.still_loading")
                        } else {
                            t!("ticket_page.loading_conversation")
                        }}
                    </p>
                    <ul class="tl-skeleton__rows tl-skeleton__rows--thread" aria-hidden="true">
                        {(0..3).map(|_| view! {
                            <li class="tl-skeleton__row tl-skeleton__row--message">
                                <span class="tl-skeleton__line tl-skeleton__line--short"></span>
                                <span class="tl-skeleton__line"></span>
                                <span class="tl-skeleton__line tl-skeleton__line--mid"></span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                // One failure, one message: when the ticket could not be read either, its
                // message above says it.
                Load::Failed(_) if ticket_failed.get() => ().into_any(),
                Load::Failed(e) => view! { <LoadFailed error=e thread=thread back_to_list=false/> }.into_any(),
                Load::Ready => view! { <Thread messages=messages complete=Signal::derive(move || older_page.get().is_none())/> }.into_any(),
            }}
            <OutgoingList state=outbox/>
            // Docked at the bottom of the conversation: the composer (and, just above it, the
            // new-messages pill), with the thread scrolling behind.
            <div class="tl-dock">
            <div class="tl-dock__above">
            <SentToast state=outbox/>
            <div class="tl-new-messages" role="status" aria-live="polite">
                {move || {
                    let count = unseen.with(Vec::len);
                    (count > 0).then(|| view! {
                        <button type="button" class="tl-button tl-button--primary tl-new-messages__pill" on:click=move |_| {
                            let first = unseen.with_untracked(|u| u.first().cloned());
                            unseen.set(Vec::new());
                            if let Some(first) = first {
                                tasks.spawn(async move { reveal(area, &first).await });
                            }
                        }>
                            {crate::i18n::plural("ticket_page.new_messages", count)}
                        </button>
                    })
                }}
                {move || (far_from_end.get() && unseen.with(Vec::is_empty)).then(|| view! {
                    <button type="button" class="tl-button tl-jump-latest" on:click=move |_| {
                        let newest = messages.with_untracked(|m| m.last().map(|m| m.id.clone()));
                        // The button goes once at the end: the focus goes to the newest message.
                        if let Some(newest) = newest {
                            tasks.spawn(async move {
                                settle_at_bottom(area, &newest).await;
                                focus_message(area, &newest);
                            });
                        }
                    }>
                        {t!("unread.jump_latest")}
                    </button>
                })}
            </div>
            </div>
            // A read-only view has no composer at all; a customer whose helpdesk takes no
            // message from them is told where to answer instead.
            {move || match (mode, writable) {
                // Nothing to answer: a ticket that is gone or not the agent's to see.
                (Mode::Readonly, _) => ().into_any(),
                _ if unanswerable.get() => ().into_any(),
                (_, false) => view! {
                    <p class="tl-read-only" role="note">{t!("ticket_page.read_only")}</p>
                }.into_any(),
                _ => {
                    let ticket_id = ticket_id.clone();
                    view! {
                        <SpamGuard ticket=ticket_now>
                            <LazyComposer ticket_id=ticket_id.clone() thread=messages ticket=ticket_now outbox=outbox ready=first_view_drawn/>
                        </SpamGuard>
                    }.into_any()
                }
            }}
            </div>
            </div>
            {move || ticket_now.get().filter(|_| !customer).map(|t| view! { <TicketDetails ticket=t cc=cc_now/> })}
            </div>
        </div>
    };
    if landmark {
        Either::Left(view! { <main>{page}</main> })
    } else {
        Either::Right(page)
    }
}

/// The message a link names: the embedded element's `message-id`, else the page's
/// `#message-<id>` (followed as it changes).
fn linked_target() -> Signal<Option<String>> {
    if let Some(crate::embed::LinkedMessage(message)) = use_context() {
        return message;
    }
    let hash = || {
        window()
            .location()
            .hash()
            .ok()
            .and_then(|h| linked_message(&h))
    };
    let target = RwSignal::new(hash());
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        target.try_set(hash());
    });
    on_cleanup(move || listener.remove());
    target.into()
}

/// Goes to the linked message `id`, reading older pages until it is there; `false` when the
/// thread does not hold it.
async fn go_to_linked(
    thread: UseThreadReturn,
    nav: ThreadNav,
    area: ScrollArea,
    tasks: Tasks,
    id: &str,
) -> bool {
    let held = || {
        thread
            .messages
            .with_untracked(|m| m.iter().any(|m| m.id == id))
    };
    // Older pages until it is there (a page the scroll asked for may be on its way first).
    while !held()
        && thread.older_page.get_untracked().is_some()
        && thread.older_error.get_untracked().is_none()
    {
        if !thread.loading_older.get_untracked() {
            thread.load_all_older(Some(id.to_owned()));
        }
        crate::components::conversation::next_frame().await;
    }
    if !held() {
        return false;
    }
    let shown = nav.bring_into_view(area, id, &|| true).await.is_some();
    if shown {
        nav.flash(id, tasks);
        focus_message(area, id);
    }
    shown
}

/// An embedding page hears of failed reads and of status changes (each once).
fn tell_the_embedding_page(ticket_id: &str, thread: UseThreadReturn) {
    let Some(embedded) = use_context::<Embedded>() else {
        return;
    };
    let id = ticket_id.to_owned();
    Effect::new(move |before: Option<(Option<String>, Option<String>)>| {
        let failure = thread.status.with(|s| match s {
            Load::Failed(e) => Some(e.user_message()),
            _ => None,
        });
        let header = thread.ticket.with(|t| match t {
            Some(Err(e)) => Some(e.user_message()),
            _ => None,
        });
        let (failed_before, header_before) = before.unwrap_or_default();
        for (now, was) in [(&failure, failed_before), (&header, header_before)] {
            if let Some(message) = now.as_ref().filter(|m| Some(*m) != was.as_ref()) {
                embedded.emit(
                    "error",
                    serde_json::json!({ "ticketId": id, "message": message }),
                );
            }
        }
        (failure, header)
    });
    let id = ticket_id.to_owned();
    Effect::new(
        move |before: Option<Option<threadline_core::model::TicketStatus>>| {
            let now = thread.ticket.with(|t| {
                t.as_ref()
                    .and_then(|t| t.as_ref().ok())
                    .and_then(|t| t.status)
            });
            if let (Some(Some(was)), Some(status)) = (before, now) {
                if was != status {
                    embedded.emit(
                        "status-changed",
                        serde_json::json!({
                            "ticketId": id,
                            "status": status.label(),
                            // The label is in the reader's language; this never changes.
                            "statusCode": status.as_wire(),
                        }),
                    );
                }
            }
            now.or(before.flatten())
        },
    );
}

/// A load that failed: what happened and the one thing that can help. Where retrying can
/// succeed: that it is tried again, and a button to try now; where it cannot (the ticket is
/// gone, or not the agent's to see), what to do instead and, on the agent's own page, the
/// way back to the list.
#[component]
fn LoadFailed(error: ApiError, thread: UseThreadReturn, back_to_list: bool) -> impl IntoView {
    let retryable = error.is_retryable();
    // The customer's own errors say what to do already ("use the link from your email").
    let agent = use_context::<AppConfig>().is_none_or(|c| c.mode != Mode::Customer);
    let hint = match &error {
        _ if !agent => None,
        ApiError::NotFound(_) => Some(t!("ticket_page.not_found_hint")),
        ApiError::Forbidden(_) | ApiError::Unauthorized(_) => {
            Some(t!("ticket_page.forbidden_hint"))
        }
        _ => None,
    };
    let slow = thread.slow;
    view! {
        <div class="tl-load-failed">
            <ErrorNotice error=error/>
            {hint.map(|h| view! { <p class="tl-load-failed__hint">{h}</p> })}
            {retryable.then(|| view! {
                <p class="tl-load-failed__retry" role="status">
                    {move || if slow.get() {
                        t!("ticket_page.still_trying")
                    } else {
                        t!("ticket_page.trying_again")
                    }}
                </p>
                <button type="button" class="tl-button" on:click=move |_| thread.retry()>
                    {t!("ticket_page.try_again")}
                </button>
            })}
            {(!retryable && back_to_list).then(|| view! {
                <A href="/" attr:class="tl-button">{t!("ticket_page.back_to_list")}</A>
            })}
        </div>
    }
}

/// On a ticket marked as spam, a warning in place of the composer until the agent chooses to
/// answer anyway (a reply would go to whoever sent the spam).
#[component]
fn SpamGuard(ticket: Signal<Option<Ticket>>, children: ChildrenFn) -> impl IntoView {
    let answer_anyway = RwSignal::new(false);
    // A memo, so that re-reading the ticket (after every send) does not make the composer anew.
    let warn = Memo::new(move |_| {
        let spam = ticket.with(|t| t.as_ref().and_then(Ticket::effective_status))
            == Some(TicketStatus::Spam);
        spam && !answer_anyway.get()
    });
    move || {
        if warn.get() {
            view! {
                <div class="tl-spam-warning" role="note">
                    <p>{t!("ticket_page.spam_warning")}</p>
                    <button type="button" class="tl-button" on:click=move |ev| {
                        answer_anyway.set(true);
                        focus_composer_text(&ev);
                    }>
                        {t!("ticket_page.answer_anyway")}
                    </button>
                </div>
            }
            .into_any()
        } else {
            children().into_any()
        }
    }
}

/// What follows a delivered message on this ticket's page: the next ticket of the list (read
/// then, so it is the list as it is after this send), or the list.
fn after_send_hook(client: Client, current: String, tasks: Tasks) -> AfterSendHook {
    let navigate = use_navigate();
    AfterSendHook::new(move |choice| match choice {
        AfterSend::Stay => {}
        AfterSend::List => navigate("/", Default::default()),
        AfterSend::NextTicket => {
            let (client, current, navigate) = (client.clone(), current.clone(), navigate.clone());
            tasks.spawn(async move {
                let ids: Vec<String> = client
                    .tickets()
                    .await
                    .map(|page| page.items.into_iter().map(|t| t.id).collect())
                    .unwrap_or_default();
                match next_ticket(&ids, &current) {
                    Some(next) => navigate(&format!("/tickets/{next}"), Default::default()),
                    None => navigate("/", Default::default()),
                }
            });
        }
    })
}

/// After "Answer anyway": the focus goes to the composer's text box (the button it was on has
/// gone), once the composer is in the page.
fn focus_composer_text(ev: &leptos::ev::MouseEvent) {
    use wasm_bindgen::JsCast;
    let main = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(".tl-page--ticket").ok().flatten());
    request_animation_frame(move || {
        let text = main
            .and_then(|m| m.query_selector(".tl-composer__text").ok().flatten())
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(text) = text {
            let _ = text.focus();
        }
    });
}
