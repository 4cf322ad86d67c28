//! Demo data for a new database: two organisations (Acme, with seven varied tickets; Globex,
//! to prove isolation), agents, tokens, inboxes, customers, and conversations with real-looking
//! email: Gmail and Outlook quoted history, inline styles, a table, an inline `cid:` image, a
//! remote tracking pixel, signatures, plain text, CC'd customers, notes, system events,
//! attachments, and one hostile spam email. Times are relative to the seeding moment.

use rusqlite::{params, Connection};

const SCREENSHOT_PNG: &[u8] = include_bytes!("../demo/screenshot.png");
const LOGO_PNG: &[u8] = include_bytes!("../demo/logo.png");
const INVOICE_PDF: &[u8] = include_bytes!("../demo/invoice-4411.pdf");

/// Who wrote a demo message.
#[derive(Clone, Copy)]
enum Who {
    Customer,
    /// Someone on CC: (name, email).
    Cc(&'static str, &'static str),
    /// An agent, by user id.
    Agent(i64),
    System,
}

/// A file attached to a demo message: (fixed id, name, content type, bytes).
type Asset = (&'static str, &'static str, &'static str, &'static [u8]);

const INVOICE: Asset = (
    "0b9d3c1e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
    "invoice-4411.pdf",
    "application/pdf",
    INVOICE_PDF,
);
const SCREENSHOT: Asset = (
    "6f1c2b9e-2d0a-4c55-9a57-0d2b1f3e4a10",
    "login-error.png",
    "image/png",
    SCREENSHOT_PNG,
);
const LOGO: Asset = (
    "8a7e6d5c-4b3a-4291-8f0e-1d2c3b4a5968",
    "tailspin-logo.png",
    "image/png",
    LOGO_PNG,
);

struct Msg {
    who: Who,
    /// Minutes after the ticket was opened.
    at: i64,
    text: &'static str,
    html: &'static str,
    /// `false` for internal notes and system events.
    visible: bool,
    cc: &'static [&'static str],
    files: &'static [Asset],
}

/// A customer-visible message without CC or files.
const fn say(who: Who, at: i64, text: &'static str, html: &'static str) -> Msg {
    Msg {
        who,
        at,
        text,
        html,
        visible: true,
        cc: &[],
        files: &[],
    }
}

/// An internal note by an agent.
const fn note(agent: i64, at: i64, text: &'static str) -> Msg {
    Msg {
        who: Who::Agent(agent),
        at,
        text,
        html: "",
        visible: false,
        cc: &[],
        files: &[],
    }
}

/// A system event.
const fn event(at: i64, text: &'static str) -> Msg {
    Msg {
        who: Who::System,
        at,
        text,
        html: "",
        visible: false,
        cc: &[],
        files: &[],
    }
}

struct TicketSeed {
    id: i64,
    org: i64,
    inbox: i64,
    customer: (&'static str, &'static str),
    assignee: Option<i64>,
    subject: &'static str,
    status: &'static str,
    tags: &'static [&'static str],
    cc: &'static [&'static str],
    /// Hours before now that the ticket was opened.
    opened_hours_ago: i64,
    messages: Vec<Msg>,
}

/// Loads the demo data. Called once, inside the transaction that creates the schema.
pub fn seed(conn: &Connection, now_secs: i64) -> rusqlite::Result<()> {
    let created = crate::clock::rfc3339(now_secs - 400 * 86_400);
    for (id, public_id, name, email) in [
        (1, "acme", "Acme Support", "support@acme.example"),
        (2, "globex", "Globex", "help@globex.example"),
    ] {
        conn.execute(
            "INSERT INTO organizations (id, public_id, name, support_email, enable_cc_email_routing, created_at)
             VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            params![id, public_id, name, email, created],
        )?;
    }
    for (id, org, name, email) in [
        (1, 1, "Alex Morgan", "alex@acme.example"),
        (2, 1, "Sam Rivera", "sam@acme.example"),
        (3, 1, "Priya Shah", "priya@acme.example"),
        (4, 1, "Jordan Lee", "jordan@acme.example"),
        (10, 2, "Gina Globex", "gina@globex.example"),
    ] {
        conn.execute(
            "INSERT INTO users (id, org_id, email, name) VALUES (?1, ?2, ?3, ?4)",
            params![id, org, email, name],
        )?;
    }
    for (token, org, user, active) in [
        ("demo-token-acme", 1, 1, true),
        ("demo-token-acme-inactive", 1, 2, false),
        // A second agent of Acme (Priya), for trying presence with two browsers.
        ("demo-token-acme-priya", 1, 3, true),
        ("demo-token-globex", 2, 10, true),
    ] {
        conn.execute(
            "INSERT INTO tokens (token, org_id, user_id, is_active) VALUES (?1, ?2, ?3, ?4)",
            params![token, org, user, active],
        )?;
    }
    seed_api_keys(conn)?;
    for (id, org, name, prefix) in [
        (1, 1, "Support", "support"),
        (2, 1, "Billing", "billing"),
        (10, 2, "Help", "help"),
    ] {
        conn.execute(
            "INSERT INTO inboxes (id, org_id, name, email_prefix) VALUES (?1, ?2, ?3, ?4)",
            params![id, org, name, prefix],
        )?;
    }
    for t in tickets() {
        insert_ticket(conn, now_secs, &t)?;
    }
    Ok(())
}

fn insert_ticket(conn: &Connection, now_secs: i64, t: &TicketSeed) -> rusqlite::Result<()> {
    let (customer_name, customer_email) = t.customer;
    conn.execute(
        "INSERT INTO customers (id, org_id, name, email, is_spam) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            t.id,
            t.org,
            customer_name,
            customer_email,
            t.status == "spam"
        ],
    )?;
    // Each demo ticket has a customer of its own, under the ticket's id.
    let customer_id = t.id;
    let opened = now_secs - t.opened_hours_ago * 3600;
    let at = |m: &Msg| crate::clock::rfc3339(opened + m.at * 60);
    let first = t.messages.first();
    let last_at = t
        .messages
        .last()
        .map(at)
        .unwrap_or_else(|| crate::clock::rfc3339(opened));
    let public_id = if t.org == 1 { 1000 + t.id } else { t.id - 99 };
    conn.execute(
        "INSERT INTO tickets (id, org_id, public_id, inbox_id, customer_id, assignee_id, subject, description,
                              description_html, status, is_spam, tags, external_recipient_emails, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            t.id,
            t.org,
            public_id,
            t.inbox,
            customer_id,
            t.assignee,
            t.subject,
            first.map(|m| m.text).unwrap_or_default(),
            first.map(|m| m.html).unwrap_or_default(),
            t.status,
            t.status == "spam",
            json_list(t.tags),
            json_list(t.cc),
            crate::clock::rfc3339(opened),
            last_at,
        ],
    )?;
    for m in &t.messages {
        insert_message(conn, t, &at(m), m)?;
    }
    Ok(())
}

fn insert_message(conn: &Connection, t: &TicketSeed, at: &str, m: &Msg) -> rusqlite::Result<()> {
    let (role, author, sender): (&str, Option<i64>, Option<(String, String)>) = match m.who {
        Who::Customer => (
            "customer",
            None,
            Some((t.customer.1.to_owned(), t.customer.0.to_owned())),
        ),
        Who::Cc(name, email) => ("cc", None, Some((email.to_owned(), name.to_owned()))),
        Who::Agent(id) => {
            let (email, name) =
                conn.query_row("SELECT email, name FROM users WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            ("associate", Some(id), Some((email, name)))
        }
        Who::System => ("system", None, None),
    };
    let (sender_email, sender_name) = sender.unzip();
    conn.execute(
        "INSERT INTO messages (ticket_id, role, author_id, sender_email, sender_name, content, content_html,
                               is_visible_to_customer, external_recipient_emails, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![t.id, role, author, sender_email, sender_name, m.text, m.html, m.visible, json_list(m.cc), at],
    )?;
    let message_id = conn.last_insert_rowid();
    for (id, name, content_type, bytes) in m.files {
        conn.execute(
            "INSERT INTO attachments (id, org_id, message_id, name, content_type, size, data, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, t.org, message_id, name, content_type, bytes.len() as i64, bytes, at],
        )?;
    }
    Ok(())
}

fn json_list(items: &[&str]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

fn tickets() -> Vec<TicketSeed> {
    vec![
        TicketSeed {
            id: 1,
            org: 1,
            inbox: 2,
            customer: ("Maria Lopez", "maria@northwind.example"),
            assignee: Some(2),
            subject: "Invoice #4411 charged twice",
            status: "waiting_associate",
            tags: &["billing", "vip"],
            cc: &["finance@northwind.example"],
            opened_hours_ago: 26,
            messages: vec![
                Msg {
                    who: Who::Customer,
                    at: 0,
                    text: "Hello,\n\nour card was charged twice for invoice #4411 (USD 49.00 each, both on May 1). Could you refund the duplicate? The invoice is attached.\n\nThanks,\nMaria\n\nOn Mon, Apr 29, 2024 at 9:12 AM Acme Billing <billing@acme.example> wrote:\n> Your invoice #4411 for the Team plan is ready.",
                    html: r##"<div dir="ltr"><div style="font-family:Arial,Helvetica,sans-serif;font-size:14px">Hello,<br><br>our card was charged <b>twice</b> for invoice #4411 (USD 49.00 each, both on May&nbsp;1). Could you refund the duplicate? The invoice is attached.<br><br>Thanks,<br>Maria</div><div>--&nbsp;<br><span style="color:#888888">Maria Lopez · Office Manager · Northwind Traders</span></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Apr 29, 2024 at 9:12 AM Acme Billing &lt;<a href="mailto:billing@acme.example">billing@acme.example</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Your invoice #4411 for the Team plan is ready.<br>Amount due: USD 49.00</blockquote></div></div>"##,
                    visible: true,
                    cc: &["finance@northwind.example"],
                    files: &[INVOICE],
                },
                // A run of events, as triage leaves them (the thread folds three or more).
                event(5, "Sam Rivera assigned the ticket to themselves"),
                event(6, "Sam Rivera changed the priority from Normal to High"),
                event(7, "Sam Rivera added the tags billing, vip"),
                note(2, 20, "Stripe shows two captures 40 seconds apart, both settled. Looks like the double-submit bug from last week. Refunding the second one."),
                Msg {
                    who: Who::Agent(2),
                    at: 35,
                    text: "Hi Maria,\n\nyou are right: the second charge was our mistake. I have refunded USD 49.00; it will show on your statement in 5-10 business days.\n\nSam",
                    html: r##"<p>Hi Maria,</p><p>you are right: the second charge was our mistake. I have refunded <strong>USD 49.00</strong>; it will show on your statement in 5&ndash;10 business days.</p><p>Sam</p><table cellpadding="0" cellspacing="0" style="margin-top:16px;border-top:1px solid #d8dce3;padding-top:8px;font-family:Arial,sans-serif;font-size:12px;color:#5b6475"><tr><td style="padding-right:12px"><strong style="color:#1d2330">Sam Rivera</strong><br>Billing Specialist, Acme Cloud<br>+1 (555) 010-4411 · <a href="https://acme.example/support">acme.example/support</a></td></tr></table>"##,
                    visible: true,
                    cc: &["finance@northwind.example"],
                    files: &[],
                },
                Msg {
                    who: Who::Cc("Tom Becker", "finance@northwind.example"),
                    at: 190,
                    text: "Thanks Sam. Could you also send a corrected invoice showing the refund? Our auditors need it.\n\nTom\n\nOn Tue, Sam Rivera wrote:\n> you are right: the second charge was our mistake. I have refunded USD 49.00.\n> Sam",
                    html: "",
                    visible: true,
                    cc: &["finance@northwind.example"],
                    files: &[],
                },
            ],
        },
        TicketSeed {
            id: 2,
            org: 1,
            inbox: 1,
            customer: ("Kenji Tanaka", "kenji@fabrikam.example"),
            assignee: Some(3),
            subject: "Exported CSV is missing the last 30 days",
            status: "waiting_customer",
            tags: &["export", "bug"],
            cc: &[],
            opened_hours_ago: 5 * 24,
            messages: long_thread(),
        },
        TicketSeed {
            id: 3,
            org: 1,
            inbox: 1,
            customer: ("Olivia Brown", "olivia@contoso.example"),
            assignee: None,
            subject: "Can't log in after password reset (screenshot attached)",
            status: "waiting_associate",
            tags: &["login"],
            cc: &[],
            opened_hours_ago: 3,
            messages: vec![
                Msg {
                    who: Who::Customer,
                    at: 0,
                    text: "Hi,\nafter resetting my password I get \"Invalid session\" on every login. Screenshot attached.\nOlivia\n\nFrom: Acme Cloud <no-reply@acme.example>\nSent: Tuesday, May 7, 2024 8:02 AM\nTo: Olivia Brown\nSubject: Reset your password\n\nClick the link below to choose a new password.",
                    html: r##"<div class="WordSection1"><p class="MsoNormal" style="margin:0cm;font-size:11pt;font-family:Calibri,sans-serif">Hi,</p><p class="MsoNormal" style="margin:0cm;font-size:11pt;font-family:Calibri,sans-serif">after resetting my password I get <span style="color:#c00000;font-weight:bold">&ldquo;Invalid session&rdquo;</span> on every login. Screenshot attached.</p><p class="MsoNormal" style="margin:0cm;font-size:11pt;font-family:Calibri,sans-serif">Olivia</p><p class="MsoNormal">&nbsp;</p><div id="divRplyFwdMsg" dir="ltr"><hr style="display:inline-block;width:98%" tabindex="-1"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>From:</b> Acme Cloud &lt;no-reply@acme.example&gt;<br><b>Sent:</b> Tuesday, May 7, 2024 8:02 AM<br><b>To:</b> Olivia Brown &lt;olivia@contoso.example&gt;<br><b>Subject:</b> Reset your password</font><div>&nbsp;</div></div><div><p style="font-family:Segoe UI,sans-serif;font-size:14px">Click the link below to choose a new password.</p><p><a href="https://acme.example/reset?t=expired" style="background-color:#2f5bd3;color:#ffffff;padding:8px 14px;border-radius:4px;text-decoration:none">Choose a new password</a></p></div></div>"##,
                    visible: true,
                    cc: &[],
                    files: &[SCREENSHOT],
                },
                note(1, 25, "Probably the stale session cookie after reset. Asked engineering whether the fix is deployed to EU yet."),
            ],
        },
        TicketSeed {
            id: 4,
            org: 1,
            inbox: 2,
            customer: ("Lukas Weber", "lukas@tailspin.example"),
            assignee: Some(4),
            subject: "Order #A-2209 summary and delivery question",
            status: "closed_resolved",
            tags: &["orders"],
            cc: &["ops@tailspin.example"],
            opened_hours_ago: 3 * 24,
            messages: vec![
                Msg {
                    who: Who::Customer,
                    at: 0,
                    text: "Hello, below is our order confirmation. Will the two extra seats be active before Monday?\n\nOrder A-2209: Team plan x 10 seats, USD 490.00; Extra seats x 2, USD 98.00; Total USD 588.00\n\nLukas Weber\nIT Lead, Tailspin Toys",
                    html: r##"<div style="font-family:Georgia,serif;font-size:15px;color:#222">Hello, below is our order confirmation. Will the two extra seats be active before Monday?</div><table width="560" cellpadding="8" cellspacing="0" border="0" style="border-collapse:collapse;margin:16px 0;font-family:Arial,sans-serif;font-size:13px;border:1px solid #dddddd"><tr><td colspan="3" style="background-color:#0b7a5a;color:#ffffff;padding:12px"><img src="cid:tailspin-logo@tailspin.example" alt="Tailspin Toys" width="32" height="32" style="vertical-align:middle"> <strong style="font-size:16px">Order A-2209</strong></td></tr><tr style="background-color:#f3f5f7"><th align="left">Item</th><th align="right">Qty</th><th align="right">Amount</th></tr><tr><td>Team plan</td><td align="right">10</td><td align="right">USD 490.00</td></tr><tr><td>Extra seats</td><td align="right">2</td><td align="right">USD 98.00</td></tr><tr><td colspan="2" align="right" style="border-top:2px solid #0b7a5a"><strong>Total</strong></td><td align="right" style="border-top:2px solid #0b7a5a"><strong>USD 588.00</strong></td></tr></table><p style="margin:0;color:#555555;font-size:12px">Lukas Weber<br>IT Lead, Tailspin Toys</p><img src="https://tracking.mailvendor.example/open.gif?u=lukas%40tailspin.example&amp;m=a2209" width="1" height="1" alt="" style="display:block;border:0">"##,
                    visible: true,
                    cc: &["ops@tailspin.example", "lukas.private@mailbox.example"],
                    files: &[LOGO],
                },
                Msg {
                    who: Who::Agent(4),
                    at: 50,
                    text: "Hi Lukas, both extra seats are active now. You can assign them under Settings > Team.\nJordan",
                    html: "<p>Hi Lukas, both extra seats are active now. You can assign them under <em>Settings &rsaquo; Team</em>.</p><p>Jordan</p>",
                    visible: true,
                    cc: &["ops@tailspin.example", "lukas.private@mailbox.example"],
                    files: &[],
                },
                event(51, "Jordan Lee changed the status to Closed: resolved"),
            ],
        },
        TicketSeed {
            id: 5,
            org: 1,
            inbox: 1,
            customer: ("Aisha Khan", "aisha@woodgrove.example"),
            assignee: Some(1),
            subject: "Feature request: dark mode for the dashboard",
            status: "closed_other",
            tags: &["feature-request"],
            cc: &[],
            opened_hours_ago: 9 * 24,
            messages: vec![
                say(Who::Customer, 0, "Hi team,\n\nany plans for a dark mode? Our night shift works on the dashboard for hours.\n\nBest,\nAisha\n\n-- \nAisha Khan\nOperations Lead, Woodgrove Bank\n+1 (555) 013-2290", ""),
                say(Who::Agent(1), 90, "Hi Aisha,\n\nthanks for the suggestion! I've added your vote to the dark mode request; we'll post on the changelog when it ships.\n\nAlex", ""),
                say(Who::Customer, 200, "Great, thank you!\n\nOn Thu, Alex Morgan <alex@acme.example> wrote:\n> thanks for the suggestion! I've added your vote to the dark mode request;\n> we'll post on the changelog when it ships.", ""),
                event(201, "Alex Morgan changed the status to Closed: other"),
            ],
        },
        TicketSeed {
            id: 6,
            org: 1,
            inbox: 1,
            customer: ("Account Security", "security@acme-billing-verify.example"),
            assignee: None,
            subject: "URGENT: verify your account to avoid suspension",
            status: "spam",
            tags: &["spam"],
            cc: &[],
            opened_hours_ago: 30,
            messages: vec![
                say(
                    Who::Customer,
                    0,
                    "Your account will be suspended in 24 hours. Verify now.",
                    r##"<style>body{display:none} .tl-app{display:none}</style><div style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:99999;background-color:#fff"><h2 style="color:#c00">Your account will be suspended in 24 hours</h2><p>Dear customer, <a href="javascript:alert('pwned')">verify your account now</a> or your data will be deleted.</p><img src="x" onerror="alert('pwned')"><script>alert('pwned')</script><form action="https://acme-billing-verify.example/collect"><input name="password" type="password"><button>Verify</button></form><a href="/api/initdesk/organizations/1/tickets/1/unassign/">Unsubscribe</a><iframe src="https://acme-billing-verify.example/frame"></iframe></div>"##,
                ),
                event(10, "Ticket marked as spam by Alex Morgan"),
            ],
        },
        TicketSeed {
            id: 7,
            org: 1,
            inbox: 2,
            customer: ("Ben Carter", "ben@litware.example"),
            assignee: Some(2),
            subject: "Cancel my subscription",
            status: "closed_customer_inactivity",
            tags: &["cancellation"],
            cc: &[],
            opened_hours_ago: 20 * 24,
            messages: vec![
                say(Who::Customer, 0, "Please cancel my subscription at the end of this month.\n\nBen Carter\nLitware Inc.", ""),
                say(Who::Agent(2), 60, "Hi Ben,\n\nsorry to see you go. Before I cancel: would a pause for up to 3 months help instead? Just reply and let me know which you prefer.\n\nSam", ""),
                event(14 * 24 * 60, "The ticket was closed after 14 days without a reply from the customer"),
            ],
        },
        TicketSeed {
            id: 100,
            org: 2,
            inbox: 10,
            customer: ("Hank Scorpio", "hank@globex-customer.example"),
            assignee: Some(10),
            subject: "Globex private ticket",
            status: "waiting_associate",
            tags: &[],
            cc: &[],
            opened_hours_ago: 2,
            messages: vec![say(Who::Customer, 0, "This ticket belongs to Globex only.", "")],
        },
    ]
}

/// A pasted log: long enough to be collapsed behind "Show more".
const LONG_LOG: &str = "Here is the export log you asked for:\n\n2024-04-07T00:00:00Z export job=usage-csv rows=1000 range=last_90_days cache=hit status=ok\n2024-04-06T01:01:00Z export job=usage-csv rows=1037 range=last_90_days cache=hit status=ok\n2024-04-05T02:02:00Z export job=usage-csv rows=1074 range=last_90_days cache=hit status=ok\n2024-04-04T03:03:00Z export job=usage-csv rows=1111 range=last_90_days cache=hit status=ok\n2024-04-03T04:04:00Z export job=usage-csv rows=1148 range=last_90_days cache=hit status=ok\n2024-04-02T05:05:00Z export job=usage-csv rows=1185 range=last_90_days cache=hit status=ok\n2024-04-01T06:06:00Z export job=usage-csv rows=1222 range=last_90_days cache=hit status=ok\n2024-04-07T07:07:00Z export job=usage-csv rows=1259 range=last_90_days cache=hit status=ok\n2024-04-06T08:08:00Z export job=usage-csv rows=1296 range=last_90_days cache=hit status=ok\n2024-04-05T09:09:00Z export job=usage-csv rows=1333 range=last_90_days cache=hit status=ok\n2024-04-04T00:10:00Z export job=usage-csv rows=1370 range=last_90_days cache=hit status=ok\n2024-04-03T01:11:00Z export job=usage-csv rows=1407 range=last_90_days cache=hit status=ok\n2024-04-02T02:12:00Z export job=usage-csv rows=1444 range=last_90_days cache=hit status=ok\n2024-04-01T03:13:00Z export job=usage-csv rows=1481 range=last_90_days cache=hit status=ok\n2024-04-07T04:14:00Z export job=usage-csv rows=1518 range=last_90_days cache=hit status=ok\n2024-04-06T05:15:00Z export job=usage-csv rows=1555 range=last_90_days cache=hit status=ok\n2024-04-05T06:16:00Z export job=usage-csv rows=1592 range=last_90_days cache=hit status=ok\n2024-04-04T07:17:00Z export job=usage-csv rows=1629 range=last_90_days cache=hit status=ok\n2024-04-03T08:18:00Z export job=usage-csv rows=1666 range=last_90_days cache=hit status=ok\n2024-04-02T09:19:00Z export job=usage-csv rows=1703 range=last_90_days cache=hit status=ok\n2024-04-01T00:20:00Z export job=usage-csv rows=1740 range=last_90_days cache=hit status=ok\n2024-04-07T01:21:00Z export job=usage-csv rows=1777 range=last_90_days cache=hit status=ok\n2024-04-06T02:22:00Z export job=usage-csv rows=1814 range=last_90_days cache=hit status=ok\n2024-04-05T03:23:00Z export job=usage-csv rows=1851 range=last_90_days cache=hit status=ok\n2024-04-04T04:24:00Z export job=usage-csv rows=1888 range=last_90_days cache=hit status=ok\n2024-04-03T05:25:00Z export job=usage-csv rows=1925 range=last_90_days cache=hit status=ok\n2024-04-02T06:26:00Z export job=usage-csv rows=1962 range=last_90_days cache=hit status=ok\n2024-04-01T07:27:00Z export job=usage-csv rows=1999 range=last_90_days cache=hit status=ok\n2024-04-07T08:28:00Z export job=usage-csv rows=2036 range=last_90_days cache=hit status=ok\n2024-04-06T09:29:00Z export job=usage-csv rows=2073 range=last_90_days cache=hit status=ok\n2024-04-05T00:30:00Z export job=usage-csv rows=2110 range=last_90_days cache=hit status=ok\n2024-04-04T01:31:00Z export job=usage-csv rows=2147 range=last_90_days cache=hit status=ok\n2024-04-03T02:32:00Z export job=usage-csv rows=2184 range=last_90_days cache=hit status=ok\n2024-04-02T03:33:00Z export job=usage-csv rows=2221 range=last_90_days cache=hit status=ok\n2024-04-01T04:34:00Z export job=usage-csv rows=2258 range=last_90_days cache=hit status=ok\n2024-04-07T05:35:00Z export job=usage-csv rows=2295 range=last_90_days cache=hit status=ok\n2024-04-06T06:36:00Z export job=usage-csv rows=2332 range=last_90_days cache=hit status=ok\n2024-04-05T07:37:00Z export job=usage-csv rows=2369 range=last_90_days cache=hit status=ok\n2024-04-04T08:38:00Z export job=usage-csv rows=2406 range=last_90_days cache=hit status=ok\n2024-04-03T09:39:00Z export job=usage-csv rows=2443 range=last_90_days cache=hit status=ok\n2024-04-02T00:40:00Z export job=usage-csv rows=2480 range=last_90_days cache=hit status=ok\n2024-04-01T01:41:00Z export job=usage-csv rows=2517 range=last_90_days cache=hit status=ok\n2024-04-07T02:42:00Z export job=usage-csv rows=2554 range=last_90_days cache=hit status=ok\n2024-04-06T03:43:00Z export job=usage-csv rows=2591 range=last_90_days cache=hit status=ok\n2024-04-05T04:44:00Z export job=usage-csv rows=2628 range=last_90_days cache=hit status=ok\n2024-04-04T05:45:00Z export job=usage-csv rows=2665 range=last_90_days cache=hit status=ok\n2024-04-03T06:46:00Z export job=usage-csv rows=2702 range=last_90_days cache=hit status=ok\n2024-04-02T07:47:00Z export job=usage-csv rows=2739 range=last_90_days cache=hit status=ok\n\nKenji";

/// Ticket 2: a back-and-forth long enough to scroll and to span several pages.
fn long_thread() -> Vec<Msg> {
    const TURNS: [(Who, &str); 12] = [
        (Who::Customer, "Hi, the CSV export stops at April 7. Everything after that is missing."),
        (Who::Agent(3), "Thanks Kenji. Which report and which date range did you pick?"),
        (Who::Customer, "Reports > Usage, range \"Last 90 days\", format CSV."),
        (Who::Agent(3), "I can reproduce it. It looks like the export uses the cached range from your first export."),
        (Who::Customer, "Is there a workaround? Our finance team needs the numbers by Friday."),
        (Who::Agent(3), "Yes: choose a custom range with explicit dates instead of \"Last 90 days\"."),
        (Who::Customer, "That works for the usage report, but the invoices report still stops at April 7."),
        (Who::Agent(3), "Thanks, I've added that to the bug report. Engineering is on it."),
        (Who::Customer, "Any news? We'd like to close our month."),
        (Who::Agent(3), "A fix is deployed. Could you try the invoices export again?"),
        (Who::Customer, "Tried it: I now get all rows up to yesterday, but the totals column is empty."),
        (Who::Agent(3), "Good catch. The totals fix goes out tonight; I'll keep this ticket open until you confirm."),
    ];
    let mut messages: Vec<Msg> = TURNS
        .iter()
        .enumerate()
        .map(|(i, (who, text))| say(*who, i as i64 * 240, text, ""))
        .collect();
    messages.insert(
        4,
        note(
            3,
            3 * 240 + 30,
            "Filed as EXP-1182 (cached date range in CSV export).",
        ),
    );
    // After the customer's report that the invoices export still stops (turn 6).
    messages.insert(8, say(Who::Customer, 6 * 240 + 60, LONG_LOG, ""));
    messages.insert(
        10,
        event(
            7 * 240 + 5,
            "Priya Shah changed the status to Waiting on customer",
        ),
    );
    messages
}

/// Adds a ticket with `count` messages (alternating customer and agent, one a minute), for
/// benchmarks of long threads. Returns the new ticket's id.
pub fn add_long_thread(conn: &Connection, now_secs: i64, count: u32) -> rusqlite::Result<i64> {
    let id: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM tickets", [], |r| {
        r.get(0)
    })?;
    let opened = now_secs - i64::from(count) * 60 - 3600;
    conn.execute(
        "INSERT INTO customers (id, org_id, name, email) VALUES (?1, 1, 'Bench Customer', ?2)",
        params![id, format!("bench{id}@bench.example")],
    )?;
    conn.execute(
        "INSERT INTO tickets (id, org_id, public_id, inbox_id, customer_id, subject, created_at, updated_at)
         VALUES (?1, 1, ?2, 1, ?1, ?3, ?4, ?5)",
        params![
            id,
            1000 + id,
            format!("Benchmark thread with {count} messages"),
            crate::clock::rfc3339(opened),
            crate::clock::rfc3339(opened + i64::from(count) * 60),
        ],
    )?;
    let mut insert = conn.prepare(
        "INSERT INTO messages (ticket_id, role, author_id, sender_email, sender_name, content, content_html,
                               is_visible_to_customer, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)",
    )?;
    for i in 0..count {
        let agent = i % 2 == 1;
        let at = crate::clock::rfc3339(opened + i64::from(i + 1) * 60);
        let (text, html) = long_thread_message(i, count);
        let (role, author, email, name) = if agent {
            (
                "associate",
                Some(3),
                "priya@acme.example".to_owned(),
                "Priya Shah".to_owned(),
            )
        } else {
            (
                "customer",
                None,
                format!("bench{id}@bench.example"),
                "Bench Customer".to_owned(),
            )
        };
        insert.execute(params![id, role, author, email, name, text, html, at])?;
    }
    Ok(id)
}

/// Message `i` of a long thread: the same words each time, but for the second and third. The
/// second gives a reference; the third answers it by email, quoting the second under a folded
/// quote (a phrase deep in an old page, for find).
fn long_thread_message(i: u32, count: u32) -> (String, String) {
    const REFERENCE: &str = "Your pallet reference is PLT-4417-QX, keep it for the carrier.";
    match i {
        1 => (REFERENCE.to_owned(), format!("<p>{REFERENCE}</p>")),
        2 => (
            format!("Thanks, I will pass it on.\n\n> {REFERENCE}"),
            format!("<p>Thanks, I will pass it on.</p><div class=\"gmail_quote\"><blockquote>{REFERENCE}</blockquote></div>"),
        ),
        _ => (
            format!("Message {} of {count}. Checking the export again; the totals column looked right this time.", i + 1),
            format!("<p>Message {} of {count}.</p><p>Checking the export again; the <b>totals</b> column looked right this time.</p>", i + 1),
        ),
    }
}

/// `POST /__test/long-thread?count=N`: a new ticket with a thread of N messages (see
/// [`add_long_thread`]) for the end-to-end tests of long threads; `DELETE /__test/seen`: every
/// agent's marks of what they have seen forgotten (test builds only, with the fault switch).
#[cfg(feature = "fault-switch")]
pub fn test_routes() -> axum::Router<crate::AppState> {
    use axum::extract::{Query, State};
    use axum::routing::post;
    async fn add(
        State(state): State<crate::AppState>,
        Query(q): Query<std::collections::HashMap<String, u32>>,
    ) -> Result<axum::Json<serde_json::Value>, crate::error::HttpError> {
        let count = q.get("count").copied().unwrap_or(1_000).min(20_000);
        let conn = state.db()?;
        let id = add_long_thread(&conn, crate::clock::now_secs(), count)?;
        Ok(axum::Json(serde_json::json!({ "id": id.to_string() })))
    }
    // Each end-to-end test starts as a fresh browser does: no ticket looked at before.
    async fn forget_seen(
        State(state): State<crate::AppState>,
    ) -> Result<axum::http::StatusCode, crate::error::HttpError> {
        state.db()?.execute("DELETE FROM seen_marks", [])?;
        Ok(axum::http::StatusCode::NO_CONTENT)
    }
    axum::Router::new()
        .route("/__test/long-thread", post(add))
        .route("/__test/seen", axum::routing::delete(forget_seen))
}

/// Requestor keys (sent in `X-Requestor-Key`), one per organisation.
fn seed_requestor_keys(conn: &Connection) -> rusqlite::Result<()> {
    for (key, org, user) in [("rqk_demo_acme", 1, 4), ("rqk_demo_globex", 2, 10)] {
        conn.execute(
            "INSERT OR IGNORE INTO requestor_keys (key, org_id, user_id)
             SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?3 AND org_id = ?2)",
            params![key, org, user],
        )?;
    }
    Ok(())
}

/// The keys of the other surfaces: InboxOps (`ixk_…`: one read+write and one read-only for
/// Acme, one for Globex) and Requestor (`rqk_…`). Added where missing, so older demo databases
/// get them as well.
pub fn seed_api_keys(conn: &Connection) -> rusqlite::Result<()> {
    for (key, org, user, scope) in [
        ("ixk_demo_acme", 1, 2, "read_write"),
        ("ixk_demo_acme_readonly", 1, 3, "read"),
        ("ixk_demo_globex", 2, 10, "read_write"),
    ] {
        conn.execute(
            "INSERT OR IGNORE INTO api_keys (key, org_id, user_id, scope)
             SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?3 AND org_id = ?2)",
            params![key, org, user, scope],
        )?;
    }
    seed_requestor_keys(conn)?;
    seed_airclou_sessions(conn)
}

/// Airclou session tokens (`Authorization: Bearer …`): an agent and a viewer for Acme, an
/// agent for Globex.
fn seed_airclou_sessions(conn: &Connection) -> rusqlite::Result<()> {
    for (token, org, user, role) in [
        ("acs_demo_acme", 1, 1, "agent"),
        ("acs_demo_acme_viewer", 1, 3, "viewer"),
        ("acs_demo_globex", 2, 10, "agent"),
    ] {
        conn.execute(
            "INSERT OR IGNORE INTO airclou_sessions (token, org_id, user_id, role)
             SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?3 AND org_id = ?2)",
            params![token, org, user, role],
        )?;
    }
    Ok(())
}

/// The demo organisation's saved replies: a greeting with placeholders, a closing one that
/// resolves the ticket, and one that copies the billing team.
pub fn seed_saved_replies(conn: &Connection) -> rusqlite::Result<()> {
    for (title, body, next_action, cc) in [
        (
            "Password reset link",
            "Hi {{customer.first_name}},\n\nI have sent a new password reset link to \
             {{customer.email}}. It works for 24 hours.\n\nBest,\n{{agent.first_name}}",
            None,
            "[]",
        ),
        (
            "Resolved, closing",
            "Hi {{customer.first_name}},\n\nThis is now fixed, so I am closing ticket \
             #{{ticket.number}}. Just reply if anything is still wrong.",
            Some("close_and_mark_resolved"),
            "[]",
        ),
        (
            "Refund handed to billing",
            "Hi {{customer.first_name}},\n\nI have passed your refund request for \
             \u{201c}{{ticket.subject}}\u{201d} to our billing team (copied here).",
            Some("reopen_waiting_associate"),
            "[\"billing@acme.example\"]",
        ),
    ] {
        conn.execute(
            "INSERT INTO saved_replies (org, title, body, next_action, cc, updated_at)
             VALUES ('org:1', ?1, ?2, ?3, ?4, 0)",
            params![title, body, next_action, cc],
        )?;
    }
    Ok(())
}
