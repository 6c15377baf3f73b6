//! `anklepump serve`'s gate: everything between the network and the app.
//!
//! - **Token.** Every start makes a random 160-bit token (or takes
//!   `ANKLEPUMP_SERVE_TOKEN`); the URL printed on stdout carries it as
//!   `?token=`. A request without it — page or websocket — gets 401. The
//!   page opened with the token sets a cookie (HttpOnly, SameSite=Strict,
//!   named after the port) so the liveview socket and reloads carry it.
//! - **Host.** A `Host` that is not a loopback name, a loopback address or
//!   the bound address gets 403 (DNS rebinding); with `--lan` on an
//!   unspecified address (`0.0.0.0`) any IP literal is accepted and the
//!   token is the only way in.
//! - **Origin.** A request that carries an `Origin` other than the page's
//!   own (`http://` + its `Host`) gets 403: another web site cannot open
//!   the liveview socket.
//! - **Connections.** [`Capped`] accepts at most [`MAX_CONNECTIONS`] open
//!   connections; past that a connection is answered 503 and closed.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::launch::ServeError;

/// The environment variable that fixes the token (kiosks, tests).
pub const TOKEN_ENV: &str = "ANKLEPUMP_SERVE_TOKEN";

/// Open connections `serve` accepts at once (a tab holds one or two).
pub const MAX_CONNECTIONS: usize = 64;

/// Who may talk to `serve`: the token, and the names it answers to.
#[derive(Clone)]
pub struct Gate {
    token: Arc<str>,
    bound: SocketAddr,
    lan: bool,
}

/// A fixed token must be long and URL-safe, so it is not guessable and needs no escaping.
fn check_token(t: &str) -> Result<(), ServeError> {
    let safe = t.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if t.len() >= 16 && safe {
        Ok(())
    } else {
        Err(ServeError::BadToken)
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equal strings, compared in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Gate {
    /// Refuses a non-loopback `addr` without `lan`; the token comes from
    /// [`TOKEN_ENV`] when set, else it is drawn at random.
    pub fn new(addr: SocketAddr, lan: bool) -> Result<Gate, ServeError> {
        if !addr.ip().is_loopback() && !lan {
            return Err(ServeError::NotLoopback(addr));
        }
        let token = match std::env::var(TOKEN_ENV) {
            Ok(t) => {
                check_token(&t)?;
                t
            }
            Err(_) => random_token(),
        };
        Ok(Gate { token: token.into(), bound: addr, lan })
    }

    /// The gate for the address the listener really got (port 0 resolved).
    pub fn bound_to(mut self, local: SocketAddr) -> Gate {
        self.bound = local;
        self
    }

    /// The URL to open: the bound address (or, on `0.0.0.0`, this machine's
    /// address on the network) with the token.
    pub fn url(&self) -> String {
        let ip = match self.bound.ip() {
            ip if ip.is_unspecified() => lan_ip().unwrap_or(ip),
            ip => ip,
        };
        format!("http://{}/?token={}", SocketAddr::new(ip, self.bound.port()), self.token)
    }

    fn cookie_name(&self) -> String {
        format!("anklepump_token_{}", self.bound.port())
    }

    /// A `Host` header value this server answers to.
    fn host_allowed(&self, host: &str) -> bool {
        let name = match host.strip_prefix('[') {
            Some(rest) => rest.split_once(']').map_or("", |(h, _)| h),
            None => host.rsplit_once(':').map_or(host, |(h, _)| h),
        };
        if name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        match name.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || ip == self.bound.ip() || (self.lan && self.bound.ip().is_unspecified()),
            Err(_) => false,
        }
    }

    /// How the request carries the token: `Some(true)` in the query (the
    /// printed URL), `Some(false)` in the cookie, `None` not at all.
    fn token_in(&self, req: &Request) -> Option<bool> {
        let query = req.uri().query().unwrap_or("");
        if query
            .split('&')
            .filter_map(|kv| kv.strip_prefix("token="))
            .any(|t| same(t.as_bytes(), self.token.as_bytes()))
        {
            return Some(true);
        }
        let name = self.cookie_name();
        let cookies = req.headers().get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok());
        let mut pairs = cookies.flat_map(|c| c.split(';')).filter_map(|kv| kv.trim().split_once('='));
        pairs.any(|(k, v)| k == name && same(v.as_bytes(), self.token.as_bytes())).then_some(false)
    }
}

/// This machine's address on the network (the source address of a route
/// to a documentation address; no packet is sent).
fn lan_ip() -> Option<IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    s.local_addr().ok().map(|a| a.ip()).filter(|ip| !ip.is_unspecified())
}

/// Prints `url` as a QR code on stderr, for a tablet's camera.
pub fn print_qr(url: &str) {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let art = code.render::<qrcode::render::unicode::Dense1x2>().quiet_zone(true).build();
            eprintln!(
                "Scan this with the tablet's camera to open the app (it carries the token: keep it private):\n{art}"
            );
        }
        Err(e) => tracing::warn!("cannot draw the URL as a QR code: {e}"),
    }
}

fn refuse(status: StatusCode, why: &'static str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], why).into_response()
}

/// The middleware: Host, Origin and token checks, then the cookie.
pub async fn check(State(gate): State<Gate>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("").to_string();
    if !gate.host_allowed(&host) {
        return refuse(StatusCode::FORBIDDEN, "AnklePump answers only to the address it printed (Host refused)\n");
    }
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        if origin.as_bytes() != format!("http://{host}").as_bytes() {
            return refuse(StatusCode::FORBIDDEN, "AnklePump refuses requests from other web pages (Origin refused)\n");
        }
    }
    let Some(from_query) = gate.token_in(&req) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "open the URL `anklepump serve` printed: it carries the access token (?token=...)\n",
        );
    };
    let mut res = next.run(req).await;
    if from_query {
        let cookie = format!("{}={}; HttpOnly; SameSite=Strict; Path=/", gate.cookie_name(), gate.token);
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A TCP listener that holds at most `max` connections open; past that it
/// answers 503 and closes.
pub struct Capped {
    inner: TcpListener,
    permits: Arc<Semaphore>,
    max: usize,
}

impl Capped {
    pub fn new(inner: TcpListener, max: usize) -> Capped {
        Capped { inner, permits: Arc::new(Semaphore::new(max)), max }
    }
}

/// An accepted connection holding its place under the cap until it closes.
pub struct CappedStream {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl axum::serve::Listener for Capped {
    type Io = CappedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (CappedStream, SocketAddr) {
        loop {
            let (mut stream, addr) = axum::serve::Listener::accept(&mut self.inner).await;
            match self.permits.clone().try_acquire_owned() {
                Ok(permit) => return (CappedStream { stream, _permit: permit }, addr),
                Err(_) => {
                    tracing::warn!("refused a connection from {addr}: {} connections are open", self.max);
                    let body =
                        format!("AnklePump has {} connections open, its limit: close a tab and retry\n", self.max);
                    let reply = format!(
                        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    tokio::spawn(async move {
                        let _ = stream.write_all(reply.as_bytes()).await;
                        let _ = stream.shutdown().await;
                    });
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl AsyncRead for CappedStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for CappedStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(addr: &str, lan: bool) -> Gate {
        Gate { token: "t".repeat(20).into(), bound: addr.parse().expect("addr"), lan }
    }

    #[test]
    fn hosts_are_loopback_names_or_the_bound_address() {
        let g = gate("127.0.0.1:8787", false);
        for ok in ["127.0.0.1:8787", "localhost:8787", "LOCALHOST", "[::1]:8787", "127.0.0.2"] {
            assert!(g.host_allowed(ok), "{ok}");
        }
        for bad in ["evil.example:8787", "", "192.168.1.5:8787", "localhost.evil.example", "[::1"] {
            assert!(!g.host_allowed(bad), "{bad}");
        }
        let lan = gate("0.0.0.0:8787", true);
        assert!(lan.host_allowed("192.168.1.5:8787") && !lan.host_allowed("tablet.evil.example:8787"));
        let one = gate("192.168.1.5:8787", true);
        assert!(one.host_allowed("192.168.1.5:8787") && !one.host_allowed("10.0.0.1:8787"));
    }

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 40, "160 bits in hex");
        assert!(check_token(&a).is_ok());
        assert!(check_token("short").is_err());
        assert!(check_token("has spaces in it, long enough").is_err());
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"abc", b"ab"));
    }
}
