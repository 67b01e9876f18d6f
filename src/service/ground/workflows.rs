//! Workflow definitions in force and what every use case reads about an instance: the
//! workflows folder and its loading and checking, a stored definition version, the directory
//! of people (its last valid copy kept in the database), the working-day calendar, the titles
//! of an instance and of its steps, and the answers given so far.

use std::{collections::BTreeMap, path::Path, sync::Arc};

use super::{Definition, ServiceError};
use crate::{
    diagnostic::Diagnostics,
    rules::ExprEngine,
    service::App,
    workflow::{
        Calendar, Directory, HistoryEntry, InstanceRow, WorkflowDef,
        definition::{self, Context},
        directory::KNOWN_ROLES,
        planner,
    },
};

/// The setting under which the last good directory is kept.
const DIRECTORY_KEY: &str = "direktori_terakhir";

/// The directory in force: the file when valid (and then saved as the last good copy), else
/// the last good copy with a warning.
pub async fn directory(app: &App) -> Result<(Arc<Directory>, Option<String>), ServiceError> {
    let file = &app.settings.directory;
    // An unchanged file (same size and modification time) is not read again; a changed one is
    // read and compared with the text in force. The stamp is one `stat` on every call (a
    // prompt, a confirm page): done here, it costs microseconds, where a trip through the
    // blocking pool cost the confirm page a fifth of its throughput. Reading and parsing a
    // changed file go to the blocking pool.
    let stamp = std::fs::metadata(file)
        .ok()
        .and_then(|m| Some((m.len(), m.modified().ok()?)));
    if let Ok(cache) = app.caches.directory.lock()
        && let Some(c) = cache.as_ref()
        && stamp.is_some()
        && c.stamp == stamp
    {
        return Ok((c.directory.clone(), None));
    }
    if let Ok(text) = tokio::fs::read_to_string(file).await
        && let Ok(mut cache) = app.caches.directory.lock()
        && let Some(c) = cache.as_mut()
        && c.text == text
    {
        c.stamp = stamp;
        return Ok((c.directory.clone(), None));
    }
    let path = file.clone();
    let loaded = tokio::task::spawn_blocking(move || Directory::load(&crate::sources::Disk, &path))
        .await
        .map_err(|e| ServiceError::unexpected("membaca direktori orang", e))?;
    match loaded {
        Ok((dir, text)) => {
            app.store.set_setting(DIRECTORY_KEY, &text).await?;
            let dir = Arc::new(dir);
            if let Ok(mut cache) = app.caches.directory.lock() {
                *cache = Some(crate::service::CachedDirectory {
                    stamp,
                    text,
                    directory: dir.clone(),
                });
            }
            Ok((dir, None))
        }
        Err(diags) => {
            let stored = app.store.setting(DIRECTORY_KEY).await?;
            match stored.and_then(|t| Directory::parse(Path::new("(salinan terakhir)"), &t).ok()) {
                Some(dir) => Ok((
                    Arc::new(dir),
                    Some(format!(
                        "direktori orang tidak dapat dipakai; salinan valid terakhir tetap berlaku:\n{diags}"
                    )),
                )),
                None => Err(ServiceError::definitions(Definition::Directory, diags)),
            }
        }
    }
}

/// An expression engine for workflow conditions, under the installation's script limits.
pub fn engine(app_settings: &crate::config::Settings) -> ExprEngine {
    ExprEngine::new(&app_settings.script_limits)
}

/// Where workflow definitions are read from: the configured folder, else the built-in copies.
pub fn workflows_folder(
    settings: &crate::config::Settings,
) -> (Arc<dyn crate::sources::Source>, std::path::PathBuf) {
    crate::sources::folder(&settings.workflows_dir, "workflows", "alur persetujuan")
}

/// Validates every workflow in the folder against the directory (when it can be read).
pub fn check(
    settings: &crate::config::Settings,
) -> Result<BTreeMap<String, WorkflowDef>, Diagnostics> {
    let (src, dir) = workflows_folder(settings);
    check_in(src.as_ref(), &dir, settings)
}

/// [`check`] of the folder with unsaved `edits` (paths relative to the workflows folder and
/// their new text; `None` removes the file), read from memory: nothing is written.
pub fn check_edits(
    settings: &crate::config::Settings,
    edits: &[(String, Option<String>)],
) -> Result<BTreeMap<String, WorkflowDef>, Diagnostics> {
    let (src, dir) = workflows_folder(settings);
    let (overlay, dir) = super::rules::edited_folder(src, &dir, edits);
    check_in(&overlay, &dir, settings)
}

/// [`check`] of the workflow files held by `src` under `folder` (a draft's).
pub fn check_source(
    src: &dyn crate::sources::Source,
    folder: &Path,
    settings: &crate::config::Settings,
) -> Result<BTreeMap<String, WorkflowDef>, Diagnostics> {
    check_in(src, folder, settings)
}

fn check_in(
    src: &dyn crate::sources::Source,
    folder: &Path,
    settings: &crate::config::Settings,
) -> Result<BTreeMap<String, WorkflowDef>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let dir = if settings.directory.exists() {
        match Directory::load(&crate::sources::Disk, &settings.directory) {
            Ok((d, _)) => Some(d),
            Err(d) => {
                diags.0.extend(d.0);
                None
            }
        }
    } else {
        None
    };
    let defs = load_in(src, folder, settings, dir.as_ref());
    match defs {
        Ok(defs) => diags.into_result(defs),
        Err(d) => {
            diags.0.extend(d.0);
            Err(diags)
        }
    }
}

/// Reads and checks every workflow definition in the workflows folder, by id; `dir` checks roles and people.
pub fn load_definitions(
    settings: &crate::config::Settings,
    dir: Option<&Directory>,
) -> Result<BTreeMap<String, WorkflowDef>, Diagnostics> {
    let (src, folder) = workflows_folder(settings);
    load_in(src.as_ref(), &folder, settings, dir)
}

fn load_in(
    src: &dyn crate::sources::Source,
    folder: &Path,
    settings: &crate::config::Settings,
    dir: Option<&Directory>,
) -> Result<BTreeMap<String, WorkflowDef>, Diagnostics> {
    let engine = engine(settings);
    // Without a readable directory, roles and people are not checked (like people before).
    let role_known = |r: &str| KNOWN_ROLES.contains(&r) || dir.is_none_or(|d| d.has_role(r));
    let person_known = |p: &str| dir.is_none_or(|d| d.person(p).is_some());
    let ctx = Context {
        engine: &engine,
        role_known: &role_known,
        person_known: &person_known,
    };
    definition::load_dir(src, folder, &ctx)
}

/// Parses a stored definition version. Its references were checked when it was adopted; the
/// directory may have changed since, which the planner reports when it resolves approvers.
pub fn parse_stored(
    settings: &crate::config::Settings,
    file: &str,
    source: &str,
) -> Result<WorkflowDef, Diagnostics> {
    let engine = engine(settings);
    let ctx = Context {
        engine: &engine,
        role_known: &|_| true,
        person_known: &|_| true,
    };
    definition::parse(Path::new(file), source, &ctx)
}

/// The definition an instance runs on: its own version, from the stored source.
pub async fn definition_of(app: &App, row: &InstanceRow) -> Result<Arc<WorkflowDef>, ServiceError> {
    let key = (row.workflow.clone(), row.versi.clone());
    if let Some(def) = app
        .caches
        .definitions
        .lock()
        .ok()
        .and_then(|c| c.get(&key).cloned())
    {
        return Ok(def);
    }
    let (file, source) = app
        .store
        .workflow_version(&row.workflow, &row.versi)
        .await?
        .ok_or_else(|| {
            ServiceError::internal(format!(
                "sumber workflow {} versi {} tidak tersimpan",
                row.workflow, row.versi
            ))
        })?;
    let def = parse_stored(&app.settings, &file, &source).map_err(|d| {
        ServiceError::internal(format!("workflow tersimpan tidak dapat dibaca lagi: {d}"))
    })?;
    let def = Arc::new(def);
    if let Ok(mut c) = app.caches.definitions.lock() {
        c.insert(key, def.clone());
    }
    Ok(def)
}

/// The working calendar: the installation's time zone, holidays and working hours.
pub fn calendar(app: &App) -> Calendar {
    Calendar {
        tz: app.settings.timezone,
        holidays: app.settings.holidays.clone(),
        jam_kerja: app.settings.jam_kerja,
    }
}

/// The titles of an instance's workflow and of one of its steps (from its own version).
pub async fn titles(
    app: &App,
    row: &InstanceRow,
    step: &str,
) -> Result<(String, Option<String>), ServiceError> {
    let def = definition_of(app, row).await?;
    let step = def.step(step).map(|(_, s)| s.judul.clone());
    Ok((def.judul.clone(), step))
}

/// The answers given on an instance so far (`history`, as read by the caller), one line each
/// as prompts show them (the confirm and details pages).
pub async fn answer_lines(
    app: &App,
    row: &InstanceRow,
    dir: &Directory,
    history: &[HistoryEntry],
) -> Result<Vec<String>, ServiceError> {
    let def = definition_of(app, row).await?;
    let answers: Vec<_> = history
        .iter()
        .filter_map(|h| planner::prior_answer(&def, dir, h))
        .collect();
    Ok(crate::notify::compose::prior_lines(
        &answers,
        row.subjek.typed().ok(),
        app.settings.timezone,
    ))
}

/// The answers given on instance `id` so far, as prompts show them.
pub async fn prior_answers(
    app: &App,
    def: &WorkflowDef,
    dir: &Directory,
    id: &str,
) -> Result<Vec<crate::domain::PriorAnswer>, ServiceError> {
    Ok(app
        .store
        .history(id)
        .await?
        .iter()
        .filter_map(|h| planner::prior_answer(def, dir, h))
        .collect())
}
