//! `merit import` over real files of every accepted shape, bad rows and bad files.

use merit::{
    domain::{HukumanDisiplin, Jenjang, KotakTalenta, Nik, Nip, Pendidikan},
    ingest::{FieldError, FileError, ImportKind},
    service::{ImportOptions, ImportReport, Invalid, ServiceError, import},
};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::support::{CANDIDATE_HEADER, TestDb, candidate_row, write};

fn opts(kind: ImportKind, path: std::path::PathBuf, skip_invalid: bool) -> ImportOptions {
    ImportOptions {
        kind,
        path,
        skip_invalid,
        izinkan_di_bawah_katalog: false,
        sheet: None,
        berkas: None,
        actor: merit::service::Actor::account("penguji", "uji"),
        progress: None,
    }
}

async fn run(
    app: &merit::service::App,
    o: ImportOptions,
) -> (Result<ImportReport, ServiceError>, Vec<FieldError>) {
    let mut seen = Vec::new();
    let r = import(app, &o, |e| seen.push(e.clone())).await;
    (r, seen)
}

fn nik(s: &str) -> Nik {
    Nik::parse(s).unwrap()
}

#[tokio::test]
async fn comma_utf8_csv_round_trips() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let text = format!(
        "{CANDIDATE_HEADER}\n{}\n{}\n",
        candidate_row("1609022304870001", "BUDI SANTOSO", "1987-04-23", "L"),
        candidate_row("1609025506920002", "DEWI LESTARI", "1992-06-15", "P"),
    );
    let path = write(db.dir.path(), "calon.csv", &text);
    let (r, errors) = run(&app, opts(ImportKind::Candidates, path, false)).await;
    let r = r.unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(r.disimpan);
    assert_eq!((r.baris, r.diimpor, r.ditolak), (2, 2, 0));
    assert_eq!(r.format, "CSV, pemisah koma, UTF-8");
    let c = app
        .store_for_tests()
        .candidate(&nik("1609025506920002"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.nama, "DEWI LESTARI");
    assert_eq!(c.tanggal_lahir.to_string(), "1992-06-15");
    assert_eq!(c.gaji_terakhir, 1_750_000);
    assert_eq!(c.nilai_seleksi, Some(70.5));
    assert!(c.ikut_semua_tahap && c.aktif_bekerja && !c.ppg);
    assert_eq!(app.store_for_tests().counts().await.unwrap().calon, 2);
}

#[tokio::test]
async fn windows_1252_semicolon_file_with_curly_apostrophe() {
    let db = TestDb::new().await;
    let app = db.app().await;
    // As Excel saves "CSV (dipisahkan titik koma)" in an Indonesian locale: Windows-1252,
    // semicolons, DD/MM/YYYY dates, y/t booleans, SMK for SMA, and a curly apostrophe (0x92).
    let mut bytes = b"NIK;Nama;Tanggal Lahir;Jenis Kelamin;Pendidikan;Kategori Pelamar;Terdata BKN;Seleksi 2024;Hasil Seleksi 2024;Aktif Bekerja;TMT Kerja;Unit Kerja;Gaji Terakhir\r\n".to_vec();
    bytes.extend_from_slice(b"1609024212940004;NUR\x92AINI;02/12/1994;P;SMK;R3;y;cpns;tidak_lulus;y;05-01-2015;U11;Rp 1.300.000\r\n");
    bytes.extend_from_slice(b"1609020101990003;RAHMAT HIDAYAT;01/01/1999;L;D-III;R4;t;pppk_tahap_2;tidak_dapat_formasi;ya;01/02/2021;U10;1500000\r\n");
    let path = db.path("calon-excel.csv");
    std::fs::write(&path, bytes).unwrap();
    let (r, errors) = run(&app, opts(ImportKind::Candidates, path, false)).await;
    let r = r.unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(r.diimpor, 2);
    assert_eq!(r.format, "CSV, pemisah titik koma, Windows-1252");
    let c = app
        .store_for_tests()
        .candidate(&nik("1609024212940004"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.nama, "NUR\u{2019}AINI");
    assert_eq!(c.pendidikan, Pendidikan::Sma);
    assert_eq!(c.gaji_terakhir, 1_300_000);
    assert_eq!(c.tanggal_lahir.to_string(), "1994-12-02");
    let r4 = app
        .store_for_tests()
        .candidate(&nik("1609020101990003"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r4.pendidikan, Pendidikan::D3);
    assert!(!r4.terdata_bkn);
    assert_eq!(r4.tmt_kerja.to_string(), "2021-02-01");
}

#[tokio::test]
async fn utf8_bom_header_variants_and_unknown_columns() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let text = "\u{feff}NIK, Nama ,TANGGAL_LAHIR,jenis kelamin,pendidikan,kategori_pelamar,terdata_bkn,seleksi_2024,hasil_seleksi_2024,aktif_bekerja,tmt_kerja,unit_kerja,gaji_terakhir,Catatan OPD\n\
        1609022304870001,BUDI,1987-04-23,L,S1,R3,ya,cpns,tidak_lulus,ya,2012-03-01,U10,1750000,sudah diverifikasi\n";
    let path = write(db.dir.path(), "bom.csv", text);
    let (r, _) = run(&app, opts(ImportKind::Candidates, path, false)).await;
    let r = r.unwrap();
    assert_eq!(r.diimpor, 1);
    assert_eq!(r.format, "CSV, pemisah koma, UTF-8 (BOM)");
    assert_eq!(r.kolom_diabaikan, vec!["Catatan OPD".to_owned()]);
}

/// Writes an XLSX with rust_xlsxwriter (not the library that reads it), with identifiers typed
/// as numbers and real date cells, as an operator would produce in Excel.
fn candidates_xlsx(path: &std::path::Path, sheet_name: &str) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = book.add_worksheet();
    sheet.set_name("Ringkasan").unwrap();
    sheet.write_string(0, 0, "lembar ini bukan data").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).unwrap();
    let header = [
        "nik",
        "nama",
        "tanggal_lahir",
        "jenis_kelamin",
        "pendidikan",
        "kategori_pelamar",
        "terdata_bkn",
        "seleksi_2024",
        "hasil_seleksi_2024",
        "aktif_bekerja",
        "tmt_kerja",
        "unit_kerja",
        "gaji_terakhir",
        "nilai_seleksi",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        (1_609_022_304_870_001f64, "BUDI SANTOSO", (1987, 4, 23), "L"),
        (1_609_025_506_920_002f64, "DEWI LESTARI", (1992, 6, 15), "P"),
    ];
    for (i, (nik, nama, (y, m, d), jk)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_number(r, 0, *nik).unwrap();
        sheet.write_string(r, 1, *nama).unwrap();
        sheet
            .write_datetime_with_format(r, 2, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date)
            .unwrap();
        sheet.write_string(r, 3, *jk).unwrap();
        sheet.write_string(r, 4, "SMA").unwrap();
        sheet.write_string(r, 5, "R3").unwrap();
        sheet.write_boolean(r, 6, true).unwrap();
        sheet.write_string(r, 7, "cpns").unwrap();
        sheet.write_string(r, 8, "tidak_lulus").unwrap();
        sheet.write_string(r, 9, "ya").unwrap();
        sheet
            .write_datetime_with_format(r, 10, ExcelDateTime::from_ymd(2012, 3, 1).unwrap(), &date)
            .unwrap();
        sheet.write_string(r, 11, "U10").unwrap();
        sheet.write_number(r, 12, 1_750_000.0).unwrap();
        sheet.write_number(r, 13, 81.25).unwrap();
    }
    book.save(path).unwrap();
}

#[tokio::test]
async fn xlsx_with_numeric_niks_and_date_cells() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let path = db.path("calon.xlsx");
    candidates_xlsx(&path, "Calon");
    let mut o = opts(ImportKind::Candidates, path.clone(), false);
    o.sheet = Some("calon".into());
    let (r, errors) = run(&app, o).await;
    let r = r.unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(r.diimpor, 2);
    assert_eq!(r.format, "Excel, lembar 'Calon'");
    let c = app
        .store_for_tests()
        .candidate(&nik("1609022304870001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.tanggal_lahir.to_string(), "1987-04-23");
    assert_eq!(c.tmt_kerja.to_string(), "2012-03-01");
    assert!(c.terdata_bkn);
    assert_eq!(c.gaji_terakhir, 1_750_000);
    assert_eq!(c.nilai_seleksi, Some(81.25));

    // The first sheet is the default: here it holds no table.
    let (r, _) = run(&app, opts(ImportKind::Candidates, path.clone(), false)).await;
    let e = r.unwrap_err().to_string();
    assert!(
        e.contains("kolom wajib tidak ada") || e.contains("bukan tabel"),
        "{e}"
    );

    let mut o = opts(ImportKind::Candidates, path, false);
    o.sheet = Some("Data".into());
    let e = run(&app, o).await.0.unwrap_err();
    match &e {
        ServiceError::Invalid(Invalid::File(FileError::Sheet { wanted, available })) => {
            assert_eq!(wanted, "Data");
            assert_eq!(available, "Ringkasan, Calon");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("lembar 'Data' tidak ada"), "{e}");
}

#[tokio::test]
async fn an_eighteen_digit_nip_typed_as_a_number_is_refused() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "nip",
        "nama",
        "tanggal_lahir",
        "jenis_kelamin",
        "jenjang",
        "jabatan",
        "unit_kerja",
        "tmt_jenjang",
        "pendidikan",
        "predikat_1",
        "predikat_2",
        "potensial",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let row = [
        "",
        "SITI",
        "1985-03-15",
        "P",
        "pengawas",
        "Kepala Seksi Data",
        "OPD05",
        "2018-01-01",
        "S1",
        "baik",
        "baik",
        "tinggi",
    ];
    for (c, v) in row.iter().enumerate().skip(1) {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    sheet
        .write_number(1, 0, 198_503_152_010_012_004f64)
        .unwrap();
    let path = db.path("pegawai.xlsx");
    book.save(&path).unwrap();
    let (r, errors) = run(&app, opts(ImportKind::Employees, path, false)).await;
    assert!(!r.unwrap().disimpan);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string().split(':').next().unwrap(),
        "baris 2, kolom nip"
    );
    assert!(
        errors[0].message.contains("digit terakhirnya hilang"),
        "{}",
        errors[0]
    );
}

#[tokio::test]
async fn every_bad_row_is_reported_and_nothing_is_written() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let good = candidate_row("1609022304870001", "BUDI", "1987-04-23", "L");
    let rows = [
        good.clone(),                                              // 2: fine
        good.replace("1609022304870001", "12345"),                 // 3: short NIK
        candidate_row("1609023204870001", "X", "1987-04-23", "L"), // 4: day 32 in NIK
        candidate_row("1609022304870009", "Y", "1987-02-30", "L"), // 5: 30 February
        candidate_row("1609022304870010", "Z", "1987-04-23", "X"), // 6: sex
        candidate_row("1609022304870011", "", "1987-04-23", "L"),  // 7: name missing
        candidate_row("1609022304870012", "A", "1987-04-23", "L").replace(",R3,", ",R9,"), // 8: category
        candidate_row("1609022304870013", "B", "1987-04-23", "L")
            .replace(",ya,cpns", ",mungkin,cpns"), // 9: boolean
        candidate_row("1609022304870014", "C", "1987-04-23", "L").replace("1750000", "satu juta"), // 10: pay
        good.replace("BUDI", "BUDI LAGI"), // 11: duplicate NIK
        candidate_row("1609022304870015", "D", "1987-04-23", "L")
            .replace(",SMA,", ",SMA sederajat,"), // 12: education
    ];
    let path = write(
        db.dir.path(),
        "buruk.csv",
        &format!("{CANDIDATE_HEADER}\n{}\n", rows.join("\n")),
    );
    let (r, errors) = run(&app, opts(ImportKind::Candidates, path, false)).await;
    let r = r.unwrap();
    assert!(!r.disimpan);
    assert_eq!((r.baris, r.ditolak, r.diimpor), (11, 10, 0));
    let located: Vec<String> = errors
        .iter()
        .map(|e| format!("baris {}, kolom {}", e.row, e.column))
        .collect();
    for expected in [
        "baris 3, kolom nik",
        "baris 4, kolom nik",
        "baris 5, kolom tanggal_lahir",
        "baris 6, kolom jenis_kelamin",
        "baris 7, kolom nama",
        "baris 8, kolom kategori_pelamar",
        "baris 9, kolom terdata_bkn",
        "baris 10, kolom gaji_terakhir",
        "baris 11, kolom nik",
        "baris 12, kolom pendidikan",
    ] {
        assert!(
            located.iter().any(|l| l == expected),
            "missing {expected} in {located:?}"
        );
    }
    let dup = errors.iter().find(|e| e.row == 11).unwrap();
    assert!(dup.message.contains("sudah ada di baris 2"), "{dup}");
    assert!(
        !dup.message.contains("1609"),
        "a NIK must not be printed: {dup}"
    );
    assert_eq!(
        app.store_for_tests().counts().await.unwrap().calon,
        0,
        "validate-first: nothing written"
    );
}

#[tokio::test]
async fn skip_invalid_imports_the_rest_and_writes_the_rejected_rows() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let text = format!(
        "{CANDIDATE_HEADER}\n{}\n{}\n{}\n",
        candidate_row("1609022304870001", "BUDI", "1987-04-23", "L"),
        candidate_row("12345", "PENDEK", "1987-04-23", "L"),
        candidate_row("1609025506920002", "DEWI", "1992-06-15", "P")
            .replace("2012-03-01", "kemarin"),
    );
    let path = write(db.dir.path(), "campur.csv", &text);
    let (r, _) = run(&app, opts(ImportKind::Candidates, path.clone(), true)).await;
    let r = r.unwrap();
    assert!(r.disimpan);
    assert_eq!((r.baris, r.diimpor, r.ditolak), (3, 1, 2));
    let rejected = db.path("campur.csv.ditolak.csv");
    assert_eq!(
        r.berkas_ditolak.as_deref(),
        Some(rejected.to_str().unwrap())
    );
    let text = std::fs::read_to_string(&rejected).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().next_back(),
        Some("kesalahan")
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], "12345");
    assert!(
        rows[0]
            .iter()
            .next_back()
            .unwrap()
            .contains("kolom nik: NIK harus 16 digit")
    );
    assert!(
        rows[1]
            .iter()
            .next_back()
            .unwrap()
            .contains("kolom tmt_kerja")
    );
    assert_eq!(app.store_for_tests().counts().await.unwrap().calon, 1);

    // Fixing the file and importing again removes the stale rejected-rows file.
    std::fs::write(
        &path,
        format!(
            "{CANDIDATE_HEADER}\n{}\n",
            candidate_row("1609022304870001", "BUDI", "1987-04-23", "L")
        ),
    )
    .unwrap();
    let (r, _) = run(&app, opts(ImportKind::Candidates, path, true)).await;
    assert_eq!(r.unwrap().ditolak, 0);
    assert!(!rejected.exists());
}

#[tokio::test]
async fn reimporting_the_same_person_updates_the_record() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let first = format!(
        "{CANDIDATE_HEADER}\n{}\n",
        candidate_row("1609022304870001", "BUDI", "1987-04-23", "L")
    );
    let path = write(db.dir.path(), "a.csv", &first);
    run(&app, opts(ImportKind::Candidates, path.clone(), false))
        .await
        .0
        .unwrap();
    let before = app
        .store_for_tests()
        .candidate(&nik("1609022304870001"))
        .await
        .unwrap()
        .unwrap();
    std::fs::write(
        &path,
        first
            .replace("1750000", "2000000")
            .replace(",BUDI,", ",BUDI SANTOSO,"),
    )
    .unwrap();
    run(&app, opts(ImportKind::Candidates, path, false))
        .await
        .0
        .unwrap();
    let after = app
        .store_for_tests()
        .candidate(&nik("1609022304870001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.gaji_terakhir, 2_000_000);
    assert_eq!(after.nama, "BUDI SANTOSO");
    assert_ne!(before.data_hash(), after.data_hash());
    assert_eq!(app.store_for_tests().counts().await.unwrap().calon, 1);
    // The earlier version stays retrievable by its hash (for reproducing old screening runs).
    let n = nik("1609022304870001");
    assert_eq!(
        app.store_for_tests()
            .candidate_version(&n, &before.data_hash())
            .await
            .unwrap(),
        Some(before.clone())
    );
    assert_eq!(
        app.store_for_tests()
            .candidate_version(&n, &after.data_hash())
            .await
            .unwrap(),
        Some(after.clone())
    );
    assert_eq!(
        app.store_for_tests()
            .candidate_version(&n, "0000")
            .await
            .unwrap(),
        None
    );
    // Importing the same data again archives nothing new and changes nothing.
    let same = format!(
        "{CANDIDATE_HEADER}\n{}\n",
        candidate_row("1609022304870001", "BUDI SANTOSO", "1987-04-23", "L")
            .replace("1750000", "2000000")
    );
    let path = write(db.dir.path(), "b.csv", &same);
    run(&app, opts(ImportKind::Candidates, path, false))
        .await
        .0
        .unwrap();
    assert_eq!(
        app.store_for_tests().candidate(&n).await.unwrap().unwrap(),
        after
    );
}

#[tokio::test]
async fn bad_files_are_clear_errors() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (write(db.dir.path(), "kosong.csv", ""), "berkas kosong"),
        (
            write(db.dir.path(), "spasi.csv", "\n\n  \n"),
            "berkas kosong",
        ),
        (
            write(db.dir.path(), "judul.csv", &format!("{CANDIDATE_HEADER}\n")),
            "tidak berisi baris data",
        ),
        (
            write(
                db.dir.path(),
                "kolom.csv",
                "nik,nama\n1609022304870001,BUDI\n",
            ),
            "kolom wajib tidak ada: tanggal_lahir, jenis_kelamin",
        ),
        (
            write(
                db.dir.path(),
                "surat.csv",
                "Kepada Yth. Bapak Kepala BKPSDM\nDengan hormat\n",
            ),
            "bukan tabel",
        ),
        (
            write(db.dir.path(), "data.pdf", "%PDF-1.4"),
            "tidak didukung",
        ),
        (
            write(db.dir.path(), "palsu.xlsx", "bukan zip"),
            "bukan berkas Excel",
        ),
        (
            write(
                db.dir.path(),
                "ganda.csv",
                &format!("{CANDIDATE_HEADER},nik\n"),
            ),
            "lebih dari sekali",
        ),
    ];
    let binary = db.path("gambar.csv");
    std::fs::write(&binary, [0x89, b'P', b'N', b'G', 0, 0, 0, 13]).unwrap();
    for (path, expected) in cases.into_iter().chain([(binary, "data biner")]) {
        let e = run(&app, opts(ImportKind::Candidates, path.clone(), false))
            .await
            .0
            .unwrap_err();
        assert!(
            matches!(e, ServiceError::Invalid(Invalid::File(_))),
            "{}: {e:?}",
            path.display()
        );
        assert!(e.to_string().contains(expected), "{}: {e}", path.display());
    }
    let missing = run(
        &app,
        opts(ImportKind::Candidates, db.path("tidak-ada.csv"), false),
    )
    .await
    .0
    .unwrap_err();
    assert!(
        matches!(
            missing,
            ServiceError::Invalid(Invalid::File(FileError::Io { .. }))
        ),
        "{missing:?}"
    );
    assert!(
        missing.to_string().contains("tidak dapat dibaca"),
        "{missing}"
    );
    assert_eq!(app.store_for_tests().counts().await.unwrap().calon, 0);
}

#[tokio::test]
async fn formations_and_employees() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let f = write(
        db.dir.path(),
        "formasi.csv",
        "kode_formasi;unit_kerja;nama_unit;kategori_jabatan;jabatan;pendidikan_minimal;jurusan;jumlah\n\
         K10;U10;Dinas Kesehatan;tenaga_kesehatan;Perawat Terampil;D3;\"Keperawatan; Kebidanan \";2\n\
         K11;U11;SMP Negeri 2 Belitang;guru;Guru Mata Pelajaran;S1;;1\n",
    );
    let (r, errors) = run(&app, opts(ImportKind::Formations, f, false)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(r.unwrap().diimpor, 2);
    let formations = app.store_for_tests().formations().await.unwrap();
    assert_eq!(
        formations[0].jurusan,
        vec!["Keperawatan".to_owned(), "Kebidanan".to_owned()]
    );
    assert_eq!(formations[0].jumlah, 2);

    let bad = write(
        db.dir.path(),
        "formasi-buruk.csv",
        "kode_formasi,unit_kerja,kategori_jabatan,jabatan,pendidikan_minimal,jumlah\nK1,U1,guru,Guru,S1,0\n",
    );
    let (_, errors) = run(&app, opts(ImportKind::Formations, bad, false)).await;
    assert_eq!(
        errors[0].to_string(),
        "baris 2, kolom jumlah: 0 di luar batas 1–100000"
    );

    let e = write(
        db.dir.path(),
        "pegawai.csv",
        "nip,nama,tanggal_lahir,jenis_kelamin,golongan,jenjang,jabatan,unit_kerja,tmt_jenjang,pendidikan,predikat_1,predikat_2,potensial,kotak_talenta,hukuman_disiplin\n\
         19850315 201001 2 004,SITI,1985-03-15,P,III/d,pengawas,Kepala Seksi Data,OPD05,2018-01-01,S1,sangat_baik,baik,tinggi,,\n\
         198001012005011003,AHMAD,1980-01-01,L,IV/a,administrator,Kepala Bidang,OPD05,2019-01-01,S2,baik,baik,tinggi,5,ringan\n",
    );
    let (r, errors) = run(&app, opts(ImportKind::Employees, e, false)).await;
    assert!(errors.is_empty(), "{errors:?}");
    let r = r.unwrap();
    assert_eq!(r.diimpor, 2);
    assert_eq!(r.peringatan.len(), 1, "{:?}", r.peringatan);
    assert!(
        r.peringatan[0].starts_with("baris 3, kolom kotak_talenta: kotak 5 tidak sesuai"),
        "{:?}",
        r.peringatan
    );
    let siti = app
        .store_for_tests()
        .employee(&Nip::parse("198503152010012004").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        siti.kotak_talenta,
        KotakTalenta::new(9).unwrap(),
        "derived from sangat_baik + tinggi"
    );
    assert_eq!(siti.jenjang, Jenjang::Pengawas);
    assert_eq!(siti.hukuman_disiplin, HukumanDisiplin::Tidak);
    let ahmad = app
        .store_for_tests()
        .employee(&Nip::parse("198001012005011003").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ahmad.kotak_talenta.number(), 5, "the given box is kept");
}

#[tokio::test]
async fn a_generated_regency_imports_cleanly() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let out = db.path("gen");
    merit::generate::generate(&merit::generate::GenerateOptions {
        candidates: 1_500,
        out: out.clone(),
        seed: 3,
    })
    .unwrap();
    for (kind, file) in [
        (ImportKind::Candidates, "candidates.csv"),
        (ImportKind::Formations, "formations.csv"),
        (ImportKind::Employees, "employees.csv"),
    ] {
        let (r, errors) = run(&app, opts(kind, out.join(file), false)).await;
        assert!(
            errors.is_empty(),
            "{file}: {:?}",
            &errors[..errors.len().min(5)]
        );
        assert!(r.unwrap().disimpan);
    }
    let counts = app.store_for_tests().counts().await.unwrap();
    assert_eq!(counts.calon, 1_500);
    assert_eq!(counts.pegawai, 555);
    let slots: u32 = app
        .store_for_tests()
        .formations()
        .await
        .unwrap()
        .iter()
        .map(|f| f.jumlah)
        .sum();
    assert!(
        slots > 0 && u64::from(slots) < counts.calon,
        "fewer slots ({slots}) than candidates"
    );
}

/// The candidate file of three rows whose third data row (spreadsheet row 4) has a bad NIK,
/// with `eol` between rows and the first data row's name spanning two lines.
fn file_with_bad_fourth_row(eol: &str) -> String {
    let rows = [
        CANDIDATE_HEADER.to_owned(),
        candidate_row("1609022304870001", "BUDI", "1987-04-23", "L")
            .replace("Pengelola Data", "\"Pengelola\nData\""),
        candidate_row("1609025506920002", "DEWI", "1992-06-15", "P"),
        candidate_row("12345", "PENDEK", "1992-06-15", "P"),
    ];
    rows.join(eol) + eol
}

/// Issue 11 item 18: row numbers are spreadsheet rows (header = 1) whatever the line endings,
/// and a quoted cell spanning lines does not shift them.
#[tokio::test]
async fn row_numbers_are_spreadsheet_rows_for_every_line_ending() {
    let db = TestDb::new().await;
    let app = db.app().await;
    for (name, eol) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        let path = write(
            db.dir.path(),
            &format!("{name}.csv"),
            &file_with_bad_fourth_row(eol),
        );
        let (r, errors) = run(&app, opts(ImportKind::Candidates, path, false)).await;
        assert!(r.is_err() || !r.unwrap().disimpan, "{name}");
        assert_eq!(errors.len(), 1, "{name}: {errors:?}");
        assert_eq!(
            (errors[0].row, errors[0].column.as_str()),
            (4, "nik"),
            "{name}: {}",
            errors[0]
        );
    }
    // A blank line counts as the row Excel shows for it.
    let with_blank = file_with_bad_fourth_row("\r\n").replacen("\r\n", "\r\n\r\n", 1);
    let path = write(db.dir.path(), "kosong.csv", &with_blank);
    let (_, errors) = run(&app, opts(ImportKind::Candidates, path, false)).await;
    assert_eq!(errors[0].row, 5, "{}", errors[0]);
    assert_eq!(app.store_for_tests().counts().await.unwrap().calon, 0);
}

/// Issue 11 item 12: field lengths are bounded (a 50 MB name is refused with its row and
/// column), and an XLSX that unpacks like a bomb or holds too many cells is refused (exit 3).
#[tokio::test]
async fn oversized_fields_and_compressed_bombs_are_refused() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let huge = "A".repeat(50 * 1024 * 1024);
    let text = format!(
        "{CANDIDATE_HEADER}\n{}\n{}\n",
        candidate_row("1609022304870001", "BUDI", "1987-04-23", "L"),
        candidate_row("1609025506920002", &huge, "1992-06-15", "P"),
    );
    let path = write(db.dir.path(), "besar.csv", &text);
    drop(huge);
    let (_, errors) = run(&app, opts(ImportKind::Candidates, path, false)).await;
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].row, errors[0].column.as_str()), (3, "nama"));
    assert!(errors[0].message.contains("200 karakter"), "{}", errors[0]);
    let long_unit = "U".repeat(501);
    let text = format!(
        "{CANDIDATE_HEADER}\n{}\n",
        candidate_row("1609022304870001", "BUDI", "1987-04-23", "L")
            .replace(",U10,", &format!(",{long_unit},"))
    );
    let (_, errors) = run(
        &app,
        opts(
            ImportKind::Candidates,
            write(db.dir.path(), "unit.csv", &text),
            false,
        ),
    )
    .await;
    assert_eq!(errors[0].column, "unit_kerja");
    assert!(errors[0].message.contains("500 karakter"));

    // A 1 MB archive that unpacks to 256 MB.
    let bomb = db.path("bom.xlsx");
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/worksheets/sheet1.xml", o).unwrap();
        let block = vec![b' '; 1024 * 1024];
        for _ in 0..256 {
            zip.write_all(&block).unwrap();
        }
        zip.finish().unwrap();
    }
    assert!(std::fs::metadata(&bomb).unwrap().len() < 2 * 1024 * 1024);
    let e = run(&app, opts(ImportKind::Candidates, bomb.clone(), false))
        .await
        .0
        .unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Invalid(Invalid::File(FileError::TooLarge(_)))
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("terlalu besar"), "{e}");
    let out = crate::cli::merit(&db, &["import", "candidates", bomb.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));

    // Too many cells for the configured bound.
    let limited = db
        .app_with(db.settings_with(&[("MERIT_IMPOR_SEL_MAKS", "1000")]))
        .await;
    let sheet_cells = {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in CANDIDATE_HEADER.split(',').enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        let row = candidate_row("1609022304870001", "BUDI", "1987-04-23", "L");
        for r in 1..100u32 {
            for (c, v) in row.split(',').enumerate() {
                ws.write_string(r, c as u16, v).unwrap();
            }
        }
        let p = db.path("banyak.xlsx");
        wb.save(&p).unwrap();
        p
    };
    let e = run(&limited, opts(ImportKind::Candidates, sheet_cells, false))
        .await
        .0
        .unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Invalid(Invalid::File(FileError::TooLarge(_)))
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("1.000 sel"), "{e}");
    assert_eq!(app.store_for_tests().counts().await.unwrap().calon, 0);
}

/// Issue 11 item 17: an import path that is not a regular file (a FIFO, a device, a link to
/// one) is refused at once instead of blocking.
#[cfg(unix)]
#[tokio::test]
async fn only_regular_files_are_imported() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let fifo = db.path("pipa.csv");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let link = db.path("tautan.csv");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let device = db.path("perangkat.csv");
    std::os::unix::fs::symlink("/dev/zero", &device).unwrap();
    for p in [fifo, link, device, db.dir.path().to_path_buf()] {
        let e = run(&app, opts(ImportKind::Candidates, p.clone(), false))
            .await
            .0
            .unwrap_err();
        assert!(
            e.to_string().contains("bukan berkas biasa"),
            "{}: {e}",
            p.display()
        );
    }
}

/// Issue 11 item 15: text a spreadsheet would run as a formula is neutralised in every CSV
/// merit writes; in XLSX it stays text.
#[tokio::test]
async fn formula_like_text_is_neutralised_in_csv_exports() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let names = ["=HYPERLINK(\"http://x\")", "+62812", "-SISA", "@SUM(A1)"];
    let niks = [
        "1609022304870001",
        "1609025506920002",
        "1609022304870003",
        "1609025506920004",
    ];
    let births = ["1987-04-23", "1992-06-15", "1987-04-23", "1992-06-15"];
    let sexes = ["L", "P", "L", "P"];
    let mut text = format!("{CANDIDATE_HEADER}\n");
    for i in 0..4 {
        let name = names[i].replace('"', "\"\"");
        text.push_str(&candidate_row(
            niks[i],
            &format!("\"{name}\""),
            births[i],
            sexes[i],
        ));
        text.push('\n');
    }
    let path = write(db.dir.path(), "rumus.csv", &text);
    let (r, errors) = run(&app, opts(ImportKind::Candidates, path, false)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert!(r.unwrap().disimpan);
    merit::service::screening::screen(
        &app,
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
    let csv_path = db.path("keputusan.csv");
    let out = crate::cli::merit(
        &db,
        &[
            "export",
            "decisions",
            "--output",
            csv_path.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&csv_path).unwrap();
    let mut rdr = csv::Reader::from_reader(written.trim_start_matches('\u{feff}').as_bytes());
    let col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "nama")
        .unwrap();
    let got: Vec<String> = rdr.records().map(|r| r.unwrap()[col].to_owned()).collect();
    for n in names {
        assert!(got.contains(&format!("'{n}")), "{n} in {got:?}");
    }
    // XLSX: the same names as plain text cells.
    let xlsx = db.path("keputusan.xlsx");
    let out = crate::cli::merit(
        &db,
        &["export", "decisions", "--output", xlsx.to_str().unwrap()],
    );
    assert!(out.status.success());
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheets = book.sheet_names();
    let range = book.worksheet_range(&sheets[1]).unwrap();
    let cells: Vec<String> = range.rows().map(|r| r[1].to_string()).collect();
    for n in names {
        assert!(cells.contains(&n.to_owned()), "{n} in {cells:?}");
    }
    assert!(
        book.worksheet_formula(&sheets[1])
            .unwrap()
            .used_cells()
            .count()
            == 0
    );
}

/// Quality bar (bounded input): a cell's line breaks become spaces and terminal escapes are
/// dropped, so nothing an import stores can act on a terminal it is printed to; a name with
/// control characters is refused.
#[tokio::test]
async fn control_characters_never_reach_a_terminal() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let row = candidate_row("1609022304870001", "BUDI", "1987-04-23", "L").replace(
        "Pengelola Data",
        "\"\u{1b}[2J\u{1b}[31mPengelola\r\nData\u{7}\"",
    );
    let path = write(
        db.dir.path(),
        "kendali.csv",
        &format!("{CANDIDATE_HEADER}\n{row}\n"),
    );
    let (r, errors) = run(&app, opts(ImportKind::Candidates, path, false)).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert!(r.unwrap().disimpan);
    let c = app
        .store_for_tests()
        .candidate(&nik("1609022304870001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.jabatan.as_deref(), Some("Pengelola Data"));
    let row = candidate_row("1609022304870001", "\"BU\u{1b}[31mDI\"", "1987-04-23", "L");
    let path = write(
        db.dir.path(),
        "nama.csv",
        &format!("{CANDIDATE_HEADER}\n{row}\n"),
    );
    let (_, errors) = run(&app, opts(ImportKind::Candidates, path, false)).await;
    assert_eq!(errors[0].column, "nama");
}

/// A formation asking less than the jabatan catalogue (documents.md 4) is refused with its
/// row and the catalogue's requirement; with `izinkan_di_bawah_katalog` it is accepted, said
/// in the report and recorded in the audit entry.
#[tokio::test]
async fn a_formation_below_the_jabatan_catalogue_is_refused_with_its_row() {
    let db = TestDb::new().await;
    let app = db.app().await;
    let text = "kode_formasi,unit_kerja,kategori_jabatan,jabatan,pendidikan_minimal,jurusan,jumlah\n\
                F1,U1,tenaga_teknis,Pengelola Data,SMA,,2\n\
                F2,U1,tenaga_teknis,Analis Kebijakan,SMA,,3\n\
                F3,U1,tenaga_teknis,Penyuluh Pertanian,D3,Akuntansi,1\n";
    let path = write(db.dir.path(), "formasi.csv", text);
    let (r, errors) = run(&app, opts(ImportKind::Formations, path.clone(), false)).await;
    let r = r.unwrap();
    assert!(!r.disimpan, "nothing is written while a row is refused");
    assert_eq!((r.diimpor, r.ditolak), (0, 2));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].row, 3);
    assert!(
        errors[0].message.contains("Analis Kebijakan")
            && errors[0].message.contains("Sarjana (S1)"),
        "{errors:?}"
    );
    assert_eq!(errors[1].row, 4);
    assert!(errors[1].message.contains("Akuntansi"), "{errors:?}");
    assert!(app.store_for_tests().formations().await.unwrap().is_empty());

    let mut lenient = opts(ImportKind::Formations, path, false);
    lenient.izinkan_di_bawah_katalog = true;
    let (r, errors) = run(&app, lenient).await;
    let r = r.unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!((r.diimpor, r.di_bawah_katalog), (3, 2));
    assert!(r.peringatan.iter().any(|w| w.contains("Analis Kebijakan")));
    let entries = app
        .store_for_tests()
        .audit_page(&merit::domain::AuditFilter::default(), 10)
        .await
        .unwrap();
    assert!(
        entries.iter().any(|e| e
            .rincian
            .contains("2 formasi di bawah katalog jabatan diizinkan")),
        "{entries:?}"
    );
}
