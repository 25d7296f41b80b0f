//! `check` gives every verdict of the upgrade matrix (the rules of data/matrix.yaml), its exit
//! codes, and what it says when its options need a TFTP root.

use std::fs;

use phoneup::commands::Report;
use phoneup::knowledge::graph::Prefer;
use phoneup::knowledge::load_id::{LoadId, Protocol};
use phoneup::knowledge::matrix::{Confidence, Matrix};
use phoneup::knowledge::Builtin;
use phoneup::plan::check::{check, Verdict};
use phoneup::plan::replay::STAND_IN_IMAGE;
use phoneup::plan::{plan, Outcome, Request};
use phoneup::Model;

use super::support::{json, run, Test, MAC};

fn verdict(from: &str, to: &str) -> (Verdict, Option<String>) {
    let matrix = Matrix::builtin().unwrap();
    let result = check(&matrix, from, to, Model::Both).unwrap();
    (result.verdict, result.rule)
}

fn confidence_of(from: &str, to: &str) -> (Verdict, Option<Confidence>) {
    let matrix = Matrix::builtin().unwrap();
    let result = check(&matrix, from, to, Model::Both).unwrap();
    (result.verdict, result.confidence)
}

#[track_caller]
fn assert_verdict(from: &str, to: &str, expected: Verdict, rule: Option<&str>) {
    let (got, got_rule) = verdict(from, to);
    assert_eq!(
        (got, got_rule.as_deref()),
        (expected, rule),
        "check --from {from} --to {to}"
    );
}

#[test]
fn r1_sccp_before_5_to_sip_5_or_6() {
    assert_verdict("P0030301MFG2", "P0S3-06-3-00", Verdict::Safe, Some("R1"));
    assert_verdict("P00303020214", "P0S3-05-3-00", Verdict::Safe, Some("R1"));
}

#[test]
fn r2_sccp_before_5_to_sip_7_is_load_id_incorrect_but_its_loader_is_a_medium_route() {
    assert_verdict("P0030301MFG2", "P0S3-07-4-00", Verdict::Refused, Some("R2"));
    assert_verdict("P0030301MFG2", "P003-07-4-00", Verdict::Safe, Some("R2a"));
    assert_verdict("P00303020214", "P003-8-12-00", Verdict::Safe, Some("R2a"));
    // Only the loader of a SIP package: MGCP's is not a way into SIP.
    assert_verdict("P0030301MFG2", "P003-07-7-00", Verdict::Unknown, None);
    let matrix = Matrix::builtin().unwrap();
    let result = check(&matrix, "P0030301MFG2", "P0S3-07-4-00", Model::Both).unwrap();
    assert!(
        result
            .reason
            .as_deref()
            .unwrap()
            .contains("Load ID Incorrect"),
        "{:?}",
        result.reason
    );
}

#[test]
fn r3_pre_ual_to_sip_8_is_refused() {
    assert_verdict(
        "P0S3-06-3-00",
        "P0S3-08-11-00",
        Verdict::Refused,
        Some("R3"),
    );
    assert_verdict("P0030301MFG2", "P0S3-08-2-00", Verdict::Refused, Some("R3"));
    assert_verdict("P00305000301", "P0S3-8-12-00", Verdict::Refused, Some("R3"));
}

#[test]
fn r4_sip_5_6_to_the_loader_then_its_own_application() {
    assert_verdict("P0S3-06-3-00", "P003-08-11-00", Verdict::Safe, Some("R4a"));
    assert_verdict("P0S3-05-3-00", "P003-8-12-00", Verdict::Safe, Some("R4a"));
    assert_verdict("P003-08-11-00", "P0S3-08-11-00", Verdict::Safe, Some("R4b"));
    // A loader only leads to the application of its own package.
    assert_verdict("P003-08-11-00", "P0S3-08-2-00", Verdict::Unknown, None);
}

#[test]
fn r5_sip_7_and_later_up_or_down_and_below_6_only_at_medium() {
    assert_verdict("P0S3-08-2-00", "P0S3-06-3-00", Verdict::Safe, Some("R5"));
    assert_verdict("P0S3-07-4-00", "P0S3-8-12-00", Verdict::Safe, Some("R5"));
    assert_verdict("P0S3-08-2-00", "P0S3-05-3-00", Verdict::Safe, Some("R5a"));
    let (_, confidence) = confidence_of("P0S3-08-2-00", "P0S3-05-3-00");
    assert_eq!(confidence, Some(Confidence::Medium));
}

#[test]
fn r6_never_below_5_after_a_signed_load() {
    assert_verdict("P0S3-08-2-00", "P0S30202", Verdict::Refused, Some("R6"));
    assert_verdict("P00308010200", "P00303020214", Verdict::Refused, Some("R6"));
    assert_verdict("P0S3-05-3-00", "P0S3-04-4-00", Verdict::Refused, Some("R6"));
}

#[test]
fn r7_old_sip_goes_through_4_4_then_5_3() {
    assert_verdict("P0S3-03-0-00", "P0S3-05-3-00", Verdict::Refused, Some("R7"));
    assert_verdict("P0S3-03-0-00", "P0S3-04-4-00", Verdict::Safe, Some("R7a"));
    assert_verdict("P0S3-04-4-00", "P0S3-05-3-00", Verdict::Safe, Some("R7b"));
    assert_verdict("P0S3-05-3-00", "P0S3-06-3-00", Verdict::Safe, Some("R7c"));
}

#[test]
fn r8_sccp_5_to_sip_5_or_6_directly_and_to_sip_7_or_8_only_through_the_loader() {
    assert_verdict("P00305000301", "P0S3-06-3-00", Verdict::Safe, Some("R8a"));
    assert_verdict("P00305000301", "P003-07-4-00", Verdict::Safe, Some("R8b"));
    assert_verdict("P00305000301", "P003-08-11-00", Verdict::Safe, Some("R8b"));
    assert_verdict(
        "P00305000301",
        "P0S3-07-4-00",
        Verdict::Refused,
        Some("R8c"),
    );
    assert_eq!(
        confidence_of("P00305000301", "P003-07-4-00").1,
        Some(Confidence::Medium)
    );
}

#[test]
fn no_sccp_5_to_sip_plan_has_a_one_stage_sccp_5_to_sip_7_step() {
    let matrix = Matrix::builtin().unwrap();
    let sip: Vec<&str> = matrix
        .loads
        .iter()
        .filter(|l| l.id.protocol() == Some(Protocol::Sip))
        .map(|l| l.name())
        .collect();
    for prefer in [Prefer::Safety, Prefer::Reboots] {
        for to in &sip {
            let request = Request {
                prefer,
                ..Request::new("P00305000301", *to)
            };
            let Outcome::Plan(plan) = plan(&matrix, &request).unwrap() else {
                continue;
            };
            for stage in &plan.stages {
                let from = LoadId::parse(&stage.from).unwrap();
                let to = LoadId::parse(&stage.to).unwrap();
                let sccp_5 = from.protocol() == Some(Protocol::Sccp) && from.major() == Some(5);
                assert!(
                    !(sccp_5 && to.protocol() == Some(Protocol::Sip) && to.major() == Some(7)),
                    "{} -> {}: stage {} jumps from SCCP 5.x to SIP 7.x",
                    plan.from,
                    plan.to,
                    stage.reboot
                );
            }
        }
    }
}

#[test]
fn r9_sccp_6_and_sip_7_both_ways() {
    assert_verdict("P00308010200", "P0S3-08-11-00", Verdict::Safe, Some("R9a"));
    assert_verdict("P0S3-08-11-00", "P00308010200", Verdict::Safe, Some("R9b"));
}

#[test]
fn r10_sip_before_7_to_sccp_is_refused_at_medium() {
    assert_verdict(
        "P0S3-06-3-00",
        "P00308010200",
        Verdict::Refused,
        Some("R10"),
    );
    assert_eq!(
        confidence_of("P0S3-06-3-00", "P00308010200").1,
        Some(Confidence::Medium)
    );
}

#[test]
fn r11_signed_sccp_up_or_down() {
    // From SCCP 6.0 on, a routine update is high (CME guide, tech note 5278); from or to 5.x,
    // medium.
    assert_verdict("P00308010200", "P00308000500", Verdict::Safe, Some("R11"));
    assert_eq!(
        confidence_of("P00308010200", "P00308000500").1,
        Some(Confidence::High)
    );
    assert_verdict("P00305000301", "P00308010200", Verdict::Safe, Some("R11a"));
    assert_verdict("P00308010200", "P00305000301", Verdict::Safe, Some("R11b"));
    for (from, to) in [
        ("P00305000301", "P00308010200"),
        ("P00308010200", "P00305000301"),
    ] {
        assert_eq!(confidence_of(from, to).1, Some(Confidence::Medium));
    }
}

#[test]
fn r12_old_sccp_to_sccp_5_is_low_and_r14_to_sccp_6_and_later_is_medium() {
    assert_verdict("P0030301MFG2", "P00305000301", Verdict::Safe, Some("R12"));
    assert_eq!(
        confidence_of("P0030301MFG2", "P00305000301").1,
        Some(Confidence::Low)
    );
    assert_verdict("P0030301MFG2", "P00307020300", Verdict::Safe, Some("R14"));
    assert_verdict("P00303020214", "P0030801SR02", Verdict::Safe, Some("R14"));
    let matrix = Matrix::builtin().unwrap();
    let stage = check(&matrix, "P0030301MFG2", "P0030801SR02", Model::Both)
        .unwrap()
        .stage
        .unwrap();
    assert_eq!(
        stage.firmware,
        [
            "P0030801SR02.bin",
            "P0030801SR02.loads",
            "P0030801SR02.sbn",
            "P0030801SR02.sb2"
        ]
    );
}

#[test]
fn r13_old_sccp_to_old_sip() {
    assert_verdict("P0030301MFG2", "P0S30202", Verdict::Safe, Some("R13"));
}

#[test]
fn the_same_load_twice_is_already_there_in_any_spelling() {
    assert_verdict("P0S3-8-11-00", "P0S3-08-11-00", Verdict::Already, None);
}

#[test]
fn mgcp_7_goes_to_sccp_by_mgcdefault_and_nothing_else_is_guessed() {
    assert_verdict("P0M3-07-7-00", "P0030801SR02", Verdict::Safe, Some("R15"));
    assert_verdict("P0M3-07-7-00", "P0S3-08-11-00", Verdict::Unknown, None);
    assert_verdict("P0M3-06-1-00", "P0030801SR02", Verdict::Unknown, None);
    assert_verdict("P0030801SR02", "P0M3-07-7-00", Verdict::Unknown, None);
}

#[test]
fn sccp_to_sccp_names_load_information_not_os79xx() {
    let matrix = Matrix::builtin().unwrap();
    let result = check(&matrix, "P0030301MFG2", "P0S3-07-4-00", Model::Both).unwrap();
    let stage = result.stage.as_ref().unwrap();
    assert_eq!(stage.rule, "R1", "the all-high route is shown first");
    let text = check(&matrix, "P00305000301", "P0030801SR02", Model::Both)
        .unwrap()
        .to_text(&phoneup::output::Style::plain());
    // R11a is medium: the first line says so.
    assert!(text.starts_with("SAFE (medium confidence): "), "{text}");
    let refused = check(&matrix, "P0S3-06-3-00", "P00308010200", Model::Both)
        .unwrap()
        .to_text(&phoneup::output::Style::plain());
    assert!(
        refused.contains("first     P0S3-06-3-00 -> P003-07-4-00"),
        "{refused}"
    );
    assert!(
        refused.contains("OS79XX.TXT names P003-07-4-00"),
        "{refused}"
    );
    // From SCCP 5.x to SCCP 7.2(3), the first step of the route to SIP 7.4, the mechanism that
    // acts is loadInformation: OS79XX.TXT starts P003 like the running image and is skipped.
    let refused = check(&matrix, "P00305000301", "P0S3-07-4-00", Model::Both)
        .unwrap()
        .to_text(&phoneup::output::Style::plain());
    assert!(
        refused.contains("loadInformation in XMLDefault.cnf.xml names P00307020300 (OS79XX.TXT starts P003 like the running image, so the phone skips it)"),
        "{refused}"
    );
}

#[test]
fn a_refusal_names_the_first_step_of_the_safe_plan() {
    let matrix = Matrix::builtin().unwrap();
    let result = check(&matrix, "P0S3-06-3-00", "P0S3-08-11-00", Model::Both).unwrap();
    let stage = result.stage.expect("a safe plan exists");
    assert_eq!(
        (stage.from.as_str(), stage.to.as_str()),
        ("P0S3-06-3-00", "P003-08-11-00")
    );
    assert_eq!(result.plan_reboots, Some(2));
}

#[test]
fn a_safe_jump_says_in_its_first_line_how_confident_its_rule_is() {
    let matrix = Matrix::builtin().unwrap();
    let first_line = |from: &str, to: &str| {
        let text = check(&matrix, from, to, Model::Both)
            .unwrap()
            .to_text(&phoneup::output::Style::plain());
        text.lines().next().unwrap().to_string()
    };
    // R1, high: plain SAFE.
    assert_eq!(
        first_line("P0030301MFG2", "P0S3-06-3-00"),
        "SAFE: P0030301MFG2 (SCCP 3.1(MF.G2)) -> P0S3-06-3-00 (SIP 6.3)"
    );
    // R12, low: one field report and a router's file list.
    assert_eq!(
        first_line("P0030301MFG2", "P00305000301"),
        "SAFE (low confidence): P0030301MFG2 (SCCP 3.1(MF.G2)) -> P00305000301 (SCCP 5.0(3.1))"
    );
}

#[test]
fn options_of_a_simulated_boot_without_a_directory_are_a_usage_error() {
    for (extra, given) in [
        (
            vec!["--mac", "0018b9ffffff"],
            "--mac 0018b9ffffff goes with",
        ),
        (vec!["--boots", "3"], "--boots 3 goes with"),
        (
            vec!["--mac", "0018B9FFFFFF", "--boots", "2"],
            "--mac 0018B9FFFFFF --boots 2 goes with",
        ),
    ] {
        let mut args = vec!["check", "--from", "P0030301MFG2", "--to", "P0S3-06-3-00"];
        args.extend(extra);
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 2, "{stdout}{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.contains(given), "{stderr}");
        assert!(stderr.contains("Give --tftp-root DIR"), "{stderr}");
    }
}

#[test]
fn a_server_without_a_directory_says_where_server_belongs() {
    let (code, stdout, stderr) = run(&[
        "check",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-08-11-00",
        "--server",
        "wrong-error",
    ]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("--server wrong-error goes with --tftp-root DIR")
            && stderr.contains("phoneup simulate --from P0030301MFG2 --server HOST[:PORT]"),
        "{stderr}"
    );
}

/// TCG-7960's server after "1. Update SIPDefault.cnf ... 3. Modify OS79XX.TXT" for the downgrade
/// to 6.3, but with step 2 forgotten: its SIP<mac>.cnf still sets image_version to the running
/// 8.2 (with the seed's telnet lines).
fn tcg_7960_root(test: &Test, tag: &str) -> std::path::PathBuf {
    test.dir(
        tag,
        &[
            ("OS79XX.TXT", b"P0S3-06-3-00\n"),
            (
                "SIPDefault.cnf",
                "image_version: P0S3-06-3-00\ntelnet_level: \u{201c}2\u{201d}\n".as_bytes(),
            ),
            (
                &format!("SIP{MAC}.cnf"),
                "image_version: P0S3-08-2-00\ntelnet_level: \u{201c}2\u{201d}\nphone_password: \u{201c}mypassword\u{201d}\n".as_bytes(),
            ),
            ("P0S3-06-3-00.sbn", STAND_IN_IMAGE),
            ("P0S3-06-3-00.bin", STAND_IN_IMAGE),
        ],
    )
}

/// MARKWILSON-2008's folder (a Windows TFTP server's): `OS79xx.TXT` and `xmlDefault.CNF.XML` in the
/// wrong case, the seed's SIPDefault.cnf and SIP<mac>.cnf, RINGLIST.DAT and 6.3's image.
fn markwilson_2008_root(test: &Test, tag: &str) -> std::path::PathBuf {
    test.dir(
        tag,
        &[
            ("OS79xx.TXT", b"P0S3-06-3-00\r\n"),
            (
                "xmlDefault.CNF.XML",
                b"<Default>\n  <loadInformation8 model=\"IP Phone 7940\">P0S3-07-4-00</loadInformation8>\n</Default>\n",
            ),
            (
                "SIPDefault.cnf",
                ";begin\r\nimage_version: P0S3-08-2-00\r\nproxy_register: 1\r\ndial_template: dialplan\r\ntelnet_level: 2\r\n;end\r\n".as_bytes(),
            ),
            (
                &format!("SIP{MAC}.cnf"),
                ";begin\r\nimage_version: P0S3-08-2-00\r\nline1_name : \u{201c}sipgateid\u{201d} ; SIPgate device ID#\r\n;end\r\n".as_bytes(),
            ),
            ("RINGLIST.DAT", b"CTU CTU.raw\n"),
            ("P0S3-06-3-00.bin", STAND_IN_IMAGE),
        ],
    )
}

#[test]
fn tcg_7960_a_per_phone_image_version_that_overrides_the_downgrade_is_not_ok() {
    let test = Test::new();
    let dir = tcg_7960_root(&test, "tcg-7960");
    let root = dir.to_str().unwrap();
    // Without --mac: the MAC in the root is a phone, and it is reported.
    let (code, stdout, _) = test.run(&["check", "--from", "P0S3-08-2-00", "--tftp-root", root]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "NOT OK: 2 findings: phone {MAC} does not settle where the files say:\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "  problem[names_another_load] SIPDefault.cnf: phone {MAC}"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "stays on P0S3-08-2-00, but SIPDefault.cnf names P0S3-06-3-00: SIP{MAC}.cnf names P0S3-08-2-00"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("Next: "), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "then run: phoneup check --from P0S3-08-2-00 --tftp-root {root}"
        )),
        "{stdout}"
    );
    let (code, value, _) = test.run_json(&[
        "check",
        "--from",
        "P0S3-08-2-00",
        "--to",
        "P0S3-06-3-00",
        "--tftp-root",
        root,
        "--mac",
        MAC,
    ]);
    assert_eq!(code, 1);
    assert_eq!(value["ok"], false);
    assert_eq!(value["phones"], serde_json::json!([MAC]));
    assert_eq!(
        value["simulations"].as_array().unwrap().len(),
        2,
        "both models"
    );
    let reasons = value["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|r| r
            .as_str()
            .unwrap()
            .contains("ends on P0S3-08-2-00, not on P0S3-06-3-00")),
        "{reasons:?}"
    );
    assert!(value["next_step"]["command"]
        .as_str()
        .unwrap()
        .contains("--mac"));
    // Step 2 done: the phone goes down to 6.3 and stays.
    fs::write(
        dir.join(format!("SIP{MAC}.cnf")),
        "image_version: P0S3-06-3-00\ntelnet_level: \u{201c}2\u{201d}\n",
    )
    .unwrap();
    let (code, stdout, _) = test.run(&[
        "check",
        "--from",
        "P0S3-08-2-00",
        "--to",
        "P0S3-06-3-00",
        "--tftp-root",
        root,
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "OK: no findings: phone {MAC} ends on P0S3-06-3-00."
        )),
        "{stdout}"
    );
}

#[test]
fn markwilson_2008_a_misnamed_os79xx_that_keeps_the_phone_on_3_1_is_not_ok() {
    let test = Test::new();
    let dir = markwilson_2008_root(&test, "markwilson-2008");
    let root = dir.to_str().unwrap();
    let (code, stdout, _) = test.run(&["check", "--from", "P0030301MFG2", "--tftp-root", root]);
    assert_eq!(code, 1, "{stdout}");
    assert!(!stdout.contains("OK: no findings"), "{stdout}");
    assert!(stdout.contains("NOT OK"), "{stdout}");
    assert!(
        stdout.contains(
            "stays on P0030301MFG2: it asks for OS79XX.TXT, but the root has OS79xx.TXT (naming P0S3-06-3-00)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("Tftpd32"), "{stdout}");
    assert!(
        stdout.contains("Rename OS79xx.TXT to OS79XX.TXT."),
        "{stdout}"
    );
    // With --mac, the same, for that phone; with --to, it names where the phone ends.
    let (code, stdout, _) = test.run(&[
        "check",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-06-3-00",
        "--tftp-root",
        root,
        "--mac",
        MAC,
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "phone {MAC} (7940) ends on P0030301MFG2, not on P0S3-06-3-00."
        )),
        "{stdout}"
    );
    // Renamed as the phone asks: it takes 6.3.
    fs::rename(dir.join("OS79xx.TXT"), dir.join("OS79XX.TXT")).unwrap();
    fs::write(dir.join("OS79XX.TXT"), "P0S3-06-3-00\n").unwrap();
    fs::write(dir.join("SIPDefault.cnf"), "image_version: P0S3-06-3-00\n").unwrap();
    fs::write(dir.join(format!("SIP{MAC}.cnf")), "line1_name: 1\n").unwrap();
    fs::remove_file(dir.join("xmlDefault.CNF.XML")).unwrap();
    let (code, stdout, _) = test.run(&[
        "check",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-06-3-00",
        "--tftp-root",
        root,
    ]);
    assert_eq!(code, 0, "{stdout}");
    // lint names both wrong-case files, and says which servers care.
    let dir2 = markwilson_2008_root(&test, "markwilson-2008-lint");
    let (code, stdout, _) = test.run(&["lint", "--tftp-root", dir2.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(
            "  problem[wrong_case] OS79xx.TXT: named OS79xx.TXT, but the phone asks for OS79XX.TXT"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("tftpd-hpa, atftpd and dnsmasq"), "{stdout}");
    assert!(stdout.contains("Tftpd32 ignores case"), "{stdout}");
    assert!(!stdout.contains("case-sensitive"), "{stdout}");
}

#[test]
fn check_without_mac_reports_every_phone_in_the_root() {
    let test = Test::new();
    let dir = test.dir(
        "every-phone",
        &[
            ("SIPDefault.cnf", b"image_version: P0S3-08-11-00\n"),
            ("SIP0018B9000001.cnf", b"image_version: P0S3-08-11-00\n"),
            ("SEP0018B9000002.cnf.xml", b"<Default/>\n"),
            ("CTLSEP0018B9000003.tlv", b""),
        ],
    );
    let (code, value, _) = test.run_json(&[
        "check",
        "--from",
        "P0S3-08-11-00",
        "--tftp-root",
        dir.to_str().unwrap(),
        "--model",
        "7940",
    ]);
    assert_eq!(
        value["phones"],
        serde_json::json!(["0018B9000001", "0018B9000002", "0018B9000003"])
    );
    assert_eq!(value["simulations"].as_array().unwrap().len(), 3);
    // The phone with an empty CTLSEP file loops: NOT OK, and the reason names it.
    assert_eq!(code, 1);
    let reasons = value["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|r| r
            .as_str()
            .unwrap()
            .contains("phone 0018B9000003 (7940) loops on CTLSEP0018B9000003.tlv")),
        "{reasons:?}"
    );
}

#[test]
fn exit_codes() {
    assert_eq!(
        run(&["check", "--from", "P0S3-06-3-00", "--to", "P003-08-11-00"]).0,
        0
    );
    assert_eq!(
        run(&["check", "--from", "P0030301MFG2", "--to", "P0S3-07-4-00"]).0,
        1
    );
    assert_eq!(
        run(&["check", "--from", "P003-08-11-00", "--to", "P0S3-08-2-00"]).0,
        1
    );
    assert_eq!(
        run(&["check", "--from", "junk", "--to", "P0S3-08-2-00"]).0,
        2
    );
    let (code, value) = json(&[
        "check",
        "--from",
        "P0030301MFG2",
        "--to",
        "P0S3-07-4-00",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(value["verdict"], "refused");
    assert_eq!(value["rule"], "R2");
    assert_eq!(value["safe"], false);
    assert!(
        value["stage"]["rule"].is_string(),
        "the first safe step is included"
    );
}
