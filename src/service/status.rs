//! How the service is doing, for `/healthz` and `/metrics`, and the database schema
//! (`merit migrate`): figures read from the database, in service types.

use std::collections::BTreeMap;

use super::{App, ServiceError};
use crate::{config::Settings, store::Store};

/// Whether the database answers.
pub async fn ping(app: &App) -> Result<(), ServiceError> {
    Ok(app.store.ping().await?)
}

/// The figures `/metrics` shows from the database.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Figures {
    /// Messages waiting to be sent.
    pub outbox_menunggu: i64,
    /// Messages sent.
    pub outbox_terkirim: i64,
    /// Messages given up.
    pub outbox_gagal: i64,
    /// Age of the oldest waiting message, ms.
    pub outbox_umur_tertua_ms: i64,
    /// Decisions recorded, by channel (`tautan`, `balasan`, `cli`).
    pub keputusan_per_saluran: Vec<(String, i64)>,
    /// Workflow instances by status.
    pub instans_per_status: Vec<(String, i64)>,
    /// Screening runs by status.
    pub penyaringan_per_status: BTreeMap<&'static str, u64>,
}

/// Reads the figures; each group that cannot be read is left out (and logged).
pub async fn figures(app: &App) -> Figures {
    let mut f = Figures::default();
    match app.store.outbox_stats(app.clock.now_ms()).await {
        Ok(s) => {
            f.outbox_menunggu = s.menunggu;
            f.outbox_terkirim = s.terkirim;
            f.outbox_gagal = s.gagal;
            f.outbox_umur_tertua_ms = s.umur_tertua_ms;
        }
        Err(e) => tracing::warn!("angka kotak keluar tidak terbaca: {e}"),
    }
    match app.store.decisions_by_channel().await {
        Ok(rows) => f.keputusan_per_saluran = rows,
        Err(e) => tracing::warn!("angka keputusan tidak terbaca: {e}"),
    }
    match app.store.instances_by_status().await {
        Ok(rows) => f.instans_per_status = rows,
        Err(e) => tracing::warn!("angka instans tidak terbaca: {e}"),
    }
    match app.store.runs().await {
        Ok(runs) => {
            for r in runs {
                *f.penyaringan_per_status.entry(r.status.code()).or_default() += 1;
            }
        }
        Err(e) => tracing::warn!("angka penyaringan tidak terbaca: {e}"),
    }
    f
}

/// Applies pending migrations; returns the names applied.
pub async fn migrate(settings: &Settings) -> Result<Vec<String>, ServiceError> {
    let store = Store::connect(&settings.database_url, &settings.tenant).await?;
    Ok(store.migrate().await?)
}
