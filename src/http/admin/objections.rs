//! The console's side of the candidates' window (candidates.md 1 and 3): publishing an
//! announcement and closing its window (operator, through a confirmation page), and the
//! objections — counts by status, overdue reviews, each with its timeline and files (every
//! download audited).

use std::collections::HashMap;

use axum::{
    Form,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Serialize;

use super::{
    Confirm, Signed, actions::allowed, confirm_page, confirmed, failure, pages::page,
    percent_encode, with_notice,
};
use crate::{
    domain::{Nik, Role, format_datetime_id},
    http::AppState,
    service::{
        ServiceError,
        public::{PublishRequest, announcement, objection},
    },
};

type Fields = HashMap<String, String>;

fn field<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", String::as_str)
}

#[derive(Serialize)]
struct AnnouncementLine {
    nomor: i32,
    jumlah: String,
    terbit: String,
    masa: String,
    terbuka: bool,
    ditutup: bool,
}

#[derive(Serialize)]
struct AnnouncementsPage {
    daftar: Vec<AnnouncementLine>,
    operator: bool,
}

/// `GET /admin/pengumuman`: the announcements and the form that publishes the next.
pub(super) async fn announcements(State(state): State<AppState>, signed: Signed) -> Response {
    let all = match announcement::list(&state.app).await {
        Ok(a) => a,
        Err(e) => return failure(e),
    };
    let tz = state.app.settings().timezone;
    let now = state.app.clock().now_ms();
    let at = |ms| format_datetime_id(crate::clock::from_ms(ms), tz);
    let mut frame = signed.frame(&state, "Pengumuman", "pengumuman");
    frame
        .jejak
        .push(("Pengumuman".to_owned(), "/admin/pengumuman".to_owned()));
    page(
        "admin/pengumuman.html",
        frame,
        AnnouncementsPage {
            daftar: all
                .iter()
                .map(|a| AnnouncementLine {
                    nomor: a.nomor,
                    jumlah: crate::domain::format_number_id(a.jumlah),
                    terbit: at(a.dibuat_ms),
                    masa: format!("{} sampai {}", at(a.mulai_ms), at(a.tutup_ms)),
                    terbuka: a.open_at(now),
                    ditutup: a.ditutup_ms.is_some(),
                })
                .collect(),
            operator: signed.require(Role::Operator).is_ok(),
        },
    )
}

/// `POST /admin/pengumuman` (operator): publishes the newest placement as the next
/// announcement, after its confirmation page.
pub(super) async fn publish(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Operator, &headers, field(&f, "csrf")) {
        return r.into_response();
    }
    let days = match field(&f, "hari").trim() {
        "" => None,
        d => match d.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                return failure(ServiceError::value(
                    "hari",
                    "masa sanggah ditulis dalam angka hari kerja, misalnya 3",
                ));
            }
        },
    };
    if !confirmed(&f) {
        let c = Confirm {
            judul: "Terbitkan pengumuman?",
            uraian: vec![
                "Penempatan terakhir dibekukan sebagai pengumuman baru dan langsung tampil untuk publik di /pengumuman: nama, empat angka terakhir NIK, jabatan dan unit yang diusulkan, atau kelompok alasan tidak diusulkan.".to_owned(),
                format!(
                    "Masa sanggah {} hari kerja dimulai sekarang. Pengumuman tidak dapat diubah setelah terbit, kecuali hasil sanggah yang diterima.",
                    days.unwrap_or(announcement::DEFAULT_OBJECTION_DAYS)
                ),
            ],
            aksi: "/admin/pengumuman".to_owned(),
            tombol: "Ya, terbitkan pengumuman",
            kembali: "/admin/pengumuman".to_owned(),
            isian_wajib: Vec::new(),
        };
        return confirm_page(&signed, &state, "pengumuman", &c, &f);
    }
    let req = PublishRequest {
        hari_sanggah: days,
        ..PublishRequest::default()
    };
    match announcement::publish(&state.app, &req, &signed.actor()).await {
        Ok(a) => Redirect::to(
            &with_notice(
                &state,
                "/admin/pengumuman",
                &format!("Pengumuman nomor {} diterbitkan.", a.nomor),
            )
            .await,
        )
        .into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /admin/pengumuman/{nomor}/tutup` (operator): closes the objection window now.
pub(super) async fn close(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(nomor): Path<i32>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = allowed(&signed, Role::Operator, &headers, field(&f, "csrf")) {
        return r.into_response();
    }
    if !confirmed(&f) {
        let c = Confirm {
            judul: "Tutup masa sanggah?",
            uraian: vec![format!(
                "Masa sanggah pengumuman nomor {nomor} berakhir sekarang: calon tidak dapat lagi mengajukan sanggah. Sanggah yang sudah diajukan tetap diproses."
            )],
            aksi: format!("/admin/pengumuman/{nomor}/tutup"),
            tombol: "Ya, tutup masa sanggah",
            kembali: "/admin/pengumuman".to_owned(),
            isian_wajib: Vec::new(),
        };
        return confirm_page(&signed, &state, "pengumuman", &c, &f);
    }
    match announcement::close(&state.app, nomor, &signed.actor()).await {
        Ok(_) => Redirect::to("/admin/pengumuman").into_response(),
        Err(e) => failure(e),
    }
}

#[derive(Serialize)]
struct ObjectionLine {
    nomor: String,
    pengumuman: i32,
    nik: String,
    status: &'static str,
    diajukan: String,
    terlambat: bool,
}

#[derive(Serialize)]
struct ObjectionsPage {
    diajukan: usize,
    diterima: usize,
    ditolak: usize,
    terlambat: usize,
    daftar: Vec<ObjectionLine>,
}

fn masked(nik: &str) -> String {
    Nik::parse(nik).map_or_else(|_| "-".to_owned(), |n| n.masked())
}

/// `GET /admin/sanggah` (operator): counts, overdue reviews, every objection.
pub(super) async fn objections(State(state): State<AppState>, signed: Signed) -> Response {
    if let Err(r) = signed.require(Role::Operator) {
        return r.into_response();
    }
    let all = match objection::list(&state.app, None).await {
        Ok(a) => a,
        Err(e) => return failure(e),
    };
    let tz = state.app.settings().timezone;
    let mut daftar = Vec::with_capacity(all.len());
    for o in &all {
        let terlambat = if o.status == "diajukan" {
            match objection::show(&state.app, &o.nomor).await {
                Ok(v) => v.terlambat,
                Err(e) => return failure(e),
            }
        } else {
            false
        };
        daftar.push(ObjectionLine {
            nomor: o.nomor.clone(),
            pengumuman: o.pengumuman,
            nik: masked(&o.nik),
            status: objection::status_label(&o.status),
            diajukan: format_datetime_id(crate::clock::from_ms(o.dibuat_ms), tz),
            terlambat,
        });
    }
    let count = |s: &str| all.iter().filter(|o| o.status == s).count();
    let mut frame = signed.frame(&state, "Sanggah", "sanggah");
    frame
        .jejak
        .push(("Sanggah".to_owned(), "/admin/sanggah".to_owned()));
    page(
        "admin/sanggah.html",
        frame,
        ObjectionsPage {
            diajukan: count("diajukan"),
            diterima: count("diterima"),
            ditolak: count("ditolak"),
            terlambat: daftar.iter().filter(|l| l.terlambat).count(),
            daftar,
        },
    )
}

#[derive(Serialize)]
struct FileLine {
    urut: i32,
    jenis: String,
    ukuran: String,
    sha256: String,
}

#[derive(Serialize)]
struct ObjectionPage {
    nomor: String,
    pengumuman: i32,
    nama: String,
    nik: String,
    status: &'static str,
    terlambat: bool,
    alasan: String,
    email: Option<String>,
    no_hp: Option<String>,
    diajukan: String,
    jawaban: Option<String>,
    hasil_baru: Option<String>,
    selesai: Option<String>,
    alur: Option<String>,
    berkas: Vec<FileLine>,
}

/// `GET /admin/sanggah/{nomor}` (operator): one objection, its files and its review.
pub(super) async fn objection_page(
    State(state): State<AppState>,
    signed: Signed,
    Path(nomor): Path<String>,
) -> Response {
    if let Err(r) = signed.require(Role::Operator) {
        return r.into_response();
    }
    let v = match objection::show(&state.app, &nomor).await {
        Ok(v) => v,
        Err(e) => return failure(e),
    };
    let tz = state.app.settings().timezone;
    let at = |ms| format_datetime_id(crate::clock::from_ms(ms), tz);
    let o = v.row;
    let mut frame = signed.frame(&state, "Sanggah", "sanggah");
    frame
        .jejak
        .push(("Sanggah".to_owned(), "/admin/sanggah".to_owned()));
    frame.jejak.push((o.nomor.clone(), String::new()));
    page(
        "admin/sanggah_rinci.html",
        frame,
        ObjectionPage {
            pengumuman: o.pengumuman,
            nama: v.nama,
            nik: masked(&o.nik),
            status: objection::status_label(&o.status),
            terlambat: v.terlambat,
            alasan: o.alasan,
            email: o.email,
            no_hp: o.no_hp,
            diajukan: at(o.dibuat_ms),
            jawaban: o.jawaban,
            hasil_baru: o.hasil_baru,
            selesai: o.selesai_ms.map(at),
            alur: o
                .instance_id
                .map(|i| format!("/admin/alur/{}", percent_encode(&i))),
            berkas: v
                .files
                .into_iter()
                .map(|f| FileLine {
                    urut: f.urut,
                    jenis: f.jenis.to_uppercase(),
                    ukuran: crate::notify::compose::size_text(u64::try_from(f.ukuran).unwrap_or(0)),
                    sha256: f.sha256,
                })
                .collect(),
            nomor: o.nomor,
        },
    )
}

/// `GET /admin/sanggah/{nomor}/berkas/{urut}` (operator): one file, as an attachment, after
/// its audit entry; never rendered in a page.
pub(super) async fn objection_file(
    State(state): State<AppState>,
    signed: Signed,
    Path((nomor, urut)): Path<(String, i32)>,
) -> Response {
    if let Err(r) = signed.require(Role::Operator) {
        return r.into_response();
    }
    match objection::file(&state.app, &nomor, urut, &signed.actor()).await {
        Ok((f, bytes)) => {
            let (mime, ext) = match f.jenis.as_str() {
                "pdf" => ("application/pdf", "pdf"),
                "jpeg" => ("image/jpeg", "jpg"),
                "png" => ("image/png", "png"),
                _ => ("application/octet-stream", "bin"),
            };
            // The name is ours (receipt and place), never the uploader's.
            let name: String = format!("{nomor}-{urut}.{ext}")
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
                .collect();
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, mime.to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => failure(e),
    }
}
