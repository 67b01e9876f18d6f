//! A screening run as the rest of merit sees it: its status, the rules it applied, its
//! totals, and how far its chunks are.

use super::Tally;

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Chunks are still being processed (or the process died: the next one resumes).
    Berjalan,
    /// Every chunk is done and the counts are final.
    Selesai,
    /// Stopped for good (an error other than a crash, or cancelled by an operator); the next
    /// screening starts a new run.
    Gagal,
}

impl RunStatus {
    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Berjalan => "berjalan",
            Self::Selesai => "selesai",
            Self::Gagal => "gagal",
        }
    }

    /// Parses the stored name (anything unknown reads as running).
    pub fn parse(s: &str) -> Self {
        match s {
            "selesai" => Self::Selesai,
            "gagal" => Self::Gagal,
            _ => Self::Berjalan,
        }
    }
}

/// What a run screened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    /// Every candidate.
    #[default]
    Penuh,
    /// One candidate screened again (e.g. after a correction); everyone else keeps the
    /// decision of the run before, copied into this one.
    Perorangan,
}

impl RunKind {
    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Self::Penuh => "penuh",
            Self::Perorangan => "perorangan",
        }
    }

    /// Parses the stored name (anything unknown reads as a full run).
    pub fn parse(s: &str) -> Self {
        if s == "perorangan" {
            Self::Perorangan
        } else {
            Self::Penuh
        }
    }
}

/// A screening run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Run {
    /// Run id.
    pub id: String,
    pub ruleset: String,
    /// Ruleset version used.
    pub versi: String,
    pub status: RunStatus,
    /// Rule ids, in order (the letters of each decision follow this order).
    pub aturan: Vec<String>,
    /// Number of chunks.
    pub jumlah_potongan: u64,
    /// Counts (final once `selesai`).
    pub hasil: Tally,
    /// Who started it.
    pub dibuat_oleh: String,
    /// When it started, epoch ms.
    pub dibuat_ms: i64,
    /// When it finished (or failed).
    pub selesai_ms: Option<i64>,
    /// Why it failed.
    pub alasan_gagal: Option<String>,
    /// Every candidate, or one screened again.
    pub jenis: RunKind,
}

/// How far a run is.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ChunkProgress {
    /// Chunks done.
    pub selesai: u64,
    /// Chunks in all.
    pub total: u64,
    /// Candidates decided so far.
    pub calon_selesai: u64,
    /// Candidates expected.
    pub calon_total: u64,
    /// Owners holding claims now.
    pub pemilik: Vec<String>,
}
