//! READ: where definition files come from. Rulesets, workflows and templates are loaded
//! through a [`Source`] — the disk, text held in memory (a run's stored ruleset, a draft being
//! checked), or the copies built into the binary — so that checking text needs no temporary
//! folder and merit works in a folder that has none of its own.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::{Arc, OnceLock},
};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/bawaan.rs"));
}

/// What a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Folder,
    /// A symbolic link (never followed by loaders).
    Link,
    /// Anything else (a device, a pipe).
    Other,
}

/// A file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct SourceError {
    pub path: PathBuf,
    /// Why, in Bahasa Indonesia.
    pub message: String,
}

/// A tree of text files.
pub trait Source: Send + Sync + std::fmt::Debug {
    /// The text of the file at `path`.
    fn read(&self, path: &Path) -> Result<String, SourceError>;
    /// The entries of folder `path` (name, kind), sorted by name.
    fn entries(&self, folder: &Path) -> Result<Vec<(String, EntryKind)>, SourceError>;
    /// What `path` is, if it exists (links are reported as links).
    fn kind(&self, path: &Path) -> Option<EntryKind>;
}

/// The disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

fn disk_error(path: &Path, e: &std::io::Error) -> SourceError {
    SourceError {
        path: path.to_path_buf(),
        message: format!("tidak dapat dibaca: {}", crate::domain::io_message(e)),
    }
}

impl Source for Disk {
    fn read(&self, path: &Path) -> Result<String, SourceError> {
        std::fs::read_to_string(path).map_err(|e| disk_error(path, &e))
    }

    fn entries(&self, folder: &Path) -> Result<Vec<(String, EntryKind)>, SourceError> {
        let mut out: Vec<(String, EntryKind)> = std::fs::read_dir(folder)
            .map_err(|e| disk_error(folder, &e))?
            .filter_map(Result::ok)
            .map(|e| {
                let kind = e.file_type().map_or(EntryKind::Other, |t| {
                    if t.is_symlink() {
                        EntryKind::Link
                    } else if t.is_dir() {
                        EntryKind::Folder
                    } else if t.is_file() {
                        EntryKind::File
                    } else {
                        EntryKind::Other
                    }
                });
                (e.file_name().to_string_lossy().into_owned(), kind)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        let t = std::fs::symlink_metadata(path).ok()?.file_type();
        Some(if t.is_symlink() {
            EntryKind::Link
        } else if t.is_dir() {
            EntryKind::Folder
        } else if t.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        })
    }
}

/// Files held in memory, by path; folders are implied by the paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memory {
    files: BTreeMap<PathBuf, String>,
}

impl Memory {
    /// A tree of the given files.
    pub fn new(files: impl IntoIterator<Item = (PathBuf, String)>) -> Self {
        Self {
            files: files.into_iter().collect(),
        }
    }

    /// Files relative to `root`: `(rel, text)` become `root/rel`.
    pub fn under(root: &Path, files: impl IntoIterator<Item = (String, String)>) -> Self {
        Self::new(files.into_iter().map(|(rel, t)| (root.join(rel), t)))
    }

    /// Every file, by path.
    pub fn files(&self) -> &BTreeMap<PathBuf, String> {
        &self.files
    }
}

impl Source for Memory {
    fn read(&self, path: &Path) -> Result<String, SourceError> {
        self.files.get(path).cloned().ok_or_else(|| SourceError {
            path: path.to_path_buf(),
            message: "tidak ada".to_owned(),
        })
    }

    fn entries(&self, folder: &Path) -> Result<Vec<(String, EntryKind)>, SourceError> {
        let mut out: BTreeMap<String, EntryKind> = BTreeMap::new();
        for p in self.files.keys() {
            let Ok(rest) = p.strip_prefix(folder) else {
                continue;
            };
            let mut parts = rest.components();
            let Some(first) = parts.next() else {
                continue;
            };
            let name = first.as_os_str().to_string_lossy().into_owned();
            let kind = if parts.next().is_some() {
                EntryKind::Folder
            } else {
                EntryKind::File
            };
            out.entry(name).or_insert(kind);
        }
        if out.is_empty() && self.kind(folder).is_none() {
            return Err(SourceError {
                path: folder.to_path_buf(),
                message: "folder tidak ada".to_owned(),
            });
        }
        Ok(out.into_iter().collect())
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        if self.files.contains_key(path) {
            Some(EntryKind::File)
        } else if self.files.keys().any(|p| p.starts_with(path) && p != path) {
            Some(EntryKind::Folder)
        } else {
            None
        }
    }
}

/// Unsaved edits over a tree: files written or removed in `edits` shadow those of `base`. How a
/// draft is checked, tested and previewed without touching the folder it will replace.
#[derive(Debug, Clone)]
pub struct Overlay {
    base: Arc<dyn Source>,
    written: Memory,
    removed: Vec<PathBuf>,
}

impl Overlay {
    /// `base` with the files of `written` in place of (or beside) its own.
    pub fn new(base: Arc<dyn Source>, written: Memory) -> Self {
        Self {
            base,
            written,
            removed: Vec::new(),
        }
    }

    /// The same overlay with `path` removed.
    pub fn without(mut self, path: &Path) -> Self {
        self.removed.push(path.to_path_buf());
        self
    }

    fn is_removed(&self, path: &Path) -> bool {
        self.removed.iter().any(|r| path.starts_with(r))
    }
}

impl Source for Overlay {
    fn read(&self, path: &Path) -> Result<String, SourceError> {
        if let Ok(t) = self.written.read(path) {
            return Ok(t);
        }
        if self.is_removed(path) {
            return Err(SourceError {
                path: path.to_path_buf(),
                message: "dihapus pada draf".to_owned(),
            });
        }
        self.base.read(path)
    }

    fn entries(&self, folder: &Path) -> Result<Vec<(String, EntryKind)>, SourceError> {
        let mut out: BTreeMap<String, EntryKind> = BTreeMap::new();
        let base = if self.is_removed(folder) {
            Err(SourceError {
                path: folder.to_path_buf(),
                message: "dihapus pada draf".to_owned(),
            })
        } else {
            self.base.entries(folder)
        };
        if let Ok(entries) = &base {
            for (name, kind) in entries {
                if !self.is_removed(&folder.join(name)) {
                    out.insert(name.clone(), *kind);
                }
            }
        }
        let written = self.written.entries(folder);
        if let Ok(entries) = &written {
            out.extend(entries.iter().cloned());
        }
        match (base, written) {
            (Err(e), Err(_)) => Err(e),
            _ => Ok(out.into_iter().collect()),
        }
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        self.written.kind(path).or_else(|| {
            if self.is_removed(path) {
                None
            } else {
                self.base.kind(path)
            }
        })
    }
}

/// Where the built-in copies appear to loaders (error messages name files under it).
pub const BUILTIN_ROOT: &str = "(bawaan)";

/// The copies of the shipped rulesets, workflows and templates built into this binary, under
/// [`BUILTIN_ROOT`].
pub fn builtin() -> Arc<Memory> {
    static BUILTIN: OnceLock<Arc<Memory>> = OnceLock::new();
    BUILTIN
        .get_or_init(|| {
            Arc::new(Memory::under(
                Path::new(BUILTIN_ROOT),
                embedded::FILES
                    .iter()
                    .map(|(p, t)| ((*p).to_owned(), (*t).to_owned())),
            ))
        })
        .clone()
}

/// The built-in files as (path relative to a project folder, text), for `merit init`.
pub fn builtin_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    embedded::FILES.iter().copied()
}

/// Whether the configured folder holds definitions of its own: it exists and has an entry
/// that is not hidden (a folder holding only a stray `.merit-terbit.lock`, as a failed
/// publication of an earlier version could leave, holds nothing).
pub fn in_use(configured: &Path) -> bool {
    match std::fs::read_dir(configured) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .any(|e| !e.file_name().to_string_lossy().starts_with('.')),
        Err(_) => configured.exists(),
    }
}

/// Where a kind of definition is read from: the configured folder when it holds definitions
/// ([`in_use`]), else the built-in copies (said once per process on standard error).
pub fn folder(configured: &Path, builtin_folder: &str, what: &str) -> (Arc<dyn Source>, PathBuf) {
    if in_use(configured) {
        return (Arc::new(Disk), configured.to_path_buf());
    }
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    if let Ok(mut said) = SAID.lock()
        && !said.iter().any(|s| s == what)
    {
        said.push(what.to_owned());
        eprintln!(
            "Folder {what} '{}' tidak ada; dipakai salinan bawaan merit. Tulis salinannya untuk diubah dengan: merit init",
            configured.display()
        );
    }
    (builtin(), Path::new(BUILTIN_ROOT).join(builtin_folder))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlay_shadows_adds_and_removes() {
        let base: Arc<dyn Source> = Arc::new(Memory::under(
            Path::new("r"),
            [
                ("a/x.rhai".to_owned(), "lama".to_owned()),
                ("a/y.rhai".to_owned(), "y".to_owned()),
            ],
        ));
        let o = Overlay::new(
            base,
            Memory::under(
                Path::new("r"),
                [
                    ("a/x.rhai".to_owned(), "baru".to_owned()),
                    ("a/z.rhai".to_owned(), "z".to_owned()),
                ],
            ),
        )
        .without(Path::new("r/a/y.rhai"));
        assert_eq!(o.read(Path::new("r/a/x.rhai")).unwrap(), "baru");
        assert!(o.read(Path::new("r/a/y.rhai")).is_err());
        let names: Vec<String> = o
            .entries(Path::new("r/a"))
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["x.rhai", "z.rhai"]);
        assert_eq!(o.kind(Path::new("r/a")), Some(EntryKind::Folder));
    }

    #[test]
    fn memory_trees_list_like_folders() {
        let m = Memory::under(
            Path::new("akar"),
            [
                ("a/ruleset.yaml".to_owned(), "x".to_owned()),
                ("a/lib/u.rhai".to_owned(), "y".to_owned()),
                ("b.yaml".to_owned(), "z".to_owned()),
            ],
        );
        assert_eq!(
            m.entries(Path::new("akar")).unwrap(),
            [
                ("a".to_owned(), EntryKind::Folder),
                ("b.yaml".to_owned(), EntryKind::File)
            ]
        );
        assert_eq!(m.kind(Path::new("akar/a/lib")), Some(EntryKind::Folder));
        assert_eq!(m.read(Path::new("akar/b.yaml")).unwrap(), "z");
        assert!(m.read(Path::new("akar/c")).is_err());
        assert!(m.entries(Path::new("lain")).is_err());
    }

    #[test]
    fn the_shipped_files_are_built_in() {
        let b = builtin();
        let root = Path::new(BUILTIN_ROOT);
        assert_eq!(
            b.kind(&root.join("rules/pppk_paruh_waktu/ruleset.yaml")),
            Some(EntryKind::File)
        );
        assert!(
            b.kind(&root.join("workflows/templates/permintaan.txt"))
                .is_some()
        );
        assert!(builtin_files().any(|(p, _)| p == "workflows/usulan_pppk_paruh_waktu.yaml"));
    }
}
