//! The ground floor of the service: what every use case may use, and what uses no use case —
//! the definitions in force (rulesets, workflows, templates, the directory, the calendar, the
//! ruleset of a run and published versions), links (the secret, a link's token checked, sealed
//! references), the audit recorder, notices to `ADMIN`, the blocking pool, the hooks through
//! which a use case learns of another's event, and the service's errors.

pub mod audit;
pub mod bounded;
pub mod definitions;
mod error;
pub mod hooks;
pub mod links;
pub mod notices;
pub mod rules;
pub mod runs;
pub mod supervise;
pub mod versions;
pub mod workflows;

use chrono_tz::Tz;

pub use error::{Definition, Invalid, NotFound, Prerequisite, Refusal, ServiceError, Sought};

use crate::domain::format_datetime_id;

/// The shipped workflow that approves ruleset changes (`publikasi_aturan: persetujuan`).
pub const CHANGE_WORKFLOW: &str = "perubahan_aturan";

/// `ms` (epoch ms) as people read it: `30 November 2026 pukul 09.15 WIB`.
pub fn when(ms: i64, tz: Tz) -> String {
    format_datetime_id(crate::clock::from_ms(ms), tz)
}
