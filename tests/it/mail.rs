//! Notifications and answers (issue 6): the file transport, a real SMTP server over TCP (an
//! in-test sink), the HTTP server on port 0, and replies as mail clients format them.

use std::{path::PathBuf, sync::Arc};

use chrono::{Duration, TimeZone, Utc};
use merit::{
    clock::{FakeClock, SharedClock},
    notify::{Channels, Mailer},
    service::{
        App, outbox,
        workflow::{
            self,
            answers::{self, IngestOutcome},
        },
    },
    store::testing::scalar,
};
use tokio::net::TcpListener;

use crate::support::{
    TestDb, eml_files, header, http_request, plain, readable, serve_http, sink_on, tokens, write,
};

const DIRECTORY: &str = "orang:
  - { id: verif, nama: Petugas Verifikasi, email: verif@contoh.go.id, peran: [VERIFIKATOR_BKPSDM] }
  - { id: kaban, nama: Kepala BKPSDM, email: kaban@contoh.go.id, peran: [KEPALA_BKPSDM, ADMIN] }
  - { id: bupati, nama: Bupati, email: bupati@contoh.go.id, peran: [PPK] }
  - { id: ditolak, nama: Alamat Ditolak, email: tidak-ada@contoh.go.id, peran: [PPK] }
";

const FLOW: &str = "id: uji_surat
judul: Uji Surat
subjek: bebas
langkah:
  - id: verifikasi
    judul: Verifikasi
    penyetuju: { peran: VERIFIKATOR_BKPSDM }
    tenggat: 3d
  - id: ppk
    judul: Penetapan
    penyetuju: { peran: PPK }
";

const CHOICE_FLOW: &str = "id: uji_pilih
judul: Uji Pilih
subjek: bebas
langkah:
  - id: tetapkan
    judul: Penetapan
    penyetuju: { peran: PPK }
    pilihan: '[\"A\", \"B\"]'
    tenggat: 3d
    pengingat: [1d]
";

struct Fixture {
    db: TestDb,
    app: App,
    clock: Arc<FakeClock>,
    outbox: PathBuf,
}

async fn fixture(mail_url: Option<&str>) -> Fixture {
    let db = TestDb::new().await;
    let wf = db.path("wf");
    std::fs::create_dir_all(&wf).unwrap();
    write(&wf, "uji_surat.yaml", FLOW);
    write(&wf, "uji_pilih.yaml", CHOICE_FLOW);
    let dir = write(db.dir.path(), "directory.yaml", DIRECTORY);
    let outbox = db.path("outbox");
    let file_url = format!("file://{}", outbox.display());
    let settings = db.settings_with(&[
        ("MERIT_WORKFLOWS_DIR", wf.to_str().unwrap()),
        ("MERIT_DIRECTORY", dir.to_str().unwrap()),
        ("MERIT_MAIL_URL", mail_url.unwrap_or(&file_url)),
        ("MERIT_SECRET", "rahasia-uji-yang-panjang"),
        ("MERIT_BASE_URL", "http://merit.contoh.go.id"),
    ]);
    let clock = Arc::new(FakeClock::at(
        Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap(),
    ));
    let shared: SharedClock = clock.clone();
    let app = App::open(settings, shared).await.unwrap();
    Fixture {
        db,
        app,
        clock,
        outbox,
    }
}

async fn count(app: &App, sql: &str) -> i64 {
    scalar(app.store_for_tests(), sql).await.unwrap()
}

#[tokio::test]
async fn prompts_in_the_file_outbox_are_complete_and_masked() {
    let f = fixture(None).await;
    let id = workflow::start(&f.app, "uji_surat", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let mailer = Channels::email(Mailer::new(&f.app.settings().mail_url));
    let r = outbox::deliver(&f.app, &mailer, false).await.unwrap();
    assert_eq!(r.terkirim, 1);
    let mails = eml_files(&f.outbox);
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    let subject = header(m, "Subject");
    assert!(
        subject.starts_with("[MERIT-") && subject.contains("] Persetujuan: Uji Surat"),
        "{subject}"
    );
    assert!(header(m, "To").contains("verif@contoh.go.id"));
    assert!(header(m, "Reply-To").contains("merit@localhost"));
    assert!(!header(m, "Message-ID").is_empty());
    let text = plain(m);
    assert!(text.contains("Yth. Bapak/Ibu Petugas Verifikasi"));
    // Deadline: 3 working days from Monday 11 August 09.00 WIB.
    assert!(text.contains("14 Agustus 2025 pukul 09.00 WIB"), "{text}");
    assert_eq!(tokens(m).len(), 3, "one link per answer");
    assert!(text.contains("SETUJU: http://merit.contoh.go.id/persetujuan/"));
    assert!(text.contains("text/html"));
    // Nothing twice: a second pass sends nothing.
    assert_eq!(
        outbox::deliver(&f.app, &mailer, true)
            .await
            .unwrap()
            .terkirim,
        0
    );
    let sent = count(&f.app, &format!("SELECT COUNT(*) FROM kotak_keluar WHERE instans_id = '{id}' AND status = 'terkirim' AND message_id IS NOT NULL")).await;
    assert_eq!(sent, 1);
}

#[tokio::test]
async fn smtp_outage_then_recovery_loses_and_duplicates_nothing() {
    // A port where nothing listens yet.
    let probe = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let f = fixture(Some(&format!("smtp://127.0.0.1:{port}"))).await;
    for _ in 0..5 {
        workflow::start(&f.app, "uji_surat", None, &crate::support::kaban(), None)
            .await
            .unwrap();
    }
    let mailer = Channels::email(Mailer::new(&f.app.settings().mail_url));
    let r = outbox::deliver(&f.app, &mailer, false).await.unwrap();
    assert_eq!((r.terkirim, r.ditunda, r.gagal), (0, 5, 0));
    // Not due yet: nothing is tried again before the backoff.
    let r = outbox::deliver(&f.app, &mailer, false).await.unwrap();
    assert_eq!(r.terkirim + r.ditunda, 0);
    // A flush during the outage tries each message exactly once more.
    let r = outbox::deliver(&f.app, &mailer, true).await.unwrap();
    assert_eq!((r.terkirim, r.ditunda), (0, 5));
    let attempts = count(
        &f.app,
        "SELECT CAST(SUM(percobaan) AS BIGINT) FROM kotak_keluar",
    )
    .await;
    assert_eq!(attempts, 10);
    let held = count(
        &f.app,
        "SELECT COUNT(*) FROM kotak_keluar WHERE pemilik IS NOT NULL",
    )
    .await;
    assert_eq!(held, 0, "nothing stays claimed after a pass");
    // The server comes back.
    let sink = sink_on(TcpListener::bind(("127.0.0.1", port)).await.unwrap(), &[]).await;
    f.clock.advance(Duration::minutes(1));
    let r = outbox::deliver(&f.app, &mailer, false).await.unwrap();
    assert_eq!((r.terkirim, r.ditunda), (5, 0));
    assert_eq!(
        outbox::deliver(&f.app, &mailer, true)
            .await
            .unwrap()
            .terkirim,
        0
    );
    let got = sink.received.lock().unwrap().clone();
    assert_eq!(got.len(), 5, "each message exactly once");
    for m in &got {
        assert!(!merit::domain::has_full_identifier(&readable(m.as_bytes())));
    }
    assert!(got.iter().all(|m| m.contains("[MERIT-")));
}

#[tokio::test]
async fn a_permanent_refusal_fails_the_message_and_tells_admin() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let sink = sink_on(listener, &["tidak-ada@contoh.go.id"]).await;
    let f = fixture(Some(&format!("smtp://127.0.0.1:{port}"))).await;
    let id = workflow::start(&f.app, "uji_surat", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    workflow::decide(
        &f.app,
        &workflow::DecideRequest {
            instance: id.clone(),
            langkah: "verifikasi".into(),
            orang: "verif".into(),
            jawaban: merit::workflow::Answer::Setuju,
            komentar: None,
            saluran: merit::workflow::Channel::Cli,
            dicatat_oleh: Some(merit::service::Actor::account("penguji", "uji")),
            kunjungan: None,
        },
    )
    .await
    .unwrap();
    let mailer = Channels::email(Mailer::new(&f.app.settings().mail_url));
    let r = outbox::deliver(&f.app, &mailer, false).await.unwrap();
    // verif's and bupati's prompts are sent; the refused address fails at once, and the
    // notice to ADMIN (kaban) it causes goes out in the same pass.
    assert_eq!((r.terkirim, r.gagal), (3, 1));
    let failed = count(&f.app, "SELECT COUNT(*) FROM kotak_keluar WHERE status = 'gagal' AND alamat = 'tidak-ada@contoh.go.id'").await;
    assert_eq!(failed, 1);
    let got = sink.received.lock().unwrap().clone();
    assert!(got.last().unwrap().contains("tidak-ada@contoh.go.id"));
}

#[tokio::test]
async fn links_confirm_on_get_decide_on_post_and_refuse_the_rest() {
    let f = fixture(None).await;
    let id = workflow::start(&f.app, "uji_surat", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let mailer = Channels::email(Mailer::new(&f.app.settings().mail_url));
    outbox::deliver(&f.app, &mailer, false).await.unwrap();
    let toks = tokens(&eml_files(&f.outbox)[0]);
    let (setuju, tolak) = (&toks[0], &toks[1]);
    assert!(setuju.contains(".setuju.") && tolak.contains(".tolak."));
    let addr = serve_http(&f.app).await;

    // GET shows and never decides, however often a scanner opens it.
    for _ in 0..3 {
        let (status, page) = http_request(addr, "GET", &format!("/persetujuan/{setuju}"), "").await;
        assert_eq!(status, 200);
        assert!(page.contains("SETUJU") && page.contains("<form method=\"post\""));
    }
    assert_eq!(
        workflow::show(&f.app, &id)
            .await
            .unwrap()
            .langkah_aktif
            .as_deref(),
        Some("verifikasi")
    );

    // Forged, foreign and unknown tokens: 404.
    let forged = setuju.replace(".setuju.", ".tolak.");
    assert_eq!(
        http_request(addr, "GET", &format!("/persetujuan/{forged}"), "")
            .await
            .0,
        404
    );
    let foreign = merit::notify::token::sign(
        b"rahasia-lain",
        &merit::notify::token::verify(b"rahasia-uji-yang-panjang", setuju).unwrap(),
    );
    assert_eq!(
        http_request(
            addr,
            "POST",
            &format!("/persetujuan/{foreign}"),
            "keputusan=setuju"
        )
        .await
        .0,
        404
    );
    assert_eq!(
        http_request(addr, "GET", "/persetujuan/bukan-token-asli", "")
            .await
            .0,
        404
    );
    // The form must match the link.
    assert_eq!(
        http_request(
            addr,
            "POST",
            &format!("/persetujuan/{setuju}"),
            "keputusan=tolak"
        )
        .await
        .0,
        400
    );

    // Concurrent POSTs of the same link: one transition, every response a success.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let path = format!("/persetujuan/{setuju}");
        tasks.push(tokio::spawn(async move {
            http_request(
                addr,
                "POST",
                &path,
                "keputusan=setuju&komentar=Sudah+sesuai",
            )
            .await
            .0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let v = workflow::show(&f.app, &id).await.unwrap();
    assert_eq!(v.langkah_aktif.as_deref(), Some("ppk"));
    let decisions: Vec<_> = v
        .riwayat
        .iter()
        .filter(|h| h.jenis == "keputusan")
        .collect();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].saluran.as_deref(), Some("tautan"));
    assert_eq!(decisions[0].komentar.as_deref(), Some("Sudah sesuai"));
    // Replayed with the same answer: idempotent; another answer of the decided step: 409.
    assert_eq!(
        http_request(
            addr,
            "POST",
            &format!("/persetujuan/{setuju}"),
            "keputusan=setuju"
        )
        .await
        .0,
        200
    );
    assert_eq!(
        http_request(
            addr,
            "POST",
            &format!("/persetujuan/{tolak}"),
            "keputusan=tolak"
        )
        .await
        .0,
        409
    );

    // Expired: the PPK's link, opened after the validity period.
    outbox::deliver(&f.app, &mailer, false).await.unwrap();
    let ppk_mail = eml_files(&f.outbox)
        .into_iter()
        .find(|m| header(m, "To").contains("bupati"))
        .unwrap();
    let ppk = tokens(&ppk_mail)[0].clone();
    f.clock.advance(Duration::days(8));
    assert_eq!(
        http_request(addr, "GET", &format!("/persetujuan/{ppk}"), "")
            .await
            .0,
        410
    );
    assert_eq!(
        http_request(
            addr,
            "POST",
            &format!("/persetujuan/{ppk}"),
            "keputusan=setuju"
        )
        .await
        .0,
        410
    );

    // Health and metrics.
    assert_eq!(http_request(addr, "GET", "/healthz", "").await.0, 200);
    let (status, metrics) = http_request(addr, "GET", "/metrics", "").await;
    assert_eq!(status, 200);
    assert!(metrics.contains("# TYPE merit_outbox_messages gauge"));
    assert!(metrics.contains("merit_workflow_decisions_total{saluran=\"tautan\"} 1"));
    let _ = &f.db;
}

struct Prompt {
    instance: String,
    code: String,
    message_id: String,
}

async fn prompt(f: &Fixture) -> Prompt {
    let before = eml_files(&f.outbox).len();
    let instance = workflow::start(&f.app, "uji_surat", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    outbox::deliver(
        &f.app,
        &Channels::email(Mailer::new(&f.app.settings().mail_url)),
        false,
    )
    .await
    .unwrap();
    let mails = eml_files(&f.outbox);
    assert!(mails.len() > before);
    // The prompt whose code belongs to this instance.
    let mut code = String::new();
    let mut message_id = String::new();
    for m in &mails {
        let subject = header(m, "Subject");
        let Some(c) = subject.split("[MERIT-").nth(1).map(|r| r[..6].to_owned()) else {
            continue;
        };
        if let Some(row) = f.app.store_for_tests().code(&c).await.unwrap()
            && row.instans_id == instance
        {
            code = c;
            message_id = header(m, "Message-ID")
                .trim_matches(|ch| ch == '<' || ch == '>')
                .to_owned();
        }
    }
    assert!(!code.is_empty());
    Prompt {
        instance,
        code,
        message_id,
    }
}

async fn step(app: &App, id: &str) -> Option<String> {
    workflow::show(app, id).await.unwrap().langkah_aktif
}

#[tokio::test]
async fn replies_from_real_clients_are_understood() {
    let f = fixture(None).await;

    // Gmail, Indonesian, with an HTML part and the quoted prompt below.
    let p = prompt(&f).await;
    let gmail = format!(
        "From: Petugas Verifikasi <Verif@Contoh.go.id>\r\nTo: merit@localhost\r\nSubject: Re: [MERIT-{code}] Persetujuan: Uji Surat - Verifikasi\r\n\
         In-Reply-To: <{mid}>\r\nMessage-ID: <gmail-1@mail.gmail.com>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
         Setuju, silakan dilanjutkan.\r\n\r\nPada Sen, 11 Agu 2025 pukul 09.15 merit BKPSDM <merit@localhost>\r\nmenulis:\r\n> Yth. Bapak/Ibu Petugas Verifikasi,\r\n> TOLAK alasan penolakan\r\n\r\n\
         --b1\r\nContent-Type: text/html; charset=\"UTF-8\"\r\n\r\n<div dir=3D\"ltr\">Setuju, silakan dilanjutkan.</div><blockquote>TOLAK</blockquote>\r\n--b1--\r\n",
        code = p.code,
        mid = p.message_id
    );
    let out = answers::ingest(&f.app, gmail.as_bytes()).await.unwrap();
    assert!(
        matches!(out, IngestOutcome::Dicatat { ref keputusan, .. } if keputusan == "setuju"),
        "{out:?}"
    );
    let v = workflow::show(&f.app, &p.instance).await.unwrap();
    let d = v.riwayat.iter().find(|h| h.jenis == "keputusan").unwrap();
    assert_eq!(d.saluran.as_deref(), Some("balasan"));
    assert_eq!(d.komentar.as_deref(), Some("silakan dilanjutkan."));

    // Outlook: a From/Sent block under the answer.
    let p = prompt(&f).await;
    let outlook = format!(
        "From: verif@contoh.go.id\r\nTo: merit@localhost\r\nSubject: RE: [MERIT-{}] Persetujuan\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         TOLAK karena formasi belum ditetapkan\r\n\r\n________________________________\r\nFrom: merit BKPSDM <merit@localhost>\r\nSent: Monday, August 11, 2025 9:15 AM\r\nSubject: [MERIT-{}] Persetujuan\r\n\r\nSETUJU\r\n",
        p.code, p.code
    );
    assert!(
        matches!(answers::ingest(&f.app, outlook.as_bytes()).await.unwrap(), IngestOutcome::Dicatat { ref keputusan, .. } if keputusan == "tolak")
    );
    assert_eq!(
        workflow::show(&f.app, &p.instance).await.unwrap().status,
        merit::workflow::Status::SelesaiDitolak
    );

    // HTML only, base64, matched by In-Reply-To alone (the subject lost its code).
    let p = prompt(&f).await;
    use base64_lite::encode;
    let html = encode(
        "<html><body><p>SETUJU</p><p>Terima kasih</p><blockquote>Yth. Bapak/Ibu</blockquote></body></html>",
    );
    let html_only = format!(
        "From: verif@contoh.go.id\r\nTo: merit@localhost\r\nSubject: Re: persetujuan\r\nIn-Reply-To: <{}>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{html}\r\n",
        p.message_id
    );
    let out = answers::ingest(&f.app, html_only.as_bytes()).await.unwrap();
    assert!(
        matches!(out, IngestOutcome::Dicatat { ref keputusan, .. } if keputusan == "setuju"),
        "{out:?}"
    );
    assert_eq!(step(&f.app, &p.instance).await.as_deref(), Some("ppk"));
}

#[tokio::test]
async fn strangers_unclear_replies_and_auto_replies_change_nothing() {
    let f = fixture(None).await;
    let p = prompt(&f).await;
    let queued = |app: App| async move {
        scalar(
            app.store_for_tests(),
            "SELECT COUNT(*) FROM kotak_keluar WHERE jenis = 'balasan_ditolak'",
        )
        .await
        .unwrap()
    };
    // Someone not in the directory: refused (exit 4), no reply (no backscatter).
    let stranger = format!(
        "From: orang@luar.com\r\nSubject: Re: [MERIT-{}] x\r\n\r\nSETUJU\r\n",
        p.code
    );
    let out = answers::ingest(&f.app, stranger.as_bytes()).await.unwrap();
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
    // An approver of another step answering this prompt: refused, told why.
    let other = format!(
        "From: bupati@contoh.go.id\r\nSubject: Re: [MERIT-{}] x\r\n\r\nSETUJU\r\n",
        p.code
    );
    assert!(matches!(
        answers::ingest(&f.app, other.as_bytes()).await.unwrap(),
        IngestOutcome::Ditolak {
            tidak_terbaca: false,
            ..
        }
    ));
    assert_eq!(queued(f.app.clone()).await, 1);
    // Unclear: exit 3, the sender gets an explanation.
    let unclear = format!(
        "From: verif@contoh.go.id\r\nSubject: Re: [MERIT-{}] x\r\nMessage-ID: <u1@x>\r\n\r\nBaik pak, nanti saya cek dulu.\r\n",
        p.code
    );
    assert!(matches!(
        answers::ingest(&f.app, unclear.as_bytes()).await.unwrap(),
        IngestOutcome::Ditolak {
            tidak_terbaca: true,
            ..
        }
    ));
    assert_eq!(queued(f.app.clone()).await, 2);
    // A return without a reason is unclear too.
    let bare = format!(
        "From: verif@contoh.go.id\r\nSubject: Re: [MERIT-{}] x\r\nMessage-ID: <u2@x>\r\n\r\nKEMBALIKAN\r\n",
        p.code
    );
    assert!(matches!(
        answers::ingest(&f.app, bare.as_bytes()).await.unwrap(),
        IngestOutcome::Ditolak {
            tidak_terbaca: true,
            ..
        }
    ));
    // An out-of-office reply: ignored, and never answered (mail loops).
    let auto = format!(
        "From: verif@contoh.go.id\r\nSubject: Out of Office: [MERIT-{}] x\r\nAuto-Submitted: auto-replied\r\n\r\nSETUJU saya sedang cuti\r\n",
        p.code
    );
    assert!(matches!(
        answers::ingest(&f.app, auto.as_bytes()).await.unwrap(),
        IngestOutcome::Diabaikan { .. }
    ));
    assert_eq!(queued(f.app.clone()).await, 3);
    assert_eq!(
        step(&f.app, &p.instance).await.as_deref(),
        Some("verifikasi")
    );
    assert!(
        workflow::show(&f.app, &p.instance)
            .await
            .unwrap()
            .riwayat
            .iter()
            .all(|h| h.jenis != "keputusan")
    );
}

/// A tiny base64 encoder for building test messages.
mod base64_lite {
    pub fn encode(s: &str) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let b = s.as_bytes();
        let mut out = String::new();
        for c in b.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= c.len() {
                    out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

/// Issue 12: a reminder carries the whole prompt (typed payload), so on a choice step it offers
/// the choices, not SETUJU, and repeats the deadline.
#[tokio::test]
async fn a_reminder_on_a_choice_step_offers_the_choices_and_the_deadline() {
    let f = fixture(None).await;
    workflow::start(&f.app, "uji_pilih", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    let channels = Channels::email(Mailer::new(&f.app.settings().mail_url));
    outbox::deliver(&f.app, &channels, false).await.unwrap();
    f.clock.advance(Duration::days(1));
    workflow::tick(&f.app).await.unwrap();
    outbox::deliver(&f.app, &channels, false).await.unwrap();
    let mails = eml_files(&f.outbox);
    let reminder = mails
        .iter()
        .find(|m| header(m, "Subject").contains("Pengingat persetujuan"))
        .expect("a reminder");
    let text = plain(reminder);
    // The dash between number and name is quoted-printable in the raw message.
    assert!(text.contains("PILIH 1 =E2=80=94 A: http://"), "{text}");
    assert!(text.contains("PILIH 2 =E2=80=94 B: http://"), "{text}");
    assert!(!text.contains("SETUJU: http://"), "{text}");
    assert_eq!(tokens(reminder).len(), 4, "two choices, TOLAK, KEMBALIKAN");
    assert!(
        text.contains("Batas waktu  : Kamis, 14 Agustus 2025 pukul 09.00 WIB"),
        "{text}"
    );
}

/// Issue 12: a queued message whose payload lacks a field is not sent with blanks: it fails at
/// once, names the field, and ADMIN is told.
#[tokio::test]
async fn a_message_missing_a_field_fails_and_admin_is_told() {
    let f = fixture(None).await;
    workflow::start(&f.app, "uji_surat", None, &crate::support::kaban(), None)
        .await
        .unwrap();
    merit::store::testing::execute(
        f.app.store_for_tests(),
        "UPDATE kotak_keluar SET data = '{\"nama\": \"x\"}' WHERE jenis = 'permintaan'",
    )
    .await
    .unwrap();
    let channels = Channels::email(Mailer::new(&f.app.settings().mail_url));
    let r = outbox::deliver(&f.app, &channels, false).await.unwrap();
    assert_eq!((r.terkirim, r.gagal), (1, 1), "the notice to ADMIN is sent");
    let why: String = {
        let rows = count(
            &f.app,
            "SELECT COUNT(*) FROM kotak_keluar WHERE status = 'gagal' AND kesalahan LIKE '%isi pesan permintaan tidak dapat dibaca%'",
        )
        .await;
        assert_eq!(rows, 1);
        plain(&eml_files(&f.outbox)[0])
    };
    assert!(why.contains("tidak dapat dikirim"), "{why}");
    assert!(why.contains("kolom wajib `kode` tidak ada"), "{why}");
}
