//! Job-fill from the talent pool (domain.md 8.4 WF-3): record a vacancy, screen every employee
//! against the `pengisian_jabatan` ruleset, rank, shortlist the best three, and start the
//! `pengisian_jabatan` workflow on it.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use super::{App, Prerequisite, ServiceError};
use crate::{
    domain::{AlasanLowongan, Employee, Hasil, Jenjang, RuleVerdict, Vacancy},
    rules::{self, SubjectKind},
};

/// The workflow a vacancy starts.
pub const JOB_FILL_WORKFLOW: &str = "pengisian_jabatan";

/// How many candidates the shortlist holds.
const SHORTLIST: usize = 3;

/// A vacancy to open.
#[derive(Debug, Clone)]
pub struct VacancyRequest {
    /// Level.
    pub jenjang: Jenjang,
    /// Unit code.
    pub unit: String,
    /// Position title.
    pub jabatan: String,
    /// Reason.
    pub alasan: AlasanLowongan,
    /// When it is to be filled (default: today).
    pub tanggal: Option<NaiveDate>,
}

/// One employee considered.
#[derive(Debug, Clone, Serialize)]
pub struct Kandidat {
    /// NIP.
    pub nip: String,
    /// Name.
    pub nama: String,
    /// Outcome.
    pub hasil: Hasil,
    /// 9-box.
    pub kotak_talenta: i64,
    /// Rules failed.
    pub aturan_gagal: Vec<String>,
    /// Rules asking for review (or in error).
    pub aturan_tinjau: Vec<String>,
    /// Rank among those not ineligible (1 = best).
    pub peringkat: Option<u32>,
    /// Reasons, one per rule that did not pass.
    pub alasan: Vec<String>,
}

/// The outcome of `vacancy open`.
#[derive(Debug, Clone, Serialize)]
pub struct VacancyReport {
    /// Vacancy id.
    pub lowongan_id: String,
    /// The job-fill instance, when the shortlist is not empty.
    pub instance_id: Option<String>,
    /// NIPs, best first.
    pub shortlist: Vec<String>,
    /// Everyone not ineligible first (ranked), then the ineligible.
    pub kandidat: Vec<Kandidat>,
}

/// Opens a vacancy and starts its workflow.
pub async fn open(
    app: &App,
    req: &VacancyRequest,
    by: &str,
) -> Result<VacancyReport, ServiceError> {
    if req.unit.trim().is_empty() || req.jabatan.trim().is_empty() {
        return Err(ServiceError::value(
            "lowongan",
            "unit kerja dan nama jabatan lowongan wajib diisi",
        ));
    }
    let catalog = super::definitions::of(app).await?.compiled();
    let rs = catalog
        .all()
        .find(|r| r.subjek == SubjectKind::Pegawai && r.id == JOB_FILL_WORKFLOW)
        .or_else(|| catalog.all().find(|r| r.subjek == SubjectKind::Pegawai))
        .cloned()
        .ok_or_else(|| ServiceError::missing(Prerequisite::JobFillRuleset))?;
    let now = app.clock.now();
    let tanggal = req
        .tanggal
        .unwrap_or_else(|| now.with_timezone(&app.settings.timezone).date_naive());
    let vacancy = Arc::new(Vacancy {
        jenjang: req.jenjang,
        unit_kerja: req.unit.trim().to_owned(),
        jabatan: req.jabatan.trim().to_owned(),
        tanggal,
        alasan: req.alasan,
    });
    let employees: Vec<Arc<Employee>> = app
        .store
        .employees()
        .await?
        .into_iter()
        .map(Arc::new)
        .collect();
    if employees.is_empty() {
        return Err(ServiceError::missing(Prerequisite::Employees));
    }
    let (rs2, emp2, vac2) = (rs.clone(), employees.clone(), vacancy.clone());
    let evaluations = tokio::task::spawn_blocking(move || {
        rules::evaluate_employees(&rs2, &emp2, &vac2, rules::worker_threads())
    })
    .await
    .map_err(|e| ServiceError::unexpected("evaluasi pegawai", e))?;
    let mut considered: Vec<(Arc<Employee>, Kandidat)> = employees
        .iter()
        .zip(evaluations)
        .map(|(e, ev)| {
            let mut gagal = Vec::new();
            let mut tinjau = Vec::new();
            let mut alasan = Vec::new();
            for (rule, v) in rs.rules.iter().zip(&ev.verdicts) {
                match v {
                    RuleVerdict::Lolos => {}
                    RuleVerdict::Gagal(r) => {
                        gagal.push(rule.id.clone());
                        alasan.push(format!("{}: {r}", rule.id));
                    }
                    RuleVerdict::Tinjau(r) | RuleVerdict::Kesalahan(r) => {
                        tinjau.push(rule.id.clone());
                        alasan.push(format!("{}: {r}", rule.id));
                    }
                }
            }
            (
                e.clone(),
                Kandidat {
                    nip: e.nip.to_string(),
                    nama: e.nama.clone(),
                    hasil: ev.hasil,
                    kotak_talenta: e.kotak_talenta.number(),
                    aturan_gagal: gagal,
                    aturan_tinjau: tinjau,
                    peringkat: None,
                    alasan,
                },
            )
        })
        .collect();
    // Eligible before needing verification; then box, last two ratings, longer at the level,
    // and NIP so that the order is total.
    let outcome_rank = |h: Hasil| match h {
        Hasil::Layak => 0,
        Hasil::PerluVerifikasi => 1,
        Hasil::TidakLayak => 2,
    };
    considered.sort_by(|(ea, a), (eb, b)| {
        outcome_rank(a.hasil)
            .cmp(&outcome_rank(b.hasil))
            .then(b.kotak_talenta.cmp(&a.kotak_talenta))
            .then(eb.predikat_1.score().cmp(&ea.predikat_1.score()))
            .then(eb.predikat_2.score().cmp(&ea.predikat_2.score()))
            .then(ea.tmt_jenjang.cmp(&eb.tmt_jenjang))
            .then(a.nip.cmp(&b.nip))
    });
    let mut rank = 0;
    for (_, k) in &mut considered {
        if k.hasil != Hasil::TidakLayak {
            rank += 1;
            k.peringkat = Some(rank);
        }
    }
    let kandidat: Vec<Kandidat> = considered.into_iter().map(|(_, k)| k).collect();
    let shortlist: Vec<String> = kandidat
        .iter()
        .filter(|k| k.hasil != Hasil::TidakLayak)
        .take(SHORTLIST)
        .map(|k| k.nip.clone())
        .collect();
    let id = uuid::Uuid::now_v7().to_string();
    let top: Vec<&Kandidat> = kandidat
        .iter()
        .filter(|k| k.hasil != Hasil::TidakLayak)
        .take(SHORTLIST)
        .collect();
    let emails: serde_json::Map<String, serde_json::Value> =
        considered_emails(&employees, &shortlist);
    let subject = json!({
        "jenis": "lowongan",
        "id": id,
        "jenjang": vacancy.jenjang.code(),
        "unit_kerja": vacancy.unit_kerja,
        "jabatan": vacancy.jabatan,
        "alasan": vacancy.alasan.code(),
        "tanggal": tanggal.to_string(),
        "ruleset": rs.id,
        "versi_aturan": rs.version,
        "shortlist": shortlist,
        "kandidat": top,
        "jumlah_dinilai": kandidat.len(),
        "email_kandidat": emails,
    });
    app.store
        .save_vacancy(
            &id,
            vacancy.jenjang.code(),
            &vacancy.unit_kerja,
            &vacancy.jabatan,
            vacancy.alasan.code(),
            tanggal,
            &rs.version,
            &subject,
            by,
            now.timestamp_millis(),
        )
        .await?;
    let instance_id = if shortlist.is_empty() {
        None
    } else {
        let inst =
            super::workflow::start(app, JOB_FILL_WORKFLOW, Some(&format!("lowongan:{id}")), by)
                .await?;
        app.store.set_vacancy_instance(&id, &inst).await?;
        Some(inst)
    };
    Ok(VacancyReport {
        lowongan_id: id,
        instance_id,
        shortlist,
        kandidat,
    })
}

/// The email addresses of the shortlisted, by NIP (so the appointee can be told).
fn considered_emails(
    employees: &[Arc<Employee>],
    shortlist: &[String],
) -> serde_json::Map<String, serde_json::Value> {
    employees
        .iter()
        .filter_map(|e| {
            let nip = e.nip.to_string();
            let email = e.email.as_ref()?;
            shortlist
                .contains(&nip)
                .then(|| (nip, serde_json::Value::String(email.clone())))
        })
        .collect()
}
