//! `lint` on roots made to contain each problem: every finding with its kind, file, line and
//! fix; the seed directories as their authors had them; per-phone files and `--mac`; and what a
//! stranger could fetch from the server.

use std::fs;
use std::os::unix::fs::symlink;

use phoneup::files::loads::stand_in as stand_in_loads;
use phoneup::files::xml_default_cnf_xml;
use phoneup::plan::replay::STAND_IN_IMAGE;
use phoneup::Model;
use serde_json::Value;

use super::support::{card, clean_root, clean_root_with, with_kind, xml_naming, Test, MAC};

/// Lints a root `tag` holding `files`: the exit code and the findings (JSON).
pub(super) fn lint<N: AsRef<str>>(
    test: &Test,
    tag: &str,
    files: &[(N, Vec<u8>)],
    extra: &[&str],
) -> (i32, Vec<Value>) {
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_ref(), b.as_slice()))
        .collect();
    let dir = test.dir(tag, &borrowed);
    let mut args = vec![
        "lint",
        "--tftp-root",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend(extra);
    let (code, stdout, stderr) = test.run(&args);
    let value: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value["findings"].as_array().unwrap().clone())
}

#[track_caller]
fn assert_finds(
    test: &Test,
    tag: &str,
    files: &[(&'static str, Vec<u8>)],
    file: &str,
    needle: &str,
) {
    let (code, findings) = lint(test, tag, files, &[]);
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
    let test = Test::new();
    let (code, findings) = lint(&test, "clean", &clean_root(), &["--mac", "0018B9FFFFFF"]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
}

#[test]
fn every_problem_of_os79xx_txt_is_found_on_a_root_made_to_contain_it() {
    let test = Test::new();
    assert_finds(
        &test,
        "cr",
        &clean_root_with(&[("OS79XX.TXT", Some(b"P003-08-11-00\r\n"))]),
        "OS79XX.TXT",
        "CR",
    );
    assert_finds(
        &test,
        "space",
        &clean_root_with(&[("OS79XX.TXT", Some(b"P003-08-11-00 \n"))]),
        "OS79XX.TXT",
        "spaces",
    );
    assert_finds(
        &test,
        "second",
        &clean_root_with(&[("OS79XX.TXT", Some(b"P003-08-11-00\nP0S3-06-3-00\n"))]),
        "OS79XX.TXT",
        "more than one line",
    );
    assert_finds(
        &test,
        "ext",
        &clean_root_with(&[("OS79XX.TXT", Some(b"P003-08-11-00.sbn\n"))]),
        "OS79XX.TXT",
        "extension",
    );
    assert_finds(
        &test,
        "os-missing",
        &clean_root_with(&[("OS79XX.TXT", Some(b"P0S3-06-3-00\n"))]),
        "OS79XX.TXT",
        "neither",
    );
    let os = clean_root()
        .into_iter()
        .find(|(n, _)| *n == "OS79XX.TXT")
        .unwrap()
        .1;
    assert_finds(
        &test,
        "os-case",
        &clean_root_with(&[("OS79XX.TXT", None), ("OS79xx.txt", Some(&os))]),
        "OS79xx.txt",
        "asks for OS79XX.TXT",
    );
}

#[test]
fn every_problem_of_the_config_files_is_found_on_a_root_made_to_contain_it() {
    let test = Test::new();
    let xml = xml_default_cnf_xml::render("P0S3-08-11-00", Model::Both).into_bytes();
    assert_finds(
        &test,
        "xml-case",
        &clean_root_with(&[
            ("XMLDefault.cnf.xml", None),
            ("xmlDefault.CNF.XML", Some(&xml)),
        ]),
        "xmlDefault.CNF.XML",
        "asks for XMLDefault.cnf.xml",
    );
    assert_finds(
        &test,
        "mac-case",
        &clean_root_with(&[
            ("SIP0018B9FFFFFF.cnf", None),
            ("SIP0018b9ffffff.cnf", Some(b"line1_name: 1\n")),
        ]),
        "SIP0018b9ffffff.cnf",
        "upper-case",
    );
    assert_finds(
        &test,
        "malformed",
        &clean_root_with(&[(
            "XMLDefault.cnf.xml",
            Some(b"<Default>\n<loadInformation8>P0S3-08-11-00</Default>\n"),
        )]),
        "XMLDefault.cnf.xml",
        "not well-formed",
    );
    assert_finds(&test,
        "number",
        &clean_root_with(&[("XMLDefault.cnf.xml", Some(b"<Default>\n<loadInformation7 model=\"IP Phone 7940\">P0S3-08-11-00</loadInformation7>\n</Default>\n"))]),
        "XMLDefault.cnf.xml",
        "loadInformation8",
    );
    assert_finds(
        &test,
        "sb2",
        &clean_root_with(&[("P0S3-08-11-00.sb2", None)]),
        "XMLDefault.cnf.xml",
        "P0S3-08-11-00.sb2",
    );
    assert_finds(
        &test,
        "image-missing",
        &clean_root_with(&[("SIPDefault.cnf", Some(b"image_version: P0S3-8-12-00\n"))]),
        "SIPDefault.cnf",
        "P0S3-8-12-00.loads",
    );
    assert_finds(
        &test,
        "loader",
        &clean_root_with(&[("SIPDefault.cnf", Some(b"image_version: P003-08-11-00\n"))]),
        "SIPDefault.cnf",
        "names the loader",
    );
    assert_finds(
        &test,
        "disagree",
        &clean_root_with(&[(
            "SIP0018B9FFFFFF.cnf",
            Some(b"image_version: P003-08-11-00\n"),
        )]),
        "SIP0018B9FFFFFF.cnf",
        "SIPDefault.cnf says",
    );
    assert_finds(
        &test,
        "ctl",
        &clean_root_with(&[("CTLSEP0018B9FFFFFF.tlv", Some(b""))]),
        "CTLSEP0018B9FFFFFF.tlv",
        "empty",
    );
}

#[test]
fn lint_line_numbers_point_at_the_line() {
    let test = Test::new();
    let (_, findings) = lint(
        &test,
        "line",
        &clean_root_with(&[(
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
fn the_seed_directories_as_their_authors_had_them() {
    let test = Test::new();
    // MARKWILSON-2008: OS79XX.TXT on the loader, SIP files naming 8.2, and xmlDefault.CNF.XML.
    let markwilson_2008 = [
        ("OS79XX.TXT", b"P003-08-2-00\n".to_vec()),
        ("SIPDefault.cnf", b";begin\nimage_version: P0S3-08-2-00\nproxy_register: 1\n;end\n".to_vec()),
        ("SIP0018B9FFFFFF.cnf", b";begin\nimage_version: P0S3-08-2-00\nline1_name : \"sipgateid\"\n;end\n".to_vec()),
        ("RINGLIST.DAT", b"CTU CTU.raw\n".to_vec()),
        ("xmlDefault.CNF.XML", b"<Default>\n<loadInformation8 model=\"IP Phone 7940\">P0S3-07-4-00</loadInformation8>\n</Default>\n".to_vec()),
        ("P003-08-2-00.bin", vec![0; 10]),
        ("P003-08-2-00.sbn", vec![0; 414]),
        // Its .loads of the 461 bytes the blog's log shows.
        ("P0S3-08-2-00.loads", phoneup::plan::replay::stand_in_sized("P0S3-08-2-00.loads", stand_in_loads("P0S3-08-2-00", "P003-08-2-00", "P0S3-08-2-00").as_bytes())),
        ("P0S3-08-2-00.sb2", STAND_IN_IMAGE.to_vec()),
    ];
    let (code, findings) = lint(&test, "markwilson-2008", &markwilson_2008, &[]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["file"], "xmlDefault.CNF.XML");
    // FUSSYLOGIC-7940 at its last step: XMLDefault names P0S3-8-12-00 while the root holds 8.11 files.
    let fussylogic_7940 = [
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
    let (code, findings) = lint(&test, "fussylogic-7940", &fussylogic_7940, &[]);
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
    let test = Test::new();
    // MARKWILSON-2008: the loader stopped at SIP<MAC>.cnf and followed its image_version.
    let files = clean_root_with(&[(
        "SIP0018B9FFFFFF.cnf",
        Some(b"image_version: P0S3-08-2-00\n"),
    )]);
    assert_finds(
        &test,
        "hunt-sip",
        &files,
        "SIP0018B9FFFFFF.cnf",
        "XMLDefault.cnf.xml names P0S3-08-11-00",
    );
    let sep = xml_default_cnf_xml::render("P0S3-08-2-00", Model::Both).into_bytes();
    assert_finds(
        &test,
        "hunt-sep",
        &clean_root_with(&[("SEP0018B9FFFFFF.cnf.xml", Some(&sep))]),
        "SEP0018B9FFFFFF.cnf.xml",
        "XMLDefault.cnf.xml names P0S3-08-11-00",
    );
}

#[test]
fn mac_checks_that_phone_only() {
    let test = Test::new();
    let files = clean_root_with(&[(
        "SIP001122334455.cnf",
        Some(b"image_version: P0S3-8-12-00\n"),
    )]);
    let (code, findings) = lint(&test, "mac-all", &files, &[]);
    assert_eq!(code, 1);
    assert!(
        findings.iter().all(|f| f["file"] == "SIP001122334455.cnf"),
        "{findings:#?}"
    );
    let (code, findings) = lint(&test, "mac-other", &files, &["--mac", "00:18:b9:ff:ff:ff"]);
    assert_eq!(
        (code, findings.len()),
        (0, 0),
        "another phone's file is not this phone's problem: {findings:#?}"
    );
    let (code, _) = lint(&test, "mac-same", &files, &["--mac", "001122334455"]);
    assert_eq!(code, 1);
}

#[test]
fn after_apply_mac_lint_does_not_ask_to_undo_what_apply_wrote() {
    let test = Test::new();
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
    let dir = test.dir("lint-mac", &files);
    let root = dir.to_str().unwrap();
    let (code, stdout, stderr) = test.run(&card(
        "apply",
        &["--stage", "3", "--tftp-root", root, "--mac", MAC],
    ));
    assert_eq!(code, 0, "{stdout}{stderr}");
    for extra in [&["--mac", MAC][..], &[]] {
        let mut args = vec!["lint", "--tftp-root", root];
        args.extend(extra);
        let (code, stdout, _) = test.run(&args);
        assert_eq!(code, 0, "{args:?}: {stdout}");
        assert!(!stdout.contains("move SEP"), "{stdout}");
    }
    // The same per-phone file, not written by phoneup, is still worth a warning.
    let copy = test.dir("lint-mac-copy", &files);
    fs::copy(
        dir.join(format!("SEP{MAC}.cnf.xml")),
        copy.join(format!("SEP{MAC}.cnf.xml")),
    )
    .unwrap();
    let (code, stdout, _) =
        test.run(&["lint", "--tftp-root", copy.to_str().unwrap(), "--mac", MAC]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("loader stops at SEP"), "{stdout}");
}

#[test]
fn what_a_stranger_could_fetch_is_warned_about() {
    let test = Test::new();
    let dir = test.dir(
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
    let (code, value, _) = test.run_json(&["lint", "--tftp-root", dir.to_str().unwrap()]);
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
}

#[test]
fn an_image_version_that_disagrees_with_xmldefault_is_an_error_saying_the_phone_never_stays() {
    let test = Test::new();
    let dir = test.firmware_root(
        "disagree",
        &[
            ("XMLDefault.cnf.xml", Some(&xml_naming("P0S3-08-11-00"))),
            ("SIPDefault.cnf", Some(b"image_version: \"P0S3-06-3-00\"\n")),
            ("OS79XX.TXT", Some(b"P003-08-11-00\n")),
        ],
    );
    let (code, findings) = test.lint_findings(&dir);
    assert_eq!(code, 1, "{findings:#?}");
    let found = with_kind(&findings, "image_version_disagrees");
    assert_eq!(found.len(), 1, "{findings:#?}");
    let f = found[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "SIPDefault.cnf");
    assert_eq!(f["line"], 1);
    assert_eq!(
        f["problem"],
        "image_version names P0S3-06-3-00 while XMLDefault.cnf.xml names P0S3-08-11-00"
    );
    assert_eq!(
        f["phone"],
        "once P0S3-08-11-00 runs it reads image_version and fetches P0S3-06-3-00 instead, on every boot: the phone never stays on P0S3-08-11-00"
    );
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .starts_with("name the same load in both: set image_version: P0S3-08-11-00"),
        "{f:#}"
    );
    // simulate agrees: the phone does not settle on those files.
    let (code, stdout, _) = test.run(&[
        "simulate",
        "--from",
        "P003-08-11-00",
        "--tftp-root",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}");

    // The same load spelled two ways, and an SCCP load in XMLDefault.cnf.xml (SCCP never
    // reads image_version), are no disagreement.
    for (tag, xml, sip) in [
        ("spelling", "P0S3-08-11-00", "P0S3-8-11-00"),
        ("sccp", "P00308010200", "P0S3-08-11-00"),
    ] {
        let dir = test.firmware_root(
            tag,
            &[
                ("XMLDefault.cnf.xml", Some(&xml_naming(xml))),
                (
                    "SIPDefault.cnf",
                    Some(format!("image_version: {sip}\n").as_bytes()),
                ),
            ],
        );
        let (_, findings) = test.lint_findings(&dir);
        assert!(
            with_kind(&findings, "image_version_disagrees").is_empty(),
            "{tag}: {findings:#?}"
        );
    }
}

#[test]
fn a_signed_load_named_by_image_version_needs_its_sbn() {
    let test = Test::new();
    // Only the .bin of SIP 6.3: a SIP phone on 5.0 or later fetches the .sbn.
    let dir = test.firmware_root(
        "sbn",
        &[
            ("SIPDefault.cnf", Some(b"image_version: P0S3-06-3-00\n")),
            ("P0S3-06-3-00.sbn", None),
        ],
    );
    let (code, findings) = test.lint_findings(&dir);
    assert_eq!(code, 1, "{findings:#?}");
    let found = with_kind(&findings, "sbn_missing");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0]["file"], "SIPDefault.cnf");
    assert_eq!(
        found[0]["problem"],
        "names P0S3-06-3-00, but only P0S3-06-3-00.bin is here: SIP images from 5.0 on fetch P0S3-06-3-00.sbn"
    );
    assert!(found[0]["phone"]
        .as_str()
        .unwrap()
        .contains("a phone already running P0S3-06-3-00 stays on it"));
    // OS79XX.TXT is read by images before 5.0 too: the .bin alone is enough there.
    let dir = test.firmware_root(
        "os79xx",
        &[
            ("OS79XX.TXT", Some(b"P0S3-06-3-00\n")),
            ("P0S3-06-3-00.sbn", None),
        ],
    );
    let (code, findings) = test.lint_findings(&dir);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
}

#[test]
fn every_lint_finding_has_a_stable_kind() {
    let test = Test::new();
    let loader = xml_naming("P003-08-11-00");
    let cases: Vec<(&str, &str, &[u8], &str)> = vec![
        ("cr", "OS79XX.TXT", b"P003-08-11-00\r\n", "cr_line_ending"),
        ("space", "OS79XX.TXT", b"P003-08-11-00 \n", "trailing_whitespace"),
        ("lines", "OS79XX.TXT", b"P003-08-11-00\nP0S3-06-3-00\n", "extra_lines"),
        ("empty", "OS79XX.TXT", b"\n", "empty_os79xx"),
        ("ext", "OS79XX.TXT", b"P003-08-11-00.sbn\n", "name_with_extension"),
        ("gone", "OS79XX.TXT", b"P0S3-07-4-00\n", "load_files_missing"),
        ("junk", "OS79XX.TXT", b"hello\n", "not_a_load_id"),
        ("case", "os79xx.txt", b"P003-08-11-00\n", "wrong_case"),
        ("xml", "XMLDefault.cnf.xml", b"<Default>\n<a></b>\n", "malformed_xml"),
        ("model", "XMLDefault.cnf.xml", b"<Default><loadInformation7 model=\"IP Phone 7940\">P0S3-08-11-00</loadInformation7></Default>", "wrong_model_element"),
        ("ctl", "CTLSEP0018B9FFFFFF.tlv", b"", "empty_trust_list"),
        ("backup", "SIPDefault.cnf.orig", b"x", "leftover"),
        ("per-phone", "SIP0018B9FFFFFF.cnf", b"image_version: P0S3-06-3-00\n", "per_phone_image_version"),
        ("first", "SEP0018B9FFFFFF.cnf.xml", &loader, "per_phone_file_first"),
        ("version", "SIPDefault.cnf", b"image_version: P0S3-06-3-00\n", "image_version_disagrees"),
    ];
    let mut seen = Vec::new();
    for (tag, file, bytes, kind) in cases {
        let dir = test.firmware_root(
            &format!("kind-{tag}"),
            &[
                ("XMLDefault.cnf.xml", Some(&xml_naming("P0S3-08-11-00"))),
                ("SIPDefault.cnf", Some(b"image_version: P0S3-08-11-00\n")),
                (file, Some(bytes)),
            ],
        );
        let (_, findings) = test.lint_findings(&dir);
        assert!(
            !with_kind(&findings, kind).is_empty(),
            "{tag}: no {kind}: {findings:#?}"
        );
        seen.push(kind);
    }
    let dir = test.firmware_root("more", &[]);
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::create_dir_all(dir.join("SIPDefault.cnf")).unwrap();
    let outside = test.dir("outside", &[("notes.txt", b"x")]);
    symlink(outside.join("notes.txt"), dir.join("elsewhere.txt")).unwrap();
    let (_, findings) = test.lint_findings(&dir);
    for kind in ["version_control", "unreadable", "link_leaves_directory"] {
        assert!(
            !with_kind(&findings, kind).is_empty(),
            "{kind}: {findings:#?}"
        );
        seen.push(kind);
    }
    // A link out that no phone asks for is a warning about what a stranger could fetch.
    assert_eq!(
        with_kind(&findings, "link_leaves_directory")[0]["severity"],
        "warning"
    );
    // Every finding has one of the kinds docs/json.md lists, and it lists every kind.
    let readme = include_str!("../../docs/json.md");
    for kind in &seen {
        assert!(
            readme.contains(&format!("`{kind}`")),
            "docs/json.md lacks `{kind}`"
        );
    }
    seen.push("sbn_missing");
    assert!(readme.contains("`sbn_missing`"));
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen.len(),
        19,
        "every kind is made by a case above: {seen:?}"
    );
}

#[test]
fn the_image_the_phone_runs_and_a_value_that_is_no_load_id_are_told_apart() {
    let test = Test::new();
    // The factory image, with no files: a phone on it fetches nothing.
    let dir = test.dir(
        "mfg",
        &[("XMLDefault.cnf.xml", &xml_naming("P0030301MFG2"))],
    );
    let (_, findings) = test.lint_findings(&dir);
    let found = with_kind(&findings, "load_files_missing");
    assert_eq!(found.len(), 1, "{findings:#?}");
    let phone = found[0]["phone"].as_str().unwrap();
    assert!(
        phone.starts_with("a phone already running P0030301MFG2 fetches nothing and stays on it;"),
        "{phone}"
    );
    // A password where the load belongs.
    let dir = test.dir(
        "junk",
        &[("SIPDefault.cnf", b"image_version: TOPSECRET-password-123\n")],
    );
    let (code, findings) = test.lint_findings(&dir);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["kind"], "not_a_load_id");
    assert_eq!(
        findings[0]["problem"],
        "image_version `TOPSECRET-password-123` is not a load ID"
    );
    let (_, stdout, _) = test.run(&["lint", "--tftp-root", dir.to_str().unwrap()]);
    assert!(!stdout.contains("whose files are"), "{stdout}");
}

#[test]
fn mgcdefault_is_linted_for_an_mgcp_application_and_not_for_a_sip_one() {
    let test = Test::new();
    // An MGCP 7.7 application reads MGCDefault.cnf's image_version (R15): naming another load
    // there sends it away on every boot.
    let dir = test.firmware_root(
        "mgcp-disagree",
        &[
            ("XMLDefault.cnf.xml", Some(&xml_naming("P0M3-07-7-00"))),
            (
                "MGCDefault.cnf",
                Some(b"# MGCP\nimage_version: P0030801SR02\n"),
            ),
            ("SIPDefault.cnf", Some(b"image_version: P0S3-06-3-00\n")),
        ],
    );
    let (code, findings) = test.lint_findings(&dir);
    assert_eq!(code, 1, "{findings:#?}");
    let found = with_kind(&findings, "image_version_disagrees");
    assert_eq!(found.len(), 1, "only MGCDefault.cnf counts: {findings:#?}");
    assert_eq!(found[0]["file"], "MGCDefault.cnf");
    assert_eq!(found[0]["line"], 2);
    assert_eq!(
        found[0]["problem"],
        "image_version names P0030801SR02 while XMLDefault.cnf.xml names P0M3-07-7-00"
    );
    // A SIP application does not read MGCDefault.cnf.
    let dir = test.firmware_root(
        "mgcp-sip",
        &[
            ("XMLDefault.cnf.xml", Some(&xml_naming("P0S3-08-11-00"))),
            ("MGCDefault.cnf", Some(b"image_version: P0030801SR02\n")),
            ("SIPDefault.cnf", Some(b"image_version: P0S3-08-11-00\n")),
        ],
    );
    let (_, findings) = test.lint_findings(&dir);
    assert!(
        with_kind(&findings, "image_version_disagrees").is_empty(),
        "{findings:#?}"
    );
}
