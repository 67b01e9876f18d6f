//! The audit recorder: every use case that changes state writes its entry here, with the
//! [`Actor`] its entry point knows. The chain is keyed (console.md 5): each hash is an HMAC
//! under [`key`], derived from the server secret and never stored. An older, unkeyed chain is
//! sealed into the keyed one by an `audit_segel` entry the first time this version writes.

use super::ServiceError;
use crate::{
    domain::{Action, AuditEntry, AuditEvent, AuditKey, AuditStamp},
    service::App,
};

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
            orang: format!("cli:{}", crate::service::current_user()),
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

    /// What the scheduler starts.
    pub fn schedule() -> Self {
        Self {
            orang: "jadwal".to_owned(),
            dari: "jadwal".to_owned(),
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

/// The key of this agency's chain, derived from the server secret.
pub async fn key(app: &App) -> Result<AuditKey, ServiceError> {
    let secret = super::links::link_secret(app).await?;
    Ok(AuditKey::derive(&secret, &app.settings.tenant))
}

/// A keyed tag of `value` (a NIK, a typed e-mail address): the same value gives the same tag,
/// so every entry about one person can be found, without the value in the log.
pub async fn tag(app: &App, value: &str) -> Result<String, ServiceError> {
    Ok(key(app).await?.tag(value))
}

/// Seals a chain written wholly before keyed hashes (its newest entry unkeyed, no keyed entry
/// anywhere) with an `audit_segel` entry: from it on every entry is keyed and the old chain
/// cannot be rewritten without breaking the seal. An unkeyed head after keyed entries were
/// written is not sealed: it can only come from someone rewriting the log, and [`verify`]
/// names it.
pub(in crate::service) async fn seal_if_needed(
    app: &App,
    key: &AuditKey,
) -> Result<(), ServiceError> {
    if app.caches.audit_sealed.get().is_some() {
        return Ok(());
    }
    if let Some(head) = app.store.audit_head().await?
        && !head.berkunci
        && !app.store.audit_has_keyed().await?
    {
        let event = AuditEvent {
            orang: "sistem".to_owned(),
            dari: "sistem".to_owned(),
            aksi: Action::AuditSegel.code().to_owned(),
            objek: format!("entri 1–{}", head.urutan),
            rincian: format!(
                "rantai audit lama (SHA-256, entri 1 sampai {}, hash terakhir {}) disegel; entri berikutnya dikunci dengan HMAC",
                head.urutan, head.hash
            ),
        };
        app.store
            .append_audit(&event, app.clock.now_ms(), key)
            .await?;
    }
    let _ = app.caches.audit_sealed.set(());
    Ok(())
}

/// Prepares an entry before the change it records: details bounded and stripped of control
/// characters, any full NIK or NIP in them masked (the log says whose data was seen, never the
/// number itself), the key derived and an old chain sealed. The store function that makes the
/// change appends it in the same transaction, so the change and its entry commit together.
pub async fn stamp(
    app: &App,
    actor: &Actor,
    action: Action,
    objek: &str,
    rincian: &str,
) -> Result<AuditStamp, ServiceError> {
    use crate::domain::{RINCIAN_CHARS, clipped as clip};
    let event = AuditEvent {
        orang: clip(&actor.orang, 254),
        dari: clip(&actor.dari, 64),
        aksi: action.code().to_owned(),
        objek: clip(objek, crate::domain::OBJEK_CHARS),
        rincian: clip(rincian, RINCIAN_CHARS),
    };
    let key = key(app).await?;
    seal_if_needed(app, &key).await?;
    Ok(AuditStamp {
        event,
        key,
        waktu_ms: app.clock.now_ms(),
    })
}

/// Appends an entry in a transaction of its own (see [`stamp`] for what is kept of it): for a
/// change that is already made, a failure is an error all the same.
pub async fn record(
    app: &App,
    actor: &Actor,
    action: Action,
    objek: &str,
    rincian: &str,
) -> Result<AuditEntry, ServiceError> {
    let s = stamp(app, actor, action, objek, rincian).await?;
    Ok(app.store.append_audit(&s.event, s.waktu_ms, &s.key).await?)
}

/// Records, logging rather than failing: only for something already done outside the database
/// (a reload of files, a refused mail reply).
pub async fn note(app: &App, actor: &Actor, action: Action, objek: &str, rincian: &str) {
    if let Err(e) = record(app, actor, action, objek, rincian).await {
        tracing::error!(aksi = action.code(), "catatan audit tidak tersimpan: {e}");
    }
}
