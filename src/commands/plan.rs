//! `phoneup plan`: a [`crate::plan::Plan`] as people read it (each reboot with its rule,
//! evidence, files, firmware, requests and screen), or why there is no plan; a
//! [`FamilyPlan`] of a Java-based phone (7906 to 7975) likewise.

use std::fmt::Write as _;

use crate::commands::{painted, Report, EXIT_NO};
use crate::files::{sip_default_cnf, xml_default_cnf_xml};
use crate::knowledge::graph::Prefer;
use crate::knowledge::phones::Model;
use crate::output::{self, shell_word, Style};
use crate::plan::family::{Cited, FamilyPlan, FamilyStage, RuleView};
use crate::plan::stage::{self, Edit, Stage};
use crate::plan::{NoPath, Plan};

fn file_block(
    out: &mut String,
    style: &Style,
    name: &str,
    contents: &Option<String>,
    absent_why: &str,
) {
    match contents {
        Some(text) => {
            let _ = writeln!(out, "    {}", style.bold(name));
            for line in text.lines() {
                let _ = writeln!(out, "      | {line}");
            }
        }
        None => {
            let _ = writeln!(
                out,
                "    {}  must be absent: {absent_why}",
                style.bold(name)
            );
        }
    }
}

/// An edit in place: the value(s) to set in the user's file, and the file to write without one.
fn edit_block(out: &mut String, style: &Style, edit: &Edit) {
    if edit.file == sip_default_cnf::FILE_NAME && edit.set.len() == 1 {
        let _ = writeln!(
            out,
            "    {}  set the one line: {}",
            style.bold(&edit.file),
            sip_default_cnf::image_version_line(&edit.set[0].value)
        );
        return;
    }
    let values: Vec<String> = edit
        .set
        .iter()
        .map(|v| match &v.model {
            Some(model) => format!("{} ({model})", v.key),
            None => v.key.clone(),
        })
        .collect();
    let value = edit
        .set
        .first()
        .map(|v| v.value.as_str())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "    {}  in yours, set {} to {value}; without one, write:",
        style.bold(&edit.file),
        values.join(" and ")
    );
    for line in edit.if_absent.lines() {
        let _ = writeln!(out, "      | {line}");
    }
}

impl Report for Plan {
    /// The plan as people read it.
    fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {} ({}) -> {} ({})",
            style.bold("Plan:"),
            self.from,
            self.from_label,
            self.to,
            self.to_label
        );
        let _ = writeln!(
            out,
            "{}: {}",
            output::reboots(self.reboots),
            self.path.join(" -> ")
        );
        if self.model != Model::Both {
            let _ = writeln!(out, "Files address the {} only.", self.model);
        }
        if self.prefer == Prefer::Reboots {
            let _ = writeln!(
                out,
                "Chosen for the fewest reboots (--prefer reboots): a medium-confidence step is taken where it saves one."
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "Note: {note}");
        }
        for stage in &self.stages {
            stage_text(&mut out, style, stage, self.reboots);
        }
        if !self.to_obtain.is_empty() {
            let _ = writeln!(
                out,
                "\nStill to obtain for your TFTP root: {}",
                self.to_obtain.join(", ")
            );
        }
        // The files phoneup edits inside the user's copy, over the whole plan.
        let mut edited: Vec<&str> = Vec::new();
        for edit in self.stages.iter().flat_map(|s| &s.edits_in_place) {
            if !edited.contains(&edit.file.as_str()) {
                edited.push(&edit.file);
            }
        }
        if !edited.is_empty() {
            let _ = writeln!(
                out,
                "\nIn {} only the values named above are phoneup's: keep every other line of yours.",
                edited.join(" and ")
            );
        }
        out
    }
}

fn stage_text(out: &mut String, style: &Style, stage: &Stage, total: usize) {
    let _ = writeln!(
        out,
        "\n{} {} ({}) -> {} ({})",
        style.heading(&format!("Reboot {} of {total}:", stage.reboot)),
        stage.from,
        stage.from_label,
        stage.to,
        stage.to_label
    );
    let _ = writeln!(
        out,
        "  rule      {} ({} confidence): {}",
        stage.rule,
        painted(stage.confidence, style),
        stage.rule_summary
    );
    let _ = writeln!(out, "  how       {}", stage::how(stage));
    let _ = writeln!(out, "  evidence");
    for e in &stage.evidence {
        let _ = writeln!(out, "    - {}: {} <{}>", e.source, e.note, e.locator);
    }
    let _ = writeln!(out, "  files on the TFTP server");
    let mut names: Vec<&String> = stage.files.keys().collect();
    names.extend(stage.edits_in_place.iter().map(|e| &e.file));
    names.sort();
    for name in names {
        if let Some(edit) = stage.edits_in_place.iter().find(|e| &e.file == name) {
            edit_block(out, style, edit);
            continue;
        }
        // Both are read by an image that then goes where they say.
        let why = if name == xml_default_cnf_xml::FILE_NAME || name == sip_default_cnf::FILE_NAME {
            "move it aside for this reboot, or the image that reads it follows it instead"
        } else {
            "move it aside for this reboot"
        };
        file_block(out, style, name, &stage.files[name], why);
    }
    let _ = writeln!(out, "  firmware  {}", stage.firmware.join(", "));
    let _ = writeln!(out, "  requests  {}", stage.expect_requests.join(" -> "));
    let _ = writeln!(out, "  screen    {}", stage.screen.join("; then "));
    let _ = writeln!(out, "  confirm   {}", stage.confirm);
    if !stage.warnings.is_empty() {
        let _ = writeln!(out, "  {}", style.warning("warnings"));
        for warning in &stage.warnings {
            let _ = writeln!(out, "    ! {warning}");
        }
    }
}

impl Report for NoPath {
    /// 1: the answer is no.
    fn exit_code(&self) -> u8 {
        EXIT_NO
    }

    fn to_text(&self, style: &Style) -> String {
        let mut out = format!(
            "{} no safe path from {} to {}.\n",
            style.error("No plan:"),
            self.from,
            self.to
        );
        for reason in &self.reasons {
            let _ = writeln!(out, "  - {reason}");
        }
        match self.reachable.as_slice() {
            [] => {
                let _ = writeln!(
                    out,
                    "{} reaches no other application of the catalogue.",
                    self.from
                );
            }
            reachable => {
                let _ = writeln!(
                    out,
                    "Targets {} can reach: {}.",
                    self.from,
                    reachable.join(", ")
                );
            }
        }
        out.push_str(&self.next_step.to_text(style));
        out
    }
}

// The Java-based phones' plans.

fn cited_line(cited: &Cited) -> String {
    match &cited.url {
        Some(url) => format!("{}: {} <{url}>", cited.source, cited.note),
        None => format!("{}: {}", cited.source, cited.note),
    }
}

pub(crate) fn rule_block(out: &mut String, style: &Style, rule: &RuleView) {
    let _ = writeln!(
        out,
        "  rule      {} ({} confidence): {}",
        style.bold(&rule.id),
        painted(rule.confidence, style),
        rule.summary
    );
    if let Some(reason) = &rule.reason {
        let _ = writeln!(out, "  why       {reason}");
    }
    if let Some(note) = &rule.note {
        let _ = writeln!(out, "  note      {note}");
    }
    let _ = writeln!(out, "  evidence");
    for cited in &rule.evidence {
        let _ = writeln!(out, "    - {}", cited_line(cited));
    }
}

pub(crate) fn warnings_block(out: &mut String, style: &Style, warnings: &[String]) {
    if warnings.is_empty() {
        return;
    }
    let _ = writeln!(out, "  warnings");
    for warning in warnings {
        let _ = writeln!(out, "    {} {warning}", style.warning("!"));
    }
}

fn stage_block(out: &mut String, style: &Style, stage: &FamilyStage) {
    let _ = writeln!(
        out,
        "\n{}",
        style.bold(&format!(
            "Reboot {} of {}: {} -> {}",
            stage.number,
            stage.of,
            stage.from.label(),
            stage.to.label()
        ))
    );
    rule_block(out, style, &stage.rule);
    let _ = writeln!(out, "  files on the TFTP server");
    for file in &stage.files {
        let _ = writeln!(out, "    {}  {}:", style.bold(&file.file), file.what);
        for line in &file.lines {
            let _ = writeln!(out, "      | {line}");
        }
    }
    if stage.firmware_known {
        let _ = writeln!(out, "  firmware  {}", stage.firmware.join(", "));
    } else {
        let _ = writeln!(
            out,
            "  firmware  {} and the five components it lists (jar, cnu, apps, dsp, cvm): the sources do not name them all, so copy them from the package spelled as its .loads lists them",
            stage.firmware.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "  reset     after a factory reset the phone reads {} instead of loadInformation: serve the one{} from this package",
        stage.term_files.join(" and "),
        if stage.term_files.len() > 1 { "s" } else { "" }
    );
    let _ = writeln!(out, "  requests  {}", stage.requests.join(" -> "));
    let _ = writeln!(
        out,
        "  screen    \"Upgrading\" while it fetches the files, then one reboot into {} (no loader step, unlike the 7940/7960)",
        stage.to.id
    );
    let _ = writeln!(out, "  replay    the phone model {}", stage.replayed);
    warnings_block(out, style, &stage.warnings);
}

/// ` --model 7961`, when the user named one.
pub(crate) fn model_flag(model: &Option<String>) -> String {
    model
        .as_ref()
        .map(|m| format!(" --model {}", shell_word(m)))
        .unwrap_or_default()
}

impl Report for FamilyPlan {
    fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {} -> {}",
            style.bold(&format!("Plan for the {}:", self.phones)),
            self.from.label(),
            self.to.label()
        );
        let mut route = vec![self.from.id.as_str()];
        route.extend(self.stages.iter().map(|s| s.to.id.as_str()));
        let reboots = match self.stages.len() {
            1 => "1 reboot".to_string(),
            n => format!("{n} reboots"),
        };
        let _ = writeln!(out, "{reboots}: {}", route.join(" -> "));
        for note in &self.notes {
            let _ = writeln!(out, "Note: {note}");
        }
        for stage in &self.stages {
            stage_block(&mut out, style, stage);
        }
        let _ = writeln!(
            out,
            "\nIn SEP<MAC>.cnf.xml and XMLDefault.cnf.xml only loadInformation is phoneup's: keep every other line of yours."
        );
        out
    }
}
