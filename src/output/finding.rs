//! One voice for the commands that look for trouble (check, lint, probe, diagnose): one line
//! when all is well (`OK: no findings: ...`), one line that counts the findings when it is not
//! (`NOT OK: 2 findings ...:`), and one shape for each finding: its severity, its kind (the
//! stable name scripts read in JSON), where, what, then what the phone does and the fix.
//!
//! ```text
//! NOT OK: 1 finding in /srv/tftp:
//!   problem[cr_line_ending] OS79XX.TXT:1: the line ends with a CR (a Windows line ending)
//!     the phone: asks for the name with the CR in it, a file that does not exist
//!     fix: write the name followed by a plain LF (phoneup apply does)
//! ```

use super::{count, Style};

/// How bad a finding is, in the words people read (JSON keeps each command's own names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// A phone loops, stops or refuses its image (or nothing could be checked).
    Problem,
    /// A phone may, or a stranger can fetch what it should not.
    Warning,
}

/// One finding as people read it.
#[derive(Debug, Clone, Copy)]
pub struct Finding<'a> {
    pub severity: Severity,
    /// The stable name of what it is about (`cr_line_ending`), as in JSON.
    pub kind: &'a str,
    /// Where: a file (`OS79XX.TXT:1`), a phone, a server; left out when `what` starts with it.
    pub place: Option<&'a str>,
    /// What is wrong, in one sentence.
    pub what: &'a str,
    /// More to know, each with its label: what the phone will do, how often, ...
    pub details: &'a [(&'a str, &'a str)],
    /// How to fix it, when this finding has its own fix.
    pub fix: Option<&'a str>,
}

impl Finding<'_> {
    /// The finding, its first line indented by two spaces and the rest by four.
    pub fn to_text(&self, style: &Style) -> String {
        let severity = match self.severity {
            Severity::Problem => style.error("problem"),
            Severity::Warning => style.warning("warning"),
        };
        let mut text = format!("  {severity}[{}]", self.kind);
        match self.place.filter(|place| !self.what.starts_with(place)) {
            Some(place) => text.push_str(&format!(" {place}: {}\n", self.what)),
            None => text.push_str(&format!(" {}\n", self.what)),
        }
        for (label, detail) in self.details {
            text.push_str(&format!("    {label}: {detail}\n"));
        }
        if let Some(fix) = self.fix {
            text.push_str(&format!("    fix: {fix}\n"));
        }
        text
    }
}

/// The line that says all is well: `OK: no findings: WHAT`.
pub fn all_good(style: &Style, what: &str) -> String {
    format!("{} no findings: {what}\n", style.good("OK:"))
}

/// The line above the findings: `NOT OK: 2 findings ABOUT:` (`about` starts with its own space
/// or colon, or is empty).
pub fn not_ok(style: &Style, findings: usize, about: &str) -> String {
    format!(
        "{} {}{about}:\n",
        style.error("NOT OK:"),
        count(findings, "finding")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_reads_severity_kind_place_what_then_details_and_fix() {
        let style = Style::plain();
        let finding = Finding {
            severity: Severity::Problem,
            kind: "cr_line_ending",
            place: Some("OS79XX.TXT:1"),
            what: "the line ends with a CR",
            details: &[("the phone", "asks for a name with a CR")],
            fix: Some("write a plain LF"),
        };
        assert_eq!(
            finding.to_text(&style),
            "  problem[cr_line_ending] OS79XX.TXT:1: the line ends with a CR\n    the phone: asks for a name with a CR\n    fix: write a plain LF\n"
        );
        // A place the sentence starts with is not said twice; no fix, no fix line.
        let finding = Finding {
            severity: Severity::Warning,
            place: Some("CTLSEP.tlv"),
            what: "CTLSEP.tlv is empty",
            details: &[],
            fix: None,
            ..finding
        };
        assert_eq!(
            finding.to_text(&style),
            "  warning[cr_line_ending] CTLSEP.tlv is empty\n"
        );
        assert_eq!(all_good(&style, "fine."), "OK: no findings: fine.\n");
        assert_eq!(
            not_ok(&style, 1, " in tftp"),
            "NOT OK: 1 finding in tftp:\n"
        );
        assert_eq!(not_ok(&style, 2, ""), "NOT OK: 2 findings:\n");
    }
}
