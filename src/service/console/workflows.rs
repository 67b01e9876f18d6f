//! Alur: who is awaited at which step and since when, and an instance's timeline with names,
//! channels and answers in words.

use std::sync::Arc;

use serde::Serialize;

use super::when;
use crate::{
    domain::mask_identifier,
    service::{App, ServiceError, Sought},
    workflow::{Answer, Decided, Directory, HistoryKind, InstanceRow, Status},
};

/// An open step.
#[derive(Debug, Clone, Serialize)]
pub struct Awaiting {
    /// The instance's UUID (v7), as in its timeline page's address.
    pub instance_id: String,
    /// Workflow title.
    pub judul: String,
    /// The instance in words: title, subject, start.
    pub nama: String,
    /// Step title.
    pub langkah: String,
    /// Who has not answered yet (names).
    pub menunggu: Vec<String>,
    /// Since the instance last changed, in words.
    pub sejak: String,
    /// The step's deadline, in words.
    pub tenggat: Option<String>,
    /// Whether the deadline has passed by the clock's now (false when the step has none).
    pub lewat_tenggat: bool,
}

fn name(dir: &Directory, id: &str) -> String {
    dir.person(id)
        .map_or_else(|| id.to_owned(), |p| p.nama.clone())
}

/// Instance `row` in words: `Usulan PPPK Paruh Waktu — Penempatan 7 Desember 2026 pukul 02.05,
/// dimulai 7 Desember 2026 pukul 02.10`.
fn instance_name(app: &App, row: &InstanceRow, title: &str) -> String {
    let tz = app.settings.timezone;
    let subject = row
        .subjek
        .typed()
        .ok()
        .and_then(|s| super::subject_words(s, tz));
    super::instance_name(title, subject.as_deref(), row.dibuat_ms, tz)
}

/// What a status code says.
fn status_words(s: Status) -> &'static str {
    match s {
        Status::Berjalan => "berjalan",
        Status::SelesaiDisetujui => "selesai, disetujui",
        Status::SelesaiDitolak => "selesai, tidak disetujui",
        Status::Dibatalkan => "dibatalkan",
    }
}

/// An instance in the list.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceLine {
    /// The instance's UUID (v7), as in its timeline page's address.
    pub instance_id: String,
    /// The workflow's id (for the filter).
    pub workflow: String,
    /// The workflow's title.
    pub judul: String,
    /// The instance in words: title, subject, start.
    pub nama: String,
    /// The status code (for the filter) and in words.
    pub status: String,
    /// The status in words: `berjalan`, `selesai, disetujui`, `selesai, tidak disetujui`, `dibatalkan`.
    pub status_kata: &'static str,
    /// The open step's title.
    pub langkah: Option<String>,
    /// Who started it (a name).
    pub dibuat_oleh: String,
}

/// Every instance, newest first, named in words.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn instances(app: &App) -> Result<Vec<InstanceLine>, ServiceError> {
    let rows = app.store.instances_head(None).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let (dir, _) = crate::service::ground::workflows::directory(app).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let step = row.state.langkah_aktif.clone();
        let (judul, judul_langkah) =
            crate::service::ground::workflows::titles(app, &row, step.as_deref().unwrap_or(""))
                .await?;
        out.push(InstanceLine {
            nama: instance_name(app, &row, &judul),
            status: row.state.status.as_str().to_owned(),
            status_kata: status_words(row.state.status),
            langkah: step.map(|s| judul_langkah.unwrap_or(s)),
            dibuat_oleh: name(&dir, &row.dibuat_oleh),
            instance_id: row.id,
            workflow: row.workflow,
            judul,
        });
    }
    Ok(out)
}

/// At most this many instances on the Alur page.
pub const SHOWN_INSTANCES: usize = 200;

/// The Alur page: who is awaited, the instances matching the filter, and the workflows in
/// force.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// Every running instance's open step, the longest unchanged first.
    pub menunggu: Vec<Awaiting>,
    /// The first [`SHOWN_INSTANCES`] instances matching the filter.
    pub semua: Vec<InstanceLine>,
    /// Instances matching the filter beyond those shown.
    pub lainnya: usize,
    /// Every workflow in force: (id, title).
    pub definisi: Vec<(String, String)>,
    /// The workflows an operator starts from this page (a rule change starts from the editor).
    pub mulai: Vec<(String, String)>,
}

/// The Alur page for instances with `status` (a status code; empty for any) of `workflow` (an
/// id; empty for any).
pub async fn overview(app: &App, status: &str, workflow: &str) -> Result<Overview, ServiceError> {
    let definisi: Vec<(String, String)> =
        crate::service::ground::definitions::read(app, |d| d.workflows())
            .await?
            .value
            .as_ref()
            .map(|w| {
                w.values()
                    .map(|d| (d.id.clone(), d.judul.clone()))
                    .collect()
            })
            .unwrap_or_default();
    let menunggu = awaiting(app).await?;
    let matching: Vec<_> = instances(app)
        .await?
        .into_iter()
        .filter(|i| status.is_empty() || i.status == status)
        .filter(|i| workflow.is_empty() || i.workflow == workflow)
        .collect();
    let lainnya = matching.len().saturating_sub(SHOWN_INSTANCES);
    let mulai = definisi
        .iter()
        .filter(|(id, _)| id != crate::service::ground::CHANGE_WORKFLOW)
        .cloned()
        .collect();
    Ok(Overview {
        menunggu,
        semua: matching.into_iter().take(SHOWN_INSTANCES).collect(),
        lainnya,
        definisi,
        mulai,
    })
}

/// Every running instance's open step, oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn awaiting(app: &App) -> Result<Vec<Awaiting>, ServiceError> {
    let mut rows = app.store.instances_head(Some(Status::Berjalan)).await?;
    if rows.is_empty() {
        // Nothing to name: a new installation without a directory yet still has a front page.
        return Ok(Vec::new());
    }
    let (dir, _) = crate::service::ground::workflows::directory(app).await?;
    let now = app.clock.now_ms();
    let tz = app.settings.timezone;
    rows.sort_by_key(|r| r.diperbarui_ms);
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let step = row.state.langkah_aktif.clone().unwrap_or_default();
        let (judul, judul_langkah) =
            crate::service::ground::workflows::titles(app, &row, &step).await?;
        out.push(Awaiting {
            nama: instance_name(app, &row, &judul),
            menunggu: row
                .state
                .kursi
                .iter()
                .filter(|s| s.keputusan.is_none())
                .map(|s| name(&dir, &s.orang))
                .collect(),
            sejak: when(row.diperbarui_ms, tz),
            tenggat: row.state.tenggat_ms.map(|t| when(t, tz)),
            lewat_tenggat: row.state.tenggat_ms.is_some_and(|t| t < now),
            instance_id: row.id,
            judul,
            langkah: judul_langkah.unwrap_or(step),
        });
    }
    Ok(out)
}

/// An instance as its timeline page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// The instance's UUID (v7).
    pub instance_id: String,
    /// The workflow's title, from the definition the instance runs on.
    pub judul: String,
    /// The instance in words: title, subject, start.
    pub nama: String,
    /// What it is about, in words (none for a workflow started on nothing in particular).
    pub perihal: Option<String>,
    /// Who started it (a name).
    pub dibuat_oleh: String,
    /// The workflow definition's id (as in the workflow files).
    pub workflow: String,
    /// The definition version the instance runs on: the content hash of its file.
    pub versi: String,
    /// In words (`berjalan`, `selesai disetujui`, …).
    pub status: String,
    /// The open step's title.
    pub langkah_aktif: Option<String>,
    /// Who is asked at the open step.
    pub penyetuju: Vec<SeatView>,
    /// Started, in words.
    pub dimulai: String,
    /// Every event, oldest first.
    pub riwayat: Vec<Event>,
}

/// Someone asked at the open step.
#[derive(Debug, Clone, Serialize)]
pub struct SeatView {
    /// The person's name from the directory (their id when the directory lacks them).
    pub nama: String,
    /// In what capacity they are asked, role codes put as titles (`Plh. …`, `eskalasi: …`).
    pub kapasitas: String,
    /// Their answer, in words, if given.
    pub jawaban: Option<String>,
}

/// One entry of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// When, in words.
    pub waktu: String,
    /// What happened, in words.
    pub peristiwa: String,
    /// The step's title.
    pub langkah: Option<String>,
    /// Who (a name).
    pub orang: Option<String>,
    /// In what capacity they acted, role codes put as titles; `None` when not said.
    pub kapasitas: Option<String>,
    /// How the answer came (`tautan`, `balasan surel`, `baris perintah`).
    pub saluran: Option<String>,
    /// The answer, in words.
    pub jawaban: Option<String>,
    /// The comment given, or the system's explanation, with identifiers masked.
    pub komentar: Option<String>,
}

fn happened(jenis: HistoryKind) -> String {
    match jenis {
        HistoryKind::Dimulai => "Dimulai",
        HistoryKind::Dibuka => "Langkah dibuka",
        HistoryKind::Dilewati => "Langkah dilewati",
        HistoryKind::Keputusan => "Jawaban",
        HistoryKind::Dikembalikan => "Dikembalikan",
        HistoryKind::Pengingat => "Pengingat dikirim",
        HistoryKind::TenggatTerlewati => "Tenggat terlewati",
        HistoryKind::Eskalasi => "Eskalasi",
        HistoryKind::Catatan => "Catatan",
        HistoryKind::Selesai => "Selesai",
        HistoryKind::Dibatalkan => "Dibatalkan",
        HistoryKind::BalasanDitolak => "Balasan surel tidak diproses",
    }
    .to_owned()
}

fn channel(s: &str) -> String {
    match s {
        "tautan" => "tautan",
        "balasan" => "balasan surel",
        "cli" => "baris perintah",
        "konsol" => "konsol",
        other => other,
    }
    .to_owned()
}

fn answer(a: &Answer) -> String {
    a.words(mask_identifier)
}

fn decided(d: &Decided) -> String {
    match d {
        Decided::Answer(a) => answer(a),
        Decided::Ended(Status::SelesaiDisetujui) => "selesai, disetujui".to_owned(),
        Decided::Ended(Status::SelesaiDitolak) => "selesai, tidak disetujui".to_owned(),
        Decided::Ended(other) => other.as_str().to_owned(),
    }
}

/// The timeline of instance `id`.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn timeline(app: &App, id: &str) -> Result<Timeline, ServiceError> {
    let row = app
        .store
        .instance_head(id)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Instance, id))?;
    let (dir, _) = crate::service::ground::workflows::directory(app).await?;
    let dir: Arc<Directory> = dir;
    let tz = app.settings.timezone;
    let mut riwayat = Vec::new();
    for h in app.store.history(id).await? {
        let langkah = match &h.langkah {
            Some(s) => crate::service::ground::workflows::titles(app, &row, s)
                .await?
                .1
                .or(Some(s.clone())),
            None => None,
        };
        riwayat.push(Event {
            waktu: when(h.waktu_ms, tz),
            peristiwa: happened(h.jenis),
            langkah,
            orang: h.orang.as_deref().map(|o| name(&dir, o)),
            kapasitas: h
                .kapasitas
                .as_deref()
                .map(crate::workflow::directory::titled),
            saluran: h.saluran.as_deref().map(channel),
            jawaban: h.keputusan.as_ref().map(decided),
            komentar: h
                .komentar
                .as_deref()
                .map(|c| crate::domain::redact_identifiers(c).0),
        });
    }
    let step = row.state.langkah_aktif.clone();
    let (judul, judul_langkah) =
        crate::service::ground::workflows::titles(app, &row, step.as_deref().unwrap_or("")).await?;
    let perihal = row
        .subjek
        .typed()
        .ok()
        .and_then(|s| super::subject_words(s, tz));
    Ok(Timeline {
        nama: instance_name(app, &row, &judul),
        perihal,
        dibuat_oleh: name(&dir, &row.dibuat_oleh),
        instance_id: row.id.clone(),
        judul,
        workflow: row.workflow.clone(),
        versi: row.versi.clone(),
        status: status_words(row.state.status).to_owned(),
        langkah_aktif: step.map(|s| judul_langkah.unwrap_or(s)),
        penyetuju: row
            .state
            .kursi
            .iter()
            .map(|s| SeatView {
                nama: name(&dir, &s.orang),
                kapasitas: crate::workflow::directory::titled(&s.kapasitas),
                jawaban: s.keputusan.as_ref().map(answer),
            })
            .collect(),
        dimulai: when(row.dibuat_ms, tz),
        riwayat,
    })
}
