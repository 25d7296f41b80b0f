//! `phoneup apply`: write one stage of a plan into a TFTP root, safely: the stage's files as
//! `changes` works them out, refused (with the command to run instead) when a file is
//! another user's, a link, global where the user asked for one phone, or when the firmware is
//! missing; shown as a diff with `--dry-run`; otherwise written through the undo journal
//! ([`crate::tftp_root::journal`]), holding the root's lock, so that `phoneup undo`
//! ([`super::undo`]) puts the directory back.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::commands::undo::{self, journal_words};
use crate::commands::{yes_or_no, Report};
use crate::error::Error;
use crate::files::mac::Mac;
use crate::files::os79xx_txt;
use crate::knowledge::family::JavaModel;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::phones::Model;
use crate::output::{self, shell_word, NextStep, Style};
use crate::plan::stage::Stage;
use crate::plan::{self, Outcome, Plan, Request};
use crate::tftp_root::journal::{Action, FileChange, UndoJournal};
use crate::tftp_root::root::leaves;
use crate::tftp_root::write::Existing;
use crate::tftp_root::TftpRoot;

use changes::{diff, link_note, missing_firmware, stage_changes, Planned};
use shared::{shared_changes, SharedChange};

mod changes;
pub(crate) mod family;
mod shared;

/// The plan a stage is asked of, for the phones it is for.
#[derive(Debug, Clone)]
pub enum PlanRequest {
    /// A 7940 and/or 7960 (the request's `model`): its ends, steering and the root it follows.
    Classic(Request),
    /// A Java-based phone (7906 to 7975): the model named, or (`None`) every model of the family
    /// the loads imply, and the plan's ends.
    Java {
        model: Option<JavaModel>,
        from: String,
        to: String,
    },
}

impl PlanRequest {
    /// `--from A --to B`, the waypoints and `--model` as the user gave them.
    fn words(&self) -> Vec<String> {
        let ends = |from: &str, to: &str| {
            vec![
                "--from".to_string(),
                shell_word(from),
                "--to".into(),
                shell_word(to),
            ]
        };
        match self {
            PlanRequest::Classic(plan) => {
                let mut words = ends(&plan.from, &plan.to);
                for via in &plan.via {
                    words.extend(["--via".into(), shell_word(via)]);
                }
                for avoid in &plan.avoid {
                    words.extend(["--avoid".into(), shell_word(avoid)]);
                }
                if plan.model != Model::Both {
                    words.extend(["--model".into(), model_word(plan.model).into()]);
                }
                words
            }
            PlanRequest::Java { model, from, to } => {
                let mut words = ends(from, to);
                if let Some(model) = model {
                    words.extend(["--model".into(), model.model.to_ascii_lowercase()]);
                }
                words
            }
        }
    }
}

/// What the user asks `apply` to do.
#[derive(Debug, Clone)]
pub struct ApplyRequest {
    pub plan: PlanRequest,
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
    /// The 7940/7960 model the plan is for (both for a Java-based phone's).
    fn model(&self) -> Model {
        match &self.plan {
            PlanRequest::Classic(plan) => plan.model,
            PlanRequest::Java { .. } => Model::Both,
        }
    }

    /// This apply as a command line, with `extra` options added and `--mac` dropped when
    /// `without_mac`.
    fn command(&self, extra: &[&str], without_mac: bool) -> String {
        let mut words = vec!["phoneup".to_string(), "apply".into()];
        words.extend(self.plan.words());
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

#[derive(Debug, Clone, Serialize)]
pub struct ChangeSummary {
    pub file: String,
    pub action: Action,
    /// A file created from the user's own copy that an earlier stage moved aside (text only:
    /// in JSON the action stays `created`, and a note says so).
    #[serde(skip)]
    pub restored: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
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
    /// The files every phone on the server reads that this stage changes, with the load each
    /// names before and after.
    pub shared: Vec<SharedChange>,
    /// Why nothing was (or, with `--dry-run`, would be) written, when the answer is no.
    pub refused: Option<String>,
    /// What to run next: after a refusal, the fix; after a dry run, the apply itself; after a
    /// write, the next stage (or, after the last, the check of what the phone will do).
    pub next_step: Option<NextStep>,
    pub notes: Vec<String>,
    /// The stage is a Java-based phone's (7906 to 7975), which `serve` does not walk yet.
    #[serde(skip)]
    pub java: bool,
}

/// One stage, whichever phones it is for: the report's account of it (where it goes, the
/// firmware it lacks, the files every phone reads that it changes), what it changes in the
/// root, and what to run after the last stage.
struct Staged {
    /// `from`, `to`, `stages`, `stage_from`, `stage_to`, `rule`, `missing_firmware` and
    /// `shared`; [`apply`] fills in the rest.
    report: ApplyReport,
    /// The stage's phone reads the global `OS79XX.TXT` before any per-phone file.
    reads_os79xx: bool,
    planned: Vec<Planned>,
    notes: Vec<String>,
    /// What to run once the last stage is in the root.
    last: NextStep,
}

/// The plan a stage is taken from.
enum Chosen {
    Classic(Plan),
    Java(family::Chosen),
}

/// Writes stage `request.stage` of the plan into `request.dir` (or, with `dry_run`, shows it).
pub fn apply(matrix: &Matrix, request: &ApplyRequest) -> Result<ApplyReport, Error> {
    let chosen = match &request.plan {
        PlanRequest::Classic(plan) => Chosen::Classic(plan_of(matrix, request, plan)?),
        PlanRequest::Java { model, from, to } => {
            Chosen::Java(family::plan_of(matrix, request, *model, from, to)?)
        }
    };
    // A dry run reads the journal; a real run holds the root's lock from here to the end, so
    // what it reads is what it changes.
    let journal = if request.dry_run {
        UndoJournal::read_only(&request.dir, request.journal.as_deref())?
    } else {
        UndoJournal::open(&request.dir, request.journal.as_deref())?
    };
    let root = TftpRoot::from_dir(&request.dir)?;
    let staged = match &chosen {
        Chosen::Classic(plan) => classic(plan, request, &journal, &root)?,
        Chosen::Java(chosen) => family::staged(chosen, request, &journal, &root)?,
    };
    let Staged {
        mut report,
        reads_os79xx,
        planned,
        mut notes,
        last,
    } = staged;
    notes.splice(0..0, journal.notes.iter().cloned());
    report.stage = request.stage;
    report.tftp_root = request.dir.display().to_string();
    report.journal = journal.dir().display().to_string();
    report.undo = undo::command(&request.dir, request.journal.as_deref());
    report.dry_run = request.dry_run;
    report.java = matches!(chosen, Chosen::Java(_));
    let refused = refusal(request, reads_os79xx, &planned, &report);
    // A dry run shows the stage even where the apply would be refused: a user who may not
    // write the files can still see what would change.
    if let Some((refused, next_step)) = refused.clone().filter(|_| !request.dry_run) {
        report.refused = Some(refused);
        report.next_step = Some(next_step);
        report.notes.append(&mut notes);
        return Ok(report);
    }
    show(&mut report, &planned, request, &mut notes);
    if request.dry_run {
        report.notes.append(&mut notes);
        match refused {
            Some((refused, next_step)) => {
                report.refused = Some(refused);
                report.next_step = Some(next_step);
            }
            None => {
                let force: &[&str] = if request.force { &["--force"] } else { &[] };
                report.next_step = Some(NextStep::new(
                    "Write it: the same command without --dry-run.",
                    request.command(force, false),
                ));
            }
        }
        return Ok(report);
    }
    let description = format!(
        "stage {} of {} -> {} ({} -> {})",
        request.stage, report.from, report.to, report.stage_from, report.stage_to
    );
    let changes: Vec<FileChange> = planned.into_iter().map(|p| p.change).collect();
    if changes.is_empty() {
        notes.push("The directory already holds this stage's files: nothing to write.".into());
    } else {
        write(&journal, &description, &changes, request)?;
        report.written = true;
    }
    report.notes.append(&mut notes);
    report.next_step = Some(after_the_stage(request, &report, last));
    Ok(report)
}

/// A 7940/7960 stage: its files as `changes` works them out.
fn classic(
    plan: &Plan,
    request: &ApplyRequest,
    journal: &UndoJournal,
    root: &TftpRoot,
) -> Result<Staged, Error> {
    let stage = &plan.stages[request.stage - 1];
    let model = request.model();
    let (planned, notes) = stage_changes(stage, request, journal)?;
    let shared = shared_changes(&planned, model);
    Ok(Staged {
        report: ApplyReport {
            from: plan.from.clone(),
            to: plan.to.clone(),
            stages: plan.stages.len(),
            stage_from: stage.from.clone(),
            stage_to: stage.to.clone(),
            rule: stage.rule.clone(),
            missing_firmware: missing_firmware(stage, root),
            shared,
            ..ApplyReport::default()
        },
        reads_os79xx: stage
            .expect_requests
            .iter()
            .any(|r| r == os79xx_txt::FILE_NAME),
        planned,
        notes,
        last: last_check(request, plan, stage),
    })
}

/// What to run once this stage is in the root: the next stage, to write once the phone shows
/// this stage's load; after the last, `last`.
fn after_the_stage(request: &ApplyRequest, report: &ApplyReport, last: NextStep) -> NextStep {
    if request.stage < report.stages {
        let next = ApplyRequest {
            stage: request.stage + 1,
            ..request.clone()
        };
        return NextStep::new(
            format!(
                "Reboot the phone; once it shows {} (Settings > Status > Firmware Versions), write stage {} of {}.",
                report.stage_to,
                request.stage + 1,
                report.stages
            ),
            next.command(&[], false),
        );
    }
    last
}

/// After a 7940/7960 plan's last stage: the check of what the phone will do when it reboots.
fn last_check(request: &ApplyRequest, plan: &Plan, stage: &Stage) -> NextStep {
    let mut command = format!(
        "phoneup check --from {} --tftp-root {} --to {}",
        shell_word(&stage.from),
        shell_word(&request.dir.display().to_string()),
        shell_word(&plan.to)
    );
    if plan.model != Model::Both {
        let _ = write!(command, " --model {}", model_word(plan.model));
    }
    if let Some(mac) = request.mac {
        let _ = write!(command, " --mac {mac}");
    }
    NextStep::new(
        format!(
            "This was the last stage: before you reboot the phone, check that it ends on {}.",
            plan.to
        ),
        command,
    )
}

/// The plan `request` names a stage of, when there is one and it has that stage.
fn plan_of(matrix: &Matrix, request: &ApplyRequest, asked: &Request) -> Result<Plan, Error> {
    let plan = match plan::plan(matrix, asked)? {
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
    stage_in_range(request, &plan.from, &plan.to, plan.stages.len())?;
    Ok(plan)
}

/// `--stage N` is a stage of the plan from `from` to `to`, which has `stages`.
fn stage_in_range(
    request: &ApplyRequest,
    from: &str,
    to: &str,
    stages: usize,
) -> Result<(), Error> {
    if request.stage == 0 || request.stage > stages {
        return Err(Error::Usage {
            message: format!(
                "--stage {}: the plan from {from} to {to} has {}; give 1 to {stages}",
                request.stage,
                output::count(stages, "stage"),
            ),
        });
    }
    Ok(())
}

/// Why this stage is not written as asked, and what to run instead: a file another user owns,
/// a link (without `--replace-links`), the global `OS79XX.TXT` for one phone or missing
/// firmware (without `--force`).
fn refusal(
    request: &ApplyRequest,
    reads_os79xx: bool,
    planned: &[Planned],
    report: &ApplyReport,
) -> Option<(String, NextStep)> {
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
        return Some((
            format!(
                "{} another user's: phoneup writes a new file in its place, which would be yours, and the TFTP server might no longer read it.",
                others.join(", ")
            ),
            NextStep::new(
                "Run phoneup as the files' owner, or as root (it keeps each file's owner, group and mode).",
                format!("sudo {}", request.command(&[], false)),
            ),
        ));
    }
    if !request.replace_links && !links.is_empty() {
        return Some((
            format!(
                "{} a symbolic link ({}): phoneup does not replace a link, or write what it points to, without asking.",
                if links.len() == 1 { "this stage's file is" } else { "these stage files are" },
                links.join(", ")
            ),
            NextStep::new(
                "Pass --replace-links to replace each link with a regular file holding the stage's contents (undo puts the link back), or replace the link yourself with the file it points to.",
                request.command(&["--replace-links"], false),
            ),
        ));
    }
    if request.force {
        return None;
    }
    if request.mac.is_some() && reads_os79xx {
        return Some((
            format!(
                "stage {} cannot be per-phone: {} reads the global OS79XX.TXT before any per-phone file, so every phone on this server would follow it.",
                request.stage, report.stage_from
            ),
            NextStep::new(
                "Apply this stage without --mac (every phone on the server follows it), or add --force to write the global OS79XX.TXT as well as the per-phone files; for many phones at mixed loads, phoneup serve gives each phone its own stage from one server instead.",
                request.command(&[], true),
            ),
        ));
    }
    if !report.missing_firmware.is_empty() {
        return Some((
            format!(
                "the stage's firmware is not usable in {}: {}.",
                request.dir.display(),
                report.missing_firmware.join(", ")
            ),
            NextStep::new(
                format!(
                    "Copy the firmware from its package into {} under these exact names (phoneup never touches firmware), or add --force to write the text files anyway.",
                    request.dir.display()
                ),
                request.command(&[], false),
            ),
        ));
    }
    None
}

/// Fills in what the stage changes, the diff of it, and a note for each link it replaces.
fn show(
    report: &mut ApplyReport,
    planned: &[Planned],
    request: &ApplyRequest,
    notes: &mut Vec<String>,
) {
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
    for p in planned {
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
}

/// Writes the changes through the undo journal; a failure halfway says how to put them back.
fn write(
    journal: &UndoJournal,
    description: &str,
    changes: &[FileChange],
    request: &ApplyRequest,
) -> Result<(), Error> {
    journal
        .apply_changes(description, changes)
        .map(drop)
        .map_err(|error| Error::Stopped {
            error: Box::new(error),
            next: format!(
                "No file is half-written: each is whole, old or new. If this apply changed some files before it stopped, `{}` puts them back; then fix the cause and apply again.",
                undo::command(&request.dir, request.journal.as_deref())
            ),
        })
}

impl Report for ApplyReport {
    /// 0 done (or shown), 1 refused.
    fn exit_code(&self) -> u8 {
        yes_or_no(self.refused.is_none())
    }

    fn to_text(&self, style: &Style) -> String {
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
        match &self.refused {
            Some(refused) if !self.dry_run => {
                let _ = writeln!(out, "{} {refused}", style.error("Refused:"));
                for note in &self.notes {
                    let _ = writeln!(out, "  note: {note}");
                }
            }
            _ => self.stage_text(&mut out, style),
        }
        if let Some(next) = &self.next_step {
            out.push_str(&next.to_text(style));
        }
        out
    }
}

impl ApplyReport {
    /// The stage as written or shown: the diff (dry run), each change, the shared files, the
    /// notes, and what became of it.
    fn stage_text(&self, out: &mut String, style: &Style) {
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
            match &self.refused {
                Some(refused) => {
                    let _ = writeln!(
                        out,
                        "Dry run: nothing was written. {} {refused}",
                        style.error("apply would refuse it:")
                    );
                }
                None => {
                    let _ = writeln!(out, "Dry run: nothing was written.");
                }
            }
        } else if self.written {
            let _ = writeln!(
                out,
                "{} The undo journal is in {} (outside the TFTP root).\nTo put the directory back: {}",
                style.good("Written."),
                self.journal,
                self.undo
            );
        }
        self.shared_text(out, style);
    }

    /// The files every phone on the server reads: what the stage does (or would do) to them.
    fn shared_text(&self, out: &mut String, style: &Style) {
        let changed: Vec<&SharedChange> = self
            .shared
            .iter()
            .filter(|s| self.changes.iter().any(|c| c.file == s.file))
            .collect();
        if changed.is_empty() || (!self.dry_run && !self.written) {
            return;
        }
        let heading = if self.written {
            "Every phone on this server reads what was written:"
        } else {
            "Every phone on this server reads what would be written:"
        };
        let _ = writeln!(out, "{}", style.warning(heading));
        for shared in changed {
            let _ = writeln!(out, "  ! {}", shared.sentence(self.written));
        }
        let _ = writeln!(
            out,
            "  {}",
            if self.java {
                "To move one phone only, apply with --mac MAC: its own SEP<MAC>.cnf.xml is read first, and XMLDefault.cnf.xml is left alone."
            } else {
                "To walk many phones at mixed loads, each through its own plan, use phoneup serve: it writes nothing and gives each phone its own stage's files."
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Builtin;

    #[test]
    fn os79xx_txt_is_written_for_every_phone_and_left_alone_for_one_that_does_not_read_it() {
        let temp = tempfile::tempdir().unwrap();
        let base = temp.path();
        let dir = base.join("root");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("OS79XX.TXT"), "P0S3-08-2-00\n").unwrap();
        let request = |mac: Option<&str>| ApplyRequest {
            plan: PlanRequest::Classic(Request::new("P0S3-08-2-00", "P0S3-08-11-00")),
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
            plan: PlanRequest::Classic(Request {
                model,
                ..Request::new("P0S3-06-3-00", "P0S3-08-11-00")
            }),
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
        // A Java-based phone's: --model only when the user named one.
        let java = |model| ApplyRequest {
            plan: PlanRequest::Java {
                model,
                from: "SCCP41.8-3-1S".into(),
                to: "SIP41.9-4-2SR3-1S".into(),
            },
            ..request(Model::Both)
        };
        assert_eq!(
            java(JavaModel::find("7961")).command(&[], false),
            "phoneup apply --from SCCP41.8-3-1S --to SIP41.9-4-2SR3-1S --model 7961 --stage 1 --tftp-root /srv/tftp"
        );
        assert!(!java(None).command(&[], false).contains("--model"));
        assert_eq!(java(None).model(), Model::Both);
    }
}
