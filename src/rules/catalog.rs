//! Every ruleset under the rules folder, and the reload mechanism: each changed ruleset is
//! loaded, compiled and its tests run before it replaces the version in force; a refused
//! version leaves the last good one serving. The swap is atomic (readers hold an `Arc` to the
//! catalog they started with).

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use arc_swap::ArcSwap;

use super::{Ruleset, TestFailure, ruleset, run_tests};
use crate::{
    config::ScriptLimits,
    diagnostic::{Diagnostic, Diagnostics},
    sources::{EntryKind, Source},
};

/// The rulesets in force.
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    rulesets: BTreeMap<String, Arc<Ruleset>>,
}

impl Catalog {
    /// A ruleset by id.
    pub fn get(&self, id: &str) -> Option<Arc<Ruleset>> {
        self.rulesets.get(id).cloned()
    }

    /// All rulesets, by id.
    pub fn all(&self) -> impl Iterator<Item = &Arc<Ruleset>> {
        self.rulesets.values()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rulesets.is_empty()
    }

    /// A catalog of these rulesets (by id).
    pub fn from_rulesets(rulesets: impl IntoIterator<Item = Arc<Ruleset>>) -> Self {
        Self {
            rulesets: rulesets.into_iter().map(|rs| (rs.id.clone(), rs)).collect(),
        }
    }
}

/// Why a ruleset folder is not in force.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// It does not load or compile.
    Invalid(Diagnostics),
    /// It loads but its own test cases fail.
    TestsFail(Vec<TestFailure>),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(d) => write!(f, "{d}"),
            Self::TestsFail(failures) => {
                for (i, t) in failures.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{t}")?;
                }
                Ok(())
            }
        }
    }
}

/// The ruleset folders of `dir` (those holding a `ruleset.yaml`, and those that should).
fn folders(src: &dyn Source, dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let entries = src.entries(dir).map_err(|e| {
        Diagnostics::from(Diagnostic::file(
            dir,
            format!("folder aturan tidak dapat dibaca: {}", e.message),
        ))
    })?;
    Ok(entries
        .into_iter()
        .filter(|(n, k)| *k == EntryKind::Folder && !n.starts_with('.'))
        .map(|(n, _)| dir.join(n))
        .collect())
}

fn folder_id(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Loads every ruleset in folder `dir` of `src`. With `run_own_tests`, a ruleset whose tests
/// fail is refused.
pub fn load_all(
    src: &dyn Source,
    dir: &Path,
    limits: &ScriptLimits,
    run_own_tests: bool,
) -> (Catalog, Vec<(String, Refusal)>) {
    let mut catalog = Catalog::default();
    let mut refused = Vec::new();
    let dirs = match folders(src, dir) {
        Ok(d) => d,
        Err(d) => {
            return (
                catalog,
                vec![(dir.display().to_string(), Refusal::Invalid(d))],
            );
        }
    };
    for folder in dirs {
        match load_one(src, &folder, limits, run_own_tests) {
            Ok(rs) => {
                catalog.rulesets.insert(rs.id.clone(), Arc::new(rs));
            }
            Err(r) => refused.push((folder_id(&folder), r)),
        }
    }
    (catalog, refused)
}

fn load_one(
    src: &dyn Source,
    folder: &Path,
    limits: &ScriptLimits,
    run_own_tests: bool,
) -> Result<Ruleset, Refusal> {
    if src.kind(&folder.join("ruleset.yaml")) != Some(EntryKind::File) {
        return Err(Refusal::Invalid(
            Diagnostic::file(folder, "folder ruleset tanpa ruleset.yaml").into(),
        ));
    }
    let rs = ruleset::load(src, folder, limits).map_err(Refusal::Invalid)?;
    if run_own_tests {
        let failures = run_tests(&rs);
        if !failures.is_empty() {
            return Err(Refusal::TestsFail(failures));
        }
    }
    Ok(rs)
}

/// What a reload did.
#[derive(Debug, Default)]
pub struct ReloadReport {
    /// Rulesets now in force with a new version: (id, version).
    pub accepted: Vec<(String, String)>,
    /// Rulesets refused; the previous version (if any) stays in force.
    pub refused: Vec<(String, Refusal)>,
    /// Rulesets whose folder disappeared.
    pub removed: Vec<String>,
}

/// A catalog that can be reloaded while it is being read, from the same folder or, when the
/// installation moved from the built-in copies to a folder of its own, from another.
pub struct LiveCatalog {
    place: ArcSwap<(Arc<dyn Source>, PathBuf)>,
    limits: ScriptLimits,
    run_own_tests: bool,
    current: ArcSwap<Catalog>,
}

impl LiveCatalog {
    /// Loads folder `dir` of `src` (tests included); refused rulesets are reported and left
    /// out.
    pub fn open(
        src: Arc<dyn Source>,
        dir: &Path,
        limits: &ScriptLimits,
    ) -> (Self, Vec<(String, Refusal)>) {
        Self::open_with(src, dir, limits, true)
    }

    /// Like [`LiveCatalog::open`]; with `run_own_tests` false a ruleset is in force once it
    /// compiles (for dry runs and explanations of an edit whose tests are still to be fixed).
    pub fn open_with(
        src: Arc<dyn Source>,
        dir: &Path,
        limits: &ScriptLimits,
        run_own_tests: bool,
    ) -> (Self, Vec<(String, Refusal)>) {
        let (catalog, refused) = load_all(src.as_ref(), dir, limits, run_own_tests);
        (
            Self {
                place: ArcSwap::from_pointee((src, dir.to_path_buf())),
                limits: *limits,
                run_own_tests,
                current: ArcSwap::from_pointee(catalog),
            },
            refused,
        )
    }

    /// The catalog in force now.
    pub fn current(&self) -> Arc<Catalog> {
        self.current.load_full()
    }

    /// Re-reads the folder: each ruleset that changed is validated and its tests run; it
    /// replaces the version in force only if both pass.
    pub fn reload(&self) -> ReloadReport {
        let place = self.place.load_full();
        self.reload_from(place.0.clone(), &place.1)
    }

    /// [`LiveCatalog::reload`] from folder `dir` of `src`, which from now on is the folder
    /// reloaded (an installation that ran on the built-in copies and now has a folder).
    pub fn reload_from(&self, src: Arc<dyn Source>, dir: &Path) -> ReloadReport {
        self.place.store(Arc::new((src.clone(), dir.to_path_buf())));
        let old = self.current();
        let mut next = (*old).clone();
        let mut report = ReloadReport::default();
        let dirs = match folders(src.as_ref(), dir) {
            Ok(d) => d,
            Err(d) => {
                report
                    .refused
                    .push((dir.display().to_string(), Refusal::Invalid(d)));
                return report;
            }
        };
        let mut seen = Vec::new();
        for folder in dirs {
            let id = folder_id(&folder);
            seen.push(id.clone());
            match load_one(src.as_ref(), &folder, &self.limits, self.run_own_tests) {
                Ok(rs) => {
                    if old.get(&rs.id).is_none_or(|o| o.version != rs.version) {
                        report.accepted.push((rs.id.clone(), rs.version.clone()));
                        next.rulesets.insert(rs.id.clone(), Arc::new(rs));
                    }
                }
                Err(r) => report.refused.push((id, r)),
            }
        }
        let gone: Vec<String> = next
            .rulesets
            .keys()
            .filter(|k| !seen.contains(k))
            .cloned()
            .collect();
        for id in gone {
            next.rulesets.remove(&id);
            report.removed.push(id);
        }
        if !report.accepted.is_empty() || !report.removed.is_empty() {
            self.current.store(Arc::new(next));
        }
        report
    }
}
