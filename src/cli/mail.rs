//! `merit mail ingest|flush`.

use tokio::io::AsyncReadExt;

use super::{Exit, Failure, args::MailCommand, open_app, output};
use crate::{
    config::Settings,
    service::{self, answers::IngestOutcome},
};

/// Largest message `ingest` reads (replies with attachments are cut off here).
const MAX_MESSAGE: u64 = 25 * 1024 * 1024;

pub(super) async fn run(cmd: MailCommand, settings: Settings, json: bool) -> Result<Exit, Failure> {
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
        MailCommand::Ingest => {
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
            let outcome = service::answers::ingest(&app, &raw).await?;
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
