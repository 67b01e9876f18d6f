//! Workflow instances as stored: an instance with its subject, state and revision, and the
//! holders of reference codes (history entries are the planner's [`super::planner::HistoryEntry`]).

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

/// Who a reference code was given to.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub instans_id: String,
    pub langkah: String,
    pub kunjungan: i64,
    pub orang: String,
}
