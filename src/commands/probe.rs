//! `phoneup probe`: what a real TFTP server answered ([`crate::wire::probe`]) as people read it,
//! each request with its answer and each finding with its fix, and its exit code.

use std::fmt::Write as _;

use crate::commands::{json_name, yes_or_no, Report};
use crate::output::finding::{self, Finding};
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
        out.push('\n');
        if self.findings.is_empty() {
            out.push_str(&finding::all_good(
                style,
                "the phone will get what it asks for.",
            ));
            return out;
        }
        out.push_str(&finding::not_ok(style, self.findings.len(), ""));
        for found in &self.findings {
            let kind = json_name(&found.kind);
            let place = found.file.as_deref().map(|f| Untrusted(f).to_string());
            out.push_str(
                &Finding {
                    severity: finding::Severity::Problem,
                    kind: &kind,
                    place: place.as_deref(),
                    what: &found.detail,
                    details: &[],
                    fix: Some(&found.fix),
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
