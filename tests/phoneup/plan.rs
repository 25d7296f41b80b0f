//! `phoneup plan`'s answer as people and scripts read it: the JSON and YAML of a plan,
//! `--model`, whole files against edits in place, and `--tftp-root`: what the root holds wins a
//! tie, files it could not read are named, and loads are spelled as the user's own files spell
//! them.

use std::fs;

use phoneup::files::loads::stand_in as stand_in_loads;
use phoneup::plan::replay::STAND_IN_IMAGE;

use super::support::{card, fixture, json, plan_json, root_args, run, run_json, strings};

#[test]
fn json_files_hold_whole_files_only_and_a_root_without_xmldefault_gets_it_whole() {
    let dir = fixture("plan-whole", &[]);
    let (_, value, _) = run_json(&card("plan", &["--tftp-root", dir.to_str().unwrap()]));
    let stage = &value["stages"][2];
    assert!(stage["files"]["XMLDefault.cnf.xml"]
        .as_str()
        .unwrap()
        .contains("<loadInformation8"));
    assert!(stage["edits_in_place"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["file"] != "XMLDefault.cnf.xml"));
    // A root with its own XMLDefault.cnf.xml: an edit, never whole contents to write over it.
    fs::write(dir.join("XMLDefault.cnf.xml"), "<Default/>\n").unwrap();
    let (_, value, _) = run_json(&card("plan", &["--tftp-root", dir.to_str().unwrap()]));
    let stage = &value["stages"][2];
    assert!(
        stage["files"].get("XMLDefault.cnf.xml").is_none(),
        "{stage}"
    );
    // A script that writes `.files` out keeps the user's SIPDefault.cnf settings.
    assert!(stage["files"].get("SIPDefault.cnf").is_none());
    fs::remove_dir_all(&dir).unwrap();
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
