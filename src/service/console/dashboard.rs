//! Beranda: the latest run and its counts by category and by rule (kept with the run, never
//! recounted), placement fill per unit, open workflow steps and those past their deadline,
//! outbox health, and the next scheduled jobs.

use std::{collections::BTreeMap, sync::Arc};

use serde::Serialize;

use super::percent;
use crate::service::ground::when;
use crate::{
    domain::KategoriPelamar,
    service::{App, ServiceError, placement, scheduler, status::OutboxFigures},
};

/// The front page.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// The latest run, if any.
    pub penyaringan: Option<RunCard>,
    /// The latest placement, if any.
    pub penempatan: Option<PlacementCard>,
    /// Approval workflows.
    pub alur: WorkflowCard,
    /// The outbox (none when it could not be read).
    pub kotak_keluar: Option<OutboxFigures>,
    /// Scheduled jobs and when each runs next.
    pub jadwal: Vec<NextJob>,
}

/// A run in figures.
#[derive(Debug, Clone, Serialize)]
pub struct RunCard {
    /// The run's UUID (v7), as in its page's address.
    pub id: String,
    /// As people name it: `Penyaringan 7 Desember 2026 pukul 02.00 (versi 3)`.
    pub nama: String,
    /// The id of the ruleset the run judged with.
    pub ruleset: String,
    /// The ruleset version's fingerprint (`sidik`) as the run stored it, not in words.
    pub versi: String,
    /// `berjalan`, `selesai`, `gagal`.
    pub status: &'static str,
    /// When it started, in words.
    pub dimulai: String,
    /// Candidates judged so far (final once `selesai`).
    pub total: u64,
    /// Of those, judged `layak` (eligible).
    pub layak: u64,
    /// Of those, judged `tidak_layak` (ineligible).
    pub tidak_layak: u64,
    /// Of those, left `perlu_verifikasi` for a verifier to review.
    pub perlu_verifikasi: u64,
    /// Outcomes per applicant category.
    pub per_kategori: Vec<CategoryRow>,
    /// Failures per rule, largest first, as chart bars.
    pub per_aturan: Vec<Bar>,
}

/// One applicant category's outcomes.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryRow {
    /// `R1` … `CPNS`.
    pub kode: String,
    /// As people read it.
    pub nama: String,
    /// Of the category, judged `layak` (eligible).
    pub layak: u64,
    /// Of the category, judged `tidak_layak` (ineligible).
    pub tidak_layak: u64,
    /// Of the category, left `perlu_verifikasi` for a verifier.
    pub perlu_verifikasi: u64,
    /// The category's candidates judged: the three counts summed.
    pub total: u64,
}

/// A bar of a chart.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// What it counts.
    pub label: String,
    /// The count the bar stands for (candidates).
    pub nilai: u64,
    /// Its length: a share of the longest bar, 0–100.
    pub persen: u64,
}

/// A placement in figures.
#[derive(Debug, Clone, Serialize)]
pub struct PlacementCard {
    /// The placement's UUID (v7).
    pub id: String,
    /// As people name it: `Penempatan 7 Desember 2026 pukul 02.05`.
    pub nama: String,
    /// Candidates the placement gave a formation place.
    pub ditempatkan: u64,
    /// Eligible candidates left without a place.
    pub tidak_ditempatkan: u64,
    /// Formation places offered when the placement was made.
    pub kebutuhan: u64,
    /// Fill per unit, emptiest first (the 15 emptiest on the front page).
    pub per_unit: Vec<UnitFill>,
    /// Units in all.
    pub jumlah_unit: usize,
}

/// How full a unit's formations are.
#[derive(Debug, Clone, Serialize)]
pub struct UnitFill {
    /// Unit code.
    pub unit: String,
    /// Unit name, when known.
    pub nama: String,
    /// Places the unit's formations need (their summed `jumlah`).
    pub kebutuhan: u64,
    /// Of those, the places the placement filled.
    pub terisi: u64,
    /// Filled, 0–100.
    pub persen: u64,
}

/// Approval workflows in figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WorkflowCard {
    /// Running instances.
    pub berjalan: u64,
    /// Running instances whose open step is past its deadline.
    pub lewat_tenggat: u64,
    /// The open steps, oldest first (at most 10).
    pub menunggu: Vec<super::workflows::Awaiting>,
}

/// A scheduled job.
#[derive(Debug, Clone, Serialize)]
pub struct NextJob {
    /// What it does.
    pub tugas: String,
    /// When next, in words.
    pub berikutnya: String,
}

fn category_name(code: &str) -> String {
    KategoriPelamar::parse(code).map_or_else(|_| code.to_owned(), |k| k.label().to_owned())
}

async fn run_card(app: &App) -> Result<Option<RunCard>, ServiceError> {
    let Some(run) = app.store.runs().await?.into_iter().next() else {
        return Ok(None);
    };
    let titles = placement::rule_titles(app, &run).await;
    let t = &run.hasil;
    let mut failures: Vec<(&String, &u64)> =
        t.gagal_per_aturan.iter().filter(|(_, n)| **n > 0).collect();
    failures.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let longest = failures.first().map_or(0, |(_, n)| **n);
    let per_aturan = failures
        .into_iter()
        .map(|(id, n)| Bar {
            label: match titles.get(id) {
                Some(j) => format!("{id} {j}"),
                None => id.clone(),
            },
            nilai: *n,
            persen: percent(*n, longest),
        })
        .collect();
    let mut kinds: Vec<(&String, &crate::screening::Counts)> = t.per_kategori.iter().collect();
    // In the order of the regulation: R1 … R5, then CPNS applicants.
    kinds.sort_by_key(|(k, _)| KategoriPelamar::parse(k).map_or(u8::MAX, |c| c as u8));
    let per_kategori = kinds
        .into_iter()
        .map(|(k, c)| CategoryRow {
            kode: k.clone(),
            nama: category_name(k),
            layak: c.layak,
            tidak_layak: c.tidak_layak,
            perlu_verifikasi: c.perlu_verifikasi,
            total: c.total(),
        })
        .collect();
    let version = crate::service::ground::runs::version_of(app, &run).await?;
    Ok(Some(RunCard {
        nama: super::run_name(&run, app.settings.timezone, &version),
        dimulai: when(run.dibuat_ms, app.settings.timezone),
        status: run.status.code(),
        total: t.total,
        layak: t.layak,
        tidak_layak: t.tidak_layak,
        perlu_verifikasi: t.perlu_verifikasi,
        per_kategori,
        per_aturan,
        id: run.id,
        ruleset: run.ruleset,
        versi: run.versi,
    }))
}

/// How long a placement's fill per unit is kept before the formations are summed again.
const FILL_FRESH_MS: i64 = 60_000;

/// Fill per unit of a placement, least filled first: the formations' needs (summed at most
/// once a minute, and again after an import in this process) against the places taken.
pub(super) async fn unit_fill(
    app: &App,
    placement_id: &str,
) -> Result<Arc<Vec<UnitFill>>, ServiceError> {
    // One computation at a time: pages asking at once wait for the first.
    static SUMMING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let now = app.clock.now_ms();
    let fresh = || {
        app.caches
            .unit_fill
            .lock()
            .ok()
            .and_then(|c| c.clone())
            .filter(|(at, id, _)| now - at < FILL_FRESH_MS && id == placement_id)
            .map(|(_, _, fill)| fill)
    };
    if let Some(fill) = fresh() {
        return Ok(fill);
    }
    let _turn = SUMMING.lock().await;
    if let Some(fill) = fresh() {
        return Ok(fill);
    }
    let taken: BTreeMap<String, u64> = placement::unit_counts(app, placement_id)
        .await?
        .iter()
        .cloned()
        .collect();
    let mut out: Vec<UnitFill> = app
        .store
        .formation_needs_per_unit()
        .await?
        .into_iter()
        .map(|(unit, nama, kebutuhan)| {
            let terisi = taken.get(&unit).copied().unwrap_or(0);
            UnitFill {
                persen: percent(terisi, kebutuhan),
                unit,
                nama,
                kebutuhan,
                terisi,
            }
        })
        .collect();
    out.sort_by(|a, b| a.persen.cmp(&b.persen).then(a.unit.cmp(&b.unit)));
    let fill = Arc::new(out);
    if let Ok(mut c) = app.caches.unit_fill.lock() {
        *c = Some((now, placement_id.to_owned(), fill.clone()));
    }
    Ok(fill)
}

async fn placement_card(app: &App) -> Result<Option<PlacementCard>, ServiceError> {
    let Some(p) = app.store.latest_placement().await? else {
        return Ok(None);
    };
    let fill = unit_fill(app, &p.id).await?;
    let jumlah_unit = fill.len();
    let per_unit = fill.iter().take(15).cloned().collect();
    Ok(Some(PlacementCard {
        per_unit,
        jumlah_unit,
        nama: super::placement_name(p.dibuat_ms, app.settings.timezone),
        id: p.id,
        ditempatkan: p.ditempatkan,
        tidak_ditempatkan: p.tidak_ditempatkan,
        kebutuhan: p.jumlah_formasi,
    }))
}

async fn workflow_card(app: &App) -> Result<WorkflowCard, ServiceError> {
    let running = super::workflows::awaiting(app).await?;
    Ok(WorkflowCard {
        berjalan: running.len() as u64,
        lewat_tenggat: running.iter().filter(|a| a.lewat_tenggat).count() as u64,
        menunggu: running.into_iter().take(10).collect(),
    })
}

/// Reads the front page.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn dashboard(app: &App) -> Result<Dashboard, ServiceError> {
    let now = app.clock.now();
    let jadwal = scheduler::list(&app.settings, now)?
        .into_iter()
        .map(|l| NextJob {
            tugas: l.keterangan.to_owned(),
            berikutnya: l.berikutnya.into_iter().next().unwrap_or_default(),
        })
        .collect();
    Ok(Dashboard {
        penyaringan: run_card(app).await?,
        penempatan: placement_card(app).await?,
        alur: workflow_card(app).await?,
        kotak_keluar: crate::service::status::outbox(app).await,
        jadwal,
    })
}
