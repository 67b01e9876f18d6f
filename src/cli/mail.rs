//! `merit mail ingest|flush`.

use tokio::io::AsyncReadExt;

use super::{Exit, Failure, args::MailCommand, open_app, output};
use crate::{
    config::Settings,
    service::{self, workflow::answers::IngestOutcome},
};

/// `merit mail ingest --mta` (interfaces.md 3): for a mail server's pipe alias. Exit 0 when the
/// message was handled (applied, ignored, or refused with an explanation sent back: the server
/// must bounce nothing, least of all to a forged sender), 75 (EX_TEMPFAIL) when it could not be
/// handled now so the server keeps it and retries, 65 (EX_DATAERR) when the input is not a
/// mail message at all.
async fn ingest_for_mta(settings: Settings, json: bool) -> Exit {
    let mut raw = Vec::new();
    if let Err(e) = tokio::io::stdin()
        .take(MAX_MESSAGE)
        .read_to_end(&mut raw)
        .await
    {
        eprintln!(
            "kesalahan: tidak dapat membaca masukan: {}",
            crate::domain::io_message(&e)
        );
        return Exit::TempFail;
    }
    if !crate::notify::reply::looks_like_message(&raw) {
        eprintln!("kesalahan: masukan bukan pesan surel (kosong atau tanpa bagian kepala)");
        return Exit::DataErr;
    }
    if let Some(path) = service::missing_database(&settings) {
        // A pipe alias started in the wrong folder must not answer into a new empty database.
        eprintln!(
            "kesalahan: basis data {} tidak ada; pesan disimpan server surat untuk dicoba lagi",
            path.display()
        );
        return Exit::TempFail;
    }
    let app = match open_app(settings).await {
        Ok(app) => app,
        Err(f) => {
            eprintln!(
                "kesalahan: {}; pesan disimpan server surat untuk dicoba lagi",
                f.message
            );
            return Exit::TempFail;
        }
    };
    match service::workflow::answers::ingest(&app, &raw).await {
        Ok(outcome) => {
            if json {
                let _ = output::print_json(&outcome);
            }
            match &outcome {
                IngestOutcome::Dicatat { .. } => {}
                IngestOutcome::Diabaikan { alasan } => {
                    eprintln!("Pesan diabaikan ({alasan}).");
                }
                IngestOutcome::Ditolak { alasan, .. } => {
                    eprintln!("Balasan tidak diproses: {alasan}.");
                }
            }
            Exit::Ok
        }
        Err(service::ServiceError::Invalid(e)) => {
            eprintln!("kesalahan: {e}");
            Exit::DataErr
        }
        Err(e) => {
            eprintln!("kesalahan: {e}; pesan disimpan server surat untuk dicoba lagi");
            Exit::TempFail
        }
    }
}

/// Largest message `ingest` reads (replies with attachments are cut off here).
const MAX_MESSAGE: u64 = 25 * 1024 * 1024;

pub(super) async fn run(cmd: MailCommand, settings: Settings, json: bool) -> Result<Exit, Failure> {
    if let MailCommand::Ingest { mta: true } = cmd {
        return Ok(ingest_for_mta(settings, json).await);
    }
    let app = open_app(settings).await?;
    match cmd {
        MailCommand::Flush => {
            let report = service::outbox::flush(&app).await?;
            if json {
                output::print_json(&report)?;
            } else {
                println!(
                    "{} pesan terkirim, {} ditunda untuk dicoba lagi, {} gagal.",
                    report.terkirim, report.ditunda, report.gagal
                );
            }
            if report.ditunda + report.gagal > 0 {
                return Err(Failure::unexpected(format!(
                    "{} pesan belum terkirim; lihat log di atas",
                    report.ditunda + report.gagal
                )));
            }
            Ok(Exit::Ok)
        }
        MailCommand::Ingest { .. } => {
            let mut raw = Vec::new();
            tokio::io::stdin()
                .take(MAX_MESSAGE)
                .read_to_end(&mut raw)
                .await
                .map_err(|e| {
                    Failure::unexpected(format!(
                        "tidak dapat membaca masukan: {}",
                        crate::domain::io_message(&e)
                    ))
                })?;
            let outcome = service::workflow::answers::ingest(&app, &raw).await?;
            if json {
                output::print_json(&outcome)?;
            }
            match outcome {
                IngestOutcome::Dicatat {
                    instance_id,
                    langkah,
                    orang,
                    keputusan,
                } => {
                    if !json {
                        println!(
                            "Jawaban {keputusan} dari {orang} dicatat pada langkah {langkah} proses persetujuan {instance_id}."
                        );
                    }
                    Ok(Exit::Ok)
                }
                IngestOutcome::Diabaikan { alasan } => {
                    if !json {
                        println!(
                            "Pesan diabaikan ({alasan}); tidak ada yang diubah dan tidak ada balasan."
                        );
                    }
                    Ok(Exit::Ok)
                }
                IngestOutcome::Ditolak {
                    alasan,
                    tidak_terbaca,
                } => {
                    eprintln!("Balasan tidak diproses: {alasan}.");
                    Ok(if tidak_terbaca {
                        Exit::Invalid
                    } else {
                        Exit::Refused
                    })
                }
            }
        }
    }
}
