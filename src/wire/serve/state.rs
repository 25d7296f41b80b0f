//! The state file: every managed phone's placement, stage, state and history, written
//! atomically (a temporary file renamed over it, `tftp_root::write::write_atomic`) at every
//! change, so a serve that is stopped, or killed, resumes every phone where it was. It is never
//! inside the served directory: serve refuses one there, as the TFTP server would serve it.
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

/// Writes every phone.
pub fn save<P: Serialize>(
    path: &Path,
    dir: &Dir,
    phones: &BTreeMap<String, P>,
) -> Result<(), String> {
    let file = StateFile {
        version: VERSION,
        root: dir.canonical.clone(),
        phones: phones
            .iter()
            .map(|(mac, phone)| (mac.clone(), phone))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    text.push('\n');
    write_atomic(path, text.as_bytes(), None).map_err(|e| e.to_string())
}

/// Reads the phones of a state file; `Ok(empty)` when there is none yet. A state file of
/// another directory is refused, so two benches never mix.
pub fn load<P: DeserializeOwned>(path: &Path, dir: &Dir) -> Result<BTreeMap<String, P>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => {
            return Err(format!(
                "cannot read the state file {}: {e}",
                path.display()
            ))
        }
    };
    let file: StateFile<P> = serde_json::from_str(&text).map_err(|e| {
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
    if file.root != dir.canonical {
        return Err(format!(
            "the state file {} belongs to {}, not {}: give --state another file",
            path.display(),
            file.root.display(),
            dir.canonical.display()
        ));
    }
    Ok(file.phones)
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
