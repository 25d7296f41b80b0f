//! What a phone gives away besides its requests, as facts without I/O: its CDP announcement
//! (device ID `SEP<MAC>` or `SIP<MAC>`, platform, software version) and its own web page
//! (`DeviceInformationX`: `appLoadID`, `bootLoadID`, `modelNumber`). The driver hears and fetches
//! them ([`crate::wire::cdp`], [`crate::wire::device_info`]); here they narrow the loads a
//! managed phone may run, between two boots only, and only to loads its requests may still
//! show: the requests of each boot are replayed on the phone model whatever a fact said, and a
//! phone whose requests a fact contradicts is placed from every load again. A SIP application
//! of the UAL era announces its package's loader ID (`P003-08-x-00`, VOIPHOPPER), so `SIP<MAC>`
//! with a loader ID means that package's SIP application.
//!
//! May use: what [`crate::wire::serve::registry`] may.

use crate::knowledge::load_id::{Kind, LoadId};
use crate::wire::serve::directory::Directory;
use crate::wire::serve::phones::Phone;
use crate::wire::serve::registry::{Now, Registry};

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
    fn mac(&self) -> &str {
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

impl<D: Directory> Registry<'_, D> {
    /// Takes a fact about a phone: a managed phone's model is kept for its row, and, between two
    /// boots, the loads it may run are narrowed to those the fact names (a phone not seen yet
    /// starts from them). Returns whether it narrowed anything.
    pub fn fact(&mut self, now: Now, fact: &Fact) -> bool {
        self.now = now;
        let mac = fact.mac().to_string();
        let Some((target, _)) = self.roster.target_of(&mac) else {
            return false;
        };
        let universe = self.knowledge.universe();
        let matrix = self.knowledge.matrix;
        let loader = |name: &str| matrix.by_name(name).and_then(|l| l.loader.clone());
        let named = announced(&universe, &loader, fact);
        let mut phone = self
            .phones
            .remove(&mac)
            .unwrap_or_else(|| Phone::new(&mac, &target, universe.clone()));
        if let Some(model) = fact.model() {
            // Shown escaped by the view; kept short.
            phone.model = Some(model.chars().take(MODEL_CHARS).collect());
        }
        let placement = &mut phone.placement;
        let kept: Vec<String> = placement
            .candidates
            .iter()
            .filter(|c| named.contains(c))
            .cloned()
            .collect();
        let narrowed = placement.boot.is_empty()
            && !kept.is_empty()
            && kept.len() < placement.candidates.len();
        if narrowed {
            placement.candidates = kept;
            placement.probe = None;
        }
        self.phones.insert(mac.clone(), phone);
        self.save();
        self.show(&mac);
        narrowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::matrix::Matrix;
    use crate::knowledge::Builtin;
    use crate::wire::serve::events::{Message, State};
    use crate::wire::serve::memory::{Bench, Handset, Memory};
    use crate::wire::serve::phones::Roster;
    use crate::wire::serve::registry::Effect;

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
        assert!(!b.registry.fact(b.now, &long));
        assert_eq!(
            b.registry.phones["0018B9000001"]
                .model
                .as_deref()
                .map(str::len),
            Some(MODEL_CHARS)
        );
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
