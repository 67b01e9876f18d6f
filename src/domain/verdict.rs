//! What a ruleset says about one subject: per-rule verdicts and the overall outcome.

use serde::{Deserialize, Serialize};

/// The result of one rule for one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "hasil", content = "alasan", rename_all = "snake_case")]
pub enum RuleVerdict {
    /// Passes.
    Lolos,
    /// Passes because a verifier checked by hand what the script could not (the reason says
    /// who, when and what); counts as `lolos` everywhere.
    LolosManual(String),
    /// Fails: the subject is ineligible.
    Gagal(String),
    /// Needs manual verification.
    Tinjau(String),
    /// The script failed (error, limits): treated as needing verification.
    #[serde(alias = "galat")]
    Kesalahan(String),
}

impl RuleVerdict {
    /// `lolos`, `gagal`, `tinjau` or `kesalahan`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Lolos | Self::LolosManual(_) => "lolos",
            Self::Gagal(_) => "gagal",
            Self::Tinjau(_) => "tinjau",
            Self::Kesalahan(_) => "kesalahan",
        }
    }

    /// The reason, when there is one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Lolos => None,
            Self::LolosManual(r) | Self::Gagal(r) | Self::Tinjau(r) | Self::Kesalahan(r) => Some(r),
        }
    }

    /// Whether this asks for review (a `tinjau` or a script error).
    pub fn asks_review(&self) -> bool {
        matches!(self, Self::Tinjau(_) | Self::Kesalahan(_))
    }
}

super::enums::code_enum_pub! {
    /// A subject's overall outcome (interfaces.md 4.2).
    Hasil {
        Layak = "layak", "layak";
        TidakLayak = "tidak_layak", "tidak layak";
        PerluVerifikasi = "perlu_verifikasi", "perlu verifikasi";
    }
}

impl Hasil {
    /// `tidak_layak` if any rule fails, else `perlu_verifikasi` if any asks for review (or
    /// errored), else `layak`.
    pub fn from_verdicts<'a>(verdicts: impl IntoIterator<Item = &'a RuleVerdict>) -> Self {
        let mut review = false;
        for v in verdicts {
            match v {
                RuleVerdict::Gagal(_) => return Self::TidakLayak,
                RuleVerdict::Tinjau(_) | RuleVerdict::Kesalahan(_) => review = true,
                RuleVerdict::Lolos | RuleVerdict::LolosManual(_) => {}
            }
        }
        if review {
            Self::PerluVerifikasi
        } else {
            Self::Layak
        }
    }
}

/// Rule results as lists show them: the rules failed, the rules asking for review (a script
/// error asks for review), and one reason per rule that did not pass (`ID: alasan`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// Rules failed.
    pub gagal: Vec<String>,
    /// Rules asking for review.
    pub tinjau: Vec<String>,
    /// One reason per rule that did not pass.
    pub alasan: Vec<String>,
}

impl Findings {
    /// Sorts `verdicts` (in ruleset order) of the rules `ids`.
    pub fn of<'a>(ids: impl IntoIterator<Item = &'a str>, verdicts: &[RuleVerdict]) -> Self {
        let mut f = Self::default();
        for (id, v) in ids.into_iter().zip(verdicts) {
            match v {
                RuleVerdict::Lolos | RuleVerdict::LolosManual(_) => continue,
                RuleVerdict::Gagal(_) => f.gagal.push(id.to_owned()),
                RuleVerdict::Tinjau(_) | RuleVerdict::Kesalahan(_) => f.tinjau.push(id.to_owned()),
            }
            if let Some(r) = v.reason() {
                f.alasan.push(format!("{id}: {r}"));
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_sort_failures_from_reviews_with_reasons() {
        let f = Findings::of(
            ["A", "B", "C", "D"],
            &[
                RuleVerdict::Lolos,
                RuleVerdict::Gagal("usia".into()),
                RuleVerdict::Kesalahan("skrip".into()),
                RuleVerdict::Tinjau("gaji".into()),
            ],
        );
        assert_eq!(f.gagal, ["B"]);
        assert_eq!(f.tinjau, ["C", "D"]);
        assert_eq!(f.alasan, ["B: usia", "C: skrip", "D: gaji"]);
    }

    #[test]
    fn outcome_precedence() {
        use RuleVerdict::*;
        assert_eq!(Hasil::from_verdicts(&[Lolos, Lolos]), Hasil::Layak);
        assert_eq!(
            Hasil::from_verdicts(&[Lolos, Tinjau("x".into())]),
            Hasil::PerluVerifikasi
        );
        assert_eq!(
            Hasil::from_verdicts(&[Kesalahan("x".into()), Lolos]),
            Hasil::PerluVerifikasi
        );
        assert_eq!(
            Hasil::from_verdicts(&[Tinjau("x".into()), Gagal("y".into())]),
            Hasil::TidakLayak
        );
        assert_eq!(Hasil::from_verdicts(&[]), Hasil::Layak);
    }
}
