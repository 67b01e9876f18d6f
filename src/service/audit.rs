//! The audit log: every sign-in, state change and full-identifier view, written by the entry
//! point that knows who and from where (the console, the command line, the scheduler), and
//! checked link by link by `merit audit verify`.

use serde::Serialize;

use super::{App, ServiceError};
use crate::domain::{Action, AuditEntry, AuditEvent, AuditFilter, GENESIS};

/// Who acts, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// An account's e-mail, `cli:USER`, or `sistem`.
    pub orang: String,
    /// An IP address, `cli`, or `sistem`.
    pub dari: String,
}

impl Actor {
    /// Whoever runs the command line.
    pub fn cli() -> Self {
        Self {
            orang: format!("cli:{}", super::current_user()),
            dari: "cli".to_owned(),
        }
    }

    /// merit itself (the scheduler, the reload loop).
    pub fn system() -> Self {
        Self {
            orang: "sistem".to_owned(),
            dari: "sistem".to_owned(),
        }
    }

    /// A signed-in account at an address.
    pub fn account(email: &str, dari: &str) -> Self {
        Self {
            orang: email.to_owned(),
            dari: dari.to_owned(),
        }
    }
}

/// Appends an entry. Details are bounded and stripped of control characters, and any full
/// NIK or NIP in them is masked: the log says whose data was seen, never the number itself.
pub async fn record(
    app: &App,
    actor: &Actor,
    action: Action,
    objek: &str,
    rincian: &str,
) -> Result<AuditEntry, ServiceError> {
    let clip = |s: &str, n: usize| {
        crate::domain::redact_identifiers(&crate::domain::strip_controls(s))
            .0
            .chars()
            .take(n)
            .collect()
    };
    let event = AuditEvent {
        orang: clip(&actor.orang, 254),
        dari: clip(&actor.dari, 64),
        aksi: action.code().to_owned(),
        objek: clip(objek, 500),
        rincian: clip(rincian, 2_000),
    };
    Ok(app.store.append_audit(&event, app.clock.now_ms()).await?)
}

/// Records, logging rather than failing: for actions that have already happened.
pub async fn note(app: &App, actor: &Actor, action: Action, objek: &str, rincian: &str) {
    if let Err(e) = record(app, actor, action, objek, rincian).await {
        tracing::error!(aksi = action.code(), "catatan audit tidak tersimpan: {e}");
    }
}

/// Entries newest first.
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
}

/// Recomputes the chain from the first entry; stops at the first that does not hold.
pub async fn verify(app: &App) -> Result<Verification, ServiceError> {
    let mut prev_hash = GENESIS.to_owned();
    let mut expected = 1;
    let mut checked = 0;
    loop {
        let page = app.store.audit_after(expected - 1, 5_000).await?;
        if page.is_empty() {
            return Ok(Verification {
                diperiksa: checked,
                rusak_pada: None,
                alasan: None,
            });
        }
        for e in page {
            let broken = if e.urutan != expected {
                Some(format!(
                    "entri {expected} hilang (berikutnya yang ada: {})",
                    e.urutan
                ))
            } else if e.hash_sebelum != prev_hash {
                Some("tidak menyambung dengan entri sebelumnya".to_owned())
            } else if !e.holds_after(&prev_hash) {
                Some("isinya berubah sejak dicatat".to_owned())
            } else {
                None
            };
            if let Some(alasan) = broken {
                return Ok(Verification {
                    diperiksa: checked,
                    rusak_pada: Some(expected),
                    alasan: Some(alasan),
                });
            }
            checked += 1;
            expected += 1;
            prev_hash = e.hash;
        }
    }
}
