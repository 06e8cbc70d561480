//! The HTTP/1.1 client of the HTTP and HTTP_PROXY integrations.
//!
//! Plain `http://` backends are called over keep-alive connections this module pools and drives
//! itself: the task serving the gateway request writes the request and reads the response on
//! the connection it checked out, so a call costs a write and a read or two, with no connection
//! task, channel or wake-up in between (on the gateway's one thread, those hops and reqwest's
//! layers cost more than the proxying itself). `https://` backends (and URIs with user info) go
//! through reqwest and rustls, where the TLS work dominates anyway.

use std::collections::HashMap;
use std::io;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::uri::Authority;
use http::{Method, Uri};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Idle connections kept per backend (`host:port`); more are closed when they come back.
const MAX_IDLE_PER_BACKEND: usize = 256;
/// An idle connection older than this is closed rather than reused (backends drop idle
/// keep-alive connections after a while; reusing one as it closes would fail the request).
const IDLE_FOR: Duration = Duration::from_secs(30);
/// Bodies up to this size go out in the same write as the head.
const COALESCE_BODY: usize = 16 * 1024;
/// A response head larger than this is refused.
const MAX_HEAD: usize = 64 * 1024;
/// Read buffer growth step.
const READ_CHUNK: usize = 8 * 1024;
/// Free room a read wants when the size of what comes is unknown.
const READ_MIN: usize = 2 * 1024;
/// The largest response body accepted (API Gateway's 10 MB payload limit); a larger one fails
/// the call (500) instead of growing the gateway's memory.
const MAX_BODY: usize = 10 * 1024 * 1024;
/// Response bodies up to this size are copied out of the connection's read buffer (which is
/// then reused); larger ones are split off it without a copy.
const COPY_BODY: usize = 4 * 1024;

/// The backend request, ready to send.
#[derive(Debug, Clone)]
pub struct Outbound {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    /// Bytes, not text: an HTTP_PROXY passes binary bodies through unchanged.
    pub body: Bytes,
}

/// What the backend answered.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why a call produced no response.
#[derive(Debug)]
pub enum Failure {
    /// The deadline passed first.
    Timeout,
    /// The backend could not be reached or did not speak HTTP.
    Failed(String),
}

/// The integrations' client: the connection pool of plain HTTP backends, and reqwest for TLS.
#[derive(Default)]
pub struct Upstream {
    /// Idle connections by authority (`host:port` as the URI spells it), most recent last.
    idle: Mutex<HashMap<String, Vec<Idle>, foldhash::fast::RandomState>>,
    /// Made on first use (loading the root certificates is not free).
    tls: OnceLock<reqwest::Client>,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let idle: usize = self
            .idle
            .lock()
            .map(|m| m.values().map(Vec::len).sum())
            .unwrap_or(0);
        f.debug_struct("Upstream")
            .field("idle_connections", &idle)
            .finish_non_exhaustive()
    }
}

struct Idle {
    conn: Conn,
    since: Instant,
}

/// One connection to a backend and what has been read from it but not used yet.
struct Conn {
    stream: TcpStream,
    buf: BytesMut,
}

/// A failed exchange; `before_response` when no byte of a response came back (on a reused
/// connection, the backend had closed it: an idempotent request may go again).
struct ExchangeError {
    message: String,
    before_response: bool,
}

impl Upstream {
    /// Sends `out` and reads the whole response within `timeout`.
    pub async fn send(&self, out: &Outbound, timeout: Duration) -> Result<Inbound, Failure> {
        // One clock read serves the deadline and the pool's idle times.
        let now = Instant::now();
        let deadline = tokio::time::Instant::from_std(now + timeout);
        match tokio::time::timeout_at(deadline, self.call(out, now)).await {
            Ok(result) => result.map_err(Failure::Failed),
            Err(_) => Err(Failure::Timeout),
        }
    }

    /// Idle pooled connections (all backends).
    pub fn idle_connections(&self) -> usize {
        self.idle
            .lock()
            .map(|m| m.values().map(Vec::len).sum())
            .unwrap_or(0)
    }

    async fn call(&self, out: &Outbound, now: Instant) -> Result<Inbound, String> {
        let authority = out
            .uri
            .authority()
            .ok_or_else(|| format!("the integration URI {} has no host", out.uri))?;
        match out.uri.scheme_str() {
            Some("http") if !authority.as_str().contains('@') => {
                self.call_plain(out, authority, now).await
            }
            Some("http" | "https") => self.call_reqwest(out).await,
            _ => Err(format!(
                "the integration URI {} is neither http nor https",
                out.uri
            )),
        }
    }

    /// `now`: when the call started (idle connections are dated with it, a little early).
    async fn call_plain(
        &self,
        out: &Outbound,
        authority: &Authority,
        now: Instant,
    ) -> Result<Inbound, String> {
        let key = authority.as_str();
        let head = encode_request(out, key);
        let expect_body = out.method != Method::HEAD;
        // As nginx: only an idempotent request is sent again after a reused connection failed.
        let may_retry = matches!(
            out.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        );
        loop {
            let (mut conn, reused) = match self.checkout(key, now) {
                Some(conn) => (conn, true),
                None => (connect(authority).await?, false),
            };
            match conn.exchange(&head, out, expect_body).await {
                Ok((inbound, reusable)) => {
                    if reusable {
                        self.checkin(key, conn, now);
                    }
                    return Ok(inbound);
                }
                Err(e) if reused && may_retry && e.before_response => {
                    tracing::debug!(
                        "reused connection to {key} failed ({}); retrying",
                        e.message
                    );
                }
                Err(e) => return Err(format!("{}: {}", out.uri, e.message)),
            }
        }
    }

    async fn call_reqwest(&self, out: &Outbound) -> Result<Inbound, String> {
        let client = self.tls.get_or_init(reqwest::Client::new);
        let mut rb = client
            .request(out.method.clone(), out.uri.to_string())
            .headers(out.headers.clone());
        if !out.body.is_empty() {
            rb = rb.body(out.body.clone());
        }
        let failed = |e: reqwest::Error| format!("{}: {e}", out.uri);
        let mut resp = rb.send().await.map_err(failed)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let mut body = BytesMut::new();
        while let Some(chunk) = resp.chunk().await.map_err(failed)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(format!(
                    "{}: the response body is larger than {MAX_BODY} bytes",
                    out.uri
                ));
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        Ok(Inbound {
            status,
            headers,
            body,
        })
    }

    /// The most recently used live idle connection to `key`, if any.
    fn checkout(&self, key: &str, now: Instant) -> Option<Conn> {
        let mut idle = self.idle.lock().ok()?;
        let list = idle.get_mut(key)?;
        while let Some(entry) = list.pop() {
            if now.saturating_duration_since(entry.since) > IDLE_FOR {
                // The rest are older still.
                list.clear();
                return None;
            }
            if !entry.conn.closed() {
                return Some(entry.conn);
            }
        }
        None
    }

    fn checkin(&self, key: &str, conn: Conn, now: Instant) {
        let Ok(mut idle) = self.idle.lock() else {
            return;
        };
        if !idle.contains_key(key) {
            idle.insert(key.to_owned(), Vec::new());
        }
        let Some(list) = idle.get_mut(key) else {
            return;
        };
        let stale = list
            .iter()
            .take_while(|e| now.saturating_duration_since(e.since) > IDLE_FOR)
            .count();
        if stale > 0 {
            list.drain(..stale);
        }
        if list.len() < MAX_IDLE_PER_BACKEND {
            list.push(Idle { conn, since: now });
        }
    }
}

async fn connect(authority: &Authority) -> Result<Conn, String> {
    let host = authority.host();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let port = authority.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((host, port))
        .await
        .map_err(|e| format!("cannot connect to {authority}: {e}"))?;
    // Requests are written whole: nothing to gain from Nagle, a delayed ACK to lose.
    let _ = stream.set_nodelay(true);
    Ok(Conn {
        stream,
        buf: BytesMut::with_capacity(READ_CHUNK),
    })
}

/// The request head (and a small body) as it goes on the wire. Header names and values, the
/// method and the URI are validated types: none can carry a CR or LF.
fn encode_request(out: &Outbound, authority: &str) -> Vec<u8> {
    let target = out.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let small_body = out.body.len() <= COALESCE_BODY;
    let mut head = Vec::with_capacity(
        128 + target.len() + out.headers.len() * 48 + if small_body { out.body.len() } else { 0 },
    );
    head.extend_from_slice(out.method.as_str().as_bytes());
    head.push(b' ');
    if !target.starts_with('/') {
        head.push(b'/');
    }
    head.extend_from_slice(target.as_bytes());
    head.extend_from_slice(b" HTTP/1.1\r\n");
    if !out.headers.contains_key(header::HOST) {
        head.extend_from_slice(b"host: ");
        head.extend_from_slice(authority.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    for (name, value) in &out.headers {
        // The framing is this client's to decide.
        if name == header::CONTENT_LENGTH || name == header::TRANSFER_ENCODING {
            continue;
        }
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    if !out.headers.contains_key(header::ACCEPT) {
        // What reqwest sent, for backends that look.
        head.extend_from_slice(b"accept: */*\r\n");
    }
    let bodiless = matches!(
        out.method,
        Method::GET | Method::HEAD | Method::DELETE | Method::OPTIONS | Method::TRACE
    );
    if !out.body.is_empty() || !bodiless {
        head.extend_from_slice(b"content-length: ");
        head.extend_from_slice(out.body.len().to_string().as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    if small_body {
        head.extend_from_slice(&out.body);
    }
    head
}

/// How the response body is delimited.
enum Framing {
    Empty,
    Length(usize),
    Chunked,
    /// Until the backend closes the connection.
    Close,
}

/// A parsed response head.
struct Head {
    status: u16,
    headers: HeaderMap,
    /// Bytes of the head, blank line included.
    len: usize,
    framing: Framing,
    /// The connection may serve another request afterwards.
    keep_alive: bool,
}

/// Parses a response head at the start of `buf`; `None` when more bytes are needed.
fn parse_head(buf: &[u8], expect_body: bool) -> Result<Option<Head>, String> {
    let mut slots = [httparse::EMPTY_HEADER; 64];
    match parse_head_in(buf, expect_body, &mut slots) {
        Err(HeadError::TooManyHeaders) => {
            let mut slots = vec![httparse::EMPTY_HEADER; 1024];
            parse_head_in(buf, expect_body, &mut slots).map_err(HeadError::into_message)
        }
        other => other.map_err(HeadError::into_message),
    }
}

enum HeadError {
    TooManyHeaders,
    Invalid(String),
}

impl HeadError {
    fn into_message(self) -> String {
        match self {
            HeadError::TooManyHeaders => "the response has too many headers".to_owned(),
            HeadError::Invalid(m) => m,
        }
    }
}

fn parse_head_in<'b>(
    buf: &'b [u8],
    expect_body: bool,
    slots: &mut [httparse::Header<'b>],
) -> Result<Option<Head>, HeadError> {
    let mut resp = httparse::Response::new(slots);
    let len = match resp.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(HeadError::TooManyHeaders),
        Err(e) => return Err(HeadError::Invalid(format!("invalid response: {e}"))),
    };
    let status = resp.code.unwrap_or(0);
    let http11 = resp.version == Some(1);
    let mut headers = HeaderMap::with_capacity(resp.headers.len());
    let mut content_length: Option<usize> = None;
    let mut chunked = false;
    let mut other_coding = false;
    let mut close = false;
    let mut keep_alive_token = false;
    for h in resp.headers.iter() {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(h.name.as_bytes()),
            HeaderValue::from_bytes(h.value),
        ) else {
            continue;
        };
        if name == header::CONTENT_LENGTH {
            let n = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .ok_or_else(|| HeadError::Invalid("invalid content-length".to_owned()))?;
            if content_length.is_some_and(|c| c != n) {
                return Err(HeadError::Invalid(
                    "conflicting content-length headers".to_owned(),
                ));
            }
            content_length = Some(n);
        } else if name == header::TRANSFER_ENCODING {
            // Chunked must be the last coding; anything else is delimited by the close.
            let last = h.value.rsplit(|b| *b == b',').next().unwrap_or_default();
            chunked = last.trim_ascii().eq_ignore_ascii_case(b"chunked");
            other_coding = !chunked;
        } else if name == header::CONNECTION {
            for token in h.value.split(|b| *b == b',') {
                let token = token.trim_ascii();
                close |= token.eq_ignore_ascii_case(b"close");
                keep_alive_token |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        }
        headers.append(name, value);
    }
    let framing = if !expect_body || (100..200).contains(&status) || status == 204 || status == 304
    {
        Framing::Empty
    } else if chunked {
        // With a content-length as well, the message is suspect: no reuse.
        close |= content_length.is_some();
        Framing::Chunked
    } else if other_coding {
        Framing::Close
    } else if let Some(n) = content_length {
        Framing::Length(n)
    } else {
        Framing::Close
    };
    let keep_alive = !close && (http11 || keep_alive_token) && !matches!(framing, Framing::Close);
    Ok(Some(Head {
        status,
        headers,
        len,
        framing,
        keep_alive,
    }))
}

impl Conn {
    /// Whether the backend closed the idle connection (or sent something unasked).
    fn closed(&self) -> bool {
        let mut probe = [0u8; 1];
        !matches!(self.stream.try_read(&mut probe), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
    }

    /// Reads more bytes into the buffer; 0 at the end of the stream.
    async fn read_more(&mut self, at_least: usize) -> io::Result<usize> {
        // Room for what is expected (a known body length at once, up to 16 MB).
        let want = at_least.clamp(READ_MIN, 16 << 20);
        if self.buf.capacity() - self.buf.len() < want {
            self.buf.reserve(want.max(READ_CHUNK));
        }
        self.stream.read_buf(&mut self.buf).await
    }

    /// Writes the request and reads the response; says whether the connection can be reused.
    async fn exchange(
        &mut self,
        head: &[u8],
        out: &Outbound,
        expect_body: bool,
    ) -> Result<(Inbound, bool), ExchangeError> {
        let early = |e: io::Error| ExchangeError {
            message: format!("sending the request failed: {e}"),
            before_response: true,
        };
        self.stream.write_all(head).await.map_err(early)?;
        if out.body.len() > COALESCE_BODY {
            self.stream.write_all(&out.body).await.map_err(early)?;
        }
        let mut received = false;
        let head = loop {
            if !self.buf.is_empty() {
                match parse_head(&self.buf, expect_body) {
                    Err(message) => {
                        return Err(ExchangeError {
                            message,
                            before_response: false,
                        });
                    }
                    Ok(Some(head)) if (100..200).contains(&head.status) => {
                        if head.status == 101 {
                            return Err(ExchangeError {
                                message: "the backend switched protocols".to_owned(),
                                before_response: false,
                            });
                        }
                        // 100 Continue, 103 Early Hints: the response proper follows.
                        self.buf.advance(head.len);
                        continue;
                    }
                    Ok(Some(head)) => break head,
                    Ok(None) if self.buf.len() > MAX_HEAD => {
                        return Err(ExchangeError {
                            message: "the response head is too large".to_owned(),
                            before_response: false,
                        });
                    }
                    Ok(None) => {}
                }
            }
            match self.read_more(READ_MIN).await {
                Ok(0) => {
                    return Err(ExchangeError {
                        message: "the backend closed the connection without a response".to_owned(),
                        before_response: !received,
                    });
                }
                Ok(_) => received = true,
                Err(e) => {
                    return Err(ExchangeError {
                        message: format!("reading the response failed: {e}"),
                        before_response: !received,
                    });
                }
            }
        };
        self.buf.advance(head.len);
        let body = self
            .read_body(&head.framing)
            .await
            .map_err(|message| ExchangeError {
                message,
                before_response: false,
            })?;
        // Bytes beyond the response are a protocol error: do not reuse.
        let reusable = head.keep_alive && self.buf.is_empty();
        Ok((
            Inbound {
                status: head.status,
                headers: head.headers,
                body,
            },
            reusable,
        ))
    }

    async fn read_body(&mut self, framing: &Framing) -> Result<Bytes, String> {
        let truncated = |e: Option<io::Error>| match e {
            Some(e) => format!("reading the response body failed: {e}"),
            None => "the backend closed the connection in the middle of the body".to_owned(),
        };
        let too_large = || format!("the response body is larger than {MAX_BODY} bytes");
        match *framing {
            Framing::Empty => Ok(Bytes::new()),
            Framing::Length(n) if n > MAX_BODY => Err(too_large()),
            Framing::Length(n) => {
                while self.buf.len() < n {
                    match self.read_more(n - self.buf.len()).await {
                        Ok(0) => return Err(truncated(None)),
                        Ok(_) => {}
                        Err(e) => return Err(truncated(Some(e))),
                    }
                }
                Ok(if n <= COPY_BODY {
                    let body = Bytes::copy_from_slice(&self.buf[..n]);
                    self.buf.advance(n);
                    body
                } else {
                    self.buf.split_to(n).freeze()
                })
            }
            Framing::Close => {
                loop {
                    match self.read_more(READ_MIN).await {
                        Ok(0) => break,
                        Ok(_) if self.buf.len() > MAX_BODY => return Err(too_large()),
                        Ok(_) => {}
                        Err(e) => return Err(truncated(Some(e))),
                    }
                }
                Ok(self.buf.split().freeze())
            }
            Framing::Chunked => {
                let mut body = BytesMut::new();
                loop {
                    match httparse::parse_chunk_size(&self.buf) {
                        Ok(httparse::Status::Complete((at, size))) => {
                            let size = usize::try_from(size)
                                .map_err(|_| "a chunk is too large".to_owned())?;
                            if body.len().saturating_add(size) > MAX_BODY {
                                return Err(too_large());
                            }
                            if size == 0 {
                                self.buf.advance(at);
                                return self.skip_trailers().await.map(|()| body.freeze());
                            }
                            let end = at
                                .checked_add(size)
                                .and_then(|e| e.checked_add(2))
                                .ok_or_else(|| "a chunk is too large".to_owned())?;
                            while self.buf.len() < end {
                                match self.read_more(end - self.buf.len()).await {
                                    Ok(0) => return Err(truncated(None)),
                                    Ok(_) => {}
                                    Err(e) => return Err(truncated(Some(e))),
                                }
                            }
                            if &self.buf[at + size..end] != b"\r\n" {
                                return Err("invalid chunked encoding".to_owned());
                            }
                            body.extend_from_slice(&self.buf[at..at + size]);
                            self.buf.advance(end);
                        }
                        Ok(httparse::Status::Partial) => match self.read_more(READ_MIN).await {
                            Ok(0) => return Err(truncated(None)),
                            Ok(_) => {}
                            Err(e) => return Err(truncated(Some(e))),
                        },
                        Err(_) => return Err("invalid chunk size".to_owned()),
                    }
                }
            }
        }
    }

    /// Skips the trailer section after the last chunk, up to and including the blank line.
    async fn skip_trailers(&mut self) -> Result<(), String> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                self.buf.advance(i + 2);
                if i == 0 {
                    return Ok(());
                }
                continue;
            }
            if self.buf.len() > MAX_HEAD {
                return Err("the response trailers are too large".to_owned());
            }
            match self.read_more(READ_MIN).await {
                Ok(0) => return Err("the backend closed the connection in the trailers".to_owned()),
                Ok(_) => {}
                Err(e) => return Err(format!("reading the response trailers failed: {e}")),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn head(raw: &str) -> Head {
        parse_head(raw.as_bytes(), true).unwrap().unwrap()
    }

    #[test]
    fn framing_follows_rfc_9112() {
        let h = head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        assert!(matches!(h.framing, Framing::Length(5)) && h.keep_alive);
        let h = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
        assert!(matches!(h.framing, Framing::Chunked) && h.keep_alive);
        let h = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n");
        assert!(matches!(h.framing, Framing::Chunked) && !h.keep_alive);
        let h = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
        assert!(matches!(h.framing, Framing::Close) && !h.keep_alive);
        let h = head("HTTP/1.1 200 OK\r\n\r\n");
        assert!(matches!(h.framing, Framing::Close) && !h.keep_alive);
        let h = head("HTTP/1.1 204 No Content\r\n\r\n");
        assert!(matches!(h.framing, Framing::Empty) && h.keep_alive);
        let h = head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n");
        assert!(!h.keep_alive);
        let h = head("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n");
        assert!(!h.keep_alive);
        let h = head("HTTP/1.0 200 OK\r\nContent-Length: 5\r\nConnection: Keep-Alive\r\n\r\n");
        assert!(h.keep_alive);
        assert!(
            parse_head(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                true
            )
            .is_err()
        );
        assert!(
            parse_head(b"HTTP/1.1 200 OK\r\nContent-Le", true)
                .unwrap()
                .is_none()
        );
        let h = parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false)
            .unwrap()
            .unwrap();
        assert!(matches!(h.framing, Framing::Empty));
    }

    #[test]
    fn many_headers_parse() {
        let mut raw = String::from("HTTP/1.1 200 OK\r\n");
        for i in 0..200 {
            raw.push_str(&format!("x-h{i}: {i}\r\n"));
        }
        raw.push_str("content-length: 0\r\n\r\n");
        assert_eq!(head(&raw).headers.len(), 201);
    }

    #[test]
    fn request_encoding() {
        let mut headers = HeaderMap::new();
        headers.append("x-multi", HeaderValue::from_static("a"));
        headers.append("x-multi", HeaderValue::from_static("b"));
        headers.insert("content-length", HeaderValue::from_static("99"));
        let out = Outbound {
            method: Method::POST,
            uri: Uri::from_static("http://127.0.0.1:8080/a/b?c=d"),
            headers,
            body: Bytes::from_static(b"hi"),
        };
        let wire = encode_request(&out, "127.0.0.1:8080");
        assert_eq!(
            String::from_utf8(wire).unwrap(),
            "POST /a/b?c=d HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nx-multi: a\r\nx-multi: b\r\naccept: */*\r\ncontent-length: 2\r\n\r\nhi"
        );
    }
}
