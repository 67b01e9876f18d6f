//! The audit log: every sign-in, state change and full-identifier view, written by the use case
//! that makes it with the [`Actor`] its entry point names (the console, the command line, the
//! scheduler), and checked link by link by `merit audit verify`.
//!
//! The chain is keyed (console.md 5): each hash is an HMAC under [`key`], derived from the
//! server secret and never stored, so someone who can only write to the database cannot
//! recompute a rewritten chain. An older, unkeyed chain is sealed into the keyed one by an
//! `audit_segel` entry the first time this version writes. [`anchor`] gives the head for the
//! agency to keep elsewhere; [`verify`] with that anchor also catches entries removed from the
//! end or a chain rewritten as a whole.

use serde::Serialize;

pub use super::ground::audit::{Actor, key, note, record, tag};

use super::ground::audit::seal_if_needed;
use super::{App, Invalid, ServiceError};
use crate::domain::{
    ANCHOR_KIND, Action, Anchor, AuditEntry, AuditFilter, AuditKey, GENESIS, format_datetime_id,
};

/// Entries newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    app: &App,
    filter: &AuditFilter,
    limit: u64,
) -> Result<Vec<AuditEntry>, ServiceError> {
    Ok(app.store.audit_page(filter, limit).await?)
}

/// What `merit audit verify` found.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verification {
    /// Entries checked.
    pub diperiksa: u64,
    /// The first entry that does not follow from the one before, if any.
    pub rusak_pada: Option<i64>,
    /// Why, in words.
    pub alasan: Option<String>,
    /// The entry the anchor named, when checked against one.
    pub jangkar: Option<i64>,
    /// Whether the chain's key comes from a secret stored in the database itself (no
    /// `MERIT_SECRET`): then whoever can write the database can also read the key.
    pub kunci_di_basis_data: bool,
}

impl Verification {
    fn broken(diperiksa: u64, at: i64, alasan: String, jangkar: Option<i64>) -> Self {
        Self {
            diperiksa,
            rusak_pada: Some(at),
            alasan: Some(alasan),
            jangkar,
            kunci_di_basis_data: false,
        }
    }
}

/// Whether the audit key comes from a secret merit generated and keeps in the database.
pub fn key_in_database(app: &App) -> bool {
    app.settings.secret.is_none()
}

/// The head of the chain as the agency keeps it outside the database (`merit audit anchor`);
/// an unkeyed chain is sealed first, so the head is always a keyed entry.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn anchor(app: &App) -> Result<Anchor, ServiceError> {
    let key = key(app).await?;
    seal_if_needed(app, &key).await?;
    let head = app
        .store
        .audit_head()
        .await?
        .ok_or(Invalid::Missing(super::Prerequisite::AuditEntries))?;
    Ok(Anchor {
        jenis: ANCHOR_KIND.to_owned(),
        instansi: app.settings.tenant.clone(),
        urutan: head.urutan,
        waktu_ms: head.waktu_ms,
        waktu: format_datetime_id(crate::clock::from_ms(head.waktu_ms), app.settings.timezone),
        hash: head.hash,
    })
}

/// Reads an anchor file's text (as `merit audit anchor --output` wrote it).
pub fn parse_anchor(text: &str) -> Result<Anchor, ServiceError> {
    let a: Anchor = serde_json::from_str(text.trim()).map_err(|_| {
        ServiceError::value(
            "--anchor",
            "bukan berkas jangkar audit merit (tulis dengan merit audit anchor --output BERKAS)",
        )
    })?;
    if a.jenis != ANCHOR_KIND {
        return Err(ServiceError::value(
            "--anchor",
            format!("jenis '{}' bukan {ANCHOR_KIND}", a.jenis),
        ));
    }
    Ok(a)
}

/// Recomputes the chain from the first entry (keyed entries under this agency's key) and
/// stops at the first that does not hold. With `anchor`, the entry it names must still be
/// there exactly as anchored: entries removed from the end, or a chain rewritten as a whole,
/// show.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn verify(app: &App, anchor: Option<&Anchor>) -> Result<Verification, ServiceError> {
    let key = key(app).await?;
    // Entries written while merit kept its own secret in the database, before `MERIT_SECRET`
    // was set, hold under the key of that secret — up to the first entry under the new key,
    // which seals them (a rewrite of them breaks it).
    let earlier = match (
        &app.settings.secret,
        app.store
            .setting(crate::service::ground::links::GENERATED_SECRET)
            .await?,
    ) {
        (Some(_), Some(stored)) => Some(AuditKey::derive(stored.as_bytes(), &app.settings.tenant)),
        _ => None,
    };
    let mut rotated = earlier.is_none();
    if let Some(a) = anchor
        && a.instansi != app.settings.tenant
    {
        return Err(ServiceError::value(
            "--anchor",
            format!(
                "jangkar untuk instansi '{}', bukan '{}'",
                a.instansi, app.settings.tenant
            ),
        ));
    }
    let jangkar = anchor.map(|a| a.urutan);
    let mut prev_hash = GENESIS.to_owned();
    let mut expected = 1;
    let mut checked = 0;
    // Where the keyed chain began: an unkeyed entry after it was written around the key.
    let mut keyed_since: Option<i64> = None;
    let mut previous_keyed = true;
    loop {
        let page = app.store.audit_after(expected - 1, 5_000).await?;
        if page.is_empty() {
            break;
        }
        for e in page {
            let broken = if e.urutan != expected {
                Some(format!(
                    "entri {expected} hilang (berikutnya yang ada: {})",
                    e.urutan
                ))
            } else if e.hash_sebelum != prev_hash {
                Some("tidak menyambung dengan entri sebelumnya".to_owned())
            } else if let (Some(since), false) = (keyed_since, e.berkunci) {
                Some(format!(
                    "entri tanpa kunci setelah rantai berkunci sejak entri {since}: ditulis tanpa kunci server"
                ))
            } else if e.berkunci && !previous_keyed && e.aksi != Action::AuditSegel.code() {
                // Only the seal follows the entries written before keyed hashes: a keyed entry
                // on an unkeyed head means the keyed entries before it were taken away.
                Some(
                    "entri berkunci pertama setelah entri tanpa kunci bukan segel: entri berkunci sebelumnya dihapus atau ditulis ulang"
                        .to_owned(),
                )
            } else if !e.holds_after(&prev_hash, &key)
                && (rotated
                    || !earlier
                        .as_ref()
                        .is_some_and(|k| e.holds_after(&prev_hash, k)))
            {
                Some(if e.berkunci {
                    "isinya berubah sejak dicatat (atau MERIT_SECRET berbeda dari saat dicatat)"
                        .to_owned()
                } else {
                    "isinya berubah sejak dicatat".to_owned()
                })
            } else {
                None
            };
            if let Some(alasan) = broken {
                return Ok(Verification::broken(checked, expected, alasan, jangkar));
            }
            if let Some(a) = anchor
                && e.urutan == a.urutan
                && (e.hash != a.hash || e.waktu_ms != a.waktu_ms)
            {
                return Ok(Verification::broken(
                    checked,
                    a.urutan,
                    format!(
                        "entri {} tidak sama dengan jangkar tanggal {}: rantai ditulis ulang",
                        a.urutan, a.waktu
                    ),
                    jangkar,
                ));
            }
            if e.berkunci && keyed_since.is_none() {
                keyed_since = Some(e.urutan);
            }
            if e.berkunci && !rotated && e.holds_after(&prev_hash, &key) {
                rotated = true;
            }
            previous_keyed = e.berkunci;
            checked += 1;
            expected += 1;
            prev_hash = e.hash;
        }
    }
    if let Some(a) = anchor
        && expected <= a.urutan
    {
        return Ok(Verification::broken(
            checked,
            expected,
            format!(
                "log audit berhenti di entri {} padahal jangkar tanggal {} mencatat entri {}: entri dihapus",
                expected - 1,
                a.waktu,
                a.urutan
            ),
            jangkar,
        ));
    }
    Ok(Verification {
        diperiksa: checked,
        rusak_pada: None,
        alasan: None,
        jangkar,
        kunci_di_basis_data: key_in_database(app),
    })
}
