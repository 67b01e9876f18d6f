//! Form edits of a ruleset manifest (`ruleset.yaml`) made on its text, so that comments and
//! layout the administrator wrote stay: a parameter's value, a rule added, moved up or retired.
//! Whatever the edit, the result is checked like any other text before it can be published.

use crate::domain::{FileSet, is_identifier};

const MANIFEST: &str = "ruleset.yaml";

fn manifest(files: &FileSet) -> Result<&String, String> {
    files
        .0
        .get(MANIFEST)
        .ok_or_else(|| "draf ini tidak memiliki ruleset.yaml".to_owned())
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The line range `[start, end)` of the block under top-level key `key:`.
fn block(lines: &[&str], key: &str) -> Option<(usize, usize)> {
    let head = lines
        .iter()
        .position(|l| indent(l) == 0 && l.trim_end().starts_with(&format!("{key}:")))?;
    let end = lines[head + 1..]
        .iter()
        .position(|l| !l.trim().is_empty() && indent(l) == 0 && !l.trim_start().starts_with('#'))
        .map_or(lines.len(), |k| head + 1 + k);
    Some((head + 1, end))
}

fn join(lines: &[String]) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// Sets scalar parameter `name` of the manifest to `value` (written as YAML reads it: a
/// number, a date, or text in quotes), keeping a comment at the end of the line.
pub fn set_param(files: &FileSet, name: &str, value: &str) -> Result<FileSet, String> {
    let text = manifest(files)?;
    let value = value.trim();
    if value.is_empty() || value.contains('\n') {
        return Err(format!(
            "nilai parameter {name} wajib diisi dalam satu baris"
        ));
    }
    let lines: Vec<&str> = text.lines().collect();
    let (start, end) =
        block(&lines, "param").ok_or("ruleset.yaml tidak memiliki bagian param (parameter)")?;
    let at = (start..end)
        .find(|&i| {
            let l = lines[i].trim_start();
            indent(lines[i]) > 0 && l.strip_prefix(name).is_some_and(|r| r.starts_with(':'))
        })
        .ok_or_else(|| format!("parameter {name} tidak ada pada ruleset.yaml"))?;
    let line = lines[at];
    let after_colon = &line[line.find(':').map_or(line.len(), |c| c + 1)..];
    if after_colon.trim_start().starts_with('{') || after_colon.trim().is_empty() {
        return Err(format!(
            "parameter {name} bukan nilai tunggal; ubah lewat penyunting ruleset.yaml"
        ));
    }
    let comment = after_colon
        .find(" #")
        .map(|c| format!("  {}", after_colon[c..].trim()))
        .unwrap_or_default();
    let written = if value.parse::<f64>().is_ok()
        || chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
        || matches!(value, "true" | "false")
    {
        value.to_owned()
    } else {
        serde_json::to_string(value).unwrap_or_default()
    };
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    out[at] = format!("{}{name}: {written}{comment}", " ".repeat(indent(line)));
    let mut files = files.clone();
    files.0.insert(MANIFEST.into(), join(&out));
    Ok(files)
}

/// The rule entries (`- id: …`) of the `aturan` block: (rule id, first line, end line).
fn rule_entries(lines: &[&str]) -> Result<Vec<(String, usize, usize)>, String> {
    let (start, end) = block(lines, "aturan").ok_or("ruleset.yaml tidak memiliki bagian aturan")?;
    let starts: Vec<usize> = (start..end)
        .filter(|&i| lines[i].trim_start().starts_with("- "))
        .collect();
    let item_indent = starts.first().map_or(2, |&i| indent(lines[i]));
    let starts: Vec<usize> = starts
        .into_iter()
        .filter(|&i| indent(lines[i]) == item_indent)
        .collect();
    let mut out = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(end);
        // Trailing blank and comment lines belong to the next entry.
        let mut e2 = e;
        while e2 > s + 1 && {
            let t = lines[e2 - 1].trim();
            t.is_empty() || t.starts_with('#')
        } {
            e2 -= 1;
        }
        let id = (s..e2)
            .find_map(|i| {
                let t = lines[i].trim_start().trim_start_matches("- ");
                t.strip_prefix("id:")
                    .map(|v| v.trim().trim_matches('"').to_owned())
            })
            .unwrap_or_default();
        out.push((id, s, e2));
    }
    Ok(out)
}

/// Where rule `id` is among `entries`.
fn rule_at(entries: &[(String, usize, usize)], id: &str) -> Result<usize, String> {
    entries
        .iter()
        .position(|(r, _, _)| r == id)
        .ok_or_else(|| format!("aturan {id} tidak ada pada ruleset.yaml"))
}

/// Moves rule `id` one place up in the evaluation order.
pub fn move_rule(files: &FileSet, id: &str) -> Result<FileSet, String> {
    let text = manifest(files)?;
    let lines: Vec<&str> = text.lines().collect();
    let entries = rule_entries(&lines)?;
    let k = rule_at(&entries, id)?;
    if k == 0 {
        return Err(format!("aturan {id} sudah di urutan pertama"));
    }
    let (_, a0, a1) = entries[k - 1];
    let (_, b0, b1) = entries[k];
    let mut out: Vec<String> = lines[..a0].iter().map(|l| (*l).to_owned()).collect();
    out.extend(lines[b0..b1].iter().map(|l| (*l).to_owned()));
    out.extend(lines[a1..b0].iter().map(|l| (*l).to_owned()));
    out.extend(lines[a0..a1].iter().map(|l| (*l).to_owned()));
    out.extend(lines[b1..].iter().map(|l| (*l).to_owned()));
    let mut files = files.clone();
    files.0.insert(MANIFEST.into(), join(&out));
    Ok(files)
}

/// Retires rule `id`: its entry leaves the manifest and its script the folder (the version
/// history keeps both).
pub fn retire_rule(files: &FileSet, id: &str) -> Result<FileSet, String> {
    let text = manifest(files)?;
    let lines: Vec<&str> = text.lines().collect();
    let entries = rule_entries(&lines)?;
    let (_, s, e) = entries[rule_at(&entries, id)?].clone();
    let script = (s..e).find_map(|i| {
        lines[i]
            .trim_start()
            .strip_prefix("skrip:")
            .map(|v| v.trim().trim_matches('"').to_owned())
    });
    let mut out: Vec<String> = lines[..s].iter().map(|l| (*l).to_owned()).collect();
    out.extend(lines[e..].iter().map(|l| (*l).to_owned()));
    let mut files = files.clone();
    files.0.insert(MANIFEST.into(), join(&out));
    if let Some(script) = script {
        let still_used = rule_entries(&out.iter().map(String::as_str).collect::<Vec<_>>())
            .is_ok_and(|_| out.iter().any(|l| l.trim() == format!("skrip: {script}")));
        if !still_used {
            files.0.remove(&script);
        }
    }
    Ok(files)
}

/// Sets `judul`, `dasar_hukum` or `pesan` of rule `id` to `value` (one line, quoted).
pub fn set_rule_field(
    files: &FileSet,
    id: &str,
    field: &str,
    value: &str,
) -> Result<FileSet, String> {
    if !matches!(field, "judul" | "dasar_hukum" | "pesan") {
        return Err(format!("kolom {field} tidak dapat diubah di sini"));
    }
    let value = value.trim();
    if value.is_empty() || value.contains('\n') {
        return Err(format!("{field} wajib diisi dalam satu baris"));
    }
    let text = manifest(files)?;
    let lines: Vec<&str> = text.lines().collect();
    let entries = rule_entries(&lines)?;
    let (_, s, e) = entries[rule_at(&entries, id)?].clone();
    let at = (s..e)
        .find(|&i| {
            lines[i]
                .trim_start()
                .trim_start_matches("- ")
                .strip_prefix(field)
                .is_some_and(|r| r.starts_with(':'))
        })
        .ok_or_else(|| format!("aturan {id} tidak memiliki {field}"))?;
    let line = lines[at];
    let colon = line.find(&format!("{field}:")).unwrap_or(0);
    let rest = line[colon + field.len() + 1..].trim();
    if rest.starts_with('>') || rest.starts_with('|') {
        return Err(format!(
            "{field} aturan {id} ditulis dalam beberapa baris; ubah lewat penyunting ruleset.yaml"
        ));
    }
    let quoted = serde_json::to_string(value).unwrap_or_default();
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    out[at] = format!("{}{field}: {quoted}", &line[..colon]);
    let mut files = files.clone();
    files.0.insert(MANIFEST.into(), join(&out));
    Ok(files)
}

/// A new rule for the form: its id, title, legal basis and message.
#[derive(Debug, Clone)]
pub struct NewRule {
    /// The rule's id as typed (`PW-08`); it must be new to the manifest.
    pub id: String,
    /// The rule's title, written as its `judul`.
    pub judul: String,
    /// The legal basis, written as its `dasar_hukum`.
    pub dasar_hukum: String,
    /// The message shown when the rule does not pass, written as its `pesan`.
    pub pesan: String,
}

/// Adds a rule at the end of the order with a script that passes everyone, to be written.
pub fn add_rule(files: &FileSet, rule: &NewRule) -> Result<FileSet, String> {
    let text = manifest(files)?;
    let id = rule.id.trim();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err("id aturan hanya boleh huruf, angka, - dan _".into());
    }
    for (field, v) in [
        ("judul", &rule.judul),
        ("dasar_hukum", &rule.dasar_hukum),
        ("pesan", &rule.pesan),
    ] {
        if v.trim().is_empty() || v.contains('\n') {
            return Err(format!("{field} wajib diisi dalam satu baris"));
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    let entries = rule_entries(&lines)?;
    if entries.iter().any(|(r, _, _)| r == id) {
        return Err(format!("aturan {id} sudah ada"));
    }
    let script = format!("{}.rhai", id.to_lowercase().replace('-', "_"));
    if !is_identifier(script.trim_end_matches(".rhai")) || files.0.contains_key(&script) {
        return Err(format!(
            "berkas skrip {script} sudah ada atau namanya tidak sah"
        ));
    }
    let (_, end) = block(&lines, "aturan").ok_or("ruleset.yaml tidak memiliki bagian aturan")?;
    let at = entries.last().map_or(end, |(_, _, e)| *e);
    let pad = entries.first().map_or(2, |(_, s, _)| indent(lines[*s]));
    let q = |v: &str| serde_json::to_string(v.trim()).unwrap_or_default();
    let entry = [
        format!("{}- id: {id}", " ".repeat(pad)),
        format!("{}judul: {}", " ".repeat(pad + 2), q(&rule.judul)),
        format!(
            "{}dasar_hukum: {}",
            " ".repeat(pad + 2),
            q(&rule.dasar_hukum)
        ),
        format!("{}skrip: {script}", " ".repeat(pad + 2)),
        format!("{}pesan: {}", " ".repeat(pad + 2), q(&rule.pesan)),
    ];
    let mut out: Vec<String> = lines[..at].iter().map(|l| (*l).to_owned()).collect();
    out.extend(entry);
    out.extend(lines[at..].iter().map(|l| (*l).to_owned()));
    let mut files = files.clone();
    files.0.insert(MANIFEST.into(), join(&out));
    files.0.insert(
        script,
        format!("// {id}: {}\n// Tulis syarat aturan ini; lolos() meloloskan, gagal(\"alasan\") menggagalkan.\nlolos()\n", rule.judul.trim()),
    );
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> FileSet {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/pppk_paruh_waktu/ruleset.yaml"
        ))
        .expect("shipped manifest");
        FileSet([(MANIFEST.to_owned(), text)].into())
    }

    #[test]
    fn a_param_changes_and_its_comment_stays() {
        let f = set_param(&shipped(), "tanggal_acuan", "2026-01-02").expect("set");
        let t = &f.0[MANIFEST];
        assert!(t.contains("  tanggal_acuan: 2026-01-02  # Surat MenPANRB"));
        let f = set_param(&shipped(), "usia_minimal", "21").expect("set");
        assert!(f.0[MANIFEST].contains("\n  usia_minimal: 21\n"));
        assert!(set_param(&shipped(), "bobot_kategori", "1").is_err());
        assert!(set_param(&shipped(), "tidak_ada", "1").is_err());
    }

    #[test]
    fn rules_move_retire_and_add() {
        let f = move_rule(&shipped(), "PW-02").expect("move");
        let t = &f.0[MANIFEST];
        assert!(t.find("id: PW-02") < t.find("id: PW-01"));
        let mut with_script = shipped();
        with_script
            .0
            .insert("status.rhai".into(), "lolos()\n".into());
        let f = retire_rule(&with_script, "PW-02").expect("retire");
        assert!(!f.0[MANIFEST].contains("PW-02"));
        assert!(!f.0.contains_key("status.rhai"));
        let f = add_rule(
            &shipped(),
            &NewRule {
                id: "PW-99".into(),
                judul: "Uji".into(),
                dasar_hukum: "Perbup 1/2026".into(),
                pesan: "Tidak memenuhi".into(),
            },
        )
        .expect("add");
        assert!(f.0[MANIFEST].contains("  - id: PW-99\n    judul: \"Uji\""));
        assert!(f.0.contains_key("pw_99.rhai"));
        let f = set_rule_field(&shipped(), "PW-07", "judul", "Usia pelamar").expect("judul");
        assert!(
            f.0[MANIFEST].contains("    judul: \"Usia pelamar\"\n    dasar_hukum: \"PP 49/2018")
        );
        assert!(set_rule_field(&shipped(), "PW-07", "skrip", "x.rhai").is_err());
    }
}

/// A directory edit made with a form.
#[derive(Debug, Clone)]
pub enum DirectoryEdit {
    /// A person added (or replaced, by id).
    Person {
        /// The person's id in the directory; an existing id is replaced.
        id: String,
        /// The person's name.
        nama: String,
        /// The person's e-mail, where prompts go.
        email: String,
        /// Role codes (`KEPALA_OPD`, …), each trimmed.
        peran: Vec<String>,
        /// The superior's id in the directory; `None` or blank leaves it out.
        atasan: Option<String>,
    },
    /// An acting official (Plt./Plh.) added.
    Acting {
        /// The role code stood in for.
        peran: String,
        /// Who stands in: a person's id in the directory.
        orang: String,
        /// `Plt.` or `Plh.` (written as typed; the directory check reads it).
        jenis: String,
        /// The first day, `YYYY-MM-DD`.
        mulai: String,
        /// The last day, `YYYY-MM-DD`, not before `mulai`.
        sampai: String,
        /// The letter it rests on (`dasar` = basis), e.g. the SK's number.
        dasar: String,
    },
    /// The acting official at this position removed.
    RemoveActing(usize),
    /// A person removed, by id (refused while someone names them as superior or acting).
    RemovePerson(String),
}

/// Applies `edit` to the directory text `text` (comments are not kept: the file is written
/// again from its content). The result must still be a valid directory.
pub fn edit_directory(
    file: &std::path::Path,
    text: &str,
    edit: &DirectoryEdit,
) -> Result<String, String> {
    use serde_yaml::{Mapping, Value};
    let mut doc: Value = if text.trim().is_empty() {
        Value::Mapping(Mapping::new())
    } else {
        serde_yaml::from_str(text).map_err(|e| format!("direktori tidak dapat dibaca: {e}"))?
    };
    let root = doc
        .as_mapping_mut()
        .ok_or("direktori harus berupa pemetaan orang dan pelaksana")?;
    let list = |root: &mut Mapping, key: &str| -> Result<Vec<Value>, String> {
        match root.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Sequence(s)) => Ok(s.clone()),
            Some(_) => Err(format!("{key} harus berupa daftar")),
        }
    };
    let s = |v: &str| Value::String(v.trim().to_owned());
    match edit {
        DirectoryEdit::Person {
            id,
            nama,
            email,
            peran,
            atasan,
        } => {
            let mut people = list(root, "orang")?;
            let mut m = Mapping::new();
            m.insert(s("id"), s(id));
            m.insert(s("nama"), s(nama));
            m.insert(s("email"), s(email));
            m.insert(
                s("peran"),
                Value::Sequence(peran.iter().map(|p| s(p)).collect()),
            );
            if let Some(a) = atasan.as_deref().filter(|a| !a.trim().is_empty()) {
                m.insert(s("atasan"), s(a));
            }
            let at = people
                .iter()
                .position(|p| p.get("id").and_then(Value::as_str) == Some(id.trim()));
            match at {
                Some(k) => people[k] = Value::Mapping(m),
                None => people.push(Value::Mapping(m)),
            }
            root.insert(s("orang"), Value::Sequence(people));
        }
        DirectoryEdit::Acting {
            peran,
            orang,
            jenis,
            mulai,
            sampai,
            dasar,
        } => {
            let mut acting = list(root, "pelaksana")?;
            let mut m = Mapping::new();
            for (k, v) in [
                ("peran", peran),
                ("orang", orang),
                ("jenis", jenis),
                ("mulai", mulai),
                ("sampai", sampai),
                ("dasar", dasar),
            ] {
                if v.trim().is_empty() {
                    return Err(format!("{k} wajib diisi"));
                }
                m.insert(s(k), s(v));
            }
            acting.push(Value::Mapping(m));
            root.insert(s("pelaksana"), Value::Sequence(acting));
        }
        DirectoryEdit::RemovePerson(id) => {
            let mut people = list(root, "orang")?;
            let before = people.len();
            people.retain(|p| p.get("id").and_then(Value::as_str) != Some(id.trim()));
            if people.len() == before {
                return Err(format!("orang {id} tidak ada pada direktori"));
            }
            root.insert(s("orang"), Value::Sequence(people));
        }
        DirectoryEdit::RemoveActing(k) => {
            let mut acting = list(root, "pelaksana")?;
            if *k >= acting.len() {
                return Err("pelaksana yang dipilih tidak ada".into());
            }
            acting.remove(*k);
            root.insert(s("pelaksana"), Value::Sequence(acting));
        }
    }
    let out = serde_yaml::to_string(&doc).map_err(|e| e.to_string())?;
    let out = format!(
        "# Direktori pejabat dan peran; diubah lewat konsol merit (/admin/direktori).\n{out}"
    );
    crate::workflow::Directory::parse(file, &out).map_err(|d| d.to_string())?;
    Ok(out)
}
