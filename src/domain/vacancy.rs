//! A vacant position to fill from the talent pool.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{AlasanLowongan, Jenjang};

/// The vacancy a job-fill screening is about (`lowongan` in rule scripts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vacancy {
    /// Level of the target position.
    pub jenjang: Jenjang,
    pub unit_kerja: String,
    pub jabatan: String,
    /// Reference date (when the position is to be filled).
    pub tanggal: NaiveDate,
    /// Why the position fell vacant.
    pub alasan: AlasanLowongan,
}
