//! `phoneup probe`: what a real TFTP server answered ([`crate::wire::probe`]) as people read it,
//! each request with its answer and each finding with its fix, and its exit code.

use std::fmt::Write as _;

use crate::commands::{yes_or_no, Report};
use crate::output::{Style, Untrusted};
use crate::phone::Status;
use crate::wire::probe::Report as Probe;

impl Report for Probe {
    /// 0 when the phone will get what it needs, 1 for findings or no answer.
    fn exit_code(&self) -> u8 {
        yes_or_no(self.ok)
    }

    fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} {}", style.bold("Probing"), self.server);
        for file in &self.files {
            let t = &file.transfer;
            let status = match t.status {
                Status::Served => format!("served, {} bytes", t.size.unwrap_or(0)),
                Status::NotFound => format!(
                    "not found (error 1: {})",
                    t.error_message.as_deref().unwrap_or_default()
                ),
                Status::Error => match t.error_code {
                    Some(code) => style.warning(&format!(
                        "error {code}: {}",
                        t.error_message.as_deref().unwrap_or_default()
                    )),
                    None => style.warning(&format!(
                        "error: {}",
                        t.error_message.as_deref().unwrap_or_default()
                    )),
                },
                Status::Timeout => style.warning(&format!(
                    "no answer ({})",
                    t.error_message.as_deref().unwrap_or_default()
                )),
            };
            let _ = writeln!(out, "  RRQ {:<28} {status}", Untrusted(&file.file));
        }
        if self.findings.is_empty() {
            let _ = writeln!(
                out,
                "\n{}",
                style.good("No findings: the phone will get what it asks for.")
            );
        } else {
            let _ = writeln!(
                out,
                "\n{}",
                style.error(&format!(
                    "{} finding{}:",
                    self.findings.len(),
                    if self.findings.len() == 1 { "" } else { "s" }
                ))
            );
            for finding in &self.findings {
                let kind = serde_json::to_value(finding.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let _ = writeln!(out, "  ! {kind}: {}", finding.detail);
                let _ = writeln!(out, "    fix: {}", finding.fix);
            }
        }
        out
    }
}
