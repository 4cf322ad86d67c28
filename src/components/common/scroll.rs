//! Where a conversation scrolls: the page (the app on its own), or its own box (embedded in
//! another product's page, several to a page). The thread's windowing, "load older" and "new
//! messages" read positions through this, never from `window` directly.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The scrolling viewport of one conversation, and a signal that moves when it scrolls or
/// resizes.
#[derive(Clone, Copy)]
pub struct ScrollArea {
    /// `None`: the page itself.
    element: Option<NodeRef<Div>>,
    ticks: RwSignal<u64>,
}

impl ScrollArea {
    /// The page: follows the window's scroll and resize (listeners end with the owner).
    pub fn page() -> Self {
        let area = Self {
            element: None,
            ticks: RwSignal::new(0),
        };
        let scroll = window_event_listener(leptos::ev::scroll, move |_| area.bump());
        let resize = window_event_listener(leptos::ev::resize, move |_| area.bump());
        on_cleanup(move || {
            scroll.remove();
            resize.remove();
        });
        area
    }

    /// A box of its own; its owner calls [`ScrollArea::bump`] from the box's scroll event.
    pub fn element(node: NodeRef<Div>) -> Self {
        let area = Self {
            element: Some(node),
            ticks: RwSignal::new(0),
        };
        let resize = window_event_listener(leptos::ev::resize, move |_| area.bump());
        on_cleanup(move || resize.remove());
        area
    }

    /// The one for the current conversation (the page when none was provided).
    pub fn current() -> Self {
        use_context::<ScrollArea>().unwrap_or_else(ScrollArea::page)
    }

    /// Whether this is the page itself (not a box of an embedding page).
    pub fn is_page(&self) -> bool {
        self.element.is_none()
    }

    /// Says the viewport moved.
    pub fn bump(&self) {
        self.ticks.try_update(|t| *t = t.wrapping_add(1));
    }

    /// Subscribes the running effect to scrolls and resizes.
    pub fn track(&self) {
        self.ticks.track();
    }

    fn box_element(&self) -> Option<web_sys::HtmlDivElement> {
        self.element.and_then(|n| n.get_untracked())
    }

    /// The viewport's top edge, in the window's coordinates (as `getBoundingClientRect`).
    pub fn viewport_top(&self) -> f64 {
        self.box_element()
            .map_or(0.0, |e| e.get_bounding_client_rect().top())
    }

    /// The viewport's height.
    pub fn viewport_height(&self) -> f64 {
        match self.box_element() {
            Some(e) => f64::from(e.client_height()),
            None => window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(800.0),
        }
    }

    /// How far the content is scrolled.
    pub fn scroll_top(&self) -> f64 {
        match self.box_element() {
            Some(e) => f64::from(e.scroll_top()),
            None => window().scroll_y().unwrap_or_default(),
        }
    }

    /// The content's whole height.
    pub fn content_height(&self) -> f64 {
        match self.box_element() {
            Some(e) => f64::from(e.scroll_height()),
            None => document()
                .document_element()
                .map_or(0.0, |e| f64::from(e.scroll_height())),
        }
    }

    /// Scrolls by `dy` pixels.
    pub fn scroll_by(&self, dy: f64) {
        match self.box_element() {
            Some(e) => e.scroll_by_with_x_and_y(0.0, dy),
            None => window().scroll_by_with_x_and_y(0.0, dy),
        }
    }

    /// Scrolls to the end.
    pub fn scroll_to_bottom(&self) {
        let bottom = self.content_height();
        match self.box_element() {
            Some(e) => e.set_scroll_top(bottom as i32),
            None => window().scroll_to_with_x_and_y(0.0, bottom),
        }
    }

    /// Every element matching `selector` in this conversation.
    pub fn find_all(&self, selector: &str) -> Vec<web_sys::Element> {
        let list = match self.box_element() {
            Some(e) => e.query_selector_all(selector),
            None => document().query_selector_all(selector),
        };
        let Ok(list) = list else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i).and_then(|n| n.dyn_into().ok()))
            .collect()
    }
}
