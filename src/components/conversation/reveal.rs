//! Scrolling the thread to a message: the newest when a ticket opens, a new one when the agent
//! asks for it. The thread is windowed, so a message may need rendering (and measuring) first.

use leptos::prelude::*;

use crate::components::common::ScrollArea;
use crate::state::tasks::Tasks;

/// Scrolls message `id` into view (rendering it first if the thread is windowed), as work of
/// `tasks`' owner.
pub fn reveal_message(tasks: Tasks, id: String) {
    let area = ScrollArea::current();
    tasks.spawn(async move { reveal(area, &id).await });
}

/// The article of message `id` (or of the folded run of events holding it), if it is in the
/// DOM.
pub(super) fn message_element(area: ScrollArea, id: &str) -> Option<web_sys::Element> {
    area.find_all(".tl-thread > article[data-message-id]")
        .into_iter()
        .find(|e| {
            e.get_attribute("data-message-id").is_some_and(|v| v == id)
                || e.get_attribute("data-event-ids")
                    .is_some_and(|ids| ids.split(' ').any(|v| v == id))
        })
}

/// Scrolls to the bottom until the newest message is rendered and the page has stopped
/// growing or shrinking with the view at its end for two frames: the thread is windowed, so
/// heights are estimates until messages are measured, and a measurement can move the view
/// after the browser has already clamped it to a shorter page.
pub async fn settle_at_bottom(area: ScrollArea, newest: &str) {
    let mut last_height = -1.0;
    let mut calm_frames = 0;
    for _ in 0..90 {
        area.scroll_to_bottom();
        next_frame().await;
        let height = area.content_height();
        let at_end = area.scroll_top() + area.viewport_height() >= height - 2.0;
        let calm =
            message_element(area, newest).is_some() && (height - last_height).abs() < 1.0 && at_end;
        calm_frames = if calm { calm_frames + 1 } else { 0 };
        if calm_frames >= 2 {
            return;
        }
        last_height = height;
    }
}

/// Brings a new message (at the end of the thread, possibly not rendered yet) into view.
pub async fn reveal(area: ScrollArea, id: &str) {
    for _ in 0..60 {
        if let Some(el) = message_element(area, id) {
            el.scroll_into_view();
            return;
        }
        area.scroll_to_bottom();
        next_frame().await;
    }
}

/// Resolves at the next animation frame.
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The first rendered message (or run) whose bottom is below the top of the viewport.
pub fn first_on_screen(area: ScrollArea) -> Option<web_sys::Element> {
    let top = area.viewport_top();
    area.find_all(".tl-thread > article[data-message-id]")
        .into_iter()
        .find(|a| a.get_bounding_client_rect().bottom() > top)
}

/// The newest message (by its place in the thread) that is on screen now: the last rendered
/// article overlapping the viewport; a folded run stands for its last event.
pub fn newest_on_screen(area: ScrollArea) -> Option<String> {
    let top = area.viewport_top();
    let bottom = top + area.viewport_height();
    let article = area
        .find_all(".tl-thread > article[data-message-id]")
        .into_iter()
        .filter(|a| {
            let r = a.get_bounding_client_rect();
            r.top() < bottom && r.bottom() > top && r.height() > 0.0
        })
        .last()?;
    match article.get_attribute("data-event-ids") {
        Some(ids) => ids.split(' ').next_back().map(str::to_owned),
        None => article.get_attribute("data-message-id"),
    }
}

/// Gives message `id` (rendered) the focus where it is, without scrolling.
pub fn focus_message(area: ScrollArea, id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(article) =
        message_element(area, id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = article.focus_with_options(&options);
    }
}
