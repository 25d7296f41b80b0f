//! `phoneup undo`: put a TFTP root back as it was before the last apply, byte for byte, from the
//! undo journal ([`crate::tftp_root::journal`]), holding the root's lock.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::commands::{yes_or_no, Report};
use crate::error::Error;
use crate::output::{shell_word, NextStep, Style};
use crate::tftp_root::journal::{Action, UndoJournal};

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

pub(super) fn journal_words(journal: Option<&Path>) -> Vec<String> {
    journal
        .map(|j| vec!["--journal".into(), shell_word(&j.display().to_string())])
        .unwrap_or_default()
}

/// `phoneup undo --tftp-root DIR [--journal DIR]`.
pub(super) fn command(dir: &Path, journal: Option<&Path>) -> String {
    let mut words = vec![
        "phoneup".to_string(),
        "undo".into(),
        "--tftp-root".into(),
        shell_word(&dir.display().to_string()),
    ];
    words.extend(journal_words(journal));
    words.join(" ")
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
            command(dir, journal_dir)
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
                command(dir, None)
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

impl Report for UndoReport {
    /// 0 undone, 1 nothing to undo.
    fn exit_code(&self) -> u8 {
        yes_or_no(self.undone.is_some())
    }

    fn to_text(&self, style: &Style) -> String {
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
