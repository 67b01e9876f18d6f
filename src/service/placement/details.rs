//! The approver's details page (console.md 3): behind the same signed link as the confirm
//! page, read-only, valid as long as the link — what the step is about in full. For the PPPK
//! proposal: the recap per unit and per position category and the proposed candidates (NIK
//! masked); for job-fill: the shortlist with each person's talent box, ratings and rule
//! results. The same lists as a workbook.

use std::{collections::BTreeMap, path::Path};

use serde::Serialize;

use super as placement;
use crate::service::{App, ServiceError, ground::links};
use crate::{
    domain::{Kandidat, Subject, mask_identifier},
    export::{Section, TableWriter, Value},
};

/// Rows of the proposed list shown on the page (the workbook has every row).
const SHOWN: u64 = 500;

/// What the details page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Details {
    /// Workflow title.
    pub judul: String,
    /// Step title.
    pub langkah: String,
    /// Reference code.
    pub kode: String,
    /// The proposal, for a placement.
    pub usulan: Option<Proposal>,
    /// The shortlist, for a vacancy.
    pub daftar_pendek: Option<Shortlist>,
    /// The change, for a ruleset change awaiting approval.
    pub perubahan: Option<crate::domain::RuleChangeSubject>,
    /// The budget of the proposal, for a placement.
    pub anggaran: Option<super::lists::Anggaran>,
    /// The lists and documents offered for download (file names).
    pub unduhan: Vec<String>,
    /// The answers already given on this instance (who, as what, when, comment).
    pub jawaban_sebelumnya: Vec<String>,
}

/// A PPPK proposal.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// Candidates the placement proposes (its recorded `jumlah`).
    pub diusulkan: u64,
    /// Formation places offered when the placement was made.
    pub kebutuhan: u64,
    /// Eligible candidates the placement left without a formation place.
    pub belum_mendapat_formasi: u64,
    /// Per unit: (unit, name, needs, proposed).
    pub per_unit: Vec<RecapRow>,
    /// Per position category.
    pub per_kategori: Vec<RecapRow>,
    /// The first proposed candidates, in placement order.
    pub calon: Vec<Proposed>,
    /// Whether the page shows only part of the list.
    pub terpotong: bool,
}

/// One line of a recap.
#[derive(Debug, Clone, Serialize)]
pub struct RecapRow {
    /// The work unit's code, or the position category's code.
    pub kode: String,
    /// The unit's name from its formations (empty when none gives one), or the category's label.
    pub nama: String,
    /// Places needed: the summed `jumlah` of the formations in force.
    pub kebutuhan: u64,
    /// Of those, the places the placement fills.
    pub diusulkan: u64,
}

/// A proposed candidate.
#[derive(Debug, Clone, Serialize)]
pub struct Proposed {
    /// 1, 2, … in list order.
    pub no: u64,
    /// Masked.
    pub nik: String,
    /// The candidate's name from the imported data.
    pub nama: String,
    /// The work unit code of the formation placed in; empty when the line has none.
    pub unit_kerja: String,
    /// The formation's position name; empty when the line has none.
    pub jabatan: String,
    /// The formation code placed in; empty when the line has none.
    pub kode_formasi: String,
}

/// A vacancy's shortlist.
#[derive(Debug, Clone, Serialize)]
pub struct Shortlist {
    /// The vacant position's name.
    pub jabatan: String,
    /// The vacancy's work unit code.
    pub unit_kerja: String,
    /// Employees judged for the vacancy (not only those shortlisted).
    pub dinilai: usize,
    /// The shortlisted employees, in the order the vacancy recorded them.
    pub kandidat: Vec<Candidate>,
}

/// A shortlisted employee.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// Rank among those not ineligible (1 = best); `None` for an ineligible one.
    pub peringkat: Option<u32>,
    /// The employee's name.
    pub nama: String,
    /// Masked.
    pub nip: String,
    /// Box 1–9 of the talent matrix.
    pub kotak_talenta: i64,
    /// The last two performance ratings, newest first; empty on vacancies opened before they were kept.
    pub predikat: Vec<String>,
    /// The outcome in words (`layak`, `tidak layak`, `perlu verifikasi`).
    pub hasil: String,
    /// One reason per rule that did not pass (`ID: alasan`), identifiers in it masked.
    pub alasan: Vec<String>,
}

fn shortlisted(k: &Kandidat) -> Candidate {
    Candidate {
        peringkat: k.peringkat,
        nama: k.nama.clone(),
        nip: mask_identifier(&k.nip),
        kotak_talenta: k.kotak_talenta,
        predikat: k.predikat.clone(),
        hasil: k.hasil.label().to_owned(),
        alasan: k
            .alasan
            .iter()
            .map(|a| crate::domain::redact_identifiers(a).0)
            .collect(),
    }
}

async fn recap(
    app: &App,
    placement_id: &str,
) -> Result<(Vec<RecapRow>, Vec<RecapRow>), ServiceError> {
    let taken: BTreeMap<String, u64> = placement::counts(app, placement_id)
        .await?
        .iter()
        .cloned()
        .collect();
    let mut units: BTreeMap<String, RecapRow> = BTreeMap::new();
    let mut kinds: BTreeMap<String, RecapRow> = BTreeMap::new();
    for f in app.store.formations().await? {
        let n = u64::from(f.jumlah);
        let t = taken.get(&f.kode_formasi).copied().unwrap_or(0);
        let u = units
            .entry(f.unit_kerja.clone())
            .or_insert_with(|| RecapRow {
                kode: f.unit_kerja.clone(),
                nama: f.nama_unit.clone().unwrap_or_default(),
                kebutuhan: 0,
                diusulkan: 0,
            });
        u.kebutuhan += n;
        u.diusulkan += t;
        let k = kinds
            .entry(f.kategori_jabatan.code().to_owned())
            .or_insert_with(|| RecapRow {
                kode: f.kategori_jabatan.code().to_owned(),
                nama: f.kategori_jabatan.label().to_owned(),
                kebutuhan: 0,
                diusulkan: 0,
            });
        k.kebutuhan += n;
        k.diusulkan += t;
    }
    Ok((units.into_values().collect(), kinds.into_values().collect()))
}

/// A details link's token, checked; a cancelled process shows nobody its candidates any more.
async fn open_link(app: &App, raw: &str) -> Result<links::Verified, ServiceError> {
    let v = links::verified(app, raw).await?;
    if v.row.state.status == crate::workflow::Status::Dibatalkan {
        return Err(crate::service::Refusal::StepDecided(Some(
            crate::workflow::Status::Dibatalkan,
        ))
        .into());
    }
    Ok(v)
}

/// What the link `raw` asks about, in full.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn details(app: &App, raw: &str) -> Result<Details, ServiceError> {
    let v = open_link(app, raw).await?;
    let (judul, langkah) =
        crate::service::ground::workflows::titles(app, &v.row, &v.code.langkah).await?;
    let subject = v.row.subjek.read().map_err(ServiceError::internal)?;
    let (dir, _) = crate::service::ground::workflows::directory(app).await?;
    let history = app.store.history(&v.row.id).await?;
    let mut out = Details {
        judul,
        langkah: langkah.unwrap_or_else(|| v.code.langkah.clone()),
        kode: format!("MERIT-{}", v.token.kode),
        usulan: None,
        daftar_pendek: None,
        perubahan: None,
        anggaran: None,
        unduhan: Vec::new(),
        jawaban_sebelumnya: crate::service::ground::workflows::answer_lines(
            app, &v.row, &dir, &history,
        )
        .await?,
    };
    match subject {
        Subject::Penempatan(p) => {
            let src = super::lists::proposal_source(app, Some(&p.id)).await?;
            out.anggaran = Some(super::lists::anggaran(app, &src).await?);
            out.unduhan = offered(true);
            let (per_unit, per_kategori) = recap(app, &p.id).await?;
            let lines = app.store.placement_page(&p.id, true, 0, SHOWN + 1).await?;
            out.usulan = Some(Proposal {
                diusulkan: p.jumlah,
                kebutuhan: p.jumlah_formasi,
                belum_mendapat_formasi: p.tidak_ditempatkan,
                per_unit,
                per_kategori,
                terpotong: lines.len() as u64 > SHOWN,
                calon: lines
                    .into_iter()
                    .take(SHOWN as usize)
                    .zip(1..)
                    .map(|((l, nama), no)| Proposed {
                        no,
                        nik: l.nik.masked(),
                        nama,
                        unit_kerja: l.unit_kerja.unwrap_or_default(),
                        jabatan: l.jabatan.unwrap_or_default(),
                        kode_formasi: l.kode_formasi.unwrap_or_default(),
                    })
                    .collect(),
            });
        }
        Subject::Lowongan(vac) => {
            out.unduhan = offered(false);
            out.daftar_pendek = Some(Shortlist {
                kandidat: vac.kandidat.iter().map(shortlisted).collect(),
                jabatan: vac.jabatan,
                unit_kerja: vac.unit_kerja,
                dinilai: vac.jumlah_dinilai,
            });
        }
        Subject::PerubahanAturan(c) => {
            out.perubahan = Some(c);
        }
        Subject::Sanggah(_) | Subject::Bebas {} => {}
    }
    Ok(out)
}

/// The files the details page offers: the lists and documents of a proposal, or the TPK
/// minutes of a vacancy.
fn offered(proposal: bool) -> Vec<String> {
    use super::lists::ListKind;
    use crate::documents::DocumentKind;
    if !proposal {
        return vec![format!("{}.pdf", DocumentKind::BeritaAcaraTpk.code())];
    }
    ListKind::ALL
        .iter()
        .filter(|k| **k != ListKind::RekapPengisian)
        .map(|k| format!("{}.xlsx", k.code()))
        .chain(
            DocumentKind::ALL
                .iter()
                .filter(|k| !k.is_job_fill())
                .map(|k| format!("{}.pdf", k.code())),
        )
        .collect()
}

/// Writes file `name` of the offer behind link `raw` into folder `dir` (identifiers masked)
/// and returns its path; a name not on offer is not found (and never becomes a path).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn download(
    app: &App,
    raw: &str,
    name: &str,
    dir: &Path,
) -> Result<std::path::PathBuf, ServiceError> {
    use super::lists::ListKind;
    use crate::documents::DocumentKind;
    let v = open_link(app, raw).await?;
    let subject = v.row.subjek.read().map_err(ServiceError::internal)?;
    let on_offer = match &subject {
        Subject::Penempatan(_) => offered(true),
        Subject::Lowongan(_) => offered(false),
        _ => Vec::new(),
    };
    if !on_offer.iter().any(|n| n == name) {
        return Err(ServiceError::not_found(
            crate::service::Sought::Subject,
            name,
        ));
    }
    let path = dir.join(name);
    let path = path.as_path();
    // The person the link was sent to draws the file (a final's number is audited for them).
    let by = crate::service::ground::audit::Actor {
        orang: v.code.orang.clone(),
        dari: "tautan".to_owned(),
    };
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    match (subject, ext) {
        (Subject::Penempatan(p), "xlsx") => {
            let kind = ListKind::parse(stem)
                .ok_or_else(|| ServiceError::not_found(crate::service::Sought::Subject, name))?;
            super::lists::export(app, kind, Some(&p.id), path, false).await?;
        }
        (Subject::Penempatan(p), "pdf") => {
            let kind = DocumentKind::parse(stem)
                .ok_or_else(|| ServiceError::not_found(crate::service::Sought::Subject, name))?;
            super::documents::write_as(app, kind, Some(&v.row.id), Some(&p.id), path, &by).await?;
        }
        (Subject::Lowongan(_), "pdf") => {
            super::documents::write_as(
                app,
                DocumentKind::BeritaAcaraTpk,
                Some(&v.row.id),
                None,
                path,
                &by,
            )
            .await?;
        }
        _ => {
            return Err(ServiceError::not_found(
                crate::service::Sought::Subject,
                name,
            ));
        }
    }
    Ok(path.to_path_buf())
}

/// The shortlist of vacancy `v` as a workbook at `path` (NIP masked), as the TPK receives it.
pub fn shortlist_workbook(
    v: &crate::domain::VacancySubject,
    path: &Path,
) -> Result<(), ServiceError> {
    write_shortlist(
        &Shortlist {
            kandidat: v.kandidat.iter().map(shortlisted).collect(),
            jabatan: v.jabatan.clone(),
            unit_kerja: v.unit_kerja.clone(),
            dinilai: v.jumlah_dinilai,
        },
        path,
    )
}

fn write_shortlist(s: &Shortlist, path: &Path) -> Result<(), ServiceError> {
    let mut out = TableWriter::create(
        path,
        "Daftar pendek",
        &[
            "peringkat",
            "nama",
            "nip",
            "kotak_talenta",
            "predikat",
            "hasil",
            "alasan",
        ],
        &[10.0, 30.0, 22.0, 14.0, 30.0, 18.0, 80.0],
    )?;
    for k in &s.kandidat {
        out.row(&[
            k.peringkat
                .map_or(Value::Empty, |p| Value::Number(f64::from(p))),
            k.nama.clone().into(),
            k.nip.clone().into(),
            Value::Number(k.kotak_talenta as f64),
            k.predikat.join(", ").into(),
            k.hasil.clone().into(),
            k.alasan.join("; ").into(),
        ])?;
    }
    out.finish(&[Section {
        title: format!("Daftar pendek {} — {}", s.jabatan, s.unit_kerja),
        header: vec!["".into(), "Jumlah".into()],
        rows: vec![
            vec!["Pegawai dinilai".into(), Value::Number(s.dinilai as f64)],
            vec![
                "Daftar pendek".into(),
                Value::Number(s.kandidat.len() as f64),
            ],
        ],
    }])?;
    Ok(())
}

/// The same lists as a workbook at `path` (every proposed candidate, NIK masked).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn workbook(app: &App, raw: &str, path: &Path) -> Result<(), ServiceError> {
    let d = details(app, raw).await?;
    let n = |v: u64| Value::Number(v as f64);
    if let Some(s) = &d.daftar_pendek {
        return write_shortlist(s, path);
    }
    let Some(u) = &d.usulan else {
        let out = TableWriter::create(path, "Rincian", &["keterangan"], &[60.0])?;
        out.finish(&[])?;
        return Ok(());
    };
    let v = open_link(app, raw).await?;
    let Subject::Penempatan(p) = v.row.subjek.read().map_err(ServiceError::internal)? else {
        return Ok(());
    };
    let mut out = TableWriter::create(
        path,
        "Usulan",
        &["no", "nik", "nama", "unit_kerja", "jabatan", "kode_formasi"],
        &[8.0, 20.0, 30.0, 12.0, 36.0, 16.0],
    )?;
    let mut after = 0;
    let mut no = 0;
    loop {
        let page = app.store.placement_page(&p.id, true, after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.0.urutan;
        for (l, nama) in &page {
            no += 1;
            out.row(&[
                n(no),
                l.nik.masked().into(),
                nama.clone().into(),
                l.unit_kerja.clone().unwrap_or_default().into(),
                l.jabatan.clone().unwrap_or_default().into(),
                l.kode_formasi.clone().unwrap_or_default().into(),
            ])?;
        }
    }
    let recap_rows = |rows: &[RecapRow]| {
        rows.iter()
            .map(|r| {
                vec![
                    r.kode.clone().into(),
                    r.nama.clone().into(),
                    n(r.kebutuhan),
                    n(r.diusulkan),
                ]
            })
            .collect()
    };
    let header = || {
        vec![
            "Kode".into(),
            "Nama".into(),
            "Kebutuhan".into(),
            "Diusulkan".into(),
        ]
    };
    out.finish(&[
        Section {
            title: format!("{} — {}", d.judul, d.kode),
            header: vec!["".into(), "Jumlah".into()],
            rows: vec![
                vec!["Diusulkan".into(), n(u.diusulkan)],
                vec!["Kebutuhan formasi".into(), n(u.kebutuhan)],
                vec!["Belum mendapat formasi".into(), n(u.belum_mendapat_formasi)],
            ],
        },
        Section {
            title: "Rekap per unit kerja".into(),
            header: header(),
            rows: recap_rows(&u.per_unit),
        },
        Section {
            title: "Rekap per kategori jabatan".into(),
            header: header(),
            rows: recap_rows(&u.per_kategori),
        },
    ])?;
    Ok(())
}
