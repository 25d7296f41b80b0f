//! A TFTP root as a phone sees it: file names (case-sensitive) and, for the files a phone reads
//! as text, their contents. It is read from a directory or built in memory for tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Files larger than this are never read whole (firmware images are known by name and size).
const READ_LIMIT: u64 = 1 << 20;

/// One file of the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub size: u64,
    /// The bytes, for configuration files and `.loads` manifests; `None` for images.
    pub contents: Option<Vec<u8>>,
}

/// The files a TFTP server would serve.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TftpRoot {
    files: BTreeMap<String, Entry>,
    /// Where it was read from, if from disk.
    pub path: Option<PathBuf>,
    /// Things in the directory that a TFTP server would not serve as files (sub-directories,
    /// names that are not UTF-8, unreadable files).
    pub skipped: Vec<String>,
}

/// Whether phoneup reads this file's bytes (text the phone parses, and `.loads` manifests).
fn is_read(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".txt", ".cnf", ".xml", ".loads", ".tlv"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

impl TftpRoot {
    /// An empty root, in memory.
    pub fn new() -> TftpRoot {
        TftpRoot::default()
    }

    /// Adds or replaces a file.
    pub fn insert(&mut self, name: impl Into<String>, contents: impl Into<Vec<u8>>) {
        let contents = contents.into();
        self.files.insert(
            name.into(),
            Entry {
                size: contents.len() as u64,
                contents: Some(contents),
            },
        );
    }

    pub fn remove(&mut self, name: &str) {
        self.files.remove(name);
    }

    /// Reads a directory (not its sub-directories).
    pub fn from_dir(dir: &Path) -> Result<TftpRoot, Error> {
        let read_error = |source| Error::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut root = TftpRoot {
            path: Some(dir.to_path_buf()),
            ..TftpRoot::default()
        };
        for item in std::fs::read_dir(dir).map_err(read_error)? {
            let item = item.map_err(read_error)?;
            if item.file_name() == crate::tftp_root::write::STATE_DIR {
                continue;
            }
            let Ok(name) = item.file_name().into_string() else {
                root.skipped.push(format!(
                    "{}: the name is not UTF-8",
                    item.file_name().to_string_lossy()
                ));
                continue;
            };
            let metadata = match std::fs::metadata(item.path()) {
                Ok(m) => m,
                Err(e) => {
                    root.skipped.push(format!("{name}: {e}"));
                    continue;
                }
            };
            if !metadata.is_file() {
                root.skipped.push(format!("{name}: not a regular file"));
                continue;
            }
            let contents = if is_read(&name) && metadata.len() <= READ_LIMIT {
                match std::fs::read(item.path()) {
                    Ok(bytes) => Some(bytes),
                    Err(e) => {
                        root.skipped.push(format!("{name}: {e}"));
                        continue;
                    }
                }
            } else {
                None
            };
            root.files.insert(
                name,
                Entry {
                    size: metadata.len(),
                    contents,
                },
            );
        }
        Ok(root)
    }

    /// The file with exactly this name, as a TFTP server matches it.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.files.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// A file whose name differs from `name` only in case: the phone will not find it.
    pub fn case_variant(&self, name: &str) -> Option<&str> {
        self.files
            .keys()
            .find(|k| k.as_str() != name && k.eq_ignore_ascii_case(name))
            .map(String::as_str)
    }

    /// The text of a file, if it is present and was read.
    pub fn text(&self, name: &str) -> Option<String> {
        let entry = self.files.get(name)?;
        entry
            .contents
            .as_ref()
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}
