//! ENTRY: the HTTP server (interfaces.md 9) — the only module that imports axum. Approval links
//! (GET shows a confirm page and never changes state; POST records the answer), `/healthz` and
//! `/metrics`. Errors become pages in exactly one place, [`page_for`].

mod metrics;
mod pages;

use std::{sync::Arc, time::Instant};

use axum::{
    Form, Router,
    extract::{MatchedPath, Path, Request, State},
    http::{StatusCode, header},
    middleware::{self, Next},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;

pub use metrics::Metrics;

use crate::service::{
    App,
    answers::{self, LinkError},
};

/// Shared by the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The application.
    pub app: App,
    /// Request figures.
    pub metrics: Arc<Metrics>,
}

/// The router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route(
            "/persetujuan/{token}",
            get(confirm_page).post(record_answer),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), measure))
        .with_state(state)
}

/// Serves on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn measure(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "lainnya".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let res = next.run(req).await;
    state
        .metrics
        .observe(&method, &route, res.status().as_u16(), start.elapsed());
    res
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!("basis data tidak menjawab: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "basis data tidak menjawab\n",
            )
                .into_response()
        }
    }
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(&state.app).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(pages::message(
            "Halaman tidak ditemukan",
            "Alamat yang Bapak/Ibu buka tidak ada.",
        )),
    )
        .into_response()
}

/// Maps a link error to its status and page: the one place this happens.
fn page_for(e: &LinkError) -> Response {
    let (status, title) = match e {
        LinkError::Unknown => (StatusCode::NOT_FOUND, "Tautan tidak dikenal"),
        LinkError::Expired => (StatusCode::GONE, "Tautan sudah kedaluwarsa"),
        LinkError::Decided(_) => (StatusCode::CONFLICT, "Sudah diputuskan"),
        LinkError::BadForm(_) => (StatusCode::BAD_REQUEST, "Formulir belum lengkap"),
        LinkError::Service(err) => {
            tracing::error!("kesalahan saat memproses tautan: {err}");
            (StatusCode::INTERNAL_SERVER_ERROR, "Terjadi kesalahan")
        }
    };
    let text = match e {
        LinkError::Unknown => "Tautan ini tidak dikenal atau tidak sah. Gunakan tautan pada email permintaan persetujuan yang terbaru.".to_owned(),
        LinkError::Expired => "Masa berlaku tautan ini telah habis. Bapak/Ibu masih dapat menjawab dengan membalas email permintaan, atau menghubungi BKPSDM.".to_owned(),
        LinkError::Decided(m) => format!("Jawaban tidak diperlukan lagi: {m}."),
        LinkError::BadForm(m) => format!("{m}."),
        LinkError::Service(_) => "Jawaban belum tercatat karena kesalahan sistem. Silakan coba lagi beberapa saat lagi.".to_owned(),
    };
    (status, Html(pages::message(title, &text))).into_response()
}

async fn confirm_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match answers::link_view(&state.app, &token).await {
        Ok(view) => Html(pages::confirm(&view, &token)).into_response(),
        Err(e) => page_for(&e),
    }
}

/// The confirm form.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    /// The answer (must match the link).
    pub keputusan: String,
    /// Comment.
    #[serde(default)]
    pub komentar: Option<String>,
}

async fn record_answer(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Response {
    match answers::link_answer(
        &state.app,
        &token,
        &form.keputusan,
        form.komentar.as_deref(),
    )
    .await
    {
        Ok(view) => {
            state.metrics.decision("tautan");
            Html(pages::recorded(&view)).into_response()
        }
        Err(e) => page_for(&e),
    }
}
