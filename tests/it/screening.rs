//! Screening runs (issue 4): complete, exactly once, resumable after kill -9, shared between
//! processes, diffable, reproducible, exportable.

use std::{
    collections::BTreeMap,
    sync::{Arc, atomic::AtomicBool},
};

use merit::{
    domain::{Hasil, Nik},
    ingest::ImportKind,
    screening::Decision,
    screening::RunStatus,
    service::{
        App, Invalid, Refusal, ServiceError,
        screening::{self, ScreenOptions, ScreenReport},
    },
    store::testing,
};

use crate::{
    cli::{merit, merit_command},
    support::{CANDIDATE_HEADER, TestDb, candidate_row, import_file, regency, write},
};

fn opts() -> ScreenOptions {
    ScreenOptions {
        ruleset: None,
        actor: merit::service::Actor::account("penguji", "uji"),
        progress: None,
        stop: None,
        started: None,
    }
}

async fn screen(app: &App) -> ScreenReport {
    screening::screen(app, &opts()).await.unwrap()
}

async fn count(app: &App, sql: &str) -> i64 {
    testing::scalar(app.store_for_tests(), sql).await.unwrap()
}

/// Every decision of a run, by NIK.
async fn decisions(app: &App, run: &str) -> Vec<Decision> {
    let mut all = Vec::new();
    loop {
        let after = all
            .last()
            .map(|d: &Decision| d.nik.as_str().to_owned())
            .unwrap_or_default();
        let page = app
            .store_for_tests()
            .decisions_after(run, &after, 1_000)
            .await
            .unwrap();
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}

/// Candidates without a decision in `run`, and decisions in excess of one per candidate.
async fn gaps_and_duplicates(app: &App, run: &str) -> (i64, i64) {
    let gaps = count(
        app,
        &format!(
            "SELECT COUNT(*) FROM calon c WHERE NOT EXISTS \
             (SELECT 1 FROM keputusan k WHERE k.run_id = '{run}' AND k.nik = c.nik)"
        ),
    )
    .await;
    let dups = count(
        app,
        &format!("SELECT COUNT(*) - COUNT(DISTINCT nik) FROM keputusan WHERE run_id = '{run}'"),
    )
    .await;
    (gaps, dups)
}

#[tokio::test]
async fn a_run_decides_every_candidate_once_with_every_rule_and_reason() {
    let db = TestDb::new().await;
    let app = db.app().await;
    regency(&app, db.dir.path(), 12_000, 5).await;
    let report = screen(&app).await;

    assert_eq!(report.total, 12_000);
    assert_eq!(
        report.layak + report.tidak_layak + report.perlu_verifikasi,
        12_000
    );
    assert!(report.layak > 0 && report.tidak_layak > 0 && report.perlu_verifikasi > 0);
    assert!(!report.dilanjutkan && report.selesai);
    assert_eq!(gaps_and_duplicates(&app, &report.run_id).await, (0, 0));

    let run = app
        .store_for_tests()
        .run(&report.run_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, RunStatus::Selesai);
    assert_eq!(run.aturan.len(), 11);
    assert_eq!(run.versi, report.ruleset_version);
    let progress = app.store_for_tests().chunk_progress(&run.id).await.unwrap();
    assert_eq!((progress.selesai, progress.total), (3, 3));

    // The stored counts are the decisions' own.
    let all = decisions(&app, &run.id).await;
    let mut per_rule: BTreeMap<String, u64> = BTreeMap::new();
    for d in &all {
        assert_eq!(d.kode.len(), 11, "one result per rule");
        for (id, v) in run.aturan.iter().zip(d.verdicts()) {
            *per_rule.entry(id.clone()).or_default() += u64::from(v.code() == "gagal");
            if v.code() != "lolos" {
                assert!(v.reason().is_some_and(|r| !r.is_empty()), "{id}: a reason");
            }
        }
        assert_eq!(d.hasil, Hasil::from_verdicts(&d.verdicts()));
    }
    assert_eq!(per_rule, report.gagal_per_aturan);

    // Each stored decision is what the ruleset says about that candidate now.
    for d in all.iter().step_by(400) {
        let now = merit::service::rules::explain_now(&app, &d.nik, None)
            .await
            .unwrap();
        assert_eq!(now.hasil, d.hasil, "{}", d.nik);
        assert_eq!(now.prioritas, d.prioritas);
        let stored = merit::service::rules::explain_in_run(&app, &d.nik, &run.id)
            .await
            .unwrap();
        assert_eq!(stored.sumber, run.id);
        assert_eq!(
            serde_json::to_value(&stored.aturan).unwrap(),
            serde_json::to_value(&now.aturan).unwrap()
        );
        assert_eq!(now.run_terakhir.unwrap().run_id, run.id);
    }
}

#[tokio::test]
async fn a_stopped_run_is_resumed_by_the_next_screen() {
    let db = TestDb::new().await;
    let app = db.app().await;
    regency(&app, db.dir.path(), 11_000, 6).await;
    let stopped = screening::screen(
        &app,
        &ScreenOptions {
            stop: Some(Arc::new(AtomicBool::new(true))),
            started: None,
            ..opts()
        },
    )
    .await
    .unwrap();
    assert!(!stopped.selesai);
    assert_eq!(
        app.store_for_tests()
            .unfinished_run("pppk_paruh_waktu")
            .await
            .unwrap()
            .unwrap()
            .id,
        stopped.run_id
    );
    let resumed = screen(&app).await;
    assert_eq!(resumed.run_id, stopped.run_id);
    assert!(resumed.dilanjutkan && resumed.selesai);
    assert_eq!(resumed.total, 11_000);
    assert_eq!(gaps_and_duplicates(&app, &resumed.run_id).await, (0, 0));
    assert!(
        app.store_for_tests()
            .unfinished_run("pppk_paruh_waktu")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn claims_are_leased_and_a_lost_claim_cannot_write() {
    let db = TestDb::new().await;
    let app = db.app().await;
    regency(&app, db.dir.path(), 11_000, 7).await;
    let run = screening::screen(
        &app,
        &ScreenOptions {
            stop: Some(Arc::new(AtomicBool::new(true))),
            started: None,
            ..opts()
        },
    )
    .await
    .unwrap()
    .run_id;
    let store = app.store_for_tests();
    let (a, b) = ("host-lain/101/1", "host-lain/202/2");
    let t0 = 1_000_000;
    let lease = 60_000;

    let first = store
        .claim_chunk(&run, a, t0, lease, &[])
        .await
        .unwrap()
        .unwrap();
    let second = store
        .claim_chunk(&run, b, t0, lease, &[])
        .await
        .unwrap()
        .unwrap();
    let third = store
        .claim_chunk(&run, b, t0, lease, &[])
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.nomor, second.nomor, third.nomor), (0, 1, 2));
    assert!(
        store
            .claim_chunk(&run, b, t0 + lease - 1, lease, &[])
            .await
            .unwrap()
            .is_none(),
        "every chunk is held and no lease has run out"
    );
    // A's lease runs out: B takes the chunk over.
    let taken = store
        .claim_chunk(&run, b, t0 + lease + 1, lease, &[])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.nomor, first.nomor);
    // A comes back late: its work is refused and nothing is written.
    let one = Decision::new(
        Nik::parse("1609022304870001").unwrap(),
        "x".into(),
        Hasil::Layak,
        None,
        &[],
    );
    assert!(
        !store
            .complete_chunk(
                &first,
                a,
                std::slice::from_ref(&one),
                &merit::screening::Tally::default(),
                t0 + lease + 2
            )
            .await
            .unwrap()
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM keputusan WHERE run_id = '{run}'")
        )
        .await,
        0
    );
    // An owner known to be dead loses its claims at once, whatever its lease.
    let rescued = store
        .claim_chunk(&run, a, t0 + 1, lease, &[b.to_owned()])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rescued.nomor, first.nomor);

    // The run still completes exactly once: B's claims lapse or B finishes; here the next
    // screen takes them over once their leases have run out.
    let clock = merit::clock::FakeClock::at(merit::clock::from_ms(t0 + 10 * lease));
    let later = app.with_clock(Arc::new(clock));
    let done = screen(&later).await;
    assert_eq!(done.run_id, run);
    assert_eq!(done.total, 11_000);
    assert_eq!(gaps_and_duplicates(&app, &run).await, (0, 0));
}

/// Polls the database until the child has finished some chunks of a run, but not all.
async fn wait_for_partial_run(app: &App, child: &mut std::process::Child) -> String {
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run finished before it could be interrupted"
        );
        if let Some(run) = app
            .store_for_tests()
            .unfinished_run("pppk_paruh_waktu")
            .await
            .unwrap()
        {
            let p = app.store_for_tests().chunk_progress(&run.id).await.unwrap();
            if p.selesai >= 2 {
                assert!(p.selesai < p.total, "the run is still going");
                return run.id;
            }
        }
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn kill_9_in_the_middle_of_a_run_then_resume_gives_exactly_one_decision_each() {
    let db = TestDb::new().await;
    let app = db.app().await;
    regency(&app, db.dir.path(), 120_000, 8).await;
    let mut child = crate::crash::spawn_merit(&db, &["screen"]);
    let run = wait_for_partial_run(&app, &mut child).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let p = app.store_for_tests().chunk_progress(&run).await.unwrap();
    assert!(p.selesai < p.total, "interrupted part-way: {p:?}");

    let out = merit(&db, &["screen", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["run_id"], run.as_str());
    assert_eq!(report["dilanjutkan"], true);
    assert_eq!(report["total"], 120_000);
    assert_eq!(gaps_and_duplicates(&app, &run).await, (0, 0));
    let run = app.store_for_tests().run(&run).await.unwrap().unwrap();
    assert_eq!(run.status, RunStatus::Selesai);
    assert_eq!(run.hasil.total, 120_000);
}

#[tokio::test]
async fn two_processes_share_one_run() {
    let db = TestDb::new().await;
    let app = db.app().await;
    regency(&app, db.dir.path(), 60_000, 9).await;
    let spawn = || {
        merit_command(&db, &["screen", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (one, two) = (spawn(), spawn());
    let (one, two) = (
        one.wait_with_output().unwrap(),
        two.wait_with_output().unwrap(),
    );
    let mut ids = Vec::new();
    for out in [&one, &two] {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(r["total"], 60_000);
        ids.push(r["run_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids[0], ids[1], "both processes worked on the same run");
    assert_eq!(app.store_for_tests().runs().await.unwrap().len(), 1);
    assert_eq!(gaps_and_duplicates(&app, &ids[0]).await, (0, 0));
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM run_potongan WHERE run_id = '{}' AND status = 'selesai'",
                ids[0]
            )
        )
        .await,
        12,
        "every chunk done once"
    );
}

fn candidates_file(db: &TestDb, name: &str, rows: &[String]) -> std::path::PathBuf {
    write(
        db.dir.path(),
        name,
        &format!("{CANDIDATE_HEADER}\n{}\n", rows.join("\n")),
    )
}

#[tokio::test]
async fn an_edited_candidate_shows_in_runs_diff_and_old_runs_stay_reproducible() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let budi = candidate_row("1609022304870001", "BUDI", "1987-04-23", "L");
    let dewi = candidate_row("1609025506920002", "DEWI", "1992-06-15", "P");
    import_file(
        &app,
        ImportKind::Candidates,
        &candidates_file(&db, "a.csv", &[budi.clone(), dewi.clone()]),
    )
    .await;
    let first = screen(&app).await;
    assert_eq!(first.layak, 2);

    // Budi stopped working: aktif_bekerja becomes "tidak".
    let budi_inactive = budi.replace(",ya,2012-03-01,", ",tidak,2012-03-01,");
    assert_ne!(budi, budi_inactive);
    import_file(
        &app,
        ImportKind::Candidates,
        &candidates_file(&db, "b.csv", &[budi_inactive, dewi]),
    )
    .await;
    let second = screen(&app).await;
    assert_eq!((second.layak, second.tidak_layak), (1, 1));

    let (_, _, diff) = screening::diff(&app, &first.run_id, &second.run_id)
        .await
        .unwrap();
    assert_eq!((diff.dibandingkan, diff.berubah), (2, 1));
    let change = &diff.perubahan[0];
    assert_eq!(change.nik.as_str(), "1609022304870001");
    assert_eq!(
        (change.hasil_sebelum, change.hasil_sesudah),
        (Some(Hasil::Layak), Some(Hasil::TidakLayak))
    );
    assert!(change.data_berubah);
    let rules: Vec<&str> = change.aturan.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(rules, ["PW-05"]);
    assert_eq!(change.aturan[0].sebelum, "lolos");
    assert_eq!(change.aturan[0].sesudah, "gagal");
    assert_eq!(diff.perpindahan.get("layak → tidak_layak"), Some(&1));

    // The first run is reproduced from the data it was made on, not today's.
    let verify = screening::verify(&app, &first.run_id).await.unwrap();
    assert_eq!((verify.diperiksa, verify.sama), (2, 2));
    assert!(verify.berbeda.is_empty() && verify.data_hilang.is_empty());

    // And so through the binary.
    let out = merit(&db, &["runs", "diff", &first.run_id, &second.run_id]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.contains("1 berubah hasil"), "{text}");
    assert!(text.contains("PW-05: lolos → gagal"), "{text}");
    let out = merit(&db, &["runs", "verify", &first.run_id]);
    assert_eq!(out.status.code(), Some(0));
    let out = merit(&db, &["runs", "show", "tidak-ada"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tidak ditemukan"));
}

/// Copies the project's rules to a folder the test may edit.
fn rules_copy(db: &TestDb) -> std::path::PathBuf {
    let to = db.path("rules");
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for entry in walk(&from) {
        let target = to.join(entry.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
    to
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn dry_run_shows_what_a_rule_edit_would_do_and_writes_nothing() {
    let db = TestDb::new().await;
    let app = db.app().await;
    regency(&app, db.dir.path(), 3_000, 10).await;
    let base = screen(&app).await;

    // Raise the minimum age from 20 to 35 in a copy of the rules.
    let rules = rules_copy(&db);
    let manifest = rules.join("pppk_paruh_waktu/ruleset.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("usia_minimal: 20", "usia_minimal: 35"),
    )
    .unwrap();
    let edited = db
        .app_with(db.settings_with(&[("MERIT_RULES_DIR", rules.to_str().unwrap())]))
        .await;

    let tables = [
        "run_penyaringan",
        "run_potongan",
        "keputusan",
        "ruleset_versi",
    ];
    let mut before = Vec::new();
    for t in tables {
        before.push(count(&app, &format!("SELECT COUNT(*) FROM {t}")).await);
    }
    let dry = screening::dry_run(&edited, None, None).await.unwrap();
    let mut after = Vec::new();
    for t in tables {
        after.push(count(&app, &format!("SELECT COUNT(*) FROM {t}")).await);
    }
    assert_eq!(before, after, "dry-run writes nothing");

    assert_eq!(
        dry.dibandingkan_dengan.as_deref(),
        Some(base.run_id.as_str())
    );
    assert_ne!(dry.ruleset_version, base.ruleset_version);
    assert_eq!(dry.hasil.total, 3_000);
    assert!(dry.perbedaan.berubah > 0, "some candidates are under 35");
    assert_eq!(dry.perbedaan.dibandingkan, 3_000);
    assert!(dry.hasil.layak < base.layak);
    assert_eq!(
        base.layak - dry.hasil.layak,
        dry.perbedaan.perpindahan["layak → tidak_layak"]
    );
    assert!(
        dry.perbedaan
            .perubahan
            .iter()
            .all(|c| c.aturan.iter().any(|r| r.id == "PW-07") && !c.data_berubah)
    );
    assert_eq!(
        dry.perbedaan.per_aturan.keys().collect::<Vec<_>>(),
        ["PW-07"]
    );

    // The edited ruleset now fails its own test cases, so it cannot make an official run.
    let refused = screening::screen(&edited, &opts()).await.unwrap_err();
    match &refused {
        ServiceError::Invalid(Invalid::TestsFail { ruleset, failures }) => {
            assert_eq!(ruleset, "pppk_paruh_waktu");
            assert!(!failures.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(refused.to_string().contains("kasus uji gagal"), "{refused}");
}

#[tokio::test]
async fn screening_without_candidates_or_with_an_unknown_ruleset_is_a_clear_error() {
    let db = TestDb::new().await;
    let out = merit(&db, &["screen"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("belum ada calon"));
    let out = merit(&db, &["screen", "--ruleset", "tidak_ada"]);
    assert_eq!(out.status.code(), Some(3));
    let out = merit(&db, &["screen", "--ruleset", "pengisian_jabatan"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bukan calon"));
    let out = merit(&db, &["place"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("merit screen"));
    let out = merit(&db, &["runs", "list", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
}

#[tokio::test]
async fn candidates_are_read_back_exactly_even_with_odd_characters_and_empty_fields() {
    let db = TestDb::new().await;
    let app = db.app().await;
    // Empty optional fields, and a selection score that does not survive a 15-digit text
    // round trip.
    let odd = candidate_row("1609022304870001", "BUDI", "1987-04-23", "L")
        .replace(",OKU Timur,", ",,")
        .replace(",70.5,", ",70.123456789012345,");
    let plain = candidate_row("1609025506920002", "DEWI", "1992-06-15", "P");
    import_file(
        &app,
        ImportKind::Candidates,
        &candidates_file(&db, "a.csv", &[odd, plain]),
    )
    .await;
    let report = screen(&app).await;
    assert_eq!(report.total, 2);
    let mismatched = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM keputusan k JOIN calon c ON c.instansi = k.instansi AND c.nik = k.nik \
             WHERE k.run_id = '{}' AND k.data_hash <> c.data_hash",
            report.run_id
        ),
    )
    .await;
    assert_eq!(
        mismatched, 0,
        "decisions were made on exactly the stored data"
    );
    let read = app
        .store_for_tests()
        .candidates_between("", "~")
        .await
        .unwrap();
    assert_eq!(read.len(), 2);
    assert_eq!(read[0].tempat_lahir, None);
    assert_eq!(
        read[0].nilai_seleksi,
        Some("70.123456789012345".parse::<f64>().unwrap())
    );
    assert_eq!(read[1].tempat_lahir.as_deref(), Some("OKU Timur"));

    // Import refuses control characters, but someone with database access may not: a unit
    // separator inside a value is still read back as it is.
    let changed = testing::execute(
        app.store_for_tests(),
        "UPDATE calon SET nama = 'BUDI\u{1f}SANTOSO' WHERE nik = '1609022304870001'",
    )
    .await
    .unwrap();
    assert_eq!(changed, 1);
    let read = app
        .store_for_tests()
        .candidates_between("", "~")
        .await
        .unwrap();
    assert_eq!(read[0].nama, "BUDI\u{1f}SANTOSO");
    assert_eq!(read[1].nama, "DEWI");
}

/// Issue 11 item 11: a run's totals do not depend on the number of rules: 2,001 per-rule
/// counts are summed from the chunks (SQLite allows 2,000 result columns).
#[tokio::test]
async fn totals_of_a_run_with_thousands_of_rules_are_kept() {
    use merit::screening::{Tally, encode};
    let db = TestDb::new().await;
    let app = db.app().await;
    regency(&app, db.dir.path(), 300, 8).await;
    let chunks = app.store_for_tests().plan_chunks(100).await.unwrap();
    let rules: Vec<String> = (0..2_001).map(|i| format!("R-{i:04}")).collect();
    let run = merit::screening::Run {
        id: "run-banyak-aturan".into(),
        ruleset: "besar".into(),
        versi: "v1".into(),
        status: RunStatus::Berjalan,
        aturan: rules.clone(),
        jumlah_potongan: chunks.len() as u64,
        hasil: Tally::default(),
        dibuat_oleh: "penguji".into(),
        dibuat_ms: 1,
        selesai_ms: None,
        alasan_gagal: None,
        jenis: Default::default(),
    };
    app.store_for_tests()
        .create_run(&run, &chunks)
        .await
        .unwrap();
    let mut verdicts = vec![merit::domain::RuleVerdict::Lolos; 2_001];
    verdicts[2_000] = merit::domain::RuleVerdict::Gagal("terakhir".into());
    while let Some(chunk) = app
        .store_for_tests()
        .claim_chunk(&run.id, "a", 10, 60_000, &[])
        .await
        .unwrap()
    {
        let candidates = app
            .store_for_tests()
            .candidates_between(&chunk.lo, &chunk.hi)
            .await
            .unwrap();
        let (kode, alasan) = encode(&verdicts);
        let mut tally = Tally::default();
        let decisions: Vec<Decision> = candidates
            .iter()
            .map(|c| {
                tally.add_in(&rules, c.kategori_pelamar.code(), Hasil::TidakLayak, &kode);
                Decision {
                    nik: c.nik,
                    hasil: Hasil::TidakLayak,
                    prioritas: None,
                    kode: kode.clone(),
                    alasan: alasan.clone(),
                    data_hash: c.data_hash(),
                }
            })
            .collect();
        assert!(
            app.store_for_tests()
                .complete_chunk(&chunk, "a", &decisions, &tally, 20)
                .await
                .unwrap()
        );
    }
    let done = app
        .store_for_tests()
        .finalize_run(&run, 30, None)
        .await
        .unwrap();
    assert_eq!(done.status, RunStatus::Selesai);
    assert_eq!(done.hasil.total, 300);
    assert_eq!(done.hasil.gagal_per_aturan["R-2000"], 300);
    assert_eq!(done.hasil.gagal_per_aturan["R-0000"], 0);
    let per_kategori: u64 = done.hasil.per_kategori.values().map(|c| c.total()).sum();
    assert_eq!(per_kategori, 300);
}

/// Issue 11 item 11: a run that fails for a reason other than a crash is marked `gagal` with
/// the reason, the next screening starts a new run, and an operator can cancel a run.
#[tokio::test]
async fn failed_and_cancelled_runs_do_not_block_the_next_one() {
    let db = TestDb::new().await;
    let app = db.app().await;
    regency(&app, db.dir.path(), 2_000, 9).await;
    let stopped = screening::screen(
        &app,
        &ScreenOptions {
            stop: Some(Arc::new(AtomicBool::new(true))),
            started: None,
            ..opts()
        },
    )
    .await
    .unwrap();
    // The run's stored rules disappear and its version is not the one in force: resuming
    // cannot go on.
    testing::execute(
        app.store_for_tests(),
        &format!(
            "UPDATE run_penyaringan SET versi = 'hilang' WHERE id = '{}'",
            stopped.run_id
        ),
    )
    .await
    .unwrap();
    let err = screening::screen(&app, &opts()).await.unwrap_err();
    assert!(err.to_string().contains("tidak tersimpan"), "{err}");
    let failed = app
        .store_for_tests()
        .run(&stopped.run_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.status, RunStatus::Gagal);
    assert!(failed.alasan_gagal.unwrap().contains("tidak tersimpan"));
    // The next screening starts afresh and finishes.
    let next = screen(&app).await;
    assert_ne!(next.run_id, stopped.run_id);
    assert!(next.selesai && !next.dilanjutkan);
    assert_eq!(next.total, 2_000);

    // Cancelled by an operator.
    let stopped = screening::screen(
        &app,
        &ScreenOptions {
            stop: Some(Arc::new(AtomicBool::new(true))),
            started: None,
            ..opts()
        },
    )
    .await
    .unwrap();
    let cancelled = screening::cancel(
        &app,
        &stopped.run_id,
        &merit::service::Actor::account("operator", "uji"),
    )
    .await
    .unwrap();
    assert_eq!(cancelled.status, RunStatus::Gagal);
    assert_eq!(
        cancelled.alasan_gagal.as_deref(),
        Some("dibatalkan oleh operator")
    );
    assert!(matches!(
        screening::cancel(
            &app,
            &stopped.run_id,
            &merit::service::Actor::account("operator", "uji")
        )
        .await,
        Err(ServiceError::Refused(Refusal::RunEnded(RunStatus::Gagal)))
    ));
    let after = screen(&app).await;
    assert!(after.selesai && !after.dilanjutkan);
    // And through the command line.
    let out = merit(&db, &["runs", "cancel", &after.run_id]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "a finished run cannot be cancelled"
    );
}
