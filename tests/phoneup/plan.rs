//! `phoneup plan`'s answer as people and scripts read it: the JSON and YAML of a plan,
//! `--model`, whole files against edits in place, and `--tftp-root`: what the root holds wins a
//! tie, files it could not read are named, and loads are spelled as the user's own files spell
//! them.

use std::fs;

use phoneup::files::loads::stand_in as stand_in_loads;
use phoneup::plan::replay::STAND_IN_IMAGE;
use serde_json::Value;

use super::support::{card, json, plan_json, root_args, run, strings, Test};

#[test]
fn json_files_hold_whole_files_only_and_a_root_without_xmldefault_gets_it_whole() {
    let test = Test::new();
    let dir = test.dir("plan-whole", &[]);
    let (_, value, _) = test.run_json(&card("plan", &["--tftp-root", dir.to_str().unwrap()]));
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
    let (_, value, _) = test.run_json(&card("plan", &["--tftp-root", dir.to_str().unwrap()]));
    let stage = &value["stages"][2];
    assert!(
        stage["files"].get("XMLDefault.cnf.xml").is_none(),
        "{stage}"
    );
    // A script that writes `.files` out keeps the user's SIPDefault.cnf settings.
    assert!(stage["files"].get("SIPDefault.cnf").is_none());
}

/// FUSSYLOGIC-7940's TFTP directory as its author left it (stand-ins for the images): the files are
/// spelled `-8-11-`, Cisco's 8.11 package `-08-11-`.
fn fussylogic_7940_root(test: &Test, tag: &str) -> std::path::PathBuf {
    let loads = stand_in_loads("P0S3-8-11-00", "P003-8-11-00", "P0S3-8-11-00");
    test.dir(
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
fn fussylogic_7940_gets_a_plan_in_its_own_spelling_that_apply_accepts_and_the_phone_completes() {
    let test = Test::new();
    let dir = fussylogic_7940_root(&test, "fussylogic-spelling");
    let route = ["--from", "P0S3-05-3-00", "--to", "P0S3-08-11-00"];
    let mut args = vec!["plan"];
    args.extend(route);
    args.extend(["--format", "json"]);
    let (code, plan) = test.json(&root_args(&args, &dir));
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
        let (code, stdout, stderr) = test.run(&root_args(&args, &dir));
        assert_eq!(code, 0, "stage {stage}: {stdout}{stderr}");
        assert!(!stdout.contains("firmware not in the root"), "{stdout}");
        let (code, sim) = test.json(&root_args(
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
}

#[test]
fn a_loads_in_another_spelling_than_the_files_is_explained_and_listed_to_obtain() {
    let test = Test::new();
    let loads = stand_in_loads("P0S3-8-11-00", "P003-08-11-00", "P0S3-8-11-00");
    let dir = test.dir(
        "spelling-mismatch",
        &[
            ("P003-8-11-00.sbn", STAND_IN_IMAGE),
            ("P0S3-8-11-00.loads", loads.as_bytes()),
            ("P0S3-8-11-00.sb2", STAND_IN_IMAGE),
        ],
    );
    let (code, plan) = test.json(&root_args(
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
}

#[test]
fn two_spellings_in_one_root_are_reported_and_the_complete_one_is_named() {
    let test = Test::new();
    let good = stand_in_loads("P0S3-8-11-00", "P003-8-11-00", "P0S3-8-11-00");
    let stray = stand_in_loads("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00");
    let dir = test.dir(
        "two-spellings",
        &[
            ("P003-8-11-00.sbn", STAND_IN_IMAGE),
            ("P0S3-8-11-00.loads", good.as_bytes()),
            ("P0S3-8-11-00.sb2", STAND_IN_IMAGE),
            ("P0S3-08-11-00.loads", stray.as_bytes()),
        ],
    );
    let (code, stdout, _) = test.run(&root_args(
        &["plan", "--from", "P003-8-11-00", "--to", "P0S3-08-11-00"],
        &dir,
    ));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("in 2 spellings (P0S3-08-11-00, P0S3-8-11-00): the plan names P0S3-8-11-00, whose files are all there"),
        "{stdout}"
    );
    assert!(!stdout.contains("Still to obtain"), "{stdout}");
}

#[test]
fn json_has_the_documented_schema() {
    let (code, plan) = json(&card("plan", &["--format", "json"]));
    assert_eq!(code, 0);
    assert_eq!(plan["from"], "P0030301MFG2");
    assert_eq!(plan["to"], "P0S3-08-11-00");
    let stages = plan["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 3);
    let expected = [
        (
            "P0030301MFG2",
            "P0S3-06-3-00",
            "R1",
            Value::from("P0S3-06-3-00"),
            Value::Null,
        ),
        (
            "P0S3-06-3-00",
            "P003-08-11-00",
            "R4a",
            Value::from("P003-08-11-00"),
            Value::Null,
        ),
        (
            "P003-08-11-00",
            "P0S3-08-11-00",
            "R4b",
            Value::from("P003-08-11-00"),
            Value::from("P0S3-08-11-00"),
        ),
    ];
    for (i, (stage, (from, to, rule, os79xx, xml))) in stages.iter().zip(expected).enumerate() {
        assert_eq!(stage["reboot"], i + 1);
        assert_eq!(stage["from"], from);
        assert_eq!(stage["to"], to);
        assert_eq!(stage["rule"], rule);
        assert_eq!(stage["confidence"], "high");
        assert_eq!(stage["os79xx"], os79xx);
        assert_eq!(stage["xmldefault_load"], xml);
        assert_eq!(stage["image_version"], to);
        assert!(stage["firmware"].as_array().is_some_and(|f| !f.is_empty()));
        assert!(stage["expect_requests"]
            .as_array()
            .is_some_and(|r| !r.is_empty()));
        // `.files` holds only what phoneup writes whole (or null: must be absent); what it
        // edits inside the user's file is in `.edits_in_place`, never as whole contents.
        let files = stage["files"].as_object().unwrap();
        assert_eq!(
            files["OS79XX.TXT"],
            format!("{}\n", os79xx.as_str().unwrap())
        );
        assert!(!files.contains_key("SIPDefault.cnf"), "{files:?}");
        let edits = stage["edits_in_place"].as_array().unwrap();
        let sip = edits
            .iter()
            .find(|e| e["file"] == "SIPDefault.cnf")
            .expect("SIPDefault.cnf is edited in place");
        assert_eq!(
            sip["set"],
            serde_json::json!([{"key": "image_version", "value": to}])
        );
        assert_eq!(sip["keep_rest_of_file"], true);
        assert_eq!(sip["if_absent"], format!("image_version: {to}\n"));
        let xml_edit = edits.iter().find(|e| e["file"] == "XMLDefault.cnf.xml");
        if xml.is_null() {
            assert!(files["XMLDefault.cnf.xml"].is_null(), "must be absent");
            assert!(xml_edit.is_none());
        } else {
            assert!(!files.contains_key("XMLDefault.cnf.xml"), "{files:?}");
            let xml_edit = xml_edit.expect("XMLDefault.cnf.xml is edited in place");
            assert_eq!(
                xml_edit["set"],
                serde_json::json!([
                    {"key": "loadInformation8", "model": "IP Phone 7940", "value": xml},
                    {"key": "loadInformation7", "model": "IP Phone 7960", "value": xml},
                ])
            );
            assert_eq!(xml_edit["keep_rest_of_file"], true);
        }
    }
    assert_eq!(
        stages[0]["firmware"],
        serde_json::json!(["P0S3-06-3-00.bin"])
    );
    assert_eq!(
        stages[0]["expect_requests"],
        serde_json::json!(["OS79XX.TXT", "P0S3-06-3-00.bin"])
    );
    assert_eq!(
        stages[1]["firmware"],
        serde_json::json!(["P003-08-11-00.sbn"])
    );
    assert_eq!(
        stages[2]["firmware"],
        serde_json::json!([
            "P0S3-08-11-00.loads",
            "P003-08-11-00.sbn",
            "P0S3-08-11-00.sb2"
        ])
    );
}

#[test]
fn yaml_carries_the_same_plan() {
    let (code, stdout, _) = run(&card("plan", &["--format", "yaml"]));
    assert_eq!(code, 0);
    let value: serde_yaml::Value = serde_yaml::from_str(&stdout).unwrap();
    assert_eq!(
        value["stages"][2]["xmldefault_load"].as_str(),
        Some("P0S3-08-11-00")
    );
    assert_eq!(value["reboots"].as_u64(), Some(3));
}

#[test]
fn model_narrows_xmldefault_to_one_phone() {
    let (_, value) = json(&card("plan", &["--model", "7960", "--format", "json"]));
    let edit = &value["stages"][2]["edits_in_place"][1];
    assert_eq!(edit["file"], "XMLDefault.cnf.xml");
    assert_eq!(
        edit["set"],
        serde_json::json!([{"key": "loadInformation7", "model": "IP Phone 7960", "value": "P0S3-08-11-00"}])
    );
    let xml = edit["if_absent"].as_str().unwrap();
    assert!(
        xml.contains("<loadInformation7 model=\"IP Phone 7960\">P0S3-08-11-00</loadInformation7>")
    );
    assert!(!xml.contains("loadInformation8"));
}

#[test]
fn with_a_tftp_root_it_prefers_what_is_there_and_lists_the_rest() {
    let test = Test::new();
    let dir = test.dir("lint-prefer", &[("P0S3-05-3-00.bin", STAND_IN_IMAGE)]);
    let (code, stdout, _) = test.run(&card(
        "plan",
        &["--tftp-root", dir.to_str().unwrap(), "--format", "json"],
    ));
    assert_eq!(code, 0);
    let value: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        value["path"][1], "P0S3-05-3-00",
        "the intermediate the user has wins the tie"
    );
    assert_eq!(
        value["to_obtain"],
        serde_json::json!([
            "P003-08-11-00.sbn",
            "P0S3-08-11-00.loads",
            "P0S3-08-11-00.sb2"
        ])
    );
    // apply follows the same plan for the same directory.
    let (code, stdout, _) = test.run(&card(
        "apply",
        &["--stage", "1", "--tftp-root", dir.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        fs::read_to_string(dir.join("OS79XX.TXT")).unwrap(),
        "P0S3-05-3-00\n"
    );
}
