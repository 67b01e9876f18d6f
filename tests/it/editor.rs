//! Definitions edited in the browser and from the command line (console.md 4): drafts, check,
//! test, preview, publish (atomic, refused after a hand edit), restore, approval by workflow,
//! workflows and the directory, on SQLite or PostgreSQL, every action audited.

use std::path::Path;

use merit::{
    domain::{AuditFilter, DefinitionKey},
    notify::{Channels, Mailer},
    service::{
        App, Refusal, ServiceError, audit,
        audit::Actor,
        drafts, ground, outbox, screening,
        workflow::{self, answers},
    },
};

use crate::{
    console::{ADMIN, Client, OPERATOR, PENGAMAT, clock, demo_app},
    support::{TestDb, eml_files, header, plain, serve_http},
};

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The demo's data with private copies of the shipped rules and workflows (publishing writes
/// into them) and the given extra settings.
pub async fn editable_app(db: &TestDb, extra: &[(&str, &str)]) -> App {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = db.path("rules");
    let workflows = db.path("workflows");
    copy_dir(&root.join("rules"), &rules);
    copy_dir(&root.join("workflows"), &workflows);
    let app = demo_app(db, 300, clock()).await;
    let data = db.path("data");
    let mut vars = vec![
        ("MERIT_RULES_DIR", rules.to_str().unwrap().to_owned()),
        (
            "MERIT_WORKFLOWS_DIR",
            workflows.to_str().unwrap().to_owned(),
        ),
        (
            "MERIT_DIRECTORY",
            data.join("directory.yaml").to_str().unwrap().to_owned(),
        ),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let settings = db.settings_with(&pairs);
    drop(app);
    App::open(settings, clock()).await.unwrap()
}

fn admin() -> Actor {
    Actor::account(ADMIN.0, "127.0.0.1")
}

fn pppk() -> DefinitionKey {
    DefinitionKey::Ruleset("pppk_paruh_waktu".into())
}

async fn actions(app: &App) -> Vec<String> {
    audit::list(app, &AuditFilter::default(), 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.aksi)
        .collect()
}

/// Saves `text` as `path` of draft `id` in the editor (on its current revision) and returns
/// the editor page the save leads to.
async fn save_shown(
    c: &mut Client,
    app: &App,
    id: &str,
    token: &str,
    path: &str,
    text: &str,
) -> String {
    let revisi = drafts::get(app, id).await.unwrap().revisi.to_string();
    let r = c
        .post(
            &format!("/admin/draf/{id}/berkas"),
            &[
                ("csrf", token),
                ("revisi", &revisi),
                ("berkas", path),
                ("teks", text),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    c.get(r.header("location").unwrap()).await.text()
}

/// A ruleset edited over HTTP: a param, a broken script marked on its line, fixed, tested with
/// one changed case accepted, previewed (equal to the CLI's preview of the same files),
/// published with a reason, and screened with.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ruleset_is_edited_checked_tested_previewed_and_published_over_http() {
    let db = TestDb::new().await;
    let app = editable_app(&db, &[]).await;
    let addr = serve_http(&app).await;

    for who in [PENGAMAT, OPERATOR] {
        let mut c = Client::new(addr);
        assert_eq!(c.sign_in(who.0, who.1).await.status, 303);
        let token = c.token().await;
        for path in [
            "/admin/alur-definisi",
            "/admin/direktori",
            "/admin/templat",
            "/admin/draf/x",
        ] {
            assert_eq!(c.get(path).await.status, 403, "{} GET {path}", who.0);
        }
        let r = c
            .post(
                "/admin/draf",
                &[("csrf", &token), ("definisi", "aturan:pppk_paruh_waktu")],
            )
            .await;
        assert_eq!(r.status, 403);
    }
    assert!(drafts::open_drafts(&app, None).await.unwrap().is_empty());

    let mut c = Client::new(addr);
    assert_eq!(c.sign_in(ADMIN.0, ADMIN.1).await.status, 303);
    let token = c.token().await;
    for (path, shows) in [
        ("/admin/alur-definisi", "diagram-usulan_pppk_paruh_waktu"),
        ("/admin/direktori", "form-pelaksana"),
        (
            "/admin/templat",
            "Tahap        : Persetujuan Sekretaris Daerah",
        ),
        ("/admin/aturan", "buat-draf"),
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        assert!(r.text().contains(shows), "{path}: {}", r.text());
    }
    let r = c
        .post(
            "/admin/draf",
            &[("csrf", &token), ("definisi", "aturan:pppk_paruh_waktu")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let page = r.header("location").unwrap().to_owned();
    let id = page.trim_start_matches("/admin/draf/").to_owned();

    // A param.
    let r = c
        .post(
            &format!("{page}/param"),
            &[
                ("csrf", &token),
                ("revisi", "1"),
                ("nama", "usia_minimal"),
                ("nilai", "30"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let d = drafts::get(&app, &id).await.unwrap();
    assert!(d.berkas.0["ruleset.yaml"].contains("usia_minimal: 30"));

    // A broken script: the error is on its line.
    let script = d.berkas.0["usia.rhai"].clone();
    let broken = script.replacen("return lolos();", "return lolos(;", 1);
    let line = broken.lines().position(|l| l.contains("lolos(;")).unwrap() + 1;
    let editor = save_shown(&mut c, &app, &id, &token, "usia.rhai", &broken).await;
    assert!(
        editor.contains(&format!("<span id=\"baris-{line}\" class=\"salah\"")),
        "{editor}"
    );
    let editor = save_shown(&mut c, &app, &id, &token, "usia.rhai", &script).await;
    assert!(!editor.contains("class=\"salah\""), "{editor}");
    // A path outside the draft's folder is refused in words, on opening and on saving.
    let r = c.get(&format!("{page}/berkas?berkas=../merit.yaml")).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("tidak sah"), "{}", r.text());

    // Uji: the cases that expected 20-year-olds to pass now fail; accept one.
    // Uji is a POST (with the session's token); a GET runs nothing.
    let r = c.get(&format!("{page}?uji=1")).await.text();
    assert!(!r.contains("hasil-uji"), "{r}");
    let r = c.post(&format!("{page}/periksa"), &[("uji", "1")]).await;
    assert_eq!(r.status, 403, "no token, nothing run");
    let tested = c
        .post(
            &format!("{page}/periksa"),
            &[("csrf", &token), ("uji", "1")],
        )
        .await
        .text();
    assert!(tested.contains("PW-07 tepat 20 tahun"), "{tested}");
    let d = drafts::get(&app, &id).await.unwrap();
    let failing = drafts::test(app.settings(), &d.key, &d.berkas).gagal;
    let before = failing.len();
    assert!(before >= 2);
    let r = c
        .post(
            &format!("{page}/terima"),
            &[
                ("csrf", &token),
                ("revisi", &d.revisi.to_string()),
                ("kasus_0", "PW-07 tepat 20 tahun"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        200,
        "the cases are run again and shown: {}",
        r.text()
    );
    assert!(r.text().contains("hasil-uji"), "{}", r.text());
    let d = drafts::get(&app, &id).await.unwrap();
    assert_eq!(
        drafts::test(app.settings(), &d.key, &d.berkas).gagal.len(),
        before - 1
    );
    // Accept the rest so the draft can be published.
    let names: Vec<String> = drafts::test(app.settings(), &d.key, &d.berkas)
        .gagal
        .into_iter()
        .map(|f| f.nama)
        .collect();
    drafts::accept_results(&app, &id, d.revisi, &names, &admin())
        .await
        .unwrap();

    // Pratinjau in the background, then its result; equal to the CLI's preview of the files.
    let r = c
        .post(&format!("{page}/pratinjau"), &[("csrf", &token)])
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let mut shown = String::new();
    for _ in 0..600 {
        shown = c.get(&format!("{page}/pratinjau")).await.text();
        if shown.contains("ringkasan-pratinjau") {
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(shown.contains("ringkasan-pratinjau"), "{shown}");
    let d = drafts::get(&app, &id).await.unwrap();
    let preview = d.pratinjau.clone().unwrap();
    let folder = db.path("draf-salinan");
    for (rel, text) in &d.berkas.0 {
        let p = folder.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let cli = drafts::preview_folder(&app, &pppk(), &folder, &Actor::cli())
        .await
        .unwrap();
    assert_eq!(cli.perbedaan.perpindahan, preview.perbedaan.perpindahan);
    assert_eq!(cli.hasil, preview.hasil);
    assert!(
        preview.perbedaan.berubah > 0,
        "raising the minimum age moves someone"
    );

    // Terbitkan asks first, and for a reason; then the files are on disk and a new run uses
    // them.
    for fields in [
        vec![("csrf", token.as_str()), ("alasan", "alasan")],
        vec![
            ("csrf", token.as_str()),
            ("alasan", " "),
            ("konfirmasi", "ya"),
        ],
    ] {
        let r = c.post(&format!("{page}/terbitkan"), &fields).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(
            r.text().contains("Alasan perubahan (wajib)"),
            "{}",
            r.text()
        );
    }
    assert_eq!(
        ground::versions::versions(&app, &pppk())
            .await
            .unwrap()
            .len(),
        0
    );
    let d = drafts::get(&app, &id).await.unwrap();
    let stale = (d.revisi - 1).to_string();
    let current = d.revisi.to_string();
    // A page opened before the last change publishes nothing unseen.
    let r = c
        .post(
            &format!("{page}/terbitkan"),
            &[
                ("csrf", &token),
                ("revisi", &stale),
                ("alasan", "lama"),
                ("konfirmasi", "ya"),
            ],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text());
    let r = c
        .post(
            &format!("{page}/terbitkan"),
            &[
                ("csrf", &token),
                ("revisi", &current),
                ("alasan", "Surat MenPANRB tentang batas usia"),
                ("nomor_surat", "B/1/2026"),
                ("konfirmasi", "ya"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let on_disk = std::fs::read_to_string(db.path("rules/pppk_paruh_waktu/ruleset.yaml")).unwrap();
    assert!(on_disk.contains("usia_minimal: 30"));
    let versions = ground::versions::versions(&app, &pppk()).await.unwrap();
    assert_eq!(versions.len(), 2, "the files before and the publication");
    assert_eq!(versions[0].nomor_surat.as_deref(), Some("B/1/2026"));
    assert!(!versions[0].ringkasan.is_empty());
    let opts = screening::ScreenOptions {
        ruleset: Some("pppk_paruh_waktu".into()),
        actor: merit::service::Actor::account("uji", "uji"),
        progress: None,
        stop: None,
        started: None,
    };
    let report = screening::screen(&app, &opts).await.unwrap();
    assert_eq!(report.layak, preview.hasil.layak);

    let seen = actions(&app).await;
    for a in ["draf_baru", "draf_ubah", "draf_uji", "definisi_terbit"] {
        assert!(seen.iter().any(|s| s == a), "{a} audited: {seen:?}");
    }
}

/// A hand edit on disk refuses the publication and says which file; any version restores.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_edit_refuses_publication_and_versions_restore() {
    let db = TestDb::new().await;
    let app = editable_app(&db, &[]).await;
    let original = drafts::files_in_force(app.settings(), &pppk()).unwrap();

    let d = drafts::begin(&app, &pppk(), &admin()).await.unwrap();
    let files = drafts::set_param(&d.berkas, "bup_default", "58").unwrap();
    drafts::replace_files(&app, &d.id, d.revisi, files, &admin(), "param")
        .await
        .unwrap();
    std::fs::write(db.path("rules/pppk_paruh_waktu/gaji.rhai"), "lolos()\n").unwrap();
    let e = drafts::publish(&app, &d.id, None, &admin(), "uji", None)
        .await
        .unwrap_err();
    match &e {
        ServiceError::Refused(Refusal::DiskChanged(files)) => {
            assert_eq!(files, &vec!["gaji.rhai (diubah)".to_owned()]);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("berubah sejak draf ini dibuat"));
    assert!(actions(&app).await.iter().any(|a| a == "definisi_tolak"));

    // Put the file back; two drafts of two admins do not overwrite each other.
    std::fs::write(
        db.path("rules/pppk_paruh_waktu/gaji.rhai"),
        &original.0["gaji.rhai"],
    )
    .unwrap();
    let other = Actor::account("admin2@bkpsdm.contoh.go.id", "127.0.0.1");
    let a = drafts::begin(&app, &pppk(), &admin()).await.unwrap();
    let b = drafts::begin(&app, &pppk(), &other).await.unwrap();
    let a = drafts::save_file(&app, &a.id, a.revisi, "catatan.txt", Some("a"), &admin())
        .await
        .unwrap();
    let b = drafts::save_file(&app, &b.id, b.revisi, "catatan.txt", Some("b"), &other)
        .await
        .unwrap();
    assert_eq!(
        drafts::get(&app, &a.id).await.unwrap().berkas.0["catatan.txt"],
        "a\n"
    );
    assert_eq!(
        drafts::get(&app, &b.id).await.unwrap().berkas.0["catatan.txt"],
        "b\n"
    );
    // A save on a stale revision is refused.
    let stale = drafts::save_file(
        &app,
        &a.id,
        a.revisi - 1,
        "catatan.txt",
        Some("x"),
        &admin(),
    )
    .await;
    assert!(matches!(
        stale,
        Err(ServiceError::Refused(Refusal::DraftMoved))
    ));
    drafts::discard(&app, &b.id, &other).await.unwrap();

    let done = drafts::publish(&app, &a.id, None, &admin(), "catatan", None)
        .await
        .unwrap();
    assert_eq!(done, drafts::Published::Version(2));
    assert!(db.path("rules/pppk_paruh_waktu/catatan.txt").exists());
    let done = drafts::restore(&app, &pppk(), "1", &admin(), "kembali ke semula")
        .await
        .unwrap();
    assert_eq!(done, drafts::Published::Version(3));
    assert_eq!(
        drafts::files_in_force(app.settings(), &pppk()).unwrap(),
        original
    );
    let v = ground::versions::versions(&app, &pppk()).await.unwrap();
    assert!(v[0].alasan.starts_with("Pemulihan versi 1"));

    // An employee ruleset has no candidates to be previewed on: refused in words, and its
    // publication carries no preview.
    let jobfill = DefinitionKey::Ruleset("pengisian_jabatan".into());
    let d = drafts::begin(&app, &jobfill, &admin()).await.unwrap();
    let e = drafts::start_preview(&app, &d.id, &admin())
        .await
        .err()
        .unwrap();
    assert!(e.to_string().contains("pengisian_jabatan"), "{e}");
    let d = drafts::save_file(&app, &d.id, d.revisi, "catatan.txt", Some("jpt"), &admin())
        .await
        .unwrap();
    let done = drafts::publish(&app, &d.id, Some(d.revisi), &admin(), "catatan", None)
        .await
        .unwrap();
    assert_eq!(done, drafts::Published::Version(2));
    assert!(
        ground::versions::versions(&app, &jobfill).await.unwrap()[0]
            .ringkasan
            .is_empty()
    );
}

async fn kepala(app: &App) -> String {
    let (dir, _) = merit::service::ground::workflows::directory(app)
        .await
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2025, 8, 11).unwrap();
    dir.holders("KEPALA_BKPSDM", today)[0].orang.clone()
}

/// With `publikasi_aturan: persetujuan` a publication waits for the Kepala BKPSDM: the prompt
/// carries the diff (NIKs masked) and the preview's summary; a reply SETUJU publishes, a reply
/// TOLAK does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_change_waits_for_approval_and_is_published_only_when_approved_by_reply() {
    let db = TestDb::new().await;
    let app = editable_app(&db, &[("MERIT_PUBLIKASI_ATURAN", "persetujuan")]).await;
    let kepala = kepala(&app).await;
    let (dir, _) = merit::service::ground::workflows::directory(&app)
        .await
        .unwrap();
    let kepala_email = dir.person(&kepala).unwrap().email.clone();
    let before = drafts::files_in_force(app.settings(), &pppk()).unwrap();
    let outbox_dir = db.dir.path().join("outbox");

    for (reply, published) in [("TOLAK belum ada surat dasarnya", false), ("SETUJU", true)] {
        let d = drafts::begin(&app, &pppk(), &admin()).await.unwrap();
        let mut files = drafts::set_param(&d.berkas, "bup_guru", "60").unwrap();
        files.0.insert("catatan.txt".into(), format!("{reply}\n"));
        // A NIK in the change (test cases hold them) is masked in the prompt.
        files
            .0
            .insert("nik.txt".into(), "1609022304870001\n".into());
        drafts::replace_files(&app, &d.id, d.revisi, files, &admin(), "uji")
            .await
            .unwrap();
        let done = drafts::publish(
            &app,
            &d.id,
            None,
            &admin(),
            "Perubahan uji",
            Some("B/2/2026"),
        )
        .await
        .unwrap();
        let drafts::Published::Waiting(instance) = done else {
            panic!("{done:?}");
        };
        assert_eq!(
            drafts::get(&app, &d.id).await.unwrap().status,
            drafts::DraftStatus::Menunggu
        );
        assert_eq!(
            drafts::files_in_force(app.settings(), &pppk()).unwrap(),
            before
        );

        outbox::deliver(
            &app,
            &Channels::email(Mailer::new(&app.settings().mail_url)),
            false,
        )
        .await
        .unwrap();
        let mut code = String::new();
        for m in eml_files(&outbox_dir) {
            let subject = header(&m, "Subject");
            let Some(c) = subject.split("[MERIT-").nth(1).map(|r| r[..6].to_owned()) else {
                continue;
            };
            if app
                .store_for_tests()
                .code(&c)
                .await
                .unwrap()
                .is_some_and(|r| r.instans_id == instance)
            {
                let body = plain(&m);
                assert!(
                    body.contains("+catatan") || body.contains("catatan.txt"),
                    "diff in the prompt: {body}"
                );
                assert!(body.contains("Alasan: Perubahan uji"), "{body}");
                assert!(body.contains("Pratinjau atas"), "{body}");
                assert!(!body.contains("1609022304870001"), "NIK masked: {body}");
                if let Ok(dir) = std::env::var("MERIT_SCREENSHOT_DIR") {
                    std::fs::write(Path::new(&dir).join("perubahan-aturan.eml"), &m).unwrap();
                }
                code = c;
            }
        }
        assert!(!code.is_empty(), "a prompt was sent for {instance}");
        let mail = format!(
            "From: {kepala_email}\r\nTo: merit@localhost\r\nSubject: Re: [MERIT-{code}] Persetujuan\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{reply}\r\n"
        );
        let out = answers::ingest(&app, mail.as_bytes()).await.unwrap();
        assert!(
            matches!(out, answers::IngestOutcome::Dicatat { .. }),
            "{out:?}"
        );
        let d = drafts::get(&app, &d.id).await.unwrap();
        let on_disk = db.path("rules/pppk_paruh_waktu/catatan.txt").exists();
        assert_eq!(on_disk, published, "{reply}");
        assert_eq!(
            d.status,
            if published {
                drafts::DraftStatus::Diterbitkan
            } else {
                drafts::DraftStatus::Ditolak
            }
        );
    }
    let v = ground::versions::versions(&app, &pppk()).await.unwrap();
    assert!(v[0].alasan.contains("disetujui oleh"), "{:?}", v[0]);
    let seen = actions(&app).await;
    assert!(seen.iter().any(|a| a == "definisi_ajukan"));
    assert!(seen.iter().any(|a| a == "definisi_tolak"));
}

/// A workflow edit with an error names file and line; a valid one is published while an
/// instance keeps running on the version it started with. A directory edit adds a Plt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflows_and_the_directory_are_edited_as_drafts() {
    let db = TestDb::new().await;
    let app = editable_app(&db, &[]).await;
    let running = workflow::start(
        &app,
        "usulan_pppk_paruh_waktu",
        None,
        &merit::service::Actor::account("uji", "uji"),
        None,
    )
    .await
    .unwrap();
    let old = workflow::show(&app, &running).await.unwrap();

    let key = DefinitionKey::Workflows;
    let d = drafts::begin(&app, &key, &admin()).await.unwrap();
    let text = d.berkas.0["usulan_pppk_paruh_waktu.yaml"].clone();
    let broken = text.replacen("jika_setuju: anggaran", "jika_setuju: anggaraan", 1);
    let d = drafts::save_file(
        &app,
        &d.id,
        d.revisi,
        "usulan_pppk_paruh_waktu.yaml",
        Some(&broken),
        &admin(),
    )
    .await
    .unwrap();
    let diags = drafts::check(app.settings(), &key, &d.berkas, drafts::Depth::Full);
    let line = broken
        .lines()
        .position(|l| l.contains("anggaraan"))
        .unwrap()
        + 1;
    let shown = diags.to_string();
    assert!(
        shown.contains(&format!("usulan_pppk_paruh_waktu.yaml:{line}")),
        "{shown}"
    );
    assert!(
        drafts::publish(&app, &d.id, None, &admin(), "salah", None)
            .await
            .is_err()
    );

    let fixed = text.replacen(
        "judul: Usulan Kebutuhan PPPK Paruh Waktu",
        "judul: Usulan Kebutuhan PPPK Paruh Waktu 2026",
        1,
    );
    let d = drafts::save_file(
        &app,
        &d.id,
        d.revisi,
        "usulan_pppk_paruh_waktu.yaml",
        Some(&fixed),
        &admin(),
    )
    .await
    .unwrap();
    drafts::publish(&app, &d.id, None, &admin(), "judul tahun 2026", None)
        .await
        .unwrap();
    let again = workflow::show(&app, &running).await.unwrap();
    assert_eq!(
        again.versi, old.versi,
        "the running instance keeps its version"
    );
    let new = workflow::start(
        &app,
        "usulan_pppk_paruh_waktu",
        None,
        &merit::service::Actor::account("uji", "uji"),
        None,
    )
    .await
    .unwrap();
    assert_ne!(workflow::show(&app, &new).await.unwrap().versi, old.versi);

    // The directory: a form that would make it invalid is refused and leaves no draft; a Plt.
    // with its decree and dates is kept, through the form's service path.
    let kepala = kepala(&app).await;
    let unknown = drafts::edit_directory_draft(
        &app,
        &admin(),
        &drafts::DirectoryEdit::Acting {
            peran: "SEKDA".into(),
            orang: "tidak-ada".into(),
            jenis: "Plh.".into(),
            mulai: "2025-08-01".into(),
            sampai: "2025-08-31".into(),
            dasar: "SK".into(),
        },
    )
    .await;
    assert!(unknown.is_err());
    assert!(
        drafts::open_drafts(&app, Some(&DefinitionKey::Directory))
            .await
            .unwrap()
            .is_empty()
    );
    let d = drafts::edit_directory_draft(
        &app,
        &admin(),
        &drafts::DirectoryEdit::Acting {
            peran: "SEKDA".into(),
            orang: kepala.clone(),
            jenis: "Plt.".into(),
            mulai: "2025-08-01".into(),
            sampai: "2025-12-31".into(),
            dasar: "SK Bupati Nomor 800/12/2025".into(),
        },
    )
    .await
    .unwrap();
    let bad = drafts::edit_directory_draft(
        &app,
        &admin(),
        &drafts::DirectoryEdit::Acting {
            peran: "SEKDA".into(),
            orang: "tidak-ada".into(),
            jenis: "Plh.".into(),
            mulai: "2025-08-01".into(),
            sampai: "2025-07-01".into(),
            dasar: "SK".into(),
        },
    )
    .await;
    assert!(
        bad.is_err(),
        "an unknown person and dates out of order are refused"
    );
    drafts::publish(&app, &d.id, None, &admin(), "Plt. Sekda", None)
        .await
        .unwrap();
    let (dir, _) = merit::service::ground::workflows::directory(&app)
        .await
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2025, 8, 11).unwrap();
    assert!(
        dir.holders("SEKDA", today)
            .iter()
            .any(|h| h.orang == kepala && h.kapasitas.contains("Plt.")),
        "{:?}",
        dir.holders("SEKDA", today)
    );
}

/// `merit rules versions|preview|publish|restore` from the command line: exit 3 for a folder
/// that does not check, 0 when published, 4 while approval is pending; the same versions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_are_published_and_restored_from_the_command_line() {
    let db = TestDb::new().await;
    let app = editable_app(&db, &[]).await;
    let run = |args: &[&str], extra: &[(&str, &str)]| {
        let mut cmd = crate::cli::merit_command(&db, args);
        cmd.env("MERIT_RULES_DIR", db.path("rules"))
            .env("MERIT_WORKFLOWS_DIR", db.path("workflows"))
            .env("MERIT_DIRECTORY", db.path("data/directory.yaml"));
        for (k, v) in extra {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let folder = db.path("salinan");
    copy_dir(&db.path("rules/pppk_paruh_waktu"), &folder);
    let from = folder.to_str().unwrap();

    // A script that does not compile: exit 3 with file and line, nothing written.
    let usia = std::fs::read_to_string(folder.join("usia.rhai")).unwrap();
    std::fs::write(
        folder.join("usia.rhai"),
        usia.replacen("return lolos();", "return lolos(;", 1),
    )
    .unwrap();
    let out = run(
        &[
            "rules",
            "publish",
            "pppk_paruh_waktu",
            "--from",
            from,
            "--reason",
            "uji",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("usia.rhai:6"),
        "{out:?}"
    );
    std::fs::write(folder.join("usia.rhai"), &usia).unwrap();

    // Preview prints what `screen --dry-run` prints.
    std::fs::write(
        folder.join("ruleset.yaml"),
        std::fs::read_to_string(folder.join("ruleset.yaml"))
            .unwrap()
            .replace(
                "judul: Penyaringan PPPK Paruh Waktu 2025",
                "judul: Penyaringan PPPK Paruh Waktu 2026",
            ),
    )
    .unwrap();
    let out = run(
        &[
            "rules",
            "preview",
            "pppk_paruh_waktu",
            "--from",
            from,
            "--json",
        ],
        &[],
    );
    assert!(out.status.success(), "{out:?}");
    let preview: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        preview["perbedaan"]["dibandingkan"].as_u64().unwrap() > 0,
        "{preview}"
    );

    // Published (the files before become version 1), listed, restored.
    let out = run(
        &[
            "rules",
            "publish",
            "pppk_paruh_waktu",
            "--from",
            from,
            "--reason",
            "Tahun 2026",
            "--letter",
            "B/59/2026",
        ],
        &[],
    );
    assert!(out.status.success(), "{out:?}");
    let shipped = std::fs::read_to_string(db.path("rules/pppk_paruh_waktu/ruleset.yaml")).unwrap();
    assert!(shipped.contains("Paruh Waktu 2026"));
    let out = run(&["rules", "versions", "pppk_paruh_waktu", "--json"], &[]);
    let versions: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(versions[0]["versi"], 2);
    assert_eq!(versions[0]["nomor_surat"], "B/59/2026");
    assert_eq!(versions[1]["versi"], 1);
    let out = run(
        &[
            "rules",
            "restore",
            "pppk_paruh_waktu",
            "1",
            "--reason",
            "batal",
        ],
        &[],
    );
    assert!(out.status.success(), "{out:?}");
    let back = std::fs::read_to_string(db.path("rules/pppk_paruh_waktu/ruleset.yaml")).unwrap();
    assert!(back.contains("Paruh Waktu 2025"));

    // Under approval: exit 4, nothing written yet.
    let out = run(
        &[
            "rules",
            "publish",
            "pppk_paruh_waktu",
            "--from",
            from,
            "--reason",
            "Tahun 2026 lagi",
        ],
        &[("MERIT_PUBLIKASI_ATURAN", "persetujuan")],
    );
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("menunggu persetujuan"),
        "{out:?}"
    );
    let still = std::fs::read_to_string(db.path("rules/pppk_paruh_waktu/ruleset.yaml")).unwrap();
    assert!(still.contains("Paruh Waktu 2025"));
    let seen = actions(&app).await;
    assert!(
        seen.iter().filter(|a| *a == "definisi_terbit").count() >= 2,
        "{seen:?}"
    );
}
