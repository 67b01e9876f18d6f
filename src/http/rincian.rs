//! The approver's details page behind a prompt's link (console.md 3): no account needed, the
//! signed link is the authority; read-only.

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;

use super::{AppState, page, page_for};
use crate::{render, service::placement::details};

#[derive(Serialize)]
struct View<'a> {
    judul: &'a str,
    token: &'a str,
    d: &'a details::Details,
}

/// `GET /persetujuan/{token}/rincian`.
pub(super) async fn view(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match details::details(&state.app, &token).await {
        Ok(d) => page(
            StatusCode::OK,
            Html(render::page(
                "rincian.html",
                &View {
                    judul: "Rincian permohonan",
                    token: &token,
                    d: &d,
                },
            )),
        ),
        Err(e) => page_for(&e),
    }
}

/// `GET /persetujuan/{token}/rincian.xlsx`.
pub(super) async fn workbook(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let dir = std::env::temp_dir().join(format!("merit-rincian-{}", uuid::Uuid::new_v4().simple()));
    if std::fs::create_dir_all(&dir).is_err() {
        return super::status_page(StatusCode::INTERNAL_SERVER_ERROR);
    }
    let path = dir.join("rincian.xlsx");
    let result = details::workbook(&state.app, &token, &path).await;
    let bytes = result.map(|()| std::fs::read(&path));
    let _ = std::fs::remove_dir_all(&dir);
    match bytes {
        Ok(Ok(b)) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"rincian.xlsx\"",
                ),
            ],
            b,
        )
            .into_response(),
        Ok(Err(_)) => super::status_page(StatusCode::INTERNAL_SERVER_ERROR),
        Err(e) => page_for(&e),
    }
}

/// `GET /persetujuan/{token}/unduh/{berkas}`: a list or document of what the link is about.
pub(super) async fn download(
    State(state): State<AppState>,
    Path((token, name)): Path<(String, String)>,
) -> Response {
    let Ok(dir) = crate::service::TempFolder::new("rincian") else {
        return super::status_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let result = details::download(&state.app, &token, &name, dir.path()).await;
    match result.map(std::fs::read) {
        Ok(Ok(b)) => {
            let kind = crate::export::content_type(&name);
            (
                [
                    (header::CONTENT_TYPE, kind.to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                b,
            )
                .into_response()
        }
        Ok(Err(_)) => super::status_page(StatusCode::INTERNAL_SERVER_ERROR),
        Err(e) => page_for(&e),
    }
}
