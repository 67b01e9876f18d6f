//! How the service is doing, for `/healthz` and `/metrics`, and the database schema
//! (`merit migrate`): figures read from the database, in service types.

use std::collections::BTreeMap;

use super::{App, ServiceError};
use crate::{config::Settings, store::Store};

/// Whether the database answers.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ping(app: &App) -> Result<(), ServiceError> {
    Ok(app.store.ping().await?)
}

/// The outbox at a glance.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OutboxFigures {
    /// Messages waiting to be sent.
    pub menunggu: i64,
    /// Messages sent.
    pub terkirim: i64,
    /// Messages given up.
    pub gagal: i64,
    /// Age of the oldest waiting message, ms.
    pub umur_tertua_ms: i64,
}

/// The figures `/metrics` shows from the database; a group that could not be read is `None`
/// (and left out of `/metrics`, so that an outage is not reported as zeros).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Figures {
    /// The outbox.
    pub outbox: Option<OutboxFigures>,
    /// Decisions recorded, by channel (`tautan`, `balasan`, `cli`).
    pub keputusan_per_saluran: Option<Vec<(String, i64)>>,
    /// Workflow instances by status.
    pub instans_per_status: Option<Vec<(String, i64)>>,
    /// Screening runs by status.
    pub penyaringan_per_status: Option<BTreeMap<&'static str, u64>>,
}

fn logged<T, E: std::fmt::Display>(what: &str, r: Result<T, E>) -> Option<T> {
    r.map_err(|e| tracing::warn!("{what} tidak terbaca: {e}"))
        .ok()
}

/// The outbox figures (none when they cannot be read; logged).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn outbox(app: &App) -> Option<OutboxFigures> {
    logged(
        "angka kotak keluar",
        app.store.outbox_stats(app.clock.now_ms()).await,
    )
    .map(|s| OutboxFigures {
        menunggu: s.menunggu,
        terkirim: s.terkirim,
        gagal: s.gagal,
        umur_tertua_ms: s.umur_tertua_ms,
    })
}

/// Reads the figures; each group that cannot be read is left out (and logged).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn figures(app: &App) -> Figures {
    let outbox = outbox(app).await;
    let runs = logged("angka penyaringan", app.store.runs().await).map(|runs| {
        let mut by: BTreeMap<&'static str, u64> = BTreeMap::new();
        for r in runs {
            *by.entry(r.status.code()).or_default() += 1;
        }
        by
    });
    Figures {
        outbox,
        keputusan_per_saluran: logged("angka keputusan", app.store.decisions_by_channel().await),
        instans_per_status: logged("angka instans", app.store.instances_by_status().await),
        penyaringan_per_status: runs,
    }
}

/// Applies pending migrations; returns the names applied.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn migrate(settings: &Settings) -> Result<Vec<String>, ServiceError> {
    let store = Store::connect(&settings.database_url, &settings.tenant).await?;
    Ok(store.migrate().await?)
}
