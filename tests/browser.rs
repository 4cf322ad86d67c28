//! Components mounted in a real browser (headless Chromium via wasm-bindgen-test).

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::sync::Arc;

use leptos::prelude::*;
use threadline::api::Client;
use threadline::components::composer::ReplyBox;
use threadline::components::conversation::{MessageItem, Thread};
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
        move || view! { <ul><MessageItem message=message.clone()/></ul> },
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

#[wasm_bindgen_test]
async fn a_failed_send_says_why_and_keeps_the_text() {
    let el = container();
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        provide_context(unreachable_client());
        view! { <ReplyBox ticket_id="1".to_owned() on_sent=|_| {}/> }
    });
    leptos::task::tick().await;
    let textarea: web_sys::HtmlTextAreaElement = el
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .unchecked_into();
    textarea.set_value("Refund is on its way.");
    textarea
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    let button: web_sys::HtmlButtonElement = el
        .query_selector("button[type=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(button.text_content().as_deref(), Some("Send reply"));
    button.click();
    let mut alert = None;
    for _ in 0..100 {
        leptos::task::tick().await;
        alert = el.query_selector("[role=alert]").unwrap();
        if alert.is_some() {
            break;
        }
        sleep(50).await;
    }
    let alert = alert.expect("an error is shown");
    assert!(
        alert
            .text_content()
            .unwrap()
            .contains("could not be reached"),
        "{:?}",
        alert.text_content()
    );
    assert_eq!(textarea.value(), "Refund is on its way.");
    assert!(!button.disabled(), "the agent can try again");
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
