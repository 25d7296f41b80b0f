//! What the matrix review changed, as a user meets it: plans in the spelling of the user's own
//! files (seed 004), safety first, MGCP 7.x, the new cautions, `identify` on Boot, DSP and
//! Version lines, and the answers the era settles.

use std::fs;
use std::path::Path;

use phoneup::files::loads::stand_in as stand_in_loads;
use phoneup::plan::replay::STAND_IN_IMAGE;
use serde_json::Value;

use super::support::{fixture, run};

fn json(args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = run(args);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value)
}

fn plan_json(from: &str, to: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["plan", "--from", from, "--to", to, "--format", "json"];
    args.extend(extra);
    json(&args)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Seed 004's TFTP directory as its author left it (stand-ins for the images): the files are
/// spelled `-8-11-`, Cisco's 8.11 package `-08-11-`.
fn seed_004_root(tag: &str) -> std::path::PathBuf {
    let loads = stand_in_loads("P0S3-8-11-00", "P003-8-11-00", "P0S3-8-11-00");
    fixture(
        tag,
        &[
            ("OS79XX.TXT", b"P003-8-11-00\n"),
            ("P003-8-11-00.bin", STAND_IN_IMAGE),
            ("P003-8-11-00.sbn", STAND_IN_IMAGE),
            ("P0S3-8-11-00.loads", loads.as_bytes()),
            ("P0S3-8-11-00.sb2", STAND_IN_IMAGE),
            (
                "XMLDefault.cnf.xml",
                b"<Default>\n  <loadInformation>P0S3-8-12-00</loadInformation>\n</Default>\n",
            ),
        ],
    )
}

fn root_args<'a>(args: &[&'a str], dir: &'a Path) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--tftp-root", dir.to_str().unwrap()]);
    all
}

#[test]
fn seed_004_gets_a_plan_in_its_own_spelling_that_apply_accepts_and_the_phone_completes() {
    let dir = seed_004_root("seed-004-spelling");
    let route = ["--from", "P0S3-05-3-00", "--to", "P0S3-08-11-00"];
    let mut args = vec!["plan"];
    args.extend(route);
    args.extend(["--format", "json"]);
    let (code, plan) = json(&root_args(&args, &dir));
    assert_eq!(code, 0);
    assert_eq!(
        strings(&plan["path"]),
        ["P0S3-05-3-00", "P003-8-11-00", "P0S3-8-11-00"]
    );
    let stages = plan["stages"].as_array().unwrap();
    assert_eq!(stages[0]["os79xx"], "P003-8-11-00");
    assert_eq!(stages[0]["files"]["OS79XX.TXT"], "P003-8-11-00\n");
    assert_eq!(strings(&stages[0]["firmware"]), ["P003-8-11-00.sbn"]);
    assert_eq!(stages[1]["xmldefault_load"], "P0S3-8-11-00");
    assert_eq!(stages[1]["image_version"], "P0S3-8-11-00");
    assert_eq!(
        strings(&stages[1]["firmware"]),
        ["P0S3-8-11-00.loads", "P003-8-11-00.sbn", "P0S3-8-11-00.sb2"]
    );
    assert_eq!(plan["to_obtain"], serde_json::json!([]), "{plan:#}");
    assert!(strings(&plan["notes"])
        .iter()
        .any(|n| n.contains("P0S3-8-11-00") && n.contains("as your files do")));
    // Without the root, the catalogue's spelling.
    let (_, plain) = plan_json("P0S3-05-3-00", "P0S3-08-11-00", &[]);
    assert_eq!(plain["stages"][0]["os79xx"], "P003-08-11-00");

    // apply accepts both stages (the firmware is all there) and the phone model completes each.
    for (stage, from, ends_on) in [
        ("1", "P0S3-05-3-00", "P003-8-11-00"),
        ("2", "P003-8-11-00", "P0S3-8-11-00"),
    ] {
        let mut args = vec!["apply"];
        args.extend(route);
        args.extend(["--stage", stage]);
        let (code, stdout, stderr) = run(&root_args(&args, &dir));
        assert_eq!(code, 0, "stage {stage}: {stdout}{stderr}");
        assert!(!stdout.contains("firmware not in the root"), "{stdout}");
        let (code, sim) = json(&root_args(
            &[
                "simulate",
                "--from",
                from,
                "--mac",
                "0018B9FFFFFF",
                "--format",
                "json",
            ],
            &dir,
        ));
        assert_eq!(code, 0, "stage {stage}: {sim:#}");
        assert_eq!(sim["final_load"], ends_on, "stage {stage}: {sim:#}");
        assert_eq!(sim["ending"], "stable");
        let requested: Vec<String> = sim["boots"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| b["requests"].as_array().unwrap().clone())
            .map(|r| r["file"].as_str().unwrap().to_string())
            .collect();
        assert!(
            requested.iter().all(|f| !f.contains("-08-11-")),
            "the phone asks only for names the root has: {requested:?}"
        );
    }
    assert_eq!(
        fs::read_to_string(dir.join("OS79XX.TXT")).unwrap(),
        "P003-8-11-00\n"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_loads_in_another_spelling_than_the_files_is_explained_and_listed_to_obtain() {
    let loads = stand_in_loads("P0S3-8-11-00", "P003-08-11-00", "P0S3-8-11-00");
    let dir = fixture(
        "spelling-mismatch",
        &[
            ("P003-8-11-00.sbn", STAND_IN_IMAGE),
            ("P0S3-8-11-00.loads", loads.as_bytes()),
            ("P0S3-8-11-00.sb2", STAND_IN_IMAGE),
        ],
    );
    let (code, plan) = json(&root_args(
        &[
            "plan",
            "--from",
            "P003-8-11-00",
            "--to",
            "P0S3-08-11-00",
            "--format",
            "json",
        ],
        &dir,
    ));
    assert_eq!(code, 0);
    assert_eq!(
        strings(&plan["stages"][0]["firmware"]),
        [
            "P0S3-8-11-00.loads",
            "P003-08-11-00.sbn",
            "P0S3-8-11-00.sb2"
        ],
        "the phone fetches what the .loads names"
    );
    assert_eq!(strings(&plan["to_obtain"]), ["P003-08-11-00.sbn"]);
    assert!(
        strings(&plan["notes"])
            .iter()
            .any(|n| n.contains("Copy P003-8-11-00.sbn to P003-08-11-00.sbn")),
        "{plan:#}"
    );
    // A plan from a loader reminds the user that CDP shows the loader for a SIP phone.
    assert!(strings(&plan["notes"]).iter().any(|n| n.contains("CDP")));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn two_spellings_in_one_root_are_reported_and_the_complete_one_is_named() {
    let good = stand_in_loads("P0S3-8-11-00", "P003-8-11-00", "P0S3-8-11-00");
    let stray = stand_in_loads("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00");
    let dir = fixture(
        "two-spellings",
        &[
            ("P003-8-11-00.sbn", STAND_IN_IMAGE),
            ("P0S3-8-11-00.loads", good.as_bytes()),
            ("P0S3-8-11-00.sb2", STAND_IN_IMAGE),
            ("P0S3-08-11-00.loads", stray.as_bytes()),
        ],
    );
    let (code, stdout, _) = run(&root_args(
        &["plan", "--from", "P003-8-11-00", "--to", "P0S3-08-11-00"],
        &dir,
    ));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("in 2 spellings (P0S3-08-11-00, P0S3-8-11-00): the plan names P0S3-8-11-00, whose files are all there"),
        "{stdout}"
    );
    assert!(!stdout.contains("Still to obtain"), "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
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
    // SCCP 5.x to SIP 8.x goes through the target's own loader, never SIP 7.2.
    let (_, plan) = plan_json("P00305000301", "P0S3-8-12-00", &[]);
    assert_eq!(
        strings(&plan["path"]),
        ["P00305000301", "P003-8-12-00", "P0S3-8-12-00"]
    );
    assert_eq!(plan["stages"][0]["rule"], "R8b");
    assert_eq!(
        strings(&plan["stages"][0]["firmware"]),
        ["P003-8-12-00.sbn"]
    );
}

#[test]
fn an_mgcp_7_7_phone_gets_a_plan_to_sccp_8_1_2_sr2_by_mgcdefault() {
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
    let (_, stdout, _) = run(&["plan", "--from", "P0M3-07-7-00", "--to", "P0030801SR02"]);
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
    let loads = stand_in_loads("P0030801SR02", "P0030801SR02", "P0030801SR02");
    let dir = fixture(
        "mgcp",
        &[
            ("P0030801SR02.bin", STAND_IN_IMAGE),
            ("P0030801SR02.loads", loads.as_bytes()),
            ("P0030801SR02.sb2", STAND_IN_IMAGE),
            ("P0030801SR02.sbn", STAND_IN_IMAGE),
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
    let (code, stdout, stderr) = run(&root_args(
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
    let (code, stdout, _) = run(&root_args(
        &["check", "--from", "P0M3-07-7-00", "--to", "P0030801SR02"],
        &dir,
    ));
    assert_eq!(code, 0, "{stdout}");
    let (code, _, _) = run(&root_args(&["undo"], &dir));
    assert_eq!(code, 0);
    assert!(dir.join("SIPDefault.cnf").exists());
    fs::remove_dir_all(&dir).unwrap();
    // Nothing leads to MGCP, and MGCP before 7.0 stays unknown.
    let (code, stdout, _) = run(&["plan", "--from", "P0S3-08-11-00", "--to", "P0M3-07-7-00"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("No rule leads to an MGCP load"), "{stdout}");
    let (code, stdout, _) = run(&["plan", "--from", "P0M3-06-1-00", "--to", "P0030801SR02"]);
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
fn identify_explains_boot_dsp_and_version_lines_and_flags_files_no_package_ships() {
    for (input, what) in [
        ("PC030301", "Boot Load ID"),
        ("PC03A300", "Boot Load ID"),
        ("PS03AT46", "DSP Load ID"),
    ] {
        let (code, stdout, _) = run(&["identify", input]);
        assert_eq!(code, 0, "{input}");
        assert!(
            stdout.contains(&format!("This is the {what}"))
                && stdout.contains("not the App Load ID"),
            "{input}: {stdout}"
        );
        let (code, _, stderr) = run(&["plan", "--from", input, "--to", "P0S3-08-11-00"]);
        assert_eq!(code, 2);
        assert!(
            stderr.contains(what) && stderr.contains("App Load ID"),
            "{stderr}"
        );
    }
    for (line, load) in [
        ("8.1(2)SR2", "P0030801SR02"),
        ("3.1(MF.G2)", "P0030301MFG2"),
        ("8.1(2.0)", "P00308010200"),
    ] {
        let (code, value) = json(&["identify", line, "--format", "json"]);
        assert_eq!(code, 0, "{line}");
        assert_eq!(value[0]["input"], line);
        assert_eq!(value[0]["catalogue_id"], load, "{line}");
        assert!(strings(&value[0]["notes"])[0].contains(&format!("App Load ID {load}")));
        let (code, _, stderr) = run(&["plan", "--from", line, "--to", "P0S3-08-11-00"]);
        assert_eq!(code, 2);
        assert!(
            stderr.contains(&format!("did you mean `{load}")),
            "{stderr}"
        );
    }
    let (code, value) = json(&[
        "identify",
        "P0S3-8-12-00.bin",
        "P0S3-8-12-00.loads",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(value[0]["in_package"], false);
    assert!(strings(&value[0]["notes"]).iter().any(|n| n
        .contains("No package of SIP 8.12 ships P0S3-8-12-00.bin")
        && n.contains("name the loader P003-8-12-00")));
    assert_eq!(value[1]["in_package"], true);
    let (_, stdout, _) = run(&["identify", "P0S3-8-12-00.bin"]);
    assert!(stdout.contains("in package   no"), "{stdout}");
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
