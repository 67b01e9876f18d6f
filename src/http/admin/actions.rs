//! The console's state-changing requests: each checks the role and the CSRF token (form field
//! `csrf` or header `X-CSRF-Token`), calls the service, records the audit entry, and answers
//! with a redirect or a result page.

use axum::{
    Form,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use super::{Forbidden, Frame, Signed, TempFolder, failure, html};
use crate::{
    domain::{Action, Email, Role},
    http::AppState,
    ingest::ImportKind,
    service::{self, ImportOptions, ServiceError, audit, console},
};

pub(super) fn token<'a>(headers: &'a HeaderMap, form: &'a str) -> &'a str {
    headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(form)
}

/// Role first (403), then the token (403): nothing is done for a request that fails either.
fn allowed(signed: &Signed, role: Role, headers: &HeaderMap, csrf: &str) -> Result<(), Forbidden> {
    signed.require(role)?;
    signed.check_csrf(token(headers, csrf))
}

/// A form carrying only its token.
#[derive(Debug, Deserialize)]
pub(super) struct Plain {
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/penyaringan`: starts a run in the background and shows its live progress.
pub(super) async fn start_run(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Plain>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Operator, &headers, &f.csrf) {
        return r.into_response();
    }
    match console::runs::start(&state.app, &signed.actor()).await {
        Ok(Some(id)) => Redirect::to(&format!("/admin/penyaringan/{id}")).into_response(),
        Ok(None) => Redirect::to("/admin/penyaringan").into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /admin/penempatan`: places the eligible of the latest finished run.
pub(super) async fn place(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Plain>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Operator, &headers, &f.csrf) {
        return r.into_response();
    }
    match service::placement::place(&state.app, None, &signed.session.account.email).await {
        Ok(report) => {
            audit::note(
                &state.app,
                &signed.actor(),
                Action::Penempatan,
                &report.penempatan.id,
                &format!("{} calon ditempatkan", report.penempatan.ditempatkan),
            )
            .await;
            Redirect::to("/admin/penempatan").into_response()
        }
        Err(e) => failure(e),
    }
}

/// The start-a-workflow form.
#[derive(Debug, Deserialize)]
pub(super) struct StartWorkflow {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    workflow: String,
    #[serde(default)]
    subjek: Option<String>,
}

/// `POST /admin/alur`: starts a workflow.
pub(super) async fn start_workflow(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<StartWorkflow>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Operator, &headers, &f.csrf) {
        return r.into_response();
    }
    let subject = f.subjek.as_deref().map(str::trim).filter(|s| !s.is_empty());
    match service::workflow::start(
        &state.app,
        &f.workflow,
        subject,
        &signed.session.account.email,
    )
    .await
    {
        Ok(id) => {
            audit::note(
                &state.app,
                &signed.actor(),
                Action::AlurMulai,
                &id,
                &format!("workflow {}", f.workflow),
            )
            .await;
            Redirect::to(&format!("/admin/alur/{id}")).into_response()
        }
        Err(e) => failure(e),
    }
}

#[derive(Serialize)]
struct ImportResult<'a> {
    f: Frame<'a>,
    hasil: service::ImportReport,
    batas_mb: u64,
}

/// Writes an uploaded file to a fresh folder; returns the folder and the file.
/// What a broken upload tells the person: too large (with the limit), or cut off.
fn upload_error(e: &axum::extract::multipart::MultipartError, limit_mb: u64) -> ServiceError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ServiceError::value(
            "berkas",
            format!("berkas lebih besar dari batas unggah {limit_mb} MB (setelan unggah_maks)"),
        )
    } else {
        ServiceError::value("berkas", "unggahan terputus atau rusak; unggah sekali lagi")
    }
}

async fn receive(
    mut multipart: Multipart,
    dir: &std::path::Path,
    limit_mb: u64,
) -> Result<(Option<String>, Option<String>, std::path::PathBuf, String), ServiceError> {
    let (mut csrf, mut jenis, mut file, mut original) = (None, None, None, String::new());
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| upload_error(&e, limit_mb))?
    {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.ok(),
            "jenis" => jenis = field.text().await.ok(),
            "berkas" => {
                original = field
                    .file_name()
                    .map(|n| crate::domain::strip_controls(n).chars().take(200).collect())
                    .unwrap_or_default();
                let ext = std::path::Path::new(&original)
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_lowercase)
                    .unwrap_or_default();
                let path = dir.join(format!("unggahan.{ext}"));
                let mut out = tokio::fs::File::create(&path).await.map_err(|e| {
                    ServiceError::unexpected("berkas unggahan", crate::domain::io_message(&e))
                })?;
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| upload_error(&e, limit_mb))?
                {
                    out.write_all(&chunk).await.map_err(|e| {
                        ServiceError::unexpected("berkas unggahan", crate::domain::io_message(&e))
                    })?;
                }
                out.flush().await.ok();
                file = Some(path);
            }
            _ => {}
        }
    }
    let file = file.ok_or_else(|| ServiceError::value("berkas", "pilih berkas CSV atau XLSX"))?;
    Ok((csrf, jenis, file, original))
}

/// `POST /admin/impor` (multipart: `csrf`, `jenis`, `berkas`): every row checked first; a
/// file with an invalid row writes nothing and lists every `baris N, kolom X: pesan`.
pub(super) async fn import(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    if let Err(r) = signed.require(Role::Operator) {
        return r.into_response();
    }
    let Ok(multipart) = multipart else {
        return failure(ServiceError::value(
            "berkas",
            "kirim formulir unggah (multipart/form-data)",
        ));
    };
    let folder = match TempFolder::new("unggah") {
        Ok(f) => f,
        Err(e) => {
            return failure(ServiceError::unexpected(
                "folder unggahan",
                crate::domain::io_message(&e),
            ));
        }
    };
    let limit_mb = state.app.settings().upload_max_bytes / 1024 / 1024;
    let (csrf, jenis, path, original) = match receive(multipart, &folder.0, limit_mb).await {
        Ok(v) => v,
        Err(e) => return failure(e),
    };
    let result = async {
        signed
            .check_csrf(token(&headers, csrf.as_deref().unwrap_or_default()))
            .map_err(IntoResponse::into_response)?;
        let kind = match jenis.as_deref() {
            Some("calon") => ImportKind::Candidates,
            Some("formasi") => ImportKind::Formations,
            Some("pegawai") => ImportKind::Employees,
            _ => {
                return Err(failure(ServiceError::value(
                    "jenis",
                    "pilih calon, formasi, atau pegawai",
                )));
            }
        };
        let opts = ImportOptions {
            kind,
            path: path.clone(),
            skip_invalid: false,
            sheet: None,
            by: signed.session.account.email.clone(),
            progress: None,
        };
        let mut report = service::import(&state.app, &opts, |_| {})
            .await
            .map_err(failure)?;
        report.berkas = original.clone();
        if report.disimpan {
            audit::note(
                &state.app,
                &signed.actor(),
                Action::Impor,
                &original,
                &format!("{} {} diimpor", report.diimpor, report.jenis),
            )
            .await;
        }
        Ok::<_, Response>(report)
    }
    .await;
    drop(folder);
    match result {
        Ok(hasil) => {
            let code = if hasil.disimpan {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            };
            let mut frame = signed.frame(&state, "Impor", "impor");
            frame
                .jejak
                .push(("Impor".to_owned(), "/admin/impor".to_owned()));
            let mut res = html(
                "admin/impor.html",
                &ImportResult {
                    f: frame,
                    hasil,
                    batas_mb: state.app.settings().upload_max_bytes / 1024 / 1024,
                },
            );
            *res.status_mut() = code;
            res
        }
        Err(r) => r,
    }
}

/// The add-an-account form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct AddUser {
    csrf: String,
    email: String,
    nama: String,
    peran: String,
}

/// `POST /admin/pengguna` (admin): adds an account and shows its generated password once.
pub(super) async fn add_user(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<AddUser>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Admin, &headers, &f.csrf) {
        return r.into_response();
    }
    let parsed = Email::parse(&f.email)
        .map_err(|e| ServiceError::value("surel", e))
        .and_then(|email| {
            Role::parse(&f.peran)
                .map(|role| (email, role))
                .map_err(|e| ServiceError::value("peran", e))
        });
    let (email, role) = match parsed {
        Ok(v) => v,
        Err(e) => return failure(e),
    };
    match service::accounts::add(&state.app, &email, &f.nama, role, None, &signed.actor()).await {
        Ok(generated) => {
            super::pages::users_page(&state, &signed, generated.map(|p| (email.to_string(), p)))
                .await
        }
        Err(e) => failure(e),
    }
}

/// A form naming an account.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Account {
    csrf: String,
    email: String,
}

/// `POST /admin/pengguna/nonaktif` (admin).
pub(super) async fn disable_user(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Account>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Admin, &headers, &f.csrf) {
        return r.into_response();
    }
    let email = match Email::parse(&f.email) {
        Ok(e) => e,
        Err(e) => return failure(ServiceError::value("surel", e)),
    };
    match service::accounts::disable(&state.app, &email, &signed.actor()).await {
        Ok(()) => Redirect::to("/admin/pengguna").into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /admin/pengguna/sandi` (admin): a new generated password, shown once.
pub(super) async fn reset_password(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Account>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Admin, &headers, &f.csrf) {
        return r.into_response();
    }
    let email = match Email::parse(&f.email) {
        Ok(e) => e,
        Err(e) => return failure(ServiceError::value("surel", e)),
    };
    match service::accounts::reset_password(&state.app, &email, None, &signed.actor()).await {
        Ok(generated) => {
            super::pages::users_page(&state, &signed, generated.map(|p| (email.to_string(), p)))
                .await
        }
        Err(e) => failure(e),
    }
}
