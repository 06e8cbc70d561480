//! What every listener (the gateway, and the console with `/cognito-idp` and `/apigateway`)
//! does to keep slow or idle clients from holding connections and memory: a cap on open
//! connections, deadlines on headers, bodies and idle keep-alive connections, and a budget of
//! request-body bytes held at once.
//!
//! * Connections: at most [`Limits::max_connections`] per listener are served at once; beyond
//!   that, new connections wait in the kernel's accept queue until one closes.
//! * Headers and idle connections: one timer per connection, with a period of the shorter of
//!   [`Limits::header_timeout`] and [`Limits::idle_timeout`], re-armed once per period rather
//!   than per request (keep-alive requests cost no timer). When it fires on a connection that
//!   is serving no request, and during the whole period no request began and no response byte
//!   was written, the connection is closed without an answer. So a connection that never
//!   sends a request, sends its headers a byte at a time, waits for its next request, or stops
//!   reading a response is closed within one to two periods. Bytes that arrive without
//!   completing a request do not count, so dribbled headers cannot keep a connection open.
//! * Bodies: a body still arriving is read in full within [`Limits::body_timeout`] of the
//!   request (like nginx's `client_body_timeout`, but for the whole body), or the request is
//!   answered 408 and the connection closed. A body that is complete when the request arrives
//!   (every GET, most small POSTs) costs no timer.
//! * Body bytes: bodies being read hold [`Limits::max_body_bytes_in_flight`] between all
//!   requests of the listener; a request whose body does not fit is answered 503 and the
//!   connection closed. A body without a length reserves the largest size it may have.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Request, Response};
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Incoming};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::{Instant, Sleep};

/// The limits of one listener (`GATEHOUSE_*` settings; see the README's configuration table).
#[derive(Debug, Clone)]
pub struct Limits {
    /// GATEHOUSE_HEADER_TIMEOUT_SECONDS (default 30).
    pub header_timeout: Duration,
    /// GATEHOUSE_BODY_TIMEOUT_SECONDS (default 60).
    pub body_timeout: Duration,
    /// GATEHOUSE_IDLE_TIMEOUT_SECONDS (default 60).
    pub idle_timeout: Duration,
    /// GATEHOUSE_MAX_CONNECTIONS (default 4096), per listener.
    pub max_connections: usize,
    /// GATEHOUSE_MAX_BODY_BYTES_IN_FLIGHT (default 256 MiB), per listener.
    pub max_body_bytes_in_flight: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(60),
            max_connections: 4096,
            max_body_bytes_in_flight: 256 * 1024 * 1024,
        }
    }
}

/// Why a request body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// Longer than the route's limit (413).
    TooLarge,
    /// Not all there within the body deadline (408, then close).
    TimedOut,
    /// The listener's body-byte budget is spent (503, then close).
    Busy,
    /// The client broke the body off or sent a malformed one.
    Broken,
}

/// The per-listener state requests share: the limits and the body-byte budget.
pub struct Guards {
    limits: Limits,
    body_bytes: Semaphore,
}

impl Guards {
    pub fn new(limits: Limits) -> Guards {
        let budget = limits.max_body_bytes_in_flight.min(Semaphore::MAX_PERMITS);
        Guards {
            limits,
            body_bytes: Semaphore::new(budget),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Reads `body` (at most `max` bytes) within the body deadline. The permit holds the
    /// body's share of the byte budget; keep it as long as the body is in memory for the
    /// request. An empty body returns at once and holds nothing.
    pub async fn read_body<B>(
        &self,
        body: B,
        max: usize,
    ) -> Result<(Bytes, Option<SemaphorePermit<'_>>), BodyError>
    where
        B: Body<Data = Bytes>,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        if body.is_end_stream() {
            return Ok((Bytes::new(), None));
        }
        // A declared length is reserved as declared; a body without one reserves the most it
        // may grow to.
        let reserve = match body.size_hint().exact() {
            Some(n) if n > max as u64 => return Err(BodyError::TooLarge),
            Some(n) => n as usize,
            None => max,
        };
        let permit = if reserve == 0 {
            None
        } else {
            let permits = u32::try_from(reserve).map_err(|_| BodyError::TooLarge)?;
            Some(
                self.body_bytes
                    .try_acquire_many(permits)
                    .map_err(|_| BodyError::Busy)?,
            )
        };
        let mut collect = pin!(Limited::new(body, max).collect());
        // Most bodies are already here: only one still arriving gets a timer.
        let polled = std::future::poll_fn(|cx| Poll::Ready(collect.as_mut().poll(cx))).await;
        let collected = match polled {
            Poll::Ready(collected) => collected,
            Poll::Pending => tokio::time::timeout(self.limits.body_timeout, collect)
                .await
                .map_err(|_| BodyError::TimedOut)?,
        };
        match collected {
            Ok(collected) => Ok((collected.to_bytes(), permit)),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
            Err(_) => Err(BodyError::Broken),
        }
    }
}

/// Accepts connections on `listener` until `shutdown` completes, serving each with `handler`
/// (HTTP/1.1) under `guards`' limits; then lets open requests finish. `label` names the
/// listener in logs.
pub async fn serve<H, Fut, B>(
    listener: &TcpListener,
    guards: &Guards,
    label: &'static str,
    shutdown: impl Future<Output = ()>,
    handler: H,
) where
    H: Fn(Request<Incoming>, SocketAddr) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response<B>> + Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let limits = guards.limits();
    let slots = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    // Header deadlines are the connection timer's (`Watched`): hyper's own would arm a timer
    // for every request.
    http.header_read_timeout(None);
    let period = limits.header_timeout.min(limits.idle_timeout);
    let mut shutdown = pin!(shutdown);
    loop {
        // A slot first, then the connection: beyond the cap, clients wait in the accept queue.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "{label}: accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let requests = Arc::new(Requests::default());
        let io = Watched::new(stream, period, Arc::clone(&requests));
        let handler = handler.clone();
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let serving = Serving::start(&requests);
            let handler = handler.clone();
            // The handler's future is built in place on first poll rather than built here and
            // moved in (it is a few KB).
            async move {
                let response = handler(request, peer).await;
                drop(serving);
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "{label}: connection ended with an error");
            }
            drop(slot);
        });
    }
    graceful.shutdown().await;
}

/// The requests of one connection: how many began and how many were answered (the handler
/// returned). Equal counts mean none is being served.
#[derive(Default)]
struct Requests {
    started: AtomicU64,
    finished: AtomicU64,
}

/// Counts a request as being served on its connection (so the connection timer leaves it
/// alone) until dropped.
struct Serving(Arc<Requests>);

impl Serving {
    fn start(requests: &Arc<Requests>) -> Serving {
        requests.started.fetch_add(1, Ordering::Relaxed);
        Serving(Arc::clone(requests))
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.0.finished.fetch_add(1, Ordering::Relaxed);
    }
}

/// A connection with its timer: reads fail with `TimedOut` once a whole period passed with
/// no request being served, none beginning and no response byte written.
struct Watched {
    stream: TcpStream,
    period: Duration,
    /// Fires at the end of the current period; then the period is judged and the timer
    /// re-armed if the connection did something useful in it.
    timer: Pin<Box<Sleep>>,
    requests: Arc<Requests>,
    /// Writes that moved bytes (wrapping), and their count when the period began.
    writes: u64,
    writes_at_arm: u64,
    /// Requests begun when the period began.
    started_at_arm: u64,
}

impl Watched {
    fn new(stream: TcpStream, period: Duration, requests: Arc<Requests>) -> Watched {
        Watched {
            stream,
            period,
            timer: Box::pin(tokio::time::sleep(period)),
            requests,
            writes: 0,
            writes_at_arm: 0,
            started_at_arm: 0,
        }
    }

    /// Whether a whole period passed without anything useful (polled while a read waits).
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        while self.timer.as_mut().poll(cx).is_ready() {
            // `finished` first: a request that starts in between then shows as being served.
            let finished = self.requests.finished.load(Ordering::Relaxed);
            let started = self.requests.started.load(Ordering::Relaxed);
            let serving = started != finished;
            if !serving && started == self.started_at_arm && self.writes == self.writes_at_arm {
                return true;
            }
            self.started_at_arm = started;
            self.writes_at_arm = self.writes;
            self.timer.as_mut().reset(Instant::now() + self.period);
        }
        false
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection closed: no request within the header or idle deadline",
            ))),
            polled => polled,
        }
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.writes = this.writes.wrapping_add(1);
        }
        written
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.writes = this.writes.wrapping_add(1);
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
