//! The console's read-only pages (console.md 3).

use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use super::{Frame, Signed, failure, html};
use crate::{
    domain::{Action, AuditFilter, Role},
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
    let shown = async {
        let d = console::candidates::detail(&state.app, &signed.viewer(), &key).await?;
        let temuan = service::screening::verification::of_candidate(&state.app, &key).await?;
        Ok::<_, service::ServiceError>((d, temuan, q.open(&state).await))
    }
    .await;
    match shown {
        Ok((d, temuan, pesan)) => {
            let tinjau = service::console::candidates::settleable(d.keputusan.as_ref());
            let mut frame = signed.frame(&state, "Calon", "calon");
            frame.pesan = pesan;
            crumb(&mut frame, "Calon", "/admin/calon");
            crumb(&mut frame, &d.nama, "");
            page(
                "admin/calon_rinci.html",
                frame,
                CandidatePage {
                    detail: d,
                    temuan,
                    tinjau,
                },
            )
        }
        Err(e) => failure(e),
    }
}

#[derive(Serialize)]
struct CandidatePage {
    #[serde(flatten)]
    detail: console::candidates::Detail,
    /// Manual findings on this candidate, newest first.
    temuan: Vec<service::screening::verification::FindingView>,
    /// Rules a verifier may settle: (id, title).
    tinjau: Vec<(String, String)>,
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
    menunggu: Vec<console::workflows::Awaiting>,
    semua: Vec<console::workflows::InstanceLine>,
    /// Instances matching the filter beyond those shown.
    lainnya: usize,
    definisi: Vec<(String, String)>,
    /// The workflows an operator starts from this page (a rule change starts from the editor).
    mulai: Vec<(String, String)>,
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

/// At most this many instances on the page.
const SHOWN_INSTANCES: usize = 200;

/// `GET /admin/alur?status=&workflow=`.
pub(super) async fn workflows(
    State(state): State<AppState>,
    signed: Signed,
    Query(saring): Query<WorkflowFilter>,
) -> Response {
    let definisi: Vec<(String, String)> =
        match service::ground::definitions::read(&state.app, |d| d.workflows()).await {
            Ok(w) => w
                .value
                .as_ref()
                .map(|w| {
                    w.values()
                        .map(|d| (d.id.clone(), d.judul.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            Err(e) => return failure(e),
        };
    let menunggu = match console::workflows::awaiting(&state.app).await {
        Ok(m) => m,
        Err(e) => return failure(e),
    };
    match console::workflows::instances(&state.app).await {
        Ok(semua) => {
            let matching: Vec<_> = semua
                .into_iter()
                .filter(|i| saring.status.is_empty() || i.status == saring.status)
                .filter(|i| saring.workflow.is_empty() || i.workflow == saring.workflow)
                .collect();
            let lainnya = matching.len().saturating_sub(SHOWN_INSTANCES);
            let mulai = definisi
                .iter()
                .filter(|(id, _)| id != service::ground::CHANGE_WORKFLOW)
                .cloned()
                .collect();
            let mut frame = signed.frame(&state, "Alur persetujuan", "alur");
            crumb(&mut frame, "Alur", "/admin/alur");
            page(
                "admin/alur.html",
                frame,
                Workflows {
                    menunggu,
                    semua: matching.into_iter().take(SHOWN_INSTANCES).collect(),
                    lainnya,
                    definisi,
                    mulai,
                    saring,
                },
            )
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
    catatan: Vec<AuditRow>,
    aksi: Vec<(&'static str, &'static str)>,
    berikutnya: Option<i64>,
}

#[derive(Serialize)]
struct AuditRow {
    urutan: i64,
    waktu: String,
    orang: String,
    dari: String,
    aksi: String,
    objek: String,
    rincian: String,
}

/// `GET /admin/audit`.
pub(super) async fn audit(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<AuditQuery>,
) -> Response {
    let tz = state.app.settings().timezone;
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let sejak_ms = nonempty(&q.sejak)
        .and_then(|d| crate::domain::parse_date(&d))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|d| {
            use chrono::TimeZone;
            tz.from_local_datetime(&d).earliest()
        })
        .map(|t| t.timestamp_millis());
    let filter = AuditFilter {
        orang: nonempty(&q.orang),
        aksi: nonempty(&q.aksi),
        sejak_ms,
        sampai_ms: None,
        // Anything not shaped like a tag matches nothing rather than everything.
        tag: nonempty(&q.tanda).map(|t| {
            let t = format!("#{}", t.trim().trim_start_matches('#'));
            if crate::domain::AuditKey::is_tag(&t) {
                t
            } else {
                "#-".to_owned()
            }
        }),
        sebelum: q.sebelum,
    };
    const PAGE: u64 = 100;
    match service::audit::list(&state.app, &filter, PAGE + 1).await {
        Ok(mut entries) => {
            let more = entries.len() as u64 > PAGE;
            entries.truncate(PAGE as usize);
            let berikutnya = more.then(|| entries.last().map(|e| e.urutan)).flatten();
            // Runs, placements and approval processes by name, not by id.
            let texts = entries
                .iter()
                .flat_map(|e| [e.objek.clone(), e.rincian.clone()])
                .collect();
            let words = match console::ids_in_words(&state.app, texts).await {
                Ok(w) => w,
                Err(e) => return failure(e),
            };
            let catatan = entries
                .into_iter()
                .zip(words.chunks(2))
                .map(|(e, w)| AuditRow {
                    urutan: e.urutan,
                    waktu: service::ground::when(e.waktu_ms, tz),
                    aksi: Action::parse(&e.aksi).map_or(e.aksi.clone(), |a| a.label().to_owned()),
                    orang: e.orang,
                    dari: e.dari,
                    objek: w.first().cloned().unwrap_or_default(),
                    rincian: w.get(1).cloned().unwrap_or_default(),
                })
                .collect();
            let mut frame = signed.frame(&state, "Audit", "audit");
            crumb(&mut frame, "Audit", "/admin/audit");
            page(
                "admin/audit.html",
                frame,
                AuditPage {
                    cari: q,
                    catatan,
                    aksi: Action::ALL.iter().map(|a| (a.code(), a.label())).collect(),
                    berikutnya,
                },
            )
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
