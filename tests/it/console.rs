//! The web console over real HTTP (port 0) on a database with the demo's data: sign-in, sessions
//! shared by two servers, roles, CSRF, throttling, identifiers, headers, and the audit chain.

use std::{collections::BTreeMap, net::SocketAddr, sync::Arc};

use chrono::{Duration, TimeZone, Utc};
use merit::{
    clock::{FakeClock, SharedClock},
    domain::{Email, Password, Role},
    service::{App, accounts, audit, audit::Actor, screening},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::support::{TestDb, serve_http};

pub const ADMIN: (&str, &str) = ("admin@bkpsdm.contoh.go.id", "kata-sandi-admin-1");
pub const OPERATOR: (&str, &str) = ("operator@bkpsdm.contoh.go.id", "kata-sandi-operator-1");
pub const PENGAMAT: (&str, &str) = ("pengamat@bkpsdm.contoh.go.id", "kata-sandi-pengamat-1");

/// An answer: status, headers (names lower-case), body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first form's CSRF token on the page.
    pub fn csrf(&self) -> String {
        let t = self.text();
        let at = t
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no csrf field:\n{t}"));
        let rest = &t[at + 19..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

/// A client that keeps cookies, like a browser.
pub struct Client {
    pub addr: SocketAddr,
    pub cookies: BTreeMap<String, String>,
}

fn form_encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[eol + 2..eol + 2 + size]);
        body = &body[eol + 2 + size + 2..];
    }
}

impl Client {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            cookies: BTreeMap::new(),
        }
    }

    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut s = TcpStream::connect(self.addr).await.unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: merit\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            head.push_str(&format!("Cookie: {}\r\n", c.join("; ")));
        }
        for (k, v) in extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(body).await.unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).await.unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|c| c.parse().ok())
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
            .collect();
        for (k, v) in &headers {
            if k == "set-cookie"
                && let Some((name, rest)) = v.split_once('=')
            {
                let value = rest.split(';').next().unwrap_or_default();
                if value.is_empty() || v.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let mut body = raw[split + 4..].to_vec();
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
        {
            body = dechunk(&body);
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send("GET", path, &[], b"").await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = form_encode(fields);
        self.send(
            "POST",
            path,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        )
        .await
    }

    /// Opens the sign-in form and submits it.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Reply {
        let form = self.get("/admin/masuk").await;
        assert_eq!(form.status, 200, "{}", form.text());
        let csrf = form.csrf();
        self.post(
            "/admin/masuk",
            &[
                ("email", email),
                ("kata_sandi", password),
                ("csrf", &csrf),
                ("lanjut", "/admin"),
            ],
        )
        .await
    }

    /// The CSRF token of this session (from the dashboard's sign-out form).
    pub async fn token(&mut self) -> String {
        let home = self.get("/admin").await;
        assert_eq!(home.status, 200, "{}", home.text());
        home.csrf()
    }
}

/// A fake clock at 11 August 2025 09.00 WIB that the test can move.
pub fn clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::at(
        Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap(),
    ))
}

/// The demo's data in `db` (any backend): generated regency, imports, a run, a placement, the
/// two workflows, and one account per role.
pub async fn demo_app(db: &TestDb, candidates: u64, clock: Arc<FakeClock>) -> App {
    let data = db.path("data");
    let summary = merit::generate::generate(&merit::generate::GenerateOptions {
        candidates,
        out: data.clone(),
        seed: merit::generate::DEFAULT_SEED,
    })
    .unwrap();
    let settings = db.settings_with(&[(
        "MERIT_DIRECTORY",
        data.join("directory.yaml").to_str().unwrap(),
    )]);
    let shared: SharedClock = clock;
    let app = App::open(settings, shared).await.unwrap();
    merit::service::demo::run(&app, summary, db.dir.path())
        .await
        .unwrap();
    for ((email, password), role) in
        [ADMIN, OPERATOR, PENGAMAT]
            .into_iter()
            .zip([Role::Admin, Role::Operator, Role::Pengamat])
    {
        accounts::add(
            &app,
            &Email::parse(email).unwrap(),
            "",
            role,
            Some(Password::parse(password).unwrap()),
            &Actor::cli(),
        )
        .await
        .unwrap();
    }
    app
}

/// The first run of 16 or more digits in `t`, with what precedes it.
/// A run of 16 or more digits standing alone (a NIK or NIP), with the text before it; digits
/// inside a longer token of letters and digits (a random hex CSRF token) do not count.
fn long_digits(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let mut start = None;
    for (i, c) in b.iter().chain(std::iter::once(&b' ')).enumerate() {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s))
                if i - s >= 16
                    && !c.is_ascii_alphabetic()
                    && (s == 0 || !b[s - 1].is_ascii_alphabetic()) =>
            {
                return Some(t[s.saturating_sub(120)..i].to_owned());
            }
            (false, Some(_)) => start = None,
            _ => {}
        }
    }
    None
}

const PAGES: &[&str] = &[
    "/admin",
    "/admin/calon",
    "/admin/calon/1234",
    "/admin/penyaringan",
    "/admin/penyaringan/x",
    "/admin/penempatan",
    "/admin/alur",
    "/admin/alur/x",
    "/admin/impor",
    "/admin/unduhan",
    "/admin/unduhan/keputusan.xlsx",
    "/admin/aturan",
    "/admin/audit",
    "/admin/pengguna",
];

const FORMS: &[&str] = &[
    "/admin/keluar",
    "/admin/penyaringan",
    "/admin/penempatan",
    "/admin/alur",
    "/admin/impor",
    "/admin/pengguna",
    "/admin/pengguna/nonaktif",
    "/admin/pengguna/sandi",
];

async fn run_count(app: &App) -> usize {
    screening::runs(app).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_every_console_route_leads_to_the_sign_in_page() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 200, clock()).await;
    let addr = serve_http(&app).await;
    let mut c = Client::new(addr);
    for path in PAGES {
        let r = c.get(path).await;
        assert_eq!(r.status, 303, "{path}");
        let to = r.header("location").unwrap();
        assert!(to.starts_with("/admin/masuk"), "{path} → {to}");
    }
    for path in FORMS {
        let r = c.post(path, &[("csrf", "x")]).await;
        assert_eq!(r.status, 303, "POST {path}");
        assert!(r.header("location").unwrap().starts_with("/admin/masuk"));
    }
    // The sign-in page itself, in Bahasa, with the headers of every HTML page.
    let r = c.get("/admin/masuk?lanjut=/admin/calon").await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Kata sandi"), "{}", r.text());
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    // A page asked for with control characters is not followed.
    let r = c.get("/admin/masuk?lanjut=/admin%0d%0aX:y").await;
    assert_eq!(r.status, 200);
    assert!(!r.text().contains("X:y"), "{}", r.text());
    let r = c.get("/admin/masuk?lanjut=/admin/calon").await;
    // Signing in lands on the page asked for; the cookie is HttpOnly and SameSite=Lax.
    let csrf = r.csrf();
    let r = c
        .post(
            "/admin/masuk",
            &[
                ("email", ADMIN.0),
                ("kata_sandi", ADMIN.1),
                ("csrf", &csrf),
                ("lanjut", "/admin/calon"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/admin/calon"));
    let cookie = r
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("merit_sesi="))
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    // Every page answers the admin; pages with personal data are not cached.
    // The workflow list filters by status and workflow (in the URL).
    let r = c.get("/admin/alur?status=selesai_ditolak").await;
    assert!(
        r.text().contains("Tidak ada alur yang cocok"),
        "{}",
        r.text()
    );
    let r = c
        .get("/admin/alur?status=berjalan&workflow=usulan_pppk_paruh_waktu")
        .await;
    assert!(r.text().contains("/admin/alur/"), "{}", r.text());
    for path in PAGES {
        let r = c.get(path).await;
        assert!(
            matches!(r.status, 200 | 404),
            "{path}: {} {}",
            r.status,
            r.text()
        );
        if r.header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
        {
            assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
            assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
            let t = r.text();
            assert!(!t.contains("<script>"), "{path}: inline script");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_and_csrf_tokens_guard_every_change() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 200, clock()).await;
    let addr = serve_http(&app).await;
    let runs = run_count(&app).await;

    // A pengamat reads but changes nothing, even with a valid token.
    let mut p = Client::new(addr);
    assert_eq!(p.sign_in(PENGAMAT.0, PENGAMAT.1).await.status, 303);
    let token = p.token().await;
    for path in FORMS.iter().filter(|f| **f != "/admin/keluar") {
        let r = p.post(path, &[("csrf", &token), ("workflow", "x")]).await;
        assert_eq!(r.status, 403, "pengamat POST {path}: {}", r.text());
        assert!(r.text().contains("Akses ditolak"), "{}", r.text());
    }
    assert_eq!(p.get("/admin/impor").await.status, 403);
    assert_eq!(p.get("/admin/pengguna").await.status, 403);
    assert_eq!(run_count(&app).await, runs);

    // An operator without a token, or with another session's token, is refused.
    let mut o = Client::new(addr);
    assert_eq!(o.sign_in(OPERATOR.0, OPERATOR.1).await.status, 303);
    assert_eq!(o.post("/admin/penyaringan", &[]).await.status, 403);
    assert_eq!(
        o.post("/admin/penyaringan", &[("csrf", &token)])
            .await
            .status,
        403
    );
    let r = o
        .send(
            "POST",
            "/admin/penyaringan",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("X-CSRF-Token", "salah"),
            ],
            b"",
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        run_count(&app).await,
        runs,
        "a refused POST changed nothing"
    );
    // The same request with the right token starts a run.
    let own = o.token().await;
    let r = o.post("/admin/penyaringan", &[("csrf", &own)]).await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(
        r.header("location")
            .unwrap()
            .starts_with("/admin/penyaringan/")
    );
    // The operator cannot manage accounts.
    let r = o
        .post(
            "/admin/pengguna",
            &[
                ("csrf", &own),
                ("email", "baru@contoh.go.id"),
                ("peran", "admin"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(accounts::list(&app).await.unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_identifiers_only_on_a_detail_page_for_allowed_roles_and_audited() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 200, clock()).await;
    let addr = serve_http(&app).await;
    let mut p = Client::new(addr);
    p.sign_in(PENGAMAT.0, PENGAMAT.1).await;
    let list = p.get("/admin/calon").await;
    assert_eq!(list.status, 200);
    let page = list.text();
    let digits16 = |t: &str| long_digits(t).is_some();
    assert_eq!(long_digits(&page), None, "a list page carries a full NIK");
    // The link to a detail page carries no NIK either.
    let href = page
        .split("href=\"/admin/calon/")
        .nth(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .unwrap();
    assert!(!digits16(&href), "{href}");
    let detail = p.get(&format!("/admin/calon/{href}")).await;
    assert_eq!(detail.status, 200, "{}", detail.text());
    assert!(!digits16(&detail.text()), "a pengamat saw a full NIK");
    let before = audit::list(&app, &Default::default(), 1000).await.unwrap();
    let views = |es: &[merit::domain::AuditEntry]| {
        es.iter().filter(|e| e.aksi == "lihat_identitas").count()
    };

    let mut o = Client::new(addr);
    o.sign_in(OPERATOR.0, OPERATOR.1).await;
    let detail = o.get(&format!("/admin/calon/{href}")).await;
    assert_eq!(detail.status, 200);
    assert!(digits16(&detail.text()), "an operator sees the full NIK");
    let after = audit::list(&app, &Default::default(), 1000).await.unwrap();
    assert_eq!(views(&after), views(&before) + 1);
    let entry = after.iter().find(|e| e.aksi == "lihat_identitas").unwrap();
    assert_eq!(entry.orang, OPERATOR.0);
    assert_eq!(entry.dari, "127.0.0.1");
    assert!(
        !digits16(&entry.objek),
        "the audit log masks the NIK it names"
    );
    // Beside the masked NIK a keyed tag names the person: the candidate's page links to every
    // entry about them, and that list holds this view and nothing about anyone else.
    let tag = entry.objek.rsplit(' ').next().unwrap().to_owned();
    assert!(merit::domain::AuditKey::is_tag(&tag), "{}", entry.objek);
    let text = detail.text();
    let link = text
        .split("href=\"/admin/audit?tanda=")
        .nth(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .unwrap();
    let log = o.get(&format!("/admin/audit?tanda={link}")).await.text();
    assert!(log.contains(&tag), "{log}");
    assert_eq!(
        log.matches("<tr>").count(),
        2,
        "the header and this one view: {log}"
    );
    let none = o.get("/admin/audit?tanda=%23bukan-tanda").await.text();
    assert_eq!(none.matches("<tr>").count(), 1, "{none}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_throttled_after_five_failures_and_every_attempt_is_audited() {
    let db = TestDb::new().await;
    let clock = clock();
    let app = demo_app(&db, 50, clock.clone()).await;
    let addr = serve_http(&app).await;
    let mut c = Client::new(addr);
    // Variants of one address (case, spaces) share one counter.
    let variants = [
        ADMIN.0.to_owned(),
        ADMIN.0.to_uppercase(),
        format!("  {}", ADMIN.0),
        format!("{} ", ADMIN.0),
        ADMIN.0.replace("admin", "ADMIN"),
    ];
    for who in &variants {
        let r = c.sign_in(who, "bukan-kata-sandinya").await;
        assert_eq!(r.status, 401);
        assert!(r.text().contains("Surel atau kata sandi salah"));
    }
    // Even the right password is refused now, with the 429 page.
    let r = c.sign_in(ADMIN.0, ADMIN.1).await;
    assert_eq!(r.status, 429, "{}", r.text());
    assert!(r.text().contains("Terlalu banyak"), "{}", r.text());
    assert!(!c.cookies.contains_key("merit_sesi"));
    let entries = audit::list(&app, &Default::default(), 100).await.unwrap();
    let failed = entries.iter().filter(|e| e.aksi == "masuk_gagal").count();
    assert_eq!(failed, 5);
    assert!(
        entries
            .iter()
            .filter(|e| e.aksi == "masuk_gagal")
            .all(|e| e.orang == ADMIN.0),
        "attempts are counted under the account's address"
    );
    // The refused attempt is recorded apart, so it does not lengthen the window.
    assert!(entries.iter().any(|e| e.aksi == "masuk_ditahan"));
    assert!(
        entries
            .iter()
            .all(|e| !e.rincian.contains("bukan-kata-sandinya")),
        "a password reached the audit log"
    );
    // After the window the account may sign in again.
    clock.advance(Duration::minutes(16));
    assert_eq!(c.sign_in(ADMIN.0, ADMIN.1).await.status, 303);
    assert_eq!(c.get("/admin").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_sessions_which_end_on_sign_out_disable_and_idle() {
    let db = TestDb::new().await;
    let clock = clock();
    let app = demo_app(&db, 50, clock.clone()).await;
    // A second process's view: its own App (own pool and caches) over the same database.
    let shared: SharedClock = clock.clone();
    let other = App::open(app.settings().clone(), shared).await.unwrap();
    let (a, b) = (serve_http(&app).await, serve_http(&other).await);

    let mut c = Client::new(a);
    assert_eq!(c.sign_in(ADMIN.0, ADMIN.1).await.status, 303);
    let mut on_b = Client::new(b);
    on_b.cookies = c.cookies.clone();
    assert_eq!(on_b.get("/admin/calon").await.status, 200);
    // Signing out needs the token too.
    assert_eq!(on_b.post("/admin/keluar", &[]).await.status, 403);
    assert_eq!(c.get("/admin").await.status, 200);
    // Signing out on B ends the session on A at once.
    let token = on_b.token().await;
    let r = on_b.post("/admin/keluar", &[("csrf", &token)]).await;
    assert_eq!(r.status, 303);
    assert_eq!(c.get("/admin").await.status, 303);

    // Disabling the account (here on the command line's service path) ends its sessions.
    let mut o = Client::new(b);
    assert_eq!(o.sign_in(OPERATOR.0, OPERATOR.1).await.status, 303);
    assert_eq!(o.get("/admin").await.status, 200);
    accounts::disable(&app, &Email::parse(OPERATOR.0).unwrap(), &Actor::cli())
        .await
        .unwrap();
    assert_eq!(o.get("/admin").await.status, 303);
    assert_eq!(o.sign_in(OPERATOR.0, OPERATOR.1).await.status, 401);
    accounts::enable(&app, &Email::parse(OPERATOR.0).unwrap(), &Actor::cli())
        .await
        .unwrap();
    assert_eq!(o.sign_in(OPERATOR.0, OPERATOR.1).await.status, 303);

    // Idle expiry (sesi_ttl, 30 minutes by default), while use within the window keeps it.
    let mut p = Client::new(a);
    assert_eq!(p.sign_in(PENGAMAT.0, PENGAMAT.1).await.status, 303);
    clock.advance(Duration::minutes(20));
    assert_eq!(p.get("/admin").await.status, 200);
    clock.advance(Duration::minutes(20));
    assert_eq!(p.get("/admin").await.status, 200);
    clock.advance(Duration::minutes(31));
    assert_eq!(p.get("/admin").await.status, 303);
    // Absolute expiry: 12 hours however busy.
    let mut q = Client::new(b);
    assert_eq!(q.sign_in(PENGAMAT.0, PENGAMAT.1).await.status, 303);
    for _ in 0..25 {
        clock.advance(Duration::minutes(29));
        if q.get("/admin").await.status != 200 {
            break;
        }
    }
    assert_eq!(q.get("/admin").await.status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_chain_verifies_and_names_the_first_altered_entry() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 50, clock()).await;
    let addr = serve_http(&app).await;
    let mut c = Client::new(addr);
    c.sign_in(ADMIN.0, "salah-sekali-saja").await;
    c.sign_in(ADMIN.0, ADMIN.1).await;
    let token = c.token().await;
    c.post(
        "/admin/penempatan",
        &[("csrf", &token), ("konfirmasi", "ya")],
    )
    .await;
    // A full NIP in an entry's details is masked when recorded.
    audit::record(
        &app,
        &Actor::cli(),
        merit::domain::Action::AlurKeputusan,
        "instans",
        "langkah ppk: pilih:199001012015011001",
    )
    .await
    .unwrap();
    let page = c.get("/admin/audit").await.text();
    assert!(page.contains("pilih:**************1001"), "{page}");
    assert_eq!(long_digits(&page), None);
    let v = audit::verify(&app, None).await.unwrap();
    assert!(v.rusak_pada.is_none(), "{v:?}");
    assert!(v.diperiksa >= 6, "{v:?}");
    // Someone edits an entry in the database by hand.
    let entries = audit::list(&app, &Default::default(), 100).await.unwrap();
    let target = entries.iter().find(|e| e.aksi == "masuk_gagal").unwrap();
    merit::store::testing::execute(
        app.store_for_tests(),
        &format!(
            "UPDATE audit SET orang = 'orang-lain@contoh.go.id' WHERE urutan = {}",
            target.urutan
        ),
    )
    .await
    .unwrap();
    let v = audit::verify(&app, None).await.unwrap();
    assert_eq!(v.rusak_pada, Some(target.urutan), "{v:?}");
    // The command line says the same and fails.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(["audit", "verify"])
        .env("MERIT_DATABASE_URL", &db.url)
        .current_dir(db.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains(&target.urutan.to_string()), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_the_limit_is_refused_in_words_and_nothing_is_written() {
    let db = TestDb::new().await;
    let shared: SharedClock = clock();
    let app = App::open(db.settings_with(&[("MERIT_UNGGAH_MAKS", "1")]), shared)
        .await
        .unwrap();
    accounts::add(
        &app,
        &Email::parse(OPERATOR.0).unwrap(),
        "",
        Role::Operator,
        Some(Password::parse(OPERATOR.1).unwrap()),
        &Actor::cli(),
    )
    .await
    .unwrap();
    let addr = serve_http(&app).await;
    let mut o = Client::new(addr);
    assert_eq!(o.sign_in(OPERATOR.0, OPERATOR.1).await.status, 303);
    let token = o.token().await;
    let mut csv = format!("{}\n", crate::support::CANDIDATE_HEADER);
    while csv.len() < 2 * 1024 * 1024 {
        csv.push_str(&crate::support::candidate_row(
            "1609022304870001",
            "BUDI",
            "1987-04-23",
            "L",
        ));
        csv.push('\n');
    }
    let b = "batas-merit-uji";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"jenis\"\r\n\r\ncalon\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"calon.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{b}--\r\n"
    );
    let r = o
        .send(
            "POST",
            "/admin/impor",
            &[(
                "Content-Type",
                &format!("multipart/form-data; boundary={b}"),
            )],
            body.as_bytes(),
        )
        .await;
    assert!(matches!(r.status, 400 | 413), "{}", r.status);
    let t = r.text();
    assert!(t.contains("batas unggah 1 MB"), "{t}");
    let n = merit::store::testing::scalar(app.store_for_tests(), "SELECT COUNT(*) FROM calon")
        .await
        .unwrap();
    assert_eq!(n, 0);
}
