//! `merit bench editor`: what an administrator waits for in the definition editor, on the
//! configured database — Periksa + Uji of an edited ruleset (repeated, p50/p99) and the
//! Pratinjau of that draft over every candidate (through the same background job as the
//! console). The draft is discarded afterwards; nothing is published.

use std::time::Instant;

use serde::Serialize;

use super::notify::percentile;
use crate::{
    domain::DefinitionKey,
    service::{App, ServiceError, audit::Actor, drafts},
};

/// The figures.
#[derive(Debug, Clone, Serialize)]
pub struct EditorBench {
    pub ruleset: String,
    /// Check + test repetitions.
    pub ulangan: usize,
    pub kasus_uji: usize,
    pub periksa_uji_p50_ms: f64,
    pub periksa_uji_p99_ms: f64,
    /// Candidates previewed.
    pub calon: u64,
    /// Candidates whose outcome the edit changes.
    pub berubah: u64,
    pub pratinjau_ms: f64,
}

/// Edits `usia_minimal` (to 25) of `pppk_paruh_waktu` in a draft, checks and tests it `reps` times,
/// previews it once, and discards it.
pub async fn editor(app: &App, reps: usize) -> Result<EditorBench, ServiceError> {
    let key = DefinitionKey::Ruleset("pppk_paruh_waktu".into());
    let actor = Actor::cli();
    let d = drafts::begin(app, &key, &actor).await?;
    let files = drafts::set_param(&d.berkas, "usia_minimal", "25")
        .map_err(|e| ServiceError::value("usia_minimal", e))?;
    let d = drafts::replace_files(app, &d.id, d.revisi, files, &actor, "bench").await?;
    let result = measure(app, &key, &d, reps).await;
    drafts::discard(app, &d.id, &actor).await?;
    result
}

async fn measure(
    app: &App,
    key: &DefinitionKey,
    d: &drafts::Draft,
    reps: usize,
) -> Result<EditorBench, ServiceError> {
    let mut times = Vec::with_capacity(reps);
    let mut cases = 0;
    for _ in 0..reps.max(1) {
        // The console's path: off the request threads, on the bounded pool.
        let t = Instant::now();
        let diags = drafts::check_off_thread(app, key, &d.berkas, drafts::Depth::Full).await?;
        let tested = drafts::test_off_thread(app, key, &d.berkas).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        cases = tested.kasus;
        if !diags.0.is_empty() {
            return Err(ServiceError::internal(diags.to_string()));
        }
    }
    times.sort_by(f64::total_cmp);
    let t = Instant::now();
    let job = drafts::start_preview(app, &d.id, &Actor::cli()).await?;
    job.ended().await;
    let pratinjau_ms = t.elapsed().as_secs_f64() * 1000.0;
    let after = drafts::get(app, &d.id).await?;
    let report = after
        .pratinjau
        .ok_or_else(|| ServiceError::internal("pratinjau tidak selesai; lihat log"))?;
    Ok(EditorBench {
        ruleset: report.ruleset,
        ulangan: times.len(),
        kasus_uji: cases,
        periksa_uji_p50_ms: percentile(&times, 0.5),
        periksa_uji_p99_ms: percentile(&times, 0.99),
        calon: report.hasil.total,
        berubah: report.perbedaan.berubah,
        pratinjau_ms,
    })
}
