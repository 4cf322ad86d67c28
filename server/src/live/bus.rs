//! `--redis redis://[:password@]host[:port]`: the hub's notes go out through Redis pub/sub on
//! one channel ([`CHANNEL`]) and come back to every instance subscribed to it, this one
//! included, which delivers them to its own streams. Two connections, each remade after a
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

/// The channel every instance shares.
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
}

fn address(url: &str) -> Result<Address, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("--redis {url:?}: {e}"))?;
    if parsed.scheme() != "redis" {
        return Err(format!("--redis {url:?}: redis://host[:port] expected"));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("--redis {url:?}: no host"))?;
    Ok(Address {
        host_port: format!("{host}:{}", parsed.port().unwrap_or(6379)),
        password: parsed.password().map(str::to_owned),
    })
}

/// The publishing side.
pub struct Bus {
    address: Address,
    queue: mpsc::Sender<Note>,
    waiting: std::sync::Mutex<Option<mpsc::Receiver<Note>>>,
}

impl Bus {
    pub(super) fn new(url: &str) -> Result<Bus, String> {
        let (queue, rx) = mpsc::channel(QUEUE);
        Ok(Bus {
            address: address(url)?,
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

async fn read_reply<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Reply> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut line = Vec::new();
    r.read_until(b'\n', &mut line).await?;
    if line.is_empty() {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let text = String::from_utf8_lossy(&line);
    let text = text.trim_end_matches(['\r', '\n']);
    let (kind, rest) = text.split_at(text.len().min(1));
    let number = || rest.parse::<i64>().map_err(|_| bad("a number"));
    Ok(match kind {
        "+" => Reply::Simple(rest.to_owned()),
        "-" => Reply::Error(rest.to_owned()),
        ":" => Reply::Integer(number()?),
        "$" => {
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
                data.truncate(n);
                Reply::Bulk(Some(data))
            }
        }
        "*" => {
            let n = number()?;
            let mut items = Vec::new();
            for _ in 0..n.clamp(0, 16) {
                items.push(Box::pin(read_reply(r)).await?);
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
    let mut failures = 0;
    let mut conn = None;
    while let Some(note) = queue.recv().await {
        let payload = match serde_json::to_vec(&note) {
            Ok(p) => p,
            Err(_) => continue,
        };
        if conn.is_none() {
            match connect(&address).await {
                Ok(c) => {
                    failures = 0;
                    conn = Some(c);
                }
                Err(e) => {
                    failures += 1;
                    if failures == 1 {
                        eprintln!("threadline-server: redis {}: {e}", address.host_port);
                    }
                }
            }
        }
        let sent = match conn.as_mut() {
            Some(c) => publish_one(c, &payload).await,
            None => Err(std::io::ErrorKind::NotConnected.into()),
        };
        if sent.is_err() {
            conn = None;
            // Redis is away: this instance's streams at least hear of it.
            match hub.upgrade() {
                Some(hub) => Live(hub).receive(note),
                None => break,
            }
            if failures > 0 {
                tokio::time::sleep(pause(failures)).await;
            }
        }
    }
}

async fn publish_one(conn: &mut BufReader<TcpStream>, payload: &[u8]) -> std::io::Result<()> {
    conn.get_mut()
        .write_all(&command(&[b"PUBLISH", CHANNEL.as_bytes(), payload]))
        .await?;
    match tokio::time::timeout(Duration::from_secs(5), read_reply(conn)).await {
        Ok(Ok(Reply::Integer(_))) => Ok(()),
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

/// Reads the channel until the connection fails (`Err`) or the hub is gone (`Ok`).
async fn subscribed(address: &Address, hub: &Weak<Hub>, failures: &mut u32) -> std::io::Result<()> {
    let mut conn = connect(address).await?;
    conn.get_mut()
        .write_all(&command(&[b"SUBSCRIBE", CHANNEL.as_bytes()]))
        .await?;
    loop {
        let reply = read_reply(&mut conn).await?;
        let Reply::Array(items) = reply else {
            continue;
        };
        match items.as_slice() {
            [Reply::Bulk(Some(kind)), _, Reply::Integer(_)] if kind == b"subscribe" => {
                if *failures > 0 {
                    eprintln!("threadline-server: redis {}: back", address.host_port);
                }
                *failures = 0;
            }
            [Reply::Bulk(Some(kind)), _, Reply::Bulk(Some(payload))] if kind == b"message" => {
                let Some(hub) = hub.upgrade() else {
                    return Ok(());
                };
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
            address("redis://127.0.0.1:6380").unwrap(),
            Address {
                host_port: "127.0.0.1:6380".into(),
                password: None
            }
        );
        assert_eq!(
            address("redis://:s3cret@cache")
                .unwrap()
                .password
                .as_deref(),
            Some("s3cret")
        );
        assert!(address("http://cache").is_err());
        assert!(address("cache:6379").is_err());
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
}
