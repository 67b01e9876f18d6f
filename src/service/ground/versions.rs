//! Published versions of a definition and how people name them: a ruleset version is named
//! by its number among the published versions and its fingerprint — the hash every run and
//! decision stores — so a published version and the runs made with it carry the same name.

use std::sync::Arc;

use serde::Serialize;

use super::ServiceError;
use crate::{
    config::Settings,
    diagnostic::{Diagnostic, Diagnostics},
    domain::{DefinitionKey, FileSet, format_datetime_id},
    rules::{self, Ruleset},
    service::App,
    sources::Memory,
};

/// A published version as listed.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    /// The version's number: 1, 2, … in the order versions were recorded.
    pub versi: i64,
    /// `30 November 2026 pukul 09.15 WIB`.
    pub waktu: String,
    /// When it was published, epoch ms.
    pub waktu_ms: i64,
    /// Who wrote the published draft: an e-mail, `cli:USER`, or `sistem`.
    pub penulis: String,
    /// The reason given when publishing (`alasan` = reason).
    pub alasan: String,
    /// The number of the letter (`surat`) authorising it, when one was given.
    pub nomor_surat: Option<String>,
    /// The fingerprint: for a ruleset its version hash, the `ruleset_version` its runs show.
    pub sidik: String,
    /// The preview's summary when published.
    pub ringkasan: Vec<String>,
    /// The id of the draft it was published from; `None` for files recorded as found.
    pub draf: Option<String>,
}

/// The published versions of `key`, newest first. Versions recorded before fingerprints were
/// kept get theirs now (computed from their files, once).
pub async fn versions(app: &App, key: &DefinitionKey) -> Result<Vec<VersionInfo>, ServiceError> {
    let tz = app.settings.timezone;
    let code = key.code();
    let mut rows = app.store.versions(&code, false).await?;
    if rows.iter().any(|v| v.sidik.is_none()) {
        rows = app.store.versions(&code, true).await?;
        for v in rows.iter_mut().filter(|v| v.sidik.is_none()) {
            let files = FileSet::from_json(&v.berkas).map_err(ServiceError::internal)?;
            let sidik = fingerprint_of(app, key, &files).await?;
            app.store
                .set_version_fingerprint(&code, v.nomor, &sidik)
                .await?;
            v.sidik = Some(sidik);
        }
    }
    Ok(rows
        .into_iter()
        .map(|v| VersionInfo {
            versi: v.nomor,
            waktu: format_datetime_id(crate::clock::from_ms(v.dibuat_ms), tz),
            waktu_ms: v.dibuat_ms,
            penulis: v.penulis,
            alasan: v.alasan,
            nomor_surat: v.nomor_surat,
            sidik: v.sidik.unwrap_or_default(),
            ringkasan: v
                .ringkasan
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or_default(),
            draf: v.draf,
        })
        .collect())
}

/// [`super::fingerprint`] off the async threads (a ruleset is compiled for it).
pub async fn fingerprint_of(
    app: &App,
    key: &DefinitionKey,
    files: &FileSet,
) -> Result<String, ServiceError> {
    let (settings, key, files) = (app.settings.clone(), key.clone(), files.clone());
    tokio::task::spawn_blocking(move || fingerprint(&settings, &key, &files))
        .await
        .map_err(|e| ServiceError::unexpected("sidik versi", e))
}

/// A ruleset version as people name it: its number among the published versions and its
/// fingerprint (the hash runs and decisions store).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VersionName {
    /// `3` for "versi 3"; `None` when these files were never published through merit (the
    /// built-in copies, a hand edit).
    pub nomor: Option<i64>,
    /// The fingerprint: for a ruleset its version hash, else the first 16 hex digits of the files' digest.
    pub sidik: String,
}

impl VersionName {
    /// `versi 3 (sidik 05851349a1933e75)`.
    pub fn label(&self) -> String {
        match self.nomor {
            Some(n) => format!("versi {n} (sidik {})", self.sidik),
            None => format!("sidik {} (belum diterbitkan lewat merit)", self.sidik),
        }
    }
}

/// The published versions of one ruleset, to name fingerprints by number.
#[derive(Debug, Clone, Default)]
pub struct Numbering(Vec<(i64, String, i64)>);

impl Numbering {
    /// The name of fingerprint `sidik` as of `at_ms` (a run's start; `None`: now): the newest
    /// version with these files published by then, else the first published with them (a
    /// run made before the first publication through merit, on the files that publication
    /// recorded as version 1).
    pub fn name(&self, sidik: &str, at_ms: Option<i64>) -> VersionName {
        let same = || self.0.iter().filter(|(_, s, _)| s == sidik);
        let by_then = same()
            .filter(|(_, _, made)| at_ms.is_none_or(|t| *made <= t))
            .map(|(n, _, _)| *n)
            .max();
        VersionName {
            nomor: by_then.or_else(|| same().map(|(n, _, _)| *n).min()),
            sidik: sidik.to_owned(),
        }
    }
}

/// The numbering of ruleset `id`'s published versions.
pub async fn numbering(app: &App, id: &str) -> Result<Numbering, ServiceError> {
    Ok(Numbering::of(
        &versions(app, &DefinitionKey::Ruleset(id.to_owned())).await?,
    ))
}

impl Numbering {
    /// The numbering of versions already read.
    pub fn of(versions: &[VersionInfo]) -> Self {
        Self(
            versions
                .iter()
                .map(|v| (v.versi, v.sidik.clone(), v.waktu_ms))
                .collect(),
        )
    }
}

/// The one fingerprint people see for `files` of `key`: for a ruleset its version — the hash
/// of its manifest and scripts that every run and decision stores — so a published version
/// and the runs made with it carry the same; for the other kinds (and a ruleset that does not
/// compile, which no run can have used) the first 16 hex digits of the files' digest.
pub fn fingerprint(settings: &Settings, key: &DefinitionKey, files: &FileSet) -> String {
    if let DefinitionKey::Ruleset(id) = key
        && let Ok(rs) = compile_ruleset(settings, id, files)
    {
        return rs.version.clone();
    }
    files.digest().chars().take(16).collect()
}

/// The draft's ruleset compiled from its files (tests parsed, not run).
pub fn compile_ruleset(
    settings: &Settings,
    id: &str,
    files: &FileSet,
) -> Result<Arc<Ruleset>, Diagnostics> {
    let parent = settings.rules_dir.clone();
    let mem = Memory::under(
        &parent,
        files
            .0
            .iter()
            .map(|(r, t)| (format!("{id}/{r}"), t.clone())),
    );
    let (catalog, refused) = rules::load_all(&mem, &parent, &settings.script_limits, false);
    let mut diags = Diagnostics::new();
    for (_, r) in refused {
        if let rules::Refusal::Invalid(d) = r {
            diags.0.extend(d.0);
        }
    }
    match catalog.get(id) {
        Some(rs) if diags.0.is_empty() => Ok(rs),
        Some(_) => Err(diags),
        None => {
            if diags.0.is_empty() {
                diags.push(Diagnostic::file(
                    &parent.join(id).join("ruleset.yaml"),
                    format!("ruleset.yaml tidak ada atau id di dalamnya bukan '{id}'"),
                ));
            }
            Err(diags)
        }
    }
}
