//! EVALUATE (pure): what a screening run stores and compares. Encoding of per-rule verdicts,
//! the chunk plan of a run, and differences between two sets of decisions. No I/O.

mod diff;
mod run;

use std::collections::BTreeMap;

pub use diff::{Change, DiffReport, RuleChange, Side, compare};
pub use run::{ChunkProgress, Run, RunKind, RunStatus};

use crate::domain::{Applied, Hasil, ManualFinding, Nik, RuleVerdict};

/// Candidates per chunk of a run.
pub const CHUNK_SIZE: usize = 5_000;

/// The upper bound of the key space: every NIK sorts below it.
pub const NIK_MAX: &str = "~";

/// One candidate's stored decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Candidate.
    pub nik: Nik,
    pub hasil: Hasil,
    pub prioritas: Option<f64>,
    /// One letter per rule, in ruleset order: `L` lolos, `G` gagal, `T` tinjau, `E` kesalahan
    /// (the script failed), `V` lolos by a verifier's manual finding.
    pub kode: String,
    /// Reasons of the non-passing rules, in order, as a JSON array (none when all pass).
    pub alasan: Option<String>,
    /// Hash of the candidate data evaluated.
    pub data_hash: String,
}

impl Decision {
    /// Builds the stored form of an evaluation.
    pub fn new(
        nik: Nik,
        data_hash: String,
        hasil: Hasil,
        prioritas: Option<f64>,
        verdicts: &[RuleVerdict],
    ) -> Self {
        let (kode, alasan) = encode(verdicts);
        Self {
            nik,
            hasil,
            prioritas,
            kode,
            alasan,
            data_hash,
        }
    }

    /// The verdicts back, one per rule.
    pub fn verdicts(&self) -> Vec<RuleVerdict> {
        decode(&self.kode, self.alasan.as_deref())
    }
}

impl Decision {
    /// Applies a verifier's findings in force on this candidate (console.md 5): a finding
    /// replaces a review verdict while the data hash is the one it was made on, and is dropped
    /// otherwise. The outcome is derived again.
    pub fn apply_findings(
        &mut self,
        rules: &[String],
        findings: &[ManualFinding],
        when: impl Fn(i64) -> String,
    ) -> Applied {
        let mut verdicts = self.verdicts();
        let applied =
            crate::domain::apply_findings(rules, &mut verdicts, &self.data_hash, findings, when);
        if !applied.applied.is_empty() || !applied.dropped.is_empty() {
            self.hasil = Hasil::from_verdicts(&verdicts);
            (self.kode, self.alasan) = encode(&verdicts);
        }
        applied
    }

    /// Takes over what a verifier added to `stored` (the same candidate decided before) on
    /// rules this evaluation leaves for review: a manual verdict backed by one of `findings`
    /// (same rule, same data, same result), and the note that a finding was dropped. How a
    /// decision made with findings is checked again from the scripts alone; a manual verdict
    /// no finding backs (written into the table by hand) stays a difference.
    pub fn keep_manual_of(
        &mut self,
        stored: &Decision,
        rules: &[String],
        findings: &[ManualFinding],
    ) {
        use crate::domain::Temuan;
        let mut verdicts = self.verdicts();
        let mut changed = false;
        for ((mine, theirs), rule) in verdicts.iter_mut().zip(stored.verdicts()).zip(rules) {
            if !mine.asks_review() {
                continue;
            }
            let backed = crate::domain::is_manual(&theirs)
                && findings.iter().any(|f| {
                    f.nik == self.nik
                        && f.aturan == *rule
                        && f.data_hash == self.data_hash
                        && matches!(
                            (&theirs, f.hasil),
                            (RuleVerdict::LolosManual(_), Temuan::Lolos)
                                | (RuleVerdict::Gagal(_), Temuan::Gagal)
                        )
                });
            let noted = theirs.code() == mine.code()
                && matches!((mine.reason(), theirs.reason()), (Some(a), Some(b)) if b.starts_with(a) && b != a);
            if backed || noted {
                *mine = theirs;
                changed = true;
            }
        }
        if changed {
            self.hasil = Hasil::from_verdicts(&verdicts);
            (self.kode, self.alasan) = encode(&verdicts);
        }
    }
}

fn letter(v: &RuleVerdict) -> char {
    match v {
        RuleVerdict::Lolos => 'L',
        RuleVerdict::LolosManual(_) => 'V',
        RuleVerdict::Gagal(_) => 'G',
        RuleVerdict::Tinjau(_) => 'T',
        RuleVerdict::Kesalahan(_) => 'E',
    }
}

/// Verdicts as (letters, reasons of non-passing rules as JSON).
pub fn encode(verdicts: &[RuleVerdict]) -> (String, Option<String>) {
    let kode: String = verdicts.iter().map(letter).collect();
    let reasons: Vec<&str> = verdicts.iter().filter_map(RuleVerdict::reason).collect();
    let alasan = (!reasons.is_empty()).then(|| serde_json::to_string(&reasons).unwrap_or_default());
    (kode, alasan)
}

/// The inverse of [`encode`]. A missing reason reads as empty.
pub fn decode(kode: &str, alasan: Option<&str>) -> Vec<RuleVerdict> {
    let reasons: Vec<String> = alasan
        .and_then(|a| serde_json::from_str(a).ok())
        .unwrap_or_default();
    let mut reasons = reasons.into_iter();
    kode.chars()
        .map(|c| {
            let mut next = || reasons.next().unwrap_or_default();
            match c {
                'G' => RuleVerdict::Gagal(next()),
                'T' => RuleVerdict::Tinjau(next()),
                'E' => RuleVerdict::Kesalahan(next()),
                'V' => RuleVerdict::LolosManual(next()),
                _ => RuleVerdict::Lolos,
            }
        })
        .collect()
}

/// Outcome counts of one group of candidates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// `layak`.
    pub layak: u64,
    /// `tidak_layak`.
    pub tidak_layak: u64,
    /// `perlu_verifikasi`.
    pub perlu_verifikasi: u64,
}

impl Counts {
    /// Adds one outcome.
    pub fn add(&mut self, hasil: Hasil) {
        match hasil {
            Hasil::Layak => self.layak += 1,
            Hasil::TidakLayak => self.tidak_layak += 1,
            Hasil::PerluVerifikasi => self.perlu_verifikasi += 1,
        }
    }

    /// Every outcome.
    pub fn total(&self) -> u64 {
        self.layak + self.tidak_layak + self.perlu_verifikasi
    }
}

/// Counts of a finished set of decisions: what a run keeps, so that nobody counts the
/// decisions again to show them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    /// Decisions.
    pub total: u64,
    /// `layak`.
    pub layak: u64,
    /// `tidak_layak`.
    pub tidak_layak: u64,
    /// `perlu_verifikasi`.
    pub perlu_verifikasi: u64,
    /// Per rule id: how many failed it.
    pub gagal_per_aturan: BTreeMap<String, u64>,
    /// Per applicant category (`R1` … `CPNS`): outcomes.
    #[serde(default)]
    pub per_kategori: BTreeMap<String, Counts>,
}

impl Tally {
    /// Adds one decision.
    pub fn add(&mut self, rule_ids: &[String], hasil: Hasil, kode: &str) {
        self.total += 1;
        match hasil {
            Hasil::Layak => self.layak += 1,
            Hasil::TidakLayak => self.tidak_layak += 1,
            Hasil::PerluVerifikasi => self.perlu_verifikasi += 1,
        }
        for (id, c) in rule_ids.iter().zip(kode.chars()) {
            let n = self.gagal_per_aturan.entry(id.clone()).or_default();
            if c == 'G' {
                *n += 1;
            }
        }
    }

    /// Adds one decision about a candidate of `kategori`.
    pub fn add_in(&mut self, rule_ids: &[String], kategori: &str, hasil: Hasil, kode: &str) {
        self.add(rule_ids, hasil, kode);
        self.per_kategori
            .entry(kategori.to_owned())
            .or_default()
            .add(hasil);
    }

    /// Takes one decision about a candidate of `kategori` out again (the inverse of
    /// [`Tally::add_in`]).
    pub fn remove_in(&mut self, rule_ids: &[String], kategori: &str, hasil: Hasil, kode: &str) {
        self.total = self.total.saturating_sub(1);
        let dec = |n: &mut u64| *n = n.saturating_sub(1);
        match hasil {
            Hasil::Layak => dec(&mut self.layak),
            Hasil::TidakLayak => dec(&mut self.tidak_layak),
            Hasil::PerluVerifikasi => dec(&mut self.perlu_verifikasi),
        }
        for (id, c) in rule_ids.iter().zip(kode.chars()) {
            if c == 'G'
                && let Some(n) = self.gagal_per_aturan.get_mut(id)
            {
                dec(n);
            }
        }
        if let Some(k) = self.per_kategori.get_mut(kategori) {
            match hasil {
                Hasil::Layak => dec(&mut k.layak),
                Hasil::TidakLayak => dec(&mut k.tidak_layak),
                Hasil::PerluVerifikasi => dec(&mut k.perlu_verifikasi),
            }
        }
    }

    /// Adds another tally (of other candidates) to this one.
    pub fn merge(&mut self, other: &Tally) {
        self.total += other.total;
        self.layak += other.layak;
        self.tidak_layak += other.tidak_layak;
        self.perlu_verifikasi += other.perlu_verifikasi;
        for (id, n) in &other.gagal_per_aturan {
            *self.gagal_per_aturan.entry(id.clone()).or_default() += n;
        }
        for (k, c) in &other.per_kategori {
            let mine = self.per_kategori.entry(k.clone()).or_default();
            mine.layak += c.layak;
            mine.tidak_layak += c.tidak_layak;
            mine.perlu_verifikasi += c.perlu_verifikasi;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_round_trip() {
        let v = vec![
            RuleVerdict::Lolos,
            RuleVerdict::Gagal("usia 61".into()),
            RuleVerdict::Tinjau("gaji \"0\"".into()),
            RuleVerdict::Lolos,
            RuleVerdict::Kesalahan("usia.rhai:3:1: x".into()),
        ];
        let (kode, alasan) = encode(&v);
        assert_eq!(kode, "LGTLE");
        assert_eq!(decode(&kode, alasan.as_deref()), v);
        assert_eq!(
            encode(&[RuleVerdict::Lolos, RuleVerdict::Lolos]),
            ("LL".to_owned(), None)
        );
    }
}
