//! Unduhan: every list (decisions of the latest run, the latest placement, and the lists of
//! documents.md 2) as XLSX or CSV, and the documents of documents.md 3 as PDF; NIK in full
//! only for roles allowed to see it (each download audited).

use axum::{
    body::Body,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use super::{Signed, TempFolder, failure, html, status};
use crate::{
    documents::DocumentKind,
    http::AppState,
    service::{
        ServiceError,
        console::downloads::{Download as Wanted, download},
        placement::lists::ListKind,
    },
};

/// One file on offer.
#[derive(Serialize)]
struct Offer {
    judul: &'static str,
    keterangan: &'static str,
    berkas: Vec<String>,
}

/// Reads a file name on offer (`usulan.xlsx`, `sptjm.pdf`).
fn wanted(name: &str) -> Option<Wanted> {
    let (stem, ext) = name.rsplit_once('.')?;
    if ext == "pdf" {
        return DocumentKind::parse(stem).map(Wanted::Document);
    }
    if ext != "xlsx" && ext != "csv" {
        return None;
    }
    let w = match stem {
        "keputusan" => Wanted::Decisions,
        "penempatan" => Wanted::Placements,
        other => Wanted::List(ListKind::parse(other)?),
    };
    Some(w)
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
            daftar: offers(),
        },
    )
}

fn offers() -> Vec<Offer> {
    let both = |stem: &str| vec![format!("{stem}.xlsx"), format!("{stem}.csv")];
    let mut out = vec![
        Offer {
            judul: "Keputusan penyaringan",
            keterangan: "Setiap calon pada penyaringan terakhir yang selesai: hasil, aturan yang tidak lolos, dan alasannya.",
            berkas: both("keputusan"),
        },
        Offer {
            judul: "Penempatan",
            keterangan: "Penempatan terakhir: formasi setiap calon yang memenuhi syarat, atau alasan belum mendapat formasi.",
            berkas: both("penempatan"),
        },
    ];
    out.extend(ListKind::ALL.iter().map(|k| Offer {
        judul: k.title(),
        keterangan: k.description(),
        berkas: both(k.code()),
    }));
    out.extend(DocumentKind::ALL.iter().map(|k| Offer {
        judul: k.title(),
        keterangan: k.description(),
        berkas: vec![format!("{}.pdf", k.code())],
    }));
    out
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
    let Some(what) = wanted(&name) else {
        return status(StatusCode::NOT_FOUND);
    };
    let full = signed.session.account.peran.sees_identifiers();
    let dir = match TempFolder::new("unduh") {
        Ok(d) => d,
        Err(e) => {
            return failure(ServiceError::failed(
                "folder unduhan",
                crate::domain::io_message(&e),
            ));
        }
    };
    let path = dir.0.join(&name);
    // A list with full identifiers goes out only once its download is in the audit log.
    let opened = match download(&state.app, &signed.actor(), what, &name, &path, full).await {
        Ok(_) => tokio::fs::File::open(&path)
            .await
            .map_err(|e| ServiceError::failed("berkas unduhan", crate::domain::io_message(&e))),
        Err(e) => Err(e),
    };
    // The open file stays readable after its folder is removed.
    drop(dir);
    let file = match opened {
        Ok(f) => f,
        Err(e) => return failure(e),
    };
    let kind = crate::export::content_type(&name);
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
