//! `apply` and `undo` for a Java-based phone (the 7961G's plan of docs/79x1.md) on fixture
//! roots with stand-in packages (never real Cisco files): each stage writes exactly the
//! loadInformation `plan` prints, the phone model replays the root to the stage's load, undo puts
//! the user's files back byte for byte, and missing or foreign firmware is refused.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::support::{package, Test, BRIDGE};

const FROM: &str = "SCCP41.8-3-1S";
const TO: &str = "SIP41.9-4-2SR3-1S";
const MAC: &str = "0018B9FFFFFF";

/// SIP 9.4(2)SR3's package as the catalogue names it (PROVSCCP, WHIZZY).
const TARGET: &str = "SIP41.9-4-2SR3-1S.loads\r\njar41sip.9-4-2ES26.sbn\r\ncnu41.9-4-2ES26.sbn\r\napps41.9-4-2ES26.sbn\r\ndsp41.9-4-2ES26.sbn \r\ncvm41sip.9-4-2ES26.sbn \r\n";

/// A user's XMLDefault.cnf.xml with settings of its own and a 7960 entry.
const USERS_XMLDEFAULT: &str = "<Default>\r\n<callManagerGroup><members><member priority=\"0\"><callManager><processNodeName>192.0.2.1</processNodeName></callManager></member></members></callManagerGroup>\r\n<loadInformation7 model=\"IP Phone 7960\">P0S3-08-11-00</loadInformation7>\r\n</Default>\r\n";
/// A user's SEP<MAC>.cnf.xml for a 7961G, naming the load it runs.
const USERS_SEP: &str = "<device>\n<deviceProtocol>SCCP</deviceProtocol>\n<loadInformation>SCCP41.8-3-1S</loadInformation>\n<sshUserId>cisco</sshUserId>\n</device>\n";

/// A root holding `files` and the packages given.
fn root(
    test: &Test,
    name: &str,
    files: &[(&str, &str)],
    packages: &[Vec<(String, Vec<u8>)>],
) -> String {
    let mut all: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    for package in packages {
        all.extend(package.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    }
    test.dir(name, &all).display().to_string()
}

/// Every file of a directory, with its bytes.
fn tree(dir: &str) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().into_string().unwrap(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn apply(test: &Test, dir: &str, stage: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "apply",
        "--model",
        "7961",
        "--from",
        FROM,
        "--to",
        TO,
        "--stage",
        stage,
        "--tftp-root",
        dir,
    ];
    args.extend(extra);
    test.run(&args)
}

/// [`apply`] in JSON: the exit code and the report.
fn apply_json(test: &Test, dir: &str, stage: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = extra.to_vec();
    args.extend(["--format", "json"]);
    let (code, stdout, stderr) = apply(test, dir, stage, &args);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value)
}

/// The load the phone model runs after booting from `dir`, starting on `running`.
fn replayed(test: &Test, dir: &str, running: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "simulate",
        "--model",
        "7961",
        "--from",
        running,
        "--tftp-root",
        dir,
        "--format",
        "json",
    ];
    args.extend(extra);
    let (_, json) = test.json(&args);
    json["running"].as_str().unwrap_or_default().to_string()
}

/// The output with the test's folder and the journal's key (a hash of the root's path) hidden.
fn shown(text: &str, test: &Test) -> String {
    let text = text.replace(&test.path().display().to_string(), "[TMP]");
    let key = regex::Regex::new("journal/root-[0-9a-f]+").unwrap();
    key.replace_all(&text, "journal/root-[KEY]").into_owned()
}

#[test]
fn family_apply_7961_stage_1_text() {
    let test = Test::named("family-apply");
    let dir = root(
        &test,
        "root",
        &[("XMLDefault.cnf.xml", USERS_XMLDEFAULT)],
        &[package(BRIDGE, true)],
    );
    let (code, stdout, stderr) = apply(&test, &dir, "1", &["--dry-run"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    insta::assert_snapshot!("family_apply_7961_stage_1_dry_run", shown(&stdout, &test));
    let (code, stdout, stderr) = apply(&test, &dir, "1", &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    insta::assert_snapshot!("family_apply_7961_stage_1", shown(&stdout, &test));
}

#[test]
fn the_7961_walk_writes_each_stage_the_phone_model_takes_and_undo_puts_every_byte_back() {
    let test = Test::named("family-walk");
    let dir = root(
        &test,
        "root",
        &[
            ("XMLDefault.cnf.xml", USERS_XMLDEFAULT),
            ("RINGLIST.xml", "<rings/>\n"),
        ],
        &[package(BRIDGE, true)],
    );
    let before = tree(&dir);
    let (code, stdout, stderr) = apply(&test, &dir, "1", &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // Only the 7961G's element was added; the user's lines and the 7960's entry stay.
    let xml = fs::read_to_string(Path::new(&dir).join("XMLDefault.cnf.xml")).unwrap();
    assert_eq!(
        xml,
        USERS_XMLDEFAULT.replace(
            "</Default>",
            "  <loadInformation30018 model=\"IP Phone 7961\">SCCP41.8-5-2S</loadInformation30018>\r\n</Default>"
        )
    );
    assert_eq!(replayed(&test, &dir, FROM, &[]), "SCCP41.8-5-2S");
    // Stage 2 needs the target's package, term file included (each package overwrites it).
    for (name, bytes) in package(TARGET, true) {
        fs::write(Path::new(&dir).join(name), bytes).unwrap();
    }
    let after_packages = tree(&dir);
    let (code, stdout, stderr) = apply(&test, &dir, "2", &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!(
            "then run: phoneup simulate --from SCCP41.8-5-2S --model 7961 --tftp-root {dir}"
        )),
        "{stdout}"
    );
    assert_eq!(replayed(&test, &dir, "SCCP41.8-5-2S", &[]), TO);
    // Undo twice: the directory as it was before each apply, byte for byte.
    let (code, _, stderr) = test.undo(Path::new(&dir));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(tree(&dir), {
        let mut expected = after_packages.clone();
        expected.insert("XMLDefault.cnf.xml".into(), xml.into_bytes());
        expected
    });
    let (code, _, stderr) = test.undo(Path::new(&dir));
    assert_eq!(code, 0, "{stderr}");
    let mut expected = after_packages;
    expected.insert(
        "XMLDefault.cnf.xml".into(),
        before["XMLDefault.cnf.xml"].clone(),
    );
    assert_eq!(tree(&dir), expected);
}

#[test]
fn with_a_mac_only_that_phones_sep_file_changes_and_undo_restores_it() {
    let test = Test::named("family-mac");
    let sep = format!("SEP{MAC}.cnf.xml");
    let dir = root(
        &test,
        "root",
        &[
            (sep.as_str(), USERS_SEP),
            ("XMLDefault.cnf.xml", USERS_XMLDEFAULT),
        ],
        &[package(BRIDGE, true)],
    );
    let before = tree(&dir);
    let (code, stdout, stderr) = apply(&test, &dir, "1", &["--mac", MAC]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains(&format!("  modify     {sep}")), "{stdout}");
    assert!(!stdout.contains("Every phone on this server"), "{stdout}");
    let written = fs::read_to_string(Path::new(&dir).join(&sep)).unwrap();
    assert_eq!(
        written,
        USERS_SEP.replace(">SCCP41.8-3-1S<", ">SCCP41.8-5-2S<")
    );
    assert_eq!(
        fs::read(Path::new(&dir).join("XMLDefault.cnf.xml")).unwrap(),
        USERS_XMLDEFAULT.as_bytes()
    );
    assert_eq!(
        replayed(&test, &dir, FROM, &["--mac", MAC]),
        "SCCP41.8-5-2S"
    );
    // Another phone, without a SEP file of its own, is not moved.
    assert_eq!(
        replayed(&test, &dir, FROM, &["--mac", "0018B9000001"]),
        FROM
    );
    let (code, _, stderr) = test.undo(Path::new(&dir));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(tree(&dir), before);
    // A phone without a file gets a minimal one, and undo removes it again.
    fs::remove_file(Path::new(&dir).join(&sep)).unwrap();
    let before = tree(&dir);
    let (code, stdout, stderr) = apply(&test, &dir, "1", &["--mac", MAC]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        fs::read_to_string(Path::new(&dir).join(&sep)).unwrap(),
        "<device>\n  <loadInformation>SCCP41.8-5-2S</loadInformation>\n</device>\n"
    );
    test.undo(Path::new(&dir));
    assert_eq!(tree(&dir), before);
}

#[test]
fn missing_misspelt_or_foreign_firmware_is_refused_and_nothing_is_written() {
    let test = Test::named("family-refused");
    let mut target = package(TARGET, false);
    // A lower-cased jar, as a case-folding copy leaves it (SYSOP, THOURET).
    target[1].0 = target[1].0.to_ascii_uppercase();
    // The term file of another package: a factory-reset phone would load that.
    target.push(("term61.default.loads".into(), BRIDGE.as_bytes().to_vec()));
    let dir = root(&test, "root", &[], &[target]);
    let before = tree(&dir);
    let (code, stdout, stderr) = apply(&test, &dir, "2", &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("Refused: the stage's firmware is not usable"),
        "{stdout}"
    );
    assert!(
        stdout.contains("jar41sip.9-4-2ES26.sbn (the root has JAR41SIP.9-4-2ES26.SBN: rename it)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "term61.default.loads (it lists other components than SIP41.9-4-2SR3-1S.loads"
        ),
        "{stdout}"
    );
    assert_eq!(tree(&dir), before);
    // Without the package at all, every file the catalogue names is listed.
    let empty = root(&test, "empty", &[], &[]);
    let (code, json) = apply_json(&test, &empty, "2", &[]);
    assert_eq!(code, 1);
    let missing: Vec<&str> = json["missing_firmware"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(missing.len(), 7, "{missing:?}");
    assert_eq!(missing[0], "SIP41.9-4-2SR3-1S.loads");
    assert!(missing[6].starts_with("term61.default.loads (a factory-reset phone reads it"));
    // The bridge's term file left in the root is another package's than the catalogue's.
    fs::write(Path::new(&empty).join("term61.default.loads"), BRIDGE).unwrap();
    let (_, json) = apply_json(&test, &empty, "2", &[]);
    assert!(
        json["missing_firmware"][6].as_str().unwrap().starts_with(
            "term61.default.loads (it lists other components than SIP41.9-4-2SR3-1S.loads"
        ),
        "{json}"
    );
    // The bridge's components are not catalogued: without its .loads, its term file is not
    // judged.
    let (_, json) = apply_json(&test, &empty, "1", &[]);
    assert_eq!(
        json["missing_firmware"],
        serde_json::json!(["SCCP41.8-5-2S.loads"]),
        "{json}"
    );
    // --force writes the configuration anyway.
    let (code, stdout, stderr) = apply(&test, &empty, "2", &["--force"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(Path::new(&empty).join("XMLDefault.cnf.xml").exists());
}

#[test]
fn the_family_a_load_implies_is_addressed_and_sep_files_that_hold_phones_back_are_named() {
    let test = Test::named("family-implied");
    let sep = format!("SEP{MAC}.cnf.xml");
    let mut bridge = package(BRIDGE, true);
    bridge.push(("term41.default.loads".into(), BRIDGE.as_bytes().to_vec()));
    // Phones whose files name the stage's load, or another family's, are not held back by them.
    let same = "<device><loadInformation>SCCP41.8-5-2S</loadInformation></device>";
    let other = "<device><loadInformation>SCCP11.8-5-2S</loadInformation></device>";
    let dir = root(
        &test,
        "root",
        &[
            (sep.as_str(), USERS_SEP),
            ("SEP0018B9000001.cnf.xml", same),
            ("SEP0018B9000002.cnf.xml", other),
        ],
        &[bridge],
    );
    let (code, value) = test.json(&words(&format!(
        "apply --from {FROM} --to {TO} --stage 1 --tftp-root {dir} --dry-run --format json"
    )));
    assert_eq!(code, 0, "{value}");
    let diff = value["diff"].as_str().unwrap();
    for element in [
        "loadInformation115 ",
        "loadInformation309 ",
        "loadInformation30018 ",
        "loadInformation308 ",
    ] {
        assert!(diff.contains(element), "{element}: {diff}");
    }
    let notes = value["notes"].to_string();
    assert!(
        notes.contains(&format!("\"{sep} (SCCP41.8-3-1S) names another load")),
        "{notes}"
    );
    let next = value["next_step"]["command"].as_str().unwrap();
    assert!(!next.contains("--model"), "{next}");
    // A model of another family, or --via, is a usage error that says what to type.
    let common = format!("--from {FROM} --to {TO} --tftp-root {dir}");
    for (args, says) in [
        (
            "--model 7911 --stage 1",
            "a 7911G runs the loads named SCCP11",
        ),
        (
            "--via SCCP41.8-5-2S --stage 1",
            "--via and --avoid plan the 7940/7960 only",
        ),
        ("--model 7961 --stage 3", "has 2 stages; give 1 to 2"),
    ] {
        let (code, _, stderr) = test.run(&words(&format!("apply {args} {common}")));
        assert_eq!(code, 2, "{args}");
        assert!(stderr.contains(says), "{args}: {stderr}");
    }
}

/// A command line's words (no word holds a space: the test folders have none).
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

#[test]
fn a_jump_without_a_plan_is_a_usage_error_naming_the_check() {
    let test = Test::named("family-nopath");
    let dir = root(&test, "root", &[], &[]);
    let (code, _, stderr) = test.run(&words(&format!(
        "apply --model 7961 --from {TO} --to {FROM} --stage 1 --tftp-root {dir}"
    )));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("there is no plan from SIP41.9-4-2SR3-1S to SCCP41.8-3-1S, so no stage to apply: the jump is unknown (rule J7"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "then run: phoneup check --from SIP41.9-4-2SR3-1S --to SCCP41.8-3-1S --model 7961"
        ),
        "{stderr}"
    );
    assert_eq!(tree(&dir), BTreeMap::new());
}
