//! Find in this conversation: a bar (Ctrl/Cmd+F, or the "Find in conversation" button) that
//! searches the text of every loaded message — folded quotes and clipped bodies included,
//! earlier pages loaded on request — counts the hits ("3 of 17"), and goes to each: through
//! the windowing, quote unfolded, the hit highlighted with the CSS Custom Highlight API (the
//! sanitized DOM is never changed). The matching rule is core's (`threadline_core::find`).

use std::collections::HashMap;

use leptos::html::Input;
use leptos::prelude::*;
use threadline_core::find::{is_break, message_segments, Hit, Query};
use threadline_core::model::{Message, Role};
use wasm_bindgen::{JsCast, JsValue};

use super::reveal::{first_on_screen, message_element, next_frame};
use super::ThreadNav;
use crate::components::common::{Glyph, Icon, ScrollArea};
use crate::state::tasks::Tasks;
use crate::state::thread::UseThreadReturn;

/// The highlight of every hit in the message shown, and of the current one.
const HIGHLIGHT_ALL: &str = "tl-find";
const HIGHLIGHT_CURRENT: &str = "tl-find-current";

/// The find bar; `asked` counts requests to open it (Ctrl+F, the button; asked again, the
/// focus goes back to its field).
#[component]
pub fn FindBar(thread: UseThreadReturn, asked: ReadSignal<u32>) -> impl IntoView {
    let nav = expect_context::<ThreadNav>();
    let open = RwSignal::new(false);
    Effect::new(move |first: Option<()>| {
        asked.track();
        if first.is_some() {
            open.set(true);
        }
    });
    let area = ScrollArea::current();
    let tasks = Tasks::new();
    let query = RwSignal::new(String::new());
    let field = NodeRef::<Input>::new();
    // Where the focus was when the bar opened: it goes back there on closing.
    let came_from = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let texts = StoredValue::new(HashMap::<String, Vec<String>>::new());
    let messages = thread.messages;
    // (message id, hits in it), oldest message first.
    let hits = Memo::new(move |_| {
        let Some(q) = query.with(|q| Query::new(q)) else {
            return Vec::new();
        };
        messages.with(|all| {
            all.iter()
                .filter(|m| m.role != Role::System)
                .filter_map(|m| {
                    let n = count_in(&q, m, texts);
                    (n > 0).then(|| (m.id.clone(), n))
                })
                .collect::<Vec<_>>()
        })
    });
    let total = Memo::new(move |_| hits.with(|h| h.iter().map(|(_, n)| n).sum::<usize>()));
    // The hit shown, as (message, hit in it): an earlier page arriving above keeps it.
    let target = RwSignal::new(None::<(String, usize)>);
    let position =
        Memo::new(move |_| hits.with(|h| target.with(|t| t.as_ref().and_then(|t| index_of(h, t)))));
    // A new phrase starts at its first hit from the message on screen on (as a browser's find
    // does), round to the first; so does a hit that is gone.
    Effect::new(move |before: Option<String>| {
        let phrase = query.get();
        let kept = before.as_deref() == Some(phrase.as_str()) && position.get().is_some();
        if !kept {
            let from = first_on_screen(area).and_then(|a| a.get_attribute("data-message-id"));
            let start = messages.with_untracked(|all| {
                let at = from.and_then(|id| all.iter().position(|m| m.id == id))?;
                hits.with_untracked(|h| first_hit_from(h, all, at))
            });
            target.set(hits.with_untracked(|h| locate(h, start.unwrap_or(0))));
        }
        phrase
    });
    // Earlier pages arriving above move the thread: the hit is shown again once they are in.
    let pages_read = RwSignal::new(0u32);
    Effect::new(move |was_loading: Option<bool>| {
        let loading = thread.loading_all.with(Option::is_some);
        if was_loading == Some(true) && !loading {
            pages_read.update(|n| *n += 1);
        }
        loading
    });
    let generation = StoredValue::new(0u64);
    Effect::new(move |before: Option<(Option<(String, usize)>, u32)>| {
        let now = (target.get(), pages_read.get());
        if before.as_ref() == Some(&now) {
            return now;
        }
        let (hit, _) = now.clone();
        let phrase = query.get_untracked();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        match hit {
            Some((id, nth)) if open.get_untracked() => {
                nav.opened.set(Some(id.clone()));
                tasks.spawn(async move {
                    let still_wanted = move || generation.try_get_value() == Some(mine);
                    show_hit(nav, area, &id, nth, &phrase, still_wanted).await;
                });
            }
            _ => clear_highlights(),
        }
        now
    });
    let step = move |forward: bool| {
        let n = total.get_untracked();
        let Some(at) = position.get_untracked() else {
            return;
        };
        if n > 0 {
            let next = if forward {
                (at + 1) % n
            } else {
                (at + n - 1) % n
            };
            target.set(hits.with_untracked(|h| locate(h, next)));
        }
    };
    let close = move || {
        open.set(false);
        query.set(String::new());
        nav.opened.set(None);
        clear_highlights();
        if let Some(el) = came_from.get_value().filter(|e| e.is_connected()) {
            let _ = el.focus();
        }
    };
    // Opened (or asked again): the focus goes to the field, its text selected.
    Effect::new(move |_| {
        asked.track();
        if !open.get() {
            return;
        }
        if came_from.with_value(Option::is_none) {
            let active = document()
                .active_element()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            came_from.set_value(active);
        }
        tasks.frame(move || {
            if let Some(f) = field.try_get_untracked().flatten() {
                let _ = f.focus();
                f.select();
            }
        });
    });
    Effect::new(move |_| {
        if !open.get() {
            came_from.set_value(None);
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            close();
        }
    };
    // Enter in the field goes on (Shift+Enter back); on a button, Enter is the button's.
    let on_field_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.is_composing() {
            ev.prevent_default();
            step(!ev.shift_key());
        }
    };
    let status = move || {
        let n = total.get();
        if query.with(|q| q.trim().is_empty()) {
            String::new()
        } else if n == 0 {
            t!("find.none").into_owned()
        } else {
            t!(
                "find.position",
                current = (position.get().unwrap_or(0).min(n - 1) + 1).to_string(),
                total = n.to_string()
            )
            .into_owned()
        }
    };
    let older_left =
        move || thread.older_page.get().is_some() && thread.loading_all.get().is_none();
    view! {
        <Show when=move || open.get()>
            <div class="tl-find" role="search" aria-label=t!("find.field") on:keydown=on_keydown>
                <input
                    node_ref=field
                    type="search"
                    class="tl-input tl-find__field"
                    aria-label=t!("find.field")
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                    on:keydown=on_field_keydown
                />
                <span class="tl-find__count" role="status" aria-live="polite">{status}</span>
                <button type="button" class="tl-icon-button" aria-label=t!("find.previous")
                    disabled=move || total.get() == 0 on:click=move |_| step(false)>
                    <Icon glyph=Glyph::ChevronUp/>
                </button>
                <button type="button" class="tl-icon-button" aria-label=t!("find.next")
                    disabled=move || total.get() == 0 on:click=move |_| step(true)>
                    <Icon glyph=Glyph::ChevronDown/>
                </button>
                <button type="button" class="tl-icon-button" aria-label=t!("find.close") on:click=move |_| close()>
                    <Icon glyph=Glyph::Close/>
                </button>
                {move || older_left().then(|| view! {
                    <p class="tl-find__more">
                        {t!("find.older_left")}
                        " "
                        // The button goes once loading starts: the focus stays in the field.
                        <button type="button" class="tl-link-button" on:click=move |_| {
                            thread.load_all_older(None);
                            if let Some(f) = field.get_untracked() {
                                let _ = f.focus();
                            }
                        }>
                            {t!("find.search_all")}
                        </button>
                    </p>
                })}
                {move || thread.loading_all.get().map(|(done, all)| view! {
                    <p class="tl-find__more">
                        <label>
                            {t!("find.loading", done = done.to_string(), total = all.to_string())}
                            " "
                            <progress max=all.to_string() value=done.to_string()></progress>
                        </label>
                    </p>
                })}
            </div>
        </Show>
    }
}

/// The hits of `q` in message `m`, its text read once per open thread view.
fn count_in(q: &Query, m: &Message, texts: StoredValue<HashMap<String, Vec<String>>>) -> usize {
    let known = texts.with_value(|t| t.get(&m.id).map(|s| q.find(&as_strs(s)).len()));
    known.unwrap_or_else(|| {
        let segments = message_segments(m);
        let n = q.find(&as_strs(&segments)).len();
        texts.update_value(|t| {
            t.insert(m.id.clone(), segments);
        });
        n
    })
}

fn as_strs(segments: &[String]) -> Vec<&str> {
    segments.iter().map(String::as_str).collect()
}

/// The index (overall) of the first hit in the message at `at` of `all`, or after it.
fn first_hit_from(hits: &[(String, usize)], all: &[Message], at: usize) -> Option<usize> {
    let position: HashMap<&str, usize> = all
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let mut index = 0;
    for (id, n) in hits {
        if position.get(id.as_str()).is_some_and(|p| *p >= at) {
            return Some(index);
        }
        index += n;
    }
    None
}

/// The index overall of hit `nth` of message `id`, if the message has that many.
fn index_of(hits: &[(String, usize)], (id, nth): &(String, usize)) -> Option<usize> {
    let mut before = 0;
    for (message, n) in hits {
        if message == id {
            return (nth < n).then_some(before + nth);
        }
        before += n;
    }
    None
}

/// The message and the hit in it of the `index`th hit overall.
fn locate(hits: &[(String, usize)], mut index: usize) -> Option<(String, usize)> {
    for (id, n) in hits {
        if index < *n {
            return Some((id.clone(), index));
        }
        index -= n;
    }
    None
}

/// Brings the `nth` hit of `phrase` in message `id` into view and highlights it (and the
/// message's other hits); gives up when `still_wanted` says a newer one was asked for.
async fn show_hit(
    nav: ThreadNav,
    area: ScrollArea,
    id: &str,
    nth: usize,
    phrase: &str,
    still_wanted: impl Fn() -> bool,
) {
    if nav.bring_into_view(area, id, &still_wanted).await.is_none() || !still_wanted() {
        return;
    }
    // The quote unfolds and the body expands on `opened`: let them render.
    next_frame().await;
    if !still_wanted() {
        return;
    }
    let (Some(article), Some(q)) = (message_element(area, id), Query::new(phrase)) else {
        return;
    };
    let (nodes, segments) = body_text(&article);
    let hits = q.find(&as_strs(&segments));
    let ranges: Vec<web_sys::Range> = hits.iter().filter_map(|h| range(&nodes, h)).collect();
    set_highlight(HIGHLIGHT_ALL, &ranges);
    let Some(hit) = ranges.get(nth) else {
        set_highlight(HIGHLIGHT_CURRENT, &[]);
        return;
    };
    set_highlight(HIGHLIGHT_CURRENT, std::slice::from_ref(hit));
    let rect = hit.get_bounding_client_rect();
    let middle = area.viewport_top() + area.viewport_height() / 2.0;
    area.scroll_by(rect.top() - middle);
}

/// The text of a message's bodies (main, then quote) as core reads it: text nodes, and a space
/// for each element that separates words (`None` in place of a node).
fn body_text(article: &web_sys::Element) -> (Vec<Option<web_sys::Node>>, Vec<String>) {
    let mut nodes = Vec::new();
    let mut segments = Vec::new();
    if let Ok(bodies) = article.query_selector_all(".tl-msg__body") {
        for i in 0..bodies.length() {
            if let Some(body) = bodies.item(i) {
                walk(&body, &mut nodes, &mut segments);
            }
        }
    }
    (nodes, segments)
}

fn walk(node: &web_sys::Node, nodes: &mut Vec<Option<web_sys::Node>>, segments: &mut Vec<String>) {
    let children = node.child_nodes();
    for i in 0..children.length() {
        let Some(child) = children.item(i) else {
            continue;
        };
        match child.node_type() {
            web_sys::Node::TEXT_NODE => {
                segments.push(child.node_value().unwrap_or_default());
                nodes.push(Some(child));
            }
            web_sys::Node::ELEMENT_NODE => {
                let tag = child
                    .dyn_ref::<web_sys::Element>()
                    .map(|e| e.tag_name().to_ascii_lowercase())
                    .unwrap_or_default();
                let breaks = is_break(&tag);
                if breaks {
                    segments.push(" ".to_owned());
                    nodes.push(None);
                }
                walk(&child, nodes, segments);
                if breaks {
                    segments.push(" ".to_owned());
                    nodes.push(None);
                }
            }
            _ => {}
        }
    }
}

/// A DOM range over a hit (both of its ends are in text nodes: a phrase neither starts nor
/// ends with a space).
fn range(nodes: &[Option<web_sys::Node>], hit: &Hit) -> Option<web_sys::Range> {
    let start = nodes.get(hit.start.0)?.as_ref()?;
    let end = nodes.get(hit.end.0)?.as_ref()?;
    let range = document().create_range().ok()?;
    range.set_start(start, hit.start.1 as u32).ok()?;
    range.set_end(end, hit.end.1 as u32).ok()?;
    Some(range)
}

/// Sets the named highlight to `ranges` (`CSS.highlights`; where the browser has no such
/// registry, hits are still scrolled to, just not painted).
fn set_highlight(name: &str, ranges: &[web_sys::Range]) {
    let Some(registry) = registry() else {
        return;
    };
    let Some(constructor) = js_sys::Reflect::get(&window(), &JsValue::from_str("Highlight"))
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
    else {
        return;
    };
    let args: js_sys::Array = ranges.iter().collect();
    let Ok(highlight) = js_sys::Reflect::construct(&constructor, &args) else {
        return;
    };
    call(&registry, "set", &[JsValue::from_str(name), highlight]);
}

fn clear_highlights() {
    if let Some(registry) = registry() {
        for name in [HIGHLIGHT_ALL, HIGHLIGHT_CURRENT] {
            call(&registry, "delete", &[JsValue::from_str(name)]);
        }
    }
}

fn registry() -> Option<JsValue> {
    let css = js_sys::Reflect::get(&window(), &JsValue::from_str("CSS")).ok()?;
    js_sys::Reflect::get(&css, &JsValue::from_str("highlights"))
        .ok()
        .filter(|r| !r.is_undefined())
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) {
    if let Some(f) = js_sys::Reflect::get(target, &JsValue::from_str(method))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let args: js_sys::Array = args.iter().collect();
        let _ = f.apply(target, &args);
    }
}
