//! What links and references are made with: the link-signing secret (also the root of the
//! audit key), and console references that carry a sealed NIK instead of the number.

use std::sync::Arc;

use super::{Refusal, ServiceError, Sought};
use crate::{
    domain::Nik,
    notify::token::{self, Token},
    service::App,
    workflow::{CodeRow, InstanceRow},
};

/// The setting under which merit keeps the secret it generated when `MERIT_SECRET` is unset.
pub(crate) const GENERATED_SECRET: &str = "rahasia_tautan";

/// The link-signing secret: `MERIT_SECRET`, else one generated once and kept in the database.
pub async fn link_secret(app: &App) -> Result<Arc<Vec<u8>>, ServiceError> {
    if let Some(s) = &app.settings.secret {
        return Ok(Arc::new(s.expose().as_bytes().to_vec()));
    }
    if let Some(s) = app.caches.link_secret.lock().ok().and_then(|c| c.clone()) {
        return Ok(s);
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ServiceError::failed("pembangkit acak", e))?;
    let stored = app
        .store
        .setting_or_insert(GENERATED_SECRET, &hex::encode(bytes))
        .await?;
    let secret = Arc::new(stored.into_bytes());
    if let Ok(mut c) = app.caches.link_secret.lock() {
        *c = Some(secret.clone());
    }
    Ok(secret)
}

/// A candidate's opaque reference for links (no NIK in a list page's source).
pub async fn reference(app: &App, nik: &Nik) -> Result<String, ServiceError> {
    let secret = link_secret(app).await?;
    Ok(crate::auth::seal(&secret, nik.as_str()))
}

/// The candidate named by `key`: a full NIK (typed by someone who knows it) or a reference
/// from a link.
pub async fn candidate_key(app: &App, key: &str) -> Result<Nik, ServiceError> {
    if let Ok(nik) = Nik::parse(key) {
        return Ok(nik);
    }
    let secret = link_secret(app).await?;
    crate::auth::open(&secret, key)
        .and_then(|s| Nik::parse(&s).ok())
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, "(rujukan tidak dikenal)"))
}

/// A link's token, checked: signed by us, for a prompt we sent, not expired.
pub struct Verified {
    /// The token as signed: the prompt's reference code, the answer it stands for, when issued.
    pub token: Token,
    /// The stored prompt the code names: its instance, step, step visit and person.
    pub code: CodeRow,
    /// The workflow instance the prompt belongs to, as stored now.
    pub row: InstanceRow,
}

/// Checks a link's token (what every page behind a link starts with).
pub async fn verified(app: &App, raw: &str) -> Result<Verified, ServiceError> {
    let secret = link_secret(app).await?;
    let t: Token = match token::verify(&secret, raw) {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!("tautan persetujuan ditolak: {e}");
            return Err(Refusal::LinkUnknown.into());
        }
    };
    let Some(code) = app.store.code(&t.kode).await? else {
        tracing::warn!(kode = %t.kode, "tautan persetujuan dengan kode tidak dikenal");
        return Err(Refusal::LinkUnknown.into());
    };
    let Some(row) = app.store.instance(&code.instans_id).await? else {
        return Err(Refusal::LinkUnknown.into());
    };
    if app.clock.now_ms() > t.terbit_ms + app.settings.link_ttl.num_milliseconds() {
        return Err(Refusal::LinkExpired.into());
    }
    Ok(Verified {
        token: t,
        code,
        row,
    })
}
