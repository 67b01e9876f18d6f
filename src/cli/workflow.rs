//! `merit workflow check|start|list|show|decide|tick` and `merit vacancy open`.

use super::{
    Exit, Failure,
    args::{VacancyCommand, WorkflowCommand},
    open_app, output,
};
use crate::{
    clock::from_ms,
    config::Settings,
    domain::{AlasanLowongan, Jenjang, format_datetime_id, parse_date},
    service::{
        self,
        workflow::vacancy::VacancyRequest,
        workflow::{DecideRequest, InstanceView},
    },
    workflow::{Answer, Channel, Status},
};

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Berjalan => "berjalan",
        Status::SelesaiDisetujui => "selesai, disetujui",
        Status::SelesaiDitolak => "selesai, ditolak",
        Status::Dibatalkan => "dibatalkan",
    }
}

pub(super) async fn run(
    cmd: WorkflowCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    match cmd {
        WorkflowCommand::Check => check(&settings, json),
        WorkflowCommand::Start {
            id,
            subject,
            as_person,
        } => start(settings, &id, subject.as_deref(), as_person, json).await,
        WorkflowCommand::List => list(settings, json).await,
        WorkflowCommand::Show { instance } => show(settings, &instance, json).await,
        WorkflowCommand::Decide {
            instance,
            step,
            as_person,
            decision,
            comment,
            pilihan,
        } => {
            let jawaban = answer_of(&decision, pilihan)?;
            let req = DecideRequest {
                instance,
                langkah: step,
                orang: as_person,
                jawaban,
                komentar: comment,
                saluran: Channel::Cli,
                dicatat_oleh: Some(service::Actor::cli()),
                kunjungan: None,
            };
            decide(settings, &req, json).await
        }
        WorkflowCommand::Tick => tick(settings, json).await,
        WorkflowCommand::Cancel { instance, reason } => {
            cancel(settings, &instance, &reason, json).await
        }
    }
}

/// `merit workflow start`.
async fn start(
    settings: Settings,
    id: &str,
    subject: Option<&str>,
    as_person: Option<String>,
    json: bool,
) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let by = as_person.unwrap_or_else(service::current_user);
    let view = service::workflow::start_shown(&app, id, subject, &service::Actor::cli(), Some(&by))
        .await?;
    let instance = &view.instance_id;
    if json {
        output::print_json(&serde_json::json!({ "instance_id": instance }))?;
    } else {
        println!(
            "Proses persetujuan {instance} dimulai: {} (versi {}).",
            view.judul, view.versi
        );
        print_open_step(&view);
    }
    Ok(Exit::Ok)
}

/// `merit workflow list`.
async fn list(settings: Settings, json: bool) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let list = service::workflow::list(&app).await?;
    if json {
        output::print_json(&list)?;
    } else if list.is_empty() {
        println!("Belum ada proses persetujuan.");
    } else {
        for i in &list {
            println!(
                "{}  {:<26} {:<20} langkah: {:<14} dimulai {}",
                i.instance_id,
                i.workflow,
                status_label(i.status),
                i.langkah_aktif.as_deref().unwrap_or("-"),
                i.dibuat
            );
        }
    }
    Ok(Exit::Ok)
}

/// `merit workflow show`.
async fn show(settings: Settings, instance: &str, json: bool) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let view = service::workflow::show(&app, instance).await?;
    if json {
        output::print_json(&view)?;
    } else {
        print_view(&view, app.settings());
    }
    Ok(Exit::Ok)
}

/// `merit workflow decide`.
async fn decide(settings: Settings, req: &DecideRequest, json: bool) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let report = service::workflow::decide(&app, req).await?;
    if json {
        output::print_json(&report)?;
    } else {
        println!(
            "Keputusan dicatat. Status instans: {}{}.",
            status_label(report.status),
            report
                .langkah_aktif
                .as_deref()
                .map(|l| format!("; langkah terbuka: {l}"))
                .unwrap_or_default()
        );
    }
    Ok(Exit::Ok)
}

/// `merit workflow tick`.
async fn tick(settings: Settings, json: bool) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let report = service::workflow::tick(&app).await?;
    if json {
        output::print_json(&report)?;
    } else {
        println!(
            "{} pengatur waktu dijalankan, {} usang, {} sudah dijalankan proses lain.",
            report.dijalankan, report.usang, report.oleh_proses_lain
        );
    }
    Ok(Exit::Ok)
}

/// `merit workflow cancel`.
async fn cancel(
    settings: Settings,
    instance: &str,
    reason: &str,
    json: bool,
) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let report =
        service::workflow::cancel(&app, instance, &service::audit::Actor::cli(), reason).await?;
    if json {
        output::print_json(&report)?;
    } else {
        println!(
            "Proses persetujuan {instance} dibatalkan; tautannya tidak berlaku lagi dan orang yang ditunggu diberi tahu."
        );
    }
    Ok(Exit::Ok)
}

/// `merit workflow check`.
fn check(settings: &Settings, json: bool) -> Result<Exit, Failure> {
    let defs = match service::workflow::check(settings) {
        Ok(defs) => defs,
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!(
                "{} kesalahan; workflow yang salah tidak dapat dipakai (versi valid terakhir tetap berlaku).",
                diags.0.len()
            );
            return Ok(Exit::Invalid);
        }
    };
    if json {
        let list: Vec<_> = defs
            .values()
            .map(|d| {
                serde_json::json!({
                    "id": d.id, "judul": d.judul, "versi": d.versi,
                    "berkas": d.berkas, "langkah": d.langkah.iter().map(|s| &s.id).collect::<Vec<_>>(),
                })
            })
            .collect();
        output::print_json(&list)?;
    } else {
        for d in defs.values() {
            println!(
                "{} (versi {}): {} langkah — valid",
                d.id,
                d.versi,
                d.langkah.len()
            );
        }
        if defs.is_empty() {
            println!(
                "Tidak ada workflow di {}.",
                settings.workflows_dir.display()
            );
        }
    }
    Ok(Exit::Ok)
}

/// The answer `--decision` (and `--pilihan`) name.
fn answer_of(decision: &str, pilihan: Option<String>) -> Result<Answer, Failure> {
    match (decision.trim().to_lowercase().as_str(), pilihan) {
        (_, Some(p)) => Ok(Answer::Pilih(p)),
        ("pilih", None) => Err(Failure::invalid("keputusan pilih memerlukan --pilihan")),
        (code, None)
            if let Some(a) = Answer::PLAIN
                .into_iter()
                .chain([Answer::Abstain])
                .find(|a| a.code() == code) =>
        {
            Ok(a)
        }
        (other, None) => Err(Failure {
            exit: Exit::Usage,
            message: format!(
                "keputusan '{other}' tidak dikenal: gunakan setuju, tolak, kembalikan, atau abstain (anggota tim yang berbenturan kepentingan, dengan --comment alasannya)"
            ),
        }),
    }
}

fn print_open_step(view: &InstanceView) {
    match &view.langkah_aktif {
        Some(step) => {
            let who: Vec<String> = view
                .penyetuju
                .iter()
                .map(|s| {
                    format!(
                        "{} [{}]{}",
                        s.orang,
                        s.kapasitas,
                        s.keputusan
                            .as_ref()
                            .map(|k| format!(": {}", k.code()))
                            .unwrap_or_default()
                    )
                })
                .collect();
            println!("Langkah terbuka: {step}; penyetuju: {}", who.join(", "));
            if !view.opsi.is_empty() {
                println!("Pilihan: {}", view.opsi.join(", "));
            }
        }
        None => println!("Status: {}.", status_label(view.status)),
    }
}

fn print_view(view: &InstanceView, settings: &Settings) {
    println!("Proses persetujuan {}", view.instance_id);
    println!(
        "  Workflow: {} — {} (versi {})",
        view.workflow, view.judul, view.versi
    );
    println!("  Status: {}", status_label(view.status));
    println!("  Dimulai oleh {} pada {}", view.dibuat_oleh, view.dibuat);
    print!("  ");
    print_open_step(view);
    if let Some(p) = &view.pilihan {
        println!("  Pilihan: {p}");
    }
    for t in &view.pengatur_waktu {
        println!(
            "  Menunggu {} langkah {}: {}",
            t.jenis, t.langkah, t.jatuh_tempo
        );
    }
    println!("Riwayat:");
    for h in &view.riwayat {
        let when = format_datetime_id(from_ms(h.waktu_ms), settings.timezone);
        let mut line = format!("  {when}  {}", h.jenis);
        if let Some(l) = &h.langkah {
            line.push_str(&format!(" [{l}]"));
        }
        if let Some(o) = &h.orang {
            line.push_str(&format!(" oleh {o}"));
        }
        if let Some(k) = &h.kapasitas {
            line.push_str(&format!(" selaku {k}"));
        }
        if let Some(s) = &h.saluran {
            let s = match s.as_str() {
                "tautan" => "tautan email",
                "balasan" => "balasan email",
                "cli" => "baris perintah",
                other => other,
            };
            line.push_str(&format!(" melalui {s}"));
        }
        if let Some(k) = &h.keputusan {
            line.push_str(&format!(": {k}"));
        }
        if let Some(c) = &h.komentar {
            line.push_str(&format!(" — {c}"));
        }
        println!("{line}");
    }
}

pub(super) async fn vacancy(
    cmd: VacancyCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    let VacancyCommand::Open {
        level,
        unit,
        position,
        reason,
        date,
    } = cmd;
    let jenjang = Jenjang::parse(&level).map_err(|e| Failure::invalid(format!("--level: {e}")))?;
    let alasan =
        AlasanLowongan::parse(&reason).map_err(|e| Failure::invalid(format!("--reason: {e}")))?;
    let tanggal = date
        .map(|d| {
            parse_date(&d)
                .ok_or_else(|| Failure::invalid(format!("--date '{d}' bukan tanggal (YYYY-MM-DD)")))
        })
        .transpose()?;
    let app = open_app(settings).await?;
    let req = VacancyRequest {
        jenjang,
        unit,
        jabatan: position,
        alasan,
        tanggal,
    };
    let report = service::workflow::vacancy::open(&app, &req, &service::Actor::cli()).await?;
    if json {
        output::print_json(&report)?;
    } else {
        print_vacancy(&report);
    }
    Ok(Exit::Ok)
}

fn print_vacancy(report: &service::workflow::vacancy::VacancyReport) {
    println!(
        "Lowongan {} dicatat; {} pegawai dinilai.",
        report.lowongan_id,
        report.kandidat.len()
    );
    if report.shortlist.is_empty() {
        println!(
            "Tidak ada pegawai yang memenuhi syarat; alur pengisian jabatan tidak dimulai. \
             Pertimbangkan seleksi terbuka atau uji kesesuaian (WF-4)."
        );
    } else {
        println!("Daftar pendek (terbaik lebih dulu):");
        for k in report
            .kandidat
            .iter()
            .filter(|k| report.shortlist.contains(&k.nip))
        {
            println!(
                "  {}. {} {} — {}, kotak talenta {}",
                k.peringkat.unwrap_or_default(),
                k.nip,
                k.nama,
                k.hasil.label(),
                k.kotak_talenta
            );
            for a in &k.alasan {
                println!("       {a}");
            }
        }
        if let Some(i) = &report.instance_id {
            println!("Alur pengisian jabatan dimulai: proses persetujuan {i}.");
        }
    }
}
