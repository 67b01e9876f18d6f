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
    service::{App, workflow},
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
    // A busy chromedriver (two cores, several browsers) may drop a connection before it reads
    // the request: sending again is safe then, as nothing was done.
    let mut sent = None;
    for _ in 0..5 {
        let attempt = TcpStream::connect(("127.0.0.1", port)).and_then(|mut s| {
            s.set_read_timeout(Some(Duration::from_secs(60)))?;
            write!(
                s,
                "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )?;
            Ok(s)
        });
        match attempt {
            Ok(s) => {
                sent = Some(s);
                break;
            }
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
    let mut s = sent.expect("chromedriver takes the request");
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
    let id = workflow::start(
        &app,
        "uji",
        None,
        &merit::service::Actor::account("verif", "uji"),
        None,
    )
    .await
    .unwrap();
    let row = app.store_for_tests().instance(&id).await.unwrap().unwrap();
    let secret = merit::service::ground::links::link_secret(&app)
        .await
        .unwrap();
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

/// One WebDriver session in headless Chromium.
pub struct Browser {
    driver: Driver,
    base: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub fn open(width: u32, height: u32) -> Self {
        let driver = chromedriver();
        let profile = tempfile::tempdir().unwrap();
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--lang=id-ID", format!("--window-size={width},{height}"),
                     format!("--user-data-dir={}", profile.path().display())]
        });
        // A window is at least 500 px wide: a phone's width is emulated instead.
        if width < 500 {
            options["mobileEmulation"] = json!({ "deviceMetrics": {
                "width": width, "height": height, "pixelRatio": 1.0 } });
        }
        let session = call(
            driver.port,
            "POST",
            "/session",
            Some(json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": options } } })),
        );
        let sid = session["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("{session}"))
            .to_owned();
        Self {
            driver,
            base: format!("/session/{sid}"),
            _profile: profile,
        }
    }

    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        call(
            self.driver.port,
            method,
            &format!("{}{path}", self.base),
            body,
        )
    }

    pub fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn source(&self) -> String {
        self.call("GET", "/source", None)["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None)["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v["value"]
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{css}: {v}\n{}", self.source()))
            .to_owned()
    }

    pub fn text(&self, css: &str) -> String {
        let e = self.find(css);
        self.call("GET", &format!("/element/{e}/text"), None)["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/clear"), Some(json!({})));
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    pub fn click(&self, css: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    /// Waits (polling the page, at most 20 s) until its source contains `what`.
    pub fn wait_for(&self, what: &str) -> String {
        let mut page = String::new();
        for _ in 0..200 {
            page = self.source();
            if page.contains(what) {
                return page;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("never saw {what:?}:\n{page}");
    }

    /// Waits (at most 20 s) until the address contains `what`.
    pub fn wait_url(&self, what: &str) {
        for _ in 0..200 {
            if self.url().contains(what) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("never reached {what:?}: {}", self.url());
    }

    /// Fills the sign-in form on the page shown and waits for the dashboard.
    pub fn sign_in_here(&self, (email, password): (&str, &str)) {
        self.type_into("#email", email);
        self.type_into("#kata_sandi", password);
        self.click("button[type=submit]");
        self.wait_for("jumlah-layak");
    }

    /// Opens the sign-in page of `site` and signs in.
    pub fn sign_in(&self, site: &str, account: (&str, &str)) {
        self.go(&format!("{site}/admin/masuk"));
        self.sign_in_here(account);
    }

    pub fn cookie(&self, name: &str) -> String {
        self.call("GET", &format!("/cookie/{name}"), None)["value"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    pub fn script(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )["value"]
            .clone()
    }

    pub fn screenshot(&self, to: &std::path::Path) {
        let v = self.call("GET", "/screenshot", None);
        let png = base64_decode(v["value"].as_str().unwrap());
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(to, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = call(self.driver.port, "DELETE", &self.base, None);
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let v: Vec<u32> = chunk.iter().map(|c| u32::from(value(*c))).collect();
        let n = v.iter().fold(0u32, |acc, x| (acc << 6) | x) << (6 * (4 - v.len()));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..v.len() - 1]);
    }
    out
}

fn digits(t: &str) -> u64 {
    t.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// The console as an officer uses it, on the demo's data: sign in, the dashboard against
/// `merit runs show --json`, search, a candidate's reasons, an import refused then accepted, a
/// run started and finished, a timeline, an XLSX download read back, and an approver's
/// "Lihat rincian". With `MERIT_SCREENSHOT=PATH` the dashboard is saved as a PNG (the README's).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_in_headless_chromium() {
    use crate::console::{ADMIN, Client, clock, demo_app};
    if std::env::var("MERIT_BROWSER_TESTS").is_ok_and(|v| v == "0") {
        return;
    }
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    let addr = crate::support::serve_http(&app).await;
    let run = merit::service::screening::runs(&app).await.unwrap()[0]
        .id
        .clone();
    let shown = std::process::Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(["runs", "show", &run, "--json"])
        .env("MERIT_DATABASE_URL", &db.url)
        .current_dir(db.dir.path())
        .output()
        .unwrap();
    assert!(shown.status.success(), "{shown:?}");
    let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
    let candidates = db.path("data/candidates.csv");
    let known = std::fs::read_to_string(&candidates).unwrap();
    // A candidate of the file: NIK and name.
    let (nik, nama) = known
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f[0].len() == 16 && f[0].bytes().all(|b| b.is_ascii_digit()))
        .map(|f| (f[0].to_owned(), f[1].to_owned()))
        .unwrap();
    let bad = write(
        db.dir.path(),
        "calon-salah.csv",
        &format!(
            "{}\n{}\n{}\n",
            crate::support::CANDIDATE_HEADER,
            crate::support::candidate_row("1609022304870001", "BUDI BARU", "1987-04-23", "L"),
            crate::support::candidate_row("12345", "NIK PENDEK", "1987-04-23", "L"),
        ),
    );
    let good = write(
        db.dir.path(),
        "calon-benar.csv",
        &format!(
            "{}\n{}\n",
            crate::support::CANDIDATE_HEADER,
            crate::support::candidate_row("1609022304870001", "BUDI BARU", "1987-04-23", "L"),
        ),
    );
    let shot = std::env::var("MERIT_SCREENSHOT").ok().map(|p| {
        let p = std::path::PathBuf::from(p);
        if p.is_absolute() {
            p
        } else {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
        }
    });

    let (xlsx_path, cookie) = {
        let db_dir = db.dir.path().to_path_buf();
        tokio::task::spawn_blocking(move || {
            let b = Browser::open(1366, 900);
            let site = format!("http://{addr}");
            // Sign in: the console sends a stranger to the sign-in form first.
            b.go(&format!("{site}/admin"));
            assert!(b.url().contains("/admin/masuk"), "{}", b.url());
            b.sign_in_here(ADMIN);
            // The dashboard's counts are the run's.
            let hasil = &shown["run"]["hasil"];
            for (id, key) in [
                ("#jumlah-layak", "layak"),
                ("#jumlah-tidak-layak", "tidak_layak"),
                ("#jumlah-perlu-verifikasi", "perlu_verifikasi"),
            ] {
                assert_eq!(digits(&b.text(id)), hasil[key].as_u64().unwrap(), "{id}");
            }
            assert!(b.source().contains("<svg"), "server-rendered chart");
            if let Some(to) = &shot {
                b.screenshot(to);
            }
            // Search by the last four digits of the NIK, then by the start of the name.
            b.go(&format!("{site}/admin/calon"));
            b.type_into("input[name=q]", &nik[12..]);
            b.click("form.saring button[type=submit]");
            b.wait_url(&format!("q={}", &nik[12..]));
            let page = b.wait_for("daftar-calon");
            assert!(
                page.contains(&format!("************{}", &nik[12..])),
                "{page}"
            );
            assert!(!page.contains(&nik), "a list shows a full NIK");
            let prefix: String = nama.chars().take(4).collect::<String>().to_lowercase();
            b.type_into("input[name=q]", &prefix);
            b.click("form.saring button[type=submit]");
            b.wait_url(&format!("q={}", prefix.replace(' ', "+")));
            let rows = b.text("#daftar-calon");
            assert!(rows.contains(&nama), "{rows}");
            // Open the candidate: every rule with its reason and legal basis.
            b.click("#daftar-calon a");
            let page = b.wait_for("id=\"aturan\"");
            let rules = b.text("#aturan");
            assert!(
                rules.contains("Dasar hukum") && rules.contains("KepmenPANRB 16/2025"),
                "{rules}"
            );
            assert!(
                rules.contains("PW-01") && rules.contains("lolos"),
                "{rules}"
            );
            let shown_nik = b.text("#nik");
            assert!(
                shown_nik.len() == 16 && shown_nik.bytes().all(|c| c.is_ascii_digit()),
                "the admin sees the full NIK on the detail page: {shown_nik}"
            );
            assert!(page.contains("dicatat di log audit"));
            // An import with a bad row is refused with its row and column, then a good one.
            b.go(&format!("{site}/admin/impor"));
            b.type_into("input[name=berkas]", bad.to_str().unwrap());
            b.click("form.saring button[type=submit]");
            b.wait_for("hasil-impor");
            let errors = b.text("#kesalahan-impor");
            assert!(errors.contains("baris 3, kolom nik"), "{errors}");
            b.type_into("input[name=berkas]", good.to_str().unwrap());
            b.click("form.saring button[type=submit]");
            b.wait_for("berhasil");
            assert!(
                b.text("#hasil-impor").contains("1 baris"),
                "{}",
                b.text("#hasil-impor")
            );
            // Start a run and watch it end.
            b.go(&format!("{site}/admin/penyaringan"));
            b.click("#mulai-penyaringan");
            let mut status = String::new();
            for _ in 0..300 {
                if b.url().contains("/admin/penyaringan/") && b.source().contains("id=\"status\"") {
                    status = b.text("#status");
                    if status == "selesai" {
                        break;
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            assert_eq!(status, "selesai", "{}", b.source());
            // A workflow's timeline.
            b.go(&format!("{site}/admin/alur"));
            b.click("a[href^='/admin/alur/']");
            b.wait_for("linimasa");
            assert!(
                b.text("#linimasa").contains("Verifikasi"),
                "{}",
                b.text("#linimasa")
            );
            // Downloads: the link is on the page; the file itself is read back below with
            // the browser's own session cookie.
            b.go(&format!("{site}/admin/unduhan"));
            let page = b.wait_for("penempatan.xlsx");
            assert!(page.contains("keputusan.xlsx"), "{page}");
            let cookie = b.cookie("merit_sesi");
            // An approver opens "Lihat rincian" from the prompt in their mailbox.
            let prompt = crate::support::eml_files(&db_dir.join("outbox"))
                .into_iter()
                .map(|raw| crate::support::readable(raw.as_bytes()))
                .find(|t| t.contains("Lihat rincian"))
                .expect("a prompt with Lihat rincian");
            let link = prompt
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Rincian lengkap (daftar calon, rekap, dan unduhan): ")
                })
                .unwrap_or_else(|| panic!("{prompt}"))
                .trim()
                .to_owned();
            let path = link.find("/persetujuan/").map(|i| &link[i..]).unwrap();
            b.go(&format!("{site}{path}"));
            let page = b.wait_for("Rincian permohonan");
            assert!(page.contains("Rekap per unit kerja"), "{page}");
            (db_dir.join("unduhan.xlsx"), cookie)
        })
        .await
        .unwrap()
    };
    let mut c = Client::new(addr);
    c.cookies.insert("merit_sesi".into(), cookie);
    let r = c.get("/admin/unduhan/penempatan.xlsx").await;
    assert_eq!(r.status, 200);
    std::fs::write(&xlsx_path, &r.body).unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
    let placed = merit::service::placement::chosen_placement(&app, None)
        .await
        .unwrap();
    let heights: Vec<(String, usize)> = book
        .sheet_names()
        .into_iter()
        .map(|n| {
            let h = book.worksheet_range(&n).unwrap().height();
            (n, h)
        })
        .collect();
    // One line per candidate considered (placed or not) under a header row.
    let lines = heights.iter().map(|(_, h)| *h).max().unwrap() as u64;
    assert_eq!(
        lines,
        placed.ditempatkan + placed.tidak_ditempatkan + 1,
        "{heights:?}"
    );
}

/// With `MERIT_SCREENSHOT_DIR`, a screenshot of the page as `name` in that folder.
fn shoot(b: &Browser, name: &str) {
    if let Ok(dir) = std::env::var("MERIT_SCREENSHOT_DIR") {
        b.screenshot(&std::path::Path::new(&dir).join(name));
    }
}

/// Console.md 4 in a browser: an admin edits `usia_minimal` and a script, sees the compile
/// error on its line, fixes it, runs the tests and accepts one changed case, previews (the
/// moved counts equal `merit screen --dry-run` with the draft's files), publishes with a
/// reason, and a new `merit screen` uses the new version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_editor_in_headless_chromium() {
    use crate::console::ADMIN;
    use merit::{
        domain::DefinitionKey,
        service::{audit::Actor, drafts},
    };
    if std::env::var("MERIT_BROWSER_TESTS").is_ok_and(|v| v == "0") {
        return;
    }
    let db = TestDb::new().await;
    let app = crate::editor::editable_app(&db, &[]).await;
    let addr = crate::support::serve_http(&app).await;
    let key = DefinitionKey::Ruleset("pppk_paruh_waktu".into());
    let script = std::fs::read_to_string(db.path("rules/pppk_paruh_waktu/usia.rhai")).unwrap();
    let broken = script.replacen("return lolos();", "return lolos(;", 1);
    let line = broken.lines().position(|l| l.contains("lolos(;")).unwrap() + 1;
    let env = |c: &mut Command| {
        c.env("MERIT_DATABASE_URL", &db.url)
            .env("MERIT_WORKFLOWS_DIR", db.path("workflows"))
            .env("MERIT_DIRECTORY", db.path("data/directory.yaml"))
            .current_dir(db.dir.path());
    };

    // Sign in, begin a draft, set the param, break and fix a script.
    let site = format!("http://{addr}");
    // One browser for the whole test, handed between the blocking steps.
    let (b, draft_url) = {
        let site = site.clone();
        let (broken, script) = (broken.clone(), script.clone());
        tokio::task::spawn_blocking(move || {
            let b = Browser::open(1366, 900);
            b.sign_in(&site, ADMIN);
            b.go(&format!("{site}/admin/aturan"));
            b.click("form:has(input[value='aturan:pppk_paruh_waktu']) button.buat-draf");
            b.wait_url("/admin/draf/");
            let draft = b.url();
            b.type_into("#param-usia_minimal", "30");
            b.click("#simpan-usia_minimal");
            b.wait_for("usia_minimal: 30");
            b.go(&format!("{draft}/berkas?berkas=usia.rhai"));
            b.type_into("#teks", &broken);
            b.click("#simpan");
            let page = b.wait_for("class=\"salah\"");
            shoot(&b, "penyunting-salah.png");
            assert!(
                page.contains(&format!("<span id=\"baris-{line}\" class=\"salah\"")),
                "line {line} marked: {page}"
            );
            b.type_into("#teks", &script);
            b.click("#simpan");
            b.wait_for("id=\"valid\"");
            // Uji: accept the new result of one case.
            b.go(&draft);
            b.click("#uji");
            let page = b.wait_for("hasil-uji");
            assert!(page.contains("PW-07 tepat 20 tahun"), "{page}");
            shoot(&b, "draf-uji.png");
            let before = b.text("#hasil-uji");
            b.click("input[value='PW-07 tepat 20 tahun']");
            b.click("#terima");
            // The old page holds `hasil-uji` too: wait for the new count itself, so the
            // assertion never reads the page before the reload.
            let passing: u32 = before
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("a count: {before}"));
            b.wait_for(&format!("{} dari", passing + 1));
            assert_ne!(b.text("#hasil-uji"), before, "one more case passes");
            (b, draft)
        })
        .await
        .unwrap()
    };
    let id = draft_url.rsplit('/').next().unwrap().to_owned();
    // The other cases follow the new minimum too: accepted the same way, through the service.
    let d = drafts::get(&app, &id).await.unwrap();
    let names: Vec<String> = drafts::test(app.settings(), &key, &d.berkas)
        .gagal
        .into_iter()
        .map(|f| f.nama)
        .collect();
    if !names.is_empty() {
        let admin = Actor::account(ADMIN.0, "127.0.0.1");
        drafts::accept_results(&app, &id, d.revisi, &names, &admin)
            .await
            .unwrap();
    }
    let d = drafts::get(&app, &id).await.unwrap();

    // `merit screen --dry-run` over a rules folder holding the draft's files.
    let rules_copy = db.path("aturan-draf");
    crate::editor::copy_dir(&db.path("rules"), &rules_copy);
    let target = rules_copy.join("pppk_paruh_waktu");
    std::fs::remove_dir_all(&target).unwrap();
    for (rel, text) in &d.berkas.0 {
        let p = target.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_merit"));
    cmd.args([
        "screen",
        "--ruleset",
        "pppk_paruh_waktu",
        "--dry-run",
        "--json",
    ]);
    env(&mut cmd);
    let out = cmd.env("MERIT_RULES_DIR", &rules_copy).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let dry: Value = serde_json::from_slice(&out.stdout).unwrap();
    let moves = dry["perbedaan"]["perpindahan"].as_object().unwrap().clone();
    assert!(!moves.is_empty(), "raising the minimum age moves someone");

    // Pratinjau in the page, then Terbitkan.
    let moved = {
        let draft_url = draft_url.clone();
        tokio::task::spawn_blocking(move || {
            b.go(&draft_url);
            b.click("#pratinjau");
            b.wait_for("ringkasan-pratinjau");
            let moved = b.text("#perpindahan");
            shoot(&b, "pratinjau.png");
            for (page, file) in [
                ("/admin/alur-definisi", "alur-definisi.png"),
                ("/admin/direktori", "direktori.png"),
                ("/admin/templat", "templat.png"),
            ] {
                b.go(&format!("{site}{page}"));
                shoot(&b, file);
            }
            b.go(&draft_url);
            b.type_into("#alasan", "Batas usia minimal 30 tahun (uji peramban)");
            b.type_into("#nomor_surat", "B/30/2026");
            b.click("#terbitkan");
            // The confirmation page says what will happen; nothing is published before it.
            b.wait_for("Terbitkan draf ini?");
            b.click("#konfirmasi");
            b.wait_for("Diterbitkan sebagai versi");
            moved
        })
        .await
        .unwrap()
    };
    for (k, v) in &moves {
        let row = format!("{} {}", k.replace('_', " "), v.as_u64().unwrap());
        assert!(moved.contains(&row), "{row} in {moved}");
    }

    // A new `merit screen` uses the published version.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_merit"));
    cmd.args(["screen", "--ruleset", "pppk_paruh_waktu", "--json"]);
    env(&mut cmd);
    let out = cmd
        .env("MERIT_RULES_DIR", db.path("rules"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let run: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["ruleset_version"], dry["ruleset_version"], "{run}");
    assert_eq!(run["layak"], dry["hasil"]["layak"], "{run}");
}
