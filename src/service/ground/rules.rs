//! Rulesets in force as every use case finds them: the rules folder (and the same folder with
//! unsaved edits over it), its fingerprint and that of every file administrators edit, the
//! candidate ruleset to screen with, and writing a definition file whole.

use std::{
    hash::{Hash, Hasher},
    path::{Path, PathBuf},
    sync::Arc,
    time::UNIX_EPOCH,
};

use super::{Definition, Invalid, NotFound, Prerequisite, ServiceError, Sought};
use crate::{
    config::Settings,
    rules::{Catalog, Refusal, Ruleset, SubjectKind},
    sources::{Memory, Overlay},
};

/// Where rulesets are read from: the configured folder, else the built-in copies.
pub fn rules_folder(settings: &Settings) -> (Arc<dyn crate::sources::Source>, std::path::PathBuf) {
    crate::sources::folder(&settings.rules_dir, "rules", "aturan")
}

/// `src`'s folder `dir` with `edits` over it.
pub fn edited_folder(
    src: Arc<dyn crate::sources::Source>,
    dir: &std::path::Path,
    edits: &[(String, Option<String>)],
) -> (Overlay, PathBuf) {
    let written = Memory::under(
        dir,
        edits
            .iter()
            .filter_map(|(rel, text)| Some((rel.clone(), text.clone()?))),
    );
    let mut overlay = Overlay::new(src, written);
    for (rel, text) in edits {
        if text.is_none() {
            overlay = overlay.without(&dir.join(rel));
        }
    }
    (overlay, dir.to_path_buf())
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename, so a
/// reader sees the old file or the new one, never half of one.
pub fn write_atomically(path: &std::path::Path, text: &str) -> Result<(), String> {
    crate::export::write_atomically(path, text).map_err(|e| e.to_string())
}

/// The ruleset to use for candidates: the one named, else the only `calon` ruleset.
pub fn candidate_ruleset(
    catalog: &Catalog,
    wanted: Option<&str>,
) -> Result<Arc<Ruleset>, ServiceError> {
    if let Some(id) = wanted {
        let rs = catalog.get(id).ok_or_else(|| {
            ServiceError::NotFound(
                NotFound {
                    what: Sought::Ruleset,
                    id: id.to_owned(),
                    hint: None,
                }
                .with_hint(
                    "ruleset yang tidak valid tidak dimuat; periksa dengan merit rules check",
                ),
            )
        })?;
        if rs.subjek != SubjectKind::Calon {
            return Err(Invalid::NotForCandidates(id.to_owned()).into());
        }
        return Ok(rs);
    }
    let mut calon: Vec<Arc<Ruleset>> = catalog
        .all()
        .filter(|r| r.subjek == SubjectKind::Calon)
        .cloned()
        .collect();
    match calon.len() {
        1 => Ok(calon.remove(0)),
        0 => Err(ServiceError::missing(Prerequisite::CandidateRuleset)),
        _ => Err(Invalid::Ambiguous {
            what: "ruleset untuk calon",
            choices: calon.iter().map(|r| r.id.clone()).collect(),
            option: "--ruleset",
        }
        .into()),
    }
}

/// The candidate ruleset an official run may be made with: it must compile and pass its own
/// test cases, as `serve` requires before adopting an edit.
pub fn adopted_candidate_ruleset(
    adopted: &Catalog,
    refused: &[(String, Refusal)],
    wanted: Option<&str>,
) -> Result<Arc<Ruleset>, ServiceError> {
    let chosen = candidate_ruleset(adopted, wanted);
    if chosen.is_err()
        && let Some((id, r)) = refused
            .iter()
            .find(|(id, _)| wanted.is_none_or(|w| w == id))
    {
        return Err(match r {
            Refusal::TestsFail(failures) => Invalid::TestsFail {
                ruleset: id.clone(),
                failures: failures.clone(),
            }
            .into(),
            Refusal::Invalid(d) => ServiceError::definitions(Definition::Ruleset, d.clone()),
        });
    }
    chosen
}

fn walk(path: &Path, h: &mut std::collections::hash_map::DefaultHasher) {
    let Ok(meta) = std::fs::metadata(path) else {
        path.hash(h);
        0u8.hash(h);
        return;
    };
    if meta.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            walk(&p, h);
        }
    } else {
        path.hash(h);
        meta.len().hash(h);
        meta.modified()
            .ok()
            .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .hash(h);
    }
}

/// A fingerprint of the rules folder alone (names, sizes, modification times).
pub fn rules_fingerprint(settings: &crate::config::Settings) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    walk(&settings.rules_dir, &mut h);
    h.finish()
}

/// A fingerprint of every file administrators edit (names, sizes, modification times).
pub fn fingerprint(settings: &crate::config::Settings) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    walk(&settings.rules_dir, &mut h);
    walk(&settings.workflows_dir, &mut h);
    walk(&settings.directory, &mut h);
    walk(&settings.documents_dir, &mut h);
    h.finish()
}

/// The jabatan catalogue in force: `katalog_jabatan.yaml` of the rules folder, else (a folder
/// written before the catalogue shipped) the built-in copy. A catalogue that cannot be read is
/// an error naming the file: formations are never checked against nothing.
pub async fn job_catalogue(
    app: &crate::service::App,
) -> Result<crate::domain::JobCatalogue, ServiceError> {
    use crate::domain::{CATALOGUE_FILE, JobCatalogue};
    use crate::sources::Source as _;
    let (src, dir) = rules_folder(&app.settings);
    let path = dir.join(CATALOGUE_FILE);
    let read = tokio::task::spawn_blocking(move || {
        // Only a folder without the file falls back to the built-in copy: a file that is there
        // but cannot be read is an error, never silently replaced.
        let present = path.parent().is_some_and(|folder| {
            src.entries(folder).is_ok_and(|entries| {
                entries
                    .iter()
                    .any(|(name, _)| name.as_str() == CATALOGUE_FILE)
            })
        });
        let text = if present {
            src.read(&path)
        } else {
            crate::sources::builtin().read(
                &Path::new(crate::sources::BUILTIN_ROOT)
                    .join("rules")
                    .join(CATALOGUE_FILE),
            )
        };
        (path, text)
    })
    .await
    .map_err(|e| ServiceError::unexpected("katalog jabatan", e))?;
    let (path, text) = read;
    let shown = path.display().to_string();
    let text = text.map_err(|e| ServiceError::value(&shown, e.to_string()))?;
    JobCatalogue::parse(&text).map_err(|e| ServiceError::value(&shown, e))
}
