//! `merit user …` and `merit audit …`: console accounts and the audit log from the command
//! line (audited as `cli:USER`).

use chrono::TimeZone;
use tokio::io::AsyncBufReadExt;

use super::{
    Exit, Failure,
    args::{AuditCommand, UserCommand},
    open_app, output,
};
use crate::{
    config::Settings,
    domain::{AuditFilter, Email, Password, Role, format_datetime_id},
    service::{accounts, audit},
};

/// The first line of standard input, as a password.
async fn password_from_stdin() -> Result<Password, Failure> {
    let mut line = String::new();
    tokio::io::BufReader::new(tokio::io::stdin())
        .read_line(&mut line)
        .await
        .map_err(|e| Failure::unexpected(crate::domain::io_message(&e)))?;
    let line = line.trim_end_matches(['\r', '\n']);
    Password::parse(line).map_err(Failure::invalid)
}

fn email(raw: &str) -> Result<Email, Failure> {
    Email::parse(raw).map_err(Failure::invalid)
}

/// Runs `merit user …`.
pub(super) async fn user(
    cmd: UserCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let actor = audit::Actor::cli();
    match cmd {
        UserCommand::Add {
            email: raw,
            role,
            nama,
            password_stdin,
        } => {
            let address = email(&raw)?;
            let role = Role::parse(&role).map_err(|e| Failure::invalid(format!("--role: {e}")))?;
            let given = if password_stdin {
                Some(password_from_stdin().await?)
            } else {
                None
            };
            let generated = accounts::add(
                &app,
                &address,
                nama.as_deref().unwrap_or_default(),
                role,
                given,
                &actor,
            )
            .await?;
            if json {
                output::print_json(&serde_json::json!({
                    "email": address,
                    "peran": role,
                    "kata_sandi": generated,
                }))?;
            } else {
                println!("Akun {address} ({}) ditambahkan.", role.label());
                if let Some(p) = generated {
                    println!("Kata sandi: {p}");
                    println!(
                        "Sampaikan kata sandi ini secara langsung; kata sandi tidak ditampilkan lagi."
                    );
                }
            }
        }
        UserCommand::List => {
            let list = accounts::list(&app).await?;
            if json {
                output::print_json(&list)?;
            } else if list.is_empty() {
                println!("Belum ada akun. Tambahkan dengan: merit user add EMAIL --role admin");
            } else {
                for a in &list {
                    println!(
                        "{:<40} {:<14} {:<6} {}",
                        a.email,
                        a.peran.label(),
                        if a.aktif { "aktif" } else { "nonaktif" },
                        a.nama
                    );
                }
            }
        }
        UserCommand::Disable { email: raw } => {
            let address = email(&raw)?;
            accounts::disable(&app, &address, &actor).await?;
            if json {
                output::print_json(&serde_json::json!({ "email": address, "aktif": false }))?;
            } else {
                println!("Akun {address} dinonaktifkan; sesinya telah berakhir.");
            }
        }
        UserCommand::Enable { email: raw } => {
            let address = email(&raw)?;
            accounts::enable(&app, &address, &actor).await?;
            if json {
                output::print_json(&serde_json::json!({ "email": address, "aktif": true }))?;
            } else {
                println!("Akun {address} diaktifkan kembali.");
            }
        }
        UserCommand::ResetPassword {
            email: raw,
            password_stdin,
        } => {
            let address = email(&raw)?;
            let given = if password_stdin {
                Some(password_from_stdin().await?)
            } else {
                None
            };
            let generated = accounts::reset_password(&app, &address, given, &actor).await?;
            if json {
                output::print_json(&serde_json::json!({
                    "email": address,
                    "kata_sandi": generated,
                }))?;
            } else {
                println!("Kata sandi {address} diatur ulang; sesinya telah berakhir.");
                if let Some(p) = generated {
                    println!("Kata sandi baru: {p}");
                }
            }
        }
    }
    Ok(Exit::Ok)
}

/// Said when the audit key comes from a secret kept in the database itself.
const KEY_IN_DATABASE: &str = "Catatan: kunci rantai audit diturunkan dari rahasia yang disimpan merit di basis data. Atur MERIT_SECRET di lingkungan layanan (bukan di basis data) agar orang yang hanya dapat menulis basis data tidak dapat menghitung ulang rantai; simpan jangkar di luar server.";

/// Runs `merit audit …`.
pub(super) async fn audit(
    cmd: AuditCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    let tz = settings.timezone;
    let app = open_app(settings).await?;
    match cmd {
        AuditCommand::List {
            orang,
            sejak,
            nik,
            limit,
        } => {
            let tag = match nik {
                Some(n) => {
                    let nik = crate::domain::Nik::parse(n.trim())
                        .map_err(|e| Failure::invalid(format!("--nik: {e}")))?;
                    Some(audit::tag(&app, nik.as_str()).await?)
                }
                None => None,
            };
            let sejak_ms = match sejak {
                Some(d) => {
                    let date = crate::domain::parse_date(&d).ok_or_else(|| {
                        Failure::invalid(format!("--sejak: '{d}' bukan tanggal (YYYY-MM-DD)"))
                    })?;
                    let start = date.and_hms_opt(0, 0, 0).unwrap_or_default();
                    Some(
                        tz.from_local_datetime(&start)
                            .earliest()
                            .map_or(0, |t| t.timestamp_millis()),
                    )
                }
                None => None,
            };
            let filter = AuditFilter {
                orang,
                sejak_ms,
                tag,
                ..AuditFilter::default()
            };
            let entries = audit::list(&app, &filter, limit.clamp(1, 100_000)).await?;
            if json {
                output::print_json(&entries)?;
            } else {
                for e in &entries {
                    let label = crate::domain::Action::parse(&e.aksi)
                        .map_or(e.aksi.as_str(), |a| a.label());
                    println!(
                        "{:>6}  {}  {:<32} {:<16} {label}{}{}",
                        e.urutan,
                        format_datetime_id(crate::clock::from_ms(e.waktu_ms), tz),
                        e.orang,
                        e.dari,
                        if e.objek.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", e.objek)
                        },
                        if e.rincian.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", e.rincian)
                        },
                    );
                }
            }
            Ok(Exit::Ok)
        }
        AuditCommand::Verify { anchor } => {
            let anchor = match anchor {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        Failure::invalid(format!(
                            "--anchor: {} tidak dapat dibaca: {}",
                            path.display(),
                            crate::domain::io_message(&e)
                        ))
                    })?;
                    Some(audit::parse_anchor(&text)?)
                }
                None => None,
            };
            let v = audit::verify(&app, anchor.as_ref()).await?;
            if json {
                output::print_json(&v)?;
            } else {
                match (&v.rusak_pada, &v.alasan) {
                    (Some(n), Some(why)) => println!(
                        "Rantai audit RUSAK pada catatan {n}: {why}. {} catatan sebelumnya utuh.",
                        output::count(v.diperiksa)
                    ),
                    _ => println!(
                        "Rantai audit utuh: {} catatan diperiksa{}.",
                        output::count(v.diperiksa),
                        v.jangkar
                            .map(|n| format!(", sampai jangkar pada catatan {n} tidak ada yang dihapus atau ditulis ulang"))
                            .unwrap_or_default()
                    ),
                }
            }
            if v.kunci_di_basis_data && !json {
                eprintln!("{KEY_IN_DATABASE}");
            }
            Ok(if v.rusak_pada.is_some() {
                Exit::Refused
            } else {
                Exit::Ok
            })
        }
        AuditCommand::Anchor { output: file } => {
            let a = audit::anchor(&app).await?;
            if audit::key_in_database(&app) && !json {
                eprintln!("{KEY_IN_DATABASE}");
            }
            let text = serde_json::to_string_pretty(&a)
                .map_err(|e| Failure::unexpected(format!("jangkar: {e}")))?;
            match file {
                Some(path) => {
                    crate::export::write_atomically(&path, format!("{text}\n").as_bytes())
                        .map_err(|e| Failure::invalid(e.to_string()))?;
                    if json {
                        output::print_json(&a)?;
                    } else {
                        println!(
                            "Jangkar audit ditulis ke {}: catatan {}, {}. Simpan di luar server (mis. dicetak atau dikirim ke pejabat yang berwenang); periksa kelak dengan: merit audit verify --anchor {}",
                            path.display(),
                            a.urutan,
                            a.waktu,
                            path.display()
                        );
                    }
                }
                None if json => output::print_json(&a)?,
                None => {
                    println!(
                        "Kepala rantai audit: catatan {}, {}, hash {}.",
                        a.urutan, a.waktu, a.hash
                    );
                    println!(
                        "Simpan baris JSON berikut di luar server sebagai jangkar; periksa kelak dengan merit audit verify --anchor BERKAS:"
                    );
                    println!("{}", serde_json::to_string(&a).unwrap_or_default());
                }
            }
            Ok(Exit::Ok)
        }
    }
}
