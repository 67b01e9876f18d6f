//! Running a ruleset's test cases and describing failures (expected vs actual per rule).

use std::{
    fmt,
    path::PathBuf,
    time::{Duration, Instant},
};

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
    /// Why the case has no result (not run: the tests passed their time limit, or most cases
    /// hit the script limits; its parameters do not compile).
    pub catatan: Option<String>,
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
        if let Some(c) = &self.catatan {
            write!(f, "    {c}")?;
        }
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

/// Runs every test case of `rs` (loading, reloading, `merit rules test`: no time budget, each
/// case bounded by the script limits); returns the failures.
pub fn run_tests(rs: &Ruleset) -> Vec<TestFailure> {
    run_tests_within(rs, Duration::MAX)
}

/// Cases run before the share hitting script limits is judged.
const JUDGED_AFTER: usize = 4;

/// Runs every test case of `rs`; returns the failures. Cases that set parameters run on a
/// copy compiled with them (one per distinct set). The whole run stays within `budget`, and
/// stops early when most cases so far hit a script limit (each would spend its own time limit
/// to say the same): the cases not run are failures saying why, so a ruleset whose tests
/// could not finish is never taken as passing.
pub fn run_tests_within(rs: &Ruleset, budget: Duration) -> Vec<TestFailure> {
    let started = Instant::now();
    let mut variants: Vec<(String, Option<Ruleset>)> = Vec::new();
    let mut failures = Vec::new();
    let (mut run, mut limited) = (0usize, 0usize);
    for case in &rs.tests {
        let stop = if started.elapsed() >= budget {
            Some(format!(
                "tidak dijalankan karena pengujian melewati batas waktu {} detik",
                budget.as_secs()
            ))
        } else if run >= JUDGED_AFTER && limited * 2 > run {
            Some(format!(
                "tidak dijalankan karena {limited} dari {run} kasus sebelumnya melewati batas skrip; perbaiki skripnya dahulu"
            ))
        } else {
            None
        };
        if let Some(catatan) = stop {
            failures.push(TestFailure {
                ruleset: rs.id.clone(),
                nama: case.nama.clone(),
                file: case.file.clone(),
                line: case.line,
                harapan: case.harapan,
                aktual: Hasil::PerluVerifikasi,
                aturan: Vec::new(),
                catatan: Some(catatan),
            });
            continue;
        }
        let variant = if case.param.is_empty() {
            None
        } else {
            let key = format!("{:?}", case.param);
            if !variants.iter().any(|(k, _)| *k == key) {
                variants.push((key.clone(), rs.with_params(&case.param)));
            }
            variants.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
        };
        let target = match variant {
            None => rs,
            Some(Some(v)) => v,
            Some(None) => {
                failures.push(TestFailure {
                    ruleset: rs.id.clone(),
                    nama: case.nama.clone(),
                    file: case.file.clone(),
                    line: case.line,
                    harapan: case.harapan,
                    aktual: Hasil::PerluVerifikasi,
                    aturan: Vec::new(),
                    catatan: Some("karena param kasusnya tidak dapat dikompilasi".to_owned()),
                });
                continue;
            }
        };
        let mut ev = target.evaluator();
        let eval = match &case.subject {
            TestSubject::Calon(c) => ev.candidate(c.clone()),
            TestSubject::Pegawai(e, v) => ev.employee(e.clone(), v.clone()),
        };
        run += 1;
        limited += usize::from(eval.batas);
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
                    RuleVerdict::Kesalahan(_) => "tinjau",
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
                } || matches!(v, RuleVerdict::Kesalahan(_));
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
                catatan: None,
            });
        }
    }
    failures
}

impl TestFailure {
    /// What the case would expect to pass now: (outcome, failing rules, rules asking for
    /// review). `Err` when a rule errored: an error is a script to fix, never an expectation.
    pub fn actual_expectation(&self) -> Result<(Hasil, Vec<String>, Vec<String>), String> {
        let mut gagal = Vec::new();
        let mut tinjau = Vec::new();
        for (m, _) in &self.aturan {
            match &m.aktual {
                RuleVerdict::Gagal(_) => gagal.push(m.id.clone()),
                RuleVerdict::Tinjau(_) => tinjau.push(m.id.clone()),
                RuleVerdict::Kesalahan(e) => {
                    return Err(format!(
                        "aturan {} mengalami kesalahan ({e}); perbaiki skripnya, harapan tidak diubah",
                        m.id
                    ));
                }
                RuleVerdict::Lolos | RuleVerdict::LolosManual(_) => {}
            }
        }
        if self.aturan.is_empty() {
            return Err(self
                .catatan
                .clone()
                .unwrap_or_else(|| "kasus ini tidak menghasilkan apa pun".to_owned()));
        }
        Ok((self.aktual, gagal, tinjau))
    }
}

/// `text` (a test file) with the case whose `nama` is on `line` expecting `harapan`, exactly
/// the rules in `gagal` failing and those in `tinjau` asking for review. Only that case's
/// `harapan`, `gagal` and `tinjau` lines change; comments and everything else stay.
pub fn rewrite_expectation(
    text: &str,
    line: usize,
    harapan: Hasil,
    gagal: &[String],
    tinjau: &[String],
) -> Result<String, String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = line
        .checked_sub(1)
        .filter(|i| *i < lines.len())
        .ok_or_else(|| format!("baris {line} tidak ada"))?;
    let head = lines[start];
    let dash = head
        .find("- nama:")
        .ok_or_else(|| format!("baris {line} bukan awal kasus (- nama: …)"))?;
    let field_indent = dash + 2;
    // The case runs until a line indented at the dash or less (the next case, the next key).
    let end = lines[start + 1..]
        .iter()
        .position(|l| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with('#') && l.len() - t.len() <= dash
        })
        .map_or(lines.len(), |p| start + 1 + p);
    let list = |ids: &[String]| format!("[{}]", ids.join(", "));
    let wanted = [
        ("harapan", harapan.code().to_owned()),
        ("gagal", list(gagal)),
        ("tinjau", list(tinjau)),
    ];
    let mut out: Vec<String> = lines[..start + 1].iter().map(|l| (*l).to_owned()).collect();
    let mut body: Vec<String> = Vec::new();
    let mut skip_deeper = false;
    for l in &lines[start + 1..end] {
        let t = l.trim_start();
        let indent = l.len() - t.len();
        if skip_deeper && indent > field_indent {
            continue;
        }
        skip_deeper = false;
        if indent == field_indent && wanted.iter().any(|(k, _)| t.starts_with(&format!("{k}:"))) {
            // Dropped here, written again below; a block list under it goes too.
            skip_deeper = true;
            continue;
        }
        body.push((*l).to_owned());
    }
    // Keep trailing blank lines and comments after the case's fields.
    let mut tail = Vec::new();
    while body
        .last()
        .is_some_and(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        if let Some(l) = body.pop() {
            tail.push(l);
        }
    }
    tail.reverse();
    out.extend(body);
    for (k, v) in wanted {
        out.push(format!("{}{k}: {v}", " ".repeat(field_indent)));
    }
    out.extend(tail);
    out.extend(lines[end..].iter().map(|l| (*l).to_owned()));
    let mut s = out.join("\n");
    if text.ends_with('\n') {
        s.push('\n');
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_the_case_asked() {
        let text = "kasus:\n  # umur\n  - nama: satu\n    calon: { a: 1 }\n    harapan: layak\n    gagal: []\n\n  - nama: dua\n    harapan: layak\n    tinjau:\n      - PW-01\n";
        let out = rewrite_expectation(text, 8, Hasil::TidakLayak, &["PW-07".into()], &[]).unwrap();
        assert_eq!(
            out,
            "kasus:\n  # umur\n  - nama: satu\n    calon: { a: 1 }\n    harapan: layak\n    gagal: []\n\n  - nama: dua\n    harapan: tidak_layak\n    gagal: [PW-07]\n    tinjau: []\n"
        );
        let out =
            rewrite_expectation(text, 3, Hasil::PerluVerifikasi, &[], &["PW-01".into()]).unwrap();
        assert!(out.starts_with("kasus:\n  # umur\n  - nama: satu\n    calon: { a: 1 }\n    harapan: perlu_verifikasi\n    gagal: []\n    tinjau: [PW-01]\n\n  - nama: dua"), "{out}");
        assert!(rewrite_expectation(text, 2, Hasil::Layak, &[], &[]).is_err());
    }
}
