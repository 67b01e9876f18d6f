//! Hardening (issue 11): each defect found by trying merit as an officer, a privacy auditor and
//! an attacker would, with the test that shows it fixed. SQLite by default; PostgreSQL with
//! `MERIT_TEST_DATABASE_URL`.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use chrono::{TimeZone, Utc};
use merit::{
    clock::{FakeClock, SharedClock},
    domain::{AlasanLowongan, Jenjang, has_full_identifier},
    notify::{Channels, Mailer},
    service::{
        App, outbox,
        workflow::{
            self, DecideRequest,
            answers::{self, IngestOutcome},
            vacancy::{self, VacancyRequest},
        },
    },
    store::testing::scalar,
    workflow::{Answer, Channel, Status},
};

use crate::support::{
    TestDb, eml_files, header, http_request, readable, serve_http, tokens, write,
};

const DIRECTORY: &str = "orang:
  - { id: verif, nama: Petugas Verifikasi, email: verif@contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }
  - { id: kaban, nama: Kepala BKPSDM, email: kaban@contoh.go.id, peran: [KEPALA_BKPSDM, ADMIN] }
  - { id: bpkad, nama: Kepala BPKAD, email: bpkad@contoh.go.id, peran: [BPKAD] }
  - { id: tpk1, nama: Anggota TPK 1, email: tpk1@contoh.go.id, peran: [TPK] }
  - { id: tpk2, nama: Anggota TPK 2, email: tpk2@contoh.go.id, peran: [TPK] }
  - { id: sekda, nama: Sekretaris Daerah, email: sekda@contoh.go.id, peran: [SEKDA], atasan: bupati }
  - { id: wabup, nama: Wakil Bupati, email: wabup@contoh.go.id, peran: [WAKIL_BUPATI], atasan: gubernur }
  - { id: gubernur, nama: Gubernur, email: gubernur@contoh.go.id, peran: [GUBERNUR] }
  - { id: bupati, nama: Bupati, email: bupati@contoh.go.id, peran: [PPK] }
  - { id: siasn, nama: Operator SIASN, email: siasn@contoh.go.id, peran: [SIASN_OPERATOR] }
pelaksana:
  - peran: PPK
    orang: wabup
    jenis: Plh.
    mulai: 2025-08-01
    sampai: 2025-08-31
    dasar: Keputusan Gubernur Nomor 100/2025
";

/// One prompt, answerable by link or by reply; a return goes back to the same step.
const FLOW: &str = "id: uji_keras
judul: Uji Ketahanan
subjek: bebas
langkah:
  - id: verifikasi
    judul: Verifikasi
    penyetuju: { peran: VERIFIKATOR_BKPSDM }
    tenggat: 3d
    pengingat: [1d]
    jika_kembalikan: verifikasi
  - id: ppk
    judul: Penetapan
    penyetuju: { peran: PPK }
    pelaksana_boleh: tidak
";

struct Fixture {
    db: TestDb,
    app: App,
    clock: Arc<FakeClock>,
}

/// Monday 11 August 2025, 09.00 WIB.
fn monday() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap()
}

async fn fixture_with(extra: &[(&str, &str)], directory: &str) -> Fixture {
    let db = TestDb::new().await;
    let wf = db.path("wf");
    std::fs::create_dir_all(&wf).unwrap();
    write(&wf, "uji_keras.yaml", FLOW);
    let root = env!("CARGO_MANIFEST_DIR");
    for shipped in ["pengisian_jabatan.yaml", "usulan_pppk_paruh_waktu.yaml"] {
        std::fs::copy(format!("{root}/workflows/{shipped}"), wf.join(shipped)).unwrap();
    }
    let dir = write(db.dir.path(), "directory.yaml", directory);
    let outbox = db.path("outbox");
    let mut vars = vec![
        ("MERIT_WORKFLOWS_DIR", wf.to_str().unwrap().to_owned()),
        ("MERIT_DIRECTORY", dir.to_str().unwrap().to_owned()),
        ("MERIT_MAIL_URL", format!("file://{}", outbox.display())),
        ("MERIT_SECRET", "rahasia-uji-yang-panjang".to_owned()),
        ("MERIT_BASE_URL", "http://merit.contoh.go.id".to_owned()),
        ("MERIT_INSTANSI", "Pemerintah Kabupaten Contoh".to_owned()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let settings = db.settings_with(&pairs);
    let clock = Arc::new(FakeClock::at(monday()));
    let shared: SharedClock = clock.clone();
    let app = App::open(settings, shared).await.unwrap();
    Fixture { db, app, clock }
}

async fn fixture() -> Fixture {
    fixture_with(&[], DIRECTORY).await
}

async fn deliver(app: &App) {
    outbox::deliver(
        app,
        &Channels::email(Mailer::new(&app.settings().mail_url)),
        false,
    )
    .await
    .unwrap();
}

/// The decoded messages sent to `to`, oldest first.
fn mails_to(f: &Fixture, to: &str) -> Vec<(String, String)> {
    eml_files(&f.db.path("outbox"))
        .into_iter()
        .filter(|m| header(m, "To").contains(to))
        .map(|m| (m.clone(), readable(m.as_bytes())))
        .collect()
}

fn code_of(app_view: &workflow::InstanceView, person: &str) -> String {
    app_view
        .penyetuju
        .iter()
        .find(|s| s.orang == person)
        .map(|s| s.kode.clone())
        .unwrap()
}

fn reply(from: &str, subject: &str, extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: merit@localhost\r\nSubject: {subject}\r\n{extra_headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
    .into_bytes()
}

async fn ingest(app: &App, raw: &[u8]) -> IngestOutcome {
    answers::ingest(app, raw).await.unwrap()
}

fn recorded(o: &IngestOutcome, answer: &str) -> bool {
    matches!(o, IngestOutcome::Dicatat { keputusan, .. } if keputusan == answer)
}

/// A job-fill with three shortlisted candidates, at the PPK's choice.
async fn job_fill_at_ppk(f: &Fixture) -> (String, Vec<String>) {
    let out = f.db.path("gen");
    merit::generate::generate(&merit::generate::GenerateOptions {
        candidates: 300,
        out: out.clone(),
        seed: 7,
    })
    .unwrap();
    crate::support::import_file(
        &f.app,
        merit::ingest::ImportKind::Employees,
        &out.join("employees.csv"),
    )
    .await;
    let employees = f.app.store_for_tests().employees().await.unwrap();
    let report = vacancy::open(
        &f.app,
        &VacancyRequest {
            jenjang: Jenjang::Administrator,
            unit: employees[0].unit_kerja.clone(),
            jabatan: "Kepala Bagian Umum".into(),
            alasan: AlasanLowongan::parse("pensiun").unwrap(),
            tanggal: None,
        },
        &crate::support::kaban(),
    )
    .await
    .unwrap();
    assert!(report.shortlist.len() >= 2, "{:?}", report.shortlist);
    let id = report.instance_id.clone().unwrap();
    for (step, who) in [
        ("verifikasi", "verif"),
        ("tpk", "tpk1"),
        ("tpk", "tpk2"),
        ("rekomendasi_sekda", "sekda"),
    ] {
        decide(&f.app, &id, step, who, Answer::Setuju).await;
    }
    let v = workflow::show(&f.app, &id).await.unwrap();
    assert_eq!(v.langkah_aktif.as_deref(), Some("ppk"));
    (id, report.shortlist)
}

async fn decide(app: &App, id: &str, step: &str, who: &str, answer: Answer) {
    workflow::decide(
        app,
        &DecideRequest {
            instance: id.to_owned(),
            langkah: step.to_owned(),
            orang: who.to_owned(),
            jawaban: answer,
            komentar: Some("dicatat".into()),
            saluran: Channel::Cli,
            dicatat_oleh: Some(merit::service::Actor::account("penguji", "uji")),
            kunjungan: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{step}/{who}: {e}"));
}

/// Item 1: the appointee is told about themself only, in neutral words; the others are told
/// they were not chosen, without the appointee's name.
#[tokio::test]
async fn job_fill_candidates_are_told_only_about_themselves() {
    let f = fixture().await;
    let (id, shortlist) = job_fill_at_ppk(&f).await;
    let employees = f.app.store_for_tests().employees().await.unwrap();
    let person = |nip: &str| {
        employees
            .iter()
            .find(|e| e.nip.as_str() == nip)
            .cloned()
            .unwrap()
    };
    let chosen = person(&shortlist[1]);
    decide(
        &f.app,
        &id,
        "ppk",
        "bupati",
        Answer::Pilih(shortlist[1].clone()),
    )
    .await;
    deliver(&f.app).await;
    let to_chosen = mails_to(&f, chosen.email.as_deref().unwrap());
    assert_eq!(to_chosen.len(), 1, "one message to the appointee");
    let text = &to_chosen[0].1;
    assert!(text.contains("Bapak/Ibu telah dipilih"), "{text}");
    assert!(text.contains("akan diterbitkan"), "{text}");
    assert!(!text.contains("DISETUJUI"), "{text}");
    for other in shortlist.iter().filter(|n| **n != shortlist[1]) {
        let o = person(other);
        assert!(
            !text.contains(&o.nama),
            "the appointee is not told of {}",
            o.nama
        );
        let to_other = mails_to(&f, o.email.as_deref().unwrap());
        assert_eq!(to_other.len(), 1);
        let t = &to_other[0].1;
        assert!(t.contains("tidak terpilih"), "{t}");
        assert!(
            !t.contains(&chosen.nama),
            "the others are not told who: {t}"
        );
        assert!(!t.contains(&chosen.nip.as_str()[14..]), "{t}");
    }
}

/// Item 2: the explanation after an unclear PPK answer masks every NIP.
#[tokio::test]
async fn the_explanation_to_an_unclear_choice_masks_identifiers() {
    let f = fixture().await;
    let (id, shortlist) = job_fill_at_ppk(&f).await;
    let code = code_of(&workflow::show(&f.app, &id).await.unwrap(), "bupati");
    for body in ["SETUJU", &shortlist[0], &format!("PILIH {}", shortlist[0])] {
        let out = ingest(
            &f.app,
            &reply(
                "bupati@contoh.go.id",
                &format!("Re: [MERIT-{code}] Persetujuan"),
                &format!("Message-ID: <{}@x>\r\n", body.len()),
                body,
            ),
        )
        .await;
        assert!(matches!(out, IngestOutcome::Ditolak { .. }), "{out:?}");
    }
    deliver(&f.app).await;
    let explanations: Vec<_> = mails_to(&f, "bupati@contoh.go.id")
        .into_iter()
        .filter(|(_, t)| t.contains("belum dapat kami proses"))
        .collect();
    assert_eq!(explanations.len(), 3);
    for (_, t) in &explanations {
        assert!(!has_full_identifier(t), "{t}");
        assert!(
            t.contains("PILIH 1"),
            "the explanation says how to choose: {t}"
        );
    }
    assert_eq!(
        workflow::show(&f.app, &id)
            .await
            .unwrap()
            .langkah_aktif
            .as_deref(),
        Some("ppk")
    );
}

/// Item 5: `PILIH n` by reply chooses the n-th candidate as the prompt numbers them.
#[tokio::test]
async fn the_ppk_chooses_by_reply() {
    let f = fixture().await;
    let (id, shortlist) = job_fill_at_ppk(&f).await;
    deliver(&f.app).await;
    let prompt = mails_to(&f, "bupati@contoh.go.id").pop().unwrap().1;
    assert!(prompt.contains("PILIH 2"), "{prompt}");
    assert!(!has_full_identifier(&prompt));
    let code = code_of(&workflow::show(&f.app, &id).await.unwrap(), "bupati");
    let out = ingest(
        &f.app,
        &reply(
            "bupati@contoh.go.id",
            &format!("Re: [MERIT-{code}] Persetujuan"),
            "",
            "PILIH 9",
        ),
    )
    .await;
    assert!(
        matches!(
            out,
            IngestOutcome::Ditolak {
                tidak_terbaca: true,
                ..
            }
        ),
        "{out:?}"
    );
    let out = ingest(
        &f.app,
        &reply(
            "bupati@contoh.go.id",
            &format!("Re: [MERIT-{code}] Persetujuan"),
            "",
            "PILIH 2, paling berpengalaman\r\n",
        ),
    )
    .await;
    assert!(
        recorded(&out, &format!("pilih:{}", shortlist[1])),
        "{out:?}"
    );
    let v = workflow::show(&f.app, &id).await.unwrap();
    assert_eq!(v.status, Status::SelesaiDisetujui);
    assert_eq!(v.pilihan.as_deref(), Some(shortlist[1].as_str()));
}

/// Item 20: the PPK step may not be answered by an acting official; the prompt goes to the
/// definitive PPK, and a reply from the Plh. is refused.
#[tokio::test]
async fn acting_officials_may_not_take_the_ppk_step() {
    let f = fixture().await;
    let id = workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    decide(&f.app, &id, "verifikasi", "verif", Answer::Setuju).await;
    let v = workflow::show(&f.app, &id).await.unwrap();
    let seats: Vec<&str> = v.penyetuju.iter().map(|s| s.orang.as_str()).collect();
    assert_eq!(seats, ["bupati"], "the Plh. receives no prompt");
    let err = workflow::decide(
        &f.app,
        &DecideRequest {
            instance: id.clone(),
            langkah: "ppk".into(),
            orang: "wabup".into(),
            jawaban: Answer::Setuju,
            komentar: None,
            saluran: Channel::Balasan,
            dicatat_oleh: None,
            kunjungan: None,
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            &err,
            merit::service::ServiceError::Refused(merit::service::Refusal::Workflow(
                merit::workflow::Refusal::NotApprover(who)
            )) if who == "wabup"
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("bukan penyetuju"), "{err}");
    // The Plh. answering the Bupati's prompt by reply is refused too.
    let code = code_of(&v, "bupati");
    let out = ingest(
        &f.app,
        &reply(
            "wabup@contoh.go.id",
            &format!("Re: [MERIT-{code}] x"),
            "",
            "SETUJU",
        ),
    )
    .await;
    assert!(matches!(out, IngestOutcome::Ditolak { .. }), "{out:?}");
    assert_eq!(
        workflow::show(&f.app, &id).await.unwrap().status,
        Status::Berjalan
    );
}

/// Item 20: a vacant post (only a Plt. holds it) sends the step to the Plt.'s superior.
#[tokio::test]
async fn a_vacant_ppk_post_goes_to_the_superior() {
    let vacant = DIRECTORY
        .replace("peran: [PPK]", "peran: [MANTAN_PPK]")
        .replace("jenis: Plh.", "jenis: Plt.");
    let f = fixture_with(&[], &vacant).await;
    let id = workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    decide(&f.app, &id, "verifikasi", "verif", Answer::Setuju).await;
    let v = workflow::show(&f.app, &id).await.unwrap();
    let seats: Vec<&str> = v.penyetuju.iter().map(|s| s.orang.as_str()).collect();
    assert_eq!(seats, ["gubernur"]);
    deliver(&f.app).await;
    let prompt = mails_to(&f, "gubernur@contoh.go.id").pop().unwrap().1;
    assert!(prompt.contains("atasan langsung"), "{prompt}");
    assert!(mails_to(&f, "wabup@contoh.go.id").is_empty());
}

/// Item 21: the shipped proposal workflow has the BKPSDM sign-off before the budget check,
/// and the budget step escalates to the Sekda, not to BKPSDM.
#[tokio::test]
async fn the_budget_check_escalates_to_the_sekda() {
    let f = fixture().await;
    let defs = workflow::check(f.app.settings()).unwrap();
    let def = &defs["usulan_pppk_paruh_waktu"];
    let ids: Vec<&str> = def.langkah.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "verifikasi",
            "persetujuan_bkpsdm",
            "anggaran",
            "sekda",
            "ppk"
        ]
    );
    let (_, anggaran) = def.step("anggaran").unwrap();
    let esc = anggaran.eskalasi.as_ref().unwrap();
    assert_eq!(
        esc.ke,
        merit::workflow::Approvers::Peran("SEKDA".to_owned())
    );
    let (_, ppk) = def.step("ppk").unwrap();
    assert!(!ppk.pelaksana_boleh);
    assert!(ppk.judul.contains("SPTJM"), "{}", ppk.judul);
}

/// Item 4: racing answers of one prompt — a return and a refusal posted at the same moment —
/// are one decision: the first recorded consumes the prompt; the other link is refused (409),
/// and a return reopens the step with new links.
#[tokio::test]
async fn racing_answers_of_one_prompt_make_one_decision() {
    let f = fixture().await;
    let addr = serve_http(&f.app).await;
    for round in 0..8 {
        let id = workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
            .await
            .unwrap();
        let code = code_of(&workflow::show(&f.app, &id).await.unwrap(), "verif");
        deliver(&f.app).await;
        let prompt = eml_files(&f.db.path("outbox"))
            .into_iter()
            .find(|m| header(m, "Subject").contains(&format!("[MERIT-{code}]")))
            .unwrap();
        let links = tokens(&prompt);
        assert_eq!(links.len(), 3);
        let mut tasks = Vec::new();
        for (i, t) in links.iter().enumerate() {
            let answer = ["setuju", "tolak", "kembalikan"][i];
            // Most rounds race the return against the refusal; some race all three.
            if round % 3 != 0 && answer == "setuju" {
                continue;
            }
            let path = format!("/persetujuan/{t}");
            let body = format!("keputusan={answer}&komentar=alasan+uji");
            tasks.push(tokio::spawn(async move {
                (answer, http_request(addr, "POST", &path, &body).await.0)
            }));
        }
        let mut ok = Vec::new();
        for t in tasks {
            let (answer, status) = t.await.unwrap();
            match status {
                200 => ok.push(answer),
                409 => {}
                other => panic!("round {round}: {answer} answered {other}"),
            }
        }
        assert_eq!(
            ok.len(),
            1,
            "round {round}: exactly one answer wins: {ok:?}"
        );
        let v = workflow::show(&f.app, &id).await.unwrap();
        let decisions = v.riwayat.iter().filter(|h| h.jenis == "keputusan").count();
        assert_eq!(decisions, 1, "round {round}");
        // Every old link is spent now, whatever won.
        for (i, t) in links.iter().enumerate() {
            let answer = ["setuju", "tolak", "kembalikan"][i];
            if answer == ok[0] {
                continue;
            }
            let status = http_request(
                addr,
                "POST",
                &format!("/persetujuan/{t}"),
                &format!("keputusan={answer}&komentar=lagi"),
            )
            .await
            .0;
            assert_eq!(status, 409, "round {round}: a spent {answer} link");
        }
        if ok[0] == "kembalikan" {
            // The reopened step has a new prompt with new links.
            assert_eq!(v.langkah_aktif.as_deref(), Some("verifikasi"));
            let new_code = code_of(&v, "verif");
            assert!(!prompt.contains(&new_code));
        }
    }
}

/// Item 6: every message about a prompt leads back to it — a reply to the explanation or to
/// a reminder, matched only by `In-Reply-To`, is understood.
#[tokio::test]
async fn replies_to_explanations_and_reminders_find_their_prompt() {
    let f = fixture().await;
    let id = workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let code = code_of(&workflow::show(&f.app, &id).await.unwrap(), "verif");
    let out = ingest(
        &f.app,
        &reply(
            "verif@contoh.go.id",
            &format!("Re: [MERIT-{code}] x"),
            "Message-ID: <bingung@x>\r\n",
            "Baik pak, nanti saya cek.",
        ),
    )
    .await;
    assert!(matches!(out, IngestOutcome::Ditolak { .. }));
    deliver(&f.app).await;
    let explanation = mails_to(&f, "verif@")
        .into_iter()
        .find(|(_, t)| t.contains("belum dapat kami proses"))
        .unwrap();
    assert!(header(&explanation.0, "Subject").contains(&format!("MERIT-{code}")));
    let mid = header(&explanation.0, "Message-ID")
        .trim_matches(|c| c == '<' || c == '>')
        .to_owned();
    // The answer replies to the explanation, with no code anywhere but the reference.
    let out = ingest(
        &f.app,
        &reply(
            "verif@contoh.go.id",
            "Re: balasan",
            &format!("In-Reply-To: <{mid}>\r\n"),
            "SETUJU",
        ),
    )
    .await;
    assert!(recorded(&out, "setuju"), "{out:?}");

    // A reminder: the PPK's prompt, a day later.
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 8, 13, 2, 0, 0).unwrap());
    let id2 = workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 8, 14, 2, 0, 0).unwrap());
    workflow::tick(&f.app).await.unwrap();
    deliver(&f.app).await;
    let reminder = eml_files(&f.db.path("outbox"))
        .into_iter()
        .find(|m| header(m, "Subject").contains("Pengingat"))
        .unwrap();
    let mid = header(&reminder, "Message-ID")
        .trim_matches(|c| c == '<' || c == '>')
        .to_owned();
    let out = ingest(
        &f.app,
        &reply(
            "verif@contoh.go.id",
            "Re: pengingat",
            &format!("In-Reply-To: <{mid}>\r\n"),
            "TOLAK belum lengkap",
        ),
    )
    .await;
    assert!(recorded(&out, "tolak"), "{out:?}");
    assert_eq!(
        workflow::show(&f.app, &id2).await.unwrap().status,
        Status::SelesaiDitolak
    );
}

/// Items 7 and 9: HTML-only replies read line by line, bottom-posted replies read below the
/// quote, and two answer words are refused with an explanation.
#[tokio::test]
async fn html_bottom_posted_and_ambiguous_replies() {
    let f = fixture().await;
    let start = || async {
        let id = workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
            .await
            .unwrap();
        let code = code_of(&workflow::show(&f.app, &id).await.unwrap(), "verif");
        (id, code)
    };
    let (id, code) = start().await;
    let html = format!(
        "From: verif@contoh.go.id\r\nSubject: Re: [MERIT-{code}] x\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>SETUJU</div><div>Terima kasih.</div>\r\n"
    );
    let out = ingest(&f.app, html.as_bytes()).await;
    assert!(recorded(&out, "setuju"), "{out:?}");
    let v = workflow::show(&f.app, &id).await.unwrap();
    let d = v.riwayat.iter().find(|h| h.jenis == "keputusan").unwrap();
    assert_eq!(d.komentar.as_deref(), Some("Terima kasih."));

    let (id, code) = start().await;
    let thunderbird = reply(
        "verif@contoh.go.id",
        &format!("Re: [MERIT-{code}] x"),
        "",
        "Pada 11/08/2025 09.15, merit menulis:\r\n> Mohon Bapak/Ibu berkenan ...\r\n> SETUJU\r\n> TOLAK alasan penolakan\r\n\r\nKEMBALIKAN lampiran SK belum ada\r\n\r\n-- \r\nPetugas\r\n",
    );
    let out = ingest(&f.app, &thunderbird).await;
    assert!(recorded(&out, "kembalikan"), "{out:?}");
    let v = workflow::show(&f.app, &id).await.unwrap();
    let d = v.riwayat.iter().find(|h| h.jenis == "keputusan").unwrap();
    assert_eq!(d.komentar.as_deref(), Some("lampiran SK belum ada"));

    let (id, code) = start().await;
    let out = ingest(
        &f.app,
        &reply(
            "verif@contoh.go.id",
            &format!("Re: [MERIT-{code}] x"),
            "Message-ID: <ganda@x>\r\n",
            "SETUJU TOLAK",
        ),
    )
    .await;
    assert!(
        matches!(out, IngestOutcome::Ditolak { tidak_terbaca: true, ref alasan } if alasan.contains("lebih dari satu")),
        "{out:?}"
    );
    assert!(
        workflow::show(&f.app, &id)
            .await
            .unwrap()
            .riwayat
            .iter()
            .all(|h| h.jenis != "keputusan")
    );
    let queued = scalar(
        f.app.store_for_tests(),
        "SELECT COUNT(*) FROM kotak_keluar WHERE jenis = 'balasan_ditolak'",
    )
    .await
    .unwrap();
    assert_eq!(queued, 1);
}

/// Item 8: a 20 MB reply and a link comment full of terminal escapes are stored bounded and
/// clean, and the next prompt still goes out.
#[tokio::test]
async fn comments_are_bounded_and_cleaned() {
    let f = fixture().await;
    let id = workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let code = code_of(&workflow::show(&f.app, &id).await.unwrap(), "verif");
    let huge = format!("KEMBALIKAN {}\u{1b}[31m\u{0}", "x".repeat(20 * 1024 * 1024));
    let out = ingest(
        &f.app,
        &reply(
            "verif@contoh.go.id",
            &format!("Re: [MERIT-{code}] x"),
            "",
            &huge,
        ),
    )
    .await;
    assert!(recorded(&out, "kembalikan"), "{out:?}");
    let v = workflow::show(&f.app, &id).await.unwrap();
    let d = v.riwayat.iter().find(|h| h.jenis == "keputusan").unwrap();
    let c = d.komentar.as_deref().unwrap();
    assert!(c.chars().count() < 2_100, "{}", c.len());
    assert!(c.contains("dipotong"));
    // The returned step's new prompt carries the bounded reason and is delivered.
    deliver(&f.app).await;
    let prompts: Vec<_> = mails_to(&f, "verif@")
        .into_iter()
        .filter(|(m, _)| header(m, "Subject").contains("Persetujuan"))
        .collect();
    assert_eq!(prompts.len(), 2);
    assert!(prompts.iter().all(|(m, _)| m.len() < 100_000));

    // A link comment with escapes and NUL.
    let addr = serve_http(&f.app).await;
    let link = tokens(&prompts[1].0)[0].clone();
    let status = http_request(
        addr,
        "POST",
        &format!("/persetujuan/{link}"),
        "keputusan=setuju&komentar=%1B%5B2J%1B%5B31mbersih%00+saja",
    )
    .await
    .0;
    assert_eq!(status, 200);
    let v = workflow::show(&f.app, &id).await.unwrap();
    let last = v.riwayat.iter().rfind(|h| h.jenis == "keputusan").unwrap();
    assert_eq!(last.komentar.as_deref(), Some("bersih saja"));
}

/// Item 10: a reply the receiving server marks as forged is refused, unless the agency turned
/// the check off.
#[tokio::test]
async fn replies_that_fail_authentication_are_refused() {
    let forged = |code: &str| {
        reply(
            "verif@contoh.go.id",
            &format!("Re: [MERIT-{code}] x"),
            "Authentication-Results: mx.contoh.go.id; dkim=fail header.d=contoh.go.id; spf=fail smtp.mailfrom=contoh.go.id\r\n",
            "SETUJU",
        )
    };
    let f = fixture().await;
    let id = workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let code = code_of(&workflow::show(&f.app, &id).await.unwrap(), "verif");
    let out = ingest(&f.app, &forged(&code)).await;
    assert!(
        matches!(
            out,
            IngestOutcome::Ditolak {
                tidak_terbaca: false,
                ..
            }
        ),
        "{out:?}"
    );
    assert_eq!(
        workflow::show(&f.app, &id)
            .await
            .unwrap()
            .langkah_aktif
            .as_deref(),
        Some("verifikasi")
    );
    let replies = scalar(
        f.app.store_for_tests(),
        "SELECT COUNT(*) FROM kotak_keluar WHERE jenis = 'balasan_ditolak'",
    )
    .await
    .unwrap();
    assert_eq!(replies, 0, "no reply to a forged sender");

    let off = fixture_with(
        &[("MERIT_BALASAN_WAJIB_LOLOS_AUTENTIKASI", "tidak")],
        DIRECTORY,
    )
    .await;
    let id = workflow::start(&off.app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let code = code_of(&workflow::show(&off.app, &id).await.unwrap(), "verif");
    assert!(recorded(&ingest(&off.app, &forged(&code)).await, "setuju"));
}

/// Issue 21, item 4: a sender writes a passing `Authentication-Results` header of their own
/// below the one the agency's server added (which says `dmarc=fail`): only the top-most one
/// counts, or, with `autentikasi_server`, only the headers of that server.
#[tokio::test]
async fn a_forged_lower_authentication_header_approves_nothing() {
    let two_headers = |code: &str, top: &str| {
        reply(
            "verif@contoh.go.id",
            &format!("Re: [MERIT-{code}] x"),
            &format!(
                "Authentication-Results: {top}\r\n\
Received: from mail.palsu.example by relay\r\n\
Authentication-Results: mx.contoh.go.id; dkim=pass header.d=contoh.go.id; spf=pass smtp.mailfrom=contoh.go.id; dmarc=pass\r\n"
            ),
            "SETUJU",
        )
    };
    let f = fixture().await;
    let id = workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let code = code_of(&workflow::show(&f.app, &id).await.unwrap(), "verif");
    let out = ingest(
        &f.app,
        &two_headers(
            &code,
            "mx.contoh.go.id; dmarc=fail header.from=contoh.go.id",
        ),
    )
    .await;
    assert!(matches!(out, IngestOutcome::Ditolak { .. }), "{out:?}");
    assert_eq!(
        workflow::show(&f.app, &id)
            .await
            .unwrap()
            .langkah_aktif
            .as_deref(),
        Some("verifikasi"),
        "nothing was recorded"
    );

    // With the agency's server named, a header from another server at the top is not read:
    // the named server's own (lower) verdict counts.
    let named = fixture_with(
        &[("MERIT_AUTENTIKASI_SERVER", "mx.bkpsdm.contoh.go.id")],
        DIRECTORY,
    )
    .await;
    let id = workflow::start(
        &named.app,
        "uji_keras",
        None,
        &crate::support::kaban(),
        None,
    )
    .await
    .unwrap();
    let code = code_of(&workflow::show(&named.app, &id).await.unwrap(), "verif");
    let raw = reply(
        "verif@contoh.go.id",
        &format!("Re: [MERIT-{code}] x"),
        "Authentication-Results: relay.lain.example; dkim=pass; spf=pass; dmarc=pass\r\n\
Authentication-Results: mx.bkpsdm.contoh.go.id; dkim=fail; spf=fail\r\n",
        "SETUJU",
    );
    let out = ingest(&named.app, &raw).await;
    assert!(matches!(out, IngestOutcome::Ditolak { .. }), "{out:?}");
    // The named server vouching for the sender: recorded.
    let raw = reply(
        "verif@contoh.go.id",
        &format!("Re: [MERIT-{code}] x"),
        "Authentication-Results: mx.bkpsdm.contoh.go.id; dkim=pass; spf=pass; dmarc=pass\r\n\
Authentication-Results: mx.bkpsdm.contoh.go.id; dmarc=fail\r\n",
        "SETUJU",
    );
    assert!(recorded(&ingest(&named.app, &raw).await, "setuju"));
}

/// Item 22: a prompt sent at 23.50 has its deadline at the close of a working day, and its
/// reminders fall at the start of one.
#[tokio::test]
async fn deadlines_and_reminders_fall_in_office_hours() {
    let f = fixture().await;
    // Monday 11 August 2025, 23.50 WIB.
    f.clock
        .set(Utc.with_ymd_and_hms(2025, 8, 11, 16, 50, 0).unwrap());
    let id = workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let v = workflow::show(&f.app, &id).await.unwrap();
    let due: Vec<(String, String)> = v
        .pengatur_waktu
        .iter()
        .map(|t| (t.jenis.clone(), t.jatuh_tempo.clone()))
        .collect();
    assert!(
        due.contains(&("tenggat".into(), "2025-08-14T16:00:00+07:00".into())),
        "{due:?}"
    );
    assert!(
        due.contains(&("pengingat".into(), "2025-08-12T08:00:00+07:00".into())),
        "{due:?}"
    );
    deliver(&f.app).await;
    let prompt = mails_to(&f, "verif@").pop().unwrap().1;
    assert!(
        prompt.contains("Kamis, 14 Agustus 2025 pukul 16.00 WIB"),
        "{prompt}"
    );
}

/// Item 27: reference codes are unique per tenant; a collision on insert is retried, never an
/// error, and the same code may serve two tenants.
#[tokio::test]
async fn colliding_reference_codes_are_drawn_again() {
    let f = fixture().await;
    let drawn = Arc::new(AtomicUsize::new(0));
    let seq = drawn.clone();
    // Every draw starts over at the same code, then moves on.
    let app = f.app.clone().with_code_source(Arc::new(move || {
        let n = seq.fetch_add(1, Ordering::SeqCst);
        ["AAAAAA", "BBBBBB", "AAAAAA", "CCCCCC", "DDDDDD", "EEEEEE"][n.min(5)].to_owned()
    }));
    let a = workflow::start(&app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let b = workflow::start(&app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let code_a = code_of(&workflow::show(&app, &a).await.unwrap(), "verif");
    let code_b = code_of(&workflow::show(&app, &b).await.unwrap(), "verif");
    assert_eq!(code_a, "AAAAAA");
    assert_ne!(
        code_b, "AAAAAA",
        "the second draw collided and was drawn again"
    );
    // Another tenant may hold the same code.
    let other = f
        .app
        .for_tenant("kabupaten_lain")
        .with_code_source(Arc::new(|| "AAAAAA".to_owned()));
    let c = workflow::start(&other, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    assert_eq!(
        code_of(&workflow::show(&other, &c).await.unwrap(), "verif"),
        "AAAAAA"
    );
}

/// Sends `raw` and reads the whole answer (the server closes after one response).
async fn raw_request(addr: std::net::SocketAddr, raw: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _ = s.write_all(raw).await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let out = String::from_utf8_lossy(&out).into_owned();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

fn header_of<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next().unwrap_or_default();
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

/// Items 3 and 13: every page carries the security headers, the confirm page is never cached,
/// and every error the framework would answer in English is a Bahasa page.
#[tokio::test]
async fn pages_carry_security_headers_and_errors_speak_bahasa() {
    let f = fixture().await;
    workflow::start(&f.app, "uji_keras", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    deliver(&f.app).await;
    let prompt = mails_to(&f, "verif@").pop().unwrap().0;
    let link = tokens(&prompt)[0].clone();
    let addr = serve_http(&f.app).await;
    let close = "Connection: close\r\nHost: merit\r\n";
    let cases: Vec<(Vec<u8>, u16)> = vec![
        (format!("GET /persetujuan/{link} HTTP/1.1\r\n{close}\r\n").into_bytes(), 200),
        (format!("GET /tidak-ada HTTP/1.1\r\n{close}\r\n").into_bytes(), 404),
        (format!("PUT /persetujuan/{link} HTTP/1.1\r\n{close}Content-Length: 0\r\n\r\n").into_bytes(), 405),
        (format!("POST /persetujuan/{link} HTTP/1.1\r\n{close}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}").into_bytes(), 415),
        (format!("POST /persetujuan/{link} HTTP/1.1\r\n{close}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\nsalah").into_bytes(), 400),
        (format!("GET /persetujuan/{} HTTP/1.1\r\n{close}\r\n", "a".repeat(5_000)).into_bytes(), 414),
        (format!("GET /healthz HTTP/1.1\r\n{close}X-Besar: {}\r\n\r\n", "b".repeat(20_000)).into_bytes(), 431),
        (
            {
                let body = format!("keputusan=setuju&komentar={}", "k".repeat(3 * 1024 * 1024));
                format!(
                    "POST /persetujuan/{link} HTTP/1.1\r\n{close}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes()
            },
            413,
        ),
    ];
    for (raw, want) in cases {
        let (status, res) = raw_request(addr, &raw).await;
        assert_eq!(status, want, "{}", &res[..res.len().min(300)]);
        assert_eq!(header_of(&res, "X-Frame-Options"), Some("DENY"), "{want}");
        assert_eq!(header_of(&res, "X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(header_of(&res, "Referrer-Policy"), Some("no-referrer"));
        let csp = header_of(&res, "Content-Security-Policy").unwrap();
        assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"));
        assert_eq!(header_of(&res, "Cache-Control"), Some("no-store"), "{want}");
        let body = res.split("\r\n\r\n").nth(1).unwrap_or_default();
        assert!(body.contains("<html lang=\"id\""), "{want}: {body}");
        assert!(
            !body.contains("<style") && !body.contains("style=\""),
            "{want}"
        );
        for english in [
            "Failed to",
            "Method Not Allowed",
            "length limit",
            "Content-Type",
        ] {
            assert!(!body.contains(english), "{want}: {body}");
        }
    }
    // The stylesheet the pages use is served by merit itself.
    let (status, css) = raw_request(
        addr,
        format!("GET /static/merit.css HTTP/1.1\r\n{close}\r\n").as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    assert!(css.contains("font-family"));
    let _ = &f.db;
}

/// Item 13: metrics label only known methods and route templates.
#[tokio::test]
async fn metrics_labels_come_from_a_fixed_set() {
    let f = fixture().await;
    let addr = serve_http(&f.app).await;
    let method = "X".repeat(60 * 1024);
    let _ = raw_request(
        addr,
        format!("{method} /persetujuan/abc HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await;
    let _ = raw_request(
        addr,
        b"BREW /kopi/12345 HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n",
    )
    .await;
    let (_, metrics) = http_request(addr, "GET", "/metrics", "").await;
    assert!(!metrics.contains("XXXX"));
    assert!(!metrics.contains("BREW") && !metrics.contains("/kopi"));
    assert!(metrics.contains("method=\"lainnya\""), "{metrics}");
    assert!(metrics.contains("route=\"tidak_dikenal\""), "{metrics}");
}

/// Item 13: a client that holds a connection open, half-way through its headers, neither
/// blocks a stop past the grace period nor keeps its connection beyond the header timeout.
#[tokio::test]
async fn a_slow_client_does_not_hold_the_server() {
    use tokio::io::AsyncWriteExt;
    let f = fixture().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(merit::http::serve_with_grace(
        listener,
        merit::http::AppState::new(f.app.clone()),
        async move {
            let _ = stop_rx.wait_for(|s| *s).await;
        },
        std::time::Duration::from_millis(300),
    ));
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: m\r\nX-Pelan:")
        .await
        .unwrap();
    // Another client is served meanwhile.
    assert_eq!(http_request(addr, "GET", "/healthz", "").await.0, 200);
    stop_tx.send(true).unwrap();
    // Bounded only so that a regression fails instead of hanging the suite.
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(20), server).await;
    assert!(
        stopped.is_ok(),
        "the server did not stop with a connection held open"
    );
    drop(slow);
}

/// Item 14: a background task that panicked shows on `/healthz` until it runs again.
#[tokio::test]
async fn healthz_reports_a_failed_background_task() {
    let f = fixture().await;
    let state = merit::http::AppState::new(f.app.clone());
    let health = state.health.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(merit::http::serve(listener, state, std::future::pending()));
    health.beat("kotak_keluar");
    assert_eq!(http_request(addr, "GET", "/healthz", "").await.0, 200);
    health.panicked("kotak_keluar", "contoh kesalahan".into());
    let (status, body) = http_request(addr, "GET", "/healthz", "").await;
    assert_eq!(status, 503);
    assert!(
        body.contains("kotak_keluar") && body.contains("belum pulih"),
        "{body}"
    );
    health.beat("kotak_keluar");
    let (status, body) = http_request(addr, "GET", "/healthz", "").await;
    assert_eq!(status, 200);
    assert!(body.contains("dijalankan ulang 1 kali"), "{body}");
}

/// Item 26: what an official reads is formal Bahasa: "Dengan hormat, mohon Bapak/Ibu
/// berkenan …", the deadline with its weekday, roles by their titles, numbers as 1.234, no
/// internal ids or the word "run", and the agency's name as the signature.
#[tokio::test]
async fn prompts_are_written_as_officials_expect() {
    let f = fixture().await;
    crate::support::regency(&f.app, f.db.dir.path(), 1_600, 11).await;
    let run = merit::service::screening::screen(
        &f.app,
        &merit::service::screening::ScreenOptions {
            ruleset: None,
            actor: merit::service::Actor::account("penguji", "uji"),
            progress: None,
            stop: None,
            started: None,
        },
    )
    .await
    .unwrap();
    let placed = merit::service::placement::place(
        &f.app,
        Some(&run.run_id),
        &merit::service::Actor::account("penguji", "uji"),
    )
    .await
    .unwrap();
    assert!(placed.penempatan.ditempatkan >= 1_000);
    workflow::start(
        &f.app,
        "usulan_pppk_paruh_waktu",
        None,
        &crate::support::kaban(),
        None,
    )
    .await
    .unwrap();
    deliver(&f.app).await;
    let (raw, prompt) = mails_to(&f, "verif@").pop().unwrap();
    for wanted in [
        "Yth. Bapak/Ibu Petugas Verifikasi",
        "Dengan hormat,",
        "Mohon Bapak/Ibu berkenan",
        "Batas waktu  : Kamis, 14 Agustus 2025 pukul 09.00 WIB",
        "Selaku       : Verifikator BKPSDM",
        "Hormat kami,",
        "Pemerintah Kabupaten Contoh",
        &merit::domain::format_number_id(placed.penempatan.ditempatkan as i64),
    ] {
        assert!(prompt.contains(wanted), "{wanted}:\n{prompt}");
    }
    assert!(!prompt.contains("VERIFIKATOR_BKPSDM"));
    let uuid = |t: &str| {
        t.split(|c: char| !c.is_ascii_hexdigit() && c != '-')
            .any(|w| w.len() == 36 && w.matches('-').count() == 4)
    };
    let body_without_links: String = prompt
        .lines()
        .filter(|l| !l.contains("/persetujuan/"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!uuid(&body_without_links), "{body_without_links}");
    assert!(
        !body_without_links
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w.eq_ignore_ascii_case("run")),
        "{body_without_links}"
    );
    assert!(!uuid(header(&raw, "Subject")));
}
