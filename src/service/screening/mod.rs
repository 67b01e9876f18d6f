//! `merit screen`, `merit screen --dry-run`, `merit runs …`: screening runs over every candidate.
//!
//! A run is resumed by whichever process comes next; several processes share its chunks. Each
//! chunk is read, evaluated on every core, and persisted with its completion in one transaction.

pub mod correction;
pub mod verification;

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use super::{
    App, Prerequisite, Refusal, ServiceError, Sought,
    ground::{
        audit::Actor,
        rules::candidate_ruleset,
        runs::{existing_run, ruleset_of, version_of},
    },
};
use crate::{
    domain::{Candidate, Nik},
    progress::SharedProgress,
    rules::{self, Ruleset},
    screening::{self, CHUNK_SIZE, Decision, DiffReport, NIK_MAX, Run, RunStatus, Side, Tally},
    worker,
};

/// How long a claim on a chunk lasts before another process may take it over (a process that
/// died on this host is detected at once).
const LEASE_MS: i64 = 120_000;

/// Chunks one process works on at the same time (reading, evaluating and writing overlap).
const WORKERS: usize = 2;

/// What to screen.
#[derive(Debug, Clone)]
pub struct ScreenOptions {
    /// Ruleset id (default: the only candidate ruleset).
    pub ruleset: Option<String>,
    /// Who started it (audited; the run records `actor.orang`).
    pub actor: Actor,
    /// Candidates decided so far.
    pub progress: Option<SharedProgress>,
    /// Set to stop after the chunks in hand (graceful shutdown): the run stays resumable.
    pub stop: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// Told the run's id as soon as the run exists (started here or joined), so a caller that
    /// screens in the background can answer before the run ends.
    pub started: Option<tokio::sync::watch::Sender<Option<String>>>,
}

/// The outcome of `merit screen` (interfaces.md 3).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScreenReport {
    /// The run's UUID (v7), as `merit runs` and the console name it.
    pub run_id: String,
    /// The id of the ruleset the run judged with.
    pub ruleset: String,
    /// The fingerprint of the ruleset version (what every decision stores).
    pub ruleset_version: String,
    /// Its number among the published versions (`versi 3`); `None` when never published
    /// through merit (the built-in copies).
    pub ruleset_versi: Option<i64>,
    /// Decisions.
    pub total: u64,
    /// `layak`.
    pub layak: u64,
    /// `tidak_layak`.
    pub tidak_layak: u64,
    /// `perlu_verifikasi`.
    pub perlu_verifikasi: u64,
    /// Candidates failing each rule.
    pub gagal_per_aturan: std::collections::BTreeMap<String, u64>,
    /// Whether an interrupted run was resumed.
    pub dilanjutkan: bool,
    /// Whether the run finished (false only when stopped on request).
    pub selesai: bool,
    /// Where this process spent its time.
    pub durasi_ms: Timings,
    /// A run of one candidate (`--nik`): that candidate's outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hasil_calon: Option<String>,
}

/// Time spent by this process on a run, in milliseconds. Reading, evaluating and storing are
/// summed over the concurrent chunk workers, so together they may exceed the wall time.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Timings {
    /// Wall time, start to finish.
    pub total: u64,
    /// Reading candidates.
    pub baca: u64,
    /// Evaluating the ruleset (on every core).
    pub evaluasi: u64,
    /// Writing decisions and chunk completions.
    pub simpan: u64,
}

/// Accumulates [`Timings`] across workers.
#[derive(Debug, Default)]
struct Clocks {
    baca: AtomicU64,
    evaluasi: AtomicU64,
    simpan: AtomicU64,
}

impl Clocks {
    fn add(counter: &AtomicU64, since: Instant) {
        let ms = u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX);
        counter.fetch_add(ms, Ordering::Relaxed);
    }

    fn timings(&self, started: Instant) -> Timings {
        Timings {
            total: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            baca: self.baca.load(Ordering::Relaxed),
            evaluasi: self.evaluasi.load(Ordering::Relaxed),
            simpan: self.simpan.load(Ordering::Relaxed),
        }
    }
}

fn report(run: &Run, resumed: bool, durasi_ms: Timings) -> ScreenReport {
    ScreenReport {
        run_id: run.id.clone(),
        ruleset: run.ruleset.clone(),
        ruleset_version: run.versi.clone(),
        ruleset_versi: None,
        total: run.hasil.total,
        layak: run.hasil.layak,
        tidak_layak: run.hasil.tidak_layak,
        perlu_verifikasi: run.hasil.perlu_verifikasi,
        gagal_per_aturan: run.hasil.gagal_per_aturan.clone(),
        dilanjutkan: resumed,
        selesai: run.status == RunStatus::Selesai,
        durasi_ms,
        hasil_calon: None,
    }
}

/// Screens every candidate: resumes the unfinished run of the ruleset, or starts one.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn screen(app: &App, opts: &ScreenOptions) -> Result<ScreenReport, ServiceError> {
    let started = Instant::now();
    // What is published now screens, whatever this process read at start (see
    // `Definitions::rulesets`).
    let (adopted, refused) =
        crate::service::ground::definitions::read(app, |d| d.adopted()).await?;
    let current = crate::service::ground::rules::adopted_candidate_ruleset(
        &adopted,
        &refused,
        opts.ruleset.as_deref(),
    )?;
    let (run, resumed) = match app.store.unfinished_run(&current.id).await? {
        Some(run) => (run, true),
        None => match start_run(app, &current, &opts.actor).await {
            Ok(run) => (run, false),
            // Another process started one a moment ago: join it.
            Err(e) => match app.store.unfinished_run(&current.id).await? {
                Some(run) => (run, true),
                None => return Err(e),
            },
        },
    };
    if let Some(tx) = &opts.started {
        tx.send_replace(Some(run.id.clone()));
    }
    if resumed && run.versi != current.version {
        tracing::info!(run = %run.id, "melanjutkan run dengan versi aturan {} (versi sekarang {})", run.versi, current.version);
    }
    let clocks = Arc::new(Clocks::default());
    let finished = work_or_fail(app, &run, Some(&current), opts, &clocks).await?;
    let mut out = report(&finished, resumed, clocks.timings(started));
    out.ruleset_versi = version_of(app, &finished).await?.nomor;
    Ok(out)
}

/// Screens one candidate again now with the ruleset in force (`merit screen --nik`, e.g. after a
/// correction or a manual finding): a finished run of kind `perorangan` holding the newest run's
/// decisions for everyone else and this candidate's new one. Refused while a run is unfinished,
/// or when the ruleset in force is not the version of the newest run (then everyone must be
/// screened again).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn screen_one(
    app: &App,
    nik: &Nik,
    actor: &crate::service::ground::audit::Actor,
) -> Result<ScreenReport, ServiceError> {
    let started = Instant::now();
    let (adopted, refused) =
        crate::service::ground::definitions::read(app, |d| d.adopted()).await?;
    let current =
        crate::service::ground::rules::adopted_candidate_ruleset(&adopted, &refused, None)?;
    // Another officer's re-screening may land between planning and writing: plan again over it.
    for _ in 0..5 {
        if let Some(done) = screen_one_over_newest(app, nik, actor, &current, started).await? {
            return Ok(done);
        }
    }
    Err(ServiceError::internal(
        "penyaringan terus berubah oleh proses lain; coba lagi".to_owned(),
    ))
}

/// One attempt of [`screen_one`] over the newest finished run; `None` when that run was
/// superseded before the new one could be written.
async fn screen_one_over_newest(
    app: &App,
    nik: &Nik,
    actor: &crate::service::ground::audit::Actor,
    current: &Arc<Ruleset>,
    started: Instant,
) -> Result<Option<ScreenReport>, ServiceError> {
    if let Some(run) = app.store.any_unfinished_run().await? {
        return Err(Refusal::ScreeningFirst(format!(
            "penyaringan yang dimulai {} masih berjalan; tunggu sampai selesai, lalu ulangi",
            crate::service::ground::when(run.dibuat_ms, app.settings.timezone)
        ))
        .into());
    }
    let Some(base) = app.store.latest_finished_run(Some(&current.id)).await? else {
        return Err(Refusal::ScreeningFirst(
            "belum ada penyaringan yang selesai; jalankan merit screen untuk semua calon lebih dahulu"
                .to_owned(),
        )
        .into());
    };
    if base.versi != current.version {
        return Err(Refusal::ScreeningFirst(
            "aturan yang berlaku sudah berbeda dari versi penyaringan terakhir; saring semua calon (merit screen) agar semua keputusan memakai versi yang sama"
                .to_owned(),
        )
        .into());
    }
    let candidate = app
        .store
        .candidate(nik)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, nik.masked()))?;
    let kategori = candidate.kategori_pelamar.code();
    let findings: Vec<crate::domain::ManualFinding> = app
        .store
        .findings(Some(nik), 1_000)
        .await?
        .into_iter()
        .filter(|f| f.status == crate::domain::StatusTemuan::Berlaku)
        .collect();
    let mut decisions = evaluate(current, vec![candidate], None).await?;
    let dropped = apply_findings(app, &base.aturan, &mut decisions, &findings);
    let Some(decision) = decisions.pop() else {
        return Err(ServiceError::internal(
            "evaluasi tidak menghasilkan keputusan",
        ));
    };
    let mut tally = base.hasil.clone();
    if let Some(old) = app.store.decision(&base.id, nik).await? {
        let old_kategori = match app.store.candidate_version(nik, &old.data_hash).await? {
            Some(c) => c.kategori_pelamar.code(),
            None => kategori,
        };
        tally.remove_in(&base.aturan, old_kategori, old.hasil, &old.kode);
    }
    tally.add_in(&base.aturan, kategori, decision.hasil, &decision.kode);
    let now = app.clock.now_ms();
    let run = Run {
        id: uuid::Uuid::now_v7().to_string(),
        ruleset: base.ruleset.clone(),
        versi: base.versi.clone(),
        status: RunStatus::Selesai,
        aturan: base.aturan.clone(),
        jumlah_potongan: 0,
        hasil: tally,
        dibuat_oleh: actor.orang.clone(),
        dibuat_ms: now,
        selesai_ms: Some(now),
        alasan_gagal: None,
        jenis: screening::RunKind::Perorangan,
    };
    let stamp = crate::service::ground::audit::stamp(
        app,
        actor,
        crate::domain::Action::Penyaringan,
        &format!(
            "NIK {} {}",
            nik.masked(),
            crate::service::ground::audit::tag(app, nik.as_str()).await?
        ),
        &format!(
            "penyaringan perorangan: hasil {}; calon lain tetap seperti pada penyaringan {}",
            decision.hasil.label(),
            crate::service::ground::when(base.dibuat_ms, app.settings.timezone)
        ),
    )
    .await?;
    if !app
        .store
        .create_single_run(&run, &base.id, &decision, &stamp)
        .await?
    {
        return Ok(None);
    }
    if !dropped.is_empty() {
        verification::drop_findings(app, &dropped).await?;
    }
    let mut out = report(&run, false, Clocks::default().timings(started));
    out.ruleset_versi = version_of(app, &run).await?.nomor;
    out.hasil_calon = Some(decision.hasil.code().to_owned());
    Ok(Some(out))
}

/// Works on `run`; an error other than a lost database (which leaves the run to be resumed)
/// marks the run failed with the reason, so that the next screening starts afresh instead of
/// tripping over it forever.
async fn work_or_fail(
    app: &App,
    run: &Run,
    current: Option<&Arc<Ruleset>>,
    opts: &ScreenOptions,
    clocks: &Arc<Clocks>,
) -> Result<Run, ServiceError> {
    let outcome = match ruleset_of(app, run, current).await {
        Ok(rs) => work(app, run, &rs, opts, clocks).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(run) => Ok(run),
        Err(e) => {
            let reason = e.to_string();
            // When the database itself is gone this fails too, and the run stays resumable.
            if app
                .store
                .fail_run(&run.id, &reason, app.clock.now_ms(), None)
                .await
                .unwrap_or(false)
            {
                tracing::error!(run = %run.id, "penyaringan dihentikan dan ditandai gagal: {reason}");
            }
            Err(e)
        }
    }
}

/// Marks an unfinished run failed (cancelled by an operator), so the next screening starts a
/// new run.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn cancel(app: &App, id: &str, actor: &Actor) -> Result<Run, ServiceError> {
    let run = existing_run(&app.store, id).await?;
    let reason = format!("dibatalkan oleh {}", actor.orang);
    let stamp = crate::service::ground::audit::stamp(
        app,
        actor,
        crate::domain::Action::PenyaringanBatal,
        &run.id,
        "",
    )
    .await?;
    if !app
        .store
        .fail_run(&run.id, &reason, app.clock.now_ms(), Some(&stamp))
        .await?
    {
        return Err(Refusal::RunEnded(run.status).into());
    }
    existing_run(&app.store, id).await
}

/// Joins the oldest unfinished run, if there is one: claims its free chunks (and those whose
/// lease ran out) next to whoever else works on it. `serve` calls this so that several
/// processes share a scheduled run and a crashed or stopped process's run is finished.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn join(app: &App, opts: &ScreenOptions) -> Result<Option<ScreenReport>, ServiceError> {
    let started = Instant::now();
    let Some(run) = app.store.any_unfinished_run().await? else {
        return Ok(None);
    };
    let clocks = Arc::new(Clocks::default());
    let finished = work_or_fail(app, &run, None, opts, &clocks).await?;
    Ok(Some(report(&finished, true, clocks.timings(started))))
}

/// The chunks of a new run; refuses when there is nobody to screen.
async fn plan_run(app: &App) -> Result<Vec<(String, String, u64)>, ServiceError> {
    let plan = app.store.plan_chunks(CHUNK_SIZE as u64).await?;
    if plan.iter().all(|c| c.2 == 0) {
        return Err(ServiceError::missing(Prerequisite::Candidates));
    }
    Ok(plan)
}

async fn start_run(app: &App, rs: &Ruleset, actor: &Actor) -> Result<Run, ServiceError> {
    let plan = plan_run(app).await?;
    let now = app.clock.now_ms();
    app.store
        .save_ruleset_sources(&rs.id, &rs.version, &rs.sources, now)
        .await?;
    let run = Run {
        id: uuid::Uuid::now_v7().to_string(),
        ruleset: rs.id.clone(),
        versi: rs.version.clone(),
        status: RunStatus::Berjalan,
        aturan: rs.rules.iter().map(|r| r.id.clone()).collect(),
        jumlah_potongan: plan.len() as u64,
        hasil: Tally::default(),
        dibuat_oleh: actor.orang.clone(),
        dibuat_ms: now,
        selesai_ms: None,
        alasan_gagal: None,
        jenis: Default::default(),
    };
    app.store.create_run(&run, &plan).await?;
    Ok(run)
}

fn stopped(opts: &ScreenOptions) -> bool {
    opts.stop
        .as_ref()
        .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
}

/// Processes chunks until none is left to claim, then waits for other processes' chunks and
/// finalises the run.
async fn work(
    app: &App,
    run: &Run,
    rs: &Arc<Ruleset>,
    opts: &ScreenOptions,
    clocks: &Arc<Clocks>,
) -> Result<Run, ServiceError> {
    if let Some(p) = &opts.progress {
        let progress = app.store.chunk_progress(&run.id).await?;
        p.set_total(progress.calon_total);
        p.add(progress.calon_selesai);
    }
    loop {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..WORKERS {
            let (app, run, rs, opts) = (app.clone(), run.clone(), rs.clone(), opts.clone());
            let clocks = clocks.clone();
            tasks.spawn(async move { work_chunks(&app, &run, &rs, &opts, &clocks).await });
        }
        while let Some(done) = tasks.join_next().await {
            done.map_err(|e| ServiceError::unexpected("pekerja penyaringan berhenti", e))??;
        }
        if stopped(opts) {
            return Ok(app.store.run(&run.id).await?.unwrap_or_else(|| run.clone()));
        }
        let stamp = crate::service::ground::audit::stamp(
            app,
            &opts.actor,
            crate::domain::Action::Penyaringan,
            &run.id,
            "",
        )
        .await?;
        let describe = |t: &Tally| {
            stamp.detailed(&format!(
                "ruleset {} versi {}; {} calon",
                run.ruleset, run.versi, t.total
            ))
        };
        let finished = app
            .store
            .finalize_run(run, app.clock.now_ms(), Some(&describe))
            .await?;
        match finished.status {
            RunStatus::Selesai => return Ok(finished),
            RunStatus::Gagal => {
                return Err(Refusal::RunStopped(
                    finished
                        .alasan_gagal
                        .unwrap_or_else(|| "tanpa alasan".to_owned()),
                )
                .into());
            }
            RunStatus::Berjalan => {}
        }
        // Other processes still hold chunks: wait for them (or for their claims to lapse).
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn work_chunks(
    app: &App,
    run: &Run,
    rs: &Arc<Ruleset>,
    opts: &ScreenOptions,
    clocks: &Clocks,
) -> Result<(), ServiceError> {
    let owner = worker::owner_id();
    while !stopped(opts) {
        let dead: Vec<String> = app
            .store
            .claimed_owners(&run.id)
            .await?
            .into_iter()
            .filter(|o| o != owner && worker::is_dead(o))
            .collect();
        let Some(chunk) = app
            .store
            .claim_chunk(&run.id, owner, app.clock.now_ms(), LEASE_MS, &dead)
            .await?
        else {
            return Ok(());
        };
        let t = Instant::now();
        let candidates = app.store.candidates_between(&chunk.lo, &chunk.hi).await?;
        Clocks::add(&clocks.baca, t);
        let t = Instant::now();
        let categories: Vec<&'static str> = candidates
            .iter()
            .map(|c| c.kategori_pelamar.code())
            .collect();
        let findings = app.store.findings_between(&chunk.lo, &chunk.hi).await?;
        let mut decisions = evaluate(rs, candidates, None).await?;
        let dropped = apply_findings(app, &run.aturan, &mut decisions, &findings);
        let mut tally = Tally::default();
        for (d, k) in decisions.iter().zip(&categories) {
            tally.add_in(&run.aturan, k, d.hasil, &d.kode);
        }
        Clocks::add(&clocks.evaluasi, t);
        let n = decisions.len() as u64;
        let t = Instant::now();
        let kept = app
            .store
            .complete_chunk(&chunk, owner, &decisions, &tally, app.clock.now_ms())
            .await?;
        Clocks::add(&clocks.simpan, t);
        if kept && !dropped.is_empty() {
            verification::drop_findings(app, &dropped).await?;
        }
        if kept {
            if let Some(p) = &opts.progress {
                p.add(n);
            }
        } else {
            tracing::warn!(run = %run.id, potongan = chunk.nomor, "klaim potongan diambil alih proses lain");
        }
    }
    Ok(())
}

/// Applies the verifiers' findings in force to a chunk's decisions; returns the findings made
/// on data that has changed since (to be dropped).
pub(super) fn apply_findings(
    app: &App,
    rules: &[String],
    decisions: &mut [Decision],
    findings: &[crate::domain::ManualFinding],
) -> Vec<crate::domain::ManualFinding> {
    if findings.is_empty() {
        return Vec::new();
    }
    let tz = app.settings.timezone;
    let when = |ms: i64| crate::service::ground::when(ms, tz);
    let mut by_nik: std::collections::HashMap<Nik, Vec<crate::domain::ManualFinding>> =
        std::collections::HashMap::new();
    for f in findings {
        by_nik.entry(f.nik).or_default().push(f.clone());
    }
    let mut dropped = Vec::new();
    for d in decisions.iter_mut() {
        if let Some(mine) = by_nik.get(&d.nik) {
            let applied = d.apply_findings(rules, mine, when);
            dropped.extend(
                mine.iter()
                    .filter(|f| applied.dropped.contains(&f.id))
                    .cloned(),
            );
        }
    }
    dropped
}

/// Evaluates candidates on every core (off the async runtime) into decisions.
async fn evaluate(
    rs: &Arc<Ruleset>,
    candidates: Vec<Candidate>,
    watch: Option<Arc<rules::Watch>>,
) -> Result<Vec<Decision>, ServiceError> {
    let rs = rs.clone();
    tokio::task::spawn_blocking(move || {
        let candidates: Vec<Arc<Candidate>> = candidates.into_iter().map(Arc::new).collect();
        let evaluations = rules::evaluate_candidates_watched(
            &rs,
            &candidates,
            rules::worker_threads(),
            watch.as_deref(),
        );
        candidates
            .iter()
            .zip(evaluations)
            .map(|(c, e)| Decision::new(c.nik, c.data_hash(), e.hasil, e.prioritas, &e.verdicts))
            .collect()
    })
    .await
    .map_err(|e| ServiceError::unexpected("evaluasi", e))
}

/// What `merit screen --dry-run` would change.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DryRunReport {
    /// The id of the ruleset evaluated: the candidate ruleset in force, the one asked for, or a draft's.
    pub ruleset: String,
    /// Version in force (evaluated now).
    pub ruleset_version: String,
    /// The run compared against (the newest finished run), if any.
    pub dibandingkan_dengan: Option<String>,
    /// Counts if this were a run.
    pub hasil: Tally,
    /// Differences against that run.
    pub perbedaan: DiffReport,
}

/// Changes kept in a report (all are counted).
pub const CHANGES_KEPT: usize = 10_000;

/// Evaluates every candidate with the ruleset in force and compares with the newest finished
/// run, writing nothing.
#[tracing::instrument(level = "debug", skip_all, fields(ruleset = ?ruleset))]
pub async fn dry_run(
    app: &App,
    ruleset: Option<&str>,
    progress: Option<SharedProgress>,
) -> Result<DryRunReport, ServiceError> {
    let catalog = crate::service::ground::definitions::read(app, |d| d.compiled()).await?;
    let rs = candidate_ruleset(&catalog, ruleset)?;
    dry_run_of(app, &rs, progress, None).await
}

/// [`dry_run`] with a given ruleset (a draft's); stops with [`Refusal::RunStopped`] as soon
/// as `cancel` is raised (between any two candidates, and inside a running script), and by
/// itself, saying why, when most evaluations hit a script limit.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn dry_run_of(
    app: &App,
    rs: &Arc<Ruleset>,
    progress: Option<SharedProgress>,
    cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
) -> Result<DryRunReport, ServiceError> {
    let watch = Arc::new(rules::Watch::new(cancel.unwrap_or_default()));
    let stopped = |watch: &rules::Watch| -> ServiceError {
        Refusal::RunStopped(match watch.stopped_for_limits() {
            Some(why) => format!("pratinjau dihentikan: {why}"),
            None => "pratinjau dibatalkan karena draf berubah atau dibuang".into(),
        })
        .into()
    };
    let previous = app.store.latest_finished_run(Some(&rs.id)).await?;
    let chunks = plan_run(app).await?;
    if let Some(p) = &progress {
        p.set_total(chunks.iter().map(|c| c.2).sum());
    }
    let rule_ids: Vec<String> = rs.rules.iter().map(|r| r.id.clone()).collect();
    let mut tally = Tally::default();
    let mut diff = DiffReport::default();
    let prev = previous.as_ref();
    // The next chunk is read while this one is evaluated: reading and evaluating take about
    // as long as each other, so the preview takes the longer of the two, not their sum.
    let mut chunks = chunks.into_iter();
    let mut next = match chunks.next() {
        Some((lo, hi, _)) => Some(read_chunk(app, prev, &lo, &hi).await?),
        None => None,
    };
    while let Some((candidates, before)) = next.take() {
        if watch.cancelled() {
            return Err(stopped(&watch));
        }
        let following = chunks.next();
        let (now, fetched) = tokio::join!(evaluate(rs, candidates, Some(watch.clone())), async {
            match &following {
                Some((lo, hi, _)) => read_chunk(app, prev, lo, hi).await.map(Some),
                None => Ok(None),
            }
        });
        let mut now = now?;
        let findings = match (now.first(), now.last()) {
            (Some(first), Some(last)) => {
                app.store
                    .findings_between(&before_key(first.nik.as_str()), last.nik.as_str())
                    .await?
            }
            _ => Vec::new(),
        };
        apply_findings(app, &rule_ids, &mut now, &findings);
        if watch.cancelled() {
            return Err(stopped(&watch));
        }
        next = fetched?;
        for d in &now {
            tally.add(&rule_ids, d.hasil, &d.kode);
        }
        if let Some(prev) = prev {
            screening::compare(
                &Side {
                    rules: &prev.aturan,
                    decisions: &before,
                },
                &Side {
                    rules: &rule_ids,
                    decisions: &now,
                },
                &mut diff,
                CHANGES_KEPT,
            );
        }
        if let Some(p) = &progress {
            p.add(now.len() as u64);
        }
    }
    Ok(DryRunReport {
        ruleset: rs.id.clone(),
        ruleset_version: rs.version.clone(),
        dibandingkan_dengan: previous.map(|r| r.id),
        hasil: tally,
        perbedaan: diff,
    })
}

/// One chunk's candidates and, when there is a run to compare with, its decisions there.
async fn read_chunk(
    app: &App,
    previous: Option<&Run>,
    lo: &str,
    hi: &str,
) -> Result<(Vec<Candidate>, Vec<Decision>), ServiceError> {
    let candidates = app.store.candidates_between(lo, hi).await?;
    let before = match previous {
        Some(run) => app.store.decisions_between(&run.id, lo, hi).await?,
        None => Vec::new(),
    };
    Ok((candidates, before))
}

/// The largest key below `nik` (findings are read by the half-open range `(lo, hi]`).
fn before_key(nik: &str) -> String {
    let mut lo = nik.to_owned();
    lo.pop();
    lo
}

/// Compares the decisions of two runs.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn diff(app: &App, a: &str, b: &str) -> Result<(Run, Run, DiffReport), ServiceError> {
    let ra = existing_run(&app.store, a).await?;
    let rb = existing_run(&app.store, b).await?;
    let mut report = DiffReport::default();
    let mut cursor = String::new();
    const PAGE: usize = 5_000;
    loop {
        // A page of the first run decides the range; the second run's decisions in it follow.
        let left = app
            .store
            .decisions_after(&ra.id, &cursor, PAGE as u64)
            .await?;
        let hi = match left.last() {
            Some(last) if left.len() == PAGE => last.nik.as_str().to_owned(),
            _ => NIK_MAX.to_owned(),
        };
        let right = app.store.decisions_between(&rb.id, &cursor, &hi).await?;
        screening::compare(
            &Side {
                rules: &ra.aturan,
                decisions: &left,
            },
            &Side {
                rules: &rb.aturan,
                decisions: &right,
            },
            &mut report,
            CHANGES_KEPT,
        );
        if hi == NIK_MAX {
            break;
        }
        cursor = hi;
    }
    Ok((ra, rb, report))
}

/// Every run of this tenant, newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn runs(app: &App) -> Result<Vec<Run>, ServiceError> {
    Ok(app.store.runs().await?)
}

/// One run and how far its chunks are.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn show(
    app: &App,
    id: &str,
) -> Result<(Run, crate::screening::ChunkProgress), ServiceError> {
    let run = existing_run(&app.store, id).await?;
    let progress = app.store.chunk_progress(&run.id).await?;
    Ok((run, progress))
}

/// [`show`] with the ruleset version the run screened with, as people name it.
pub async fn show_named(
    app: &App,
    id: &str,
) -> Result<
    (
        Run,
        crate::screening::ChunkProgress,
        crate::service::ground::versions::VersionName,
    ),
    ServiceError,
> {
    let (run, progress) = show(app, id).await?;
    let versi = version_of(app, &run).await?;
    Ok((run, progress, versi))
}

/// The names of some candidates, for reports.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn names(
    app: &App,
    niks: &[Nik],
) -> Result<std::collections::HashMap<Nik, String>, ServiceError> {
    let mut out = std::collections::HashMap::new();
    for nik in niks {
        if let Some(c) = app.store.candidate(nik).await? {
            out.insert(*nik, c.nama);
        }
    }
    Ok(out)
}

/// The result of re-evaluating a run from its stored inputs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VerifyReport {
    /// The id of the run re-evaluated.
    pub run_id: String,
    /// Decisions re-evaluated.
    pub diperiksa: u64,
    /// Decisions reproduced exactly (outcome, every rule's result and reason, priority).
    pub sama: u64,
    /// NIKs whose decision came out differently.
    pub berbeda: Vec<String>,
    /// NIKs whose stored data could not be found.
    pub data_hilang: Vec<String>,
}

/// Re-evaluates every decision of a run from the stored ruleset sources and the candidate data
/// it was made on, and compares.
#[tracing::instrument(level = "debug", skip_all, fields(run_id = %run_id))]
pub async fn verify(app: &App, run_id: &str) -> Result<VerifyReport, ServiceError> {
    let run = existing_run(&app.store, run_id).await?;
    let rs = ruleset_of(app, &run, None).await?;
    let mut out = VerifyReport {
        run_id: run.id.clone(),
        diperiksa: 0,
        sama: 0,
        berbeda: Vec::new(),
        data_hilang: Vec::new(),
    };
    let mut cursor = String::new();
    loop {
        let page = app
            .store
            .decisions_after(&run.id, &cursor, CHUNK_SIZE as u64)
            .await?;
        let Some(last) = page.last() else {
            break;
        };
        let lo = std::mem::replace(&mut cursor, last.nik.as_str().to_owned());
        // The current rows of the page's range serve every decision made on unchanged data;
        // changed ones are read back from the archive.
        let mut current: std::collections::HashMap<Nik, Candidate> = app
            .store
            .candidates_between(&lo, &cursor)
            .await?
            .into_iter()
            .map(|c| (c.nik, c))
            .collect();
        let mut inputs = Vec::with_capacity(page.len());
        for d in &page {
            let input = match current.remove(&d.nik) {
                Some(c) if c.data_hash() == d.data_hash => Some(c),
                _ => app.store.candidate_version(&d.nik, &d.data_hash).await?,
            };
            match input {
                Some(c) => inputs.push(c),
                None => out.data_hilang.push(d.nik.as_str().to_owned()),
            }
        }
        let mut again = evaluate(&rs, inputs, None).await?;
        let stored: std::collections::HashMap<Nik, &Decision> =
            page.iter().map(|d| (d.nik, d)).collect();
        // A verifier's finding is part of the decision, not of the scripts: taken over where
        // a finding on record backs it.
        let findings = app.store.all_findings_between(&lo, &cursor).await?;
        for d in &mut again {
            if let Some(s) = stored.get(&d.nik) {
                d.keep_manual_of(s, &run.aturan, &findings);
            }
        }
        for d in &again {
            out.diperiksa += 1;
            if stored.get(&d.nik).is_some_and(|s| **s == *d) {
                out.sama += 1;
            } else {
                out.berbeda.push(d.nik.as_str().to_owned());
            }
        }
        if page.len() < CHUNK_SIZE {
            break;
        }
    }
    Ok(out)
}
