//! `inventory`: which loads a TFTP root holds whole, which in part, and which files it does
//! not know.

use std::path::Path;

use phoneup::files::loads::stand_in as stand_in_loads;
use phoneup::plan::replay::STAND_IN_IMAGE;
use serde_json::Value;

use super::support::{clean_root_with, Test};

#[test]
fn a_load_is_complete_when_a_stage_finds_what_it_fetches() {
    let test = Test::new();
    let dir = test.dir("inventory-63", &[("P0S3-06-3-00.bin", STAND_IN_IMAGE)]);
    let (_, value, _) = test.run_json(&["inventory", "--tftp-root", dir.to_str().unwrap()]);
    let load = &value["loads"][0];
    assert_eq!(load["load"], "P0S3-06-3-00");
    assert_eq!(load["status"], "complete", "{load}");
    assert!(load["notes"][0]
        .as_str()
        .unwrap()
        .contains("no P0S3-06-3-00.sbn: a phone on a signed load"));
}

/// `inventory --format json` of `dir`, which must exit 0.
pub(super) fn inventory(test: &Test, dir: &Path) -> Value {
    let (code, stdout, _) = test.run(&[
        "inventory",
        "--tftp-root",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn complete_partial_and_unknown_loads_are_told_apart() {
    let test = Test::new();
    let mut files = clean_root_with(&[
        ("P0S3-06-3-00.bin", Some(&[0; 10])),
        ("P0S3-06-3-00.sbn", Some(&[0; 414])),
        ("notes.doc", Some(b"x")),
    ]);
    files.push((
        "P0S3-07-4-00.loads",
        stand_in_loads("P0S3-07-4-00", "P003-07-4-00", "P0S3-07-4-00").into_bytes(),
    ));
    files.push(("P003-08-2-00.bin", vec![0; 10]));
    files.push(("P003-08-2-00.sbn", vec![0; 10]));
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let dir = test.dir("lint-inventory", &borrowed);
    let value = inventory(&test, &dir);
    let status = |load: &str| {
        value["loads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["load"] == load)
            .unwrap_or_else(|| panic!("{load}: {value:#}"))
            .clone()
    };
    assert_eq!(status("P0S3-08-11-00")["status"], "complete");
    assert_eq!(status("P0S3-06-3-00")["status"], "complete");
    assert_eq!(status("P0S3-06-3-00")["notes"], serde_json::json!([]));
    let partial = status("P0S3-07-4-00");
    assert_eq!(partial["status"], "partial");
    assert_eq!(
        partial["missing"],
        serde_json::json!(["P003-07-4-00.sbn", "P0S3-07-4-00.sb2"])
    );
    assert!(status("P003-08-2-00")["notes"][0]
        .as_str()
        .unwrap()
        .contains("404"));
    assert_eq!(value["unknown_files"], serde_json::json!(["notes.doc"]));
}
