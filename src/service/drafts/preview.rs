//! Pratinjau: a dry run of a draft's ruleset over every candidate, compared with the newest
//! finished run. In the console it runs in the background with live progress; the result is
//! kept on the draft (for the revision it was made on), so every process shows it. A change to
//! the draft cancels a preview still running.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};

use super::{Draft, ServiceError, get};
use crate::service::ground::versions::compile_ruleset;
use crate::{
    domain::{DefinitionKey, Nik},
    progress::{Progress, SharedProgress},
    rules::SubjectKind,
    service::{
        App, Definition, Invalid, Refusal,
        rules::{Explanation, evaluate_now},
        screening::{DryRunReport, dry_run_of},
    },
};

/// Previews running at once in one process (each keeps both cores busy on a large data set).
pub(crate) const PREVIEWS_AT_ONCE: usize = 2;

/// A preview running in this process.
pub struct PreviewJob {
    revisi: i64,
    progress: SharedProgress,
    cancel: Arc<AtomicBool>,
    failed: Mutex<Option<String>>,
    finished: AtomicBool,
    done: tokio::sync::Notify,
}

impl PreviewJob {
    /// Waits until the preview has ended (kept, failed or cancelled).
    pub async fn ended(&self) {
        loop {
            let woken = self.done.notified();
            if self.finished.load(Ordering::Acquire) {
                return;
            }
            woken.await;
        }
    }
}

/// What the preview part of a draft's page shows.
#[derive(Debug, Clone)]
pub enum PreviewView {
    /// Not run on this revision.
    None,
    /// Running: candidates done and in all.
    Running(u64, u64),
    /// Stopped with this message.
    Failed(String),
    /// Finished.
    Ready(Box<DryRunReport>),
}

/// The draft's ruleset, when it is one screening candidates (only those can be previewed
/// over the candidates).
fn ruleset_of(app: &App, d: &Draft) -> Result<Arc<crate::rules::Ruleset>, ServiceError> {
    let DefinitionKey::Ruleset(id) = &d.key else {
        return Err(ServiceError::value(
            "pratinjau",
            "pratinjau hanya untuk ruleset",
        ));
    };
    let rs = compile_ruleset(&app.settings, id, &d.berkas)
        .map_err(|diags| ServiceError::definitions(Definition::Ruleset, diags))?;
    if rs.subjek != SubjectKind::Calon {
        return Err(Invalid::NotForCandidates(id.clone()).into());
    }
    Ok(rs)
}

/// Runs the preview of draft `d` now and keeps it on the draft.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn preview_now(
    app: &App,
    d: &Draft,
    progress: Option<SharedProgress>,
) -> Result<DryRunReport, ServiceError> {
    let rs = ruleset_of(app, d)?;
    let report = dry_run_of(app, &rs, progress, None).await?;
    if let Ok(json) = serde_json::to_string(&report) {
        app.store.save_draft_preview(&d.id, d.revisi, &json).await?;
    }
    Ok(report)
}

/// Starts the preview of draft `id` in the background (joining one that runs on its current
/// revision already), audited as `actor`'s; the job can be awaited.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn start_preview(
    app: &App,
    id: &str,
    actor: &crate::service::Actor,
) -> Result<Arc<PreviewJob>, ServiceError> {
    let d = get(app, id).await?;
    let rs = ruleset_of(app, &d)?;
    super::audit_trial(app, &d, actor, "pratinjau").await?;
    let job = {
        let Ok(mut jobs) = app.caches.previews.lock() else {
            return Err(ServiceError::internal(
                "daftar pratinjau tidak dapat dibuka",
            ));
        };
        if let Some(j) = jobs.get(id)
            && j.revisi == d.revisi
            && !j.cancel.load(Ordering::Relaxed)
            && j.failed.lock().map(|f| f.is_none()).unwrap_or(false)
        {
            return Ok(j.clone());
        }
        // Other drafts' previews still running (this draft's own older one is replaced).
        let running = jobs
            .iter()
            .filter(|(k, j)| {
                k.as_str() != id
                    && !j.finished.load(Ordering::Acquire)
                    && !j.cancel.load(Ordering::Relaxed)
            })
            .count();
        if running >= PREVIEWS_AT_ONCE {
            return Err(Refusal::TooManyPreviews(PREVIEWS_AT_ONCE).into());
        }
        if let Some(old) = jobs.remove(id) {
            old.cancel.store(true, Ordering::Relaxed);
        }
        let job = Arc::new(PreviewJob {
            revisi: d.revisi,
            progress: Progress::shared(),
            cancel: Arc::new(AtomicBool::new(false)),
            failed: Mutex::new(None),
            finished: AtomicBool::new(false),
            done: tokio::sync::Notify::new(),
        });
        jobs.insert(id.to_owned(), job.clone());
        job
    };
    let app = app.clone();
    let id = id.to_owned();
    let handle = job.clone();
    tokio::spawn(async move {
        let result = dry_run_of(
            &app,
            &rs,
            Some(job.progress.clone()),
            Some(job.cancel.clone()),
        )
        .await;
        let stored = match result {
            Ok(report) => match serde_json::to_string(&report) {
                Ok(json) => app
                    .store
                    .save_draft_preview(&id, job.revisi, &json)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        match stored {
            Ok(()) => {
                if let Ok(mut jobs) = app.caches.previews.lock()
                    && jobs.get(&id).is_some_and(|j| Arc::ptr_eq(j, &job))
                {
                    jobs.remove(&id);
                }
            }
            Err(e) => {
                tracing::warn!(draf = %id, "pratinjau gagal: {e}");
                if let Ok(mut f) = job.failed.lock() {
                    *f = Some(e);
                }
            }
        }
        job.finished.store(true, Ordering::Release);
        job.done.notify_waiters();
    });
    Ok(handle)
}

/// Cancels a preview of draft `id` running in this process.
pub fn cancel_preview(app: &App, id: &str) {
    if let Ok(mut jobs) = app.caches.previews.lock()
        && let Some(j) = jobs.remove(id)
    {
        j.cancel.store(true, Ordering::Relaxed);
    }
}

/// The preview of `d`'s current revision: kept, running here, failed, or none.
pub fn preview_view(app: &App, d: &Draft) -> PreviewView {
    if let Some(r) = &d.pratinjau {
        return PreviewView::Ready(Box::new(r.clone()));
    }
    let Ok(jobs) = app.caches.previews.lock() else {
        return PreviewView::None;
    };
    match jobs.get(&d.id) {
        Some(j) if j.revisi == d.revisi => {
            if let Some(e) = j.failed.lock().ok().and_then(|f| f.clone()) {
                return PreviewView::Failed(e);
            }
            let (done, total) = j.progress.get();
            PreviewView::Running(done, total)
        }
        _ => PreviewView::None,
    }
}

/// Every rule's result for one candidate under the draft, with the newest run's outcome
/// (the NIK shown masked).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn explain_sample(app: &App, d: &Draft, nik: &str) -> Result<Explanation, ServiceError> {
    let nik = Nik::parse(nik).map_err(|e| ServiceError::value("NIK", e))?;
    let rs = ruleset_of(app, d)?;
    let mut e = evaluate_now(app, &rs, &nik, &format!("draf {}", d.id)).await?;
    e.nik = nik.masked();
    Ok(e)
}

/// `merit rules preview RULESET --from DIR`: the folder's ruleset over every candidate,
/// nothing stored.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn preview_folder(
    app: &App,
    key: &DefinitionKey,
    dir: &std::path::Path,
    actor: &crate::service::Actor,
) -> Result<DryRunReport, ServiceError> {
    let DefinitionKey::Ruleset(id) = key else {
        return Err(ServiceError::value(
            "pratinjau",
            "pratinjau hanya untuk ruleset",
        ));
    };
    let files = super::files::read_folder(dir).map_err(|e| ServiceError::value("--from", e))?;
    let rs = compile_ruleset(&app.settings, id, &files)
        .map_err(|diags| ServiceError::definitions(Definition::Ruleset, diags))?;
    crate::service::ground::audit::record(
        app,
        actor,
        crate::domain::Action::DrafUji,
        &key.code(),
        &format!("pratinjau folder {}", dir.display()),
    )
    .await?;
    dry_run_of(app, &rs, None, None).await
}
