//! What a phone gives away besides its requests, as facts without I/O: its CDP announcement
//! (device ID `SEP<MAC>` or `SIP<MAC>`, platform, software version) and its own web page
//! (`DeviceInformationX`: `appLoadID`, `modelNumber`), read from what [`crate::wire::cdp`] and
//! [`crate::wire::device_info`] parsed (the driver hears and fetches them). Here they narrow the
//! loads a managed phone may run, and only to loads the requests of its boot so far still allow:
//! the requests of each boot are replayed on the phone model whatever a fact said, and a phone
//! whose requests a fact contradicts is placed from every load again. A fact never narrows after
//! a boot fetched a stage's firmware, nor while the next boot must show a stage taken, except to
//! the load the stage leads to, which only a phone running it announces: the stage took. A fact
//! that contradicts the load the phones file names (`from=`, before any stage) wins over it, with
//! a `heard` event naming both. A SIP application of the UAL era announces its package's loader
//! ID (`P003-08-x-00`, VOIPHOPPER), so `SIP<MAC>` with a loader ID means that package's SIP
//! application. A phone whose application has not started announces `SEP<MAC>` with a load ID
//! (VI-FWISSUES: a 7940 at "Protocol Application Invalid", `SEP…` with `P00308000100`), so
//! `SEP<MAC>` with a loader ID means that bare loader. Should a SIP application's loader send
//! the same early in a boot (not known), nothing unsafe follows: the one step the bare loader
//! may take leads to that very application, and the requests then place the phone again. Read
//! as "the loader or its application", a phone in the loader written down as the application
//! (`from=`) would keep the application's steps, which are not safe from the loader.
//!
//! May use: what [`crate::wire::serve::registry`] may, and the readings of
//! [`crate::wire::cdp::announcement`] and [`crate::wire::device_info::page`].

use crate::knowledge::load_id::{Kind, LoadId};
use crate::output::Untrusted;
use crate::wire::cdp::{CdpAnnouncement, DevicePrefix};
use crate::wire::device_info::DeviceInfo;
use crate::wire::serve::directory::Directory;
use crate::wire::serve::events::{Event, Kind as EventKind, State};
use crate::wire::serve::phones::Phone;
use crate::wire::serve::placement::{describe, replay, Placement};
use crate::wire::serve::registry::{Effect, Now, Registry};
use core::net::SocketAddr;

/// The most of a model name kept.
const MODEL_CHARS: usize = 40;

/// A fact about one phone, heard or read by the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// A CDP announcement.
    Cdp {
        mac: String,
        /// The device ID is `SIP<MAC>` (a SIP application) rather than `SEP<MAC>`.
        sip: bool,
        /// The software version it announces, a load ID as sent.
        load: String,
        /// Its platform, such as `Cisco IP Phone 7960`.
        model: Option<String>,
    },
    /// The phone's `DeviceInformationX` page, whose MAC matched.
    WebPage {
        mac: String,
        app_load: Option<String>,
        model: Option<String>,
    },
}

impl Fact {
    /// The phone it is about: twelve hex digits.
    pub fn mac(&self) -> &str {
        match self {
            Fact::Cdp { mac, .. } | Fact::WebPage { mac, .. } => mac,
        }
    }

    fn model(&self) -> Option<&str> {
        match self {
            Fact::Cdp { model, .. } | Fact::WebPage { model, .. } => model.as_deref(),
        }
    }
}

/// The loads of `universe` a fact says a phone may run (empty: it says nothing serve knows).
pub fn announced(
    universe: &[String],
    loader_of: &dyn Fn(&str) -> Option<String>,
    fact: &Fact,
) -> Vec<String> {
    let (load, sip) = match fact {
        Fact::Cdp { load, sip, .. } => (load.as_str(), *sip),
        Fact::WebPage {
            app_load: Some(load),
            ..
        } => (load.as_str(), false),
        Fact::WebPage { .. } => return Vec::new(),
    };
    let Ok(said) = LoadId::parse(load.trim()) else {
        return Vec::new();
    };
    universe
        .iter()
        .filter(|name| {
            let Ok(id) = LoadId::parse(name) else {
                return false;
            };
            if sip && said.kind() == Kind::Loader {
                // A SIP application announcing its package's loader.
                return id.kind() == Kind::Application
                    && loader_of(name).is_some_and(|l| {
                        LoadId::parse(&l).is_ok_and(|l| l.match_key() == said.match_key())
                    });
            }
            id.match_key() == said.match_key()
        })
        .cloned()
        .collect()
}

/// The most facts kept for phones serve has not seen ask yet (`--all`): a LAN's worth of CDP
/// frames cannot grow serve's memory past this.
pub const MAX_HEARD: usize = 256;

impl Fact {
    /// What a CDP announcement says about a phone: believed only when its Device ID is
    /// `SEP<MAC>`/`SIP<MAC>` of the frame's own sender and it names a software version.
    pub fn from_cdp(heard: &CdpAnnouncement) -> Option<Fact> {
        let mac = heard.phone_mac()?;
        let prefix = heard.prefix()?;
        let load = heard.software.as_ref()?.text.trim();
        if load.is_empty() {
            return None;
        }
        Some(Fact::Cdp {
            mac: mac.to_string(),
            sip: prefix == DevicePrefix::Sip,
            load: load.chars().take(MODEL_CHARS).collect(),
            model: heard.model().map(|m| m.to_string()),
        })
    }

    /// What the page `mac`'s address served says: believed only when its `MACAddress` is `mac`.
    pub fn from_page(mac: &str, page: &DeviceInfo) -> Option<Fact> {
        let said = page.mac()?.to_string();
        (said == mac).then(|| Fact::WebPage {
            mac: said,
            app_load: page
                .app_load_id
                .as_ref()
                .map(|l| l.chars().take(MODEL_CHARS).collect()),
            model: page.model().map(|m| m.to_string()),
        })
    }

    /// Where it comes from, and what it says, in words (escaped: it is the network's text).
    fn words(&self) -> String {
        match self {
            Fact::Cdp { sip, load, .. } => format!(
                "its CDP announcement ({} with software {})",
                if *sip { "SIP<MAC>" } else { "SEP<MAC>" },
                Untrusted(load)
            ),
            Fact::WebPage { app_load, .. } => format!(
                "its web page (DeviceInformationX, appLoadID {})",
                Untrusted(app_load.as_deref().unwrap_or("-"))
            ),
        }
    }
}

/// What a fact did to a phone's placement.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Taken {
    /// Nothing: it names no load the phone may run, or came when it may not narrow.
    Nothing,
    /// Fewer loads than before.
    Narrowed,
    /// It replaced the load the phones file names (`from=`), which it contradicts.
    Overrode { told: String },
}

/// Whether a fact may narrow the loads `phone` may run now: not once it is done or failed,
/// never after a boot fetched a stage's firmware (the phone may already run another load), and
/// never while the next boot must show a stage taken (the load the stage leads to is still
/// possible). A stage the requests already showed did not lead where expected no longer stops
/// it. Serve asks for a phone's web page only when this holds.
fn fact_may_narrow(phone: &Phone) -> bool {
    let placement = &phone.placement;
    !matches!(phone.state, State::Done | State::Failed)
        && placement.sent.is_empty()
        && !placement
            .expected
            .as_ref()
            .is_some_and(|e| placement.candidates.contains(e))
}

/// Whether a fact that names `named` shows the stage `phone` took: after a boot fetched a
/// stage's firmware whole, the phone is expected back on the load the stage leads to, and a fact
/// naming that load alone can only come from a phone that runs it (a phone still on the load it
/// left announces that one). Without it, the next boot's requests must show the stage taken,
/// and where the old and the new load ask for the same files that costs a power cycle.
fn shows_stage_taken(phone: &Phone, named: &[String]) -> bool {
    let placement = &phone.placement;
    !matches!(phone.state, State::Done | State::Failed)
        && placement.sent.is_empty()
        && placement
            .expected
            .as_ref()
            .is_some_and(|e| named == std::slice::from_ref(e) && placement.candidates.contains(e))
}

/// Narrows `placement` to the loads a fact `named` (once [`fact_may_narrow`] says it may), and
/// only to loads the requests of the boot so far still allow. A phone whose only basis is the
/// phones file (`told`, before any stage) is placed from the fact instead when they disagree
/// and the requests allow the fact's loads.
fn narrow(placement: &mut Placement, mac: &str, named: &[String], told: Option<&str>) -> Taken {
    if named.is_empty() {
        return Taken::Nothing;
    }
    let in_boot = !placement.boot.is_empty();
    let allowed = |c: &String| !in_boot || replay(c, mac, &placement.boot).is_some();
    let kept: Vec<String> = placement
        .candidates
        .iter()
        .filter(|c| named.contains(c) && allowed(c))
        .cloned()
        .collect();
    let taken = match told {
        Some(told) if kept.is_empty() && placement.candidates == [told] => {
            let instead: Vec<String> = named.iter().filter(|c| allowed(c)).cloned().collect();
            if instead.is_empty() {
                return Taken::Nothing;
            }
            placement.candidates = instead;
            Taken::Overrode {
                told: told.to_string(),
            }
        }
        _ if kept.is_empty() || kept.len() == placement.candidates.len() => return Taken::Nothing,
        _ => {
            placement.candidates = kept;
            Taken::Narrowed
        }
    };
    if in_boot {
        placement.current = placement.candidates.clone();
    } else {
        placement.probe = None;
    }
    taken
}

impl<D: Directory> Registry<'_, D> {
    /// Takes a fact about a phone: a managed phone's model is kept for its row, and the loads
    /// it may run are narrowed to those the fact names, when [`narrow`] allows (a phone not seen
    /// yet starts from them; under `--all` the fact waits for its first request). A fact that
    /// contradicts the load the phones file names wins over it, with a `heard` event naming
    /// both. Returns whether it narrowed anything.
    pub fn fact(&mut self, now: Now, fact: &Fact) -> bool {
        self.now = now;
        let mac = fact.mac().to_string();
        let Some((target, hint)) = self.roster.target_of(&mac) else {
            return false;
        };
        let phone = match self.phones.remove(&mac) {
            Some(phone) => phone,
            None if self.roster.phones.contains_key(&mac) => {
                self.new_phone(&mac, &target, hint, None)
            }
            None => {
                // --all: a phone that has not asked yet; kept until it does, a bounded few.
                self.heard.retain(|f| f.mac() != mac);
                if self.heard.len() >= MAX_HEARD {
                    self.heard.pop_front();
                }
                self.heard.push_back(fact.clone());
                return false;
            }
        };
        self.take(phone, fact)
    }

    /// A managed phone seen for the first time: from the load the phones file names, else from
    /// every load; then what was heard of it before it asked.
    pub(super) fn new_phone(
        &mut self,
        mac: &str,
        target: &str,
        hint: Option<String>,
        from: Option<SocketAddr>,
    ) -> Phone {
        let candidates = match hint.filter(|h| self.knowledge.matrix.by_name(h).is_some()) {
            Some(hint) => vec![hint],
            None => self.knowledge.universe(),
        };
        let mut phone = Phone::new(mac, target, candidates);
        // Set before a fact it was heard with is said: its `heard` event names the client (none
        // yet for a phone heard in CDP before it asks).
        phone.address = from.map(|from| from.to_string());
        match self.heard.iter().position(|f| f.mac() == mac) {
            Some(at) => {
                let fact = self.heard.remove(at).expect("found");
                self.apply_fact(&mut phone, &fact);
                phone
            }
            None => phone,
        }
    }

    /// At the first request of a boot of a phone serve has not placed: ask for its web page
    /// (once a boot; the driver bounds the asking in time and size), when a fact may narrow its
    /// loads ([`fact_may_narrow`]).
    pub(super) fn ask_page(&mut self, phone: &mut Phone, from: SocketAddr, boot_starts: bool) {
        if boot_starts && phone.placement.possible().len() > 1 && fact_may_narrow(phone) {
            self.effects.push_back(Effect::AskPage {
                mac: phone.mac.clone(),
                address: from.ip(),
            });
        }
    }

    /// When a boot ends: the fact heard while it fetched a stage's firmware, if any, taken now
    /// that serve knows which load the stage leads to, and only when it names that load
    /// ([`shows_stage_taken`]): a phone that had not rebooted yet announced the load it left.
    pub(super) fn boot_ended(&mut self, phone: &mut Phone) {
        let Some(fact) = self.heard_after_stage.remove(&phone.mac) else {
            return;
        };
        if shows_stage_taken(phone, &self.named_by(&fact)) {
            self.apply_fact(phone, &fact);
        }
    }

    /// The catalogue's loads `fact` says a phone may run ([`announced`]).
    fn named_by(&self, fact: &Fact) -> Vec<String> {
        let matrix = self.knowledge.matrix;
        let loader = |name: &str| matrix.by_name(name).and_then(|l| l.loader.clone());
        announced(&self.knowledge.universe(), &loader, fact)
    }

    fn take(&mut self, mut phone: Phone, fact: &Fact) -> bool {
        let mac = phone.mac.clone();
        let applied = self.apply_fact(&mut phone, fact);
        self.phones.insert(mac.clone(), phone);
        if applied.model || applied.narrowed {
            self.save();
            self.show(&mac);
        }
        applied.narrowed
    }

    /// Keeps the model a fact names and narrows the phone's loads by it; tells what it did, and
    /// says what changed.
    fn apply_fact(&mut self, phone: &mut Phone, fact: &Fact) -> Applied {
        let mut applied = Applied::default();
        if let Some(model) = fact.model() {
            // Shown escaped by the view; kept short.
            let model: String = model.chars().take(MODEL_CHARS).collect();
            applied.model = phone.model.as_ref() != Some(&model);
            phone.model = Some(model);
        }
        let named = self.named_by(fact);
        let stage_taken = shows_stage_taken(phone, &named);
        if !stage_taken && !fact_may_narrow(phone) {
            let placement = &phone.placement;
            if !placement.sent.is_empty() && !matches!(phone.state, State::Done | State::Failed) {
                self.heard_after_stage
                    .insert(phone.mac.clone(), fact.clone());
            }
            return applied;
        }
        let told = self
            .roster
            .phones
            .get(&phone.mac)
            .and_then(|(_, hint)| hint.clone())
            .filter(|_| phone.history.is_empty());
        let before = phone.placement.candidates.len();
        let taken = narrow(&mut phone.placement, &phone.mac, &named, told.as_deref());
        let why = match &taken {
            Taken::Nothing => return applied,
            Taken::Narrowed if stage_taken => {
                phone.placement.expected = None;
                phone.placement.left.clear();
                format!(
                    "{} names {}, the load its last stage leads to: the stage took",
                    fact.words(),
                    describe(&phone.placement.candidates)
                )
            }
            Taken::Narrowed => format!(
                "{}: serve narrows the loads it may run from {before} to {}",
                fact.words(),
                describe(&phone.placement.candidates)
            ),
            Taken::Overrode { told } => format!(
                "the phones file says it runs {told} (from={told}), but {} names {}: serve believes the phone over the phones file (its requests still decide)",
                fact.words(),
                describe(&phone.placement.candidates)
            ),
        };
        let address = phone.address.clone().unwrap_or_else(|| "-".into());
        let mut event = Event::new(EventKind::Heard, Some(&phone.mac), address, true).why(why);
        if let [one] = phone.placement.candidates.as_slice() {
            event.load = Some(one.clone());
        }
        self.emit(event);
        applied.narrowed = true;
        applied
    }
}

/// What [`Registry::apply_fact`] changed in a phone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Applied {
    /// The model it keeps.
    model: bool,
    /// The loads it may run.
    narrowed: bool,
}

#[cfg(test)]
mod tests;
