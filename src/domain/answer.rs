//! An approver's answer to a step and its three spellings: the stored code (`setuju`, `tolak`,
//! `kembalikan`, `pilih:OPTION`, in an instance's state, its history and message payloads), the
//! code a signed link carries (`pilih-N`, the option's position, so no option text travels in a
//! link), and the upper-case word people write and read (`SETUJU`, `PILIH`).

use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An answer to a step.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Answer {
    /// Agree.
    Setuju,
    /// Refuse.
    Tolak,
    /// Send back with a reason.
    Kembalikan,
    /// Choose an option.
    Pilih(String),
    /// Abstain for a conflict of interest, with a reason: recorded, and not counted towards a
    /// committee's quorum (documents.md 4).
    Abstain,
}

/// A code that names no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("jawaban '{0}' tidak dikenal")]
pub struct UnknownAnswer(pub String);

impl Answer {
    /// The answers a step without options offers.
    pub const PLAIN: [Self; 3] = [Self::Setuju, Self::Tolak, Self::Kembalikan];

    /// The stored code.
    pub fn code(&self) -> String {
        match self {
            Self::Pilih(o) => format!("pilih:{o}"),
            plain => plain.word().to_lowercase(),
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "setuju" => Some(Self::Setuju),
            "tolak" => Some(Self::Tolak),
            "kembalikan" => Some(Self::Kembalikan),
            "abstain" => Some(Self::Abstain),
            _ => code
                .strip_prefix("pilih:")
                .map(|o| Self::Pilih(o.to_owned())),
        }
    }

    /// The upper-case word people write in a reply and read on a button (`PILIH` for a choice,
    /// which people follow with the option).
    pub fn word(&self) -> &'static str {
        match self {
            Self::Setuju => "SETUJU",
            Self::Tolak => "TOLAK",
            Self::Kembalikan => "KEMBALIKAN",
            Self::Pilih(_) => "PILIH",
            Self::Abstain => "ABSTAIN",
        }
    }

    /// The answer as a page shows it: the word, followed for a choice by the option as
    /// `name` gives it (its title, or a masked identifier).
    pub fn words(&self, name: impl FnOnce(&str) -> String) -> String {
        match self {
            Self::Pilih(o) => format!("{} {}", self.word(), name(o)),
            plain => plain.word().to_owned(),
        }
    }

    /// The position of the chosen option among `opsi` (none for the plain answers, or an option
    /// not on the list).
    pub fn option_index(&self, opsi: &[String]) -> Option<usize> {
        match self {
            Self::Pilih(o) => opsi.iter().position(|x| x == o),
            _ => None,
        }
    }

    /// The code a signed link carries: the stored code, or `pilih-N` for the N-th (0-based)
    /// option of `opsi`; none for an option not on the list.
    pub fn link_code(&self, opsi: &[String]) -> Option<String> {
        match self {
            Self::Pilih(_) => self.option_index(opsi).map(|i| format!("pilih-{i}")),
            plain => Some(plain.code()),
        }
    }

    /// Reads a link's code against the options of the step it was sent for.
    pub fn from_link_code(code: &str, opsi: &[String]) -> Option<Self> {
        match code.strip_prefix("pilih-") {
            Some(i) => {
                let i: usize = i.parse().ok()?;
                opsi.get(i).map(|o| Self::Pilih(o.clone()))
            }
            None => Self::parse(code).filter(|a| !matches!(a, Self::Pilih(_))),
        }
    }
}

impl FromStr for Answer {
    type Err = UnknownAnswer;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| UnknownAnswer(s.to_owned()))
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        let opsi = vec!["A".to_owned(), "B".to_owned()];
        for a in [
            Answer::Setuju,
            Answer::Tolak,
            Answer::Kembalikan,
            Answer::Pilih("B".into()),
        ] {
            assert_eq!(Answer::parse(&a.code()), Some(a.clone()));
            assert_eq!(a.code().parse::<Answer>(), Ok(a.clone()));
            let link = a.link_code(&opsi).unwrap();
            assert_eq!(Answer::from_link_code(&link, &opsi), Some(a.clone()));
        }
        assert_eq!(
            Answer::Pilih("B".into()).link_code(&opsi).unwrap(),
            "pilih-1"
        );
        assert_eq!(Answer::Pilih("Z".into()).link_code(&opsi), None);
        assert_eq!(Answer::from_link_code("pilih-2", &opsi), None);
        assert_eq!(Answer::from_link_code("pilih:A", &opsi), None);
        assert_eq!(Answer::parse("selesai_disetujui"), None);
        assert_eq!(Answer::Kembalikan.word(), "KEMBALIKAN");
        assert_eq!(
            serde_json::to_string(&Answer::Pilih("x".into())).unwrap(),
            "\"pilih:x\""
        );
        assert!(serde_json::from_str::<Answer>("\"entah\"").is_err());
    }
}
