//! Answers a user can act on: `check --tftp-root` considers every phone in the root and says
//! why it is NOT OK (seeds 002 and 003, their folders built from the seeds' own file contents);
//! every ending that is not success says what to do next; and the smaller points of issue 10.

use std::fs;
use std::path::Path;

use phoneup::plan::replay::STAND_IN_IMAGE;

use super::support::{card, fixture, phoneup, run, run_owned};

const MAC: &str = "0018B9FFFFFF";

/// Seed 002's server after "1. Update SIPDefault.cnf ... 3. Modify OS79XX.TXT" for the downgrade
/// to 6.3, but with step 2 forgotten: its SIP<mac>.cnf still sets image_version to the running
/// 8.2 (with the seed's telnet lines).
fn seed_002_root(tag: &str) -> std::path::PathBuf {
    fixture(
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

/// Seed 003's folder (a Windows TFTP server's): `OS79xx.TXT` and `xmlDefault.CNF.XML` in the
/// wrong case, the seed's SIPDefault.cnf and SIP<mac>.cnf, RINGLIST.DAT and 6.3's image.
fn seed_003_root(tag: &str) -> std::path::PathBuf {
    fixture(
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

fn check_json(args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let (code, stdout, stderr) = run(&args);
    (
        code,
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}")),
        stderr,
    )
}

#[test]
fn seed_002_a_per_phone_image_version_that_overrides_the_downgrade_is_not_ok() {
    let dir = seed_002_root("seed002");
    let root = dir.to_str().unwrap();
    // Without --mac: the MAC in the root is a phone, and it is reported.
    let (code, stdout, _) = run(&["check", "--from", "P0S3-08-2-00", "--tftp-root", root]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains(&format!("NOT OK: phone {MAC}")), "{stdout}");
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
    let (code, value, _) = check_json(&[
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
    let (code, stdout, _) = run(&[
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
        stdout.contains(&format!("OK: phone {MAC} ends on P0S3-06-3-00.")),
        "{stdout}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn seed_003_a_misnamed_os79xx_that_keeps_the_phone_on_3_1_is_not_ok() {
    let dir = seed_003_root("seed003");
    let root = dir.to_str().unwrap();
    let (code, stdout, _) = run(&["check", "--from", "P0030301MFG2", "--tftp-root", root]);
    assert_eq!(code, 1, "{stdout}");
    assert!(!stdout.contains("OK: the phone settles"), "{stdout}");
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
    let (code, stdout, _) = run(&[
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
    let (code, stdout, _) = run(&[
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
    let dir2 = seed_003_root("seed003-lint");
    let (code, stdout, _) = run(&["lint", dir2.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("error: OS79xx.TXT: named OS79xx.TXT, but the phone asks for OS79XX.TXT"),
        "{stdout}"
    );
    assert!(stdout.contains("tftpd-hpa, atftpd and dnsmasq"), "{stdout}");
    assert!(stdout.contains("Tftpd32 ignores case"), "{stdout}");
    assert!(!stdout.contains("case-sensitive"), "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&dir2).unwrap();
}

#[test]
fn check_without_mac_reports_every_phone_in_the_root() {
    let dir = fixture(
        "every-phone",
        &[
            ("SIPDefault.cnf", b"image_version: P0S3-08-11-00\n"),
            ("SIP0018B9000001.cnf", b"image_version: P0S3-08-11-00\n"),
            ("SEP0018B9000002.cnf.xml", b"<Default/>\n"),
            ("CTLSEP0018B9000003.tlv", b""),
        ],
    );
    let (code, value, _) = check_json(&[
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
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_ending_that_is_not_success_says_what_to_do_next() {
    // simulate: a phone on a signed load refuses an unsigned image.
    let dir = fixture(
        "next-refused",
        &[
            ("SIPDefault.cnf", b"image_version: P0S30202\n"),
            ("P0S30202.sbn", STAND_IN_IMAGE),
        ],
    );
    let root = dir.to_str().unwrap();
    let (code, stdout, _) = run(&["simulate", "--from", "P0S3-06-3-00", "--tftp-root", root]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("refuses the image, every boot"), "{stdout}");
    assert!(
        stdout.contains("Next: P0S3-06-3-00 will not take P0S30202 directly"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "then run: phoneup plan --from P0S3-06-3-00 --to P0S30202 --tftp-root {root}"
        )),
        "{stdout}"
    );
    // simulate: the CTLSEP loop behind a server that answers missing files wrongly.
    let (code, value, _) = check_json(&[
        "simulate",
        "--from",
        "P003-08-11-00",
        "--tftp-root",
        root,
        "--server",
        "wrong-error",
    ]);
    assert_eq!(code, 1);
    assert_eq!(value["ending"], "loop");
    assert!(value["next_step"]["fix"]
        .as_str()
        .unwrap()
        .contains("TFTP error 1 (File not found)"));
    assert!(value["next_step"]["command"]
        .as_str()
        .unwrap()
        .starts_with("phoneup simulate --from P003-08-11-00"));
    // check --tftp-root, NOT OK: see the seed tests; apply refusals:
    let (code, stdout, _) = run_owned(
        &card("apply", &["--stage", "1", "--tftp-root", root])
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>(),
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("Refused:"), "{stdout}");
    assert!(stdout.contains("Next: Copy the firmware"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "then run: phoneup apply --from P0030301MFG2 --to P0S3-08-11-00 --stage 1 --tftp-root {root}"
        )),
        "{stdout}"
    );
    let (code, stdout, _) = run(&card(
        "apply",
        &[
            "--stage",
            "1",
            "--tftp-root",
            root,
            "--mac",
            MAC,
            "--format",
            "json",
        ],
    ));
    assert_eq!(code, 1, "{stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(value["next_step"]["fix"]
        .as_str()
        .unwrap()
        .contains("without --mac"));
    assert!(!value["next_step"]["command"]
        .as_str()
        .unwrap()
        .contains("--mac"));
    // plan's "no path": the nearest load it can reach by the most confident route (6.0, all
    // high, over 5.3, whose route down has a medium step).
    let (code, value, _) = check_json(&["plan", "--from", "P0S3-08-2-00", "--to", "P0S30202"]);
    assert_eq!(code, 1);
    assert_eq!(
        value["next_step"]["command"],
        "phoneup plan --from P0S3-08-2-00 --to P0S3-06-0-00"
    );
    // check's "refused" says what to do instead, in JSON too.
    let (code, value, _) =
        check_json(&["check", "--from", "P0030301MFG2", "--to", "P0S3-08-11-00"]);
    assert_eq!(code, 1);
    assert_eq!(
        value["next_step"]["command"],
        "phoneup plan --from P0030301MFG2 --to P0S3-08-11-00"
    );
    // (A route narrowed by --via: tests/phoneup/cli.rs, via_and_avoid_steer_the_route.)
    // undo with nothing to undo.
    let (code, stdout, _) = run(&["undo", "--tftp-root", root]);
    assert_eq!(code, 1);
    assert!(stdout.contains("pass the same --journal"), "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn simulate_shows_a_sip_8_2_to_6_3_downgrade_as_the_plan_does() {
    let dir = fixture(
        "downgrade-screen",
        &[
            ("SIPDefault.cnf", b"image_version: P0S3-06-3-00\n"),
            ("P0S3-06-3-00.sbn", STAND_IN_IMAGE),
        ],
    );
    let (code, value, _) = check_json(&[
        "simulate",
        "--from",
        "P0S3-08-2-00",
        "--tftp-root",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(value["final_load"], "P0S3-06-3-00");
    let screen = value["boots"][0]["screen"].as_array().unwrap();
    assert_eq!(screen[0], "Upgrading Software", "{screen:?}");
    assert!(!screen.iter().any(|s| s == "Universal Application Loader"));
    let (_, plan, _) = check_json(&["plan", "--from", "P0S3-08-2-00", "--to", "P0S3-06-3-00"]);
    assert!(plan["stages"][0]["screen"][0]
        .as_str()
        .unwrap()
        .starts_with("\"Upgrading Software\""));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn model_means_the_same_everywhere_and_help_offers_only_what_is_accepted() {
    let (_, help, _) = run(&["simulate", "--help"]);
    let model = help
        .split("--model <MODEL>")
        .nth(1)
        .expect("simulate documents --model");
    let model = &model[..model.find("--format").unwrap_or(model.len())];
    assert!(model.contains("7940") && model.contains("7960"), "{model}");
    assert!(
        !model.contains("both"),
        "simulate offers only what it accepts: {model}"
    );
    let (code, _, stderr) = run(&[
        "simulate",
        "--from",
        "P0S3-06-3-00",
        "--tftp-root",
        ".",
        "--model",
        "both",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("[possible values: 7940, 7960]"), "{stderr}");
    for command in ["plan", "check", "apply"] {
        let (_, help, _) = run(&[command, "--help"]);
        assert!(help.contains("both"), "{command} --help: {help}");
    }
}

#[test]
fn the_man_page_documents_every_subcommand_and_names_no_missing_page() {
    let (code, man, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        !man.contains("phoneup-plan(1)"),
        "no page that does not exist"
    );
    for (command, options) in [
        ("plan", &["--via", "--avoid", "--tftp-root"][..]),
        (
            "apply",
            &["--stage", "--dry-run", "--journal", "--replace-links"],
        ),
        ("undo", &["--journal"]),
        ("check", &["--mac", "--boots"]),
        ("simulate", &["--server", "--model"]),
        ("lint", &["--mac", "--journal"]),
        ("graph", &["--loads"]),
    ] {
        let section = man
            .split(&format!(".SS \"phoneup {command}\""))
            .nth(1)
            .unwrap_or_else(|| panic!("no section for {command}"));
        let section = &section[..section.find(".SS ").unwrap_or(section.len())];
        for option in options {
            let roff = option.replace('-', "\\-");
            assert!(
                section.contains(&roff) || section.contains(option),
                "{command}'s section lacks {option}"
            );
        }
    }
}

#[test]
fn the_java_phone_message_names_its_phones_not_the_7940_and_7960() {
    let (code, _, stderr) = run(&["identify", "SIP41.9-4-2SR3-1S"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("7941"), "{stderr}");
    assert!(!stderr.contains("794x"), "{stderr}");
}

#[test]
fn inventory_calls_a_load_complete_when_a_stage_finds_what_it_fetches() {
    let dir = fixture("inventory-63", &[("P0S3-06-3-00.bin", STAND_IN_IMAGE)]);
    let (_, value, _) = check_json(&["inventory", dir.to_str().unwrap()]);
    let load = &value["loads"][0];
    assert_eq!(load["load"], "P0S3-06-3-00");
    assert_eq!(load["status"], "complete", "{load}");
    assert!(load["notes"][0]
        .as_str()
        .unwrap()
        .contains("no P0S3-06-3-00.sbn: a phone on a signed load"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn apply_refuses_a_loads_file_that_is_not_a_manifest() {
    let dir = fixture(
        "loads-junk",
        &[
            ("P0S3-08-11-00.loads", b"x"),
            ("P003-08-11-00.sbn", STAND_IN_IMAGE),
            ("P0S3-08-11-00.sb2", STAND_IN_IMAGE),
        ],
    );
    let root = dir.to_str().unwrap();
    let (code, stdout, _) = run(&card("apply", &["--stage", "3", "--tftp-root", root]));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("not a .loads manifest"), "{stdout}");
    assert!(!Path::new(root).join("XMLDefault.cnf.xml").exists());
    // A manifest naming a file that is not there is refused too.
    fs::write(
        dir.join("P0S3-08-11-00.loads"),
        "P0S3-08-11-00\r\nP003-08-11-00.sbn\r\nP0S3-08-11-99.sb2\r\n",
    )
    .unwrap();
    let (code, stdout, _) = run(&card("apply", &["--stage", "3", "--tftp-root", root]));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("P0S3-08-11-99.sb2 (named by P0S3-08-11-00.loads)"),
        "{stdout}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lint_after_apply_mac_does_not_ask_to_undo_what_apply_wrote() {
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
fn lint_warns_about_what_a_stranger_could_fetch() {
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
    let (code, value, _) = check_json(&["lint", dir.to_str().unwrap()]);
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

#[test]
fn plan_json_files_hold_whole_files_only_and_a_root_without_xmldefault_gets_it_whole() {
    let dir = fixture("plan-whole", &[]);
    let (_, value, _) = check_json(&card("plan", &["--tftp-root", dir.to_str().unwrap()]));
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
    let (_, value, _) = check_json(&card("plan", &["--tftp-root", dir.to_str().unwrap()]));
    let stage = &value["stages"][2];
    assert!(
        stage["files"].get("XMLDefault.cnf.xml").is_none(),
        "{stage}"
    );
    // A script that writes `.files` out keeps the user's SIPDefault.cnf settings.
    assert!(stage["files"].get("SIPDefault.cnf").is_none());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn journal_option_keeps_the_journal_where_the_user_says_and_never_inside_the_root() {
    let dir = super::support::report_root("journal-option");
    let journal = super::support::temp_base().join("own-journal");
    let _ = fs::remove_dir_all(&journal);
    let root = dir.to_str().unwrap();
    let mut args = super::support::report_apply(&dir, "1", &["--journal"]);
    args.push(journal.to_str().unwrap().to_string());
    let (code, stdout, stderr) = run_owned(&args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(journal.join("0001/manifest.yaml").is_file());
    assert!(
        stdout.contains(&format!(
            "phoneup undo --tftp-root {root} --journal {}",
            journal.display()
        )),
        "{stdout}"
    );
    // Another root cannot share it.
    let other = fixture("journal-option-other", &[("P0S3-06-3-00.bin", b"")]);
    let mut args = super::support::report_apply(&other, "1", &["--journal"]);
    args.push(journal.to_str().unwrap().to_string());
    let (code, _, stderr) = run_owned(&args);
    assert_eq!(code, 2);
    assert!(stderr.contains("holds the undo journal of"), "{stderr}");
    // Inside the root is refused.
    let mut args = super::support::report_apply(&dir, "3", &["--journal"]);
    args.push(format!("{root}/journal"));
    let (code, _, stderr) = run_owned(&args);
    assert_eq!(code, 2);
    assert!(stderr.contains("inside the TFTP root"), "{stderr}");
    let (code, _, _) = run(&["undo", "--tftp-root", root]);
    assert_eq!(code, 1, "the default journal holds nothing for this root");
    let (code, _, _) = run(&[
        "undo",
        "--tftp-root",
        root,
        "--journal",
        journal.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap(),
        super::support::REPORT_SIPDEFAULT
    );
    let _ = phoneup;
    for d in [&dir, &journal, &other] {
        fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn no_path_says_why_and_aims_for_the_nearest_load_of_the_same_kind_and_protocol() {
    let generic = |from: &str, to: &str, origin: &str| {
        format!("No chain of evidenced rules leads from {from} to {to} in {origin}. phoneup does not guess: if you know a route that works, add its rule and evidence to a copy of the matrix (phoneup matrix > my.yaml) and pass --matrix my.yaml.")
    };
    // SIP 8.11 cannot go back to SCCP 3.x (R6). The nearest SCCP application it reaches is
    // 7.2(3), the oldest above 3.1: not the SCCP loader P003-07-2-00, older still but a loader.
    let (code, value, _) = check_json(&["plan", "--from", "P0S3-08-11-00", "--to", "P0030301MFG2"]);
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
    let (code, value, _) = check_json(&["plan", "--from", "P0S3-08-11-00", "--to", "P00308000700"]);
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
    let (_, value, _) = check_json(&["plan", "--from", "P00305000301", "--to", "P00308000700"]);
    assert_eq!(
        value["next_step"]["fix"],
        "Aim for P00308000500 instead: of the loads like P00308000700 that phoneup can reach from P00305000301, it has the most confident route and is the nearest. Its route has medium-confidence steps: read their evidence first."
    );
    // MGCP 7.7 has an era (the loader): it is not called an MGCP load before 7.0.
    let (_, value, _) = check_json(&["plan", "--from", "P0M3-07-7-00", "--to", "P0030301MFG2"]);
    let reasons = value["reasons"].to_string();
    assert!(!reasons.contains("before 7.0"), "{reasons}");
    assert!(reasons.contains("Rule R6"), "{reasons}");
    let (_, value, _) = check_json(&["plan", "--from", "P0M3-06-1-00", "--to", "P0S3-08-11-00"]);
    assert_eq!(
        value["reasons"][0],
        "P0M3-06-1-00 is a signed MGCP load before 7.0: whether it runs on the Universal Application Loader is unknown, and no rule covers it."
    );
    // A matrix of the user's without R6: phoneup still says why signed to unsigned has no path.
    let dir = fixture("no-path-without-r6", &[]);
    let (_, full, _) = run(&["matrix"]);
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
    let (code, value, _) = check_json(&[
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
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn only_folders_named_by_digits_alone_are_journal_folders() {
    let dir = super::support::report_root("journal-digits");
    let journal = super::support::temp_base().join("journal-digits-journal");
    let _ = fs::remove_dir_all(&journal);
    let mut args = super::support::report_apply(&dir, "1", &["--journal"]);
    args.push(journal.to_str().unwrap().to_string());
    let (code, stdout, stderr) = run_owned(&args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // "+1" reads as the number 1 to Rust's parser, but it is not a name phoneup gives.
    fs::rename(journal.join("0001"), journal.join("+1")).unwrap();
    let (code, stdout, stderr) = run(&[
        "undo",
        "--tftp-root",
        dir.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("Nothing to undo"), "{stdout}");
    assert!(journal.join("+1/manifest.yaml").exists());
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&journal).unwrap();
}

/// `apply` of the report root's stage 1 run in `cwd` with `env` (and XDG_STATE_HOME removed
/// unless `env` sets it), and `extra` options.
fn apply_with_env(
    dir: &Path,
    cwd: &Path,
    env: &[(&str, &str)],
    extra: &[&str],
) -> (i32, String, String) {
    let mut command = phoneup();
    command.env_remove("XDG_STATE_HOME").current_dir(cwd);
    for (key, value) in env {
        command.env(key, value);
    }
    command.args(super::support::report_apply(dir, "1", extra));
    super::support::run_command(&mut command)
}

#[test]
fn the_journal_lives_where_xdg_says_only_when_its_paths_are_absolute() {
    let dir = super::support::report_root("state-xdg");
    let base = super::support::temp_base().join("state-xdg-home");
    let _ = fs::remove_dir_all(&base);
    fs::create_dir_all(base.join("cwd")).unwrap();
    let home = base.join("home");
    // A relative XDG_STATE_HOME is ignored, as the XDG specification asks: HOME's is used.
    let (code, stdout, stderr) = apply_with_env(
        &dir,
        &base.join("cwd"),
        &[
            ("XDG_STATE_HOME", "relative-state"),
            ("HOME", home.to_str().unwrap()),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(home.join(".local/state/phoneup/journal").is_dir());
    assert!(!base.join("cwd/relative-state").exists());
    // A relative HOME (and no XDG_STATE_HOME) names no place: a usage error saying what to set.
    let (code, stdout, stderr) =
        apply_with_env(&dir, &base.join("cwd"), &[("HOME", "relative-home")], &[]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("neither XDG_STATE_HOME nor HOME is set"),
        "{stderr}"
    );
    assert!(!base.join("cwd/relative-home").exists());
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&base).unwrap();
}

#[test]
fn a_journal_folder_given_with_journal_is_checked_before_anything_is_kept_there() {
    let dir = super::support::report_root("state-journal-checks");
    let base = super::support::temp_base().join("state-journal-checks-places");
    let _ = fs::remove_dir_all(&base);
    fs::create_dir_all(&base).unwrap();
    let base_arg = |name: &str| base.join(name).to_str().unwrap().to_string();
    // A relative --journal is taken from where phoneup runs, and named so in the error when
    // that is inside the root.
    let (code, _, stderr) = apply_with_env(&dir, &dir, &[], &["--journal", "inside"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "would keep its journal in {}/inside, inside the TFTP root",
            dir.display()
        )),
        "{stderr}"
    );
    // A link, or a file, where the journal folder would be: refused, nothing written.
    fs::create_dir(base.join("real")).unwrap();
    std::os::unix::fs::symlink(base.join("real"), base.join("link")).unwrap();
    fs::write(base.join("file"), "mine\n").unwrap();
    let home = [("HOME", base.to_str().unwrap())];
    for (name, problem) in [("link", "is a symbolic link"), ("file", "is not a folder")] {
        let (code, stdout, stderr) =
            apply_with_env(&dir, &base, &home, &["--journal", &base_arg(name)]);
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        assert!(stderr.contains(problem), "{name}: {stderr}");
    }
    assert_eq!(fs::read_dir(base.join("real")).unwrap().count(), 0);
    assert_eq!(fs::read_to_string(base.join("file")).unwrap(), "mine\n");
    // Root may keep it in a folder of another user's; (as another user it is refused, which
    // only root could set up here).
    if super::support::is_root() {
        let theirs = base.join("theirs");
        fs::create_dir(&theirs).unwrap();
        std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
        let (code, stdout, stderr) =
            apply_with_env(&dir, &base, &home, &["--journal", &base_arg("theirs")]);
        assert_eq!(code, 0, "{stdout}{stderr}");
    }
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&base).unwrap();
}
