//! `--redis redis://[:password@]host[:port]`: the hub's notes go out through Redis pub/sub on
//! one channel per deployment (`threadline:live:<scope>`: instances of one gateway, or of the
//! demo, share it; another organisation's gateway on the same Redis has its own) and come
//! back to every instance subscribed to it, this one included, which delivers them to its own
//! streams. After the subscription was lost, every stream is told to read again. Two connections, each remade after a
//! failure with a growing pause: one publishes (a note it cannot hand over is delivered here
//! only, and the caller is told), one subscribes.
//!
//! Only the few RESP commands this needs are spoken (`AUTH`, `PUBLISH`, `SUBSCRIBE`).

use std::sync::Weak;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::{Hub, Live, Note};

/// The start of every channel's name.
pub const CHANNEL: &str = "threadline:live";
/// Notes waiting for the publisher before new ones are delivered here only.
const QUEUE: usize = 4_096;
/// The largest reply read (a note is far smaller).
const MAX_REPLY: usize = 1 << 20;

/// Where Redis is.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Address {
    host_port: String,
    password: Option<String>,
    /// The deployment's channel.
    channel: String,
}

fn address(url: &str, scope: &str) -> Result<Address, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("--redis {url:?}: {e}"))?;
    if parsed.scheme() != "redis" {
        return Err(format!("--redis {url:?}: redis://host[:port] expected"));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("--redis {url:?}: no host"))?;
    Ok(Address {
        host_port: format!("{host}:{}", parsed.port().unwrap_or(6379)),
        password: parsed.password().map(percent_decoded),
        channel: format!("{CHANNEL}:{scope}"),
    })
}

/// A URL's userinfo as written (`%40` is `@`).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The publishing side.
pub struct Bus {
    address: Address,
    queue: mpsc::Sender<Note>,
    waiting: std::sync::Mutex<Option<mpsc::Receiver<Note>>>,
}

impl Bus {
    pub(super) fn new(url: &str, scope: &str) -> Result<Bus, String> {
        let (queue, rx) = mpsc::channel(QUEUE);
        Ok(Bus {
            address: address(url, scope)?,
            queue,
            waiting: std::sync::Mutex::new(Some(rx)),
        })
    }

    /// Starts the publisher and the subscriber.
    pub(super) fn run(&self, hub: Weak<Hub>) {
        let queued = self.waiting.lock().ok().and_then(|mut w| w.take());
        if let Some(queued) = queued {
            tokio::spawn(publisher(self.address.clone(), queued, hub.clone()));
        }
        tokio::spawn(subscriber(self.address.clone(), hub));
    }

    /// Hands `note` to the publisher; gives it back when the queue is full.
    pub(super) fn publish(&self, note: Note) -> Result<(), Note> {
        self.queue.try_send(note).map_err(|e| match e {
            mpsc::error::TrySendError::Full(n) | mpsc::error::TrySendError::Closed(n) => n,
        })
    }
}

fn command(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", parts.len()).into_bytes();
    for part in parts {
        out.extend(format!("${}\r\n", part.len()).as_bytes());
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// One RESP value, as far as these commands answer.
#[derive(Debug, PartialEq, Eq)]
enum Reply {
    Simple(String),
    Error(String),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
    Array(Vec<Reply>),
}

/// The longest line read (a status, an error, a length).
const MAX_LINE: u64 = 4_096;
/// The most items of an array read (this client's replies have three).
const MAX_ITEMS: i64 = 16;

async fn read_reply<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Reply> {
    read_nested(r, 0).await
}

async fn read_nested<R: tokio::io::AsyncBufRead + Unpin>(
    r: &mut R,
    depth: u8,
) -> std::io::Result<Reply> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut line = Vec::new();
    (&mut *r)
        .take(MAX_LINE)
        .read_until(b'\n', &mut line)
        .await?;
    if line.is_empty() {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let Some(body) = line.strip_suffix(b"\r\n") else {
        return Err(bad("a line ending in CRLF"));
    };
    let Some((&kind, rest)) = body.split_first() else {
        return Err(bad("a RESP reply"));
    };
    let text = || String::from_utf8_lossy(rest).into_owned();
    let number = || {
        std::str::from_utf8(rest)
            .ok()
            .and_then(|t| t.parse::<i64>().ok())
            .ok_or_else(|| bad("a number"))
    };
    Ok(match kind {
        b'+' => Reply::Simple(text()),
        b'-' => Reply::Error(text()),
        b':' => Reply::Integer(number()?),
        b'$' => {
            let n = number()?;
            if n < 0 {
                Reply::Bulk(None)
            } else {
                let n = usize::try_from(n).map_err(|_| bad("a length"))?;
                if n > MAX_REPLY {
                    return Err(bad("a reply too large"));
                }
                let mut data = vec![0; n + 2];
                r.read_exact(&mut data).await?;
                if !data.ends_with(b"\r\n") {
                    return Err(bad("a bulk string ending in CRLF"));
                }
                data.truncate(n);
                Reply::Bulk(Some(data))
            }
        }
        b'*' => {
            let n = number()?;
            if n > MAX_ITEMS || depth > 2 {
                return Err(bad("a reply this client never asks for"));
            }
            let mut items = Vec::new();
            for _ in 0..n.max(0) {
                items.push(Box::pin(read_nested(r, depth + 1)).await?);
            }
            Reply::Array(items)
        }
        _ => return Err(bad("a RESP reply")),
    })
}

async fn connect(address: &Address) -> std::io::Result<BufReader<TcpStream>> {
    let stream = tokio::time::timeout(
        Duration::from_secs(5),
        TcpStream::connect(&address.host_port),
    )
    .await
    .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
    stream.set_nodelay(true)?;
    let mut conn = BufReader::new(stream);
    if let Some(password) = &address.password {
        conn.get_mut()
            .write_all(&command(&[b"AUTH", password.as_bytes()]))
            .await?;
        if let Reply::Error(e) = read_reply(&mut conn).await? {
            return Err(std::io::Error::other(format!("AUTH: {e}")));
        }
    }
    Ok(conn)
}

/// The pause before the `n`th attempt to connect again: 0.2 s doubling to 5 s.
fn pause(n: u32) -> Duration {
    Duration::from_millis((200u64 << n.min(5)).min(5_000))
}

async fn publisher(address: Address, mut queue: mpsc::Receiver<Note>, hub: Weak<Hub>) {
    let mut failures = 0u32;
    let mut conn = None;
    // While Redis is away, notes are delivered here at once; a connection is tried again only
    // after a pause (not once per note).
    let mut next_try = tokio::time::Instant::now();
    while let Some(note) = queue.recv().await {
        let Ok(payload) = serde_json::to_vec(&note) else {
            continue;
        };
        if conn.is_none() && tokio::time::Instant::now() >= next_try {
            match connect(&address).await {
                Ok(c) => {
                    failures = 0;
                    conn = Some(c);
                }
                Err(e) => {
                    failures += 1;
                    next_try = tokio::time::Instant::now() + pause(failures);
                    if failures == 1 {
                        eprintln!("threadline-server: redis {}: {e}", address.host_port);
                    }
                }
            }
        }
        let heard = match conn.as_mut() {
            Some(c) => publish_one(c, &address.channel, &payload).await,
            None => Err(std::io::ErrorKind::NotConnected.into()),
        };
        match heard {
            // At least this instance's subscription took it.
            Ok(receivers) if receivers > 0 => {}
            outcome => {
                if outcome.is_err() {
                    conn = None;
                }
                // Redis is away, or this instance is not subscribed just now: its own
                // streams at least hear of it.
                match hub.upgrade() {
                    Some(hub) => Live(hub).receive(note),
                    None => break,
                }
            }
        }
    }
}

/// Publishes `payload`; answers how many subscribers received it.
async fn publish_one(
    conn: &mut BufReader<TcpStream>,
    channel: &str,
    payload: &[u8],
) -> std::io::Result<i64> {
    conn.get_mut()
        .write_all(&command(&[b"PUBLISH", channel.as_bytes(), payload]))
        .await?;
    match tokio::time::timeout(Duration::from_secs(5), read_reply(conn)).await {
        Ok(Ok(Reply::Integer(n))) => Ok(n),
        Ok(Ok(other)) => Err(std::io::Error::other(format!("PUBLISH: {other:?}"))),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(std::io::ErrorKind::TimedOut.into()),
    }
}

async fn subscriber(address: Address, hub: Weak<Hub>) {
    let mut failures = 0u32;
    loop {
        if hub.strong_count() == 0 {
            return;
        }
        match subscribed(&address, &hub, &mut failures).await {
            Ok(()) => return,
            Err(e) => {
                failures += 1;
                if failures == 1 {
                    eprintln!(
                        "threadline-server: redis {} (subscription): {e}",
                        address.host_port
                    );
                }
                tokio::time::sleep(pause(failures)).await;
            }
        }
    }
}

/// How often a quiet subscription is pinged, and how long it may stay silent before it is
/// taken for dead (a half-open connection would otherwise leave this instance deaf).
const PING_EVERY: Duration = Duration::from_secs(30);
const SILENT_FOR: Duration = Duration::from_secs(75);

/// Reads the channel until the connection fails (`Err`) or the hub is gone (`Ok`).
async fn subscribed(address: &Address, hub: &Weak<Hub>, failures: &mut u32) -> std::io::Result<()> {
    let mut conn = connect(address).await?;
    conn.get_mut()
        .write_all(&command(&[b"SUBSCRIBE", address.channel.as_bytes()]))
        .await?;
    let mut heard = tokio::time::Instant::now();
    loop {
        let reply = tokio::select! {
            reply = read_reply(&mut conn) => reply?,
            () = tokio::time::sleep(PING_EVERY) => {
                if heard.elapsed() > SILENT_FOR {
                    return Err(std::io::ErrorKind::TimedOut.into());
                }
                conn.get_mut().write_all(&command(&[b"PING"])).await?;
                continue;
            }
        };
        heard = tokio::time::Instant::now();
        let Reply::Array(items) = reply else {
            continue;
        };
        let Some(hub) = hub.upgrade() else {
            return Ok(());
        };
        match items.as_slice() {
            [Reply::Bulk(Some(kind)), _, Reply::Integer(_)] if kind == b"subscribe" => {
                if *failures > 0 {
                    eprintln!("threadline-server: redis {}: back", address.host_port);
                    // What was published meanwhile never came: every stream reads again.
                    Live(hub).reset_all();
                }
                *failures = 0;
            }
            [Reply::Bulk(Some(kind)), _, Reply::Bulk(Some(payload))] if kind == b"message" => {
                if let Ok(note) = serde_json::from_slice::<Note>(payload) {
                    Live(hub).receive(note);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_redis_urls() {
        assert_eq!(
            address("redis://127.0.0.1:6380", "demo").unwrap(),
            Address {
                host_port: "127.0.0.1:6380".into(),
                password: None,
                channel: "threadline:live:demo".into(),
            }
        );
        let with_password = address("redis://:s3cr%40t@cache", "g1").unwrap();
        assert_eq!(with_password.password.as_deref(), Some("s3cr@t"));
        assert_eq!(with_password.host_port, "cache:6379");
        assert!(address("http://cache", "demo").is_err());
        assert!(address("cache:6379", "demo").is_err());
    }

    #[test]
    fn commands_are_resp_arrays_of_bulk_strings() {
        assert_eq!(
            command(&[b"PUBLISH", b"c", b"{}"]),
            b"*3\r\n$7\r\nPUBLISH\r\n$1\r\nc\r\n$2\r\n{}\r\n"
        );
    }

    #[tokio::test]
    async fn replies_are_read_as_redis_sends_them() {
        let mut input: &[u8] =
            b"*3\r\n$7\r\nmessage\r\n$15\r\nthreadline:live\r\n$2\r\n{}\r\n:1\r\n-ERR no\r\n";
        let mut r = BufReader::new(&mut input);
        assert_eq!(
            read_reply(&mut r).await.unwrap(),
            Reply::Array(vec![
                Reply::Bulk(Some(b"message".to_vec())),
                Reply::Bulk(Some(CHANNEL.as_bytes().to_vec())),
                Reply::Bulk(Some(b"{}".to_vec())),
            ])
        );
        assert_eq!(read_reply(&mut r).await.unwrap(), Reply::Integer(1));
        assert_eq!(
            read_reply(&mut r).await.unwrap(),
            Reply::Error("ERR no".into())
        );
        assert!(read_reply(&mut r).await.is_err());
    }

    #[tokio::test]
    async fn junk_is_an_error_never_a_panic() {
        for junk in [
            "\u{e9}x\r\n".as_bytes(),
            b"HTTP/1.1 400 Bad Request\r\n",
            b"*99\r\n",
            b"$3\r\nabcXY",
            b":12",
            b"*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n",
        ] {
            let mut input = junk;
            let mut r = BufReader::new(&mut input);
            assert!(read_reply(&mut r).await.is_err(), "{junk:?}");
        }
    }
}
