//! `merit init`: the rulesets, workflows and templates built into the binary, written into a
//! folder for an administrator to edit. Nothing that exists is overwritten: when any target
//! file is there already, nothing is written at all.

use std::path::{Path, PathBuf};

use super::ServiceError;

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
        return Err(ServiceError::Refused(format!(
            "berkas berikut sudah ada dan tidak ditimpa; tidak ada yang ditulis: {}",
            existing.join(", ")
        )));
    }
    let mut written = Vec::new();
    for (path, rel, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                ServiceError::Invalid(format!(
                    "folder {} tidak dapat dibuat: {}",
                    parent.display(),
                    crate::domain::io_message(&e)
                ))
            })?;
        }
        super::rules::write_atomically(path, text).map_err(ServiceError::Invalid)?;
        written.push((*rel).to_owned());
    }
    Ok(InitReport { ditulis: written })
}
