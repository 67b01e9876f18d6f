//! Penempatan: per unit and per formation (needs, filled, left), and the eligible candidates
//! without a slot with their reasons, in placement order.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{dashboard::UnitFill, percent};
use crate::service::ground::when;
use crate::service::{App, ServiceError, placement};

/// Rows of the unplaced list per page.
pub const PAGE: u64 = 50;

/// The latest placement.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub id: String,
    /// As people name it: `Penempatan 7 Desember 2026 pukul 02.05`.
    pub nama: String,
    pub penyaringan: String,
    /// The run's name.
    pub penyaringan_nama: String,
    pub dibuat: String,
    pub ditempatkan: u64,
    pub tidak_ditempatkan: u64,
    pub kebutuhan: u64,
    /// The least filled units (or the unit asked for).
    pub per_unit: Vec<UnitFill>,
    /// Units in all.
    pub jumlah_unit: usize,
    /// The unit asked for, whose formation lines follow.
    pub unit: Option<String>,
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
/// Units shown when none is asked for.
const UNITS_SHOWN: usize = 50;

/// The latest placement: its least filled units, or one unit with its formation lines, and a
/// page of the unplaced.
#[tracing::instrument(skip_all)]
pub async fn view(app: &App, after: u64, unit: Option<&str>) -> Result<Option<View>, ServiceError> {
    let Some(p) = app.store.latest_placement().await? else {
        return Ok(None);
    };
    let taken: BTreeMap<String, u64> = placement::counts(app, &p.id)
        .await?
        .iter()
        .cloned()
        .collect();
    let unit = unit.map(str::trim).filter(|u| !u.is_empty());
    let formations = match unit {
        Some(u) => app.store.formations_of_unit(u).await?,
        None => Vec::new(),
    };
    let per_formasi = formations
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
    let secret = crate::service::ground::links::link_secret(app).await?;
    let mut rows = app
        .store
        .placement_page(&p.id, false, after, PAGE + 1)
        .await?;
    let more = rows.len() as u64 > PAGE;
    rows.truncate(PAGE as usize);
    let berikutnya = more.then(|| rows.last().map(|(l, _)| l.urutan)).flatten();
    let fill = super::dashboard::unit_fill(app, &p.id).await?;
    let jumlah_unit = fill.len();
    let per_unit = match unit {
        Some(u) => fill.iter().filter(|f| f.unit == u).cloned().collect(),
        None => fill.iter().take(UNITS_SHOWN).cloned().collect(),
    };
    let penyaringan_nama = super::RunNames::load(app).await?.name(&p.run_id);
    Ok(Some(View {
        nama: super::placement_name(p.dibuat_ms, app.settings.timezone),
        penyaringan_nama,
        per_unit,
        jumlah_unit,
        unit: unit.map(str::to_owned),
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
