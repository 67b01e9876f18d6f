//! One function per command: call the service, print the outcome.

use super::{
    Cli, Command, Exit, Failure,
    args::{BenchCommand, ImportWhat},
    open_app, output, settings,
};
use crate::{
    config::Settings,
    generate::{GenerateOptions, generate},
    ingest::ImportKind,
    service::{self, ImportOptions},
};

/// Whether a command only reads the database (then a missing SQLite file is an error, not a
/// new empty database).
fn reads_only(cmd: &Command) -> bool {
    use super::args::{
        AuditCommand, CandidateCommand, RulesCommand, UserCommand, VerificationCommand,
        WorkflowCommand,
    };
    match cmd {
        Command::Runs(_) | Command::Export(_) | Command::Document(_) => true,
        Command::Audit(a) => matches!(
            a,
            AuditCommand::List { .. } | AuditCommand::Verify { .. } | AuditCommand::Anchor { .. }
        ),
        Command::User(u) => matches!(u, UserCommand::List),
        Command::Workflow(w) => matches!(w, WorkflowCommand::List | WorkflowCommand::Show { .. }),
        Command::Rules(r) => matches!(
            r,
            RulesCommand::Versions { .. } | RulesCommand::Explain { .. }
        ),
        Command::Verification(v) => matches!(v, VerificationCommand::List { .. }),
        Command::Candidate(c) => matches!(c, CandidateCommand::Show { .. }),
        Command::Objection(o) => !matches!(o, super::args::ObjectionCommand::Review { .. }),
        Command::Announcement(a) => matches!(a, super::args::AnnouncementCommand::List),
        _ => false,
    }
}

/// Runs the parsed command.
pub(super) async fn dispatch(
    cli: Cli,
    frontend: &dyn crate::service::runtime::Frontend,
) -> Result<Exit, Failure> {
    let config = cli.config.clone();
    let json = cli.json;
    if reads_only(&cli.command) {
        let settings = settings(config.as_deref())?;
        if let Some(path) = service::missing_database(&settings) {
            return Err(Failure::invalid(format!(
                "basis data {} tidak ada di folder ini, dan perintah ini hanya membaca: tidak ada yang dibuat. Jalankan perintah dari folder instalasi merit (untuk demo: cd demo), atau tunjuk konfigurasinya dengan --config",
                path.display()
            )));
        }
    }
    match cli.command {
        Command::Migrate => migrate(settings(config.as_deref())?, json).await,
        Command::Import(args) => {
            let app = open_app(settings(config.as_deref())?).await?;
            import(&app, args, json).await
        }
        Command::Rules(cmd) => super::rules::run(cmd, settings(config.as_deref())?, json).await,
        Command::Workflow(cmd) => {
            super::workflow::run(cmd, settings(config.as_deref())?, json).await
        }
        Command::Vacancy(cmd) => {
            super::workflow::vacancy(cmd, settings(config.as_deref())?, json).await
        }
        cmd @ (Command::Announcement(_) | Command::Objection(_)) => {
            super::public::run(cmd, settings(config.as_deref())?, json).await
        }
        Command::Mail(cmd) => super::mail::run(cmd, settings(config.as_deref())?, json).await,
        Command::Serve => super::serve::serve(settings(config.as_deref())?, frontend).await,
        Command::Schedule(cmd) => super::serve::schedule(cmd, settings(config.as_deref())?, json),
        Command::Demo {
            dir,
            candidates,
            no_serve,
        } => {
            super::demo::run(
                config.as_deref(),
                &dir,
                candidates,
                no_serve,
                json,
                frontend,
            )
            .await
        }
        Command::Bench(cmd) => bench(cmd, settings(config.as_deref())?, json, frontend).await,
        Command::Init { dir } => init(&dir, json),
        Command::User(cmd) => super::accounts::user(cmd, settings(config.as_deref())?, json).await,
        Command::Audit(cmd) => {
            super::accounts::audit(cmd, settings(config.as_deref())?, json).await
        }
        Command::Screen { nik: Some(nik), .. } => {
            super::screening::screen_one(settings(config.as_deref())?, &nik, json).await
        }
        Command::Screen {
            ruleset, dry_run, ..
        } => super::screening::screen(settings(config.as_deref())?, ruleset, dry_run, json).await,
        Command::Verification(cmd) => {
            super::candidates::verification(cmd, settings(config.as_deref())?, json).await
        }
        Command::Candidate(cmd) => {
            super::candidates::candidate(cmd, settings(config.as_deref())?, json).await
        }
        Command::Runs(cmd) => super::screening::runs(cmd, settings(config.as_deref())?, json).await,
        Command::Place { run } => {
            super::screening::place(settings(config.as_deref())?, run, json).await
        }
        Command::Export(cmd) => {
            super::screening::export(cmd, settings(config.as_deref())?, json).await
        }
        Command::Document(cmd) => {
            super::screening::document(cmd, settings(config.as_deref())?, json).await
        }
        Command::Generate(args) => generate_data(args, json).await,
    }
}

/// `merit bench …`: one measurement, its figures printed.
async fn bench(
    cmd: BenchCommand,
    settings: Settings,
    json: bool,
    frontend: &dyn crate::service::runtime::Frontend,
) -> Result<Exit, Failure> {
    use crate::bench;
    match cmd {
        BenchCommand::Rules {
            candidates,
            threads,
            reps,
        } => {
            let r = bench::rules(&settings, candidates, threads, reps).await?;
            print_or_json(&r, json, print_rules_bench)
        }
        BenchCommand::Workflow {
            instances,
            parallel,
            database_url,
        } => {
            let r = bench::workflow::run(&settings, database_url, instances, parallel).await?;
            print_or_json(&r, json, |r| {
                println!(
                    "{}: {} keputusan pada {} instans ({} paralel) dalam {:.2} s: {:.0} keputusan/s; memulai {:.0} instans/s",
                    r.basis_data,
                    r.keputusan,
                    r.instans,
                    r.paralel,
                    r.detik,
                    r.keputusan_per_detik,
                    r.instans_per_detik
                );
            })
        }
        BenchCommand::Mail { messages, smtp } => {
            let r = bench::notify::mail(&settings, messages, smtp).await?;
            print_or_json(&r, json, |r| {
                println!(
                    "{} pesan ke {} dalam {:.2} s: {:.0} pesan/s (satu sambungan)",
                    r.pesan, r.tujuan, r.detik, r.pesan_per_detik
                );
            })
        }
        BenchCommand::Http {
            instances,
            gets,
            parallel,
        } => {
            let r = bench::notify::http(&settings, instances, gets, parallel, frontend).await?;
            print_or_json(&r, json, |r| {
                println!(
                    "GET halaman konfirmasi: {} permintaan, {:.0}/s, p50 {:.2} ms, p99 {:.2} ms ({} klien)",
                    r.get, r.get_per_detik, r.get_p50_ms, r.get_p99_ms, r.paralel
                );
                println!(
                    "POST keputusan: {} keputusan, {:.0}/s, p99 {:.2} ms",
                    r.post, r.post_per_detik, r.post_p99_ms
                );
            })
        }
        BenchCommand::Dokumen { only } => {
            let app = open_app(settings).await?;
            let r = bench::documents::documents(&app, only.as_deref()).await?;
            print_or_json(&r, json, print_documents_bench)
        }
        BenchCommand::Editor { reps } => {
            let app = open_app(settings).await?;
            let r = bench::editor::editor(&app, reps).await?;
            print_or_json(&r, json, print_editor_bench)
        }
        cmd @ (BenchCommand::Console { .. } | BenchCommand::Pengumuman { .. }) => {
            load_bench(cmd, settings, json, frontend).await
        }
    }
}

/// `merit bench console|pengumuman`: pages under load through the real HTTP server.
async fn load_bench(
    cmd: BenchCommand,
    settings: Settings,
    json: bool,
    frontend: &dyn crate::service::runtime::Frontend,
) -> Result<Exit, Failure> {
    use crate::bench;
    let app = open_app(settings).await?;
    match cmd {
        BenchCommand::Console { requests, parallel } => {
            let r = bench::console::console(&app, requests, parallel, frontend).await?;
            print_or_json(&r, json, print_console_bench)
        }
        BenchCommand::Pengumuman { requests, parallel } => {
            let r = bench::public::public(&app, requests, parallel, frontend).await?;
            print_or_json(&r, json, print_public_bench)
        }
        _ => Err(Failure::invalid("bukan uji beban halaman")),
    }
}

/// `report` as JSON, or through `print`; exit 0.
fn print_or_json<T: serde::Serialize>(
    report: &T,
    json: bool,
    print: impl FnOnce(&T),
) -> Result<Exit, Failure> {
    if json {
        output::print_json(report)?;
    } else {
        print(report);
    }
    Ok(Exit::Ok)
}

fn print_rules_bench(report: &crate::bench::RulesBench) {
    println!(
        "Evaluasi {} calon, median {} kali:",
        output::count(report.calon as u64),
        report.ulangan
    );
    for t in &report.hasil {
        println!(
            "  {:<6} {} thread: {:>8.3} s  {:>10.0} calon/s  {:>7.0} ns/calon  CPU/wall {:.2}",
            t.nama, t.thread, t.detik, t.calon_per_detik, t.ns_per_calon, t.cpu_per_wall
        );
    }
    println!(
        "Rhai/native (1 thread): {:.1}×; percepatan Rhai {:.2}×, native {:.2}×; selisih hasil {}",
        report.rasio_rhai_native,
        report.percepatan_rhai,
        report.percepatan_native,
        report.selisih_hasil
    );
}

fn print_documents_bench(r: &crate::bench::documents::DocumentsBench) {
    for b in &r.berkas {
        println!(
            "{:<28} {:>9.0} ms {:>10} KB {:>9} baris/halaman",
            b.nama,
            b.ms,
            output::count(b.ukuran.div_ceil(1024)),
            output::count(b.baris)
        );
    }
    println!(
        "Jumlah {:.0} ms; memori puncak proses {} MB, proses penyusun dokumen {} MB",
        r.jumlah_ms,
        output::count(r.rss_puncak_mb),
        output::count(r.rss_anak_puncak_mb)
    );
}

fn print_editor_bench(r: &crate::bench::editor::EditorBench) {
    println!(
        "Periksa + Uji ruleset {} ({} kasus uji), {} kali: p50 {:.1} ms, p99 {:.1} ms",
        r.ruleset, r.kasus_uji, r.ulangan, r.periksa_uji_p50_ms, r.periksa_uji_p99_ms
    );
    println!(
        "Pratinjau atas {} calon ({} berubah hasil): {:.0} ms",
        output::count(r.calon),
        output::count(r.berubah),
        r.pratinjau_ms
    );
}

fn print_console_bench(r: &crate::bench::console::ConsoleBench) {
    println!(
        "Konsol: {} calon pada penyaringan terakhir, {} klien yang masuk",
        output::count(r.calon),
        r.klien
    );
    for p in &r.halaman {
        println!(
            "  {:<14} {} permintaan, {:.0} halaman/s, p50 {:.2} ms, p99 {:.2} ms",
            p.halaman, p.permintaan, p.per_detik, p.p50_ms, p.p99_ms
        );
    }
}

fn print_public_bench(r: &crate::bench::public::PublicBench) {
    println!(
        "Pengumuman: {} calon diterbitkan dalam {:.0} ms; {} klien",
        output::count(u64::try_from(r.calon).unwrap_or_default()),
        r.terbit_ms,
        r.klien
    );
    for p in &r.halaman {
        println!(
            "  {:<14} {} permintaan, {:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
            p.halaman, p.permintaan, p.per_detik, p.p50_ms, p.p99_ms
        );
    }
    if let Some(ms) = r.sanggah_ms {
        println!("  Satu sanggah diterima (saring ulang satu calon dan tempatkan): {ms:.0} ms");
    }
}

/// `merit generate`: the synthetic regency written off the async threads.
async fn generate_data(args: super::args::GenerateArgs, json: bool) -> Result<Exit, Failure> {
    let opts = GenerateOptions {
        candidates: args.candidates,
        out: args.out,
        seed: args.seed,
    };
    let summary = tokio::task::spawn_blocking(move || generate(&opts))
        .await
        .map_err(|e| Failure::unexpected(e.to_string()))?
        .map_err(|e| {
            Failure::unexpected(format!(
                "tidak dapat menulis data sintetis: {}",
                crate::domain::io_message(&e)
            ))
        })?;
    if json {
        output::print_json(&summary)?;
    } else {
        println!(
            "Data sintetis ditulis: {} calon ({} baris kotor disengaja), {} baris formasi ({} kebutuhan), {} pegawai, {} unit kerja.",
            output::count(summary.calon),
            output::count(summary.baris_kotor),
            output::count(summary.formasi),
            output::count(summary.jumlah_formasi),
            output::count(summary.pegawai),
            output::count(summary.unit),
        );
        for f in &summary.berkas {
            println!("  {}", f.display());
        }
    }
    Ok(Exit::Ok)
}

async fn migrate(settings: crate::config::Settings, json: bool) -> Result<Exit, Failure> {
    let applied = service::status::migrate(&settings).await?;
    if json {
        output::print_json(&serde_json::json!({ "diterapkan": applied }))?;
    } else if applied.is_empty() {
        println!("Basis data sudah mutakhir; tidak ada migrasi yang perlu diterapkan.");
    } else {
        println!("{} migrasi diterapkan:", applied.len());
        for m in &applied {
            println!("  {m}");
        }
    }
    Ok(Exit::Ok)
}

/// `merit import candidates|formations|employees FILE`, with a progress bar.
async fn import(
    app: &service::App,
    args: super::args::ImportArgs,
    json: bool,
) -> Result<Exit, Failure> {
    let kind = match args.what {
        ImportWhat::Candidates => ImportKind::Candidates,
        ImportWhat::Formations => ImportKind::Formations,
        ImportWhat::Employees => ImportKind::Employees,
    };
    let progress = crate::progress::Progress::shared();
    let bar = super::progress::show(&progress, "Mengimpor", true);
    let opts = ImportOptions {
        kind,
        path: args.file,
        skip_invalid: args.skip_invalid,
        izinkan_di_bawah_katalog: args.izinkan_di_bawah_katalog,
        sheet: args.sheet,
        berkas: None,
        actor: service::Actor::cli(),
        progress: Some(progress),
    };
    let result = imported(app, opts, json).await;
    if let Some(bar) = bar {
        bar.finish().await;
    }
    result
}

async fn imported(app: &service::App, opts: ImportOptions, json: bool) -> Result<Exit, Failure> {
    let report = service::import(app, &opts, |e| eprintln!("{e}")).await?;
    for w in &report.peringatan {
        eprintln!("peringatan: {w}");
    }
    if json {
        output::print_json(&report)?;
    }
    let what = match opts.kind {
        ImportKind::Candidates => "calon",
        ImportKind::Formations => "baris formasi",
        ImportKind::Employees => "pegawai",
    };
    if !report.kolom_diabaikan.is_empty() {
        eprintln!(
            "peringatan: kolom tidak dikenal diabaikan: {}",
            report.kolom_diabaikan.join(", ")
        );
    }
    if !report.disimpan {
        eprintln!(
            "Impor dibatalkan: {} dari {} baris tidak valid; tidak ada data yang disimpan. \
             Perbaiki baris di atas, atau gunakan --skip-invalid untuk mengimpor baris yang sah saja.",
            output::count(report.ditolak),
            output::count(report.baris)
        );
        return Ok(Exit::Invalid);
    }
    if !json {
        println!(
            "{} {what} diimpor dari {} ({}).",
            output::count(report.diimpor),
            report.berkas,
            report.format
        );
        if let Some(f) = &report.berkas_ditolak {
            println!(
                "{} baris ditolak dan ditulis ke {f} (lihat kolom kesalahan).",
                output::count(report.ditolak)
            );
        }
    }
    Ok(Exit::Ok)
}

/// `merit init [DIR]`: the built-in definitions written out for editing; nothing overwritten.
fn init(dir: &std::path::Path, json: bool) -> Result<Exit, Failure> {
    let report = service::init::write_builtin(dir)?;
    if json {
        output::print_json(&report)?;
    } else {
        for f in &report.ditulis {
            println!("  {f}");
        }
        // The folder by its full name: "ditulis ke ." reads as a stray full stop.
        let folder = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        println!(
            "{} berkas bawaan ditulis ke folder {}.",
            report.ditulis.len(),
            folder.display()
        );
        println!(
            "Ubah berkas tersebut sesuai kebutuhan, lalu periksa dengan perintah merit rules check dan merit workflow check."
        );
    }
    Ok(Exit::Ok)
}
