//! Starting a request now rather than at the end of the current task. `spawn_local` first
//! polls its future in a microtask, after the synchronous work that spawned it: when the page
//! is being built, that is after the whole view (composer included), so the thread's request
//! would wait for all of it. Polling once at once sends the request, and the view is built
//! while it travels.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// A future already polled once: its result if it finished then, else the future itself.
pub enum Started<F: Future> {
    Done(Option<F::Output>),
    Pending(Pin<Box<F>>),
}

/// Polls `future` once now (with a waker that does nothing: the next poll, by whoever awaits
/// the result, registers the real one, as every future must allow).
pub fn start_now<F: Future>(future: F) -> Started<F> {
    let mut future = Box::pin(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => Started::Done(Some(output)),
        Poll::Pending => Started::Pending(future),
    }
}

impl<F: Future> Future for Started<F>
where
    F::Output: Unpin,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        match self.get_mut() {
            Started::Done(output) => output.take().map_or(Poll::Pending, Poll::Ready),
            Started::Pending(future) => future.as_mut().poll(cx),
        }
    }
}
