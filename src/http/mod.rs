//! ENTRY: the HTTP server (interfaces.md 9) — the only module that imports axum and hyper.
//! Approval links (GET shows a confirm page and never changes state; POST records the answer),
//! `/healthz` and `/metrics`.
//!
//! Every response leaves through the same layers: security headers (CSP without inline script
//! or style, no framing, no sniffing, no referrer, no caching of pages), Bahasa pages for every
//! error status the framework would otherwise answer in English, a whole-request time limit
//! (so a slow body cannot hold a worker), and request figures labelled only by known methods
//! and route templates. Connections are served by our own accept loop: a client that is slow to
//! send its headers, or idles on a kept-alive connection, is cut off, and a stop waits at most
//! a grace period for requests in flight.

mod admin;
mod metrics;
mod pages;
mod public;
mod rincian;

use std::{sync::Arc, time::Duration};

use axum::{
    Form, Router,
    body::Body,
    extract::{MatchedPath, Path, Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Deserialize;

pub use metrics::Metrics;

use crate::service::{
    App, Refusal, ServiceError,
    ground::supervise::Health,
    runtime::{BoxFuture, Frontend},
    workflow::answers,
};

/// How long a client may take to send a request's headers, and how long a kept-alive
/// connection may sit idle between requests.
const HEADER_READ: Duration = Duration::from_secs(15);

/// How long one request may take, body included.
const REQUEST_TIME: Duration = Duration::from_secs(30);

/// How long an upload may take to arrive and be checked.
const UPLOAD_TIME: Duration = Duration::from_secs(600);

/// Longest request target accepted (414 beyond).
const MAX_URI: usize = 2_048;

/// Largest header section accepted (431 beyond).
const MAX_HEADERS: usize = 16 * 1024;

/// How long a stop waits for requests in flight before closing their connections.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(10);

/// Shared by the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The application.
    pub app: App,
    /// Request figures.
    pub metrics: Arc<Metrics>,
    /// The health of this process's background tasks.
    pub health: Arc<Health>,
}

impl AppState {
    /// State for serving `app` (fresh figures, background tasks not yet reported).
    pub fn new(app: App) -> Self {
        Self::with_health(app, Arc::default())
    }

    /// State for serving `app`, reporting the health of a runtime's background tasks.
    pub fn with_health(app: App, health: Arc<Health>) -> Self {
        Self {
            app,
            metrics: Arc::default(),
            health,
        }
    }
}

/// The HTTP side of [`crate::service::runtime::Runtime`].
#[derive(Debug, Clone, Copy)]
pub struct Server {
    /// How long a stop waits for requests in flight.
    pub grace: Duration,
}

impl Default for Server {
    fn default() -> Self {
        Self {
            grace: DEFAULT_GRACE,
        }
    }
}

impl Frontend for Server {
    fn serve(
        &self,
        app: App,
        health: Arc<Health>,
        listener: tokio::net::TcpListener,
        stop: BoxFuture<()>,
    ) -> BoxFuture<std::io::Result<()>> {
        Box::pin(serve_with_grace(
            listener,
            AppState::with_health(app, health),
            stop,
            self.grace,
        ))
    }
}

/// Marks a response whose body is already one of our pages.
#[derive(Clone, Copy)]
struct OurPage;

/// The address a request came from (as the accept loop saw the connection).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub std::net::SocketAddr);

/// The router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/static/merit.css", get(stylesheet))
        .route(
            "/persetujuan/{token}",
            get(confirm_page).post(record_answer),
        )
        .route("/persetujuan/{token}/rincian", get(rincian::view))
        .route("/persetujuan/{token}/rincian.xlsx", get(rincian::workbook))
        .route(
            "/persetujuan/{token}/unduh/{berkas}",
            get(rincian::download),
        )
        .merge(admin::router(&state))
        .merge(public::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), measure))
        .layer(middleware::from_fn(guard))
        .with_state(state)
}

/// Serves on `listener` until `shutdown` resolves, then waits up to [`DEFAULT_GRACE`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_grace(listener, state, shutdown, DEFAULT_GRACE).await
}

/// The client behind a request: the TCP peer, unless the peer is a trusted proxy — then the
/// right-most address in `X-Forwarded-For` that is not itself a trusted proxy (what a client
/// writes further left cannot be trusted).
fn client_of(
    peer: std::net::SocketAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::SocketAddr {
    if !trusted.contains(&peer.ip()) {
        return peer;
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|a| a.trim().parse())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .map_or(peer, |ip| std::net::SocketAddr::new(ip, 0))
}

/// Serves on `listener` until `shutdown` resolves; then stops accepting, lets requests in
/// flight finish for at most `grace`, and closes whatever is left (a client holding a
/// connection open cannot keep the process from stopping).
pub async fn serve_with_grace(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let trusted: Arc<Vec<std::net::IpAddr>> =
        Arc::new(state.app.settings().trusted_proxies.clone());
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut connections = tokio::task::JoinSet::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ)
        .max_buf_size(64 * 1024);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(v) => v,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a moment, keep serving.
                        tracing::warn!("koneksi HTTP tidak dapat diterima: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let trusted = trusted.clone();
                let service = hyper_util::service::TowerToHyperService::new(
                    tower::ServiceExt::map_request(
                        app.clone(),
                        move |mut req: axum::http::Request<hyper::body::Incoming>| {
                            let client = client_of(peer, req.headers(), &trusted);
                            req.extensions_mut().insert(ClientAddr(client));
                            req
                        },
                    ),
                );
                let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
                connections.spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!("koneksi HTTP berakhir: {e}");
                    }
                });
                while connections.try_join_next().is_some() {}
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {
            tracing::warn!(
                sisa = connections.len(),
                "koneksi HTTP yang belum selesai ditutup setelah masa tenggang berhenti"
            );
        }
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// The outer layer: refuses oversized targets and headers, bounds the request's time, turns
/// every framework error into a Bahasa page, and sets the security headers.
async fn guard(req: Request, next: Next) -> Response {
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    let mut res = if req.uri().to_string().len() > MAX_URI {
        status_page(StatusCode::URI_TOO_LONG)
    } else if header_bytes > MAX_HEADERS {
        status_page(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
    } else {
        // An upload may take longer to arrive than a page.
        let limit = if req.method() == Method::POST
            && matches!(req.uri().path(), "/admin/impor" | "/layanan/sanggah")
        {
            UPLOAD_TIME
        } else {
            REQUEST_TIME
        };
        match tokio::time::timeout(limit, next.run(req)).await {
            Ok(res) => res,
            Err(_) => status_page(StatusCode::REQUEST_TIMEOUT),
        }
    };
    let status = res.status();
    if (status.is_client_error() || status.is_server_error())
        && res.extensions().get::<OurPage>().is_none()
    {
        // An axum rejection (bad form, wrong content type, body too large, …): its English
        // text never reaches a person.
        let code = if status == StatusCode::UNPROCESSABLE_ENTITY {
            StatusCode::BAD_REQUEST
        } else {
            status
        };
        res = status_page(code);
    }
    security_headers(&mut res);
    res
}

fn security_headers(res: &mut Response) {
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: header::HeaderName, v: &'static str| {
        h.insert(name, HeaderValue::from_static(v));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "no-referrer");
    let cacheable = h
        .get(header::CACHE_CONTROL)
        .is_some_and(|v| v.as_bytes().starts_with(b"public"));
    if !cacheable {
        // Pages carry personal data and tokens: never kept by a browser or a proxy.
        set(h, header::CACHE_CONTROL, "no-store");
    }
}

/// A Bahasa page for `status`.
fn status_page(status: StatusCode) -> Response {
    let (title, text) = status_text(status);
    page(status, Html(pages::message(title, text)))
}

/// The title and paragraph of the page for `status`.
fn status_text(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST => (
            "Permintaan tidak dapat diproses",
            "Formulir atau alamat yang dikirim tidak lengkap atau tidak sesuai. Silakan kembali dan coba lagi.",
        ),
        StatusCode::FORBIDDEN => (
            "Akses ditolak",
            "Peran Bapak/Ibu tidak mengizinkan tindakan ini, atau formulir sudah kedaluwarsa. Muat ulang halaman, lalu coba lagi.",
        ),
        StatusCode::NOT_FOUND => (
            "Halaman tidak ditemukan",
            "Alamat yang Bapak/Ibu buka tidak ada.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Cara akses tidak diizinkan",
            "Halaman ini tidak dapat dibuka dengan cara tersebut. Gunakan tautan atau tombol pada halaman.",
        ),
        StatusCode::CONFLICT => (
            "Tidak dapat dilakukan sekarang",
            "Keadaan data tidak mengizinkan tindakan ini saat ini. Muat ulang halaman untuk melihat keadaan terbaru.",
        ),
        StatusCode::GONE => (
            "Sudah tidak berlaku",
            "Tautan atau halaman ini sudah tidak berlaku.",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "Waktu permintaan habis",
            "Permintaan terlalu lama dikirim atau diproses. Silakan coba lagi.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Isian terlalu besar",
            "Data yang dikirim melebihi batas ukuran. Perkecil isian atau berkas, lalu coba lagi.",
        ),
        StatusCode::URI_TOO_LONG => (
            "Alamat terlalu panjang",
            "Alamat yang dibuka terlalu panjang. Gunakan tautan asli dari surel.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "Format data tidak didukung",
            "Data dikirim dalam format yang tidak dikenal. Gunakan formulir pada halaman.",
        ),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
            "Permintaan terlalu besar",
            "Kepala permintaan terlalu besar. Hapus cookie peramban untuk alamat ini, lalu coba lagi.",
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "Terlalu banyak permintaan",
            "Terlalu banyak percobaan dalam waktu singkat. Silakan tunggu beberapa saat.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            "Layanan belum siap",
            "Layanan sedang tidak dapat melayani. Silakan coba lagi beberapa saat lagi.",
        ),
        s if s.is_server_error() => (
            "Terjadi kesalahan",
            "Terjadi kesalahan pada sistem. Silakan coba lagi beberapa saat lagi.",
        ),
        _ => (
            "Permintaan tidak dapat diproses",
            "Permintaan tidak dapat diproses. Silakan kembali dan coba lagi.",
        ),
    }
}

/// Our page with `status`, marked so the guard leaves it alone.
fn page(status: StatusCode, body: Html<String>) -> Response {
    let mut res = (status, body).into_response();
    res.extensions_mut().insert(OurPage);
    res
}

/// Method names as metric labels: the known ones, everything else one label.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "lainnya",
    }
}

async fn measure(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Route templates only (`/persetujuan/{token}`), never the path a client made up.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "tidak_dikenal".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(req.method());
    let start = std::time::Instant::now();
    let res = next.run(req).await;
    state
        .metrics
        .observe(method, &route, res.status().as_u16(), start.elapsed());
    res
}

async fn healthz(State(state): State<AppState>) -> Response {
    let mut tasks = String::new();
    for (name, t) in state.health.tasks() {
        if t.diulang > 0 {
            tasks.push_str(&format!(
                "tugas latar {name}: dijalankan ulang {} kali setelah kesalahan ({}){}\n",
                t.diulang,
                t.kesalahan_terakhir.as_deref().unwrap_or("-"),
                if t.sehat {
                    "; kini berjalan"
                } else {
                    "; belum pulih"
                }
            ));
        }
    }
    match crate::service::status::ping(&state.app).await {
        Ok(()) if state.health.ok() => (StatusCode::OK, format!("ok\n{tasks}")).into_response(),
        Ok(()) => {
            let mut res = (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("tidak sehat\n{tasks}"),
            )
                .into_response();
            res.extensions_mut().insert(OurPage);
            res
        }
        Err(e) => {
            tracing::error!("basis data tidak menjawab: {e}");
            let mut res = (
                StatusCode::SERVICE_UNAVAILABLE,
                "basis data tidak menjawab\n",
            )
                .into_response();
            res.extensions_mut().insert(OurPage);
            res
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

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        Body::from(pages::CSS),
    )
        .into_response()
}

async fn not_found() -> Response {
    status_page(StatusCode::NOT_FOUND)
}

async fn method_not_allowed() -> Response {
    status_page(StatusCode::METHOD_NOT_ALLOWED)
}

/// `text` as a sentence: a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// Maps why a link led to no decision to its status and page: the one place this happens.
fn page_for(e: &ServiceError) -> Response {
    let (status, title, text) = match e {
        ServiceError::Refused(Refusal::LinkUnknown) | ServiceError::NotFound(_) => (
            StatusCode::NOT_FOUND,
            "Tautan tidak dikenal",
            "Tautan ini tidak dikenal atau tidak sah. Gunakan tautan pada surel permohonan persetujuan yang terbaru.".to_owned(),
        ),
        ServiceError::Refused(Refusal::LinkExpired) => (
            StatusCode::GONE,
            "Tautan sudah kedaluwarsa",
            "Masa berlaku tautan ini telah habis. Bapak/Ibu masih dapat menjawab dengan membalas surel permohonan, atau menghubungi BKPSDM.".to_owned(),
        ),
        ServiceError::Refused(r) if !r.is_input() => (
            StatusCode::CONFLICT,
            if matches!(
                r,
                Refusal::StepDecided(Some(crate::workflow::Status::Dibatalkan))
            ) {
                "Proses dibatalkan"
            } else {
                "Sudah diputuskan"
            },
            sentence(&r.to_string()),
        ),
        ServiceError::Refused(r) => (
            StatusCode::BAD_REQUEST,
            "Formulir belum lengkap",
            format!("{r}."),
        ),
        ServiceError::Invalid(_) => (
            StatusCode::BAD_REQUEST,
            "Formulir belum lengkap",
            format!("{e}."),
        ),
        // A definition problem is the agency's to fix, not the approver's: no file paths or
        // names on a public page.
        ServiceError::Definitions { .. } | ServiceError::Store(_) | ServiceError::Unexpected(_) => {
            tracing::error!("kesalahan saat memproses tautan: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Terjadi kesalahan",
                "Jawaban belum tercatat karena kesalahan sistem. Silakan coba lagi beberapa saat lagi.".to_owned(),
            )
        }
    };
    page(status, Html(pages::message(title, &text)))
}

async fn confirm_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match answers::link_view(&state.app, &token).await {
        Ok(view) => page(StatusCode::OK, Html(pages::confirm(&view, &token))),
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
            page(StatusCode::OK, Html(pages::recorded(&view, &token)))
        }
        Err(e) => page_for(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_behind_a_trusted_proxy_is_the_right_most_untrusted_address() {
        let proxy: std::net::SocketAddr = "10.0.0.2:5000".parse().unwrap();
        let trusted = vec!["10.0.0.2".parse().unwrap(), "10.0.0.3".parse().unwrap()];
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "1.2.3.4, 203.0.113.7, 10.0.0.3".parse().unwrap(),
        );
        // A client may write anything on the left; the proxies append on the right.
        assert_eq!(
            client_of(proxy, &h, &trusted).ip().to_string(),
            "203.0.113.7"
        );
        // Not from a trusted proxy: the header is ignored.
        let stranger: std::net::SocketAddr = "198.51.100.9:1234".parse().unwrap();
        assert_eq!(client_of(stranger, &h, &trusted), stranger);
        // A header that does not read is no client at all.
        h.insert("x-forwarded-for", "bukan-alamat".parse().unwrap());
        assert_eq!(client_of(proxy, &h, &trusted), proxy);
        assert_eq!(
            client_of(proxy, &axum::http::HeaderMap::new(), &trusted),
            proxy
        );
    }
}
