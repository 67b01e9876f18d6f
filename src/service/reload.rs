//! Live reload (style.md convention 9): the files administrators edit — rulesets, workflows,
//! templates, the directory — are fingerprinted; on a change the whole set is validated (rulesets
//! with their tests). An accepted workflow version is stored so that it keeps serving if a later
//! edit is refused; a refused edit is logged and emailed to `ADMIN` with its `file:line` errors.

use std::{
    hash::{Hash, Hasher},
    path::Path,
    time::UNIX_EPOCH,
};

use serde::Serialize;

use super::{App, ServiceError, outbox::tell_admins};
use crate::render::Templates;

/// The outcome of a validation pass.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ReloadReport {
    /// What was accepted (e.g. `workflow usulan_pppk_paruh_waktu versi …`).
    pub diterima: Vec<String>,
    /// Why edits were refused (`file:line: pesan`).
    pub ditolak: Vec<String>,
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

/// A fingerprint of every file administrators edit (names, sizes, modification times).
pub fn fingerprint(settings: &crate::config::Settings) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    walk(&settings.rules_dir, &mut h);
    walk(&settings.workflows_dir, &mut h);
    walk(&settings.directory, &mut h);
    h.finish()
}

/// Validates everything; stores accepted workflow versions; reports and emails refusals.
pub async fn validate(app: &App) -> Result<ReloadReport, ServiceError> {
    let settings = app.settings.clone();
    let (rules_test, workflows) = tokio::task::spawn_blocking(move || {
        (
            super::rules::test(&settings),
            super::workflow::check(&settings),
        )
    })
    .await
    .map_err(|e| ServiceError::unexpected("validasi definisi", e))?;
    let mut report = ReloadReport::default();
    for rs in &rules_test.ruleset {
        if !rules_test.gagal.iter().any(|f| f.ruleset == rs.id) {
            report
                .diterima
                .push(format!("ruleset {} versi {}", rs.id, rs.versi));
        }
    }
    report
        .ditolak
        .extend(rules_test.tidak_dimuat.iter().cloned());
    for f in &rules_test.gagal {
        report.ditolak.push(format!("{f}"));
    }
    match workflows {
        Ok(defs) => {
            for d in defs.values() {
                app.store
                    .save_workflow_version(
                        &d.id,
                        &d.versi,
                        &d.berkas.display().to_string(),
                        &d.sumber,
                        app.clock.now_ms(),
                    )
                    .await?;
                report
                    .diterima
                    .push(format!("workflow {} versi {}", d.id, d.versi));
            }
        }
        Err(diags) => report
            .ditolak
            .extend(diags.0.iter().map(ToString::to_string)),
    }
    if let (_, Some(w)) = super::workflow::directory(app).await? {
        report.ditolak.push(w);
    }
    if let Err(e) = Templates::load(
        &crate::sources::Disk,
        &app.settings.workflows_dir.join("templates"),
    ) {
        report.ditolak.extend(e.0.iter().map(ToString::to_string));
    }
    if !report.ditolak.is_empty() {
        let text = report.ditolak.join("\n");
        tracing::error!("perubahan definisi ditolak; versi valid terakhir tetap berlaku:\n{text}");
        let key = format!(
            "muat_ulang/{}",
            crate::workflow::definition::version_of(&text)
        );
        let pesan = format!(
            "Perubahan berkas aturan, alur persetujuan, templat, atau direktori orang ditolak; versi valid terakhir tetap berlaku. Perbaiki kesalahan berikut: {text}"
        );
        tell_admins(
            app,
            None,
            &key,
            crate::domain::Content::Admin(crate::domain::Notice { pesan }),
        )
        .await?;
    }
    Ok(report)
}
