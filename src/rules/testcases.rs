//! A ruleset's test cases (interfaces.md 4.4): `tests/*.yaml`, each a list of cases, or a map
//! with shared `dasar` data and a `kasus` list. Subjects are parsed exactly as imports parse
//! them, so a test case cannot hold data an import would refuse.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    sync::Arc,
};

use serde::Deserialize;

use super::{
    program::ParamValue,
    ruleset::{SubjectKind, param_value},
};
use crate::sources::{EntryKind, Source};
use crate::{
    diagnostic::{Diagnostic, Diagnostics, yaml_error},
    domain::{AlasanLowongan, Candidate, Employee, Hasil, Jenjang, Vacancy, parse_date},
    ingest::{CandidateSchema, EmployeeSchema, parse_pairs},
};

/// Who a test case evaluates.
#[derive(Debug, Clone)]
pub enum TestSubject {
    /// A candidate.
    Calon(Arc<Candidate>),
    /// An employee against a vacancy.
    Pegawai(Arc<Employee>, Arc<Vacancy>),
}

/// One test case.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub nama: String,
    /// File and line it came from.
    pub file: PathBuf,
    /// Line of its `nama`.
    pub line: usize,
    pub subject: TestSubject,
    /// Expected outcome.
    pub harapan: Hasil,
    /// When given: exactly these rules fail.
    pub gagal: Option<BTreeSet<String>>,
    /// When given: exactly these rules ask for review.
    pub tinjau: Option<BTreeSet<String>>,
    /// Parameters this case sets instead of the manifest's (file `dasar.param`, then the
    /// case's own `param`), so a case pins what it depends on, e.g. `tanggal_acuan`.
    pub(crate) param: BTreeMap<String, ParamValue>,
}

type Fields = BTreeMap<String, serde_yaml::Value>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawBase {
    #[serde(default)]
    param: Fields,
    #[serde(default)]
    calon: Fields,
    #[serde(default)]
    pegawai: Fields,
    #[serde(default)]
    lowongan: Fields,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    nama: String,
    #[serde(default)]
    param: Fields,
    #[serde(default)]
    calon: Fields,
    #[serde(default)]
    pegawai: Fields,
    #[serde(default)]
    lowongan: Fields,
    harapan: String,
    #[serde(default)]
    gagal: Option<Vec<String>>,
    #[serde(default)]
    tinjau: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    dasar: RawBase,
    kasus: Vec<RawCase>,
}

fn scalar(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Null => String::new(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

fn merged(base: &Fields, over: &Fields) -> Vec<(String, String)> {
    let mut all = base.clone();
    all.extend(over.iter().map(|(k, v)| (k.clone(), v.clone())));
    all.iter().map(|(k, v)| (k.clone(), scalar(v))).collect()
}

fn vacancy(pairs: &[(String, String)]) -> Result<Vacancy, String> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    for (k, _) in pairs {
        if !["jenjang", "unit_kerja", "jabatan", "tanggal", "alasan"].contains(&k.as_str()) {
            return Err(format!("lowongan: kolom '{k}' tidak dikenal"));
        }
    }
    Ok(Vacancy {
        jenjang: Jenjang::parse(get("jenjang").ok_or("lowongan: jenjang wajib diisi")?)
            .map_err(|e| format!("lowongan.jenjang: {e}"))?,
        unit_kerja: get("unit_kerja").unwrap_or_default().to_owned(),
        jabatan: get("jabatan").unwrap_or_default().to_owned(),
        tanggal: get("tanggal")
            .and_then(parse_date)
            .ok_or("lowongan: tanggal wajib diisi dengan tanggal yang sah")?,
        alasan: match get("alasan") {
            Some(a) => AlasanLowongan::parse(a).map_err(|e| format!("lowongan.alasan: {e}"))?,
            None => AlasanLowongan::Lainnya,
        },
    })
}

fn field_message(subject: &str, e: &crate::ingest::FieldError) -> String {
    if e.column.is_empty() {
        format!("{subject}: {}", e.message)
    } else {
        format!("{subject}.{}: {}", e.column, e.message)
    }
}

/// Loads every `tests/*.yaml` of a ruleset; problems go to `diags`.
pub(crate) fn load_dir(
    src: &dyn Source,
    dir: &Path,
    subjek: SubjectKind,
    rule_ids: &BTreeSet<String>,
    params: &BTreeMap<String, ParamValue>,
    diags: &mut Diagnostics,
) -> Vec<TestCase> {
    let tests = dir.join("tests");
    let files: Vec<PathBuf> = src
        .entries(&tests)
        .map(|entries| {
            entries
                .into_iter()
                .filter(|(n, k)| {
                    *k == EntryKind::File && (n.ends_with(".yaml") || n.ends_with(".yml"))
                })
                .map(|(n, _)| tests.join(n))
                .collect()
        })
        .unwrap_or_default();
    let mut cases = Vec::new();
    for file in files {
        match load_file(src, &file, subjek, rule_ids, params) {
            Ok(mut c) => cases.append(&mut c),
            Err(d) => diags.0.extend(d.0),
        }
    }
    cases
}

fn load_file(
    src: &dyn Source,
    file: &Path,
    subjek: SubjectKind,
    rule_ids: &BTreeSet<String>,
    params: &BTreeMap<String, ParamValue>,
) -> Result<Vec<TestCase>, Diagnostics> {
    let text = src
        .read(file)
        .map_err(|e| Diagnostics::from(Diagnostic::file(file, e.message)))?;
    let value: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|e| yaml_error(file, &e))?;
    let (base, raw) = if value.is_sequence() {
        (
            RawBase::default(),
            serde_yaml::from_str::<Vec<RawCase>>(&text).map_err(|e| yaml_error(file, &e))?,
        )
    } else {
        let f: RawFile = serde_yaml::from_str(&text).map_err(|e| yaml_error(file, &e))?;
        (f.dasar, f.kasus)
    };
    let mut diags = Diagnostics::new();
    let mut cases = Vec::new();
    let mut names = BTreeSet::new();
    for c in raw {
        let (line, _) = crate::diagnostic::locate(&text, &c.nama, None).unwrap_or((0, 0));
        let at = |m: String| Diagnostic::at(file, line, 0, format!("kasus '{}': {m}", c.nama));
        if !names.insert(c.nama.clone()) {
            diags.push(at("nama kasus dipakai lebih dari sekali".into()));
        }
        let harapan = match Hasil::parse(&c.harapan) {
            Ok(h) => h,
            Err(e) => {
                diags.push(at(format!("harapan: {e}")));
                continue;
            }
        };
        for id in c.gagal.iter().chain(c.tinjau.iter()).flatten() {
            if !rule_ids.contains(id) {
                diags.push(at(format!("aturan '{id}' tidak ada di ruleset ini")));
            }
        }
        let mut param = BTreeMap::new();
        for (name, value) in base.param.iter().chain(c.param.iter()) {
            if !params.contains_key(name) {
                diags.push(at(format!(
                    "param '{name}' tidak ada di ruleset.yaml; kasus uji hanya dapat mengganti param yang ada"
                )));
                continue;
            }
            match param_value(value) {
                Ok(v) => {
                    param.insert(name.clone(), v);
                }
                Err(m) => diags.push(at(format!("param '{name}': {m}"))),
            }
        }
        let subject = match subjek {
            SubjectKind::Calon => {
                if !c.pegawai.is_empty() || !c.lowongan.is_empty() {
                    diags.push(at(
                        "ruleset ini menyaring calon: tulis data pada 'calon'".into()
                    ));
                    continue;
                }
                match parse_pairs::<CandidateSchema>(&merged(&base.calon, &c.calon)) {
                    Ok(cand) => TestSubject::Calon(Arc::new(cand)),
                    Err(errors) => {
                        for e in errors {
                            diags.push(at(field_message("calon", &e)));
                        }
                        continue;
                    }
                }
            }
            SubjectKind::Pegawai => {
                if !c.calon.is_empty() {
                    diags.push(at(
                        "ruleset ini menyaring pegawai: tulis data pada 'pegawai' dan 'lowongan'"
                            .into(),
                    ));
                    continue;
                }
                let employee = parse_pairs::<EmployeeSchema>(&merged(&base.pegawai, &c.pegawai));
                let vacancy = vacancy(&merged(&base.lowongan, &c.lowongan));
                match (employee, vacancy) {
                    (Ok(e), Ok(v)) => TestSubject::Pegawai(Arc::new(e), Arc::new(v)),
                    (e, v) => {
                        for err in e.err().into_iter().flatten() {
                            diags.push(at(field_message("pegawai", &err)));
                        }
                        if let Err(m) = v {
                            diags.push(at(m));
                        }
                        continue;
                    }
                }
            }
        };
        cases.push(TestCase {
            nama: c.nama,
            file: file.to_path_buf(),
            line,
            subject,
            harapan,
            gagal: c.gagal.map(|g| g.into_iter().collect()),
            tinjau: c.tinjau.map(|t| t.into_iter().collect()),
            param,
        });
    }
    diags.into_result(cases)
}
