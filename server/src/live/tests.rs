//! The hub without HTTP: ids, resumption, presence.

use super::*;

fn frames(sub: &mut stream::Subscription) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(f) = sub.first.pop_front() {
        out.push(f);
    }
    out
}

#[tokio::test]
async fn a_reconnect_gets_what_it_missed_else_a_reset() {
    let live = Live::start(None, "test").unwrap();
    let mut first = live.subscribe("t:1", "1", "user:1", None).unwrap();
    let opening = frames(&mut first);
    assert!(opening[0].contains(r#""type":"hello""#), "{opening:?}");
    live.changed("t:1", Change::Message);
    let id = match first.receiver.recv().await {
        Ok(s) => format!("{}.{}", live.0.instance, s.seq),
        Err(e) => panic!("{e}"),
    };
    live.changed("t:1", Change::Ticket);
    live.changed("t:1", Change::Message);
    let mut again = live.subscribe("t:1", "1", "user:1", Some(&id)).unwrap();
    let missed = frames(&mut again);
    assert_eq!(missed.len(), 4, "hello, two missed, presence: {missed:?}");
    assert!(missed[1].contains(r#""type":"ticket""#));
    assert!(missed[2].contains(r#""type":"message""#));
    // Another instance's id (or an earlier run's), or not an id at all: read again.
    for unknown in ["zzzzzzzz.1", "1", "x.y"] {
        let mut other = live.subscribe("t:1", "1", "user:1", Some(unknown)).unwrap();
        let said = frames(&mut other);
        assert!(said[1].contains(r#""type":"reset""#), "{unknown}: {said:?}");
    }
    // Older than what is kept: read again.
    for _ in 0..RECENT {
        live.changed("t:1", Change::Message);
    }
    let mut late = live.subscribe("t:1", "1", "user:1", Some(&id)).unwrap();
    assert!(frames(&mut late)[1].contains(r#""type":"reset""#));
}

#[tokio::test]
async fn beats_become_presence_events() {
    let live = Live::start(None, "test").unwrap();
    let mut watching = live.subscribe("t:2", "2", "user:1", None).unwrap();
    frames(&mut watching);
    live.publish(Note::Beat {
        topic: "t:2".into(),
        agent: "user:3".into(),
        name: "Priya Shah".into(),
        beat: Beat {
            tab: "tab-a".into(),
            activity: threadline_core::live::Activity::Typing,
            leaving: false,
        },
    });
    let got = watching.receiver.recv().await.unwrap();
    assert!(
        got.frame.contains(r#""name":"Priya Shah""#),
        "{}",
        got.frame
    );
    assert!(got.frame.contains(r#""activity":"typing""#));
    // The same beat again changes nothing anyone sees: no event.
    live.publish(Note::Beat {
        topic: "t:2".into(),
        agent: "user:3".into(),
        name: "Priya Shah".into(),
        beat: Beat {
            tab: "tab-a".into(),
            activity: threadline_core::live::Activity::Typing,
            leaving: false,
        },
    });
    assert!(watching.receiver.try_recv().is_err());
    // A later stream is told who is there at once.
    let mut later = live.subscribe("t:2", "2", "user:1", None).unwrap();
    let opening = frames(&mut later);
    assert!(
        opening.last().unwrap().contains("Priya Shah"),
        "{opening:?}"
    );
}

#[tokio::test]
async fn streams_are_counted_and_capped() {
    let live = Live::start(None, "test").unwrap();
    let mut open = Vec::new();
    for n in 0..MAX_STREAMS {
        open.push(
            live.subscribe(&format!("t:{}", n % 7), "x", "user:1", None)
                .unwrap(),
        );
    }
    assert_eq!(live.streams(), MAX_STREAMS);
    assert!(live.subscribe("t:1", "1", "user:1", None).is_err());
    open.truncate(10);
    assert_eq!(live.streams(), 10);
    assert!(live.subscribe("t:1", "1", "user:1", None).is_ok());
}

#[tokio::test]
async fn an_event_nobody_heard_still_turns_an_older_id_into_a_reset() {
    let live = Live::start(None, "test").unwrap();
    let last = format!("{}.{}", live.0.instance, live.0.seq.load(Ordering::Relaxed));
    // No stream on ticket 5: the event reaches nobody, and no topic keeps it.
    live.changed("t:5", Change::Ticket);
    let mut later = live.subscribe("t:5", "5", "user:1", Some(&last)).unwrap();
    let said = frames(&mut later);
    assert!(said[1].contains(r#""type":"reset""#), "{said:?}");
    // A huge id is no panic, just unknown.
    let mut huge = live
        .subscribe(
            "t:5",
            "5",
            "user:1",
            Some(&format!("{}.{}", live.0.instance, u64::MAX)),
        )
        .unwrap();
    assert!(frames(&mut huge)[1].contains(r#""type":"reset""#));
}
