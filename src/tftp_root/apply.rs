//! `phoneup apply` and `phoneup undo`: write one stage's files into a TFTP root, safely.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::files::{mgc_default_cnf, os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
use crate::knowledge::matrix::Matrix;
use crate::output::Style;
use crate::plan::stage::{self, Stage};
use crate::plan::{self, Outcome, Request};
use crate::tftp_root::write::{self, Action, FileChange, STATE_DIR};
use crate::tftp_root::TftpRoot;

/// What the user asks `apply` to do.
#[derive(Debug, Clone)]
pub struct ApplyRequest {
    pub plan: Request,
    /// 1-based.
    pub stage: usize,
    pub dir: PathBuf,
    /// Upper-case MAC: write `SEP<MAC>.cnf.xml` and `SIP<MAC>.cnf` instead of the defaults.
    pub mac: Option<String>,
    pub dry_run: bool,
    pub force: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeSummary {
    pub file: String,
    pub action: Action,
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
    pub dry_run: bool,
    pub written: bool,
    pub changes: Vec<ChangeSummary>,
    /// A unified diff of every change.
    pub diff: String,
    pub missing_firmware: Vec<String>,
    /// Why nothing was written, when the answer is no.
    pub refused: Option<String>,
    pub notes: Vec<String>,
}

fn read_text(path: &Path) -> Result<Option<String>, Error> {
    match fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Error::NotText {
                path: path.to_path_buf(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn diff(file: &str, old: Option<&str>, new: Option<&str>) -> String {
    let before = format!("a/{file}");
    let after = format!("b/{file}");
    similar::TextDiff::from_lines(old.unwrap_or(""), new.unwrap_or(""))
        .unified_diff()
        .context_radius(3)
        .header(
            if old.is_some() { &before } else { "/dev/null" },
            if new.is_some() { &after } else { "/dev/null" },
        )
        .to_string()
}

/// The changes a stage makes to the files of `dir`, in file order, skipping files already right.
fn stage_changes(
    stage: &Stage,
    request: &ApplyRequest,
) -> Result<(Vec<FileChange>, String, Vec<String>), Error> {
    let mut changes = Vec::new();
    let mut diffs = String::new();
    let mut notes = Vec::new();
    let (xml_name, sip_name) = match &request.mac {
        Some(mac) => (format!("SEP{mac}.cnf.xml"), format!("SIP{mac}.cnf")),
        None => (
            xml_default_cnf_xml::FILE_NAME.to_string(),
            sip_default_cnf::FILE_NAME.to_string(),
        ),
    };
    let reads_os79xx = stage
        .expect_requests
        .iter()
        .any(|r| r == os79xx_txt::FILE_NAME);
    let mut planned: Vec<(String, Option<String>)> = Vec::new();
    if request.mac.is_none() || reads_os79xx {
        let contents = stage.files.get(os79xx_txt::FILE_NAME).cloned().flatten();
        planned.push((os79xx_txt::FILE_NAME.to_string(), contents));
    } else {
        notes.push("OS79XX.TXT is left alone: this stage's phone does not read it.".into());
    }
    let xml_path = request.dir.join(&xml_name);
    let xml_new = match &stage.xmldefault_load {
        Some(load) => Some(
            match read_text(&xml_path)?.or_else(|| {
                // A file an earlier stage moved aside comes back with the user's settings.
                write::latest_moved_aside(&request.dir, &xml_name)
                    .and_then(|b| String::from_utf8(b).ok())
            }) {
                Some(old) => xml_default_cnf_xml::set_load(&old, load, request.plan.model)
                    .map_err(|why| Error::Usage {
                        message: format!(
                            "{}: {why}; fix it or move it aside, then apply again",
                            xml_path.display()
                        ),
                    })?,
                None => stage
                    .files
                    .get(xml_default_cnf_xml::FILE_NAME)
                    .cloned()
                    .flatten()
                    .unwrap_or_default(),
            },
        ),
        None => None,
    };
    planned.push((xml_name, xml_new));
    // image_version goes into SIPDefault.cnf, or MGCDefault.cnf (same syntax) for a phone on
    // MGCP, which then needs SIPDefault.cnf out of its hunt's way for this reboot.
    let on_mgcp = stage::image_version_file(stage) == mgc_default_cnf::FILE_NAME;
    let own_name = match (&request.mac, on_mgcp) {
        (_, false) => sip_name.clone(),
        (Some(mac), true) => mgc_default_cnf::per_phone(mac),
        (None, true) => mgc_default_cnf::FILE_NAME.to_string(),
    };
    let own_path = request.dir.join(&own_name);
    let own_new = stage
        .image_version
        .as_deref()
        .map(|value| -> Result<String, Error> {
            Ok(match read_text(&own_path)? {
                Some(old) => sip_default_cnf::set_image_version(&old, value),
                None => sip_default_cnf::render(value),
            })
        });
    if on_mgcp {
        planned.push((sip_name, None));
    }
    planned.push((own_name, own_new.transpose()?));

    for (file, new) in planned {
        let old = read_text(&request.dir.join(&file))?;
        if old == new {
            continue;
        }
        diffs.push_str(&diff(&file, old.as_deref(), new.as_deref()));
        changes.push(FileChange {
            file,
            contents: new.map(String::into_bytes),
        });
    }
    Ok((changes, diffs, notes))
}

/// Writes stage `request.stage` of the plan into `request.dir` (or, with `dry_run`, shows it).
pub fn apply(matrix: &Matrix, request: &ApplyRequest) -> Result<ApplyReport, Error> {
    let plan = match plan::plan(matrix, &request.plan)? {
        Outcome::Plan(plan) => plan,
        Outcome::NoPath(no_path) => {
            return Err(Error::Usage {
                message: format!(
                    "there is no plan from {} to {}, so no stage to apply:\n  {}",
                    no_path.from,
                    no_path.to,
                    no_path.reasons.join("\n  ")
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
    let root = TftpRoot::from_dir(&request.dir)?;
    let (changes, diff, mut notes) = stage_changes(stage, request)?;
    let mut report = ApplyReport {
        from: plan.from.clone(),
        to: plan.to.clone(),
        stage: request.stage,
        stages: plan.stages.len(),
        stage_from: stage.from.clone(),
        stage_to: stage.to.clone(),
        rule: stage.rule.clone(),
        tftp_root: request.dir.display().to_string(),
        dry_run: request.dry_run,
        written: false,
        changes: Vec::new(),
        diff,
        missing_firmware: Vec::new(),
        refused: None,
        notes: Vec::new(),
    };
    for file in &stage.firmware {
        if !root.contains(file) {
            report.missing_firmware.push(match root.case_variant(file) {
                Some(variant) => format!("{file} (the root has {variant}: rename it)"),
                None => file.clone(),
            });
        }
    }
    let reads_os79xx = stage
        .expect_requests
        .iter()
        .any(|r| r == os79xx_txt::FILE_NAME);
    if !request.force {
        if request.mac.is_some() && reads_os79xx {
            report.refused = Some(format!(
                "stage {} cannot be per-phone: {} reads the global OS79XX.TXT before any per-phone file, so every phone on this server would follow it. Apply it without --mac, or pass --force to write the global OS79XX.TXT as well.",
                request.stage, stage.from
            ));
        } else if !report.missing_firmware.is_empty() {
            report.refused = Some(format!(
                "the stage's firmware is not in {}: {}. Copy it there (phoneup never touches firmware), or pass --force to write the text files anyway.",
                request.dir.display(),
                report.missing_firmware.join(", ")
            ));
        }
    }
    report.changes = changes
        .iter()
        .filter_map(|c| {
            c.action(&request.dir).map(|action| ChangeSummary {
                file: c.file.clone(),
                action,
            })
        })
        .collect();
    if report.refused.is_some() || request.dry_run {
        report.notes.append(&mut notes);
        return Ok(report);
    }
    if !changes.is_empty() {
        let description = format!(
            "stage {} of {} -> {} ({} -> {})",
            request.stage, plan.from, plan.to, stage.from, stage.to
        );
        write::apply_changes(&request.dir, &description, &changes)?;
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
            return out;
        }
        if self.dry_run {
            out.push_str(&self.diff);
        }
        for change in &self.changes {
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
                "  {} firmware not in the root: {missing}",
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
                "{} Reboot the phone and confirm the stage. To put the directory back: phoneup undo --tftp-root {}",
                style.good("Written."),
                self.tftp_root
            );
        }
        out
    }
}

/// The answer of `phoneup undo`.
#[derive(Debug, Clone, Serialize)]
pub struct UndoReport {
    pub tftp_root: String,
    pub undone: Option<String>,
    pub files: Vec<ChangeSummary>,
}

pub fn undo(dir: &Path) -> Result<UndoReport, Error> {
    let journal = write::undo(dir)?;
    Ok(UndoReport {
        tftp_root: dir.display().to_string(),
        undone: journal.as_ref().map(|j| j.description.clone()),
        files: journal
            .map(|j| {
                j.entries
                    .into_iter()
                    .map(|e| ChangeSummary {
                        file: e.file,
                        action: e.action,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    })
}

impl UndoReport {
    pub fn exit_code(&self) -> u8 {
        u8::from(self.undone.is_none())
    }

    pub fn to_text(&self, style: &Style) -> String {
        match &self.undone {
            None => format!(
                "Nothing to undo in {}: no apply is recorded in its {STATE_DIR} folder.\n",
                self.tftp_root
            ),
            Some(description) => {
                let mut out = format!("{} {description}\n", style.good("Undone:"));
                for file in &self.files {
                    let what = match file.action {
                        Action::Created => "removed ",
                        Action::Modified => "restored",
                        Action::MovedAside => "put back",
                    };
                    let _ = writeln!(out, "  {what} {}", file.file);
                }
                out
            }
        }
    }
}
