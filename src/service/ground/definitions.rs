//! The definitions in force — rulesets, workflows, message templates — compiled from their
//! sources the first time a use case needs them and held by the application. [`refresh`] reads
//! the sources again and puts each in force only when the new text is valid (a ruleset also
//! only when its own tests pass); until then the last valid version keeps serving. The
//! directory of people has its own last-valid copy in the database (`workflow::directory`).
//!
//! Checking unsaved text goes through the same loaders over a [`crate::sources::Overlay`], so
//! no temporary folder is written.

use std::{
    collections::BTreeMap,
    sync::{Arc, OnceLock},
};

use arc_swap::ArcSwap;

use super::ServiceError;
use crate::service::App;
use crate::{
    config::Settings,
    diagnostic::Diagnostics,
    documents::DocumentTemplates,
    render::Templates,
    rules::{Catalog, LiveCatalog, Refusal, Ruleset, run_tests},
    workflow::WorkflowDef,
};

/// A kind of definition as last loaded: the last valid value, and what is wrong with the
/// newest text when it was refused.
#[derive(Debug)]
pub struct Loaded<T> {
    /// The last valid version (none when no version was ever valid).
    pub value: Option<Arc<T>>,
    /// Why the newest text is not in force.
    pub problem: Option<Diagnostics>,
}

impl<T> Default for Loaded<T> {
    fn default() -> Self {
        Self {
            value: None,
            problem: None,
        }
    }
}

/// Puts `new` in force when it is valid; otherwise keeps the old value and records why.
fn swap_if_valid<T>(cell: &ArcSwap<Loaded<T>>, new: Result<T, Diagnostics>) {
    let next = match new {
        Ok(v) => Loaded {
            value: Some(Arc::new(v)),
            problem: None,
        },
        Err(d) => Loaded {
            value: cell.load().value.clone(),
            problem: Some(d),
        },
    };
    cell.store(Arc::new(next));
}

/// Workflow definitions by id.
pub type Workflows = BTreeMap<String, Arc<WorkflowDef>>;

/// The rulesets: those that compile, and of those the ones whose own tests pass.
struct Rulesets {
    /// Compiles (dry runs, explanations, vacancies).
    compiled: LiveCatalog,
    /// Compiles and passes its tests (official screening runs).
    adopted: ArcSwap<Catalog>,
    /// Why rulesets are not adopted, as of the last load.
    refused: ArcSwap<Vec<(String, Refusal)>>,
}

impl Rulesets {
    fn load(settings: &Settings) -> Self {
        let (src, dir) = super::rules::rules_folder(settings);
        let (compiled, mut refused) =
            LiveCatalog::open_with(src, &dir, &settings.script_limits, false);
        let current = compiled.current();
        let (adopted, failing) = adopt(&Catalog::default(), &current);
        refused.extend(failing);
        for (id, r) in &refused {
            tracing::warn!(ruleset = %id, "ruleset tidak dimuat: {r}");
        }
        Self {
            compiled,
            adopted: ArcSwap::from_pointee(adopted),
            refused: ArcSwap::from_pointee(refused),
        }
    }

    /// Reads the rules again — from the folder, or the built-in copies while there is none, as
    /// it is now (a publication may have written the folder since this process started);
    /// returns the rulesets newly adopted (id, version).
    fn refresh(&self, settings: &Settings) -> Vec<(String, String)> {
        let (src, dir) = super::rules::rules_folder(settings);
        let report = self.compiled.reload_from(src, &dir);
        let (adopted, failing) = adopt(&self.adopted.load(), &self.compiled.current());
        let newly: Vec<(String, String)> = adopted
            .all()
            .filter(|rs| {
                self.adopted
                    .load()
                    .get(&rs.id)
                    .is_none_or(|o| o.version != rs.version)
            })
            .map(|rs| (rs.id.clone(), rs.version.clone()))
            .collect();
        let mut refused = report.refused;
        refused.extend(failing);
        self.adopted.store(Arc::new(adopted));
        self.refused.store(Arc::new(refused));
        newly
    }
}

/// The rulesets of `compiled` that may screen: a version already adopted stays; a new version
/// is adopted when its own tests pass, else the one adopted before keeps serving. The tests of
/// a version run once.
fn adopt(before: &Catalog, compiled: &Catalog) -> (Catalog, Vec<(String, Refusal)>) {
    let mut kept: Vec<Arc<Ruleset>> = Vec::new();
    let mut refused = Vec::new();
    for rs in compiled.all() {
        match before.get(&rs.id) {
            Some(old) if old.version == rs.version => kept.push(old),
            old => {
                let failures = run_tests(rs);
                if failures.is_empty() {
                    kept.push(rs.clone());
                } else {
                    refused.push((rs.id.clone(), Refusal::TestsFail(failures)));
                    kept.extend(old);
                }
            }
        }
    }
    (Catalog::from_rulesets(kept), refused)
}

/// The compiled definitions of one application, each kind loaded on first use.
pub struct Definitions {
    settings: Settings,
    /// The fingerprint of the rules folder when it was last read (see
    /// [`Definitions::rulesets`]).
    seen: std::sync::Mutex<Option<u64>>,
    rules: OnceLock<Rulesets>,
    workflows: OnceLock<ArcSwap<Loaded<Workflows>>>,
    templates: OnceLock<ArcSwap<Loaded<Templates>>>,
    documents: OnceLock<ArcSwap<Loaded<DocumentTemplates>>>,
}

/// What a refresh changed and refused.
#[derive(Debug, Default)]
pub struct Refreshed {
    /// Rulesets newly put in force (`id`, version).
    pub rulesets: Vec<(String, String)>,
    /// The workflows in force, when the folder was valid.
    pub workflows: Option<Arc<Workflows>>,
    /// Why the workflow folder was refused.
    pub workflows_refused: Option<Diagnostics>,
    /// Why the templates were refused.
    pub templates_refused: Option<Diagnostics>,
    /// Why the document templates were refused.
    pub documents_refused: Option<Diagnostics>,
}

/// Workflows, their roles and people checked against the directory file when it reads (a
/// broken directory is reported on its own and its last valid copy keeps serving; the
/// workflows are then checked without it).
fn load_workflows(settings: &Settings) -> Result<Workflows, Diagnostics> {
    let dir = crate::workflow::Directory::load(&crate::sources::Disk, &settings.directory)
        .ok()
        .map(|(d, _)| d);
    super::workflows::load_definitions(settings, dir.as_ref())
        .map(|defs| defs.into_iter().map(|(id, d)| (id, Arc::new(d))).collect())
}

fn load_templates(settings: &Settings) -> Result<Templates, Diagnostics> {
    let (src, dir) = super::workflows::workflows_folder(settings);
    Templates::load(src.as_ref(), &dir.join("templates"))
}

/// The document templates of the `dokumen` folder (built-in copies for what it lacks), each
/// typeset with sample data before it is put in force.
fn load_documents(settings: &Settings) -> Result<DocumentTemplates, Diagnostics> {
    let builtin = crate::sources::builtin();
    let builtin_dir = std::path::Path::new(crate::sources::BUILTIN_ROOT).join("dokumen");
    let t = DocumentTemplates::read(
        &crate::sources::Disk,
        &settings.documents_dir,
        builtin.as_ref(),
        &builtin_dir,
    );
    (crate::service::HOOKS.check_templates)(&t, &settings.check_limits).map(|()| t)
}

fn loaded<T>(new: Result<T, Diagnostics>) -> ArcSwap<Loaded<T>> {
    let cell = ArcSwap::default();
    swap_if_valid(&cell, new);
    cell
}

impl Definitions {
    fn new(settings: Settings) -> Self {
        Self {
            settings,
            seen: std::sync::Mutex::new(None),
            rules: OnceLock::new(),
            workflows: OnceLock::new(),
            templates: OnceLock::new(),
            documents: OnceLock::new(),
        }
    }

    /// The rulesets, read again first when their files changed since they were last read (a
    /// publication by another process, a hand edit): every reader — a run, a dry run, an
    /// explanation, a vacancy, the Aturan page — gets what is published, not what this process
    /// read at start. Cheap when nothing changed (the files' names, sizes and times are
    /// compared); the other kinds are left to the reload loop.
    fn rulesets(&self) -> &Rulesets {
        let mut fresh = false;
        let r = self.rules.get_or_init(|| {
            fresh = true;
            self.remember(super::rules::rules_fingerprint(&self.settings));
            Rulesets::load(&self.settings)
        });
        if !fresh {
            let now = super::rules::rules_fingerprint(&self.settings);
            if self.seen.lock().ok().and_then(|s| *s) != Some(now) {
                self.remember(now);
                r.refresh(&self.settings);
            }
        }
        r
    }

    fn remember(&self, fingerprint: u64) {
        if let Ok(mut s) = self.seen.lock() {
            *s = Some(fingerprint);
        }
    }

    fn workflow_cell(&self) -> &ArcSwap<Loaded<Workflows>> {
        self.workflows
            .get_or_init(|| loaded(load_workflows(&self.settings)))
    }

    fn document_cell(&self) -> &ArcSwap<Loaded<DocumentTemplates>> {
        self.documents
            .get_or_init(|| loaded(load_documents(&self.settings)))
    }

    fn template_cell(&self) -> &ArcSwap<Loaded<Templates>> {
        self.templates
            .get_or_init(|| loaded(load_templates(&self.settings)))
    }

    /// Reads again every kind loaded so far (the others load fresh on first use); each is
    /// swapped in only when valid (blocking).
    pub fn refresh(&self) -> Refreshed {
        self.remember(super::rules::rules_fingerprint(&self.settings));
        let mut out = Refreshed::default();
        if let Some(r) = self.rules.get() {
            out.rulesets = r.refresh(&self.settings);
        }
        let workflows = self.workflow_cell();
        swap_if_valid(workflows, load_workflows(&self.settings));
        let w = workflows.load();
        out.workflows_refused = w.problem.clone();
        out.workflows = w.problem.is_none().then(|| w.value.clone()).flatten();
        let templates = self.template_cell();
        swap_if_valid(templates, load_templates(&self.settings));
        out.templates_refused = templates.load().problem.clone();
        let documents = self.document_cell();
        swap_if_valid(documents, load_documents(&self.settings));
        out.documents_refused = documents.load().problem.clone();
        out
    }

    /// Rulesets that compile (blocking on first use).
    pub fn compiled(&self) -> Arc<Catalog> {
        self.rulesets().compiled.current()
    }

    /// Rulesets that compile and pass their own tests, and why others are left out (blocking
    /// on first use).
    pub fn adopted(&self) -> (Arc<Catalog>, Arc<Vec<(String, Refusal)>>) {
        let r = self.rulesets();
        (r.adopted.load_full(), r.refused.load_full())
    }

    /// The workflows in force (blocking on first use).
    pub fn workflows(&self) -> Arc<Loaded<Workflows>> {
        self.workflow_cell().load_full()
    }

    /// The message templates in force (blocking on first use).
    pub fn templates(&self) -> Arc<Loaded<Templates>> {
        self.template_cell().load_full()
    }

    /// The document templates in force (blocking on first use: each is typeset once).
    pub fn documents(&self) -> Arc<Loaded<DocumentTemplates>> {
        self.document_cell().load_full()
    }
}

/// The application's definitions.
pub fn of(app: &App) -> Arc<Definitions> {
    app.caches
        .live
        .get_or_init(|| Arc::new(Definitions::new(app.settings.clone())))
        .clone()
}

/// Runs `read` on the application's definitions off the async threads (the first read of a
/// kind compiles it).
pub async fn read<T: Send + 'static>(
    app: &App,
    read: impl FnOnce(&Definitions) -> T + Send + 'static,
) -> Result<T, ServiceError> {
    let defs = of(app);
    tokio::task::spawn_blocking(move || read(&defs))
        .await
        .map_err(|e| ServiceError::unexpected("memuat definisi", e))
}

/// Reads the application's sources again (see [`Definitions::refresh`]).
pub async fn refresh(app: &App) -> Result<Refreshed, ServiceError> {
    read(app, Definitions::refresh).await
}
