//! `phoneup diagnose` on logs of real servers (tests/fixtures/logs, made by make-fixtures.sh
//! from tftpd-hpa, atftpd and dnsmasq on loopback, through rsyslog, journald and the servers'
//! own files) and on the seeds' logs: the right findings for each phone, and nothing else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::support::{phoneup, run, Test};

pub(super) fn log(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/logs")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// `diagnose ARGS --format json`: exit code and the report.
pub(super) fn diagnose(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["diagnose"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, stdout, stderr) = run(&all);
    assert!(stderr.is_empty(), "{stderr}");
    (code, serde_json::from_str(&stdout).expect("JSON"))
}

/// (client, kind, file, count) of every finding, sorted.
pub(super) fn findings(report: &Value) -> BTreeSet<(String, String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["client"].as_str().unwrap_or("-").to_string(),
                f["kind"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

pub(super) fn finding(
    client: &str,
    kind: &str,
    file: &str,
    count: u64,
) -> (String, String, String, u64) {
    (client.into(), kind.into(), file.into(), count)
}

pub(super) fn phone<'a>(report: &'a Value, client: &str) -> &'a Value {
    report["phones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["client"] == client)
        .unwrap_or_else(|| panic!("no phone {client} in {report:#}"))
}

/// The era of each boot, and what runs at each.
pub(super) fn eras(phone: &Value) -> Vec<(String, Option<String>)> {
    phone["boots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["era"].as_str().unwrap().to_string(),
                b["running"].as_str().map(str::to_string),
            )
        })
        .collect()
}

pub(super) fn notes(report: &Value) -> String {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

const CLEAN: &str = "127.0.0.11";
const LOOP: &str = "127.0.0.12";
const CR: &str = "127.0.0.13";
const SILENT: &str = "127.0.0.14";
const CR_NAME: &str = "P0S3-06-3-00\r.bin";
const SILENT_FILE: &str = "SIP0018B9000004.cnf";

/// The clean upgrade, when the log shows which files were sent: SCCP 3.1 takes SIP 6.3, which
/// takes the loader, which takes SIP 8.11, which comes up.
fn assert_clean_upgrade(report: &Value) {
    let clean = phone(report, CLEAN);
    assert_eq!(clean["mac"], "0018B9000001");
    let expected: Vec<(String, Option<String>)> = vec![
        ("pre_ual".into(), None),
        ("old_sip".into(), Some("P0S3-06-3-00".into())),
        ("loader".into(), Some("P003-08-11-00".into())),
        ("ual_application".into(), Some("P0S3-08-11-00".into())),
    ];
    assert_eq!(eras(clean), expected, "{clean:#}");
    assert_eq!(clean["boots"][3]["application_up"], true);
    assert_eq!(clean["findings"], serde_json::json!([]));
}

#[test]
fn tftpd_hpa_through_rsyslog() {
    let (code, report) = diagnose(&[&log("tftpd-hpa.syslog")]);
    assert_eq!(code, 1);
    assert_eq!(report["lines_unrecognised"], 0);
    assert_clean_upgrade(&report);
    assert_eq!(
        findings(&report),
        BTreeSet::from([
            finding(CR, "name_has_cr_or_space", CR_NAME, 2),
            finding(SILENT, "request_loop", SILENT_FILE, 4),
        ])
    );
    // tftpd-hpa logs nothing for a transfer whose ACKs never come: the loop is all there is.
    let loop_detail = report["findings"][1]["detail"].as_str().unwrap();
    assert!(
        loop_detail.contains("tftpd-hpa logs no transfer's end"),
        "{loop_detail}"
    );
}

#[test]
fn tftpd_hpa_through_journald_in_every_output_mode() {
    for mode in [
        "journal-short",
        "journal-short-iso",
        "journal-short-precise",
        "journal-json",
    ] {
        let (code, report) = diagnose(&[&log(&format!("tftpd-hpa.{mode}"))]);
        assert_eq!(code, 1, "{mode}");
        assert_clean_upgrade(&report);
        // journald's own lines are counted, not recognised.
        assert_eq!(report["lines_unrecognised"], 3, "{mode}");
        let mut expected = BTreeSet::from([finding(SILENT, "request_loop", SILENT_FILE, 4)]);
        if mode == "journal-json" {
            // The CR is in MESSAGE, given as bytes.
            expected.insert(finding(CR, "name_has_cr_or_space", CR_NAME, 2));
        } else {
            // journalctl shows "[46B blob data]" instead: the log cannot show the name.
            assert!(
                notes(&report).contains("journalctl hid 2 message(s)"),
                "{mode}"
            );
        }
        assert_eq!(findings(&report), expected, "{mode}");
    }
}

#[test]
fn tftpd_hpa_without_secure_answers_error_2_and_the_phone_loops() {
    let (code, report) = diagnose(&[&log("tftpd-hpa-nosecure.syslog-traditional")]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        BTreeSet::from([
            finding(LOOP, "request_loop", "CTLSEP0018B9000002.tlv", 6),
            finding(LOOP, "wrong_error_code", "CTLSEP0018B9000002.tlv", 6),
        ])
    );
    let text = run(&["diagnose", &log("tftpd-hpa-nosecure.syslog-traditional")]).1;
    assert!(
        text.contains("error 2 (Only absolute filenames allowed)"),
        "{text}"
    );
    assert!(text.contains("TFTP_OPTIONS=\"--secure -v -v\""), "{text}");
}

#[test]
fn tftpd_hpa_at_debians_default_verbosity_says_what_it_cannot_show() {
    let (code, report) = diagnose(&[&log("tftpd-hpa-default.journal-short")]);
    // No request in the log is no clean bill of health: a script reads exit 0 as "all fine".
    assert_eq!(code, 1);
    assert_eq!(report["phones"], serde_json::json!([]));
    assert_eq!(
        findings(&report),
        BTreeSet::from([finding("-", "no_requests", "", 1)])
    );
    let only = &report["findings"][0];
    assert!(
        only["detail"]
            .as_str()
            .unwrap()
            .contains("tftpd-hpa writes a request line only with -v"),
        "{only:#}"
    );
    assert!(
        only["fix"]
            .as_str()
            .unwrap()
            .starts_with("set TFTP_OPTIONS=\"--secure -v -v\" in /etc/default/tftpd-hpa"),
        "{only:#}"
    );
    let (_, text, _) = run(&["diagnose", &log("tftpd-hpa-default.journal-short")]);
    assert!(!text.contains("No findings"), "{text}");
    assert!(text.contains("no_requests  the whole input"), "{text}");
    let notes = notes(&report);
    assert!(
        notes.contains("Debian's default (TFTP_OPTIONS=\"--secure\") logs neither"),
        "{notes}"
    );
    assert!(
        notes.contains("1 tftpd-hpa line(s) about transfers name no request"),
        "{notes}"
    );
}

/// What atftpd's requests alone show: the loop whose answers are lost, the CR, the silent loop.
fn atftpd_findings() -> BTreeSet<(String, String, String, u64)> {
    BTreeSet::from([
        finding(LOOP, "request_loop", "CTLSEP0018B9000002.tlv", 6),
        finding(CR, "name_has_cr_or_space", CR_NAME, 2),
        finding(SILENT, "request_loop", SILENT_FILE, 4),
    ])
}

#[test]
fn atftpd_through_syslog_and_its_own_log_file() {
    for file in ["atftpd.syslog-traditional", "atftpd.logfile"] {
        let (code, report) = diagnose(&[&log(file)]);
        assert_eq!(code, 1, "{file}");
        assert_eq!(report["lines_unrecognised"], 0, "{file}");
        assert_clean_upgrade(&report);
        let mut expected = atftpd_findings();
        expected.insert(finding(SILENT, "transfer_incomplete", SILENT_FILE, 4));
        assert_eq!(findings(&report), expected, "{file}");
        // atftpd answered error 1 each time: the answers are lost on the way (TCG-7960).
        let details: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["detail"].as_str().unwrap())
            .collect();
        assert!(
            details
                .iter()
                .any(|d| d.contains("although the server answered each time with error 1")),
            "{details:?}"
        );
    }
}

#[test]
fn atftpd_at_debians_default_verbosity_shows_requests_only() {
    let (code, report) = diagnose(&[&log("atftpd-default.syslog")]);
    assert_eq!(code, 1);
    assert!(notes(&report).contains("at Debian's default --verbose=5"));
    // Loops and names show in requests alone; transfers that never end do not.
    assert_eq!(findings(&report), atftpd_findings());
    // Without outcomes, what ran is shown only where the boot itself shows it.
    let clean = phone(&report, CLEAN);
    let expected: Vec<(String, Option<String>)> = vec![
        ("pre_ual".into(), None),
        ("pre_ual".into(), None),
        ("ual_hunt".into(), None),
        ("ual_application".into(), Some("P0S3-08-11-00".into())),
    ];
    assert_eq!(eras(clean), expected);
    assert_eq!(phone(&report, CR)["running"], Value::Null);
}

#[test]
fn dnsmasq_through_syslog_and_its_own_log_file() {
    for file in ["dnsmasq.syslog", "dnsmasq.logfile"] {
        let (code, report) = diagnose(&[&log(file)]);
        assert_eq!(code, 1, "{file}");
        assert_clean_upgrade(&report);
        // dnsmasq logs "cannot access" without the address: the phone is known by the MAC.
        let looping = report["phones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["mac"] == "0018B9000002")
            .unwrap();
        assert_eq!(looping["client"], Value::Null);
        let found = findings(&report);
        assert_eq!(
            found,
            BTreeSet::from([
                finding("-", "request_loop", "CTLSEP0018B9000002.tlv", 6),
                finding("-", "wrong_error_code", "CTLSEP0018B9000002.tlv", 6),
                // dnsmasq drops the CR from the name it logs: without the root, a missing image.
                finding(CR, "missing_file", "P0S3-06-3-00.bin", 2),
                finding(SILENT, "request_loop", SILENT_FILE, 4),
                finding(SILENT, "transfer_incomplete", SILENT_FILE, 4),
            ]),
            "{file}"
        );
        // Without the root the log cannot tell a missing image from a name with a CR that
        // dnsmasq did not log: the finding says both, and how to tell them apart.
        let missing = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "missing_file")
            .unwrap();
        let detail = missing["detail"].as_str().unwrap();
        assert!(
            detail.contains("the TFTP root has no P0S3-06-3-00.bin")
                && detail.contains("a CR after the name (OS79XX.TXT ends its line")
                && detail.contains("cannot tell the two apart"),
            "{detail}"
        );
        let fix = missing["fix"].as_str().unwrap();
        assert!(
            fix.contains("run again with --tftp-root DIR") && fix.contains("`phoneup lint DIR`"),
            "{fix}"
        );
        assert!(
            notes(&report).contains("dnsmasq leaves control characters out of the names it logs"),
            "{file}: {}",
            notes(&report)
        );
    }
}

/// The fixtures' TFTP root, as far as names go.
fn root_with(test: &Test, tag: &str, names: &[&str]) -> PathBuf {
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, &b"x"[..])).collect();
    test.dir(tag, &files)
}

#[test]
fn with_the_root_a_name_dnsmasq_cut_short_and_a_name_in_the_wrong_case() {
    let test = Test::new();
    let root = root_with(
        &test,
        "diagnose-root",
        &["P0S3-06-3-00.bin", "OS79XX.TXT", "sep0018b9000001.cnf.xml"],
    );
    let root = root.to_str().unwrap();
    let (_, report) = diagnose(&[&log("dnsmasq.syslog"), "--tftp-root", root]);
    let found = findings(&report);
    assert!(
        found.contains(&finding(CR, "name_has_cr_or_space", "P0S3-06-3-00.bin", 2)),
        "{found:?}"
    );
    assert!(
        found.contains(&finding(CLEAN, "wrong_case", "SEP0018B9000001.cnf.xml", 2)),
        "{found:?}"
    );
    assert!(!found.iter().any(|f| f.1 == "missing_file"), "{found:?}");
    // With the root the CR is told: no note asks for it.
    assert!(!notes(&report).contains("dnsmasq leaves"), "{report:#}");
}

#[test]
fn markwilson_2008_tftpd32_a_sip_8_2_phone_that_comes_up() {
    let (code, report) = diagnose(&[&log("markwilson-2008.tftpd32.log")]);
    assert_eq!(code, 0);
    assert_eq!(report["lines_unrecognised"], 0);
    let p = phone(&report, "ipaddress");
    assert_eq!(p["mac"], Value::Null, "the seed's log hides the MAC");
    assert_eq!(
        eras(p),
        vec![(
            "ual_application".to_string(),
            Some("P0S3-08-2-00".to_string())
        )]
    );
    assert_eq!(p["boots"][0]["protocol"], "sip");
    assert_eq!(p["boots"][0]["application_up"], true);
    let (_, text, _) = run(&["diagnose", &log("markwilson-2008.tftpd32.log")]);
    insta::assert_snapshot!("diagnose_markwilson_2008_text", text);
}

#[test]
fn fussylogic_7940_atftpd_old_sccp_then_the_loader_then_sip() {
    let (code, report) = diagnose(&[
        &log("fussylogic-7940.atftpd-syslog"),
        "--to",
        "P0S3-08-11-00",
    ]);
    assert_eq!(code, 1);
    assert_eq!(report["lines_unrecognised"], 8, "the dhcpd lines");
    let p = phone(&report, "192.168.1.12");
    assert_eq!(p["mac"], "0018B9FFFFFF");
    assert_eq!(
        eras(p),
        vec![
            ("old_sccp".to_string(), None),
            ("loader".to_string(), None),
            (
                "ual_application".to_string(),
                Some("P0S3-8-12-00".to_string())
            ),
        ]
    );
    // The loader's hunt found nothing ("TFTP file not found" in the seed).
    assert_eq!(
        findings(&report),
        BTreeSet::from([finding(
            "192.168.1.12",
            "missing_file",
            "XMLDefault.cnf.xml",
            1
        )])
    );
    assert_eq!(p["stage"]["status"], "waiting");
    assert_eq!(p["stage"]["plan_from"], "P0S3-8-12-00");
    let (_, text, _) = run(&[
        "diagnose",
        &log("fussylogic-7940.atftpd-syslog"),
        "--to",
        "P0S3-08-11-00",
    ]);
    insta::assert_snapshot!("diagnose_fussylogic_7940_text", text);
}

#[test]
fn the_json_schema() {
    let output = phoneup()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "diagnose",
            "tests/fixtures/logs/markwilson-2008.tftpd32.log",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    insta::assert_snapshot!(
        "diagnose_markwilson_2008_json",
        String::from_utf8(output.stdout).unwrap()
    );
    let (_, report) = diagnose(&[&log("tftpd-hpa-nosecure.syslog-traditional")]);
    let keys: Vec<&String> = report["findings"][0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["client", "count", "detail", "file", "fix", "kind", "lines", "mac"]
    );
}

#[test]
fn a_journal_piped_in_reads_as_the_file() {
    let file = log("tftpd-hpa.journal-short");
    let named = run(&["diagnose", &file, "--to", "P0S3-08-11-00"]);
    let piped = phoneup()
        .args(["diagnose", "--to", "P0S3-08-11-00"])
        .write_stdin(std::fs::read(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(named.0));
    assert_eq!(String::from_utf8(piped.stdout).unwrap(), named.1);
}

#[test]
fn a_journalctl_pipe_and_formats_mixed_in_one_input() {
    let mut mixed = std::fs::read(log("markwilson-2008.tftpd32.log")).unwrap();
    mixed.extend(std::fs::read(log("tftpd-hpa.journal-short")).unwrap());
    mixed.extend(std::fs::read(log("dnsmasq.logfile")).unwrap());
    let output = phoneup()
        .args(["diagnose", "--format", "json"])
        .write_stdin(mixed)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let sources: BTreeSet<&str> = report["sources"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(sources, BTreeSet::from(["Tftpd32", "dnsmasq", "tftpd-hpa"]));
    assert!(report["phones"].as_array().unwrap().len() >= 5);
}

#[test]
fn where_each_phone_is_on_its_plan() {
    let test = Test::new();
    let (_, report) = diagnose(&[&log("tftpd-hpa.syslog"), "--to", "P0S3-08-11-00"]);
    let stage = &phone(&report, CLEAN)["stage"];
    assert_eq!(stage["status"], "done");
    assert_eq!(stage["plan_from"], "P0S3-06-3-00");
    assert_eq!(
        (stage["done"].as_u64(), stage["reboots"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(phone(&report, CR)["stage"]["status"], "unknown");

    // The same log, cut after the loader fetched the application: the last reboot is under way.
    let text = std::fs::read_to_string(log("tftpd-hpa.syslog")).unwrap();
    let second_hunt = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("127.0.0.11 filename CTLSEP"))
        .nth(1)
        .unwrap()
        .0;
    let cut: String = text
        .lines()
        .take(second_hunt)
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = test.dir("diagnose-cut", &[("syslog", cut.as_bytes())]);
    let (_, report) = diagnose(&[
        dir.join("syslog").to_str().unwrap(),
        "--to",
        "P0S3-08-11-00",
    ]);
    let stage = &phone(&report, CLEAN)["stage"];
    assert_eq!(stage["status"], "rebooting", "{stage:#}");
    assert_eq!(stage["done"], 1);
}

#[test]
fn exit_codes_and_bad_input() {
    let test = Test::new();
    let (code, _, stderr) = test.run(&["diagnose", "/nonexistent/syslog"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read /nonexistent/syslog"),
        "{stderr}"
    );
    let dir = test.dir("diagnose-bad", &[("syslog.2.gz", &[0x1f, 0x8b, 8, 0][..])]);
    let (code, _, stderr) = test.run(&["diagnose", dir.join("syslog.2.gz").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("zcat"), "{stderr}");
    let (code, _, stderr) = test.run(&["diagnose", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "a directory: {stderr}");
    let (code, _, stderr) = test.run(&[
        "diagnose",
        &log("markwilson-2008.tftpd32.log"),
        "--to",
        "P9",
    ]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, _) = test.run(&["diagnose", &log("markwilson-2008.tftpd32.log")]);
    assert_eq!(code, 0);
    let (code, _, _) = test.run(&["diagnose", &log("fussylogic-7940.atftpd-syslog")]);
    assert_eq!(code, 1);
}

#[test]
fn junk_is_counted_never_an_error() {
    let mut junk: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    junk.extend_from_slice(
        b"\nNov 21 09:27:15 vm in.tftpd[1]: RRQ from \xff filename \x00\n{\"MESSAGE\":[1,2\n",
    );
    let output = phoneup()
        .args(["diagnose", "--format", "json"])
        .write_stdin(junk)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report["lines_unrecognised"].as_u64().unwrap() > 200);
}

/// `diagnose` with `input` on standard input: exit code, text and the JSON report.
fn piped(input: &[u8]) -> (Option<i32>, String, Value) {
    let text = phoneup()
        .args(["diagnose"])
        .env("NO_COLOR", "1")
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    let json = phoneup()
        .args(["diagnose", "--format", "json"])
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    assert_eq!(text.status.code(), json.status.code());
    (
        text.status.code(),
        String::from_utf8(text.stdout).unwrap(),
        serde_json::from_slice(&json.stdout).unwrap(),
    )
}

#[test]
fn input_that_shows_no_phone_is_said_so_and_exits_1() {
    // Binary junk (3 MB of xorshift bytes), nothing at all, and other programs' lines.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let junk: Vec<u8> = (0..3_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let cron = b"Nov 21 09:27:15 vm CRON[1]: (root) CMD (true)\n".repeat(3);
    for (input, says) in [
        (&junk[..], "is from a TFTP server phoneup reads"),
        (&b""[..], "the input is empty"),
        (
            &cron[..],
            "none of the 3 line(s) read is from a TFTP server",
        ),
    ] {
        let (code, text, report) = piped(input);
        assert_eq!(code, Some(1), "{text}");
        assert!(!text.contains("No findings"), "{text}");
        assert!(text.contains("no_requests  the whole input"), "{text}");
        assert!(text.contains(says), "{text}");
        assert!(text.contains("journalctl -u UNIT"), "{text}");
        assert_eq!(
            findings(&report),
            BTreeSet::from([finding("-", "no_requests", "", 1)])
        );
    }
    // An unreadable log is still an input error.
    assert_eq!(run(&["diagnose", "/nonexistent/syslog"]).0, 2);
}

#[test]
fn an_overlong_line_is_said_skipped_with_the_limit() {
    // A request with a 5 MB name: skipped unread, and the summary says so.
    let mut input = b"Nov 21 09:27:15 vm in.tftpd[1]: RRQ from 127.0.0.1 filename ".to_vec();
    input.resize(5_000_000, b'A');
    input.extend_from_slice(
        b"\nNov 21 09:27:16 vm in.tftpd[2]: RRQ from 127.0.0.1 filename OS79XX.TXT\n",
    );
    let (code, text, report) = piped(&input);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.starts_with(
            "2 lines read (tftpd-hpa 1), 1 not recognised (1 of them 1048576 bytes (1 MiB) or longer, skipped unread)."
        ),
        "{text}"
    );
    assert_eq!(
        (&report["lines_too_long"], &report["max_line_bytes"]),
        (&Value::from(1), &Value::from(1_048_576))
    );
}

/// Five lines `Nov 22 01:36:3N h TEXT` (with `#` in TEXT read as N), each followed by `pair`
/// when given.
fn five_times(text: &str, pair: Option<&str>) -> Vec<u8> {
    let mut log = String::new();
    for n in 1..=5 {
        log.push_str(&format!(
            "Nov 22 01:36:3{n} h {}\n",
            text.replace('#', &n.to_string())
        ));
        if let Some(pair) = pair {
            log.push_str(&format!("Nov 22 01:36:3{n} h {pair}\n"));
        }
    }
    log.into_bytes()
}

#[test]
fn a_request_loop_is_explained_by_what_the_server_answered() {
    let explained = |log: Vec<u8>| -> String {
        let (code, text, _) = piped(&log);
        assert_eq!(code, Some(1), "{text}");
        text.lines()
            .skip_while(|l| !l.starts_with("request_loop"))
            .take(3)
            .collect::<Vec<_>>()
            .join("\n")
    };
    // Sent each time: for a CTL file, the loop VI-FWISSUES reports if it is empty (dnsmasq logs no size).
    let text = explained(five_times(
        "dnsmasq-tftp[35]: sent /srv/tftp/CTLSEP0018B9000009.tlv to 127.0.0.19",
        None,
    ));
    assert!(
        text.contains(
            "logged it as sent each time: if it is empty, that is the loop VI-FWISSUES reports"
        ),
        "{text}"
    );
    assert!(
        text.contains("fix: remove CTLSEP0018B9000009.tlv from the TFTP root"),
        "{text}"
    );
    // Never finished: a firewall.
    let text = explained(five_times(
        "dnsmasq-tftp[35]: failed sending /srv/tftp/SEP0018B9000009.cnf.xml to 127.0.0.19",
        None,
    ));
    assert!(
        text.contains("5 times in a row: its transfers never finished (see transfer_incomplete)"),
        "{text}"
    );
    // tftpd-hpa with -v: requests, no answers, so the cause cannot be told.
    let text = explained(five_times(
        "in.tftpd[35]: RRQ from 127.0.0.19 filename SEP0018B9000009.cnf.xml",
        None,
    ));
    assert!(
        text.contains("5 times in a row; tftpd-hpa logs its answers only with -v -v, so which of the two known causes it is cannot be told"),
        "{text}"
    );
    // atftpd refusing a path with `..`: a rule of the server.
    let text = explained(five_times(
        "atftpd[35]: Serving ../x to 127.0.0.19:4000#",
        Some("atftpd[35]: File name with /../ are forbidden"),
    ));
    assert!(
        text.contains("TFTP error 2 (Access violation)")
            && text.contains("fix: a rule of the server refuses this name"),
        "{text}"
    );
}
