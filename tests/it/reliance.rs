//! Issue 22, what an officer must be able to rely on (console.md 5): a candidate left for review
//! resolved by a verifier (console and CLI) and the finding dropped when the data changes; a
//! correction archived, audited and screened alone; a cancelled process that refuses its links
//! and tells the people awaited; confirmation pages that change nothing until confirmed; the last
//! administrator kept; read-only commands that create no database; `mail ingest --mta` exit
//! codes; replies acknowledged and refused ones on the timeline; prior answers in the prompts.
//! On SQLite or PostgreSQL.

use std::{path::Path, process::Output};

use merit::{
    domain::{AuditFilter, Email, Hasil, Nik, RuleVerdict, StatusTemuan},
    screening::RunKind,
    service::{
        App, accounts, audit,
        audit::Actor,
        ground, outbox,
        screening::correction,
        workflow::{self, DecideRequest},
    },
    workflow::{Answer, Channel, Status},
};

use crate::{
    console::{ADMIN, Client, OPERATOR, clock, demo_app},
    support::{TestDb, eml_files, header, plain, serve_http, tokens},
};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `merit ARGS` on the test's database and directory.
fn merit(db: &TestDb, args: &[&str]) -> Output {
    merit_with(db, args, None)
}

fn merit_with(db: &TestDb, args: &[&str], stdin: Option<&[u8]>) -> Output {
    fed(merit_cmd(db, args), stdin.unwrap_or_default())
}

/// `merit ARGS` on the test's database, rules, workflows, directory and outbox, to be adjusted.
fn merit_cmd(db: &TestDb, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_merit"));
    cmd.args(args)
        .env("MERIT_DATABASE_URL", &db.url)
        .env("MERIT_RULES_DIR", root().join("rules"))
        .env("MERIT_WORKFLOWS_DIR", root().join("workflows"))
        .env("MERIT_DIRECTORY", db.path("data").join("directory.yaml"))
        .env(
            "MERIT_MAIL_URL",
            format!("file://{}", db.path("outbox").display()),
        )
        .current_dir(db.dir.path());
    cmd
}

/// Runs `cmd` with `stdin` on its standard input and collects what it printed.
fn fed(mut cmd: std::process::Command, stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Candidates whose newest decision is `perlu_verifikasi`, with the rules left for review.
async fn left_for_review(app: &App) -> Vec<(Nik, Vec<String>)> {
    let store = app.store_for_tests();
    let run = store.latest_finished_run(None).await.unwrap().unwrap();
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let page = store.decisions_after(&run.id, &after, 1_000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.nik.as_str().to_owned();
        for d in page {
            if d.hasil == Hasil::PerluVerifikasi {
                let rules = run
                    .aturan
                    .iter()
                    .zip(d.verdicts())
                    .filter(|(_, v)| v.asks_review())
                    .map(|(r, _)| r.clone())
                    .collect();
                out.push((d.nik, rules));
            }
        }
    }
    out
}

/// The newest decision on `nik` and the verdict of `rule` in it.
async fn newest(app: &App, nik: &Nik, rule: &str) -> (merit::screening::Run, Hasil, RuleVerdict) {
    let (run, d) = app
        .store_for_tests()
        .latest_decision(nik)
        .await
        .unwrap()
        .unwrap();
    let i = run.aturan.iter().position(|r| r == rule).unwrap();
    let v = d.verdicts()[i].clone();
    (run, d.hasil, v)
}

#[tokio::test]
async fn a_candidate_left_for_review_is_resolved_by_a_verifier_and_the_finding_dropped_when_the_data_changes()
 {
    let db = TestDb::new().await;
    let app = demo_app(&db, 800, clock()).await;
    let review = left_for_review(&app).await;
    assert!(review.len() >= 2, "the demo leaves candidates for review");
    let (nik, rules) = review[0].clone();

    // In the console (first: the CLI below runs on the wall clock, this app on a fake one): an
    // operator finds the other candidate's rule `gagal` and screens that candidate alone.
    let (nik2, rules2) = review[1].clone();
    let addr = serve_http(&app).await;
    let mut c = Client::new(addr);
    c.sign_in(OPERATOR.0, OPERATOR.1).await;
    let csrf = c.token().await;
    let key = ground::links::reference(&app, &nik2).await.unwrap();
    let page = c.get(&format!("/admin/calon/{key}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("Catat temuan"),
        "the page offers the finding form"
    );
    let done = c
        .post(
            &format!("/admin/calon/{key}/verifikasi"),
            &[
                ("csrf", &csrf),
                ("aturan", &rules2[0]),
                ("hasil", "gagal"),
                ("catatan", "akta kelahiran tidak sesuai"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text());
    let saring = c
        .post(&format!("/admin/calon/{key}/saring"), &[("csrf", &csrf)])
        .await;
    assert_eq!(saring.status, 303, "{}", saring.text());
    let shown = c.get(saring.header("location").unwrap()).await;
    assert!(shown.text().contains("disaring ulang"), "{}", shown.text());
    let (run2, hasil, verdict) = newest(&app, &nik2, &rules2[0]).await;
    let f2 = merit::service::screening::verification::list(&app, Some(&nik2))
        .await
        .unwrap();
    assert_eq!(hasil, Hasil::TidakLayak, "{run2:?} {verdict:?} {f2:?}");
    assert!(
        matches!(&verdict, RuleVerdict::Gagal(r) if r.contains(OPERATOR.0) && r.contains("akta kelahiran tidak sesuai")),
        "{verdict:?}"
    );
    // A notice is shown only when the server sealed it: a crafted link puts no words on a page.
    let forged = c
        .get(&format!(
            "/admin/calon/{key}?pesan=Akun%20Anda%20diblokir%2C%20hubungi%20kami"
        ))
        .await;
    assert_eq!(forged.status, 200);
    assert!(!forged.text().contains("diblokir"), "{}", forged.text());
    let list = c.get("/admin/verifikasi").await;
    assert_eq!(list.status, 200);
    assert!(list.text().contains("akta kelahiran tidak sesuai"));
    assert!(!list.text().contains(nik2.as_str()), "lists mask the NIK");

    // A finding on a rule the decision did not leave for review is refused.
    let run = app
        .store_for_tests()
        .latest_finished_run(None)
        .await
        .unwrap()
        .unwrap();
    let passing = run.aturan.iter().find(|r| !rules.contains(r)).unwrap();
    let out = merit(
        &db,
        &[
            "verification",
            "set",
            nik.as_str(),
            "--rule",
            passing,
            "--result",
            "lolos",
            "--note",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{}", said(&out));
    // An empty note is refused too.
    let out = merit(
        &db,
        &[
            "verification",
            "set",
            nik.as_str(),
            "--rule",
            &rules[0],
            "--result",
            "lolos",
            "--note",
            " ",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));

    // By CLI: every rule left for review found `lolos` on the KTP.
    for rule in &rules {
        let out = merit(
            &db,
            &[
                "verification",
                "set",
                nik.as_str(),
                "--rule",
                rule,
                "--result",
                "lolos",
                "--note",
                "KTP asli diperiksa di loket",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    }
    // Nothing changes before the next screening; the full screening applies it.
    assert_eq!(
        newest(&app, &nik, &rules[0]).await.1,
        Hasil::PerluVerifikasi
    );
    let out = merit(&db, &["screen", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let (full, hasil, verdict) = newest(&app, &nik, &rules[0]).await;
    let full_run = full.id.clone();
    assert_eq!(hasil, Hasil::Layak);
    match verdict {
        RuleVerdict::LolosManual(why) => {
            assert!(why.starts_with("diverifikasi manual oleh cli:"), "{why}");
            assert!(why.contains("KTP asli diperiksa di loket"), "{why}");
            assert!(why.contains(" pada "), "{why}");
        }
        other => panic!("expected a manual pass, got {other:?}"),
    }
    let out = merit(
        &db,
        &["verification", "list", "--nik", nik.as_str(), "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), rules.len());
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(nik.as_str()),
        "the list masks the NIK"
    );

    // The data changes: the findings are dropped with a notice, the candidate needs review again.
    let out = merit(
        &db,
        &[
            "candidate",
            "set",
            nik.as_str(),
            "tempat_lahir=Martapura",
            "--reason",
            "sesuai akta kelahiran",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let out = merit(&db, &["screen", "--nik", nik.as_str(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let (run, hasil, verdict) = newest(&app, &nik, &rules[0]).await;
    assert_eq!(run.jenis, RunKind::Perorangan);
    // Checked again from the scripts, a run holding findings (applied or dropped) is what it was.
    for id in [run.id.clone(), full_run.clone()] {
        let checked = merit::service::screening::verify(&app, &id).await.unwrap();
        assert!(checked.berbeda.is_empty(), "{checked:?}");
    }
    assert_eq!(hasil, Hasil::PerluVerifikasi);
    assert!(
        matches!(&verdict, RuleVerdict::Tinjau(r) | RuleVerdict::Kesalahan(r) if r.contains("tidak berlaku lagi karena data calon berubah")),
        "{verdict:?}"
    );
    let findings = merit::service::screening::verification::list(&app, Some(&nik))
        .await
        .unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f.status == StatusTemuan::Gugur.code()),
        "{findings:?}"
    );
    let dropped = audit::list(
        &app,
        &AuditFilter {
            aksi: Some("verifikasi_akhir".into()),
            ..AuditFilter::default()
        },
        100,
    )
    .await
    .unwrap();
    assert!(
        dropped
            .iter()
            .any(|e| e.orang == "sistem" && e.rincian.contains("gugur")),
        "{dropped:?}"
    );
}

#[tokio::test]
async fn a_correction_is_archived_audited_and_screened_alone() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    let store = app.store_for_tests();
    let base = store.latest_finished_run(None).await.unwrap().unwrap();
    let first = store.decisions_after(&base.id, "", 3).await.unwrap();
    let nik = first[1].nik;
    let before = store.candidate(&nik).await.unwrap().unwrap();
    let addr = serve_http(&app).await;
    let mut c = Client::new(addr);
    c.sign_in(OPERATOR.0, OPERATOR.1).await;
    let csrf = c.token().await;
    let key = ground::links::reference(&app, &nik).await.unwrap();
    let form = c.get(&format!("/admin/calon/{key}/ubah")).await;
    assert_eq!(form.status, 200, "{}", form.text());
    assert!(
        !form.text().contains(nik.as_str()),
        "the form does not show the NIK"
    );

    // Without a reason nothing is saved, and what was typed stays on the form.
    let refused = c
        .post(
            &format!("/admin/calon/{key}/ubah"),
            &[
                ("csrf", &csrf),
                ("gaji_terakhir", "1500000"),
                ("alasan", " "),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert!(refused.text().contains("alasan"), "{}", refused.text());
    assert_eq!(store.candidate(&nik).await.unwrap().unwrap(), before);

    let saved = c
        .post(
            &format!("/admin/calon/{key}/ubah"),
            &[
                ("csrf", &csrf),
                ("gaji_terakhir", "1500000"),
                ("alasan", "slip gaji Juli 2025"),
                ("saring", "ya"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text());
    let after = store.candidate(&nik).await.unwrap().unwrap();
    assert_eq!(after.gaji_terakhir, 1_500_000);
    assert_ne!(after.data_hash(), before.data_hash());
    // The old record is archived: decisions made on it still find their data.
    assert_eq!(
        store
            .candidate_version(&nik, &before.data_hash())
            .await
            .unwrap()
            .unwrap(),
        before
    );
    let entries = audit::list(
        &app,
        &AuditFilter {
            aksi: Some("calon_ubah".into()),
            // The demo corrects one candidate of its own (an upheld objection).
            orang: Some(OPERATOR.0.into()),
            ..AuditFilter::default()
        },
        100,
    )
    .await
    .unwrap();
    assert_eq!(entries.len(), 1);
    assert!(
        entries[0].rincian.contains("gaji_terakhir"),
        "{:?}",
        entries[0]
    );
    assert!(
        entries[0].rincian.contains("slip gaji Juli 2025"),
        "{:?}",
        entries[0]
    );
    assert!(!entries[0].objek.contains(nik.as_str()));

    // Screened alone: a run of kind perorangan, everyone else as before.
    let single = store.latest_finished_run(None).await.unwrap().unwrap();
    assert_ne!(single.id, base.id);
    assert_eq!(single.jenis, RunKind::Perorangan);
    assert_eq!(single.hasil.total, base.hasil.total);
    let mine = store.decision(&single.id, &nik).await.unwrap().unwrap();
    assert_eq!(mine.data_hash, after.data_hash());
    let other = first[0].nik;
    assert_eq!(
        store.decision(&single.id, &other).await.unwrap(),
        store.decision(&base.id, &other).await.unwrap()
    );
    // A correction that changes nothing is refused.
    let out = merit(
        &db,
        &[
            "candidate",
            "set",
            nik.as_str(),
            "gaji_terakhir=1500000",
            "--reason",
            "lagi",
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{}", said(&out));
    // The key cannot be corrected.
    let out = merit(
        &db,
        &[
            "candidate",
            "set",
            nik.as_str(),
            "nik=1671010101010001",
            "--reason",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
}

/// The running proposal of the demo.
async fn proposal(app: &App) -> String {
    workflow::list(app)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.workflow == "usulan_pppk_paruh_waktu")
        .unwrap()
        .instance_id
}

#[tokio::test]
async fn a_cancelled_process_refuses_its_links_and_tells_the_people_awaited() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    outbox::flush(&app).await.unwrap();
    let id = proposal(&app).await;
    let prompt = eml_files(&db.path("outbox"))
        .into_iter()
        .find(|e| plain(e).contains("Usulan Kebutuhan PPPK Paruh Waktu") && !tokens(e).is_empty())
        .unwrap();
    let token = tokens(&prompt)[0].clone();
    let addr = serve_http(&app).await;
    let mut c = Client::new(addr);
    assert_eq!(c.get(&format!("/persetujuan/{token}")).await.status, 200);
    c.sign_in(OPERATOR.0, OPERATOR.1).await;
    let csrf = c.token().await;
    let path = format!("/admin/alur/{id}/batalkan");

    // Without the confirmation, and then without a reason: the page asks, nothing changes.
    let ask = c.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(ask.status, 200);
    assert!(ask.text().contains("name=\"konfirmasi\""), "{}", ask.text());
    let ask = c
        .post(
            &path,
            &[("csrf", &csrf), ("konfirmasi", "ya"), ("alasan", "")],
        )
        .await;
    assert_eq!(ask.status, 200);
    assert_eq!(
        workflow::show(&app, &id).await.unwrap().status,
        Status::Berjalan
    );

    let done = c
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("konfirmasi", "ya"),
                ("alasan", "formasi direvisi oleh BKN"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text());
    assert_eq!(
        workflow::show(&app, &id).await.unwrap().status,
        Status::Dibatalkan
    );
    let link = c.get(&format!("/persetujuan/{token}")).await;
    assert_ne!(
        link.status, 200,
        "a cancelled process's link no longer opens"
    );
    assert!(link.text().contains("dibatalkan"), "{}", link.text());
    // A second cancellation is refused by state.
    let again = merit(&db, &["workflow", "cancel", &id, "--reason", "x"]);
    assert_eq!(again.status.code(), Some(4), "{}", said(&again));

    outbox::flush(&app).await.unwrap();
    let awaited = header(&prompt, "To").to_owned();
    let told = eml_files(&db.path("outbox"))
        .into_iter()
        .find(|e| header(e, "Subject").starts_with("Dibatalkan") && header(e, "To") == awaited)
        .unwrap_or_else(|| panic!("{awaited} is told"));
    assert!(plain(&told).contains("formasi direvisi oleh BKN"));
    let details = c.get(&format!("/persetujuan/{token}/rincian")).await;
    assert_ne!(
        details.status, 200,
        "a cancelled process shows nobody its candidates"
    );
    let timeline = c.get(&format!("/admin/alur/{id}")).await.text();
    assert!(timeline.contains("Dibatalkan"), "{timeline}");
}

#[tokio::test]
async fn actions_that_change_or_remove_ask_first_and_the_last_admin_stays() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    let addr = serve_http(&app).await;
    let mut admin = Client::new(addr);
    admin.sign_in(ADMIN.0, ADMIN.1).await;
    let csrf = admin.token().await;
    let placements = || async {
        app.store_for_tests()
            .latest_placement()
            .await
            .unwrap()
            .map(|p| p.id)
    };
    let instances = || async { workflow::list(&app).await.unwrap().len() };
    let (p0, i0) = (placements().await, instances().await);

    // Each POST without its confirmation answers with a page that asks, and changes nothing.
    for (path, fields) in [
        ("/admin/penempatan", vec![]),
        ("/admin/alur", vec![("workflow", "usulan_pppk_paruh_waktu")]),
        ("/admin/pengguna/nonaktif", vec![("email", OPERATOR.0)]),
        ("/admin/pengguna/sesi", vec![("email", OPERATOR.0)]),
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields);
        let r = admin.post(path, &form).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        assert!(
            r.text().contains("name=\"konfirmasi\" value=\"ya\""),
            "{path}"
        );
    }
    assert_eq!((placements().await, instances().await), (p0.clone(), i0));
    let mut operator = Client::new(addr);
    operator.sign_in(OPERATOR.0, OPERATOR.1).await;
    assert_eq!(
        operator.get("/admin").await.status,
        200,
        "the operator is still signed in"
    );

    // The editor's actions too: discarding a draft, retiring a rule from it, restoring a version.
    let begun = admin
        .post(
            "/admin/draf",
            &[("csrf", &csrf), ("definisi", "aturan:pppk_paruh_waktu")],
        )
        .await;
    assert_eq!(begun.status, 303, "{}", begun.text());
    let draft_page = begun.header("location").unwrap().to_owned();
    let draft_id = draft_page.rsplit('/').next().unwrap().to_owned();
    let before = merit::service::drafts::get(&app, &draft_id).await.unwrap();
    let revisi = before.revisi.to_string();
    for (path, fields) in [
        (format!("{draft_page}/buang"), vec![]),
        (
            format!("{draft_page}/aturan"),
            vec![
                ("revisi", revisi.as_str()),
                ("id", "PW-01"),
                ("aksi", "pensiun"),
            ],
        ),
        (
            "/admin/versi/pulihkan".to_owned(),
            vec![("definisi", "aturan:pppk_paruh_waktu"), ("versi", "1")],
        ),
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields);
        let r = admin.post(&path, &form).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        assert!(
            r.text().contains("name=\"konfirmasi\" value=\"ya\""),
            "{path}"
        );
    }
    let after = merit::service::drafts::get(&app, &draft_id).await.unwrap();
    assert_eq!((after.revisi, after.status), (before.revisi, before.status));

    // The rule-change workflow started bare would mail an empty summary: refused.
    let bare = admin
        .post(
            "/admin/alur",
            &[("csrf", &csrf), ("workflow", "perubahan_aturan")],
        )
        .await;
    assert_eq!(bare.status, 409, "{}", bare.text());
    assert!(
        bare.text().contains("Kembali ke Beranda"),
        "an error page has a way back"
    );

    // Confirmed, a placement runs.
    let placed = admin
        .post(
            "/admin/penempatan",
            &[("csrf", &csrf), ("konfirmasi", "ya")],
        )
        .await;
    assert_eq!(placed.status, 303, "{}", placed.text());
    assert_ne!(placements().await, p0, "a new placement");

    // Nobody disables their own account, nor the last active administrator.
    let own = admin
        .post(
            "/admin/pengguna/nonaktif",
            &[("csrf", &csrf), ("konfirmasi", "ya"), ("email", ADMIN.0)],
        )
        .await;
    assert_eq!(own.status, 409, "{}", own.text());
    // The demo's own administrator can go (another one stays); then ADMIN is the last.
    for other in accounts::list(&app)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.peran == merit::domain::Role::Admin && a.email != ADMIN.0)
    {
        let out = merit(&db, &["user", "disable", &other.email]);
        assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    }
    let cli_admin = merit(&db, &["user", "disable", ADMIN.0]);
    assert_eq!(cli_admin.status.code(), Some(4), "{}", said(&cli_admin));
    assert!(
        said(&cli_admin).contains("satu-satunya administrator"),
        "{}",
        said(&cli_admin)
    );
    let admins = accounts::list(&app).await.unwrap();
    assert!(admins.iter().any(|a| a.email == ADMIN.0 && a.aktif));
    // With a second administrator, the first can be disabled, and enabled again in the console.
    accounts::add(
        &app,
        &Email::parse("admin2@bkpsdm.contoh.go.id").unwrap(),
        "",
        merit::domain::Role::Admin,
        None,
        &Actor::cli(),
    )
    .await
    .unwrap();
    let off = admin
        .post(
            "/admin/pengguna/nonaktif",
            &[("csrf", &csrf), ("konfirmasi", "ya"), ("email", OPERATOR.0)],
        )
        .await;
    assert_eq!(off.status, 303, "{}", off.text());
    let on = admin
        .post(
            "/admin/pengguna/aktif",
            &[("csrf", &csrf), ("konfirmasi", "ya"), ("email", OPERATOR.0)],
        )
        .await;
    assert_eq!(on.status, 303, "{}", on.text());
    assert!(
        accounts::list(&app)
            .await
            .unwrap()
            .iter()
            .any(|a| a.email == OPERATOR.0 && a.aktif)
    );
    // Disabling ended the operator's sessions; signed in again, the role still stops them.
    operator.sign_in(OPERATOR.0, OPERATOR.1).await;
    let forbidden = operator.get("/admin/pengguna").await;
    assert_eq!(forbidden.status, 403);
    assert!(forbidden.text().contains("Kembali"), "{}", forbidden.text());
}

#[tokio::test]
async fn read_only_commands_in_a_folder_without_a_database_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["runs", "list"],
        vec!["rules", "versions", "pppk_paruh_waktu"],
        vec!["audit", "list"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_merit"))
            .args(&args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", said(&out));
        assert!(
            said(&out).contains("tidak ada di folder ini"),
            "{}",
            said(&out)
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing created"
    );
}

#[tokio::test]
async fn mail_ingest_for_a_mail_server_exits_so_that_nothing_bounces() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    outbox::flush(&app).await.unwrap();
    let prompt = eml_files(&db.path("outbox"))
        .into_iter()
        .find(|e| plain(e).contains("Usulan Kebutuhan PPPK Paruh Waktu") && !tokens(e).is_empty())
        .unwrap();
    let subject = header(&prompt, "Subject").to_owned();
    let to = header(&prompt, "To").to_owned();
    let code = subject
        .split("[MERIT-")
        .nth(1)
        .and_then(|s| s.split(']').next())
        .unwrap()
        .to_owned();
    let stranger = format!(
        "From: orang@luar.example\r\nSubject: Re: [MERIT-{code}] x\r\nMessage-ID: <asing@x>\r\n\r\nSETUJU\r\n"
    );
    let out = merit_with(&db, &["mail", "ingest", "--mta"], Some(stranger.as_bytes()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "refused, told, nothing bounced: {}",
        said(&out)
    );
    let out = merit_with(&db, &["mail", "ingest", "--mta"], Some(b""));
    assert_eq!(out.status.code(), Some(65), "{}", said(&out));
    let out = merit_with(
        &db,
        &["mail", "ingest", "--mta"],
        Some(b"bukan surel sama sekali\n"),
    );
    assert_eq!(out.status.code(), Some(65), "{}", said(&out));
    let reply = format!(
        "From: {to}\r\nSubject: Re: [MERIT-{code}] x\r\nMessage-ID: <balas-1@x>\r\n\r\nSETUJU sudah saya periksa\r\n"
    );
    let out = merit_with(&db, &["mail", "ingest", "--mta"], Some(reply.as_bytes()));
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    // Without the flag the exit codes stay as they were (a refused reply exits 4).
    let out = merit_with(&db, &["mail", "ingest"], Some(stranger.as_bytes()));
    assert_eq!(out.status.code(), Some(4), "{}", said(&out));
    // The database is unreachable: the server keeps the message and tries again.
    let mut down = merit_cmd(&db, &["mail", "ingest", "--mta"]);
    down.env(
        "MERIT_DATABASE_URL",
        "postgres://merit@127.0.0.1:9/tidak_ada",
    );
    let out = fed(down, reply.as_bytes());
    assert_eq!(out.status.code(), Some(75), "{}", said(&out));

    // A pipe alias pointed at a database that is not there: kept for later, nothing created.
    let elsewhere = tempfile::tempdir().unwrap();
    let missing = elsewhere.path().join("data/merit.db");
    let mut cmd = merit_cmd(&db, &["mail", "ingest", "--mta"]);
    cmd.env(
        "MERIT_DATABASE_URL",
        format!("sqlite://{}", missing.display()),
    )
    .current_dir(elsewhere.path());
    let out = fed(cmd, reply.as_bytes());
    assert_eq!(out.status.code(), Some(75), "{}", said(&out));
    assert!(!missing.exists(), "no empty database made");

    // The applied reply is acknowledged; the stranger's refusal is on the timeline.
    outbox::flush(&app).await.unwrap();
    let ack = eml_files(&db.path("outbox"))
        .into_iter()
        .find(|e| header(e, "To") == to && plain(e).contains("telah tercatat"))
        .expect("an acknowledgement");
    assert!(plain(&ack).contains("SETUJU"));
    assert!(
        !header(&ack, "Subject").contains("Re: Re:"),
        "{}",
        header(&ack, "Subject")
    );
    let id = proposal(&app).await;
    let view = workflow::show(&app, &id).await.unwrap();
    assert_ne!(
        view.langkah_aktif.as_deref(),
        Some("verifikasi"),
        "the reply was applied"
    );
    let history = app.store_for_tests().history(&id).await.unwrap();
    assert!(
        history.iter().any(|h| h.jenis == "balasan_ditolak"
            && h.komentar
                .as_deref()
                .is_some_and(|c| c.contains("orang@luar.example"))),
        "{history:?}"
    );
}

#[tokio::test]
async fn the_sekda_sees_every_answer_given_before() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    let id = proposal(&app).await;
    let mut comments = Vec::new();
    loop {
        let view = workflow::show(&app, &id).await.unwrap();
        let step = view.langkah_aktif.clone().unwrap();
        if step == "sekda" {
            break;
        }
        let comment = format!("catatan tahap {step}");
        comments.push(comment.clone());
        workflow::decide(
            &app,
            &DecideRequest {
                instance: id.clone(),
                langkah: step,
                orang: view.penyetuju[0].orang.clone(),
                jawaban: Answer::Setuju,
                komentar: Some(comment),
                saluran: Channel::Cli,
                dicatat_oleh: None,
                kunjungan: None,
            },
        )
        .await
        .unwrap();
    }
    outbox::flush(&app).await.unwrap();
    let sekda = eml_files(&db.path("outbox"))
        .into_iter()
        .rfind(|e| plain(e).contains("Persetujuan Sekretaris Daerah") && !tokens(e).is_empty())
        .expect("the Sekda's prompt");
    let text = plain(&sekda);
    assert!(text.contains("Jawaban yang sudah diberikan"), "{text}");
    for c in &comments {
        assert!(text.contains(c.as_str()), "{c} in the Sekda's prompt");
    }
    // The details page behind the prompt's link shows them too.
    let addr = serve_http(&app).await;
    let mut c = Client::new(addr);
    let details = c
        .get(&format!("/persetujuan/{}/rincian", tokens(&sekda)[0]))
        .await;
    assert_eq!(details.status, 200);
    for comment in &comments {
        assert!(details.text().contains(comment.as_str()));
    }
}

/// Two administrators disabling each other at the same moment (two requests, two connections):
/// exactly one succeeds, so an active administrator always remains.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_administrators_disabling_each_other_at_once_leave_one() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let (a, b) = (
        Email::parse("a@bkpsdm.contoh.go.id").unwrap(),
        Email::parse("b@bkpsdm.contoh.go.id").unwrap(),
    );
    for e in [&a, &b] {
        accounts::add(&app, e, "", merit::domain::Role::Admin, None, &Actor::cli())
            .await
            .unwrap();
    }
    for _ in 0..5 {
        let one = {
            let (app, a, b) = (app.clone(), a.clone(), b.clone());
            tokio::spawn(async move {
                accounts::disable(&app, &b, &Actor::account(a.as_str(), "10.0.0.1")).await
            })
        };
        let two = {
            let (app, a, b) = (app.clone(), a.clone(), b.clone());
            tokio::spawn(async move {
                accounts::disable(&app, &a, &Actor::account(b.as_str(), "10.0.0.2")).await
            })
        };
        let (x, y) = (one.await.unwrap(), two.await.unwrap());
        let refused = [&x, &y].iter().filter(|r| r.is_err()).count();
        assert_eq!(refused, 1, "{x:?} {y:?}");
        let active: Vec<_> = accounts::list(&app)
            .await
            .unwrap()
            .into_iter()
            .filter(|u| u.aktif)
            .collect();
        assert_eq!(active.len(), 1);
        for e in [&a, &b] {
            accounts::enable(&app, e, &Actor::cli()).await.unwrap();
        }
    }
}

/// A new process cancelled before its prompts went out: they are never sent, only the notice.
#[tokio::test]
async fn prompts_not_yet_sent_stay_unsent_after_a_cancellation() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    outbox::flush(&app).await.unwrap();
    let before = eml_files(&db.path("outbox")).len();
    let id = workflow::start(
        &app,
        "usulan_pppk_paruh_waktu",
        None,
        &merit::service::Actor::account("uji", "uji"),
        None,
    )
    .await
    .unwrap();
    workflow::cancel(&app, &id, &Actor::cli(), "salah mulai")
        .await
        .unwrap();
    outbox::flush(&app).await.unwrap();
    let sent = eml_files(&db.path("outbox"));
    let new: Vec<&String> = sent[before..].iter().collect();
    assert!(!new.is_empty());
    assert!(
        new.iter()
            .all(|e| header(e, "Subject").starts_with("Dibatalkan")),
        "{:?}",
        new.iter().map(|e| header(e, "Subject")).collect::<Vec<_>>()
    );
}

/// Two officers at once: two re-screenings of different candidates, and two findings on one
/// rule. Each re-screening lands over the other (neither candidate's new decision is lost),
/// and one finding stays in force.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_officers_at_once_lose_nothing() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    let store = app.store_for_tests();
    let base = store.latest_finished_run(None).await.unwrap().unwrap();
    let two = store.decisions_after(&base.id, "", 2).await.unwrap();
    for d in &two {
        correction::set(
            &app,
            &Actor::cli(),
            &d.nik,
            &[("gaji_terakhir".to_owned(), "1234567".to_owned())],
            "slip gaji",
        )
        .await
        .unwrap();
    }
    let tasks: Vec<_> = two
        .iter()
        .map(|d| {
            let (app, nik) = (app.clone(), d.nik);
            tokio::spawn(async move {
                merit::service::screening::screen_one(&app, &nik, &Actor::cli()).await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let newest = store.latest_finished_run(None).await.unwrap().unwrap();
    for d in &two {
        let now = store.decision(&newest.id, &d.nik).await.unwrap().unwrap();
        let data = store.candidate(&d.nik).await.unwrap().unwrap();
        assert_eq!(
            now.data_hash,
            data.data_hash(),
            "both re-screenings are in force"
        );
    }

    // Two findings on the same rule at once: one in force, the other replaced.
    let review = left_for_review(&app).await;
    let (nik, rules) = review[0].clone();
    let tasks: Vec<_> = ["pertama", "kedua"]
        .into_iter()
        .map(|note| {
            let (app, rule) = (app.clone(), rules[0].clone());
            tokio::spawn(async move {
                merit::service::screening::verification::set(
                    &app,
                    &Actor::cli(),
                    &nik,
                    &rule,
                    merit::domain::Temuan::Lolos,
                    note,
                )
                .await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let findings = merit::service::screening::verification::list(&app, Some(&nik))
        .await
        .unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(
        findings.iter().filter(|f| f.status == "berlaku").count(),
        1,
        "{findings:?}"
    );
}

/// An answer and a cancellation at the same moment (two requests): whichever lands second plans
/// again over the first; the process ends cancelled exactly once and no prompt of a step opened
/// by the answer is left to be sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_racing_a_cancellation_leaves_one_cancelled_process() {
    let db = TestDb::new().await;
    let app = demo_app(&db, 300, clock()).await;
    outbox::flush(&app).await.unwrap();
    let id = proposal(&app).await;
    let view = workflow::show(&app, &id).await.unwrap();
    let step = view.langkah_aktif.clone().unwrap();
    let answer = {
        let (app, id, orang) = (app.clone(), id.clone(), view.penyetuju[0].orang.clone());
        tokio::spawn(async move {
            workflow::decide(
                &app,
                &DecideRequest {
                    instance: id,
                    langkah: step,
                    orang,
                    jawaban: Answer::Setuju,
                    komentar: None,
                    saluran: Channel::Tautan,
                    dicatat_oleh: None,
                    kunjungan: None,
                },
            )
            .await
        })
    };
    let cancel = {
        let (app, id) = (app.clone(), id.clone());
        tokio::spawn(async move { workflow::cancel(&app, &id, &Actor::cli(), "bersamaan").await })
    };
    let _ = answer.await.unwrap();
    cancel.await.unwrap().unwrap();
    assert_eq!(
        workflow::show(&app, &id).await.unwrap().status,
        Status::Dibatalkan
    );
    let history = app.store_for_tests().history(&id).await.unwrap();
    assert_eq!(
        history.iter().filter(|h| h.jenis == "dibatalkan").count(),
        1
    );
    let before = eml_files(&db.path("outbox")).len();
    outbox::flush(&app).await.unwrap();
    let sent = eml_files(&db.path("outbox"));
    assert!(
        sent[before..]
            .iter()
            .all(|e| !header(e, "Subject").contains("[MERIT-")),
        "no prompt goes out after the cancellation: {:?}",
        sent[before..]
            .iter()
            .map(|e| header(e, "Subject"))
            .collect::<Vec<_>>()
    );
}

/// A verifier's finding cleared, or dropped by a screening, while the audit log refuses
/// entries: the finding stays in force and the action fails — never a change without its entry.
#[tokio::test]
async fn a_finding_is_never_ended_without_its_audit_entry() {
    let db = TestDb::new().await;
    if db.is_postgres() {
        return; // The trigger is SQLite's; the transaction is the same on both.
    }
    let app = demo_app(&db, 800, clock()).await;
    let (nik, rules) = left_for_review(&app).await[0].clone();
    let verification = |app: App, nik: Nik| async move {
        merit::service::screening::verification::list(&app, Some(&nik))
            .await
            .unwrap()
    };
    merit::service::screening::verification::set(
        &app,
        &Actor::cli(),
        &nik,
        &rules[0],
        merit::domain::Temuan::Lolos,
        "ijazah asli diperiksa",
    )
    .await
    .unwrap();
    crate::trust::refuse_audit(app.store_for_tests(), true).await;
    let cleared = merit::service::screening::verification::clear(
        &app,
        &Actor::cli(),
        &nik,
        &rules[0],
        "salah catat",
    )
    .await;
    assert!(cleared.is_err(), "{cleared:?}");
    let findings = verification(app.clone(), nik).await;
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].status, StatusTemuan::Berlaku.code());
    crate::trust::refuse_audit(app.store_for_tests(), false).await;
    merit::service::screening::verification::clear(
        &app,
        &Actor::cli(),
        &nik,
        &rules[0],
        "salah catat",
    )
    .await
    .unwrap();
    assert_eq!(
        verification(app.clone(), nik).await[0].status,
        StatusTemuan::Dicabut.code()
    );
}
