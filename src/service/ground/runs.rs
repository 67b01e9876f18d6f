//! A screening run as other use cases find it: by id, the ruleset it was made with (the one
//! in force when the versions agree, else compiled from the sources stored with the run), and
//! the name of that version.

use std::sync::Arc;

use super::{ServiceError, Sought, versions::VersionName};
use crate::{rules::Ruleset, screening::Run, service::App, store::Store};

/// The ruleset a run was made with: the one in force if it is the same version, else the
/// sources stored with the run.
pub async fn ruleset_of(
    app: &App,
    run: &Run,
    current: Option<&Arc<Ruleset>>,
) -> Result<Arc<Ruleset>, ServiceError> {
    if let Some(rs) = current.filter(|rs| rs.id == run.ruleset && rs.version == run.versi) {
        return Ok(rs.clone());
    }
    let key = (run.ruleset.clone(), run.versi.clone());
    if let Some(rs) = app
        .caches
        .rulesets
        .lock()
        .ok()
        .and_then(|c| c.get(&key).cloned())
    {
        return Ok(rs);
    }
    let sources = app
        .store
        .ruleset_sources(&run.ruleset, &run.versi)
        .await?
        .ok_or_else(|| {
            ServiceError::internal(format!(
                "sumber ruleset {} versi {} tidak tersimpan",
                run.ruleset, run.versi
            ))
        })?;
    let limits = app.settings.script_limits;
    let (id, versi) = (run.ruleset.clone(), run.versi.clone());
    let rs = tokio::task::spawn_blocking(move || {
        crate::rules::load_from_sources(&id, &versi, &sources, &limits)
    })
    .await
    .map_err(|e| ServiceError::unexpected("memuat ruleset tersimpan", e))?
    .map_err(|d| ServiceError::internal(format!("ruleset tersimpan tidak dapat dimuat:\n{d}")))?;
    let rs = Arc::new(rs);
    if let Ok(mut c) = app.caches.rulesets.lock() {
        c.insert(key, rs.clone());
    }
    Ok(rs)
}

/// The ruleset version `run` screened with, as people name it (number and fingerprint).
pub async fn version_of(app: &App, run: &Run) -> Result<VersionName, ServiceError> {
    Ok(super::versions::numbering(app, &run.ruleset)
        .await?
        .name(&run.versi, Some(run.dibuat_ms)))
}

/// The version names of `runs`, reading each ruleset's published versions once.
pub async fn versions_of(app: &App, runs: &[Run]) -> Result<Vec<VersionName>, ServiceError> {
    let mut numberings = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(runs.len());
    for r in runs {
        if !numberings.contains_key(&r.ruleset) {
            let n = super::versions::numbering(app, &r.ruleset).await?;
            numberings.insert(r.ruleset.clone(), n);
        }
        out.push(
            numberings
                .get(&r.ruleset)
                .map(|n| n.name(&r.versi, Some(r.dibuat_ms)))
                .unwrap_or_else(|| VersionName {
                    nomor: None,
                    sidik: r.versi.clone(),
                }),
        );
    }
    Ok(out)
}

/// A run by id, or an invalid-input error naming it.
pub async fn existing_run(store: &Store, id: &str) -> Result<Run, ServiceError> {
    store
        .run(id)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Screening, id))
}
