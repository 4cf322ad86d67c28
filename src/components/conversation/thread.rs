//! The thread: messages oldest first, windowed. All loaded messages stay in memory; only
//! those near the viewport are in the DOM, with padding of their measured (or estimated)
//! height standing in for the rest, so a long thread costs what a short one does.

use std::collections::{HashMap, HashSet};

use leptos::html::Div;
use leptos::prelude::*;
use threadline_core::events::{rows, Row};
use threadline_core::fold::{quote_split, QuoteSplit};
use threadline_core::model::Message;
use threadline_core::virtual_list::visible_range;
use wasm_bindgen::JsCast;

use super::body::BodyCache;
use super::{EventGroup, MessageItem, OpenRuns, ThreadNav};
use crate::components::common::{ResizeWatch, ScrollArea};
use crate::state::tasks::Tasks;

/// Height assumed for a message not measured yet.
const ESTIMATED_HEIGHT: f64 = 160.0;
/// How far beyond the viewport messages are rendered, in pixels.
const OVERSCAN: f64 = 1500.0;
/// The list's gap between messages (`.tl-thread { gap: .75rem }`).
const GAP: f64 = 12.0;

/// Renders messages in order, windowed.
#[component]
pub fn Thread(
    /// The messages, oldest first.
    #[prop(into)]
    messages: Signal<Vec<Message>>,
    /// Whether these are all of the thread's messages (else older pages are still to load,
    /// and the thread's size is unknown).
    #[prop(optional, into)]
    complete: Option<Signal<bool>>,
) -> impl IntoView {
    provide_context(BodyCache::new());
    let area = ScrollArea::current();
    let items = Memo::new(move |_| messages.with(|all| thread_items(all)));
    let open_runs: OpenRuns = RwSignal::new(HashSet::new());
    let list = NodeRef::<Div>::new();
    let heights = RwSignal::new(HashMap::<String, f64>::new());
    // (how far the viewport's top is below the list's top, viewport height)
    let view_box = RwSignal::new((0.0_f64, 800.0_f64));
    let range = Memo::new(move |_| {
        let sizes: Vec<f64> = items.with(|all| {
            heights.with(|h| {
                all.iter()
                    .map(|item| h.get(item.key()).copied().unwrap_or(ESTIMATED_HEIGHT))
                    .collect()
            })
        });
        let (offset, viewport) = view_box.get();
        visible_range(&sizes, offset, viewport, OVERSCAN)
    });
    // -1 (unknown, in ARIA's words) while older pages are still to load.
    let set_size = Signal::derive(move || {
        if complete.is_none_or(|c| c.get()) {
            items.with(Vec::len) as i64
        } else {
            -1
        }
    });
    let visible = Memo::new(move |_| {
        let r = range.get();
        items.with(|all| {
            all.get(r.start..r.end)
                .map(<[_]>::to_vec)
                .unwrap_or_default()
        })
    });

    // Older messages arriving above push what the agent reads down by their height; the
    // scroll owed for that is paid at the next measurement, once the list has grown (so the
    // browser does not clamp it), and before the frame is painted.
    let pending_shift = StoredValue::new(0.0_f64);
    // The oldest message (not row: older events can join the run at the top).
    let first_id = Memo::new(move |_| messages.with(|all| all.first().map(|m| m.id.clone())));
    let refresh = move || {
        let Some(ol) = list.get_untracked() else {
            return;
        };
        let owed = pending_shift.get_value();
        if owed != 0.0 {
            pending_shift.set_value(0.0);
            area.scroll_by(owed);
        }
        measure(&ol, heights, area);
        let top = ol.get_bounding_client_rect().top() - area.viewport_top();
        view_box.set((-top, area.viewport_height()));
    };
    Effect::new(move |previous: Option<Option<String>>| {
        let first = first_id.get();
        if let (Some(Some(before)), Some(now)) = (&previous, &first) {
            if before != now {
                let added = height_before(items, heights, before);
                if added > 0.0 {
                    pending_shift.update_value(|owed| *owed += added);
                    // Render the window where the view is about to be, not where it was.
                    view_box.update(|(offset, _)| *offset += added);
                }
            }
        }
        first
    });
    // Scroll events come faster than frames: measure at most once a frame.
    let scheduled = StoredValue::new(false);
    // The frame and the measuring after it stop when the thread goes (leaving a ticket).
    let tasks = Tasks::new();
    let schedule = move || {
        if !scheduled.get_value() {
            scheduled.set_value(true);
            tasks.frame(move || {
                scheduled.set_value(false);
                refresh();
                // The window may have moved and rendered other messages: once they are in
                // the DOM (the render effects run first), measure them before this frame is
                // painted, so a message replacing its estimate does not show as a jump.
                tasks.spawn(async move {
                    leptos::task::tick().await;
                    refresh();
                });
            });
        }
    };
    // Measure what was just rendered, once it is laid out; and re-measure when messages are
    // added, even outside the current window (a message appended just past its end would
    // otherwise wait for the next scroll to appear).
    Effect::new(move |_| {
        visible.track();
        items.track();
        schedule();
    });
    Effect::new(move |_| {
        area.track();
        schedule();
    });
    // A message changing height on screen (quote opened, "Show more", an image loading)
    // resizes the list.
    let resize_observer = StoredValue::new_local(None);
    Effect::new(move |_| {
        if let Some(ol) = list.get() {
            resize_observer.set_value(ResizeWatch::new(&[&ol], schedule));
        }
    });
    on_cleanup(move || {
        // Dropping the watch disconnects it.
        resize_observer.try_update_value(Option::take);
    });
    // Going to a message: the view is put where its row is (by the known and estimated
    // heights), the window follows the scroll and renders it.
    if let Some(nav) = use_context::<ThreadNav>() {
        nav.register(move |id| {
            let Some(ol) = list.try_get_untracked().flatten() else {
                return false;
            };
            if items.try_with_untracked(|all| all.iter().any(|i| i.holds(id))) != Some(true) {
                return false;
            }
            let offset = height_before(items, heights, id);
            let list_top = ol.get_bounding_client_rect().top() - area.viewport_top();
            area.scroll_by(list_top + offset - area.viewport_height() / 4.0);
            true
        });
        on_cleanup(move || nav.unregister());
    }

    view! {
        // The WAI-ARIA feed pattern: articles that say where they are in the whole thread
        // (only a window of them is in the DOM), Page Down / Page Up between them.
        <div
            node_ref=list
            role="feed"
            part="thread"
            class="tl-thread"
            aria-label=t!("thread.label")
            on:keydown=move_between_articles
            style:padding-top=move || format!("{}px", range.get().pad_top)
            style:padding-bottom=move || format!("{}px", range.get().pad_bottom)
        >
            <For each=move || visible.get() key=|item| item.key().to_owned() let:item>
                {
                    // Reused as older messages arrive above it: its place is read again.
                    let key = item.key().to_owned();
                    let position = Signal::derive(move || {
                        items.with(|all| all.iter().position(|i| i.key() == key).map_or(0, |i| i + 1))
                    });
                    match item {
                        Item::Message(message, quote) => view! {
                            <MessageItem message=*message quote=quote position=position set_size=set_size/>
                        }.into_any(),
                        Item::Events { events, .. } => view! {
                            <EventGroup events=events open=open_runs position=position set_size=set_size/>
                        }.into_any(),
                    }
                }
            </For>
        </div>
    }
}

/// The height of the rows before the one holding message `id` (measured, or estimated like the
/// padding that stands in for them); nothing when `id` is not in the list.
fn height_before(items: Memo<Vec<Item>>, heights: RwSignal<HashMap<String, f64>>, id: &str) -> f64 {
    items.with_untracked(|all| {
        let Some(index) = all.iter().position(|i| i.holds(id)) else {
            return 0.0;
        };
        heights.with_untracked(|h| {
            all[..index]
                .iter()
                .map(|i| h.get(i.key()).copied().unwrap_or(ESTIMATED_HEIGHT))
                .sum()
        })
    })
}

/// Records the heights of the rendered messages. When a message above the viewport turns out
/// taller or shorter than assumed, scrolls by the difference so the view does not jump.
fn measure(
    list: &web_sys::HtmlDivElement,
    heights: RwSignal<HashMap<String, f64>>,
    area: ScrollArea,
) {
    let viewport_top = area.viewport_top();
    let Ok(items) = list.query_selector_all(":scope > article[data-message-id]") else {
        return;
    };
    let mut changes = Vec::new();
    let mut shift_above = 0.0;
    for i in 0..items.length() {
        let Some(article) = items
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let Some(id) = article.get_attribute("data-message-id") else {
            continue;
        };
        let rect = article.get_bounding_client_rect();
        let height = rect.height() + GAP;
        let known = heights.with_untracked(|h| h.get(&id).copied());
        if known.is_none_or(|k| (k - height).abs() > 1.0) {
            if rect.bottom() < viewport_top {
                shift_above += height - known.unwrap_or(ESTIMATED_HEIGHT);
            }
            changes.push((id, height));
        }
    }
    if changes.is_empty() {
        return;
    }
    heights.update(|h| h.extend(changes));
    if shift_above.abs() > 0.5 {
        area.scroll_by(shift_above);
    }
}

/// How many earlier messages a quote is compared with: quotes repeat recent messages, and
/// the bound keeps long threads linear.
const QUOTE_LOOKBACK: usize = 50;

/// One row of the thread: a message with where its quote folds, or a run of events folded
/// into one row (core's `events::rows`).
#[derive(Clone, PartialEq)]
enum Item {
    Message(Box<Message>, Option<QuoteSplit>),
    /// A run, with its key made once (the key is read for every row on every scroll).
    Events {
        key: String,
        events: Vec<Message>,
    },
}

impl Item {
    /// The row's key (for the list, its measured height and the DOM's `data-message-id`): the
    /// message's id, or for a run every event's, so a run that gains an event is drawn anew.
    fn key(&self) -> &str {
        match self {
            Item::Message(m, _) => &m.id,
            Item::Events { key, .. } => key,
        }
    }

    /// Whether message `id` is this row's (or one of its run's).
    fn holds(&self, id: &str) -> bool {
        match self {
            Item::Message(m, _) => m.id == id,
            Item::Events { events, .. } => events.iter().any(|m| m.id == id),
        }
    }
}

/// A run's key: `run:` and its events' ids.
pub fn run_key(events: &[Message]) -> String {
    let ids: Vec<&str> = events.iter().map(|m| m.id.as_str()).collect();
    format!("run:{}", ids.join(","))
}

fn thread_items(all: &[Message]) -> Vec<Item> {
    rows(all)
        .into_iter()
        .filter_map(|row| match row {
            Row::Message(i) => {
                let message = all.get(i)?;
                let earlier = all.get(i.saturating_sub(QUOTE_LOOKBACK)..i)?;
                Some(Item::Message(
                    Box::new(message.clone()),
                    quote_split(message, earlier),
                ))
            }
            Row::Events(range) => all.get(range).map(|events| Item::Events {
                key: run_key(events),
                events: events.to_vec(),
            }),
        })
        .collect()
}

/// The feed pattern's keys: Page Down / Page Up move focus from a message (or anything in it)
/// to the next / previous one; at either end the key scrolls as usual.
fn move_between_articles(ev: leptos::ev::KeyboardEvent) {
    let forward = match ev.key().as_str() {
        "PageDown" => true,
        "PageUp" => false,
        _ => return,
    };
    let Some(current) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("article[data-message-id]").ok().flatten())
    else {
        return;
    };
    if let Some(next) = neighbour_article(&current, forward) {
        ev.prevent_default();
        let _ = next.focus();
    }
}

/// The message after (or before) `article` in the feed, if it is rendered.
pub fn neighbour_article(
    article: &web_sys::Element,
    forward: bool,
) -> Option<web_sys::HtmlElement> {
    let sibling = if forward {
        article.next_element_sibling()
    } else {
        article.previous_element_sibling()
    }?;
    sibling.dyn_into::<web_sys::HtmlElement>().ok()
}
