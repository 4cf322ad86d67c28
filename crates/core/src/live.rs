//! Live updates on a ticket, shared by Threadline's server (which sends them) and the app
//! (which reads them): the events of `/threadline-api/events` ([`LiveEvent`]) and how they are
//! framed ([`encode`]; read back with [`crate::sse`]), and presence — what an agent's
//! heartbeat reports ([`Beat`], [`Activity`]) and how the heartbeats of everyone on a ticket
//! become what the others see ([`Roster`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Without a heartbeat for this long, an agent is shown idle.
pub const IDLE_AFTER_MS: u64 = 60_000;
/// Without a heartbeat for this long, an agent is no longer shown.
pub const GONE_AFTER_MS: u64 = 90_000;
/// Composer input within this long makes an agent "typing".
pub const TYPING_WINDOW_MS: f64 = 10_000.0;
/// How often an open ticket's heartbeat is sent while nothing changes (well inside
/// [`IDLE_AFTER_MS`], so one lost beat does not make anyone idle).
pub const BEAT_EVERY_MS: u64 = 20_000;
/// The longest agent name, tab id or ticket id a heartbeat carries.
pub const MAX_FIELD: usize = 200;
/// Tabs kept per agent on one ticket (a new one beyond replaces the quietest).
pub const MAX_TABS_PER_AGENT: usize = 8;
/// Tabs kept on one ticket in all (beats of new tabs beyond are not taken).
pub const MAX_TABS: usize = 256;

/// What an agent is doing on a ticket, least engaged first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activity {
    Viewing,
    /// A draft exists.
    Replying,
    /// The composer had input in the last [`TYPING_WINDOW_MS`].
    Typing,
}

impl Activity {
    /// The activity of an agent whose composer last had input `since_input_ms` ago (`None`:
    /// never), with or without a draft.
    pub fn of(since_input_ms: Option<f64>, has_draft: bool) -> Self {
        match since_input_ms {
            Some(ms) if (0.0..TYPING_WINDOW_MS).contains(&ms) => Activity::Typing,
            _ if has_draft => Activity::Replying,
            _ => Activity::Viewing,
        }
    }

    /// Whether this agent is answering the ticket (the composer warns the others).
    pub fn is_replying(self) -> bool {
        self != Activity::Viewing
    }
}

/// One heartbeat, `POST /threadline-api/presence/{ticket}`: the agent comes from the
/// credential, never from the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Beat {
    /// The browser tab, so one agent's two tabs are two entries (the more engaged one shows).
    pub tab: String,
    pub activity: Activity,
    /// The tab is leaving the ticket: drop it now rather than after [`GONE_AFTER_MS`].
    #[serde(default)]
    pub leaving: bool,
}

impl Beat {
    /// Why the beat cannot be taken, if it cannot.
    pub fn problem(&self) -> Option<&'static str> {
        (self.tab.trim().is_empty() || self.tab.len() > MAX_FIELD)
            .then_some("A tab id of 1 to 200 characters.")
    }
}

/// Someone on a ticket, as the others see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Present {
    /// The agent's key (as the server files them).
    pub agent: String,
    pub name: String,
    pub activity: Activity,
    /// No heartbeat for [`IDLE_AFTER_MS`].
    pub idle: bool,
}

impl Present {
    /// The initials for this agent's avatar.
    pub fn initials(&self) -> String {
        crate::model::initials(&self.name)
    }
}

/// What the event stream sends; the JSON of each event's `data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum LiveEvent {
    /// First on every stream: the agent it belongs to, whom the app leaves out of presence.
    Hello { you: String },
    /// Messages were added to the ticket: read the newest.
    Message { ticket: String },
    /// The ticket itself changed (status, assignee): read its header.
    Ticket { ticket: String },
    /// Everyone on the ticket now.
    Presence {
        ticket: String,
        present: Vec<Present>,
    },
    /// What happened since the `Last-Event-ID` the client gave is not known any more: read
    /// the ticket again.
    Reset,
}

/// One event as Server-Sent Events frames it (`data` is one line of JSON, so one `data:`).
pub fn encode(id: &str, event: &LiveEvent) -> String {
    let data = serde_json::to_string(event).unwrap_or_else(|_| r#"{"type":"reset"}"#.into());
    format!("id: {id}\ndata: {data}\n\n")
}

/// A comment line that keeps an idle stream's connection (and every proxy on it) open.
pub const KEEP_ALIVE: &str = ": keep-alive\n\n";

pub use crate::sse::{Frame, SseParser};

impl Frame {
    /// The event in it; `None` for data that is not one (a newer server's, say).
    pub fn event(&self) -> Option<LiveEvent> {
        serde_json::from_str(&self.data).ok()
    }
}

/// The heartbeats on one ticket, per (agent, tab), with times in milliseconds on any clock
/// that only moves forward.
#[derive(Debug, Default, Clone)]
pub struct Roster {
    beats: BTreeMap<(String, String), Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    activity: Activity,
    at_ms: u64,
}

impl Roster {
    /// Takes a heartbeat of `agent` (shown as `name`), within [`MAX_TABS_PER_AGENT`] and
    /// [`MAX_TABS`].
    pub fn beat(&mut self, agent: &str, name: &str, beat: &Beat, now_ms: u64) {
        let key = (agent.to_owned(), beat.tab.clone());
        if beat.leaving {
            self.beats.remove(&key);
            return;
        }
        if !self.beats.contains_key(&key) {
            let theirs: Vec<(&(String, String), u64)> = self
                .beats
                .iter()
                .filter(|((a, _), _)| a == agent)
                .map(|(k, e)| (k, e.at_ms))
                .collect();
            if theirs.len() >= MAX_TABS_PER_AGENT {
                let quietest = theirs
                    .iter()
                    .min_by_key(|(_, at)| *at)
                    .map(|(k, _)| (*k).clone());
                if let Some(quietest) = quietest {
                    self.beats.remove(&quietest);
                }
            } else if self.beats.len() >= MAX_TABS {
                return;
            }
        }
        self.beats.insert(
            key,
            Entry {
                name: name.to_owned(),
                activity: beat.activity,
                at_ms: now_ms,
            },
        );
    }

    /// Forgets the tabs not heard from for [`GONE_AFTER_MS`].
    pub fn sweep(&mut self, now_ms: u64) {
        self.beats
            .retain(|_, e| now_ms.saturating_sub(e.at_ms) < GONE_AFTER_MS);
    }

    pub fn is_empty(&self) -> bool {
        self.beats.is_empty()
    }

    /// Everyone on the ticket, one entry per agent: their most engaged tab that is not idle,
    /// else idle with their latest. Ordered by agent.
    pub fn present(&self, now_ms: u64) -> Vec<Present> {
        let mut by_agent: BTreeMap<&str, Present> = BTreeMap::new();
        for ((agent, _), entry) in &self.beats {
            let age = now_ms.saturating_sub(entry.at_ms);
            if age >= GONE_AFTER_MS {
                continue;
            }
            let this = Present {
                agent: agent.clone(),
                name: entry.name.clone(),
                activity: entry.activity,
                idle: age >= IDLE_AFTER_MS,
            };
            let better = |kept: &Present| (!this.idle, this.activity) > (!kept.idle, kept.activity);
            match by_agent.get(agent.as_str()) {
                Some(kept) if !better(kept) => {}
                _ => {
                    by_agent.insert(agent, this);
                }
            }
        }
        by_agent.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat(tab: &str, activity: Activity) -> Beat {
        Beat {
            tab: tab.into(),
            activity,
            leaving: false,
        }
    }

    #[test]
    fn encoded_events_parse_back() {
        let event = LiveEvent::Presence {
            ticket: "5".into(),
            present: vec![Present {
                agent: "user:2".into(),
                name: "Priya\nNair".into(),
                activity: Activity::Typing,
                idle: false,
            }],
        };
        let frames = SseParser::new().feed(encode("e1.4", &event).as_bytes());
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].id.as_deref(), Some("e1.4"));
        assert_eq!(frames[0].event(), Some(event));
    }

    #[test]
    fn activity_follows_input_then_the_draft() {
        assert_eq!(Activity::of(Some(2_000.0), false), Activity::Typing);
        assert_eq!(Activity::of(Some(12_000.0), true), Activity::Replying);
        assert_eq!(Activity::of(None, false), Activity::Viewing);
        assert!(!Activity::Viewing.is_replying());
        assert!(Activity::Replying.is_replying());
    }

    #[test]
    fn the_roster_shows_each_agent_once_idle_then_gone() {
        let mut roster = Roster::default();
        roster.beat("user:2", "Priya", &beat("a", Activity::Viewing), 0);
        roster.beat("user:2", "Priya", &beat("b", Activity::Typing), 1_000);
        roster.beat("user:3", "Sam", &beat("c", Activity::Viewing), 1_000);
        let now = roster.present(2_000);
        assert_eq!(now.len(), 2);
        assert_eq!(now[0].activity, Activity::Typing);
        // Tab b goes quiet: its beat is older than the idle limit, tab a keeps beating.
        roster.beat("user:2", "Priya", &beat("a", Activity::Viewing), 62_000);
        let later = roster.present(62_000);
        assert_eq!(
            (later[0].activity, later[0].idle),
            (Activity::Viewing, false)
        );
        assert!(later[1].idle, "Sam has been quiet for 61 s");
        assert_eq!(roster.present(91_000).len(), 1, "Sam is gone after 90 s");
        roster.sweep(91_000);
        roster.beat(
            "user:2",
            "Priya",
            &Beat {
                leaving: true,
                ..beat("a", Activity::Viewing)
            },
            91_000,
        );
        roster.sweep(91_000);
        assert!(roster.is_empty());
    }

    #[test]
    fn one_agent_cannot_fill_a_ticket() {
        let mut roster = Roster::default();
        for n in 0..100u64 {
            roster.beat(
                "user:9",
                "Flood",
                &beat(&format!("t{n}"), Activity::Viewing),
                n,
            );
        }
        assert_eq!(roster.beats.len(), MAX_TABS_PER_AGENT);
        // The newest tabs are the ones kept.
        assert!(roster.beats.contains_key(&("user:9".into(), "t99".into())));
        for n in 0..(MAX_TABS as u64 + 10) {
            roster.beat(
                &format!("user:{n}"),
                "Someone",
                &beat("a", Activity::Viewing),
                200,
            );
        }
        assert_eq!(roster.beats.len(), MAX_TABS);
    }

    #[test]
    fn a_beat_needs_a_tab() {
        assert!(beat("", Activity::Viewing).problem().is_some());
        assert!(beat(&"x".repeat(201), Activity::Viewing)
            .problem()
            .is_some());
        assert!(beat("tab-1", Activity::Viewing).problem().is_none());
        assert!(
            serde_json::from_str::<Beat>(r#"{"tab":"t","activity":"typing","agent":"x"}"#).is_err()
        );
    }
}
