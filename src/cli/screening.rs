//! `merit screen`, `merit runs …`, `merit place`, `merit export …`.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use super::{
    Exit, Failure,
    args::{ExportCommand, RunsCommand},
    open_app, output,
};
use crate::{
    clock::from_ms,
    config::Settings,
    domain::{Nik, format_datetime_id},
    screening::{Change, DiffReport, Tally},
    screening::{Run, RunStatus},
    service::{
        self, App,
        placement::ExportReport,
        placement::lists::ListKind,
        screening::{ScreenOptions, ScreenReport},
    },
};

fn when(settings: &Settings, ms: i64) -> String {
    format_datetime_id(from_ms(ms), settings.timezone)
}

/// A dry run's report, as `merit screen --dry-run` and `merit rules preview` print it.
pub(super) async fn print_dry_run(
    app: &service::App,
    report: &service::screening::DryRunReport,
    json: bool,
) -> Result<(), Failure> {
    if json {
        output::print_json(report)?;
        return Ok(());
    }
    let versi = service::ground::versions::numbering(app, &report.ruleset)
        .await?
        .name(&report.ruleset_version, None);
    println!(
        "Uji coba ruleset {}, {} (tidak ada yang disimpan):",
        report.ruleset,
        versi.label()
    );
    print_tally(&report.hasil);
    match &report.dibandingkan_dengan {
        Some(run) => {
            println!("\nDibandingkan dengan penyaringan terakhir {run}:");
            print_diff(app, &report.perbedaan, 50).await?;
        }
        None => println!("\nBelum ada penyaringan yang selesai untuk dibandingkan."),
    }
    Ok(())
}

/// `merit screen [--ruleset ID] [--dry-run]`.
pub(super) async fn screen(
    settings: Settings,
    ruleset: Option<String>,
    dry_run: bool,
    json: bool,
) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let progress = crate::progress::Progress::shared();
    let bar = super::progress::show(&progress, "Menyaring", false);
    if dry_run {
        let result = service::screening::dry_run(&app, ruleset.as_deref(), Some(progress)).await;
        if let Some(bar) = bar {
            bar.finish().await;
        }
        print_dry_run(&app, &result?, json).await?;
        return Ok(Exit::Ok);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    let signal = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.store(true, Ordering::Relaxed);
            eprintln!("\nMenghentikan setelah potongan yang sedang dikerjakan…");
        }
    });
    let opts = ScreenOptions {
        ruleset,
        actor: service::Actor::cli(),
        progress: Some(progress),
        stop: Some(stop),
        started: None,
    };
    let result = service::screening::screen(&app, &opts).await;
    signal.abort();
    if let Some(bar) = bar {
        bar.finish().await;
    }
    let report = result?;
    if !report.selesai {
        return Err(Failure::unexpected(format!(
            "penyaringan {} dihentikan sebelum selesai; jalankan merit screen untuk melanjutkannya",
            report.run_id
        )));
    }
    if json {
        output::print_json(&report)?;
    } else {
        print_screen(&report);
    }
    Ok(Exit::Ok)
}

/// `merit screen --nik NIK`.
pub(super) async fn screen_one(settings: Settings, nik: &str, json: bool) -> Result<Exit, Failure> {
    let nik = super::candidates::nik_of(nik)?;
    let app = open_app(settings).await?;
    let report = service::screening::screen_one(&app, &nik, &service::Actor::cli()).await?;
    if json {
        output::print_json(&report)?;
    } else {
        let name = service::ground::versions::VersionName {
            nomor: report.ruleset_versi,
            sidik: report.ruleset_version.clone(),
        };
        println!(
            "Calon {} disaring ulang dengan ruleset {} {}: {}.",
            nik.masked(),
            report.ruleset,
            name.label(),
            report
                .hasil_calon
                .as_deref()
                .and_then(|h| crate::domain::Hasil::parse(h).ok())
                .map_or("-", |h| h.label())
        );
        println!(
            "Penyaringan perorangan {} memuat keputusan ini dan keputusan penyaringan sebelumnya untuk calon lain.",
            report.run_id
        );
    }
    Ok(Exit::Ok)
}

fn print_screen(r: &ScreenReport) {
    let resumed = if r.dilanjutkan {
        " (melanjutkan penyaringan yang terputus)"
    } else {
        ""
    };
    let name = service::ground::versions::VersionName {
        nomor: r.ruleset_versi,
        sidik: r.ruleset_version.clone(),
    };
    println!(
        "Penyaringan {} selesai{resumed}: ruleset {} {}.",
        r.run_id,
        r.ruleset,
        name.label()
    );
    print_tally(&Tally {
        total: r.total,
        layak: r.layak,
        tidak_layak: r.tidak_layak,
        perlu_verifikasi: r.perlu_verifikasi,
        gagal_per_aturan: r.gagal_per_aturan.clone(),
        ..Tally::default()
    });
}

fn print_tally(t: &Tally) {
    println!("  Jumlah calon      {:>10}", output::count(t.total));
    println!("  Layak             {:>10}", output::count(t.layak));
    println!("  Tidak layak       {:>10}", output::count(t.tidak_layak));
    println!(
        "  Perlu verifikasi  {:>10}",
        output::count(t.perlu_verifikasi)
    );
    let failing: Vec<_> = t.gagal_per_aturan.iter().filter(|(_, n)| **n > 0).collect();
    if !failing.is_empty() {
        println!("  Tidak memenuhi per aturan:");
        for (id, n) in failing {
            println!("    {id:<16}{:>10}", output::count(*n));
        }
    }
}

async fn print_diff(app: &App, d: &DiffReport, limit: usize) -> Result<(), Failure> {
    println!(
        "  {} calon dibandingkan, {} berubah hasil.",
        output::count(d.dibandingkan),
        output::count(d.berubah)
    );
    for (t, n) in &d.perpindahan {
        println!("    {t:<36}{:>10}", output::count(*n));
    }
    if !d.per_aturan.is_empty() {
        println!("  Aturan yang hasilnya berubah:");
        for (id, n) in &d.per_aturan {
            println!("    {id:<16}{:>10} calon", output::count(*n));
        }
    }
    let shown: Vec<&Change> = d.perubahan.iter().take(limit).collect();
    if shown.is_empty() {
        return Ok(());
    }
    let niks: Vec<Nik> = shown.iter().map(|c| c.nik).collect();
    let names = service::screening::names(app, &niks).await?;
    println!("  Calon yang berubah:");
    for c in &shown {
        let label = |h: Option<crate::domain::Hasil>| h.map_or("tidak disaring", |h| h.code());
        let data = if c.data_berubah {
            " (data calon berubah)"
        } else {
            ""
        };
        println!(
            "    {} {}: {} → {}{data}",
            c.nik,
            names.get(&c.nik).map_or("", String::as_str),
            label(c.hasil_sebelum),
            label(c.hasil_sesudah)
        );
        for r in &c.aturan {
            let why = r
                .alasan
                .as_deref()
                .map(|a| format!(" — {a}"))
                .unwrap_or_default();
            println!("        {}: {} → {}{why}", r.id, r.sebelum, r.sesudah);
        }
    }
    if d.berubah as usize > shown.len() {
        println!(
            "  … dan {} calon lainnya (gunakan --json untuk daftar lengkap).",
            output::count(d.berubah - shown.len() as u64)
        );
    }
    Ok(())
}

fn status_label(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Berjalan => "berjalan",
        RunStatus::Selesai => "selesai",
        RunStatus::Gagal => "gagal",
    }
}

/// `merit runs list|show|diff|cancel|verify`.
pub(super) async fn runs(
    cmd: RunsCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    match cmd {
        RunsCommand::List => runs_list(&app, json).await?,
        RunsCommand::Show { id } => run_show(&app, &id, json).await?,
        RunsCommand::Diff { a, b, limit } => runs_diff(&app, &a, &b, limit, json).await?,
        RunsCommand::Cancel { id } => run_cancel(&app, &id, json).await?,
        RunsCommand::Verify { id } => run_verify(&app, &id, json).await?,
    }
    Ok(Exit::Ok)
}

/// `merit runs list`.
async fn runs_list(app: &service::App, json: bool) -> Result<(), Failure> {
    let runs = service::screening::runs(app).await?;
    if json {
        output::print_json(&runs)?;
    } else if runs.is_empty() {
        println!("Belum ada penyaringan; jalankan merit screen.");
    } else {
        let versions = service::ground::runs::versions_of(app, &runs).await?;
        for (r, versi) in runs.iter().zip(versions) {
            println!(
                "{}  {}{}  {} {}  {:<8}  {} calon: {} layak, {} tidak layak, {} perlu verifikasi",
                r.id,
                when(app.settings(), r.dibuat_ms),
                match r.jenis {
                    crate::screening::RunKind::Penuh => "",
                    crate::screening::RunKind::Perorangan => " (perorangan)",
                },
                r.ruleset,
                versi.label(),
                status_label(r.status),
                output::count(r.hasil.total),
                output::count(r.hasil.layak),
                output::count(r.hasil.tidak_layak),
                output::count(r.hasil.perlu_verifikasi),
            );
        }
    }
    Ok(())
}

/// `merit runs show ID`.
async fn run_show(app: &service::App, id: &str, json: bool) -> Result<(), Failure> {
    let (run, progress, versi) = service::screening::show_named(app, id).await?;
    if json {
        output::print_json(&serde_json::json!({
            "run": run,
            "kemajuan": progress,
            "ruleset_version": versi.sidik,
            "ruleset_versi": versi.nomor,
        }))?;
    } else {
        print_run(app.settings(), &run, &versi, &progress);
    }
    Ok(())
}

/// `merit runs diff A B`.
async fn runs_diff(
    app: &service::App,
    a: &str,
    b: &str,
    limit: usize,
    json: bool,
) -> Result<(), Failure> {
    let (ra, rb, report) = service::screening::diff(app, a, b).await?;
    if json {
        output::print_json(&serde_json::json!({
            "sebelum": ra.id, "sesudah": rb.id, "perbedaan": report,
        }))?;
    } else {
        println!(
            "Penyaringan {} (versi {}) → penyaringan {} (versi {}):",
            ra.id, ra.versi, rb.id, rb.versi
        );
        print_diff(app, &report, limit).await?;
    }
    Ok(())
}

/// `merit runs cancel ID`.
async fn run_cancel(app: &service::App, id: &str, json: bool) -> Result<(), Failure> {
    let run = service::screening::cancel(app, id, &service::Actor::cli()).await?;
    if json {
        output::print_json(&run)?;
    } else {
        println!(
            "Penyaringan {} dibatalkan ({}). Penyaringan berikutnya dimulai dari awal.",
            run.id,
            run.alasan_gagal.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

/// `merit runs verify ID`: exit 1 unless every decision is reproduced.
async fn run_verify(app: &service::App, id: &str, json: bool) -> Result<(), Failure> {
    let report = service::screening::verify(app, id).await?;
    let exact = report.berbeda.is_empty() && report.data_hilang.is_empty();
    if json {
        output::print_json(&report)?;
    } else {
        println!(
            "Penyaringan {}: {} keputusan dievaluasi ulang dari data dan versi aturan yang tersimpan; {} sama persis.",
            report.run_id,
            output::count(report.diperiksa),
            output::count(report.sama)
        );
        for nik in report.berbeda.iter().take(20) {
            println!("  berbeda: {nik}");
        }
        for nik in report.data_hilang.iter().take(20) {
            println!("  data tidak tersimpan: {nik}");
        }
    }
    if !exact {
        return Err(Failure::unexpected(format!(
            "{} keputusan tidak dapat direproduksi dan data {} calon tidak ditemukan",
            report.berbeda.len(),
            report.data_hilang.len()
        )));
    }
    Ok(())
}

fn print_run(
    settings: &Settings,
    run: &Run,
    versi: &service::ground::versions::VersionName,
    progress: &crate::screening::ChunkProgress,
) {
    println!("Penyaringan {}", run.id);
    println!("  Ruleset      {} {}", run.ruleset, versi.label());
    println!("  Status       {}", status_label(run.status));
    println!(
        "  Dimulai      {} oleh {}",
        when(settings, run.dibuat_ms),
        run.dibuat_oleh
    );
    if let Some(ms) = run.selesai_ms {
        println!("  Selesai      {}", when(settings, ms));
    }
    println!(
        "  Potongan     {} dari {} selesai ({} dari {} calon)",
        output::count(progress.selesai),
        output::count(progress.total),
        output::count(progress.calon_selesai),
        output::count(progress.calon_total)
    );
    println!("  Aturan       {}", run.aturan.join(", "));
    if run.status == RunStatus::Selesai {
        print_tally(&run.hasil);
    }
}

/// `merit place [--run ID]`.
pub(super) async fn place(
    settings: Settings,
    run: Option<String>,
    json: bool,
) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let report = service::placement::place(&app, run.as_deref(), &service::Actor::cli()).await?;
    if json {
        output::print_json(&report)?;
        return Ok(Exit::Ok);
    }
    let p = &report.penempatan;
    println!(
        "Penempatan {} dari penyaringan {}: {} calon ditempatkan pada {} kebutuhan formasi, {} tidak ditempatkan.",
        p.id,
        p.run_id,
        output::count(p.ditempatkan),
        output::count(p.jumlah_formasi),
        output::count(p.tidak_ditempatkan)
    );
    for (why, n) in &report.alasan_tidak_ditempatkan {
        println!("  {why}: {}", output::count(*n));
    }
    println!("Ekspor daftarnya dengan: merit export placements --output penempatan.xlsx");
    Ok(Exit::Ok)
}

/// `merit export decisions|placements`.
/// `merit document sk-pengangkatan --output FOLDER`.
async fn decrees(
    args: super::args::DocumentArgs,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let report = service::placement::decrees::write_as(
        &app,
        args.instance.as_deref(),
        &args.output,
        &service::Actor::cli(),
    )
    .await?;
    if json {
        output::print_json(&report)?;
    } else {
        println!(
            "{} keputusan pengangkatan dan perjanjian kerja (nomor {} sampai {}) ditulis ke {}; semuanya juga dalam {} ({} KB).",
            report.berkas,
            report.nomor_pertama,
            report.nomor_terakhir,
            report.folder,
            report.zip,
            output::count(report.ukuran_zip.div_ceil(1024))
        );
    }
    Ok(Exit::Ok)
}

/// `merit document KIND`.
pub(super) async fn document(
    cmd: super::args::DocumentCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    use super::args::DocumentCommand as C;
    use crate::documents::DocumentKind as K;
    let (kind, args) = match cmd {
        C::BeritaAcaraVerifikasi(a) => (K::BeritaAcaraVerifikasi, a),
        C::SuratUsulan(a) => (K::SuratUsulan, a),
        C::Sptjm(a) => (K::Sptjm, a),
        C::PernyataanAnggaran(a) => (K::PernyataanAnggaran, a),
        C::SkPengangkatan(a) => return decrees(a, settings, json).await,
        C::BeritaAcaraTpk(a) => (K::BeritaAcaraTpk, a),
        C::Rekap(a) => (K::Rekap, a),
        C::Pengumuman { id, output } => {
            return super::public::announcement_document(id, &output, settings, json).await;
        }
    };
    let app = open_app(settings).await?;
    let report = service::placement::documents::write_as(
        &app,
        kind,
        args.instance.as_deref(),
        args.run.as_deref(),
        &args.output,
        &service::Actor::cli(),
    )
    .await?;
    if json {
        output::print_json(&report)?;
    } else {
        println!(
            "{} ({} halaman, {} KB) dari {} ditulis ke {}.",
            kind.title(),
            report
                .halaman
                .map_or_else(|| "?".to_owned(), |h| h.to_string()),
            output::count(report.ukuran.div_ceil(1024)),
            report.sumber,
            report.berkas
        );
    }
    Ok(Exit::Ok)
}

/// A list of documents.md 2, identifiers in full (the command line is the administrator's).
async fn list(
    app: &service::App,
    kind: ListKind,
    args: &super::args::ListArgs,
) -> Result<ExportReport, service::ServiceError> {
    service::placement::lists::export(app, kind, args.run.as_deref(), &args.output, true).await
}

pub(super) async fn export(
    cmd: ExportCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let report: ExportReport = match &cmd {
        ExportCommand::Decisions { run, output } => {
            service::placement::export_decisions(&app, run.as_deref(), output, true).await?
        }
        ExportCommand::Placements { id, output } => {
            service::placement::export_placements(&app, id.as_deref(), output, true).await?
        }
        ExportCommand::Rincian(a) => list(&app, ListKind::Rincian, a).await?,
        ExportCommand::Usulan(a) => list(&app, ListKind::Usulan, a).await?,
        ExportCommand::TidakDiusulkan(a) => list(&app, ListKind::TidakDiusulkan, a).await?,
        ExportCommand::Anggaran(a) => list(&app, ListKind::Anggaran, a).await?,
        ExportCommand::Rekap(a) => list(&app, ListKind::Rekap, a).await?,
        ExportCommand::RekapPengisian(a) => list(&app, ListKind::RekapPengisian, a).await?,
        ExportCommand::Sanggah { output } => {
            service::public::objection::export(&app, output).await?
        }
    };
    if json {
        output::print_json(&report)?;
    } else {
        println!(
            "{} baris dari {} ditulis ke {}.",
            output::count(report.baris),
            report.sumber,
            report.berkas
        );
    }
    Ok(Exit::Ok)
}
