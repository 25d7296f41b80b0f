//! serve's decisions, without I/O: which MAC a client has, who is managed, each phone's
//! placement, state and history, and the answer to every request. It is a state machine in the
//! manner of quinn-proto: the driver ([`crate::wire::serve::driver`]) hands it each thing that
//! happens (a request with the client's facts, a transfer's end, the time passing) with the
//! time as an argument ([`Now`]), and takes from it the answer and its effects
//! ([`Registry::poll_effect`]: the events and rows to show, and when to write the state file).
//! The served directory is read through [`Directory`]; every other read (the neighbour table,
//! the lease file, the clocks) and every write is the driver's.
//!
//! A client is recognised by the MAC in the per-phone names it asks for, else the kernel's
//! neighbour table, else `--leases`, else the MAC its address last showed. A client whose MAC is
//! not managed, or unknown, gets the directory exactly as it is (with `--all`, an unknown MAC
//! gets nothing that names a load until serve knows it).
//!
//! A managed phone that shows itself a 7906 to 7975 ([`crate::wire::serve::family`]) is held
//! with the commands that walk it instead, unless the phones file names its model: then it is
//! walked by its family's stages ([`crate::wire::serve::family_walk`], answered in `walk`).
//!
//! May use: [`crate::wire::serve`]'s `answers`, `directory`, `placement`, `phones`, `now`,
//! `neighbours` (its lookups in names), `files` (the names), `events`, `family`, `family_walk`;
//! [`crate::wire::transfer::Failure`], [`crate::knowledge`], [`crate::files`] (the load a
//! 79x1's own `SEP<MAC>.cnf.xml` names).

use core::net::{IpAddr, SocketAddr};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;

use crate::knowledge::family::JavaModel;
use crate::knowledge::firmware::{is_firmware, is_image};
use crate::wire::serve::answers::Managed;
use crate::wire::serve::directory::{Directory, Opened};
use crate::wire::serve::events::{Event, Kind, Message, State};
use crate::wire::serve::files::relative_name;
use crate::wire::serve::neighbours;
pub use crate::wire::serve::now::Now;
use crate::wire::serve::phones::{Phone, Roster};
use crate::wire::serve::placement::{self, Knowledge, Logged};
use crate::wire::transfer::Failure;

mod decide;
#[cfg(test)]
mod event_tests;
#[cfg(test)]
mod expiry_tests;
mod facts;
#[cfg(test)]
mod impersonation_tests;
pub use facts::{announced, Fact, MAX_HEARD};
#[cfg(test)]
mod tests;
mod walk;

/// The TFTP error message of an image held back until the phone is on the load it is for.
pub const HELD_BACK: &str =
    "Held back by phoneup serve until the phone runs the load this file is for";
/// The most phones `--all` walks at once (a bench is tens of phones): past it, a new MAC gets
/// the directory as it is, and serve's state stays bounded whatever a LAN sends.
pub const MAX_ALL_PHONES: usize = 256;

/// The most client addresses whose MAC serve remembers beyond the phones it keeps.
pub const ADDRESSES: usize = 4096;

/// Under `--all`, a phone never placed is forgotten once quiet for this many times
/// `--stuck-after` (it is reported stuck first).
pub const FORGET_AFTER: u64 = 2;

/// The TFTP error message of what names a load, or an image, for a phone serve holds.
pub const HELD_FAILED: &str = "Held back by phoneup serve: this phone failed (see serve's log)";

/// The TFTP error message of a file that names a load, for a phone serve has not placed.
pub const HELD_UNPLACED: &str =
    "Held back by phoneup serve until it knows the load this phone runs";

/// A file asked for this many times in a row is a loop.
pub const REPEATS: u32 = 4;
/// A phone quiet this long has ended its boot (longer than the ~22 s a UAL-era SIP application
/// is silent after its `.loads`, MARKWILSON-2008).
pub const QUIET_MS: u64 = 30_000;
/// Transfers failing in a row before a phone is stuck on a blocked data port.
pub const FAILURES: u32 = 3;

/// What the driver knows of a client when its request arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Its address and port.
    pub address: SocketAddr,
    /// The MAC the kernel's neighbour table gives its address, read for this request.
    pub neighbour: Option<String>,
    /// The MAC the lease file gives its address, read for this request.
    pub lease: Option<String>,
}

impl Client {
    /// A client whose MAC only its requests can tell.
    pub fn at(address: SocketAddr) -> Client {
        Client {
            address,
            neighbour: None,
            lease: None,
        }
    }
}

/// Where serve learnt a client's MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacFrom {
    /// The per-phone file name it asked for.
    Name,
    /// The kernel's neighbour table.
    Neighbour,
    /// The lease file.
    Lease,
    /// What its address showed before.
    Before,
}

/// What to send for a request; `F` is the directory's open file.
#[derive(Debug)]
pub enum Serve<F> {
    /// Bytes serve made (a managed file).
    Bytes(Vec<u8>),
    /// The directory's file.
    File(F),
    /// TFTP error 1.
    NotFound,
    /// TFTP error 1 with this message: a file serve holds back on purpose (the image of a step
    /// not yet safe for the phone, anything that names a load for a failed phone), so that a
    /// rehearsal or a packet capture shows why.
    HeldBack(&'static str),
    /// TFTP error 2, with the reason for the log.
    Refused(String),
}

/// Who a transfer is for, to report its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub mac: Option<String>,
    pub managed: bool,
    pub file: String,
    pub address: SocketAddr,
}

/// What the driver does after a call.
// Nearly every effect is a `Show`: boxing each message would add an allocation and save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Effect {
    /// Tell the view: an event, a phone's row, a transfer's progress.
    Show(Message),
    /// The phones changed: write the state file ([`Registry::phones`] to
    /// [`Registry::state_path`]).
    Save,
    /// A managed phone serve has not placed began a boot at this address: ask its web page
    /// (`DeviceInformationX`), once, and hand what it says to [`Registry::fact`].
    AskPage { mac: String, address: IpAddr },
}

/// The phones serve walks, and every decision about them.
pub struct Registry<'m, D: Directory> {
    pub knowledge: Knowledge<'m>,
    pub dir: D,
    pub roster: Roster,
    pub phones: BTreeMap<String, Phone>,
    by_ip: HashMap<IpAddr, String>,
    /// Where the driver keeps the phones; a held phone's reason names it.
    pub state_path: Option<PathBuf>,
    /// A phone that has not asked for anything for this long while it should be is stuck.
    pub stuck_after_ms: u64,
    /// Why the answer being sent is what it is, for its event.
    note: Option<String>,
    /// The time of the call being handled.
    now: Now,
    effects: VecDeque<Effect>,
    /// Facts about `--all` phones that have not asked yet (at most [`facts::MAX_HEARD`]).
    heard: VecDeque<Fact>,
    /// The last fact heard of a phone while the boot that fetched a stage's firmware had not
    /// ended (the phone may run the stage's load already): taken when that boot ends, and then
    /// only if it shows the stage taken. One per phone that fetched a stage.
    heard_after_stage: BTreeMap<String, Fact>,
}

impl<'m, D: Directory> Registry<'m, D> {
    pub fn new(knowledge: Knowledge<'m>, dir: D, roster: Roster) -> Registry<'m, D> {
        Registry {
            knowledge,
            dir,
            roster,
            phones: BTreeMap::new(),
            by_ip: HashMap::new(),
            state_path: None,
            stuck_after_ms: 600_000,
            note: None,
            now: Now::default(),
            effects: VecDeque::new(),
            heard: VecDeque::new(),
            heard_after_stage: BTreeMap::new(),
        }
    }

    /// The next thing for the driver to do, if any.
    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.effects.pop_front()
    }

    /// Resumes every phone a state file holds: each is as quiet as its last request, by the
    /// wall clock, was long ago.
    pub fn resume(&mut self, now: Now, phones: BTreeMap<String, Phone>) {
        self.now = now;
        for (mac, mut phone) in phones {
            if let Some(address) = phone
                .address
                .as_ref()
                .and_then(|a| a.parse::<SocketAddr>().ok())
            {
                self.by_ip.insert(address.ip(), mac.clone());
            }
            if phone.last_seen_ms > 0 {
                let ago = now.wall_ms.saturating_sub(phone.last_seen_ms);
                phone.seen = Some(signed(now.ms).saturating_sub(signed(ago)));
            }
            self.phones.insert(mac, phone);
        }
        let macs: Vec<String> = self.phones.keys().cloned().collect();
        for mac in macs {
            self.show(&mac);
        }
    }

    fn emit(&mut self, mut event: Event) {
        event.time_ms = self.now.wall_ms;
        self.effects.push_back(Effect::Show(Message::Event(event)));
    }

    fn save(&mut self) {
        self.effects.push_back(Effect::Save);
    }

    /// Sends a phone's row to the view.
    fn show(&mut self, mac: &str) {
        if let Some(phone) = self.phones.get(mac) {
            let row = phone.row(&self.knowledge);
            self.effects.push_back(Effect::Show(Message::Row(row)));
        }
    }

    /// The MAC of a client, from the name it asks for, the neighbour table, the leases or what
    /// its address showed before, and where it came from.
    fn mac_of(&mut self, client: &Client, name: &str) -> Option<(String, MacFrom)> {
        let ip = client.address.ip();
        let found = neighbours::mac_in_name(name)
            .map(|mac| (mac, MacFrom::Name))
            .or_else(|| client.neighbour.clone().map(|m| (m, MacFrom::Neighbour)))
            .or_else(|| client.lease.clone().map(|m| (m, MacFrom::Lease)));
        if let Some((mac, from)) = found {
            if self.by_ip.len() >= ADDRESSES + self.phones.len() && !self.by_ip.contains_key(&ip) {
                self.keep_phones_addresses();
            }
            self.by_ip.insert(ip, mac.clone());
            return Some((mac, from));
        }
        self.by_ip
            .get(&ip)
            .map(|mac| (mac.clone(), MacFrom::Before))
    }

    /// Keeps only the addresses the phones kept last asked from: what the others showed is
    /// forgotten, so that a flood of addresses does not grow the map without bound (each
    /// address read again tells its MAC again).
    fn keep_phones_addresses(&mut self) {
        let phones = &self.phones;
        self.by_ip.retain(|ip, mac| {
            phones.get(mac).is_some_and(|phone| {
                phone
                    .address
                    .as_ref()
                    .and_then(|a| a.parse::<SocketAddr>().ok())
                    .is_some_and(|a| a.ip() == *ip)
            })
        });
    }

    /// A MAC belongs to its address: where the neighbour table or the leases give the client's
    /// address a MAC, a per-phone name of another MAC speaks for no phone. It is answered as
    /// the directory is, reported, and never recorded on either phone.
    fn impersonation(
        &mut self,
        client: &Client,
        requested: &str,
        name: &str,
    ) -> Option<Serve<D::File>> {
        let named = neighbours::mac_in_name(name)?;
        let (owner, source) = match (&client.neighbour, &client.lease) {
            (Some(mac), _) => (mac, "the neighbour table gives"),
            (None, Some(mac)) => (mac, "the leases give"),
            (None, None) => return None,
        };
        if *owner == named {
            return None;
        }
        let serve = self.as_in_dir(requested).0;
        let why = format!(
            "it asks for {name}, a file of {named}, but {source} its address to {owner}: answered as the directory is, recorded on no phone"
        );
        let event = Event::new(Kind::Impersonation, Some(owner), client.address, false)
            .file(requested)
            .why(why);
        self.emit(event);
        Some(serve)
    }

    /// Answers a read request.
    pub fn read(&mut self, now: Now, client: &Client, requested: &str) -> (Serve<D::File>, Tag) {
        self.now = now;
        let from = client.address;
        let name = relative_name(self.dir.canonical(), requested)
            .unwrap_or(requested)
            .to_string();
        if let Some(serve) = self.impersonation(client, requested, &name) {
            let tag = Tag {
                mac: None,
                managed: false,
                file: name,
                address: from,
            };
            return (serve, tag);
        }
        let mac = self.mac_of(client, &name).map(|(mac, _)| mac);
        let over_cap = mac.as_deref().is_some_and(|m| self.over_all_cap(m));
        let managed = mac
            .as_deref()
            .filter(|_| !over_cap)
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
            None if over_cap => {
                let (serve, _) = self.as_in_dir(requested);
                self.note = Some(format!("--all: serve already walks {MAX_ALL_PHONES} phones, the most it takes; this MAC gets the directory as it is (name your phones with --phones-file)"));
                serve
            }
            None if self.roster.all && Managed::of(&name, "").is_some() => {
                self.note = Some("--all: serve does not know this client's MAC yet, and serves nothing that names a load until it does (give --leases)".into());
                Serve::NotFound
            }
            None => self.as_in_dir(requested).0,
        };
        match &serve {
            Serve::NotFound | Serve::HeldBack(_) => {
                let mut event = Event::new(Kind::NotFound, tag.mac.as_deref(), from, tag.managed)
                    .file(requested);
                event.why = self.note.take();
                self.emit(event);
            }
            Serve::Refused(why) => {
                let event = Event::new(Kind::Refused, tag.mac.as_deref(), from, tag.managed)
                    .file(requested)
                    .why(why.clone());
                self.emit(event);
            }
            _ => {}
        }
        (serve, tag)
    }

    /// The directory's file as it is, and what the phone model needs to know of it.
    fn as_in_dir(&self, requested: &str) -> (Serve<D::File>, Logged) {
        let name = relative_name(self.dir.canonical(), requested).unwrap_or(requested);
        let text = !is_image(name);
        match self.dir.open(requested, text) {
            Opened::Found { file, size, text } => (
                Serve::File(file),
                Logged {
                    name: name.to_string(),
                    found: true,
                    size,
                    text,
                },
            ),
            Opened::Missing => (Serve::NotFound, missing(name)),
            Opened::Refused { why } => (Serve::Refused(why), missing(name)),
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
    ) -> Serve<D::File> {
        let mut phone = match self.phones.remove(mac) {
            Some(phone) => phone,
            None => self.new_phone(mac, &target, hint, Some(from)),
        };
        if phone.family.is_none() && phone.history.is_empty() {
            self.walk_family(&mut phone);
        }
        phone.address = Some(from.to_string());
        phone.last_seen_ms = self.now.wall_ms;
        phone.seen = Some(signed(self.now.ms));
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
        let boot_starts = placement::is_boot_file(name, mac)
            && (phone.placement.boot.is_empty() || phone.placement.starts_boot(name, mac));
        let serve = self.decide(&mut phone, from, mac, requested, name);
        self.ask_page(&mut phone, from, boot_starts);
        if phone.repeat.1 == REPEATS && phone.state != State::Failed {
            let why = loop_reason(name, mac, &phone, &serve);
            phone.state = State::Stuck;
            phone.why = Some(why.clone());
            let event = Event::new(Kind::Stuck, Some(mac), from, true)
                .file(name)
                .why(why);
            self.emit(event);
        }
        if matches!(serve, Serve::Bytes(_) | Serve::File(_)) && phone.state == State::Waiting {
            phone.state = State::Transferring;
        }
        self.phones.insert(mac.to_string(), phone);
        self.save();
        self.show(mac);
        serve
    }

    /// A transfer ended: `Ok(bytes)` when the last block was acknowledged.
    pub fn finished(&mut self, now: Now, tag: &Tag, outcome: Result<u64, Failure>) {
        self.now = now;
        let mac = tag.mac.clone();
        let event = match &outcome {
            Ok(bytes) => {
                let mut event = Event::new(Kind::Sent, mac.as_deref(), tag.address, tag.managed);
                event.bytes = Some(*bytes);
                event
            }
            Err(failure) => Event::new(
                Kind::TransferFailed,
                mac.as_deref(),
                tag.address,
                tag.managed,
            )
            .why(failure.to_string()),
        };
        self.emit(event.file(&tag.file));
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
                self.sent(&mut phone, &tag.file);
                self.family_sent(&mut phone);
            }
            Err(_) => {
                phone.failures += 1;
                if phone.failures >= FAILURES && phone.state != State::Failed {
                    let why = "data port blocked: the phone asks, but our data does not reach it or its acknowledgements do not reach us (a firewall between them? TCG-7960)".to_string();
                    phone.state = State::Stuck;
                    phone.why = Some(why.clone());
                    let event = Event::new(Kind::Stuck, Some(&mac), tag.address, true)
                        .file(&tag.file)
                        .why(why);
                    self.emit(event);
                } else if phone.state == State::Transferring {
                    phone.state = State::Waiting;
                }
            }
        }
        self.phones.insert(mac.clone(), phone);
        self.save();
        self.show(&mac);
    }

    /// A file reached a managed phone whole.
    fn sent(&self, phone: &mut Phone, file: &str) {
        phone.failures = 0;
        if is_firmware(file) {
            phone.placement.sent_whole(file);
        }
        if phone.state == State::Transferring {
            phone.state = State::Waiting;
        }
        // The whole stage fetched, whichever load it runs: it writes the image and reboots now.
        let possible = phone.placement.possible();
        let fetched = !possible.is_empty()
            && possible.iter().all(|c| {
                let proposal = self.knowledge.proposal(c, &phone.target);
                let firmware = proposal.firmware();
                !firmware.is_empty() && firmware.iter().all(|f| phone.placement.sent.contains(f))
            });
        if fetched {
            phone.state = State::Rebooting;
        }
    }

    /// Whether `mac` would be a new phone under `--all` when serve already keeps
    /// [`MAX_ALL_PHONES`]: a flood of made-up MACs must not grow the state without bound (a phone
    /// named with `--phones` or `--phones-file` is always walked).
    fn over_all_cap(&self, mac: &str) -> bool {
        self.roster.all
            && !self.roster.phones.contains_key(mac)
            && !self.phones.contains_key(mac)
            && self.phones.len() >= MAX_ALL_PHONES
    }

    /// A write request, refused.
    pub fn refused_write(&mut self, now: Now, client: &Client, requested: &str, why: &str) {
        self.now = now;
        let mac = self.mac_of(client, requested).map(|(mac, _)| mac);
        let managed = mac
            .as_deref()
            .is_some_and(|m| self.roster.target_of(m).is_some());
        let event = Event::new(Kind::Refused, mac.as_deref(), client.address, managed)
            .file(requested)
            .why(why);
        self.emit(event);
    }

    /// Progress of a managed phone's transfer, for the view.
    pub fn progress(&mut self, tag: &Tag, bytes: u64, size: Option<u64>) {
        let (Some(mac), true) = (&tag.mac, tag.managed) else {
            return;
        };
        if let Some(phone) = self.phones.get_mut(mac) {
            phone.transfer = Some((tag.file.clone(), bytes, size));
            self.effects.push_back(Effect::Show(Message::Progress {
                mac: mac.clone(),
                file: tag.file.clone(),
                bytes,
                size,
            }));
        }
    }

    /// A managed phone the roster walks by its family's stages (`model=`): its walk, planned
    /// when the roster was read, from the load the phones file names.
    fn walk_family(&mut self, phone: &mut Phone) {
        let Some(walk) = self.roster.family.get(&phone.mac) else {
            return;
        };
        phone.placement = placement::Placement::new(Vec::new());
        phone.model = JavaModel::find(&walk.model).map(|m| m.to_string());
        phone.family = Some(walk.clone());
    }

    /// Time passes: a phone quiet for [`QUIET_MS`] whose boot only its target ends that way is
    /// done; phones silent for too long while they should be working are stuck.
    pub fn tick(&mut self, now: Now) {
        self.now = now;
        // A boot that ended in silence: a walked 7906 to 7975's shows what it did; a 7940/7960
        // whose boot only its target ends that way is done.
        let quiet: Vec<String> = self
            .phones
            .iter()
            .filter(|(mac, phone)| {
                phone.quiet_for(now) >= QUIET_MS
                    && !matches!(phone.state, State::Done | State::Failed)
                    && match &phone.family {
                        Some(walk) => !walk.boot.is_empty(),
                        None => {
                            !phone.placement.boot.is_empty()
                                && phone.placement.ended_here(mac) == [phone.target.clone()]
                        }
                    }
            })
            .map(|(mac, _)| mac.clone())
            .collect();
        for mac in quiet {
            if let Some(mut phone) = self.phones.remove(&mac) {
                if phone.family.is_some() {
                    self.family_quiet(&mut phone);
                } else {
                    self.mark_done(&mut phone);
                }
                self.phones.insert(mac.clone(), phone);
            }
            self.save();
            self.show(&mac);
        }
        let stuck: Vec<String> = self
            .phones
            .iter()
            .filter(|(_, phone)| {
                matches!(
                    phone.state,
                    State::Waiting | State::Transferring | State::Rebooting
                ) && phone.seen.is_some()
                    && phone.quiet_for(now) >= self.stuck_after_ms
            })
            .map(|(mac, _)| mac.clone())
            .collect();
        for mac in stuck {
            self.stuck(&mac);
            self.save();
            self.show(&mac);
        }
        self.forget_unplaced(now);
    }

    /// Under `--all`, a phone serve never placed (no load known, nothing fetched, no stage
    /// done: a made-up MAC looks like this), seen and then quiet for [`FORGET_AFTER`] times
    /// `--stuck-after`, is forgotten, so that a flood of MACs does not hold [`MAX_ALL_PHONES`]
    /// for good. Never a phone named with `--phones` or `--phones-file`, nor one on its way
    /// (placed, sent a file, rebooting, done or failed).
    fn forget_unplaced(&mut self, now: Now) {
        if !self.roster.all {
            return;
        }
        let after = self.stuck_after_ms.saturating_mul(FORGET_AFTER);
        let gone: BTreeSet<String> = self
            .phones
            .iter()
            .filter(|(mac, phone)| {
                !self.roster.phones.contains_key(*mac)
                    && never_placed(phone)
                    && phone.seen.is_some()
                    && phone.quiet_for(now) >= after
            })
            .map(|(mac, _)| mac.clone())
            .collect();
        if gone.is_empty() {
            return;
        }
        self.by_ip.retain(|_, mac| !gone.contains(mac));
        for mac in gone {
            let Some(phone) = self.phones.remove(&mac) else {
                continue;
            };
            let address = phone.address.unwrap_or_else(|| "-".into());
            let why = format!(
                "--all: never placed and quiet for {} s: no longer kept (walked afresh if it asks again)",
                after / 1000
            );
            self.emit(Event::new(Kind::Forgotten, Some(&mac), address, true).why(why));
            self.effects.push_back(Effect::Show(Message::Forget(mac)));
            self.save();
        }
    }

    /// A phone silent for too long while it should be working.
    fn stuck(&mut self, mac: &str) {
        let secs = self.stuck_after_ms / 1000;
        let Some(phone) = self.phones.get_mut(mac) else {
            return;
        };
        let why = match phone.state {
            State::Rebooting => format!("no progress for {secs} s: it fetched its stage's firmware and has not asked for anything since (image refused, or the phone is off)"),
            _ => format!("no progress for {secs} s: it has not asked for anything since"),
        };
        phone.state = State::Stuck;
        phone.why = Some(why.clone());
        let address = phone.address.clone().unwrap_or_else(|| "-".into());
        self.emit(Event::new(Kind::Stuck, Some(mac), address, true).why(why));
    }
}

/// A time in ms as the signed number a phone's last request is kept as.
fn signed(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// A phone serve knows nothing of that a made-up MAC would not show: no load known, nothing
/// fetched, no stage, held or done, and no transfer running.
fn never_placed(phone: &Phone) -> bool {
    matches!(phone.state, State::Waiting | State::Stuck)
        && phone.placed_reported.is_none()
        && phone.placement.sent.is_empty()
        && phone.history.is_empty()
        && !phone.reached
        && phone.stages.is_none()
        && phone.transfer.is_none()
}

fn missing(name: &str) -> Logged {
    Logged {
        name: name.to_string(),
        found: false,
        size: 0,
        text: None,
    }
}

/// Why a phone asks for the same file again and again, in the words of the field reports (MCLEAN-CTLSEP, TCG-7960, MARKWILSON-2008).
fn loop_reason<F>(name: &str, mac: &str, phone: &Phone, serve: &Serve<F>) -> String {
    if neighbours::per_phone_file_of(name, mac)
        == Some(crate::files::per_phone::PerPhoneFile::CtlSep)
    {
        return "CTLSEP loop: it asks for CTLSEP<MAC>.tlv again and again although serve answers File not found; our answers do not reach it (a firewall blocking the TFTP data port? MCLEAN-CTLSEP, VI-FWISSUES, TCG-7960)".into();
    }
    if is_firmware(name) && phone.placement.sent.iter().any(|s| s == name) {
        return format!("image refused: it fetched {name} whole and asks for it again (Load ID Incorrect? MARKWILSON-2008)");
    }
    match serve {
        Serve::NotFound | Serve::HeldBack(_) => format!("it asks for {name} again and again although serve answers File not found"),
        _ => format!("it asks for {name} again and again: the transfers do not complete (data port blocked? TCG-7960)"),
    }
}
