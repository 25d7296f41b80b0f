//! Changing files of a TFTP root safely: what a file is before it changes ([`inspect`]: a
//! regular file read within bounds, a link, or nothing; never a FIFO or a device), atomic
//! writes that keep the replaced file's owner, group and mode ([`write_atomic`]), links put
//! back as links ([`write_link`]), and the removal of temporary files a killed run left behind
//! ([`clean_temporaries`]).
//!
//! May use: [`crate::error`] and [`crate::tftp_root::root`] only.

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::tftp_root::root::{read_regular, size_text, Contents, READ_LIMIT};

/// Who owns a file and who may read it: kept when phoneup replaces the file, and put back by
/// `undo`, so a TFTP daemon that could read the file before still can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    /// The permission bits (`0o640`).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

impl Owner {
    pub fn of(metadata: &fs::Metadata) -> Owner {
        Owner {
            mode: metadata.mode() & 0o7777,
            uid: metadata.uid(),
            gid: metadata.gid(),
        }
    }

    /// What a new file holding a copy of this file's bytes gets, as far as this process may
    /// give it: as root, this owner, group and mode; otherwise this user as owner, this group
    /// if the user is in it, and this mode, never wider. Without the group, the group gets no
    /// access. Set-id and sticky bits are never copied.
    pub fn for_copy(self) -> Owner {
        // SAFETY: geteuid and getegid have no preconditions and cannot fail.
        let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
        self.copy_by(euid, egid, member_of(self.gid, egid, &groups()))
    }

    /// [`Owner::for_copy`] for the user `euid` of group `egid`, a member of this file's group
    /// or not.
    fn copy_by(self, euid: u32, egid: u32, member: bool) -> Owner {
        let mode = self.mode & 0o777;
        match (euid, member) {
            (0, _) => Owner { mode, ..self },
            (_, true) => Owner {
                mode,
                uid: euid,
                gid: self.gid,
            },
            (_, false) => Owner {
                mode: mode & !0o070,
                uid: euid,
                gid: egid,
            },
        }
    }
}

/// Whether a process of group `egid` with the supplementary `groups` is in the group `gid`.
fn member_of(gid: u32, egid: u32, groups: &[libc::gid_t]) -> bool {
    gid == egid || groups.contains(&gid)
}

/// The supplementary groups of this process.
fn groups() -> Vec<libc::gid_t> {
    // SAFETY: with a size of 0, getgroups writes nothing and returns the count.
    let count = unsafe { libc::getgroups(0, std::ptr::null_mut()) };
    let Ok(size) = usize::try_from(count) else {
        return Vec::new();
    };
    let mut groups: Vec<libc::gid_t> = vec![0; size];
    // SAFETY: the buffer holds `count` entries.
    let count = unsafe { libc::getgroups(count, groups.as_mut_ptr()) };
    groups.truncate(usize::try_from(count).unwrap_or(0).min(size));
    groups
}

/// What is at a path of the root before phoneup changes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existing {
    Absent,
    /// A regular file, read whole, with its owner and its number of hard links.
    File {
        bytes: Vec<u8>,
        owner: Owner,
        links: u64,
    },
    /// A symbolic link: where it points, and the bytes, owner, group and mode of its target
    /// when that is a regular file (`None` when the link dangles).
    Link {
        target: String,
        bytes: Option<Vec<u8>>,
        owner: Option<Owner>,
    },
}

impl Existing {
    /// The bytes a reader of this path gets today, if any.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Existing::Absent => None,
            Existing::File { bytes, .. } => Some(bytes),
            Existing::Link { bytes, .. } => bytes.as_deref(),
        }
    }
}

fn unsafe_file(path: &Path, problem: String) -> Error {
    Error::Unsafe {
        path: path.to_path_buf(),
        problem,
        fix: "Replace it with the configuration file itself (or move it out of the directory), then run this again.".into(),
    }
}

fn too_large(path: &Path, size: u64) -> Error {
    unsafe_file(
        path,
        format!(
            "is {}: a phone's configuration file is a few kilobytes, and phoneup reads at most {}",
            size_text(size),
            size_text(READ_LIMIT)
        ),
    )
}

/// Looks at `path` without following a link and reads it within bounds: a FIFO, a device, a
/// folder or a file over the size limit is an error that says so, before a byte is read.
pub fn inspect(path: &Path) -> Result<Existing, Error> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let metadata = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Existing::Absent),
        Err(source) => return Err(read_error(source)),
    };
    if metadata.file_type().is_symlink() {
        let target = fs::read_link(path).map_err(read_error)?;
        let Some(target) = target.to_str().map(str::to_string) else {
            return Err(unsafe_file(
                path,
                "is a symbolic link whose target is not UTF-8".into(),
            ));
        };
        let (bytes, owner) = match read_regular(path, true) {
            Ok(Contents::Bytes(bytes, metadata)) => (Some(bytes), Some(Owner::of(&metadata))),
            Ok(Contents::TooLarge(size)) => return Err(too_large(path, size)),
            Ok(Contents::NotRegular(what)) => {
                return Err(unsafe_file(
                    path,
                    format!("is a symbolic link to {target}, which is {what}, not a regular file"),
                ))
            }
            Err(e) if e.kind() == ErrorKind::NotFound => (None, None),
            Err(source) => return Err(read_error(source)),
        };
        return Ok(Existing::Link {
            target,
            bytes,
            owner,
        });
    }
    match read_regular(path, false).map_err(read_error)? {
        Contents::Bytes(bytes, metadata) => Ok(Existing::File {
            bytes,
            owner: Owner::of(&metadata),
            links: metadata.nlink(),
        }),
        Contents::TooLarge(size) => Err(too_large(path, size)),
        Contents::NotRegular(what) => Err(unsafe_file(
            path,
            format!("is {what}, not a regular file: phoneup reads and replaces only regular files"),
        )),
    }
}

/// The temporary name a write to `path` goes through, in the same folder.
fn temporary(path: &Path) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(ErrorKind::InvalidInput, "no file name"))?
        .to_string_lossy();
    Ok(folder(path).join(format!(".{name}.phoneup-{}.tmp", std::process::id())))
}

fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Makes a rename in `dir` durable.
fn sync_folder(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Writes `path` atomically: the bytes go to a new temporary file in the same folder, which
/// gets `owner`'s owner, group and mode (the replaced file's), is synced and renamed over
/// `path`. Readers see the old file or the new one, never a mix; a link at `path` is replaced,
/// never followed. Without `owner`, the new file is created as any new file is (umask).
pub fn write_atomic(path: &Path, bytes: &[u8], owner: Option<Owner>) -> Result<(), Error> {
    write_atomic_with(path, owner, |file| file.write_all(bytes))
}

/// [`write_atomic`] with the contents written by `fill`; if anything fails, `path` is untouched
/// and the temporary file is removed.
pub fn write_atomic_with(
    path: &Path,
    owner: Option<Owner>,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), Error> {
    let temporary = temporary(path).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    // Private while it is written; the owner's mode comes after the owner.
    let mode = if owner.is_some() { 0o600 } else { 0o666 };
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&temporary)
        .map_err(|source| Error::Write {
            path: temporary.clone(),
            source,
        })?;
    let written = fill(&mut file)
        .and_then(|()| match owner {
            Some(owner) => keep_owner(&file, owner),
            None => Ok(()),
        })
        .and_then(|()| file.sync_all());
    drop(file);
    let done = written
        .map_err(|source| Error::Write {
            path: temporary.clone(),
            source,
        })
        .and_then(|()| {
            fs::rename(&temporary, path).map_err(|source| Error::Write {
                path: path.to_path_buf(),
                source,
            })
        });
    if let Err(error) = done {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }
    let _ = sync_folder(folder(path));
    Ok(())
}

fn keep_owner(file: &File, owner: Owner) -> io::Result<()> {
    let now = file.metadata()?;
    let uid = (now.uid() != owner.uid).then_some(owner.uid);
    let gid = (now.gid() != owner.gid).then_some(owner.gid);
    if uid.is_some() || gid.is_some() {
        std::os::unix::fs::fchown(file, uid, gid).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot give it the replaced file's owner {}:{} ({e}); run phoneup as that user or as root",
                    owner.uid, owner.gid
                ),
            )
        })?;
    }
    // After the owner: chown clears set-id bits.
    file.set_permissions(fs::Permissions::from_mode(owner.mode))
}

/// Puts a symbolic link at `path` pointing to `target`, atomically (a temporary link renamed
/// over `path`).
pub fn write_link(path: &Path, target: &str) -> Result<(), Error> {
    let write_error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let temporary = temporary(path).map_err(write_error)?;
    std::os::unix::fs::symlink(target, &temporary).map_err(|source| Error::Write {
        path: temporary.clone(),
        source,
    })?;
    if let Err(source) = fs::rename(&temporary, path) {
        let _ = fs::remove_file(&temporary);
        return Err(write_error(source));
    }
    let _ = sync_folder(folder(path));
    Ok(())
}

/// Whether `name` is a temporary file of [`write_atomic`] (`.NAME.phoneup-PID.tmp`).
pub fn is_temporary(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    inner.rsplit_once(".phoneup-").is_some_and(|(file, pid)| {
        !file.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Removes the temporary files a run that was killed left in `dir` (call it only while
/// holding the lock, so that no other run is writing them), and returns their names.
pub fn clean_temporaries(dir: &Path) -> Result<Vec<String>, Error> {
    let mut removed = Vec::new();
    let entries = fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.filter_map(Result::ok) {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !is_temporary(&name) {
            continue;
        }
        let Ok(metadata) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if metadata.is_file() || metadata.file_type().is_symlink() {
            fs::remove_file(entry.path()).map_err(|source| Error::Write {
                path: entry.path(),
                source,
            })?;
            removed.push(name);
        }
    }
    removed.sort();
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_write_leaves_the_old_file_and_no_temporary() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        let path = dir.join("SIPDefault.cnf");
        fs::write(&path, "image_version: OLD\n").unwrap();
        let result = write_atomic_with(&path, None, |file| {
            file.write_all(b"image_version: NE")?;
            Err(io::Error::other("power cut"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "image_version: OLD\n");
        assert_eq!(
            fs::read_dir(dir).unwrap().count(),
            1,
            "the temporary file is gone"
        );
        write_atomic(&path, b"image_version: NEW\n", None).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "image_version: NEW\n");
    }

    #[test]
    fn a_planted_temporary_name_fails_naming_the_temporary_and_touches_nothing() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        let outside = dir.join("outside");
        fs::write(&outside, "victim").unwrap();
        let path = dir.join("SIPDefault.cnf");
        let planted = temporary(&path).unwrap();
        std::os::unix::fs::symlink(&outside, &planted).unwrap();
        let error = write_atomic(&path, b"x", None).unwrap_err().to_string();
        assert!(error.contains(".SIPDefault.cnf.phoneup-"), "{error}");
        assert_eq!(fs::read_to_string(&outside).unwrap(), "victim");
        assert!(!path.exists());
        assert_eq!(
            clean_temporaries(dir).unwrap(),
            [planted.file_name().unwrap().to_str().unwrap()]
        );
        assert_eq!(fs::read_to_string(&outside).unwrap(), "victim");
    }

    #[test]
    fn the_temporary_is_written_beside_the_file_where_a_later_run_cleans_it() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        let path = dir.join("SIPDefault.cnf");
        write_atomic_with(&path, None, |file| {
            // Killed here, a run would leave the temporary in the file's own folder.
            let names: Vec<String> = fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            assert_eq!(names.len(), 1, "{names:?}");
            assert!(is_temporary(&names[0]), "{names:?}");
            assert!(names[0].starts_with(".SIPDefault.cnf.phoneup-"));
            file.write_all(b"image_version: NEW\n")
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "image_version: NEW\n");
    }

    #[test]
    fn a_path_that_cannot_be_looked_at_is_an_error_not_an_absent_file() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        fs::write(dir.join("plain"), "a file").unwrap();
        // Under a regular file nothing can exist: that is an error, not "no file there".
        let error = inspect(&dir.join("plain/SIPDefault.cnf"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("Not a directory"), "{error}");
        // The same behind a link; a link that points nowhere is only dangling.
        std::os::unix::fs::symlink(dir.join("plain/x"), dir.join("SIPDefault.cnf")).unwrap();
        let error = inspect(&dir.join("SIPDefault.cnf"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("Not a directory"), "{error}");
        std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("OS79XX.TXT")).unwrap();
        assert!(matches!(
            inspect(&dir.join("OS79XX.TXT")).unwrap(),
            Existing::Link { bytes: None, .. }
        ));
        assert_eq!(inspect(&dir.join("absent")).unwrap(), Existing::Absent);
    }

    #[test]
    fn a_replaced_file_keeps_its_group_when_only_the_group_differs() {
        // Only root can give a file another group; as another user the owner is checked by
        // the tests of apply, which refuse another user's files.
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        let path = dir.join("SIPDefault.cnf");
        fs::write(&path, "image_version: OLD\n").unwrap();
        if fs::metadata(&path).unwrap().uid() != 0 {
            return;
        }
        std::os::unix::fs::chown(&path, Some(0), Some(65534)).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let Existing::File { owner, .. } = inspect(&path).unwrap() else {
            panic!("a regular file")
        };
        write_atomic(&path, b"image_version: NEW\n", Some(owner)).unwrap();
        let now = fs::metadata(&path).unwrap();
        assert_eq!(
            (now.uid(), now.gid(), now.mode() & 0o7777),
            (0, 65534, 0o640)
        );
    }

    #[test]
    fn a_process_is_in_a_group_that_is_its_own_or_one_of_its_supplementary_ones() {
        assert!(member_of(42, 42, &[]));
        assert!(member_of(42, 7, &[3, 42]));
        assert!(!member_of(42, 7, &[3, 4]));
        assert!(!member_of(42, 7, &[]));
        // This process's groups are those `id -G` (coreutils) lists: its own and the others.
        let mut mine = groups();
        mine.push(unsafe { libc::getegid() });
        mine.sort_unstable();
        mine.dedup();
        let id = std::process::Command::new("id").arg("-G").output().unwrap();
        let mut listed: Vec<u32> = String::from_utf8(id.stdout)
            .unwrap()
            .split_whitespace()
            .map(|g| g.parse().unwrap())
            .collect();
        listed.sort_unstable();
        listed.dedup();
        assert_eq!(mine, listed);
    }

    #[test]
    fn a_copy_of_a_linked_file_is_never_more_readable_than_the_file() {
        let target = Owner {
            mode: 0o4640,
            uid: 0,
            gid: 42,
        };
        let (as_root, member, stranger) = (
            target.copy_by(0, 0, false),
            target.copy_by(1000, 1000, true),
            target.copy_by(1000, 1000, false),
        );
        assert_eq!(
            (as_root.mode, as_root.uid, as_root.gid),
            (0o640, 0, 42),
            "root keeps all but the set-id bit"
        );
        assert_eq!(
            (member.mode, member.uid, member.gid),
            (0o640, 1000, 42),
            "a member of the group keeps the group"
        );
        assert_eq!(
            (stranger.mode, stranger.uid, stranger.gid),
            (0o600, 1000, 1000),
            "without the group, the group gets nothing"
        );
    }

    #[test]
    fn temporary_names_are_recognised_and_nothing_else() {
        assert!(is_temporary(".SIPDefault.cnf.phoneup-123.tmp"));
        assert!(is_temporary(".OS79XX.TXT.phoneup-9.tmp"));
        assert!(!is_temporary("SIPDefault.cnf"));
        assert!(!is_temporary(".phoneup-1.tmp"));
        assert!(!is_temporary(".x.phoneup-.tmp"));
        assert!(!is_temporary(".x.phoneup-12a.tmp"));
    }

    #[test]
    fn fifos_devices_and_huge_files_are_refused_before_a_byte_is_read() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        let fifo = dir.join("SIPDefault.cnf");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo (coreutils) runs");
        assert!(status.success());
        let error = inspect(&fifo).unwrap_err().to_string();
        assert!(error.contains("is a FIFO (named pipe)"), "{error}");
        let link = dir.join("XMLDefault.cnf.xml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let error = inspect(&link).unwrap_err().to_string();
        assert!(error.contains("a character device"), "{error}");
        let huge = dir.join("OS79XX.TXT");
        File::create(&huge).unwrap().set_len(1 << 30).unwrap();
        let error = inspect(&huge).unwrap_err().to_string();
        assert!(error.contains("is 1.0 GiB"), "{error}");
        let dangling = dir.join("SIP0018B9FFFFFF.cnf");
        std::os::unix::fs::symlink("nowhere", &dangling).unwrap();
        assert_eq!(
            inspect(&dangling).unwrap(),
            Existing::Link {
                target: "nowhere".into(),
                bytes: None,
                owner: None
            }
        );
    }
}
