//! The console's state-changing requests: each checks the role and the CSRF token (form field
//! `csrf` or header `X-CSRF-Token`), calls the service with the signed-in actor (the service
//! writes the audit entry), and answers with a redirect or a result page.

use axum::{
    Form,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use std::collections::HashMap;

use super::{
    Confirm, Forbidden, Frame, Signed, TempFolder, confirm_page, confirmed, failure, html,
};
use crate::{
    domain::{Email, Role},
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
pub(super) fn allowed(
    signed: &Signed,
    role: Role,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(), Forbidden> {
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

type Fields = HashMap<String, String>;

fn field<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", String::as_str)
}

/// `POST /admin/penempatan`: places the eligible of the latest finished run, after its
/// confirmation page.
pub(super) async fn place(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Operator, &headers, field(&f, "csrf")) {
        return r.into_response();
    }
    if !confirmed(&f) {
        let c = Confirm {
            judul: "Jalankan penempatan?",
            uraian: vec![
                "Calon yang layak pada penyaringan terakhir yang selesai akan ditempatkan ke formasi yang tersedia, dengan alasan untuk setiap calon.".to_owned(),
                "Penempatan baru menjadi penempatan terbaru: daftar usulan, dokumen, dan alur usulan yang dimulai sesudahnya memakai hasil ini. Penempatan sebelumnya tetap tersimpan.".to_owned(),
            ],
            aksi: "/admin/penempatan".to_owned(),
            tombol: "Ya, jalankan penempatan",
            kembali: "/admin/penempatan".to_owned(),
            isian_wajib: Vec::new(),
        };
        return confirm_page(&signed, &state, "penempatan", &c, &f);
    }
    match service::placement::place(&state.app, None, &signed.actor()).await {
        Ok(_) => Redirect::to("/admin/penempatan").into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /admin/alur` (`workflow`, `subjek`): starts a workflow, after its confirmation page.
pub(super) async fn start_workflow(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Operator, &headers, field(&f, "csrf")) {
        return r.into_response();
    }
    let workflow = field(&f, "workflow");
    let subject = Some(field(&f, "subjek").trim()).filter(|s| !s.is_empty());
    if !confirmed(&f) {
        // What would start, told before anything is sent to anyone.
        let preview = match service::workflow::start_preview(&state.app, workflow, subject).await {
            Ok(p) => p,
            Err(e) => return failure(e),
        };
        let c = Confirm {
            judul: "Mulai alur persetujuan?",
            uraian: preview.uraian,
            aksi: "/admin/alur".to_owned(),
            tombol: "Ya, mulai dan kirim permohonan",
            kembali: "/admin/alur".to_owned(),
            isian_wajib: Vec::new(),
        };
        let mut form = f.clone();
        if let Some(resolved) = preview.subjek {
            form.insert("subjek".to_owned(), resolved);
        }
        return confirm_page(&signed, &state, "alur", &c, &form);
    }
    match service::workflow::start(&state.app, workflow, subject, &signed.actor(), None).await {
        Ok(id) => Redirect::to(&format!("/admin/alur/{id}")).into_response(),
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
                    ServiceError::failed("berkas unggahan", crate::domain::io_message(&e))
                })?;
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| upload_error(&e, limit_mb))?
                {
                    out.write_all(&chunk).await.map_err(|e| {
                        ServiceError::failed("berkas unggahan", crate::domain::io_message(&e))
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
            return failure(ServiceError::failed(
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
            izinkan_di_bawah_katalog: false,
            sheet: None,
            berkas: Some(original.clone()),
            actor: signed.actor(),
            progress: None,
        };
        let report = service::import(&state.app, &opts, |_| {})
            .await
            .map_err(failure)?;
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

/// What the Pengguna page's account buttons do (each asked once more before it is done).
#[derive(Debug, Clone, Copy)]
enum AccountAct {
    Disable,
    Enable,
    EndSessions,
}

impl AccountAct {
    fn confirm(self, email: &str) -> Confirm<'static> {
        let (judul, uraian, tombol, aksi) = match self {
            Self::Disable => (
                "Nonaktifkan akun?",
                format!(
                    "Akun {email} tidak dapat masuk lagi dan semua sesinya berakhir saat ini juga. Akun dapat diaktifkan kembali di halaman ini."
                ),
                "Ya, nonaktifkan",
                "/admin/pengguna/nonaktif",
            ),
            Self::Enable => (
                "Aktifkan kembali akun?",
                format!(
                    "Akun {email} dapat masuk lagi dengan kata sandinya; sesi lamanya tetap berakhir."
                ),
                "Ya, aktifkan kembali",
                "/admin/pengguna/aktif",
            ),
            Self::EndSessions => (
                "Akhiri semua sesi akun ini?",
                format!(
                    "Semua sesi akun {email} berakhir saat ini juga, di perangkat mana pun; pemiliknya harus masuk lagi."
                ),
                "Ya, akhiri semua sesi",
                "/admin/pengguna/sesi",
            ),
        };
        Confirm {
            judul,
            uraian: vec![uraian],
            aksi: aksi.to_owned(),
            tombol,
            kembali: "/admin/pengguna".to_owned(),
            isian_wajib: Vec::new(),
        }
    }

    async fn run(
        self,
        state: &AppState,
        email: &Email,
        actor: &audit::Actor,
    ) -> Result<(), ServiceError> {
        match self {
            Self::Disable => service::accounts::disable(&state.app, email, actor).await,
            Self::Enable => service::accounts::enable(&state.app, email, actor).await,
            Self::EndSessions => service::accounts::end_sessions(&state.app, email, actor)
                .await
                .map(|_| ()),
        }
    }
}

/// An account action (admin): its confirmation page first, then the action.
async fn account_action(
    state: &AppState,
    signed: &Signed,
    headers: &HeaderMap,
    f: &Fields,
    act: AccountAct,
) -> Response {
    if let Err(r) = allowed(signed, Role::Admin, headers, field(f, "csrf")) {
        return r.into_response();
    }
    let email = match Email::parse(field(f, "email")) {
        Ok(e) => e,
        Err(e) => return failure(ServiceError::value("surel", e)),
    };
    if !confirmed(f) {
        return confirm_page(signed, state, "pengguna", &act.confirm(email.as_str()), f);
    }
    match act.run(state, &email, &signed.actor()).await {
        Ok(()) => Redirect::to("/admin/pengguna").into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /admin/pengguna/nonaktif` (admin): never one's own account, never the last admin.
pub(super) async fn disable_user(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    account_action(&state, &signed, &headers, &f, AccountAct::Disable).await
}

/// `POST /admin/pengguna/aktif` (admin): a disabled account enabled again.
pub(super) async fn enable_user(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    account_action(&state, &signed, &headers, &f, AccountAct::Enable).await
}

/// `POST /admin/pengguna/sesi` (admin): every session of an account ended now.
pub(super) async fn end_sessions(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    account_action(&state, &signed, &headers, &f, AccountAct::EndSessions).await
}

/// `POST /admin/alur/{id}/batalkan` (operator): a running instance cancelled with a reason,
/// after its confirmation page.
pub(super) async fn cancel_workflow(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Operator, &headers, field(&f, "csrf")) {
        return r.into_response();
    }
    // A rule change waiting for approval is an administrator's publication: only an
    // administrator withdraws it.
    match service::workflow::show(&state.app, &id).await {
        Ok(v) if v.workflow == service::ground::CHANGE_WORKFLOW => {
            if let Err(r) = signed.require(Role::Admin) {
                return r.into_response();
            }
        }
        Ok(_) => {}
        Err(e) => return failure(e),
    }
    let back = format!("/admin/alur/{}", super::percent_encode(&id));
    if !confirmed(&f) || field(&f, "alasan").trim().is_empty() {
        let c = Confirm {
            judul: "Batalkan proses persetujuan?",
            uraian: vec![
                "Proses ini berhenti dengan status dibatalkan: tautan pada surel permohonan tidak berlaku lagi, dan orang yang masih ditunggu jawabannya serta pengaju diberi tahu beserta alasannya.".to_owned(),
                "Pembatalan tidak dapat diurungkan; bila perlu, mulai proses baru.".to_owned(),
            ],
            aksi: format!("{back}/batalkan"),
            tombol: "Ya, batalkan proses ini",
            kembali: back,
            isian_wajib: vec![("alasan", "Alasan pembatalan (wajib; disampaikan kepada penerima)")],
        };
        return confirm_page(&signed, &state, "alur", &c, &f);
    }
    match service::workflow::cancel(&state.app, &id, &signed.actor(), field(&f, "alasan")).await {
        Ok(_) => Redirect::to(&back).into_response(),
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
