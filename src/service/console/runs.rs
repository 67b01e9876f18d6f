//! Penyaringan: runs with their status and counts, one run with its progress and per-rule
//! failures, a comparison of two runs, and starting a run in the background.

use serde::Serialize;

use super::{dashboard::Bar, percent};
use crate::service::ground::when;
use crate::{
    screening::{Run, RunStatus},
    service::{
        App, ServiceError, Sought,
        audit::Actor,
        placement,
        screening::{self, ScreenOptions},
    },
};

/// A run in the list.
#[derive(Debug, Clone, Serialize)]
pub struct RunRow {
    /// The run's UUID (v7), as in the run's page address and `merit runs`.
    pub id: String,
    /// As people name it: `Penyaringan 7 Desember 2026 pukul 02.00 (versi 3)`.
    pub nama: String,
    /// The id of the ruleset the run judged with.
    pub ruleset: String,
    /// The ruleset version in words: `versi 3 (sidik 05851349a1933e75)`.
    pub versi: String,
    /// `berjalan` (running or to resume), `selesai` (finished) or `gagal` (stopped for good).
    pub status: &'static str,
    /// When the run began, as `30 November 2026 pukul 09.15 WIB`.
    pub dimulai: String,
    /// Who started it: an account's e-mail, `cli:USER`, or `sistem` (`oleh` = by whom).
    pub dibuat_oleh: String,
    /// Candidates judged so far (final once `selesai`).
    pub total: u64,
    /// Of those, judged `layak` (eligible).
    pub layak: u64,
    /// Of those, judged `tidak_layak` (ineligible).
    pub tidak_layak: u64,
    /// Of those, left `perlu_verifikasi` for a verifier to review.
    pub perlu_verifikasi: u64,
}

/// The numbering of every ruleset's published versions, read once per page.
#[derive(Default)]
struct Names(std::collections::HashMap<String, crate::service::ground::versions::Numbering>);

impl Names {
    async fn of(app: &App, runs: &[&Run]) -> Result<Self, ServiceError> {
        let mut out = Self::default();
        for r in runs {
            if !out.0.contains_key(&r.ruleset) {
                let n = crate::service::ground::versions::numbering(app, &r.ruleset).await?;
                out.0.insert(r.ruleset.clone(), n);
            }
        }
        Ok(out)
    }

    fn version(&self, r: &Run) -> crate::service::ground::versions::VersionName {
        self.0.get(&r.ruleset).map_or_else(
            || crate::service::ground::versions::VersionName {
                nomor: None,
                sidik: r.versi.clone(),
            },
            |n| n.name(&r.versi, Some(r.dibuat_ms)),
        )
    }
}

fn row(app: &App, names: &Names, r: &Run) -> RunRow {
    let version = names.version(r);
    RunRow {
        id: r.id.clone(),
        nama: super::run_name(r, app.settings.timezone, &version),
        ruleset: r.ruleset.clone(),
        versi: version.label(),
        status: r.status.code(),
        dimulai: when(r.dibuat_ms, app.settings.timezone),
        dibuat_oleh: r.dibuat_oleh.clone(),
        total: r.hasil.total,
        layak: r.hasil.layak,
        tidak_layak: r.hasil.tidak_layak,
        perlu_verifikasi: r.hasil.perlu_verifikasi,
    }
}

/// Every run, newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(app: &App) -> Result<Vec<RunRow>, ServiceError> {
    let runs = screening::runs(app).await?;
    let names = Names::of(app, &runs.iter().collect::<Vec<_>>()).await?;
    Ok(runs.iter().map(|r| row(app, &names, r)).collect())
}

/// One run.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    /// The run as listed (flattened into this object when serialised).
    #[serde(flatten)]
    pub run: RunRow,
    /// Still running: chunks done of all, candidates decided of all.
    pub berjalan: bool,
    /// Chunks (`potongan`) finished.
    pub potongan_selesai: u64,
    /// Chunks planned for the run in all.
    pub potongan_total: u64,
    /// Candidates in the finished chunks.
    pub calon_selesai: u64,
    /// Candidates in all the run's chunks.
    pub calon_total: u64,
    /// `calon_selesai` of `calon_total` in percent, 0–100.
    pub persen: u64,
    /// When it ended, in words, and how long it took.
    pub selesai: Option<String>,
    /// How long it ran, `3 menit 12 detik` style; `None` while it runs.
    pub durasi: Option<String>,
    /// Why the run stopped for good; `None` unless its status is `gagal`.
    pub alasan_gagal: Option<String>,
    /// Failures per rule.
    pub per_aturan: Vec<Bar>,
    /// Other runs to compare with.
    pub lainnya: Vec<String>,
    /// The same runs with their names: (id, name).
    pub lainnya_nama: Vec<(String, String)>,
    /// The comparison asked for.
    pub banding: Option<Comparison>,
}

/// Two runs compared.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The other (earlier-side) run's id.
    pub dengan: String,
    /// The other run's name.
    pub dengan_nama: String,
    /// Candidates judged in both runs and compared.
    pub dibandingkan: u64,
    /// Candidates whose outcome differs between the two runs.
    pub berubah: u64,
    /// `layak → tidak_layak` and their counts.
    pub perpindahan: Vec<(String, u64)>,
    /// Per rule: candidates whose result changed.
    pub per_aturan: Vec<(String, u64)>,
    /// The same with each rule's id and title (`PW-01 Usia`).
    pub per_aturan_judul: Vec<(String, u64)>,
    /// Some changed candidates (masked NIK): name, before, after, reasons.
    pub contoh: Vec<Changed>,
}

/// A candidate whose outcome changed.
#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    /// The candidate's NIK, masked to the last four digits.
    pub nik: String,
    /// The candidate's name from the imported data; empty when unknown.
    pub nama: String,
    /// The outcome code in the other run (`layak`, `tidak_layak`, `perlu_verifikasi`), or `-`.
    pub sebelum: String,
    /// The outcome code in this run, or `-` when it did not judge the candidate.
    pub sesudah: String,
    /// The rules whose verdict changed, each as `ID Title` (the id alone when untitled).
    pub aturan: Vec<String>,
}

fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1_000;
    match s {
        0 => "kurang dari 1 detik".to_owned(),
        1..60 => format!("{s} detik"),
        60..3_600 => format!("{} menit {} detik", s / 60, s % 60),
        _ => format!("{} jam {} menit", s / 3_600, (s % 3_600) / 60),
    }
}

/// One run, compared with `banding` when asked.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn detail(app: &App, id: &str, banding: Option<&str>) -> Result<Detail, ServiceError> {
    let run = app
        .store
        .run(id)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Screening, id))?;
    let progress = app.store.chunk_progress(&run.id).await?;
    let titles = placement::rule_titles(app, &run).await;
    let mut failures: Vec<(String, u64)> = run
        .hasil
        .gagal_per_aturan
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    failures.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let longest = failures.first().map_or(0, |f| f.1);
    let per_aturan = failures
        .into_iter()
        .map(|(id, n)| Bar {
            label: titles
                .get(&id)
                .map_or_else(|| id.clone(), |j| format!("{id} {j}")),
            nilai: n,
            persen: percent(n, longest),
        })
        .collect();
    let named = super::RunNames::load(app).await?;
    let lainnya_nama: Vec<(String, String)> = app
        .store
        .runs()
        .await?
        .into_iter()
        .filter(|r| r.id != run.id && r.status == RunStatus::Selesai)
        .map(|r| {
            let n = named.of(&r);
            (r.id, n)
        })
        .take(20)
        .collect();
    let lainnya = lainnya_nama.iter().map(|(id, _)| id.clone()).collect();
    let banding = match banding.filter(|b| !b.is_empty()) {
        Some(other) => Some(compare(app, other, &run.id, &named, &titles).await?),
        None => None,
    };
    let tz = app.settings.timezone;
    let names = Names::of(app, &[&run]).await?;
    Ok(Detail {
        berjalan: run.status == RunStatus::Berjalan,
        potongan_selesai: progress.selesai,
        potongan_total: progress.total,
        calon_selesai: progress.calon_selesai,
        calon_total: progress.calon_total,
        persen: percent(progress.calon_selesai, progress.calon_total),
        selesai: run.selesai_ms.map(|t| when(t, tz)),
        durasi: run.selesai_ms.map(|t| duration(t - run.dibuat_ms)),
        alasan_gagal: run.alasan_gagal.clone(),
        per_aturan,
        lainnya,
        lainnya_nama,
        banding,
        run: row(app, &names, &run),
    })
}

async fn compare(
    app: &App,
    before: &str,
    after: &str,
    named: &super::RunNames,
    titles: &std::collections::BTreeMap<String, String>,
) -> Result<Comparison, ServiceError> {
    let (_, _, report) = screening::diff(app, before, after).await?;
    let niks: Vec<crate::domain::Nik> = report.perubahan.iter().map(|c| c.nik).collect();
    let names = screening::names(app, &niks).await?;
    let titled = |id: &str| {
        titles
            .get(id)
            .map_or_else(|| id.to_owned(), |j| format!("{id} {j}"))
    };
    Ok(Comparison {
        dengan: before.to_owned(),
        dengan_nama: named.name(before),
        dibandingkan: report.dibandingkan,
        berubah: report.berubah,
        perpindahan: report.perpindahan.into_iter().collect(),
        per_aturan_judul: report
            .per_aturan
            .iter()
            .map(|(k, n)| (titled(k), *n))
            .collect(),
        per_aturan: report.per_aturan.into_iter().collect(),
        contoh: report
            .perubahan
            .iter()
            .map(|c| Changed {
                nik: c.nik.masked(),
                nama: names.get(&c.nik).cloned().unwrap_or_default(),
                sebelum: c
                    .hasil_sebelum
                    .map_or_else(|| "-".to_owned(), |h| h.code().to_owned()),
                sesudah: c
                    .hasil_sesudah
                    .map_or_else(|| "-".to_owned(), |h| h.code().to_owned()),
                aturan: c.aturan.iter().map(|a| titled(&a.id)).collect(),
            })
            .collect(),
    })
}

/// Starts (or joins) a screening run in the background; returns its id once the run exists,
/// or none when it could not start (the error is logged and audited nowhere else).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn start(app: &App, actor: &Actor) -> Result<Option<String>, ServiceError> {
    if let Some(r) = app.store.any_unfinished_run().await? {
        return Ok(Some(r.id));
    }
    let (bg, actor) = (app.clone(), actor.clone());
    let (started, mut run_id) = tokio::sync::watch::channel(None);
    tokio::spawn(async move {
        let opts = ScreenOptions {
            ruleset: None,
            actor,
            progress: None,
            stop: None,
            started: Some(started),
        };
        if let Err(e) = screening::screen(&bg, &opts).await {
            tracing::error!("penyaringan dari konsol gagal: {e}");
        }
    });
    // The run exists once its chunks are planned; a run that fails before that drops the
    // sender, and the error is logged above.
    Ok(run_id
        .wait_for(Option::is_some)
        .await
        .ok()
        .and_then(|id| id.clone()))
}
