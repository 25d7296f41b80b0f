//! What `diagnose` prints: each phone's boots (the era of the image running, what it fetched),
//! with `--to` its place on the plan, the findings with their lines and fixes, and what the
//! log's format cannot show. Text for people; the same fields in JSON and YAML.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::files::mac::Mac;
use crate::files::per_phone::PerPhoneFile;
use crate::knowledge::firmware::{FirmwareExt, FirmwareKind};
use crate::knowledge::load_id::{Era as LoadEra, Kind as LoadKind, LoadId, Protocol};
use crate::knowledge::matrix::Matrix;
use crate::logs::event::{Outcome, Source};
use crate::logs::findings::{Context, Finding, Kind};
use crate::logs::read::{Diagnosis, MAX_LINE};
use crate::logs::story::{
    fetched, has_cr_or_space, key, Boot, Names, Phone, Seen, Story, MAX_BOOTS, MAX_PHONES,
};
use crate::output::Style;
use crate::phone::recognise::{self, BootShape, Name};
use crate::plan::{Outcome as PlanOutcome, Planner, Request as PlanRequest};

/// `--to LOAD`: where each phone should end.
pub struct Target {
    pub matrix: &'static Matrix,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The inputs in the order read; line numbers run on from one input to the next.
    pub inputs: Vec<InputReport>,
    pub lines_read: u64,
    pub lines_unrecognised: u64,
    /// Lines of `max_line_bytes` or more: skipped unread (counted in `lines_unrecognised`).
    pub lines_too_long: u64,
    /// Lines that were the second half of a line broken in two (as mail archives and web pages
    /// break long lines), read joined to the line before.
    pub lines_joined: u64,
    pub max_line_bytes: usize,
    /// Lines recognised per server.
    pub sources: BTreeMap<String, u64>,
    /// What this log cannot show, and lines phoneup could not tie to a phone.
    pub notes: Vec<String>,
    pub phones: Vec<PhoneReport>,
    pub findings: Vec<FindingReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    /// A path, or `-` for standard input.
    pub name: String,
    pub first_line: u64,
    pub last_line: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhoneReport {
    pub client: Option<String>,
    pub mac: Option<Mac>,
    /// The era of the image running at its last boot.
    pub era: BootShape,
    pub protocol: Option<Protocol>,
    /// With era `other_phone`: the phones whose file it asked for (`7906G`, `7906G/7911G`,
    /// or `79x1` for a trust list any of them asks for).
    pub other_phone: Option<String>,
    /// The load it runs, when the log shows it.
    pub running: Option<String>,
    /// Boots seen in all (the last ones are listed).
    pub boots_seen: u64,
    pub boots: Vec<BootReport>,
    /// With `--to`: its place on the plan.
    pub stage: Option<StageReport>,
    pub findings: Vec<PhoneFinding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BootReport {
    pub boot: u64,
    pub first_line: u64,
    pub last_line: u64,
    pub start: Option<String>,
    pub era: BootShape,
    pub protocol: Option<Protocol>,
    /// With era `other_phone`: the phones whose file it asked for.
    pub other_phone: Option<String>,
    /// What the boot is, in words, for another phone's boot.
    #[serde(skip)]
    other_words: Option<String>,
    /// The load running, when the boot shows it or the image the boot before fetched does.
    pub running: Option<String>,
    /// Images fetched (`.bin`, `.sbn`, `.sb2`), when the log shows the server sent them.
    pub fetched: Vec<String>,
    /// The application asked for its own files: it is up.
    pub application_up: bool,
    pub requests: Vec<RequestReport>,
    /// Requests not listed.
    pub more_requests: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestReport {
    pub line: u64,
    pub file: String,
    /// `requested` (the log shows no answer), `sent`, `not_found` (TFTP error 1), `refused`
    /// (another error), `failed` (started, never finished), `ended` (atftpd: finished or gave
    /// up).
    pub outcome: &'static str,
    /// The TFTP error code of a refusal, when the log shows it.
    pub code: Option<u16>,
    pub detail: Option<String>,
    pub bytes: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageReport {
    pub to: String,
    /// The load the plan starts from: the first the log shows this phone running.
    pub plan_from: Option<String>,
    pub reboots: Option<usize>,
    /// Reboots of the plan done.
    pub done: Option<usize>,
    /// `done`, `rebooting` (it fetched the next stage's image), `waiting` (for the next
    /// stage's files), `off_plan`, `no_path`, `unknown` (the log does not show what it runs).
    pub status: &'static str,
    pub next: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhoneFinding {
    pub kind: Kind,
    pub file: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingReport {
    pub kind: Kind,
    pub client: Option<String>,
    pub mac: Option<Mac>,
    pub file: String,
    pub count: u64,
    pub lines: Vec<u64>,
    pub detail: String,
    pub fix: String,
}

impl Report {
    pub fn new(diagnosis: &Diagnosis, target: Option<&Target>) -> Report {
        let story = &diagnosis.story;
        let planner = target.map(|t| Planner::new(t.matrix));
        let hpa_answers = story.seen.hpa_silence_is_sent();
        let phones = story
            .phones
            .iter()
            .enumerate()
            .map(|(index, phone)| {
                let boots = boots(phone, hpa_answers, &story.names);
                let last = boots.last();
                let stage = match (target, &planner) {
                    (Some(target), Some(planner)) => Some(stage(&boots, target, planner)),
                    _ => None,
                };
                PhoneReport {
                    client: phone.client.clone(),
                    mac: phone.mac,
                    era: last.map_or(BootShape::Unknown, |b| b.era),
                    protocol: last.and_then(|b| b.protocol),
                    other_phone: last.and_then(|b| b.other_phone.clone()),
                    running: last.and_then(|b| b.running.clone()),
                    boots_seen: phone.boots_total,
                    stage,
                    findings: story
                        .findings
                        .list
                        .iter()
                        .filter(|f| f.phone == index)
                        .map(|f| PhoneFinding {
                            kind: f.kind,
                            file: f.file.clone(),
                            count: f.count,
                        })
                        .collect(),
                    boots,
                }
            })
            .collect();
        let mut findings: Vec<FindingReport> = (0..story.findings.list.len())
            .map(|index| finding_report(story, index))
            .collect();
        findings.sort_by_key(|f| (f.lines.first().copied(), f.kind));
        findings.extend(no_requests(diagnosis));
        Report {
            inputs: Vec::new(),
            lines_read: diagnosis.lines_read,
            lines_unrecognised: diagnosis.lines_unrecognised(),
            lines_too_long: diagnosis.lines_too_long,
            lines_joined: diagnosis.lines_joined,
            max_line_bytes: MAX_LINE,
            sources: Source::ALL
                .into_iter()
                .filter(|&s| story.seen.lines_of(s) > 0)
                .map(|s| (s.name().to_string(), story.seen.lines_of(s)))
                .collect(),
            notes: notes(story),
            phones,
            findings,
        }
    }

    /// 0 no findings, 1 findings (also `no_requests`: a log that shows no phone is no answer).
    pub fn exit_code(&self) -> u8 {
        u8::from(!self.findings.is_empty())
    }

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

    pub fn to_text(&self, style: &Style) -> String {
        let mut out = self.summary();
        out.push('\n');
        if self.inputs.len() > 1 {
            let ranges: Vec<String> = self
                .inputs
                .iter()
                .map(|i| format!("{} {}-{}", shown(&i.name), i.first_line, i.last_line))
                .collect();
            let _ = writeln!(
                out,
                "Lines are numbered on across the inputs: {}.",
                ranges.join(", ")
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "{} {note}", style.warning("note:"));
        }
        for phone in &self.phones {
            out.push('\n');
            phone_text(&mut out, phone, style);
        }
        out.push('\n');
        if self.findings.is_empty() {
            let _ = writeln!(out, "{}", style.good("No findings."));
        } else {
            let n = self.findings.len();
            let _ = writeln!(
                out,
                "{}",
                style.heading(&format!("{n} finding{}:", if n == 1 { "" } else { "s" }))
            );
            for finding in &self.findings {
                out.push('\n');
                out.push_str(&finding.to_text(style));
            }
        }
        out
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
fn shown(name: &str) -> String {
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

fn outcome_words(outcome: &Outcome) -> (&'static str, Option<u16>, Option<String>) {
    match outcome {
        Outcome::Requested
        | Outcome::Connected
        | Outcome::Resent
        | Outcome::Sending
        | Outcome::Retried
        | Outcome::ClientError { .. } => ("requested", None, None),
        Outcome::Sent => ("sent", None, None),
        Outcome::NotFound => ("not_found", None, None),
        Outcome::Refused { code, text } => ("refused", *code, Some(text.clone())),
        Outcome::Failed { why } => ("failed", None, Some(why.clone())),
        Outcome::Ended => ("ended", None, None),
    }
}

/// The boots of a phone, with what runs at each: what the boot shows, or else the image the
/// boot before fetched when this boot's era agrees with it.
fn boots(phone: &Phone, hpa_answers: bool, names: &Names) -> Vec<BootReport> {
    let mut out: Vec<BootReport> = Vec::new();
    let mut before: Option<(String, Option<String>)> = None; // (image load, .loads)
    for boot in &phone.boots {
        let era = boot.hunt.shape();
        let mut running = boot.hunt.running_load().map(str::to_string);
        if running.is_none() && boot.hunt.has_start() {
            if let Some((image, _)) = &before {
                if let Some(load) = recognise::image_load(image) {
                    if recognise::took_image(&load, era) != Some(false) {
                        running = Some(load.name().to_string());
                    }
                }
            }
        }
        // What runs says more than the hunt: the loader, or which application.
        let (mut era, mut protocol) = (era, boot.hunt.protocol());
        if let Some(load) = running.as_deref().and_then(|r| LoadId::parse(r).ok()) {
            protocol = load.protocol().or(protocol);
            era = match (load.kind(), load.era(), load.protocol()) {
                (LoadKind::Loader, ..) => BootShape::Loader,
                (_, Some(LoadEra::Ual), _) => BootShape::UalApplication,
                (_, Some(_), Some(Protocol::Sccp)) => BootShape::OldSccp,
                (_, Some(_), Some(Protocol::Sip)) => BootShape::OldSip,
                _ => era,
            };
        }
        let fetched_files: Vec<String> = boot
            .requests
            .iter()
            .filter(
                |r| matches!(names.name(r.file), Name::Image { ext, .. } if ext.kind() == FirmwareKind::Image),
            )
            .filter(|r| fetched(r, hpa_answers))
            .map(|r| names.get(r.file).to_string())
            .collect();
        before = last_image(boot, hpa_answers, names).map(|image| (image, None));
        out.push(BootReport {
            boot: boot.number,
            first_line: boot.first_line,
            last_line: boot.last_line,
            start: boot.start.map(|t| t.to_string()),
            era,
            protocol,
            other_phone: boot.hunt.other().map(|o| o.phones().to_string()),
            other_words: boot.hunt.other().map(|o| o.to_string()),
            running,
            fetched: fetched_files,
            application_up: boot.hunt.application_up(),
            requests: boot
                .requests
                .iter()
                .map(|r| {
                    let (outcome, code, detail) = outcome_words(&r.outcome);
                    RequestReport {
                        line: r.line,
                        file: names.get(r.file).to_string(),
                        outcome,
                        code,
                        detail,
                        bytes: r.bytes,
                    }
                })
                .collect(),
            more_requests: boot.more,
        });
    }
    out
}

/// The image a boot installs, by load name: its `.sb2` (the application of a `.loads`), else
/// its last `.bin` or `.sbn`; one the log shows it got.
fn last_image(boot: &Boot, hpa_answers: bool, names: &Names) -> Option<String> {
    let images: Vec<(&str, FirmwareExt)> = boot
        .requests
        .iter()
        .filter(|r| fetched(r, hpa_answers) && !has_cr_or_space(names.get(r.file)))
        .filter_map(|r| match names.name(r.file) {
            Name::Image { load, ext } if ext.kind() == FirmwareKind::Image => Some((load, ext)),
            _ => None,
        })
        .collect();
    images
        .iter()
        .rev()
        .find(|(_, ext)| *ext == FirmwareExt::Sb2)
        .or(images.last())
        .map(|(load, _)| load.trim().to_string())
}

/// Where the phone is on its plan to `target.to`.
fn stage(boots: &[BootReport], target: &Target, planner: &Planner) -> StageReport {
    let to = target.to.clone();
    let known: Vec<&str> = boots.iter().filter_map(|b| b.running.as_deref()).collect();
    let (Some(first), Some(latest)) = (known.first(), known.last()) else {
        return StageReport {
            to: to.clone(),
            plan_from: None,
            reboots: None,
            done: None,
            status: "unknown",
            next: format!(
                "the log does not show which load it runs: read its App Load ID (Settings > Status > Firmware Versions) and run `phoneup plan --from <App Load ID> --to {to}`"
            ),
        };
    };
    let same = |a: &str, b: &str| matches!((LoadId::parse(a), LoadId::parse(b)), (Ok(x), Ok(y)) if x.match_key() == y.match_key());
    let plan = match planner.plan(&PlanRequest::new(*first, to.clone())) {
        Ok(PlanOutcome::Plan(plan)) => plan,
        Ok(PlanOutcome::NoPath(no_path)) => {
            return StageReport {
                to,
                plan_from: Some(first.to_string()),
                reboots: None,
                done: None,
                status: "no_path",
                next: no_path.reasons.join(" "),
            }
        }
        Err(error) => {
            return StageReport {
                to,
                plan_from: Some(first.to_string()),
                reboots: None,
                done: None,
                status: "no_path",
                next: error.to_string(),
            }
        }
    };
    let n = plan.reboots;
    let apply = |stage: usize| {
        format!(
            "phoneup apply --from {} --to {} --stage {stage} --tftp-root DIR",
            plan.from, plan.to
        )
    };
    let Some(done) = plan.path.iter().position(|load| same(load, latest)) else {
        return StageReport {
            to: to.clone(),
            plan_from: Some(first.to_string()),
            reboots: Some(n),
            done: None,
            status: "off_plan",
            next: format!(
                "it runs {latest}, which the plan from {first} does not pass: plan again with `phoneup plan --from {latest} --to {to}`"
            ),
        };
    };
    if done == n {
        return StageReport {
            to: to.clone(),
            plan_from: Some(first.to_string()),
            reboots: Some(n),
            done: Some(done),
            status: "done",
            next: if n == 0 {
                format!("done: it runs {to}")
            } else {
                format!("done: it runs {to}, after the {n} reboot(s) of the plan from {first}")
            },
        };
    }
    let next_load = &plan.path[done + 1];
    let last = boots.last().expect("a known load means a boot");
    let fetched_next = last.running.as_deref().is_some_and(|r| same(r, latest))
        && last.fetched.iter().any(|f| {
            matches!(Name::of(f), Name::Image { load, ext } if ext.kind() == FirmwareKind::Image && same(load, next_load))
        });
    if fetched_next {
        return StageReport {
            to,
            plan_from: Some(first.to_string()),
            reboots: Some(n),
            done: Some(done),
            status: "rebooting",
            next: format!(
                "reboot {} of {n} ({latest} to {next_load}) is under way: it fetched the image; when it is back, confirm its App Load ID{}",
                done + 1,
                if done + 2 <= n {
                    format!(", then reboot {}: {}", done + 2, apply(done + 2))
                } else {
                    ": that is the last reboot".to_string()
                }
            ),
        };
    }
    StageReport {
        to,
        plan_from: Some(first.to_string()),
        reboots: Some(n),
        done: Some(done),
        status: "waiting",
        next: format!(
            "reboot {} of {n} ({latest} to {next_load}) is next: {}",
            done + 1,
            apply(done + 1)
        ),
    }
}

/// When no request of any phone is in the input: the finding that says so, and what to do.
/// A log that shows no phone must not read as "no findings" (exit 0, all phones fine).
pub fn no_requests(diagnosis: &Diagnosis) -> Option<FindingReport> {
    let story = &diagnosis.story;
    if !story.phones.is_empty() {
        return None;
    }
    let seen = &story.seen;
    let lines = diagnosis.lines_read;
    let server_lines = seen.server_lines();
    let hpa_quiet = seen.lines_of(Source::TftpdHpa) > 0 && seen.hpa_requests == 0;
    let detail = if lines == 0 {
        "the input is empty: there is no line to read, so nothing can be said about any phone"
            .to_string()
    } else if server_lines == 0 {
        format!(
            "none of the {lines} line(s) read is from a TFTP server phoneup reads (tftpd-hpa, also under xinetd, atftpd, dnsmasq, Tftpd32/64, PumpKIN; through syslog, journalctl or the servers' own files; or a packet list of Wireshark or tshark), and none names a phone's address and one of its files, so nothing can be said about any phone"
        )
    } else if seen.requests == 0 {
        let why = if hpa_quiet {
            ": tftpd-hpa writes a request line only with -v"
        } else {
            ": no phone asked this server for a file while it logged, or the server does not log requests"
        };
        format!("the TFTP server's {server_lines} line(s) hold no request from a phone{why}")
    } else {
        format!(
            "the log holds {} request(s), but none names the phone's address or a MAC, so none can be told as a phone's",
            seen.requests
        )
    };
    let unit = "read the log of the server the phones use, from the time they booted: `journalctl -u UNIT` (check the unit's name with `systemctl list-units --all '*tftp*' '*dnsmasq*'`) or /var/log/syslog";
    let verbosity = if hpa_quiet {
        "set TFTP_OPTIONS=\"--secure -v -v\" in /etc/default/tftpd-hpa and restart it (systemctl restart tftpd-hpa)"
    } else {
        "make sure the server logs each request: tftpd-hpa only with -v (TFTP_OPTIONS=\"--secure -v -v\" in /etc/default/tftpd-hpa), atftpd from --verbose=5 (Debian's default; --verbose=7 also logs outcomes), dnsmasq as it is"
    };
    let fix = if server_lines == 0 {
        format!("{unit}; {verbosity}")
    } else {
        format!("{verbosity}; then {unit}")
    };
    Some(FindingReport {
        kind: Kind::NoRequests,
        client: None,
        mac: None,
        file: String::new(),
        count: 1,
        lines: Vec::new(),
        detail,
        fix,
    })
}

/// Finding `index` of the story, in words.
pub fn finding_report(story: &Story, index: usize) -> FindingReport {
    let finding = &story.findings.list[index];
    let phone = &story.phones[finding.phone];
    let (detail, fix) = words(finding, phone, story);
    FindingReport {
        kind: finding.kind,
        client: phone.client.clone(),
        mac: phone.mac,
        file: finding.file.clone(),
        count: finding.count,
        lines: finding.lines(),
        detail,
        fix,
    }
}

const FIREWALL_FIX: &str = "let the server's replies reach the phone: TFTP answers from a new UDP port of the server, not 69, which firewalls and NAT between them drop (seed 002); open UDP from the server to the phone, or put the phone on the server's side while it upgrades";

/// The files a name a phone asks for comes from, when the log does not say which.
const NAMER: &str = "the file that names it (OS79XX.TXT, a .loads, or a configuration file)";

/// What a finding rests on, and its fix, in words; for another model's file, and for requests
/// that name no phone, what that means for them.
fn words(finding: &Finding, phone: &Phone, story: &Story) -> (String, String) {
    let (mut detail, fix) = kind_words(finding, phone, story);
    if let Name::OtherPhone(other) = Name::of(key(&finding.file)) {
        let _ = write!(
            detail,
            " ({} is {}, not a 7940/7960's: phoneup does not plan upgrades for that phone)",
            shown(&finding.file),
            other.file_words()
        );
    }
    if phone.client.is_none() && phone.mac.is_none() && finding.kind == Kind::RequestLoop {
        detail.push_str(" (these requests name no address nor MAC: if they are more than one phone's, this is no loop)");
    }
    (detail, fix)
}

/// What a finding of its kind rests on, and its fix, in words.
fn kind_words(finding: &Finding, phone: &Phone, story: &Story) -> (String, String) {
    let file = shown(&finding.file);
    let n = finding.count;
    let source = finding.source;
    match finding.kind {
        Kind::RequestLoop => loop_words(&file, n, finding, phone, story),
        Kind::MissingFile => match &finding.context {
            Context::LoaderHunt => (
                format!(
                    "the Universal Application Loader asked for every file of its hunt, CTLSEP<MAC>.tlv to MGCDefault.cnf, and none was there: it stops at \"TFTP file not found\" (seed 004){}",
                    later_loads(finding, phone, &story.names)
                        .map(|line| format!("; a later boot read a .loads (line {line}), so a file naming the load was served since"))
                        .unwrap_or_default()
                ),
                format!("serve {file} naming the application to load (`phoneup plan --from <its loader> --to <the load you want>` prints it)"),
            ),
            context => {
                let by = match context {
                    Context::NamedBy(by) => Some(shown(by)),
                    _ => None,
                };
                let named = by
                    .as_ref()
                    .map(|by| format!(", which {by} names"))
                    .unwrap_or_default();
                if source == Source::Dnsmasq && !story.has_root() {
                    // dnsmasq logs "X.bin" for a request of "X.bin\r": two causes, one line.
                    let by = by.unwrap_or_else(|| NAMER.into());
                    return (
                        format!("the server did not find {file}{named}, and the phone stops there: either the TFTP root has no {file}, or the phone asked for it with a CR after the name ({by} ends its line with a Windows CR, Cisco bug CSCdv19260), which dnsmasq leaves out of the names it logs; this log cannot tell the two apart"),
                        format!("tell them apart: run again with --tftp-root DIR (a name the directory has is then name_has_cr_or_space), or run `phoneup lint DIR`; then copy {file} from its firmware package into the TFTP root, or rewrite {by} with the name alone and a plain LF"),
                    );
                }
                (
                    format!("the server has no {file}{named}: the phone needs it to go on, and stops"),
                    format!("copy {file} from its firmware package into the TFTP root, or change the file that names it"),
                )
            }
        },
        Kind::NameHasCrOrSpace => {
            let by = match &finding.context {
                Context::NamedBy(by) => shown(by),
                _ => NAMER.into(),
            };
            let detail = match &finding.context {
                Context::RootHas(name) => format!(
                    "the server answered File not found for {}, which is in the TFTP root: the name the phone sent must hold what this log does not show, a CR or a space ({source} drops control characters from the names it logs)",
                    shown(name)
                ),
                _ => format!(
                    "the phone asked for {file}: a CR, TAB or space is part of the name, and no file has it; {by} ends its line with a Windows CR or a space (Cisco bug CSCdv19260)"
                ),
            };
            (
                detail,
                format!("rewrite {by} with the name alone and a plain LF (no CR, no trailing space); `phoneup lint DIR` finds it"),
            )
        }
        Kind::WrongCase => {
            let variant = match &finding.context {
                Context::RootHas(v) => shown(v),
                _ => "another case".into(),
            };
            (
                format!("the phone asked for {file} and the TFTP root has {variant}: TFTP names are case-sensitive, so the server answered File not found"),
                format!("rename {variant} to {file}"),
            )
        }
        Kind::TransferIncomplete => {
            let why = match &finding.context {
                Context::Failure(why) => why.clone(),
                _ => "no end".into(),
            };
            let server = match source {
                Source::Capture | Source::Fallback => "the server",
                named => named.name(),
            };
            let detail = if why.contains("Connection refused") {
                format!("{server} started sending {file} and the phone's port was closed when the data came ({why}): the phone restarted, or something between them rejects the server's packets")
            } else {
                format!("{server} started sending {file} and the phone never acknowledged the data ({why})")
            };
            (detail, FIREWALL_FIX.into())
        }
        Kind::WrongErrorCode => {
            let (code, text) = match &finding.context {
                Context::Error { code, text } => (*code, text.clone()),
                _ => (None, String::new()),
            };
            let code = code.map_or("an error".to_string(), |c| format!("error {c}"));
            (
                format!("the server answered {file} with TFTP {code} ({text}); a phone moves on only after error 1 (File not found), and asks again (seeds 000 to 002)"),
                error_fix(&text, &file),
            )
        }
        Kind::ImageRefused => {
            let shows = if source == Source::TftpdHpa && story.seen.hpa_finished == 0 {
                " (tftpd-hpa logs no transfer's end: if the transfer broke off, the phone never had the image)"
            } else {
                ""
            };
            (
                format!("the phone fetched {file} and its next boot is the old image's again: it did not take the image{shows}"),
                "a phone refuses an image its running load cannot take (an unsigned image on a signed load, a UAL-era image before the loader): check the jump with `phoneup check --from <App Load ID> --to <image>` and go through the plan's intermediate load".into(),
            )
        }
        // About the whole input, never a phone's: made by `no_requests`, not kept in a story.
        Kind::NoRequests => (
            format!("{file}: a request no phone could be tied to"),
            String::new(),
        ),
    }
}

/// The line of a `.loads` request in a boot after the finding's lines.
fn later_loads(finding: &Finding, phone: &Phone, names: &Names) -> Option<u64> {
    let after = finding.lines().last().copied()?;
    phone
        .boots
        .iter()
        .flat_map(|b| b.requests.iter())
        .find(|r| {
            r.line > after
                && matches!(
                    names.name(r.file),
                    Name::Image {
                        ext: FirmwareExt::Loads,
                        ..
                    }
                )
        })
        .map(|r| r.line)
}

fn loop_words(
    file: &str,
    n: u64,
    finding: &Finding,
    phone: &Phone,
    story: &Story,
) -> (String, String) {
    let seen: &Seen = &story.seen;
    let tally = story
        .names
        .find(key(&finding.file))
        .and_then(|id| phone.tallies.get(&id))
        .cloned()
        .unwrap_or_default();
    let head = format!("the phone asked for {file} {n} times in a row");
    if let Some((code, text)) = &tally.refused {
        let code = code.map_or("an error".to_string(), |c| format!("error {c}"));
        return (
            format!("{head}: the server answered it with TFTP {code} ({text}), not error 1 (File not found), so the phone never moves on (seed 000: a server's wrong error code)"),
            error_fix(text, file),
        );
    }
    if tally.failed > 0 {
        return (
            format!("{head}: its transfers never finished (see transfer_incomplete): the server's data does not reach the phone (seed 002: a firewall on the TFTP data port)"),
            FIREWALL_FIX.into(),
        );
    }
    if tally.not_found > 0 {
        return (
            format!("{head} although the server answered each time with error 1 (File not found), the answer that lets it move on: the answer does not reach the phone (seed 002: a firewall on the TFTP data port)"),
            FIREWALL_FIX.into(),
        );
    }
    if tally.ended > 0 && finding.source == Source::PumpKin {
        let head = format!("{head}, and PumpKIN logged each transfer as finished, which it also writes after an error it answered, a missing file among them (it logs no \"not found\")");
        if file.starts_with("CTLSEP") {
            return (
                format!("{head}: PumpKIN answers a missing file with error 1 (File not found), which lets the phone go on, so either it sent a {file} the phone does not take (an empty one makes it ask again, seed 001) or its answers do not reach the phone (seed 002)"),
                format!("if {file} is in the TFTP root, remove it (the phone needs only a File not found answer); if it is not, {FIREWALL_FIX}"),
            );
        }
        return (
            format!("{head}: either the server has no {file}, or its data does not reach the phone (seed 002)"),
            format!("if {file} is missing, copy it from its firmware package into the TFTP root; if it is there, {FIREWALL_FIX}"),
        );
    }
    if tally.sent > 0 {
        let ctl = PerPhoneFile::parse_any(file).is_some_and(|(f, _)| f == PerPhoneFile::CtlSep);
        let why = match (ctl, tally.sent_empty > 0) {
            (true, true) => ": it is empty, and an empty CTLSEP<MAC>.tlv makes the phone fetch it every few seconds and go no further (seed 001)",
            (true, false) => ": if it is empty, that is seed 001's loop (the phone fetches an empty CTLSEP<MAC>.tlv every few seconds and goes no further); if not, the data does not reach the phone (seed 002)",
            _ => ": either the data does not reach the phone (seed 002) or the phone does not accept the file",
        };
        return (
            format!("{head} and the server logged it as sent each time{why}"),
            if ctl {
                format!("remove {file} from the TFTP root (the phone needs only a File not found answer), then, if it still loops, {FIREWALL_FIX}")
            } else {
                FIREWALL_FIX.into()
            },
        );
    }
    let source = finding.source;
    if tally.started > 0 {
        return (
            format!("{head}: the packet list shows the server sending its first blocks and no end to the transfer: the data does not reach the phone, or its acknowledgements do not reach the server (seed 002: a firewall on the TFTP data port)"),
            FIREWALL_FIX.into(),
        );
    }
    let shows = match source {
        Source::TftpdHpa if seen.hpa_finished > 0 => {
            return (
                format!("{head}: the server logged no end for these transfers (its build writes \"Client ADDR finished NAME\" when one ends, and an error answer as \"Client ADDR File not found NAME\"), so they never finished: the data does not reach the phone (seed 002: a firewall on the TFTP data port)"),
                FIREWALL_FIX.into(),
            );
        }
        Source::TftpdHpa if seen.hpa_answers > 0 => {
            return (
                format!("{head}: the server answered no error, so it sent the file; tftpd-hpa logs no transfer's end, and a phone that never gets the data asks again (seed 002: a firewall on the TFTP data port)"),
                FIREWALL_FIX.into(),
            );
        }
        Source::TftpdHpa => "tftpd-hpa logs its answers only with -v -v",
        Source::Atftpd => "atftpd logs its answers only from --verbose=6",
        Source::Fallback => {
            "phoneup does not know this server and read only its requests (the fallback)"
        }
        _ => "this log does not show the server's answers",
    };
    (
        format!("{head}; {shows}, so which of the two known causes it is cannot be told: a server that answers a missing file with an error other than 1 (seed 000), or a firewall that drops the server's answers (seed 002)"),
        format!("if {file} is missing, make sure the server answers File not found (error 1: tftpd-hpa with --secure, atftpd and dnsmasq do), then {FIREWALL_FIX}"),
    )
}

fn error_fix(text: &str, file: &str) -> String {
    match text {
        "Only absolute filenames allowed" | "Forbidden directory" => {
            "tftpd-hpa runs without --secure: set TFTP_OPTIONS=\"--secure -v -v\" in /etc/default/tftpd-hpa and restart it".into()
        }
        "Permission denied" => format!(
            "the server cannot read {file}: make it readable (chmod a+r) if the phone should have it, or remove it so the answer is File not found"
        ),
        "Access denied" | "Access violation" => {
            "a rule of the server refuses this name (a tftpd-hpa remap rule, a path with ..): serve it, or make the server answer File not found".into()
        }
        "Is a directory" => format!("{file} is a directory in the TFTP root: rename it"),
        _ => "make the server answer a missing file with error 1 (File not found): tftpd-hpa with --secure, atftpd and dnsmasq do".into(),
    }
}

/// Where the options of an `in.tftpd` that xinetd starts are set.
const XINETD_ARGS: &str =
    "; under xinetd, as FreePBX and Red Hat run it, they go in server_args in /etc/xinetd.d/tftp";

/// What logs as users have them (xinetd's, PumpKIN's, packet lists, a server phoneup does not
/// know, lines broken by a mail archive or a web page) cannot show.
fn field_notes(story: &Story) -> Vec<String> {
    let seen = &story.seen;
    let mut notes = Vec::new();
    let list = |clients: &[String]| {
        clients
            .iter()
            .map(|c| shown(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if seen.cut_short > 0 {
        notes.push(format!("{} line(s) were cut short (a request with no file name, as a mail archive or a web page breaks long lines) and no next line completed them: they are not read as requests", seen.cut_short));
    }
    if seen.anonymous > 0 {
        notes.push(format!("{} request(s) name neither an address nor a MAC (a web page may have dropped the address): they are told as one phone's, which they may not be", seen.anonymous));
    }
    if seen.xinetd_starts > 0 && seen.hpa_requests == 0 {
        notes.push(format!("xinetd started in.tftpd {} time(s) (for {}) but in.tftpd logged no request: add -v to server_args in /etc/xinetd.d/tftp and restart xinetd", seen.xinetd_starts, list(&seen.xinetd_clients)));
    }
    if seen.xinetd_refused > 0 {
        notes.push(format!("xinetd refused {} TFTP connection(s) (FAIL: {}; from {}): those phones got no answer at all, and a phone that gets none asks again; check /etc/hosts.allow and /etc/hosts.deny, and only_from, instances and cps in /etc/xinetd.d/tftp", seen.xinetd_refused, seen.xinetd_refusal.as_deref().map(shown).unwrap_or_default(), list(&seen.xinetd_refused_clients)));
    }
    if seen.lines_of(Source::PumpKin) > 0 {
        notes.push("PumpKIN writes \"Transfer of 'NAME' finished.\" at every transfer's end, also after an error it answered, a missing file among them (it logs no \"not found\"): \"ended\" does not say the phone got the file".into());
    }
    if seen.retried > 0 {
        notes.push(format!("{} time(s) a phone asked again for a file the server was still sending (PumpKIN's \"I'm already processing the request\"): the server's data was not reaching it", seen.retried));
    }
    if seen.lines_of(Source::Capture) > 0 {
        notes.push("read as a packet list (Wireshark or tshark): each request is paired with the server's packets to the phone's address that follow it; a capture taken at the server shows what it sent, not what reached the phone".into());
    }
    if seen.lines_of(Source::Fallback) > 0 {
        notes.push(format!("{} line(s) are of a server phoneup does not know, read by the fallback ({} request(s)): a line naming an address and one of a phone's files is a request; what the server answered is not read, so only request loops and boots can be told", seen.lines_of(Source::Fallback), seen.fallback_requests));
    }
    notes
}

/// What the log's format cannot show, and lines no phone could be tied to.
fn notes(story: &Story) -> Vec<String> {
    let seen = &story.seen;
    let mut notes = Vec::new();
    let has = |s: Source| seen.lines_of(s) > 0;
    let xinetd = if has(Source::Xinetd) { XINETD_ARGS } else { "" };
    if has(Source::TftpdHpa) && seen.hpa_requests == 0 {
        notes.push(format!("tftpd-hpa logs requests only with -v and its answers only with -v -v; Debian's default (TFTP_OPTIONS=\"--secure\") logs neither: set TFTP_OPTIONS=\"--secure -v -v\" in /etc/default/tftpd-hpa and restart it{xinetd}"));
    } else if seen.hpa_requests > 0 && seen.hpa_answers == 0 && seen.hpa_finished == 0 {
        notes.push(format!("tftpd-hpa logged requests but no answers (they need -v -v{xinetd}): which files were missing cannot be told"));
    }
    if seen.hpa_unattributed > 0 && seen.hpa_requests == 0 {
        notes.push(format!(
            "{} tftpd-hpa line(s) about transfers name no request, so neither the phone nor the file: tftpd-hpa writes the request line only with -v",
            seen.hpa_unattributed
        ));
    }
    notes.extend(field_notes(story));
    if seen.atftpd_requests > 0 && seen.atftpd_outcomes == 0 {
        notes.push("atftpd logged requests but no outcomes: at Debian's default --verbose=5 a file found, a file missing and a transfer abandoned look the same; set --verbose=7 in /etc/default/atftpd".into());
    }
    if seen.busybox > 0 {
        notes.push(format!(
            "{} busybox tftpd line(s): busybox logs only errors, naming neither the phone nor the file, so they cannot be diagnosed; use tftpd-hpa (-v -v), atftpd (--verbose=7) or dnsmasq",
            seen.busybox
        ));
    }
    if seen.dnsmasq_not_found > 0 && !story.has_root() {
        notes.push("dnsmasq leaves control characters out of the names it logs: a file it did not find may be in the TFTP root, asked for with a CR after its name (an OS79XX.TXT with Windows line ends); run again with --tftp-root DIR to tell".into());
    }
    if seen.blobs > 0 {
        notes.push(format!(
            "journalctl hid {} message(s) holding control characters (\"[N blob data]\"), such as a name with a CR: run journalctl with -a, or -o json",
            seen.blobs
        ));
    }
    if seen.unattributed > 0 {
        notes.push(format!(
            "{} line(s) about a transfer could not be tied to a phone (no address, no MAC in the name, no earlier request they follow)",
            seen.unattributed
        ));
    }
    if seen.untracked > 0 {
        notes.push(format!(
            "more than {MAX_PHONES} phones: {} request(s) from further addresses were counted, not followed",
            seen.untracked
        ));
    }
    if story
        .phones
        .iter()
        .any(|p| p.boots_total > MAX_BOOTS as u64)
    {
        notes.push(format!(
            "each phone's last {MAX_BOOTS} boots are listed; findings count every boot"
        ));
    }
    if story.names.overflow > 0 {
        notes.push(format!(
            "{} request(s) asked for names past the first {} different ones, which phoneup keeps; they are shown as \"{}\"",
            story.names.overflow,
            crate::logs::story::MAX_NAMES,
            story.names.get(0)
        ));
    }
    if story.findings.dropped > 0 {
        notes.push(format!(
            "{} further finding(s) were not kept",
            story.findings.dropped
        ));
    }
    notes
}
