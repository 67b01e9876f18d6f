//! Which candidates' outcome changed between two sets of decisions, and why.

use std::collections::BTreeMap;

use super::Decision;
use crate::domain::{Hasil, Nik, RuleVerdict};

/// One side of a comparison: a run's decisions (or an evaluation now) and its rule ids.
#[derive(Debug, Clone)]
pub struct Side<'a> {
    /// Rule ids in order.
    pub rules: &'a [String],
    /// Decisions sorted by NIK.
    pub decisions: &'a [Decision],
}

/// A rule whose result changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RuleChange {
    /// Rule id.
    pub id: String,
    /// Before: `lolos`, `gagal`, `tinjau`, `kesalahan`, or `-` (rule absent).
    pub sebelum: String,
    /// After.
    pub sesudah: String,
    /// Reason after, if any.
    pub alasan: Option<String>,
    /// Reason before, if any.
    pub alasan_sebelum: Option<String>,
}

/// A candidate whose outcome changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    /// Candidate.
    pub nik: Nik,
    /// Outcome before (none: not screened then).
    pub hasil_sebelum: Option<Hasil>,
    /// Outcome after (none: not screened now).
    pub hasil_sesudah: Option<Hasil>,
    /// Rules whose result changed.
    pub aturan: Vec<RuleChange>,
    /// Whether the candidate's data changed in between.
    pub data_berubah: bool,
}

/// Summary of a comparison.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DiffReport {
    /// Candidates compared.
    pub dibandingkan: u64,
    /// Candidates whose outcome changed.
    pub berubah: u64,
    /// Count per transition, e.g. `layak → tidak_layak`.
    pub perpindahan: BTreeMap<String, u64>,
    /// Per rule id: candidates decided on both sides whose result for that rule changed (a
    /// candidate new on one side changed no rule; it counts in `perpindahan` only).
    pub per_aturan: BTreeMap<String, u64>,
    /// The changed candidates (at most `limit` kept).
    pub perubahan: Vec<Change>,
}

fn code(v: Option<&RuleVerdict>) -> &'static str {
    v.map_or("-", RuleVerdict::code)
}

/// Adds the comparison of two NIK-sorted decision lists (one chunk of each side) to `report`,
/// keeping at most `limit` changes.
pub fn compare(before: &Side<'_>, after: &Side<'_>, report: &mut DiffReport, limit: usize) {
    let (mut i, mut j) = (0, 0);
    let (a, b) = (before.decisions, after.decisions);
    while i < a.len() || j < b.len() {
        let (x, y) = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.nik == y.nik => {
                i += 1;
                j += 1;
                (Some(x), Some(y))
            }
            (Some(x), Some(y)) if x.nik < y.nik => {
                i += 1;
                (Some(x), None)
            }
            (Some(_), Some(y)) => {
                j += 1;
                (None, Some(y))
            }
            (Some(x), None) => {
                i += 1;
                (Some(x), None)
            }
            (None, Some(y)) => {
                j += 1;
                (None, Some(y))
            }
            (None, None) => break,
        };
        report.dibandingkan += 1;
        let (hb, ha) = (x.map(|d| d.hasil), y.map(|d| d.hasil));
        if hb == ha {
            continue;
        }
        let vb = x.map(Decision::verdicts).unwrap_or_default();
        let va = y.map(Decision::verdicts).unwrap_or_default();
        let mut ids: Vec<&String> = after.rules.iter().collect();
        ids.extend(before.rules.iter().filter(|r| !after.rules.contains(r)));
        let mut aturan = Vec::new();
        for id in ids {
            let rb = before
                .rules
                .iter()
                .position(|r| r == id)
                .and_then(|k| vb.get(k));
            let ra = after
                .rules
                .iter()
                .position(|r| r == id)
                .and_then(|k| va.get(k));
            if code(rb) != code(ra) {
                if x.is_some() && y.is_some() {
                    *report.per_aturan.entry(id.clone()).or_default() += 1;
                }
                aturan.push(RuleChange {
                    id: id.clone(),
                    sebelum: code(rb).to_owned(),
                    sesudah: code(ra).to_owned(),
                    alasan: ra.and_then(RuleVerdict::reason).map(str::to_owned),
                    alasan_sebelum: rb.and_then(RuleVerdict::reason).map(str::to_owned),
                });
            }
        }
        let label = |h: Option<Hasil>| h.map_or("-", |h| h.code());
        *report
            .perpindahan
            .entry(format!("{} → {}", label(hb), label(ha)))
            .or_default() += 1;
        report.berubah += 1;
        if report.perubahan.len() < limit {
            let nik = x.or(y).map(|d| d.nik);
            if let Some(nik) = nik {
                report.perubahan.push(Change {
                    nik,
                    hasil_sebelum: hb,
                    hasil_sesudah: ha,
                    aturan,
                    data_berubah: matches!((x, y), (Some(x), Some(y)) if x.data_hash != y.data_hash),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(nik: &str, hasil: Hasil, v: &[RuleVerdict], hash: &str) -> Decision {
        Decision::new(Nik::parse(nik).unwrap(), hash.into(), hasil, None, v)
    }

    #[test]
    fn finds_changes_and_their_rules() {
        use RuleVerdict::*;
        let rules: Vec<String> = vec!["R-1".into(), "R-2".into()];
        let a = vec![
            d("1609022304870001", Hasil::Layak, &[Lolos, Lolos], "h1"),
            d("1609022304870002", Hasil::Layak, &[Lolos, Lolos], "h2"),
            d("1609022304870003", Hasil::Layak, &[Lolos, Lolos], "h3"),
        ];
        let b = vec![
            d("1609022304870001", Hasil::Layak, &[Lolos, Lolos], "h1"),
            d(
                "1609022304870002",
                Hasil::TidakLayak,
                &[Lolos, Gagal("usia".into())],
                "h2b",
            ),
            d("1609022304870004", Hasil::Layak, &[Lolos, Lolos], "h4"),
        ];
        let mut r = DiffReport::default();
        compare(
            &Side {
                rules: &rules,
                decisions: &a,
            },
            &Side {
                rules: &rules,
                decisions: &b,
            },
            &mut r,
            10,
        );
        assert_eq!(r.dibandingkan, 4);
        assert_eq!(r.berubah, 3);
        assert_eq!(r.perpindahan["layak → tidak_layak"], 1);
        assert_eq!(r.perpindahan["layak → -"], 1);
        assert_eq!(r.perpindahan["- → layak"], 1);
        // Only the candidate on both sides changed a rule; the new and the gone ones did not.
        assert_eq!(r.per_aturan.len(), 1, "{:?}", r.per_aturan);
        assert_eq!(r.per_aturan["R-2"], 1);
        let c = &r.perubahan[0];
        assert!(c.data_berubah);
        assert_eq!(
            c.aturan,
            vec![RuleChange {
                id: "R-2".into(),
                sebelum: "lolos".into(),
                sesudah: "gagal".into(),
                alasan: Some("usia".into()),
                alasan_sebelum: None,
            }]
        );
    }
}
