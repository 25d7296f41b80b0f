//! Every load of the catalogue, as the load a phone really runs, walked through serve in memory
//! to every target a plan reaches from it, with serve told the load and not: each phone arrives,
//! serve says it is done, and no phone ever takes an image `phoneup check` does not call safe
//! from the load it really ran. One test per kind of target, so that they run side by side.

use super::*;
use crate::knowledge::load_id::{Era, Kind, Protocol};
use crate::knowledge::Builtin;
use crate::plan::check::{check, Verdict};

/// Walks every load to the targets `wanted` takes; fails with every walk that went wrong.
fn walks_arrive_safely(wanted: impl Fn(&LoadId) -> bool) -> Vec<Walked> {
    let matrix = Matrix::builtin().unwrap();
    let walked = walk_catalogue(&matrix, wanted);
    let mut wrong = Vec::new();
    for w in &walked {
        let who = format!("{} -> {} (told: {})", w.from, w.target, w.way.told);
        if w.walk.boots.is_none() || w.walk.loads.last() != Some(&w.target) {
            wrong.push(format!("{who}: did not arrive: {:?}", w.walk.loads));
        }
        if w.state != Some(State::Done) {
            wrong.push(format!("{who}: serve says {:?}", w.state));
        }
        for (from, to) in &w.walk.flashes {
            let verdict = check(&matrix, from, to, Model::M7940).unwrap().verdict;
            if verdict != Verdict::Safe {
                wrong.push(format!(
                    "{who}: flashed {from} -> {to}, which check calls {verdict:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    walked
}

fn application(id: &LoadId, protocol: Protocol) -> bool {
    id.kind() == Kind::Application && id.protocol() == Some(protocol)
}

/// Every application of `protocol` some other load can be walked to (serve refuses any other
/// target at start) is one of the targets walked to.
fn every_target_walked(walked: &[Walked], protocol: Protocol) {
    let matrix = Matrix::builtin().unwrap();
    let knowledge = Knowledge::new(&matrix, None);
    let mut targets = 0;
    for load in knowledge.universe() {
        let id = LoadId::parse(&load).unwrap();
        if application(&id, protocol) && knowledge.reachable(&load).is_ok() {
            targets += 1;
            assert!(
                walked.iter().any(|w| w.target == load),
                "no phone was walked to {load}"
            );
        }
    }
    assert!(targets >= 5, "{targets} targets");
}

/// A quick one, for mutation testing: every load to one SCCP target.
#[test]
fn every_load_reaches_an_sccp_target_by_safe_steps() {
    let walked = walks_arrive_safely(|id| id.name() == "P00308010200");
    // Told and not, from each of the 39 loads a plan leads from to it.
    assert_eq!(walked.len(), 2 * 39);
    assert!(walked.iter().all(|w| w.target == "P00308010200"));
    let by_start = boots_by_start(&walked);
    assert!(by_start
        .values()
        .all(|(walks, boots, most)| *walks == 1 && boots == most));
}

/// A quick one, for mutation testing: every load to one SIP target.
#[test]
fn every_load_reaches_a_sip_target_by_safe_steps() {
    let walked = walks_arrive_safely(|id| id.name() == "P0S3-08-11-00");
    assert!(walked.iter().any(|w| !w.walk.flashes.is_empty()));
    // Told its load, the factory phone walks the design card's route, one boot a stage.
    let card = walked
        .iter()
        .find(|w| w.from == "P0030301MFG2" && w.way.told && w.target == "P0S3-08-11-00")
        .unwrap();
    assert_eq!(
        card.walk.loads,
        [
            "P0030301MFG2",
            "P0S3-06-3-00",
            "P003-08-11-00",
            "P0S3-08-11-00"
        ]
    );
    assert_eq!(card.walk.boots, Some(3));
    assert_eq!(card.walk.done_after, Some(4), "serve sees it on its target");
    let by_start = boots_by_start(&walked);
    assert_eq!(by_start[&("P0030301MFG2".to_string(), true)], (1, 3, 3));
}

/// By its requests alone (`--all`, no load named, no CDP, no page), every SIP application of the
/// UAL era walks to a SIP target in its plan's one stage, and to an SCCP 8.x target in two: a
/// boot's XMLDefault.cnf.xml names no load, so only SIP applications go on to SIPDefault.cnf,
/// which names their common step. Towards the SCCP target the first boot names the target
/// instead, so that a phone already there shows itself at once. (Before that probe: 13 power
/// cycles each, a boot per bare loader.)
#[test]
fn by_requests_alone_a_ual_sip_application_walks_in_its_one_stage() {
    let matrix = Matrix::builtin().unwrap();
    let knowledge = Knowledge::new(&matrix, None);
    for target in ["P0S3-08-11-00", "P00308010200"] {
        let roster = Roster {
            all: true,
            target: target.into(),
            ..Roster::default()
        };
        let mut bench = Bench::new(&matrix, Memory::catalogue(&matrix), roster);
        let mut walked = Vec::new();
        for (n, from) in knowledge.universe().iter().enumerate() {
            let id = LoadId::parse(from).unwrap();
            if from == target || id.era() != Some(Era::Ual) || !application(&id, Protocol::Sip) {
                continue;
            }
            let walk = bench.walk(&mut Handset::new(n as u32, from), target, 20);
            let cycles = if target.starts_with("P0S3") { 1 } else { 2 };
            assert_eq!(walk.boots, Some(cycles), "{from} -> {target}: {walk:?}");
            assert_eq!(walk.loads, [from.as_str(), target], "{from} -> {target}");
            walked.push(from.clone());
        }
        assert_eq!(walked.len(), 10 - usize::from(target.starts_with("P0S3")));
    }
}

/// By its requests alone, MGCP 7.7 takes its first stage in its first boot: after a
/// XMLDefault.cnf.xml that names no load only an MGCP application goes on to MGCDefault.cnf, and
/// serve answers that with the stage's `image_version` (it used to answer it File not found, and
/// the phone started its load: one power cycle more). To the SIP target: its 2 stages + 1 (the
/// boot after the first stage cannot tell it from SCCP 7.2(3), see docs/serve-placement.md),
/// 4 before; to the SCCP target: its 1 stage + 1 (the first boot names the target), 3 before.
#[test]
fn by_requests_alone_mgcp_takes_its_stage_from_mgc_default_cnf() {
    let matrix = Matrix::builtin().unwrap();
    let from = "P0M3-07-7-00";
    for (target, cycles) in [("P0S3-08-11-00", 3), ("P00308010200", 2)] {
        let roster = Roster {
            all: true,
            target: target.into(),
            ..Roster::default()
        };
        let mut bench = Bench::new(&matrix, Memory::catalogue(&matrix), roster);
        let walk = bench.walk(&mut Handset::new(1, from), target, 20);
        assert_eq!(walk.boots, Some(cycles), "{from} -> {target}: {walk:?}");
        for (a, b) in &walk.flashes {
            let verdict = check(&matrix, a, b, Model::M7940).unwrap().verdict;
            assert_eq!(verdict, Verdict::Safe, "{a} -> {b}");
        }
        // The boot that took the first stage fetched MGCDefault.cnf, naming it, then its files.
        let first: Vec<&str> = bench
            .events
            .iter()
            .filter(|e| e.event == crate::wire::serve::events::Kind::Sent)
            .filter_map(|e| e.file.as_deref())
            .take_while(|f| !f.ends_with(".sb2"))
            .collect();
        let stage = match Knowledge::new(&matrix, None).proposal(from, target) {
            crate::wire::serve::placement::Proposal::Stage { to, .. } => to,
            other => panic!("{other:?}"),
        };
        let mgc = first.iter().position(|f| *f == "MGCDefault.cnf");
        let loads = first.iter().rposition(|f| *f == format!("{stage}.loads"));
        assert!(
            mgc.is_some() && mgc < loads,
            "{from} -> {target}: {first:?}"
        );
    }
}

#[test]
fn every_load_reaches_every_sccp_target_by_safe_steps() {
    let walked = walks_arrive_safely(|id| application(id, Protocol::Sccp));
    every_target_walked(&walked, Protocol::Sccp);
}

#[test]
fn every_load_reaches_every_sip_target_by_safe_steps() {
    let walked = walks_arrive_safely(|id| application(id, Protocol::Sip));
    every_target_walked(&walked, Protocol::Sip);
}

#[test]
fn every_load_reaches_every_loader_and_mgcp_target_by_safe_steps() {
    let walked =
        walks_arrive_safely(|id| id.kind() == Kind::Loader || application(id, Protocol::Mgcp));
    assert!(!walked.is_empty());
}

/// Every pair of catalogue loads to a SIP target: a phone running one, the phones file naming
/// the other (`from=`). Each phone announces its load in CDP ([`Bench::cdp`]: every load does,
/// a bare loader too) and is walked only by steps `check` calls safe from the load it really
/// runs, in as many power cycles as when the phones file names its load rightly (and it
/// announces it too): the announcement wins over the phones file.
/// (Without it, 620 of the 2 964 pairs to a SIP and an SCCP target took a step `check` does not
/// call safe.)
#[test]
fn a_wrong_from_loses_to_the_phones_own_announcement_for_every_pair() {
    let matrix = Matrix::builtin().unwrap();
    let knowledge = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let starts: Vec<String> = knowledge
        .universe()
        .into_iter()
        .filter(|from| from != target && knowledge.proposal(from, target).reaches())
        .collect();
    let mut roster = Roster {
        target: target.into(),
        ..Roster::default()
    };
    let mut pairs = Vec::new();
    let mut rightly = BTreeMap::new();
    for real in &starts {
        // The same load, written down rightly: what the pairs are measured against.
        let handset = Handset::new(100_000 + rightly.len() as u32, real);
        let told_load = Some(real.clone());
        roster.phones.insert(handset.mac.clone(), (None, told_load));
        rightly.insert(real.clone(), handset);
        for told in starts.iter().filter(|t| *t != real) {
            let handset = Handset::new(pairs.len() as u32, real);
            let told_load = Some(told.clone());
            roster.phones.insert(handset.mac.clone(), (None, told_load));
            pairs.push((handset, told.clone()));
        }
    }
    let mut bench = Bench::new(&matrix, Memory::catalogue(&matrix), roster);
    let right: BTreeMap<String, Option<usize>> = rightly
        .into_iter()
        .map(|(real, mut handset)| {
            let boots = bench.walk_with(&mut handset, target, 20, true).boots;
            (real, boots)
        })
        .collect();
    let lost: Vec<&String> = right
        .iter()
        .filter(|(_, b)| b.is_none())
        .map(|(r, _)| r)
        .collect();
    assert!(
        lost.is_empty(),
        "told rightly, these never arrive: {lost:?}"
    );
    let mut wrong = Vec::new();
    let walked = pairs.len();
    for (mut handset, told) in pairs {
        // Ten wrong walks say enough, and a broken serve fails in seconds, not minutes.
        if wrong.len() >= 10 {
            wrong.push("(the other pairs were not walked)".into());
            break;
        }
        let real = handset.running.clone();
        let stages = right[&real];
        let walk = bench.walk_with(&mut handset, target, 20, true);
        let who = format!("{real} written down as {told}");
        for (from, to) in &walk.flashes {
            let verdict = check(&matrix, from, to, Model::M7940).unwrap().verdict;
            if verdict != Verdict::Safe {
                wrong.push(format!("{who}: flashed {from} -> {to} ({verdict:?})"));
            }
        }
        if walk.boots != stages {
            let boots = walk.boots;
            wrong.push(format!(
                "{who}: {boots:?} power cycles, {stages:?} told rightly"
            ));
        }
    }
    // Every load announces itself (a bare loader too), each written down as each of the 37
    // others.
    assert_eq!(walked, 38 * 37);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
