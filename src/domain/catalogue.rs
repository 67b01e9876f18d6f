//! The jabatan catalogue (`rules/katalog_jabatan.yaml`, documents.md 4): the minimum
//! education and the accepted fields of every national position for PPPK paruh waktu. A
//! formation that asks less than its position's entry is refused at import.

use serde::Deserialize;

use super::{Formation, Pendidikan};

/// The file name of the catalogue in the rules folder.
pub const CATALOGUE_FILE: &str = "katalog_jabatan.yaml";

/// One position of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CataloguePosition {
    /// The position's name, as formations write it.
    pub jabatan: String,
    /// The lowest education it accepts.
    pub pendidikan_minimal: Pendidikan,
    /// The fields it accepts (empty: any).
    pub jurusan: Vec<String>,
}

/// The catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobCatalogue {
    positions: Vec<CataloguePosition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    jabatan: Vec<RawPosition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPosition {
    jabatan: String,
    pendidikan_minimal: String,
    #[serde(default)]
    jurusan: Vec<String>,
}

fn key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl JobCatalogue {
    /// Reads the catalogue's YAML; a problem names the position.
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: RawCatalogue = serde_yaml::from_str(text)
            .map_err(|e| format!("katalog jabatan tidak terbaca: {e}"))?;
        let mut positions: Vec<CataloguePosition> = Vec::with_capacity(raw.jabatan.len());
        for p in raw.jabatan {
            let jabatan = p.jabatan.trim().to_owned();
            if jabatan.is_empty() {
                return Err("katalog jabatan: nama jabatan wajib diisi".to_owned());
            }
            if positions.iter().any(|q| key(&q.jabatan) == key(&jabatan)) {
                return Err(format!("katalog jabatan: '{jabatan}' tertulis dua kali"));
            }
            let pendidikan_minimal = Pendidikan::parse(&p.pendidikan_minimal).map_err(|e| {
                format!("katalog jabatan: pendidikan minimal '{jabatan}' tidak sah: {e}")
            })?;
            positions.push(CataloguePosition {
                jabatan,
                pendidikan_minimal,
                jurusan: p.jurusan.into_iter().map(|j| j.trim().to_owned()).collect(),
            });
        }
        Ok(Self { positions })
    }

    /// The entry of position `jabatan` (spacing and case aside), if the catalogue has one.
    pub fn position(&self, jabatan: &str) -> Option<&CataloguePosition> {
        let k = key(jabatan);
        self.positions.iter().find(|p| key(&p.jabatan) == k)
    }

    /// Why formation `f` asks less than its catalogue entry: a lower education, or a field
    /// the position does not accept (or any field where it names them). `None` when it asks
    /// at least as much, or the position is not in the catalogue.
    pub fn shortfall(&self, f: &Formation) -> Option<String> {
        let p = self.position(&f.jabatan)?;
        if !f.pendidikan_minimal.reaches(p.pendidikan_minimal) {
            return Some(format!(
                "jabatan {} menurut katalog jabatan memerlukan pendidikan paling rendah {}, formasi ini meminta {}",
                p.jabatan,
                p.pendidikan_minimal.label(),
                f.pendidikan_minimal.label()
            ));
        }
        if p.jurusan.is_empty() {
            return None;
        }
        let accepted = |j: &str| p.jurusan.iter().any(|a| key(a) == key(j));
        if f.jurusan.is_empty() {
            return Some(format!(
                "jabatan {} menurut katalog jabatan hanya menerima jurusan {}; formasi ini menerima jurusan apa pun",
                p.jabatan,
                p.jurusan.join(", ")
            ));
        }
        f.jurusan.iter().find(|j| !accepted(j)).map(|j| {
            format!(
                "jabatan {} menurut katalog jabatan tidak menerima jurusan {j} (diterima: {})",
                p.jabatan,
                p.jurusan.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_reads_and_names_what_a_formation_lacks() {
        let text = include_str!("../../rules/katalog_jabatan.yaml");
        let c = JobCatalogue::parse(text).unwrap();
        let analis = c.position("analis  kebijakan").unwrap();
        assert_eq!(analis.pendidikan_minimal, Pendidikan::S1);
        let mut f = Formation {
            kode_formasi: "F1".into(),
            unit_kerja: "U1".into(),
            nama_unit: None,
            kategori_jabatan: crate::domain::KategoriJabatan::TenagaTeknis,
            jabatan: "Analis Kebijakan".into(),
            pendidikan_minimal: Pendidikan::Sma,
            jurusan: Vec::new(),
            jumlah: 1,
            upah: None,
            sumber_anggaran: crate::domain::SumberAnggaran::Apbd,
        };
        let why = c.shortfall(&f).unwrap();
        assert!(why.contains("Sarjana (S1)") && why.contains("SMA"), "{why}");
        f.pendidikan_minimal = Pendidikan::D4;
        assert_eq!(c.shortfall(&f), None, "D-IV meets S1");
        f.jabatan = "Penyuluh Pertanian".into();
        f.jurusan = vec!["Akuntansi".into()];
        assert!(c.shortfall(&f).unwrap().contains("Akuntansi"));
        f.jurusan = vec!["Agroteknologi".into()];
        assert_eq!(c.shortfall(&f), None);
        f.jabatan = "Jabatan Lain".into();
        assert_eq!(c.shortfall(&f), None);
        assert!(
            JobCatalogue::parse("jabatan:\n  - { jabatan: A, pendidikan_minimal: X }\n").is_err()
        );
    }
}
