//! `merit document …` (documents.md 3): the data of each document gathered from the proposal
//! (a placement and its run), the workflow instance's history, the vacancy and the settings,
//! then typeset with the templates in force. Every number is formatted here, the Indonesian
//! way, so that templates only place text. The same data builders feed the check of the
//! templates on reload (with sample data), so a template that reads a field the real data
//! lacks is refused before it is used.

use std::path::Path;

use chrono::Datelike;

use serde::Serialize;
use serde_json::{Value, json};

use super::lists::{self, Anggaran, AnggaranRow, ProposalSource, Rekap, RekapRow, RincianRow};
use crate::service::{App, Invalid, Prerequisite, ServiceError, Sought, ground::audit::Actor};
use crate::{
    config::{Agency, Official, Officials},
    diagnostic::{Diagnostic, Diagnostics},
    documents::{DocumentKind, DocumentTemplates, Logo},
    domain::{
        Subject, VacancySubject, format_date_id, format_datetime_id, format_number_id,
        format_rupiah, mask_identifier,
    },
    workflow::{
        Answer, Decided, Directory, HistoryEntry, HistoryKind, InstanceRow, Mode, Status, Target,
        WorkflowDef,
        directory::{names_role, role_title, titled},
    },
};

/// What `merit document` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    /// The path of the PDF written, as given (display form).
    pub berkas: String,
    /// Bytes.
    pub ukuran: u64,
    /// Pages.
    pub halaman: Option<u64>,
    /// The placement, vacancy or instance it was made from.
    pub sumber: String,
}

fn num(n: u64) -> String {
    format_number_id(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A signer for a signature block: the `pejabat` setting, else the directory's holder of the
/// role. A document is an original to be signed: the signer's NIP is shown in full (a head of
/// region has none, and no NIP line is printed); candidates' identifiers stay masked.
fn signer(
    set: Option<&Official>,
    dir: Option<&Directory>,
    role: &str,
    today: chrono::NaiveDate,
) -> Value {
    if let Some(o) = set {
        return json!({
            "nama": o.nama,
            "nip": o.nip.as_ref().map(crate::domain::Nip::spaced),
            "pangkat": o.pangkat,
            "jabatan": o.jabatan.clone().unwrap_or_else(|| role_title(role).unwrap_or(role).to_owned()),
        });
    }
    let held = dir.and_then(|d| {
        d.holders(role, today)
            .first()
            .and_then(|h| d.person(&h.orang).map(|p| (p, titled(&h.kapasitas))))
    });
    match held {
        Some((p, jabatan)) => person_signer(p, jabatan),
        None => json!({
            "nama": "(nama pejabat belum diatur)",
            "nip": Value::Null,
            "pangkat": Value::Null,
            "jabatan": role_title(role).unwrap_or(role),
        }),
    }
}

/// A person of the directory in a signature block.
fn person_signer(p: &crate::workflow::directory::Person, jabatan: String) -> Value {
    json!({
        "nama": p.nama,
        "nip": p.nip.as_ref().map(crate::domain::Nip::spaced),
        "pangkat": p.pangkat,
        "jabatan": jabatan,
    })
}

/// Where a document stands in its workflow (documents.md 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Its step is open or not reached, or there is no workflow: a draft marked KONSEP,
    /// without a number.
    Konsep,
    /// Its step ended approved (at its `visit`-th opening: a step sent back and approved again
    /// makes a new final with a new number): the final document, numbered from the register.
    Final {
        /// How many times the step had been opened when it was approved (1 the first time).
        visit: usize,
    },
}

/// Whether step `step` of `def` ended approved in `history`: after the step last opened, the
/// flow went where agreement leads (the next step opened or was skipped, or the instance
/// ended approved). For a definition without that step: final once the instance ended
/// approved.
pub fn standing(def: Option<&WorkflowDef>, history: &[HistoryEntry], step: &str) -> Standing {
    let ended_approved = |h: &HistoryEntry| {
        h.jenis == HistoryKind::Selesai
            && h.keputusan == Some(Decided::Ended(Status::SelesaiDisetujui))
    };
    let is_open =
        |h: &HistoryEntry| h.jenis == HistoryKind::Dibuka && h.langkah.as_deref() == Some(step);
    let visit = history.iter().filter(|h| is_open(h)).count().max(1);
    let verdict = |yes: bool| {
        if yes {
            Standing::Final { visit }
        } else {
            Standing::Konsep
        }
    };
    let Some((def, s)) = def.and_then(|d| d.step(step).map(|(_, s)| (d, s))) else {
        return verdict(history.iter().any(ended_approved));
    };
    let Some(opened) = history.iter().rposition(is_open) else {
        return Standing::Konsep;
    };
    let after = &history[opened + 1..];
    verdict(match s.jika_setuju {
        Target::Step(i) => def.langkah.get(i).is_some_and(|next| {
            after.iter().any(|h| {
                matches!(h.jenis, HistoryKind::Dibuka | HistoryKind::Dilewati)
                    && h.langkah.as_deref() == Some(next.id.as_str())
            })
        }),
        Target::Approved => after.iter().any(ended_approved),
        Target::Rejected => false,
    })
}

/// Who and when a document is made for: the agency, its signers, the moment.
pub struct Letterhead<'a> {
    /// The agency the document is from (the `instansi` setting): name, city, letterhead.
    pub agency: &'a Agency,
    /// The signers the `pejabat` setting names; the directory stands in for those it does not.
    pub officials: &'a Officials,
    /// The directory in force, to find a role's holder; `None` for template samples.
    pub directory: Option<&'a Directory>,
    /// The moment the document is dated by (the clock's now; the Unix epoch for samples).
    pub now: chrono::DateTime<chrono::Utc>,
    /// The installation's time zone, for the date and times the document writes.
    pub tz: chrono_tz::Tz,
    /// The logo's name in the template's files, when there is one.
    pub logo: Option<&'a str>,
    /// Number patterns, copies, the teams' bases (`nomor_surat`, `tembusan`, `dasar_tim`).
    pub letters: &'a crate::config::Letters,
}

impl<'a> Letterhead<'a> {
    pub(super) fn of(app: &'a App, directory: &'a Directory, logo: Option<&'a str>) -> Self {
        Self {
            agency: &app.settings.instansi,
            officials: &app.settings.pejabat,
            directory: Some(directory),
            now: app.clock.now(),
            tz: app.settings.timezone,
            logo,
            letters: &app.settings.surat,
        }
    }

    pub(super) fn today(&self) -> chrono::NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }
}

/// The part every document shares: the agency, the date, the signers, and the standing: a
/// draft (`konsep`, no `nomor`) until [`pdf`] draws the final with its number.
pub(super) fn header(l: &Letterhead<'_>, source: &str) -> Value {
    let (now, today, i, dir, officials) = (l.now, l.today(), l.agency, l.directory, l.officials);
    let kota = i.kota.clone().unwrap_or_else(|| "..............".into());
    let bkpsdm = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia";
    json!({
        "instansi": {
            "nama": i.nama,
            "singkatan": i.singkatan,
            "alamat": i.alamat,
            "kota": kota,
            "logo": l.logo,
        },
        "kop_jabatan": i.office(),
        "kota": kota,
        "tanggal": format_date_id(today),
        "hari": crate::domain::day_name(today),
        "tanggal_huruf": crate::domain::format_date_in_words(today),
        "tempat": i.tempat_rapat.clone().unwrap_or_else(|| format!("Kantor {bkpsdm}, {kota}")),
        "dibuat": format_datetime_id(now, l.tz),
        "sumber": source,
        "konsep": true,
        "nomor": Value::Null,
        "bkpsdm": bkpsdm,
        "tembusan": l.letters.tembusan,
        "dasar_tim": {
            "verifikasi": l.letters.basis("verifikasi"),
            "tpk": l.letters.basis("tpk"),
        },
        "pejabat": {
            "ppk": signer(officials.ppk.as_ref(), dir, "PPK", today),
            "kepala_bkpsdm": signer(officials.kepala_bkpsdm.as_ref(), dir, "KEPALA_BKPSDM", today),
            "bpkad": signer(None, dir, "BPKAD", today),
        },
    })
}

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Value::Object(b), Value::Object(e)) = (&mut base, extra) {
        b.extend(e);
    }
    base
}

/// Rows a printed table holds (a regency's rincian, ~1,000 rows, prints whole); the rest is
/// summed into one row that points to the XLSX list
/// (a national-scale proposal has tens of thousands of units: no one prints that, and
/// typesetting it would take minutes and gigabytes).
const PRINTED_ROWS: usize = 2_000;

/// The first [`PRINTED_ROWS`] of `rows`, and the rest summed by `sum` when there is a rest.
fn printed<T: Clone>(rows: &[T], sum: impl Fn(&[T]) -> T) -> Vec<T> {
    if rows.len() <= PRINTED_ROWS {
        return rows.to_vec();
    }
    let mut out = rows[..PRINTED_ROWS].to_vec();
    out.push(sum(&rows[PRINTED_ROWS..]));
    out
}

fn rest_label(n: usize) -> String {
    format!("{} baris lainnya (lengkap di berkas XLSX)", num(n as u64))
}

fn rekap_value(r: &Rekap) -> Value {
    let sum = |rows: &[RekapRow]| RekapRow {
        kode: "…".into(),
        nama: rest_label(rows.len()),
        jumlah_calon: rows.iter().map(|x| x.jumlah_calon).sum(),
        layak: rows.iter().map(|x| x.layak).sum(),
        tidak_layak: rows.iter().map(|x| x.tidak_layak).sum(),
        perlu_verifikasi: rows.iter().map(|x| x.perlu_verifikasi).sum(),
        diusulkan: rows.iter().map(|x| x.diusulkan).sum(),
        diusulkan_ke_unit: rows.iter().map(|x| x.diusulkan_ke_unit).sum(),
    };
    let row = |x: &RekapRow| {
        json!({
            "kode": x.kode, "nama": x.nama,
            "jumlah_calon": num(x.jumlah_calon), "layak": num(x.layak),
            "tidak_layak": num(x.tidak_layak), "perlu_verifikasi": num(x.perlu_verifikasi),
            "diusulkan": num(x.diusulkan),
            "diusulkan_dari_unit": num(x.diusulkan),
            "diusulkan_ke_unit": num(x.diusulkan_ke_unit),
        })
    };
    json!({
        "per_unit": printed(&r.per_unit, sum).iter().map(row).collect::<Vec<_>>(),
        "per_kategori": r.per_kategori.iter().map(row).collect::<Vec<_>>(),
        "jumlah": row(&r.jumlah),
    })
}

fn anggaran_value(a: &Anggaran) -> Value {
    let sum = |rows: &[AnggaranRow]| AnggaranRow {
        unit_kerja: "…".into(),
        nama_unit: rest_label(rows.len()),
        sumber_anggaran: String::new(),
        jumlah_orang: rows.iter().map(|x| x.jumlah_orang).sum(),
        upah_per_bulan: rows.iter().map(|x| x.upah_per_bulan).sum(),
        upah_per_tahun: rows.iter().map(|x| x.upah_per_tahun).sum(),
        di_bawah_umk: rows.iter().map(|x| x.di_bawah_umk).sum(),
    };
    let shown = printed(&a.baris, sum);
    let row = |x: &AnggaranRow| {
        json!({
            "unit_kerja": x.unit_kerja, "nama_unit": x.nama_unit, "sumber_anggaran": x.sumber_anggaran,
            "jumlah_orang": num(x.jumlah_orang), "per_bulan": format_rupiah(x.upah_per_bulan),
            "per_tahun": format_rupiah(x.upah_per_tahun), "di_bawah_umk": num(x.di_bawah_umk),
        })
    };
    json!({
        "baris": shown.iter().chain([&a.jumlah]).map(row).collect::<Vec<_>>(),
        "per_sumber": a.per_sumber.iter().map(|s| json!({
            "sumber": s.sumber_anggaran, "sumber_uraian": source_in_words(&s.sumber_anggaran),
            "jumlah_orang": num(s.jumlah_orang),
            "per_bulan": format_rupiah(s.upah_per_bulan), "per_tahun": format_rupiah(s.upah_per_tahun),
        })).collect::<Vec<_>>(),
        "per_bulan": format_rupiah(a.jumlah.upah_per_bulan),
        "per_tahun": format_rupiah(a.jumlah.upah_per_tahun),
        "umk": a.umk.map_or_else(|| "belum ditetapkan".to_owned(), format_rupiah),
        "di_bawah_umk": num(a.jumlah.di_bawah_umk),
    })
}

/// A budget source as a statement names it.
pub(super) fn source_in_words(code: &str) -> String {
    match code {
        "APBD" => "Anggaran Pendapatan dan Belanja Daerah (APBD)".to_owned(),
        "BLUD" => "Pendapatan Badan Layanan Umum Daerah (BLUD)".to_owned(),
        "BOS" => "Dana Bantuan Operasional Satuan Pendidikan (BOS)".to_owned(),
        "DAK" => "Dana Alokasi Khusus (DAK)".to_owned(),
        "lainnya" => "Sumber lain yang sah".to_owned(),
        other => other.to_owned(),
    }
}

fn rincian_value(rows: &[RincianRow]) -> (Value, Value) {
    let sum = |f: fn(&RincianRow) -> u64| rows.iter().map(f).sum::<u64>();
    let rest = |rs: &[RincianRow]| RincianRow {
        unit_kerja: "…".into(),
        nama_unit: rest_label(rs.len()),
        jabatan: String::new(),
        kategori_jabatan: String::new(),
        kualifikasi_pendidikan: String::new(),
        kebutuhan: rs.iter().map(|r| r.kebutuhan).sum(),
        diusulkan: rs.iter().map(|r| r.diusulkan).sum(),
        sisa: rs.iter().map(|r| r.sisa).sum(),
    };
    (
        printed(rows, rest)
            .iter()
            .map(|r| {
                json!({
                    "unit_kerja": r.unit_kerja, "nama_unit": r.nama_unit, "jabatan": r.jabatan,
                    "kategori_jabatan": r.kategori_jabatan, "kualifikasi_pendidikan": r.kualifikasi_pendidikan,
                    "kebutuhan": num(r.kebutuhan), "diusulkan": num(r.diusulkan), "sisa": num(r.sisa),
                })
            })
            .collect(),
        json!({
            "kebutuhan": num(sum(|r| r.kebutuhan)),
            "diusulkan": num(sum(|r| r.diusulkan)),
            "diusulkan_huruf": crate::domain::number_in_words(sum(|r| r.diusulkan)),
            "sisa": num(sum(|r| r.sisa)),
        }),
    )
}

/// An answer in a workflow's history, as a document lists it.
fn answer_value(h: &HistoryEntry, dir: Option<&Directory>, tz: chrono_tz::Tz) -> Value {
    let id = h.orang.clone().unwrap_or_default();
    let person = dir.and_then(|d| d.person(&id));
    let nama = person.map_or_else(|| id.clone(), |p| p.nama.clone());
    let kapasitas = h.kapasitas.as_deref().map(titled).unwrap_or_default();
    let penanda = match person {
        Some(p) => person_signer(p, kapasitas.clone()),
        None => {
            json!({ "nama": nama, "nip": Value::Null, "pangkat": Value::Null, "jabatan": kapasitas })
        }
    };
    let keputusan = match h.keputusan.as_ref().and_then(Decided::answer) {
        Some(Answer::Setuju) => "Setuju".to_owned(),
        Some(Answer::Tolak) => "Tidak setuju".to_owned(),
        Some(Answer::Kembalikan) => "Dikembalikan untuk diperbaiki".to_owned(),
        Some(Answer::Pilih(o)) => format!("Memilih {}", mask_identifier(o)),
        Some(Answer::Abstain) => "Abstain (tidak ikut memutuskan)".to_owned(),
        None => h.keputusan.as_ref().map(Decided::code).unwrap_or_default(),
    };
    json!({
        "nama": if kapasitas.is_empty() { nama } else { format!("{nama} ({kapasitas})") },
        "penanda": penanda,
        "keputusan": keputusan,
        "waktu": format_datetime_id(crate::clock::from_ms(h.waktu_ms), tz),
        "komentar": h.komentar.as_deref().map(|c| crate::domain::redact_identifiers(c).0).unwrap_or_default(),
    })
}

/// The inputs of a PPPK document.
pub struct ProposalInputs<'a> {
    /// The proposal: the placement and the finished run it was made from.
    pub source: &'a ProposalSource,
    /// The `rincian` rows of that proposal.
    pub rincian: &'a [RincianRow],
    /// The `rekap` of that proposal (per unit, per applicant category, total).
    pub rekap: &'a Rekap,
    /// The `anggaran` of that proposal (pay in rupiah per month and year).
    pub anggaran: &'a Anggaran,
    /// Decisions in the workflow instance's history.
    pub answers: Vec<Value>,
    /// The workflow's title, when there is an instance.
    pub alur: String,
    /// The candidates still needing verification (at most [`PRINTED_ROWS`]): number, name,
    /// masked NIK, the rules to check.
    pub open_checks: Vec<Value>,
}

/// The data of a PPPK document (`berita-acara-verifikasi`, `surat-usulan`, `sptjm`, `rekap`).
pub fn proposal_data(head: Value, p: &ProposalInputs<'_>, tz: chrono_tz::Tz) -> Value {
    let (rincian, jumlah) = rincian_value(p.rincian);
    let t = &p.source.run.hasil;
    // The chart counts by placement, as the rincian does, and says how many units it shows.
    let biggest: Vec<&RekapRow> = {
        let mut v: Vec<&RekapRow> = p
            .rekap
            .per_unit
            .iter()
            .filter(|r| r.diusulkan_ke_unit > 0)
            .collect();
        v.sort_by(|a, b| {
            b.diusulkan_ke_unit
                .cmp(&a.diusulkan_ke_unit)
                .then(a.kode.cmp(&b.kode))
        });
        v.truncate(25);
        v
    };
    let placed_units = p
        .rekap
        .per_unit
        .iter()
        .filter(|r| r.diusulkan_ke_unit > 0)
        .count();
    merge(
        head,
        json!({
            "run": {
                "id": p.source.run.id,
                "ruleset": p.source.run.ruleset,
                "versi": p.source.run.versi,
                "selesai": p.source.run.selesai_ms.map(|ms| format_datetime_id(crate::clock::from_ms(ms), tz)).unwrap_or_default(),
            },
            "penempatan": p.source.placement.id,
            "alur": p.alur,
            "hasil": [
                {"nama": "Layak", "jumlah": num(t.layak)},
                {"nama": "Tidak layak", "jumlah": num(t.tidak_layak)},
                {"nama": "Perlu verifikasi", "jumlah": num(t.perlu_verifikasi)},
                {"nama": "Jumlah calon", "jumlah": num(t.total)},
            ],
            "rekap": rekap_value(p.rekap),
            "anggaran": anggaran_value(p.anggaran),
            "rincian": rincian,
            "jumlah": jumlah,
            "verifikator": p.answers,
            "perlu_verifikasi": p.open_checks,
            "grafik": biggest.iter().map(|r| json!({
                "label": if r.nama.is_empty() { r.kode.clone() } else { r.nama.clone() },
                "nilai": r.diusulkan_ke_unit,
                "teks": num(r.diusulkan_ke_unit),
            })).collect::<Vec<_>>(),
            "grafik_judul": if biggest.len() < placed_units {
                format!("Diusulkan per unit penempatan: {} unit terbesar dari {}", biggest.len(), num(placed_units as u64))
            } else {
                format!("Diusulkan per unit penempatan ({} unit)", num(placed_units as u64))
            },
        }),
    )
}

/// The data of `berita-acara-tpk`.
pub fn tpk_data(
    head: Value,
    v: &VacancySubject,
    members: Vec<Value>,
    recused: Vec<String>,
    quorum: String,
    recommendation: String,
    chair: Value,
) -> Value {
    merge(
        head,
        json!({
            "lowongan": {
                "id": v.id, "jabatan": v.jabatan, "unit_kerja": v.unit_kerja,
                "jenjang": crate::domain::Jenjang::parse(&v.jenjang).map(|j| j.label().to_owned()).unwrap_or_else(|_| v.jenjang.clone()),
                "alasan": v.alasan, "dinilai": num(v.jumlah_dinilai as u64),
                "ruleset": v.ruleset, "versi": v.versi_aturan,
            },
            "anggota": members,
            "konflik": recused,
            "kuorum": quorum,
            "daftar_pendek": v.shortlist.iter().filter_map(|nip| v.candidate(nip)).map(|k| json!({
                "peringkat": k.peringkat.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
                "nama": k.nama, "nip": mask_identifier(&k.nip),
                "kotak_talenta": k.kotak_talenta.to_string(),
                "predikat": k.predikat.join(", "), "hasil": k.hasil.label(),
                "pangkat": "-", "jabatan": "-", "pendidikan": "-", "usia": "-", "disiplin": "-",
            })).collect::<Vec<_>>(),
            "rekomendasi": recommendation,
            "ketua": chair,
        }),
    )
}

/// Sample data of the shape the real documents have, to check templates with: the same
/// builders as the real data, over a small made-up proposal or vacancy.
pub fn sample(kind: DocumentKind, logo: Option<&str>) -> Value {
    use crate::{
        config::Agency,
        domain::{Hasil, Kandidat},
        screening::{Run, RunStatus, Tally},
    };
    let agency = Agency {
        alamat: Some("Jalan Contoh Nomor 1".into()),
        kota: Some("Kota Contoh".into()),
        ..Agency::default()
    };
    let official = |jabatan: &str| Official {
        nama: "Contoh".into(),
        nip: crate::domain::Nip::parse("197001012000031001").ok(),
        jabatan: Some(jabatan.into()),
        pangkat: Some("Pembina (IV/a)".into()),
    };
    let letters = crate::config::Letters::default();
    let officials = Officials {
        ppk: Some(official("Bupati Contoh")),
        kepala_bkpsdm: None,
    };
    let letterhead = Letterhead {
        agency: &agency,
        officials: &officials,
        directory: None,
        now: chrono::DateTime::UNIX_EPOCH,
        tz: chrono_tz::Asia::Jakarta,
        logo,
        letters: &letters,
    };
    let head = header(&letterhead, "contoh");
    if kind == DocumentKind::Pengumuman {
        return merge(
            head,
            json!({
                "pengumuman": {
                    "hari": "3", "mulai": "Senin, 5 Januari 1970 pukul 08.00 WIB",
                    "tutup": "Rabu, 7 Januari 1970 pukul 16.00 WIB",
                    "layanan": "https://contoh.go.id/layanan", "laman": "https://contoh.go.id/pengumuman/1",
                },
                "jumlah": {"semua": "2", "diusulkan": "1", "tidak": "1"},
                "diusulkan": [{"unit": "Unit", "baris": [["1", "Contoh", "************0001", "Pengelola Data"]]}],
                "tidak_diusulkan": [{"kelompok": "Tidak memenuhi syarat (TMS)", "baris": [["1", "Contoh", "************0002", "Unit"]]}],
                "terpotong": {"diusulkan": "0", "tidak": "0"},
            }),
        );
    }
    if kind == DocumentKind::SkPengangkatan {
        let Ok(nik) = crate::domain::Nik::parse("1609022304870001") else {
            return Value::Null;
        };
        let line = crate::store::ProposedLine {
            nik,
            nomor_peserta: Some("25160920001".into()),
            nama: "Contoh".into(),
            tempat_lahir: Some("Martapura".into()),
            tanggal_lahir: chrono::NaiveDate::from_ymd_opt(1987, 4, 23),
            jenis_kelamin: "L".into(),
            kategori_pelamar: "R3".into(),
            pendidikan: "SMA".into(),
            jurusan: None,
            kode_formasi: "F1".into(),
            jabatan: "Pengelola Data".into(),
            unit_kerja: "U1".into(),
            upah: 3_500_000,
            sumber_anggaran: crate::domain::SumberAnggaran::Apbd,
        };
        return super::decrees::person_data(
            &head,
            &super::decrees::PersonDecree {
                line: &line,
                sk: "800.1.2.2/1/BKPSDM/1970",
                pk: "800.1.2.2/1/BKPSDM/1970",
                tanggal: "1 Januari 1970",
            },
            "Unit",
            letterhead.today(),
        );
    }
    let answer = json!({
        "nama": "Contoh", "keputusan": "Setuju", "waktu": "1 Januari 1970 pukul 07.00 WIB", "komentar": "",
        "penanda": {"nama": "Contoh", "nip": "19700101 200003 1 001", "pangkat": "Penata (III/c)", "jabatan": "Verifikator"},
    });
    if kind.is_job_fill() {
        let nip = "198001012005011003".to_owned();
        let v = VacancySubject {
            id: "L1".into(),
            jenjang: "administrator".into(),
            unit_kerja: "U1".into(),
            nama_unit: Some("Sekretariat Daerah".into()),
            jabatan: "Kepala Bagian".into(),
            alasan: "pensiun".into(),
            tanggal: "2026-12-01".into(),
            ruleset: "pengisian_jabatan".into(),
            versi_aturan: "v".into(),
            shortlist: vec![nip.clone()],
            kandidat: vec![Kandidat {
                nip,
                nama: "Contoh".into(),
                hasil: Hasil::Layak,
                kotak_talenta: 9,
                predikat: vec!["Sangat Baik".into()],
                aturan_gagal: vec![],
                aturan_tinjau: vec![],
                peringkat: Some(1),
                alasan: vec![],
            }],
            jumlah_dinilai: 10,
            email_kandidat: Default::default(),
        };
        let chair = signer(
            Some(&official("Sekretaris Daerah")),
            None,
            "SEKDA",
            letterhead.today(),
        );
        return tpk_data(
            head,
            &v,
            vec![answer],
            vec!["Contoh".into()],
            "2 persetujuan anggota TPK".into(),
            "Disetujui.".into(),
            chair,
        );
    }
    let source = ProposalSource {
        run: Run {
            id: "run".into(),
            ruleset: "pppk_paruh_waktu".into(),
            versi: "v".into(),
            status: RunStatus::Selesai,
            aturan: Vec::new(),
            jumlah_potongan: 1,
            hasil: Tally::default(),
            dibuat_oleh: String::new(),
            dibuat_ms: 0,
            selesai_ms: Some(0),
            alasan_gagal: None,
            jenis: Default::default(),
        },
        placement: crate::placement::PlacementRecord {
            id: "p".into(),
            run_id: "run".into(),
            ditempatkan: 1,
            tidak_ditempatkan: 0,
            jumlah_formasi: 1,
            dibuat_oleh: String::new(),
            dibuat_ms: 0,
        },
        formations: Vec::new(),
        tz: chrono_tz::Asia::Jakarta,
    };
    let unit = RekapRow {
        kode: "U1".into(),
        nama: "Unit".into(),
        jumlah_calon: 1,
        layak: 1,
        diusulkan: 1,
        diusulkan_ke_unit: 1,
        ..RekapRow::default()
    };
    let rekap = Rekap {
        per_unit: vec![unit.clone()],
        per_kategori: vec![unit.clone()],
        jumlah: unit,
    };
    let row = AnggaranRow {
        unit_kerja: "U1".into(),
        sumber_anggaran: "APBD".into(),
        jumlah_orang: 1,
        upah_per_bulan: 3_500_000,
        upah_per_tahun: 42_000_000,
        ..AnggaranRow::default()
    };
    let anggaran = Anggaran {
        baris: vec![row.clone()],
        jumlah: row.clone(),
        per_sumber: vec![row],
        umk: Some(3_500_000),
    };
    let rincian = [RincianRow {
        unit_kerja: "U1".into(),
        nama_unit: "Unit".into(),
        jabatan: "Jabatan".into(),
        kategori_jabatan: "Tenaga Teknis".into(),
        kualifikasi_pendidikan: "SMA".into(),
        kebutuhan: 1,
        diusulkan: 1,
        sisa: 0,
    }];
    proposal_data(
        head,
        &ProposalInputs {
            source: &source,
            rincian: &rincian,
            rekap: &rekap,
            anggaran: &anggaran,
            answers: vec![answer],
            alur: "Usulan".into(),
            open_checks: vec![json!({
                "no": "1", "nama": "Contoh", "nik": "************0001",
                "aturan": "Terdata di database BKN",
            })],
        },
        letterhead.tz,
    )
}

/// A 1×1 PNG, the logo the templates are checked with.
const SAMPLE_LOGO: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0,
    0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 248, 207, 80, 15, 0, 3,
    134, 1, 128, 90, 52, 125, 107, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// Checks every document template: first its syntax, then by typesetting it with sample data
/// (with and without a logo: a template may break on either path), all in one child process
/// under `limits`. A template that does not compile, reads what the data lacks, or passes
/// the limits is refused at its file and line.
pub fn check(
    templates: &DocumentTemplates,
    limits: &crate::sandbox::Limits,
) -> Result<(), Diagnostics> {
    let mut all = templates.syntax();
    if !all.0.is_empty() {
        return Err(all);
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default();
    let mut kinds = Vec::new();
    for kind in DocumentKind::templated() {
        if templates.text(&kind.file()).is_none() {
            all.push(Diagnostic::file(
                &templates.path(&kind.file()),
                format!("templat dokumen {} tidak ada", kind.code()),
            ));
        } else {
            kinds.push(kind);
        }
    }
    let logos = [None, Some(("/logo.png", SAMPLE_LOGO))];
    let samples: Vec<(DocumentKind, String, Logo<'_>)> = kinds
        .iter()
        .flat_map(|kind| {
            logos.iter().map(move |logo| {
                (
                    *kind,
                    sample(*kind, logo.map(|(n, _)| n)).to_string(),
                    *logo,
                )
            })
        })
        .collect();
    let docs: Vec<(DocumentKind, &[u8], Logo<'_>)> = samples
        .iter()
        .map(|(k, data, logo)| (*k, data.as_bytes(), *logo))
        .collect();
    let mut refused: Vec<DocumentKind> = Vec::new();
    for (outcome, (kind, _, _)) in templates
        .typeset_all(&docs, today, false, limits)
        .into_iter()
        .zip(&docs)
    {
        // One refusal per document (a limit passed refuses every one with the same words).
        if let Err(d) = outcome
            && !refused.contains(kind)
        {
            refused.push(*kind);
            all.0.extend(d.0);
        }
    }
    all.into_result(())
}

/// The workflow instance a document is about: the one named (refused when it is about
/// something else), else the newest about placement `placement` (any placement when `None`)
/// or, for `berita-acara-tpk`, about a vacancy. Subjects are read newest first, one at a time:
/// a proposal's subject is large.
pub(super) async fn chosen_instance(
    app: &App,
    kind: DocumentKind,
    id: Option<&str>,
    placement: Option<&str>,
) -> Result<Option<InstanceRow>, ServiceError> {
    let fits = |i: &InstanceRow| match (kind.is_job_fill(), i.subjek.typed()) {
        (true, Ok(Subject::Lowongan(_))) => true,
        (false, Ok(Subject::Penempatan(p))) => placement.is_none_or(|id| id == p.id),
        _ => false,
    };
    if let Some(id) = id {
        let inst = app
            .store
            .instance(id)
            .await?
            .ok_or_else(|| ServiceError::not_found(Sought::Instance, id))?;
        if !fits(&inst) {
            return Err(ServiceError::Invalid(Invalid::Value {
                field: "--instance".into(),
                problem: format!(
                    "alur {id} bukan tentang {}",
                    if kind.is_job_fill() {
                        "lowongan jabatan"
                    } else {
                        "usulan PPPK (penempatan) yang diminta"
                    }
                ),
            }));
        }
        return Ok(Some(inst));
    }
    let mut heads = app.store.instances_head(None).await?;
    heads.sort_by(|a, b| b.dibuat_ms.cmp(&a.dibuat_ms).then(b.id.cmp(&a.id)));
    for h in heads {
        if let Some(inst) = app.store.instance(&h.id).await?
            && fits(&inst)
        {
            return Ok(Some(inst));
        }
    }
    Ok(None)
}

fn decisions(history: &[HistoryEntry]) -> impl Iterator<Item = &HistoryEntry> {
    history.iter().filter(|h| h.jenis == HistoryKind::Keputusan)
}

/// A document's data, what it was made from, and where it stands.
pub struct Drawn {
    /// The data (JSON) the template reads.
    pub data: Value,
    /// What it was made from, in words.
    pub source: String,
    /// The workflow instance it belongs to, if any.
    pub instance: Option<String>,
    /// Draft or final.
    pub standing: Standing,
    /// The final PDF kept in the register, when it was drawn before: returned as it is, and
    /// nothing else is gathered (`data` is then null).
    pub kept: Option<Vec<u8>>,
}

/// The register's key of a final: its instance and, after a send-back, the step's visit.
fn register_key(kind: DocumentKind, standing: Standing, inst: &str) -> Option<String> {
    match standing {
        Standing::Final { visit } if kind.numbered() => Some(if visit > 1 {
            format!("{inst}/{visit}")
        } else {
            inst.to_owned()
        }),
        _ => None,
    }
}

/// The final PDF of `kind` about `inst` standing so, when the register keeps one.
async fn kept_final(
    app: &App,
    kind: DocumentKind,
    standing: Standing,
    inst: Option<&str>,
) -> Result<Option<Vec<u8>>, ServiceError> {
    let Some(key) = inst.and_then(|i| register_key(kind, standing, i)) else {
        return Ok(None);
    };
    Ok(app
        .store
        .document_number(kind.code(), &key)
        .await?
        .and_then(|n| n.pdf))
}

/// Whether anyone answered step `step` in `history`.
fn answered(history: &[HistoryEntry], step: &str) -> bool {
    decisions(history).any(|h| h.langkah.as_deref() == Some(step))
}

/// The definition an instance runs on, when it can still be read (a document of an instance
/// whose stored definition is gone is drawn as a draft).
async fn definition(app: &App, inst: Option<&InstanceRow>) -> Option<std::sync::Arc<WorkflowDef>> {
    let inst = inst?;
    match crate::service::ground::workflows::definition_of(app, inst).await {
        Ok(def) => Some(def),
        Err(e) => {
            tracing::warn!(instans = %inst.id, "definisi alur tidak terbaca: {e}");
            None
        }
    }
}

/// The data of document `kind` (JSON), what it was made from and where it stands.
#[tracing::instrument(level = "debug", skip_all, fields(instance = ?instance, run = ?run))]
pub async fn data(
    app: &App,
    kind: DocumentKind,
    instance: Option<&str>,
    run: Option<&str>,
    logo: Option<&str>,
) -> Result<Drawn, ServiceError> {
    let (dir, _) = crate::service::ground::workflows::directory(app).await?;
    let letterhead = Letterhead::of(app, &dir, logo);
    if kind.is_job_fill() {
        let inst = chosen_instance(app, kind, instance, None)
            .await?
            .ok_or_else(|| ServiceError::missing(Prerequisite::Vacancy))?;
        return tpk(app, &inst, &letterhead, &dir).await;
    }
    // The placement first (the one asked for, else the instance's, else the newest), so that
    // the history read is that proposal's, never another's.
    let named = match run {
        Some(r) => Some(lists::proposal_source(app, Some(r)).await?),
        None => None,
    };
    let inst = chosen_instance(
        app,
        kind,
        instance,
        named.as_ref().map(|s| s.placement.id.as_str()),
    )
    .await?;
    let source = match (named, &inst) {
        (Some(s), _) => s,
        (None, Some(i)) => match i.subjek.typed() {
            Ok(Subject::Penempatan(p)) => lists::proposal_source(app, Some(&p.id)).await?,
            _ => lists::proposal_source(app, None).await?,
        },
        (None, None) => lists::proposal_source(app, None).await?,
    };
    let def = definition(app, inst.as_ref()).await;
    let history = match &inst {
        Some(i) => app.store.history(&i.id).await?,
        None => Vec::new(),
    };
    let alur = match (&def, &inst) {
        (Some(d), _) => d.judul.clone(),
        (None, Some(i)) => i.workflow.clone(),
        (None, None) => String::new(),
    };
    if kind.is_minutes() && !answered(&history, kind.step()) {
        return Err(super::super::Refusal::MinutesUnanswered(format!(
            "berita acara verifikasi belum dapat disusun: belum ada verifikator yang memberikan keputusan{}; berita acara disusun setelah keputusan pertama tercatat",
            if alur.is_empty() {
                " (belum ada alur usulan yang berjalan)".to_owned()
            } else {
                format!(" pada alur {alur}")
            }
        ))
        .into());
    }
    let standing = standing(def.as_deref(), &history, kind.step());
    // An issued final is returned as kept, before anything else is gathered.
    if let Some(pdf) = kept_final(app, kind, standing, inst.as_ref().map(|i| i.id.as_str())).await?
    {
        return Ok(Drawn {
            data: Value::Null,
            source: source.placement.id,
            instance: inst.map(|i| i.id),
            standing,
            kept: Some(pdf),
        });
    }
    let rincian = lists::rincian(app, &source).await?;
    let rekap = lists::rekap(app, &source).await?;
    let anggaran = lists::anggaran(app, &source).await?;
    let answers = decisions(&history)
        .filter(|h| h.langkah.as_deref() == Some(DocumentKind::BeritaAcaraVerifikasi.step()))
        .map(|h| answer_value(h, Some(&dir), letterhead.tz))
        .collect();
    let open_checks = if kind == DocumentKind::BeritaAcaraVerifikasi {
        open_checks(app, &source).await?
    } else {
        Vec::new()
    };
    let head = header(&letterhead, &source.describe());
    let data = proposal_data(
        head,
        &ProposalInputs {
            source: &source,
            rincian: &rincian,
            rekap: &rekap,
            anggaran: &anggaran,
            answers,
            alur,
            open_checks,
        },
        letterhead.tz,
    );
    Ok(Drawn {
        data,
        source: source.placement.id,
        instance: inst.map(|i| i.id),
        standing,
        kept: None,
    })
}

/// The candidates of the proposal's run still needing verification, by name, with the rules
/// to check (the first [`PRINTED_ROWS`]; the minutes give the total).
async fn open_checks(app: &App, source: &ProposalSource) -> Result<Vec<Value>, ServiceError> {
    let rs = crate::service::ground::runs::ruleset_of(app, &source.run, None).await?;
    let mut out = Vec::new();
    let mut after = String::new();
    while out.len() < PRINTED_ROWS {
        let page = app
            .store
            .unproposed_page(&source.run.id, &source.placement.id, &after, 5_000)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.decision.nik.as_str().to_owned();
        for line in page
            .iter()
            .filter(|l| l.decision.hasil == crate::domain::Hasil::PerluVerifikasi)
        {
            if out.len() >= PRINTED_ROWS {
                break;
            }
            let rules: Vec<&str> = rs
                .rules
                .iter()
                .zip(line.decision.verdicts())
                .filter(|(_, v)| matches!(v.code(), "tinjau" | "kesalahan"))
                .map(|(r, _)| r.judul.as_str())
                .collect();
            out.push(json!({
                "no": (out.len() + 1).to_string(),
                "nama": line.nama,
                "nik": line.decision.nik.masked(),
                "aturan": rules.join("; "),
            }));
        }
    }
    Ok(out)
}

/// The data of `berita-acara-tpk` for job-fill instance `inst`.
async fn tpk(
    app: &App,
    inst: &InstanceRow,
    letterhead: &Letterhead<'_>,
    dir: &Directory,
) -> Result<Drawn, ServiceError> {
    let Ok(Subject::Lowongan(v)) = inst.subjek.typed() else {
        return Err(ServiceError::missing(Prerequisite::Vacancy));
    };
    let history = app.store.history(&inst.id).await?;
    let kind = DocumentKind::BeritaAcaraTpk;
    if !answered(&history, kind.step()) {
        return Err(super::super::Refusal::MinutesUnanswered(format!(
            "berita acara TPK belum dapat disusun: belum ada anggota TPK yang memberikan tanggapan atas lowongan {}; berita acara disusun setelah tanggapan pertama tercatat",
            v.jabatan
        ))
        .into());
    }
    let def = definition(app, Some(inst)).await;
    let standing = standing(def.as_deref(), &history, kind.step());
    if let Some(pdf) = kept_final(app, kind, standing, Some(&inst.id)).await? {
        return Ok(Drawn {
            data: Value::Null,
            source: format!("lowongan {} (alur {})", v.id, inst.id),
            instance: Some(inst.id.clone()),
            standing,
            kept: Some(pdf),
        });
    }
    // The signed original names each shortlisted employee by the full NIP; a draft that
    // circulates for review keeps it masked.
    let original = matches!(standing, Standing::Final { .. });
    let shown_nip = |nip: &str| match crate::domain::Nip::parse(nip) {
        Ok(n) if original => n.spaced(),
        _ => mask_identifier(nip),
    };
    let tpk: Vec<&HistoryEntry> = decisions(&history)
        .filter(|h| h.kapasitas.as_deref().is_some_and(|k| names_role(k, "TPK")))
        .collect();
    // Recusals are the members who answered ABSTAIN, with their reason.
    let recused: Vec<String> = tpk
        .iter()
        .filter(|h| h.keputusan == Some(Decided::Answer(Answer::Abstain)))
        .map(|h| {
            let id = h.orang.clone().unwrap_or_default();
            let nama = dir.person(&id).map_or(id, |p| p.nama.clone());
            match h.komentar.as_deref() {
                Some(why) => format!("{nama} ({})", crate::domain::redact_identifiers(why).0),
                None => nama,
            }
        })
        .collect();
    let workflows = crate::service::ground::definitions::read(app, |d| d.workflows()).await?;
    let quorum = workflows
        .value
        .as_ref()
        .and_then(|w| w.get(&inst.workflow))
        .and_then(|def| {
            def.langkah.iter().find(
                |s| matches!(&s.penyetuju, crate::workflow::Approvers::Peran(r) if r == "TPK"),
            )
        })
        .map(|s| match s.mode {
            Mode::Kuorum(n) => format!("{n} persetujuan anggota TPK"),
            Mode::Mayoritas => {
                "lebih dari separuh anggota TPK yang tidak abstain (mayoritas)".to_owned()
            }
            Mode::Semua => "semua anggota TPK".to_owned(),
            Mode::SalahSatu => "satu anggota TPK".to_owned(),
        })
        .unwrap_or_else(|| "tidak ditetapkan".to_owned());
    let agreed = tpk
        .iter()
        .filter(|h| h.keputusan == Some(Decided::Answer(Answer::Setuju)))
        .count();
    let recommendation = if tpk.is_empty() {
        "Belum ada pertimbangan TPK.".to_owned()
    } else {
        format!(
            "{} dari {} anggota TPK yang menjawab menyetujui daftar pendek di atas untuk diteruskan kepada Sekretaris Daerah dan PPK{}.",
            agreed,
            tpk.len(),
            v.shortlist
                .first()
                .and_then(|n| v.candidate(n))
                .map(|k| format!(
                    ", dengan peringkat pertama {} ({})",
                    k.nama,
                    shown_nip(&k.nip)
                ))
                .unwrap_or_default()
        )
    };
    let members: Vec<Value> = tpk
        .iter()
        .map(|h| answer_value(h, Some(dir), letterhead.tz))
        .collect();
    let chair = signer(None, Some(dir), "SEKDA", letterhead.today());
    let source = format!("lowongan {} (alur {})", v.id, inst.id);
    let head = header(letterhead, &source);
    let mut data = tpk_data(head, v, members, recused, quorum, recommendation, chair);
    // The unit by its name where the formations know it (`Dinas Pendidikan`, not `OPD29`).
    let unit_name = match &v.nama_unit {
        Some(name) => Some(name.clone()),
        None => app
            .store
            .formation_needs_per_unit()
            .await?
            .into_iter()
            .find(|(code, name, _)| *code == v.unit_kerja && !name.is_empty())
            .map(|(_, name, _)| name),
    };
    if let (Some(name), Some(l)) = (unit_name, data.get_mut("lowongan")) {
        l["nama_unit"] = Value::String(name);
    }
    // The shortlist as the TPK weighs it: rank, position, education, age and the years to
    // retirement, discipline and the two ratings, from the employees' data.
    // The shortlisted employees only, one indexed read each (a shortlist holds a handful).
    let mut employees: std::collections::HashMap<String, crate::domain::Employee> =
        std::collections::HashMap::new();
    for nip in &v.shortlist {
        if let Ok(n) = crate::domain::Nip::parse(nip)
            && let Some(e) = app.store.employee(&n).await?
        {
            employees.insert(nip.clone(), e);
        }
    }
    let today = letterhead.today();
    // The rows are the shortlisted NIPs that the vacancy's ranking holds, in order.
    let listed = v.shortlist.iter().filter(|nip| v.candidate(nip).is_some());
    if let Some(rows) = data.get_mut("daftar_pendek").and_then(Value::as_array_mut) {
        for (row, nip) in rows.iter_mut().zip(listed) {
            row["nip"] = Value::String(shown_nip(nip));
            let Some(e) = employees.get(nip) else {
                continue;
            };
            let age = crate::domain::age_on(e.tanggal_lahir, today);
            row["pangkat"] = Value::String(
                e.golongan
                    .map(|g| format!("{} ({})", g.label(), g.code()))
                    .unwrap_or_else(|| "-".to_owned()),
            );
            row["jabatan"] = Value::String(e.jabatan.clone());
            row["pendidikan"] = Value::String(e.pendidikan.label().to_owned());
            row["usia"] = Value::String(format!(
                "{age} tahun; BUP {} ({} tahun lagi)",
                e.jenjang.bup(),
                (e.jenjang.bup() - age).max(0)
            ));
            row["disiplin"] = Value::String(e.hukuman_disiplin.label().to_owned());
            row["predikat"] = Value::String(format!(
                "{}, {}",
                e.predikat_1.label(),
                e.predikat_2.label()
            ));
        }
    }
    Ok(Drawn {
        data,
        source,
        instance: Some(inst.id.clone()),
        standing,
        kept: None,
    })
}

/// The document templates in force (the last valid ones when the folder's are refused).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn templates(app: &App) -> Result<std::sync::Arc<DocumentTemplates>, ServiceError> {
    let loaded = crate::service::ground::definitions::read(app, |d| d.documents()).await?;
    match (&loaded.value, &loaded.problem) {
        (Some(t), _) => Ok(t.clone()),
        (None, problem) => Err(ServiceError::definitions(
            crate::service::Definition::Documents,
            problem.clone().unwrap_or_default(),
        )),
    }
}

/// The letterhead image of document `kind`: the national emblem (`instansi.lambang`) on what
/// the head of the region signs, else the agency's logo (`instansi.logo`). A file that cannot
/// be read never stops a document: it is typeset without the image.
pub(super) async fn letterhead_image(app: &App, kind: DocumentKind) -> Option<(String, Vec<u8>)> {
    let i = &app.settings.instansi;
    let (path, what) = if kind.signed_by_head() {
        (i.lambang.as_ref()?, "lambang")
    } else {
        (i.logo.as_ref()?, "logo")
    };
    match tokio::fs::read(path).await {
        Ok(bytes) => {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("png")
                .to_lowercase();
            Some((format!("/{what}.{ext}"), bytes))
        }
        Err(e) => {
            tracing::warn!(
                "{what} instansi {} tidak dapat dibaca ({}); dokumen disusun tanpa {what}",
                path.display(),
                crate::domain::io_message(&e)
            );
            None
        }
    }
}

/// Typesets `data` as document `kind` with the templates in force.
async fn typeset(
    app: &App,
    kind: DocumentKind,
    data: Value,
    image: Option<(String, Vec<u8>)>,
) -> Result<Vec<u8>, ServiceError> {
    let templates = templates(app).await?;
    let today = app
        .clock
        .now()
        .with_timezone(&app.settings.timezone)
        .date_naive();
    let limits = app.settings.document_limits;
    crate::service::ground::bounded::document("menyusun dokumen", move || {
        let json = data.to_string();
        templates.pdf(
            kind,
            json.as_bytes(),
            image.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
            today,
            &limits,
        )
    })
    .await?
    .map_err(|d| ServiceError::definitions(crate::service::Definition::Documents, d))
}

/// The PDF bytes of document `kind`, and what it was made from. While the step it belongs to
/// is open the document is a draft (KONSEP, no number). Once the step ended approved, the
/// first draw takes the next number of the kind and year from the register and keeps the
/// final PDF; every later draw returns those same bytes.
/// A number taken on a draw without a person behind it (a prompt's attachment) is audited as
/// `sistem`; [`pdf_as`] names who drew it.
pub async fn pdf(
    app: &App,
    kind: DocumentKind,
    instance: Option<&str>,
    run: Option<&str>,
) -> Result<(Vec<u8>, String), ServiceError> {
    pdf_as(app, kind, instance, run, &Actor::system()).await
}

/// [`pdf`] drawn by `actor`, who is audited as the one a final's number was taken for.
#[tracing::instrument(level = "debug", skip_all, fields(instance = ?instance, run = ?run))]
pub async fn pdf_as(
    app: &App,
    kind: DocumentKind,
    instance: Option<&str>,
    run: Option<&str>,
    actor: &Actor,
) -> Result<(Vec<u8>, String), ServiceError> {
    let image = letterhead_image(app, kind).await;
    let mut drawn = data(
        app,
        kind,
        instance,
        run,
        image.as_ref().map(|l| l.0.as_str()),
    )
    .await?;
    if let Some(pdf) = drawn.kept.take() {
        return Ok((pdf, drawn.source));
    }
    let numbered = drawn
        .instance
        .as_deref()
        .and_then(|i| register_key(kind, drawn.standing, i));
    let Some(inst) = numbered else {
        drawn.data["konsep"] = Value::Bool(drawn.standing == Standing::Konsep);
        return Ok((typeset(app, kind, drawn.data, image).await?, drawn.source));
    };
    let number = take_number(app, kind, &inst, actor).await?;
    let date = crate::clock::from_ms(number.tanggal_ms)
        .with_timezone(&app.settings.timezone)
        .date_naive();
    drawn.data["konsep"] = Value::Bool(false);
    drawn.data["nomor"] = Value::String(number.nomor.clone());
    drawn.data["tanggal"] = Value::String(format_date_id(date));
    drawn.data["hari"] = Value::String(crate::domain::day_name(date).to_owned());
    drawn.data["tanggal_huruf"] = Value::String(crate::domain::format_date_in_words(date));
    let bytes = typeset(app, kind, drawn.data, image).await?;
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    let kept = app
        .store
        .keep_final_document(kind.code(), &inst, &bytes, &digest)
        .await?;
    Ok((kept, drawn.source))
}

/// The number of document `kind` about instance `inst`: the one it has, else the next of its
/// A number series as the register hands it out now: the kind's pattern (`nomor_surat`), the
/// year, the agency's short name, and the audit entry that will record the numbers (as
/// `sistem`: the draw paths carry no actor yet).
pub(super) struct Series {
    pattern: String,
    year: i32,
    now_ms: i64,
    singkatan: String,
    actor: crate::service::ground::audit::Actor,
    pub(super) stamp: crate::domain::AuditStamp,
}

impl Series {
    /// The series of document kind `jenis`.
    pub(super) async fn of(app: &App, jenis: &str, actor: &Actor) -> Result<Self, ServiceError> {
        let now = app.clock.now();
        let actor = actor.clone();
        let stamp = crate::service::ground::audit::stamp(
            app,
            &actor,
            crate::domain::Action::NomorDokumen,
            jenis,
            "",
        )
        .await?;
        Ok(Self {
            pattern: app.settings.surat.pattern(jenis).to_owned(),
            year: now.with_timezone(&app.settings.timezone).year(),
            now_ms: now.timestamp_millis(),
            singkatan: app
                .settings
                .instansi
                .singkatan
                .clone()
                .unwrap_or_else(|| "BKPSDM".to_owned()),
            actor,
            stamp,
        })
    }

    /// Number `urut` as printed.
    pub(super) fn print(&self, urut: i64) -> String {
        self.pattern
            .replace("{urut}", &urut.to_string())
            .replace("{singkatan}", &self.singkatan)
            .replace("{tahun}", &self.year.to_string())
    }

    /// What the register is asked for: kind `jenis` about `sumber`.
    pub(super) fn request<'a>(
        &'a self,
        jenis: &'a str,
        sumber: &'a str,
    ) -> crate::store::NumberRequest<'a> {
        crate::store::NumberRequest {
            jenis,
            pola: &self.pattern,
            sumber,
            tahun: self.year,
            tanggal_ms: self.now_ms,
            oleh: &self.actor.orang,
        }
    }
}

/// The number of document `kind` about `inst`: the one it has, else the next of its series and
/// this year; audited.
async fn take_number(
    app: &App,
    kind: DocumentKind,
    inst: &str,
    actor: &Actor,
) -> Result<crate::store::NumberRow, ServiceError> {
    let series = Series::of(app, kind.code(), actor).await?;
    let print = |urut: i64| series.print(urut);
    let describe = |nomor: &str| {
        series
            .stamp
            .detailed(&format!("{} nomor {nomor} untuk alur {inst}", kind.title()))
    };
    Ok(app
        .store
        .take_document_number(&series.request(kind.code(), inst), &print, &describe)
        .await?)
}

/// The final PDF of `kind` about `source` kept in the register, if drawn already.
pub async fn kept(
    app: &App,
    kind: DocumentKind,
    source: &str,
) -> Result<Option<Vec<u8>>, ServiceError> {
    Ok(app
        .store
        .document_number(kind.code(), source)
        .await?
        .and_then(|n| n.pdf))
}

/// A document that is final when drawn (an announcement: publishing it was the binding act):
/// the PDF kept in the register for `source` when there is one; else the letterhead's data
/// merged with `extra`, numbered from the register (audited for `actor`), typeset and kept, so
/// every later draw returns the same bytes.
pub async fn final_document(
    app: &App,
    kind: DocumentKind,
    source: &str,
    extra: Value,
    actor: &Actor,
) -> Result<Vec<u8>, ServiceError> {
    if let Some(pdf) = kept(app, kind, source).await? {
        return Ok(pdf);
    }
    let image = letterhead_image(app, kind).await;
    let (dir, _) = crate::service::ground::workflows::directory(app).await?;
    let letterhead = Letterhead::of(app, &dir, image.as_ref().map(|l| l.0.as_str()));
    let mut data = merge(header(&letterhead, source), extra);
    let number = take_number(app, kind, source, actor).await?;
    let date = crate::clock::from_ms(number.tanggal_ms)
        .with_timezone(&app.settings.timezone)
        .date_naive();
    data["konsep"] = Value::Bool(false);
    data["nomor"] = Value::String(number.nomor.clone());
    data["tanggal"] = Value::String(format_date_id(date));
    let bytes = typeset(app, kind, data, image).await?;
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    Ok(app
        .store
        .keep_final_document(kind.code(), source, &bytes, &digest)
        .await?)
}

/// Writes document `kind` to `path` (whole or not at all); see [`pdf`] for who a number is
/// audited for, and [`write_as`].
pub async fn write(
    app: &App,
    kind: DocumentKind,
    instance: Option<&str>,
    run: Option<&str>,
    path: &Path,
) -> Result<DocumentReport, ServiceError> {
    write_as(app, kind, instance, run, path, &Actor::system()).await
}

/// [`write`] drawn by `actor`.
#[tracing::instrument(level = "debug", skip_all, fields(instance = ?instance, run = ?run))]
pub async fn write_as(
    app: &App,
    kind: DocumentKind,
    instance: Option<&str>,
    run: Option<&str>,
    path: &Path,
    actor: &Actor,
) -> Result<DocumentReport, ServiceError> {
    if path
        .extension()
        .and_then(|e| e.to_str())
        .is_none_or(|e| !e.eq_ignore_ascii_case("pdf"))
    {
        return Err(ServiceError::Invalid(Invalid::Value {
            field: "--output".into(),
            problem: format!(
                "{} bukan berkas .pdf; dokumen ditulis sebagai PDF, misalnya --output {}.pdf",
                path.display(),
                kind.code()
            ),
        }));
    }
    let (bytes, source) = pdf_as(app, kind, instance, run, actor).await?;
    crate::export::write_atomically(path, &bytes)?;
    Ok(DocumentReport {
        berkas: path.display().to_string(),
        ukuran: bytes.len() as u64,
        halaman: page_count(&bytes),
        sumber: source,
    })
}

/// The page count a PDF declares in its page tree (`/Type/Pages/Count N`), for reports.
fn page_count(pdf: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(pdf);
    let at = text
        .find("/Type/Pages")
        .or_else(|| text.find("/Type /Pages"))?;
    let rest = &text[at..];
    let c = rest.find("/Count")?;
    rest[c + 6..]
        .trim_start()
        .split(|ch: char| !ch.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_count_reads_the_page_tree() {
        assert_eq!(
            page_count(b"1 0 obj\n<</Type/Pages/Count 33/Kids[7 0 R]>>"),
            Some(33)
        );
        assert_eq!(page_count(b"<< /Type /Pages /Count 2 >>"), Some(2));
        assert_eq!(page_count(b"<</Type/Outlines/Count 4>>"), None);
    }
}
