//! Where phoneup keeps what it must remember about a TFTP root (the undo journal; later `serve`'s
//! state): beside the user's data, never inside the directory the TFTP server serves. By default
//! under `$XDG_STATE_HOME/phoneup/` (or `~/.local/state/phoneup/`), one folder per root, keyed by
//! the root's canonical path; or in a folder the user names. Also the exclusive lock that keeps
//! two phoneup runs from changing one root at once.
//!
//! May use: [`crate::error`] only.

use std::fs::{self, DirBuilder, File};
use std::io::{self, ErrorKind};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::Error;

/// The file in a state folder that names the root it belongs to.
const MARKER: &str = "root.txt";

/// How long a run waits for another phoneup to release a root before it gives up.
const LOCK_WAIT: Duration = Duration::from_secs(60);

/// `$XDG_STATE_HOME/phoneup`, or `~/.local/state/phoneup` when that is unset (or not absolute,
/// as the XDG specification asks).
pub fn base() -> Result<PathBuf, Error> {
    if let Some(state) = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from) {
        if state.is_absolute() {
            return Ok(state.join("phoneup"));
        }
    }
    match std::env::var_os("HOME").map(PathBuf::from) {
        Some(home) if home.is_absolute() => Ok(home.join(".local/state/phoneup")),
        _ => Err(Error::Usage {
            message: "phoneup keeps its undo journal in $XDG_STATE_HOME/phoneup or ~/.local/state/phoneup, and neither XDG_STATE_HOME nor HOME is set: set one, or pass --journal DIR (a folder outside the TFTP root)".into(),
        }),
    }
}

/// A short name for a root that stays the same from run to run: its last folder's name (for
/// people) and a hash of its canonical path (so two roots never share a folder).
pub fn key(canonical_root: &Path) -> String {
    // FNV-1a, 64 bits: stable across Rust versions, unlike the standard library's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in canonical_root.as_os_str().as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let name: String = canonical_root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "root".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    format!("{name}-{hash:016x}")
}

/// The canonical path of a TFTP root, which must be a folder.
pub fn canonical_root(root: &Path) -> Result<PathBuf, Error> {
    let canonical = fs::canonicalize(root).map_err(|source| Error::tftp_root(root, source))?;
    if !canonical.is_dir() {
        return Err(Error::tftp_root(
            root,
            io::Error::new(ErrorKind::NotADirectory, "not a directory"),
        ));
    }
    Ok(canonical)
}

/// The folder phoneup keeps `purpose` (`journal`, `serve`) in for the root at `canonical_root`:
/// `explicit` when the user named one, otherwise `base()/purpose/key(root)`. Never inside the
/// root: a TFTP server would serve it.
pub fn folder_for(
    canonical_root: &Path,
    purpose: &str,
    explicit: Option<&Path>,
) -> Result<PathBuf, Error> {
    let folder = match explicit {
        Some(dir) => std::path::absolute(dir).map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?,
        None => base()?.join(purpose).join(key(canonical_root)),
    };
    if resolved(&folder).starts_with(canonical_root) {
        return Err(Error::Usage {
            message: format!(
                "phoneup would keep its {purpose} in {}, inside the TFTP root {}, where the TFTP server serves it to anyone who asks. Pass --journal DIR with a folder outside the root.",
                folder.display(),
                canonical_root.display()
            ),
        });
    }
    Ok(folder)
}

/// `path` with its longest existing ancestor canonicalised: where it is, or will be, on disk.
fn resolved(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut existing = path;
    loop {
        if let Ok(canonical) = fs::canonicalize(existing) {
            let mut out = canonical;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// The effective user id of this process.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Makes sure `path` is a folder phoneup may keep private state in: created (mode 0700) when
/// missing, refused when it is a symbolic link, not a folder, or another user's.
pub fn private_folder(path: &Path) -> Result<(), Error> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            DirBuilder::new()
                .mode(0o700)
                .create(path)
                .or_else(|e| {
                    if e.kind() == ErrorKind::AlreadyExists {
                        Ok(())
                    } else {
                        Err(e)
                    }
                })
                .map_err(|source| Error::Write {
                    path: path.to_path_buf(),
                    source,
                })?;
            // Whatever won a race to create it must pass the same checks.
            check_folder(path, &fs::symlink_metadata(path).map_err(read_error(path))?)
        }
        Err(source) => Err(Error::Read {
            path: path.to_path_buf(),
            source,
        }),
        Ok(metadata) => check_folder(path, &metadata),
    }
}

fn read_error(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

fn check_folder(path: &Path, metadata: &fs::Metadata) -> Result<(), Error> {
    let problem = if metadata.file_type().is_symlink() {
        "is a symbolic link: phoneup keeps its state only in folders it made itself, never where a link points"
    } else if !metadata.is_dir() {
        "is not a folder"
    } else if metadata.uid() != euid() && euid() != 0 {
        "belongs to another user: phoneup keeps its state only in your own folders"
    } else {
        return Ok(());
    };
    Err(Error::Unsafe {
        path: path.to_path_buf(),
        problem: problem.into(),
        fix: "Remove it (or pass --journal DIR to use another folder), then run this again.".into(),
    })
}

/// Creates (when missing) and checks the folder phoneup keeps `purpose` in for the root at
/// `canonical_root` (see [`folder_for`]), and returns it. phoneup's own folders (`phoneup/`,
/// `phoneup/PURPOSE/`, the root's folder) are private and never symbolic links; the folders
/// above them are the user's and are only created when missing. Call [`claim`] on it once it
/// is locked.
pub fn prepare(
    canonical_root: &Path,
    purpose: &str,
    explicit: Option<&Path>,
) -> Result<PathBuf, Error> {
    let folder = folder_for(canonical_root, purpose, explicit)?;
    let users = match explicit {
        Some(_) => folder.parent(),
        None => folder
            .parent()
            .and_then(Path::parent)
            .and_then(Path::parent),
    };
    // The folder is absolute (see folder_for): it has a parent unless it is `/`.
    if let Some(parent) = users.filter(|p| !p.exists()) {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .map_err(|source| Error::Write {
                path: parent.to_path_buf(),
                source,
            })?;
    }
    if explicit.is_none() {
        let purpose_folder = folder.parent().expect("base/purpose/key");
        private_folder(purpose_folder.parent().expect("base/purpose"))?;
        private_folder(purpose_folder)?;
    }
    private_folder(&folder)?;
    Ok(folder)
}

/// Checks that `folder` belongs to the root at `canonical_root`, marking it as that root's
/// when it is new: a folder that names another root, or that holds other things, is refused
/// rather than mixed with. Call it holding the folder's lock, so two runs never both mark it.
pub fn claim(folder: &Path, canonical_root: &Path) -> Result<(), Error> {
    private_folder(folder)?;
    let marker = folder.join(MARKER);
    let expected = format!("{}\n", canonical_root.display());
    match fs::read_to_string(&marker) {
        Ok(text) if text == expected => Ok(()),
        Ok(text) if !text.ends_with('\n') => {
            // A run killed while it wrote the marker: write it again.
            fs::remove_file(&marker).map_err(|source| Error::Write {
                path: marker.clone(),
                source,
            })?;
            claim(folder, canonical_root)
        }
        Ok(text) => Err(Error::Usage {
            message: format!(
                "{} holds the undo journal of {}, not of {}: give each TFTP root its own --journal folder",
                folder.display(),
                text.trim_end(),
                canonical_root.display()
            ),
        }),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let others = fs::read_dir(folder)
                .map_err(read_error(folder))?
                .filter_map(Result::ok)
                .count();
            if others > 0 {
                return Err(Error::Usage {
                    message: format!(
                        "{} is not empty and is not a phoneup journal: give --journal an empty or new folder",
                        folder.display()
                    ),
                });
            }
            write_new(&marker, expected.as_bytes())
        }
        Err(source) => Err(Error::Read {
            path: marker,
            source,
        }),
    }
}

/// Writes a new private file (0600); an existing file or link of that name is an error.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let write_error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(write_error)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(write_error)
}

/// An exclusive lock on some folders, held until dropped.
#[derive(Debug)]
pub struct Lock {
    _held: Vec<File>,
}

/// Takes an exclusive lock (`flock`) on each folder, in order, waiting a bounded time for
/// another phoneup to release it. `root` names the TFTP root in the message.
pub fn lock(folders: &[&Path], root: &Path) -> Result<Lock, Error> {
    let mut held = Vec::new();
    for folder in folders {
        let file = File::open(folder).map_err(read_error(folder))?;
        let started = Instant::now();
        loop {
            // SAFETY: flock on a descriptor this function owns; it only sets a lock.
            let done = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if done == 0 {
                break;
            }
            let error = io::Error::last_os_error();
            match error.raw_os_error() {
                Some(libc::EWOULDBLOCK) | Some(libc::EINTR) => {}
                _ => {
                    return Err(Error::Read {
                        path: folder.to_path_buf(),
                        source: error,
                    })
                }
            }
            if started.elapsed() > LOCK_WAIT {
                return Err(Error::Busy {
                    root: root.to_path_buf(),
                    lock: folder.to_path_buf(),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        held.push(file);
    }
    Ok(Lock { _held: held })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_readable_and_distinct() {
        let a = key(Path::new("/srv/tftp"));
        assert!(a.starts_with("tftp-"), "{a}");
        assert_eq!(a.len(), "tftp-".len() + 16);
        assert_eq!(a, key(Path::new("/srv/tftp")));
        assert_ne!(a, key(Path::new("/home/pi/tftp")));
        assert!(key(Path::new("/")).starts_with("root-"));
        assert!(key(Path::new("/srv/my tftp\n")).starts_with("my_tftp_-"));
        // The same folder names in every version of phoneup: an undo after an upgrade finds
        // the journal of the apply before it.
        assert_eq!(a, "tftp-13140344e8e5e0de");
        assert_eq!(
            key(Path::new("/srv/my tftp.root")),
            "my_tftp_root-9a7062c9bcb70c5e"
        );
        assert_eq!(key(Path::new("/")), "root-af63a24c860189fe");
        let long = format!("/srv/{}", "a-b_c".repeat(20));
        assert_eq!(
            key(Path::new(&long)).len(),
            40 + 1 + 16,
            "the name is cut at 40"
        );
        assert!(key(Path::new(&long)).starts_with(&format!("{}-", "a-b_c".repeat(8))));
    }

    #[test]
    fn a_journal_folder_is_claimed_once_for_one_root_only() {
        let temp = tempfile::tempdir().unwrap();
        let base = temp.path();
        let (one, other, folder) = (base.join("one"), base.join("other"), base.join("journal"));
        for dir in [&one, &other, &folder] {
            fs::create_dir_all(dir).unwrap();
        }
        claim(&folder, &one).unwrap();
        let marker = folder.join(MARKER);
        assert_eq!(
            fs::read_to_string(&marker).unwrap(),
            format!("{}\n", one.display())
        );
        claim(&folder, &one).unwrap();
        let error = claim(&folder, &other).unwrap_err().to_string();
        assert!(
            error.contains(&format!(
                "holds the undo journal of {}, not of {}",
                one.display(),
                other.display()
            )),
            "{error}"
        );
        // A marker cut short by a killed run is written again.
        fs::write(&marker, "/srv/tf").unwrap();
        claim(&folder, &other).unwrap();
        assert_eq!(
            fs::read_to_string(&marker).unwrap(),
            format!("{}\n", other.display())
        );
        // A folder that holds other things is not made a journal.
        let busy = base.join("busy");
        fs::create_dir_all(&busy).unwrap();
        fs::write(busy.join("notes.txt"), "mine").unwrap();
        let error = claim(&busy, &one).unwrap_err().to_string();
        assert!(
            error.contains("is not empty and is not a phoneup journal"),
            "{error}"
        );
        assert!(!busy.join(MARKER).exists());
    }

    #[test]
    fn a_folder_inside_the_root_is_refused() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("root");
        fs::create_dir_all(&root).unwrap();
        let canonical = canonical_root(&root).unwrap();
        let inside = root.join("sub/journal");
        let error = folder_for(&canonical, "journal", Some(&inside)).unwrap_err();
        assert!(
            error.to_string().contains("inside the TFTP root"),
            "{error}"
        );
        let outside = temp.path().join("elsewhere");
        assert_eq!(
            folder_for(&canonical, "journal", Some(&outside)).unwrap(),
            outside
        );
    }
}
