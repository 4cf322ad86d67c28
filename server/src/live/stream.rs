//! One open event stream: its place among [`super::MAX_STREAMS`], the frames it starts with,
//! and the body that sends them, then the topic's events, with a keep-alive comment whenever
//! it has been quiet for [`KEEP_ALIVE_EVERY`] (so proxies keep the connection, and a client
//! that went away is noticed at the next write).

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use threadline_core::live::{LiveEvent, KEEP_ALIVE};
use tokio::sync::broadcast;

use super::{encode_unstamped, Hub, Refusal, Stamped, MAX_STREAMS};

/// The longest a stream stays silent.
const KEEP_ALIVE_EVERY: Duration = Duration::from_secs(15);

/// A stream's place, given back when the stream ends.
pub(crate) struct Slot(Arc<Hub>);

impl Slot {
    pub(super) fn take(hub: Arc<Hub>) -> Result<Slot, Refusal> {
        let taken = hub
            .streams
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < MAX_STREAMS).then_some(n + 1)
            });
        match taken {
            Ok(_) => Ok(Slot(hub)),
            Err(_) => Err(Refusal::Busy),
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::AcqRel);
    }
}

/// An opened stream, not yet sent.
pub struct Subscription {
    pub(super) first: VecDeque<String>,
    pub(super) receiver: broadcast::Receiver<Arc<Stamped>>,
    _slot: Slot,
    #[cfg(feature = "fault-switch")]
    cut: tokio::sync::watch::Receiver<u64>,
}

impl Subscription {
    pub(super) fn new(
        first: Vec<String>,
        receiver: broadcast::Receiver<Arc<Stamped>>,
        slot: Slot,
        #[cfg(feature = "fault-switch")] cut: tokio::sync::watch::Receiver<u64>,
    ) -> Self {
        Self {
            first: first.into(),
            receiver,
            _slot: slot,
            #[cfg(feature = "fault-switch")]
            cut,
        }
    }

    /// The next frame to send; `None` ends the stream.
    async fn next(&mut self) -> Option<String> {
        if let Some(frame) = self.first.pop_front() {
            return Some(frame);
        }
        let received = tokio::select! {
            received = self.receiver.recv() => received,
            () = tokio::time::sleep(KEEP_ALIVE_EVERY) => return Some(KEEP_ALIVE.to_owned()),
            () = cut(
                #[cfg(feature = "fault-switch")]
                &mut self.cut,
            ) => return None,
        };
        match received {
            Ok(stamped) => Some(stamped.frame.clone()),
            // Fallen behind: what it missed is gone, so it reads the ticket again.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Some(encode_unstamped(&LiveEvent::Reset))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

/// Completes when the test switch cuts the streams; never without it.
async fn cut(#[cfg(feature = "fault-switch")] switch: &mut tokio::sync::watch::Receiver<u64>) {
    #[cfg(feature = "fault-switch")]
    if switch.changed().await.is_ok() {
        return;
    }
    std::future::pending::<()>().await;
}

/// The response body of `subscription`.
pub fn events_body(subscription: Subscription) -> Body {
    let frames = futures_util::stream::unfold(subscription, |mut s| async move {
        let frame = s.next().await?;
        Some((Ok::<_, std::convert::Infallible>(Bytes::from(frame)), s))
    });
    Body::from_stream(frames)
}
