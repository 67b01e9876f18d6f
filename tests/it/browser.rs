//! The confirm page in a real browser (Debian's headless Chromium driven over WebDriver by
//! chromedriver): open the emailed link, type a comment, press the button, see the result page.
//! `.ci/run` installs chromium and chromium-driver; set MERIT_BROWSER_TESTS=0 to leave this out
//! on a machine without them.

use std::{
    io::{Read, Write},
    net::TcpStream,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

use chrono::{TimeZone, Utc};
use merit::{
    clock::{FakeClock, SharedClock},
    http::AppState,
    notify::token::{Token, sign},
    service::{App, outbox, workflow},
};
use serde_json::{Value, json};

use crate::support::{TestDb, write};

struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn call(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // Read the head, then exactly Content-Length bytes (chromedriver keeps connections open).
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).unwrap() == 0 {
            break;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap_or(Value::Null)
}

fn chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian package chromium-driver) is needed; .ci/run installs it");
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver { child, port }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_confirms_an_answer_in_headless_chromium() {
    if std::env::var("MERIT_BROWSER_TESTS").is_ok_and(|v| v == "0") {
        return;
    }
    let db = TestDb::new().await;
    let wf = db.path("wf");
    std::fs::create_dir_all(&wf).unwrap();
    write(
        &wf,
        "uji.yaml",
        "id: uji\njudul: Usulan Uji\nsubjek: bebas\nlangkah:\n  - { id: verifikasi, judul: Verifikasi, penyetuju: { peran: VERIFIKATOR_BKPSDM } }\n  - { id: ppk, judul: Penetapan, penyetuju: { peran: PPK } }\n",
    );
    let dir = write(
        db.dir.path(),
        "directory.yaml",
        "orang:\n  - { id: verif, nama: Petugas Verifikasi, email: verif@contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }\n  - { id: bupati, nama: Bupati, email: bupati@contoh.go.id, peran: [PPK] }\n",
    );
    let settings = db.settings_with(&[
        ("MERIT_WORKFLOWS_DIR", wf.to_str().unwrap()),
        ("MERIT_DIRECTORY", dir.to_str().unwrap()),
    ]);
    let clock: SharedClock = Arc::new(FakeClock::at(
        Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap(),
    ));
    let app = App::open(settings, clock).await.unwrap();
    let id = workflow::start(&app, "uji", None, "verif").await.unwrap();
    let row = app.store_for_tests().instance(&id).await.unwrap().unwrap();
    let secret = outbox::link_secret(&app).await.unwrap();
    let token = sign(
        &secret,
        &Token {
            kode: row.state.kursi[0].kode.clone(),
            jawaban: "setuju".into(),
            terbit_ms: app.clock().now_ms(),
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(merit::http::serve(
        listener,
        AppState::new(app.clone()),
        std::future::pending(),
    ));
    let url = format!("http://{addr}/persetujuan/{token}");

    let page = tokio::task::spawn_blocking(move || {
        let d = chromedriver();
        let profile = tempfile::tempdir().unwrap();
        let session = call(
            d.port,
            "POST",
            "/session",
            Some(json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         format!("--user-data-dir={}", profile.path().display())]
            }}}})),
        );
        let sid = session["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("{session}")).to_owned();
        let base = format!("/session/{sid}");
        call(d.port, "POST", &format!("{base}/url"), Some(json!({ "url": url })));
        let title = call(d.port, "GET", &format!("{base}/title"), None);
        assert!(title["value"].as_str().unwrap().contains("Konfirmasi"), "{title}");
        let find = |css: &str| {
            let v = call(d.port, "POST", &format!("{base}/element"), Some(json!({ "using": "css selector", "value": css })));
            v["value"].as_object().and_then(|o| o.values().next()).and_then(Value::as_str).unwrap_or_else(|| panic!("{css}: {v}")).to_owned()
        };
        let comment = find("textarea[name=komentar]");
        call(d.port, "POST", &format!("{base}/element/{comment}/value"), Some(json!({ "text": "Sudah diperiksa, lanjutkan" })));
        let button = find("button[type=submit]");
        call(d.port, "POST", &format!("{base}/element/{button}/click"), Some(json!({})));
        // The click may return before the form's navigation has finished: wait for the result.
        let mut page = String::new();
        for _ in 0..200 {
            let source = call(d.port, "GET", &format!("{base}/source"), None);
            page = source["value"].as_str().unwrap_or_default().to_owned();
            if page.contains("jawaban tercatat") {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        call(d.port, "DELETE", &base, None);
        page
    })
    .await
    .unwrap();
    assert!(page.contains("jawaban tercatat"), "{page}");
    let v = workflow::show(&app, &id).await.unwrap();
    assert_eq!(v.langkah_aktif.as_deref(), Some("ppk"));
    let d = v.riwayat.iter().find(|h| h.jenis == "keputusan").unwrap();
    assert_eq!(d.komentar.as_deref(), Some("Sudah diperiksa, lanjutkan"));
    assert_eq!(d.saluran.as_deref(), Some("tautan"));
}
