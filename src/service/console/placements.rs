//! Penempatan: per unit and per formation (needs, filled, left), and the eligible candidates
//! without a slot with their reasons, in placement order.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{dashboard::UnitFill, percent, when};
use crate::service::{App, ServiceError, placement};

/// Rows of the unplaced list per page.
pub const PAGE: u64 = 50;

/// The latest placement.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub id: String,
    pub penyaringan: String,
    pub dibuat: String,
    pub ditempatkan: u64,
    pub tidak_ditempatkan: u64,
    pub kebutuhan: u64,
    pub per_unit: Vec<UnitFill>,
    pub per_formasi: Vec<FormationFill>,
    /// A page of the unplaced.
    pub belum: Vec<Unplaced>,
    /// Where the next page starts.
    pub berikutnya: Option<u64>,
}

/// One formation line.
#[derive(Debug, Clone, Serialize)]
pub struct FormationFill {
    pub kode: String,
    pub unit: String,
    pub jabatan: String,
    pub kebutuhan: u64,
    pub terisi: u64,
    pub sisa: u64,
    pub persen: u64,
}

/// An eligible candidate without a slot.
#[derive(Debug, Clone, Serialize)]
pub struct Unplaced {
    pub rujukan: String,
    /// Masked.
    pub nik: String,
    pub nama: String,
    pub alasan: String,
}

/// The latest placement (none when nothing was placed yet), unplaced after rank `after`.
pub async fn view(app: &App, after: u64) -> Result<Option<View>, ServiceError> {
    let Some(p) = app.store.latest_placement().await? else {
        return Ok(None);
    };
    let taken: BTreeMap<String, u64> = placement::counts(app, &p.id)
        .await?
        .iter()
        .cloned()
        .collect();
    let per_formasi = app
        .store
        .formations()
        .await?
        .into_iter()
        .map(|f| {
            let kebutuhan = u64::from(f.jumlah);
            let terisi = taken.get(&f.kode_formasi).copied().unwrap_or(0);
            FormationFill {
                persen: percent(terisi, kebutuhan),
                sisa: kebutuhan.saturating_sub(terisi),
                kode: f.kode_formasi,
                unit: f.unit_kerja,
                jabatan: f.jabatan,
                kebutuhan,
                terisi,
            }
        })
        .collect();
    let secret = crate::service::outbox::link_secret(app).await?;
    let mut rows = app
        .store
        .placement_page(&p.id, false, after, PAGE + 1)
        .await?;
    let more = rows.len() as u64 > PAGE;
    rows.truncate(PAGE as usize);
    let berikutnya = more.then(|| rows.last().map(|(l, _)| l.urutan)).flatten();
    Ok(Some(View {
        per_unit: super::dashboard::unit_fill(app, &p.id).await?,
        per_formasi,
        belum: rows
            .into_iter()
            .map(|(l, nama)| Unplaced {
                rujukan: crate::auth::seal(&secret, l.nik.as_str()),
                nik: l.nik.masked(),
                nama,
                alasan: l.alasan,
            })
            .collect(),
        berikutnya,
        dibuat: when(p.dibuat_ms, app.settings.timezone),
        id: p.id,
        penyaringan: p.run_id,
        ditempatkan: p.ditempatkan,
        tidak_ditempatkan: p.tidak_ditempatkan,
        kebutuhan: p.jumlah_formasi,
    }))
}
