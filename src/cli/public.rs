//! `merit announcement …` and `merit objection …`: the public announcement and its objection
//! window, and the objections filed against it (candidates.md).

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::json;

use super::{
    Exit, Failure,
    args::{AnnouncementCommand, Command, ObjectionCommand},
    open_app, output,
};
use crate::{
    config::Settings,
    domain::{Nik, format_datetime_id},
    service::{
        self,
        audit::Actor,
        public::{AnnouncementRow, ObjectionRow, PublishRequest, objection},
    },
};

/// `--start`: a date (the window opens at the start of office hours) or a date and time, in
/// the installation's time zone.
fn start_of(text: &str, settings: &Settings) -> Result<chrono::DateTime<Utc>, Failure> {
    let t = text.trim();
    let local = if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        d.and_time(settings.jam_kerja.buka)
    } else {
        NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M"))
            .map_err(|_| {
                Failure::invalid(format!(
                    "--start: '{t}' bukan tanggal; tulis tahun-bulan-tanggal, misalnya 2026-12-08, atau dengan jam, misalnya 2026-12-08T09:00"
                ))
            })?
    };
    settings
        .timezone
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            Failure::invalid(format!("--start: waktu '{t}' tidak ada di zona waktu ini"))
        })
}

fn announcement_json(a: &AnnouncementRow, tz: chrono_tz::Tz) -> serde_json::Value {
    let at = |ms| at(ms, tz);
    json!({
        "nomor": a.nomor,
        "penempatan_id": a.penempatan_id,
        "run_id": a.run_id,
        "jumlah": a.jumlah,
        "hari_sanggah": a.hari_sanggah,
        "mulai": at(a.mulai_ms),
        "tutup": at(a.tutup_ms),
        "ditutup": a.ditutup_ms.map(at),
        "diterbitkan": at(a.dibuat_ms),
        "oleh": a.oleh,
    })
}

/// `merit announcement …` and `merit objection …`.
pub(super) async fn run(cmd: Command, settings: Settings, json: bool) -> Result<Exit, Failure> {
    match cmd {
        Command::Announcement(c) => announcement(c, settings, json).await,
        Command::Objection(c) => objection(c, settings, json).await,
        _ => Err(Failure::invalid(
            "perintah ini bukan pengumuman atau sanggah",
        )),
    }
}

/// `merit announcement publish|list|close`.
async fn announcement(
    cmd: AnnouncementCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    let tz = settings.timezone;
    let mulai = match &cmd {
        AnnouncementCommand::Publish { start: Some(s), .. } => Some(start_of(s, &settings)?),
        _ => None,
    };
    let app = open_app(settings).await?;
    let actor = Actor::cli();
    match cmd {
        AnnouncementCommand::Publish {
            placement,
            objection_days,
            ..
        } => {
            let req = PublishRequest {
                placement,
                hari_sanggah: objection_days,
                mulai,
            };
            let a = service::public::announcement::publish(&app, &req, &actor).await?;
            print_published(&a, tz, json)?;
        }
        AnnouncementCommand::List => {
            let all = service::public::announcement::list(&app).await?;
            print_announcements(&all, app.clock().now_ms(), tz, json)?;
        }
        AnnouncementCommand::Close { id } => {
            let a = service::public::announcement::close(&app, id, &actor).await?;
            if json {
                output::print_json(&announcement_json(&a, tz))?;
            } else {
                println!(
                    "Masa sanggah pengumuman nomor {} ditutup pada {}.",
                    a.nomor,
                    a.ditutup_ms.map(|ms| at(ms, tz)).unwrap_or_default()
                );
            }
        }
    }
    Ok(Exit::Ok)
}

fn at(ms: i64, tz: chrono_tz::Tz) -> String {
    format_datetime_id(crate::clock::from_ms(ms), tz)
}

fn print_published(a: &AnnouncementRow, tz: chrono_tz::Tz, json: bool) -> Result<(), Failure> {
    if json {
        return output::print_json(&announcement_json(a, tz));
    }
    println!(
        "Pengumuman nomor {} diterbitkan: {} calon dari penempatan {}.",
        a.nomor,
        output::count(u64::try_from(a.jumlah).unwrap_or_default()),
        a.penempatan_id
    );
    println!(
        "Masa sanggah {} hari kerja: {} sampai {}.",
        a.hari_sanggah,
        at(a.mulai_ms, tz),
        at(a.tutup_ms, tz)
    );
    println!("Halaman publik: /pengumuman/{}", a.nomor);
    Ok(())
}

fn print_announcements(
    all: &[AnnouncementRow],
    now_ms: i64,
    tz: chrono_tz::Tz,
    json: bool,
) -> Result<(), Failure> {
    if json {
        return output::print_json(
            &all.iter()
                .map(|a| announcement_json(a, tz))
                .collect::<Vec<_>>(),
        );
    }
    if all.is_empty() {
        println!("Belum ada pengumuman.");
    }
    for a in all {
        println!(
            "{}  {} calon  sanggah {} s.d. {}{}",
            a.nomor,
            output::count(u64::try_from(a.jumlah).unwrap_or_default()),
            at(a.mulai_ms, tz),
            at(a.ditutup_ms.unwrap_or(a.tutup_ms).min(a.tutup_ms), tz),
            if a.open_at(now_ms) { "  (terbuka)" } else { "" }
        );
    }
    Ok(())
}

fn masked(nik: &str) -> String {
    Nik::parse(nik).map_or_else(|_| "-".to_owned(), |n| n.masked())
}

/// `merit objection list|show`.
async fn objection(cmd: ObjectionCommand, settings: Settings, json: bool) -> Result<Exit, Failure> {
    let tz = settings.timezone;
    let app = open_app(settings).await?;
    match cmd {
        ObjectionCommand::List { status } => {
            let all = objection::list(&app, status.as_deref()).await?;
            print_objections(&all, tz, json)?;
        }
        ObjectionCommand::Show { number } => {
            let v = objection::show(&app, number.trim()).await?;
            print_objection(&v, tz, json)?;
        }
        ObjectionCommand::Review { number } => {
            let id = objection::review(&app, number.trim(), &Actor::cli()).await?;
            if json {
                output::print_json(&json!({ "nomor": number.trim(), "instance_id": id }))?;
            } else {
                println!("Telaah sanggah {} dimulai lagi: alur {id}.", number.trim());
            }
        }
    }
    Ok(Exit::Ok)
}

fn print_objections(all: &[ObjectionRow], tz: chrono_tz::Tz, json: bool) -> Result<(), Failure> {
    if json {
        return output::print_json(
            &all.iter()
                .map(|o| {
                    json!({
                        "nomor": o.nomor,
                        "pengumuman": o.pengumuman,
                        "nik": masked(&o.nik),
                        "status": o.status,
                        "diajukan": at(o.dibuat_ms, tz),
                        "instance_id": o.instance_id,
                    })
                })
                .collect::<Vec<_>>(),
        );
    }
    if all.is_empty() {
        println!("Belum ada sanggah.");
    }
    for o in all {
        println!(
            "{}  pengumuman {}  {}  {}  diajukan {}{}",
            o.nomor,
            o.pengumuman,
            masked(&o.nik),
            objection::status_label(&o.status),
            at(o.dibuat_ms, tz),
            if o.instance_id.is_none() && o.status == "diajukan" {
                "  (telaah belum dimulai)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

fn print_objection(
    v: &objection::ObjectionView,
    tz: chrono_tz::Tz,
    json: bool,
) -> Result<(), Failure> {
    let o = &v.row;
    if json {
        return output::print_json(&json!({
            "nomor": o.nomor,
            "pengumuman": o.pengumuman,
            "nik": masked(&o.nik),
            "nama": v.nama,
            "status": o.status,
            "alasan": o.alasan,
            "email": o.email,
            "no_hp": o.no_hp,
            "instance_id": o.instance_id,
            "jawaban": o.jawaban,
            "hasil_baru": o.hasil_baru,
            "diajukan": at(o.dibuat_ms, tz),
            "selesai": o.selesai_ms.map(|ms| at(ms, tz)),
            "terlambat": v.terlambat,
            "berkas": v.files.iter().map(|f| json!({
                "urut": f.urut, "jenis": f.jenis, "ukuran": f.ukuran, "sha256": f.sha256,
            })).collect::<Vec<_>>(),
        }));
    }
    println!("Sanggah {} atas pengumuman nomor {}", o.nomor, o.pengumuman);
    println!("Calon      : {} (NIK {})", v.nama, masked(&o.nik));
    let late = if v.terlambat {
        " (melewati tenggat)"
    } else {
        ""
    };
    println!("Status     : {}{late}", objection::status_label(&o.status));
    println!("Diajukan   : {}", at(o.dibuat_ms, tz));
    println!("Alasan     : {}", o.alasan);
    if let Some(j) = &o.jawaban {
        println!("Jawaban    : {j}");
    }
    if let Some(h) = &o.hasil_baru {
        println!("Hasil baru : {h}");
    }
    match &o.instance_id {
        Some(id) => println!("Alur       : {id} (merit workflow show {id})"),
        None => println!("Alur       : telaah belum dimulai"),
    }
    for f in &v.files {
        println!(
            "Berkas {}   : {} {} bait, SHA-256 {}",
            f.urut, f.jenis, f.ukuran, f.sha256
        );
    }
    Ok(())
}

/// `merit document pengumuman [--id N] --output FILE.pdf`.
pub(super) async fn announcement_document(
    id: Option<i32>,
    output: &std::path::Path,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    if output
        .extension()
        .and_then(|e| e.to_str())
        .is_none_or(|e| !e.eq_ignore_ascii_case("pdf"))
    {
        return Err(Failure::invalid(format!(
            "--output: {} bukan berkas .pdf, misalnya --output pengumuman.pdf",
            output.display()
        )));
    }
    let app = open_app(settings).await?;
    let nomor = match id {
        Some(n) => n,
        None => service::public::announcement::newest(&app)
            .await?
            .map(|a| a.nomor)
            .ok_or_else(|| {
                Failure::invalid(
                    "belum ada pengumuman; terbitkan dengan merit announcement publish",
                )
            })?,
    };
    let bytes = service::public::announcement::pdf(&app, nomor, &Actor::cli()).await?;
    crate::export::write_atomically(output, &bytes).map_err(service::ServiceError::from)?;
    if json {
        output::print_json(&json!({
            "berkas": output.display().to_string(),
            "ukuran": bytes.len(),
            "pengumuman": nomor,
        }))?;
    } else {
        println!(
            "Pengumuman nomor {nomor} ({} KB) ditulis ke {}.",
            output::count((bytes.len() as u64).div_ceil(1024)),
            output.display()
        );
    }
    Ok(Exit::Ok)
}
