//! The enumerations of interfaces.md sections 2.1–2.3, each with its contract code, a label for
//! people, and the spellings accepted on import.

/// A value that is not one of an enumeration's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("nilai '{value}' tidak dikenal; yang diterima: {accepted}")]
pub struct UnknownValue {
    /// The text as written.
    pub value: String,
    /// The accepted codes, comma-separated.
    pub accepted: String,
}

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal $(, alias $($alias:literal)|+)? ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The contract code (what files and JSON carry).
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// A label for people, in Bahasa Indonesia.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// Parses a code, case-insensitively, with spaces or dashes read as `_`, and the
            /// documented alternative spellings.
            pub fn parse(raw: &str) -> Result<Self, $crate::domain::UnknownValue> {
                // Fast path: the code exactly as documented (what generated files hold).
                match raw {
                    $($code => return Ok(Self::$variant),)+
                    _ => {}
                }
                let key = $crate::domain::normalize_key(raw);
                $(
                    if key == $crate::domain::normalize_key($code) $($(|| key == $crate::domain::normalize_key($alias))+)? {
                        return Ok(Self::$variant);
                    }
                )+
                Err($crate::domain::UnknownValue {
                    value: raw.trim().to_owned(),
                    accepted: [$($code),+].join(", "),
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use code_enum as code_enum_pub;

code_enum! {
    /// Sex as recorded in the civil registry.
    JenisKelamin {
        L = "L", "laki-laki", alias "laki-laki" | "laki laki" | "pria";
        P = "P", "perempuan", alias "wanita";
    }
}

code_enum! {
    /// Education level, ordered from SD (1) to S3 (10).
    Pendidikan {
        Sd = "SD", "SD/sederajat", alias "MI";
        Smp = "SMP", "SMP/sederajat", alias "SLTP" | "MTS";
        Sma = "SMA", "SMA/sederajat", alias "SMK" | "MA" | "SLTA" | "SMU";
        D1 = "D1", "Diploma I", alias "D-I" | "DI";
        D2 = "D2", "Diploma II", alias "D-II" | "DII";
        D3 = "D3", "Diploma III", alias "D-III" | "DIII";
        D4 = "D4", "Diploma IV", alias "D-IV" | "DIV";
        S1 = "S1", "Sarjana (S1)", alias "S-1";
        S2 = "S2", "Magister (S2)", alias "S-2";
        S3 = "S3", "Doktor (S3)", alias "S-3";
    }
}

impl Pendidikan {
    /// SD = 1 … S3 = 10, for comparisons in rules. D-IV and S1 are the same level (KKNI level
    /// 6; UU 14/2005 "S1 atau D-IV"): both are 8, and 7 is unused.
    pub fn level(self) -> i64 {
        match self {
            Self::D4 => Self::S1 as i64 + 1,
            other => other as i64 + 1,
        }
    }

    /// Whether this education meets a minimum of `minimal` (D-IV meets S1 and the reverse).
    pub fn reaches(self, minimal: Self) -> bool {
        self.level() >= minimal.level()
    }
}

code_enum! {
    /// Applicant category for PPPK paruh waktu (domain.md 2.4).
    KategoriPelamar {
        R1 = "R1", "R1 (pelamar prioritas)";
        R2 = "R2", "R2 (eks THK-II)";
        R3 = "R3", "R3 (non-ASN terdata BKN)";
        R4 = "R4", "R4 (non-ASN tidak terdata, 2 tahun terus-menerus)";
        R5 = "R5", "R5 (lulusan PPG)";
        Cpns = "CPNS", "Pelamar CPNS 2024";
    }
}

code_enum! {
    /// Which CASN 2024 selection the candidate took part in.
    Seleksi2024 {
        TidakIkut = "tidak_ikut", "tidak mengikuti seleksi";
        Cpns = "cpns", "seleksi CPNS 2024";
        PppkTahap1 = "pppk_tahap_1", "seleksi PPPK 2024 tahap 1";
        PppkTahap2 = "pppk_tahap_2", "seleksi PPPK 2024 tahap 2";
    }
}

code_enum! {
    /// The result of that selection.
    HasilSeleksi2024 {
        TidakIkut = "tidak_ikut", "tidak mengikuti";
        TidakLulus = "tidak_lulus", "tidak lulus";
        TidakDapatFormasi = "tidak_dapat_formasi", "tidak mendapat formasi";
        Lulus = "lulus", "lulus";
        Tms = "tms", "tidak memenuhi syarat (TMS)";
        Aps = "aps", "mengundurkan diri (APS)";
    }
}

code_enum! {
    /// The seven position categories of KepmenPANRB 16/2025 KETIGA.
    KategoriJabatan {
        Guru = "guru", "Guru dan Tenaga Kependidikan";
        TenagaKesehatan = "tenaga_kesehatan", "Tenaga Kesehatan";
        TenagaTeknis = "tenaga_teknis", "Tenaga Teknis";
        PengelolaUmumOperasional = "pengelola_umum_operasional", "Pengelola Umum Operasional";
        OperatorLayananOperasional = "operator_layanan_operasional", "Operator Layanan Operasional";
        PengelolaLayananOperasional = "pengelola_layanan_operasional", "Pengelola Layanan Operasional";
        PenataLayananOperasional = "penata_layanan_operasional", "Penata Layanan Operasional";
    }
}

code_enum! {
    /// Special status that ends a candidacy.
    StatusKhusus {
        Meninggal = "meninggal", "meninggal dunia";
        MengundurkanDiri = "mengundurkan_diri", "mengundurkan diri";
    }
}

code_enum! {
    /// Where a formation's pay comes from (documents.md 1).
    SumberAnggaran {
        Apbd = "APBD", "APBD";
        Blud = "BLUD", "BLUD";
        Bos = "BOS", "BOS";
        Dak = "DAK", "DAK";
        Lainnya = "lainnya", "lainnya";
    }
}

code_enum! {
    /// Why an agency did not propose a screened candidate (documents.md 1 and 2).
    AlasanTidakDiusulkan {
        TidakAktif = "tidak_aktif", "tidak aktif bekerja";
        Anggaran = "anggaran", "anggaran tidak tersedia";
        TidakAdaKebutuhan = "tidak_ada_kebutuhan", "tidak ada kebutuhan formasi";
        Meninggal = "meninggal", "meninggal dunia";
        MengundurkanDiri = "mengundurkan_diri", "mengundurkan diri";
        Lainnya = "lainnya", "lainnya";
    }
}

code_enum! {
    /// Position level of an employee or a vacancy.
    Jenjang {
        Pelaksana = "pelaksana", "Pelaksana";
        Pengawas = "pengawas", "Pengawas";
        Administrator = "administrator", "Administrator";
        JptPratama = "jpt_pratama", "JPT Pratama";
        JfAhliPertama = "jf_ahli_pertama", "JF Ahli Pertama";
        JfAhliMuda = "jf_ahli_muda", "JF Ahli Muda";
        JfAhliMadya = "jf_ahli_madya", "JF Ahli Madya";
        JfAhliUtama = "jf_ahli_utama", "JF Ahli Utama";
        JfTerampil = "jf_terampil", "JF Keterampilan";
    }
}

impl Jenjang {
    /// Retirement age (BUP) for PNS at this level, PP 11/2017 jo. PP 17/2020 (domain.md 3).
    pub fn bup(self) -> i64 {
        match self {
            Self::JptPratama | Self::JfAhliMadya => 60,
            Self::JfAhliUtama => 65,
            Self::Pelaksana
            | Self::Pengawas
            | Self::Administrator
            | Self::JfAhliPertama
            | Self::JfAhliMuda
            | Self::JfTerampil => 58,
        }
    }
}

code_enum! {
    /// Civil-service rank (pangkat/golongan ruang).
    Golongan {
        IA = "I/a", "Juru Muda"; IB = "I/b", "Juru Muda Tingkat I"; IC = "I/c", "Juru"; ID = "I/d", "Juru Tingkat I";
        IIA = "II/a", "Pengatur Muda"; IIB = "II/b", "Pengatur Muda Tingkat I"; IIC = "II/c", "Pengatur"; IID = "II/d", "Pengatur Tingkat I";
        IIIA = "III/a", "Penata Muda"; IIIB = "III/b", "Penata Muda Tingkat I"; IIIC = "III/c", "Penata"; IIID = "III/d", "Penata Tingkat I";
        IVA = "IV/a", "Pembina"; IVB = "IV/b", "Pembina Tingkat I"; IVC = "IV/c", "Pembina Utama Muda"; IVD = "IV/d", "Pembina Utama Madya"; IVE = "IV/e", "Pembina Utama";
    }
}

code_enum! {
    /// Annual performance rating (PermenPANRB 6/2022), best first.
    Predikat {
        SangatBaik = "sangat_baik", "Sangat Baik";
        Baik = "baik", "Baik";
        ButuhPerbaikan = "butuh_perbaikan", "Butuh Perbaikan";
        Kurang = "kurang", "Kurang";
        SangatKurang = "sangat_kurang", "Sangat Kurang";
    }
}

impl Predikat {
    /// 5 for sangat_baik down to 1 for sangat_kurang: higher is better.
    pub fn score(self) -> i64 {
        5 - self as i64
    }
}

code_enum! {
    /// Potential level from the competence assessment.
    Potensial {
        Rendah = "rendah", "Rendah";
        Menengah = "menengah", "Menengah";
        Tinggi = "tinggi", "Tinggi";
    }
}

code_enum! {
    /// Disciplinary sanction on record (PP 94/2021).
    HukumanDisiplin {
        Tidak = "tidak", "tidak ada";
        Ringan = "ringan", "ringan";
        Sedang = "sedang", "sedang";
        Berat = "berat", "berat";
    }
}

code_enum! {
    /// Why a position fell vacant (interfaces.md 3, `vacancy open --reason`).
    AlasanLowongan {
        Pensiun = "pensiun", "pensiun";
        Promosi = "promosi", "promosi";
        Mutasi = "mutasi", "mutasi";
        Meninggal = "meninggal", "meninggal dunia";
        Berhenti = "berhenti", "berhenti";
        Reorganisasi = "reorganisasi", "reorganisasi";
        Lainnya = "lainnya", "lainnya";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn education_order_and_aliases() {
        assert_eq!(Pendidikan::parse("sd").unwrap().level(), 1);
        assert_eq!(Pendidikan::parse("S3").unwrap().level(), 10);
        assert_eq!(Pendidikan::parse("SMK").unwrap(), Pendidikan::Sma);
        assert_eq!(Pendidikan::parse(" ma ").unwrap(), Pendidikan::Sma);
        assert_eq!(Pendidikan::parse("SLTA").unwrap(), Pendidikan::Sma);
        assert_eq!(Pendidikan::parse("SLTP").unwrap(), Pendidikan::Smp);
        assert_eq!(Pendidikan::parse("D-III").unwrap(), Pendidikan::D3);
        assert!(Pendidikan::D4 > Pendidikan::D3 && Pendidikan::S1 > Pendidikan::D4);
        // D-IV and S1 are one level wherever education is compared.
        assert_eq!(Pendidikan::D4.level(), Pendidikan::S1.level());
        assert!(Pendidikan::D4.reaches(Pendidikan::S1) && Pendidikan::S1.reaches(Pendidikan::D4));
        assert!(!Pendidikan::D3.reaches(Pendidikan::D4));
        assert!(Pendidikan::S2.reaches(Pendidikan::S1));
        let err = Pendidikan::parse("SMA sederajat").unwrap_err();
        assert!(err.to_string().contains("SD, SMP, SMA"));
    }

    #[test]
    fn codes_round_trip() {
        for k in KategoriJabatan::ALL {
            assert_eq!(KategoriJabatan::parse(k.code()).unwrap(), *k);
        }
        assert_eq!(
            KategoriJabatan::parse("Tenaga Teknis").unwrap(),
            KategoriJabatan::TenagaTeknis
        );
        assert_eq!(
            KategoriPelamar::parse("cpns").unwrap(),
            KategoriPelamar::Cpns
        );
        assert_eq!(Golongan::parse("iii/b").unwrap(), Golongan::IIIB);
        assert_eq!(
            Seleksi2024::parse("PPPK Tahap 1").unwrap(),
            Seleksi2024::PppkTahap1
        );
    }

    #[test]
    fn retirement_ages() {
        assert_eq!(Jenjang::Administrator.bup(), 58);
        assert_eq!(Jenjang::JptPratama.bup(), 60);
        assert_eq!(Jenjang::JfAhliMadya.bup(), 60);
        assert_eq!(Jenjang::JfAhliUtama.bup(), 65);
    }

    #[test]
    fn ratings_are_ordered() {
        assert!(Predikat::SangatBaik.score() > Predikat::Baik.score());
        assert_eq!(Predikat::SangatKurang.score(), 1);
    }
}
