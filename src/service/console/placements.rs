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
    /// The placement's UUID (v7).
    pub id: String,
    /// As people name it: `Penempatan 7 Desember 2026 pukul 02.05`.
    pub nama: String,
    /// The id of the screening run the placement was made from.
    pub penyaringan: String,
    /// The run's name.
    pub penyaringan_nama: String,
    /// When the placement was made, as `30 November 2026 pukul 09.15 WIB`.
    pub dibuat: String,
    /// Candidates the placement gave a formation place.
    pub ditempatkan: u64,
    /// Eligible candidates left without a place.
    pub tidak_ditempatkan: u64,
    /// Formation places offered when the placement was made.
    pub kebutuhan: u64,
    /// The least filled units (or the unit asked for).
    pub per_unit: Vec<UnitFill>,
    /// Units in all.
    pub jumlah_unit: usize,
    /// The unit asked for, whose formation lines follow.
    pub unit: Option<String>,
    /// The formations of the unit asked for, one line each; empty when no unit is asked for.
    pub per_formasi: Vec<FormationFill>,
    /// A page of the unplaced.
    pub belum: Vec<Unplaced>,
    /// Where the next page starts.
    pub berikutnya: Option<u64>,
}

/// One formation line.
#[derive(Debug, Clone, Serialize)]
pub struct FormationFill {
    /// The formation's code (`kode_formasi`).
    pub kode: String,
    /// The formation's work unit code.
    pub unit: String,
    /// The formation's position name.
    pub jabatan: String,
    /// Places the formation offers (its `jumlah`).
    pub kebutuhan: u64,
    /// Of those, the places the latest placement filled.
    pub terisi: u64,
    /// Places left: `kebutuhan` less `terisi`, never below 0.
    pub sisa: u64,
    /// `terisi` of `kebutuhan` in percent, 0–100.
    pub persen: u64,
}

/// An eligible candidate without a slot.
#[derive(Debug, Clone, Serialize)]
pub struct Unplaced {
    /// A sealed console reference to the candidate's page (no NIK in it).
    pub rujukan: String,
    /// Masked.
    pub nik: String,
    /// The candidate's name as imported.
    pub nama: String,
    /// Why no place was found, as the placement wrote it (`alasan` = reason).
    pub alasan: String,
}

/// The latest placement (none when nothing was placed yet), unplaced after rank `after`.
/// Units shown when none is asked for.
const UNITS_SHOWN: usize = 50;

/// The latest placement: its least filled units, or one unit with its formation lines, and a
/// page of the unplaced.
#[tracing::instrument(level = "debug", skip_all)]
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
