//! The scheduled engine (issue 7): fire times in the configured zone, missed occurrences run
//! once, one run per occurrence across processes, live reload, and the demo end to end.

use std::{
    io::{BufRead, BufReader, Read, Write},
    sync::Arc,
};

use chrono::{Duration, TimeZone, Timelike, Utc};
use merit::{
    clock::{FakeClock, SharedClock},
    config::ScheduleSetting,
    service::{App, ground, reload, scheduler},
    store::testing::scalar,
};

use crate::support::{TestDb, write};

async fn app_at(
    db: &TestDb,
    extra: &[(&str, &str)],
    at: chrono::DateTime<Utc>,
) -> (App, Arc<FakeClock>) {
    let settings = db.settings_with(extra);
    let clock = Arc::new(FakeClock::at(at));
    let shared: SharedClock = clock.clone();
    (App::open(settings, shared).await.unwrap(), clock)
}

#[test]
fn schedule_times_are_read_in_asia_jakarta() {
    let db_settings =
        merit::config::Settings::load_from(None, Vec::<(String, String)>::new()).unwrap();
    let jobs = scheduler::jobs(&db_settings).unwrap();
    let digest = jobs
        .iter()
        .find(|j| j.task == scheduler::Task::Ringkasan)
        .unwrap();
    // 27 November 2026 12.00 UTC = 19.00 WIB: the next 07.00 WIB is 28 November 00.00 UTC.
    let after = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    let next = scheduler::upcoming(digest, db_settings.timezone, after, 5);
    assert_eq!(
        next[0].with_timezone(&Utc),
        Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap()
    );
    assert!(next.iter().all(|t| t.hour() == 7));
    let listing = scheduler::list(&db_settings, after).unwrap();
    assert!(
        listing
            .iter()
            .all(|l| l.berikutnya.len() == 5 && l.berikutnya[0].ends_with("WIB"))
    );
    assert_eq!(listing[2].berikutnya[0], "28 November 2026 pukul 07.00 WIB");
}

fn hourly_reminders(settings: &mut merit::config::Settings) {
    hourly(settings, "pengingat");
}

/// `task` every hour on the hour, and nothing else scheduled.
fn hourly(settings: &mut merit::config::Settings, task: &str) {
    settings.schedules = vec![ScheduleSetting {
        task: task.into(),
        cron: "0 0 * * * *".into(),
        ruleset: None,
    }];
}

#[tokio::test]
async fn a_missed_occurrence_runs_once_and_two_schedulers_never_both_run_it() {
    let db = TestDb::new().await;
    let t0 = Utc.with_ymd_and_hms(2025, 8, 11, 2, 30, 0).unwrap();
    let (a, clock_a) = app_at(&db, &[], t0).await;
    let a = a.with_settings(hourly_reminders);
    let jobs = scheduler::jobs(a.settings()).unwrap();
    // First start: nothing before it counts as missed.
    assert!(
        scheduler::run_due(&a, &jobs, "a", None)
            .await
            .unwrap()
            .is_empty()
    );
    // Nothing ran for five hours: the latest missed occurrence runs once.
    clock_a.advance(Duration::hours(5));
    let fired = scheduler::run_due(&a, &jobs, "a", None).await.unwrap();
    assert_eq!(fired.len(), 1);
    assert_eq!(
        fired[0].waktu,
        Utc.with_ymd_and_hms(2025, 8, 11, 7, 0, 0).unwrap()
    );
    assert!(fired[0].berhasil);
    assert!(
        scheduler::run_due(&a, &jobs, "a", None)
            .await
            .unwrap()
            .is_empty()
    );

    // A second process on the same database: each following occurrence runs once in total.
    let (b, clock_b) = app_at(&db, &[], clock_a.now_for_test()).await;
    let b = b.with_settings(hourly_reminders);
    for _ in 0..6 {
        clock_a.advance(Duration::hours(1));
        clock_b.set(clock_a.now_for_test());
        let (ra, rb) = tokio::join!(
            scheduler::run_due(&a, &jobs, "a", None),
            scheduler::run_due(&b, &jobs, "b", None)
        );
        assert_eq!(ra.unwrap().len() + rb.unwrap().len(), 1);
    }
    let claims = a.store_for_tests().occurrences("pengingat").await.unwrap();
    assert_eq!(claims.len(), 7);
    let mut times: Vec<i64> = claims.iter().map(|c| c.0).collect();
    times.dedup();
    assert_eq!(times.len(), 7);
}

trait NowForTest {
    fn now_for_test(&self) -> chrono::DateTime<Utc>;
}

impl NowForTest for FakeClock {
    fn now_for_test(&self) -> chrono::DateTime<Utc> {
        use merit::clock::Clock;
        self.now()
    }
}

#[tokio::test]
async fn reload_accepts_refuses_keeps_the_last_good_version_and_tells_admin() {
    let db = TestDb::new().await;
    let wf = db.path("workflows");
    std::fs::create_dir_all(&wf).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let shipped =
        std::fs::read_to_string(format!("{root}/workflows/usulan_pppk_paruh_waktu.yaml")).unwrap();
    write(&wf, "usulan_pppk_paruh_waktu.yaml", &shipped);
    let dir = write(
        db.dir.path(),
        "directory.yaml",
        "orang:\n  - { id: kaban, nama: Kepala BKPSDM, email: kaban@contoh.go.id, peran: [KEPALA_BKPSDM, ADMIN] }\n",
    );
    let (app, _) = app_at(
        &db,
        &[
            ("MERIT_WORKFLOWS_DIR", wf.to_str().unwrap()),
            ("MERIT_DIRECTORY", dir.to_str().unwrap()),
        ],
        Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap(),
    )
    .await;
    let before = ground::rules::fingerprint(app.settings());
    let ok = reload::validate(&app).await.unwrap();
    assert!(ok.ditolak.is_empty(), "{:?}", ok.ditolak);
    assert!(
        ok.diterima
            .iter()
            .any(|d| d.starts_with("workflow usulan_pppk_paruh_waktu"))
    );

    // A broken edit: noticed, refused with file:line, ADMIN told once.
    write(
        &wf,
        "usulan_pppk_paruh_waktu.yaml",
        &shipped.replace("jika_setuju: anggaran", "jika_setuju: anggaran_x"),
    );
    assert_ne!(ground::rules::fingerprint(app.settings()), before);
    let refused = reload::validate(&app).await.unwrap();
    assert!(
        refused
            .ditolak
            .iter()
            .any(|e| e.contains("usulan_pppk_paruh_waktu.yaml:") && e.contains("anggaran_x")),
        "{:?}",
        refused.ditolak
    );
    reload::validate(&app).await.unwrap();
    let told = scalar(app.store_for_tests(), "SELECT COUNT(*) FROM kotak_keluar WHERE jenis = 'admin' AND orang = 'kaban' AND kunci LIKE 'muat_ulang/%'").await.unwrap();
    assert_eq!(told, 1);
    let stored = app
        .store_for_tests()
        .latest_workflow_version("usulan_pppk_paruh_waktu")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.2, shipped, "the last good version is kept");
}

#[test]
fn the_demo_prints_a_link_that_answers_and_advances_the_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(["demo", "--candidates", "300", "--dir", "contoh-demo"])
        .current_dir(dir.path())
        .env("MERIT_RULES_DIR", format!("{root}/rules"))
        .env("MERIT_WORKFLOWS_DIR", format!("{root}/workflows"))
        .env("MERIT_HTTP_ADDR", "127.0.0.1:0")
        .env_remove("MERIT_DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Keep reading the demo's output for as long as it runs (a closed pipe would end it).
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let mut link = None;
    let mut printed = String::new();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(120)) {
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("/persetujuan/") && line.contains(".setuju.") {
            link = Some(line.trim().to_owned());
            break;
        }
    }
    let link = link.unwrap_or_else(|| panic!("no link printed:\n{printed}"));
    assert!(printed.contains("calon dibuat dan diimpor"), "{printed}");
    let url = link.strip_prefix("http://").unwrap();
    let (host, path) = url.split_once('/').unwrap();
    let request = |method: &str, body: &str| -> (u16, String) {
        for _ in 0..100 {
            if let Ok(mut s) = std::net::TcpStream::connect(host) {
                write!(
                    s,
                    "{method} /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .unwrap();
                let mut out = String::new();
                s.read_to_string(&mut out).unwrap();
                return (out.split(' ').nth(1).unwrap().parse().unwrap(), out);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("demo never listened on {host}");
    };
    let (status, page) = request("GET", "");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Konfirmasi jawaban"));
    let (status, page) = request("POST", "keputusan=setuju&komentar=Demo");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("jawaban tercatat"));
    // The next prompt is delivered by the running service within a few seconds.
    let outbox = dir.path().join("contoh-demo/outbox");
    let count = || std::fs::read_dir(&outbox).map(|d| d.count()).unwrap_or(0);
    let before = count();
    for _ in 0..100 {
        if count() > before {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(count() > before, "the next prompt was not written");
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    // The answer moved one of the demo's workflows past its first step.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(["workflow", "list", "--json"])
        .current_dir(dir.path())
        .env(
            "MERIT_DATABASE_URL",
            format!("sqlite://{}/contoh-demo/merit.db", dir.path().display()),
        )
        .env("MERIT_WORKFLOWS_DIR", format!("{root}/workflows"))
        .env(
            "MERIT_DIRECTORY",
            format!("{}/contoh-demo/data/directory.yaml", dir.path().display()),
        )
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["langkah_aktif"].as_str())
        .collect();
    assert!(
        steps.contains(&"persetujuan_bkpsdm") || steps.contains(&"tpk"),
        "{steps:?}"
    );
    // Running it twice works: it starts over in its own folder.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_merit"))
        .args([
            "demo",
            "--candidates",
            "200",
            "--dir",
            "contoh-demo",
            "--no-serve",
        ])
        .current_dir(dir.path())
        .env("MERIT_RULES_DIR", format!("{root}/rules"))
        .env("MERIT_WORKFLOWS_DIR", format!("{root}/workflows"))
        .env("MERIT_HTTP_ADDR", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

/// Two real `merit serve` processes on one database (PostgreSQL in CI's second pass): a scheduled
/// screening occurrence runs once, its run is split between them, and every message is sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serve_processes_share_one_database() {
    use chrono::Timelike as _;
    let db = TestDb::new().await;
    let app = db.app().await;
    let data = crate::support::regency(&app, db.dir.path(), 100_000, 11).await;
    // Fire once, a few seconds from now (local time, Asia/Jakarta).
    let at = merit::clock::Clock::now(&merit::clock::SystemClock)
        .with_timezone(&chrono_tz::Asia::Jakarta)
        + Duration::seconds(4);
    let config = write(
        db.dir.path(),
        "merit.yaml",
        &format!(
            "jadwal:\n  - {{ tugas: penyaringan, cron: \"{} {} {} * * *\" }}\n  - {{ tugas: pengingat, cron: \"* * * * * *\" }}\n",
            at.second(),
            at.minute(),
            at.hour()
        ),
    );
    let outbox = db.path("outbox");
    let spawn = |name: &str| {
        serve_command(&db, &config, &data)
            .env("RUST_LOG", "warn")
            .stderr(std::fs::File::create(db.path(&format!("{name}.log"))).unwrap())
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (spawn("a"), spawn("b"));
    let mut done = false;
    for _ in 0..1200 {
        let finished = scalar(
            app.store_for_tests(),
            "SELECT COUNT(*) FROM run_penyaringan WHERE status = 'selesai'",
        )
        .await
        .unwrap();
        let waiting = scalar(
            app.store_for_tests(),
            "SELECT COUNT(*) FROM kotak_keluar WHERE status <> 'terkirim'",
        )
        .await
        .unwrap();
        let summaries = scalar(
            app.store_for_tests(),
            "SELECT COUNT(*) FROM kotak_keluar WHERE jenis = 'penyaringan_selesai'",
        )
        .await
        .unwrap();
        if finished == 1 && summaries > 0 && waiting == 0 {
            done = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for c in [&mut a, &mut b] {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
    }
    let (sa, sb) = (a.wait().unwrap(), b.wait().unwrap());
    let logs = format!(
        "{}\n{}",
        std::fs::read_to_string(db.path("a.log")).unwrap_or_default(),
        std::fs::read_to_string(db.path("b.log")).unwrap_or_default()
    );
    assert!(done, "the scheduled run did not finish:\n{logs}");
    assert!(sa.success() && sb.success(), "{sa} {sb}\n{logs}");
    // One occurrence, one run, every candidate decided once.
    assert_eq!(
        scalar(
            app.store_for_tests(),
            "SELECT COUNT(*) FROM jadwal_klaim WHERE tugas = 'penyaringan'"
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        scalar(
            app.store_for_tests(),
            "SELECT COUNT(*) FROM run_penyaringan"
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        scalar(app.store_for_tests(), "SELECT COUNT(*) FROM keputusan")
            .await
            .unwrap(),
        100_000
    );
    // Both processes worked on the run.
    let owners = scalar(
        app.store_for_tests(),
        "SELECT COUNT(DISTINCT pemilik) FROM run_potongan",
    )
    .await
    .unwrap();
    assert_eq!(owners, 2, "{logs}");
    // Each reminder occurrence once (the key forbids duplicates; both processes claimed some).
    let claims = a_claims(&app).await;
    assert!(claims.len() >= 2);
    // Every message sent exactly once: one file per sent row.
    let sent = scalar(
        app.store_for_tests(),
        "SELECT COUNT(*) FROM kotak_keluar WHERE status = 'terkirim'",
    )
    .await
    .unwrap();
    let files = std::fs::read_dir(&outbox)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "eml")
        })
        .count();
    assert_eq!(sent as usize, files);
    assert!(sent >= 1);
}

async fn a_claims(app: &App) -> Vec<(i64, String, String)> {
    app.store_for_tests()
        .occurrences("pengingat")
        .await
        .unwrap()
}

/// SIGTERM in the middle of a scheduled screening run: `serve` stops after the chunks in hand,
/// the run stays resumable, and the next `serve` finishes it with the exact result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_run_then_restart_gives_the_exact_result() {
    use chrono::Timelike as _;
    let db = TestDb::new().await;
    let app = db.app().await;
    let data = crate::support::regency(&app, db.dir.path(), 60_000, 5).await;
    let at = merit::clock::Clock::now(&merit::clock::SystemClock)
        .with_timezone(&chrono_tz::Asia::Jakarta)
        + Duration::seconds(3);
    let config = write(
        db.dir.path(),
        "merit.yaml",
        &format!(
            "jadwal:\n  - {{ tugas: penyaringan, cron: \"{} {} {} * * *\" }}\n",
            at.second(),
            at.minute(),
            at.hour()
        ),
    );
    let spawn = || {
        serve_command(&db, &config, &data)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut first = spawn();
    // Wait for the first chunk to be stored, then stop the service.
    for _ in 0..600 {
        if scalar(app.store_for_tests(), "SELECT COUNT(*) FROM keputusan")
            .await
            .unwrap()
            > 0
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &first.id().to_string()])
        .status();
    assert!(
        first.wait().unwrap().success(),
        "serve stops cleanly on SIGTERM"
    );
    let decided = scalar(app.store_for_tests(), "SELECT COUNT(*) FROM keputusan")
        .await
        .unwrap();
    assert!(
        decided > 0 && decided % 5_000 == 0 || decided == 60_000,
        "whole chunks only: {decided}"
    );
    eprintln!("decided at SIGTERM: {decided}");
    let mut second = spawn();
    let mut finished = false;
    for _ in 0..1200 {
        if scalar(
            app.store_for_tests(),
            "SELECT COUNT(*) FROM run_penyaringan WHERE status = 'selesai'",
        )
        .await
        .unwrap()
            == 1
        {
            finished = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status();
    assert!(second.wait().unwrap().success());
    assert!(finished, "the restarted service finishes the run");
    assert_eq!(
        scalar(
            app.store_for_tests(),
            "SELECT COUNT(*) FROM run_penyaringan"
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        scalar(app.store_for_tests(), "SELECT COUNT(*) FROM keputusan")
            .await
            .unwrap(),
        60_000
    );
    let run = app.store_for_tests().runs().await.unwrap().remove(0);
    let check = merit::service::screening::verify(&app, &run.id)
        .await
        .unwrap();
    assert_eq!(check.diperiksa, 60_000);
    assert!(check.berbeda.is_empty() && check.data_hilang.is_empty());
}

#[tokio::test]
async fn the_daily_digest_counts_open_and_overdue_steps_for_admin() {
    let db = TestDb::new().await;
    let wf = db.path("wf");
    std::fs::create_dir_all(&wf).unwrap();
    write(
        &wf,
        "uji.yaml",
        "id: uji\njudul: Uji\nsubjek: bebas\nlangkah:\n  - { id: satu, judul: Satu, penyetuju: { peran: VERIFIKATOR_BKPSDM }, tenggat: 1d }\n",
    );
    let dir = write(
        db.dir.path(),
        "directory.yaml",
        "orang:\n  - { id: verif, nama: Verifikator, email: verif@contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }\n  - { id: kaban, nama: Kepala BKPSDM, email: kaban@contoh.go.id, peran: [ADMIN] }\n",
    );
    // Monday 11 August 2025, 09.00 WIB.
    let (app, clock) = app_at(
        &db,
        &[
            ("MERIT_WORKFLOWS_DIR", wf.to_str().unwrap()),
            ("MERIT_DIRECTORY", dir.to_str().unwrap()),
        ],
        Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap(),
    )
    .await;
    let app = app.with_settings(|s| {
        s.schedules = vec![ScheduleSetting {
            task: "ringkasan".into(),
            cron: "0 0 7 * * *".into(),
            ruleset: None,
        }]
    });
    let jobs = scheduler::jobs(app.settings()).unwrap();
    assert!(
        scheduler::run_due(&app, &jobs, "a", None)
            .await
            .unwrap()
            .is_empty()
    );
    merit::service::workflow::start(&app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    merit::service::workflow::start(&app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    // Wednesday 07.00 WIB: both deadlines (Tuesday 09.00) have passed.
    clock.set(Utc.with_ymd_and_hms(2025, 8, 13, 0, 0, 0).unwrap());
    assert_eq!(
        merit::service::workflow::tick(&app)
            .await
            .unwrap()
            .dijalankan,
        2
    );
    let fired = scheduler::run_due(&app, &jobs, "a", None).await.unwrap();
    assert_eq!(fired.len(), 1);
    let digest = app
        .store_for_tests()
        .notices_for(merit::domain::MessageKind::Admin, "kaban")
        .await
        .unwrap()
        .join("\n");
    assert!(
        digest.contains(
            "2 tahap persetujuan sedang menunggu jawaban, 2 di antaranya melewati batas waktu"
        ),
        "{digest}"
    );
}

/// `merit serve` with `config` on `db`, the project's rules and workflows, the generated
/// directory in `data`, a file outbox in the test folder, and any free HTTP port.
fn serve_command(
    db: &TestDb,
    config: &std::path::Path,
    data: &std::path::Path,
) -> std::process::Command {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_merit"));
    cmd.args(["--config", config.to_str().unwrap(), "serve"])
        .current_dir(db.dir.path())
        .env("MERIT_DATABASE_URL", &db.url)
        .env("MERIT_RULES_DIR", format!("{root}/rules"))
        .env("MERIT_WORKFLOWS_DIR", format!("{root}/workflows"))
        .env("MERIT_DIRECTORY", data.join("directory.yaml"))
        .env(
            "MERIT_MAIL_URL",
            format!("file://{}", db.path("outbox").display()),
        )
        .env("MERIT_HTTP_ADDR", "127.0.0.1:0")
        .stdout(std::process::Stdio::null());
    cmd
}

/// A scheduled screening leaves its audit entry, written by the screening itself as `jadwal`.
#[tokio::test]
async fn a_scheduled_screening_is_audited_as_the_schedule() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let t0 = Utc.with_ymd_and_hms(2025, 8, 11, 2, 30, 0).unwrap();
    let (app, clock) = app_at(&db, &[], t0).await;
    let app = app.with_settings(|s| hourly(s, "penyaringan"));
    crate::support::regency(&app, dir.path(), 20, 7).await;
    let jobs = scheduler::jobs(app.settings()).unwrap();
    assert!(
        scheduler::run_due(&app, &jobs, "a", None)
            .await
            .unwrap()
            .is_empty()
    );
    clock.advance(Duration::hours(1));
    let fired = scheduler::run_due(&app, &jobs, "a", None).await.unwrap();
    // (The notice to administrators after it needs a directory this database lacks; the
    // screening itself ran.)
    assert_eq!(fired.len(), 1);
    let entries = merit::service::audit::list(
        &app,
        &merit::domain::AuditFilter {
            aksi: Some(merit::domain::Action::Penyaringan.code().to_owned()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].orang.as_str(), entries[0].dari.as_str()),
        ("jadwal", "jadwal")
    );
    assert!(
        entries[0].rincian.contains("20 calon"),
        "{}",
        entries[0].rincian
    );
}
