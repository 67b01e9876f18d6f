//! Correcting one candidate's data (console.md 5, `merit candidate show|set`): a field at a
//! time, with a reason. The new record is validated exactly as an import row; the old one is
//! archived (decisions made on it still find their data), the change is recorded as a one-row
//! import and audited with its reason. Screening the candidate again is a separate request
//! ([`super::screen_one`]).

use crate::service::{
    App, Refusal, ServiceError, Sought,
    ground::audit::{self, Actor},
};
use crate::{
    domain::{Action, Candidate, Nik},
    ingest::{CandidateSchema, ImportKind, Schema, parse_pairs},
    store::ImportBatch,
};

/// One field changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldChange {
    /// Import column name.
    pub kolom: String,
    /// The old value, as the import column would write it.
    pub lama: String,
    /// The new value, as the import column would write it.
    pub baru: String,
}

/// What a correction did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Correction {
    /// `************1234`.
    pub nik: String,
    /// Every field that differs, in the import columns' order.
    pub perubahan: Vec<FieldChange>,
    /// Whether screening data changed (the data hash): decisions and manual findings made on
    /// the old data no longer hold for the new.
    pub data_penyaringan_berubah: bool,
}

/// The columns a correction may change: every import column but the key.
pub fn fields() -> Vec<&'static str> {
    CandidateSchema::COLUMNS
        .iter()
        .map(|c| c.name)
        .filter(|c| *c != CandidateSchema::KEY)
        .collect()
}

/// One candidate's data in import form (column, value), for a correction form (which does not
/// show the NIK).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn current(app: &App, nik: &Nik) -> Result<Vec<(String, String)>, ServiceError> {
    Ok(candidate(app, nik)
        .await?
        .import_fields()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect())
}

/// One candidate's data in import form (column, value), the full NIK included: audited.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn show(
    app: &App,
    actor: &Actor,
    nik: &Nik,
) -> Result<Vec<(String, String)>, ServiceError> {
    let c = candidate(app, nik).await?;
    audit::record(
        app,
        actor,
        Action::LihatIdentitas,
        &format!(
            "NIK {} {}",
            nik.masked(),
            audit::tag(app, nik.as_str()).await?
        ),
        "data calon (merit candidate show)",
    )
    .await?;
    Ok(c.import_fields()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect())
}

async fn candidate(app: &App, nik: &Nik) -> Result<Candidate, ServiceError> {
    app.store
        .candidate(nik)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, nik.masked()))
}

/// Changes `changes` (column, new value) on `nik`'s record, for `reason`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set(
    app: &App,
    actor: &Actor,
    nik: &Nik,
    changes: &[(String, String)],
    reason: &str,
) -> Result<Correction, ServiceError> {
    let reason = crate::domain::Note::parse(reason)
        .map(crate::domain::Note::into_string)
        .map_err(|e| {
            ServiceError::value(
                "alasan",
                format!("{e} (tulis dasar koreksi, mis. KTP asli atau surat keterangan)"),
            )
        })?;
    if changes.is_empty() {
        return Err(ServiceError::value(
            "perubahan",
            "sebutkan sedikitnya satu kolom, mis. jenis_kelamin=P",
        ));
    }
    let allowed = fields();
    let mut wanted: Vec<(String, String)> = Vec::new();
    for (k, v) in changes {
        let key = crate::domain::normalize_key(k);
        if key == CandidateSchema::KEY {
            return Err(ServiceError::value(
                "nik",
                "NIK tidak dapat dikoreksi (ia kunci data); impor calon dengan NIK yang benar sebagai calon baru",
            ));
        }
        if !allowed.contains(&key.as_str()) {
            return Err(ServiceError::value(
                k.clone(),
                format!(
                    "kolom tidak dikenal; yang dapat dikoreksi: {}",
                    allowed.join(", ")
                ),
            ));
        }
        wanted.push((key, crate::domain::strip_controls(v.trim())));
    }
    let old = candidate(app, nik).await?;
    let mut pairs: Vec<(String, String)> = old
        .import_fields()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    for (k, v) in &wanted {
        if let Some(slot) = pairs.iter_mut().find(|(key, _)| key == k) {
            slot.1.clone_from(v);
        }
    }
    let new = parse_pairs::<CandidateSchema>(&pairs).map_err(|errors| {
        let text: Vec<String> = errors
            .iter()
            .map(|e| format!("kolom {}: {}", e.column, e.message))
            .collect();
        ServiceError::value("data", text.join("; "))
    })?;
    let before = old.import_fields();
    let after = new.import_fields();
    let perubahan: Vec<FieldChange> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, b)| FieldChange {
            kolom: a.0.to_owned(),
            lama: a.1.clone(),
            baru: b.1.clone(),
        })
        .collect();
    if perubahan.is_empty() {
        return Err(Refusal::NothingChanged.into());
    }
    let now = app.clock.now_ms();
    let batch_id = uuid::Uuid::now_v7().to_string();
    let described: Vec<String> = perubahan
        .iter()
        .map(|c| format!("{}: '{}' → '{}'", c.kolom, c.lama, c.baru))
        .collect();
    let objek = format!(
        "NIK {} {}",
        nik.masked(),
        audit::tag(app, nik.as_str()).await?
    );
    let stamp = audit::stamp(
        app,
        actor,
        Action::CalonUbah,
        &objek,
        &format!("{}; alasan: {reason}", described.join("; ")),
    )
    .await?;
    let mut writer = app.store.begin_import(&batch_id, now).await?;
    if let Err(e) = writer.upsert_candidates(std::slice::from_ref(&new)).await {
        writer.abandon().await?;
        return Err(e.into());
    }
    writer
        .finish(
            &ImportBatch {
                id: batch_id,
                kind: ImportKind::Candidates,
                file_name: format!("koreksi data calon {}", nik.masked()),
                file_hash: new.data_hash(),
                rows: 1,
                imported: 1,
                rejected: 0,
                at_ms: now,
                by: actor.orang.clone(),
            },
            &stamp,
        )
        .await?;
    Ok(Correction {
        nik: nik.masked(),
        data_penyaringan_berubah: old.data_hash() != new.data_hash(),
        perubahan,
    })
}

/// [`set`] from a form that sends every column: only the columns whose value differs from the
/// record are changes.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_from_form(
    app: &App,
    actor: &Actor,
    nik: &Nik,
    form: &std::collections::HashMap<String, String>,
    reason: &str,
) -> Result<Correction, ServiceError> {
    let current = current(app, nik).await?;
    let changes: Vec<(String, String)> = fields()
        .into_iter()
        .filter_map(|c| {
            let sent = form.get(c)?;
            let stored = current.iter().find(|(k, _)| k == c).map(|(_, v)| v)?;
            (sent.trim() != stored.trim()).then(|| (c.to_owned(), sent.clone()))
        })
        .collect();
    if changes.is_empty() {
        return Err(Refusal::NothingChanged.into());
    }
    set(app, actor, nik, &changes, reason).await
}
