//! serve with no socket, no file and no clock: the phone model ([`crate::phone`]) booting
//! against the registry in memory, in the manner of quinn-proto's test `Pair`. A [`Memory`]
//! directory holds the served files; a [`Bench`] holds the registry, a clock the caller moves
//! and every event; [`Bench::power_cycle`] boots one phone once, each file it asks for a request
//! to the registry answered at once, and [`Bench::walk`] power-cycles it until it runs its
//! target, counting the boots and recording every image it took. The tests use it to walk
//! every load of the catalogue to every target it can reach; a benchmark can count the boots.
//!
//! May use: [`crate::wire::serve`]'s `registry`, `directory`, `files` (the names), `phones`,
//! `placement`, `events`; [`crate::phone`], [`crate::knowledge`], [`crate::files`].

use core::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::files::{loads, sip_default_cnf};
use crate::knowledge::load_id::{Kind, LoadId, Protocol};
use crate::knowledge::matrix::Matrix;
use crate::knowledge::phones::Model;
use crate::phone::{web_page, Answer, Boot, Phone, Server};
use crate::wire::device_info::parse_page;
use crate::wire::packet::code;
use crate::wire::serve::directory::{Directory, Opened, TEXT_LIMIT};
use crate::wire::serve::events::{Event, Message, Row, State};
use crate::wire::serve::files::relative_name;
use crate::wire::serve::phones::Roster;
use crate::wire::serve::placement::Knowledge;
use crate::wire::serve::registry::{Client, Effect, Fact, Now, Registry, Serve};

pub mod family;
#[cfg(test)]
mod family_tests;
#[cfg(test)]
mod tests;

/// A served directory in memory.
#[derive(Debug, Clone)]
pub struct Memory {
    canonical: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
    /// Files there that may not be served, and why (a `0640` file, a link out).
    refused: BTreeMap<String, String>,
}

impl Default for Memory {
    fn default() -> Memory {
        Memory {
            canonical: PathBuf::from("/srv/tftp"),
            files: BTreeMap::new(),
            refused: BTreeMap::new(),
        }
    }
}

impl Memory {
    /// An empty directory, at `/srv/tftp`.
    pub fn new() -> Memory {
        Memory::default()
    }

    /// A bench's directory: a stand-in for every firmware file of the catalogue (no Cisco
    /// file), and the user's own `OS79XX.TXT`, `SIPDefault.cnf` and `XMLDefault.cnf.xml`, with
    /// settings of theirs, naming other loads than serve will.
    pub fn catalogue(matrix: &Matrix) -> Memory {
        let mut dir = Memory::new();
        for load in &matrix.loads {
            for file in &load.files {
                let bytes = if file.ends_with(".loads") {
                    loads::stand_in(load.name(), load.loader_or_self(), load.name())
                } else {
                    format!("phoneup stand-in for {file}, not a Cisco image\n").repeat(64)
                };
                dir.insert(file, bytes);
            }
        }
        dir.insert("OS79XX.TXT", "P0S3-06-3-00\n");
        dir.insert(
            sip_default_cnf::FILE_NAME,
            "# the bench's own settings\r\nproxy1_address: \"192.0.2.1\"\r\nimage_version: P0S3-06-3-00 ; theirs\r\n",
        );
        dir.insert(
            "XMLDefault.cnf.xml",
            "<Default>\n  <loadInformation8 model=\"IP Phone 7940\">P00308010200</loadInformation8>\n</Default>\n",
        );
        dir
    }

    /// Puts a file in the directory.
    pub fn insert(&mut self, name: &str, bytes: impl Into<Vec<u8>>) {
        self.files.insert(name.to_string(), bytes.into());
    }

    /// Takes a file out of the directory.
    pub fn remove(&mut self, name: &str) {
        self.files.remove(name);
    }

    /// A file that is there but may not be served, for this reason.
    pub fn refuse(&mut self, name: &str, why: &str) {
        self.refused.insert(name.to_string(), why.to_string());
    }

    fn name<'a>(&self, requested: &'a str) -> &'a str {
        relative_name(&self.canonical, requested).unwrap_or(requested)
    }
}

impl Directory for Memory {
    type File = Vec<u8>;

    fn canonical(&self) -> &Path {
        &self.canonical
    }

    fn open(&self, requested: &str, text: bool) -> Opened<Vec<u8>> {
        let name = self.name(requested);
        if let Some(why) = self.refused.get(name) {
            return Opened::Refused { why: why.clone() };
        }
        match self.files.get(name) {
            Some(bytes) => Opened::Found {
                file: bytes.clone(),
                size: bytes.len() as u64,
                text: (text && bytes.len() as u64 <= TEXT_LIMIT)
                    .then(|| String::from_utf8_lossy(bytes).into_owned()),
            },
            None => Opened::Missing,
        }
    }

    fn read_small(&self, name: &str) -> Option<Vec<u8>> {
        match self.open(name, false) {
            Opened::Found { mut file, .. } => {
                file.truncate(TEXT_LIMIT as usize);
                Some(file)
            }
            _ => None,
        }
    }

    fn is_file(&self, name: &str) -> bool {
        self.files.contains_key(name) || self.refused.contains_key(name)
    }
}

/// One phone on the bench.
#[derive(Debug, Clone)]
pub struct Handset {
    pub mac: String,
    pub address: SocketAddr,
    pub model: Model,
    /// The load it really runs.
    pub running: String,
}

impl Handset {
    /// The `n`th phone of a bench, a 7940 running `running`: MAC `0018B9` and six hex digits of
    /// `n`, address `10.x.y.z` from `n`.
    pub fn new(n: u32, running: &str) -> Handset {
        let [_, a, b, c] = n.to_be_bytes();
        Handset {
            mac: format!("0018B9{n:06X}"),
            address: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, a, b, c)), 50_000),
            model: Model::M7940,
            running: running.to_string(),
        }
    }
}

/// How long each request takes, on the bench's clock.
pub const REQUEST_MS: u64 = 200;
/// How long a phone takes between two boots (writing an image, rebooting): longer than
/// [`QUIET_MS`](crate::wire::serve::registry::QUIET_MS), so serve sees each boot end.
pub const REBOOT_MS: u64 = 60_000;

/// A walk of one phone to its target.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Walk {
    /// The loads it ran, the first one first.
    pub loads: Vec<String>,
    /// Power cycles until it ran its target (0 when it started there), if it did.
    pub boots: Option<usize>,
    /// Power cycles until serve said it was done, if it did.
    pub done_after: Option<usize>,
    /// Every image it took: (the load it ran, the load it ran after).
    pub flashes: Vec<(String, String)>,
}

/// The registry, a clock the caller moves, and what came out of it.
pub struct Bench<'m> {
    pub registry: Registry<'m, Memory>,
    pub now: Now,
    /// Every event, in order.
    pub events: Vec<Event>,
    /// Each phone's last row.
    pub rows: BTreeMap<String, Row>,
    /// State-file writes asked for.
    pub saves: usize,
    /// Phones answer serve's ask for their web page, when the phone model says their load
    /// serves one ([`crate::phone::web_page`]).
    pub web: bool,
    /// Web pages serve asked for.
    pub pages_asked: usize,
    /// The phone booting now (MAC, load, model), whose page answers.
    booting: Option<(String, String, Model)>,
}

impl<'m> Bench<'m> {
    /// A registry of `dir` for `roster`, planning without a directory on disk.
    pub fn new(matrix: &'m Matrix, dir: Memory, roster: Roster) -> Bench<'m> {
        let knowledge = Knowledge::new(matrix, None);
        Bench {
            registry: Registry::new(knowledge, dir, roster),
            now: Now {
                ms: 1_000_000,
                wall_ms: 1_800_000_000_000,
            },
            events: Vec::new(),
            rows: BTreeMap::new(),
            saves: 0,
            web: false,
            pages_asked: 0,
            booting: None,
        }
    }

    /// Moves both clocks on.
    pub fn advance(&mut self, ms: u64) {
        self.now.ms += ms;
        self.now.wall_ms += ms;
    }

    /// Takes in what the registry asks for; a page asked for is answered at once, as the
    /// phone booting now serves it (through the page reader, as serve's driver reads it).
    pub fn apply(&mut self) {
        loop {
            let mut asked = Vec::new();
            while let Some(effect) = self.registry.poll_effect() {
                match effect {
                    Effect::Show(Message::Event(event)) => self.events.push(event),
                    Effect::Show(Message::Row(row)) => {
                        self.rows.insert(row.mac.clone(), row);
                    }
                    Effect::Show(Message::Progress { .. }) => {}
                    Effect::Show(Message::Forget(mac)) => {
                        self.rows.remove(&mac);
                    }
                    Effect::Show(Message::StateNotSaved(_)) => {}
                    Effect::Save => self.saves += 1,
                    Effect::AskPage { mac, .. } => asked.push(mac),
                }
            }
            if asked.is_empty() {
                return;
            }
            for mac in asked {
                self.pages_asked += 1;
                if let Some(fact) = self.page_of(&mac) {
                    self.registry.fact(self.now, &fact);
                }
            }
        }
    }

    /// What the web page of the phone booting now says, when it is `mac` and serves one.
    fn page_of(&self, mac: &str) -> Option<Fact> {
        let (booting, running, model) = self.booting.as_ref().filter(|_| self.web)?;
        if booting != mac {
            return None;
        }
        let page = web_page::device_information(&LoadId::parse(running).ok()?, *model, mac)?;
        Fact::from_page(mac, &parse_page(page.as_bytes()).ok()?)
    }

    /// Time passes without a request.
    pub fn tick(&mut self) {
        self.registry.tick(self.now);
        self.apply();
    }

    /// One read by `client`, answered whole at once, as the phone receives it.
    pub fn read(&mut self, client: &Client, name: &str) -> Answer {
        self.advance(REQUEST_MS);
        let (serve, tag) = self.registry.read(self.now, client, name);
        self.apply();
        let bytes = match serve {
            // The phone reads error 1 whatever its text.
            Serve::NotFound | Serve::HeldBack(_) => return Answer::NotFound,
            Serve::Refused(_) => {
                return Answer::Error {
                    code: code::ACCESS_VIOLATION,
                    message: "Access violation".into(),
                }
            }
            Serve::Bytes(bytes) | Serve::File(bytes) => bytes,
        };
        let size = bytes.len() as u64;
        self.registry.progress(&tag, size, Some(size));
        self.registry.finished(self.now, &tag, Ok(size));
        self.apply();
        Answer::Served {
            size,
            contents: Some(bytes),
        }
    }

    /// Boots `handset` once, reading every file from the registry; then it reboots (or stays
    /// quiet) for [`REBOOT_MS`], and time passes.
    pub fn power_cycle(&mut self, handset: &mut Handset, number: usize) -> Boot {
        let phone = Phone {
            mac: Some(handset.mac.clone()),
            ..Phone::new(handset.model)
        };
        let running = LoadId::parse(&handset.running).expect("a bench phone runs a load");
        let client = Client {
            lease: Some(handset.mac.clone()),
            ..Client::at(handset.address)
        };
        self.booting = Some((handset.mac.clone(), handset.running.clone(), handset.model));
        let boot = phone.boot(
            number,
            &running,
            &mut Wire {
                bench: self,
                client,
            },
        );
        self.booting = None;
        handset.running = boot.after.clone();
        self.advance(REBOOT_MS);
        self.tick();
        boot
    }

    /// What `handset` announces in CDP as it boots: an SCCP or MGCP load its own ID from
    /// `SEP<MAC>`, a SIP application of the UAL era its package's loader ID from `SIP<MAC>`
    /// (VOIPHOPPER), an older SIP image its own ID; a bare loader its own ID from `SEP<MAC>`, as
    /// a 7940 whose application did not start announced its load (VI-FWISSUES).
    pub fn cdp(&self, handset: &Handset) -> Option<Fact> {
        let id = LoadId::parse(&handset.running).ok()?;
        let sip = id.kind() == Kind::Application && id.protocol() == Some(Protocol::Sip);
        let load = match self.registry.knowledge.matrix.by_name(&handset.running) {
            Some(l) if sip => l.loader.clone().unwrap_or_else(|| handset.running.clone()),
            _ => handset.running.clone(),
        };
        Some(Fact::Cdp {
            mac: handset.mac.clone(),
            sip,
            load,
            model: Some("Cisco IP Phone 7940".into()),
        })
    }

    /// Power-cycles `handset` (at most `max` times) until it runs `target` and serve says it is
    /// done, and once more: it must stay there.
    pub fn walk(&mut self, handset: &mut Handset, target: &str, max: usize) -> Walk {
        self.walk_with(handset, target, max, false)
    }

    /// [`Bench::walk`], the phone announcing its load in CDP before each boot when `cdp`.
    pub fn walk_with(
        &mut self,
        handset: &mut Handset,
        target: &str,
        max: usize,
        cdp: bool,
    ) -> Walk {
        let mut walk = Walk {
            loads: vec![handset.running.clone()],
            ..Walk::default()
        };
        let mut cycles = 0;
        while cycles < max {
            if handset.running == target {
                walk.boots.get_or_insert(cycles);
            }
            let state = self.registry.phones.get(&handset.mac).map(|p| p.state);
            if state == Some(State::Done) {
                if walk.done_after.is_some() {
                    break;
                }
                walk.done_after = Some(cycles);
            }
            cycles += 1;
            if let Some(fact) = self.cdp(handset).filter(|_| cdp) {
                self.registry.fact(self.now, &fact);
                self.apply();
            }
            let before = handset.running.clone();
            self.power_cycle(handset, cycles);
            if handset.running != before {
                walk.flashes.push((before, handset.running.clone()));
                walk.loads.push(handset.running.clone());
            }
        }
        walk
    }
}

/// The registry as the phone model's TFTP server.
struct Wire<'b, 'm> {
    bench: &'b mut Bench<'m>,
    client: Client,
}

impl Server for Wire<'_, '_> {
    fn read(&mut self, name: &str) -> Answer {
        self.bench.read(&self.client, name)
    }
}

/// One walk of [`walk_catalogue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walked {
    pub target: String,
    /// The load the phone really ran at first.
    pub from: String,
    /// What serve learnt of the phone besides its requests (`--all` and nothing else: by its
    /// requests alone).
    pub way: Way,
    pub walk: Walk,
    /// serve's state for the phone at the end (`None`: serve never managed it).
    pub state: Option<State>,
}

/// Power cycles a walk may take before it counts as not arriving.
pub const MAX_BOOTS: usize = 100;

/// Every load a phone may run, walked through serve in memory to every target the planner
/// reaches from it (of the targets `wanted` takes), on one bench per target
/// ([`Memory::catalogue`], `--all`): once with serve told the load, once not.
pub fn walk_catalogue(matrix: &Matrix, wanted: impl Fn(&LoadId) -> bool) -> Vec<Walked> {
    walk_catalogue_as(matrix, wanted, &[Way::REQUESTS, Way::TOLD])
}

/// What serve learns of a phone besides its requests, in a walk of [`walk_catalogue_as`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Way {
    /// serve is told its load (`MAC from=LOAD`).
    pub told: bool,
    /// It announces its load in CDP before each boot ([`Bench::cdp`]).
    pub cdp: bool,
    /// It answers serve's ask for its web page ([`Bench::web`]).
    pub web: bool,
}

impl Way {
    /// Nothing but its requests.
    pub const REQUESTS: Way = Way {
        told: false,
        cdp: false,
        web: false,
    };
    pub const TOLD: Way = Way {
        told: true,
        cdp: false,
        web: false,
    };
    pub const CDP: Way = Way {
        told: false,
        cdp: true,
        web: false,
    };
    pub const WEB: Way = Way {
        told: false,
        cdp: false,
        web: true,
    };
}

/// [`walk_catalogue`], each phone once for each of `ways`.
pub fn walk_catalogue_as(
    matrix: &Matrix,
    wanted: impl Fn(&LoadId) -> bool,
    ways: &[Way],
) -> Vec<Walked> {
    let knowledge = Knowledge::new(matrix, None);
    let universe = knowledge.universe();
    let mut walked = Vec::new();
    let targets = universe
        .iter()
        .filter(|t| LoadId::parse(t).is_ok_and(|id| wanted(&id)));
    for target in targets {
        let starts: Vec<&String> = universe
            .iter()
            .filter(|from| knowledge.proposal(from, target).reaches())
            .collect();
        if starts.iter().all(|from| *from == target) {
            continue;
        }
        let mut roster = Roster {
            all: true,
            target: target.clone(),
            ..Roster::default()
        };
        let mut handsets = Vec::new();
        for from in &starts {
            for &way in ways {
                let handset = Handset::new(handsets.len() as u32, from);
                if way.told {
                    roster
                        .phones
                        .insert(handset.mac.clone(), (None, Some(from.to_string())));
                }
                handsets.push((handset, way));
            }
        }
        let mut bench = Bench::new(matrix, Memory::catalogue(matrix), roster);
        for (mut handset, way) in handsets {
            let from = handset.running.clone();
            bench.web = way.web;
            let walk = bench.walk_with(&mut handset, target, MAX_BOOTS, way.cdp);
            let state = bench.registry.phones.get(&handset.mac).map(|p| p.state);
            walked.push(Walked {
                target: target.clone(),
                from,
                way,
                walk,
                state,
            });
        }
    }
    walked
}

/// The boots of [`walk_catalogue`]'s walks by the load each phone started on, and whether serve
/// was told it: (walks, power cycles in all, the most any walk took).
pub fn boots_by_start(walked: &[Walked]) -> BTreeMap<(String, bool), (usize, usize, usize)> {
    let mut by_start: BTreeMap<(String, bool), (usize, usize, usize)> = BTreeMap::new();
    for w in walked {
        let boots = w.walk.boots.unwrap_or(MAX_BOOTS);
        let entry = by_start.entry((w.from.clone(), w.way.told)).or_default();
        entry.0 += 1;
        entry.1 += boots;
        entry.2 = entry.2.max(boots);
    }
    by_start
}
