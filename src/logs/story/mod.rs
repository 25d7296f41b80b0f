//! Each phone's story from the events: lines tied to the request they are about
//! (`correlate`, server by server), requests grouped by phone (its address, or the MAC in a
//! name when a line has no address) and split into boots with [`crate::phone::recognise`], and the findings as they appear. Memory is
//! bounded: a phone keeps its last [`MAX_BOOTS`] boots, a boot its first
//! [`MAX_REQUESTS`] requests, and at most [`MAX_PHONES`] phones are followed.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};

use crate::files::mac::Mac;
use crate::files::per_phone::PerPhoneFile;
use crate::knowledge::firmware::{FirmwareExt, FirmwareKind};
use crate::logs::event::{Event, Info, Outcome, Parsed, Source};
use crate::logs::findings::{truncated, Context, Findings, Kind};
use crate::logs::time::Time;
use crate::phone::recognise::other::Kind as OtherKind;
use crate::phone::recognise::{self, BootShape, Hunt, Name, OtherPhone};
use crate::tftp_root::TftpRoot;

pub use crate::logs::names::{has_cr_or_space, key, ByName, Names, Recent, MAX_NAMES};

mod answer;
mod correlate;
mod pending;

pub use answer::{Answer, Texts, MAX_TEXTS};
use pending::Pending;

pub const MAX_PHONES: usize = 10_000;
pub const MAX_BOOTS: usize = 16;
pub const MAX_REQUESTS: usize = 256;
/// Requests kept in all phones' boots; more are counted (a boot's `more`).
pub const MAX_KEPT: usize = 1 << 19;
/// Bytes of an address kept (an IPv6 address with its zone is under 50).
pub const MAX_CLIENT: usize = 64;
/// Counts of one name for one phone, kept in all phones.
pub const MAX_TALLIED: usize = 1 << 18;
/// Requests waiting for a later line about them, per server.
const MAX_PENDING: usize = 1024;
/// Different names one phone's counts are kept for.
const MAX_TALLIES: usize = 512;
/// Addresses kept for a note (xinetd's clients, its refusals).
pub const MAX_NOTED: usize = 8;
/// Requests of one file in a row that make a loop: a phone asks a file once per boot, or two
/// or three times when it is missing (TCG-7960).
pub const LOOP_AT: u32 = 4;

/// One request and what became of it.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    pub line: u64,
    /// The name, by its number in [`Names`].
    pub file: u32,
    /// An image a phone installs (`.bin`, `.sbn`, `.sb2`) whose name holds no CR or space.
    pub image: bool,
    pub source: Source,
    pub outcome: Answer,
    pub bytes: Option<u64>,
}

/// One boot of a phone.
#[derive(Debug, Clone)]
pub struct Boot {
    pub number: u64,
    pub first_line: u64,
    pub last_line: u64,
    pub start: Option<Time>,
    pub hunt: Hunt,
    pub requests: Vec<Request>,
    /// Requests past [`MAX_REQUESTS`], counted only.
    pub more: u64,
}

impl Boot {
    /// The file read before request `index` that names what the phone asks for next:
    /// `OS79XX.TXT`, a configuration file of the hunt, or a `.loads`.
    pub fn named_by(&self, index: usize, names: &Names) -> Option<String> {
        self.requests
            .get(..index)?
            .iter()
            .rev()
            .find(|r| {
                let names_a_load = matches!(
                    names.name(r.file),
                    Name::Os79xx
                        | Name::XmlDefault
                        | Name::SipDefault
                        | Name::Image {
                            ext: FirmwareExt::Loads,
                            ..
                        }
                        | Name::PerPhone {
                            file: PerPhoneFile::SepXml | PerPhoneFile::SipCnf,
                            ..
                        }
                        | Name::OtherPhone(OtherPhone {
                            kind: OtherKind::DefaultLoads | OtherKind::Loads,
                            ..
                        })
                );
                names_a_load
                    && matches!(r.outcome, Answer::Requested | Answer::Sent | Answer::Ended)
            })
            .map(|r| names.get(r.file).to_string())
    }
}

/// Counts of what one file's requests got, for one phone.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub not_found: u32,
    /// The last error and its text, by its number in [`Texts`].
    pub refused: Option<(Option<u16>, u32)>,
    pub failed: u32,
    pub sent: u32,
    pub sent_empty: u32,
    /// Ended whatever the end was (atftpd's `End of transfer`, PumpKIN's `finished`).
    pub ended: u32,
    /// A packet list showed the server sending its first blocks.
    pub started: u32,
}

/// A run of requests for the same file.
#[derive(Debug, Clone, Default)]
struct Run {
    file: Option<u32>,
    count: u32,
    lines: Vec<u64>,
}

/// One phone.
#[derive(Debug, Clone)]
pub struct Phone {
    pub client: Option<String>,
    pub mac: Option<Mac>,
    pub boots: VecDeque<Boot>,
    pub boots_total: u64,
    pub last_time: Option<Time>,
    /// By the number of the name (without its directory).
    pub tallies: ByName<Tally>,
    run: Run,
    /// The image the previous boot fetched (file name, line, whether that boot was before the
    /// Universal Application Loader), for the next boot.
    fetched_before: Option<(u32, u64, bool)>,
}

impl Phone {
    /// The counts of name `key`, unless this phone's are full or `tallied`, the counts of
    /// every phone, reached [`MAX_TALLIED`].
    fn tally(&mut self, key: u32, tallied: &mut usize) -> Option<&mut Tally> {
        let full = self.tallies.len() >= MAX_TALLIES || *tallied >= MAX_TALLIED;
        match self.tallies.entry(key) {
            Entry::Occupied(kept) => Some(kept.into_mut()),
            Entry::Vacant(room) if !full => {
                *tallied += 1;
                Some(room.insert(Tally::default()))
            }
            Entry::Vacant(_) => None,
        }
    }

    fn new(client: Option<&str>, mac: Option<Mac>) -> Phone {
        Phone {
            client: client.map(str::to_string),
            mac,
            boots: VecDeque::new(),
            boots_total: 0,
            last_time: None,
            tallies: ByName::default(),
            run: Run::default(),
            fetched_before: None,
        }
    }
}

/// What the log shows about each server, for saying what it cannot show.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// Read requests (for dnsmasq, its lines about a transfer), tied to a phone or not.
    pub requests: u64,
    /// Lines recognised per server, by [`Source`] in the order of [`Source::ALL`].
    pub lines: [u64; Source::ALL.len()],
    pub hpa_requests: u64,
    /// tftpd-hpa's error answers (`sending NAK`, Red Hat's `Client ... File not found`).
    pub hpa_answers: u64,
    /// Red Hat's `Client ADDR finished NAME`: its log shows each transfer's end.
    pub hpa_finished: u64,
    /// tftpd-hpa lines about a transfer that name no request (no `-v`).
    pub hpa_unattributed: u64,
    pub atftpd_requests: u64,
    pub atftpd_outcomes: u64,
    pub busybox: u64,
    pub blobs: u64,
    /// Lines about a phone that name neither its address nor its MAC.
    pub unattributed: u64,
    /// Requests from phones past [`MAX_PHONES`], not followed.
    pub untracked: u64,
    pub dnsmasq_root: Option<String>,
    /// dnsmasq's "not found" answers: a name it logs has lost any control character.
    pub dnsmasq_not_found: u64,
    /// xinetd's `START: tftp` lines, and the first clients they name.
    pub xinetd_starts: u64,
    pub xinetd_clients: Vec<String>,
    /// xinetd's `FAIL: tftp` lines, the first one's reason, the first clients.
    pub xinetd_refused: u64,
    pub xinetd_refusal: Option<String>,
    pub xinetd_refused_clients: Vec<String>,
    /// A client asked again for a transfer the server was still answering (PumpKIN).
    pub retried: u64,
    /// Requests read by the fallback, from a server phoneup does not know.
    pub fallback_requests: u64,
    /// Lines cut short that no next line completed (a request with no file name).
    pub cut_short: u64,
    /// Requests that name neither an address nor a MAC, told as one phone's.
    pub anonymous: u64,
    /// Requests counted and not kept, past [`MAX_KEPT`].
    pub not_kept: u64,
}

impl Seen {
    /// Lines recognised from `source`.
    pub fn lines_of(&self, source: Source) -> u64 {
        self.lines[source as usize]
    }

    /// Lines recognised from any server.
    pub fn server_lines(&self) -> u64 {
        self.lines.iter().sum()
    }

    /// Whether a tftpd-hpa request with no answer logged was sent: its log shows the error
    /// answers (`-v -v`) and no transfer's end (Red Hat's build logs that, so there a request
    /// with no end did not finish).
    pub fn hpa_silence_is_sent(&self) -> bool {
        self.hpa_answers > 0 && self.hpa_finished == 0
    }

    fn count(&mut self, source: Source) {
        self.lines[source as usize] += 1;
    }
}

/// Everything the events told so far.
#[derive(Debug)]
pub struct Story {
    pub phones: Vec<Phone>,
    by_client: HashMap<String, usize>,
    /// The phones of addresses seen lately, before `by_client` is asked.
    recent_clients: Recent,
    by_mac: HashMap<Mac, usize>,
    pub names: Names,
    /// Requests waiting for a later line about them, by server.
    pending: [VecDeque<Pending>; Source::ALL.len()],
    tftpd32_connection: Option<(String, u16)>,
    /// The client xinetd last started `in.tftpd` for, and when.
    xinetd_start: Option<(String, Option<Time>)>,
    /// The phone of the requests that name neither an address nor a MAC.
    anonymous: Option<usize>,
    /// Requests kept in boots, of [`MAX_KEPT`].
    kept: usize,
    /// Texts of answers, kept once.
    pub texts: Texts,
    /// Counts kept, of [`MAX_TALLIED`].
    tallied: usize,
    pub seen: Seen,
    pub findings: Findings,
    root: Option<TftpRoot>,
    root_prefix: Option<String>,
}

impl Story {
    pub fn new(root: Option<TftpRoot>) -> Story {
        let root_prefix = root
            .as_ref()
            .and_then(|r| r.path.as_ref())
            .map(|p| p.to_string_lossy().trim_end_matches('/').to_string());
        Story {
            phones: Vec::new(),
            by_client: HashMap::new(),
            recent_clients: Recent::default(),
            by_mac: HashMap::new(),
            names: Names::default(),
            pending: Default::default(),
            tftpd32_connection: None,
            xinetd_start: None,
            anonymous: None,
            kept: 0,
            texts: Texts::default(),
            tallied: 0,
            seen: Seen::default(),
            findings: Findings::default(),
            root,
            root_prefix,
        }
    }

    /// Whether the user gave the TFTP root (`--tftp-root`).
    pub fn has_root(&self) -> bool {
        self.root.is_some()
    }

    /// Takes one parsed line.
    pub fn take(&mut self, parsed: &Parsed) {
        match parsed {
            Parsed::Event(event) => {
                self.seen.count(event.source);
                self.event(event);
            }
            Parsed::Info(info) => match *info {
                Info::Server(source) => self.seen.count(source),
                Info::Root(ref root) => {
                    self.seen.count(Source::Dnsmasq);
                    self.seen.dnsmasq_root = Some(root.trim_end_matches('/').to_string());
                }
                Info::Blob(source) => {
                    self.seen.count(source);
                    self.seen.blobs += 1;
                }
            },
            &Parsed::Incomplete(source) => {
                self.seen.count(source);
                self.seen.cut_short += 1;
            }
            Parsed::Unrecognised => {}
        }
    }

    /// The phone of address `client`.
    fn phone_of(&mut self, client: &str) -> Option<usize> {
        let hash = Recent::hash(client.as_bytes());
        if let Some(index) = self.recent_clients.get(hash) {
            let index = index as usize;
            if self.phones.get(index).and_then(|p| p.client.as_deref()) == Some(client) {
                return Some(index);
            }
        }
        let index = *self.by_client.get(client)?;
        self.recent_clients.set(hash, index as u32);
        Some(index)
    }

    /// The phone a request belongs to: by address, else by the MAC in its name.
    fn phone_for(&mut self, client: Option<&str>, mac: Option<Mac>) -> Option<usize> {
        if let Some(client) = client {
            if let Some(index) = self.phone_of(client) {
                match (self.phones[index].mac, mac) {
                    (Some(known), Some(mac)) if known != mac => {
                        // The address now belongs to another phone.
                        self.by_client.remove(client);
                        self.recent_clients.forget(Recent::hash(client.as_bytes()));
                    }
                    (None, Some(mac)) => {
                        self.phones[index].mac = Some(mac);
                        self.by_mac.entry(mac).or_insert(index);
                        return Some(index);
                    }
                    _ => return Some(index),
                }
            }
        } else if let Some(&index) = mac.and_then(|m| self.by_mac.get(&m)) {
            return Some(index);
        }
        let anonymous = client.is_none() && mac.is_none();
        if anonymous {
            self.seen.anonymous += 1;
            if let Some(index) = self.anonymous {
                return Some(index);
            }
        }
        if self.phones.len() >= MAX_PHONES {
            self.seen.untracked += 1;
            return None;
        }
        let index = self.phones.len();
        self.phones.push(Phone::new(client, mac));
        if let Some(client) = client {
            self.by_client.insert(client.to_string(), index);
            self.recent_clients
                .set(Recent::hash(client.as_bytes()), index as u32);
        }
        if let Some(mac) = mac {
            self.by_mac.entry(mac).or_insert(index);
        }
        if anonymous {
            self.anonymous = Some(index);
        }
        Some(index)
    }

    /// Adds a request for `file` from `client`; returns where it went.
    fn request(
        &mut self,
        event: &Event,
        client: Option<&str>,
        file: Option<&str>,
    ) -> Option<Pending> {
        let file = file?;
        if crate::logs::line::blank(file) {
            // A line cut short: a request names a file, or it is none.
            self.seen.cut_short += 1;
            return None;
        }
        self.seen.requests += 1;
        let bare = key(file);
        let file_key = self.names.id(bare);
        let file_id = if bare.len() == file.len() {
            file_key
        } else {
            self.names.id(file)
        };
        let name = self.names.name_of(file_id, file);
        let image = matches!(name, Name::Image { ext, .. } if ext.kind() == FirmwareKind::Image)
            && !has_cr_or_space(file);
        let client = client.map(|c| truncated(c, MAX_CLIENT));
        let index = self.phone_for(client, name.mac())?;
        let file = file_id;
        let phone = &mut self.phones[index];
        let quiet = match (&phone.last_time, &event.time) {
            (Some(before), Some(now)) => before.seconds_until(now),
            _ => None,
        };
        let new_boot = phone
            .boots
            .back()
            .is_none_or(|boot| boot.hunt.starts_boot(&name, quiet));
        if new_boot {
            self.close_boot(index);
            let phone = &mut self.phones[index];
            phone.boots_total += 1;
            // The oldest boot's room is used again, when there are enough (within reason: room
            // grows as requests come).
            let mut requests = match phone.boots.len() == MAX_BOOTS {
                true => phone.boots.pop_front().map(|b| b.requests),
                false => None,
            }
            .unwrap_or_default();
            self.kept -= requests.len();
            requests.clear();
            requests.shrink_to(16);
            phone.boots.push_back(Boot {
                number: phone.boots_total,
                first_line: event.line,
                last_line: event.line,
                start: event.time,
                hunt: Hunt::new(),
                requests,
                more: 0,
            });
        }
        let phone = &mut self.phones[index];
        if event.time.is_some() {
            phone.last_time = event.time;
        }
        let boot = phone.boots.back_mut().expect("a boot was just made");
        boot.hunt.push(&name);
        boot.last_line = event.line;
        let at = if boot.requests.len() < MAX_REQUESTS && self.kept < MAX_KEPT {
            self.kept += 1;
            boot.requests.push(Request {
                line: event.line,
                file,
                image,
                source: event.source,
                outcome: Answer::Requested,
                bytes: None,
            });
            Some(Pending {
                phone: index,
                boot: boot.number,
                index: boot.requests.len() - 1,
                key: file_key,
                pid: event.pid,
                sending: false,
            })
        } else {
            if boot.requests.len() < MAX_REQUESTS {
                self.seen.not_kept += 1;
            }
            boot.more += 1;
            None
        };
        if new_boot {
            self.check_new_boot(index, event.line);
        }
        self.check_request(index, file, file_key, &name, event);
        let at = at?;
        let queue = match event.source {
            Source::TftpdHpa if event.pid.is_none() => return Some(at),
            Source::Dnsmasq | Source::Busybox | Source::Xinetd | Source::Fallback => {
                return Some(at)
            }
            source => &mut self.pending[source as usize],
        };
        if queue.len() == MAX_PENDING {
            queue.pop_front();
        }
        queue.push_back(at.clone());
        Some(at)
    }

    /// Findings a request shows by itself: a name with a CR, TAB or space; a loop; an image
    /// asked for again after the last boot fetched it.
    fn check_request(
        &mut self,
        index: usize,
        file: u32,
        file_key: u32,
        name: &Name,
        event: &Event,
    ) {
        if self.names.odd(file) {
            let text = self.names.get(file);
            let boot = self.phones[index].boots.back().expect("a request's boot");
            let named_by = boot.named_by(boot.requests.len().saturating_sub(1), &self.names);
            self.findings.add(
                Kind::NameHasCrOrSpace,
                index,
                text,
                &[event.line],
                event.source,
                named_by.map_or(Context::None, Context::NamedBy),
            );
        }
        let phone = &mut self.phones[index];
        if phone.run.file == Some(file_key) {
            phone.run.count += 1;
        } else {
            phone.run.file = Some(file_key);
            phone.run.count = 1;
            phone.run.lines.clear();
        }
        phone.run.lines.push(event.line);
        if phone.run.count >= LOOP_AT {
            let lines = std::mem::take(&mut phone.run.lines);
            self.findings.add(
                Kind::RequestLoop,
                index,
                self.names.get(file),
                &lines,
                event.source,
                Context::None,
            );
        }
        // The same image again, in a boot of the same era as the one that fetched it (a
        // UAL boot fetching the loader a dual boot fetched before is the next stage).
        let phone = &self.phones[index];
        let boot = phone.boots.back().expect("a request's boot");
        if let (Name::Image { ext, .. }, Some((before, line, pre_ual))) =
            (name, phone.fetched_before)
        {
            let same_era = boot.hunt.has_start() && boot.hunt.shape().is_pre_ual() == pre_ual;
            if ext.kind() == FirmwareKind::Image && before == file && same_era {
                let lines = [line, event.line];
                self.findings.add(
                    Kind::ImageRefused,
                    index,
                    self.names.get(file),
                    &lines,
                    event.source,
                    Context::None,
                );
                // Once a boot: the next boot fetches it again.
                self.phones[index].fetched_before = None;
            }
        }
    }

    /// A new boot began: was the image the last boot fetched refused?
    fn check_new_boot(&mut self, index: usize, line: u64) {
        let phone = &self.phones[index];
        let Some((image, fetched_line, _)) = phone.fetched_before else {
            return;
        };
        let boot = phone.boots.back().expect("a new boot");
        if !boot.hunt.has_start() {
            return;
        }
        let era = boot.hunt.shape();
        // The load's era, worked out once for the name.
        let Some(ual_image) = self.names.ual_image(image) else {
            return;
        };
        let image = self.names.get(image);
        if recognise::took_image(ual_image, era) == Some(false) {
            let source = boot.requests.first().map_or(Source::TftpdHpa, |r| r.source);
            self.findings.add(
                Kind::ImageRefused,
                index,
                image,
                &[fetched_line, line],
                source,
                Context::None,
            );
            self.phones[index].fetched_before = None;
        }
    }

    /// The phone's current boot is over: remember the image it fetched, and whether the
    /// loader found nothing to load.
    fn close_boot(&mut self, index: usize) {
        let answers = self.seen.hpa_silence_is_sent();
        let phone = &mut self.phones[index];
        let Some(boot) = phone.boots.back() else {
            return;
        };
        let era = boot.hunt.shape();
        phone.fetched_before = boot
            .requests
            .iter()
            .rev()
            .find(|r| r.image && fetched(r, answers))
            .map(|r| (r.file, r.line, era.is_pre_ual()));
        if era == BootShape::Loader && !boot.requests.iter().any(|r| fetched(r, answers)) {
            let lines: Vec<u64> = boot.requests.iter().map(|r| r.line).collect();
            let source = boot.requests.first().map_or(Source::Atftpd, |r| r.source);
            self.findings.add(
                Kind::MissingFile,
                index,
                crate::files::xml_default_cnf_xml::FILE_NAME,
                &lines,
                source,
                Context::LoaderHunt,
            );
        }
    }

    /// A later line about a request.
    fn outcome(&mut self, at: &Pending, event: &Event) {
        let (texts, tallied) = (&mut self.texts, &mut self.tallied);
        let Some(phone) = self.phones.get_mut(at.phone) else {
            return;
        };
        // Most lines are about the latest boot: look from the back.
        let Some(boot) = phone.boots.iter_mut().rev().find(|b| b.number == at.boot) else {
            return;
        };
        let Some(request) = boot.requests.get_mut(at.index) else {
            return;
        };
        boot.last_line = boot.last_line.max(event.line);
        let outcome = &event.outcome;
        let Some(answer) = texts.answer(outcome) else {
            return;
        };
        let old = request.outcome;
        let replace = match answer {
            Answer::Ended => !old.is_final(),
            _ => !old.is_final() || matches!(answer, Answer::Failed { .. }),
        };
        if !replace {
            return;
        }
        request.outcome = answer;
        if event.bytes.is_some() {
            request.bytes = event.bytes;
        }
        let file = request.file;
        let lines = [request.line, event.line];
        let source = request.source;
        let bytes = request.bytes;
        if let Some(tally) = phone.tally(at.key, tallied) {
            match answer {
                Answer::NotFound => tally.not_found += 1,
                Answer::Refused { code, text } => tally.refused = Some((code, text)),
                Answer::Failed { .. } => tally.failed += 1,
                Answer::Sent => {
                    tally.sent += 1;
                    tally.sent_empty += u32::from(bytes == Some(0));
                }
                Answer::Ended => tally.ended += 1,
                Answer::Requested => {}
            }
        }
        let index = at.phone;
        match outcome {
            Outcome::NotFound => self.not_found(at, file, &lines, source),
            Outcome::Refused {
                code: code @ Some(_),
                text,
            } => self.findings.add(
                Kind::WrongErrorCode,
                index,
                self.names.get(file),
                &lines,
                source,
                Context::Error {
                    code: *code,
                    text: text.to_string(),
                },
            ),
            Outcome::Failed { why } => self.findings.add(
                Kind::TransferIncomplete,
                index,
                self.names.get(file),
                &lines,
                source,
                Context::Failure(why.to_string()),
            ),
            _ => {}
        }
    }

    /// A "not found": a name in the wrong case, a name that exists without its CR or space,
    /// or a missing file the phone needs.
    fn not_found(&mut self, at: &Pending, file: u32, lines: &[u64], source: Source) {
        let index = at.phone;
        if self.names.odd(file) {
            return; // Reported as the name, on the request.
        }
        let text = self.names.get(file);
        if let Some(root) = &self.root {
            if let Some(variant) = root.case_variant(text) {
                let context = Context::RootHas(variant.to_string());
                self.findings
                    .add(Kind::WrongCase, index, text, lines, source, context);
                return;
            }
            if root.contains(text) {
                // The server says it is missing, the root has it: the name the phone sent
                // differs in characters this log does not show (dnsmasq drops a CR).
                let context = Context::RootHas(text.to_string());
                self.findings
                    .add(Kind::NameHasCrOrSpace, index, text, lines, source, context);
                return;
            }
        }
        let needed = match self.names.name(file) {
            Name::Image { .. } => true,
            // Another model's load files; a missing trust list is as good as an empty one.
            Name::OtherPhone(other) => other.kind != OtherKind::TrustList,
            _ => false,
        };
        if needed {
            let named_by = self.phones[index]
                .boots
                .iter()
                .find(|b| b.number == at.boot)
                .and_then(|b| b.named_by(at.index, &self.names));
            let context = named_by.map_or(Context::None, Context::NamedBy);
            self.findings
                .add(Kind::MissingFile, index, text, lines, source, context);
        }
    }

    /// The input ended: close every open boot.
    pub fn finish(&mut self) {
        for index in 0..self.phones.len() {
            self.close_boot(index);
        }
    }
}

/// Whether a request got its file, as far as the log shows: the server logged it as sent
/// (or, for atftpd, as ended), or, for tftpd-hpa whose log shows its error answers, none came.
pub fn fetched(request: &Request, hpa_shows_answers: bool) -> bool {
    match request.outcome {
        Answer::Sent | Answer::Ended => true,
        Answer::Requested => request.source == Source::TftpdHpa && hpa_shows_answers,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
