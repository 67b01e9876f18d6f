//! A verifier's manual finding on a rule that needs checking by hand (console.md 5): e.g. the
//! gender in the NIK differs from the data, and the verifier has seen the KTP. Screening applies
//! a finding in force while the candidate's data is what it was verified on.

use super::{RuleVerdict, enums::code_enum_pub};

code_enum_pub! {
    /// What the verifier found.
    Temuan {
        Lolos = "lolos", "lolos";
        Gagal = "gagal", "gagal";
    }
}

code_enum_pub! {
    /// Where a finding stands.
    StatusTemuan {
        /// Applied while the candidate's data hash is unchanged.
        Berlaku = "berlaku", "berlaku";
        /// Cleared by a verifier.
        Dicabut = "dicabut", "dicabut";
        /// A newer finding on the same rule took its place.
        Diganti = "diganti", "diganti temuan baru";
        /// The candidate's data changed after it was made.
        Gugur = "gugur", "gugur karena data berubah";
    }
}

/// The words every decision a finding made starts with; a reason that starts with them came
/// from a verifier, not from a script.
pub const MANUAL_LEAD: &str = "diverifikasi manual oleh ";

/// One finding as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualFinding {
    pub id: String,
    pub nik: super::Nik,
    pub ruleset: String,
    /// Rule id.
    pub aturan: String,
    pub hasil: Temuan,
    /// The verifier's note (what was checked, on which document).
    pub catatan: String,
    /// The candidate's data hash when the finding was made.
    pub data_hash: String,
    /// Who: an account's e-mail or `cli:USER`.
    pub oleh: String,
    pub dibuat_ms: i64,
    pub status: StatusTemuan,
    /// Who ended it (cleared it, or `sistem` when the data changed).
    pub diakhiri_oleh: Option<String>,
    pub diakhiri_ms: Option<i64>,
    /// Why it ended.
    pub catatan_akhir: Option<String>,
}

impl ManualFinding {
    /// The verdict the finding stands for; `when` is its date as people read it.
    pub fn verdict(&self, when: &str) -> RuleVerdict {
        let why = format!("{MANUAL_LEAD}{} pada {when}: {}", self.oleh, self.catatan);
        match self.hasil {
            Temuan::Lolos => RuleVerdict::LolosManual(why),
            Temuan::Gagal => RuleVerdict::Gagal(why),
        }
    }
}

/// Whether a verdict came from a verifier's finding.
pub fn is_manual(v: &RuleVerdict) -> bool {
    match v {
        RuleVerdict::LolosManual(_) => true,
        RuleVerdict::Gagal(r) => r.starts_with(MANUAL_LEAD),
        _ => false,
    }
}

/// What applying findings did to one candidate's verdicts.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings applied (ids).
    pub applied: Vec<String>,
    /// Findings whose data changed since (ids): they are dropped.
    pub dropped: Vec<String>,
}

/// Applies the findings in force for one candidate (`data_hash`: the data evaluated) to the
/// verdicts of `rules` (ids in ruleset order). A finding replaces only a verdict that asks for
/// review: a rule the script decides is never overridden by hand. A finding made on other data
/// is dropped, and the verdict says so. `when` formats a finding's time.
pub fn apply(
    rules: &[String],
    verdicts: &mut [RuleVerdict],
    data_hash: &str,
    findings: &[ManualFinding],
    when: impl Fn(i64) -> String,
) -> Applied {
    let mut out = Applied::default();
    for f in findings
        .iter()
        .filter(|f| f.status == StatusTemuan::Berlaku)
    {
        let Some(i) = rules.iter().position(|r| *r == f.aturan) else {
            continue;
        };
        let Some(v) = verdicts.get_mut(i) else {
            continue;
        };
        if f.data_hash != data_hash {
            out.dropped.push(f.id.clone());
            if let RuleVerdict::Tinjau(r) | RuleVerdict::Kesalahan(r) = v {
                r.push_str(&format!(
                    "; verifikasi manual oleh {} pada {} tidak berlaku lagi karena data calon berubah",
                    f.oleh,
                    when(f.dibuat_ms)
                ));
            }
            continue;
        }
        if v.asks_review() {
            *v = f.verdict(&when(f.dibuat_ms));
            out.applied.push(f.id.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Hasil, Nik};

    fn finding(aturan: &str, hasil: Temuan, hash: &str) -> ManualFinding {
        ManualFinding {
            id: format!("f-{aturan}"),
            nik: Nik::parse("1671014506900001").expect("valid NIK"),
            ruleset: "pppk".into(),
            aturan: aturan.into(),
            hasil,
            catatan: "KTP asli diperiksa".into(),
            data_hash: hash.into(),
            oleh: "verifikator@contoh.go.id".into(),
            dibuat_ms: 0,
            status: StatusTemuan::Berlaku,
            diakhiri_oleh: None,
            diakhiri_ms: None,
            catatan_akhir: None,
        }
    }

    fn rules() -> Vec<String> {
        vec!["PW-01".into(), "PW-02".into()]
    }

    #[test]
    fn a_finding_resolves_a_review_on_the_same_data() {
        let mut v = vec![
            RuleVerdict::Tinjau("jenis kelamin".into()),
            RuleVerdict::Lolos,
        ];
        let a = apply(
            &rules(),
            &mut v,
            "h1",
            &[finding("PW-01", Temuan::Lolos, "h1")],
            |_| "1 Desember 2026".into(),
        );
        assert_eq!(a.applied, vec!["f-PW-01".to_owned()]);
        assert!(matches!(&v[0], RuleVerdict::LolosManual(r) if r.contains("KTP asli diperiksa")));
        assert_eq!(Hasil::from_verdicts(&v), Hasil::Layak);
        assert!(is_manual(&v[0]));
    }

    #[test]
    fn a_failing_finding_makes_the_candidate_ineligible() {
        let mut v = vec![RuleVerdict::Tinjau("x".into()), RuleVerdict::Lolos];
        apply(
            &rules(),
            &mut v,
            "h1",
            &[finding("PW-01", Temuan::Gagal, "h1")],
            |_| "hari ini".into(),
        );
        assert_eq!(Hasil::from_verdicts(&v), Hasil::TidakLayak);
        assert!(is_manual(&v[0]));
    }

    #[test]
    fn changed_data_drops_the_finding_and_says_so() {
        let mut v = vec![RuleVerdict::Tinjau("x".into()), RuleVerdict::Lolos];
        let a = apply(
            &rules(),
            &mut v,
            "h2",
            &[finding("PW-01", Temuan::Lolos, "h1")],
            |_| "hari ini".into(),
        );
        assert_eq!(a.dropped, vec!["f-PW-01".to_owned()]);
        assert!(matches!(&v[0], RuleVerdict::Tinjau(r) if r.contains("tidak berlaku lagi")));
    }

    #[test]
    fn a_rule_the_script_decides_is_not_overridden() {
        let mut v = vec![RuleVerdict::Gagal("usia".into()), RuleVerdict::Lolos];
        let a = apply(
            &rules(),
            &mut v,
            "h1",
            &[finding("PW-01", Temuan::Lolos, "h1")],
            |_| "hari ini".into(),
        );
        assert!(a.applied.is_empty());
        assert_eq!(v[0], RuleVerdict::Gagal("usia".into()));
    }
}
