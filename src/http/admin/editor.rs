//! The definition editor (console.md 4), for administrators only: drafts of rulesets,
//! workflows, the directory and the templates; Periksa, Uji, Pratinjau, Terbitkan, Buang and
//! Pulihkan. Every GET and POST here requires the admin role (403 otherwise); every POST also
//! the session's CSRF token, checked before anything in the form is read.

use std::collections::HashMap;

use axum::{
    Form,
    extract::{Path, Query, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{Signed, failure};
use crate::{
    domain::{DefinitionKey, Role},
    http::AppState,
    service::{ServiceError, console::editor, drafts},
};

/// A submitted form, field by field.
type Fields = HashMap<String, String>;

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

fn field<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", String::as_str)
}

/// The draft revision the form was made on.
fn revision(f: &Fields) -> Result<i64, ServiceError> {
    field(f, "revisi")
        .parse()
        .map_err(|_| ServiceError::value("revisi", "tidak sah; muat ulang halaman"))
}

fn definition(f: &Fields) -> Result<DefinitionKey, ServiceError> {
    DefinitionKey::parse(field(f, "definisi")).map_err(|e| ServiceError::value("definisi", e))
}

/// The admin role and this session's CSRF token, or the 403 page.
fn admit(signed: &Signed, headers: &HeaderMap, f: &Fields) -> Result<(), super::Forbidden> {
    signed
        .require(Role::Admin)
        .and_then(|()| signed.check_csrf(super::actions::token(headers, field(f, "csrf"))))
}

/// A POST: the admin role and the CSRF token first (403), then `act` — which says where to go
/// next — or its error as a page.
async fn answer(
    signed: &Signed,
    headers: &HeaderMap,
    f: &Fields,
    act: impl Future<Output = Result<String, ServiceError>>,
) -> Response {
    if let Err(r) = admit(signed, headers, f) {
        return r.into_response();
    }
    match act.await {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => failure(e),
    }
}

/// A POST that changes or removes something: the admin role and the token first (403), then,
/// unless the form carries its confirmation and every field the page asks for, the
/// confirmation page (nothing changed); else `act` as in [`answer`].
async fn asked_first(
    signed: &Signed,
    state: &AppState,
    headers: &HeaderMap,
    f: &Fields,
    c: super::Confirm<'_>,
    act: impl Future<Output = Result<String, ServiceError>>,
) -> Response {
    if let Err(r) = admit(signed, headers, f) {
        return r.into_response();
    }
    let missing = c
        .isian_wajib
        .iter()
        .any(|(name, _)| field(f, name).trim().is_empty());
    if !super::confirmed(f) || missing {
        return super::confirm_page(signed, state, "aturan", &c, f);
    }
    answer(signed, headers, f, act).await
}

/// A page under the editor, for admins only: `made` rendered with `template`, or its error.
fn shown<T: Serialize>(
    signed: &Signed,
    state: &AppState,
    template: &str,
    trail: &[(&str, &str)],
    made: Result<T, ServiceError>,
) -> Response {
    noted(signed, state, template, trail, made, None)
}

/// [`shown`] with the notice an action left for the page (e.g. a version restored).
fn noted<T: Serialize>(
    signed: &Signed,
    state: &AppState,
    template: &str,
    trail: &[(&str, &str)],
    made: Result<T, ServiceError>,
    pesan: Option<String>,
) -> Response {
    let isi = match made {
        Ok(isi) => isi,
        Err(e) => return failure(e),
    };
    let judul = trail.last().map_or("", |(label, _)| *label);
    let mut frame = signed.frame(state, judul, "aturan");
    frame.pesan = pesan;
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
    Form(f): Form<Fields>,
) -> Response {
    let act = async {
        let d = drafts::begin(&state.app, &definition(&f)?, &signed.actor()).await?;
        Ok(format!("/admin/draf/{}", d.id))
    };
    answer(&signed, &headers, &f, act).await
}

/// The draft page's query: `periksa` shows the quick check of the current text (after a save;
/// Periksa and Uji proper are POST actions), `versi` the version just published.
#[derive(Debug, Deserialize, Default)]
pub(super) struct DraftQuery {
    #[serde(default)]
    periksa: Option<String>,
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
    let trial = editor::Trial {
        check: q.periksa.is_some().then_some(drafts::Depth::Quick),
        test: false,
    };
    let made = editor::draft_page(&state.app, &id, trial, &signed.actor())
        .await
        .map(|mut p| {
            if let Some(v) = q.versi {
                p.catatan = Some(format!("Diterbitkan sebagai versi {v}."));
            }
            p
        });
    draft_shown(&signed, &state, made)
}

/// `POST /admin/draf/{id}/periksa`: Periksa (and, with `uji`, Uji; with only `uji`, Uji
/// alone) on the draft's current text, off the request threads and within the check limits;
/// the page shows the result.
pub(super) async fn trial(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = admit(&signed, &headers, &f) {
        return r.into_response();
    }
    let trial = editor::Trial::asked(f.contains_key("periksa"), f.contains_key("uji"));
    let made = editor::draft_page(&state.app, &id, trial, &signed.actor()).await;
    draft_shown(&signed, &state, made)
}

fn draft_shown(
    signed: &Signed,
    state: &AppState,
    made: Result<editor::DraftPage, ServiceError>,
) -> Response {
    let (back, label) = match &made {
        Ok(p) => (p.kembali, p.kembali_label),
        Err(_) => ("/admin/aturan", "Aturan"),
    };
    shown(
        signed,
        state,
        "admin/draf.html",
        &[(label, back), ("Draf", "")],
        made,
    )
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
    let made = editor::editor(&state.app, &id, q.berkas.trim(), q.periksa.is_some()).await;
    let back = format!("/admin/draf/{id}");
    let trail = [("Draf", back.as_str()), ("Penyunting", "")];
    shown(&signed, &state, "admin/penyunting.html", &trail, made)
}

/// `POST /admin/draf/{id}/berkas`: saves (or with `hapus`, removes) one file, then shows it
/// checked.
pub(super) async fn save_file(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let act = async {
        let path = field(&f, "berkas").trim();
        let remove = f.contains_key("hapus");
        let text = (!remove).then(|| field(&f, "teks"));
        drafts::save_file(&state.app, &id, revision(&f)?, path, text, &signed.actor()).await?;
        Ok(if remove {
            format!("/admin/draf/{id}?periksa=1")
        } else {
            format!("/admin/draf/{id}/berkas?berkas={}&periksa=1", encode(path))
        })
    };
    answer(&signed, &headers, &f, act).await
}

/// `POST /admin/draf/{id}/param`: one parameter of a ruleset draft.
pub(super) async fn set_param(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let act = async {
        let action = drafts::EditAction::SetParam {
            name: field(&f, "nama").to_owned(),
            value: field(&f, "nilai").to_owned(),
        };
        drafts::apply_edit(&state.app, &signed.actor(), &id, revision(&f)?, &action).await?;
        Ok(format!("/admin/draf/{id}?periksa=1"))
    };
    answer(&signed, &headers, &f, act).await
}

/// The rule edit a form asks for with `aksi`: `naik`, `pensiun`, `tambah` or `ubah`.
fn rule_edit(f: &Fields) -> Result<drafts::EditAction, ServiceError> {
    let rule = field(f, "id").trim().to_owned();
    let text = |k: &str| field(f, k).to_owned();
    Ok(match field(f, "aksi") {
        "naik" => drafts::EditAction::MoveRule(rule),
        "pensiun" => drafts::EditAction::RetireRule(rule),
        "tambah" => drafts::EditAction::AddRule(drafts::NewRule {
            id: rule,
            judul: text("judul"),
            dasar_hukum: text("dasar_hukum"),
            pesan: text("pesan"),
        }),
        "ubah" => drafts::EditAction::ChangeRule {
            id: rule,
            judul: text("judul"),
            dasar_hukum: text("dasar_hukum"),
            pesan: text("pesan"),
        },
        other => {
            return Err(ServiceError::value(
                "aksi",
                format!("'{other}' tidak dikenal"),
            ));
        }
    })
}

/// `POST /admin/draf/{id}/aturan`: a rule moved up (`naik`), taken out (`pensiun`), added
/// (`tambah`), or its title, legal basis and message changed (`ubah`).
pub(super) async fn rule(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let act = async {
        let action = rule_edit(&f)?;
        drafts::apply_edit(&state.app, &signed.actor(), &id, revision(&f)?, &action).await?;
        Ok(format!("/admin/draf/{id}?periksa=1"))
    };
    if field(&f, "aksi") == "pensiun" {
        let rule = field(&f, "id").trim();
        let c = super::Confirm {
            judul: "Keluarkan aturan dari draf?",
            uraian: vec![format!(
                "Aturan {rule} dikeluarkan dari draf ini: skripnya tidak dijalankan lagi setelah draf diterbitkan. Versi yang berlaku tidak berubah sebelum diterbitkan, dan aturan dapat ditambahkan kembali."
            )],
            aksi: format!("/admin/draf/{}/aturan", encode(&id)),
            tombol: "Ya, keluarkan",
            kembali: format!("/admin/draf/{}", encode(&id)),
            isian_wajib: Vec::new(),
        };
        return asked_first(&signed, &state, &headers, &f, c, act).await;
    }
    answer(&signed, &headers, &f, act).await
}

/// `POST /admin/draf/{id}/terima`: the current results of the ticked failing cases
/// (`kasus_N` = case name) become their expectations.
pub(super) async fn accept(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = admit(&signed, &headers, &f) {
        return r.into_response();
    }
    let cases: Vec<String> = f
        .iter()
        .filter(|(k, _)| k.starts_with("kasus_"))
        .map(|(_, v)| v.clone())
        .collect();
    let accepted = async {
        drafts::accept_results(&state.app, &id, revision(&f)?, &cases, &signed.actor()).await
    };
    if let Err(e) = accepted.await {
        return failure(e);
    }
    // The cases run again on the new text, shown at once (Uji is not a page to link to).
    let made = editor::draft_page(
        &state.app,
        &id,
        editor::Trial::asked(false, true),
        &signed.actor(),
    )
    .await;
    draft_shown(&signed, &state, made)
}

/// `POST /admin/draf/{id}/pratinjau`: starts the preview in the background.
pub(super) async fn start_preview(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let act = async {
        let job = drafts::start_preview(&state.app, &id, &signed.actor()).await?;
        // A regency's preview ends within a second: the page then shows the result at once
        // instead of the progress page.
        let _ = tokio::time::timeout(std::time::Duration::from_millis(1500), job.ended()).await;
        Ok(format!("/admin/draf/{id}/pratinjau"))
    };
    answer(&signed, &headers, &f, act).await
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
    let made = editor::preview_page(&state.app, &id, q.hal.unwrap_or(1), None).await;
    preview_shown(&signed, &state, &id, made)
}

/// `POST /admin/draf/{id}/jelaskan`: one candidate (`nik`) explained under the draft — a POST,
/// so the NIK stays out of addresses and history; audited.
pub(super) async fn explain(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = admit(&signed, &headers, &f) {
        return r.into_response();
    }
    let actor = signed.actor();
    let made = editor::preview_page(&state.app, &id, 1, Some((field(&f, "nik"), &actor))).await;
    preview_shown(&signed, &state, &id, made)
}

fn preview_shown(
    signed: &Signed,
    state: &AppState,
    id: &str,
    made: Result<editor::PreviewPage, ServiceError>,
) -> Response {
    let back = format!("/admin/draf/{id}");
    let trail = [("Draf", back.as_str()), ("Pratinjau", "")];
    shown(signed, state, "admin/pratinjau.html", &trail, made)
}

/// `POST /admin/draf/{id}/terbitkan`: publishes with `alasan` and optional `nomor_surat`.
pub(super) async fn publish(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let c = super::Confirm {
        judul: "Terbitkan draf ini?",
        uraian: vec![
            "Draf diperiksa dan diuji sekali lagi, lalu menjadi versi yang berlaku (atau diajukan dahulu kepada Kepala BKPSDM bila penerbitan memerlukan persetujuan). Penyaringan berikutnya memakai versi ini.".to_owned(),
            "Alasan dan nomor surat dicatat pada versi dan di log audit.".to_owned(),
        ],
        aksi: format!("/admin/draf/{}/terbitkan", encode(&id)),
        tombol: "Ya, terbitkan",
        kembali: format!("/admin/draf/{}", encode(&id)),
        isian_wajib: vec![("alasan", "Alasan perubahan (wajib)")],
    };
    let act = async {
        let surat = Some(field(&f, "nomor_surat")).filter(|s| !s.trim().is_empty());
        let published = drafts::publish(
            &state.app,
            &id,
            Some(revision(&f)?),
            &signed.actor(),
            field(&f, "alasan"),
            surat,
        )
        .await?;
        Ok(match published {
            drafts::Published::Version(n) => format!("/admin/draf/{id}?versi={n}"),
            drafts::Published::Waiting(_) => format!("/admin/draf/{id}"),
        })
    };
    asked_first(&signed, &state, &headers, &f, c, act).await
}

/// `POST /admin/draf/{id}/buang`.
pub(super) async fn discard(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let c = super::Confirm {
        judul: "Buang draf ini?",
        uraian: vec!["Semua perubahan pada draf ini hilang; versi yang berlaku tidak berubah. Draf yang dibuang tidak dapat dibuka lagi.".to_owned()],
        aksi: format!("/admin/draf/{}/buang", encode(&id)),
        tombol: "Ya, buang draf",
        kembali: format!("/admin/draf/{}", encode(&id)),
        isian_wajib: Vec::new(),
    };
    let act = async {
        let key = drafts::discard(&state.app, &id, &signed.actor()).await?;
        Ok(editor::index_page(&key).0.to_owned())
    };
    asked_first(&signed, &state, &headers, &f, c, act).await
}

/// `POST /admin/versi/pulihkan`: version `versi` of `definisi` published again.
pub(super) async fn restore(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let c = super::Confirm {
        judul: "Pulihkan versi ini?",
        uraian: vec![format!(
            "Versi {} diterbitkan kembali sebagai versi baru dan menjadi yang berlaku; versi yang sekarang berlaku tetap tersimpan dan dapat dipulihkan lagi.",
            field(&f, "versi")
        )],
        aksi: "/admin/versi/pulihkan".to_owned(),
        tombol: "Ya, pulihkan",
        kembali: "/admin/aturan".to_owned(),
        isian_wajib: vec![("alasan", "Alasan pemulihan (wajib)")],
    };
    let act = async {
        let key = definition(&f)?;
        drafts::restore(
            &state.app,
            &key,
            field(&f, "versi"),
            &signed.actor(),
            field(&f, "alasan"),
        )
        .await?;
        Ok(super::with_notice(
            &state,
            editor::index_page(&key).0,
            &format!(
                "Versi {} dipulihkan dan sekarang berlaku sebagai versi baru.",
                field(&f, "versi")
            ),
        )
        .await)
    };
    asked_first(&signed, &state, &headers, &f, c, act).await
}

/// `GET /admin/alur-definisi`: every workflow in force as a diagram, its versions and drafts.
pub(super) async fn workflows(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<super::NoticeQuery>,
) -> Response {
    if let Err(r) = signed.require(Role::Admin) {
        return r.into_response();
    }
    let made = editor::workflows_page(&state.app).await;
    let trail = [("Definisi alur", "")];
    let pesan = q.open(&state).await;
    noted(
        &signed,
        &state,
        "admin/alur_definisi.html",
        &trail,
        made,
        pesan,
    )
}

/// `GET /admin/direktori`: people, roles and acting officials, with forms.
pub(super) async fn directory(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<super::NoticeQuery>,
) -> Response {
    if let Err(r) = signed.require(Role::Admin) {
        return r.into_response();
    }
    let made = editor::directory_page(&state.app).await;
    let pesan = q.open(&state).await;
    let trail = [("Direktori", "")];
    noted(&signed, &state, "admin/direktori.html", &trail, made, pesan)
}

/// `POST /admin/direktori`: a person added or changed (`aksi=orang`) or removed
/// (`hapus_orang`), an acting official added (`pelaksana`) or removed (`hapus_pelaksana`), in
/// the admin's directory draft.
pub(super) async fn edit_directory(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let act = async {
        let text = |k: &str| field(&f, k).to_owned();
        let edit = match field(&f, "aksi") {
            "orang" => drafts::DirectoryEdit::Person {
                id: text("id"),
                nama: text("nama"),
                email: text("email"),
                peran: field(&f, "peran")
                    .split(',')
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect(),
                atasan: Some(text("atasan")),
            },
            "pelaksana" => drafts::DirectoryEdit::Acting {
                peran: text("peran"),
                orang: text("orang"),
                jenis: text("jenis"),
                mulai: text("mulai"),
                sampai: text("sampai"),
                dasar: text("dasar"),
            },
            "hapus_orang" => drafts::DirectoryEdit::RemovePerson(text("id")),
            "hapus_pelaksana" => drafts::DirectoryEdit::RemoveActing(
                field(&f, "nomor")
                    .parse()
                    .map_err(|_| ServiceError::value("nomor", "tidak sah"))?,
            ),
            other => {
                return Err(ServiceError::value(
                    "aksi",
                    format!("'{other}' tidak dikenal"),
                ));
            }
        };
        let d = drafts::edit_directory_draft(&state.app, &signed.actor(), &edit).await?;
        Ok(format!("/admin/draf/{}?periksa=1", d.id))
    };
    answer(&signed, &headers, &f, act).await
}

/// `GET /admin/templat`: the templates in force rendered with a sample message.
pub(super) async fn templates(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<super::NoticeQuery>,
) -> Response {
    if let Err(r) = signed.require(Role::Admin) {
        return r.into_response();
    }
    let made = editor::templates_page(&state.app).await;
    let pesan = q.open(&state).await;
    let trail = [("Templat pesan", "")];
    noted(&signed, &state, "admin/templat.html", &trail, made, pesan)
}
