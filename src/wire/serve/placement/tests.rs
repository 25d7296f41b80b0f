//! Placing a phone, in memory: what narrows its candidates, what is answered, and how a boot
//! settles.

use super::*;
use crate::knowledge::load_id::Kind;
use crate::knowledge::phones::Model;
use crate::knowledge::Builtin;
use crate::phone::{Answer, Phone, Server};

#[test]
fn a_loads_is_the_manifest_of_its_own_load_in_any_spelling_only() {
    assert!(own_manifest("P0S3-08-11-00", "P0S3-08-11-00.loads"));
    assert!(own_manifest("P0S3-08-11-00", "P0S3-8-11-00.loads"));
    assert!(!own_manifest("P0S3-08-11-00", "P0S3-8-12-00.loads"));
    assert!(!own_manifest("P0S3-08-11-00", "P003-08-11-00.sbn"));
    assert!(!own_manifest("P0S3-08-11-00", "junk.loads"));
}

const MAC: &str = "0018B9000001";

pub(super) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_files_that_place_a_phone_and_the_ones_that_start_a_boot() {
    for name in [
        "P0S3-08-11-00.loads",
        "P003-08-11-00.SBN",
        "x.sb2",
        "P00308010200.bin",
        "OS79XX.TXT",
        "XMLDefault.cnf.xml",
        "SIPDefault.cnf",
        "SEPDefault.cnf",
        "MGCDefault.cnf",
        "CTLSEP0018B9000001.tlv",
        "SEP0018B9000001.cnf.xml",
        "SEP0018B9000001.cnf",
        "SIP0018B9000001.cnf",
        "MGC0018B9000001.cnf",
    ] {
        assert!(is_boot_file(name, MAC), "{name}");
    }
    for name in [
        "RINGLIST.DAT",
        "os79xx.txt",
        "SIP0018B9000002.cnf",
        "CTLSEP0018B9000002.tlv",
        "dialplan.xml",
    ] {
        assert!(!is_boot_file(name, MAC), "{name}");
    }
    assert!(is_boot_start("OS79XX.TXT", MAC));
    assert!(is_boot_start("CTLSEP0018B9000001.tlv", MAC));
    assert!(!is_boot_start("CTLSEP0018B9000002.tlv", MAC));
    assert!(!is_boot_start("SIPDefault.cnf", MAC));
    assert!(is_firmware("a.LOADS") && is_firmware("a.bin") && !is_firmware("a.cnf"));
}

#[test]
fn candidates_in_words() {
    assert_eq!(short_list(&strings(&["A", "B", "C"])), "A, B, C");
    assert_eq!(
        short_list(&strings(&["A", "B", "C", "D", "E"])),
        "A, B, C and 2 more"
    );
    assert_eq!(describe(&[]), "unknown");
    assert_eq!(describe(&strings(&["P0S3-08-11-00"])), "P0S3-08-11-00");
    assert_eq!(
        describe(&strings(&["P0S3-08-11-00", "P0S3-08-9-00"])),
        "UAL era, 2 loads possible"
    );
    assert_eq!(
        describe(&strings(&["P0S3-06-3-00", "P00303020214"])),
        "before the UAL, 2 loads possible"
    );
    assert_eq!(
        describe(&strings(&["P0S3-06-3-00", "P0S3-08-11-00", "P0S3-07-4-00"])),
        "any era, 3 loads possible"
    );
    assert_eq!(
        describe(&strings(&["P0S3-06-3-00", "not a load"])),
        "any era, 2 loads possible"
    );
}

#[test]
fn what_serve_knows_of_loads_and_targets() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let universe = k.universe();
    assert!(universe.contains(&"P0030301MFG2".to_string()));
    assert!(
        universe.contains(&"P003-08-11-00".to_string()),
        "loaders are run too"
    );
    for name in &universe {
        let id = LoadId::parse(name).unwrap();
        assert!(id.era().is_some() && id.kind() != Kind::Boot, "{name}");
    }
    // Boot ROMs and DSP firmware are shown on a phone, never run as its load.
    let mut more = Matrix::builtin().unwrap();
    for other in ["PC0303010200", "PS03AT46"] {
        let id = LoadId::parse(other).unwrap();
        assert!(id.kind() == Kind::Boot || id.era().is_none(), "{other}");
        more.loads
            .push(crate::knowledge::matrix::Load::uncatalogued(id));
    }
    assert_eq!(Knowledge::new(&more, None).universe(), universe);
    assert_eq!(k.reachable("P0S3-08-11-00"), Ok(()));
    let reasons = k.reachable("P0030301MFG2").unwrap_err();
    assert!(!reasons.is_empty());
    assert_eq!(
        k.reachable_instead("P0030301MFG2").as_deref(),
        Some("P00308010200")
    );
    assert_eq!(
        k.reachable_instead("P0S3-08-11-00").as_deref(),
        Some("P0S3-8-12-00")
    );
    assert_eq!(k.reachable_instead("not a load"), None);
    // OS79XX.TXT names the loader for a UAL SIP load, the load itself otherwise.
    assert_eq!(
        k.naming("P0S3-08-11-00"),
        Directive::naming("P0S3-08-11-00", "P003-08-11-00")
    );
    assert_eq!(
        k.naming("P00308010200"),
        Directive::naming("P00308010200", "P00308010200")
    );
    assert_eq!(
        k.naming("P0S3-06-3-00"),
        Directive::naming("P0S3-06-3-00", "P0S3-06-3-00")
    );
    // An MGCP load of the UAL era has a loader too, but OS79XX.TXT names the load.
    assert!(matrix.by_name("P0M3-07-7-00").unwrap().loader.is_some());
    assert_eq!(
        k.naming("P0M3-07-7-00"),
        Directive::naming("P0M3-07-7-00", "P0M3-07-7-00")
    );
}

#[test]
fn a_directory_that_cannot_be_read_makes_no_plan() {
    let matrix = Matrix::builtin().unwrap();
    let gone = std::path::PathBuf::from("/nonexistent/phoneup-serve-root");
    let k = Knowledge::new(&matrix, Some(gone));
    let reasons = k.reachable("P0S3-08-11-00").unwrap_err();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("/nonexistent/phoneup-serve-root")),
        "{reasons:?}"
    );
    let proposal = k.proposal("P0030301MFG2", "P0S3-08-11-00");
    assert!(
        matches!(&proposal, Proposal::NoPath { why } if why.contains("/nonexistent/phoneup-serve-root")),
        "{proposal:?}"
    );
}

#[test]
fn a_proposal_is_a_plans_first_stage_made_once() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let stage = k.proposal("P0030301MFG2", "P0S3-08-11-00");
    let Proposal::Stage {
        to,
        rule,
        firmware,
        directive,
        stages,
    } = &stage
    else {
        panic!("{stage:?}");
    };
    assert_eq!((to.as_str(), *stages), ("P0S3-06-3-00", 3));
    assert!(!rule.is_empty());
    assert_eq!(stage.firmware(), &firmware[..]);
    assert!(!firmware.is_empty());
    assert_eq!(stage.directive(), *directive);
    assert_eq!(
        stage.group("P0030301MFG2"),
        format!("P0S3-06-3-00 {}", firmware.join(","))
    );
    assert!(stage.reaches());
    assert_eq!(
        k.proposal("P0030301MFG2", "P0S3-08-11-00"),
        stage,
        "the same, from the cache"
    );
    let done = k.proposal("P0S3-08-11-00", "P0S3-08-11-00");
    assert_eq!(
        done,
        Proposal::Done {
            directive: k.naming("P0S3-08-11-00")
        }
    );
    assert_eq!(done.group("P0S3-08-11-00"), "done");
    assert!(done.firmware().is_empty() && done.reaches());
    let none = k.proposal("P0S3-08-11-00", "P0030301MFG2");
    assert!(matches!(&none, Proposal::NoPath { why } if !why.is_empty()));
    assert!(!none.reaches());
    assert_eq!(none.directive(), Directive::hold());
    assert_eq!(none.group("X"), "no path from X");
    assert!(none.firmware().is_empty());
    assert!(matches!(
        k.proposal("bogus", "P0S3-08-11-00"),
        Proposal::NoPath { .. }
    ));
}

/// The log of a boot of `load` as serve would answer it with the directory `dir`: each request
/// answered from `dir`, or not found.
fn boot_log(load: &str, dir: &[(&str, &str)]) -> Vec<Logged> {
    struct Dir<'a>(&'a [(&'a str, &'a str)], Vec<Logged>);
    impl Server for Dir<'_> {
        fn read(&mut self, name: &str) -> Answer {
            let found = self.0.iter().find(|(n, _)| *n == name);
            self.1.push(Logged {
                name: name.to_string(),
                found: found.is_some(),
                size: found.map_or(0, |(_, t)| t.len() as u64),
                text: found.map(|(_, t)| t.to_string()),
            });
            match found {
                Some((_, text)) => Answer::Served {
                    size: text.len() as u64,
                    contents: Some(text.as_bytes().to_vec()),
                },
                None => Answer::NotFound,
            }
        }
    }
    let mut dir = Dir(dir, Vec::new());
    let phone = Phone {
        mac: Some(MAC.into()),
        ..Phone::new(Model::Both)
    };
    phone.boot(1, &LoadId::parse(load).unwrap(), &mut dir);
    dir.1
}

#[test]
fn a_replay_follows_a_boots_log_and_says_what_comes_next() {
    let log = boot_log("P0S3-08-11-00", &[]);
    assert!(log.len() > 2, "{log:?}");
    assert_eq!(
        replay("P0S3-08-11-00", MAC, &log),
        Some(None),
        "the whole boot, then nothing"
    );
    assert_eq!(
        replay("P0S3-08-11-00", MAC, &log[..1]),
        Some(Some(log[1].name.clone()))
    );
    assert_eq!(
        replay("P0S3-06-3-00", MAC, &log),
        None,
        "a pre-UAL load asks otherwise"
    );
    assert_eq!(replay("bogus", MAC, &log), None);
    // A log longer than the boot does not fit either.
    let mut longer = log.clone();
    longer.push(log[0].clone());
    assert_eq!(replay("P0S3-08-11-00", MAC, &longer), None);
}

#[test]
fn requests_narrow_the_candidates_and_a_retry_counts_once() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let mut p = Placement::new(k.universe());
    assert_eq!(p.possible(), &k.universe()[..]);
    let log = boot_log("P00308010200", &[]);
    for logged in &log {
        let (_, shown) = p.request(
            &k,
            "P0S3-08-11-00",
            MAC,
            &logged.name,
            logged.name == "XMLDefault.cnf.xml",
        );
        assert!(
            matches!(shown, Shown::Candidates(ref c) if !c.is_empty()),
            "{shown:?}"
        );
        // Asked twice in a row: the log keeps it once.
        p.request(&k, "P0S3-08-11-00", MAC, &logged.name, false);
        p.log(logged.clone());
    }
    assert_eq!(p.boot, log);
    assert!(p.possible().contains(&"P00308010200".to_string()));
    assert!(p.possible().len() < k.universe().len());
    assert!(p.ended_here(MAC).contains(&"P00308010200".to_string()));
    assert!(!p.starts_boot(&log[1].name, MAC));
    assert!(p.starts_boot(&log[0].name, MAC) || !is_boot_start(&log[0].name, MAC));
    // A name nothing asks for now.
    let (reply, shown) = p.request(&k, "P0S3-08-11-00", MAC, "P0S3-08-11-00.sb2", false);
    assert_eq!(
        (reply, shown),
        (Reply::Managed(Directive::hold()), Shown::Unexplained)
    );
    let explained = p.explain(&k.universe(), MAC, &log[log.len() - 1].name);
    assert!(
        explained.contains(&"P00308010200".to_string()),
        "{explained:?}"
    );
    assert!(p.explain(&k.universe(), MAC, "nothing.bin").is_empty());
    // Halfway through the boot: the next name is explained by what came before it.
    let mut half = Placement::new(k.universe());
    half.boot = log[..2].to_vec();
    let next = half.explain(&k.universe(), MAC, &log[2].name);
    assert!(next.contains(&"P00308010200".to_string()), "{next:?}");
    p.sent_whole("P00308010200.sbn");
    p.sent_whole("P00308010200.sbn");
    assert_eq!(p.sent, ["P00308010200.sbn"]);
}

#[test]
fn a_boot_with_nothing_logged_settles_nothing() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let mut p = Placement::new(k.universe());
    assert_eq!(
        p.settle(&k, "P0S3-08-11-00", MAC, &|_| false),
        Settled::Nothing
    );
    assert_eq!(p, Placement::new(k.universe()));
    assert!(!p.starts_boot("OS79XX.TXT", MAC), "nothing before it");
}

/// Three loads no source lists the files of boot alike: serve tells them apart only by naming
/// each in turn (a probe).
const ALIKE: [&str; 3] = ["P0030702T023", "P00308000400", "P00308000700"];

/// A placement among [`ALIKE`] after one boot of the last of them, from an empty directory.
fn alike_after_a_boot() -> Placement {
    let mut p = Placement::new(strings(&ALIKE));
    p.boot = boot_log(ALIKE[2], &[]);
    p
}

#[test]
fn loads_that_boot_alike_are_probed_one_a_boot_by_their_manifests() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    // A target no plan leads to: no step to aim at, so the probes of old tell the loads apart.
    let target = "P0030301MFG2";
    // No manifest in the directory: nothing to probe with, and nothing learnt.
    let mut p = alike_after_a_boot();
    assert_eq!(p.settle(&k, target, MAC, &|_| false), Settled::Same);
    assert_eq!(p.candidates, strings(&ALIKE));
    assert_eq!((p.probe.clone(), p.fruitless), (None, 1));
    assert!(p.boot.is_empty() && p.sent.is_empty() && p.lead.is_none());
    // Every manifest there: the first not probed yet is named next boot.
    let mut p = alike_after_a_boot();
    p.probed = strings(&ALIKE[..1]);
    p.settle(&k, target, MAC, &|_| true);
    assert_eq!(p.probe.as_deref(), Some(ALIKE[1]));
    assert_eq!(p.probed, strings(&ALIKE[..2]));
    // Only the last one's manifest.
    let mut p = alike_after_a_boot();
    p.settle(&k, target, MAC, &|load| load == ALIKE[2]);
    assert_eq!(p.probe.as_deref(), Some(ALIKE[2]));
    // One candidate left: nothing to tell apart.
    let mut p = Placement::new(strings(&ALIKE[2..]));
    p.boot = boot_log(ALIKE[2], &[]);
    assert_eq!(p.settle(&k, target, MAC, &|_| true), Settled::Same);
    assert_eq!((p.probe.clone(), p.fruitless), (None, 0));
}

#[test]
fn loads_that_held_an_image_back_are_probed_before_the_manifests() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    // A target no plan leads to: no step to aim at, so the probes of old tell the loads apart.
    let target = "P0030301MFG2";
    // They kept an image from being served this boot: each is asked in turn.
    let mut p = alike_after_a_boot();
    p.blocked_by = strings(&ALIKE[1..]);
    p.settle(&k, target, MAC, &|_| true);
    assert_eq!(p.dissenters, strings(&ALIKE[1..]));
    assert_eq!(p.probe.as_deref(), Some(ALIKE[1]));
    assert!(p.blocked_by.is_empty());
    // The next boot (not a probe) held nothing back: the dissenters stay, the next one is asked.
    let mut p = alike_after_a_boot();
    p.dissenters = strings(&ALIKE[1..]);
    p.probed = strings(&ALIKE[1..2]);
    p.settle(&k, target, MAC, &|_| false);
    assert_eq!(p.probe.as_deref(), Some(ALIKE[2]));
    // A probe boot's own refusals do not replace them.
    let mut p = alike_after_a_boot();
    p.probe = Some(ALIKE[1].into());
    p.dissenters = strings(&ALIKE[1..]);
    p.probed = strings(&ALIKE[1..2]);
    p.blocked_by = strings(&ALIKE[..1]);
    p.settle(&k, target, MAC, &|_| false);
    assert_eq!(p.dissenters, strings(&ALIKE[1..]));
    assert_eq!(p.probe.as_deref(), Some(ALIKE[2]));
}

#[test]
fn a_boot_flashed_only_when_every_load_it_may_run_fetched_the_same_stage_whole() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let firmware = |load: &str| k.proposal(load, target).firmware().to_vec();
    let mut p = Placement::new(Vec::new());
    // The factory loads take the same first stage, to SIP 6.3.
    let factory = strings(&["P0030301MFG2", "P00303010102"]);
    p.sent = firmware("P0030301MFG2");
    let (to, rule) = p.flashed(&k, target, &factory).unwrap();
    assert_eq!(to, "P0S3-06-3-00");
    assert!(!rule.is_empty());
    assert_eq!(p.flashed(&k, target, &[]), None);
    // Part of a stage is no stage.
    p.sent.pop();
    assert_eq!(p.flashed(&k, target, &factory), None);
    // Two stages to two loads, both fetched whole: the phone ran one of them, not known which.
    let apart = strings(&["P0030301MFG2", "P0S3-06-3-00"]);
    p.sent = firmware(&apart[0]);
    p.sent.extend(firmware(&apart[1]));
    assert_ne!(
        k.proposal(&apart[0], target).group(&apart[0]),
        k.proposal(&apart[1], target).group(&apart[1])
    );
    assert_eq!(p.flashed(&k, target, &apart), None);
    // A load already on its target takes no stage.
    assert_eq!(p.flashed(&k, target, &strings(&[target])), None);
}

#[test]
fn after_a_stage_the_expected_load_is_kept_until_the_phone_shows_it() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let ctl = format!("CTLSEP{MAC}.tlv");
    // Two loads apart: only the UAL one asks for the trust list first.
    let two = strings(&["P0S3-08-11-00", "P0S3-06-3-00"]);
    let mut p = Placement::new(two.clone());
    p.expected = Some("P0S3-06-3-00".into());
    p.left = strings(&["P0030301MFG2"]);
    let (_, shown) = p.request(&k, target, MAC, &ctl, false);
    assert_eq!(shown, Shown::Candidates(strings(&["P0S3-08-11-00"])));
    assert_eq!(p.expected.as_deref(), Some("P0S3-06-3-00"), "not shown yet");
    assert_eq!(p.left, ["P0030301MFG2"]);
    // It shows the expected load: the stage took.
    let mut p = Placement::new(two.clone());
    p.expected = Some("P0S3-08-11-00".into());
    p.left = strings(&["P0S3-06-3-00"]);
    p.request(&k, target, MAC, &ctl, false);
    assert_eq!((p.expected.clone(), p.left.len()), (None, 0));
    // It shows only loads it left: the stage did not take.
    let mut p = Placement::new(two);
    p.expected = Some("P0S3-06-3-00".into());
    p.left = strings(&["P0S3-08-11-00"]);
    let (reply, shown) = p.request(&k, target, MAC, &ctl, true);
    assert_eq!(reply, Reply::Managed(Directive::hold()));
    assert_eq!(
        shown,
        Shown::DidNotTake {
            expected: "P0S3-06-3-00".into(),
            running: strings(&["P0S3-08-11-00"]),
        }
    );
}

#[test]
fn an_image_is_served_only_when_every_load_it_may_run_fetches_it_next() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let proposals = |loads: &[&str]| -> Vec<(String, Proposal)> {
        loads
            .iter()
            .map(|l| (l.to_string(), k.proposal(l, target)))
            .collect()
    };
    let mut p = Placement::new(Vec::new());
    let factory = proposals(&["P0030301MFG2", "P00303010102"]);
    let image = factory[0].1.firmware()[0].clone();
    assert_eq!(p.image_reply(&k, &image, &factory), Reply::FromDir);
    assert!(p.blocked_by.is_empty());
    let one = proposals(&[target]);
    assert_eq!(
        p.image_reply(&k, &image, &one),
        Reply::RefuseImage {
            why: format!("its plan from {target} does not fetch {image} now")
        }
    );
    assert_eq!(p.blocked_by, [target]);
    let mixed = proposals(&["P0030301MFG2", target, "P0S3-8-12-00"]);
    assert_eq!(
        p.image_reply(&k, &image, &mixed),
        Reply::RefuseImage {
            why: format!("2 of the 3 loads it may run ({target}, P0S3-8-12-00) do not fetch {image} in their next stage")
        }
    );
    assert_eq!(p.blocked_by, [target, "P0S3-8-12-00"], "each once");
    // A load's own manifest, in any spelling, flashes nothing: it is served.
    assert_eq!(
        p.image_reply(&k, "P0S3-8-11-00.loads", &one),
        Reply::FromDir
    );
}

#[test]
fn a_managed_file_names_what_every_load_agrees_on_else_the_probe_else_the_most_common() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let stage = |to: &str, load: &str| Proposal::Stage {
        to: to.into(),
        rule: "r".into(),
        firmware: vec![format!("{to}.bin")],
        directive: Directive::naming(load, load),
        stages: 1,
    };
    let proposals = |list: &[(&str, Proposal)]| -> Vec<(String, Proposal)> {
        list.iter()
            .map(|(c, p)| (c.to_string(), p.clone()))
            .collect()
    };
    let mut p = Placement::new(Vec::new());
    let same = proposals(&[("A", stage("X", "X")), ("B", stage("X", "X"))]);
    assert_eq!(
        p.directive(&k, "0018B9FFFFFF", &same),
        Directive::naming("X", "X")
    );
    // They disagree: the most common answer, ties to the first.
    let most = proposals(&[
        ("A", stage("X", "X")),
        ("B", stage("Y", "Y")),
        ("C", stage("Y", "Y")),
    ]);
    assert_eq!(
        p.directive(&k, "0018B9FFFFFF", &most),
        Directive::naming("Y", "Y")
    );
    let tie = proposals(&[("A", stage("X", "X")), ("B", stage("Y", "Y"))]);
    assert_eq!(
        p.directive(&k, "0018B9FFFFFF", &tie),
        Directive::naming("X", "X")
    );
    // The lead group's answer, however few.
    p.lead = Some(stage("X", "X").group("A"));
    assert_eq!(
        p.directive(&k, "0018B9FFFFFF", &most),
        Directive::naming("X", "X")
    );
    // A group nobody is in leads nothing.
    p.lead = Some("Z".into());
    assert_eq!(
        p.directive(&k, "0018B9FFFFFF", &most),
        Directive::naming("Y", "Y")
    );
    // In a probe boot, the probed load's own name.
    p.probe = Some("P0S3-08-11-00".into());
    assert_eq!(
        p.directive(&k, "0018B9FFFFFF", &most),
        k.naming("P0S3-08-11-00")
    );
    assert_eq!(
        p.directive(&k, "0018B9FFFFFF", &same),
        Directive::naming("X", "X"),
        "agreed"
    );
}

#[test]
fn the_lead_group_is_a_step_safe_for_every_load_else_the_expected_loads_else_the_largest() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let group = |load: &str| k.proposal(load, target).group(load);
    let safe_for_all = |loads: &[String], aim: &str| {
        loads
            .iter()
            .all(|c| aim::extra(&k, c, aim, target).is_some())
    };
    let mut p = Placement::new(Vec::new());
    // A step every load of them may take: the factory images and SIP 6.3 to the loader 8.11.
    let factory = strings(&["P0S3-06-3-00", "P0030301MFG2", "P00303010102"]);
    let (lead, aim) = p.lead_group(&k, target, MAC, &factory);
    let aim = aim.expect("a step safe for all three");
    assert!(safe_for_all(&factory, &aim), "{aim}");
    assert!(
        lead.starts_with(&format!("{aim} ")),
        "{lead} leads to {aim}"
    );
    // Two bare loaders may each step only to their own package's application: no aim, and the
    // largest group leads (a tie: the first).
    let loaders = strings(&["P003-07-2-00", "P003-07-4-00"]);
    assert_eq!(
        p.lead_group(&k, target, MAC, &loaders),
        (group("P003-07-2-00"), None),
        "a tie: the first"
    );
    let three = strings(&["P003-07-2-00", "P003-07-4-00", "P003-07-4-00"]);
    assert_eq!(
        p.lead_group(&k, target, MAC, &three).0,
        group("P003-07-4-00"),
        "the largest"
    );
    // A probe boot names the probe: no aim.
    p.probe = Some("P0S3-06-3-00".into());
    assert_eq!(p.lead_group(&k, target, MAC, &factory).1, None);
    p.probe = None;
    // After a stage: the expected load's next stage when the load it left may take it too,
    // else a step both may take, else the expected load's with no aim.
    p.expected = Some("P0S3-07-2-00".into());
    let left = strings(&["P0S3-07-2-00", "P003-07-2-00"]);
    let (lead, aim) = p.lead_group(&k, target, MAC, &left);
    assert_eq!(aim.as_deref(), Some("P0S3-07-2-00"), "{lead}");
    assert_eq!(lead, group("P003-07-2-00"));
    // Where the requests tell the expected load from the one it left before any image of its
    // stage (the loader's hunt, SIP 6.3's OS79XX.TXT), its own stage leads, with no aim: the
    // image rule serves it to that load alone, and no boot is spent to show it.
    p.expected = Some("P003-08-11-00".into());
    let both = strings(&["P003-08-11-00", "P0S3-06-3-00"]);
    assert!(replay::told_apart(
        MAC,
        &[],
        "P003-08-11-00",
        &both,
        &k.proposal("P003-08-11-00", target)
    ));
    assert_eq!(
        p.lead_group(&k, target, MAC, &both),
        (group("P003-08-11-00"), None)
    );
    assert!(!replay::told_apart(
        MAC,
        &[],
        "P0S3-07-2-00",
        &left,
        &k.proposal("P0S3-07-2-00", target)
    ));
    p.expected = Some("P0S3-07-4-00".into());
    assert_eq!(
        p.lead_group(&k, target, MAC, &loaders),
        (group("P003-07-2-00"), None),
        "not among them"
    );
    // Loads with no path lead nothing.
    let none = strings(&["P0S3-08-11-00"]);
    assert_eq!(
        p.lead_group(&k, "P0030301MFG2", MAC, &none),
        (String::new(), None)
    );
}

#[test]
fn a_boot_that_fetched_the_aims_jump_whole_flashed_to_the_aim_and_part_of_it_did_not() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let factory = strings(&["P0S3-06-3-00", "P0030301MFG2", "P00303010102"]);
    let mut p = Placement::new(Vec::new());
    let aim = p
        .lead_group(&k, target, MAC, &factory)
        .1
        .expect("a step safe for all three");
    // The jump to the aim is not every load's own first stage: only the jump can count.
    assert!(factory
        .iter()
        .any(|c| aim::destination(&k.proposal(c, target), target).as_deref() != Some(&aim)));
    let jump = |load: &str| match k.towards(load, &aim) {
        aim::Towards::Jump(jump) => jump,
        other => panic!("{load} to {aim}: {other:?}"),
    };
    p.aim = Some(aim.clone());
    p.sent = factory.iter().flat_map(|c| jump(c).firmware).collect();
    let (to, rule) = p.flashed(&k, target, &factory).expect("flashed to the aim");
    assert_eq!(to, aim);
    assert_eq!(rule, jump(&factory[0]).rule);
    // One file of the jump missing: the phone kept its image.
    let file = jump(&factory[0]).firmware.pop().unwrap();
    p.sent.retain(|s| !s.eq_ignore_ascii_case(&file));
    assert_eq!(p.flashed(&k, target, &factory), None);
}

#[test]
fn one_load_left_or_a_probe_boot_aims_at_nothing_and_the_expected_load_leads_its_own_step() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let group = |load: &str| k.proposal(load, target).group(load);
    let mut p = Placement::new(Vec::new());
    // One load left: its own stage leads and no aim is needed, told or not.
    let one = strings(&["P0030301MFG2"]);
    assert_eq!(
        p.lead_group(&k, target, MAC, &one),
        (group("P0030301MFG2"), None)
    );
    p.expected = Some("P0030301MFG2".into());
    assert_eq!(
        p.lead_group(&k, target, MAC, &one),
        (group("P0030301MFG2"), None)
    );
    // After a stage, a probe boot names the probe: no aim either.
    let factory = strings(&["P0030301MFG2", "P00303010102"]);
    p.probe = Some("P00303010102".into());
    assert_eq!(p.lead_group(&k, target, MAC, &factory).1, None);
    p.probe = None;
    // Where the aim is the expected load's own next step, the expected load's group leads,
    // not the first load that steps there too.
    p.expected = Some("P00303010102".into());
    let (lead, aim) = p.lead_group(&k, target, MAC, &factory);
    assert_eq!(
        aim.as_deref(),
        aim::destination(&k.proposal("P00303010102", target), target).as_deref()
    );
    assert_eq!(lead, group("P00303010102"));
    // The same where another load of them ends there too by another way (it runs the target
    // already): the expected load's stage leads, not the first load's staying put.
    p.expected = Some("P00308000400".into());
    let there = strings(&[target, "P00308000400"]);
    let (lead, aim) = p.lead_group(&k, target, MAC, &there);
    assert_eq!(aim, None, "the requests tell them apart");
    assert_eq!(lead, group("P00308000400"));
    assert_ne!(lead, group(target));
}

/// One boot of `load` through `p`'s decisions: each file asked for, answered as serve would for a
/// user with no files of their own; the directive each managed file got, by name.
fn boot_through(
    p: &mut Placement,
    k: &Knowledge,
    target: &str,
    load: &str,
) -> Vec<(String, Directive)> {
    use crate::files::{loads, os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
    use crate::wire::serve::answers::Managed;
    struct Serve<'a, 'k, 'm> {
        p: &'a mut Placement,
        k: &'k Knowledge<'m>,
        target: &'a str,
        managed: Vec<(String, Directive)>,
    }
    impl Server for Serve<'_, '_, '_> {
        fn read(&mut self, name: &str) -> Answer {
            let managed = Managed::of(name, MAC);
            let (reply, _) = self
                .p
                .request(self.k, self.target, MAC, name, managed.is_some());
            let text = match (reply, managed) {
                (Reply::Managed(d), Some(file)) => {
                    self.managed.push((name.to_string(), d.clone()));
                    match file {
                        Managed::Os79xx => d.os79xx.as_deref().map(os79xx_txt::render),
                        Managed::XmlDefault => d
                            .xml_load
                            .as_deref()
                            .map(|l| xml_default_cnf_xml::render(l, Model::Both)),
                        Managed::SipDefault | Managed::MgcDefault => {
                            d.image_version.as_deref().map(sip_default_cnf::render)
                        }
                        Managed::SepXml | Managed::SipMac => None,
                    }
                }
                // serve serves no other boot file to a phone it has not placed.
                (Reply::FromDir, _) if is_firmware(name) => {
                    Some(match name.strip_suffix(".loads") {
                        Some(stem) => {
                            let loader = self.k.matrix.by_name(stem).unwrap().loader_or_self();
                            loads::stand_in(stem, loader, stem)
                        }
                        None => format!("stand-in for {name}"),
                    })
                }
                _ => None,
            };
            self.p.log(Logged {
                name: name.to_string(),
                found: text.is_some(),
                size: text.as_ref().map_or(0, |t| t.len() as u64),
                text: text.clone(),
            });
            match text {
                Some(text) => {
                    self.p.sent_whole(name);
                    Answer::Served {
                        size: text.len() as u64,
                        contents: Some(text.into_bytes()),
                    }
                }
                None => Answer::NotFound,
            }
        }
    }
    let phone = Phone {
        mac: Some(MAC.into()),
        ..Phone::new(Model::Both)
    };
    let mut serve = Serve {
        p,
        k,
        target,
        managed: Vec::new(),
    };
    phone.boot(1, &LoadId::parse(load).unwrap(), &mut serve);
    serve.managed
}

/// A boot that may be any UAL-era load, by requests alone: naming no load in XMLDefault.cnf.xml
/// parts them by protocol (the lead's load would tell only itself from the rest), so a SIP
/// application goes on to SIPDefault.cnf, which names the step every SIP application takes, and
/// it flashes in this very boot; an SCCP application or a bare loader ends there, the SIP and
/// MGCP applications no longer among its candidates.
#[test]
fn a_boot_that_may_run_any_ual_load_names_no_load_and_parts_them_by_protocol() {
    let matrix = Matrix::builtin().unwrap();
    let k = Knowledge::new(&matrix, None);
    let target = "P0S3-08-11-00";
    let protocol = |load: &str| LoadId::parse(load).unwrap().protocol();
    let ual: Vec<String> = k
        .universe()
        .into_iter()
        .filter(|l| LoadId::parse(l).unwrap().era() == Some(Era::Ual))
        .collect();
    let mut p = Placement::new(ual.clone());
    let managed = boot_through(&mut p, &k, target, "P0S3-07-4-00");
    assert!(p.named_nothing, "the boot named no load");
    let said = |name: &str| managed.iter().find(|(n, _)| n == name).map(|(_, d)| d);
    assert_eq!(said("XMLDefault.cnf.xml"), Some(&Directive::nothing()));
    assert_eq!(
        said("SIPDefault.cnf").and_then(|d| d.image_version.as_deref()),
        Some(target)
    );
    let settled = p.settle(&k, target, MAC, &|_| true);
    assert!(
        matches!(&settled, Settled::Flashed { to, .. } if to == target),
        "{settled:?}"
    );
    // An SCCP application ends where a bare loader does: only they are left.
    let mut p = Placement::new(ual);
    let managed = boot_through(&mut p, &k, target, "P00308000700");
    assert_eq!(
        managed.last(),
        Some(&("XMLDefault.cnf.xml".to_string(), Directive::nothing()))
    );
    assert_eq!(p.settle(&k, target, MAC, &|_| true), Settled::Narrowed);
    assert!(p.candidates.contains(&"P00308000700".to_string()));
    assert!(p.candidates.contains(&"P003-07-4-00".to_string()));
    let application = |c: &String| LoadId::parse(c).unwrap().kind() == Kind::Application;
    assert!(
        p.candidates
            .iter()
            .all(|c| !application(c) || protocol(c) == Some(Protocol::Sccp)),
        "{:?}",
        p.candidates
    );
    // Once parted, naming nothing tells them apart no better than the lead's load: not again.
    let managed = boot_through(&mut p, &k, target, "P00308000700");
    assert!(
        managed.iter().all(|(_, d)| *d != Directive::nothing()),
        "{managed:?}"
    );
    assert!(!p.named_nothing);
}
