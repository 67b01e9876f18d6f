//! Downloads from the console: a list or document written to a file, which goes out only once
//! its download is in the audit log.

use std::path::Path;

use crate::{
    documents::DocumentKind,
    domain::Action,
    service::{
        App, ServiceError,
        audit::{self, Actor},
        placement::{self, ExportReport, lists::ListKind},
    },
};

/// What a download makes.
#[derive(Debug, Clone, Copy)]
pub enum Download {
    /// The decisions of the newest finished run.
    Decisions,
    /// The newest placement.
    Placements,
    /// A list of documents.md 2.
    List(ListKind),
    /// A document of documents.md 3 (PDF).
    Document(DocumentKind),
}

/// Writes `what` to `path` (NIK in full when `full`) and records the download of `name` by
/// `actor`; an entry that cannot be written fails the download.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn download(
    app: &App,
    actor: &Actor,
    what: Download,
    name: &str,
    path: &Path,
    full: bool,
) -> Result<ExportReport, ServiceError> {
    let report = match what {
        Download::Decisions => placement::export_decisions(app, None, path, full).await?,
        Download::Placements => placement::export_placements(app, None, path, full).await?,
        Download::List(kind) => placement::lists::export(app, kind, None, path, full).await?,
        Download::Document(kind) => {
            let r = placement::documents::write_as(app, kind, None, None, path, actor).await?;
            ExportReport {
                berkas: r.berkas,
                baris: r.halaman.unwrap_or(0),
                sumber: r.sumber,
            }
        }
    };
    let pdf = matches!(what, Download::Document(_));
    audit::record(
        app,
        actor,
        Action::Unduh,
        name,
        &format!(
            "{} {} dari {}{}",
            report.baris,
            if pdf { "halaman" } else { "baris" },
            report.sumber,
            if pdf {
                ""
            } else if full {
                "; NIK lengkap"
            } else {
                "; NIK disamarkan"
            }
        ),
    )
    .await?;
    Ok(report)
}
