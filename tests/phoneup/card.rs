//! The design card's route over the wire: a TFTP root with stand-in firmware whose sizes end
//! mid-block, on a block boundary and with an empty final block, its stages applied, and what
//! `simulate --server` and `probe` say about it (`--format json`). Shared by both test targets.
#![allow(dead_code)]

use std::path::Path;
use std::process::Output;

use phoneup::files::loads::stand_in as stand_in_loads;
use serde_json::Value;

use super::support::{card, phoneup, Test};

pub const MAC: &str = "0018B9ABCDEF";

/// Stand-in firmware of `len` bytes (several TFTP blocks), not a Cisco file.
pub fn image(len: usize) -> Vec<u8> {
    let text = b"phoneup stand-in firmware image, not a Cisco file\n";
    text.iter().copied().cycle().take(len).collect()
}

/// A root with the card's firmware: sizes that end mid-block, on a block boundary, and an empty
/// final block.
pub fn card_root(test: &Test, tag: &str) -> std::path::PathBuf {
    let loads = stand_in_loads("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00");
    test.dir(
        tag,
        &[
            ("P0S3-06-3-00.bin", &image(3000)),
            ("P003-08-11-00.sbn", &image(4096)),
            ("P0S3-08-11-00.sb2", &image(70_000)),
            ("P0S3-08-11-00.loads", loads.as_bytes()),
        ],
    )
}

pub fn apply_stage(test: &Test, root: &Path, stage: &str) {
    let (code, _, stderr) = test.run(&card(
        "apply",
        &[
            "--stage",
            stage,
            "--tftp-root",
            root.to_str().unwrap(),
            "--force",
        ],
    ));
    assert_eq!(code, 0, "apply --stage {stage}: {stderr}");
}

pub fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

pub fn run_output(args: &[&str]) -> Output {
    phoneup().args(args).output().unwrap()
}

/// The stages of the card: (stage, the load it starts from, the load it ends on).
pub const STAGES: [(&str, &str, &str); 3] = [
    ("1", "P0030301MFG2", "P0S3-06-3-00"),
    ("2", "P0S3-06-3-00", "P003-08-11-00"),
    ("3", "P003-08-11-00", "P0S3-08-11-00"),
];

/// Checks one `simulate --format json` over the wire: the phone ends on `to`, every request
/// went over the wire, and the missing files got error 1.
pub fn check_boot(output: &Output, to: &str, server: &str) {
    let simulation = json_of(output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{server}: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(simulation["final_load"], to, "{server}");
    assert_eq!(simulation["ending"], "stable", "{server}");
    let first = &simulation["boots"][0];
    assert_eq!(first["result"], "upgraded", "{server}");
    for request in first["requests"].as_array().unwrap() {
        let tftp = &request["tftp"];
        match tftp["status"].as_str().unwrap() {
            "served" => {
                assert_eq!(request["found"], true);
                assert!(tftp["size"].as_u64().is_some());
            }
            "not_found" => {
                assert_eq!(request["found"], false);
                assert_eq!(tftp["error_code"], 1, "{server}: {request}");
            }
            other => panic!("{server}: {request} got {other}"),
        }
    }
    // The firmware arrived whole: the 70 000-byte application too.
    let sizes: Vec<(String, u64)> = first["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["tftp"]["status"] == "served")
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["tftp"]["size"].as_u64().unwrap(),
            )
        })
        .collect();
    if to == "P0S3-08-11-00" {
        assert!(
            sizes.contains(&("P0S3-08-11-00.sb2".into(), 70_000)),
            "{server}: {sizes:?}"
        );
        assert!(
            sizes.contains(&("P003-08-11-00.sbn".into(), 4096)),
            "{server}: {sizes:?}"
        );
    }
}

pub fn simulate_args<'a>(from: &'a str, server: &'a str) -> Vec<&'a str> {
    vec![
        "simulate", "--from", from, "--server", server, "--mac", MAC, "--format", "json",
    ]
}

/// `probe` on a root with stage 1 applied: exit 0, no findings, with and without the plan.
pub fn check_clean_probe(output: &Output, server: &str) {
    let report = json_of(output);
    assert_eq!(
        report["findings"],
        Value::Array(vec![]),
        "{server}: {report}"
    );
    assert_eq!(report["ok"], true);
    assert_eq!(output.status.code(), Some(0), "{server}");
    let files = report["files"].as_array().unwrap();
    assert_eq!(files[0]["file"], "CTLSEP0018B9FFFFFF.tlv");
    assert_eq!(files[0]["status"], "not_found");
    assert_eq!(files[0]["error_code"], 1);
    assert!(files
        .iter()
        .any(|f| f["file"] == "OS79XX.TXT" && f["status"] == "served" && f["size"] == 13));
}

pub fn probe_args<'a>(server: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["probe", "--server", server, "--format", "json"];
    args.extend_from_slice(extra);
    args
}

pub const CARD: [&str; 4] = ["--from", "P0030301MFG2", "--to", "P0S3-08-11-00"];

/// Asserts that `finding[field]` contains `text`.
pub fn says(finding: &Value, field: &str, text: &str) {
    assert!(
        finding[field].as_str().unwrap_or_default().contains(text),
        "{field} does not say {text:?}: {finding}"
    );
}

pub fn kinds(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

/// The loader stage of the card on a root whose `SIPDefault.cnf` still names SIP 6.3: the loader
/// reads `XMLDefault.cnf.xml` and takes 8.11, and the application then reads `SIPDefault.cnf`.
pub fn loader_stage_root(test: &Test, tag: &str) -> std::path::PathBuf {
    let root = card_root(test, tag);
    for stage in ["1", "2", "3"] {
        apply_stage(test, &root, stage);
    }
    std::fs::write(
        root.join("SIPDefault.cnf"),
        "proxy1_address: \"192.0.2.1\"\nimage_version: \"P0S3-06-3-00\"\n",
    )
    .unwrap();
    root
}

pub const LOADER_STAGE: [&str; 4] = ["--from", "P003-08-11-00", "--to", "P0S3-08-11-00"];
