//! People and roles (`directory.yaml`, interfaces.md 2.4): who holds which role, and who stands
//! in for whom (Plt./Plh.) between which dates on what legal basis.

use std::{collections::BTreeMap, path::Path};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics, locate, yaml_error};

/// The roles of domain.md 8.4, plus `ADMIN` (told about failures) and `ASISTEN`.
pub const KNOWN_ROLES: &[&str] = &[
    "OPERATOR_OPD",
    "KEPALA_OPD",
    "VERIFIKATOR_BKPSDM",
    "KABID_BKPSDM",
    "KEPALA_BKPSDM",
    "BPKAD",
    "SEKDA",
    "TPK",
    "PANSEL",
    "PPK",
    "SIASN_OPERATOR",
    "BKN_KANREG",
    "KEMENPANRB",
    "CANDIDATE",
    "ADMIN",
    "ASISTEN",
];

/// One person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    /// Stable id used in the audit trail.
    pub id: String,
    /// Name.
    pub nama: String,
    /// Email address (lower case).
    pub email: String,
    /// Roles held.
    pub peran: Vec<String>,
}

/// An acting official (Plt./Plh.).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Acting {
    /// The role stood in for.
    pub peran: String,
    /// The person standing in.
    pub orang: String,
    /// First day.
    pub mulai: NaiveDate,
    /// Last day.
    pub sampai: NaiveDate,
    /// Legal basis (the decree).
    pub dasar: String,
}

/// Someone entitled to act for a role on a date, and in what capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Person id.
    pub orang: String,
    /// Capacity as written in the audit trail, e.g. `SEKDA` or `Plh. SEKDA (SK Bupati …)`.
    pub kapasitas: String,
}

/// A validated directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Directory {
    orang: BTreeMap<String, Person>,
    pelaksana: Vec<Acting>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDirectory {
    #[serde(default)]
    orang: Vec<RawPerson>,
    #[serde(default)]
    pelaksana: Vec<RawActing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    id: String,
    nama: String,
    email: String,
    #[serde(default)]
    peran: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActing {
    peran: String,
    orang: String,
    mulai: String,
    sampai: String,
    dasar: String,
}

fn is_role(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `s` looks like an email address (one `@`, a dot in the domain, no spaces).
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
}

impl Directory {
    /// Parses and validates the text of `file`.
    pub fn parse(file: &Path, text: &str) -> Result<Self, Diagnostics> {
        let raw: RawDirectory = serde_yaml::from_str(text).map_err(|e| yaml_error(file, &e))?;
        let mut diags = Diagnostics::new();
        let mut orang = BTreeMap::new();
        let mut emails = BTreeMap::new();
        for p in raw.orang {
            let near = |needle: &str, m: String| Diagnostic::near(file, text, needle, None, m);
            let id = p.id.trim().to_owned();
            if id.is_empty() {
                diags.push(Diagnostic::file(file, "orang tanpa id"));
                continue;
            }
            let email = p.email.trim().to_lowercase();
            if !is_email(&email) {
                diags.push(near(
                    &p.email,
                    format!("alamat email '{}' milik {id} tidak sah", p.email),
                ));
            }
            for r in &p.peran {
                if !is_role(r) {
                    diags.push(near(
                        r,
                        format!("peran '{r}' milik {id} harus huruf kapital, angka, dan _"),
                    ));
                }
            }
            if let Some(other) = emails.insert(email.clone(), id.clone()) {
                diags.push(near(
                    &p.email,
                    format!("alamat email {email} dipakai oleh {other} dan {id}"),
                ));
            }
            let person = Person {
                id: id.clone(),
                nama: p.nama.trim().to_owned(),
                email,
                peran: p.peran,
            };
            if orang.insert(id.clone(), person).is_some() {
                let (line, col) = locate(text, &format!("id: {id}"), None).unwrap_or((0, 0));
                diags.push(Diagnostic::at(
                    file,
                    line,
                    col,
                    format!("id orang '{id}' dipakai dua kali"),
                ));
            }
        }
        let mut pelaksana = Vec::new();
        for a in raw.pelaksana {
            let near = |m: String| Diagnostic::near(file, text, &a.orang, Some("pelaksana"), m);
            if !orang.contains_key(&a.orang) {
                diags.push(near(format!(
                    "pelaksana '{}' tidak ada dalam daftar orang",
                    a.orang
                )));
            }
            if !is_role(&a.peran) {
                diags.push(near(format!("peran '{}' tidak sah", a.peran)));
            }
            let date = |s: &str, field: &str| {
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
                    format!(
                        "{field} '{s}' untuk pelaksana {} bukan tanggal YYYY-MM-DD",
                        a.orang
                    )
                })
            };
            let (mulai, sampai) = match (date(&a.mulai, "mulai"), date(&a.sampai, "sampai")) {
                (Ok(m), Ok(s)) => (m, s),
                (Err(e), _) | (_, Err(e)) => {
                    diags.push(near(e));
                    continue;
                }
            };
            if sampai < mulai {
                diags.push(near(format!(
                    "masa pelaksana {} berakhir ({sampai}) sebelum dimulai ({mulai})",
                    a.orang
                )));
            }
            if a.dasar.trim().is_empty() {
                diags.push(near(format!(
                    "pelaksana {} harus mempunyai dasar hukum (dasar)",
                    a.orang
                )));
            }
            pelaksana.push(Acting {
                peran: a.peran,
                orang: a.orang,
                mulai,
                sampai,
                dasar: a.dasar.trim().to_owned(),
            });
        }
        diags.into_result(Self { orang, pelaksana })
    }

    /// Reads and validates `file`.
    pub fn load(file: &Path) -> Result<(Self, String), Diagnostics> {
        let text = std::fs::read_to_string(file).map_err(|e| {
            Diagnostic::file(file, format!("tidak dapat membaca direktori orang: {e}"))
        })?;
        let dir = Self::parse(file, &text)?;
        Ok((dir, text))
    }

    /// A person by id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.orang.get(id)
    }

    /// A person by email address (any case).
    pub fn by_email(&self, email: &str) -> Option<&Person> {
        let email = email.trim().to_lowercase();
        self.orang.values().find(|p| p.email == email)
    }

    /// Every person.
    pub fn people(&self) -> impl Iterator<Item = &Person> {
        self.orang.values()
    }

    /// Whether anyone holds `role`, as holder or acting official.
    pub fn has_role(&self, role: &str) -> bool {
        self.orang
            .values()
            .any(|p| p.peran.iter().any(|r| r == role))
            || self.pelaksana.iter().any(|a| a.peran == role)
    }

    /// Who may act for `role` on `date`: its holders, then acting officials in office that day.
    pub fn holders(&self, role: &str, date: NaiveDate) -> Vec<Holder> {
        let mut out: Vec<Holder> = self
            .orang
            .values()
            .filter(|p| p.peran.iter().any(|r| r == role))
            .map(|p| Holder {
                orang: p.id.clone(),
                kapasitas: role.to_owned(),
            })
            .collect();
        for a in &self.pelaksana {
            if a.peran == role
                && a.mulai <= date
                && date <= a.sampai
                && !out.iter().any(|h| h.orang == a.orang)
            {
                out.push(Holder {
                    orang: a.orang.clone(),
                    kapasitas: format!("Plh. {role} ({})", a.dasar),
                });
            }
        }
        out
    }

    /// The capacity in which `person` may act for `role` on `date`, if any.
    pub fn capacity(&self, person: &str, role: &str, date: NaiveDate) -> Option<String> {
        self.holders(role, date)
            .into_iter()
            .find(|h| h.orang == person)
            .map(|h| h.kapasitas)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "orang:
  - { id: sekda, nama: Sekretaris Daerah, email: Sekda@Contoh.go.id, peran: [SEKDA, TPK] }
  - { id: asisten_1, nama: Asisten I, email: asisten1@contoh.go.id, peran: [ASISTEN] }
pelaksana:
  - peran: SEKDA
    orang: asisten_1
    mulai: 2026-01-05
    sampai: 2026-02-05
    dasar: SK Bupati Nomor 800/12/2026
";

    #[test]
    fn acting_officials_hold_the_role_only_in_their_period() {
        let d = Directory::parse(Path::new("directory.yaml"), SAMPLE).unwrap();
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(d.holders("SEKDA", day("2026-03-01")).len(), 1);
        let during = d.holders("SEKDA", day("2026-01-10"));
        assert_eq!(during.len(), 2);
        assert_eq!(
            during[1].kapasitas,
            "Plh. SEKDA (SK Bupati Nomor 800/12/2026)"
        );
        assert_eq!(d.by_email("sekda@contoh.go.id").unwrap().id, "sekda");
    }

    #[test]
    fn bad_directories_are_refused_with_lines() {
        let bad = SAMPLE
            .replace("asisten1@contoh.go.id", "bukan-email")
            .replace("orang: asisten_1", "orang: siapa");
        let err = Directory::parse(Path::new("d.yaml"), &bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("d.yaml:3:"), "{err}");
        assert!(err.contains("tidak sah"), "{err}");
        assert!(err.contains("'siapa' tidak ada"), "{err}");
        let err = Directory::parse(
            Path::new("d.yaml"),
            "orang:\n  - { id: x, nama: X, email: x@a.id, umur: 3 }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("umur"), "{err}");
    }
}
