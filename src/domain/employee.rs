//! An employee considered for job-fill (interfaces.md 2.3).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    Golongan, HukumanDisiplin, JenisKelamin, Jenjang, KotakTalenta, Nip, Pendidikan, Potensial,
    Predikat,
};

/// The employee import columns, in the order files and the generator give them; also the
/// fields scripts read on `pegawai` and the columns the store keeps (after the tenant).
pub const EMPLOYEE_FIELDS: [&str; 17] = [
    "nip",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "golongan",
    "jenjang",
    "jabatan",
    "unit_kerja",
    "tmt_jenjang",
    "pendidikan",
    "predikat_1",
    "predikat_2",
    "potensial",
    "kotak_talenta",
    "hukuman_disiplin",
    "email",
    "riwayat_jenjang",
];

/// One civil servant in the talent pool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Employee {
    /// Key.
    pub nip: Nip,
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
    pub email: Option<String>,
    /// Earlier levels held, with their periods (`riwayat_jenjang`): PP 11/2017 counts
    /// experience "sedang atau pernah" (held now or before).
    #[serde(default)]
    pub riwayat_jenjang: Vec<JenjangPeriod>,
}

/// A level held between two dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JenjangPeriod {
    pub jenjang: Jenjang,
    /// First day.
    pub mulai: NaiveDate,
    /// Last day.
    pub sampai: NaiveDate,
}

impl JenjangPeriod {
    /// Parses `pengawas 2015-01-01 2019-12-31; pelaksana 2010-01-01 2014-12-31` (dates in any
    /// accepted form). An empty text is no history.
    pub fn parse_list(raw: &str) -> Result<Vec<Self>, String> {
        let mut out = Vec::new();
        for entry in raw.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let parts: Vec<&str> = entry.split_whitespace().collect();
            let [jenjang, mulai, sampai] = parts.as_slice() else {
                return Err(format!(
                    "'{entry}' harus berisi jenjang, tanggal mulai, dan tanggal selesai (contoh: pengawas 2015-01-01 2019-12-31)"
                ));
            };
            let jenjang = Jenjang::parse(jenjang).map_err(|e| e.to_string())?;
            let date = |s: &str| {
                super::parse_date(s).ok_or_else(|| format!("'{s}' bukan tanggal pada '{entry}'"))
            };
            let (mulai, sampai) = (date(mulai)?, date(sampai)?);
            if sampai < mulai {
                return Err(format!(
                    "pada '{entry}' tanggal selesai sebelum tanggal mulai"
                ));
            }
            out.push(Self {
                jenjang,
                mulai,
                sampai,
            });
        }
        Ok(out)
    }
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
