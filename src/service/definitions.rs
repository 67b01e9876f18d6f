//! The definitions in force — rulesets, workflows, message templates — compiled once from
//! their sources and held by the application. [`refresh`] reads the sources again and swaps
//! each in only when the new text is valid (a ruleset also when its own tests pass); until then
//! the last valid version keeps serving. The directory of people has its own last-valid copy
//! in the database (`workflow::directory`).
//!
//! Checking unsaved text goes through the same loaders over a [`crate::sources::Overlay`], so
//! no temporary folder is written.

use std::{collections::BTreeMap, sync::Arc};

use arc_swap::ArcSwap;

use super::{App, ServiceError};
use crate::{
    config::Settings,
    diagnostic::Diagnostics,
    render::Templates,
    rules::{Catalog, LiveCatalog, Refusal},
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

/// The compiled definitions of one application.
pub struct Definitions {
    /// Rulesets that compile (dry runs, explanations, vacancies).
    compiled: LiveCatalog,
    /// Rulesets that compile and pass their own tests (official screening runs).
    adopted: LiveCatalog,
    /// Why rulesets were left out of `adopted` at the last load.
    refused: ArcSwap<Vec<(String, Refusal)>>,
    workflows: ArcSwap<Loaded<Workflows>>,
    templates: ArcSwap<Loaded<Templates>>,
}

/// What a refresh changed and refused.
#[derive(Debug, Default)]
pub struct Refreshed {
    /// Rulesets now in force with a new version (`id`, version).
    pub rulesets: Vec<(String, String)>,
    /// Rulesets refused: the previous version stays.
    pub rulesets_refused: Vec<(String, Refusal)>,
    /// The workflows in force, when the folder was valid.
    pub workflows: Option<Arc<Workflows>>,
    /// Why the workflow folder was refused.
    pub workflows_refused: Option<Diagnostics>,
    /// Why the templates were refused.
    pub templates_refused: Option<Diagnostics>,
}

/// Workflows, their roles and people checked against the directory file when it reads (a
/// broken directory is reported on its own; its last valid copy keeps serving).
fn load_workflows(settings: &Settings) -> Result<Workflows, Diagnostics> {
    let dir = crate::workflow::Directory::load(&settings.directory)
        .ok()
        .map(|(d, _)| d);
    super::workflow::load_definitions(settings, dir.as_ref())
        .map(|defs| defs.into_iter().map(|(id, d)| (id, Arc::new(d))).collect())
}

fn load_templates(settings: &Settings) -> Result<Templates, Diagnostics> {
    let (src, dir) = super::workflow::workflows_folder(settings);
    Templates::load(src.as_ref(), &dir.join("templates"))
}

impl Definitions {
    /// Compiles everything `settings` points at (blocking: scripts compile, tests run).
    pub fn load(settings: &Settings) -> Self {
        let (src, dir) = super::rules::rules_folder(settings);
        let limits = &settings.script_limits;
        let (compiled, _) = LiveCatalog::open_with(src.clone(), &dir, limits, false);
        let (adopted, refused) = LiveCatalog::open_with(src, &dir, limits, true);
        for (id, r) in &refused {
            tracing::warn!(ruleset = %id, "ruleset tidak dimuat: {r}");
        }
        let me = Self {
            compiled,
            adopted,
            refused: ArcSwap::from_pointee(refused),
            workflows: ArcSwap::default(),
            templates: ArcSwap::default(),
        };
        swap_if_valid(&me.workflows, load_workflows(settings));
        swap_if_valid(&me.templates, load_templates(settings));
        me
    }

    /// Reads every source again; each kind is swapped in only when valid (blocking).
    pub fn refresh(&self, settings: &Settings) -> Refreshed {
        self.compiled.reload();
        // Every folder is read again, so the refusals are the complete list.
        let report = self.adopted.reload();
        self.refused.store(Arc::new(report.refused.clone()));
        swap_if_valid(&self.workflows, load_workflows(settings));
        swap_if_valid(&self.templates, load_templates(settings));
        let workflows = self.workflows.load();
        let templates = self.templates.load();
        Refreshed {
            rulesets: report.accepted,
            rulesets_refused: report.refused,
            workflows: workflows
                .problem
                .is_none()
                .then(|| workflows.value.clone())
                .flatten(),
            workflows_refused: workflows.problem.clone(),
            templates_refused: templates.problem.clone(),
        }
    }

    /// Rulesets that compile.
    pub fn compiled(&self) -> Arc<Catalog> {
        self.compiled.current()
    }

    /// Rulesets that compile and pass their own tests, and why others were left out.
    pub fn adopted(&self) -> (Arc<Catalog>, Arc<Vec<(String, Refusal)>>) {
        (self.adopted.current(), self.refused.load_full())
    }

    /// The workflows in force.
    pub fn workflows(&self) -> Arc<Loaded<Workflows>> {
        self.workflows.load_full()
    }

    /// The message templates in force.
    pub fn templates(&self) -> Arc<Loaded<Templates>> {
        self.templates.load_full()
    }
}

/// The application's definitions, compiled on first use.
pub async fn of(app: &App) -> Result<Arc<Definitions>, ServiceError> {
    let settings = app.settings.clone();
    app.caches
        .live
        .get_or_try_init(|| async move {
            tokio::task::spawn_blocking(move || Arc::new(Definitions::load(&settings)))
                .await
                .map_err(|e| ServiceError::unexpected("memuat definisi", e))
        })
        .await
        .cloned()
}

/// Reads the application's sources again (see [`Definitions::refresh`]).
pub async fn refresh(app: &App) -> Result<Refreshed, ServiceError> {
    let defs = of(app).await?;
    let settings = app.settings.clone();
    tokio::task::spawn_blocking(move || defs.refresh(&settings))
        .await
        .map_err(|e| ServiceError::unexpected("memuat ulang definisi", e))
}
