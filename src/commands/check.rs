//! `phoneup check`: whether one direct jump is safe ([`crate::plan::check::check`]), or what the
//! next reboots do with a TFTP root ([`crate::plan::check::check_root`]), as people read it,
//! and the exit code of each answer; for a Java-based phone (7906 to 7975), a [`FamilyCheck`].

use std::fmt::Write as _;

use crate::commands::plan::{model_flag, rule_block, warnings_block};
use crate::commands::{json_name, painted, yes_or_no, Report, EXIT_NO, EXIT_YES};
use crate::files::mac::Mac;
use crate::files::os79xx_txt;
use crate::knowledge::matrix::{Confidence, Mechanism};
use crate::output::finding::{self, Finding};
use crate::output::shell_word;
use crate::output::{self, Style};
use crate::plan::check::{Check, RootCheck, Verdict};
use crate::plan::family::FamilyCheck;
use crate::plan::stage::{self, Stage};

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
            let reads_os79xx =
                stage.expect_requests.first().map(String::as_str) == Some(os79xx_txt::FILE_NAME);
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

impl Report for Check {
    /// 0 safe (or already there), 1 refused, not known to be safe, or its files unknown.
    fn exit_code(&self) -> u8 {
        match self.verdict {
            Verdict::Safe | Verdict::Already => EXIT_YES,
            Verdict::Refused | Verdict::Unknown | Verdict::FilesUnknown => EXIT_NO,
        }
    }

    fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        let head = match self.verdict {
            // A jump resting on thinner evidence says so before anything else.
            Verdict::Safe => match self.confidence {
                Some(Confidence::Low) => style.warning("SAFE (low confidence):"),
                Some(Confidence::Medium) => style.good("SAFE (medium confidence):"),
                _ => style.good("SAFE:"),
            },
            Verdict::Already => style.good("ALREADY THERE:"),
            Verdict::Refused => style.error("REFUSED:"),
            Verdict::Unknown => style.warning("NOT KNOWN TO BE SAFE:"),
            Verdict::FilesUnknown => style.warning("ALLOWED, BUT ITS FILES ARE NOT KNOWN:"),
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
                painted(confidence, style)
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
        // The cautions `plan` prints for the same stage.
        if let Some(stage) = self.stage.as_ref().filter(|_| self.safe) {
            if !stage.warnings.is_empty() {
                let _ = writeln!(out, "  {}", style.warning("warnings"));
                for warning in &stage.warnings {
                    let _ = writeln!(out, "    ! {warning}");
                }
            }
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

/// A root check of either kind of phone: each simulation, the entries not served, the verdict
/// (all good, or NOT OK with each finding) and the next step.
impl<S: Report> Report for RootCheck<S> {
    /// 0 when every phone simulated ends where it should, 1 otherwise.
    fn exit_code(&self) -> u8 {
        yes_or_no(self.ok)
    }

    fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        for simulation in &self.simulations {
            out.push_str(&simulation.to_text(style));
            out.push('\n');
        }
        for skipped in &self.skipped {
            let _ = writeln!(out, "Not served: {skipped}");
        }
        let who = match self.phones.as_slice() {
            [None] => "the phone".to_string(),
            [Some(mac)] => format!("phone {mac}"),
            macs => format!(
                "the phones ({})",
                macs.iter()
                    .flatten()
                    .map(Mac::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        if self.ok {
            let verdict = match &self.to {
                Some(to) => format!("{who} ends on {to}."),
                None => format!("{who} settles on a load, and nothing it reads names another."),
            };
            out.push_str(&finding::all_good(style, &verdict));
            return out;
        }
        let verdict = match &self.to {
            Some(to) => format!(": {who} does not end on {to}"),
            None => format!(": {who} does not settle where the files say"),
        };
        out.push_str(&finding::not_ok(style, self.findings.len(), &verdict));
        for found in &self.findings {
            out.push_str(
                &Finding {
                    severity: finding::Severity::Problem,
                    kind: &json_name(&found.kind),
                    place: found.file.as_deref(),
                    what: &found.problem,
                    details: &[],
                    fix: None,
                }
                .to_text(style),
            );
        }
        if let Some(next) = &self.next_step {
            out.push_str(&next.to_text(style));
        }
        out
    }
}

/// The check of a Java-based phone's jump: safe, refused (with the bridge to stage) or unknown.
impl Report for FamilyCheck {
    fn exit_code(&self) -> u8 {
        yes_or_no(self.is_safe())
    }

    fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        let head = match self.verdict.as_str() {
            "safe" => style.good("SAFE:"),
            "refused" => style.error("REFUSED:"),
            _ => style.warning("UNKNOWN:"),
        };
        let _ = writeln!(
            out,
            "{head} {} -> {} on the {}",
            self.from.label(),
            self.to.label(),
            self.phones
        );
        match &self.rule {
            Some(rule) => rule_block(&mut out, style, rule),
            None => {
                let _ = writeln!(
                    out,
                    "  why       no rule of the matrix speaks about this jump: the sources found neither allow nor refuse it, so phoneup does not plan it"
                );
            }
        }
        if let Some(bridge) = &self.bridge {
            let load = self
                .bridge_load
                .clone()
                .unwrap_or_else(|| format!("the {bridge} load of the phone's family"));
            let _ = writeln!(
                out,
                "  instead   stage {bridge} first ({load}), then go on; the whole route: phoneup plan{} --from {} --to {}",
                model_flag(&self.model),
                shell_word(&self.from.id),
                shell_word(&self.to.id)
            );
        } else if self.verdict == "unknown" {
            let _ = writeln!(
                out,
                "  instead   phoneup plans no jump the sources leave open; if you try it, keep a bench phone for it and read the TFTP log"
            );
        }
        warnings_block(&mut out, style, &self.cautions);
        out
    }
}
