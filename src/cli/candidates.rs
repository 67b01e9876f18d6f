//! `merit verification …` and `merit candidate …`: a verifier's manual findings and corrections
//! of one candidate's data.

use super::{
    Exit, Failure,
    args::{CandidateCommand, VerificationCommand},
    open_app, output,
};
use crate::{
    config::Settings,
    domain::{Nik, Temuan},
    service::{self, audit::Actor},
};

/// A NIK typed on the command line, or a clear refusal.
pub(super) fn nik_of(text: &str) -> Result<Nik, Failure> {
    Nik::parse(text.trim()).map_err(|e| Failure::invalid(format!("NIK: {e}")))
}

/// `merit verification set|list|clear`.
pub(super) async fn verification(
    cmd: VerificationCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let actor = Actor::cli();
    match cmd {
        VerificationCommand::Set {
            nik,
            rule,
            result,
            note,
        } => {
            let nik = nik_of(&nik)?;
            let hasil = Temuan::parse(result.trim()).map_err(|_| {
                Failure::invalid(format!(
                    "--result: '{result}' tidak dikenal; tulis lolos atau gagal"
                ))
            })?;
            let f = service::screening::verification::set(&app, &actor, &nik, &rule, hasil, &note)
                .await?;
            if json {
                output::print_json(&serde_json::json!({
                    "id": f.id,
                    "nik": nik.masked(),
                    "aturan": f.aturan,
                    "hasil": f.hasil.code(),
                    "catatan": f.catatan,
                    "status": f.status.code(),
                }))?;
            } else {
                println!(
                    "Temuan verifikasi manual dicatat: calon {}, aturan {}, hasil {}.",
                    nik.masked(),
                    f.aturan,
                    f.hasil.label()
                );
                println!(
                    "Temuan berlaku pada penyaringan berikutnya selama data calon tidak berubah; untuk menerapkannya sekarang: merit screen --nik dengan NIK calon ini."
                );
            }
        }
        VerificationCommand::List { nik } => {
            let nik = nik.as_deref().map(nik_of).transpose()?;
            let list = service::screening::verification::list(&app, nik.as_ref()).await?;
            if json {
                output::print_json(&list)?;
            } else if list.is_empty() {
                println!("Belum ada temuan verifikasi manual.");
            } else {
                for f in &list {
                    println!(
                        "{}  {}  {} {}  {}  {} ({})",
                        f.waktu, f.nik, f.aturan, f.hasil, f.keterangan, f.oleh, f.catatan
                    );
                }
            }
        }
        VerificationCommand::Clear { nik, rule, note } => {
            let nik = nik_of(&nik)?;
            service::screening::verification::clear(&app, &actor, &nik, &rule, &note).await?;
            if json {
                output::print_json(&serde_json::json!({ "dicabut": true }))?;
            } else {
                println!(
                    "Temuan aturan {} untuk calon {} dicabut; penyaringan berikutnya kembali memakai hasil skrip.",
                    rule.trim(),
                    nik.masked()
                );
            }
        }
    }
    Ok(Exit::Ok)
}

/// `merit candidate show|set`.
pub(super) async fn candidate(
    cmd: CandidateCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let actor = Actor::cli();
    match cmd {
        CandidateCommand::Show { nik } => {
            let nik = nik_of(&nik)?;
            let fields = service::screening::correction::show(&app, &actor, &nik).await?;
            if json {
                let map: serde_json::Map<String, serde_json::Value> = fields
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect();
                output::print_json(&map)?;
            } else {
                for (k, v) in fields {
                    println!("{k:<24}{v}");
                }
            }
        }
        CandidateCommand::Set {
            nik,
            changes,
            reason,
        } => {
            let nik = nik_of(&nik)?;
            let mut pairs = Vec::with_capacity(changes.len());
            for c in &changes {
                let (k, v) = c.split_once('=').ok_or_else(|| {
                    Failure::invalid(format!(
                        "'{c}' bukan perubahan KOLOM=NILAI (mis. jenis_kelamin=P)"
                    ))
                })?;
                pairs.push((k.trim().to_owned(), v.to_owned()));
            }
            let done =
                service::screening::correction::set(&app, &actor, &nik, &pairs, &reason).await?;
            if json {
                output::print_json(&done)?;
            } else {
                println!("Data calon {} dikoreksi:", done.nik);
                for c in &done.perubahan {
                    println!("  {}: '{}' → '{}'", c.kolom, c.lama, c.baru);
                }
                println!("Data lama diarsipkan dan perubahan dicatat di audit.");
                if done.data_penyaringan_berubah {
                    println!(
                        "Data penyaringan berubah: saring ulang calon ini dengan merit screen --nik dan NIK calon ini."
                    );
                }
            }
        }
    }
    Ok(Exit::Ok)
}
