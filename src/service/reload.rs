//! Live reload (style.md convention 9): the files administrators edit — rulesets, workflows,
//! templates, the directory — are fingerprinted; on a change the whole set is validated (rulesets
//! with their tests). An accepted workflow version is stored so that it keeps serving if a later
//! edit is refused; a refused edit is logged and emailed to `ADMIN` with its `file:line` errors.

use serde::Serialize;

use super::{App, ServiceError, ground::notices::tell_admins};

/// The outcome of a validation pass.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ReloadReport {
    /// What was accepted (e.g. `workflow usulan_pppk_paruh_waktu versi …`).
    pub diterima: Vec<String>,
    /// Why edits were refused (`file:line: pesan`).
    pub ditolak: Vec<String>,
}

/// Reads every definition again and puts in force what is valid (see
/// [`crate::service::ground::definitions::refresh`]); stores accepted workflow versions; reports and emails
/// refusals.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn validate(app: &App) -> Result<ReloadReport, ServiceError> {
    let refreshed = crate::service::ground::definitions::refresh(app).await?;
    let (adopted, refused) =
        crate::service::ground::definitions::read(app, |d| d.adopted()).await?;
    let mut report = ReloadReport::default();
    for rs in adopted
        .all()
        .filter(|rs| !refused.iter().any(|(id, _)| *id == rs.id))
    {
        report
            .diterima
            .push(format!("ruleset {} versi {}", rs.id, rs.version));
    }
    report
        .ditolak
        .extend(refused.iter().map(|(_, r)| r.to_string()));
    if let Some(defs) = &refreshed.workflows {
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
    for problem in [
        &refreshed.workflows_refused,
        &refreshed.templates_refused,
        &refreshed.documents_refused,
    ]
    .into_iter()
    .flatten()
    {
        report
            .ditolak
            .extend(problem.0.iter().map(ToString::to_string));
    }
    if let (_, Some(w)) = crate::service::ground::workflows::directory(app).await? {
        report.ditolak.push(w);
    }
    if !refreshed.rulesets.is_empty() || !report.ditolak.is_empty() {
        let accepted: Vec<String> = refreshed
            .rulesets
            .iter()
            .map(|(id, v)| format!("{id} versi {v}"))
            .collect();
        crate::service::ground::audit::note(
            app,
            &crate::service::ground::audit::Actor::system(),
            crate::domain::Action::MuatUlang,
            &accepted.join(", "),
            &if report.ditolak.is_empty() {
                "diterima".to_owned()
            } else {
                format!("{} masalah ditolak", report.ditolak.len())
            },
        )
        .await;
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
