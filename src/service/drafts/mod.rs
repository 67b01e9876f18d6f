//! Definitions edited in the browser or from the command line (console.md 4): a **draft** per
//! definition kept in the database with its author and the digest of the files it began from;
//! **check**, **test** and **preview** of the draft's text; **publish** (written atomically,
//! recorded as a numbered version with author, reason and letter, optionally after approval by
//! workflow) and **restore** of any earlier version. The console and `merit rules
//! versions|preview|publish|restore` share these functions.

mod edit;
mod files;
mod preview;
mod publish;

pub use edit::{
    DirectoryEdit, NewRule, add_rule, edit_directory, move_rule, retire_rule, set_param,
    set_rule_field,
};
pub use preview::{
    PreviewJob, PreviewView, cancel_preview, explain_sample, preview_folder, preview_now,
    preview_view, start_preview,
};
pub use publish::{
    Published, on_change_decided, on_change_decided_hook, publish, publish_folder, resolve_version,
    restore, settle, summary_lines,
};

use super::{App, Definition, Invalid, Refusal, ServiceError, Sought, audit::Actor};
use crate::service::ground::versions::compile_ruleset;
use crate::{
    config::Settings,
    diagnostic::{Diagnostic, Diagnostics},
    domain::{Action, DefinitionKey, FileDiff, FileSet, is_relative_path},
    rules::{self, TestFailure},
    sources::Memory,
    store::DraftRow,
};

/// The largest file a draft holds (a rule script, a workflow).
pub const FILE_MAX: usize = 256 * 1024;

/// Where a draft is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftStatus {
    /// Being edited.
    Terbuka,
    /// Waiting for the Kepala BKPSDM's approval.
    Menunggu,
    /// Published.
    Diterbitkan,
    /// Discarded.
    Dibuang,
    /// Approval refused (or the approved publication could not be written).
    Ditolak,
}

impl DraftStatus {
    /// The stored name: `terbuka`, `menunggu`, `diterbitkan`, `dibuang` or `ditolak`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Terbuka => "terbuka",
            Self::Menunggu => "menunggu",
            Self::Diterbitkan => "diterbitkan",
            Self::Dibuang => "dibuang",
            Self::Ditolak => "ditolak",
        }
    }

    /// How a page says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Terbuka => "sedang disunting",
            Self::Menunggu => "menunggu persetujuan Kepala BKPSDM",
            Self::Diterbitkan => "sudah diterbitkan",
            Self::Dibuang => "sudah dibuang",
            Self::Ditolak => "ditolak",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "menunggu" => Self::Menunggu,
            "diterbitkan" => Self::Diterbitkan,
            "dibuang" => Self::Dibuang,
            "ditolak" => Self::Ditolak,
            _ => Self::Terbuka,
        }
    }
}

/// A draft of a definition.
#[derive(Debug, Clone)]
pub struct Draft {
    /// A UUID (v7), made when the draft began.
    pub id: String,
    /// Which definition the draft changes (a ruleset, the workflows, the directory, the templates).
    pub key: DefinitionKey,
    /// Who began it: the account's e-mail, or `cli:USER` from the command line.
    pub penulis: String,
    /// The files on disk when it began (publishing is refused when the disk no longer holds
    /// them).
    pub berkas_dasar: FileSet,
    /// Its files now.
    pub berkas: FileSet,
    /// The revision, 1 when begun and raised by each save (a save at an older one is refused).
    pub revisi: i64,
    /// Where the draft is in its life (stored as its code).
    pub status: DraftStatus,
    /// The approval instance, when sent for approval.
    pub instans: Option<String>,
    /// Why it ended as it did.
    pub catatan: Option<String>,
    /// The preview made on its current revision, if any.
    pub pratinjau: Option<crate::service::screening::DryRunReport>,
    /// When it began, epoch ms.
    pub dibuat_ms: i64,
    /// When it was last changed, epoch ms.
    pub diubah_ms: i64,
}

fn from_row(row: DraftRow) -> Result<Draft, ServiceError> {
    let key = DefinitionKey::parse(&row.definisi).map_err(ServiceError::internal)?;
    Ok(Draft {
        key,
        berkas_dasar: FileSet::from_json(&row.berkas_dasar).map_err(ServiceError::internal)?,
        berkas: FileSet::from_json(&row.berkas).map_err(ServiceError::internal)?,
        status: DraftStatus::parse(&row.status),
        pratinjau: row
            .pratinjau
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok()),
        id: row.id,
        penulis: row.penulis,
        revisi: row.revisi,
        instans: row.instans,
        catatan: row.catatan,
        dibuat_ms: row.dibuat_ms,
        diubah_ms: row.diubah_ms,
    })
}

/// The files of `key` as they are on disk now.
pub fn files_in_force(settings: &Settings, key: &DefinitionKey) -> Result<FileSet, ServiceError> {
    files::read(settings, key).map_err(ServiceError::internal)
}

/// Open drafts one person may hold at once (each is checked, tested and previewed on the
/// server).
pub const DRAFTS_PER_PERSON: usize = 5;

/// Begins a draft of `key` from the files in force (a ruleset must have some); refused when
/// `actor` already holds [`DRAFTS_PER_PERSON`] open drafts.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn begin(app: &App, key: &DefinitionKey, actor: &Actor) -> Result<Draft, ServiceError> {
    let held = app
        .store
        .drafts(None, &[DraftStatus::Terbuka.code()])
        .await?
        .iter()
        .filter(|d| d.penulis == actor.orang)
        .count();
    if held >= DRAFTS_PER_PERSON {
        return Err(Refusal::TooManyDrafts(DRAFTS_PER_PERSON).into());
    }
    let base = files_in_force(&app.settings, key)?;
    if let DefinitionKey::Ruleset(id) = key
        && base.0.is_empty()
    {
        return Err(ServiceError::not_found(Sought::Ruleset, id.clone()));
    }
    insert(app, key, actor, base.clone(), base).await
}

/// Begins a draft of `key` holding `files` (a folder given on the command line, a version to
/// restore); its base is what is on disk now.
pub(crate) async fn begin_with(
    app: &App,
    key: &DefinitionKey,
    actor: &Actor,
    files: FileSet,
) -> Result<Draft, ServiceError> {
    let base = files_in_force(&app.settings, key)?;
    insert(app, key, actor, base, files).await
}

async fn insert(
    app: &App,
    key: &DefinitionKey,
    actor: &Actor,
    base: FileSet,
    files: FileSet,
) -> Result<Draft, ServiceError> {
    let now = app.clock.now().timestamp_millis();
    let row = DraftRow {
        id: uuid::Uuid::now_v7().to_string(),
        definisi: key.code(),
        penulis: actor.orang.clone(),
        berkas_dasar: base.to_json(),
        berkas: files.to_json(),
        revisi: 1,
        status: DraftStatus::Terbuka.code().into(),
        instans: None,
        catatan: None,
        pratinjau: None,
        dibuat_ms: now,
        diubah_ms: now,
    };
    let stamp = crate::service::ground::audit::stamp(
        app,
        actor,
        Action::DrafBaru,
        &key.code(),
        &format!("draf {}", row.id),
    )
    .await?;
    app.store.insert_draft(&row, &stamp).await?;
    from_row(row)
}

/// One draft.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn get(app: &App, id: &str) -> Result<Draft, ServiceError> {
    let row = app
        .store
        .draft(id)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Draft, id))?;
    from_row(row)
}

/// The open and waiting drafts of `key` (of every definition when `None`), newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open_drafts(
    app: &App,
    key: Option<&DefinitionKey>,
) -> Result<Vec<Draft>, ServiceError> {
    let code = key.map(DefinitionKey::code);
    app.store
        .drafts(code.as_deref(), &["terbuka", "menunggu"])
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

fn open(d: &Draft) -> Result<(), ServiceError> {
    if d.status == DraftStatus::Terbuka {
        Ok(())
    } else {
        Err(Refusal::DraftClosed(d.status.label().into()).into())
    }
}

/// Text as a draft keeps it: LF line ends, one final newline, bounded.
fn normalise(path: &str, text: &str) -> Result<String, ServiceError> {
    if text.len() > FILE_MAX {
        return Err(ServiceError::value(
            path,
            format!("berkas lebih dari {} KB", FILE_MAX / 1024),
        ));
    }
    let mut t = text.replace("\r\n", "\n").replace('\r', "\n");
    if !t.ends_with('\n') {
        t.push('\n');
    }
    Ok(t)
}

/// Replaces a draft's files when it is still at `revisi` (cancelling a preview of the old
/// text); refused when someone saved in between.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn replace_files(
    app: &App,
    id: &str,
    revisi: i64,
    files: FileSet,
    actor: &Actor,
    what: &str,
) -> Result<Draft, ServiceError> {
    edit(app, id, revisi, actor, what, |_| Ok(files)).await
}

/// Changes a draft's files with `change` (a form's edit of the current text; its error is
/// the form's message) when the draft is still at `revisi`.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn edit(
    app: &App,
    id: &str,
    revisi: i64,
    actor: &Actor,
    what: &str,
    change: impl FnOnce(&FileSet) -> Result<FileSet, ServiceError>,
) -> Result<Draft, ServiceError> {
    let d = get(app, id).await?;
    let files = change(&d.berkas)?;
    store_files(app, d, revisi, files, actor, what).await
}

/// One form edit of a ruleset draft's manifest (console.md 4).
#[derive(Debug, Clone)]
pub enum EditAction {
    /// A parameter set to a value.
    SetParam {
        /// The parameter's name.
        name: String,
        /// Its new value, as typed.
        value: String,
    },
    /// A rule moved up one place.
    MoveRule(String),
    /// A rule taken out of the ruleset.
    RetireRule(String),
    /// A rule added at the end with a script that passes everyone.
    AddRule(NewRule),
    /// A rule's title, legal basis and message changed.
    ChangeRule {
        /// The rule's id.
        id: String,
        /// The new title.
        judul: String,
        /// The new legal basis.
        dasar_hukum: String,
        /// The new message.
        pesan: String,
    },
}

impl EditAction {
    /// What the edit did, in the audit log's words.
    fn what(&self) -> String {
        match self {
            Self::SetParam { name, value } => format!("parameter {name} = {value}"),
            Self::MoveRule(rule) => format!("aturan {rule} dinaikkan"),
            Self::RetireRule(rule) => format!("aturan {rule} dikeluarkan dari ruleset"),
            Self::AddRule(r) => format!("aturan {} ditambahkan", r.id),
            Self::ChangeRule { id, .. } => {
                format!("judul, dasar hukum, dan pesan aturan {id} diubah")
            }
        }
    }

    /// `files` with the edit made; its error names the form's field.
    fn apply(&self, files: &FileSet) -> Result<FileSet, ServiceError> {
        let rule_error = |e| ServiceError::value("aturan", e);
        match self {
            Self::SetParam { name, value } => set_param(files, name, value)
                .map_err(|e| ServiceError::value(format!("parameter {name}"), e)),
            Self::MoveRule(rule) => move_rule(files, rule).map_err(rule_error),
            Self::RetireRule(rule) => retire_rule(files, rule).map_err(rule_error),
            Self::AddRule(r) => add_rule(files, r).map_err(rule_error),
            Self::ChangeRule {
                id,
                judul,
                dasar_hukum,
                pesan,
            } => [
                ("judul", judul),
                ("dasar_hukum", dasar_hukum),
                ("pesan", pesan),
            ]
            .into_iter()
            .try_fold(files.clone(), |fs, (k, v)| set_rule_field(&fs, id, k, v))
            .map_err(rule_error),
        }
    }
}

/// Makes `action` on draft `id`'s text when the draft is still at `revisi`, audited in the
/// edit's own words.
pub async fn apply_edit(
    app: &App,
    actor: &Actor,
    id: &str,
    revisi: i64,
    action: &EditAction,
) -> Result<Draft, ServiceError> {
    edit(app, id, revisi, actor, &action.what(), |files| {
        action.apply(files)
    })
    .await
}

/// Keeps `files` as `d`'s new text (a revision guards against a save in between) and returns
/// the draft as it is now.
async fn store_files(
    app: &App,
    mut d: Draft,
    revisi: i64,
    files: FileSet,
    actor: &Actor,
    what: &str,
) -> Result<Draft, ServiceError> {
    open(&d)?;
    let now = app.clock.now().timestamp_millis();
    let stamp = crate::service::ground::audit::stamp(
        app,
        actor,
        Action::DrafUbah,
        &d.key.code(),
        &format!("draf {}: {what}", d.id),
    )
    .await?;
    if d.revisi != revisi
        || !app
            .store
            .save_draft_files(&d.id, revisi, &files.to_json(), now, &stamp)
            .await?
    {
        return Err(Refusal::DraftMoved.into());
    }
    cancel_preview(app, &d.id);
    d.berkas = files;
    d.revisi = revisi + 1;
    d.pratinjau = None;
    d.diubah_ms = now;
    Ok(d)
}

/// Writes one file of a draft (`None` removes it).
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn save_file(
    app: &App,
    id: &str,
    revisi: i64,
    path: &str,
    text: Option<&str>,
    actor: &Actor,
) -> Result<Draft, ServiceError> {
    let path = path.trim();
    let d = get(app, id).await?;
    admitted_path(&app.settings, &d.key, path)?;
    let mut files = d.berkas.clone();
    let what = match text {
        Some(t) => {
            files.0.insert(path.to_owned(), normalise(path, t)?);
            format!("{path} diubah")
        }
        None => {
            files.0.remove(path);
            format!("{path} dihapus")
        }
    };
    store_files(app, d, revisi, files, actor, &what).await
}

/// Whether a draft of `key` may hold a file at `path`, said as a form error.
pub fn admitted_path(
    settings: &Settings,
    key: &DefinitionKey,
    path: &str,
) -> Result<(), ServiceError> {
    if !is_relative_path(path) {
        return Err(ServiceError::value(
            "berkas",
            format!("nama berkas '{path}' tidak sah: gunakan hanya huruf, angka, _, -, . dan /"),
        ));
    }
    files::admits(settings, key, path).map_err(|e| ServiceError::value("berkas", e))
}

/// Discards an open draft; says what it was a draft of.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn discard(app: &App, id: &str, actor: &Actor) -> Result<DefinitionKey, ServiceError> {
    let d = get(app, id).await?;
    open(&d)?;
    let now = app.clock.now().timestamp_millis();
    let stamp = crate::service::ground::audit::stamp(
        app,
        actor,
        Action::DrafBuang,
        &d.key.code(),
        &format!("draf {id}"),
    )
    .await?;
    if !app.store.discard_draft(id, now, &stamp).await? {
        return Err(Refusal::DraftMoved.into());
    }
    cancel_preview(app, id);
    Ok(d.key)
}

/// What the draft changes against the files in force now.
pub fn diff_in_force(settings: &Settings, d: &Draft) -> Result<Vec<FileDiff>, ServiceError> {
    Ok(files_in_force(settings, &d.key)?.diff(&d.berkas))
}

/// The folder the files of `key` are checked under (so messages name the real paths).
fn checked_root(settings: &Settings, key: &DefinitionKey) -> std::path::PathBuf {
    files::location(settings, key).target
}

/// How far a check goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Reading and compiling only — bounded by the size of the files, so safe on any page
    /// view: document templates are parsed, not typeset.
    Quick,
    /// Everything a publication requires: document templates typeset with sample data (in a
    /// child process under the check limits).
    Full,
}

/// Periksa: every problem in the draft's files, with file and line.
pub fn check(
    settings: &Settings,
    key: &DefinitionKey,
    files: &FileSet,
    depth: Depth,
) -> Diagnostics {
    let root = checked_root(settings, key);
    match key {
        DefinitionKey::Ruleset(id) => compile_ruleset(settings, id, files)
            .err()
            .unwrap_or_default(),
        DefinitionKey::Workflows => {
            let mem = Memory::under(&root, files.0.clone());
            crate::service::ground::workflows::check_source(&mem, &root, settings)
                .err()
                .unwrap_or_default()
        }
        DefinitionKey::Templates => {
            let mem = Memory::under(&root, files.0.clone());
            match (crate::render::Templates::load(&mem, &root), depth) {
                (Err(d), _) => d,
                (Ok(_), Depth::Quick) => Diagnostics::new(),
                (Ok(_), Depth::Full) => samples_in_child(settings, files).err().unwrap_or_default(),
            }
        }
        DefinitionKey::Documents => {
            let mem = Memory::under(&root, files.0.clone());
            let builtin = crate::sources::builtin();
            let t = crate::documents::DocumentTemplates::read(
                &mem,
                &root,
                builtin.as_ref(),
                &std::path::Path::new(crate::sources::BUILTIN_ROOT).join("dokumen"),
            );
            match depth {
                Depth::Quick => t.syntax(),
                Depth::Full => {
                    crate::service::placement::documents::check(&t, &settings.check_limits)
                        .err()
                        .unwrap_or_default()
                }
            }
        }
        DefinitionKey::Directory => {
            let name = files::directory_name(settings);
            match files.0.get(&name) {
                Some(text) => crate::workflow::Directory::parse(&root.join(&name), text)
                    .err()
                    .unwrap_or_default(),
                None => {
                    let mut d = Diagnostics::new();
                    d.push(Diagnostic::file(
                        &root.join(&name),
                        "berkas direktori tidak ada",
                    ));
                    d
                }
            }
        }
    }
}

/// Whether `d` can be previewed over the candidates: a draft of a candidate ruleset that
/// compiles (an employee ruleset is judged when a vacancy opens).
pub fn previewable(settings: &Settings, d: &Draft) -> bool {
    match &d.key {
        DefinitionKey::Ruleset(id) => compile_ruleset(settings, id, &d.berkas)
            .is_ok_and(|rs| rs.subjek == rules::SubjectKind::Calon),
        _ => false,
    }
}

/// What Uji found.
#[derive(Debug, Clone, Default)]
pub struct TestOutcome {
    /// Cases run.
    pub kasus: usize,
    /// Failing cases, expected vs actual per rule.
    pub gagal: Vec<TestFailure>,
    /// Why the ruleset could not be tested.
    pub masalah: Diagnostics,
}

/// Uji: the ruleset's own test cases run on the draft.
pub fn test(settings: &Settings, key: &DefinitionKey, files: &FileSet) -> TestOutcome {
    let DefinitionKey::Ruleset(id) = key else {
        return TestOutcome::default();
    };
    match compile_ruleset(settings, id, files) {
        Ok(rs) => TestOutcome {
            kasus: rs.tests.len(),
            gagal: rules::run_tests_within(&rs, settings.check_limits.wall),
            masalah: Diagnostics::new(),
        },
        Err(d) => TestOutcome {
            masalah: d,
            ..TestOutcome::default()
        },
    }
}

/// Accepts the current results of the failing cases named `cases` as their new expectations
/// (in the draft's test files; nothing on disk).
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn accept_results(
    app: &App,
    id: &str,
    revisi: i64,
    cases: &[String],
    actor: &Actor,
) -> Result<Draft, ServiceError> {
    let d = get(app, id).await?;
    let outcome = test_off_thread(app, &d.key, &d.berkas).await?;
    let relative = relative_to(&app.settings, &d.key);
    let mut files = d.berkas.clone();
    let mut accepted = Vec::new();
    for f in outcome
        .gagal
        .iter()
        .filter(|f| f.catatan.is_none() && cases.contains(&f.nama))
    {
        let rel = relative(&f.file);
        let rewritten = files
            .0
            .get(&rel)
            .ok_or_else(|| format!("berkas {rel} tidak ada pada draf"))
            .and_then(|text| {
                f.actual_expectation()
                    .and_then(|(h, g, t)| rules::rewrite_expectation(text, f.line, h, &g, &t))
            });
        match rewritten {
            Ok(new) => {
                files.0.insert(rel, new);
                accepted.push(f.nama.clone());
            }
            Err(e) => {
                return Err(ServiceError::value(
                    format!("kasus '{}'", f.nama),
                    format!("harapan tidak dapat diperbarui: {e}"),
                ));
            }
        }
    }
    if accepted.is_empty() {
        return Err(ServiceError::value(
            "kasus",
            "tidak ada kasus gagal yang dipilih",
        ));
    }
    let what = format!("hasil baru diterima untuk kasus: {}", accepted.join("; "));
    store_files(app, d, revisi, files, actor, &what).await
}

/// [`check`] on the bounded pool (off the request threads).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn check_off_thread(
    app: &App,
    key: &DefinitionKey,
    files: &FileSet,
    depth: Depth,
) -> Result<Diagnostics, ServiceError> {
    let (settings, key, files) = (app.settings.clone(), key.clone(), files.clone());
    crate::service::ground::bounded::run("memeriksa draf", move || {
        check(&settings, &key, &files, depth)
    })
    .await
}

/// [`test`] on the bounded pool.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn test_off_thread(
    app: &App,
    key: &DefinitionKey,
    files: &FileSet,
) -> Result<TestOutcome, ServiceError> {
    let (settings, key, files) = (app.settings.clone(), key.clone(), files.clone());
    crate::service::ground::bounded::run("menguji draf", move || test(&settings, &key, &files))
        .await
}

/// [`gate`] on the bounded pool.
pub(crate) async fn gate_off_thread(
    app: &App,
    key: &DefinitionKey,
    files: &FileSet,
) -> Result<(), ServiceError> {
    let (settings, key, files) = (app.settings.clone(), key.clone(), files.clone());
    crate::service::ground::bounded::run("memeriksa draf", move || gate(&settings, &key, &files))
        .await?
}

/// The job name of rendering message template samples in a child process.
pub const SAMPLES_JOB: &str = "contoh";

/// What a child process renders samples from.
#[derive(serde::Serialize, serde::Deserialize)]
struct SampleRequest {
    root: std::path::PathBuf,
    instansi: String,
    files: std::collections::BTreeMap<String, String>,
    /// The sample prompt's times, in words, as a real prompt sent at the sample moment would
    /// carry them: the step's deadline and the link's validity (`link_ttl` after sending).
    #[serde(default)]
    times: SampleTimes,
}

/// When the sample prompt says its step ends and its link stops working.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct SampleTimes {
    tenggat: String,
    berlaku_sampai: String,
}

impl SampleTimes {
    /// A prompt sent on Monday 30 November 2026 at 09.00 local time for a step of four
    /// working days (until Friday 16.00), with this installation's link validity.
    fn of(settings: &Settings) -> Self {
        use chrono::TimeZone;
        let tz = settings.timezone;
        let at = |month: u32, day: u32, hour: u32| {
            tz.with_ymd_and_hms(2026, month, day, hour, 0, 0)
                .single()
                .map(|t| t.with_timezone(&chrono::Utc))
        };
        match (at(11, 30, 9), at(12, 4, 16)) {
            (Some(sent), Some(due)) => Self {
                tenggat: crate::domain::format_deadline_id(due, tz),
                berlaku_sampai: crate::domain::format_datetime_id(sent + settings.link_ttl, tz),
            },
            _ => Self::default(),
        }
    }
}

type SampleAnswer = Result<Vec<(String, String)>, Vec<Diagnostic>>;

/// Samples of the message templates ([`render_samples`]) in a child process under the check limits (a template's fuel and
/// output cap bound its steps and what it writes, not what it holds in memory meanwhile),
/// on the bounded pool.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn samples_off_thread(
    app: &App,
    files: &FileSet,
) -> Result<Result<Vec<(String, String)>, Diagnostics>, ServiceError> {
    let settings = app.settings.clone();
    let files = files.clone();
    crate::service::ground::bounded::run("contoh templat", move || {
        samples_in_child(&settings, &files)
    })
    .await
}

fn samples_in_child(
    settings: &Settings,
    files: &FileSet,
) -> Result<Vec<(String, String)>, Diagnostics> {
    let root = checked_root(settings, &DefinitionKey::Templates);
    let request = SampleRequest {
        times: SampleTimes::of(settings),
        root: root.clone(),
        instansi: settings.instansi.nama.clone(),
        files: files.0.clone(),
    };
    let refused = |why: String| Diagnostics::from(Diagnostic::file(&root, why));
    let input = serde_json::to_vec(&request).map_err(|e| refused(e.to_string()))?;
    let out = crate::sandbox::run(SAMPLES_JOB, &input, &settings.check_limits)
        .map_err(|e| refused(format!("contoh templat tidak dapat dibuat: {e}")))?;
    let answer: SampleAnswer = serde_json::from_slice(&out)
        .map_err(|_| refused("contoh templat tidak terbaca dari pekerjaan terpisah".to_owned()))?;
    answer.map_err(Diagnostics)
}

/// In a child process of merit: answers a [`SampleRequest`] read from `input`.
pub fn serve_samples(input: &[u8]) -> Result<Vec<u8>, String> {
    let req: SampleRequest = serde_json::from_slice(input).map_err(|e| e.to_string())?;
    let answer: SampleAnswer =
        render_samples(&req.root, &req.instansi, &req.times, &FileSet(req.files)).map_err(|d| d.0);
    serde_json::to_vec(&answer).map_err(|e| e.to_string())
}

/// Check (and, for a ruleset, test) a draft's files as a publication requires: the errors as
/// a service error.
pub(crate) fn gate(
    settings: &Settings,
    key: &DefinitionKey,
    files: &FileSet,
) -> Result<(), ServiceError> {
    for rel in files.0.keys() {
        admitted_path(settings, key, rel)?;
    }
    let diags = check(settings, key, files, Depth::Full);
    if !diags.0.is_empty() {
        let what = match key {
            DefinitionKey::Ruleset(_) => Definition::Ruleset,
            DefinitionKey::Workflows => Definition::Workflow,
            DefinitionKey::Directory => Definition::Directory,
            DefinitionKey::Templates => Definition::Templates,
            DefinitionKey::Documents => Definition::Documents,
        };
        return Err(ServiceError::definitions(what, diags));
    }
    if let DefinitionKey::Ruleset(id) = key {
        let t = test(settings, key, files);
        if !t.gagal.is_empty() {
            return Err(Invalid::TestsFail {
                ruleset: id.clone(),
                failures: t.gagal,
            }
            .into());
        }
    }
    Ok(())
}

/// Problems grouped by file (relative to the definition's folder) and line, for an editor
/// that marks them.
pub fn problems_by_file(
    settings: &Settings,
    key: &DefinitionKey,
    diags: &Diagnostics,
) -> Vec<(String, usize, String)> {
    let relative = relative_to(settings, key);
    diags
        .0
        .iter()
        .map(|d| (relative(&d.file), d.line, d.message.clone()))
        .collect()
}

/// Audits a check, test or preview of a draft.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn audit_trial(
    app: &App,
    d: &Draft,
    actor: &Actor,
    what: &str,
) -> Result<(), ServiceError> {
    crate::service::ground::audit::record(
        app,
        actor,
        Action::DrafUji,
        &d.key.code(),
        &format!("draf {}: {what}", d.id),
    )
    .await
    .map(|_| ())
}

/// A path of `key`'s checked folder made relative to it, as the editor names files.
pub fn relative_to(
    settings: &Settings,
    key: &DefinitionKey,
) -> impl Fn(&std::path::Path) -> String + use<> {
    let root = checked_root(settings, key);
    move |p: &std::path::Path| {
        p.strip_prefix(&root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| p.display().to_string())
    }
}

/// Applies a directory form to `actor`'s open draft of the directory (begun when they hold
/// none); refused, with nothing changed, when the result is not a valid directory.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn edit_directory_draft(
    app: &App,
    actor: &Actor,
    edit: &DirectoryEdit,
) -> Result<Draft, ServiceError> {
    let key = DefinitionKey::Directory;
    let name = files::directory_name(&app.settings);
    let file = checked_root(&app.settings, &key).join(&name);
    let mine = open_drafts(app, Some(&key))
        .await?
        .into_iter()
        .find(|d| d.penulis == actor.orang && d.status == DraftStatus::Terbuka);
    // The edit is made and checked before a draft is begun for it: a refused form leaves
    // nothing behind.
    let text = match &mine {
        Some(d) => d.berkas.0.get(&name).cloned(),
        None => files_in_force(&app.settings, &key)?.0.remove(&name),
    };
    let new = edit_directory(&file, &text.unwrap_or_default(), edit)
        .map_err(|e| ServiceError::value("direktori", e))?;
    let d = match mine {
        Some(d) => d,
        None => begin(app, &key, actor).await?,
    };
    let mut files = d.berkas.clone();
    files.0.insert(name, new);
    let what = match edit {
        DirectoryEdit::Person { id, .. } => format!("orang {id} ditambahkan/diubah"),
        DirectoryEdit::Acting {
            jenis,
            peran,
            orang,
            ..
        } => format!("{jenis} {peran}: {orang}"),
        DirectoryEdit::RemoveActing(k) => format!("pelaksana ke-{} dihapus", k + 1),
        DirectoryEdit::RemovePerson(id) => format!("orang {id} dihapus"),
    };
    let revisi = d.revisi;
    store_files(app, d, revisi, files, actor, &what).await
}

/// The message templates of `files` (missing ones from the built-in copies) rendered with a
/// sample approval request and a sample notice, as an approver would read them; a template
/// that cannot render (or passes its fuel or output cap) is a problem at its file. Runs the
/// administrator's templates in the calling process: only a child process calls it (see
/// [`samples_off_thread`]).
fn render_samples(
    root: &std::path::Path,
    instansi: &str,
    times: &SampleTimes,
    files: &FileSet,
) -> Result<Vec<(String, String)>, Diagnostics> {
    let templates = crate::render::Templates::load(&Memory::under(root, files.0.clone()), root)?;
    let instansi = instansi.to_owned();
    let prompt = serde_json::json!({
        "jenis": "permintaan",
        "salam": "Yth. Bapak/Ibu Sekretaris Daerah",
        "judul_workflow": "Usulan Kebutuhan PPPK Paruh Waktu",
        "judul_langkah": "Persetujuan Sekretaris Daerah",
        "kapasitas": "Sekretaris Daerah",
        "kode": "MERIT-7KQ2XA",
        "tenggat": times.tenggat,
        "alasan_kembali": null,
        "ringkasan": ["2.911 calon diusulkan pada 412 formasi di 38 unit kerja.", "57 calon layak belum mendapat formasi."],
        "perbedaan": null,
        "rincian": "https://merit.contoh.go.id/persetujuan/CONTOH/rincian",
        "tautan": [
            {"label": "Setuju", "url": "https://merit.contoh.go.id/persetujuan/CONTOH.setuju"},
            {"label": "Tolak", "url": "https://merit.contoh.go.id/persetujuan/CONTOH.tolak"},
            {"label": "Kembalikan", "url": "https://merit.contoh.go.id/persetujuan/CONTOH.kembalikan"}
        ],
        "pilihan": [],
        "berlaku_sampai": times.berlaku_sampai,
        "instansi": instansi,
    });
    let notice = serde_json::json!({
        "salam": "Yth. Bapak/Ibu Kepala BKPSDM",
        "perihal": "Usulan Kebutuhan PPPK Paruh Waktu selesai disetujui",
        "paragraf": ["Alur persetujuan di bawah ini telah selesai dengan hasil disetujui."],
        "ringkasan": ["2.911 calon diusulkan pada 412 formasi di 38 unit kerja."],
        "instansi": instansi,
        "tanggal": "4 Desember 2026",
    });
    let mut out = Vec::new();
    let mut problems = Diagnostics::new();
    for (name, ctx) in [
        ("permintaan.txt", &prompt),
        ("permintaan.html", &prompt),
        ("pemberitahuan.txt", &notice),
        ("pemberitahuan.html", &notice),
    ] {
        match templates.render(name, ctx) {
            Ok(text) => out.push((name.to_owned(), text)),
            Err(e) => problems.push(Diagnostic::file(&root.join(name), e)),
        }
    }
    problems.into_result(out)
}

/// The workflows a draft of the workflow folder defines, when they are valid.
pub fn workflows_of(
    settings: &Settings,
    files: &FileSet,
) -> Result<std::collections::BTreeMap<String, crate::workflow::WorkflowDef>, Diagnostics> {
    let root = checked_root(settings, &DefinitionKey::Workflows);
    crate::service::ground::workflows::check_source(
        &Memory::under(&root, files.0.clone()),
        &root,
        settings,
    )
}

#[cfg(test)]
mod tests {
    use super::{EditAction, NewRule};

    #[test]
    fn each_edit_is_audited_in_its_own_words() {
        let rule = |id: &str| id.to_owned();
        let cases = [
            (
                EditAction::SetParam {
                    name: "usia_maks".into(),
                    value: "56".into(),
                },
                "parameter usia_maks = 56",
            ),
            (EditAction::MoveRule(rule("R2")), "aturan R2 dinaikkan"),
            (
                EditAction::RetireRule(rule("R3")),
                "aturan R3 dikeluarkan dari ruleset",
            ),
            (
                EditAction::AddRule(NewRule {
                    id: rule("R9"),
                    judul: String::new(),
                    dasar_hukum: String::new(),
                    pesan: String::new(),
                }),
                "aturan R9 ditambahkan",
            ),
            (
                EditAction::ChangeRule {
                    id: rule("R1"),
                    judul: String::new(),
                    dasar_hukum: String::new(),
                    pesan: String::new(),
                },
                "judul, dasar hukum, dan pesan aturan R1 diubah",
            ),
        ];
        for (action, words) in cases {
            assert_eq!(action.what(), words);
        }
    }
}
