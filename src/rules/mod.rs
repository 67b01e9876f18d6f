//! EVALUATE: rulesets administrators write in Rhai (interfaces.md 4). The only module that
//! imports rhai.
//!
//! A ruleset folder is loaded and validated as a whole ([`load_ruleset`]), compiled once into
//! shared ASTs, and evaluated per subject by a per-thread [`Evaluator`] in a hardened engine
//! (limits, wall-clock deadline, no I/O). [`LiveCatalog`] swaps in edited rulesets only after
//! they compile and pass their own tests.

mod catalog;
mod engine;
mod eval;
mod expr;
mod host;
mod program;
mod ruleset;
mod subject;
mod testcases;
mod testrun;

pub use catalog::{Catalog, LiveCatalog, Refusal, ReloadReport, load_all};
pub use eval::{
    Evaluation, Evaluator, Watch, evaluate_candidates, evaluate_candidates_watched,
    evaluate_employees, worker_threads,
};
pub use expr::{ExprEngine, ExprError, Expression};
pub use host::{Tanggal, add_months, decimal_years, rupiah, whole_months, whole_years};
pub use ruleset::{MAX_RULES, Rule, Ruleset, SubjectKind, load as load_ruleset, load_from_sources};
pub use subject::{CALON_FIELDS, LOWONGAN_FIELDS, PEGAWAI_FIELDS};
pub use testcases::{TestCase, TestSubject};
pub use testrun::{RuleMismatch, TestFailure, rewrite_expectation, run_tests, run_tests_within};
