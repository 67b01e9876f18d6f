//! `merit bench dokumen`: every list and document of the newest proposal (and vacancy) on the
//! configured database, timed one by one, with the process's peak memory (issue 15).

use std::time::Instant;

use serde::Serialize;

use crate::{
    documents::DocumentKind,
    service::{
        App, ServiceError, TempFolder,
        placement::{documents, lists},
    },
};

/// One file made.
#[derive(Debug, Clone, Serialize)]
pub struct Made {
    pub nama: String,
    pub ms: f64,
    /// Bytes.
    pub ukuran: u64,
    /// Rows (lists) or pages (documents).
    pub baris: u64,
}

/// What the benchmark measured.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentsBench {
    pub berkas: Vec<Made>,
    pub jumlah_ms: f64,
    /// Peak resident memory of the process (VmHWM), MB.
    pub rss_puncak_mb: u64,
    /// The largest peak of the child processes that typeset the documents, MB.
    pub rss_anak_puncak_mb: u64,
}

fn peak_rss_mb() -> u64 {
    crate::sandbox::own_peak_kb() / 1024
}

/// Makes every list (XLSX) and document (PDF), or those named in `only` (comma-separated).
pub async fn documents(app: &App, only: Option<&str>) -> Result<DocumentsBench, ServiceError> {
    let wanted = |code: &str| only.is_none_or(|o| o.split(',').any(|w| w.trim() == code));
    let dir = TempFolder::new("bench-dokumen")
        .map_err(|e| ServiceError::failed("folder", crate::domain::io_message(&e)))?;
    let mut out = Vec::new();
    let all = Instant::now();
    for kind in lists::ListKind::ALL {
        if !wanted(kind.code()) {
            continue;
        }
        let path = dir.path().join(format!("{}.xlsx", kind.code()));
        let t = Instant::now();
        let r = lists::export(app, kind, None, &path, true).await?;
        out.push(Made {
            nama: format!("{}.xlsx", kind.code()),
            ms: t.elapsed().as_secs_f64() * 1e3,
            ukuran: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            baris: r.baris,
        });
    }
    for kind in DocumentKind::ALL {
        if !wanted(kind.code()) {
            continue;
        }
        let path = dir.path().join(format!("{}.pdf", kind.code()));
        let t = Instant::now();
        let r = match documents::write(app, kind, None, None, &path).await {
            Ok(r) => r,
            // Minutes of a step nobody has answered are refused (documents.md 4): not made.
            Err(crate::service::ServiceError::Refused(
                crate::service::Refusal::MinutesUnanswered(why),
            )) => {
                eprintln!("{}: tidak disusun ({why})", kind.code());
                continue;
            }
            Err(e) => return Err(e),
        };
        out.push(Made {
            nama: format!("{}.pdf", kind.code()),
            ms: t.elapsed().as_secs_f64() * 1e3,
            ukuran: r.ukuran,
            baris: r.halaman.unwrap_or(0),
        });
    }
    Ok(DocumentsBench {
        berkas: out,
        jumlah_ms: all.elapsed().as_secs_f64() * 1e3,
        rss_puncak_mb: peak_rss_mb(),
        rss_anak_puncak_mb: crate::sandbox::children_peak_mb(),
    })
}
