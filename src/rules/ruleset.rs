//! Loading one ruleset folder (interfaces.md 4.1): the manifest, its scripts, `lib/` modules and
//! test cases, validated as a whole. Every problem is reported as `file:line:col: pesan`.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{
    program::{Compiled, ParamValue, ProgramSource},
    subject::{CALON_FIELDS, LOWONGAN_FIELDS, PEGAWAI_FIELDS},
    testcases::{self, TestCase},
};
use crate::{
    config::ScriptLimits,
    diagnostic::{Diagnostic, Diagnostics, yaml_error},
    sources::{EntryKind, Memory, Source},
};

/// Whom a ruleset screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SubjectKind {
    /// Candidates (`calon`).
    Calon,
    /// Employees against a vacancy (`pegawai` and `lowongan`).
    Pegawai,
}

impl SubjectKind {
    /// The manifest code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Calon => "calon",
            Self::Pegawai => "pegawai",
        }
    }

    /// The variables scripts see, with their fields.
    pub(crate) fn variables(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            Self::Calon => &[("calon", CALON_FIELDS)],
            Self::Pegawai => &[("pegawai", PEGAWAI_FIELDS), ("lowongan", LOWONGAN_FIELDS)],
        }
    }
}

/// One rule, compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Rule id, e.g. `PW-01`.
    pub id: String,
    pub judul: String,
    pub dasar_hukum: String,
    /// Message when the script returns `false`.
    pub pesan: String,
    /// Script file name, relative to the ruleset folder.
    pub skrip: String,
}

/// A validated, compiled ruleset: immutable, shared between threads.
pub struct Ruleset {
    /// Ruleset id (the folder name).
    pub id: String,
    pub judul: String,
    /// Free description for administrators.
    pub keterangan: Option<String>,
    /// Subject kind.
    pub subjek: SubjectKind,
    /// Content hash of the manifest, scripts and modules.
    pub version: String,
    /// Rules, in evaluation order.
    pub rules: Vec<Rule>,
    /// The folder it was loaded from.
    pub dir: PathBuf,
    /// Its test cases.
    pub tests: Vec<TestCase>,
    /// Source files by path relative to the folder (manifest, scripts, modules): what the
    /// version hash covers, stored with runs so that a decision can be reproduced.
    pub sources: BTreeMap<String, String>,
    /// Whether a `prioritas` script ranks subjects.
    pub has_priority: bool,
    pub(crate) reference_date: Option<chrono::NaiveDate>,
    pub(crate) limits: ScriptLimits,
    pub(crate) program: ProgramSource,
    /// The compiled copy used by the loading thread (tests, explain).
    pub(crate) main: Compiled,
}

impl std::fmt::Debug for Ruleset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ruleset")
            .field("id", &self.id)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    id: String,
    judul: String,
    subjek: String,
    #[serde(default)]
    keterangan: Option<String>,
    #[serde(default)]
    param: BTreeMap<String, serde_yaml::Value>,
    aturan: Vec<RawRule>,
    #[serde(default)]
    prioritas: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    judul: String,
    dasar_hukum: String,
    skrip: String,
    pesan: String,
}

const MANIFEST: &str = "ruleset.yaml";

/// Most rules a ruleset may hold (rules/README.md): every decision keeps one result per rule.
pub const MAX_RULES: usize = 500;

/// Converts a manifest parameter (`YYYY-MM-DD` strings become dates).
pub(crate) fn param_value(v: &serde_yaml::Value) -> Result<ParamValue, String> {
    use serde_yaml::Value as V;
    Ok(match v {
        V::Null => ParamValue::Unit,
        V::Bool(b) => ParamValue::Bool(*b),
        V::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => ParamValue::Int(i),
            (None, Some(f)) => ParamValue::Float(f),
            _ => return Err(format!("angka {n} di luar jangkauan")),
        },
        V::String(s) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if s.len() == 10 => ParamValue::Date(d),
            _ => ParamValue::Text(s.clone()),
        },
        V::Sequence(items) => {
            ParamValue::List(items.iter().map(param_value).collect::<Result<_, _>>()?)
        }
        V::Mapping(m) => {
            let mut map = BTreeMap::new();
            for (k, v) in m {
                let key = k
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| k.as_i64().map(|i| i.to_string()));
                let key = key.ok_or_else(|| "kunci peta harus berupa teks".to_owned())?;
                map.insert(key, param_value(v)?);
            }
            ParamValue::Map(map)
        }
        V::Tagged(t) => param_value(&t.value)?,
    })
}

/// A manifest's text, to point diagnostics at the line that holds a value.
struct ManifestText<'a> {
    path: &'a Path,
    text: &'a str,
}

impl ManifestText<'_> {
    /// A problem at the first `needle` (after the first line holding `after`).
    fn at(&self, needle: &str, after: Option<&str>, m: impl Into<String>) -> Diagnostic {
        Diagnostic::near(self.path, self.text, needle, after, m)
    }
}

/// The manifest's id, title and subject kind.
fn check_header(
    raw: &RawManifest,
    dir: &Path,
    m: &ManifestText<'_>,
    diags: &mut Diagnostics,
) -> SubjectKind {
    let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if raw.id != folder {
        diags.push(m.at(
            "id:",
            None,
            format!("id '{}' harus sama dengan nama folder '{folder}'", raw.id),
        ));
    }
    if raw.judul.trim().is_empty() {
        diags.push(m.at("judul:", None, "judul tidak boleh kosong"));
    }
    match raw.subjek.as_str() {
        "calon" => SubjectKind::Calon,
        "pegawai" => SubjectKind::Pegawai,
        other => {
            diags.push(m.at(
                "subjek:",
                None,
                format!("subjek '{other}' tidak dikenal (calon atau pegawai)"),
            ));
            SubjectKind::Calon
        }
    }
}

/// The manifest's parameters, typed.
fn read_params(
    raw: &RawManifest,
    m: &ManifestText<'_>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, ParamValue> {
    let mut params = BTreeMap::new();
    for (name, value) in &raw.param {
        if !crate::domain::is_identifier(name) {
            diags.push(m.at(
                name,
                Some("param:"),
                format!("nama param '{name}' harus huruf kecil, angka dan '_'"),
            ));
            continue;
        }
        match param_value(value) {
            Ok(v) => {
                params.insert(name.clone(), v);
            }
            Err(e) => diags.push(m.at(name, Some("param:"), format!("param '{name}': {e}"))),
        }
    }
    params
}

/// The rules' ids (each once, not blank) and their titles, legal bases and messages; returns
/// the ids and the scripts the manifest names.
fn check_rules(
    raw: &RawManifest,
    m: &ManifestText<'_>,
    diags: &mut Diagnostics,
) -> (BTreeSet<String>, BTreeSet<String>) {
    if raw.aturan.is_empty() {
        diags.push(m.at(
            "aturan:",
            None,
            "ruleset harus berisi paling sedikit satu aturan",
        ));
    }
    if raw.aturan.len() > MAX_RULES {
        diags.push(m.at(
            "aturan:",
            None,
            format!(
                "ruleset berisi {} aturan; paling banyak {MAX_RULES} (gabungkan aturan yang sejenis)",
                raw.aturan.len()
            ),
        ));
    }
    let mut ids = BTreeSet::new();
    let mut listed = BTreeSet::new();
    for r in &raw.aturan {
        let after = format!("id: {}", r.id);
        if !ids.insert(r.id.clone()) {
            // `after` skips the first occurrence: this points at the second.
            diags.push(m.at(
                &r.id,
                Some(&after),
                format!("id aturan '{}' dipakai lebih dari sekali", r.id),
            ));
        }
        if r.id.trim().is_empty() || r.id.chars().any(char::is_whitespace) {
            diags.push(m.at(
                "id:",
                Some("aturan:"),
                format!("id aturan '{}' tidak boleh kosong atau berspasi", r.id),
            ));
        }
        for (field, value) in [
            ("judul", &r.judul),
            ("dasar_hukum", &r.dasar_hukum),
            ("pesan", &r.pesan),
        ] {
            if value.trim().is_empty() {
                diags.push(m.at(
                    &format!("{field}:"),
                    Some(&after),
                    format!("aturan {}: {field} tidak boleh kosong", r.id),
                ));
            }
        }
        listed.insert(r.skrip.clone());
    }
    if let Some(p) = &raw.prioritas {
        listed.insert(p.clone());
    }
    (ids, listed)
}

/// Every script named is a regular `.rhai` file in the folder, and every script in the folder
/// is named (`*.d.rhai` editor definitions aside).
fn check_scripts(
    src: &dyn Source,
    dir: &Path,
    listed: &BTreeSet<String>,
    m: &ManifestText<'_>,
    diags: &mut Diagnostics,
) {
    for script in listed {
        if !script.ends_with(".rhai")
            || script.contains('/')
            || script.contains('\\')
            || script.starts_with('.')
        {
            diags.push(m.at(
                script,
                None,
                format!("skrip '{script}' harus berupa berkas .rhai di folder ruleset"),
            ));
            continue;
        }
        match src.kind(&dir.join(script)) {
            None => diags.push(m.at(script, None, format!("skrip '{script}' tidak ada"))),
            Some(EntryKind::File) => {}
            Some(_) => diags.push(m.at(
                script,
                None,
                format!("skrip '{script}' harus berkas biasa, bukan tautan simbolik atau folder"),
            )),
        }
    }
    if let Ok(entries) = src.entries(dir) {
        let unlisted = entries
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n.ends_with(".rhai") && !n.ends_with(".d.rhai") && !listed.contains(n));
        for name in unlisted {
            diags.push(Diagnostic::file(
                &dir.join(name),
                "skrip tidak terdaftar di ruleset.yaml (daftarkan pada aturan atau pindahkan ke lib/)",
            ));
        }
    }
}

/// Loads and compiles the ruleset in folder `dir` of `src`.
pub fn load(src: &dyn Source, dir: &Path, limits: &ScriptLimits) -> Result<Ruleset, Diagnostics> {
    let mut diags = Diagnostics::new();
    let manifest_path = dir.join(MANIFEST);
    let manifest_text = src
        .read(&manifest_path)
        .map_err(|e| Diagnostics::from(Diagnostic::file(&manifest_path, e.message)))?;
    let raw: RawManifest =
        serde_yaml::from_str(&manifest_text).map_err(|e| yaml_error(&manifest_path, &e))?;
    let m = ManifestText {
        path: &manifest_path,
        text: &manifest_text,
    };
    let subjek = check_header(&raw, dir, &m, &mut diags);
    let params = read_params(&raw, &m, &mut diags);
    let reference_date = match params.get("tanggal_acuan") {
        Some(ParamValue::Date(d)) => Some(*d),
        _ => None,
    };
    let (ids, listed) = check_rules(&raw, &m, &mut diags);
    check_scripts(src, dir, &listed, &m, &mut diags);

    let mut sources = BTreeMap::new();
    sources.insert(MANIFEST.to_owned(), manifest_text.clone());
    let modules = read_modules(src, dir, &mut sources, &mut diags);
    let read = |name: &String, sources: &mut BTreeMap<String, String>| -> (String, String) {
        let text = src.read(&dir.join(name)).unwrap_or_default();
        sources.insert(name.clone(), text.clone());
        (name.clone(), text)
    };
    let rule_texts: Vec<(String, String)> = raw
        .aturan
        .iter()
        .map(|r| read(&r.skrip, &mut sources))
        .collect();
    let priority = raw.prioritas.as_ref().map(|p| read(p, &mut sources));
    if !diags.is_empty() {
        return Err(diags);
    }
    let version = version_of(&sources);
    let program = ProgramSource {
        key: format!("{}@{version}", raw.id),
        dir: dir.to_path_buf(),
        subjek,
        params,
        rules: rule_texts,
        priority,
        modules,
        limits: *limits,
    };
    let main = program.compile(true, &mut diags);
    let tests = testcases::load_dir(src, dir, subjek, &ids, &program.params, &mut diags);
    let Some(main) = main.filter(|_| diags.is_empty()) else {
        return Err(diags);
    };
    let rules = raw
        .aturan
        .into_iter()
        .map(|r| Rule {
            id: r.id,
            judul: r.judul,
            dasar_hukum: r.dasar_hukum,
            pesan: r.pesan,
            skrip: r.skrip,
        })
        .collect();
    let version = version_of(&sources);
    Ok(Ruleset {
        id: raw.id,
        judul: raw.judul,
        keterangan: raw.keterangan,
        subjek,
        version,
        rules,
        dir: dir.to_path_buf(),
        tests,
        sources,
        has_priority: program.priority.is_some(),
        reference_date,
        limits: *limits,
        program,
        main,
    })
}

/// Loads a ruleset from stored sources (as kept with a screening run), checking that they still
/// hash to `version`. Test cases are not stored, so the result has none.
pub fn load_from_sources(
    id: &str,
    version: &str,
    sources: &BTreeMap<String, String>,
    limits: &ScriptLimits,
) -> Result<Ruleset, Diagnostics> {
    let root = PathBuf::from(format!("(tersimpan)/{version}"));
    let dir = root.join(id);
    let fail = |m: String| Diagnostics::from(Diagnostic::file(&dir, m));
    let memory = Memory::under(&dir, sources.iter().map(|(p, t)| (p.clone(), t.clone())));
    let mut rs = load(&memory, &dir, limits)?;
    if rs.version != version {
        return Err(fail(format!(
            "sumber tersimpan menghasilkan versi {}, bukan {version}",
            rs.version
        )));
    }
    rs.tests.clear();
    Ok(rs)
}

impl Ruleset {
    /// This ruleset with some parameters replaced (a test case's `param`): compiled anew, same
    /// rules, version and tests. `None` when it does not compile (it compiled with the
    /// manifest's values, so only an override can cause that).
    pub(crate) fn with_params(&self, overrides: &BTreeMap<String, ParamValue>) -> Option<Self> {
        let mut program = self.program.clone();
        for (k, v) in overrides {
            program.params.insert(k.clone(), v.clone());
        }
        program.key = format!("{}+{:?}", program.key, overrides);
        let main = program.compile(false, &mut Diagnostics::new())?;
        let reference_date = match program.params.get("tanggal_acuan") {
            Some(ParamValue::Date(d)) => Some(*d),
            _ => None,
        };
        Some(Self {
            id: self.id.clone(),
            judul: self.judul.clone(),
            keterangan: self.keterangan.clone(),
            subjek: self.subjek,
            version: self.version.clone(),
            rules: self.rules.clone(),
            dir: self.dir.clone(),
            tests: Vec::new(),
            sources: self.sources.clone(),
            has_priority: self.has_priority,
            reference_date,
            limits: self.limits,
            program,
            main,
        })
    }

    /// Writes a Rhai definitions file (`merit.d.rhai`) for editors with the Rhai language
    /// server: every host function and field getter, and the variables this ruleset's scripts
    /// see.
    pub fn write_definitions(&self, file: &Path) -> std::io::Result<()> {
        let mut scope = rhai::Scope::new();
        match self.subjek {
            SubjectKind::Calon => {
                scope.push_constant("calon", super::subject::example_calon());
            }
            SubjectKind::Pegawai => {
                scope.push_constant("pegawai", super::subject::example_pegawai());
                scope.push_constant("lowongan", super::subject::example_lowongan());
            }
        }
        scope.push_constant_dynamic("param", self.main.param.clone());
        self.main
            .engine
            .definitions_with_scope(&scope)
            .write_to_file(file)
    }
}

/// SHA-256 over every source file (path and bytes, in path order); the first 16 hex digits.
fn version_of(sources: &BTreeMap<String, String>) -> String {
    let mut h = Sha256::new();
    for (path, text) in sources {
        h.update(path.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..8])
}

/// The `.rhai` files under `lib/` as (module name, file, text), in name order.
fn read_modules(
    src: &dyn Source,
    dir: &Path,
    sources: &mut BTreeMap<String, String>,
    diags: &mut Diagnostics,
) -> Vec<(String, PathBuf, String)> {
    let lib = dir.join("lib");
    let mut files = Vec::new();
    collect_rhai(src, &lib, &mut files, diags);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&lib).unwrap_or(&file).with_extension("");
        let name = rel.to_string_lossy().replace('\\', "/");
        match src.read(&file) {
            Ok(text) => {
                sources.insert(format!("lib/{name}.rhai"), text.clone());
                out.push((name, file, text));
            }
            Err(e) => diags.push(Diagnostic::file(&file, e.message)),
        }
    }
    out
}

/// The `.rhai` files under `dir`. Symbolic links are never followed (a link could reach
/// outside the ruleset folder); each is reported instead.
fn collect_rhai(src: &dyn Source, dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Diagnostics) {
    let Ok(entries) = src.entries(dir) else {
        return;
    };
    for (name, kind) in entries {
        let p = dir.join(&name);
        match kind {
            EntryKind::Link => diags.push(Diagnostic::file(
                &p,
                "tautan simbolik tidak diikuti; salin berkasnya ke dalam folder ruleset",
            )),
            EntryKind::Folder => collect_rhai(src, &p, out, diags),
            EntryKind::File if name.ends_with(".rhai") => out.push(p),
            _ => {}
        }
    }
}
