//! The composer as a chunk of its own. In the release build (`--cfg threadline_split`, split
//! by the xtask with wasm-split) the composer's code — Markdown, uploads, saved replies,
//! mentions — is a separate wasm file: the thread is drawn without it, and it is fetched once
//! the thread's first page has been read and painted (not competing with the first view). A chunk that fails to load says so and offers Retry; nothing
//! panics and no draft is touched (drafts live in storage, not in the chunk). Other builds
//! (dev, browser tests) draw the composer directly.

use leptos::prelude::*;
use threadline_core::model::{Message, Ticket};

use super::{Composer, OutboxState};

/// What the composer is drawn with, handed across the chunk boundary as one value.
#[derive(Clone)]
pub struct ComposerArgs {
    pub ticket_id: String,
    pub ticket: Signal<Option<Ticket>>,
    pub thread: RwSignal<Vec<Message>>,
    pub outbox: OutboxState,
}

fn draw(args: ComposerArgs) -> AnyView {
    view! {
        <Composer ticket_id=args.ticket_id ticket=args.ticket thread=args.thread outbox=args.outbox/>
    }
    .into_any()
}

/// Starts fetching the composer's chunk (where the build has one) once `ready` says the first
/// view is drawn, whether or not a composer is shown yet.
pub fn preload_composer_when(ready: Signal<bool>) {
    split::preload_when(ready);
}

/// The composer, from its chunk where the build has one.
#[component]
pub fn LazyComposer(
    ticket_id: String,
    #[prop(into)] ticket: Signal<Option<Ticket>>,
    thread: RwSignal<Vec<Message>>,
    outbox: OutboxState,
    /// Whether the first view is drawn: the chunk is fetched only then.
    #[prop(into)]
    ready: Signal<bool>,
) -> impl IntoView {
    let args = ComposerArgs {
        ticket_id,
        ticket,
        thread,
        outbox,
    };
    split::lazy(args, ready)
}

#[cfg(not(threadline_split))]
mod split {
    use leptos::prelude::*;

    /// Drawn at once: the composer is in this build's one module.
    pub fn lazy(args: super::ComposerArgs, _ready: Signal<bool>) -> AnyView {
        super::draw(args)
    }

    pub fn preload_when(_ready: Signal<bool>) {}
}

#[cfg(threadline_split)]
mod split {
    use std::future::Future;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::{Context, Poll, Waker};

    use leptos::prelude::*;
    use leptos::wasm_split::{wasm_split, SplitLoaderError};

    use super::ComposerArgs;
    use crate::state::tasks::Tasks;

    #[wasm_split(composer, wasm_split_path = ::leptos::wasm_split, fallible, preload(load_composer))]
    fn composer_view(args: ComposerArgs) -> Result<AnyView, SplitLoaderError> {
        Ok(super::draw(args))
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Chunk {
        Waiting,
        Loading,
        Loaded,
        Failed,
    }

    /// Whether the chunk is in place (loaded once, it stays for the page's life).
    static LOADED: AtomicBool = AtomicBool::new(false);

    async fn fetch_chunk() -> Result<(), SplitLoaderError> {
        let loaded = load_composer().await;
        if loaded.is_ok() {
            LOADED.store(true, Ordering::Relaxed);
        }
        loaded
    }

    /// Fetches the chunk once the page's first view is painted, even while the composer is
    /// not shown (behind the spam warning), so it draws at once when it is.
    pub fn preload_when(ready: Signal<bool>) {
        let tasks = Tasks::new();
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) || LOADED.load(Ordering::Relaxed) {
                return true;
            }
            if !ready.get() {
                return false;
            }
            tasks.frame(move || {
                tasks.frame(move || {
                    // A failure here is shown where the composer is drawn, with Retry.
                    leptos::task::spawn_local(async {
                        let _ = fetch_chunk().await;
                    });
                });
            });
            true
        });
    }

    pub fn lazy(args: ComposerArgs, ready: Signal<bool>) -> AnyView {
        let state = RwSignal::new(if LOADED.load(Ordering::Relaxed) {
            Chunk::Loaded
        } else {
            Chunk::Waiting
        });
        let load = move || {
            state.set(Chunk::Loading);
            leptos::task::spawn_local(async move {
                let loaded = fetch_chunk().await;
                // The page may have gone meanwhile.
                let _ = state.try_set(if loaded.is_ok() {
                    Chunk::Loaded
                } else {
                    Chunk::Failed
                });
            });
        };
        // Fetched once the first view is painted (the frame after the thread is drawn), so it
        // does not compete with the thread's own requests.
        let tasks = Tasks::new();
        Effect::new(move |_| {
            if ready.get() && state.get_untracked() == Chunk::Waiting {
                // Two frames: the first is the one that paints the thread.
                tasks.frame(move || {
                    tasks.frame(move || {
                        if state.get_untracked() == Chunk::Waiting {
                            load();
                        }
                    });
                });
            }
        });
        // Offline when it was to come (the connection dropped just after the page showed):
        // it comes by itself when the browser is back online, Retry or not.
        let online = window_event_listener(leptos::ev::online, move |_| {
            if state.get_untracked() == Chunk::Failed {
                load();
            }
        });
        on_cleanup(move || online.remove());
        (move || match state.get() {
            Chunk::Waiting | Chunk::Loading => view! {
                <p class="tl-composer-loading" role="status">{t!("composer.chunk_loading")}</p>
            }
            .into_any(),
            // Loaded: the call finds the chunk in place and draws at once.
            Chunk::Loaded => match ready_now(composer_view(args.clone())) {
                Some(Ok(view)) => view,
                _ => failed(load),
            },
            Chunk::Failed => failed(load),
        })
        .into_any()
    }

    fn failed(retry: impl Fn() + Copy + Send + Sync + 'static) -> AnyView {
        view! {
            <div class="tl-composer-failed" role="alert">
                <p>{t!("composer.chunk_failed")}</p>
                <button type="button" class="tl-button" on:click=move |_| retry()>
                    {t!("outgoing.retry")}
                </button>
            </div>
        }
        .into_any()
    }

    /// The value of a future that is ready on its first poll (the chunk's call once the chunk
    /// is loaded), else None.
    fn ready_now<F: Future>(future: F) -> Option<F::Output> {
        let mut future = std::pin::pin!(future);
        match future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            Poll::Ready(value) => Some(value),
            Poll::Pending => None,
        }
    }
}
