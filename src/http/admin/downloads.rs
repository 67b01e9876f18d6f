//! Unduhan: the lists that exist today (decisions of the latest run, the latest placement) as
//! XLSX or CSV, NIK in full only for roles allowed to see it (each such download audited).

use axum::{
    body::Body,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use super::{Signed, TempFolder, failure, html, status};
use crate::{
    domain::Action,
    http::AppState,
    service::{self, ServiceError, audit},
};

/// One file on offer.
#[derive(Serialize)]
struct Offer {
    judul: &'static str,
    keterangan: &'static str,
    berkas: Vec<&'static str>,
}

#[derive(Serialize)]
struct Index<'a> {
    f: super::Frame<'a>,
    daftar: Vec<Offer>,
}

/// `GET /admin/unduhan`.
pub(super) async fn index(State(state): State<AppState>, signed: Signed) -> Response {
    let mut frame = signed.frame(&state, "Unduhan", "unduhan");
    frame
        .jejak
        .push(("Unduhan".to_owned(), "/admin/unduhan".to_owned()));
    html(
        "admin/unduhan.html",
        &Index {
            f: frame,
            daftar: vec![
                Offer {
                    judul: "Keputusan penyaringan",
                    keterangan: "Setiap calon pada penyaringan terakhir yang selesai: hasil, aturan yang tidak lolos, dan alasannya.",
                    berkas: vec!["keputusan.xlsx", "keputusan.csv"],
                },
                Offer {
                    judul: "Penempatan",
                    keterangan: "Penempatan terakhir: formasi setiap calon yang memenuhi syarat, atau alasan belum mendapat formasi.",
                    berkas: vec!["penempatan.xlsx", "penempatan.csv"],
                },
            ],
        },
    )
}

/// A readable stream over an open file, in 64 KiB pieces.
fn stream(file: tokio::fs::File) -> Body {
    use tokio::io::AsyncReadExt;
    let s = futures_util::stream::unfold(file, |mut f| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(buf)), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    });
    Body::from_stream(s)
}

/// `GET /admin/unduhan/{berkas}`.
pub(super) async fn file(
    State(state): State<AppState>,
    signed: Signed,
    Path(name): Path<String>,
) -> Response {
    let Some((list @ ("keputusan" | "penempatan"), ext @ ("xlsx" | "csv"))) = name.rsplit_once('.')
    else {
        return status(StatusCode::NOT_FOUND);
    };
    let full = signed.session.account.peran.sees_identifiers();
    let dir = match TempFolder::new("unduh") {
        Ok(d) => d,
        Err(e) => {
            return failure(ServiceError::unexpected(
                "folder unduhan",
                crate::domain::io_message(&e),
            ));
        }
    };
    let path = dir.0.join(format!("{list}.{ext}"));
    let written = match list {
        "keputusan" => service::placement::export_decisions(&state.app, None, &path, full).await,
        _ => service::placement::export_placements(&state.app, None, &path, full).await,
    };
    // A list with full identifiers goes out only once its download is in the audit log.
    let opened = match written {
        Ok(report) => {
            let recorded = audit::record(
                &state.app,
                &signed.actor(),
                Action::Unduh,
                &name,
                &format!(
                    "{} baris dari {}{}",
                    report.baris,
                    report.sumber,
                    if full {
                        "; NIK lengkap"
                    } else {
                        "; NIK disamarkan"
                    }
                ),
            )
            .await;
            match recorded {
                Ok(_) => tokio::fs::File::open(&path).await.map_err(|e| {
                    ServiceError::unexpected("berkas unduhan", crate::domain::io_message(&e))
                }),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    // The open file stays readable after its folder is removed.
    drop(dir);
    let file = match opened {
        Ok(f) => f,
        Err(e) => return failure(e),
    };
    let kind = if ext == "xlsx" {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "text/csv; charset=utf-8"
    };
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        stream(file),
    )
        .into_response()
}
