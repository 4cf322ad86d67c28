//! Work tied to a reactive owner. Futures and timers started through [`Tasks`] stop when the
//! owner that made it is cleaned up: a future is never polled again (so no code after its
//! next `.await` runs), timeouts and frames do nothing, and intervals are cleared. This is
//! how code after an `.await` or in a timer is kept from touching signals that were disposed
//! with their view: a panic in wasm would kill every conversation on the page.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

/// The futures and timers of one owner. Copy, like a signal; once the owner has gone, using
/// it does nothing.
#[derive(Clone, Copy)]
pub struct Tasks(StoredValue<Shared>);

/// What the tasks of one owner share with their futures and timers.
#[derive(Clone)]
struct Shared {
    live: Arc<AtomicBool>,
    /// Intervals to clear when the owner goes (one-off timers and frames just check `live`).
    intervals: Arc<Mutex<Vec<IntervalHandle>>>,
}

impl std::fmt::Debug for Tasks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tasks")
            .field("live", &self.is_live())
            .finish()
    }
}

impl Tasks {
    /// Tasks of the current reactive owner, all stopped when it is cleaned up.
    pub fn new() -> Self {
        let shared = Shared {
            live: Arc::new(AtomicBool::new(true)),
            intervals: Arc::new(Mutex::new(Vec::new())),
        };
        let stopping = shared.clone();
        on_cleanup(move || stopping.stop());
        Self(StoredValue::new(shared))
    }

    fn shared(&self) -> Option<Shared> {
        self.0
            .try_get_value()
            .filter(|s| s.live.load(Ordering::Relaxed))
    }

    /// Whether the owner is still there.
    pub fn is_live(&self) -> bool {
        self.shared().is_some()
    }

    /// Runs `work` until it ends or the owner goes, whichever comes first.
    pub fn spawn(&self, work: impl Future<Output = ()> + 'static) {
        if let Some(shared) = self.shared() {
            spawn_local(WhileLive {
                live: shared.live,
                work: Box::pin(work),
            });
        }
    }

    /// Calls `f` once after `delay`, unless the owner has gone by then.
    pub fn after(&self, delay: Duration, f: impl FnOnce() + 'static) {
        let Some(shared) = self.shared() else {
            return;
        };
        set_timeout(
            move || {
                if shared.live.load(Ordering::Relaxed) {
                    f();
                }
            },
            delay,
        );
    }

    /// Calls `f` before the next paint, unless the owner has gone by then.
    pub fn frame(&self, f: impl FnOnce() + 'static) {
        let Some(shared) = self.shared() else {
            return;
        };
        request_animation_frame(move || {
            if shared.live.load(Ordering::Relaxed) {
                f();
            }
        });
    }

    /// Calls `f` every `period` while the owner is there.
    pub fn every(&self, period: Duration, f: impl Fn() + 'static) {
        let Some(shared) = self.shared() else {
            return;
        };
        let live = Arc::clone(&shared.live);
        let handle = set_interval_with_handle(
            move || {
                if live.load(Ordering::Relaxed) {
                    f();
                }
            },
            period,
        );
        if let Ok(handle) = handle {
            if let Ok(mut intervals) = shared.intervals.lock() {
                intervals.push(handle);
            }
        }
    }
}

impl Shared {
    fn stop(&self) {
        self.live.store(false, Ordering::Relaxed);
        if let Ok(mut intervals) = self.intervals.lock() {
            intervals.drain(..).for_each(|i| i.clear());
        }
    }
}

impl Default for Tasks {
    fn default() -> Self {
        Self::new()
    }
}

/// Waits `ms` (a timer of the browser's). Only for futures run through [`Tasks::spawn`], which
/// stop with their owner.
pub async fn sleep(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                i32::try_from(ms).unwrap_or(i32::MAX),
            );
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A future that is dropped, unpolled, once its owner has gone.
struct WhileLive {
    live: Arc<AtomicBool>,
    work: Pin<Box<dyn Future<Output = ()>>>,
}

impl Future for WhileLive {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !self.live.load(Ordering::Relaxed) {
            return Poll::Ready(());
        }
        self.work.as_mut().poll(cx)
    }
}
