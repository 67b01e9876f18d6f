//! Errors in files administrators edit, as `file:line:col: pesan` (Bahasa Indonesia).

use std::{
    fmt,
    path::{Path, PathBuf},
};

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line (0 when the problem is the whole file).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

impl Diagnostic {
    /// A problem at a position.
    pub fn at(file: &Path, line: usize, col: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line,
            col,
            message: message.into(),
        }
    }

    /// A problem with a whole file.
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Self::at(file, 0, 0, message)
    }

    /// A problem on the line where `needle` first appears in `text` (after `after`, if given).
    pub fn near(
        file: &Path,
        text: &str,
        needle: &str,
        after: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        let (line, col) = locate(text, needle, after).unwrap_or((0, 0));
        Self::at(file, line, col, message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.col) {
            (0, _) => write!(f, "{}: {}", self.file.display(), self.message),
            (l, 0) => write!(f, "{}:{l}: {}", self.file.display(), self.message),
            (l, c) => write!(f, "{}:{l}:{c}: {}", self.file.display(), self.message),
        }
    }
}

/// Several problems; a definition is refused when there is at least one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when there are none.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

/// The (line, column) of the first occurrence of `needle` on a line after the first line
/// containing `after` (or anywhere).
pub(crate) fn locate(text: &str, needle: &str, after: Option<&str>) -> Option<(usize, usize)> {
    let mut armed = after.is_none();
    for (i, line) in text.lines().enumerate() {
        if !armed {
            armed = after.is_some_and(|a| line.contains(a));
            continue;
        }
        if let Some(c) = line.find(needle) {
            return Some((i + 1, line[..c].chars().count() + 1));
        }
    }
    None
}

/// A YAML parse or shape error, located and rendered in Bahasa Indonesia.
pub(crate) fn yaml_error(file: &Path, err: &serde_yaml::Error) -> Diagnostic {
    let (line, col) = err.location().map_or((0, 0), |l| (l.line(), l.column()));
    let raw = err.to_string();
    // serde's messages end with " at line N column M": the position is already ours.
    let raw = raw.split(" at line ").next().unwrap_or(&raw).to_owned();
    Diagnostic::at(file, line, col, translate_serde(&raw))
}

/// Translates the common serde messages, keeping a leading field path (`aturan[0]: …`).
pub(crate) fn translate_serde(raw: &str) -> String {
    translate_serde_of(raw, "YAML")
}

/// [`translate_serde`] for text in format `format` (`YAML`, `JSON`), named in a message serde
/// gives that has no translation.
pub(crate) fn translate_serde_of(raw: &str, format: &str) -> String {
    if let Some((path, rest)) = raw.split_once(": ")
        && !path.contains(' ')
        && !path.is_empty()
    {
        return format!("{path}: {}", translate_message(rest, format));
    }
    translate_message(raw, format)
}

fn translate_message(raw: &str, format: &str) -> String {
    let field = |s: &str| s.split('`').nth(1).unwrap_or_default().to_owned();
    if raw.starts_with("unknown field") {
        let known: Vec<String> = raw
            .split('`')
            .skip(3)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        let known = if known.is_empty() {
            String::new()
        } else {
            format!("; yang dikenal: {}", known.join(", "))
        };
        format!("kolom `{}` tidak dikenal{known}", field(raw))
    } else if raw.starts_with("missing field") {
        format!("kolom wajib `{}` tidak ada", field(raw))
    } else if raw.starts_with("duplicate field") {
        format!("kolom `{}` ditulis lebih dari sekali", field(raw))
    } else if let Some(rest) = raw.strip_prefix("invalid type: ") {
        format!(
            "jenis nilai salah: {}",
            rest.replace(", expected", ", seharusnya")
        )
    } else if let Some(rest) = raw.strip_prefix("unknown variant ") {
        format!(
            "nilai {} tidak dikenal",
            rest.replace(", expected", "; yang dikenal:")
        )
    } else {
        format!("{format} tidak valid: {raw}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        let p = Path::new("rules/a/b.rhai");
        assert_eq!(
            Diagnostic::at(p, 3, 12, "x").to_string(),
            "rules/a/b.rhai:3:12: x"
        );
        assert_eq!(
            Diagnostic::at(p, 3, 0, "x").to_string(),
            "rules/a/b.rhai:3: x"
        );
        assert_eq!(Diagnostic::file(p, "x").to_string(), "rules/a/b.rhai: x");
    }

    #[test]
    fn locating() {
        let text = "id: a\naturan:\n  - id: PW-01\n  - id: PW-01\n";
        assert_eq!(locate(text, "PW-01", None), Some((3, 9)));
        assert_eq!(locate(text, "PW-01", Some("- id: PW-01")), Some((4, 9)));
    }

    #[test]
    fn yaml_messages() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct S {
            id: String,
            judul: String,
        }
        let e = serde_yaml::from_str::<S>("id: x\njudull: y\n").unwrap_err();
        let d = yaml_error(Path::new("f.yaml"), &e);
        assert_eq!(d.line, 2);
        assert!(
            d.message
                .starts_with("kolom `judull` tidak dikenal; yang dikenal: id, judul"),
            "{}",
            d.message
        );
        let e = serde_yaml::from_str::<S>("id: x\n").unwrap_err();
        assert_eq!(
            yaml_error(Path::new("f.yaml"), &e).message,
            "kolom wajib `judul` tidak ada"
        );
    }
}
