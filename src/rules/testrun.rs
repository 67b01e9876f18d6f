//! Running a ruleset's test cases and describing failures (expected vs actual per rule).

use std::{fmt, path::PathBuf};

use super::{Ruleset, testcases::TestSubject};
use crate::domain::{Hasil, RuleVerdict};

/// One rule whose verdict is not what a case expects.
#[derive(Debug, Clone)]
pub struct RuleMismatch {
    /// Rule id.
    pub id: String,
    /// Expected: `lolos`, `gagal` or `tinjau` (or `-` when the case does not say).
    pub harapan: &'static str,
    /// What the rule said.
    pub aktual: RuleVerdict,
}

/// A failing test case.
#[derive(Debug, Clone)]
pub struct TestFailure {
    /// Ruleset id.
    pub ruleset: String,
    /// Case name.
    pub nama: String,
    /// Where it is written.
    pub file: PathBuf,
    /// Line of its name.
    pub line: usize,
    /// Expected outcome.
    pub harapan: Hasil,
    /// Actual outcome.
    pub aktual: Hasil,
    /// Every rule, expected vs actual (mismatching ones are marked).
    pub aturan: Vec<(RuleMismatch, bool)>,
}

impl fmt::Display for TestFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}: kasus '{}' ({}): harapan {}, hasil {}",
            self.file.display(),
            self.line,
            self.nama,
            self.ruleset,
            self.harapan,
            self.aktual
        )?;
        for (i, (m, wrong)) in self.aturan.iter().enumerate() {
            let mark = if *wrong { "✗" } else { " " };
            let reason = m
                .aktual
                .reason()
                .map(|r| format!(" — {r}"))
                .unwrap_or_default();
            write!(
                f,
                "    {mark} {:<8} harapan {:<7} hasil {}{reason}",
                m.id,
                m.harapan,
                m.aktual.code()
            )?;
            if i + 1 < self.aturan.len() {
                writeln!(f)?;
            }
        }
        Ok(())
    }
}

/// Runs every test case of `rs`; returns the failures.
pub fn run_tests(rs: &Ruleset) -> Vec<TestFailure> {
    let mut ev = rs.evaluator();
    let mut failures = Vec::new();
    for case in &rs.tests {
        let eval = match &case.subject {
            TestSubject::Calon(c) => ev.candidate(c.clone()),
            TestSubject::Pegawai(e, v) => ev.employee(e.clone(), v.clone()),
        };
        let expectation = |id: &str| -> &'static str {
            match (&case.gagal, &case.tinjau) {
                (Some(g), _) if g.contains(id) => "gagal",
                (_, Some(t)) if t.contains(id) => "tinjau",
                (None, None) => "-",
                _ => "lolos",
            }
        };
        let mut wrong_any = eval.hasil != case.harapan;
        let aturan: Vec<(RuleMismatch, bool)> = rs
            .rules
            .iter()
            .zip(&eval.verdicts)
            .map(|(rule, v)| {
                let harapan = expectation(&rule.id);
                let actual = match v {
                    RuleVerdict::Galat(_) => "tinjau",
                    other => other.code(),
                };
                let wrong = match harapan {
                    "-" => false,
                    "lolos" => {
                        // With only one of the lists given, the other kind is not checked.
                        (case.gagal.is_some() && actual == "gagal")
                            || (case.tinjau.is_some() && actual == "tinjau")
                    }
                    h => h != actual,
                } || matches!(v, RuleVerdict::Galat(_));
                wrong_any |= wrong;
                (
                    RuleMismatch {
                        id: rule.id.clone(),
                        harapan,
                        aktual: v.clone(),
                    },
                    wrong,
                )
            })
            .collect();
        if wrong_any {
            failures.push(TestFailure {
                ruleset: rs.id.clone(),
                nama: case.nama.clone(),
                file: case.file.clone(),
                line: case.line,
                harapan: case.harapan,
                aktual: eval.hasil,
                aturan,
            });
        }
    }
    failures
}
