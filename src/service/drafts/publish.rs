//! Terbitkan and Pulihkan: a draft that checks (and whose ruleset passes its own tests) is
//! written over the files on disk — refused when those changed since the draft began — and
//! recorded as the next numbered version; with `publikasi_aturan: persetujuan` a ruleset
//! change first goes to the Kepala BKPSDM through the workflow `perubahan_aturan`.

use serde::Serialize;

use super::{Draft, DraftStatus, files, files_in_force, get, open, preview_now};
use crate::service::ground::{
    CHANGE_WORKFLOW,
    versions::{VersionInfo, fingerprint_of, versions},
};
use crate::{
    domain::{Action, DefinitionKey, FileSet, RuleChangeSubject, format_number_id},
    service::{
        App, Invalid, Refusal, ServiceError, Sought, audit::Actor, ground::definitions,
        screening::DryRunReport,
    },
    store::VersionRow,
};

/// Lines of a diff carried in an approval prompt.
const DIFF_LINES_IN_PROMPT: usize = 200;

/// What a publication did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// Written and recorded as this version.
    Version(i64),
    /// Sent for approval in this workflow instance.
    Waiting(String),
}

/// The version of `key` that `which` names: its number (`3`, `versi 3`) or its fingerprint
/// (whole, or its first 6 or more hex digits when only one version starts so).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resolve_version(
    app: &App,
    key: &DefinitionKey,
    which: &str,
) -> Result<i64, ServiceError> {
    let w = which.trim().to_lowercase();
    let w = w
        .strip_prefix("versi")
        .map(str::trim)
        .unwrap_or(w.as_str())
        .trim_start_matches('v');
    let all = versions(app, key).await?;
    let missing = || {
        ServiceError::NotFound(
            crate::service::NotFound {
                what: Sought::Version,
                id: format!("{} {which}", key.code()),
                hint: None,
            }
            .with_hint(format!(
                "versi yang ada: {}",
                all.iter()
                    .map(|v| format!("{} (sidik {})", v.versi, v.sidik))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        )
    };
    // A number names a version when one has it; else digits may start a fingerprint.
    if let Ok(n) = w.parse::<i64>()
        && let Some(v) = all.iter().find(|v| v.versi == n)
    {
        return Ok(v.versi);
    }
    if w.len() < 6 || !w.chars().all(|c| c.is_ascii_hexdigit()) {
        if w.parse::<i64>().is_ok() {
            return Err(missing());
        }
        return Err(ServiceError::value(
            "versi",
            format!(
                "'{which}' bukan nomor versi maupun sidik (paling sedikit 6 digit heksadesimal)"
            ),
        ));
    }
    // One set of files published twice (a restore) has one fingerprint: its newest number.
    let matching: Vec<&VersionInfo> = all.iter().filter(|v| v.sidik.starts_with(w)).collect();
    match matching.first() {
        None => Err(missing()),
        Some(newest) if matching.iter().all(|v| v.sidik == newest.sidik) => Ok(newest.versi),
        Some(_) => Err(Invalid::Ambiguous {
            what: "versi dengan sidik itu",
            choices: matching.iter().map(|v| v.versi.to_string()).collect(),
            option: "nomor versi atau sidik yang lebih panjang",
        }
        .into()),
    }
}

/// Who proposed a change, as an official reads it (`cli:USER` is someone at the server's
/// command line).
fn proposer(penulis: &str) -> String {
    match penulis.strip_prefix("cli:") {
        Some(user) if user.is_empty() || user == "tidak diketahui" => {
            "pengguna baris perintah server (merit rules publish)".to_owned()
        }
        Some(user) => format!("{user} lewat baris perintah server"),
        None => penulis.to_owned(),
    }
}

/// A preview as sentences (for the version record and the approval prompt).
pub fn summary_lines(r: &DryRunReport) -> Vec<String> {
    let n = |v: u64| format_number_id(i64::try_from(v).unwrap_or(i64::MAX));
    let mut out = vec![format!(
        "Pratinjau atas {} calon: {} layak, {} tidak layak, {} perlu verifikasi.",
        n(r.hasil.total),
        n(r.hasil.layak),
        n(r.hasil.tidak_layak),
        n(r.hasil.perlu_verifikasi)
    )];
    match &r.dibandingkan_dengan {
        Some(_) => {
            out.push(format!(
                "Dibandingkan dengan penyaringan terakhir yang selesai: {} calon berubah hasil.",
                n(r.perbedaan.berubah)
            ));
            for (k, v) in &r.perbedaan.perpindahan {
                out.push(format!("{}: {} calon.", k.replace('_', " "), n(*v)));
            }
        }
        None => out.push("Belum ada penyaringan selesai untuk dibandingkan.".into()),
    }
    out
}

fn reason(alasan: &str) -> Result<String, ServiceError> {
    let a = alasan.trim();
    if a.is_empty() {
        return Err(ServiceError::value(
            "alasan",
            "wajib diisi: tulis mengapa perubahan ini diterbitkan",
        ));
    }
    Ok(crate::domain::Comment::parse(a)
        .map(crate::domain::Comment::into_string)
        .unwrap_or_else(|| a.chars().take(1000).collect()))
}

fn letter(surat: Option<&str>) -> Option<String> {
    surat
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().filter(|c| !c.is_control()).take(200).collect())
}

/// What the reason and letter of a waiting draft are, kept in its note.
#[derive(Serialize, serde::Deserialize)]
struct Pending {
    alasan: String,
    nomor_surat: Option<String>,
    ringkasan: Vec<String>,
}

/// The files changed on disk since `d` began, or none.
fn disk_changes(app: &App, d: &Draft) -> Result<(FileSet, Vec<String>), ServiceError> {
    let disk = files_in_force(&app.settings, &d.key)?;
    if disk == d.berkas_dasar {
        return Ok((disk, Vec::new()));
    }
    let changed = d
        .berkas_dasar
        .diff(&disk)
        .into_iter()
        .map(|f| format!("{} ({})", f.berkas, f.status))
        .collect();
    Ok((disk, changed))
}

async fn refuse(app: &App, actor: &Actor, d: &Draft, e: ServiceError) -> ServiceError {
    // The refusal is what the caller gets; an entry that cannot be written is logged by `note`.
    crate::service::ground::audit::note(
        app,
        actor,
        Action::DefinisiTolak,
        &d.key.code(),
        &format!("draf {}: {e}", d.id),
    )
    .await;
    e
}

/// Terbitkan: publishes draft `id` with a reason and an optional letter number — the text
/// the publisher saw, when `revisi` names it (a change saved since is refused, not published
/// unseen).
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn publish(
    app: &App,
    id: &str,
    revisi: Option<i64>,
    actor: &Actor,
    alasan: &str,
    surat: Option<&str>,
) -> Result<Published, ServiceError> {
    let alasan = reason(alasan)?;
    let surat = letter(surat);
    let d = get(app, id).await?;
    open(&d)?;
    if revisi.is_some_and(|r| r != d.revisi) {
        return Err(Refusal::DraftMoved.into());
    }
    if let Err(e) = super::gate_off_thread(app, &d.key, &d.berkas).await {
        return Err(refuse(app, actor, &d, e).await);
    }
    let (_, changed) = disk_changes(app, &d)?;
    if !changed.is_empty() {
        return Err(refuse(app, actor, &d, Refusal::DiskChanged(changed).into()).await);
    }
    // A candidate ruleset's publication carries its preview (made now if the draft has none);
    // an employee ruleset is judged when a vacancy opens, so it has none to carry.
    let ringkasan = match &d.pratinjau {
        Some(r) => summary_lines(r),
        None if super::previewable(&app.settings, &d) => {
            summary_lines(&preview_now(app, &d, None).await?)
        }
        None => Vec::new(),
    };
    if matches!(d.key, DefinitionKey::Ruleset(_)) && app.settings.rule_publication_needs_approval {
        return send_for_approval(app, &d, actor, alasan, surat, ringkasan).await;
    }
    write_and_record(
        app,
        &d,
        DraftStatus::Terbuka,
        &d.penulis.clone(),
        actor,
        &alasan,
        surat,
        ringkasan,
    )
    .await
    .map(Published::Version)
}

async fn send_for_approval(
    app: &App,
    d: &Draft,
    actor: &Actor,
    alasan: String,
    surat: Option<String>,
    ringkasan: Vec<String>,
) -> Result<Published, ServiceError> {
    let mut diff = String::new();
    for f in super::diff_in_force(&app.settings, d)? {
        diff.push_str(&f.unified());
    }
    let lines: Vec<&str> = diff.lines().collect();
    let mut perbedaan = lines
        .iter()
        .take(DIFF_LINES_IN_PROMPT)
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    if lines.len() > DIFF_LINES_IN_PROMPT {
        perbedaan.push_str(&format!(
            "\n… {} baris lagi; lihat rincian",
            lines.len() - DIFF_LINES_IN_PROMPT
        ));
    }
    // Test cases hold NIKs: the prompt and the details page show them masked.
    let (perbedaan, _) = crate::domain::redact_identifiers(&perbedaan);
    let subject = RuleChangeSubject {
        draf: d.id.clone(),
        definisi: d.key.code(),
        penulis: proposer(&d.penulis),
        alasan: alasan.clone(),
        nomor_surat: surat.clone(),
        ringkasan: ringkasan.clone(),
        perbedaan,
    };
    let mut value = serde_json::to_value(&subject)
        .map_err(|e| ServiceError::unexpected("subjek perubahan", e))?;
    if let Some(o) = value.as_object_mut() {
        o.insert("jenis".into(), "perubahan_aturan".into());
    }
    let note = serde_json::to_string(&Pending {
        alasan,
        nomor_surat: surat,
        ringkasan,
    })
    .unwrap_or_default();
    let now = app.clock.now().timestamp_millis();
    // The draft is claimed before the workflow starts: a second click loses here and sends
    // no second prompt.
    if !app
        .store
        .set_draft_status(
            &d.id,
            "terbuka",
            "menunggu",
            Some(d.revisi),
            None,
            Some(&note),
            now,
        )
        .await?
    {
        return Err(Refusal::DraftMoved.into());
    }
    let stamp =
        crate::service::ground::audit::stamp(app, actor, Action::DefinisiAjukan, &d.key.code(), "")
            .await?;
    let instance = match crate::service::workflow::start_with_subject(
        app,
        CHANGE_WORKFLOW,
        value,
        actor,
        &|instance| {
            stamp.detailed(&format!(
                "draf {} diajukan pada alur {CHANGE_WORKFLOW} {instance}",
                d.id
            ))
        },
    )
    .await
    {
        Ok(i) => i,
        Err(e) => {
            let _ = app
                .store
                .set_draft_status(&d.id, "menunggu", "terbuka", None, None, None, now)
                .await;
            return Err(e);
        }
    };
    app.store
        .set_draft_status(
            &d.id,
            "menunggu",
            "menunggu",
            None,
            Some(&instance),
            Some(&note),
            now,
        )
        .await?;
    Ok(Published::Waiting(instance))
}

/// Writes `d`'s files and records the version; `from` is the status the draft must still be
/// in (a second click or a second approver loses here). Publications of one definition take
/// turns under a lock, so the check against the disk and the write see the same files.
#[allow(clippy::too_many_arguments)]
async fn write_and_record(
    app: &App,
    d: &Draft,
    from: DraftStatus,
    penulis: &str,
    actor: &Actor,
    alasan: &str,
    surat: Option<String>,
    ringkasan: Vec<String>,
) -> Result<i64, ServiceError> {
    let settings = app.settings.clone();
    let key = d.key.clone();
    let _lock = tokio::task::spawn_blocking(move || files::PublishLock::take(&settings, &key))
        .await
        .map_err(|e| ServiceError::unexpected("kunci penerbitan", e))?
        .map_err(ServiceError::internal)?;
    let now = app.clock.now().timestamp_millis();
    let (disk, changed) = disk_changes(app, d)?;
    if !changed.is_empty() {
        return Err(refuse(app, actor, d, Refusal::DiskChanged(changed).into()).await);
    }
    if !app
        .store
        .set_draft_status(
            &d.id,
            from.code(),
            "diterbitkan",
            Some(d.revisi),
            None,
            None,
            now,
        )
        .await?
    {
        return Err(Refusal::DraftMoved.into());
    }
    let code = d.key.code();
    // The files as they were before merit first published them (version 1), so they can be
    // restored.
    if app.store.versions(&code, false).await?.is_empty() && !disk.0.is_empty() {
        app.store
            .insert_version(
                &VersionRow {
                    definisi: code.clone(),
                    nomor: 0,
                    hash: disk.digest(),
                    berkas: disk.to_json(),
                    penulis: "sistem".into(),
                    alasan: "Keadaan berkas sebelum penerbitan pertama lewat merit".into(),
                    nomor_surat: None,
                    ringkasan: None,
                    draf: None,
                    dibuat_ms: now,
                    sidik: Some(fingerprint_of(app, &d.key, &disk).await?),
                },
                None,
            )
            .await?;
    }
    let sidik = fingerprint_of(app, &d.key, &d.berkas).await?;
    let stamp =
        crate::service::ground::audit::stamp(app, actor, Action::DefinisiTerbit, &code, "").await?;
    let describe = |nomor: i64| {
        stamp.detailed(&format!(
            "versi {nomor} dari draf {} oleh {penulis}: {alasan}{}",
            d.id,
            surat
                .as_ref()
                .map(|s| format!(" (surat {s})"))
                .unwrap_or_default()
        ))
    };
    let created = match files::write(&app.settings, &d.key, &disk, &d.berkas) {
        Ok(created) => created,
        Err(e) => return Err(undo(app, d, from, actor, now, ServiceError::internal(e)).await),
    };
    let recorded = app
        .store
        .insert_version(
            &VersionRow {
                definisi: code.clone(),
                nomor: 0,
                hash: d.berkas.digest(),
                berkas: d.berkas.to_json(),
                penulis: penulis.to_owned(),
                alasan: alasan.to_owned(),
                nomor_surat: surat.clone(),
                ringkasan: serde_json::to_string(&ringkasan).ok(),
                draf: Some(d.id.clone()),
                dibuat_ms: now,
                sidik: Some(sidik),
            },
            Some(&describe),
        )
        .await;
    let nomor = match recorded {
        Ok(n) => n,
        Err(e) => {
            // Not recorded: the files go back to what they were, so nothing is in force
            // without its version.
            if let Err(w) = files::take_back(&app.settings, &d.key, created, &d.berkas, &disk) {
                tracing::error!(draf = %d.id, "berkas tidak dapat dikembalikan: {w}");
            }
            return Err(undo(app, d, from, actor, now, e.into()).await);
        }
    };
    let refreshed = definitions::refresh(app).await?;
    if let Some(problem) = refreshed.workflows_refused {
        tracing::warn!("definisi alur setelah penerbitan: {problem}");
    }
    Ok(nomor)
}

/// A publication that failed half-way: the draft goes back to `from`, the refusal is audited.
async fn undo(
    app: &App,
    d: &Draft,
    from: DraftStatus,
    actor: &Actor,
    now: i64,
    e: ServiceError,
) -> ServiceError {
    let _ = app
        .store
        .set_draft_status(&d.id, "diterbitkan", from.code(), None, None, None, now)
        .await;
    refuse(app, actor, d, e).await
}

/// [`on_change_decided`] as a hook (`service::HOOKS`): told of every instance that ends.
pub fn on_change_decided_hook<'a>(
    app: &'a App,
    instance: &'a str,
    approved: bool,
    actor: &'a Actor,
) -> futures_util::future::BoxFuture<'a, Result<(), ServiceError>> {
    Box::pin(on_change_decided(app, instance, approved, actor))
}

/// The end of a `perubahan_aturan` instance: approved publishes the draft it carries, refused
/// closes it. Other instances are left alone.
#[tracing::instrument(level = "debug", skip_all, fields(instance = %instance))]
pub async fn on_change_decided(
    app: &App,
    instance: &str,
    approved: bool,
    actor: &Actor,
) -> Result<(), ServiceError> {
    let Some(row) = app.store.draft_of_instance(instance).await? else {
        return Ok(());
    };
    let d = super::from_row(row)?;
    if d.status != DraftStatus::Menunggu {
        return Ok(());
    }
    let by = &actor.orang;
    if !approved {
        refused_by_approval(
            app,
            &d,
            &format!("Perubahan ditolak oleh {by} pada alur persetujuan."),
        )
        .await?;
        crate::service::ground::audit::record(
            app,
            actor,
            Action::DefinisiTolak,
            &d.key.code(),
            &format!("draf {}: persetujuan ditolak pada alur {instance}", d.id),
        )
        .await?;
        return Ok(());
    }
    let pending: Pending = d
        .catatan
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or(Pending {
            alasan: "disetujui melalui alur persetujuan".into(),
            nomor_surat: None,
            ringkasan: Vec::new(),
        });
    let result = match super::gate_off_thread(app, &d.key, &d.berkas).await {
        Ok(()) => {
            write_and_record(
                app,
                &d,
                DraftStatus::Menunggu,
                &d.penulis.clone(),
                actor,
                &format!("{} (disetujui oleh {by})", pending.alasan),
                pending.nomor_surat.clone(),
                pending.ringkasan.clone(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        tracing::warn!(draf = %d.id, "perubahan disetujui tetapi tidak dapat diterbitkan: {e}");
        let note = format!(
            "Disetujui oleh {by}, tetapi tidak dapat diterbitkan: {e}. Buat draf baru dari versi yang berlaku."
        );
        refused_by_approval(app, &d, &note).await?;
    }
    Ok(())
}

/// A waiting draft closed with `note` (refused, or approved but not publishable).
async fn refused_by_approval(app: &App, d: &Draft, note: &str) -> Result<(), ServiceError> {
    let now = app.clock.now().timestamp_millis();
    app.store
        .set_draft_status(&d.id, "menunggu", "ditolak", None, None, Some(note), now)
        .await?;
    Ok(())
}

/// A draft still waiting on an approval instance that has ended (the process stopped between
/// the decision and the publication): settled now as the instance ended.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn settle(app: &App, d: &Draft) -> Result<(), ServiceError> {
    let (DraftStatus::Menunggu, Some(instance)) = (d.status, &d.instans) else {
        return Ok(());
    };
    let view = crate::service::workflow::show(app, instance).await?;
    match view.status {
        crate::workflow::Status::Berjalan => Ok(()),
        s => {
            on_change_decided(
                app,
                instance,
                s == crate::workflow::Status::SelesaiDisetujui,
                &Actor::account("sistem", "alur persetujuan"),
            )
            .await
        }
    }
}

/// `merit rules publish RULESET --from DIR`: the folder's files as a draft, published.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn publish_folder(
    app: &App,
    key: &DefinitionKey,
    dir: &std::path::Path,
    actor: &Actor,
    alasan: &str,
    surat: Option<&str>,
) -> Result<Published, ServiceError> {
    reason(alasan)?;
    let files = files::read_folder(dir).map_err(|e| ServiceError::value("--from", e))?;
    publish_files(app, key, files, actor, alasan, surat).await
}

/// Pulihkan: the version of `key` that `which` names (its number or its fingerprint)
/// published again as a new version.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn restore(
    app: &App,
    key: &DefinitionKey,
    which: &str,
    actor: &Actor,
    alasan: &str,
) -> Result<Published, ServiceError> {
    let alasan = reason(alasan)?;
    let nomor = resolve_version(app, key, which).await?;
    let v = app
        .store
        .version(&key.code(), nomor)
        .await?
        .ok_or_else(|| {
            ServiceError::not_found(Sought::Version, format!("{} versi {nomor}", key.code()))
        })?;
    let files = FileSet::from_json(&v.berkas).map_err(ServiceError::internal)?;
    let alasan = format!("Pemulihan versi {nomor}: {alasan}");
    publish_files(app, key, files, actor, &alasan, None).await
}

/// `files` published through a draft of their own, discarded when the publication is refused
/// (so a failed command leaves no draft behind).
async fn publish_files(
    app: &App,
    key: &DefinitionKey,
    files: FileSet,
    actor: &Actor,
    alasan: &str,
    surat: Option<&str>,
) -> Result<Published, ServiceError> {
    let d = super::begin_with(app, key, actor, files).await?;
    let result = publish(app, &d.id, None, actor, alasan, surat).await;
    if result.is_err() {
        let _ = super::discard(app, &d.id, actor).await;
    }
    result
}
