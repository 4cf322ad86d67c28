//! The reference server's SQLite store: schema, opening, and the demo reset.

use std::path::Path;

use rusqlite::Connection;

/// The whole schema. JSON lists (tags, CC snapshots) are stored as JSON text.
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS organizations (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL,
    name TEXT NOT NULL,
    support_email TEXT NOT NULL,
    enable_cc_email_routing INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    is_active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS inboxes (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    email_prefix TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    is_spam INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, email)
);
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    public_id INTEGER NOT NULL,
    inbox_id INTEGER REFERENCES inboxes(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    assignee_id INTEGER REFERENCES users(id),
    subject TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    description_html TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'waiting_associate',
    is_spam INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '[]',
    external_recipient_emails TEXT NOT NULL DEFAULT '[]',
    language TEXT NOT NULL DEFAULT 'en',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    role TEXT NOT NULL CHECK (role IN ('customer', 'cc', 'associate', 'system')),
    author_id INTEGER REFERENCES users(id),
    sender_email TEXT,
    sender_name TEXT,
    content TEXT NOT NULL DEFAULT '',
    content_html TEXT NOT NULL DEFAULT '',
    is_visible_to_customer INTEGER NOT NULL,
    external_recipient_emails TEXT NOT NULL DEFAULT '[]',
    next_action TEXT NOT NULL DEFAULT '',
    next_assignee_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_ticket ON messages (ticket_id, created_at, id);
CREATE TABLE IF NOT EXISTS attachments (
    id TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    message_id INTEGER REFERENCES messages(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    scope TEXT NOT NULL CHECK (scope IN ('read', 'read_write'))
);
CREATE TABLE IF NOT EXISTS requestor_keys (
    key TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    user_id INTEGER NOT NULL REFERENCES users(id)
);
CREATE TABLE IF NOT EXISTS requestor_emails (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id),
    from_mailbox TEXT NOT NULL,
    cc TEXT NOT NULL DEFAULT '[]',
    bcc TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS airclou_sessions (
    token TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('viewer', 'agent'))
);
CREATE TABLE IF NOT EXISTS airclou_messages (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id),
    ccs TEXT NOT NULL DEFAULT '[]',
    send_email INTEGER
);
CREATE TABLE IF NOT EXISTS airclou_ticket_fields (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
    priority TEXT NOT NULL DEFAULT 'normal',
    type TEXT NOT NULL DEFAULT 'question'
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS portal_replies (
    key TEXT PRIMARY KEY,
    claim TEXT NOT NULL,
    upstream_id TEXT,
    message TEXT,
    claimed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS portal_replies_claimed ON portal_replies (claimed_at);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    org_id INTEGER NOT NULL REFERENCES organizations(id),
    key TEXT NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    PRIMARY KEY (org_id, key)
);
CREATE TABLE IF NOT EXISTS saved_replies (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    next_action TEXT,
    cc TEXT NOT NULL DEFAULT '[]',
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS saved_replies_by_org ON saved_replies (org, title);
CREATE TABLE IF NOT EXISTS signatures (
    org TEXT NOT NULL,
    agent TEXT NOT NULL,
    mailbox TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    PRIMARY KEY (org, agent, mailbox)
);
CREATE TABLE IF NOT EXISTS seen_marks (
    org TEXT NOT NULL,
    agent TEXT NOT NULL,
    ticket TEXT NOT NULL,
    message_id TEXT NOT NULL,
    at TEXT NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (org, agent, ticket)
);
"#;

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// A read-only connection to an existing database (see `AppState::read`).
pub fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Opens (creating if needed) a database with the schema and no demo data: a gateway's
/// (its tickets live upstream; it keeps settings such as the link secret).
pub fn open_store(path: &Path) -> rusqlite::Result<Connection> {
    let conn = connect(path)?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// Opens (creating if needed) the database at `path`, applies the schema and, when the
/// database is new or `reset_demo` is set, loads the demo data.
pub fn open(path: &Path, reset_demo: bool) -> rusqlite::Result<Connection> {
    let mut conn = connect(path)?;
    let tx = conn.transaction()?;
    if reset_demo {
        for table in [
            "seen_marks",
            "signatures",
            "saved_replies",
            "idempotency_keys",
            "portal_replies",
            "settings",
            "airclou_ticket_fields",
            "airclou_messages",
            "airclou_sessions",
            "requestor_emails",
            "requestor_keys",
            "api_keys",
            "attachments",
            "messages",
            "tickets",
            "customers",
            "inboxes",
            "tokens",
            "users",
            "organizations",
        ] {
            tx.execute_batch(&format!("DROP TABLE IF EXISTS {table};"))?;
        }
    }
    tx.execute_batch(SCHEMA)?;
    let is_empty: i64 = tx.query_row("SELECT COUNT(*) FROM organizations", [], |r| r.get(0))?;
    if is_empty == 0 {
        crate::demo::seed(&tx, crate::clock::now_secs())?;
        crate::demo::seed_saved_replies(&tx)?;
    }
    // Databases made before the InboxOps surface existed get its demo keys too.
    crate::demo::seed_api_keys(&tx)?;
    tx.commit()?;
    Ok(conn)
}

/// The `Idempotency-Key` of a message post, if any: 1 to 255 visible characters, else a 400.
pub(crate) fn idempotency_key(
    headers: &axum::http::HeaderMap,
) -> Result<Option<String>, crate::error::HttpError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(v) if (1..=255).contains(&v.trim().len()) => Ok(Some(v.trim().to_owned())),
        _ => {
            let mut errors = crate::error::FieldErrors::default();
            errors.add(
                "non_field_errors",
                "Idempotency-Key must be 1 to 255 visible characters.",
            );
            Err(crate::error::HttpError::validation(errors))
        }
    }
}

/// An `Idempotency-Key` as stored: scoped by the surface and the ticket it was sent to, so a
/// key chosen on one surface (or for one ticket) can never answer with another's message.
pub(crate) fn scoped_key(surface: &str, ticket: i64, key: &str) -> String {
    format!("{surface}:{ticket}:{key}")
}

/// The message an earlier post with this (scoped) `Idempotency-Key` stored in the organisation.
pub fn message_for_key(conn: &Connection, org_id: i64, key: &str) -> rusqlite::Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT message_id FROM idempotency_keys WHERE org_id = ?1 AND key = ?2",
        rusqlite::params![org_id, key],
        |r| r.get(0),
    )
    .optional()
}

/// Records that `key` stored `message_id` (inside the transaction that stored it).
pub fn remember_key(
    conn: &Connection,
    org_id: i64,
    key: &str,
    message_id: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO idempotency_keys (org_id, key, message_id) VALUES (?1, ?2, ?3)",
        rusqlite::params![org_id, key, message_id],
    )
    .map(|_| ())
}
