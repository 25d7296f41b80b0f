//! The Java-based phones (7906 to 7975): their plans and checks from the matrix's `families`
//! section, the model a load ID implies, identify on every file of a package, and the inputs
//! that are refused. The 7940/7960 answers stay as they were (tests/phoneup/snapshots.rs).

use super::support::{run, Test};

fn stdout_of(args: &[&str], expected_code: i32) -> String {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, expected_code, "phoneup {args:?}: {stderr}");
    stdout
}

#[test]
fn family_plan_7961_through_the_bridge_text() {
    insta::assert_snapshot!(stdout_of(
        &[
            "plan",
            "--model",
            "7961",
            "--from",
            "SCCP41.8-3-1S",
            "--to",
            "SIP41.9-4-2SR3-1S"
        ],
        0
    ));
}

#[test]
fn family_check_refuses_the_jump_past_the_bridge_text() {
    insta::assert_snapshot!(stdout_of(
        &[
            "check",
            "--model",
            "7961",
            "--from",
            "SCCP41.8-3-1S",
            "--to",
            "SIP41.9-4-2SR3-1S"
        ],
        1
    ));
}

#[test]
fn family_check_of_mcleans_too_far_jump_is_unknown_text() {
    insta::assert_snapshot!(stdout_of(
        &[
            "check",
            "--from",
            "TERM41.7-0-3-0S",
            "--to",
            "SCCP41.8-3-1S"
        ],
        1
    ));
}

#[test]
fn family_identify_names_every_file_of_a_package_text() {
    insta::assert_snapshot!(stdout_of(
        &[
            "identify",
            "SIP41.9-4-2SR3-1S.loads",
            "term41.default.loads",
            "term61.default.loads",
            "jar41sip.9-4-2ES26.sbn",
            "cnu41.9-4-2ES26.sbn",
            "apps41.9-4-2ES26.sbn",
            "dsp41.9-4-2ES26.sbn",
            "cvm41sip.9-4-2ES26.sbn",
        ],
        0
    ));
}

#[test]
fn the_load_id_implies_the_family_and_a_named_model_narrows_it() {
    let implied = stdout_of(
        &[
            "plan",
            "--from",
            "SCCP11.8-5-2S",
            "--to",
            "SCCP11.9-4-2SR3-1S",
        ],
        0,
    );
    assert!(
        implied.starts_with("Plan for the 7906G and 7911G:"),
        "{implied}"
    );
    assert!(
        implied.contains(
            "<loadInformation369 model=\"IP Phone 7906\">SCCP11.9-4-2SR3-1S</loadInformation369>"
        ),
        "{implied}"
    );
    assert!(
        implied.contains("<loadInformation307 model=\"IP Phone 7911\">"),
        "{implied}"
    );
    assert!(
        implied.contains("term06.default.loads and term11.default.loads"),
        "{implied}"
    );
    let named = stdout_of(
        &[
            "plan",
            "--model",
            "7911",
            "--from",
            "SCCP11.8-5-2S",
            "--to",
            "SCCP11.9-4-2SR3-1S",
        ],
        0,
    );
    assert!(named.starts_with("Plan for the 7911G:"), "{named}");
    assert!(!named.contains("loadInformation369"), "{named}");
}

#[test]
fn a_plan_that_the_sources_do_not_support_is_not_made() {
    // From 7.x the only jumps the sources cover are to the 8.5(2) bridge; below 8.3(3) unknown.
    let (code, stdout, _) = run(&["plan", "--from", "TERM41.7-0-3-0S", "--to", "SCCP41.8-3-1S"]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("UNKNOWN:"), "{stdout}");
    // From 7.x to 9.x the bridge is planned.
    let (code, stdout, _) = run(&[
        "plan",
        "--from",
        "TERM41.7-0-3-0S",
        "--to",
        "SCCP41.9-4-2SR3-1S",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("TERM41.7-0-3-0S -> SCCP41.8-5-2S -> SCCP41.9-4-2SR3-1S"),
        "{stdout}"
    );
    // A jump the rules allow is safe: exit 0.
    let (code, stdout, _) = run(&[
        "check",
        "--from",
        "SCCP41.8-5-2S",
        "--to",
        "SIP41.9-4-2SR3-1S",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.starts_with("SAFE:"), "{stdout}");
    // Another family's load is refused for the model named.
    let (code, stdout, _) = run(&[
        "check",
        "--model",
        "7911",
        "--from",
        "SCCP11.8-5-2S",
        "--to",
        "SCCP41.9-4-2SR3-1S",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains("J8"), "{stdout}");
}

#[test]
fn family_plans_in_json_have_stable_names() {
    let stdout = stdout_of(
        &[
            "plan",
            "--model",
            "7961",
            "--from",
            "SCCP41.8-3-1S",
            "--to",
            "SIP41.9-4-2SR3-1S",
            "--format",
            "json",
        ],
        0,
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["model"], "7961");
    assert_eq!(json["stages"][0]["to"]["id"], "SCCP41.8-5-2S");
    assert_eq!(json["stages"][0]["rule"]["id"], "J2");
    assert_eq!(json["stages"][1]["to"]["key"], "new");
    assert_eq!(json["stages"][1]["files"][0]["file"], "SEP<MAC>.cnf.xml");
    assert_eq!(json["stages"][1]["firmware_known"], true);
}

#[test]
fn inputs_that_do_not_fit_are_usage_errors_that_say_what_to_type() {
    for (args, says) in [
        (
            &[
                "plan",
                "--model",
                "7940",
                "--from",
                "SCCP41.8-5-2S",
                "--to",
                "SIP41.9-4-2SR3-1S",
            ][..],
            "such as --model 7941",
        ),
        (
            &[
                "plan",
                "--model",
                "7911",
                "--from",
                "SCCP41.8-5-2S",
                "--to",
                "SIP41.9-4-2SR3-1S",
            ][..],
            "a 7911G runs the loads named SCCP11... and SIP11...",
        ),
        (
            &[
                "plan",
                "--model",
                "7961",
                "--from",
                "P00308010200",
                "--to",
                "SIP41.9-4-2SR3-1S",
            ][..],
            "phoneup identify P00308010200",
        ),
        (
            &[
                "plan",
                "--from",
                "SCCP41.8-5-2S",
                "--to",
                "SIP41.9-4-2SR3-1S",
                "--via",
                "SCCP41.8-5-2S",
            ][..],
            "--via, --avoid and --tftp-root plan the 7940/7960 only",
        ),
    ] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

/// MCLEAN-CTLSEP's root: the SEP file of a 7961G names an SCCP 8 load, whose manifest and (stand-in)
/// components are there.
fn mclean_root(test: &Test) -> String {
    let dir = test.dir(
        "root",
        &[
            (
                "SEP0018B9FFFFFF.cnf.xml",
                b"<device><loadInformation>SCCP41.8-3-1S</loadInformation></device>",
            ),
            (
                "SCCP41.8-3-1S.loads",
                b"SCCP41.8-3-1S.loads\r\njar41sccp.8-3-0-50.sbn \r\ncnu41.8-3-0-50.sbn\r\napps41.8-3-0-50.sbn\r\ndsp41.8-3-0-50.sbn \r\ncvm41sccp.8-3-0-50.sbn \r\n",
            ),
            ("jar41sccp.8-3-0-50.sbn", b"stand-in"),
            ("cnu41.8-3-0-50.sbn", b"stand-in"),
            ("apps41.8-3-0-50.sbn", b"stand-in"),
            ("dsp41.8-3-0-50.sbn", b"stand-in"),
            ("cvm41sccp.8-3-0-50.sbn", b"stand-in"),
        ],
    );
    dir.display().to_string()
}

#[test]
fn family_simulate_mclean_ctlsep_loop_on_a_wrong_error_server_text() {
    let test = Test::named("mclean-ctlsep");
    let root = mclean_root(&test);
    let (code, stdout, stderr) = run(&[
        "simulate",
        "--model",
        "7961",
        "--from",
        "TERM41.7-0-3-0S",
        "--tftp-root",
        &root,
        "--server-answers",
        "wrong-error",
    ]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn family_simulate_mclean_ctlsep_too_far_jump_text() {
    let test = Test::named("mclean-ctlsep");
    let root = mclean_root(&test);
    let (code, stdout, stderr) = run(&[
        "simulate",
        "--model",
        "7961",
        "--from",
        "TERM41.7-0-3-0S",
        "--tftp-root",
        &root,
    ]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn simulate_an_old_key_phone_pointed_past_the_bridge_shows_auth_fail() {
    let test = Test::named("authfail");
    let root = test.dir(
        "root",
        &[
            (
                "SEP0018B9FFFFFF.cnf.xml",
                b"<device><loadInformation>SIP41.9-4-2SR3-1S</loadInformation></device>",
            ),
            ("SIP41.9-4-2SR3-1S.loads", b"jar41sip.9-4-2ES26.sbn\r\n"),
        ],
    );
    let root = root.display().to_string();
    // The model comes from the load ID when --model is left out.
    let (code, stdout, _) = run(&["simulate", "--from", "SCCP41.8-3-1S", "--tftp-root", &root]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("Simulating SCCP41.8-3-1S on a 7941G\n"),
        "{stdout}"
    );
    assert!(stdout.contains("\"Auth Fail\""), "{stdout}");
    assert!(stdout.contains("stage plain 8.5(2)"), "{stdout}");
    // Over the wire it boots from a real server (tests/phoneup/family_wire.rs); --bind is for
    // that only.
    let (code, _, stderr) = run(&[
        "simulate",
        "--model",
        "7961",
        "--from",
        "SCCP41.8-3-1S",
        "--tftp-root",
        &root,
        "--bind",
        "127.0.0.1",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--bind and --file-deadline are for --server HOST[:PORT]"),
        "{stderr}"
    );
}

#[test]
fn inventory_calls_a_79x1_package_complete_when_its_manifest_and_components_are_there() {
    let test = Test::named("inventory");
    let manifest: &[u8] = b"SIP41.9-4-2SR3-1S.loads\r\njar41sip.9-4-2ES26.sbn\r\ncnu41.9-4-2ES26.sbn\r\napps41.9-4-2ES26.sbn\r\ndsp41.9-4-2ES26.sbn \r\ncvm41sip.9-4-2ES26.sbn \r\n";
    let mut files: Vec<(&str, &[u8])> = vec![
        ("SIP41.9-4-2SR3-1S.loads", manifest),
        ("term61.default.loads", manifest),
        ("jar41sip.9-4-2ES26.sbn", b"x"),
        ("cnu41.9-4-2ES26.sbn", b"x"),
        ("apps41.9-4-2ES26.sbn", b"x"),
        ("cvm41sip.9-4-2ES26.sbn", b"x"),
    ];
    let dir = test.dir("partial", &files);
    let (_, stdout, _) = run(&["inventory", "--tftp-root", &dir.display().to_string()]);
    assert!(
        stdout.contains("SIP41.9-4-2SR3-1S (7941/7961, SIP 9.4(2)SR3) partial"),
        "{stdout}"
    );
    assert!(stdout.contains("missing: dsp41.9-4-2ES26.sbn"), "{stdout}");
    files.push(("dsp41.9-4-2ES26.sbn", b"x"));
    let dir = test.dir("complete", &files);
    let (_, stdout, _) = run(&["inventory", "--tftp-root", &dir.display().to_string()]);
    assert!(stdout.contains("SIP 9.4(2)SR3) complete"), "{stdout}");
    assert!(
        stdout.contains("term files: term61.default.loads"),
        "{stdout}"
    );
    assert!(!stdout.contains("unknown files"), "{stdout}");
}
