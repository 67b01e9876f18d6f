//! `merit place`, `merit export decisions`, `merit export placements`.

pub mod decrees;
pub mod details;
pub mod documents;
pub mod enclosures;
pub mod lists;

use std::{collections::BTreeMap, path::Path, sync::Arc};

use super::{
    App, Prerequisite, Refusal, ServiceError, Sought,
    ground::{audit::Actor, runs::existing_run},
};
use crate::{
    domain::{Findings, Hasil},
    export::{Section, TableWriter, Value},
    placement,
    placement::PlacementRecord,
    screening::{Run, RunStatus},
};

/// The run to use: the one named, else the newest finished run.
async fn chosen_run(app: &App, id: Option<&str>) -> Result<Run, ServiceError> {
    let run = match id {
        Some(id) => existing_run(&app.store, id).await?,
        None => app
            .store
            .latest_finished_run(None)
            .await?
            .ok_or_else(|| ServiceError::missing(Prerequisite::FinishedScreening))?,
    };
    if run.status != RunStatus::Selesai {
        return Err(Refusal::RunUnfinished(run.id).into());
    }
    Ok(run)
}

/// What an export wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportReport {
    /// The path of the file written, as given (display form).
    pub berkas: String,
    /// Data rows.
    pub baris: u64,
    /// The run (decisions) or placement exported.
    pub sumber: String,
}

/// A NIK cell: in full for roles that may see it, else masked.
pub(super) fn shown(nik: &crate::domain::Nik, full: bool) -> Value {
    if full {
        nik.as_str().into()
    } else {
        nik.masked().into()
    }
}

fn priority_value(p: Option<f64>) -> Value {
    p.map_or(Value::Empty, Value::Number)
}

/// Rule titles of a run's ruleset version (for the summary sheet and the console).
pub(super) async fn rule_titles(app: &App, run: &Run) -> BTreeMap<String, String> {
    crate::service::ground::runs::ruleset_of(app, run, None)
        .await
        .map(|rs| {
            rs.rules
                .iter()
                .map(|r| (r.id.clone(), r.judul.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Places taken per formation in placement `id` (kept after the first read: a placement never
/// changes).
pub(super) async fn counts(app: &App, id: &str) -> Result<Arc<Vec<(String, u64)>>, ServiceError> {
    kept_counts(app, id.to_owned(), || app.store.placement_counts(id)).await
}

/// Places taken per unit in placement `id` (kept like [`counts`]).
pub(super) async fn unit_counts(
    app: &App,
    id: &str,
) -> Result<Arc<Vec<(String, u64)>>, ServiceError> {
    kept_counts(app, format!("{id}/unit"), || {
        app.store.placement_unit_counts(id)
    })
    .await
}

/// Counts of a placement under `key`, read by `read` once: pages asking at once wait for the
/// first reader instead of each counting again.
async fn kept_counts<F, Fut>(
    app: &App,
    key: String,
    read: F,
) -> Result<Arc<Vec<(String, u64)>>, ServiceError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = crate::store::StoreResult<Vec<(String, u64)>>>,
{
    static READING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let kept = || {
        app.caches
            .placement_counts
            .lock()
            .ok()
            .and_then(|c| c.get(&key).cloned())
    };
    if let Some(c) = kept() {
        return Ok(c);
    }
    let _turn = READING.lock().await;
    if let Some(c) = kept() {
        return Ok(c);
    }
    let counts = Arc::new(read().await?);
    if let Ok(mut c) = app.caches.placement_counts.lock() {
        c.insert(key, counts.clone());
    }
    Ok(counts)
}

/// Writes the decisions of a run (interfaces.md 5) to a `.csv` or `.xlsx` file.
/// With `full_identifiers` false the NIK column is masked to its last four digits (for roles
/// that may not see it).
#[tracing::instrument(level = "debug", skip_all, fields(run = ?run))]
pub async fn export_decisions(
    app: &App,
    run: Option<&str>,
    path: &Path,
    full_identifiers: bool,
) -> Result<ExportReport, ServiceError> {
    let run = chosen_run(app, run).await?;
    let titles = rule_titles(app, &run).await;
    let header = [
        "nik",
        "nama",
        "unit_kerja",
        "kategori_pelamar",
        "hasil",
        "prioritas",
        "aturan_gagal",
        "aturan_tinjau",
        "alasan",
        "versi_aturan",
        "run_id",
    ];
    let widths = [
        19.0, 28.0, 12.0, 10.0, 17.0, 10.0, 16.0, 16.0, 80.0, 18.0, 38.0,
    ];
    let mut out = TableWriter::create(path, "Keputusan", &header, &widths)?;
    let mut per_unit: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    let mut per_rule: BTreeMap<String, [u64; 2]> = BTreeMap::new();
    let mut totals = [0u64; 3];
    let mut cursor = String::new();
    loop {
        let page = app.store.export_page(&run.id, &cursor, 5_000).await?;
        let Some(last) = page.last() else {
            break;
        };
        cursor = last.decision.nik.as_str().to_owned();
        for row in &page {
            let d = &row.decision;
            let f = Findings::of(run.aturan.iter().map(String::as_str), &d.verdicts());
            for id in &f.gagal {
                per_rule.entry(id.clone()).or_default()[0] += 1;
            }
            for id in &f.tinjau {
                per_rule.entry(id.clone()).or_default()[1] += 1;
            }
            let slot = match d.hasil {
                Hasil::Layak => 0,
                Hasil::TidakLayak => 1,
                Hasil::PerluVerifikasi => 2,
            };
            totals[slot] += 1;
            per_unit.entry(row.unit_kerja.clone()).or_default()[slot] += 1;
            out.row(&[
                shown(&d.nik, full_identifiers),
                row.nama.clone().into(),
                row.unit_kerja.clone().into(),
                row.kategori_pelamar.clone().into(),
                d.hasil.code().into(),
                priority_value(d.prioritas),
                f.gagal.join(";").into(),
                f.tinjau.join(";").into(),
                if full_identifiers {
                    f.alasan.join("; ").into()
                } else {
                    crate::domain::redact_identifiers(&f.alasan.join("; "))
                        .0
                        .into()
                },
                run.versi.clone().into(),
                run.id.clone().into(),
            ])?;
        }
    }
    let n = |v: u64| Value::Number(v as f64);
    let summary = vec![
        Section {
            title: format!(
                "Hasil penyaringan {} (kumpulan aturan {}, sidik {})",
                crate::domain::format_moment_id(
                    crate::clock::from_ms(run.dibuat_ms),
                    app.settings.timezone
                ),
                run.ruleset,
                run.versi
            ),
            header: vec!["Hasil".into(), "Jumlah".into()],
            rows: vec![
                vec!["Layak".into(), n(totals[0])],
                vec!["Tidak layak".into(), n(totals[1])],
                vec!["Perlu verifikasi".into(), n(totals[2])],
                vec!["Jumlah".into(), n(totals.iter().sum())],
            ],
        },
        Section {
            title: "Per unit kerja".into(),
            header: vec![
                "Unit kerja".into(),
                "Layak".into(),
                "Tidak layak".into(),
                "Perlu verifikasi".into(),
            ],
            rows: per_unit
                .iter()
                .map(|(u, c)| vec![u.clone().into(), n(c[0]), n(c[1]), n(c[2])])
                .collect(),
        },
        Section {
            title: "Per aturan yang tidak dipenuhi".into(),
            header: vec![
                "Aturan".into(),
                "Gagal".into(),
                "Perlu tinjauan / kesalahan".into(),
            ],
            rows: run
                .aturan
                .iter()
                .map(|id| {
                    let c = per_rule.get(id).copied().unwrap_or_default();
                    let label = titles
                        .get(id)
                        .map_or_else(|| id.clone(), |t| format!("{id} {t}"));
                    vec![label.into(), n(c[0]), n(c[1])]
                })
                .collect(),
        },
    ];
    let rows = out.finish(&summary)?;
    Ok(ExportReport {
        berkas: path.display().to_string(),
        baris: u64::from(rows),
        sumber: run.id,
    })
}

/// What `merit place` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlacementReport {
    /// The stored placement.
    #[serde(flatten)]
    pub penempatan: PlacementRecord,
    /// Unplaced candidates per reason.
    pub alasan_tidak_ditempatkan: BTreeMap<String, u64>,
}

/// Places the `layak` candidates of a run (default: the newest finished run).
#[tracing::instrument(level = "debug", skip_all, fields(run = ?run))]
pub async fn place(
    app: &App,
    run: Option<&str>,
    actor: &Actor,
) -> Result<PlacementReport, ServiceError> {
    let run = chosen_run(app, run).await?;
    let formations = app.store.formations().await?;
    if formations.is_empty() {
        return Err(ServiceError::missing(Prerequisite::Formations));
    }
    let applicants = app.store.placement_inputs(&run.id).await?;
    let slots: u64 = formations.iter().map(|f| u64::from(f.jumlah)).sum();
    let lines = tokio::task::spawn_blocking(move || placement::place(applicants, &formations))
        .await
        .map_err(|e| ServiceError::unexpected("penempatan", e))?;
    let placed = lines.iter().filter(|l| l.kode_formasi.is_some()).count() as u64;
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.kode_formasi.is_none()) {
        // Group by the reason's first clause (details such as counts vary).
        let key = l.alasan.split(" (").next().unwrap_or(&l.alasan).to_owned();
        *reasons.entry(key).or_default() += 1;
    }
    let record = PlacementRecord {
        id: uuid::Uuid::now_v7().to_string(),
        run_id: run.id.clone(),
        ditempatkan: placed,
        tidak_ditempatkan: lines.len() as u64 - placed,
        jumlah_formasi: slots,
        dibuat_oleh: actor.orang.clone(),
        dibuat_ms: app.clock.now_ms(),
    };
    let stamp = crate::service::ground::audit::stamp(
        app,
        actor,
        crate::domain::Action::Penempatan,
        &record.id,
        &format!("{} calon ditempatkan", record.ditempatkan),
    )
    .await?;
    app.store.save_placement(&record, &lines, &stamp).await?;
    Ok(PlacementReport {
        penempatan: record,
        alasan_tidak_ditempatkan: reasons,
    })
}

/// The placement named, or the newest.
#[tracing::instrument(level = "debug", skip_all, fields(id = ?id))]
pub async fn chosen_placement(
    app: &App,
    id: Option<&str>,
) -> Result<PlacementRecord, ServiceError> {
    match id {
        Some(id) => app
            .store
            .placement(id)
            .await?
            .ok_or_else(|| ServiceError::not_found(Sought::Placement, id)),
        None => app
            .store
            .latest_placement()
            .await?
            .ok_or_else(|| ServiceError::missing(Prerequisite::Placement)),
    }
}

/// Writes a placement (interfaces.md 6) to a `.csv` or `.xlsx` file.
/// With `full_identifiers` false the NIK column is masked to its last four digits.
#[tracing::instrument(level = "debug", skip_all, fields(id = ?id))]
pub async fn export_placements(
    app: &App,
    id: Option<&str>,
    path: &Path,
    full_identifiers: bool,
) -> Result<ExportReport, ServiceError> {
    let record = chosen_placement(app, id).await?;
    let header = [
        "nik",
        "nama",
        "kode_formasi",
        "unit_kerja",
        "jabatan",
        "prioritas",
        "alasan",
    ];
    let widths = [19.0, 28.0, 16.0, 12.0, 32.0, 10.0, 90.0];
    let mut out = TableWriter::create(path, "Penempatan", &header, &widths)?;
    let mut per_unit: BTreeMap<String, u64> = BTreeMap::new();
    let mut cursor = 0;
    loop {
        let page = app.store.placement_lines(&record.id, cursor, 5_000).await?;
        let Some(last) = page.last() else {
            break;
        };
        cursor = last.placement.urutan;
        for line in &page {
            let p = &line.placement;
            if let Some(u) = &p.unit_kerja {
                *per_unit.entry(u.clone()).or_default() += 1;
            }
            let text = |v: &Option<String>| v.clone().map_or(Value::Empty, Value::Text);
            out.row(&[
                shown(&p.nik, full_identifiers),
                line.nama.clone().into(),
                text(&p.kode_formasi),
                text(&p.unit_kerja),
                text(&p.jabatan),
                priority_value(p.prioritas),
                p.alasan.clone().into(),
            ])?;
        }
    }
    let n = |v: u64| Value::Number(v as f64);
    let summary = vec![
        Section {
            title: format!(
                "Penempatan {}",
                crate::domain::format_moment_id(
                    crate::clock::from_ms(record.dibuat_ms),
                    app.settings.timezone
                )
            ),
            header: vec!["".into(), "Jumlah".into()],
            rows: vec![
                vec!["Ditempatkan".into(), n(record.ditempatkan)],
                vec!["Tidak ditempatkan".into(), n(record.tidak_ditempatkan)],
                vec!["Kebutuhan formasi".into(), n(record.jumlah_formasi)],
            ],
        },
        Section {
            title: "Ditempatkan per unit kerja".into(),
            header: vec!["Unit kerja".into(), "Jumlah".into()],
            rows: per_unit
                .iter()
                .map(|(u, c)| vec![u.clone().into(), n(*c)])
                .collect(),
        },
    ];
    let rows = out.finish(&summary)?;
    Ok(ExportReport {
        berkas: path.display().to_string(),
        baris: u64::from(rows),
        sumber: record.id,
    })
}
