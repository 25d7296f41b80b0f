//! `phoneup check`: is this one direct jump safe to flash?

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::error::Error;
use crate::knowledge::catalogue;
use crate::knowledge::graph;
use crate::knowledge::matrix::{Confidence, Load, Matrix, Mechanism, Rule};
use crate::knowledge::package;
use crate::knowledge::phones::Model;
use crate::output::{self, Style};
use crate::phone::{Ending, Phone, Simulation};
use crate::plan::stage::{self, EvidenceRef, Stage};
use crate::plan::{self, Outcome, Request};
use crate::tftp_root::TftpRoot;

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// A rule with evidence allows the jump in one reboot.
    Safe,
    /// The phone already runs the target.
    Already,
    /// A rule with evidence says the jump fails.
    Refused,
    /// No rule speaks about it, or the files it needs are not known to exist.
    Unknown,
}

impl Verdict {
    /// 0 for yes, 1 for no.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Safe | Verdict::Already => 0,
            Verdict::Refused | Verdict::Unknown => 1,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub from: String,
    pub from_label: String,
    pub to: String,
    pub to_label: String,
    pub verdict: Verdict,
    pub safe: bool,
    pub rule: Option<String>,
    pub rule_summary: Option<String>,
    pub confidence: Option<Confidence>,
    pub mechanism: Option<Mechanism>,
    /// Why the answer is no.
    pub reason: Option<String>,
    pub evidence: Vec<EvidenceRef>,
    /// For a safe jump: the stage that makes it. Otherwise: the first stage of the safe plan.
    pub stage: Option<Stage>,
    /// For a jump that is not safe: how many reboots the safe plan takes, if there is one.
    pub plan_reboots: Option<usize>,
    pub plan_path: Vec<String>,
    pub notes: Vec<String>,
}

fn rule_fields(check: &mut Check, rule: &Rule, matrix: &Matrix) {
    check.rule = Some(rule.id.clone());
    check.rule_summary = Some(rule.summary.clone());
    check.confidence = Some(rule.confidence);
    check.mechanism = rule.mechanism;
    check.evidence = EvidenceRef::for_rule(rule, matrix);
}

/// Checks the direct jump `from` to `to`.
pub fn check(matrix: &Matrix, from: &str, to: &str, model: Model) -> Result<Check, Error> {
    let from_load = catalogue::resolve(matrix, from, "--from")?;
    let to_load = catalogue::resolve(matrix, to, "--to")?;
    let mut check = Check {
        from: from_load.name().to_string(),
        from_label: from_load.label(),
        to: to_load.name().to_string(),
        to_label: to_load.label(),
        verdict: Verdict::Unknown,
        safe: false,
        rule: None,
        rule_summary: None,
        confidence: None,
        mechanism: None,
        reason: None,
        evidence: Vec::new(),
        stage: None,
        plan_reboots: None,
        plan_path: Vec::new(),
        notes: Vec::new(),
    };

    if from_load.id.match_key() == to_load.id.match_key() {
        check.verdict = Verdict::Already;
        check.safe = true;
        return Ok(check);
    }
    if let Some(rule) = matrix.refusals(&from_load, &to_load).next() {
        check.verdict = Verdict::Refused;
        check.reason = rule.reason.clone();
        rule_fields(&mut check, rule, matrix);
    } else if let Some(rule) = graph::best_rule(matrix, &from_load, &to_load) {
        check.verdict = Verdict::Safe;
        check.safe = true;
        rule_fields(&mut check, rule, matrix);
        let firmware = package::firmware(&from_load, &to_load);
        check.stage = Some(stage::build(
            1, &from_load, &to_load, rule, matrix, model, firmware,
        ));
        return Ok(check);
    } else if let Some(rule) = matrix.allowances(&from_load, &to_load).next() {
        let needed = package::firmware(&from_load, &to_load);
        if to_load.in_catalogue {
            check.reason = Some(format!(
                "rule {} allows this jump, but it needs {}, and the catalogue does not list {} in the package of {}",
                rule.id,
                needed.join(", "),
                package::missing_firmware(&from_load, &to_load).join(", "),
                to_load.name()
            ));
        } else {
            check.verdict = Verdict::Safe;
            check.safe = true;
            check.notes.push(format!(
                "{} is not in the catalogue: make sure its package holds {} before you flash.",
                to_load.name(),
                needed.join(", ")
            ));
        }
        rule_fields(&mut check, rule, matrix);
        if check.safe {
            return Ok(check);
        }
    } else {
        check.reason = Some(
            "no rule in the matrix covers this direct jump, so phoneup cannot call it safe".into(),
        );
    }

    first_step_of_plan(matrix, &mut check, &from_load, &to_load, model);
    Ok(check)
}

fn first_step_of_plan(matrix: &Matrix, check: &mut Check, from: &Load, to: &Load, model: Model) {
    if !to.in_catalogue {
        check.notes.push(format!(
            "{} is not in the catalogue, so phoneup cannot plan a route to it.",
            to.name()
        ));
        return;
    }
    let request = Request {
        model,
        ..Request::new(from.name(), to.name())
    };
    match plan::plan(matrix, &request) {
        Ok(Outcome::Plan(plan)) => {
            check.plan_reboots = Some(plan.reboots);
            check.plan_path = plan.path;
            check.stage = plan.stages.into_iter().next();
        }
        Ok(Outcome::NoPath(_)) => {
            check.notes.push(format!(
                "No safe route leads there either; `phoneup plan --from {} --to {}` explains why.",
                from.name(),
                to.name()
            ));
        }
        Err(error) => check.notes.push(error.to_string()),
    }
}

/// The file whose line makes the phone take the stage's image, as `check` names it: the
/// mechanism that acts, not every file the stage writes.
fn acting_file(stage: &Stage) -> String {
    let named = |value: &Option<String>| value.clone().unwrap_or_else(|| "nothing".into());
    match stage.mechanism {
        Mechanism::DualBoot => format!("OS79XX.TXT names {}", named(&stage.os79xx)),
        Mechanism::ImageVersion => format!(
            "image_version in {} names {}",
            stage::image_version_file(stage),
            named(&stage.image_version)
        ),
        Mechanism::LoadInformation | Mechanism::UalHunt => {
            let mut text = format!(
                "loadInformation in XMLDefault.cnf.xml names {}",
                named(&stage.xmldefault_load)
            );
            let prefix = |s: &str| s.chars().take(4).collect::<String>();
            let reads_os79xx = stage.expect_requests.first().map(String::as_str)
                == Some(crate::files::os79xx_txt::FILE_NAME);
            if let Some(os79xx) = stage.os79xx.as_deref().filter(|_| reads_os79xx) {
                if prefix(os79xx) == prefix(&stage.from) {
                    text.push_str(&format!(
                        " (OS79XX.TXT starts {} like the running image, so the phone skips it)",
                        prefix(os79xx)
                    ));
                }
            }
            text
        }
    }
}

impl Check {
    pub fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        let head = match self.verdict {
            Verdict::Safe => style.good("SAFE:"),
            Verdict::Already => style.good("ALREADY THERE:"),
            Verdict::Refused => style.error("REFUSED:"),
            Verdict::Unknown => style.warning("NOT KNOWN TO BE SAFE:"),
        };
        let _ = writeln!(
            out,
            "{head} {} ({}) -> {} ({})",
            self.from, self.from_label, self.to, self.to_label
        );
        if self.verdict == Verdict::Already {
            let _ = writeln!(
                out,
                "  The phone already runs {}: nothing to flash.",
                self.to
            );
            return out;
        }
        if let (Some(rule), Some(summary), Some(confidence)) =
            (&self.rule, &self.rule_summary, self.confidence)
        {
            let _ = writeln!(
                out,
                "  rule      {rule} ({} confidence): {summary}",
                confidence.painted(style)
            );
        }
        if let Some(mechanism) = self.mechanism.filter(|_| self.safe) {
            let how = match &self.stage {
                Some(stage) => stage::how(stage),
                None => mechanism.describe(),
            };
            let _ = writeln!(out, "  how       {how}");
        }
        if let Some(reason) = &self.reason {
            let _ = writeln!(out, "  why not   {reason}");
        }
        if !self.evidence.is_empty() {
            let _ = writeln!(out, "  evidence");
            for e in &self.evidence {
                let _ = writeln!(out, "    - {}: {} <{}>", e.source, e.note, e.locator);
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "  note      {note}");
        }
        let plan_command = format!("phoneup plan --from {} --to {}", self.from, self.to);
        if self.safe {
            if self.stage.is_some() {
                let _ = writeln!(out, "  files     {plan_command}");
            }
            return out;
        }
        if let (Some(reboots), Some(stage)) = (self.plan_reboots, &self.stage) {
            let _ = writeln!(
                out,
                "  instead   {}: {}",
                output::reboots(reboots),
                self.plan_path.join(" -> ")
            );
            let _ = writeln!(
                out,
                "  first     {} -> {} ({}, {} confidence): {}; firmware {}",
                stage.from,
                stage.to,
                stage.rule,
                stage.confidence,
                acting_file(stage),
                stage.firmware.join(", ")
            );
            let _ = writeln!(out, "  all steps {plan_command}");
        }
        out
    }
}

/// `check --tftp-root`: what the next reboots will do with the files the user has now.
#[derive(Debug, Clone, Serialize)]
pub struct RootCheck {
    pub from: String,
    pub to: Option<String>,
    pub tftp_root: String,
    /// The phone settles on a load, and on `to` when one is given, on every model simulated.
    pub ok: bool,
    /// One simulation per phone model.
    pub simulations: Vec<Simulation>,
    /// Entries of the directory a TFTP server would not serve.
    pub skipped: Vec<String>,
}

/// Simulates the phone booting from the user's directory (both models when `phone.model` is
/// `Both`).
pub fn check_root(
    matrix: &Matrix,
    from: &str,
    to: Option<&str>,
    dir: &Path,
    phone: &Phone,
    boots: usize,
) -> Result<RootCheck, Error> {
    let start = catalogue::resolve_as_typed(matrix, from, "--from")?;
    let target = to
        .map(|t| catalogue::resolve_as_typed(matrix, t, "--to"))
        .transpose()?;
    let root = TftpRoot::from_dir(dir)?;
    let simulations: Vec<Simulation> = phone
        .model
        .phones()
        .iter()
        .map(|&model| {
            let phone = Phone {
                model,
                ..phone.clone()
            };
            phone.simulate(&start.id, &root, boots)
        })
        .collect();
    let reaches = |s: &Simulation| match &target {
        Some(t) => crate::knowledge::load_id::LoadId::parse(&s.final_load)
            .is_ok_and(|id| id.match_key() == t.id.match_key()),
        None => true,
    };
    let ok = simulations
        .iter()
        .all(|s| s.ending == Ending::Stable && reaches(s));
    Ok(RootCheck {
        from: start.name().to_string(),
        to: target.map(|t| t.name().to_string()),
        tftp_root: dir.display().to_string(),
        ok,
        simulations,
        skipped: root.skipped,
    })
}

impl RootCheck {
    pub fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        for simulation in &self.simulations {
            out.push_str(&simulation.to_text(style));
            out.push('\n');
        }
        for skipped in &self.skipped {
            let _ = writeln!(out, "Not served: {skipped}");
        }
        let verdict = match (&self.to, self.ok) {
            (Some(to), true) => style.good(&format!("OK: the phone ends on {to}.")),
            (None, true) => style.good("OK: the phone settles on a load."),
            (Some(to), false) => style.error(&format!(
                "NOT OK: the phone does not settle on {to}; fix what is listed above before you reboot it."
            )),
            (None, false) => style.error(
                "NOT OK: the phone does not settle; fix what is listed above before you reboot it.",
            ),
        };
        let _ = writeln!(out, "{verdict}");
        out
    }
}
