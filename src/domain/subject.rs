//! What a workflow instance is about. The same JSON is what workflow expressions see as
//! `subjek`; messages and pages read it through these types, so a missing field is an error
//! rather than an empty line in a letter to the Bupati.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Hasil;

/// The subject of an instance, by its `jenis`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "jenis", rename_all = "snake_case")]
pub enum Subject {
    /// A placement proposal (PPPK paruh waktu).
    Penempatan(PlacementSubject),
    /// A vacancy to fill from the talent pool.
    Lowongan(VacancySubject),
    /// A change to a ruleset waiting for approval (`publikasi_aturan: persetujuan`).
    PerubahanAturan(RuleChangeSubject),
    /// A candidate's objection to an announcement (candidates.md 3).
    Sanggah(ObjectionSubject),
    /// Anything else a workflow was started on.
    Bebas {},
}

impl Subject {
    /// Reads a stored subject.
    pub fn from_value(v: &serde_json::Value) -> Result<Self, String> {
        Self::deserialize(v).map_err(|e| {
            format!(
                "subjek proses persetujuan tidak dapat dibaca: {}",
                crate::diagnostic::translate_serde_of(&e.to_string(), "JSON")
            )
        })
    }
}

/// An objection under review: what the reviewer needs, with the NIK masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectionSubject {
    /// Receipt number (`SGH-2026-00001`).
    pub nomor: String,
    /// The announcement objected to.
    pub pengumuman: i32,
    pub nama: String,
    /// The NIK with all but the last four digits hidden.
    pub nik: String,
    /// The unit, in words.
    pub unit: String,
    /// The announced outcome, in words.
    pub hasil_diumumkan: String,
    /// The rules that failed or asked for checking, in words.
    pub aturan: Vec<String>,
    /// The candidate's reason.
    pub alasan: String,
    /// Files attached.
    pub berkas: usize,
    /// When filed, epoch ms.
    pub dibuat_ms: i64,
}

/// A ruleset change proposed for approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleChangeSubject {
    /// The draft that is published when approved.
    pub draf: String,
    /// `aturan:ID`.
    pub definisi: String,
    /// Who proposed it.
    pub penulis: String,
    /// Why.
    pub alasan: String,
    pub nomor_surat: Option<String>,
    /// The preview's summary, as sentences.
    pub ringkasan: Vec<String>,
    /// The change as a unified diff (shortened when long).
    pub perbedaan: String,
}

/// A placement proposed for approval. Its recap per formation code is not part of it: the store
/// keeps it in a table of its own (`Store::proposal_recap`), read where it is used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementSubject {
    /// Placement id.
    pub id: String,
    /// The screening it was made from.
    pub run_id: String,
    /// Candidates placed.
    pub jumlah: u64,
    /// Eligible candidates left without a slot.
    pub tidak_ditempatkan: u64,
    /// Formation slots offered.
    pub jumlah_formasi: u64,
    /// When the placement was made, epoch ms.
    pub dibuat_ms: i64,
}

/// A vacancy with its ranked candidates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VacancySubject {
    /// Vacancy id.
    pub id: String,
    /// Level code (`jpt_pratama`, `jf_ahli_madya`, …).
    pub jenjang: String,
    pub unit_kerja: String,
    /// The unit's name, where the formations know it (absent in instances started before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nama_unit: Option<String>,
    pub jabatan: String,
    /// Why it is vacant (`pensiun`, `mutasi`, …).
    pub alasan: String,
    /// The date eligibility is judged on (`YYYY-MM-DD`).
    pub tanggal: String,
    pub ruleset: String,
    /// Ruleset version.
    pub versi_aturan: String,
    /// NIPs of the shortlist, best first.
    pub shortlist: Vec<String>,
    /// The shortlisted candidates, best first.
    pub kandidat: Vec<Kandidat>,
    /// Employees judged.
    pub jumlah_dinilai: usize,
    /// E-mail addresses of the shortlisted, by NIP, so each can be told the outcome.
    pub email_kandidat: BTreeMap<String, String>,
}

/// One employee considered for a vacancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kandidat {
    /// NIP (shown masked).
    pub nip: String,
    pub nama: String,
    /// Overall outcome of the job-fill rules.
    pub hasil: Hasil,
    /// Box 1–9 of the talent matrix.
    pub kotak_talenta: i64,
    /// The last two performance ratings (newest first), as people read them; absent on
    /// vacancies opened before they were kept.
    #[serde(default)]
    pub predikat: Vec<String>,
    /// Rules failed.
    pub aturan_gagal: Vec<String>,
    /// Rules asking for review (or in error).
    pub aturan_tinjau: Vec<String>,
    /// Rank among those not ineligible (1 = best).
    pub peringkat: Option<u32>,
    /// One reason per rule that did not pass (`ID: alasan`).
    pub alasan: Vec<String>,
}

impl VacancySubject {
    /// The unit as a reader knows it: its name with the code, or the code alone.
    pub fn unit_label(&self) -> String {
        match &self.nama_unit {
            Some(name) => format!("{name} ({})", self.unit_kerja),
            None => self.unit_kerja.clone(),
        }
    }

    /// A shortlisted candidate by NIP.
    pub fn candidate(&self, nip: &str) -> Option<&Kandidat> {
        self.kandidat.iter().find(|k| k.nip == nip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_field_is_an_error_not_a_blank() {
        let v = serde_json::json!({"jenis": "penempatan", "id": "p", "run_id": "r", "jumlah": 1,
            "tidak_ditempatkan": 0, "per_formasi": {}, "dibuat_ms": 0});
        let e = Subject::from_value(&v).unwrap_err();
        assert!(e.contains("jumlah_formasi"), "{e}");
        let free = Subject::from_value(&serde_json::json!({"jenis": "bebas", "catatan": "x"}));
        assert_eq!(free, Ok(Subject::Bebas {}));
    }
}
