//! What an officer does to one candidate (console.md 5): a verifier's manual finding on a rule
//! left for review, a correction of the data with a reason, a re-screening of that candidate
//! alone; and the list of findings (`/admin/verifikasi`). Operator and up.

use std::collections::HashMap;

use axum::{
    Form,
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde::Serialize;

use super::{Frame, Signed, failure, html, pages::page};
use crate::{
    domain::{Role, Temuan},
    http::AppState,
    service::{self, ServiceError},
};

type Fields = HashMap<String, String>;

fn field<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", String::as_str)
}

/// The operator role and this session's CSRF token, or the 403 page.
fn admit(signed: &Signed, headers: &HeaderMap, f: &Fields) -> Result<(), super::Forbidden> {
    signed
        .require(Role::Operator)
        .and_then(|()| signed.check_csrf(super::actions::token(headers, field(f, "csrf"))))
}

/// Where a candidate's page is, with a notice shown on it.
async fn back_to(state: &AppState, key: &str, pesan: &str) -> String {
    let page = format!("/admin/calon/{}", super::percent_encode(key));
    super::with_notice(state, &page, pesan).await
}

/// An action on one candidate: the operator role and the token (403), then `act` on the
/// candidate `key` names, which says what to tell on the candidate's page; or its error page.
async fn on_candidate(
    state: &AppState,
    signed: &Signed,
    headers: &HeaderMap,
    f: &Fields,
    key: &str,
    act: impl AsyncFnOnce(crate::domain::Nik) -> Result<String, ServiceError>,
) -> Response {
    if let Err(r) = admit(signed, headers, f) {
        return r.into_response();
    }
    let done = match service::ground::links::candidate_key(&state.app, key).await {
        Ok(nik) => act(nik).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(pesan) => Redirect::to(&back_to(state, key, &pesan).await).into_response(),
        Err(e) => failure(e),
    }
}

/// An outcome as people read it.
fn outcome(report: &service::screening::ScreenReport) -> &'static str {
    report
        .hasil_calon
        .as_deref()
        .and_then(|h| crate::domain::Hasil::parse(h).ok())
        .map_or("-", |h| h.label())
}

/// `POST /admin/calon/{ref}/verifikasi`: a finding (`aturan`, `hasil` lolos|gagal, `catatan`).
pub(super) async fn verify(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(key): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let actor = signed.actor();
    on_candidate(&state, &signed, &headers, &f, &key, async |nik| {
        let hasil = Temuan::parse(field(&f, "hasil"))
            .map_err(|_| ServiceError::value("hasil", "pilih lolos atau gagal"))?;
        let finding = service::screening::verification::set(
            &state.app,
            &actor,
            &nik,
            field(&f, "aturan"),
            hasil,
            field(&f, "catatan"),
        )
        .await?;
        Ok(format!(
            "Temuan aturan {} ({}) dicatat; berlaku pada penyaringan berikutnya, atau saring ulang calon ini sekarang.",
            finding.aturan,
            finding.hasil.label()
        ))
    })
    .await
}

/// `POST /admin/calon/{ref}/verifikasi/cabut`: clears the finding on `aturan`, with `catatan`.
pub(super) async fn clear(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(key): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let actor = signed.actor();
    on_candidate(&state, &signed, &headers, &f, &key, async |nik| {
        let aturan = field(&f, "aturan");
        service::screening::verification::clear(
            &state.app,
            &actor,
            &nik,
            aturan,
            field(&f, "catatan"),
        )
        .await?;
        Ok(format!("Temuan aturan {aturan} dicabut."))
    })
    .await
}

/// `POST /admin/calon/{ref}/saring`: screens this candidate alone now.
pub(super) async fn rescreen(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(key): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let actor = signed.actor();
    on_candidate(&state, &signed, &headers, &f, &key, async |nik| {
        let report = service::screening::screen_one(&state.app, &nik, &actor).await?;
        Ok(format!(
            "Calon ini disaring ulang: hasilnya {}.",
            outcome(&report)
        ))
    })
    .await
}

#[derive(Serialize)]
struct EditPage<'a> {
    f: Frame<'a>,
    rujukan: &'a str,
    nama: String,
    /// (column, label, value).
    kolom: Vec<(&'static str, &'static str, String)>,
    alasan: &'a str,
    saring: bool,
    /// What was wrong with the form sent, shown above it.
    galat: Option<String>,
}

/// People's names of the import columns a correction may change.
fn label(column: &str) -> &'static str {
    match column {
        "nama" => "Nama",
        "tanggal_lahir" => "Tanggal lahir (TTTT-BB-HH)",
        "jenis_kelamin" => "Jenis kelamin (L/P)",
        "tempat_lahir" => "Tempat lahir",
        "pendidikan" => "Pendidikan (SD … S3)",
        "jurusan" => "Jurusan",
        "kategori_pelamar" => "Kategori pelamar (R1–R5, CPNS)",
        "terdata_bkn" => "Terdata di BKN (ya/tidak)",
        "seleksi_2024" => "Seleksi 2024",
        "hasil_seleksi_2024" => "Hasil seleksi 2024",
        "ikut_semua_tahap" => "Mengikuti semua tahap (ya/tidak)",
        "nilai_seleksi" => "Nilai seleksi",
        "ppg" => "Lulusan PPG (ya/tidak)",
        "aktif_bekerja" => "Aktif bekerja (ya/tidak)",
        "tmt_kerja" => "TMT kerja (TTTT-BB-HH)",
        "unit_kerja" => "Kode unit kerja",
        "kategori_jabatan" => "Kategori jabatan",
        "jabatan" => "Jabatan",
        "gaji_terakhir" => "Gaji terakhir (rupiah)",
        "status_khusus" => "Status khusus",
        "email" => "Surel",
        "no_hp" => "Nomor HP",
        "nomor_peserta" => "Nomor peserta",
        "alasan_tidak_diusulkan" => "Alasan tidak diusulkan",
        _ => "Kolom lain",
    }
}

async fn edit_page(
    state: &AppState,
    signed: &Signed,
    key: &str,
    form: Option<&Fields>,
    galat: Option<String>,
) -> Result<Response, ServiceError> {
    let nik = service::ground::links::candidate_key(&state.app, key).await?;
    let current = service::screening::correction::current(&state.app, &nik).await?;
    let nama = current
        .iter()
        .find(|(k, _)| k == "nama")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let allowed = service::screening::correction::fields();
    let kolom = allowed
        .iter()
        .map(|c| {
            let stored = current
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let shown = form.and_then(|f| f.get(*c).cloned()).unwrap_or(stored);
            (*c, label(c), shown)
        })
        .collect();
    let mut frame = signed.frame(state, "Koreksi data calon", "calon");
    frame
        .jejak
        .push(("Calon".to_owned(), "/admin/calon".to_owned()));
    frame.jejak.push((
        nama.clone(),
        format!("/admin/calon/{}", super::percent_encode(key)),
    ));
    frame.jejak.push(("Koreksi data".to_owned(), String::new()));
    Ok(html(
        "admin/calon_ubah.html",
        &EditPage {
            f: frame,
            rujukan: key,
            nama,
            kolom,
            alasan: form.map_or("", |f| field(f, "alasan")),
            saring: form.is_none_or(|f| !field(f, "saring").is_empty()),
            galat,
        },
    ))
}

/// `GET /admin/calon/{ref}/ubah`: every column with its value, a reason, and whether to screen
/// the candidate again at once.
pub(super) async fn edit_form(
    State(state): State<AppState>,
    signed: Signed,
    Path(key): Path<String>,
) -> Response {
    if let Err(r) = signed.require(Role::Operator) {
        return r.into_response();
    }
    edit_page(&state, &signed, &key, None, None)
        .await
        .unwrap_or_else(failure)
}

/// `POST /admin/calon/{ref}/ubah`: the changed columns saved (the old record archived, the
/// change audited), then, when asked, the candidate screened again alone.
pub(super) async fn edit(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(key): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = admit(&signed, &headers, &f) {
        return r.into_response();
    }
    let done = async {
        let nik = service::ground::links::candidate_key(&state.app, &key).await?;
        let done = service::screening::correction::set_from_form(
            &state.app,
            &signed.actor(),
            &nik,
            &f,
            field(&f, "alasan"),
        )
        .await?;
        let mut pesan = format!(
            "Data dikoreksi: {}.",
            done.perubahan
                .iter()
                .map(|c| format!("{} '{}' → '{}'", c.kolom, c.lama, c.baru))
                .collect::<Vec<_>>()
                .join("; ")
        );
        if !field(&f, "saring").is_empty() && done.data_penyaringan_berubah {
            match service::screening::screen_one(&state.app, &nik, &signed.actor()).await {
                Ok(r) => {
                    pesan.push_str(&format!(" Calon disaring ulang: hasilnya {}.", outcome(&r)))
                }
                Err(e) => {
                    pesan.push_str(&format!(" Penyaringan ulang belum dapat dilakukan: {e}."))
                }
            }
        }
        Ok(pesan)
    }
    .await;
    match done {
        Ok(pesan) => Redirect::to(&back_to(&state, &key, &pesan).await).into_response(),
        // Bad input keeps what was typed on the form, with the error above it.
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Refused(_))) => {
            let galat = crate::domain::redact_identifiers(&e.to_string()).0;
            match edit_page(&state, &signed, &key, Some(&f), Some(galat)).await {
                Ok(mut page) => {
                    *page.status_mut() = axum::http::StatusCode::BAD_REQUEST;
                    page
                }
                Err(_) => failure(e),
            }
        }
        Err(e) => failure(e),
    }
}

#[derive(Serialize)]
struct FindingsPage {
    temuan: Vec<service::screening::verification::FindingView>,
    berlaku: usize,
}

/// `GET /admin/verifikasi`: every finding in force, then the most recent ended ones.
pub(super) async fn findings(State(state): State<AppState>, signed: Signed) -> Response {
    match service::screening::verification::list(&state.app, None).await {
        Ok(temuan) => {
            let mut frame = signed.frame(&state, "Verifikasi manual", "calon");
            frame.jejak.push((
                "Verifikasi manual".to_owned(),
                "/admin/verifikasi".to_owned(),
            ));
            let berlaku = temuan.iter().filter(|t| t.status == "berlaku").count();
            page(
                "admin/verifikasi.html",
                frame,
                FindingsPage { temuan, berlaku },
            )
        }
        Err(e) => failure(e),
    }
}
