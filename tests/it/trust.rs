//! Issue 21, trust at the binding moments (console.md 5): a publication from an installation
//! on the built-in copies writes them out whole and is what every running server screens with;
//! one identity (number + fingerprint) for a ruleset version; a keyed audit chain whose
//! rewriting and truncation an anchor shows; sign-in tokens bound to their cookie, an exact
//! throttle, sessions that never end early; and checks of administrators' edits that stop at
//! their limits while the server keeps answering. On SQLite or PostgreSQL.

use std::{
    path::{Path, PathBuf},
    process::Output,
    time::{Duration as StdDuration, Instant},
};

use chrono::Duration;
use merit::{
    domain::{AuditFilter, DefinitionKey, chain_hash},
    service::{
        App, Refusal, ServiceError, accounts, audit, audit::Actor, drafts, drafts::PreviewView,
        ground, screening,
    },
    store::testing,
};

use crate::{
    console::{ADMIN, Client, OPERATOR, clock, demo_app},
    editor::copy_dir,
    support::{TestDb, eml_files, http_request, serve_http, tokens},
};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The demo's data in an installation that runs on the built-in rulesets: its rules folder
/// (`rules/` beside the database) does not exist.
async fn builtin_app(db: &TestDb, extra: &[(&str, &str)]) -> App {
    let app = demo_app(db, 300, clock()).await;
    drop(app);
    App::open(builtin_settings(db, extra), clock())
        .await
        .unwrap()
}

fn builtin_settings(db: &TestDb, extra: &[(&str, &str)]) -> merit::config::Settings {
    let rules = db.path("rules");
    let directory = db.path("data").join("directory.yaml");
    let mut vars = vec![
        ("MERIT_RULES_DIR", rules.to_str().unwrap().to_owned()),
        ("MERIT_DIRECTORY", directory.to_str().unwrap().to_owned()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    db.settings_with(&pairs)
}

/// `merit ARGS` in the test's folder, on its database and its (maybe absent) rules folder.
fn merit(db: &TestDb, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(args)
        .env("MERIT_DATABASE_URL", &db.url)
        .env("MERIT_RULES_DIR", db.path("rules"))
        .env("MERIT_WORKFLOWS_DIR", root().join("workflows"))
        .env("MERIT_DIRECTORY", db.path("data").join("directory.yaml"))
        .env(
            "MERIT_MAIL_URL",
            format!("file://{}", db.path("outbox").display()),
        )
        .current_dir(db.dir.path())
        .output()
        .unwrap()
}

/// `merit rules publish pppk_paruh_waktu --from FROM` with the reason these tests give.
fn publish(db: &TestDb, from: &Path) -> Output {
    merit(
        db,
        &[
            "rules",
            "publish",
            "pppk_paruh_waktu",
            "--from",
            from.to_str().unwrap(),
            "--reason",
            "Judul PW-01 diperjelas",
        ],
    )
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn json(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "{}", said(out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", said(out)))
}

/// The shipped `pppk_paruh_waktu` with one rule's title changed (its tests still pass).
fn edited_ruleset(db: &TestDb) -> PathBuf {
    let dir = db.path("edit/pppk_paruh_waktu");
    copy_dir(&root().join("rules/pppk_paruh_waktu"), &dir);
    let manifest = dir.join("ruleset.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let changed = text.replacen(
        "judul: Identitas sesuai NIK\n",
        "judul: Identitas sesuai NIK dan data Dukcapil\n",
        1,
    );
    assert_ne!(text, changed, "the title to change is in the manifest");
    std::fs::write(&manifest, changed).unwrap();
    dir
}

/// Names in `dir` beginning with a dot (lock files, staging folders).
fn hidden(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

/// Waits (on the fake clock's world, by polling the database) for the newest run to finish.
async fn newest_finished_run(app: &App, not: &str) -> merit::screening::Run {
    for _ in 0..600 {
        let runs = screening::runs(app).await.unwrap();
        if let Some(r) = runs.first()
            && r.id != not
            && r.status == merit::screening::RunStatus::Selesai
        {
            return r.clone();
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    panic!("no run finished");
}

/// Items 1–3 from the command line: `merit rules publish` in an installation without `rules/`
/// writes the built-in rulesets out whole and then the new one; a server started before the
/// publication screens with it; the run, `merit runs show`, `merit screen --json` and `merit
/// rules versions` name it alike (number and fingerprint); `restore` takes the fingerprint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_on_built_in_copies_is_what_a_running_server_screens_with() {
    let db = TestDb::new().await;
    let app = builtin_app(&db, &[]).await;
    assert!(!db.path("rules").exists());
    let before = screening::runs(&app).await.unwrap()[0].clone();
    let addr = serve_http(&app).await;
    let mut op = Client::new(addr);
    assert_eq!(op.sign_in(OPERATOR.0, OPERATOR.1).await.status, 303);
    // The server has read the built-in copies.
    let page = op.get("/admin/aturan").await.text();
    assert!(page.contains(&before.versi), "{page}");

    let from = edited_ruleset(&db);
    let out = publish(&db, &from);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    // Every built-in ruleset was written out, and the new one over it; nothing else left.
    assert!(db.path("rules/pengisian_jabatan/ruleset.yaml").is_file());
    let manifest = std::fs::read_to_string(db.path("rules/pppk_paruh_waktu/ruleset.yaml")).unwrap();
    assert!(manifest.contains("NIK dan data Dukcapil"));
    assert!(
        hidden(&db.path("rules")).is_empty(),
        "{:?}",
        hidden(&db.path("rules"))
    );
    assert!(
        !hidden(db.dir.path()).iter().any(|n| n.contains("rules")),
        "{:?}",
        hidden(db.dir.path())
    );
    assert_eq!(merit(&db, &["rules", "check"]).status.code(), Some(0));

    let versions = json(&merit(
        &db,
        &["--json", "rules", "versions", "pppk_paruh_waktu"],
    ));
    let newest = &versions[0];
    assert_eq!(newest["versi"], 2, "{versions}");
    assert_eq!(versions[1]["sidik"].as_str(), Some(before.versi.as_str()));
    let published = newest["sidik"].as_str().unwrap().to_owned();
    assert_ne!(published, before.versi);

    // The server started before the publication screens with it from its next run.
    let token = op.token().await;
    let r = op.post("/admin/penyaringan", &[("csrf", &token)]).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let run = newest_finished_run(&app, &before.id).await;
    assert_eq!(run.versi, published);
    let page = op
        .get(&format!("/admin/penyaringan/{}", run.id))
        .await
        .text();
    assert!(
        page.contains(&format!("versi 2 (sidik {published})")),
        "{page}"
    );
    let page = op.get("/admin/aturan").await.text();
    assert!(
        page.contains(&format!("versi 2 (sidik {published})")),
        "{page}"
    );
    let shown = json(&merit(&db, &["--json", "runs", "show", &run.id]));
    assert_eq!(shown["ruleset_versi"], 2, "{shown}");
    assert_eq!(shown["ruleset_version"].as_str(), Some(published.as_str()));
    let screened = json(&merit(&db, &["--json", "screen"]));
    assert_eq!(
        screened["ruleset_version"].as_str(),
        Some(published.as_str())
    );
    assert_eq!(screened["ruleset_versi"], 2, "{screened}");

    // Restored by (the start of) its fingerprint: version 1's files as version 3.
    let out = merit(
        &db,
        &[
            "rules",
            "restore",
            "pppk_paruh_waktu",
            &before.versi[..8],
            "--reason",
            "Kembali ke judul lama",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let versions = json(&merit(
        &db,
        &["--json", "rules", "versions", "pppk_paruh_waktu"],
    ));
    assert_eq!(versions[0]["versi"], 3);
    assert_eq!(versions[0]["sidik"].as_str(), Some(before.versi.as_str()));
    let screened = json(&merit(&db, &["--json", "screen"]));
    assert_eq!(
        screened["ruleset_version"].as_str(),
        Some(before.versi.as_str())
    );
    assert_eq!(
        screened["ruleset_versi"], 3,
        "the newest number with these files"
    );
    // A fingerprint nobody has is refused in words.
    let out = merit(
        &db,
        &[
            "rules",
            "restore",
            "pppk_paruh_waktu",
            "abcdef12",
            "--reason",
            "x",
        ],
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(said(&out).contains("tidak ditemukan"), "{}", said(&out));
}

/// Item 1, unlucky cases: a refused publication on the built-in copies leaves no folder and
/// no lock file; a rules folder holding only the lock file an earlier version left is read as
/// absent, and a publication there works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_publication_leaves_the_files_as_they_were() {
    let db = TestDb::new().await;
    let _app = builtin_app(&db, &[]).await;
    let from = edited_ruleset(&db);
    let script = from.join("identitas.rhai");
    let good = std::fs::read_to_string(&script).unwrap();
    std::fs::write(&script, format!("{good}\nlet x = ;\n")).unwrap();
    let out = merit(
        &db,
        &[
            "rules",
            "publish",
            "pppk_paruh_waktu",
            "--from",
            from.to_str().unwrap(),
            "--reason",
            "rusak",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
    assert!(!db.path("rules").exists(), "no folder written");
    assert!(
        hidden(db.dir.path()).is_empty(),
        "{:?}",
        hidden(db.dir.path())
    );
    assert_eq!(merit(&db, &["rules", "check"]).status.code(), Some(0));

    // What an earlier version left behind: an empty rules folder with its lock file.
    std::fs::create_dir_all(db.path("rules")).unwrap();
    std::fs::write(db.path("rules/.merit-terbit.lock"), "").unwrap();
    let out = merit(&db, &["rules", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    std::fs::write(&script, &good).unwrap();
    let out = publish(&db, &from);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(db.path("rules/pengisian_jabatan/ruleset.yaml").is_file());
    assert!(hidden(&db.path("rules")).is_empty());
}

/// Items 1–2 from the console: a draft of a built-in ruleset published by an administrator
/// is what the next run screens with, in the same server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_publication_on_built_in_copies_is_screened_with() {
    let db = TestDb::new().await;
    let app = builtin_app(&db, &[]).await;
    let before = screening::runs(&app).await.unwrap()[0].clone();
    let addr = serve_http(&app).await;
    let mut admin = Client::new(addr);
    assert_eq!(admin.sign_in(ADMIN.0, ADMIN.1).await.status, 303);
    let token = admin.token().await;
    let r = admin
        .post(
            "/admin/draf",
            &[("csrf", &token), ("definisi", "aturan:pppk_paruh_waktu")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let page = r.header("location").unwrap().to_owned();
    let id = page.rsplit('/').next().unwrap().to_owned();
    let d = drafts::get(&app, &id).await.unwrap();
    let r = admin
        .post(
            &format!("{page}/aturan"),
            &[
                ("csrf", &token),
                ("revisi", &d.revisi.to_string()),
                ("id", "PW-01"),
                ("aksi", "ubah"),
                ("judul", "NIK sesuai data Dukcapil"),
                ("dasar_hukum", "Perpres 96/2018"),
                ("pesan", "Data NIK tidak sesuai"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let d = drafts::get(&app, &id).await.unwrap();
    let r = admin
        .post(
            &format!("{page}/terbitkan"),
            &[
                ("csrf", &token),
                ("revisi", &d.revisi.to_string()),
                ("alasan", "Judul PW-01 diperjelas"),
                ("konfirmasi", "ya"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(db.path("rules/pengisian_jabatan/ruleset.yaml").is_file());
    let published = ground::versions::versions(&app, &pppk()).await.unwrap()[0].clone();
    assert_eq!(published.versi, 2);
    let r = admin.post("/admin/penyaringan", &[("csrf", &token)]).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let run = newest_finished_run(&app, &before.id).await;
    assert_eq!(run.versi, published.sidik);
}

// ---- Item 7: the keyed audit chain. ----

async fn some_entries(app: &App) {
    for i in 0..6 {
        audit::record(
            app,
            &Actor::cli(),
            merit::domain::Action::Unduh,
            &format!("daftar {i}"),
            "",
        )
        .await
        .unwrap();
    }
}

async fn entries(app: &App) -> Vec<merit::domain::AuditEntry> {
    let mut all = audit::list(app, &AuditFilter::default(), 100_000)
        .await
        .unwrap();
    all.reverse();
    all
}

/// Rewrites entries from `from` on as a person with the database but not the key would:
/// `orang` of entry `from` changed, and every later hash recomputed as plain SHA-256.
async fn rewrite_without_key(app: &App, from: i64) {
    let all = entries(app).await;
    let mut prev = all
        .iter()
        .find(|e| e.urutan == from - 1)
        .map_or(merit::domain::GENESIS.to_owned(), |e| e.hash.clone());
    for mut e in all.into_iter().filter(|e| e.urutan >= from) {
        if e.urutan == from {
            e.orang = "orang-lain@contoh.go.id".into();
        }
        let hash = chain_hash(&prev, e.urutan, e.waktu_ms, &e.event());
        testing::execute(
            app.store_for_tests(),
            &format!(
                "UPDATE audit SET orang = '{}', hash_sebelum = '{prev}', hash = '{hash}', berkunci = FALSE WHERE urutan = {}",
                e.orang, e.urutan
            ),
        )
        .await
        .unwrap();
        prev = hash;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rewritten_or_truncated_audit_log_is_caught_with_an_anchor() {
    let db = TestDb::new().await;
    let app = db.app().await;
    some_entries(&app).await;
    let anchor = audit::anchor(&app).await.unwrap();
    assert_eq!(anchor.urutan, 6);
    assert!(
        audit::verify(&app, Some(&anchor))
            .await
            .unwrap()
            .rusak_pada
            .is_none()
    );
    // The anchor as a file, read back by the command line.
    let file = db.path("jangkar.json");
    let out = merit(
        &db,
        &["audit", "anchor", "--output", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let out = merit(
        &db,
        &["audit", "verify", "--anchor", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));

    // A middle entry rewritten and the rest recomputed without the key: caught without anchor.
    rewrite_without_key(&app, 4).await;
    let v = audit::verify(&app, None).await.unwrap();
    assert_eq!(v.rusak_pada, Some(4), "{v:?}");

    // The whole chain rewritten without the key passes as an old unkeyed chain — but not
    // against the anchor.
    let db = TestDb::new().await;
    let app = db.app().await;
    some_entries(&app).await;
    let anchor = audit::anchor(&app).await.unwrap();
    rewrite_without_key(&app, 1).await;
    assert!(
        audit::verify(&app, None)
            .await
            .unwrap()
            .rusak_pada
            .is_none()
    );
    let v = audit::verify(&app, Some(&anchor)).await.unwrap();
    assert_eq!(v.rusak_pada, Some(anchor.urutan), "{v:?}");
    assert!(v.alasan.unwrap().contains("ditulis ulang"));

    // The newest entries removed: only the anchor shows it, and the command line exits 4.
    let db = TestDb::new().await;
    let app = db.app().await;
    some_entries(&app).await;
    let file = db.path("jangkar.json");
    let out = merit(
        &db,
        &["audit", "anchor", "--output", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    testing::execute(app.store_for_tests(), "DELETE FROM audit WHERE urutan >= 5")
        .await
        .unwrap();
    assert!(
        audit::verify(&app, None)
            .await
            .unwrap()
            .rusak_pada
            .is_none()
    );
    let out = merit(
        &db,
        &["audit", "verify", "--anchor", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(4), "{}", said(&out));
    assert!(said(&out).contains("dihapus"), "{}", said(&out));
}

/// An unkeyed chain written before this version is sealed into the keyed one by the first
/// entry this version writes; rewriting the old part then breaks the seal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_unkeyed_chain_is_sealed() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let mut prev = merit::domain::GENESIS.to_owned();
    for n in 1..=3i64 {
        let e = merit::domain::AuditEvent {
            orang: "kaban@contoh.go.id".into(),
            dari: "127.0.0.1".into(),
            aksi: "masuk".into(),
            objek: String::new(),
            rincian: format!("lama {n}"),
        };
        let hash = chain_hash(&prev, n, n * 1000, &e);
        testing::execute(
            app.store_for_tests(),
            &format!(
                "INSERT INTO audit (instansi, urutan, waktu_ms, orang, dari, aksi, objek, rincian, hash_sebelum, hash) \
                 VALUES ('default', {n}, {}, '{}', '{}', '{}', '', '{}', '{prev}', '{hash}')",
                n * 1000,
                e.orang,
                e.dari,
                e.aksi,
                e.rincian
            ),
        )
        .await
        .unwrap();
        prev = hash;
    }
    some_entries(&app).await;
    let all = entries(&app).await;
    assert_eq!(all[3].aksi, "audit_segel", "{all:?}");
    assert!(all[3].berkunci && !all[2].berkunci);
    assert!(all.iter().skip(3).all(|e| e.berkunci));
    assert!(
        audit::verify(&app, None)
            .await
            .unwrap()
            .rusak_pada
            .is_none()
    );
    rewrite_old_part(&app).await;
    let v = audit::verify(&app, None).await.unwrap();
    assert_eq!(v.rusak_pada, Some(4), "the seal no longer holds: {v:?}");
}

/// The old part rewritten consistently (entry 2's details changed, 2–3 recomputed).
async fn rewrite_old_part(app: &App) {
    let all = entries(app).await;
    let mut prev = all[0].hash.clone();
    for mut e in all.into_iter().skip(1).take(2) {
        e.rincian = "diubah".into();
        let hash = chain_hash(&prev, e.urutan, e.waktu_ms, &e.event());
        testing::execute(
            app.store_for_tests(),
            &format!(
                "UPDATE audit SET rincian = 'diubah', hash_sebelum = '{prev}', hash = '{hash}' WHERE urutan = {}",
                e.urutan
            ),
        )
        .await
        .unwrap();
        prev = hash;
    }
}

// ---- Item 8: sign-in and sessions. ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_tokens_are_bound_unknown_names_are_not_written_and_the_throttle_is_exact() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 50, clock()).await;
    let addr = serve_http(&app).await;

    // A cookie and a token an attacker chose (equal, as the old check wanted): refused.
    let mut c = Client::new(addr);
    c.cookies.insert("merit_masuk".into(), "a".repeat(64));
    let r = c
        .post(
            "/admin/masuk",
            &[
                ("email", ADMIN.0),
                ("kata_sandi", ADMIN.1),
                ("csrf", &"a".repeat(64)),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    // The form's own token still works.
    assert_eq!(c.sign_in(ADMIN.0, ADMIN.1).await.status, 303);

    // A password typed into the e-mail field is never written anywhere.
    let mut c = Client::new(addr);
    let typed = "Rahasia-Sekali-2026";
    assert_eq!(c.sign_in(typed, "apa saja").await.status, 401);
    let log = audit::list(&app, &AuditFilter::default(), 1_000)
        .await
        .unwrap();
    assert!(!log.iter().any(|e| format!("{e:?}").contains(typed)));
    let refused = log.iter().find(|e| e.aksi == "masuk_gagal").unwrap();
    assert_eq!(refused.orang, accounts::UNKNOWN_ACCOUNT);

    // Twelve wrong passwords at once for one account: exactly five are checked.
    let mut tasks = Vec::new();
    for i in 0..12 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            accounts::sign_in(
                &app,
                OPERATOR.0,
                "salah-salah-salah",
                &format!("10.0.0.{i}"),
            )
            .await
        }));
    }
    let mut refused = 0;
    let mut throttled = 0;
    for t in tasks {
        match t.await.unwrap() {
            Err(ServiceError::Refused(Refusal::SignInRefused)) => refused += 1,
            Err(ServiceError::Refused(Refusal::SignInThrottled(_))) => throttled += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((refused, throttled), (5, 7));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_cookie_is_a_host_cookie_over_https() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 50, clock()).await;
    let https = app.with_settings(|s| s.base_url = "https://merit.contoh.go.id".into());
    let addr = serve_http(&https).await;
    let r = Client::new(addr).get("/admin/masuk").await;
    let cookie = r
        .headers
        .iter()
        .find(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(cookie.starts_with("__Host-merit_masuk="), "{cookie}");
    assert!(
        cookie.contains("Path=/;") && cookie.contains("Secure"),
        "{cookie}"
    );
    let mut c = Client::new(addr);
    assert_eq!(c.sign_in(ADMIN.0, ADMIN.1).await.status, 303);
}

/// A session used every 50 seconds under a one-minute `sesi_ttl` never ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_in_use_never_ends_early() {
    let db = TestDb::new().await;
    let clock = clock();
    let app = demo_app(&db, 50, clock.clone()).await;
    let short = app.with_settings(|s| s.session_idle = Duration::minutes(1));
    let addr = serve_http(&short).await;
    let mut c = Client::new(addr);
    assert_eq!(c.sign_in(ADMIN.0, ADMIN.1).await.status, 303);
    for _ in 0..6 {
        clock.advance(Duration::seconds(50));
        assert_eq!(c.get("/admin").await.status, 200);
    }
    clock.advance(Duration::seconds(61));
    assert_eq!(
        c.get("/admin").await.status,
        303,
        "unused for over a minute"
    );
}

// ---- Items 5–6: bounded work. ----

/// The approval links of the demo's prompts.
fn links(db: &TestDb) -> Vec<String> {
    eml_files(&db.path("outbox"))
        .iter()
        .flat_map(|m| tokens(m))
        .collect()
}

/// Runs `work` while asking `/healthz` and an approver's confirm page again and again; returns
/// the work's result and the slowest answer seen, after checking that answers came while it
/// ran.
async fn while_answering<T>(
    addr: std::net::SocketAddr,
    link: &str,
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> (T, StdDuration)
where
    T: Send + 'static,
{
    let started = Instant::now();
    let task = tokio::spawn(work);
    let (mut answered, mut slowest) = (0, StdDuration::ZERO);
    while !task.is_finished() {
        for path in ["/healthz".to_owned(), format!("/persetujuan/{link}")] {
            let t = Instant::now();
            let (status, _) = http_request(addr, "GET", &path, "").await;
            let took = t.elapsed();
            assert_eq!(status, 200, "{path}");
            slowest = slowest.max(took);
            if !task.is_finished() {
                answered += 1;
            }
        }
    }
    let out = task.await.unwrap();
    eprintln!(
        "bounded work stopped after {:?}; {answered} answers meanwhile, slowest {slowest:?}",
        started.elapsed()
    );
    assert!(answered >= 2, "the server answered while the check ran");
    (out, slowest)
}

/// A typst template that would run for hours.
const TYPST_LOOP: &str = "#for i in range(100000) { for j in range(100000) { } }\n";

/// A rule script that runs until a limit stops it.
const RHAI_LOOP: &str = "let n = 0; loop { n += 1; }\n";

fn pppk() -> DefinitionKey {
    DefinitionKey::Ruleset("pppk_paruh_waktu".into())
}

fn admin() -> Actor {
    Actor::account(ADMIN.0, "127.0.0.1")
}

/// A draft of `key` by the administrator with `file` replaced by `text`; its id.
async fn hostile_draft(app: &App, key: DefinitionKey, file: &str, text: &str) -> String {
    let admin = admin();
    let d = drafts::begin(app, &key, &admin).await.unwrap();
    drafts::save_file(app, &d.id, d.revisi, file, Some(text), &admin)
        .await
        .unwrap();
    d.id
}

/// Presses Periksa (`what` = `periksa`) or Uji (`uji`) on draft `id` as the signed-in `c`,
/// while asking `/healthz` and a confirm page again and again; the page shown and the slowest
/// answer meanwhile.
async fn periksa_while_answering(
    addr: std::net::SocketAddr,
    link: &str,
    c: &Client,
    token: &str,
    id: &str,
    what: &'static str,
) -> (String, StdDuration) {
    let mut poster = Client {
        addr,
        cookies: c.cookies.clone(),
    };
    let (page, token) = (format!("/admin/draf/{id}/periksa"), token.to_owned());
    while_answering(addr, link, async move {
        poster
            .post(&page, &[("csrf", &token), (what, "1")])
            .await
            .text()
    })
    .await
}

/// A document template that never ends, one that fills memory, a message template that writes
/// without end and a Rhai script that spends its time limit on every case: each stopped at its
/// limit, saying so, while `/healthz` and a confirm page keep answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_checks_stop_at_their_limits_while_the_server_answers() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 100, clock()).await;
    let app = app.with_settings(|s| {
        s.check_limits.wall = StdDuration::from_secs(2);
        s.check_limits.memory = 512 * 1024 * 1024;
        // The time limit, not the operation count, stops a script: each case spends it.
        s.script_limits.tenggat_ms = 300;
        s.script_limits.operasi = 1_000_000_000_000;
    });
    let link = links(&db).into_iter().next().unwrap();
    let addr = serve_http(&app).await;
    let mut c = Client::new(addr);
    assert_eq!(c.sign_in(ADMIN.0, ADMIN.1).await.status, 303);
    let token = c.token().await;
    let admin = admin();

    // Typst: two nested loops over 100,000 — hours in-process.
    let docs = hostile_draft(&app, DefinitionKey::Documents, "sptjm.typ", TYPST_LOOP).await;
    let (shown, slowest) = periksa_while_answering(addr, &link, &c, &token, &docs, "periksa").await;
    assert!(shown.contains("batas waktu 2 detik"), "{shown}");
    assert!(slowest < StdDuration::from_secs(1), "{slowest:?}");

    // Typst: a template that fills memory stops at the memory limit.
    let d = drafts::get(&app, &docs).await.unwrap();
    drafts::save_file(
        &app,
        &d.id,
        d.revisi,
        "sptjm.typ",
        Some("#let a = range(100000000).map(i => str(i))\n#a.len()\n"),
        &admin,
    )
    .await
    .unwrap();
    let t = Instant::now();
    let shown = c
        .post(
            &format!("/admin/draf/{docs}/periksa"),
            &[("csrf", &token), ("periksa", "1")],
        )
        .await
        .text();
    eprintln!("memory-hungry template stopped after {:?}", t.elapsed());
    assert!(
        shown.contains("batas memori") || shown.contains("batas waktu"),
        "{shown}"
    );
    drafts::discard(&app, &docs, &admin).await.unwrap();

    // A message template writing without end: the draft page shows the sample stopped.
    let templates = hostile_draft(
        &app,
        DefinitionKey::Templates,
        "permintaan.html",
        r#"{% for i in range(3) %}{{ "x" * 100000000 }}{% endfor %}"#,
    )
    .await;
    let r = c.get(&format!("/admin/draf/{templates}")).await;
    assert_eq!(r.status, 200);
    assert!(r.body.len() < 3 * 1024 * 1024, "{}", r.body.len());
    assert!(r.text().contains("melebihi 2 MB"));
    drafts::discard(&app, &templates, &admin).await.unwrap();

    // Rhai: a script that runs into its time limit on every case; Uji stops early.
    let id = hostile_draft(&app, pppk(), "usia.rhai", RHAI_LOOP).await;
    let (shown, slowest) = periksa_while_answering(addr, &link, &c, &token, &id, "uji").await;
    assert!(shown.contains("melewati batas skrip"), "{shown}");
    assert!(slowest < StdDuration::from_secs(1), "{slowest:?}");
    let d = drafts::get(&app, &id).await.unwrap();

    // Its preview stops by itself, saying why.
    let t = Instant::now();
    let job = drafts::start_preview(&app, &d.id, &admin).await.unwrap();
    job.ended().await;
    eprintln!("hostile preview stopped after {:?}", t.elapsed());
    let d = drafts::get(&app, &d.id).await.unwrap();
    match drafts::preview_view(&app, &d) {
        PreviewView::Failed(e) => assert!(e.contains("melewati batas skrip"), "{e}"),
        other => panic!("{other:?}"),
    }
}

/// At most two previews at once per process, cancelled inside a running script when the
/// draft goes, and five open drafts per administrator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previews_and_drafts_are_limited() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    // A second's time limit per candidate and a script that uses it: a preview would take
    // minutes if nothing stopped it.
    let app = app.with_settings(|s| {
        s.script_limits.tenggat_ms = 1_000;
        s.script_limits.operasi = 1_000_000_000_000;
    });
    let admin = admin();
    let key = pppk();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(hostile_draft(&app, key.clone(), "usia.rhai", RHAI_LOOP).await);
    }
    let first = drafts::start_preview(&app, &ids[0], &admin).await.unwrap();
    let _second = drafts::start_preview(&app, &ids[1], &admin).await.unwrap();
    let third = drafts::start_preview(&app, &ids[2], &admin).await;
    assert!(
        matches!(
            third,
            Err(ServiceError::Refused(Refusal::TooManyPreviews(2)))
        ),
        "{:?}",
        third.err()
    );
    // Discarding the draft stops its preview inside the script it is running.
    let t = Instant::now();
    drafts::discard(&app, &ids[0], &admin).await.unwrap();
    first.ended().await;
    eprintln!("preview cancelled after {:?}", t.elapsed());
    assert!(t.elapsed() < StdDuration::from_secs(5), "{:?}", t.elapsed());

    // Five open drafts per person: with two open, three more are allowed, a sixth is refused.
    for _ in 0..3 {
        drafts::begin(&app, &key, &admin).await.unwrap();
    }
    let sixth = drafts::begin(&app, &key, &admin).await;
    assert!(
        matches!(sixth, Err(ServiceError::Refused(Refusal::TooManyDrafts(5)))),
        "{:?}",
        sixth.err()
    );
    drafts::discard(&app, &ids[1], &admin).await.unwrap();
    drafts::begin(&app, &key, &admin).await.unwrap();
}

/// Item 7: the daily digest to `ADMIN` carries the audit anchor, as a line that reads back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_digest_carries_the_audit_anchor() {
    let db = TestDb::new().await;
    let clock = clock();
    let app = demo_app(&db, 50, clock.clone()).await;
    let app = app.with_settings(|s| {
        s.schedules = vec![merit::config::ScheduleSetting {
            task: "ringkasan".into(),
            cron: "0 0 * * * *".into(),
            ruleset: None,
        }];
    });
    let jobs = merit::service::scheduler::jobs(app.settings()).unwrap();
    merit::service::scheduler::run_due(&app, &jobs, "a", None)
        .await
        .unwrap();
    clock.advance(Duration::hours(1));
    let fired = merit::service::scheduler::run_due(&app, &jobs, "a", None)
        .await
        .unwrap();
    assert_eq!(fired.len(), 1, "{fired:?}");
    merit::service::outbox::flush(&app).await.unwrap();
    let digest = eml_files(&db.path("outbox"))
        .into_iter()
        .map(|m| crate::support::readable(m.as_bytes()))
        .find(|m| m.contains("Jangkar log audit"))
        .expect("a digest with the anchor");
    let line = digest
        .lines()
        .flat_map(|l| l.split("BERKAS: ").nth(1))
        .next()
        .expect("the anchor line");
    let json: String = line
        .chars()
        .take_while(|c| *c != '}')
        .chain(['}'])
        .collect();
    let anchor = audit::parse_anchor(&json).unwrap_or_else(|e| panic!("{e}: {digest}"));
    assert!(
        audit::verify(&app, Some(&anchor))
            .await
            .unwrap()
            .rusak_pada
            .is_none()
    );
}

/// `MERIT_SECRET` set after merit kept its own secret in the database: the earlier entries
/// still verify (under the stored secret, up to the first entry under the new one), and
/// rewriting them with the stored secret — which a database writer can read — breaks that
/// first entry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_set_later_keeps_the_earlier_entries_verifiable() {
    let db = TestDb::new().await;
    let app = db.app().await;
    some_entries(&app).await;
    let stored = app
        .store_for_tests()
        .setting("rahasia_tautan")
        .await
        .unwrap()
        .unwrap();
    let later = app.with_settings(|s| {
        s.secret = Some(merit::config::Secret::new(
            "rahasia-baru-yang-panjang-sekali-2026",
        ))
    });
    some_entries(&later).await;
    let v = audit::verify(&later, None).await.unwrap();
    assert!(v.rusak_pada.is_none(), "{v:?}");
    assert!(!v.kunci_di_basis_data);

    // Entry 3 rewritten with the old key and 3–6 recomputed: entry 7, under the new key, no
    // longer follows.
    let old = merit::domain::AuditKey::derive(stored.as_bytes(), "default");
    let all = entries(&later).await;
    let mut prev = all[1].hash.clone();
    for mut e in all.into_iter().skip(2).take(4) {
        if e.urutan == 3 {
            e.orang = "orang-lain@contoh.go.id".into();
        }
        let hash = merit::domain::keyed_hash(&old, &prev, e.urutan, e.waktu_ms, &e.event());
        testing::execute(
            later.store_for_tests(),
            &format!(
                "UPDATE audit SET orang = '{}', hash_sebelum = '{prev}', hash = '{hash}' WHERE urutan = {}",
                e.orang, e.urutan
            ),
        )
        .await
        .unwrap();
        prev = hash;
    }
    let v = audit::verify(&later, None).await.unwrap();
    assert_eq!(v.rusak_pada, Some(7), "{v:?}");
}

/// An account change and its audit entry commit together: when the entry cannot be written
/// (here a trigger refuses it), the action fails and the account is as it was.
#[tokio::test]
async fn a_failed_audit_append_rolls_the_account_change_back() {
    let db = TestDb::new().await;
    if db.is_postgres() {
        return; // The trigger below is SQLite's; the transaction is the same on both.
    }
    let c = clock();
    let shared: merit::clock::SharedClock = c.clone();
    let app = App::open(db.settings(), shared).await.unwrap();
    let admin = Actor::account(ADMIN.0, "127.0.0.1");
    let email = merit::domain::Email::parse(OPERATOR.0).unwrap();
    accounts::add(
        &app,
        &email,
        "",
        merit::domain::Role::Operator,
        Some(merit::domain::Password::parse(OPERATOR.1).unwrap()),
        &Actor::cli(),
    )
    .await
    .unwrap();
    let store = app.store_for_tests();
    let state = format!(
        "SELECT aktif * 1000000000000000 + diubah_ms FROM pengguna WHERE email = '{}'",
        OPERATOR.0
    );
    let before = testing::scalar(store, &state).await.unwrap();
    let entries = testing::scalar(store, "SELECT COUNT(*) FROM audit")
        .await
        .unwrap();
    refuse_audit(store, true).await;
    c.advance(Duration::minutes(1));
    assert!(accounts::disable(&app, &email, &admin).await.is_err());
    let password = merit::domain::Password::parse("kata-sandi-baru-123").unwrap();
    assert!(
        accounts::reset_password(&app, &email, Some(password), &admin)
            .await
            .is_err()
    );
    assert_eq!(testing::scalar(store, &state).await.unwrap(), before);
    // Disabled without the trigger, enabling with it fails and leaves it disabled.
    refuse_audit(store, false).await;
    accounts::disable(&app, &email, &admin).await.unwrap();
    let disabled = testing::scalar(store, &state).await.unwrap();
    refuse_audit(store, true).await;
    c.advance(Duration::minutes(1));
    assert!(accounts::enable(&app, &email, &admin).await.is_err());
    assert_eq!(testing::scalar(store, &state).await.unwrap(), disabled);
    assert_eq!(
        testing::scalar(store, "SELECT COUNT(*) FROM audit")
            .await
            .unwrap(),
        entries + 1
    );
}

/// A binding change and its audit entry commit together: with the audit log refusing every
/// entry, a placement, a workflow start, an import, a draft and a screening run leave nothing
/// of themselves behind that counts.
#[tokio::test]
async fn binding_changes_do_not_outlive_a_refused_audit_entry() {
    let db = TestDb::new().await;
    if db.is_postgres() {
        return; // The trigger below is SQLite's; the transactions are the same on both.
    }
    let c = clock();
    let app = demo_app(&db, 300, c.clone()).await;
    let store = app.store_for_tests();
    let kaban = crate::support::kaban();
    let counts = || async {
        let mut out = Vec::new();
        for sql in [
            "SELECT COUNT(*) FROM penempatan",
            "SELECT COUNT(*) FROM instans",
            "SELECT COUNT(*) FROM impor",
            "SELECT COUNT(*) FROM draf",
            "SELECT COUNT(*) FROM run_penyaringan WHERE status = 'selesai'",
            "SELECT COUNT(*) FROM pengguna",
            "SELECT COUNT(*) FROM audit",
        ] {
            out.push((sql, testing::scalar(store, sql).await.unwrap()));
        }
        out
    };
    let before = counts().await;
    refuse_audit(store, true).await;
    c.advance(Duration::minutes(1));
    assert!(
        merit::service::placement::place(&app, None, &kaban)
            .await
            .is_err()
    );
    assert!(
        merit::service::workflow::start(&app, "usulan_pppk_paruh_waktu", None, &kaban, None)
            .await
            .is_err()
    );
    let imported = merit::service::ImportOptions {
        kind: merit::ingest::ImportKind::Formations,
        path: db.path("data").join("formations.csv"),
        skip_invalid: false,
        izinkan_di_bawah_katalog: false,
        sheet: None,
        berkas: None,
        actor: kaban.clone(),
        progress: None,
    };
    assert!(
        merit::service::import(&app, &imported, |_| {})
            .await
            .is_err()
    );
    assert!(
        drafts::begin(&app, &DefinitionKey::Directory, &kaban)
            .await
            .is_err()
    );
    assert!(
        accounts::add(
            &app,
            &merit::domain::Email::parse("baru@bkpsdm.go.id").unwrap(),
            "",
            merit::domain::Role::Pengamat,
            None,
            &kaban,
        )
        .await
        .is_err()
    );
    let run = screening::ScreenOptions {
        ruleset: None,
        actor: kaban.clone(),
        progress: None,
        stop: None,
        started: None,
    };
    assert!(screening::screen(&app, &run).await.is_err());
    assert_eq!(counts().await, before);
}

/// Makes every audit append fail (`true`, a SQLite trigger that raises) or work again.
pub(crate) async fn refuse_audit(store: &merit::store::Store, refuse: bool) {
    let sql = if refuse {
        "CREATE TRIGGER IF NOT EXISTS audit_ditolak BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit ditolak'); END"
    } else {
        "DROP TRIGGER IF EXISTS audit_ditolak"
    };
    testing::execute(store, sql).await.unwrap();
}
