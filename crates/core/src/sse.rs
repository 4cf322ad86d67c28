//! Reading a Server-Sent Events stream (the HTML standard's event-stream interpretation), for
//! the app's ticket events and the tools that hold streams open.

/// One dispatched Server-Sent Events message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The last event id so far (the spec keeps it across messages that set none).
    pub id: Option<String>,
    pub data: String,
}

/// Reads a Server-Sent Events stream from chunks cut anywhere (mid-line, mid-character),
/// as the HTML standard's event-stream interpretation does: lines end in CR, LF or CRLF, a
/// blank line dispatches, `data` lines join with LF, `id` without NUL sets the last id,
/// comments and other fields are skipped.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended in CR: an LF opening this one belongs to it.
    after_cr: bool,
    data: Option<String>,
    last_id: Option<String>,
    /// The line being read is longer than [`MAX_LINE`]: it is dropped whole.
    overlong: bool,
}

/// Lines longer than this are dropped (a broken or hostile stream); so is a message whose
/// data grows past it.
const MAX_LINE: usize = 1 << 20;

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// The last event id read, to send back as `Last-Event-ID` when reconnecting.
    pub fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// Reads `chunk`; returns the messages it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Frame> {
        let mut frames = Vec::new();
        for &byte in chunk {
            let after_cr = std::mem::replace(&mut self.after_cr, false);
            match byte {
                b'\n' if after_cr => {}
                b'\r' | b'\n' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if std::mem::replace(&mut self.overlong, false) {
                        continue;
                    }
                    if let Some(frame) = self.line_done(&line) {
                        frames.push(frame);
                    }
                }
                _ if self.overlong => {}
                _ if self.line.len() >= MAX_LINE => {
                    self.overlong = true;
                    self.line.clear();
                }
                _ => self.line.push(byte),
            }
        }
        frames
    }

    fn line_done(&mut self, line: &[u8]) -> Option<Frame> {
        if line.is_empty() {
            let data = self.data.take()?;
            return Some(Frame {
                id: self.last_id.clone(),
                data,
            });
        }
        let line = String::from_utf8_lossy(line);
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "data" => match &mut self.data {
                Some(data) if data.len() + value.len() > MAX_LINE => self.data = None,
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_survive_any_cut_and_every_line_ending() {
        let stream = b": hi\r\nid: 1\r\ndata: {\"a\":1}\r\n\r\nid: 2\rdata: x\rdata: y\r\rdata: \xc3\xa9\n\n";
        let whole = SseParser::new().feed(stream);
        assert_eq!(
            whole,
            vec![
                Frame {
                    id: Some("1".into()),
                    data: "{\"a\":1}".into()
                },
                Frame {
                    id: Some("2".into()),
                    data: "x\ny".into()
                },
                Frame {
                    id: Some("2".into()),
                    data: "é".into()
                },
            ]
        );
        for cut in 0..stream.len() {
            let mut parser = SseParser::new();
            let mut frames = parser.feed(&stream[..cut]);
            frames.extend(parser.feed(&stream[cut..]));
            assert_eq!(frames, whole, "cut at {cut}");
        }
    }

    #[test]
    fn an_id_with_nul_is_ignored_and_comments_dispatch_nothing() {
        let mut parser = SseParser::new();
        assert!(parser.feed(b"id: 7\n: keep-alive\n\n").is_empty());
        assert_eq!(parser.last_id(), Some("7"));
        parser.feed(b"id: a\0b\ndata\n\n");
        assert_eq!(parser.last_id(), Some("7"));
    }

    #[test]
    fn an_overlong_line_is_dropped_whole() {
        let mut parser = SseParser::new();
        let long = format!("data: {}\n\ndata: ok\n\n", "x".repeat(MAX_LINE + 10));
        let frames = parser.feed(long.as_bytes());
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].data, "ok");
    }
}
