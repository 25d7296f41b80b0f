//! `phoneup lint`: what [`crate::tftp_root::lint`] finds in a TFTP root, as people read it
//! (each finding with what the phone does and the fix), and its exit code.

use std::fmt::Write as _;

use crate::commands::{yes_or_no, Report};
use crate::output::Style;
use crate::tftp_root::lint::{Lint, Severity};

impl Report for Lint {
    /// 0 clean, 1 findings.
    fn exit_code(&self) -> u8 {
        yes_or_no(self.findings.is_empty())
    }

    fn to_text(&self, style: &Style) -> String {
        if self.findings.is_empty() {
            return format!(
                "{} {}: nothing that would make a phone loop or refuse its image.\n",
                style.good("Clean:"),
                self.tftp_root
            );
        }
        let mut out = String::new();
        for f in &self.findings {
            let severity = match f.severity {
                Severity::Error => style.error("error"),
                Severity::Warning => style.warning("warning"),
            };
            let place = match f.line {
                Some(line) => format!("{}:{line}", f.file),
                None => f.file.clone(),
            };
            let _ = writeln!(
                out,
                "{severity}: {place}: {}\n  the phone: {}\n  fix: {}",
                f.problem, f.phone, f.fix
            );
        }
        let _ = writeln!(
            out,
            "{} finding(s) in {}",
            self.findings.len(),
            self.tftp_root
        );
        out
    }
}
