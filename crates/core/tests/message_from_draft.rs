//! What a draft becomes for each backend's capabilities (taken from the four dialects
//! themselves): which CC, BCC, From and send-email values go out, and when.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use threadline_core::dialect::airclou::{Airclou, AirclouConfig};
use threadline_core::dialect::inboxops::{InboxOps, InboxOpsConfig};
use threadline_core::dialect::initdesk::{Initdesk, InitdeskConfig};
use threadline_core::dialect::requestor::{Requestor, RequestorConfig};
use threadline_core::dialect::Dialect;
use threadline_core::draft::Draft;
use threadline_core::model::{Attachment, Capabilities, Visibility};
use threadline_core::outgoing::message_from_draft;
use threadline_core::recipients::parse_recipients;

/// The dialect's capabilities and outbound mailboxes.
fn backend(dialect: &str) -> (Capabilities, Vec<String>) {
    let d: Box<dyn Dialect> = match dialect {
        "initdesk" => Initdesk::new(
            InitdeskConfig {
                api_base: "/api".into(),
                organization_id: "1".into(),
                token: None,
                page_size: 50,
            },
            "https://desk.example/tickets/1",
        )
        .map(|d| Box::new(d) as Box<dyn Dialect>)
        .unwrap(),
        "airclou" => Airclou::new(
            AirclouConfig {
                api_base: "/helpdesk/api".into(),
                token: None,
                workspace_id: None,
                page_size: 50,
            },
            "https://desk.example/tickets/1",
        )
        .map(|d| Box::new(d) as Box<dyn Dialect>)
        .unwrap(),
        "inboxops" => InboxOps::new(
            InboxOpsConfig {
                api_base: "/api/v1".into(),
                token: None,
                page_size: 50,
            },
            "https://desk.example/tickets/1",
        )
        .map(|d| Box::new(d) as Box<dyn Dialect>)
        .unwrap(),
        "requestor" => Requestor::new(
            RequestorConfig {
                api_base: "/api".into(),
                auth_header: "X-Key".into(),
                token: None,
                outbound_mailboxes: MAILBOXES.iter().map(|m| (*m).to_owned()).collect(),
            },
            "https://desk.example/tickets/1",
        )
        .map(|d| Box::new(d) as Box<dyn Dialect>)
        .unwrap(),
        other => panic!("no dialect {other}"),
    };
    (d.capabilities(), d.outbound_mailboxes())
}

/// What the test reads of the message that goes out.
#[derive(Debug, PartialEq)]
struct Out {
    cc: Option<Vec<&'static str>>,
    bcc: Vec<&'static str>,
    from: Option<&'static str>,
    send_email: Option<bool>,
    attachments: usize,
}

struct Case {
    name: &'static str,
    dialect: &'static str,
    input: Draft,
    expected: Out,
}

const SNAPSHOT: &[&str] = &["finance@customer.example"];
const MAILBOXES: &[&str] = &["support@acme.example", "billing@acme.example"];

fn draft(visibility: Visibility, cc: Option<&str>, send_email: Option<bool>) -> Draft {
    Draft {
        text: "Hello".into(),
        cc: cc.map(parse_recipients),
        send_email,
        bcc: parse_recipients("audit@acme.example"),
        attachments: vec![Attachment {
            id: "a1".into(),
            name: "a.txt".into(),
            size: Some(1),
            content_type: None,
            download_url: None,
        }],
        ..Draft::new(visibility)
    }
}

fn with_from(mut d: Draft, from: &str) -> Draft {
    d.from_mailbox = Some(from.into());
    d
}

fn cases() -> Vec<Case> {
    use Visibility::{Note, Reply};
    let changed = Some("finance@customer.example, new@customer.example");
    let same = Some("finance@customer.example");
    let out = |cc: Option<Vec<&'static str>>,
               bcc: Vec<&'static str>,
               from: Option<&'static str>,
               send_email: Option<bool>,
               attachments: usize| Out {
        cc,
        bcc,
        from,
        send_email,
        attachments,
    };
    let both = Some(vec!["finance@customer.example", "new@customer.example"]);
    vec![
        Case {
            name: "initdesk reply with changed CC sends the whole list",
            dialect: "initdesk",
            input: draft(Reply, changed, None),
            expected: out(both.clone(), vec![], None, None, 1),
        },
        Case {
            name: "initdesk reply with the CC untouched leaves it to the server",
            dialect: "initdesk",
            input: draft(Reply, same, None),
            expected: out(None, vec![], None, None, 1),
        },
        Case {
            name: "initdesk note never sends CC or From",
            dialect: "initdesk",
            input: draft(Note, changed, None),
            expected: out(None, vec![], None, None, 1),
        },
        Case {
            name: "airclou reply as email sends CC and says so",
            dialect: "airclou",
            input: draft(Reply, changed, Some(true)),
            expected: out(both.clone(), vec![], None, Some(true), 1),
        },
        Case {
            name: "airclou reply without email sends no recipients",
            dialect: "airclou",
            input: draft(Reply, changed, Some(false)),
            expected: out(None, vec![], None, Some(false), 1),
        },
        Case {
            name: "airclou note has no email switch value",
            dialect: "airclou",
            input: draft(Note, changed, Some(true)),
            expected: out(None, vec![], None, None, 1),
        },
        Case {
            name: "inboxops note: no CC, no attachments",
            dialect: "inboxops",
            input: draft(Note, changed, None),
            expected: out(None, vec![], None, None, 0),
        },
        Case {
            name: "requestor emailed reply: CC, BCC, chosen From, no attachments",
            dialect: "requestor",
            input: with_from(draft(Reply, changed, None), "billing@acme.example"),
            expected: out(
                both,
                vec!["audit@acme.example"],
                Some("billing@acme.example"),
                Some(true),
                0,
            ),
        },
        Case {
            name: "requestor reply kept off email: no BCC, no From",
            dialect: "requestor",
            input: draft(Reply, changed, Some(false)),
            expected: out(None, vec![], None, Some(false), 0),
        },
        Case {
            name: "requestor emailed reply defaults to the first mailbox",
            dialect: "requestor",
            input: draft(Reply, None, None),
            expected: out(
                None,
                vec!["audit@acme.example"],
                Some("support@acme.example"),
                Some(true),
                0,
            ),
        },
        Case {
            name: "requestor private comment",
            dialect: "requestor",
            input: draft(Note, None, None),
            expected: out(None, vec![], None, None, 0),
        },
    ]
}

#[test]
fn each_backend_gets_what_its_capabilities_allow() {
    let snapshot: Vec<String> = SNAPSHOT.iter().map(|s| (*s).to_owned()).collect();
    let mut failures = Vec::new();
    for case in cases() {
        let (caps, mailboxes) = backend(case.dialect);
        let m = message_from_draft(&case.input, caps, &snapshot, &mailboxes);
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let got = Out {
            cc: m.cc.map(|c| c.into_iter().map(leak).collect()),
            bcc: m.bcc.into_iter().map(leak).collect(),
            from: m.from_mailbox.map(leak),
            send_email: m.send_email,
            attachments: m.attachments.len(),
        };
        assert_eq!(m.text, "Hello", "{}", case.name);
        assert_eq!(m.visibility, case.input.visibility, "{}", case.name);
        if got != case.expected {
            failures.push(format!(
                "{}:\n  expected {:?}\n  got      {:?}",
                case.name, case.expected, got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
