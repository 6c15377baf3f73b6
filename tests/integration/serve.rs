//! `anklepump serve` as a child process, probed as another web page, a DNS
//! rebinding attack and a plain HTTP/websocket client would: the token, the
//! cookie, `Host`, `Origin` (with a real websocket client), `--lan`, and
//! the connection cap.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

const TOKEN: &str = "test-token-0123456789abcdef";

/// A running `serve`, killed when dropped.
struct Server {
    child: Child,
    url: String,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str], token: Option<&str>) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_anklepump"));
    cmd.arg("--db").arg(dir.path().join("s.sqlite3")).arg("serve").args(args);
    match token {
        Some(t) => cmd.env("ANKLEPUMP_SERVE_TOKEN", t),
        None => cmd.env_remove("ANKLEPUMP_SERVE_TOKEN"),
    };
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("spawn serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the URL line");
    let url = line.trim().to_string();
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, _) = rest.split_once('/').expect("a path");
    let port = host.rsplit_once(':').expect("a port").1.parse::<u16>().expect("port");
    Server { child, url, addr: SocketAddr::from(([127, 0, 0, 1], port)), _dir: dir }
}

/// One HTTP/1.0 request; the status code and the whole response.
fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut req = format!("GET {path} HTTP/1.0\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("send");
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    let code = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, text)
}

fn ws_status(addr: SocketAddr, headers: &[(&str, &str)]) -> Result<(), u16> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
    rt.block_on(async {
        let mut req = format!("ws://{addr}/ws").into_client_request().expect("request");
        for (k, v) in headers {
            let name: tokio_tungstenite::tungstenite::http::HeaderName = k.parse().expect("name");
            req.headers_mut().insert(name, HeaderValue::from_str(v).expect("value"));
        }
        match tokio::time::timeout(Duration::from_secs(10), tokio_tungstenite::connect_async(req)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(tokio_tungstenite::tungstenite::Error::Http(res))) => Err(res.status().as_u16()),
            Ok(Err(e)) => panic!("websocket failed otherwise: {e}"),
            Err(_) => panic!("websocket handshake hung"),
        }
    })
}

#[test]
fn the_printed_url_opens_the_app_and_nothing_else_does() {
    let s = serve(&["--addr", "127.0.0.1:0"], Some(TOKEN));
    assert_eq!(s.url, format!("http://{}/?token={TOKEN}", s.addr));
    let (code, page) = get(s.addr, &format!("/?token={TOKEN}"), &[]);
    assert_eq!(code, 200, "{page}");
    assert!(page.contains("<title>AnklePump</title>") && page.contains(r#"__dioxusGetWsUrl("/ws")"#));
    let cookie_line = page.lines().find(|l| l.to_ascii_lowercase().starts_with("set-cookie:")).expect("a cookie");
    assert!(cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Strict"), "{cookie_line}");
    let cookie = cookie_line.split_once(':').expect(":").1.split(';').next().expect("pair").trim().to_string();

    for path in ["/", "/?token=wrong-token-0123456789abcdef", "/?token=", "/ws"] {
        let (code, text) = get(s.addr, path, &[]);
        assert_eq!(code, 401, "{path}: {text}");
        assert!(!text.contains("AnklePump</title>"), "{path} leaks the app");
    }
    let (code, _) = get(s.addr, "/", &[("Cookie", &cookie)]);
    assert_eq!(code, 200, "the cookie carries the token after the first page");
    let (code, _) = get(s.addr, "/", &[("Cookie", "anklepump_token_1=nope")]);
    assert_eq!(code, 401);
}

#[test]
fn the_websocket_needs_the_token_and_the_pages_own_origin() {
    let s = serve(&["--addr", "127.0.0.1:0"], Some(TOKEN));
    let cookie = format!("anklepump_token_{}={TOKEN}", s.addr.port());
    let own = format!("http://{}", s.addr);
    assert_eq!(ws_status(s.addr, &[]), Err(401), "no token");
    assert_eq!(ws_status(s.addr, &[("Origin", &own)]), Err(401), "the right origin is not enough");
    assert_eq!(ws_status(s.addr, &[("Cookie", &cookie), ("Origin", "http://evil.example")]), Err(403));
    assert_eq!(ws_status(s.addr, &[("Cookie", &cookie), ("Origin", "null")]), Err(403));
    assert_eq!(ws_status(s.addr, &[("Cookie", &cookie), ("Origin", &own)]), Ok(()), "the app's own page connects");
}

#[test]
fn a_host_that_is_not_this_server_is_refused() {
    let s = serve(&["--addr", "127.0.0.1:0"], Some(TOKEN));
    let path = format!("/?token={TOKEN}");
    for host in ["evil.example", "rebind.evil.example:8787", "192.168.1.20"] {
        let (code, text) = get(s.addr, &path, &[("Host", host)]);
        assert_eq!(code, 403, "{host}: {text}");
    }
    let port = s.addr.port();
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        assert_eq!(get(s.addr, &path, &[("Host", &host)]).0, 200, "{host}");
    }
    let cookie = format!("anklepump_token_{port}={TOKEN}");
    let evil = [("Host", "evil.example"), ("Cookie", cookie.as_str()), ("Origin", "http://evil.example")];
    assert_eq!(ws_status(s.addr, &evil), Err(403), "a rebound name cannot open the socket either");
}

#[test]
fn each_start_draws_a_new_long_token() {
    let a = serve(&["--addr", "127.0.0.1:0"], None);
    let b = serve(&["--addr", "127.0.0.1:0"], None);
    let token = |url: &str| url.split_once("?token=").expect("token").1.to_string();
    let (ta, tb) = (token(&a.url), token(&b.url));
    assert_ne!(ta, tb);
    assert!(ta.len() >= 32 && ta.chars().all(|c| c.is_ascii_hexdigit()), "≥ 128 bits: {ta}");
    assert_eq!(get(a.addr, &format!("/?token={tb}"), &[]).0, 401, "one server's token does not open another");
    assert_eq!(get(a.addr, &format!("/?token={ta}"), &[]).0, 200);
}

#[test]
fn a_network_address_needs_lan_and_then_the_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .arg("--db")
        .arg(dir.path().join("s.sqlite3"))
        .args(["serve", "--addr", "0.0.0.0:0"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains("--lan"), "{err}");
    assert!(out.stdout.is_empty(), "no URL printed");

    let s = serve(&["--addr", "0.0.0.0:0", "--lan"], Some(TOKEN));
    assert!(s.url.ends_with(&format!("/?token={TOKEN}")) && !s.url.contains("0.0.0.0"), "{}", s.url);
    assert_eq!(get(s.addr, "/", &[]).0, 401, "on the network the token is the only way in");
    assert_eq!(get(s.addr, &format!("/?token={TOKEN}"), &[("Host", "192.168.1.20:8787")]).0, 200);
    assert_eq!(get(s.addr, &format!("/?token={TOKEN}"), &[("Host", "tablet.evil.example")]).0, 403);
}

#[test]
fn a_short_fixed_token_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_anklepump"))
        .args(["--db", "/nonexistent/x.sqlite3", "serve", "--addr", "127.0.0.1:0"])
        .env("ANKLEPUMP_SERVE_TOKEN", "1234")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 16 characters"));
}

#[test]
fn past_the_connection_cap_a_connection_is_refused_clearly() {
    let s = serve(&["--addr", "127.0.0.1:0"], Some(TOKEN));
    let held: Vec<TcpStream> = (0..64).map(|_| TcpStream::connect(s.addr).expect("connect")).collect();
    std::thread::sleep(Duration::from_millis(300));
    let (code, text) = get(s.addr, &format!("/?token={TOKEN}"), &[]);
    assert_eq!(code, 503, "{text}");
    assert!(text.contains("connections open"), "{text}");
    drop(held);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (code, _) = get(s.addr, &format!("/?token={TOKEN}"), &[]);
        if code == 200 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the server did not recover after the connections closed");
        std::thread::sleep(Duration::from_millis(100));
    }
}
