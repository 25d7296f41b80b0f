//! `phoneup lint`: what [`crate::tftp_root::lint`] finds in a TFTP root, as people read it
//! (each finding with what the phone does and the fix), and its exit code.

use std::path::Path;

use crate::commands::{json_name, yes_or_no, Report};
use crate::files::mac::Mac;
use crate::output::finding::{self, Finding};
use crate::output::{shell_word, NextStep, Style, Untrusted};
use crate::tftp_root::lint::{Lint, Severity};

/// Fills in [`Lint::next_step`] when there are findings: lint the same directory again, as the
/// user asked, once they are fixed.
pub fn next_step(lint: &mut Lint, mac: Option<Mac>, journal: Option<&Path>) {
    if lint.findings.is_empty() {
        return;
    }
    let mut command = format!("phoneup lint --tftp-root {}", shell_word(&lint.tftp_root));
    if let Some(mac) = mac {
        command.push_str(&format!(" --mac {mac}"));
    }
    if let Some(journal) = journal {
        command.push_str(&format!(
            " --journal {}",
            shell_word(&journal.display().to_string())
        ));
    }
    lint.next_step = Some(NextStep::new(
        "Fix each finding as its fix says, then lint the directory again.",
        command,
    ));
}

impl Report for Lint {
    /// 0 clean, 1 findings.
    fn exit_code(&self) -> u8 {
        yes_or_no(self.findings.is_empty())
    }

    fn to_text(&self, style: &Style) -> String {
        let root = Untrusted(&self.tftp_root).to_string();
        if self.findings.is_empty() {
            return finding::all_good(
                style,
                &format!("nothing in {root} would make a phone loop or refuse its image."),
            );
        }
        let mut out = finding::not_ok(style, self.findings.len(), &format!(" in {root}"));
        for f in &self.findings {
            let place = match f.line {
                Some(line) => format!("{}:{line}", f.file),
                None => f.file.clone(),
            };
            let kind = json_name(&f.kind);
            out.push_str(
                &Finding {
                    severity: match f.severity {
                        Severity::Error => finding::Severity::Problem,
                        Severity::Warning => finding::Severity::Warning,
                    },
                    kind: &kind,
                    place: Some(&place),
                    what: &f.problem,
                    details: &[("the phone", &f.phone)],
                    fix: Some(&f.fix),
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
