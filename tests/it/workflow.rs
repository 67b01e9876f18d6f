//! The workflow engine (issue 5) on the real database: modes, conditions, returns, choices,
//! acting officials, versions, concurrency, durable timers, broken definitions, job-fill.

use std::{path::PathBuf, sync::Arc};

use chrono::{Duration, TimeZone, Utc};
use merit::{
    clock::{FakeClock, SharedClock},
    service::{
        App, Refusal, ServiceError,
        workflow::{self, DecideRequest, InstanceView},
    },
    store::testing::scalar,
    workflow::{Answer, Channel, Refusal as WorkflowRefusal, Status},
};

use crate::support::{TestDb, write};

const DIRECTORY: &str = "orang:
  - { id: verif, nama: Petugas Verifikasi, email: verif@contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }
  - { id: kaban, nama: Kepala BKPSDM, email: kaban@contoh.go.id, peran: [KEPALA_BKPSDM, ADMIN] }
  - { id: tpk1, nama: Anggota TPK 1, email: tpk1@contoh.go.id, peran: [TPK] }
  - { id: tpk2, nama: Anggota TPK 2, email: tpk2@contoh.go.id, peran: [TPK] }
  - { id: tpk3, nama: Anggota TPK 3, email: tpk3@contoh.go.id, peran: [TPK] }
  - { id: sekda, nama: Sekretaris Daerah, email: sekda@contoh.go.id, peran: [SEKDA] }
  - { id: asisten, nama: Asisten I, email: asisten@contoh.go.id, peran: [ASISTEN] }
  - { id: bupati, nama: Bupati, email: bupati@contoh.go.id, peran: [PPK] }
pelaksana:
  - peran: SEKDA
    orang: asisten
    mulai: 2025-08-01
    sampai: 2025-08-31
    dasar: SK Bupati Nomor 800/12/2025 tentang Plh. Sekretaris Daerah
";

const UJI: &str = r#"id: uji
judul: Alur Uji
subjek: bebas
kalender: hari_kerja
langkah:
  - id: satu
    judul: Verifikasi
    penyetuju: { peran: VERIFIKATOR_BKPSDM }
    tenggat: 3d
    pengingat: [1d, 2d]
    eskalasi: { setelah: 4d, ke: { peran: KEPALA_BKPSDM } }
  - id: semua
    judul: Semua anggota TPK
    penyetuju: { peran: TPK }
    mode: semua
  - id: kuorum
    judul: Kuorum TPK
    penyetuju: { peran: TPK }
    mode: { kuorum: 2 }
    jika_kembalikan: satu
  - id: lewati
    judul: Dilewati bila bukan lowongan
    syarat: 'subjek.jenis == "lowongan"'
    penyetuju: { peran: KEPALA_BKPSDM }
  - id: sekda
    judul: Sekretaris Daerah
    penyetuju: { peran: SEKDA }
  - id: pilih
    judul: Pilihan PPK
    pilihan: '["A", "B", "C"]'
    penyetuju: { peran: PPK }
pemberitahuan:
  selesai_disetujui: [{ peran: KEPALA_BKPSDM }]
  selesai_ditolak: [{ peran: KEPALA_BKPSDM }]
"#;

struct Fixture {
    db: TestDb,
    app: App,
    clock: Arc<FakeClock>,
    wfdir: PathBuf,
}

/// Monday 11 August 2025, 09.00 WIB.
fn monday() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap()
}

async fn fixture(defs: &[(&str, &str)]) -> Fixture {
    let db = TestDb::new().await;
    let wfdir = db.path("workflows");
    std::fs::create_dir_all(&wfdir).unwrap();
    for (name, text) in defs {
        write(&wfdir, name, text);
    }
    let directory = write(db.dir.path(), "directory.yaml", DIRECTORY);
    let app = app_for(&db, &wfdir, &directory, monday()).await;
    let clock = clock_of(&app);
    Fixture {
        db,
        app,
        clock,
        wfdir,
    }
}

thread_local! {
    static CLOCKS: std::cell::RefCell<Vec<Arc<FakeClock>>> = const { std::cell::RefCell::new(Vec::new()) };
}

async fn app_for(
    db: &TestDb,
    wfdir: &std::path::Path,
    directory: &std::path::Path,
    at: chrono::DateTime<Utc>,
) -> App {
    let settings = db.settings_with(&[
        ("MERIT_WORKFLOWS_DIR", wfdir.to_str().unwrap()),
        ("MERIT_DIRECTORY", directory.to_str().unwrap()),
    ]);
    let clock = Arc::new(FakeClock::at(at));
    CLOCKS.with(|c| c.borrow_mut().push(clock.clone()));
    let shared: SharedClock = clock;
    App::open(settings, shared).await.unwrap()
}

fn clock_of(_app: &App) -> Arc<FakeClock> {
    CLOCKS.with(|c| c.borrow().last().cloned().unwrap())
}

fn req(
    instance: &str,
    step: &str,
    who: &str,
    answer: Answer,
    comment: Option<&str>,
) -> DecideRequest {
    DecideRequest {
        instance: instance.to_owned(),
        langkah: step.to_owned(),
        orang: who.to_owned(),
        jawaban: answer,
        komentar: comment.map(str::to_owned),
        saluran: Channel::Tautan,
        dicatat_oleh: None,
        kunjungan: None,
    }
}

async fn decide(app: &App, inst: &str, step: &str, who: &str, answer: Answer) -> InstanceView {
    workflow::decide(app, &req(inst, step, who, answer, None))
        .await
        .unwrap_or_else(|e| panic!("{step}/{who}: {e}"));
    workflow::show(app, inst).await.unwrap()
}

async fn count(app: &App, sql: &str) -> i64 {
    scalar(app.store_for_tests(), sql).await.unwrap()
}

#[tokio::test]
async fn modes_conditions_and_choices_from_start_to_approval() {
    let f = fixture(&[("uji.yaml", UJI)]).await;
    let app = &f.app;
    let id = workflow::start(app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let v = workflow::show(app, &id).await.unwrap();
    assert_eq!(v.langkah_aktif.as_deref(), Some("satu"));
    assert_eq!(v.penyetuju.len(), 1);

    // salah_satu: the first answer decides.
    let v = decide(app, &id, "satu", "verif", Answer::Setuju).await;
    assert_eq!(v.langkah_aktif.as_deref(), Some("semua"));
    assert_eq!(v.penyetuju.len(), 3);

    // semua: two agreements are not enough.
    decide(app, &id, "semua", "tpk1", Answer::Setuju).await;
    let v = decide(app, &id, "semua", "tpk2", Answer::Setuju).await;
    assert_eq!(v.langkah_aktif.as_deref(), Some("semua"));
    let err = workflow::decide(app, &req(&id, "semua", "tpk1", Answer::Setuju, None))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sudah menjawab"), "{err}");
    let v = decide(app, &id, "semua", "tpk3", Answer::Setuju).await;
    assert_eq!(v.langkah_aktif.as_deref(), Some("kuorum"));

    // kuorum 2 of 3: one refusal still leaves two possible agreements.
    decide(app, &id, "kuorum", "tpk1", Answer::Tolak).await;
    decide(app, &id, "kuorum", "tpk2", Answer::Setuju).await;
    let v = decide(app, &id, "kuorum", "tpk3", Answer::Setuju).await;
    // `lewati` is skipped (its condition is false); the Sekda step opens.
    assert_eq!(v.langkah_aktif.as_deref(), Some("sekda"));
    assert!(
        v.riwayat
            .iter()
            .any(|h| h.jenis == "dilewati" && h.langkah.as_deref() == Some("lewati"))
    );

    // An outsider cannot answer; the Sekda can.
    let err = workflow::decide(app, &req(&id, "sekda", "tpk1", Answer::Setuju, None))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ServiceError::Refused(Refusal::Workflow(WorkflowRefusal::NotApprover(who))) if who == "tpk1"
        ),
        "{err}"
    );
    let v = decide(app, &id, "sekda", "sekda", Answer::Setuju).await;
    assert_eq!(v.langkah_aktif.as_deref(), Some("pilih"));
    assert_eq!(v.opsi, ["A", "B", "C"]);

    // A choice step wants an option from the list.
    let err = workflow::decide(app, &req(&id, "pilih", "bupati", Answer::Setuju, None))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ServiceError::Refused(Refusal::Workflow(WorkflowRefusal::ChoiceRequired(_)))
        ),
        "{err}"
    );
    assert!(err.is_input());
    let err = workflow::decide(
        app,
        &req(&id, "pilih", "bupati", Answer::Pilih("Z".into()), None),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            &err,
            ServiceError::Refused(Refusal::Workflow(WorkflowRefusal::BadChoice { pilihan, .. })) if pilihan == "Z"
        ),
        "{err}"
    );
    assert!(err.to_string().contains("tidak ada dalam daftar"), "{err}");
    let v = decide(app, &id, "pilih", "bupati", Answer::Pilih("B".into())).await;
    assert_eq!(v.status, Status::SelesaiDisetujui);
    assert_eq!(v.pilihan.as_deref(), Some("B"));
    assert_eq!(v.langkah_aktif, None);

    // Finished: any further answer is refused by state.
    let err = workflow::decide(app, &req(&id, "pilih", "bupati", Answer::Tolak, None))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ServiceError::Refused(Refusal::Workflow(WorkflowRefusal::Finished(
                "selesai_disetujui"
            )))
        ),
        "{err}"
    );

    // History: every decision with who, capacity and channel; the end notice to KEPALA_BKPSDM.
    let decisions: Vec<_> = v
        .riwayat
        .iter()
        .filter(|h| h.jenis == "keputusan")
        .collect();
    assert_eq!(decisions.len(), 9);
    assert!(
        decisions
            .iter()
            .all(|h| h.saluran.as_deref() == Some("tautan"))
    );
    let selesai = count(
        app,
        &format!("SELECT COUNT(*) FROM kotak_keluar WHERE instans_id = '{id}' AND jenis = 'selesai' AND orang = 'kaban'"),
    )
    .await;
    assert_eq!(selesai, 1);
    // One prompt per seat per visit: 1 + 3 + 3 + 1 (Sekda and the acting Sekda) + 1 = 10.
    let prompts = count(
        app,
        &format!(
            "SELECT COUNT(*) FROM kotak_keluar WHERE instans_id = '{id}' AND jenis = 'permintaan'"
        ),
    )
    .await;
    assert_eq!(prompts, 10);
}

#[tokio::test]
async fn unreachable_quorum_refuses_and_returns_go_back_with_a_reason() {
    let f = fixture(&[("uji.yaml", UJI)]).await;
    let app = &f.app;
    let id = workflow::start(app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    decide(app, &id, "satu", "verif", Answer::Setuju).await;
    for p in ["tpk1", "tpk2", "tpk3"] {
        decide(app, &id, "semua", p, Answer::Setuju).await;
    }
    // Sending back needs a reason.
    let err = workflow::decide(
        app,
        &req(&id, "kuorum", "tpk1", Answer::Kembalikan, Some("  ")),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("alasan"), "{err}");
    workflow::decide(
        app,
        &req(
            &id,
            "kuorum",
            "tpk1",
            Answer::Kembalikan,
            Some("Lampiran SK belum ada"),
        ),
    )
    .await
    .unwrap();
    let v = workflow::show(app, &id).await.unwrap();
    assert_eq!(v.langkah_aktif.as_deref(), Some("satu"));
    assert!(v.riwayat.iter().any(
        |h| h.jenis == "dikembalikan" && h.komentar.as_deref() == Some("Lampiran SK belum ada")
    ));
    // The requester (kaban) is told why; the new prompt carries the reason.
    let told = count(
        app,
        &format!("SELECT COUNT(*) FROM kotak_keluar WHERE instans_id = '{id}' AND jenis = 'dikembalikan' AND orang = 'kaban'"),
    )
    .await;
    assert_eq!(told, 1);
    let prompt_with_reason = count(
        app,
        &format!("SELECT COUNT(*) FROM kotak_keluar WHERE instans_id = '{id}' AND jenis = 'permintaan' AND orang = 'verif' AND data LIKE '%Lampiran SK belum ada%'"),
    )
    .await;
    assert_eq!(prompt_with_reason, 1);

    // Round two: at the quorum step two refusals make 2 agreements impossible.
    decide(app, &id, "satu", "verif", Answer::Setuju).await;
    for p in ["tpk1", "tpk2", "tpk3"] {
        decide(app, &id, "semua", p, Answer::Setuju).await;
    }
    let v = decide(app, &id, "kuorum", "tpk1", Answer::Tolak).await;
    assert_eq!(v.status, Status::Berjalan);
    let v = decide(app, &id, "kuorum", "tpk2", Answer::Tolak).await;
    assert_eq!(v.status, Status::SelesaiDitolak);
    assert!(
        v.riwayat
            .iter()
            .any(|h| h.komentar.as_deref() == Some("kuorum 2 tidak dapat tercapai lagi"))
    );
    // tpk3 was still asked, in both rounds, and is told each time that the step is closed.
    let closed = count(
        app,
        &format!("SELECT COUNT(*) FROM kotak_keluar WHERE instans_id = '{id}' AND jenis = 'langkah_ditutup' AND orang = 'tpk3'"),
    )
    .await;
    assert_eq!(closed, 2);
}

#[tokio::test]
async fn an_acting_official_answers_in_that_capacity() {
    let f = fixture(&[("uji.yaml", UJI)]).await;
    let app = &f.app;
    let id = workflow::start(app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    decide(app, &id, "satu", "verif", Answer::Setuju).await;
    for p in ["tpk1", "tpk2", "tpk3"] {
        decide(app, &id, "semua", p, Answer::Setuju).await;
    }
    decide(app, &id, "kuorum", "tpk1", Answer::Setuju).await;
    let v = decide(app, &id, "kuorum", "tpk2", Answer::Setuju).await;
    assert_eq!(v.langkah_aktif.as_deref(), Some("sekda"));
    let acting = v.penyetuju.iter().find(|s| s.orang == "asisten").unwrap();
    assert!(
        acting
            .kapasitas
            .starts_with("Plh. SEKDA (SK Bupati Nomor 800/12/2025"),
        "{}",
        acting.kapasitas
    );
    let v = decide(app, &id, "sekda", "asisten", Answer::Setuju).await;
    let entry = v
        .riwayat
        .iter()
        .find(|h| h.jenis == "keputusan" && h.orang.as_deref() == Some("asisten"))
        .unwrap();
    assert!(
        entry
            .kapasitas
            .as_deref()
            .unwrap()
            .starts_with("Plh. SEKDA")
    );
    assert_eq!(v.langkah_aktif.as_deref(), Some("pilih"));

    // Outside the decree's period the acting official is not asked.
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 9, 8, 2, 0, 0).unwrap());
    let id2 = workflow::start(app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    decide(app, &id2, "satu", "verif", Answer::Setuju).await;
    for p in ["tpk1", "tpk2", "tpk3"] {
        decide(app, &id2, "semua", p, Answer::Setuju).await;
    }
    decide(app, &id2, "kuorum", "tpk1", Answer::Setuju).await;
    let v = decide(app, &id2, "kuorum", "tpk2", Answer::Setuju).await;
    assert_eq!(v.penyetuju.len(), 1);
    let err = workflow::decide(app, &req(&id2, "sekda", "asisten", Answer::Setuju, None))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("bukan penyetuju"), "{err}");
}

#[tokio::test]
async fn running_instances_keep_their_definition_version() {
    let f = fixture(&[("uji.yaml", UJI)]).await;
    let app = &f.app;
    let old = workflow::start(app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    // The administrator removes the first step.
    let edited = UJI.replacen(
        "  - id: satu\n    judul: Verifikasi\n    penyetuju: { peran: VERIFIKATOR_BKPSDM }\n    tenggat: 3d\n    pengingat: [1d, 2d]\n    eskalasi: { setelah: 4d, ke: { peran: KEPALA_BKPSDM } }\n",
        "",
        1,
    ).replace("jika_kembalikan: satu", "jika_kembalikan: semua");
    assert_ne!(edited, UJI);
    write(&f.wfdir, "uji.yaml", &edited);
    // The edit is in force once the definitions are read again (serve does so on a change).
    let kept = workflow::start(app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    assert_eq!(
        workflow::show(app, &kept).await.unwrap().versi,
        workflow::show(app, &old).await.unwrap().versi
    );
    merit::service::reload::validate(app).await.unwrap();
    let new = workflow::start(app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let (vo, vn) = (
        workflow::show(app, &old).await.unwrap(),
        workflow::show(app, &new).await.unwrap(),
    );
    assert_ne!(vo.versi, vn.versi);
    assert_eq!(vo.langkah_aktif.as_deref(), Some("satu"));
    assert_eq!(vn.langkah_aktif.as_deref(), Some("semua"));
    // The old instance still runs its own version's first step.
    let v = decide(app, &old, "satu", "verif", Answer::Setuju).await;
    assert_eq!(v.langkah_aktif.as_deref(), Some("semua"));
    assert_eq!(v.versi, vo.versi);
    // An invalid edit is refused: the last good version (the edited one) keeps serving.
    write(&f.wfdir, "uji.yaml", "id: uji\njudul: [rusak\n");
    let refused = merit::service::reload::validate(app).await.unwrap();
    assert!(refused.ditolak.iter().any(|e| e.contains("uji.yaml:")));
    let kept = workflow::start(app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    assert_eq!(workflow::show(app, &kept).await.unwrap().versi, vn.versi);
    assert!(
        workflow::check(app.settings())
            .unwrap_err()
            .to_string()
            .contains("uji.yaml:")
    );
    decide(app, &old, "semua", "tpk1", Answer::Setuju).await;
    let _ = &f.db;
}

#[tokio::test]
async fn fifty_concurrent_answers_make_one_transition() {
    let mut directory = String::from("orang:\n");
    for i in 0..50 {
        directory.push_str(&format!(
            "  - {{ id: v{i}, nama: Verifikator {i}, email: v{i}@contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }}\n"
        ));
    }
    directory.push_str("  - { id: tpk1, nama: TPK, email: tpk1@contoh.go.id, peran: [TPK] }\n");
    let f = fixture(&[("uji.yaml", UJI)]).await;
    let dir_file = write(f.db.dir.path(), "directory-50.yaml", &directory);
    let app = app_for(&f.db, &f.wfdir, &dir_file, monday()).await;
    let id = workflow::start(
        &app,
        "uji",
        None,
        &merit::service::Actor::account("v0", "uji"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(workflow::show(&app, &id).await.unwrap().penyetuju.len(), 50);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let app = app.clone();
        let r = req(&id, "satu", &format!("v{i}"), Answer::Setuju, None);
        tasks.push(tokio::spawn(
            async move { workflow::decide(&app, &r).await },
        ));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(ServiceError::Refused(Refusal::Workflow(
                WorkflowRefusal::StepNotOpen { .. } | WorkflowRefusal::Finished(_),
            ))) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(ok, 1, "exactly one answer decides");
    let v = workflow::show(&app, &id).await.unwrap();
    assert_eq!(
        v.riwayat.iter().filter(|h| h.jenis == "keputusan").count(),
        1
    );
    assert_eq!(
        v.riwayat
            .iter()
            .filter(|h| h.jenis == "dibuka" && h.langkah.as_deref() == Some("semua"))
            .count(),
        1
    );
    assert_eq!(v.langkah_aktif.as_deref(), Some("semua"));
    // The 49 others were told the step was decided, once each.
    let told = count(
        &app,
        &format!("SELECT COUNT(*) FROM kotak_keluar WHERE instans_id = '{id}' AND jenis = 'langkah_ditutup'"),
    )
    .await;
    assert_eq!(told, 49);
}

#[tokio::test]
async fn timers_fire_once_in_working_days_and_survive_a_restart() {
    let f = fixture(&[("uji.yaml", UJI)]).await;
    let app = &f.app;
    // Friday 15 August 2025 09.00 WIB; 18 August is declared a holiday below? No: only weekends.
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 8, 15, 2, 0, 0).unwrap());
    let id = workflow::start(app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let kinds = |app: App, id: String| async move {
        workflow::show(&app, &id)
            .await
            .unwrap()
            .riwayat
            .iter()
            .map(|h| h.jenis.clone())
            .filter(|j| ["pengingat", "tenggat_terlewati", "eskalasi"].contains(&j.as_str()))
            .collect::<Vec<_>>()
    };
    // Saturday and Sunday do not count: nothing is due on Sunday evening.
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 8, 17, 12, 0, 0).unwrap());
    assert_eq!(workflow::tick(app).await.unwrap().dijalankan, 0);
    // Monday 18 August 09.00 WIB: first working day → first reminder.
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 8, 18, 2, 0, 0).unwrap());
    assert_eq!(workflow::tick(app).await.unwrap().dijalankan, 1);
    assert_eq!(
        workflow::tick(app).await.unwrap().dijalankan,
        0,
        "nothing twice"
    );
    assert_eq!(kinds(app.clone(), id.clone()).await, ["pengingat"]);
    // A restart: a new App (as a new process would) over the same database.
    let restarted = app_for(
        &f.db,
        &f.wfdir,
        &f.db.path("directory.yaml"),
        Utc.with_ymd_and_hms(2025, 8, 18, 3, 0, 0).unwrap(),
    )
    .await;
    assert_eq!(workflow::tick(&restarted).await.unwrap().dijalankan, 0);
    // Tuesday: second reminder; Wednesday: deadline; Thursday: escalation.
    let restarted_clock = clock_of(&restarted);
    restarted_clock.set(Utc.with_ymd_and_hms(2025, 8, 19, 2, 0, 0).unwrap());
    assert_eq!(workflow::tick(&restarted).await.unwrap().dijalankan, 1);
    restarted_clock.set(Utc.with_ymd_and_hms(2025, 8, 20, 2, 0, 0).unwrap());
    assert_eq!(workflow::tick(&restarted).await.unwrap().dijalankan, 1);
    restarted_clock.set(Utc.with_ymd_and_hms(2025, 8, 21, 2, 0, 0).unwrap());
    assert_eq!(workflow::tick(&restarted).await.unwrap().dijalankan, 1);
    assert_eq!(
        kinds(restarted.clone(), id.clone()).await,
        ["pengingat", "pengingat", "tenggat_terlewati", "eskalasi"]
    );
    let reminders = count(
        &restarted,
        &format!("SELECT COUNT(*) FROM kotak_keluar WHERE instans_id = '{id}' AND jenis LIKE 'pengingat%'"),
    )
    .await;
    assert_eq!(reminders, 2);
    // The escalated superior (kaban) may now decide, and that decides the step.
    let v = workflow::show(&restarted, &id).await.unwrap();
    assert!(v.penyetuju.iter().any(|s| s.orang == "kaban" && s.eskalasi));
    let v = decide(&restarted, &id, "satu", "kaban", Answer::Setuju).await;
    assert_eq!(v.langkah_aktif.as_deref(), Some("semua"));
    // The first step's remaining timers are void; later ticks change nothing.
    restarted_clock.advance(Duration::days(30));
    let r = workflow::tick(&restarted).await.unwrap();
    assert_eq!(r.dijalankan, 0);
    assert_eq!(kinds(restarted.clone(), id.clone()).await.len(), 4);
    let _ = app;
}

#[tokio::test]
async fn two_processes_ticking_together_fire_each_timer_once() {
    let f = fixture(&[("uji.yaml", UJI)]).await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        ids.push(
            workflow::start(&f.app, "uji", None, &crate::support::kaban(), None)
                .await
                .unwrap(),
        );
    }
    let other = app_for(&f.db, &f.wfdir, &f.db.path("directory.yaml"), monday()).await;
    let later = Utc.with_ymd_and_hms(2025, 8, 25, 2, 0, 0).unwrap();
    f.clock.set(later);
    clock_of(&other).set(later);
    let (a, b) = tokio::join!(workflow::tick(&f.app), workflow::tick(&other));
    let (a, b) = (a.unwrap(), b.unwrap());
    // Per instance: 2 reminders, 1 deadline, 1 escalation = 4 effects, applied once in total.
    assert_eq!(a.dijalankan + b.dijalankan, 80, "{a:?} {b:?}");
    let fired = count(
        &f.app,
        "SELECT COUNT(*) FROM riwayat WHERE jenis IN ('pengingat', 'tenggat_terlewati', 'eskalasi')",
    )
    .await;
    assert_eq!(fired, 80);
}

#[tokio::test]
async fn broken_definitions_are_refused_with_file_and_line() {
    let db = TestDb::new().await;
    let cases: &[(&str, &str, &str)] = &[
        ("yaml", "id: rusak\njudul: [tidak ditutup\n", "rusak.yaml:"),
        ("field", &UJI.replace("    mode: semua\n", "    mode: semua\n    warna: merah\n"), "warna"),
        ("step", &UJI.replace("jika_kembalikan: satu", "jika_kembalikan: tiga"), "langkah 'tiga' yang tidak ada"),
        ("role", &UJI.replace("peran: PPK }", "peran: RAJA }"), "peran 'RAJA' tidak dikenal"),
        ("person", &UJI.replace("peran: PPK }", "orang: siapa }"), "orang 'siapa' tidak ada"),
        ("duration", &UJI.replace("tenggat: 3d", "tenggat: tiga hari"), "durasi tenggat 'tiga hari' tidak sah"),
        ("expr", &UJI.replace(r#"'subjek.jenis == "lowongan"'"#, "'subjek.jenis =='"), "syarat tidak dapat dikompilasi"),
        ("formula", &UJI.replace("penyetuju: { peran: PPK }", "penyetuju: { rumus: 'kepala(' }"), "penyetuju tidak dapat dikompilasi"),
        ("mode", &UJI.replace("mode: semua", "mode: sebagian"), "mode tidak dikenal"),
        (
            "unreachable",
            &UJI.replace(
                "    penyetuju: { peran: PPK }\npemberitahuan:",
                "    penyetuju: { peran: PPK }\n    jika_setuju: selesai_disetujui\n  - id: pulau\n    judul: Pulau\n    penyetuju: { peran: PPK }\npemberitahuan:",
            ),
            "langkah 'pulau' tidak dapat dicapai",
        ),
        (
            "cycle",
            "id: putar\njudul: Putar\nsubjek: bebas\nlangkah:\n  - id: a\n    judul: A\n    penyetuju: { peran: PPK }\n    jika_setuju: b\n    jika_tolak: b\n  - id: b\n    judul: B\n    penyetuju: { peran: PPK }\n    jika_setuju: a\n    jika_tolak: a\n    jika_kembalikan: a\n",
            "putaran tanpa jalan keluar",
        ),
    ];
    let directory = write(db.dir.path(), "directory.yaml", DIRECTORY);
    for (name, text, expected) in cases {
        let dir = db.path(&format!("wf-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let file = if *name == "yaml" {
            "rusak.yaml"
        } else {
            "uji.yaml"
        };
        write(&dir, file, text);
        let settings = db.settings_with(&[
            ("MERIT_WORKFLOWS_DIR", dir.to_str().unwrap()),
            ("MERIT_DIRECTORY", directory.to_str().unwrap()),
        ]);
        let err = workflow::check(&settings).unwrap_err().to_string();
        assert!(err.contains(expected), "{name}: {err}");
        // Every message carries file:line.
        for line in err.lines() {
            let rest = line
                .split(".yaml:")
                .nth(1)
                .unwrap_or_else(|| panic!("{name}: {line}"));
            let n: usize = rest
                .split(':')
                .next()
                .unwrap()
                .parse()
                .unwrap_or_else(|_| panic!("{name}: {line}"));
            assert!(n > 0, "{name}: {line}");
        }
    }
    // The shipped workflows are valid.
    let settings = db.settings_with(&[("MERIT_DIRECTORY", directory.to_str().unwrap())]);
    let defs = workflow::check(&settings).unwrap();
    assert!(defs.contains_key("usulan_pppk_paruh_waktu") && defs.contains_key("pengisian_jabatan"));
}

#[tokio::test]
async fn a_refused_directory_edit_keeps_the_last_good_one() {
    let f = fixture(&[("uji.yaml", UJI)]).await;
    let id = workflow::start(&f.app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    write(
        f.db.dir.path(),
        "directory.yaml",
        "orang:\n  - { id: verif, nama: X, email: bukan-email }\n",
    );
    let (dir, warning) = merit::service::ground::workflows::directory(&f.app)
        .await
        .unwrap();
    assert!(warning.unwrap().contains("tidak sah"));
    assert!(
        dir.person("tpk1").is_some(),
        "the last good copy is in force"
    );
    let v = decide(&f.app, &id, "satu", "verif", Answer::Setuju).await;
    assert_eq!(v.penyetuju.len(), 3);
}

#[tokio::test]
async fn job_fill_from_vacancy_to_the_ppk_choice() {
    use merit::{
        domain::{AlasanLowongan, Jenjang},
        service::workflow::vacancy::{self, VacancyRequest},
    };
    let db = TestDb::new().await;
    let out = db.path("gen");
    merit::generate::generate(&merit::generate::GenerateOptions {
        candidates: 300,
        out: out.clone(),
        seed: 7,
    })
    .unwrap();
    let directory = write(db.dir.path(), "directory.yaml", DIRECTORY);
    let settings = db.settings_with(&[("MERIT_DIRECTORY", directory.to_str().unwrap())]);
    let clock: SharedClock = Arc::new(FakeClock::at(monday()));
    let app = App::open(settings, clock).await.unwrap();
    crate::support::import_file(
        &app,
        merit::ingest::ImportKind::Employees,
        &out.join("employees.csv"),
    )
    .await;
    let employees = app.store_for_tests().employees().await.unwrap();
    let unit = employees[0].unit_kerja.clone();
    let report = vacancy::open(
        &app,
        &VacancyRequest {
            jenjang: Jenjang::Administrator,
            unit,
            jabatan: "Kepala Bagian Umum".into(),
            alasan: AlasanLowongan::parse("pensiun").unwrap(),
            tanggal: None,
        },
        &crate::support::kaban(),
    )
    .await
    .unwrap();
    assert_eq!(report.kandidat.len(), employees.len());
    assert!(!report.shortlist.is_empty() && report.shortlist.len() <= 3);
    // Ranked: the shortlist is the first ranks, not ineligible, boxes non-increasing.
    let ranked: Vec<_> = report
        .kandidat
        .iter()
        .filter(|k| k.peringkat.is_some())
        .collect();
    assert_eq!(ranked[0].peringkat, Some(1));
    assert_eq!(
        report.shortlist,
        ranked
            .iter()
            .take(3)
            .map(|k| k.nip.clone())
            .collect::<Vec<_>>()
    );
    assert!(
        report
            .kandidat
            .iter()
            .filter(|k| k.peringkat.is_none())
            .all(|k| !k.aturan_gagal.is_empty())
    );
    let id = report.instance_id.clone().unwrap();
    decide(&app, &id, "verifikasi", "verif", Answer::Setuju).await;
    // TPK quorum 2 with three members.
    decide(&app, &id, "tpk", "tpk1", Answer::Setuju).await;
    decide(&app, &id, "tpk", "tpk2", Answer::Setuju).await;
    let v = decide(&app, &id, "rekomendasi_sekda", "sekda", Answer::Setuju).await;
    // Not JPT Pratama: BKN supervision is skipped.
    assert_eq!(v.langkah_aktif.as_deref(), Some("ppk"));
    assert_eq!(v.opsi, report.shortlist);
    let chosen = report.shortlist[0].clone();
    let v = decide(&app, &id, "ppk", "bupati", Answer::Pilih(chosen.clone())).await;
    assert_eq!(v.status, Status::SelesaiDisetujui);
    assert_eq!(v.pilihan.as_deref(), Some(chosen.as_str()));
}

#[tokio::test]
async fn someone_given_the_role_after_the_step_opened_may_answer() {
    let f = fixture(&[("uji.yaml", UJI)]).await;
    let id = workflow::start(&f.app, "uji", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let err = workflow::decide(&f.app, &req(&id, "satu", "asisten", Answer::Setuju, None))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("bukan penyetuju"), "{err}");
    // The administrator gives the assistant the verifier role.
    write(
        f.db.dir.path(),
        "directory.yaml",
        &DIRECTORY.replace("peran: [ASISTEN]", "peran: [ASISTEN, VERIFIKATOR_BKPSDM]"),
    );
    let v = decide(&f.app, &id, "satu", "asisten", Answer::Setuju).await;
    assert_eq!(v.langkah_aktif.as_deref(), Some("semua"));
    let entry = v.riwayat.iter().find(|h| h.jenis == "keputusan").unwrap();
    assert_eq!(entry.kapasitas.as_deref(), Some("VERIFIKATOR_BKPSDM"));
    // History numbering has no gaps.
    let n = v.riwayat.len() as i64;
    let max = scalar(
        f.app.store_for_tests(),
        &format!("SELECT MAX(urutan) FROM riwayat WHERE instans_id = '{id}'"),
    )
    .await
    .unwrap();
    assert_eq!(max, n);
}

/// Issue 12: errors carry what was sought and why, as types; the text comes from them.
#[tokio::test]
async fn errors_say_what_was_sought_and_why() {
    use merit::service::{NotFound, Prerequisite, Sought, placement, workflow::answers};
    let db = TestDb::new().await;
    let directory = write(db.dir.path(), "directory.yaml", DIRECTORY);
    let app = db
        .app_with(db.settings_with(&[("MERIT_DIRECTORY", directory.to_str().unwrap())]))
        .await;
    match workflow::show(&app, "tidak-ada").await {
        Err(ServiceError::NotFound(NotFound {
            what: Sought::Instance,
            id,
            ..
        })) => assert_eq!(id, "tidak-ada"),
        other => panic!("{other:?}"),
    }
    match workflow::start(
        &app,
        "tidak-ada",
        None,
        &merit::service::Actor::account("uji", "uji"),
        None,
    )
    .await
    {
        Err(
            e @ ServiceError::NotFound(NotFound {
                what: Sought::Workflow,
                ..
            }),
        ) => assert!(
            e.to_string().contains("yang tersedia: ")
                && e.to_string().contains("pengisian_jabatan"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
    match workflow::start(
        &app,
        "usulan_pppk_paruh_waktu",
        Some("lowongan:L-1"),
        &merit::service::Actor::account("uji", "uji"),
        None,
    )
    .await
    {
        Err(ServiceError::Invalid(merit::service::Invalid::Value { field, .. })) => {
            assert_eq!(field, "--subject")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        placement::place(&app, None, &merit::service::Actor::account("uji", "uji")).await,
        Err(ServiceError::Invalid(merit::service::Invalid::Missing(
            Prerequisite::FinishedScreening
        )))
    ));
    assert!(matches!(
        answers::link_view(&app, "bukan-tautan").await,
        Err(ServiceError::Refused(Refusal::LinkUnknown))
    ));
}
