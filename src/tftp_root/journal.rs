//! The undo journal: before `apply` changes a file of a TFTP root it records what the file was
//! (its bytes with their owner, group and mode, or the link it was), so that `undo` puts the
//! root back byte for byte. One numbered folder per apply, in a private folder outside the
//! root ([`crate::tftp_root::state`]), changed only under an exclusive lock. Every name read
//! back from a journal is checked against the names phoneup writes, so a tampered journal can
//! never make `undo` touch anything else.
//!
//! May use: [`crate::error`], [`crate::output`] (to show a name escaped), [`crate::files`] (the
//! names phoneup writes), [`crate::tftp_root::root`], [`crate::tftp_root::write`] and
//! [`crate::tftp_root::state`].

use std::collections::BTreeSet;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::files::per_phone::PerPhoneFile;
use crate::files::{mgc_default_cnf, os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
use crate::tftp_root::root::{read_regular, Contents};
use crate::tftp_root::state::{self, Lock};
use crate::tftp_root::write::{self, Existing, Owner};

const MANIFEST: &str = "manifest.yaml";

/// What an apply did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// The file did not exist and was written.
    Created,
    /// The file existed and was rewritten; the journal keeps what it was.
    Modified,
    /// The file had to be absent; the journal keeps it.
    MovedAside,
}

/// One file an apply changed, and what it was before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub file: String,
    pub action: Action,
    /// The file's permission bits, owner and group before (absent for a file that was not
    /// there, or was a link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gid: Option<u32>,
    /// The file was a symbolic link to this target: undo puts the link back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl JournalEntry {
    fn owner(&self) -> Option<Owner> {
        Some(Owner {
            mode: self.mode?,
            uid: self.uid?,
            gid: self.gid?,
        })
    }
}

/// One apply, as its `manifest.yaml` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// What was applied, for people reading the manifest.
    pub description: String,
    /// The TFTP root it changed, for people reading the manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    pub entries: Vec<JournalEntry>,
}

/// The shared files phoneup writes into a TFTP root.
const SHARED_FILES: [&str; 4] = [
    os79xx_txt::FILE_NAME,
    xml_default_cnf_xml::FILE_NAME,
    sip_default_cnf::FILE_NAME,
    mgc_default_cnf::FILE_NAME,
];

/// The per-phone files phoneup writes into a TFTP root (`apply --mac`).
const PER_PHONE_FILES: [PerPhoneFile; 3] = [
    PerPhoneFile::SepXml,
    PerPhoneFile::SipCnf,
    PerPhoneFile::MgcCnf,
];

/// Whether `name` is a file phoneup writes into a TFTP root (`SHARED_FILES` and
/// `PER_PHONE_FILES`, in any case, as a case-insensitive server may hold them). Nothing with
/// a separator, `..` or a path.
pub fn is_phoneup_file(name: &str) -> bool {
    SHARED_FILES.iter().any(|f| f.eq_ignore_ascii_case(name))
        || PerPhoneFile::parse(name).is_some_and(|(file, _)| PER_PHONE_FILES.contains(&file))
}

/// The files phoneup writes, for a message: `OS79XX.TXT, …, MGC<MAC>.cnf`.
fn phoneup_files() -> String {
    SHARED_FILES
        .map(str::to_string)
        .into_iter()
        .chain(PER_PHONE_FILES.map(PerPhoneFile::template))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One planned change to a file of the root, with what the file is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub file: String,
    /// The new contents; `None` moves the file aside.
    pub contents: Option<Vec<u8>>,
    /// What the file is before the change.
    pub before: Existing,
}

impl FileChange {
    /// What applying this change does; `None` when it does nothing (moving aside a file that
    /// is not there).
    pub fn action(&self) -> Option<Action> {
        match (&self.contents, &self.before) {
            (None, Existing::Absent) => None,
            (None, _) => Some(Action::MovedAside),
            (Some(_), Existing::Absent) => Some(Action::Created),
            (Some(_), _) => Some(Action::Modified),
        }
    }
}

/// The undo journal of one TFTP root.
#[derive(Debug)]
pub struct UndoJournal {
    /// The root's canonical path.
    root: PathBuf,
    /// The folder holding the numbered journal folders.
    dir: PathBuf,
    /// Held while the journal is open for changes.
    _lock: Option<Lock>,
    /// What opening it did that the user should know (a journal moved out of the root,
    /// temporary files removed).
    pub notes: Vec<String>,
}

fn journal_error(path: &Path, problem: impl Into<String>) -> Error {
    Error::Journal {
        path: path.to_path_buf(),
        problem: problem.into(),
        fix: "Nothing was changed. Look at it, and remove it if it is not yours; then run this again.".into(),
    }
}

fn read_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

fn write_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads a file of a journal folder: a regular file (never through a link) within the size
/// limit.
fn read_journal_file(path: &Path) -> Result<Vec<u8>, Error> {
    match read_regular(path, false).map_err(read_error(path))? {
        Contents::Bytes(bytes, _) => Ok(bytes),
        Contents::TooLarge(size) => Err(journal_error(
            path,
            format!("holds a file of {size} bytes, larger than phoneup ever writes"),
        )),
        Contents::NotRegular(what) => Err(journal_error(
            path,
            format!("holds {what} where phoneup writes a regular file"),
        )),
    }
}

/// Writes a journal folder's manifest whole or not at all (a private temporary file renamed
/// into place): a run killed while writing it leaves a folder without a manifest, which `undo`
/// drops, never a half manifest that would block it.
fn write_manifest(folder: &Path, journal: &Journal) -> Result<(), Error> {
    let text = serde_yaml::to_string(journal).expect("the journal serialises");
    let temporary = folder.join(format!(".{MANIFEST}.phoneup-{}.tmp", std::process::id()));
    let _ = fs::remove_file(&temporary);
    state::write_new(&temporary, text.as_bytes())?;
    let manifest = folder.join(MANIFEST);
    fs::rename(&temporary, &manifest).map_err(write_error(&manifest))?;
    fs::File::open(folder)
        .and_then(|f| f.sync_all())
        .map_err(write_error(folder))
}

/// Reads and checks a manifest: every entry must name a file phoneup writes.
fn read_manifest(folder: &Path) -> Result<Journal, Error> {
    let path = folder.join(MANIFEST);
    let bytes = read_journal_file(&path)?;
    let text = String::from_utf8(bytes).map_err(|_| journal_error(&path, "is not UTF-8 text"))?;
    let journal: Journal = serde_yaml::from_str(&text).map_err(|e| {
        journal_error(
            &path,
            format!(
                "is damaged{}: {e}",
                e.location()
                    .map(|l| format!(" at line {}", l.line()))
                    .unwrap_or_default()
            ),
        )
    })?;
    for entry in &journal.entries {
        if !is_phoneup_file(&entry.file) {
            return Err(journal_error(
                &path,
                format!(
                    "names `{}`, which is not a file phoneup writes ({}): it was not written by phoneup, or was tampered with",
                    crate::output::Untrusted(&entry.file),
                    phoneup_files()
                ),
            ));
        }
    }
    Ok(journal)
}

/// The numbered folders in `dir`, oldest first. A link or a file with a journal number is
/// refused; other names are not phoneup's and are left alone.
fn numbered(dir: &Path) -> Result<Vec<(u64, PathBuf)>, Error> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Read {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(read_error(dir))?;
        let Some(number) = entry
            .file_name()
            .to_str()
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        let metadata = fs::symlink_metadata(entry.path()).map_err(read_error(dir))?;
        if metadata.file_type().is_symlink() {
            return Err(journal_error(
                &entry.path(),
                "is a symbolic link where phoneup keeps a journal folder",
            ));
        }
        if metadata.is_dir() {
            found.push((number, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

impl UndoJournal {
    /// The journal of `root` for reading only: nothing is created, locked or moved. With
    /// `explicit`, the journal is there (`--journal DIR`).
    pub fn read_only(root: &Path, explicit: Option<&Path>) -> Result<UndoJournal, Error> {
        let root = state::canonical_root(root)?;
        let dir = state::folder_for(&root, "journal", explicit)?;
        if let Ok(m) = fs::symlink_metadata(&dir) {
            if m.file_type().is_symlink() {
                state::private_folder(&dir)?;
            }
        }
        Ok(UndoJournal {
            root,
            dir,
            _lock: None,
            notes: Vec::new(),
        })
    }

    /// The journal of `root`, open for changes: its folder created, the root and the journal
    /// locked against other runs, and temporary files of a killed run removed.
    pub fn open(root: &Path, explicit: Option<&Path>) -> Result<UndoJournal, Error> {
        let root = state::canonical_root(root)?;
        let dir = state::prepare(&root, "journal", explicit)?;
        let lock = state::lock(&[&root, &dir], &root)?;
        state::claim(&dir, &root)?;
        let mut journal = UndoJournal {
            root,
            dir,
            _lock: Some(lock),
            notes: Vec::new(),
        };
        for folder in [journal.root.clone(), journal.dir.clone()] {
            for name in write::clean_temporaries(&folder)? {
                journal.notes.push(format!(
                    "Removed {}, a temporary file an interrupted phoneup run left in {}.",
                    name,
                    folder.display()
                ));
            }
        }
        Ok(journal)
    }

    /// Where the journal is kept.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The journal folders, oldest first.
    fn folders(&self) -> Result<Vec<PathBuf>, Error> {
        Ok(numbered(&self.dir)?.into_iter().map(|(_, p)| p).collect())
    }

    /// The next free journal number.
    fn next_number(&self) -> Result<u64, Error> {
        match numbered(&self.dir)?.last() {
            None => Ok(1),
            Some((n, path)) => n.checked_add(1).ok_or_else(|| {
                journal_error(
                    path,
                    "has the largest journal number there is: no later one can follow it",
                )
            }),
        }
    }

    /// Creates the next journal folder; a folder that exists already is an error, never
    /// reused.
    fn new_folder(&self) -> Result<PathBuf, Error> {
        use std::os::unix::fs::DirBuilderExt;
        let folder = self.dir.join(format!("{:04}", self.next_number()?));
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&folder)
            .map_err(write_error(&folder))?;
        Ok(folder)
    }

    /// Applies `changes` to the root, recording them first so that [`UndoJournal::undo`] can
    /// reverse them: the journal folder, the copies of every replaced or moved file and the
    /// manifest are written before the root is touched.
    pub fn apply_changes(
        &self,
        description: &str,
        changes: &[FileChange],
    ) -> Result<Journal, Error> {
        assert!(
            self._lock.is_some(),
            "changes need the journal open for changes"
        );
        let folder = self.new_folder()?;
        let mut journal = Journal {
            description: description.to_string(),
            root: Some(self.root.display().to_string()),
            entries: Vec::new(),
        };
        for change in changes {
            assert!(
                is_phoneup_file(&change.file),
                "{} is phoneup's",
                change.file
            );
            let Some(action) = change.action() else {
                continue;
            };
            let mut entry = JournalEntry {
                file: change.file.clone(),
                action,
                mode: None,
                uid: None,
                gid: None,
                link: None,
            };
            match &change.before {
                Existing::Absent => {}
                Existing::File { bytes, owner, .. } => {
                    // As private as the original: never more readable than it was.
                    let copy = folder.join(&change.file);
                    state::write_new(&copy, bytes)?;
                    fs::set_permissions(
                        &copy,
                        std::os::unix::fs::PermissionsExt::from_mode(owner.mode & 0o600),
                    )
                    .map_err(write_error(&copy))?;
                    entry.mode = Some(owner.mode);
                    entry.uid = Some(owner.uid);
                    entry.gid = Some(owner.gid);
                }
                Existing::Link { target, .. } => entry.link = Some(target.clone()),
            }
            journal.entries.push(entry);
        }
        write_manifest(&folder, &journal)?;

        for change in changes {
            let path = self.root.join(&change.file);
            match (&change.contents, &change.before) {
                (Some(bytes), Existing::File { owner, .. }) => {
                    write::write_atomic(&path, bytes, Some(*owner))?
                }
                // A link's target: the new file is never more readable than the target was.
                (
                    Some(bytes),
                    Existing::Link {
                        owner: Some(owner), ..
                    },
                ) => write::write_atomic(&path, bytes, Some(owner.for_copy()))?,
                (Some(bytes), _) => write::write_atomic(&path, bytes, None)?,
                (None, Existing::Absent) => {}
                (None, _) => fs::remove_file(&path).map_err(write_error(&path))?,
            }
        }
        Ok(journal)
    }

    /// The newest copy of `file` that an apply moved aside, so a later stage that needs the
    /// file again starts from the user's own version.
    pub fn latest_moved_aside(&self, file: &str) -> Option<Vec<u8>> {
        for folder in self.folders().ok()?.into_iter().rev() {
            let Ok(journal) = read_manifest(&folder) else {
                continue;
            };
            if let Some(entry) = journal
                .entries
                .iter()
                .find(|e| e.file == file && e.action == Action::MovedAside)
            {
                if entry.link.is_some() {
                    return None;
                }
                return read_journal_file(&folder.join(file)).ok();
            }
        }
        None
    }

    /// The files the journal says phoneup wrote (created or modified) and has not undone.
    pub fn written_files(&self) -> BTreeSet<String> {
        let mut written = BTreeSet::new();
        for folder in self.folders().unwrap_or_default() {
            if let Ok(journal) = read_manifest(&folder) {
                written.extend(
                    journal
                        .entries
                        .into_iter()
                        .filter(|e| e.action != Action::MovedAside)
                        .map(|e| e.file),
                );
            }
        }
        written
    }

    /// Reverses the last apply; `None` when there is nothing to undo. Every entry of its
    /// manifest is checked before anything changes.
    pub fn undo(&self) -> Result<Option<Journal>, Error> {
        assert!(
            self._lock.is_some(),
            "undo needs the journal open for changes"
        );
        let Some(folder) = self.folders()?.pop() else {
            return Ok(None);
        };
        if !folder.join(MANIFEST).exists() {
            // The manifest is written before any change: an apply that stopped before it
            // changed anything. Its folder is dropped and the apply before it is undone.
            fs::remove_dir_all(&folder).map_err(write_error(&folder))?;
            return self.undo();
        }
        let journal = read_manifest(&folder)?;
        for entry in journal.entries.iter().rev() {
            let path = self.root.join(&entry.file);
            let saved = folder.join(&entry.file);
            // An apply that stopped halfway left some entries undone: skip what never happened.
            match (entry.action, &entry.link) {
                (Action::Created, _) => {
                    let is_file = fs::symlink_metadata(&path)
                        .is_ok_and(|m| m.is_file() || m.file_type().is_symlink());
                    if is_file {
                        fs::remove_file(&path).map_err(write_error(&path))?;
                    }
                }
                (_, Some(target)) => write::write_link(&path, target)?,
                (Action::Modified, None) => {
                    let old = read_journal_file(&saved)?;
                    restore(&path, &old, self.owner_for(entry, &path))?;
                }
                (Action::MovedAside, None) => {
                    if saved.exists() {
                        let old = read_journal_file(&saved)?;
                        restore(&path, &old, self.owner_for(entry, &path))?;
                    }
                }
            }
        }
        // The manifest goes first: a run killed after it leaves a folder that undo drops, never
        // a manifest whose copies are gone.
        let manifest = folder.join(MANIFEST);
        fs::remove_file(&manifest).map_err(write_error(&manifest))?;
        fs::remove_dir_all(&folder).map_err(write_error(&folder))?;
        Ok(Some(journal))
    }

    /// The owner a restored file gets: the one recorded, or (for journals of older versions)
    /// the current file's.
    fn owner_for(&self, entry: &JournalEntry, path: &Path) -> Option<Owner> {
        entry.owner().or_else(|| {
            fs::symlink_metadata(path)
                .ok()
                .filter(fs::Metadata::is_file)
                .map(|m| Owner::of(&m))
        })
    }
}

/// Puts `bytes` back at `path` with `owner`, unless the file is that already (an apply that
/// stopped before it changed the file): nothing is rewritten that need not be, so undo works on
/// a full disk.
fn restore(path: &Path, bytes: &[u8], owner: Option<Owner>) -> Result<(), Error> {
    if let Ok(Existing::File {
        bytes: now,
        owner: now_owner,
        ..
    }) = write::inspect(path)
    {
        if now == bytes && owner.is_none_or(|o| o == now_owner) {
            return Ok(());
        }
    }
    write::write_atomic(path, bytes, owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TFTP root and a journal folder beside it (never the user's state folder), in a
    /// temporary folder that is removed when the returned [`tempfile::TempDir`] is dropped.
    fn dirs() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let base = tempfile::tempdir().unwrap();
        let (root, journal) = (base.path().join("root"), base.path().join("journal"));
        fs::create_dir_all(&root).unwrap();
        (base, root, journal)
    }

    fn change(root: &Path, file: &str, contents: Option<&str>) -> FileChange {
        FileChange {
            file: file.into(),
            contents: contents.map(|c| c.as_bytes().to_vec()),
            before: write::inspect(&root.join(file)).unwrap(),
        }
    }

    /// Modify SIPDefault.cnf, create OS79XX.TXT, move XMLDefault.cnf.xml aside: a stage's worth.
    fn stage_like_changes(root: &Path) -> Vec<FileChange> {
        vec![
            change(root, "SIPDefault.cnf", Some("changed")),
            change(root, "OS79XX.TXT", Some("P0S3-06-3-00\n")),
            change(root, "XMLDefault.cnf.xml", None),
        ]
    }

    #[test]
    fn apply_then_undo_restores_every_byte_and_leaves_nothing_in_the_root() {
        let (_base, root, dir) = dirs();
        fs::write(
            root.join("SIPDefault.cnf"),
            "a: 1\r\nimage_version: X ; c\r\n",
        )
        .unwrap();
        fs::write(root.join("XMLDefault.cnf.xml"), "<Default/>").unwrap();
        let journal = UndoJournal::open(&root, Some(&dir)).unwrap();
        let applied = journal
            .apply_changes("test", &stage_like_changes(&root))
            .unwrap();
        assert_eq!(
            applied.entries.iter().map(|e| e.action).collect::<Vec<_>>(),
            [Action::Modified, Action::Created, Action::MovedAside]
        );
        assert!(!root.join("XMLDefault.cnf.xml").exists());
        assert_eq!(
            fs::read_to_string(root.join("SIPDefault.cnf")).unwrap(),
            "changed"
        );
        // What phoneup wrote, not what it only moved aside.
        assert_eq!(
            journal.written_files().into_iter().collect::<Vec<_>>(),
            ["OS79XX.TXT", "SIPDefault.cnf"]
        );
        let mut names: Vec<String> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["OS79XX.TXT", "SIPDefault.cnf"],
            "no journal in the root"
        );
        journal.undo().unwrap().unwrap();
        assert_eq!(
            fs::read_to_string(root.join("SIPDefault.cnf")).unwrap(),
            "a: 1\r\nimage_version: X ; c\r\n"
        );
        assert_eq!(
            fs::read_to_string(root.join("XMLDefault.cnf.xml")).unwrap(),
            "<Default/>"
        );
        assert!(!root.join("OS79XX.TXT").exists());
        assert_eq!(journal.undo().unwrap(), None);
    }

    #[test]
    fn a_later_stage_finds_the_newest_copy_an_apply_moved_aside() {
        let (_base, root, dir) = dirs();
        let journal = UndoJournal::open(&root, Some(&dir)).unwrap();
        assert_eq!(journal.latest_moved_aside("XMLDefault.cnf.xml"), None);
        // The user's file is moved aside, comes back in another form and is moved aside again;
        // in between, another apply only modifies it.
        fs::write(root.join("XMLDefault.cnf.xml"), "<Default>user</Default>").unwrap();
        let aside = |text: &str| {
            journal
                .apply_changes("aside", &[change(&root, "XMLDefault.cnf.xml", None)])
                .unwrap();
            fs::write(root.join("XMLDefault.cnf.xml"), text).unwrap();
        };
        aside("<Default>second</Default>");
        assert_eq!(
            journal.latest_moved_aside("XMLDefault.cnf.xml").as_deref(),
            Some(&b"<Default>user</Default>"[..])
        );
        aside("<Default>third</Default>");
        journal
            .apply_changes(
                "modify",
                &[change(
                    &root,
                    "XMLDefault.cnf.xml",
                    Some("<Default>fourth</Default>"),
                )],
            )
            .unwrap();
        assert_eq!(
            journal.latest_moved_aside("XMLDefault.cnf.xml").as_deref(),
            Some(&b"<Default>second</Default>"[..]),
            "the newest copy moved aside, not one modified"
        );
        assert_eq!(journal.latest_moved_aside("SIPDefault.cnf"), None);
    }

    #[test]
    fn undo_after_an_apply_that_stopped_halfway_restores_what_it_changed() {
        let (_base, root, dir) = dirs();
        fs::create_dir_all(root.join("OS79XX.TXT")).unwrap(); // a folder: writing it fails
        fs::write(root.join("SIPDefault.cnf"), "a: 1\n").unwrap();
        fs::write(root.join("XMLDefault.cnf.xml"), "<Default/>").unwrap();
        let journal = UndoJournal::open(&root, Some(&dir)).unwrap();
        let changes = vec![
            change(&root, "SIPDefault.cnf", Some("changed")),
            FileChange {
                file: "OS79XX.TXT".into(),
                contents: Some(b"P0S3-06-3-00\n".to_vec()),
                before: Existing::Absent,
            },
            change(&root, "XMLDefault.cnf.xml", None),
        ];
        assert!(journal.apply_changes("halfway", &changes).is_err());
        assert_eq!(
            fs::read_to_string(root.join("SIPDefault.cnf")).unwrap(),
            "changed"
        );
        journal.undo().unwrap().unwrap();
        assert_eq!(
            fs::read_to_string(root.join("SIPDefault.cnf")).unwrap(),
            "a: 1\n"
        );
        assert_eq!(
            fs::read_to_string(root.join("XMLDefault.cnf.xml")).unwrap(),
            "<Default/>"
        );
        assert!(
            root.join("OS79XX.TXT").is_dir(),
            "the user's folder is left alone"
        );
        // A journal folder without a manifest (an apply that stopped while saving copies) is
        // dropped, and undo goes on to the apply before it.
        journal
            .apply_changes("first", &[change(&root, "SIPDefault.cnf", Some("x"))])
            .unwrap();
        fs::create_dir_all(dir.join("0099")).unwrap();
        assert_eq!(journal.undo().unwrap().unwrap().description, "first");
        assert_eq!(
            fs::read_to_string(root.join("SIPDefault.cnf")).unwrap(),
            "a: 1\n"
        );
    }

    #[test]
    fn the_largest_journal_number_is_never_wrapped_and_a_stray_file_is_ignored() {
        let (_base, root, dir) = dirs();
        fs::write(root.join("SIPDefault.cnf"), "a: 1\n").unwrap();
        let journal = UndoJournal::open(&root, Some(&dir)).unwrap();
        fs::write(dir.join("9999"), "not a folder").unwrap();
        fs::create_dir(dir.join(u64::MAX.to_string())).unwrap();
        let error = journal
            .apply_changes("wrap", &[change(&root, "SIPDefault.cnf", Some("x"))])
            .unwrap_err()
            .to_string();
        assert!(error.contains("largest journal number"), "{error}");
        assert_eq!(
            fs::read_to_string(root.join("SIPDefault.cnf")).unwrap(),
            "a: 1\n"
        );
        assert!(dir.join("9999").is_file(), "not phoneup's: left alone");
    }

    #[test]
    fn only_the_names_phoneup_writes_pass() {
        for name in [
            "OS79XX.TXT",
            "XMLDefault.cnf.xml",
            "SIPDefault.cnf",
            "SEP0018B9FFFFFF.cnf.xml",
            "SIP0018b9ffffff.cnf",
            "xmlDefault.CNF.XML",
            "MGCDefault.cnf",
            "MGC0018B9FFFFFF.cnf",
            "mgc0018b9ffffff.CNF",
        ] {
            assert!(is_phoneup_file(name), "{name}");
        }
        for name in [
            "SEP0018B9FFFFFF.cnf",
            "SIP0018B9FFFFFF.cnf.xml",
            "XYZ0018B9FFFFFF.cnf",
            "SEP0018B9GGGGGG.cnf.xml",
            "SIP0018B9FFFFFF.txt",
            "MGC0018B9FFFFF.cnf",
            "MGCDefault.cnf.xml",
        ] {
            assert!(!is_phoneup_file(name), "{name:?}");
        }
        for name in [
            "",
            "/etc/passwd",
            "../victim.txt",
            "link/precious.txt",
            "..",
            "manifest.yaml",
            "SEP0018B9FFFFF.cnf.xml",
            "SEP0018B9FFFFFFF.cnf.xml",
            "SIP0018B9FFFFFF.cnf/../x",
            "SEP0018B9FFFF\u{e9}.cnf.xml",
            "OS79XX.TXT\0",
        ] {
            assert!(!is_phoneup_file(name), "{name:?}");
        }
    }
}
