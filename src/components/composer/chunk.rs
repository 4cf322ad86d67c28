//! The composer as a chunk of its own. In the release build (`--cfg threadline_split`, split
//! by the xtask with wasm-split) the composer's code — Markdown, uploads, saved replies,
//! mentions — is a separate wasm file: the thread is drawn without it, and it is fetched once
//! the ticket has been read. A chunk that fails to load says so and offers Retry; nothing
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

/// The composer, from its chunk where the build has one.
#[component]
pub fn LazyComposer(
    ticket_id: String,
    #[prop(into)] ticket: Signal<Option<Ticket>>,
    thread: RwSignal<Vec<Message>>,
    outbox: OutboxState,
) -> impl IntoView {
    let args = ComposerArgs {
        ticket_id,
        ticket,
        thread,
        outbox,
    };
    split::lazy(args)
}

#[cfg(not(threadline_split))]
mod split {
    use leptos::prelude::*;

    pub fn lazy(args: super::ComposerArgs) -> AnyView {
        super::draw(args)
    }
}

#[cfg(threadline_split)]
mod split {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    use leptos::prelude::*;
    use leptos::wasm_split::{wasm_split, SplitLoaderError};

    use super::ComposerArgs;

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

    pub fn lazy(args: ComposerArgs) -> AnyView {
        let state = RwSignal::new(Chunk::Waiting);
        let load = move || {
            state.set(Chunk::Loading);
            leptos::task::spawn_local(async move {
                let loaded = load_composer().await;
                // The page may have gone meanwhile.
                let _ = state.try_set(if loaded.is_ok() {
                    Chunk::Loaded
                } else {
                    Chunk::Failed
                });
            });
        };
        // Fetched once the ticket has been read, so it does not compete with the thread's own
        // requests for the first view.
        let (ticket, thread) = (args.ticket, args.thread);
        Effect::new(move |_| {
            let read = ticket.with(Option::is_some) || thread.with(|t| !t.is_empty());
            if read && state.get_untracked() == Chunk::Waiting {
                load();
            }
        });
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
