//! Placement and exports (issue 4) through the database, the real rulesets and the binary.

use std::collections::HashMap;

use calamine::{Data, Reader, open_workbook_auto};
use merit::{
    ingest::ImportKind,
    service::placement::{export_decisions, export_placements, place},
};

use crate::{
    cli::merit,
    support::{CANDIDATE_HEADER, TestDb, candidate_row, import_file, regency, screen, write},
};

fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("CSV starts with a BOM for Excel");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = rdr
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

#[tokio::test]
async fn every_placement_rule_through_the_database_including_ties() {
    let db = TestDb::new().await;
    let app = db.app().await;
    write(
        db.dir.path(),
        "formasi.csv",
        "kode_formasi,unit_kerja,nama_unit,kategori_jabatan,jabatan,pendidikan_minimal,jurusan,jumlah\n\
         K01,U10,Dinas Kesehatan,tenaga_teknis,Pengelola Data,SMA,,1\n\
         K02,U11,Dinas Pendidikan,tenaga_teknis,Pengelola Data,SMA,,1\n\
         K03,U10,Dinas Kesehatan,tenaga_teknis,Analis Keuangan,S1,Akuntansi;Manajemen,1\n\
         K04,U12,Dinas Sosial,tenaga_kesehatan,Perawat,D3,Keperawatan,2\n",
    );
    import_file(&app, ImportKind::Formations, &db.path("formasi.csv")).await;
    // Same category (R3) and start date, so the same priority from prioritas.rhai: the older
    // goes first, then the smaller NIK.
    let a = candidate_row("1609021001850001", "ANDI", "1985-01-10", "L");
    let b = candidate_row("1609021205900001", "BAYU", "1990-05-12", "L");
    let c = candidate_row("1609021205900002", "CAHYO", "1990-05-12", "L");
    let e = candidate_row("1609025009880001", "EKA", "1988-09-10", "P")
        .replace(",SMA,IPA,", ",S1,Akuntansi,");
    let g = candidate_row("1609021507930001", "GILANG", "1993-07-15", "L")
        .replace(",tenaga_teknis,", ",guru,");
    let h = candidate_row("1609021208940001", "HADI", "1994-08-12", "L")
        .replace(",U10,tenaga_teknis,", ",U12,tenaga_kesehatan,");
    let x = candidate_row("1609021304950001", "XAVERIUS", "1995-04-13", "L")
        .replace(",ya,2012-03-01,", ",tidak,2012-03-01,");
    // A higher category outranks everyone: R2 before R3.
    let r2 = candidate_row("1609021111990001", "RIZKY", "1999-11-11", "L").replace(",R3,", ",R2,");
    let rows = [&c, &b, &a, &e, &g, &h, &x, &r2]
        .map(String::as_str)
        .join("\n");
    write(
        db.dir.path(),
        "calon.csv",
        &format!("{CANDIDATE_HEADER}\n{rows}\n"),
    );
    import_file(&app, ImportKind::Candidates, &db.path("calon.csv")).await;
    let run = screen(&app).await;
    assert_eq!((run.layak, run.tidak_layak), (7, 1));

    let report = place(
        &app,
        None,
        &merit::service::Actor::account("penguji", "uji"),
    )
    .await
    .unwrap();
    assert_eq!(report.penempatan.run_id, run.run_id);
    assert_eq!(report.penempatan.ditempatkan, 3);
    assert_eq!(report.penempatan.tidak_ditempatkan, 4);
    let lines = app
        .store_for_tests()
        .placement_lines(&report.penempatan.id, 0, 100)
        .await
        .unwrap();
    let by_name: HashMap<&str, &merit::placement::Placement> = lines
        .iter()
        .map(|l| (l.nama.as_str(), &l.placement))
        .collect();
    assert!(
        !by_name.contains_key("XAVERIUS"),
        "only layak candidates are placed"
    );
    let order: Vec<&str> = lines.iter().map(|l| l.nama.as_str()).collect();
    assert_eq!(
        order[..5],
        ["RIZKY", "ANDI", "EKA", "BAYU", "CAHYO"],
        "priority, then older, then NIK"
    );

    let slot = |n: &str| by_name[n].kode_formasi.as_deref();
    // R2 outranks the rest and takes the own-unit slot K01 first.
    assert_eq!(slot("RIZKY"), Some("K01"));
    assert!(by_name["RIZKY"].alasan.contains("unit kerja sendiri"));
    // ANDI (oldest R3): K01 is full, K03 needs S1: another unit's SMA slot K02.
    assert_eq!(slot("ANDI"), Some("K02"));
    assert!(by_name["ANDI"].alasan.contains("unit lain (U11)"));
    // EKA has S1 Akuntansi: the own-unit K03 accepts the major.
    assert_eq!(slot("EKA"), Some("K03"));
    assert_eq!(by_name["EKA"].putaran, 1);
    // BAYU and CAHYO tie with ANDI on priority and are younger: nothing fitting is left.
    assert_eq!(slot("BAYU"), None);
    assert!(
        by_name["BAYU"].alasan.contains("sudah penuh"),
        "{}",
        by_name["BAYU"].alasan
    );
    assert_eq!(slot("CAHYO"), None);
    // No guru slot at all.
    assert_eq!(slot("GILANG"), None);
    assert!(
        by_name["GILANG"]
            .alasan
            .contains("Tidak ada formasi untuk kategori jabatan")
    );
    // HADI (SMA) wants a nurse slot that needs D3.
    assert_eq!(slot("HADI"), None);
    assert!(
        by_name["HADI"].alasan.contains("di bawah syarat minimal"),
        "{}",
        by_name["HADI"].alasan
    );

    // No formation line is over-filled.
    let mut used: HashMap<&str, u32> = HashMap::new();
    for l in &lines {
        if let Some(k) = &l.placement.kode_formasi {
            *used.entry(k).or_default() += 1;
        }
    }
    for f in app.store_for_tests().formations().await.unwrap() {
        assert!(used.get(f.kode_formasi.as_str()).copied().unwrap_or(0) <= f.jumlah);
    }

    // The export has the columns of interfaces.md 6 and a reason on every line.
    let out = db.path("penempatan.csv");
    let written = export_placements(&app, None, &out, true).await.unwrap();
    assert_eq!(written.baris, 7);
    let (header, rows) = read_csv(&out);
    assert_eq!(
        header,
        [
            "nik",
            "nama",
            "kode_formasi",
            "unit_kerja",
            "jabatan",
            "prioritas",
            "alasan"
        ]
    );
    assert!(rows.iter().all(|r| !r["alasan"].is_empty()));
    assert_eq!(rows[0]["nama"], "RIZKY");
    assert_eq!(rows[0]["kode_formasi"], "K01");
    assert_eq!(rows[0]["prioritas"], "5161");
}

#[tokio::test]
async fn a_generated_regency_is_placed_without_overfilling_and_exported() {
    let db = TestDb::new().await;
    let app = db.app().await;
    regency(&app, db.dir.path(), 4_200, 12).await;
    let run = screen(&app).await;
    let report = place(
        &app,
        Some(&run.run_id),
        &merit::service::Actor::account("penguji", "uji"),
    )
    .await
    .unwrap();
    let p = &report.penempatan;
    assert_eq!(p.ditempatkan + p.tidak_ditempatkan, run.layak);
    assert!(p.ditempatkan > 0 && p.ditempatkan <= p.jumlah_formasi);
    assert!(
        p.tidak_ditempatkan > 0,
        "fewer slots than eligible candidates"
    );
    assert_eq!(
        report.alasan_tidak_ditempatkan.values().sum::<u64>(),
        p.tidak_ditempatkan
    );
    let counts = app.store_for_tests().placement_counts(&p.id).await.unwrap();
    let formations = app.store_for_tests().formations().await.unwrap();
    let limit: HashMap<&str, u32> = formations
        .iter()
        .map(|f| (f.kode_formasi.as_str(), f.jumlah))
        .collect();
    for (kode, n) in &counts {
        assert!(*n <= u64::from(limit[kode.as_str()]), "{kode} over-filled");
    }

    // Decisions: CSV and a workbook for the head of agency.
    let csv_out = db.path("keputusan.csv");
    let written = export_decisions(&app, None, &csv_out, true).await.unwrap();
    assert_eq!(written.baris, 4_200);
    let (header, rows) = read_csv(&csv_out);
    assert_eq!(
        header,
        [
            "nik",
            "nama",
            "unit_kerja",
            "kategori_pelamar",
            "hasil",
            "prioritas",
            "aturan_gagal",
            "aturan_tinjau",
            "alasan",
            "versi_aturan",
            "run_id"
        ]
    );
    for r in &rows {
        assert_eq!(r["run_id"], run.run_id);
        assert_eq!(r["versi_aturan"], run.ruleset_version);
        match r["hasil"].as_str() {
            "layak" => assert!(r["aturan_gagal"].is_empty() && r["aturan_tinjau"].is_empty()),
            "tidak_layak" => assert!(!r["aturan_gagal"].is_empty() && !r["alasan"].is_empty()),
            "perlu_verifikasi" => {
                assert!(r["aturan_gagal"].is_empty() && !r["aturan_tinjau"].is_empty());
            }
            other => panic!("hasil {other}"),
        }
    }
    let failing_pw03 = rows
        .iter()
        .filter(|r| r["aturan_gagal"].split(';').any(|id| id == "PW-03"))
        .count() as u64;
    assert_eq!(failing_pw03, run.gagal_per_aturan["PW-03"]);

    let xlsx_out = db.path("keputusan.xlsx");
    export_decisions(&app, Some(&run.run_id), &xlsx_out, true)
        .await
        .unwrap();
    let mut book = open_workbook_auto(&xlsx_out).unwrap();
    assert_eq!(book.sheet_names(), ["Ringkasan", "Keputusan"]);
    let data = book.worksheet_range("Keputusan").unwrap();
    assert_eq!(data.height(), 4_201);
    assert_eq!(data.get((0, 0)), Some(&Data::String("NIK".into())));
    let first_nik = data.get((1, 0)).unwrap().to_string();
    assert_eq!(first_nik.len(), 16, "a NIK stays text: {first_nik}");
    let summary = book.worksheet_range("Ringkasan").unwrap();
    let cells: Vec<String> = summary.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(cells.contains(&"Layak".to_owned()));
    assert!(cells.contains(&run.layak.to_string()));
    assert!(cells.iter().any(|c| c.starts_with("PW-03 ")));
    assert!(cells.contains(&"Per unit kerja".to_owned()));

    // Through the binary: placements as a workbook, and a bad extension is refused.
    let out = merit(
        &db,
        &["export", "placements", "--output", "penempatan.xlsx"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut book = open_workbook_auto(db.path("penempatan.xlsx")).unwrap();
    assert_eq!(
        book.worksheet_range("Penempatan").unwrap().height() as u64,
        run.layak + 1
    );
    let out = merit(&db, &["export", "decisions", "--output", "keputusan.pdf"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".csv"));
    let out = merit(
        &db,
        &[
            "export",
            "placements",
            "--id",
            "tidak-ada",
            "--output",
            "p.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
}
