//! Workflow instances as stored: an instance with its subject, state and revision, and the
//! holders of reference codes (history entries are the planner's [`super::planner::HistoryEntry`]).

use super::planner::State;
use crate::domain::Subject;

/// An instance's subject as stored: the JSON workflow expressions see (`subjek`), and its typed
/// reading, made once, when it is first asked for (a decision that only plans never pays for
/// it). An unreadable subject keeps the reason, so a page that can do without it still shows
/// the instance.
#[derive(Debug, Clone)]
pub struct StoredSubject {
    json: serde_json::Value,
    typed: std::sync::OnceLock<Result<Subject, String>>,
}

impl StoredSubject {
    /// Keeps `json`, to be read as a subject when asked.
    pub fn new(json: serde_json::Value) -> Self {
        Self {
            json,
            typed: std::sync::OnceLock::new(),
        }
    }

    fn decoded(&self) -> &Result<Subject, String> {
        self.typed.get_or_init(|| Subject::from_value(&self.json))
    }

    /// The JSON, as workflow expressions and `workflow show` see it.
    pub fn json(&self) -> &serde_json::Value {
        &self.json
    }

    /// The typed subject, or why it cannot be read.
    pub fn typed(&self) -> Result<&Subject, &str> {
        self.decoded().as_ref().map_err(String::as_str)
    }

    /// The typed subject, owned.
    pub fn read(&self) -> Result<Subject, String> {
        self.decoded().clone()
    }
}

/// A stored instance.
#[derive(Debug, Clone)]
pub struct InstanceRow {
    pub id: String,
    pub workflow: String,
    /// Definition version.
    pub versi: String,
    /// Subject (JSON and typed; JSON null on rows read without it).
    pub subjek: StoredSubject,
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
