//! A Java-based phone (the 7961G) against a real TFTP server on loopback (phoneup's own sender in
//! the test's wrong or right server; stand-in packages, never Cisco files): `simulate --server`
//! reproduces MCLEAN-CTLSEP's loop and names the server's fix; `probe --model 7961` catches the
//! wrong answer, and with a plan checks the first stage's files and replays it over the wire.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::card::{json_of, kinds, run_output};
use super::loopback::{Wrong, WrongServer};
use super::support::{package, Test, BRIDGE};

const MAC: &str = "0018B9ABCDEF";
const FROM: &str = "SCCP41.8-3-1S";
const TO: &str = "SIP41.9-4-2SR3-1S";
/// MCLEAN-CTLSEP's SCCP 8.3(1) package, with stand-in components.
const MCLEAN_831: &str = "SCCP41.8-3-1S.loads\r\njar41sccp.8-3-0-50.sbn \r\ncnu41.8-3-0-50.sbn\r\napps41.8-3-0-50.sbn\r\ndsp41.8-3-0-50.sbn \r\ncvm41sccp.8-3-0-50.sbn \r\n";

/// Writes a package's `.loads`, its components and the 7961G's term file into `dir`.
fn put_package(dir: &Path, manifest: &str) {
    for (name, bytes) in package(manifest, true) {
        fs::write(dir.join(name), bytes).unwrap();
    }
}

fn root(test: &Test, name: &str, manifest: &str, sep_load: &str) -> PathBuf {
    let sep = format!("SEP{MAC}.cnf.xml");
    let text = format!("<device><loadInformation>{sep_load}</loadInformation></device>");
    let dir = test.dir(name, &[(sep.as_str(), text.as_bytes())]);
    put_package(&dir, manifest);
    dir
}

/// The `fields` of each item of `list`, joined with a space: `stage_file_missing dsp41...`.
fn field_of(list: &Value, fields: &[&str]) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let values: Vec<&str> = fields.iter().map(|f| item[f].as_str().unwrap()).collect();
            values.join(" ")
        })
        .collect()
}

fn probe(server: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "probe", "--server", server, "--mac", MAC, "--model", "7961", "--format", "json",
    ];
    args.extend(extra);
    let output = run_output(&args);
    (output.status.code().unwrap_or(-1), json_of(&output))
}

#[test]
fn simulate_server_reproduces_mcleans_ctlsep_loop_and_names_the_servers_fix() {
    let test = Test::named("family-wire-seed");
    let dir = root(&test, "root", MCLEAN_831, FROM);
    let wrong = WrongServer::start(&dir, Wrong::MissingAnswered(2));
    let args = |server: &str| -> Vec<String> {
        [
            "simulate",
            "--model",
            "7961",
            "--from",
            "TERM41.7-0-3-0S",
            "--server",
            server,
            "--mac",
            MAC,
            "--format",
            "json",
        ]
        .map(String::from)
        .to_vec()
    };
    let output = phoneup_output(&args(&wrong.server()));
    assert_eq!(output.0, 1, "{}", output.1);
    let simulation: Value = serde_json::from_str(&output.1).unwrap();
    assert_eq!(simulation["ending"], "loop");
    let requests = simulation["boots"][0]["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests
        .iter()
        .all(|r| r["file"] == format!("CTLSEP{MAC}.tlv")
            && r["answer"] == "error 2 (Access violation)"));
    let fix = simulation["fix"].as_str().unwrap();
    assert!(
        fix.starts_with(&format!("The server answers CTLSEP{MAC}.tlv with TFTP error 2 (Access violation) instead of error 1")),
        "{fix}"
    );
    // Every request went over the wire.
    assert_eq!(wrong.requests.lock().unwrap().len(), 3);
    // The same root behind a server that answers error 1: the phone takes the SEP file's load.
    let right = WrongServer::start(&dir, Wrong::MissingAnswered(1));
    let output = phoneup_output(&args(&right.server()));
    let simulation: Value = serde_json::from_str(&output.1).unwrap();
    assert_eq!(simulation["ending"], "settled", "{simulation}");
    assert_eq!(simulation["running"], FROM);
    assert!(
        simulation["notes"][0].as_str().unwrap().contains("rule J9"),
        "{simulation}"
    );
    // A directory and a server at once is a usage error.
    let mut both = args(&right.server());
    both.extend(["--tftp-root".into(), dir.display().to_string()]);
    assert_eq!(phoneup_output(&both).0, 2);
}

fn phoneup_output(args: &[String]) -> (i32, String) {
    let borrowed: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run_output(&borrowed);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn probe_for_a_7961_catches_the_wrong_answer_without_asking_for_os79xx() {
    let test = Test::named("family-wire-probe-wrong");
    let dir = root(&test, "root", MCLEAN_831, FROM);
    let wrong = WrongServer::start(&dir, Wrong::MissingAnswered(2));
    let (code, report) = probe(&wrong.server(), &[]);
    assert_eq!(code, 1);
    assert_eq!(kinds(&report), ["missing_file_answer"]);
    let asked = field_of(&report["files"], &["file"]);
    assert_eq!(asked, [format!("CTLSEP{MAC}.tlv")]);
    assert_eq!(
        report["next_step"]["command"],
        format!(
            "phoneup probe --server {} --mac {MAC} --model 7961",
            wrong.server()
        )
    );
}

#[test]
fn probe_checks_the_first_stage_and_replays_it_over_the_wire() {
    let test = Test::named("family-wire-probe-stage");
    let dir = root(&test, "root", BRIDGE, "SCCP41.8-5-2S");
    put_package(&dir, MCLEAN_831);
    // term61 as the bridge's package leaves it.
    fs::write(dir.join("term61.default.loads"), BRIDGE).unwrap();
    let server = WrongServer::start(&dir, Wrong::MissingAnswered(1));
    let plan = ["--from", FROM, "--to", TO];
    let (code, report) = probe(&server.server(), &plan);
    // Stage 1 is right; stage 2's firmware is not on the server yet.
    let missing = field_of(&report["findings"], &["kind", "file"]);
    assert_eq!(code, 1);
    assert_eq!(
        missing[0], "stage_file_missing SIP41.9-4-2SR3-1S.loads",
        "{report}"
    );
    assert!(
        missing.iter().all(|m| m.starts_with("stage_file_missing ")),
        "{report}"
    );
    let asked = field_of(&report["files"], &["file"]);
    for file in [
        "SCCP41.8-5-2S.loads",
        "jar41sccp.stand-in-852.sbn",
        "cvm41sccp.stand-in-852.sbn",
        "term61.default.loads",
    ] {
        assert!(asked.iter().any(|a| a == file), "{file}: {asked:?}");
    }
    // The replay over the wire asked the CTL file again: the answer it got is reused, not asked.
    let ctl = asked.iter().filter(|f| f.starts_with("CTLSEP")).count();
    assert_eq!(ctl, 1, "{asked:?}");

    // Without stage 2's firmware asked for (a plan of one stage), the probe is clean.
    let (code, report) = probe(&server.server(), &["--from", FROM, "--to", "SCCP41.8-5-2S"]);
    assert_eq!((code, kinds(&report).len()), (0, 0), "{report}");
    // Without --model the load implies the family: the 7941G's term file is needed too.
    let output = run_output(&[
        "probe",
        "--server",
        &server.server(),
        "--mac",
        MAC,
        "--from",
        FROM,
        "--to",
        "SCCP41.8-5-2S",
        "--format",
        "json",
    ]);
    let report = json_of(&output);
    assert_eq!(
        field_of(&report["findings"], &["kind", "file"]),
        ["stage_file_missing term41.default.loads"],
        "{report}"
    );

    // The phone's own file naming the old load, a lost component, a foreign term file.
    fs::write(
        dir.join(format!("SEP{MAC}.cnf.xml")),
        format!("<device><loadInformation>{FROM}</loadInformation></device>"),
    )
    .unwrap();
    fs::remove_file(dir.join("dsp41.stand-in-852.sbn")).unwrap();
    fs::write(dir.join("term61.default.loads"), MCLEAN_831).unwrap();
    let (code, report) = probe(&server.server(), &["--from", FROM, "--to", "SCCP41.8-5-2S"]);
    assert_eq!(code, 1);
    let found = field_of(&report["findings"], &["kind", "file"]);
    assert_eq!(
        found,
        [
            format!("stage_file_content SEP{MAC}.cnf.xml"),
            "stage_file_missing dsp41.stand-in-852.sbn".into(),
            "stage_file_content term61.default.loads".into(),
        ],
        "{report}"
    );
    assert!(report["findings"][0]["fix"].as_str().unwrap().contains(
        "phoneup apply --from SCCP41.8-3-1S --to SCCP41.8-5-2S --model 7961 --stage 1 --mac"
    ));

    // Without the SEP file, XMLDefault.cnf.xml must hold the 7961G's element.
    fs::remove_file(dir.join(format!("SEP{MAC}.cnf.xml"))).unwrap();
    put_package(&dir, BRIDGE);
    fs::write(
        dir.join("XMLDefault.cnf.xml"),
        "<Default><loadInformation115 model=\"IP Phone 7941\">SCCP41.8-5-2S</loadInformation115></Default>",
    )
    .unwrap();
    let (_, report) = probe(&server.server(), &["--from", FROM, "--to", "SCCP41.8-5-2S"]);
    assert_eq!(kinds(&report), ["stage_file_content"], "{report}");
    assert!(report["findings"][0]["detail"]
        .as_str()
        .unwrap()
        .starts_with(
            "<loadInformation30018>, the 7961G's element of XMLDefault.cnf.xml, names nothing"
        ));

    // Two elements for the 7961G: the file check reads it as the phone model does (the first,
    // its own load), so the probe names the element, not only a replay that stays.
    fs::write(
        dir.join("XMLDefault.cnf.xml"),
        format!("<Default><loadInformation30018 model=\"IP Phone 7961\">{FROM}</loadInformation30018><loadInformation30018 model=\"IP Phone 7961\">SCCP41.8-5-2S</loadInformation30018></Default>"),
    )
    .unwrap();
    let (_, report) = probe(&server.server(), &["--from", FROM, "--to", "SCCP41.8-5-2S"]);
    assert_eq!(kinds(&report), ["stage_file_content"], "{report}");
    assert!(report["findings"][0]["detail"]
        .as_str()
        .unwrap()
        .starts_with(&format!("<loadInformation30018>, the 7961G's element of XMLDefault.cnf.xml, names {FROM}, and stage 1")));
}

#[test]
fn a_stage_the_replay_does_not_see_settle_is_found_with_the_servers_fix() {
    // From SIP 9.4(2)SR3 the phone asks for its ITL files too (MERRICKS, AIOS7962): a server
    // that answers those wrongly loops it, which only the replay over the wire asks.
    let test = Test::named("family-wire-itl");
    let to = "SCCP41.9-4-2SR3-1S";
    let dir = root(
        &test,
        "root",
        &MCLEAN_831
            .replace(FROM, to)
            .replace("8-3-0-50", "9-4-2ES26"),
        to,
    );
    let server = WrongServer::start(&dir, Wrong::MissingStartingWith("ITL", 2));
    let (code, report) = probe(&server.server(), &["--from", TO, "--to", to]);
    assert_eq!(code, 1);
    assert_eq!(kinds(&report), ["stage_does_not_settle"], "{report}");
    let finding = &report["findings"][0];
    let detail = finding["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("the phone model (7961G) booting stage 1 (SIP41.9-4-2SR3-1S -> SCCP41.9-4-2SR3-1S) from this server loops on SIP41.9-4-2SR3-1S instead of settling on SCCP41.9-4-2SR3-1S: boot 1 on SIP41.9-4-2SR3-1S: started over"),
        "{detail}"
    );
    let fix = finding["fix"].as_str().unwrap();
    assert!(
        fix.starts_with(&format!(
            "The server answers ITLSEP{MAC}.tlv with TFTP error 2"
        )),
        "{fix}"
    );
    assert!(
        fix.ends_with(&format!("Each boot as the phone sees it: phoneup simulate --from SIP41.9-4-2SR3-1S --server {} --mac {MAC} --model 7961.", server.server())),
        "{fix}"
    );
}

#[test]
fn probe_with_no_plan_says_why_and_names_the_check_for_the_same_phone() {
    // Refused before anything is sent (the address is never asked).
    let (code, _, stderr) = Test::new().run(&[
        "probe",
        "--server",
        "127.0.0.1:9",
        "--model",
        "7961",
        "--from",
        "SCCP41.8-3-1S",
        "--to",
        "SIP70.9-4-2SR3-1S",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("so no stage to probe for: the jump is refused (rule J8"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "then run: phoneup check --from SCCP41.8-3-1S --to SIP70.9-4-2SR3-1S --model 7961\n"
        ),
        "{stderr}"
    );
}

/// Hostile files: this many names in one `.loads` or term file.
const HOSTILE_NAMES: usize = 100_000;

#[test]
fn a_manifest_and_a_term_file_listing_a_hundred_thousand_names_are_not_asked_for_each() {
    let test = Test::named("family-wire-hostile");
    let to = "SCCP41.8-5-2S";
    let sep = format!("SEP{MAC}.cnf.xml");
    let text = format!("<device><loadInformation>{to}</loadInformation></device>");
    let dir = test.dir("root", &[(sep.as_str(), text.as_bytes())]);
    let names: String = (0..HOSTILE_NAMES)
        .map(|i| format!("x{i}.sbn\r\n"))
        .collect();
    fs::write(dir.join(format!("{to}.loads")), &names).unwrap();
    fs::write(dir.join("term61.default.loads"), &names).unwrap();
    let server = WrongServer::start(&dir, Wrong::MissingAnswered(1));
    let started = std::time::Instant::now();
    let (code, report) = probe(&server.server(), &["--from", FROM, "--to", to]);
    let took = started.elapsed();
    assert_eq!(code, 1, "{report}");
    let asked = server.requests.lock().unwrap().len();
    // The CTLSEP file, the SEP file, the .loads, two term files: read as listing no component
    // beyond 64, neither names one to ask for.
    assert!(asked <= 64, "{asked} requests");
    assert!(
        !field_of(&report["files"], &["file"])
            .iter()
            .any(|f| f.starts_with('x')),
        "{report}"
    );
    assert!(took < std::time::Duration::from_secs(30), "{took:?}");
}
