//! `phoneup probe`: what a real TFTP server answered ([`crate::wire::probe`]) as people read it,
//! each request with its answer and each finding with its fix, and its exit code.

use std::fmt::Write as _;

use crate::commands::{json_name, yes_or_no, Report};
use crate::output::finding::{self, Finding};
use crate::output::{Style, Untrusted};
use crate::phone::server::Transfer;
use crate::phone::Status;
use crate::wire::probe::Report as Probe;

/// How a real server answered one request, in a few words: `served, 70000 bytes`, `not found
/// (error 1: File not found)`, `error 2: Access violation`, `no answer (...)`. The server's
/// message is escaped already ([`crate::wire::remote::printable`]).
pub(crate) fn answered(t: &Transfer) -> String {
    let message = t.error_message.as_deref().unwrap_or_default();
    match (t.status, t.error_code) {
        (Status::Served, _) => format!("served, {} bytes", t.size.unwrap_or(0)),
        (Status::NotFound, _) => format!("not found (error 1: {message})"),
        (Status::Error, Some(code)) => format!("error {code}: {message}"),
        (Status::Error, None) => format!("error: {message}"),
        // `wire::client::Outcome::Overdue`: it did answer, too slowly.
        (Status::Timeout, _) if message.starts_with("gave up on") => {
            format!("too slow ({message})")
        }
        (Status::Timeout, _) => format!("no answer ({message})"),
    }
}

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
                Status::Served | Status::NotFound => answered(t),
                Status::Error | Status::Timeout => style.warning(&answered(t)),
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
