//! The candidates' public pages (candidates.md): `/pengumuman` (announcements, no account),
//! `/layanan` (a candidate's own result by POST, never in a URL) and `/layanan/sanggah` (an
//! objection with its files). No JavaScript, no cookie; the console's security headers come
//! from the router's layer; the status and objection pages are `noindex`.

use axum::{
    Router,
    extract::{Multipart, Path, Query, State, multipart::MultipartRejection},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};

use super::{AppState, ClientAddr, page};
use crate::{
    domain::format_datetime_id,
    render,
    service::{
        ServiceError,
        public::{
            self, AnnouncedRow, AnnouncementRow, ObjectionForm, StatusOutcome, StatusRequest,
            announcement, objection, status,
        },
    },
};

/// The largest body a public form may send: three files of 2 MB and the fields.
const BODY_LIMIT: usize = 3 * objection::MAX_FILE + 64 * 1024;

/// The public routes.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/pengumuman", get(list))
        .route("/pengumuman/{nomor}", get(show))
        .route("/layanan", get(form))
        .route("/layanan/status", post(check))
        .route("/layanan/sanggah", post(object))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}

#[derive(Serialize)]
struct Frame<'a, T: Serialize> {
    judul: &'a str,
    instansi: &'a str,
    noindex: bool,
    #[serde(flatten)]
    isi: T,
}

fn render_page<T: Serialize>(
    state: &AppState,
    status: StatusCode,
    template: &str,
    judul: &str,
    noindex: bool,
    isi: T,
) -> Response {
    let settings = state.app.settings();
    page(
        status,
        Html(render::page(
            template,
            &Frame {
                judul,
                instansi: &settings.instansi.nama,
                noindex,
                isi,
            },
        )),
    )
}

#[derive(Serialize)]
struct Message<'a> {
    judul_pesan: &'a str,
    teks: &'a str,
    nomor: Option<&'a str>,
}

fn message(state: &AppState, status: StatusCode, title: &str, text: &str) -> Response {
    render_page(
        state,
        status,
        "publik/pesan.html",
        title,
        true,
        Message {
            judul_pesan: title,
            teks: text,
            nomor: None,
        },
    )
}

/// What went wrong, as the public reads it (never an internal detail).
fn failure(state: &AppState, e: &ServiceError) -> Response {
    match e {
        ServiceError::NotFound(_) => message(
            state,
            StatusCode::NOT_FOUND,
            "Tidak ditemukan",
            "Halaman atau pengumuman yang diminta tidak ada.",
        ),
        ServiceError::Invalid(_) => message(
            state,
            StatusCode::BAD_REQUEST,
            "Belum dapat diproses",
            &capitalised(&e.to_string()),
        ),
        ServiceError::Refused(r) => message(
            state,
            StatusCode::CONFLICT,
            "Belum dapat diproses",
            &capitalised(&r.to_string()),
        ),
        _ => {
            tracing::error!("layanan publik: {e}");
            message(
                state,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Terjadi kesalahan",
                "Permintaan Anda belum dapat diproses. Silakan coba lagi beberapa saat lagi.",
            )
        }
    }
}

/// The message of an input error without the field's technical name.
fn capitalised(text: &str) -> String {
    let t = text
        .split_once(": ")
        .filter(|(field, _)| !field.contains(' '))
        .map_or(text, |(_, rest)| rest);
    let mut c = t.chars();
    let mut out: String = c
        .next()
        .map(|f| f.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(c.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[derive(Serialize)]
struct AnnouncementLine {
    nomor: i32,
    terbit: String,
    jumlah: String,
    masa: String,
    terbuka: bool,
}

fn line(state: &AppState, a: &AnnouncementRow) -> AnnouncementLine {
    let tz = state.app.settings().timezone;
    AnnouncementLine {
        nomor: a.nomor,
        terbit: format_datetime_id(crate::clock::from_ms(a.dibuat_ms), tz),
        jumlah: crate::domain::format_number_id(a.jumlah),
        masa: window(a, tz),
        terbuka: a.open_at(state.app.clock().now_ms()),
    }
}

/// "Senin, 7 Desember 2026 pukul 09.00 WIB sampai Rabu, 9 Desember 2026 pukul 16.00 WIB".
fn window(a: &AnnouncementRow, tz: chrono_tz::Tz) -> String {
    let at = |ms| crate::domain::format_deadline_id(crate::clock::from_ms(ms), tz);
    match a.ditutup_ms {
        Some(c) if c < a.tutup_ms => {
            format!("{} sampai {} (ditutup lebih awal)", at(a.mulai_ms), at(c))
        }
        _ => format!("{} sampai {}", at(a.mulai_ms), at(a.tutup_ms)),
    }
}

#[derive(Serialize)]
struct ListPage {
    daftar: Vec<AnnouncementLine>,
}

async fn list(State(state): State<AppState>) -> Response {
    match announcement::list(&state.app).await {
        Ok(all) => render_page(
            &state,
            StatusCode::OK,
            "publik/daftar.html",
            "Pengumuman",
            false,
            ListPage {
                daftar: all.iter().map(|a| line(&state, a)).collect(),
            },
        ),
        Err(e) => failure(&state, &e),
    }
}

/// The query of an announcement page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ShowQuery {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    cari: Option<String>,
    #[serde(default)]
    halaman: Option<u64>,
    /// A search's next page starts after this place.
    #[serde(default)]
    setelah: Option<i64>,
}

#[derive(Serialize)]
struct Unit {
    kode: String,
    nama: String,
}

#[derive(Serialize)]
struct Row {
    nama: String,
    nik: String,
    hasil: &'static str,
    keterangan: String,
    diperbarui: Option<String>,
}

#[derive(Serialize)]
struct ShowPage {
    a: AnnouncementLine,
    unit: Vec<Unit>,
    cari_unit: String,
    cari: String,
    jumlah_cocok: String,
    halaman: u64,
    halaman_akhir: u64,
    disaring: bool,
    baris: Vec<Row>,
    sebelum: Option<String>,
    sesudah: Option<String>,
}

fn public_row(r: &AnnouncedRow, tz: chrono_tz::Tz) -> Row {
    let unit = if r.nama_unit.is_empty() {
        r.unit_kerja.clone()
    } else {
        r.nama_unit.clone()
    };
    Row {
        nama: r.nama.clone(),
        nik: format!("************{}", r.nik4()),
        hasil: if r.diusulkan {
            "Diusulkan"
        } else {
            "Tidak diusulkan"
        },
        keterangan: if r.diusulkan {
            format!("{} — {}", r.jabatan.as_deref().unwrap_or("-"), unit)
        } else {
            format!(
                "{} ({})",
                public::group_label(r.kelompok.as_deref().unwrap_or("LAINNYA")),
                unit
            )
        },
        diperbarui: r
            .diperbarui_ms
            .map(|ms| format_datetime_id(crate::clock::from_ms(ms), tz)),
    }
}

async fn show(
    State(state): State<AppState>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    Path(nomor): Path<String>,
    query: Result<Query<ShowQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Some(n) = nomor
        .strip_suffix(".pdf")
        .and_then(|n| n.parse::<i32>().ok())
    {
        return document(&state, n, addr).await;
    }
    let Ok(nomor) = nomor.parse::<i32>() else {
        return message(
            &state,
            StatusCode::NOT_FOUND,
            "Tidak ditemukan",
            "Pengumuman yang diminta tidak ada.",
        );
    };
    let Query(q) = query.unwrap_or_else(|_| Query(ShowQuery::default()));
    let search = announcement::Search {
        unit: q.unit.clone(),
        cari: q.cari.clone(),
        halaman: q.halaman.unwrap_or(1),
        setelah: q.setelah,
    };
    let p = match announcement::page(&state.app, nomor, &search).await {
        Ok(p) => p,
        Err(e) => return failure(&state, &e),
    };
    let tz = state.app.settings().timezone;
    // A search goes on from its last row's place ("setelah"); its first page is the way
    // back. Unfiltered pages are numbered.
    let link = |next: &str| {
        let mut url = format!("/pengumuman/{nomor}?{next}");
        for (k, v) in [("unit", &q.unit), ("cari", &q.cari)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                url.push_str(&format!("&{k}={}", encode(v)));
            }
        }
        url
    };
    let (sebelum, sesudah) = if p.disaring {
        (
            q.setelah.filter(|s| *s > 0).map(|_| link("setelah=0")),
            p.berikutnya.map(|n| link(&format!("setelah={n}"))),
        )
    } else {
        (
            (p.halaman > 1).then(|| link(&format!("halaman={}", p.halaman - 1))),
            (p.halaman < p.halaman_akhir).then(|| link(&format!("halaman={}", p.halaman + 1))),
        )
    };
    render_page(
        &state,
        StatusCode::OK,
        "publik/pengumuman.html",
        &format!("Pengumuman nomor {nomor}"),
        false,
        ShowPage {
            a: line(&state, &p.pengumuman),
            unit: p
                .units
                .iter()
                .map(|(kode, nama)| Unit {
                    kode: kode.clone(),
                    nama: if nama.is_empty() {
                        kode.clone()
                    } else {
                        nama.clone()
                    },
                })
                .collect(),
            cari_unit: q.unit.clone().unwrap_or_default(),
            cari: q.cari.clone().unwrap_or_default(),
            jumlah_cocok: crate::domain::format_number_id(
                i64::try_from(p.total).unwrap_or(i64::MAX),
            ),
            halaman: p.halaman,
            halaman_akhir: p.halaman_akhir,
            baris: p.rows.iter().map(|r| public_row(r, tz)).collect(),
            disaring: p.disaring,
            sebelum,
            sesudah,
        },
    )
}

/// `GET /pengumuman/{n}.pdf`: the formal announcement (numbered at its first draw, the same
/// bytes after).
async fn document(state: &AppState, nomor: i32, addr: ClientAddr) -> Response {
    let actor = crate::service::Actor::account("publik", &addr.0.ip().to_string());
    match announcement::pdf(&state.app, nomor, &actor).await {
        Ok(bytes) => {
            let mut res = (
                StatusCode::OK,
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/pdf".to_owned(),
                    ),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("inline; filename=\"pengumuman-{nomor}.pdf\""),
                    ),
                ],
                bytes,
            )
                .into_response();
            res.extensions_mut().insert(super::OurPage);
            res
        }
        Err(e) => failure(state, &e),
    }
}

/// A query value, percent-encoded.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Serialize)]
struct FormPage<'a> {
    galat: Option<&'a str>,
}

async fn form(State(state): State<AppState>) -> Response {
    render_page(
        &state,
        StatusCode::OK,
        "publik/layanan.html",
        "Cek hasil dan sanggah",
        true,
        FormPage { galat: None },
    )
}

/// The status form.
#[derive(Debug, Default, Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    nik: String,
    #[serde(default)]
    tanggal_lahir: String,
    #[serde(default)]
    nomor_peserta: Option<String>,
}

#[derive(Serialize)]
struct ResultPage {
    nama: String,
    nik: String,
    unit: String,
    nomor: i32,
    hasil: String,
    diperbarui: Option<String>,
    penyaringan: String,
    aturan: Vec<status::RuleLine>,
    sanggah: Vec<(String, String)>,
    masa: String,
    token: Option<String>,
}

/// The one answer for any mismatch.
const NOT_FOUND_TEXT: &str = "Data tidak ditemukan atau tidak cocok";

async fn check(
    State(state): State<AppState>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    form: Result<axum::Form<StatusForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let axum::Form(f) = form.unwrap_or_else(|_| axum::Form(StatusForm::default()));
    let req = StatusRequest {
        nik: f.nik,
        tanggal_lahir: f.tanggal_lahir,
        nomor_peserta: f.nomor_peserta.filter(|n| !n.trim().is_empty()),
        dari: addr.0.ip().to_string(),
    };
    let tz = state.app.settings().timezone;
    let again = |galat: &str, code: StatusCode| {
        render_page(
            &state,
            code,
            "publik/layanan.html",
            "Cek hasil dan sanggah",
            true,
            FormPage { galat: Some(galat) },
        )
    };
    match status::check(&state.app, &req).await {
        Ok(StatusOutcome::Found(v)) => {
            let unit = if v.row.nama_unit.is_empty() {
                v.row.unit_kerja.clone()
            } else {
                v.row.nama_unit.clone()
            };
            render_page(
                &state,
                StatusCode::OK,
                "publik/hasil.html",
                "Hasil Anda",
                true,
                ResultPage {
                    nama: v.nama.clone(),
                    nik: format!("************{}", v.row.nik4()),
                    unit,
                    nomor: v.pengumuman.nomor,
                    hasil: objection::outcome_words(&v.row),
                    diperbarui: v
                        .row
                        .diperbarui_ms
                        .map(|ms| format_datetime_id(crate::clock::from_ms(ms), tz)),
                    penyaringan: v.hasil.clone(),
                    aturan: v.aturan.clone(),
                    sanggah: v.sanggah.clone(),
                    masa: window(&v.pengumuman, tz),
                    token: v.token.clone(),
                },
            )
        }
        Ok(StatusOutcome::NotFound) => again(
            &format!(
                "{NOT_FOUND_TEXT}. Periksa kembali NIK, tanggal lahir, dan nomor peserta (bila ada)."
            ),
            StatusCode::OK,
        ),
        Ok(StatusOutcome::BadDate) => again(
            "Tanggal lahir ditulis tanggal-bulan-tahun, misalnya 23-04-1987.",
            StatusCode::BAD_REQUEST,
        ),
        Ok(StatusOutcome::NoAnnouncement) => message(
            &state,
            StatusCode::OK,
            "Belum ada pengumuman",
            "Hasil seleksi belum diumumkan. Silakan periksa kembali setelah pengumuman diterbitkan.",
        ),
        Ok(StatusOutcome::Throttled(until)) => message(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            "Terlalu banyak percobaan",
            &format!(
                "Terlalu banyak percobaan yang tidak cocok. Silakan coba lagi setelah {}.",
                format_datetime_id(crate::clock::from_ms(until), tz)
            ),
        ),
        Err(e) => failure(&state, &e),
    }
}

/// Reads the objection form: its fields and up to four files (a fourth is refused by the
/// service, not silently dropped); files beyond the limit stop the read.
async fn receive(mut multipart: Multipart) -> Result<ObjectionForm, ServiceError> {
    let mut form = ObjectionForm::default();
    let broken = || {
        ServiceError::value(
            "berkas",
            "unggahan terputus atau terlalu besar (paling besar 2 MB per berkas, 3 berkas)",
        )
    };
    while let Some(mut field) = multipart.next_field().await.map_err(|_| broken())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "berkas" {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| broken())? {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > objection::MAX_FILE {
                    return Err(ServiceError::value(
                        "berkas",
                        format!("berkas ke-{} lebih besar dari 2 MB", form.berkas.len() + 1),
                    ));
                }
            }
            // An empty file input sends an empty part: nothing attached.
            if !bytes.is_empty() {
                if form.berkas.len() == objection::MAX_FILES {
                    return Err(ServiceError::value(
                        "berkas",
                        format!(
                            "paling banyak {} berkas dapat dilampirkan",
                            objection::MAX_FILES
                        ),
                    ));
                }
                form.berkas.push(bytes);
            }
            continue;
        }
        let text = field.text().await.map_err(|_| broken())?;
        match name.as_str() {
            "token" => form.token = text,
            "alasan" => form.alasan = text,
            "email" => form.email = Some(text),
            "no_hp" => form.no_hp = Some(text),
            _ => {}
        }
    }
    Ok(form)
}

async fn object(
    State(state): State<AppState>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(multipart) = multipart else {
        return message(
            &state,
            StatusCode::BAD_REQUEST,
            "Belum dapat diproses",
            "Kirim sanggah melalui formulir pada halaman hasil Anda.",
        );
    };
    let mut form = match receive(multipart).await {
        Ok(f) => f,
        Err(e) => return failure(&state, &e),
    };
    form.dari = addr.0.ip().to_string();
    match objection::submit(&state.app, &form).await {
        Ok(nomor) => render_page(
            &state,
            StatusCode::OK,
            "publik/pesan.html",
            "Sanggah tercatat",
            true,
            Message {
                judul_pesan: "Sanggah Anda sudah tercatat",
                teks: "Simpan nomor tanda terima di bawah ini. Jawaban sanggah dikirim ke surel (e-mail) yang Anda isi dan dapat diperiksa kembali melalui halaman Cek hasil & sanggah dengan NIK dan tanggal lahir Anda.",
                nomor: Some(&nomor),
            },
        ),
        Err(e) => failure(&state, &e),
    }
}
