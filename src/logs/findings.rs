//! What went wrong, as stable kinds: each finding is one kind, one phone and one file, with how
//! many times it happened, the lines it rests on, what the log shows and the fix.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use serde::Serialize;

use crate::logs::event::Source;

/// The kinds of finding. Their names are stable: scripts read them from the JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The same file asked for again and again in a row (the CTLSEP loops of MCLEAN-CTLSEP, VI-FWISSUES and TCG-7960).
    RequestLoop,
    /// A file the phone needs to go on was not found (an image, a `.loads`, or every
    /// configuration file of the loader's hunt).
    MissingFile,
    /// A requested name holding a CR, TAB or space; or, with `--tftp-root`, a "not found" for
    /// a file the root has (the log dropped the character).
    NameHasCrOrSpace,
    /// With `--tftp-root`: not found, but the root has the name in another case.
    WrongCase,
    /// A transfer that started and never finished.
    TransferIncomplete,
    /// A file answered with a TFTP error other than 1 (File not found).
    WrongErrorCode,
    /// The phone fetched an image and came back running the old one.
    ImageRefused,
    /// The whole input holds no request of a phone: not a TFTP server's log, the wrong one, or
    /// a server that does not log requests at its verbosity. About no phone and no file.
    NoRequests,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::RequestLoop,
        Kind::MissingFile,
        Kind::NameHasCrOrSpace,
        Kind::WrongCase,
        Kind::TransferIncomplete,
        Kind::WrongErrorCode,
        Kind::ImageRefused,
        Kind::NoRequests,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::RequestLoop => "request_loop",
            Kind::MissingFile => "missing_file",
            Kind::NameHasCrOrSpace => "name_has_cr_or_space",
            Kind::WrongCase => "wrong_case",
            Kind::TransferIncomplete => "transfer_incomplete",
            Kind::WrongErrorCode => "wrong_error_code",
            Kind::ImageRefused => "image_refused",
            Kind::NoRequests => "no_requests",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a finding's words need besides its kind and file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    None,
    /// The error the server answered with.
    Error {
        code: Option<u16>,
        text: String,
    },
    /// Why the transfer failed, as the server logged it.
    Failure(String),
    /// The TFTP root has this name (in another case, or without what the log dropped).
    RootHas(String),
    /// The file the phone read just before, which named this one.
    NamedBy(String),
    /// The loader's whole hunt found nothing.
    LoaderHunt,
}

/// Line numbers kept per finding: the first and the latest.
const KEEP_LINES: usize = 10;
/// Findings kept in all; more are counted.
pub const MAX_FINDINGS: usize = 10_000;
/// Bytes kept of a finding's file name and of the texts of its context.
pub const MAX_TEXT: usize = 1024;

/// The start of `text`, at most `max` bytes of it, cut at a character.
pub fn truncated(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl Context {
    /// The same, its texts no longer than [`MAX_TEXT`].
    fn bounded(self) -> Context {
        let cut = |text: String| match text.len() > MAX_TEXT {
            true => truncated(&text, MAX_TEXT).to_string(),
            false => text,
        };
        match self {
            Context::Error { code, text } => Context::Error {
                code,
                text: cut(text),
            },
            Context::Failure(why) => Context::Failure(cut(why)),
            Context::RootHas(name) => Context::RootHas(cut(name)),
            Context::NamedBy(name) => Context::NamedBy(cut(name)),
            other => other,
        }
    }
}

/// One finding, as it grows.
#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: Kind,
    pub phone: usize,
    pub file: String,
    pub count: u64,
    first_lines: Vec<u64>,
    last_lines: VecDeque<u64>,
    pub source: Source,
    pub context: Context,
}

impl Finding {
    /// The lines it rests on: the first `KEEP_LINES` and the latest ones, in order.
    pub fn lines(&self) -> Vec<u64> {
        let mut lines = self.first_lines.clone();
        lines.extend(self.last_lines.iter().copied());
        lines.sort_unstable();
        lines.dedup();
        lines
    }
}

/// All findings, one per kind, phone and file.
#[derive(Debug, Default)]
pub struct Findings {
    index: HashMap<(Kind, usize, String), usize>,
    pub list: Vec<Finding>,
    /// Findings that appeared since [`Findings::take_new`] was last called.
    new: Vec<usize>,
    pub dropped: u64,
}

impl Findings {
    /// Adds evidence: a request loop counts each of its lines, other kinds count one.
    pub fn add(
        &mut self,
        kind: Kind,
        phone: usize,
        file: &str,
        lines: &[u64],
        source: Source,
        context: Context,
    ) {
        let count = if kind == Kind::RequestLoop {
            lines.len() as u64
        } else {
            1
        };
        let file = truncated(file, MAX_TEXT);
        let context = context.bounded();
        let key = (kind, phone, file.to_string());
        let at = match self.index.get(&key) {
            Some(&at) => at,
            None => {
                if self.list.len() >= MAX_FINDINGS {
                    self.dropped += 1;
                    return;
                }
                self.list.push(Finding {
                    kind,
                    phone,
                    file: file.to_string(),
                    count: 0,
                    first_lines: Vec::new(),
                    last_lines: VecDeque::new(),
                    source,
                    context: context.clone(),
                });
                self.index.insert(key, self.list.len() - 1);
                self.new.push(self.list.len() - 1);
                self.list.len() - 1
            }
        };
        let finding = &mut self.list[at];
        finding.count += count;
        if finding.context == Context::None {
            finding.context = context;
        }
        for &line in lines {
            if finding.first_lines.contains(&line) || finding.last_lines.contains(&line) {
                continue;
            }
            if finding.first_lines.len() < KEEP_LINES {
                finding.first_lines.push(line);
            } else {
                if finding.last_lines.len() == KEEP_LINES {
                    finding.last_lines.pop_front();
                }
                finding.last_lines.push_back(line);
            }
        }
    }

    /// The findings that appeared since the last call, for `--follow`.
    pub fn take_new(&mut self) -> Vec<usize> {
        std::mem::take(&mut self.new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_past_the_limit_are_counted_not_kept() {
        let mut findings = Findings::default();
        for n in 0..MAX_FINDINGS + 3 {
            findings.add(
                Kind::MissingFile,
                n,
                "a.bin",
                &[1],
                Source::Dnsmasq,
                Context::None,
            );
        }
        assert_eq!(findings.list.len(), MAX_FINDINGS);
        assert_eq!(findings.dropped, 3);
    }

    #[test]
    fn one_finding_per_kind_phone_and_file_with_bounded_lines() {
        let mut findings = Findings::default();
        for line in 1..=100 {
            findings.add(
                Kind::MissingFile,
                0,
                "a.bin",
                &[line, line],
                Source::Dnsmasq,
                Context::None,
            );
        }
        findings.add(
            Kind::MissingFile,
            1,
            "a.bin",
            &[7],
            Source::Dnsmasq,
            Context::None,
        );
        assert_eq!(findings.list.len(), 2);
        assert_eq!(findings.list[0].count, 100);
        let lines = findings.list[0].lines();
        assert_eq!(lines.len(), 2 * KEEP_LINES);
        assert_eq!((lines[0], lines[19]), (1, 100));
        assert_eq!(findings.take_new(), vec![0, 1]);
        assert!(findings.take_new().is_empty());
        findings.add(
            Kind::RequestLoop,
            0,
            "x",
            &[1, 2, 3, 4],
            Source::Atftpd,
            Context::None,
        );
        assert_eq!(findings.list[2].count, 4);
    }

    #[test]
    fn names_and_texts_are_kept_bounded() {
        let mut findings = Findings::default();
        let long = "é".repeat(MAX_TEXT);
        findings.add(
            Kind::WrongErrorCode,
            0,
            &long,
            &[1],
            Source::Dnsmasq,
            Context::Error {
                code: Some(2),
                text: long.clone(),
            },
        );
        let finding = &findings.list[0];
        assert_eq!(finding.file.len(), MAX_TEXT);
        assert!(matches!(&finding.context, Context::Error { text, .. } if text.len() == MAX_TEXT));
        for context in [
            Context::Failure(long.clone()),
            Context::RootHas(long.clone()),
            Context::NamedBy(long.clone()),
        ] {
            let kept = context.bounded();
            let text = match &kept {
                Context::Failure(t) | Context::RootHas(t) | Context::NamedBy(t) => t,
                _ => unreachable!(),
            };
            assert_eq!(text.len(), MAX_TEXT, "{kept:?}");
        }
        assert_eq!(Context::LoaderHunt.bounded(), Context::LoaderHunt);
        assert_eq!(truncated("aé", 2), "a");
        assert_eq!(truncated("short", 1024), "short");
    }
}
