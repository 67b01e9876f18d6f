//! Announcements (candidates.md 1): a placement and the run it came from frozen as
//! announcement N, with an objection window in working days; the public pages read only the
//! frozen rows.

use chrono::{DateTime, Utc};

use crate::{
    domain::{Action, Findings},
    service::{
        App, Invalid, ServiceError, Sought,
        ground::audit::{Actor, stamp},
        placement::lists::{self, derived_reason, group_of},
    },
    store::announcements::{AnnouncedQuery, AnnouncedRow, AnnouncementRow},
};

/// Rows per public page.
pub const PAGE_ROWS: u64 = 50;

/// Units an announcement page offers as a list to choose from; beyond this the code is typed.
pub const UNIT_CHOICES: u64 = 300;

/// The objection window when none is given, in working days.
pub const DEFAULT_OBJECTION_DAYS: u32 = 3;

/// What to publish.
#[derive(Debug, Clone, Default)]
pub struct PublishRequest {
    /// A placement id, or a run id for its newest placement; the newest placement when absent.
    pub placement: Option<String>,
    /// The objection window in working days (1–30; default 3).
    pub hari_sanggah: Option<u32>,
    /// When the window opens (default now).
    pub mulai: Option<DateTime<Utc>>,
}

/// Freezes the placement as the next announcement, with its audit entry.
pub async fn publish(
    app: &App,
    req: &PublishRequest,
    actor: &Actor,
) -> Result<AnnouncementRow, ServiceError> {
    let days = req.hari_sanggah.unwrap_or(DEFAULT_OBJECTION_DAYS);
    if !(1..=30).contains(&days) {
        return Err(ServiceError::value(
            "--objection-days",
            "masa sanggah harus 1 sampai 30 hari kerja",
        ));
    }
    let src = lists::proposal_source(app, req.placement.as_deref()).await?;
    let rows = frozen_rows(app, &src).await?;
    let now = app.clock.now();
    let mulai = req.mulai.unwrap_or(now);
    let cal = crate::service::ground::workflows::calendar(app);
    let tutup = cal.close_after_working_days(mulai, days);
    for _ in 0..5 {
        let nomor = app.store.next_announcement_number().await?;
        let a = AnnouncementRow {
            nomor,
            penempatan_id: src.placement.id.clone(),
            run_id: src.run.id.clone(),
            mulai_ms: mulai.timestamp_millis(),
            tutup_ms: tutup.timestamp_millis(),
            hari_sanggah: i32::try_from(days).unwrap_or(3),
            jumlah: i64::try_from(rows.len()).unwrap_or(i64::MAX),
            oleh: actor.orang.clone(),
            dibuat_ms: now.timestamp_millis(),
            ditutup_ms: None,
        };
        let entry = stamp(
            app,
            actor,
            Action::Pengumuman,
            &format!("pengumuman:{nomor}"),
            &format!(
                "{} calon dari penempatan {}; masa sanggah {} hari kerja sampai {}",
                rows.len(),
                src.placement.id,
                days,
                crate::domain::format_datetime_id(tutup, app.settings.timezone)
            ),
        )
        .await?;
        if app
            .store
            .publish_announcement(&a, &rows, &entry)
            .await?
            .is_some()
        {
            return Ok(a);
        }
    }
    Err(ServiceError::internal(
        "nomor pengumuman terus diambil proses lain; coba lagi".to_owned(),
    ))
}

/// Every candidate of the proposal as announced: the proposed with their position and unit,
/// the others with their reason group and the unit where they work.
async fn frozen_rows(
    app: &App,
    src: &lists::ProposalSource,
) -> Result<Vec<AnnouncedRow>, ServiceError> {
    let mut names = std::collections::HashMap::new();
    for f in &src.formations {
        if let Some(n) = f.nama_unit.as_deref().filter(|n| !n.trim().is_empty()) {
            names
                .entry(f.unit_kerja.clone())
                .or_insert_with(|| n.to_owned());
        }
    }
    let name_of = |unit: &str| names.get(unit).cloned().unwrap_or_default();
    let mut rows = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .store
            .proposed_page(&src.run.id, &src.placement.id, &cursor, 5_000)
            .await?;
        let Some(last) = page.last() else { break };
        cursor = last.nik.as_str().to_owned();
        rows.extend(page.into_iter().map(|l| AnnouncedRow {
            nik: l.nik.as_str().to_owned(),
            nama: l.nama,
            nama_unit: name_of(&l.unit_kerja),
            unit_kerja: l.unit_kerja,
            diusulkan: true,
            kode_formasi: Some(l.kode_formasi),
            jabatan: Some(l.jabatan),
            kelompok: None,
            run_id: src.run.id.clone(),
            diperbarui_ms: None,
            urut: 0,
        }));
    }
    let mut cursor = String::new();
    loop {
        let page = app
            .store
            .unproposed_page(&src.run.id, &src.placement.id, &cursor, 5_000)
            .await?;
        let Some(last) = page.last() else { break };
        cursor = last.decision.nik.as_str().to_owned();
        for l in page {
            let f = Findings::of(
                src.run.aturan.iter().map(String::as_str),
                &l.decision.verdicts(),
            );
            let group = group_of(derived_reason(&l, &f.gagal), l.decision.hasil);
            rows.push(AnnouncedRow {
                nik: l.decision.nik.as_str().to_owned(),
                nama_unit: name_of(&l.unit_kerja),
                nama: l.nama,
                unit_kerja: l.unit_kerja,
                diusulkan: false,
                kode_formasi: None,
                jabatan: None,
                kelompok: Some(group.to_owned()),
                run_id: src.run.id.clone(),
                diperbarui_ms: None,
                urut: 0,
            });
        }
    }
    // The announcement's order, numbered once: a page is a range of these numbers.
    rows.sort_by_cached_key(|r| {
        (
            r.unit_kerja.clone(),
            crate::store::announcements::search_name(&r.nama),
            r.nik.clone(),
        )
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.urut = i64::try_from(i + 1).unwrap_or(i64::MAX);
    }
    Ok(rows)
}

/// Every announcement, newest first.
pub async fn list(app: &App) -> Result<Vec<AnnouncementRow>, ServiceError> {
    Ok(app.store.announcements().await?)
}

/// Announcement `nomor`.
pub async fn get(app: &App, nomor: i32) -> Result<AnnouncementRow, ServiceError> {
    app.store
        .announcement(nomor)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Announcement, nomor.to_string()))
}

/// The newest announcement, if any.
pub async fn newest(app: &App) -> Result<Option<AnnouncementRow>, ServiceError> {
    Ok(app.store.announcements().await?.into_iter().next())
}

/// Closes the objection window of announcement `nomor` now.
pub async fn close(app: &App, nomor: i32, actor: &Actor) -> Result<AnnouncementRow, ServiceError> {
    get(app, nomor).await?;
    let entry = stamp(
        app,
        actor,
        Action::PengumumanTutup,
        &format!("pengumuman:{nomor}"),
        "masa sanggah ditutup",
    )
    .await?;
    if !app
        .store
        .close_announcement(nomor, app.clock.now_ms(), &entry)
        .await?
    {
        return Err(ServiceError::value(
            "pengumuman",
            format!("masa sanggah pengumuman {nomor} sudah ditutup"),
        ));
    }
    get(app, nomor).await
}

/// One page of a public announcement.
#[derive(Debug, Clone)]
pub struct AnnouncementPage {
    /// The announcement.
    pub pengumuman: AnnouncementRow,
    /// The rows of this page.
    pub rows: Vec<AnnouncedRow>,
    /// Rows matching the search, in all pages.
    pub total: u64,
    /// This page (1-based).
    pub halaman: u64,
    /// The last page.
    pub halaman_akhir: u64,
    /// The units to choose from: (code, name); empty when there are more than
    /// [`UNIT_CHOICES`] (the code is typed then).
    pub units: Vec<(String, String)>,
    /// Where the next page of a search starts (a row's place, never a NIK), when there is one.
    pub berikutnya: Option<i64>,
    /// Whether the search is filtered (then pages go on by [`Self::berikutnya`]).
    pub disaring: bool,
}

/// What the public may search by.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// One unit's code.
    pub unit: Option<String>,
    /// A name prefix, or four digits (the last four of a NIK).
    pub cari: Option<String>,
    /// The page asked for (1-based), without a filter.
    pub halaman: u64,
    /// With a filter: the page that starts after this place.
    pub setelah: Option<i64>,
}

/// Page `search.halaman` of announcement `nomor`.
pub async fn page(
    app: &App,
    nomor: i32,
    search: &Search,
) -> Result<AnnouncementPage, ServiceError> {
    let a = get(app, nomor).await?;
    let mut q = AnnouncedQuery {
        unit: search.unit.clone().filter(|u| !u.trim().is_empty()),
        limit: PAGE_ROWS,
        ..AnnouncedQuery::default()
    };
    if let Some(text) = search
        .cari
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
            q.nik4 = Some(text.to_owned());
        } else if text.chars().count() > 100 {
            return Err(Invalid::Value {
                field: "cari".into(),
                problem: "nama yang dicari terlalu panjang".into(),
            }
            .into());
        } else {
            q.nama = Some(text.to_owned());
        }
    }
    let disaring = q.unit.is_some() || q.nama.is_some() || q.nik4.is_some();
    // Unfiltered, page k holds places (k-1)*50+1 … k*50 (the places are dense); a search goes
    // on from the last place it showed.
    let halaman = if disaring { 1 } else { search.halaman.max(1) };
    q.setelah = if disaring {
        search.setelah.unwrap_or(0).max(0)
    } else {
        i64::try_from((halaman - 1).saturating_mul(PAGE_ROWS)).unwrap_or(i64::MAX)
    };
    q.limit = PAGE_ROWS + 1;
    let (mut rows, total) = app.store.announced_page(nomor, &q).await?;
    let more = rows.len() as u64 > PAGE_ROWS;
    rows.truncate(usize::try_from(PAGE_ROWS).unwrap_or(usize::MAX));
    // A regency's units fit a list to choose from; a province's or the nation's do not (the
    // unit's code is typed instead).
    let mut units = app.store.announced_units(nomor, UNIT_CHOICES + 1).await?;
    if units.len() as u64 > UNIT_CHOICES {
        units.clear();
    }
    Ok(AnnouncementPage {
        pengumuman: a,
        berikutnya: more.then(|| rows.last().map(|r| r.urut)).flatten(),
        rows,
        total,
        halaman,
        halaman_akhir: total.div_ceil(PAGE_ROWS).max(1),
        units,
        disaring,
    })
}

/// Rows each enclosure of the printed announcement holds; the rest is on the public page.
const PRINTED_ROWS: u64 = 10_000;

/// The formal announcement of `nomor` (document kind `pengumuman`): numbered from the register
/// at its first draw and the same bytes after.
pub async fn pdf(app: &App, nomor: i32, actor: &Actor) -> Result<Vec<u8>, ServiceError> {
    use crate::documents::DocumentKind;
    // Drawn once: the kept copy first; one first draw at a time in this process (a public
    // address must not let a crowd typeset the same announcement at once).
    static DRAWING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let source = format!("pengumuman:{nomor}");
    let kept =
        || crate::service::placement::documents::kept(app, DocumentKind::Pengumuman, &source);
    if let Some(pdf) = kept().await? {
        return Ok(pdf);
    }
    let _drawing = DRAWING.lock().await;
    if let Some(pdf) = kept().await? {
        return Ok(pdf);
    }
    let a = get(app, nomor).await?;
    let tz = app.settings.timezone;
    let at = |ms| crate::domain::format_deadline_id(crate::clock::from_ms(ms), tz);
    let count = |n: u64| crate::domain::format_number_id(i64::try_from(n).unwrap_or(i64::MAX));
    let mut enclosures = Vec::new();
    for proposed in [true, false] {
        let q = AnnouncedQuery {
            diusulkan: Some(proposed),
            limit: PRINTED_ROWS,
            ..AnnouncedQuery::default()
        };
        enclosures.push(app.store.announced_page(nomor, &q).await?);
    }
    let unit_of = |r: &AnnouncedRow| {
        if r.nama_unit.is_empty() {
            r.unit_kerja.clone()
        } else {
            r.nama_unit.clone()
        }
    };
    let mut by_unit: Vec<(String, Vec<[String; 4]>)> = Vec::new();
    for r in &enclosures[0].0 {
        let unit = unit_of(r);
        if by_unit.last().is_none_or(|(u, _)| *u != unit) {
            by_unit.push((unit, Vec::new()));
        }
        if let Some((_, rows)) = by_unit.last_mut() {
            rows.push([
                (rows.len() + 1).to_string(),
                r.nama.clone(),
                format!("************{}", r.nik4()),
                r.jabatan.clone().unwrap_or_default(),
            ]);
        }
    }
    let mut by_group: Vec<(String, Vec<[String; 4]>)> = lists::GROUPS
        .iter()
        .map(|(_, label)| ((*label).to_owned(), Vec::new()))
        .collect();
    for r in &enclosures[1].0 {
        let label = super::group_label(r.kelompok.as_deref().unwrap_or("LAINNYA"));
        if let Some((_, rows)) = by_group.iter_mut().find(|(l, _)| l == label) {
            rows.push([
                (rows.len() + 1).to_string(),
                r.nama.clone(),
                format!("************{}", r.nik4()),
                unit_of(r),
            ]);
        }
    }
    by_group.retain(|(_, rows)| !rows.is_empty());
    let base = app.settings.base_url.trim_end_matches('/');
    let (proposed, other) = (enclosures[0].1, enclosures[1].1);
    let extra = serde_json::json!({
        "pengumuman": {
            "hari": a.hari_sanggah.to_string(),
            "mulai": at(a.mulai_ms),
            "tutup": at(a.tutup_ms),
            "layanan": format!("{base}/layanan"),
            "laman": format!("{base}/pengumuman/{nomor}"),
        },
        "jumlah": {
            "semua": count(proposed + other),
            "diusulkan": count(proposed),
            "tidak": count(other),
        },
        "diusulkan": by_unit.iter().map(|(u, rows)| serde_json::json!({"unit": u, "baris": rows})).collect::<Vec<_>>(),
        "tidak_diusulkan": by_group.iter().map(|(k, rows)| serde_json::json!({"kelompok": k, "baris": rows})).collect::<Vec<_>>(),
        "terpotong": {
            "diusulkan": count(proposed.saturating_sub(PRINTED_ROWS)),
            "tidak": count(other.saturating_sub(PRINTED_ROWS)),
        },
    });
    crate::service::placement::documents::final_document(
        app,
        DocumentKind::Pengumuman,
        &source,
        extra,
        actor,
    )
    .await
}
