//! A candidate for PPPK paruh waktu (interfaces.md 2.1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    HasilSeleksi2024, JenisKelamin, KategoriJabatan, KategoriPelamar, Nik, Pendidikan, Seleksi2024,
    StatusKhusus,
};

/// One candidate, as imported. Field names are the import column names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Key.
    pub nik: Nik,
    /// Name as on the KTP.
    pub nama: String,
    /// Declared birth date (checked against the NIK by screening, not by import).
    pub tanggal_lahir: NaiveDate,
    /// Declared sex.
    pub jenis_kelamin: JenisKelamin,
    /// Place of birth.
    pub tempat_lahir: Option<String>,
    /// Highest education.
    pub pendidikan: Pendidikan,
    /// Major.
    pub jurusan: Option<String>,
    /// Applicant category R1–R5 or CPNS.
    pub kategori_pelamar: KategoriPelamar,
    /// In the BKN non-ASN database.
    pub terdata_bkn: bool,
    /// CASN 2024 selection taken.
    pub seleksi_2024: Seleksi2024,
    /// Its result.
    pub hasil_seleksi_2024: HasilSeleksi2024,
    /// Took every stage of that selection.
    pub ikut_semua_tahap: bool,
    /// Selection score.
    pub nilai_seleksi: Option<f64>,
    /// In the PPG graduate database.
    pub ppg: bool,
    /// Actively working.
    pub aktif_bekerja: bool,
    /// Start of continuous service.
    pub tmt_kerja: NaiveDate,
    /// Unit code where the candidate works.
    pub unit_kerja: String,
    /// Position category.
    pub kategori_jabatan: Option<KategoriJabatan>,
    /// Current role.
    pub jabatan: Option<String>,
    /// Last monthly pay in rupiah.
    pub gaji_terakhir: i64,
    /// Died or resigned.
    pub status_khusus: Option<StatusKhusus>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub no_hp: Option<String>,
}

impl Candidate {
    /// A content hash of every field: what a screening decision records as the data it used.
    pub fn data_hash(&self) -> String {
        content_hash(self)
    }
}

/// The first 128 bits of the SHA-256 of a value's JSON form, in hex.
pub(crate) fn content_hash<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    let digest = Sha256::digest(&json);
    hex::encode(&digest[..16])
}
