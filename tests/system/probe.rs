//! `phoneup probe` against Debian's tftpd-hpa (on 127.0.0.1 and ::1) and atftpd on loopback,
//! and dnsmasq in a network namespace of the test's own: nothing wrong on a correct root; the
//! stage files a root lacks or names wrongly, OS79XX.TXT as served, an empty CTLSEP file; a
//! server that folds case told apart from a root with two spellings.

use super::card::{
    apply_stage, card_root, check_boot, check_clean_probe, json_of, kinds, loader_stage_root,
    probe_args, run_output, says, simulate_args, CARD, LOADER_STAGE, MAC,
};
use super::loopback::{Wrong, WrongServer};
use super::servers::{in_netns_with_dnsmasq, start_atftpd, start_tftpd_hpa};
use super::support::Test;

#[test]
fn finds_nothing_wrong_with_tftpd_hpa_atftpd_and_dnsmasq_on_a_correct_root() {
    let test = Test::new();
    let root = card_root(&test, "probe-clean");
    apply_stage(&test, &root, "1");
    let tftpd_hpa = start_tftpd_hpa(&root, "127.0.0.1");
    let atftpd = start_atftpd(&root);
    for (name, server) in [
        ("tftpd-hpa", tftpd_hpa.server()),
        ("atftpd", atftpd.server()),
    ] {
        check_clean_probe(&run_output(&probe_args(&server, &[])), name);
        let output = run_output(&probe_args(&server, &CARD));
        check_clean_probe(&output, name);
        // The plan's firmware, every stage's, was asked for with its size.
        let report = json_of(&output);
        let sizes: Vec<_> = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["file"].as_str().unwrap().to_string(), f["size"].clone()))
            .collect();
        for (file, size) in [
            ("P0S3-06-3-00.bin", 3000),
            ("P003-08-11-00.sbn", 4096),
            ("P0S3-08-11-00.sb2", 70_000),
        ] {
            assert!(
                sizes.contains(&(file.into(), size.into())),
                "{name}: {sizes:?}"
            );
        }
    }
    check_clean_probe(
        &in_netns_with_dnsmasq(&root, &probe_args("{SERVER}", &[])),
        "dnsmasq",
    );
    check_clean_probe(
        &in_netns_with_dnsmasq(&root, &probe_args("{SERVER}", &CARD)),
        "dnsmasq",
    );
}

#[test]
fn over_ipv6_loopback_with_the_phone_model() {
    let test = Test::new();
    let root = card_root(&test, "probe-ipv6");
    apply_stage(&test, &root, "1");
    let server = start_tftpd_hpa(&root, "::1");
    check_clean_probe(
        &run_output(&probe_args(&server.server(), &[])),
        "tftpd-hpa on ::1",
    );
    let output = run_output(&simulate_args("P0030301MFG2", &server.server()));
    check_boot(&output, "P0S3-06-3-00", "tftpd-hpa on ::1");
}

#[test]
fn names_the_sb2_a_root_lacks() {
    let test = Test::new();
    let root = card_root(&test, "probe-no-sb2");
    apply_stage(&test, &root, "2");
    std::fs::remove_file(root.join("P0S3-08-11-00.sb2")).unwrap();
    let server = start_tftpd_hpa(&root, "127.0.0.1");
    let output = run_output(&probe_args(
        &server.server(),
        &["--from", "P0S3-06-3-00", "--to", "P0S3-08-11-00"],
    ));
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    let missing: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "stage_file_missing")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["P0S3-08-11-00.sb2"], "{report}");
}

#[test]
fn reports_os79xx_as_served_and_an_empty_ctlsep() {
    let test = Test::new();
    let root = card_root(&test, "probe-os79xx");
    std::fs::write(root.join("OS79XX.TXT"), "P0S3-06-3-00 \r\nsecond line\n").unwrap();
    std::fs::write(root.join(format!("CTLSEP{MAC}.tlv")), "").unwrap();
    let server = start_atftpd(&root);
    let output = run_output(&probe_args(&server.server(), &["--mac", MAC]));
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    assert_eq!(
        kinds(&report),
        ["missing_file_answer", "os79xx_format", "os79xx_format"],
        "{report}"
    );
    let details: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["detail"].as_str().unwrap())
        .collect();
    assert!(details[0].contains("empty"), "{details:?}");
    assert!(details[1].contains("CR"), "{details:?}");
    assert!(details[2].contains("more than one line"), "{details:?}");
}

#[test]
fn catches_a_case_folding_server_and_not_a_root_with_two_spellings() {
    let test = Test::new();
    let root = card_root(&test, "probe-case");
    apply_stage(&test, &root, "1");
    // A server that matches names as Windows does (tftpd32).
    let folding = WrongServer::start(&root, Wrong::FoldsCase);
    let report = json_of(&run_output(&probe_args(&folding.server(), &[])));
    assert_eq!(kinds(&report), ["case_insensitive"], "{report}");
    // tftpd-hpa matches exactly, even when the root holds a lower-case copy.
    std::fs::copy(root.join("OS79XX.TXT"), root.join("os79xx.txt")).unwrap();
    let exact = start_tftpd_hpa(&root, "127.0.0.1");
    let output = run_output(&probe_args(&exact.server(), &[]));
    assert_eq!(kinds(&json_of(&output)), Vec::<String>::new());
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn checks_what_the_application_reads_after_it_takes_the_image() {
    let test = Test::new();
    let root = loader_stage_root(&test, "probe-after-image");
    let server = start_tftpd_hpa(&root, "127.0.0.1");
    let output = run_output(&probe_args(&server.server(), &LOADER_STAGE));
    let report = json_of(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert_eq!(kinds(&report), ["stage_file_content"], "{report}");
    let finding = &report["findings"][0];
    assert_eq!(finding["file"], "SIPDefault.cnf");
    says(
        finding,
        "detail",
        "names P0S3-06-3-00; stage 1 (P003-08-11-00 -> P0S3-08-11-00) needs P0S3-08-11-00",
    );
    says(
        finding,
        "fix",
        "phoneup apply --from P003-08-11-00 --to P0S3-08-11-00 --stage 1",
    );
    // Asked for over the wire, as the phone asks after it reboots into 8.11.
    let asked: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(asked.contains(&"SIPDefault.cnf"), "{asked:?}");

    // A per-phone SIP<MAC>.cnf whose image_version overrides SIPDefault.cnf (TCG-7960).
    apply_stage(&test, &root, "3");
    std::fs::write(
        root.join(format!("SIP{MAC}.cnf")),
        "image_version: P0S3-07-5-00\n",
    )
    .unwrap();
    let address = server.server();
    let mut args = probe_args(&address, &LOADER_STAGE);
    args.extend(["--mac", MAC]);
    let report = json_of(&run_output(&args));
    assert_eq!(kinds(&report), ["stage_file_content"], "{report}");
    assert_eq!(report["findings"][0]["file"], format!("SIP{MAC}.cnf"));
    says(&report["findings"][0], "fix", "image_version line");

    // A per-phone file the server cannot send (error 0): the model loops there, and so would
    // the phone.
    std::fs::remove_file(root.join(format!("SIP{MAC}.cnf"))).unwrap();
    std::fs::create_dir(root.join(format!("SIP{MAC}.cnf"))).unwrap();
    let output = run_output(&args);
    let report = json_of(&output);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(kinds(&report), ["stage_does_not_settle"], "{report}");
    let finding = &report["findings"][0];
    says(finding, "detail", &format!("loops on SIP{MAC}.cnf"));
    says(finding, "fix", "error 0 (Is a directory)");

    // With the stage's files as apply writes them: nothing to find.
    std::fs::remove_dir(root.join(format!("SIP{MAC}.cnf"))).unwrap();
    let output = run_output(&args);
    assert_eq!(kinds(&json_of(&output)), Vec::<String>::new());
    assert_eq!(output.status.code(), Some(0));
}
