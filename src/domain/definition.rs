//! What an administrator edits in the browser: a definition (a ruleset, the workflows, the
//! directory, the message templates) as a set of text files, and the line diff between two
//! versions of it.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::is_identifier;

/// A definition that is drafted, published and restored as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DefinitionKey {
    /// One ruleset folder (`rules/ID/`).
    Ruleset(String),
    /// The workflow definitions (`workflows/*.yaml`).
    Workflows,
    /// The directory of people, roles and acting officials.
    Directory,
    /// The message templates (`workflows/templates/`).
    Templates,
    /// The document templates (`dokumen/`).
    Documents,
}

impl DefinitionKey {
    /// Parses `aturan:ID`, `alur`, `direktori` or `templat`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "alur" => Ok(Self::Workflows),
            "direktori" => Ok(Self::Directory),
            "templat" => Ok(Self::Templates),
            "dokumen" => Ok(Self::Documents),
            other => match other.strip_prefix("aturan:") {
                Some(id) if is_identifier(id) => Ok(Self::Ruleset(id.to_owned())),
                _ => Err(format!(
                    "definisi '{other}' tidak dikenal: tulis aturan:ID, alur, direktori, templat, atau dokumen"
                )),
            },
        }
    }

    /// The stored form, as [`DefinitionKey::parse`] reads it.
    pub fn code(&self) -> String {
        match self {
            Self::Ruleset(id) => format!("aturan:{id}"),
            Self::Workflows => "alur".into(),
            Self::Directory => "direktori".into(),
            Self::Templates => "templat".into(),
            Self::Documents => "dokumen".into(),
        }
    }

    /// How a page names it.
    pub fn label(&self) -> String {
        match self {
            Self::Ruleset(id) => format!("ruleset {id}"),
            Self::Workflows => "definisi alur persetujuan".into(),
            Self::Directory => "direktori pejabat".into(),
            Self::Templates => "templat pesan".into(),
            Self::Documents => "templat dokumen".into(),
        }
    }
}

/// A relative path inside a definition's folder: forward slashes, no `..`, no hidden parts.
pub fn is_relative_path(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && !s.starts_with('/')
        && s.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        })
}

/// The files of a definition: relative path → text.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct FileSet(pub BTreeMap<String, String>);

impl FileSet {
    /// A digest of every path and text (the same files give the same digest).
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for (path, text) in &self.0 {
            h.update((path.len() as u64).to_be_bytes());
            h.update(path.as_bytes());
            h.update((text.len() as u64).to_be_bytes());
            h.update(text.as_bytes());
        }
        hex::encode(h.finalize())
    }

    /// As JSON, for storage.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".into())
    }

    /// From stored JSON.
    pub fn from_json(s: &str) -> Result<Self, String> {
        serde_json::from_str(s).map_err(|e| format!("berkas draf tidak dapat dibaca: {e}"))
    }

    /// What changed from `self` to `after`, file by file (unchanged files left out).
    pub fn diff(&self, after: &FileSet) -> Vec<FileDiff> {
        let mut paths: Vec<&String> = self.0.keys().chain(after.0.keys()).collect();
        paths.sort();
        paths.dedup();
        paths
            .into_iter()
            .filter_map(|p| {
                let (a, b) = (self.0.get(p), after.0.get(p));
                if a == b {
                    return None;
                }
                let status = match (a, b) {
                    (None, _) => "baru",
                    (_, None) => "dihapus",
                    _ => "diubah",
                };
                Some(FileDiff {
                    berkas: p.clone(),
                    status,
                    baris: line_diff(a.map_or("", String::as_str), b.map_or("", String::as_str)),
                })
            })
            .collect()
    }
}

/// One file's changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileDiff {
    pub berkas: String,
    /// `baru`, `dihapus` or `diubah`.
    pub status: &'static str,
    /// Changed lines with up to three lines of context around each change.
    pub baris: Vec<DiffLine>,
}

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiffLine {
    /// `+` added, `-` removed, ` ` context, `…` lines skipped.
    pub tanda: char,
    /// Line number before (removed and context lines).
    pub lama: Option<usize>,
    /// Line number after (added and context lines).
    pub baru: Option<usize>,
    pub teks: String,
}

impl FileDiff {
    /// The unified form (`--- a`, `+++ b`, `-old`, `+new`).
    pub fn unified(&self) -> String {
        let mut out = format!("--- {0}\n+++ {0}\n", self.berkas);
        for l in &self.baris {
            out.push(l.tanda);
            out.push_str(&l.teks);
            out.push('\n');
        }
        out
    }
}

const CONTEXT: usize = 3;
/// Above this many cells the diff is shown as the whole file replaced.
const LCS_CELLS: usize = 4_000_000;

/// A line diff of `a` and `b` (longest common subsequence), with context.
pub fn line_diff(a: &str, b: &str) -> Vec<DiffLine> {
    let x: Vec<&str> = a.lines().collect();
    let y: Vec<&str> = b.lines().collect();
    // Common prefix and suffix need no table.
    let pre = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    let suf = x[pre..]
        .iter()
        .rev()
        .zip(y[pre..].iter().rev())
        .take_while(|(p, q)| p == q)
        .count();
    let (xm, ym) = (&x[pre..x.len() - suf], &y[pre..y.len() - suf]);
    let mut ops: Vec<(char, Option<usize>, Option<usize>)> = Vec::new();
    for i in 0..pre {
        ops.push((' ', Some(i), Some(i)));
    }
    if xm.len().saturating_mul(ym.len()) > LCS_CELLS {
        ops.extend((0..xm.len()).map(|i| ('-', Some(pre + i), None)));
        ops.extend((0..ym.len()).map(|j| ('+', None, Some(pre + j))));
    } else {
        let (n, m) = (xm.len(), ym.len());
        let mut t = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                t[i * (m + 1) + j] = if xm[i] == ym[j] {
                    t[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && xm[i] == ym[j] {
                ops.push((' ', Some(pre + i), Some(pre + j)));
                i += 1;
                j += 1;
            } else if i < n && (j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]) {
                ops.push(('-', Some(pre + i), None));
                i += 1;
            } else {
                ops.push(('+', None, Some(pre + j)));
                j += 1;
            }
        }
    }
    for k in 0..suf {
        ops.push((' ', Some(x.len() - suf + k), Some(y.len() - suf + k)));
    }
    // Keep context lines near a change; mark skipped runs once.
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.0 != ' ')
        .map(|(k, _)| k)
        .collect();
    let near = |k: usize| {
        let at = changed.partition_point(|&c| c < k);
        changed.get(at).is_some_and(|&c| c - k <= CONTEXT)
            || (at > 0 && k - changed[at - 1] <= CONTEXT)
    };
    let mut out = Vec::new();
    let mut skipped = false;
    for (k, (tanda, lama, baru)) in ops.iter().enumerate() {
        if *tanda == ' ' && !near(k) {
            if !skipped && !out.is_empty() {
                out.push(DiffLine {
                    tanda: '…',
                    lama: None,
                    baru: None,
                    teks: String::new(),
                });
            }
            skipped = true;
            continue;
        }
        skipped = false;
        let teks = match (tanda, lama, baru) {
            ('+', _, Some(j)) => y[*j],
            (_, Some(i), _) => x[*i],
            _ => "",
        };
        out.push(DiffLine {
            tanda: *tanda,
            lama: lama.map(|i| i + 1),
            baru: baru.map(|j| j + 1),
            teks: teks.to_owned(),
        });
    }
    if out.last().is_some_and(|l| l.tanda == '…') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for s in ["aturan:pppk_paruh_waktu", "alur", "direktori", "templat"] {
            assert_eq!(DefinitionKey::parse(s).map(|k| k.code()), Ok(s.to_owned()));
        }
        assert!(DefinitionKey::parse("aturan:../x").is_err());
        assert!(DefinitionKey::parse("lain").is_err());
    }

    #[test]
    fn paths_stay_inside() {
        assert!(is_relative_path("tests/kasus.yaml"));
        assert!(!is_relative_path("../x"));
        assert!(!is_relative_path("/etc/passwd"));
        assert!(!is_relative_path("a/.tersembunyi"));
        assert!(!is_relative_path("a//b"));
    }

    #[test]
    fn diff_marks_changed_lines_with_numbers() {
        let a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
        let b = "1\n2\n3\n4\n5\nenam\n7\n8\n9\n10\n11\n";
        let d = line_diff(a, b);
        let signs: String = d.iter().map(|l| l.tanda).collect();
        assert_eq!(signs, "   -+    +");
        let removed = d
            .iter()
            .find(|l| l.tanda == '-')
            .map(|l| (l.lama, l.teks.as_str()));
        assert_eq!(removed, Some((Some(6), "6")));
        let added = d
            .iter()
            .find(|l| l.tanda == '+')
            .map(|l| (l.baru, l.teks.as_str()));
        assert_eq!(added, Some((Some(6), "enam")));
    }

    #[test]
    fn far_changes_are_separated_by_a_skip_mark() {
        let a: String = (1..=30).map(|i| format!("{i}\n")).collect();
        let b = a
            .replacen("2\n", "dua\n", 1)
            .replace("29\n", "dua puluh sembilan\n");
        let d = line_diff(&a, &b);
        assert!(d.iter().any(|l| l.tanda == '…'));
        assert_eq!(d.iter().filter(|l| l.tanda == '+').count(), 2);
    }

    #[test]
    fn file_sets_diff_and_digest() {
        let a = FileSet([("a.rhai".to_owned(), "x\n".to_owned())].into());
        let mut b = a.clone();
        assert_eq!(a.digest(), b.digest());
        b.0.insert("b.rhai".into(), "y\n".into());
        assert_ne!(a.digest(), b.digest());
        let d = a.diff(&b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].status, "baru");
    }
}
