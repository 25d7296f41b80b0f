//! A Java-based phone (the 7961G) against Debian's tftpd-hpa on loopback, with stand-in
//! packages: `apply` writes stage 1, `probe --model 7961` finds nothing wrong and the phone model
//! takes the stage over the wire; a component copied in the wrong case is File not found on this
//! case-sensitive server; and behind tftpd-hpa without `--secure` the phone loops on CTLSEP as
//! MCLEAN-CTLSEP's 7961G did, with the fix for that server.

use std::fs;
use std::path::Path;

use super::card::{json_of, kinds, run_output};
use super::servers::{start_tftpd_hpa, start_tftpd_hpa_with};
use super::support::Test;

const MAC: &str = "0018B9ABCDEF";
const FROM: &str = "SCCP41.8-3-1S";
const BRIDGE_LOAD: &str = "SCCP41.8-5-2S";
/// The bridge's package, with stand-in component names (the sources do not name them); the
/// jar spelled with a capital J, as 8.x packages spell it (SYSOP, THOURET).
const BRIDGE: &str = "SCCP41.8-5-2S.loads\r\nJar41sccp.stand-in-852.sbn \r\ncnu41.stand-in-852.sbn\r\napps41.stand-in-852.sbn\r\ndsp41.stand-in-852.sbn \r\ncvm41sccp.stand-in-852.sbn \r\n";

fn put_bridge(dir: &Path) {
    let mut lines = BRIDGE.split("\r\n");
    fs::write(dir.join(lines.next().unwrap()), BRIDGE).unwrap();
    for line in lines.filter(|l| !l.is_empty()) {
        fs::write(dir.join(line.trim()), b"stand-in").unwrap();
    }
    fs::write(dir.join("term61.default.loads"), BRIDGE).unwrap();
}

/// `probe` of stage 1 for a 7961G, in JSON.
fn probe_args(address: &str) -> Vec<&str> {
    vec![
        "probe",
        "--server",
        address,
        "--mac",
        MAC,
        "--model",
        "7961",
        "--from",
        FROM,
        "--to",
        BRIDGE_LOAD,
        "--format",
        "json",
    ]
}

fn json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = run_output(args);
    (output.status.code(), json_of(&output))
}

#[test]
fn a_7961_stage_applied_is_clean_on_tftpd_hpa_and_the_model_takes_it_over_the_wire() {
    let test = Test::new();
    let dir = test.dir("family-hpa", &[]);
    put_bridge(&dir);
    let root = dir.to_str().unwrap();
    let (code, stdout, stderr) = test.run(&[
        "apply",
        "--model",
        "7961",
        "--from",
        FROM,
        "--to",
        BRIDGE_LOAD,
        "--stage",
        "1",
        "--tftp-root",
        root,
        "--mac",
        MAC,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let server = start_tftpd_hpa(&dir, "127.0.0.1");
    let address = server.server();
    let (code, report) = json(&probe_args(&address));
    assert_eq!(
        (code, kinds(&report)),
        (Some(0), Vec::<String>::new()),
        "{report}"
    );
    let (code, simulation) = json(&[
        "simulate", "--model", "7961", "--from", FROM, "--server", &address, "--mac", MAC,
        "--format", "json",
    ]);
    assert_eq!(code, Some(0), "{simulation}");
    assert_eq!(simulation["ending"], "settled");
    assert_eq!(simulation["running"], BRIDGE_LOAD);
    assert_eq!(simulation["boots"][0]["result"], "took");

    // The jar lower-cased by a copy: tftpd-hpa matches names exactly.
    fs::rename(
        dir.join("Jar41sccp.stand-in-852.sbn"),
        dir.join("jar41sccp.stand-in-852.sbn"),
    )
    .unwrap();
    let (code, report) = json(&probe_args(&address));
    assert_eq!(code, Some(1));
    assert_eq!(kinds(&report), ["stage_file_missing"], "{report}");
    assert_eq!(report["findings"][0]["file"], "Jar41sccp.stand-in-852.sbn");
}

#[test]
fn mcleans_7961_loops_on_ctlsep_behind_tftpd_hpa_without_secure_and_the_fix_says_so() {
    let test = Test::new();
    let sep = format!("SEP{MAC}.cnf.xml");
    let dir = test.dir(
        "family-hpa-insecure",
        &[(
            sep.as_str(),
            b"<device><loadInformation>SCCP41.8-5-2S</loadInformation></device>",
        )],
    );
    put_bridge(&dir);
    let server = start_tftpd_hpa_with(&dir, "127.0.0.1", &[]);
    let (code, simulation) = json(&[
        "simulate",
        "--model",
        "7961",
        "--from",
        FROM,
        "--server",
        &server.server(),
        "--mac",
        MAC,
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1), "{simulation}");
    assert_eq!(simulation["ending"], "loop");
    let fix = simulation["fix"].as_str().unwrap();
    assert!(fix.contains("This is tftpd-hpa without --secure"), "{fix}");
}
