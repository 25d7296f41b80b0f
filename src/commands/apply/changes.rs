//! What writing one stage changes in a TFTP root: each file the stage writes, edits or moves
//! aside, looked at within bounds first, with the old text for the diff; the firmware the stage
//! needs that the root lacks; what becomes of a file that is a symbolic link.

use std::path::Path;

use crate::commands::apply::ApplyRequest;
use crate::error::Error;
use crate::files::per_phone::PerPhoneFile;
use crate::files::{loads, mgc_default_cnf, os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
use crate::knowledge::firmware;
use crate::plan::stage::{self, Stage};
use crate::tftp_root::journal::{FileChange, UndoJournal};
use crate::tftp_root::write::{self, Existing, Owner};
use crate::tftp_root::TftpRoot;

fn text_of(path: &Path, before: &Existing) -> Result<Option<String>, Error> {
    before
        .bytes()
        .map(|bytes| {
            String::from_utf8(bytes.to_vec()).map_err(|_| Error::NotText {
                path: path.to_path_buf(),
            })
        })
        .transpose()
}

pub(super) fn diff(file: &str, old: Option<&str>, new: Option<&str>) -> String {
    let before = format!("a/{file}");
    let after = format!("b/{file}");
    if let (Some(old), None) = (old, new) {
        // What is moved aside is kept whole in the journal; its contents are not printed (it
        // may be anything a link pointed to).
        return format!(
            "--- {before}\n+++ /dev/null\n(moved aside into the undo journal: {}, not shown)\n",
            crate::output::count(old.lines().count(), "line")
        );
    }
    similar::TextDiff::from_lines(old.unwrap_or(""), new.unwrap_or(""))
        .unified_diff()
        .context_radius(3)
        .header(
            if old.is_some() { &before } else { "/dev/null" },
            if new.is_some() { &after } else { "/dev/null" },
        )
        .to_string()
}

/// A change a stage makes, with the old text for the diff.
pub(super) struct Planned {
    pub(super) change: FileChange,
    pub(super) old: Option<String>,
    /// The new file starts from the user's copy an earlier stage moved aside.
    pub(super) restored: bool,
}

/// The changes a stage makes to the files of `dir`, in file order, skipping files already
/// right. Every file is looked at within bounds first ([`write::inspect`]).
pub(super) fn stage_changes(
    stage: &Stage,
    request: &ApplyRequest,
    journal: &UndoJournal,
) -> Result<(Vec<Planned>, Vec<String>), Error> {
    let model = request.model();
    let mut notes = Vec::new();
    let (xml_name, sip_name) = match request.mac {
        Some(mac) => (
            PerPhoneFile::SepXml.name(mac),
            PerPhoneFile::SipCnf.name(mac),
        ),
        None => (
            xml_default_cnf_xml::FILE_NAME.to_string(),
            sip_default_cnf::FILE_NAME.to_string(),
        ),
    };
    let reads_os79xx = stage
        .expect_requests
        .iter()
        .any(|r| r == os79xx_txt::FILE_NAME);
    let look = |name: &str| look(&request.dir, name);
    let mut planned = Vec::new();
    if request.mac.is_none() || reads_os79xx {
        let (before, old) = look(os79xx_txt::FILE_NAME)?;
        let new = stage.os79xx.as_deref().map(os79xx_txt::render);
        planned.push((os79xx_txt::FILE_NAME.to_string(), before, old, new));
    } else {
        notes.push("OS79XX.TXT is left alone: this stage's phone does not read it.".into());
    }
    let (before, old) = look(&xml_name)?;
    let mut xml_restored = None;
    let xml_new = match &stage.xmldefault_load {
        Some(load) => {
            let base = base_text(old.as_deref(), journal, &xml_name, load, &mut notes);
            if base.is_some() && old.is_none() {
                xml_restored = Some(xml_name.clone());
            }
            Some(match base {
                Some(text) => xml_default_cnf_xml::set_load(&text, load, model)
                    .map_err(|why| not_editable(&request.dir, &xml_name, &why))?,
                None => xml_default_cnf_xml::render(load, model),
            })
        }
        None => None,
    };
    planned.push((xml_name, before, old, xml_new));
    // image_version goes into SIPDefault.cnf, or MGCDefault.cnf (same syntax) for a phone on
    // MGCP, which then needs SIPDefault.cnf out of its hunt's way for this reboot.
    let on_mgcp = stage::image_version_file(stage) == mgc_default_cnf::FILE_NAME;
    let own_name = match (request.mac, on_mgcp) {
        (_, false) => sip_name.clone(),
        (Some(mac), true) => PerPhoneFile::MgcCnf.name(mac),
        (None, true) => mgc_default_cnf::FILE_NAME.to_string(),
    };
    if on_mgcp {
        let (before, old) = look(&sip_name)?;
        planned.push((sip_name, before, old, None));
    }
    let (before, old) = look(&own_name)?;
    let own_new = stage.image_version.as_deref().map(|value| match &old {
        Some(text) => sip_default_cnf::set_image_version(text, value),
        None => sip_default_cnf::render(value),
    });
    planned.push((own_name, before, old, own_new));

    let changes = into_changes(planned, xml_restored.as_deref(), &mut notes);
    Ok((changes, notes))
}

/// One file of the root, looked at within bounds: what it is, and its text.
pub(super) fn look(dir: &Path, name: &str) -> Result<(Existing, Option<String>), Error> {
    let path = dir.join(name);
    let before = write::inspect(&path)?;
    let old = text_of(&path, &before)?;
    Ok((before, old))
}

/// The text an XML file's edit starts from: the file in the root, else the user's own copy an
/// earlier stage moved aside into the journal (it comes back with the user's settings, and a
/// note says so).
pub(super) fn base_text(
    old: Option<&str>,
    journal: &UndoJournal,
    name: &str,
    load: &str,
    notes: &mut Vec<String>,
) -> Option<String> {
    if let Some(old) = old {
        return Some(old.to_string());
    }
    let saved = journal
        .latest_moved_aside(name)
        .and_then(|b| String::from_utf8(b).ok());
    if saved.is_some() {
        notes.push(format!(
            "{name} is your own copy, which an earlier stage moved aside into the undo journal, put back with only its loadInformation set to {load}."
        ));
    }
    saved
}

/// The error for an XML file phoneup will not edit.
pub(super) fn not_editable(dir: &Path, name: &str, why: &str) -> Error {
    Error::Usage {
        message: format!(
            "{}: {why}; fix it or move it aside, then apply again",
            dir.join(name).display()
        ),
    }
}

/// The changes among `planned` (file, what it is, its text, its new text), in order, skipping
/// files already right; a note for each file with other hard links. `restored` names the file
/// that starts from the user's moved-aside copy.
pub(super) fn into_changes(
    planned: Vec<(String, Existing, Option<String>, Option<String>)>,
    restored: Option<&str>,
    notes: &mut Vec<String>,
) -> Vec<Planned> {
    let mut changes = Vec::new();
    for (file, before, old, new) in planned {
        let unchanged = old == new && !matches!(before, Existing::Link { .. } if new.is_some());
        if unchanged {
            continue;
        }
        if let Existing::File { links, .. } = &before {
            if *links > 1 {
                notes.push(format!(
                    "{file} has {links} hard links: phoneup writes a new file in its place, so its other names keep the old bytes."
                ));
            }
        }
        let restored = restored == Some(file.as_str());
        changes.push(Planned {
            change: FileChange {
                file,
                contents: new.map(String::into_bytes),
                before,
            },
            old,
            restored,
        });
    }
    changes
}

/// What happens to a configuration file that is a symbolic link, and what the regular file in
/// its place gets of its target's owner, group and mode.
pub(super) fn link_note(file: &str, target: &str, owner: Option<Owner>, written: bool) -> String {
    if !written {
        return format!(
            "{file} is a symbolic link to {target}: it is removed (undo puts the link back)."
        );
    }
    let Some(owner) = owner else {
        return format!("{file} is a symbolic link to {target}: it becomes a regular file (undo puts the link back).");
    };
    let copy = owner.for_copy();
    let mut note = format!(
        "{file} is a symbolic link to {target}: it becomes a regular file with mode {:04o}, never more readable than {target} (undo puts the link back).",
        copy.mode
    );
    if copy.gid != owner.gid {
        note.push_str(&format!(
            " phoneup cannot give it {target}'s group (gid {}), so that group loses its access: if your TFTP server read the file through it, run phoneup as root instead.",
            owner.gid
        ));
    }
    note
}

/// Firmware the stage needs that `root` lacks, or holds in a form the phone cannot use (a
/// `.loads` that is not a manifest, or names files that are not there).
pub(super) fn missing_firmware(stage: &Stage, root: &TftpRoot) -> Vec<String> {
    let mut missing = Vec::new();
    for file in &stage.firmware {
        if !root.contains(file) {
            missing.push(root.lacking(file));
            continue;
        }
        if !firmware::is_manifest(file) {
            continue;
        }
        match root.text(file).as_deref().and_then(loads::manifest) {
            None => missing.push(format!(
                "{file} (the one in the root is not a .loads manifest: it names no .sbn loader and .sb2 application; copy the one from the firmware package)"
            )),
            Some((loader, application)) => {
                for named in [loader, application] {
                    if !root.contains(&named) && !missing.iter().any(|m| m.starts_with(&named)) {
                        missing.push(format!("{named} (named by {file})"));
                    }
                }
            }
        }
    }
    missing
}
