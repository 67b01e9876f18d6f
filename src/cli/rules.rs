//! `merit rules check|test|explain|versions|preview|publish|restore`.

use std::path::Path;

use super::{Exit, Failure, args::RulesCommand, open_app, output};
use crate::{
    config::Settings,
    service::{self, rules::Explanation},
};

pub(super) async fn run(
    cmd: RulesCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    match cmd {
        RulesCommand::Check => check(&settings, json),
        RulesCommand::Test { perbarui } => test(&settings, perbarui, json),
        RulesCommand::Definitions { out } => definitions(&settings, out.as_deref()),
        RulesCommand::Versions { ruleset } => versions(settings, &ruleset, json).await,
        RulesCommand::Preview { ruleset, from } => {
            let app = open_app(settings).await?;
            let key = ruleset_key(&ruleset)?;
            let actor = service::Actor::cli();
            let report = service::drafts::preview_folder(&app, &key, &from, &actor).await?;
            super::screening::print_dry_run(&app, &report, json).await?;
            Ok(Exit::Ok)
        }
        RulesCommand::Publish {
            ruleset,
            from,
            reason,
            letter,
        } => {
            let app = open_app(settings).await?;
            let key = ruleset_key(&ruleset)?;
            let actor = service::Actor::cli();
            let done = service::drafts::publish_folder(
                &app,
                &key,
                &from,
                &actor,
                &reason,
                letter.as_deref(),
            )
            .await?;
            published(&ruleset, &done, json)
        }
        RulesCommand::Restore {
            ruleset,
            version,
            reason,
        } => {
            let app = open_app(settings).await?;
            let key = ruleset_key(&ruleset)?;
            let actor = service::Actor::cli();
            let done = service::drafts::restore(&app, &key, &version, &actor, &reason).await?;
            published(&ruleset, &done, json)
        }
        RulesCommand::Explain { nik, run, ruleset } => {
            let app = open_app(settings).await?;
            let nik = super::candidates::nik_of(&nik)?;
            let e = service::rules::explain(&app, &nik, run.as_deref(), ruleset.as_deref()).await?;
            if json {
                output::print_json(&e)?;
            } else {
                print_explanation(&e);
            }
            Ok(Exit::Ok)
        }
    }
}

/// `merit rules check`.
fn check(settings: &Settings, json: bool) -> Result<Exit, Failure> {
    let report = service::rules::check(settings);
    if json {
        output::print_json(&report)?;
    } else {
        for rs in &report.ruleset {
            println!(
                "{} (versi {}): {} aturan, {} kasus uji — valid",
                rs.id, rs.versi, rs.aturan, rs.kasus_uji
            );
        }
    }
    for e in &report.kesalahan {
        eprintln!("{e}");
    }
    if report.kesalahan.is_empty() {
        Ok(Exit::Ok)
    } else {
        eprintln!(
            "{} kesalahan; ruleset yang salah tidak dapat dipakai.",
            report.kesalahan.len()
        );
        Ok(Exit::Invalid)
    }
}

/// `merit rules test [--perbarui]`.
fn test(settings: &Settings, perbarui: bool, json: bool) -> Result<Exit, Failure> {
    let run = service::rules::test_and_update(settings, perbarui);
    let report = &run.report;
    let total = run.cases();
    for e in &report.tidak_dimuat {
        eprintln!("{e}");
    }
    for f in &report.gagal {
        eprintln!("{f}\n");
    }
    if json {
        print_test_json(report, total)?;
    } else {
        for rs in &report.ruleset {
            println!("{}: {} kasus uji", rs.id, rs.kasus_uji);
        }
        println!(
            "{} dari {total} kasus uji lulus.",
            total - report.gagal.len()
        );
    }
    if let Some(updated) = &run.updated {
        for u in &updated.updates {
            match &u.alasan {
                None => eprintln!(
                    "Harapan kasus '{}' ({}) diperbarui di {}.",
                    u.kasus,
                    u.ruleset,
                    u.berkas.display()
                ),
                Some(a) => {
                    eprintln!("Kasus '{}' ({}) tidak diperbarui: {a}.", u.kasus, u.ruleset)
                }
            }
        }
        println!(
            "Setelah diperbarui: {} kasus uji masih gagal.",
            updated.still_failing
        );
    }
    Ok(if run.passed() {
        Exit::Ok
    } else {
        Exit::Invalid
    })
}

fn print_test_json(report: &service::rules::TestReport, total: usize) -> Result<(), Failure> {
    let failures: Vec<serde_json::Value> = report
        .gagal
        .iter()
        .map(|f| {
            serde_json::json!({
                "ruleset": f.ruleset, "kasus": f.nama, "berkas": f.file, "baris": f.line,
                "harapan": f.harapan, "hasil": f.aktual,
                "aturan": f.aturan.iter().filter(|(_, wrong)| *wrong).map(|(m, _)| serde_json::json!({
                    "id": m.id, "harapan": m.harapan, "hasil": m.aktual.code(), "alasan": m.aktual.reason(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    output::print_json(&serde_json::json!({
        "ruleset": report.ruleset, "kasus": total, "gagal": failures, "kesalahan": report.tidak_dimuat,
    }))?;
    Ok(())
}

/// `merit rules definitions [--out FOLDER]`.
fn definitions(settings: &Settings, out: Option<&Path>) -> Result<Exit, Failure> {
    service::rules::write_definitions(settings, out, |file| println!("{}", file.display()))?;
    Ok(Exit::Ok)
}

/// `merit rules versions RULESET`.
async fn versions(settings: Settings, ruleset: &str, json: bool) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let key = ruleset_key(ruleset)?;
    let versions = service::ground::versions::versions(&app, &key).await?;
    if json {
        output::print_json(&versions)?;
    } else if versions.is_empty() {
        println!(
            "Ruleset {ruleset} belum pernah diterbitkan lewat merit; berkas di folder aturan yang berlaku."
        );
    } else {
        for v in &versions {
            let surat = v
                .nomor_surat
                .as_deref()
                .map(|s| format!(" — surat {s}"))
                .unwrap_or_default();
            println!(
                "versi {}  sidik {}  {}  {}{surat}\n    {}",
                v.versi, v.sidik, v.waktu, v.penulis, v.alasan
            );
        }
    }
    Ok(Exit::Ok)
}

fn ruleset_key(id: &str) -> Result<crate::domain::DefinitionKey, Failure> {
    crate::domain::DefinitionKey::parse(&format!("aturan:{id}")).map_err(Failure::invalid)
}

/// Says what a publication did: exit 0 when written, 4 when it waits for approval.
fn published(
    ruleset: &str,
    done: &service::drafts::Published,
    json: bool,
) -> Result<Exit, Failure> {
    match done {
        service::drafts::Published::Version(n) => {
            if json {
                output::print_json(
                    &serde_json::json!({ "ruleset": ruleset, "versi": n, "status": "diterbitkan" }),
                )?;
            } else {
                println!(
                    "Ruleset {ruleset} diterbitkan sebagai versi {n}; setiap merit serve memuatnya ulang."
                );
            }
            Ok(Exit::Ok)
        }
        service::drafts::Published::Waiting(instance) => {
            if json {
                output::print_json(
                    &serde_json::json!({ "ruleset": ruleset, "instans": instance, "status": "menunggu_persetujuan" }),
                )?;
            } else {
                println!(
                    "Perubahan ruleset {ruleset} menunggu persetujuan Kepala BKPSDM (alur {}, proses persetujuan {instance}); diterbitkan setelah disetujui.",
                    service::ground::CHANGE_WORKFLOW
                );
            }
            Ok(Exit::Refused)
        }
    }
}

fn print_explanation(e: &Explanation) {
    let source = if e.sumber == "dievaluasi_sekarang" {
        "dievaluasi sekarang dengan ruleset yang berlaku".to_owned()
    } else {
        format!("penyaringan {}", e.sumber)
    };
    println!("{} (NIK {})", e.nama, e.nik);
    println!("Ruleset {} versi {} — {source}", e.ruleset, e.versi_aturan);
    println!("Hasil: {}", e.hasil.label().to_uppercase());
    if let Some(p) = e.prioritas {
        println!("Prioritas: {p}");
    }
    if let Some(last) = &e.run_terakhir {
        let changed = if last.data_berubah {
            "; data calon telah berubah sejak penyaringan itu"
        } else {
            ""
        };
        println!(
            "Hasil pada penyaringan terakhir {} (versi aturan {}): {}{changed}",
            last.run_id,
            last.versi_aturan,
            last.hasil.label()
        );
    }
    println!();
    for r in &e.aturan {
        println!("{} {} — {}", r.id, r.judul, r.hasil.to_uppercase());
        if let Some(a) = &r.alasan {
            println!("    Alasan: {a}");
        }
        println!("    Dasar hukum: {}", r.dasar_hukum);
    }
}
