//! People and roles (`directory.yaml`, interfaces.md 2.4): who holds which role, and who stands
//! in for whom (Plt./Plh.) between which dates on what legal basis.

use std::{collections::BTreeMap, path::Path};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::{
    diagnostic::{Diagnostic, Diagnostics, locate, yaml_error},
    domain::{Content, Queued, Recipient},
};

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

/// The title of a standard role, as officials read it (`SEKDA` → `Sekretaris Daerah`).
pub fn role_title(code: &str) -> Option<&'static str> {
    Some(match code {
        "OPERATOR_OPD" => "Operator Perangkat Daerah",
        "KEPALA_OPD" => "Kepala Perangkat Daerah",
        "VERIFIKATOR_BKPSDM" => "Verifikator BKPSDM",
        "KABID_BKPSDM" => "Kepala Bidang BKPSDM",
        "KEPALA_BKPSDM" => "Kepala BKPSDM",
        "BPKAD" => "Kepala BPKAD",
        "SEKDA" => "Sekretaris Daerah",
        "TPK" => "Anggota Tim Penilai Kinerja PNS",
        "PANSEL" => "Panitia Seleksi",
        "PPK" => "Pejabat Pembina Kepegawaian",
        "SIASN_OPERATOR" => "Operator SIASN",
        "BKN_KANREG" => "Kantor Regional BKN",
        "KEMENPANRB" => "Kementerian PANRB",
        "CANDIDATE" => "Calon",
        "ADMIN" => "Administrator merit",
        "ASISTEN" => "Asisten Sekretaris Daerah",
        _ => return None,
    })
}

/// Role `code` as people read it: its title (`KEPALA_BKPSDM` → `Kepala BKPSDM`), or for a role
/// merit does not know the code in sentence case (`INSPEKTUR` → `Inspektur`).
pub fn role_name(code: &str) -> String {
    if let Some(t) = role_title(code) {
        return t.to_owned();
    }
    let words: Vec<String> = code
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            // An acronym of the agency's world stays in capitals.
            if w.len() <= 5 && w.chars().all(|c| c.is_ascii_uppercase()) && w != "KEPALA" {
                w.to_owned()
            } else {
                w.to_lowercase()
            }
        })
        .collect();
    let mut text = words.join(" ");
    if let Some(first) = text.get(..1) {
        let upper = first.to_uppercase();
        text.replace_range(..1, &upper);
    }
    text
}

/// Whether capacity `kapasitas` (`BPKAD`, `Plh. SEKDA (SK …)`, `TPK`) names role `role` as a
/// whole word.
pub fn names_role(kapasitas: &str, role: &str) -> bool {
    kapasitas
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| w == role)
}

/// `text` with every standard role code written as its title (a capacity such as
/// `Plh. SEKDA (SK …)` becomes `Plh. Sekretaris Daerah (SK …)`).
pub fn titled(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match role_title(word) {
            Some(t) => out.push_str(t),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_uppercase() || c == '_' || (c.is_ascii_digit() && !word.is_empty()) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// One person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    /// Stable id used in the audit trail.
    pub id: String,
    pub nama: String,
    /// Email address (lower case).
    pub email: String,
    /// Roles held.
    pub peran: Vec<String>,
    /// Who receives a step this person may not take as an acting official (a person id).
    pub atasan: Option<String>,
    /// NIP, for the signature blocks of documents (a Bupati has none).
    pub nip: Option<crate::domain::Nip>,
    /// Pangkat/golongan as signed, e.g. `Pembina Utama Muda (IV/c)`.
    pub pangkat: Option<String>,
}

/// The two kinds of acting official (Perka BKN 1/2021; UU 30/2014 Pasal 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ActingKind {
    /// Pelaksana Tugas: the post is vacant.
    #[serde(rename = "Plt.")]
    Plt,
    /// Pelaksana Harian: the holder is temporarily away.
    #[serde(rename = "Plh.")]
    Plh,
}

impl ActingKind {
    /// `Plt.` or `Plh.`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Plt => "Plt.",
            Self::Plh => "Plh.",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s.trim().trim_end_matches('.').to_ascii_lowercase().as_str() {
            "plt" => Some(Self::Plt),
            "plh" => Some(Self::Plh),
            _ => None,
        }
    }

    /// For files written before `jenis` existed: what the decree names, else Plh.
    fn from_basis(dasar: &str) -> Self {
        let lower = dasar.to_lowercase();
        if lower.contains("plt.") || lower.contains("plt ") || lower.contains("pelaksana tugas") {
            Self::Plt
        } else {
            Self::Plh
        }
    }
}

/// An acting official (Plt./Plh.).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Acting {
    /// The role stood in for.
    pub peran: String,
    /// The person standing in.
    pub orang: String,
    /// Plt. or Plh.
    pub jenis: ActingKind,
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
    pub orang: String,
    /// Capacity as written in the audit trail, e.g. `SEKDA` or `Plh. SEKDA (SK Bupati …)`.
    pub kapasitas: String,
    /// Whether, and how, the person acts for the holder rather than holding the role.
    pub pelaksana: Option<ActingKind>,
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
    #[serde(default)]
    atasan: Option<String>,
    #[serde(default)]
    nip: Option<String>,
    #[serde(default)]
    pangkat: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActing {
    peran: String,
    orang: String,
    #[serde(default)]
    jenis: Option<String>,
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
            let nip = match p.nip.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                Some(n) => match crate::domain::Nip::parse(n) {
                    Ok(nip) => Some(nip),
                    Err(e) => {
                        diags.push(near(n, format!("NIP milik {id} tidak sah: {e}")));
                        None
                    }
                },
                None => None,
            };
            let person = Person {
                id: id.clone(),
                nama: p.nama.trim().to_owned(),
                email,
                peran: p.peran,
                atasan: p
                    .atasan
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty()),
                nip,
                pangkat: p
                    .pangkat
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty()),
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
            let jenis = match a.jenis.as_deref() {
                None => ActingKind::from_basis(&a.dasar),
                Some(j) => match ActingKind::parse(j) {
                    Some(k) => k,
                    None => {
                        diags.push(near(format!(
                            "jenis '{j}' untuk pelaksana {} tidak dikenal: tulis Plt. atau Plh.",
                            a.orang
                        )));
                        continue;
                    }
                },
            };
            pelaksana.push(Acting {
                peran: a.peran,
                orang: a.orang,
                jenis,
                mulai,
                sampai,
                dasar: a.dasar.trim().to_owned(),
            });
        }
        for p in orang.values() {
            if let Some(a) = &p.atasan
                && (!orang.contains_key(a) || *a == p.id)
            {
                diags.push(Diagnostic::near(
                    file,
                    text,
                    &format!("atasan: {a}"),
                    None,
                    format!("atasan '{a}' milik {} tidak ada dalam daftar orang", p.id),
                ));
            }
        }
        diags.into_result(Self { orang, pelaksana })
    }

    /// Reads file `file` of `src` and validates it.
    pub fn load(
        src: &dyn crate::sources::Source,
        file: &Path,
    ) -> Result<(Self, String), Diagnostics> {
        let text = src
            .read(file)
            .map_err(|e| Diagnostic::file(file, format!("direktori orang {}", e.message)))?;
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

    /// Every acting official (Plt./Plh.), as the file lists them.
    pub fn acting(&self) -> &[Acting] {
        &self.pelaksana
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

    /// One copy of `content` for each person holding `ADMIN` on `date`, keyed `{key}/{person}`:
    /// how the planner, the outbox worker and the scheduler tell administrators of a problem.
    pub fn to_admins(&self, date: NaiveDate, key: &str, content: &Content) -> Vec<Queued> {
        self.holders("ADMIN", date)
            .into_iter()
            .filter_map(|h| self.person(&h.orang))
            .map(|p| Queued {
                kunci: format!("{key}/{}", p.id),
                recipient: Recipient::email(Some(&p.id), Some(&p.nama), &p.email),
                content: content.clone(),
            })
            .collect()
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
                pelaksana: None,
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
                    kapasitas: format!("{} {role} ({})", a.jenis.label(), a.dasar),
                    pelaksana: Some(a.jenis),
                });
            }
        }
        out
    }

    /// [`Directory::holders`], or [`Directory::holders_without_acting`] when acting officials
    /// may not answer.
    pub fn holders_for(&self, role: &str, date: NaiveDate, acting_allowed: bool) -> Vec<Holder> {
        if acting_allowed {
            self.holders(role, date)
        } else {
            self.holders_without_acting(role, date)
        }
    }

    /// Who may answer for `role` on `date` when acting officials may not
    /// (`pelaksana_boleh: tidak`): the definitive holders; where there are none (the post is
    /// vacant), the superior (`atasan`) of each acting official in office.
    pub fn holders_without_acting(&self, role: &str, date: NaiveDate) -> Vec<Holder> {
        let all = self.holders(role, date);
        let definitive: Vec<Holder> = all
            .iter()
            .filter(|h| h.pelaksana.is_none())
            .cloned()
            .collect();
        if !definitive.is_empty() {
            return definitive;
        }
        let mut out: Vec<Holder> = Vec::new();
        for h in all {
            let Some(sup) = self.person(&h.orang).and_then(|p| p.atasan.clone()) else {
                continue;
            };
            if !out.iter().any(|o| o.orang == sup) {
                out.push(Holder {
                    orang: sup,
                    kapasitas: format!("atasan langsung; {role} tidak dapat dijabat pelaksana"),
                    pelaksana: None,
                });
            }
        }
        out
    }

    /// Whether `person` acts (Plt./Plh.) on `date` for a role that `holder` holds.
    pub fn acts_for(&self, person: &str, holder: &str, date: NaiveDate) -> bool {
        self.person(holder).is_some_and(|h| {
            h.peran.iter().any(|role| {
                self.holders(role, date)
                    .iter()
                    .any(|x| x.orang == person && x.pelaksana.is_some())
            })
        })
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
    fn capacities_name_roles_as_whole_words() {
        assert!(names_role("BPKAD", "BPKAD"));
        assert!(names_role("Plh. SEKDA (SK Bupati 800/12/2026)", "SEKDA"));
        assert!(!names_role("KEPALA_BKPSDM", "PPK"));
        assert!(names_role("PPK", "PPK"));
        assert!(!names_role("ditunjuk langsung", "TPK"));
    }

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
        assert_eq!(during[1].pelaksana, Some(ActingKind::Plh));
        assert_eq!(d.by_email("sekda@contoh.go.id").unwrap().id, "sekda");
    }

    #[test]
    fn roles_read_as_titles() {
        assert_eq!(
            titled("Plh. SEKDA (SK Bupati Nomor 800/12/2026)"),
            "Plh. Sekretaris Daerah (SK Bupati Nomor 800/12/2026)"
        );
        assert_eq!(titled("eskalasi: KEPALA_BKPSDM"), "eskalasi: Kepala BKPSDM");
        assert_eq!(
            titled("PERAN_LAIN dan PPK"),
            "PERAN_LAIN dan Pejabat Pembina Kepegawaian"
        );
    }

    #[test]
    fn acting_kind_is_data_and_vacant_posts_go_to_the_superior() {
        let text = "orang:
  - { id: bupati, nama: Bupati, email: bupati@contoh.go.id, peran: [PPK] }
  - { id: wabup, nama: Wakil Bupati, email: wabup@contoh.go.id, atasan: gubernur }
  - { id: gubernur, nama: Gubernur, email: gub@contoh.go.id }
  - { id: asisten_1, nama: Asisten I, email: asisten1@contoh.go.id, atasan: bupati }
pelaksana:
  - { peran: PPK, orang: wabup, jenis: Plt., mulai: 2026-01-01, sampai: 2026-12-31, dasar: Keputusan Mendagri }
  - { peran: SEKDA, orang: asisten_1, mulai: 2026-01-01, sampai: 2026-12-31, dasar: SK Bupati tentang Plt. Sekretaris Daerah }
";
        let d = Directory::parse(Path::new("d.yaml"), text).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        // The label comes from data, not the text of the decree...
        assert_eq!(d.holders("PPK", day)[1].pelaksana, Some(ActingKind::Plt));
        // ...except for files without `jenis`, where the decree names it.
        assert_eq!(d.holders("SEKDA", day)[0].pelaksana, Some(ActingKind::Plt));
        // The PPK is in office: only the PPK answers a step acting officials may not take.
        let only = d.holders_without_acting("PPK", day);
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].orang, "bupati");
        // The Sekda post is vacant: the acting official's superior answers.
        let sup = d.holders_without_acting("SEKDA", day);
        assert_eq!(sup.len(), 1);
        assert_eq!(sup[0].orang, "bupati");
        let bad = text.replace("jenis: Plt.", "jenis: Pj.");
        assert!(Directory::parse(Path::new("d.yaml"), &bad).is_err());
        let bad = text.replace("atasan: gubernur", "atasan: presiden");
        let e = Directory::parse(Path::new("d.yaml"), &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("presiden"), "{e}");
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
