//! EVALUATE: approval workflows. Definitions and the directory are read and validated here; the
//! planner turns an event into a plan without I/O; `store` applies plans, `service` orchestrates.

pub mod calendar;
pub mod definition;
pub mod directory;
pub mod planner;
mod record;

pub use calendar::Calendar;
pub use definition::{Approvers, Mode, SubjectKind, Target, WorkflowDef};
pub use directory::Directory;
pub use planner::{
    Answer, Channel, Decided, Decision, Event, HistoryEntry, HistoryKind, Instance, Plan, Refusal,
    State, Status,
};
pub use record::{CodeRow, InstanceRow, StoredSubject};
