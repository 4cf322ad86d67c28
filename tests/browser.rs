//! Components mounted in a real browser (headless Chromium via wasm-bindgen-test).

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::sync::Arc;

use leptos::prelude::*;
use threadline::api::Client;
use threadline::components::composer::{Composer, OutboxState};
use threadline::components::conversation::{BodyCache, MessageItem, Thread};
use threadline::state::delivery::{Delivery, Serves};
use threadline::state::thread::{use_thread, Threads};
use threadline_core::dialect::initdesk::{Initdesk, InitdeskConfig};
use threadline_core::model::{DataProblem, Message, Person, Role};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let el = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&el).unwrap();
    el.unchecked_into()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn note(html: &str) -> Message {
    Message {
        id: "12".into(),
        role: Role::Associate,
        author: Some(Person {
            name: "Sam Rivera".into(),
            email: "sam@acme.example".into(),
        }),
        author_user_id: Some("2".into()),
        text: Some("plain".into()),
        html: Some(html.into()),
        is_internal: true,
        cc: vec![],
        attachments: vec![],
        created_at: "2024-05-01T09:30:00Z".into(),
        problems: vec![],
    }
}

#[wasm_bindgen_test]
async fn an_internal_note_is_labelled_and_hostile_html_stays_inert() {
    let el = container();
    let message = note(
        r#"<p>Check the <b>refund</b></p><img src=x onerror="window.pwned=1"><script>window.pwned=1</script>"#,
    );
    let _mounted = leptos::mount::mount_to(
        el.clone(),
        move || view! { <div role="feed"><MessageItem message=message.clone() position=1usize set_size=1i64/></div> },
    );
    leptos::task::tick().await;
    let article = el.query_selector("article").unwrap().expect("an article");
    assert_eq!(
        article.get_attribute("aria-label").as_deref(),
        Some("Internal note from Sam Rivera")
    );
    assert!(el.query_selector(".tl-msg--note").unwrap().is_some());
    assert!(el.text_content().unwrap().contains("Internal note"));
    assert!(el.inner_html().contains("<b>refund</b>"));
    assert!(
        el.query_selector("script, [onerror]").unwrap().is_none(),
        "{}",
        el.inner_html()
    );
    sleep(50).await;
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"pwned".into()).unwrap();
    assert!(pwned.is_undefined());
}

/// A client whose API is a closed port on this machine, so every request really fails.
fn unreachable_client() -> Client {
    let config = InitdeskConfig {
        api_base: "http://127.0.0.1:9/api".into(),
        organization_id: "1".into(),
        token: Some("t".into()),
        page_size: 50,
    };
    Client::new(Arc::new(
        Initdesk::new(config, "http://127.0.0.1:9/").unwrap(),
    ))
}

/// Waits (up to 5 s) until `check` holds, letting Leptos update the DOM in between.
async fn until(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        leptos::task::tick().await;
        if check() {
            return true;
        }
        sleep(50).await;
    }
    false
}

/// The text a screen reader reads: without what is `aria-hidden`.
fn spoken_text(e: &web_sys::Element) -> String {
    let hidden = e.query_selector_all("[aria-hidden=true]").unwrap();
    let mut text = e.text_content().unwrap_or_default();
    for i in 0..hidden.length() {
        if let Some(t) = hidden.item(i).and_then(|n| n.text_content()) {
            text = text.replacen(&t, "", 1);
        }
    }
    text.trim().to_owned()
}

fn by_label<T: JsCast>(root: &web_sys::Element, selector: &str, label: &str) -> T {
    let all = root.query_selector_all(selector).unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.unchecked_into::<web_sys::Element>())
        .find(|e| {
            e.get_attribute("aria-label").as_deref() == Some(label)
                || e.text_content().is_some_and(|t| t.trim() == label)
                || spoken_text(e) == label
        })
        .unwrap_or_else(|| panic!("no {selector} named {label}"))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn the_composer_formats_markdown_previews_it_and_says_what_send_will_do() {
    let el = container();
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        let client = unreachable_client();
        let delivery = Delivery::start(client.clone(), Serves::ticket("browser-test"));
        provide_context(client);
        let outbox = OutboxState::for_ticket(delivery, "browser-test");
        view! {
            <Composer
                ticket_id="browser-test".to_owned()
                ticket=Signal::derive(|| None)
                thread=RwSignal::new(Vec::new())
                outbox=outbox
            />
        }
    });
    leptos::task::tick().await;
    let textarea: web_sys::HtmlTextAreaElement = by_label(&el, "textarea", "Reply text");
    textarea.set_value("please check the invoice");
    textarea
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    // Select "check" and make it bold with the toolbar.
    textarea.set_selection_range(7, 12).unwrap();
    by_label::<web_sys::HtmlButtonElement>(&el, "button", "Bold").click();
    assert_eq!(textarea.value(), "please **check** the invoice");
    assert_eq!(textarea.selection_start().unwrap(), Some(9));
    assert_eq!(textarea.selection_end().unwrap(), Some(14));

    by_label::<web_sys::HtmlButtonElement>(&el, "button", "Preview").click();
    assert!(
        until(|| el
            .query_selector("[aria-label=Preview] strong")
            .unwrap()
            .is_some_and(|s| s.text_content().as_deref() == Some("check")))
        .await,
        "{}",
        el.inner_html()
    );

    let submit: web_sys::HtmlButtonElement = el
        .query_selector("button[type=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(submit.text_content().as_deref(), Some("Send reply"));
    let select: web_sys::HtmlSelectElement = el
        .query_selector("select")
        .unwrap()
        .unwrap()
        .unchecked_into();
    select.set_value("close_and_mark_resolved");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    assert!(
        until(|| submit.text_content().as_deref() == Some("Send and close as resolved")).await,
        "{:?}",
        submit.text_content()
    );

    // The shortcut switches to an internal note, with its own (empty) draft.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("n");
    init.set_code("KeyN");
    init.set_ctrl_key(true);
    init.set_alt_key(true);
    init.set_bubbles(true);
    let key = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    textarea.dispatch_event(&key).unwrap();
    assert!(until(|| submit.text_content().as_deref() == Some("Add note")).await);
    assert!(el.query_selector(".tl-composer--note").unwrap().is_some());
    let note_area: web_sys::HtmlTextAreaElement = by_label(&el, "textarea", "Internal note text");
    assert!(
        until(|| note_area.value().is_empty()).await,
        "{:?}",
        note_area.value()
    );
}

#[wasm_bindgen_test]
async fn broken_messages_are_marked_and_the_rest_of_the_thread_renders() {
    let el = container();
    let good = note("<p>All fine here</p>");
    let unreadable = Message::unreadable(Some("13".into()), None, "invalid type: integer".into());
    let mut undated = note("<p>When was this?</p>");
    undated.id = "14".into();
    undated.created_at = "yesterday-ish".into();
    undated.problems = vec![DataProblem::BadDate];
    let messages = vec![good, unreadable, undated];
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        let messages = messages.clone();
        view! { <Thread messages=Signal::derive(move || messages.clone())/> }
    });
    leptos::task::tick().await;
    assert_eq!(el.query_selector_all("article").unwrap().length(), 3);
    let text = el.text_content().unwrap();
    assert!(text.contains("All fine here"), "{text}");
    assert!(
        text.contains("This message could not be read (invalid type: integer)."),
        "{text}"
    );
    assert!(
        text.contains("The time of this message is unknown."),
        "{text}"
    );
    assert!(text.contains("unknown time"), "{text}");
    assert_eq!(
        el.query_selector_all(".tl-msg__problem").unwrap().length(),
        2
    );
}

#[wasm_bindgen_test]
async fn a_body_is_sanitized_once_per_thread_and_reused_when_it_comes_back() {
    let first = container();
    let again = container();
    let mut original = note("<p>Sanitized the first time</p>");
    original.id = "cache-1".into();
    // The same message id with another body: shown only if the cache were bypassed.
    let mut same_id = original.clone();
    same_id.html = Some("<p>Sanitized a second time</p>".into());
    let cache = BodyCache::new();
    let _one = leptos::mount::mount_to(first.clone(), move || {
        provide_context(cache);
        view! { <div role="feed"><MessageItem message=original.clone() position=1usize set_size=1i64/></div> }
    });
    leptos::task::tick().await;
    assert!(first
        .text_content()
        .unwrap()
        .contains("Sanitized the first time"));
    let _two = leptos::mount::mount_to(again.clone(), move || {
        provide_context(cache);
        view! { <div role="feed"><MessageItem message=same_id.clone() position=1usize set_size=1i64/></div> }
    });
    leptos::task::tick().await;
    let text = again.text_content().unwrap();
    assert!(text.contains("Sanitized the first time"), "{text}");
    assert!(!text.contains("a second time"), "{text}");
    // Without the thread's cache, each mount sanitizes its own body.
    let fresh = container();
    let mut other = note("<p>No cache here</p>");
    other.id = "cache-1".into();
    let _three = leptos::mount::mount_to(fresh.clone(), move || {
        view! { <div role="feed"><MessageItem message=other.clone() position=1usize set_size=1i64/></div> }
    });
    leptos::task::tick().await;
    assert!(fresh.text_content().unwrap().contains("No cache here"));
}

#[wasm_bindgen_test]
async fn after_a_panic_the_words_in_the_box_are_kept_and_come_back() {
    let mount = || {
        let el = container();
        let mounted = leptos::mount::mount_to(el.clone(), move || {
            let client = unreachable_client();
            let delivery = Delivery::start(client.clone(), Serves::ticket("rescue-test"));
            provide_context(client);
            let outbox = OutboxState::for_ticket(delivery, "rescue-test");
            view! {
                <Composer
                    ticket_id="rescue-test".to_owned()
                    ticket=Signal::derive(|| None)
                    thread=RwSignal::new(Vec::new())
                    outbox=outbox
                />
            }
        });
        (el, mounted)
    };
    let (el, mounted) = mount();
    leptos::task::tick().await;
    let textarea: web_sys::HtmlTextAreaElement = by_label(&el, "textarea", "Reply text");
    // Typed, and not autosaved yet (the save waits 400 ms after the last key).
    textarea.set_value("words typed just before the crash");
    // What the panic hook does, without aborting the test.
    threadline::panic::rescue_drafts_and_explain();
    let document = web_sys::window().unwrap().document().unwrap();
    let dialog = document
        .query_selector("[role=alertdialog]")
        .unwrap()
        .expect("the explanation is on the page");
    assert!(dialog
        .text_content()
        .unwrap()
        .contains("Your draft is saved"));
    let reload = dialog.query_selector("a").unwrap().unwrap();
    assert_eq!(reload.text_content().as_deref(), Some("Reload"));
    assert_eq!(
        reload.get_attribute("href"),
        web_sys::window().unwrap().location().href().ok()
    );
    dialog.remove();
    // "Reload": the page is gone, a new composer for the ticket opens with the words.
    drop(mounted);
    el.remove();
    let (el, _mounted) = mount();
    leptos::task::tick().await;
    let textarea: web_sys::HtmlTextAreaElement = by_label(&el, "textarea", "Reply text");
    assert!(
        until(|| textarea.value() == "words typed just before the crash").await,
        "{:?}",
        textarea.value()
    );
}

#[wasm_bindgen_test]
fn every_app_message_is_translated() {
    let messages =
        |locale: &str| threadline_core::i18n::keys_of(threadline::_rust_i18n_backend(), locale);
    assert!(messages("en").len() > 100, "the catalogue is loaded");
    assert_eq!(
        threadline_core::i18n::missing_translations(messages),
        Vec::<String>::new()
    );
}

#[wasm_bindgen_test]
fn sizes_and_times_are_written_in_the_locale() {
    use threadline_core::i18n::{negotiate, set_locale};
    set_locale(negotiate(["de"]));
    let german = (
        threadline::i18n::format_size(1_234_567),
        threadline::i18n::relative_time(0, 5 * 60_000),
    );
    set_locale(negotiate(["ar"]));
    let arabic = threadline::i18n::format_size(1_234_567);
    set_locale(negotiate(["en"]));
    let english = (
        threadline::i18n::format_size(1_234_567),
        threadline::i18n::relative_time(0, 5 * 60_000),
    );
    // Bytes spelt out, in the plural where it is one.
    assert_eq!(threadline::i18n::format_size(757), "757 bytes");
    assert_eq!(threadline::i18n::format_size(1), "1 byte");
    assert_eq!(german.0, "1,2 MB");
    assert_eq!(german.1, "vor 5 Minuten");
    assert_ne!(arabic, english.0, "Arabic digits or unit");
    assert_eq!(english.0, "1.2 MB");
    assert_eq!(english.1, "5 minutes ago");
}

#[wasm_bindgen_test]
async fn a_thread_store_is_shared_by_the_views_of_a_ticket_and_goes_with_the_last() {
    let root = Owner::new();
    let third_view = root.with(|| {
        provide_context(unreachable_client());
        Threads::provide();
        let first_view = root.child();
        let second_view = root.child();
        let first = first_view.with(|| use_thread("store-test"));
        let second = second_view.with(|| use_thread("store-test"));
        // One store: what one view sees, the other sees.
        first.messages.set(vec![Message::unreadable(
            Some("m1".into()),
            None,
            "test".into(),
        )]);
        assert_eq!(second.messages.with_untracked(Vec::len), 1);
        // The first view goes: the store stays for the second.
        first_view.cleanup();
        assert_eq!(second.messages.try_with_untracked(Vec::len), Some(1));
        // The last view goes: the store and its signals go too; a later view starts afresh.
        second_view.cleanup();
        assert_eq!(second.messages.try_with_untracked(Vec::len), None);
        let third_view = root.child();
        let third = third_view.with(|| use_thread("store-test"));
        assert_eq!(third.messages.with_untracked(Vec::len), 0);
        third_view
    });
    // It goes while its reads are in flight (no server here): nothing runs after, no panic.
    third_view.cleanup();
    for _ in 0..20 {
        leptos::task::tick().await;
    }
    root.cleanup();
}

#[wasm_bindgen_test]
async fn without_a_threadline_server_the_configured_saved_replies_are_offered_read_only() {
    // A deployment that talks to its helpdesk directly: the list comes from config.json.
    let config: threadline::config::AppConfig = serde_json::from_value(serde_json::json!({
        "dialect": "initdesk",
        "api_base": "http://127.0.0.1:9/api",
        "organization_id": "1",
        "token": "t",
        "saved_replies": [
            { "id": "welcome", "title": "Welcome", "body": "Hello {{customer.first_name}}, thanks for writing." }
        ]
    }))
    .unwrap();
    let el = container();
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        let client = unreachable_client();
        let delivery = Delivery::start(client.clone(), Serves::ticket("browser-saved"));
        threadline::state::toolbox::Toolbox::provide(&client, &config);
        provide_context(client);
        let outbox = OutboxState::for_ticket(delivery, "browser-saved");
        let ticket = threadline_core::model::Ticket {
            id: "42".into(),
            number: Some("1042".into()),
            subject: "Hello".into(),
            requester: Some(Person {
                name: "Maria Lopez".into(),
                email: "maria@example.com".into(),
            }),
            status: None,
            assignee: None,
            inbox: None,
            tags: Vec::new(),
            cc: Vec::new(),
            is_spam: false,
            created_at: None,
            updated_at: None,
            fields: Vec::new(),
        };
        view! {
            <Composer
                ticket_id="browser-saved".to_owned()
                ticket=Signal::derive(move || Some(ticket.clone()))
                thread=RwSignal::new(Vec::new())
                outbox=outbox
            />
        }
    });
    leptos::task::tick().await;
    let textarea: web_sys::HtmlTextAreaElement = by_label(&el, "textarea", "Reply text");
    textarea.focus().unwrap();
    el.query_selector(".tl-composer__saved")
        .unwrap()
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    let option = || el.query_selector("[role=option]").unwrap();
    assert!(until(|| option().is_some()).await, "{}", el.inner_html());
    assert!(
        option()
            .and_then(|o| o.text_content())
            .is_some_and(|t| t.contains("Welcome")),
        "{}",
        el.inner_html()
    );
    // Read-only here: nothing to save to or manage.
    assert!(!el.inner_html().contains("Manage saved replies"));
    option()
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    assert!(
        until(|| textarea.value() == "Hello Maria, thanks for writing.").await,
        "{:?}",
        textarea.value()
    );
}
