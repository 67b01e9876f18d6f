//! Shared test helpers: fresh databases, an `App` over them, and file writers.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use chrono::{TimeZone, Utc};
use merit::{
    clock::{FakeClock, SharedClock},
    config::Settings,
    http::AppState,
    service::App,
    store::{Backend, Store, testing},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// A throw-away database: a SQLite file in a temporary folder, or a fresh PostgreSQL database
/// when `MERIT_TEST_DATABASE_URL` is set.
pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        match std::env::var("MERIT_TEST_DATABASE_URL")
            .ok()
            .filter(|u| u.starts_with("postgres"))
        {
            Some(admin) => {
                let name = format!("merit_t_{}", uuid::Uuid::new_v4().simple());
                let url = testing::create_postgres_database(&admin, &name)
                    .await
                    .unwrap();
                Self {
                    url,
                    dir,
                    pg: Some((admin, name)),
                }
            }
            None => {
                let url = format!("sqlite://{}/merit.db?mode=rwc", dir.path().display());
                Self { url, dir, pg: None }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// (admin URL, database name) when on PostgreSQL.
    pub fn postgres_names(&self) -> Option<(String, String)> {
        self.pg.clone()
    }

    /// Settings pointing at this database and the project's rules and workflows.
    pub fn settings(&self) -> Settings {
        self.settings_with(&[])
    }

    /// [`TestDb::settings`] with more `MERIT_*` variables (later ones win).
    pub fn settings_with(&self, extra: &[(&str, &str)]) -> Settings {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut vars = vec![
            ("MERIT_DATABASE_URL".to_owned(), self.url.clone()),
            ("MERIT_RULES_DIR".to_owned(), format!("{root}/rules")),
            (
                "MERIT_WORKFLOWS_DIR".to_owned(),
                format!("{root}/workflows"),
            ),
            (
                "MERIT_MAIL_URL".to_owned(),
                format!("file://{}/outbox", self.dir.path().display()),
            ),
        ];
        vars.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        Settings::load_from(Some(&self.empty_config()), vars).unwrap()
    }

    fn empty_config(&self) -> PathBuf {
        let p = self.dir.path().join("merit-test.yaml");
        if !p.exists() {
            std::fs::write(&p, "").unwrap();
        }
        p
    }

    pub async fn app(&self) -> App {
        self.app_with(self.settings()).await
    }

    /// An app over this database with `settings` and a fake clock at 11 August 2025 09.00 WIB.
    pub async fn app_with(&self, settings: Settings) -> App {
        let clock: SharedClock = Arc::new(FakeClock::at(
            Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap(),
        ));
        let app = App::open(settings, clock).await.unwrap();
        assert_eq!(
            app.store_for_tests().backend() == Backend::Postgres,
            self.is_postgres()
        );
        app
    }

    pub async fn store(&self, tenant: &str) -> Store {
        Store::open(&self.url, tenant).await.unwrap()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Privacy (UU 27/2022): no message a test made may carry a full NIK or NIP.
        if !std::thread::panicking() {
            assert_messages_private(self.dir.path());
        }
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async context; use a private runtime on another thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(testing::drop_postgres_database(&admin, &name))
            })
            .join();
        }
    }
}

/// Writes `text` to `dir/name`.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The header of a candidate file with every column.
pub const CANDIDATE_HEADER: &str = "nik,nama,tanggal_lahir,jenis_kelamin,tempat_lahir,pendidikan,jurusan,kategori_pelamar,terdata_bkn,seleksi_2024,hasil_seleksi_2024,ikut_semua_tahap,nilai_seleksi,ppg,aktif_bekerja,tmt_kerja,unit_kerja,kategori_jabatan,jabatan,gaji_terakhir,status_khusus,email,no_hp,nomor_peserta";

/// A valid candidate row; the NIK must match the birth date for screening to pass identity.
/// Its SSCASN participant number (PW-10) is made from the NIK.
pub fn candidate_row(nik: &str, nama: &str, lahir: &str, jk: &str) -> String {
    format!(
        "{nik},{nama},{lahir},{jk},OKU Timur,SMA,IPA,R3,ya,cpns,tidak_lulus,ya,70.5,tidak,ya,2012-03-01,U10,tenaga_teknis,Pengelola Data,1750000,,,081234567890,PN-{nik}"
    )
}

/// Generates a regency of `n` candidates (seeded) into `dir/gen` and imports its candidates and
/// formation slots (and employees when asked) through the service.
pub async fn regency(app: &App, dir: &Path, n: u64, seed: u64) -> PathBuf {
    let out = dir.join("gen");
    merit::generate::generate(&merit::generate::GenerateOptions {
        candidates: n,
        out: out.clone(),
        seed,
    })
    .unwrap();
    for (kind, file) in [
        (merit::ingest::ImportKind::Candidates, "candidates.csv"),
        (merit::ingest::ImportKind::Formations, "formations.csv"),
    ] {
        import_file(app, kind, &out.join(file)).await;
    }
    out
}

/// Screens every candidate with the default ruleset, as `penguji`.
pub async fn screen(app: &App) -> merit::service::screening::ScreenReport {
    let opts = merit::service::screening::ScreenOptions {
        ruleset: None,
        actor: merit::service::Actor::account("penguji", "uji"),
        progress: None,
        stop: None,
        started: None,
    };
    merit::service::screening::screen(app, &opts).await.unwrap()
}

/// Imports `path` (every row must be valid).
pub async fn import_file(app: &App, kind: merit::ingest::ImportKind, path: &Path) {
    let opts = merit::service::ImportOptions {
        kind,
        path: path.to_path_buf(),
        skip_invalid: false,
        izinkan_di_bawah_katalog: false,
        sheet: None,
        berkas: None,
        actor: merit::service::Actor::account("penguji", "uji"),
        progress: None,
    };
    let report = merit::service::import(app, &opts, |e| panic!("{e}"))
        .await
        .unwrap();
    assert!(report.disimpan, "{}", path.display());
}

// ---- Messages and HTTP: what the mail and hardening tests share. ----

/// The `.eml` files of a file outbox, in name order.
pub fn eml_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// The text of a message with quoted-printable soft breaks and `=3D` undone.
pub fn plain(eml: &str) -> String {
    eml.replace("=\r\n", "").replace("=3D", "=")
}

pub fn tokens(eml: &str) -> Vec<String> {
    let text = plain(eml);
    let mut out = Vec::new();
    for part in text.split("/persetujuan/").skip(1) {
        let t: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
            .collect();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

pub fn header<'a>(eml: &'a str, name: &str) -> &'a str {
    eml.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_default()
}

/// The SMTP sink (the same one `merit bench mail` uses), keeping what it receives.
pub async fn sink_on(
    listener: TcpListener,
    reject: &'static [&'static str],
) -> merit::bench::smtp::Sink {
    merit::bench::smtp::Sink::start(listener, reject, true)
}

pub async fn http_request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: merit\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

/// GETs `path` and returns the body's bytes (200 only).
pub async fn http_bytes(addr: std::net::SocketAddr, path: &str) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: merit\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let at = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response")
        + 4;
    assert!(
        out.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    out[at..].to_vec()
}

pub async fn serve_http(app: &App) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(app.clone());
    tokio::spawn(merit::http::serve(listener, state, std::future::pending()));
    addr
}

/// The decoded subject and text parts of one RFC 5322 message.
pub fn readable(raw: &[u8]) -> String {
    let Some(m) = mail_parser::MessageParser::default().parse(raw) else {
        return String::from_utf8_lossy(raw).into_owned();
    };
    let mut out = m.subject().unwrap_or_default().to_owned();
    for i in 0..m.text_body_count() {
        if let Some(t) = m.body_text(i) {
            out.push('\n');
            out.push_str(&t);
        }
    }
    for i in 0..m.html_body_count() {
        if let Some(h) = m.body_html(i) {
            out.push('\n');
            out.push_str(&h);
        }
    }
    out
}

/// Fails when any `.eml` under `dir` (decoded) carries a run of 16 or 18 digits.
pub fn assert_messages_private(dir: &Path) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "eml") {
                let text = readable(&std::fs::read(&p).unwrap_or_default());
                assert!(
                    !merit::domain::has_full_identifier(&text),
                    "{} carries a full NIK/NIP:\n{text}",
                    p.display()
                );
            }
        }
    }
}

/// The Kepala BKPSDM of the test directories (`kaban`), as the actor who starts a process.
pub fn kaban() -> merit::service::Actor {
    merit::service::Actor::account("kaban", "uji")
}
