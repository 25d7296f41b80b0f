//! Which route `plan` takes: every pair of catalogue loads gets a chain of allowed rules or a
//! reasoned no; the fewest reboots, safety first, `--via` and `--avoid`, the cautions of each
//! stage, MGCP 7.x by MGCDefault.cnf, and a "no path" that aims for the nearest load it can
//! reach.

use std::fs;

use phoneup::files::loads::stand_in as stand_in_loads;
use phoneup::knowledge::graph;
use phoneup::knowledge::matrix::{Matrix, Verdict};
use phoneup::knowledge::package as stage;
use phoneup::knowledge::Builtin;
use phoneup::plan::replay::STAND_IN_IMAGE;
use phoneup::plan::{plan, Outcome, Planner, Request};
use serde_json::Value;

use super::support::{json, plan_json, root_args, run, strings, Test};

#[test]
fn every_pair_gets_a_chained_plan_of_allowed_steps_or_a_reasoned_no() {
    let matrix = Matrix::builtin().unwrap();
    let (mut plans, mut refusals) = (0, 0);
    let planner = Planner::new(&matrix);
    for from in &matrix.loads {
        for to in &matrix.loads {
            let request = Request::new(from.name(), to.name());
            let context = format!("{} -> {}", from.name(), to.name());
            match planner
                .plan(&request)
                .unwrap_or_else(|e| panic!("{context}: {e}"))
            {
                Outcome::Plan(plan) => {
                    plans += 1;
                    assert_eq!(
                        plan.path.first().map(String::as_str),
                        Some(from.name()),
                        "{context}"
                    );
                    assert_eq!(
                        plan.path.last().map(String::as_str),
                        Some(to.name()),
                        "{context}"
                    );
                    assert_eq!(plan.reboots, plan.stages.len(), "{context}");
                    let mut at = from.name().to_string();
                    for (i, s) in plan.stages.iter().enumerate() {
                        assert_eq!(s.reboot, i + 1, "{context}");
                        assert_eq!(
                            s.from, at,
                            "{context}: stage {} does not start where the last ended",
                            s.reboot
                        );
                        let (a, b) = (
                            matrix.by_name(&s.from).unwrap(),
                            matrix.by_name(&s.to).unwrap(),
                        );
                        let rule = matrix.rule(&s.rule).unwrap();
                        assert_eq!(rule.verdict, Verdict::Allowed, "{context}");
                        assert!(
                            rule.applies(a, b),
                            "{context}: {} does not cover {} -> {}",
                            s.rule,
                            s.from,
                            s.to
                        );
                        assert_eq!(
                            matrix.refusals(a, b).count(),
                            0,
                            "{context}: a refusal covers {} -> {}",
                            s.from,
                            s.to
                        );
                        assert_eq!(
                            graph::best_rule(&matrix, a, b).map(|r| r.id.as_str()),
                            Some(s.rule.as_str())
                        );
                        for file in &s.firmware {
                            assert!(
                                b.files.contains(file),
                                "{context}: {file} is not in the package of {}",
                                s.to
                            );
                        }
                        assert_eq!(s.image_version.as_deref(), Some(s.to.as_str()), "{context}");
                        assert!(s.files.contains_key("OS79XX.TXT"));
                        assert_eq!(s.firmware, stage::firmware(a, b));
                        at = s.to.clone();
                    }
                    assert_eq!(at, to.name(), "{context}");
                }
                Outcome::NoPath(no) => {
                    refusals += 1;
                    assert!(
                        !no.reasons.is_empty(),
                        "{context}: a no-path answer must say why"
                    );
                    assert_ne!(from.name(), to.name());
                }
            }
        }
    }
    // The matrix is neither empty nor all refusals.
    assert!(plans > matrix.loads.len() * 4, "only {plans} plans");
    assert!(refusals > 0);
}

#[test]
fn plans_take_the_fewest_reboots() {
    let matrix = Matrix::builtin().unwrap();
    let request = |from: &str, to: &str| Request::new(from, to);
    let reboots = |from, to| match plan(&matrix, &request(from, to)).unwrap() {
        Outcome::Plan(p) => Some(p.reboots),
        Outcome::NoPath(_) => None,
    };
    assert_eq!(reboots("P0030301MFG2", "P0S3-08-11-00"), Some(3));
    assert_eq!(reboots("P0S3-06-3-00", "P0S3-08-11-00"), Some(2));
    assert_eq!(reboots("P0S3-03-0-00", "P0S3-08-11-00"), Some(4));
    assert_eq!(reboots("P0S3-08-11-00", "P0S3-08-11-00"), Some(0));
    assert_eq!(reboots("P0S3-08-2-00", "P0S30202"), None);
}

#[test]
fn no_path_says_why_and_aims_for_the_nearest_load_of_the_same_kind_and_protocol() {
    let test = Test::new();
    let generic = |from: &str, to: &str, origin: &str| {
        format!("No chain of evidenced rules leads from {from} to {to} in {origin}. phoneup does not guess: if you know a route that works, add its rule and evidence to a copy of the matrix (phoneup matrix > my.yaml) and pass --matrix my.yaml.")
    };
    // SIP 8.11 cannot go back to SCCP 3.x (R6). The nearest SCCP application it reaches is
    // 7.2(3), the oldest above 3.1: not the SCCP loader P003-07-2-00, older still but a loader.
    let (code, value, _) =
        test.run_json(&["plan", "--from", "P0S3-08-11-00", "--to", "P0030301MFG2"]);
    assert_eq!(code, 1);
    assert_eq!(
        value["reasons"],
        serde_json::json!([
            "Rule R6 (high confidence): a signed load (5.0 or later) never goes back below 5.0: from 5.0 on the phone accepts only signed images, and every load below 5.0 is unsigned.",
            "No source lists the files of P0030301MFG2, so phoneup can plan from it but not to it.",
            generic("P0S3-08-11-00", "P0030301MFG2", "built-in data/matrix.yaml"),
        ])
    );
    assert_eq!(
        value["next_step"]["command"],
        "phoneup plan --from P0S3-08-11-00 --to P00307020300"
    );
    // 8.0(7) has no files: nearest below it is 8.0(5), by the whole version (8.0(1) shares
    // only the 8.0). No refusal and no signed-to-unsigned step: only those two reasons.
    let (code, value, _) =
        test.run_json(&["plan", "--from", "P0S3-08-11-00", "--to", "P00308000700"]);
    assert_eq!(code, 1);
    assert_eq!(
        value["reasons"],
        serde_json::json!([
            "No source lists the files of P00308000700, so phoneup can plan from it but not to it.",
            generic("P0S3-08-11-00", "P00308000700", "built-in data/matrix.yaml"),
        ])
    );
    assert_eq!(
        value["next_step"]["command"],
        "phoneup plan --from P0S3-08-11-00 --to P00308000500"
    );
    assert!(
        !value["next_step"]["fix"]
            .as_str()
            .unwrap()
            .contains("confidence steps"),
        "an all-high route has no caveat: {value:#}"
    );
    // From SCCP 5.0(3.1) every route to 8.0 has a medium step: the fix says so.
    let (_, value, _) = test.run_json(&["plan", "--from", "P00305000301", "--to", "P00308000700"]);
    assert_eq!(
        value["next_step"]["fix"],
        "Aim for P00308000500 instead: of the loads like P00308000700 that phoneup can reach from P00305000301, it has the most confident route and is the nearest. Its route has medium-confidence steps: read their evidence first."
    );
    // MGCP 7.7 has an era (the loader): it is not called an MGCP load before 7.0.
    let (_, value, _) = test.run_json(&["plan", "--from", "P0M3-07-7-00", "--to", "P0030301MFG2"]);
    let reasons = value["reasons"].to_string();
    assert!(!reasons.contains("before 7.0"), "{reasons}");
    assert!(reasons.contains("Rule R6"), "{reasons}");
    let (_, value, _) = test.run_json(&["plan", "--from", "P0M3-06-1-00", "--to", "P0S3-08-11-00"]);
    assert_eq!(
        value["reasons"][0],
        "P0M3-06-1-00 is a signed MGCP load before 7.0: whether it runs on the Universal Application Loader is unknown, and no rule covers it."
    );
    // A matrix of the user's without R6: phoneup still says why signed to unsigned has no path.
    let dir = test.dir("no-path-without-r6", &[]);
    let (_, full, _) = test.run(&["matrix"]);
    let lines: Vec<&str> = full.lines().collect();
    let r6 = lines.iter().position(|l| *l == "  - id: R6").unwrap();
    let next = r6
        + 1
        + lines[r6 + 1..]
            .iter()
            .position(|l| l.starts_with("  - id: "))
            .unwrap();
    let mut without = lines[..r6].to_vec();
    without.extend(&lines[next..]);
    let matrix = dir.join("no-r6.yaml");
    fs::write(&matrix, without.join("\n") + "\n").unwrap();
    let matrix = matrix.to_str().unwrap();
    let (code, value, _) = test.run_json(&[
        "--matrix",
        matrix,
        "plan",
        "--from",
        "P0S3-08-11-00",
        "--to",
        "P00303020214",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        value["reasons"],
        serde_json::json!([
            "P0S3-08-11-00 is signed and P00303020214 is not: signed images never go back below 5.0.",
            generic("P0S3-08-11-00", "P00303020214", matrix),
        ])
    );
}

#[test]
fn safety_first_the_factory_image_to_sip_7_4_is_all_high_and_reboots_first_takes_the_loader() {
    let (code, plan) = plan_json("P0030301MFG2", "P0S3-07-4-00", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        strings(&plan["path"]),
        [
            "P0030301MFG2",
            "P0S3-06-3-00",
            "P003-07-4-00",
            "P0S3-07-4-00"
        ]
    );
    for stage in plan["stages"].as_array().unwrap() {
        assert_eq!(stage["confidence"], "high", "{stage:#}");
    }
    assert_eq!(plan["prefer"], "safety");
    let (code, plan) = plan_json("P0030301MFG2", "P0S3-07-4-00", &["--prefer", "reboots"]);
    assert_eq!(code, 0);
    assert_eq!(
        strings(&plan["path"]),
        ["P0030301MFG2", "P003-07-4-00", "P0S3-07-4-00"]
    );
    assert_eq!(plan["stages"][0]["rule"], "R2a");
    assert_eq!(plan["stages"][0]["confidence"], "medium");
    assert_eq!(
        strings(&plan["stages"][0]["firmware"]),
        ["P003-07-4-00.bin"]
    );
    // The card stays three high-confidence reboots.
    let (_, card) = plan_json("P0030301MFG2", "P0S3-08-11-00", &[]);
    assert_eq!(card["reboots"], 3);
    assert!(card["stages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["confidence"] == "high"));
}

#[test]
fn intermediates_avoid_7_2_and_prefer_7_4() {
    let (_, plan) = plan_json("P0S3-06-3-00", "P00308010200", &[]);
    assert_eq!(
        strings(&plan["path"]),
        [
            "P0S3-06-3-00",
            "P003-07-4-00",
            "P0S3-07-4-00",
            "P00308010200"
        ]
    );
    // SCCP 5.x to SIP 8.x: an SCCP update (medium either way) and then the conversion by
    // load information, with no loader hunt on the way; never SIP 7.2.
    let (_, plan) = plan_json("P00305000301", "P0S3-8-12-00", &[]);
    assert_eq!(
        strings(&plan["path"]),
        ["P00305000301", "P00307020300", "P0S3-8-12-00"]
    );
    assert_eq!(plan["stages"][0]["rule"], "R11a");
    assert_eq!(plan["stages"][1]["rule"], "R9a");
    assert_eq!(
        strings(&plan["stages"][1]["firmware"]),
        ["P0S3-8-12-00.loads", "P003-8-12-00.sbn", "P0S3-8-12-00.sb2"]
    );
    // With the fewest reboots first, the same: both routes are two reboots, and the loader's
    // hunt is one risky event more.
    let (_, plan) = plan_json("P00305000301", "P0S3-8-12-00", &["--prefer", "reboots"]);
    assert_eq!(plan["stages"][1]["rule"], "R9a");
}

#[test]
fn an_mgcp_7_7_phone_gets_a_plan_to_sccp_8_1_2_sr2_by_mgcdefault() {
    let test = Test::new();
    let (code, plan) = plan_json("P0M3-07-7-00", "P0030801SR02", &[]);
    assert_eq!(code, 0, "{plan:#}");
    let stage = &plan["stages"][0];
    assert_eq!(plan["reboots"], 1);
    assert_eq!(stage["rule"], "R15");
    assert_eq!(stage["confidence"], "medium");
    // MGCDefault.cnf is edited in place (only its image_version line is phoneup's).
    let edit = stage["edits_in_place"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == "MGCDefault.cnf")
        .expect("MGCDefault.cnf is edited");
    assert_eq!(edit["set"][0]["key"], "image_version");
    assert_eq!(edit["set"][0]["value"], "P0030801SR02");
    assert_eq!(edit["if_absent"], "image_version: P0030801SR02\n");
    assert_eq!(stage["files"].get("MGCDefault.cnf"), None);
    assert_eq!(stage["files"]["SIPDefault.cnf"], Value::Null);
    assert_eq!(stage["files"]["XMLDefault.cnf.xml"], Value::Null);
    assert_eq!(
        strings(&stage["expect_requests"])[4..7],
        ["XMLDefault.cnf.xml", "SIPDefault.cnf", "MGCDefault.cnf"]
    );
    let (_, stdout, _) = test.run(&["plan", "--from", "P0M3-07-7-00", "--to", "P0030801SR02"]);
    assert!(
        stdout.contains("how       image_version in MGCDefault.cnf"),
        "{stdout}"
    );
    assert!(
        stdout.contains("In MGCDefault.cnf only the values named above are phoneup's"),
        "{stdout}"
    );

    // apply writes MGCDefault.cnf (keeping the user's other lines) and sets SIPDefault.cnf
    // aside; the phone model then ends on SCCP 8.1(2)SR2.
    // Stand-ins of the sizes the sources give, as Cisco's files are: check flags others.
    let loads = stand_in_loads("P0030801SR02", "P0030801SR02", "P0030801SR02");
    let sized = phoneup::plan::replay::stand_in_sized;
    let dir = test.dir(
        "mgcp",
        &[
            (
                "P0030801SR02.bin",
                &sized("P0030801SR02.bin", STAND_IN_IMAGE),
            ),
            (
                "P0030801SR02.loads",
                &sized("P0030801SR02.loads", loads.as_bytes()),
            ),
            (
                "P0030801SR02.sb2",
                &sized("P0030801SR02.sb2", STAND_IN_IMAGE),
            ),
            (
                "P0030801SR02.sbn",
                &sized("P0030801SR02.sbn", STAND_IN_IMAGE),
            ),
            (
                "SIPDefault.cnf",
                b"image_version: P0S3-8-12-00\nproxy1_address: x\n",
            ),
            (
                "MGCDefault.cnf",
                b"# Generic MGCP Default Config File Options\nimage_version: P0M3-07-7-00\n",
            ),
        ],
    );
    let (code, stdout, stderr) = test.run(&root_args(
        &[
            "apply",
            "--from",
            "P0M3-07-7-00",
            "--to",
            "P0030801SR02",
            "--stage",
            "1",
        ],
        &dir,
    ));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        fs::read_to_string(dir.join("MGCDefault.cnf")).unwrap(),
        "# Generic MGCP Default Config File Options\nimage_version: P0030801SR02\n"
    );
    assert!(!dir.join("SIPDefault.cnf").exists());
    let (code, stdout, _) = test.run(&root_args(
        &["check", "--from", "P0M3-07-7-00", "--to", "P0030801SR02"],
        &dir,
    ));
    assert_eq!(code, 0, "{stdout}");
    let (code, _, _) = test.run(&root_args(&["undo"], &dir));
    assert_eq!(code, 0);
    assert!(dir.join("SIPDefault.cnf").exists());
    // Nothing leads to MGCP, and MGCP before 7.0 stays unknown.
    let (code, stdout, _) = test.run(&["plan", "--from", "P0S3-08-11-00", "--to", "P0M3-07-7-00"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("No rule leads to an MGCP load"), "{stdout}");
    let (code, stdout, _) = test.run(&["plan", "--from", "P0M3-06-1-00", "--to", "P0030801SR02"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("whether it runs on the Universal Application Loader is unknown"),
        "{stdout}"
    );
}

/// The warnings of the stage of `plan --from FROM --to TO` that ends on `stage_to`.
fn warnings(from: &str, to: &str, stage_to: &str) -> Vec<String> {
    warnings_with(from, to, stage_to, &[])
}

fn warnings_with(from: &str, to: &str, stage_to: &str, extra: &[&str]) -> Vec<String> {
    let (_, plan) = plan_json(from, to, extra);
    let stage = plan["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["to"] == stage_to)
        .unwrap_or_else(|| panic!("{from} -> {to} has no stage to {stage_to}: {plan:#}"));
    strings(&stage["warnings"])
}

#[test]
fn the_new_cautions_appear_where_they_apply() {
    let loader = warnings("P0S3-06-3-00", "P0S3-08-11-00", "P003-08-11-00");
    assert!(loader.iter().any(|w| w.contains("no settings menu")
        && w.contains("option 150")
        && w.contains("123456789*0#")));
    assert!(loader
        .iter()
        .any(|w| w.contains("image_version names the loader")));
    let app = warnings("P0S3-06-3-00", "P0S3-08-11-00", "P0S3-08-11-00");
    assert!(app.iter().any(|w| w.contains("xmlDefault.CNF.XML")));
    assert!(
        !app.iter().any(|w| w.contains("no settings menu")),
        "{app:?}"
    );
    // SCCP 3.x through the SCCP package's own .bin loader enters the loader too.
    let bin_loader = warnings_with(
        "P0030301MFG2",
        "P00307020300",
        "P00307020300",
        &["--prefer", "reboots"],
    );
    assert!(
        bin_loader.iter().any(|w| w.contains("no settings menu")),
        "{bin_loader:?}"
    );
    // SCCP 8.0(5) and later: the silent fallback of STRANGEFAIL.
    let sccp = warnings("P0S3-08-11-00", "P0030801SR02", "P0030801SR02");
    assert!(sccp
        .iter()
        .any(|w| w.contains("[STRANGEFAIL]") && w.contains("8.0(5)")));
    let older = warnings("P0S3-08-11-00", "P00307020300", "P00307020300");
    assert!(!older.iter().any(|w| w.contains("8.0(5) or later")));
    // A file no source shows.
    let nine = warnings("P0S3-06-3-00", "P0S3-08-9-00", "P003-08-9-00");
    assert!(nine
        .iter()
        .any(|w| w.contains("No source shows a file named P003-08-9-00.sbn")));
    // Shared files: every plan says so once.
    let (_, plan) = plan_json("P0S3-08-2-00", "P0S3-06-3-00", &[]);
    assert!(strings(&plan["notes"])
        .iter()
        .any(|n| n.contains("read by every 7940/7960")));
    // A plan from a loader: CDP may have shown the loader for a SIP phone.
    let (_, plan) = plan_json("P003-08-8-00", "P0S3-08-8-00", &[]);
    assert!(
        strings(&plan["notes"])
            .iter()
            .any(|n| n.contains("Settings > Status > Firmware Versions")
                && n.contains("[VOIPHOPPER]"))
    );
}

#[test]
fn a_target_the_catalogue_lacks_gets_no_when_the_era_settles_it() {
    let (code, value) = plan_json("P0S3-08-2-00", "P0S30203", &[]);
    assert_eq!(code, 1, "{value:#}");
    let reasons = strings(&value["reasons"]);
    assert!(
        reasons.iter().any(|r| r.starts_with("Rule R6")),
        "{reasons:?}"
    );
    let (code, _) = plan_json("P0030801SR02", "P0S30203", &[]);
    assert_eq!(code, 1);
    // From an unsigned load the answer needs the target's files: an input error.
    let (code, _, stderr) = run(&["plan", "--from", "P0030301MFG2", "--to", "P0S30203"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not in the catalogue"), "{stderr}");
}

#[test]
fn no_path_exits_1_and_says_why() {
    let (code, stdout, _) = run(&["plan", "--from", "P0S3-08-2-00", "--to", "P0S30202"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("below 5.0"), "{stdout}");
    let (code, value) = json(&[
        "plan",
        "--from",
        "P0S3-08-2-00",
        "--to",
        "P0S30202",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert!(value["reasons"].as_array().is_some_and(|r| !r.is_empty()));
}

/// `phoneup plan --from FROM --to TO EXTRA... --format json`, parsed.
fn plan_value(from: &str, to: &str, extra: &[&str]) -> Value {
    plan_json(from, to, extra).1
}

#[test]
fn via_and_avoid_steer_the_route() {
    let value = plan_value(
        "P0030301MFG2",
        "P0S3-08-11-00",
        &["--avoid", "P0S3-06-3-00"],
    );
    assert_eq!(value["path"][1], "P0S3-05-3-00");
    let value = plan_value("P0030301MFG2", "P0S3-08-11-00", &["--via", "P0S3-06-0-00"]);
    assert_eq!(value["path"][1], "P0S3-06-0-00");
    // Without the 8.11 loader, the route goes through another package and R5.
    let value = plan_value(
        "P0S3-06-3-00",
        "P0S3-08-11-00",
        &["--avoid", "P003-08-11-00"],
    );
    assert_eq!(value["reboots"], 3);
    assert!(value["path"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l != "P003-08-11-00"));
    // A waypoint that cannot be reached explains itself.
    let (code, stdout, _) = run(&[
        "plan",
        "--from",
        "P0S3-06-3-00",
        "--to",
        "P0S3-08-11-00",
        "--via",
        "P0S30202",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("--via/--avoid"), "{stdout}");
    assert!(
        stdout.contains("then run: phoneup plan --from P0S3-06-3-00 --to P0S3-08-11-00\n"),
        "the next step drops the waypoint: {stdout}"
    );
}
