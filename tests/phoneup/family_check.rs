//! `check --tftp-root` for a Java-based phone (stand-in packages, never Cisco files): a root
//! that sends an 8.3(1) 7961G past the 8.5(2) bridge is NOT OK with the Auth Fail and the next
//! step; after `apply` writes the plan's first stage, the same check of the stage says OK; a
//! missing component, a wrong-error server and boots that run out are each a finding; JSON has
//! the names of the 7940/7960's root check.

use super::family_lint::{package, sep, term_of};
use super::support::Test;

const MAC: &str = "0018B9000061";

/// Both packages of the plan, the bridge's term file, and a SEP file naming the target straight
/// away.
fn root(test: &Test, leave_out: Option<&str>) -> String {
    let mut files = package("SCCP41.8-5-2S", "jar", "8-5-2TH1-9");
    files.extend(package("SIP41.9-4-2SR3-1S", "jar", "9-4-2ES26"));
    files.push(term_of(&files, "SCCP41.8-5-2S", "term61.default.loads"));
    files.push(sep(MAC, "SIP41.9-4-2SR3-1S"));
    files.retain(|(name, _)| Some(name.as_str()) != leave_out);
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    test.dir("tftp", &files).display().to_string()
}

/// `check --model 7961 --from FROM --to TO --tftp-root DIR`.
fn check<'a>(from: &'a str, to: &'a str, dir: &'a str) -> [&'a str; 9] {
    [
        "check",
        "--model",
        "7961",
        "--from",
        from,
        "--to",
        to,
        "--tftp-root",
        dir,
    ]
}

#[test]
fn family_check_root_past_the_bridge_text() {
    let test = Test::named("family-check-root");
    let dir = root(&test, None);
    let (code, stdout, stderr) = test.run(&check("SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S", &dir));
    assert_eq!(code, 1, "{stderr}");
    let stdout = stdout.replace(&dir, "TFTP");
    insta::assert_snapshot!(stdout);
}

#[test]
fn after_apply_writes_the_first_stage_the_check_of_that_stage_is_ok() {
    let test = Test::named("family-check-apply");
    let dir = root(&test, None);
    let (code, _, stderr) = test.run(&[
        "apply",
        "--model",
        "7961",
        "--from",
        "SCCP41.8-3-1S",
        "--to",
        "SIP41.9-4-2SR3-1S",
        "--stage",
        "1",
        "--tftp-root",
        &dir,
        "--mac",
        MAC,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let stage = check("SCCP41.8-3-1S", "SCCP41.8-5-2S", &dir);
    let (code, stdout, stderr) = test.run(&stage);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.ends_with(&format!(
            "OK: no findings: phone {MAC} ends on SCCP41.8-5-2S.\n"
        )),
        "{stdout}"
    );
    // The whole way is not there yet: the phone stops on the bridge.
    let (code, stdout, _) = test.run(&check("SCCP41.8-3-1S", "SIP41.9-4-2SR3-1S", &dir));
    assert_eq!(code, 1);
    assert!(stdout.contains("problem[ends_elsewhere]"), "{stdout}");
    assert!(
        stdout.contains("ends on SCCP41.8-5-2S, not on SIP41.9-4-2SR3-1S."),
        "{stdout}"
    );
}

#[test]
fn a_missing_component_a_wrong_error_server_and_too_few_boots_are_findings() {
    let test = Test::named("family-check-findings");
    let dir = root(&test, Some("cvm41sip.9-4-2ES26.sbn"));
    let from = [
        "check",
        "--model",
        "7961",
        "--from",
        "SCCP41.8-5-2S",
        "--tftp-root",
        &dir,
    ];
    let (code, stdout, _) = test.run(&from);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("problem[file_problem] cvm41sip.9-4-2ES26.sbn: phone 0018B9000061 (7961G) stops its download: cvm41sip.9-4-2ES26.sbn is missing"),
        "{stdout}"
    );
    let empty = test.dir("empty", &[]).display().to_string();
    let (code, stdout, _) = test.run(&[
        "check",
        "--model",
        "7961",
        "--from",
        "SCCP41.8-5-2S",
        "--tftp-root",
        &empty,
        "--server-answers",
        "wrong-error",
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(
            "problem[loops] CTLSEP0018B9FFFFFF.tlv: a 7961G with no file of its own loops"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("--server-answers wrong-error\n"),
        "{stdout}"
    );
    let dir = root(&test, None);
    let (code, stdout, _) = test.run(&[
        "check",
        "--model",
        "7961",
        "--from",
        "SCCP41.8-5-2S",
        "--tftp-root",
        &dir,
        "--boots",
        "1",
        "--mac",
        "00:18:b9:00:00:61",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains("problem[unfinished] phone 0018B9000061 (7961G) is still changing load after 1 boots (raise --boots)."), "{stdout}");
    assert!(stdout.contains(" --mac 0018B9000061\n"), "{stdout}");
}

#[test]
fn family_check_root_json_has_the_root_checks_names() {
    let test = Test::named("family-check-json");
    let dir = root(&test, None);
    // Without --model: every model of the family the load implies.
    let (code, json) = test.json(&[
        "check",
        "--from",
        "SCCP41.8-5-2S",
        "--to",
        "SIP41.9-4-2SR3-1S",
        "--tftp-root",
        &dir,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{json}");
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "from",
        "to",
        "tftp_root",
        "ok",
        "phones",
        "simulations",
        "reasons",
        "findings",
        "next_step",
        "skipped",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json["ok"], true);
    assert_eq!(json["phones"][0], MAC);
    let models: Vec<&str> = json["simulations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["model"].as_str().unwrap())
        .collect();
    assert_eq!(models, ["7941G", "7941G-GE", "7961G", "7961G-GE"]);
}

#[test]
fn boot_options_without_a_directory_are_a_usage_error() {
    let (code, _, stderr) = Test::new().run(&[
        "check",
        "--from",
        "SCCP41.8-5-2S",
        "--to",
        "SIP41.9-4-2SR3-1S",
        "--mac",
        MAC,
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("--mac {MAC} goes with --tftp-root DIR")),
        "{stderr}"
    );
}
