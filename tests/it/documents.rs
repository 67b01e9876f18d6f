//! The lists and documents officials sign (issue 15, documents.md): lists cross-checked on a
//! generated regency and read back with calamine; PDFs typeset with the real templates and
//! read back with `pdftotext`; a broken template refused at its line while the last good one
//! keeps serving; prompts carrying attachments, and a link when a file is too large.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use calamine::{Data, Reader, open_workbook_auto};
use merit::{
    config::Settings,
    documents::DocumentKind,
    domain::Jenjang,
    ingest::ImportKind,
    service::{
        App,
        ground::definitions,
        outbox,
        placement::{
            documents,
            lists::{self, ListKind},
            place,
        },
        workflow::{
            self, DecideRequest,
            vacancy::{self, VacancyRequest},
        },
    },
    workflow::{Answer, Channel},
};

use crate::support::{TestDb, eml_files, import_file, plain, regency, screen, write};

const CONFIG: &str = "\
instansi:
  nama: Pemerintah Kabupaten Uji Dokumen
  alamat: Jalan Merdeka Nomor 1
  kota: Martapura
umk: 3500000
pejabat:
  ppk:
    nama: H. Lanosin, S.T.
    jabatan: Bupati Uji Dokumen
  kepala_bkpsdm:
    nama: Drs. Sutikno, M.M.
    nip: \"197502022001121002\"
    pangkat: Pembina Utama Muda (IV/c)
nomor_surat:
  sptjm: \"800.1.2.3/{urut}/SPTJM/{tahun}\"
dasar_tim:
  verifikasi: Keputusan Kepala BKPSDM Nomor 800/12/BKPSDM/2026 tentang Tim Verifikasi
";

fn settings(db: &TestDb, extra: &[(&str, &str)]) -> Settings {
    let root = env!("CARGO_MANIFEST_DIR");
    let config = write(db.dir.path(), "merit.yaml", CONFIG);
    let mut vars = vec![
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
        (
            "MERIT_DOKUMEN_DIR".to_owned(),
            db.path("dokumen").display().to_string(),
        ),
    ];
    vars.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    Settings::load_from(Some(&config), vars).unwrap()
}

/// A regency of `n` candidates screened and placed, with employees for job-fill.
async fn proposal(db: &TestDb, n: u64) -> App {
    // The generator writes the directory the settings name.
    merit::generate::generate(&merit::generate::GenerateOptions {
        candidates: n,
        out: db.path("gen"),
        seed: 15,
    })
    .unwrap();
    let app = db.app_with(settings(db, &[])).await;
    regency(&app, db.dir.path(), n, 15).await;
    import_file(&app, ImportKind::Employees, &db.path("gen/employees.csv")).await;
    let run = screen(&app).await;
    place(
        &app,
        Some(&run.run_id),
        &merit::service::Actor::account("penguji", "uji"),
    )
    .await
    .unwrap();
    app
}

/// Every row of the data sheet (the last) of a workbook, by column name.
fn sheet(path: &Path) -> Vec<HashMap<String, Data>> {
    let mut book = open_workbook_auto(path).unwrap();
    let names = book.sheet_names();
    assert_eq!(names[0], "Ringkasan", "{}", path.display());
    let range = book.worksheet_range(names.last().unwrap()).unwrap();
    let mut rows = range.rows();
    // Workbook headers are words people read (`Unit kerja`); rows are keyed by the codes the
    // CSV files keep (`unit_kerja`).
    let header: Vec<String> = rows
        .next()
        .unwrap()
        .iter()
        .map(|c| {
            let words = c.to_string();
            assert!(!words.contains('_'), "a header in words: {words}");
            match words.as_str() {
                "No." => "no".to_owned(),
                "Id penyaringan" => "run_id".to_owned(),
                w => w.to_lowercase().replace(' ', "_"),
            }
        })
        .collect();
    rows.map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

fn summary_text(path: &Path) -> String {
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_range("Ringkasan").unwrap();
    range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn num(row: &HashMap<String, Data>, col: &str) -> u64 {
    match &row[col] {
        Data::Float(f) => *f as u64,
        Data::Int(i) => *i as u64,
        other => panic!("{col} is not a number: {other:?}"),
    }
}

fn text(row: &HashMap<String, Data>, col: &str) -> String {
    row[col].to_string()
}

async fn export(app: &App, kind: ListKind, dir: &Path, ext: &str) -> PathBuf {
    let path = dir.join(format!("{}.{ext}", kind.code()));
    lists::export(app, kind, None, &path, true).await.unwrap();
    path
}

#[tokio::test]
async fn lists_agree_with_each_other_and_read_back() {
    let db = TestDb::new().await;
    let app = proposal(&db, 600).await;
    let out = db.path("daftar");
    std::fs::create_dir_all(&out).unwrap();
    let placed = app
        .store_for_tests()
        .latest_placement()
        .await
        .unwrap()
        .unwrap();
    assert!(placed.ditempatkan > 100, "{placed:?}");

    let usulan = sheet(&export(&app, ListKind::Usulan, &out, "xlsx").await);
    assert_eq!(usulan.len() as u64, placed.ditempatkan);
    assert!(usulan.iter().all(|r| text(r, "nik").len() == 16));
    assert!(usulan.iter().any(|r| text(r, "sumber_anggaran") == "BOS"));
    // The columns SIASN reads: category and level in words, dates as date cells, pay as a
    // number.
    assert!(
        usulan
            .iter()
            .all(|r| !text(r, "kategori_jabatan").is_empty()
                && !text(r, "jenjang").is_empty()
                && !text(r, "jenjang").contains("atau lebih tinggi"))
    );
    assert!(
        usulan
            .iter()
            .any(|r| matches!(r.get("tanggal_lahir"), Some(Data::DateTime(_)))),
        "{:?}",
        usulan[0].get("tanggal_lahir")
    );
    assert!(
        usulan
            .iter()
            .all(|r| matches!(r.get("upah"), Some(Data::Float(_) | Data::Int(_))))
    );
    let pay: u64 = usulan.iter().map(|r| num(r, "upah")).sum();

    let rincian = sheet(&export(&app, ListKind::Rincian, &out, "xlsx").await);
    let proposed: u64 = rincian.iter().map(|r| num(r, "diusulkan")).sum();
    assert_eq!(proposed, placed.ditempatkan);
    for r in &rincian {
        assert_eq!(num(r, "sisa"), num(r, "kebutuhan") - num(r, "diusulkan"));
    }

    let rekap = sheet(&export(&app, ListKind::Rekap, &out, "xlsx").await);
    let total = rekap.last().unwrap();
    assert_eq!(text(total, "unit_kerja"), "JUMLAH");
    assert_eq!(num(total, "diusulkan"), placed.ditempatkan);
    let categories: Vec<&HashMap<String, Data>> = rekap
        .iter()
        .filter(|r| {
            ["R1", "R2", "R3", "R4", "R5", "CPNS"].contains(&text(r, "unit_kerja").as_str())
        })
        .collect();
    let units: Vec<&HashMap<String, Data>> =
        rekap[..rekap.len() - 1 - categories.len()].iter().collect();
    for col in [
        "jumlah_calon",
        "layak",
        "tidak_layak",
        "perlu_verifikasi",
        "diusulkan",
    ] {
        let by_unit: u64 = units.iter().map(|r| num(r, col)).sum();
        let by_category: u64 = categories.iter().map(|r| num(r, col)).sum();
        assert_eq!(by_unit, by_category, "{col}");
        assert_eq!(by_unit, num(total, col), "{col}");
    }
    // One basis per column: by origin (`diusulkan_dari_unit`) and by placement
    // (`diusulkan_ke_unit`), the latter unit by unit as `rincian` counts.
    let mut by_placement: HashMap<String, u64> = HashMap::new();
    for r in &rincian {
        *by_placement.entry(text(r, "unit_kerja")).or_default() += num(r, "diusulkan");
    }
    for r in &units {
        assert_eq!(num(r, "diusulkan_dari_unit"), num(r, "diusulkan"), "{r:?}");
        assert_eq!(
            num(r, "diusulkan_ke_unit"),
            by_placement
                .get(&text(r, "unit_kerja"))
                .copied()
                .unwrap_or(0),
            "{r:?}"
        );
    }
    let into_units: u64 = units.iter().map(|r| num(r, "diusulkan_ke_unit")).sum();
    assert_eq!(into_units, placed.ditempatkan);
    assert!(
        units
            .iter()
            .any(|r| num(r, "diusulkan_ke_unit") != num(r, "diusulkan_dari_unit")),
        "the two bases differ somewhere in a generated regency"
    );

    let anggaran_path = export(&app, ListKind::Anggaran, &out, "xlsx").await;
    let anggaran = sheet(&anggaran_path);
    let total = anggaran.last().unwrap();
    assert_eq!(num(total, "jumlah_orang"), placed.ditempatkan);
    assert_eq!(num(total, "upah_per_bulan"), pay);
    assert_eq!(num(total, "upah_per_tahun"), pay * 12);
    assert!(
        num(total, "di_bawah_umk") > 0,
        "BOS teachers are paid below the UMK"
    );
    let summary = summary_text(&anggaran_path);
    assert!(
        summary.contains("Pemerintah Kabupaten Uji Dokumen"),
        "{summary}"
    );
    // The placement named by when it was made, not by its id.
    assert!(!summary.contains(&placed.id), "{summary}");
    assert!(
        summary.contains("Penempatan 11 Agustus 2025 pukul 09.00"),
        "{summary}"
    );
    assert!(summary.contains("Rp3.500.000"), "{summary}");

    let unproposed = sheet(&export(&app, ListKind::TidakDiusulkan, &out, "xlsx").await);
    let run = app
        .store_for_tests()
        .run(&placed.run_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        unproposed.len() as u64 + placed.ditempatkan,
        run.hasil.total
    );
    let codes = [
        "tidak_aktif",
        "anggaran",
        "tidak_ada_kebutuhan",
        "meninggal",
        "mengundurkan_diri",
        "lainnya",
    ];
    assert!(
        unproposed
            .iter()
            .all(|r| codes.contains(&text(r, "alasan_tidak_diusulkan").as_str()))
    );
    for r in &unproposed {
        let reason = text(r, "alasan_tidak_diusulkan");
        if text(r, "hasil") == "layak" {
            assert_eq!(reason, "tidak_ada_kebutuhan", "{r:?}");
        }
        // Reasons in words, by the rule's title, never its id.
        assert!(!text(r, "keterangan").contains("PW-"), "{r:?}");
        let group = text(r, "kelompok");
        match text(r, "hasil").as_str() {
            "tidak_layak" => assert!(
                ["TMS", "APS", "ANGGARAN"].contains(&group.as_str()),
                "{r:?}"
            ),
            "layak" => assert_eq!(group, "TIDAK_ADA_KEBUTUHAN", "{r:?}"),
            _ => assert!(
                ["LAINNYA", "APS", "ANGGARAN"].contains(&group.as_str()),
                "{r:?}"
            ),
        }
        if reason == "tidak_aktif" {
            assert_eq!(group, "TMS", "{r:?}");
        }
        assert!(r.contains_key("nomor_peserta"));
    }
    assert!(unproposed.iter().any(|r| text(r, "kelompok") == "TMS"));
    assert!(
        unproposed
            .iter()
            .any(|r| text(r, "alasan_tidak_diusulkan") == "tidak_aktif")
    );

    // CSV: the same rows, with a BOM.
    let csv = std::fs::read_to_string(export(&app, ListKind::Usulan, &out, "csv").await).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count() as u64, placed.ditempatkan + 1);

    // No job-fill yet: the list is empty but well formed, and the TPK minutes say what is
    // missing.
    let vacancies = sheet(&export(&app, ListKind::RekapPengisian, &out, "xlsx").await);
    assert!(vacancies.is_empty());
    let tpk = out.join("ba-tpk.pdf");
    let e = documents::write(&app, DocumentKind::BeritaAcaraTpk, None, None, &tpk)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("belum ada lowongan"), "{e}");
    assert!(!tpk.exists());

    // A refused or failed export leaves the file that was there, and nothing half-written.
    let kept = write(&out, "lama.xlsx", "versi lama");
    let e = lists::export(&app, ListKind::Usulan, Some("tidak-ada"), &kept, true)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("tidak-ada"), "{e}");
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "versi lama");
    let missing = out.join("tidak-ada").join("usulan.xlsx");
    let e = lists::export(&app, ListKind::Usulan, None, &missing, true)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("tidak-ada/usulan.xlsx") && !e.contains("sebagian"),
        "{e}"
    );
    let e = documents::write(
        &app,
        DocumentKind::Sptjm,
        None,
        None,
        &out.join("sptjm.xlsx"),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("bukan berkas .pdf"), "{e}");
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains("sebagian"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn formula_like_text_is_neutralised_in_every_csv_list() {
    let db = TestDb::new().await;
    let app = db.app_with(settings(&db, &[])).await;
    write(
        db.dir.path(),
        "formasi.csv",
        "kode_formasi,unit_kerja,nama_unit,kategori_jabatan,jabatan,pendidikan_minimal,jurusan,jumlah,upah,sumber_anggaran\n\
         K01,U10,=HYPERLINK(\"x\"),tenaga_teknis,Pengelola Data,SMA,,1,,\n",
    );
    import_file(&app, ImportKind::Formations, &db.path("formasi.csv")).await;
    let row = |nik: &str, name: &str, born: &str| {
        format!(
            "{nik},{name},{born},L,OKU Timur,SMA,IPA,R3,ya,cpns,tidak_lulus,ya,70.5,tidak,ya,2012-03-01,U10,tenaga_teknis,Pengelola Data,1750000,,,081234567890,PN-1,"
        )
    };
    let header = format!(
        "{},alasan_tidak_diusulkan",
        crate::support::CANDIDATE_HEADER
    );
    write(
        db.dir.path(),
        "calon.csv",
        &format!(
            "{header}\n{}\n{}\n",
            row("1609021001850001", "\"=SUM(A1:A9)\"", "1985-01-10"),
            row("1609021205900001", "+CMD", "1990-05-12"),
        ),
    );
    import_file(&app, ImportKind::Candidates, &db.path("calon.csv")).await;
    let run = screen(&app).await;
    assert_eq!(run.layak, 2);
    place(
        &app,
        Some(&run.run_id),
        &merit::service::Actor::account("penguji", "uji"),
    )
    .await
    .unwrap();
    let out = db.path("csv");
    std::fs::create_dir_all(&out).unwrap();
    for kind in [
        ListKind::Usulan,
        ListKind::TidakDiusulkan,
        ListKind::Rincian,
        ListKind::Anggaran,
        ListKind::Rekap,
    ] {
        let text = std::fs::read_to_string(export(&app, kind, &out, "csv").await).unwrap();
        for field in text.lines().flat_map(|l| l.split(',')) {
            let f = field.trim_matches('"');
            assert!(
                !f.starts_with('=') && !f.starts_with('+') && !f.starts_with('@'),
                "{}: {field}",
                kind.code()
            );
        }
        let formula =
            text.contains("'=SUM") || text.contains("'+CMD") || text.contains("'=HYPERLINK");
        assert!(formula, "{}: {text}", kind.code());
    }
    // The XLSX holds the text as text (a spreadsheet never runs a string cell).
    let usulan = sheet(&export(&app, ListKind::Usulan, &out, "xlsx").await);
    assert_eq!(text(&usulan[0], "nama"), "=SUM(A1:A9)");
    assert_eq!(text(&usulan[0], "nomor_peserta"), "PN-1");
    // The one left without a slot is `tidak_ada_kebutuhan`; an agency's own code wins.
    let unproposed = sheet(&export(&app, ListKind::TidakDiusulkan, &out, "xlsx").await);
    assert_eq!(
        text(&unproposed[0], "alasan_tidak_diusulkan"),
        "tidak_ada_kebutuhan"
    );
    write(
        db.dir.path(),
        "calon2.csv",
        &format!(
            "{header}\n{}\n",
            row("1609021205900001", "+CMD", "1990-05-12").replace(",PN-1,", ",PN-1,anggaran")
        ),
    );
    import_file(&app, ImportKind::Candidates, &db.path("calon2.csv")).await;
    let unproposed = sheet(&export(&app, ListKind::TidakDiusulkan, &out, "xlsx").await);
    assert_eq!(text(&unproposed[0], "alasan_tidak_diusulkan"), "anggaran");
}

pub fn pdf_text(path: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", &path.display().to_string(), "-"])
        .output()
        .expect("pdftotext (Debian poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn decide(app: &App, inst: &str, step: &str, who: &str) -> impl std::future::Future<Output = ()> {
    let req = DecideRequest {
        instance: inst.to_owned(),
        langkah: step.to_owned(),
        orang: who.to_owned(),
        jawaban: Answer::Setuju,
        komentar: Some(format!("catatan {who}")),
        saluran: Channel::Tautan,
        dicatat_oleh: None,
        kunjungan: None,
    };
    let app = app.clone();
    async move {
        workflow::decide(&app, &req).await.unwrap();
    }
}

fn eml_to(dir: &Path, address: &str) -> Vec<String> {
    eml_files(dir)
        .into_iter()
        .filter(|e| e.contains(&format!("To: {address}")) || e.contains(&format!("<{address}>")))
        .collect()
}

#[tokio::test]
async fn documents_prompts_and_templates() {
    let db = TestDb::new().await;
    let app = proposal(&db, 400).await;
    let placed = app
        .store_for_tests()
        .latest_placement()
        .await
        .unwrap()
        .unwrap();
    let inst = workflow::start(
        &app,
        "usulan_pppk_paruh_waktu",
        None,
        &merit::service::Actor::account("kepala_bkpsdm", "uji"),
        None,
    )
    .await
    .unwrap();
    decide(&app, &inst, "verifikasi", "verifikator_1").await;
    decide(&app, &inst, "persetujuan_bkpsdm", "kepala_bkpsdm").await;
    outbox::flush(&app).await.unwrap();
    let mail = db.path("outbox");

    // BPKAD: the budget in the body and the `anggaran` list attached.
    let bpkad = eml_to(&mail, "kepala@bpkad.contoh.go.id");
    assert_eq!(bpkad.len(), 1);
    assert!(bpkad[0].contains("multipart/mixed"), "{}", &bpkad[0][..400]);
    assert!(bpkad[0].contains("filename=\"anggaran.xlsx\""));
    let body = plain(&bpkad[0]);
    assert!(body.contains("Anggaran upah:"), "{body}");
    assert!(body.contains("Terlampir: anggaran.xlsx"), "{body}");

    // The documents, read back as text.
    let out = db.path("pdf");
    std::fs::create_dir_all(&out).unwrap();
    let mut texts = HashMap::new();
    for kind in [
        DocumentKind::SuratUsulan,
        DocumentKind::Sptjm,
        DocumentKind::Rekap,
        DocumentKind::BeritaAcaraVerifikasi,
    ] {
        let path = out.join(format!("{}.pdf", kind.code()));
        let report = documents::write(&app, kind, Some(&inst), None, &path)
            .await
            .unwrap();
        assert!(report.ukuran > 10_000, "{report:?}");
        assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF"));
        texts.insert(kind, pdf_text(&path));
    }
    let count = merit::domain::format_number_id(placed.ditempatkan as i64);
    let src = lists::proposal_source(&app, None).await.unwrap();
    let budget = lists::anggaran(&app, &src).await.unwrap();
    let per_year = merit::domain::format_rupiah(budget.jumlah.upah_per_tahun);
    for (kind, t) in &texts {
        // What the head of the region signs bears the office's letterhead (documents.md 4).
        let head = if kind.signed_by_head() {
            "BUPATI UJI DOKUMEN"
        } else {
            "PEMERINTAH KABUPATEN UJI DOKUMEN"
        };
        assert!(t.contains(head), "{kind:?}: {t}");
        assert!(t.contains("Halaman 1 dari"), "{kind:?}");
    }
    // Drafts until their step is approved: the letter, the statement and the recap wait for
    // the PPK and BPKAD; the verification minutes are final, numbered from the register.
    for kind in [
        DocumentKind::SuratUsulan,
        DocumentKind::Sptjm,
        DocumentKind::Rekap,
    ] {
        assert!(
            texts[&kind].contains("KONSEP"),
            "{kind:?}: {}",
            texts[&kind]
        );
    }
    let surat = &texts[&DocumentKind::SuratUsulan];
    assert!(
        surat.contains(&format!("{count} orang")) || surat.contains(&format!("{count} (")),
        "{surat}"
    );
    assert!(surat.contains(&per_year), "{per_year}: {surat}");
    assert!(surat.contains("H. Lanosin, S.T."));
    assert!(surat.contains("B/3832/M.SM.01.00/2025"), "{surat}");
    assert!(surat.contains("Nomor 16 Tahun 2025"), "{surat}");
    assert!(
        surat.contains("Surat Pernyataan Tanggung Jawab Mutlak")
            && surat.contains("Daftar nominatif"),
        "{surat}"
    );
    assert!(surat.contains("Tembusan"), "{surat}");
    assert!(
        surat.contains("LAMPIRAN SURAT BUPATI UJI DOKUMEN"),
        "{surat}"
    );
    assert!(!surat.contains("atau lebih tinggi"), "{surat}");
    assert!(!surat.contains("NIP"), "a Bupati has no NIP line: {surat}");
    let sptjm = &texts[&DocumentKind::Sptjm];
    assert!(sptjm.contains("TANGGUNG JAWAB MUTLAK") && sptjm.contains(&per_year));
    assert!(sptjm.contains("benar-benar bekerja"), "{sptjm}");
    assert!(sptjm.contains("dapat dibatalkan"), "{sptjm}");
    assert!(sptjm.contains("Meterai"), "{sptjm}");
    assert!(
        !sptjm.contains(&src.run.versi) && !sptjm.contains(&src.run.id),
        "no software version or fingerprint: {sptjm}"
    );
    let ba = &texts[&DocumentKind::BeritaAcaraVerifikasi];
    assert!(!ba.contains("KONSEP"), "{ba}");
    assert!(ba.contains("Nomor: 800.1.2.2/1/BKPSDM/"), "{ba}");
    assert!(
        ba.contains("bulan") && ba.contains("tahun dua ribu"),
        "{ba}"
    );
    assert!(ba.contains("Tim Verifikasi"), "{ba}");
    assert!(ba.contains("Mengetahui"), "{ba}");
    assert!(
        ba.contains("Drs. Sutikno, M.M.") && ba.contains("NIP 19750202 200112 1 002"),
        "a signed original shows the signer's NIP in full: {ba}"
    );
    assert!(ba.contains("Pembina Utama Muda (IV/c)"), "{ba}");
    assert!(ba.contains("catatan verifikator_1"), "{ba}");
    assert!(ba.contains("800/12/BKPSDM/2026"), "{ba}");
    assert!(texts[&DocumentKind::Rekap].contains(&count));
    // The final minutes are the same bytes on every later draw.
    let again = out.join("ba-lagi.pdf");
    documents::write(
        &app,
        DocumentKind::BeritaAcaraVerifikasi,
        Some(&inst),
        None,
        &again,
    )
    .await
    .unwrap();
    assert_eq!(
        std::fs::read(&again).unwrap(),
        std::fs::read(out.join("berita-acara-verifikasi.pdf")).unwrap()
    );

    // The Sekda's prompt with no room for attachments: a link instead.
    let small = db
        .app_with(settings(&db, &[("MERIT_LAMPIRAN_MAKS", "0")]))
        .await;
    decide(&small, &inst, "anggaran", "kepala_bpkad").await;
    outbox::flush(&small).await.unwrap();
    let sekda = eml_to(&mail, "sekda@setda.contoh.go.id");
    let prompt = sekda.iter().find(|e| e.contains("[MERIT-")).unwrap();
    assert!(!prompt.contains("multipart/mixed"));
    let body = plain(prompt);
    assert!(
        body.contains("rekap.xlsx") && body.contains("terlalu besar"),
        "{body}"
    );
    assert!(body.contains("/rincian"), "{body}");
    // The PPK's prompt carries the rekap, the draft letter and the SPTJM.
    decide(&app, &inst, "sekda", "sekda").await;
    outbox::flush(&app).await.unwrap();
    let ppk = eml_to(&mail, "bupati@contoh.go.id");
    let prompt = ppk.iter().find(|e| e.contains("[MERIT-")).unwrap();
    for f in ["rekap.xlsx", "surat-usulan.pdf", "sptjm.pdf"] {
        assert!(prompt.contains(&format!("filename=\"{f}\"")), "{f}");
    }
    // Approved: the final `usulan` to Kepala BKPSDM and the SIASN operators.
    // The decrees wait for the PPK's approval, and say so.
    let decrees = db.path("sk");
    let e = merit::service::placement::decrees::write(&app, Some(&inst), &decrees)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("belum disetujui PPK"), "{e}");
    decide(&app, &inst, "ppk", "bupati").await;
    // Approved: one decree and agreement per proposed person, numbered without gaps, and a ZIP.
    let r = merit::service::placement::decrees::write(&app, Some(&inst), &decrees)
        .await
        .unwrap();
    assert_eq!(r.berkas, placed.ditempatkan);
    let pdfs: Vec<PathBuf> = std::fs::read_dir(&decrees)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    assert_eq!(pdfs.len() as u64, placed.ditempatkan);
    let zip = zip::ZipArchive::new(std::fs::File::open(&r.zip).unwrap()).unwrap();
    assert_eq!(zip.len() as u64, placed.ditempatkan);
    // The decrees share the default pattern's series with the letters numbered before them:
    // consecutive numbers, none printed twice.
    let urut = |n: &str| n.split('/').nth(1).unwrap().parse::<u64>().unwrap();
    assert!(
        r.nomor_pertama.starts_with("800.1.2.2/"),
        "{}",
        r.nomor_pertama
    );
    assert_eq!(
        urut(&r.nomor_terakhir) - urut(&r.nomor_pertama) + 1,
        placed.ditempatkan
    );
    let ba_number = texts[&DocumentKind::BeritaAcaraVerifikasi]
        .lines()
        .find_map(|l| l.trim().strip_prefix("Nomor: "))
        .unwrap()
        .to_owned();
    assert!(urut(&ba_number) < urut(&r.nomor_pertama), "{ba_number}");
    let one = pdf_text(&pdfs[0]);
    for needed in [
        "KEPUTUSAN BUPATI UJI DOKUMEN",
        "PERJANJIAN KERJA",
        "PK-BKPSDM",
        "per bulan",
        "Masa perjanjian",
        "H. Lanosin, S.T.",
    ] {
        assert!(one.contains(needed), "{needed}: {one}");
    }
    assert!(!one.contains("KONSEP"), "{one}");
    // Drawn again: the same numbers.
    let again = merit::service::placement::decrees::write(&app, Some(&inst), &decrees)
        .await
        .unwrap();
    assert_eq!(
        (again.nomor_pertama, again.nomor_terakhir),
        (r.nomor_pertama.clone(), r.nomor_terakhir.clone())
    );
    outbox::flush(&app).await.unwrap();
    let siasn = eml_to(&mail, "siasn1@bkpsdm.contoh.go.id");
    assert!(siasn.iter().any(|e| e.contains("filename=\"usulan.xlsx\"")));

    // Job-fill: the TPK prompt carries the shortlist; the minutes name the vacancy.
    let unit = app.store_for_tests().employees().await.unwrap()[0]
        .unit_kerja
        .clone();
    let v = vacancy::open(
        &app,
        &VacancyRequest {
            jenjang: Jenjang::Administrator,
            unit,
            jabatan: "Kepala Bagian Umum".into(),
            alasan: merit::domain::AlasanLowongan::Pensiun,
            tanggal: None,
        },
        &merit::service::Actor::account("penguji", "uji"),
    )
    .await
    .unwrap();
    let vinst = v.instance_id.clone().unwrap();
    // rekap-pengisian names the vacancy, its unit and the shortlisted people in words.
    let filled = sheet(&export(&app, ListKind::RekapPengisian, &out, "xlsx").await);
    let row = &filled[0];
    assert!(
        text(row, "lowongan").starts_with("Kepala Bagian Umum pada ")
            && text(row, "lowongan").contains("pensiun"),
        "{row:?}"
    );
    assert!(!text(row, "lowongan").contains(&v.lowongan_id), "{row:?}");
    assert!(text(row, "daftar_pendek").starts_with("1. "), "{row:?}");
    assert!(row.contains_key("nama_unit"));
    // A proposal's document asked of the vacancy's workflow is refused, not made from another.
    let e = documents::write(
        &app,
        DocumentKind::SuratUsulan,
        Some(&vinst),
        None,
        &out.join("x.pdf"),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("bukan tentang usulan"), "{e}");
    decide(&app, &vinst, "verifikasi", "verifikator_1").await;
    outbox::flush(&app).await.unwrap();
    let tpk = eml_to(&mail, "inspektur@inspektorat.contoh.go.id");
    assert!(
        tpk.iter()
            .any(|e| e.contains("filename=\"daftar-pendek.xlsx\""))
    );
    decide(&app, &vinst, "tpk", "inspektur").await;
    // A member with a conflict of interest abstains, with the reason; it is not counted.
    workflow::decide(
        &app,
        &DecideRequest {
            instance: vinst.clone(),
            langkah: "tpk".into(),
            orang: "asisten_1".into(),
            jawaban: Answer::Abstain,
            komentar: Some("benturan kepentingan: ipar salah satu calon".into()),
            saluran: Channel::Tautan,
            dicatat_oleh: None,
            kunjungan: None,
        },
    )
    .await
    .unwrap();
    let view = workflow::show(&app, &vinst).await.unwrap();
    assert_eq!(
        view.langkah_aktif.as_deref(),
        Some("tpk"),
        "one agreement of the three who do not abstain is no majority"
    );
    let path = out.join("berita-acara-tpk.pdf");
    documents::write(
        &app,
        DocumentKind::BeritaAcaraTpk,
        Some(&vinst),
        None,
        &path,
    )
    .await
    .unwrap();
    let t = pdf_text(&path);
    assert!(
        t.contains("Kepala Bagian Umum") && t.contains("lebih dari separuh anggota TPK"),
        "{t}"
    );
    assert!(
        t.contains("Hakim") && t.contains("Abstain") && t.contains("ipar"),
        "the abstention and its reason: {t}"
    );
    assert!(t.contains("KONSEP"), "the TPK step is still open: {t}");
    assert!(
        t.contains("Rahmawati") && t.contains("catatan inspektur"),
        "{t}"
    );
    let first = merit::domain::Nip::parse(&v.shortlist[0]).unwrap();
    assert!(
        !t.contains(&first.spaced()) && !t.contains(first.as_str()),
        "a draft in circulation keeps the shortlisted NIPs masked: {t}"
    );
    // The second agreement is the majority: the minutes become the numbered original, which
    // names the shortlisted employees by their full NIP.
    decide(&app, &vinst, "tpk", "sekda").await;
    let view = workflow::show(&app, &vinst).await.unwrap();
    assert_ne!(view.langkah_aktif.as_deref(), Some("tpk"));
    let path = out.join("berita-acara-tpk-final.pdf");
    documents::write(
        &app,
        DocumentKind::BeritaAcaraTpk,
        Some(&vinst),
        None,
        &path,
    )
    .await
    .unwrap();
    let t = pdf_text(&path);
    assert!(!t.contains("KONSEP"), "{t}");
    assert!(t.contains(&first.spaced()), "{t}");

    // A broken template is refused at its line; the last good one keeps serving.
    let folder = db.path("dokumen");
    std::fs::create_dir_all(&folder).unwrap();
    for (rel, text) in merit::sources::builtin_files() {
        if let Some(name) = rel.strip_prefix("dokumen/") {
            std::fs::write(folder.join(name), text).unwrap();
        }
    }
    let good = definitions::refresh(&app).await.unwrap();
    assert!(
        good.documents_refused.is_none(),
        "{:?}",
        good.documents_refused
    );
    let sptjm = folder.join("sptjm.typ");
    let text = std::fs::read_to_string(&sptjm).unwrap();
    std::fs::write(
        &sptjm,
        text.replacen(
            "Yang bertanda tangan",
            "#tidak_ada_fungsi() Yang bertanda tangan",
            1,
        ),
    )
    .unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("Yang bertanda tangan"))
        .unwrap()
        + 1;
    let refused = definitions::refresh(&app)
        .await
        .unwrap()
        .documents_refused
        .unwrap();
    let shown = refused.to_string();
    assert!(shown.contains(&format!("sptjm.typ:{line}:")), "{shown}");
    let path = out.join("sptjm-lagi.pdf");
    documents::write(&app, DocumentKind::Sptjm, Some(&inst), None, &path)
        .await
        .unwrap();
    assert!(pdf_text(&path).contains("Yang bertanda tangan"));
}

/// The register (documents.md 4): two processes drawing the final statements of several
/// approved proposals at once hand out each number of the kind and year exactly once, without
/// gaps; a proposal keeps its number and its bytes; a draft takes none; minutes nobody has
/// answered are refused in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_numbers_run_without_gaps_across_two_processes() {
    let db = TestDb::new().await;
    let app = proposal(&db, 120).await;
    let other = db.app_with(settings(&db, &[])).await;
    let kaban = merit::service::Actor::account("kepala_bkpsdm", "uji");
    let out = db.path("pdf");
    std::fs::create_dir_all(&out).unwrap();
    let first = workflow::start(&app, "usulan_pppk_paruh_waktu", None, &kaban, None)
        .await
        .unwrap();
    let e = documents::write(
        &app,
        DocumentKind::BeritaAcaraVerifikasi,
        Some(&first),
        None,
        &out.join("ba.pdf"),
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("belum ada verifikator yang memberikan keputusan"),
        "{e}"
    );
    assert!(!out.join("ba.pdf").exists());
    let mut instances = vec![first];
    for _ in 0..3 {
        instances.push(
            workflow::start(&app, "usulan_pppk_paruh_waktu", None, &kaban, None)
                .await
                .unwrap(),
        );
    }
    // A draft before the BPKAD step is approved: no number taken.
    let draft = out.join("draft.pdf");
    documents::write(&app, DocumentKind::Sptjm, Some(&instances[0]), None, &draft)
        .await
        .unwrap();
    assert!(pdf_text(&draft).contains("KONSEP"));
    for inst in &instances {
        decide(&app, inst, "verifikasi", "verifikator_1").await;
        decide(&app, inst, "persetujuan_bkpsdm", "kepala_bkpsdm").await;
        decide(&app, inst, "anggaran", "kepala_bpkad").await;
    }
    let mut tasks = Vec::new();
    for (i, inst) in instances.iter().enumerate() {
        for (p, process) in [&app, &other].into_iter().enumerate() {
            let (process, inst) = (process.clone(), inst.clone());
            let path = out.join(format!("sptjm-{i}-{p}.pdf"));
            tasks.push(tokio::spawn(async move {
                documents::write(&process, DocumentKind::Sptjm, Some(&inst), None, &path)
                    .await
                    .unwrap();
                path
            }));
        }
    }
    let mut paths = Vec::new();
    for t in tasks {
        paths.push(t.await.unwrap());
    }
    let mut numbers = Vec::new();
    for (i, inst) in instances.iter().enumerate() {
        let row = app
            .store_for_tests()
            .document_number("sptjm", inst)
            .await
            .unwrap()
            .expect("a number");
        numbers.push(row.urut);
        assert_eq!(
            row.nomor,
            format!("800.1.2.3/{}/SPTJM/{}", row.urut, row.tahun)
        );
        let a = std::fs::read(&paths[2 * i]).unwrap();
        let b = std::fs::read(&paths[2 * i + 1]).unwrap();
        assert_eq!(a, b, "both processes return the one final of proposal {i}");
        let t = pdf_text(&paths[2 * i]);
        assert!(t.contains(&row.nomor) && !t.contains("KONSEP"), "{t}");
    }
    numbers.sort_unstable();
    assert_eq!(numbers, vec![1, 2, 3, 4]);
    // Sent back after its final was drawn (the Sekda returns the proposal to the BPKAD): a
    // draft again, and approved anew, a new final under the next number; the first number stays
    // given out and is never printed again.
    let returned = DecideRequest {
        instance: instances[0].clone(),
        langkah: "sekda".into(),
        orang: "sekda".into(),
        jawaban: Answer::Kembalikan,
        komentar: Some("anggaran BOS perlu diperiksa ulang".into()),
        saluran: Channel::Tautan,
        dicatat_oleh: None,
        kunjungan: None,
    };
    workflow::decide(&app, &returned).await.unwrap();
    let view = workflow::show(&app, &instances[0]).await.unwrap();
    assert_eq!(view.langkah_aktif.as_deref(), Some("anggaran"));
    let redo = out.join("sptjm-lagi.pdf");
    documents::write(&app, DocumentKind::Sptjm, Some(&instances[0]), None, &redo)
        .await
        .unwrap();
    assert!(
        pdf_text(&redo).contains("KONSEP"),
        "reopened: a draft again"
    );
    decide(&app, &instances[0], "anggaran", "kepala_bpkad").await;
    documents::write(&app, DocumentKind::Sptjm, Some(&instances[0]), None, &redo)
        .await
        .unwrap();
    let t = pdf_text(&redo);
    let year = app
        .store_for_tests()
        .document_number("sptjm", &instances[0])
        .await
        .unwrap()
        .unwrap()
        .tahun;
    assert!(
        t.contains(&format!("800.1.2.3/5/SPTJM/{year}")) && !t.contains("KONSEP"),
        "{t}"
    );
    let audited = app
        .store_for_tests()
        .audit_page(
            &merit::domain::AuditFilter {
                aksi: Some(merit::domain::Action::NomorDokumen.code().to_owned()),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap();
    assert_eq!(audited.len(), 5, "{audited:?}");
}
