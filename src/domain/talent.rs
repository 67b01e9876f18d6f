//! The 9-box talent matrix (kotak talenta), domain.md section 4.2.

use super::{Potensial, Predikat};

/// The performance axis of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TingkatKinerja {
    /// Di bawah ekspektasi.
    DiBawah,
    /// Sesuai ekspektasi.
    Sesuai,
    /// Di atas ekspektasi.
    DiAtas,
}

impl TingkatKinerja {
    /// Sangat Baik → di atas; Baik → sesuai; lower → di bawah ekspektasi.
    pub fn from_predikat(p: Predikat) -> Self {
        match p {
            Predikat::SangatBaik => Self::DiAtas,
            Predikat::Baik => Self::Sesuai,
            Predikat::ButuhPerbaikan | Predikat::Kurang | Predikat::SangatKurang => Self::DiBawah,
        }
    }
}

/// A talent box, 1–9, numbered as in PermenPANRB 3/2020.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KotakTalenta(u8);

impl KotakTalenta {
    /// A box number, if it is 1–9.
    pub fn new(n: i64) -> Option<Self> {
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=9).contains(n))
            .map(Self)
    }

    /// The box for a performance level and a potential level.
    pub fn from_axes(kinerja: TingkatKinerja, potensial: Potensial) -> Self {
        use TingkatKinerja::*;
        Self(match (potensial, kinerja) {
            (Potensial::Tinggi, DiBawah) => 6,
            (Potensial::Tinggi, Sesuai) => 8,
            (Potensial::Tinggi, DiAtas) => 9,
            (Potensial::Menengah, DiBawah) => 3,
            (Potensial::Menengah, Sesuai) => 5,
            (Potensial::Menengah, DiAtas) => 7,
            (Potensial::Rendah, DiBawah) => 1,
            (Potensial::Rendah, Sesuai) => 2,
            (Potensial::Rendah, DiAtas) => 4,
        })
    }

    /// The box derived from the latest rating and the potential level.
    pub fn derive(predikat: Predikat, potensial: Potensial) -> Self {
        Self::from_axes(TingkatKinerja::from_predikat(predikat), potensial)
    }

    /// The number, 1–9.
    pub fn number(self) -> i64 {
        i64::from(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid() {
        assert_eq!(
            KotakTalenta::derive(Predikat::SangatBaik, Potensial::Tinggi).number(),
            9
        );
        assert_eq!(
            KotakTalenta::derive(Predikat::Baik, Potensial::Tinggi).number(),
            8
        );
        assert_eq!(
            KotakTalenta::derive(Predikat::SangatBaik, Potensial::Menengah).number(),
            7
        );
        assert_eq!(
            KotakTalenta::derive(Predikat::Kurang, Potensial::Tinggi).number(),
            6
        );
        assert_eq!(
            KotakTalenta::derive(Predikat::Baik, Potensial::Menengah).number(),
            5
        );
        assert_eq!(
            KotakTalenta::derive(Predikat::SangatBaik, Potensial::Rendah).number(),
            4
        );
        assert_eq!(
            KotakTalenta::derive(Predikat::ButuhPerbaikan, Potensial::Menengah).number(),
            3
        );
        assert_eq!(
            KotakTalenta::derive(Predikat::Baik, Potensial::Rendah).number(),
            2
        );
        assert_eq!(
            KotakTalenta::derive(Predikat::SangatKurang, Potensial::Rendah).number(),
            1
        );
        assert!(KotakTalenta::new(0).is_none() && KotakTalenta::new(10).is_none());
    }
}
