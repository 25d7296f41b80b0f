//! The state file: every managed phone's placement, stage, state and history, written
//! atomically (a temporary file renamed over it, `tftp_root::write::write_atomic`) at every
//! change, so a serve that is stopped, or killed, resumes every phone where it was. It is never
//! inside the served directory: serve refuses one there, as the TFTP server would serve it.
//!
//! Its text is made and read without I/O ([`to_text`], [`from_text`]); [`save`], [`load`],
//! [`default_path`] and [`check_outside`] are the driver's thin reads and writes around them.
//! A running serve holds a [`Lock`] on the state file (an advisory lock on `FILE.lock` beside
//! it), so that a second serve, or `serve --forget`, does not write it at the same time.
//!
//! May use: [`crate::tftp_root::write`], [`crate::tftp_root::state`], [`crate::wire::serve::files`].

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::tftp_root::state::{folder_for, private_folder};
use crate::tftp_root::write::write_atomic;
use crate::wire::serve::files::Dir;

/// The version of the state file's layout.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct StateFile<P> {
    version: u32,
    /// The served directory, canonical.
    root: PathBuf,
    /// Each phone's record, by MAC (the registry's `Phone`).
    phones: BTreeMap<String, P>,
}

/// The state file's text: every phone, and the served directory `root` they belong to.
pub fn to_text<P: Serialize>(root: &Path, phones: &BTreeMap<String, P>) -> Result<String, String> {
    let file = StateFile {
        version: VERSION,
        root: root.to_path_buf(),
        phones: phones
            .iter()
            .map(|(mac, phone)| (mac.clone(), phone))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

/// The phones of a state file's text (read from `path`, named in the errors). A state file of
/// another directory than `root` is refused, so two benches never mix.
pub fn from_text<P: DeserializeOwned>(
    text: &str,
    path: &Path,
    root: &Path,
) -> Result<BTreeMap<String, P>, String> {
    let file: StateFile<P> = serde_json::from_str(text).map_err(|e| {
        format!(
            "the state file {} cannot be read ({e}); move it aside to start afresh",
            path.display()
        )
    })?;
    if file.version != VERSION {
        return Err(format!(
            "the state file {} has layout {} (this phoneup reads {VERSION}); move it aside to start afresh",
            path.display(),
            file.version
        ));
    }
    if file.root != root {
        return Err(format!(
            "the state file {} belongs to {}, not {}: give --state another file",
            path.display(),
            file.root.display(),
            root.display()
        ));
    }
    Ok(file.phones)
}

/// Writes every phone.
pub fn save<P: Serialize>(
    path: &Path,
    dir: &Dir,
    phones: &BTreeMap<String, P>,
) -> Result<(), String> {
    let text = to_text(&dir.canonical, phones)?;
    write_atomic(path, text.as_bytes(), None).map_err(|e| e.to_string())
}

/// Reads the phones of a state file; `Ok(empty)` when there is none yet.
pub fn load<P: DeserializeOwned>(path: &Path, dir: &Dir) -> Result<BTreeMap<String, P>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => from_text(&text, path, &dir.canonical),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(format!(
            "cannot read the state file {}: {e}",
            path.display()
        )),
    }
}

/// The lock a serve holds on its state file while it runs (released when dropped, or when the
/// process ends however it ends).
#[derive(Debug)]
pub struct Lock {
    pub path: PathBuf,
    _file: std::fs::File,
}

/// `FILE.lock` beside the state file `FILE`.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    state.with_file_name(name)
}

/// Takes the lock on the state file `path`: `Ok(None)` when another process holds it.
pub fn lock(path: &Path) -> Result<Option<Lock>, String> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    let lock = lock_path(path);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(&lock)
        .map_err(|e| {
            format!(
                "cannot open the lock file {}: {}; give --state a file in a folder serve can write",
                lock.display(),
                crate::output::IoText(&e)
            )
        })?;
    // SAFETY: flock on a descriptor we own.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let error = io::Error::last_os_error();
        if error.raw_os_error() == Some(libc::EWOULDBLOCK) {
            return Ok(None);
        }
        return Err(format!("cannot lock {}: {error}", lock.display()));
    }
    Ok(Some(Lock {
        path: lock,
        _file: file,
    }))
}

/// Removes phone `mac`'s record from the state file `path` of `dir`: `Ok(false)` when it has
/// none. The caller holds the [`Lock`].
pub fn forget(path: &Path, dir: &Dir, mac: &str) -> Result<bool, String> {
    let mut phones: BTreeMap<String, serde_json::Value> = load(path, dir)?;
    if phones.remove(mac).is_none() {
        return Ok(false);
    }
    save(path, dir, &phones)?;
    Ok(true)
}

/// Where the state file goes by default: `state.json` in phoneup's state folder for this
/// directory (`$XDG_STATE_HOME/phoneup/serve/<folder>-<hash>/`, or under `~/.local/state`, keyed
/// by the directory's canonical path: the folder `tftp_root::state` keeps the undo journal in,
/// for the purpose `serve`), created private (mode 0700) when missing.
pub fn default_path(dir: &Dir) -> Result<PathBuf, String> {
    let folder = folder_for(&dir.canonical, "serve", None).map_err(|e| e.to_string())?;
    if let Some(parent) = folder.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    private_folder(&folder).map_err(|e| e.to_string())?;
    Ok(folder.join("state.json"))
}

/// Refuses a state file inside the served directory (where anyone could fetch it).
pub fn check_outside(path: &Path, dir: &Dir) -> Result<(), String> {
    // `folder_for` resolves the longest existing ancestor and refuses a place inside the root.
    folder_for(&dir.canonical, "serve", Some(path))
        .map(drop)
        .map_err(|_| {
            format!(
                "--state {} is inside the served directory {}, where any TFTP client could fetch it: give a file outside it",
                path.display(),
                dir.canonical.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phones() -> BTreeMap<String, u32> {
        [
            ("0018B9000001".to_string(), 7),
            ("0018B9000002".to_string(), 8),
        ]
        .into()
    }

    #[test]
    fn the_text_holds_the_layout_the_directory_and_every_phone() {
        let root = Path::new("/srv/tftp");
        let text = to_text(root, &phones()).unwrap();
        assert!(text.ends_with("}\n"), "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["version"], VERSION);
        assert_eq!(value["root"], "/srv/tftp");
        assert_eq!(value["phones"]["0018B9000002"], 8);
        let back: BTreeMap<String, u32> = from_text(&text, Path::new("s.json"), root).unwrap();
        assert_eq!(back, phones());
    }

    #[test]
    fn a_state_file_of_another_layout_or_directory_or_none_at_all_is_refused() {
        let root = Path::new("/srv/tftp");
        let path = Path::new("/var/lib/s.json");
        let text = to_text(root, &phones()).unwrap();
        let other = from_text::<u32>(&text, path, Path::new("/srv/other")).unwrap_err();
        assert_eq!(
            other,
            "the state file /var/lib/s.json belongs to /srv/tftp, not /srv/other: give --state another file"
        );
        let newer = text.replace(&format!("\"version\": {VERSION}"), "\"version\": 99");
        assert_eq!(
            from_text::<u32>(&newer, path, root).unwrap_err(),
            format!("the state file /var/lib/s.json has layout 99 (this phoneup reads {VERSION}); move it aside to start afresh")
        );
        let garbage = from_text::<u32>("{", path, root).unwrap_err();
        assert!(
            garbage.starts_with("the state file /var/lib/s.json cannot be read (")
                && garbage.ends_with("); move it aside to start afresh"),
            "{garbage}"
        );
    }

    #[test]
    fn save_then_load_gives_every_phone_back_and_no_file_is_no_phone() {
        let folder =
            std::env::temp_dir().join(format!("phoneup-serve-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(folder.join("root")).unwrap();
        let dir = Dir::new(&folder.join("root")).unwrap();
        let path = folder.join("state.json");
        assert_eq!(load::<u32>(&path, &dir).unwrap(), BTreeMap::new());
        save(&path, &dir, &phones()).unwrap();
        assert_eq!(load::<u32>(&path, &dir).unwrap(), phones());
        // A folder where the file should be cannot be read.
        let error = load::<u32>(&folder, &dir).unwrap_err();
        assert!(error.starts_with("cannot read the state file "), "{error}");
        // Never inside the served directory, where any client could fetch it.
        assert_eq!(check_outside(&path, &dir), Ok(()));
        let inside = dir.canonical.join("state.json");
        let error = check_outside(&inside, &dir).unwrap_err();
        assert!(
            error.starts_with(&format!(
                "--state {} is inside the served directory",
                inside.display()
            )),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(folder);
    }

    #[test]
    fn one_lock_at_a_time_and_forget_removes_one_phone_only() {
        let temp = tempfile::tempdir().unwrap();
        std::fs::create_dir(temp.path().join("root")).unwrap();
        let dir = Dir::new(&temp.path().join("root")).unwrap();
        let path = temp.path().join("state.json");
        assert_eq!(lock_path(&path), temp.path().join("state.json.lock"));
        let held = lock(&path).unwrap().expect("the first lock is taken");
        assert_eq!(held.path, lock_path(&path));
        assert!(lock(&path).unwrap().is_none(), "a second is refused");
        drop(held);
        let again = lock(&path).unwrap();
        assert!(again.is_some(), "free again once dropped");

        save(&path, &dir, &phones()).unwrap();
        assert_eq!(forget(&path, &dir, "0018B9000001"), Ok(true));
        let left: BTreeMap<String, u32> = load(&path, &dir).unwrap();
        assert_eq!(left, [("0018B9000002".to_string(), 8)].into());
        assert_eq!(forget(&path, &dir, "0018B9000001"), Ok(false));
        assert_eq!(forget(&path, &dir, "0018B9000002"), Ok(true));
        let none: BTreeMap<String, u32> = load(&path, &dir).unwrap();
        assert!(none.is_empty());
        // A lock file that is a symbolic link is never followed.
        let elsewhere = temp.path().join("elsewhere.json");
        std::fs::write(temp.path().join("target"), "").unwrap();
        std::os::unix::fs::symlink(temp.path().join("target"), lock_path(&elsewhere)).unwrap();
        let error = lock(&elsewhere).unwrap_err();
        assert!(error.starts_with("cannot open the lock file "), "{error}");
        // A lock file that cannot be made: said, never a panic.
        let error = lock(&temp.path().join("no/such/folder/state.json")).unwrap_err();
        assert!(error.starts_with("cannot open the lock file "), "{error}");
    }
}
