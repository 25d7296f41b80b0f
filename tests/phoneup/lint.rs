//! `lint`, `inventory` and `plan --tftp-root` on fixture roots made to contain each problem.

use std::fs;
use std::path::Path;

use phoneup::files::loads::stand_in as stand_in_loads;
use phoneup::files::xml_default_cnf_xml;
use phoneup::plan::replay::STAND_IN_IMAGE;
use phoneup::Model;
use serde_json::Value;

use super::support::{card, fixture, run};
use super::support::{run_json, MAC};

/// A root as it is after the card's third stage, with the whole 8.11 package.
fn clean_root() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("OS79XX.TXT", b"P003-08-11-00\n".to_vec()),
        (
            "XMLDefault.cnf.xml",
            xml_default_cnf_xml::render("P0S3-08-11-00", Model::Both).into_bytes(),
        ),
        (
            "SIPDefault.cnf",
            b"# mine\nproxy1_address: 10.0.0.1 ; pbx\nimage_version: P0S3-08-11-00\n".to_vec(),
        ),
        ("SIP0018B9FFFFFF.cnf", b"line1_name: 100\n".to_vec()),
        ("P003-08-11-00.bin", vec![0; 100]),
        ("P003-08-11-00.sbn", vec![0; 504]),
        (
            "P0S3-08-11-00.loads",
            stand_in_loads("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00").into_bytes(),
        ),
        ("P0S3-08-11-00.sb2", STAND_IN_IMAGE.to_vec()),
        ("RINGLIST.DAT", b"CTU CTU.raw\n".to_vec()),
    ]
}

fn with(changes: &[(&'static str, Option<&[u8]>)]) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = clean_root();
    for (name, bytes) in changes {
        files.retain(|(n, _)| n != name);
        if let Some(bytes) = bytes {
            files.push((name, bytes.to_vec()));
        }
    }
    files
}

fn lint(tag: &str, files: &[(&'static str, Vec<u8>)], extra: &[&str]) -> (i32, Vec<Value>) {
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let dir = fixture(tag, &borrowed);
    let mut args = vec!["lint", dir.to_str().unwrap(), "--format", "json"];
    args.extend(extra);
    let (code, stdout, stderr) = run(&args);
    fs::remove_dir_all(&dir).unwrap();
    let value: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value["findings"].as_array().unwrap().clone())
}

#[track_caller]
fn assert_finds(tag: &str, files: &[(&'static str, Vec<u8>)], file: &str, needle: &str) {
    let (code, findings) = lint(tag, files, &[]);
    assert_eq!(code, 1, "{tag}: {findings:#?}");
    assert!(
        findings.iter().any(|f| f["file"] == file
            && f["problem"].as_str().unwrap().contains(needle)
            && f["fix"].as_str().is_some_and(|s| !s.is_empty())
            && f["phone"].as_str().is_some_and(|s| !s.is_empty())),
        "{tag}: no finding on {file} containing {needle:?}: {findings:#?}"
    );
}

#[test]
fn a_clean_root_has_no_findings() {
    let (code, findings) = lint("clean", &clean_root(), &["--mac", "0018B9FFFFFF"]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
}

#[test]
fn every_problem_is_found_on_a_root_made_to_contain_it() {
    assert_finds(
        "cr",
        &with(&[("OS79XX.TXT", Some(b"P003-08-11-00\r\n"))]),
        "OS79XX.TXT",
        "CR",
    );
    assert_finds(
        "space",
        &with(&[("OS79XX.TXT", Some(b"P003-08-11-00 \n"))]),
        "OS79XX.TXT",
        "spaces",
    );
    assert_finds(
        "second",
        &with(&[("OS79XX.TXT", Some(b"P003-08-11-00\nP0S3-06-3-00\n"))]),
        "OS79XX.TXT",
        "more than one line",
    );
    assert_finds(
        "ext",
        &with(&[("OS79XX.TXT", Some(b"P003-08-11-00.sbn\n"))]),
        "OS79XX.TXT",
        "extension",
    );
    assert_finds(
        "os-missing",
        &with(&[("OS79XX.TXT", Some(b"P0S3-06-3-00\n"))]),
        "OS79XX.TXT",
        "neither",
    );
    let os = clean_root()
        .into_iter()
        .find(|(n, _)| *n == "OS79XX.TXT")
        .unwrap()
        .1;
    assert_finds(
        "os-case",
        &with(&[("OS79XX.TXT", None), ("OS79xx.txt", Some(&os))]),
        "OS79xx.txt",
        "asks for OS79XX.TXT",
    );
    let xml = xml_default_cnf_xml::render("P0S3-08-11-00", Model::Both).into_bytes();
    assert_finds(
        "xml-case",
        &with(&[
            ("XMLDefault.cnf.xml", None),
            ("xmlDefault.CNF.XML", Some(&xml)),
        ]),
        "xmlDefault.CNF.XML",
        "asks for XMLDefault.cnf.xml",
    );
    assert_finds(
        "mac-case",
        &with(&[
            ("SIP0018B9FFFFFF.cnf", None),
            ("SIP0018b9ffffff.cnf", Some(b"line1_name: 1\n")),
        ]),
        "SIP0018b9ffffff.cnf",
        "upper-case",
    );
    assert_finds(
        "malformed",
        &with(&[(
            "XMLDefault.cnf.xml",
            Some(b"<Default>\n<loadInformation8>P0S3-08-11-00</Default>\n"),
        )]),
        "XMLDefault.cnf.xml",
        "not well-formed",
    );
    assert_finds(
        "number",
        &with(&[("XMLDefault.cnf.xml", Some(b"<Default>\n<loadInformation7 model=\"IP Phone 7940\">P0S3-08-11-00</loadInformation7>\n</Default>\n"))]),
        "XMLDefault.cnf.xml",
        "loadInformation8",
    );
    assert_finds(
        "sb2",
        &with(&[("P0S3-08-11-00.sb2", None)]),
        "XMLDefault.cnf.xml",
        "P0S3-08-11-00.sb2",
    );
    assert_finds(
        "image-missing",
        &with(&[("SIPDefault.cnf", Some(b"image_version: P0S3-8-12-00\n"))]),
        "SIPDefault.cnf",
        "P0S3-8-12-00.loads",
    );
    assert_finds(
        "loader",
        &with(&[("SIPDefault.cnf", Some(b"image_version: P003-08-11-00\n"))]),
        "SIPDefault.cnf",
        "names the loader",
    );
    assert_finds(
        "disagree",
        &with(&[(
            "SIP0018B9FFFFFF.cnf",
            Some(b"image_version: P003-08-11-00\n"),
        )]),
        "SIP0018B9FFFFFF.cnf",
        "SIPDefault.cnf says",
    );
    assert_finds(
        "ctl",
        &with(&[("CTLSEP0018B9FFFFFF.tlv", Some(b""))]),
        "CTLSEP0018B9FFFFFF.tlv",
        "empty",
    );
}

#[test]
fn lint_line_numbers_point_at_the_line() {
    let (_, findings) = lint(
        "line",
        &with(&[(
            "SIPDefault.cnf",
            Some(b"# a\n# b\nimage_version: P0S3-8-12-00\n"),
        )]),
        &[],
    );
    let finding = findings
        .iter()
        .find(|f| f["file"] == "SIPDefault.cnf")
        .unwrap();
    assert_eq!(finding["line"], 3);
}

#[test]
fn an_unreadable_directory_exits_2() {
    let (code, _, stderr) = run(&["lint", "/nonexistent/phoneup"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert_eq!(run(&["inventory", "/nonexistent/phoneup"]).0, 2);
}

fn inventory(dir: &Path) -> Value {
    let (code, stdout, _) = run(&["inventory", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn inventory_tells_complete_from_partial_and_unknown() {
    let mut files = with(&[
        ("P0S3-06-3-00.bin", Some(&[0; 10])),
        ("P0S3-06-3-00.sbn", Some(&[0; 414])),
        ("notes.doc", Some(b"x")),
    ]);
    files.push((
        "P0S3-07-4-00.loads",
        stand_in_loads("P0S3-07-4-00", "P003-07-4-00", "P0S3-07-4-00").into_bytes(),
    ));
    files.push(("P003-08-2-00.bin", vec![0; 10]));
    files.push(("P003-08-2-00.sbn", vec![0; 10]));
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let dir = fixture("lint-inventory", &borrowed);
    let value = inventory(&dir);
    let status = |load: &str| {
        value["loads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["load"] == load)
            .unwrap_or_else(|| panic!("{load}: {value:#}"))
            .clone()
    };
    assert_eq!(status("P0S3-08-11-00")["status"], "complete");
    assert_eq!(status("P0S3-06-3-00")["status"], "complete");
    assert_eq!(status("P0S3-06-3-00")["notes"], serde_json::json!([]));
    let partial = status("P0S3-07-4-00");
    assert_eq!(partial["status"], "partial");
    assert_eq!(
        partial["missing"],
        serde_json::json!(["P003-07-4-00.sbn", "P0S3-07-4-00.sb2"])
    );
    assert!(status("P003-08-2-00")["notes"][0]
        .as_str()
        .unwrap()
        .contains("404"));
    assert_eq!(value["unknown_files"], serde_json::json!(["notes.doc"]));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn plan_with_a_tftp_root_prefers_what_is_there_and_lists_the_rest() {
    let dir = fixture("lint-prefer", &[("P0S3-05-3-00.bin", STAND_IN_IMAGE)]);
    let (code, stdout, _) = run(&card(
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
    let (code, stdout, _) = run(&card(
        "apply",
        &["--stage", "1", "--tftp-root", dir.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        fs::read_to_string(dir.join("OS79XX.TXT")).unwrap(),
        "P0S3-05-3-00\n"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_seed_directories_as_their_authors_had_them() {
    // Seed 003: OS79XX.TXT on the loader, SIP files naming 8.2, and xmlDefault.CNF.XML.
    let seed_003 = [
        ("OS79XX.TXT", b"P003-08-2-00\n".to_vec()),
        ("SIPDefault.cnf", b";begin\nimage_version: P0S3-08-2-00\nproxy_register: 1\n;end\n".to_vec()),
        ("SIP0018B9FFFFFF.cnf", b";begin\nimage_version: P0S3-08-2-00\nline1_name : \"sipgateid\"\n;end\n".to_vec()),
        ("RINGLIST.DAT", b"CTU CTU.raw\n".to_vec()),
        ("xmlDefault.CNF.XML", b"<Default>\n<loadInformation8 model=\"IP Phone 7940\">P0S3-07-4-00</loadInformation8>\n</Default>\n".to_vec()),
        ("P003-08-2-00.bin", vec![0; 10]),
        ("P003-08-2-00.sbn", vec![0; 414]),
        ("P0S3-08-2-00.loads", stand_in_loads("P0S3-08-2-00", "P003-08-2-00", "P0S3-08-2-00").into_bytes()),
        ("P0S3-08-2-00.sb2", STAND_IN_IMAGE.to_vec()),
    ];
    let (code, findings) = lint("seed003", &seed_003, &[]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["file"], "xmlDefault.CNF.XML");
    // Seed 004 at its last step: XMLDefault names P0S3-8-12-00 while the root holds 8.11 files.
    let seed_004 = [
        ("OS79XX.TXT", b"P003-8-11-00\n".to_vec()),
        ("P003-8-11-00.bin", vec![0; 10]),
        ("P003-8-11-00.sbn", vec![0; 414]),
        (
            "P0S3-8-11-00.loads",
            stand_in_loads("P0S3-8-11-00", "P003-8-11-00", "P0S3-8-11-00").into_bytes(),
        ),
        ("P0S3-8-11-00.sb2", STAND_IN_IMAGE.to_vec()),
        (
            "XMLDefault.cnf.xml",
            b"<Default>\n  <loadInformation>P0S3-8-12-00</loadInformation>\n</Default>\n".to_vec(),
        ),
    ];
    let (code, findings) = lint("seed004", &seed_004, &[]);
    assert_eq!(code, 1);
    assert!(
        findings.iter().any(|f| f["file"] == "XMLDefault.cnf.xml"
            && f["problem"]
                .as_str()
                .unwrap()
                .contains("P0S3-8-12-00.loads")),
        "{findings:#?}"
    );
}

#[test]
fn a_per_phone_file_read_before_xmldefault_must_name_the_same_load() {
    // Seed 003: the loader stopped at SIP<MAC>.cnf and followed its image_version.
    let files = with(&[(
        "SIP0018B9FFFFFF.cnf",
        Some(b"image_version: P0S3-08-2-00\n"),
    )]);
    assert_finds(
        "hunt-sip",
        &files,
        "SIP0018B9FFFFFF.cnf",
        "XMLDefault.cnf.xml names P0S3-08-11-00",
    );
    let sep = xml_default_cnf_xml::render("P0S3-08-2-00", Model::Both).into_bytes();
    assert_finds(
        "hunt-sep",
        &with(&[("SEP0018B9FFFFFF.cnf.xml", Some(&sep))]),
        "SEP0018B9FFFFFF.cnf.xml",
        "XMLDefault.cnf.xml names P0S3-08-11-00",
    );
}

#[test]
fn mac_checks_that_phone_only() {
    let files = with(&[(
        "SIP001122334455.cnf",
        Some(b"image_version: P0S3-8-12-00\n"),
    )]);
    let (code, findings) = lint("mac-all", &files, &[]);
    assert_eq!(code, 1);
    assert!(
        findings.iter().all(|f| f["file"] == "SIP001122334455.cnf"),
        "{findings:#?}"
    );
    let (code, findings) = lint("mac-other", &files, &["--mac", "00:18:b9:ff:ff:ff"]);
    assert_eq!(
        (code, findings.len()),
        (0, 0),
        "another phone's file is not this phone's problem: {findings:#?}"
    );
    let (code, _) = lint("mac-same", &files, &["--mac", "001122334455"]);
    assert_eq!(code, 1);
}

#[test]
fn after_apply_mac_lint_does_not_ask_to_undo_what_apply_wrote() {
    let files: Vec<(&str, &[u8])> = vec![
        (
            "XMLDefault.cnf.xml",
            b"<Default>\n  <loadInformation8 model=\"IP Phone 7940\">P00308010200</loadInformation8>\n  <loadInformation7 model=\"IP Phone 7960\">P00308010200</loadInformation7>\n</Default>\n",
        ),
        ("P00308010200.sb2", STAND_IN_IMAGE),
        ("P00308010200.sbn", STAND_IN_IMAGE),
        ("P00308010200.loads", b"P00308010200\r\nP00308010200.sbn\r\nP00308010200.sb2\r\n"),
        ("P0S3-08-11-00.loads", b"P0S3-08-11-00\r\nP003-08-11-00.sbn\r\nP0S3-08-11-00.sb2\r\n"),
        ("P003-08-11-00.sbn", STAND_IN_IMAGE),
        ("P0S3-08-11-00.sb2", STAND_IN_IMAGE),
    ];
    let dir = fixture("lint-mac", &files);
    let root = dir.to_str().unwrap();
    let (code, stdout, stderr) = run(&card(
        "apply",
        &["--stage", "3", "--tftp-root", root, "--mac", MAC],
    ));
    assert_eq!(code, 0, "{stdout}{stderr}");
    for extra in [&["--mac", MAC][..], &[]] {
        let mut args = vec!["lint", root];
        args.extend(extra);
        let (code, stdout, _) = run(&args);
        assert_eq!(code, 0, "{args:?}: {stdout}");
        assert!(!stdout.contains("move SEP"), "{stdout}");
    }
    // The same per-phone file, not written by phoneup, is still worth a warning.
    let copy = fixture("lint-mac-copy", &files);
    fs::copy(
        dir.join(format!("SEP{MAC}.cnf.xml")),
        copy.join(format!("SEP{MAC}.cnf.xml")),
    )
    .unwrap();
    let (code, stdout, _) = run(&["lint", copy.to_str().unwrap(), "--mac", MAC]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("loader stops at SEP"), "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&copy).unwrap();
}

#[test]
fn what_a_stranger_could_fetch_is_warned_about() {
    let dir = fixture(
        "exposed",
        &[
            ("SIPDefault.cnf.orig", b"line1_password: \"secret\"\n"),
            ("SIP0018B9FFFFFF.cnf~", b"line1_password: \"secret\"\n"),
            (".SIPDefault.cnf.swp", b"x"),
            ("XMLDefault.cnf.xml.bak", b"x"),
            (".OS79XX.TXT.phoneup-12.tmp", b"x"),
            ("P0S3-06-3-00.bin", STAND_IN_IMAGE),
        ],
    );
    let (code, value, _) = run_json(&["lint", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    let flagged: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["phone"]
                .as_str()
                .unwrap()
                .contains("anyone who can reach")
        })
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        flagged,
        [
            ".OS79XX.TXT.phoneup-12.tmp",
            ".SIPDefault.cnf.swp",
            "SIP0018B9FFFFFF.cnf~",
            "SIPDefault.cnf.orig",
            "XMLDefault.cnf.xml.bak"
        ]
    );
    fs::remove_dir_all(&dir).unwrap();
}
