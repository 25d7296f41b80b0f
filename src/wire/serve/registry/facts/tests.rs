//! The facts' tests: what CDP and the web page narrow, and when, in memory.

use super::*;
use crate::files::mac::Mac;
use crate::knowledge::load_id::Protocol;
use crate::knowledge::matrix::Matrix;
use crate::knowledge::phones::Model;
use crate::knowledge::Builtin;
use crate::plan::check::{check, Verdict};
use crate::wire::cdp::{parse_frame, CdpFrame};
use crate::wire::serve::events::Message;
use crate::wire::serve::memory::{Bench, Handset, Memory};
use crate::wire::serve::phones::Roster;
use crate::wire::serve::placement::{Knowledge, Proposal};

const TARGET: &str = "P0S3-08-11-00";

fn bench(matrix: &Matrix, all: bool) -> Bench<'_> {
    bench_to(matrix, all, TARGET)
}

fn bench_to<'m>(matrix: &'m Matrix, all: bool, target: &str) -> Bench<'m> {
    let roster = Roster {
        all,
        target: target.into(),
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
        std::iter::from_fn(|| b.registry.poll_effect()).any(|e| matches!(e, Effect::AskPage { .. }))
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

#[test]
fn only_a_fact_heard_while_a_stage_is_fetched_waits_for_that_boot_to_end() {
    let matrix = Matrix::builtin().unwrap();
    let mut b = bench(&matrix, false);
    let mac = "0018B9000001";
    b.registry.roster.phones.insert(mac.into(), (None, None));
    // After MGCP 7.7's stage to SCCP 7.2(3): the next boot must show it.
    let (to, left) = ("P00307020300", "P0M3-07-7-00");
    let mut phone = Phone::new(mac, TARGET, vec![to.into(), left.into()]);
    phone.placement.expected = Some(to.into());
    phone.placement.left = vec![left.into()];
    b.registry.phones.insert(mac.into(), phone);
    // A frame naming the load it left narrows nothing and is not kept: at a later boot's end
    // it would be stale.
    assert!(!b.registry.fact(b.now, &cdp(mac, false, left)));
    assert!(b.registry.heard_after_stage.is_empty());
    // While a boot fetches a stage's firmware, the last frame heard is kept for that boot's end.
    let phone = b.registry.phones.get_mut(mac).unwrap();
    phone.placement.sent = vec![format!("{to}.loads")];
    assert!(!b.registry.fact(b.now, &cdp(mac, false, left)));
    let kept: Vec<&String> = b.registry.heard_after_stage.keys().collect();
    assert_eq!(kept, [mac]);
}

/// Should a UAL-era SIP application's loader announce `SEP<MAC>` and the loader's ID early in
/// each boot (not known), serve takes it for the bare loader, whose one step is that very
/// application: every such phone still arrives at both targets, by steps `check` calls safe
/// from the load it runs, in at most two power cycles more than its stages (one more than by
/// its requests alone: the requests place it again).
#[test]
fn a_sip_application_announcing_its_loader_as_a_bare_loader_is_never_flashed_unsafely() {
    let matrix = Matrix::builtin().unwrap();
    let knowledge = Knowledge::new(&matrix, None);
    let mut walked = 0;
    for target in [TARGET, "P00308010200"] {
        let mut b = bench_to(&matrix, true, target);
        for (n, load) in matrix.loads.iter().enumerate() {
            let sip =
                load.id.kind() == Kind::Application && load.id.protocol() == Some(Protocol::Sip);
            let (Some(loader), true) = (load.loader.clone(), sip) else {
                continue;
            };
            if load.name() == target {
                continue;
            }
            let stages = match knowledge.proposal(load.name(), target) {
                Proposal::Stage { stages, .. } => stages,
                other => panic!("{}: {other:?}", load.name()),
            };
            let mut handset = Handset::new(n as u32, load.name());
            let mut flashes = Vec::new();
            let mut boots = None;
            for cycle in 1..=stages + 3 {
                let phase = cdp(&handset.mac, false, &loader);
                b.registry.fact(b.now, &phase);
                b.apply();
                let before = handset.running.clone();
                b.power_cycle(&mut handset, cycle);
                if handset.running != before {
                    flashes.push((before, handset.running.clone()));
                }
                if handset.running == target {
                    boots = Some(cycle);
                    break;
                }
            }
            let who = format!("{} to {target}: {flashes:?}", load.name());
            assert!(
                verdicts(&matrix, &flashes)
                    .iter()
                    .all(|v| *v == Verdict::Safe),
                "{who}"
            );
            assert!(boots.is_some_and(|b| b <= stages + 2), "{who}: {boots:?}");
            walked += 1;
        }
    }
    // The nine SIP applications of the UAL era other than the target to the SIP target, all ten
    // to the SCCP one.
    assert_eq!(walked, 19);
}
