//! Job-fill from the talent pool (domain.md 8.4 WF-3): record a vacancy, screen every employee
//! against the `pengisian_jabatan` ruleset, rank, shortlist the best three, and start the
//! `pengisian_jabatan` workflow on it.

use std::{collections::BTreeMap, sync::Arc};

use chrono::NaiveDate;
use serde::Serialize;

use crate::service::{App, Prerequisite, ServiceError, ground::audit::Actor};
use crate::{
    domain::{AlasanLowongan, Employee, Jenjang, Kandidat, Subject, Vacancy, VacancySubject},
    jobfill,
    rules::{self, Ruleset, SubjectKind},
};

/// The workflow a vacancy starts.
pub const JOB_FILL_WORKFLOW: &str = "pengisian_jabatan";

/// A vacancy to open.
#[derive(Debug, Clone)]
pub struct VacancyRequest {
    /// The position's level (`pelaksana`, `pengawas`, `administrator`, `jpt_pratama`, …).
    pub jenjang: Jenjang,
    /// Unit code.
    pub unit: String,
    /// The vacant position's name.
    pub jabatan: String,
    /// Why it is vacant (`pensiun`, `mutasi`, …).
    pub alasan: AlasanLowongan,
    /// When it is to be filled (default: today).
    pub tanggal: Option<NaiveDate>,
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

/// Opens a vacancy and starts its workflow: read the employees, judge them with the job-fill
/// ruleset, rank them (`jobfill`), record the vacancy with its ranked subject, and start the
/// approval workflow on the shortlist.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open(
    app: &App,
    req: &VacancyRequest,
    actor: &Actor,
) -> Result<VacancyReport, ServiceError> {
    if req.unit.trim().is_empty() || req.jabatan.trim().is_empty() {
        return Err(ServiceError::value(
            "lowongan",
            "unit kerja dan nama jabatan lowongan wajib diisi",
        ));
    }
    let rs = job_fill_ruleset(app).await?;
    let now = app.clock.now();
    let vacancy = Arc::new(Vacancy {
        jenjang: req.jenjang,
        unit_kerja: req.unit.trim().to_owned(),
        jabatan: req.jabatan.trim().to_owned(),
        tanggal: req
            .tanggal
            .unwrap_or_else(|| now.with_timezone(&app.settings.timezone).date_naive()),
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
    let kandidat = judge_and_rank(&rs, &employees, &vacancy).await?;
    let id = uuid::Uuid::now_v7().to_string();
    let mut subject = vacancy_subject(&id, &vacancy, &rs, &kandidat, &employees);
    // The unit by its name where the formations know it, so prompts and minutes read
    // "Dinas Pendidikan" rather than a code.
    subject.nama_unit = app
        .store
        .formation_needs_per_unit()
        .await?
        .into_iter()
        .find(|(code, name, _)| *code == vacancy.unit_kerja && !name.is_empty())
        .map(|(_, name, _)| name);
    let stamp = crate::service::ground::audit::stamp(
        app,
        actor,
        crate::domain::Action::Lowongan,
        &id,
        &req.jabatan,
    )
    .await?;
    app.store
        .save_vacancy(
            &id,
            vacancy.jenjang.code(),
            &vacancy.unit_kerja,
            &vacancy.jabatan,
            vacancy.alasan.code(),
            vacancy.tanggal,
            &rs.version,
            &serde_json::to_value(Subject::Lowongan(subject.clone()))
                .map_err(|e| ServiceError::unexpected("subjek lowongan", e))?,
            &actor.orang,
            now.timestamp_millis(),
            &stamp,
        )
        .await?;
    let instance_id = if subject.shortlist.is_empty() {
        None
    } else {
        let inst = super::start_unaudited(
            app,
            JOB_FILL_WORKFLOW,
            Some(&format!("lowongan:{id}")),
            &actor.orang,
        )
        .await?;
        app.store.set_vacancy_instance(&id, &inst).await?;
        Some(inst)
    };
    Ok(VacancyReport {
        lowongan_id: id,
        instance_id,
        shortlist: subject.shortlist,
        kandidat,
    })
}

/// The job-fill ruleset in force: `pengisian_jabatan`, else the only employee ruleset.
async fn job_fill_ruleset(app: &App) -> Result<Arc<Ruleset>, ServiceError> {
    let catalog = crate::service::ground::definitions::read(app, |d| d.compiled()).await?;
    catalog
        .all()
        .find(|r| r.subjek == SubjectKind::Pegawai && r.id == JOB_FILL_WORKFLOW)
        .or_else(|| catalog.all().find(|r| r.subjek == SubjectKind::Pegawai))
        .cloned()
        .ok_or_else(|| ServiceError::missing(Prerequisite::JobFillRuleset))
}

/// Every employee judged by `rs` on every core, then ranked.
async fn judge_and_rank(
    rs: &Arc<Ruleset>,
    employees: &[Arc<Employee>],
    vacancy: &Arc<Vacancy>,
) -> Result<Vec<Kandidat>, ServiceError> {
    let (rs, employees, vacancy) = (rs.clone(), employees.to_vec(), vacancy.clone());
    tokio::task::spawn_blocking(move || {
        let evaluations =
            rules::evaluate_employees(&rs, &employees, &vacancy, rules::worker_threads());
        let ids: Vec<&str> = rs.rules.iter().map(|r| r.id.as_str()).collect();
        let judged = employees
            .iter()
            .zip(&evaluations)
            .map(|(e, ev)| jobfill::Judged {
                employee: e,
                hasil: ev.hasil,
                verdicts: &ev.verdicts,
            })
            .collect();
        jobfill::rank(&ids, judged)
    })
    .await
    .map_err(|e| ServiceError::unexpected("evaluasi pegawai", e))
}

/// What the workflow and its messages see of the vacancy: the shortlist and how to reach them.
fn vacancy_subject(
    id: &str,
    vacancy: &Vacancy,
    rs: &Ruleset,
    ranked: &[Kandidat],
    employees: &[Arc<Employee>],
) -> VacancySubject {
    let top = jobfill::shortlist(ranked);
    let shortlist: Vec<String> = top.iter().map(|k| k.nip.clone()).collect();
    VacancySubject {
        id: id.to_owned(),
        jenjang: vacancy.jenjang.code().to_owned(),
        unit_kerja: vacancy.unit_kerja.clone(),
        nama_unit: None,
        jabatan: vacancy.jabatan.clone(),
        alasan: vacancy.alasan.code().to_owned(),
        tanggal: vacancy.tanggal.to_string(),
        ruleset: rs.id.clone(),
        versi_aturan: rs.version.clone(),
        email_kandidat: considered_emails(employees, &shortlist),
        shortlist,
        kandidat: top,
        jumlah_dinilai: ranked.len(),
    }
}

/// The email addresses of the shortlisted, by NIP (so each can be told the outcome).
fn considered_emails(
    employees: &[Arc<Employee>],
    shortlist: &[String],
) -> BTreeMap<String, String> {
    employees
        .iter()
        .filter_map(|e| {
            let nip = e.nip.to_string();
            let email = e.email.as_ref()?;
            shortlist.contains(&nip).then(|| (nip, email.clone()))
        })
        .collect()
}
