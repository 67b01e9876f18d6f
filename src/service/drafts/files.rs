//! Where a definition's files live, reading them as a [`FileSet`], and writing a published set
//! back so that a reader sees the old files or the new ones, never a mix.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use crate::{
    config::Settings,
    domain::{DefinitionKey, FileSet, io_message},
    sources::{Disk, EntryKind, Source},
};

/// The folder of a definition: read through `src` under `root`, written under `target`.
pub(super) struct Location {
    pub src: Arc<dyn Source>,
    /// Where `src` holds the files (the built-in copies when the folder does not exist).
    pub root: PathBuf,
    /// Where a publication writes them.
    pub target: PathBuf,
    /// Whether files below sub-folders belong to it (a ruleset's `tests/`).
    pub nested: bool,
    /// Which top-level names belong to it (the workflow folder also holds `templates/`).
    pub only: Names,
}

/// Which top-level names of a folder belong to a definition.
pub(super) enum Names {
    Any,
    Yaml,
    Typst,
    Exactly(String),
}

impl Names {
    fn admits(&self, name: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Yaml => name.ends_with(".yaml") || name.ends_with(".yml"),
            Self::Typst => name.ends_with(".typ"),
            Self::Exactly(n) => n == name,
        }
    }
}

pub(super) fn location(settings: &Settings, key: &DefinitionKey) -> Location {
    match key {
        DefinitionKey::Ruleset(id) => {
            let (src, dir) = crate::service::ground::rules::rules_folder(settings);
            Location {
                src,
                root: dir.join(id),
                target: settings.rules_dir.join(id),
                nested: true,
                only: Names::Any,
            }
        }
        DefinitionKey::Workflows => {
            let (src, dir) = crate::service::ground::workflows::workflows_folder(settings);
            Location {
                src,
                root: dir,
                target: settings.workflows_dir.clone(),
                nested: false,
                only: Names::Yaml,
            }
        }
        DefinitionKey::Templates => {
            let (src, dir) = crate::service::ground::workflows::workflows_folder(settings);
            Location {
                src,
                root: dir.join("templates"),
                target: settings.workflows_dir.join("templates"),
                nested: false,
                only: Names::Any,
            }
        }
        DefinitionKey::Documents => {
            let dir = &settings.documents_dir;
            let (src, root): (Arc<dyn crate::sources::Source>, PathBuf) =
                if crate::sources::in_use(dir) {
                    (Arc::new(Disk), dir.clone())
                } else {
                    (
                        crate::sources::builtin(),
                        Path::new(crate::sources::BUILTIN_ROOT).join("dokumen"),
                    )
                };
            Location {
                src,
                root,
                target: dir.clone(),
                nested: false,
                only: Names::Typst,
            }
        }
        DefinitionKey::Directory => {
            let file = &settings.directory;
            // `directory.yaml` (the default) has the empty path as its parent: the working folder.
            let folder = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            Location {
                src: Arc::new(Disk),
                root: folder.clone(),
                target: folder,
                nested: false,
                only: Names::Exactly(directory_name(settings)),
            }
        }
    }
}

/// Whether a draft of `key` may hold a file at `rel`: a ruleset anything inside its folder,
/// the workflows only `*.yaml` beside each other, the templates only files beside each other,
/// the directory only its own file.
pub(super) fn admits(settings: &Settings, key: &DefinitionKey, rel: &str) -> Result<(), String> {
    let loc = location(settings, key);
    let top = rel.split('/').next().unwrap_or_default();
    if (!loc.nested && rel.contains('/')) || !loc.only.admits(top) {
        return Err(match key {
            DefinitionKey::Ruleset(_) => format!("berkas '{rel}' tidak dapat dipakai"),
            DefinitionKey::Workflows => {
                format!(
                    "berkas '{rel}' tidak dapat dipakai: definisi alur berupa berkas .yaml di folder alur"
                )
            }
            DefinitionKey::Templates => {
                format!(
                    "berkas '{rel}' tidak dapat dipakai: templat berada langsung di folder templates"
                )
            }
            DefinitionKey::Directory => {
                format!("draf direktori hanya berisi {}", directory_name(settings))
            }
            DefinitionKey::Documents => format!(
                "berkas '{rel}' tidak dapat dipakai: templat dokumen berupa berkas .typ langsung di folder dokumen"
            ),
        });
    }
    Ok(())
}

/// The directory's file name inside its folder.
pub(super) fn directory_name(settings: &Settings) -> String {
    settings
        .directory
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "directory.yaml".into())
}

/// The definition's files as they are now (an empty set when its folder has none).
pub(super) fn read(settings: &Settings, key: &DefinitionKey) -> Result<FileSet, String> {
    let loc = location(settings, key);
    let mut out = FileSet::default();
    if loc.src.kind(&loc.root) != Some(EntryKind::Folder) {
        return Ok(out);
    }
    walk(&loc, &loc.root, "", &mut out)?;
    if matches!(key, DefinitionKey::Directory) && out.0.is_empty() && settings.directory.exists() {
        return Err(format!(
            "{} tidak dapat dibaca sebagai direktori",
            settings.directory.display()
        ));
    }
    Ok(out)
}

fn walk(loc: &Location, folder: &Path, prefix: &str, out: &mut FileSet) -> Result<(), String> {
    for (name, kind) in loc.src.entries(folder).map_err(|e| e.to_string())? {
        if name.starts_with('.') || (prefix.is_empty() && !loc.only.admits(&name)) {
            continue;
        }
        let rel = format!("{prefix}{name}");
        match kind {
            EntryKind::File if name != "README.md" => {
                let text = loc
                    .src
                    .read(&folder.join(&name))
                    .map_err(|e| e.to_string())?;
                out.0.insert(rel, text);
            }
            EntryKind::Folder if loc.nested => {
                walk(loc, &folder.join(&name), &format!("{rel}/"), out)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Files read from folder `dir` on disk (for `merit rules publish --from DIR`).
pub(super) fn read_folder(dir: &Path) -> Result<FileSet, String> {
    let loc = Location {
        src: Arc::new(Disk),
        root: dir.to_path_buf(),
        target: dir.to_path_buf(),
        nested: true,
        only: Names::Any,
    };
    if Disk.kind(dir) != Some(EntryKind::Folder) {
        return Err(format!("{} bukan folder", dir.display()));
    }
    let mut out = FileSet::default();
    walk(&loc, dir, "", &mut out)?;
    Ok(out)
}

fn io(path: &Path, e: &std::io::Error) -> String {
    format!("{} tidak dapat ditulis: {}", path.display(), io_message(e))
}

/// Writes `files` over `before` in the definition's target folder. A ruleset is written whole
/// into a fresh folder that then takes the old one's place in one rename; the other kinds file
/// by file, each through a temporary file and a rename, removed files last. In an installation
/// that runs on the built-in copies, the built-in folder is first written out whole (so the
/// other rulesets or workflows do not vanish with this one); when the writing then fails,
/// that folder is taken away again, leaving the files exactly as they were. Returns the folder
/// written out, if one was, for [`take_back`].
pub(super) fn write(
    settings: &Settings,
    key: &DefinitionKey,
    before: &FileSet,
    files: &FileSet,
) -> Result<Option<PathBuf>, String> {
    let loc = location(settings, key);
    let created = match key {
        DefinitionKey::Ruleset(_) => materialise("rules", &settings.rules_dir)?,
        DefinitionKey::Workflows | DefinitionKey::Templates => {
            materialise("workflows", &settings.workflows_dir)?
        }
        DefinitionKey::Documents => materialise("dokumen", &settings.documents_dir)?,
        DefinitionKey::Directory => None,
    };
    let written = if matches!(key, DefinitionKey::Ruleset(_)) {
        swap_folder(&loc.target, files)
    } else {
        write_files(&loc.target, before, files)
    };
    match written {
        Ok(()) => Ok(created),
        Err(e) => {
            if let Some(folder) = created {
                unmaterialise(&folder);
            }
            Err(e)
        }
    }
}

/// Undoes a [`write`] whose publication could not be recorded: the folder it wrote out is taken
/// away again, or else `files` go back over `written`.
pub(super) fn take_back(
    settings: &Settings,
    key: &DefinitionKey,
    created: Option<PathBuf>,
    written: &FileSet,
    files: &FileSet,
) -> Result<(), String> {
    match created {
        Some(folder) => {
            unmaterialise(&folder);
            Ok(())
        }
        None => write(settings, key, written, files).map(|_| ()),
    }
}

/// Writes the files of `files` that differ from `before` into `target`, then removes those it
/// no longer has.
fn write_files(target: &Path, before: &FileSet, files: &FileSet) -> Result<(), String> {
    std::fs::create_dir_all(target).map_err(|e| io(target, &e))?;
    for (rel, text) in &files.0 {
        if before.0.get(rel) != Some(text) {
            crate::service::ground::rules::write_atomically(&target.join(rel), text)?;
        }
    }
    for rel in before.0.keys().filter(|r| !files.0.contains_key(*r)) {
        let path = target.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path, &e)),
        }
    }
    Ok(())
}

/// Writes the built-in copies of folder `top` to `target` when it holds no definitions of its
/// own: all into a staging folder beside it, which then takes its place in one rename (a reader
/// sees no folder or the whole folder). A folder holding only hidden entries (`.git`,
/// `.gitkeep`, the lock file an earlier version left) is exchanged with the staging folder and
/// its hidden entries moved back in. Returns the folder when this call wrote it out. Errors name
/// `target`, never the staging folder.
fn materialise(top: &str, target: &Path) -> Result<Option<PathBuf>, String> {
    if crate::sources::in_use(target) {
        return Ok(None);
    }
    let _ = std::fs::remove_file(target.join(".merit-terbit.lock"));
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io(target, &e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = parent.join(format!(".{name}.bawaan-{}", uuid::Uuid::new_v4().simple()));
    let prefix = format!("{top}/");
    let result = (|| {
        std::fs::create_dir_all(&staging)?;
        for (rel, text) in crate::sources::builtin_files() {
            let Some(inner) = rel.strip_prefix(&prefix) else {
                continue;
            };
            let path = staging.join(inner);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            write_synced(&path, text)?;
        }
        if !target.is_dir() {
            return std::fs::rename(&staging, target);
        }
        // The hidden entries of the old folder (now at `staging`) move back in.
        exchange(&staging, target)?;
        for entry in std::fs::read_dir(&staging)? {
            let entry = entry?;
            std::fs::rename(entry.path(), target.join(entry.file_name()))?;
        }
        std::fs::remove_dir(&staging)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(io(target, &e));
    }
    Ok(Some(target.to_path_buf()))
}

/// Takes what [`materialise`] wrote out away again: each entry that is not hidden is renamed
/// aside and removed (nobody reads a half-removed ruleset), then the folder when it is empty.
fn unmaterialise(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let aside = folder.join(format!(".{name}.batal-{}", uuid::Uuid::new_v4().simple()));
        if std::fs::rename(entry.path(), &aside).is_ok() {
            let _ = std::fs::remove_dir_all(&aside).or_else(|_| std::fs::remove_file(&aside));
        }
    }
    let _ = std::fs::remove_dir(folder);
}

/// Writes `files` into a new folder beside `target`, then exchanges the two (Linux
/// `renameat2(RENAME_EXCHANGE)`: no moment without the folder); elsewhere, or when the target
/// does not exist yet, two renames.
fn swap_folder(target: &Path, files: &FileSet) -> Result<(), String> {
    let parent = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io(parent, &e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = parent.join(format!(".{name}.baru-{}", uuid::Uuid::new_v4().simple()));
    let result = (|| {
        // Errors name the file as it will be, never the staging folder.
        for (rel, text) in &files.0 {
            let path = staging.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io(&target.join(rel), &e))?;
            }
            write_synced(&path, text).map_err(|e| io(&target.join(rel), &e))?;
        }
        // Files merit does not manage (README.md) stay with the ruleset.
        if let Ok(text) = std::fs::read_to_string(target.join("README.md")) {
            let _ = std::fs::write(staging.join("README.md"), text);
        }
        if !target.exists() {
            return std::fs::rename(&staging, target).map_err(|e| io(target, &e));
        }
        if exchange(&staging, target).is_ok() {
            let _ = std::fs::remove_dir_all(&staging);
            return Ok(());
        }
        let old = parent.join(format!(".{name}.lama-{}", uuid::Uuid::new_v4().simple()));
        std::fs::rename(target, &old).map_err(|e| io(target, &e))?;
        if let Err(e) = std::fs::rename(&staging, target) {
            let _ = std::fs::rename(&old, target);
            return Err(io(target, &e));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Writes `text` to a new file and flushes it to the disk before the folder is swapped in.
fn write_synced(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::File::create(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// Holds an exclusive lock while a publication checks, writes and records (two processes
/// publishing the same definition take turns); released when dropped. The lock is taken on
/// the folder that holds the definition's folder (`rules/`'s parent for a ruleset), which
/// exists before any publication, so taking it creates nothing: no lock file is left in a
/// folder merit reads definitions from.
pub(super) struct PublishLock(#[allow(dead_code)] std::fs::File);

impl PublishLock {
    pub(super) fn take(settings: &Settings, key: &DefinitionKey) -> Result<Self, String> {
        let top = match key {
            DefinitionKey::Ruleset(_) => settings.rules_dir.clone(),
            DefinitionKey::Workflows | DefinitionKey::Templates => settings.workflows_dir.clone(),
            DefinitionKey::Documents => settings.documents_dir.clone(),
            DefinitionKey::Directory => settings.directory.clone(),
        };
        let folder = top
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        std::fs::create_dir_all(&folder).map_err(|e| io(&folder, &e))?;
        let dir = std::fs::File::open(&folder).map_err(|e| io(&folder, &e))?;
        rustix::fs::flock(&dir, rustix::fs::FlockOperation::LockExclusive)
            .map_err(|e| io(&folder, &std::io::Error::from(e)))?;
        Ok(Self(dir))
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_replaced_whole() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let target = tmp.path().join("rs");
        std::fs::create_dir_all(target.join("tests")).expect("mkdir");
        std::fs::write(target.join("lama.rhai"), "lama").expect("write");
        std::fs::write(target.join("README.md"), "baca").expect("write");
        let files = FileSet(
            [
                ("baru.rhai".to_owned(), "baru".to_owned()),
                ("tests/k.yaml".to_owned(), "k".to_owned()),
            ]
            .into(),
        );
        swap_folder(&target, &files).expect("swap");
        let read = read_folder(&target).expect("read");
        assert_eq!(read, files);
        assert_eq!(
            std::fs::read_to_string(target.join("README.md")).ok(),
            Some("baca".into())
        );
        let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("ls").collect();
        assert_eq!(left.len(), 1, "no staging folder is left behind");
    }

    #[test]
    fn built_in_copies_are_written_out_whole_and_taken_back() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let target = tmp.path().join("rules");
        let made = materialise("rules", &target).expect("materialise");
        assert_eq!(made.as_deref(), Some(target.as_path()));
        assert!(target.join("pppk_paruh_waktu/ruleset.yaml").is_file());
        assert!(target.join("pengisian_jabatan/ruleset.yaml").is_file());
        // A second call finds the folder and leaves it.
        assert_eq!(materialise("rules", &target).expect("again"), None);
        unmaterialise(&target);
        let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("ls").collect();
        assert!(left.is_empty(), "nothing left behind: {left:?}");

        // A folder holding only hidden entries keeps them: the copies are written in beside
        // them, and taken away again without them.
        std::fs::create_dir_all(target.join(".git")).expect("mkdir");
        std::fs::write(target.join(".gitkeep"), "").expect("write");
        let made = materialise("rules", &target).expect("materialise");
        assert_eq!(made.as_deref(), Some(target.as_path()));
        assert!(target.join("pppk_paruh_waktu/ruleset.yaml").is_file());
        assert!(target.join("pengisian_jabatan/ruleset.yaml").is_file());
        assert!(target.join(".git").is_dir() && target.join(".gitkeep").is_file());
        unmaterialise(&target);
        let mut left: Vec<String> = std::fs::read_dir(&target)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".git", ".gitkeep"]);
        let beside: Vec<_> = std::fs::read_dir(tmp.path()).expect("ls").collect();
        assert_eq!(beside.len(), 1, "no staging folder is left behind");
    }
}
