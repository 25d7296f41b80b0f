//! A report for people: the summary line, each phone's boots, the findings with their fixes.

use std::fmt::Write as _;
use std::io;

use crate::files::mac::Mac;
use crate::knowledge::load_id::Protocol;
use crate::logs::findings::Kind;
use crate::output::Style;
use crate::phone::recognise::BootShape;

use super::model::{FindingReport, PhoneReport, Report, RequestReport};

impl Report<'_> {
    /// The first line: lines read, per server, not recognised, and too long to read.
    pub fn summary(&self) -> String {
        let sources: Vec<String> = self
            .sources
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        let too_long = match self.lines_too_long {
            0 => String::new(),
            n => format!(
                " ({n} of them {} bytes ({} MiB) or longer, skipped unread)",
                self.max_line_bytes,
                self.max_line_bytes >> 20
            ),
        };
        let joined = match self.lines_joined {
            0 => String::new(),
            n => format!("; {n} line(s) broken in two joined again"),
        };
        format!(
            "{} lines read ({}), {} not recognised{too_long}{joined}.",
            self.lines_read,
            if sources.is_empty() {
                "no TFTP server lines".to_string()
            } else {
                sources.join(", ")
            },
            self.lines_unrecognised
        )
    }

    /// The whole report as text.
    pub fn to_text(&self, style: &Style) -> String {
        let mut out = Vec::new();
        self.write_text(&mut out, style)
            .expect("a Vec takes every write");
        String::from_utf8(out).expect("the report is text")
    }

    /// The report as text, written a phone at a time.
    pub fn write_text(&self, out: &mut dyn io::Write, style: &Style) -> io::Result<()> {
        let mut head = self.summary();
        head.push('\n');
        if self.inputs.len() > 1 {
            let ranges: Vec<String> = self
                .inputs
                .iter()
                .map(|i| format!("{} {}-{}", shown(&i.name), i.first_line, i.last_line))
                .collect();
            let _ = writeln!(
                head,
                "Lines are numbered on across the inputs: {}.",
                ranges.join(", ")
            );
        }
        for note in &self.notes {
            let _ = writeln!(head, "{} {note}", style.warning("note:"));
        }
        out.write_all(head.as_bytes())?;
        for phone in self.phones.iter() {
            let mut text = String::from("\n");
            phone_text(&mut text, &phone, style);
            out.write_all(text.as_bytes())?;
        }
        let mut tail = String::from("\n");
        if self.findings.is_empty() {
            let _ = writeln!(tail, "{}", style.good("No findings."));
        } else {
            let n = self.findings.len();
            let _ = writeln!(
                tail,
                "{}",
                style.heading(&format!("{n} finding{}:", if n == 1 { "" } else { "s" }))
            );
            for finding in &self.findings {
                tail.push('\n');
                tail.push_str(&finding.to_text(style));
            }
        }
        out.write_all(tail.as_bytes())
    }
}

impl FindingReport {
    /// The finding in a few lines, as text (also one `--follow` prints as it appears).
    pub fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        if self.kind == Kind::NoRequests {
            let _ = writeln!(out, "{}  the whole input", style.error(self.kind.name()));
        } else {
            let who = phone_label(self.client.as_deref(), self.mac);
            let times = if self.count == 1 {
                "once".to_string()
            } else {
                format!("{} times", self.count)
            };
            let _ = writeln!(
                out,
                "{}  {who}  {}  {times}  (line{} {})",
                style.error(self.kind.name()),
                style.bold(&shown(&self.file)),
                if self.lines.len() == 1 { "" } else { "s" },
                join_lines(&self.lines)
            );
        }
        let _ = writeln!(out, "  {}", self.detail);
        let _ = writeln!(out, "  {} {}", style.bold("fix:"), self.fix);
        out
    }
}

fn phone_label(client: Option<&str>, mac: Option<Mac>) -> String {
    match (client, mac) {
        (Some(c), Some(m)) => format!("{c} (MAC {m})"),
        (Some(c), None) => format!("{c} (MAC not in the log)"),
        (None, Some(m)) => format!("MAC {m} (address not in the log)"),
        (None, None) => "requests with no address nor MAC in the log".into(),
    }
}

fn join_lines(lines: &[u64]) -> String {
    lines
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A name as a log would show it, with CR, TAB and other controls escaped.
pub(super) fn shown(name: &str) -> String {
    crate::output::Untrusted(name).to_string()
}

fn phone_text(out: &mut String, phone: &PhoneReport, style: &Style) {
    let last_words = phone.boots.last().and_then(|b| b.other_words.as_deref());
    let era = era_words(phone.era, phone.protocol, last_words);
    let now = match &phone.running {
        Some(load) => format!("runs {load}, {era}"),
        None => format!("runs {era}"),
    };
    let _ = writeln!(
        out,
        "{}  {now}",
        style.heading(&phone_label(phone.client.as_deref(), phone.mac))
    );
    if phone.boots_seen > phone.boots.len() as u64 {
        let _ = writeln!(
            out,
            "  ({} boots in all; the last {} are shown)",
            phone.boots_seen,
            phone.boots.len()
        );
    }
    for boot in &phone.boots {
        let words = era_words(boot.era, boot.protocol, boot.other_words.as_deref());
        let running = match &boot.running {
            Some(load) => format!("{load}, {words}"),
            None => words,
        };
        let up = if boot.application_up {
            "; the application is up"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  boot {}  line {}{}  {running}{up}",
            boot.boot,
            boot.first_line,
            boot.start
                .as_ref()
                .map(|s| format!("  {s}"))
                .unwrap_or_default()
        );
        let requests: Vec<String> = compress(&boot.requests);
        let _ = writeln!(out, "    {}", requests.join(", "));
        if boot.more_requests > 0 {
            let _ = writeln!(out, "    ... and {} more", boot.more_requests);
        }
        if !boot.fetched.is_empty() {
            let _ = writeln!(out, "    fetched {}", boot.fetched.join(", "));
        }
    }
    if let Some(stage) = &phone.stage {
        let _ = writeln!(
            out,
            "  {} {}",
            style.bold(&format!("plan to {}:", stage.to)),
            stage.next
        );
    }
    if !phone.findings.is_empty() {
        let kinds: Vec<String> = phone
            .findings
            .iter()
            .map(|f| format!("{} ({})", f.kind, shown(&f.file)))
            .collect();
        let _ = writeln!(out, "  {} {}", style.error("findings:"), kinds.join(", "));
    }
}

/// Requests as a short list: a name asked for several times in a row is written once, with
/// how many times.
fn compress(requests: &[RequestReport]) -> Vec<String> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for r in requests {
        let outcome = match (r.outcome, r.code, &r.detail, r.bytes) {
            ("sent", _, _, Some(bytes)) => format!(" sent ({bytes} bytes)"),
            ("sent", ..) => " sent".into(),
            ("not_found", ..) => " not found".into(),
            ("refused", Some(code), Some(text), _) => format!(" error {code} ({text})"),
            ("refused", _, Some(text), _) => format!(" refused ({text})"),
            ("failed", _, Some(why), _) => format!(" failed ({why})"),
            ("ended", ..) => " ended".into(),
            _ => String::new(),
        };
        let text = format!("{}{outcome}", shown(&r.file));
        match out.last_mut() {
            Some((last, n)) if *last == text => *n += 1,
            _ => out.push((text, 1)),
        }
    }
    out.into_iter()
        .map(
            |(text, n)| {
                if n == 1 {
                    text
                } else {
                    format!("{text} x{n}")
                }
            },
        )
        .collect()
}

fn era_words(era: BootShape, protocol: Option<Protocol>, other: Option<&str>) -> String {
    match (era, protocol, other) {
        (BootShape::OtherPhone, _, Some(other)) => other.to_string(),
        (BootShape::UalApplication, Some(p), _) => format!("a UAL-era {p} application"),
        _ => era.describe().to_string(),
    }
}
