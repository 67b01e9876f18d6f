//! The definition editor (console.md 4), for administrators only: drafts of rulesets,
//! workflows, the directory and the templates; Periksa, Uji, Pratinjau, Terbitkan, Buang and
//! Pulihkan. Every GET and POST here requires the admin role (403 otherwise); every POST also
//! the session's CSRF token.

use std::collections::HashMap;

use axum::{
    Form,
    extract::{Path, Query, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{Signed, failure};
use crate::{
    domain::{DefinitionKey, Role},
    http::AppState,
    service::{ServiceError, console::editor, drafts},
};

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn field<'a>(f: &'a HashMap<String, String>, k: &str) -> &'a str {
    f.get(k).map_or("", String::as_str)
}

fn revision(f: &HashMap<String, String>) -> Result<i64, ServiceError> {
    field(f, "revisi")
        .parse()
        .map_err(|_| ServiceError::value("revisi", "tidak sah; muat ulang halaman"))
}

/// Admin role and CSRF token, or the 403 page.
fn admitted(
    signed: &Signed,
    headers: &HeaderMap,
    f: &HashMap<String, String>,
) -> Result<(), super::Forbidden> {
    signed
        .require(Role::Admin)
        .and_then(|()| signed.check_csrf(super::actions::token(headers, field(f, "csrf"))))
}

fn page<T: serde::Serialize>(
    signed: &Signed,
    state: &AppState,
    template: &str,
    judul: &str,
    trail: &[(&str, &str)],
    isi: T,
) -> Response {
    let mut frame = signed.frame(state, judul, "aturan");
    for (label, link) in trail {
        frame.jejak.push(((*label).to_owned(), (*link).to_owned()));
    }
    super::pages::page(template, frame, isi)
}

/// `POST /admin/draf`: begins a draft of `definisi`.
pub(super) async fn begin(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let key = match DefinitionKey::parse(field(&f, "definisi")) {
        Ok(k) => k,
        Err(e) => return failure(ServiceError::value("definisi", e)),
    };
    match drafts::begin(&state.app, &key, &signed.actor()).await {
        Ok(d) => Redirect::to(&format!("/admin/draf/{}", d.id)).into_response(),
        Err(e) => failure(e),
    }
}

/// The draft page's query: run Periksa and/or Uji on the current text.
#[derive(Debug, Deserialize, Default)]
pub(super) struct DraftQuery {
    #[serde(default)]
    periksa: Option<String>,
    #[serde(default)]
    uji: Option<String>,
    #[serde(default)]
    versi: Option<i64>,
}

/// `GET /admin/draf/{id}`.
pub(super) async fn draft(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Response {
    if let Err(r) = signed.require(Role::Admin) {
        return r.into_response();
    }
    let (check, test) = (q.periksa.is_some(), q.uji.is_some());
    match editor::draft_page(&state.app, &id, check, test).await {
        Ok(mut p) => {
            if check || test {
                let what = match (check, test) {
                    (true, true) => "periksa dan uji",
                    (true, false) => "periksa",
                    _ => "uji",
                };
                if let Ok(d) = drafts::get(&state.app, &id).await {
                    let _ = drafts::audit_trial(&state.app, &d, &signed.actor(), what).await;
                }
            }
            if let Some(v) = q.versi {
                p.catatan = Some(format!("Diterbitkan sebagai versi {v}."));
            }
            let (back, label) = (p.kembali, p.kembali_label);
            page(
                &signed,
                &state,
                "admin/draf.html",
                "Draf",
                &[(label, back), ("Draf", "")],
                p,
            )
        }
        Err(e) => failure(e),
    }
}

/// The editor's query.
#[derive(Debug, Deserialize)]
pub(super) struct FileQuery {
    berkas: String,
    #[serde(default)]
    periksa: Option<String>,
}

/// `GET /admin/draf/{id}/berkas?berkas=PATH`.
pub(super) async fn file(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<FileQuery>,
) -> Response {
    if let Err(r) = signed.require(Role::Admin) {
        return r.into_response();
    }
    match editor::editor(&state.app, &id, &q.berkas, q.periksa.is_some()).await {
        Ok(p) => {
            let back = format!("/admin/draf/{id}");
            page(
                &signed,
                &state,
                "admin/penyunting.html",
                "Penyunting",
                &[("Draf", &back), ("Berkas", "")],
                p,
            )
        }
        Err(e) => failure(e),
    }
}

/// `POST /admin/draf/{id}/berkas`: saves (or with `hapus`, removes) one file, then shows it
/// checked.
pub(super) async fn save_file(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let revisi = match revision(&f) {
        Ok(r) => r,
        Err(e) => return failure(e),
    };
    let path = field(&f, "berkas").trim().to_owned();
    let remove = f.contains_key("hapus");
    let text = (!remove).then(|| field(&f, "teks"));
    match drafts::save_file(&state.app, &id, revisi, &path, text, &signed.actor()).await {
        Ok(_) if remove => Redirect::to(&format!("/admin/draf/{id}?periksa=1")).into_response(),
        Ok(_) => Redirect::to(&format!(
            "/admin/draf/{id}/berkas?berkas={}&periksa=1",
            encode(&path)
        ))
        .into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /admin/draf/{id}/param`: one parameter of a ruleset draft.
pub(super) async fn set_param(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let revisi = match revision(&f) {
        Ok(r) => r,
        Err(e) => return failure(e),
    };
    let (name, value) = (field(&f, "nama"), field(&f, "nilai"));
    let result = async {
        let d = drafts::get(&state.app, &id).await?;
        let files = drafts::set_param(&d.berkas, name, value)
            .map_err(|e| ServiceError::value(format!("parameter {name}"), e))?;
        drafts::replace_files(
            &state.app,
            &id,
            revisi,
            files,
            &signed.actor(),
            &format!("parameter {name} = {value}"),
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/admin/draf/{id}?periksa=1")).into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /admin/draf/{id}/aturan`: a rule moved up (`naik`), retired (`pensiun`) or added
/// (`tambah`).
pub(super) async fn rule(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let revisi = match revision(&f) {
        Ok(r) => r,
        Err(e) => return failure(e),
    };
    let rule_id = field(&f, "id").trim().to_owned();
    let result = async {
        let d = drafts::get(&state.app, &id).await?;
        let (files, what) = match field(&f, "aksi") {
            "naik" => (
                drafts::move_rule(&d.berkas, &rule_id),
                format!("aturan {rule_id} dinaikkan"),
            ),
            "pensiun" => (
                drafts::retire_rule(&d.berkas, &rule_id),
                format!("aturan {rule_id} dikeluarkan dari ruleset"),
            ),
            "tambah" => (
                drafts::add_rule(
                    &d.berkas,
                    &drafts::NewRule {
                        id: rule_id.clone(),
                        judul: field(&f, "judul").to_owned(),
                        dasar_hukum: field(&f, "dasar_hukum").to_owned(),
                        pesan: field(&f, "pesan").to_owned(),
                    },
                ),
                format!("aturan {rule_id} ditambahkan"),
            ),
            "ubah" => {
                let mut files = Ok(d.berkas.clone());
                for k in ["judul", "dasar_hukum", "pesan"] {
                    files =
                        files.and_then(|fs| drafts::set_rule_field(&fs, &rule_id, k, field(&f, k)));
                }
                (
                    files,
                    format!("judul, dasar hukum, dan pesan aturan {rule_id} diubah"),
                )
            }
            other => (Err(format!("aksi '{other}' tidak dikenal")), String::new()),
        };
        let files = files.map_err(|e| ServiceError::value("aturan", e))?;
        drafts::replace_files(&state.app, &id, revisi, files, &signed.actor(), &what).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/admin/draf/{id}?periksa=1")).into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /admin/draf/{id}/terima`: the current results of the ticked failing cases
/// (`kasus_N` = case name) become their expectations.
pub(super) async fn accept(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let revisi = match revision(&f) {
        Ok(r) => r,
        Err(e) => return failure(e),
    };
    let cases: Vec<String> = f
        .iter()
        .filter(|(k, _)| k.starts_with("kasus_"))
        .map(|(_, v)| v.clone())
        .collect();
    match drafts::accept_results(&state.app, &id, revisi, &cases, &signed.actor()).await {
        Ok(_) => Redirect::to(&format!("/admin/draf/{id}?uji=1")).into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /admin/draf/{id}/pratinjau`: starts the preview in the background.
pub(super) async fn start_preview(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let result = async {
        let d = drafts::get(&state.app, &id).await?;
        let job = drafts::start_preview(&state.app, &id).await?;
        drafts::audit_trial(&state.app, &d, &signed.actor(), "pratinjau").await?;
        // A regency's preview ends within a second: the page then shows the result at once
        // instead of the progress page.
        let _ = tokio::time::timeout(std::time::Duration::from_millis(1500), job.ended()).await;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/admin/draf/{id}/pratinjau")).into_response(),
        Err(e) => failure(e),
    }
}

/// The preview page's query.
#[derive(Debug, Deserialize, Default)]
pub(super) struct PreviewQuery {
    #[serde(default)]
    hal: Option<usize>,
}

/// `GET /admin/draf/{id}/pratinjau`: progress (refreshing itself), then the result.
pub(super) async fn preview(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<PreviewQuery>,
) -> Response {
    if let Err(r) = signed.require(Role::Admin) {
        return r.into_response();
    }
    match editor::preview_page(&state.app, &id, q.hal.unwrap_or(1), None).await {
        Ok(p) => {
            let back = format!("/admin/draf/{id}");
            page(
                &signed,
                &state,
                "admin/pratinjau.html",
                "Pratinjau",
                &[("Draf", &back), ("Pratinjau", "")],
                p,
            )
        }
        Err(e) => failure(e),
    }
}

/// `POST /admin/draf/{id}/jelaskan`: one candidate (`nik`) explained under the draft — a POST,
/// so the NIK stays out of addresses and history; audited.
pub(super) async fn explain(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let nik = field(&f, "nik").trim().to_owned();
    let result = async {
        let p = editor::preview_page(&state.app, &id, 1, Some(&nik)).await?;
        let d = drafts::get(&state.app, &id).await?;
        let shown = p
            .contoh
            .as_ref()
            .map_or("NIK tidak sah atau tidak ada".to_owned(), |c| {
                format!("penjelasan calon {}", c.nik)
            });
        drafts::audit_trial(&state.app, &d, &signed.actor(), &shown).await?;
        Ok::<_, ServiceError>(p)
    }
    .await;
    match result {
        Ok(p) => {
            let back = format!("/admin/draf/{id}");
            page(
                &signed,
                &state,
                "admin/pratinjau.html",
                "Pratinjau",
                &[("Draf", &back), ("Pratinjau", "")],
                p,
            )
        }
        Err(e) => failure(e),
    }
}

/// `POST /admin/draf/{id}/terbitkan`: publishes with `alasan` and optional `nomor_surat`.
pub(super) async fn publish(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let revisi = match revision(&f) {
        Ok(r) => r,
        Err(e) => return failure(e),
    };
    let surat = Some(field(&f, "nomor_surat")).filter(|s| !s.trim().is_empty());
    let published = drafts::publish(
        &state.app,
        &id,
        Some(revisi),
        &signed.actor(),
        field(&f, "alasan"),
        surat,
    )
    .await;
    match published {
        Ok(drafts::Published::Version(n)) => {
            Redirect::to(&format!("/admin/draf/{id}?versi={n}")).into_response()
        }
        Ok(drafts::Published::Waiting(_)) => {
            Redirect::to(&format!("/admin/draf/{id}")).into_response()
        }
        Err(e) => failure(e),
    }
}

/// `POST /admin/draf/{id}/buang`.
pub(super) async fn discard(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let back = match drafts::get(&state.app, &id).await {
        Ok(d) => editor::index_path(&d.key),
        Err(e) => return failure(e),
    };
    match drafts::discard(&state.app, &id, &signed.actor()).await {
        Ok(()) => Redirect::to(back).into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /admin/versi/pulihkan`: version `versi` of `definisi` published again.
pub(super) async fn restore(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let key = match DefinitionKey::parse(field(&f, "definisi")) {
        Ok(k) => k,
        Err(e) => return failure(ServiceError::value("definisi", e)),
    };
    let Ok(versi) = field(&f, "versi").parse::<i64>() else {
        return failure(ServiceError::value("versi", "bukan nomor versi"));
    };
    match drafts::restore(
        &state.app,
        &key,
        versi,
        &signed.actor(),
        field(&f, "alasan"),
    )
    .await
    {
        Ok(_) => Redirect::to(editor::index_path(&key)).into_response(),
        Err(e) => failure(e),
    }
}

#[derive(serde::Serialize)]
struct WorkflowsPage {
    sunting: editor::DefinitionIndex,
    diagram: Vec<crate::service::console::diagram::Diagram>,
    masalah: Option<String>,
}

/// `GET /admin/alur-definisi`: every workflow in force as a diagram, its versions and drafts.
pub(super) async fn workflows(State(state): State<AppState>, signed: Signed) -> Response {
    if let Err(r) = signed.require(Role::Admin) {
        return r.into_response();
    }
    let result = async {
        let live = crate::service::definitions::read(&state.app, |d| d.workflows()).await?;
        let sunting = editor::index(&state.app, &DefinitionKey::Workflows).await?;
        Ok::<_, ServiceError>(WorkflowsPage {
            sunting,
            diagram: live
                .value
                .as_ref()
                .map(|w| {
                    w.values()
                        .map(|d| crate::service::console::diagram::diagram(d))
                        .collect()
                })
                .unwrap_or_default(),
            masalah: live.problem.as_ref().map(ToString::to_string),
        })
    }
    .await;
    match result {
        Ok(p) => page(
            &signed,
            &state,
            "admin/alur_definisi.html",
            "Definisi alur",
            &[("Definisi alur", "")],
            p,
        ),
        Err(e) => failure(e),
    }
}

#[derive(serde::Serialize)]
struct DirectoryPage {
    sunting: editor::DefinitionIndex,
    direktori: serde_json::Value,
    peringatan: Option<String>,
}

/// `GET /admin/direktori`: people, roles and acting officials, with forms.
pub(super) async fn directory(State(state): State<AppState>, signed: Signed) -> Response {
    if let Err(r) = signed.require(Role::Admin) {
        return r.into_response();
    }
    let result = async {
        let (dir, peringatan) = crate::service::workflow::directory(&state.app).await?;
        Ok::<_, ServiceError>(DirectoryPage {
            sunting: editor::index(&state.app, &DefinitionKey::Directory).await?,
            direktori: serde_json::to_value(dir.as_ref()).unwrap_or_default(),
            peringatan,
        })
    }
    .await;
    match result {
        Ok(p) => page(
            &signed,
            &state,
            "admin/direktori.html",
            "Direktori",
            &[("Direktori", "")],
            p,
        ),
        Err(e) => failure(e),
    }
}

/// `POST /admin/direktori`: a person (`aksi=orang`) or an acting official (`aksi=pelaksana`)
/// added to the admin's directory draft, or one removed (`aksi=hapus_pelaksana`).
pub(super) async fn edit_directory(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = admitted(&signed, &headers, &f) {
        return r.into_response();
    }
    let edit = match field(&f, "aksi") {
        "orang" => drafts::DirectoryEdit::Person {
            id: field(&f, "id").to_owned(),
            nama: field(&f, "nama").to_owned(),
            email: field(&f, "email").to_owned(),
            peran: field(&f, "peran")
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
            atasan: Some(field(&f, "atasan").to_owned()),
        },
        "pelaksana" => drafts::DirectoryEdit::Acting {
            peran: field(&f, "peran").to_owned(),
            orang: field(&f, "orang").to_owned(),
            jenis: field(&f, "jenis").to_owned(),
            mulai: field(&f, "mulai").to_owned(),
            sampai: field(&f, "sampai").to_owned(),
            dasar: field(&f, "dasar").to_owned(),
        },
        "hapus_orang" => drafts::DirectoryEdit::RemovePerson(field(&f, "id").to_owned()),
        "hapus_pelaksana" => match field(&f, "nomor").parse() {
            Ok(k) => drafts::DirectoryEdit::RemoveActing(k),
            Err(_) => return failure(ServiceError::value("nomor", "tidak sah")),
        },
        other => {
            return failure(ServiceError::value(
                "aksi",
                format!("'{other}' tidak dikenal"),
            ));
        }
    };
    match drafts::edit_directory_draft(&state.app, &signed.actor(), &edit).await {
        Ok(d) => Redirect::to(&format!("/admin/draf/{}?periksa=1", d.id)).into_response(),
        Err(e) => failure(e),
    }
}

#[derive(serde::Serialize)]
struct TemplatesPage {
    sunting: editor::DefinitionIndex,
    contoh: Vec<(String, String)>,
    masalah: Option<String>,
}

/// `GET /admin/templat`: the templates in force rendered with a sample message.
pub(super) async fn templates(State(state): State<AppState>, signed: Signed) -> Response {
    if let Err(r) = signed.require(Role::Admin) {
        return r.into_response();
    }
    let result = async {
        let files = drafts::files_in_force(state.app.settings(), &DefinitionKey::Templates)?;
        let (contoh, masalah) = match drafts::sample_messages(state.app.settings(), &files) {
            Ok(c) => (c, None),
            Err(d) => (Vec::new(), Some(d.to_string())),
        };
        Ok::<_, ServiceError>(TemplatesPage {
            sunting: editor::index(&state.app, &DefinitionKey::Templates).await?,
            contoh,
            masalah,
        })
    }
    .await;
    match result {
        Ok(p) => page(
            &signed,
            &state,
            "admin/templat.html",
            "Templat pesan",
            &[("Templat pesan", "")],
            p,
        ),
        Err(e) => failure(e),
    }
}
