//! Each phone's story from the events: lines tied to the request they are about (by process
//! for tftpd-hpa, by thread or name for atftpd, by name for dnsmasq and Tftpd32), requests
//! grouped by phone (its address, or the MAC in a name when a line has no address) and split
//! into boots with [`crate::phone::recognise`], and the findings as they appear. Memory is
//! bounded: a phone keeps its last [`MAX_BOOTS`] boots, a boot its first
//! [`MAX_REQUESTS`] requests, and at most [`MAX_PHONES`] phones are followed.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use crate::files::mac::Mac;
use crate::files::per_phone::PerPhoneFile;
use crate::knowledge::firmware::{FirmwareExt, FirmwareKind};
use crate::logs::event::{Event, Info, Outcome, Parsed, Pid, Source};
use crate::logs::findings::{Context, Findings, Kind};
use crate::logs::time::Time;
use crate::phone::recognise::{self, Era, Hunt, Name, Shape};
use crate::tftp_root::TftpRoot;

pub const MAX_PHONES: usize = 10_000;
pub const MAX_BOOTS: usize = 16;
pub const MAX_REQUESTS: usize = 256;
/// Requests waiting for a later line about them, per server.
const MAX_PENDING: usize = 1024;
/// Different names one phone's counts are kept for.
const MAX_TALLIES: usize = 512;
/// Names kept once and shared (a phone asks the same few names at every boot).
pub const MAX_NAMES: usize = 1 << 16;
/// Requests of one file in a row that make a loop: a phone asks a file once per boot, or two
/// or three times when it is missing (seed 002).
pub const LOOP_AT: u32 = 4;

/// The names phones asked for, each kept once and read once: a request holds its number.
/// Number 0 stands for any name past [`MAX_NAMES`].
#[derive(Debug)]
pub struct Names {
    list: Vec<Box<str>>,
    /// By number: what the name is, and whether it holds a CR, LF, TAB or space.
    facts: Vec<(Shape, bool)>,
    index: HashMap<Box<str>, u32>,
    /// Requests whose name was past [`MAX_NAMES`].
    pub overflow: u64,
}

impl Default for Names {
    fn default() -> Names {
        let mut names = Names {
            list: Vec::new(),
            facts: Vec::new(),
            index: HashMap::new(),
            overflow: 0,
        };
        names.keep("(one of too many names)");
        names
    }
}

impl Names {
    fn keep(&mut self, name: &str) -> u32 {
        let id = self.list.len() as u32;
        self.list.push(Box::from(name));
        self.facts.push((Shape::of(name), has_cr_or_space(name)));
        id
    }

    /// The number of `name`, given one if it has none.
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        if self.list.len() >= MAX_NAMES {
            self.overflow += 1;
            return 0;
        }
        let id = self.keep(name);
        self.index.insert(Box::from(name), id);
        id
    }

    /// The number of `name`, if it has one.
    pub fn find(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    pub fn get(&self, id: u32) -> &str {
        self.list.get(id as usize).map_or("", |n| n)
    }

    /// What name `id` is, as [`Name::of`] says, without reading it again.
    pub fn name(&self, id: u32) -> Name<'_> {
        self.name_of(id, self.get(id))
    }

    /// The same for `text`, which is name `id` as a request gave it (read again when `id` is
    /// 0, one of too many names).
    pub fn name_of<'a>(&self, id: u32, text: &'a str) -> Name<'a> {
        match self.facts.get(id as usize) {
            Some((shape, _)) if id != 0 => shape.name(text),
            _ => Name::of(text),
        }
    }

    /// Whether name `id` holds a CR, LF, TAB or space ([`has_cr_or_space`]).
    pub fn odd(&self, id: u32) -> bool {
        self.facts.get(id as usize).is_some_and(|&(_, odd)| odd)
    }
}

/// Hashes a name's number: numbers are given out in order, never chosen by a log line, so a
/// multiplication spreads them and no log can make them collide (names themselves, which a
/// log chooses, keep the standard keyed hash).
#[derive(Debug, Clone, Copy, Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A map by name number.
pub type ByName<V> = HashMap<u32, V, BuildHasherDefault<IdHasher>>;

/// One request and what became of it.
#[derive(Debug, Clone)]
pub struct Request {
    pub line: u64,
    /// The name, by its number in [`Names`].
    pub file: u32,
    /// An image a phone installs (`.bin`, `.sbn`, `.sb2`) whose name holds no CR or space.
    pub image: bool,
    pub source: Source,
    pub outcome: Outcome,
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
                );
                names_a_load
                    && matches!(
                        r.outcome,
                        Outcome::Requested | Outcome::Sent | Outcome::Ended
                    )
            })
            .map(|r| names.get(r.file).to_string())
    }
}

/// Counts of what one file's requests got, for one phone.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub not_found: u32,
    pub refused: Option<(Option<u16>, String)>,
    pub failed: u32,
    pub sent: u32,
    pub sent_empty: u32,
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

/// Where a request is: phone, boot number, index in the boot; and the name lines match.
#[derive(Debug, Clone)]
struct Pending {
    phone: usize,
    boot: u64,
    index: usize,
    key: u32,
    pid: Option<Pid>,
}

/// What the log shows about each server, for saying what it cannot show.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// Read requests (for dnsmasq, its lines about a transfer), tied to a phone or not.
    pub requests: u64,
    /// Lines recognised per server, by [`Source`] in the order of [`Source::ALL`].
    pub lines: [u64; Source::ALL.len()],
    pub hpa_requests: u64,
    pub hpa_answers: u64,
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

    fn count(&mut self, source: Source) {
        self.lines[source as usize] += 1;
    }
}

/// Everything the events told so far.
#[derive(Debug)]
pub struct Story {
    pub phones: Vec<Phone>,
    by_client: HashMap<String, usize>,
    by_mac: HashMap<Mac, usize>,
    pub names: Names,
    hpa: VecDeque<Pending>,
    atftpd: VecDeque<Pending>,
    tftpd32: VecDeque<Pending>,
    tftpd32_connection: Option<(String, u16)>,
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
            by_mac: HashMap::new(),
            names: Names::default(),
            hpa: VecDeque::new(),
            atftpd: VecDeque::new(),
            tftpd32: VecDeque::new(),
            tftpd32_connection: None,
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
    pub fn take(&mut self, parsed: Parsed) {
        match parsed {
            Parsed::Event(event) => {
                self.seen.count(event.source);
                self.event(event);
            }
            Parsed::Info(info) => match info {
                Info::Server(source) => self.seen.count(source),
                Info::Root(root) => {
                    self.seen.count(Source::Dnsmasq);
                    self.seen.dnsmasq_root = Some(root.trim_end_matches('/').to_string());
                }
                Info::Blob(source) => {
                    self.seen.count(source);
                    self.seen.blobs += 1;
                }
            },
            Parsed::Unrecognised => {}
        }
    }

    fn event(&mut self, event: Event) {
        let source = event.source;
        let file = event.file.as_deref();
        match (source, &event.outcome) {
            (Source::Busybox, _) => self.seen.busybox += 1,
            (Source::Tftpd32, Outcome::Requested) => {
                let connection = self.tftpd32_connection.clone();
                let client = connection.as_ref().map(|(c, _)| c.as_str());
                self.request(&event, client, file);
            }
            (_, Outcome::Requested) => {
                match source {
                    Source::TftpdHpa => self.seen.hpa_requests += 1,
                    Source::Atftpd => self.seen.atftpd_requests += 1,
                    _ => {}
                }
                self.request(&event, event.client.as_deref(), file);
            }
            (Source::Tftpd32, Outcome::Connected) => {
                if let (Some(client), Some(port)) = (&event.client, event.port) {
                    self.tftpd32_connection = Some((client.to_string(), port));
                }
            }
            (Source::Dnsmasq, outcome) => {
                // One line a transfer, written when it ends: the request and its outcome.
                let Some(path) = file else {
                    return;
                };
                if !matches!(outcome, Outcome::ClientError { .. }) {
                    if *outcome == Outcome::NotFound {
                        self.seen.dnsmasq_not_found += 1;
                    }
                    let name = self.strip_root(path, true);
                    if let Some(at) = self.request(&event, event.client.as_deref(), Some(name)) {
                        self.outcome(&at, &event);
                    }
                }
            }
            (Source::TftpdHpa, outcome) => {
                if matches!(outcome, Outcome::NotFound | Outcome::Refused { .. }) {
                    self.seen.hpa_answers += 1;
                }
                let pid = event.pid.map(|p| p.pid);
                match self.hpa.iter().rev().find(|p| p.pid.map(|p| p.pid) == pid) {
                    Some(at) => {
                        let at = at.clone();
                        self.outcome(&at, &event);
                    }
                    None => self.hpa_unattributed(&event),
                }
            }
            (Source::Atftpd, outcome) => {
                if !matches!(outcome, Outcome::Resent) {
                    self.seen.atftpd_outcomes += 1;
                }
                let name = file.map(|path| self.strip_root(path, false));
                match self.find_atftpd(&event, name) {
                    Some(at) => self.outcome(&at, &event),
                    None => self.seen.unattributed += 1,
                }
            }
            (Source::Tftpd32, _) => {
                let found = self
                    .tftpd32
                    .iter()
                    .rev()
                    .find(|p| file.is_none_or(|f| key(f) == self.names.get(p.key)))
                    .cloned();
                match found {
                    Some(at) => self.outcome(&at, &event),
                    None => self.seen.unattributed += 1,
                }
            }
        }
    }

    /// A tftpd-hpa line that follows no request line of its process (no `-v`, or a refusal
    /// tftpd-hpa writes before any request line, as for an unknown mode).
    fn hpa_unattributed(&mut self, event: &Event) {
        self.seen.hpa_unattributed += 1;
        if let Outcome::Refused { code, text } = &event.outcome {
            if let Some(&phone) = event.client.as_deref().and_then(|c| self.by_client.get(c)) {
                self.findings.add(
                    Kind::WrongErrorCode,
                    phone,
                    "",
                    &[event.line],
                    event.source,
                    Context::Error {
                        code: *code,
                        text: text.clone(),
                    },
                );
            }
        }
    }

    /// The name as the phone asked for it, from a path a server logged with its root in front.
    fn strip_root<'p>(&self, path: &'p str, dnsmasq: bool) -> &'p str {
        let prefixes = [
            dnsmasq
                .then_some(self.seen.dnsmasq_root.as_deref())
                .flatten(),
            self.root_prefix.as_deref(),
        ];
        for prefix in prefixes.into_iter().flatten() {
            if let Some(rest) = path.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) {
                return rest;
            }
        }
        key(path)
    }

    fn find_atftpd(&self, event: &Event, name: Option<&str>) -> Option<Pending> {
        let phone = event
            .client
            .as_deref()
            .and_then(|c| self.by_client.get(c).copied());
        let same_process = |p: &Pending| match (p.pid, event.pid) {
            (Some(a), Some(b)) => a.pid == b.pid && (b.thread.is_none() || a.thread == b.thread),
            _ => true,
        };
        let matching = |p: &&Pending| {
            same_process(p)
                && name.is_none_or(|f| key(f) == self.names.get(p.key))
                && (event.client.is_none() || phone == Some(p.phone))
        };
        // Without a thread id, lines that name neither file nor client go to the latest
        // transfer still open.
        self.atftpd
            .iter()
            .rev()
            .filter(matching)
            .find(|p| self.request_at(p).is_some_and(|r| !r.outcome.is_final()))
            .or_else(|| self.atftpd.iter().rev().find(matching))
            .cloned()
    }

    fn request_at(&self, at: &Pending) -> Option<&Request> {
        self.phones
            .get(at.phone)?
            .boots
            .iter()
            .rev()
            .find(|b| b.number == at.boot)?
            .requests
            .get(at.index)
    }

    /// The phone a request belongs to: by address, else by the MAC in its name.
    fn phone_for(&mut self, client: Option<&str>, mac: Option<Mac>) -> Option<usize> {
        if let Some(client) = client {
            if let Some(&index) = self.by_client.get(client) {
                match (self.phones[index].mac, mac) {
                    (Some(known), Some(mac)) if known != mac => {
                        // The address now belongs to another phone.
                        self.by_client.remove(client);
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
        if client.is_none() && mac.is_none() {
            self.seen.unattributed += 1;
            return None;
        }
        if self.phones.len() >= MAX_PHONES {
            self.seen.untracked += 1;
            return None;
        }
        let index = self.phones.len();
        self.phones.push(Phone::new(client, mac));
        if let Some(client) = client {
            self.by_client.insert(client.to_string(), index);
        }
        if let Some(mac) = mac {
            self.by_mac.entry(mac).or_insert(index);
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
            // The oldest boot's room is used again, when there are enough.
            let mut requests = match phone.boots.len() == MAX_BOOTS {
                true => phone.boots.pop_front().map(|b| b.requests),
                false => None,
            }
            .unwrap_or_else(|| Vec::with_capacity(16));
            requests.clear();
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
        let at = if boot.requests.len() < MAX_REQUESTS {
            boot.requests.push(Request {
                line: event.line,
                file,
                image,
                source: event.source,
                outcome: Outcome::Requested,
                bytes: None,
            });
            Some(Pending {
                phone: index,
                boot: boot.number,
                index: boot.requests.len() - 1,
                key: file_key,
                pid: event.pid,
            })
        } else {
            boot.more += 1;
            None
        };
        if new_boot {
            self.check_new_boot(index, event.line);
        }
        self.check_request(index, file, file_key, &name, event);
        let at = at?;
        let queue = match event.source {
            Source::TftpdHpa if event.pid.is_some() => &mut self.hpa,
            Source::Atftpd => &mut self.atftpd,
            Source::Tftpd32 => &mut self.tftpd32,
            _ => return Some(at),
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
            let same_era = boot.hunt.has_start() && boot.hunt.era().is_pre_ual() == pre_ual;
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
        let era = boot.hunt.era();
        let stem = match self.names.name(image) {
            Name::Image { load, .. } => Some(load),
            _ => None,
        };
        let image = self.names.get(image);
        let Some(load) = stem.and_then(recognise::image_load) else {
            return;
        };
        if recognise::took_image(&load, era) == Some(false) {
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
        let answers = self.seen.hpa_answers > 0;
        let phone = &mut self.phones[index];
        let Some(boot) = phone.boots.back() else {
            return;
        };
        let era = boot.hunt.era();
        phone.fetched_before = boot
            .requests
            .iter()
            .rev()
            .find(|r| r.image && fetched(r, answers))
            .map(|r| (r.file, r.line, era.is_pre_ual()));
        if era == Era::Loader && !boot.requests.iter().any(|r| fetched(r, answers)) {
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
        let replace = match (&request.outcome, outcome) {
            (_, Outcome::Resent | Outcome::ClientError { .. } | Outcome::Connected) => false,
            (old, Outcome::Ended) => !old.is_final(),
            (old, _) => !old.is_final() || matches!(outcome, Outcome::Failed { .. }),
        };
        if !replace {
            return;
        }
        request.outcome = outcome.clone();
        if event.bytes.is_some() {
            request.bytes = event.bytes;
        }
        let file = request.file;
        let lines = [request.line, event.line];
        let source = request.source;
        let bytes = request.bytes;
        let tally_full = phone.tallies.len() >= MAX_TALLIES;
        let tally = match phone.tallies.get_mut(&at.key) {
            Some(t) => Some(t),
            None if !tally_full => Some(phone.tallies.entry(at.key).or_default()),
            None => None,
        };
        if let Some(tally) = tally {
            match outcome {
                Outcome::NotFound => tally.not_found += 1,
                Outcome::Refused { code, text } => tally.refused = Some((*code, text.clone())),
                Outcome::Failed { .. } => tally.failed += 1,
                Outcome::Sent => {
                    tally.sent += 1;
                    tally.sent_empty += u32::from(bytes == Some(0));
                }
                _ => {}
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
                    text: text.clone(),
                },
            ),
            Outcome::Failed { why } => self.findings.add(
                Kind::TransferIncomplete,
                index,
                self.names.get(file),
                &lines,
                source,
                Context::Failure(why.clone()),
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
        if matches!(self.names.name(file), Name::Image { .. }) {
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
    match &request.outcome {
        Outcome::Sent | Outcome::Ended => true,
        Outcome::Requested => request.source == Source::TftpdHpa && hpa_shows_answers,
        _ => false,
    }
}

/// The name without a directory: what matches across a server's lines.
pub fn key(name: &str) -> &str {
    // A name is short: a plain loop beats a searcher here.
    match name.bytes().rposition(|b| b == b'/') {
        Some(slash) => &name[slash + 1..],
        None => name,
    }
}

/// A CR, LF, TAB or space anywhere in a name: no name a phone needs has one.
pub fn has_cr_or_space(name: &str) -> bool {
    name.bytes()
        .any(|b| matches!(b, b'\r' | b'\n' | b'\t' | b' '))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::line;

    fn story(lines: &[&str]) -> Story {
        let mut story = Story::new(None);
        for (n, text) in lines.iter().enumerate() {
            story.take(line::parse(text.as_bytes(), n as u64 + 1));
        }
        story.finish();
        story
    }

    fn kinds(story: &Story) -> Vec<(Kind, String, u64)> {
        let mut kinds: Vec<_> = story
            .findings
            .list
            .iter()
            .map(|f| (f.kind, f.file.clone(), f.count))
            .collect();
        kinds.sort();
        kinds
    }

    fn sent(file: &str) -> String {
        format!("Nov 21 10:00:00 h dnsmasq-tftp[1]: sent /srv/tftp/{file} to 127.0.0.1")
    }

    #[test]
    fn names_are_kept_once_with_what_they_are() {
        let mut names = Names::default();
        let id = names.id("P0S3-08-11-00.loads");
        assert_eq!(names.id("P0S3-08-11-00.loads"), id);
        assert_eq!(
            names.name(id),
            Name::Image {
                load: "P0S3-08-11-00",
                ext: FirmwareExt::Loads
            }
        );
        let odd = names.id("P0S3-06-3-00\r.bin");
        assert!(names.odd(odd) && !names.odd(id));
        // Number 0, one of too many names, is read from the text given.
        assert_eq!(names.name_of(0, "OS79XX.TXT"), Name::Os79xx);
        let mut by_name = ByName::default();
        by_name.insert(id, 1);
        by_name.insert(odd, 2);
        assert_eq!((by_name[&id], by_name[&odd]), (1, 2));
        let hash = |bytes: &[u8]| {
            let mut hasher = IdHasher::default();
            hasher.write(bytes);
            hasher.finish()
        };
        assert_ne!(hash(b"ab"), hash(b"ba"));
    }

    #[test]
    fn a_line_naming_no_transfer_goes_to_the_one_still_open() {
        // atftpd without thread ids: the second phone's file is not found, then a transfer
        // ends: the first phone's, the only one still open.
        let s = story(&[
            "Nov 21 10:00:00 h atftpd[35]: Serving OS79XX.TXT to 127.0.0.13:40860",
            "Nov 21 10:00:00 h atftpd[35]: Serving CTLSEP0018B9000004.tlv to 127.0.0.14:38250",
            "Nov 21 10:00:00 h atftpd[35]: File /srv/tftp/CTLSEP0018B9000004.tlv not found",
            "Nov 21 10:00:00 h atftpd[35]: End of transfer",
        ]);
        let mut outcomes: Vec<(u64, Outcome)> = s
            .phones
            .iter()
            .flat_map(|p| p.boots.iter().flat_map(|b| b.requests.iter()))
            .map(|r| (r.line, r.outcome.clone()))
            .collect();
        outcomes.sort_by_key(|(line, _)| *line);
        assert_eq!(
            outcomes,
            [(1, Outcome::Ended), (2, Outcome::NotFound)],
            "{outcomes:?}"
        );
    }

    #[test]
    fn each_server_counts_its_own_lines() {
        let mut seen = Seen::default();
        for (n, &source) in Source::ALL.iter().enumerate() {
            assert_eq!(source as usize, n);
            for _ in 0..=n {
                seen.count(source);
            }
        }
        assert_eq!(seen.lines_of(Source::Busybox), 5);
        assert_eq!(seen.server_lines(), 15);
    }

    #[test]
    fn an_old_image_refuses_a_ual_era_image() {
        // Seed 003: SCCP 3.x pointed at P0S3-07-4-00 fetched it and came back as before.
        let lines: Vec<String> = [
            "OS79XX.TXT",
            "P0S3-07-4-00.bin",
            "OS79XX.TXT",
            "P0S3-07-4-00.bin",
        ]
        .iter()
        .map(|f| sent(f))
        .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let s = story(&refs);
        assert_eq!(
            kinds(&s),
            vec![(Kind::ImageRefused, "P0S3-07-4-00.bin".into(), 1)]
        );
    }

    #[test]
    fn the_same_image_again_at_the_next_boot_of_the_same_era_was_refused() {
        let lines: Vec<String> = [
            "OS79XX.TXT",
            "P0S3-05-3-00.sbn",
            "OS79XX.TXT",
            "P0S3-05-3-00.sbn",
        ]
        .iter()
        .map(|f| sent(f))
        .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(
            kinds(&story(&refs)),
            vec![(Kind::ImageRefused, "P0S3-05-3-00.sbn".into(), 1)]
        );
    }

    #[test]
    fn the_loader_fetched_again_by_its_own_hunt_is_the_next_stage_not_a_refusal() {
        let files = [
            "OS79XX.TXT",
            "P003-08-11-00.sbn",
            "CTLSEP0018B9000001.tlv",
            "XMLDefault.cnf.xml",
            "P0S3-08-11-00.loads",
            "P003-08-11-00.sbn",
            "P0S3-08-11-00.sb2",
        ];
        let lines: Vec<String> = files.iter().map(|f| sent(f)).collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(kinds(&story(&refs)), vec![]);
    }

    #[test]
    fn an_empty_trust_list_fetched_again_and_again() {
        let mut lines = Vec::new();
        for n in 0..5 {
            lines.push(format!(
                "Connection received from 127.0.0.1 on port {} [25/07 00:41:3{n}.672]",
                50000 + n
            ));
            lines.push(format!(
                "Read request for file <CTLSEP0018B9000001.tlv>. Mode octet [25/07 00:41:3{n}.672]"
            ));
            lines.push(format!("<CTLSEP0018B9000001.tlv>: sent 1 blk, 0 bytes in 0 s. 0 blk resent [25/07 00:41:3{n}.700]"));
        }
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let s = story(&refs);
        assert_eq!(
            kinds(&s),
            vec![(Kind::RequestLoop, "CTLSEP0018B9000001.tlv".into(), 5)]
        );
        let id = s.names.find("CTLSEP0018B9000001.tlv").unwrap();
        assert_eq!(s.phones[0].tallies[&id].sent_empty, 5);
    }

    #[test]
    fn a_refusal_with_no_request_line_is_still_the_phones() {
        let s = story(&[
            "Nov 21 09:27:15 vm in.tftpd[1]: RRQ from 127.0.0.1 filename OS79XX.TXT",
            "Nov 21 09:27:16 vm in.tftpd[2]: sending NAK (4, Unknown mode) to 127.0.0.1",
        ]);
        assert_eq!(kinds(&s), vec![(Kind::WrongErrorCode, String::new(), 1)]);
    }

    #[test]
    fn a_mac_changes_hands_a_new_phone_begins() {
        let s = story(&[
            "Nov 21 09:27:15 vm in.tftpd[1]: RRQ from 127.0.0.1 filename CTLSEP0018B9000001.tlv",
            "Nov 21 09:28:15 vm in.tftpd[2]: RRQ from 127.0.0.1 filename CTLSEP0018B9000009.tlv",
        ]);
        assert_eq!(s.phones.len(), 2);
        assert_eq!(s.phones[1].mac, "0018B9000009".parse().ok());
    }

    #[test]
    fn a_long_quiet_starts_a_new_boot_and_memory_is_bounded() {
        let mut lines = Vec::new();
        for n in 0..100u32 {
            lines.push(format!(
                "Nov 21 {:02}:{:02}:00 vm in.tftpd[{n}]: RRQ from 127.0.0.1 filename SIPDefault.cnf",
                n / 60,
                n % 60
            ));
        }
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let s = story(&refs);
        assert_eq!(s.phones[0].boots_total, 100);
        assert_eq!(s.phones[0].boots.len(), MAX_BOOTS);
    }
}
