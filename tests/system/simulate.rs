//! The phone model booting over the wire (`simulate --server`) against Debian's tftpd-hpa and
//! atftpd on loopback and dnsmasq in a network namespace of the test's own: the card's three
//! stages applied and walked, and what to fix on a server that answers missing files wrongly.

use std::path::Path;

use super::card::{
    apply_stage, card_root, check_boot, loader_stage_root, run_output, simulate_args, MAC, STAGES,
};
use super::servers::{
    in_netns_with_dnsmasq, start_atftpd, start_tftpd_hpa, start_tftpd_hpa_with, Guard,
};
use super::support::Test;

/// Applies each stage of the card to a root served by the server `start` starts, and boots the
/// phone model over the wire from the stage's start to its end.
fn walk_the_card(test: &Test, name: &str, start: impl Fn(&Path) -> Guard) {
    let root = card_root(test, &format!("wire-{name}"));
    let server = start(&root);
    for (stage, from, to) in STAGES {
        apply_stage(test, &root, stage);
        check_boot(
            &run_output(&simulate_args(from, &server.server())),
            to,
            name,
        );
    }
}

#[test]
fn the_phone_model_walks_the_card_over_tftpd_hpa() {
    let test = Test::new();
    walk_the_card(&test, "tftpd-hpa", |root| {
        start_tftpd_hpa(root, "127.0.0.1")
    });
}

#[test]
fn the_phone_model_walks_the_card_over_atftpd() {
    let test = Test::new();
    walk_the_card(&test, "atftpd", start_atftpd);
}

#[test]
fn the_phone_model_walks_the_card_over_dnsmasq_in_a_network_namespace() {
    let test = Test::new();
    let root = card_root(&test, "wire-dnsmasq");
    for (stage, from, to) in STAGES {
        apply_stage(&test, &root, stage);
        let output = in_netns_with_dnsmasq(&root, &simulate_args(from, "{SERVER}"));
        check_boot(&output, to, "dnsmasq");
    }
}

#[test]
fn says_what_to_fix_on_the_server_and_keeps_bind() {
    let test = Test::new();
    let root = loader_stage_root(&test, "simulate-wire-next");
    let server = start_tftpd_hpa(&root, "127.0.0.1");
    let address = server.server();
    let output = run_output(&[
        "simulate",
        "--from",
        "P003-08-11-00",
        "--server",
        &address,
        "--bind",
        "127.0.0.2",
        "--mac",
        MAC,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("To fix on the server:"), "{text}");
    assert!(!text.contains("To fix in the TFTP root"), "{text}");
    // It goes on from the load the phone ended on, where the real phone is now.
    assert!(
        text.contains(&format!(
            "then run: phoneup simulate --from P0S3-08-11-00 --server {address} --bind 127.0.0.2 --mac {MAC}"
        )),
        "{text}"
    );
    assert!(
        text.contains("RRQ P0S3-06-3-00.sbn             not found\n"),
        "{text}"
    );

    // tftpd-hpa without --secure answers a missing file with error 2: the fix names --secure,
    // and the probe it proposes sends from the same address.
    let insecure = start_tftpd_hpa_with(&root, "127.0.0.1", &[]);
    let output = run_output(&[
        "simulate",
        "--from",
        "P003-08-11-00",
        "--server",
        &insecure.server(),
        "--bind",
        "127.0.0.2",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("Next: The server answers CTLSEP0018B9FFFFFF.tlv with TFTP error 2 (Only absolute filenames allowed)")
            && text.contains("This is tftpd-hpa without --secure: set TFTP_OPTIONS=\"--secure\""),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "then run: phoneup probe --server {} --bind 127.0.0.2",
            insecure.server()
        )),
        "{text}"
    );
}
