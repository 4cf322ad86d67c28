//! Watching an element's size (ResizeObserver), for layout that depends on measured heights.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Calls its function whenever one of the watched elements changes size (and once when each
/// is first laid out). Stops watching when dropped.
pub struct ResizeWatch {
    observer: web_sys::ResizeObserver,
    // The observer calls this, so it lives as long as the observer.
    _callback: Closure<dyn Fn()>,
}

impl ResizeWatch {
    /// Watches `elements`; `None` where the browser has no ResizeObserver.
    pub fn new(elements: &[&web_sys::Element], on_resize: impl Fn() + 'static) -> Option<Self> {
        let callback = Closure::<dyn Fn()>::new(on_resize);
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        for element in elements {
            observer.observe(element);
        }
        Some(Self {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for ResizeWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
