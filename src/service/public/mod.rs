//! The candidates' window (candidates.md): the public announcement frozen from a placement, a
//! candidate's own result behind their NIK and birth date, and objections (sanggah) that run
//! through the shipped `sanggah` workflow and, when upheld, change the announced outcome.
//! A composition: it screens one candidate again and places them through the use cases.

pub mod announcement;
pub mod objection;
pub mod status;

pub use crate::store::announcements::{AnnouncedRow, AnnouncementRow, ObjectionRow, search_name};
pub use announcement::{AnnouncementPage, PublishRequest};
pub use objection::{ObjectionForm, ObjectionView};
pub use status::{StatusOutcome, StatusRequest, StatusView};

/// The reason groups of a candidate not proposed, as the public reads them.
pub fn group_label(code: &str) -> &'static str {
    crate::service::placement::lists::GROUPS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Lainnya", |(_, label)| *label)
}
