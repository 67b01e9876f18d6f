//! `merit rules check|test|explain`.

use std::{path::PathBuf, sync::Arc};

use super::{
    App, NotFound, Prerequisite, ServiceError, Sought,
    ground::rules::{candidate_ruleset, edited_folder, rules_folder, write_atomically},
};
use crate::{
    config::Settings,
    diagnostic::{Diagnostic, Diagnostics},
    domain::{Hasil, Nik, RuleVerdict},
    rules::{self, Catalog, Refusal, Ruleset, TestFailure},
    sources::Overlay,
};

/// A ruleset that loaded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RulesetSummary {
    /// The ruleset's id, as its `ruleset.yaml` names it.
    pub id: String,
    /// The ruleset's title (`judul` in its manifest).
    pub judul: String,
    /// Version (content hash).
    pub versi: String,
    /// `calon` or `pegawai`.
    pub subjek: &'static str,
    /// Number of rules.
    pub aturan: usize,
    /// Number of test cases.
    pub kasus_uji: usize,
}

fn summary(rs: &Ruleset) -> RulesetSummary {
    RulesetSummary {
        id: rs.id.clone(),
        judul: rs.judul.clone(),
        versi: rs.version.clone(),
        subjek: rs.subjek.code(),
        aturan: rs.rules.len(),
        kasus_uji: rs.tests.len(),
    }
}

fn load_all(settings: &Settings, run_own_tests: bool) -> (Catalog, Vec<(String, Refusal)>) {
    let (src, dir) = rules_folder(settings);
    rules::load_all(src.as_ref(), &dir, &settings.script_limits, run_own_tests)
}

/// The rules folder as it would be with `edits` (paths relative to the folder, and their new
/// text; `None` removes the file) — read from memory over the folder, nothing written.
fn edited(settings: &Settings, edits: &[(String, Option<String>)]) -> (Overlay, PathBuf) {
    let (src, dir) = rules_folder(settings);
    edited_folder(src, &dir, edits)
}

/// What `rules check` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    /// Rulesets that compiled.
    pub ruleset: Vec<RulesetSummary>,
    /// `file:line:col: pesan`, one per problem.
    pub kesalahan: Vec<String>,
    /// The same problems with their file, line and column.
    #[serde(skip)]
    pub diagnostics: Diagnostics,
}

/// Compiles and validates every ruleset (tests are parsed, not run).
pub fn check(settings: &Settings) -> CheckReport {
    let (src, dir) = rules_folder(settings);
    check_in(src.as_ref(), &dir, settings)
}

/// [`check`] of the folder with unsaved `edits` (see [`edited_folder`]).
pub fn check_edits(settings: &Settings, edits: &[(String, Option<String>)]) -> CheckReport {
    let (src, dir) = edited(settings, edits);
    check_in(&src, &dir, settings)
}

fn check_in(
    src: &dyn crate::sources::Source,
    dir: &std::path::Path,
    settings: &Settings,
) -> CheckReport {
    let (catalog, refused) = rules::load_all(src, dir, &settings.script_limits, false);
    let mut diagnostics = Diagnostics::new();
    for (_, r) in &refused {
        match r {
            Refusal::Invalid(d) => diagnostics.0.extend(d.0.iter().cloned()),
            Refusal::TestsFail(_) => {}
        }
    }
    if catalog.is_empty() && refused.is_empty() {
        diagnostics.push(Diagnostic::file(dir, "tidak ada ruleset"));
    }
    CheckReport {
        ruleset: catalog.all().map(|rs| summary(rs)).collect(),
        kesalahan: diagnostics.0.iter().map(ToString::to_string).collect(),
        diagnostics,
    }
}

/// What `rules test` found.
#[derive(Debug, Clone)]
pub struct TestReport {
    /// Rulesets tested, with their case counts.
    pub ruleset: Vec<RulesetSummary>,
    /// Rulesets that did not load.
    pub tidak_dimuat: Vec<String>,
    /// Failing cases.
    pub gagal: Vec<TestFailure>,
}

/// Runs every ruleset's test cases.
pub fn test(settings: &Settings) -> TestReport {
    let (src, dir) = rules_folder(settings);
    test_in(src.as_ref(), &dir, settings)
}

/// [`test`] of the folder with unsaved `edits` (see [`edited_folder`]).
pub fn test_edits(settings: &Settings, edits: &[(String, Option<String>)]) -> TestReport {
    let (src, dir) = edited(settings, edits);
    test_in(&src, &dir, settings)
}

fn test_in(
    src: &dyn crate::sources::Source,
    dir: &std::path::Path,
    settings: &Settings,
) -> TestReport {
    let (catalog, refused) = rules::load_all(src, dir, &settings.script_limits, false);
    let mut gagal = Vec::new();
    for rs in catalog.all() {
        gagal.extend(rules::run_tests(rs));
    }
    let tidak_dimuat = refused
        .iter()
        .flat_map(|(_, r)| match r {
            Refusal::Invalid(d) => d.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
            Refusal::TestsFail(_) => Vec::new(),
        })
        .collect();
    TestReport {
        ruleset: catalog.all().map(|rs| summary(rs)).collect(),
        tidak_dimuat,
        gagal,
    }
}

/// What `merit rules test --perbarui` did with one failing case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExpectationUpdate {
    /// The id of the ruleset the case belongs to.
    pub ruleset: String,
    /// Case name.
    pub kasus: String,
    /// The test file the case is written in (its path as found).
    pub berkas: std::path::PathBuf,
    /// Whether its expectation was rewritten.
    pub diperbarui: bool,
    /// Why not, when not.
    pub alasan: Option<String>,
}

/// What `merit rules test` did: the report and, when asked to update failing expectations,
/// what was rewritten and how many cases still fail after running the tests again.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// The first run of every ruleset's test cases.
    pub report: TestReport,
    /// What updating did, when it was asked for and something failed.
    pub updated: Option<Updated>,
}

/// The expectations rewritten by `merit rules test --perbarui` and what is left failing.
#[derive(Debug, Clone)]
pub struct Updated {
    /// Each failing case, rewritten or not.
    pub updates: Vec<ExpectationUpdate>,
    /// Cases failing (or rulesets not loading) when the tests ran again on the rewritten files.
    pub still_failing: usize,
}

impl TestRun {
    /// Test cases run.
    pub fn cases(&self) -> usize {
        self.report.ruleset.iter().map(|r| r.kasus_uji).sum()
    }

    /// Whether everything passed: after an update, nothing left failing; else every ruleset
    /// loaded, no case failed and there was at least one case.
    pub fn passed(&self) -> bool {
        match &self.updated {
            Some(u) => u.still_failing == 0,
            None => {
                self.report.gagal.is_empty()
                    && self.report.tidak_dimuat.is_empty()
                    && self.cases() > 0
            }
        }
    }
}

/// Runs every ruleset's test cases; with `update`, rewrites the failing cases' expectations to
/// their current results and checks the rewritten files by running the tests again.
pub fn test_and_update(settings: &Settings, update: bool) -> TestRun {
    let report = test(settings);
    let updated = (update && !report.gagal.is_empty()).then(|| {
        let updates = update_expectations(&report.gagal);
        let again = test(settings);
        Updated {
            updates,
            still_failing: again.gagal.len() + again.tidak_dimuat.len(),
        }
    });
    TestRun { report, updated }
}

/// Writes each valid ruleset's editor definitions (`merit.d.rhai` in its folder, or
/// `ID.d.rhai` in `out`), telling `written` each file as it is written.
pub fn write_definitions(
    settings: &Settings,
    out: Option<&std::path::Path>,
    mut written: impl FnMut(&std::path::Path),
) -> Result<(), ServiceError> {
    let catalog = catalog(settings);
    if catalog.is_empty() {
        return Err(ServiceError::missing(Prerequisite::AnyRuleset));
    }
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).map_err(|e| {
            ServiceError::internal(format!(
                "{}: {}",
                dir.display(),
                crate::domain::io_message(&e)
            ))
        })?;
    }
    for rs in catalog.all() {
        let file = match out {
            Some(dir) => dir.join(format!("{}.d.rhai", rs.id)),
            None => rs.dir.join("merit.d.rhai"),
        };
        rs.write_definitions(&file).map_err(|e| {
            ServiceError::internal(format!(
                "{}: {} (salinan bawaan tidak dapat ditulisi; pakai --out FOLDER)",
                file.display(),
                crate::domain::io_message(&e)
            ))
        })?;
        written(&file);
    }
    Ok(())
}

/// Rewrites the expectations of `failures` to their current results, file by file (each
/// written whole through a temporary file). Cases whose rules errored are left alone.
pub fn update_expectations(failures: &[TestFailure]) -> Vec<ExpectationUpdate> {
    let mut by_file: std::collections::BTreeMap<&std::path::Path, Vec<&TestFailure>> =
        std::collections::BTreeMap::new();
    for f in failures {
        by_file.entry(&f.file).or_default().push(f);
    }
    let mut out = Vec::new();
    for (file, cases) in by_file {
        let mut text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                for c in cases {
                    out.push(update(
                        c,
                        Err(format!(
                            "berkas tidak dapat dibaca: {}",
                            crate::domain::io_message(&e)
                        )),
                    ));
                }
                continue;
            }
        };
        let mut results = Vec::new();
        for c in &cases {
            let r = c.actual_expectation().and_then(|(h, g, t)| {
                rules::rewrite_expectation(&text, c.line, h, &g, &t).map(|new| text = new)
            });
            results.push((*c, r));
        }
        let written = if results.iter().any(|(_, r)| r.is_ok()) {
            write_atomically(file, &text)
        } else {
            Ok(())
        };
        for (c, r) in results {
            out.push(update(
                c,
                match (&written, r) {
                    (Ok(()), r) => r,
                    (Err(e), _) => Err(e.clone()),
                },
            ));
        }
    }
    out
}

fn update(f: &TestFailure, r: Result<(), String>) -> ExpectationUpdate {
    ExpectationUpdate {
        ruleset: f.ruleset.clone(),
        kasus: f.nama.clone(),
        berkas: f.file.clone(),
        diperbarui: r.is_ok(),
        alasan: r.err(),
    }
}

/// One rule's result, explained.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleExplanation {
    /// Rule id.
    pub id: String,
    /// The rule's title, from the ruleset's manifest.
    pub judul: String,
    /// The legal basis the manifest cites for the rule (`dasar_hukum`).
    pub dasar_hukum: String,
    /// `lolos`, `gagal`, `tinjau` or `kesalahan`.
    pub hasil: &'static str,
    /// Reason, when not passing.
    pub alasan: Option<String>,
}

/// Every rule's result for one candidate.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Explanation {
    /// The candidate's NIK in full (16 digits, not masked).
    pub nik: String,
    /// The candidate's name as imported.
    pub nama: String,
    /// The id of the ruleset that judged.
    pub ruleset: String,
    /// Ruleset version.
    pub versi_aturan: String,
    /// Where the results come from: `dievaluasi_sekarang` or a run id.
    pub sumber: String,
    /// Overall outcome.
    pub hasil: Hasil,
    /// Priority from the ruleset's `prioritas` script (higher first); `None` when it has none.
    pub prioritas: Option<f64>,
    /// Rule by rule.
    pub aturan: Vec<RuleExplanation>,
    /// When evaluated now: the outcome stored by the newest finished run, for comparison.
    pub run_terakhir: Option<StoredOutcome>,
}

/// An outcome stored by a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredOutcome {
    /// The id of the newest finished run that decided the candidate.
    pub run_id: String,
    /// Ruleset version of that run.
    pub versi_aturan: String,
    /// The outcome that run stored.
    pub hasil: Hasil,
    /// Whether the candidate's data has changed since that run.
    pub data_berubah: bool,
}

/// Loads the rulesets in force (compile only; refused ones are left out and logged).
pub fn catalog(settings: &Settings) -> Catalog {
    let (catalog, refused) = load_all(settings, false);
    for (id, r) in refused {
        tracing::warn!(ruleset = %id, "ruleset tidak dimuat: {r}");
    }
    catalog
}

/// Explains every rule for the candidate with `nik`, evaluated now with the ruleset in force.
#[tracing::instrument(level = "debug", skip_all, fields(ruleset = ?ruleset))]
pub async fn explain_now(
    app: &App,
    nik: &Nik,
    ruleset: Option<&str>,
) -> Result<Explanation, ServiceError> {
    let catalog = crate::service::ground::definitions::read(app, |d| d.compiled()).await?;
    let rs = candidate_ruleset(&catalog, ruleset)?;
    evaluate_now(app, &rs, nik, "dievaluasi_sekarang").await
}

/// Every rule of `rs` evaluated now for the candidate with `nik`, with the outcome the newest
/// finished run stored for comparison; `sumber` says where the rules come from.
pub(crate) async fn evaluate_now(
    app: &App,
    rs: &Arc<Ruleset>,
    nik: &Nik,
    sumber: &str,
) -> Result<Explanation, ServiceError> {
    let candidate = app
        .store
        .candidate(nik)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, nik.masked()))?;
    let nama = candidate.nama.clone();
    let hash = candidate.data_hash();
    let run_terakhir = app
        .store
        .latest_decision(nik)
        .await?
        .map(|(run, d)| StoredOutcome {
            run_id: run.id,
            versi_aturan: run.versi,
            hasil: d.hasil,
            data_berubah: d.data_hash != hash,
        });
    let eval = rs.evaluator().candidate(Arc::new(candidate));
    Ok(Explanation {
        nik: nik.as_str().to_owned(),
        nama,
        ruleset: rs.id.clone(),
        versi_aturan: rs.version.clone(),
        sumber: sumber.to_owned(),
        hasil: eval.hasil,
        prioritas: eval.prioritas,
        aturan: explain_rules(rs, &eval.verdicts),
        run_terakhir,
    })
}

/// Explains the candidate with `nik`: as screening run `run` decided, else evaluated now with
/// `ruleset` (or the candidate ruleset in force).
pub async fn explain(
    app: &App,
    nik: &Nik,
    run: Option<&str>,
    ruleset: Option<&str>,
) -> Result<Explanation, ServiceError> {
    match run {
        Some(run) => explain_in_run(app, nik, run).await,
        None => explain_now(app, nik, ruleset).await,
    }
}

/// Explains the decision a screening run stored for the candidate with `nik`: the data and the
/// ruleset version of that run, as it would be defended in an appeal.
#[tracing::instrument(level = "debug", skip_all, fields(run_id = %run_id))]
pub async fn explain_in_run(
    app: &App,
    nik: &Nik,
    run_id: &str,
) -> Result<Explanation, ServiceError> {
    let run = crate::service::ground::runs::existing_run(&app.store, run_id).await?;
    let decision = app.store.decision(&run.id, nik).await?.ok_or_else(|| {
        ServiceError::NotFound(
            NotFound {
                what: Sought::Decision,
                id: nik.masked(),
                hint: None,
            }
            .with_hint(format!(
                "calon ini tidak disaring pada penyaringan {}",
                run.id
            )),
        )
    })?;
    let rs = crate::service::ground::runs::ruleset_of(app, &run, None).await?;
    let nama = match app
        .store
        .candidate_version(nik, &decision.data_hash)
        .await?
    {
        Some(c) => c.nama,
        None => String::new(),
    };
    Ok(Explanation {
        nik: nik.as_str().to_owned(),
        nama,
        ruleset: run.ruleset.clone(),
        versi_aturan: run.versi.clone(),
        sumber: run.id.clone(),
        hasil: decision.hasil,
        prioritas: decision.prioritas,
        aturan: explain_rules(&rs, &decision.verdicts()),
        run_terakhir: None,
    })
}

/// Pairs verdicts with the rules' titles and legal bases.
pub fn explain_rules(rs: &Ruleset, verdicts: &[RuleVerdict]) -> Vec<RuleExplanation> {
    rs.rules
        .iter()
        .zip(verdicts)
        .map(|(r, v)| RuleExplanation {
            id: r.id.clone(),
            judul: r.judul.clone(),
            dasar_hukum: r.dasar_hukum.clone(),
            hasil: v.code(),
            alasan: v.reason().map(str::to_owned),
        })
        .collect()
}
