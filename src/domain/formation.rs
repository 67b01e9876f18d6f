//! A formation slot line (interfaces.md 2.2).

use serde::{Deserialize, Serialize};

use super::{KategoriJabatan, Pendidikan, SumberAnggaran, normalize_key};

/// A formation: `jumlah` places of one position in one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Formation {
    /// Key.
    pub kode_formasi: String,
    pub unit_kerja: String,
    /// Unit name.
    pub nama_unit: Option<String>,
    /// Position category.
    pub kategori_jabatan: KategoriJabatan,
    pub jabatan: String,
    /// Minimum education.
    pub pendidikan_minimal: Pendidikan,
    /// Accepted majors; empty means any.
    pub jurusan: Vec<String>,
    /// Number of places, at least 1.
    pub jumlah: u32,
    /// Monthly pay offered in rupiah; `None` means the candidate's last pay (`gaji_terakhir`).
    pub upah: Option<i64>,
    /// Where the pay comes from.
    pub sumber_anggaran: SumberAnggaran,
}

impl Formation {
    /// The monthly pay of a candidate placed here: the formation's `upah`, else what the
    /// candidate was last paid.
    pub fn upah_for(&self, gaji_terakhir: i64) -> i64 {
        self.upah.unwrap_or(gaji_terakhir)
    }

    /// Whether a candidate's major is accepted (any major when none is listed).
    pub fn accepts_major(&self, major: Option<&str>) -> bool {
        if self.jurusan.is_empty() {
            return true;
        }
        let Some(major) = major else {
            return false;
        };
        let major = normalize_key(major);
        self.jurusan.iter().any(|j| normalize_key(j) == major)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors() {
        let mut f = Formation {
            kode_formasi: "K1".into(),
            unit_kerja: "U1".into(),
            nama_unit: None,
            kategori_jabatan: KategoriJabatan::TenagaKesehatan,
            jabatan: "Perawat".into(),
            pendidikan_minimal: Pendidikan::D3,
            jurusan: vec![],
            jumlah: 1,
            upah: None,
            sumber_anggaran: SumberAnggaran::Apbd,
        };
        assert!(f.accepts_major(None));
        f.jurusan = vec!["Keperawatan".into(), "Kebidanan".into()];
        assert!(f.accepts_major(Some("keperawatan")));
        assert!(f.accepts_major(Some(" Kebidanan ")));
        assert!(!f.accepts_major(Some("Farmasi")));
        assert!(!f.accepts_major(None));
    }
}
