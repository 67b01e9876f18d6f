//! Workflow instances as stored: an instance with its subject, state and revision, its
//! history entries, and the holders of reference codes.

use super::planner::State;

/// A stored instance.
#[derive(Debug, Clone)]
pub struct InstanceRow {
    pub id: String,
    pub workflow: String,
    /// Definition version.
    pub versi: String,
    /// Subject (JSON).
    pub subjek: serde_json::Value,
    pub state: State,
    /// Revision for optimistic locking.
    pub revisi: i64,
    /// Who started it.
    pub dibuat_oleh: String,
    /// When, epoch ms.
    pub dibuat_ms: i64,
    /// Last change, epoch ms.
    pub diperbarui_ms: i64,
}

/// A stored history entry.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HistoryRow {
    /// Order within the instance.
    pub urutan: i64,
    /// When, epoch ms.
    pub waktu_ms: i64,
    pub jenis: String,
    pub langkah: Option<String>,
    pub orang: Option<String>,
    pub kapasitas: Option<String>,
    pub saluran: Option<String>,
    pub keputusan: Option<String>,
    pub komentar: Option<String>,
}

/// Who a reference code was given to.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub instans_id: String,
    pub langkah: String,
    pub kunjungan: i64,
    pub orang: String,
}
