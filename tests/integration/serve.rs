//! `anklepump serve`'s router answers `GET /` with the page that loads the
//! liveview glue (language, title, viewport and the `/ws` socket).

use std::io::{Read, Write};

use anklepump::runtime::RuntimeConfig;

#[test]
fn get_root_serves_the_app_page_with_the_liveview_glue() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let router = anklepump::ui::launch::router(RuntimeConfig::from_env());
    rt.spawn(async move { axum::serve(listener, router).await });
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    assert!(body.starts_with("HTTP/1.0 200") || body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(body.contains(r#"<html lang="en">"#));
    assert!(body.contains("<title>AnklePump</title>"));
    assert!(body.contains(r#"__dioxusGetWsUrl("/ws")"#));
}
