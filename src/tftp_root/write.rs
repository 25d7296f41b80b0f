//! Changing a TFTP root safely: atomic writes (a temporary file and a rename in the same
//! directory), and an undo journal under `.phoneup/undo/` that keeps every replaced or moved
//! file, so `phoneup undo` puts the directory back byte for byte.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The folder phoneup keeps its journal in, inside the TFTP root. A TFTP server serves files,
/// not folders, so phones never see it.
pub const STATE_DIR: &str = ".phoneup";
const UNDO_DIR: &str = "undo";
const MANIFEST: &str = "manifest.yaml";

/// What an apply did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// The file did not exist and was written.
    Created,
    /// The file existed and was rewritten; the journal keeps the old bytes.
    Modified,
    /// The file had to be absent; it was moved into the journal.
    MovedAside,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub file: String,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// What was applied, for people reading `.phoneup/undo/*/manifest.yaml`.
    pub description: String,
    pub entries: Vec<JournalEntry>,
}

/// Writes `path` atomically: the bytes go to a temporary file in the same directory, which is
/// synced and renamed over `path`. Readers see the old file or the new one, never a mix.
/// `permissions` (the replaced file's) are given to the new file.
pub fn write_atomic(path: &Path, bytes: &[u8], permissions: Option<Permissions>) -> io::Result<()> {
    write_atomic_with(path, permissions, |file| file.write_all(bytes))
}

/// [`write_atomic`] with the contents written by `fill`; if `fill` fails, `path` is untouched
/// and the temporary file is removed.
pub fn write_atomic_with(
    path: &Path,
    permissions: Option<Permissions>,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?
        .to_string_lossy();
    let temporary = dir.join(format!(".{name}.phoneup-{}.tmp", std::process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)?;
    let written = fill(&mut file)
        .and_then(|()| file.sync_all())
        .and_then(|()| match permissions {
            Some(p) => fs::set_permissions(&temporary, p),
            None => Ok(()),
        });
    drop(file);
    if let Err(error) = written.and_then(|()| fs::rename(&temporary, path)) {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }
    Ok(())
}

fn io_error(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn undo_root(dir: &Path) -> PathBuf {
    dir.join(STATE_DIR).join(UNDO_DIR)
}

/// The journal folders, oldest first.
fn journals(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let root = undo_root(dir);
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    let mut found: Vec<(u64, PathBuf)> = Vec::new();
    for entry in fs::read_dir(&root).map_err(|source| Error::Read {
        path: root.clone(),
        source,
    })? {
        let entry = entry.map_err(|source| Error::Read {
            path: root.clone(),
            source,
        })?;
        if let Some(n) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u64>().ok())
        {
            found.push((n, entry.path()));
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, path)| path).collect())
}

/// One planned change to a file of the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub file: String,
    /// The new contents; `None` moves the file aside.
    pub contents: Option<Vec<u8>>,
}

impl FileChange {
    /// What applying this change to `dir` does; `None` when it does nothing (moving aside a
    /// file that is not there).
    pub fn action(&self, dir: &Path) -> Option<Action> {
        match (&self.contents, dir.join(&self.file).is_file()) {
            (None, false) => None,
            (None, true) => Some(Action::MovedAside),
            (Some(_), true) => Some(Action::Modified),
            (Some(_), false) => Some(Action::Created),
        }
    }
}

/// Applies changes to `dir`, journaling them first so that [`undo`] can reverse them.
pub fn apply_changes(
    dir: &Path,
    description: &str,
    changes: &[FileChange],
) -> Result<Journal, Error> {
    let existing = journals(dir)?;
    let next = existing
        .last()
        .and_then(|p| p.file_name()?.to_str()?.parse::<u64>().ok())
        .map_or(1, |n| n + 1);
    let journal_dir = undo_root(dir).join(format!("{next:04}"));
    fs::create_dir_all(&journal_dir).map_err(io_error(&journal_dir))?;

    let mut journal = Journal {
        description: description.to_string(),
        entries: Vec::new(),
    };
    for change in changes {
        let path = dir.join(&change.file);
        let Some(action) = change.action(dir) else {
            continue;
        };
        if action == Action::Modified {
            // Keep the old bytes before anything changes.
            let old = fs::read(&path).map_err(io_error(&path))?;
            let saved = journal_dir.join(&change.file);
            write_atomic(&saved, &old, None).map_err(io_error(&saved))?;
        }
        journal.entries.push(JournalEntry {
            file: change.file.clone(),
            action,
        });
    }
    let manifest = journal_dir.join(MANIFEST);
    let text = serde_yaml::to_string(&journal).expect("the journal serialises");
    write_atomic(&manifest, text.as_bytes(), None).map_err(io_error(&manifest))?;

    for change in changes {
        let path = dir.join(&change.file);
        match &change.contents {
            Some(bytes) => {
                let permissions = fs::metadata(&path).ok().map(|m| m.permissions());
                write_atomic(&path, bytes, permissions).map_err(io_error(&path))?;
            }
            None if path.is_file() => {
                let aside = journal_dir.join(&change.file);
                fs::rename(&path, &aside).map_err(io_error(&path))?;
            }
            None => {}
        }
    }
    Ok(journal)
}

/// The newest copy of `file` that an apply moved aside, so a later stage that needs the file
/// again can start from the user's own version.
pub fn latest_moved_aside(dir: &Path, file: &str) -> Option<Vec<u8>> {
    for journal_dir in journals(dir).ok()?.into_iter().rev() {
        let text = fs::read_to_string(journal_dir.join(MANIFEST)).ok()?;
        let journal: Journal = serde_yaml::from_str(&text).ok()?;
        if journal
            .entries
            .iter()
            .any(|e| e.file == file && e.action == Action::MovedAside)
        {
            return fs::read(journal_dir.join(file)).ok();
        }
    }
    None
}

/// Reverses the last [`apply_changes`]; `None` when there is nothing to undo.
pub fn undo(dir: &Path) -> Result<Option<Journal>, Error> {
    fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let Some(journal_dir) = journals(dir)?.pop() else {
        return Ok(None);
    };
    let manifest = journal_dir.join(MANIFEST);
    if !manifest.is_file() {
        // The manifest is written before any change: an apply that stopped before it changed
        // nothing, so its folder is dropped and the apply before it is undone.
        fs::remove_dir_all(&journal_dir).map_err(io_error(&journal_dir))?;
        return undo(dir);
    }
    let text = fs::read_to_string(&manifest).map_err(|source| Error::Read {
        path: manifest.clone(),
        source,
    })?;
    let journal: Journal = serde_yaml::from_str(&text).map_err(|e| Error::Matrix {
        origin: manifest.display().to_string(),
        line: e.location().map(|l| l.line()),
        message: format!("the undo journal is damaged: {e}"),
    })?;
    for entry in journal.entries.iter().rev() {
        let path = dir.join(&entry.file);
        let saved = journal_dir.join(&entry.file);
        match entry.action {
            // An apply that stopped halfway left some entries undone: skip what never happened.
            Action::Created => {
                if path.is_file() {
                    fs::remove_file(&path).map_err(io_error(&path))?;
                }
            }
            Action::Modified => {
                let old = fs::read(&saved).map_err(io_error(&saved))?;
                let permissions = fs::metadata(&path).ok().map(|m| m.permissions());
                write_atomic(&path, &old, permissions).map_err(io_error(&path))?;
            }
            Action::MovedAside => {
                if saved.is_file() {
                    fs::rename(&saved, &path).map_err(io_error(&path))?;
                }
            }
        }
    }
    fs::remove_dir_all(&journal_dir).map_err(io_error(&journal_dir))?;
    // Leave no empty state folders behind.
    let _ = fs::remove_dir(undo_root(dir));
    let _ = fs::remove_dir(dir.join(STATE_DIR));
    Ok(Some(journal))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("phoneup-write-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn an_interrupted_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempdir("interrupt");
        let path = dir.join("SIPDefault.cnf");
        fs::write(&path, "image_version: OLD\n").unwrap();
        let result = write_atomic_with(&path, None, |file| {
            file.write_all(b"image_version: NE")?;
            Err(io::Error::other("power cut"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "image_version: OLD\n");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "the temporary file is gone"
        );
        write_atomic(&path, b"image_version: NEW\n", None).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "image_version: NEW\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// Modify SIPDefault.cnf, create OS79XX.TXT, move XMLDefault.cnf.xml aside: a stage's worth.
    fn stage_like_changes() -> [FileChange; 3] {
        [
            FileChange {
                file: "SIPDefault.cnf".into(),
                contents: Some(b"changed".to_vec()),
            },
            FileChange {
                file: "OS79XX.TXT".into(),
                contents: Some(b"P0S3-06-3-00\n".to_vec()),
            },
            FileChange {
                file: "XMLDefault.cnf.xml".into(),
                contents: None,
            },
        ]
    }

    #[test]
    fn apply_then_undo_restores_every_byte() {
        let dir = tempdir("undo");
        fs::write(
            dir.join("SIPDefault.cnf"),
            "a: 1\r\nimage_version: X ; c\r\n",
        )
        .unwrap();
        fs::write(dir.join("XMLDefault.cnf.xml"), "<Default/>").unwrap();
        let changes = stage_like_changes();
        let journal = apply_changes(&dir, "test", &changes).unwrap();
        assert_eq!(
            journal.entries.iter().map(|e| e.action).collect::<Vec<_>>(),
            [Action::Modified, Action::Created, Action::MovedAside]
        );
        assert!(!dir.join("XMLDefault.cnf.xml").exists());
        assert_eq!(
            fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap(),
            "changed"
        );
        undo(&dir).unwrap().unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap(),
            "a: 1\r\nimage_version: X ; c\r\n"
        );
        assert_eq!(
            fs::read_to_string(dir.join("XMLDefault.cnf.xml")).unwrap(),
            "<Default/>"
        );
        assert!(!dir.join("OS79XX.TXT").exists());
        assert!(!dir.join(STATE_DIR).exists());
        assert_eq!(undo(&dir).unwrap(), None);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn undo_after_an_apply_that_stopped_halfway_restores_what_it_changed() {
        let dir = tempdir("halfway");
        fs::create_dir_all(dir.join("OS79XX.TXT")).unwrap(); // a folder: writing it fails
        fs::write(dir.join("SIPDefault.cnf"), "a: 1\n").unwrap();
        fs::write(dir.join("XMLDefault.cnf.xml"), "<Default/>").unwrap();
        let changes = stage_like_changes();
        assert!(apply_changes(&dir, "halfway", &changes).is_err());
        assert_eq!(
            fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap(),
            "changed"
        );
        undo(&dir).unwrap().unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap(),
            "a: 1\n"
        );
        assert_eq!(
            fs::read_to_string(dir.join("XMLDefault.cnf.xml")).unwrap(),
            "<Default/>"
        );
        assert!(
            dir.join("OS79XX.TXT").is_dir(),
            "the user's folder is left alone"
        );
        // A journal folder without a manifest (an apply that stopped while saving backups) is
        // skipped, and undo goes on to the apply before it.
        apply_changes(&dir, "first", &[changes[0].clone()]).unwrap();
        fs::create_dir_all(undo_root(&dir).join("0099")).unwrap();
        assert_eq!(undo(&dir).unwrap().unwrap().description, "first");
        assert_eq!(
            fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap(),
            "a: 1\n"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
