//! The candidates' window (issue 25, candidates.md) over real HTTP: the announcement shows the
//! placement's people with masked NIKs and nothing else; a status check answers the same bytes
//! for any mismatch and throttles the sixth failure; an objection inside the window starts
//! `sanggah` and one outside is refused; an upheld objection after a correction changes the
//! announced outcome and tells the candidate; a dismissed one tells the reason; every attempt and
//! download is audited.

use std::{path::Path, sync::Arc};

use chrono::{Duration, TimeZone, Utc};
use merit::{
    clock::{FakeClock, SharedClock},
    config::Settings,
    domain::{Findings, Nik},
    ingest::ImportKind,
    service::{
        App,
        placement::place,
        public::{PublishRequest, announcement, objection},
        screening::correction,
        workflow::{self, DecideRequest},
    },
    workflow::{Answer, Channel},
};

use crate::support::{
    TestDb, eml_files, http_request, import_file, plain, screen, serve_http, write,
};

fn settings(db: &TestDb) -> Settings {
    let root = env!("CARGO_MANIFEST_DIR");
    let config = write(
        db.dir.path(),
        "merit.yaml",
        "instansi:\n  nama: Pemerintah Kabupaten Uji Layanan\n",
    );
    Settings::load_from(
        Some(&config),
        vec![
            ("MERIT_DATABASE_URL".to_owned(), db.settings().database_url),
            ("MERIT_RULES_DIR".to_owned(), format!("{root}/rules")),
            (
                "MERIT_WORKFLOWS_DIR".to_owned(),
                format!("{root}/workflows"),
            ),
            (
                "MERIT_MAIL_URL".to_owned(),
                format!("file://{}/outbox", db.dir.path().display()),
            ),
            (
                "MERIT_DIRECTORY".to_owned(),
                db.path("gen/directory.yaml").display().to_string(),
            ),
        ],
    )
    .unwrap()
}

/// A regency of `n` candidates, screened and placed, on a clock at Monday 11 August 2025
/// 09.00 WIB.
async fn regency(db: &TestDb, n: u64) -> (App, Arc<FakeClock>) {
    merit::generate::generate(&merit::generate::GenerateOptions {
        candidates: n,
        out: db.path("gen"),
        seed: 25,
    })
    .unwrap();
    let clock = Arc::new(FakeClock::at(
        Utc.with_ymd_and_hms(2025, 8, 11, 2, 0, 0).unwrap(),
    ));
    let shared: SharedClock = clock.clone();
    let app = App::open(settings(db), shared).await.unwrap();
    for (kind, file) in [
        (ImportKind::Candidates, "gen/candidates.csv"),
        (ImportKind::Formations, "gen/formations.csv"),
    ] {
        import_file(&app, kind, &db.path(file)).await;
    }
    // Four eligible candidates stop working (a correction): they fail "Aktif bekerja" only.
    let first = screen(&app).await;
    let page = app
        .store_for_tests()
        .export_page(&first.run_id, "", 1_000)
        .await
        .unwrap();
    for r in page
        .iter()
        .filter(|r| r.decision.hasil == merit::domain::Hasil::Layak)
        .take(4)
    {
        correction::set(
            &app,
            &merit::service::Actor::cli(),
            &r.decision.nik,
            &[("aktif_bekerja".to_owned(), "tidak".to_owned())],
            "Laporan kepala unit: tidak aktif sejak Juli 2025",
        )
        .await
        .unwrap();
    }
    let run = screen(&app).await;
    place(&app, Some(&run.run_id), &merit::service::Actor::cli())
        .await
        .unwrap();
    (app, clock)
}

/// A response's body, with the slashes minijinja escapes read back.
fn body(raw: &str) -> String {
    raw.split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .replace("&#x2f;", "/")
}

/// A run of 16 or more digits standing alone: a full NIK. Digits inside a longer token of
/// letters and digits (a random hex CSRF token) do not count.
fn has_full_nik(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|token| token.len() >= 16 && token.bytes().all(|b| b.is_ascii_digit()))
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
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

/// POSTs a multipart form: text fields and files (name, bytes).
async fn multipart(
    addr: std::net::SocketAddr,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, Vec<u8>)],
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let boundary = "----merit-uji-batas";
    let mut payload = Vec::new();
    for (k, v) in fields {
        payload.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        payload.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        payload.extend(bytes);
        payload.extend(b"\r\n");
    }
    payload.extend(format!("--{boundary}--\r\n").as_bytes());
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: merit\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        payload.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&payload).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

/// The hidden token of a status page's objection form.
fn token_of(page: &str) -> Option<String> {
    let at = page.find("name=\"token\" value=\"")? + "name=\"token\" value=\"".len();
    Some(page[at..].split('"').next()?.to_owned())
}

async fn decide(app: &App, inst: &str, step: &str, who: &str, answer: Answer, note: &str) {
    workflow::decide(
        app,
        &DecideRequest {
            instance: inst.to_owned(),
            langkah: step.to_owned(),
            orang: who.to_owned(),
            jawaban: answer,
            komentar: Some(note.to_owned()),
            saluran: Channel::Tautan,
            dicatat_oleh: None,
            kunjungan: None,
        },
    )
    .await
    .unwrap();
}

fn mail_to(dir: &Path, address: &str) -> Vec<String> {
    eml_files(dir)
        .into_iter()
        .filter(|e| e.contains(&format!("To: {address}")) || e.contains(&format!("<{address}>")))
        .map(|e| plain(&e))
        .collect()
}

/// A refused objection: its fields, its files, and words the refusal must hold.
type BadObjection<'a> = (Vec<(&'a str, &'a str)>, Vec<(&'a str, Vec<u8>)>, &'a str);

/// A candidate's birth date as the form asks for it.
fn ddmmyyyy(d: chrono::NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candidates_see_their_result_and_object_in_time() {
    let db = TestDb::new().await;
    let (app, clock) = regency(&db, 300).await;
    let store = app.store_for_tests();
    let placement = merit::service::placement::chosen_placement(&app, None)
        .await
        .unwrap();
    let run = store.run(&placement.run_id).await.unwrap().unwrap();

    // Nothing announced yet: the status check says so.
    let addr = serve_http(&app).await;
    let (code, page) = http_request(addr, "GET", "/pengumuman", "").await;
    assert_eq!(code, 200);
    assert!(body(&page).contains("Belum ada pengumuman"), "{page}");

    let a = announcement::publish(
        &app,
        &PublishRequest {
            hari_sanggah: Some(3),
            ..PublishRequest::default()
        },
        &merit::service::Actor::cli(),
    )
    .await
    .unwrap();
    assert_eq!(a.nomor, 1);
    // Three working days from Monday 09.00: closes Wednesday at the end of office hours.
    assert_eq!(
        merit::domain::format_datetime_id(
            merit::clock::from_ms(a.tutup_ms),
            app.settings().timezone
        ),
        "13 Agustus 2025 pukul 16.00 WIB"
    );
    assert_eq!(a.jumlah as u64, run.hasil.total);

    // The announcement: exactly the placement's people, masked, nothing else about them.
    let mut proposed = 0;
    let mut rows = 0;
    let pages = (run.hasil.total as usize).div_ceil(50);
    for n in 1..=pages {
        let (code, raw) =
            http_request(addr, "GET", &format!("/pengumuman/1?halaman={n}"), "").await;
        assert_eq!(code, 200);
        let html = body(&raw);
        assert!(!has_full_nik(&html), "a full NIK on a public page: {html}");
        assert!(!html.contains("1987-") && !html.contains("Rp"), "{html}");
        proposed += html
            .matches("<td data-label=\"Hasil\">Diusulkan</td>")
            .count();
        rows += html.matches("<tr><td data-label=\"Nama\"").count();
    }
    assert_eq!(proposed as u64, placement.ditempatkan);
    assert_eq!(rows as u64, run.hasil.total, "every candidate once");
    // The formal announcement: numbered, its window and the lists, masked; the same bytes again.
    let first = crate::support::http_bytes(addr, "/pengumuman/1.pdf").await;
    let again = crate::support::http_bytes(addr, "/pengumuman/1.pdf").await;
    assert_eq!(first, again, "the announcement keeps its bytes");
    let path = db.path("pengumuman-1.pdf");
    std::fs::write(&path, &first).unwrap();
    let text = crate::documents::pdf_text(&path);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("PENGUMUMAN Nomor: 800.1.2.2/1/"), "{text}");
    assert!(
        flat.contains("sampai Rabu, 13 Agustus 2025 pukul 16.00 WIB"),
        "{text}"
    );
    assert!(
        text.contains("LAMPIRAN I") && !has_full_nik(&text),
        "{text}"
    );
    assert!(
        body(&http_request(addr, "GET", "/pengumuman", "").await.1).contains("Pengumuman nomor 1")
    );

    // Two candidates who failed only "Aktif bekerja" (PW-05): one will be upheld, one dismissed.
    let idx = run.aturan.iter().position(|r| r == "PW-05").unwrap();
    let mut inactive = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = store.export_page(&run.id, &cursor, 1_000).await.unwrap();
        let Some(last) = page.last() else { break };
        cursor = last.decision.nik.as_str().to_owned();
        for r in page {
            let f = Findings::of(
                run.aturan.iter().map(String::as_str),
                &r.decision.verdicts(),
            );
            if f.gagal == [run.aturan[idx].clone()] && f.tinjau.is_empty() {
                inactive.push(r.decision.nik);
            }
        }
    }
    assert!(inactive.len() >= 4, "{inactive:?}");
    let candidate = |nik: &Nik| {
        let store = store.clone();
        let nik = *nik;
        async move { store.candidate(&nik).await.unwrap().unwrap() }
    };
    let upheld = candidate(&inactive[0]).await;
    let dismissed = candidate(&inactive[1]).await;
    let throttled = candidate(&inactive[2]).await;

    // Search by the last four digits finds the candidate, masked.
    let four = &upheld.nik.as_str()[12..];
    let (_, raw) = http_request(addr, "GET", &format!("/pengumuman/1?cari={four}"), "").await;
    assert!(body(&raw).contains(&upheld.nama), "{raw}");
    assert!(body(&raw).contains("Tidak memenuhi syarat"), "{raw}");

    // A mismatch: the same bytes whether or not the NIK exists.
    let peserta = |c: &merit::domain::Candidate| c.nomor_peserta.clone().unwrap_or_default();
    let wrong_date = form(&[
        ("nik", upheld.nik.as_str()),
        ("tanggal_lahir", "01-01-1970"),
        ("nomor_peserta", &peserta(&upheld)),
    ]);
    let unknown = form(&[
        ("nik", "1609020101700009"),
        ("tanggal_lahir", "01-01-1970"),
        ("nomor_peserta", &peserta(&upheld)),
    ]);
    let (c1, r1) = http_request(addr, "POST", "/layanan/status", &wrong_date).await;
    let (c2, r2) = http_request(addr, "POST", "/layanan/status", &unknown).await;
    assert_eq!((c1, c2), (200, 200));
    assert_eq!(body(&r1), body(&r2), "one answer for any mismatch");
    assert!(body(&r1).contains("Data tidak ditemukan atau tidak cocok"));
    // A birth date in the wrong format is told as such.
    let (code, raw) = http_request(
        addr,
        "POST",
        "/layanan/status",
        &form(&[
            ("nik", upheld.nik.as_str()),
            ("tanggal_lahir", "1987-04-23"),
        ]),
    )
    .await;
    assert_eq!(code, 400);
    assert!(body(&raw).contains("tanggal-bulan-tahun"), "{raw}");

    // Five failures for one NIK, then 429 even with the right data.
    let right = |c: &merit::domain::Candidate| {
        form(&[
            ("nik", c.nik.as_str()),
            ("tanggal_lahir", &ddmmyyyy(c.tanggal_lahir)),
            ("nomor_peserta", &peserta(c)),
        ])
    };
    for _ in 0..5 {
        let wrong = form(&[
            ("nik", throttled.nik.as_str()),
            ("tanggal_lahir", "02-02-1970"),
        ]);
        assert_eq!(
            http_request(addr, "POST", "/layanan/status", &wrong)
                .await
                .0,
            200
        );
    }
    let (code, raw) = http_request(addr, "POST", "/layanan/status", &right(&throttled)).await;
    assert_eq!(code, 429, "{raw}");
    assert!(body(&raw).contains("coba lagi setelah"), "{raw}");

    // Guesses sent all at once meet the same limit: the unknown NIK above failed once, so four
    // of ten parallel guesses are answered and the rest held back.
    let guesses = (0..10).map(|i| {
        let body = form(&[
            ("nik", "1609020101700009"),
            ("tanggal_lahir", &format!("{:02}-01-1970", i + 2)),
        ]);
        tokio::spawn(async move { http_request(addr, "POST", "/layanan/status", &body).await.0 })
    });
    let mut codes = Vec::new();
    for g in guesses {
        codes.push(g.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 200).count(), 4, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 429).count(), 6, "{codes:?}");

    // The right data: the rule that failed, in words, with its legal basis, and the form.
    let (code, raw) = http_request(addr, "POST", "/layanan/status", &right(&upheld)).await;
    assert_eq!(code, 200, "{raw}");
    let html = body(&raw);
    assert!(
        html.contains(&upheld.nama) && html.contains("Aktif bekerja"),
        "{html}"
    );
    assert!(html.contains("B/3832"), "the legal basis: {html}");
    assert!(html.contains("noindex") && !has_full_nik(&html), "{html}");
    let token = token_of(&html).expect("an objection form while the window is open");

    // Hostile and unlucky objections store nothing.
    let pdf = b"%PDF-1.4\n% bukti aktif bekerja\n".to_vec();
    let cases: Vec<BadObjection> = vec![
        (
            vec![("token", "palsu"), ("alasan", "x"), ("email", "a@b.id")],
            vec![],
            "kedaluwarsa",
        ),
        (
            vec![
                ("token", &token),
                ("alasan", "saya aktif"),
                ("email", "a@b.id"),
            ],
            vec![("bukti.pdf", b"<html>bukan pdf</html>".to_vec())],
            "bukan PDF",
        ),
        (
            vec![
                ("token", &token),
                ("alasan", "saya aktif"),
                ("email", "a@b.id"),
            ],
            vec![
                ("1.pdf", pdf.clone()),
                ("2.pdf", pdf.clone()),
                ("3.pdf", pdf.clone()),
                ("4.pdf", pdf.clone()),
            ],
            "paling banyak 3",
        ),
        (
            vec![
                ("token", &token),
                ("alasan", "saya aktif"),
                ("email", "a@b.id"),
            ],
            vec![(
                "besar.pdf",
                [pdf.clone(), vec![b' '; 2 * 1024 * 1024]].concat(),
            )],
            "2 MB",
        ),
        (
            vec![("token", &token), ("alasan", "saya aktif")],
            vec![],
            "surel atau nomor HP",
        ),
    ];
    for (fields, files, words) in cases {
        let (code, raw) = multipart(addr, "/layanan/sanggah", &fields, &files).await;
        assert_eq!(code, 400, "{raw}");
        assert!(
            body(&raw).to_lowercase().contains(&words.to_lowercase()),
            "{words}: {raw}"
        );
    }
    assert!(objection::list(&app, None).await.unwrap().is_empty());

    // Inside the window: a receipt, the review started, the receipt e-mailed.
    let (code, raw) = multipart(
        addr,
        "/layanan/sanggah",
        &[
            ("token", &token),
            (
                "alasan",
                "Saya masih aktif bekerja di unit ini sejak 2012; terlampir surat keterangan.",
            ),
            ("email", "calon.satu@contoh.id"),
        ],
        &[("keterangan.pdf", pdf.clone())],
    )
    .await;
    assert_eq!(code, 200, "{raw}");
    let receipt = "SGH-2025-00001";
    assert!(body(&raw).contains(receipt), "{raw}");
    // A second one while the first is open is refused with its number.
    let (code, raw) = multipart(
        addr,
        "/layanan/sanggah",
        &[
            ("token", &token),
            ("alasan", "lagi"),
            ("email", "calon.satu@contoh.id"),
        ],
        &[],
    )
    .await;
    assert_eq!(code, 409, "{raw}");
    assert!(body(&raw).contains(receipt));

    let shown = objection::show(&app, receipt).await.unwrap();
    assert_eq!(shown.files.len(), 1);
    assert_eq!(
        shown.files[0].sha256,
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&pdf))
    );
    let inst = shown.row.instance_id.clone().expect("the review started");
    merit::service::outbox::flush(&app).await.unwrap();
    let outbox = db.path("outbox");
    assert!(
        mail_to(&outbox, "calon.satu@contoh.id")
            .iter()
            .any(|m| m.contains(receipt)),
        "the receipt is e-mailed"
    );
    let prompt = mail_to(&outbox, "verifikator1@bkpsdm.contoh.go.id");
    assert!(
        prompt
            .iter()
            .any(|m| m.contains(receipt) && m.contains("Aktif bekerja")),
        "{prompt:?}"
    );
    // The file, for a console user, audited.
    let (_, bytes) = objection::file(&app, receipt, 1, &merit::service::Actor::cli())
        .await
        .unwrap();
    assert_eq!(bytes, pdf);

    // Upheld after a correction: the announced outcome changes and the candidate is told.
    decide(
        &app,
        &inst,
        "telaah",
        "verifikator_1",
        Answer::Setuju,
        "Surat keterangan aktif sah; data aktif_bekerja dikoreksi",
    )
    .await;
    correction::set(
        &app,
        &merit::service::Actor::cli(),
        &upheld.nik,
        &[("aktif_bekerja".to_owned(), "ya".to_owned())],
        "Surat keterangan aktif bekerja dari kepala unit (sanggah SGH-2025-00001)",
    )
    .await
    .unwrap();
    decide(
        &app,
        &inst,
        "keputusan",
        "kepala_bkpsdm",
        Answer::Setuju,
        "disahkan",
    )
    .await;
    let done = objection::show(&app, receipt).await.unwrap();
    assert_eq!(done.row.status, "diterima");
    let after = store
        .announced(1, upheld.nik.as_str())
        .await
        .unwrap()
        .unwrap();
    assert!(after.diperbarui_ms.is_some());
    assert!(
        after.diusulkan || after.kelompok.as_deref() == Some("TIDAK_ADA_KEBUTUHAN"),
        "eligible now: {after:?}"
    );
    let (_, raw) = http_request(addr, "GET", &format!("/pengumuman/1?cari={four}"), "").await;
    assert!(body(&raw).contains("diperbarui setelah sanggah"), "{raw}");
    merit::service::outbox::flush(&app).await.unwrap();
    let told = mail_to(&outbox, "calon.satu@contoh.id");
    assert!(
        told.iter()
            .any(|m| m.contains("DITERIMA") && m.contains("diperbarui setelah sanggah")),
        "{told:?}"
    );

    // Dismissed: told with the reason, the outcome unchanged.
    let (_, raw) = http_request(addr, "POST", "/layanan/status", &right(&dismissed)).await;
    let token2 = token_of(&body(&raw)).unwrap();
    let (code, raw) = multipart(
        addr,
        "/layanan/sanggah",
        &[
            ("token", &token2),
            ("alasan", "Saya keberatan."),
            ("email", "calon.dua@contoh.id"),
        ],
        &[],
    )
    .await;
    assert_eq!(code, 200, "{raw}");
    let second = objection::show(&app, "SGH-2025-00002").await.unwrap();
    let inst2 = second.row.instance_id.clone().unwrap();
    decide(
        &app,
        &inst2,
        "telaah",
        "verifikator_2",
        Answer::Tolak,
        "Tidak ada bukti aktif bekerja yang dilampirkan",
    )
    .await;
    decide(
        &app,
        &inst2,
        "keputusan",
        "kepala_bkpsdm",
        Answer::Setuju,
        "disahkan",
    )
    .await;
    assert_eq!(
        objection::show(&app, "SGH-2025-00002")
            .await
            .unwrap()
            .row
            .status,
        "ditolak"
    );
    assert!(
        store
            .announced(1, dismissed.nik.as_str())
            .await
            .unwrap()
            .unwrap()
            .diperbarui_ms
            .is_none()
    );
    merit::service::outbox::flush(&app).await.unwrap();
    assert!(
        mail_to(&outbox, "calon.dua@contoh.id")
            .iter()
            .any(|m| m.contains("DITOLAK") && m.contains("Tidak ada bukti aktif bekerja")),
    );

    // A review an officer cancelled decides nothing: the objection stays open and its review
    // is started again (once: not while one runs).
    let third = candidate(&inactive[3]).await;
    let (_, raw) = http_request(addr, "POST", "/layanan/status", &right(&third)).await;
    let token3 = token_of(&body(&raw)).unwrap();
    let (code, _) = multipart(
        addr,
        "/layanan/sanggah",
        &[
            ("token", &token3),
            ("alasan", "Mohon ditinjau."),
            ("email", "calon.tiga@contoh.id"),
        ],
        &[],
    )
    .await;
    assert_eq!(code, 200);
    let open = objection::show(&app, "SGH-2025-00003").await.unwrap().row;
    workflow::cancel(
        &app,
        open.instance_id.as_deref().unwrap(),
        &merit::service::Actor::cli(),
        "salah penelaah",
    )
    .await
    .unwrap();
    assert_eq!(
        objection::show(&app, "SGH-2025-00003")
            .await
            .unwrap()
            .row
            .status,
        "diajukan"
    );
    let again = objection::review(&app, "SGH-2025-00003", &merit::service::Actor::cli())
        .await
        .unwrap();
    assert_ne!(Some(again.as_str()), open.instance_id.as_deref());
    assert!(
        objection::review(&app, "SGH-2025-00003", &merit::service::Actor::cli())
            .await
            .is_err(),
        "not while a review runs"
    );

    // Two upheld objections racing for the last slot: the second finds it taken inside its own
    // transaction and is written as not proposed for want of a slot, never over the slots.
    let formations = store.formations().await.unwrap();
    let used: std::collections::HashMap<String, u64> = store
        .announced_per_formation(1)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let full = formations
        .iter()
        .find(|f| used.get(&f.kode_formasi).copied().unwrap_or(0) >= u64::from(f.jumlah))
        .expect("a formation the placement filled");
    let mut late_claim = store
        .announced(1, third.nik.as_str())
        .await
        .unwrap()
        .unwrap();
    late_claim.diusulkan = true;
    late_claim.kode_formasi = Some(full.kode_formasi.clone());
    late_claim.jabatan = Some(full.jabatan.clone());
    let entry = merit::service::ground::audit::stamp(
        &app,
        &merit::service::Actor::cli(),
        merit::domain::Action::SanggahSelesai,
        "sanggah:SGH-2025-00003",
        "diterima",
    )
    .await
    .unwrap();
    let said = store
        .end_objection(
            "SGH-2025-00003",
            ("diterima", "uji"),
            Some(&late_claim),
            &objection::outcome_words,
            app.clock().now_ms(),
            &entry,
        )
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(said.starts_with("tidak diusulkan"), "{said}");
    let written = store
        .announced(1, third.nik.as_str())
        .await
        .unwrap()
        .unwrap();
    assert!(!written.diusulkan);
    assert_eq!(written.kelompok.as_deref(), Some("TIDAK_ADA_KEBUTUHAN"));
    assert_eq!(
        store
            .announced_per_formation(1)
            .await
            .unwrap()
            .into_iter()
            .find(|(k, _)| *k == full.kode_formasi)
            .map(|(_, n)| n),
        used.get(&full.kode_formasi).copied(),
        "no slot over the formation"
    );

    // After the window: no form, and a token taken just before the close is refused.
    clock.set(Utc.with_ymd_and_hms(2025, 8, 13, 8, 55, 0).unwrap());
    let (_, raw) = http_request(addr, "POST", "/layanan/status", &right(&third)).await;
    let late = token_of(&body(&raw)).expect("still open at 15.55 WIB");
    clock.advance(Duration::minutes(10));
    let (_, raw) = http_request(addr, "POST", "/layanan/status", &right(&third)).await;
    assert!(token_of(&body(&raw)).is_none(), "no form after the window");
    let (code, raw) = multipart(
        addr,
        "/layanan/sanggah",
        &[
            ("token", &late),
            ("alasan", "terlambat"),
            ("email", "calon.tiga@contoh.id"),
        ],
        &[],
    )
    .await;
    assert_eq!(code, 409, "{raw}");
    assert!(
        body(&raw).contains("Masa sanggah pengumuman nomor 1"),
        "{raw}"
    );

    // Every attempt and the download audited, the NIK masked.
    let count = |aksi: &'static str| {
        let store = store.clone();
        async move {
            store
                .audit_page(
                    &merit::domain::AuditFilter {
                        aksi: Some(aksi.to_owned()),
                        ..Default::default()
                    },
                    1_000,
                )
                .await
                .unwrap()
        }
    };
    let checks = count("layanan_cek").await;
    assert_eq!(checks.len(), 24, "every status attempt");
    assert!(
        checks
            .iter()
            .all(|e| !has_full_nik(&e.objek) && !has_full_nik(&e.rincian))
    );
    assert_eq!(count("unduh_berkas_sanggah").await.len(), 1);
    assert_eq!(count("sanggah").await.len(), 3);
    assert_eq!(count("sanggah_selesai").await.len(), 3);

    // The console: operators see the objections, their files (each download audited) and
    // publish the next announcement through a confirmation page.
    let (email, password) = crate::console::OPERATOR;
    merit::service::accounts::add(
        &app,
        &merit::domain::Email::parse(email).unwrap(),
        "",
        merit::domain::Role::Operator,
        Some(merit::domain::Password::parse(password).unwrap()),
        &merit::service::Actor::cli(),
    )
    .await
    .unwrap();
    let mut o = crate::console::Client::new(addr);
    assert_eq!(o.sign_in(email, password).await.status, 303);
    let list = o.get("/admin/sanggah").await;
    assert_eq!(list.status, 200);
    let text = list.text();
    assert!(
        text.contains(receipt) && text.contains("SGH-2025-00002"),
        "{text}"
    );
    assert!(!has_full_nik(&text), "{text}");
    let detail = o.get(&format!("/admin/sanggah/{receipt}")).await.text();
    assert!(
        detail.contains("Berkas 1") && detail.contains("diterima"),
        "{detail}"
    );
    let file = o.get(&format!("/admin/sanggah/{receipt}/berkas/1")).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.body, pdf);
    assert!(
        file.header("content-disposition")
            .unwrap()
            .contains("attachment")
    );
    assert_eq!(count("unduh_berkas_sanggah").await.len(), 2);
    let csrf = o.get("/admin/pengumuman").await.csrf();
    let ask = o
        .post("/admin/pengumuman", &[("csrf", &csrf), ("hari", "5")])
        .await;
    assert!(
        ask.text().contains("Terbitkan pengumuman?"),
        "{}",
        ask.text()
    );
    assert!(
        announcement::get(&app, 2).await.is_err(),
        "nothing before the confirmation"
    );
    let done = o
        .post(
            "/admin/pengumuman",
            &[("csrf", &csrf), ("hari", "5"), ("konfirmasi", "ya")],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(announcement::get(&app, 2).await.unwrap().hari_sanggah, 5);
}

/// A candidate on a 390 px phone in headless Chromium: the announcement, their own result,
/// an objection with a file, the receipt; nothing scrolls sideways. With
/// `MERIT_SCREENSHOT_DIR`, each page is saved there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_objects_from_a_phone_in_headless_chromium() {
    if std::env::var("MERIT_BROWSER_TESTS").is_ok_and(|v| v == "0") {
        return;
    }
    let db = TestDb::new().await;
    let (app, _clock) = regency(&db, 120).await;
    announcement::publish(
        &app,
        &PublishRequest::default(),
        &merit::service::Actor::cli(),
    )
    .await
    .unwrap();
    let store = app.store_for_tests();
    let run = store.latest_finished_run(None).await.unwrap().unwrap();
    let page = store.export_page(&run.id, "", 1_000).await.unwrap();
    let nik = page
        .iter()
        .find(|r| r.decision.hasil == merit::domain::Hasil::TidakLayak)
        .unwrap()
        .decision
        .nik;
    let c = store.candidate(&nik).await.unwrap().unwrap();
    let proof = db.path("surat-keterangan.pdf");
    std::fs::write(&proof, b"%PDF-1.4\n% surat keterangan\n").unwrap();
    let addr = serve_http(&app).await;
    let site = format!("http://{addr}");
    let shots = std::env::var("MERIT_SCREENSHOT_DIR").ok();
    let receipt = tokio::task::spawn_blocking(move || {
        let b = crate::browser::Browser::open(390, 844);
        let shot = |name: &str| {
            if let Some(dir) = &shots {
                b.screenshot(&Path::new(dir).join(name));
            }
        };
        let sideways = || {
            b.script("return document.documentElement.scrollWidth > window.innerWidth + 1;")
                .as_bool()
                .unwrap_or(true)
        };
        b.go(&format!("{site}/pengumuman"));
        b.click("a[href='/pengumuman/1']");
        b.wait_for("Masa sanggah");
        assert!(!sideways(), "the announcement scrolls sideways");
        shot("pengumuman.png");
        b.click("a[href='/layanan']");
        b.wait_for("tanggal_lahir");
        b.type_into("#nik", nik.as_str());
        b.type_into(
            "#tanggal_lahir",
            &c.tanggal_lahir.format("%d-%m-%Y").to_string(),
        );
        if let Some(n) = &c.nomor_peserta {
            b.type_into("#nomor_peserta", n);
        }
        b.click("button[type=submit]");
        b.wait_for("Ajukan sanggah");
        assert!(!sideways(), "the result scrolls sideways");
        shot("hasil.png");
        b.type_into(
            "#alasan",
            "Data saya perlu diperiksa ulang; terlampir surat keterangan.",
        );
        b.type_into("#email", "calon@contoh.id");
        let input = b.find("#berkas");
        b.call(
            "POST",
            &format!("/element/{input}/value"),
            Some(serde_json::json!({ "text": proof.display().to_string() })),
        );
        b.click("form[action='/layanan/sanggah'] button[type=submit]");
        b.wait_for("tanda-terima");
        assert!(!sideways(), "the receipt scrolls sideways");
        shot("tanda-terima.png");
        b.text("#tanda-terima")
    })
    .await
    .unwrap();
    assert!(receipt.starts_with("SGH-2025-"), "{receipt}");
    let shown = objection::show(&app, &receipt).await.unwrap();
    assert_eq!(shown.files.len(), 1);
    assert_eq!(shown.files[0].jenis, "pdf");
}
