//! An employee considered for job-fill (interfaces.md 2.3).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    Golongan, HukumanDisiplin, JenisKelamin, Jenjang, KotakTalenta, Nip, Pendidikan, Potensial,
    Predikat,
};

/// One civil servant in the talent pool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Employee {
    /// Key.
    pub nip: Nip,
    /// Name.
    pub nama: String,
    /// Birth date.
    pub tanggal_lahir: NaiveDate,
    /// Sex.
    pub jenis_kelamin: JenisKelamin,
    /// Rank.
    pub golongan: Option<Golongan>,
    /// Current level.
    pub jenjang: Jenjang,
    /// Current position.
    pub jabatan: String,
    /// Unit code.
    pub unit_kerja: String,
    /// Since when at the current level.
    pub tmt_jenjang: NaiveDate,
    /// Highest education.
    pub pendidikan: Pendidikan,
    /// Last annual rating.
    pub predikat_1: Predikat,
    /// Second-to-last annual rating.
    pub predikat_2: Predikat,
    /// Potential level.
    pub potensial: Potensial,
    /// Talent box (given, or derived from `predikat_1` and `potensial`).
    #[serde(with = "box_number")]
    pub kotak_talenta: KotakTalenta,
    /// Disciplinary sanction on record.
    pub hukuman_disiplin: HukumanDisiplin,
    /// Email address.
    pub email: Option<String>,
}

mod box_number {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::domain::KotakTalenta;

    pub(super) fn serialize<S: Serializer>(k: &KotakTalenta, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(k.number())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<KotakTalenta, D::Error> {
        let n = i64::deserialize(d)?;
        KotakTalenta::new(n)
            .ok_or_else(|| D::Error::custom(format!("kotak talenta {n} di luar 1–9")))
    }
}
