//! The console's read-only pages (console.md 3).

use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use super::{Frame, Signed, failure, html};
use crate::{
    domain::Role,
    http::AppState,
    service::{self, console},
};

/// A page: the shared frame and what the page shows.
#[derive(Serialize)]
struct Page<'a, T: Serialize> {
    f: Frame<'a>,
    #[serde(flatten)]
    isi: T,
}

pub(super) fn page<T: Serialize>(template: &str, frame: Frame<'_>, isi: T) -> Response {
    html(template, &Page { f: frame, isi })
}

fn crumb(frame: &mut Frame<'_>, label: &str, link: &str) {
    frame.jejak.push((label.to_owned(), link.to_owned()));
}

/// `GET /admin`.
pub(super) async fn home(State(state): State<AppState>, signed: Signed) -> Response {
    match console::dashboard::dashboard(&state.app).await {
        Ok(d) => page(
            "admin/beranda.html",
            signed.frame(&state, "Beranda", "beranda"),
            d,
        ),
        Err(e) => failure(e),
    }
}

/// The candidate list's query.
#[derive(Debug, Deserialize, Serialize, Default)]
pub(super) struct CandidateQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    hasil: Option<String>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    kategori: Option<String>,
    #[serde(default)]
    setelah: Option<String>,
}

#[derive(Serialize)]
struct CandidateList {
    cari: CandidateQuery,
    halaman: console::candidates::Page,
}

/// `GET /admin/calon`.
pub(super) async fn candidates(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<CandidateQuery>,
) -> Response {
    let query = console::candidates::Query {
        q: q.q.clone(),
        hasil: q.hasil.clone(),
        unit: q.unit.clone(),
        kategori: q.kategori.clone(),
        setelah: q.setelah.clone(),
    };
    match console::candidates::list(&state.app, &query).await {
        Ok(halaman) => {
            let mut frame = signed.frame(&state, "Calon", "calon");
            crumb(&mut frame, "Calon", "/admin/calon");
            page(
                "admin/calon.html",
                frame,
                CandidateList { cari: q, halaman },
            )
        }
        Err(e) => failure(e),
    }
}

/// `GET /admin/calon/{nik}` (a full NIK or a reference from a list).
pub(super) async fn candidate(
    State(state): State<AppState>,
    signed: Signed,
    Path(key): Path<String>,
    Query(q): Query<super::NoticeQuery>,
) -> Response {
    match console::candidates::detail_page(&state.app, &signed.viewer(), &key).await {
        Ok(p) => {
            let mut frame = signed.frame(&state, "Calon", "calon");
            frame.pesan = q.open(&state).await;
            crumb(&mut frame, "Calon", "/admin/calon");
            crumb(&mut frame, &p.detail.nama, "");
            page("admin/calon_rinci.html", frame, p)
        }
        Err(e) => failure(e),
    }
}

#[derive(Serialize)]
struct RunList {
    penyaringan: Vec<console::runs::RunRow>,
}

/// `GET /admin/penyaringan`.
pub(super) async fn runs(State(state): State<AppState>, signed: Signed) -> Response {
    match console::runs::list(&state.app).await {
        Ok(penyaringan) => {
            let mut frame = signed.frame(&state, "Penyaringan", "penyaringan");
            crumb(&mut frame, "Penyaringan", "/admin/penyaringan");
            page("admin/penyaringan.html", frame, RunList { penyaringan })
        }
        Err(e) => failure(e),
    }
}

/// A run page's query.
#[derive(Debug, Deserialize)]
pub(super) struct RunQuery {
    #[serde(default)]
    banding: Option<String>,
}

/// `GET /admin/penyaringan/{run}`.
pub(super) async fn run(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<RunQuery>,
) -> Response {
    match console::runs::detail(&state.app, &id, q.banding.as_deref()).await {
        Ok(d) => {
            let mut frame = signed.frame(&state, "Penyaringan", "penyaringan");
            crumb(&mut frame, "Penyaringan", "/admin/penyaringan");
            crumb(&mut frame, &d.run.nama, "");
            page("admin/penyaringan_rinci.html", frame, d)
        }
        Err(e) => failure(e),
    }
}

/// The placement page's query.
#[derive(Debug, Deserialize)]
pub(super) struct After {
    #[serde(default)]
    setelah: Option<u64>,
    /// A unit whose formation lines to show.
    #[serde(default)]
    unit: Option<String>,
}

#[derive(Serialize)]
struct Placements {
    penempatan: Option<console::placements::View>,
}

/// `GET /admin/penempatan`.
pub(super) async fn placements(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<After>,
) -> Response {
    match console::placements::view(&state.app, q.setelah.unwrap_or(0), q.unit.as_deref()).await {
        Ok(penempatan) => {
            let mut frame = signed.frame(&state, "Penempatan", "penempatan");
            crumb(&mut frame, "Penempatan", "/admin/penempatan");
            page("admin/penempatan.html", frame, Placements { penempatan })
        }
        Err(e) => failure(e),
    }
}

#[derive(Serialize)]
struct Workflows {
    #[serde(flatten)]
    isi: console::workflows::Overview,
    saring: WorkflowFilter,
}

/// The workflow list's filters (the URL's query).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub(super) struct WorkflowFilter {
    /// `berjalan`, `selesai_disetujui`, `selesai_ditolak`.
    status: String,
    /// A workflow id.
    workflow: String,
}

/// `GET /admin/alur?status=&workflow=`.
pub(super) async fn workflows(
    State(state): State<AppState>,
    signed: Signed,
    Query(saring): Query<WorkflowFilter>,
) -> Response {
    match console::workflows::overview(&state.app, &saring.status, &saring.workflow).await {
        Ok(isi) => {
            let mut frame = signed.frame(&state, "Alur persetujuan", "alur");
            crumb(&mut frame, "Alur", "/admin/alur");
            page("admin/alur.html", frame, Workflows { isi, saring })
        }
        Err(e) => failure(e),
    }
}

/// `GET /admin/alur/{id}`.
pub(super) async fn timeline(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    match console::workflows::timeline(&state.app, &id).await {
        Ok(t) => {
            let mut frame = signed.frame(&state, "Alur persetujuan", "alur");
            crumb(&mut frame, "Alur", "/admin/alur");
            crumb(&mut frame, &t.judul, "");
            page("admin/alur_rinci.html", frame, t)
        }
        Err(e) => failure(e),
    }
}

#[derive(Serialize)]
struct ImportForm {
    batas_mb: u64,
}

/// `GET /admin/impor`.
pub(super) async fn import_form(State(state): State<AppState>, signed: Signed) -> Response {
    if let Err(r) = signed.require(Role::Operator) {
        return r.into_response();
    }
    let mut frame = signed.frame(&state, "Impor", "impor");
    crumb(&mut frame, "Impor", "/admin/impor");
    page(
        "admin/impor.html",
        frame,
        ImportForm {
            batas_mb: state.app.settings().upload_max_bytes / 1024 / 1024,
        },
    )
}

#[derive(Serialize)]
struct RulesPage {
    ruleset: Vec<service::console::editor::RulesetView>,
}

/// `GET /admin/aturan`: the rulesets in force, rule by rule (editing is console.md 4).
pub(super) async fn rules(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<super::NoticeQuery>,
) -> Response {
    let editing = signed.require(crate::domain::Role::Admin).is_ok();
    match service::console::editor::rules_page(&state.app, editing).await {
        Ok(ruleset) => {
            let mut frame = signed.frame(&state, "Aturan", "aturan");
            frame.pesan = q.open(&state).await;
            crumb(&mut frame, "Aturan", "/admin/aturan");
            page("admin/aturan.html", frame, RulesPage { ruleset })
        }
        Err(e) => failure(e),
    }
}

/// The audit page's query.
#[derive(Debug, Deserialize, Serialize, Default)]
pub(super) struct AuditQuery {
    #[serde(default)]
    orang: Option<String>,
    #[serde(default)]
    aksi: Option<String>,
    #[serde(default)]
    sejak: Option<String>,
    /// A keyed tag (`#` and 16 letters a–p): every entry about one person or account name.
    #[serde(default)]
    tanda: Option<String>,
    #[serde(default)]
    sebelum: Option<i64>,
}

#[derive(Serialize)]
struct AuditPage {
    cari: AuditQuery,
    #[serde(flatten)]
    isi: console::audit::Page,
}

/// `GET /admin/audit`.
pub(super) async fn audit(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<AuditQuery>,
) -> Response {
    let search = console::audit::Search {
        orang: q.orang.clone(),
        aksi: q.aksi.clone(),
        sejak: q.sejak.clone(),
        tanda: q.tanda.clone(),
        sebelum: q.sebelum,
    };
    match console::audit::page(&state.app, &search).await {
        Ok(isi) => {
            let mut frame = signed.frame(&state, "Audit", "audit");
            crumb(&mut frame, "Audit", "/admin/audit");
            page("admin/audit.html", frame, AuditPage { cari: q, isi })
        }
        Err(e) => failure(e),
    }
}

#[derive(Serialize)]
struct UsersPage {
    akun: Vec<service::accounts::Account>,
    kata_sandi_baru: Option<(String, String)>,
}

/// `GET /admin/pengguna` (admin).
pub(super) async fn users(State(state): State<AppState>, signed: Signed) -> Response {
    if let Err(r) = signed.require(Role::Admin) {
        return r.into_response();
    }
    users_page(&state, &signed, None).await
}

/// The accounts page, with a password just generated for someone when there is one.
pub(super) async fn users_page(
    state: &AppState,
    signed: &Signed,
    kata_sandi_baru: Option<(String, String)>,
) -> Response {
    match service::accounts::list(&state.app).await {
        Ok(akun) => {
            let mut frame = signed.frame(state, "Pengguna", "pengguna");
            crumb(&mut frame, "Pengguna", "/admin/pengguna");
            page(
                "admin/pengguna.html",
                frame,
                UsersPage {
                    akun,
                    kata_sandi_baru,
                },
            )
        }
        Err(e) => failure(e),
    }
}
