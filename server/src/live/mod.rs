//! Live updates: the hub every ticket's event stream hangs off. A ticket that someone watches
//! or beats on is a topic; an event published on it gets an id (`<instance>.<n>`), is kept
//! among the topic's [`RECENT`] latest (so a reconnect with `Last-Event-ID` gets what it
//! missed) and goes to each of the topic's streams. Presence is a [`Roster`] per topic, swept
//! every [`SWEEP`]: whenever what the others see changes, a presence event goes out.
//!
//! With `--redis`, what is published and every heartbeat go through Redis ([`bus`]), and each
//! instance delivers what Redis hands it to its own streams: agents on different instances
//! see each other. Without it, this instance's memory is all there is.
//!
//! Where events come from: demo mode's store ([`feed`]), a gateway's one poll per watched
//! ticket ([`watch`]).

pub mod bus;
pub mod feed;
mod stream;
pub mod watch;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use threadline_core::live::{encode, Beat, LiveEvent, Present, Roster};
use tokio::sync::broadcast;

pub use stream::events_body;

/// Events kept per topic for resumption.
const RECENT: usize = 64;
/// Events a slow stream may fall behind before it is told to read again.
const BACKLOG: usize = 32;
/// How often presence is swept and idle topics are dropped.
const SWEEP: Duration = Duration::from_secs(5);
/// A topic nobody watches or beats on is kept this long, so a stream that was cut can resume.
const LINGER: Duration = Duration::from_secs(120);
/// Streams held at once by one instance: below the server's connection limit, so API calls
/// always find a connection; past it a stream is refused and the app polls.
pub const MAX_STREAMS: usize = 768;
/// Topics at once (each a ticket someone looks at).
const MAX_TOPICS: usize = 20_000;

/// What goes through the hub (and through Redis, as JSON): an event on a topic, or a beat.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Note {
    /// A ticket's messages or header changed.
    Changed { topic: String, event: Change },
    /// A heartbeat of `agent` on `topic`.
    Beat {
        topic: String,
        agent: String,
        name: String,
        beat: Beat,
    },
}

/// What changed on a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Message,
    Ticket,
}

/// One event as sent: its id and its frame.
#[derive(Debug)]
pub(crate) struct Stamped {
    seq: u64,
    frame: String,
}

struct Topic {
    /// The ticket as the app names it (what its events say).
    ticket: String,
    sender: broadcast::Sender<Arc<Stamped>>,
    recent: VecDeque<Arc<Stamped>>,
    /// Events before this one are not all in `recent`.
    floor: u64,
    roster: Roster,
    shown: Vec<Present>,
    /// When the topic last had a stream or a beat.
    used: Instant,
}

/// Why a stream was not opened.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// [`MAX_STREAMS`] are open.
    Busy,
    /// The test switch cut streams for now.
    Cut,
}

struct Hub {
    /// Tells this run's event ids from another instance's or an earlier run's.
    instance: String,
    started: Instant,
    seq: AtomicU64,
    topics: Mutex<HashMap<String, Topic>>,
    streams: AtomicUsize,
    bus: Option<bus::Bus>,
    /// Test switch: streams end, and none opens, until this time.
    #[cfg(feature = "fault-switch")]
    cut_until: Mutex<Option<Instant>>,
    #[cfg(feature = "fault-switch")]
    cut: tokio::sync::watch::Sender<u64>,
}

/// The hub. Cheap to clone.
#[derive(Clone)]
pub struct Live(Arc<Hub>);

impl Live {
    /// A hub, sweeping presence from now on; with `redis`, fanned out through it on the
    /// channel of `scope` (the deployment: instances sharing it see each other).
    pub fn start(redis: Option<&str>, scope: &str) -> Result<Live, String> {
        let instance = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
        let bus = redis.map(|url| bus::Bus::new(url, scope)).transpose()?;
        let live = Live(Arc::new(Hub {
            instance,
            started: Instant::now(),
            seq: AtomicU64::new(0),
            topics: Mutex::new(HashMap::new()),
            streams: AtomicUsize::new(0),
            bus,
            #[cfg(feature = "fault-switch")]
            cut_until: Mutex::new(None),
            #[cfg(feature = "fault-switch")]
            cut: tokio::sync::watch::channel(0).0,
        }));
        if let Some(bus) = &live.0.bus {
            bus.run(live.downgrade());
        }
        let weak = live.downgrade();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SWEEP);
            loop {
                tick.tick().await;
                match weak.upgrade() {
                    Some(hub) => Live(hub).sweep(),
                    None => break,
                }
            }
        });
        Ok(live)
    }

    fn downgrade(&self) -> std::sync::Weak<Hub> {
        Arc::downgrade(&self.0)
    }

    fn topics(&self) -> MutexGuard<'_, HashMap<String, Topic>> {
        // A poisoned map is still a map: presence is not worth stopping streams for.
        self.0
            .topics
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.0.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Publishes `note` to every instance (this one included).
    pub fn publish(&self, note: Note) {
        match &self.0.bus {
            Some(bus) => {
                if let Err(note) = bus.publish(note) {
                    // Redis is away: this instance's streams at least hear of it.
                    self.receive(note);
                }
            }
            None => self.receive(note),
        }
    }

    /// A ticket changed on `topic` (named `ticket` in its events).
    pub fn changed(&self, topic: &str, change: Change) {
        self.publish(Note::Changed {
            topic: topic.to_owned(),
            event: change,
        });
    }

    /// Delivers a note (from Redis, or published here without it) to this instance's streams.
    pub(crate) fn receive(&self, note: Note) {
        let now = self.now_ms();
        let mut topics = self.topics();
        match note {
            Note::Changed { topic, event } => {
                let Some(t) = topics.get_mut(&topic) else {
                    // Nobody hears it, but it happened: an id from before it cannot resume
                    // on a topic made later (see `topic`'s floor).
                    self.0.seq.fetch_add(1, Ordering::Relaxed);
                    return;
                };
                {
                    let ticket = t.ticket.clone();
                    let event = match event {
                        Change::Message => LiveEvent::Message { ticket },
                        Change::Ticket => LiveEvent::Ticket { ticket },
                    };
                    self.send(t, &event);
                }
            }
            Note::Beat {
                topic,
                agent,
                name,
                beat,
            } => {
                let Some(t) = self.topic(&mut topics, &topic, &ticket_of(&topic)) else {
                    return;
                };
                t.roster.beat(&agent, &name, &beat, now);
                self.show_presence(t, now);
            }
        }
    }

    /// The topic, made if need be (unless there are too many).
    fn topic<'a>(
        &self,
        topics: &'a mut HashMap<String, Topic>,
        key: &str,
        ticket: &str,
    ) -> Option<&'a mut Topic> {
        if !topics.contains_key(key) && topics.len() >= MAX_TOPICS {
            return None;
        }
        let topic = topics.entry(key.to_owned()).or_insert_with(|| Topic {
            ticket: ticket.to_owned(),
            sender: broadcast::channel(BACKLOG).0,
            recent: VecDeque::new(),
            floor: self.0.seq.load(Ordering::Relaxed) + 1,
            roster: Roster::default(),
            shown: Vec::new(),
            used: Instant::now(),
        });
        topic.used = Instant::now();
        Some(topic)
    }

    /// Stamps `event`, keeps it for resumption and sends it to the topic's streams.
    fn send(&self, topic: &mut Topic, event: &LiveEvent) {
        let seq = self.0.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let stamped = Arc::new(Stamped {
            seq,
            frame: encode(&format!("{}.{seq}", self.0.instance), event),
        });
        topic.recent.push_back(Arc::clone(&stamped));
        while topic.recent.len() > RECENT {
            if let Some(dropped) = topic.recent.pop_front() {
                topic.floor = dropped.seq + 1;
            }
        }
        // No stream listening is no error: the event waits in `recent`.
        let _ = topic.sender.send(stamped);
    }

    fn show_presence(&self, topic: &mut Topic, now: u64) {
        let present = topic.roster.present(now);
        if present != topic.shown {
            topic.shown = present.clone();
            let event = LiveEvent::Presence {
                ticket: topic.ticket.clone(),
                present,
            };
            self.send(topic, &event);
        }
    }

    /// Tells every stream to read again (what was published while Redis was away is lost).
    pub(crate) fn reset_all(&self) {
        let mut topics = self.topics();
        for topic in topics.values_mut() {
            self.send(topic, &LiveEvent::Reset);
        }
    }

    /// Presence as time passes (idle, gone), and topics nobody uses any more.
    fn sweep(&self) {
        let now = self.now_ms();
        let mut topics = self.topics();
        for topic in topics.values_mut() {
            topic.roster.sweep(now);
            self.show_presence(topic, now);
            if topic.sender.receiver_count() > 0 || !topic.roster.is_empty() {
                topic.used = Instant::now();
            }
        }
        topics.retain(|_, t| t.used.elapsed() < LINGER);
    }

    /// The tickets streams are open on now, as (topic, ticket).
    pub fn watched(&self) -> Vec<(String, String)> {
        self.topics()
            .iter()
            .filter(|(_, t)| t.sender.receiver_count() > 0)
            .map(|(key, t)| (key.clone(), t.ticket.clone()))
            .collect()
    }

    /// Opens a stream on `topic` for `agent`: a hello, then what was missed since
    /// `last_event_id` (or a reset when that is not known), then who is there, then what
    /// happens.
    pub fn subscribe(
        &self,
        topic: &str,
        ticket: &str,
        agent: &str,
        last_event_id: Option<&str>,
    ) -> Result<stream::Subscription, Refusal> {
        #[cfg(feature = "fault-switch")]
        if self.is_cut() {
            return Err(Refusal::Cut);
        }
        let slot = stream::Slot::take(Arc::clone(&self.0))?;
        let mut first = vec![encode_unstamped(&LiveEvent::Hello {
            you: agent.to_owned(),
        })];
        let mut topics = self.topics();
        let Some(t) = self.topic(&mut topics, topic, ticket) else {
            return Err(Refusal::Busy);
        };
        let receiver = t.sender.subscribe();
        if let Some(last) = last_event_id {
            match self.missed(t, last) {
                Some(missed) => first.extend(missed),
                None => first.push(encode_unstamped(&LiveEvent::Reset)),
            }
        }
        first.push(encode_unstamped(&LiveEvent::Presence {
            ticket: t.ticket.clone(),
            present: t.shown.clone(),
        }));
        drop(topics);
        Ok(stream::Subscription::new(
            first,
            receiver,
            slot,
            #[cfg(feature = "fault-switch")]
            self.0.cut.subscribe(),
        ))
    }

    /// The frames after `last` on `topic`, if this instance knows them all.
    fn missed(&self, topic: &Topic, last: &str) -> Option<Vec<String>> {
        let (instance, seq) = last.split_once('.')?;
        let seq: u64 = seq.parse().ok()?;
        if instance != self.0.instance || seq.checked_add(1)? < topic.floor {
            return None;
        }
        Some(
            topic
                .recent
                .iter()
                .filter(|s| s.seq > seq)
                .map(|s| s.frame.clone())
                .collect(),
        )
    }

    /// Streams open now.
    pub fn streams(&self) -> usize {
        self.0.streams.load(Ordering::Relaxed)
    }

    /// Test switch: ends every stream and refuses new ones for `for_ms`.
    #[cfg(feature = "fault-switch")]
    pub fn cut(&self, for_ms: u64) {
        if let Ok(mut until) = self.0.cut_until.lock() {
            *until = Some(Instant::now() + Duration::from_millis(for_ms));
        }
        self.0.cut.send_modify(|n| *n += 1);
    }

    #[cfg(feature = "fault-switch")]
    fn is_cut(&self) -> bool {
        self.0
            .cut_until
            .lock()
            .ok()
            .and_then(|u| *u)
            .is_some_and(|until| Instant::now() < until)
    }
}

/// Test routes (fault switch): `POST /__test/live/cut?ms=N` ends every open stream and
/// refuses new ones for N milliseconds (default 3000), as a proxy that drops long requests
/// would.
#[cfg(feature = "fault-switch")]
pub fn test_routes() -> axum::Router<crate::AppState> {
    use axum::extract::{Query, State};
    async fn cut(
        State(state): State<crate::AppState>,
        Query(q): Query<std::collections::HashMap<String, u64>>,
    ) -> axum::http::StatusCode {
        state
            .live()
            .cut(q.get("ms").copied().unwrap_or(3_000).min(600_000));
        axum::http::StatusCode::NO_CONTENT
    }
    axum::Router::new().route("/__test/live/cut", axum::routing::post(cut))
}

/// The ticket a topic key names (`<scope>:<ticket>`).
fn ticket_of(topic: &str) -> String {
    topic.split_once(':').map_or(topic, |(_, t)| t).to_owned()
}

/// An event without an id: what only this stream needs (hello, presence now, reset).
fn encode_unstamped(event: &LiveEvent) -> String {
    let framed = encode("", event);
    framed.strip_prefix("id: \n").unwrap_or(&framed).to_owned()
}

#[cfg(test)]
mod tests;
