//! `phoneup apply` and `phoneup undo`: write one stage's files into a TFTP root, safely, and
//! take them back. Both hold the root's lock while they read and change it
//! ([`crate::tftp_root::journal`]), so two runs at once never share a journal.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::files::mac::Mac;
use crate::files::per_phone::PerPhoneFile;
use crate::files::{loads, mgc_default_cnf, os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
use crate::knowledge::firmware;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::phones::Model;
use crate::output::{shell_word, NextStep, Style};
use crate::plan::stage::{self, Stage};
use crate::plan::{self, Outcome, Request};
use crate::tftp_root::journal::{Action, FileChange, UndoJournal};
use crate::tftp_root::root::leaves;
use crate::tftp_root::write::{self, Existing, Owner};
use crate::tftp_root::TftpRoot;

/// What the user asks `apply` to do.
#[derive(Debug, Clone)]
pub struct ApplyRequest {
    pub plan: Request,
    /// 1-based.
    pub stage: usize,
    pub dir: PathBuf,
    /// Write `SEP<MAC>.cnf.xml` and `SIP<MAC>.cnf` (or `MGC<MAC>.cnf`) for this MAC instead of
    /// the defaults.
    pub mac: Option<Mac>,
    pub dry_run: bool,
    pub force: bool,
    /// `--journal DIR`: keep the undo journal there instead of the user's state folder.
    pub journal: Option<PathBuf>,
    /// `--replace-links`: the user agrees that a configuration file that is a symbolic link is
    /// replaced by a regular file (undo puts the link back).
    pub replace_links: bool,
}

impl ApplyRequest {
    /// This apply as a command line, with `extra` options added and `--mac` dropped when
    /// `without_mac`.
    fn command(&self, extra: &[&str], without_mac: bool) -> String {
        let mut words = vec![
            "phoneup".to_string(),
            "apply".into(),
            "--from".into(),
            shell_word(&self.plan.from),
            "--to".into(),
            shell_word(&self.plan.to),
        ];
        for via in &self.plan.via {
            words.extend(["--via".into(), shell_word(via)]);
        }
        for avoid in &self.plan.avoid {
            words.extend(["--avoid".into(), shell_word(avoid)]);
        }
        if self.plan.model != Model::Both {
            words.extend(["--model".into(), model_word(self.plan.model).into()]);
        }
        words.extend([
            "--stage".into(),
            self.stage.to_string(),
            "--tftp-root".into(),
            shell_word(&self.dir.display().to_string()),
        ]);
        if let Some(mac) = self.mac.filter(|_| !without_mac) {
            words.extend(["--mac".into(), mac.to_string()]);
        }
        words.extend(journal_words(self.journal.as_deref()));
        if self.replace_links {
            words.push("--replace-links".into());
        }
        words.extend(extra.iter().map(|w| w.to_string()));
        words.join(" ")
    }
}

fn model_word(model: Model) -> &'static str {
    match model {
        Model::Both => "both",
        Model::M7940 => "7940",
        Model::M7960 => "7960",
    }
}

fn journal_words(journal: Option<&Path>) -> Vec<String> {
    journal
        .map(|j| vec!["--journal".into(), shell_word(&j.display().to_string())])
        .unwrap_or_default()
}

/// `phoneup undo --tftp-root DIR [--journal DIR]`.
fn undo_command(dir: &Path, journal: Option<&Path>) -> String {
    let mut words = vec![
        "phoneup".to_string(),
        "undo".into(),
        "--tftp-root".into(),
        shell_word(&dir.display().to_string()),
    ];
    words.extend(journal_words(journal));
    words.join(" ")
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeSummary {
    pub file: String,
    pub action: Action,
    /// A file created from the user's own copy that an earlier stage moved aside (text only:
    /// in JSON the action stays `created`, and a note says so).
    #[serde(skip)]
    pub restored: bool,
}

/// What `undo` did to a file, in the words its text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Undone {
    /// The apply created it: undo removed it.
    Removed,
    /// The apply modified it: undo wrote back what it was.
    Restored,
    /// The apply moved it aside: undo put it back.
    PutBack,
}

impl From<Action> for Undone {
    fn from(action: Action) -> Undone {
        match action {
            Action::Created => Undone::Removed,
            Action::Modified => Undone::Restored,
            Action::MovedAside => Undone::PutBack,
        }
    }
}

/// One file `undo` put back.
#[derive(Debug, Clone, Serialize)]
pub struct UndoneFile {
    pub file: String,
    /// What the apply being undone did to it (apply's own words).
    pub action: Action,
    /// What undo did about it.
    pub undone: Undone,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApplyReport {
    pub from: String,
    pub to: String,
    pub stage: usize,
    pub stages: usize,
    pub stage_from: String,
    pub stage_to: String,
    pub rule: String,
    pub tftp_root: String,
    /// Where the undo journal is kept (outside the TFTP root).
    pub journal: String,
    /// The command that puts the directory back.
    pub undo: String,
    pub dry_run: bool,
    pub written: bool,
    pub changes: Vec<ChangeSummary>,
    /// A unified diff of every change (a file moved aside is named, not shown).
    pub diff: String,
    pub missing_firmware: Vec<String>,
    /// Why nothing was written, when the answer is no.
    pub refused: Option<String>,
    /// After a refusal: the fix and the command to run next.
    pub next_step: Option<NextStep>,
    pub notes: Vec<String>,
}

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

fn diff(file: &str, old: Option<&str>, new: Option<&str>) -> String {
    let before = format!("a/{file}");
    let after = format!("b/{file}");
    if let (Some(old), None) = (old, new) {
        // What is moved aside is kept whole in the journal; its contents are not printed (it
        // may be anything a link pointed to).
        return format!(
            "--- {before}\n+++ /dev/null\n(moved aside into the undo journal: {} line(s), not shown)\n",
            old.lines().count()
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
struct Planned {
    change: FileChange,
    old: Option<String>,
    /// The new file starts from the user's copy an earlier stage moved aside.
    restored: bool,
}

/// The changes a stage makes to the files of `dir`, in file order, skipping files already
/// right. Every file is looked at within bounds first ([`write::inspect`]).
fn stage_changes(
    stage: &Stage,
    request: &ApplyRequest,
    journal: &UndoJournal,
) -> Result<(Vec<Planned>, Vec<String>), Error> {
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
    let look = |name: &str| -> Result<(Existing, Option<String>), Error> {
        let path = request.dir.join(name);
        let before = write::inspect(&path)?;
        let old = text_of(&path, &before)?;
        Ok((before, old))
    };
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
            // A file an earlier stage moved aside comes back with the user's settings.
            let base = old.clone().or_else(|| {
                let saved = journal
                    .latest_moved_aside(&xml_name)
                    .and_then(|b| String::from_utf8(b).ok());
                if saved.is_some() {
                    xml_restored = Some(xml_name.clone());
                    notes.push(format!(
                        "{xml_name} is your own copy, which an earlier stage moved aside into the undo journal, put back with only its loadInformation set to {load}."
                    ));
                }
                saved
            });
            Some(match base {
                Some(text) => xml_default_cnf_xml::set_load(&text, load, request.plan.model)
                    .map_err(|why| Error::Usage {
                        message: format!(
                            "{}: {why}; fix it or move it aside, then apply again",
                            request.dir.join(&xml_name).display()
                        ),
                    })?,
                None => xml_default_cnf_xml::render(load, request.plan.model),
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
        let restored = xml_restored.as_ref() == Some(&file);
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
    Ok((changes, notes))
}

/// What happens to a configuration file that is a symbolic link, and what the regular file in
/// its place gets of its target's owner, group and mode.
fn link_note(file: &str, target: &str, owner: Option<Owner>, written: bool) -> String {
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
fn missing_firmware(stage: &Stage, root: &TftpRoot) -> Vec<String> {
    let mut missing = Vec::new();
    for file in &stage.firmware {
        if !root.contains(file) {
            missing.push(match root.case_variant(file) {
                Some(variant) => format!("{file} (the root has {variant}: rename it)"),
                None => file.clone(),
            });
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

/// Writes stage `request.stage` of the plan into `request.dir` (or, with `dry_run`, shows it).
pub fn apply(matrix: &Matrix, request: &ApplyRequest) -> Result<ApplyReport, Error> {
    let plan = match plan::plan(matrix, &request.plan)? {
        Outcome::Plan(plan) => plan,
        Outcome::NoPath(no_path) => {
            return Err(Error::Usage {
                message: format!(
                    "there is no plan from {} to {}, so no stage to apply:\n  {}\nNext: {}\n  then run: {}",
                    no_path.from,
                    no_path.to,
                    no_path.reasons.join("\n  "),
                    no_path.next_step.fix,
                    no_path.next_step.command
                ),
            })
        }
    };
    if request.stage == 0 || request.stage > plan.stages.len() {
        return Err(Error::Usage {
            message: format!(
                "--stage {}: the plan from {} to {} has {} stage(s); give 1 to {}",
                request.stage,
                plan.from,
                plan.to,
                plan.stages.len(),
                plan.stages.len()
            ),
        });
    }
    let stage = &plan.stages[request.stage - 1];
    // A dry run reads the journal; a real run holds the root's lock from here to the end, so
    // what it reads is what it changes.
    let journal = if request.dry_run {
        UndoJournal::read_only(&request.dir, request.journal.as_deref())?
    } else {
        UndoJournal::open(&request.dir, request.journal.as_deref())?
    };
    let root = TftpRoot::from_dir(&request.dir)?;
    let (planned, mut notes) = stage_changes(stage, request, &journal)?;
    notes.splice(0..0, journal.notes.iter().cloned());
    let mut report = ApplyReport {
        from: plan.from.clone(),
        to: plan.to.clone(),
        stage: request.stage,
        stages: plan.stages.len(),
        stage_from: stage.from.clone(),
        stage_to: stage.to.clone(),
        rule: stage.rule.clone(),
        tftp_root: request.dir.display().to_string(),
        journal: journal.dir().display().to_string(),
        undo: undo_command(&request.dir, request.journal.as_deref()),
        dry_run: request.dry_run,
        written: false,
        changes: Vec::new(),
        diff: String::new(),
        missing_firmware: missing_firmware(stage, &root),
        refused: None,
        next_step: None,
        notes: Vec::new(),
    };
    let reads_os79xx = stage
        .expect_requests
        .iter()
        .any(|r| r == os79xx_txt::FILE_NAME);
    let links: Vec<String> = planned
        .iter()
        .filter_map(|p| match &p.change.before {
            Existing::Link { target, .. } => Some(format!("{} -> {target}", p.change.file)),
            _ => None,
        })
        .collect();
    // A file phoneup replaces gets a new inode; only its owner (or root) can give it the old
    // owner back, and the TFTP daemon may read it only as that owner.
    let euid = crate::tftp_root::state::euid();
    let others: Vec<String> = planned
        .iter()
        .filter_map(|p| match &p.change.before {
            Existing::File { owner, .. } if euid != 0 && owner.uid != euid => {
                Some(format!("{} (owner uid {})", p.change.file, owner.uid))
            }
            _ => None,
        })
        .collect();
    if !others.is_empty() {
        report.refused = Some(format!(
            "{} another user's: phoneup writes a new file in its place, which would be yours, and the TFTP server might no longer read it.",
            others.join(", ")
        ));
        report.next_step = Some(NextStep::new(
            "Run phoneup as the files' owner, or as root (it keeps each file's owner, group and mode).",
            format!("sudo {}", request.command(&[], false)),
        ));
    } else if !request.replace_links && !links.is_empty() {
        report.refused = Some(format!(
            "{} a symbolic link ({}): phoneup does not replace a link, or write what it points to, without asking.",
            if links.len() == 1 { "this stage's file is" } else { "these stage files are" },
            links.join(", ")
        ));
        report.next_step = Some(NextStep::new(
            "Pass --replace-links to replace each link with a regular file holding the stage's contents (undo puts the link back), or replace the link yourself with the file it points to.",
            request.command(&["--replace-links"], false),
        ));
    } else if !request.force {
        if request.mac.is_some() && reads_os79xx {
            report.refused = Some(format!(
                "stage {} cannot be per-phone: {} reads the global OS79XX.TXT before any per-phone file, so every phone on this server would follow it.",
                request.stage, stage.from
            ));
            report.next_step = Some(NextStep::new(
                "Apply this stage without --mac (every phone on the server follows it), or add --force to write the global OS79XX.TXT as well as the per-phone files.",
                request.command(&[], true),
            ));
        } else if !report.missing_firmware.is_empty() {
            report.refused = Some(format!(
                "the stage's firmware is not usable in {}: {}.",
                request.dir.display(),
                report.missing_firmware.join(", ")
            ));
            report.next_step = Some(NextStep::new(
                format!(
                    "Copy the firmware from its package into {} under these exact names (phoneup never touches firmware), or add --force to write the text files anyway.",
                    request.dir.display()
                ),
                request.command(&[], false),
            ));
        }
    }
    if report.refused.is_some() {
        report.notes.append(&mut notes);
        return Ok(report);
    }
    report.changes = planned
        .iter()
        .filter_map(|p| {
            p.change.action().map(|action| ChangeSummary {
                file: p.change.file.clone(),
                action,
                restored: p.restored,
            })
        })
        .collect();
    for p in &planned {
        let new = p.change.contents.as_deref().map(String::from_utf8_lossy);
        let outside = match &p.change.before {
            Existing::Link { target, .. } if leaves(&request.dir, &p.change.file) => {
                Some(target.as_str())
            }
            _ => None,
        };
        report.diff.push_str(&match outside {
            // Nothing of a file outside the root is ever shown, not even how long it is.
            Some(target) if new.is_some() => format!(
                "--- a/{file} (a link to {target}, outside the TFTP root)\n+++ b/{file}\n(its lines are not shown: they are outside the TFTP root; the new file holds them with this stage's change)\n",
                file = p.change.file
            ),
            Some(target) => format!(
                "--- a/{file} (a link to {target}, outside the TFTP root)\n+++ /dev/null\n(the link is moved aside into the undo journal; what it points to is not shown)\n",
                file = p.change.file
            ),
            None => diff(&p.change.file, p.old.as_deref(), new.as_deref()),
        });
        if let Existing::Link { target, owner, .. } = &p.change.before {
            notes.push(link_note(&p.change.file, target, *owner, new.is_some()));
        }
    }
    if request.dry_run {
        report.notes.append(&mut notes);
        return Ok(report);
    }
    let changes: Vec<FileChange> = planned.into_iter().map(|p| p.change).collect();
    if !changes.is_empty() {
        let description = format!(
            "stage {} of {} -> {} ({} -> {})",
            request.stage, plan.from, plan.to, stage.from, stage.to
        );
        journal
            .apply_changes(&description, &changes)
            .map_err(|error| Error::Stopped {
                error: Box::new(error),
                next: format!(
                    "No file is half-written: each is whole, old or new. If this apply changed some files before it stopped, `{}` puts them back; then fix the cause and apply again.",
                    undo_command(&request.dir, request.journal.as_deref())
                ),
            })?;
        report.written = true;
    } else {
        notes.push("The directory already holds this stage's files: nothing to write.".into());
    }
    report.notes.append(&mut notes);
    Ok(report)
}

impl ApplyReport {
    /// 0 done (or shown), 1 refused.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.refused.is_some())
    }

    pub fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {} of {}: {} -> {} (rule {}) in {}",
            style.bold("Stage"),
            self.stage,
            self.stages,
            self.stage_from,
            self.stage_to,
            self.rule,
            self.tftp_root
        );
        if let Some(refused) = &self.refused {
            let _ = writeln!(out, "{} {refused}", style.error("Refused:"));
            for note in &self.notes {
                let _ = writeln!(out, "  note: {note}");
            }
            if let Some(next) = &self.next_step {
                out.push_str(&next.to_text(style));
            }
            return out;
        }
        if self.dry_run {
            out.push_str(&self.diff);
        }
        for change in &self.changes {
            if change.restored {
                let _ = writeln!(
                    out,
                    "  put back   {} (your copy, moved aside by an earlier stage, with loadInformation set)",
                    change.file
                );
                continue;
            }
            let what = match change.action {
                Action::Created => "create    ",
                Action::Modified => "modify    ",
                Action::MovedAside => "move aside",
            };
            let _ = writeln!(out, "  {what} {}", change.file);
        }
        for missing in &self.missing_firmware {
            let _ = writeln!(
                out,
                "  {} firmware not usable in the root: {missing}",
                style.warning("!")
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        if self.dry_run {
            let _ = writeln!(out, "Dry run: nothing was written.");
        } else if self.written {
            let _ = writeln!(
                out,
                "{} Reboot the phone and confirm the stage. The undo journal is in {} (outside the TFTP root).\nTo put the directory back: {}",
                style.good("Written."),
                self.journal,
                self.undo
            );
        }
        out
    }
}

/// The answer of `phoneup undo`.
#[derive(Debug, Clone, Serialize)]
pub struct UndoReport {
    pub tftp_root: String,
    /// Where the undo journal is kept.
    pub journal: String,
    pub undone: Option<String>,
    pub files: Vec<UndoneFile>,
    pub notes: Vec<String>,
    /// When there was nothing to undo: what to check.
    pub next_step: Option<NextStep>,
}

/// Reverses the last apply on `dir`, holding the root's lock.
pub fn undo(dir: &Path, journal_dir: Option<&Path>) -> Result<UndoReport, Error> {
    let journal = UndoJournal::open(dir, journal_dir)?;
    let undone = journal.undo().map_err(|error| Error::Stopped {
        error: Box::new(error),
        next: format!(
            "Every file is whole, old or new. Fix the cause, then run `{}` again: it starts over from what the journal recorded.",
            undo_command(dir, journal_dir)
        ),
    })?;
    let next_step = undone.is_none().then(|| match journal_dir {
        Some(_) => NextStep::new(
            format!(
                "No apply is recorded in {}: if you applied with another --journal folder, name that one.",
                journal.dir().display()
            ),
            format!("ls {}", shell_word(&journal.dir().display().to_string())),
        ),
        None => NextStep::new(
            format!(
                "No apply is recorded for this directory in {}: if you applied with --journal DIR, pass the same --journal to undo.",
                journal.dir().display()
            ),
            format!(
                "{} --journal DIR",
                undo_command(dir, None)
            ),
        ),
    });
    Ok(UndoReport {
        tftp_root: dir.display().to_string(),
        journal: journal.dir().display().to_string(),
        undone: undone.as_ref().map(|j| j.description.clone()),
        files: undone
            .map(|j| {
                j.entries
                    .into_iter()
                    .map(|e| UndoneFile {
                        file: e.file,
                        action: e.action,
                        undone: e.action.into(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        notes: journal.notes.clone(),
        next_step,
    })
}

impl UndoReport {
    pub fn exit_code(&self) -> u8 {
        u8::from(self.undone.is_none())
    }

    pub fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        match &self.undone {
            None => {
                let _ = writeln!(
                    out,
                    "Nothing to undo in {}: no apply is recorded in {}.",
                    self.tftp_root, self.journal
                );
                if let Some(next) = &self.next_step {
                    out.push_str(&next.to_text(style));
                }
            }
            Some(description) => {
                let _ = writeln!(out, "{} {description}", style.good("Undone:"));
                for file in &self.files {
                    let what = match file.undone {
                        Undone::Removed => "removed ",
                        Undone::Restored => "restored",
                        Undone::PutBack => "put back",
                    };
                    let _ = writeln!(out, "  {what} {}", file.file);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os79xx_txt_is_written_for_every_phone_and_left_alone_for_one_that_does_not_read_it() {
        let temp = tempfile::tempdir().unwrap();
        let base = temp.path();
        let dir = base.join("root");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("OS79XX.TXT"), "P0S3-08-2-00\n").unwrap();
        let request = |mac: Option<&str>| ApplyRequest {
            plan: Request::new("P0S3-08-2-00", "P0S3-08-11-00"),
            stage: 1,
            dir: dir.clone(),
            mac: mac.map(|mac| mac.parse().unwrap()),
            dry_run: true,
            force: true,
            journal: Some(base.join("journal")),
            replace_links: false,
        };
        let matrix = Matrix::builtin().unwrap();
        // Without --mac every phone on the server reads the stage's OS79XX.TXT.
        let report = apply(&matrix, &request(None)).unwrap();
        let changed: Vec<&str> = report.changes.iter().map(|c| c.file.as_str()).collect();
        assert!(changed.contains(&"OS79XX.TXT"), "{changed:?}");
        assert!(
            report.notes.iter().all(|n| !n.contains("hard links")),
            "{:?}",
            report.notes
        );
        // A second name for the file keeps the old bytes, and the user is told.
        std::fs::hard_link(dir.join("OS79XX.TXT"), base.join("os79xx-backup")).unwrap();
        let report = apply(&matrix, &request(None)).unwrap();
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.starts_with("OS79XX.TXT has 2 hard links")),
            "{:?}",
            report.notes
        );
        // A UAL-era phone given its own files never reads it: it is left alone.
        let report = apply(&matrix, &request(Some("0018B9FFFFFF"))).unwrap();
        assert!(report.changes.iter().all(|c| c.file != "OS79XX.TXT"));
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.starts_with("OS79XX.TXT is left alone")),
            "{:?}",
            report.notes
        );
    }

    #[test]
    fn the_command_to_run_next_names_the_model_planned_for() {
        let request = |model| ApplyRequest {
            plan: Request {
                model,
                ..Request::new("P0S3-06-3-00", "P0S3-08-11-00")
            },
            stage: 1,
            dir: PathBuf::from("/srv/tftp"),
            mac: None,
            dry_run: false,
            force: false,
            journal: None,
            replace_links: false,
        };
        let command = |model| request(model).command(&[], false);
        assert_eq!(
            command(Model::M7940),
            "phoneup apply --from P0S3-06-3-00 --to P0S3-08-11-00 --model 7940 --stage 1 --tftp-root /srv/tftp"
        );
        assert!(command(Model::M7960).contains(" --model 7960 "));
        assert!(!command(Model::Both).contains("--model"));
        assert_eq!(model_word(Model::Both), "both");
    }
}
