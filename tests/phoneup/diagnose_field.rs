//! `phoneup diagnose` on logs as users have them (tests/fixtures/logs/README.md says where
//! each shape was seen): FreePBX's in.tftpd under xinetd, a log a mail archive broke in two, a
//! web page's that lost its addresses, PumpKIN's, packet lists of Wireshark and tshark, other
//! models' boots, and servers phoneup does not know, read by the fallback. What the user sees is
//! a snapshot for each; the findings and the phones are checked besides.

use serde_json::Value;

use super::diagnose::{diagnose, eras, finding, findings, log, notes, phone};
use super::support::run;

/// What `phoneup diagnose FIXTURE` prints (text): the exit code and standard output.
fn text(fixture: &str) -> (i32, String) {
    let (code, stdout, stderr) = run(&["diagnose", &log(fixture)]);
    assert!(stderr.is_empty(), "{stderr}");
    (code, stdout)
}

/// Every file name of every request of every phone.
fn requested(report: &Value) -> Vec<String> {
    report["phones"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["boots"].as_array().unwrap())
        .flat_map(|b| b["requests"].as_array().unwrap())
        .map(|r| r["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_shape_reads_as_the_user_sees_it() {
    for (fixture, code) in [
        ("freepbx-xinetd.messages", 1),
        ("freepbx-mail.txt", 0),
        ("tftpd-hpa-address-dropped.syslog", 1),
        ("other-models.syslog", 1),
        ("7961-reset.syslog", 1),
        ("pumpkin.log", 1),
        ("wireshark-forum.txt", 1),
        ("wireshark-export.csv", 1),
        ("tftpd-hpa.tshark", 1),
        ("fbtftp.stderr", 1),
        ("erlang-tftp.stdout", 1),
    ] {
        let (got, shown) = text(fixture);
        assert_eq!(got, code, "{fixture}:\n{shown}");
        insta::assert_snapshot!(format!("diagnose_field_{fixture}"), shown);
    }
}

#[test]
fn freepbx_answers_are_read_and_xinetd_names_its_clients_and_refusals() {
    let (code, report) = diagnose(&[&log("freepbx-xinetd.messages")]);
    assert_eq!(code, 1);
    let good = phone(&report, "10.20.0.31");
    let outcomes: Vec<&str> = good["boots"][0]["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["not_found", "sent", "sent", "sent", "sent", "sent", "sent"]
    );
    assert_eq!(
        eras(good),
        [("ual_application".into(), Some("P0S3-8-12-00".into()))]
    );
    assert_eq!(
        findings(&report),
        [finding(
            "10.20.0.32",
            "request_loop",
            "SEP0018B9AA0032.cnf.xml",
            5
        )]
        .into()
    );
    assert!(report["findings"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("never finished"));
    let notes = notes(&report);
    assert!(!notes.contains("no answers"), "{notes}");
    assert!(
        notes.contains("xinetd refused 1 TFTP connection(s) (FAIL: libwrap; from 10.20.0.40)"),
        "{notes}"
    );
    assert_eq!(report["sources"]["xinetd"], 3);
}

#[test]
fn lines_a_mail_archive_broke_are_joined_and_never_make_an_empty_name_or_a_loop() {
    let (code, broken) = diagnose(&[&log("freepbx-mail.txt")]);
    assert_eq!(code, 0, "{broken:#}");
    assert_eq!(broken["findings"], serde_json::json!([]));
    assert_eq!(broken["lines_joined"], 15);
    assert!(requested(&broken).iter().all(|f| !f.trim().is_empty()));
    // The same boot as the unbroken log's first phone, on other lines.
    let (_, whole) = diagnose(&[&log("freepbx-xinetd.messages")]);
    let boots = |report: &Value| {
        let mut boots = phone(report, "10.20.0.31")["boots"].clone();
        for boot in boots.as_array_mut().unwrap() {
            let boot = boot.as_object_mut().unwrap();
            boot.remove("first_line");
            boot.remove("last_line");
            for request in boot["requests"].as_array_mut().unwrap() {
                request.as_object_mut().unwrap().remove("line");
            }
        }
        boots
    };
    assert_eq!(boots(&broken), boots(&whole));
    let notes = notes(&broken);
    assert!(notes.contains("5 line(s) were cut short"), "{notes}");
}

#[test]
fn a_log_that_lost_its_addresses_still_shows_the_7906s_loop() {
    let (code, report) = diagnose(&[&log("tftpd-hpa-address-dropped.syslog")]);
    assert_eq!(code, 1);
    let phones = report["phones"].as_array().unwrap();
    assert_eq!(phones.len(), 1);
    assert_eq!(phones[0]["era"], "other_phone");
    assert_eq!(phones[0]["other_phone"], "7906");
    let found = &report["findings"][0];
    assert_eq!(
        (&found["kind"], &found["file"], &found["count"]),
        (
            &Value::from("request_loop"),
            &Value::from("term06.default.loads"),
            &Value::from(6)
        )
    );
    let detail = found["detail"].as_str().unwrap();
    assert!(
        detail.contains("a 7906's file, not a 7940/7960's"),
        "{detail}"
    );
    assert!(detail.contains("more than one phone's"), "{detail}");
}

#[test]
fn other_models_are_named_never_a_7940_7960_hunt() {
    let (_, report) = diagnose(&[&log("other-models.syslog")]);
    for (client, model) in [("192.168.10.57", "7911"), ("192.168.10.58", "79x1")] {
        let phone = phone(&report, client);
        assert_eq!(phone["other_phone"], model, "{phone:#}");
        for boot in phone["boots"].as_array().unwrap() {
            assert_eq!(boot["era"], "other_phone", "{boot:#}");
        }
    }
    let (_, shown) = text("other-models.syslog");
    assert!(!shown.contains("UAL"), "{shown}");
    assert!(!shown.contains("Universal Application Loader"), "{shown}");
    // phoneup plans the 79x1 family: each is named by its model, with the command that plans
    // it; a finding on a family's file names the model the phone's boots show (a 7911's
    // term11.default.loads, then Jar11sip, a 7906/7911 file).
    assert!(!shown.contains("not planned"), "{shown}");
    assert!(
        shown.contains("runs a 7911 load or hunt (`phoneup plan --model 7911` plans it)"),
        "{shown}"
    );
    assert!(
        shown.contains("Jar11sip.8-2-2ES4.sbn is a 7906/7911 file, not a 7940/7960's: `phoneup plan --model 7911 --from <its App Load ID> --to <the load you want>` plans that phone's upgrade"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "a 79x1 phone's hunt (7906 to 7975; `phoneup plan --model <its model>` plans it)"
        ),
        "{shown}"
    );
    // A 7961G after a factory reset: named by its model throughout, never a 7940/7960 hunt.
    let (_, report) = diagnose(&[&log("7961-reset.syslog")]);
    let phone = phone(&report, "10.1.2.61");
    assert_eq!(phone["other_phone"], "7961", "{phone:#}");
    let (_, shown) = text("7961-reset.syslog");
    assert!(!shown.contains("not planned"), "{shown}");
    assert!(!shown.contains("UAL"), "{shown}");
    assert!(
        shown.contains("10.1.2.61 (MAC 001AA1F3C061)  runs a 7961 load or hunt (`phoneup plan --model 7961` plans it)"),
        "{shown}"
    );
    assert!(
        shown.contains("term61.default.loads is a 7961's file, not a 7940/7960's: `phoneup plan --model 7961 --from <its App Load ID> --to <the load you want>` plans that phone's upgrade"),
        "{shown}"
    );
}

/// A finding on a trust list names the model the phone's earlier boot showed (a 7961's
/// `term61.default.loads`), not "its model", which a trust list alone leaves open.
#[test]
fn a_trust_list_loop_names_the_model_an_earlier_boot_showed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("7961-itl.syslog");
    let mut log = String::from(
        "Dec  7 09:00:00 pbx in.tftpd[1]: RRQ from 10.1.2.62 filename term61.default.loads\n\
         Dec  7 09:05:00 pbx in.tftpd[2]: RRQ from 10.1.2.62 filename CTLSEP001AA1F3C062.tlv\n",
    );
    for pid in 3..7 {
        log.push_str(&format!(
            "Dec  7 09:05:0{pid} pbx in.tftpd[{pid}]: RRQ from 10.1.2.62 filename ITLSEP001AA1F3C062.tlv\n"
        ));
    }
    std::fs::write(&path, log).unwrap();
    let (_, shown, _) = run(&["diagnose", path.to_str().unwrap()]);
    assert!(
        shown.contains("ITLSEP001AA1F3C062.tlv is a file 79x1 phones ask for (7906 to 7975), not a 7940/7960's: `phoneup plan --model 7961 --from <its App Load ID> --to <the load you want>` plans that phone's upgrade"),
        "{shown}"
    );
}

#[test]
fn pumpkin_says_finished_after_an_error_too_and_the_report_says_so() {
    let (_, report) = diagnose(&[&log("pumpkin.log")]);
    assert_eq!(
        findings(&report),
        [
            finding(
                "10.9.0.21",
                "transfer_incomplete",
                "SEP0018B9AA0021.cnf.xml",
                1
            ),
            finding("10.9.0.21", "request_loop", "CTLSEP0018B9AA0021.tlv", 6),
        ]
        .into()
    );
    let notes = notes(&report);
    assert!(notes.contains("also after an error it answered"), "{notes}");
    assert!(notes.contains("3 time(s) a phone asked again"), "{notes}");
}

#[test]
fn a_packet_list_reads_the_same_as_text_and_as_csv() {
    let (code, listed) = diagnose(&[&log("tftpd-hpa.tshark")]);
    let (_, csv) = diagnose(&[&log("tftpd-hpa.tshark-fields.csv")]);
    assert_eq!(code, 1);
    assert_eq!(findings(&listed), findings(&csv));
    assert_eq!(
        findings(&listed),
        [
            finding("127.0.0.12", "request_loop", "CTLSEP0018B9000002.tlv", 6),
            finding("127.0.0.14", "request_loop", "SIP0018B9000004.cnf", 4),
        ]
        .into()
    );
    let eras_of = |report: &Value| eras(phone(report, "127.0.0.11"));
    assert_eq!(eras_of(&listed), eras_of(&csv));
    assert_eq!(
        eras_of(&listed).last().unwrap(),
        &(
            "ual_application".to_string(),
            Some("P0S3-08-11-00".to_string())
        )
    );
    assert!(listed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["detail"].as_str().unwrap().contains("first blocks")));
    let (_, forum) = diagnose(&[&log("wireshark-forum.txt")]);
    assert_eq!(
        findings(&forum),
        [finding(
            "201.201.201.11",
            "request_loop",
            "CTLSEP0018B9AA0011.tlv",
            5
        )]
        .into()
    );
    let (_, export) = diagnose(&[&log("wireshark-export.csv")]);
    assert_eq!(
        findings(&export),
        [finding(
            "192.0.2.57",
            "transfer_incomplete",
            "P003-08-11-00.sbn",
            1
        )]
        .into()
    );
}

#[test]
fn the_fallback_finds_the_loops_of_servers_phoneup_does_not_know() {
    for fixture in ["fbtftp.stderr", "erlang-tftp.stdout"] {
        let (code, report) = diagnose(&[&log(fixture)]);
        assert_eq!(code, 1);
        assert_eq!(
            findings(&report),
            [
                finding("127.0.0.12", "request_loop", "CTLSEP0018B9000002.tlv", 6),
                finding("127.0.0.14", "request_loop", "SIP0018B9000004.cnf", 4),
            ]
            .into(),
            "{fixture}"
        );
        let sources: Vec<&String> = report["sources"].as_object().unwrap().keys().collect();
        assert_eq!(sources, ["fallback (a server phoneup does not know)"]);
        assert!(notes(&report).contains("read by the fallback"));
        assert_eq!(
            eras(phone(&report, "127.0.0.11"))
                .last()
                .unwrap()
                .1
                .as_deref(),
            Some("P0S3-08-11-00"),
            "{fixture}"
        );
    }
}
