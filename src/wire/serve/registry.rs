//! The phones serve walks: who is managed (`--phones`, `--phones-file`, `--all`), which MAC a
//! client has, each phone's placement, state and history, the answer to every request, the
//! events, and the state file that lets a restarted serve resume.
//!
//! A client is recognised by the MAC in the per-phone names it asks for, else the kernel's
//! neighbour table, else `--leases`, else the MAC its address last showed. A client whose MAC is
//! not managed, or unknown, gets the directory exactly as it is (with `--all`, an unknown MAC
//! gets nothing that names a load until serve knows it).
//!
//! May use: [`crate::wire::serve`]'s `answers`, `placement`, `neighbours`, `files`, `events`,
//! `state`, and [`crate::knowledge`].

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc::Sender;

use serde::{Deserialize, Serialize};

use crate::wire::serve::answers::{self, Directive, Managed};
use crate::wire::serve::events::{now_ms, Event, Kind, Message, Row, State};
use crate::wire::serve::files::{relative_name, Dir, Lookup};
use crate::wire::serve::neighbours;
use crate::wire::serve::placement::{
    self, describe, is_image, Knowledge, Logged, Placement, Proposal, Reply, Settled, Shown,
    MAX_FRUITLESS,
};
use crate::wire::serve::state;
use crate::wire::transfer::Failure;

/// A file asked for this many times in a row is a loop.
pub const REPEATS: u32 = 4;
/// A phone quiet this long has ended its boot (longer than the ~22 s a UAL-era SIP application
/// is silent after its `.loads`, seed 003).
pub const QUIET_MS: u64 = 30_000;
/// Transfers failing in a row before a phone is stuck on a blocked data port.
pub const FAILURES: u32 = 3;

/// A managed phone's own target and running-load hint, when the phones file gives them.
pub type Wanted = (Option<String>, Option<String>);

/// Which phones serve walks, and to which load.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    /// MAC -> (target, running-load hint).
    pub phones: BTreeMap<String, Wanted>,
    /// Every phone.
    pub all: bool,
    /// The target of `--to`.
    pub target: String,
}

impl Roster {
    fn target_of(&self, mac: &str) -> Option<(String, Option<String>)> {
        match self.phones.get(mac) {
            Some((target, hint)) => Some((
                target.clone().unwrap_or_else(|| self.target.clone()),
                hint.clone(),
            )),
            None if self.all => Some((self.target.clone(), None)),
            None => None,
        }
    }
}

/// One record of a phone's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRecord {
    pub from: String,
    pub to: String,
    pub rule: String,
    pub time_ms: u64,
}

/// Everything serve keeps about one managed phone (the state file holds these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    pub mac: String,
    pub target: String,
    pub address: Option<String>,
    pub state: State,
    pub why: Option<String>,
    pub placement: Placement,
    pub history: Vec<StageRecord>,
    pub last_seen_ms: u64,
    #[serde(default)]
    pub placed_reported: Option<String>,
    /// It ran its target once (`phone_done`): any other load it shows later is one it left.
    #[serde(default)]
    pub reached: bool,
    /// The reboots of its whole plan, as last known (at its last `stage_done` or `phone_done`).
    #[serde(default)]
    pub stages: Option<usize>,
    #[serde(skip)]
    repeat: (String, u32),
    #[serde(skip)]
    failures: u32,
    #[serde(skip)]
    transfer: Option<(String, u64, Option<u64>)>,
}

/// What to send for a request.
#[derive(Debug)]
pub enum Serve {
    /// Bytes serve made (a managed file).
    Bytes(Vec<u8>),
    /// The directory's file.
    File(File),
    /// TFTP error 1.
    NotFound,
    /// TFTP error 2, with the reason for the log.
    Refused(String),
}

/// Who a transfer is for, to report its end.
#[derive(Debug, Clone)]
pub struct Tag {
    pub mac: Option<String>,
    pub managed: bool,
    pub file: String,
    pub address: SocketAddr,
}

pub struct Registry<'m> {
    pub knowledge: Knowledge<'m>,
    pub dir: Dir,
    pub roster: Roster,
    pub leases: Option<PathBuf>,
    pub phones: BTreeMap<String, Phone>,
    by_ip: HashMap<IpAddr, String>,
    pub state_path: Option<PathBuf>,
    tx: Sender<Message>,
    /// A phone that has not asked for anything for this long while it should be is stuck.
    pub stuck_after_ms: u64,
    /// Why the answer being sent is what it is, for its event.
    note: Option<String>,
}

impl<'m> Registry<'m> {
    pub fn new(
        knowledge: Knowledge<'m>,
        dir: Dir,
        roster: Roster,
        tx: Sender<Message>,
    ) -> Registry<'m> {
        Registry {
            knowledge,
            dir,
            roster,
            leases: None,
            phones: BTreeMap::new(),
            by_ip: HashMap::new(),
            state_path: None,
            tx,
            stuck_after_ms: 600_000,
            note: None,
        }
    }

    /// Resumes every phone a state file holds.
    pub fn resume(&mut self, phones: BTreeMap<String, Phone>) {
        for (mac, phone) in phones {
            if let Some(address) = phone
                .address
                .as_ref()
                .and_then(|a| a.parse::<SocketAddr>().ok())
            {
                self.by_ip.insert(address.ip(), mac.clone());
            }
            self.phones.insert(mac, phone);
        }
        let macs: Vec<String> = self.phones.keys().cloned().collect();
        for mac in macs {
            self.show(&mac);
        }
    }

    fn emit(&self, event: Event) {
        let _ = self.tx.send(Message::Event(event));
    }

    fn save(&self) {
        if let Some(path) = &self.state_path {
            if let Err(error) = state::save(path, &self.dir, &self.phones) {
                self.emit(Event::new(Kind::Stuck, None, "-", false).why(format!(
                    "cannot write the state file {}: {error}",
                    path.display()
                )));
            }
        }
    }

    /// Sends a phone's row to the view.
    fn show(&self, mac: &str) {
        let Some(phone) = self.phones.get(mac) else {
            return;
        };
        let (stage, _) = self.stage_of(phone);
        let _ = self.tx.send(Message::Row(Row {
            mac: mac.to_string(),
            address: phone.address.clone().unwrap_or_else(|| "-".into()),
            model: None,
            running: describe(phone.placement.possible()),
            stage,
            file: phone.transfer.clone(),
            state: phone.state,
            last_seen_ms: phone.last_seen_ms,
            why: phone.why.clone(),
        }));
    }

    /// "2 of 3" for a placed phone; what is known otherwise.
    fn stage_of(&self, phone: &Phone) -> (String, Option<(usize, usize)>) {
        let done = phone.history.len();
        if phone.state == State::Done {
            return (format!("{done} of {done}"), Some((done, done)));
        }
        if let (State::Failed, Some(stages)) = (phone.state, phone.stages) {
            // Held where it failed: the plan it was walking, not one from where it came back.
            let at = (done + usize::from(!phone.reached)).min(stages);
            return (format!("{at} of {stages}"), Some((at, stages)));
        }
        // The plan's length, when every load it may run has the same.
        let lengths: Vec<usize> = phone
            .placement
            .possible()
            .iter()
            .map(|c| match self.knowledge.proposal(c, &phone.target) {
                Proposal::Stage { stages, .. } => stages,
                _ => usize::MAX,
            })
            .collect();
        let lead = if !lengths.is_empty() && lengths.iter().all(|n| *n == lengths[0]) {
            phone.placement.possible().first().cloned()
        } else {
            phone.placement.expected.clone()
        };
        match lead.map(|l| self.knowledge.proposal(&l, &phone.target)) {
            Some(Proposal::Stage { stages, .. }) => (
                format!("{} of {}", done + 1, done + stages),
                Some((done + 1, done + stages)),
            ),
            Some(Proposal::Done { .. }) => (format!("{done} of {done}"), Some((done, done))),
            Some(Proposal::NoPath { .. }) => ("no path".into(), None),
            None => (format!("{} of ?", done + 1), None),
        }
    }

    /// The MAC of a client, from the name it asks for, the neighbour table, the leases or what
    /// its address showed before.
    fn mac_of(&mut self, ip: IpAddr, name: &str) -> Option<String> {
        if let Some(mac) = neighbours::mac_in_name(name) {
            self.by_ip.insert(ip, mac.clone());
            return Some(mac);
        }
        let found = neighbours::neighbour(ip)
            .or_else(|| self.leases.as_ref().and_then(|p| neighbours::lease(p, ip)));
        if let Some(mac) = found {
            self.by_ip.insert(ip, mac.clone());
            return Some(mac);
        }
        self.by_ip.get(&ip).cloned()
    }

    /// Answers a read request.
    pub fn read(&mut self, from: SocketAddr, requested: &str) -> (Serve, Tag) {
        let name = relative_name(&self.dir.canonical, requested)
            .unwrap_or(requested)
            .to_string();
        let mac = self.mac_of(from.ip(), &name);
        let managed = mac
            .as_deref()
            .and_then(|m| self.roster.target_of(m).map(|t| (m.to_string(), t)));
        let tag = Tag {
            mac: mac.clone(),
            managed: managed.is_some(),
            file: name.clone(),
            address: from,
        };
        self.emit(Event::new(Kind::Request, mac.as_deref(), from, tag.managed).file(requested));
        self.note = None;
        let serve = match managed {
            Some((mac, (target, hint))) => {
                self.read_managed(from, &mac, target, hint, requested, &name)
            }
            None if self.roster.all && Managed::of(&name, "").is_some() => {
                self.note = Some("--all: serve does not know this client's MAC yet, and serves nothing that names a load until it does (give --leases)".into());
                Serve::NotFound
            }
            None => self.as_in_dir(requested).0,
        };
        match &serve {
            Serve::NotFound => {
                let mut event = Event::new(Kind::NotFound, tag.mac.as_deref(), from, tag.managed)
                    .file(requested);
                event.why = self.note.take();
                self.emit(event);
            }
            Serve::Refused(why) => self.emit(
                Event::new(Kind::Refused, tag.mac.as_deref(), from, tag.managed)
                    .file(requested)
                    .why(why.clone()),
            ),
            _ => {}
        }
        (serve, tag)
    }

    /// The directory's file as it is, and what the phone model needs to know of it.
    fn as_in_dir(&self, requested: &str) -> (Serve, Logged) {
        let name = relative_name(&self.dir.canonical, requested).unwrap_or(requested);
        match self.dir.lookup(requested) {
            Lookup::Found { mut file, .. } => {
                let size = file.metadata().map(|m| m.len()).unwrap_or(0);
                let text = if !is_image(name) || name.ends_with(".loads") {
                    let mut bytes = Vec::new();
                    if size <= 1 << 20 && (&mut file).take(1 << 20).read_to_end(&mut bytes).is_ok()
                    {
                        use std::io::{Seek, SeekFrom};
                        let _ = file.seek(SeekFrom::Start(0));
                        Some(String::from_utf8_lossy(&bytes).into_owned())
                    } else {
                        None
                    }
                } else {
                    None
                };
                (
                    Serve::File(file),
                    Logged {
                        name: name.to_string(),
                        found: true,
                        size,
                        text,
                    },
                )
            }
            Lookup::Missing { .. } => (Serve::NotFound, missing(name)),
            Lookup::Refused { why } => (Serve::Refused(why), missing(name)),
        }
    }

    fn read_managed(
        &mut self,
        from: SocketAddr,
        mac: &str,
        target: String,
        hint: Option<String>,
        requested: &str,
        name: &str,
    ) -> Serve {
        let now = now_ms();
        if !self.phones.contains_key(mac) {
            let candidates = match hint.filter(|h| self.knowledge.matrix.by_name(h).is_some()) {
                Some(hint) => vec![hint],
                None => self.knowledge.universe(),
            };
            self.phones.insert(
                mac.to_string(),
                Phone {
                    mac: mac.to_string(),
                    target: target.clone(),
                    address: None,
                    state: State::Waiting,
                    why: None,
                    placement: Placement::new(candidates),
                    history: Vec::new(),
                    last_seen_ms: now,
                    placed_reported: None,
                    reached: false,
                    stages: None,
                    repeat: (String::new(), 0),
                    failures: 0,
                    transfer: None,
                },
            );
        }
        let mut phone = self.phones.remove(mac).expect("inserted above");
        phone.address = Some(from.to_string());
        phone.last_seen_ms = now;
        if phone.state == State::Rebooting || phone.state == State::Stuck {
            phone.state = State::Waiting;
            phone.why = None;
        }
        // Loops: the same file again and again.
        if phone.repeat.0 == name {
            phone.repeat.1 += 1;
        } else {
            phone.repeat = (name.to_string(), 1);
        }
        let serve = self.decide(&mut phone, from, mac, requested, name);
        if phone.repeat.1 == REPEATS && phone.state != State::Failed {
            let why = loop_reason(name, mac, &phone, &serve);
            phone.state = State::Stuck;
            phone.why = Some(why.clone());
            self.emit(
                Event::new(Kind::Stuck, Some(mac), from, true)
                    .file(name)
                    .why(why),
            );
        }
        if matches!(serve, Serve::Bytes(_) | Serve::File(_)) && phone.state == State::Waiting {
            phone.state = State::Transferring;
        }
        self.phones.insert(mac.to_string(), phone);
        self.save();
        self.show(mac);
        serve
    }

    /// The answer to one request of a managed phone, and what it teaches about the phone.
    fn decide(
        &mut self,
        phone: &mut Phone,
        from: SocketAddr,
        mac: &str,
        requested: &str,
        name: &str,
    ) -> Serve {
        if !placement::is_boot_file(name, mac) {
            return self.as_in_dir(requested).0;
        }
        let target = phone.target.clone();
        if phone.placement.starts_boot(name, mac) {
            let settled = phone.placement.settle(&self.knowledge, &target, mac);
            self.settled(phone, from, settled);
        }
        let managed = Managed::of(name, mac);
        if phone.state == State::Failed {
            return self.held(requested, name, managed);
        }
        let (reply, shown) =
            phone
                .placement
                .request(&self.knowledge, &target, mac, name, managed.is_some());
        // A phone done (also as a state file from before `reached` records it) ran its target
        // once: any other load is one it left.
        let ran_target = phone.reached || phone.state == State::Done;
        if ran_target && !matches!(&shown, Shown::Candidates(c) if c.contains(&target)) {
            let running = phone
                .placement
                .explain(&self.knowledge.universe(), mac, name);
            let shows = if running.is_empty() {
                "no load of the catalogue".to_string()
            } else {
                placement::short_list(&running)
            };
            let entry = match &self.state_path {
                Some(path) => format!("its entry in the state file {}", path.display()),
                None => "its entry in the state file".into(),
            };
            let why = format!(
                "it came back on a load it left: it had reached {target} (phone_done), and now it asks for {name}, as {shows} does and {target} does not; serve holds it (to walk it again, stop serve and delete {entry})"
            );
            phone.placement.candidates = running.clone();
            phone.placement.current = running;
            phone.reached = true;
            phone.stages.get_or_insert(phone.history.len());
            self.fail(phone, from, why);
            return self.held(requested, name, managed);
        }
        match shown {
            Shown::Candidates(candidates) => {
                if let [one] = candidates.as_slice() {
                    if phone.placed_reported.as_deref() != Some(one) {
                        phone.placed_reported = Some(one.clone());
                        let mut event = Event::new(Kind::Placed, Some(mac), from, true).file(name);
                        event.load = Some(one.clone());
                        event.to = Some(target.clone());
                        self.emit(event);
                    }
                    if *one == target {
                        self.mark_done(phone);
                    }
                }
            }
            Shown::DidNotTake { expected, running } => {
                let why = format!(
                    "the stage did not take: it should have come back on {expected}, but its requests show {} (it came back on the load it left); serve holds it",
                    placement::short_list(&running)
                );
                self.fail(phone, from, why);
            }
            Shown::Unexplained => {
                self.note = Some(format!(
                    "serve cannot tell which load it runs from {name} (no load it may run asks for it here): nothing that names a load is served until it can"
                ));
                if phone.placement.fruitless + 1 >= MAX_FRUITLESS {
                    let why = format!(
                        "serve cannot place it: no load of the catalogue asks for {name} here (its requests this boot: {})",
                        phone
                            .placement
                            .boot
                            .iter()
                            .map(|l| l.name.as_str())
                            .chain([name])
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    self.fail(phone, from, why);
                }
            }
        }
        if phone.state == State::Failed {
            return self.held(requested, name, managed);
        }
        let (serve, logged) = match reply {
            Reply::Managed(directive) => {
                self.managed_answer(managed, name, &directive, phone, from)
            }
            Reply::FromDir => self.as_in_dir(requested),
            Reply::RefuseImage { why } => {
                self.note = Some(format!("held back: {why}"));
                (Serve::NotFound, missing(name))
            }
        };
        phone.placement.log(logged);
        serve
    }

    /// The answer to a held phone: nothing that names a load, no image; other files as DIR has
    /// them.
    fn held(&mut self, requested: &str, name: &str, managed: Option<Managed>) -> Serve {
        if managed.is_some() || is_image(name) {
            self.note = Some(
                "held since phone_failed: nothing that names a load, and no image, is served to it"
                    .into(),
            );
            Serve::NotFound
        } else {
            self.as_in_dir(requested).0
        }
    }

    fn managed_answer(
        &mut self,
        managed: Option<Managed>,
        name: &str,
        directive: &Directive,
        phone: &Phone,
        from: SocketAddr,
    ) -> (Serve, Logged) {
        let Some(file) = managed else {
            // A boot file serve does not edit, asked while serve cannot place the phone.
            self.note.get_or_insert_with(|| {
                format!("serve does not serve {name} to a phone it has not placed")
            });
            return (Serve::NotFound, missing(name));
        };
        let names = match file {
            Managed::Os79xx => &directive.os79xx,
            Managed::XmlDefault | Managed::SepXml => &directive.xml_load,
            Managed::SipDefault | Managed::SipMac => &directive.image_version,
        };
        if file != Managed::Os79xx && names.is_some() {
            // The user's own copy is edited: one serve may not read is refused, never replaced.
            if let Lookup::Refused { why } = self.dir.lookup(name) {
                return (Serve::Refused(why), missing(name));
            }
        }
        match answers::render(file, name, directive, &self.dir) {
            Ok(Some(bytes)) => {
                let logged = Logged {
                    name: name.to_string(),
                    found: true,
                    size: bytes.len() as u64,
                    text: Some(String::from_utf8_lossy(&bytes).into_owned()),
                };
                (Serve::Bytes(bytes), logged)
            }
            Ok(None) => {
                if *directive == Directive::hold() {
                    self.note.get_or_insert_with(|| {
                        "held: nothing that names a load is served until serve knows the load it runs".into()
                    });
                } else if names.is_none() {
                    self.note
                        .get_or_insert_with(|| format!("its stage needs {name} absent"));
                }
                // Otherwise a per-phone file DIR does not have: serve makes none up.
                (Serve::NotFound, missing(name))
            }
            Err(why) => {
                self.note = Some(format!("{why}: answered File not found instead"));
                self.emit(
                    Event::new(Kind::Stuck, Some(&phone.mac), from, true)
                        .file(name)
                        .why(format!("{why}: answered File not found instead")),
                );
                (Serve::NotFound, missing(name))
            }
        }
    }

    fn mark_done(&self, phone: &mut Phone) {
        if phone.state == State::Done {
            return;
        }
        phone.state = State::Done;
        phone.why = None;
        let address = phone.address.clone().unwrap_or_else(|| "-".into());
        let mut event = Event::new(Kind::PhoneDone, Some(&phone.mac), address, true);
        event.load = Some(phone.target.clone());
        event.stage = Some(phone.history.len());
        event.stages = Some(phone.history.len());
        self.emit(event);
        phone.reached = true;
        phone.stages = Some(phone.history.len());
    }

    fn fail(&self, phone: &mut Phone, from: SocketAddr, why: String) {
        if phone.state == State::Failed {
            return;
        }
        phone.state = State::Failed;
        phone.why = Some(why.clone());
        let mut event = Event::new(Kind::PhoneFailed, Some(&phone.mac), from, true).why(why);
        event.to = Some(phone.target.clone());
        self.emit(event);
    }

    /// What a finished boot showed.
    fn settled(&self, phone: &mut Phone, from: SocketAddr, settled: Settled) {
        match settled {
            Settled::Flashed {
                from: loads,
                to,
                rule,
            } => {
                let from_text = match loads.as_slice() {
                    [one] => one.clone(),
                    many => describe(many),
                };
                phone.history.push(StageRecord {
                    from: from_text.clone(),
                    to: to.clone(),
                    rule,
                    time_ms: now_ms(),
                });
                let (_, stage) = self.stage_of(phone);
                let mut event = Event::new(Kind::StageDone, Some(&phone.mac), from, true);
                event.load = Some(from_text);
                event.to = Some(to);
                event.stage = Some(phone.history.len());
                event.stages = stage.map(|(_, n)| n.max(phone.history.len()));
                phone.stages = event.stages;
                self.emit(event);
            }
            Settled::Fruitless { .. } | Settled::Unexplained
                if phone.placement.fruitless >= MAX_FRUITLESS =>
            {
                self.fail(
                    phone,
                    from,
                    format!(
                        "serve cannot place it: after {MAX_FRUITLESS} boots its requests still fit {}; name its load in the phones file (MAC=TARGET from=LOAD)",
                        describe(&phone.placement.candidates)
                    ),
                );
            }
            _ => {}
        }
    }

    /// A transfer ended: `Ok(bytes)` when the last block was acknowledged.
    pub fn finished(&mut self, tag: &Tag, outcome: Result<u64, Failure>) {
        let mac = tag.mac.clone();
        match &outcome {
            Ok(bytes) => {
                let mut event = Event::new(Kind::Sent, mac.as_deref(), tag.address, tag.managed)
                    .file(&tag.file);
                event.bytes = Some(*bytes);
                self.emit(event);
            }
            Err(why) => self.emit(
                Event::new(
                    Kind::TransferFailed,
                    mac.as_deref(),
                    tag.address,
                    tag.managed,
                )
                .file(&tag.file)
                .why(why.to_string()),
            ),
        }
        if !tag.managed {
            return;
        }
        let Some(mac) = mac else { return };
        let Some(mut phone) = self.phones.remove(&mac) else {
            return;
        };
        phone.transfer = None;
        match outcome {
            Ok(_) => {
                phone.failures = 0;
                if is_image(&tag.file) {
                    phone.placement.sent_whole(&tag.file);
                }
                if phone.state == State::Transferring {
                    phone.state = State::Waiting;
                }
                // The whole stage fetched, whichever load it runs: it writes the image and
                // reboots now.
                let possible = phone.placement.possible().to_vec();
                let fetched = !possible.is_empty()
                    && possible.iter().all(|c| {
                        let proposal = self.knowledge.proposal(c, &phone.target);
                        let firmware = proposal.firmware();
                        !firmware.is_empty()
                            && firmware.iter().all(|f| phone.placement.sent.contains(f))
                    });
                if fetched {
                    phone.state = State::Rebooting;
                }
            }
            Err(_) => {
                phone.failures += 1;
                if phone.failures >= FAILURES && phone.state != State::Failed {
                    let why = "data port blocked: the phone asks, but our data does not reach it or its acknowledgements do not reach us (a firewall between them? seed 002)".to_string();
                    phone.state = State::Stuck;
                    phone.why = Some(why.clone());
                    self.emit(
                        Event::new(Kind::Stuck, Some(&mac), tag.address, true)
                            .file(&tag.file)
                            .why(why),
                    );
                } else if phone.state == State::Transferring {
                    phone.state = State::Waiting;
                }
            }
        }
        self.phones.insert(mac.clone(), phone);
        self.save();
        self.show(&mac);
    }

    /// A write request, refused.
    pub fn refused_write(&mut self, from: SocketAddr, requested: &str, why: &str) {
        let mac = self.mac_of(from.ip(), requested);
        let managed = mac
            .as_deref()
            .is_some_and(|m| self.roster.target_of(m).is_some());
        self.emit(
            Event::new(Kind::Refused, mac.as_deref(), from, managed)
                .file(requested)
                .why(why),
        );
    }

    /// Progress of a managed phone's transfer, for the view.
    pub fn progress(&mut self, tag: &Tag, bytes: u64, size: Option<u64>) {
        let (Some(mac), true) = (&tag.mac, tag.managed) else {
            return;
        };
        if let Some(phone) = self.phones.get_mut(mac) {
            phone.transfer = Some((tag.file.clone(), bytes, size));
            let _ = self.tx.send(Message::Progress {
                mac: mac.clone(),
                file: tag.file.clone(),
                bytes,
                size,
            });
        }
    }

    /// Time passes: a phone quiet for [`QUIET_MS`] whose boot only its target ends that way is
    /// done; phones silent for too long while they should be working are stuck.
    pub fn tick(&mut self, now: u64) {
        let mut done = Vec::new();
        for (mac, phone) in &self.phones {
            let quiet = now.saturating_sub(phone.last_seen_ms) >= QUIET_MS;
            if quiet
                && !phone.placement.boot.is_empty()
                && !matches!(phone.state, State::Done | State::Failed)
                && phone.placement.ended_here(mac) == [phone.target.clone()]
            {
                done.push(mac.clone());
            }
        }
        for mac in done {
            if let Some(mut phone) = self.phones.remove(&mac) {
                self.mark_done(&mut phone);
                self.phones.insert(mac.clone(), phone);
            }
            self.save();
            self.show(&mac);
        }
        let mut stuck = Vec::new();
        for (mac, phone) in &self.phones {
            let active = matches!(
                phone.state,
                State::Waiting | State::Transferring | State::Rebooting
            );
            if active
                && phone.last_seen_ms > 0
                && now.saturating_sub(phone.last_seen_ms) >= self.stuck_after_ms
            {
                stuck.push(mac.clone());
            }
        }
        for mac in stuck {
            let secs = self.stuck_after_ms / 1000;
            if let Some(phone) = self.phones.get_mut(&mac) {
                let why = match phone.state {
                    State::Rebooting => format!("no progress for {secs} s: it fetched its stage's firmware and has not asked for anything since (image refused, or the phone is off)"),
                    _ => format!("no progress for {secs} s: it has not asked for anything since"),
                };
                phone.state = State::Stuck;
                phone.why = Some(why.clone());
                let address = phone.address.clone().unwrap_or_else(|| "-".into());
                self.emit(Event::new(Kind::Stuck, Some(&mac), address, true).why(why));
            }
            self.save();
            self.show(&mac);
        }
    }
}

fn missing(name: &str) -> Logged {
    Logged {
        name: name.to_string(),
        found: false,
        size: 0,
        text: None,
    }
}

/// Why a phone asks for the same file again and again, in the words of the seeds.
fn loop_reason(name: &str, mac: &str, phone: &Phone, serve: &Serve) -> String {
    if name == format!("CTLSEP{mac}.tlv") {
        return "CTLSEP loop: it asks for CTLSEP<MAC>.tlv again and again although serve answers File not found; our answers do not reach it (a firewall blocking the TFTP data port? seeds 000-002)".into();
    }
    if is_image(name) && phone.placement.sent.iter().any(|s| s == name) {
        return format!("image refused: it fetched {name} whole and asks for it again (Load ID Incorrect? seed 003)");
    }
    match serve {
        Serve::NotFound => format!("it asks for {name} again and again although serve answers File not found"),
        _ => format!("it asks for {name} again and again: the transfers do not complete (data port blocked? seed 002)"),
    }
}
