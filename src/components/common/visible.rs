//! Runs a callback once, the first time an element comes near the viewport.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Calls `on_visible` once when the element behind `node` is within 200 px of the viewport.
/// Without IntersectionObserver (old browsers), calls it at once.
pub fn when_near_viewport<E>(node: NodeRef<E>, on_visible: impl Fn() + 'static)
where
    E: leptos::html::ElementType,
    E::Output: JsCast + Clone + 'static,
{
    let on_visible = std::rc::Rc::new(on_visible);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(el) = node.get() else { return false };
        let Ok(element) = el.dyn_into::<web_sys::Element>() else {
            return false;
        };
        let callback = on_visible.clone();
        let observer_cb = Closure::<dyn Fn(js_sys::Array, web_sys::IntersectionObserver)>::new(
            move |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
                let seen = entries.iter().any(|e| {
                    e.dyn_into::<web_sys::IntersectionObserverEntry>()
                        .is_ok_and(|e| e.is_intersecting())
                });
                if seen {
                    observer.disconnect();
                    callback();
                }
            },
        );
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin("200px");
        match web_sys::IntersectionObserver::new_with_options(
            observer_cb.as_ref().unchecked_ref(),
            &options,
        ) {
            Ok(observer) => {
                observer.observe(&element);
                // The observer holds the callback for as long as the page lives.
                observer_cb.forget();
            }
            Err(_) => on_visible(),
        }
        true
    });
}
