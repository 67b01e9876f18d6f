//! NIK (Nomor Induk Kependudukan), domain.md section 5.1: `PP KK CC DDMMYY SSSS`.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::JenisKelamin;

/// Province codes of the 38 provinces (Kemendagri); the first two digits of every NIK.
const PROVINCES: [u8; 38] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// A well-formed NIK: 16 digits, a known province, and a birth date field that is a real
/// calendar day (women's day field is the day plus 40).
///
/// The two-digit birth year is only resolved against a reference date
/// ([`Nik::birth_date_on`]), because the century depends on when the question is asked.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nik([u8; 16]);

/// Why a text is not a NIK.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    /// Not exactly sixteen characters.
    #[error("NIK harus 16 digit, tertulis {0} karakter")]
    Length(usize),
    /// A character other than 0-9.
    #[error("NIK hanya boleh berisi angka")]
    NotDigits,
    /// The first two digits are not a province code.
    #[error("kode provinsi {0} pada NIK tidak dikenal")]
    Province(String),
    /// The DDMMYY part cannot be a birth date.
    #[error("bagian tanggal lahir NIK ({0}) bukan tanggal yang mungkin")]
    BirthDate(String),
}

impl Nik {
    /// Parses a NIK, ignoring surrounding spaces.
    pub fn parse(raw: &str) -> Result<Self, NikError> {
        let s = raw.trim();
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NikError::NotDigits);
        }
        let bytes: [u8; 16] = s
            .as_bytes()
            .try_into()
            .map_err(|_| NikError::Length(s.chars().count()))?;
        let nik = Self(bytes);
        let province = nik.num(0, 2) as u8;
        if !PROVINCES.contains(&province) {
            return Err(NikError::Province(s[0..2].to_owned()));
        }
        let (day, month, yy) = nik.birth_fields();
        if !plausible_day(day, month, yy) {
            return Err(NikError::BirthDate(s[6..12].to_owned()));
        }
        Ok(nik)
    }

    fn num(&self, from: usize, to: usize) -> u32 {
        self.0[from..to]
            .iter()
            .fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
    }

    /// The sixteen digits.
    pub fn as_str(&self) -> &str {
        // The bytes are ASCII digits by construction.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The NIK as a number (16 digits always fit), for compact sets and sorting.
    pub fn as_u64(&self) -> u64 {
        self.0
            .iter()
            .fold(0, |acc, b| acc * 10 + u64::from(b - b'0'))
    }

    /// Kabupaten/kota code: the first four digits (e.g. `1609`, OKU Timur).
    pub fn regency_code(&self) -> &str {
        &self.as_str()[0..4]
    }

    /// (day, month, two-digit year) as encoded, with the women's +40 removed.
    fn birth_fields(&self) -> (u32, u32, u32) {
        let dd = self.num(6, 8);
        let day = if dd > 40 { dd - 40 } else { dd };
        (day, self.num(8, 10), self.num(10, 12))
    }

    /// The sex encoded in the day field (day > 40 means female).
    pub fn sex(&self) -> JenisKelamin {
        if self.num(6, 8) > 40 {
            JenisKelamin::P
        } else {
            JenisKelamin::L
        }
    }

    /// The encoded birth date, with the century chosen so that the person is between 0 and 99
    /// years old on `reference`. `None` when that date does not exist (29 February of a
    /// non-leap century year).
    pub fn birth_date_on(&self, reference: NaiveDate) -> Option<NaiveDate> {
        let (day, month, yy) = self.birth_fields();
        let yy = i32::try_from(yy).ok()?;
        // The latest year ending in `yy` that is not after the reference year...
        let mut year = reference.year().div_euclid(100) * 100 + yy;
        if year > reference.year() {
            year -= 100;
        }
        // ...unless that puts the birth after the reference date (or on a day that does not
        // exist), in which case the person is a century older.
        match NaiveDate::from_ymd_opt(year, month, day) {
            Some(date) if date <= reference => Some(date),
            _ => NaiveDate::from_ymd_opt(year - 100, month, day),
        }
    }

    /// The NIK with all but the last four digits hidden, for emails and logs (UU 27/2022).
    pub fn masked(&self) -> String {
        super::mask_identifier(self.as_str())
    }
}

/// Whether day/month can be a birth date in a year ending in `yy` (19yy or 20yy).
fn plausible_day(day: u32, month: u32, yy: u32) -> bool {
    if !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let max = match month {
        2 if yy.is_multiple_of(4) => 29, // 2000 is a leap year, so yy = 00 qualifies too
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= max
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Nik {
    // Debug output ends up in logs: keep personal data masked there too.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

impl std::str::FromStr for Nik {
    type Err = NikError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Nik {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Nik {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parses_a_man() {
        let nik = Nik::parse("1609022304870001").unwrap();
        assert_eq!(nik.sex(), JenisKelamin::L);
        assert_eq!(nik.regency_code(), "1609");
        assert_eq!(nik.birth_date_on(date(2025, 8, 8)), Some(date(1987, 4, 23)));
        assert_eq!(nik.masked(), "************0001");
    }

    #[test]
    fn women_carry_plus_forty() {
        let nik = Nik::parse("1609025506920002").unwrap();
        assert_eq!(nik.sex(), JenisKelamin::P);
        assert_eq!(nik.birth_date_on(date(2025, 8, 8)), Some(date(1992, 6, 15)));
        // Day field 41 is the first of the month for a woman.
        let first = Nik::parse("1609024101900001").unwrap();
        assert_eq!(first.sex(), JenisKelamin::P);
        assert_eq!(
            first.birth_date_on(date(2025, 8, 8)),
            Some(date(1990, 1, 1))
        );
        // 71 is the 31st; 72 is nothing.
        assert!(Nik::parse("1609027101900001").is_ok());
        assert!(matches!(
            Nik::parse("1609027201900001"),
            Err(NikError::BirthDate(_))
        ));
    }

    #[test]
    fn century_is_resolved_against_the_reference_date() {
        let nik = Nik::parse("1609020101050001").unwrap();
        assert_eq!(nik.birth_date_on(date(2025, 8, 8)), Some(date(2005, 1, 1)));
        let old = Nik::parse("1609020101300001").unwrap();
        assert_eq!(old.birth_date_on(date(2025, 8, 8)), Some(date(1930, 1, 1)));
        // Born later this year than the reference would be a negative age: previous century.
        let late = Nik::parse("1609021212250001").unwrap();
        assert_eq!(
            late.birth_date_on(date(2025, 8, 8)),
            Some(date(1925, 12, 12))
        );
        let same_day = Nik::parse("1609020808250001").unwrap();
        assert_eq!(
            same_day.birth_date_on(date(2025, 8, 8)),
            Some(date(2025, 8, 8))
        );
    }

    #[test]
    fn leap_day_births() {
        let nik = Nik::parse("1609022902880001").unwrap();
        assert_eq!(nik.birth_date_on(date(2025, 8, 8)), Some(date(1988, 2, 29)));
        let woman = Nik::parse("1609026902000003").unwrap();
        assert_eq!(
            woman.birth_date_on(date(2025, 8, 8)),
            Some(date(2000, 2, 29))
        );
        assert!(matches!(
            Nik::parse("1609022902870001"),
            Err(NikError::BirthDate(_))
        ));
        // In 2100 the latest "00" year is 2100, which has no 29 February: a century earlier.
        assert_eq!(
            woman.birth_date_on(date(2100, 1, 1)),
            Some(date(2000, 2, 29))
        );
        // Neither 1900 nor 1800 has one.
        assert_eq!(woman.birth_date_on(date(1999, 6, 1)), None);
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(Nik::parse("12345"), Err(NikError::Length(5)));
        assert_eq!(Nik::parse("16090223048700011"), Err(NikError::Length(17)));
        assert_eq!(Nik::parse("16090223048700a1"), Err(NikError::NotDigits));
        assert_eq!(Nik::parse("1609 0223 0487 0001"), Err(NikError::NotDigits));
        assert!(matches!(
            Nik::parse("0009022304870001"),
            Err(NikError::Province(_))
        ));
        assert!(matches!(
            Nik::parse("2009022304870001"),
            Err(NikError::Province(_))
        ));
        assert!(matches!(
            Nik::parse("1609020013870001"),
            Err(NikError::BirthDate(_))
        ));
        assert!(matches!(
            Nik::parse("1609023204870001"),
            Err(NikError::BirthDate(_))
        ));
        assert!(matches!(
            Nik::parse("1609023104870001"),
            Err(NikError::BirthDate(_))
        ));
        assert!(matches!(
            Nik::parse("1609020004870001"),
            Err(NikError::BirthDate(_))
        ));
        assert!(Nik::parse(" 1609022304870001 ").is_ok());
    }

    #[test]
    fn debug_output_is_masked() {
        let nik = Nik::parse("1609022304870001").unwrap();
        assert_eq!(format!("{nik:?}"), "Nik(************0001)");
    }
}
