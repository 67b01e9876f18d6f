//! `merit init`: the rulesets, workflows and templates built into the binary, written into a
//! folder for an administrator to edit. Nothing that exists is overwritten: when any target
//! file is there already, nothing is written at all.

use std::path::{Path, PathBuf};

use super::{Refusal, ServiceError};

/// What `init` wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InitReport {
    /// The files written, relative to the folder.
    pub ditulis: Vec<String>,
}

/// Writes every built-in definition file under `dir`.
pub fn write_builtin(dir: &Path) -> Result<InitReport, ServiceError> {
    let files: Vec<(PathBuf, &str, &str)> = crate::sources::builtin_files()
        .map(|(rel, text)| (dir.join(rel), rel, text))
        .collect();
    let existing: Vec<&str> = files
        .iter()
        .filter(|(p, _, _)| p.exists())
        .map(|(_, rel, _)| *rel)
        .collect();
    if !existing.is_empty() {
        return Err(Refusal::FilesExist(existing.into_iter().map(str::to_owned).collect()).into());
    }
    let mut written = Vec::new();
    for (path, rel, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                ServiceError::value(
                    parent.display().to_string(),
                    format!(
                        "folder tidak dapat dibuat: {}",
                        crate::domain::io_message(&e)
                    ),
                )
            })?;
        }
        crate::service::ground::rules::write_atomically(path, text)
            .map_err(|e| ServiceError::value(path.display().to_string(), e))?;
        written.push((*rel).to_owned());
    }
    Ok(InitReport { ditulis: written })
}
