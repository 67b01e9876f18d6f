//! A candidate for PPPK paruh waktu (interfaces.md 2.1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    AlasanTidakDiusulkan, HasilSeleksi2024, JenisKelamin, KategoriJabatan, KategoriPelamar, Nik,
    Pendidikan, Seleksi2024, StatusKhusus,
};

/// The candidate import columns, in the order files and exports give them; also the fields
/// scripts read on `calon`.
pub const CANDIDATE_FIELDS: [&str; 24] = [
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "tempat_lahir",
    "pendidikan",
    "jurusan",
    "kategori_pelamar",
    "terdata_bkn",
    "seleksi_2024",
    "hasil_seleksi_2024",
    "ikut_semua_tahap",
    "nilai_seleksi",
    "ppg",
    "aktif_bekerja",
    "tmt_kerja",
    "unit_kerja",
    "kategori_jabatan",
    "jabatan",
    "gaji_terakhir",
    "status_khusus",
    "email",
    "no_hp",
    "nomor_peserta",
];

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
    pub email: Option<String>,
    /// Phone number.
    pub no_hp: Option<String>,
    /// SSCASN participant number.
    #[serde(default)]
    pub nomor_peserta: Option<String>,
    /// Why the agency does not propose this candidate, when it has said so.
    #[serde(default)]
    pub alasan_tidak_diusulkan: Option<AlasanTidakDiusulkan>,
}

impl Candidate {
    /// Every field in the form an import file writes it (codes, ISO dates, `ya`/`tidak`,
    /// empty when absent), in import column order: what a correction starts from.
    pub fn import_fields(&self) -> Vec<(&'static str, String)> {
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        let flag = |b: bool| if b { "ya" } else { "tidak" }.to_owned();
        vec![
            ("nik", self.nik.as_str().to_owned()),
            ("nama", self.nama.clone()),
            ("tanggal_lahir", self.tanggal_lahir.to_string()),
            ("jenis_kelamin", self.jenis_kelamin.code().to_owned()),
            ("tempat_lahir", opt(&self.tempat_lahir)),
            ("pendidikan", self.pendidikan.code().to_owned()),
            ("jurusan", opt(&self.jurusan)),
            ("kategori_pelamar", self.kategori_pelamar.code().to_owned()),
            ("terdata_bkn", flag(self.terdata_bkn)),
            ("seleksi_2024", self.seleksi_2024.code().to_owned()),
            (
                "hasil_seleksi_2024",
                self.hasil_seleksi_2024.code().to_owned(),
            ),
            ("ikut_semua_tahap", flag(self.ikut_semua_tahap)),
            (
                "nilai_seleksi",
                self.nilai_seleksi
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            ),
            ("ppg", flag(self.ppg)),
            ("aktif_bekerja", flag(self.aktif_bekerja)),
            ("tmt_kerja", self.tmt_kerja.to_string()),
            ("unit_kerja", self.unit_kerja.clone()),
            (
                "kategori_jabatan",
                self.kategori_jabatan
                    .map(|k| k.code().to_owned())
                    .unwrap_or_default(),
            ),
            ("jabatan", opt(&self.jabatan)),
            ("gaji_terakhir", self.gaji_terakhir.to_string()),
            (
                "status_khusus",
                self.status_khusus
                    .map(|k| k.code().to_owned())
                    .unwrap_or_default(),
            ),
            ("email", opt(&self.email)),
            ("no_hp", opt(&self.no_hp)),
            ("nomor_peserta", opt(&self.nomor_peserta)),
            (
                "alasan_tidak_diusulkan",
                self.alasan_tidak_diusulkan
                    .map(|k| k.code().to_owned())
                    .unwrap_or_default(),
            ),
        ]
    }

    /// A content hash of every field screening reads: what a screening decision records as the
    /// data it used. The first 128 bits of a SHA-256 over the fields in declaration order, each
    /// followed by a unit separator (absent values as a NUL byte). `nomor_peserta` is read by
    /// PW-10 and is hashed after the others only when present, so a candidate without one keeps
    /// the hash recorded before PW-10 existed. `alasan_tidak_diusulkan` is the agency's
    /// administration, not screening data, and is left out. Stored in the database: never change
    /// the encoding.
    pub fn data_hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |s: &str| {
            h.update(s.as_bytes());
            h.update(b"\x1f");
        };
        let opt = |s: Option<&str>| s.unwrap_or("\0").to_owned();
        let flag = |b: bool| if b { "1" } else { "0" };
        field(self.nik.as_str());
        field(&self.nama);
        field(&self.tanggal_lahir.to_string());
        field(self.jenis_kelamin.code());
        field(&opt(self.tempat_lahir.as_deref()));
        field(self.pendidikan.code());
        field(&opt(self.jurusan.as_deref()));
        field(self.kategori_pelamar.code());
        field(flag(self.terdata_bkn));
        field(self.seleksi_2024.code());
        field(self.hasil_seleksi_2024.code());
        field(flag(self.ikut_semua_tahap));
        field(
            &self
                .nilai_seleksi
                .map(|v| v.to_string())
                .unwrap_or_else(|| "\0".into()),
        );
        field(flag(self.ppg));
        field(flag(self.aktif_bekerja));
        field(&self.tmt_kerja.to_string());
        field(&self.unit_kerja);
        field(&opt(self.kategori_jabatan.map(|k| k.code())));
        field(&opt(self.jabatan.as_deref()));
        field(&self.gaji_terakhir.to_string());
        field(&opt(self.status_khusus.map(|s| s.code())));
        field(&opt(self.email.as_deref()));
        field(&opt(self.no_hp.as_deref()));
        if let Some(nomor) = &self.nomor_peserta {
            field(nomor);
        }
        hex::encode(&h.finalize()[..16])
    }
}

#[cfg(test)]
mod tests {
    /// Decisions recorded before PW-10 keep their data hash for candidates without a
    /// `nomor_peserta`; a participant number, once present, is part of what was screened.
    #[test]
    fn the_participant_number_is_hashed_only_when_present() {
        use crate::domain::*;
        let mut c = super::Candidate {
            nik: Nik::parse("1609022304870001").expect("valid"),
            nama: "BUDI SANTOSO".into(),
            tanggal_lahir: parse_date("1987-04-23").expect("valid"),
            jenis_kelamin: JenisKelamin::L,
            tempat_lahir: None,
            pendidikan: Pendidikan::Sma,
            jurusan: None,
            kategori_pelamar: KategoriPelamar::R3,
            terdata_bkn: true,
            seleksi_2024: Seleksi2024::Cpns,
            hasil_seleksi_2024: HasilSeleksi2024::TidakLulus,
            ikut_semua_tahap: true,
            nilai_seleksi: None,
            ppg: false,
            aktif_bekerja: true,
            tmt_kerja: parse_date("2012-03-01").expect("valid"),
            unit_kerja: "U10".into(),
            kategori_jabatan: None,
            jabatan: None,
            gaji_terakhir: 1_750_000,
            status_khusus: None,
            email: None,
            no_hp: None,
            nomor_peserta: None,
            alasan_tidak_diusulkan: None,
        };
        let without = c.data_hash();
        assert_eq!(without, PINNED);
        c.nomor_peserta = Some("24160920110000123".into());
        assert_ne!(c.data_hash(), without);
        c.alasan_tidak_diusulkan = Some(AlasanTidakDiusulkan::Anggaran);
        c.nomor_peserta = None;
        assert_eq!(
            c.data_hash(),
            without,
            "the agency's reason is not screening data"
        );
    }

    /// The hash the encoding has always given this candidate (recorded in existing databases).
    const PINNED: &str = "49f04db4e7be14ec569c6b93b35faa1e";
}
