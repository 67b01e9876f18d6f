//! Workflow use cases: check definitions, start an instance, record a decision, fire due timers,
//! and show instances. Each reads the instance, asks the pure planner, and has the store apply
//! the plan in one transaction; a revision conflict (someone answered first) re-reads and
//! re-plans.

use std::{collections::BTreeMap, sync::Arc};

use serde::Serialize;
use serde_json::json;

pub mod answers;
pub mod vacancy;

pub use crate::service::ground::workflows::{check, check_edits};

use super::{App, Definition, NotFound, Prerequisite, ServiceError, Sought};
use crate::service::ground::{
    CHANGE_WORKFLOW,
    audit::{self, Actor},
    hooks,
    workflows::{calendar, definition_of, directory, parse_stored, prior_answers},
};
use crate::{
    domain::AuditStamp,
    store::Applied,
    workflow::{
        Calendar, Decided, Directory, Event, HistoryEntry, HistoryKind, Instance, InstanceRow,
        Refusal, Status, SubjectKind, WorkflowDef,
        planner::{self, Answer, Channel, Ctx, Decision, TimerKind},
    },
};

/// How many times a decision is re-planned after losing a race.
const ATTEMPTS: usize = 50;

/// A fresh reference code: six characters from an alphabet without look-alikes.
pub fn new_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    bytes[..6]
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// Plans `event` for `inst` at `now`.
fn plan(
    app: &App,
    def: &WorkflowDef,
    inst: &Instance,
    event: &Event,
    now: chrono::DateTime<chrono::Utc>,
    dir: &Directory,
    cal: &Calendar,
) -> Result<planner::Plan, Refusal> {
    let source = app.code_source.clone();
    let mut codes = move || source.as_ref().map_or_else(new_code, |f| f());
    let mut ctx = Ctx {
        now,
        directory: dir,
        calendar: cal,
        codes: &mut codes,
    };
    planner::advance(def, inst, event, &mut ctx)
}

/// The subject as workflow expressions (and `workflow show`) see it: a placement proposal's
/// recap per formation code, kept in a table of its own, is put back as `per_formasi` (read
/// once into `recap` and kept there for a re-plan after a lost race). The subject's kind is
/// read off its `jenis`, without decoding the rest.
async fn expression_subject(
    app: &App,
    row: &InstanceRow,
    recap: &mut Option<serde_json::Value>,
) -> Result<serde_json::Value, ServiceError> {
    let mut json = row.subjek.json().clone();
    if let Some(o) = json.as_object_mut()
        && o.get("jenis").and_then(serde_json::Value::as_str) == Some("penempatan")
        && !o.contains_key("per_formasi")
    {
        let value = match recap.take() {
            Some(v) => v,
            None => json!(app.store.proposal_recap(&row.id).await?),
        };
        o.insert("per_formasi".to_owned(), value.clone());
        *recap = Some(value);
    }
    Ok(json)
}

/// Reads instance `id`, plans `event` and applies the plan (claiming `timer` with it), re-reading
/// and re-planning after a lost race. `None` when the instance does not exist.
async fn apply_event(
    app: &App,
    dir: &Directory,
    cal: &Calendar,
    id: &str,
    event: &Event,
    timer: Option<&str>,
    stamp: Option<&AuditStamp>,
) -> Result<Option<(Applied, planner::Plan)>, ServiceError> {
    let mut recap = None;
    for _ in 0..ATTEMPTS {
        let Some(row) = app.store.instance(id).await? else {
            return Ok(None);
        };
        let def = definition_of(app, &row).await?;
        let now = app.clock.now();
        let inst = Instance {
            id: row.id.clone(),
            subjek: expression_subject(app, &row, &mut recap).await?,
            state: row.state.clone(),
            jawaban: prior_answers(app, &def, dir, &row.id).await?,
        };
        let plan = plan(app, &def, &inst, event, now, dir, cal).map_err(ServiceError::from)?;
        let applied = app
            .store
            .apply_plan(
                &row.id,
                row.revisi,
                &row.state,
                &plan,
                timer,
                now.timestamp_millis(),
                stamp,
            )
            .await?;
        if applied != Applied::Conflict {
            return Ok(Some((applied, plan)));
        }
    }
    Err(ServiceError::internal(
        "proses persetujuan ini terus diubah oleh proses lain; coba lagi".to_owned(),
    ))
}

/// The version of workflow `id` a new instance starts on: the one in force, else (while an
/// edit is refused and this process has never seen a valid one) the last version stored.
async fn definition_in_force(app: &App, id: &str) -> Result<Arc<WorkflowDef>, ServiceError> {
    let live = crate::service::ground::definitions::read(app, |d| d.workflows()).await?;
    if let Some(def) = live.value.as_ref().and_then(|w| w.get(id)) {
        return Ok(def.clone());
    }
    if let Some(problem) = &live.problem {
        let stored = app.store.latest_workflow_version(id).await?;
        return match stored
            .and_then(|(_, file, source)| parse_stored(&app.settings, &file, &source).ok())
        {
            Some(def) => {
                tracing::warn!(
                    "workflow tidak valid; versi valid terakhir {} {} dipakai:\n{problem}",
                    def.id,
                    def.versi
                );
                Ok(Arc::new(def))
            }
            None => Err(ServiceError::definitions(
                Definition::Workflow,
                problem.clone(),
            )),
        };
    }
    let available = live
        .value
        .as_ref()
        .map(|w| w.keys().cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    Err(ServiceError::NotFound(
        NotFound {
            what: Sought::Workflow,
            id: id.to_owned(),
            hint: None,
        }
        .with_hint(format!("yang tersedia: {available}")),
    ))
}

/// The subject of a new instance, from `REF`.
async fn subject(
    app: &App,
    def: &WorkflowDef,
    reference: Option<&str>,
) -> Result<serde_json::Value, ServiceError> {
    let reference = match (reference, def.subjek) {
        (Some(r), _) => r.trim().to_owned(),
        (None, SubjectKind::Penempatan) => "penempatan:terbaru".to_owned(),
        (None, SubjectKind::Bebas) if def.id == CHANGE_WORKFLOW => {
            // Its subject is a rule change, which only the editor makes: started bare, it
            // would ask the Kepala BKPSDM to approve an empty summary.
            return Err(super::Refusal::EmptySubject(format!(
                "{} tidak dapat dimulai tanpa subjek: perubahan aturan diajukan dari penyunting (Aturan → draf → Terbitkan), yang menyertakan perubahan dan pratinjaunya",
                def.judul
            ))
            .into());
        }
        (None, SubjectKind::Bebas) => return Ok(json!({ "jenis": "bebas" })),
        (None, SubjectKind::PengisianJabatan) => {
            return Err(ServiceError::missing(Prerequisite::VacancySubject));
        }
    };
    let (kind, id) = reference.split_once(':').ok_or_else(|| {
        ServiceError::value(
            "--subject",
            format!("subjek '{reference}' tidak dikenal: tulis penempatan:ID, penempatan:terbaru, atau lowongan:ID"),
        )
    })?;
    match (kind, def.subjek) {
        ("penempatan", SubjectKind::Penempatan | SubjectKind::Bebas) => {
            let record = if id == "terbaru" {
                app.store.latest_placement().await?
            } else {
                app.store.placement(id).await?
            };
            let record = record.ok_or_else(|| {
                if id == "terbaru" {
                    ServiceError::missing(Prerequisite::Placement)
                } else {
                    ServiceError::not_found(Sought::Placement, id)
                }
            })?;
            let per_formasi: BTreeMap<String, u64> = app
                .store
                .placement_counts(&record.id)
                .await?
                .into_iter()
                .collect();
            Ok(json!({
                "jenis": "penempatan",
                "id": record.id,
                "run_id": record.run_id,
                "jumlah": record.ditempatkan,
                "tidak_ditempatkan": record.tidak_ditempatkan,
                "jumlah_formasi": record.jumlah_formasi,
                "per_formasi": per_formasi,
                "dibuat_ms": record.dibuat_ms,
            }))
        }
        ("lowongan", SubjectKind::PengisianJabatan | SubjectKind::Bebas) => {
            let v = app
                .store
                .vacancy(id)
                .await?
                .ok_or_else(|| ServiceError::not_found(Sought::Vacancy, id))?;
            Ok(v)
        }
        _ => Err(ServiceError::value(
            "--subject",
            format!("workflow {} tidak menerima subjek '{reference}'", def.id),
        )),
    }
}

/// Starts an instance of workflow `id` on behalf of `pemohon` (a person of the directory;
/// default `actor.orang`); returns its id. Audited.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn start(
    app: &App,
    id: &str,
    reference: Option<&str>,
    actor: &Actor,
    pemohon: Option<&str>,
) -> Result<String, ServiceError> {
    let stamp = audit::stamp(
        app,
        actor,
        crate::domain::Action::AlurMulai,
        "",
        &format!("workflow {id}"),
    )
    .await?;
    let def = definition_in_force(app, id).await?;
    let subjek = subject(app, def.as_ref(), reference).await?;
    let requester = pemohon.unwrap_or(&actor.orang);
    start_on(
        app,
        def.as_ref(),
        subjek,
        requester,
        Some(&|i| stamp.about(i)),
    )
    .await
}

/// [`start`] for a use case whose own entry covers the start (a vacancy).
async fn start_unaudited(
    app: &App,
    id: &str,
    reference: Option<&str>,
    pemohon: &str,
) -> Result<String, ServiceError> {
    let def = definition_in_force(app, id).await?;
    let subjek = subject(app, def.as_ref(), reference).await?;
    start_on(app, def.as_ref(), subjek, pemohon, None).await
}

/// [`start`], then the new instance as [`show`] reads it.
pub async fn start_shown(
    app: &App,
    id: &str,
    reference: Option<&str>,
    actor: &Actor,
    pemohon: Option<&str>,
) -> Result<InstanceView, ServiceError> {
    let instance = start(app, id, reference, actor, pemohon).await?;
    show(app, &instance).await
}

/// What starting a workflow would do, for the console's confirmation page.
#[derive(Debug, Clone)]
pub struct StartPreview {
    /// What will happen, one sentence each.
    pub uraian: Vec<String>,
    /// The subject as it was resolved (`penempatan:ID` for `penempatan:terbaru`): the confirmed
    /// form starts on exactly what the page named, even if a placement runs in between.
    pub subjek: Option<String>,
}

/// What starting workflow `id` on `reference` would do; refused (as `start` would be) when the
/// subject would be empty or cannot be found.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn start_preview(
    app: &App,
    id: &str,
    reference: Option<&str>,
) -> Result<StartPreview, ServiceError> {
    let def = definition_in_force(app, id).await?;
    let subjek = crate::workflow::StoredSubject::new(subject(app, def.as_ref(), reference).await?);
    let parsed = subjek.typed().ok();
    let resolved = match parsed {
        Some(crate::domain::Subject::Penempatan(p)) => Some(format!("penempatan:{}", p.id)),
        _ => reference.map(str::to_owned),
    };
    let mut lines = vec![format!("Alur \"{}\" akan dimulai.", def.judul)];
    let summary = crate::notify::compose::summary(parsed, app.settings.timezone);
    if !summary.is_empty() {
        lines.push(format!("Yang diajukan: {}.", summary.join("; ")));
    }
    if let Some(first) = def.langkah.first() {
        lines.push(format!(
            "Permohonan tahap pertama (\"{}\") langsung dikirim lewat surel kepada penyetujunya; jawaban mereka mengubah proses ini.",
            first.judul
        ));
    }
    Ok(StartPreview {
        uraian: lines,
        subjek: resolved,
    })
}

/// Starts an instance of workflow `id` about `subjek` as given (a rule change for approval);
/// `stamp(instance)` is the caller's audit entry, written with the start.
pub(crate) async fn start_with_subject(
    app: &App,
    id: &str,
    subjek: serde_json::Value,
    actor: &Actor,
    stamp: &(dyn Fn(&str) -> AuditStamp + Sync),
) -> Result<String, ServiceError> {
    let def = definition_in_force(app, id).await?;
    start_on(app, def.as_ref(), subjek, &actor.orang, Some(stamp)).await
}

/// Starts an instance; `stamp(instance)`, when given, is its audit entry, appended in the
/// transaction that creates it.
async fn start_on(
    app: &App,
    def: &WorkflowDef,
    subjek: serde_json::Value,
    requester: &str,
    stamp: Option<&(dyn Fn(&str) -> AuditStamp + Sync)>,
) -> Result<String, ServiceError> {
    let (dir, warning) = directory(app).await?;
    if let Some(w) = warning {
        tracing::warn!("{w}");
    }
    let now = app.clock.now();
    app.store
        .save_workflow_version(
            &def.id,
            &def.versi,
            &def.berkas.display().to_string(),
            &def.sumber,
            now.timestamp_millis(),
        )
        .await?;
    let inst = Instance {
        id: uuid::Uuid::now_v7().to_string(),
        subjek,
        state: planner::State::default(),
        jawaban: Vec::new(),
    };
    let pemohon = dir.person(requester).map(|p| p.id.clone());
    let cal = calendar(app);
    for _ in 0..ATTEMPTS {
        let plan = plan(
            app,
            def,
            &inst,
            &Event::Start {
                pemohon: pemohon.clone(),
            },
            now,
            &dir,
            &cal,
        )
        .map_err(ServiceError::from)?;
        let row = InstanceRow {
            id: inst.id.clone(),
            workflow: def.id.clone(),
            versi: def.versi.clone(),
            subjek: crate::workflow::StoredSubject::new(inst.subjek.clone()),
            state: plan.state.clone(),
            revisi: 1,
            dibuat_oleh: requester.to_owned(),
            dibuat_ms: now.timestamp_millis(),
            diperbarui_ms: now.timestamp_millis(),
        };
        // A reference code already given out in this tenant: plan again with fresh codes.
        let entry = stamp.map(|s| s(&inst.id));
        if app
            .store
            .create_instance(&row, &plan, entry.as_ref())
            .await?
            == Applied::Yes
        {
            return Ok(inst.id);
        }
    }
    Err(ServiceError::internal(
        "kode rujukan baru terus bertabrakan; coba lagi".to_owned(),
    ))
}

/// A decision to record.
#[derive(Debug, Clone)]
pub struct DecideRequest {
    /// Instance id.
    pub instance: String,
    /// The step being answered, by its id in the workflow definition.
    pub langkah: String,
    /// Who answers: a person's id in the directory.
    pub orang: String,
    /// The answer: `setuju`, `tolak`, `kembalikan` or `pilih:OPTION`.
    pub jawaban: Answer,
    /// The approver's comment, if any.
    pub komentar: Option<String>,
    /// How the answer came: `cli` (on someone's behalf), `tautan` (a link) or `balasan` (an e-mail reply).
    pub saluran: Channel,
    /// Who recorded it on the person's behalf (audited); `None` for the person's own answer.
    pub dicatat_oleh: Option<Actor>,
    /// The step visit the prompt answered was sent for (links and replies); `None` for the
    /// current visit (on someone's behalf).
    pub kunjungan: Option<i64>,
}

/// What a decision did.
#[derive(Debug, Clone, Serialize)]
pub struct DecideReport {
    /// The instance answered (its id, as given).
    pub instance_id: String,
    /// Status after.
    pub status: Status,
    /// Open step after.
    pub langkah_aktif: Option<String>,
}

async fn instance_row(app: &App, id: &str) -> Result<InstanceRow, ServiceError> {
    app.store
        .instance(id)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Instance, id))
}

/// Records a decision; concurrent answers to one step produce exactly one transition.
#[tracing::instrument(level = "debug", skip_all, fields(instance = %req.instance, langkah = %req.langkah))]
pub async fn decide(app: &App, req: &DecideRequest) -> Result<DecideReport, ServiceError> {
    let (dir, warning) = directory(app).await?;
    if let Some(w) = warning {
        tracing::warn!("{w}");
    }
    let cal = calendar(app);
    let event = Event::Decide(Decision {
        langkah: req.langkah.clone(),
        orang: req.orang.clone(),
        jawaban: req.jawaban.clone(),
        // Bounded and free of control characters, whatever the channel.
        komentar: req
            .komentar
            .as_deref()
            .and_then(crate::domain::Comment::parse),
        saluran: req.saluran,
        dicatat_oleh: req.dicatat_oleh.as_ref().map(|a| a.orang.clone()),
        kunjungan: req.kunjungan,
    });
    // Recorded on someone's behalf: audited in the decision's own transaction.
    let stamp = match &req.dicatat_oleh {
        Some(actor) => Some(
            audit::stamp(
                app,
                actor,
                crate::domain::Action::AlurKeputusan,
                &req.instance,
                &format!(
                    "langkah {}: {} atas nama {}",
                    req.langkah,
                    req.jawaban.code(),
                    req.orang
                ),
            )
            .await?,
        ),
        None => None,
    };
    match apply_event(app, &dir, &cal, &req.instance, &event, None, stamp.as_ref()).await? {
        Some((applied, plan)) => {
            // The decision is recorded whatever happens to a rule change it ends; a failure
            // there is logged, and the draft page settles it again (`drafts::settle`).
            if applied == Applied::Yes && plan.state.status != Status::Berjalan {
                hooks::instance_ended(
                    app,
                    &req.instance,
                    plan.state.status == Status::SelesaiDisetujui,
                    &Actor::account(&req.orang, "alur persetujuan"),
                )
                .await;
            }
            Ok(DecideReport {
                instance_id: req.instance.clone(),
                status: plan.state.status,
                langkah_aktif: plan.state.langkah_aktif,
            })
        }
        None => Err(ServiceError::not_found(Sought::Instance, &req.instance)),
    }
}

/// Cancels a running instance with a reason (console.md 5): its open links stop working, the
/// people awaited and the requester are told, a rule change waiting on it is refused; audited.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn cancel(
    app: &App,
    id: &str,
    actor: &Actor,
    reason: &str,
) -> Result<DecideReport, ServiceError> {
    let Some(reason) = crate::domain::Comment::parse(reason) else {
        return Err(ServiceError::value(
            "alasan",
            "wajib diisi: tulis mengapa proses ini dibatalkan",
        ));
    };
    let (dir, _) = directory(app).await?;
    let cal = calendar(app);
    let event = Event::Cancel {
        oleh: actor.orang.clone(),
        alasan: Some(reason.clone()),
    };
    let stamp = audit::stamp(
        app,
        actor,
        crate::domain::Action::AlurBatal,
        &format!("proses {id}"),
        &format!("alasan: {}", reason.as_str()),
    )
    .await?;
    let Some((applied, plan)) =
        apply_event(app, &dir, &cal, id, &event, None, Some(&stamp)).await?
    else {
        return Err(ServiceError::not_found(Sought::Instance, id));
    };
    if applied == Applied::Yes {
        hooks::instance_ended(
            app,
            id,
            false,
            &Actor::account(&actor.orang, "alur persetujuan"),
        )
        .await;
    }
    Ok(DecideReport {
        instance_id: id.to_owned(),
        status: plan.state.status,
        langkah_aktif: plan.state.langkah_aktif,
    })
}

/// Writes a line on an instance's timeline that changes nothing else (a reply refused: who
/// wrote and why). Failures are logged: the line is a courtesy, the refusal stands anyway.
pub(super) async fn note(
    app: &App,
    id: &str,
    jenis: HistoryKind,
    orang: Option<String>,
    saluran: Option<String>,
    komentar: String,
) {
    let result = async {
        let (dir, _) = directory(app).await?;
        let cal = calendar(app);
        let event = Event::Note {
            jenis,
            orang,
            saluran,
            komentar,
        };
        apply_event(app, &dir, &cal, id, &event, None, None).await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(instans = %id, "catatan riwayat tidak tersimpan: {e}");
    }
}

/// What a tick did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct TickReport {
    /// Timers whose effect was applied.
    pub dijalankan: u64,
    /// Timers of steps already decided (nothing to do).
    pub usang: u64,
    /// Timers another process fired first.
    pub oleh_proses_lain: u64,
}

/// Fires every timer due now, each once.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn tick(app: &App) -> Result<TickReport, ServiceError> {
    let cal = calendar(app);
    let mut report = TickReport::default();
    let mut dir = None;
    loop {
        let now = app.clock.now();
        let due = app.store.due_timers(now.timestamp_millis(), 200).await?;
        if due.is_empty() {
            return Ok(report);
        }
        // The directory is read only when there is something to do.
        let dir = match &dir {
            Some(d) => std::sync::Arc::clone(d),
            None => {
                let (d, warning) = directory(app).await?;
                if let Some(w) = warning {
                    tracing::warn!("{w}");
                }
                dir = Some(std::sync::Arc::clone(&d));
                d
            }
        };
        for t in due {
            let Some(jenis) = TimerKind::parse(&t.jenis) else {
                app.store.retire_timer(&t.id).await?;
                continue;
            };
            let event = Event::Timer {
                jenis,
                langkah: t.langkah.clone(),
                kunjungan: t.kunjungan,
                ke: t.ke,
            };
            match apply_event(app, &dir, &cal, &t.instans_id, &event, Some(&t.id), None).await? {
                None => {
                    app.store.retire_timer(&t.id).await?;
                }
                Some((Applied::Yes, plan)) if plan.changed => report.dijalankan += 1,
                Some((Applied::Yes, _)) => report.usang += 1,
                Some(_) => report.oleh_proses_lain += 1,
            }
        }
    }
}

/// An instance as `workflow show` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceView {
    /// Id.
    pub instance_id: String,
    /// The workflow definition's id (as in the workflow files).
    pub workflow: String,
    /// Workflow title.
    pub judul: String,
    /// Definition version.
    pub versi: String,
    /// `berjalan`, `selesai_disetujui`, `selesai_ditolak` or `dibatalkan`.
    pub status: Status,
    /// Open step.
    pub langkah_aktif: Option<String>,
    /// Title of the open step.
    pub judul_langkah: Option<String>,
    /// Who is asked at the open step.
    pub penyetuju: Vec<planner::Seat>,
    /// Options of a choice step.
    pub opsi: Vec<String>,
    /// The option chosen.
    pub pilihan: Option<String>,
    /// What the instance is about (placement, vacancy, rule change), a placement's `per_formasi` put back.
    pub subjek: serde_json::Value,
    /// Who started it.
    pub dibuat_oleh: String,
    /// When, ISO 8601.
    pub dibuat: String,
    /// Pending timers.
    pub pengatur_waktu: Vec<TimerView>,
    /// The history, oldest first (by its order within the instance).
    pub riwayat: Vec<HistoryView>,
}

/// A pending timer.
#[derive(Debug, Clone, Serialize)]
pub struct TimerView {
    /// `tenggat` (deadline), `pengingat` (reminder) or `eskalasi` (escalation).
    pub jenis: String,
    /// The step the timer is set on, by id.
    pub langkah: String,
    /// When, ISO 8601.
    pub jatuh_tempo: String,
}

/// A history entry.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    /// What happened, by its stored name (`dimulai`, `dibuka`, `keputusan`, `tenggat_terlewati`, …).
    pub jenis: String,
    /// The step it concerns, by id; `None` for instance-wide entries.
    pub langkah: Option<String>,
    /// Who acted: a person's id in the directory; `None` for the system's own entries.
    pub orang: Option<String>,
    /// In what capacity they acted (role, `Plh. …`, `eskalasi: ROLE`); `None` when not said.
    pub kapasitas: Option<String>,
    /// How an answer came: `cli`, `tautan` (a link) or `balasan` (an e-mail reply).
    pub saluran: Option<String>,
    /// The answer's code (`setuju`, `tolak`, `kembalikan`, `pilih:…`) or, on ending, the end status.
    pub keputusan: Option<String>,
    /// The comment given, or the system's explanation.
    pub komentar: Option<String>,
    /// When, ISO 8601 with offset.
    pub waktu: String,
    /// When, epoch ms.
    pub waktu_ms: i64,
}

fn iso(app: &App, ms: i64) -> String {
    crate::clock::from_ms(ms)
        .with_timezone(&app.settings.timezone)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn history_view(app: &App, h: HistoryEntry) -> HistoryView {
    HistoryView {
        jenis: h.jenis.as_str().to_owned(),
        langkah: h.langkah,
        orang: h.orang,
        kapasitas: h.kapasitas,
        saluran: h.saluran,
        keputusan: h.keputusan.as_ref().map(Decided::code),
        komentar: h.komentar,
        waktu: iso(app, h.waktu_ms),
        waktu_ms: h.waktu_ms,
    }
}

/// One instance with its history.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn show(app: &App, id: &str) -> Result<InstanceView, ServiceError> {
    let row = instance_row(app, id).await?;
    let def = definition_of(app, &row).await?;
    let history = app.store.history(id).await?;
    let timers = app.store.pending_timers(id).await?;
    Ok(InstanceView {
        instance_id: row.id.clone(),
        workflow: row.workflow.clone(),
        judul: def.judul.clone(),
        versi: row.versi.clone(),
        status: row.state.status,
        langkah_aktif: row.state.langkah_aktif.clone(),
        judul_langkah: row
            .state
            .langkah_aktif
            .as_deref()
            .and_then(|l| def.step(l))
            .map(|(_, s)| s.judul.clone()),
        penyetuju: row.state.kursi.clone(),
        opsi: row.state.opsi.clone(),
        pilihan: row.state.pilihan.clone(),
        subjek: expression_subject(app, &row, &mut None).await?,
        dibuat_oleh: row.dibuat_oleh.clone(),
        dibuat: iso(app, row.dibuat_ms),
        pengatur_waktu: timers
            .into_iter()
            .map(|(jenis, langkah, _, due)| TimerView {
                jenis,
                langkah,
                jatuh_tempo: iso(app, due),
            })
            .collect(),
        riwayat: history.into_iter().map(|h| history_view(app, h)).collect(),
    })
}

/// A line of `workflow list`.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceSummary {
    /// Id.
    pub instance_id: String,
    /// The workflow definition's id (as in the workflow files).
    pub workflow: String,
    /// Definition version.
    pub versi: String,
    /// `berjalan`, `selesai_disetujui`, `selesai_ditolak` or `dibatalkan`.
    pub status: Status,
    /// Open step.
    pub langkah_aktif: Option<String>,
    /// Who started it.
    pub dibuat_oleh: String,
    /// When, ISO 8601.
    pub dibuat: String,
    /// Last change, ISO 8601.
    pub diperbarui: String,
}

/// Every instance, newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(app: &App) -> Result<Vec<InstanceSummary>, ServiceError> {
    Ok(app
        .store
        .instances_head(None)
        .await?
        .into_iter()
        .map(|r| InstanceSummary {
            instance_id: r.id.clone(),
            workflow: r.workflow.clone(),
            versi: r.versi.clone(),
            status: r.state.status,
            langkah_aktif: r.state.langkah_aktif.clone(),
            dibuat_oleh: r.dibuat_oleh.clone(),
            dibuat: iso(app, r.dibuat_ms),
            diperbarui: iso(app, r.diperbarui_ms),
        })
        .collect())
}
