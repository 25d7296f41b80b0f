//! Which file of the served directory a request names, and whether it may be served: regular
//! files inside the directory only. Names are matched exactly, letter case included (as
//! tftpd-hpa, atftpd and dnsmasq do by default); a leading `/` or `./` is ignored, and so is the
//! directory's own absolute path in front of a name. A name with a `..` part, an absolute path
//! elsewhere, a symbolic link that leads out of the directory, a folder, a device or a pipe, and
//! phoneup's own bookkeeping (`.phoneup/`, its temporary files) are refused (TFTP error 2); a name
//! that is not there is answered with error 1 at once, which is what a phone needs to move on.
//!
//! Only what a TFTP server running as an unprivileged user could read is served, whoever runs
//! serve (root, to bind port 69): a file readable by everyone (`o+r`), in folders everyone may
//! enter (`o+x`) from the served directory down. Anything else (a `0640` `SIPDefault.cnf` with a
//! phone password, in a root-owned directory) is refused with error 2, as tftpd-hpa `-u nobody`
//! refuses it, and the reason says which mode to change.
//!
//! The entry's type is read without opening it (`lstat`), so a device node or a FIFO is refused
//! and never opened; a regular file is then opened without following a final symbolic link and
//! checked again once open (its type, and its path through `/proc/self/fd`), so an entry swapped
//! in between the check and the open is caught.
//!
//! May use: [`crate::wire::serve::directory`] (the [`Directory`] it is), the standard library
//! and `libc`.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Component, Path, PathBuf};

use crate::wire::serve::directory::{Directory, Opened, TEXT_LIMIT};

/// Why a file not everyone may read is refused.
fn unreadable(requested: &str, mode: u32) -> String {
    format!(
        "{requested:?} is not readable by everyone (mode {:04o}): a TFTP server running as an unprivileged user (tftpd-hpa -u nobody) could not read it, so serve does not serve it either; chmod a+r it if every phone may read it",
        mode & 0o7777
    )
}

/// Why a file in a folder not everyone may enter is refused.
fn unreachable(requested: &str, (folder, mode): &(PathBuf, u32)) -> String {
    format!(
        "{requested:?} is in {}, which not everyone may enter (mode {mode:04o}): a TFTP server running as an unprivileged user (tftpd-hpa -u nobody) could not reach it, so serve does not serve it either; chmod a+x that folder if every phone may read what it holds",
        folder.display()
    )
}

/// The served directory.
#[derive(Debug, Clone)]
pub struct Dir {
    /// Its canonical path (symbolic links resolved).
    pub canonical: PathBuf,
}

/// What a request name comes to.
#[derive(Debug)]
pub enum Lookup {
    /// A regular file inside the directory, open for reading, and its name relative to it.
    Found { file: File, name: String },
    /// Nothing by that name: TFTP error 1.
    Missing { name: String },
    /// A name that may not be served: TFTP error 2, with the reason (for the log, not the wire).
    Refused { why: String },
}

/// The name a phone means: without a leading `/` or `./`, nor the directory's own path.
pub fn relative_name<'a>(dir: &Path, requested: &'a str) -> Option<&'a str> {
    let dir_text = dir.to_str().unwrap_or_default();
    let mut name = requested;
    if !dir_text.is_empty() && dir_text != "/" {
        if let Some(rest) = name.strip_prefix(dir_text) {
            if rest.starts_with('/') {
                name = rest;
            }
        }
    }
    let name = name.trim_start_matches('/');
    let name = name
        .strip_prefix("./")
        .unwrap_or(name)
        .trim_start_matches('/');
    (!name.is_empty()).then_some(name)
}

/// Whether a name is phoneup's own: its journal folder and the temporary files of its atomic
/// writes. Never served.
pub fn is_bookkeeping(name: &str) -> bool {
    name.split('/').any(|part| {
        part == ".phoneup"
            || part.starts_with(".phoneup")
            || (part.starts_with('.') && part.contains(".phoneup-") && part.ends_with(".tmp"))
    })
}

impl Dir {
    /// The directory at `path`, which must exist and be a folder.
    pub fn new(path: &Path) -> io::Result<Dir> {
        let canonical = std::fs::canonicalize(path)?;
        if !canonical.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is not a folder", path.display()),
            ));
        }
        Ok(Dir { canonical })
    }

    /// Looks a requested name up.
    pub fn lookup(&self, requested: &str) -> Lookup {
        let refused = |why: String| Lookup::Refused { why };
        if requested.starts_with('/')
            && !requested.starts_with(&format!("{}/", self.canonical.display()))
            && requested.trim_start_matches('/').contains('/')
        {
            return refused(format!(
                "{requested:?} is an absolute path outside the served directory"
            ));
        }
        let Some(name) = relative_name(&self.canonical, requested) else {
            return refused("the name is empty".into());
        };
        let path = Path::new(name);
        for component in path.components() {
            match component {
                Component::Normal(_) => {}
                Component::CurDir => {}
                _ => return refused(format!("{requested:?} leads out of the served directory")),
            }
        }
        if is_bookkeeping(name) {
            return refused(format!("{requested:?} is phoneup's own bookkeeping"));
        }
        let joined = self.canonical.join(path);
        let resolved = match std::fs::canonicalize(&joined) {
            Ok(resolved) => resolved,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // A dangling link is missing, unless it points outside.
                if let Ok(target) = std::fs::read_link(&joined) {
                    let target = joined.parent().unwrap_or(&self.canonical).join(target);
                    if !lexically_inside(&target, &self.canonical) {
                        return refused(format!(
                            "{requested:?} is a symbolic link out of the served directory"
                        ));
                    }
                }
                return Lookup::Missing {
                    name: name.to_string(),
                };
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => {
                return Lookup::Missing {
                    name: name.to_string(),
                }
            }
            Err(e) => {
                return refused(
                    self.denied(requested, &joined, &e)
                        .unwrap_or_else(|| format!("{requested:?} cannot be looked up: {e}")),
                )
            }
        };
        if !resolved.starts_with(&self.canonical) {
            return refused(format!(
                "{requested:?} is a symbolic link out of the served directory"
            ));
        }
        if resolved != joined {
            // A link inside the directory: its target must not be bookkeeping either.
            let inner = resolved
                .strip_prefix(&self.canonical)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            if is_bookkeeping(&inner) {
                return refused(format!("{requested:?} leads to phoneup's own bookkeeping"));
            }
        }
        // The entry's type before any open: a device or a pipe is never opened (opening some
        // devices has effects: a watchdog starts, a tape rewinds).
        match std::fs::symlink_metadata(&resolved) {
            Ok(m) if m.is_file() => {}
            Ok(m) if m.is_dir() => return refused(format!("{requested:?} is a folder")),
            Ok(_) => {
                return refused(format!(
                    "{requested:?} is not a regular file (a device, pipe or socket)"
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Lookup::Missing {
                    name: name.to_string(),
                }
            }
            Err(e) => return refused(format!("{requested:?} cannot be looked up: {e}")),
        }
        self.open_inside(requested, name, &resolved)
    }

    /// Opens a regular file found inside the directory, and checks what was opened: readable by
    /// everyone, in folders everyone may enter, and still inside (no link swapped in meanwhile).
    fn open_inside(&self, requested: &str, name: &str, resolved: &Path) -> Lookup {
        let refused = |why: String| Lookup::Refused { why };
        let file = match OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(resolved)
        {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Lookup::Missing {
                    name: name.to_string(),
                }
            }
            Err(e) => {
                return refused(
                    self.denied(requested, resolved, &e)
                        .unwrap_or_else(|| format!("{requested:?} cannot be opened: {e}")),
                )
            }
        };
        match file.metadata() {
            Ok(m) if m.is_file() && m.permissions().mode() & 0o004 == 0 => {
                return refused(unreadable(requested, m.permissions().mode()))
            }
            Ok(m) if m.is_file() => {}
            Ok(m) if m.is_dir() => return refused(format!("{requested:?} is a folder")),
            Ok(_) => {
                return refused(format!(
                    "{requested:?} is not a regular file (a device, pipe or socket)"
                ))
            }
            Err(e) => return refused(format!("{requested:?} cannot be read: {e}")),
        }
        if let Some(closed) = self.closed_folder(resolved) {
            return refused(unreachable(requested, &closed));
        }
        // The file actually opened must still be inside (a link swapped in meanwhile).
        let opened = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()));
        if let Ok(opened) = opened {
            if !opened.starts_with(&self.canonical) {
                return refused(format!(
                    "{requested:?} was replaced by a link out of the served directory"
                ));
            }
        }
        Lookup::Found {
            file,
            name: name.to_string(),
        }
    }

    /// Why a file serve (running as an unprivileged user, `--user`) may not open is refused: the
    /// folder not everyone may enter, or the file not everyone may read.
    fn denied(&self, requested: &str, path: &Path, error: &io::Error) -> Option<String> {
        if error.kind() != io::ErrorKind::PermissionDenied {
            return None;
        }
        if let Some(closed) = self.closed_folder(path) {
            return Some(unreachable(requested, &closed));
        }
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        (mode & 0o004 == 0).then(|| unreadable(requested, mode))
    }

    /// The first folder from the served directory down to `path` that not everyone may enter
    /// (`o+x` unset), with its mode.
    fn closed_folder(&self, path: &Path) -> Option<(PathBuf, u32)> {
        let inner = path.parent()?.strip_prefix(&self.canonical).ok()?;
        let mut folder = self.canonical.clone();
        let mut folders = vec![folder.clone()];
        for part in inner.components() {
            folder.push(part);
            folders.push(folder.clone());
        }
        folders.into_iter().find_map(|folder| {
            let mode = std::fs::metadata(&folder).ok()?.permissions().mode();
            (mode & 0o001 == 0).then_some((folder, mode & 0o7777))
        })
    }
}

impl Directory for Dir {
    type File = File;

    fn canonical(&self) -> &Path {
        &self.canonical
    }

    fn open(&self, requested: &str, text: bool) -> Opened<File> {
        match self.lookup(requested) {
            Lookup::Found { mut file, .. } => {
                let size = file.metadata().map(|m| m.len()).unwrap_or(0);
                let mut bytes = Vec::new();
                let text = (text
                    && size <= TEXT_LIMIT
                    && (&mut file).take(TEXT_LIMIT).read_to_end(&mut bytes).is_ok())
                .then(|| {
                    let _ = file.seek(SeekFrom::Start(0));
                    String::from_utf8_lossy(&bytes).into_owned()
                });
                Opened::Found { file, size, text }
            }
            Lookup::Missing { .. } => Opened::Missing,
            Lookup::Refused { why } => Opened::Refused { why },
        }
    }

    fn read_small(&self, name: &str) -> Option<Vec<u8>> {
        match self.lookup(name) {
            Lookup::Found { file, .. } => {
                let mut bytes = Vec::new();
                file.take(TEXT_LIMIT).read_to_end(&mut bytes).ok()?;
                Some(bytes)
            }
            _ => None,
        }
    }

    fn is_file(&self, name: &str) -> bool {
        self.canonical.join(name).is_file()
    }
}

/// `path` without `.` and `..` parts (not touching the disk) starts with `dir`.
fn lexically_inside(path: &Path, dir: &Path) -> bool {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out.starts_with(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> (tempfile::TempDir, PathBuf, Dir) {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().to_path_buf();
        std::fs::create_dir_all(path.join("sub")).unwrap();
        std::fs::create_dir_all(path.join(".phoneup")).unwrap();
        std::fs::write(path.join("OS79XX.TXT"), "P0S3-06-3-00\n").unwrap();
        std::fs::write(path.join("sub/inner.txt"), "x").unwrap();
        std::fs::write(path.join(".phoneup/journal"), "secret").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", path.join("out")).unwrap();
        std::os::unix::fs::symlink("OS79XX.TXT", path.join("inside")).unwrap();
        std::os::unix::fs::symlink("/nonexistent/x", path.join("dangling-out")).unwrap();
        let d = Dir::new(&path).unwrap();
        (temp, path, d)
    }

    fn kind(lookup: Lookup) -> &'static str {
        match lookup {
            Lookup::Found { .. } => "found",
            Lookup::Missing { .. } => "missing",
            Lookup::Refused { .. } => "refused",
        }
    }

    #[test]
    fn only_regular_files_inside_the_directory_are_served() {
        let (_temp, _path, d) = dir();
        let full = format!("{}/OS79XX.TXT", d.canonical.display());
        for (name, expected) in [
            ("OS79XX.TXT", "found"),
            ("/OS79XX.TXT", "found"),
            ("./OS79XX.TXT", "found"),
            (full.as_str(), "found"),
            ("os79xx.txt", "missing"),
            ("sub/inner.txt", "found"),
            ("inside", "found"),
            ("CTLSEP0018B9FFFFFF.tlv", "missing"),
            ("P0S3-06-3-00\r.bin", "missing"),
            ("..\\..\\etc\\passwd", "missing"),
            ("../../etc/passwd", "refused"),
            ("sub/../../etc/passwd", "refused"),
            ("sub/../OS79XX.TXT", "refused"),
            ("/etc/passwd", "refused"),
            ("/etc", "missing"),
            ("out", "refused"),
            ("dangling-out", "refused"),
            ("sub", "refused"),
            (".phoneup/journal", "refused"),
            (".OS79XX.TXT.phoneup-12.tmp", "refused"),
            ("OS79XX.TXT/x", "missing"),
        ] {
            assert_eq!(kind(d.lookup(name)), expected, "{name:?}");
        }
    }

    #[test]
    fn only_what_an_unprivileged_server_could_read_is_served() {
        use std::os::unix::fs::PermissionsExt;
        let (_temp, path, d) = dir();
        let mode = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        std::fs::write(path.join("SIPDefault.cnf"), "phone_password: x\n").unwrap();
        mode(&path.join("SIPDefault.cnf"), 0o640);
        mode(&path.join("sub/inner.txt"), 0o644);
        mode(&path.join("sub"), 0o700);
        for (name, why) in [
            ("SIPDefault.cnf", "not readable by everyone (mode 0640)"),
            ("sub/inner.txt", "not everyone may enter (mode 0700)"),
        ] {
            match d.lookup(name) {
                Lookup::Refused { why: said } => assert!(said.contains(why), "{said}"),
                other => panic!("{name}: {other:?}"),
            }
        }
        mode(&path.join("sub"), 0o711);
        mode(&path.join("SIPDefault.cnf"), 0o604);
        assert_eq!(kind(d.lookup("sub/inner.txt")), "found");
        assert_eq!(kind(d.lookup("SIPDefault.cnf")), "found");
        // The served directory itself must be enterable too.
        mode(&path, 0o750);
        assert_eq!(kind(d.lookup("OS79XX.TXT")), "refused");
        mode(&path, 0o755);
    }

    #[test]
    fn devices_and_pipes_are_refused_without_blocking() {
        let (_temp, path, d) = dir();
        let fifo = path.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        assert_eq!(kind(d.lookup("fifo")), "refused");
        std::os::unix::fs::symlink("/dev/zero", path.join("zero")).unwrap();
        assert_eq!(kind(d.lookup("zero")), "refused");
    }

    #[test]
    fn a_pipe_is_refused_without_being_opened() {
        let (_temp, path, d) = dir();
        let fifo = std::ffi::CString::new(path.join("fifo").to_str().unwrap()).unwrap();
        // SAFETY: valid NUL-terminated paths; inotify reports every open of the FIFO.
        let watch = unsafe {
            assert_eq!(libc::mkfifo(fifo.as_ptr(), 0o644), 0);
            let fd = libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC);
            assert!(fd >= 0);
            assert!(libc::inotify_add_watch(fd, fifo.as_ptr(), libc::IN_OPEN) >= 0);
            fd
        };
        let opens = || {
            let mut buf = [0u8; 4096];
            // SAFETY: a valid buffer and length.
            let n = unsafe { libc::read(watch, buf.as_mut_ptr().cast(), buf.len()) };
            n.max(0)
        };
        assert_eq!(kind(d.lookup("fifo")), "refused");
        assert_eq!(opens(), 0, "the FIFO was opened");
        // The watch sees an open: the check above can fail.
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path.join("fifo"))
            .unwrap();
        assert!(opens() > 0);
        // SAFETY: our own descriptor.
        unsafe { libc::close(watch) };
    }
}
