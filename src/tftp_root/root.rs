//! A TFTP root as a phone sees it: file names (case-sensitive) and, for the files a phone reads
//! as text, their contents. It is read from a directory or built in memory for tests. Reading
//! is bounded: [`read_regular`] checks a file's type and size before it reads a byte, so a
//! FIFO, a device or a huge file never hangs or floods phoneup. A symbolic link that leads out
//! of the directory is never read, as a TFTP server confined to the directory never serves it:
//! no phoneup command shows a byte of a file outside the root.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::output::IoText;

/// Files larger than this are never read whole (firmware images are known by name and size). A
/// phone's configuration file is a few kilobytes.
pub const READ_LIMIT: u64 = 1 << 20;

/// `cnu41.x.sbn (the root has CNU41.x.sbn: rename it)`: a file the phone asks for, which the
/// root holds only under `variant`, another case (a case-sensitive server answers File not
/// found).
pub fn to_rename(name: &str, variant: &str) -> String {
    format!("{name} (the root has {variant}: rename it)")
}

/// What [`read_regular`] found at a path.
#[derive(Debug)]
pub enum Contents {
    /// A regular file, read whole.
    Bytes(Vec<u8>, fs::Metadata),
    /// Something that is not a regular file: "a FIFO (named pipe)", "a folder"...
    NotRegular(&'static str),
    /// A regular file over [`READ_LIMIT`], not read; its size.
    TooLarge(u64),
}

/// What a file type is, in words.
pub fn describe(file_type: fs::FileType) -> &'static str {
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_dir() {
        "a folder"
    } else if file_type.is_fifo() {
        "a FIFO (named pipe)"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// "1.0 GiB", "2.0 MiB", "512 bytes".
pub fn size_text(size: u64) -> String {
    match size {
        s if s >= 1 << 30 => format!("{:.1} GiB", s as f64 / f64::from(1u32 << 30)),
        s if s >= 1 << 20 => format!("{:.1} MiB", s as f64 / f64::from(1u32 << 20)),
        s if s >= 1 << 10 => format!("{:.1} KiB", s as f64 / f64::from(1u32 << 10)),
        s => format!("{s} bytes"),
    }
}

/// Reads a regular file of at most [`READ_LIMIT`] bytes. The type and size are checked before
/// the file is opened (a device is never opened) and again on the open descriptor, which is
/// opened without blocking (a FIFO swapped in meanwhile cannot hang the read) and, unless
/// `follow`, without following a symbolic link.
pub fn read_regular(path: &Path, follow: bool) -> io::Result<Contents> {
    read_checked(path, follow, None)
}

/// [`read_regular`] of a file that must be inside the directory whose canonical path is
/// `inside`: a final link is not followed, and the open file's own path is checked (through
/// `/proc/self/fd`), so a folder swapped for a link on the way cannot lead the read outside.
fn read_inside(path: &Path, inside: &Path) -> io::Result<Contents> {
    read_checked(path, false, Some(inside))
}

fn read_checked(path: &Path, follow: bool, inside: Option<&Path>) -> io::Result<Contents> {
    let metadata = if follow {
        fs::metadata(path)?
    } else {
        fs::symlink_metadata(path)?
    };
    if !metadata.is_file() {
        return Ok(Contents::NotRegular(describe(metadata.file_type())));
    }
    if metadata.len() > READ_LIMIT {
        return Ok(Contents::TooLarge(metadata.len()));
    }
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
    if !follow {
        flags |= libc::O_NOFOLLOW;
    }
    let file = match fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) && !follow => {
            return Ok(Contents::NotRegular("a symbolic link"))
        }
        Err(e) => return Err(e),
    };
    if let Some(inside) = inside {
        let opened_at = fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()));
        if opened_at.is_ok_and(|at| !at.starts_with(inside)) {
            return Err(io::Error::other(LEAVES));
        }
    }
    let opened = file.metadata()?;
    if !opened.is_file() || opened.ino() != metadata.ino() || opened.dev() != metadata.dev() {
        return Ok(Contents::NotRegular(describe(opened.file_type())));
    }
    let mut bytes = Vec::with_capacity(opened.len() as usize);
    file.take(READ_LIMIT + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > READ_LIMIT {
        return Ok(Contents::TooLarge(bytes.len() as u64));
    }
    Ok(Contents::Bytes(bytes, opened))
}

/// Whether `name` in the directory `dir` is a symbolic link that leads out of it (the canonical
/// path of what it points to is not inside the directory's). A link that dangles leads nowhere.
pub fn leaves(dir: &Path, name: &str) -> bool {
    match (fs::canonicalize(dir), fs::canonicalize(dir.join(name))) {
        (Ok(dir), Ok(resolved)) => !resolved.starts_with(dir),
        _ => false,
    }
}

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
    /// Files a phone reads as text that phoneup could not read (too large, unreadable, not a
    /// regular file): `(name, why)`. Nothing about them was checked.
    pub unread: Vec<(String, String)>,
    /// Symbolic links that lead out of the directory, never read: `(name, where it points)`.
    /// They are in [`TftpRoot::skipped`] too.
    pub leaving: Vec<(String, String)>,
}

/// Why a link out of the directory is not read: what a server confined to the directory does.
pub const LEAVES: &str =
    "a link that leaves the directory: tftpd-hpa --secure and phoneup serve do not serve it";

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

    /// Reads a directory (not its sub-directories) as a TFTP server confined to it serves it:
    /// a symbolic link that leads out of the directory is not read (its name goes to
    /// [`TftpRoot::skipped`] and [`TftpRoot::leaving`]); a link to a file inside it is.
    pub fn from_dir(dir: &Path) -> Result<TftpRoot, Error> {
        let read_error = |source| Error::tftp_root(dir, source);
        let canonical = fs::canonicalize(dir).map_err(read_error)?;
        let mut root = TftpRoot {
            path: Some(dir.to_path_buf()),
            ..TftpRoot::default()
        };
        for item in fs::read_dir(dir).map_err(read_error)? {
            let item = item.map_err(read_error)?;
            let Ok(name) = item.file_name().into_string() else {
                root.skipped.push(format!(
                    "{}: the name is not UTF-8",
                    item.file_name().to_string_lossy()
                ));
                continue;
            };
            // What is read: the entry itself, or for a link the file inside the directory
            // it leads to (read without following a link again).
            let mut path = item.path();
            if item.file_type().is_ok_and(|t| t.is_symlink()) {
                match fs::canonicalize(&path) {
                    Ok(resolved) if !resolved.starts_with(&canonical) => {
                        let target = fs::read_link(&path)
                            .map(|t| t.to_string_lossy().into_owned())
                            .unwrap_or_else(|_| resolved.display().to_string());
                        root.skipped
                            .push(format!("{name}: {LEAVES} (it points to {target})"));
                        root.leaving.push((name, target));
                        continue;
                    }
                    Ok(resolved) => path = resolved,
                    // Dangling, or a loop: said below.
                    Err(_) => {}
                }
            }
            let metadata = match fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    let why = match fs::read_link(&path) {
                        Ok(target) if e.kind() == io::ErrorKind::NotFound => format!(
                            "it is a symbolic link to {}, which does not exist",
                            target.display()
                        ),
                        _ => e.to_string(),
                    };
                    if is_read(&name) {
                        root.unread.push((name.clone(), why.clone()));
                    }
                    root.skipped.push(format!("{name}: {why}"));
                    continue;
                }
            };
            if !metadata.is_file() {
                let what = describe(metadata.file_type());
                if is_read(&name) {
                    root.unread
                        .push((name.clone(), format!("it is {what}, not a regular file")));
                }
                root.skipped
                    .push(format!("{name}: not a regular file ({what})"));
                continue;
            }
            let contents = if is_read(&name) {
                match read_inside(&path, &canonical) {
                    Ok(Contents::Bytes(bytes, _)) => Some(bytes),
                    Ok(Contents::TooLarge(size)) => {
                        root.unread.push((
                            name.clone(),
                            format!(
                                "it is {}, more than the {} phoneup reads",
                                size_text(size),
                                size_text(READ_LIMIT)
                            ),
                        ));
                        None
                    }
                    Ok(Contents::NotRegular(what)) => {
                        root.unread
                            .push((name.clone(), format!("it is {what}, not a regular file")));
                        root.skipped
                            .push(format!("{name}: not a regular file ({what})"));
                        continue;
                    }
                    Err(e) => {
                        let e = IoText(&e);
                        root.unread.push((name.clone(), e.to_string()));
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
        // In name order, whatever order the directory lists them in.
        root.skipped.sort();
        root.unread.sort();
        root.leaving.sort();
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

    /// How a file the phone asks for and the root lacks is said: its name, or with the case
    /// variant the root holds, to rename ([`to_rename`]).
    pub fn lacking(&self, name: &str) -> String {
        match self.case_variant(name) {
            Some(variant) => to_rename(name, variant),
            None => name.to_string(),
        }
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
