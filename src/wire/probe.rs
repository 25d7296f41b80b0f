//! What `phoneup probe` does: asks a real TFTP server what a phone will ask, and reports what
//! the phone will get: the answer to a name that cannot exist (it must be ERROR 1, or the phone loops on
//! `CTLSEP<MAC>.tlv`), `OS79XX.TXT` as served, whether names are matched without regard to
//! case, and with a plan's first stage every file that stage needs, with its size. The stage is
//! then replayed on the phone model ([`crate::phone`]) over the wire, so every file the phone
//! reads after it takes the image (the application's own `SIPDefault.cnf`, `SIP<MAC>.cnf`,
//! `MGCDefault.cnf`) is asked for and checked too, and a stage the model does not see settle
//! is a finding. The report's text is the command's ([`crate::commands::probe`]).
//!
//! May use: [`crate::wire::client`], [`crate::wire::remote`], [`crate::wire::packet`],
//! [`crate::wire::transfer`], [`crate::plan`], [`crate::files`], [`crate::knowledge`],
//! [`crate::phone`], [`crate::tftp_root`] (the judge of a 7906 to 7975 load's files).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::files::mac::Mac;
use crate::files::per_phone::PerPhoneFile;
use crate::files::{loads, mgc_default_cnf, os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
use crate::knowledge::firmware;
use crate::knowledge::load_id::LoadId;
use crate::knowledge::models;
use crate::knowledge::package::Packages;
use crate::knowledge::phones::Model;
use crate::output::NextStep;
use crate::phone::server::{Answer, Server, ServerBehaviour, Status, Transfer};
use crate::phone::{Ending, Phone};
use crate::plan::stage::Stage;
use crate::wire::client::{Client, Fetch, Foreign, Outcome, Want};
use crate::wire::packet::code;
use crate::wire::remote::{self, printable, transfer};
use crate::wire::transfer::{Ask, Failure};

/// No answer to the request itself (as opposed to a transfer that stopped).
fn is_silence(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Failed(Failure::Timeout { waiting_for, .. }) if waiting_for.contains("read request"))
}

/// The MAC in the name that cannot exist when `--mac` is not given.
pub const DEFAULT_MAC: Mac = crate::files::mac::MODEL_MAC;

/// `OS79XX.TXT` in a spelling no one stores a file under, to see whether the server folds case.
pub const CASE_PROBE: &str = "oS79xX.tXt";

/// What a finding is about; the names are stable (docs/reference/probe.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A name that cannot exist got something other than ERROR 1.
    MissingFileAnswer,
    /// `OS79XX.TXT` has a CR, trailing whitespace, more than one line, an extension or nothing.
    Os79xxFormat,
    /// The server matched a name in another case (or changed its case).
    CaseInsensitive,
    /// A file the stage needs is not served.
    StageFileMissing,
    /// A configuration file the stage needs names another load.
    StageFileContent,
    /// A file the stage needs absent is served.
    StageFileUnwanted,
    /// Replayed on the phone model over the wire, the stage does not end with the phone settled
    /// on the stage's load.
    StageDoesNotSettle,
    /// A file is empty, or its size differs from the size the server announced, or the size
    /// announced is one no file a phone reads has (above 256 MiB, e.g. 2^64-1).
    SizeMismatch,
    /// No answer: no server, or a firewall drops its data port, or it stopped sending.
    NoAnswer,
    /// A firmware file that is not what its name says: of another size than the sources give,
    /// or a `.bin`/`.sbn` no package ships.
    Impostor,
    /// A file was still arriving when the per-file deadline passed (a server or a link that
    /// sends a block now and then): it was given up, and nothing more was asked.
    TooSlow,
    /// Datagrams came from another address than the server's, as if answering for it: another
    /// TFTP server on the network, or someone feeding the phones files. They were ignored.
    ForeignAnswer,
}

/// One thing the phone will trip over, and what to change on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    pub file: Option<String>,
    pub detail: String,
    pub fix: String,
}

/// One request and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub file: String,
    #[serde(flatten)]
    pub transfer: Transfer,
}

/// The whole probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub server: String,
    pub ok: bool,
    pub findings: Vec<Finding>,
    pub files: Vec<FileReport>,
    /// With findings: probe the server again once they are fixed (the command line fills it
    /// in with the user's own options).
    pub next_step: Option<NextStep>,
}

mod family;
mod fix;

pub use family::FamilyProbe;
pub use fix::server_fix;
use fix::{missing_file_fix, NOTHING_LISTENS_FIX, NO_ANSWER_FIX, SLOW_FIX};

/// What to probe.
pub struct Probe<'a> {
    pub client: Client,
    /// How the server was named on the command line.
    pub server: String,
    /// The MAC in the per-phone names.
    pub mac: Mac,
    /// The plan's stages, if any: the first is checked whole, the later ones' firmware for
    /// presence and size.
    pub stages: &'a [Stage],
    /// Which phone's `loadInformation` the stage's `XMLDefault.cnf.xml` must name.
    pub model: Model,
    /// The command that writes the stage's files (`phoneup apply --from A --to B --stage 1`).
    pub apply: String,
}

struct Run<'a> {
    probe: &'a Probe<'a>,
    files: Vec<FileReport>,
    findings: Vec<Finding>,
    /// Requests that got no answer at all, in a row: after two, nothing more is asked.
    silent: u32,
    answered_any: bool,
    /// Why nothing more is asked: a request found nothing listening on the server's port.
    closed: Option<String>,
    /// Why nothing more is asked: a file did not arrive within the per-file deadline.
    slow: Option<String>,
    /// Datagrams from other addresses than the server's, so far (said once, at the end).
    foreign: Foreign,
    /// Every file read, by name.
    fetched: HashMap<String, Fetch>,
    /// The files whose contents were checked against the stage.
    checked: HashSet<String>,
}

/// Boots of the stage's replay: the one that takes the image, the one that shows it holds, and
/// one more to see a loop (as `plan`'s replay).
const REPLAY_BOOTS: usize = 3;

/// An IP address as it is written before `:PORT`.
fn shown_ip(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

impl Probe<'_> {
    pub fn run(&self) -> std::io::Result<Report> {
        let mut run = Run::new(self);
        run.missing_file()?;
        run.os79xx()?;
        if let Some(stage) = self.stages.first() {
            run.stage(stage)?;
            run.replay(stage)?;
        }
        for stage in self.stages.iter().skip(1) {
            run.later_firmware(stage)?;
        }
        Ok(run.report())
    }
}

impl<'a> Run<'a> {
    fn new(probe: &'a Probe<'a>) -> Run<'a> {
        Run {
            probe,
            files: Vec::new(),
            findings: Vec::new(),
            silent: 0,
            answered_any: false,
            closed: None,
            slow: None,
            foreign: Foreign::default(),
            fetched: HashMap::new(),
            checked: HashSet::new(),
        }
    }

    /// The report, once the silences and the foreign answers are said.
    fn report(mut self) -> Report {
        self.silences();
        self.foreign();
        Report {
            server: self.probe.server.clone(),
            ok: self.findings.is_empty(),
            findings: self.findings,
            files: self.files,
            next_step: None,
        }
    }
}

impl Run<'_> {
    /// Reads `name` (with `tsize` when `sized`) and records it. After two requests in a row
    /// that got no answer at all, nothing more is asked: the file is recorded as a timeout.
    fn ask(&mut self, name: &str, sized: bool, want: Want) -> std::io::Result<Fetch> {
        let skipped = self.silent >= 2 || self.closed.is_some() || self.slow.is_some();
        let fetch = if skipped {
            Fetch {
                outcome: Outcome::Failed(Failure::Timeout {
                    waiting_for: String::new(),
                    sends: 0,
                    malformed: 0,
                }),
                tsize: None,
                contents: None,
                options_refused: false,
                foreign: Foreign::default(),
            }
        } else {
            let ask = Ask {
                tsize: sized,
                ..Ask::default()
            };
            self.probe.client.read(name, ask, want)?
        };
        let mut record = transfer(&fetch);
        if skipped {
            record.error_message = Some(if self.closed.is_some() {
                "not asked: nothing listens on the server's port".into()
            } else if let Some(slow) = &self.slow {
                format!("not asked: {slow} did not arrive within the per-file deadline")
            } else {
                "not asked: the server answered none of the requests before".into()
            });
        } else if let Outcome::PortClosed { why } = &fetch.outcome {
            self.closed = Some(why.clone());
        } else if let Outcome::Overdue { why } = &fetch.outcome {
            self.answered_any = true;
            self.slow = Some(printable(name));
            self.find(Kind::TooSlow, name, format!("probe {why}"), SLOW_FIX);
        } else if let Outcome::ImpossibleSize { tsize } = fetch.outcome {
            (self.silent, self.answered_any) = (0, true);
            self.find(
                Kind::SizeMismatch,
                name,
                format!("{}: {}", printable(name), remote::impossible_size(tsize)),
                format!("Check {} on the server (ls -l): a server that announces a size no file has is broken, or not the server you meant; replace it.", printable(name)),
            );
        } else if is_silence(&fetch.outcome) {
            self.silent += 1;
        } else {
            self.silent = 0;
            self.answered_any = true;
        }
        self.foreign.datagrams += fetch.foreign.datagrams;
        self.foreign.bytes += fetch.foreign.bytes;
        self.foreign.from = self.foreign.from.or(fetch.foreign.from);
        self.fetched.insert(name.to_string(), fetch.clone());
        self.files.push(FileReport {
            file: name.to_string(),
            transfer: record,
        });
        Ok(fetch)
    }

    /// Findings for the requests that timed out, once it is known whether the server answers
    /// anything at all.
    fn silences(&mut self) {
        let missing = PerPhoneFile::CtlSep.name(self.probe.mac);
        if let Some(why) = &self.closed {
            self.findings.insert(
                0,
                Finding {
                    kind: Kind::NoAnswer,
                    file: None,
                    detail: format!("{why}: no TFTP server runs there, or it listens on another address or port"),
                    fix: NOTHING_LISTENS_FIX.into(),
                },
            );
            return;
        }
        if !self.answered_any {
            self.findings.insert(
                0,
                Finding {
                    kind: Kind::NoAnswer,
                    file: None,
                    detail: format!(
                        "{} answered none of the requests (each sent {} times, {} s apart): nothing listens there, or a firewall drops the requests or the answers (the data port is blocked or the server is unreachable)",
                        self.probe.server,
                        self.probe.client.policy.retries + 1,
                        self.probe.client.policy.timeout.as_secs_f32()
                    ),
                    fix: NO_ANSWER_FIX.into(),
                },
            );
            return;
        }
        let timed_out: Vec<(String, String)> = self
            .files
            .iter()
            .filter(|f| f.transfer.status == Status::Timeout)
            .map(|f| {
                (
                    f.file.clone(),
                    f.transfer.error_message.clone().unwrap_or_default(),
                )
            })
            .collect();
        for (file, why) in timed_out {
            let overdue = self
                .fetched
                .get(&file)
                .is_some_and(|f| matches!(f.outcome, Outcome::Overdue { .. }));
            if overdue || (self.slow.is_some() && why.starts_with("not asked")) {
                // Said when it was given up.
                continue;
            }
            if file == missing {
                self.find(Kind::MissingFileAnswer, &file, format!("{file} does not exist, and the server does not answer it at all ({why}), while it answers other names: the phone asks again and again (MCLEAN-CTLSEP, VI-FWISSUES and TCG-7960)"), "Configure or replace the server so that a missing file gets TFTP error 1, File not found, at once: Debian's tftpd-hpa (--secure), atftpd and dnsmasq do.");
            } else if why.contains("read request") {
                self.find(
                    Kind::NoAnswer,
                    &file,
                    format!("{file}: no answer ({why}), while the server answers other names"),
                    NO_ANSWER_FIX,
                );
            } else {
                self.find(Kind::NoAnswer, &file, format!("{file}: the server started the transfer, then stopped sending ({why}): the data port is blocked or the server does not retransmit"), NO_ANSWER_FIX);
            }
        }
    }

    /// One finding for every datagram that came from another address than the server's.
    fn foreign(&mut self) {
        let Foreign {
            datagrams,
            bytes,
            from: Some(from),
        } = self.foreign
        else {
            return;
        };
        let server = self.probe.client.server;
        self.findings.push(Finding {
            kind: Kind::ForeignAnswer,
            file: None,
            detail: format!("{datagrams} datagrams ({bytes} bytes) came from {from}, not from the server's address {}, as if answering the requests: ignored, nothing of them was taken as served", server.ip()),
            fix: format!("If {} is another address of the server itself, probe it there (phoneup probe --server {}:{}). Otherwise another machine answers TFTP requests on this network: find it and stop its TFTP server, as the phones may take its answers.", from.ip(), shown_ip(from.ip()), server.port()),
        });
    }

    fn find(&mut self, kind: Kind, file: &str, detail: String, fix: impl Into<String>) {
        self.findings.push(Finding {
            kind,
            file: Some(file.to_string()),
            detail,
            fix: fix.into(),
        });
    }

    /// `CTLSEP<MAC>.tlv`: the first file of the loader's hunt, which must get ERROR 1.
    fn missing_file(&mut self) -> std::io::Result<()> {
        let name = PerPhoneFile::CtlSep.name(self.probe.mac);
        let fetch = self.ask(&name, false, Want::Whole)?;
        let loop_note = "the phone asks for it again and again and never reaches its configuration (MCLEAN-CTLSEP, VI-FWISSUES and TCG-7960)";
        match fetch.outcome {
            Outcome::Failed(Failure::Peer {
                code: code::FILE_NOT_FOUND,
                ..
            }) => {}
            Outcome::Failed(Failure::Peer { code, message }) => {
                let message = printable(&message);
                let detail = format!(
                    "{name} does not exist, and the server answers TFTP error {code} ({message}) instead of error 1 (File not found): {loop_note}"
                );
                self.find(
                    Kind::MissingFileAnswer,
                    &name,
                    detail,
                    missing_file_fix(code, &message),
                );
            }
            Outcome::Received { bytes: 0 } | Outcome::SizeOnly { tsize: 0 } => {
                let detail = format!(
                    "the server sends an empty {name} (a DATA of nothing) for a name no file should have: the phone fetches it every few seconds and goes no further (VI-FWISSUES)"
                );
                self.find(Kind::MissingFileAnswer, &name, detail, format!("Remove {name} (or any rule that maps unknown names to a file) from the server: a missing CTLSEP file must get error 1, File not found."));
            }
            Outcome::Received { bytes } | Outcome::SizeOnly { tsize: bytes } => {
                let detail = format!(
                    "the server serves {bytes} bytes for {name}, a name no file should have (a copied trust list, or a rule that maps unknown names to a file): the phone reads it as its trust list"
                );
                self.find(Kind::MissingFileAnswer, &name, detail, format!("Remove {name}, or the remap rule that answers it, from the server: a missing CTLSEP file must get error 1, File not found."));
            }
            Outcome::Failed(Failure::Refused { .. } | Failure::Protocol { .. }) => {
                // A protocol error was answered: say so as a wrong answer.
                let why = self
                    .files
                    .last()
                    .and_then(|f| f.transfer.error_message.clone())
                    .unwrap_or_default();
                let detail = format!(
                    "{name} does not exist, and the server's answer is broken ({why}): {loop_note}"
                );
                self.find(Kind::MissingFileAnswer, &name, detail, "Use a server that answers a missing file with TFTP error 1, File not found: Debian's tftpd-hpa (--secure), atftpd and dnsmasq do.");
            }
            // Said when it was asked.
            Outcome::Failed(_)
            | Outcome::PortClosed { .. }
            | Outcome::Overdue { .. }
            | Outcome::ImpossibleSize { .. } => {}
        }
        Ok(())
    }

    /// `OS79XX.TXT` as served, and the case check with `os79xx.txt`.
    fn os79xx(&mut self) -> std::io::Result<()> {
        let name = os79xx_txt::FILE_NAME;
        let fetch = self.ask(name, false, Want::Whole)?;
        let upper = fetch.contents.clone();
        if let Some(bytes) = &upper {
            self.os79xx_format(bytes);
        }
        // A spelling no one stores a file under: served, it shows the server folds case.
        let mixed = CASE_PROBE;
        let folded = self.ask(mixed, false, Want::Whole)?;
        match (&upper, &folded.contents) {
            (Some(a), Some(b)) if a == b => {
                let detail = format!("the server served {name} for a request of {mixed}: it matches names without regard to case (a Windows server, or a remap rule)");
                self.find(Kind::CaseInsensitive, mixed, detail, "The phone finds its files in any case on this server, but phoneup's plans, apply and lint assume exact case: a leftover file in another case (xmlDefault.CNF.XML, xmldefault.cnf.xml) is then served for the name a stage needs absent. Remove every case variant of the phone's file names from the directory, or turn the case-folding off.");
            }
            (None, Some(_)) => {
                let detail = format!("{name} is not found but {mixed} is: the server changes the case of names (dnsmasq --tftp-lowercase) and the phone asks for {name}");
                self.find(Kind::CaseInsensitive, name, detail, "Store the phone's files under lower-case names for this server, or remove --tftp-lowercase (dnsmasq) so names match exactly.");
            }
            _ => {}
        }
        Ok(())
    }

    fn os79xx_format(&mut self, bytes: &[u8]) {
        let name = os79xx_txt::FILE_NAME;
        let text = String::from_utf8_lossy(bytes);
        let line = os79xx_txt::first_line(&text);
        let shown = crate::output::Untrusted(line).to_string();
        let fix = format!(
            "Write OS79XX.TXT as the image name alone and one LF: `printf '{}\\n' > OS79XX.TXT` (phoneup apply writes it so).",
            line.trim().trim_end_matches(".bin").trim_end_matches(".sbn")
        );
        let fix = fix.as_str();
        if line.trim().is_empty() {
            self.find(
                Kind::Os79xxFormat,
                name,
                "OS79XX.TXT is served empty (or its first line is): the phone has no image to load"
                    .into(),
                fix,
            );
            return;
        }
        if line.ends_with('\r') {
            self.find(Kind::Os79xxFormat, name, format!("OS79XX.TXT ends its line with a CR (a Windows line ending): the phone may ask for \"{shown}\" with the CR, a file that does not exist, as it does with a trailing space (CSCdv19260); no report shows a CR failing, but it is best avoided"), fix);
        } else if line.ends_with([' ', '\t']) {
            self.find(Kind::Os79xxFormat, name, format!("OS79XX.TXT has trailing whitespace: the phone asks for \"{shown}\", a file that does not exist (CSCdv19260)"), fix);
        }
        if text.trim_end().contains('\n') {
            self.find(
                Kind::Os79xxFormat,
                name,
                "OS79XX.TXT has more than one line: the phone reads only the first".into(),
                fix,
            );
        }
        if LoadId::parse(line.trim()).is_ok_and(|id| id.extension().is_some()) {
            self.find(Kind::Os79xxFormat, name, format!("OS79XX.TXT names \"{}\" with its extension: the phone adds .bin or .sbn itself", line.trim()), fix);
        }
        if let Some(other) = models::other_model(line.trim()) {
            self.find(
                Kind::Os79xxFormat,
                name,
                format!(
                    "OS79XX.TXT names \"{}\", {}: a 7940/7960 cannot run it",
                    printable(line.trim()),
                    other.describe()
                ),
                fix,
            );
        }
    }

    /// Every file of the stage, with its size, and the managed files' contents.
    fn stage(&mut self, stage: &Stage) -> std::io::Result<()> {
        let mac = self.probe.mac;
        let requests: Vec<String> = stage
            .expect_requests
            .iter()
            .map(|r| PerPhoneFile::from_template(r).map_or_else(|| r.clone(), |f| f.name(mac)))
            .collect();
        let stage_name = format!("stage {} ({} -> {})", stage.reboot, stage.from, stage.to);
        let mut named_by_loads: Vec<(String, String)> = Vec::new();
        let ctlsep = PerPhoneFile::CtlSep.name(mac);
        for name in &requests {
            if *name == ctlsep {
                continue; // asked first, as a name that cannot exist
            }
            let per_phone = PerPhoneFile::parse(name).is_some();
            let fetch = match self.fetched.get(name) {
                Some(fetch) => fetch.clone(),
                None => {
                    let want = if firmware::is_image(name) {
                        Want::SizeOnly
                    } else {
                        Want::Whole
                    };
                    self.ask(name, !per_phone, want)?
                }
            };
            if per_phone {
                // The loader stops at the first per-phone file that exists: it must agree.
                if matches!(fetch.outcome, Outcome::Received { .. }) {
                    self.stage_content(stage, &stage_name, name, true);
                }
                continue;
            }
            self.stage_file(&stage_name, name, &fetch, None);
            self.stage_content(stage, &stage_name, name, false);
            if firmware::is_manifest(name) {
                if let Some(text) = fetch.contents.as_deref().map(String::from_utf8_lossy) {
                    match loads::manifest(&text) {
                        Some((sbn, sb2)) => {
                            named_by_loads.push((sbn, name.clone()));
                            named_by_loads.push((sb2, name.clone()));
                        }
                        None => self.find(Kind::StageFileContent, name, format!("{name} names no .sbn loader and .sb2 application: the phone cannot go on"), format!("Copy {name} again from the firmware package: it is damaged or not a .loads manifest.")),
                    }
                }
            }
        }
        for (name, loads_file) in named_by_loads {
            if self.files.iter().any(|f| f.file == name) {
                continue;
            }
            let fetch = self.ask(&name, true, Want::SizeOnly)?;
            self.stage_file(&stage_name, &name, &fetch, Some(&loads_file));
        }
        // The configuration files the stage needs absent.
        for (file, wanted) in &stage.files {
            if wanted.is_some() {
                continue;
            }
            let fetch = match self.fetched.get(file) {
                Some(fetch) => fetch.clone(),
                None => self.ask(file, false, Want::Whole)?,
            };
            if matches!(fetch.outcome, Outcome::Received { .. }) {
                self.find(Kind::StageFileUnwanted, file, format!("{file} is served, and {stage_name} needs it absent: the image that reads it follows it instead of the stage"), format!("Move {file} out of the server's directory for this reboot ({} --tftp-root DIR does, and keeps it for later).", self.probe.apply));
            }
        }
        Ok(())
    }

    fn stage_file(&mut self, stage_name: &str, name: &str, fetch: &Fetch, named_by: Option<&str>) {
        let who = named_by
            .map(|l| format!(", named by {l}"))
            .unwrap_or_default();
        match &fetch.outcome {
            Outcome::Failed(Failure::Peer {
                code: code::FILE_NOT_FOUND,
                ..
            }) => {
                let fix = if firmware::is_firmware(name) {
                    format!("Copy {name} from the firmware package into the server's directory, spelled exactly so (case matters).")
                } else {
                    format!(
                        "Write {name} for this stage: {} --tftp-root DIR.",
                        self.probe.apply
                    )
                };
                self.find(Kind::StageFileMissing, name, format!("{name} is not on the server{who}, and {stage_name} needs it: the phone stops at \"File not found\""), fix);
            }
            Outcome::Failed(Failure::Peer { code, message }) => {
                let message = printable(message);
                self.find(Kind::StageFileMissing, name, format!("the server refuses {name}{who} with TFTP error {code} ({message}), and {stage_name} needs it"), "Make the file readable by the server's user (chmod a+r) and keep it inside the server's directory.");
            }
            Outcome::Received { bytes: 0 } | Outcome::SizeOnly { tsize: 0 } => {
                self.find(Kind::SizeMismatch, name, format!("{name}{who} is served empty, and {stage_name} needs it"), format!("Copy {name} again from the firmware package: an empty copy is what a failed upload or a full disk leaves."));
            }
            Outcome::Received { bytes } => {
                if let Some(tsize) = fetch.tsize.filter(|t| t != bytes) {
                    self.find(Kind::SizeMismatch, name, format!("the server announced {tsize} bytes for {name}{who} and sent {bytes}: the file changes while it is served, or the server is broken"), format!("Stop writing {name} while phones boot, copy it whole, and probe again."));
                } else {
                    self.impostor(name, *bytes);
                }
            }
            Outcome::SizeOnly { tsize } => self.impostor(name, *tsize),
            // Said when it was asked.
            Outcome::Failed(_)
            | Outcome::PortClosed { .. }
            | Outcome::Overdue { .. }
            | Outcome::ImpossibleSize { .. } => {}
        }
    }

    /// A firmware file served with a size the sources contradict, or one no package ships.
    fn impostor(&mut self, name: &str, size: u64) {
        if let Some(impostor) = Packages::builtin().impostor(name, size) {
            let detail = impostor.describe(name, size);
            self.find(
                Kind::Impostor,
                name,
                format!("the server serves {detail}"),
                format!("Replace {name} in the server's directory with the file of that name from the firmware package, or remove it if no package ships one."),
            );
        }
    }

    /// The firmware of a later stage: on the server now, so the walk does not stop halfway.
    fn later_firmware(&mut self, stage: &Stage) -> std::io::Result<()> {
        let stage_name = format!("stage {} ({} -> {})", stage.reboot, stage.from, stage.to);
        for name in &stage.firmware {
            if self.files.iter().any(|f| &f.file == name) {
                continue;
            }
            let want = if firmware::is_image(name) {
                Want::SizeOnly
            } else {
                Want::Whole
            };
            let fetch = self.ask(name, true, want)?;
            self.stage_file(&stage_name, name, &fetch, None);
        }
        Ok(())
    }

    /// Replays `stage` on the phone model over the wire, once for each phone the plan addresses:
    /// every file the model reads is a request (a name already asked gets the answer it got),
    /// so the files the phone reads after it takes the image are asked for too; the contents of
    /// every file it reads are checked against the stage, and a stage that does not leave the
    /// model settled on the stage's load is a finding. Only a stage whose files were found right
    /// so far is replayed: otherwise the findings already say what stops the phone.
    fn replay(&mut self, stage: &Stage) -> std::io::Result<()> {
        if !self.findings.is_empty() || self.any_timeout() {
            return Ok(());
        }
        let (Ok(start), Ok(to)) = (LoadId::parse(&stage.from), LoadId::parse(&stage.to)) else {
            return Ok(());
        };
        let stage_name = format!("stage {} ({} -> {})", stage.reboot, stage.from, stage.to);
        let mac = self.probe.mac;
        for &model in self.probe.model.phones() {
            let phone = Phone {
                model,
                mac: Some(mac.to_string()),
                server: ServerBehaviour::FileNotFound,
                ..Phone::new(model)
            };
            let mut wire = Wire {
                run: self,
                error: None,
            };
            let simulation = phone.simulate_on(&start, &mut wire, REPLAY_BOOTS);
            if let Some(error) = wire.error {
                return Err(error);
            }
            let read: Vec<String> = simulation
                .boots
                .iter()
                .flat_map(|boot| &boot.requests)
                .filter(|request| request.found)
                .map(|request| request.file.clone())
                .collect();
            for file in read {
                let per_phone = PerPhoneFile::parse(&file).is_some();
                self.stage_content(stage, &stage_name, &file, per_phone);
            }
            if !self.findings.is_empty() || self.any_timeout() {
                // Said by a finding, or by the silence the end reports.
                return Ok(());
            }
            let settled = simulation.ending == Ending::Stable
                && LoadId::parse(&simulation.final_load)
                    .is_ok_and(|end| end.match_key() == to.match_key());
            if !settled {
                let ended = match simulation.ending {
                    Ending::Stable => format!("settles on {}", simulation.final_load),
                    Ending::Loop => format!(
                        "loops on {}",
                        simulation
                            .loop_file
                            .as_deref()
                            .unwrap_or("the same request")
                    ),
                    Ending::Refused => "refuses its image".into(),
                    Ending::Unknown => "does what phoneup has no evidence for".into(),
                    Ending::Unfinished => "is still changing load".into(),
                };
                let boots: Vec<String> = simulation
                    .boots
                    .iter()
                    .map(|b| format!("boot {} on {}: {}", b.boot, b.running, b.detail))
                    .collect();
                // A request the server answered wrongly: the fix for that server.
                let refused = simulation
                    .boots
                    .last()
                    .and_then(|b| b.requests.last())
                    .filter(|r| !r.found)
                    .and_then(|r| {
                        let fetch = self.fetched.get(&r.file)?;
                        server_fix(&r.file, &transfer(fetch))
                    });
                let mut fix = refused
                    .or_else(|| simulation.problems.first().cloned())
                    .unwrap_or_else(|| {
                        format!(
                            "Write this stage's files: {} --tftp-root DIR.",
                            self.probe.apply
                        )
                    });
                let _ = write!(
                    fix,
                    " Each boot as the phone sees it: phoneup simulate --from {} --server {} --mac {mac}{}.",
                    stage.from,
                    self.probe.server,
                    if model == Model::M7960 { " --model 7960" } else { "" }
                );
                self.findings.push(Finding {
                    kind: Kind::StageDoesNotSettle,
                    file: None,
                    detail: format!(
                        "the phone model ({model}) booting {stage_name} from this server {ended} instead of settling on {}: {}",
                        stage.to,
                        boots.join("; ")
                    ),
                    fix,
                });
                return Ok(());
            }
        }
        Ok(())
    }

    fn any_timeout(&self) -> bool {
        self.files
            .iter()
            .any(|f| f.transfer.status == Status::Timeout)
    }

    /// What a configuration file the phone reads this stage names, against the stage. A
    /// per-phone file (`SEP<MAC>.cnf.xml`, `SIP<MAC>.cnf`) must name the stage's load too, as
    /// the loader stops at it; a `SIP<MAC>.cnf` without `image_version` leaves it to
    /// `SIPDefault.cnf`.
    fn stage_content(&mut self, stage: &Stage, stage_name: &str, file: &str, per_phone: bool) {
        if !self.checked.insert(file.to_string()) {
            return;
        }
        let Some(bytes) = self.fetched.get(file).and_then(|f| f.contents.as_ref()) else {
            return;
        };
        let text = String::from_utf8_lossy(bytes).into_owned();
        let (names, wanted) = if file == os79xx_txt::FILE_NAME {
            (
                Some(os79xx_txt::first_line(&text).trim().to_string()),
                stage.os79xx.clone(),
            )
        } else if file.ends_with(".cnf.xml") {
            let element = self
                .probe
                .model
                .load_information()
                .last()
                .map_or("loadInformation", |l| l.element);
            (
                xml_default_cnf_xml::load_information(&text, element)
                    .ok()
                    .flatten(),
                stage.xmldefault_load.clone(),
            )
        } else if file.ends_with(".cnf")
            && (per_phone
                || file == sip_default_cnf::FILE_NAME
                || file == mgc_default_cnf::FILE_NAME)
        {
            let names = sip_default_cnf::image_version(&text);
            if per_phone && names.is_none() {
                return;
            }
            (names, stage.image_version.clone())
        } else {
            return;
        };
        let Some(wanted) = wanted else { return };
        let key = |n: &str| LoadId::parse(n).ok().map(|id| id.match_key());
        if names
            .as_deref()
            .and_then(key)
            .is_none_or(|k| Some(k) != key(&wanted))
        {
            let says = names.map_or_else(|| "names no load".into(), |n| format!("names {n}"));
            let fix = if per_phone && file.ends_with(".cnf") {
                format!("Make the image_version line of {file} name {wanted} too, or remove that line: the phone follows its own file's image_version before the default file's (TCG-7960).")
            } else if per_phone {
                format!("Make {file} name {wanted} too, or move it aside for this reboot: the loader stops at the first per-phone file it finds.")
            } else {
                format!(
                    "Write this stage's {file}: {} --tftp-root DIR (only the load line changes).",
                    self.probe.apply
                )
            };
            self.find(
                Kind::StageFileContent,
                file,
                format!("{file} as served {says}; {stage_name} needs {wanted}"),
                fix,
            );
        }
    }
}

/// The phone model's reads during the replay: a name already asked gets the answer it got; any
/// other is asked over the wire (an image for its size only) and recorded with the rest.
struct Wire<'r, 'a> {
    run: &'r mut Run<'a>,
    /// A local socket error: the replay stops and the probe fails with it.
    error: Option<std::io::Error>,
}

impl Server for Wire<'_, '_> {
    fn read(&mut self, name: &str) -> Answer {
        if self.error.is_some() {
            return Answer::NoAnswer {
                why: "not asked: this machine cannot send".into(),
            };
        }
        let fetch = match self.run.fetched.get(name) {
            Some(fetch) => fetch.clone(),
            None => {
                let image = firmware::is_image(name);
                let want = if image { Want::SizeOnly } else { Want::Whole };
                match self.run.ask(name, image, want) {
                    Ok(fetch) => fetch,
                    Err(error) => {
                        let why = format!("cannot send from this machine: {error}");
                        self.error = Some(error);
                        return Answer::NoAnswer { why };
                    }
                }
            }
        };
        remote::answer(fetch)
    }
}
