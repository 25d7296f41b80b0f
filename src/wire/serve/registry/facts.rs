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
//! application.
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
        let universe = self.knowledge.universe();
        let matrix = self.knowledge.matrix;
        let loader = |name: &str| matrix.by_name(name).and_then(|l| l.loader.clone());
        if shows_stage_taken(phone, &announced(&universe, &loader, &fact)) {
            self.apply_fact(phone, &fact);
        }
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
        let universe = self.knowledge.universe();
        let matrix = self.knowledge.matrix;
        let loader = |name: &str| matrix.by_name(name).and_then(|l| l.loader.clone());
        let named = announced(&universe, &loader, fact);
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
mod tests {
    use super::*;
    use crate::files::mac::Mac;
    use crate::knowledge::matrix::Matrix;
    use crate::knowledge::phones::Model;
    use crate::knowledge::Builtin;
    use crate::plan::check::{check, Verdict};
    use crate::wire::cdp::{parse_frame, CdpFrame};
    use crate::wire::serve::events::Message;
    use crate::wire::serve::memory::{Bench, Handset, Memory};
    use crate::wire::serve::phones::Roster;

    const TARGET: &str = "P0S3-08-11-00";

    fn bench(matrix: &Matrix, all: bool) -> Bench<'_> {
        let roster = Roster {
            all,
            target: TARGET.into(),
            ..Roster::default()
        };
        Bench::new(matrix, Memory::catalogue(matrix), roster)
    }

    fn cdp(mac: &str, sip: bool, load: &str) -> Fact {
        Fact::Cdp {
            mac: mac.into(),
            sip,
            load: load.into(),
            model: Some("Cisco IP Phone 7960".into()),
        }
    }

    #[test]
    fn a_fact_names_the_loads_it_may_mean() {
        let matrix = Matrix::builtin().unwrap();
        let b = bench(&matrix, true);
        let universe = b.registry.knowledge.universe();
        let loader = |name: &str| matrix.by_name(name).and_then(|l| l.loader.clone());
        let named = |fact: &Fact| announced(&universe, &loader, fact);
        // SIP<MAC> with a loader ID: that package's SIP application, not the bare loader.
        assert_eq!(named(&cdp("A", true, "P003-08-8-00")), ["P0S3-08-8-00"]);
        // SEP<MAC> with an SCCP load ID: that load; with a loader ID: the bare loader.
        assert_eq!(named(&cdp("A", false, "P00308000700")), ["P00308000700"]);
        assert_eq!(named(&cdp("A", false, "P003-08-8-00")), ["P003-08-8-00"]);
        assert_eq!(named(&cdp("A", true, "P0S3-06-3-00")), ["P0S3-06-3-00"]);
        // Something no load of the catalogue is: nothing.
        assert!(named(&cdp("A", false, "hello\u{1b}[2J")).is_empty());
        assert!(named(&cdp("A", false, "P00399999999")).is_empty());
        let page = |app: Option<&str>| Fact::WebPage {
            mac: "A".into(),
            app_load: app.map(String::from),
            model: Some("CP-7940G".into()),
        };
        assert_eq!(named(&page(Some("P00308010200"))), ["P00308010200"]);
        assert!(named(&page(None)).is_empty());
    }

    #[test]
    fn a_fact_places_a_managed_phone_before_its_first_request_and_keeps_its_model() {
        let matrix = Matrix::builtin().unwrap();
        let mut b = bench(&matrix, false);
        b.registry
            .roster
            .phones
            .insert("0018B9000001".into(), (None, None));
        // Not managed: nothing kept.
        assert!(!b
            .registry
            .fact(b.now, &cdp("0018B9000002", false, "P00308000500")));
        assert!(!b.registry.phones.contains_key("0018B9000002"));
        assert!(b
            .registry
            .fact(b.now, &cdp("0018B9000001", false, "P00308000500")));
        let phone = &b.registry.phones["0018B9000001"];
        assert_eq!(phone.placement.candidates, ["P00308000500"]);
        assert_eq!(phone.model.as_deref(), Some("Cisco IP Phone 7960"));
        let rows: Vec<_> = std::iter::from_fn(|| b.registry.poll_effect())
            .filter_map(|e| match e {
                Effect::Show(Message::Row(row)) => Some(row),
                _ => None,
            })
            .collect();
        assert_eq!(rows[0].model.as_deref(), Some("Cisco IP Phone 7960"));
        assert_eq!(rows[0].running, "P00308000500");
        // A fact naming a load it may no longer run narrows nothing.
        assert!(!b
            .registry
            .fact(b.now, &cdp("0018B9000001", true, "P003-08-8-00")));
        assert_eq!(
            b.registry.phones["0018B9000001"].placement.candidates,
            ["P00308000500"]
        );
        // A long model name is kept short.
        let long = Fact::WebPage {
            mac: "0018B9000001".into(),
            app_load: None,
            model: Some("x".repeat(500)),
        };
        let effects = |b: &mut Bench<'_>| {
            let all = std::iter::from_fn(|| b.registry.poll_effect());
            all.filter(|e| matches!(e, Effect::Save | Effect::Show(Message::Row(_))))
                .count()
        };
        effects(&mut b);
        assert!(!b.registry.fact(b.now, &long));
        assert_eq!(
            b.registry.phones["0018B9000001"]
                .model
                .as_deref()
                .map(str::len),
            Some(MODEL_CHARS)
        );
        // A new model is saved and shown; the same one again changes nothing.
        assert_eq!(effects(&mut b), 2);
        assert!(!b.registry.fact(b.now, &long));
        assert_eq!(effects(&mut b), 0);
    }

    #[test]
    fn a_phone_announcing_its_load_walks_in_exactly_its_stages() {
        let matrix = Matrix::builtin().unwrap();
        let mut b = bench(&matrix, true);
        for (n, from, stages) in [
            (1, "P00308000500", 1),
            (2, "P0S3-08-9-00", 1),
            (3, "P0S3-06-3-00", 2),
        ] {
            let mut handset = Handset::new(n, from);
            let walk = b.walk_with(&mut handset, TARGET, 10, true);
            assert_eq!(walk.boots, Some(stages), "{from}: {walk:?}");
            assert_eq!(b.registry.phones[&handset.mac].state, State::Done, "{from}");
        }
    }

    /// The verdicts `check` gives the images a walk took.
    fn verdicts(matrix: &Matrix, flashes: &[(String, String)]) -> Vec<Verdict> {
        flashes
            .iter()
            .map(|(from, to)| check(matrix, from, to, Model::M7940).unwrap().verdict)
            .collect()
    }

    #[test]
    fn a_fact_that_contradicts_the_phones_file_wins_over_it_and_says_so() {
        let matrix = Matrix::builtin().unwrap();
        // SIP 3.0 written down as SIP 4.4: believed, it is given SIP 5.3, which check refuses.
        let (real, told) = ("P0S3-03-0-00", "P0S3-04-4-00");
        let mut wrong = bench(&matrix, false);
        let mut handset = Handset::new(1, real);
        let phones = &mut wrong.registry.roster.phones;
        phones.insert(handset.mac.clone(), (None, Some(told.into())));
        let walk = wrong.walk(&mut handset, TARGET, 20);
        assert!(
            verdicts(&matrix, &walk.flashes).contains(&Verdict::Refused),
            "without a fact the phones file is believed: {walk:?}"
        );
        let mut b = bench(&matrix, false);
        let mut handset = Handset::new(1, real);
        let phones = &mut b.registry.roster.phones;
        phones.insert(handset.mac.clone(), (None, Some(told.into())));
        let walk = b.walk_with(&mut handset, TARGET, 20, true);
        assert!(
            verdicts(&matrix, &walk.flashes)
                .iter()
                .all(|v| *v == Verdict::Safe),
            "{walk:?}"
        );
        // As many power cycles as told rightly, announcing its load as well: its 4 stages (one
        // more told rightly without CDP: docs/serve-placement.md).
        let mut rightly = bench(&matrix, false);
        let mut again = Handset::new(1, real);
        let phones = &mut rightly.registry.roster.phones;
        phones.insert(again.mac.clone(), (None, Some(real.into())));
        let told_rightly = rightly.walk_with(&mut again, TARGET, 20, true).boots;
        assert_eq!((walk.boots, told_rightly), (Some(4), Some(4)));
        // One `heard` overrides the phones file; the others show stages taken.
        let heard: Vec<_> = b
            .events
            .iter()
            .filter(|e| e.event == EventKind::Heard)
            .filter(|e| {
                !e.why
                    .as_deref()
                    .is_some_and(|w| w.ends_with("the stage took"))
            })
            .collect();
        assert_eq!(heard.len(), 1, "{heard:?}");
        assert_eq!(heard[0].load.as_deref(), Some(real));
        assert_eq!(
            heard[0].why.as_deref(),
            Some("the phones file says it runs P0S3-04-4-00 (from=P0S3-04-4-00), but its CDP announcement (SIP<MAC> with software P0S3-03-0-00) names P0S3-03-0-00: serve believes the phone over the phones file (its requests still decide)")
        );
    }

    #[test]
    fn a_fact_after_a_stage_was_fetched_or_while_the_next_boot_must_show_it_narrows_nothing() {
        let mut phone = Phone::new("M", TARGET, vec!["A".into(), "B".into(), "C".into()]);
        let named = ["A".to_string()];
        assert!(fact_may_narrow(&phone));
        phone.placement.sent = vec!["B.loads".into()];
        assert!(!fact_may_narrow(&phone));
        phone.placement.sent.clear();
        phone.placement.expected = Some("B".into());
        assert!(!fact_may_narrow(&phone));
        phone.placement.expected = None;
        for state in [State::Done, State::Failed] {
            phone.state = state;
            assert!(!fact_may_narrow(&phone));
        }
        let placement = &mut phone.placement;
        assert_eq!(narrow(placement, "M", &named, Some("B")), Taken::Narrowed);
        assert_eq!(placement.candidates, ["A"]);
        // The phones file's load, confirmed: nothing to do.
        let mut told = Placement::new(vec!["B".into()]);
        assert_eq!(
            narrow(&mut told, "M", &["B".into()], Some("B")),
            Taken::Nothing
        );
        // Contradicted: replaced; a fact naming nothing: nothing.
        assert_eq!(narrow(&mut told, "M", &[], Some("B")), Taken::Nothing);
        assert_eq!(
            narrow(&mut told, "M", &named, Some("B")),
            Taken::Overrode { told: "B".into() }
        );
        assert_eq!(told.candidates, ["A"]);
    }

    #[test]
    fn only_a_fact_naming_the_load_a_stage_leads_to_alone_shows_the_stage_taken() {
        let mut phone = Phone::new("M", TARGET, vec!["B".into(), "A".into()]);
        let b = ["B".to_string()];
        phone.placement.expected = Some("B".into());
        phone.placement.left = vec!["A".into()];
        assert!(shows_stage_taken(&phone, &b));
        // The load it left, both, or nothing: the next boot must still show it.
        assert!(!shows_stage_taken(&phone, &["A".into()]));
        assert!(!shows_stage_taken(&phone, &["B".into(), "A".into()]));
        assert!(!shows_stage_taken(&phone, &[]));
        // Not while the boot that fetched the stage's firmware goes on, nor once done or
        // failed, nor once the requests ruled the load out.
        phone.placement.sent = vec!["B.loads".into()];
        assert!(!shows_stage_taken(&phone, &b));
        phone.placement.sent.clear();
        for state in [State::Done, State::Failed] {
            phone.state = state;
            assert!(!shows_stage_taken(&phone, &b));
        }
        phone.state = State::Rebooting;
        phone.placement.candidates = vec!["A".into()];
        assert!(!shows_stage_taken(&phone, &b));
        phone.placement.expected = None;
        assert!(!shows_stage_taken(&phone, &b));
    }

    /// MGCP 7.7, SIP 3.0 and SIP 2.2: after a stage, the load they left and the one the stage
    /// leads to ask for the same files, so by requests alone the boot after the stage can only
    /// show it. The phone's CDP in that boot names the new load, which only a phone running it
    /// announces: with it each walks in exactly its stages (one more before), by safe steps,
    /// and the `heard` event says the stage took.
    #[test]
    fn a_phone_announcing_the_load_its_stage_leads_to_shows_the_stage_taken() {
        let matrix = Matrix::builtin().unwrap();
        for (n, from, stages) in [
            (1, "P0M3-07-7-00", 2),
            (2, "P0S3-03-0-00", 4),
            (3, "P0S30202", 4),
        ] {
            let mut b = bench(&matrix, true);
            let mut handset = Handset::new(n, from);
            let walk = b.walk_with(&mut handset, TARGET, 20, true);
            assert_eq!(walk.boots, Some(stages), "{from}: {walk:?}");
            assert!(
                verdicts(&matrix, &walk.flashes)
                    .iter()
                    .all(|v| *v == Verdict::Safe),
                "{walk:?}"
            );
            let took: Vec<_> = b
                .events
                .iter()
                .filter(|e| e.event == EventKind::Heard)
                .filter_map(|e| e.why.as_deref())
                .filter(|why| why.ends_with("the load its last stage leads to: the stage took"))
                .collect();
            assert!(!took.is_empty(), "{from}: {:?}", b.events);
        }
        let mut b = bench(&matrix, true);
        let mut handset = Handset::new(1, "P0M3-07-7-00");
        b.walk_with(&mut handset, TARGET, 20, true);
        let why = b
            .events
            .iter()
            .find(|e| {
                e.why
                    .as_deref()
                    .is_some_and(|w| w.contains("the stage took"))
            })
            .and_then(|e| e.why.clone());
        assert_eq!(
            why.as_deref(),
            Some("its CDP announcement (SEP<MAC> with software P00307020300) names P00307020300, the load its last stage leads to: the stage took")
        );
    }

    #[test]
    fn the_page_is_asked_for_when_a_fact_may_narrow_also_after_a_stage_the_requests_disproved() {
        let matrix = Matrix::builtin().unwrap();
        let mut b = bench(&matrix, false);
        let mac = "0018B9000001";
        b.registry.roster.phones.insert(mac.into(), (None, None));
        let loads = ["P00308000500", "P00308000700", "P0S3-08-9-00"];
        let mut phone = Phone::new(mac, TARGET, loads.map(String::from).to_vec());
        let from = SocketAddr::from(([127, 0, 0, 1], 2000));
        let asked = |b: &mut Bench<'_>, phone: &mut Phone| {
            b.registry.ask_page(phone, from, true);
            std::iter::from_fn(|| b.registry.poll_effect())
                .any(|e| matches!(e, Effect::AskPage { .. }))
        };
        assert!(asked(&mut b, &mut phone));
        // The next boot must show the stage taken: neither asked nor narrowed.
        phone.placement.expected = Some(loads[2].into());
        assert!(!asked(&mut b, &mut phone));
        b.registry.phones.insert(mac.into(), phone);
        let page = |load: &str| Fact::WebPage {
            mac: mac.into(),
            app_load: Some(load.into()),
            model: None,
        };
        assert!(!b.registry.fact(b.now, &page(loads[1])));
        assert_eq!(b.registry.phones[mac].placement.candidates, loads);
        let mut phone = b.registry.phones.remove(mac).unwrap();
        // A stage its requests showed did not lead where expected (the load it led to is no
        // longer possible): asked, and the page's fact narrows. (ask_page asked only with no
        // stage expected at all, narrow whenever the expected load was ruled out.)
        phone.placement.expected = Some(TARGET.into());
        assert!(asked(&mut b, &mut phone));
        b.registry.phones.insert(mac.into(), phone);
        assert!(b.registry.fact(b.now, &page(loads[1])));
        assert_eq!(b.registry.phones[mac].placement.candidates, [loads[1]]);
    }

    #[test]
    fn serve_asks_for_a_page_once_a_boot_only_while_it_has_not_placed_the_phone() {
        let matrix = Matrix::builtin().unwrap();
        let mut b = bench(&matrix, true);
        b.web = true;
        // An SCCP 8.0(7) phone serves its page: asked once, placed, one power cycle.
        let walk = b.walk(&mut Handset::new(1, "P00308000700"), TARGET, 20);
        assert_eq!((walk.boots, b.pages_asked), (Some(1), 1), "{walk:?}");
        // Written down rightly: placed from the start, never asked.
        let mut told = Handset::new(2, "P0S3-07-4-00");
        let phones = &mut b.registry.roster.phones;
        phones.insert(told.mac.clone(), (None, Some("P0S3-07-4-00".into())));
        b.walk(&mut told, TARGET, 20);
        assert_eq!(b.pages_asked, 1);
        // A SIP phone serves none: asked at its one boot (its requests place it there).
        let walk = b.walk(&mut Handset::new(3, "P0S3-07-4-00"), TARGET, 20);
        assert_eq!((walk.boots, b.pages_asked), (Some(1), 2), "{walk:?}");
        // Nor does a bare loader: asked at each boot it is not placed, at most once a boot.
        let walk = b.walk(&mut Handset::new(5, "P003-08-2-00"), TARGET, 20);
        let asked = b.pages_asked - 2;
        assert!(
            asked > 1 && asked <= walk.boots.unwrap(),
            "{asked} for {walk:?}"
        );
        // After a stage (P0S3-06-3-00 reached the loader), the next boot must show it: not asked.
        let before = b.pages_asked;
        let mut two = Handset::new(4, "P0S3-06-3-00");
        let phones = &mut b.registry.roster.phones;
        phones.insert(two.mac.clone(), (None, Some("P0S3-06-3-00".into())));
        let walk = b.walk(&mut two, TARGET, 20);
        assert_eq!((walk.boots, b.pages_asked), (Some(2), before), "{walk:?}");
    }

    #[test]
    fn a_phones_frame_and_page_read_as_facts() {
        let matrix = Matrix::builtin().unwrap();
        let mac = Mac::from_digits("0018B9000001").unwrap();
        let sip = matrix.by_name("P0S3-08-2-00").unwrap();
        let frame = CdpFrame::phone_running(mac, sip, Model::M7960).to_bytes();
        assert_eq!(
            Fact::from_cdp(&parse_frame(&frame).unwrap()),
            Some(Fact::Cdp {
                mac: "0018B9000001".into(),
                sip: true,
                load: "P003-08-2-00".into(),
                model: Some("7960".into()),
            })
        );
        let sccp = CdpFrame::phone(mac, DevicePrefix::Sep, " P00308000700 ", Model::Both);
        assert_eq!(
            Fact::from_cdp(&parse_frame(&sccp.to_bytes()).unwrap()),
            Some(Fact::Cdp {
                mac: "0018B9000001".into(),
                sip: false,
                load: "P00308000700".into(),
                model: None,
            })
        );
        let blank = CdpFrame::phone(mac, DevicePrefix::Sep, "  ", Model::Both);
        assert_eq!(
            Fact::from_cdp(&parse_frame(&blank.to_bytes()).unwrap()),
            None
        );
        let page = crate::wire::device_info::parse_page(
            b"<DeviceInformation><MACAddress>0018B9000001</MACAddress><appLoadID>P00308010200</appLoadID><modelNumber>CP-7940G</modelNumber></DeviceInformation>",
        )
        .unwrap();
        assert_eq!(
            Fact::from_page("0018B9000001", &page),
            Some(Fact::WebPage {
                mac: "0018B9000001".into(),
                app_load: Some("P00308010200".into()),
                model: Some("7940".into()),
            })
        );
        // Another phone's page at this phone's address: not believed.
        assert_eq!(Fact::from_page("0018B9000002", &page), None);
    }

    #[test]
    fn a_hostile_frame_says_nothing_and_shows_nothing_raw() {
        let matrix = Matrix::builtin().unwrap();
        let mut b = bench(&matrix, false);
        let mac = Mac::from_digits("0018B9000001").unwrap();
        b.registry
            .roster
            .phones
            .insert(mac.to_string(), (None, None));
        let hostile = "P0S3-08-11-00\u{1b}[2J\u{7}";
        let frame = CdpFrame::phone(mac, DevicePrefix::Sip, hostile, Model::M7960).to_bytes();
        let fact = Fact::from_cdp(&parse_frame(&frame).unwrap()).unwrap();
        assert!(!b.registry.fact(b.now, &fact));
        b.apply();
        let phone = &b.registry.phones[&mac.to_string()];
        assert_eq!(
            phone.placement.candidates.len(),
            b.registry.knowledge.universe().len()
        );
        assert_eq!(phone.model.as_deref(), Some("7960"));
        assert!(b.events.is_empty(), "{:?}", b.events);
        // Where a fact's text is said (a heard event's why), what came from the wire is escaped.
        for words in [
            Fact::Cdp {
                mac: mac.to_string(),
                sip: true,
                load: hostile.into(),
                model: None,
            }
            .words(),
            Fact::WebPage {
                mac: mac.to_string(),
                app_load: Some(hostile.into()),
                model: None,
            }
            .words(),
        ] {
            assert!(!words.chars().any(char::is_control), "{words:?}");
            assert!(words.contains("P0S3-08-11-00"), "{words}");
        }
        // Another MAC than its sender's: not believed at all.
        let other = Mac::from_digits("0018B9000002").unwrap();
        let mut forged = CdpFrame::phone(other, DevicePrefix::Sep, "P00308000700", Model::M7960);
        forged.source = mac;
        assert_eq!(
            Fact::from_cdp(&parse_frame(&forged.to_bytes()).unwrap()),
            None
        );
    }

    #[test]
    fn under_all_a_fact_waits_for_the_phones_first_request_and_few_are_kept() {
        let matrix = Matrix::builtin().unwrap();
        let mut b = bench(&matrix, true);
        let mut phone = Handset::new(1, "P00308000700");
        // Heard twice (the second replaces the first), then a LAN's worth of other MACs.
        b.registry
            .fact(b.now, &cdp(&phone.mac, false, "P0S3-08-9-00"));
        b.registry
            .fact(b.now, &cdp(&phone.mac, false, "P00308000700"));
        assert!(b.registry.phones.is_empty(), "no record before it asks");
        assert_eq!(b.registry.heard.len(), 1);
        let walk = b.walk(&mut phone, TARGET, 20);
        assert_eq!(walk.boots, Some(1), "placed from what was heard: {walk:?}");
        assert!(b.registry.heard.is_empty());
        // Its `heard` event names the client whose request placed it.
        let heard: Vec<&Event> = b
            .events
            .iter()
            .filter(|e| {
                e.event == crate::wire::serve::events::Kind::Heard
                    && e.mac.as_deref() == Some(phone.mac.as_str())
            })
            .collect();
        assert_eq!(heard.len(), 1, "{heard:?}");
        assert_ne!(heard[0].address, "-");
        for n in 0..MAX_HEARD as u32 + 40 {
            let mac = Handset::new(100 + n, "P00308000700").mac;
            b.registry.fact(b.now, &cdp(&mac, false, "P00308000700"));
        }
        assert_eq!(b.registry.heard.len(), MAX_HEARD);
        // The latest are kept.
        let last = Handset::new(100 + MAX_HEARD as u32 + 39, "P00308000700");
        assert_eq!(
            b.registry.heard.back().map(Fact::mac),
            Some(last.mac.as_str())
        );
    }

    #[test]
    fn a_fact_that_the_requests_contradict_loses() {
        let matrix = Matrix::builtin().unwrap();
        let mut b = bench(&matrix, true);
        // A forged frame says SCCP 5.0 (before the loader); the phone runs SIP 8.9.
        let mut handset = Handset::new(1, "P0S3-08-9-00");
        b.registry
            .fact(b.now, &cdp(&handset.mac, false, "P00305000301"));
        let walk = b.walk(&mut handset, TARGET, 40);
        assert_eq!(
            walk.loads.last().map(String::as_str),
            Some(TARGET),
            "{walk:?}"
        );
    }
}
