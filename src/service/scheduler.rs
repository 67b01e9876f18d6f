//! The scheduled jobs (interfaces.md 1): `penyaringan` (screen, then tell `ADMIN`), `pengingat`
//! (deadlines, reminders, escalations) and `ringkasan` (a daily digest to `ADMIN`). Fire times are
//! cron lines read in the configured time zone. Each occurrence is claimed in the database before
//! it runs, so it runs once however many processes share the database; an occurrence missed
//! while nothing ran is run once (the latest one) at the next check.

use std::{str::FromStr, sync::Arc, sync::atomic::AtomicBool};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::{App, ServiceError, ground::notices::tell_admins, screening, workflow};
use crate::domain::{Content, Notice, format_datetime_id};

/// A job to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Screening run.
    Penyaringan,
    /// Workflow timers.
    Pengingat,
    /// Daily digest.
    Ringkasan,
}

impl Task {
    /// The configured name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Penyaringan => "penyaringan",
            Self::Pengingat => "pengingat",
            Self::Ringkasan => "ringkasan",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Penyaringan => {
                "penyaringan semua calon, lalu ringkasan kepada administrator merit"
            }
            Self::Pengingat => "tenggat, pengingat, dan eskalasi alur persetujuan",
            Self::Ringkasan => "ringkasan harian kepada administrator merit",
        }
    }
}

/// A configured job.
#[derive(Debug, Clone)]
pub struct Job {
    /// What it does.
    pub task: Task,
    /// Its cron line (six fields).
    pub line: String,
    /// Parsed schedule.
    pub schedule: cron::Schedule,
    /// Ruleset for screening.
    pub ruleset: Option<String>,
}

/// The jobs of the settings.
pub fn jobs(settings: &crate::config::Settings) -> Result<Vec<Job>, ServiceError> {
    settings
        .schedules
        .iter()
        .map(|s| {
            let task = match s.task.as_str() {
                "penyaringan" => Task::Penyaringan,
                "pengingat" => Task::Pengingat,
                "ringkasan" => Task::Ringkasan,
                other => {
                    return Err(ServiceError::value(
                        "jadwal",
                        format!(
                            "'{other}' tidak dikenal: pilih penyaringan, pengingat, atau ringkasan"
                        ),
                    ));
                }
            };
            let schedule = cron::Schedule::from_str(&s.cron).map_err(|e| {
                ServiceError::value(
                    format!("jadwal {}", s.task),
                    format!("baris cron '{}' tidak sah: {e}", s.cron),
                )
            })?;
            Ok(Job {
                task,
                line: s.cron.clone(),
                schedule,
                ruleset: s.ruleset.clone(),
            })
        })
        .collect()
}

/// The next `n` fire times of `job` after `after`, in `tz`.
pub fn upcoming(job: &Job, tz: Tz, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Tz>> {
    job.schedule
        .after(&after.with_timezone(&tz))
        .take(n)
        .collect()
}

/// A job listing for `schedule list`.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    /// Task.
    pub tugas: Task,
    /// What it does.
    pub keterangan: &'static str,
    /// Cron line.
    pub cron: String,
    /// Next five times, as people read them (`30 November 2026 pukul 02.00 WIB`).
    pub berikutnya: Vec<String>,
    /// The same, ISO 8601 with offset.
    pub berikutnya_iso: Vec<String>,
}

/// Each job with its next five times.
pub fn list(
    settings: &crate::config::Settings,
    now: DateTime<Utc>,
) -> Result<Vec<Listing>, ServiceError> {
    Ok(jobs(settings)?
        .iter()
        .map(|j| {
            let next = upcoming(j, settings.timezone, now, 5);
            Listing {
                tugas: j.task,
                keterangan: j.task.describe(),
                cron: j.line.clone(),
                berikutnya: next
                    .iter()
                    .map(|t| format_datetime_id(t.with_timezone(&Utc), settings.timezone))
                    .collect(),
                berikutnya_iso: next.iter().map(DateTime::to_rfc3339).collect(),
            }
        })
        .collect())
}

/// An occurrence this process ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fired {
    /// Task.
    pub tugas: Task,
    /// Its fire time.
    pub waktu: DateTime<Utc>,
    /// Whether it succeeded.
    pub berhasil: bool,
}

/// The latest fire time of `job` in `(after, now]`.
fn latest_due(
    job: &Job,
    tz: Tz,
    after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let mut last = None;
    for t in job
        .schedule
        .after(&after.with_timezone(&tz))
        .take(1_000_000)
    {
        let t = t.with_timezone(&Utc);
        if t > now {
            break;
        }
        last = Some(t);
    }
    last
}

/// Runs every occurrence due now that nobody has claimed. `stop` ends a screening run early
/// (it stays resumable).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn run_due(
    app: &App,
    jobs: &[Job],
    owner: &str,
    stop: Option<Arc<AtomicBool>>,
) -> Result<Vec<Fired>, ServiceError> {
    let mut fired = Vec::new();
    for job in jobs {
        let now = app.clock.now();
        let task = job.task.as_str();
        let horizon = match app.store.last_occurrence(task).await? {
            Some(ms) => crate::clock::from_ms(ms),
            None => {
                // First start: nothing before now counts as missed.
                let key = format!("jadwal_mulai_{task}");
                let first = app
                    .store
                    .setting_or_insert(&key, &now.timestamp_millis().to_string())
                    .await?;
                crate::clock::from_ms(first.parse().unwrap_or(now.timestamp_millis()))
            }
        };
        let Some(at) = latest_due(job, app.settings.timezone, horizon, now) else {
            continue;
        };
        if !app
            .store
            .claim_occurrence(task, at.timestamp_millis(), owner, now.timestamp_millis())
            .await?
        {
            if job.task == Task::Penyaringan {
                // Another process is starting this run: wait for it to appear, so that `help`
                // joins it from the start instead of a second later.
                for _ in 0..50 {
                    if app.store.any_unfinished_run().await?.is_some() {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
            continue;
        }
        tracing::info!(tugas = task, waktu = %at, "menjalankan tugas terjadwal");
        let result = run_task(app, job, stop.clone()).await;
        let (ok, text) = match &result {
            Ok(t) => (true, t.clone()),
            Err(e) => {
                tracing::error!(tugas = task, "tugas terjadwal gagal: {e}");
                (false, e.to_string())
            }
        };
        app.store
            .finish_occurrence(task, at.timestamp_millis(), ok, &text, app.clock.now_ms())
            .await?;
        fired.push(Fired {
            tugas: job.task,
            waktu: at,
            berhasil: ok,
        });
    }
    Ok(fired)
}

/// Helps with an unfinished screening run (one another process is running, or one a stopped
/// process left), when screening is scheduled here at all.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn help(
    app: &App,
    jobs: &[Job],
    stop: Option<Arc<AtomicBool>>,
) -> Result<Option<screening::ScreenReport>, ServiceError> {
    if !jobs.iter().any(|j| j.task == Task::Penyaringan) {
        return Ok(None);
    }
    let opts = screening::ScreenOptions {
        ruleset: None,
        actor: crate::service::ground::audit::Actor::schedule(),
        progress: None,
        stop,
        started: None,
    };
    screening::join(app, &opts).await
}

async fn run_task(
    app: &App,
    job: &Job,
    stop: Option<Arc<AtomicBool>>,
) -> Result<String, ServiceError> {
    match job.task {
        Task::Pengingat => {
            let r = workflow::tick(app).await?;
            Ok(serde_json::to_string(&r).unwrap_or_default())
        }
        Task::Penyaringan => {
            let opts = screening::ScreenOptions {
                ruleset: job.ruleset.clone(),
                actor: crate::service::ground::audit::Actor::schedule(),
                progress: None,
                stop,
                started: None,
            };
            let r = screening::screen(app, &opts).await?;
            let n = |v: u64| crate::domain::format_number_id(i64::try_from(v).unwrap_or(i64::MAX));
            let pesan = format!(
                "Dengan hormat, kami sampaikan bahwa penyaringan terjadwal dengan aturan {} (versi {}) {}: {} calon dinilai — {} layak, {} tidak layak, dan {} perlu verifikasi. Rincian dapat dilihat pada halaman Penyaringan di konsol merit.",
                r.ruleset,
                r.ruleset_version,
                if r.selesai {
                    "telah selesai"
                } else {
                    "dihentikan sementara dan akan dilanjutkan"
                },
                n(r.total),
                n(r.layak),
                n(r.tidak_layak),
                n(r.perlu_verifikasi),
            );
            tell_admins(
                app,
                None,
                &format!("penyaringan/{}", r.run_id),
                Content::PenyaringanSelesai(Notice {
                    pesan: pesan.clone(),
                }),
            )
            .await?;
            Ok(pesan)
        }
        Task::Ringkasan => {
            let now = app.clock.now();
            let open = app
                .store
                .instances(Some(crate::workflow::Status::Berjalan))
                .await?;
            let stats = app.store.outbox_stats(now.timestamp_millis()).await?;
            let overdue = app.store.overdue_instances().await?;
            let n = |v: i64| crate::domain::format_number_id(v);
            let mut pesan = format!(
                "Dengan hormat, kami sampaikan ringkasan per {}: {} tahap persetujuan sedang menunggu jawaban, {} di antaranya melewati batas waktu; {} pesan gagal terkirim dan {} pesan menunggu dikirim.",
                format_datetime_id(now, app.settings.timezone),
                n(i64::try_from(open.len()).unwrap_or(i64::MAX)),
                n(overdue),
                n(stats.gagal),
                n(stats.menunggu)
            );
            let (dir, _) = crate::service::ground::workflows::directory(app).await?;
            for i in open.iter().take(20) {
                let step = i.state.langkah_aktif.as_deref().unwrap_or_default();
                let (judul, langkah) =
                    crate::service::ground::workflows::titles(app, i, step).await?;
                let awaited: Vec<String> = i
                    .state
                    .kursi
                    .iter()
                    .filter(|s| s.keputusan.is_none())
                    .map(|s| {
                        dir.person(&s.orang)
                            .map_or_else(|| s.orang.clone(), |p| p.nama.clone())
                    })
                    .collect();
                pesan.push_str(&format!(
                    " — {judul}, tahap {}: menunggu {}.",
                    langkah.unwrap_or_else(|| step.to_owned()),
                    if awaited.is_empty() {
                        "penyetuju".to_owned()
                    } else {
                        awaited.join(", ")
                    }
                ));
            }
            // The head of the audit chain, to be kept outside the database: a later
            // `merit audit verify --anchor` shows entries removed or rewritten up to it.
            match super::audit::anchor(app).await {
                Ok(a) => pesan.push_str(&format!(
                    " Jangkar log audit: catatan {}, {}, hash {}. Simpan baris berikut di luar server sebagai berkas jangkar dan periksa kelak dengan merit audit verify --anchor BERKAS: {}",
                    crate::domain::format_number_id(a.urutan),
                    a.waktu,
                    a.hash,
                    serde_json::to_string(&a).unwrap_or_default()
                )),
                Err(e) => tracing::warn!("jangkar audit untuk ringkasan: {e}"),
            }
            let day = now.with_timezone(&app.settings.timezone).date_naive();
            tell_admins(
                app,
                None,
                &format!("ringkasan/{day}"),
                Content::Admin(Notice {
                    pesan: pesan.clone(),
                }),
            )
            .await?;
            Ok(pesan)
        }
    }
}
