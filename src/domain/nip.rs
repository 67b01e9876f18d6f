//! NIP PNS (Nomor Induk Pegawai), domain.md section 5.3: `YYYYMMDD YYYYMM G NNN`.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::JenisKelamin;

/// A well-formed NIP: 18 digits holding a real birth date (no +40 offset), the year and month
/// of appointment as CPNS (at least 18 years after birth), the sex (1 or 2) and a serial
/// 001–999. Spaces in the displayed form are accepted and dropped.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nip([u8; 18]);

/// Why a text is not a NIP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NipError {
    /// Not exactly eighteen digits once spaces are removed.
    #[error("NIP harus 18 digit, tertulis {0} digit")]
    Length(usize),
    /// A character other than digits and spaces.
    #[error("NIP hanya boleh berisi angka (spasi boleh)")]
    NotDigits,
    /// YYYYMMDD is not a real date.
    #[error("tanggal lahir pada NIP ({0}) bukan tanggal yang sah")]
    BirthDate(String),
    /// YYYYMM of the CPNS appointment is not a month, or is less than 18 years after birth.
    #[error("TMT CPNS pada NIP ({0}) tidak mungkin")]
    Tmt(String),
    /// The sex digit is neither 1 nor 2.
    #[error("digit jenis kelamin pada NIP harus 1 atau 2, tertulis {0}")]
    Sex(char),
    /// Serial 000.
    #[error("nomor urut pada NIP tidak boleh 000")]
    Serial,
}

impl Nip {
    /// Parses a NIP, dropping spaces.
    pub fn parse(raw: &str) -> Result<Self, NipError> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NipError::NotDigits);
        }
        let bytes: [u8; 18] = digits
            .as_bytes()
            .try_into()
            .map_err(|_| NipError::Length(digits.len()))?;
        let nip = Self(bytes);
        let birth = nip
            .birth_date_checked()
            .ok_or_else(|| NipError::BirthDate(digits[0..8].to_owned()))?;
        let (tmt_year, tmt_month) = nip.tmt();
        if !(1..=12).contains(&tmt_month) || tmt_year < birth.year() + 18 {
            return Err(NipError::Tmt(digits[8..14].to_owned()));
        }
        match bytes[14] {
            b'1' | b'2' => {}
            other => return Err(NipError::Sex(char::from(other))),
        }
        if nip.num(15, 18) == 0 {
            return Err(NipError::Serial);
        }
        Ok(nip)
    }

    fn num(&self, from: usize, to: usize) -> u32 {
        self.0[from..to]
            .iter()
            .fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
    }

    fn birth_date_checked(&self) -> Option<NaiveDate> {
        let year = i32::try_from(self.num(0, 4)).ok()?;
        NaiveDate::from_ymd_opt(year, self.num(4, 6), self.num(6, 8))
    }

    /// The eighteen digits, without spaces.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The encoded birth date.
    pub fn birth_date(&self) -> NaiveDate {
        // Checked in `parse`; the fallback is unreachable.
        self.birth_date_checked().unwrap_or_default()
    }

    /// Year and month of appointment as CPNS.
    pub fn tmt(&self) -> (i32, u32) {
        (self.num(8, 12) as i32, self.num(12, 14))
    }

    /// The encoded sex.
    pub fn sex(&self) -> JenisKelamin {
        if self.0[14] == b'2' {
            JenisKelamin::P
        } else {
            JenisKelamin::L
        }
    }

    /// The serial number, 1–999.
    pub fn serial(&self) -> u32 {
        self.num(15, 18)
    }

    /// The displayed form `YYYYMMDD YYYYMM G NNN`.
    pub fn spaced(&self) -> String {
        let s = self.as_str();
        format!("{} {} {} {}", &s[0..8], &s[8..14], &s[14..15], &s[15..18])
    }

    /// All but the last four digits hidden, for emails and logs.
    pub fn masked(&self) -> String {
        super::mask_identifier(self.as_str())
    }
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nip({})", self.masked())
    }
}

impl std::str::FromStr for Nip {
    type Err = NipError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Nip {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Nip {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let nip = Nip::parse("200012312024121001").unwrap();
        assert_eq!(
            nip.birth_date(),
            NaiveDate::from_ymd_opt(2000, 12, 31).unwrap()
        );
        assert_eq!(nip.tmt(), (2024, 12));
        assert_eq!(nip.sex(), JenisKelamin::L);
        assert_eq!(nip.serial(), 1);
        assert_eq!(nip.spaced(), "20001231 202412 1 001");
        assert_eq!(nip.masked(), "**************1001");
    }

    #[test]
    fn accepts_spaces_and_women_without_offset() {
        let nip = Nip::parse("19850315 201001 2 004").unwrap();
        assert_eq!(nip.sex(), JenisKelamin::P);
        assert_eq!(
            nip.birth_date(),
            NaiveDate::from_ymd_opt(1985, 3, 15).unwrap()
        );
        // A +40 day would be a NIK habit, not a NIP: day 55 is invalid.
        assert!(matches!(
            Nip::parse("198503552010012004"),
            Err(NipError::BirthDate(_))
        ));
    }

    #[test]
    fn leap_day_birth() {
        assert!(Nip::parse("198802292010011001").is_ok());
        assert!(matches!(
            Nip::parse("198702292010011001"),
            Err(NipError::BirthDate(_))
        ));
    }

    #[test]
    fn rejects_each_kind_of_error() {
        assert_eq!(Nip::parse("1234"), Err(NipError::Length(4)));
        assert_eq!(Nip::parse("19850315201001200x"), Err(NipError::NotDigits));
        assert!(matches!(
            Nip::parse("198513152010012004"),
            Err(NipError::BirthDate(_))
        ));
        assert!(matches!(
            Nip::parse("198503152010132004"),
            Err(NipError::Tmt(_))
        ));
        assert!(matches!(
            Nip::parse("198503152000012004"),
            Err(NipError::Tmt(_))
        ));
        assert_eq!(Nip::parse("198503152010013004"), Err(NipError::Sex('3')));
        assert_eq!(Nip::parse("198503152010012000"), Err(NipError::Serial));
    }
}
