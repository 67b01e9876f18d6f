#![warn(missing_docs)]
//! Orchestration: one function per use case. Entry points (`cli`, `http`) call these and never
//! each other; the background loops of [`runtime`] call them too. Each use case reads,
//! evaluates, persists, then notifies.

// The ground floor: used by every use case, uses none.
pub mod ground;

// Use cases: each uses the ground floor and the modules below `service`, never another use case.
pub mod accounts;
pub mod audit;
mod import;
pub mod init;
pub mod placement;
pub mod reload;
pub mod rules;
pub mod screening;
pub mod status;
pub mod workflow;

// Compositions: they call use cases (and the ground floor); no use case calls them.
pub mod console;
pub mod demo;
pub mod drafts;
pub mod outbox;
pub mod public;
pub mod runtime;
pub mod scheduler;

use std::sync::{Arc, Mutex};

use crate::{clock::SharedClock, config::Settings, store::Store};

pub use ground::{
    Definition, Invalid, NotFound, Prerequisite, Refusal, ServiceError, Sought, audit::Actor,
};
pub use import::{ImportOptions, ImportReport, import};

/// Everything a use case needs: settings, the store and the clock. Entry points hold one and
/// pass it to the use cases; only the service reaches inside.
#[derive(Clone)]
pub struct App {
    settings: Settings,
    store: Store,
    clock: SharedClock,
    caches: Arc<Caches>,
    /// Issues reference codes; `None` draws random ones (tests replace it to force collisions).
    code_source: Option<CodeSource>,
}

/// A source of reference codes.
pub type CodeSource = Arc<dyn Fn() -> String + Send + Sync>;

/// Parsed workflow definition versions by (id, version).
type DefinitionMap = std::collections::HashMap<(String, String), Arc<crate::workflow::WorkflowDef>>;

/// The directory file as last read: its size and modification time (so an unchanged file is
/// not read again), its text and what it parsed to.
pub(crate) struct CachedDirectory {
    pub(crate) stamp: Option<(u64, std::time::SystemTime)>,
    pub(crate) text: String,
    pub(crate) directory: Arc<crate::workflow::Directory>,
}

/// Compiled rulesets by (id, version).
pub(crate) type RulesetVersions =
    std::collections::HashMap<(String, String), Arc<crate::rules::Ruleset>>;

/// Fill per unit, least filled first.
pub(crate) type UnitFills = Arc<Vec<console::dashboard::UnitFill>>;

/// Places taken per formation code, by placement id.
pub(crate) type PlacementCounts = std::collections::HashMap<String, Arc<Vec<(String, u64)>>>;

/// What use cases keep between calls: parsed workflow definition versions, and the directory
/// with the text it was parsed from.
#[derive(Default)]
pub struct Caches {
    pub(crate) definitions: Mutex<DefinitionMap>,
    /// Ruleset versions compiled from the sources a run stored, by (id, version).
    pub(crate) rulesets: Mutex<RulesetVersions>,
    /// Places taken per formation, by placement id (a placement never changes).
    pub(crate) placement_counts: Mutex<PlacementCounts>,
    /// The latest placement's fill per unit, with when it was computed (epoch ms) and the
    /// placement: the console sums the formations at most once a minute (and again after an
    /// import in this process).
    pub(crate) unit_fill: Mutex<Option<(i64, String, UnitFills)>>,
    /// The definitions in force, compiled on first use and refreshed by `serve`.
    pub(crate) live: std::sync::OnceLock<Arc<ground::definitions::Definitions>>,
    pub(crate) directory: Mutex<Option<CachedDirectory>>,
    pub(crate) link_secret: Mutex<Option<Arc<Vec<u8>>>>,
    /// The delivery channels (e-mail keeps its SMTP connection open between passes).
    pub(crate) channels: std::sync::OnceLock<crate::notify::Channels>,
    /// Set once this process has seen the audit chain end in a keyed entry (an older, unkeyed
    /// chain is sealed before the first entry this version writes).
    pub(crate) audit_sealed: std::sync::OnceLock<()>,
    /// Sign-in attempts being checked (the throttle's places).
    pub(crate) sign_ins: Arc<accounts::SignIns>,
    /// Previews of drafts running in this process, by draft id.
    pub(crate) previews: Mutex<std::collections::HashMap<String, Arc<drafts::PreviewJob>>>,
}

impl App {
    /// Opens the database (migrating it) for the configured tenant.
    pub async fn open(settings: Settings, clock: SharedClock) -> Result<Self, ServiceError> {
        let store = Store::open(&settings.database_url, &settings.tenant).await?;
        Ok(Self {
            settings,
            store,
            clock,
            caches: Arc::default(),
            code_source: None,
        })
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The database's kind, as a bench report names it.
    pub fn backend_name(&self) -> String {
        format!("{:?}", self.store.backend())
    }

    /// The time source.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// The same application with changed settings (the same database and tenant; the
    /// definitions, link secret and channels are read again under the new settings).
    pub fn with_settings(&self, change: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = self.settings.clone();
        change(&mut settings);
        Self {
            settings,
            caches: Arc::default(),
            ..self.clone()
        }
    }

    /// The database, for tests that look at rows directly.
    #[cfg(any(test, feature = "test-util"))]
    pub fn store_for_tests(&self) -> &Store {
        &self.store
    }

    /// The same application with another clock (shares the database and caches).
    pub fn with_clock(&self, clock: SharedClock) -> Self {
        Self {
            clock,
            ..self.clone()
        }
    }

    /// The same application serving another tenant (the same pool, fresh caches).
    pub fn for_tenant(&self, tenant: &str) -> Self {
        let mut settings = self.settings.clone();
        settings.tenant = tenant.to_owned();
        Self {
            settings,
            store: self.store.for_tenant(tenant),
            clock: self.clock.clone(),
            caches: Arc::default(),
            code_source: self.code_source.clone(),
        }
    }

    /// The same application issuing reference codes from `source` (for tests that need two
    /// prompts to draw the same code).
    #[cfg(any(test, feature = "test-util"))]
    pub fn with_code_source(mut self, source: CodeSource) -> Self {
        self.code_source = Some(source);
        self
    }
}

/// The SQLite file the settings name, when it does not exist (a read-only command must not
/// create an empty database in the wrong folder).
pub fn missing_database(settings: &Settings) -> Option<std::path::PathBuf> {
    crate::store::sqlite_file(&settings.database_url).filter(|p| !p.exists())
}

/// Who is running a command, for audit records: `$USER`, else `tidak diketahui`.
pub fn current_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "tidak diketahui".to_owned())
}

/// A private temporary folder, removed with everything in it when dropped.
pub struct TempFolder(pub std::path::PathBuf);

impl TempFolder {
    /// Creates `merit-{what}-{random}` under the system's temporary folder.
    pub fn new(what: &str) -> std::io::Result<Self> {
        let dir =
            std::env::temp_dir().join(format!("merit-{what}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }

    /// The folder.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The hooks of this build (see [`ground::hooks`]): a rule change waiting for approval is
/// published or refused when its instance ends; document templates are checked with the
/// documents' own sample data.
pub(crate) static HOOKS: ground::hooks::Hooks = ground::hooks::Hooks {
    instance_ended: &[drafts::on_change_decided_hook, public::objection::settle],
    check_templates: placement::documents::check,
};
