//! Workflow instances as stored: an instance with its subject, state and revision, its
//! history entries, and the holders of reference codes.

use super::planner::State;

/// A stored instance.
#[derive(Debug, Clone)]
pub struct InstanceRow {
    /// Id.
    pub id: String,
    /// Workflow id.
    pub workflow: String,
    /// Definition version.
    pub versi: String,
    /// Subject (JSON).
    pub subjek: serde_json::Value,
    /// State.
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
    /// What.
    pub jenis: String,
    /// Step.
    pub langkah: Option<String>,
    /// Person.
    pub orang: Option<String>,
    /// Capacity.
    pub kapasitas: Option<String>,
    /// Channel.
    pub saluran: Option<String>,
    /// Decision.
    pub keputusan: Option<String>,
    /// Comment.
    pub komentar: Option<String>,
}

/// Who a reference code was given to.
#[derive(Debug, Clone)]
pub struct CodeRow {
    /// Instance.
    pub instans_id: String,
    /// Step.
    pub langkah: String,
    /// Visit.
    pub kunjungan: i64,
    /// Person.
    pub orang: String,
}
